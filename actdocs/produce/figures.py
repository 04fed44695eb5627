"""Figures: each activation and its derivative, drawn from the catalog in two themes.

For every record of :data:`actdocs.catalog.ACTIVATIONS` the artifact ``figure-<key>``
writes ``figures/<key>-light.svg`` and ``figures/<key>-dark.svg``: the function as a
solid line and its derivative as a dashed line, over :func:`x_range` (``[-6, 6]``
unless the function needs more room), with the zero axes, a legend and the record's
name as title. Non-element-wise records (GLU family, softmax) are drawn through their
catalog scalar view, with a subtitle saying which. ``figure-overview`` draws all
records as small multiples; ``figure-overview-phone`` draws them again in two columns
with larger type, legible on a 360 px screen (the site serves it to narrow screens:
:mod:`actdocs.site.images`).

The curves are evaluated in float64 at multiples of ``1 / per_unit``, so every integer
(and so every kink of the catalog's functions: 0, ±3, 6) is a sample point and corners
stay sharp; the kinks and jumps that :mod:`actdocs.measure.properties` measures are sample points too.
Where the derivative jumps, its line is broken rather than joined by a slanted segment;
where the function itself jumps (Threshold, Hardshrink), so is its line. matplotlib's path simplification then drops the samples that lie on
straight stretches, which keeps the SVG files small.

:func:`alt_text` and :func:`overview_alt_text` describe each figure in a sentence built
from the record's declared properties; the generated Markdown uses them as alt text.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import torch
from matplotlib.ticker import MaxNLocator, MultipleLocator

from actdocs import catalog
from actdocs.measure import properties
from actdocs.measure.autograd import values_and_derivative
from actdocs.engine.artifact import Artifact, Context
from actdocs.catalog import ACTIVATIONS, DEFAULT_X_RANGE, Activation
from actdocs.render.numbers import format_number, format_point
from actdocs.render.style import THEMES, Theme, format_range_words, new_figure, saturation_words, save_svg, use_theme

MODULE = "actdocs.produce.figures"


#: Samples per unit of x for a single figure and for a panel of the overview.
PER_UNIT = 40
OVERVIEW_PER_UNIT = 20

#: Figure sizes in inches.
FIGSIZE: tuple[float, float] = (6.0, 3.6)
OVERVIEW_COLUMNS = 3
OVERVIEW_PANEL: tuple[float, float] = (2.5, 1.9)
#: The overview's font sizes in points: panel titles, tick labels, the footnote.
OVERVIEW_FONTS: tuple[float, float, float] = (9.0, 7.0, 7.0)
#: The phone variant: two columns of smaller panels, larger type. At 2 x 1.9 in (365
#: CSS px) it is shown at about 0.8 of its size on a phone, so 9 pt stays about 10 px.
OVERVIEW_PHONE_COLUMNS = 2
OVERVIEW_PHONE_PANEL: tuple[float, float] = (1.9, 1.45)
OVERVIEW_PHONE_FONTS: tuple[float, float, float] = (10.5, 9.0, 9.0)


#: Short subtitles for records drawn through their scalar view, by family
#: (the same cases as :meth:`actdocs.catalog.Activation.scalar_view`).
SCALAR_VIEW_SUBTITLES: dict[str, str] = {
    "gated": "scalar view: content a = 1, gate b = x",
    "output": "scalar view: first output for the logits (x, 0)",
}


def figure_path(key: str, theme: str) -> str:
    """The output path of a record's figure in ``theme``, relative to the cache root."""
    return f"figures/{key}-{theme}.svg"


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


def _draw(ax, record: Activation, theme: Theme, per_unit: int, *, small: bool = False) -> None:
    lo, hi = x_range(record)
    x, y, dx, dy = curves(record, lo, hi, per_unit)
    axis_lw = 0.7 if small else 0.9
    ax.axhline(0.0, color=theme.axis, linewidth=axis_lw, zorder=1)
    ax.axvline(0.0, color=theme.axis, linewidth=axis_lw, zorder=1)
    lw = 1.5 if small else 2.0
    ax.plot(x, y, color=theme.function, linewidth=lw, label="function", zorder=3)
    ax.plot(dx, dy, color=theme.derivative, linewidth=lw, linestyle="--", label="derivative", zorder=2)
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(MultipleLocator(4 if small else 2))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4 if small else 6))
    ax.tick_params(length=0, pad=2 if small else 4)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def draw_record(record: Activation, theme: str | Theme, path: Path, per_unit: int = PER_UNIT) -> Path:
    """Draw one record's figure in ``theme`` and save it as SVG at ``path``."""
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        ax = fig.add_subplot()
        _draw(ax, record, t, per_unit)
        note = subtitle(record)
        if note:
            fig.suptitle(record.name, fontsize=12, fontweight="bold", color=t.foreground)
            ax.set_title(note, fontsize=9, fontweight="normal", color=t.muted)
        else:
            ax.set_title(record.name)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", handlelength=2.6)
        return save_svg(fig, path)


#: Average width of a title character, as a fraction of the font size (DejaVu Sans Bold).
_CHAR_WIDTH = 0.62


def _panel_title(record: Activation, width_in: float, size_pt: float) -> str:
    """A panel's title; a name too wide for its panel breaks before its parenthesis."""
    title = record.name + (" *" if not record.elementwise else "")
    if len(title) * size_pt * _CHAR_WIDTH / 72 > width_in:
        title = title.replace(" (", "\n(", 1)
    return title


def draw_overview(
    theme: str | Theme,
    path: Path,
    per_unit: int = OVERVIEW_PER_UNIT,
    *,
    columns: int = OVERVIEW_COLUMNS,
    panel: tuple[float, float] = OVERVIEW_PANEL,
    fonts: tuple[float, float, float] = OVERVIEW_FONTS,
) -> Path:
    """Draw every record as a small multiple in ``theme`` and save it as SVG at ``path``:
    ``columns`` panels of ``panel`` inches a row, ``fonts`` (title, ticks, footnote) in pt."""
    rows = math.ceil(len(ACTIVATIONS) / columns)
    title_pt, tick_pt, note_pt = fonts
    with use_theme(theme) as t:
        fig = new_figure(panel[0] * columns, panel[1] * rows + 0.4)
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, record in zip(axes, ACTIVATIONS):
            _draw(ax, record, t, per_unit, small=True)
            ax.set_title(_panel_title(record, panel[0], title_pt), fontsize=title_pt)
            ax.tick_params(labelsize=tick_pt)
            ax.grid(False)  # the zero axes are enough at this size, and grids cost bytes
        for ax in axes[len(ACTIVATIONS):]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
        if any(not r.elementwise for r in ACTIVATIONS):  # the footnote, as the legend's title
            legend.set_title("* drawn through its scalar view", prop={"size": note_pt})
            legend.get_title().set_color(t.muted)
        return save_svg(fig, path)


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


# ------------------------------------------------------------------------- artifacts


def _make_record(key: str, out: Path, ctx: Context) -> None:
    record = catalog.get(key)
    for theme in THEMES:
        draw_record(record, theme, out / figure_path(key, theme))


def _make_overview(name: str, layout: dict, out: Path, ctx: Context) -> None:
    for theme in THEMES:
        draw_overview(theme, out / figure_path(name, theme), **layout)


def artifacts() -> list[Artifact]:
    """``figure-<key>`` for every catalog record, then ``figure-overview`` and its phone variant."""
    found = [
        Artifact(
            name=f"figure-{record.key}",
            outputs=tuple(figure_path(record.key, theme) for theme in THEMES),
            make=functools.partial(_make_record, record.key),
            module=MODULE,
        )
        for record in ACTIVATIONS
    ]
    layouts = {
        "overview": {"columns": OVERVIEW_COLUMNS, "panel": OVERVIEW_PANEL, "fonts": OVERVIEW_FONTS},
        "overview-phone": {"columns": OVERVIEW_PHONE_COLUMNS, "panel": OVERVIEW_PHONE_PANEL, "fonts": OVERVIEW_PHONE_FONTS},
    }
    for name, layout in layouts.items():
        found.append(
            Artifact(
                name=f"figure-{name}",
                outputs=tuple(figure_path(name, theme) for theme in THEMES),
                make=functools.partial(_make_overview, name, layout),
                module=MODULE,
                params={key: list(value) if isinstance(value, tuple) else value for key, value in layout.items()},
            )
        )
    return found
