"""How the site writes a record's ranges, gradients, flat ends and cost in words.

Tables, alt texts, facts and figures share these; numbers themselves are written by
:mod:`actdocs.render.numbers`. Text only: nothing here draws, so a page's text is not keyed
by the plotting code.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from actdocs.render.numbers import INFINITY, MINUS, format_number, format_point, format_sig

if TYPE_CHECKING:  # pragma: no cover - typing only
    from actdocs.catalog import Properties

#: The prime of a derivative, f′.
PRIME = "\u2032"


# ------------------------------------------------------------------- how properties read


def _range_pieces(properties: "Properties") -> list[tuple[float, float, bool, bool]]:
    """The output range as intervals ``(lo, hi, lo closed, hi closed)``, split at its gaps."""
    (lo, hi), (lo_closed, hi_closed) = properties.output_range, properties.range_closed
    pieces, start = [], (lo, lo_closed)
    for a, b, a_in, b_in in properties.gaps:
        pieces.append((*start, a, a_in))
        start = (b, b_in)
    return [(p[0], p[2], p[1], p[3]) for p in pieces] + [(start[0], hi, start[1], hi_closed)]


def format_range(properties: "Properties") -> str:
    """The output range in interval notation: "(0, 1)", "[0, ∞)", "(−1.7581, ∞)"; where a
    jump leaves a gap, the pieces joined by ∪: "{0} ∪ (1, ∞)".

    A bracket is closed where ``range_closed`` (or a gap's flag) says the end is attained;
    an infinite end is always open.
    """
    parts = []
    for lo, hi, lo_closed, hi_closed in _range_pieces(properties):
        if lo == hi:
            parts.append(f"{{{format_number(lo)}}}")
            continue
        left = "[" if lo_closed and math.isfinite(lo) else "("
        right = "]" if hi_closed and math.isfinite(hi) else ")"
        parts.append(f"{left}{format_number(lo)}, {format_number(hi)}{right}")
    return " \u222a ".join(parts)


def format_range_words(properties: "Properties") -> str:
    """The output range in words, free of brackets (for alt text): "between 0 and 1"."""
    (lo, hi), (lo_closed, hi_closed) = properties.output_range, properties.range_closed
    if math.isinf(lo) and math.isinf(hi):
        words = "unbounded in both directions"
    elif math.isinf(hi):
        words = f"{'at least' if lo_closed else 'above'} {format_number(lo)} and unbounded above"
    elif math.isinf(lo):
        words = f"{'at most' if hi_closed else 'below'} {format_number(hi)} and unbounded below"
    elif lo_closed and hi_closed:
        words = f"from {format_number(lo)} to {format_number(hi)}, both included"
    else:
        words = f"between {format_number(lo)} and {format_number(hi)}"
    return words + _gap_words(properties)


def _gap_words(properties: "Properties") -> str:
    """", with no output above 0 up to and including 1" for each gap of the range; "" if none.
    An end of the gap that is an output is excluded from it ("above", "below"), one that is not
    is included ("from", "up to and including")."""
    return "".join(f", with no output {'above' if a_in else 'from'} {format_number(a)} "
                   f"{'and below' if b_in else 'up to and including'} {format_number(b)}"
                   for a, b, a_in, b_in in properties.gaps)


def format_max_grad(properties: "Properties") -> str:
    """The largest derivative and where: "0.25 at x = 0", "1 for x > 0", "→ 1 as x → ∞",
    "→ 1 as x → ±∞", "1 for |x| > 0.5"."""
    value = format_number(properties.max_grad)
    where = properties.max_grad_at
    ends = getattr(where, "ends", None)  # an actdocs.catalog.Approached
    if ends is not None:
        where = ends[0] if len(ends) == 1 else None
        if where is None:
            return f"\u2192 {value} as x \u2192 \u00b1{INFINITY}"
    if isinstance(where, tuple) and where and isinstance(where[0], tuple):  # several intervals
        (lo0, hi0), (lo1, hi1) = where[0], where[-1]
        if len(where) == 2 and math.isinf(lo0) and math.isinf(hi1) and hi0 == -lo1:
            return f"{value} for |x| > {format_number(lo1)}"
        return f"{value} on " + " and ".join(f"({format_number(a)}, {format_number(b)})" for a, b in where)
    if isinstance(where, tuple):
        lo, hi = where
        if math.isinf(hi) and math.isinf(lo):
            return f"{value} everywhere"
        if math.isinf(hi):
            return f"{value} for x > {format_number(lo)}"
        if math.isinf(lo):
            return f"{value} for x < {format_number(hi)}"
        return f"{value} for {format_number(lo)} < x < {format_number(hi)}"
    if math.isinf(where):
        side = INFINITY if where > 0 else MINUS + INFINITY
        return f"\u2192 {value} as x \u2192 {side}"
    return f"{value} at {format_point(where)}"


def yes_no(flag: bool) -> str:
    """"Yes" or "No"."""
    return "Yes" if flag else "No"


#: Decimals of a saturation set's ends, rounded towards the inside of the set.
FLAT_DECIMALS = 2


def flat_end(value: float, up: bool, decimals: int = FLAT_DECIMALS) -> str:
    """An end of a flat interval, rounded up (a lower end) or down (an upper end) to
    ``decimals`` (FLAT_DECIMALS unless a sentence needs more), so that the written
    condition never reaches outside the set."""
    scale = 10**decimals
    rounded = (math.ceil if up else math.floor)(round(value * scale, 6)) / scale
    return format_number(rounded, decimals)


def _flat_parts(properties: "Properties") -> list[str]:
    """Each interval of the saturation set as an inequality: "x < 0", "x > 6", "|x| > 4.59".

    Two intervals mirroring each other read as one condition on |x|.
    """
    flats = properties.saturation
    if (len(flats) == 2 and math.isinf(flats[0].lo) and math.isinf(flats[1].hi)
            and flats[0].hi == -flats[1].lo and flats[1].lo > 0):
        return [f"|x| > {flat_end(flats[1].lo, up=True)}"]
    parts = []
    for f in flats:
        if math.isinf(f.lo) and math.isinf(f.hi):
            parts.append("every x")
        elif math.isinf(f.lo):
            parts.append(f"x < {flat_end(f.hi, up=False)}")
        elif math.isinf(f.hi):
            parts.append(f"x > {flat_end(f.lo, up=True)}")
        else:
            parts.append(f"{flat_end(f.lo, up=True)} < x < {flat_end(f.hi, up=False)}")
    return parts


def _flat_condition(properties: "Properties", words: bool = False) -> str:
    """"f′ = 0" when the derivative is exactly zero on the whole set, else "|f′| < 0.01";
    with ``words``, "it is exactly 0" or "|f′| stays below 0.01" (its size: a negative
    derivative such as GELU's is below 0.01 without being flat)."""
    from actdocs.catalog import SATURATION_THRESHOLD

    exact = all(f.exact for f in properties.saturation)
    threshold = format_number(SATURATION_THRESHOLD)
    if words:
        return "it is exactly 0" if exact else f"|f{PRIME}| stays below {threshold}"
    return f"f{PRIME} = 0" if exact else f"|f{PRIME}| < {threshold}"


def format_saturation(properties: "Properties") -> str:
    """The set where the derivative is (near) zero: "No", "x < 0 (f′ = 0)",
    "x < 0 and x > 6 (f′ = 0)", "|x| > 4.6 (|f′| < 0.01)"."""
    if not properties.saturation:
        return "No"
    return f"{' and '.join(_flat_parts(properties))} ({_flat_condition(properties)})"


def saturation_words(properties: "Properties", least: float | None = None) -> str:
    """The same set in a sentence, for alt text: "it is exactly 0 for x < 0 and x > 6".

    For a function that never saturates, ``least`` (the smallest |f′| measured) is named,
    and called the threshold itself when it equals it (Leaky ReLU's 0.01): the verdict
    then rests on a tie, which the reader should see.
    """
    if not properties.saturation:
        from actdocs.catalog import MIN_FLAT_WIDTH, SATURATION_THRESHOLD

        text = (f"it never saturates: on no stretch of x wider than {format_number(MIN_FLAT_WIDTH)} "
                f"does |f{PRIME}| fall below {format_number(SATURATION_THRESHOLD)}")
        if least is None:
            return text
        if math.isclose(least, SATURATION_THRESHOLD, rel_tol=1e-9):
            return (f"{text}, though its smallest |f{PRIME}|, {format_number(least)}, is exactly that "
                    "threshold: never smaller and never zero")
        if least < SATURATION_THRESHOLD:
            return (f"{text}; it falls below that only on narrower stretches, where it reaches its smallest "
                    f"value, {format_sig(least)}")
        return f"{text}; its smallest |f{PRIME}| is {format_sig(least)}"
    return f"{_flat_condition(properties, words=True)} for {' and '.join(_flat_parts(properties))}"


def format_cost(properties: "Properties") -> str:
    """The declared cost, capitalised: "Cheap", "Moderate", "Expensive"."""
    return properties.cost.capitalize()
