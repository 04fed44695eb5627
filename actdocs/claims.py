"""Every quantitative claim of the source section, checked against our own measurements.

A :class:`Claim` holds the claim's words (as the source states it, in short), how we
check it, and a function computing a :class:`Finding` from the :class:`Evidence`: the
catalog and measured properties, the experiments' JSON and the benchmark JSON made
earlier in the same build. Nothing here is a typed result: every value and every
verdict is computed when the site is built.

Verdicts:

* ``holds``: the measurement agrees with the claim;
* ``holds only in some regime``: it agrees in one regime (in cache vs memory-bound,
  forward vs backward, this device vs another) and not in another; the regime says which;
* ``does not hold here``: the measurement contradicts the claim on this machine;
* ``not measured``: the evidence is missing (for example a build without benchmarks).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from actdocs.build import Artifact, Context
from actdocs.markdown import markdown_table, write_text
from actdocs.numbers import format_percent, format_sig

Verdict = Literal["holds", "holds only in some regime", "does not hold here", "not measured"]
VERDICTS: tuple[Verdict, ...] = ("holds", "holds only in some regime", "does not hold here", "not measured")

BENCH_JSON = "data/bench-quick.json"
EXPERIMENT_JSON = {
    "gradient_flow": "data/experiments/gradient-flow.json",
    "dying_relu": "data/experiments/dying-relu.json",
    "self_normalisation": "data/experiments/self-normalisation.json",
    "gelu_approx": "data/experiments/gelu-approx.json",
}

#: Share of a claimed speed-up that a measurement must reach for the claim to hold:
#: "6× faster" holds from 4.75×, "40 % faster" from 1.3×.
SPEEDUP_SHARE = 0.75


@dataclass(frozen=True)
class Finding:
    """What we measured for one claim, and the verdict it leads to."""

    measured: str
    verdict: Verdict
    regime: str = ""


@dataclass(frozen=True)
class Evidence:
    """Everything a claim may be checked against, loaded once per build."""

    bench: dict[str, Any] | None
    experiments: dict[str, dict[str, Any] | None]

    @classmethod
    def load(cls, cache: Path) -> "Evidence":
        """Read the benchmark and experiment JSON from the artifact cache (missing: None)."""
        return cls(
            bench=_read_json(cache / BENCH_JSON),
            experiments={name: _read_json(cache / rel) for name, rel in EXPERIMENT_JSON.items()},
        )


@dataclass(frozen=True)
class Claim:
    """One claim of the source: its words, our method, and the check."""

    key: str
    words: str
    method: str
    check: Callable[[Evidence], Finding]
    page: str = ""


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _not_measured(what: str) -> Finding:
    return Finding(f"no {what} in this build", "not measured")


# ------------------------------------------------------------------ measured from functions


def _max_grad(key: str, value: float, at: float) -> Callable[[Evidence], Finding]:
    def check(_: Evidence) -> Finding:
        from actdocs import catalog, properties

        m = properties.measure(catalog.get(key))
        ok = math.isclose(m.max_grad, value, rel_tol=1e-6) and abs(m.max_grad_at - at) < 1e-3
        return Finding(f"{format_sig(m.max_grad, 6)} at x = {format_sig(m.max_grad_at + 0.0, 2)}", "holds" if ok else "does not hold here")

    return check


def _saturates(key: str, beyond: float) -> Callable[[Evidence], Finding]:
    def check(_: Evidence) -> Finding:
        import torch

        from actdocs import catalog, properties

        record = catalog.get(key)
        x = torch.linspace(beyond, 40.0, 36001, dtype=torch.float64)
        largest = properties.derivative(record, torch.cat([x, -x])).abs().max().item()
        verdict: Verdict = "holds" if largest < 0.02 else "does not hold here"
        return Finding(
            f"largest |f′(x)| for |x| ≥ {beyond:g}: {format_sig(largest)}; under 0.01 beyond |x| = "
            f"{format_sig(properties.measure(record).saturation[-1].lo)}",
            verdict,
            "“near zero” read as below 0.02, a fiftieth of tanh's peak slope",
        )

    return check


def _identity(name: str, left: Callable, right: Callable, tol: float = 1e-12) -> Callable[[Evidence], Finding]:
    def check(_: Evidence) -> Finding:
        import torch

        x = torch.linspace(-20, 20, 400001, dtype=torch.float64)
        gap = (left(x) - right(x)).abs().max().item()
        return Finding(f"largest |difference| on [−20, 20] in float64: {format_sig(gap)}", "holds" if gap < tol else "does not hold here")

    return check


def _tanh_from_sigmoid() -> Callable[[Evidence], Finding]:
    import torch

    return _identity("tanh", torch.tanh, lambda x: 2 * torch.sigmoid(2 * x) - 1, 1e-14)


def _mish_form() -> Callable[[Evidence], Finding]:
    import torch
    import torch.nn.functional as F

    return _identity("mish", F.mish, lambda x: x * torch.tanh(F.softplus(x)), 1e-12)


def _hardswish_form() -> Callable[[Evidence], Finding]:
    import torch
    import torch.nn.functional as F

    def piecewise(x):
        return torch.where(x <= -3, torch.zeros_like(x), torch.where(x >= 3, x, x * (x + 3) / 6))

    return _identity("hardswish", F.hardswish, piecewise, 1e-12)


def _linear_collapse(_: Evidence) -> Finding:
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
    return Finding(f"ten stacked layers vs their one-layer W′, b′: largest gap {format_sig(gap)} (float64)",
                   "holds" if gap < 1e-9 else "does not hold here")


def _cross_entropy(_: Evidence) -> Finding:
    import torch
    import torch.nn as nn

    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(256, 10, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 10, (256,), generator=generator)
    gap = abs(nn.CrossEntropyLoss()(logits, targets) - nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), targets)).item()
    return Finding(f"|CE − NLL(LogSoftmax)| on 256 random examples: {format_sig(gap)}", "holds" if gap < 1e-12 else "does not hold here")


def _relu_sparsity(_: Evidence) -> Finding:
    from actdocs import catalog, properties

    x = properties.measurement_grid()
    zeros = properties.standard_normal_mean(x, (catalog.get("relu")(x) == 0).double())
    return Finding(f"share of exact zeros for standard-normal input: {format_sig(zeros, 4)}",
                   "holds" if zeros > 0.4 else "does not hold here",
                   "for inputs centred on zero; a bias shifts the share")


# ------------------------------------------------------------------ from experiments


def _sigmoid_bound(e: Evidence) -> Finding:
    data = e.experiments.get("gradient_flow")
    if not data:
        return _not_measured("gradient-flow experiment")
    bound = data["bound"]
    sig = bound["activations"]["sigmoid"]
    ratio = sig["input_gradient_ratio"]
    return Finding(
        f"0.25¹⁰ = {format_sig(bound['bound'])}; a real 10-layer sigmoid MLP passes {format_sig(ratio)} of the output gradient to layer 1",
        "holds" if ratio <= bound["bound"] * 10 else "does not hold here",
        "the bound counts only the activation's slope; the weights shrink the gradient further (see Experiments)",
    )


def _dying_relu(e: Evidence) -> Finding:
    data = e.experiments.get("dying_relu")
    if not data:
        return _not_measured("dying-ReLU experiment")
    share = data["dead_share"]
    relu, leaky, sane = (share[c]["trained"] for c in ("relu-high-lr", "leaky-high-lr", "relu-sane-lr"))
    verdict: Verdict = "holds" if relu > leaky and relu > sane else "does not hold here"
    return Finding(
        f"dead after training: ReLU, high LR {format_percent(relu, 2)}; Leaky ReLU, high LR {format_percent(leaky, 2)}; ReLU, default LR {format_percent(sane, 2)}",
        verdict,
    )


def _selu(e: Evidence) -> Finding:
    data = e.experiments.get("self_normalisation")
    if not data:
        return _not_measured("self-normalisation experiment")
    layers, depth = data["layers"], data["depth"]
    selu, tanh = layers["selu-lecun"], layers["tanh-lecun"]
    verdict: Verdict = "holds" if selu["kept"] == depth and tanh["kept"] < depth else "does not hold here"
    return Finding(
        f"SELU keeps mean within ±{data['mean_tolerance']:g} and variance within ±{data['var_tolerance']:g} of "
        f"(0, 1) for {selu['kept']} of {depth} layers (last: mean {format_sig(selu['mean'][-1])}, variance "
        f"{format_sig(selu['var'][-1])}); tanh with the same weights for {tanh['kept']}",
        verdict,
        "with LeCun-normal initialisation; with PyTorch's default init SELU keeps it for "
        f"{layers['selu-default']['kept']} layers",
    )


def _gelu_approx(e: Evidence) -> Finding:
    data = e.experiments.get("gelu_approx")
    if not data:
        return _not_measured("GELU-approximation experiment")
    low, high = data["range"]
    f32, f64 = data["dtypes"]["float32"], data["dtypes"]["float64"]
    return Finding(
        f"largest error {format_sig(f64['max_abs_error'])} at |x| = {format_sig(abs(f64['max_at']))}, mean "
        f"{format_sig(f64['mean_abs_error'])} on [{format_sig(low)}, {format_sig(high)}] (float64); float32's own rounding of exact "
        f"GELU: {format_sig(f32['exact_max_abs_error'])}",
        "holds" if f64["max_abs_error"] < 1e-3 else "does not hold here",
        "an approximation to about three decimals, not to float32 precision",
    )


# ------------------------------------------------------------------ from the benchmark


def _cells(bench: dict[str, Any], **where: str) -> dict[str, dict[str, Any]]:
    """Benchmark cells matching ``where`` (float32 unless said), by activation key.

    Cells the benchmark flagged as noisy (other processes competed for the CPU while
    they were timed) are left out: no verdict rests on them.
    """
    where = {"dtype": "float32", **where}
    return {c["key"]: c for c in bench["cells"]
            if all(c.get(k) == v for k, v in where.items()) and not c.get("noisy")}


def _noisy_note(bench: dict[str, Any]) -> str:
    noisy = sum(bool(c.get("noisy")) for c in bench["cells"])
    return f"; {noisy} of {len(bench['cells'])} cells were flagged noisy and left out" if noisy else ""


def _regimes(bench: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """The (label, filter) pairs of the regimes the benchmark measured, cache first."""
    found = []
    for size, size_label in (("cache", "1000×256 (in cache)"), ("memory", "2²⁴ elements, preallocated (memory-bound)")):
        for mode in ("forward", "forward+backward"):
            convention = "as called" if size == "cache" else "preallocated"
            where = {"size": size, "mode": mode, "convention": convention}
            if _cells(bench, **where):
                found.append((f"{size_label}, {mode}", where))
    return found


def _threshold(claimed: float) -> float:
    """The smallest measured speed-up that counts as agreeing with a claimed one."""
    return 1 + (claimed - 1) * SPEEDUP_SHARE


def _speed_ratio(slow: str, fast: str, claimed: float, describe: str) -> Callable[[Evidence], Finding]:
    """A claim that ``fast`` runs ``claimed`` times as fast as ``slow``."""

    def check(e: Evidence) -> Finding:
        if not e.bench:
            return _not_measured("benchmark")
        parts, agrees = [], []
        for label, where in _regimes(e.bench):
            cells = _cells(e.bench, **where)
            if slow in cells and fast in cells:
                ratio = cells[slow]["median_s"] / cells[fast]["median_s"]
                parts.append(f"{label}: {ratio:.2f}×")
                agrees.append(ratio >= _threshold(claimed))
        if not parts:
            return _not_measured(f"quiet {slow}/{fast} benchmark cells")
        device = e.bench["environment"].get("device_name", e.bench["environment"].get("device", ""))
        verdict: Verdict = ("holds" if all(agrees) else "does not hold here" if not any(agrees)
                            else "holds only in some regime")
        return Finding("; ".join(parts), verdict, f"{describe} on {device}; a claim holds where the ratio is at least "
                       f"{_threshold(claimed):.2f}×{_noisy_note(e.bench)}")

    return check


def _absolute_times(e: Evidence) -> Finding:
    if not e.bench:
        return _not_measured("benchmark")
    cells = _cells(e.bench, size="cache", mode="forward", convention="as called")
    if "silu" not in cells or "hardswish" not in cells:
        return _not_measured("quiet SiLU/Hardswish benchmark cells")
    silu, hard = cells["silu"]["median_s"] * 1e3, cells["hardswish"]["median_s"] * 1e3
    threads = e.bench["environment"].get("threads")
    close = abs(silu - 0.5) / 0.5 < 0.5 and abs(hard - 0.3) / 0.3 < 0.5
    return Finding(f"SiLU {silu:.3f} ms, Hardswish {hard:.3f} ms", "holds" if close else "does not hold here",
                   f"1000×256 float32 forward with {threads} threads; absolute times depend on the machine")


def _exponentials(e: Evidence) -> Finding:
    if not e.bench:
        return _not_measured("benchmark")
    parts, slower = [], []
    for label, where in _regimes(e.bench)[:1]:
        cells = _cells(e.bench, **where)
        for key in ("sigmoid", "tanh", "gelu", "elu"):
            if key in cells and "relu" in cells:
                ratio = cells[key]["median_s"] / cells["relu"]["median_s"]
                parts.append(f"{key} {ratio:.1f}×")
                slower.append(ratio > 1.2)
        memory = _cells(e.bench, size="memory", mode="forward", convention="preallocated")
        spread = [memory[k]["median_s"] / memory["relu"]["median_s"] for k in ("sigmoid", "tanh", "gelu", "elu")
                  if k in memory and "relu" in memory]
    if not parts:
        return _not_measured("quiet benchmark cells")
    verdict: Verdict = "holds" if all(slower) else ("holds only in some regime" if any(slower) else "does not hold here")
    regime = f"in cache, relative to ReLU{_noisy_note(e.bench)}"
    if spread:
        regime += f"; memory-bound they run at {min(spread):.1f}–{max(spread):.1f}× ReLU's time"
        if max(spread) < 1.2 and verdict == "holds":
            verdict = "holds only in some regime"
    return Finding(", ".join(parts), verdict, regime)


CLAIMS: tuple[Claim, ...] = (
    Claim("sigmoid-max-grad", "The maximum gradient of sigmoid is 0.25, at x = 0.",
          "Autograd on a float64 grid over [−40, 40].", _max_grad("sigmoid", 0.25, 0.0), "classic.md"),
    Claim("tanh-max-grad", "Tanh's maximum gradient is 1.0, at x = 0.",
          "Autograd on a float64 grid over [−40, 40].", _max_grad("tanh", 1.0, 0.0), "classic.md"),
    Claim("sigmoid-saturates", "σ′(x) ≈ 0 when |x| > 4.",
          "Largest derivative beyond the threshold, and where it drops under 0.01.", _saturates("sigmoid", 4.0), "classic.md"),
    Claim("tanh-saturates", "tanh′(x) ≈ 0 when |x| > 3.",
          "Largest derivative beyond the threshold, and where it drops under 0.01.", _saturates("tanh", 3.0), "classic.md"),
    Claim("sigmoid-ten-layers", "Through 10 sigmoid layers the gradient at layer 1 is at most 0.25¹⁰.",
          "The bound against a real 10-layer sigmoid MLP (autograd).", _sigmoid_bound, "experiments.md"),
    Claim("tanh-rescaled-sigmoid", "tanh(x) = 2σ(2x) − 1.",
          "Both sides in float64 on 400 001 points.", _tanh_from_sigmoid(), "classic.md"),
    Claim("linear-collapse", "Stacked linear layers are one linear layer, W′ = W₂W₁, b′ = W₂b₁ + b₂.",
          "Ten random layers against their product, float64.", _linear_collapse, "why-nonlinearity.md"),
    Claim("relu-vs-sigmoid-speed", "ReLU is 6× faster than sigmoid in practice.",
          "Median times from the benchmark, same run, same threads.",
          _speed_ratio("sigmoid", "relu", 6.0, "sigmoid's time over ReLU's"), "benchmarks.md"),
    Claim("hardswish-vs-swish-speed", "Hardswish is about 40 % faster than Swish.",
          "Median times from the benchmark, same run, same threads.",
          _speed_ratio("silu", "hardswish", 1.4, "SiLU's time over Hardswish's"), "benchmarks.md"),
    Claim("swish-hardswish-ms", "On a 1000×256 tensor Swish takes about 0.5 ms, Hardswish about 0.3 ms.",
          "Forward medians from the benchmark (within 50 % counts as agreeing).", _absolute_times, "benchmarks.md"),
    Claim("exponentials-expensive", "Exponentials make sigmoid, tanh, GELU and ELU expensive.",
          "Each one's time over ReLU's, in cache and memory-bound.", _exponentials, "benchmarks.md"),
    Claim("hardswish-piecewise", "Hardswish(x) = 0 for x ≤ −3, x(x + 3)/6 between, x for x ≥ 3.",
          "The piecewise form against F.hardswish in float64.", _hardswish_form(), "modern.md"),
    Claim("gelu-tanh-approx", "0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) approximates GELU.",
          "Largest error against exact GELU over [−10, 10].", _gelu_approx, "experiments.md"),
    Claim("mish-form", "Mish(x) = x · tanh(softplus(x)).",
          "The formula against F.mish in float64.", _mish_form(), "modern.md"),
    Claim("selu-self-normalising", "SELU is self-normalising.",
          "Mean and variance through a deep SELU MLP with LeCun-normal init.", _selu, "experiments.md"),
    Claim("relu-sparsity", "ReLU outputs exactly zero for negative inputs, giving sparse activations.",
          "Share of exact zeros for standard-normal input (quadrature).", _relu_sparsity, "relu.md"),
    Claim("dying-relu", "A too-high learning rate kills ReLU units; Leaky ReLU avoids it.",
          "Units dead on the whole training set after training at a high learning rate.", _dying_relu, "experiments.md"),
    Claim("cross-entropy", "nn.CrossEntropyLoss combines LogSoftmax and NLLLoss.",
          "Both losses on the same random logits, float64.", _cross_entropy, "choosing.md"),
)


def evaluate(evidence: Evidence) -> list[tuple[Claim, Finding]]:
    """Every claim with its finding, in the source's order."""
    return [(claim, claim.check(evidence)) for claim in CLAIMS]


def claims_table(results: list[tuple[Claim, Finding]]) -> str:
    """The claims-checked table: claim, how, measured, verdict, regime."""
    rows = [[c.words, c.method, f.measured, f"**{f.verdict}**", f.regime] for c, f in results]
    return markdown_table(["The source says", "How we check", "We measured", "Verdict", "Regime and notes"], rows)


def _make(out: Path, ctx: Context) -> None:
    results = evaluate(Evidence.load(ctx.cache))
    write_text(out, "tables/claims.md", claims_table(results))
    document = [{"key": c.key, "claim": c.words, "method": c.method, "measured": f.measured,
                 "verdict": f.verdict, "regime": f.regime} for c, f in results]
    write_text(out, "data/claims.json", json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def artifacts(with_bench: bool = True) -> list[Artifact]:
    """The claims table and its JSON, made after the experiments and the benchmark."""
    reads = tuple(EXPERIMENT_JSON.values()) + ((BENCH_JSON,) if with_bench else ())
    return [Artifact("claims", ("tables/claims.md", "data/claims.json"), _make, "actdocs.claims", reads=reads)]
