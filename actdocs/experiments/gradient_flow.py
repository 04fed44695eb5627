"""Gradient flow: how much gradient reaches each layer of a deep MLP, per activation.

The network is a stack of blocks ``Linear(width, width) -> activation`` with PyTorch's
default ``nn.Linear`` initialisation (weights and biases uniform on
``(-1/sqrt(width), 1/sqrt(width))``). One batch of standard-normal input goes through
it; the loss is the sum of the last block's outputs averaged over the batch, so the
gradient arriving at the output is the same (1/batch per element) for every
activation. Autograd gives the gradient of each Linear layer's weight; its Frobenius
norm is "the gradient reaching that layer".

Every activation gets the same weights and the same input (both drawn from the same
seed): only the activation differs. The network of depth ``d`` is the first ``d``
blocks of one seeded stack of ``max(depths)`` blocks, with its own loss at block ``d``
and its own backward pass. The network runs in float32, as networks are trained;
norms are summed in float64, since squaring the deepest sigmoid gradients (around
1e-27 per weight) underflows float32 to a norm of exactly zero.

A second run at ``depth`` re-initialises the same stack with Kaiming (He) normal
weights, std sqrt(2 / fan_in), and zero biases, the initialisation designed for ReLU;
an activation of ``extra_inits`` is run once more with each of its own initialisations
(SELU with LeCun normal, std sqrt(1 / fan_in), the one its self-normalisation assumes).
The ``init`` figure puts each activation of :data:`INIT_PAIRS` under the default and
under its own initialisation side by side.

``bound`` compares the textbook's bound, 0.25 ** 10 for a 10-layer sigmoid network, with
the network: the gradient reaching the first layer's pre-activations relative to the
gradient arriving at the output, split per layer into the activation's part (how much
of the gradient norm survives multiplying by f'(z)) and the weights' part (how much
survives multiplying by W^T). The same split is measured for the ``bound`` activation
under each of ``bound_inits`` (the same seed, so the same input and, per initialisation,
the same draws): the bound counts slopes only, so the weights' part can break it.

JSON (``data/experiments/gradient-flow.json``), besides the common header
(see :mod:`actdocs.experiments`)::

    activations: [{"key": "sigmoid", "name": "Sigmoid"}, ...]     # order of lines
    depths: [2, 3, ..., 30]
    gradient_norms: {key: {"2": [g1, g2], ..., "30": [g1, ..., g30]}}
        # default init; for each depth d (string key) the weight-gradient norm of
        # layers 1..d, input layer first
    depth: 20
    at_depth: {key: {"default": [g1..g20], "kaiming": [g1..g20], ("lecun": [...] for selu)
                     "ratio_first_last": {"default": g1/g20, "kaiming": g1/g20, ...}}}
    bound: {"depth": 10, "max_slope": 0.25, "bound": 0.25**10,
            "activations": {key: {
                "input_gradient_ratio": |dL/dz_1| / |dL/dh_10|,
                "slope_factors": [s_1..s_10],     # |dL/dz_l| / |dL/dh_l|
                "weight_factors": [w_2..w_10],    # |dL/dh_(l-1)| / |dL/dz_l|
                "mean_slope": mean of f'(z) over every unit, example and layer,
                "pre_activation_std": std of z over the same,
                "geomean_slope_factor": ..., "geomean_weight_factor": ...}},
            "inits": {init: {"input_gradient_ratio": ..., "slope_product": prod(s_1..s_10),
                             "weight_product": prod(w_2..w_10)}}}   # the bound key only
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import torch

from actdocs import catalog
from actdocs.engine.artifact import Artifact
from actdocs.experiments.networks import linears, mlp
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic, randn
from actdocs.render.numbers import format_number, format_sig
from actdocs.render.palette import series_styles
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table

MODULE = "actdocs.experiments.gradient_flow"
NAME = "gradient-flow"

KEYS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish")
DEPTH = 20
DEPTHS: tuple[int, ...] = tuple(range(2, 31))
WIDTH = 128
BATCH = 256
DTYPE = "float32"
COMPARE_INIT = "kaiming"
#: Further initialisations per activation: each activation's own, where it is not Kaiming's.
EXTRA_INITS: dict[str, tuple[str, ...]] = {"selu": ("lecun",)}
#: The init figure: (activation, the initialisation designed for it), each also under the default.
INIT_PAIRS: tuple[tuple[str, str], ...] = (("relu", "kaiming"), ("selu", "lecun"))
#: What each initialisation is called on the page.
INIT_NAMES = {"default": "PyTorch default", "kaiming": "He (Kaiming) normal", "lecun": "LeCun normal",
              "xavier": "Glorot (Xavier) normal", "orthogonal": "orthogonal"}
#: A first-to-last gradient ratio within this factor of 1 counts as level: no vanishing.
LEVEL_FACTOR = 10.0
BOUND_DEPTH = 10
BOUND_KEY = "sigmoid"
#: The initialisations the bound is checked under: a bound on the gradient must survive each.
BOUND_INITS: tuple[str, ...] = ("default", "xavier", "kaiming", "orthogonal")

FIGSIZE = (9.0, 4.2)
INIT_FIGSIZE = (7.0, 3.8)


def _norm(t: torch.Tensor) -> float:
    """Frobenius norm, summed in float64 (float32 squares of 1e-27 underflow to 0)."""
    return float(t.detach().to(torch.float64).norm())


def _slopes(act: torch.nn.Module, z: torch.Tensor) -> torch.Tensor:
    """f'(z) element by element, by autograd through the activation module."""
    z = z.detach().requires_grad_(True)
    (dz,) = torch.autograd.grad(act(z).sum(), z)
    return dz


def _bound_split(acts: list[torch.nn.Module], zs: list[torch.Tensor], hs: list[torch.Tensor], b: int,
                 batch: int) -> dict[str, Any]:
    """The first ``b`` blocks' gradient from the output back to layer 1's pre-activations, split
    per layer into the activation's part and the weights' part."""
    g = torch.autograd.grad(hs[b - 1].sum() / batch, zs[:b] + hs[:b], retain_graph=True)
    g_z, g_h = g[:b], g[b:]
    slope = [_norm(g_z[l]) / _norm(g_h[l]) for l in range(b)]
    weight = [_norm(g_h[l - 1]) / _norm(g_z[l]) for l in range(1, b)]
    mean_slope = torch.cat([_slopes(acts[l], zs[l]).flatten() for l in range(b)]).mean()
    return {
        "input_gradient_ratio": _norm(g_z[0]) / _norm(g_h[b - 1]),
        "slope_factors": slope,
        "weight_factors": weight,
        "mean_slope": float(mean_slope),
        "pre_activation_std": float(torch.cat([z.detach().flatten() for z in zs[:b]]).std()),
        "geomean_slope_factor": math.exp(sum(map(math.log, slope)) / len(slope)),
        "geomean_weight_factor": math.exp(sum(map(math.log, weight)) / len(weight)),
    }


def _one(
    key: str, *, depths: Sequence[int], depth: int, width: int, batch: int,
    dtype: torch.dtype, compare_init: str, extra_inits: Sequence[str], bound_depth: int, seed: int, device: str,
    bound_inits: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything measured for one activation."""
    deepest = max(*depths, depth, bound_depth)
    result: dict[str, Any] = {}
    for init in dict.fromkeys(("default", compare_init, *extra_inits, *bound_inits)):
        with deterministic(seed, device) as gen:
            net = mlp(key, [width] * (deepest + 1), last_activation=True, init=init, dtype=dtype, device=device)
            x = randn((batch, width), gen, dtype=dtype, device=device)
            layers = linears(net)
            acts = [m for m in net if not isinstance(m, torch.nn.Linear)]
            zs, hs, h = [], [], x
            for lin, act in zip(layers, acts):
                z = lin(h)
                h = act(z)
                zs.append(z)
                hs.append(h)
            weights = [lin.weight for lin in layers]

            def grad_norms(d: int) -> list[float]:
                grads = torch.autograd.grad(hs[d - 1].sum() / batch, weights[:d], retain_graph=True)
                return [_norm(g) for g in grads]

            if init == "default":
                result["by_depth"] = {str(d): grad_norms(d) for d in depths}
                result["default"] = result["by_depth"].get(str(depth)) or grad_norms(depth)
                result["bound"] = _bound_split(acts, zs, hs, bound_depth, batch)
            elif init in (compare_init, *extra_inits):
                result[init] = grad_norms(depth)
            if init in bound_inits:
                split = result["bound"] if init == "default" else _bound_split(acts, zs, hs, bound_depth, batch)
                result.setdefault("bound_inits", {})[init] = {
                    "input_gradient_ratio": split["input_gradient_ratio"],
                    "slope_product": math.prod(split["slope_factors"]),
                    "weight_product": math.prod(split["weight_factors"]),
                }
            del zs, hs
    return result


def run(
    keys: Sequence[str] = KEYS,
    depth: int = DEPTH,
    depths: Sequence[int] = DEPTHS,
    width: int = WIDTH,
    batch: int = BATCH,
    dtype: str = DTYPE,
    compare_init: str = COMPARE_INIT,
    extra_inits: dict[str, Sequence[str]] | None = None,
    bound_depth: int = BOUND_DEPTH,
    seed: int = 0,
    device: str = "cpu",
    bound_inits: Sequence[str] = BOUND_INITS,
) -> dict[str, Any]:
    """Weight-gradient norms per layer, per activation and depth (see the module docstring)."""
    extra = {k: list(v) for k, v in (EXTRA_INITS if extra_inits is None else extra_inits).items() if k in keys}
    params = {
        "keys": list(keys), "depth": depth, "depths": list(depths), "width": width, "batch": batch,
        "dtype": dtype, "init": "default", "compare_init": compare_init, "extra_inits": extra,
        "bound_depth": bound_depth, "bound_inits": list(bound_inits),
        "loss": "sum of the last block's outputs / batch",
    }
    torch_dtype = getattr(torch, dtype)
    per_key = {
        key: _one(
            key, depths=depths, depth=depth, width=width, batch=batch, dtype=torch_dtype,
            compare_init=compare_init, extra_inits=extra.get(key, ()), bound_depth=bound_depth, seed=seed,
            device=device, bound_inits=bound_inits if key == BOUND_KEY else (),
        )
        for key in keys
    }
    max_slope = catalog.get(BOUND_KEY).properties.max_grad
    return {
        **header(NAME, params, seed, device),
        "activations": [{"key": k, "name": catalog.get(k).name} for k in keys],
        "depths": list(depths),
        "gradient_norms": {k: r["by_depth"] for k, r in per_key.items()},
        "depth": depth,
        "at_depth": {
            k: {
                **{init: r[init] for init in ("default", compare_init, *extra.get(k, ()))},
                "ratio_first_last": {
                    init: r[init][0] / r[init][-1] for init in ("default", compare_init, *extra.get(k, ()))
                },
            }
            for k, r in per_key.items()
        },
        "bound": {
            "key": BOUND_KEY,
            "depth": bound_depth,
            "max_slope": max_slope,
            "bound": max_slope**bound_depth,
            "activations": {k: r["bound"] for k, r in per_key.items()},
            "inits": {init: per_key[BOUND_KEY]["bound_inits"][init] for init in bound_inits} if BOUND_KEY in per_key
            else {},
        },
    }


# ------------------------------------------------------------------ rendering


def _names(results: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["key"], a["name"]) for a in results["activations"]]


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Gradient norm per layer at ``depth``, log scale: default init (left), the other (right)."""
    compare = results["params"]["compare_init"]
    depth = results["depth"]
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        axes = fig.subplots(1, 2)
        styles = series_styles(t, len(results["activations"]))
        titles = {"default": "PyTorch default init", compare: f"{compare.capitalize()} (He) normal init"}
        for ax, init in zip(axes, ("default", compare)):
            for (key, name), style in zip(_names(results), styles):
                norms = results["at_depth"][key][init]
                ax.plot(range(1, depth + 1), norms, label=name, linewidth=1.6, **style)
            ax.set_yscale("log")
            ax.set_title(titles[init], fontsize=11)
            ax.set_xlabel("layer (1 = input side)")
            ax.set_xlim(1, depth)
            ax.set_xticks([1, *range(5, depth + 1, 5)])
        axes[0].set_ylabel("weight-gradient norm")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=5, frameon=False, handlelength=2.4)
        return save_svg(fig, path)


def alt_text(results: dict[str, Any]) -> str:
    """The figure's alt text, with the first-to-last ratios it shows."""
    depth = results["depth"]
    compare = results["params"]["compare_init"]
    ratios = {k: results["at_depth"][k]["ratio_first_last"] for k, _ in _names(results)}
    names = dict(_names(results))
    ordered = sorted(ratios, key=lambda k: ratios[k]["default"])
    lo, hi = ordered[0], ordered[-1]
    parts = [
        f"Two line charts of the weight-gradient norm of each of the {depth} layers of an MLP, "
        f"on a log scale, one line per activation: {', '.join(names.values())}.",
        f"With PyTorch's default initialisation every line falls towards the input side; "
        f"the first layer gets {format_sig(ratios[lo]['default'], 2)} of the last layer's gradient "
        f"with {names[lo]} and {format_sig(ratios[hi]['default'], 2)} with {names[hi]}.",
    ]
    if "relu" in ratios:
        parts.append(
            f"With {compare.capitalize()} initialisation the ReLU line is almost flat "
            f"(ratio {format_sig(ratios['relu'][compare], 2)})."
            if is_level(ratios["relu"][compare])
            else f"With {compare.capitalize()} initialisation the ReLU ratio is "
            f"{format_sig(ratios['relu'][compare], 2)}."
        )
    return " ".join(parts)


def _init_pairs(results: dict[str, Any]) -> list[tuple[str, str]]:
    """The (activation, own initialisation) pairs of :data:`INIT_PAIRS` that the results hold."""
    return [(k, init) for k, init in INIT_PAIRS if init in results["at_depth"].get(k, {})]


def draw_init(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Gradient norm per layer, log scale: each activation of :data:`INIT_PAIRS` under PyTorch's
    default initialisation (dashed) and under its own (solid)."""
    depth = results["depth"]
    names = dict(_names(results))
    with use_theme(theme) as t:
        fig = new_figure(*INIT_FIGSIZE)
        ax = fig.add_subplot()
        for i, (key, own) in enumerate(_init_pairs(results)):
            for init, style in ((own, "-"), ("default", "--")):
                ax.plot(range(1, depth + 1), results["at_depth"][key][init], color=t.cycle[i], linestyle=style,
                        linewidth=1.8, label=f"{names[key]}, {INIT_NAMES[init]}")
        ax.set_yscale("log")
        ax.set_xlabel("layer (1 = input side)")
        ax.set_ylabel("weight-gradient norm")
        ax.set_xlim(1, depth)
        ax.set_xticks([1, *range(5, depth + 1, 5)])
        ax.set_title(f"{depth} layers, each activation under the default and under its own initialisation",
                     fontsize=10)
        fig.legend(loc="outside lower center", ncols=2, frameon=False, handlelength=2.4)
        return save_svg(fig, path)


def is_level(ratio: float) -> bool:
    """Whether a first-to-last gradient ratio is within :data:`LEVEL_FACTOR` of 1 either way."""
    return 1 / LEVEL_FACTOR <= ratio <= LEVEL_FACTOR


def _init_phrases(results: dict[str, Any], *, note_level: bool) -> list[str]:
    """Per pair of :data:`INIT_PAIRS`: its first-to-last ratio under the default and under its own init."""
    names = dict(_names(results))
    phrases = []
    for key, own in _init_pairs(results):
        ratio = results["at_depth"][key]["ratio_first_last"]
        text = (f"{names[key]}'s first layer gets {format_sig(ratio['default'], 2)} of the last layer's gradient "
                f"under PyTorch's default and {format_sig(ratio[own], 2)} under {INIT_NAMES[own]}")
        if note_level and is_level(ratio[own]):
            text += f", within a factor of {format_number(LEVEL_FACTOR)} of level"
        phrases.append(text)
    return phrases


def init_alt_text(results: dict[str, Any]) -> str:
    """The init figure's alt text, with each line's first-to-last ratio."""
    return (f"Line chart on a log scale of the weight-gradient norm of each of the {results['depth']} layers of "
            f"an MLP, one solid line per activation under its own initialisation and one dashed line under "
            f"PyTorch's default. " + "; ".join(_init_phrases(results, note_level=False)) + ".")


def init_summary_fragment(results: dict[str, Any]) -> str:
    """What the init figure shows, in numbers: each pair's first-to-last ratio under both initialisations."""
    return f"At depth {results['depth']}, " + "; ".join(_init_phrases(results, note_level=True)) + ".\n"


def table(results: dict[str, Any]) -> str:
    """Activation | first and last layer's gradient | first/last ratio, both inits."""
    depth = results["depth"]
    compare = results["params"]["compare_init"].capitalize()
    headers = [
        "Activation",
        "Layer 1 weight-gradient norm",
        f"Layer {depth} weight-gradient norm",
        "Layer 1 / last (default init)",
        f"Layer 1 / last ({compare} init)",
    ]
    rows = []
    for key, name in _names(results):
        r = results["at_depth"][key]
        rows.append([
            name, format_sig(r["default"][0], 2), format_sig(r["default"][-1], 2),
            format_sig(r["ratio_first_last"]["default"], 2), format_sig(r["ratio_first_last"][compare.lower()], 2),
        ])
    return markdown_table(headers, rows, ["left", "right", "right", "right", "right"])


def bound_fragment(results: dict[str, Any]) -> str:
    """The textbook's 0.25^n bound beside the network's number, and why they differ."""
    b = results["bound"]
    n, key = b["depth"], b["key"]
    name = catalog.get(key).name.lower()
    m = b["activations"][key]
    ratio = m["input_gradient_ratio"]
    slope_part = math.prod(m["slope_factors"])
    weight_part = math.prod(m["weight_factors"])
    smaller = b["bound"] / ratio
    near_peak = m["mean_slope"] > 0.9 * b["max_slope"]
    closeness = "close to" if near_peak else "well below"
    spread = (
        "so most of them sit where the slope is near its maximum"
        if near_peak
        else "wide enough to reach where the slope falls off"
    )
    attained = "nearly attained" if near_peak else "loose"
    relation = (
        f"about {format_sig(smaller, 2)} times smaller than the bound"
        if smaller > 1
        else f"about {format_sig(1 / smaller, 2)} times larger than the bound"
    )
    return (
        f"The textbook's answer for a {n}-layer {name} network is "
        f"${format_number(b['max_slope'])}^{{{n}}} \\approx$ {format_sig(b['bound'], 2)}: each layer's "
        f"gradient is multiplied by at most {format_number(b['max_slope'])}, the peak of "
        f"$\\sigma'$. The real {n}-layer network of this experiment (same width, default "
        f"init, a batch of standard-normal inputs) passes {format_sig(ratio, 2)} of the gradient "
        f"arriving at its output back to its first layer, {relation}.\n\n"
        f"Autograd shows where the rest goes. The slope the network actually sees averages "
        f"$\\sigma'(z) \\approx$ {format_number(m['mean_slope'], 3)} over all units, inputs and "
        f"layers, {closeness} the peak {format_number(b['max_slope'])}: the pre-activations have "
        f"a standard deviation of {format_number(m['pre_activation_std'], 2)}, {spread}. "
        f"Multiplying by $\\sigma'(z)$ keeps about {format_number(m['geomean_slope_factor'], 3)} "
        f"of the gradient's norm per layer, {format_sig(slope_part, 2)} over the {n} layers: on "
        f"the slope side the bound is {attained}. But the gradient "
        f"also passes through the transposed weights of the {n - 1} layers above the first, and "
        f"each of those keeps only about {format_number(m['geomean_weight_factor'], 3)} of the "
        f"norm ({format_sig(weight_part, 2)} in all): PyTorch's default init draws weights with "
        f"variance $1/(3\\,\\text{{fan\\_in}})$, so $W^\\top$ shrinks a vector by about "
        f"$\\sqrt{{1/3}} \\approx {format_number(math.sqrt(1 / 3), 2)}$. Slope and weights together give the "
        f"{format_sig(ratio, 2)}. A bound built from $\\max \\sigma'$ alone says nothing "
        f"about $\\lVert W \\rVert$: with larger weights the same network loses less, with "
        f"smaller ones more.\n"
    )


def summary_fragment(results: dict[str, Any]) -> str:
    """One sentence per activation family: the first-to-last ratio at ``depth``, default init."""
    depth = results["depth"]
    names = dict(_names(results))
    ratio = {k: results["at_depth"][k]["ratio_first_last"]["default"] for k in names}
    compare = results["params"]["compare_init"]
    ordered = sorted(ratio, key=ratio.get, reverse=True)
    best, worst = ordered[0], ordered[-1]
    p = results["params"]
    text = (
        f"At depth {depth} (width {p['width']}, a batch of {p['batch']}) with PyTorch's default "
        f"initialisation, the first layer receives "
        f"{format_sig(ratio[worst], 2)} of the last layer's gradient with {names[worst]} and "
        f"{format_sig(ratio[best], 2)} with {names[best]}, the best of the {len(names)}."
    )
    if "relu" in ratio and "sigmoid" in ratio:
        text += (
            f" ReLU's first layer gets {format_sig(ratio['relu'] / ratio['sigmoid'], 2)} times "
            f"more (relative to its last layer) than sigmoid's, yet its ratio is still "
            f"{format_sig(ratio['relu'], 2)}: under the default init every activation loses "
            f"gradient on the way down."
        )
        kaiming = results["at_depth"]["relu"]["ratio_first_last"][compare]
        text += (
            f" Re-initialised with {compare.capitalize()} (He) weights, ReLU's ratio becomes "
            f"{format_sig(kaiming, 2)}: about {format_number(kaiming ** (1 / (depth - 1)), 3)} of the "
            f"weight-gradient norm kept per layer on average, compounded over the {depth - 1} steps from the last "
            f"layer to the first."
        )
    return text + "\n"


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text), "init": (draw_init, init_alt_text)},
    tables={"": table},
    texts={"bound": bound_fragment, "summary": summary_fragment, "init-summary": init_summary_fragment},
)


PARAMS: dict[str, Any] = {
    "keys": list(KEYS), "depth": DEPTH, "depths": list(DEPTHS), "width": WIDTH, "batch": BATCH,
    "dtype": DTYPE, "compare_init": COMPARE_INIT, "extra_inits": {k: list(v) for k, v in EXTRA_INITS.items()},
    "bound_depth": BOUND_DEPTH, "bound_inits": list(BOUND_INITS), "seed": 0,
}


def artifacts() -> list[Artifact]:
    """``experiment-gradient-flow``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
