"""Figures drawn from a listing's own results: one program makes the output and the picture.

A page that teaches with a listing sometimes needs a figure of what that listing
computed (the XOR networks' decision regions, a ReLU network's linear pieces, the
per-layer gradients of the deep-sigmoid pitfall). Training a second copy of the network
for the figure would give the site two versions of one example; instead the artifact
``listing-figure-<stem>`` runs the listing once (:func:`actdocs.execute.listings.execute`, the
runner of every listing), keeps what it printed and draws from the names it defined, so
the output and the figure come from one run. All of it happens in the listing's own
process (:func:`actdocs.execute.listings.in_own_process`, with the listings' time limit), since
the names live there. It takes the place of the listing's
``output-<stem>`` artifact (:func:`artifacts` names the stems that
:func:`actdocs.execute.listings.artifacts` leaves out) and is keyed by the listing's bytes.

Each figure (:data:`FIGURES`) writes ``output/<stem>.txt``,
``figures/listing-<stem>-light.svg`` and ``-dark.svg`` and the image fragment
``fragments/listing-<stem>-figure.md``, whose alt text quotes the listing's numbers. A
page includes the fragment beside the listing and its output.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from actdocs import paths
from actdocs.engine.artifact import Artifact, Context, REPO_ROOT
from actdocs.execute.listings import SNIPPETS, execute, in_own_process, output_path, time_limit
from actdocs.render.markdown import image_pair, write_text
from actdocs.render.numbers import format_number, format_percent, format_sig
from actdocs.paths import THEMES
from actdocs.render.palette import Theme
from actdocs.render.style import new_figure, save_svg, use_theme

MODULE = "actdocs.execute.listing_figures"

#: The XOR square (both inputs) and the samples per side of its grid.
XOR_LIMITS = (-0.5, 1.5)
XOR_SAMPLES = 81
#: Figure sizes in inches.
XOR_FIGSIZE = (7.0, 3.5)
PIECES_FIGSIZE = (7.0, 3.4)
GRADIENTS_FIGSIZE = (7.0, 3.6)


# ---------------------------------------------------------------------- XOR regions

#: Band edges of the predicted probability: none at 0.5, so that a network that predicts
#: 0.5 everywhere (the linear one's best fit) is one flat band, not rounding noise.
XOR_BANDS = (0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1.0)
#: A network whose probabilities span less than this over the square has no boundary to draw.
XOR_FLAT = 0.1


def _xor_grid() -> Any:
    import torch

    side = torch.linspace(*XOR_LIMITS, XOR_SAMPLES)
    gx, gy = torch.meshgrid(side, side, indexing="xy")
    return gx, gy, torch.stack([gx.flatten(), gy.flatten()], dim=1)


def probabilities(model: Any) -> Any:
    """The model's predicted probability of target 1 on the grid of the XOR square."""
    import torch

    gx, _, points = _xor_grid()
    with torch.no_grad():
        return torch.sigmoid(model(points)).reshape(gx.shape)


def _xor_panel(ax, model, names: dict, title: str, t: Theme, cmap) -> Any:
    gx, gy, _ = _xor_grid()
    p = probabilities(model)
    bands = ax.contourf(gx.numpy(), gy.numpy(), p.numpy(), levels=XOR_BANDS, cmap=cmap, vmin=0, vmax=1)
    if float(p.max() - p.min()) > XOR_FLAT:
        ax.contour(gx.numpy(), gy.numpy(), p.numpy(), levels=[0.5], colors=[t.foreground], linewidths=1.4)
    inputs, targets = names["inputs"], names["targets"].flatten()
    for label, colour, marker in ((0, t.cycle[0], "o"), (1, t.cycle[1], "^")):
        chosen = inputs[targets == label]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=90, c=colour, marker=marker, edgecolors=t.foreground,
                   linewidths=1.0, zorder=3, label=f"target {label}")
    ax.set_title(title, fontsize=11)
    ax.set_xlim(*XOR_LIMITS)
    ax.set_ylim(*XOR_LIMITS)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("input 1")
    ax.grid(False)
    return bands


def draw_xor(names: dict, theme: str, path: Path) -> Path:
    """The predicted probability of the listing's two XOR networks over the square, side by side."""
    from matplotlib.colors import LinearSegmentedColormap

    score = names["score"]
    with use_theme(theme) as t:
        cmap = LinearSegmentedColormap.from_list("xor", [t.cycle[0], t.background, t.cycle[1]])
        fig = new_figure(*XOR_FIGSIZE)
        axes = fig.subplots(1, 2)
        for ax, key, label in ((axes[0], "linear_model", "No activation"), (axes[1], "relu_model", "ReLU")):
            accuracy = score(names[key])[1]
            bands = _xor_panel(ax, names[key], names, f"{label}: {format_percent(accuracy)} right", t, cmap)
        axes[0].set_ylabel("input 2")
        bar = fig.colorbar(bands, ax=list(axes), ticks=[0, 0.5, 1], shrink=0.8)
        bar.set_label("predicted probability of target 1")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
        return save_svg(fig, path)


def _span(model: Any) -> tuple[float, float]:
    p = probabilities(model)
    return float(p.min()), float(p.max())


def _points(names: dict, target: int) -> str:
    """The listing's inputs of ``target``, as "(0, 1) and (1, 0)"."""
    chosen = names["inputs"][names["targets"].flatten() == target].tolist()
    return " and ".join(f"({format_number(x)}, {format_number(y)})" for x, y in chosen)


def xor_alt(names: dict) -> str:
    """The XOR figure's alt text: both networks' accuracies, and the linear one's flat prediction."""
    linear, relu = (names["score"](names[k])[1] for k in ("linear_model", "relu_model"))
    lo, hi = (format_number(v) for v in XOR_LIMITS)
    p_lo, p_hi = _span(names["linear_model"])
    text = (
        f"Two panels of the square from {lo} to {hi} in both inputs, shaded by each network's "
        f"predicted probability of target 1, with the listing's {len(names['inputs'])} points: "
        f"{_points(names, 0)} of target 0 as circles, {_points(names, 1)} of target 1 as triangles. "
    )
    if p_hi - p_lo <= XOR_FLAT:
        off = max(abs(p_lo - 0.5), abs(p_hi - 0.5))
        text += (f"The network without an activation predicts 0.5 to within {format_sig(off, 1)} over the "
                 f"whole square: one flat shade and no boundary; its {format_percent(linear)} right comes "
                 f"from the signs of outputs that close to 0.5. ")
    else:
        text += (f"The network without an activation splits the square with one straight line and gets "
                 f"{format_percent(linear)} of the points right. ")
    return text + (f"The ReLU network's boundary, drawn as a line, is made of straight segments that bend, "
                   f"and it gets {format_percent(relu)} right.")


# -------------------------------------------------------------------- linear pieces


def draw_pieces(names: dict, theme: str, path: Path) -> Path:
    """The listing's trained ReLU network on its grid, one colour per alternate piece, kinks dotted."""
    grid, output = names["grid"][:, 0].numpy(), names["output"][:, 0].numpy()
    with use_theme(theme) as t:
        fig = new_figure(*PIECES_FIGSIZE)
        ax = fig.add_subplot()
        ax.plot(names["x"][:, 0].numpy(), names["target"][:, 0].numpy(), color=t.muted, linewidth=1.2,
                linestyle="--", label="target sin(2x)", zorder=2)
        for i, (lo, hi) in enumerate(names["pieces"]):
            ax.plot(grid[lo:hi], output[lo:hi], color=t.cycle[i % 2], linewidth=2.4, zorder=3,
                    label="network, one colour per piece, alternating" if i == 0 else None)
        kinks = names["kinks"]
        at = [output[s] for s, _ in names["pieces"][1:]]
        ax.scatter(kinks, at, s=16, color=t.foreground, zorder=4, label="kink")
        ax.set_xlim(grid[0], grid[-1])
        ax.set_xlabel("x")
        ax.set_title(f"{len(names['pieces'])} linear pieces from {names['pattern'].shape[1]} ReLU units",
                     fontsize=11)
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=9)
        return save_svg(fig, path)


def pieces_alt(names: dict) -> str:
    """The linear-pieces figure's alt text."""
    pieces, units = len(names["pieces"]), names["pattern"].shape[1]
    lo, hi = (format_number(names["grid"][i, 0].item()) for i in (0, -1))
    return (
        f"Line chart of a small network with {units} ReLU units, trained to follow sin(2x) "
        f"(dashed) for x from {lo} to {hi}. Its output is drawn in two alternating colours, "
        f"one per straight piece: {pieces} pieces meeting at {pieces - 1} kinks, marked with "
        f"dots, where a unit switches on or off."
    )


# ------------------------------------------------------------- gradients per layer


def _labels(names: dict) -> list[str]:
    layers = len(names["sigmoid_norms"])
    return [*(str(i) for i in range(1, layers)), "out"]


#: The listing's tanh run with an initialisation matched to tanh, drawn beside sigmoid and ReLU.
TANH_MATCHED = "tanh, Xavier with tanh's gain"


def draw_gradients(names: dict, theme: str, path: Path) -> Path:
    """The deep-sigmoid pitfall: weight-gradient norm per Linear layer, sigmoid vs ReLU
    (one scheme, one set of draws) and tanh with its matched initialisation, log scale."""
    labels = _labels(names)
    layers = list(range(1, len(labels) + 1))
    with use_theme(theme) as t:
        fig = new_figure(*GRADIENTS_FIGSIZE)
        ax = fig.add_subplot()
        for norms, name, colour, marker in (
            (names["relu_norms"], "ReLU (Kaiming)", t.cycle[0], "s"),
            (names["sigmoid_norms"], "Sigmoid (Kaiming)", t.cycle[1], "o"),
            (names["tanh_norms"][TANH_MATCHED], "Tanh (Xavier, tanh's gain)", t.cycle[2], "^"),
        ):
            ax.plot(layers, norms, color=colour, marker=marker, markersize=5, linewidth=1.8, label=name)
        ax.set_yscale("log")
        ax.set_xticks(layers, labels)
        ax.set_xlabel("Linear layer (1 = input side, out = output layer)")
        ax.set_ylabel("weight-gradient norm")
        ax.set_title(f"{names['depth']} hidden layers, one backward pass", fontsize=11)
        ax.legend(loc="lower right", frameon=False)
        return save_svg(fig, path)


def gradients_alt(names: dict) -> str:
    """The per-layer gradient figure's alt text, with each network's first-to-output ratio."""
    sig, relu, tanh = names["sigmoid_norms"], names["relu_norms"], names["tanh_norms"][TANH_MATCHED]
    return (
        f"Line chart on a log scale of the weight-gradient norm of each of the {len(sig)} Linear "
        f"layers of three networks with {names['depth']} hidden layers: sigmoid and ReLU, initialised "
        f"with the same scheme (Kaiming normal) and the same draws, and tanh with Xavier weights scaled "
        f"by tanh's gain. The sigmoid line falls steeply towards the "
        f"input: its first layer gets {format_sig(sig[0] / sig[-1], 2)} of the output layer's "
        f"gradient. The ReLU line stays level within a small factor: its first layer gets "
        f"{format_sig(relu[0] / relu[-1], 2)} of it. The tanh line stays level too: its first layer "
        f"gets {format_sig(tanh[0] / tanh[-1], 2)} of it."
    )


# ------------------------------------------------------------------------ artifacts


@dataclass(frozen=True)
class ListingFigure:
    """A figure of one listing: how to draw it in a theme and its alt text, both from its names."""

    draw: Callable[[dict, str, Path], Path]
    alt: Callable[[dict], str]


#: The listings with a figure, by stem.
FIGURES: dict[str, ListingFigure] = {
    "xor_needs_nonlinearity": ListingFigure(draw_xor, xor_alt),
    "relu_piecewise_linear": ListingFigure(draw_pieces, pieces_alt),
    "pitfalls_deep_sigmoid": ListingFigure(draw_gradients, gradients_alt),
}


def _make(stem: str, limit: float, out: Path, ctx: Context) -> None:
    in_own_process(ctx.root / SNIPPETS / f"{stem}.py", _draw, stem, out, ctx, limit=limit)


def _draw(stem: str, out: Path, ctx: Context) -> None:
    """In the listing's own process: run it, write what it printed, its figure and fragment."""
    figure = FIGURES[stem]
    path = ctx.root / SNIPPETS / f"{stem}.py"
    printed, names = execute(path)
    write_text(out, output_path(path), printed)
    for theme in THEMES:
        figure.draw(names, theme, out / paths.listing_figure(stem, theme))
    write_text(out, paths.listing_figure_fragment(stem), image_pair(figure.alt(names), paths.listing_figure(stem)))


def artifacts(root: Path = REPO_ROOT) -> list[Artifact]:
    """``listing-figure-<stem>`` for every entry of :data:`FIGURES`, keyed by its listing's bytes
    (its output too: leave these stems out of :func:`actdocs.execute.listings.artifacts`); the
    time limit (:func:`actdocs.execute.listings.time_limit`) keys nothing."""
    limit = time_limit()
    return [
        Artifact(
            name=f"listing-figure-{stem}",
            outputs=(output_path(Path(f"{stem}.py")), *(paths.listing_figure(stem, theme) for theme in THEMES),
                     paths.listing_figure_fragment(stem)),
            make=functools.partial(_make, stem, limit),
            module=MODULE,
            inputs=(f"{SNIPPETS}/{stem}.py",),
        )
        for stem in FIGURES
    ]
