"""One page per activation (actdocs/produce/activation_pages.py): the stubs, the nav, and
what each generated body says, checked against the code that measured it.

The bodies are read as the site build wrote them (``build_record``); the strict build
checks that every link and image in them resolves from the page's folder.
"""

from __future__ import annotations

import re

import pytest

from actdocs import catalog, paths
from actdocs.bench import schema
from actdocs.bench.load import recorded_runs
from actdocs.engine.artifact import REPO_ROOT
from actdocs.measure import memory
from actdocs.produce import activation_pages as pages
from actdocs.produce import frameworks, tables
from actdocs.render.markdown import rebase_links
from actdocs.render.numbers import format_ratio
from site_pages import nav_pages, page_url

DOCS = REPO_ROOT / "docs"
_PIPE = re.compile(r"(?<!\\)\|")


def _rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in _PIPE.split(line)[1:-1]] for line in table.splitlines() if line.startswith("|")]


def _section(text: str, title: str) -> str:
    """The Markdown under ``## title``, up to the next heading of that level."""
    start = text.index(f"\n## {title}\n") + len(title) + 5
    end = text.find("\n## ", start)
    return text[start:] if end < 0 else text[start:end]


def _runs() -> list[pages.Run]:
    return [(p.relative_to(REPO_ROOT).as_posix(), doc) for p, doc in recorded_runs(REPO_ROOT)]


@pytest.fixture(scope="module")
def bodies(build_record) -> dict[str, str]:
    """Each record's body as the build wrote it."""
    return {r.key: build_record.text(paths.activation_page(r.key)) for r in catalog.ACTIVATIONS}


# ------------------------------------------------------------------ stubs and nav


def test_every_record_has_a_stub_and_every_stub_a_record() -> None:
    stubs = {p.stem for p in (DOCS / paths.ACTIVATION_STUBS).glob("*.md")}
    assert stubs == {r.key for r in catalog.ACTIVATIONS}


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_each_stub_includes_exactly_its_own_body(record: catalog.Activation) -> None:
    stub = (DOCS / paths.activation_stub(record.key)).read_text(encoding="utf-8")
    assert stub == f'--8<-- "{paths.activation_page(record.key)}"\n'


def test_the_nav_lists_the_index_then_every_page_in_catalog_order() -> None:
    urls = list(nav_pages())
    index = urls.index(page_url(tables.ACTIVATIONS_PAGE))
    expected = [page_url(paths.activation_stub(r.key)) for r in catalog.ACTIVATIONS]
    assert urls[index + 1:index + 1 + len(expected)] == expected
    assert expected[0] == "activations/sigmoid/"


def test_artifact_outputs_one_body_per_record_and_reads_the_recorded_runs() -> None:
    (artifact,) = pages.artifacts()
    assert artifact.outputs == tuple(paths.activation_page(r.key) for r in catalog.ACTIVATIONS)
    assert set(artifact.inputs) == {rel for rel, _ in _runs()}
    assert all(rel.startswith(schema.RECORDED_DIR + "/") for rel in artifact.inputs)


# ------------------------------------------------------------------ the sections


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_each_body_has_its_title_and_every_section_in_order(bodies, record: catalog.Activation) -> None:
    text = bodies[record.key]
    assert text.startswith(f"# {record.name}\n")
    assert re.findall(r"^## (.+)$", text, re.M) == list(pages.SECTIONS)
    for title in pages.SECTIONS:
        assert _section(text, title).strip(), title
    assert "$$" in text and f"../generated/figures/{record.key}-light.svg" in text
    assert f"{record.key}-light.svg#only-light){{ loading=eager" in text, "the figure at the top of its page loads with it"


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_links_are_written_from_the_pages_folder(bodies, record: catalog.Activation) -> None:
    """Every relative target climbs out of ``activations/`` (or names a sibling page): the
    strict build then resolves each one; a target written for a top-level page would not."""
    for target in re.findall(r"\]\(([^)\s]+)\)", bodies[record.key]):
        assert target.startswith(("../", "#")) or re.fullmatch(r"[\w-]+\.md(#[\w-]+)?", target), target


def test_rebase_links_leaves_other_sites_and_anchors_alone() -> None:
    text = "[a](glossary.md#kink) ![b](generated/x.svg) [c](https://example.org/) [d](#here)"
    assert rebase_links(text, "activations/relu.md") == (
        "[a](../glossary.md#kink) ![b](../generated/x.svg) [c](https://example.org/) [d](#here)")
    assert rebase_links(text, "index.md") == text


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_properties_are_the_measured_table(bodies, record: catalog.Activation) -> None:
    assert tables.property_table(record, tables.PROPERTIES_COLUMNS) in bodies[record.key]


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_uses_are_cited_from_the_catalog(bodies, record: catalog.Activation) -> None:
    section = _section(bodies[record.key], "Where it is used")
    if not record.used_in:
        assert "records no model or paper" in section
    for usage in record.used_in:
        assert f"- {usage.name}: " in section and f"(../references.md#{usage.ref})" in section


# ------------------------------------------------------------------ memory


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_memory_numbers_are_what_measure_memory_counts(bodies, record: catalog.Activation) -> None:
    section = _section(bodies[record.key], "Memory kept for backward")
    if not memory.is_measured(record):
        assert section.strip().startswith("Not measured:") and "|" not in section
        return
    m = memory.measure(record)
    rows = _rows(section)[2:]
    assert [r[0] for r in rows] == list(memory.DTYPES)
    for row, dtype in zip(rows, memory.DTYPES):
        assert row[1] == tables.kept_cell(m.of(dtype))
        if m.in_place is None:
            assert len(row) == 3
        else:
            assert row[3] == tables.kept_cell(m.of(dtype, inplace=True))


def test_memory_of_relu_and_swiglu_differs_as_measured(bodies) -> None:
    relu, swiglu = (_rows(_section(bodies[k], "Memory kept for backward"))[2] for k in ("relu", "swiglu"))
    assert relu[1] == tables.kept_cell(memory.measure(catalog.get("relu")).of())
    assert swiglu[1] == tables.kept_cell(memory.measure(catalog.get("swiglu")).of())
    assert relu[1] != swiglu[1]


# ------------------------------------------------------------------ speed


def test_speed_quotes_every_recorded_run_of_the_loader(bodies) -> None:
    runs = _runs()
    assert runs, "data/bench holds recorded runs"
    section = _section(bodies["swiglu"], "Speed against ReLU")
    for rel, doc in runs:
        assert f"`{rel}`" in section and doc["environment"]["torch"] in section
        for cell in schema.cells(doc, key="swiglu", convention=pages.SPEED_CONVENTION, column=pages.SPEED_COLUMN):
            if "above_ceiling" not in cell["flags"]:
                assert format_ratio(cell["ratio_to_relu"]) in section
            assert pages.ratio_cell(cell) in section


def test_speed_rows_come_from_the_cells_not_from_typed_values() -> None:
    runs = _runs()
    record = catalog.get("gelu")
    section = pages.speed_section(record, runs)
    newest = runs[0][1]
    cells = pages.speed_cells(record, newest)
    table_rows = [r for r in _rows(section)[2:]]
    assert len(table_rows) == len(cells)
    for row, cell in zip(table_rows, cells.values()):
        assert row[3] == pages.ratio_cell(cell)


def test_a_record_without_cells_or_without_runs_says_so() -> None:
    record = catalog.get("mish")
    stripped = [(rel, {**doc, "cells": [c for c in doc["cells"] if c["key"] != record.key]}) for rel, doc in _runs()]
    assert "was not benchmarked" in pages.speed_section(record, stripped)
    assert "No benchmark run is recorded" in pages.speed_section(record, [])
    assert "is the reference" in pages.speed_section(catalog.get(schema.REFERENCE), _runs())


def test_flagged_and_failed_cells_are_marked() -> None:
    cell = {"flags": ["wide"], "ratio_to_relu": 1.5, "ratio_to_relu_ci": [1.2, 1.9]}
    assert pages.ratio_cell(cell).endswith("⚠ wide interval")
    failed = {"flags": ["above_ceiling"], "ratio_to_relu": 0.5, "ratio_to_relu_ci": [0.4, 0.6]}
    assert "0.5" not in pages.ratio_cell(failed)


# ------------------------------------------------------------------ frameworks, PyTorch, pitfalls, teaching


def test_framework_rows_name_catalog_keys_and_reach_their_pages(bodies) -> None:
    keys = {r.key for r in catalog.ACTIVATIONS}
    for row in frameworks.ROWS:
        assert row.keys and set(row.keys) <= keys, row.key
        for key in row.keys:
            assert row.name in _section(bodies[key], "Defaults across frameworks")
    assert "has no row" in _section(bodies["relu"], "Defaults across frameworks")


def test_pytorch_section_names_the_call_module_and_switch(bodies) -> None:
    relu = _section(bodies["relu"], "In PyTorch")
    assert "`F.relu`" in relu and "`nn.ReLU`" in relu and "`inplace=True`" in relu
    swiglu = _section(bodies["swiglu"], "In PyTorch")
    assert "has none" in swiglu and "no `inplace` switch" in swiglu
    assert "`negative_slope=0.01`" in _section(bodies["leaky_relu"], "In PyTorch")


def test_every_pitfall_anchor_is_a_heading_of_the_pitfalls_page() -> None:
    from markdown.extensions.toc import slugify

    headings = {slugify(h, "-"): h for h in re.findall(r"^## (.+)$", (DOCS / pages.PITFALLS_PAGE).read_text(encoding="utf-8"), re.M)}
    keys = {r.key for r in catalog.ACTIVATIONS}
    for anchor, (title, concerned) in pages.PITFALLS.items():
        assert headings.get(anchor) == title
        assert concerned and set(concerned) <= keys


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_watch_out_and_taught_in(bodies, record: catalog.Activation) -> None:
    watch = _section(bodies[record.key], "Watch out")
    for anchor, _ in pages.pitfalls_of(record):
        assert f"(../pitfalls.md#{anchor})" in watch
    if record.watch_out:
        assert watch.strip().startswith("- ")
    taught = tables.taught_in(record)
    section = _section(bodies[record.key], "Taught in")
    assert (f"(../{taught[0]})" in section) if taught else (tables.NOT_TAUGHT.capitalize() in section)
