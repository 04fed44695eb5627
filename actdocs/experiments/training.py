"""Training comparison: the same MLP on the digits data set with each activation.

The textbook's challenge asks for a custom activation tested on MNIST. The site trains on
scikit-learn's bundled **digits** data set instead (1797 8 x 8 images, split 1347 /
450, standardised; see :func:`actdocs.experiments.data.digits`): it ships inside
scikit-learn, so the build needs no download and no network, and the whole comparison
(11 activations x 5 seeds) takes seconds on a CPU. :func:`actdocs.experiments.mnist.load_mnist` reads a local
MNIST copy (the four IDX files, gzipped or not, or a Keras-style ``mnist.npz``) for
readers who want the real thing::

    python -m actdocs.experiments.training --mnist ~/data/mnist

Every activation trains the same ``64 -> 128 -> 128 -> 10`` MLP (PyTorch default init)
with Adam (lr 0.001), cross-entropy and mini-batches of 128 for ``epochs`` (15) epochs; seed
``s`` gives every activation the same initial weights and batch order. Training time is
measured as wall-clock and as CPU seconds of the training loop (one thread); the table
shows CPU seconds on a CPU (steadier on a shared machine), wall-clock on a GPU. Both
vary between runs.

**The custom activation**, designed to the challenge's three requirements, is *leaky
tanh*, ``f(x) = tanh(x) + 0.1 x`` (:class:`LeakyTanh`, record :data:`LEAKY_TANH`):

1. gradient bounded away from zero: ``|f'(x)| >= MIN_GRADIENT`` (1e-3) for every x; leaky
   tanh has ``f'(x) = 1 - tanh(x)^2 + 0.1 >= 0.1``. A derivative that is positive but tends
   to 0 in a tail (ELU, softplus, tanh) does not meet it;
2. slowly growing: ``|f(x)| <= 1 + 0.1 |x|``, a tenth of ReLU's growth;
3. smooth: infinitely differentiable.

:func:`requirements` measures all three with :mod:`actdocs.measure.properties` (float64,
autograd, on the properties grid and far out), and ``properties.check`` compares the
record's declared properties with the measured ones.

JSON (``data/experiments/training.json``), besides the common header::

    data: {"name": "digits", "train": 1347, "test": 450, "features": 64, "classes": 10}
    sizes: [64, 128, 128, 10]
    chance: 0.1
    activations: [{"key", "name", "custom": bool}, ...]
    runs: {key: [{"seed", "test_accuracy", "final_loss", "seconds", "cpu_seconds"}, ...]}
    summary: {key: {"mean", "std", "min", "max", "mean_seconds", "mean_cpu_seconds"}}
        # std: sample (n - 1); *seconds: wall-clock and CPU time of the training loop
    custom: {"key", "name", "formula", "slope",
             "requirements": {"gradient_bounded": {"min_gradient", "bound", "ok"},
                              "slow_growth": {"asymptotic_slope", "max_excess", "ok"},
                              "smooth": {"max_derivative_jump", "ok"}},
             "declared_mismatches": [], "relu_min_gradient": 0.0}
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
from pathlib import Path
from typing import Any, Sequence

import torch
import torch.nn as nn

from actdocs import catalog
from actdocs.measure import formulas, properties
from actdocs.engine.artifact import Artifact
from actdocs.catalog import Activation, Maths, Properties
from actdocs.experiments.challenge import MIN_GRADIENT
from actdocs.experiments.data import digits
from actdocs.experiments.networks import accuracy, mlp, train
from actdocs.experiments.output import SIGNIFICANT, Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic
from actdocs.render.numbers import format_mean_spread, format_number, format_percent, round_floats
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table
from actdocs.experiments.mnist import mnist_tensors

MODULE = "actdocs.experiments.training"
NAME = "training"

KEYS: tuple[str, ...] = (
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish", "hardswish",
)
HIDDEN: tuple[int, ...] = (128, 128)
N_SEEDS = 5
EPOCHS = 15
BATCH_SIZE = 128
LR = 1e-3

FIGSIZE = (7.5, 4.2)

# --------------------------------------------------------------------------------------
# The custom activation
# --------------------------------------------------------------------------------------

# --8<-- [start:custom]
#: Slope of leaky tanh's linear term: its growth rate and its smallest derivative.
LEAKY_TANH_SLOPE = 0.1


class LeakyTanh(nn.Module):
    """tanh(x) + slope * x: smooth, f' >= slope, |f(x)| <= 1 + slope * |x|."""

    def __init__(self, slope: float = LEAKY_TANH_SLOPE) -> None:
        super().__init__()
        self.slope = slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x) + self.slope * x
# --8<-- [end:custom]


def leaky_tanh(x: torch.Tensor, slope: float = LEAKY_TANH_SLOPE) -> torch.Tensor:
    """Functional form of :class:`LeakyTanh`."""
    return torch.tanh(x) + slope * x


def _scratch_leaky_tanh(x: torch.Tensor, slope: float = LEAKY_TANH_SLOPE) -> torch.Tensor:
    """From basic operations: (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign, plus slope * x."""
    return catalog.scratch_tanh(x) + slope * x


#: The custom activation as an :class:`Activation` record, so that
#: :mod:`actdocs.measure.properties` can measure it like any catalog entry.
LEAKY_TANH = Activation(
    key="leaky_tanh",
    name="Leaky tanh (custom)",
    family="modern",
    maths=Maths("f", formula=(f"tanh(x) + {LEAKY_TANH_SLOPE!r}*x",), derivative=(f"1 - tanh(x)**2 + {LEAKY_TANH_SLOPE!r}",)),
    functional=leaky_tanh,
    module=functools.partial(LeakyTanh, LEAKY_TANH_SLOPE),
    scratch=_scratch_leaky_tanh,
    torch_name=f"torch.tanh(x) + {LEAKY_TANH_SLOPE:g} * x",
    summary="Tanh with a linear leak: never saturates, grows slowly, smooth everywhere.",
    best_for="The textbook's custom-activation challenge",
    watch_out="Unbounded, though ten times slower than ReLU",
    properties=Properties(
        output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=True,
        monotonic=True, smooth=True, bounded="none", max_grad=1.0 + LEAKY_TANH_SLOPE,
        max_grad_at=0.0, saturation=(), cost="expensive",
    ),
)

CUSTOM_KEY = LEAKY_TANH.key


def requirements(record: Activation = LEAKY_TANH, slope: float = LEAKY_TANH_SLOPE) -> dict[str, Any]:
    """The challenge's three requirements, measured (float64, autograd) on the properties grid.

    * gradient bounded away from zero: the smallest |f'| on the grid and at +-1e8 is at
      least :data:`MIN_GRADIENT`;
    * slow growth: the asymptotic slope (f(1e8) - f(5e7)) / 5e7, and the largest
      ``|f(x)| - slope |x|`` on the grid (at most 1 means ``|f(x)| <= 1 + slope |x|``);
    * smooth: the largest jump of f' between neighbouring grid points is below
      ``properties.SMOOTH_MAX_JUMP`` (as the catalog's smoothness test).
    """
    x = properties.measurement_grid()
    far = torch.tensor([-properties.FAR, properties.FAR], dtype=torch.float64)
    y, dy = properties.values_and_derivative(record, x)
    far_y, far_dy = properties.values_and_derivative(record, far)
    min_gradient = min(float(dy.abs().min()), float(far_dy.abs().min()))
    half_y, _ = properties.values_and_derivative(record, torch.tensor([properties.FAR / 2], dtype=torch.float64))
    slope_far = (float(far_y[1]) - float(half_y[0])) / (properties.FAR / 2)
    excess = float((y.abs() - slope * x.abs()).max())
    jump = properties.max_derivative_jump(dy)
    return {
        "gradient_bounded": {"min_gradient": min_gradient, "bound": MIN_GRADIENT, "ok": min_gradient >= MIN_GRADIENT},
        "slow_growth": {"asymptotic_slope": slope_far, "max_excess": excess,
                        "ok": slope_far <= slope * (1 + 1e-9) and excess <= 1 + 1e-12},
        "smooth": {"max_derivative_jump": jump, "ok": jump < properties.SMOOTH_MAX_JUMP},
    }


# --------------------------------------------------------------------------------------
# The experiment
# --------------------------------------------------------------------------------------


def _factory(key: str):
    return LEAKY_TANH.module if key == CUSTOM_KEY else key


def _name(key: str) -> str:
    return LEAKY_TANH.name if key == CUSTOM_KEY else catalog.get(key).name


def run(
    keys: Sequence[str] = (*KEYS, CUSTOM_KEY),
    hidden: Sequence[int] = HIDDEN,
    n_seeds: int = N_SEEDS,
    epochs: int = EPOCHS,
    batch_size: int = BATCH_SIZE,
    lr: float = LR,
    mnist: str | Path | None = None,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Test accuracy and training time of every activation over ``n_seeds`` seeds.

    ``mnist``: a local MNIST copy (see :func:`actdocs.experiments.mnist.load_mnist`) to train on instead of digits.
    """
    if mnist is None:
        X, y, X_test, y_test = digits(device)
        data_name = "digits"
    else:
        X, y, X_test, y_test = mnist_tensors(mnist, device)
        data_name = "mnist"
    classes = int(max(int(y.max()), int(y_test.max())) + 1)
    sizes = [X.shape[1], *hidden, classes]
    params = {"keys": list(keys), "hidden": list(hidden), "n_seeds": n_seeds, "epochs": epochs,
              "batch_size": batch_size, "lr": lr, "optimiser": "Adam", "data": data_name}
    runs: dict[str, list[dict[str, Any]]] = {}
    for key in keys:
        runs[key] = []
        for s in range(seed, seed + n_seeds):
            with deterministic(s, device) as gen:
                net = mlp(_factory(key), sizes, device=device)
                fit = train(net, X, y, epochs=epochs, batch_size=batch_size, lr=lr, generator=gen)
                acc = accuracy(net, X_test, y_test)
            runs[key].append({"seed": s, "test_accuracy": acc, "final_loss": fit["final_loss"],
                              "seconds": fit["seconds"], "cpu_seconds": fit["cpu_seconds"]})
    summary = {}
    for key, rs in runs.items():
        accs = [r["test_accuracy"] for r in rs]
        summary[key] = {
            "mean": statistics.fmean(accs),
            "std": statistics.stdev(accs) if len(accs) > 1 else 0.0,
            "min": min(accs),
            "max": max(accs),
            "mean_seconds": statistics.fmean(r["seconds"] for r in rs),
            "mean_cpu_seconds": statistics.fmean(r["cpu_seconds"] for r in rs),
        }
    custom = None
    if CUSTOM_KEY in keys:
        custom = {
            "key": CUSTOM_KEY,
            "name": LEAKY_TANH.name,
            "formula": formulas.formula_tex(LEAKY_TANH),
            "slope": LEAKY_TANH_SLOPE,
            "requirements": requirements(),
            "declared_mismatches": properties.check(LEAKY_TANH),
            "relu_min_gradient": float(properties.derivative(catalog.get("relu"), properties.measurement_grid()).abs().min()),
        }
    return {
        **header(NAME, params, seed, device),
        "data": {"name": data_name, "train": len(X), "test": len(X_test), "features": X.shape[1], "classes": classes},
        "sizes": sizes,
        "chance": 1 / classes,
        "activations": [{"key": k, "name": _name(k), "custom": k == CUSTOM_KEY} for k in keys],
        "runs": runs,
        "summary": summary,
        "custom": custom,
    }


# ------------------------------------------------------------------ rendering


def _accuracy(s: dict[str, Any]) -> str:
    """Mean ± sample standard deviation over seeds, in percent: "97.2 ± 0.3 %"."""
    return format_mean_spread(s["mean"], s["std"], 1, percent=True)


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Test accuracy per activation: one dot per seed, a bar at the mean."""
    acts = results["activations"]
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        ax = fig.add_subplot()
        for i, a in enumerate(acts):
            colour = t.derivative if a["custom"] else t.function
            accs = [100 * r["test_accuracy"] for r in results["runs"][a["key"]]]
            mean = 100 * results["summary"][a["key"]]["mean"]
            ax.plot([mean, mean], [i - 0.32, i + 0.32], color=colour, linewidth=2.4, solid_capstyle="butt")
            ax.plot(accs, [i] * len(accs), linestyle="none", marker="o", markersize=4, color=colour, alpha=0.75)
        ax.axvline(100 * results["chance"], color=t.axis, linewidth=1, linestyle="--")
        ax.set_yticks(range(len(acts)), [a["name"] for a in acts])
        ax.invert_yaxis()
        ax.set_xlabel(f"test accuracy (%) on {results['data']['name']}, {results['params']['n_seeds']} seeds")
        lows = [100 * r["test_accuracy"] for rs in results["runs"].values() for r in rs]
        ax.set_xlim(max(0.0, min(lows) - 3), 100)
        ax.grid(axis="y", visible=False)
        return save_svg(fig, path)


def alt_text(results: dict[str, Any]) -> str:
    """The figure's alt text: best, worst and the custom activation."""
    summary = results["summary"]
    names = {a["key"]: a["name"] for a in results["activations"]}
    best = max(summary, key=lambda k: summary[k]["mean"])
    worst = min(summary, key=lambda k: summary[k]["mean"])
    text = (
        f"Dot plot of the test accuracy of the same MLP trained with each of {len(names)} "
        f"activations, one dot per seed and a bar at the mean. Best mean: {names[best]}, "
        f"{format_percent(summary[best]['mean'])}; lowest: {names[worst]}, "
        f"{format_percent(summary[worst]['mean'])}."
    )
    if CUSTOM_KEY in summary:
        text += f" {names[CUSTOM_KEY]}: {format_percent(summary[CUSTOM_KEY]['mean'])}."
    return text


def table(results: dict[str, Any]) -> str:
    """Activation | accuracy mean ± std | worst seed | best seed.

    The runs' times stay in the JSON: they differ between two builds of the same commit,
    and a page's text must not (the benchmarks page measures speed).
    """
    rows = []
    for a in results["activations"]:
        s = results["summary"][a["key"]]
        rows.append([a["name"], _accuracy(s), format_percent(s["min"]), format_percent(s["max"])])
    headers = ["Activation", "Test accuracy (mean ± std)", "Worst seed", "Best seed"]
    return markdown_table(headers, rows, ["left", "right", "right", "right"])


def requirements_table(results: dict[str, Any]) -> str:
    """Requirement | measured | met."""
    c = results["custom"]
    r = c["requirements"]
    rows = [
        [f"Gradient bounded away from zero: $\\lvert f'(x)\\rvert \\ge {format_number(r['gradient_bounded']['bound'])}$ everywhere",
         f"smallest $\\lvert f'(x)\\rvert$ on $[-{format_number(properties.SCAN_END)}, {format_number(properties.SCAN_END)}]$ "
         f"and at $\\pm 10^8$: {format_number(r['gradient_bounded']['min_gradient'], 6)} "
         f"(ReLU: {format_number(c['relu_min_gradient'])})", "Yes" if r["gradient_bounded"]["ok"] else "No"],
        ["Slowly growing", f"slope far out, $(f(10^8) - f(5 \\cdot 10^7)) / (5 \\cdot 10^7)$ = {format_number(r['slow_growth']['asymptotic_slope'], 6)}; "
         f"largest $\\lvert f(x)\\rvert - {format_number(c['slope'])}\\lvert x\\rvert$ = "
         f"{format_number(r['slow_growth']['max_excess'], 6)}", "Yes" if r["slow_growth"]["ok"] else "No"],
        ["Smooth", f"largest jump of $f'$ between grid points: {format_number(r['smooth']['max_derivative_jump'], 6)}",
         "Yes" if r["smooth"]["ok"] else "No"],
        ["Declared properties", "every property declared for the record matches the measurement"
         if not c["declared_mismatches"] else "; ".join(c["declared_mismatches"]),
         "Yes" if not c["declared_mismatches"] else "No"],
    ]
    return markdown_table(["Requirement", "Measured (float64, autograd)", "Met"], rows, ["left", "left", "center"])


def setup_fragment(results: dict[str, Any]) -> str:
    """The training set-up in one sentence, from the results' parameters."""
    p, d = results["params"], results["data"]
    arrow = " \u2192 "
    return (
        f"Every activation trains the same `{arrow.join(map(str, results['sizes']))}` MLP (PyTorch "
        f"default initialisation) with Adam at learning rate {format_number(p['lr'], 4)}, "
        f"mini-batches of {p['batch_size']} and {p['epochs']} epochs on the {d['train']:,} training "
        f"images; accuracy is measured on the other {d['test']:,}, for {p['n_seeds']} seeds each.\n"
    )


def summary_fragment(results: dict[str, Any]) -> str:
    """Sentences: chance, the lowest, and how the custom activation compares with ReLU."""
    summary = results["summary"]
    names = {a["key"]: a["name"] for a in results["activations"]}
    p = results["params"]
    worst = min(summary, key=lambda k: summary[k]["mean"])
    best = max(summary, key=lambda k: summary[k]["mean"])
    beats = all(s["min"] > results["chance"] for s in summary.values())
    text = (
        f"After {p['epochs']} epochs, {'every run of every activation' if beats else 'not every run'} "
        f"beats chance ({format_percent(results['chance'], 2)}). {names[worst]} is lowest at "
        f"{_accuracy(summary[worst])}; {names[best]} is highest at {_accuracy(summary[best])}."
    )
    if CUSTOM_KEY in summary and "relu" in summary:
        c, r = summary[CUSTOM_KEY], summary["relu"]
        diff = c["mean"] - r["mean"]
        spread = max(c["std"], r["std"])
        if abs(diff) <= spread:
            verdict = "within one seed-to-seed standard deviation, so on this data set it is level with ReLU"
        elif diff > 0:
            verdict = "more than one seed-to-seed standard deviation: it beats ReLU here"
        else:
            verdict = "more than one seed-to-seed standard deviation: ReLU is ahead here"
        text += (
            f" The custom {names[CUSTOM_KEY].replace(' (custom)', '').lower()} reaches "
            f"{_accuracy(c)} against ReLU's {_accuracy(r)} (means {format_number(100 * c['mean'], 2)} % and "
            f"{format_number(100 * r['mean'], 2)} %), a difference of {format_number(100 * diff, 2)} points, "
            f"{verdict}."
        )
    return text + "\n"


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text)},
    tables={"": table, "custom": requirements_table},
    texts={"summary": summary_fragment, "setup": setup_fragment},
)


PARAMS: dict[str, Any] = {
    "keys": [*KEYS, CUSTOM_KEY], "hidden": list(HIDDEN), "n_seeds": N_SEEDS, "epochs": EPOCHS,
    "batch_size": BATCH_SIZE, "lr": LR, "seed": 0,
}


def artifacts() -> list[Artifact]:
    """``experiment-training``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison from the command line, on digits or on a local MNIST copy."""
    parser = argparse.ArgumentParser(prog="python -m actdocs.experiments.training", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mnist", metavar="PATH", help="folder of MNIST IDX files, or mnist.npz (default: digits)")
    parser.add_argument("--seeds", type=int, default=N_SEEDS)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    results = round_floats(run(n_seeds=args.seeds, epochs=args.epochs, mnist=args.mnist, device=args.device), SIGNIFICANT)
    print(table(results), end="")
    return 0


if __name__ == "__main__":  # pragma: no cover - command line
    raise SystemExit(main())
