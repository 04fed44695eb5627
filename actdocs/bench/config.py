"""What one benchmark run measures: the quick and full presets, the run's configuration and
the items timed in every pass. Data only; :mod:`actdocs.bench.runner` runs them and
:mod:`actdocs.bench.assemble` turns what they measured into the document."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from actdocs.bench import schema
from actdocs.bench.kernels import Call
from actdocs.engine.errors import UsageError


#: The settings a quick (build-time, about 10 s on two cores) and a full run start from.
QUICK: dict[str, Any] = {"passes": 3, "max_passes": 3, "attempts": 1, "block_s": {"cache": 0.002, "memory": 0.0},
                         "repeats": 1,
                         "retries": 1, "retry_budget_s": 3.0, "deadline_s": 20.0, "compiled": False, "probes": False}
FULL: dict[str, Any] = {"passes": 15, "max_passes": 30, "attempts": 2, "block_s": {"cache": 0.01, "memory": 0.03},
                        "repeats": 3,
                        "retries": 3, "retry_budget_s": 120.0, "deadline_s": 2400.0, "compiled": True, "probes": True}

#: The cells a quick run leaves out: the as-called backward at the memory size (page faults again).
QUICK_SKIP = {("memory", "forward+backward", "as called")}


def available_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _choose(name: str, given: tuple[str, ...] | None, allowed: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return default
    if not given:
        raise UsageError(f"no {name} given; choose from {', '.join(allowed)}")
    bad = [g for g in given if g not in allowed]
    if bad:
        raise UsageError(f"invalid {name} {bad[0]!r}; choose from {', '.join(allowed)}")
    return tuple(a for a in allowed if a in given)


@dataclass
class RunConfig:
    """What one run measures and how; every None takes the quick or full preset's value.

    ``keys`` are catalog keys (all by default; :data:`actdocs.bench.schema.REFERENCE` is
    always added). ``device`` is resolved (``cpu`` or ``cuda``); ``threads`` is torch's
    intra-op thread count for the whole run (default: the cores this process may use;
    more than that is refused). ``compiled`` adds the torch.compile column, ``probes``
    the explanatory kernels.
    """

    keys: tuple[str, ...] | None = None
    dtypes: tuple[str, ...] | None = None
    sizes: tuple[str, ...] | None = None
    modes: tuple[str, ...] | None = None
    conventions: tuple[str, ...] | None = None
    compiled: bool | None = None
    probes: bool | None = None
    threads: int | None = None
    device: str = "cpu"
    quick: bool = False
    passes: int | None = None
    max_passes: int | None = None
    attempts: int | None = None
    block_s: dict[str, float] | None = None
    repeats: int | None = None
    retries: int | None = None
    retry_budget_s: float | None = None
    deadline_s: float | None = None
    memory_elements: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        from actdocs.catalog import ACTIVATIONS

        if self.device not in ("cpu", "cuda"):
            raise UsageError(f"device must be resolved to cpu or cuda, got {self.device!r}")
        known = tuple(a.key for a in ACTIVATIONS)
        unknown = [k for k in self.keys or () if k not in known]
        if unknown:
            raise UsageError(f"unknown activation {unknown[0]!r}; known: {', '.join(known)}")
        wanted = set(self.keys or known) | {schema.REFERENCE}
        self.keys = tuple(k for k in known if k in wanted)
        self.dtypes = _choose("dtype", self.dtypes, schema.DTYPES, schema.DEFAULT_DTYPES[self.device])
        self.sizes = _choose("size", self.sizes, tuple(schema.SIZES), tuple(schema.SIZES))
        self.modes = _choose("mode", self.modes, schema.MODES, schema.MODES)
        self.conventions = _choose("convention", self.conventions, schema.CONVENTIONS, schema.CONVENTIONS)
        cores = available_cores()
        if self.threads is None:
            self.threads = cores
        if self.threads < 1:
            raise UsageError(f"--threads must be at least 1, got {self.threads}")
        if self.threads > cores:
            raise UsageError(f"--threads {self.threads} is more than the {cores} CPU cores this process may use")
        preset = QUICK if self.quick else FULL
        if self.max_passes is None and self.passes is not None:  # the preset's share of extra passes
            self.max_passes = max(1, preset["max_passes"] * self.passes // preset["passes"])
        for f in fields(self):
            if f.name in preset and getattr(self, f.name) is None:
                setattr(self, f.name, preset[f.name])
        self.block_s = {**preset["block_s"], **self.block_s}
        if self.memory_elements is None:
            self.memory_elements = schema.MEMORY_ELEMENTS[self.device]
        if self.memory_elements < 2 * schema.ROW or self.memory_elements % (2 * schema.ROW):
            raise UsageError(f"the memory size must be a multiple of {2 * schema.ROW} elements, "
                             f"got {self.memory_elements}")
        for name in ("passes", "max_passes", "attempts", "repeats"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        self.max_passes = max(self.max_passes, self.passes)

    def shape(self, size: str) -> tuple[int, int]:
        """The input's shape at ``size``."""
        return schema.SIZES["cache"] if size == "cache" else (self.memory_elements // schema.ROW, schema.ROW)

    def planned(self, size: str, mode: str, convention: str) -> bool:
        """Whether this run measures the (size, mode, convention) cells."""
        return not (self.quick and (size, mode, convention) in QUICK_SKIP)


@dataclass
class Item:
    """One thing timed in every pass, and what it measured so far."""

    role: str  # "ceiling", "probe" or "cell"
    size: str
    dtype: str
    call: Call
    meta: dict[str, Any]
    threads: int
    number: int = 1
    times: list[float] = field(default_factory=list)
    loaded: list[bool] = field(default_factory=list)
    faults: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    others: list[float] = field(default_factory=list)
    retries: int = 0

    def reset(self) -> None:
        """Forget every pass (a new attempt)."""
        for name in ("times", "loaded", "faults", "cpu", "wall", "others"):
            getattr(self, name).clear()
        self.retries = 0
