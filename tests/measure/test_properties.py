"""Declared properties agree with the measured ones, and the measurement can disagree."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from actdocs import catalog
from actdocs.measure import properties
from actdocs.catalog import ACTIVATIONS, Flat


def by_key():
    """Parametrize a test over every record, each test id naming the activation."""
    return pytest.mark.parametrize("record", ACTIVATIONS, ids=lambda a: a.key)


def declaring(key: str, **changes):
    """A copy of the catalog record ``key`` whose declared properties are changed."""
    record = catalog.get(key)
    return dataclasses.replace(record, properties=dataclasses.replace(record.properties, **changes))


@pytest.mark.parametrize("impl", ["torch", "scratch"])
@by_key()
def test_declared_properties_match_measured(record, impl):
    mismatches = properties.check(record, impl)
    assert mismatches == [], f"{record.key} ({impl}):\n  " + "\n  ".join(mismatches)


def test_check_reports_every_wrong_declaration():
    wrong = declaring("sigmoid", max_grad=0.5, monotonic=False)
    mismatches = properties.check(wrong)
    assert len(mismatches) == 2, mismatches
    assert any(m.startswith("max_grad:") for m in mismatches)
    assert any(m.startswith("monotonic:") for m in mismatches)


# Each rule of check() can fail: one wrong declaration per rule, and the field it names.
WRONG = [
    ("tanh", {"output_range": (-1.0, 2.0)}, "output_range high"),
    ("relu", {"output_range": (-math.inf, math.inf)}, "output_range low"),
    ("leaky_relu", {"output_range": (-0.01, math.inf)}, "output_range low"),
    ("sigmoid", {"range_closed": (True, False)}, "range_closed"),
    ("relu6", {"range_closed": (True, False)}, "range_closed"),
    ("selu", {"zero_centred": False}, "zero_centred"),
    ("elu", {"zero_centred": True}, "zero_centred"),
    ("gelu", {"monotonic": True}, "monotonic"),
    ("selu", {"smooth": True}, "smooth"),
    ("elu", {"smooth": False}, "smooth"),
    ("relu", {"bounded": "both"}, "bounded"),
    ("gelu", {"max_grad": 1.13}, "max_grad:"),
    ("silu", {"max_grad_at": 2.3}, "max_grad_at"),
    ("relu", {"max_grad_at": 0.0}, "max_grad_at"),
    ("relu6", {"max_grad_at": (0.0, math.inf)}, "max_grad_at"),
    ("sigmoid", {"max_grad_at": math.inf}, "max_grad_at"),
    ("relu", {"saturation": ()}, "saturation:"),
    ("relu", {"saturation": (Flat(-math.inf, 0.0),)}, "saturation:"),  # exactly zero, not only small
    ("relu6", {"saturation": (Flat(-math.inf, 0.0, exact=True),)}, "saturation:"),  # flat above 6 too
    ("relu6", {"saturation": (Flat(-math.inf, -6.0, exact=True), Flat(6.0, math.inf, exact=True))}, "saturation:"),
    ("tanh", {"saturation": (Flat(-math.inf, -2.9), Flat(2.9, math.inf))}, "saturation:"),
    ("sigmoid", {"saturation": (Flat(-math.inf, -math.log(99)), Flat(math.log(99), math.inf))}, "saturation:"),
    ("leaky_relu", {"saturation": (Flat(-math.inf, 0.0),)}, "saturation:"),
    ("gelu", {"saturation": (Flat(-math.inf, -3.0675), Flat(-0.77, -0.73))}, "saturation:"),  # a minimum is no plateau
    ("hardshrink", {"jumps": ()}, "jumps"),
    ("threshold", {"jumps": (0.0,)}, "jumps"),
    ("relu", {"jumps": (0.0,)}, "jumps"),  # a kink is no jump
    ("softshrink", {"max_grad_at": (-math.inf, math.inf)}, "max_grad_at"),  # the band |x| <= 0.5 is a gap
    ("softshrink", {"max_grad_at": ((-math.inf, -0.5), (1.0, math.inf))}, "max_grad_at"),
    ("logsigmoid", {"max_grad_at": math.inf}, "max_grad_at"),  # approached as x falls, not grows
    ("softplus", {"max_grad_at": catalog.Approached((-math.inf, math.inf))}, "max_grad_at"),  # one side only
    ("tanhshrink", {"max_grad_at": math.inf}, "max_grad_at"),  # approached on both sides, not one
    ("softmin", {"monotonic": False}, "monotonic"),  # decreasing is monotonic too
]


@pytest.mark.parametrize(("key", "changes", "field"), WRONG, ids=[f"{k}-{f}" for k, _, f in WRONG])
def test_check_catches_a_wrong_declaration(key, changes, field):
    mismatches = properties.check(declaring(key, **changes))
    assert len(mismatches) == 1 and mismatches[0].startswith(field), mismatches


def test_a_different_function_under_a_known_key_is_measured_afresh():
    impostor = dataclasses.replace(catalog.get("sigmoid"), functional=torch.tanh)
    assert properties.measure(impostor).output_min == pytest.approx(-1.0)
    assert properties.check(impostor)


# --------------------------------------------------------------------------------------
# Measured facts the source text states
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "peak"), [("sigmoid", 0.25), ("tanh", 1.0)])
def test_largest_derivative_and_where(key, peak):
    record = catalog.get(key)
    measured = properties.measure(record)
    assert measured.max_grad == pytest.approx(peak, rel=1e-12)
    assert measured.max_grad_at == pytest.approx(0.0, abs=1e-3)
    assert properties.grad_at(record, 0.0) == pytest.approx(peak, rel=1e-12)


@pytest.mark.parametrize(("key", "beyond", "below"), [("sigmoid", 4.0, 0.02), ("tanh", 3.0, 0.01)])
def test_derivative_small_away_from_zero(key, beyond, below):
    outside = torch.linspace(beyond, 40, 36001, dtype=torch.float64)[1:]
    x = torch.cat([-outside, outside])
    assert properties.derivative(catalog.get(key), x).abs().max() < below


# The set where the derivative is (near) zero, not a limit: the two examples and
# the classic pair, measured from autograd on the grid and far out.
SATURATION_SETS = {
    "relu": [(-math.inf, 0.0, True)],
    "relu6": [(-math.inf, 0.0, True), (6.0, math.inf, True)],
    "hardswish": [(-math.inf, -3.0, True)],
    "leaky_relu": [],
}


@pytest.mark.parametrize(("key", "expected"), SATURATION_SETS.items(), ids=list(SATURATION_SETS))
def test_saturation_is_measured_as_a_set(key, expected):
    measured = properties.measure(catalog.get(key)).saturation
    assert [f.exact for f in measured] == [e for _, _, e in expected]
    ends = [end for f in measured for end in (f.lo, f.hi)]
    assert ends == pytest.approx([end for lo, hi, _ in expected for end in (lo, hi)], abs=properties.LOCATION_TOLERANCE)


def test_relu6_is_flat_on_every_point_below_0_and_above_6():
    x = torch.cat([-torch.logspace(-6, 8, 200, dtype=torch.float64), 6 + torch.logspace(-6, 8, 200, dtype=torch.float64)])
    assert (properties.derivative(catalog.get("relu6"), x) == 0).all()
    inside = torch.linspace(1e-6, 6 - 1e-6, 1001, dtype=torch.float64)
    assert (properties.derivative(catalog.get("relu6"), inside) == 1).all()


def test_flat_set_keeps_unbounded_runs_and_drops_a_stationary_point():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    dy = torch.where(x < -5, 0.0, 1.0) * torch.where((x - 2).abs() < 0.1, 0.0, 1.0) + 0 * x
    far = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert properties.flat_set(x, dy, far) == (catalog.Flat(-math.inf, x[x < -5].max().item(), exact=True),)
    wide = torch.where((x - 2).abs() < 1, 0.005, 1.0)
    (flat,) = properties.flat_set(x, wide, far)
    assert (flat.lo, flat.hi, flat.exact) == (pytest.approx(-0.99 + 2), pytest.approx(0.99 + 2), False)


def test_jumps_are_measured_where_the_function_is_discontinuous():
    assert properties.measure(catalog.get("threshold")).jumps == pytest.approx((1.0,), abs=1e-3)
    assert properties.measure(catalog.get("hardshrink")).jumps == pytest.approx((-0.5, 0.5), abs=1e-3)
    assert properties.measure(catalog.get("hardtanh")).jumps == ()


def test_softmin_view_decreases_and_its_largest_slope_is_negative():
    record = catalog.get("softmin")
    assert properties.grad_at(record, 0.0) == pytest.approx(-0.25)
    assert properties.measure(record).max_grad == pytest.approx(0.25)


def test_relu_is_zero_for_half_of_standard_normal_inputs():
    x = properties.measurement_grid()
    is_zero = (catalog.get("relu").scalar_view(x) == 0).to(torch.float64)
    assert properties.standard_normal_mean(x, is_zero) == pytest.approx(0.5, abs=1e-4)


@pytest.mark.parametrize(
    ("key", "mean"),
    [
        ("relu", 1 / math.sqrt(2 * math.pi)),  # E[max(0, Z)] = phi(0)
        ("gelu", 1 / (2 * math.sqrt(math.pi))),  # E[Z Phi(Z)] = E[phi(Z)]
        ("tanh", 0.0),
        ("sigmoid", 0.5),
        ("selu", 0.0),  # SELU's constants make the mean 0 for standard-normal input
    ],
)
def test_standard_normal_mean_has_its_closed_form(key, mean):
    assert properties.measure(catalog.get(key)).zero_centred_mean == pytest.approx(mean, abs=1e-6)


def test_derivative_matches_the_declared_formula():
    x = torch.linspace(-8, 8, 1601, dtype=torch.float64)
    s = torch.sigmoid(x)
    torch.testing.assert_close(properties.derivative(catalog.get("sigmoid"), x), s * (1 - s))
    torch.testing.assert_close(properties.derivative(catalog.get("softplus"), x), s)
    torch.testing.assert_close(properties.derivative(catalog.get("tanh"), x), 1 - torch.tanh(x) ** 2)


def test_approached_takes_only_infinite_ends_each_once():
    assert catalog.Approached((math.inf, -math.inf)).ends == (math.inf, -math.inf)
    for bad in ((), (0.0,), (math.inf, math.inf)):
        with pytest.raises(ValueError):
            catalog.Approached(bad)
