"""How numbers read: one formatter per kind of number, used by every page."""

from __future__ import annotations

import json
import math

import pytest

from actdocs.render import numbers
from actdocs.render.numbers import MINUS, NARROW_SPACE
from number_text import read_back


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.25, "0.25"),
        (1.0, "1"),
        (0.017662706, "0.0177"),
        (0.0098660, "0.00987"),
        (0.41997434, "0.420"),
        (-0.1422776, f"{MINUS}0.142"),
        (9.5367431640625e-07, "9.54 × 10⁻⁷"),
        (-9.996e-7, f"{MINUS}1.00 × 10⁻⁶"),
        (1e8, "1.00 × 10⁸"),
        (12345.678, "12346"),
        (0.0, "0"),
        (math.inf, "∞"),
        (-math.inf, f"{MINUS}∞"),
        (math.nan, "n/a"),
        (None, "n/a"),
    ],
)
def test_format_sig(value, text):
    assert numbers.format_sig(value) == text


def test_format_sig_reads_back_to_its_digits():
    for value in (3.35e-4, 1.82e-4, 0.0452, 2.46e-5, -6.56e-18, 123456.0, 9.999e9):
        assert read_back(numbers.format_sig(value)) == pytest.approx(value, rel=5e-3)


@pytest.mark.parametrize(
    ("value", "digits", "tex"),
    [(9.5367431640625e-07, 3, r"9.54 \times 10^{-7}"), (-0.1422776, 3, "-0.142"), (1e8, 2, r"1.0 \times 10^{8}"),
     (0.0, 3, "0"), (math.inf, 3, r"\infty")],
)
def test_format_sig_tex_is_the_same_number_in_math(value, digits, tex):
    assert numbers.format_sig_tex(value, digits) == tex


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(0.25, 4, "0.25"), (1.0, 4, "1"), (-1.7580993, 4, f"{MINUS}1.7581"), (50.0, 0, "50"), (-0.00001, 2, "0"),
     (math.inf, 4, "∞")],
)
def test_format_number_drops_trailing_zeros(value, digits, text):
    assert numbers.format_number(value, digits) == text


@pytest.mark.parametrize(
    ("fraction", "digits", "text"),
    [(0.4531, 3, "45.3"), (0.5, 3, "50"), (0.0706, 2, "7.1"), (0.0, 3, "0"), (1.43, 3, "143"), (-0.012, 2, f"{MINUS}1.2")],
)
def test_format_percent_has_one_form(fraction, digits, text):
    assert numbers.format_percent(fraction, digits) == f"{text}{NARROW_SPACE}%"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1.234, "1.23 s"), (7.95e-3, "7.95 ms"), (4.82e-5, "48.2 µs"), (3e-10, "0.3 ns"), (4.8e-5, "48 µs"), (0.0005, "500 µs")],
)
def test_format_seconds_picks_the_unit(seconds, text):
    assert numbers.format_seconds(seconds) == text


@pytest.mark.parametrize(("ratio", "text"), [(3.83, "3.8×"), (0.4134, "0.41×"), (21.4, "21×"), (None, "–"), (math.nan, "–")])
def test_format_ratio(ratio, text):
    assert numbers.format_ratio(ratio) == text


def test_format_rate_picks_the_unit():
    assert numbers.format_rate(5.234e9) == "5.23 G/s"
    assert (numbers.format_rate(5.2e9), numbers.format_rate(8.3e8), numbers.format_rate(12.0)) == ("5.2 G/s", "830 M/s", "12 /s")


def test_superscript():
    assert (numbers.superscript(10), numbers.superscript(-7)) == ("¹⁰", "⁻⁷")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.123456, 0.1235), (123456.0, 123500), (1.0, 1), (-2.5e-12, -2.5e-12), (0.0, 0), (math.nan, None), (math.inf, None)],
)
def test_round_sig_rounds_to_significant_digits(value, expected):
    got = numbers.round_sig(value, 4)
    assert got == expected and type(got) is type(expected)


def test_round_floats_walks_containers_and_refuses_objects():
    data = {"a": [1 / 3, (2.0, float("nan"))], "b": {1: True}, "c": None}
    assert json.loads(json.dumps(numbers.round_floats(data, 3))) == {"a": [0.333, [2, None]], "b": {"1": True}, "c": None}
    with pytest.raises(TypeError):
        numbers.round_floats({"x": object()}, 3)


def test_format_mean_spread_writes_both_with_the_same_decimals() -> None:
    assert numbers.format_mean_spread(1.4999, 0.2) == "1.5 ± 0.2"
    assert numbers.format_mean_spread(0.972, 0.003, percent=True) == f"97.2 ± 0.3{numbers.NARROW_SPACE}%"
    assert numbers.format_mean_spread(-0.5, 0.25, 2) == f"{numbers.MINUS}0.5 ± 0.25"
