"""Fragments of measured numbers for the pages on classic, ReLU and modern activations.

A page never types a number that comes from measuring. Each function here computes
its numbers from the catalog (:mod:`actdocs.catalog`), the measurements of
:mod:`actdocs.measure.properties` or the recorded benchmark runs of :mod:`actdocs.measure.recorded`
(never the build's quick benchmark, which differs from build to build), and returns
Markdown: a table rendered by :func:`actdocs.produce.tables.markdown_table` or a short
sentence. :func:`artifacts` writes them into the cache under ``facts/``, where the
pages include them with ``--8<-- "facts/<name>.md"``:

* ``facts/sigmoid-vs-tanh.md``: mean output on standard-normal input and the largest
  derivative of sigmoid and tanh, and the least factor a layer shrinks a gradient by;
* ``facts/saturation.md``: sigmoid's and tanh's derivatives from x = 0 outwards, the
  values at the textbook's saturation thresholds and where they stay below 0.01;
* ``facts/positive-gradient.md``: derivatives of sigmoid, tanh and ReLU at growing
  positive x, and ReLU's derivative over the whole positive measurement grid;
* ``facts/sigmoid-ten-layers.md``: the answer to the quick check on 0.25^10;
* ``facts/gelu-tanh-error.md``: how far the tanh approximation of GELU strays;
* ``facts/hardswish-gap.md``: how far Hardswish strays from Swish;
* ``facts/kinks.md``: at each kink, the derivative's one-sided limits and the value
  PyTorch's autograd returns there (Hardswish at ±3 among them);
* ``facts/swish-vs-hardswish.md``: the comparison table, its speed row read from the
  recorded runs in ``data/bench/`` or saying that none was recorded;
* ``facts/gelu-tanh-speed.md``: exact GELU's time over the tanh form's in the recorded
  runs, and the site's reasoning on where the tanh form is fast.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Callable, Sequence

import torch

from actdocs import catalog
from actdocs.measure import formulas, properties, recorded
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.catalog import SATURATION_THRESHOLD, Activation
from actdocs.render.numbers import format_number, format_percent, format_ratio, format_sig, format_sig_tex
from actdocs.render.markdown import markdown_table, text_artifact, write_text
from actdocs.render.wording import flat_end
from actdocs.produce.tables import inline_math

MODULE = "actdocs.produce.facts"

#: The |x| beyond which the textbook calls each classic function saturated.
SOURCE_SATURATION: dict[str, float] = {"sigmoid": 4.0, "tanh": 3.0}

#: The |x| at which the saturation table reads the classic derivatives.
SATURATION_POINTS: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)

#: Decimals of the saturation edge in the classic page's sentences: enough that an edge
#: near a round number (tanh's 2.9933) is not written as that number (3).
EDGE_DECIMALS = 3

#: Positive x at which the gradient table compares sigmoid, tanh and ReLU.
POSITIVE_POINTS: tuple[float, ...] = (0.5, 2.0, 5.0, 10.0, 15.0)
POSITIVE_KEYS: tuple[str, ...] = ("sigmoid", "tanh", "relu")

#: Layers in the textbook's quick check.
QUICK_CHECK_LAYERS = 10


#: What each side of the Swish-vs-Hardswish comparison computes (read off the formulas).
COMPUTATION: dict[str, str] = {
    "silu": "An exponential and a division, inside the sigmoid",
    "hardswish": "Only an add, a clamp, a multiply and a divide by 6",
}


# ------------------------------------------------------------------------ numbers


def _grad(key: str, x: float) -> float:
    return properties.grad_at(catalog.get(key), x)


def _x(value: float) -> str:
    return f"x = {format_number(value)}"


# ------------------------------------------------------------------ classic page


def _shrink(peak: float, at: float) -> str:
    factor = 1 / peak
    if factor == 1:
        return f"1× (no shrink, but only at {_x(at)})"
    return f"{format_number(factor, 2)}×"


def sigmoid_vs_tanh_table(keys: Sequence[str] = ("sigmoid", "tanh")) -> str:
    """Function | mean output for N(0, 1) input | largest derivative | least shrink per layer."""
    rows = []
    for key in keys:
        record = catalog.get(key)
        m = properties.measure(record)
        rows.append([
            record.name,
            format_number(m.zero_centred_mean, 3),
            f"{format_number(m.max_grad)} at {_x(m.max_grad_at)}",
            _shrink(m.max_grad, m.max_grad_at),
        ])
    return markdown_table(
        ["Function", "Mean output, standard-normal input", "Largest derivative", "A layer shrinks the gradient by at least"],
        rows,
        ["left", "right", "right", "right"],
    )


def _saturated_beyond(record: Activation) -> float:
    """The |x| beyond which the measured flat set covers both sides (sigmoid: 4.58...)."""
    left, right = properties.saturation_set(record)
    return max(-left.hi, right.lo)


def saturation_fragment(
    thresholds: dict[str, float] = SOURCE_SATURATION, points: Sequence[float] = SATURATION_POINTS
) -> str:
    """The classic derivatives from 0 outwards, then a sentence per threshold of the textbook."""
    records = [catalog.get(k) for k in thresholds]
    rows = []
    for x in points:
        cells = [format_number(x)]
        for r in records:
            value = format_sig(_grad(r.key, x))
            cells.append(f"**{value}**" if x == thresholds[r.key] else value)
        rows.append(cells)
    table = markdown_table(["|x|", *(f"{r.name} derivative" for r in records)], rows, ["right"] * (1 + len(records)))
    lines = []
    for r in records:
        at = thresholds[r.key]
        value, peak = _grad(r.key, at), properties.measure(r).max_grad
        beyond = _saturated_beyond(r)
        lines.append(
            f"- **{r.name}** at |x| = {format_number(at)}: the derivative is {format_sig(value)}, "
            f"{format_percent(value / peak, 2)} of its peak of {format_number(peak)}. It stays below "
            f"{format_number(SATURATION_THRESHOLD)} for every |x| beyond {flat_end(beyond, up=True, decimals=EDGE_DECIMALS)}."
        )
    note = "In bold: the textbook's thresholds. Derivatives measured with autograd in float64; " \
        "both are even functions, so −x gives the same value."
    return table + "\n" + note + "\n\n" + "\n".join(lines) + "\n"


# --------------------------------------------------------------------- ReLU page


def positive_gradient_fragment(keys: Sequence[str] = POSITIVE_KEYS, points: Sequence[float] = POSITIVE_POINTS) -> str:
    """Derivatives at growing positive x, then ReLU's derivative over the positive grid."""
    records = [catalog.get(k) for k in keys]
    rows = [[r.name, *(format_sig(_grad(r.key, x)) for x in points)] for r in records]
    table = markdown_table(["Derivative at", *(_x(x) for x in points)], rows, ["left", *["right"] * len(points)])
    relu = catalog.get("relu")
    grid = properties.measurement_grid()
    on_grid = grid[grid > 0]
    far = torch.tensor([properties.FAR], dtype=torch.float64)
    d = properties.derivative(relu, torch.cat([on_grid, far]))
    values = sorted(set(d.tolist()))
    if len(values) == 1:
        verdict = f"every value is exactly {format_number(values[0])}"
    else:
        verdict = f"the values range from {format_sig(values[0])} to {format_sig(values[-1])}"
    sentence = (
        f"The build also measured ReLU's derivative with autograd at {on_grid.numel():,} points "
        f"between 0 and {format_number(on_grid.max().item())} (every {format_number(properties.FINE_STEP)} "
        f"up to {format_number(properties.FINE_END)}, every {format_number(properties.SCAN_STEP)} beyond) "
        f"and at x = {format_sig(properties.FAR, 1)}: {verdict}."
    )
    return table + "\n" + sentence + "\n"


def ten_layers_fragment(key: str = "sigmoid", layers: int = QUICK_CHECK_LAYERS) -> str:
    """The answer to the quick check: the largest gradient left after ``layers`` layers."""
    record = catalog.get(key)
    peak = properties.measure(record).max_grad
    left = peak**layers
    inverse = 1 / left
    inverse_text = f"{round(inverse):,}".replace(",", "{,}") if abs(inverse - round(inverse)) < 1e-6 else format_sig_tex(inverse)
    order = math.floor(-math.log10(left))
    share = f"less than $10^{{-{order}}}$" if order > 0 else format_sig(left)
    return (
        f"${format_number(peak)}^{{{layers}}} = 1/{inverse_text} \\approx "
        f"{format_sig_tex(left)}$. Even with every unit at the peak of its derivative, "
        f"{record.name.lower()}'s {format_number(peak)} is multiplied in once per layer, so the "
        f"gradient that reaches layer 1 is {share} of the one at the output.\n"
    )


# ------------------------------------------------------------------- modern page


def _max_gap(a: Activation, b: Activation) -> tuple[float, float]:
    """The largest |a(x) - b(x)| over the measurement grid, and the first x where it occurs."""
    x = properties.measurement_grid()
    gap = (a.scalar_view(x) - b.scalar_view(x)).abs()
    i = int(gap.argmax())
    return gap[i].item(), x[i].item()


def _gap_at(a: Activation, b: Activation, at: float) -> float:
    """|a(at) - b(at)| in float64."""
    t = torch.tensor([at], dtype=torch.float64)
    return abs((a.scalar_view(t) - b.scalar_view(t)).item())


def _mirrored(a: Activation, b: Activation, gap: float, at: float) -> bool:
    """Whether the largest gap ``gap`` at ``at`` is reached again at ``-at`` (to 1e-9 of it):
    then the sentence must name both points, not only the one the grid met first."""
    return at != 0 and abs(_gap_at(a, b, -at) - gap) <= 1e-9 * gap


def _where(a: Activation, b: Activation, gap: float, at: float, digits: int | None = None) -> str:
    """"x ≈ ±2.7" when the largest gap is mirrored, else "x ≈ -2.7" (exact "=" without ``digits``)."""
    sign = "=" if digits is None else "≈"
    if _mirrored(a, b, gap, at):
        return f"x {sign} ±{format_number(abs(at), digits) if digits else format_number(abs(at))}"
    return f"x {sign} {format_number(at, digits) if digits else format_number(at)}"


def _gelu_values(exact: Activation, gap: float, at: float, approx: Activation) -> str:
    """The exact GELU at the point(s) of the largest gap: "−0.00939 at −2.7 and 2.69 at 2.7"."""
    points = sorted({at, -at}) if _mirrored(exact, approx, gap, at) else [at]
    return " and ".join(
        f"{format_sig(exact.scalar_view(torch.tensor([x], dtype=torch.float64)).item())} at {format_number(x, 2)}"
        for x in (round(p, 2) for p in points))  # the value at the point it names, not at the unrounded one


def gelu_tanh_error_fragment() -> str:
    """How far GELU's tanh approximation strays from the exact GELU."""
    exact, approx = catalog.get("gelu"), catalog.get("gelu_tanh")
    gap, at = _max_gap(exact, approx)
    x = properties.measurement_grid()
    return (
        f"Over x from {format_number(x.min().item())} to {format_number(x.max().item())} (in float64), "
        f"the approximation is never off by more than {format_sig(gap)}; the largest gap is at "
        f"{_where(exact, approx, gap, at, 2)}, where the exact GELU is "
        f"{_gelu_values(exact, gap, at, approx)}. "
        f"Small, but not zero: a model should run with the GELU it was trained with.\n"
    )


def hardswish_gap_fragment() -> str:
    """How far Hardswish strays from Swish, and where."""
    hard, swish = catalog.get("hardswish"), catalog.get("silu")
    gap, at = _max_gap(hard, swish)
    points = sorted({at, -at}) if _mirrored(hard, swish, gap, at) else [at]
    values = []
    for x in points:
        t = torch.tensor([x], dtype=torch.float64)
        values.append(f"at {_x(x)} Hardswish is exactly {format_number(hard.scalar_view(t).item())} "
                      f"and Swish {format_sig(swish.scalar_view(t).item())}")
    return (
        f"The two agree at 0 and far out on either side; the largest gap, "
        f"{format_sig(gap)}, is at {_where(hard, swish, gap, at)}: {'; '.join(values)}.\n"
    )


def speed_text(runs: list[recorded.Run] | None, slow: str = "silu", fast: str = "hardswish") -> str:
    """``slow``'s time over ``fast``'s, forward, for each recorded run and size; or NO_RUN."""
    if not runs:
        return recorded.NO_RUN[0].upper() + recorded.NO_RUN[1:]
    parts = []
    for run in runs:
        for size, size_label in recorded.SIZES.items():
            m = recorded.ratio(run, slow, fast, size=size)
            value = (f"{format_ratio(m.value)} ({format_ratio(m.low)}–{format_ratio(m.high)})" if m
                     else recorded.FLAGGED)
            parts.append(f"{run.label}, {size_label}: {value}")
    return "; ".join(parts)


def _smoothness(record: Activation) -> str:
    if properties.measure(record).smooth:
        return "Yes, everywhere"
    kinks = " and ".join(format_number(x) for x in properties.breaks(record))
    return f"No: piecewise, with kinks at x = {kinks}"


def swish_hardswish_table(runs: list[recorded.Run] | None, keys: tuple[str, str] = ("silu", "hardswish")) -> str:
    """Property | Swish | Hardswish: formula, smoothness, computation, speed, where used.

    The speed row is SiLU's time over Hardswish's in the recorded benchmark runs
    (:mod:`actdocs.measure.recorded`); without one it says that nothing was measured. The
    build's quick benchmark never feeds it.
    """
    records = [catalog.get(k) for k in keys]
    rows = [
        ["Formula", *(inline_math(r"\displaystyle " + formulas.first_side_tex(r)) for r in records)],
        ["Smooth?", *(_smoothness(r) for r in records)],
        ["Computation", *(f"{COMPUTATION[r.key]} (cost: {r.properties.cost})" for r in records)],
        [f"Speed: {records[0].name}'s time over {records[1].name}'s", "Baseline", speed_text(runs, *keys)],
        ["Used in", *(r.used_in_text for r in records)],
    ]
    return markdown_table(["Property", *(r.name for r in records)], rows)


SPEED_NOTE = (
    "Speed: one forward call, eager float32 with preallocated outputs, timed in the benchmark runs recorded "
    "in `data/bench/` (each named by device, machine, threads and date; ratios taken per pass, the interval "
    "over passes). The build's own quick benchmark, shown on the benchmarks page as this machine, is not used "
    "here."
)


def swish_hardswish_fragment(runs: list[recorded.Run] | None) -> str:
    """The comparison table followed by the sentence on how its speed row was measured."""
    return swish_hardswish_table(runs) + "\n" + SPEED_NOTE + "\n"


# ----------------------------------------------------------------- kinks and GELU's speed


def break_type(x: float, jumps: tuple[float, ...]) -> str:
    """"jump" where the function's value changes at ``x`` (one of the record's measured jumps),
    else "kink": the glossary's two words, one definition each."""
    return "jump" if x in jumps else "kink"


def kinks_fragment() -> str:
    """At each kink and jump of every record (where its figure's derivative jumps), with its type: the derivative's
    limit from the left and from the right, and what PyTorch's autograd returns exactly
    there (the value every table and figure uses)."""
    rows = []
    for record in catalog.ACTIVATIONS:
        jumps = properties.measure(record).jumps
        for x in properties.breaks(record):
            off = properties.KINK_OFFSET
            left, right, at = (_grad(record.key, x + d) for d in (-off, off, 0.0))
            rows.append([record.name, _x(x), break_type(x, jumps), format_sig(left, 4), format_sig(right, 4),
                         format_sig(at, 4)])
    table = markdown_table(["Activation", "Point", "Type", "f′ just left of it", "f′ just right of it",
                            "PyTorch's f′ there"], rows, ["left", "right", "left", "right", "right", "right"])
    hard = catalog.get("hardswish")
    lo, hi = properties.breaks(hard)
    at_lo, at_hi = _grad(hard.key, lo), _grad(hard.key, hi)
    off = properties.KINK_OFFSET
    outer = (at_lo == _grad(hard.key, lo - off) and at_hi == _grad(hard.key, hi + off))
    peak = properties.measure(hard).max_grad
    return (
        f"{table}\nA kink is a point where the function is continuous but its slope changes; at a jump the "
        f"function's value itself changes (the glossary defines both). At either point the derivative is "
        f"not defined: at a kink its one-sided limits differ, and at a jump the function is not even "
        f"continuous. PyTorch's autograd "
        f"returns a value there anyway (the last column), and every derivative this site shows at such a point "
        f"is PyTorch's. For {hard.name} it gives {format_sig(at_lo, 4)} at {_x(lo)} and {format_sig(at_hi, 4)} "
        f"at {_x(hi)}{', the slopes of the outer pieces' if outer else ''}; the middle piece's slope only "
        f"approaches {format_number(peak, 4)} as x rises to {format_number(hi)} and never reaches it.\n"
    )


GELU_REASONING = (
    "The tanh form was proposed as a cheaper stand-in for the exact GELU, and whether it is cheaper depends "
    "on the kernel, not on the formula. A fused kernel on a GPU is limited by moving data, so either form "
    "costs about the same there; a library that uses the tanh form by default (JAX's `jax.nn.gelu` has "
    "`approximate=True`) optimises that form; on a CPU each runs whatever code PyTorch has for it, which is "
    "what the ratios above measure. This paragraph is the site's reasoning; only the ratios are measurements."
)


def gelu_tanh_speed_fragment(runs: list[recorded.Run] | None) -> str:
    """Exact GELU's time over the tanh form's in each recorded run, what that says, and why."""
    if not runs:
        measured = f"The tanh form's speed against exact GELU: {recorded.NO_RUN}."
    else:
        lines = []
        for run in runs:
            for size, size_label in recorded.SIZES.items():
                m = recorded.ratio(run, "gelu", "gelu_tanh", size=size)
                if m is None:
                    lines.append(f"- {run.label}, {size_label}: {recorded.FLAGGED}.")
                    continue
                verdict = ("the tanh form is faster" if m.low > 1 else "the tanh form is slower" if m.high < 1
                           else "neither is clearly faster")
                lines.append(f"- {run.label}, {size_label}: exact GELU takes {format_ratio(m.value)} the tanh "
                             f"form's time ({format_ratio(m.low)}–{format_ratio(m.high)}): {verdict}.")
        measured = "Exact GELU's time over the tanh form's, forward, in the recorded benchmark runs:\n\n" + "\n".join(lines)
    return f"{measured}\n\n{GELU_REASONING}\n"


# ------------------------------------------------------------------------ artifacts


def fact_path(name: str) -> str:
    """The cache path of a fact fragment."""
    return f"facts/{name}.md"


def _make_recorded(name: str, render: Callable[[list[recorded.Run] | None], str], out: Path, ctx: Context) -> None:
    write_text(out, fact_path(name), render(recorded.runs(ctx.root)))


#: The fragments that read the recorded benchmark runs: name -> render(runs).
RECORDED_FACTS: dict[str, Callable[[list[recorded.Run] | None], str]] = {
    "swish-vs-hardswish": swish_hardswish_fragment,
    "gelu-tanh-speed": gelu_tanh_speed_fragment,
}


#: The fragments computed from the catalog and the measurements alone: name -> render.
TEXT_FACTS: dict[str, Callable[[], str]] = {
    "sigmoid-vs-tanh": sigmoid_vs_tanh_table,
    "saturation": saturation_fragment,
    "positive-gradient": positive_gradient_fragment,
    "sigmoid-ten-layers": ten_layers_fragment,
    "gelu-tanh-error": gelu_tanh_error_fragment,
    "hardswish-gap": hardswish_gap_fragment,
    "kinks": kinks_fragment,
}


def artifacts(root: Path = REPO_ROOT) -> list[Artifact]:
    """The measured facts and the fragments read from recorded runs.

    The last are keyed by the files in ``data/bench/``; the build's quick benchmark
    feeds none of them.
    """
    found: list[Artifact] = []
    found += [text_artifact(f"facts-{name}", fact_path(name), render, MODULE)
              for name, render in TEXT_FACTS.items()]
    found += [Artifact(name=f"facts-{name}", outputs=(fact_path(name),),
                       make=functools.partial(_make_recorded, name, render), module=MODULE,
                       inputs=recorded.input_files(root))
              for name, render in RECORDED_FACTS.items()]
    return found
