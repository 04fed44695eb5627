"""ReLU against tanh in AlexNet's sense: how many training steps to a training error.

Krizhevsky et al. (2012), Figure 1, trained the same four-layer convolutional network
on CIFAR-10 once with ReLUs and once with tanh units, each at the learning rate that
trained it fastest, without regularisation, and counted the epochs until the training
error reached 25 %: ReLU got there six times sooner. This experiment asks the same
question of a small network the build can afford: an MLP ``64 -> 64 -> 64 -> 64 -> 10``
(PyTorch's default initialisation, identical weights for both activations for a given
seed) on the standardised digits data set (:func:`actdocs.experiments.data.digits`), trained
by SGD with momentum ``momentum`` on mini-batches of ``batch_size``, no regularisation.

For each activation, learning rate of ``lrs`` and seed, the training error on the
whole training set is measured after every step, and the first step at which it is at
most each of ``thresholds`` is recorded (``null`` if never within ``max_epochs``). A run
whose loss is not finite, or whose training error is still above ``abort_error`` after
``abort_epochs`` epochs, stops there (``stopped``: it diverged or stalled). Each activation then gets the learning
rate with the fewest mean steps to ``verdict_threshold`` among those reaching it on
every seed (AlexNet tuned each network's rate the same way). The speed-up for a seed is
tanh's steps over ReLU's at those rates; its mean and range over seeds are what the
claims page judges. Digits is far easier than CIFAR-10: 25 % is passed within the first
epoch, so the verdict uses the stricter ``verdict_threshold`` and the table shows all.

JSON (``data/experiments/relu-vs-tanh.json``), besides the common header::

    activations: ["relu", "tanh"], lrs: [...], thresholds: [0.25, 0.1, 0.05],
    verdict_threshold: 0.05, steps_per_epoch: 22,
    runs: {act: {lr: [{"seed", "steps": {thr: step or null}, "stopped", "seconds"}]}}
    best_lr: {act: lr or null}
    steps: {act: {thr: {"mean", "min", "max"} or null}}   # at best_lr, over seeds
    speedup: {thr: {"mean", "min", "max", "per_seed": [...]} or null}   # tanh / relu
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any, Sequence

import torch

from actdocs import catalog, references
from actdocs.engine.artifact import Artifact
from actdocs.experiments.data import digits, minibatches
from actdocs.experiments.networks import mlp, step as train_step
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic
from actdocs.render.markdown import markdown_table
from actdocs.render.numbers import format_number, format_percent, format_ratio
from actdocs.render.style import new_figure, save_svg, use_theme

MODULE = "actdocs.experiments.relu_vs_tanh"
NAME = "relu-vs-tanh"

ACTIVATIONS: tuple[str, ...] = ("relu", "tanh")
SIZES: tuple[int, ...] = (64, 64, 64, 64, 10)
LRS: tuple[float, ...] = (0.03, 0.1, 0.3)
MOMENTUM = 0.9
BATCH_SIZE = 64
THRESHOLDS: tuple[float, ...] = (0.25, 0.10, 0.05)
VERDICT_THRESHOLD = 0.05
MAX_EPOCHS = 8
ABORT_EPOCHS = 2
ABORT_ERROR = 0.5
N_SEEDS = 5

FIGSIZE = (7.5, 3.6)


def _key(value: float) -> str:
    """A float as a JSON key: 0.05 -> "0.05"."""
    return format(value, "g")


@torch.no_grad()
def _error(net: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    return float((net(X).argmax(dim=1) != y).float().mean())


def steps_to_thresholds(
    activation: str, lr: float, seed: int, data: tuple[torch.Tensor, ...], *, sizes: Sequence[int],
    thresholds: Sequence[float], momentum: float, batch_size: int, max_epochs: int,
    abort_epochs: int, abort_error: float, device: str = "cpu",
) -> dict[str, Any]:
    """One run: the first step at which the training error is at most each threshold."""
    X, y = data
    reached: dict[str, int | None] = {_key(t): None for t in thresholds}
    start = time.perf_counter()
    stopped, step = False, 0
    with deterministic(seed, device) as gen:
        net = mlp(activation, sizes, device=device)
        optimiser = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
        for epoch in range(max_epochs):
            for batch in minibatches(len(X), batch_size, gen, X.device):
                loss = train_step(net, optimiser, X, y, batch)
                step += 1
                error = _error(net, X, y)
                for t in thresholds:
                    if error <= t and reached[_key(t)] is None:
                        reached[_key(t)] = step
                stopped = not math.isfinite(loss.item())
                if stopped or all(v is not None for v in reached.values()):
                    break
            if stopped or all(v is not None for v in reached.values()):
                break
            if epoch + 1 >= abort_epochs and error > abort_error:
                stopped = True
                break
    return {"seed": seed, "steps": reached, "stopped": stopped, "seconds": time.perf_counter() - start}


def _summary(values: list[float]) -> dict[str, float]:
    return {"mean": sum(values) / len(values), "min": min(values), "max": max(values)}


def best_lr(runs: dict[str, list[dict[str, Any]]], threshold: float) -> str | None:
    """The learning rate (as its key) with the fewest mean steps to ``threshold`` among
    those reaching it on every seed; the smaller rate on a tie; None if none does."""
    t = _key(threshold)
    candidates = [(sum(r["steps"][t] for r in rs) / len(rs), float(lr), lr)
                  for lr, rs in runs.items() if all(r["steps"][t] is not None for r in rs)]
    return min(candidates)[2] if candidates else None


def run(
    activations: Sequence[str] = ACTIVATIONS,
    sizes: Sequence[int] = SIZES,
    lrs: Sequence[float] = LRS,
    momentum: float = MOMENTUM,
    batch_size: int = BATCH_SIZE,
    thresholds: Sequence[float] = THRESHOLDS,
    verdict_threshold: float = VERDICT_THRESHOLD,
    max_epochs: int = MAX_EPOCHS,
    abort_epochs: int = ABORT_EPOCHS,
    abort_error: float = ABORT_ERROR,
    n_seeds: int = N_SEEDS,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Steps to each training-error threshold per activation, rate and seed; the speed-up."""
    params = {"activations": list(activations), "sizes": list(sizes), "lrs": list(lrs), "momentum": momentum,
              "batch_size": batch_size, "thresholds": list(thresholds), "verdict_threshold": verdict_threshold,
              "max_epochs": max_epochs, "abort_epochs": abort_epochs, "abort_error": abort_error,
              "n_seeds": n_seeds, "optimiser": "SGD with momentum", "data": "digits"}
    X, y, _, _ = digits(device)
    options = dict(sizes=sizes, thresholds=thresholds, momentum=momentum, batch_size=batch_size,
                   max_epochs=max_epochs, abort_epochs=abort_epochs, abort_error=abort_error, device=device)
    runs = {act: {_key(lr): [steps_to_thresholds(act, lr, s, (X, y), **options) for s in range(seed, seed + n_seeds)]
                  for lr in lrs} for act in activations}
    best = {act: best_lr(runs[act], verdict_threshold) for act in activations}
    steps: dict[str, dict[str, Any]] = {}
    for act in activations:
        chosen = runs[act][best[act]] if best[act] else []
        steps[act] = {_key(t): (_summary([r["steps"][_key(t)] for r in chosen])
                                if chosen and all(r["steps"][_key(t)] is not None for r in chosen) else None)
                      for t in thresholds}
    speedup: dict[str, Any] = {}
    relu, tanh = activations
    for t in thresholds:
        k = _key(t)
        if steps[relu][k] is None or steps[tanh][k] is None:
            speedup[k] = None
            continue
        per_seed = [b["steps"][k] / a["steps"][k] for a, b in zip(runs[relu][best[relu]], runs[tanh][best[tanh]])]
        speedup[k] = {**_summary(per_seed), "per_seed": per_seed}
    return {
        **header(NAME, params, seed, device),
        "activations": list(activations),
        "lrs": list(lrs),
        "thresholds": list(thresholds),
        "verdict_threshold": verdict_threshold,
        "steps_per_epoch": math.ceil(len(X) / batch_size),
        "runs": runs,
        "best_lr": best,
        "steps": steps,
        "speedup": speedup,
    }


# ------------------------------------------------------------------ rendering


def _name(key: str) -> str:
    return catalog.get(key).name


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Epochs to each training-error threshold, one bar per activation, one dot per seed."""
    acts, thresholds, per_epoch = results["activations"], results["thresholds"], results["steps_per_epoch"]
    width = 0.8 / len(acts)
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        ax = fig.subplots()
        for j, (act, colour) in enumerate(zip(acts, t.cycle)):
            lr = results["best_lr"][act]
            xs = [i + (j - (len(acts) - 1) / 2) * width for i in range(len(thresholds))]
            means = [(s["mean"] / per_epoch if s else 0.0) for s in (results["steps"][act][_key(x)] for x in thresholds)]
            ax.bar(xs, means, width=width * 0.92, color=colour, zorder=2,
                   label=f"{_name(act)}, lr {lr}" if lr else f"{_name(act)}, no rate reached the target")
            for x, thr in zip(xs, thresholds):
                for r in (results["runs"][act][lr] if lr else []):
                    if r["steps"][_key(thr)] is not None:
                        ax.plot([x], [r["steps"][_key(thr)] / per_epoch], marker="o", markersize=3,
                                linestyle="none", color=t.foreground, zorder=3)
        ax.set_xticks(range(len(thresholds)), [f"training error ≤ {format_percent(x, 2)}" for x in thresholds])
        ax.set_ylabel("epochs to reach it")
        ax.grid(axis="x", visible=False)
        ax.legend(frameon=False, loc="upper left")
        return save_svg(fig, path)


def alt_text(results: dict[str, Any]) -> str:
    """The figure's alt text, with the mean epochs it shows."""
    per_epoch = results["steps_per_epoch"]
    parts = []
    for act in results["activations"]:
        cells = [f"{format_number(s['mean'] / per_epoch, 2)} epochs to {format_percent(float(k), 2)}"
                 for k, s in results["steps"][act].items() if s]
        parts.append(f"{_name(act)}: {', '.join(cells) or 'never reached the target'}")
    return ("Bar chart of the epochs a small MLP needs to reach each training-error threshold on the digits "
            "data, one bar per activation at its fastest learning rate, one dot per seed. " + "; ".join(parts) + ".")


def table(results: dict[str, Any]) -> str:
    """Threshold | epochs, ReLU (range) | epochs, tanh (range) | ReLU's speed-up (range)."""
    per_epoch = results["steps_per_epoch"]
    relu, tanh = results["activations"]

    def epochs(s: dict[str, float] | None) -> str:
        if not s:
            return "not reached on every seed"
        lo, hi = (format_number(s[k] / per_epoch, 2) for k in ("min", "max"))
        return f"{format_number(s['mean'] / per_epoch, 2)} ({lo}–{hi})"

    rows = []
    for thr in results["thresholds"]:
        k = _key(thr)
        s = results["speedup"][k]
        ratio = f"{format_ratio(s['mean'])} ({format_ratio(s['min'])}–{format_ratio(s['max'])})" if s else "–"
        mark = " (verdict)" if thr == results["verdict_threshold"] else ""
        rows.append([f"{format_percent(thr, 2)}{mark}", epochs(results["steps"][relu][k]),
                     epochs(results["steps"][tanh][k]), ratio])
    headers = ["Training error at most", f"Epochs, {_name(relu)} (range)", f"Epochs, {_name(tanh)} (range)",
               f"{_name(tanh)}'s steps over {_name(relu)}'s (range)"]
    return markdown_table(headers, rows, ["left", "right", "right", "right"])


def first_threshold_sentence(results: dict[str, Any]) -> str:
    """How many epochs the loosest threshold took, per activation (mean over seeds), rounded up for the
    whole-epoch bound: the data set is much easier than AlexNet's, so this is the column to discount."""

    per_epoch = results["steps_per_epoch"]
    loosest = max(results["thresholds"])
    k = _key(loosest)
    means = {a: results["steps"][a][k] for a in results["activations"]}
    if not all(means.values()):
        return ""
    parts = ", ".join(f"{_name(a)} {format_number(m['mean'] / per_epoch, 2)}" for a, m in means.items())
    worst = max(m["max"] for m in means.values()) / per_epoch
    bound = math.ceil(worst)
    within = "the first epoch" if bound == 1 else f"the first {bound} epochs"
    return (f"The digits are much easier than CIFAR-10: {format_percent(loosest, 2)} training error came "
            f"within {within} on every seed (mean epochs: {parts}). ")


def summary_fragment(results: dict[str, Any]) -> str:
    """The result in sentences; every number from ``results``."""
    p = results["params"]
    relu, tanh = results["activations"]
    k = _key(results["verdict_threshold"])
    s = results["speedup"][k]
    rates = ", ".join(f"{_name(a)} {results['best_lr'][a]}" for a in results["activations"])
    lrs = [str(lr) for lr in p["lrs"]]
    listed = lrs[0] if len(lrs) == 1 else f"{', '.join(lrs[:-1])} and {lrs[-1]}"
    setting = (f"Over {p['n_seeds']} seeds, with each activation at the fastest of the learning rates "
               f"{listed} ({rates})")
    first = first_threshold_sentence(results)
    if not s:
        return (f"{first}{setting}, one of the two did not reach {format_percent(float(k), 2)} training error "
                f"on every seed.\n")
    if s["min"] > 1:
        direction = f"{_name(relu)} reached it sooner on every seed"
    elif s["max"] < 1:
        direction = f"{_name(tanh)} reached it sooner on every seed"
    else:
        direction = "neither was faster on every seed"
    return (f"{first}{setting}, {_name(tanh)} needed {format_ratio(s['mean'])} as many steps as {_name(relu)} to reach "
            f"{format_percent(float(k), 2)} training error (from {format_ratio(s['min'])} to "
            f"{format_ratio(s['max'])} over seeds): {direction}. AlexNet's figure, "
            f"{references.cite(['krizhevsky2012'])}, was 6× for a convolutional network on CIFAR-10.\n")


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text)},
    tables={"": table},
    texts={"summary": summary_fragment},
)


PARAMS: dict[str, Any] = {
    "activations": list(ACTIVATIONS), "sizes": list(SIZES), "lrs": list(LRS), "momentum": MOMENTUM,
    "batch_size": BATCH_SIZE, "thresholds": list(THRESHOLDS), "verdict_threshold": VERDICT_THRESHOLD,
    "max_epochs": MAX_EPOCHS, "abort_epochs": ABORT_EPOCHS, "abort_error": ABORT_ERROR, "n_seeds": N_SEEDS,
    "seed": 0,
}


def artifacts() -> list[Artifact]:
    """``experiment-relu-vs-tanh``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
