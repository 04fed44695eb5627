"""Every claim of the textbook section, traced to its origin and checked in that sense.

A :class:`Claim` holds the claim's words (quoted short), its :class:`Origin` (the
publication it comes from, or the common source of the folklore, or the mathematics it
follows from) and what that origin measured, and one :class:`Sense` per reading of
the words that can be checked. Where the origin meant something other than the words
suggest, both senses are senses of the claim: "ReLU is 6× faster" is checked as
training speed (AlexNet's) and as kernel speed (the words').

A sense has a method, a verdict rule of :mod:`actdocs.measure.verdicts` whose thresholds the
page prints, and a reader that turns the :class:`Evidence` into :class:`Reading`
values, each measured in a :class:`Setting` (a recorded run, size, mode and convention
of the benchmark; an initialisation; how a word is read). Readings of one setting make a
:class:`Row`; the recorded runs of one device decide a row only where they all agree
(:func:`actdocs.measure.verdicts.across_runs`). The claim names its setting (a sense may name
its own): only the rows of that setting make the verdict, with
:func:`actdocs.measure.verdicts.combine`, or :func:`actdocs.measure.verdicts.as_bound` for a sense that
checks a bound over the conditions that could break it; every other row is shown as an
extra row with its own verdict. Each finding also carries its sensitivity: the verdict
with the rule's threshold halved, as stated, doubled, and where it flips.

The evidence is stable by construction: functions measured in float64, seeded
experiments made earlier in the same build, and benchmark runs recorded in
``data/bench/`` (:mod:`actdocs.measure.recorded`). The build's quick benchmark is not evidence
here, so two builds of the same commit give the same ``tables/claims.md`` and
``data/claims.json``, which :mod:`actdocs.textbook.claims_page` renders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Literal

from actdocs import references
from actdocs.measure.evidence import (
    alexnet_sense,
    cross_entropy,
    each,
    Evidence,
    gelu_error,
    gradient_depth,
    hardswish,
    hardswish_pieces,
    identity,
    kernel_ratio,
    killed,
    leaky_gradient,
    leaky_recovery,
    linear_collapse,
    mish,
    mish_formula,
    peak,
    Reading,
    relu_sparsity,
    saturates,
    selu,
    Setting,
    SIGMOID_BOUND,
    sigmoid_bound,
    tanh,
    tanh_from_sigmoid,
)
from actdocs.measure.verdicts import (AtLeast, AtMost, Edge, Rule, SpeedUp, Verdict, across_runs, as_bound,
                              breakpoints, combine, knob, moved, scaled)

MODULE = "actdocs.textbook.claims"

#: Agreement of a numerical identity in float64: far above rounding (1e-16), far below any real gap.
IDENTITY_TOLERANCE = 1e-12
#: How far a measured peak may sit from the claimed one: relative gap in value, distance in x.
PEAK_TOLERANCE = 1e-3
#: "Does not fade": the first layer keeps at least this share of the last layer's gradient.
NO_FADE_SHARE = 0.1
#: "Expensive": at least this many times ReLU's time (a ratio: its sensitivity moves the excess over 1).
EXPENSIVE_RATIO = 1.5
#: "Sparse": at least this share of exact zeros.
SPARSE_SHARE = 0.25
#: "Kills units": the high learning rate leaves at least this much more of the network dead.
KILLED_SHARE = 0.1
#: "Come back": at least this share of the stuck units is active again after recovery.
REVIVED_SHARE = 0.5
#: "Approximates": the largest error over [-10, 10] is at most this (three decimals).
APPROXIMATION_ERROR = 1e-3


@dataclass(frozen=True)
class Origin:
    """Where a claim comes from and what that source measured.

    ``kind`` is ``publication`` (``ref`` is its key), ``folklore`` (``source`` names the
    common source; ``ref`` optionally the publication it leans on), ``mathematics`` (it
    follows from the formula) or ``documentation`` (``source`` names it).
    """

    kind: Literal["publication", "folklore", "mathematics", "documentation"]
    measured: str
    ref: str = ""
    source: str = ""

    def markdown(self) -> str:
        """The origin for the page: who or what, then what it measured."""
        cited = references.cite([self.ref]) if self.ref else ""
        who = {
            "publication": cited,
            "folklore": f"Folklore: {self.source}" + (f". The publication it leans on is {cited}, which is "
                                                      "not the source of these words" if cited else ""),
            "mathematics": "Mathematics: it follows from the formula",
            "documentation": f"Documentation: {self.source}",
        }[self.kind]
        return f"{who}. {self.measured}"


@dataclass(frozen=True)
class Sense:
    """One checkable reading of a claim's words: how, judged by which rule, read from what.

    ``setting`` overrides the claim's own (a sense under the origin's condition, say);
    ``bound`` checks the rule over every condition measured: one that breaks it fails it.
    """

    name: str
    method: str
    rule: Rule
    read: Callable[[Evidence], list[Reading]]
    setting: Setting | None = None
    bound: bool = False


@dataclass(frozen=True)
class Row:
    """The readings of one setting (one per recorded run, or one), its verdict, and whether the
    claim names this setting (``own``) or it is shown beside the verdict as an extra row."""

    label: str
    setting: Setting
    readings: tuple[Reading, ...]
    verdict: Verdict
    own: bool
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """A sense's rows, the verdict of its own setting, and how that verdict moves with the threshold."""

    sense: Sense
    setting: Setting
    rows: tuple[Row, ...]
    verdict: Verdict
    note: str = ""
    sensitivity: tuple[tuple[str, float, Verdict], ...] = ()

    @property
    def readings(self) -> tuple[Reading, ...]:
        """Every reading, own rows first."""
        return tuple(r for row in self.own for r in row.readings) + tuple(
            r for row in self.extra for r in row.readings)

    @property
    def own(self) -> tuple[Row, ...]:
        """The rows of the claim's setting: they make the verdict."""
        return tuple(row for row in self.rows if row.own)

    @property
    def extra(self) -> tuple[Row, ...]:
        """The rows of other settings: shown, never folded into the verdict."""
        return tuple(row for row in self.rows if not row.own)


@dataclass(frozen=True)
class Claim:
    """One claim of the textbook: its words, origin, senses, the setting it names, and its page."""

    key: str
    words: str
    origin: Origin
    senses: tuple[Sense, ...]
    page: str = ""
    setting: Setting = field(default_factory=Setting)


def _row(rule: Rule, readings: list[Reading], own: bool) -> Row:
    """One setting's row: per device, a verdict only where every recorded run gives it."""
    by_device: dict[str, list[Verdict]] = {}
    for r in readings:
        by_device.setdefault(r.device, []).append(rule.verdict(r.measured) if r.measured else "not measured")
    verdicts, notes = [], []
    for device, found in by_device.items():
        verdict, why = across_runs(found) if device else (combine(found), "")
        verdicts.append(verdict)
        if why:
            notes.append(f"{device}: {why}" if len(by_device) > 1 else why)
    first = readings[0]
    return Row(first.regime, first.setting, tuple(readings), combine(verdicts), own, "; ".join(notes))


def _rows(rule: Rule, readings: list[Reading], setting: Setting) -> tuple[Row, ...]:
    groups: dict[str, list[Reading]] = {}
    for r in readings:
        groups.setdefault(r.regime, []).append(r)
    return tuple(_row(rule, found, setting.covers(found[0].setting)) for found in groups.values())


def _verdict(sense: Sense, rows: tuple[Row, ...]) -> Verdict:
    own = [row.verdict for row in rows if row.own]
    return (as_bound if sense.bound else combine)(own)


def sensitivity(sense: Sense, readings: list[Reading], setting: Setting) -> tuple[tuple[str, float, Verdict], ...]:
    """The sense's verdict with its threshold halved, as stated and doubled, then the nearest
    threshold at which the verdict changes (with the verdict beyond it); empty for a threshold
    of 0 (an exact rule) or without a measurement."""
    rule = sense.rule
    stated = getattr(rule, knob(rule))
    own = [r for r in readings if r.measured and setting.covers(r.setting)]
    if scaled(rule, 1) == scaled(rule, 0) or not own:  # a threshold of 0, a plain "faster": nothing to scale
        return ()

    def at(value: float) -> Verdict:
        return _verdict(sense, _rows(moved(rule, value), readings, setting))

    most = getattr(rule, "most", math.inf)
    shown = [(label, value, at(value)) for label, value in (("×½", scaled(rule, 0.5)), ("as stated", stated),
                                                           ("×2", scaled(rule, 2))) if value <= most]
    base = at(stated)
    points = sorted(set().union(*(breakpoints(rule, r.measured) for r in own)) - {0.0},
                    key=lambda p: (abs(p - stated), p))
    for point in (p for p in points if p <= most):
        sides = (1 + 1e-9,) if point > stated else (1 - 1e-9,) if point < stated else (1 - 1e-9, 1 + 1e-9)
        for side in sides:
            beyond = at(point * side)
            if beyond != base:
                shown.append(("flips at", point, beyond))
                return tuple(shown)
    return tuple(shown)


def judge(sense: Sense, evidence: Evidence, claim_setting: Setting = Setting()) -> Finding:
    """Read the sense's evidence, judge each setting's row and the claim's own setting."""
    setting = sense.setting or claim_setting
    readings = list(sense.read(evidence))
    rows = _rows(sense.rule, readings, setting)
    verdict = _verdict(sense, rows)
    own = [r for row in rows if row.own for r in row.readings if r.measured]
    note = sense.rule.note(own[0].measured) if isinstance(sense.rule, Edge) and len(own) == 1 else ""
    return Finding(sense, setting, rows, verdict, note, sensitivity(sense, readings, setting))


# ------------------------------------------------------------------ the claims

_GRID = "Autograd on the float64 grid over [−40, 40] (step 10⁻⁴ on [−10, 10]) and at ±10⁸."
_IDENTITY = AtMost(IDENTITY_TOLERANCE, "the largest |difference| in float64")
_PEAK = AtMost(PEAK_TOLERANCE, "the larger of the peak's relative gap and its distance from the claimed x")
_KERNELS = ("Forward time ratio, eager float32 with preallocated outputs, from each recorded benchmark run "
            "(ratios taken per pass; interval over passes).")


_SATURATED = "“≈ 0” as this site's saturation threshold, |f′| < 0.01"
_AS_SATURATED = Setting(reading="|f′| < 0.01")
_EDGE = "the measured edge (the smallest |x| from which |f′| stays below 0.01)"


def _exactly(method: str, read: Callable[[Evidence], list[Reading]], rule: Rule = _IDENTITY) -> tuple[Sense, ...]:
    return (Sense("as stated", method, rule, read),)


CLAIMS: tuple[Claim, ...] = (
    Claim("sigmoid-max-grad", "The maximum gradient of sigmoid is 0.25, at x = 0.",
          Origin("mathematics", "σ′ = σ(1 − σ) is largest where σ = 1/2, at x = 0, where it is 1/4."),
          _exactly(_GRID, peak("sigmoid", 0.25, 0.0), _PEAK), "classic.md"),
    Claim("tanh-max-grad", "Tanh's maximum gradient is 1.0, at x = 0.",
          Origin("mathematics", "tanh′ = 1 − tanh² is largest where tanh = 0, at x = 0, where it is 1."),
          _exactly(_GRID, peak("tanh", 1.0, 0.0), _PEAK), "classic.md"),
    Claim("sigmoid-saturates", "σ′(x) ≈ 0 when |x| > 4.",
          Origin("folklore", "It reads a threshold off the curve; nothing was measured.",
                 source="a rule of thumb of courses and textbooks, with no publication behind the threshold"),
          (Sense(_SATURATED, _GRID, Edge(4.0, _EDGE), saturates("sigmoid")),), "classic.md", _AS_SATURATED),
    Claim("tanh-saturates", "tanh′(x) ≈ 0 when |x| > 3.",
          Origin("folklore", "It reads a threshold off the curve; nothing was measured.",
                 source="a rule of thumb of courses and textbooks, with no publication behind the threshold"),
          (Sense(_SATURATED, _GRID, Edge(3.0, _EDGE), saturates("tanh")),), "classic.md", _AS_SATURATED),
    Claim("sigmoid-ten-layers", "Through 10 sigmoid layers the gradient at layer 1 is at most 0.25¹⁰ of the output's.",
          Origin("mathematics", "A product of ten slopes, each at most sigmoid's peak of 1/4; it counts the "
                 "activations only, not the weight matrices between them."),
          (Sense("a bound on the gradient norm, the words' sense, over the initialisations that could break it",
                 "Autograd through the gradient-flow experiment's 10-layer sigmoid network, the same seed and input "
                 "under each initialisation: the norm of the gradient reaching layer 1's pre-activations over the "
                 "norm of the output's.", AtMost(SIGMOID_BOUND, "the ratio under every initialisation"),
                 sigmoid_bound("input_gradient_ratio"), bound=True),
           Sense("the slope factor alone, the origin's sense",
                 "The same networks: the share of the gradient norm that multiplying by σ′(z) keeps, layer by "
                 "layer, multiplied over the ten layers (the weights' share left out).",
                 AtMost(SIGMOID_BOUND, "the product of the slope factors under every initialisation"),
                 sigmoid_bound("slope_product"), bound=True)),
          "experiments.md"),
    Claim("tanh-rescaled-sigmoid", "tanh(x) = 2σ(2x) − 1.",
          Origin("mathematics", "Multiply numerator and denominator of (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) by e⁻ˣ."),
          _exactly("Both sides in float64 on 400 001 points of [−20, 20].", identity(tanh, tanh_from_sigmoid)),
          "classic.md"),
    Claim("linear-collapse", "Stacked linear layers are one linear layer: W′ = W₂W₁, b′ = W₂b₁ + b₂.",
          Origin("mathematics", "Substitute one layer's output into the next."),
          _exactly("Ten random 16 × 16 layers against their product, float64.", linear_collapse,
                   AtMost(1e-9, "the largest |difference| in float64")), "why-nonlinearity.md"),
    Claim("relu-vs-sigmoid-speed", "ReLU is 6× faster than sigmoid in practice.",
          Origin("publication", "It measured training, and against tanh, not sigmoid: a four-layer convolutional "
                 "network with ReLUs reached 25 % training error on CIFAR-10 six times sooner, in epochs, than "
                 "the same network with tanh units, each at the learning rate that trained it fastest. It did "
                 "not time the functions.", ref="krizhevsky2012"),
          (Sense("training speed, AlexNet's sense: ReLU against tanh, steps to a training error "
                 "(a small MLP on 8 × 8 digits, not AlexNet's convolutional network on CIFAR-10)",
                 "The relu-vs-tanh experiment: the same MLP on the digits data, SGD with momentum, each activation "
                 "at its fastest learning rate, five seeds.", SpeedUp(6.0, "tanh's steps over ReLU's"),
                 alexnet_sense),
           Sense("kernel speed, the words' sense: sigmoid against ReLU", _KERNELS,
                 SpeedUp(6.0, "sigmoid's time over ReLU's"), kernel_ratio("sigmoid", "relu"))),
          "relu.md"),
    Claim("hardswish-vs-swish-speed",
          "Hardswish is about 40 % faster than Swish: 0.5 ms against 0.3 ms on a 1000 × 256 tensor.",
          Origin("folklore", "MobileNetV3 timed whole networks, not functions: latency on one large core of a "
                 "Pixel phone CPU with TensorFlow Lite, in floating point and 8-bit quantised, and it replaced "
                 "Swish's sigmoid because that is expensive on such devices. This site times PyTorch kernels on "
                 "its own machines, which is a different question.", ref="howard2019",
                 source="the textbook's own timing comments, on a machine it does not name"),
          (Sense("kernel speed in PyTorch; “40 % faster” read as the textbook's own numbers, 40 % less time "
                 "(a ratio of 5/3)", "Time ratio, eager float32, from each recorded benchmark run, at the size, "
                 "direction and convention the claim names (1000 × 256, forward, the functions called as the "
                 "textbook calls them); the other sizes, directions and conventions are extra rows (ratios "
                 "taken per pass; interval over passes).", SpeedUp(5 / 3, "SiLU's time over Hardswish's"),
                 kernel_ratio("silu", "hardswish", modes=("forward", "forward+backward"),
                              conventions=("as called", "preallocated"))),),
          "modern.md", Setting(size="cache", mode="forward", convention="as called")),
    Claim("exponentials-expensive", "Sigmoid and tanh are costly (an exponential each); GELU's cost is its drawback.",
          Origin("folklore", "Nothing was timed.",
                 source="the textbook's cost rows (“High (exponential)”), common wisdom"),
          (Sense("kernel time against ReLU's", _KERNELS,
                 AtLeast(EXPENSIVE_RATIO, "the function's time over ReLU's", ratio=True),
                 each(("sigmoid", "tanh", "gelu"), "relu")),),
          "classic.md"),
    Claim("hardswish-piecewise", "Hardswish(x) = 0 for x ≤ −3, x(x + 3)/6 between, x for x ≥ 3.",
          Origin("publication", "Defines h-swish as x · ReLU6(x + 3)/6.", ref="howard2019"),
          _exactly("The piecewise form against F.hardswish in float64.", identity(hardswish, hardswish_pieces)),
          "modern.md"),
    Claim("gelu-tanh-approx", "0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) approximates GELU.",
          Origin("publication", "Proposed this tanh form, and x·σ(1.702x), as cheaper stand-ins for the exact GELU.",
                 ref="hendrycks2016"),
          (Sense("accuracy", "Largest |error| against exact GELU on [−10, 10], step 10⁻⁴, float64.",
                 AtMost(APPROXIMATION_ERROR, "the largest |error|"), gelu_error),),
          "experiments.md"),
    Claim("gelu-tanh-fast", "The tanh form is the fast approximation of GELU.",
          Origin("publication", "Offered the approximations for speed; it timed no kernel.", ref="hendrycks2016"),
          (Sense("kernel speed in PyTorch", _KERNELS, SpeedUp(1.0, "exact GELU's time over the tanh form's"),
                 kernel_ratio("gelu", "gelu_tanh")),),
          "modern.md"),
    Claim("mish-form", "Mish(x) = x · tanh(softplus(x)).",
          Origin("publication", "Defines Mish this way.", ref="misra2020"),
          _exactly("The formula against F.mish in float64.", identity(mish, mish_formula)), "modern.md"),
    Claim("selu-self-normalising", "SELU is self-normalising.",
          Origin("publication", "Proved that, for weights of mean 0 and variance 1/n (LeCun-normal), mean 0 and "
                 "variance 1 is an attracting fixed point of the activations' statistics through SELU layers, and "
                 "trained deep fully connected networks without normalisation layers.", ref="klambauer2017"),
          (Sense("with LeCun-normal weights, the origin's condition",
                 "Mean and variance through the self-normalisation experiment's deep MLP; share of layers kept "
                 "within tolerance.", AtLeast(1.0, "the share of layers kept", most=1.0), selu("lecun")),
           Sense("with PyTorch's default initialisation",
                 "The same network with nn.Linear's own initialisation.", AtLeast(1.0, "the share of layers kept", most=1.0),
                 selu("default"))),
          "experiments.md"),
    Claim("relu-sparsity", "ReLU outputs exactly zero for negative inputs, giving sparse activations.",
          Origin("publication", "Measured the share of exactly zero hidden units in trained rectifier networks "
                 "and argued that such sparsity helps.", ref="glorot2011"),
          (Sense("share of exact zeros for inputs centred on zero",
                 "Standard-normal input, by quadrature on the float64 grid.",
                 AtLeast(SPARSE_SHARE, "the share of exact zeros"), relu_sparsity),),
          "relu.md"),
    Claim("relu-gradient-depth", "ReLU's gradients do not fade through many layers.",
          Origin("publication", "Derived the initialisation, weights of variance 2/fan_in, under which a ReLU "
                 "network keeps the scale of its gradients from layer to layer, and trained deep ReLU networks "
                 "with it that an earlier scheme could not.", ref="he2015"),
          (Sense("with He initialisation, the origin's condition",
                 "The gradient-flow experiment at depth 20: the first layer's weight-gradient norm over the last's "
                 "(the gradient reaching a weight matrix, which also carries the norm of that layer's input; not "
                 "the pre-activation gradient of the ten-layer sigmoid bound).",
                 AtLeast(NO_FADE_SHARE, "the first layer's share of the last layer's weight-gradient norm"),
                 gradient_depth("kaiming")),
           Sense("with PyTorch's default initialisation", "The same network with nn.Linear's own initialisation.",
                 AtLeast(NO_FADE_SHARE, "the first layer's share of the last layer's weight-gradient norm"),
                 gradient_depth("default"))),
          "relu.md"),
    Claim("relu-dies-high-lr", "A too-high learning rate kills ReLU units.",
          Origin("folklore", "A remark without a controlled measurement behind it.",
                 source="course notes (Stanford's CS231n) warning that a large learning rate can leave much of "
                 "a ReLU network dead"),
          (Sense("units dead on the whole training set",
                 "The dying-ReLU experiment: Adam at 50 times its default rate against the default, same weights "
                 "and batches; per seed.", AtLeast(KILLED_SHARE, "the extra share of units dead at the high rate"),
                 killed),),
          "experiments.md"),
    Claim("leaky-avoids-dying", "Leaky ReLU avoids dying units.",
          Origin("publication", "Introduced the leak so that a unit that is not active still receives a small "
                 "gradient, and measured word error rates of speech recognisers, where leaky and plain rectifiers "
                 "did about equally well; it reported no count of dead units.", ref="maas2013"),
          (Sense("gradient sense: a stuck unit still gets a gradient",
                 "Gradient of the loss over the whole training set reaching each stuck unit's weights and bias, "
                 "after the high-rate phase; per seed.",
                 AtMost(0.0, "the share of stuck units whose gradient is exactly zero"), leaky_gradient),
           Sense("recovery sense: stuck units come back",
                 "Share of the units stuck after the high-rate phase that are active again after the recovery "
                 "phase at Adam's default rate; per seed.",
                 AtLeast(REVIVED_SHARE, "the share of stuck units that revive"), leaky_recovery)),
          "experiments.md"),
    Claim("cross-entropy", "nn.CrossEntropyLoss combines LogSoftmax and NLLLoss.",
          Origin("documentation", "States it.", source="PyTorch's reference for nn.CrossEntropyLoss"),
          _exactly("Both losses on the same random logits, float64.", cross_entropy), "choosing.md"),
)


# ------------------------------------------------------------------ evaluation


def evaluate(evidence: Evidence) -> list[tuple[Claim, list[Finding]]]:
    """Every claim with the finding of each of its senses, in the textbook's order."""
    return [(claim, [judge(s, evidence, claim.setting) for s in claim.senses]) for claim in CLAIMS]
