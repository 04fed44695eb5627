"""What the formulas on the activation cards mean: their symbols, and their kinks.

* :data:`SYMBOLS`: every symbol a catalog formula or derivative uses that is not plain
  algebra, with a definition in words. :func:`symbols_line` lists, for one record, the
  symbols its two formulas use, so a card never shows a symbol it leaves undefined
  (``tests/test_tables.py`` fails on one that no entry defines).
* :func:`kinks`: the points where a function's two pieces meet at an angle, so that
  its derivative is undefined there (where the figures find its derivative jumping).
  A framework must still return a number; this site uses PyTorch's. :func:`kink_line` says so on the card, with the values autograd
  returns at each kink, computed at build time; :func:`max_grad_cell` says so in the
  "Max gradient" cell when the largest derivative sits at a kink.
"""

from __future__ import annotations

import math
import re

from actdocs import catalog
from actdocs.autograd import grad_at
from actdocs.catalog import Activation
from actdocs.figures import function_jumps, jump_points
from actdocs.numbers import format_number
from actdocs.style import format_max_grad

#: (TeX that marks the symbol in a formula, its definition as Markdown), in card order.
SYMBOLS: tuple[tuple[str, str], ...] = (
    (r"\sigma", r"$\sigma$ is the logistic sigmoid, $\sigma(x) = 1/(1 + e^{-x})$"),
    (r"\Phi", r"$\Phi$ is the cumulative distribution function of the standard normal distribution"),
    (r"\varphi", r"$\varphi$ is the standard normal density, $\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}$"),
    (r"\operatorname{erf}", r"$\operatorname{erf}$ is the error function, "
                            r"$\operatorname{erf}(t) = \tfrac{2}{\sqrt{\pi}}\int_0^t e^{-s^2}\,ds$"),
    (r"\operatorname{softplus}", r"$\operatorname{softplus}(x) = \ln(1 + e^{x})$"),
    (r"\operatorname{ReLU6}", r"$\operatorname{ReLU6}(x) = \min(\max(0, x), 6)$"),
    (r"\lambda", r"$\lambda$ scales the whole function (its value is beside the formula)"),
    (r"\alpha", r"$\alpha$ sets the negative side (its value is beside the formula)"),
    (r"\odot", r"$a$ and $b$ are the content half and the gate half of the unit's input (itself a "
               r"linear projection of the layer's input), and $\odot$ multiplies element by element"),
    (r"\mathbf{z}", r"$\mathbf{z}$ is the vector of logits and $s_i$ the $i$-th output"),
    (r"\delta_{ij}", r"$\delta_{ij}$ is 1 when $i = j$ and 0 otherwise"),
)

#: TeX commands that need no definition: layout, plain algebra and the elementary functions.
STANDARD_TEX: frozenset[str] = frozenset({
    "frac", "tfrac", "left", "right", "bigl", "bigr", "cdot", "quad", "sqrt", "tanh", "ln",
    "max", "min", "text", "begin", "end", "le", "ge", "approx", "pi", "partial", "sum",
})

_COMMAND = re.compile(r"\\([A-Za-z]+)")
_OPERATOR = re.compile(r"\\operatorname\{([^}]*)\}")


def _tex(record: Activation) -> str:
    return f"{record.formula} {record.derivative}"


def _own_operator(record: Activation) -> str | None:
    """The operator name a record's formula defines (its left-hand side), if it has one."""
    match = _OPERATOR.match(record.formula)
    return match.group(1) if match else None


def _defines(record: Activation, marker: str) -> bool:
    """Whether the record's own formula is the definition of ``marker`` (sigmoid of sigma)."""
    return record.formula.startswith(marker)


def _cards() -> dict[str, Activation]:
    """Operator name -> the record whose card defines it (SiLU -> silu, ...)."""
    cards: dict[str, Activation] = {}
    for record in catalog.ACTIVATIONS:
        own = _own_operator(record)
        if own and own not in cards:
            cards[own] = record
    return cards


def symbols_used(record: Activation) -> list[str]:
    """Definitions of the symbols the record's formulas use and do not define themselves:
    entries of :data:`SYMBOLS`, then links to the cards of other activations they call."""
    tex = _tex(record)
    used = [text for marker, text in SYMBOLS if marker in tex and not _defines(record, marker)]
    covered = {m for m, _ in SYMBOLS}
    cards = _cards()
    for name in dict.fromkeys(_OPERATOR.findall(tex)):
        other = cards.get(name)
        if other is not None and other.key != record.key and rf"\operatorname{{{name}}}" not in covered:
            used.append(rf"$\operatorname{{{name}}}$ and its derivative are on the [{other.name} card](#{other.key})")
    return used


def undefined_symbols(record: Activation) -> list[str]:
    """TeX commands and operator names in the record's formulas that nothing defines:
    neither plain algebra (:data:`STANDARD_TEX`), nor :data:`SYMBOLS`, nor a card."""
    tex = _tex(record)
    markers = [m for m, _ in SYMBOLS if m in tex]
    known_operators = {_own_operator(record), *_cards()} - {None}
    missing = []
    for name in _OPERATOR.findall(tex):
        if name not in known_operators and rf"\operatorname{{{name}}}" not in markers:
            missing.append(rf"\operatorname{{{name}}}")
    for command in _COMMAND.findall(_OPERATOR.sub(" ", tex)):
        if command not in STANDARD_TEX and not any(m.startswith(f"\\{command}") for m in markers):
            missing.append(f"\\{command}")
    return list(dict.fromkeys(missing))


def symbols_line(record: Activation) -> str:
    """"*Symbols:* ..." for the card, or "" when the formulas use nothing to define."""
    used = symbols_used(record)
    return f"*Symbols:* {'; '.join(used)}." if used else ""


def kinks(record: Activation) -> tuple[float, ...]:
    """The points where the record's derivative jumps, as the figures find them on their grid."""
    return tuple(jump_points(record))


def _points(xs: tuple[float, ...]) -> str:
    """"x = 0" or "x = −3 and x = 3"."""
    return " and ".join(f"x = {format_number(x)}" for x in xs)


def kink_line(record: Activation) -> str:
    """"*At a kink:* ..." for the card: where the derivative is undefined and what PyTorch uses.

    A point where the function itself jumps (Threshold, Hardshrink) is named as a jump."""
    points = kinks(record)
    if not points:
        return ""
    jumps = tuple(x for x in function_jumps(record) if x in points)
    corners = tuple(x for x in points if x not in jumps)
    where = []
    if corners:
        where.append(f"at {_points(corners)}, where two pieces meet at an angle")
    if jumps:
        where.append(f"at {_points(jumps)}, where the function jumps")
    values = " and ".join(f"{format_number(grad_at(record, x))} at x = {format_number(x)}" for x in points)
    label = "At a kink" if corners else "At a jump"
    return (
        f"*{label}:* the derivative is undefined {'; and '.join(where)}. "
        f"The cases above follow PyTorch: they give each such point the value its autograd returns there ({values})."
    )


def max_grad_cell(record: Activation) -> str:
    """The "Max gradient" cell: :func:`actdocs.style.format_max_grad`, and, when the largest
    derivative sits at a kink, whether PyTorch's value there attains it."""
    p = record.properties
    text = format_max_grad(p)
    at = p.max_grad_at
    if not isinstance(at, (int, float)) or math.isinf(at) or at not in kinks(record):
        return text
    value = grad_at(record, at)
    if math.isclose(value, p.max_grad, rel_tol=1e-9):
        return f"{text} (PyTorch's value at the kink)"
    side = "below" if math.isclose(grad_at(record, at - 1e-9), p.max_grad, rel_tol=1e-6) else "above"
    return (
        f"\u2192 {format_number(p.max_grad)} as x \u2192 {format_number(at)} from {side} "
        f"({format_number(value)} at x = {format_number(at)} in PyTorch)"
    )
