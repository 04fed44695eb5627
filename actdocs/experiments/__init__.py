"""Experiments: real PyTorch networks, seeded and deterministic, run at build time.

One module per experiment (:data:`EXPERIMENTS`). Each has

* ``run(..., seed=0, device="cpu") -> dict``: pure and deterministic (same arguments,
  same numbers); the dict is what the experiment's JSON holds;
* ``artifacts() -> list[Artifact]``: ``experiment-<name>`` writing
  ``data/experiments/<name>.json`` (the results), ``figures/exp-<name>-light.svg`` and
  ``-dark.svg``, ``tables/exp-<name>.md`` and ``fragments/exp-<name>-*.md`` (sentences
  and image lines whose numbers the page quotes).

Gradients always come from autograd through real ``nn.Linear`` layers; no formula
stands in for a network.

Every JSON file shares the top-level keys written by :func:`header`::

    {"experiment": "<name>", "schema_version": 1, "torch": "2.13.0",
     "device": "cpu", "seed": 0, "params": {...}, ...experiment keys...}

Floats are rounded to :data:`SIGNIFICANT` significant digits by
:func:`actdocs.numbers.round_floats`
(so a file is byte-stable and small); a non-finite float is written as ``null``.
Keys whose name ends in ``seconds`` hold wall-clock times: the only numbers that
differ between two runs.

This module holds the shared helpers: seeding and determinism (:func:`deterministic`),
the MLP builder (:func:`mlp`), the digits data set (:func:`digits`), a training loop
(:func:`train`), JSON writing and the output paths. :func:`artifacts` imports the
experiment modules by name, so that this module's source (which keys every
experiment's cache entry) does not depend on theirs.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from actdocs import catalog
from actdocs.build import Artifact
from actdocs.markdown import image_pair, write_text
from actdocs.numbers import round_floats
from actdocs.style import THEMES, Theme

#: The experiment modules, in the order the page presents them.
EXPERIMENTS: tuple[str, ...] = (
    "gradient_flow",
    "dying_relu",
    "distributions",
    "self_normalisation",
    "training",
    "relu_vs_tanh",
    "gelu_approx",
)

#: Version of the JSON layout; bumped when a documented key changes meaning.
SCHEMA_VERSION = 1

#: Significant digits kept for every float written to JSON.
SIGNIFICANT = 6

#: Torch threads inside the experiments. Their matrices are small (128 x 128): on the
#: shared 2-core build machine a second thread spins against the other processes and
#: made the experiments 3 to 25 times slower (measured), so one thread it is.
#: ``ACTDOCS_EXPERIMENT_THREADS`` overrides it (capped at the machine's core count).
DEFAULT_THREADS = 1

#: The layer sizes of the digits data set: 8 x 8 images, 10 classes.
DIGITS_FEATURES = 64
DIGITS_CLASSES = 10
#: The fixed train/test split of the digits data set.
DIGITS_TEST_SIZE = 0.25
DIGITS_SPLIT_SEED = 0


# ------------------------------------------------------------------ output paths


def data_path(name: str) -> str:
    """``data/experiments/<name>.json``: the results, served to the browser."""
    return f"data/experiments/{name}.json"


def figure_path(name: str, theme: str, part: str = "") -> str:
    """``figures/exp-<name>[-<part>]-<theme>.svg``."""
    middle = f"{name}-{part}" if part else name
    return f"figures/exp-{middle}-{theme}.svg"


def table_path(name: str, part: str = "") -> str:
    """``tables/exp-<name>[-<part>].md``."""
    return f"tables/exp-{name}-{part}.md" if part else f"tables/exp-{name}.md"


def fragment_path(name: str, part: str) -> str:
    """``fragments/exp-<name>-<part>.md``."""
    return f"fragments/exp-{name}-{part}.md"


# ------------------------------------------------------------------ JSON


def dumps(data: dict[str, Any]) -> str:
    """Compact, key-order-preserving JSON of ``data`` with floats rounded; ends in a newline."""
    return json.dumps(round_floats(data, SIGNIFICANT), separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"


def write_json(out: Path, rel: str, data: dict[str, Any]) -> Path:
    """Write ``data`` as :func:`dumps` JSON to ``out / rel``."""
    return write_text(out, rel, dumps(data))


def header(name: str, params: dict[str, Any], seed: int, device: str) -> dict[str, Any]:
    """The keys every experiment's JSON starts with."""
    return {
        "experiment": name,
        "schema_version": SCHEMA_VERSION,
        "torch": torch.__version__.split("+")[0],
        "device": device,
        "seed": seed,
        "params": params,
    }


def without_timings(obj: Any) -> Any:
    """``obj`` with every key ending in ``seconds`` removed (what two runs must share)."""
    if isinstance(obj, dict):
        return {k: without_timings(v) for k, v in obj.items() if not str(k).endswith("seconds")}
    if isinstance(obj, (list, tuple)):
        return [without_timings(v) for v in obj]
    return obj


# ------------------------------------------------------------------ determinism


def threads() -> int:
    """Torch threads for the experiments: :data:`DEFAULT_THREADS` or the env override."""
    wanted = int(os.environ.get("ACTDOCS_EXPERIMENT_THREADS") or DEFAULT_THREADS)
    return max(1, min(wanted, os.cpu_count() or 1))


@contextmanager
def deterministic(seed: int, device: str = "cpu") -> Iterator[torch.Generator]:
    """Seed torch, ask for deterministic algorithms and fix the thread count.

    The caller's random state, deterministic-algorithms flag and thread count are
    restored on exit (``torch.random.fork_rng``), so ``run`` functions stay pure.
    Yields a CPU :class:`torch.Generator` seeded with ``seed + 1`` for data, while
    layer initialisation draws from the global generator seeded with ``seed``.
    """
    if device.startswith("cuda"):
        # cuBLAS needs this to be deterministic; it must be set before its first use.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    was_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    old_threads = torch.get_num_threads()
    cuda_devices = [torch.device(device)] if device.startswith("cuda") else []
    with torch.random.fork_rng(devices=cuda_devices):
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.set_num_threads(threads())
        torch.manual_seed(seed)
        try:
            yield torch.Generator().manual_seed(seed + 1)
        finally:
            torch.use_deterministic_algorithms(was_deterministic, warn_only=was_warn_only)
            torch.set_num_threads(old_threads)


def randn(shape: Sequence[int], generator: torch.Generator, *, dtype=torch.float32, device: str = "cpu") -> torch.Tensor:
    """Standard-normal samples drawn on the CPU from ``generator`` (same on every device)."""
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device)


# ------------------------------------------------------------------ networks

ActivationSpec = str | Callable[[], nn.Module]

#: Initialisations :func:`mlp` knows. ``default`` is PyTorch's own ``nn.Linear`` init:
#: weights and biases uniform on ``(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (Kaiming-uniform
#: with a = sqrt(5)), so weight variance 1 / (3 fan_in).
INITS = ("default", "lecun", "kaiming")


def activation_module(activation: ActivationSpec) -> nn.Module:
    """A fresh module for a catalog key (its ``record.module()``) or from a factory."""
    if isinstance(activation, str):
        return catalog.get(activation).module()
    return activation()


def init_linear(layer: nn.Linear, init: str) -> None:
    """Re-initialise ``layer`` in place.

    ``default`` leaves PyTorch's initialisation; ``lecun`` draws weights from
    N(0, 1/fan_in) and zeroes the bias (what SELU's self-normalisation assumes);
    ``kaiming`` draws from N(0, 2/fan_in) and zeroes the bias (He et al., for ReLU).
    """
    if init == "default":
        return
    gain = {"lecun": 1.0, "kaiming": 2.0}.get(init)
    if gain is None:
        raise ValueError(f"unknown init {init!r}; known: {', '.join(INITS)}")
    with torch.no_grad():
        layer.weight.normal_(0.0, math.sqrt(gain / layer.in_features))
        if layer.bias is not None:
            layer.bias.zero_()


def mlp(
    activation: ActivationSpec,
    sizes: Sequence[int],
    *,
    last_activation: bool = False,
    init: str = "default",
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
) -> nn.Sequential:
    """``Linear(sizes[0], sizes[1]), act, Linear(sizes[1], sizes[2]), act, ...``.

    The activation follows every Linear layer but the last, unless ``last_activation``.
    Layers are created in order from the global torch generator: call it inside
    :func:`deterministic` for the same weights every time.
    """
    if len(sizes) < 2:
        raise ValueError("an MLP needs at least an input and an output size")
    layers: list[nn.Module] = []
    pairs = list(zip(sizes[:-1], sizes[1:]))
    for i, (fan_in, fan_out) in enumerate(pairs):
        linear = nn.Linear(fan_in, fan_out, dtype=dtype)
        init_linear(linear, init)
        layers.append(linear)
        if i < len(pairs) - 1 or last_activation:
            layers.append(activation_module(activation))
    return nn.Sequential(*layers).to(device)


def linears(net: nn.Module) -> list[nn.Linear]:
    """The Linear layers of ``net``, in order."""
    return [m for m in net.modules() if isinstance(m, nn.Linear)]


# ------------------------------------------------------------------ data and training


def standardise(train, test):
    """Scale both sets by the training set's per-feature mean and standard deviation.

    A feature constant on the training set (std 0, like the digits' corner pixels)
    is only centred.
    """
    import numpy as np

    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (train - mean) / std, (test - mean) / std


def digits(device: str = "cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled digits, split and standardised: X_train, y_train, X_test, y_test.

    1797 8 x 8 images of handwritten digits, shipped inside scikit-learn (no download).
    The split is fixed (25 % test, stratified, ``random_state=0``) and the features are
    standardised with the training set's statistics.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=DIGITS_TEST_SIZE, random_state=DIGITS_SPLIT_SEED, stratify=y
    )
    X_train, X_test = standardise(X_train, X_test)
    as_x = lambda a: torch.tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    as_y = lambda a: torch.tensor(a, dtype=torch.int64, device=device)  # noqa: E731
    return as_x(X_train), as_y(y_train), as_x(X_test), as_y(y_test)


def minibatches(n: int, batch_size: int, generator: torch.Generator, device: torch.device) -> Iterator[torch.Tensor]:
    """One epoch's mini-batches: the indices ``0..n-1`` shuffled by ``generator`` (on the
    CPU), moved to ``device``, in slices of ``batch_size``."""
    order = torch.randperm(n, generator=generator).to(device)
    for i in range(0, n, batch_size):
        yield order[i : i + batch_size]


def step(net: nn.Module, optimiser: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor,
         batch: torch.Tensor) -> torch.Tensor:
    """One optimiser step of cross-entropy on the rows ``batch`` of ``X, y``; returns the loss."""
    loss = F.cross_entropy(net(X[batch]), y[batch])
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    return loss


def train(
    net: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    generator: torch.Generator,
) -> dict[str, float]:
    """Train ``net`` with Adam and cross-entropy on shuffled mini-batches.

    A fresh Adam (default betas) each call, in its fused implementation (one kernel for
    all parameters: the same update, a quarter faster on these small networks). The
    shuffle draws from ``generator`` (on the CPU). Returns the last mini-batch loss, the
    wall-clock seconds and the process's CPU seconds (on a shared CPU the latter is the
    steadier measure: it does not count time spent waiting for a core).
    """
    optimiser = torch.optim.Adam(net.parameters(), lr=lr, fused=True)
    net.train()
    start, cpu_start = time.perf_counter(), time.process_time()
    loss = torch.tensor(float("nan"))
    for _ in range(epochs):
        for batch in minibatches(len(X), batch_size, generator, X.device):
            loss = step(net, optimiser, X, y, batch)
    if X.device.type == "cuda":
        torch.cuda.synchronize(X.device)
    return {
        "final_loss": float(loss.detach()),
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu_start,
    }


@torch.no_grad()
def accuracy(net: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Share of ``X`` whose arg-max logit is the label ``y``."""
    net.eval()
    return float((net(X).argmax(dim=1) == y).float().mean())


# ------------------------------------------------------------------ figures

#: Line styles cycled after the colours, so that more series than colours stay apart.
LINESTYLES = ("-", "--", ":", "-.")
#: Colours used from each theme's cycle (the dark cycle has six).
PALETTE_SIZE = 6


def series_styles(theme: Theme, count: int) -> list[dict[str, Any]]:
    """``count`` distinct (colour, line style) keyword sets for ``ax.plot`` in ``theme``.

    Colours come from the theme's colour-blind-safe cycle (its first
    :data:`PALETTE_SIZE`, so that a series keeps its line style in both themes); when
    they run out the line style changes, so no two series share both.
    """
    colours = theme.cycle[:PALETTE_SIZE]
    return [
        {"color": colours[i % PALETTE_SIZE], "linestyle": LINESTYLES[(i // PALETTE_SIZE) % len(LINESTYLES)]}
        for i in range(count)
    ]


# ------------------------------------------------------------------ the artifact list



def write_results(
    out: Path,
    name: str,
    results: dict[str, Any],
    *,
    draws: dict[str, tuple[Callable[[dict, Theme, Path], None], Callable[[dict], str]]],
    tables: dict[str, Callable[[dict], str]],
    texts: dict[str, Callable[[dict], str]],
) -> None:
    """Write an experiment's outputs: its JSON, then, from the rounded results (exactly
    what the JSON holds, so the page quotes the file), every figure in both themes with
    its image fragment (``draws``: part -> (draw, alt text)), every table and every text
    fragment (part -> renderer)."""
    write_json(out, data_path(name), results)
    shown = round_floats(results, SIGNIFICANT)
    for part, (draw, alt) in draws.items():
        for theme in THEMES:
            draw(shown, theme, out / figure_path(name, theme, part))
        write_text(out, fragment_path(name, f"{part}-figure" if part else "figure"),
                   image_pair(alt(shown), figure_path(name, "{theme}", part)))
    for part, render in tables.items():
        write_text(out, table_path(name, part), render(shown))
    for part, render in texts.items():
        write_text(out, fragment_path(name, part), render(shown))


def experiment_artifact(
    name: str,
    module: str,
    make: Callable[..., None],
    params: dict[str, Any],
    *,
    fragments: Sequence[str] = ("figure", "summary"),
    figures: Sequence[str] = ("",),
    tables: Sequence[str] = ("",),
) -> Artifact:
    """The one artifact of an experiment: its JSON, light and dark figures, tables and
    fragments, made by ``make(out, ctx, **params)`` (module constants such as figure sizes
    are keyed by the module's source)."""
    import functools

    return Artifact(
        name=f"experiment-{name}",
        outputs=(
            data_path(name),
            *(figure_path(name, theme, part) for part in figures for theme in THEMES),
            *(table_path(name, part) for part in tables),
            *(fragment_path(name, part) for part in fragments),
        ),
        make=functools.partial(make, **params),
        module=module,
        params=params,
        device_dependent=True,
    )

def artifacts() -> list[Artifact]:
    """Every experiment's artifacts, in :data:`EXPERIMENTS` order."""
    found: list[Artifact] = []
    for module in EXPERIMENTS:
        found.extend(importlib.import_module(f"{__name__}.{module}").artifacts())
    return found
