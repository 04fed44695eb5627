"""The evidence the claims are checked against, and the readers that measure it.

:class:`Evidence` holds the experiments' JSON and the recorded benchmark runs; each
reader turns it into :class:`Reading` values, one per regime, for a sense of a claim
in :mod:`actdocs.textbook.claims`. The thresholds below are the ones the claims' rules and
readers share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from actdocs import paths
from actdocs.measure import recorded
from actdocs.engine.artifact import REPO_ROOT
from actdocs.catalog import SATURATION_THRESHOLD
from actdocs.render.numbers import format_number, format_percent, format_ratio, format_sig
from actdocs.measure.verdicts import Measured

#: The experiments whose results a claim or statement reads, and where each one's JSON lies.
EXPERIMENT_JSON = {module: paths.experiment_data(paths.experiment_name(module))
                   for module in ("gradient_flow", "dying_relu", "self_normalisation", "gelu_approx", "relu_vs_tanh")}

#: The bound of the ten-layer quick check: ten factors of sigmoid's peak slope.
SIGMOID_BOUND = 0.25**10
@dataclass(frozen=True)
class Evidence:
    """Everything a claim is checked against: the experiments' JSON and the recorded runs
    (empty when ``data/bench/`` holds none; None in tests that give no timing evidence)."""

    experiments: dict[str, dict[str, Any] | None]
    runs: list[recorded.Run] | None

    @classmethod
    def load(cls, cache: Path, root: Path = REPO_ROOT) -> "Evidence":
        """Read the experiment JSON from the cache and the recorded runs from the repository."""
        return cls({name: _read_json(cache / rel) for name, rel in EXPERIMENT_JSON.items()}, recorded.runs(root))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


#: How the page names an initialisation.
INIT_WORDS = {"default": "PyTorch's default initialisation", "xavier": "Glorot (Xavier) normal",
              "lecun": "LeCun normal", "kaiming": "He (Kaiming) normal", "orthogonal": "orthogonal"}


@dataclass(frozen=True)
class Setting:
    """The setting a claim names, or a reading was measured in; an empty field names nothing.

    ``size``, ``mode`` and ``convention`` are the benchmark's (``cache``, ``forward``,
    ``as called``), ``init`` an initialisation of :data:`INIT_WORDS`, ``reading`` how a
    word of the claim is read ("|f′| < 0.01" for "≈ 0").
    """

    size: str = ""
    mode: str = ""
    convention: str = ""
    dtype: str = ""
    device: str = ""
    init: str = ""
    reading: str = ""

    def covers(self, other: "Setting") -> bool:
        """Whether ``other`` is this setting: it agrees on every field this one names."""
        return all(not mine or mine == getattr(other, name) for name, mine in vars(self).items())

    def words(self) -> str:
        """The setting for the page; "any" when it names nothing."""
        convention = "preallocated outputs" if self.convention == "preallocated" else self.convention
        parts = [recorded.SIZES.get(self.size, self.size), self.mode, convention, self.dtype, self.device,
                 INIT_WORDS.get(self.init, self.init), self.reading]
        return ", ".join(p for p in parts if p) or "any"


@dataclass(frozen=True)
class Reading:
    """One measurement: its regime's label (empty for a single regime), value and words, the
    setting it was measured in, and the recorded run (and its device) it comes from, if any."""

    regime: str
    measured: Measured | None
    text: str
    setting: Setting = Setting()
    run: str = ""
    device: str = ""


# ------------------------------------------------------------------ readers: the functions


def _not_measured(text: str) -> list[Reading]:
    return [Reading("", None, text)]


def peak(key: str, value: float, at: float) -> Callable[[Evidence], list[Reading]]:
    def read(_: Evidence) -> list[Reading]:
        from actdocs import catalog
        from actdocs.measure import properties

        m = properties.measure(catalog.get(key))
        gap = max(abs(m.max_grad - value) / value, abs(m.max_grad_at - at))
        return [Reading("", Measured.exact(gap),
                        f"peak {format_sig(m.max_grad, 6)} at x = {format_sig(m.max_grad_at + 0.0, 2)}")]

    return read


#: "≈ 0" read as |f′| below the site's saturation threshold; the neighbours shown beside it.
SATURATION_EPS = SATURATION_THRESHOLD
SATURATION_OTHER_EPS = (0.005, 0.02)


def saturation_edge(key: str, eps: float, negative_only: bool = False) -> float | None:
    """The smallest |x| from which on |f′| stays below ``eps`` (to the grid's step), None if it never does;
    with ``negative_only``, on the negative side alone (GELU's tail, where its positive side never fades)."""
    import torch

    from actdocs import catalog
    from actdocs.measure import properties

    x = properties.measurement_grid()
    far = torch.tensor([-properties.FAR] if negative_only else [-properties.FAR, properties.FAR], dtype=x.dtype)
    x = x[x < 0] if negative_only else x
    record = catalog.get(key)
    if properties.derivative(record, far).abs().max().item() >= eps:
        return None
    awake = x[properties.derivative(record, x).abs() >= eps].abs()
    return awake.max().item() if len(awake) else 0.0


def saturates(key: str) -> Callable[[Evidence], list[Reading]]:
    """The measured saturation edge of ``key``: at the site's threshold and its neighbours."""
    def read(_: Evidence) -> list[Reading]:
        found = []
        for eps in (SATURATION_EPS, *SATURATION_OTHER_EPS):
            label = f"|f′| < {format_number(eps, 4)}"
            edge = saturation_edge(key, eps)
            found.append(Reading(label, None if edge is None else Measured.exact(edge),
                                 f"|f′| never stays below {format_number(eps, 4)}" if edge is None
                                 else f"|f′| < {format_number(eps, 4)} from |x| = {format_sig(edge)} on",
                                 Setting(reading=label)))
        return found

    return read


def identity(left: Callable, right: Callable) -> Callable[[Evidence], list[Reading]]:
    def read(_: Evidence) -> list[Reading]:
        import torch

        x = torch.linspace(-20, 20, 400001, dtype=torch.float64)
        gap = (left(x) - right(x)).abs().max().item()
        return [Reading("", Measured.exact(gap), f"largest |difference| on [−20, 20]: {format_sig(gap)}")]

    return read


def tanh_from_sigmoid(x):
    import torch

    return 2 * torch.sigmoid(2 * x) - 1


def tanh(x):
    import torch

    return torch.tanh(x)


def mish_formula(x):
    import torch
    import torch.nn.functional as F

    return x * torch.tanh(F.softplus(x))


def mish(x):
    import torch.nn.functional as F

    return F.mish(x)


def hardswish_pieces(x):
    import torch

    return torch.where(x <= -3, torch.zeros_like(x), torch.where(x >= 3, x, x * (x + 3) / 6))


def hardswish(x):
    import torch.nn.functional as F

    return F.hardswish(x)


def linear_collapse(_: Evidence) -> list[Reading]:
    import torch

    generator = torch.Generator().manual_seed(0)
    layers = [(torch.randn(16, 16, generator=generator, dtype=torch.float64) / 4,
               torch.randn(16, generator=generator, dtype=torch.float64)) for _ in range(10)]
    x = torch.randn(64, 16, generator=generator, dtype=torch.float64)
    h, weight, bias = x, torch.eye(16, dtype=torch.float64), torch.zeros(16, dtype=torch.float64)
    for w, b in layers:
        h = h @ w.T + b
        weight, bias = w @ weight, w @ bias + b
    gap = (h - (x @ weight.T + bias)).abs().max().item()
    return [Reading("", Measured.exact(gap), f"ten stacked layers against their one-layer W′, b′: largest gap {format_sig(gap)}")]


def cross_entropy(_: Evidence) -> list[Reading]:
    import torch
    import torch.nn as nn

    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(256, 10, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 10, (256,), generator=generator)
    gap = abs(nn.CrossEntropyLoss()(logits, targets) - nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), targets)).item()
    return [Reading("", Measured.exact(gap), f"|CE − NLL(LogSoftmax)| on 256 random examples: {format_sig(gap)}")]


def relu_sparsity(_: Evidence) -> list[Reading]:
    from actdocs import catalog
    from actdocs.measure import properties

    x = properties.measurement_grid()
    zeros = properties.standard_normal_mean(x, (catalog.get("relu")(x) == 0).double())
    return [Reading("", Measured.exact(zeros), f"share of exact zeros for standard-normal input: {format_percent(zeros, 4)}")]


# ------------------------------------------------------------------ readers: experiments


def _from(name: str) -> Callable[[Callable[[dict[str, Any]], list[Reading]]], Callable[[Evidence], list[Reading]]]:
    """A reader of the experiment ``name``'s JSON; "not measured" when the build lacks it."""
    def wrap(read: Callable[[dict[str, Any]], list[Reading]]) -> Callable[[Evidence], list[Reading]]:
        def reader(e: Evidence) -> list[Reading]:
            data = e.experiments.get(name)
            if not data:
                return _not_measured(f"not measured (no {name.replace('_', '-')} experiment in this build)")
            return read(data)

        return reader

    return wrap


def sigmoid_bound(part: str) -> Callable[[Evidence], list[Reading]]:
    """The ten-layer sigmoid network under each initialisation the experiment ran: ``part`` is
    ``input_gradient_ratio`` (the gradient norm reaching layer 1 over the output's) or
    ``slope_product`` (the activations' share of it, the slopes alone)."""
    @_from("gradient_flow")
    def read(data: dict[str, Any]) -> list[Reading]:
        b = data["bound"]
        inits = b.get("inits") or {}
        if not inits:
            return _not_measured("not measured (the experiment ran no initialisation for the bound)")
        found = []
        for init, m in inits.items():
            value = m[part]
            words = (f"passes {format_sig(value)} of the output's gradient norm to layer 1's pre-activations "
                     f"(weights' part {format_sig(m['weight_product'])})" if part == "input_gradient_ratio"
                     else f"slope factors multiply to {format_sig(value)}")
            found.append(Reading(INIT_WORDS.get(init, init), Measured.exact(value),
                                 f"{words}; {format_sig(value / b['bound'], 2)} × 0.25¹⁰", Setting(init=init)))
        return found

    return read


def gradient_depth(init: str) -> Callable[[Evidence], list[Reading]]:
    @_from("gradient_flow")
    def read(data: dict[str, Any]) -> list[Reading]:
        ratio = data["at_depth"]["relu"]["ratio_first_last"][init]
        return [Reading("", Measured.exact(ratio),
                        f"through {data['depth']} ReLU layers the first gets {format_sig(ratio)} of the last "
                        f"layer's weight-gradient norm")]

    return read


def selu(init: str) -> Callable[[Evidence], list[Reading]]:
    @_from("self_normalisation")
    def read(data: dict[str, Any]) -> list[Reading]:
        depth, layers = data["depth"], data["layers"]
        kept, tanh = layers[f"selu-{init}"]["kept"], layers[f"tanh-{init}"]["kept"]
        return [Reading("", Measured.exact(kept / depth),
                        f"SELU keeps mean within ±{format_number(data['mean_tolerance'])} and variance within "
                        f"±{format_number(data['var_tolerance'])} of (0, 1) for {kept} of {depth} layers; "
                        f"tanh with the same weights for {tanh}")]

    return read


@_from("gelu_approx")
def gelu_error(data: dict[str, Any]) -> list[Reading]:
    f64 = data["dtypes"]["float64"]
    low, high = data["range"]
    return [Reading("", Measured.exact(f64["max_abs_error"]),
                    f"largest error {format_sig(f64['max_abs_error'])} at |x| = {format_sig(abs(f64['max_at']))} "
                    f"on [{format_number(low)}, {format_number(high)}], float64")]


@_from("relu_vs_tanh")
def alexnet_sense(data: dict[str, Any]) -> list[Reading]:
    key = format(data["verdict_threshold"], "g")
    s = data["speedup"][key]
    if not s:
        return _not_measured("not measured (an activation missed the training error on some seed)")
    return [Reading("", Measured(s["mean"], s["min"], s["max"]),
                    f"steps to {format_percent(data['verdict_threshold'], 2)} training error, tanh over ReLU: "
                    f"{format_ratio(s['mean'])} (from {format_ratio(s['min'])} to {format_ratio(s['max'])} over "
                    f"{data['params']['n_seeds']} seeds)")]


@_from("dying_relu")
def killed(data: dict[str, Any]) -> list[Reading]:
    total = sum(data["hidden"])
    high, sane = data["runs"]["relu-high-lr"], data["runs"]["relu-sane-lr"]
    gaps = [(sum(a["dead"]["trained"]) - sum(b["dead"]["trained"])) / total for a, b in zip(high, sane)]
    share = data["dead_share"]
    return [Reading("", Measured.spread(gaps),
                    f"dead after training: {format_percent(share['relu-high-lr']['trained'])} at the high rate, "
                    f"{format_percent(share['relu-sane-lr']['trained'])} at Adam's default; difference "
                    f"{format_percent(min(gaps))} to {format_percent(max(gaps))} over seeds")]


def _per_seed_share(data: dict[str, Any], config: str, part: str) -> list[float]:
    """``part`` over the units stuck after training, for each seed that had any."""
    return [sum(r[part]) / sum(r["dead"]["trained"]) for r in data["runs"][config] if sum(r["dead"]["trained"])]


@_from("dying_relu")
def leaky_gradient(data: dict[str, Any]) -> list[Reading]:
    leaky, relu = (_per_seed_share(data, c, "zero_gradient") for c in ("leaky-high-lr", "relu-high-lr"))
    if not leaky:
        return _not_measured("not measured (no Leaky ReLU unit was stuck)")
    return [Reading("", Measured.spread(leaky),
                    f"stuck units with an exactly zero gradient: Leaky ReLU {format_percent(max(leaky))} at most "
                    f"over seeds; ReLU {format_percent(min(relu)) if relu else '–'} at least")]


@_from("dying_relu")
def leaky_recovery(data: dict[str, Any]) -> list[Reading]:
    leaky, relu = (_per_seed_share(data, c, "revived") for c in ("leaky-high-lr", "relu-high-lr"))
    if not leaky:
        return _not_measured("not measured (no Leaky ReLU unit was stuck)")
    p = data["params"]
    return [Reading("", Measured.spread(leaky),
                    f"of the units stuck after training, active again after {p['recovery_epochs']} epochs at "
                    f"{format_number(p['sane_lr'], 4)}: Leaky ReLU {format_percent(min(leaky))} to "
                    f"{format_percent(max(leaky))} over seeds; ReLU "
                    f"{format_percent(min(relu)) if relu else '–'} to {format_percent(max(relu)) if relu else '–'}")]


# ------------------------------------------------------------------ readers: recorded runs

#: A "preallocated" cell whose backward has no allocation-free kernel: it times the allocator too.
ALLOCATES = "not comparable"


def kernel_ratio(numerator: str, denominator: str, sizes: tuple[str, ...] = tuple(recorded.SIZES),
                 modes: tuple[str, ...] = ("forward",), conventions: tuple[str, ...] = ("preallocated",),
                 ) -> Callable[[Evidence], list[Reading]]:
    """``numerator``'s time over ``denominator``'s, eager float32, in every recorded run and in
    each of ``sizes`` × ``modes`` × ``conventions``: one reading per run and setting."""

    def read(e: Evidence) -> list[Reading]:
        if not e.runs:
            return _not_measured(recorded.NO_RUN)
        readings = []
        for size in sizes:
            for mode in modes:
                for convention in conventions:
                    for run in e.runs:
                        device = recorded.device(run)
                        setting = Setting(size, mode, convention, "float32", device)
                        m = recorded.ratio(run, numerator, denominator, size=size, mode=mode, convention=convention)
                        allocates = recorded.allocating(run, (numerator, denominator), size=size, mode=mode,
                                                        convention=convention)
                        if allocates:  # the allocator's time, not the function's: no verdict
                            m, text = None, f"{ALLOCATES}, {allocates}"
                        else:
                            text = (f"{format_ratio(m.value)} ({format_ratio(m.low)}–{format_ratio(m.high)})"
                                    if m else recorded.FLAGGED)
                        readings.append(Reading(setting.words(), m, text, setting, run.label, device))
        return readings

    return read


def each(keys: tuple[str, ...], against: str) -> Callable[[Evidence], list[Reading]]:
    """Every key's time over ``against``'s, each regime labelled with the key."""

    def read(e: Evidence) -> list[Reading]:
        found: list[Reading] = []
        for key in keys:
            for r in kernel_ratio(key, against)(e):
                found.append(replace(r, regime=f"{key}, {r.regime}" if r.regime else ""))
        return found if e.runs else _not_measured(recorded.NO_RUN)

    return read
