"""Recorded benchmark runs: the only timing evidence a verdict or a prose fact rests on.

Runs are kept in the repository under ``data/bench/`` (committed JSON, each labelled
with its machine and date, never edited by hand) and read through the benchmark
package's API: ``actdocs.bench.load.recorded_runs(root)`` lists them and
``actdocs.bench.stats.ratio_interval(doc, numerator, denominator, *, size, mode,
convention, dtype, column)`` gives a ratio of two cells' times, computed per pass, with
its confidence interval, or ``None`` where the run cannot support one (a cell flagged,
missing or above its ceiling). The build's quick benchmark ("this machine") is never
read here, so it cannot move a verdict.

Without a recorded run every timing claim says so: ``not measured (no recorded
benchmark run)``. The benchmark modules are imported plainly, so their source keys
every artifact that reads a recorded run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actdocs.bench import schema
from actdocs.bench.load import recorded_runs
from actdocs.bench.stats import find_cell, ratio_interval
from actdocs.measure.verdicts import Measured
from actdocs.render.numbers import superscript

#: Where recorded runs live, relative to the repository root.
BENCH_DIR = "data/bench"
#: What a timing claim or fact says without a recorded run.
NO_RUN = "not measured (no recorded benchmark run)"
#: A cell the run flagged (see the benchmarks page's "Flags"): it gives no interval, so no verdict.
FLAGGED = "flagged in this run (no interval)"



def _size_words(size: str) -> str:
    """How a page names a benchmark size, from the schema: "in cache (1000 × 256)",
    "memory-bound (2²⁴ elements)" (the CPU's memory size)."""
    if size == "memory":
        shape = f"2{superscript(schema.MEMORY_ELEMENTS['cpu'].bit_length() - 1)} elements"
    else:
        shape = " × ".join(map(str, schema.SIZES[size]))
    return f"{schema.SIZE_WORDS[size]} ({shape})"


#: The sizes of the benchmark and how a page names them.
SIZES: dict[str, str] = {size: _size_words(size) for size in schema.SIZES}


@dataclass(frozen=True)
class Run:
    """One recorded run: its label (the file's name: device, machine, threads, date) and document."""

    label: str
    doc: dict[str, Any]


def runs(root: Path) -> list[Run]:
    """The recorded runs of the repository at ``root``, by file name."""
    return [Run(Path(path).stem, doc) for path, doc in sorted(recorded_runs(root), key=lambda r: str(r[0]))]


def device(run: Run) -> str:
    """The device ``run`` was recorded on ("cpu", "cuda"); its label's first word if the document lacks it."""
    return run.doc.get("environment", {}).get("device") or run.label.split("-")[0]


def ratio(run: Run, numerator: str, denominator: str, *, size: str, mode: str = "forward",
          convention: str = "preallocated") -> Measured | None:
    """``numerator``'s time over ``denominator``'s in ``run``, eager float32, outputs as
    ``convention`` says, with its interval; None where the run gives no interval that passes."""
    found = ratio_interval(run.doc, numerator, denominator, size=size, mode=mode, convention=convention)
    if found is None:
        return None
    return Measured(found.median, found.low, found.high)


def allocating(run: Run, keys: tuple[str, ...], *, size: str, mode: str, convention: str) -> str:
    """The note of the first of ``keys`` whose cell in ``run`` allocates although ``convention``
    is ``preallocated`` (a backward with no allocation-free kernel); empty when none does.
    Such a cell times the allocator beside the function, so it decides no claim."""
    if convention != "preallocated":
        return ""
    where = {"size": size, "mode": mode, "convention": convention, "dtype": "float32", "column": "eager"}
    for key in keys:
        cell = find_cell(run.doc, key, where)
        if cell is not None and cell.get("allocation_free") is False:
            return cell.get("note") or "it allocates"
    return ""


def input_files(root: Path) -> tuple[str, ...]:
    """The recorded runs' files relative to ``root``: they key every artifact reading them."""
    return tuple(sorted(p.relative_to(root).as_posix() for p in (root / BENCH_DIR).glob("*.json")))
