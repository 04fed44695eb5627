"""The method section's findings (actdocs/bench/method.py), read off the recorded runs.

Each finding must restate what its run measured: these tests recompute what each sentence
says from the document's cells, so a new run can change the words but never contradict them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actdocs import catalog
from actdocs.bench import method, render, schema
from actdocs.engine.artifact import REPO_ROOT

RUNS = sorted((REPO_ROOT / "data" / "bench").glob("*.json"))


@pytest.fixture(scope="module", params=RUNS, ids=lambda p: p.stem)
def doc(request) -> dict:
    return json.loads(Path(request.param).read_text(encoding="utf-8"))


def _backward_cells(doc: dict) -> list[dict]:
    elementwise = {a.key for a in catalog.ACTIVATIONS if a.elementwise}
    return [c for c in schema.cells(doc, size="memory", mode="forward+backward", convention="preallocated",
                                    column="eager", dtype="float32") if c["key"] in elementwise]


def test_recorded_runs_exist() -> None:
    assert RUNS, "data/bench holds the full runs the benchmarks page shows"


def test_allocating_finding_lists_exactly_the_backwards_that_allocate(doc: dict) -> None:
    expected = [c["key"] for c in _backward_cells(doc) if not c["allocation_free"] and c["ratio_to_relu"]]
    found = [c["key"] for c in method.allocating(doc)]
    assert sorted(found) == sorted(expected)
    ratios = [c["ratio_to_relu"] for c in method.allocating(doc)]
    assert ratios == sorted(ratios, reverse=True), "slowest first"
    text = method.allocating_finding(doc)
    for cell in method.allocating(doc):
        name = render.display_name(cell["key"])
        assert f"- {name}: `{cell['method'].split('; ')[-1]}`" in text
        assert render.ratio_text(cell["ratio_to_relu"], cell["ratio_to_relu_ci"]) in text
    assert ("Hardswish" in text) == ("hardswish" in expected)


def test_the_slowest_backward_is_the_largest_ratio_to_relu(doc: dict) -> None:
    cells = [c for c in _backward_cells(doc) if c["key"] != schema.REFERENCE and c["ratio_to_relu"]]
    worst = max(cells, key=lambda c: c["ratio_to_relu"])
    assert method.anomaly(doc)["key"] == worst["key"]
    text = method.anomaly_finding(doc)
    assert f"**{render.display_name(worst['key'])}** is the slowest" in text
    assert ("allocates nothing" in text) == worst["allocation_free"]


def test_copy_finding_quotes_copy_against_the_best_streaming_kernel(doc: dict) -> None:
    entry = doc["ceiling"]["memory"]["float32"]
    copy = next(k for k in entry["kernels"] if k["name"] == "copy_")
    best = next(k for k in entry["kernels"] if k["name"] == entry["best"]["1r1w"])
    text = method.copy_finding(doc)
    assert render.interval(*copy["gb_per_s_ci"]) in text
    assert f"of the best (`{best['method']}`)" in text


def test_findings_name_the_run_and_hold_each_section(doc: dict) -> None:
    text = method.findings(doc)
    assert text.startswith(f"From the run recorded on {doc['environment']['device_name']}")
    for heading, present in (("**The ceiling.**", True), ("**Backward calls that allocate.**", bool(method.allocating(doc))),
                             ("**Compile times**", bool((doc.get("compile") or {}).get("graphs")))):
        assert (heading in text) == present, heading
