"""Fact fragments: computed from the catalog, the measurements and the benchmark, valid Markdown."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from actdocs import catalog
from actdocs.measure import formulas, properties, recorded
from actdocs.produce import facts
from actdocs.render import numbers
from actdocs.render.numbers import MINUS
from number_text import read_back

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
    """A number as the fragments write it (see :func:`actdocs.render.numbers.format_sig`)."""
    return read_back(cell.replace("**", "").strip())


@pytest.fixture(scope="module")
def fact(build_record):
    """``fact(NAME)``: the fragment ``facts/NAME.md`` as the build wrote it (its function's
    output, measured once, in the build: a test calls the function itself only to see it
    follow a changed parameter or measurement)."""
    return lambda name: build_record.text(facts.fact_path(name))


# ------------------------------------------------------------------ classic page


def test_sigmoid_vs_tanh_comes_from_measurement(fact) -> None:
    rows = assert_valid_table(fact("sigmoid-vs-tanh"))
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


def test_saturation_fragment_reads_the_derivative_at_each_point(fact) -> None:
    text = fact("saturation")
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
    beyond = properties.measure(catalog.get("sigmoid")).saturation[1].lo
    written = float(re.search(r"Sigmoid\*\* at .*?beyond (\S+?)\.$", text, re.M)[1])
    assert beyond <= written < beyond + 0.01  # rounded towards the inside of the set
    assert properties.grad_at(catalog.get("sigmoid"), written) < catalog.SATURATION_THRESHOLD
    assert balanced_math(text)


def test_source_thresholds_are_where_the_derivative_is_small() -> None:
    # The source's claim: past |x| = 4 (sigmoid) and 3 (tanh) the derivative is nearly 0.
    for key, at in facts.SOURCE_SATURATION.items():
        record = catalog.get(key)
        assert properties.grad_at(record, at) < 0.1 * properties.measure(record).max_grad


# --------------------------------------------------------------------- ReLU page


def test_positive_gradient_fragment(fact) -> None:
    text = fact("positive-gradient")
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


def test_ten_layers_fragment_is_computed(fact) -> None:
    text = fact("sigmoid-ten-layers")
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


def test_gelu_tanh_error_is_measured(fact) -> None:
    text = fact("gelu-tanh-error")
    gap, at = facts._max_gap(catalog.get("gelu"), catalog.get("gelu_tanh"))
    assert 1e-4 < gap < 1e-3
    assert numbers.format_sig(gap) in text
    assert "x ≈ ±2.7" in text and abs(abs(at) - 2.7) < 0.05
    assert balanced_math(text)


def test_hardswish_gap_is_measured(fact) -> None:
    text = fact("hardswish-gap")
    gap, at = facts._max_gap(catalog.get("hardswish"), catalog.get("silu"))
    assert at == -3.0
    assert numbers.format_sig(gap) in text and f"x = {MINUS}3" in text


def test_the_formula_row_shows_the_first_side_of_each_formula() -> None:
    assert formulas.first_side_tex(catalog.get("silu")) == r"x\,\sigma(x)"
    assert formulas.first_side_tex(catalog.get("hardswish")) == r"x\,\frac{\operatorname{ReLU6}(x + 3)}{6}"


# ------------------------------------------------------- fragments read from recorded runs


class FakeInterval:
    def __init__(self, median, low, high, passes=7):
        self.median, self.low, self.high, self.passes = median, low, high, passes


@pytest.fixture
def recorded_runs(monkeypatch):
    """One recorded run whose ratios come from a table: (numerator, denominator, size) -> interval."""
    table = {}
    api = {
        ("stats", "ratio_interval"): lambda doc, num, den, *, size, mode, **_: table.get((num, den, size)),
        ("load", "recorded_runs"): lambda root: [(Path(root) / "data/bench/cuda-test-gpu-16t-2026-01-02.json", {})],
    }
    monkeypatch.setattr(recorded, "ratio_interval", api[("stats", "ratio_interval")])
    monkeypatch.setattr(recorded, "recorded_runs", api[("load", "recorded_runs")])
    return table


def test_swish_hardswish_table_without_a_recorded_run() -> None:
    rows = assert_valid_table(facts.swish_hardswish_fragment(None))
    speed = next(r for r in rows if r[0].startswith("Speed"))
    assert speed[1:] == ["Baseline", "Not measured (no recorded benchmark run)"]
    assert facts.swish_hardswish_fragment([]) == facts.swish_hardswish_fragment(None)


def test_swish_hardswish_table_reads_the_recorded_run(recorded_runs) -> None:
    recorded_runs[("silu", "hardswish", "cache")] = FakeInterval(1.62, 1.55, 1.7)
    text = facts.swish_hardswish_fragment(recorded.runs(Path("/repo")))
    rows = assert_valid_table(text)
    silu, hard = catalog.get("silu"), catalog.get("hardswish")
    assert rows[0] == ["Property", silu.name, hard.name]
    body = {r[0]: r[1:] for r in rows[2:]}
    assert list(body) == ["Formula", "Smooth?", "Computation", f"Speed: {silu.name}'s time over {hard.name}'s", "Used in"]
    assert body["Formula"] == [f"$\\displaystyle {formulas.first_side_tex(r)}$" for r in (silu, hard)]
    assert body["Smooth?"][1] == f"No: piecewise, with kinks at x = {MINUS}3 and 3"
    assert body["Used in"] == [silu.used_in_text, hard.used_in_text]
    speed = body[f"Speed: {silu.name}'s time over {hard.name}'s"][1]
    assert speed.startswith("cuda-test-gpu-16t-2026-01-02, in cache (1000 × 256): 1.6× (1.6×–1.7×)")
    assert "memory-bound (2²⁴ elements): flagged in this run (no interval)" in speed
    assert "quick benchmark" in text and "not used" in text


def test_the_quick_benchmark_feeds_no_fragment() -> None:
    assert not any("bench-quick" in r for a in facts.artifacts() for r in a.reads)


def test_kink_fragment_states_pytorchs_convention(fact) -> None:
    text = fact("kinks")
    rows = {(r[0], r[1]): r[3:] for r in assert_valid_table(text)[2:]}
    assert rows[("Hardswish", "x = 3")] == ["1.5", "1", "1"]
    assert rows[("Hardswish", f"x = {MINUS}3")] == ["0", f"{MINUS}0.5", "0"]
    assert rows[("ReLU", "x = 0")] == ["0", "1", "0"]
    assert rows[("ReLU6", "x = 6")] == ["1", "0", "0"]
    assert "approaches 1.5 as x rises to 3 and never reaches it" in text


def test_kink_table_calls_a_jump_a_jump(fact) -> None:
    """The glossary's definitions: a kink is continuous with a slope change, a jump is not
    continuous. Each row's type must agree with the function itself, read by torch."""
    import torch

    text = fact("kinks")
    header, _, *body = assert_valid_table(text)
    assert header[1:3] == ["Point", "Type"]
    by_name = {r.name: r for r in catalog.ACTIVATIONS}
    types = set()
    for name, point, kind, *_ in body:
        record = by_name[name]
        x = float(point.removeprefix("x = ").replace(MINUS, "-"))
        left, right = (float(record.scalar_view(torch.tensor([x + d], dtype=torch.float64)))
                       for d in (-1e-9, 1e-9))
        continuous = abs(right - left) < 1e-6
        assert kind == ("kink" if continuous else "jump"), (name, point, kind, left, right)
        types.add(kind)
    assert types == {"kink", "jump"}
    assert ("Threshold", "x = 1") in {(r[0], r[1]) for r in body}


def test_gelu_tanh_speed_follows_the_recorded_ratio(recorded_runs) -> None:
    assert "not measured (no recorded benchmark run)" in facts.gelu_tanh_speed_fragment(None)
    recorded_runs[("gelu", "gelu_tanh", "cache")] = FakeInterval(0.25, 0.2, 0.3)
    recorded_runs[("gelu", "gelu_tanh", "memory")] = FakeInterval(1.0, 0.95, 1.05)
    text = facts.gelu_tanh_speed_fragment(recorded.runs(Path("/repo")))
    assert "in cache (1000 × 256): exact GELU takes 0.25× the tanh form's time (0.2×–0.3×): the tanh form is slower" in text
    assert "memory-bound (2²⁴ elements): exact GELU takes 1× the tanh form's time (0.95×–1.1×): neither is clearly faster" in text
    assert "site's reasoning" in text


# ------------------------------------------------------------------------ artifacts


def test_artifacts_make_their_outputs(build_record) -> None:
    """As the build made them: every declared output, Markdown with balanced math."""
    arts = facts.artifacts()
    names = [a.name for a in arts]
    assert len(set(names)) == len(names)
    outputs = [o for a in arts for o in a.outputs]
    assert len(set(outputs)) == len(outputs) and all(o.startswith("facts/") for o in outputs)
    assert not any(a.reads for a in arts)
    for artifact in arts:
        assert set(build_record.entry(artifact.name).outputs) == set(artifact.outputs), artifact.name
        for rel in artifact.outputs:
            text = build_record.text(rel)
            assert text.strip() and text.endswith("\n"), rel
            assert balanced_math(text), rel


def test_pages_include_only_fragments_that_are_made() -> None:
    made = {o for a in facts.artifacts() for o in a.outputs}
    docs = Path(__file__).resolve().parents[2] / "docs"
    used = set()
    for page in docs.glob("*.md"):
        used |= set(re.findall(r'--8<-- "(facts/[^"]+)"', page.read_text(encoding="utf-8")))
    assert used <= made, used - made
