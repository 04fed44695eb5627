"""GELU's tanh approximation: how far it is from the exact function, and where.

On the grid ``x = lo, lo + step, ..., hi`` (``[-10, 10]`` with step 1e-4: 200 001
points), rounded to each dtype, the experiment evaluates PyTorch's
``F.gelu(x, approximate="tanh")`` in that dtype and compares it with the exact GELU,
``F.gelu(x)`` evaluated in float64 at the same (rounded) points. It reports the largest
and the mean absolute error and where the largest occurs. As a yardstick it also
measures the exact ``F.gelu`` in the same dtype against the float64 reference: in
float32 that rounding error is the floor no formula can beat.

The error is an even function of x (GELU(x) - GELU(-x) = x, and the same holds for the
approximation), so it peaks at a pair ``±x``; ``max_at`` is the |x| of the peak.

JSON (``data/experiments/gelu-approx.json``), besides the common header::

    range: [-10, 10], step: 0.0001, points: 200001
    dtypes: {"float32" | "float64": {
        "max_abs_error", "max_at",            # |x| where the largest error occurs
        "mean_abs_error",
        "exact_max_abs_error", "exact_mean_abs_error",   # exact F.gelu in this dtype
        "envelope": {"x": [...], "approx": [...], "exact": [...]}}}
        # envelope: the largest error in each of ``envelope`` equal windows, at the
        # window's centre (what the figure draws)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import torch
import torch.nn.functional as F

from actdocs.engine.artifact import Artifact
from actdocs.experiments.output import Parts, experiment_artifact, header
from actdocs.experiments.seeding import deterministic
from actdocs.render.numbers import format_number, format_sig
from actdocs.render.style import new_figure, save_svg, use_theme
from actdocs.render.markdown import markdown_table

MODULE = "actdocs.experiments.gelu_approx"
NAME = "gelu-approx"

LO, HI = -10.0, 10.0
#: Grid points per unit of x (step 1e-4).
PER_UNIT = 10_000
DTYPES: tuple[str, ...] = ("float32", "float64")
ENVELOPE = 400

FIGSIZE = (7.5, 3.8)


def _envelope(x: torch.Tensor, err: torch.Tensor, windows: int) -> tuple[list[float], list[float]]:
    n = (len(x) // windows) * windows
    xs = x[:n].reshape(windows, -1).mean(dim=1)
    es = err[:n].reshape(windows, -1).amax(dim=1)
    return xs.tolist(), es.tolist()


def _measure(dtype: torch.dtype, lo: float, hi: float, per_unit: int, windows: int, device: str) -> dict[str, Any]:
    k = torch.arange(round(lo * per_unit), round(hi * per_unit) + 1, dtype=torch.float64)
    x = (k / per_unit).to(device=device, dtype=dtype)
    x64 = x.to(torch.float64)
    reference = F.gelu(x64)
    approx = F.gelu(x, approximate="tanh").to(torch.float64)
    exact = F.gelu(x).to(torch.float64)
    err = (approx - reference).abs().cpu()
    err_exact = (exact - reference).abs().cpu()
    x64 = x64.cpu()
    peak = int(err.argmax())
    env_x, env_approx = _envelope(x64, err, windows)
    _, env_exact = _envelope(x64, err_exact, windows)
    return {
        "max_abs_error": float(err[peak]),
        "max_at": abs(float(x64[peak])),
        "mean_abs_error": float(err.mean()),
        "exact_max_abs_error": float(err_exact.max()),
        "exact_mean_abs_error": float(err_exact.mean()),
        "envelope": {"x": env_x, "approx": env_approx, "exact": env_exact},
    }


def run(
    lo: float = LO,
    hi: float = HI,
    per_unit: int = PER_UNIT,
    dtypes: Sequence[str] = DTYPES,
    envelope: int = ENVELOPE,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, Any]:
    """Errors of the tanh approximation against exact GELU, per dtype."""
    params = {"lo": lo, "hi": hi, "per_unit": per_unit, "dtypes": list(dtypes), "envelope": envelope,
              "reference": "F.gelu in float64", "approximation": 'F.gelu(x, approximate="tanh")'}
    with deterministic(seed, device):  # nothing random; fixes threads and algorithms
        results = {d: _measure(getattr(torch, d), lo, hi, per_unit, envelope, device) for d in dtypes}
    return {
        **header(NAME, params, seed, device),
        "range": [lo, hi],
        "step": 1 / per_unit,
        "points": round((hi - lo) * per_unit) + 1,
        "dtypes": results,
    }


# ------------------------------------------------------------------ rendering


def _gaps(values: list[float]) -> list[float]:
    """Zero errors (both sides round to the same float) as NaN: a gap on the log axis."""
    return [v if v else math.nan for v in values]


def draw(results: dict[str, Any], theme: str, path: Path) -> Path:
    """Absolute error against x, log scale: the approximation per dtype, exact float32's rounding."""
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        ax = fig.add_subplot()
        styles = {"float64": dict(color=t.function, linestyle="-"), "float32": dict(color=t.derivative, linestyle="--")}
        # float64 first: float32's dashes are drawn over it, so both show where they coincide
        for dtype in sorted(results["dtypes"], key=lambda d: d != "float64"):
            env = results["dtypes"][dtype]["envelope"]
            ax.plot(env["x"], _gaps(env["approx"]), linewidth=1.6, label=f"tanh approximation, {dtype}",
                    **styles.get(dtype, {}))
        if "float32" in results["dtypes"]:
            env = results["dtypes"]["float32"]["envelope"]
            ax.plot(env["x"], _gaps(env["exact"]), linewidth=1.2, color=t.muted, linestyle=":",
                    label="exact F.gelu, float32 (rounding only)")
        ax.set_yscale("log")
        ax.set_xlim(*results["range"])
        ax.set_xlabel("x")
        ax.set_ylabel("|error| against exact GELU (float64)")
        ax.legend(loc="lower center", fontsize=8)
        return save_svg(fig, path)


def alt_text(results: dict[str, Any]) -> str:
    lo, hi = results["range"]
    parts = [
        f"Line chart, log scale, of the absolute error of GELU's tanh approximation against the exact "
        f"function for x from {format_number(lo)} to {format_number(hi)}."
    ]
    for dtype, r in results["dtypes"].items():
        parts.append(
            f"In {dtype} the error peaks at {format_sig(r['max_abs_error'], 2)} at x = ±{format_number(r['max_at'], 3)}."
        )
    return " ".join(parts)


def table(results: dict[str, Any]) -> str:
    """Dtype | max error | where | mean error | exact GELU's own rounding error."""
    rows = []
    for dtype, r in results["dtypes"].items():
        rows.append([
            dtype, format_sig(r["max_abs_error"], 2), f"±{format_number(r['max_at'], 3)}",
            format_sig(r["mean_abs_error"], 2),
            format_sig(r["exact_max_abs_error"], 2) if r["exact_max_abs_error"] else "0 (it is the reference)",
        ])
    headers = ["dtype", "Max abs error", "At x", "Mean abs error", "Exact F.gelu's own max error"]
    return markdown_table(headers, rows, ["left", "right", "right", "right", "right"])


def summary_fragment(results: dict[str, Any]) -> str:
    lo, hi = results["range"]
    d = results["dtypes"]
    text = (
        f"Over x from {format_number(lo)} to {format_number(hi)} ({results['points']:,} points, step "
        f"{format_number(results['step'], 6)}), the tanh approximation is never further than "
        f"{format_sig(max(r['max_abs_error'] for r in d.values()), 2)} from exact GELU."
    )
    if "float64" in d:
        r = d["float64"]
        text += (
            f" In float64 the error is the approximation's own: largest, {format_sig(r['max_abs_error'], 2)}, "
            f"at $x = \\pm{format_number(r['max_at'], 3)}$, and {format_sig(r['mean_abs_error'], 2)} on average."
        )
    if "float32" in d:
        r = d["float32"]
        ratio = r["max_abs_error"] / r["exact_max_abs_error"] if r["exact_max_abs_error"] else float("inf")
        text += (
            f" In float32 the largest error is {format_sig(r['max_abs_error'], 2)} (at "
            f"$x = \\pm{format_number(r['max_at'], 3)}$), about {format_sig(ratio, 2)} times the "
            f"{format_sig(r['exact_max_abs_error'], 2)} that exact GELU itself loses to float32 rounding."
        )
    return text + "\n"


#: The figures, tables and fragments of the page, declared once.
PARTS = Parts(
    draws={"": (draw, alt_text)},
    tables={"": table},
    texts={"summary": summary_fragment},
)


PARAMS: dict[str, Any] = {"lo": LO, "hi": HI, "per_unit": PER_UNIT, "dtypes": list(DTYPES),
                          "envelope": ENVELOPE, "seed": 0}


def artifacts() -> list[Artifact]:
    """``experiment-gelu-approx``."""
    return [experiment_artifact(NAME, MODULE, run, PARAMS, PARTS)]
