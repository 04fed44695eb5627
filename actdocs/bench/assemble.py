"""From the runner's measured items to the JSON document: summaries, the ceiling, ratios and flags.

The per-pass times are rounded to :data:`DIGITS` significant digits first and every
summary is computed from the rounded values, so that anyone recomputing a ratio from a
document's ``pass_times_s`` (as :func:`actdocs.bench.stats.ratio_interval` does) gets
the numbers the document states.

The ceiling of a (size, dtype) group is, for each class of streaming kernel, the
allocation-free kernel with the highest median GB/s; its per-pass bandwidth gives each
cell's ceiling time in the same pass: the sum, over the cell's streaming phases
(:data:`actdocs.bench.schema.PHASES`), of the bytes of the phase over the bandwidth of
its class. A cell's % of the ceiling is that time over its own, pass by pass.
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Sequence

from actdocs.bench import schema, stats
from actdocs.bench.gate import loadavg
from actdocs.render.numbers import round_floats, round_sig

if TYPE_CHECKING:  # pragma: no cover - typing only
    from actdocs.bench.gate import LoadGate
    from actdocs.bench.config import Item, RunConfig

#: Significant digits kept in the document.
DIGITS = 6

_ESIZE = {"float32": 4, "bfloat16": 2, "float64": 8}


def read_caches(root: str = "/sys/devices/system/cpu/cpu0/cache") -> list[dict[str, Any]]:
    """The CPU's data caches from sysfs: level, bytes per instance, CPUs sharing one (empty if unknown)."""
    found = []
    try:
        entries = sorted(e for e in os.listdir(root) if e.startswith("index"))
    except OSError:
        return []
    for entry in entries:
        try:
            read = lambda name: open(os.path.join(root, entry, name), encoding="ascii").read().strip()  # noqa: E731
            if read("type") == "Instruction":
                continue
            size = read("size")
            scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(size[-1], 1)
            shared = sum(len(range(int(a), int(b) + 1)) if "-" in part else 1
                         for part in read("shared_cpu_list").split(",") for a, _, b in [part.partition("-")])
            found.append({"level": int(read("level")), "bytes": int(size.rstrip("KMG")) * scale, "shared_by": shared})
        except (OSError, ValueError):
            continue
    return found


def cache_level(working_set: int, caches: Sequence[dict[str, Any]], threads: int) -> str:
    """The smallest cache level that holds ``working_set`` bytes split over ``threads`` cores, or DRAM.

    A level shared by ``shared_by`` CPUs offers one instance per that many threads.
    """
    for cache in sorted(caches, key=lambda c: c["level"]):
        instances = max(1, -(-threads // max(1, cache["shared_by"])))
        if working_set <= cache["bytes"] * instances:
            return f"L{cache['level']}"
    return "DRAM"


def _thp() -> str | None:
    try:
        text = open("/sys/kernel/mm/transparent_hugepage/enabled", encoding="ascii").read()
    except OSError:
        return None
    return next((w.strip("[]") for w in text.split() if w.startswith("[")), None)


def environment(config: "RunConfig", timer: str, gate: "LoadGate", loadavg_before: float | None) -> dict[str, Any]:
    """Where and how the run was made."""
    import torch

    from actdocs.engine import device as devices

    caches = read_caches() if config.device == "cpu" else [
        {"level": 2, "bytes": int(getattr(torch.cuda.get_device_properties(0), "L2_cache_size", 0)), "shared_by": 1}]
    return {
        "device": config.device, "device_name": devices.describe(config.device), "torch": torch.__version__,
        "python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}",
        "cpu_count": os.cpu_count(), "threads": config.threads, "dtypes": list(config.dtypes),
        "sizes": {s: list(config.shape(s)) for s in config.sizes}, "modes": list(config.modes),
        "conventions": list(config.conventions), "compiled": bool(config.compiled), "caches": caches,
        "allocator": {name: os.environ.get(name) for name in ("THP_MEM_ALLOC_ENABLE", "PYTORCH_CUDA_ALLOC_CONF")},
        "transparent_hugepages": _thp(), "timer": timer,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": config.quick,
        "loadavg_before": loadavg_before, "seed": config.seed,
        "settings": {"passes": config.passes, "max_passes": config.max_passes, "attempts": config.attempts,
                     "block_s": dict(config.block_s), "repeats": config.repeats, "retries": config.retries,
                     "retry_budget_s": config.retry_budget_s, "deadline_s": config.deadline_s},
        "thresholds": {"above_ceiling": stats.ABOVE_CEILING, "drift": stats.DRIFT, "wide": stats.WIDE,
                       "min_passes": stats.MIN_PASSES, "level": stats.LEVEL, "resamples": stats.RESAMPLES},
        "load_gate": {"proc_stat": gate.has_stat, "psi": gate.has_psi, "tolerance_cores": gate.TOLERANCE,
                      "stall_limit": gate.STALL_LIMIT},
    }


def _interval(s: stats.Summary) -> list[float]:
    return [s.low, s.high]


def measurement(item: "Item", name: str) -> dict[str, Any]:
    """The measurement fields of ``item``: pass times (rounded), median, interval, faults, cores."""
    times = [round_sig(t, DIGITS) for t in item.times]
    s = stats.summarise(times, name)
    return {"pass_times_s": times, "pass_loaded": list(item.loaded), "passes": len(times), "median_s": s.median,
            "ci_s": _interval(s), "number": item.number, "threads": item.threads,
            "faults_per_call": stats.median(item.faults), "cores_used": sum(item.cpu) / max(sum(item.wall), 1e-9),
            "others_cores": stats.median(item.others), "retries": item.retries}


def _ceiling(config: "RunConfig", size: str, dtype: str, items: list["Item"],
             caches: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict]:
    """The ceiling entry of one group and, per class, its per-pass bandwidth (bytes/s) and loaded passes."""
    n = config.shape(size)[0] * config.shape(size)[1]
    esize = _ESIZE[dtype]
    kernels, series, drifts, moved, best, gbps = [], {}, {}, {}, {}, {}
    for item in items:
        m = measurement(item, f"ceiling|{size}|{dtype}|{item.meta['name']}")
        nbytes = item.meta["moved"] * n * esize
        rates = [nbytes / t for t in m["pass_times_s"]]
        rate = stats.summarise(rates, f"ceiling-rate|{size}|{dtype}|{item.meta['name']}")
        kernels.append({"name": item.meta["name"], "class": item.meta["class"], "method": item.call.text,
                        "allocation_free": not item.call.allocates, "bytes": nbytes, "gb_per_s": rate.median / 1e9,
                        "gb_per_s_ci": [rate.low / 1e9, rate.high / 1e9], **m})
        cls = item.meta["class"]
        if item.call.allocates or (cls in gbps and gbps[cls] >= rate.median):
            continue
        best[cls], gbps[cls], series[cls] = item.meta["name"], rate.median, (rates, item.loaded)
        drifts[cls] = stats.drift(m["pass_times_s"])
        moved[cls] = stats.drifted(m["pass_times_s"], f"drift|{size}|{dtype}|{cls}")
    flags = ["drift"] if any(d for c, d in moved.items() if c in schema.CLASSES) else []
    working = 2 * n * esize  # what the read-one-write-one kernels touch
    threads = config.threads if config.device == "cpu" else 1
    entry = {"kernels": kernels, "best": best, "gb_per_s": {c: v / 1e9 for c, v in gbps.items()}, "drift": drifts,
             "working_set_bytes": working, "level": cache_level(working, caches, threads), "flags": flags}
    return entry, series


def _cell(config: "RunConfig", item: "Item", ceiling: dict, bandwidth: dict, reference: dict) -> dict[str, Any]:
    m = item.meta
    size, dtype = item.size, item.dtype
    ident = "|".join((m["key"], dtype, size, m["mode"], m["convention"], m["column"]))
    meas = measurement(item, ident)
    times = meas["pass_times_s"]
    esize = _ESIZE[dtype]
    out = m["out_elements"]
    shape = config.shape(size)
    phases = schema.PHASES[(schema.kind(m["family"]), m["mode"])]
    nbytes = schema.traffic(m["family"], m["mode"]) * out * esize
    pct = None
    loaded = list(item.loaded)
    if all(cls in bandwidth for cls, _ in phases):
        ceiling_times = [sum(k * out * esize / bandwidth[cls][0][p] for cls, k in phases) for p in range(len(times))]
        for cls, _ in phases:  # a pass whose ceiling was loaded is as doubtful as one whose cell was
            loaded = [a or b for a, b in zip(loaded, bandwidth[cls][1])]
        pct = stats.summarise([100 * c / t for c, t in zip(ceiling_times, times)], "pct|" + ident)
    ref = reference.get((size, dtype, m["mode"], m["convention"], m["column"]))
    to_relu = stats.summarise(stats.paired(times, ref), "relu|" + ident) if ref and m["key"] != schema.REFERENCE else None
    eager = reference.get(("eager", m["key"], size, dtype, m["mode"]))
    to_eager = stats.summarise(stats.paired(times, eager), "eager|" + ident) if m["column"] == "compiled" and eager else None
    intervals = [s for s in (pct, to_relu) if s is not None]
    flags = stats.cell_flags(pct_of_ceiling=pct, intervals=intervals, loaded=loaded,
                             ceiling_drifted="drift" in ceiling["flags"])
    notes = [f"a substitute: {m['substitute']}"] if m["substitute"] and m["convention"] == "preallocated" else []
    if m["convention"] == "preallocated" and item.call.allocates:
        notes.append(f"the backward allocates its output: aten::{m['ops'][1]} has no allocation-free kernel "
                     f"on {config.device}")
    return {
        "key": m["key"], "dtype": dtype, "size": size, "shape": list(shape), "elements": shape[0] * shape[1],
        "out_elements": out, "mode": m["mode"],
        "convention": m["convention"], "column": m["column"], "method": item.call.text, "note": "; ".join(notes),
        "allocation_free": not item.call.allocates, "substitute": bool(m["substitute"]) and
        m["convention"] == "preallocated", "bytes": nbytes, **meas,
        "elements_per_s": out / meas["median_s"], "gb_per_s": nbytes / meas["median_s"] / 1e9,
        "pct_of_ceiling": pct.median if pct else None, "pct_of_ceiling_ci": _interval(pct) if pct else None,
        "ratio_to_relu": 1.0 if m["key"] == schema.REFERENCE else (to_relu.median if to_relu else None),
        "ratio_to_relu_ci": [1.0, 1.0] if m["key"] == schema.REFERENCE else (_interval(to_relu) if to_relu else None),
        "ratio_to_eager": to_eager.median if to_eager else None,
        "ratio_to_eager_ci": _interval(to_eager) if to_eager else None,
        "flags": flags, "noisy": bool(flags),
    }


def document(config: "RunConfig", items: list["Item"], *, compile_s: dict, timer: str, gate: "LoadGate",
             loadavg_before: float | None, seconds: float) -> dict[str, Any]:
    """The JSON document of a run whose items have been measured."""
    env = environment(config, timer, gate, loadavg_before)
    ceiling: dict[str, dict[str, Any]] = {}
    bandwidth: dict[tuple[str, str], dict] = {}
    for size in config.sizes:
        for dtype in config.dtypes:
            group = [i for i in items if i.role == "ceiling" and i.size == size and i.dtype == dtype]
            ceiling.setdefault(size, {})[dtype], bandwidth[(size, dtype)] = _ceiling(config, size, dtype, group, env["caches"])
    cells = [i for i in items if i.role == "cell"]
    reference: dict[tuple, list[float]] = {}
    for i in cells:
        times = [round_sig(t, DIGITS) for t in i.times]
        m = i.meta
        if m["key"] == schema.REFERENCE:
            reference[(i.size, i.dtype, m["mode"], m["convention"], m["column"])] = times
        if m["column"] == "eager" and m["convention"] == "preallocated":
            reference[("eager", m["key"], i.size, i.dtype, m["mode"])] = times
    out = [_cell(config, i, ceiling[i.size][i.dtype], bandwidth[(i.size, i.dtype)], reference) for i in cells]
    probes = [{"name": i.meta["name"], "size": i.size, "dtype": i.dtype, "method": i.call.text,
               "bytes": i.meta["moved"] * config.shape(i.size)[0] * config.shape(i.size)[1] * _ESIZE[i.dtype],
               **measurement(i, f"probe|{i.size}|{i.dtype}|{i.meta['name']}")} for i in items if i.role == "probe"]
    run_flags = sorted({f for by_dtype in ceiling.values() for entry in by_dtype.values() for f in entry["flags"]})
    flagged = sum(bool(c["flags"]) for c in out)
    doc = {
        "schema": schema.SCHEMA,
        "environment": env,
        "ceiling": ceiling, "cells": out, "probes": probes, "compile": compile_s,
        "run": {"seconds": seconds, "passes": max((c["passes"] for c in out), default=0), "attempts": 1,
                "loadavg_after": loadavg(),
                "flags": run_flags, "flagged": flagged, "noisy": flagged, "cells": len(out),
                "above_ceiling": sum("above_ceiling" in c["flags"] for c in out),
                "retries": sum(i.retries for i in items), "retry_seconds": 0.0},
    }
    return round_floats(doc, DIGITS)
