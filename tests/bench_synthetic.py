"""Benchmark documents from made-up timings, built by the real assembly code.

Each helper gives :func:`actdocs.bench.assemble.document` runner items whose passes were
"measured" as the test says, so that the flags, intervals and ratios of a document can be
checked on both sides of every threshold without timing anything.
"""

from __future__ import annotations

from typing import Sequence

from actdocs.bench import assemble
from actdocs.bench.gate import LoadGate
from actdocs.bench.kernels import Call
from actdocs.bench.config import Item, RunConfig

#: The cache size's elements (1000 x 256) and the bytes a float32 read-one-write-one kernel moves there.
N = 1000 * 256
COPY_BYTES = 2 * N * 4

FAMILY = {"relu": "relu", "sigmoid": "classic", "glu": "gated", "hardswish": "modern"}


def config(**over) -> RunConfig:
    """A quick configuration of the cache size only (nothing here is run)."""
    return RunConfig(keys=("relu", "sigmoid"), sizes=("cache",), quick=True, threads=1, **over)


def ceiling_item(name: str, cls: str, times: Sequence[float], *, moved: int | None = None,
                 allocates: bool = False) -> Item:
    item = Item("ceiling", "cache", "float32", Call(lambda: None, f"{name}(x)", allocates),
                {"name": name, "class": cls, "moved": moved or {"1r1w": 2, "2r1w": 3, "read": 1}[cls]}, 1)
    _measured(item, times)
    return item


def cell_item(key: str, times: Sequence[float], *, mode: str = "forward", convention: str = "preallocated",
              column: str = "eager", loaded: Sequence[bool] | None = None) -> Item:
    family = FAMILY.get(key, "modern")
    out = N // 2 if family == "gated" else N
    item = Item("cell", "cache", "float32", Call(lambda: None, f"{key}(x)"),
                {"key": key, "family": family, "out_elements": out, "substitute": "", "ops": (key, f"{key}_backward"),
                 "mode": mode, "convention": convention, "column": column}, 1)
    _measured(item, times, loaded)
    return item


def _measured(item: Item, times: Sequence[float], loaded: Sequence[bool] | None = None) -> None:
    item.times = list(times)
    item.loaded = list(loaded) if loaded is not None else [False] * len(times)
    item.faults = [0.0] * len(times)
    item.cpu = list(times)
    item.wall = list(times)
    item.others = [0.0] * len(times)


def document(items: list[Item], cfg: RunConfig | None = None) -> dict:
    """The document of ``items`` (one cache-size float32 group)."""
    cfg = cfg or config()
    return assemble.document(cfg, items, compile_s={}, timer="test", gate=LoadGate(threads=1, ncpu=1),
                             loadavg_before=0.0, seconds=1.0)


def simple(passes: int = 7, *, copy_s: float = 1e-4, relu: Sequence[float] | None = None,
           sigmoid: Sequence[float] | None = None) -> dict:
    """ReLU and sigmoid forward cells against a steady copy; ReLU at 80 %, sigmoid at 20 % of it."""
    return document([
        ceiling_item("copy_", "1r1w", [copy_s] * passes),
        ceiling_item("add2", "2r1w", [1.5 * copy_s] * passes),
        cell_item("relu", relu or [copy_s / 0.8] * passes),
        cell_item("sigmoid", sigmoid or [copy_s / 0.2] * passes),
    ])
