"""How a run measures (what it measures is :class:`actdocs.bench.config.RunConfig`): warm-up,
then interleaved, shuffled passes.

Every *item* (a ceiling kernel, a probe or an activation cell) is called once to warm up
(for a compiled cell this call compiles it, and its seconds are kept as the compile time),
then calibrated: the number of calls whose block lasts at least the size's ``block_s``.
Each pass then times every item once, in an order shuffled by a seed derived from the run's
seed and the pass number, so that no item always follows the same neighbour or sits at the
same point of a pass. An item at the cache size gets one untimed call just before its
block, so the previous item's data do not sit in its caches. A block that the load gate
judges loaded is retried after waiting for quiet, within the run's retry budget.

After ``passes`` passes the run goes on, up to ``max_passes``, while a cell's interval is
wide; a run whose ceiling drifted is measured again (``attempts``), keeping the attempt
with the fewest flagged cells. No pass starts that would end after ``deadline_s``.
"""

from __future__ import annotations

import contextlib
import random
import time
from typing import Any, Callable

from actdocs.bench import assemble
from actdocs.bench.gate import LoadGate, loadavg
from actdocs.bench.config import Item, RunConfig
from actdocs.bench.kernels import Call, allocate, as_called, ceiling_kernels, compiled, interpret
from actdocs.bench.timing import best_of, calibrate, timer_for

def _torch_dtype(name: str) -> Any:
    import torch

    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float64": torch.float64}[name]


def _items(config: RunConfig, size: str, dtype: str) -> list[Item]:
    """Every item of one (size, dtype) group; their calls hold the group's buffers."""
    from actdocs.catalog import ACTIVATIONS

    records = {a.key: a for a in ACTIVATIONS}
    full, gated = allocate(config.shape(size), config.device, _torch_dtype(dtype), config.seed)
    threads = config.threads
    items = [Item("ceiling", size, dtype, k.call, {"name": k.name, "class": k.kind, "moved": k.moved}, threads)
             for k in ceiling_kernels(full, clone=not config.quick)]
    if config.probes and size == "memory":
        for k in ceiling_kernels(full, clone=False)[:2]:  # copy_ and add, on one thread
            items.append(Item("probe", size, dtype, k.call, {"name": f"{k.name} (1 thread)", "moved": k.moved}, 1))
    for key in config.keys:
        rec = records[key]
        b = gated if rec.family == "gated" else full
        pre = interpret(rec, b)
        fwd, fb = as_called(rec, b)
        calls = {("as called", "forward"): fwd, ("as called", "forward+backward"): fb,
                 ("preallocated", "forward"): pre.forward,
                 ("preallocated", "forward+backward"): Call(_chain(pre.forward_saving.fn, pre.backward.fn),
                                                           f"{pre.forward_saving.text}; {pre.backward.text}",
                                                           pre.backward.allocates)}
        meta = {"key": key, "family": rec.family, "out_elements": b.y.numel(), "substitute": pre.substitute,
                "ops": pre.ops}
        for mode in config.modes:
            for convention in config.conventions:
                if config.planned(size, mode, convention):
                    items.append(Item("cell", size, dtype, calls[(convention, mode)],
                                      {**meta, "mode": mode, "convention": convention, "column": "eager"}, threads))
        if config.compiled and size == "memory" and rec.elementwise:
            c_fwd, c_fb = compiled(rec, b)
            for mode, call in (("forward", c_fwd), ("forward+backward", c_fb)):
                if mode in config.modes:
                    items.append(Item("cell", size, dtype, call, {**meta, "mode": mode, "convention": "preallocated",
                                                                  "column": "compiled"}, threads))
    return items


def _chain(*fns: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        for fn in fns:
            fn()

    return run


@contextlib.contextmanager
def _threads(n: int):
    import torch

    before = torch.get_num_threads()
    if n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


class _Clock:
    """The run's deadline and what is left of its retry budget."""

    def __init__(self, config: RunConfig) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + config.deadline_s
        self.retry_left = config.retry_budget_s
        self.retry_initial = config.retry_budget_s

    def allowance(self) -> float:
        return max(0.0, min(self.retry_left, self.deadline - time.perf_counter()))


def _measure(item: Item, timer: Any, gate: LoadGate, retries: int, repeats: int, clock: _Clock) -> None:
    """One pass of ``item``: the fastest of its ``repeats`` blocks, retried while other processes load the CPU."""
    attempts = []
    with _threads(item.threads):
        for attempt in range(retries + 1):
            if item.size == "cache":
                item.call.fn()  # bring this item's data into the caches
            a = gate.snapshot()
            stats = best_of(lambda n: timer.block(item.call.fn, n), item.number, repeats)
            b = gate.snapshot()
            load = gate.judge(a, b)
            attempts.append((stats, load))
            if not load.noisy or attempt == retries or clock.allowance() <= 0:
                break
            clock.retry_left -= (b.wall - a.wall) + gate.wait_quiet(clock.allowance())
            item.retries += 1
    clean = [t for t in attempts if not t[1].noisy]
    stats, load = min(clean or attempts, key=lambda t: t[0].seconds)
    item.times.append(stats.seconds)
    item.faults.append(stats.faults)
    item.cpu.append(stats.cpu)
    item.wall.append(stats.wall)
    item.loaded.append(load.noisy)
    item.others.append(load.others_cores)


def _warm_up(items: list[Item], timer: Any, config: RunConfig, progress: Callable[[str], None] | None) -> dict:
    """Call every item once (compiling the compiled cells, timed), then calibrate its block.

    A block of ``block_s`` 0 is one call, and needs no calibration.
    """
    compile_s: dict[str, dict[str, float]] = {}
    for i, item in enumerate(items, 1):
        if progress:
            progress(f"warm-up {i}/{len(items)}: {_label(item)}")
        with _threads(item.threads):
            first = timer.block(item.call.fn, 1).seconds
            if item.meta.get("column") == "compiled":
                graph = "forward_s" if item.meta["mode"] == "forward" else "backward_s"  # forward compiled first
                compile_s.setdefault(item.meta["key"], {})[graph] = first
            block_s = config.block_s[item.size]
            # each of a pass's ``repeats`` blocks lasts at least its share of ``block_s``
            share = block_s / config.repeats
            item.number = calibrate(lambda n: timer.block(item.call.fn, n), share) if block_s > 0 else 1
    return compile_s


def _label(item: Item) -> str:
    m = item.meta
    what = m.get("name") or f"{m['key']} {m['mode']} {m['convention']} {m['column']}"
    return f"{item.size} {item.dtype} {what}"


def _passes(items: list[Item], timer: Any, gate: LoadGate, config: RunConfig, clock: _Clock, attempt: int,
            progress: Callable[[str], None] | None, judge: Callable[[], dict]) -> dict:
    """Interleaved passes until the intervals are narrow, ``max_passes`` or the deadline; the document."""
    last = 0.0
    done = 0
    doc: dict = {}
    while done < config.max_passes:
        if done and time.perf_counter() + last > clock.deadline:
            break
        started = time.perf_counter()
        order = list(items)
        random.Random(f"{config.seed}:{attempt}:{done}").shuffle(order)
        for i, item in enumerate(order, 1):
            if progress:
                progress(f"pass {done + 1} (attempt {attempt}), {i}/{len(order)}: {_label(item)}")
            _measure(item, timer, gate, config.retries, config.repeats, clock)
        done += 1
        last = time.perf_counter() - started
        if done >= config.passes:
            doc = judge()
            if not any("wide" in c["flags"] for c in doc["cells"]):
                break
    return doc or judge()


@contextlib.contextmanager
def _cold_compiler(device: str):
    """torch.compile with an empty cache of its own, started once on a toy function.

    Yields the start-up's seconds (importing inductor, its first compiler call), so that
    each activation's compile time is its own graphs' and none is served from a cache
    left by an earlier run.
    """
    import tempfile

    import torch
    from torch._inductor.runtime.cache_dir_utils import temporary_cache_dir

    with tempfile.TemporaryDirectory(prefix="actdocs-inductor-") as folder, temporary_cache_dir(folder), \
            torch._dynamo.config.patch(recompile_limit=256, accumulated_recompile_limit=4096):
        started = time.perf_counter()
        torch.compile(lambda t: t * 2 + 1, fullgraph=True)(torch.ones(8, device=device))
        yield time.perf_counter() - started  # each activation's functions share a code object: no recompile limit


def run(config: RunConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Measure every item of ``config`` and return the JSON document (see :mod:`actdocs.bench.schema`)."""
    clock = _Clock(config)
    before = loadavg()
    timer = timer_for(config.device)
    gate = LoadGate(1 if config.device == "cuda" else config.threads)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_threads(config.threads))
        startup = stack.enter_context(_cold_compiler(config.device)) if config.compiled else None
        items = [it for d in config.dtypes for s in config.sizes for it in _items(config, s, d)]
        graphs = _warm_up(items, timer, config, progress)
        compile_s = {"startup_s": startup, "graphs": graphs} if startup is not None else {}

        def judge() -> dict:
            return assemble.document(config, items, compile_s=compile_s, timer=timer.name, gate=gate,
                                     loadavg_before=before, seconds=time.perf_counter() - clock.start)

        best: dict | None = None
        for attempt in range(1, config.attempts + 1):
            if attempt > 1:
                gate.wait_quiet(clock.allowance())
                for item in items:
                    item.reset()
            doc = _passes(items, timer, gate, config, clock, attempt, progress, judge)
            doc["run"]["attempts"] = attempt
            if best is None or doc["run"]["flagged"] < best["run"]["flagged"]:
                best = doc
            if "drift" not in doc["run"]["flags"] or time.perf_counter() > clock.deadline:
                break
    best["run"]["retry_seconds"] = round(clock.retry_initial - clock.retry_left, 2)
    return best
