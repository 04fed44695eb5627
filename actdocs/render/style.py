"""The house style: colours, matplotlib themes, SVG output and how numbers are written.

Every figure of the site is drawn twice, once per :data:`THEMES` entry: ``light`` for
Material's default scheme and ``dark`` for its ``slate`` scheme, shown with the
``#only-light`` / ``#only-dark`` URL fragments. Colours come from the Okabe–Ito
palette, which stays distinguishable under the common colour-vision deficiencies.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no GUI backend is selected and no global figure state is kept. SVG output is
deterministic (fixed ``svg.hashsalt``, no date, no creator) and keeps text as text
(``svg.fonttype = "none"``), which makes files small and lets the browser draw the
glyphs. Text is measured with DejaVu Sans, which matplotlib bundles, so the layout is
the same on every machine.

The last section says how the site writes a record's ranges, gradients and saturation
in words; tables, alt texts and figures share it. Numbers themselves are written by
:mod:`actdocs.render.numbers`.
"""

from __future__ import annotations

import io
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import matplotlib as mpl

from actdocs.render.numbers import INFINITY, MINUS, format_number, format_point, format_sig

#: The prime of a derivative, f′.
PRIME = "\u2032"

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from actdocs.catalog import Properties

# ------------------------------------------------------------------------------ palette

#: The Okabe–Ito colour-blind-safe palette (Okabe and Ito, 2008), by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}


@dataclass(frozen=True)
class Theme:
    """Colours of one scheme. ``function`` and ``derivative`` draw the two curves."""

    name: str
    background: str
    foreground: str
    muted: str  # tick labels, secondary text
    grid: str
    axis: str  # the zero axes
    function: str
    derivative: str
    cycle: tuple[str, ...]


#: Material's default (white) scheme.
LIGHT = Theme(
    name="light",
    background="#ffffff",
    foreground="#1f2328",
    muted="#57606a",
    grid="#e6e8eb",
    axis="#8c959f",
    function=OKABE_ITO["blue"],
    derivative=OKABE_ITO["vermillion"],
    cycle=tuple(OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue", "black")),
)

#: Material's ``slate`` scheme (background hsl(232, 15%, 14%)).
DARK = Theme(
    name="dark",
    background="#1e2129",
    foreground="#e2e4e9",
    muted="#a4a9b6",
    grid="#2f3440",
    axis="#6b7180",
    function=OKABE_ITO["sky_blue"],
    derivative=OKABE_ITO["orange"],
    cycle=tuple(OKABE_ITO[c] for c in ("sky_blue", "orange", "bluish_green", "reddish_purple", "yellow", "vermillion")),
)

#: The themes every figure is drawn in, by name.
THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}

#: Fixed salt for the ids matplotlib writes into SVG files: same figure, same bytes.
SVG_HASHSALT = "actdocs"

#: SVG metadata that would differ between runs (or versions), removed on save.
SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": None}


def get_theme(theme: str | Theme) -> Theme:
    """The :class:`Theme` named ``theme`` (a Theme passes through)."""
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except KeyError:
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(THEMES)}") from None


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


# ------------------------------------------------------------------- many series

#: Line styles of a figure's series, cycled after (or with) the colours.
LINESTYLES = ("-", "--", ":", "-.")
#: Colours used from each theme's cycle (the dark cycle has six).
PALETTE_SIZE = 6


def series_styles(theme: Theme, count: int, *, own_lines: bool = False) -> list[dict[str, Any]]:
    """``count`` distinct (colour, line style) keyword sets for ``ax.plot`` in ``theme``.

    Colours come from the theme's colour-blind-safe cycle (its first
    :data:`PALETTE_SIZE`, so that a series keeps its line style in both themes); when
    they run out the line style changes, so no two series share both. With
    ``own_lines`` every series also gets its own line style from the start, for a
    figure whose few series must not be told apart by colour alone.
    """
    colours = theme.cycle[:PALETTE_SIZE]
    step = 1 if own_lines else PALETTE_SIZE
    return [
        {"color": colours[i % PALETTE_SIZE], "linestyle": LINESTYLES[(i // step) % len(LINESTYLES)]}
        for i in range(count)
    ]


# ------------------------------------------------------------------- how properties read


def _range_pieces(properties: "Properties") -> list[tuple[float, float, bool, bool]]:
    """The output range as intervals ``(lo, hi, lo closed, hi closed)``, split at its gaps."""
    (lo, hi), (lo_closed, hi_closed) = properties.output_range, properties.range_closed
    pieces, start = [], (lo, lo_closed)
    for a, b, a_in, b_in in properties.gaps:
        pieces.append((*start, a, a_in))
        start = (b, b_in)
    return [(p[0], p[2], p[1], p[3]) for p in pieces] + [(start[0], hi, start[1], hi_closed)]


def format_range(properties: "Properties") -> str:
    """The output range in interval notation: "(0, 1)", "[0, ∞)", "(−1.7581, ∞)"; where a
    jump leaves a gap, the pieces joined by ∪: "{0} ∪ (1, ∞)".

    A bracket is closed where ``range_closed`` (or a gap's flag) says the end is attained;
    an infinite end is always open.
    """
    parts = []
    for lo, hi, lo_closed, hi_closed in _range_pieces(properties):
        if lo == hi:
            parts.append(f"{{{format_number(lo)}}}")
            continue
        left = "[" if lo_closed and math.isfinite(lo) else "("
        right = "]" if hi_closed and math.isfinite(hi) else ")"
        parts.append(f"{left}{format_number(lo)}, {format_number(hi)}{right}")
    return " \u222a ".join(parts)


def format_range_words(properties: "Properties") -> str:
    """The output range in words, free of brackets (for alt text): "between 0 and 1"."""
    (lo, hi), (lo_closed, hi_closed) = properties.output_range, properties.range_closed
    if math.isinf(lo) and math.isinf(hi):
        words = "unbounded in both directions"
    elif math.isinf(hi):
        words = f"{'at least' if lo_closed else 'above'} {format_number(lo)} and unbounded above"
    elif math.isinf(lo):
        words = f"{'at most' if hi_closed else 'below'} {format_number(hi)} and unbounded below"
    elif lo_closed and hi_closed:
        words = f"from {format_number(lo)} to {format_number(hi)}, both included"
    else:
        words = f"between {format_number(lo)} and {format_number(hi)}"
    return words + _gap_words(properties)


def _gap_words(properties: "Properties") -> str:
    """", with no output above 0 up to and including 1" for each gap of the range; "" if none.
    An end of the gap that is an output is excluded from it ("above", "below"), one that is not
    is included ("from", "up to and including")."""
    return "".join(f", with no output {'above' if a_in else 'from'} {format_number(a)} "
                   f"{'and below' if b_in else 'up to and including'} {format_number(b)}"
                   for a, b, a_in, b_in in properties.gaps)


def format_max_grad(properties: "Properties") -> str:
    """The largest derivative and where: "0.25 at x = 0", "1 for x > 0", "→ 1 as x → ∞",
    "→ 1 as x → ±∞", "1 for |x| > 0.5"."""
    value = format_number(properties.max_grad)
    where = properties.max_grad_at
    ends = getattr(where, "ends", None)  # an actdocs.catalog.Approached
    if ends is not None:
        where = ends[0] if len(ends) == 1 else None
        if where is None:
            return f"\u2192 {value} as x \u2192 \u00b1{INFINITY}"
    if isinstance(where, tuple) and where and isinstance(where[0], tuple):  # several intervals
        (lo0, hi0), (lo1, hi1) = where[0], where[-1]
        if len(where) == 2 and math.isinf(lo0) and math.isinf(hi1) and hi0 == -lo1:
            return f"{value} for |x| > {format_number(lo1)}"
        return f"{value} on " + " and ".join(f"({format_number(a)}, {format_number(b)})" for a, b in where)
    if isinstance(where, tuple):
        lo, hi = where
        if math.isinf(hi) and math.isinf(lo):
            return f"{value} everywhere"
        if math.isinf(hi):
            return f"{value} for x > {format_number(lo)}"
        if math.isinf(lo):
            return f"{value} for x < {format_number(hi)}"
        return f"{value} for {format_number(lo)} < x < {format_number(hi)}"
    if math.isinf(where):
        side = INFINITY if where > 0 else MINUS + INFINITY
        return f"\u2192 {value} as x \u2192 {side}"
    return f"{value} at {format_point(where)}"


def yes_no(flag: bool) -> str:
    """"Yes" or "No"."""
    return "Yes" if flag else "No"


#: Decimals of a saturation set's ends, rounded towards the inside of the set.
FLAT_DECIMALS = 2


def flat_end(value: float, up: bool, decimals: int = FLAT_DECIMALS) -> str:
    """An end of a flat interval, rounded up (a lower end) or down (an upper end) to
    ``decimals`` (FLAT_DECIMALS unless a sentence needs more), so that the written
    condition never reaches outside the set."""
    scale = 10**decimals
    rounded = (math.ceil if up else math.floor)(round(value * scale, 6)) / scale
    return format_number(rounded, decimals)


def _flat_parts(properties: "Properties") -> list[str]:
    """Each interval of the saturation set as an inequality: "x < 0", "x > 6", "|x| > 4.59".

    Two intervals mirroring each other read as one condition on |x|.
    """
    flats = properties.saturation
    if (len(flats) == 2 and math.isinf(flats[0].lo) and math.isinf(flats[1].hi)
            and flats[0].hi == -flats[1].lo and flats[1].lo > 0):
        return [f"|x| > {flat_end(flats[1].lo, up=True)}"]
    parts = []
    for f in flats:
        if math.isinf(f.lo) and math.isinf(f.hi):
            parts.append("every x")
        elif math.isinf(f.lo):
            parts.append(f"x < {flat_end(f.hi, up=False)}")
        elif math.isinf(f.hi):
            parts.append(f"x > {flat_end(f.lo, up=True)}")
        else:
            parts.append(f"{flat_end(f.lo, up=True)} < x < {flat_end(f.hi, up=False)}")
    return parts


def _flat_condition(properties: "Properties", words: bool = False) -> str:
    """"f′ = 0" when the derivative is exactly zero on the whole set, else "|f′| < 0.01";
    with ``words``, "it is exactly 0" or "|f′| stays below 0.01" (its size: a negative
    derivative such as GELU's is below 0.01 without being flat)."""
    from actdocs.catalog import SATURATION_THRESHOLD

    exact = all(f.exact for f in properties.saturation)
    threshold = format_number(SATURATION_THRESHOLD)
    if words:
        return "it is exactly 0" if exact else f"|f{PRIME}| stays below {threshold}"
    return f"f{PRIME} = 0" if exact else f"|f{PRIME}| < {threshold}"


def format_saturation(properties: "Properties") -> str:
    """The set where the derivative is (near) zero: "No", "x < 0 (f′ = 0)",
    "x < 0 and x > 6 (f′ = 0)", "|x| > 4.6 (|f′| < 0.01)"."""
    if not properties.saturation:
        return "No"
    return f"{' and '.join(_flat_parts(properties))} ({_flat_condition(properties)})"


def saturation_words(properties: "Properties", least: float | None = None) -> str:
    """The same set in a sentence, for alt text: "it is exactly 0 for x < 0 and x > 6".

    For a function that never saturates, ``least`` (the smallest |f′| measured) is named,
    and called the threshold itself when it equals it (Leaky ReLU's 0.01): the verdict
    then rests on a tie, which the reader should see.
    """
    if not properties.saturation:
        from actdocs.catalog import MIN_FLAT_WIDTH, SATURATION_THRESHOLD

        text = (f"it never saturates: on no stretch of x wider than {format_number(MIN_FLAT_WIDTH)} "
                f"does |f{PRIME}| fall below {format_number(SATURATION_THRESHOLD)}")
        if least is None:
            return text
        if math.isclose(least, SATURATION_THRESHOLD, rel_tol=1e-9):
            return (f"{text}, though its smallest |f{PRIME}|, {format_number(least)}, is exactly that "
                    "threshold: never smaller and never zero")
        if least < SATURATION_THRESHOLD:
            return (f"{text}; it falls below that only on narrower stretches, where it reaches its smallest "
                    f"value, {format_sig(least)}")
        return f"{text}; its smallest |f{PRIME}| is {format_sig(least)}"
    return f"{_flat_condition(properties, words=True)} for {' and '.join(_flat_parts(properties))}"


def format_cost(properties: "Properties") -> str:
    """The declared cost, capitalised: "Cheap", "Moderate", "Expensive"."""
    return properties.cost.capitalize()
