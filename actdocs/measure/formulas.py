"""The formulas on the activation cards, held once as SymPy: parsed, written as TeX, evaluated.

A record's :class:`actdocs.catalog.Maths` writes its formula and derivative as SymPy text in
the names of :data:`NAMES` (``"x*sigma(x)"``, ``"Piecewise((1, x > 0), (0, x <= 0))"``).
:func:`parse` reads such a text unevaluated, so that the expression keeps the order and the
grouping it was written in, and :class:`CardPrinter` writes it as a reader expects
(``\\sigma(x)``, cases without "for", ``\\max(0, x)``). The card's two display lines,
:func:`formula_tex` and :func:`derivative_tex`, are made of such renderings, the function's
name and its constants' values, and nothing else typed by hand except a record's ``notes``:
what the card shows is what ``tests/measure/test_formulas.py`` evaluates and compares with PyTorch.

:mod:`actdocs.measure.formula_values` evaluates these expressions (tests use it to compare them with
PyTorch). :func:`used` lists the names a record's formulas use, for the symbols line
(:mod:`actdocs.produce.notation`).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Callable, ClassVar, Iterable, Literal

import sympy
from sympy.core.parameters import evaluate
from sympy.parsing.sympy_parser import auto_number, parse_expr
from sympy.printing.latex import LatexPrinter

from actdocs.catalog import Activation, Constant, Definition
from actdocs.render.numbers import is_round

Shape = Literal["scalar", "gated", "vector"]

# ------------------------------------------------------------------ the names formulas use

X = sympy.Symbol("x", real=True)
#: The content half and the gate half of a gated unit's input, entry by entry.
A, B = sympy.symbols("a b", real=True)
#: A vector of logits, its entries' indices and its length.
Z = sympy.IndexedBase("z")
I, J = sympy.symbols("i j", integer=True)
N = sympy.Symbol("n", integer=True, positive=True)


def _sum(body: sympy.Expr, index: sympy.Symbol) -> sympy.Sum:
    """The sum of ``body`` over every entry of the vector: ``Sum(exp(z[j]), j)``.

    Built evaluated (``body`` itself stays as written): unevaluated, SymPy writes it as 1 * body."""
    with evaluate(True):
        return sympy.Sum(body, (index, 0, N - 1))


def _component(vector: sympy.Expr, index: sympy.Expr) -> sympy.Expr:
    """Entry ``index`` of ``z`` or of an expression in it: ``-z`` gives ``-z[index]``."""
    return vector.xreplace({Z: Z[index]})


class Named(sympy.Function):
    """A function the formulas call by name that SymPy does not know: sigma, Phi, SiLU, ...

    ``tex`` is how a formula writes it; ``meaning`` is the SymPy text of its value at ``x``
    (for a vector function, of entry ``i`` of its value at ``z``) in the names of
    :data:`NAMES`, which :func:`elementary` puts in its place.
    """

    tex: ClassVar[str]
    meaning: ClassVar[str]
    vector: ClassVar[bool] = False

    def elementary(self) -> sympy.Expr:
        """This call with the function replaced by its meaning."""
        body = parse(self.meaning)
        if not self.vector:
            return body.xreplace({X: self.args[0]})
        vector, index = self.args
        body = body.xreplace({J: sympy.Dummy("k", integer=True)})
        return body.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == Z,
                            lambda e: _component(vector, e.indices[0])).xreplace({I: index})


class Operation(Named):
    """A named function with any number of arguments, evaluated by a SymPy function."""

    sympy_function: ClassVar[Callable[..., sympy.Expr]]

    def elementary(self) -> sympy.Expr:
        return type(self).sympy_function(*self.args)


def _named(name: str, tex: str, meaning: str, vector: bool = False) -> type[Named]:
    return type(name, (Named,), {"tex": tex, "meaning": meaning, "vector": vector, "nargs": 2 if vector else 1})


def _operation(name: str, tex: str, function: Callable[..., sympy.Expr]) -> type[Operation]:
    """A class named apart from SymPy's own (``named_Max``, not ``Max``), whose printers would win."""
    return type(f"named_{name}", (Operation,), {"tex": tex, "meaning": "", "sympy_function": staticmethod(function)})


#: The named functions, by the name a formula calls them.
FUNCTIONS: dict[str, type[Named]] = {
    "sigma": _named("sigma", r"\sigma", "1/(1 + exp(-x))"),
    "Phi": _named("Phi", r"\Phi", "(1 + erf(x/sqrt(2)))/2"),
    "phi": _named("phi", r"\varphi", "exp(-x**2/2)/sqrt(2*pi)"),
    "softplus": _named("softplus", r"\operatorname{softplus}", "ln(1 + exp(x))"),
    "ReLU6": _named("ReLU6", r"\operatorname{ReLU6}", "Min(Max(0, x), 6)"),
    "SiLU": _named("SiLU", r"\operatorname{SiLU}", "x*sigma(x)"),
    "GELU": _named("GELU", r"\operatorname{GELU}", "x*Phi(x)"),
    "softmax": _named("softmax", r"\operatorname{softmax}", "exp(z[i])/Sum(exp(z[j]), j)", vector=True),
    "softmin": _named("softmin", r"\operatorname{softmin}", "softmax(-z, i)", vector=True),
    "Max": _operation("Max", r"\max", sympy.Max),
    "Min": _operation("Min", r"\min", sympy.Min),
    "odot": _operation("odot", r"\odot", sympy.Mul),
}

#: The constants a formula may name; each gets its value from a :class:`Constant` or a
#: :class:`actdocs.catalog.Definition` of the record.
CONSTANTS: dict[str, sympy.Symbol] = {
    name: sympy.Symbol(symbol, real=True)
    for name, symbol in {"alpha": "alpha", "lam": "lambda", "c": "c", "t": "t", "v": "v",
                         "l": "l", "u": "u"}.items()
}

#: Every name a formula may use: the variables, the constants, SymPy's elementary functions
#: and the named functions. Anything else fails to parse.
NAMES: dict[str, object] = {
    "x": X, "a": A, "b": B, "z": Z, "s": sympy.IndexedBase("s"), "i": I, "j": J, "pi": sympy.pi,
    **CONSTANTS,
    "exp": sympy.exp, "ln": sympy.log, "tanh": sympy.tanh, "erf": sympy.erf, "sqrt": sympy.sqrt,
    "Abs": sympy.Abs, "delta": sympy.KroneckerDelta, "Derivative": sympy.Derivative, "Sum": _sum,
    "Piecewise": sympy.Piecewise,
    **FUNCTIONS,
}

#: Only SymPy's number constructors besides :data:`NAMES`: no builtins, no other SymPy name.
_GLOBALS = {"Integer": sympy.Integer, "Float": sympy.Float, "Rational": sympy.Rational, "__builtins__": {}}


@cache
def parse(text: str) -> sympy.Basic:
    """SymPy of ``text``, unevaluated: its terms and factors stay as written.

    A name outside :data:`NAMES` raises NameError."""
    with evaluate(False):
        return parse_expr(text, local_dict=dict(NAMES), global_dict=dict(_GLOBALS), transformations=(auto_number,))


# ------------------------------------------------------------------------------- TeX


def _group(tex: str) -> str:
    """``tex`` in parentheses sized to their content."""
    if any(tall in tex for tall in (r"\frac", r"\sqrt", r"\sum")):
        return rf"\left({tex}\right)"
    return rf"\bigl({tex}\bigr)" if "(" in tex else f"({tex})"


def _is_reciprocal(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Pow) and expr.exp == -1


def _is_negated(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Mul) and expr.args[0] == -1


class CardPrinter(LatexPrinter):
    """SymPy's LaTeX printer, writing an expression as it was typed and as a reader knows it.

    Terms and factors keep their order; a factor ``1/d`` divides the factors written before
    it; ``fold`` writes fractions on one line (``1/(1 + e^{-x})``), as they are in exponents
    and under square roots.
    """

    _RELATIONS = {"<": "<", ">": ">", "<=": r"\le", ">=": r"\ge"}

    def __init__(self, fold: bool = False) -> None:
        super().__init__({"order": "none"})
        self.fold = fold

    def folded(self, expr: sympy.Basic) -> str:
        """``expr`` with its fractions on one line."""
        return CardPrinter(fold=True).doprint(expr)

    def _print_Add(self, expr: sympy.Add) -> str:
        out = ""
        for term in expr.args:
            tex = self._print(term)
            if not out:
                out = tex
            elif tex.startswith("-"):
                out += f" - {tex[1:]}"
            else:
                out += f" + {tex}"
        return out

    def _fraction(self, top: str, bottom: sympy.Expr) -> str:
        if not self.fold:
            return rf"\frac{{{top}}}{{{self._print(bottom)}}}"
        below = self._print(bottom)
        if isinstance(bottom, (sympy.Add, sympy.Mul)):
            below = _group(below)
        return f"{top}/{below}"

    def _factor(self, expr: sympy.Basic, first: bool) -> str:
        """A factor of a product, in parentheses where it would otherwise not read as one."""
        tex = self._print(expr)
        if isinstance(expr, sympy.Add) or (_is_negated(expr) and not first):
            return _group(tex)
        return tex

    def _product(self, factors: Iterable[sympy.Basic]) -> str:
        """Factors joined by thin spaces (none after an integer: 2x); each ``1/d`` divides
        what precedes it."""
        parts: list[tuple[str, sympy.Basic]] = []
        for factor in factors:
            if not _is_reciprocal(factor):
                parts.append((self._factor(factor, first=not parts), factor))
                continue
            if len(parts) == 1 and not (self.fold and isinstance(parts[0][1], sympy.Add)):
                top = self._print(parts[0][1])  # a numerator alone needs no parentheses
            else:
                top = self._join(parts) if parts else "1"
                top = _group(top) if self.fold and len(parts) > 1 else top
            parts = [(self._fraction(top, factor.base), factor)]
        return self._join(parts)

    @staticmethod
    def _join(parts: list[tuple[str, sympy.Basic]]) -> str:
        out = ""
        for n, (tex, factor) in enumerate(parts):
            before = parts[n - 1][1] if n else None
            out += tex if before is None or isinstance(before, sympy.Integer) else r"\," + tex
        return out

    def _print_Mul(self, expr: sympy.Mul) -> str:
        if _is_negated(expr):
            return "-" + self._product(expr.args[1:])
        return self._product(expr.args)

    def _print_Pow(self, expr: sympy.Pow, exp: str | None = None) -> str:
        base, power = expr.args
        if power == -1:
            return self._fraction("1", base)
        if power == sympy.Rational(1, 2):
            return rf"\sqrt{{{self.folded(base)}}}"
        if isinstance(base, sympy.Function):
            return self._print(base, exp=self._print(power))
        tex = self._print(base)
        if isinstance(base, (sympy.Add, sympy.Mul, sympy.Pow)):
            tex = _group(tex)
        return f"{tex}^{{{self.folded(power)}}}"

    def _print_exp(self, expr: sympy.exp, exp: str | None = None) -> str:
        tex = f"e^{{{self.folded(expr.args[0])}}}"
        return f"{_group(tex)}^{{{exp}}}" if exp else tex

    def _call(self, name: str, args: Iterable[sympy.Basic], exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return f"{name}{power}{_group(', '.join(self._print(a) for a in args))}"

    def _print_tanh(self, expr: sympy.tanh, exp: str | None = None) -> str:
        return self._call(r"\tanh", expr.args, exp)

    def _print_erf(self, expr: sympy.erf, exp: str | None = None) -> str:
        return self._call(r"\operatorname{erf}", expr.args, exp)

    def _print_log(self, expr: sympy.log, exp: str | None = None) -> str:
        """``\\ln(1 + e^{x})``; a call or a sum without parentheses: ``\\ln \\sigma(x)``."""
        (arg,) = expr.args
        if isinstance(arg, (sympy.Function, sympy.Sum)) and not exp:
            return rf"\ln {self._print(arg)}"
        return self._call(r"\ln", expr.args, exp)

    def _print_Function(self, expr: sympy.Function, exp: str | None = None) -> str:
        """A named function as it is written; SymPy's own as SymPy writes them.

        (SymPy's printer dispatches on the class's own name only, not on :class:`Named`.)"""
        if not isinstance(expr, Named):
            return super()._print_Function(expr, exp)
        if expr.vector:
            vector, index = expr.args
            return f"{self._call(expr.tex, [vector], exp)}_{{{self._print(index)}}}"
        if expr.tex == r"\odot":
            return rf" \odot ".join(self._factor(a, first=True) for a in expr.args)
        return self._call(expr.tex, expr.args, exp)

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        """``\\operatorname{SiLU}'(b)``: the derivative of a named function of one variable."""
        (function, (variable, order)) = expr.args[0], expr.variable_count[0]
        if not isinstance(function, Named) or function.args != (variable,) or order != 1:
            raise ValueError(f"only a named function's first derivative is written: {expr}")
        return self._call(function.tex + "'", function.args)

    def _print_Abs(self, expr: sympy.Abs, exp: str | None = None) -> str:
        tex = f"|{self._print(expr.args[0])}|"
        return f"{tex}^{{{exp}}}" if exp else tex

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        rows = []
        for value, condition in expr.args:
            when = r"\text{otherwise}" if condition is sympy.true else self._print(condition)
            rows.append(f"{self._print(value)} & {when}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_Relational(self, expr: sympy.core.relational.Relational) -> str:
        return f"{self._print(expr.lhs)} {self._RELATIONS[expr.rel_op]} {self._print(expr.rhs)}"

    def _print_And(self, expr: sympy.And) -> str:
        """``-3 < x < 3`` for a lower and an upper bound of one variable, in either order."""
        bounds = sorted(expr.args, key=lambda r: r.lhs.is_Symbol)
        if len(bounds) == 2 and bounds[0].rhs == bounds[1].lhs:
            first, second = bounds
            return f"{self._print(first)} {self._RELATIONS[second.rel_op]} {self._print(second.rhs)}"
        return r" \text{ and } ".join(self._print(a) for a in expr.args)

    def _print_Sum(self, expr: sympy.Sum) -> str:
        (index, _, _), = expr.limits
        return rf"\sum_{{{self._print(index)}}} {self._factor(expr.function, first=True)}"

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        return f"{expr.base.name}_{{{''.join(self._print(i) for i in expr.indices)}}}"

    def _print_IndexedBase(self, expr: sympy.IndexedBase) -> str:
        return rf"\mathbf{{{expr.name}}}"

    def _print_KroneckerDelta(self, expr: sympy.KroneckerDelta, exp: str | None = None) -> str:
        return rf"\delta_{{{''.join(self._print(i) for i in expr.args)}}}"


def tex(expr: sympy.Basic, fold: bool = False) -> str:
    """``expr`` as the cards write it."""
    return CardPrinter(fold).doprint(expr)


# ------------------------------------------------------------------ one record's maths


def shape(record: Activation) -> Shape:
    """How the record's formulas read: of x, of a gated unit's halves (a, b), or of a vector z."""
    if record.elementwise:
        return "scalar"
    return "gated" if record.family == "gated" else "vector"


def name_tex(name: str) -> str:
    """How a formula writes the function ``name``: a named function's own TeX (``\\sigma``),
    ``\\tanh``, a single letter as itself, any other name as an operator."""
    if name in FUNCTIONS:
        return FUNCTIONS[name].tex
    if name == "tanh":
        return r"\tanh"
    escaped = name.replace("_", r"\_")
    return name if len(name) == 1 else rf"\operatorname{{{escaped}}}"


def constant_value(constant: Constant, defaults: dict[str, float]) -> float:
    """The constant's value: its keyword's value in ``defaults``, or its own value."""
    return defaults[constant.default] if constant.default else constant.value


def constant_tex(record: Activation, constant: Constant) -> str:
    """``\\alpha = 1``, ``\\lambda \\approx 1.0507``, ``l = \\tfrac{1}{8}``, or the constant's template."""
    value = constant_value(constant, record.defaults)
    symbol = tex(parse(constant.symbol))
    if constant.fraction:
        ratio = Fraction(value).limit_denominator(100)
        if float(ratio) != value:
            raise ValueError(f"{record.key}: {constant.symbol} = {value} is no simple fraction")
        shown = rf"\tfrac{{{ratio.numerator}}}{{{ratio.denominator}}}"
    else:
        shown = f"{round(value, 4):g}" if is_round(value, 4) else f"{value:.4f}"
    if constant.template:
        return constant.template.format(symbol=symbol, value=shown)
    relation = "=" if constant.fraction or is_round(value, 4) else r"\approx"
    return f"{symbol} {relation} {shown}"


def formula_sides(record: Activation) -> tuple[sympy.Basic, ...]:
    """The right-hand sides of the record's formula, each equal to the function."""
    return tuple(parse(text) for text in record.maths.formula)


def derivative_sides(record: Activation) -> tuple[sympy.Basic, ...]:
    """The right-hand sides of its derivative; for a gated unit, d/da and d/db."""
    return tuple(parse(text) for text in record.maths.derivative)


def _lhs(record: Activation) -> tuple[str, str]:
    """The left-hand sides of the formula and of the derivative."""
    name = name_tex(record.maths.name)
    kind = shape(record)
    if kind == "vector":
        return rf"{name}(\mathbf{{z}})_i", rf"\frac{{\partial\,{name}_i}}{{\partial z_j}}"
    if kind == "gated":
        return f"{name}(a, b)", ""
    return f"{name}(x)", f"{name}'(x)"


#: Between a formula and what is written beside it, and between those.
_BESIDE, _AND = r",\quad ", r",\ "


def _beside(items: list[str]) -> str:
    return _BESIDE + _AND.join(items) if items else ""


def definition_tex(definition: Definition) -> str:
    """``u = \\sqrt{2/\\pi}\\,(x + 0.044715\\,x^{3})``, and the definition's note."""
    return f"{tex(parse(definition.symbol))} = {tex(parse(definition.expression))}{definition.note}"


def _definition_tex(record: Activation, shown: str) -> list[str]:
    return [definition_tex(d) for d in record.maths.where if d.shown == shown]


def _chain(lhs: str, relation: str, sides: Iterable[sympy.Basic]) -> str:
    rendered = [tex(side) for side in sides]
    return f"{lhs} {relation} " + " = ".join(rendered)


def formula_tex(record: Activation) -> str:
    """The card's formula: name, every right-hand side, then its notes, definitions and constants."""
    lhs, _ = _lhs(record)
    maths = record.maths
    beside = [*maths.notes, *_definition_tex(record, "formula"), *(constant_tex(record, c) for c in maths.constants)]
    return _chain(lhs, r"\approx" if maths.approximates else "=", formula_sides(record)) + _beside(beside)


def derivative_tex(record: Activation) -> str:
    """The card's derivative, with the definitions it uses beside it."""
    _, lhs = _lhs(record)
    sides = derivative_sides(record)
    if shape(record) == "gated":
        text = _BESIDE.join(rf"\frac{{\partial}}{{\partial {v}}} = {tex(d)}" for v, d in zip("ab", sides))
    else:
        text = _chain(lhs, r"\approx" if record.maths.approximates else "=", sides)
    return text + _beside(_definition_tex(record, "derivative"))


def first_side_tex(record: Activation) -> str:
    """The first right-hand side of the formula: ``x\\,\\sigma(x)`` for SiLU."""
    return tex(formula_sides(record)[0])


def meaning_tex(function: type[Named]) -> str:
    """``\\sigma(x) = 1/(1 + e^{-x})``: a named function's meaning, on one line."""
    return f"{tex(function(X))} = {tex(parse(function.meaning), fold=True)}"


# ------------------------------------------------------------------------ evaluation


def _expressions(record: Activation) -> tuple[sympy.Basic, ...]:
    """Everything the card writes as SymPy: the sides of both formulas and the definitions."""
    defined = tuple(parse(d.expression) for d in record.maths.where)
    return (*formula_sides(record), *derivative_sides(record), *defined)


def used(record: Activation) -> set[sympy.Basic]:
    """The symbols, vectors and functions (classes) that the record's formulas and
    definitions use."""
    found: set[sympy.Basic] = set()
    for expr in _expressions(record):
        vectors = expr.atoms(sympy.IndexedBase)
        found |= vectors | (expr.atoms(sympy.Symbol) - {v.label for v in vectors})
        found |= {type(f) for f in expr.atoms(sympy.Function)}
    return found
