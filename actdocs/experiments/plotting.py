"""What the experiments' figures share: distinct line styles for many series in either theme."""

from __future__ import annotations

from typing import Any

from actdocs.style import Theme

#: Line styles cycled after the colours, so that more series than colours stay apart.
LINESTYLES = ("-", "--", ":", "-.")
#: Colours used from each theme's cycle (the dark cycle has six).
PALETTE_SIZE = 6


def series_styles(theme: Theme, count: int) -> list[dict[str, Any]]:
    """``count`` distinct (colour, line style) keyword sets for ``ax.plot`` in ``theme``.

    Colours come from the theme's colour-blind-safe cycle (its first
    :data:`PALETTE_SIZE`, so that a series keeps its line style in both themes); when
    they run out the line style changes, so no two series share both.
    """
    colours = theme.cycle[:PALETTE_SIZE]
    return [
        {"color": colours[i % PALETTE_SIZE], "linestyle": LINESTYLES[(i // PALETTE_SIZE) % len(LINESTYLES)]}
        for i in range(count)
    ]
