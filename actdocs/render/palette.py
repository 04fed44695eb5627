"""The house colours: the Okabe–Ito palette and the light and dark themes built on it.

Every figure of the site is drawn twice, once per theme of :data:`actdocs.paths.THEMES`:
``light`` for Material's default scheme and ``dark`` for its ``slate`` scheme, shown with
the ``#only-light`` / ``#only-dark`` URL fragments. The Okabe–Ito palette stays
distinguishable under the common colour-vision deficiencies. Data only: the demos' Plotly
specification reads it without importing matplotlib (:mod:`actdocs.render.style`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actdocs.paths import THEMES

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

#: The theme of each name in :data:`actdocs.paths.THEMES`.
THEME_BY_NAME: dict[str, Theme] = dict(zip(THEMES, (LIGHT, DARK)))

def get_theme(theme: str | Theme) -> Theme:
    """The :class:`Theme` named ``theme`` (a Theme passes through)."""
    if isinstance(theme, Theme):
        return theme
    try:
        return THEME_BY_NAME[theme]
    except KeyError:
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(THEMES)}") from None


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
