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
import re
from dataclasses import dataclass

import torch

from actdocs import catalog
from actdocs.measure.autograd import Impl, derivative, grad_at, values_and_derivative
from actdocs.catalog import Activation

Tensor = torch.Tensor

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
#: A change of f' between neighbouring grid points this large or larger is a jump of f':
#: a kink, or a jump of f. A function without one is *smooth*.
SMOOTH_MAX_JUMP = 1e-2
#: Decimals of a kink's or a jump's location: the grid places it within one step, 1e-4.
BREAK_DECIMALS = 3
#: How far from a kink its one-sided limits are read (the derivative just left and right of it).
KINK_OFFSET = 1e-9
#: Tolerances of :func:`check`.
RANGE_TOLERANCE = 1e-4
MAX_GRAD_REL_TOLERANCE = 1e-4
LOCATION_TOLERANCE = 1e-2


@dataclass(frozen=True)
class Measured:
    """Properties of an activation's scalar view, measured in float64.

    ``output_min`` and ``output_max`` are taken over the grid and the far points;
    ``min_attained`` and ``max_attained`` say whether a finite x reaches them.
    ``max_grad`` is the largest |f'| on the grid, ``max_grad_at`` the first grid point
    where it is reached and ``max_grad_argmax_span`` the lowest and highest grid points
    within ARGMAX_TOLERANCE of it; ``max_grad_runs`` are the maximal runs of such
    points, as (first, last) pairs. ``jumps`` are the points where f itself jumps and
    ``kinks`` those where only f' does (see :func:`break_points`); ``gaps`` the holes a jump
    leaves in the output range (see :func:`range_gaps`). ``zero_centred_mean`` is E[f(Z)] for standard-normal Z.
    ``saturation`` is the set where |f'| < SATURATION_THRESHOLD, as
    :class:`~actdocs.catalog.Flat` intervals (see :func:`flat_set`).
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
    max_grad_runs: tuple[tuple[float, float], ...]
    zero_centred_mean: float
    monotonic: bool
    smooth: bool
    saturation: tuple[catalog.Flat, ...]
    jumps: tuple[float, ...]
    kinks: tuple[float, ...]
    gaps: tuple[tuple[float, float, bool, bool], ...]


#: A change of f between neighbouring grid points larger than this is a jump of f
#: (the steepest function of the catalog moves by less than 0.002 per coarse step).
JUMP_MIN = 0.05


def _uniform_grid(end: float, step: float) -> Tensor:
    """Float64 points k * step with |k * step| <= end; 0 and whole numbers are exact."""
    n, per_unit = round(end / step), round(1 / step)
    return torch.arange(-n, n + 1, dtype=torch.float64) / per_unit


def measurement_grid() -> Tensor:
    """The sorted grid of every measurement: step FINE_STEP on |x| <= FINE_END, else SCAN_STEP."""
    coarse = _uniform_grid(SCAN_END, SCAN_STEP)
    fine = _uniform_grid(FINE_END, FINE_STEP)
    return torch.cat([coarse[coarse < -FINE_END], fine, coarse[coarse > FINE_END]])


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


def bounded(low: float, high: float) -> str:
    """'both', 'below', 'above' or 'none' from the measured range: the site's definition of
    *bounded* (an end beyond INFINITE_BEYOND in size is unbounded)."""
    finite_low, finite_high = low > -INFINITE_BEYOND, high < INFINITE_BEYOND
    if finite_low and finite_high:
        return "both"
    if finite_low:
        return "below"
    return "above" if finite_high else "none"


def _monotonic(y: Tensor) -> bool:
    """No decrease, or no increase, between neighbouring grid points beyond float rounding."""
    step, slack = torch.diff(y), 1e-12 * (1 + y[1:].abs())
    return bool((step >= -slack).all()) or bool((step <= slack).all())


def break_points(x: Tensor, v: Tensor, size: float) -> tuple[float, ...]:
    """Where ``v`` (f or f' on the sorted grid ``x``) changes by ``size`` or more between
    neighbouring points: each pair's midpoint to BREAK_DECIMALS, in increasing x.

    With ``v = f`` and ``size = JUMP_MIN`` these are the *jumps*; with ``v = f'`` and
    ``size = SMOOTH_MAX_JUMP``, less the jumps, the *kinks*: the site's one definition of
    each word, which the cards, the figures and the facts all read from :func:`measure`."""
    at = torch.nonzero(torch.diff(v).abs() >= size).flatten()
    return tuple(sorted({round(((x[i] + x[i + 1]) / 2).item(), BREAK_DECIMALS) + 0.0 for i in at.tolist()}))


def range_gaps(y: Tensor) -> tuple[tuple[float, float, bool, bool], ...]:
    """The holes in the set of outputs ``y``: between neighbouring distinct outputs more than
    JUMP_MIN apart, as ``(a, b, a is an output, b is an output)``, ends to BREAK_DECIMALS."""
    values = torch.unique(y)
    at = torch.nonzero(torch.diff(values) > JUMP_MIN).flatten().tolist()
    found = []
    for i in at:
        a, b = (round(values[j].item(), BREAK_DECIMALS) + 0.0 for j in (i, i + 1))
        found.append((a, b, bool(((y - a).abs() < 1e-12).any()), bool(((y - b).abs() < 1e-12).any())))
    return tuple(found)


def _runs(x: Tensor, mask: Tensor) -> tuple[tuple[float, float], ...]:
    """The maximal runs of True in ``mask`` over the sorted grid ``x``, as (first x, last x)."""
    edges = torch.diff(mask.to(torch.int8), prepend=torch.zeros(1, dtype=torch.int8),
                       append=torch.zeros(1, dtype=torch.int8))
    starts = torch.nonzero(edges == 1).flatten().tolist()
    stops = (torch.nonzero(edges == -1).flatten() - 1).tolist()
    return tuple((x[i].item(), x[j].item()) for i, j in zip(starts, stops))


def max_derivative_jump(dy: Tensor) -> float:
    """The largest change of f' between neighbouring points of a grid (``dy``: f' on it)."""
    return torch.diff(dy).abs().max().item()



def zero_centred(mean: float) -> bool:
    """Whether E[f(Z)] for standard-normal Z is close enough to 0 to call f *zero-centred*."""
    return abs(mean) < catalog.ZERO_CENTRED_TOLERANCE


def flat_set(x: Tensor, dy: Tensor, far_dy: Tensor) -> tuple[catalog.Flat, ...]:
    """The set where |f'| < SATURATION_THRESHOLD, as intervals of the sorted grid ``x``.

    Each maximal run of grid points with a small derivative is one interval from its
    first to its last point. A run that reaches an end of the grid, where the far point
    beyond it (``far_dy``: f' at -FAR and FAR) is small too, is unbounded on that side.
    A bounded run narrower than MIN_FLAT_WIDTH, where f' only passes through zero, is
    left out. ``exact`` says f' is exactly zero on the whole run (and at its far point).
    """
    small = dy.abs() < catalog.SATURATION_THRESHOLD
    edges = torch.diff(small.to(torch.int8), prepend=torch.zeros(1, dtype=torch.int8),
                       append=torch.zeros(1, dtype=torch.int8))
    starts = torch.nonzero(edges == 1).flatten().tolist()
    stops = (torch.nonzero(edges == -1).flatten() - 1).tolist()
    found = []
    for i, j in zip(starts, stops):
        open_left = i == 0 and bool(far_dy[0].abs() < catalog.SATURATION_THRESHOLD)
        open_right = j == len(x) - 1 and bool(far_dy[1].abs() < catalog.SATURATION_THRESHOLD)
        lo = -math.inf if open_left else x[i].item()
        hi = math.inf if open_right else x[j].item()
        if hi - lo < catalog.MIN_FLAT_WIDTH:
            continue
        tails = [far_dy[0]] * open_left + [far_dy[1]] * open_right
        exact = bool((dy[i : j + 1] == 0).all()) and all(bool(t == 0) for t in tails)
        found.append(catalog.Flat(lo, hi, exact))
    return tuple(found)


def _max_grad(x: Tensor, dy: Tensor) -> tuple[float, float, tuple[float, float], tuple[tuple[float, float], ...]]:
    """Maximum of |f'| on the grid, its first grid argmax, the span of near-maxima and their runs."""
    size = dy.abs()
    best = size.max().item()
    is_near = size >= best - ARGMAX_TOLERANCE
    near = x[is_near]
    return best, x[size.argmax()].item(), (near.min().item(), near.max().item()), _runs(x, is_near)


def _measure(activation: Activation, impl: Impl) -> Measured:
    """Measure every property of one record's scalar view (uncached)."""
    x = measurement_grid()
    y, dy = values_and_derivative(activation, x, impl)
    far_y, far_dy = values_and_derivative(
        activation, torch.tensor([-FAR, FAR], dtype=torch.float64), impl
    )
    low = min(y.min().item(), far_y.min().item())
    high = max(y.max().item(), far_y.max().item())
    max_grad, max_grad_at, span, runs = _max_grad(x, dy)
    jumps = break_points(x, y, JUMP_MIN)
    kinks = tuple(p for p in break_points(x, dy, SMOOTH_MAX_JUMP) if p not in jumps)
    return Measured(
        output_min=low,
        output_max=high,
        min_attained=_attained(x, y, low),
        max_attained=_attained(x, y, high),
        output_at_neg_inf=far_y[0].item(),
        output_at_pos_inf=far_y[1].item(),
        bounded=bounded(low, high),
        max_grad=max_grad,
        max_grad_at=max_grad_at,
        max_grad_argmax_span=span,
        max_grad_runs=runs,
        zero_centred_mean=standard_normal_mean(x, y),
        monotonic=_monotonic(y),
        smooth=max_derivative_jump(dy) < SMOOTH_MAX_JUMP,  # no kink and no jump
        saturation=flat_set(x, dy, far_dy),
        jumps=jumps,
        kinks=kinks,
        gaps=range_gaps(y) if jumps else (),  # on the grid: the far points are not neighbours
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
    pairs = {
        "zero_centred": (declared.zero_centred, zero_centred(m.zero_centred_mean), f" (mean {m.zero_centred_mean:.4f})"),
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


def _grid_end(value: float) -> float:
    """An end of a declared interval on the grid: an infinite end is the grid's end."""
    return max(-SCAN_END, min(value, SCAN_END))


def _argmax_mismatch(declared: float | tuple, m: Measured) -> list[str]:
    """Where |f'| is largest: a point, an interval, several intervals, or +-inf.

    A point or an interval must match the measured argmax span at both ends (an
    infinite end of an interval stands for the grid's end); several intervals must
    match the measured runs one by one; +inf (-inf) asks that the maximum is still
    reached at the grid's top (bottom) end and not at the other, and :class:`~actdocs.catalog.Approached`
    that it is at each end it names.
    """
    lo, hi = m.max_grad_argmax_span
    if isinstance(declared, catalog.Approached):  # still reached at each grid end it names
        ok = all(_near(hi, SCAN_END) if end > 0 else _near(lo, -SCAN_END) for end in declared.ends)
    elif declared == math.inf:  # as x grows, and only then
        ok = _near(hi, SCAN_END) and not _near(lo, -SCAN_END)
    elif declared == -math.inf:
        ok = _near(lo, -SCAN_END) and not _near(hi, SCAN_END)
    elif isinstance(declared, tuple) and declared and isinstance(declared[0], tuple):
        runs = m.max_grad_runs
        ok = len(runs) == len(declared) and all(
            _near(a, _grid_end(d_lo)) and _near(b, _grid_end(d_hi)) for (a, b), (d_lo, d_hi) in zip(runs, declared))
    elif isinstance(declared, tuple):  # one interval: one run of maxima, no gap
        ok = len(m.max_grad_runs) == 1 and _near(lo, max(declared[0], -SCAN_END)) and _near(hi, min(declared[1], SCAN_END))
    else:
        ok = _near(lo, declared) and _near(hi, declared)
    if ok:
        return []
    return [f"max_grad_at: declared {declared}, measured argmax over [{lo:.6g}, {hi:.6g}]"]


def _same_end(declared: float, measured: float) -> bool:
    """Two ends of flat intervals agree: both infinite on the same side, or near."""
    if math.isinf(declared) or math.isinf(measured):
        return declared == measured
    return _near(declared, measured)


def _same_flat(declared: catalog.Flat, measured: catalog.Flat) -> bool:
    return (_same_end(declared.lo, measured.lo) and _same_end(declared.hi, measured.hi)
            and declared.exact == measured.exact)


def format_flat_set(flats: tuple[catalog.Flat, ...]) -> str:
    """The set for a mismatch message: "(-inf, 0] exact, [6, inf) exact" or "empty"."""
    if not flats:
        return "empty"
    return ", ".join(f"({f.lo:.6g}, {f.hi:.6g}){' exact' if f.exact else ''}" for f in flats)


def _saturation_mismatch(declared: tuple[catalog.Flat, ...], measured: tuple[catalog.Flat, ...]) -> list[str]:
    """The declared flat set against the measured one, interval by interval."""
    if len(declared) == len(measured) and all(map(_same_flat, declared, measured)):
        return []
    return [f"saturation: declared {format_flat_set(tuple(declared))}, measured {format_flat_set(measured)}"]


def _gradient_mismatches(declared: catalog.Properties, m: Measured) -> list[str]:
    """Maximum gradient, where it is reached, and the set where the derivative is near zero."""
    problems = []
    if not math.isclose(declared.max_grad, m.max_grad, rel_tol=MAX_GRAD_REL_TOLERANCE):
        problems.append(f"max_grad: declared {declared.max_grad}, measured {m.max_grad:.7g}")
    problems += _argmax_mismatch(declared.max_grad_at, m)
    return problems + _saturation_mismatch(declared.saturation, m.saturation)


def _jump_mismatch(declared: catalog.Properties, m: Measured) -> list[str]:
    """The declared points where f jumps, and the holes they leave in the range, against the measured ones."""
    want, got = tuple(declared.jumps), m.jumps
    problems = []
    if not (len(want) == len(got) and all(map(_near, want, got))):
        problems.append(f"jumps: declared {list(want)}, measured {[round(j, 4) for j in got]}")
    same_gaps = len(declared.gaps) == len(m.gaps) and all(
        _near(a, c) and _near(b, d) and flags == more for (a, b, *flags), (c, d, *more) in zip(declared.gaps, m.gaps))
    if not same_gaps:
        problems.append(f"gaps: declared {list(declared.gaps)}, measured {list(m.gaps)}")
    return problems


def breaks(activation: Activation) -> tuple[float, ...]:
    """Every point where the record's derivative jumps: its kinks and its jumps, in increasing x."""
    m = measure(activation)
    return tuple(sorted(m.kinks + m.jumps))


def check(activation: Activation, impl: Impl = "torch") -> list[str]:
    """Mismatches between the declared and the measured properties; empty when all agree.

    ``impl`` picks the implementation measured: PyTorch's or the from-scratch one.
    """
    declared, m = activation.properties, measure(activation, impl)
    return (
        _range_mismatches(declared, m)
        + _flag_mismatches(declared, m)
        + _gradient_mismatches(declared, m)
        + _jump_mismatch(declared, m)
        + _cost_mismatch(activation)
    )


def _cost_mismatch(activation: Activation) -> list[str]:
    """The declared cost against the one the formula gives (:func:`cost_class`)."""
    derived = cost_class(activation)
    return [] if activation.properties.cost == derived else [
        f"cost: declared {activation.properties.cost!r}, the formula gives {derived!r}"]


# --------------------------------------------------------------------------------------
# The site's one definition of "saturated", for every producer that uses the word.
# --------------------------------------------------------------------------------------


def saturation_set(activation: Activation) -> tuple[catalog.Flat, ...]:
    """The set of x where ``activation`` is saturated: its measured flat set (:func:`flat_set`).

    This is the site's only definition of *saturated*: |f'| < SATURATION_THRESHOLD on a
    stretch of x at least MIN_FLAT_WIDTH wide (or unbounded). A point where f' only
    passes through zero (GELU's minimum, Tanhshrink at 0) is not in it. The property
    tables print the declared copy of this set, which :func:`check` holds to it.
    """
    return measure(activation).saturation


def in_flats(flats: tuple[catalog.Flat, ...], x: Tensor) -> Tensor:
    """A boolean mask of the ``x`` inside one of ``flats`` (ends included)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    inside = torch.zeros(x.shape, dtype=torch.bool, device=x.device)
    for f in flats:
        inside |= (x >= f.lo) & (x <= f.hi)
    return inside


def saturated(activation: Activation, x: Tensor) -> Tensor:
    """Which inputs ``x`` are saturated for ``activation`` (a boolean mask of x's shape).

    Every producer that counts or shades saturated inputs calls this (the distributions
    experiment, the explorer demo), so they all mean what the property tables mean.
    """
    return in_flats(saturation_set(activation), torch.as_tensor(x).detach().to("cpu", torch.float64))


def saturated_within(activation: Activation, lo: float, hi: float) -> list[tuple[float, float]]:
    """The saturation set clipped to ``[lo, hi]``: the stretches a plot of that range shades."""
    found = []
    for f in saturation_set(activation):
        a, b = max(lo, f.lo), min(hi, f.hi)
        if a < b:
            found.append((a, b))
    return found


# --------------------------------------------------------------------------------------
# Cost: a label for the arithmetic of the formula, not a timing.
# --------------------------------------------------------------------------------------

#: Functions of a formula (its SymPy text) that make one output *expensive*.
EXPENSIVE_FUNCTIONS = frozenset({"exp", "erf", "tanh", "ln", "log", "sigma", "Phi", "softplus", "SiLU", "GELU", "softmax"})

#: A division by a bracket holding the variable: what makes a formula *moderate*.
_DIVISION_BY_VARIABLE = re.compile(r"/\s*\([^)]*\b[xz]\b")


def cost_class(activation: Activation) -> str:
    """'cheap', 'moderate' or 'expensive', from the functions the record's formula calls.

    Expensive: any of EXPENSIVE_FUNCTIONS. Moderate: otherwise a division by an
    expression in the variable (Softsign). Cheap: comparisons, sums and products only.
    The catalog's declared ``cost`` is checked against this (tests/measure/test_properties.py).
    """
    text = " ".join(activation.maths.formula)
    called = set(re.findall(r"([A-Za-z_]\w*)\(", text))
    if called & EXPENSIVE_FUNCTIONS:
        return "expensive"
    return "moderate" if _DIVISION_BY_VARIABLE.search(text) else "cheap"
