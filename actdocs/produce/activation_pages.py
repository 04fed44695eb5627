"""One page per activation: the generated body of ``docs/activations/<key>.md``.

Every catalog record has a small authored stub, ``docs/activations/<key>.md``, that only
includes ``fragments/activation-<key>.md`` (:func:`actdocs.paths.activation_page`), so that
any builder that runs ``pymdownx.snippets`` builds the page. The artifact
``activation-pages`` writes every body from the record and what the other wings measured:

* the title, the summary, the formula and its derivative, the symbols and kink lines and
  the figure (:func:`formula_block`);
* "Measured properties": every column of the comparison table, as one two-column table;
* "Where it is used": the record's ``used_in``, each cited;
* "Speed against ReLU": from the benchmark runs kept in ``data/bench``
  (:mod:`actdocs.bench.load`), per device, one column per recorded run, each run named
  with its machine, torch version, threads, dtypes and date; or why there is no number;
* "Memory kept for backward": :mod:`actdocs.measure.memory`, float32 and bfloat16, as
  called and in place; or why a softmax-like record is not measured;
* "Defaults across frameworks": the rows of :mod:`actdocs.produce.framework_defaults`
  whose ``keys`` name the record;
* "In PyTorch": the functional, the ``torch.nn`` module, the ``inplace`` switch and the
  parameters the site uses;
* "Watch out": the record's ``watch_out`` and the sections of ``docs/pitfalls.md`` that
  concern it (:data:`PITFALLS`);
* "Taught in": the learning-path page that teaches it (:func:`actdocs.produce.tables.taught_in`).

Each body is written as a top-level page links and then rebased for its own folder
(:func:`actdocs.render.markdown.rebase_links`), so that the fragments and helpers shared with
top-level pages are written once.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Sequence

from actdocs import paths
from actdocs.bench import load
from actdocs.bench import render as bench_render
from actdocs.bench import schema
from actdocs.catalog import ACTIVATIONS, Activation
from actdocs.engine.artifact import Artifact, Context
from actdocs.measure import formulas, memory, shown_properties
from actdocs.produce import framework_defaults, frameworks, glossary, torch_nn
from actdocs.produce.memory_tables import roles_cell
from actdocs.produce.notation import kink_line, symbols_line
from actdocs.produce.tables import (ACTIVATIONS_PAGE, NOT_TAUGHT, PROPERTIES_COLUMNS, kept_cell, prose,
                                    property_table, taught_in)
from actdocs.render.markdown import loaded_with_the_page, markdown_table, rebase_links, write_text
from actdocs.render.numbers import format_percent

MODULE = "actdocs.produce.activation_pages"

#: The sections of ``docs/pitfalls.md`` (anchor -> heading) and the records each concerns;
#: ``tests/produce/test_activation_pages.py`` checks every heading is on that page.
PITFALLS_PAGE = "pitfalls.md"
PITFALLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "softmax-before-crossentropyloss": ("Softmax before CrossEntropyLoss", ("softmax", "log_softmax")),
    "relu-after-the-last-layer": ("ReLU after the last layer", ("relu",)),
    "sigmoid-or-tanh-in-a-deep-network": ("Sigmoid or tanh in a deep network", ("sigmoid", "tanh")),
    "taking-the-log-of-a-sigmoid-yourself": ("Taking the log of a sigmoid yourself", ("sigmoid", "logsigmoid", "softplus")),
}

#: Where the other pages hold what a record's page shows one row of.
PROPERTIES_ANCHOR = f"{ACTIVATIONS_PAGE}#properties-at-a-glance"
MEMORY_ANCHOR = f"{ACTIVATIONS_PAGE}#what-autograd-keeps"
FRAMEWORKS_ANCHOR = "pytorch.md#porting-defaults-that-differ-between-frameworks"
BENCHMARKS_PAGE = "benchmarks.md"

#: The cells the speed section quotes: a call as a reader writes it, PyTorch's own kernels.
SPEED_CONVENTION, SPEED_COLUMN = "as called", "eager"

#: The section headings of every body, in order.
SECTIONS: tuple[str, ...] = (
    "Measured properties", "Where it is used", "Speed against ReLU", "Memory kept for backward",
    "Defaults across frameworks", "In PyTorch", "Watch out", "Taught in",
)

Run = tuple[str, dict[str, Any]]


# ------------------------------------------------------------------ formula and figure


def _display_math(tex: str) -> str:
    return f"$$\n{tex.strip()}\n$$"


def formula_block(record: Activation, figure: str) -> list[str]:
    """The paragraphs that present a record, in order: summary, formula, derivative, the
    symbols and kink lines, how a non-element-wise record is drawn, and ``figure`` (the
    image pair its figure's artifact wrote)."""
    parts = [
        prose(record.summary),
        _display_math(formulas.formula_tex(record)),
        "Its derivative:",
        _display_math(formulas.derivative_tex(record)),
    ]
    parts += [line for line in (symbols_line(record), kink_line(record)) if line]
    if record.scalar_view_note:
        parts.append(f"*How it is drawn:* {record.scalar_view_note}")
    parts.append(loaded_with_the_page(figure.strip()))  # above the fold: not lazy
    return parts


# ------------------------------------------------------------------ sections


def properties_section(record: Activation) -> str:
    """Every column of the comparison table for this record, and where the terms are defined."""
    return (
        property_table(record, PROPERTIES_COLUMNS)
        + f"\nEach term is defined in the [glossary]({glossary.PAGE}); every activation side by side: "
        f"[properties at a glance]({PROPERTIES_ANCHOR}).\n"
    )


def usage_section(record: Activation) -> str:
    """Where the record is used, one cited item a line; or that the catalog records none."""
    if not record.used_in:
        return "The catalog records no model or paper that uses it.\n"
    return "".join(f"- {usage.text()}\n" for usage in record.used_in)


def ratio_cell(cell: dict[str, Any] | None) -> str:
    """A cell's time over ReLU's with its interval; flagged cells are marked ⚠ with their flags,
    and a cell above its ceiling (a harness failure) shows no number."""
    if cell is None:
        return "–"
    if "above_ceiling" in cell["flags"]:
        return bench_render.above_word(cell)
    text = bench_render.ratio_text(cell["ratio_to_relu"], cell["ratio_to_relu_ci"])
    return text + (f" ⚠ {', '.join(bench_render.flag_words(cell))}" if cell["flags"] else "")


def speed_cells(record: Activation, doc: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(dtype, size, mode) -> the record's quoted cell in one benchmark document, in document order."""
    return {(c["dtype"], c["size"], c["mode"]): c
            for c in schema.cells(doc, key=record.key, convention=SPEED_CONVENTION, column=SPEED_COLUMN)}


def _device_table(record: Activation, runs: Sequence[Run]) -> str:
    """One device: a row per dtype, size and mode measured, a column per recorded run, newest first."""
    by_run = [speed_cells(record, doc) for _, doc in runs]
    settings = list(dict.fromkeys(k for cells in by_run for k in cells))
    newest = runs[0][1]
    rows = [[dtype, schema.size_label(newest, size), mode, *(ratio_cell(cells.get((dtype, size, mode))) for cells in by_run)]
            for dtype, size, mode in settings]
    headers = ["Dtype", "Size", "Mode", *(f"× ReLU, run of {bench_render.date_text(doc)}" for _, doc in runs)]
    return markdown_table(headers, rows, ["left"] * 3 + ["right"] * len(runs))


def speed_section(record: Activation, runs: Sequence[Run]) -> str:
    """The record's time over ReLU's in every recorded run, by device; or why there is none."""
    benchmark = f"[benchmarks]({BENCHMARKS_PAGE})"
    if not runs:
        return f"No benchmark run is recorded yet, so there is no number here; see {benchmark}.\n"
    if record.key == schema.REFERENCE:
        return (f"{record.name} is the reference: every other page gives its time over {record.name}'s, "
                f"timed in the same passes. The absolute times are on the {benchmark} page.\n")
    by_device = load.per_device(list(runs))
    timed = {device: device_runs for device, device_runs in by_device.items()
             if any(speed_cells(record, doc) for _, doc in device_runs)}
    if not timed:
        return f"{record.name} was not benchmarked in any recorded run; see {benchmark}.\n"
    reference = bench_render.display_name(schema.REFERENCE)
    level = format_percent(runs[0][1]["environment"]["thresholds"]["level"])
    parts = [
        f"Its time for one call over {reference}'s, "
        f"timed in the same interleaved passes, {SPEED_CONVENTION} (a new output tensor each call) with "
        f"PyTorch's {SPEED_COLUMN} kernels: the median over passes of the per-pass ratio, with its {level} "
        f"interval. Above 1 it is slower than {reference}. Each column is one recorded run; where two runs of a "
        f"machine disagree beyond their intervals, no digit speaks for the machine. ⚠ marks a cell flagged "
        f"by its run, which carries no verdict. How it is measured: {benchmark}.",
    ]
    for device, device_runs in timed.items():
        env = device_runs[0][1]["environment"]
        parts.append(f"**{env['device_name']}** ({device}):")
        parts.append(_device_table(record, device_runs).rstrip("\n"))
        parts.append("\n".join(f"- `{rel}`: {bench_render.header_line(doc)}" for rel, doc in device_runs))
    if "cuda" not in by_device:
        parts.append("No GPU run is recorded, so the page shows no GPU numbers.")
    return "\n\n".join(parts) + "\n"


#: Why a softmax-like record has no memory figure (the site's own reasoning, as in :mod:`actdocs.measure.memory`).
NOT_MEASURED = ("Not measured: {name} normalises a whole row, so what autograd keeps for it belongs to the "
                "row rather than to one element; the memory table covers the element-wise functions and gated units.")


def memory_section(record: Activation) -> str:
    """Bytes kept per input element in float32 and bfloat16, as called and in place, and what
    the kept tensors are; or why the record is not measured."""
    defined = f"How each figure is counted: {glossary.link('kept-for-backward')}."
    if not memory.is_measured(record):
        return f"{NOT_MEASURED.format(name=record.name)} {defined}\n"
    m = memory.measure(record)
    in_place = m.in_place is not None
    headers = ["Dtype", "As called (B per input element)", "Saves"]
    if in_place:
        headers += ["In place (B per input element)", "Saves in place"]
    rows = []
    for dtype in memory.DTYPES:
        row = [dtype, kept_cell(m.of(dtype)), roles_cell(m.of(dtype))]
        if in_place:
            row += [kept_cell(m.of(dtype, True)), roles_cell(m.of(dtype, True))]
        rows.append(row)
    switch = ("Its module has an `inplace` switch, measured in the last two columns."
              if in_place else "Its module has no `inplace` switch.")
    return (markdown_table(headers, rows, ["left", "right", None] + (["right", None] if in_place else []))
            + f"\n{switch} {defined} Every activation side by side: [what autograd keeps]({MEMORY_ANCHOR}).\n")


def framework_rows(record: Activation) -> tuple[frameworks.Row, ...]:
    """The rows of the framework-defaults table that concern ``record``."""
    return tuple(row for row in frameworks.ROWS if record.key in row.keys)


def frameworks_section(record: Activation) -> str:
    """The record's rows of the framework-defaults table, or that it has none."""
    full = f"[defaults that differ between frameworks]({FRAMEWORKS_ANCHOR})"
    rows = framework_rows(record)
    if not rows:
        return f"The table of {full} on the PyTorch page has no row for {record.name}.\n"
    return framework_defaults.defaults_table(rows) + f"\nEvery setting, with its sources: {full}.\n"


def module_name(record: Activation) -> str | None:
    """``nn.ReLU``: the ``torch.nn`` module the record's module is, or None where torch.nn has none."""
    return next((f"nn.{name}" for name, keys in torch_nn.records_by_module().items() if record.key in keys), None)


def pytorch_section(record: Activation) -> str:
    """The functional call, the module, the ``inplace`` switch and the parameters the site uses."""
    module = module_name(record)
    lines = [f"- Call: `{record.torch_name}`."]
    lines.append(f"- Module: `{module}`." if module else "- Module: `torch.nn` has none; compose it from the call above.")
    if memory.has_inplace(record):
        lines.append("- In place: the module takes `inplace=True`, which overwrites its input; the memory "
                     "section above shows what that changes.")
    else:
        lines.append("- In place: the module has no `inplace` switch.")
    if record.defaults:
        params = ", ".join(f"`{name}={value}`" for name, value in record.defaults.items())
        lines.append(f"- Parameters this site draws and measures it with: {params}.")
    return "\n".join(lines) + "\n\nEvery module and how to call it: [In PyTorch](pytorch.md).\n"


def pitfalls_of(record: Activation) -> list[tuple[str, str]]:
    """(anchor, heading) of each section of the pitfalls page that concerns ``record``."""
    return [(anchor, title) for anchor, (title, keys) in PITFALLS.items() if record.key in keys]


def watch_out_section(record: Activation) -> str:
    """The record's ``watch_out`` and its pitfalls; or that the catalog notes none."""
    lines = [f"- {prose(record.watch_out)}."] if record.watch_out else []
    lines += [f"- Common pitfalls: [{title}]({PITFALLS_PAGE}#{anchor})." for anchor, title in pitfalls_of(record)]
    return "\n".join(lines) + "\n" if lines else "The catalog notes nothing particular to watch for.\n"


def taught_section(record: Activation) -> str:
    """A link to the learning-path page that teaches the record, or that none does."""
    taught = taught_in(record)
    if taught is None:
        return f"{NOT_TAUGHT.capitalize()}.\n"
    return f"[{taught[1]}]({taught[0]}).\n"


# ------------------------------------------------------------------ the body


def body(record: Activation, figure: str, runs: Sequence[Run] = ()) -> str:
    """The page of ``record`` as ``docs/activations/<key>.md`` includes it: its links rebased
    for that folder. ``figure`` is the image pair of its figure as a top-level page links it,
    ``runs`` the recorded benchmark runs (path, document), newest first."""
    sections = (properties_section(record), usage_section(record), speed_section(record, runs),
                memory_section(record), frameworks_section(record), pytorch_section(record),
                watch_out_section(record), taught_section(record))
    parts = [f"# {record.name}", *formula_block(record, figure)]
    for title, text in zip(SECTIONS, sections):
        parts += [f"## {title}", text.rstrip("\n")]
    return rebase_links("\n\n".join(parts) + "\n", paths.activation_stub(record.key))


def recorded(rels: Sequence[str], root: Path) -> list[Run]:
    """The benchmark documents at ``rels`` (under ``root``), validated, newest first."""
    return load.newest_first([(rel, load.load(root / rel)) for rel in rels])


def _make(rels: tuple[str, ...], out: Path, ctx: Context) -> None:
    shown_properties.verify()  # a declaration its measurement contradicts stops the build
    runs = recorded(rels, ctx.root)
    for record in ACTIVATIONS:
        figure = (ctx.cache / paths.activation_figure_fragment(record.key)).read_text(encoding="utf-8")
        write_text(out, paths.activation_page(record.key), body(record, figure, runs))


def artifacts(root: Path | None = None) -> list[Artifact]:
    """``activation-pages``: every record's page body, keyed by the recorded benchmark runs too."""
    from actdocs.engine.artifact import REPO_ROOT

    root = root or REPO_ROOT
    rels = tuple(p.relative_to(root).as_posix() for p in load.kept_files(root))
    return [Artifact(
        name="activation-pages",
        outputs=tuple(paths.activation_page(r.key) for r in ACTIVATIONS),
        make=functools.partial(_make, rels),
        module=MODULE,
        inputs=rels,
        reads=tuple(paths.activation_figure_fragment(r.key) for r in ACTIVATIONS),
        params={"files": rels},
    )]

