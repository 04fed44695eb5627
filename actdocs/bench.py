"""``actdocs bench``: time every activation against the memory roofline.

What is measured
    Every catalog activation, forward and forward+backward, at two sizes: the source's
    1000 x 256 tensor (``cache``: input and output fit in the CPU caches) and 2^24
    elements (``memory``: shaped (65536, 256), far larger than the last-level cache, so
    the time is bounded by DRAM bandwidth). float32 by default; bfloat16 and float64 on
    request.

Two output conventions
    ``as called`` calls the activation the way a model does, ``F.silu(x)``, which
    allocates a fresh output on every call (and, forward+backward, a fresh gradient
    through autograd). On the CPU a fresh 64 MiB buffer comes from ``mmap`` and is
    page-faulted in 4 KiB at a time, which costs more than most activations: at the
    memory size every function then runs at about the same (low) speed.
    ``preallocated`` writes into buffers allocated once, through each operator's
    ``out=`` variant and its backward kernel's ``grad_input=`` variant: the same ATen
    kernels that autograd runs, minus the allocation. :func:`preallocated` says, per
    activation, which call is used, and where PyTorch has no allocation-free variant
    (the backward of Mish and Hardswish) or no ``out=`` form at all (PReLU, timed with
    the Leaky ReLU kernel of the same slope). Every cell records its call.

The roofline
    An activation must read its input and write its output once: 2N elements moved
    forward and 5N forward+backward (the backward reads the incoming gradient and a
    saved tensor and writes the input's gradient); a gated unit reads 2N and writes N,
    3N forward and 8N forward+backward, N being its output's element count. Bytes over
    the measured time give GB/s, compared with ``y.copy_(x)`` timed in the same run at
    the same size, dtype and thread count (2N elements moved).

Noise
    Other processes on a shared machine can slow a cell down 10-200x. Each timed pass is
    bracketed by reads of ``/proc/stat`` (CPU time used by the whole machine, minus our
    own process's) and, where the kernel has it, ``/proc/pressure/cpu`` (time tasks
    waited for a CPU). A pass during which other work competed for our cores is retried;
    a cell whose passes stay mostly loaded is flagged ``"noisy": true``. Passes are
    interleaved (every cell once, then every cell again), each cell's time is the median
    of its passes, and every ratio comes from cells of the same run. Memory bandwidth
    shared with other virtual machines drifts too, unseen by these files: the copy is
    timed at the start and the end of each pass.

The JSON document (:func:`run`, checked by :func:`validate`) holds the environment and
every cell; :func:`markdown_tables` and :func:`bar_chart` render it. This module imports
torch only inside functions, so that the command line stays fast to start.
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from actdocs.errors import UsageError
from actdocs.markdown import image_pair, write_text
from actdocs.numbers import format_percent, format_rate, format_ratio, format_seconds, format_sig

if TYPE_CHECKING:  # pragma: no cover - typing only
    import argparse

    import torch

    from actdocs.build import Artifact, Context
    from actdocs.catalog import Activation

MODULE = "actdocs.bench"
SCHEMA = 1

#: The activation every ratio is taken against; it is always measured.
REFERENCE = "relu"

#: Elements along the last dimension at the memory size (gated units halve it).
ROW = 256

#: The two sizes: the source's tensor and one far larger than any CPU cache.
SIZES: dict[str, tuple[int, int]] = {"cache": (1000, 256), "memory": (2**24 // ROW, ROW)}
SIZE_WORDS = {"cache": "in cache", "memory": "memory-bound"}
MODES = ("forward", "forward+backward")
CONVENTIONS = ("as called", "preallocated")
DTYPES = ("float32", "bfloat16", "float64")

#: Elements moved (read + write) per *output* element, by kind of activation and mode.
TRAFFIC = {
    ("elementwise", "forward"): 2,
    ("elementwise", "forward+backward"): 5,
    ("gated", "forward"): 3,
    ("gated", "forward+backward"): 8,
}

#: Passes, seconds per pass (per size), retries of a loaded pass, the seconds all
#: retries and waits for quiet may take, and the seconds after which no further pass
#: starts (every cell keeps at least one pass).
QUICK = {"passes": 3, "min_run_time": {"cache": 0.01, "memory": 0.02}, "retries": 2, "retry_budget_s": 5.0,
         "deadline_s": 25.0}
FULL = {"passes": 5, "min_run_time": {"cache": 0.05, "memory": 0.1}, "retries": 4, "retry_budget_s": 60.0,
        "deadline_s": 600.0}

#: The cells a quick run leaves out, to stay within 30 s on two cores: the as-called
#: convention at the memory size forward+backward (it measures the page faults again).
QUICK_SKIP = {("memory", "forward+backward", "as called")}

# --------------------------------------------------------------------------- config


def default_threads() -> int:
    """torch's intra-op thread count (falls back to the CPU count)."""
    try:
        import torch

        return max(1, torch.get_num_threads())
    except Exception:  # pragma: no cover - torch is a dependency
        return os.cpu_count() or 1


def catalog_keys() -> tuple[str, ...]:
    from actdocs.catalog import ACTIVATIONS

    return tuple(a.key for a in ACTIVATIONS)


@dataclass
class BenchConfig:
    """What one run measures and how.

    ``keys`` are catalog keys (all by default; :data:`REFERENCE` is added when
    missing). ``device`` is a resolved device (``cpu`` or ``cuda``). ``passes``,
    ``min_run_time`` (seconds per pass, per size), ``retries``, ``retry_budget_s`` and
    ``deadline_s``
    default to :data:`QUICK` or :data:`FULL`.
    """

    keys: tuple[str, ...] = ()
    dtypes: tuple[str, ...] = ("float32",)
    sizes: tuple[str, ...] = tuple(SIZES)
    modes: tuple[str, ...] = MODES
    conventions: tuple[str, ...] = CONVENTIONS
    threads: int = 0
    device: str = "cpu"
    quick: bool = False
    passes: int = 0
    min_run_time: dict[str, float] = field(default_factory=dict)
    retries: int = -1
    retry_budget_s: float = -1.0
    deadline_s: float = -1.0
    memory_elements: int = 2**24
    seed: int = 0

    def __post_init__(self) -> None:
        known = catalog_keys()
        keys = tuple(dict.fromkeys(self.keys or known))
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise UsageError(f"unknown activation {unknown[0]!r}; known: {', '.join(known)}")
        if REFERENCE not in keys:
            keys = (REFERENCE, *keys)
        self.keys = tuple(k for k in known if k in keys)  # catalog order
        for name, given, allowed in (
            ("dtype", self.dtypes, DTYPES),
            ("size", self.sizes, tuple(SIZES)),
            ("mode", self.modes, MODES),
            ("convention", self.conventions, CONVENTIONS),
        ):
            if not given:
                raise UsageError(f"no {name} given; choose from {', '.join(allowed)}")
            bad = [g for g in given if g not in allowed]
            if bad:
                raise UsageError(f"invalid {name} {bad[0]!r}; choose from {', '.join(allowed)}")
        order = lambda given, allowed: tuple(a for a in allowed if a in given)  # noqa: E731
        self.dtypes = order(self.dtypes, DTYPES)
        self.sizes = order(self.sizes, tuple(SIZES))
        self.modes = order(self.modes, MODES)
        self.conventions = order(self.conventions, CONVENTIONS)
        if self.device not in ("cpu", "cuda"):
            raise UsageError(f"device must be resolved to cpu or cuda, got {self.device!r}")
        self.threads = int(self.threads) or default_threads()
        if self.threads < 1:
            raise UsageError(f"--threads must be at least 1, got {self.threads}")
        if self.memory_elements < 2 * ROW or self.memory_elements % (2 * ROW):
            raise UsageError(f"the memory size must be a multiple of {2 * ROW} elements, got {self.memory_elements}")
        preset = QUICK if self.quick else FULL
        self.passes = int(self.passes) or preset["passes"]
        if self.passes < 1:
            raise UsageError(f"passes must be at least 1, got {self.passes}")
        self.min_run_time = {**preset["min_run_time"], **self.min_run_time}
        if self.retries < 0:
            self.retries = preset["retries"]
        if self.retry_budget_s < 0:
            self.retry_budget_s = preset["retry_budget_s"]
        if self.deadline_s < 0:
            self.deadline_s = preset["deadline_s"]

    def shape(self, size: str) -> tuple[int, int]:
        return SIZES["cache"] if size == "cache" else (self.memory_elements // ROW, ROW)

    def planned(self, size: str, mode: str, convention: str) -> bool:
        """Whether this run measures the (size, mode, convention) cells."""
        return not (self.quick and (size, mode, convention) in QUICK_SKIP)


# ----------------------------------------------------------------- preallocated calls


@dataclass(frozen=True)
class Preallocated:
    """How an activation is timed writing into preallocated buffers.

    ``build(b)`` returns ``(forward, forward_saving, backward)`` closures over the
    :class:`Buffers` ``b``: ``forward`` writes the output into ``b.y``;
    ``forward_saving`` does the same and keeps what the backward needs (it differs
    from ``forward`` only for the gated compositions); ``backward`` writes the input's
    gradient into ``b.gx`` from ``b.g``. The ``*_text`` fields are the calls as code;
    ``note`` says why a call is the right kernel. ``backward_allocates`` marks a
    backward that PyTorch offers no allocation-free form of; ``substitute`` names a
    kernel timed in place of the activation's own.
    """

    build: Callable[["Buffers"], tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any]]]
    forward_text: str
    backward_text: str
    forward_saving_text: str = ""
    note: str = ""
    backward_allocates: bool = False
    substitute: str = ""

    @property
    def backward_method(self) -> str:
        return f"{self.forward_saving_text or self.forward_text}; {self.backward_text}"

    def notes(self, mode: str) -> str:
        """What a reader should know about the calls of ``mode``."""
        parts = [self.note] if self.note else []
        if mode == "forward+backward" and self.backward_allocates:
            parts.append("the backward allocates its output: PyTorch has no allocation-free variant of it")
        if self.substitute:
            parts.append(self.substitute)
        return "; ".join(parts)


@dataclass
class Buffers:
    """The tensors of one (size, dtype) group; ``y``, ``g``, ``s`` and ``tmp`` have the output's shape."""

    x: "torch.Tensor"
    y: "torch.Tensor"
    g: "torch.Tensor"
    gx: "torch.Tensor"
    s: "torch.Tensor"
    tmp: "torch.Tensor"


def _simple(forward: Callable[..., Any], backward: Callable[..., Any]):
    """An element-wise kernel pair: forward(x, y) and backward(g, x, y, gx)."""

    def build(b: Buffers):
        fwd = lambda: forward(b.x, b.y)  # noqa: E731
        return fwd, fwd, lambda: backward(b.g, b.x, b.y, b.gx)

    return build


def _gated(gate_name: str):
    """content * act(gate) into preallocated buffers: the composition's own kernels."""

    def build(b: Buffers):
        import torch

        aten = torch.ops.aten
        content, gate = b.x.chunk(2, dim=-1)
        g_content, g_gate = b.gx.chunk(2, dim=-1)
        if gate_name == "silu":
            act = lambda t, out: torch._C._nn.silu(t, out=out)  # noqa: E731
            act_backward = lambda g, t, out: aten.silu_backward.grad_input(g, t, grad_input=out)  # noqa: E731
        else:
            act = lambda t, out: torch._C._nn.gelu(t, approximate="none", out=out)  # noqa: E731
            act_backward = lambda g, t, out: aten.gelu_backward.grad_input(  # noqa: E731
                g, t, approximate="none", grad_input=out)

        def forward():
            act(gate, b.y)
            b.y.mul_(content)

        def forward_saving():
            act(gate, b.s)
            torch.mul(content, b.s, out=b.y)

        def backward():
            torch.mul(b.g, b.s, out=g_content)
            torch.mul(b.g, content, out=b.tmp)
            act_backward(b.tmp, gate, g_gate)

        return forward, forward_saving, backward

    return build


def preallocated(record: "Activation") -> Preallocated:
    """The calls that time ``record`` writing into preallocated buffers.

    Each is the ATen kernel that the as-called functional and its autograd backward
    run, called through its ``out=`` / ``grad_input=`` variant; ``tests/test_bench.py``
    checks that each gives the as-called values and gradients and allocates nothing
    (but where :attr:`Preallocated.backward_allocates` says otherwise).
    """
    import torch

    from actdocs import catalog

    aten = torch.ops.aten
    nn = torch._C._nn
    d = record.defaults
    key = record.key
    if key == "sigmoid":
        return Preallocated(
            _simple(lambda x, y: torch.sigmoid(x, out=y),
                    lambda g, x, y, gx: aten.sigmoid_backward.grad_input(g, y, grad_input=gx)),
            "torch.sigmoid(x, out=y)", "aten.sigmoid_backward(g, y, grad_input=gx)")
    if key == "tanh":
        return Preallocated(
            _simple(lambda x, y: torch.tanh(x, out=y),
                    lambda g, x, y, gx: aten.tanh_backward.grad_input(g, y, grad_input=gx)),
            "torch.tanh(x, out=y)", "aten.tanh_backward(g, y, grad_input=gx)")
    if key == "relu":
        return Preallocated(
            _simple(lambda x, y: torch.clamp_min(x, 0, out=y),
                    lambda g, x, y, gx: aten.threshold_backward.grad_input(g, y, 0, grad_input=gx)),
            "torch.clamp_min(x, 0, out=y)", "aten.threshold_backward(g, y, 0, grad_input=gx)",
            note="F.relu runs aten::clamp_min(x, 0); torch.relu's own out= variant allocates and copies")
    if key in ("leaky_relu", "prelu"):
        slope = float(d.get("negative_slope", d.get("weight", 0.01)))
        pair = Preallocated(
            _simple(lambda x, y: nn.leaky_relu(x, slope, out=y),
                    lambda g, x, y, gx: aten.leaky_relu_backward.grad_input(g, x, slope, False, grad_input=gx)),
            f"torch._C._nn.leaky_relu(x, {slope:g}, out=y)",
            f"aten.leaky_relu_backward(g, x, {slope:g}, False, grad_input=gx)")
        if key == "prelu":
            return Preallocated(
                pair.build, pair.forward_text, pair.backward_text,
                substitute=(f"a substitute: PReLU's kernel has no out= variant, so this is the Leaky ReLU kernel "
                            f"with PReLU's initial slope {slope:g}: the same values, no gradient for the slope"))
        return pair
    if key in ("elu", "selu"):
        alpha, scale = (float(d.get("alpha", 1.0)), 1.0) if key == "elu" else (catalog.SELU_ALPHA, catalog.SELU_SCALE)
        return Preallocated(
            _simple(lambda x, y: nn.elu(x, alpha, scale, 1.0, out=y),
                    lambda g, x, y, gx: aten.elu_backward.grad_input(g, alpha, scale, 1.0, False, x, grad_input=gx)),
            f"torch._C._nn.elu(x, {alpha:.4g}, {scale:.4g}, 1, out=y)",
            f"aten.elu_backward(g, {alpha:.4g}, {scale:.4g}, 1, False, x, grad_input=gx)",
            note="F.selu runs aten::elu with SELU's alpha and scale" if key == "selu" else "")
    if key in ("gelu", "gelu_tanh"):
        approx = "tanh" if key == "gelu_tanh" else str(d.get("approximate", "none"))
        return Preallocated(
            _simple(lambda x, y: nn.gelu(x, approximate=approx, out=y),
                    lambda g, x, y, gx: aten.gelu_backward.grad_input(g, x, approximate=approx, grad_input=gx)),
            f'torch._C._nn.gelu(x, approximate="{approx}", out=y)',
            f'aten.gelu_backward(g, x, approximate="{approx}", grad_input=gx)')
    if key == "silu":
        return Preallocated(
            _simple(lambda x, y: nn.silu(x, out=y),
                    lambda g, x, y, gx: aten.silu_backward.grad_input(g, x, grad_input=gx)),
            "torch._C._nn.silu(x, out=y)", "aten.silu_backward(g, x, grad_input=gx)")
    if key == "mish":
        return Preallocated(
            _simple(lambda x, y: nn.mish(x, out=y), lambda g, x, y, gx: aten.mish_backward(g, x)),
            "torch._C._nn.mish(x, out=y)", "aten.mish_backward(g, x)", backward_allocates=True)
    if key == "hardswish":
        return Preallocated(
            _simple(lambda x, y: nn.hardswish(x, out=y), lambda g, x, y, gx: aten.hardswish_backward(g, x)),
            "torch._C._nn.hardswish(x, out=y)", "aten.hardswish_backward(g, x)", backward_allocates=True)
    if key == "relu6":
        return Preallocated(
            _simple(lambda x, y: nn.hardtanh(x, 0.0, 6.0, out=y),
                    lambda g, x, y, gx: aten.hardtanh_backward.grad_input(g, x, 0.0, 6.0, grad_input=gx)),
            "torch._C._nn.hardtanh(x, 0, 6, out=y)", "aten.hardtanh_backward(g, x, 0, 6, grad_input=gx)",
            note="F.relu6 runs aten::hardtanh(x, 0, 6)")
    if key == "softplus":
        beta, threshold = float(d.get("beta", 1.0)), float(d.get("threshold", 20.0))
        return Preallocated(
            _simple(lambda x, y: nn.softplus(x, beta, threshold, out=y),
                    lambda g, x, y, gx: aten.softplus_backward.grad_input(g, x, beta, threshold, grad_input=gx)),
            f"torch._C._nn.softplus(x, {beta:g}, {threshold:g}, out=y)",
            f"aten.softplus_backward(g, x, {beta:g}, {threshold:g}, grad_input=gx)")
    if key == "glu":
        return Preallocated(
            _simple(lambda x, y: nn.glu(x, -1, out=y),
                    lambda g, x, y, gx: aten.glu_backward.grad_input(g, x, -1, grad_input=gx)),
            "torch._C._nn.glu(x, -1, out=y)", "aten.glu_backward(g, x, -1, grad_input=gx)")
    if key in ("swiglu", "geglu"):
        gate = "silu" if key == "swiglu" else "gelu"
        return Preallocated(
            _gated(gate),
            f"torch._C._nn.{gate}(gate, out=y); y.mul_(content)",
            f"torch.mul(g, s, out=g_content); torch.mul(g, content, out=t); "
            f"aten.{gate}_backward(t, gate, grad_input=g_gate)",
            forward_saving_text=f"torch._C._nn.{gate}(gate, out=s); torch.mul(content, s, out=y)",
            note=f"the kernels of content * F.{gate}(gate) and of its autograd backward, into preallocated buffers")
    if key == "softmax":
        return Preallocated(
            _simple(lambda x, y: torch._softmax(x, -1, False, out=y),
                    lambda g, x, y, gx: aten._softmax_backward_data.out(g, y, -1, x.dtype, grad_input=gx)),
            "torch._softmax(x, -1, False, out=y)", "aten._softmax_backward_data(g, y, -1, x.dtype, grad_input=gx)",
            note="F.softmax runs aten::_softmax")
    raise KeyError(f"no preallocated-output call is known for {key!r}; add one to actdocs.bench.preallocated")


def call_kwargs(record: "Activation") -> dict[str, Any]:
    """The keyword arguments of an as-called call: the defaults, and dim=-1 where there is one."""
    kwargs = dict(record.defaults)
    if not record.elementwise:
        kwargs.setdefault("dim", -1)
    return kwargs


def as_called_text(record: "Activation") -> str:
    """The as-called forward as code: ``F.leaky_relu(x, negative_slope=0.01)``."""
    if "(" in record.torch_name:  # already a whole expression
        return record.torch_name
    if record.key == "prelu":  # the catalog passes its scalar slope as F.prelu's weight tensor
        return f"{record.torch_name}(x, torch.tensor([{record.defaults.get('weight', 0.25)!r}]))"
    args = ", ".join(["x", *(f"{k}={v!r}" for k, v in call_kwargs(record).items())])
    return f"{record.torch_name}({args})"


# -------------------------------------------------------------------------- load gate


@dataclass(frozen=True)
class Snapshot:
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


class LoadGate:
    """Estimates CPU load not caused by this process from ``/proc/stat`` and PSI.

    ``others_cores`` is the machine's busy CPU time (user, nice, system, irq, softirq,
    steal) in the window minus this process's CPU time, per second of wall time.
    A window is loaded when other work took more than the cores our threads leave free
    (plus a tolerance and the tick quantisation of ``/proc/stat``), or when PSI says
    tasks waited for a CPU during more than :attr:`STALL_LIMIT` of it. Where neither
    file exists (not Linux) every window counts as clean.
    """

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
        return Snapshot(time.perf_counter(), self._busy() or 0, time.process_time(),
                        self._stall() if self.has_psi else None)

    def wait_quiet(self, limit: float, window: float = 0.1) -> float:
        """Sleep in ``window`` steps until other processes leave our cores free, at most ``limit`` s.

        Returns the seconds waited (at least one window). While we sleep, all busy
        CPU time is other processes'.
        """
        waited = 0.0
        while True:
            a = self.snapshot()
            time.sleep(window)
            b = self.snapshot()
            waited += b.wall - a.wall
            if not self.judge(a, b).noisy or waited >= limit:
                return waited

    def judge(self, a: Snapshot, b: Snapshot) -> Load:
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


# --------------------------------------------------------------------------- running


@dataclass
class _Cell:
    key: str
    dtype: str
    size: str
    mode: str
    convention: str
    elements: int
    out_elements: int
    bytes: int
    method: str
    note: str
    allocation_free: bool
    timer: Any
    min_run_time: float
    substitute: bool = False
    times: list[float] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    retries: int = 0


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


class _Budget:
    """The seconds left for retries and waits, and the time after which no pass starts."""

    def __init__(self, retry_s: float, deadline_s: float) -> None:
        self.initial = retry_s
        self.left = retry_s
        self.deadline = time.perf_counter() + deadline_s

    def allowance(self) -> float:
        return min(self.left, self.deadline - time.perf_counter())


def _measure(cell: _Cell, gate: LoadGate, retries: int, budget: _Budget) -> None:
    """One pass of ``cell``, retried while other processes load the CPU.

    Before a retry it waits (polling, within the run's shared retry budget) for the
    machine to go quiet. The pass keeps the fastest clean attempt, or the fastest of
    all when none was clean.
    """
    attempts: list[tuple[float, Load]] = []
    for attempt in range(retries + 1):
        a = gate.snapshot()
        median = cell.timer.blocked_autorange(min_run_time=cell.min_run_time).median
        b = gate.snapshot()
        load = gate.judge(a, b)
        attempts.append((median, load))
        if not load.noisy or attempt == retries or budget.allowance() <= 0:
            break
        budget.left -= (b.wall - a.wall) + gate.wait_quiet(budget.allowance())
        cell.retries += 1
    clean = [t for t in attempts if not t[1].noisy]
    median, load = min(clean or attempts, key=lambda t: t[0])
    cell.times.append(median)
    cell.loads.append(load)


def _torch_dtype(name: str) -> "torch.dtype":
    import torch

    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float64": torch.float64}[name]


def _make_cells(config: BenchConfig, size: str, dtype: str) -> tuple[list[_Cell], _Cell]:
    """The cells of one (size, dtype) group and its copy cell; their timers hold the buffers."""
    import torch
    from torch.utils.benchmark import Timer

    from actdocs.catalog import ACTIVATIONS

    records = {a.key: a for a in ACTIVATIONS}
    dev = config.device
    dt = _torch_dtype(dtype)
    shape = config.shape(size)
    gen = torch.Generator(device="cpu").manual_seed(config.seed)
    x = torch.randn(shape, generator=gen, dtype=torch.float32).to(device=dev, dtype=dt)
    half = (shape[0], shape[1] // 2)
    full_out = Buffers(x, torch.empty_like(x), torch.randn(shape, generator=gen).to(dev, dt), torch.empty_like(x),
                       torch.empty_like(x), torch.empty_like(x))
    half_out = Buffers(x, torch.empty(half, device=dev, dtype=dt), torch.randn(half, generator=gen).to(dev, dt),
                       full_out.gx, torch.empty(half, device=dev, dtype=dt), torch.empty(half, device=dev, dtype=dt))
    for t in (full_out.y, full_out.gx, full_out.s, full_out.tmp, half_out.y, half_out.s, half_out.tmp):
        t.zero_()  # fault every page in before timing
    x_grad = x.detach().requires_grad_(True)
    esize = x.element_size()
    elements = x.numel()
    mrt = config.min_run_time[size]

    def timer(fn: Callable[[], Any], label: str) -> Any:
        return Timer(stmt="fn()", globals={"fn": fn}, num_threads=config.threads, label=label,
                     sub_label=f"{size} {dtype}", description=config.device)

    y = full_out.y
    copy = _Cell("copy", dtype, size, "forward", "preallocated", elements, elements, 2 * elements * esize,
                 "y.copy_(x)", "", True, timer(lambda: y.copy_(x), "copy"), mrt)
    cells: list[_Cell] = []
    for key in config.keys:
        rec = records[key]
        gated = rec.family == "gated"
        b = half_out if gated else full_out
        out_elements = b.y.numel()
        kwargs = call_kwargs(rec)
        fn = rec.functional
        pre = preallocated(rec)
        forward, forward_saving, backward = pre.build(b)
        g = b.g
        for mode in config.modes:
            traffic = TRAFFIC[("gated" if gated else "elementwise", mode)] * out_elements * esize
            for convention in config.conventions:
                if not config.planned(size, mode, convention):
                    continue
                note = ""
                if convention == "as called":
                    if mode == "forward":
                        call = functools.partial(fn, x, **kwargs)
                        method, free = as_called_text(rec), False
                    else:
                        def call(fn=fn, kwargs=kwargs, g=g) -> Any:
                            return torch.autograd.grad(fn(x_grad, **kwargs), x_grad, g)
                        method, free = f"torch.autograd.grad({as_called_text(rec)}, x, g)", False
                elif mode == "forward":
                    call, method, free, note = forward, pre.forward_text, True, pre.notes(mode)
                else:
                    def call(fs=forward_saving, bw=backward) -> None:
                        fs()
                        bw()
                    method, free, note = pre.backward_method, not pre.backward_allocates, pre.notes(mode)
                call()  # warm up, and fail here (not inside the timer) on an unsupported dtype
                cells.append(_Cell(key, dtype, size, mode, convention, elements, out_elements, traffic, method, note,
                                   free, timer(call, key), mrt,
                                   substitute=convention == "preallocated" and bool(pre.substitute)))
    if dev == "cuda":
        torch.cuda.synchronize()
    return cells, copy


def run(config: BenchConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Measure every cell of ``config``; return the JSON document.

    Pass 1 measures every cell of every (size, dtype) group, then pass 2 does again,
    and so on: a burst of background load lands on different cells in different passes.
    Each group's copy is timed at the start and at the end of its pass. A pass that
    would end after ``config.deadline_s`` (judged by the last pass's duration) is not
    started; the cells then have fewer passes, as their ``passes`` field says.
    """
    started = time.perf_counter()
    gate = LoadGate(1 if config.device == "cuda" else config.threads)
    groups = [(s, d, *_make_cells(config, s, d)) for d in config.dtypes for s in config.sizes]
    budget = _Budget(config.retry_budget_s, config.deadline_s - (time.perf_counter() - started))
    total = sum(len(cells) + 2 for *_, cells, _copy in groups)
    last_pass = 0.0
    passes = 0
    for p in range(1, config.passes + 1):
        if p > 1 and time.perf_counter() + last_pass > budget.deadline:
            break
        pass_start = time.perf_counter()
        done = 0
        for size, dtype, cells, copy in groups:
            for cell in (copy, *cells, copy):  # the copy before and after: memory bandwidth drifts
                done += 1
                if progress:
                    progress(f"pass {p}/{config.passes}, cell {done}/{total}: {size} {dtype} "
                             f"{cell.key} {cell.mode} {cell.convention}")
                _measure(cell, gate, config.retries, budget)
        last_pass = time.perf_counter() - pass_start
        passes = p
    cells = [c for *_, group_cells, _copy in groups for c in group_cells]
    copies = [copy for *_, copy in groups]
    for cell in (*copies, *cells):
        cell.timer = None  # let the buffers go
    doc = _document(config, cells, copies, time.perf_counter() - started)
    doc["run"].update(passes=passes, retry_seconds=round(budget.initial - budget.left, 2))
    return doc


def _noisy(cell: _Cell) -> bool:
    """Loaded when fewer than a majority of its passes were clean (the median may be off)."""
    clean = sum(not load.noisy for load in cell.loads)
    return clean < len(cell.loads) // 2 + 1


def _document(config: BenchConfig, cells: list[_Cell], copies: list[_Cell], seconds: float) -> dict[str, Any]:
    copy_doc: dict[str, dict[str, Any]] = {}
    copy_speed: dict[tuple[str, str], float] = {}
    for c in copies:
        t = _median(c.times)
        copy_speed[(c.size, c.dtype)] = c.bytes / t
        copy_doc.setdefault(c.size, {})[c.dtype] = {
            "elements": c.elements,
            "bytes": c.bytes,
            "median_s": t,
            "gb_per_s": c.bytes / t / 1e9,
            "passes": len(c.times),
            "noisy": _noisy(c),
            "method": c.method,
        }
    reference = {(c.size, c.mode, c.dtype, c.convention): _median(c.times) for c in cells if c.key == REFERENCE}
    out = []
    for c in cells:
        t = _median(c.times)
        ref = reference.get((c.size, c.mode, c.dtype, c.convention))
        out.append({
            "key": c.key,
            "dtype": c.dtype,
            "size": c.size,
            "shape": list(config.shape(c.size)),
            "elements": c.elements,
            "mode": c.mode,
            "convention": c.convention,
            "median_s": t,
            "elements_per_s": c.elements / t,
            "bytes": c.bytes,
            "gb_per_s": c.bytes / t / 1e9,
            "pct_of_copy": 100.0 * (c.bytes / t) / copy_speed[(c.size, c.dtype)],
            "ratio_to_relu": t / ref if ref else None,
            "passes": len(c.times),
            "pass_times_s": c.times,
            "noisy": _noisy(c),
            "others_cores": _median([load.others_cores for load in c.loads]),
            "retries": c.retries,
            "method": c.method,
            "note": c.note,
            "allocation_free": c.allocation_free,
            "substitute": c.substitute,
        })
    noisy = sum(c["noisy"] for c in out) + sum(v["noisy"] for d in copy_doc.values() for v in d.values())
    return {
        "schema": SCHEMA,
        "environment": environment(config),
        "copy": copy_doc,
        "cells": out,
        "run": {"seconds": round(seconds, 2), "cells": len(out), "noisy": noisy,
                "retries": sum(c.retries for c in cells + copies)},
    }


def environment(config: BenchConfig) -> dict[str, Any]:
    """Where and how the run was made."""
    import torch

    from actdocs import device as devices

    gate = LoadGate(config.threads)
    return {
        "device": config.device,
        "device_name": devices.describe(config.device),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpu_count": os.cpu_count(),
        "threads": config.threads,
        "dtypes": list(config.dtypes),
        "sizes": {s: list(config.shape(s)) for s in config.sizes},
        "modes": list(config.modes),
        "conventions": list(config.conventions),
        "allocator": {name: os.environ.get(name) for name in ("THP_MEM_ALLOC_ENABLE", "PYTORCH_CUDA_ALLOC_CONF")},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": config.quick,
        "passes": config.passes,
        "retries": config.retries,
        "deadline_s": config.deadline_s,
        "min_run_time_s": dict(config.min_run_time),
        "load_gate": {"proc_stat": gate.has_stat, "psi": gate.has_psi,
                      "tolerance_cores": LoadGate.TOLERANCE, "stall_limit": LoadGate.STALL_LIMIT},
    }


# ------------------------------------------------------------------------ validation

_NUMBER = (int, float)
_ENV_FIELDS: dict[str, Any] = {
    "device": str, "device_name": str, "torch": str, "python": str, "threads": int, "dtypes": list,
    "allocator": dict, "date": str, "quick": bool,
}
_CELL_FIELDS: dict[str, Any] = {
    "key": str, "dtype": str, "size": str, "elements": int, "mode": str, "convention": str,
    "median_s": _NUMBER, "elements_per_s": _NUMBER, "gb_per_s": _NUMBER, "pct_of_copy": _NUMBER,
    "ratio_to_relu": (*_NUMBER, type(None)), "passes": int, "noisy": bool, "method": str,
}
_COPY_FIELDS: dict[str, Any] = {"elements": int, "median_s": _NUMBER, "gb_per_s": _NUMBER, "passes": int, "noisy": bool}


def _check_fields(obj: Any, fields: dict[str, Any], where: str) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{where}: expected an object, got {type(obj).__name__}"]
    problems = []
    for name, kind in fields.items():
        if name not in obj:
            problems.append(f"{where}: missing field {name!r}")
        elif isinstance(obj[name], bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            problems.append(f"{where}.{name}: expected {_kind_name(kind)}, got bool")
        elif not isinstance(obj[name], kind):
            problems.append(f"{where}.{name}: expected {_kind_name(kind)}, got {type(obj[name]).__name__}")
    return problems


def _kind_name(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("null" if k is type(None) else k.__name__ for k in kinds)


def validate(doc: Any) -> list[str]:
    """Problems with a benchmark document (an empty list when it is valid).

    Checks the schema version, the environment's and every cell's fields and types,
    the names of sizes, modes, conventions and dtypes, that times are positive and
    finite, and that every cell has a copy measurement for its size and dtype.
    """
    if not isinstance(doc, dict):
        return [f"document: expected an object, got {type(doc).__name__}"]
    problems: list[str] = []
    if doc.get("schema") != SCHEMA:
        problems.append(f"schema: expected {SCHEMA}, got {doc.get('schema')!r}")
    for name in ("environment", "copy", "cells"):
        if name not in doc:
            problems.append(f"document: missing field {name!r}")
    if problems:
        return problems
    problems += _check_fields(doc["environment"], _ENV_FIELDS, "environment")
    copy = doc["copy"]
    if not isinstance(copy, dict):
        problems.append("copy: expected an object")
        copy = {}
    for size, by_dtype in copy.items():
        if size not in SIZES:
            problems.append(f"copy: unknown size {size!r}")
        if not isinstance(by_dtype, dict):
            problems.append(f"copy.{size}: expected an object")
            continue
        for dtype, entry in by_dtype.items():
            problems += _check_fields(entry, _COPY_FIELDS, f"copy.{size}.{dtype}")
            if isinstance(entry, dict):
                problems += _check_positive(entry, ("median_s", "gb_per_s"), f"copy.{size}.{dtype}")
    cells = doc["cells"]
    if not isinstance(cells, list) or not cells:
        return problems + ["cells: expected a non-empty list"]
    for i, cell in enumerate(cells):
        where = f"cells[{i}]"
        found = _check_fields(cell, _CELL_FIELDS, where)
        problems += found
        if found or not isinstance(cell, dict):
            continue
        where = f"cells[{i}] ({cell['key']}, {cell['size']}, {cell['mode']}, {cell['convention']}, {cell['dtype']})"
        for name, allowed in (("size", SIZES), ("mode", MODES), ("convention", CONVENTIONS), ("dtype", DTYPES)):
            if cell[name] not in allowed:
                problems.append(f"{where}: unknown {name} {cell[name]!r}")
        problems += _check_positive(cell, ("median_s", "elements_per_s", "gb_per_s", "pct_of_copy"), where)
        if cell["passes"] < 1:
            problems.append(f"{where}: passes must be at least 1")
        if not isinstance(copy.get(cell["size"]), dict) or cell["dtype"] not in copy[cell["size"]]:
            problems.append(f"{where}: no copy measurement for its size and dtype")
    return problems


def _check_positive(obj: dict[str, Any], names: Sequence[str], where: str) -> list[str]:
    out = []
    for name in names:
        v = obj.get(name)
        if isinstance(v, _NUMBER) and not isinstance(v, bool) and not (math.isfinite(v) and v > 0):
            out.append(f"{where}.{name}: expected a positive finite number, got {v!r}")
    return out


class BenchDataError(UsageError):
    """A saved benchmark document that cannot be read or fails :func:`validate`."""


def load(path: Path | str) -> dict[str, Any]:
    """Read and validate a benchmark JSON file; :class:`BenchDataError` when it is broken."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BenchDataError(f"{path}: not a readable benchmark JSON file: {err}") from None
    problems = validate(doc)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BenchDataError(f"{path}: not a valid benchmark document: {problems[0]}{more}")
    return doc


# ------------------------------------------------------------------------ rendering


def _name(key: str) -> str:
    try:
        from actdocs.catalog import ACTIVATIONS
    except Exception:  # pragma: no cover - the catalog imports torch
        return key
    return next((a.name for a in ACTIVATIONS if a.key == key), key)


def size_label(doc: dict[str, Any], size: str) -> str:
    """"1000 × 256 (in cache)" or "2^24 = 65536 × 256 (memory-bound)"."""
    shape = doc["environment"].get("sizes", {}).get(size) or SIZES[size]
    n = math.prod(shape)
    power = f"2^{int(math.log2(n))} = " if n & (n - 1) == 0 and size == "memory" else ""
    return f"{power}{' × '.join(map(str, shape))} ({SIZE_WORDS.get(size, size)})"


def header_line(doc: dict[str, Any]) -> str:
    """Which machine and settings produced ``doc``, as one line of Markdown."""
    env = doc["environment"]
    kind = "quick run" if env.get("quick") else "full run"
    date = env["date"].replace("T", " ").replace("+00:00", " UTC")
    allocator = ", ".join(f"{k}={v}" for k, v in env.get("allocator", {}).items() if v) or "default allocator"
    return (f"Measured on **{env['device']}** ({env['device_name']}), torch {env['torch']}, "
            f"{env['threads']} thread{'s' if env['threads'] != 1 else ''}, {', '.join(env['dtypes'])}, "
            f"{allocator}, {date}; {kind}, median of {_passes_text(doc)}.")


def _passes_text(doc: dict[str, Any]) -> str:
    counts = sorted({c["passes"] for c in doc["cells"]})
    if len(counts) == 1:
        return f"{counts[0]} pass{'es' if counts[0] != 1 else ''}"
    return f"{counts[0]}–{counts[-1]} passes"


def _cells(doc: dict[str, Any], **match: str) -> list[dict[str, Any]]:
    return [c for c in doc["cells"] if all(c[k] == v for k, v in match.items())]


def _flag(cell: dict[str, Any]) -> str:
    marks = ""
    if cell.get("noisy"):
        marks += " ⚠"
    if cell["convention"] == "preallocated" and (not cell.get("allocation_free", True) or cell.get("substitute")):
        marks += " †"
    return marks


def markdown_tables(doc: dict[str, Any]) -> str:
    """Every table of ``doc`` as Markdown, under a line saying which machine made it.

    One table per (dtype, size, mode) for the preallocated convention, one per
    (dtype, mode) comparing "as called" with preallocated at the memory size, and the
    calls each convention used.
    """
    from actdocs.markdown import markdown_table

    parts = [header_line(doc), ""]
    dtypes = [d for d in DTYPES if any(c["dtype"] == d for c in doc["cells"])]
    sizes = [s for s in SIZES if any(c["size"] == s for c in doc["cells"])]
    modes = [m for m in MODES if any(c["mode"] == m for c in doc["cells"])]
    any_noisy = any(c["noisy"] for c in doc["cells"]) or any(
        v["noisy"] for by_dtype in doc["copy"].values() for v in by_dtype.values())
    for dtype in dtypes:
        for size in sizes:
            copy = doc["copy"].get(size, {}).get(dtype)
            for mode in modes:
                cells = _cells(doc, dtype=dtype, size=size, mode=mode, convention="preallocated")
                if not cells:
                    continue
                copy_text = (f"; copy `y.copy_(x)`: {format_sig(copy['gb_per_s'])} GB/s ({format_seconds(copy['median_s'])})"
                             + (" ⚠" if copy["noisy"] else "") if copy else "")
                parts.append(f"**{size_label(doc, size)}, {mode}, {dtype}, preallocated output**{copy_text}")
                parts.append("")
                rows = [[_name(c["key"]) + _flag(c), format_seconds(c["median_s"]), format_rate(c["elements_per_s"]),
                         format_sig(c["gb_per_s"]), format_percent(c['pct_of_copy'] / 100), format_ratio(c["ratio_to_relu"])]
                        for c in cells]
                parts.append(markdown_table(
                    ["Activation", "Time", "Elements/s", "GB/s", "% of copy", "× ReLU"], rows,
                    ["left", "right", "right", "right", "right", "right"]))
        for mode in modes:
            called = {c["key"]: c for c in _cells(doc, dtype=dtype, size="memory", mode=mode, convention="as called")}
            pre = {c["key"]: c for c in _cells(doc, dtype=dtype, size="memory", mode=mode, convention="preallocated")}
            keys = [k for k in pre if k in called]
            if not keys:
                continue
            parts.append(f"**{size_label(doc, 'memory')}, {mode}, {dtype}: as called vs preallocated output**")
            parts.append("")
            rows = [[_name(k) + (" ⚠" if called[k]["noisy"] or pre[k]["noisy"] else ""),
                     format_seconds(called[k]["median_s"]), format_percent(called[k]['pct_of_copy'] / 100),
                     format_ratio(called[k]["ratio_to_relu"]),
                     format_seconds(pre[k]["median_s"]), format_percent(pre[k]['pct_of_copy'] / 100),
                     format_ratio(pre[k]["ratio_to_relu"])] for k in keys]
            parts.append(markdown_table(
                ["Activation", "As called", "% of copy", "× ReLU", "Preallocated", "% of copy", "× ReLU"], rows,
                ["left", "right", "right", "right", "right", "right", "right"]))
    notes = ["GB/s counts the bytes an activation must move: input read and output written once "
             "(2N elements forward, 5N forward+backward; 3N and 8N for the gated units, N their output's "
             "elements). % of copy compares that with `y.copy_(x)` at the same size, dtype and threads; "
             "× ReLU is the time over ReLU's in the same table."]
    if any_noisy:
        notes.append("⚠ other processes loaded the CPU during most passes of this measurement even after "
                     "retries: its time (and every ratio or percentage that uses it) is less trustworthy.")
    if any(_flag(c).strip().endswith("†") for c in doc["cells"]):
        notes.append("† not a pure out= measurement: see the calls below.")
    parts += [" ".join(notes), ""]
    parts.append(methods_table(doc))
    return "\n".join(parts).rstrip("\n") + "\n"


def methods_table(doc: dict[str, Any]) -> str:
    """Per activation, the calls each convention timed, with the notes that go with them."""
    from actdocs.markdown import markdown_table

    seen: dict[str, dict[str, dict[str, Any]]] = {}
    for c in doc["cells"]:
        seen.setdefault(c["key"], {}).setdefault(f"{c['convention']}|{c['mode']}", c)
    columns = ("as called|forward", "preallocated|forward", "preallocated|forward+backward")
    rows = []
    for key, cells in seen.items():
        row = [_name(key)]
        for column in columns:
            c = cells.get(column)
            if c is None:
                row.append("–")
                continue
            text = f"`{c['method']}`"
            if c.get("note") and not (column.endswith("forward+backward") and c["note"] == _forward_note(cells)):
                text += f" ({c['note']})"
            row.append(text)
        rows.append(row)
    return ("**The calls timed.** As called, forward+backward is `torch.autograd.grad` of the as-called output "
            "with respect to `x`; preallocated, forward+backward runs the forward that keeps what the backward "
            "needs, then the backward kernel autograd would run.\n\n"
            + markdown_table(["Activation", "As called", "Preallocated, forward", "Preallocated, forward+backward"],
                             rows))


def _forward_note(cells: dict[str, dict[str, Any]]) -> str | None:
    c = cells.get("preallocated|forward")
    return c.get("note") if c else None


def _chart_cells(doc: dict[str, Any]) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    dtypes = [d for d in DTYPES if any(c["dtype"] == d for c in doc["cells"])]
    dtype = "float32" if "float32" in dtypes else dtypes[0]
    pre = _cells(doc, dtype=dtype, size="cache", mode="forward", convention="preallocated")
    called = _cells(doc, dtype=dtype, size="cache", mode="forward", convention="as called")
    return dtype, pre, called


def chart_alt(doc: dict[str, Any]) -> str:
    """Alt text for :func:`bar_chart`'s figure, with the numbers it shows."""
    dtype, pre, called = _chart_cells(doc)
    cells = pre or called
    env = doc["environment"]
    parts = [f"{_name(c['key'])} {format_ratio(c['ratio_to_relu'])}" + (" (under load)" if c["noisy"] else "")
             for c in cells]
    return (f"Bar chart: forward time relative to ReLU at 1000 × 256, {dtype}, on {env['device']} "
            f"({env['device_name']}), {env['threads']} threads, {'preallocated output' if pre else 'as called'}: "
            + ", ".join(parts) + ".")


def bar_chart(doc: dict[str, Any], path_light: Path | str, path_dark: Path | str) -> tuple[Path, Path]:
    """Horizontal bars: each activation's forward time over ReLU's at the cache size.

    Both conventions where measured (preallocated first); a log scale, a line at 1;
    cells measured under load are hatched. Drawn in the light and the dark theme of
    :mod:`actdocs.style`.
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from actdocs import style

    dtype, pre, called = _chart_cells(doc)
    series = [(label, {c["key"]: c for c in cells})
              for label, cells in (("preallocated output", pre), ("as called", called)) if cells]
    if not series:
        raise ValueError("the document has no forward cells at the cache size to chart")
    keys = list(series[0][1])
    env = doc["environment"]
    written = []
    for theme, path in (("light", path_light), ("dark", path_dark)):
        with style.use_theme(theme) as t:
            fig = style.new_figure(7.0, 0.32 * len(keys) + 1.4)
            ax = fig.add_subplot()
            height = 0.8 / len(series)
            for i, (label, by_key) in enumerate(series):
                ys = [k_i + (i - (len(series) - 1) / 2) * height for k_i in range(len(keys))]
                cells = [by_key.get(k) for k in keys]
                values = [(c and c["ratio_to_relu"]) or float("nan") for c in cells]
                bars = ax.barh(ys, values, height=height * 0.92, label=label, color=t.cycle[i], left=0)
                for bar, c in zip(bars, cells):
                    if c and c["noisy"]:  # measured under load: hatched
                        bar.set_hatch("///")
                        bar.set_edgecolor(t.background)
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.axvline(1.0, color=t.axis, linewidth=1.0)
            ax.set_yticks(range(len(keys)), [_name(k) for k in keys])
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.set_xlabel("forward time relative to ReLU (log scale; lower is faster)")
            ax.set_title(f"1000 × 256, {dtype}, {env['device']} ({env['device_name']}), {env['threads']} threads",
                         fontsize=10, loc="left")
            handles = [Patch(facecolor=t.cycle[i], label=label) for i, (label, _) in enumerate(series)]
            if any(c["noisy"] for _, by_key in series for c in by_key.values()):
                handles.append(Patch(facecolor=t.muted, edgecolor=t.background, hatch="///",
                                     label="measured under load"))
            if len(handles) > 1:
                fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
            written.append(style.save_svg(fig, path))
    return written[0], written[1]


# ------------------------------------------------------------------------- artifacts

SAVED_DIR = "data/bench"
QUICK_OUTPUTS = ("data/bench-quick.json", "tables/bench-quick.md",
                 "figures/bench-quick-light.svg", "figures/bench-quick-dark.svg", "fragments/bench-quick-chart.md")


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1) + "\n"


def _make_quick(out: Path, ctx: "Context") -> None:
    config = BenchConfig(device=ctx.device, quick=True)
    doc = run(config)
    problems = validate(doc)
    if problems:  # pragma: no cover - run() builds valid documents
        raise RuntimeError(f"the quick benchmark made an invalid document: {problems[0]}")
    write_text(out, QUICK_OUTPUTS[0], dumps(doc))
    write_text(out, QUICK_OUTPUTS[1], markdown_tables(doc))
    bar_chart(doc, out / QUICK_OUTPUTS[2], out / QUICK_OUTPUTS[3])
    write_text(out, QUICK_OUTPUTS[4], chart_fragment(doc, QUICK_OUTPUTS[2], QUICK_OUTPUTS[3]))


def chart_fragment(doc: dict[str, Any], light: str, dark: str, image_root: str | None = None) -> str:
    """The chart's two images as Markdown (Material's ``#only-light`` / ``#only-dark``), with alt text.

    ``light`` and ``dark`` are the figures' paths in the cache; the site serves the cache
    under ``image_root`` (:data:`actdocs.markdown.SERVED_ROOT` by default).
    """
    if image_root is None:
        from actdocs.markdown import SERVED_ROOT as image_root
    return image_pair(chart_alt(doc), {"light": light, "dark": dark}, root=image_root)


def saved_files(root: Path | None = None) -> list[Path]:
    """The benchmark documents kept in the repository (``data/bench/*.json``)."""
    from actdocs.build import REPO_ROOT

    return sorted(((root or REPO_ROOT) / SAVED_DIR).glob("*.json"))


def saved_stem(path: Path) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", path.stem.lower()).strip("-") or "unnamed"


def saved_tables(doc: dict[str, Any], title: str) -> str:
    return f"**{title}**\n\n" + markdown_tables(doc)


def _make_saved(rel: str, out: Path, ctx: "Context") -> None:
    path = ctx.root / rel
    doc = load(path)
    write_text(out, f"tables/bench-saved-{saved_stem(path)}.md", saved_tables(doc, f"Kept result `{rel}`"))


def _make_saved_index(rels: tuple[str, ...], out: Path, ctx: "Context") -> None:
    if not rels:
        text = ("No results from other machines are kept yet: `make bench DEVICE=cuda` on a machine with a GPU "
                f"writes one to `{SAVED_DIR}/`.\n")
    else:
        text = "\n".join(saved_tables(load(ctx.root / rel), f"Kept result `{rel}`") for rel in rels)
    write_text(out, "tables/bench-saved.md", text)


def artifacts() -> list["Artifact"]:
    """``bench-quick`` (run on the build's device), and one table per kept result."""
    from actdocs.build import REPO_ROOT, Artifact

    preset = {k: v for k, v in QUICK.items()}
    arts = [Artifact(name="bench-quick", outputs=QUICK_OUTPUTS, make=_make_quick, module=MODULE,
                     params={"quick": preset, "sizes": SIZES, "skip": sorted(map(list, QUICK_SKIP))},
                     device_dependent=True, exclusive=True)]
    rels = []
    for path in saved_files():
        rel = path.relative_to(REPO_ROOT).as_posix()
        rels.append(rel)
        arts.append(Artifact(name=f"bench-saved-{saved_stem(path)}",
                             outputs=(f"tables/bench-saved-{saved_stem(path)}.md",),
                             make=functools.partial(_make_saved, rel), module=MODULE, inputs=(rel,)))
    arts.append(Artifact(name="bench-saved", outputs=("tables/bench-saved.md",),
                         make=functools.partial(_make_saved_index, tuple(rels)), module=MODULE,
                         inputs=tuple(rels), params={"files": rels}))
    return arts


# ----------------------------------------------------------------------- command line


def add_arguments(parser: "argparse.ArgumentParser") -> None:
    """The options of ``actdocs bench``."""
    from actdocs import device as devices

    parser.add_argument("--device", choices=devices.CHOICES, default=None,
                        help="torch device (default: $ACTDOCS_DEVICE or auto: CUDA when present)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="intra-op threads to time with (default: torch's, the CPU count)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer and shorter passes, no as-called memory-size backward (<= 30 s on 2 cores)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the JSON document to FILE")
    parser.add_argument("--json-dir", type=Path, metavar="DIR",
                        help="write the JSON document to DIR/<device>-<cpu or gpu>-<date>.json")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="activations to time (ReLU, the reference of every ratio, always is)")
    parser.add_argument("--dtype", nargs="+", choices=DTYPES, default=["float32"], help="dtypes (default: float32)")
    parser.add_argument("--size", nargs="+", choices=tuple(SIZES), default=list(SIZES),
                        help="sizes: cache (1000 x 256) and/or memory (2^24 elements by default)")
    parser.add_argument("--memory-elements", type=int, default=2**24, metavar="N",
                        help="elements at the memory size (a multiple of 512; default 2^24)")
    parser.add_argument("--passes", type=int, default=0, metavar="N", help="passes per cell (default: 3 quick, 5 full)")
    parser.add_argument("--retries", type=int, default=None, metavar="N",
                        help="retries of a pass that other processes loaded (default: 2 quick, 4 full)")
    parser.add_argument("--retry-budget", type=float, default=None, metavar="S",
                        help="seconds a run may spend retrying loaded passes and waiting for quiet "
                             "(default: 5 quick, 60 full)")
    parser.add_argument("--deadline", type=float, default=None, metavar="S",
                        help="start no further pass after S seconds (default: 25 quick, 600 full)")
    parser.add_argument("--no-tables", action="store_true", help="do not print the Markdown tables")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def saved_name(doc: dict[str, Any]) -> str:
    """``<device>-<device name>-<N>t-<date>.json``, e.g. ``cuda-nvidia-h100-80gb-hbm3-1t-2026-11-25.json``."""
    env = doc["environment"]
    return f"{slug(env['device'])}-{slug(env['device_name'])}-{env['threads']}t-{env['date'][:10]}.json"


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    from actdocs.build import atomic_write

    try:
        atomic_write(path, dumps(doc).encode())
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


def config_from_args(args: "argparse.Namespace") -> BenchConfig:
    """A :class:`BenchConfig` from parsed options; UsageError on bad input."""
    from actdocs import device as devices

    threads = getattr(args, "threads", None)
    if threads is not None and threads < 1:
        raise UsageError(f"--threads must be at least 1, got {threads}")
    return BenchConfig(
        keys=tuple(getattr(args, "only", None) or ()),
        dtypes=tuple(getattr(args, "dtype", None) or ("float32",)),
        sizes=tuple(getattr(args, "size", None) or SIZES),
        threads=threads or 0,
        device=devices.resolve(devices.requested(getattr(args, "device", None))),
        quick=bool(getattr(args, "quick", False)),
        passes=int(getattr(args, "passes", 0) or 0),
        memory_elements=int(getattr(args, "memory_elements", None) or 2**24),
        retries=-1 if getattr(args, "retries", None) is None else max(0, args.retries),
        retry_budget_s=-1.0 if getattr(args, "retry_budget", None) is None else max(0.0, args.retry_budget),
        deadline_s=-1.0 if getattr(args, "deadline", None) is None else max(0.0, args.deadline),
    )


def main(args: "argparse.Namespace") -> int:
    """Run ``actdocs bench``: measure, write the JSON, print the tables; return the exit status."""
    from actdocs.build import ensure_writable  # fail before measuring, not after

    json_file = getattr(args, "json", None)
    json_dir = getattr(args, "json_dir", None)
    if json_file is not None:
        if json_file.is_dir():
            raise UsageError(f"--json {json_file} is a folder; give a file name")
        ensure_writable(json_file.parent, "the JSON folder")
    if json_dir is not None:
        if json_dir.exists() and not json_dir.is_dir():
            raise UsageError(f"--json-dir {json_dir} is not a folder")
        ensure_writable(json_dir, "the JSON folder")
    config = config_from_args(args)
    tty = sys.stderr.isatty()

    def progress(line: str) -> None:
        sys.stderr.write("\r\033[K" + line[:120])
        sys.stderr.flush()

    doc = run(config, progress if tty else None)
    if tty:
        sys.stderr.write("\r\033[K")
    problems = validate(doc)
    if problems:  # pragma: no cover - run() builds valid documents
        raise RuntimeError(f"invalid benchmark document: {problems[0]}")
    written = []
    if json_file is not None:
        _write_json(json_file, doc)
        written.append(str(json_file))
    if json_dir is not None:
        path = json_dir / saved_name(doc)
        _write_json(path, doc)
        written.append(str(path))
    if not getattr(args, "no_tables", False):
        sys.stdout.write(markdown_tables(doc))
        sys.stdout.flush()
    r = doc["run"]
    print(f"actdocs: bench: {r['cells']} cells on {config.device} ({doc['environment']['device_name']}, "
          f"{config.threads} threads) in {r['seconds']:.1f}s; {r['noisy']} noisy, {r['retries']} retries"
          + (f"; wrote {', '.join(written)}" if written else ""), file=sys.stderr)
    return 0
