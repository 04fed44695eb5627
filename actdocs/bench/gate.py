"""The load gate: was another process competing for our CPU cores while we timed?

Each timed block is bracketed by reads of ``/proc/stat`` (CPU time the whole machine
used, of which our own process's is subtracted) and, where the kernel has it,
``/proc/pressure/cpu`` (time tasks waited for a CPU). A block is *loaded* when other work
took more than the cores our threads leave free (plus :attr:`LoadGate.TOLERANCE` and the
tick quantisation of ``/proc/stat``), or when tasks waited for a CPU during more than
:attr:`LoadGate.STALL_LIMIT` of it. The runner retries a loaded block after waiting for
quiet. Memory bandwidth shared with other virtual machines is invisible here: the
per-pass ratios and the ceiling's drift (:mod:`actdocs.bench.stats`) cover that.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Snapshot:
    """The counters at one instant."""

    wall: float
    busy_ticks: int
    own_cpu: float
    stall_us: int | None


@dataclass(frozen=True)
class Load:
    """Other processes' CPU use during a window, and whether it disturbed the measurement."""

    others_cores: float
    stall: float | None
    noisy: bool


def loadavg() -> float | None:
    """The machine's 1-minute load average, None where ``/proc/loadavg`` is missing."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return float(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class LoadGate:
    """Judges windows of time by the CPU load that this process did not cause."""

    TOLERANCE = 0.25  # cores
    STALL_LIMIT = 0.25  # fraction of the window

    def __init__(self, threads: int, ncpu: int | None = None) -> None:
        self.ncpu = ncpu or os.cpu_count() or 1
        self.threads = threads
        self.free = max(0, self.ncpu - threads)
        try:
            self.hz = os.sysconf("SC_CLK_TCK")
        except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
            self.hz = 100
        self.has_stat = self._busy() is not None
        self.has_psi = self._stall() is not None and threads <= self.ncpu

    @staticmethod
    def _busy() -> int | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                fields = fh.readline().split()
        except OSError:
            return None
        if not fields or fields[0] != "cpu":
            return None
        v = [int(f) for f in fields[1:9]] + [0] * 8
        user, nice, system, _idle, _iowait, irq, softirq, steal = v[:8]
        return user + nice + system + irq + softirq + steal

    @staticmethod
    def _stall() -> int | None:
        try:
            with open("/proc/pressure/cpu", encoding="ascii") as fh:
                line = fh.readline()
        except OSError:
            return None
        m = re.search(r"total=(\d+)", line)
        return int(m.group(1)) if m else None

    def snapshot(self) -> Snapshot:
        """The counters now."""
        return Snapshot(time.perf_counter(), self._busy() or 0, time.process_time(),
                        self._stall() if self.has_psi else None)

    def judge(self, a: Snapshot, b: Snapshot) -> Load:
        """Other processes' load between snapshots ``a`` and ``b``, and whether it was too much."""
        wall = max(b.wall - a.wall, 1e-6)
        if not self.has_stat:
            return Load(0.0, None, False)
        others = max(0.0, ((b.busy_ticks - a.busy_ticks) / self.hz - (b.own_cpu - a.own_cpu)) / wall)
        quantum = self.ncpu / self.hz / wall  # each CPU's counter moves in whole ticks
        noisy = others - quantum > self.free + self.TOLERANCE
        stall = None
        if a.stall_us is not None and b.stall_us is not None:
            stall = max(0.0, (b.stall_us - a.stall_us) / 1e6 / wall)
            noisy = noisy or stall > self.STALL_LIMIT
        return Load(round(others, 3), None if stall is None else round(stall, 3), noisy)

    def wait_quiet(self, limit: float, window: float = 0.1) -> float:
        """Sleep in ``window`` steps until other processes leave our cores free, at most ``limit`` s.

        Returns the seconds waited (at least one window). While we sleep, all busy CPU
        time is other processes'.
        """
        waited = 0.0
        while True:
            a = self.snapshot()
            time.sleep(window)
            b = self.snapshot()
            waited += b.wall - a.wall
            if not self.judge(a, b).noisy or waited >= limit:
                return waited
