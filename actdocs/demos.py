"""The interactive demos: plotly figure specs built from the catalog and the experiments.

Three demos, each an artifact ``demo-<name>`` writing

* ``data/demos/<name>.json``: the demo's plotly figure and everything its controls need
  (served to the browser under ``generated/``);
* ``fragments/demo-<name>.md``: the Markdown a page includes (``--8<--``): the demo's
  container, the static figure as its text alternative (light and dark images with alt
  text, shown when JavaScript or plotly is missing) and a caption.

The demos:

``explorer``
    Any catalog activation, its derivative (a toggle), the region where the derivative
    is saturated (``|f'| <`` :data:`~actdocs.catalog.SATURATION_THRESHOLD`) shaded, and a
    slider for the parameter of the records that have one (the record's ``slider``). Every
    curve is computed here with the catalog's PyTorch functionals in float64 and its
    derivative with autograd (:func:`actdocs.figures.curves`, the same samples as the
    static figures).
``vanishing-gradients``
    The gradient norm reaching each layer of a real network (log scale), per activation
    and depth, read from :mod:`actdocs.experiments.gradient_flow`'s JSON.
``distributions``
    The histogram of an activation's outputs and their statistics for standard-normal
    inputs at several scales, read from :mod:`actdocs.experiments.distributions`' JSON.

The JSON format (``schema`` :data:`SCHEMA`) is a plotly figure plus one key:

.. code-block:: text

    {"schema": 1, "demo": "explorer",
     "data": [...], "layout": {...}, "config": {...},   # the figure in its first state
     "actdocs": {
        "controls": [Control, ...],          # what docs/javascripts/demos.js draws
        "tree": Node,                        # the precomputed states
        "styles": {role: {plotly trace attributes}},
        "themes": {"light": Theme, "dark": Theme},
        "title": str}}

    Control = {"id", "type": "select" | "range" | "toggle", "label",
               "options": [{"value", "label"}]        # select and range, in order
               "default": value (select, range) or bool (toggle),
               "roles": [role, ...]                   # toggle: the traces it shows
               "when": {"control": id, "in": [value, ...]}}   # optional: shown only then
    Node = {"control": id, "states": {value: Node}}   # a choice
         | {"data": [trace, ...], "layout": {...}, "summary": str, "table": [[str, str], ...]}

Controls are plain HTML (``<select>``, ``<input type=range>``, a toggle ``<button>``)
drawn by ``docs/javascripts/demos.js`` above the plot; each change walks the tree to a
leaf and calls ``Plotly.react`` with the leaf's traces, each merged over the style of its
``meta.role`` and coloured from the theme of Material's current palette. A toggle sets
``visible`` of the traces whose role it lists. Keeping the states as data (no plotly
``updatemenus``/``sliders``) lets a dropdown and a slider act together, and keeps every
number of the page computed here.

Floats are written with :data:`DIGITS` significant digits; curves are thinned to the
samples that a straight line between their neighbours would not reproduce within
:data:`SIMPLIFY_TOLERANCE` of the plot's height (invisible at any screen size).
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any, Iterable, Sequence

import torch

from actdocs import catalog, style
from actdocs.build import Artifact, Context
from actdocs.catalog import ACTIVATIONS, SATURATION_THRESHOLD, Activation, Slider
from actdocs.experiments import data_path as experiment_data_path
from actdocs.experiments import fragment_path as experiment_fragment_path
from actdocs.figures import curves, figure_path, overview_alt_text, x_range
from actdocs.markdown import SERVED_ROOT, image_pair, write_text
from actdocs.properties import derivative
from actdocs.numbers import MINUS, format_number, format_percent, format_sig, round_floats, round_sig, superscript

MODULE = "actdocs.demos"

#: Version of the JSON format described in the module docstring.
SCHEMA = 1

#: Significant digits of every float written.
DIGITS = 4

#: A sample is dropped when the line through its kept neighbours passes within this
#: fraction of the y-axis span of it.
SIMPLIFY_TOLERANCE = 5e-4

#: Samples per unit of x of the explorer's curves (the static figures use the same).
EXPLORER_PER_UNIT = 40

#: The demos, in page order: name -> title.
DEMOS: dict[str, str] = {
    "explorer": "Activation function explorer",
    "vanishing-gradients": "Vanishing gradients",
    "distributions": "Distribution effects",
}

#: The page that shows all three demos (relative to docs/).
DEMOS_PAGE = "demos.md"


def data_path(name: str) -> str:
    """The demo's JSON, relative to the cache root."""
    return f"data/demos/{name}.json"


def fragment_path(name: str) -> str:
    """The demo's Markdown fragment, relative to the cache root (and the snippet path)."""
    return f"fragments/demo-{name}.md"


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


def theme_json(theme: style.Theme) -> dict[str, Any]:
    """The colours demos.js applies for one of Material's palettes (from :mod:`actdocs.style`)."""
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
    return {name: theme_json(theme) for name, theme in style.THEMES.items()}


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
    theme = theme_json(style.LIGHT)
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


# ------------------------------------------------------------------------ explorer


FUNCTION_HOVER = "x = %{x:.3g}<br>f(x) = %{y:.4g}<extra>%{fullData.name}</extra>"
DERIVATIVE_HOVER = "x = %{x:.3g}<br>f\u2032(x) = %{y:.4g}<extra>derivative</extra>"

EXPLORER_STYLES: dict[str, dict[str, Any]] = {
    "function": {"type": "scatter", "mode": "lines", "line": {"width": 2.5}, "hovertemplate": FUNCTION_HOVER},
    "derivative": {
        "type": "scatter",
        "mode": "lines",
        "name": "derivative",
        "line": {"width": 2.2, "dash": "dash"},
        "hovertemplate": DERIVATIVE_HOVER,
    },
    "saturated": {
        "type": "scatter",
        "mode": "none",
        "fill": "toself",
        "hoverinfo": "skip",
        "name": f"saturated: |f\u2032| < {format_number(SATURATION_THRESHOLD)}",
    },
}


def value_key(value: float) -> str:
    """A parameter value as a state key and label: "0.01", "1", "0.5"."""
    return format_number(value, 6).replace(MINUS, "-")


def with_parameter(record: Activation, keyword: str, value: float) -> Activation:
    """A copy of ``record`` whose default ``keyword`` is ``value`` (same functionals)."""
    return dataclasses.replace(record, defaults={**record.defaults, keyword: value})


def saturated_intervals(xs: Sequence[float], dys: Sequence[float], step: float) -> list[tuple[float, float]]:
    """The stretches of the grid where |f'| < the saturation threshold, each widened by half a step.

    Clipped to the grid's ends; a stretch of one sample is kept (it is half a step wide on each side).
    """
    lo, hi = xs[0], xs[-1]
    found: list[tuple[float, float]] = []
    start = None
    for i, (x, d) in enumerate(zip(xs, dys)):
        small = abs(d) < SATURATION_THRESHOLD
        if small and start is None:
            start = x
        if start is not None and (not small or i == len(xs) - 1):
            end = x if small else xs[i - 1]
            found.append((max(lo, start - step / 2), min(hi, end + step / 2)))
            start = None
    return found


def _saturated_trace(intervals: Sequence[tuple[float, float]], y_range: tuple[float, float]) -> dict[str, Any]:
    """One filled scatter of every saturated stretch, the polygons separated by gaps."""
    xs: list = []
    ys: list = []
    low, high = y_range
    for a, b in intervals:
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [a, a, b, b, a]
        ys += [low, high, high, low, low]
    return {"meta": {"role": "saturated"}, "x": xs, "y": ys, "showlegend": bool(intervals)}


def _padded(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    span = hi - lo or 1.0
    return lo - pad * span, hi + pad * span


def _interval_words(intervals: Sequence[tuple[float, float]], lo: float, hi: float) -> str:
    if not intervals:
        return f"nowhere between {format_number(lo)} and {format_number(hi)}"
    parts = []
    for a, b in intervals:
        if a <= lo and b >= hi:
            return "everywhere shown"
        elif a <= lo:
            parts.append(f"x < {format_number(b, 1)}")
        elif b >= hi:
            parts.append(f"x > {format_number(a, 1)}")
        else:
            parts.append(f"{format_number(a, 1)} < x < {format_number(b, 1)}")
    return "for " + " and ".join(parts)


def _explorer_curves(record: Activation) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """Samples of the function and of its derivative (broken at jumps), and autograd's f' at each sample."""
    lo, hi = x_range(record)
    xs, ys, dxs, dys = curves(record, lo, hi, EXPLORER_PER_UNIT)
    # Saturation is judged on autograd's value at each sample (at a kink, the one-sided
    # limits drawn around it are not the derivative PyTorch computes there).
    at_samples = derivative(record, torch.tensor(xs, dtype=torch.float64)).tolist()
    return xs, ys, dxs, dys, at_samples


def _y_extent(samples: Iterable[tuple[list[float], ...]]) -> tuple[float, float]:
    """The padded y-range holding every function and derivative value (and 0) of ``samples``."""
    low, high = 0.0, 0.0
    for _, ys, _, dys, _ in samples:
        finite = [v for v in ys + dys if math.isfinite(v)]
        low, high = min([low, *finite]), max([high, *finite])
    return _padded(low, high)


def explorer_state(record: Activation, label: str, y_range: tuple[float, float] | None = None) -> dict[str, Any]:
    """The traces, axis ranges and summary of one record (with its current defaults)."""
    lo, hi = x_range(record)
    sampled = _explorer_curves(record)
    xs, ys, dxs, dys, at_samples = sampled
    y_range = y_range or _y_extent([sampled])
    tol = SIMPLIFY_TOLERANCE * (y_range[1] - y_range[0])
    fx, fy = simplify(xs, [round_sig(v, DIGITS) for v in ys], tol)
    gx, gy = simplify(dxs, [round_sig(v, DIGITS) for v in dys], tol)
    intervals = saturated_intervals(xs, at_samples, 1 / EXPLORER_PER_UNIT)
    max_grad = max(abs(d) for d in at_samples)
    summary = (
        f"{label}: the largest |f\u2032(x)| shown is {format_number(max_grad, 3)}; "
        f"saturated (|f\u2032| < {format_number(SATURATION_THRESHOLD)}) {_interval_words(intervals, lo, hi)}."
    )
    return {
        "data": [
            _saturated_trace(intervals, y_range),
            {"meta": {"role": "function"}, "name": record.name, "x": fx, "y": fy},
            {"meta": {"role": "derivative"}, "x": gx, "y": gy},
        ],
        "layout": {"xaxis": {"range": [lo, hi]}, "yaxis": {"range": list(y_range)}},
        "summary": summary,
    }


def _parameter_control(key: str, parameter: Slider, default: float) -> dict[str, Any]:
    return {
        "id": f"{key}-{parameter.keyword}",
        "type": "range",
        "label": parameter.label,
        "options": [{"value": value_key(v), "label": value_key(v)} for v in parameter.values],
        "default": value_key(default),
        "when": {"control": "activation", "in": [key]},
    }


def explorer_spec(records: Sequence[Activation] = ACTIVATIONS) -> dict[str, Any]:
    """The explorer: every record in ``records``, its derivative, saturation and parameter."""
    controls: list[dict[str, Any]] = [
        {
            "id": "activation",
            "type": "select",
            "label": "Activation",
            "options": [{"value": r.key, "label": r.name + ("" if r.elementwise else " (scalar view)")} for r in records],
            "default": records[0].key,
        },
        {"id": "derivative", "type": "toggle", "label": "Derivative", "default": True, "roles": ["derivative"]},
    ]
    states: dict[str, Any] = {}
    for record in records:
        parameter = record.slider
        if parameter is None:
            states[record.key] = explorer_state(record, record.name)
            continue
        default = record.defaults[parameter.keyword]
        if default not in parameter.values:
            raise ValueError(f"{record.key}: the default {parameter.keyword}={default} is not a slider stop")
        variants = [with_parameter(record, parameter.keyword, v) for v in parameter.values]
        y_range = _y_extent(_explorer_curves(v) for v in variants)
        control = _parameter_control(record.key, parameter, default)
        controls.append(control)
        states[record.key] = {
            "control": control["id"],
            "states": {
                value_key(v): explorer_state(variant, f"{record.name}, {parameter.keyword} = {value_key(v)}", y_range)
                for v, variant in zip(parameter.values, variants)
            },
        }
    layout = {
        "xaxis": _axis("x"),
        "yaxis": _axis("f(x) and f\u2032(x)"),
    }
    return figure_spec(
        "explorer",
        controls=controls,
        tree={"control": "activation", "states": states},
        styles=EXPLORER_STYLES,
        layout=layout,
    )


# ------------------------------------------------------------------------ vanishing gradients

#: The experiments the demos read, by demo: (experiment name, its figure fragment part).
EXPERIMENT_OF: dict[str, str] = {"vanishing-gradients": "gradient-flow", "distributions": "distributions"}

GRADIENT_HOVER = "layer %{x}<br>gradient norm %{y:.3g}<extra>%{fullData.name}</extra>"

VANISHING_STYLES: dict[str, dict[str, Any]] = {
    "gradient": {"type": "scatter", "mode": "lines+markers", "line": {"width": 2.5}, "marker": {"size": 6}, "hovertemplate": GRADIENT_HOVER},
    "reference": {"type": "scatter", "mode": "lines", "line": {"width": 1.8, "dash": "dot"}, "hovertemplate": GRADIENT_HOVER},
    "bound": {
        "type": "scatter",
        "mode": "lines",
        "line": {"width": 1.8, "dash": "dash"},
        "hovertemplate": "layer %{x}<br>slope-only estimate %{y:.3g}<extra></extra>",
    },
}

#: The activation the vanishing-gradients demo compares every other one with.
REFERENCE_KEY = "relu"


def _log_range(values: Iterable[float]) -> list[float]:
    """A log-axis range (powers of ten) holding every positive value, with a little room."""
    logs = [math.log10(v) for v in values if v and v > 0 and math.isfinite(v)]
    return [math.floor(min(logs) - 0.2), math.ceil(max(logs) + 0.2)]


def vanishing_state(results: dict[str, Any], key: str, depth: int) -> dict[str, Any]:
    """One (activation, depth) of the gradient-flow experiment: norms per layer, ReLU's, the slope-only line."""
    names = {a["key"]: a["name"] for a in results["activations"]}
    norms = results["gradient_norms"][key][str(depth)]
    slope = catalog.get(key).properties.max_grad
    last = norms[-1]
    data = [{"meta": {"role": "gradient"}, "name": names[key], "x0": 1, "dx": 1, "y": norms}]
    ratio = norms[0] / last
    summary = f"{names[key]}, {depth} layers: the first layer gets {format_sig(ratio, 2)} of the last layer's gradient"
    if key != REFERENCE_KEY and REFERENCE_KEY in results["gradient_norms"]:
        ref = results["gradient_norms"][REFERENCE_KEY][str(depth)]
        data.append({"meta": {"role": "reference"}, "name": names[REFERENCE_KEY], "x0": 1, "dx": 1, "y": ref})
        summary += f" ({names[REFERENCE_KEY]}: {format_sig(ref[0] / ref[-1], 2)})"
    data.append(
        {
            "meta": {"role": "bound"},
            "name": f"if only the slope counted: \u00d7 {format_number(slope, 3)} per layer",
            "x": [1, depth],
            "y": [last * slope ** (depth - 1), last],
        }
    )
    table = [
        ["Layer 1 gradient norm", format_sig(norms[0], 2)],
        [f"Layer {depth} gradient norm", format_sig(last, 2)],
        ["Layer 1 / last layer", format_sig(ratio, 2)],
        [f"Slope-only estimate ({format_number(slope, 3)}{superscript(depth - 1)})", format_sig(slope ** (depth - 1), 2)],
    ]
    return {"data": data, "summary": summary + ".", "table": table}


def _activation_select(activations: list[dict[str, str]]) -> dict[str, Any]:
    """The activation drop-down of an experiment demo; sigmoid first shown when present."""
    keys = [a["key"] for a in activations]
    return {
        "id": "activation",
        "type": "select",
        "label": "Activation",
        "options": [{"value": a["key"], "label": a["name"]} for a in activations],
        "default": "sigmoid" if "sigmoid" in keys else keys[0],
    }


def vanishing_spec(results: dict[str, Any]) -> dict[str, Any]:
    """The vanishing-gradients demo from the gradient-flow experiment's JSON."""
    keys = [a["key"] for a in results["activations"]]
    depths = [int(d) for d in results["depths"]]
    default_depth = int(results["depth"]) if int(results["depth"]) in depths else depths[-1]
    controls = [
        _activation_select(results["activations"]),
        {
            "id": "depth",
            "type": "range",
            "label": "Depth (layers)",
            "options": [{"value": str(d), "label": str(d)} for d in depths],
            "default": str(default_depth),
        },
        {"id": "reference", "type": "toggle", "label": f"Compare with {catalog.get(REFERENCE_KEY).name}", "default": True, "roles": ["reference"]},
        {"id": "bound", "type": "toggle", "label": "If only the slope counted", "default": False, "roles": ["bound"]},
    ]
    tree = {
        "control": "activation",
        "states": {
            key: {"control": "depth", "states": {str(d): vanishing_state(results, key, d) for d in depths}}
            for key in keys
        },
    }
    # The range holds every measured norm; a slope-only line may leave it (SELU's grows).
    every = [v for key in keys for d in depths for v in results["gradient_norms"][key][str(d)]]
    layout = {
        "xaxis": _axis("layer (1 = input side)", range=[0.5, max(depths) + 0.5], zeroline=False),
        "yaxis": _axis("weight-gradient norm (log scale)", type="log", range=_log_range(every), exponentformat="power", zeroline=False),
        "hovermode": "x",
    }
    return figure_spec("vanishing-gradients", controls=controls, tree=tree, styles=VANISHING_STYLES, layout=layout)


VANISHING_CAPTION = (
    "**{title}.** Pick an activation and slide the depth: each point is the norm of the "
    "gradient that autograd delivered to one layer's weights in a real {width}-unit-wide "
    "MLP (PyTorch's default initialisation, one batch of standard-normal input, the same "
    "weights for every activation). The vertical axis is logarithmic: every step down is "
    "ten times less gradient. *If only the slope counted* draws what multiplying by the "
    "activation's largest slope once per layer would leave; {comparison}"
)


def slope_only_comparison(results: dict[str, Any]) -> str:
    """How the network compares with the slope-only estimate, checked on every activation and depth."""
    below = all(
        norms[0] <= norms[-1] * catalog.get(key).properties.max_grad ** (len(norms) - 1)
        for key, by_depth in results["gradient_norms"].items()
        for norms in by_depth.values()
    )
    if below:
        return (
            "at every depth and with every activation the real network keeps less than that, "
            "because the gradient also passes through the weights."
        )
    return "the real network differs from it, because the gradient also passes through the weights."


# ------------------------------------------------------------------------ distributions

DISTRIBUTION_STYLES: dict[str, dict[str, Any]] = {
    "histogram": {
        "type": "bar",
        "name": "outputs",
        "marker": {"line": {"width": 0}},
        "hovertemplate": "f(x) \u2248 %{x:.3g}<br>%{y:.2f}% of samples<extra></extra>",
    },
    "zero": {
        "type": "bar",
        "name": "exactly 0",
        "marker": {"line": {"width": 0}},
        "hovertemplate": "f(x) = 0 exactly<br>%{y:.2f}% of samples<extra></extra>",
    },
}


def distribution_state(results: dict[str, Any], key: str, scale: str) -> dict[str, Any]:
    """One (activation, input scale): the output histogram in %, the zero spike and the statistics."""
    names = {a["key"]: a["name"] for a in results["activations"]}
    r = results["results"][key][scale]
    edges, counts = r["edges"], r["counts"]
    width = (edges[-1] - edges[0]) / len(counts)
    bars = [100 * c for c in counts]
    top = 1.15 * max(bars + [1e-9])
    zero = 100 * r["frac_zero"]
    data = [
        {"meta": {"role": "histogram"}, "x0": edges[0] + width / 2, "dx": width, "width": width, "y": bars},
        # Half a bin wide, just left of 0: it never hides the first bin of a ReLU-like output.
        {"meta": {"role": "zero"}, "x": [0], "y": [zero], "width": [width / 2], "offset": [-width / 2], "showlegend": zero > 0},
    ]
    layout: dict[str, Any] = {
        "xaxis": {"range": [edges[0] - width, edges[-1] + width]},
        "yaxis": {"range": [0, top]},
        "annotations": [],
    }
    if zero > 0:
        layout["annotations"].append(
            {
                "x": 0,
                "y": min(zero, top),
                "yanchor": "top" if zero > top else "bottom",
                "xanchor": "left",
                "xshift": 4,
                "showarrow": False,
                "text": f"exactly 0: {format_percent(r['frac_zero'])}" + (" \u2191" if zero > top else ""),
            }
        )
    threshold = format_number(results["saturation_threshold"])
    summary = (
        f"{names[key]}, input standard deviation {scale}: outputs have mean {format_number(r['mean'], 3)} and "
        f"standard deviation {format_number(r['std'], 3)}; {format_percent(r['frac_zero'])} are exactly zero and "
        f"{format_percent(r['frac_saturated'])} of the inputs are saturated."
    )
    table = [
        ["Mean", format_number(r["mean"], 3)],
        ["Standard deviation", format_number(r["std"], 3)],
        ["Exactly zero", format_percent(r["frac_zero"])],
        [f"Saturated (|f\u2032| < {threshold})", format_percent(r["frac_saturated"])],
    ]
    return {"data": data, "layout": layout, "summary": summary, "table": table}


def distributions_spec(results: dict[str, Any]) -> dict[str, Any]:
    """The distribution-effects demo from the distributions experiment's JSON."""
    keys = [a["key"] for a in results["activations"]]
    scales = list(results["results"][keys[0]])
    controls = [
        _activation_select(results["activations"]),
        {
            "id": "scale",
            "type": "range",
            "label": "Input scale (std of x)",
            "options": [{"value": s, "label": s} for s in scales],
            "default": "1" if "1" in scales else scales[0],
        },
    ]
    tree = {
        "control": "activation",
        "states": {
            key: {"control": "scale", "states": {s: distribution_state(results, key, s) for s in scales}}
            for key in keys
        },
    }
    layout = {
        "xaxis": _axis("output f(x)", zeroline=False),
        "yaxis": _axis("share of samples (%)", zeroline=False),
        "bargap": 0,
        "barmode": "overlay",
    }
    return figure_spec("distributions", controls=controls, tree=tree, styles=DISTRIBUTION_STYLES, layout=layout)


DISTRIBUTIONS_CAPTION = (
    "**{title}.** Pick an activation and slide the scale of its input: {samples} samples "
    "of a normal variable with that standard deviation went through PyTorch's function at "
    "build time. The bars show where the outputs land; a separate bar counts the outputs "
    "that are exactly zero, and the table below the chart gives the statistics. "
    "*Saturated* inputs are those where the derivative is below {threshold}."
)


# ------------------------------------------------------------------------ fragments


def fragment(name: str, static: str, caption: str, root: str = SERVED_ROOT) -> str:
    """The Markdown a page includes for demo ``name``.

    A container ``div.actdocs-demo`` with ``data-src`` (the JSON, relative to the site
    root) holding ``static``, the Markdown of the static figure (light and dark images
    with alt text: shown until demos.js has drawn the live chart, and for good without
    JavaScript), and the caption, which ends with a link to the JSON. MkDocs rewrites
    that link relative to the including page and ``--strict`` checks it; demos.js
    fetches the data from it.
    """
    return (
        f'<div class="actdocs-demo" data-demo="{name}" data-src="{root}/{data_path(name)}" markdown>\n'
        f'<div class="actdocs-demo__static" markdown>\n\n{static.strip()}\n\n</div>\n\n'
        f"{caption.strip()} [The data behind this demo (JSON)]({root}/{data_path(name)}){{ .actdocs-demo__data }}\n"
        f"{{ .actdocs-demo__caption }}\n\n"
        f"</div>\n"
    )


EXPLORER_CAPTION = (
    "**{title}.** Pick an activation, switch its derivative (dashed) on or off, and move "
    "the slider of the ones with a parameter. The shaded band is where the derivative is "
    "below {threshold}: gradients passing through there all but vanish. Every curve was "
    "computed with PyTorch's own function in float64, and every derivative with autograd, "
    "when this site was built."
)


def explorer_fragment() -> str:
    """The explorer's fragment; its static figure is the overview of every activation."""
    static = image_pair(overview_alt_text(), figure_path("overview", "{theme}"))
    caption = EXPLORER_CAPTION.format(title=DEMOS["explorer"], threshold=format_number(SATURATION_THRESHOLD))
    return fragment("explorer", static, caption)


# ------------------------------------------------------------------------ artifacts


def _make_explorer(out: Path, ctx: Context) -> None:
    write_text(out, data_path("explorer"), dumps(explorer_spec()))
    write_text(out, fragment_path("explorer"), explorer_fragment())


def _experiment_json(ctx: Context, demo: str) -> dict[str, Any]:
    return json.loads((ctx.cache / experiment_data_path(EXPERIMENT_OF[demo])).read_text(encoding="utf-8"))


def _experiment_figure(ctx: Context, demo: str) -> str:
    """The experiment's own figure fragment (light and dark images with alt text): the demo's static form."""
    return (ctx.cache / experiment_fragment_path(EXPERIMENT_OF[demo], "figure")).read_text(encoding="utf-8")


def vanishing_fragment(results: dict[str, Any], static: str) -> str:
    caption = VANISHING_CAPTION.format(
        title=DEMOS["vanishing-gradients"], width=results["params"]["width"], comparison=slope_only_comparison(results)
    )
    return fragment("vanishing-gradients", static, caption)


def distributions_fragment(results: dict[str, Any], static: str) -> str:
    caption = DISTRIBUTIONS_CAPTION.format(
        title=DEMOS["distributions"],
        samples=f"{results['samples']:,}".replace(",", "\u202f"),
        threshold=format_number(results["saturation_threshold"]),
    )
    return fragment("distributions", static, caption)


def _make_vanishing(out: Path, ctx: Context) -> None:
    results = _experiment_json(ctx, "vanishing-gradients")
    write_text(out, data_path("vanishing-gradients"), dumps(vanishing_spec(results)))
    write_text(out, fragment_path("vanishing-gradients"), vanishing_fragment(results, _experiment_figure(ctx, "vanishing-gradients")))


def _make_distributions(out: Path, ctx: Context) -> None:
    results = _experiment_json(ctx, "distributions")
    write_text(out, data_path("distributions"), dumps(distributions_spec(results)))
    write_text(out, fragment_path("distributions"), distributions_fragment(results, _experiment_figure(ctx, "distributions")))


def _experiment_reads(demo: str) -> tuple[str, ...]:
    name = EXPERIMENT_OF[demo]
    return (experiment_data_path(name), experiment_fragment_path(name, "figure"))


def artifacts() -> list[Artifact]:
    """``demo-explorer``, ``demo-vanishing-gradients`` and ``demo-distributions``.

    The last two read the experiments' JSON and figure fragments (``reads``), so new
    results remake them; list them after :func:`actdocs.experiments.artifacts`.
    """
    return [
        Artifact(
            name="demo-explorer",
            outputs=(data_path("explorer"), fragment_path("explorer")),
            make=_make_explorer,
            module=MODULE,
        ),
        Artifact(
            name="demo-vanishing-gradients",
            outputs=(data_path("vanishing-gradients"), fragment_path("vanishing-gradients")),
            make=_make_vanishing,
            module=MODULE,
            reads=_experiment_reads("vanishing-gradients"),
        ),
        Artifact(
            name="demo-distributions",
            outputs=(data_path("distributions"), fragment_path("distributions")),
            make=_make_distributions,
            module=MODULE,
            reads=_experiment_reads("distributions"),
        ),
    ]
