"""The catalog: its keys, its facts, and from-scratch implementations equal to PyTorch's."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from actdocs import catalog, references
from actdocs.catalog import ACTIVATIONS, Activation

# The activations the site covers, in the catalog's teaching order (a new record is added here too).
EXPECTED_KEYS = (
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "gelu_tanh",
    "silu", "mish", "hardswish", "relu6", "softplus", "glu", "swiglu", "geglu", "softmax",
    # the rest of torch.nn's activation modules (issue 12)
    "hardtanh", "softsign", "rrelu", "celu", "hardsigmoid", "logsigmoid", "tanhshrink", "softshrink",
    "hardshrink", "threshold", "softmin", "log_softmax",
)

# Records with no publication to cite for where they are used: they get no "Used in" line.
WITHOUT_USAGE = {"tanhshrink", "threshold", "softmin", "log_softmax"}

# Keys that are no torch.nn.functional name: a variant of one, or a unit PyTorch lacks.
NOT_FUNCTIONAL_NAMES = {"gelu_tanh", "swiglu", "geglu"}

# "Where used" facts of the source text.
USED_IN = {
    "gelu": ("BERT", "GPT", "ViT"),
    "silu": ("EfficientNet",),
    "mish": ("YOLOv4",),
    "hardswish": ("MobileNetV3",),
    "relu6": ("MobileNetV2",),
    "swiglu": ("LLaMA", "PaLM"),
}

# The element-wise function each non-element-wise record's scalar view equals.
SCALAR_VIEW_EQUALS = {"glu": torch.sigmoid, "swiglu": F.silu, "geglu": F.gelu, "softmax": torch.sigmoid,
                      "softmin": lambda x: torch.sigmoid(-x), "log_softmax": F.logsigmoid}

# Points where the derivative jumps. There the gradient PyTorch returns is a convention
# (ReLU'(0) = 0, ReLU6'(6) = 0, Hardswish'(3) = 1, ...) which a from-scratch version
# built of where/clamp may choose differently; gradients are compared everywhere else.
KINKS = {
    "relu": (0.0,), "leaky_relu": (0.0,), "prelu": (0.0,), "elu": (0.0,), "selu": (0.0,),
    "relu6": (0.0, 6.0), "hardswish": (-3.0, 3.0), "hardtanh": (-1.0, 1.0), "rrelu": (0.0,),
    "hardsigmoid": (-3.0, 3.0), "softshrink": (-0.5, 0.5), "hardshrink": (-0.5, 0.5), "threshold": (1.0,),
}

# torch.testing.assert_close's own defaults for each dtype.
TOLERANCE = {torch.float32: {"rtol": 1.3e-6, "atol": 1e-5}, torch.float64: {"rtol": 1e-7, "atol": 1e-7}}
DTYPES = pytest.mark.parametrize("dtype", list(TOLERANCE), ids=str)

EDGES = [math.inf, -math.inf, math.nan, 1e4, -1e4, -0.0, 0.0]

# Where PyTorch's value is off and the from-scratch one is the true limit: (key, dtype)
# -> {input: true value}. F.gelu(+inf) is NaN in float32 when the CPU kernel runs
# vectorised (8 or more elements), though inf for one element and in float64.
TORCH_QUIRKS = {("gelu", torch.float32): {math.inf: math.inf}}

ELEMENTWISE = [a for a in ACTIVATIONS if a.elementwise]
NOT_ELEMENTWISE = [a for a in ACTIVATIONS if not a.elementwise]


def by_key(records: list[Activation] | tuple[Activation, ...] = ACTIVATIONS):
    """Parametrize a test over records, each test id naming the activation."""
    return pytest.mark.parametrize("record", records, ids=lambda a: a.key)


def inputs(dtype: torch.dtype) -> torch.Tensor:
    """A grid over [-20, 20] followed by the edge inputs."""
    return torch.cat([torch.linspace(-20, 20, 4001, dtype=dtype), torch.tensor(EDGES, dtype=dtype)])


def random_pairs(dtype: torch.dtype) -> torch.Tensor:
    """A seeded 2-D input with an even last dimension, for gated units and softmax."""
    generator = torch.Generator().manual_seed(0)
    return (4 * torch.randn(64, 32, generator=generator)).to(dtype)


def without_torch_quirks(
    record: Activation, x: torch.Tensor, expected: torch.Tensor, actual: torch.Tensor
) -> torch.Tensor:
    """PyTorch's values with its known quirks replaced by the true value, once checked.

    At a quirk point the scratch value must be the true one and PyTorch's either NaN
    (the quirk) or the true one (the quirk fixed or not triggered on this CPU).
    """
    expected = expected.clone()
    for point, true in TORCH_QUIRKS.get((record.key, x.dtype), {}).items():
        at = x == point
        assert (actual[at] == true).all(), f"scratch {record.key}({point}) should be {true}"
        assert (expected[at].isnan() | (expected[at] == true)).all()
        expected[at] = true
    return expected


def away_from_kinks(record: Activation, x: torch.Tensor) -> torch.Tensor:
    """Mask of the finite points of x not at one of the record's kinks."""
    mask = torch.isfinite(x)
    for kink in KINKS.get(record.key, ()):
        mask &= (x - kink).abs() > 1e-4
    return mask


def value_and_vjp(fn, x: torch.Tensor, cotangent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """fn(x) and the vector-Jacobian product cotangent^T d fn / dx, by autograd.

    A random cotangent (rather than a sum) keeps softmax's gradient from vanishing.
    """
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (grad,) = torch.autograd.grad(y, x, cotangent)
    return y.detach(), grad


def cotangent_like(y: torch.Tensor) -> torch.Tensor:
    """A seeded random cotangent with y's shape and dtype."""
    generator = torch.Generator().manual_seed(1)
    return torch.randn(y.shape, generator=generator).to(y.dtype)


# --------------------------------------------------------------------------------------
# Keys and lookup
# --------------------------------------------------------------------------------------


def test_every_design_key_once_in_a_stable_order():
    assert catalog.keys() == EXPECTED_KEYS
    assert tuple(a.key for a in ACTIVATIONS) == EXPECTED_KEYS
    assert len(set(catalog.keys())) == len(catalog.keys())


@by_key()
def test_key_is_the_torch_functional_name(record):
    assert record.key in NOT_FUNCTIONAL_NAMES or callable(getattr(F, record.key, None))


@by_key()
def test_get_returns_the_record(record):
    assert catalog.get(record.key) is record


def test_unknown_key_names_every_known_key():
    with pytest.raises(catalog.UnknownActivationError) as info:
        catalog.get("nope")
    message = str(info.value)
    assert "'nope'" in message
    assert all(key in message for key in EXPECTED_KEYS)
    assert isinstance(info.value, KeyError)


# --------------------------------------------------------------------------------------
# Text fields and "where used"
# --------------------------------------------------------------------------------------


@by_key()
def test_text_fields_are_filled(record):
    for field in ("name", "summary", "torch_name", "best_for", "watch_out"):
        assert getattr(record, field).strip(), field
    assert record.maths.formula and record.maths.derivative  # checked against PyTorch by test_formulas
    assert bool(record.used_in) == (record.key not in WITHOUT_USAGE), "usage entries, or none where none is cited"
    for usage in record.used_in:
        assert usage.name.strip()
        assert usage.ref in references.keys(), usage  # the year comes from the reference
    assert record.elementwise or record.scalar_view_note.strip()


@pytest.mark.parametrize(("key", "names"), USED_IN.items(), ids=list(USED_IN))
def test_where_used_facts_of_the_source(key, names):
    text = catalog.get(key).used_in_text
    for name in names:
        assert name in text, f"{key}: {name} missing from {text!r}"


# --------------------------------------------------------------------------------------
# From-scratch implementations equal PyTorch's, in values and gradients
# --------------------------------------------------------------------------------------


@DTYPES
@by_key(ELEMENTWISE)
def test_scratch_values_equal_torch(record, dtype):
    x = inputs(dtype)
    actual = record.scratch(x, **record.defaults)
    expected = without_torch_quirks(record, x, record.functional(x, **record.defaults), actual)
    assert actual.dtype == dtype
    torch.testing.assert_close(actual, expected, equal_nan=True, **TOLERANCE[dtype])


@DTYPES
@by_key(ELEMENTWISE)
def test_scratch_gradients_equal_torch(record, dtype):
    x = inputs(dtype)
    x = x[away_from_kinks(record, x)]
    cotangent = cotangent_like(x)
    _, expected = value_and_vjp(lambda t: record.functional(t, **record.defaults), x, cotangent)
    _, actual = value_and_vjp(lambda t: record.scratch(t, **record.defaults), x, cotangent)
    torch.testing.assert_close(actual, expected, **TOLERANCE[dtype])


@DTYPES
@by_key(NOT_ELEMENTWISE)
def test_scratch_equals_torch_on_random_pairs(record, dtype):
    x = random_pairs(dtype)
    cotangent = cotangent_like(record.functional(x, **record.defaults))
    expected = value_and_vjp(lambda t: record.functional(t, **record.defaults), x, cotangent)
    actual = value_and_vjp(lambda t: record.scratch(t, **record.defaults), x, cotangent)
    torch.testing.assert_close(actual, expected, **TOLERANCE[dtype])


@DTYPES
@by_key(NOT_ELEMENTWISE)
def test_scratch_scalar_view_equals_torch(record, dtype):
    x = inputs(dtype)
    expected = record.scalar_view(x, "torch")
    torch.testing.assert_close(record.scalar_view(x, "scratch"), expected, equal_nan=True, **TOLERANCE[dtype])
    finite = x[torch.isfinite(x)]
    cotangent = cotangent_like(finite)
    expected = value_and_vjp(lambda t: record.scalar_view(t, "torch"), finite, cotangent)
    actual = value_and_vjp(lambda t: record.scalar_view(t, "scratch"), finite, cotangent)
    torch.testing.assert_close(actual, expected, **TOLERANCE[dtype])


@by_key(NOT_ELEMENTWISE)
def test_scalar_view_is_the_documented_function(record):
    x = torch.linspace(-20, 20, 4001, dtype=torch.float64)
    torch.testing.assert_close(record.scalar_view(x), SCALAR_VIEW_EQUALS[record.key](x))


@by_key([a for a in NOT_ELEMENTWISE if a.family == "gated"])
def test_gated_units_reject_an_odd_size(record):
    with pytest.raises(ValueError, match="even size"):
        record.scratch(torch.ones(3, 5))


# --------------------------------------------------------------------------------------
# Module forms and the record's own call
# --------------------------------------------------------------------------------------


@by_key()
def test_module_equals_functional(record):
    # Three dimensions for the others: F.softmax without dim would pick dim 0 there.
    x = inputs(torch.float32) if record.elementwise else random_pairs(torch.float32).view(4, 16, 32)
    with torch.no_grad():
        actual = record.module()(x)
    expected = record.functional(x, **record.defaults)
    torch.testing.assert_close(actual, expected, equal_nan=True, rtol=0, atol=0)
    torch.testing.assert_close(record(x), expected, equal_nan=True, rtol=0, atol=0)


@pytest.mark.parametrize("record", [r for r in catalog.ACTIVATIONS if r.slider is not None], ids=lambda r: r.key)
def test_slider_sets_a_default_parameter_and_stops_at_its_default(record: catalog.Activation) -> None:
    slider = record.slider
    assert slider.keyword in record.defaults, f"{record.key}: the slider sets no parameter of defaults"
    assert record.defaults[slider.keyword] in slider.values
    assert list(slider.values) == sorted(set(slider.values)), "stops increase, each once"


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_x_range_contains_the_origin(record: catalog.Activation) -> None:
    lo, hi = record.x_range
    assert lo < 0 < hi


def test_a_card_claiming_self_normalisation_states_its_conditions():
    """Review S2, M2: SELU's mean-0, variance-1 property holds only for deep fully connected
    networks with LeCun-normal weights (Klambauer et al., 2017); a card saying it names them."""
    for record in ACTIVATIONS:
        text = " ".join((record.summary, record.best_for, record.watch_out))
        if "variance 1" in text or "self-normalis" in text.lower():
            assert "LeCun-normal" in record.summary and "fully connected" in record.summary, record.key
            assert any(u.ref == "klambauer2017" for u in record.used_in), record.key
