"""The demo JSON every interactive chart is written in, and the Markdown that shows it.

A demo is a plotly figure in its first state plus an ``actdocs`` extension: controls,
a tree of states, trace styles by role and both palettes' themes (the format is
described in :mod:`actdocs.interactive.demos`). This module writes that format: rounding and
thinning curves (:func:`dumps`, :func:`simplify`), the themes, :func:`figure_spec`,
and :func:`fragment`, the container a page includes.

Floats are written with :data:`DIGITS` significant digits; curves are thinned to the
samples that a straight line between their neighbours would not reproduce within
:data:`SIMPLIFY_TOLERANCE` of the plot's height (invisible at any screen size).
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

from actdocs import paths
from actdocs.render import palette
from actdocs.render.numbers import round_floats

#: Version of the JSON format described in the module docstring.
SCHEMA = 1

#: Significant digits of every float written.
DIGITS = 4

#: A sample is dropped when the line through its kept neighbours passes within this
#: fraction of the y-axis span of it.
SIMPLIFY_TOLERANCE = 5e-4

#: The demos, in page order: name -> title.
DEMOS: dict[str, str] = {
    "explorer": "Activation function explorer",
    "vanishing-gradients": "Vanishing gradients",
    "distributions": "Distribution effects",
}

# ------------------------------------------------------------------------ numbers


def dumps(spec: dict) -> str:
    """The demo JSON: compact separators, keys in insertion order, floats already rounded."""
    return json.dumps(round_floats(spec, DIGITS), separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"


def simplify(xs: Sequence[float], ys: Sequence[float | None], tolerance: float) -> tuple[list, list]:
    """Drop the samples a straight line between the kept ones reproduces within ``tolerance``.

    Douglas–Peucker on the vertical distance, run on each stretch between gaps
    (None or NaN in ``ys``); the gaps are kept, so a broken derivative stays broken.
    """
    out_x: list = []
    out_y: list = []
    stretch: list[tuple[float, float]] = []

    def flush() -> None:
        if stretch:
            kept = _douglas_peucker(stretch, tolerance)
            out_x.extend(p[0] for p in kept)
            out_y.extend(p[1] for p in kept)
            stretch.clear()

    for x, y in zip(xs, ys):
        if y is None or (isinstance(y, float) and math.isnan(y)):
            flush()
            out_x.append(x)
            out_y.append(None)
        else:
            stretch.append((x, y))
    flush()
    return out_x, out_y


def _douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    todo = [(0, len(points) - 1)]
    while todo:
        first, last = todo.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        worst, where = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            line = y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 != x0 else y0
            gap = abs(y - line)
            if gap > worst:
                worst, where = gap, i
        if worst > tolerance:
            keep[where] = True
            todo += [(first, where), (where, last)]
    return [p for p, k in zip(points, keep) if k]


# ------------------------------------------------------------------------ themes


def theme_json(theme: palette.Theme) -> dict[str, Any]:
    """The colours demos.js applies for one of Material's palettes (from :mod:`actdocs.render.style`)."""
    shade = _rgba(theme.derivative, 0.14 if theme.name == "light" else 0.22)
    return {
        "font": theme.foreground,
        "muted": theme.muted,
        "grid": theme.grid,
        "axis": theme.axis,
        "roles": {
            "function": theme.function,
            "derivative": theme.derivative,
            "saturated": shade,
            "gradient": theme.function,
            "bound": theme.derivative,
            "reference": theme.muted,
            "histogram": theme.function,
            "zero": theme.derivative,
        },
    }


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def themes_json() -> dict[str, dict[str, Any]]:
    """Both palettes, keyed ``light`` (Material's ``default``) and ``dark`` (``slate``)."""
    return {name: theme_json(theme) for name, theme in palette.THEME_BY_NAME.items()}


#: Layout shared by every demo; colours are filled in by demos.js from the theme.
BASE_LAYOUT: dict[str, Any] = {
    "autosize": True,
    "height": 420,
    "margin": {"l": 60, "r": 16, "t": 48, "b": 52},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"family": "var(--md-text-font-family), -apple-system, Helvetica, Arial, sans-serif", "size": 13},
    "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "bgcolor": "rgba(0,0,0,0)"},
    "hovermode": "closest",
    "dragmode": False,
}

#: plotly's config for every demo: no logo, no toolbar, resizes with the page.
CONFIG: dict[str, Any] = {"displaylogo": False, "displayModeBar": False, "responsive": True, "scrollZoom": False}


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "zeroline": True, "fixedrange": True, **extra}


def _apply_theme(trace: dict[str, Any], theme: dict[str, Any]) -> dict[str, Any]:
    """The colours demos.js would give ``trace`` in ``theme`` (for the JSON's first state)."""
    colour = theme["roles"].get(trace.get("meta", {}).get("role"))
    if not colour:
        return trace
    trace = json.loads(json.dumps(trace))
    if trace.get("type") == "bar":
        trace.setdefault("marker", {})["color"] = colour
    elif trace.get("fill"):
        trace["fillcolor"] = colour
    else:
        trace.setdefault("line", {})["color"] = colour
    return trace


def _first_leaf(node: dict[str, Any], controls: Sequence[dict[str, Any]]) -> dict[str, Any]:
    defaults = {c["id"]: c["default"] for c in controls}
    while "control" in node:
        states = node["states"]
        value = defaults.get(node["control"])
        node = states[value] if value in states else next(iter(states.values()))
    return node


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in patch.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def figure_spec(
    name: str,
    *,
    controls: list[dict[str, Any]],
    tree: dict[str, Any],
    styles: dict[str, dict[str, Any]],
    layout: dict[str, Any],
) -> dict[str, Any]:
    """The whole demo JSON: the plotly figure in its first state and the ``actdocs`` extension."""
    leaf = _first_leaf(tree, controls)
    theme = theme_json(palette.LIGHT)
    toggles = {role: c["default"] for c in controls if c["type"] == "toggle" for role in c["roles"]}
    data = []
    for trace in leaf["data"]:
        merged = _merge(styles.get(trace.get("meta", {}).get("role"), {}), trace)
        role = merged.get("meta", {}).get("role")
        if role in toggles:
            merged["visible"] = bool(toggles[role])
        data.append(_apply_theme(merged, theme))
    full_layout = _merge(_merge(BASE_LAYOUT, layout), leaf.get("layout", {}))
    full_layout["font"] = {**full_layout["font"], "color": theme["font"]}
    return {
        "schema": SCHEMA,
        "demo": name,
        "data": data,
        "layout": full_layout,
        "config": CONFIG,
        "actdocs": {
            "title": DEMOS[name],
            "controls": controls,
            "tree": tree,
            "styles": styles,
            "layout": _merge(BASE_LAYOUT, layout),
            "themes": themes_json(),
        },
    }


# ------------------------------------------------------------------------ fragments


def fragment(name: str, static: str, caption: str, root: str = paths.SERVED_ROOT) -> str:
    """The Markdown a page includes for demo ``name``.

    A container ``div.actdocs-demo`` with ``data-src`` (the JSON, relative to the site
    root) holding ``static``, the Markdown of the static figure (light and dark images
    with alt text: shown until demos.js has drawn the live chart, and for good without
    JavaScript), and the caption, which ends with a link to the JSON. MkDocs rewrites
    that link relative to the including page and ``--strict`` checks it; demos.js
    fetches the data from it.
    """
    return (
        f'<div class="actdocs-demo" data-demo="{name}" data-src="{root}/{paths.demo_data(name)}" markdown>\n'
        f'<div class="actdocs-demo__static" markdown>\n\n{static.strip()}\n\n</div>\n\n'
        f"{caption.strip()} [The data behind this demo (JSON)]({root}/{paths.demo_data(name)}){{ .actdocs-demo__data }}\n"
        f"{{ .actdocs-demo__caption }}\n\n"
        f"</div>\n"
    )
