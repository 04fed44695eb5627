"""``actdocs bench --compare A.json B.json``: how far two runs' cells are apart.

Cells are matched by activation, dtype, size, mode, convention and column. For each
matched cell the difference is ``|b / a - 1|`` of its median time and of its % of the
ceiling; the spread of a quantity is the median, the 90th percentile and the worst of
those differences. The goals (:data:`GOALS`) are those of two consecutive full runs on
one machine: median at most 5 %, 90th percentile at most 15 %, no cell above 105 % of
its ceiling in either run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from actdocs.bench import schema, stats
from actdocs.render.numbers import format_percent

#: Largest median and 90th-percentile per-cell differences of two runs that repeat.
GOALS = {"median": 0.05, "p90": 0.15}


@dataclass(frozen=True)
class Spread:
    """The per-cell differences of one quantity: median, 90th percentile, worst and its cell."""

    median: float
    p90: float
    worst: float
    worst_cell: tuple[str, ...]
    n: int


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile of ``values`` by linear interpolation between order statistics."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def spread(a: dict[str, Any], b: dict[str, Any], field: str) -> Spread | None:
    """The spread of ``field`` over the cells both documents have (None when none has it)."""
    left = {schema.cell_id(c): c for c in a["cells"]}
    diffs = []
    for cell in b["cells"]:
        other = left.get(schema.cell_id(cell))
        if other is None or not other.get(field) or cell.get(field) is None:
            continue
        diffs.append((abs(cell[field] / other[field] - 1), schema.cell_id(cell)))
    if not diffs:
        return None
    values = [d for d, _ in diffs]
    worst = max(diffs)
    return Spread(stats.median(values), percentile(values, 0.9), worst[0], worst[1], len(values))


def above_ceiling(doc: dict[str, Any]) -> int:
    """How many cells of ``doc`` are flagged above their ceiling."""
    return sum("above_ceiling" in c.get("flags", ()) for c in doc["cells"])


def report(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("A", "B")) -> str:
    """The comparison as plain text lines (what ``--compare`` prints)."""
    ids_a, ids_b = {schema.cell_id(c) for c in a["cells"]}, {schema.cell_id(c) for c in b["cells"]}
    lines = [f"{names[0]}: {_describe(a)}", f"{names[1]}: {_describe(b)}",
             f"cells matched: {len(ids_a & ids_b)} (only in {names[0]}: {len(ids_a - ids_b)}, "
             f"only in {names[1]}: {len(ids_b - ids_a)})"]
    met = True
    for field, label in (("median_s", "time"), ("pct_of_ceiling", "% of ceiling")):
        s = spread(a, b, field)
        if s is None:
            lines.append(f"{label}: no cells to compare")
            continue
        lines.append(f"{label}: median {format_percent(s.median)}, 90th percentile {format_percent(s.p90)}, "
                     f"worst {format_percent(s.worst)} ({' '.join(s.worst_cell)})")
        met = met and s.median <= GOALS["median"] and s.p90 <= GOALS["p90"]
    above = (above_ceiling(a), above_ceiling(b))
    flagged = (sum(bool(c.get("flags")) for c in a["cells"]), sum(bool(c.get("flags")) for c in b["cells"]))
    lines.append(f"cells above 105 % of their ceiling: {names[0]} {above[0]}, {names[1]} {above[1]}")
    lines.append(f"flagged cells: {names[0]} {flagged[0]}, {names[1]} {flagged[1]}")
    met = met and not any(above)
    lines.append(f"goals (median <= {format_percent(GOALS['median'])}, 90th percentile <= "
                 f"{format_percent(GOALS['p90'])}, none above 105 %): {'met' if met else 'not met'}")
    return "\n".join(lines) + "\n"


def _describe(doc: dict[str, Any]) -> str:
    env = doc["environment"]
    kind = "quick" if env["quick"] else "full"
    return (f"{env['device']} ({env['device_name']}), {env['threads']} threads, {kind} run of {env['date']}, "
            f"{doc['run']['passes']} passes")
