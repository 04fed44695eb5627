"""The house style of a figure: matplotlib settings per theme and deterministic SVG output.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no GUI backend is selected and no global figure state is kept. SVG output is
deterministic (fixed ``svg.hashsalt``, no date, no creator) and keeps text as text
(``svg.fonttype = "none"``), which makes files small and lets the browser draw the
glyphs. Text is measured with DejaVu Sans, which matplotlib bundles, so the layout is
the same on every machine. The colours are :mod:`actdocs.render.palette`'s.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import matplotlib as mpl

from actdocs.render.palette import Theme, get_theme

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

#: Fixed salt for the ids matplotlib writes into SVG files: same figure, same bytes.
SVG_HASHSALT = "actdocs"

#: SVG metadata that would differ between runs (or versions), removed on save.
SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": None}


def rc_params(theme: str | Theme) -> dict[str, Any]:
    """The matplotlib rcParams of ``theme``, deterministic SVG settings included."""
    t = get_theme(theme)
    from cycler import cycler

    return {
        # deterministic, compact SVG
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "none",
        "path.simplify": True,
        "path.simplify_threshold": 0.1,
        # text: measured with the bundled DejaVu Sans; browsers fall back in order
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
        "font.size": 10.0,
        "axes.titlesize": 12.0,
        "axes.titleweight": "bold",
        "axes.labelsize": 10.0,
        "legend.fontsize": 9.0,
        "xtick.labelsize": 9.0,
        "ytick.labelsize": 9.0,
        # colours
        "figure.facecolor": t.background,
        "figure.edgecolor": t.background,
        "savefig.facecolor": t.background,
        "savefig.edgecolor": t.background,
        "axes.facecolor": t.background,
        "axes.edgecolor": t.axis,
        "axes.labelcolor": t.foreground,
        "axes.titlecolor": t.foreground,
        "axes.prop_cycle": cycler(color=list(t.cycle)),
        "text.color": t.foreground,
        "xtick.color": t.axis,
        "ytick.color": t.axis,
        "xtick.labelcolor": t.muted,
        "ytick.labelcolor": t.muted,
        "grid.color": t.grid,
        "grid.linewidth": 0.8,
        "legend.facecolor": t.background,
        "legend.edgecolor": t.grid,
        "legend.labelcolor": t.foreground,
        "legend.framealpha": 0.9,
        # layout
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "lines.linewidth": 2.0,
        "lines.solid_capstyle": "round",
        "lines.dashed_pattern": (3.0, 2.2),
        "figure.dpi": 100.0,
        "savefig.dpi": 100.0,
    }


@contextmanager
def use_theme(theme: str | Theme) -> Iterator[Theme]:
    """Apply ``theme``'s rcParams inside the ``with`` block; yield the :class:`Theme`.

    Create the figure *and* save it inside the block: colours are read when artists are
    made, the SVG settings when the file is written.
    """
    t = get_theme(theme)
    with mpl.rc_context(rc_params(t)):
        yield t


def new_figure(width: float, height: float) -> "Figure":
    """A figure of ``width`` x ``height`` inches, made without pyplot (no backend, no GUI)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save_svg(fig: "Figure", path: Path | str) -> Path:
    """Write ``fig`` as a deterministic SVG to ``path`` (parents created) and return it.

    Call it inside :func:`use_theme`: the hash salt and font type come from rcParams,
    and are forced here as well so that a figure saved elsewhere stays reproducible.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    path.write_text(compact_svg(buffer.getvalue()), encoding="utf-8")
    return path


_COORD = re.compile(r"(?<![#\w])(-?\d+\.\d{2,})")
_ATTRIBUTE = re.compile(r'="[^"]*"')
_RDF = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


def compact_svg(svg: str) -> str:
    """Shrink matplotlib's SVG without changing what it draws.

    Coordinates in attribute values are rounded to 0.1 pt (a tenth of a point is below a screen pixel at
    any zoom a reader uses), the RDF metadata block is dropped, and path data is put
    on one line; zero rotations, group ids and the long font fallback list go. A
    typical figure shrinks by about a third.
    """
    svg = _RDF.sub("", svg)
    svg = _ATTRIBUTE.sub(lambda a: _COORD.sub(_round, a.group(0)), svg)  # never text content
    svg = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", svg)  # a rotation by zero
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)  # group names nobody refers to
    svg = svg.replace("'DejaVu Sans', 'Helvetica', 'Arial', sans-serif", "'DejaVu Sans', sans-serif")
    return re.sub(r" \n(?=[LMCQz])", " ", svg)


def _round(match: re.Match[str]) -> str:
    return f"{float(match.group(1)):.1f}".rstrip("0").rstrip(".")
