"""Verdict rules: evidence on both sides of every threshold, and intervals that straddle one."""

from __future__ import annotations

from typing import get_args

import pytest

from actdocs.verdicts import SPEEDUP_SHARE, AtLeast, AtMost, Measured, SpeedUp, Verdict, combine


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
])
def test_speedup(m, verdict):
    assert SpeedUp(6.0, "x").verdict(m) == verdict


@pytest.mark.parametrize(("m", "verdict"), [
    (around(1.2, 0.1), "holds"), (around(0.3, 0.05), "does not hold here"), (around(1.0), "does not hold here"),
    (Measured(1.0, 0.95, 1.05), "undecided"), (Measured(1.01, 1.0, 1.02), "undecided"),
])
def test_plain_faster(m, verdict):
    assert SpeedUp(1.0, "x").verdict(m) == verdict


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
