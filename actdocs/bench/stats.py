"""Medians, bootstrap intervals, paired per-pass ratios and the flags that withhold a verdict.

Every quantity the benchmark publishes is a *series over passes*: a cell's time per call
in each pass, or a ratio of two cells' times taken within each pass (paired, so that a
drift of the machine between passes cancels). A series is summarised by its median and a
percentile-bootstrap interval of that median (:data:`LEVEL`, :data:`RESAMPLES`, seeded by
the quantity's name so that a document always yields the same interval).

The flags (each tested on both sides of its threshold):

* ``above_ceiling``: the median % of the ceiling exceeds :data:`ABOVE_CEILING`: no kernel
  can beat the streaming kernels it is measured against by that much, so the harness failed;
* ``wide``: an interval is wider than :data:`WIDE` of its median: the passes disagree;
* ``drift``: the ceiling of the cell's size and dtype moved by more than :data:`DRIFT`
  between the first and the last quarter of the passes, beyond their scatter (:func:`drifted`);
* ``loaded``: in most of the cell's passes, it or its ceiling's kernel ran while other
  processes competed for the CPU;
* ``few_passes``: fewer than :data:`MIN_PASSES` passes, too few for an interval.

A flagged cell carries no verdict: :func:`ratio_interval` returns None for it.
"""

from __future__ import annotations

import statistics
import zlib
from dataclasses import dataclass
from typing import Any, Sequence

#: A cell above this share of its ceiling is a harness failure, not a result.
ABOVE_CEILING = 1.05
#: A ceiling that moved by more than this between the first and the last passes.
DRIFT = 0.05
#: An interval wider than this share of its median: the passes disagree (two regimes, or a
#: machine that changed). Passes on the 2-core build machine scatter by about ±6 %, which
#: gives intervals of a median 5-15 % wide; a verdict still needs its whole interval on one
#: side of its threshold, so this flag only withholds the cells that no interval describes.
WIDE = 0.25
#: Fewer passes than this give no interval worth the name.
MIN_PASSES = 5
#: The interval's confidence level and the number of bootstrap resamples.
LEVEL = 0.95
RESAMPLES = 2000


@dataclass(frozen=True)
class Summary:
    """A series' median and the bootstrap interval of that median."""

    median: float
    low: float
    high: float
    n: int

    @property
    def width(self) -> float:
        """The interval's width over the median (0 for a constant series)."""
        return (self.high - self.low) / abs(self.median) if self.median else float("inf")


@dataclass(frozen=True)
class RatioInterval:
    """A ratio of two cells' times, taken per pass: its median, interval and passes."""

    median: float
    low: float
    high: float
    passes: int


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the mean of the middle two for an even count)."""
    return float(statistics.median(values))


def seed_for(name: str) -> int:
    """A stable 32-bit seed from a quantity's name (the same on every machine and run)."""
    return zlib.crc32(name.encode("utf-8"))


def bootstrap(values: Sequence[float], seed: int, *, resamples: int = RESAMPLES,
              level: float = LEVEL) -> tuple[float, float]:
    """The percentile-bootstrap interval of the median of ``values``.

    ``resamples`` samples of ``len(values)`` values drawn with replacement (numpy's
    default generator seeded with ``seed``); the interval runs between the
    ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of their medians.
    """
    import numpy as np

    data = np.asarray(values, dtype=float)
    if data.size == 0:
        raise ValueError("no values to bootstrap")
    if data.size == 1 or np.all(data == data[0]):
        return float(data[0]), float(data[0])
    rng = np.random.default_rng(seed)
    draws = np.median(data[rng.integers(0, data.size, size=(resamples, data.size))], axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def summarise(values: Sequence[float], name: str) -> Summary:
    """Median and bootstrap interval of ``values``, seeded by ``name``."""
    low, high = bootstrap(values, seed_for(name))
    return Summary(median(values), low, high, len(values))


def paired(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    """``numerator[p] / denominator[p]`` for every pass ``p`` (the series must align)."""
    if len(numerator) != len(denominator):
        raise ValueError(f"cannot pair {len(numerator)} passes with {len(denominator)}")
    return [a / b for a, b in zip(numerator, denominator)]


def drift(values: Sequence[float]) -> float:
    """How far the median of the last quarter of ``values`` moved from the first quarter's.

    ``|median(last) / median(first) - 1|``, each quarter at least one value; 0 for a
    single value.
    """
    q = max(1, len(values) // 4)
    return abs(median(values[-q:]) / median(values[:q]) - 1) if len(values) > 1 else 0.0


def drifted(values: Sequence[float], name: str) -> bool:
    """Whether ``values`` moved by more than :data:`DRIFT` between their first and last quarters.

    The move (:func:`drift`) must exceed :data:`DRIFT` *and* be more than the passes'
    scatter: the bootstrap intervals of the two quarters' medians must not overlap. On a
    machine whose passes scatter by several per cent, two quarters of a steady series differ
    by more than 5 % by chance alone; that is noise, which the intervals already carry, not
    a machine that changed under the run.
    """
    if drift(values) <= DRIFT:
        return False
    q = max(1, len(values) // 4)
    first, last = summarise(values[:q], name + "|first"), summarise(values[-q:], name + "|last")
    return first.high < last.low or last.high < first.low


def cell_flags(*, pct_of_ceiling: Summary | None, intervals: Sequence[Summary], loaded: Sequence[bool],
               ceiling_drifted: bool) -> list[str]:
    """The flags of one cell (see the module's docstring), in a fixed order."""
    flags = []
    if pct_of_ceiling is not None and pct_of_ceiling.median > 100 * ABOVE_CEILING:
        flags.append("above_ceiling")
    if any(s.width > WIDE for s in intervals):
        flags.append("wide")
    if ceiling_drifted:
        flags.append("drift")
    if loaded and sum(loaded) > len(loaded) // 2:
        flags.append("loaded")
    if len(loaded) < MIN_PASSES:
        flags.append("few_passes")
    return flags


def _find(doc: dict[str, Any], key: str, where: dict[str, str]) -> dict[str, Any] | None:
    hits = [c for c in doc.get("cells", ()) if c.get("key") == key and all(c.get(k) == v for k, v in where.items())]
    return hits[0] if len(hits) == 1 else None


def find_cell(doc: dict[str, Any], key: str, where: dict[str, str]) -> dict[str, Any] | None:
    """The one cell of ``key`` in ``doc`` that matches every field of ``where``; None if not exactly one."""
    return _find(doc, key, where)


def ratio_interval(doc: dict[str, Any], numerator: str, denominator: str, *, size: str, mode: str,
                   convention: str = "preallocated", dtype: str = "float32",
                   column: str = "eager") -> RatioInterval | None:
    """``numerator``'s time over ``denominator``'s in ``doc``, per pass, summarised.

    Both are activation keys; the two cells share ``size``, ``mode``, ``convention``,
    ``dtype`` and ``column``. The ratio is taken in each pass (the same pass of both
    cells), then summarised by its median and bootstrap interval. None when either cell
    is missing or flagged (a flagged cell carries no verdict) or their passes differ.
    """
    where = {"size": size, "mode": mode, "convention": convention, "dtype": dtype, "column": column}
    a, b = _find(doc, numerator, where), _find(doc, denominator, where)
    if a is None or b is None or a.get("flags") or b.get("flags") or a.get("noisy") or b.get("noisy"):
        return None
    ta, tb = a.get("pass_times_s") or [], b.get("pass_times_s") or []
    if not ta or len(ta) != len(tb):
        return None
    s = summarise(paired(ta, tb), f"{numerator}/{denominator}|" + "|".join(where.values()))
    return RatioInterval(s.median, s.low, s.high, s.n)
