"""The value of a formula: the SymPy of :mod:`actdocs.measure.formulas` reduced to what NumPy evaluates.

:func:`unnamed` replaces every named function (:class:`~actdocs.measure.formulas.Named`) by its
meaning, :func:`elementary` also puts in a record's definitions and constants, which leaves
SymPy's own elementary functions, and :func:`numeric` turns that into a NumPy function. The
tests evaluate the cards' formulas (``tests/measure/test_formulas.py``) and the pages' hand-typed TeX
(:mod:`actdocs.measure.tex_reading`) with them.
"""

from __future__ import annotations

from typing import Callable, Iterable

import sympy

from actdocs.catalog import Activation
from actdocs.measure.formulas import Named, constant_value, parse


def unnamed(expr: sympy.Basic) -> sympy.Expr:
    """``expr`` with every named function replaced by its meaning, until none is left."""
    while expr.atoms(Named):
        expr = expr.replace(lambda e: isinstance(e, Named), lambda e: e.elementary())
    return expr


def _defined(record: Activation, expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with each symbol the record defines replaced by its expression: ``s[j]`` by
    ``softmax(z, j)`` for every index, not only ``j``."""
    for definition in record.maths.where:
        symbol, value = parse(definition.symbol), parse(definition.expression)
        if isinstance(symbol, sympy.Indexed):
            (index,) = symbol.indices
            expr = expr.replace(lambda e, base=symbol.base: isinstance(e, sympy.Indexed) and e.base == base,
                                lambda e, index=index, value=value: value.xreplace({index: e.indices[0]}))
        else:
            expr = expr.xreplace({symbol: value})
    return expr


def elementary(record: Activation, expr: sympy.Basic, params: dict[str, float] | None = None) -> sympy.Expr:
    """``expr`` made of SymPy's elementary functions only: the record's definitions and
    constants put in (a constant's default from ``params`` when given), named functions
    replaced by their meanings, derivatives taken. (A sum stays one until the vector's
    length ``N`` is given.)"""
    defaults = {**record.defaults, **(params or {})}
    values = {parse(c.symbol): constant_value(c, defaults) for c in record.maths.constants}
    return unnamed(_defined(record, expr)).xreplace(values).doit()


def numeric(expr: sympy.Expr, variables: Iterable[sympy.Symbol]) -> Callable:
    """A NumPy function of ``variables`` (float64 arrays) that evaluates ``expr``."""
    return sympy.lambdify(list(variables), expr, modules=["scipy", "numpy"])
