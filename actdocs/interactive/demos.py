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
    is saturated (:func:`actdocs.measure.properties.saturated_within`) shaded, and a
    slider for the parameter of the records that have one (the record's ``slider``). Every
    curve is computed here with the catalog's PyTorch functionals in float64 and its
    derivative with autograd (:func:`actdocs.produce.curves.curves`, the same samples as the
    static figures).
``vanishing-gradients``
    The gradient norm reaching each layer of a real network (log scale), per activation
    and depth, read from :mod:`actdocs.experiments.gradient_flow`'s JSON.
``distributions``
    The histogram of an activation's outputs and their statistics for standard-normal
    inputs at several scales, read from :mod:`actdocs.experiments.distributions`' JSON.

The JSON format (``schema`` :data:`actdocs.interactive.demo_spec.SCHEMA`, written by :mod:`actdocs.interactive.demo_spec`) is a plotly figure plus one key:

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

The explorer is built in :mod:`actdocs.interactive.explorer`; this module builds the two demos
that read the experiments, and every demo artifact.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable

from actdocs import paths
from actdocs import catalog
from actdocs.engine.artifact import Artifact, Context
from actdocs.interactive.demo_spec import DEMOS, _axis, dumps, figure_spec, fragment
from actdocs.interactive.explorer import explorer_fragment, explorer_spec
from actdocs.render.markdown import write_text
from actdocs.render.numbers import format_number, format_percent, format_sig, superscript

MODULE = "actdocs.interactive.demos"

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
    "[Saturated](glossary.md#saturated) inputs lie where |f′| stays below {threshold} "
    "over a stretch of x, as in the property tables."
)


# ------------------------------------------------------------------------ artifacts


def _make_explorer(out: Path, ctx: Context) -> None:
    write_text(out, paths.demo_data("explorer"), dumps(explorer_spec()))
    write_text(out, paths.demo_fragment("explorer"), explorer_fragment())


def _experiment_json(ctx: Context, demo: str) -> dict[str, Any]:
    return json.loads((ctx.cache / paths.experiment_data(EXPERIMENT_OF[demo])).read_text(encoding="utf-8"))


def _experiment_figure(ctx: Context, demo: str) -> str:
    """The experiment's own figure fragment (light and dark images with alt text): the demo's static form."""
    return (ctx.cache / paths.experiment_fragment(EXPERIMENT_OF[demo], "figure")).read_text(encoding="utf-8")


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
    write_text(out, paths.demo_data("vanishing-gradients"), dumps(vanishing_spec(results)))
    write_text(out, paths.demo_fragment("vanishing-gradients"), vanishing_fragment(results, _experiment_figure(ctx, "vanishing-gradients")))


def _make_distributions(out: Path, ctx: Context) -> None:
    results = _experiment_json(ctx, "distributions")
    write_text(out, paths.demo_data("distributions"), dumps(distributions_spec(results)))
    write_text(out, paths.demo_fragment("distributions"), distributions_fragment(results, _experiment_figure(ctx, "distributions")))


def _experiment_reads(demo: str) -> tuple[str, ...]:
    name = EXPERIMENT_OF[demo]
    return (paths.experiment_data(name), paths.experiment_fragment(name, "figure"))


def artifacts() -> list[Artifact]:
    """``demo-explorer``, ``demo-vanishing-gradients`` and ``demo-distributions``.

    The last two read the experiments' JSON and figure fragments (``reads``), so new
    results remake them; list them after :func:`actdocs.experiments.artifacts`.
    """
    return [
        Artifact(
            name="demo-explorer",
            outputs=(paths.demo_data("explorer"), paths.demo_fragment("explorer")),
            make=_make_explorer,
            module=MODULE,
        ),
        Artifact(
            name="demo-vanishing-gradients",
            outputs=(paths.demo_data("vanishing-gradients"), paths.demo_fragment("vanishing-gradients")),
            make=_make_vanishing,
            module=MODULE,
            reads=_experiment_reads("vanishing-gradients"),
        ),
        Artifact(
            name="demo-distributions",
            outputs=(paths.demo_data("distributions"), paths.demo_fragment("distributions")),
            make=_make_distributions,
            module=MODULE,
            reads=_experiment_reads("distributions"),
        ),
    ]
