"""How one block of calls is timed, on the CPU and on a GPU.

A *block* is ``number`` back-to-back calls of one function; its time over ``number`` is
one pass's time per call. On the CPU the clock is ``time.perf_counter`` read around the
block (the calls are synchronous). On a GPU the calls only queue kernels, so the block
is bracketed by CUDA events recorded on the current stream, after a synchronisation, and
read once the end event has completed: the GPU's own time for the block. Around every
block the page faults and the CPU time of this process are read too
(:class:`BlockStats`), which shows whether a call allocates fresh memory and how many
cores it kept busy. The kernel adds other threads' CPU time to the process's count only
at scheduler ticks, so the cores kept busy are read over all of an item's blocks
together, not block by block.
"""

from __future__ import annotations

import math
import resource
import time
from dataclasses import dataclass
from typing import Any, Callable

#: The clock each device's timer reads (recorded in the document's environment).
TIMERS = {"cpu": "time.perf_counter around the block", "cuda": "CUDA events around the block, synchronised"}


@dataclass(frozen=True)
class BlockStats:
    """One timed block: seconds per call, page faults per call, the process's CPU seconds and wall seconds."""

    seconds: float
    faults: float
    cpu: float
    wall: float


def _faults() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt + usage.ru_majflt


class CpuTimer:
    """Wall-clock time of a block on the host."""

    name = TIMERS["cpu"]

    def block(self, fn: Callable[[], Any], number: int) -> BlockStats:
        """Time ``number`` calls of ``fn``."""
        f0, c0 = _faults(), time.process_time()
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        t1 = time.perf_counter()
        c1, f1 = time.process_time(), _faults()
        wall = max(t1 - t0, 1e-9)
        return BlockStats(wall / number, (f1 - f0) / number, c1 - c0, wall)


class CudaTimer:
    """GPU time of a block, between two CUDA events."""

    name = TIMERS["cuda"]

    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.start = torch.cuda.Event(enable_timing=True)
        self.end = torch.cuda.Event(enable_timing=True)

    def block(self, fn: Callable[[], Any], number: int) -> BlockStats:
        """Time ``number`` calls of ``fn`` on the GPU (synchronised before and after)."""
        self.torch.cuda.synchronize()
        f0, c0, t0 = _faults(), time.process_time(), time.perf_counter()
        self.start.record()
        for _ in range(number):
            fn()
        self.end.record()
        self.end.synchronize()
        wall = max(time.perf_counter() - t0, 1e-9)
        c1, f1 = time.process_time(), _faults()
        seconds = self.start.elapsed_time(self.end) / 1e3
        return BlockStats(seconds / number, (f1 - f0) / number, c1 - c0, wall)


def timer_for(device: str) -> CpuTimer | CudaTimer:
    """The timer of ``device`` (``cpu`` or ``cuda``)."""
    if device == "cuda":
        return CudaTimer()
    if device == "cpu":
        return CpuTimer()
    raise ValueError(f"no timer for device {device!r}")


def calls_per_block(seconds_per_call: float, block_s: float, cap: int = 10_000) -> int:
    """How many calls make a block of at least ``block_s`` seconds (at least one, at most ``cap``)."""
    if seconds_per_call <= 0:
        return cap
    return max(1, min(cap, math.ceil(block_s / seconds_per_call)))
