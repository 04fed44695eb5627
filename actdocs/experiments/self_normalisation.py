"""Self-normalisation: mean and variance of the activations through a deep network.

A stack of ``depth`` blocks ``Linear(width, width) -> activation`` receives a batch of
standard-normal input (mean 0, variance 1). After every block the experiment records
the mean and the variance of the block's outputs, over every unit and example. SELU,
ReLU and tanh each run with two initialisations:

* ``lecun``: weights from N(0, 1/fan_in), zero biases (LeCun normal; what SELU's
  fixed point at mean 0, variance 1 assumes);
* ``default``: PyTorch's ``nn.Linear`` initialisation (uniform, variance 1/(3 fan_in),
  non-zero biases).

The activations of one seed see the same input, and runs with the same init the same
weights. A layer counts as *normalised* when ``|mean| <= mean_tolerance`` and
``|variance - 1| <= var_tolerance``; ``kept`` is the number of consecutive normalised
layers from the first.

JSON (``data/experiments/self-normalisation.json``), besides the common header::

    depth: 32, width: 128, batch: 1024
    mean_tolerance: 0.1, var_tolerance: 0.25
    configurations: [{"name": "selu-lecun", "key": "selu", "init": "lecun",
                      "label": "SELU, LeCun normal"}, ...]
    layers: {name: {"mean": [depth floats], "var": [depth floats], "kept": int}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import torch

from actdocs import catalog
from actdocs.engine.artifact import Artifact
from actdocs.experiments.networks import mlp
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic, randn
from actdocs.render.numbers import format_number, format_sig
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table

MODULE = "actdocs.experiments.self_normalisation"
NAME = "self-normalisation"

KEYS: tuple[str, ...] = ("selu", "relu", "tanh")
INITS: tuple[str, ...] = ("lecun", "default")
INIT_NAMES = {"lecun": "LeCun normal", "default": "PyTorch default"}
DEPTH = 32
WIDTH = 128
BATCH = 1024
MEAN_TOLERANCE = 0.1
VAR_TOLERANCE = 0.25
#: Layers the table shows.
TABLE_LAYERS: tuple[int, ...] = (1, 8, 16, 32)

FIGSIZE = (9.0, 4.0)


def kept(means: Sequence[float], variances: Sequence[float], mean_tol: float, var_tol: float) -> int:
    """Consecutive layers from the first with |mean| <= mean_tol and |var - 1| <= var_tol."""
    count = 0
    for m, v in zip(means, variances):
        if abs(m) > mean_tol or abs(v - 1) > var_tol:
            break
        count += 1
    return count


@torch.no_grad()
def _trace(key: str, init: str, depth: int, width: int, batch: int, seed: int, device: str) -> dict[str, list[float]]:
    with deterministic(seed, device) as gen:
        x = randn((batch, width), gen, device=device)
        net = mlp(key, [width] * (depth + 1), last_activation=True, init=init, device=device)
        means, variances = [], []
        h = x
        for i in range(0, len(net), 2):
            h = net[i + 1](net[i](h))
            means.append(float(h.mean()))
            variances.append(float(h.var(correction=0)))
    return {"mean": means, "var": variances}


def run(
    keys: Sequence[str] = KEYS,
    inits: Sequence[str] = INITS,
    depth: int = DEPTH,
    width: int = WIDTH,
    batch: int = BATCH,
    mean_tolerance: float = MEAN_TOLERANCE,
    var_tolerance: float = VAR_TOLERANCE,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Per-layer mean and variance for every (activation, init) pair."""
    params = {"keys": list(keys), "inits": list(inits), "depth": depth, "width": width, "batch": batch,
              "mean_tolerance": mean_tolerance, "var_tolerance": var_tolerance, "dtype": "float32"}
    configurations = [
        {"name": f"{k.replace('_', '-')}-{i}", "key": k, "init": i,
         "label": f"{catalog.get(k).name}, {INIT_NAMES.get(i, i)}"}
        for i in inits for k in keys
    ]
    layers = {}
    for c in configurations:
        trace = _trace(c["key"], c["init"], depth, width, batch, seed, device)
        trace["kept"] = kept(trace["mean"], trace["var"], mean_tolerance, var_tolerance)
        layers[c["name"]] = trace
    return {
        **header(NAME, params, seed, device),
        "depth": depth, "width": width, "batch": batch,
        "mean_tolerance": mean_tolerance, "var_tolerance": var_tolerance,
        "configurations": configurations,
        "layers": layers,
    }


# ------------------------------------------------------------------ rendering


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Mean (left) and variance (right, log scale) per layer; colour = activation, dash = init."""
    keys = list(dict.fromkeys(c["key"] for c in results["configurations"]))
    inits = list(dict.fromkeys(c["init"] for c in results["configurations"]))
    dashes = dict(zip(inits, ("-", "--", ":", "-.")))
    depth = results["depth"]
    with use_theme(theme) as t:
        colours = dict(zip(keys, t.cycle))
        fig = new_figure(*FIGSIZE)
        ax_mean, ax_var = fig.subplots(1, 2)
        band = dict(color=t.grid, alpha=0.6, linewidth=0, zorder=0)
        ax_mean.axhspan(-results["mean_tolerance"], results["mean_tolerance"], **band)
        ax_var.axhspan(1 - results["var_tolerance"], 1 + results["var_tolerance"], **band)
        layers = range(1, depth + 1)
        for c in results["configurations"]:
            r = results["layers"][c["name"]]
            style = dict(color=colours[c["key"]], linestyle=dashes[c["init"]], linewidth=1.7, label=c["label"])
            ax_mean.plot(layers, r["mean"], **style)
            ax_var.plot(layers, r["var"], **style)
        ax_var.set_yscale("log")
        ax_mean.set_title("mean of the activations", fontsize=11)
        ax_var.set_title("variance of the activations", fontsize=11)
        for ax in (ax_mean, ax_var):
            ax.set_xlabel("layer")
            ax.set_xlim(1, depth)
        handles, labels = ax_mean.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, handlelength=2.6)
        return save_svg(fig, path)


def alt_text(results: dict[str, Any]) -> str:
    """The figure's alt text, with how many layers each configuration stays normalised."""
    depth = results["depth"]
    parts = [
        f"Two line charts over the {depth} layers of a deep MLP: the mean and, on a log scale, the "
        f"variance of each layer's activations. Shaded bands mark mean within "
        f"{format_number(results['mean_tolerance'])} of 0 and variance within "
        f"{format_number(results['var_tolerance'])} of 1."
    ]
    for c in results["configurations"]:
        r = results["layers"][c["name"]]
        parts.append(
            f"{c['label']}: normalised for {r['kept']} of {depth} layers, variance "
            f"{format_sig(r['var'][-1], 2)} at layer {depth}."
        )
    return " ".join(parts)


def table(results: dict[str, Any]) -> str:
    """Configuration | variance at a few layers | mean at the last | layers kept normalised."""
    depth = results["depth"]
    shown = [layer for layer in TABLE_LAYERS if layer <= depth]
    headers = ["Configuration", *(f"Variance, layer {layer}" for layer in shown),
               f"Mean, layer {depth}", "Layers normalised"]
    rows = []
    for c in results["configurations"]:
        r = results["layers"][c["name"]]
        rows.append([
            c["label"],
            *(format_sig(r["var"][layer - 1], 3) for layer in shown),
            format_sig(r["mean"][-1], 2),
            f"{r['kept']} of {depth}",
        ])
    return markdown_table(headers, rows, ["left", *["right"] * (len(headers) - 1)])


def summary_fragment(results: dict[str, Any]) -> str:
    """Sentences with the numbers the page quotes."""
    depth = results["depth"]
    by = {(c["key"], c["init"]): (c, results["layers"][c["name"]]) for c in results["configurations"]}
    sentences = []
    if ("selu", "lecun") in by:
        _, r = by[("selu", "lecun")]
        sentences.append(
            f"With LeCun-normal weights, SELU's activations stay normalised (mean within "
            f"{format_number(results['mean_tolerance'])} of 0, variance within "
            f"{format_number(results['var_tolerance'])} of 1) for {r['kept']} of {depth} layers; "
            f"at layer {depth} the mean is {format_number(r['mean'][-1], 3)} and the variance "
            f"{format_number(r['var'][-1], 3)}."
        )
    for key in ("tanh", "relu"):
        if (key, "lecun") in by:
            c, r = by[(key, "lecun")]
            sentences.append(
                f"{catalog.get(key).name} with the same weights is normalised for {r['kept']} layers: "
                f"its variance is {format_number(r['var'][0], 3)} after the first layer and "
                f"{format_sig(r['var'][-1], 2)} after layer {depth}."
            )
    if ("selu", "default") in by:
        _, r = by[("selu", "default")]
        sentences.append(
            f"SELU needs its initialisation: with PyTorch's default init its variance is "
            f"{format_sig(r['var'][-1], 2)} at layer {depth}, normalised for {r['kept']} layers."
        )
    return " ".join(sentences) + "\n"


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text)},
    tables={"": table},
    texts={"summary": summary_fragment},
)


PARAMS: dict[str, Any] = {
    "keys": list(KEYS), "inits": list(INITS), "depth": DEPTH, "width": WIDTH, "batch": BATCH,
    "mean_tolerance": MEAN_TOLERANCE, "var_tolerance": VAR_TOLERANCE, "seed": 0,
}


def artifacts() -> list[Artifact]:
    """``experiment-self-normalisation``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
