"""How every number on the site reads: the one home of number formatting.

Text (tables, prose fragments, alt text, figure labels, demo captions) uses:

* :func:`format_number`: fixed decimals, trailing zeros dropped ("0.25", "1", "−1.7581");
* :func:`format_sig`: significant digits, plain from 0.001 up to 100 000 and in
  scientific notation outside ("0.0177", "9.54 × 10⁻⁷");
* :func:`format_percent`: a fraction as a percentage, significant digits, a narrow
  no-break space before the sign ("7.1 %", "45.3 %");
* :func:`format_seconds`, :func:`format_rate`, :func:`format_ratio`: timings, rates and
  ratios ("48.2 µs", "5.2 G/s", "3.8×");
* :func:`format_mean_spread`: a mean and its spread ("97.2 ± 0.3 %").

Every one writes a real minus sign (U+2212) and "∞" for infinities. Inside TeX,
:func:`format_sig_tex` writes the same number as math (``9.54 \\times 10^{-7}``).

JSON written for the browser or kept as results rounds its floats with
:func:`round_floats`, so that files are small and byte-stable.

This module imports nothing from the package: editing it remakes only what prints numbers.
"""

from __future__ import annotations

import math
from typing import Any

MINUS = "\u2212"
INFINITY = "\u221e"
#: Between a number and its unit sign ("7.1 %"): a narrow space that never breaks.
NARROW_SPACE = "\u202f"

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")

#: Powers of ten outside which :func:`format_sig` switches to scientific notation.
PLAIN_EXPONENTS = range(-3, 5)


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _infinity(value: float) -> str:
    return INFINITY if value > 0 else MINUS + INFINITY


def superscript(n: int) -> str:
    """An integer in superscript digits: 10 -> "¹⁰", -7 -> "⁻⁷"."""
    return str(int(n)).translate(_SUPERSCRIPT)


#: Decimals of a number on the site unless its sentence asks for others (rounded to the nearest).
DECIMALS = 4


def format_number(value: float, digits: int = DECIMALS) -> str:
    """``value`` rounded to ``digits`` decimals, trailing zeros dropped, with a real minus.

    ``0.25`` -> "0.25", ``1.0`` -> "1", ``-1.7580993`` -> "−1.7581", ``inf`` -> "∞".
    """
    if math.isinf(value):
        return _infinity(value)
    if math.isnan(value):
        return "NaN"
    text = f"{value:.{digits}f}"
    if "." in text:  # only decimals lose their trailing zeros: 50 stays "50"
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return _minus(text)


def is_round(value: float, digits: int = 2) -> bool:
    """Whether ``value`` is written exactly with at most ``digits`` decimals (3.0, 0.25)."""
    return math.isfinite(value) and abs(value - round(value, digits)) < 1e-12


def format_point(value: float) -> str:
    """"x = 3" for a round value, "x ≈ 1.4142" for one shown rounded."""
    return f"x {'=' if is_round(value) else '≈'} {format_number(value)}"


def _split(value: float, digits: int) -> tuple[float, int]:
    """Mantissa (to ``digits`` significant digits, 1 <= |m| < 10) and power of ten of ``value``."""
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:  # rounding carried: 9.996 -> 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, exponent


def _plain(value: float, digits: int, exponent: int) -> str:
    """``value`` in plain decimals with ``digits`` significant digits; zeros kept unless exact."""
    decimals = max(0, digits - 1 - exponent)
    short = format_number(value, decimals)
    if math.isclose(float(short.replace(MINUS, "-")), value, rel_tol=1e-9):  # exact: "0.5", not "0.500"
        return short
    return _minus(f"{value:.{decimals}f}")


def format_sig(value: float | None, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, as text.

    Plain decimals for 0.001 <= |value| < 100 000 ("0.0177", "1.13", "12346"); outside
    that range, scientific notation with superscript digits ("9.54 × 10⁻⁷"). Trailing
    zeros are kept (they are significant) unless the value is exactly what is shown.
    None and NaN read "n/a".
    """
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return _infinity(value)
    if value == 0:
        return "0"
    mantissa, exponent = _split(value, digits)
    if exponent in PLAIN_EXPONENTS:
        return _plain(value, digits, exponent)
    return f"{_minus(f'{mantissa:.{digits - 1}f}')} \u00d7 10{superscript(exponent)}"


def format_sig_tex(value: float, digits: int = 3) -> str:
    """:func:`format_sig` as TeX, for use inside math: ``9.54 \\times 10^{-7}``, ``0.0177``."""
    if not math.isfinite(value) or value == 0:
        return {"∞": r"\infty", MINUS + INFINITY: r"-\infty"}.get(format_sig(value, digits), format_sig(value, digits))
    mantissa, exponent = _split(value, digits)
    if exponent in PLAIN_EXPONENTS:
        return _plain(value, digits, exponent).replace(MINUS, "-")
    return f"{mantissa:.{digits - 1}f} \\times 10^{{{exponent}}}"


def format_percent(fraction: float | None, digits: int = 3) -> str:
    """A fraction as a percentage to ``digits`` significant digits: 0.4531 -> "45.3 %".

    An exact value drops its zeros (0.5 -> "50 %"); values below one in a thousand keep
    their significant digits ("0.0123 %").
    """
    if fraction is None or math.isnan(fraction):
        return "n/a"
    return f"{format_sig(100 * fraction, digits)}{NARROW_SPACE}%"


def format_mean_spread(mean: float, spread: float, decimals: int = 1, *, percent: bool = False) -> str:
    """A mean and its spread (a standard deviation, say), both to ``decimals`` decimals:
    "1.5 ± 0.2"; with ``percent``, fractions as percentages: 0.972, 0.003 -> "97.2 ± 0.3 %"."""
    scale = 100.0 if percent else 1.0
    text = f"{format_number(scale * mean, decimals)} ± {format_number(scale * spread, decimals)}"
    return text + (f"{NARROW_SPACE}%" if percent else "")


def format_seconds(seconds: float) -> str:
    """3 significant digits in s, ms, µs or ns: "1.23 s", "7.95 ms", "48.2 µs"."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return f"{format_sig(seconds / scale)} {unit}"
    raise AssertionError  # pragma: no cover - the loop always returns


def format_rate(per_s: float) -> str:
    """Elements (or bytes) per second: "5.20 G/s", "830 M/s", "12.0 k/s"."""
    for unit, scale in (("G/s", 1e9), ("M/s", 1e6), ("k/s", 1e3)):
        if per_s >= scale:
            return f"{format_sig(per_s / scale)} {unit}"
    return f"{format_sig(per_s)} /s"


def format_ratio(ratio: float | None) -> str:
    """A ratio of two times: "3.8×", "0.41×", "21×"; "–" when there is none."""
    if ratio is None or not math.isfinite(ratio):
        return "–"
    return f"{format_sig(ratio, 2) if ratio < 10 else format_number(ratio, 0)}×"


def round_sig(value: float | None, digits: int) -> float | int | None:
    """``value`` rounded to ``digits`` significant digits, for JSON.

    NaN and infinities become None (JSON has no such numbers); whole numbers come back
    as ``int``, so that JSON writes ``1``, not ``1.0``.
    """
    if value is None or not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    if rounded == 0:
        return 0
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def round_floats(obj: Any, digits: int) -> Any:
    """A copy of ``obj`` (dicts, lists, tuples, numbers, strings, arrays) with every float
    rounded by :func:`round_sig`; tuples become lists, as JSON has them."""
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, int)):
        return obj
    if isinstance(obj, float):
        return round_sig(obj, digits)
    if isinstance(obj, dict):
        return {str(k): round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, digits) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and tensors
        return round_floats(obj.tolist(), digits)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")
