"""Properties measured from the activation functions themselves.

Every property the catalog declares (output range, zero-centred, monotonic, smooth,
bounded, maximum gradient and where, saturation) is measured here from the function,
in float64 with autograd, and :func:`check` compares the two. Nothing is read from
the declaration while measuring.

The measurement reads each record through :meth:`Activation.scalar_view` on one
grid (:func:`measurement_grid`): x in [-40, 40], with step 1e-4 on [-10, 10], where
every kink and every extreme of the catalog lies, and step 1e-3 further out. The grid
holds 0, 3 and 6 exactly. The limits at -inf and +inf are read at x = -1e8 and 1e8,
far enough for leaky ReLU's slope of 0.01 to carry its output past -1e5.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import torch

from actdocs import catalog
from actdocs.catalog import Activation

Tensor = torch.Tensor
Impl = Literal["torch", "scratch"]

#: Half-width and step of the measurement grid, and of its finer centre.
SCAN_END = 40.0
SCAN_STEP = 1e-3
FINE_END = 10.0
FINE_STEP = 1e-4
#: Where the limits at -inf and +inf are read.
FAR = 1e8
#: A limit beyond this magnitude counts as infinite.
INFINITE_BEYOND = 1e5
#: An extreme counts as attained when reached within this |x| (see :func:`_attained`).
ATTAINED_WITHIN = 10.0
#: Grid points whose derivative is this close to the maximum share the argmax.
ARGMAX_TOLERANCE = 1e-9
#: A side saturates when |f'| stays under the threshold for |x| beyond this (and at FAR).
SATURATION_TAIL = 20.0
#: Largest jump of f' between neighbouring grid points for a smooth function.
SMOOTH_MAX_JUMP = 1e-2
#: Tolerances of :func:`check`.
RANGE_TOLERANCE = 1e-4
MAX_GRAD_REL_TOLERANCE = 1e-4
LOCATION_TOLERANCE = 1e-2


@dataclass(frozen=True)
class Measured:
    """Properties of an activation's scalar view, measured in float64.

    ``output_min`` and ``output_max`` are taken over the grid and the far points;
    ``min_attained`` and ``max_attained`` say whether a finite x reaches them.
    ``max_grad_at`` is the first grid point of the largest derivative and
    ``max_grad_argmax_span`` the lowest and highest grid points within
    ARGMAX_TOLERANCE of it. ``zero_centred_mean`` is E[f(Z)] for standard-normal Z.
    ``saturation`` is 'none', 'negative', 'positive' or 'both';
    ``saturates_beyond`` is set for 'both' only.
    """

    output_min: float
    output_max: float
    min_attained: bool
    max_attained: bool
    output_at_neg_inf: float
    output_at_pos_inf: float
    bounded: str
    max_grad: float
    max_grad_at: float
    max_grad_argmax_span: tuple[float, float]
    zero_centred_mean: float
    monotonic: bool
    smooth: bool
    saturation: str
    saturates_beyond: float | None


def _uniform_grid(end: float, step: float) -> Tensor:
    """Float64 points k * step with |k * step| <= end; 0 and whole numbers are exact."""
    n, per_unit = round(end / step), round(1 / step)
    return torch.arange(-n, n + 1, dtype=torch.float64) / per_unit


def measurement_grid() -> Tensor:
    """The sorted grid of every measurement: step FINE_STEP on |x| <= FINE_END, else SCAN_STEP."""
    coarse = _uniform_grid(SCAN_END, SCAN_STEP)
    fine = _uniform_grid(FINE_END, FINE_STEP)
    return torch.cat([coarse[coarse < -FINE_END], fine, coarse[coarse > FINE_END]])


def values_and_derivative(
    activation: Activation, x: Tensor, impl: Impl = "torch"
) -> tuple[Tensor, Tensor]:
    """f(x) and f'(x) of the scalar view, element by element, in float64 via autograd."""
    x = x.detach().to(torch.float64).requires_grad_(True)
    y = activation.scalar_view(x, impl)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), dy


def derivative(activation: Activation, x: Tensor, impl: Impl = "torch") -> Tensor:
    """f'(x) of the activation's scalar view at each point of x, in float64 via autograd."""
    return values_and_derivative(activation, x, impl)[1]


def grad_at(activation: Activation, x: float, impl: Impl = "torch") -> float:
    """f'(x) of the scalar view at one point."""
    return derivative(activation, torch.tensor([x], dtype=torch.float64), impl).item()


def standard_normal_mean(x: Tensor, y: Tensor) -> float:
    """E[f(Z)], Z standard normal, by the trapezoid rule on a grid x with values y = f(x)."""
    density = torch.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
    return torch.trapezoid(y * density, x).item()


def _attained(x: Tensor, y: Tensor, extreme: float) -> bool:
    """Whether ``extreme`` is reached at a finite point.

    Judged on |x| <= ATTAINED_WITHIN: there every asymptote of the catalog is still
    at least 1e-9 away from its limit in float64, while an attained extreme is hit
    to rounding. (Much further out, tanh is already exactly 1.0 in float64.)
    """
    near = y[x.abs() <= ATTAINED_WITHIN]
    return bool(((near - extreme).abs() <= 1e-12 * max(1.0, abs(extreme))).any())


def _bounded(low: float, high: float) -> str:
    """'both', 'below', 'above' or 'none' from the measured range."""
    finite_low, finite_high = low > -INFINITE_BEYOND, high < INFINITE_BEYOND
    if finite_low and finite_high:
        return "both"
    if finite_low:
        return "below"
    return "above" if finite_high else "none"


def _monotonic(y: Tensor) -> bool:
    """No decrease between neighbouring grid points beyond float rounding."""
    return bool((torch.diff(y) >= -1e-12 * (1 + y[1:].abs())).all())


def _smooth(dy: Tensor) -> bool:
    """f' has no jump between neighbouring grid points (f is continuously differentiable)."""
    return torch.diff(dy).abs().max().item() < SMOOTH_MAX_JUMP


def _saturation(x: Tensor, dy: Tensor, far_dy: Tensor) -> tuple[str, float | None]:
    """Saturated sides, and for two sides the |x| from which |f'| < threshold on both.

    A side saturates when |f'| is under the threshold on its tail (|x| >= SATURATION_TAIL)
    and at its far point. ``saturates_beyond`` is the smallest grid |x| such that |f'|
    is under the threshold at every grid point at least that far out, on either side.
    """
    small = dy.abs() < catalog.SATURATION_THRESHOLD
    far_small = far_dy.abs() < catalog.SATURATION_THRESHOLD
    negative = bool(small[x <= -SATURATION_TAIL].all() and far_small[0])
    positive = bool(small[x >= SATURATION_TAIL].all() and far_small[1])
    if not (negative and positive):
        return ("negative" if negative else "positive" if positive else "none"), None
    distance = x.abs()
    steep = distance[~small]
    outermost = steep.max().item() if steep.numel() else -1.0
    return "both", distance[distance > outermost].min().item()


def _max_grad(x: Tensor, dy: Tensor) -> tuple[float, float, tuple[float, float]]:
    """Maximum of f' on the grid, its first grid argmax, and the span of near-maxima."""
    best = dy.max().item()
    near = x[dy >= best - ARGMAX_TOLERANCE]
    return best, x[dy.argmax()].item(), (near.min().item(), near.max().item())


def _measure(activation: Activation, impl: Impl) -> Measured:
    """Measure every property of one record's scalar view (uncached)."""
    x = measurement_grid()
    y, dy = values_and_derivative(activation, x, impl)
    far_y, far_dy = values_and_derivative(
        activation, torch.tensor([-FAR, FAR], dtype=torch.float64), impl
    )
    low = min(y.min().item(), far_y.min().item())
    high = max(y.max().item(), far_y.max().item())
    max_grad, max_grad_at, span = _max_grad(x, dy)
    saturation, beyond = _saturation(x, dy, far_dy)
    return Measured(
        output_min=low,
        output_max=high,
        min_attained=_attained(x, y, low),
        max_attained=_attained(x, y, high),
        output_at_neg_inf=far_y[0].item(),
        output_at_pos_inf=far_y[1].item(),
        bounded=_bounded(low, high),
        max_grad=max_grad,
        max_grad_at=max_grad_at,
        max_grad_argmax_span=span,
        zero_centred_mean=standard_normal_mean(x, y),
        monotonic=_monotonic(y),
        smooth=_smooth(dy),
        saturation=saturation,
        saturates_beyond=beyond,
    )


@functools.lru_cache(maxsize=None)
def _measure_catalog(key: str, impl: Impl) -> Measured:
    """Cached measurement of the catalog record ``key``."""
    return _measure(catalog.get(key), impl)


def _same_function(activation: Activation) -> bool:
    """Whether ``activation`` computes what the catalog record of its key computes."""
    if activation.key not in catalog.keys():
        return False
    ref = catalog.get(activation.key)
    fields = ("functional", "scratch", "defaults", "elementwise", "family")
    return all(getattr(activation, f) == getattr(ref, f) for f in fields)


def measure(activation: Activation, impl: Impl = "torch") -> Measured:
    """Measured properties of ``activation``'s scalar view.

    Cached per key for records computing the same function as the catalog's (a copy
    with other declared properties included); any other record is measured afresh.
    """
    if _same_function(activation):
        return _measure_catalog(activation.key, impl)
    return _measure(activation, impl)


# --------------------------------------------------------------------------------------
# Comparing the declaration with the measurement.
# --------------------------------------------------------------------------------------


def _range_end_mismatch(side: str, declared: float, measured: float) -> list[str]:
    """Mismatch of one end of the output range (an infinite end is a limit beyond 1e5)."""
    if math.isinf(declared):
        ok = measured * math.copysign(1, declared) > INFINITE_BEYOND
    else:
        ok = math.isclose(declared, measured, rel_tol=RANGE_TOLERANCE, abs_tol=RANGE_TOLERANCE)
    return [] if ok else [f"output_range {side}: declared {declared}, measured {measured:.6g}"]


def _range_mismatches(declared: catalog.Properties, m: Measured) -> list[str]:
    """Output range ends, whether each is attained, and boundedness."""
    problems = _range_end_mismatch("low", declared.output_range[0], m.output_min)
    problems += _range_end_mismatch("high", declared.output_range[1], m.output_max)
    attained = (m.min_attained, m.max_attained)
    if tuple(declared.range_closed) != attained:
        problems.append(f"range_closed: declared {declared.range_closed}, measured {attained}")
    if declared.bounded != m.bounded:
        problems.append(f"bounded: declared {declared.bounded!r}, measured {m.bounded!r}")
    return problems


def _flag_mismatches(declared: catalog.Properties, m: Measured) -> list[str]:
    """Zero-centred, monotonic and smooth."""
    zero_centred = abs(m.zero_centred_mean) < catalog.ZERO_CENTRED_TOLERANCE
    pairs = {
        "zero_centred": (declared.zero_centred, zero_centred, f" (mean {m.zero_centred_mean:.4f})"),
        "monotonic": (declared.monotonic, m.monotonic, ""),
        "smooth": (declared.smooth, m.smooth, ""),
    }
    return [
        f"{name}: declared {want}, measured {got}{detail}"
        for name, (want, got, detail) in pairs.items()
        if want != got
    ]


def _near(a: float, b: float) -> bool:
    """Whether two locations on the x axis agree within LOCATION_TOLERANCE."""
    return abs(a - b) <= LOCATION_TOLERANCE


def _argmax_mismatch(declared: float | tuple[float, float], m: Measured) -> list[str]:
    """Where the derivative is largest: a point, an interval, or +inf.

    A point or an interval must match the measured argmax span at both ends (an
    infinite end of an interval stands for the grid's end); +inf asks that the
    maximum is still reached at the grid's top end.
    """
    lo, hi = m.max_grad_argmax_span
    if declared == math.inf:
        ok = _near(hi, SCAN_END)
    elif isinstance(declared, tuple):
        ok = _near(lo, max(declared[0], -SCAN_END)) and _near(hi, min(declared[1], SCAN_END))
    else:
        ok = _near(lo, declared) and _near(hi, declared)
    if ok:
        return []
    return [f"max_grad_at: declared {declared}, measured argmax over [{lo:.6g}, {hi:.6g}]"]


def _gradient_mismatches(declared: catalog.Properties, m: Measured) -> list[str]:
    """Maximum gradient, where it is reached, saturated sides and where saturation starts."""
    problems = []
    if not math.isclose(declared.max_grad, m.max_grad, rel_tol=MAX_GRAD_REL_TOLERANCE):
        problems.append(f"max_grad: declared {declared.max_grad}, measured {m.max_grad:.7g}")
    problems += _argmax_mismatch(declared.max_grad_at, m)
    if declared.saturation != m.saturation:
        problems.append(f"saturation: declared {declared.saturation!r}, measured {m.saturation!r}")
    want, got = declared.saturates_beyond, m.saturates_beyond
    if (want is None) != (got is None) or (want is not None and not _near(want, got)):
        problems.append(f"saturates_beyond: declared {want}, measured {got}")
    return problems


def check(activation: Activation, impl: Impl = "torch") -> list[str]:
    """Mismatches between the declared and the measured properties; empty when all agree.

    ``impl`` picks the implementation measured: PyTorch's or the from-scratch one.
    """
    declared, m = activation.properties, measure(activation, impl)
    return (
        _range_mismatches(declared, m)
        + _flag_mismatches(declared, m)
        + _gradient_mismatches(declared, m)
    )
