"""Verdict rules: evidence on both sides of every threshold, and intervals that straddle one."""

from __future__ import annotations

from typing import get_args

import pytest

from actdocs.render.numbers import format_number, format_percent

from actdocs.measure.verdicts import (SPEEDUP_SHARE, AtLeast, AtMost, Edge, Measured, SpeedUp, Verdict, across_runs, as_bound,
                              breakpoints, combine, moved, scaled)


def around(value: float, half: float = 0.0) -> Measured:
    return Measured(value, value - half, value + half)


@pytest.mark.parametrize(("m", "verdict"), [
    (around(0.6), "holds"), (around(0.5), "holds"),               # at and above the threshold
    (around(0.4), "does not hold here"),                          # below
    (around(0.55, 0.1), "undecided"),                             # the interval straddles it
    (Measured(0.7, 0.5, 0.9), "holds"), (Measured(0.3, 0.1, 0.49), "does not hold here"),
])
def test_at_least(m, verdict):
    assert AtLeast(0.5, "x").verdict(m) == verdict


@pytest.mark.parametrize(("m", "verdict"), [
    (around(0.009), "holds"), (around(0.01), "holds"), (around(0.0177), "does not hold here"),
    (Measured(0.01, 0.009, 0.011), "undecided"), (around(0.0), "holds"),
])
def test_at_most(m, verdict):
    assert AtMost(0.01, "x").verdict(m) == verdict


def test_at_most_zero_is_exact():
    rule = AtMost(0.0, "share with zero gradient")
    assert rule.verdict(around(0.0)) == "holds"
    assert rule.verdict(around(1e-12)) == "does not hold here"


def test_speedup_threshold_is_three_quarters_of_the_excess():
    assert SpeedUp(6.0, "x").threshold == pytest.approx(1 + 5 * SPEEDUP_SHARE) == pytest.approx(4.75)
    assert SpeedUp(5 / 3, "x").threshold == pytest.approx(1.5)


@pytest.mark.parametrize(("m", "verdict"), [
    (around(5.0, 0.2), "holds"),                       # whole interval above 4.75
    (around(4.75), "holds"),
    (around(4.7, 0.02), "smaller than claimed"),       # just below 4.75, above 1
    (around(2.0, 0.5), "smaller than claimed"),
    (around(0.65, 0.1), "does not hold here"),         # ReLU slower: no speed-up at all
    (around(1.0), "does not hold here"),
    (Measured(4.8, 4.6, 5.0), "undecided"),            # straddles 4.75
    (Measured(1.05, 0.9, 1.2), "undecided"),           # straddles 1
    (around(7.5, 0.1), "holds"),                       # below the upper end, 1 + 5 / 0.75 = 7.67
    (around(9.0, 0.5), "larger than claimed"),         # a size is claimed both ways
    (Measured(7.7, 7.5, 7.9), "undecided"),            # straddles the upper end
])
def test_speedup(m, verdict):
    assert SpeedUp(6.0, "x").verdict(m) == verdict


@pytest.mark.parametrize(("m", "verdict"), [
    (around(1.2, 0.1), "holds"), (around(0.3, 0.05), "does not hold here"), (around(1.0), "does not hold here"),
    (Measured(1.0, 0.95, 1.05), "undecided"), (Measured(1.01, 1.0, 1.02), "undecided"),
])
def test_plain_faster(m, verdict):
    assert SpeedUp(1.0, "x").verdict(m) == verdict


def test_an_about_claim_is_checked_on_both_sides():
    """"About 40 % faster" (a ratio of 5/3) is contradicted by 2.8× as by 1.2×: the rule has an
    upper end as far beyond the claimed excess as its threshold is short of it."""
    rule = SpeedUp(5 / 3, "x")
    assert rule.upper == pytest.approx(1 + (2 / 3) / SPEEDUP_SHARE)
    assert rule.verdict(Measured(2.8, 2.6, 3.1)) == "larger than claimed"
    assert rule.verdict(Measured(1.2, 1.1, 1.3)) == "smaller than claimed"
    assert rule.verdict(around(5 / 3, 0.05)) == "holds"
    assert SpeedUp(1.0, "x").verdict(around(100.0)) == "holds"   # a plain "faster" has no size
    assert "larger than claimed" in rule.describe() and format_number(rule.upper, 2) in rule.describe()


def test_every_rule_states_its_threshold():
    assert "4.75" in SpeedUp(6.0, "sigmoid's time over ReLU's").describe()
    assert "sigmoid's time over ReLU's" in SpeedUp(6.0, "sigmoid's time over ReLU's").describe()
    assert "0.01" in AtMost(0.01, "x").describe() and "0.5" in AtLeast(0.5, "x").describe()
    assert "above 1" in SpeedUp(1.0, "x").describe()


@pytest.mark.parametrize(("verdicts", "combined"), [
    ([], "not measured"),
    (["not measured", "not measured"], "not measured"),
    (["holds", "not measured"], "holds"),
    (["holds", "holds"], "holds"),
    (["holds", "does not hold here"], "holds only in some regime"),
    (["holds", "smaller than claimed"], "holds only in some regime"),
    (["smaller than claimed", "does not hold here"], "does not hold here"),
    (["holds", "undecided"], "undecided"),
    (["undecided", "does not hold here"], "undecided"),
])
def test_combine(verdicts, combined):
    assert combine(verdicts) == combined
    assert combined in get_args(Verdict)


# ------------------------------------------------------------------ bounds, runs, edges, sensitivity


@pytest.mark.parametrize(("verdicts", "combined"), [
    (["holds", "holds"], "holds"),
    (["holds", "does not hold here"], "does not hold here"),   # one condition breaks a bound
    (["holds", "smaller than claimed"], "does not hold here"),
    (["holds", "undecided"], "undecided"),
    (["holds", "not measured"], "holds"), (["not measured"], "not measured"),
])
def test_a_bound_fails_where_any_condition_breaks_it(verdicts, combined):
    assert as_bound(verdicts) == combined


@pytest.mark.parametrize(("verdicts", "verdict", "why"), [
    (["holds", "holds"], "holds", ""),
    (["holds", "smaller than claimed"], "undecided", "the recorded runs disagree: holds, smaller than claimed"),
    (["holds", "not measured"], "undecided", "1 of 2 recorded runs gives no interval"),
    (["not measured", "not measured"], "not measured", ""),
])
def test_runs_of_a_device_decide_only_together(verdicts, verdict, why):
    assert across_runs(verdicts) == (verdict, why)


def test_edge_rule_says_how_far_the_stated_threshold_is():
    rule = Edge(4.0, "the edge")
    assert rule.verdict(around(4.6)) == "does not hold here" and rule.verdict(around(3.9)) == "holds"
    assert rule.verdict(around(4.0)) == "holds" and rule.verdict(Measured(4.0, 3.9, 4.1)) == "undecided"
    note = rule.note(around(5.0))
    assert note == f"measured edge 5; the stated 4 lies 1 ({format_percent(0.2, 2)}) short of it"
    assert "beyond it" in rule.note(around(3.2)) and "4" in rule.describe()


def test_sensitivity_moves_a_threshold_or_a_speedups_excess():
    assert scaled(AtMost(0.01, "x"), 2) == pytest.approx(0.02)
    assert scaled(SpeedUp(6.0, "x"), 0.5) == pytest.approx(3.5) and scaled(SpeedUp(6.0, "x"), 2) == pytest.approx(11)
    assert moved(SpeedUp(6.0, "x"), 3.5) == SpeedUp(3.5, "x") and moved(AtLeast(0.5, "x"), 0.2).threshold == 0.2
    assert breakpoints(AtMost(0.01, "x"), Measured(0.02, 0.015, 0.025)) == {0.015, 0.025}
    # the claimed ratio whose threshold meets the interval's ends: 1 + (end - 1) / SPEEDUP_SHARE
    (low, high) = sorted(p for p in breakpoints(SpeedUp(6.0, "x"), Measured(3.0, 2.5, 4.0))
                         if min(abs(SpeedUp(p, "x").threshold - end) for end in (2.5, 4.0)) < 1e-9)
    assert SpeedUp(low, "x").threshold == pytest.approx(2.5) and SpeedUp(high, "x").threshold == pytest.approx(4.0)
    # past the low end the threshold is met, but 4.0 lies beyond that claim's upper end (3.66)
    assert SpeedUp(low * 0.999, "x").verdict(Measured(3.0, 2.5, 4.0)) == "undecided"
    assert SpeedUp(low * 0.999, "x").verdict(Measured(3.0, 2.5, 3.5)) == "holds"
    assert SpeedUp(6.0, "x").verdict(Measured(3.0, 2.5, 4.0)) == "smaller than claimed"
    # and the claimed ratio whose upper end meets them: 1 + (end - 1) * SPEEDUP_SHARE
    assert {1 + 1.5 * SPEEDUP_SHARE, 1 + 3.0 * SPEEDUP_SHARE} <= breakpoints(SpeedUp(6.0, "x"), Measured(3.0, 2.5, 4.0))


def test_a_ratio_threshold_scales_its_excess_over_one():
    """Halving "at least 1.5× ReLU's time" gives 1.25×: 0.75× would call a faster function expensive."""
    rule = AtLeast(1.5, "time over ReLU's", ratio=True)
    assert scaled(rule, 0.5) == pytest.approx(1.25) and scaled(rule, 2) == pytest.approx(2.0)
    assert scaled(AtLeast(1.5, "a share"), 0.5) == pytest.approx(0.75)
