"""Distribution effects: what each activation does to standard-normal pre-activations.

``samples`` draws of a standard-normal variable ``z`` (float32, one seeded draw shared
by every activation and scale) are scaled to ``x = scale * z`` for each scale and pushed
through every element-wise activation of the catalog (its PyTorch implementation,
``record(x)``). For each (activation, scale) the experiment records

* a histogram with fixed bins: ``bins`` equal bins spanning the activation's output over
  ``x`` in ``[-4 scale, 4 scale]`` (its minimum and maximum on a fine float64 grid, so
  the edges depend on the function and the scale, never on the sample);
* the mean and standard deviation of the outputs;
* the fraction of outputs exactly zero (in float32: ReLU's negative half, but also
  values that underflow, like GELU far below zero);
* the fraction saturated: inputs in the record's saturation set
  (:func:`actdocs.measure.properties.saturated`, the site's one definition: a stretch at least
  ``catalog.MIN_FLAT_WIDTH`` wide where ``|f'| < catalog.SATURATION_THRESHOLD``), so a
  sample near a point where f' only passes through zero (GELU's minimum) is not counted.

JSON (``data/experiments/distributions.json``), besides the common header::

    activations: [{"key", "name"}, ...]
    scales: [0.25, 0.5, 1, 2, 4, 8]
    samples: 100000, bins: 50, saturation_threshold: 0.01
    zero_below: {key: largest x <= 0 with f(x') == 0 in float32 for every x' in [-40, x],
                 or null}             # 0 for ReLU; about -5.5 for GELU (float32 rounding)
    results: {key: {scale_key: {
        "edges": [bins + 1 floats],
        "counts": [bins floats],   # fraction of ALL samples that are non-zero and fall in
                                   # [edges[i], edges[i+1]) (last bin closed)
        "frac_below", "frac_above",  # outside the edges (|x| > 4 scale), fractions
        "frac_zero", "frac_saturated", "mean", "std"}}}
    # scale_key is f"{scale:g}": "0.25", "0.5", "1", "2", "4", "8"
    # sum(counts) + frac_zero + frac_below + frac_above == 1 (up to rounding)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import torch

from actdocs import catalog
from actdocs.measure import properties
from actdocs.engine.artifact import Artifact
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic, randn
from actdocs.render.numbers import format_number, format_percent
from actdocs.render.palette import series_styles
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table

MODULE = "actdocs.experiments.distributions"
NAME = "distributions"

#: Every element-wise record of the catalog.
KEYS: tuple[str, ...] = tuple(a.key for a in catalog.ACTIVATIONS if a.elementwise)
SCALES: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
SAMPLES = 100_000
BINS = 50
#: The histogram spans the output over |x| <= SPAN * scale.
SPAN = 4.0
#: Where :func:`zero_below` starts its scan.
ZERO_SCAN_FROM = -40.0
#: Points of the float64 grid that fixes the bin edges.
EDGE_GRID = 8001
#: The scale drawn as small multiples, and the columns of that figure.
FIGURE_SCALE = 1.0
COLUMNS = 5

PANEL = (1.9, 1.45)
SATURATION_FIGSIZE = (7.5, 4.2)


def scale_key(scale: float) -> str:
    """The JSON key of a scale: "0.25", "1", "8"."""
    return f"{scale:g}"


def edges_for(key: str, scale: float, bins: int = BINS) -> torch.Tensor:
    """Fixed bin edges: ``bins`` equal bins over f's range on ``[-SPAN scale, SPAN scale]``."""
    x = torch.linspace(-SPAN * scale, SPAN * scale, EDGE_GRID, dtype=torch.float64)
    y = catalog.get(key)(x)
    lo, hi = float(y.min()), float(y.max())
    if hi - lo < 1e-12:  # a constant output would give empty bins
        lo, hi = lo - 0.5, hi + 0.5
    return torch.linspace(lo, hi, bins + 1, dtype=torch.float64)


def zero_below(key: str) -> float | None:
    """The largest x <= 0 with f exactly zero in float32 on all of [ZERO_SCAN_FROM, x].

    Scanned on the float32 grid of step 1/1024 (exact binary fractions); None when
    f(ZERO_SCAN_FROM) is not zero. ReLU gives 0; GELU gives the point below which
    float32 rounds ``1 + erf(x / sqrt(2))`` to zero.
    """
    steps = round(-ZERO_SCAN_FROM * 1024)
    x = torch.arange(-steps, 1, dtype=torch.float32) / 1024
    zero = catalog.get(key)(x) == 0
    if not bool(zero[0]):
        return None
    nonzero = (~zero).nonzero()
    end = int(nonzero[0]) if len(nonzero) else len(x)
    return float(x[end - 1])


def _stats(key: str, x: torch.Tensor, edges: torch.Tensor) -> dict[str, Any]:
    record = catalog.get(key)
    with torch.no_grad():
        y = record(x)
    n = y.numel()
    y64 = y.to("cpu", torch.float64)
    nonzero = y64[y64 != 0]
    lo, hi = float(edges[0]), float(edges[-1])
    inside = nonzero[(nonzero >= lo) & (nonzero <= hi)]
    counts = torch.histogram(inside, bins=edges).hist
    return {
        "edges": edges.tolist(),
        "counts": (counts / n).tolist(),
        "frac_below": float((nonzero < lo).sum()) / n,
        "frac_above": float((nonzero > hi).sum()) / n,
        "frac_zero": float((y == 0).sum()) / n,
        "frac_saturated": float(properties.saturated(record, x).sum()) / n,
        "mean": float(y64.mean()),
        "std": float(y64.std(correction=0)),
    }


def run(
    keys: Sequence[str] = KEYS,
    scales: Sequence[float] = SCALES,
    samples: int = SAMPLES,
    bins: int = BINS,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Histograms and statistics of every activation's output at every input scale."""
    params = {"keys": list(keys), "scales": list(scales), "samples": samples, "bins": bins,
              "span": SPAN, "dtype": "float32"}
    results: dict[str, dict[str, Any]] = {}
    with deterministic(seed, device) as gen:
        z = randn((samples,), gen, device=device)
        for key in keys:
            results[key] = {
                scale_key(s): _stats(key, s * z, edges_for(key, s, bins)) for s in scales
            }
    return {
        **header(NAME, params, seed, device),
        "activations": [{"key": k, "name": catalog.get(k).name} for k in keys],
        "scales": list(scales),
        "samples": samples,
        "bins": bins,
        "saturation_threshold": catalog.SATURATION_THRESHOLD,
        "zero_below": {k: zero_below(k) for k in keys},
        "results": results,
    }


# ------------------------------------------------------------------ rendering


def _names(results: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["key"], a["name"]) for a in results["activations"]]


def draw_histograms(results: dict[str, Any], theme: str, path: Path, scale: float = FIGURE_SCALE) -> Path:
    """Small multiples: each activation's output density at one input scale."""
    names = _names(results)
    rows = math.ceil(len(names) / COLUMNS)
    sk = scale_key(scale)
    with use_theme(theme) as t:
        fig = new_figure(PANEL[0] * COLUMNS, PANEL[1] * rows + 0.3)
        axes = fig.subplots(rows, COLUMNS, squeeze=False).ravel()
        for ax, (key, name) in zip(axes, names):
            r = results["results"][key][sk]
            edges = r["edges"]
            density = [c / (b - a) for c, a, b in zip(r["counts"], edges[:-1], edges[1:])]
            ax.stairs(density, edges, fill=True, color=t.function, alpha=0.85)
            ax.set_title(name, fontsize=9)
            ax.tick_params(labelsize=7, length=0, pad=2)
            ax.set_yticks([])
            ax.grid(False)
            if r["frac_zero"] > 0.001:
                ax.text(0.97, 0.92, f"exactly 0: {format_percent(r['frac_zero'], 2)}", transform=ax.transAxes,
                        ha="right", va="top", fontsize=7, color=t.derivative)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.suptitle(f"Output density for x ~ N(0, {format_number(scale ** 2)})", fontsize=11, color=t.foreground)
        return save_svg(fig, path)


def draw_saturation(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Fraction of saturated inputs against the input scale, one line per saturating activation."""
    names = [(k, n) for k, n in _names(results)
             if any(results["results"][k][scale_key(s)]["frac_saturated"] > 0 for s in results["scales"])]
    with use_theme(theme) as t:
        fig = new_figure(*SATURATION_FIGSIZE)
        ax = fig.add_subplot()
        for (key, name), style in zip(names, series_styles(t, len(names))):
            ys = [100 * results["results"][key][scale_key(s)]["frac_saturated"] for s in results["scales"]]
            ax.plot(results["scales"], ys, marker="o", markersize=3.5, linewidth=1.6, label=name, **style)
        ax.set_xscale("log", base=2)
        ax.set_xticks(results["scales"], [format_number(s) for s in results["scales"]])
        ax.set_xlabel("input scale (standard deviation of x)")
        ax.set_ylabel("saturated inputs (%)")
        ax.set_ylim(0, 100)
        fig.legend(loc="outside right upper", frameon=False, fontsize=8)
        return save_svg(fig, path)


def alt_histograms(results: dict[str, Any], scale: float = FIGURE_SCALE) -> str:
    sk = scale_key(scale)
    zeros = [n for k, n in _names(results) if results["results"][k][sk]["frac_zero"] > 0.001]
    text = (
        f"Small multiples of histograms: the output distribution of each of the "
        f"{len(results['activations'])} element-wise activations for standard-normal input "
        f"scaled to standard deviation {format_number(scale)}."
    )
    if zeros:
        text += f" Panels for {', '.join(zeros)} note the share of outputs that are exactly zero."
    return text


def alt_saturation(results: dict[str, Any]) -> str:
    last = scale_key(results["scales"][-1])
    first = scale_key(results["scales"][0])
    parts = []
    for key in ("sigmoid", "tanh"):
        if key in results["results"]:
            r = results["results"][key]
            parts.append(
                f"{catalog.get(key).name} rises from {format_percent(r[first]['frac_saturated'])} at "
                f"scale {first} to {format_percent(r[last]['frac_saturated'])} at scale {last}"
            )
    return (
        "Line chart of the share of inputs in the saturated region, where |f′| stays "
        f"below {format_number(results['saturation_threshold'])} over a stretch of x, against the "
        "input scale, one line per activation that saturates. " + "; ".join(parts) + "."
    )


def stats_table(results: dict[str, Any], scale: float = FIGURE_SCALE) -> str:
    """Activation | mean | std | exactly zero | saturated, at one scale."""
    sk = scale_key(scale)
    rows = []
    for key, name in _names(results):
        r = results["results"][key][sk]
        rows.append([name, format_number(r["mean"], 3), format_number(r["std"], 3),
                     format_percent(r["frac_zero"]), format_percent(r["frac_saturated"])])
    return markdown_table(["Activation", "Mean", "Std", "Exactly zero", "Saturated"], rows,
                          ["left", "right", "right", "right", "right"])


def saturation_table(results: dict[str, Any]) -> str:
    """Activation | saturated share at each scale."""
    headers = ["Activation / input std", *(format_number(s) for s in results["scales"])]
    rows = [
        [name, *(format_percent(results["results"][key][scale_key(s)]["frac_saturated"]) for s in results["scales"])]
        for key, name in _names(results)
    ]
    return markdown_table(headers, rows, ["left", *["right"] * len(results["scales"])])


def summary_fragment(results: dict[str, Any]) -> str:
    """A few sentences with the numbers the page discusses."""
    res = results["results"]
    one, last = scale_key(FIGURE_SCALE), scale_key(results["scales"][-1])
    sentences = []
    if "sigmoid" in res and "tanh" in res:
        sentences.append(
            f"At scale 1, sigmoid's outputs average {format_number(res['sigmoid'][one]['mean'], 3)} "
            f"(never zero-centred) while tanh's average {format_number(res['tanh'][one]['mean'], 3)}. "
            f"At scale {last}, {format_percent(res['sigmoid'][last]['frac_saturated'])} of sigmoid's "
            f"inputs and {format_percent(res['tanh'][last]['frac_saturated'])} of tanh's are "
            f"[saturated](glossary.md#saturated), where |f′| stays below "
            f"{format_number(results['saturation_threshold'])}: their outputs pile "
            f"up at the ends of the range and the gradient through them is almost gone."
        )
    if "relu" in res and "gelu" in res:
        sentences.append(
            f"ReLU outputs exactly zero for {format_percent(res['relu'][one]['frac_zero'])} of the "
            f"inputs at every scale, and its derivative is zero there too. GELU "
            + (
                "has no exact zeros at scale 1"
                if res["gelu"][one]["frac_zero"] == 0
                else f"is exactly zero for {format_percent(res['gelu'][one]['frac_zero'])} at scale 1"
            )
            + f", but {format_percent(res['gelu'][last]['frac_zero'])} of its outputs are exactly zero at "
            f"scale {last}, for a reason of "
            f"arithmetic rather than design: PyTorch computes it as "
            f"$\\tfrac{{x}}{{2}}\\bigl(1 + \\operatorname{{erf}}(x/\\sqrt{{2}})\\bigr)$, and in float32 the "
            f"bracket cancels to exactly 0: every x below "
            f"{format_number(results['zero_below']['gelu'], 2)} gives 0."
        )
    if "selu" in res:
        sentences.append(
            f"SELU maps standard-normal input to mean {format_number(res['selu'][one]['mean'], 3)} and "
            f"standard deviation {format_number(res['selu'][one]['std'], 3)}: the fixed point its "
            f"constants were chosen for."
        )
    return " ".join(sentences) + "\n"


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw_histograms, alt_histograms), "saturation": (draw_saturation, alt_saturation)},
    tables={"": stats_table, "saturation": saturation_table},
    texts={"summary": summary_fragment},
)


PARAMS: dict[str, Any] = {"keys": list(KEYS), "scales": list(SCALES), "samples": SAMPLES, "bins": BINS, "seed": 0}


def artifacts() -> list[Artifact]:
    """``experiment-distributions``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
