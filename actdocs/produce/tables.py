"""Markdown tables and fragments rendered from the catalog.

Every function here builds its rows from :data:`actdocs.catalog.ACTIVATIONS` and
returns Markdown text, rendered by :func:`actdocs.render.markdown.markdown_table`. :func:`artifacts` writes them into the cache, where the pages include them with
``pymdownx.snippets``:

* ``tables/properties.md``: one row of measured properties per activation (the build stops
  where a declaration disagrees with its measurement), with the bytes autograd keeps for the
  backward pass (:mod:`actdocs.measure.memory`);
* ``tables/property-<key>.md``: a two-column property table per activation;
* ``tables/variants.md``, ``tables/usage.md``, ``tables/summary.md``;
* ``fragments/activations.md``: the list of the activations on the "All activations" page,
  each name linking its own page (``docs/activations/<key>.md``, :func:`actdocs.paths.activation_stub`; whose generated body is
  :mod:`actdocs.produce.activation_pages`), with its one-line summary.

Numbers are written by :mod:`actdocs.render.numbers`, ranges and gradients by the helpers of
:mod:`actdocs.render.style`, so a value reads the same in a table, an alt text and a figure.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Callable, Sequence

from actdocs import paths
from actdocs import catalog
from actdocs.measure import formulas, memory, properties, shown_properties
from actdocs.produce import glossary
from actdocs.render import wording
from actdocs.render import shortcodes
from actdocs.engine.artifact import Artifact, Context
from actdocs.catalog import ACTIVATIONS, Activation
from actdocs.measure.memory import Kept
from actdocs.produce.notation import max_grad_cell
from actdocs.render.markdown import markdown_table, text_artifact, write_text
from actdocs.render.numbers import DECIMALS, format_number
from actdocs.render.wording import format_cost, format_range, format_saturation, yes_no

MODULE = "actdocs.produce.tables"

#: The "All activations" page (relative to ``docs/``): the comparison tables and the list
#: linking every record's page.
ACTIVATIONS_PAGE = "activations.md"

#: The teaching page of each family (relative to ``docs/``, with the page's title), where a
#: record's page links for more, unless :data:`TAUGHT_IN` says otherwise for the record.
FAMILY_PAGES: dict[str, tuple[str, str]] = {
    "classic": ("classic.md", "Classic activations"),
    "relu": ("relu.md", "ReLU and its variants"),
    "modern": ("modern.md", "Modern activations"),
    "gated": ("modern.md", "Modern activations"),
    "output": ("choosing.md", "Choosing an activation"),
}

#: Records whose family page does not teach them: the page (with an anchor) and title that
#: does, or None where no page of the learning path explains the function and its own page
#: is its reference. A record's page links only to a page whose Markdown names the function
#: (``tests/produce/test_tables.py`` checks it).
TAUGHT_IN: dict[str, tuple[str, str] | None] = {
    "gelu_tanh": ("modern.md#the-tanh-approximation", "Modern activations"),
    "relu6": ("modern.md#hardswish", "Modern activations"),
    "hardsigmoid": ("modern.md#hardswish", "Modern activations"),
    "rrelu": ("pytorch.md#every-activation-module-in-torchnn", "In PyTorch"),
    "softplus": ("pitfalls.md#taking-the-log-of-a-sigmoid-yourself", "Common pitfalls"),
    "logsigmoid": ("pitfalls.md#taking-the-log-of-a-sigmoid-yourself", "Common pitfalls"),
    "hardtanh": None,
    "softsign": None,
    "celu": None,
    "threshold": None,
    "softmin": None,
    "tanhshrink": None,
    "softshrink": None,
    "hardshrink": None,
}

#: What a record's page says where no page of the learning path teaches its function.
NOT_TAUGHT = "no page of the learning path teaches it; this page is its reference"


def taught_in(record: Activation) -> tuple[str, str] | None:
    """The (page with optional anchor, title) that teaches ``record``, or None."""
    if record.key in TAUGHT_IN:
        return TAUGHT_IN[record.key]
    return FAMILY_PAGES[record.family]

#: The rows of a per-activation property table, by default.
PROPERTY_ROWS: tuple[str, ...] = ("output range", "max gradient", "zero-centred", "cost")

# ------------------------------------------------------------ property columns


def kept_cell(kept: Kept | None) -> str:
    """Bytes autograd keeps per input element ("4", "6"), or "–" where nothing is measured."""
    return "–" if kept is None else format_number(kept.per_input_element)


def _kept_column(record: Activation) -> str:
    """The float32 figure as called (:mod:`actdocs.measure.memory`); "–" for a softmax-like record."""
    return kept_cell(memory.measure(record).of()) if memory.is_measured(record) else "–"


#: Property columns by name: (header, short label for two-column tables, cell function).
COLUMNS: dict[str, tuple[str, str, Callable[[Activation], str]]] = {
    "output range": ("Output range", "Output range", lambda a: format_range(a.properties)),
    "max gradient": ("Max gradient", "Maximum gradient", max_grad_cell),
    "zero-centred": ("Zero-centred", "Zero-centred", lambda a: yes_no(a.properties.zero_centred)),
    "monotonic": ("Monotonic", "Monotonic", lambda a: yes_no(a.properties.monotonic)),
    "smooth": ("Smooth", "Smooth", lambda a: yes_no(a.properties.smooth)),
    "saturates": ("Saturates", "Saturates", lambda a: format_saturation(a.properties)),
    "cost": ("Cost", "Computational cost", lambda a: format_cost(a.properties)),
    "kept for backward": ("Kept for backward (B/elem, fp32)", "Kept for backward (bytes per input element, float32)", _kept_column),
}

#: The columns of :func:`properties_table` after the activation's name.
PROPERTIES_COLUMNS: tuple[str, ...] = (
    "output range", "max gradient", "zero-centred", "monotonic", "smooth", "saturates", "cost", "kept for backward",
)


def _column(name: str) -> tuple[str, str, Callable[[Activation], str]]:
    try:
        return COLUMNS[name]
    except KeyError:
        raise ValueError(f"unknown property {name!r}; known: {', '.join(COLUMNS)}") from None


def listed_in(table: str) -> list[Activation]:
    """The records whose catalog entry lists them in the curated ``table``, in catalog order."""
    return [r for r in ACTIVATIONS if table in r.tables]


def prose(text: str) -> str:
    """Catalog or guide prose as Markdown for a fragment: its ``[@key]`` citations expanded
    (fragments are included by top-level pages, so links are relative to ``docs/``)."""
    return shortcodes.expand(text, "")


def link(record: Activation, page: str = "") -> str:
    """A Markdown link to the record's page from page ``page`` (under ``docs/``; ``""``, a
    top-level page, for the fragments they include): ``[Sigmoid](activations/sigmoid.md)``."""
    return f"[{record.name}]({posixpath.relpath(paths.activation_stub(record.key), posixpath.dirname(page) or '.')})"


#: What a gated unit's row describes: the gate with the content fixed at 1.
GATED_VIEW = "(scalar view: gate only; the unit's output is unbounded)"


def _name_cell(record: Activation, page: str | None) -> str:
    """The record's name, linked to its page from page ``page`` (None: no link); "(scalar view)" when it is not
    element-wise, so that no range or gradient reads as that of a vector function. A gated
    unit's scalar view is its gate alone (content 1), so its row says so: the unit itself
    is unbounded, whatever range the gate has."""
    name = record.name if page is None else link(record, page)
    if record.elementwise:
        return name
    return f"{name} {GATED_VIEW}" if record.family == "gated" else f"{name} (scalar view)"


def properties_table(records: Sequence[Activation] = ACTIVATIONS, page: str | None = "") -> str:
    """Activation | Output range | Max gradient | Zero-centred | Monotonic | Smooth | Saturates | Cost |
    Kept for backward.

    One row per record, of its measured properties (:func:`actdocs.measure.shown_properties.shown`);
    the name links to its page from page ``page`` (a top-level page by default; None: no link).
    """
    headers = ["Activation", *(_column(c)[0] for c in PROPERTIES_COLUMNS)]
    rows = [
        [_name_cell(r, page), *(_column(c)[2](r) for c in PROPERTIES_COLUMNS)]
        for r in map(shown_properties.as_measured, records)
    ]
    return markdown_table(headers, rows)


def property_table(record: Activation | str, rows: Sequence[str] = PROPERTY_ROWS) -> str:
    """Property | <Name> value: one line per property named in ``rows`` (see COLUMNS), measured."""
    if isinstance(record, str):
        record = catalog.get(record)
    record = shown_properties.as_measured(record)
    body = [[_column(name)[1], _column(name)[2](record)] for name in rows]
    return markdown_table(["Property", f"{record.name} value"], body)


def inline_math(tex: str) -> str:
    """``$tex$`` for arithmatex (generic mode), with surrounding whitespace trimmed."""
    return f"${tex.strip()}$"


def variants_table() -> str:
    """Variant | Formula | Key difference, for the records listed in ``"variants"``."""
    rows = [[r.name, inline_math(formulas.formula_tex(r)), prose(r.summary)] for r in listed_in("variants")]
    return markdown_table(["Variant", "Formula", "Key difference"], rows)


def summary_order() -> list[Activation]:
    """Records with ``best_for`` set: the most used first (by ``summary_rank``), then the rest
    in catalog order."""
    ranked = sorted((r for r in ACTIVATIONS if r.summary_rank is not None), key=lambda r: r.summary_rank)
    rest = [r for r in ACTIVATIONS if r.summary_rank is None]
    return [r for r in (*ranked, *rest) if r.best_for]


def summary_table() -> str:
    """Activation | Best for | Watch out for."""
    rows = [[r.name, prose(r.best_for), prose(r.watch_out)] for r in summary_order()]
    return markdown_table(["Activation", "Best for", "Watch out for"], rows)


def usage_table() -> str:
    """Function | Where used | Key property, for the records listed in ``"usage"``."""
    rows = [[r.name, r.used_in_text, prose(r.summary)] for r in listed_in("usage")]
    return markdown_table(["Function", "Where used", "Key property"], rows)


# ------------------------------------------------------------------ the list of pages


def activation_list(records: Sequence[Activation] = ACTIVATIONS) -> str:
    """Activation | Summary, in catalog order: each name links the record's page and keeps
    the anchor ``#<key>`` that its section on this page once had (old bookmarks land here)."""
    rows = [[f"{link(r)}{{ #{r.key} }}", prose(r.summary)] for r in records]
    return markdown_table(["Activation", "Summary"], rows)


# ------------------------------------------------------------------------ artifacts


def _make_properties_table(out: Path, ctx: Context) -> None:
    shown_properties.verify()  # a declaration its measurement contradicts stops the build
    write_text(out, paths.table("properties"), properties_table())


def _make_property_tables(out: Path, ctx: Context) -> None:
    shown_properties.verify()
    for record in ACTIVATIONS:
        write_text(out, paths.table(f"property-{record.key}"), property_table(record))


def names_list(names: Sequence[str]) -> str:
    """Names joined for a sentence: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


#: The glossary term behind each column of the properties table that names a measured word.
LEGEND_TERMS: dict[str, str] = {
    "zero-centred": "zero-centred", "monotonic": "monotonic", "smooth": "smooth",
    "saturates": "saturated", "max gradient": "max-gradient", "cost": "cost",
    "kept for backward": "kept-for-backward",
}


def properties_legend() -> str:
    """What the properties table's columns mean: the glossary's own definitions, each linked."""
    lines = []
    for column, anchor in LEGEND_TERMS.items():
        term = glossary.get(anchor)
        lines.append(f"- *{_column(column)[0]}* ([{term.name.lower()}]({glossary.PAGE}#{anchor})): {term.define()}")
    return (
        "\n".join(lines) + "\n\n"
        "At a [kink](glossary.md#kink) the derivative is undefined; the row and the function's own page "
        "use the value PyTorch's autograd returns there. For "
        f"{names_list([r.name for r in ACTIVATIONS if not r.elementwise])}, "
        "which act on more than one number, the row describes the one-variable view explained in their "
        "pages; "
        f"{names_list([r.name for r in ACTIVATIONS if not memory.is_measured(r)])} have no memory figure "
        "(–), which is measured for element-wise functions and gated units only.\n\n" + _rounding_note()
    )


def _rounding_note() -> str:
    """How the table rounds: to the nearest, except the flat regions' ends, which are rounded
    towards the inside of the flat set (:func:`actdocs.render.wording.flat_end`), so that the written
    condition holds at every x it names; tanh's edge is the example, read from the catalog."""
    tanh, approx = (shown_properties.as_measured(catalog.get(k)) for k in ("tanh", "gelu_tanh"))
    edge = properties.measure(tanh).saturation[-1].lo
    low = properties.measure(approx).output_min
    return (
        f"Numbers are rounded to the nearest at {DECIMALS} decimals, trailing zeros dropped: the "
        f"minimum of {approx.name} is {format_number(low, 6)}, so its range reads {format_range(approx.properties)}. The ends "
        f"of the flat regions are the exception: they are rounded to {wording.FLAT_DECIMALS} decimals "
        "towards the inside of the flat set, so that the stated condition holds at every x the table "
        f"names. {tanh.name}'s derivative falls below the threshold at |x| = {format_number(edge)}, "
        f"so its row says {wording.format_saturation(tanh.properties)}.\n"
    )


def artifacts() -> list[Artifact]:
    """The tables and the list of activations."""
    return [
        Artifact("table-properties", (paths.table("properties"),), _make_properties_table, MODULE),
        Artifact(
            name="table-property",
            outputs=tuple(paths.table(f"property-{r.key}") for r in ACTIVATIONS),
            make=_make_property_tables,
            module=MODULE,
        ),
        text_artifact("table-variants", paths.table("variants"), variants_table, MODULE),
        text_artifact("table-usage", paths.table("usage"), usage_table, MODULE),
        text_artifact("table-summary", paths.table("summary"), summary_table, MODULE),
        text_artifact("fragment-activations", paths.fragment("activations"), activation_list, MODULE),
        text_artifact("fragment-properties-legend", paths.fragment("properties-legend"), properties_legend, MODULE),
    ]
