"""Fact fragments: computed from the catalog, the measurements and the benchmark, valid Markdown."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest

from actdocs import bench, catalog, facts, figures, numbers, properties
from actdocs.build import Context
from actdocs.numbers import MINUS, NARROW_SPACE
from test_numbers import read_back

_PIPE = re.compile(r"(?<!\\)\|")


def table_rows(text: str) -> list[list[str]]:
    """The cells of the first pipe table in ``text`` (header and separator included)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("|"):
            lines.append([c.strip() for c in _PIPE.split(line)[1:-1]])
        elif lines:
            break
    return lines


def assert_valid_table(text: str) -> list[list[str]]:
    rows = table_rows(text)
    assert len(rows) >= 3, text
    width = len(rows[0])
    assert all(len(r) == width for r in rows), rows
    assert all(re.fullmatch(r":?-{3,}:?", c) for c in rows[1]), rows[1]
    return rows


def balanced_math(text: str) -> bool:
    return text.count("$") % 2 == 0


def num(cell: str) -> float:
    """A number as the fragments write it (see :func:`actdocs.numbers.format_sig`)."""
    return read_back(cell.replace("**", "").strip())


# ------------------------------------------------------------------------ figures


@pytest.mark.parametrize("key", facts.FIGURE_KEYS)
def test_figure_fragment_carries_alt_text_and_both_themes(key: str) -> None:
    record = catalog.get(key)
    text = facts.figure_fragment(key)
    lines = text.strip().splitlines()
    assert len(lines) == 2
    alt = figures.alt_text(record)
    for line, theme in zip(lines, ("light", "dark")):
        assert line == f"![{alt}](generated/figures/{key}-{theme}.svg#only-{theme}){{ loading=lazy }}"
    assert facts.figure_fragment(record) == text


# ------------------------------------------------------------------ classic page


def test_sigmoid_vs_tanh_comes_from_measurement() -> None:
    rows = assert_valid_table(facts.sigmoid_vs_tanh_table())
    body = {r[0]: r for r in rows[2:]}
    for key in ("sigmoid", "tanh"):
        record = catalog.get(key)
        m = properties.measure(record)
        row = body[record.name]
        assert num(row[1]) == pytest.approx(m.zero_centred_mean, abs=1e-3)
        assert num(row[2].split()[0]) == pytest.approx(m.max_grad)
    assert body["Sigmoid"][3] == "4×"  # 1 / 0.25
    assert body["Tanh"][3].startswith("1×")


def test_sigmoid_vs_tanh_follows_a_changed_measurement(monkeypatch) -> None:
    real = properties.measure(catalog.get("sigmoid"))
    monkeypatch.setattr(properties, "measure", lambda r, impl="torch": dataclasses.replace(real, max_grad=0.125))
    assert "8×" in facts.sigmoid_vs_tanh_table(("sigmoid",))


def test_saturation_fragment_reads_the_derivative_at_each_point() -> None:
    text = facts.saturation_fragment()
    rows = assert_valid_table(text)
    assert [num(r[0]) for r in rows[2:]] == list(facts.SATURATION_POINTS)
    for row in rows[2:]:
        x = num(row[0])
        for col, key in enumerate(facts.SOURCE_SATURATION, 1):
            expected = properties.grad_at(catalog.get(key), x)
            assert num(row[col]) == pytest.approx(expected, rel=5e-3, abs=1e-12)
            assert row[col].startswith("**") == (x == facts.SOURCE_SATURATION[key])
    for key, at in facts.SOURCE_SATURATION.items():
        value = numbers.format_sig(properties.grad_at(catalog.get(key), at))
        assert f"at |x| = {at:g}: the derivative is {value}" in text
    beyond = properties.measure(catalog.get("sigmoid")).saturates_beyond
    assert f"beyond {beyond:.2f}" in text
    assert balanced_math(text)


def test_source_thresholds_are_where_the_derivative_is_small() -> None:
    # The source's claim: past |x| = 4 (sigmoid) and 3 (tanh) the derivative is nearly 0.
    for key, at in facts.SOURCE_SATURATION.items():
        record = catalog.get(key)
        assert properties.grad_at(record, at) < 0.1 * properties.measure(record).max_grad


# --------------------------------------------------------------------- ReLU page


def test_positive_gradient_fragment() -> None:
    text = facts.positive_gradient_fragment()
    rows = assert_valid_table(text)
    assert len(rows[0]) == 1 + len(facts.POSITIVE_POINTS)
    body = {r[0]: r[1:] for r in rows[2:]}
    for key in facts.POSITIVE_KEYS:
        record = catalog.get(key)
        for cell, x in zip(body[record.name], facts.POSITIVE_POINTS):
            assert num(cell) == pytest.approx(properties.grad_at(record, x), rel=5e-3)
    assert body["ReLU"] == ["1"] * len(facts.POSITIVE_POINTS)
    assert "every value is exactly 1" in text
    assert balanced_math(text)


def test_ten_layers_fragment_is_computed() -> None:
    text = facts.ten_layers_fragment()
    assert text.startswith(r"$0.25^{10} = 1/1{,}048{,}576 \approx 9.54 \times 10^{-7}$")
    assert "less than $10^{-6}$ of the one at the output" in text
    other = facts.ten_layers_fragment(layers=3)
    assert other.startswith(r"$0.25^{3} = 1/64 \approx 0.0156$")
    assert "less than $10^{-1}$" in other
    assert balanced_math(text) and balanced_math(other)


def test_ten_layers_fragment_follows_the_measurement(monkeypatch) -> None:
    real = properties.measure(catalog.get("sigmoid"))
    monkeypatch.setattr(properties, "measure", lambda r, impl="torch": dataclasses.replace(real, max_grad=0.5))
    assert facts.ten_layers_fragment().startswith(r"$0.5^{10} = 1/1{,}024")


# ------------------------------------------------------------------- modern page


def test_gelu_tanh_error_is_measured() -> None:
    text = facts.gelu_tanh_error_fragment()
    gap, at = facts._max_gap(catalog.get("gelu"), catalog.get("gelu_tanh"))
    assert 1e-4 < gap < 1e-3
    assert numbers.format_sig(gap) in text
    assert f"x ≈ {MINUS}2.7" in text and abs(at + 2.7) < 0.05
    assert balanced_math(text)


def test_hardswish_gap_is_measured() -> None:
    text = facts.hardswish_gap_fragment()
    gap, at = facts._max_gap(catalog.get("hardswish"), catalog.get("silu"))
    assert at == -3.0
    assert numbers.format_sig(gap) in text and f"x = {MINUS}3" in text


def test_formula_rhs() -> None:
    assert facts.formula_rhs(catalog.get("silu")) == r"x\,\sigma(x)"
    assert facts.formula_rhs(catalog.get("hardswish")) == r"x\,\frac{\operatorname{ReLU6}(x + 3)}{6}"


# --------------------------------------------------------------- bench-derived table


@pytest.fixture
def bench_doc() -> dict:
    """A small benchmark document of the shape actdocs.bench writes, from made-up timings."""
    from bench_synthetic import cell_item, ceiling_item, document

    called = {"convention": "as called"}
    doc = document([
        ceiling_item("copy_", "1r1w", [1e-5] * 5),
        cell_item("relu", [20e-6] * 5, **called),
        cell_item("silu", [50e-6] * 5, **called),
        cell_item("hardswish", [30e-6] * 5, **called),
        cell_item("silu", [80e-6] * 5),
        cell_item("hardswish", [1e-3] * 5, mode="forward+backward", **called),
    ])
    doc["environment"].update(device_name="Test CPU", threads=2)
    return doc


def test_synthetic_document_is_valid(bench_doc) -> None:
    assert bench.validate(bench_doc) == []


def test_swish_hardswish_table_without_a_benchmark() -> None:
    rows = assert_valid_table(facts.swish_hardswish_fragment(None))
    speed = next(r for r in rows if r[0] == "Speed")
    assert speed[1:] == [facts.NO_BENCH, facts.NO_BENCH]
    assert not re.search(r"\d", facts.NO_BENCH)


def test_swish_hardswish_table_on_a_synthetic_document(bench_doc) -> None:
    text = facts.swish_hardswish_fragment(bench_doc)
    rows = assert_valid_table(text)
    silu, hard = catalog.get("silu"), catalog.get("hardswish")
    assert rows[0] == ["Property", silu.name, hard.name]
    body = {r[0]: r[1:] for r in rows[2:]}
    assert list(body) == ["Formula", "Smooth?", "Computation", "Speed", "Used in"]
    assert body["Formula"] == [f"$\\displaystyle {facts.formula_rhs(r)}$" for r in (silu, hard)]
    assert body["Smooth?"][0] == "Yes, everywhere"
    assert body["Smooth?"][1] == f"No: piecewise, with kinks at x = {MINUS}3 and 3"
    assert body["Used in"] == [silu.used_in_text, hard.used_in_text]
    assert f"cost: {silu.properties.cost}" in body["Computation"][0]
    # 30 µs against 50 µs: 40 % less time; the as-called forward cells, not the others.
    assert body["Speed"][0] == "Baseline (50 µs, 2.5× ReLU)"
    assert body["Speed"][1] == f"40{NARROW_SPACE}% less time (30 µs, 1.5× ReLU)"
    assert "1000 × 256 float32" in text and "Test CPU" in text and "2 threads" in text


def test_speed_row_follows_the_document(bench_doc) -> None:
    doc = copy.deepcopy(bench_doc)
    doc["cells"][2].update(median_s=65e-6, ratio_to_relu=3.25, noisy=True)
    a, b = facts.speed_cells(doc)
    assert b == f"30{NARROW_SPACE}% more time (65 µs, 3.2× ReLU ⚠)"
    assert "⚠ Other processes" in facts.bench_note(doc)
    assert "⚠" not in facts.bench_note(bench_doc)
    doc["cells"][2]["median_s"] = 50e-6
    assert facts.speed_cells(doc)[1].startswith("As fast")


def test_missing_or_ambiguous_cells_are_errors(bench_doc) -> None:
    doc = copy.deepcopy(bench_doc)
    doc["cells"] = [c for c in doc["cells"] if not (c["key"] == "hardswish" and c["mode"] == "forward")]
    with pytest.raises(ValueError, match="0 cells for hardswish"):
        facts.swish_hardswish_table(doc)
    doc = copy.deepcopy(bench_doc)
    doc["cells"].append(copy.deepcopy(doc["cells"][1]))
    with pytest.raises(ValueError, match="2 cells for silu"):
        facts.swish_hardswish_table(doc)


def test_load_bench_rejects_an_invalid_document(tmp_path: Path, bench_doc) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(bench_doc))
    assert facts.load_bench(good) == bench_doc
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**bench_doc, "schema": 99}))
    with pytest.raises(ValueError, match="schema"):
        facts.load_bench(bad)


# ------------------------------------------------------------------------ artifacts


def test_artifacts_make_their_outputs(tmp_path: Path, bench_doc) -> None:
    cache = tmp_path / "cache"
    (cache / "data").mkdir(parents=True)
    (cache / facts.BENCH_JSON).write_text(json.dumps(bench_doc))
    ctx = Context(cache=cache)
    arts = facts.artifacts()
    names = [a.name for a in arts]
    assert len(set(names)) == len(names)
    outputs = [o for a in arts for o in a.outputs]
    assert len(set(outputs)) == len(outputs) and all(o.startswith("facts/") for o in outputs)
    reading = [a for a in arts if a.reads]
    assert [a.reads for a in reading] == [(facts.BENCH_JSON,)]
    assert not any(a.reads for a in facts.artifacts(with_bench=False))
    for artifact in arts:
        out = tmp_path / artifact.name
        artifact.make(out, ctx)
        for rel in artifact.outputs:
            text = (out / rel).read_text(encoding="utf-8")
            assert text.strip() and text.endswith("\n"), rel
            assert balanced_math(text), rel


def test_pages_include_only_fragments_that_are_made() -> None:
    made = {o for a in facts.artifacts() for o in a.outputs}
    docs = Path(__file__).resolve().parents[1] / "docs"
    used = set()
    for page in docs.glob("*.md"):
        used |= set(re.findall(r'--8<-- "(facts/[^"]+)"', page.read_text(encoding="utf-8")))
    assert used <= made, used - made
