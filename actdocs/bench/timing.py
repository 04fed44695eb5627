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


def calibrate(block: Callable[[int], BlockStats], block_s: float, cap: int = 10_000) -> int:
    """Calls per block of at least ``block_s`` seconds, from trial blocks rather than one call.

    ``block(n)`` times ``n`` calls. The trial block grows fourfold until it lasts a tenth
    of ``block_s`` (or holds ``cap`` calls) and is then timed once more; the faster of the
    two sets the count. One call timed alone is at the mercy of a single interruption (a
    call that took 2 ms instead of 13 µs once left a cell with 5 calls per block and a
    noisy time), and a single slow trial block cannot set the count on its own.
    """
    n = 1
    while True:
        first = block(n)
        if first.wall >= block_s / 10 or n >= cap:
            return calls_per_block(min(first.seconds, block(n).seconds), block_s, cap)
        n = min(cap, n * 4)


def best_of(block: Callable[[int], BlockStats], number: int, repeats: int) -> BlockStats:
    """The fastest of ``repeats`` blocks of ``number`` calls, with the CPU and wall time of all of them.

    Interruptions only ever add time, so the fastest block of a pass is the one nearest
    the function's own cost; the CPU and wall seconds are summed over every block, which
    is what the cores-busy estimate reads.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    blocks = [block(number) for _ in range(repeats)]
    fastest = min(blocks, key=lambda b: b.seconds)
    return BlockStats(fastest.seconds, fastest.faults, sum(b.cpu for b in blocks), sum(b.wall for b in blocks))
