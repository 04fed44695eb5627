"""Verdict rules: pure functions from a measured interval to a verdict, thresholds stated.

A measurement enters as a :class:`Measured` value with the interval it is known to lie
in (``low == high`` for an exact, deterministic number such as a float64 gap; the
spread over seeds or a benchmark's confidence interval otherwise). A rule gives a
verdict only where the whole interval is on one side of its threshold; an interval
that straddles a threshold is ``undecided``. Each rule says its thresholds in words
(:meth:`Rule.describe`), which the claims page prints beside the verdict, and the tests
feed every rule evidence on both sides of each threshold.

Verdicts:

* ``holds``: the measurement agrees with the claim;
* ``smaller than claimed``: a speed-up in the claimed direction, clearly below its size;
* ``larger than claimed``: a speed-up clearly beyond its claimed size (a size is claimed
  both ways: "about 40 % faster" is contradicted by 64 % as by 10 %);
* ``does not hold here``: the measurement contradicts the claim;
* ``undecided``: the interval straddles a threshold (more runs would tell), or the
  recorded runs of one device disagree (:func:`across_runs`);
* ``holds only in some regime``: the rule holds in some of the regimes measured
  (in cache or memory-bound, CPU or GPU) and not in others;
* ``not measured``: the evidence is missing (no recorded benchmark run, say).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Literal, Sequence

from actdocs.render.numbers import format_number, format_percent, format_sig

Verdict = Literal["holds", "smaller than claimed", "larger than claimed", "does not hold here", "undecided",
                  "holds only in some regime", "not measured"]

#: Share of a claimed speed-up's excess over 1 that a measurement must reach: "6× faster"
#: holds from 4.75×. :meth:`SpeedUp.describe` says "75 % of the way" from 1. The same share
#: bounds it above: the excess may be at most 1/SPEEDUP_SHARE of the claimed one ("6×
#: faster" holds up to 7.67×).
SPEEDUP_SHARE = 0.75


@dataclass(frozen=True)
class Measured:
    """A measured value and the interval ``[low, high]`` it is known to lie in."""

    value: float
    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> "Measured":
        """A deterministic value: its interval is the point itself."""
        return cls(value, value, value)

    @classmethod
    def spread(cls, values: Iterable[float]) -> "Measured":
        """The mean of ``values`` with their range (over seeds, say) as the interval."""
        values = list(values)
        return cls(sum(values) / len(values), min(values), max(values))


@dataclass(frozen=True)
class AtLeast:
    """Holds when the whole interval is at or above ``threshold``; fails when all below.
    ``most`` is the largest threshold that means anything (1 for a share). A ``ratio``
    threshold (a time over ReLU's, say) is a ratio of 1 plus an excess: its sensitivity
    halves and doubles the excess, as a speed-up's does (:func:`scaled`)."""

    threshold: float
    what: str
    most: float = math.inf
    ratio: bool = False

    def verdict(self, m: Measured) -> Verdict:
        """The verdict for ``m``."""
        if m.low >= self.threshold:
            return "holds"
        return "does not hold here" if m.high < self.threshold else "undecided"

    def describe(self) -> str:
        """The rule in words."""
        return f"holds when {self.what} is at least {format_sig(self.threshold)} over its whole interval"


@dataclass(frozen=True)
class AtMost:
    """Holds when the whole interval is at or below ``threshold``; fails when all above.
    ``most`` is the largest threshold that means anything (1 for a share)."""

    threshold: float
    what: str
    most: float = math.inf

    def verdict(self, m: Measured) -> Verdict:
        """The verdict for ``m``."""
        if m.high <= self.threshold:
            return "holds"
        return "does not hold here" if m.low > self.threshold else "undecided"

    def describe(self) -> str:
        """The rule in words."""
        return f"holds when {self.what} is at most {format_sig(self.threshold)} over its whole interval"


@dataclass(frozen=True)
class SpeedUp:
    """A claimed speed-up ``claimed`` (a ratio of times, slow over fast; 1 means "faster").

    The threshold is ``1 + (claimed - 1) * SPEEDUP_SHARE`` and the upper end
    ``1 + (claimed - 1) / SPEEDUP_SHARE``. Holds when the whole interval lies between the
    two; ``smaller than claimed`` when the whole interval is above 1 and below the
    threshold; ``larger than claimed`` when the whole interval is beyond the upper end (a
    claimed size is contradicted from both sides); ``does not hold here`` when the whole
    interval is at or below 1 (no speed-up at all); ``undecided`` when it straddles any of
    them. A plain "faster" (``claimed`` 1) has no size and so no upper end.
    """

    claimed: float
    what: str

    @property
    def threshold(self) -> float:
        """The smallest ratio that counts as the claimed speed-up."""
        return 1 + (self.claimed - 1) * SPEEDUP_SHARE

    @property
    def upper(self) -> float:
        """The largest ratio that still counts as the claimed speed-up (infinite for a plain "faster")."""
        return 1 + (self.claimed - 1) / SPEEDUP_SHARE if self.claimed > 1 else math.inf

    def verdict(self, m: Measured) -> Verdict:
        """The verdict for ``m``."""
        if m.low > self.upper:
            return "larger than claimed"
        if m.low >= self.threshold and m.low > 1 and m.high <= self.upper:
            return "holds"
        if m.high <= 1:
            return "does not hold here"
        if m.low > 1 and m.high < self.threshold:
            return "smaller than claimed"
        return "undecided"

    def describe(self) -> str:
        """The rule in words."""
        if self.claimed == 1:
            return (f"holds when {self.what} is above 1 over its whole interval; "
                    "does not hold when it is at most 1")
        return (f"holds when {self.what} is between {format_number(self.threshold, 2)} "
                f"({format_percent(SPEEDUP_SHARE, 2)} of the way from 1 to the claimed {format_number(self.claimed, 2)}) "
                f"and {format_number(self.upper, 2)} (the claimed excess over 1 divided by "
                f"{format_number(SPEEDUP_SHARE, 2)}) over its whole interval; smaller than claimed when it lies "
                f"between 1 and the first, larger than claimed when it lies beyond the second; "
                f"does not hold when it is at most 1")


@dataclass(frozen=True)
class Edge:
    """A rule of thumb's stated edge ("≈ 0 when |x| > 4": the stated |x|, 4) against the measured
    edge, the smallest value from which the property holds. Holds when the whole interval of the
    edge is at or inside the stated edge (``threshold``); fails when all of it lies beyond.
    :meth:`note` says how far the stated edge is from the measured one, so a failure says by how
    much. Its sensitivity halves and doubles the stated edge, not the property's own threshold
    (the 0.01 of "|f′| < 0.01"), which the claim varies as rows of their own."""

    threshold: float
    what: str

    def verdict(self, m: Measured) -> Verdict:
        """The verdict for ``m`` (the measured edge)."""
        return AtMost(self.threshold, self.what).verdict(m)

    def describe(self) -> str:
        """The rule in words."""
        return (f"holds when {self.what} is at most the stated {format_number(self.threshold, 4)}; "
                "the verdict gives the measured edge and how far the stated edge lies from it")

    def note(self, m: Measured) -> str:
        """Where the edge is and how far the stated threshold lies from it, in words."""
        gap = self.threshold - m.value
        side = "short of" if gap < 0 else "beyond"
        return (f"measured edge {format_sig(m.value)}; the stated {format_number(self.threshold, 4)} lies "
                f"{format_sig(abs(gap), 2)} ({format_percent(abs(gap) / m.value, 2)}) {side} it")


Rule = AtLeast | AtMost | SpeedUp | Edge


def knob(rule: Rule) -> str:
    """The field of ``rule`` that its sensitivity moves: the claimed ratio or the threshold."""
    return "claimed" if isinstance(rule, SpeedUp) else "threshold"


def scaled(rule: Rule, factor: float) -> float:
    """The rule's knob scaled by ``factor``: a threshold times it, a claimed speed-up's (or a ratio
    threshold's) excess over 1 times it ("6× faster" halved is 3.5×, doubled 11×; "at least 1.5×
    ReLU's time" halved is 1.25×, not 0.75×, which would call a faster function expensive)."""
    if isinstance(rule, SpeedUp):
        return 1 + (rule.claimed - 1) * factor
    if getattr(rule, "ratio", False):
        return 1 + (rule.threshold - 1) * factor
    return rule.threshold * factor


def moved(rule: Rule, value: float) -> Rule:
    """``rule`` with its threshold (the claimed ratio, for a speed-up) set to ``value``."""
    return replace(rule, **{knob(rule): value})


def breakpoints(rule: Rule, m: Measured) -> set[float]:
    """The values of the rule's knob at which its verdict on ``m`` can change."""
    if isinstance(rule, SpeedUp):  # threshold(c) = 1 + (c - 1) * SHARE or upper(c) meets an end of the interval
        return ({1 + (end - 1) / SPEEDUP_SHARE for end in (m.low, m.high) if end > 1}
                | {1 + (end - 1) * SPEEDUP_SHARE for end in (m.low, m.high) if end > 1})
    return {m.low, m.high}


FAILURES: frozenset[Verdict] = frozenset({"smaller than claimed", "larger than claimed", "does not hold here"})


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """One verdict for several regimes.

    Unmeasured regimes are ignored; all alike gives that verdict; ``holds`` in some
    and a failure (``smaller than claimed``, ``larger than claimed``, ``does not hold
    here``) in others gives
    ``holds only in some regime``; failures only give ``does not hold here``; any other
    mix (an ``undecided`` regime among them) is ``undecided``.
    """
    measured = [v for v in verdicts if v != "not measured"]
    if not measured:
        return "not measured"
    kinds = set(measured)
    if len(kinds) == 1:
        return measured[0]
    if kinds <= FAILURES:
        return "does not hold here"
    if "undecided" not in kinds and kinds & {"holds", "holds only in some regime"}:
        return "holds only in some regime"
    return "undecided"


def as_bound(verdicts: Iterable[Verdict]) -> Verdict:
    """A bound's verdict over the conditions that could break it (initialisations, say).

    One failing condition breaks the bound (``does not hold here``); it holds only where
    every measured condition holds; any other mix is ``undecided``.
    """
    measured = [v for v in verdicts if v != "not measured"]
    if not measured:
        return "not measured"
    if any(v in FAILURES for v in measured):
        return "does not hold here"
    return "holds" if all(v == "holds" for v in measured) else "undecided"


def across_runs(verdicts: Sequence[Verdict]) -> tuple[Verdict, str]:
    """One device's verdict from every recorded run of it, and why it is undecided if it is.

    Runs of different days differ by more than one run's interval, so a verdict stands only
    where every run gives it; a run without an interval (a flagged cell) leaves it undecided.
    """
    kinds = set(verdicts)
    if len(kinds) == 1:
        return verdicts[0], ""
    missing = sum(v == "not measured" for v in verdicts)
    if missing:
        return "undecided", f"{missing} of {len(verdicts)} recorded runs {'gives' if missing == 1 else 'give'} no interval"
    return "undecided", "the recorded runs disagree: " + ", ".join(verdicts)
