"""The calls the benchmark times: values, gradients, allocations, timers and settings (no speeds)."""

from __future__ import annotations

import pytest
import torch
from torch.profiler import ProfilerActivity, profile

from actdocs.bench import config as bench_config
from actdocs.bench import kernels, runner, schema, timing
from actdocs.catalog import ACTIVATIONS
from actdocs.engine.errors import UsageError

NO_GPU = "needs a CUDA GPU: torch sees none on this machine"


def allocated(fn) -> int:
    """Bytes the CPU allocator handed out while ``fn`` ran."""
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    return sum(max(e.self_cpu_memory_usage, 0) for e in prof.key_averages())


def small(record) -> kernels.Buffers:
    full, gated = kernels.allocate((64, 32), "cpu", torch.float32, seed=0)
    return gated if record.family == "gated" else full


def expected(record, b: kernels.Buffers) -> tuple[torch.Tensor, torch.Tensor]:
    x = b.x.clone().requires_grad_(True)
    y = record.functional(x, **kernels.call_kwargs(record))
    (gx,) = torch.autograd.grad(y, x, b.g)
    return y.detach(), gx


@pytest.mark.parametrize("record", ACTIVATIONS, ids=lambda a: a.key)
def test_preallocated_calls_give_the_as_called_values_and_allocate_only_where_said(record) -> None:
    b = small(record)
    k = kernels.interpret(record, b)
    y, gx = expected(record, b)
    k.forward.fn()
    torch.testing.assert_close(b.y, y)
    b.y.zero_()
    k.forward_saving.fn()
    grad = k.backward.fn()
    torch.testing.assert_close(b.y, y)
    torch.testing.assert_close(grad if k.backward.allocates else b.gx, gx)
    assert allocated(k.forward.fn) == 0
    assert (allocated(lambda: (k.forward_saving.fn(), k.backward.fn())) > 0) == k.backward.allocates
    assert k.forward.text.startswith("aten.") and "out=y" in k.forward.text


#: Records timed through their own kernels: neither a substitute nor a composite of several
#: calls (a composite's steps are checked by value and allocation above).
SINGLE_KERNEL = [a for a in ACTIVATIONS if not a.kernels.get("substitute") and not a.kernels.get("composite")]


@pytest.mark.parametrize("record", SINGLE_KERNEL, ids=lambda a: a.key)
def test_the_forward_kernel_is_the_one_the_as_called_function_runs(record) -> None:
    b = small(record)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        record.functional(b.x, **kernels.call_kwargs(record))
    forward_op = kernels.interpret(record, b).ops[0]
    assert f"aten::{forward_op}" in {e.key for e in prof.key_averages()}


@pytest.mark.parametrize("record", SINGLE_KERNEL, ids=lambda a: a.key)
def test_the_backward_kernel_is_the_one_autograd_runs(record) -> None:
    b = small(record)
    x = b.x.clone().requires_grad_(True)
    y = record.functional(x, **kernels.call_kwargs(record))
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        torch.autograd.grad(y, x, b.g)
    backward_op = kernels.interpret(record, b).ops[1]
    assert f"aten::{backward_op}" in {e.key for e in prof.key_averages()}


def test_only_prelu_is_a_substitute_and_composite_out_overloads_do_not_count() -> None:
    assert [a.key for a in ACTIVATIONS if a.kernels.get("substitute")] == ["prelu"]
    assert kernels.out_overload("hardswish_backward", "cpu") is None  # a composite: allocates, then copies
    assert kernels.out_overload("clone", "cpu") is None
    op, keyword, name = kernels.out_overload("silu_backward", "cpu")
    assert (keyword, name) == ("grad_input", "aten.silu_backward.grad_input")


def test_composites_are_several_steps_and_say_why() -> None:
    composites = [a for a in ACTIVATIONS if a.kernels.get("composite")]
    assert [a.key for a in composites] == ["softsign", "logsigmoid", "tanhshrink", "softmin"]
    for record in composites:
        k = kernels.interpret(record, small(record))
        assert ";" in record.kernels["forward"] and k.forward.text.count("out=y") >= 2, record.key
    assert "1.0" in kernels.interpret(composites[0], small(composites[0])).forward.text  # shown as written


def test_a_broken_spec_is_an_error_naming_the_record() -> None:
    from dataclasses import replace

    relu = next(a for a in ACTIVATIONS if a.key == "relu")
    b = small(relu)
    for spec in ({}, {"forward": "clamp_min(x, nope)", "backward": "threshold_backward(g, y, 0)"},
                 {"forward": "x + 1", "backward": "threshold_backward(g, y, 0)"}):
        with pytest.raises(ValueError, match="relu|kernel spec"):
            kernels.interpret(replace(relu, kernels=spec), b)


def test_ceiling_kernels_stream_x_into_y_and_only_clone_allocates() -> None:
    full, _ = kernels.allocate((64, 32), "cpu", torch.float32, seed=0)
    found = {k.name: k for k in kernels.ceiling_kernels(full)}
    assert [k.kind for k in found.values()] == ["1r1w"] * 4 + ["2r1w"] * 2 + ["read"]
    for name in ("copy_", "add", "mul", "clone"):
        full.y.zero_()
        found[name].call.fn()
        torch.testing.assert_close(full.y, full.x)
    for name, expect in (("add2", full.x + full.g), ("mul2", full.x * full.g)):
        found[name].call.fn()
        torch.testing.assert_close(full.y, expect)
    for name, k in found.items():  # a scalar operand or sum's result is one element; clone allocates y again
        assert (allocated(k.call.fn) >= full.y.nbytes) == (name == "clone"), name
        assert name == "clone" or allocated(k.call.fn) <= full.y.element_size(), name
    assert found["clone"].call.allocates and not found["copy_"].call.allocates


def test_compiled_calls_give_the_as_called_values_without_allocating() -> None:
    relu = next(a for a in ACTIVATIONS if a.key == "hardswish")
    b = small(relu)
    forward, forward_backward = kernels.compiled(relu, b)
    y, gx = expected(relu, b)
    forward_backward.fn()  # compiles both graphs
    torch.testing.assert_close(b.y, y)
    torch.testing.assert_close(b.gx, gx)
    assert allocated(forward.fn) == 0 and allocated(forward_backward.fn) == 0


# ------------------------------------------------------------------ timers and settings


def test_the_timer_follows_the_device() -> None:
    assert isinstance(timing.timer_for("cpu"), timing.CpuTimer)
    assert timing.timer_for("cpu").name == timing.TIMERS["cpu"] and "CUDA events" in timing.TIMERS["cuda"]
    with pytest.raises(ValueError):
        timing.timer_for("tpu")
    stats = timing.CpuTimer().block(lambda: None, 3)
    assert stats.seconds > 0 and stats.faults >= 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_GPU)
def test_the_cuda_timer_times_on_the_gpu() -> None:
    timer = timing.timer_for("cuda")
    x = torch.randn(1 << 20, device="cuda")
    assert isinstance(timer, timing.CudaTimer) and timer.block(lambda: x.mul_(1.0), 4).seconds > 0


def test_calls_per_block() -> None:
    assert timing.calls_per_block(1e-3, 0.01) == 10
    assert timing.calls_per_block(0.2, 0.01) == 1
    assert timing.calls_per_block(1e-9, 1.0, cap=50) == 50
    assert timing.calls_per_block(0.0, 0.01) == 10_000


def test_settings_default_to_the_preset_and_the_device() -> None:
    quick, full = bench_config.RunConfig(quick=True), bench_config.RunConfig()
    assert quick.passes == bench_config.QUICK["passes"] and not quick.compiled and not quick.probes
    assert full.passes == bench_config.FULL["passes"] and full.compiled and full.max_passes == bench_config.FULL["max_passes"]
    assert full.threads == bench_config.available_cores() and full.keys[0] == "sigmoid" and schema.REFERENCE in full.keys
    assert bench_config.RunConfig(passes=10).max_passes == 20 and bench_config.RunConfig(quick=True, passes=2).max_passes == 2
    assert bench_config.RunConfig(passes=9, max_passes=3).max_passes == 9  # never fewer passes at most than at least
    gpu = bench_config.RunConfig(device="cuda")  # the settings need no GPU
    assert gpu.dtypes == ("float32", "bfloat16") and gpu.memory_elements == 2**28
    assert bench_config.RunConfig().dtypes == ("float32",) and bench_config.RunConfig().memory_elements == 2**24
    assert not quick.planned("memory", "forward+backward", "as called") and full.planned(
        "memory", "forward+backward", "as called")


@pytest.mark.parametrize(("over", "message"), [
    ({"threads": bench_config.available_cores() + 1}, "more than the"),
    ({"threads": 0}, "at least 1"),
    ({"keys": ("nope",)}, "unknown activation 'nope'"),
    ({"dtypes": ("float8",)}, "invalid dtype"),
    ({"sizes": ()}, "no size given"),
    ({"memory_elements": 1000}, "multiple of 512"),
    ({"passes": 0}, "passes must be at least 1"),
    ({"device": "auto"}, "resolved"),
])
def test_bad_settings_are_usage_errors(over: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bench_config.RunConfig(**over)


def test_passes_are_shuffled_by_seed_and_interleave_every_item() -> None:
    seen: list[str] = []
    items = [bench_config.Item("ceiling", "memory", "float32", kernels.Call(lambda n=n: seen.append(n), n),
                         {"name": n, "class": "1r1w", "moved": 2}, 1) for n in "abcdefgh"]
    config = bench_config.RunConfig(quick=True, threads=1, passes=3, max_passes=3, retries=0)
    gate = runner.LoadGate(threads=1)
    runner._passes(items, timing.CpuTimer(), gate, config, runner._Clock(config), 1, None, lambda: {"cells": []})
    passes = [seen[i * 8:(i + 1) * 8] for i in range(3)]
    assert all(sorted(p) == list("abcdefgh") for p in passes) and len(seen) == 24
    assert len({tuple(p) for p in passes}) == 3  # a new order each pass
    again: list[str] = []
    for item in items:
        item.call = kernels.Call(lambda n=item.meta["name"]: again.append(n), "")
    runner._passes(items, timing.CpuTimer(), gate, config, runner._Clock(config), 1, None, lambda: {"cells": []})
    assert again == seen  # the same seed, the same orders


def _fake_block(per_call, slow_first=0.0):
    """A block timer whose calls take ``per_call`` seconds, the very first block ``slow_first`` more."""
    state = {"blocks": 0}

    def block(n: int) -> timing.BlockStats:
        extra = slow_first if state["blocks"] == 0 else 0.0
        state["blocks"] += 1
        wall = n * per_call + extra
        return timing.BlockStats(wall / n, 0.0, wall, wall)

    return block


def test_calibrate_is_not_set_by_one_slow_call() -> None:
    # one interrupted first call (2 ms for a 13 µs function) must not leave 5 calls per block
    count = timing.calibrate(_fake_block(13e-6, slow_first=2e-3), 0.01)
    assert count == timing.calls_per_block(13e-6, 0.01)
    assert timing.calibrate(_fake_block(13e-6), 0.01) == count


def test_calibrate_stops_at_the_cap_and_for_slow_calls() -> None:
    assert timing.calibrate(_fake_block(1e-9), 1.0, cap=64) == 64
    assert timing.calibrate(_fake_block(0.5), 0.01) == 1


def test_best_of_keeps_the_fastest_block_and_all_cpu_time() -> None:
    times = iter([3e-3, 1e-3, 2e-3])

    def block(n: int) -> timing.BlockStats:
        t = next(times)
        return timing.BlockStats(t / n, 1.0, 2 * t, t)

    best = timing.best_of(block, 4, 3)
    assert best.seconds == 1e-3 / 4
    assert best.cpu == pytest.approx(12e-3) and best.wall == pytest.approx(6e-3)
    with pytest.raises(ValueError, match="repeats"):
        timing.best_of(block, 4, 0)
