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

The points come from :mod:`actdocs.produce.curves` (float64, every kink and jump a
sample point; a jump breaks the line rather than joining it by a slanted segment), and so
does the alt text of the image pair each figure's artifact writes beside its SVGs
(:func:`actdocs.paths.activation_figure_fragment`). matplotlib's path simplification drops
the samples that lie on straight stretches, which keeps the SVG files small.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from matplotlib.ticker import MaxNLocator, MultipleLocator

from actdocs import catalog, paths
from actdocs.catalog import ACTIVATIONS, Activation
from actdocs.engine.artifact import Artifact, Context
from actdocs.paths import THEMES
from actdocs.produce.curves import OVERVIEW_PER_UNIT, PER_UNIT, alt_text, curves, subtitle, x_range
from actdocs.render.markdown import image_pair, write_text
from actdocs.render.palette import Theme
from actdocs.render.style import new_figure, save_svg, use_theme

MODULE = "actdocs.produce.figures"


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


# ------------------------------------------------------------------------- artifacts


def _make_record(key: str, out: Path, ctx: Context) -> None:
    record = catalog.get(key)
    for theme in THEMES:
        draw_record(record, theme, out / paths.activation_figure(key, theme))
    write_text(out, paths.activation_figure_fragment(key), image_pair(alt_text(record), paths.activation_figure(key)))


def _make_overview(name: str, layout: dict, out: Path, ctx: Context) -> None:
    for theme in THEMES:
        draw_overview(theme, out / paths.activation_figure(name, theme), **layout)


def artifacts() -> list[Artifact]:
    """``figure-<key>`` for every catalog record (its two SVGs and the image pair a page
    includes), then ``figure-overview`` and its phone variant."""
    found = [
        Artifact(
            name=f"figure-{record.key}",
            outputs=(*(paths.activation_figure(record.key, theme) for theme in THEMES),
                     paths.activation_figure_fragment(record.key)),
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
                outputs=tuple(paths.activation_figure(name, theme) for theme in THEMES),
                make=functools.partial(_make_overview, name, layout),
                module=MODULE,
                params={key: list(value) if isinstance(value, tuple) else value for key, value in layout.items()},
            )
        )
    return found
