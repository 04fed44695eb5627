"""The benchmark's statistics and flags, on made-up timings: both sides of every threshold."""

from __future__ import annotations

import pytest

from bench_synthetic import COPY_BYTES, cell_item, ceiling_item, document, simple
from actdocs.bench import stats
from actdocs.bench.stats import RatioInterval, Summary, ratio_interval


# ------------------------------------------------------------------ medians and the bootstrap


def test_bootstrap_of_a_constant_or_single_series_is_that_value() -> None:
    assert stats.bootstrap([3.0] * 9, seed=1) == (3.0, 3.0)
    assert stats.bootstrap([2.5], seed=1) == (2.5, 2.5)
    with pytest.raises(ValueError):
        stats.bootstrap([], seed=1)


def test_bootstrap_of_a_two_valued_series_spans_both_values() -> None:
    # 10 passes at 1 and 11 at 2: every resample's median is 1 or 2, each often enough
    # to be inside the 95 % interval, so the interval is exactly [1, 2] and the median 2.
    values = [1.0] * 10 + [2.0] * 11
    assert stats.bootstrap(values, seed=7) == (1.0, 2.0)
    s = stats.summarise(values, "x")
    assert (s.median, s.low, s.high, s.n) == (2.0, 1.0, 2.0, 21)
    assert s.width == pytest.approx(0.5)


def test_bootstrap_is_seeded_and_brackets_the_median() -> None:
    values = [1.0, 1.3, 0.9, 1.1, 1.7, 1.05, 0.95, 1.2]
    assert stats.bootstrap(values, seed=3) == stats.bootstrap(values, seed=3)
    low, high = stats.bootstrap(values, seed=3)
    assert low <= stats.median(values) <= high and low < high
    assert stats.seed_for("relu|cache") == stats.seed_for("relu|cache") != stats.seed_for("relu|memory")


def test_paired_ratios_cancel_a_drift_that_medians_do_not() -> None:
    relu = [1e-4, 3e-4, 1.5e-4, 2.5e-4, 1.01e-4]  # the machine slows and recovers between passes
    sigmoid = [3 * t for t in relu]
    assert stats.paired(sigmoid, relu) == pytest.approx([3.0] * 5)
    assert stats.summarise(relu, "t").width > 1  # the times alone disagree wildly
    with pytest.raises(ValueError):
        stats.paired([1.0], [1.0, 2.0])


def test_a_steady_series_that_scatters_has_not_drifted() -> None:
    # quarter medians 1.05 and 1.11 (a 5.7 % move) inside each other's scatter: noise, not drift
    noisy = [0.9, 1.0, 1.1, 1.2] + [1.0] * 8 + [0.96, 1.06, 1.16, 1.26]
    assert stats.drift(noisy) > stats.DRIFT
    assert not stats.drifted(noisy, "noisy")
    steady_then_slow = [1.0, 1.01, 0.99, 1.0] + [1.0] * 8 + [1.07, 1.08, 1.06, 1.07]
    assert stats.drifted(steady_then_slow, "slow")
    assert not stats.drifted([1.0, 1.01, 0.99, 1.0] + [1.0] * 8 + [1.04, 1.05, 1.03, 1.04], "small")


def test_drift_compares_the_first_and_last_quarters() -> None:
    assert stats.drift([1.0] * 6 + [1.1, 1.1]) == pytest.approx(0.1)
    assert stats.drift([2.0, 9.0, 9.0, 2.0]) == 0.0  # the middle does not count
    assert stats.drift([5.0]) == 0.0


# ------------------------------------------------------------------ the flag rules themselves


def _summary(median: float, width: float = 0.0) -> Summary:
    return Summary(median, median * (1 - width / 2), median * (1 + width / 2), 9)


@pytest.mark.parametrize(("pct", "flagged"), [(104.9, False), (105.1, True)])
def test_above_ceiling_rule(pct: float, flagged: bool) -> None:
    flags = stats.cell_flags(pct_of_ceiling=_summary(pct), intervals=[], loaded=[False] * 9, ceiling_drifted=False)
    assert ("above_ceiling" in flags) is flagged


@pytest.mark.parametrize(("width", "flagged"), [(stats.WIDE - 0.001, False), (stats.WIDE + 0.001, True)])
def test_wide_interval_rule(width: float, flagged: bool) -> None:
    flags = stats.cell_flags(pct_of_ceiling=None, intervals=[_summary(50, width)], loaded=[False] * 9,
                             ceiling_drifted=False)
    assert ("wide" in flags) is flagged


@pytest.mark.parametrize(("loaded", "flags"), [
    ([True, True, False, False, False], []),
    ([True, True, True, False, False], ["loaded"]),
    ([False] * 4, ["few_passes"]),
])
def test_loaded_and_few_passes_rules(loaded: list[bool], flags: list[str]) -> None:
    assert stats.cell_flags(pct_of_ceiling=None, intervals=[], loaded=loaded, ceiling_drifted=False) == flags


# ------------------------------------------------------------------ the rules in a whole document


def _cell(doc: dict, key: str) -> dict:
    return next(c for c in doc["cells"] if c["key"] == key)


def test_percent_of_ceiling_is_the_ceiling_time_over_the_cell_time() -> None:
    doc = simple()
    relu, sigmoid = _cell(doc, "relu"), _cell(doc, "sigmoid")
    assert relu["pct_of_ceiling"] == pytest.approx(80.0) and relu["pct_of_ceiling_ci"] == pytest.approx([80, 80])
    assert sigmoid["pct_of_ceiling"] == pytest.approx(20.0)
    assert sigmoid["ratio_to_relu"] == pytest.approx(4.0) and relu["ratio_to_relu"] == 1
    assert relu["bytes"] == COPY_BYTES and relu["flags"] == [] and not relu["noisy"]
    ceiling = doc["ceiling"]["cache"]["float32"]
    assert ceiling["best"] == {"1r1w": "copy_", "2r1w": "add2"}
    assert ceiling["gb_per_s"]["1r1w"] == pytest.approx(COPY_BYTES / 1e-4 / 1e9)


@pytest.mark.parametrize(("share", "flagged"), [(1.049, False), (1.051, True)])
def test_a_cell_beating_its_ceiling_by_5_percent_is_a_harness_failure(share: float, flagged: bool) -> None:
    doc = simple(relu=[1e-4 / share] * 7)
    relu = _cell(doc, "relu")
    assert relu["pct_of_ceiling"] == pytest.approx(100 * share, rel=1e-5)
    assert ("above_ceiling" in relu["flags"]) is flagged and relu["noisy"] is flagged
    assert doc["run"]["above_ceiling"] == int(flagged)


def test_the_best_allocation_free_kernel_is_the_ceiling() -> None:
    doc = document([ceiling_item("copy_", "1r1w", [2e-4] * 7), ceiling_item("add", "1r1w", [1e-4] * 7),
                    ceiling_item("clone", "1r1w", [0.5e-4] * 7, allocates=True), cell_item("relu", [2e-4] * 7)])
    assert doc["ceiling"]["cache"]["float32"]["best"]["1r1w"] == "add"  # clone is faster but allocates
    assert _cell(doc, "relu")["pct_of_ceiling"] == pytest.approx(50.0)


@pytest.mark.parametrize(("late", "flagged"), [(1.049, False), (1.051, True)])
def test_a_ceiling_that_drifts_over_5_percent_flags_the_run(late: float, flagged: bool) -> None:
    copy = [1e-4] * 6 + [late * 1e-4] * 2  # the last quarter of 8 passes
    doc = document([ceiling_item("copy_", "1r1w", copy), cell_item("relu", [1.25e-4] * 8)])
    assert doc["ceiling"]["cache"]["float32"]["drift"]["1r1w"] == pytest.approx(late - 1, rel=1e-4)
    assert ("drift" in doc["run"]["flags"]) is flagged
    assert ("drift" in _cell(doc, "relu")["flags"]) is flagged


@pytest.mark.parametrize(("width", "flagged"), [(stats.WIDE - 0.001, False), (stats.WIDE + 0.001, True)])
def test_a_cell_whose_interval_is_wide_is_flagged(width: float, flagged: bool) -> None:
    # 10 passes at 50 % (1 + width) of the ceiling and 11 at 50 %: the interval is [50, 50 (1 + width)].
    fast, slow = 2e-4 / (1 + width), 2e-4
    doc = document([ceiling_item("copy_", "1r1w", [1e-4] * 21), cell_item("relu", [fast] * 10 + [slow] * 11)])
    relu = _cell(doc, "relu")
    assert relu["pct_of_ceiling"] == pytest.approx(50.0)
    assert relu["pct_of_ceiling_ci"] == pytest.approx([50.0, 50.0 * (1 + width)], rel=1e-5)
    assert ("wide" in relu["flags"]) is flagged


def test_a_cell_loaded_in_most_passes_is_flagged() -> None:
    doc = document([ceiling_item("copy_", "1r1w", [1e-4] * 5),
                    cell_item("relu", [2e-4] * 5, loaded=[True, True, True, False, False]),
                    cell_item("sigmoid", [4e-4] * 5, loaded=[True, True, False, False, False])])
    assert _cell(doc, "relu")["flags"] == ["loaded"] and _cell(doc, "sigmoid")["flags"] == []
    copy = ceiling_item("copy_", "1r1w", [1e-4] * 5)
    copy.loaded = [False, True, True, False, True]  # the ceiling's own passes count for every cell
    doc = document([copy, cell_item("sigmoid", [4e-4] * 5, loaded=[True, False, False, False, False])])
    assert _cell(doc, "sigmoid")["flags"] == ["loaded"]


# ------------------------------------------------------------------ ratio_interval, for the claims


def test_ratio_interval_pairs_passes_and_is_exact_on_a_constant_ratio() -> None:
    relu = [0.0625, 0.1875, 0.09375, 0.15625, 0.0625]  # seconds exact in binary and in 6 digits
    copy = [t / 2 for t in relu]  # the ceiling moves with the machine, and is back by the last pass
    doc = document([ceiling_item("copy_", "1r1w", copy), cell_item("relu", relu),
                    cell_item("sigmoid", [3 * t for t in relu])])
    assert ratio_interval(doc, "sigmoid", "relu", size="cache", mode="forward") == RatioInterval(3.0, 3.0, 3.0, 5)
    inverse = ratio_interval(doc, "relu", "sigmoid", size="cache", mode="forward")
    assert inverse.median == pytest.approx(1 / 3) and inverse.passes == 5


def test_ratio_interval_is_none_for_missing_or_flagged_cells() -> None:
    doc = simple()
    assert ratio_interval(doc, "sigmoid", "relu", size="cache", mode="forward") is not None
    assert ratio_interval(doc, "tanh", "relu", size="cache", mode="forward") is None
    assert ratio_interval(doc, "sigmoid", "relu", size="memory", mode="forward") is None
    assert ratio_interval(doc, "sigmoid", "relu", size="cache", mode="forward", column="compiled") is None
    flagged = simple(relu=[1e-4 / 1.2] * 7)  # ReLU above its ceiling: no verdict rests on it
    assert ratio_interval(flagged, "sigmoid", "relu", size="cache", mode="forward") is None
