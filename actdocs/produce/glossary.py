"""The site's vocabulary: one definition for each term it measures.

Every word the site computes (saturated, dead, kink, jump, smooth, bounded,
zero-centred, monotonic, maximum gradient, cost, kept for backward, exactly zero) is defined here once,
in a :class:`Term`, with the thresholds read from the constants the measurements use
(:mod:`actdocs.catalog`, :mod:`actdocs.measure.properties`). Each
term names the function that computes it (``computed_by``); tests check that every
producer of the word calls that function.

``fragments/glossary.md`` (artifact ``fragment-glossary``) is included by
``docs/glossary.md``; each term is a heading with a stable anchor (``#saturated``,
``#zero-centred``, ...) that other pages link to (:func:`link`). The legend of the
property tables (:func:`actdocs.produce.tables.properties_legend`) quotes the same sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from actdocs import paths
from actdocs import catalog
from actdocs.measure import memory, properties
from actdocs.engine.artifact import Artifact
from actdocs.render.markdown import text_artifact
from actdocs.render.numbers import format_number

MODULE = "actdocs.produce.glossary"

#: The page, relative to ``docs/``.
PAGE = "glossary.md"


@dataclass(frozen=True)
class Term:
    """One measured term: its anchor, its name, its definition, who computes it.

    ``define`` returns the definition in Markdown (a function, so that the thresholds
    are read when the fragment is built); ``computed_by`` is the dotted name of the one
    function that decides the term; ``used_on`` lists (page, title) pairs where it appears.
    """

    anchor: str
    name: str
    define: Callable[[], str]
    computed_by: str
    used_on: tuple[tuple[str, str], ...] = ()


def _n(value: float) -> str:
    return format_number(value)


def _saturated() -> str:
    return (
        f"A function is saturated on a stretch of inputs where its derivative stays small: "
        f"|f′(x)| < {_n(catalog.SATURATION_THRESHOLD)} at every x of an interval at least "
        f"{_n(catalog.MIN_FLAT_WIDTH)} wide, or one that runs on to −∞ or +∞. Where f′ is exactly 0 "
        "on the whole stretch (ReLU below zero) the set is marked f′ = 0. A point where the "
        "derivative only crosses zero, such as the minimum of GELU, is a stationary point and not "
        "saturation, and neither is a stretch narrower than that width. An input is saturated "
        "when it lies in this set; the share of saturated inputs is the share of samples inside it."
    )


def _dead() -> str:
    return (
        "A hidden unit is stuck when its pre-activation z = Wx + b is at most zero on every "
        "example of the training set. A stuck unit is dead when the activation's derivative is "
        "exactly zero there, as for ReLU: its output and the gradient reaching its own weights are "
        "then zero, so only the layers below can bring it back. A stuck Leaky ReLU unit is not dead: "
        "it still passes its slope's share of the gradient."
    )


def _kink() -> str:
    return (
        "A point where the function is continuous but its derivative jumps: f′ changes by "
        f"{_n(properties.SMOOTH_MAX_JUMP)} or more between neighbouring points of the measurement grid "
        f"(steps of {_n(properties.FINE_STEP)} near zero), located to {properties.BREAK_DECIMALS} decimals. "
        "The derivative is undefined "
        "there; this site quotes the value PyTorch's autograd returns, and the figures break the "
        "dashed derivative line at the point."
    )


def _jump() -> str:
    return (
        "A point where the function itself is discontinuous (Threshold, Hardshrink): its value "
        f"changes by {_n(properties.JUMP_MIN)} or more between neighbouring points of the "
        f"measurement grid (steps of {_n(properties.FINE_STEP)} near zero). Its derivative jumps "
        "there too."
    )


def _smooth() -> str:
    return (
        "The derivative is continuous: on the measurement grid it never changes by "
        f"{_n(properties.SMOOTH_MAX_JUMP)} or more between neighbouring points. A function with a "
        "kink or a jump is not smooth."
    )


def _bounded() -> str:
    return (
        "Whether the outputs stay inside a finite range below, above, both or neither. An end "
        f"counts as unbounded when the output read far out (at x = ±{_n(properties.FAR)}) passes "
        f"{_n(properties.INFINITE_BEYOND)} in size."
    )


def _zero_centred() -> str:
    return (
        "The mean output for a standard-normal input, E[f(Z)], lies within "
        f"{_n(catalog.ZERO_CENTRED_TOLERANCE)} of zero. The experiments report the mean of their "
        "samples at several input scales; the word itself is decided at scale 1."
    )


def _monotonic() -> str:
    return (
        "The function never decreases (or never increases) between neighbouring points of the "
        "measurement grid, beyond float64 rounding."
    )


def _max_gradient() -> str:
    return (
        "The largest size of the derivative, |f′|, whatever its sign, over the measurement grid "
        f"(|x| ≤ {_n(properties.SCAN_END)}); where it is only approached as x grows, the table says so."
    )


def _cost() -> str:
    return (
        "A label for the arithmetic one output takes, not a timing. *Cheap*: comparisons, additions "
        "and multiplications only (the piecewise-linear functions, and Hardswish, whose middle piece "
        "is the quadratic x(x + 3)/6). *Moderate*: a division by "
        "something that depends on x, and no other special function (Softsign). *Expensive*: "
        "an exponential, logarithm, tanh or erf. Measured times, which also depend on the "
        "hardware and on memory traffic, are on the [benchmarks page](benchmarks.md)."
    )


def _kept_for_backward() -> str:
    rows, width = memory.SHAPE
    return (
        "The bytes that autograd holds from the forward pass for the backward pass, per element of the "
        "activation's input: each tensor the PyTorch module saves, counted with "
        "`torch.autograd.graph.saved_tensors_hooks` and each block of memory (storage) once, the "
        "module's own parameters left out. It is measured on a "
        f"{rows} × {width} input that is the output of an earlier op, as inside a network, in "
        f"{' and '.join(memory.DTYPES)}, as called and, where the module has an `inplace` switch, in "
        "place. A saved input counts, since nothing else keeps it; a saved output counts too, "
        "though the next Linear layer keeps the same tensor as its input."
    )


def _exactly_zero() -> str:
    return (
        "An output equal to 0 in float32. That includes the negative half of ReLU, but also "
        "values that round to 0, such as GELU far below zero."
    )


TERMS: tuple[Term, ...] = (
    Term("saturated", "Saturated", _saturated, "actdocs.measure.properties.saturated",
         (("activations.md", "All activations"), ("experiments.md#distribution-effects", "Experiments"),
          ("classic.md#the-problem-saturation", "Classic activations"))),
    Term("dead", "Dead (and stuck) unit", _dead, "actdocs.experiments.dying_relu.dead_masks",
         (("experiments.md", "Experiments"), ("relu.md", "ReLU and its variants"))),
    Term("kink", "Kink", _kink, "actdocs.measure.properties.break_points", (("activations.md", "All activations"),)),
    Term("jump", "Jump", _jump, "actdocs.measure.properties.break_points", (("activations.md", "All activations"),)),
    Term("smooth", "Smooth", _smooth, "actdocs.measure.properties.max_derivative_jump", (("activations.md", "All activations"),)),
    Term("bounded", "Bounded", _bounded, "actdocs.measure.properties.bounded", (("activations.md", "All activations"),)),
    Term("zero-centred", "Zero-centred", _zero_centred, "actdocs.measure.properties.zero_centred",
         (("activations.md", "All activations"), ("experiments.md#distribution-effects", "Experiments"))),
    Term("monotonic", "Monotonic", _monotonic, "actdocs.measure.properties.measure", (("activations.md", "All activations"),)),
    Term("max-gradient", "Max gradient", _max_gradient, "actdocs.measure.properties.measure", (("activations.md", "All activations"),)),
    Term("cost", "Cost", _cost, "actdocs.measure.properties.cost_class", (("activations.md", "All activations"),)),
    Term("kept-for-backward", "Kept for backward", _kept_for_backward, "actdocs.measure.memory.saved_storages",
         (("activations.md", "All activations"),)),
    Term("exactly-zero", "Exactly zero", _exactly_zero, "actdocs.experiments.distributions.run",
         (("experiments.md#distribution-effects", "Experiments"),)),
)


def get(anchor: str) -> Term:
    """The term with this anchor."""
    for term in TERMS:
        if term.anchor == anchor:
            return term
    raise KeyError(anchor)


def link(anchor: str, text: str | None = None) -> str:
    """A Markdown link to the term's definition, from a page at the top of ``docs/``."""
    return f"[{text or get(anchor).name.lower()}]({PAGE}#{anchor})"


def glossary_fragment() -> str:
    """Every term as a heading with its anchor, its definition and where the site uses it."""
    parts = []
    for term in TERMS:
        used = ", ".join(f"[{title}]({page})" for page, title in term.used_on)
        parts.append(f"## {term.name} {{#{term.anchor}}}\n\n{term.define()}\n" + (f"\n*Used on:* {used}.\n" if used else ""))
    return "\n".join(parts)


def artifacts() -> list[Artifact]:
    """``fragment-glossary``."""
    return [text_artifact("fragment-glossary", paths.fragment("glossary"), glossary_fragment, MODULE)]
