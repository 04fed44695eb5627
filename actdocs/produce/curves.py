"""What a figure shows, as numbers and words: each record's sampled curves and alt text.

:func:`curves` evaluates a record and its derivative in float64 at multiples of
``1 / per_unit``, so every integer (and so every kink of the catalog's functions: 0, ±3,
6) is a sample point and corners stay sharp; the kinks and jumps that
:mod:`actdocs.measure.properties` measures are sample points too. Where the derivative
jumps, its points are broken by a NaN rather than joined; where the function itself
jumps (Threshold, Hardshrink), so are its points.

:func:`alt_text` and :func:`overview_alt_text` describe each figure in a sentence built
from the record's declared properties. Nothing here draws: the figures
(:mod:`actdocs.produce.figures`) and the explorer demo read these, and the demo's text is
not keyed by the plotting code.
"""

from __future__ import annotations

import math

import torch

from actdocs import catalog
from actdocs.catalog import ACTIVATIONS, DEFAULT_X_RANGE, Activation
from actdocs.measure import properties
from actdocs.measure.autograd import values_and_derivative
from actdocs.render.numbers import format_number, format_point
from actdocs.render.wording import format_range_words, saturation_words

#: Samples per unit of x for a single figure and for a panel of the overview.
PER_UNIT = 40
OVERVIEW_PER_UNIT = 20

#: Short subtitles for records drawn through their scalar view, by family
#: (the same cases as :meth:`actdocs.catalog.Activation.scalar_view`).
SCALAR_VIEW_SUBTITLES: dict[str, str] = {
    "gated": "scalar view: content a = 1, gate b = x",
    "output": "scalar view: first output for the logits (x, 0)",
}


def x_range(record: Activation) -> tuple[float, float]:
    """The plotted x-range of ``record`` (its catalog record's ``x_range``)."""
    return record.x_range


def subtitle(record: Activation) -> str:
    """The subtitle of a record's figure: which scalar view is shown ('' if element-wise)."""
    if record.elementwise:
        return ""
    return SCALAR_VIEW_SUBTITLES.get(record.family, "scalar view")


# ------------------------------------------------------------------------ the curves


def curves(
    record: Activation, lo: float, hi: float, per_unit: int = PER_UNIT
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Points of the function and of its derivative on ``[lo, hi]``.

    Returns ``(x, y, dx, dy)``: ``x`` are the multiples of ``1 / per_unit`` in the range,
    and every kink and jump the measurement finds there (:func:`actdocs.measure.properties.breaks`),
    and ``y`` the function there, with a NaN break at each jump (drawn up to its left-hand
    limit and on from its right-hand one). ``dx, dy`` is the derivative with a NaN break at
    each kink and jump, drawn the same way.
    """
    k = torch.arange(round(lo * per_unit), round(hi * per_unit) + 1, dtype=torch.float64)
    breaks = [b for b in properties.breaks(record) if lo <= b <= hi]
    x = torch.unique(torch.cat([k / per_unit, torch.tensor(breaks, dtype=torch.float64)]))
    y, dy = values_and_derivative(record, x)
    y_left, left = values_and_derivative(record, x - properties.KINK_OFFSET)
    y_right, right = values_and_derivative(record, x + properties.KINK_OFFSET)
    jumps = set(properties.measure(record).jumps)
    xs, ys = _broken(x.tolist(), y.tolist(), [xi in jumps for xi in x.tolist()], y_left.tolist(), y_right.tolist())
    dxs, dys = _broken(x.tolist(), dy.tolist(), [xi in breaks for xi in x.tolist()], left.tolist(), right.tolist())
    return xs, ys, dxs, dys


def _broken(xs: list[float], ys: list[float], jumps: list[bool], left: list[float],
            right: list[float]) -> tuple[list[float], list[float]]:
    """The points of a curve with a NaN break at each jump: left limit, break, right limit."""
    bx: list[float] = []
    by: list[float] = []
    for xi, yi, jump, li, ri in zip(xs, ys, jumps, left, right):
        if jump:
            bx += [xi, xi, xi]
            by += [li, math.nan, ri]
        else:
            bx.append(xi)
            by.append(yi)
    return bx, by


# -------------------------------------------------------------------------- alt text


def _range_phrase(lo: float, hi: float) -> str:
    return f"from {format_number(lo)} to {format_number(hi)}"


def _gradient_phrase(record: Activation) -> str:
    p = record.properties
    value = format_number(p.max_grad)
    where = p.max_grad_at
    if isinstance(where, catalog.Approached):
        sides = {math.inf: "grows", -math.inf: "falls"}
        return f"the derivative rises towards {value} as x {' and as it '.join(sides[e] for e in sorted(where.ends, reverse=True))}"
    if isinstance(where, tuple) and not isinstance(where[0], tuple):
        lo, hi = where
        if math.isinf(hi):
            span = f"for every x above {format_number(lo)}"
        else:
            span = f"for x between {format_number(lo)} and {format_number(hi)}"
        return f"the derivative takes its largest value, {value}, {span}"
    if isinstance(where, tuple):  # several intervals
        return f"the derivative takes its largest value, {value}, for {_intervals_phrase(where)}"
    if math.isinf(where):
        return f"the derivative rises towards {value} as x {'grows' if where > 0 else 'falls'}"
    if where in properties.breaks(record):  # the peak sits at a kink: approached, not attained
        return f"the derivative rises towards {value} as x nears {format_number(where)}, where it jumps"
    if values_and_derivative(record, torch.tensor([float(where)], dtype=torch.float64))[1].item() < 0:
        return (f"the derivative is negative everywhere and steepest at {format_point(where)}, "
                f"where its size is {value}")
    return f"the derivative peaks at {value} at {format_point(where)}"


def _intervals_phrase(intervals: tuple[tuple[float, float], ...]) -> str:
    """"x below −0.5 and x above 0.5": each interval of x, in words free of brackets."""
    parts = []
    for lo, hi in intervals:
        if math.isinf(lo):
            parts.append(f"x below {format_number(hi)}")
        elif math.isinf(hi):
            parts.append(f"x above {format_number(lo)}")
        else:
            parts.append(f"x between {format_number(lo)} and {format_number(hi)}")
    return " and ".join(parts)


def _least_slope(record: Activation) -> float | None:
    """The smallest |f′| over the measurement grid, for a function that never saturates
    (None otherwise: the saturation set already says where |f′| is small)."""
    if record.properties.saturation:
        return None
    _, dy = values_and_derivative(record, properties.measurement_grid())
    return dy.abs().min().item()


def alt_text(record: Activation) -> str:
    """A sentence or two describing the record's figure, for the image's alt text.

    Built from the record's declared properties; free of square brackets so that it
    can sit inside Markdown's ``![...]`` unescaped.
    """
    lo, hi = x_range(record)
    p = record.properties
    what = record.name
    if not record.elementwise:
        what += f" ({subtitle(record)})"
    text = (
        f"Line chart of {what} as a solid line and its derivative as a dashed line, "
        f"for x {_range_phrase(lo, hi)}. The output is {format_range_words(p)}; "
        f"{_gradient_phrase(record)}, and {saturation_words(record.properties, _least_slope(record))}."
    )
    if not p.monotonic:
        text += " The curve is not monotonic: it dips below zero for negative x before rising."
    jumps = properties.measure(record).jumps
    if jumps:
        text += f" The function jumps at {' and '.join(f'x = {format_number(j)}' for j in jumps)}: its line is broken there."
    return text


def overview_alt_text() -> str:
    """The overview figure's alt text: which records, drawn how, over which ranges."""
    names = [r.name for r in ACTIVATIONS]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    lo, hi = DEFAULT_X_RANGE
    others = "; ".join(
        f"{r.name} {_range_phrase(*r.x_range)}" for r in ACTIVATIONS if r.x_range != DEFAULT_X_RANGE
    )
    scalar = [r.name for r in ACTIVATIONS if not r.elementwise]
    text = (
        f"Small multiples of the {len(names)} activation functions of this guide: {listed}. "
        f"Each panel shows the function as a solid line and its derivative as a dashed line, "
        f"for x {_range_phrase(lo, hi)}"
    )
    text += f" ({others})." if others else "."
    if scalar:
        text += f" {', '.join(scalar)} are drawn through their scalar view."
    return text
