"""The properties the tables show: taken from the measurement, after the declaration is held to it.

The catalog declares each record's properties (:class:`actdocs.catalog.Properties`) and
:mod:`actdocs.measure.properties` measures them from the function. The property tables print what
was measured: :func:`shown` builds a ``Properties`` from :func:`actdocs.measure.properties.measure`,
turning grid readings into the exact forms a reader expects (an end beyond 1e5 is infinite,
a run of maxima narrower than the location tolerance is a point, a run that reaches the
grid's end is unbounded, and one whose derivative still changes along it is approached, not
attained). The cost label is the one :func:`actdocs.measure.properties.cost_class` derives from the
formula.

Before a table is written, :func:`verify` compares every record's declaration with its
measurement (:func:`actdocs.measure.properties.check`) and stops the build with a
:class:`~actdocs.engine.errors.DeclarationError` naming the first record that disagrees: a false
declaration cannot reach a page, nor survive in the catalog where other producers read it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

import torch

from actdocs import catalog
from actdocs.measure import properties
from actdocs.measure.autograd import derivative
from actdocs.catalog import Activation, Approached, Flat, Properties
from actdocs.engine.errors import DeclarationError

#: Decimals of a point of maximum slope read from the grid (its finest step is 1e-4).
POINT_DECIMALS = 4
#: Significant digits kept of a measured value, which drops float64 noise and nothing a table shows.
VALUE_DIGITS = 10
#: A derivative this far below its peak one grid step past a run of maxima has left the peak
#: there (ELU at 0: 1e-4 below); closer, it is still creeping up to it (Softplus: 2e-9).
APPROACH_GAP = 1e-6


def _value(v: float) -> float:
    """A measured value: infinite beyond INFINITE_BEYOND, else rounded to VALUE_DIGITS digits."""
    if abs(v) > properties.INFINITE_BEYOND:
        return math.copysign(math.inf, v)
    return float(f"{v:.{VALUE_DIGITS}g}") + 0.0


def _outside(x: float, direction: int) -> float | None:
    """The grid point next to ``x`` in ``direction`` (-1 or 1), or None past the grid's end."""
    grid = properties.measurement_grid()
    i = int(torch.searchsorted(grid, torch.tensor(x, dtype=grid.dtype)).item()) + direction
    return grid[i].item() if 0 <= i < len(grid) else None


def _end(x: float, direction: int) -> float:
    """Where a set sampled by a run of grid points ends, beyond the run's end ``x``: halfway
    to the next grid point, to BREAK_DECIMALS; infinite where the run reaches the grid's end."""
    beyond = _outside(x, direction)
    if beyond is None or abs(x) >= properties.SCAN_END:
        return math.copysign(math.inf, direction)
    return round((x + beyond) / 2, properties.BREAK_DECIMALS) + 0.0


def _attained_on(record: Activation, peak: float, lo: float, hi: float) -> bool:
    """Whether |f'| is the peak at every grid point of [lo, hi] and leaves it within one step
    past each finite end: a maximum attained on an interval. A derivative that creeps up to the
    peak (Softplus's σ(x), which PyTorch's linear branch makes exactly 1 from x = 20 on) only
    approaches it."""
    x = properties.measurement_grid()
    if not bool((derivative(record, x[(x >= lo) & (x <= hi)]).abs() == peak).all()):
        return False
    beyond = [b for b in (_outside(lo, -1), _outside(hi, 1)) if b is not None and abs(b) < properties.SCAN_END]
    gaps = peak - derivative(record, torch.tensor(beyond, dtype=torch.float64)).abs()
    return bool((gaps > APPROACH_GAP).all())


def _grid_end(lo: float, hi: float) -> float:
    """The end of the grid a run reaches, as an infinity (approached as x tends to it)."""
    return math.inf if hi >= properties.SCAN_END else -math.inf


def _where(record: Activation, m: properties.Measured) -> tuple[float, float | Approached | tuple]:
    """The largest |f'| and where, from the measured runs of near-maxima (see :class:`Properties`).

    A run narrower than the location tolerance is a point (the grid's argmax); next to a kink it is the kink,
    with the one-sided limit as the value. Runs on which |f'| is the peak throughout,
    and which it leaves within one step, are intervals; any other run
    reaches an end of the grid, where the peak is approached."""
    runs = m.max_grad_runs
    if len(runs) == 1 and runs[0][1] - runs[0][0] < properties.LOCATION_TOLERANCE:
        point = m.max_grad_at
        near = [b for b in (*m.kinks, *m.jumps) if abs(b - point) < properties.LOCATION_TOLERANCE]
        if not near:
            return _value(m.max_grad), round(point, POINT_DECIMALS) + 0.0
        sides = derivative(record, torch.tensor([near[0] - properties.KINK_OFFSET, near[0] + properties.KINK_OFFSET],
                                                dtype=torch.float64)).abs()
        return _value(max(m.max_grad, sides.max().item())), near[0]
    if all(_attained_on(record, m.max_grad, lo, hi) for lo, hi in runs):
        intervals = tuple((_end(lo, -1), _end(hi, 1)) for lo, hi in runs)
        return _value(m.max_grad), intervals[0] if len(intervals) == 1 else intervals
    ends = tuple(_grid_end(lo, hi) for lo, hi in runs)
    return _value(m.max_grad), ends[0] if len(ends) == 1 else Approached(ends)


def _flat(f: Flat) -> Flat:
    """A measured saturation interval, its finite ends to the grid's resolution."""
    return Flat(*(e if math.isinf(e) else round(e, properties.BREAK_DECIMALS) + 0.0 for e in (f.lo, f.hi)), f.exact)


def shown(record: Activation) -> Properties:
    """The record's properties as measured, in the declaration's form, for the tables."""
    m = properties.measure(record)
    max_grad, max_grad_at = _where(record, m)
    return Properties(
        output_range=(_value(m.output_min), _value(m.output_max)),
        range_closed=(m.min_attained, m.max_attained),
        zero_centred=properties.zero_centred(m.zero_centred_mean),
        monotonic=m.monotonic,
        smooth=m.smooth,
        bounded=m.bounded,
        max_grad=max_grad,
        max_grad_at=max_grad_at,
        saturation=tuple(_flat(f) for f in m.saturation),
        cost=properties.cost_class(record),
        jumps=m.jumps,
        gaps=m.gaps,
    )


def as_measured(record: Activation) -> Activation:
    """The record with its declared properties replaced by the measured ones."""
    return replace(record, properties=shown(record))


def verify(records: Iterable[Activation] | None = None) -> None:
    """Stop the build where a record's declared properties disagree with its measurement.

    Raises :class:`DeclarationError` naming the record and every property that differs.
    ``records`` defaults to the whole catalog.
    """
    for record in catalog.ACTIVATIONS if records is None else records:
        problems = properties.check(record)
        if problems:
            raise DeclarationError(f"the catalog's properties of {record.key} disagree with the measurement: "
                                   + "; ".join(problems))

