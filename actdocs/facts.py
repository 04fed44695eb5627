"""Fragments of measured numbers for the pages on classic, ReLU and modern activations.

A page never types a number that comes from measuring. Each function here computes
its numbers from the catalog (:mod:`actdocs.catalog`), the measurements of
:mod:`actdocs.properties` or the quick benchmark of :mod:`actdocs.bench`, and returns
Markdown: a table rendered by :func:`actdocs.tables.markdown_table` or a short
sentence. :func:`artifacts` writes them into the cache under ``facts/``, where the
pages include them with ``--8<-- "facts/<name>.md"``:

* ``facts/figure-<key>.md``: a record's figure, light and dark, with its alt text;
* ``facts/sigmoid-vs-tanh.md``: mean output on standard-normal input and the largest
  derivative of sigmoid and tanh, and the least factor a layer shrinks a gradient by;
* ``facts/saturation.md``: sigmoid's and tanh's derivatives from x = 0 outwards, the
  values at the source's saturation thresholds and where they stay below 0.01;
* ``facts/positive-gradient.md``: derivatives of sigmoid, tanh and ReLU at growing
  positive x, and ReLU's derivative over the whole positive measurement grid;
* ``facts/sigmoid-ten-layers.md``: the answer to the quick check on 0.25^10;
* ``facts/gelu-tanh-error.md``: how far the tanh approximation of GELU strays;
* ``facts/hardswish-gap.md``: how far Hardswish strays from Swish;
* ``facts/swish-vs-hardswish.md``: the comparison table, its speed row read from the
  quick benchmark's ``data/bench-quick.json``.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any, Callable, Sequence

import torch

from actdocs import bench, catalog, properties
from actdocs.build import Artifact, Context
from actdocs.catalog import SATURATION_THRESHOLD, Activation
from actdocs.figures import alt_text, figure_path, jump_points
from actdocs.numbers import format_number, format_percent, format_ratio, format_seconds, format_sig, format_sig_tex
from actdocs.markdown import image_pair, markdown_table, text_artifact, write_text
from actdocs.tables import inline_math

MODULE = "actdocs.facts"

#: Records whose figure the pages of this module show, each as ``facts/figure-<key>.md``.
FIGURE_KEYS: tuple[str, ...] = (
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
    "gelu", "silu", "mish", "hardswish", "swiglu",
)

#: The |x| beyond which the source calls each classic function saturated.
SOURCE_SATURATION: dict[str, float] = {"sigmoid": 4.0, "tanh": 3.0}

#: The |x| at which the saturation table reads the classic derivatives.
SATURATION_POINTS: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)

#: Positive x at which the gradient table compares sigmoid, tanh and ReLU.
POSITIVE_POINTS: tuple[float, ...] = (0.5, 2.0, 5.0, 10.0, 15.0)
POSITIVE_KEYS: tuple[str, ...] = ("sigmoid", "tanh", "relu")

#: Layers in the source's quick check.
QUICK_CHECK_LAYERS = 10

#: The quick benchmark's output that the Swish-vs-Hardswish table reads.
BENCH_JSON = "data/bench-quick.json"
#: The cells of that document the speed row uses: the source's 1000 x 256 tensor,
#: forward only, float32, called the way a model calls it (``F.silu(x)``).
BENCH_CELL: dict[str, str] = {"size": "cache", "mode": "forward", "dtype": "float32", "convention": "as called"}

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


# ------------------------------------------------------------------------ figures


def figure_fragment(record: Activation | str) -> str:
    """The record's figure as two Material images (light and dark) sharing one alt text."""
    if isinstance(record, str):
        record = catalog.get(record)
    return image_pair(alt_text(record), figure_path(record.key, "{theme}"))


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
    left, right = properties.measure(record).saturation
    return max(-left.hi, right.lo)


def saturation_fragment(
    thresholds: dict[str, float] = SOURCE_SATURATION, points: Sequence[float] = SATURATION_POINTS
) -> str:
    """The classic derivatives from 0 outwards, then a sentence per source threshold."""
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
            f"{format_number(SATURATION_THRESHOLD)} for every |x| beyond {format_number(beyond, 2)}."
        )
    note = "In bold: the source's thresholds. Derivatives measured with autograd in float64; " \
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


def gelu_tanh_error_fragment() -> str:
    """How far GELU's tanh approximation strays from the exact GELU."""
    exact, approx = catalog.get("gelu"), catalog.get("gelu_tanh")
    gap, at = _max_gap(exact, approx)
    x = properties.measurement_grid()
    return (
        f"Over x from {format_number(x.min().item())} to {format_number(x.max().item())} (in float64), "
        f"the approximation is never off by more than {format_sig(gap)}; the largest gap is at "
        f"x ≈ {format_number(at, 2)}, where the exact GELU is {format_sig(exact.scalar_view(torch.tensor([at], dtype=torch.float64)).item())}. "
        f"Small, but not zero: a model should run with the GELU it was trained with.\n"
    )


def hardswish_gap_fragment() -> str:
    """How far Hardswish strays from Swish, and where."""
    hard, swish = catalog.get("hardswish"), catalog.get("silu")
    gap, at = _max_gap(hard, swish)
    at_t = torch.tensor([at], dtype=torch.float64)
    return (
        f"The two agree at 0 and far out on either side; the largest gap, "
        f"{format_sig(gap)}, is at {_x(at)}, where Hardswish is already exactly "
        f"{format_number(hard.scalar_view(at_t).item())} and Swish is still "
        f"{format_sig(swish.scalar_view(at_t).item())}.\n"
    )


def load_bench(path: Path) -> dict[str, Any]:
    """The benchmark document at ``path``, validated by :func:`actdocs.bench.validate`."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    problems = bench.validate(doc)
    if problems:
        raise ValueError(f"{path}: not a valid benchmark document: {problems[0]}")
    return doc


def bench_cell(doc: dict[str, Any], key: str, match: dict[str, str] = BENCH_CELL) -> dict[str, Any]:
    """The one cell of ``doc`` for activation ``key`` matching ``match``; ValueError if none."""
    hits = [c for c in doc["cells"] if c["key"] == key and all(c.get(k) == v for k, v in match.items())]
    if len(hits) != 1:
        wanted = ", ".join(f"{k}={v}" for k, v in match.items())
        raise ValueError(f"the benchmark document has {len(hits)} cells for {key} with {wanted}; expected 1")
    return hits[0]


def speed_cells(doc: dict[str, Any], base: str = "silu", other: str = "hardswish") -> tuple[str, str]:
    """The speed row: ``base`` as the baseline, ``other`` as a share more or less time than it."""
    a, b = bench_cell(doc, base), bench_cell(doc, other)

    def timing(cell: dict[str, Any]) -> str:
        flag = " ⚠" if cell.get("noisy") else ""
        return f"{format_seconds(cell['median_s'])}, {format_ratio(cell['ratio_to_relu'])} ReLU{flag}"

    change = b["median_s"] / a["median_s"] - 1
    if abs(change) < 0.005:
        relative = "As fast"
    else:
        relative = f"{format_percent(abs(change), 2)} {'less' if change < 0 else 'more'} time"
    return f"Baseline ({timing(a)})", f"{relative} ({timing(b)})"


def formula_rhs(record: Activation) -> str:
    """The first right-hand side of the record's formula: ``x\\,\\sigma(x)`` for SiLU."""
    parts = record.formula.split(" = ")
    return parts[1].strip() if len(parts) > 1 else parts[0].strip()


def _smoothness(record: Activation) -> str:
    if properties.measure(record).smooth:
        return "Yes, everywhere"
    kinks = " and ".join(format_number(x) for x in jump_points(record))
    return f"No: piecewise, with kinks at x = {kinks}"


#: The speed row's cells when the build has no benchmark document to read.
NO_BENCH = "Not measured: this build did not run the quick benchmark"


def swish_hardswish_table(doc: dict[str, Any] | None, keys: tuple[str, str] = ("silu", "hardswish")) -> str:
    """Property | Swish | Hardswish: formula, smoothness, computation, speed, where used.

    The speed row comes from the benchmark document ``doc``; with ``doc`` None it says
    that nothing was measured (it never shows a number that was not measured).
    """
    records = [catalog.get(k) for k in keys]
    speed = speed_cells(doc, *keys) if doc is not None else (NO_BENCH, NO_BENCH)
    rows = [
        ["Formula", *(inline_math(r"\displaystyle " + formula_rhs(r)) for r in records)],
        ["Smooth?", *(_smoothness(r) for r in records)],
        ["Computation", *(f"{COMPUTATION[r.key]} (cost: {r.properties.cost})" for r in records)],
        ["Speed", *speed],
        ["Used in", *(r.used_in_text for r in records)],
    ]
    return markdown_table(["Property", *(r.name for r in records)], rows)


def bench_note(doc: dict[str, Any], match: dict[str, str] = BENCH_CELL, keys: Sequence[str] = ("silu", "hardswish")) -> str:
    """A sentence saying how the speed row was measured, from the document's environment.

    When a cell of the row is flagged noisy, a second sentence says what the ⚠ means.
    """
    env = doc["environment"]
    shape = " × ".join(map(str, env.get("sizes", {}).get(match["size"]) or bench.SIZES[match["size"]]))
    text = (
        f"Speed: median time of one {match['mode']} call ({match['convention']}, `F.silu(x)` and "
        f"`F.hardswish(x)`) on a {shape} {match['dtype']} tensor, measured by the quick benchmark at build "
        f"time on {env['device']} ({env['device_name']}, {env['threads']} threads); "
        f"× ReLU is the time over ReLU's in the same run."
    )
    if any(bench_cell(doc, k, match).get("noisy") for k in keys):
        text += (" ⚠ Other processes loaded the machine during most passes of that cell, even after "
                 "retries: its time is less trustworthy.")
    return text + "\n"


def swish_hardswish_fragment(doc: dict[str, Any] | None) -> str:
    """The comparison table followed by the sentence on how its speed row was measured."""
    if doc is None:
        return swish_hardswish_table(None)
    return swish_hardswish_table(doc) + "\n" + bench_note(doc)


# ------------------------------------------------------------------------ artifacts


def fact_path(name: str) -> str:
    """The cache path of a fact fragment."""
    return f"facts/{name}.md"


def _make_figures(keys: tuple[str, ...], out: Path, ctx: Context) -> None:
    for key in keys:
        write_text(out, fact_path(f"figure-{key}"), figure_fragment(key))


def _make_swish_hardswish(read_bench: bool, out: Path, ctx: Context) -> None:
    doc = load_bench(ctx.cache / BENCH_JSON) if read_bench else None
    write_text(out, fact_path("swish-vs-hardswish"), swish_hardswish_fragment(doc))


#: The fragments computed from the catalog and the measurements alone: name -> render.
TEXT_FACTS: dict[str, Callable[[], str]] = {
    "sigmoid-vs-tanh": sigmoid_vs_tanh_table,
    "saturation": saturation_fragment,
    "positive-gradient": positive_gradient_fragment,
    "sigmoid-ten-layers": ten_layers_fragment,
    "gelu-tanh-error": gelu_tanh_error_fragment,
    "hardswish-gap": hardswish_gap_fragment,
}


def artifacts(with_bench: bool = True) -> list[Artifact]:
    """The figure fragments, the measured facts, and the Swish-vs-Hardswish table.

    With ``with_bench`` (the default) the table reads the quick benchmark's JSON, so these
    artifacts must come after ``bench-quick`` in the artifact list. ``with_bench=False`` is
    for a build without the benchmark: the table's speed row then says it was not measured.
    """
    found = [
        Artifact(
            name="facts-figures",
            outputs=tuple(fact_path(f"figure-{k}") for k in FIGURE_KEYS),
            make=functools.partial(_make_figures, FIGURE_KEYS),
            module=MODULE,
            params={"keys": list(FIGURE_KEYS)},
        )
    ]
    params: dict[str, dict[str, Any]] = {
        "saturation": {"thresholds": SOURCE_SATURATION, "points": list(SATURATION_POINTS)},
        "positive-gradient": {"keys": list(POSITIVE_KEYS), "points": list(POSITIVE_POINTS)},
        "sigmoid-ten-layers": {"layers": QUICK_CHECK_LAYERS},
    }
    found += [text_artifact(f"facts-{name}", fact_path(name), render, MODULE, params=params.get(name, {}))
              for name, render in TEXT_FACTS.items()]
    found.append(
        Artifact(
            name="facts-swish-vs-hardswish",
            outputs=(fact_path("swish-vs-hardswish"),),
            make=functools.partial(_make_swish_hardswish, with_bench),
            module=MODULE,
            params={"cell": BENCH_CELL, "computation": COMPUTATION, "bench": with_bench},
            reads=(BENCH_JSON,) if with_bench else (),
        )
    )
    return found
