"""What the formulas on the activation pages mean: their symbols, and their kinks.

* :func:`symbols_line` defines, for one record, every name its formulas use that is not
  plain algebra, found in their SymPy (:mod:`actdocs.measure.formulas`): the names of :data:`TERMS`
  (a named function's meaning rendered from the same SymPy the tests evaluate), the
  symbols the record itself defines (LogSoftmax's ``s_j = softmax(z)_j``),
  and links to the pages of other activations its formulas call. :func:`undefined_symbols`
  and :func:`unused_definitions` check a record against it (``tests/produce/test_tables.py``).
* :func:`kinks`: the points where a function's two pieces meet at an angle, so that
  its derivative is undefined there (where :mod:`actdocs.measure.properties` measures its
  derivative jumping).
  A framework must still return a number; this site uses PyTorch's. :func:`kink_line` says so on the page, with the values autograd
  returns at each kink, computed at build time; :func:`max_grad_cell` says so in the
  "Max gradient" cell when the largest derivative sits at a kink.
"""

from __future__ import annotations

import math
import re

import sympy

from actdocs import catalog, paths
from actdocs.measure import formulas, properties
from actdocs.measure.autograd import grad_at
from actdocs.catalog import Activation
from actdocs.render.numbers import format_number
from actdocs.render.wording import format_max_grad

#: Names of :data:`actdocs.measure.formulas.NAMES` that a card defines wherever its formulas use
#: them, in card order: (name, how the card's TeX writes it, its definition as Markdown).
#: ``{meaning}`` stands for the named function's meaning, rendered from its SymPy.
TERMS: tuple[tuple[str, str, str], ...] = (
    ("sigma", r"\sigma", r"$\sigma$ is the logistic sigmoid, {meaning}"),
    ("Phi", r"\Phi", r"$\Phi$ is the cumulative distribution function of the standard normal distribution"),
    ("phi", r"\varphi", r"$\varphi$ is the standard normal density, {meaning}"),
    ("erf", r"\operatorname{erf}", r"$\operatorname{erf}$ is the error function, "
                                   r"$\operatorname{erf}(t) = \tfrac{2}{\sqrt{\pi}}\int_0^t e^{-s^2}\,ds$"),
    ("softplus", r"\operatorname{softplus}", "{meaning}"),
    ("ReLU6", r"\operatorname{ReLU6}", "{meaning}"),
    ("lam", r"\lambda", r"$\lambda$ scales the whole function (its value is beside the formula)"),
    ("alpha", r"\alpha", r"$\alpha$ sets the negative side (its value is beside the formula)"),
    ("odot", r"\odot", r"$a$ and $b$ are the content half and the gate half of the unit's input (itself a "
                       r"linear projection of the layer's input), and $\odot$ multiplies element by element"),
    ("z", r"\mathbf{z}", r"$\mathbf{z}$ is the vector of logits"),
    ("delta", r"\delta_{ij}", r"$\delta_{ij}$ is 1 when $i = j$ and 0 otherwise"),
)

#: Symbols every reader knows: the variable, the vector's indices and its length (which the
#: sums leave unwritten).
OBVIOUS: frozenset[sympy.Basic] = frozenset({formulas.X, formulas.I, formulas.J, formulas.N})

#: TeX commands that need no definition: layout, plain algebra and the elementary functions.
STANDARD_TEX: frozenset[str] = frozenset({
    "frac", "tfrac", "left", "right", "bigl", "bigr", "cdot", "quad", "sqrt", "tanh", "ln",
    "max", "min", "text", "begin", "end", "le", "ge", "approx", "pi", "partial", "sum",
})

_COMMAND = re.compile(r"\\([A-Za-z]+)")
_OPERATOR = re.compile(r"\\operatorname\{([^}]*)\}")


def _cards() -> dict[str, Activation]:
    """Function name -> the record whose card defines it (SiLU -> silu, ...)."""
    cards: dict[str, Activation] = {}
    for record in catalog.ACTIVATIONS:
        if not record.maths.approximates:
            cards.setdefault(record.maths.name, record)
    return cards


def card_of(name: str) -> Activation | None:
    """The record whose card defines the function ``name``, if any (GELU's, not its tanh form's)."""
    return _cards().get(name)


def _used_terms(record: Activation) -> list[tuple[str, str, str]]:
    """The entries of :data:`TERMS` the record's formulas use, its own function left out."""
    used = formulas.used(record)
    return [t for t in TERMS if formulas.NAMES[t[0]] in used and t[0] != record.maths.name]


def _term_text(name: str, words: str) -> str:
    """The term's definition, its named function's meaning filled in."""
    if "{meaning}" not in words:
        return words
    return words.replace("{meaning}", f"${formulas.meaning_tex(formulas.FUNCTIONS[name])}$")


def _linked_cards(record: Activation) -> list[Activation]:
    """Other activations the record's formulas call by name, whose cards define them."""
    cards = _cards()
    terms = {name for name, _, _ in TERMS}
    named = sorted((f for f in formulas.used(record) if isinstance(f, type) and issubclass(f, formulas.Named)),
                   key=lambda f: f.__name__)
    names = [f.__name__ for f in named if f.__name__ not in terms]
    if record.maths.approximates:  # "GELU(x) ≈ ...": the function approximated
        names.insert(0, record.maths.name)
    return [cards[name] for name in names if name in cards and cards[name].key != record.key]


def symbols_used(record: Activation) -> list[str]:
    """Definitions of the names the record's formulas use and do not define themselves:
    entries of :data:`TERMS`, the symbols the record defines for the symbols line, then
    links to the cards of other activations they call."""
    used = [_term_text(name, words) for name, _, words in _used_terms(record)]
    used += [f"${tex}$" for tex in _symbols_line_definitions(record)]
    for other in _linked_cards(record):
        name = formulas.name_tex(other.maths.name)
        used.append(f"${name}$ and its derivative are on the [{other.name} page]({paths.activation_stub(other.key)})")
    return used


def _symbols_line_definitions(record: Activation) -> list[str]:
    """TeX of the symbols the record defines on its symbols line (LogSoftmax's s_j)."""
    return [formulas.definition_tex(d) for d in record.maths.where if d.shown == "symbols"]


def _card_tex(record: Activation) -> str:
    """Everything of the card's formulas in TeX: formula, derivative, symbols-line definitions."""
    return " ".join([formulas.formula_tex(record), formulas.derivative_tex(record), *_symbols_line_definitions(record)])


def _symbol(text: str) -> sympy.Basic:
    """The symbol a constant or a definition names: ``s`` for ``s[j]``."""
    symbol = formulas.parse(text)
    return symbol.base if isinstance(symbol, sympy.Indexed) else symbol


def _defined_symbols(record: Activation) -> set[sympy.Basic]:
    """The symbols a record gives a value or an expression, and those its terms define."""
    maths = record.maths
    defined = {_symbol(c.symbol) for c in maths.constants} | {_symbol(d.symbol) for d in maths.where}
    if formulas.FUNCTIONS["odot"] in formulas.used(record):
        defined |= {formulas.A, formulas.B}
    return defined | {formulas.NAMES[name] for name, _, _ in TERMS if name not in formulas.CONSTANTS}


def undefined_symbols(record: Activation) -> list[str]:
    """Names the record's formulas use that nothing on its card defines.

    In the SymPy: a symbol that is not x or an index, nor given a value or an expression by
    the record (α and λ need their values beside the formula); a named function neither
    in :data:`TERMS` nor an activation with a card. In the TeX (which includes the record's
    hand-written notes): a command that is not plain algebra (:data:`STANDARD_TEX`) nor
    marks a defined name, an operator name that is neither."""
    used, defined = formulas.used(record), _defined_symbols(record)
    cards, terms = _cards(), {name for name, _, _ in _used_terms(record)}
    missing = [formulas.tex(s) if isinstance(s, sympy.Symbol) else s.name  # s, not bold: the card writes s_j
               for s in sorted(used - OBVIOUS - defined, key=str) if isinstance(s, (sympy.Symbol, sympy.IndexedBase))]
    missing += [f.tex for f in sorted(used, key=str) if isinstance(f, type) and issubclass(f, formulas.Named)
                and not issubclass(f, formulas.Operation) and f.__name__ not in cards and f.__name__ not in terms]
    tex = _card_tex(record)
    markers = [formulas.name_tex(record.maths.name), *(marker for _, marker, _ in _used_terms(record))]
    known_operators = {formulas.name_tex(name) for name in cards} | set(markers)
    for name in _OPERATOR.findall(tex):
        if rf"\operatorname{{{name}}}" not in known_operators:
            missing.append(rf"\operatorname{{{name}}}")
    for command in _COMMAND.findall(_OPERATOR.sub(" ", tex)):
        if command not in STANDARD_TEX and not any(m.startswith(f"\\{command}") for m in markers):
            missing.append(f"\\{command}")
    return list(dict.fromkeys(missing))


def unused_definitions(record: Activation) -> list[str]:
    """What the record defines that its formulas do not use: a constant or a defined symbol
    absent from the formula, the derivative and the other definitions, or a term of the
    symbols line whose mark their TeX lacks."""
    maths = record.maths
    in_formulas = formulas.used(record)
    symbols = [c.symbol for c in maths.constants] + [d.symbol for d in maths.where]
    unused = [formulas.tex(formulas.parse(text)) for text in symbols if _symbol(text) not in in_formulas]
    tex = f"{formulas.formula_tex(record)} {formulas.derivative_tex(record)}"
    unused += [marker for _, marker, _ in _used_terms(record) if marker not in tex]
    return unused


def symbols_line(record: Activation) -> str:
    """"*Symbols:* ..." for the card, or "" when the formulas use nothing to define."""
    used = symbols_used(record)
    return f"*Symbols:* {'; '.join(used)}." if used else ""


def kinks(record: Activation) -> tuple[float, ...]:
    """The points where the record's derivative jumps (its kinks and jumps), as measured."""
    return properties.breaks(record)


def _points(xs: tuple[float, ...]) -> str:
    """"x = 0" or "x = −3 and x = 3"."""
    return " and ".join(f"x = {format_number(x)}" for x in xs)


def kink_line(record: Activation) -> str:
    """"*At a kink:* ..." for the card: where the derivative is undefined and what PyTorch uses.

    A point where the function itself jumps (Threshold, Hardshrink) is named as a jump."""
    points = kinks(record)
    if not points:
        return ""
    jumps = properties.measure(record).jumps
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
    """The "Max gradient" cell: :func:`actdocs.render.style.format_max_grad`, and, when the largest
    derivative sits at a kink, whether PyTorch's value there attains it."""
    p = record.properties
    text = format_max_grad(p)
    at = p.max_grad_at
    if not isinstance(at, (int, float)) or math.isinf(at) or at not in kinks(record):
        return text
    value = grad_at(record, at)
    if math.isclose(value, p.max_grad, rel_tol=1e-9):
        return f"{text} (PyTorch's value at the kink)"
    side = "below" if math.isclose(grad_at(record, at - properties.KINK_OFFSET), p.max_grad, rel_tol=1e-6) else "above"
    return (
        f"\u2192 {format_number(p.max_grad)} as x \u2192 {format_number(at)} from {side} "
        f"({format_number(value)} at x = {format_number(at)} in PyTorch)"
    )
