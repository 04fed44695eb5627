"""Is a benchmark document well formed? :func:`validate` lists what is wrong with one.

It checks what the pages and the claims rely on: the schema version, the fields and
types of the environment, of every ceiling entry and kernel and of every cell, the
names of sizes, modes, conventions, columns and dtypes, that times are positive and
finite, that a cell's passes match its ``pass_times_s``, that its flags are known and
``noisy`` says whether it has any, and that every cell has a ceiling for its size and
dtype.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from actdocs.bench import schema

_NUMBER = (int, float)
_OPTIONAL_NUMBER = (int, float, type(None))
_OPTIONAL_LIST = (list, type(None))

#: Every flag a cell may carry (see :mod:`actdocs.bench.stats`).
FLAGS = ("above_ceiling", "wide", "drift", "loaded", "few_passes")

_ENV_FIELDS: dict[str, Any] = {
    "device": str, "device_name": str, "torch": str, "python": str, "threads": int, "dtypes": list,
    "sizes": dict, "allocator": dict, "caches": list, "timer": str, "date": str, "quick": bool,
    "compiled": bool, "thresholds": dict,
}
_MEASUREMENT: dict[str, Any] = {
    "pass_times_s": list, "pass_loaded": list, "passes": int, "median_s": _NUMBER, "ci_s": list, "number": int,
    "threads": int, "faults_per_call": _NUMBER, "cores_used": _NUMBER,
}
_KERNEL_FIELDS: dict[str, Any] = {"name": str, "class": str, "method": str, "allocation_free": bool, "bytes": int,
                                  "gb_per_s": _NUMBER, **_MEASUREMENT}
_CEILING_FIELDS: dict[str, Any] = {"kernels": list, "best": dict, "gb_per_s": dict, "drift": dict, "level": str,
                                   "flags": list}
_CELL_FIELDS: dict[str, Any] = {
    "key": str, "dtype": str, "size": str, "elements": int, "out_elements": int, "mode": str, "convention": str,
    "column": str, "method": str, "note": str, "allocation_free": bool, "bytes": int, **_MEASUREMENT,
    "elements_per_s": _NUMBER, "gb_per_s": _NUMBER, "pct_of_ceiling": _OPTIONAL_NUMBER,
    "pct_of_ceiling_ci": _OPTIONAL_LIST, "ratio_to_relu": _OPTIONAL_NUMBER, "ratio_to_relu_ci": _OPTIONAL_LIST,
    "flags": list, "noisy": bool,
}
_RUN_FIELDS: dict[str, Any] = {"seconds": _NUMBER, "passes": int, "attempts": int, "flags": list, "flagged": int}


def _kind_name(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("null" if k is type(None) else k.__name__ for k in kinds)


def check_fields(obj: Any, fields: dict[str, Any], where: str) -> list[str]:
    """Missing fields and fields of the wrong type in ``obj`` (a bool is never a number)."""
    if not isinstance(obj, dict):
        return [f"{where}: expected an object, got {type(obj).__name__}"]
    problems = []
    for name, kind in fields.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if name not in obj:
            problems.append(f"{where}: missing field {name!r}")
        elif (isinstance(obj[name], bool) and bool not in kinds) or not isinstance(obj[name], kinds):
            problems.append(f"{where}.{name}: expected {_kind_name(kind)}, got {type(obj[name]).__name__}")
    return problems


def _positive(values: Sequence[Any], where: str) -> list[str]:
    for v in values:
        if not isinstance(v, _NUMBER) or isinstance(v, bool) or not (math.isfinite(v) and v > 0):
            return [f"{where}: expected positive finite numbers, got {v!r}"]
    return []


def _measurement(obj: dict[str, Any], where: str) -> list[str]:
    problems = _positive(obj["pass_times_s"], f"{where}.pass_times_s") + _positive([obj["median_s"]], f"{where}.median_s")
    if obj["passes"] < 1 or obj["passes"] != len(obj["pass_times_s"]) or len(obj["pass_loaded"]) != obj["passes"]:
        problems.append(f"{where}: passes ({obj['passes']}) must be at least 1 and match pass_times_s and pass_loaded")
    return problems


def _ceiling(ceiling: Any) -> list[str]:
    if not isinstance(ceiling, dict):
        return ["ceiling: expected an object"]
    problems = []
    for size, by_dtype in ceiling.items():
        if size not in schema.SIZES or not isinstance(by_dtype, dict):
            problems.append(f"ceiling: unknown size {size!r} or not an object")
            continue
        for dtype, entry in by_dtype.items():
            where = f"ceiling.{size}.{dtype}"
            found = check_fields(entry, _CEILING_FIELDS, where)
            problems += found
            if found:
                continue
            for i, kernel in enumerate(entry["kernels"]):
                kfound = check_fields(kernel, _KERNEL_FIELDS, f"{where}.kernels[{i}]")
                problems += kfound or _measurement(kernel, f"{where}.kernels[{i}]")
            names = {k.get("name") for k in entry["kernels"] if isinstance(k, dict)}
            problems += [f"{where}.best: {b!r} is not one of its kernels" for b in entry["best"].values()
                         if b not in names]
    return problems


def _cell(cell: dict[str, Any], i: int, ceiling: dict[str, Any]) -> list[str]:
    where = f"cells[{i}] ({', '.join(str(cell[k]) for k in ('key', 'size', 'mode', 'convention', 'column', 'dtype'))})"
    problems = []
    for name, allowed in (("size", schema.SIZES), ("mode", schema.MODES), ("convention", schema.CONVENTIONS),
                          ("column", schema.COLUMNS), ("dtype", schema.DTYPES)):
        if cell[name] not in allowed:
            problems.append(f"{where}: unknown {name} {cell[name]!r}")
    problems += _measurement(cell, where)
    problems += _positive([cell["elements_per_s"], cell["gb_per_s"]], where)
    unknown = [f for f in cell["flags"] if f not in FLAGS]
    if unknown:
        problems.append(f"{where}: unknown flag {unknown[0]!r}")
    if cell["noisy"] != bool(cell["flags"]):
        problems.append(f"{where}: noisy must be true exactly when the cell has flags")
    if not isinstance(ceiling.get(cell["size"]), dict) or cell["dtype"] not in ceiling[cell["size"]]:
        problems.append(f"{where}: no ceiling measurement for its size and dtype")
    return problems


def validate(doc: Any) -> list[str]:
    """Problems with a benchmark document (an empty list when it is valid)."""
    if not isinstance(doc, dict):
        return [f"document: expected an object, got {type(doc).__name__}"]
    if doc.get("schema") != schema.SCHEMA:
        return [f"schema: expected {schema.SCHEMA}, got {doc.get('schema')!r}"]
    missing = [f"document: missing field {name!r}" for name in ("environment", "ceiling", "cells", "run")
               if name not in doc]
    if missing:
        return missing
    problems = check_fields(doc["environment"], _ENV_FIELDS, "environment")
    problems += check_fields(doc["run"], _RUN_FIELDS, "run")
    problems += _ceiling(doc["ceiling"])
    cells = doc["cells"]
    if not isinstance(cells, list) or not cells:
        return problems + ["cells: expected a non-empty list"]
    ceiling = doc["ceiling"] if isinstance(doc["ceiling"], dict) else {}
    seen = set()
    for i, cell in enumerate(cells):
        found = check_fields(cell, _CELL_FIELDS, f"cells[{i}]")
        if found:
            problems += found
            continue
        problems += _cell(cell, i, ceiling)
        ident = schema.cell_id(cell)
        if ident in seen:
            problems.append(f"cells[{i}]: a second cell for {', '.join(ident)}")
        seen.add(ident)
    return problems
