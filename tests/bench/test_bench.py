"""The benchmark's document, pages, ``--compare`` and command line (nothing here asserts a speed).

The one real run uses the smallest settings (three activations, two passes, no retries,
a 2^16-element "memory" size) so that it takes seconds even on a loaded two-core machine.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bench_synthetic import cell_item, ceiling_item, document, simple
from actdocs.bench import load, validate
from actdocs.bench import compare, quick, render, schema, site
from actdocs.bench.config import available_cores
from actdocs.engine.artifact import Context

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--quick", "--passes", "2", "--retries", "0", "--memory-elements", str(64 * 1024)]
NO_GPU = "needs a CUDA GPU: torch sees none on this machine"


def actdocs(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``python -m actdocs ARGS`` in a subprocess, from the repository root (a real exit status)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ACTDOCS_DEVICE", None)
    return subprocess.run([sys.executable, "-m", "actdocs", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``actdocs ARGS`` run in this process: its exit status, stdout and stderr."""
    from actdocs.cli import main

    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def cpu_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict, Path]:
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    proc = actdocs("bench", "--device", "cpu", "--threads", "1", "--only", "relu", "sigmoid", "glu", *SMALL,
                   "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    return proc, json.loads(path.read_text(encoding="utf-8")), path


# ------------------------------------------------------------------ a real (tiny) run


def test_a_run_writes_a_valid_document_of_interleaved_passes(cpu_run) -> None:
    proc, doc, _ = cpu_run
    assert validate.validate(doc) == []
    env = doc["environment"]
    assert env["device"] == "cpu" and env["quick"] and env["threads"] == 1 and env["dtypes"] == ["float32"]
    assert env["torch"] == torch.__version__ and env["timer"].startswith("time.perf_counter")
    assert {c["key"] for c in doc["cells"]} == {"relu", "sigmoid", "glu"}
    assert {c["passes"] for c in doc["cells"]} == {2} and doc["run"]["passes"] == 2
    assert all("few_passes" in c["flags"] and c["noisy"] for c in doc["cells"])  # two passes give no verdict
    for size in ("cache", "memory"):
        entry = doc["ceiling"][size]["float32"]
        assert [k["name"] for k in entry["kernels"]] == ["copy_", "add", "mul", "add2", "mul2", "sum"]
        assert set(entry["best"]) == {"1r1w", "2r1w", "read"} and entry["level"]
    cells = {(c["key"], c["size"], c["mode"], c["convention"], c["column"]): c for c in doc["cells"]}
    n = 1000 * 256
    assert cells["sigmoid", "cache", "forward", "preallocated", "eager"]["bytes"] == 2 * n * 4
    assert cells["sigmoid", "cache", "forward+backward", "preallocated", "eager"]["bytes"] == 5 * n * 4
    assert cells["glu", "cache", "forward", "preallocated", "eager"]["bytes"] == 3 * (n // 2) * 4
    assert ("relu", "memory", "forward+backward", "as called", "eager") not in cells  # left out of a quick run
    assert "actdocs: bench:" in proc.stderr.splitlines()[-1]


def test_the_printed_tables_are_the_document_rendered(cpu_run) -> None:
    proc, doc, _ = cpu_run
    assert proc.stdout == render.markdown_tables(doc)
    first = proc.stdout.splitlines()[0]
    for word in ("cpu", doc["environment"]["device_name"], "1 thread,", "quick run", "2 interleaved passes"):
        assert word in first


def test_compare_of_a_run_with_itself_finds_no_spread(cpu_run) -> None:
    _, _, path = cpu_run
    proc = actdocs("bench", "--compare", str(path), str(path))
    assert proc.returncode == 0 and proc.stderr == ""
    assert "time: median 0 %, 90th percentile 0 %, worst 0 %" in proc.stdout.replace("\u202f", " ")


# ------------------------------------------------------------------ --compare


def test_spread_figures_of_two_synthetic_runs() -> None:
    a = simple()
    b = copy.deepcopy(a)
    b["cells"][0]["median_s"] *= 1.10  # ReLU 10 % slower, sigmoid 2 % faster
    b["cells"][1]["median_s"] *= 0.98
    s = compare.spread(a, b, "median_s")
    assert (s.n, s.worst_cell[0]) == (2, "relu")
    assert s.median == pytest.approx(0.06) and s.p90 == pytest.approx(0.092) and s.worst == pytest.approx(0.10)
    text = compare.report(a, b).replace("\u202f", " ")
    assert "cells matched: 2 (only in A: 0, only in B: 0)" in text
    assert "time: median 6 %, 90th percentile 9.2 %, worst 10 %" in text
    assert text.rstrip().endswith("not met")  # 9.2 % is within 15 %, but the median 6 % is over 5 %
    b["cells"][0]["median_s"] = a["cells"][0]["median_s"] * 1.04
    assert compare.report(a, b).rstrip().endswith(": met")
    b["cells"][0]["flags"] = ["above_ceiling"]
    assert compare.report(a, b).rstrip().endswith("not met") and compare.above_ceiling(b) == 1
    assert compare.percentile([1, 2, 3, 4, 5], 0.9) == pytest.approx(4.6)


#: Ways a file named like a benchmark result is broken: how to make it, what the error says.
BROKEN_FILES = {
    "missing": (lambda path: None, "not a readable benchmark JSON file: No such file"),
    "folder": (Path.mkdir, "not a readable benchmark JSON file: Is a directory"),
    "not-utf-8": (lambda path: path.write_bytes(b'{"schema": "\xff"}'), "can't decode byte 0xff"),
    "not-json": (lambda path: path.write_text('{"schema": 2, "cells": ['), "not a readable benchmark JSON file"),
    "nested-100000-deep": (lambda path: path.write_text("[" * 100_000), "nested too deeply"),
    "old-schema": (lambda path: path.write_text('{"schema": 1}'), "schema: expected 2"),
}


@pytest.mark.parametrize("broken", BROKEN_FILES)
def test_compare_of_a_bad_file_is_one_line_and_exit_2(tmp_path: Path, capsys, broken: str) -> None:
    make_bad, message = BROKEN_FILES[broken]
    good = tmp_path / "good.json"
    good.write_text(schema.dumps(simple()))
    bad = tmp_path / "bad.json"
    make_bad(bad)
    status, out, err = in_process(capsys, "bench", "--compare", str(good), str(bad))
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("actdocs: error:") and message in lines[0] and "bad.json" in lines[0]


# ------------------------------------------------------------------ the document


def test_validate_rejects_what_the_pages_could_not_use() -> None:
    doc = simple()
    assert validate.validate(doc) == []
    cases = [
        (lambda d: d["cells"][0].pop("median_s"), "missing field 'median_s'"),
        (lambda d: d["cells"][0].update(median_s=-1.0), "positive"),
        (lambda d: d["cells"][0].update(noisy="no"), "noisy"),
        (lambda d: d["cells"][0].update(noisy=True), "noisy must be true exactly when"),
        (lambda d: d["cells"][0].update(flags=["odd"], noisy=True), "unknown flag 'odd'"),
        (lambda d: d["cells"][0].update(passes=3), "must be at least 1 and match"),
        (lambda d: d["cells"][0].update(column="jit"), "unknown column 'jit'"),
        (lambda d: d["cells"].append(copy.deepcopy(d["cells"][0])), "a second cell"),
        (lambda d: d.update(ceiling={}), "no ceiling measurement"),
        (lambda d: d["ceiling"]["cache"]["float32"]["best"].update({"1r1w": "memcpy"}), "not one of its kernels"),
        (lambda d: d["environment"].pop("device_name"), "device_name"),
        (lambda d: d.update(cells=[]), "non-empty list"),
    ]
    for change, message in cases:
        broken = copy.deepcopy(doc)
        change(broken)
        assert any(message in p for p in validate.validate(broken)), message
    assert validate.validate({**doc, "schema": 1}) == ["schema: expected 2, got 1"]
    assert validate.validate([]) and validate.validate({"schema": 2})


def test_recorded_runs_are_the_valid_files_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / schema.RECORDED_DIR
    folder.mkdir(parents=True)
    old, new = simple(), simple()
    old["environment"]["date"], new["environment"]["date"] = "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00"
    (folder / "a.json").write_text(schema.dumps(new))
    (folder / "b.json").write_text(schema.dumps(old))
    (folder / "c.json").write_text("{broken")
    assert [p.name for p, _ in load.recorded_runs(tmp_path)] == ["a.json", "b.json"]
    with pytest.raises(load.BenchDataError, match="c.json"):
        load.load(folder / "c.json")
    assert load.recorded_runs(tmp_path / "nowhere") == []


def test_a_folder_named_like_a_kept_run_stops_the_build_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / schema.RECORDED_DIR
    (folder / "x.json").mkdir(parents=True)
    with pytest.raises(load.BenchDataError, match=r"x\.json: expected a benchmark JSON file, found a folder"):
        site.artifacts(tmp_path)
    with pytest.raises(load.BenchDataError, match=r"x\.json"):
        load.recorded_runs(tmp_path)


@pytest.mark.parametrize("broken", ["not-utf-8", "not-json", "nested-100000-deep"])
def test_a_broken_kept_run_stops_the_build_naming_it(tmp_path: Path, broken: str) -> None:
    make_bad, message = BROKEN_FILES[broken]
    (tmp_path / schema.RECORDED_DIR).mkdir(parents=True)
    make_bad(tmp_path / schema.RECORDED_DIR / "x.json")
    recorded = next(a for a in site.artifacts(tmp_path) if a.name == "bench-recorded")
    assert recorded.inputs == ("data/bench/x.json",)
    with pytest.raises(load.BenchDataError, match=rf"x\.json: .*{re.escape(message)}"):
        recorded.make(tmp_path / "out", Context(root=tmp_path))


def test_saved_name_names_device_threads_and_time() -> None:
    doc = {"environment": {"device": "cuda", "device_name": "NVIDIA H100 80GB HBM3", "threads": 16,
                           "date": "2026-11-25T10:00:07+00:00"}}
    assert schema.saved_name(doc) == "cuda-nvidia-h100-80gb-hbm3-16t-2026-11-25-100007.json"


# ------------------------------------------------------------------ rendering


def test_a_harness_failure_is_said_and_never_shown_as_a_number() -> None:
    doc = simple(relu=[1e-4 / 1.2] * 7)
    assert render.harness_failures(doc) == [
        "harness failure: relu float32 cache forward preallocated eager measured above 105\u202f% of its ceiling"]
    text = render.markdown_tables(doc)
    assert "**Harness failure: 1 cell measured above 105\u202f% of the ceiling" in text
    assert "withheld:** ReLU, in cache, forward, preallocated, eager." in text
    assert "| ReLU | harness failure |" in render.compact_table(doc)
    row = next(line for line in render.cell_table(doc, "float32", "cache", "forward").splitlines() if "| ReLU" in line)
    assert row == "| ReLU | preallocated | eager | – | – | harness failure | – | 0 | above its ceiling (a harness failure) |"


def test_above_the_ceiling_in_a_single_pass_is_not_called_a_harness_failure() -> None:
    """One pass cannot show a share clearly above one: an interrupted ceiling kernel is enough."""
    doc = simple(passes=1, copy_s=1e-4, relu=[1e-4 / 1.2])
    assert render.too_few_passes(doc)
    cell = next(c for c in doc["cells"] if c["key"] == "relu")
    assert "above_ceiling" in cell["flags"] and "few_passes" in cell["flags"]
    text = render.markdown_tables(doc)
    assert "Harness failure" not in text and "harness failure |" not in render.compact_table(doc)
    assert "above 105\u202f% of the ceiling in this single pass" in text and "a full run decides" in text
    assert "no kernel can beat" not in text
    assert render.above_word(cell) in render.compact_table(doc)
    assert render.ABOVE_UNJUDGED in render.cell_table(doc, "float32", "cache", "forward")
    full = render.markdown_tables(simple(relu=[1e-4 / 1.2] * 7))
    assert "**Harness failure: 1 cell" in full and "no kernel can beat" not in full


def test_the_compact_table_withholds_flagged_numbers_and_the_full_table_marks_them() -> None:
    doc = document([ceiling_item("copy_", "1r1w", [1e-4] * 5),
                    cell_item("relu", [2e-4] * 5, loaded=[True] * 5), cell_item("sigmoid", [4e-4] * 5)])
    compact = render.compact_table(doc)
    assert "| ReLU | ⚠ measured under load |" in compact and "| Sigmoid | 25\u202f% (25–25) |" in compact
    full = render.cell_table(doc, "float32", "cache", "forward")
    assert "50\u202f% (50–50) ⚠" in full and "measured under load" in full
    assert render.flags_line(doc).startswith("1 of 2 cells are flagged")
    block = render.note_block("Title", "| a |\n\n| b |")
    assert block == '??? note "Title"\n\n    | a |\n\n    | b |\n'


def test_within_15_percent_is_a_verdict_only_for_unflagged_cells() -> None:
    cell = {"pct_of_ceiling": 86.0, "flags": []}
    assert render.within_text(cell) == "yes"
    assert render.within_text({**cell, "pct_of_ceiling": 84.0}) == "no"
    assert render.within_text({**cell, "flags": ["wide"]}) == "no verdict (flagged)"


def test_a_run_with_too_few_passes_promises_no_medians_or_intervals() -> None:
    """A one-pass quick run has no median and no bootstrap interval; its header must not promise them."""
    few, full = simple(passes=1), simple(passes=7)
    assert all("few_passes" in c["flags"] for c in few["cells"])
    assert "bootstrap intervals" not in render.header_line(few)
    assert "too few" in render.header_line(few)
    assert "bootstrap intervals" in render.header_line(full)


def test_the_charts_band_is_stated_with_its_width() -> None:
    sentence = render.band_sentence()
    assert render.format_percent(render.WITHIN) in sentence and render.format_percent(1 - render.WITHIN) in sentence
    assert "memory-bound" in sentence


def test_a_working_set_that_nearly_fills_a_level_is_not_said_to_fit_plainly() -> None:
    from actdocs.bench import method

    doc = {"environment": {"threads": 2, "device": "cpu",
                           "caches": [{"level": 2, "bytes": 1 << 20, "shared_by": 1},
                                      {"level": 3, "bytes": 32 << 20, "shared_by": 16}]}}
    nearly = method._why_level(doc, {"working_set_bytes": int(1.95 * (1 << 20))})
    assert "only just holds it" in nearly and "next level" in nearly
    assert method._why_level(doc, {"working_set_bytes": 1 << 20}) == "L2 (2 × 1 MiB: holds it)"


def test_regime_charts_are_light_and_dark_svgs_with_their_numbers_in_the_alt_text(tmp_path: Path) -> None:
    from actdocs.bench import charts

    doc = simple(relu=[1e-4 / 1.2] * 7)
    light, dark = charts.regime_chart(doc, "cache", "forward", "float32", tmp_path / "l.svg", tmp_path / "d.svg")
    assert light.read_text().startswith("<?xml") and light.read_bytes() != dark.read_bytes()
    alt = charts.chart_alt(doc, "cache", "forward", "float32")
    assert "Sigmoid 20\u202f% (20–20)" in alt and "ReLU harness failure" in alt
    assert "harness failure" in light.read_text()


def test_the_recorded_artifact_renders_the_newest_run_of_each_device(tmp_path: Path) -> None:
    folder = tmp_path / schema.RECORDED_DIR
    folder.mkdir(parents=True)
    old, new = simple(), simple(relu=[1.1e-4 / 0.8] * 7)
    old["environment"]["date"] = "2026-01-01T00:00:00+00:00"
    (folder / "old.json").write_text(schema.dumps(old))
    (folder / "new.json").write_text(schema.dumps(new))
    rels = ("data/bench/new.json", "data/bench/old.json")
    out = tmp_path / "out"
    site._make_recorded(rels, out, Context(root=tmp_path))
    text = (out / site.RECORDED).read_text()
    assert text.startswith(f"**Recorded on {new['environment']['device_name']}, ") and "`data/bench/new.json`" in text
    assert "How far this run lies from the previous one" in text and "worst 10\u202f% (relu" in text
    assert "No GPU run is recorded" in text
    for theme in ("light", "dark"):
        assert (out / site.chart_path("cpu", "cache", "forward").format(theme=theme)).is_file()
    (folder / "old.json").write_text('{"schema": 2}')
    with pytest.raises(load.BenchDataError, match="old.json"):
        site._make_recorded(rels, out, Context(root=tmp_path))
    site._make_recorded((), out, Context(root=tmp_path))
    assert (out / site.RECORDED).read_text().startswith("No run is recorded yet")


def test_the_quick_artifact_writes_its_json_and_tables(tmp_path: Path, monkeypatch) -> None:
    from actdocs.bench import runner

    doc, seen = simple(), []
    monkeypatch.setattr(runner, "run", lambda config: seen.append(config) or doc)
    artifact = next(a for a in site.artifacts() if a.name == "bench-quick")
    artifact.make(tmp_path, Context(device="cpu"))
    assert seen[0].quick and seen[0].device == "cpu" and artifact.device_dependent and artifact.exclusive
    assert json.loads((tmp_path / quick.QUICK_JSON).read_text()) == doc
    assert (tmp_path / quick.QUICK_TABLE).read_text() == render.markdown_tables(doc)


def test_every_recorded_run_is_valid_and_listed() -> None:
    recorded = next(a for a in site.artifacts() if a.name == "bench-recorded")
    files = sorted((ROOT / schema.RECORDED_DIR).glob("*.json"))
    assert recorded.inputs == tuple(p.relative_to(ROOT).as_posix() for p in files)
    for path in files:
        assert validate.validate(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


# ------------------------------------------------------------------ bad input and CUDA


@pytest.mark.parametrize("args, message", [
    (["--only", "nope"], "unknown activation 'nope'"),
    (["--dtype", "float8"], "float8"),
    (["--threads", "0"], "--threads must be at least 1"),
    (["--threads", str(available_cores() + 1)], f"more than the {available_cores()} CPU cores"),
    (["--memory-elements", "1000"], "multiple of 512"),
    (["--retries", "-1"], "expected a whole number >= 0"),
    (["--retries", "1.5"], "expected a whole number, got '1.5'"),
    (["--deadline", "nan"], "expected a number >= 0, got 'nan'"),
    (["--json-dir", ""], "an empty path"),
    (["--compare", "only-one.json"], "expected 2 arguments"),
    (["--frobnicate"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, monkeypatch, args: list[str], message: str) -> None:
    from actdocs.bench import runner

    monkeypatch.setattr(runner, "run", lambda *args: pytest.fail("bad input was measured"))
    status, out, err = in_process(capsys, "bench", "--device", "cpu", *args)
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("actdocs: error:") and message in lines[0], err


@pytest.mark.parametrize("option", ["--json", "--json-dir"])
def test_a_json_destination_in_a_missing_folder_is_refused_before_measuring(tmp_path: Path, capsys, monkeypatch,
                                                                            option: str) -> None:
    from actdocs.bench import runner

    monkeypatch.setattr(runner, "run", lambda *args: pytest.fail("it measured first"))
    missing = tmp_path / "no" / "such"
    target, expected = {"--json": (missing / "x.json", f"--json {missing / 'x.json'}: its folder {missing} does not exist"),
                        "--json-dir": (missing, f"--json-dir {missing} does not exist")}[option]
    status, out, err = in_process(capsys, "bench", "--device", "cpu", "--only", "relu", option, str(target))
    assert (status, out, err.strip().splitlines()) == (2, "", [f"actdocs: error: {expected}"])
    assert not (tmp_path / "no").exists(), "no folder is created"


def test_buffers_too_large_for_the_memory_are_one_line_naming_the_size(monkeypatch) -> None:
    from actdocs.bench import kernels
    from actdocs.engine.errors import UsageError

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 4.00 TiB.\nMore advice on a second line")

    monkeypatch.setattr(torch, "zeros_like", out_of_memory)
    with pytest.raises(UsageError) as raised:
        kernels.allocate((4, 256), "cpu", torch.float32, 0)
    assert str(raised.value) == ("cannot allocate the 4 x 256 torch.float32 buffers on cpu (a smaller "
                                 "--memory-elements?): CUDA out of memory. Tried to allocate 4.00 TiB.")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU: the CUDA run below covers it")
def test_cuda_without_a_gpu_is_one_line_and_exit_2(capsys) -> None:
    status, _, err = in_process(capsys, "bench", "--device", "cuda", "--only", "relu")
    assert status == 2
    assert err.strip().splitlines() == [
        "actdocs: error: --device cuda asked for, but torch sees no CUDA device on this machine"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_GPU)
def test_a_cuda_run_writes_a_valid_document(tmp_path: Path) -> None:
    path = tmp_path / "cuda.json"
    proc = actdocs("bench", "--device", "cuda", "--only", "relu", "sigmoid", "--dtype", "float32", "bfloat16",
                   *SMALL, "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(path.read_text())
    assert validate.validate(doc) == [] and doc["environment"]["device_name"] == torch.cuda.get_device_name()
    assert "CUDA events" in doc["environment"]["timer"] and {c["dtype"] for c in doc["cells"]} == {"float32", "bfloat16"}
    assert re.search(r"Within 15\u202f%\?", render.markdown_tables(doc))
