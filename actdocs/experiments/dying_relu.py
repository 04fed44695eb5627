"""Dying ReLU: count the hidden units a too-high learning rate kills, and which come back.

An MLP ``64 -> 128 -> 128 -> 128 -> 10`` (PyTorch default init) is trained on the
standardised digits data set (:func:`actdocs.experiments.data.digits`) with Adam and
cross-entropy, mini-batches of 64. Three configurations:

* ``relu-high-lr``: ReLU, learning rate ``high_lr`` (0.05, fifty times Adam's default);
* ``leaky-high-lr``: Leaky ReLU (slope 0.01), the same learning rate;
* ``relu-sane-lr``: ReLU, learning rate ``sane_lr`` (0.001, Adam's default).

**Stuck and dead units.** A hidden unit is *stuck* when its pre-activation
``z = Wx + b`` is at most zero for every training example. For ReLU a stuck unit is
*dead*: it outputs zero on every example and the gradient reaching its own weights and
bias is exactly zero, so they never change again and only the layers below can bring it
back. A stuck Leaky ReLU unit is not dead in that sense: its output is 0.01 z, and its
weights still receive 1 % of the gradient. Whether Leaky ReLU "avoids dying" is then a
question of what that gradient does, so the experiment measures both:

* ``zero_gradient``: after the first phase, the stuck units whose incoming weights and
  bias get an exactly zero gradient from the loss over the whole training set;
* ``revived``: the stuck units that are active again (z > 0 on some example) after the
  second phase.

Each configuration is trained ``epochs`` epochs at its learning rate ("trained"), then
``recovery_epochs`` more at ``sane_lr`` with a fresh Adam ("recovered"). Counts are
taken at initialisation, after each phase, per hidden layer, for ``n_seeds`` seeds (the
configurations of one seed start from the same weights and see the same batches).

JSON (``data/experiments/dying-relu.json``), besides the common header::

    definition: "..."                       # the stuck-unit test, in words
    hidden: [128, 128, 128]                 # units per hidden layer
    stages: ["init", "trained", "recovered"]
    configurations: [{"name", "label", "activation", "lr"}, ...]
    runs: {config: [{"seed", "dead": {stage: [stuck count per layer]},
                     "zero_gradient": [per layer: stuck after training, gradient exactly 0],
                     "revived": [per layer: stuck after training, active after recovery],
                     "newly_dead": [per layer: active after training, stuck after recovery],
                     "test_accuracy": {"trained", "recovered"},
                     "final_loss": {"trained", "recovered"}, "seconds"}, ...]}
    mean_dead: {config: {stage: [mean count per layer over seeds]}}
    dead_share: {config: {stage: mean share of all hidden units, 0..1}}
    mean_accuracy: {config: {"trained", "recovered"}}
    revived_share: {config: share of the units stuck after training that revived (pooled
                    over seeds; null when none was stuck)}
    revived_by_seed: {config: [that share for each seed; null where none was stuck]}
    zero_gradient_share: {config: share of the units stuck after training whose gradient is
                          exactly zero (pooled; null when none was stuck)}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import torch
import torch.nn as nn

from actdocs import catalog
from actdocs.engine.artifact import Artifact
from actdocs.experiments.data import DIGITS_CLASSES, DIGITS_FEATURES, digits
from actdocs.experiments.networks import accuracy, linears, mlp, train
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic
from actdocs.render.numbers import format_number, format_percent
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table

MODULE = "actdocs.experiments.dying_relu"
NAME = "dying-relu"

HIDDEN: tuple[int, ...] = (128, 128, 128)
HIGH_LR = 0.05
SANE_LR = 1e-3
EPOCHS = 5
RECOVERY_EPOCHS = 10
BATCH_SIZE = 64
N_SEEDS = 3

#: (name, activation key, which learning rate)
CONFIGURATIONS: tuple[tuple[str, str, str], ...] = (
    ("relu-high-lr", "relu", "high"),
    ("leaky-high-lr", "leaky_relu", "high"),
    ("relu-sane-lr", "relu", "sane"),
)
STAGES = ("init", "trained", "recovered")

DEFINITION = (
    "A hidden unit is stuck when its pre-activation Wx + b is at most zero for every training "
    "example. A stuck ReLU unit is dead: its output and the gradient reaching its weights are zero "
    "on every example. A stuck Leaky ReLU unit still passes its slope's share of the gradient."
)

FIGSIZE = (9.0, 3.9)


@torch.no_grad()
def dead_masks(net: nn.Sequential, X: torch.Tensor) -> list[torch.Tensor]:
    """Per hidden layer, a boolean mask of the units whose pre-activation is <= 0 on every row of ``X``."""
    masks = []
    hidden = linears(net)[:-1]
    h = X
    for module in net:
        h = module(h)
        if isinstance(module, nn.Linear) and any(module is lin for lin in hidden):
            masks.append((h <= 0).all(dim=0))
    return masks


def dead_units(net: nn.Sequential, X: torch.Tensor) -> list[int]:
    """Per hidden layer, the number of stuck units (see :func:`dead_masks`)."""
    return [int(m.sum()) for m in dead_masks(net, X)]


def zero_gradient_units(net: nn.Sequential, X: torch.Tensor, y: torch.Tensor,
                        masks: list[torch.Tensor]) -> list[int]:
    """Per hidden layer, the units of ``masks`` whose incoming weights and bias get an
    exactly zero gradient from the mean cross-entropy over all of ``X``."""
    net.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(net(X), y).backward()
    counts = []
    for layer, mask in zip(linears(net)[:-1], masks):
        moved = layer.weight.grad.abs().sum(dim=1) + layer.bias.grad.abs()
        counts.append(int((mask & (moved == 0)).sum()))
    net.zero_grad(set_to_none=True)
    return counts


def _label(activation: str, lr: float) -> str:
    return f"{catalog.get(activation).name}, lr {format_number(lr, 4)}"


def _pooled_share(runs: list[dict[str, Any]], part: str) -> float | None:
    """``part`` (revived, zero_gradient) over the units stuck after training, pooled over runs."""
    stuck = sum(sum(r["dead"]["trained"]) for r in runs)
    return sum(sum(r[part]) for r in runs) / stuck if stuck else None


def run(
    hidden: Sequence[int] = HIDDEN,
    high_lr: float = HIGH_LR,
    sane_lr: float = SANE_LR,
    epochs: int = EPOCHS,
    recovery_epochs: int = RECOVERY_EPOCHS,
    batch_size: int = BATCH_SIZE,
    n_seeds: int = N_SEEDS,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Dead units per layer before and after training, per configuration and seed."""
    params = {
        "hidden": list(hidden), "high_lr": high_lr, "sane_lr": sane_lr, "epochs": epochs,
        "recovery_epochs": recovery_epochs, "batch_size": batch_size, "n_seeds": n_seeds,
        "optimiser": "Adam", "data": "digits",
    }
    lrs = {"high": high_lr, "sane": sane_lr}
    sizes = [DIGITS_FEATURES, *hidden, DIGITS_CLASSES]
    configurations = [
        {"name": name, "label": _label(act, lrs[which]), "activation": act, "lr": lrs[which]}
        for name, act, which in CONFIGURATIONS
    ]
    runs: dict[str, list[dict[str, Any]]] = {c["name"]: [] for c in configurations}
    X, y, X_test, y_test = digits(device)
    for s in range(seed, seed + n_seeds):
        for c in configurations:
            with deterministic(s, device) as gen:
                net = mlp(c["activation"], sizes, device=device)
                dead = {"init": dead_units(net, X)}
                first = train(net, X, y, epochs=epochs, batch_size=batch_size, lr=c["lr"], generator=gen)
                before = dead_masks(net, X)
                dead["trained"] = [int(m.sum()) for m in before]
                zero_gradient = zero_gradient_units(net, X, y, before)
                acc_trained = accuracy(net, X_test, y_test)
                second = train(net, X, y, epochs=recovery_epochs, batch_size=batch_size, lr=sane_lr, generator=gen)
                after = dead_masks(net, X)
                dead["recovered"] = [int(m.sum()) for m in after]
                acc_recovered = accuracy(net, X_test, y_test)
            runs[c["name"]].append({
                "seed": s,
                "dead": dead,
                "zero_gradient": zero_gradient,
                "revived": [int((b & ~a).sum()) for b, a in zip(before, after)],
                "newly_dead": [int((a & ~b).sum()) for b, a in zip(before, after)],
                "test_accuracy": {"trained": acc_trained, "recovered": acc_recovered},
                "final_loss": {"trained": first["final_loss"], "recovered": second["final_loss"]},
                "seconds": first["seconds"] + second["seconds"],
            })
    total = sum(hidden)
    mean_dead = {
        name: {st: [sum(r["dead"][st][i] for r in rs) / len(rs) for i in range(len(hidden))] for st in STAGES}
        for name, rs in runs.items()
    }
    return {
        **header(NAME, params, seed, device),
        "definition": DEFINITION,
        "hidden": list(hidden),
        "stages": list(STAGES),
        "configurations": configurations,
        "runs": runs,
        "mean_dead": mean_dead,
        "dead_share": {name: {st: sum(v) / total for st, v in md.items()} for name, md in mean_dead.items()},
        "revived_share": {name: _pooled_share(rs, "revived") for name, rs in runs.items()},
        "revived_by_seed": {name: [_pooled_share([r], "revived") for r in rs] for name, rs in runs.items()},
        "zero_gradient_share": {name: _pooled_share(rs, "zero_gradient") for name, rs in runs.items()},
        "mean_accuracy": {
            name: {st: sum(r["test_accuracy"][st] for r in rs) / len(rs) for st in ("trained", "recovered")}
            for name, rs in runs.items()
        },
    }


# ------------------------------------------------------------------ rendering


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Grouped bars: share of dead units per hidden layer, after each phase; seeds as dots."""
    hidden = results["hidden"]
    configs = results["configurations"]
    p = results["params"]
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        axes = fig.subplots(1, 2, sharey=True)
        width = 0.8 / len(configs)
        titles = {
            "trained": f"after {p['epochs']} epochs at the configuration's lr",
            "recovered": f"after {p['recovery_epochs']} more at lr {format_number(p['sane_lr'], 4)}",
        }
        for ax, stage in zip(axes, ("trained", "recovered")):
            for j, (c, colour) in enumerate(zip(configs, t.cycle)):
                xs = [i + (j - (len(configs) - 1) / 2) * width for i in range(len(hidden))]
                shares = [100 * m / n for m, n in zip(results["mean_dead"][c["name"]][stage], hidden)]
                ax.bar(xs, shares, width=width * 0.92, color=colour, label=c["label"], zorder=2)
                for r in results["runs"][c["name"]]:
                    ax.plot(xs, [100 * d / n for d, n in zip(r["dead"][stage], hidden)], linestyle="none",
                            marker="o", markersize=3, color=t.foreground, zorder=3)
            ax.set_xticks(range(len(hidden)), [f"layer {i + 1}" for i in range(len(hidden))])
            ax.set_title(titles[stage], fontsize=10)
            ax.set_ylim(0, 100)
            ax.grid(axis="x", visible=False)
        axes[0].set_ylabel("stuck units (% of layer)")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(configs), frameon=False)
        return save_svg(fig, path)


def _share(results: dict[str, Any], name: str, stage: str) -> str:
    return format_percent(results["dead_share"][name][stage])


def alt_text(results: dict[str, Any]) -> str:
    """The figure's alt text: the dead shares it shows."""
    parts = [
        "Two grouped bar charts of the share of stuck units (pre-activation at most zero on every training example) in each of the "
        f"{len(results['hidden'])} hidden layers, one bar per configuration, with one dot per seed."
    ]
    for c in results["configurations"]:
        parts.append(
            f"{c['label']}: {_share(results, c['name'], 'trained')} of all hidden units stuck after "
            f"the first phase, {_share(results, c['name'], 'recovered')} after the second."
        )
    return " ".join(parts)


def _pooled(results: dict[str, Any], part: str, name: str) -> str:
    share = results[part][name]
    return "none was stuck" if share is None else format_percent(share)


def table(results: dict[str, Any]) -> str:
    """Configuration | stuck at init | per layer after training | all after training /
    recovery | stuck with zero gradient | stuck that revived | accuracy."""
    n = len(results["hidden"])
    layers = " / ".join(str(i + 1) for i in range(n))
    headers = [
        "Configuration", "Stuck at init", f"After training, layers {layers}",
        "After training, all", "After recovery, all", "Stuck with zero gradient", "Stuck that revived",
        "Test accuracy, training → recovery",
    ]
    rows = []
    for c in results["configurations"]:
        md = results["mean_dead"][c["name"]]
        acc = results["mean_accuracy"][c["name"]]
        rows.append([
            c["label"],
            _share(results, c["name"], "init"),
            " / ".join(format_percent(m / size, 2) for m, size in zip(md["trained"], results["hidden"])),
            _share(results, c["name"], "trained"),
            _share(results, c["name"], "recovered"),
            _pooled(results, "zero_gradient_share", c["name"]),
            _pooled(results, "revived_share", c["name"]),
            f"{format_percent(acc['trained'])} → {format_percent(acc['recovered'])}",
        ])
    return markdown_table(headers, rows, ["left", *["right"] * (len(headers) - 1)])


def _compare(a: float, b: float) -> str:
    """"higher than", "lower than" or "the same as" for two measured values."""
    return "higher than" if a > b else "lower than" if a < b else "the same as"


def _came_back(share: float | None) -> str:
    """What the revived share says, in words that follow the number."""
    if share is None:
        return "none was stuck"
    if share > 0.5:
        return f"{format_percent(share)} revived: most came back"
    return f"{format_percent(share)} revived: most stayed stuck"


def summary_fragment(results: dict[str, Any]) -> str:
    """The result in sentences; every number and every comparison from ``results``."""
    p = results["params"]
    relu, leaky, sane = "relu-high-lr", "leaky-high-lr", "relu-sane-lr"
    ratio = p["high_lr"] / p["sane_lr"]
    acc = results["mean_accuracy"]
    worst_layer = max(range(len(results["hidden"])), key=lambda i: results["mean_dead"][relu]["trained"][i])
    worst_share = results["mean_dead"][relu]["trained"][worst_layer] / results["hidden"][worst_layer]
    slope = catalog.get("leaky_relu").defaults.get("negative_slope", 0.01)
    revived = results["revived_share"]
    return (
        f"At learning rate {format_number(p['high_lr'], 4)} ({format_number(ratio, 1)} times Adam's "
        f"default), {_share(results, relu, 'trained')} of the ReLU network's hidden units are stuck "
        f"after {p['epochs']} epochs (mean of {p['n_seeds']} seeds), {format_percent(worst_share)} "
        f"in layer {worst_layer + 1}; at Adam's default rate, {format_number(p['sane_lr'], 4)}, "
        f"{_share(results, sane, 'trained')} are. With Leaky ReLU at the high rate "
        f"{_share(results, leaky, 'trained')} are stuck.\n\n"
        f"Stuck is not the same as dead. Of the stuck ReLU units, {_pooled(results, 'zero_gradient_share', relu)} "
        f"receive an exactly zero gradient; of the stuck Leaky ReLU units, "
        f"{_pooled(results, 'zero_gradient_share', leaky)} do (their slope of {format_number(slope, 2)} "
        f"still passes a share of it)."
        +
        f" During {p['recovery_epochs']} more epochs at {format_number(p['sane_lr'], 4)}, of the stuck "
        f"ReLU units {_came_back(revived[relu])}; of the stuck Leaky ReLU units {_came_back(revived[leaky])}.\n\n"
        f"Test accuracy after both phases: ReLU at the high rate {format_percent(acc[relu]['recovered'])}, "
        f"Leaky ReLU at the high rate {format_percent(acc[leaky]['recovered'])} "
        f"({_compare(acc[leaky]['recovered'], acc[relu]['recovered'])} ReLU's), ReLU at the default rate "
        f"{format_percent(acc[sane]['recovered'])}.\n"
    )


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text)},
    tables={"": table},
    texts={"summary": summary_fragment},
)


PARAMS: dict[str, Any] = {
    "hidden": list(HIDDEN), "high_lr": HIGH_LR, "sane_lr": SANE_LR, "epochs": EPOCHS,
    "recovery_epochs": RECOVERY_EPOCHS, "batch_size": BATCH_SIZE, "n_seeds": N_SEEDS, "seed": 0,
}


def artifacts() -> list[Artifact]:
    """``experiment-dying-relu``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
