"""The benchmark: its JSON document, tables, chart, calls and command line.

A benchmark is not a timed test: nothing here asserts on speed. The command-line runs
use the smallest settings (two activations, one pass, no retries, a small "memory"
size) so that they take a few seconds even on a loaded two-core machine.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from actdocs import bench
from actdocs.build import Context
from actdocs.catalog import ACTIVATIONS

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--quick", "--passes", "1", "--retries", "0", "--memory-elements", str(64 * 1024)]


def actdocs(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m actdocs ARGS`` in a subprocess, from the repository root."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ACTDOCS_DEVICE", None)
    return subprocess.run([sys.executable, "-m", "actdocs", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def cpu_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict]:
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    proc = actdocs("bench", "--device", "cpu", "--only", "relu", "sigmoid", "glu", *SMALL, "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    return proc, json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the CPU run


def test_quick_cpu_run_writes_a_valid_document(cpu_run) -> None:
    proc, doc = cpu_run
    assert bench.validate(doc) == []
    env = doc["environment"]
    assert env["device"] == "cpu" and env["quick"] is True and env["dtypes"] == ["float32"]
    assert env["device_name"] and env["torch"] == torch.__version__ and env["threads"] >= 1
    assert set(env["allocator"]) == {"THP_MEM_ALLOC_ENABLE", "PYTORCH_CUDA_ALLOC_CONF"}
    keys = {c["key"] for c in doc["cells"]}
    assert keys == {"relu", "sigmoid", "glu"}
    for cell in doc["cells"]:
        assert cell["passes"] == 1
        ref = next(c for c in doc["cells"] if c["key"] == "relu" and all(
            c[k] == cell[k] for k in ("size", "mode", "dtype", "convention")))
        assert cell["ratio_to_relu"] == pytest.approx(cell["median_s"] / ref["median_s"])
        copy_speed = doc["copy"][cell["size"]][cell["dtype"]]["gb_per_s"]
        assert cell["pct_of_copy"] == pytest.approx(100 * cell["gb_per_s"] / copy_speed)
    # the bytes of the roofline: 2N / 5N element-wise, 3N / 8N for a gated unit (N = output elements)
    n = 1000 * 256
    cells = {(c["key"], c["size"], c["mode"], c["convention"]): c for c in doc["cells"]}
    assert cells["sigmoid", "cache", "forward", "preallocated"]["bytes"] == 2 * n * 4
    assert cells["sigmoid", "cache", "forward+backward", "preallocated"]["bytes"] == 5 * n * 4
    assert cells["glu", "cache", "forward", "preallocated"]["bytes"] == 3 * (n // 2) * 4
    assert cells["glu", "cache", "forward+backward", "as called"]["bytes"] == 8 * (n // 2) * 4
    # a quick run leaves out only the as-called memory-size backward
    assert ("relu", "memory", "forward+backward", "as called") not in cells
    assert ("relu", "memory", "forward+backward", "preallocated") in cells
    assert "actdocs: bench:" in proc.stderr


def test_the_printed_tables_say_which_machine_made_them(cpu_run) -> None:
    proc, doc = cpu_run
    assert proc.stdout == bench.markdown_tables(doc)
    first = proc.stdout.splitlines()[0]
    env = doc["environment"]
    words = (env["device"], env["device_name"], env["torch"], f"{env['threads']} thread", "float32", env["date"][:10])
    for word in words:
        assert word in first


def test_markdown_tables_render_one_table_per_size_and_mode(cpu_run) -> None:
    _, doc = cpu_run
    text = bench.markdown_tables(doc)
    for size in ("cache", "memory"):
        for mode in bench.MODES:
            assert text.count(f"({bench.SIZE_WORDS[size]}), {mode}, float32, preallocated output**") == 1
    assert text.count("as called vs preallocated output**") == 1  # memory, forward (quick run)
    assert "| Activation | Time | Elements/s | GB/s | % of copy | × ReLU |" in text
    assert "**The calls timed.**" in text and "`torch.sigmoid(x, out=y)`" in text


def test_bar_chart_writes_light_and_dark_svgs(cpu_run, tmp_path: Path) -> None:
    _, doc = cpu_run
    light, dark = bench.bar_chart(doc, tmp_path / "l.svg", tmp_path / "d.svg")
    assert light.read_text().startswith("<?xml") and dark.read_text().startswith("<?xml")
    assert light.read_bytes() != dark.read_bytes()
    assert "Sigmoid" in bench.chart_alt(doc)
    fragment = bench.chart_fragment(doc, "figures/l.svg", "figures/d.svg")
    lines = fragment.splitlines()
    assert len(lines) == 2 and lines[0].startswith("![Bar chart: forward time relative to ReLU")
    assert "(generated/figures/l.svg#only-light)" in lines[0] and "(generated/figures/d.svg#only-dark)" in lines[1]


# ------------------------------------------------------------------ validation


def test_validate_rejects_missing_and_wrong_fields(cpu_run) -> None:
    _, doc = cpu_run
    broken = copy.deepcopy(doc)
    del broken["cells"][0]["median_s"]
    assert any("missing field 'median_s'" in p for p in bench.validate(broken))
    broken = copy.deepcopy(doc)
    del broken["environment"]["device_name"]
    assert any("device_name" in p for p in bench.validate(broken))
    broken = copy.deepcopy(doc)
    broken["cells"][0]["median_s"] = -1.0
    assert any("positive" in p for p in bench.validate(broken))
    broken = copy.deepcopy(doc)
    broken["cells"][0]["noisy"] = "no"
    assert any("noisy" in p for p in bench.validate(broken))
    broken = copy.deepcopy(doc)
    broken["copy"] = {}
    assert any("no copy measurement" in p for p in bench.validate(broken))
    assert bench.validate({**doc, "schema": 99})
    assert bench.validate([]) and bench.validate({"schema": 1})


def test_a_corrupt_saved_document_is_a_clear_error(cpu_run, tmp_path: Path) -> None:
    doc = copy.deepcopy(cpu_run[1])
    folder = tmp_path / "data" / "bench"
    folder.mkdir(parents=True)
    good = folder / "cpu-test-2t-2026-01-01.json"
    good.write_text(json.dumps(doc))
    bench._make_saved("data/bench/cpu-test-2t-2026-01-01.json", tmp_path / "out", Context(root=tmp_path))
    table = (tmp_path / "out" / "tables" / "bench-saved-cpu-test-2t-2026-01-01.md").read_text()
    assert "Kept result" in table and doc["environment"]["device_name"] in table
    bad = folder / "bad.json"
    bad.write_text('{"schema": 1, "cells": [')
    with pytest.raises(bench.BenchDataError, match="bad.json"):
        bench.load(bad)
    del doc["cells"][0]["key"]
    bad.write_text(json.dumps(doc))
    with pytest.raises(bench.BenchDataError, match="missing field 'key'"):
        bench._make_saved("data/bench/bad.json", tmp_path / "out", Context(root=tmp_path))


def test_artifacts() -> None:
    arts = {a.name: a for a in bench.artifacts()}
    quick = arts["bench-quick"]
    assert quick.device_dependent and quick.module == "actdocs.bench"
    assert set(quick.outputs) == {"data/bench-quick.json", "tables/bench-quick.md", "fragments/bench-quick-chart.md",
                                  "figures/bench-quick-light.svg", "figures/bench-quick-dark.svg"}
    saved = bench.saved_files()
    assert set(arts) == {"bench-quick", "bench-saved", *(f"bench-saved-{bench.saved_stem(p)}" for p in saved)}
    for path in saved:  # every kept result is valid
        assert bench.validate(json.loads(path.read_text(encoding="utf-8"))) == []


def test_bench_quick_artifact_writes_every_output(cpu_run, tmp_path: Path, monkeypatch) -> None:
    _, doc = cpu_run
    seen = []
    monkeypatch.setattr(bench, "run", lambda config: seen.append(config) or doc)
    quick = next(a for a in bench.artifacts() if a.name == "bench-quick")
    quick.make(tmp_path, Context(device="cpu"))
    assert seen[0].quick and seen[0].device == "cpu"
    for rel in quick.outputs:
        assert (tmp_path / rel).stat().st_size > 0, rel
    assert json.loads((tmp_path / "data/bench-quick.json").read_text()) == doc
    assert (tmp_path / "tables/bench-quick.md").read_text() == bench.markdown_tables(doc)


def test_saved_name_names_device_and_date() -> None:
    doc = {"environment": {"device": "cuda", "device_name": "NVIDIA H100 80GB HBM3", "threads": 16,
                           "date": "2026-11-25T10:00:00+00:00"}}
    assert bench.saved_name(doc) == "cuda-nvidia-h100-80gb-hbm3-16t-2026-11-25.json"


# ------------------------------------------------------------------ the calls timed


@pytest.mark.parametrize("record", ACTIVATIONS, ids=lambda a: a.key)
def test_preallocated_calls_match_the_activation_and_do_not_allocate(record) -> None:
    from torch.profiler import ProfilerActivity, profile

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 32, generator=gen)
    out_shape = (64, 16) if record.family == "gated" else (64, 32)
    b = bench.Buffers(x, torch.empty(out_shape), torch.randn(out_shape, generator=gen), torch.empty_like(x),
                      torch.empty(out_shape), torch.empty(out_shape))
    pre = bench.preallocated(record)
    forward, forward_saving, backward = pre.build(b)
    xr = x.clone().requires_grad_(True)
    expected = record.functional(xr, **bench.call_kwargs(record))
    (expected_grad,) = torch.autograd.grad(expected, xr, b.g)

    forward()
    torch.testing.assert_close(b.y, expected.detach())
    b.y.zero_()
    forward_saving()
    grad = backward()
    torch.testing.assert_close(b.y, expected.detach())
    torch.testing.assert_close(grad if pre.backward_allocates else b.gx, expected_grad)

    def allocated(fn) -> int:
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            fn()
        return sum(max(e.self_cpu_memory_usage, 0) for e in prof.key_averages())

    assert allocated(forward) == 0
    assert (allocated(lambda: (forward_saving(), backward())) > 0) == pre.backward_allocates


def test_every_catalog_activation_has_preallocated_calls() -> None:
    for record in ACTIVATIONS:
        pre = bench.preallocated(record)
        assert pre.forward_text and pre.backward_text
    assert bench.preallocated(next(a for a in ACTIVATIONS if a.key == "prelu")).substitute


# ------------------------------------------------------------------ the load gate


def test_load_gate_flags_other_processes_not_our_own_work() -> None:
    gate = bench.LoadGate(threads=2, ncpu=2)
    gate.has_stat, gate.hz = True, 100
    a = bench.Snapshot(wall=0.0, busy_ticks=0, own_cpu=0.0, stall_us=None)
    ours = bench.Snapshot(wall=1.0, busy_ticks=200, own_cpu=2.0, stall_us=None)  # we kept both cores busy
    theirs = bench.Snapshot(wall=1.0, busy_ticks=200, own_cpu=1.0, stall_us=None)  # another process took a core
    assert not gate.judge(a, ours).noisy
    load = gate.judge(a, theirs)
    assert load.noisy and load.others_cores == pytest.approx(1.0)
    stalled = bench.Snapshot(wall=1.0, busy_ticks=200, own_cpu=2.0, stall_us=600_000)
    assert gate.judge(bench.Snapshot(0.0, 0, 0.0, 0), stalled).noisy
    # with cores to spare, other work on them does not count
    assert not bench.LoadGate(threads=1, ncpu=4).judge(a, bench.Snapshot(1.0, 300, 1.0, None)).noisy


def test_a_cell_is_noisy_when_most_passes_were_loaded() -> None:
    clean, loaded = bench.Load(0.0, 0.0, False), bench.Load(1.5, 0.9, True)
    cell = bench._Cell("relu", "float32", "cache", "forward", "preallocated", 1, 1, 8, "", "", True, None, 0.01)
    cell.loads = [clean, loaded, clean]
    assert not bench._noisy(cell)
    cell.loads = [loaded, loaded, clean]
    assert bench._noisy(cell)


# ------------------------------------------------------------------ bad input and CUDA


@pytest.mark.parametrize("args, message", [
    (["--only", "nope"], "unknown activation 'nope'"),
    (["--dtype", "float8"], "float8"),
    (["--threads", "0"], "--threads must be at least 1"),
    (["--memory-elements", "1000"], "multiple of 512"),
    (["--frobnicate"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    proc = actdocs("bench", "--device", "cpu", *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("actdocs: error:")


def test_cuda(tmp_path: Path) -> None:
    """On a GPU machine a tiny CUDA run validates; elsewhere --device cuda is a clean exit 2."""
    if not torch.cuda.is_available():
        proc = actdocs("bench", "--device", "cuda", "--only", "relu")
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [
            "actdocs: error: --device cuda asked for, but torch sees no CUDA device on this machine"]
        return
    path = tmp_path / "cuda.json"
    proc = actdocs("bench", "--device", "cuda", "--only", "relu", "sigmoid", *SMALL, "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(path.read_text())
    assert bench.validate(doc) == []
    assert doc["environment"]["device"] == "cuda"
    assert doc["environment"]["device_name"] == torch.cuda.get_device_name()


def test_no_pass_starts_after_the_deadline() -> None:
    config = bench.BenchConfig(keys=("relu",), sizes=("cache",), modes=("forward",), quick=True,
                               passes=3, retries=0, deadline_s=0.0)
    doc = bench.run(config)
    assert bench.validate(doc) == []
    assert doc["run"]["passes"] == 1
    assert all(c["passes"] == 1 for c in doc["cells"])
    assert "median of 1 pass" in bench.header_line(doc)
