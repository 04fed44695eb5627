"""The catalog: one record per activation function, the single source of truth.

Every table, figure, property test and benchmark of the site reads these records.
Nothing about an activation is typed anywhere else.

Each record holds the PyTorch module and functional, a from-scratch implementation
built only of basic tensor operations (``exp``, ``erf``, ``tanh``, ``log1p``,
``where``, ``clamp``, arithmetic), the formula and derivative as SymPy (:class:`Maths`),
default parameters, where the function is used, and its *declared* properties. The
formulas are written once, as SymPy text: :mod:`actdocs.measure.formulas` renders the LaTeX the
cards show from them, and ``tests/measure/test_formulas.py`` evaluates every side of every "="
against PyTorch and autograd. The declared properties are checked against values
measured from the function itself by :mod:`actdocs.measure.properties` (see
``tests/measure/test_properties.py``).

Gated activations (GLU, SwiGLU, GeGLU) and softmax are not element-wise. For figures
and properties they are read through a one-dimensional *scalar view*, documented in
:attr:`Activation.scalar_view`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Literal

import torch
import torch.nn as nn
import torch.nn.functional as F

from actdocs import references

Tensor = torch.Tensor

# SELU's constants, from Klambauer et al. (2017); torch uses the same values.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

Family = Literal["classic", "relu", "modern", "gated", "output", "shrinkage"]
#: The curated tables a record can be listed in: the ReLU variants (relu.md) and where the
#: modern activations are used (modern.md).
Table = Literal["variants", "usage"]
Bounded = Literal["both", "below", "above", "none"]


@dataclass(frozen=True)
class Usage:
    """Where an activation is used, introduced or recommended, and the publication that says so.

    ``ref`` is a key of :mod:`actdocs.references`; the year comes from that record and
    is never typed here.
    """

    name: str
    ref: str

    @property
    def reference(self) -> references.Reference:
        """The cited record (UnknownReferenceError for a key the table lacks)."""
        return references.get(self.ref)

    @property
    def year(self) -> int:
        """The cited publication's year."""
        return self.reference.year

    def text(self, page: str = "") -> str:
        """"AlexNet: [Krizhevsky et al. (2012)](references.md#krizhevsky2012)"."""
        return f"{self.name}: {references.cite([self.ref], page)}"


@dataclass(frozen=True)
class Approached:
    """A largest |f'| that is never attained, only approached as x tends to each of ``ends``
    (``-math.inf`` and/or ``math.inf``): Tanhshrink's tanh(x)² tends to 1 on both sides.
    A single side may also be declared as the bare ``math.inf`` or ``-math.inf``."""

    ends: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.ends or any(not math.isinf(e) for e in self.ends) or len(set(self.ends)) != len(self.ends):
            raise ValueError(f"Approached takes -inf and/or inf, each once; got {self.ends}")


@dataclass(frozen=True)
class Flat:
    """An interval of x on which the derivative is (near) zero: |f'| < SATURATION_THRESHOLD.

    ``lo`` and ``hi`` are its ends (``-math.inf`` or ``math.inf`` for an unbounded
    side); ``exact`` says that f' is exactly 0 there (ReLU for x < 0), not only small
    (sigmoid for |x| > 4.6). At a kink PyTorch's derivative is a convention, so the
    declaration says nothing about whether an end itself belongs to the set.
    """

    lo: float
    hi: float
    exact: bool = False


@dataclass(frozen=True)
class Properties:
    """Declared properties of an activation (of its scalar view), checked by tests.

    ``output_range`` gives the infimum and supremum of the output over the real line,
    with ``range_closed`` saying whether each end is attained. ``max_grad`` is the
    largest size |f'| of the derivative (a decreasing function such as softmin's view
    has a negative one). ``max_grad_at`` is a point, ``math.inf`` (``-math.inf``) when
    that supremum is only approached as x grows (falls), :class:`Approached` when it is
    approached on both sides, an interval ``(lo, hi)`` on
    which |f'| equals its maximum, or a tuple of such intervals when the set has a
    gap (Softshrink: |x| > 0.5).
    ``saturation`` is the set on which the derivative is (near) zero, as the
    :class:`Flat` intervals that make it up, in increasing x: empty when the function
    never saturates. A stretch narrower than :data:`MIN_FLAT_WIDTH` where the
    derivative only passes through zero (at GELU's minimum, say) is a stationary
    point, not saturation, and is left out. ``jumps`` are the points where the
    function itself is discontinuous (Threshold, Hardshrink), in increasing x. ``gaps``
    are the holes such a jump leaves in the output range, each ``(a, b, a_attained,
    b_attained)``: no output lies strictly between a and b, and each flag says whether
    that end is an output (Threshold with t = 1, v = 0: ``(0, 1, True, False)``).
    """

    output_range: tuple[float, float]
    range_closed: tuple[bool, bool]
    zero_centred: bool
    monotonic: bool
    smooth: bool
    bounded: Bounded
    max_grad: float
    max_grad_at: float | Approached | tuple[float, float] | tuple[tuple[float, float], ...]
    saturation: tuple[Flat, ...]
    cost: Literal["cheap", "moderate", "expensive"] = "moderate"
    jumps: tuple[float, ...] = ()
    gaps: tuple[tuple[float, float, bool, bool], ...] = ()


#: Plotted x-range of a record that declares none (figures, explorer).
DEFAULT_X_RANGE: tuple[float, float] = (-6.0, 6.0)


@dataclass(frozen=True)
class Slider:
    """The explorer's slider for one parameter: its keyword, label and stops.

    The record's default for ``keyword`` must be one of ``values``.
    """

    keyword: str
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Constant:
    """A constant a formula names, its value written beside the formula: ``alpha = 1``.

    ``symbol`` is its name in the formulas (:data:`actdocs.measure.formulas.CONSTANTS`). Its value is
    the record's default for the keyword ``default`` or, for a constant no keyword sets, ``value``.
    The card writes "=" and the value when four decimals write it exactly, "≈" and four
    decimals otherwise, a fraction when ``fraction`` (``l = 1/8``), or ``template`` with
    ``{symbol}`` and ``{value}`` filled in.
    """

    symbol: str
    default: str = ""
    value: float = math.nan
    fraction: bool = False
    template: str = ""


@dataclass(frozen=True)
class Definition:
    """A symbol the formulas use for an expression: ``u = sqrt(2/pi)*(x + 0.044715*x**3)``.

    ``symbol`` and ``expression`` are SymPy text like the formulas; an indexed symbol
    (``s[j]``) is defined for every index. ``shown`` is where the card writes it: beside the
    formula, beside the derivative, or in the symbols line; ``note`` is TeX written after it.
    """

    symbol: str
    expression: str
    shown: Literal["formula", "derivative", "symbols"]
    note: str = ""


@dataclass(frozen=True)
class Maths:
    """An activation's formula and derivative, as SymPy text (:mod:`actdocs.measure.formulas` reads it).

    ``name`` is the function's name as formulas call it ("ReLU", "sigma", "log_softmax").
    ``formula`` holds the right-hand sides of its definition and ``derivative`` those of its
    derivative, each equal to the function (to its derivative), in the order the card shows
    them; a gated unit's ``derivative`` is its partial derivatives by the content half ``a``
    and by the gate half ``b``. A formula is written in ``x``, a gated unit's in ``a`` and
    ``b``, a vector function's entry ``i`` in ``z[i]``. With ``approximates`` the card reads
    "name ≈" (GELU's tanh form approximates GELU). ``notes`` are TeX written beside the
    formula, before its definitions and constants.
    """

    name: str
    formula: tuple[str, ...]
    derivative: tuple[str, ...]
    constants: tuple[Constant, ...] = ()
    where: tuple[Definition, ...] = ()
    notes: tuple[str, ...] = ()
    approximates: bool = False


#: Derivative below which a function counts as saturated.
SATURATION_THRESHOLD = 0.01

#: Narrowest bounded interval of small derivative that counts as saturation.
MIN_FLAT_WIDTH = 0.5

#: Mean output for standard-normal input below which a function counts as zero-centred.
ZERO_CENTRED_TOLERANCE = 0.05


@dataclass(frozen=True)
class Activation:
    """One activation function.

    ``functional`` and ``module`` are PyTorch's own (or, for SwiGLU and GeGLU, which
    PyTorch lacks, the usual composition of PyTorch functionals); ``scratch`` is the
    from-scratch implementation. Both take the tensor as the only positional argument
    and the record's ``defaults`` as keyword arguments.
    """

    key: str
    name: str
    family: Family
    maths: Maths
    functional: Callable[..., Tensor]
    module: Callable[..., nn.Module]
    scratch: Callable[..., Tensor]
    torch_name: str
    properties: Properties
    summary: str
    defaults: dict[str, float] = field(default_factory=dict)
    used_in: tuple[Usage, ...] = ()
    best_for: str = ""
    watch_out: str = ""
    elementwise: bool = True
    scalar_view_note: str = ""
    kernels: dict[str, str] = field(default_factory=dict)  # the benchmark's out= calls: actdocs.bench.kernels
    x_range: tuple[float, float] = DEFAULT_X_RANGE  # the figure's and the explorer's window
    slider: Slider | None = None  # the explorer's slider for a parameter in ``defaults``
    tables: tuple[Table, ...] = ()  # the curated tables that list it, in catalog order
    summary_rank: int | None = None  # its place among the most used, first in the summary table

    def __call__(self, x: Tensor, **params: float) -> Tensor:
        """Apply PyTorch's implementation with the default parameters."""
        return self.functional(x, **{**self.defaults, **params})

    def scalar_view(self, x: Tensor, impl: Literal["torch", "scratch"] = "torch") -> Tensor:
        """The activation read as a function of one real variable.

        Element-wise activations are themselves. A gated unit is applied to the pair
        (content 1, gate x), so the view is its gate non-linearity. Softmax is
        applied to the logits (x, 0) and the view is its first output.
        """
        fn = self.functional if impl == "torch" else self.scratch
        if self.elementwise:
            return fn(x, **self.defaults)
        if self.family == "gated":
            return fn(torch.stack([torch.ones_like(x), x], dim=-1), dim=-1).squeeze(-1)
        return fn(torch.stack([x, torch.zeros_like(x)], dim=-1), dim=-1)[..., 0]

    @property
    def used_in_text(self) -> str:
        """Where it is used, each with its citation, joined by "; " (for top-level pages)."""
        return "; ".join(u.text() for u in self.used_in)


# --------------------------------------------------------------------------------------
# From-scratch implementations: basic tensor operations only, no torch activation calls.
# Each one is written to be numerically safe at +-inf and large |x|.
# --------------------------------------------------------------------------------------


def _minus_abs(x: Tensor) -> tuple[Tensor, Tensor]:
    """x's sign bit and -|x|, the latter chosen by branch on that sign bit.

    ``abs`` (and ``sign``) have gradient 0 at x = 0, which would zero the derivative
    of every function built on them there. The branch gives -|x| the gradient of the
    side x lies on; callers branch on the same sign bit, so -0.0 keeps its sign too.
    """
    negative = torch.signbit(x)
    return negative, torch.where(negative, x, -x)


def scratch_sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e^-x), evaluated from e^-|x| so that it never overflows."""
    negative, minus_abs = _minus_abs(x)
    z = torch.exp(minus_abs)
    return torch.where(negative, z / (1 + z), 1 / (1 + z))


def scratch_tanh(x: Tensor) -> Tensor:
    """(e^x - e^-x) / (e^x + e^-x) written as (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign."""
    negative, minus_abs = _minus_abs(x)
    z = torch.exp(2 * minus_abs)
    t = (1 - z) / (1 + z)
    return torch.where(negative, -t, t)


def scratch_relu(x: Tensor) -> Tensor:
    """max(0, x) as a comparison and a select; NaN fails the test and passes through."""
    return torch.where(x <= 0, torch.zeros_like(x), x)


def scratch_leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return torch.where(x > 0, x, negative_slope * x)


def scratch_prelu(x: Tensor, weight: float = 0.25) -> Tensor:
    """Leaky ReLU whose slope is a learned parameter; here its initial value 0.25."""
    return torch.where(x > 0, x, weight * x)


def scratch_elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (e^x - 1) otherwise."""
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0)))


def scratch_selu(x: Tensor) -> Tensor:
    """scale * ELU(x) with SELU's fixed alpha and scale."""
    return SELU_SCALE * scratch_elu(x, alpha=SELU_ALPHA)


def scratch_gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), with Phi from erf; or the tanh approximation when asked."""
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + scratch_tanh(inner))
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def scratch_softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^x) as max(x, 0) + log1p(e^-|x|); linear above the threshold like torch."""
    bx = beta * x
    negative, minus_abs = _minus_abs(bx)
    tail = torch.log1p(torch.exp(minus_abs))
    soft = torch.where(negative, tail, bx + tail) / beta
    return torch.where(bx > threshold, x, soft)


def scratch_silu(x: Tensor) -> Tensor:
    """x * sigmoid(x)."""
    return x * scratch_sigmoid(x)


def scratch_mish(x: Tensor) -> Tensor:
    """x * tanh(softplus(x))."""
    return x * scratch_tanh(scratch_softplus(x))


def scratch_relu6(x: Tensor) -> Tensor:
    """min(max(0, x), 6)."""
    return torch.clamp(x, 0.0, 6.0)


def scratch_hardswish(x: Tensor) -> Tensor:
    """x * ReLU6(x + 3) / 6."""
    return x * scratch_relu6(x + 3) / 6


def _halves(x: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """Split x into its content half and its gate half along dim."""
    if x.shape[dim] % 2:
        raise ValueError(f"a gated unit needs an even size along dim {dim}, got {x.shape[dim]}")
    content, gate = x.chunk(2, dim=dim)
    return content, gate


def scratch_glu(x: Tensor, dim: int = -1) -> Tensor:
    """content * sigmoid(gate), the halves split along dim (PyTorch's convention)."""
    content, gate = _halves(x, dim)
    return content * scratch_sigmoid(gate)


def scratch_swiglu(x: Tensor, dim: int = -1) -> Tensor:
    """content * SiLU(gate)."""
    content, gate = _halves(x, dim)
    return content * scratch_silu(gate)


def scratch_geglu(x: Tensor, dim: int = -1) -> Tensor:
    """content * GELU(gate)."""
    content, gate = _halves(x, dim)
    return content * scratch_gelu(gate)


def scratch_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """e^(x_i - max x) / sum_j e^(x_j - max x): shifted so that it never overflows."""
    shifted = x - x.amax(dim=dim, keepdim=True)
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


# --------------------------------------------------------------------------------------
# PyTorch references for the gated units PyTorch has no class for.
# --------------------------------------------------------------------------------------


def torch_swiglu(x: Tensor, dim: int = -1) -> Tensor:
    """SwiGLU from PyTorch functionals: content * F.silu(gate)."""
    content, gate = _halves(x, dim)
    return content * F.silu(gate)


def torch_geglu(x: Tensor, dim: int = -1) -> Tensor:
    """GeGLU from PyTorch functionals: content * F.gelu(gate)."""
    content, gate = _halves(x, dim)
    return content * F.gelu(gate)


class SwiGLU(nn.Module):
    """Module form of :func:`torch_swiglu` (PyTorch ships no SwiGLU class)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return torch_swiglu(x, self.dim)


class GeGLU(nn.Module):
    """Module form of :func:`torch_geglu` (PyTorch ships no GeGLU class)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return torch_geglu(x, self.dim)


def _prelu(x: Tensor, weight: float = 0.25) -> Tensor:
    """F.prelu with a scalar slope (F.prelu itself wants a weight tensor)."""
    return F.prelu(x, torch.tensor([weight], dtype=x.dtype, device=x.device))


def _gelu_tanh(x: Tensor) -> Tensor:
    """F.gelu with the tanh approximation."""
    return F.gelu(x, approximate="tanh")


def _scratch_gelu_tanh(x: Tensor) -> Tensor:
    """From-scratch GELU, tanh approximation."""
    return scratch_gelu(x, approximate="tanh")


_GATED_NOTE = (
    "A gated unit splits its input into a content half and a gate half. Figures and "
    "properties show it with content 1, so the curve is its gate non-linearity: a range "
    "or bound shown for it is the gate's, while the unit's output, content times gate, is "
    "unbounded because the content is."
)

# --------------------------------------------------------------------------------------
# The records, in the order the site teaches them.
# --------------------------------------------------------------------------------------

ACTIVATIONS: tuple[Activation, ...] = (
    Activation(
        key="sigmoid",
        name="Sigmoid",
        family="classic",
        summary_rank=4,
        maths=Maths("sigma", formula=("1/(1 + exp(-x))",), derivative=("sigma(x)*(1 - sigma(x))",)),
        functional=torch.sigmoid,
        module=nn.Sigmoid,
        scratch=scratch_sigmoid,
        torch_name="torch.sigmoid",
        kernels={"forward": "sigmoid(x)", "backward": "sigmoid_backward(g, y)"},
        summary="Squashes any input into (0, 1); the logistic function.",
        used_in=(
            Usage("Logistic regression", "cox1958"),
            Usage("LSTM gates", "hochreiter1997"),
            Usage("GRU gates", "cho2014"),
        ),
        best_for="The probability of a binary classifier (applied inside the loss); the gates of LSTM and GRU cells [@hochreiter1997; @cho2014]",
        watch_out="Its derivative is small everywhere and tiny where it saturates: deep stacks starve their first layers of gradient",
        properties=Properties(
            output_range=(0.0, 1.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="both", max_grad=0.25, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -4.5849), Flat(4.5849, math.inf)), cost="expensive",
        ),
    ),
    Activation(
        key="tanh",
        name="Tanh",
        family="classic",
        summary_rank=5,
        maths=Maths(
            "tanh",
            formula=("(exp(x) - exp(-x))/(exp(x) + exp(-x))", "2*sigma(2*x) - 1"),
            derivative=("1 - tanh(x)**2",),
        ),
        functional=torch.tanh,
        module=nn.Tanh,
        scratch=scratch_tanh,
        torch_name="torch.tanh",
        kernels={"forward": "tanh(x)", "backward": "tanh_backward(g, y)"},
        summary="A rescaled sigmoid with outputs in (-1, 1), centred on zero.",
        used_in=(Usage("GRU candidate state", "cho2014"), Usage("LSTM cell input and output", "graves2013")),
        best_for="Candidate values, and the output (tanh of the cell state), of LSTM cells as used today; GRU candidate states [@greff2017; @cho2014]; hidden values that must stay bounded",
        watch_out="Saturates on both sides: a unit driven far from zero passes back almost no gradient",
        properties=Properties(
            output_range=(-1.0, 1.0), range_closed=(False, False), zero_centred=True,
            monotonic=True, smooth=True, bounded="both", max_grad=1.0, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -2.9933), Flat(2.9933, math.inf)), cost="expensive",
        ),
    ),
    Activation(
        key="relu",
        name="ReLU",
        family="relu",
        summary_rank=1,
        maths=Maths(
            "ReLU",
            formula=("Max(0, x)", "Piecewise((x, x > 0), (0, x <= 0))"),
            derivative=("Piecewise((1, x > 0), (0, x <= 0))",),
        ),
        functional=F.relu,
        module=nn.ReLU,
        scratch=scratch_relu,
        torch_name="F.relu",
        kernels={"forward": "clamp_min(x, 0)", "backward": "threshold_backward(g, y, 0)"},
        summary="Passes positive inputs unchanged and zeroes the rest.",
        used_in=(
            Usage("Restricted Boltzmann machines", "nair2010"),
            Usage("Deep sparse rectifier neural networks", "glorot2011"),
            Usage("AlexNet", "krizhevsky2012"),
            Usage("VGG", "simonyan2015"),
            Usage("ResNet", "he2016"),
        ),
        best_for="The default for hidden layers of MLPs and convolutional networks",
        watch_out="A unit that is negative for every input gets no gradient and stops learning (dying ReLU)",
        properties=Properties(
            output_range=(0.0, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=True, smooth=False, bounded="below", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(Flat(-math.inf, 0.0, exact=True),), cost="cheap",
        ),
    ),
    Activation(
        key="leaky_relu",
        name="Leaky ReLU",
        family="relu",
        tables=("variants",), summary_rank=2,
        maths=Maths(
            "LeakyReLU",
            formula=("Max(0.01*x, x)",),
            derivative=("Piecewise((1, x > 0), (0.01, x <= 0))",),
        ),
        functional=F.leaky_relu,
        module=nn.LeakyReLU,
        scratch=scratch_leaky_relu,
        torch_name="F.leaky_relu",
        kernels={"forward": "leaky_relu(x, negative_slope)", "backward": "leaky_relu_backward(g, x, negative_slope, False)"},
        summary="ReLU with a small slope for negative inputs, so no unit is ever fully off.",
        defaults={"negative_slope": 0.01},
        slider=Slider("negative_slope", "Negative slope", (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)),
        used_in=(
            Usage("Speech recognition acoustic models", "maas2013"),
            Usage("DCGAN discriminator", "radford2016"),
        ),
        best_for="Networks that lose many ReLU units; GAN discriminators in the DCGAN recipe [@radford2016]",
        watch_out="One more hyperparameter (the slope); no exact zeros, so no sparse outputs",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=False, bounded="none", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(), cost="cheap",
        ),
    ),
    Activation(
        key="prelu",
        name="PReLU",
        family="relu",
        tables=("variants",),
        maths=Maths(
            "PReLU",
            formula=("Max(0, x) + alpha*Min(0, x)",),
            derivative=("Piecewise((1, x > 0), (alpha, x <= 0))",),
            constants=(Constant("alpha", default="weight", template=r"{symbol} \text{{ learned (initially }} {value})"),),
        ),
        functional=_prelu,
        module=nn.PReLU,
        scratch=scratch_prelu,
        torch_name="F.prelu",
        kernels={"forward": "leaky_relu(x, weight)", "backward": "leaky_relu_backward(g, x, weight, False)", "substitute": "PReLU has no out= kernel: this is Leaky ReLU's at PReLU's initial slope"},
        summary="Leaky ReLU whose negative slope is a parameter learned with the weights.",
        defaults={"weight": 0.25},
        slider=Slider("weight", "Slope a (learned; starts at 0.25)", (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0)),
        used_in=(Usage("Introduced, with ImageNet classifiers", "he2015"),),
        best_for="Convolutional networks that can afford one extra parameter per channel",
        watch_out="Nothing keeps a learned slope between 0 and 1: it can grow past 1 or turn negative",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=False, bounded="none", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(), cost="cheap",
        ),
    ),
    Activation(
        key="elu",
        name="ELU",
        family="relu",
        tables=("variants",),
        maths=Maths(
            "ELU",
            formula=("Piecewise((x, x > 0), (alpha*(exp(x) - 1), x <= 0))",),
            derivative=("Piecewise((1, x > 0), (alpha*exp(x), x <= 0))",),
            constants=(Constant("alpha", default="alpha"),),
        ),
        functional=F.elu,
        module=nn.ELU,
        scratch=scratch_elu,
        torch_name="F.elu",
        kernels={"forward": "elu(x, alpha, 1, 1)", "backward": "elu_backward(g, alpha, 1, 1, False, x)"},
        summary="Smooth for negative inputs, which pull the mean output towards zero.",
        defaults={"alpha": 1.0},
        slider=Slider("alpha", "\u03b1", (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)),
        used_in=(Usage("Introduced", "clevert2016"),),
        best_for="Deep networks that benefit from mean outputs closer to zero",
        watch_out="Needs an exponential for every negative input",
        properties=Properties(
            output_range=(-1.0, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="below", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(Flat(-math.inf, -4.6052),), cost="expensive",
        ),
    ),
    Activation(
        key="selu",
        name="SELU",
        family="relu",
        tables=("variants",),
        maths=Maths(
            "SELU",
            formula=("lam*Piecewise((x, x > 0), (alpha*(exp(x) - 1), x <= 0))",),
            derivative=("lam*Piecewise((1, x > 0), (alpha*exp(x), x <= 0))",),
            constants=(Constant("lam", value=SELU_SCALE), Constant("alpha", value=SELU_ALPHA)),
        ),
        functional=F.selu,
        module=nn.SELU,
        scratch=scratch_selu,
        torch_name="F.selu",
        kernels={"forward": "elu(x, SELU_ALPHA, SELU_SCALE, 1)", "backward": "elu_backward(g, SELU_ALPHA, SELU_SCALE, 1, False, x)"},
        summary="Scaled ELU whose constants make mean 0 and variance 1 an attracting fixed point of the activations, in deep fully connected networks with LeCun-normal weights and normalised inputs.",
        used_in=(Usage("Introduced, with its two constants", "klambauer2017"),),
        best_for="Deep fully connected networks, initialised LeCun-normal [@klambauer2017]",
        watch_out="Self-normalises only with standardised inputs, LeCun-normal weights and alpha dropout in place of ordinary dropout [@klambauer2017]",
        properties=Properties(
            output_range=(-SELU_SCALE * SELU_ALPHA, math.inf), range_closed=(False, False),
            zero_centred=True, monotonic=True, smooth=False, bounded="below",
            max_grad=SELU_SCALE * SELU_ALPHA, max_grad_at=0.0, saturation=(Flat(-math.inf, -5.1695),), cost="expensive",
        ),
    ),
    Activation(
        key="gelu",
        name="GELU",
        family="modern",
        tables=("usage",), summary_rank=3,
        maths=Maths(
            "GELU",
            formula=("x*Phi(x)", "x/2*(1 + erf(x/sqrt(2)))"),
            derivative=("Phi(x) + x*phi(x)",),
        ),
        functional=F.gelu,
        module=nn.GELU,
        scratch=scratch_gelu,
        torch_name="F.gelu",
        kernels={"forward": 'gelu(x, approximate="none")', "backward": 'gelu_backward(g, x, approximate="none")'},
        summary="Weights x by the probability that a standard normal variable is below x.",
        used_in=(
            Usage("Introduced", "hendrycks2016"),
            Usage("GPT", "radford2018"),
            Usage("BERT", "devlin2019"),
            Usage("ViT", "dosovitskiy2021"),
            Usage("ConvNeXt", "liu2022"),
        ),
        best_for="Feed-forward blocks of GPT-, BERT- and ViT-style transformers [@radford2018; @devlin2019; @dosovitskiy2021]; large language models such as PaLM and LLaMA use SwiGLU instead [@chowdhery2023; @touvron2023]",
        watch_out="An error function per element: costlier than ReLU",
        properties=Properties(
            output_range=(-0.169971, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.128904,
            max_grad_at=math.sqrt(2), saturation=(Flat(-math.inf, -3.0675),), cost="expensive",
        ),
    ),
    Activation(
        key="gelu_tanh",
        name="GELU (tanh approximation)",
        family="modern",
        maths=Maths(
            "GELU",
            approximates=True,
            formula=("x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))",),
            derivative=("(1 + tanh(u))/2 + x/2*(1 - tanh(u)**2)*sqrt(2/pi)*(1 + 0.134145*x**2)",),
            where=(Definition("u", "sqrt(2/pi)*(x + 0.044715*x**3)", shown="derivative"),),
        ),
        functional=_gelu_tanh,
        module=lambda: nn.GELU(approximate="tanh"),
        scratch=_scratch_gelu_tanh,
        torch_name='F.gelu(x, approximate="tanh")',
        kernels={"forward": 'gelu(x, approximate="tanh")', "backward": 'gelu_backward(g, x, approximate="tanh")'},
        summary="GELU with the normal CDF replaced by a tanh of a cubic, given in the GELU paper [@hendrycks2016]; not a speed-up in every setting.",
        used_in=(Usage("Proposed with GELU", "hendrycks2016"), Usage("GPT-2, in its released code", "openai2019")),
        best_for="Running a model that was trained with the approximation, such as GPT-2 [@openai2019]",
        watch_out="Off from exact GELU by a small error; whether it is faster depends on the kernel and the hardware",
        properties=Properties(
            output_range=(-0.170041, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.128993,
            max_grad_at=1.4185, saturation=(Flat(-math.inf, -3.0529),), cost="expensive",
        ),
    ),
    Activation(
        key="silu",
        name="SiLU (Swish)",
        family="modern",
        tables=("usage",), summary_rank=6,
        maths=Maths(
            "SiLU",
            formula=("x*sigma(x)", "x/(1 + exp(-x))"),
            derivative=("sigma(x)*(1 + x*(1 - sigma(x)))",),
        ),
        functional=F.silu,
        module=nn.SiLU,
        scratch=scratch_silu,
        torch_name="F.silu",
        kernels={"forward": "silu(x)", "backward": "silu_backward(g, x)"},
        summary="Self-gated: the sigmoid of x decides how much of x passes.",
        used_in=(
            Usage("Named SiLU, in the GELU paper", "hendrycks2016"),
            Usage("SiLU, in reinforcement learning", "elfwing2018"),
            Usage("Swish, rediscovered by automated search", "ramachandran2018"),
            Usage("EfficientNet", "tan2019"),
        ),
        best_for="Convolutional vision models such as EfficientNet [@tan2019]; the gate of SwiGLU [@shazeer2020]",
        watch_out="A sigmoid per element: costlier than ReLU",
        properties=Properties(
            output_range=(-0.278465, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.099839,
            max_grad_at=2.39936, saturation=(Flat(-math.inf, -6.2614),), cost="expensive",
        ),
    ),
    Activation(
        key="mish",
        name="Mish",
        family="modern",
        tables=("usage",),
        maths=Maths(
            "Mish",
            formula=("x*tanh(softplus(x))", "x*tanh(ln(1 + exp(x)))"),
            derivative=("tanh(softplus(x)) + x*sigma(x)*(1 - tanh(softplus(x))**2)",),
        ),
        functional=F.mish,
        module=nn.Mish,
        scratch=scratch_mish,
        torch_name="F.mish",
        kernels={"forward": "mish(x)", "backward": "mish_backward(g, x)"},
        summary="Smooth and non-monotonic, described by its author as self-regularising [@misra2020]; x times tanh of softplus.",
        used_in=(
            Usage("Introduced", "misra2020"),
            Usage("YOLOv4 (CSPDarknet53 backbone)", "bochkovskiy2020"),
        ),
        best_for="The backbone of the YOLOv4 detector [@bochkovskiy2020]; check what the version of a detector family you follow uses",
        watch_out="A softplus and a tanh per element: among the costliest here",
        properties=Properties(
            output_range=(-0.308843, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.088498,
            max_grad_at=1.49057, saturation=(Flat(-math.inf, -6.264),), cost="expensive",
        ),
    ),
    Activation(
        key="hardswish",
        name="Hardswish",
        family="modern",
        tables=("usage",), summary_rank=7,
        maths=Maths(
            "Hardswish",
            formula=("x*(ReLU6(x + 3)/6)",
                     "Piecewise((0, x <= -3), (x*(x + 3)/6, (-3 < x) & (x < 3)), (x, x >= 3))"),
            derivative=("Piecewise((0, x <= -3), ((2*x + 3)/6, (-3 < x) & (x < 3)), (1, x >= 3))",),
        ),
        functional=F.hardswish,
        module=nn.Hardswish,
        scratch=scratch_hardswish,
        torch_name="F.hardswish",
        kernels={"forward": "hardswish(x)", "backward": "hardswish_backward(g, x)"},
        summary="A piecewise stand-in for Swish without exponentials, made for mobile devices [@howard2019].",
        used_in=(Usage("MobileNetV3", "howard2019"),),
        best_for="Models for phones and edge chips, as in MobileNetV3 [@howard2019]",
        watch_out="Kinks where its three pieces meet: not smooth there",
        properties=Properties(
            output_range=(-0.375, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=False, bounded="below", max_grad=1.5,
            max_grad_at=3.0, saturation=(Flat(-math.inf, -3.0, exact=True),), cost="cheap",
        ),
    ),
    Activation(
        key="relu6",
        x_range=(-4.0, 8.0),  # shows the cap at 6
        name="ReLU6",
        family="relu",
        maths=Maths(
            "ReLU6",
            formula=("Min(Max(0, x), 6)",),
            derivative=("Piecewise((1, (0 < x) & (x < 6)), (0, True))",),
        ),
        functional=F.relu6,
        module=nn.ReLU6,
        scratch=scratch_relu6,
        torch_name="F.relu6",
        kernels={"forward": "hardtanh(x, 0, 6)", "backward": "hardtanh_backward(g, x, 0, 6)"},
        summary="ReLU capped at 6, which keeps activations small for low-precision arithmetic.",
        used_in=(
            Usage("MobileNetV2", "sandler2018"),
            Usage("EfficientNet-Lite, in place of every swish", "google2020"),
        ),
        best_for="Quantised mobile networks such as MobileNetV2 [@sandler2018]; the ramp inside Hardswish",
        watch_out="Zero gradient above 6 as well as below 0",
        properties=Properties(
            output_range=(0.0, 6.0), range_closed=(True, True), zero_centred=False,
            monotonic=True, smooth=False, bounded="both", max_grad=1.0,
            max_grad_at=(0.0, 6.0), saturation=(Flat(-math.inf, 0.0, exact=True), Flat(6.0, math.inf, exact=True)), cost="cheap",
        ),
    ),
    Activation(
        key="softplus",
        name="Softplus",
        family="relu",
        maths=Maths("softplus", formula=("ln(1 + exp(x))",), derivative=("sigma(x)",)),
        functional=F.softplus,
        module=nn.Softplus,
        scratch=scratch_softplus,
        torch_name="F.softplus",
        kernels={"forward": "softplus(x, beta, threshold)", "backward": "softplus_backward(g, x, beta, threshold)"},
        summary="A smooth ReLU whose output is always positive.",
        defaults={"beta": 1.0, "threshold": 20.0},
        slider=Slider("beta", "\u03b2", (0.5, 1.0, 2.0, 3.0, 5.0, 10.0)),
        used_in=(
            Usage("Introduced, for option pricing", "dugas2001"),
            Usage("Compared with the rectifier", "glorot2011"),
        ),
        best_for="Outputs that must be strictly positive (scales, rates, variances)",
        watch_out="Positive only in exact arithmetic: in float32 it underflows to exactly 0, with a zero gradient, for very negative inputs; an exponential and a log per element",
        properties=Properties(
            output_range=(0.0, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="below", max_grad=1.0,
            max_grad_at=math.inf, saturation=(Flat(-math.inf, -4.5952),), cost="expensive",
        ),
    ),
    Activation(
        key="glu",
        name="GLU",
        family="gated",
        maths=Maths(
            "GLU",
            formula=("odot(a, sigma(b))",),
            derivative=("sigma(b)", "a*sigma(b)*(1 - sigma(b))"),
            notes=(r"(a, b) = \text{halves of } xW + c",),
        ),
        functional=F.glu,
        module=nn.GLU,
        scratch=scratch_glu,
        torch_name="F.glu",
        kernels={"forward": "glu(x, -1)", "backward": "glu_backward(g, x, -1)"},
        summary="One linear projection gates another through a sigmoid.",
        used_in=(Usage("Gated convolutional language models", "dauphin2017"),),
        best_for="Gated layers, as in gated convolutional language models [@dauphin2017]",
        watch_out="Its input must be twice as wide as its output: the projection doubles",
        elementwise=False,
        scalar_view_note=_GATED_NOTE,
        properties=Properties(
            output_range=(0.0, 1.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="both", max_grad=0.25, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -4.5849), Flat(4.5849, math.inf)), cost="expensive",
        ),
    ),
    Activation(
        key="swiglu",
        name="SwiGLU",
        family="gated",
        tables=("usage",),
        maths=Maths("SwiGLU", formula=("odot(a, SiLU(b))",), derivative=("SiLU(b)", "a*Derivative(SiLU(b), b)")),
        functional=torch_swiglu,
        module=SwiGLU,
        scratch=scratch_swiglu,
        torch_name="content * F.silu(gate)",
        kernels={"forward": "silu(gate)", "backward": "silu_backward(t, gate)"},
        summary="A gated unit whose gate is Swish; the feed-forward block of PaLM and LLaMA [@chowdhery2023; @touvron2023].",
        used_in=(
            Usage("GLU variants in transformers", "shazeer2020"),
            Usage("PaLM", "chowdhery2023"),
            Usage("LLaMA", "touvron2023"),
        ),
        best_for="Feed-forward blocks of large language models such as PaLM and LLaMA [@chowdhery2023; @touvron2023]",
        watch_out="Three weight matrices instead of two; the hidden width shrinks to keep the size",
        elementwise=False,
        scalar_view_note=_GATED_NOTE,
        properties=Properties(
            output_range=(-0.278465, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.099839,
            max_grad_at=2.39936, saturation=(Flat(-math.inf, -6.2614),), cost="expensive",
        ),
    ),
    Activation(
        key="geglu",
        name="GeGLU",
        family="gated",
        tables=("usage",),
        maths=Maths("GeGLU", formula=("odot(a, GELU(b))",), derivative=("GELU(b)", "a*Derivative(GELU(b), b)")),
        functional=torch_geglu,
        module=GeGLU,
        scratch=scratch_geglu,
        torch_name="content * F.gelu(gate)",
        kernels={"forward": 'gelu(gate, approximate="none")', "backward": 'gelu_backward(t, gate, approximate="none")'},
        summary="A gated unit whose gate is GELU.",
        used_in=(
            Usage("GLU variants in transformers", "shazeer2020"),
            Usage("Gemma (with GELU's tanh approximation as the gate)", "gemma2024"),
        ),
        best_for="Feed-forward blocks of transformers, as in Shazeer's comparison [@shazeer2020] and the Gemma language models [@gemma2024]",
        watch_out="Three weight matrices instead of two; the hidden width shrinks to keep the size",
        elementwise=False,
        scalar_view_note=_GATED_NOTE,
        properties=Properties(
            output_range=(-0.169971, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=False, smooth=True, bounded="below", max_grad=1.128904,
            max_grad_at=math.sqrt(2), saturation=(Flat(-math.inf, -3.0675),), cost="expensive",
        ),
    ),
    Activation(
        key="softmax",
        name="Softmax",
        family="output",
        maths=Maths(
            "softmax",
            formula=("exp(z[i])/Sum(exp(z[j]), j)",),
            derivative=("s[i]*(delta(i, j) - s[j])",),
            where=(Definition("s[i]", "softmax(z, i)", shown="symbols"),),
        ),
        functional=F.softmax,
        module=lambda: nn.Softmax(dim=-1),
        scratch=scratch_softmax,
        torch_name="F.softmax",
        kernels={"forward": "_softmax(x, -1, False)", "backward": "_softmax_backward_data(g, y, -1, dtype)"},
        summary="Turns a vector of logits into a probability distribution.",
        defaults={"dim": -1},
        used_in=(
            Usage("Classifier outputs read as probabilities", "bridle1990"),
            Usage("Attention weights in transformers", "vaswani2017"),
        ),
        best_for="Multi-class output (inside the loss while training)",
        watch_out="CrossEntropyLoss applies it already: never put it in front",
        elementwise=False,
        scalar_view_note=(
            "Softmax acts on a whole vector. Figures and properties show the first output "
            "for the two logits (x, 0), which is sigmoid(x)."
        ),
        properties=Properties(
            output_range=(0.0, 1.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="both", max_grad=0.25, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -4.5849), Flat(4.5849, math.inf)), cost="expensive",
        ),
    ),
)

# ======================================================================================
# BEGIN torch.nn coverage (issue 12): every activation module PyTorch exports.
# The records below complete the catalog to torch.nn.modules.activation.__all__;
# TORCH_NN_ALIASES and TORCH_NN_EXCLUDED name the modules that get no record, with
# the reason (tests/measure/test_torch_coverage.py compares the three with PyTorch's list).
# ======================================================================================

#: RReLU's default slope bounds (PyTorch's), and the fixed slope it uses in eval mode.
RRELU_LOWER = 1.0 / 8.0
RRELU_UPPER = 1.0 / 3.0
RRELU_EVAL_SLOPE = (RRELU_LOWER + RRELU_UPPER) / 2

#: torch.nn activation modules covered by another record: name -> (key, why).
TORCH_NN_ALIASES: dict[str, tuple[str, str]] = {
    "Softmax2d": (
        "softmax",
        "`nn.Softmax2d()` computes `F.softmax(x, dim=-3)`: softmax over the channel dimension "
        "of a (C, H, W) or (N, C, H, W) input, at every pixel",
    ),
}

#: torch.nn.modules.activation exports that are not activation functions: name -> why.
TORCH_NN_EXCLUDED: dict[str, str] = {
    "MultiheadAttention": (
        "an attention layer with learned query, key, value and output projections, not a "
        "fixed function of its input (a softmax over attention scores is one step inside it)"
    ),
}


def scratch_hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """min(max(x, min_val), max_val)."""
    return torch.clamp(x, min_val, max_val)


def scratch_hardsigmoid(x: Tensor) -> Tensor:
    """ReLU6(x + 3) / 6, PyTorch's piecewise-linear sigmoid."""
    return scratch_relu6(x + 3) / 6


def scratch_rrelu(x: Tensor, lower: float = RRELU_LOWER, upper: float = RRELU_UPPER) -> Tensor:
    """RReLU in eval mode: Leaky ReLU with the mean slope (lower + upper) / 2."""
    return scratch_leaky_relu(x, (lower + upper) / 2)


def scratch_celu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (e^(x / alpha) - 1) otherwise."""
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0) / alpha))


def scratch_softsign(x: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    _, minus_abs = _minus_abs(x)
    return x / (1 - minus_abs)


def scratch_logsigmoid(x: Tensor) -> Tensor:
    """log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|): no overflow, no log of 0."""
    negative, minus_abs = _minus_abs(x)
    return torch.where(negative, x, torch.zeros_like(x)) - torch.log1p(torch.exp(minus_abs))


def scratch_tanhshrink(x: Tensor) -> Tensor:
    """x - tanh(x)."""
    return x - scratch_tanh(x)


def scratch_softshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 between (soft thresholding)."""
    inside = (x >= -lambd) & (x <= lambd)  # NaN is in no band and passes through, as in PyTorch
    return torch.where(inside, torch.zeros_like(x), torch.where(x > 0, x - lambd, x + lambd))


def scratch_hardshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, 0 elsewhere (hard thresholding)."""
    return torch.where((x >= -lambd) & (x <= lambd), torch.zeros_like(x), x)


def scratch_threshold(x: Tensor, threshold: float = 1.0, value: float = 0.0) -> Tensor:
    """x above the threshold, ``value`` at and below it."""
    return torch.where(x <= threshold, torch.full_like(x, value), x)


def scratch_softmin(x: Tensor, dim: int = -1) -> Tensor:
    """softmax(-x): e^(-x_i) over the sum of e^(-x_j)."""
    return scratch_softmax(-x, dim=dim)


def scratch_log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x_i - max x - log sum_j e^(x_j - max x): the logarithm never sees a 0."""
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def _rrelu_eval() -> nn.Module:
    """nn.RReLU in eval mode: the deterministic function the catalog describes."""
    return nn.RReLU().eval()


_TORCH_NN_RECORDS: tuple[Activation, ...] = (
    Activation(
        key="hardtanh",
        name="Hardtanh",
        family="classic",
        maths=Maths(
            "Hardtanh",
            formula=("Max(-1, Min(1, x))", "Piecewise((-1, x < -1), (x, (-1 <= x) & (x <= 1)), (1, x > 1))"),
            derivative=("Piecewise((1, (-1 < x) & (x < 1)), (0, True))",),
        ),
        functional=F.hardtanh,
        module=nn.Hardtanh,
        scratch=scratch_hardtanh,
        torch_name="F.hardtanh",
        kernels={"forward": "hardtanh(x, min_val, max_val)", "backward": "hardtanh_backward(g, x, min_val, max_val)"},
        summary="Tanh replaced by three straight pieces: the identity clipped to [-1, 1].",
        defaults={"min_val": -1.0, "max_val": 1.0},
        used_in=(Usage("Natural language processing (almost) from scratch (SENNA)", "collobert2011"),),
        best_for="A bounded, zero-centred activation without exponentials [@collobert2011]; ReLU6 is Hardtanh(0, 6)",
        watch_out="Zero gradient for every |x| above 1: a unit pushed past the clip stops learning",
        properties=Properties(
            output_range=(-1.0, 1.0), range_closed=(True, True), zero_centred=True,
            monotonic=True, smooth=False, bounded="both", max_grad=1.0, max_grad_at=(-1.0, 1.0),
            saturation=(Flat(-math.inf, -1.0, exact=True), Flat(1.0, math.inf, exact=True)), cost="cheap",
        ),
    ),
    Activation(
        key="softsign",
        name="Softsign",
        family="classic",
        maths=Maths("Softsign", formula=("x/(1 + Abs(x))",), derivative=("1/(1 + Abs(x))**2",)),
        functional=F.softsign,
        module=nn.Softsign,
        scratch=scratch_softsign,
        torch_name="F.softsign",
        kernels={"forward": "abs(x); add(y, 1.0); div(x, y)", "backward": "abs(x); add(gx, 1.0); mul(gx, gx); div(g, gx)",
                 "composite": "F.softsign is a Python composite (abs, add, div): these are the same steps into preallocated buffers"},
        summary="A tanh-shaped squashing function whose tails approach ±1 polynomially, not exponentially [@bergstra2009].",
        used_in=(
            Usage("Introduced", "bergstra2009"),
            Usage("Compared with tanh in deep feed-forward networks", "glorot2010"),
        ),
        best_for="Replacing tanh where its fast saturation hurts: in deep networks Glorot and Bengio saw softsign units saturate less than tanh units [@glorot2010]",
        watch_out="Its derivative still falls below 0.01 for |x| above 9, and a division per element costs more than ReLU",
        properties=Properties(
            output_range=(-1.0, 1.0), range_closed=(False, False), zero_centred=True,
            monotonic=True, smooth=True, bounded="both", max_grad=1.0, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -9.0), Flat(9.0, math.inf)), cost="moderate",
        ),
    ),
    Activation(
        key="rrelu",
        name="RReLU",
        family="relu",
        maths=Maths(
            "RReLU",
            formula=("Piecewise((x, x > 0), (a*x, x <= 0))",),
            derivative=("Piecewise((1, x > 0), (a, x <= 0))",),
            notes=(r"a \text{ uniform on } [l, u] \text{ in training}",),
            where=(Definition("a", "(l + u)/2", shown="formula", note=r" \text{ in eval}"),),
            constants=(Constant("l", default="lower", fraction=True), Constant("u", default="upper", fraction=True)),
        ),
        functional=F.rrelu,
        module=_rrelu_eval,
        scratch=scratch_rrelu,
        torch_name="F.rrelu",
        kernels={"forward": "leaky_relu(x, RRELU_EVAL_SLOPE)", "backward": "leaky_relu_backward(g, x, RRELU_EVAL_SLOPE, False)"},
        summary=(
            "Leaky ReLU with a random negative slope. PyTorch draws each element's slope uniformly "
            "from [1/8, 1/3] in training and fixes it at the mean of those bounds, 11/48, in eval mode "
            "[@pytorch2026]. Xu et al. draw the divisor a uniformly from [3, 8] instead (y = x/a, so "
            "the slopes span the same range but are not uniform) and divide by (3 + 8)/2 at test time, "
            "a slope of 2/11 [@xu2015]. Figures and properties show PyTorch's eval-mode function."
        ),
        defaults={"lower": RRELU_LOWER, "upper": RRELU_UPPER},
        used_in=(
            Usage("Compared with ReLU, leaky ReLU and PReLU on image classification", "xu2015"),
            Usage("PyTorch's bounds and eval-mode slope", "pytorch2026"),
        ),
        best_for="Convolutional networks that overfit: Xu et al. suggest the random slope acts as a regulariser [@xu2015]",
        watch_out="Training and eval mode compute different functions (F.rrelu defaults to eval: pass training=True to draw slopes)",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=False, bounded="none", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(), cost="cheap",
        ),
    ),
    Activation(
        key="celu",
        name="CELU",
        family="relu",
        maths=Maths(
            "CELU",
            formula=("Max(0, x) + Min(0, alpha*(exp(x/alpha) - 1))",),
            derivative=("Piecewise((1, x > 0), (exp(x/alpha), x <= 0))",),
            constants=(Constant("alpha", default="alpha"),),
        ),
        functional=F.celu,
        module=nn.CELU,
        scratch=scratch_celu,
        torch_name="F.celu",
        # elu's input scale is 1 / alpha: 1.0 at the default alpha = 1.
        kernels={"forward": "elu(x, alpha, 1, 1.0)", "backward": "elu_backward(g, alpha, 1, 1.0, False, x)"},
        summary="ELU reparametrised so that its derivative is continuous at 0 for every alpha [@barron2017]; at alpha = 1 it is ELU.",
        defaults={"alpha": 1.0},
        used_in=(Usage("Introduced", "barron2017"),),
        best_for="Tuning ELU's alpha without creating a kink at 0 [@barron2017]",
        watch_out="At PyTorch's default alpha = 1 it is exactly ELU; an exponential for every negative input",
        properties=Properties(
            output_range=(-1.0, math.inf), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="below", max_grad=1.0,
            max_grad_at=(0.0, math.inf), saturation=(Flat(-math.inf, -4.6052),), cost="expensive",
        ),
    ),
    Activation(
        key="hardsigmoid",
        name="Hardsigmoid",
        family="modern",
        maths=Maths(
            "Hardsigmoid",
            formula=("ReLU6(x + 3)/6", "Piecewise((0, x <= -3), (x/6 + 1/2, (-3 < x) & (x < 3)), (1, x >= 3))"),
            derivative=("Piecewise((1/6, (-3 < x) & (x < 3)), (0, True))",),
        ),
        functional=F.hardsigmoid,
        module=nn.Hardsigmoid,
        scratch=scratch_hardsigmoid,
        torch_name="F.hardsigmoid",
        kernels={"forward": "hardsigmoid(x)", "backward": "hardsigmoid_backward(g, x)"},
        summary="A piecewise-linear sigmoid, ReLU6(x + 3)/6, the gate of Hardswish and of MobileNetV3's squeeze-and-excitation blocks [@howard2019].",
        used_in=(Usage("MobileNetV3 (h-sigmoid)", "howard2019"),),
        best_for="Gates on mobile hardware, as in MobileNetV3 [@howard2019]",
        watch_out="Exactly flat beyond ±3, and its slope is only 1/6 in between",
        properties=Properties(
            output_range=(0.0, 1.0), range_closed=(True, True), zero_centred=False,
            monotonic=True, smooth=False, bounded="both", max_grad=1 / 6, max_grad_at=(-3.0, 3.0),
            saturation=(Flat(-math.inf, -3.0, exact=True), Flat(3.0, math.inf, exact=True)), cost="cheap",
        ),
    ),
    Activation(
        key="logsigmoid",
        name="LogSigmoid",
        family="output",
        maths=Maths(
            "LogSigmoid",
            formula=("ln(sigma(x))", "-ln(1 + exp(-x))"),
            derivative=("1 - sigma(x)", "sigma(-x)"),
        ),
        functional=F.logsigmoid,
        module=nn.LogSigmoid,
        scratch=scratch_logsigmoid,
        torch_name="F.logsigmoid",
        kernels={"forward": "neg(x); softplus(y, 1.0, 20.0); neg(y)", "backward": "neg(x); sigmoid(gx); mul(gx, g)",
                 "composite": "log_sigmoid has no single-output out= kernel: -softplus(-x) forward and g * sigmoid(-x) backward, step by step"},
        summary="The logarithm of the sigmoid, computed without forming sigmoid(x): a log-probability.",
        used_in=(Usage("Negative-sampling objective of word2vec", "mikolov2013"),),
        best_for="Log-likelihoods of binary events, as in word2vec's negative sampling [@mikolov2013]",
        watch_out="Unbounded below: log(sigmoid(x)) written out in two steps returns -inf once sigmoid underflows",
        properties=Properties(
            output_range=(-math.inf, 0.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="above", max_grad=1.0,
            max_grad_at=-math.inf, saturation=(Flat(4.5951, math.inf),), cost="expensive",
        ),
    ),
    Activation(
        key="tanhshrink",
        name="Tanhshrink",
        family="shrinkage",
        maths=Maths("Tanhshrink", formula=("x - tanh(x)",), derivative=("tanh(x)**2",)),
        functional=F.tanhshrink,
        module=nn.Tanhshrink,
        scratch=scratch_tanhshrink,
        torch_name="F.tanhshrink",
        kernels={"forward": "tanh(x); sub(x, y)", "backward": "tanh(x); mul(gx, gx); mul(gx, g)",
                 "composite": "F.tanhshrink is a Python composite (tanh, sub): these are its steps into preallocated buffers"},
        summary="What tanh leaves out: near zero it is almost flat (x³/3), far out it grows like x ∓ 1.",
        best_for="A smooth shrinkage that keeps large values and suppresses small ones",
        watch_out="Its derivative is tanh², below 0.01 for |x| under 0.1: small inputs pass back almost no gradient",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=True,
            monotonic=True, smooth=True, bounded="none", max_grad=1.0,
            max_grad_at=Approached((-math.inf, math.inf)), saturation=(), cost="expensive",
        ),
    ),
    Activation(
        key="softshrink",
        name="Softshrink",
        family="shrinkage",
        maths=Maths(
            "Softshrink",
            formula=("Piecewise((x - c, x > c), (0, (-c <= x) & (x <= c)), (x + c, x < -c))",),
            derivative=("Piecewise((1, Abs(x) > c), (0, Abs(x) <= c))",),
            constants=(Constant("c", default="lambd"),),
        ),
        functional=F.softshrink,
        module=nn.Softshrink,
        scratch=scratch_softshrink,
        torch_name="F.softshrink",
        kernels={"forward": "softshrink(x, lambd)", "backward": "softshrink_backward(g, x, lambd)"},
        summary="Soft thresholding: zero within c of 0 (PyTorch's lambd), everything else moved c towards 0 [@donoho1994].",
        defaults={"lambd": 0.5},
        used_in=(
            Usage("Wavelet shrinkage (soft thresholding)", "donoho1994"),
            Usage("Learned ISTA (LISTA), sparse coding as a network", "gregor2010"),
        ),
        best_for="Sparse codes and denoising: the proximal step of an L1 penalty, unrolled as a layer in LISTA [@gregor2010]",
        watch_out="Exactly zero gradient on the whole band |x| ≤ c",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=True,
            monotonic=True, smooth=False, bounded="none", max_grad=1.0,
            max_grad_at=((-math.inf, -0.5), (0.5, math.inf)),
            saturation=(Flat(-0.5, 0.5, exact=True),), cost="cheap",
        ),
    ),
    Activation(
        key="hardshrink",
        name="Hardshrink",
        family="shrinkage",
        maths=Maths(
            "Hardshrink",
            formula=("Piecewise((x, Abs(x) > c), (0, Abs(x) <= c))",),
            derivative=("Piecewise((1, Abs(x) > c), (0, Abs(x) <= c))",),
            constants=(Constant("c", default="lambd"),),
        ),
        functional=F.hardshrink,
        module=nn.Hardshrink,
        scratch=scratch_hardshrink,
        torch_name="F.hardshrink",
        kernels={"forward": "hardshrink(x, lambd)", "backward": "hardshrink_backward(g, x, lambd)"},
        summary="Hard thresholding: values within c of 0 (PyTorch's lambd) become 0, the others pass unchanged [@donoho1994].",
        defaults={"lambd": 0.5},
        used_in=(Usage("Wavelet shrinkage (hard thresholding)", "donoho1994"),),
        best_for="Keeping only the large entries of a signal or code",
        watch_out="The function jumps at ±c; no gradient reaches a value inside the band",
        properties=Properties(
            output_range=(-math.inf, math.inf), range_closed=(False, False), zero_centred=True,
            monotonic=True, smooth=False, bounded="none", max_grad=1.0,
            max_grad_at=((-math.inf, -0.5), (0.5, math.inf)),
            saturation=(Flat(-0.5, 0.5, exact=True),), cost="cheap", jumps=(-0.5, 0.5),
            gaps=((-0.5, 0.0, False, True), (0.0, 0.5, True, False)),
        ),
    ),
    Activation(
        key="threshold",
        name="Threshold",
        family="relu",
        maths=Maths(
            "Threshold",
            formula=("Piecewise((x, x > t), (v, x <= t))",),
            derivative=("Piecewise((1, x > t), (0, x <= t))",),
            constants=(Constant("t", default="threshold"), Constant("v", default="value")),
        ),
        functional=F.threshold,
        module=lambda: nn.Threshold(1.0, 0.0),
        scratch=scratch_threshold,
        torch_name="F.threshold",
        kernels={"forward": "threshold(x, threshold, value)", "backward": "threshold_backward(g, x, threshold)"},
        summary="Replaces every input up to a threshold t by a value v; PyTorch has no default for either, so this site takes t = 1, v = 0.",
        defaults={"threshold": 1.0, "value": 0.0},
        best_for="Cutting off small inputs; with t = v = 0 it is ReLU",
        watch_out="Unless v = t the function jumps at the threshold, and it passes no gradient at or below it",
        properties=Properties(
            output_range=(0.0, math.inf), range_closed=(True, False), zero_centred=False,
            monotonic=True, smooth=False, bounded="below", max_grad=1.0,
            max_grad_at=(1.0, math.inf), saturation=(Flat(-math.inf, 1.0, exact=True),), cost="cheap",
            jumps=(1.0,), gaps=((0.0, 1.0, True, False),),
        ),
    ),
    Activation(
        key="softmin",
        name="Softmin",
        family="output",
        maths=Maths(
            "softmin",
            formula=("exp(-z[i])/Sum(exp(-z[j]), j)", "softmax(-z, i)"),
            derivative=("-s[i]*(delta(i, j) - s[j])",),
            where=(Definition("s[i]", "softmin(z, i)", shown="symbols"),),
        ),
        functional=F.softmin,
        module=lambda: nn.Softmin(dim=-1),
        scratch=scratch_softmin,
        torch_name="F.softmin",
        kernels={"forward": "neg(x); _softmax(y, -1, False)", "backward": "_softmax_backward_data(g, y, -1, dtype); neg(gx)",
                 "composite": "F.softmin is softmax of -x: neg, then softmax's kernels, into preallocated buffers"},
        summary="Softmax of the negated inputs: a probability distribution that favours the smallest entries.",
        defaults={"dim": -1},
        best_for="Turning costs or distances into weights, the smallest getting the most",
        watch_out="It is softmax(-z): do not put it in front of CrossEntropyLoss either",
        elementwise=False,
        scalar_view_note=(
            "Softmin acts on a whole vector. Figures and properties show the first output for the "
            "two inputs (x, 0), which is sigmoid(-x): a decreasing curve."
        ),
        properties=Properties(
            output_range=(0.0, 1.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="both", max_grad=0.25, max_grad_at=0.0,
            saturation=(Flat(-math.inf, -4.5849), Flat(4.5849, math.inf)), cost="expensive",
        ),
    ),
    Activation(
        key="log_softmax",
        name="LogSoftmax",
        family="output",
        maths=Maths(
            "log_softmax",
            formula=("z[i] - ln(Sum(exp(z[j]), j))",),
            derivative=("delta(i, j) - s[j]",),
            where=(Definition("s[j]", "softmax(z, j)", shown="symbols"),),
        ),
        functional=F.log_softmax,
        module=lambda: nn.LogSoftmax(dim=-1),
        scratch=scratch_log_softmax,
        torch_name="F.log_softmax",
        kernels={"forward": "_log_softmax(x, -1, False)", "backward": "_log_softmax_backward_data(g, y, -1, dtype)"},
        summary="The logarithm of softmax in one stable step: log-probabilities of the classes.",
        defaults={"dim": -1},
        best_for="Log-probabilities for nn.NLLLoss; nn.CrossEntropyLoss computes it itself from raw logits",
        watch_out="Followed by NLLLoss it is CrossEntropyLoss: never add it in front of CrossEntropyLoss",
        elementwise=False,
        scalar_view_note=(
            "LogSoftmax acts on a whole vector. Figures and properties show the first output for "
            "the two logits (x, 0), which is LogSigmoid(x)."
        ),
        properties=Properties(
            output_range=(-math.inf, 0.0), range_closed=(False, False), zero_centred=False,
            monotonic=True, smooth=True, bounded="above", max_grad=1.0,
            max_grad_at=-math.inf, saturation=(Flat(4.5951, math.inf),), cost="expensive",
        ),
    ),
)

ACTIVATIONS = ACTIVATIONS + _TORCH_NN_RECORDS

# ======================================================================================
# END torch.nn coverage (issue 12).
# ======================================================================================

_BY_KEY = {a.key: a for a in ACTIVATIONS}


class UnknownActivationError(KeyError):
    """Raised for a key that names no activation; the message lists the known keys."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def keys() -> tuple[str, ...]:
    """Every catalog key, in teaching order."""
    return tuple(_BY_KEY)


def get(key: str) -> Activation:
    """The record for ``key``; an unknown key raises :class:`UnknownActivationError`."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise UnknownActivationError(
            f"unknown activation {key!r}; known: {', '.join(_BY_KEY)}"
        ) from None
