"""Read the TeX that the pages type by hand into SymPy, so that a test can evaluate it.

The site's prose writes formulas in a small dialect of TeX: ``\\frac`` and its text and
display sizes, ``\\sqrt``, powers and ``e^{..}``, sized and plain parentheses, ``\\cdot``
and ``\\times``, spacing commands, the functions of :data:`actdocs.measure.formulas.FUNCTIONS`
(``\\sigma``, ``\\Phi``, ``\\operatorname{softplus}`` ...), the activations of the catalog
by their card names (``\\operatorname{Mish}``, ``\\tanh`` ...), ``f'(x)`` derivatives of
them, ``cases`` and ``aligned`` environments, sums over a vector ``\\mathbf{z}`` and
integrals. :func:`read` turns a span of such TeX into :class:`Equation` records: a block
may hold several equations, side by side (``\\qquad``) or on the rows of ``aligned``, and
each equation is a chain of sides joined by ``=`` or ``\\approx``. Anything outside the
dialect raises :class:`TexError`; a test decides what to do with such a span.

Named functions keep the meanings of :mod:`actdocs.measure.formulas`: :func:`elementary` replaces
them, as that module does for the cards, until SymPy's own functions are left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import sympy

from actdocs.measure import formula_values, formulas
from actdocs.catalog import ACTIVATIONS


class TexError(ValueError):
    """A span of TeX outside the dialect this module reads."""


@dataclass(frozen=True)
class Equation:
    """One chain ``side relation side ...``; ``relations[k]`` joins sides k and k + 1."""

    sides: tuple[sympy.Expr, ...]
    relations: tuple[str, ...]
    texts: tuple[str, ...]


#: The relations :func:`read` splits a chain on, by their TeX.
RELATIONS = {"=": "=", r"\approx": "approx"}
#: Relations it recognises but does not read: a span holding one is no identity.
OTHER_RELATIONS = ("<", ">", r"\le", r"\leq", r"\ge", r"\geq", r"\neq", r"\ne", r"\to", r"\in", r"\sim")

_TOKEN = re.compile(r"\\operatorname\{(?P<op>[A-Za-z0-9]+)\}|\\(?P<cmd>[A-Za-z]+)|(?P<num>\d+(?:\.\d+)?)"
                    r"|(?P<sym>[A-Za-z])|(?P<punct>[-+*/^_()\[\]{}|'=<>,&])|(?P<space>\s+)|(?P<bad>.)")
_SIZING = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)(?![A-Za-z])")
_SPACING = re.compile(r"\\[,!;: ]|~")
_TEXT = {r"\text{if }": " ", r"\text{otherwise}": r"\otherwise ", r"\begin{cases}": r"\cases ",
         r"\end{cases}": r"\endcases "}
#: Commands that start a factor besides the functions: ``2\sqrt{2}``, ``x\,\frac{a}{b}``.
_ATOMS = {"frac", "sqrt", "pi", "alpha", "lambda", "mathbf", "sum", "int", "cases"}


def _leaky_relu(x: sympy.Expr, slope: sympy.Expr) -> sympy.Expr:
    return sympy.Piecewise((x, x > 0), (slope * x, True))


#: Leaky ReLU with its slope as a subscript (``\\operatorname{LeakyReLU}_\\alpha``); its
#: ``parameter`` is the PyTorch keyword the slope is.
LeakyReLU = type("LeakyReLU", (formulas.Operation,), {
    "tex": r"\operatorname{LeakyReLU}", "meaning": "", "nargs": 2, "parameter": "negative_slope",
    "sympy_function": staticmethod(_leaky_relu)})


@cache
def functions() -> dict[str, type[sympy.Function]]:
    """Each function name the dialect knows (``sigma``, ``Mish``), with its SymPy class.

    The named functions of :mod:`actdocs.measure.formulas` first, then each element-wise catalog
    card whose first formula names no constant, with that formula as its meaning."""
    known: dict[str, type[sympy.Function]] = {
        "tanh": sympy.tanh, "exp": sympy.exp, "ln": sympy.log, "log": sympy.log, "erf": sympy.erf,
        "varphi": formulas.FUNCTIONS["phi"], "max": formulas.FUNCTIONS["Max"], "min": formulas.FUNCTIONS["Min"],
    }
    known |= {name: f for name, f in formulas.FUNCTIONS.items() if name not in ("phi", "Max", "Min", "odot")}
    for record in ACTIVATIONS:
        maths = record.maths
        if record.elementwise and maths.name not in known and not maths.constants and not maths.where:
            known[maths.name] = type(maths.name, (formulas.Named,), {
                "tex": formulas.name_tex(maths.name), "meaning": maths.formula[0], "nargs": 1})
    return known


def _tokens(tex: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs of ``tex``, sizing and spacing commands gone."""
    for text, replacement in _TEXT.items():
        tex = tex.replace(text, replacement)
    tex = _SPACING.sub(" ", _SIZING.sub("", tex))
    tex = re.sub(r"\\[td]frac", r"\\frac", tex)
    out = []
    for match in _TOKEN.finditer(tex):
        kind = match.lastgroup
        if kind == "bad":
            raise TexError(f"unreadable character {match[0]!r}")
        if kind != "space":
            out.append((kind, match[kind]))
    return out


class _Parser:
    """Recursive descent over the tokens of one side."""

    _OPEN = {"(": ")", "[": "]", "{": "}"}

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at, self.bars, self.integrals = tokens, 0, 0, 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        n = self.at + ahead
        return self.tokens[n] if n < len(self.tokens) else ("end", "")

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (text is not None and token[1] != text):
            raise TexError(f"expected {text or 'more'} at {token[1] or 'the end'!r}")
        self.at += 1
        return token

    def whole(self) -> sympy.Expr:
        value = self.expr()
        if self.peek()[0] != "end":
            raise TexError(f"unexpected {self.peek()[1]!r}")
        return value

    def expr(self) -> sympy.Expr:
        sign = -1 if self.peek()[1] == "-" else 1
        if self.peek()[1] in "+-" and self.peek()[0] == "punct":
            self.take()
        value = sign * self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "punct":
            sign = -1 if self.take()[1] == "-" else 1
            value = value + sign * self.term()
        return value

    def _starts_atom(self) -> bool:
        kind, text = self.peek()
        if kind == "sym" and text == "d" and self.integrals and self.peek(1)[0] == "sym":
            return False  # the d of an integral's ds
        if kind == "punct":
            return text in "([{" or (text == "|" and not self.bars)
        return kind in ("num", "sym", "op") or (kind == "cmd" and (text in _ATOMS or text in functions()))

    def term(self) -> sympy.Expr:
        value = self.power()
        while True:
            kind, text = self.peek()
            if (kind, text) in (("cmd", "cdot"), ("cmd", "times"), ("punct", "*")):
                self.take()
                value = value * self.power()
            elif (kind, text) == ("punct", "/"):
                self.take()
                value = value / self.power()
            elif self._starts_atom():
                value = value * self.power()
            else:
                return value

    def power(self) -> sympy.Expr:
        base = self.atom()
        if self.peek()[1] == "^":
            self.take()
            return base ** self.argument()
        return base

    def argument(self) -> sympy.Expr:
        """A braced group, or one character: ``^{-x}``, ``^2``, ``\\frac12``."""
        kind, text = self.peek()
        if text == "{":
            return self.group()
        if kind == "num" and len(text) > 1:
            self.tokens[self.at] = ("num", text[1:])
            return sympy.Integer(text[0])
        return self.atom()

    def group(self) -> sympy.Expr:
        close = self._OPEN[self.take()[1]]
        value = self.expr()
        self.take(close)
        return value

    def atom(self) -> sympy.Expr:
        kind, text = self.peek()
        if kind == "num":
            self.take()
            return sympy.Rational(text)
        if kind == "punct" and text in self._OPEN:
            return self.group()
        if kind == "punct" and text == "|":
            self.take()
            self.bars += 1
            value = self.expr()
            self.bars -= 1
            self.take("|")
            return sympy.Abs(value)
        if kind == "sym":
            return self.symbol()
        if kind == "op" or (kind == "cmd" and text in functions()):
            return self.call()
        if kind == "cmd":
            return self.command()
        raise TexError(f"unexpected {text or 'end'!r}")

    def symbol(self) -> sympy.Expr:
        _, name = self.take()
        if name == "e":
            return sympy.E
        if name in ("i", "j"):
            return formulas.I if name == "i" else formulas.J
        if name == "f" and self.peek()[1] in ("(", "'"):
            raise TexError("f is a function of the reader's own")
        if self.peek()[1] == "_":
            self.take()
            index = self.argument()
            if name == "z":
                return formulas.Z[index]
            raise TexError(f"subscripted symbol {name}")
        return formulas.X if name == "x" else sympy.Symbol(name, real=True)

    def command(self) -> sympy.Expr:
        _, name = self.take()
        if name == "frac":
            top = self.argument()
            return top / self.argument()
        if name == "sqrt":
            return sympy.sqrt(self.argument())
        if name == "pi":
            return sympy.pi
        if name in ("alpha", "lambda"):
            return formulas.CONSTANTS["lam" if name == "lambda" else name]
        if name == "mathbf" and self.group() == sympy.Symbol("z", real=True):
            return formulas.Z
        if name == "sum":
            self.take("_")
            index = self.argument()
            return sympy.Sum(self.power(), (index, 0, formulas.N - 1))
        if name == "int":
            return self.integral()
        if name == "cases":
            return self.cases()
        raise TexError(f"unknown command \\{name}")

    def integral(self) -> sympy.Expr:
        self.take("_")
        low = self.argument()
        self.take("^")
        high = self.argument()
        self.integrals += 1
        body = self.term()
        self.integrals -= 1
        self.take("d")
        return sympy.Integral(body, (self.symbol(), low, high))

    def call(self) -> sympy.Expr:
        """``\\tanh^{2}(x)``, ``\\sigma'(0)``, ``\\ln 2``, ``\\operatorname{LeakyReLU}_\\alpha(z)``,
        ``\\operatorname{softmax}(\\mathbf{z})_i``."""
        _, name = self.take()
        function = functions().get(name)
        if function is None:
            raise TexError(f"unknown function {name}")
        extra, exponent, prime = [], None, False
        if self.peek()[1] == "_" and name == "LeakyReLU":
            self.take()
            function, extra = LeakyReLU, [self.argument()]
        if self.peek()[1] == "^":
            self.take()
            exponent = self.argument()
        if self.peek()[1] == "'":
            self.take()
            prime = True
        if self.peek()[1] in ("(", "["):
            close = self._OPEN[self.take()[1]]
            args = [self.expr()]
            while self.peek()[1] == ",":
                self.take()
                args.append(self.expr())
            self.take(close)
        else:
            args = [self.power()]
        if getattr(function, "vector", False):
            self.take("_")
            args.append(self.argument())
        value = _derivative(function, args[0], extra) if prime else function(*args, *extra)
        return value if exponent is None else value ** exponent

    def cases(self) -> sympy.Expr:
        pieces = []
        while self.peek() != ("cmd", "endcases"):
            value = self.expr()
            self.take("&")
            if self.peek() == ("cmd", "otherwise"):
                self.take()
                condition = sympy.true
            else:
                condition = self.condition()
            pieces.append((value, condition))
            if self.peek() == ("cmd", "cr"):
                self.take()
        self.take("endcases")
        return sympy.Piecewise(*pieces)

    def condition(self) -> sympy.Basic:
        """``x > 0``, ``-3 < x < 3``: a chain of comparisons, each of its links true."""
        sides, links = [self.expr()], []
        while (self.peek()[1] in ("<", ">")) or self.peek() in (("cmd", "le"), ("cmd", "ge")):
            links.append({"<": "<", ">": ">", "le": "<=", "ge": ">="}[self.take()[1]])
            sides.append(self.expr())
        if not links:
            raise TexError("a case without a condition")
        return sympy.And(*(sympy.Rel(a, b, op) for a, b, op in zip(sides, sides[1:], links)))


def _derivative(function: type[sympy.Function], at: sympy.Expr, extra: list[sympy.Expr]) -> sympy.Expr:
    """``function'(at)``: the derivative in x, taken at ``at``."""
    slope = sympy.Derivative(function(formulas.X, *extra), formulas.X)
    return slope if at == formulas.X else sympy.Subs(slope, formulas.X, at)


def _rows(tex: str) -> list[str]:
    """The equations of a block: ``aligned`` rows (a row that starts with a relation goes on
    the chain above it) and ``\\qquad``-separated ones, without trailing ", ." or ``&``."""
    tex = re.sub(r"\\(?:begin|end)\{aligned\}", "", tex)
    tex = re.sub(r"\\begin\{cases\}.*?\\end\{cases\}", lambda m: m[0].replace("\\\\", r"\cr "), tex, flags=re.S)
    parts = []
    for block in re.split(r"\\q?quad(?![A-Za-z])", tex):
        for row in block.split("\\\\"):
            row = row.replace("&=", "=").strip().rstrip(",. ").strip()
            if parts and re.match(r"=|\\approx(?![A-Za-z])", row):
                parts[-1] += " " + row
            elif row:
                parts.append(row)
    return parts


def _split(row: str) -> tuple[list[str], list[str]]:
    """The sides of a chain and the relations between them, at brace and parenthesis depth 0
    and outside environments."""
    sides, relations, depth, start = [], [], 0, 0
    pattern = re.compile(r"\\(begin|end)\{[a-z]+\}|[{(\[]|[})\]]|=|\\approx(?![A-Za-z])|<|>|\\[a-z]+")
    for match in pattern.finditer(row):
        text = match[0]
        if text.startswith("\\begin") or text in "{([":
            depth += 1
        elif text.startswith("\\end") or text in "})]":
            depth -= 1
        elif depth == 0 and text in OTHER_RELATIONS:
            raise TexError(f"no identity: {text} in {row}")
        elif depth == 0 and text in RELATIONS:
            sides.append(row[start:match.start()].strip())
            relations.append(RELATIONS[text])
            start = match.end()
    return sides + [row[start:].strip()], relations


def read(tex: str) -> list[Equation]:
    """The equations of a span of page TeX, each side as SymPy (unread names raise TexError)."""
    equations = []
    for row in _rows(tex):
        texts, relations = _split(row)
        if not relations:
            raise TexError(f"no identity: {row}")
        sides = tuple(_Parser(_tokens(text)).whole() for text in texts)
        equations.append(Equation(sides, tuple(relations), tuple(texts)))
    return equations


def _step_at_zero(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with every Heaviside step taking 0 at its step, as PyTorch's autograd does."""
    return expr.replace(sympy.Heaviside, lambda *args: sympy.Heaviside(args[0], 0))


def elementary(expr: sympy.Basic) -> sympy.Expr:
    """``expr`` with every named function replaced by its meaning and derivatives, sums and
    integrals done; a step's derivative at its step is 0, as PyTorch's autograd gives."""
    expr = formula_values.unnamed(expr).replace(  # the step's value at 0 is set before a Subs reads it
        lambda e: isinstance(e, sympy.Subs),
        lambda e: sympy.Subs(_step_at_zero(e.expr.doit()), e.variables, e.point))
    done = expr.doit()
    return _step_at_zero(done)
