"""Every formula and derivative on the cards, checked by machine against PyTorch in float64.

The cards' TeX is rendered from each record's SymPy (:mod:`actdocs.measure.formulas`), so checking the
SymPy checks what a reader sees. Each side of each "=" is evaluated with NumPy and compared
with the record's PyTorch functional, and each side of its derivative with autograd:

* element-wise records on a grid over [-20, 20] with every breakpoint of their pieces and
  points just either side of it (at a breakpoint the cases must give PyTorch's value, as
  the cards say), at the record's defaults and again at other values of every constant
  the formula names, so that a constant left out where its default is 1 is caught too;
* gated units on the same grid for the gate, and on a seeded vector of R^8 (halves a, b
  in R^4) against ``torch.autograd.functional.jacobian``;
* softmax, softmin and LogSoftmax on seeded vectors z in R^4: each entry, and the whole
  Jacobian.

A formula shown with "≈" must also be within :data:`APPROXIMATION` of the function it
approximates. :data:`MUTANTS` are wrong formulas of the kinds a hand-typed card gets wrong;
each must fail these checks.
"""

from __future__ import annotations

import dataclasses
import html

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F

from actdocs import catalog
from actdocs.measure import autograd, formula_values, formulas
from actdocs.produce import notation
from actdocs.engine.artifact import REPO_ROOT
from actdocs.catalog import ACTIVATIONS, Activation
from actdocs.experiments.training import LEAKY_TANH
from actdocs.site.mathrender import Renderer

#: float64 agreement. PyTorch's Hardsigmoid backward multiplies by the float32 constant 1/6
#: even in float64: 3e-8 off relatively, which rtol allows; atol covers values at 0.
TOLERANCE = {"rtol": 1e-7, "atol": 1e-12}

#: How close a formula shown with "≈" must stay to the function it approximates, everywhere
#: on the grid (GELU's tanh form: 4.7e-4 off in value, 9.3e-4 in slope).
APPROXIMATION = 1e-3

#: Where the grid puts points around each breakpoint b: b itself and b ± each offset.
OFFSETS = (1e-9, 1e-6, 1e-3)

#: The vector length and the number of seeded vectors for the non-element-wise records.
LENGTH, DRAWS = 4, 5

RECORDS = (*ACTIVATIONS, LEAKY_TANH)


def by_key(records):
    return pytest.mark.parametrize("record", records, ids=lambda a: a.key)


def other_params(record: Activation) -> dict[str, float]:
    """Another value for every default the formula names as a constant (none when it names none)."""
    return {c.default: 2 * record.defaults[c.default] + 0.25 for c in record.maths.constants if c.default}


def breakpoints(expr: sympy.Expr) -> set[float]:
    """Where a piece of ``expr`` (elementary, in x) begins or ends: the boundaries of its
    conditions, Max, Min and Abs written as pieces."""
    points = set()
    for relation in expr.rewrite(sympy.Piecewise).atoms(sympy.core.relational.Relational):
        solutions = sympy.solveset(relation.lhs - relation.rhs, formulas.X, sympy.S.Reals)
        assert solutions.is_FiniteSet, f"no breakpoints found for {relation}"
        points |= {float(p) for p in solutions}
    return points


def grid(pieces: set[float]) -> np.ndarray:
    """[-20, 20] in steps of 0.01, and each breakpoint with points just either side."""
    around = [b + sign * offset for b in pieces for offset in OFFSETS for sign in (-1, 1)]
    return np.unique(np.concatenate([np.linspace(-20, 20, 4001), list(pieces), around]))


def evaluate(expr: sympy.Expr, variables: list[sympy.Symbol], *values: np.ndarray) -> np.ndarray:
    """``expr`` at ``values`` in float64, broadcast to their shape (a constant side too)."""
    return np.broadcast_to(formula_values.numeric(expr, variables)(*values), np.shape(values[0])).astype(np.float64)


def compare(label: str, actual: np.ndarray, expected: np.ndarray, at: np.ndarray | None = None,
            tolerance: dict[str, float] = TOLERANCE) -> list[str]:
    """"label: differs at ..." for the first few points where the two disagree, else nothing."""
    wrong = ~np.isclose(actual, expected, **tolerance)
    if not wrong.any():
        return []
    where = at[wrong][:3] if at is not None else np.argwhere(wrong)[:3].tolist()
    return [f"{label}: differs at {where}: {actual[wrong][:3]} instead of {expected[wrong][:3]}"]


def _sides(record: Activation) -> list[tuple[str, sympy.Basic]]:
    """("formula 1", side), ..., ("derivative 1", side), ... of the record."""
    return ([(f"formula {n + 1}", s) for n, s in enumerate(formulas.formula_sides(record))]
            + [(f"derivative {n + 1}", s) for n, s in enumerate(formulas.derivative_sides(record))])


# ------------------------------------------------------------------------ the checks


def scalar_mismatches(record: Activation, params: dict[str, float]) -> list[str]:
    """Each side of an element-wise record's formula against PyTorch, of its derivative
    against autograd, on the record's grid, with ``params`` for its defaults."""
    sides = [(label, formula_values.elementary(record, side, params)) for label, side in _sides(record)]
    x = grid(set().union(*(breakpoints(side) for _, side in sides)))
    run = dataclasses.replace(record, defaults={**record.defaults, **params})
    value, slope = (t.numpy() for t in autograd.values_and_derivative(run, torch.from_numpy(x)))
    found = []
    for label, side in sides:
        expected = value if label.startswith("formula") else slope
        found += compare(f"{record.key} {label} {params or ''}", evaluate(side, [formulas.X], x), expected, x)
    return found


def gated_mismatches(record: Activation) -> list[str]:
    """A gated unit's formula and partial derivatives: on the grid for the gate b with a
    seeded content a, and its Jacobian on a seeded vector of R^8."""
    generator = np.random.default_rng(0)
    b = grid(set())
    a = generator.normal(size=b.shape)
    content, gate = torch.from_numpy(a).requires_grad_(), torch.from_numpy(b).requires_grad_()
    out = record.functional(torch.cat([content, gate]), **record.defaults)
    grads = torch.autograd.grad(out.sum(), (content, gate))
    variables = [formulas.A, formulas.B]
    (formula, *_), partials = formulas.formula_sides(record), formulas.derivative_sides(record)
    found = compare(f"{record.key} formula", evaluate(formula_values.elementary(record, formula), variables, a, b),
                    out.detach().numpy(), b)
    for name, partial, expected in zip("ab", partials, grads):
        found += compare(f"{record.key} d/d{name}", evaluate(formula_values.elementary(record, partial), variables, a, b),
                         expected.numpy(), b)
    v = torch.from_numpy(generator.normal(size=2 * LENGTH))
    jacobian = torch.autograd.functional.jacobian(lambda t: record.functional(t, **record.defaults), v).numpy()
    va, vb = v.numpy()[:LENGTH], v.numpy()[LENGTH:]
    built = np.hstack([np.diag(evaluate(formula_values.elementary(record, p), variables, va, vb)) for p in partials])
    return found + compare(f"{record.key} Jacobian on R^8", built, jacobian)


def _entries(record: Activation, expr: sympy.Basic, z: np.ndarray, indices: tuple[sympy.Symbol, ...]) -> np.ndarray:
    """``expr`` (in z, i and maybe j) for every index: a vector of entries i, or a matrix (i, j)."""
    entries = [sympy.Symbol(f"z{k}", real=True) for k in range(len(z))]
    general = formula_values.elementary(record, expr)
    shape = (len(z),) * len(indices)
    out = np.empty(shape)
    for index in np.ndindex(shape):
        fixed = general.xreplace({formulas.N: len(z), **dict(zip(indices, map(sympy.Integer, index)))}).doit()
        fixed = fixed.xreplace({formulas.Z[k]: entries[k] for k in range(len(z))})
        out[index] = evaluate(fixed, entries, *z)
    return out


def vector_mismatches(record: Activation) -> list[str]:
    """A vector function's entries and Jacobian on seeded vectors of R^4."""
    generator = np.random.default_rng(0)
    found = []
    for draw in range(DRAWS):
        z = 3 * generator.normal(size=LENGTH)
        function = lambda t: record.functional(t, **record.defaults)  # noqa: E731
        value = function(torch.from_numpy(z)).numpy()
        jacobian = torch.autograd.functional.jacobian(function, torch.from_numpy(z)).numpy()
        for label, side in _sides(record):
            derivative = label.startswith("derivative")
            indices = (formulas.I, formulas.J) if derivative else (formulas.I,)
            found += compare(f"{record.key} {label} at z = {z}", _entries(record, side, z, indices),
                             jacobian if derivative else value)
    return found


def mismatches(record: Activation) -> list[str]:
    """Every disagreement of the record's formulas with PyTorch."""
    kind = formulas.shape(record)
    if kind == "gated":
        return gated_mismatches(record)
    if kind == "vector":
        return vector_mismatches(record)
    params = other_params(record)
    return scalar_mismatches(record, {}) + (scalar_mismatches(record, params) if params else [])


# ------------------------------------------------------------------------ the tests


@by_key(RECORDS)
def test_every_side_of_every_formula_is_pytorchs(record: Activation) -> None:
    assert mismatches(record) == []


@by_key([r for r in ACTIVATIONS if r.maths.approximates])
def test_an_approximation_is_close_to_what_it_approximates(record: Activation) -> None:
    exact = notation.card_of(record.maths.name)
    x = grid(set())
    approximate = dataclasses.replace(exact, maths=record.maths)
    value, slope = (t.numpy() for t in autograd.values_and_derivative(exact, torch.from_numpy(x)))
    for label, side in _sides(approximate):
        expected = value if label.startswith("formula") else slope
        actual = evaluate(formula_values.elementary(record, side), [formulas.X], x)
        assert compare(label, actual, expected, x, {"rtol": 0, "atol": APPROXIMATION}) == []


#: PyTorch's own version of each named function a formula may call (on x, or on a vector z).
NAMED_IN_TORCH = {
    "sigma": torch.sigmoid, "Phi": torch.special.ndtr, "softplus": F.softplus, "ReLU6": F.relu6,
    "phi": lambda x: torch.exp(torch.distributions.Normal(0.0, 1.0).log_prob(x)),
    "SiLU": F.silu, "GELU": F.gelu,
    "softmax": lambda z: F.softmax(z, dim=-1), "softmin": lambda z: F.softmin(z, dim=-1),
}


def test_named_functions_mean_what_pytorch_computes() -> None:
    """The meanings that the formulas' named functions are evaluated with, and that the
    symbols lines print, are PyTorch's functions."""
    named = {n for n, f in formulas.FUNCTIONS.items() if not issubclass(f, formulas.Operation)}
    assert set(NAMED_IN_TORCH) == named
    x = grid(set())
    z = 3 * np.random.default_rng(0).normal(size=LENGTH)
    record = catalog.get("relu")  # any record: the meanings use no constant
    for name in sorted(named):
        function = formulas.FUNCTIONS[name]
        if function.vector:
            actual = _entries(record, function(formulas.Z, formulas.I), z, (formulas.I,))
            expected = NAMED_IN_TORCH[name](torch.from_numpy(z)).numpy()
        else:
            actual = evaluate(formula_values.elementary(record, function(formulas.X)), [formulas.X], x)
            expected = NAMED_IN_TORCH[name](torch.from_numpy(x)).numpy()
        assert compare(name, actual, expected, tolerance={"rtol": 1e-7, "atol": 1e-15}) == []


def test_rrelu_draws_its_training_slope_between_l_and_u() -> None:
    """The RReLU card's note: in training the slope is uniform on [l, u]."""
    record = catalog.get("rrelu")
    x = -torch.rand(10_000, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) - 0.1
    slopes = F.rrelu(x, record.defaults["lower"], record.defaults["upper"], training=True) / x
    assert record.defaults["lower"] <= slopes.min() and slopes.max() <= record.defaults["upper"]
    assert slopes.max() - slopes.min() > 0.9 * (record.defaults["upper"] - record.defaults["lower"])


# ------------------------------------------------------------------ wrong formulas


def _mutant(key: str, **maths: object) -> Activation:
    record = catalog.get(key)
    return dataclasses.replace(record, maths=dataclasses.replace(record.maths, **maths))


#: Wrong formulas of the kinds a hand-typed card gets wrong: each must be caught.
MUTANTS = {
    "a sign": _mutant("sigmoid", derivative=("sigma(x)*(1 + sigma(x))",)),
    "a constant left out where its default is 1": _mutant("elu", derivative=("Piecewise((1, x > 0), (exp(x), x <= 0))",)),
    "a constant's value": _mutant("selu", constants=(catalog.Constant("lam", value=1.05),
                                                     catalog.Constant("alpha", value=catalog.SELU_ALPHA))),
    "a symbol left out": _mutant("gelu", derivative=("Phi(x) + phi(x)",)),
    "a wrong identity after '='": _mutant("tanh", formula=("(exp(x) - exp(-x))/(exp(x) + exp(-x))", "2*sigma(x) - 1")),
    "the approximation's constant": _mutant("gelu_tanh", formula=("x/2*(1 + tanh(sqrt(2/pi)*(x + 0.04471*x**3)))",)),
    "a breakpoint on PyTorch's other side": _mutant(
        "hardswish", derivative=("Piecewise((0, x < -3), ((2*x + 3)/6, (-3 <= x) & (x < 3)), (1, x >= 3))",)),
    "a breakpoint moved": _mutant("hardsigmoid", derivative=("Piecewise((1/6, (-3 < x) & (x < 2.995)), (0, True))",)),
    "a gated unit's partial": _mutant("glu", derivative=("sigma(b)", "a*sigma(b)*(1 + sigma(b))")),
    "an index": _mutant("softmax", derivative=("s[i]*(delta(i, j) - s[i])",)),
    "s read as the output (issue 22)": _mutant(
        "log_softmax", where=(catalog.Definition("s[j]", "ln(softmax(z, j))", shown="symbols"),)),
}


@pytest.mark.parametrize("mutant", MUTANTS.values(), ids=list(MUTANTS))
def test_a_wrong_formula_is_caught(mutant: Activation) -> None:
    assert mismatches(mutant)


# ------------------------------------------------------------------------ rendering


def test_katex_renders_every_card_formula(tmp_path) -> None:
    """The site's renderer (KaTeX, throwOnError) accepts every display and symbols line."""
    page = []
    for record in ACTIVATIONS:
        for tex in (formulas.formula_tex(record), formulas.derivative_tex(record)):
            page.append(f'<div class="arithmatex">\\[{html.escape(tex)}\\]</div>')
        for definition in notation.symbols_used(record):
            for inline in definition.split("$")[1::2]:
                page.append(f'<span class="arithmatex">\\({html.escape(inline)}\\)</span>')
    rendered = Renderer(REPO_ROOT / "node_modules" / "katex", tmp_path / "katex.json").render("\n".join(page))
    assert rendered.count('class="katex"') == len(page)


def test_the_printer_writes_as_typed() -> None:
    """Order and grouping as written, cases without "for", one-line fractions in exponents."""
    assert formulas.tex(formulas.parse("x/2*(1 + erf(x/sqrt(2)))")) == (
        r"\frac{x}{2}\,\left(1 + \operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right)")
    assert formulas.tex(formulas.parse("x*(x + 3)/6")) == r"\frac{x\,(x + 3)}{6}"
    assert formulas.tex(formulas.parse("Max(0.01*x, x) + 2*sigma(2*x)")) == r"\max(0.01\,x, x) + 2\sigma(2x)"
    assert formulas.tex(formulas.parse("Piecewise((1, (-3 < x) & (x < 3)), (0, True))")) == (
        r"\begin{cases} 1 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}")
    assert formulas.tex(formulas.parse("exp(x/alpha)")) == r"e^{x/\alpha}"
    assert formulas.tex(formulas.parse("ln(sigma(x)) - ln(1 + exp(-x))")) == r"\ln \sigma(x) - \ln(1 + e^{-x})"


def test_a_name_outside_the_vocabulary_fails_to_parse() -> None:
    with pytest.raises(NameError):
        formulas.parse("sigmoid(x)")
    with pytest.raises(NameError):
        formulas.parse("max(0, x)")  # Python's max, not the formulas' Max
