"""Every formula typed by hand in the site's prose, read by machine and evaluated.

The cards' formulas are rendered from SymPy (``tests/measure/test_formulas.py``); the prose types
its own: the pages (``docs/*.md``), the notebooks' Markdown cells and the TeX in the
package's captions. :func:`collect` finds every math span there as the site finds it
(arithmatex's ``$$...$$`` and ``$...$``, code left out). A span that holds a relation is
either read by :mod:`actdocs.measure.tex_reading` and checked, or listed in :data:`NOT_IDENTITIES`
with the reason it is no scalar identity; a span that is neither fails, and so does an
entry that no longer occurs.

A check evaluates every side of each chain in float64 on the grid of ``test_formulas``
(over [-20, 20], 0 and each breakpoint with points just either side), where the sides
must agree to :data:`TOLERANCE`, or within :data:`test_formulas.APPROXIMATION` across a
"≈"; a side that is a named activation, or its derivative, is also compared with PyTorch
(the card's functional, by autograd). A relation between numbers holds to the digits
shown. :data:`MUTANTS`, real page formulas with one slip each, must fail.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest
import sympy
import torch

from actdocs.measure import autograd, formulas
from actdocs.produce import notation
from actdocs.render import numbers
from actdocs.engine.artifact import REPO_ROOT
from actdocs.catalog import get
from actdocs.measure.tex_reading import LeakyReLU, TexError, elementary, read
from test_formulas import APPROXIMATION, NAMED_IN_TORCH, _entries, breakpoints, compare, evaluate, grid

#: Sides of an "=" in float64; atol covers values near 0 and cancellation in the tails.
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
#: Against PyTorch, whose kernels round differently (as in ``test_formulas``).
TORCH_TOLERANCE = {"rtol": 1e-7, "atol": 1e-12}
#: Values a free constant alpha takes.
ALPHAS = (0.01, 0.2)

# ------------------------------------------------------------------------ collecting

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_CODE = re.compile(r"(`+).+?\1", re.S)
#: pymdownx.arithmatex's block and (smart-dollar) inline patterns, as the site is configured.
_DISPLAY = re.compile(r"\$\$((?:\\.|[^\\])+?)\$\$", re.S)
_INLINE = re.compile(r"(?<!\\)\$(?!\s)((?:\\.|[^\\$])+?)(?<!\s)\$")
#: Names a caption's f-string placeholder may use to be filled in here: ``{format_number(math.sqrt(1 / 3), 2)}``.
_PLACEHOLDER_NAMES = {"math": math, "format_number": numbers.format_number, "format_sig": numbers.format_sig}


def spans(text: str) -> list[str]:
    """The math spans of Markdown ``text``: display blocks, then inline ones."""
    text = _FENCE.sub(lambda m: "\n" * m[0].count("\n"), text)
    text = _CODE.sub(lambda m: " " * len(m[0]), text)
    found = [m[1] for m in _DISPLAY.finditer(text)]
    return found + [m[1] for m in _INLINE.finditer(_DISPLAY.sub(" ", text))]


def notebook_markdown(source: str) -> str:
    """The Markdown cells of a jupytext percent file, comment marks removed."""
    cells, cell = [], None
    for line in source.splitlines():
        if line.startswith("# %%"):
            cell = [] if "[markdown]" in line else None
            if cell is not None:
                cells.append(cell)
        elif cell is not None:
            cell.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n\n".join("\n".join(c) for c in cells)


def _placeholder(node: ast.FormattedValue) -> str:
    """A placeholder's value where it needs no run-time data, else ``⟦its source⟧``."""
    try:
        return str(eval(compile(ast.Expression(node.value), "<caption>", "eval"), {"__builtins__": {}}, _PLACEHOLDER_NAMES))
    except NameError:
        return f"⟦{ast.unparse(node.value)}⟧"


def python_strings(source: str) -> list[str]:
    """The string literals of a module that may reach a page: not docstrings, not regular
    expressions; an f-string with its placeholders filled in or marked."""
    tree, skip, out = ast.parse(source), set(), []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        is_re = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "re"
        if isinstance(node, ast.JoinedStr) or is_re:
            skip |= {id(child) for child in ast.walk(node) if child is not node}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr) and id(node) not in skip:
            out.append("".join(v.value if isinstance(v, ast.Constant) else _placeholder(v) for v in node.values))
    return out


def collect(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """``(source, normalised TeX)`` of every math span in the prose, captions included."""
    texts = [(p, p.read_text(encoding="utf-8")) for p in sorted(root.glob("docs/*.md"))]
    texts += [(p, notebook_markdown(p.read_text(encoding="utf-8"))) for p in sorted(root.glob("snippets/notebooks/*.py"))]
    texts += [(p, s) for p in sorted(root.glob("actdocs/**/*.py")) for s in python_strings(p.read_text(encoding="utf-8"))]
    return [(p.relative_to(root).as_posix(), " ".join(span.split())) for p, text in texts for span in spans(text)]


_RELATION = re.compile(r"=|<|>|\\(?:approx|le|leq|ge|geq|neq|ne|to|in|sim)(?![A-Za-z])")
SPANS = collect()
RELATIONAL = sorted({s for s in SPANS if _RELATION.search(s[1])})

# ------------------------------------------------------------------- the non-identities

_COMPUTED = "a number computed at build time fills it in; the experiment's tests check the value"
_POINT = "a point or condition on x, not an identity"
_VALUE = "a parameter's value"
_LINEAR = "a linear layer's definition in matrices and vectors"
_PROBABILITY = "a probability or distribution of a random draw"

#: ``(source, normalised TeX)`` of every relation that is no scalar identity, and why.
NOT_IDENTITIES = {
    ("actdocs/experiments/gelu_approx.py", r"x = \pm⟦format_number(r['max_at'], 3)⟧"): _COMPUTED,
    ("actdocs/experiments/gradient_flow.py", r"⟦format_number(b['max_slope'])⟧^{⟦n⟧} \approx"): _COMPUTED,
    ("actdocs/experiments/gradient_flow.py", r"\sigma'(z) \approx"): _COMPUTED,
    ("actdocs/produce/facts.py", r"⟦format_number(peak)⟧^{⟦layers⟧} = 1/⟦inverse_text⟧ \approx ⟦format_sig_tex(left)⟧"): _COMPUTED,
    ("actdocs/produce/framework_defaults.py", r"\beta = 1"): _VALUE,
    ("actdocs/produce/frameworks.py", r"\beta = 1"): _VALUE,
    ("actdocs/produce/frameworks.py", "x < 0"): _POINT,
    ("actdocs/produce/notation.py", "i = j"): "the condition of Kronecker's delta on indices",
    ("docs/choosing.md", r"P(\text{class} = 1)"): _PROBABILITY,
    ("docs/choosing.md", "x = -200"): _POINT,
    ("docs/choosing.md", r"p = \operatorname{softmax}(\mathbf{z})"): "names the softmax's output p",
    ("docs/classic.md", "p = 1/2"): _POINT,
    ("docs/classic.md", r"p = \sigma(x) \in (0, 1)"): "names the output p and states its range",
    ("docs/classic.md", "x = 0"): _POINT,
    ("docs/concepts.md", r"P(m = 1) = \Phi(x)"): _PROBABILITY,
    ("docs/concepts.md", r"\Phi(x) = P(Z \le x)"): _PROBABILITY,
    ("docs/concepts.md", r"\delta_j = \partial L / \partial z_j"): "defines a unit's error signal",
    ("docs/concepts.md", "h_k > 0"): _POINT,
    ("docs/concepts.md", r"m = \mathbf{1}[Z \le x] \sim \operatorname{Bernoulli}\bigl(\Phi(x)\bigr), \qquad "
     r"\mathbb{E}[x\,m] = x \cdot P(m = 1) = x\,\Phi(x) = \operatorname{GELU}(x)."): "an expectation over a random mask",
    ("docs/concepts.md", "s = \\sigma(x)"): "names the output s",
    ("docs/concepts.md", "s = \\tfrac12"): _POINT,
    ("docs/concepts.md", "x = 0"): _POINT,
    ("docs/concepts.md", "x > 0"): _POINT,
    ("docs/concepts.md", r"z_j = \sum_k w_{jk} h_k + b_j , \qquad \frac{\partial L}{\partial w_{jk}} = \delta_j \, h_k , "
     r"\quad \text{where } \delta_j = \frac{\partial L}{\partial z_j} ."): "backpropagation through one layer's weights",
    ("docs/modern.md", r"P(Z \le x)"): _PROBABILITY,
    ("docs/modern.md", r"Z \le x"): _PROBABILITY,
    ("docs/modern.md", r"\Phi(x) = P(Z \le x)"): _PROBABILITY,
    ("docs/modern.md", r"\Phi(x) \to 1"): "a limit",
    ("docs/modern.md", r"\beta = 1"): _VALUE,
    ("docs/modern.md", r"\operatorname{GLU}(x, W, V, b, c) = \sigma(Wx + b) \odot (Vx + c) ,"): _LINEAR,
    ("docs/modern.md", r"\operatorname{SwiGLU}(x) = \operatorname{SiLU}(Wx) \odot Vx, \qquad "
     r"\operatorname{GeGLU}(x) = \operatorname{GELU}(Wx) \odot Vx ."): _LINEAR,
    ("docs/modern.md", "x = -3"): _POINT,
    ("docs/modern.md", "x = -3/2"): _POINT,
    ("docs/modern.md", "x = 3"): _POINT,
    ("docs/pytorch.md", r"\alpha = 0"): _VALUE,
    ("docs/quiz.md", "W' = W_2W_1"): _LINEAR,
    ("docs/quiz.md", r"W_2(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2 = W'\mathbf{x} + \mathbf{b}'"): _LINEAR,
    ("docs/quiz.md", r"Z \sim \mathcal{N}(0, 1)"): _PROBABILITY,
    ("docs/quiz.md", r"\Phi(x) = P(Z \le x)"): _PROBABILITY,
    ("docs/quiz.md", r"\operatorname{GLU} = (W\mathbf{x} + \mathbf{b}_1) \odot \sigma(V\mathbf{x} + \mathbf{b}_2)"): _LINEAR,
    ("docs/quiz.md", r"\sigma(x) = 1/2"): _POINT,
    ("docs/quiz.md", "x = 0"): _POINT,
    ("docs/quiz.md", "x > 0"): _POINT,
    ("docs/quiz.md", r"x \to \infty"): "a limit",
    ("docs/relu.md", "x = 0"): _POINT,
    ("docs/relu.md", "x > 0"): _POINT,
    ("docs/relu.md", r"x \le 0"): _POINT,
    ("docs/why-nonlinearity.md", "W' = W_2 W_1"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\begin{aligned} \mathbf{h} &= W_1 \mathbf{x} + \mathbf{b}_1, \\ "
     r"\mathbf{y} &= W_2 \mathbf{h} + \mathbf{b}_2 . \end{aligned}"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\begin{aligned} \mathbf{y} &= W_2 \left( W_1 \mathbf{x} + \mathbf{b}_1 \right) + "
     r"\mathbf{b}_2 \\ &= \underbrace{W_2 W_1}_{W'} \, \mathbf{x} + \underbrace{W_2 \mathbf{b}_1 + \mathbf{b}_2}_{\mathbf{b}'} "
     r"\\ &= W' \mathbf{x} + \mathbf{b}' . \end{aligned}"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\mathbf{b}' = W_2 \mathbf{b}_1 + \mathbf{b}_2"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\mathbf{b}' = W_2\mathbf{b}_1 + \mathbf{b}_2"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\mathbf{y} = W\mathbf{x} + \mathbf{b}"): _LINEAR,
    ("docs/why-nonlinearity.md", r"\mathbf{y} = W_2 \, \varphi\!\left(W_1 \mathbf{x} + \mathbf{b}_1\right) + \mathbf{b}_2"): _LINEAR,
    ("snippets/notebooks/challenge_custom_activation.py", r"|f'(x)| \geq c"): "a requirement on the reader's function",
    ("actdocs/experiments/training.py", r"\lvert f'(x)\rvert \ge ⟦format_number(r['gradient_bounded']['bound'])⟧"):
        "a requirement on the custom function, checked by training.requirements",
    ("snippets/notebooks/challenge_custom_activation.py", r"f(x) = \tanh(x) + \alpha x, \qquad "
     r"f'(x) = 1 - \tanh^2(x) + \alpha \in (\alpha, 1 + \alpha]."): "the solution's own function and its range; its notebook tests it",
    ("snippets/notebooks/challenge_custom_activation.py", "x < 0"): _POINT,
    ("snippets/notebooks/ex1_from_scratch.py", "x = 0"): _POINT,
    ("snippets/notebooks/ex2_gradient_flow.py", r"D_l = \operatorname{diag}\big(f'(z_l)\big)"): _LINEAR,
    ("snippets/notebooks/ex2_gradient_flow.py", r"\frac{\partial L}{\partial h_{1}} = \frac{\partial L}{\partial h_{20}}\, "
     r"D_{20} W_{20}\, D_{19} W_{19} \cdots D_{2} W_{2}."): "the chain rule through 20 layers, in matrices",
    ("snippets/notebooks/ex2_gradient_flow.py", "h_l = f(z_l)"): _LINEAR,
    ("snippets/notebooks/ex2_gradient_flow.py", "z_l = W_l h_{l-1} + b_l"): _LINEAR,
    ("snippets/notebooks/ex3_dying_relu.py", r"\alpha < 1"): _VALUE,
    ("snippets/notebooks/ex3_dying_relu.py", r"\alpha = 0.01"): _VALUE,
    ("snippets/notebooks/ex3_dying_relu.py", r"\alpha = 0.1"): _VALUE,
    ("snippets/notebooks/ex3_dying_relu.py", "z < 0"): _POINT,
    ("snippets/notebooks/ex3_dying_relu.py", r"z = w^\top x + b"): _LINEAR,
    ("snippets/notebooks/ex4_gelu_approx.py", r"|x| \approx 2.7"): "where the largest error lies; the notebook prints it",
}

# ------------------------------------------------------------------------ the check


def _shown(*texts: str) -> float:
    """Half a unit in the last digit shown by the numbers of ``texts`` (0 for exact ones)."""
    digits = [len(d) for t in texts for d in re.findall(r"\d\.(\d+)", t)]
    if not digits:
        return 0.0
    power = re.search(r"\\times\s*10\^\{?(-?\d+)", " ".join(texts))
    return 0.5 * 10.0 ** (int(power[1]) if power else 0) * 10.0 ** -max(digits)


def _torch_side(side: sympy.Basic, alpha: float, at: np.ndarray) -> np.ndarray | None:
    """PyTorch's value of a side that is a named activation or its derivative, at ``at``."""
    prime = isinstance(side, (sympy.Derivative, sympy.Subs))
    call = side.expr if isinstance(side, sympy.Subs) else side
    call = call.expr if isinstance(call, sympy.Derivative) else call
    if not isinstance(call, sympy.Function):
        return None
    name, arg = type(call).__name__, side.point[0] if isinstance(side, sympy.Subs) else call.args[0]
    if arg != formulas.X:
        if not arg.is_number:
            return None
        at = np.full(1, float(arg))
    points = torch.from_numpy(np.asarray(at, dtype=np.float64))
    if name == "Phi" and not prime:
        return NAMED_IN_TORCH["Phi"](points).numpy()
    record = notation.card_of(name)
    if record is None:
        return None
    if call.func is LeakyReLU:
        record = dataclasses.replace(record, defaults={LeakyReLU.parameter: alpha})
    value, slope = autograd.values_and_derivative(record, points)
    return (slope if prime else value).numpy()


def _vector_mismatches(label: str, sides: list[sympy.Expr]) -> list[str]:
    """Entries i of sides in a vector z, on seeded vectors of R^4."""
    found, generator = [], np.random.default_rng(0)
    for _ in range(3):
        z = 3 * generator.normal(size=4)
        values = [_entries(get("relu"), side, z, (formulas.I,)) for side in sides]
        found += [f for a, b in zip(values, values[1:]) for f in compare(f"{label} at z = {z}", a, b, tolerance=TOLERANCE)]
    return found


def mismatches(tex: str) -> list[str]:
    """Where the sides of the span's equations disagree with each other or with PyTorch."""
    found = []
    for equation in read(tex):
        sides = [elementary(s) for s in equation.sides]
        if any(s.atoms(sympy.Indexed) for s in sides):
            found += _vector_mismatches(tex, sides)
            continue
        free = set().union(*(s.free_symbols for s in sides)) - {formulas.CONSTANTS["alpha"]}
        if len(free) > 1:
            raise TexError(f"more than one variable: {free}")
        rename = {v: formulas.X for v in free}
        for alpha in ALPHAS if any(formulas.CONSTANTS["alpha"] in s.free_symbols for s in sides) else ALPHAS[:1]:
            fixed = [s.xreplace({**rename, formulas.CONSTANTS["alpha"]: alpha}) for s in sides]
            x = grid(set().union(*(breakpoints(s) for s in fixed))) if free else np.zeros(1)
            values = [evaluate(s, [formulas.X], x) for s in fixed]
            for n, relation in enumerate(equation.relations):
                tolerance = TOLERANCE
                if relation == "approx":
                    atol = APPROXIMATION if free else _shown(*equation.texts[n:n + 2])
                    tolerance = {"rtol": 0 if atol else 1e-9, "atol": atol}
                found += compare(f"{equation.texts[n]} vs {equation.texts[n + 1]}", values[n], values[n + 1], x, tolerance)
            for text, side, value in zip(equation.texts, equation.sides, values):
                side = side.xreplace(rename)
                expected = _torch_side(side, alpha, x)
                if expected is not None:
                    found += compare(f"{text} vs PyTorch", value[:expected.size], expected, None,
                                     TORCH_TOLERANCE)
    return found


# ------------------------------------------------------------------------ the tests

CHECKED = [s for s in RELATIONAL if s not in NOT_IDENTITIES]


def test_the_collector_finds_every_span() -> None:
    """As many spans as the pages hold (fragments too), and a new one is found."""
    assert len(SPANS) > 350 and len(CHECKED) >= 40
    assert spans("a $x = 1$ b ``$y = 2$`` and\n\n$$\nz = 3\n$$\n\n```\n$ echo $HOME\n```\n") == ["\nz = 3\n", "x = 1"]
    assert notebook_markdown("# %% [markdown]\n# The $f(x) = 1$.\n\n# %%\n# $g = 2$\n") .strip() == "The $f(x) = 1$."
    assert python_strings('"""$a = 1$"""\nX = f"$b = {n}$ and {format_number(0.5)}"\n') == ["$b = ⟦n⟧$ and 0.5"]


@pytest.mark.parametrize("source, tex", CHECKED, ids=[f"{s}: {t[:50]}" for s, t in CHECKED])
def test_every_page_formula_holds(source: str, tex: str) -> None:
    try:
        assert mismatches(tex) == []
    except TexError as error:
        pytest.fail(f"{source}: ${tex}$ is unreadable ({error}); read it, or list it in NOT_IDENTITIES with a reason")


def test_every_non_identity_still_occurs() -> None:
    assert sorted(set(NOT_IDENTITIES) - set(RELATIONAL)) == []


#: Real page formulas, each with one slip, and the page they come from.
MUTANTS = {
    "a sign": (r"\sigma'(x) = \sigma(x)(1 - \sigma(x))", "(1 - ", "(1 + "),
    "the approximation's constant": (r"\operatorname{GELU}(x) \approx \frac{x}{2}\left[1 + \tanh\!\left(\sqrt{\tfrac{2}{\pi}}"
                                     r"\,\bigl(x + 0.044715\,x^{3}\bigr)\right)\right]", "0.044715", "0.04715"),
    "a symbol": (r"\tanh(x) = 2\sigma(2x) - 1", r"2\sigma", r"2\tanh"),
    "a digit of a number": (r"\ln 2 \approx 0.693", "0.693", "0.695"),
    "an exact value": (r"\sigma'(0) = 0.25", "0.25", "0.5"),
    "a breakpoint on PyTorch's other side": (r"\operatorname{ReLU}'(x) = \begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{if } "
                                             r"x \le 0 \end{cases}", r"x > 0 \\ 0 & \text{if } x \le", r"x \ge 0 \\ 0 & \text{if } x <"),
    "a piece's constant": (r"\operatorname{Hardswish}(x) = x\,\frac{\operatorname{ReLU6}(x + 3)}{6} = \begin{cases} 0 & x \le -3 "
                           r"\\ x\,(x + 3)/6 & -3 < x < 3 \\ x & x \ge 3 \end{cases}", "(x + 3)/6 &", "(x + 3)/3 &"),
    "a named side that is not PyTorch's": (r"\operatorname{Mish}(x) = x\tanh(\operatorname{softplus}(x))", r"\operatorname{Mish}",
                                           r"\operatorname{SiLU}"),
    "an index": (r"\log \operatorname{softmax}(\mathbf{z})_i = z_i - \log \sum_j e^{z_j}", "e^{z_j}", "e^{z_i}"),
}


@pytest.mark.parametrize("name", list(MUTANTS))
def test_a_wrong_formula_is_caught(name: str) -> None:
    tex, good, bad = MUTANTS[name]
    assert any(tex in t for _, t in CHECKED), f"the formula is on no page any more: {tex}"
    assert mismatches(tex) == []
    assert mismatches(tex.replace(good, bad, 1))
