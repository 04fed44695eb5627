"""Tables and fragments: rendered from the catalog, escaped, and valid Markdown.

The comparison of every activation's properties (``tables.properties_table``) measures
every record on fine grids: the tests read the one the build made (``tables/properties.md``
as the ``build_record`` fixture holds it) instead of measuring again.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
import torch

from actdocs import catalog
from actdocs.measure import autograd, formulas
from actdocs.produce import activation_pages, notation, tables
from actdocs.render import markdown, numbers, wording
from actdocs.engine.artifact import REPO_ROOT
from actdocs.render.numbers import MINUS

_PIPE = re.compile(r"(?<!\\)\|")


def rows_of(table: str) -> list[list[str]]:
    """Cells of every line of a pipe table (header and separator included)."""
    return [[c.strip() for c in _PIPE.split(line)[1:-1]] for line in table.strip().splitlines()]


def row_for(table: str, record: catalog.Activation) -> list[str]:
    names = (record.name, tables.link(record))
    marks = ("(scalar view)", tables.GATED_VIEW)
    hits = [r for r in rows_of(table)[2:] if r[0] in names or r[0] in (f"{n} {m}" for n in names for m in marks)]
    assert len(hits) == 1, f"{record.key}: {hits}"
    return hits[0]


# ------------------------------------------------------------------- markdown_table


def test_markdown_table_has_header_separator_and_escapes_pipes() -> None:
    text = markdown.markdown_table(["a", "b|c"], [["x | y", "|x| > 1"], [1, 2.5]])
    lines = text.splitlines()
    assert text.endswith("\n")
    assert lines[0] == r"| a | b\|c |"
    assert lines[1] == "| --- | --- |"
    assert lines[2] == r"| x \| y | \|x\| > 1 |"
    assert lines[3] == "| 1 | 2.5 |"
    assert all(len(_PIPE.findall(line)) == 3 for line in lines)


def test_markdown_table_alignment_and_errors() -> None:
    text = markdown.markdown_table(["l", "r", "c", "n"], [], align=["left", "right", "center", None])
    assert text.splitlines()[1] == "| :--- | ---: | :---: | --- |"
    with pytest.raises(ValueError):
        markdown.markdown_table(["a", "b"], [["only one"]])
    with pytest.raises(ValueError):
        markdown.markdown_table(["a"], [], align=["middle"])


def test_pipes_in_math_become_tex_bars_and_code_spans_stay() -> None:
    cell = markdown.escape_cell(r"when $|x| > \|v\|$ use `a | b` | done")
    assert cell == r"when $\vert x\vert  > \Vert v\Vert $ use `a | b` \| done"
    assert markdown.escape_cell("two\nlines") == "two lines"


# -------------------------------------------------------------------- formatting


def _props(**changes: object) -> catalog.Properties:
    return dataclasses.replace(catalog.get("sigmoid").properties, **changes)


@pytest.mark.parametrize(
    ("output_range", "closed", "expected"),
    [
        ((0.0, 1.0), (False, False), "(0, 1)"),
        ((0.0, 6.0), (True, True), "[0, 6]"),
        ((0.0, math.inf), (True, False), "[0, ∞)"),
        ((0.0, math.inf), (True, True), "[0, ∞)"),  # an infinite end is always open
        ((-math.inf, math.inf), (True, True), f"({MINUS}∞, ∞)"),
        ((-1.7580993408473766, math.inf), (False, False), f"({MINUS}1.7581, ∞)"),
        ((-0.375, math.inf), (True, False), f"[{MINUS}0.375, ∞)"),
        ((-1.0, 1.0), (False, True), f"({MINUS}1, 1]"),
    ],
)
def test_format_range_brackets(output_range: tuple[float, float], closed: tuple[bool, bool], expected: str) -> None:
    assert wording.format_range(_props(output_range=output_range, range_closed=closed)) == expected


@pytest.mark.parametrize(
    ("max_grad", "at", "expected"),
    [
        (0.25, 0.0, "0.25 at x = 0"),
        (1.0, (0.0, math.inf), "1 for x > 0"),
        (1.0, (0.0, 6.0), "1 for 0 < x < 6"),
        (1.0, math.inf, "→ 1 as x → ∞"),
        (1.0, catalog.Approached((-math.inf, math.inf)), "→ 1 as x → ±∞"),
        (1.0, catalog.Approached((-math.inf,)), "→ 1 as x → −∞"),
        (1.5, 3.0, "1.5 at x = 3"),
        (1.128904, math.sqrt(2), "1.1289 at x ≈ 1.4142"),
    ],
)
def test_format_max_grad(max_grad: float, at: object, expected: str) -> None:
    assert wording.format_max_grad(_props(max_grad=max_grad, max_grad_at=at)) == expected


def test_yes_no() -> None:
    assert (wording.yes_no(True), wording.yes_no(False)) == ("Yes", "No")


# ------------------------------------------------------------------- the tables


@pytest.fixture(scope="module")
def properties_table(build_record) -> str:
    """``tables.properties_table()`` as the build made it: ``tables/properties.md``."""
    return build_record.text("tables/properties.md")


def read_interval(text: str) -> tuple[tuple[float, float], tuple[bool, bool]]:
    """An interval such as "(−1.7581, ∞)" read back: its ends and whether each is closed; for a
    range with gaps ("{0} ∪ (1, ∞)"), the ends of the whole: its first and its last piece's."""
    pieces = [re.sub(r"^\{(.+)\}$", r"[\1, \1]", piece) for piece in text.split(" \u222a ")]
    first, last = pieces[0].split(", ")[0], pieces[-1].split(", ")[1]
    m = re.fullmatch(r"([\[(])(.+), (.+)([\])])", f"{first}, {last}")
    assert m, text
    def end(s: str) -> float:
        s = s.replace("\u2212", "-")
        return math.inf if s == "∞" else -math.inf if s == "-∞" else float(s)
    return (end(m[2]), end(m[3])), (m[1] == "[", m[4] == "]")


def test_properties_table_has_one_row_per_record_from_the_catalog(properties_table: str) -> None:
    table = properties_table
    rows = rows_of(table)
    assert rows[0] == [
        "Activation", "Output range", "Max gradient", "Zero-centred",
        "Monotonic", "Smooth", "Saturates", "Cost", tables.COLUMNS["kept for backward"][0],
    ]
    assert len(rows) == 2 + len(catalog.ACTIVATIONS)
    for record in catalog.ACTIVATIONS:
        p = record.properties
        cells = row_for(table, record)
        link = f"[{record.name}](activations/{record.key}.md)"
        mark = tables.GATED_VIEW if record.family == "gated" else "(scalar view)"
        assert cells[0] == (link if record.elementwise else f"{link} {mark}")
        ends, closed = read_interval(cells[1])
        assert ends == pytest.approx(p.output_range, rel=1e-3), record.key
        assert closed == tuple(c and math.isfinite(e) for c, e in zip(p.range_closed, p.output_range)), record.key
        assert numbers.format_number(p.max_grad) in cells[2]
        assert cells[3:6] == [wording.yes_no(p.zero_centred), wording.yes_no(p.monotonic), wording.yes_no(p.smooth)]
        assert cells[7].lower() == p.cost
    sigmoid = row_for(table, catalog.get("sigmoid"))
    assert sigmoid[1:3] == ["(0, 1)", "0.25 at x = 0"]
    assert row_for(table, catalog.get("relu"))[1:3] == ["[0, ∞)", "1 for x > 0"]
    assert row_for(table, catalog.get("relu6"))[1:3] == ["[0, 6]", "1 for 0 < x < 6"]
    assert row_for(table, catalog.get("softplus"))[2] == "→ 1 as x → ∞"


def test_a_row_that_shows_a_scalar_view_does_not_pass_it_off_as_the_unit(properties_table: str) -> None:
    """A non-element-wise record's row shows its scalar view. Where the unit itself leaves
    the range the row gives (a gated unit: content times gate, with content unbounded),
    the row must say so, or "(0, 1)" reads as GLU's output range (review R2, C4)."""
    table = properties_table
    torch.manual_seed(0)
    x = torch.randn(64, 2, dtype=torch.float64) * 50  # content, gate halves along the last dim
    for record in catalog.ACTIVATIONS:
        if record.elementwise:
            continue
        low, high = record.properties.output_range
        with torch.no_grad():
            y = record.functional(x, dim=-1)
        leaves = bool((y < low).any() or (y > high).any())
        says = "unbounded" in row_for(table, record)[0]
        assert leaves == says, (record.key, leaves, row_for(table, record)[0])
        assert leaves == (record.family == "gated"), record.key


def test_property_table_is_two_columns_like_the_source() -> None:
    record = catalog.get("tanh")
    rows = rows_of(tables.property_table(record))
    assert rows[0] == ["Property", "Tanh value"]
    assert rows[2:] == [
        ["Output range", wording.format_range(record.properties)],
        ["Maximum gradient", wording.format_max_grad(record.properties)],
        ["Zero-centred", "Yes"],
        ["Computational cost", wording.format_cost(record.properties)],
    ]
    assert tables.property_table("sigmoid", rows=("smooth",)).splitlines()[2] == "| Smooth | Yes |"
    with pytest.raises(ValueError):
        tables.property_table("sigmoid", rows=("colour",))


def test_variants_usage_and_summary_tables() -> None:
    variants = rows_of(tables.variants_table())
    assert [r[0] for r in variants[2:]] == [catalog.get(k).name for k in ("leaky_relu", "prelu", "elu", "selu")]
    for row, record in zip(variants[2:], tables.listed_in("variants")):
        assert row[1].startswith("$") and row[1].endswith("$")
        assert row[2] == record.summary

    usage = rows_of(tables.usage_table())
    assert [r[0] for r in usage[2:]] == [catalog.get(k).name for k in ("gelu", "silu", "mish", "hardswish", "swiglu", "geglu")]
    assert usage[2][1] == catalog.get("gelu").used_in_text

    summary = rows_of(tables.summary_table())
    assert summary[0] == ["Activation", "Best for", "Watch out for"]
    first = [catalog.get(k).name for k in ("relu", "leaky_relu", "gelu", "sigmoid", "tanh", "silu", "hardswish")]
    assert [r[0] for r in summary[2:9]] == first
    assert len(summary) - 2 == sum(1 for r in catalog.ACTIVATIONS if r.best_for)
    relu = catalog.get("relu")
    assert summary[2][1:] == [relu.best_for, relu.watch_out]


# -------------------------------------------------------------- the list of pages


def card(record: catalog.Activation) -> str:
    """The formula block of the record's own page (what its card on the index once held)."""
    return "\n\n".join(activation_pages.formula_block(record, ""))


def test_the_list_links_every_record_to_its_page_and_keeps_its_old_anchor() -> None:
    rows = rows_of(tables.activation_list())
    assert rows[0] == ["Activation", "Summary"]
    assert [r[0] for r in rows[2:]] == [f"[{r.name}](activations/{r.key}.md){{ #{r.key} }}" for r in catalog.ACTIVATIONS]
    assert tables.link(catalog.get("relu"), "activations/gelu.md") == "[ReLU](relu.md)"
    assert tables.link(catalog.get("relu"), "pytorch.md") == "[ReLU](activations/relu.md)"


def test_formula_blocks_have_math_and_the_figure_given() -> None:
    for record in catalog.ACTIVATIONS:
        parts = activation_pages.formula_block(record, "FIGURE\n")
        text = "\n\n".join(parts)
        assert parts[-1] == "FIGURE"
        assert f"$$\n{formulas.formula_tex(record)}\n$$" in text
        assert f"$$\n{formulas.derivative_tex(record)}\n$$" in text
        if record.scalar_view_note:
            assert record.scalar_view_note in text
        assert text.count("$$") % 2 == 0


def test_generated_markdown_renders_as_intended(build_record) -> None:
    import markdown  # installed with mkdocs: a missing one is a failure, not a skip
    md = markdown.Markdown(
        extensions=["tables", "attr_list", "toc", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    html = md.convert(build_record.text("tables/properties.md"))
    assert html.count("<tr>") == 1 + len(catalog.ACTIVATIONS)
    assert html.count("<td>") == (1 + len(tables.PROPERTIES_COLUMNS)) * len(catalog.ACTIVATIONS)
    assert "<td>|x| &gt; 4.59 (|f′| &lt; 0.01)</td>" in html  # the escaped pipes stay in the cell
    assert "<td>x &lt; 0 and x &gt; 6 (f′ = 0)</td>" in html  # ReLU6: flat on both sides of its ramp

    html = md.reset().convert(build_record.text("tables/variants.md"))
    assert html.count("<td>") == 3 * len(tables.listed_in("variants"))
    assert html.count('<span class="arithmatex">') == len(tables.listed_in("variants"))

    html = md.reset().convert(build_record.text("fragments/activations.md"))
    for record in catalog.ACTIVATIONS:  # the list keeps the anchors of the cards it replaced
        assert f'<a href="activations/{record.key}.md" id="{record.key}">' in html


# -------------------------------------------------------------------- artifacts


def test_artifacts_write_their_outputs(build_record) -> None:
    """What the build recorded of each table artifact is its declared outputs, none empty;
    those cheap to render again are the functions the other tests call. (That a make gives
    the same bytes twice: tests/test_determinism.py.)"""
    arts = tables.artifacts()
    names = [a.name for a in arts]
    assert len(set(names)) == len(names)
    assert {"table-properties", "table-property", "table-variants", "table-usage", "table-summary",
            "fragment-activations", "fragment-properties-legend"} == set(names)
    for artifact in arts:
        assert artifact.module == "actdocs.produce.tables"
        assert set(build_record.entry(artifact.name).outputs) == set(artifact.outputs)
        for rel in artifact.outputs:
            assert build_record.text(rel), rel
    assert build_record.text("tables/property-sigmoid.md") == tables.property_table("sigmoid")
    assert build_record.text("fragments/activations.md") == tables.activation_list()
    assert build_record.text("tables/variants.md") == tables.variants_table()


def test_properties_legend_quotes_the_catalog_thresholds(monkeypatch):
    from actdocs import catalog

    legend = tables.properties_legend()
    assert numbers.format_number(catalog.ZERO_CENTRED_TOLERANCE) in legend
    assert numbers.format_number(catalog.SATURATION_THRESHOLD) in legend
    monkeypatch.setattr(catalog, "SATURATION_THRESHOLD", 0.125)
    assert "0.125" in tables.properties_legend()


# ------------------------------------------------------------- symbols and kinks



def _with_maths(key: str, **maths: object) -> catalog.Activation:
    """The record ``key`` with some fields of its maths replaced."""
    record = catalog.get(key)
    return dataclasses.replace(record, maths=dataclasses.replace(record.maths, **maths))


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_every_symbol_on_a_card_is_defined_and_used(record: catalog.Activation) -> None:
    """A card may use sigma, Phi, s_j, alpha and the rest only with their definitions, and
    defines nothing its formulas do not use."""
    assert notation.undefined_symbols(record) == []
    assert notation.unused_definitions(record) == []
    block = card(record)
    for definition in notation.symbols_used(record):
        assert definition in block


def test_an_undefined_symbol_is_caught() -> None:
    """A symbol nothing gives a value, a constant without its value beside the formula, a
    command in a hand-written note."""
    assert notation.undefined_symbols(_with_maths("gelu", derivative=("Phi(x) + x*phi(u)",))) == ["u"]
    assert notation.undefined_symbols(_with_maths("elu", constants=())) == [r"\alpha"]
    assert notation.undefined_symbols(_with_maths("log_softmax", where=())) == ["s"]
    noted = _with_maths("glu", notes=(r"\xi = \operatorname{sp}(a)",))
    assert notation.undefined_symbols(noted) == [r"\operatorname{sp}", r"\xi"]


def test_an_unused_definition_is_caught() -> None:
    """A defined symbol or a constant that the formulas do not use is reported."""
    unused_s = _with_maths("log_softmax", derivative=("delta(i, j) - softmax(z, j)",))
    assert notation.unused_definitions(unused_s) == ["s_{j}"]
    assert notation.unused_definitions(_with_maths("relu", constants=(catalog.Constant("alpha", value=1.0),))) == [r"\alpha"]


def test_softmax_symbols_say_what_s_is() -> None:
    """s is softmax's output on the softmax card, and softmax(z) (not the output) on
    LogSoftmax's: d log_softmax_i / d z_j = delta_ij - softmax(z)_j (issue 22)."""
    assert r"$s_{i} = \operatorname{softmax}(\mathbf{z})_{i}$" in notation.symbols_line(catalog.get("softmax"))
    assert r"$s_{j} = \operatorname{softmax}(\mathbf{z})_{j}$" in notation.symbols_line(catalog.get("log_softmax"))
    assert r"$s_{i} = \operatorname{softmin}(\mathbf{z})_{i}$" in notation.symbols_line(catalog.get("softmin"))


def test_symbols_of_other_activations_link_to_their_pages() -> None:
    assert any("[SiLU (Swish) page](activations/silu.md)" in s for s in notation.symbols_used(catalog.get("swiglu")))
    assert any("[GELU page](activations/gelu.md)" in s for s in notation.symbols_used(catalog.get("gelu_tanh")))
    assert notation.symbols_used(catalog.get("sigmoid")) == []  # its formula defines sigma


def _one_sided(record: catalog.Activation, x: float, h: float = 1e-6) -> tuple[float, float]:
    """Left and right difference quotients of the record's scalar view at x, in float64."""
    f = lambda t: record.scalar_view(torch.tensor([t], dtype=torch.float64)).item()  # noqa: E731
    return (f(x) - f(x - h)) / h, (f(x + h) - f(x)) / h



KINKED = [r.key for r in catalog.ACTIVATIONS if notation.kinks(r)]


@pytest.mark.parametrize("key", KINKED)
def test_kinks_are_kinks_and_pytorch_picks_a_side(key: str) -> None:
    """At each kink the one-sided slopes differ, and the value PyTorch's autograd returns
    there is one of them: the case split of the derivative's formula."""
    record = catalog.get(key)
    for x in notation.kinks(record):
        left, right = _one_sided(record, x)
        assert abs(left - right) > 1e-3, (key, x, left, right)
        at = autograd.grad_at(record, x)
        assert min(abs(at - left), abs(at - right)) < 1e-4, (key, x, at, left, right)


def test_every_non_smooth_function_has_its_kinks_explained() -> None:
    """A function declared not smooth has a kink its card explains, and one declared smooth has none."""
    rough = {r.key for r in catalog.ACTIVATIONS if not r.properties.smooth}
    assert rough == set(KINKED)


@pytest.mark.parametrize("key", KINKED)
def test_cards_state_pytorchs_value_at_each_kink(key: str) -> None:
    record = catalog.get(key)
    block = card(record)
    assert "PyTorch" in block and "undefined" in block
    for x in notation.kinks(record):
        value = numbers.format_number(autograd.grad_at(record, x))
        assert f"{value} at x = {numbers.format_number(x)}" in block


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_max_gradient_at_a_kink_names_pytorchs_convention(record: catalog.Activation, properties_table: str) -> None:
    """A largest derivative "at x = k" where k is a kink is a statement about a point where
    the derivative is undefined: the cell must say whose value it is, and must not claim a
    value PyTorch does not return there (Hardswish once read "1.5 at x = 3")."""
    cell = row_for(properties_table, record)[2]
    at = record.properties.max_grad_at
    if not isinstance(at, (int, float)) or math.isinf(at) or at not in notation.kinks(record):
        assert "PyTorch" not in cell
        return
    assert "PyTorch" in cell
    pytorch_value = autograd.grad_at(record, at)
    if not math.isclose(pytorch_value, record.properties.max_grad, rel_tol=1e-9):
        assert f"{numbers.format_number(record.properties.max_grad)} at x =" not in cell


def test_curated_tables_and_summary_ranks_come_from_the_records() -> None:
    ranks = sorted(r.summary_rank for r in catalog.ACTIVATIONS if r.summary_rank is not None)
    assert ranks == list(range(1, len(ranks) + 1)), "ranks are 1, 2, ... without gaps or ties"
    for record in catalog.ACTIVATIONS:
        assert set(record.tables) <= {"variants", "usage"}, record.key
        if "variants" in record.tables:
            assert record.family == "relu", f"{record.key}: the variants table is ReLU's"
        if "usage" in record.tables:
            assert record.used_in, f"{record.key}: the usage table says where it is used"
    order = tables.summary_order()
    assert [r.summary_rank for r in order[: len(ranks)]] == ranks
    assert all(r.summary_rank is None for r in order[len(ranks):])


def test_summary_table_keeps_gates_for_the_sigmoid() -> None:
    summary = {r[0]: r for r in rows_of(tables.summary_table())[2:]}
    assert "gate" not in summary[catalog.get("tanh").name][1].lower()
    assert "gate" in summary[catalog.get("sigmoid").name][1].lower()


def test_catalog_prose_that_names_a_publication_cites_it() -> None:
    """Summary, "best for" and "watch out" cells naming a model carry a ``[@key]``, and
    every table and card shows it expanded into a link to the References page."""
    from test_docs_policy import ATTRIBUTION

    uncited = [
        f"{r.key}.{name}: {text}"
        for r in catalog.ACTIVATIONS
        for name, text in (("summary", r.summary), ("best_for", r.best_for), ("watch_out", r.watch_out))
        if ATTRIBUTION.search(text) and "[@" not in text
    ]
    assert not uncited, uncited
    for text in (tables.summary_table(), tables.usage_table(), tables.variants_table(), tables.activation_list()):
        assert "[@" not in text
    assert "](references.md#radford2016)" in tables.summary_table()


def test_a_jump_is_named_as_a_jump_and_a_split_maximum_as_one_condition() -> None:
    hardshrink = card(catalog.get("hardshrink"))
    assert "where the function jumps" in hardshrink and "meet at an angle" not in hardshrink
    assert "meet at an angle" in card(catalog.get("softshrink"))
    assert wording.format_max_grad(catalog.get("softshrink").properties) == "1 for |x| > 0.5"
    assert wording.format_max_grad(catalog.get("logsigmoid").properties) == f"→ 1 as x → {MINUS}∞"


# ------------------------------------------------------------------ "Taught in" means taught


def _slug(heading: str) -> str:
    """The anchor MkDocs' toc gives a heading (as in mkdocs.yml: the default slugify)."""
    import markdown as md

    html = md.Markdown(extensions=["toc"]).convert(heading)
    return re.search(r'id="([^"]+)"', html).group(1)


def section(text: str, anchor: str) -> str:
    """The Markdown of the section whose heading has ``anchor``, up to the next heading of
    the same or a higher level; the whole page when ``anchor`` is empty."""
    if not anchor:
        return text
    headings = list(re.finditer(r"^(#{1,6}) +(.+?)\s*$", text, re.M))
    for i, heading in enumerate(headings):
        if _slug(f"{heading.group(1)} {heading.group(2)}") == anchor:
            level = len(heading.group(1))
            end = next((h.start() for h in headings[i + 1:] if len(h.group(1)) <= level), len(text))
            return text[heading.start():end]
    raise AssertionError(f"no heading with anchor #{anchor}")


def mentions(record: catalog.Activation, text: str) -> bool:
    """Whether ``text`` names ``record``: its torch name, or its name as words (case as written;
    a name with a parenthesis, "SiLU (Swish)", by both of its parts)."""
    parts = [p.strip() for p in re.split(r"[()]", record.name) if p.strip()]
    named = all(re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", text) for p in parts)
    return named or record.torch_name in text


def taught_problems(record: catalog.Activation, taught: tuple[str, str] | None) -> list[str]:
    """Why a card's "Taught in" link is wrong: a page that is missing or never names the function."""
    if taught is None:
        return []
    page, _, anchor = taught[0].partition("#")
    path = REPO_ROOT / "docs" / page
    if not path.is_file():
        return [f"{record.key}: {page} does not exist"]
    try:
        text = section(path.read_text(encoding="utf-8"), anchor)
    except AssertionError as err:
        return [f"{record.key}: {page}: {err}"]
    return [] if mentions(record, text) else [f"{record.key}: {taught[0]} never names {record.name}"]


def test_every_taught_in_link_goes_to_a_page_that_names_the_function():
    problems = [p for r in catalog.ACTIVATIONS for p in taught_problems(r, tables.taught_in(r))]
    assert problems == []
    untaught = {r.key for r in catalog.ACTIVATIONS if tables.taught_in(r) is None}
    assert untaught and "relu" not in untaught and "rrelu" not in untaught
    assert set(tables.TAUGHT_IN) <= {r.key for r in catalog.ACTIVATIONS}


def test_taught_in_check_catches_a_page_that_does_not_teach():
    """The family pages the cards used to link: ReLU's page never names CELU, the classic page
    never names Hardtanh, and "threshold" in prose is not the Threshold function."""
    for key in ("celu", "threshold", "rrelu"):
        assert taught_problems(catalog.get(key), tables.FAMILY_PAGES["relu"]), key
    assert taught_problems(catalog.get("hardtanh"), tables.FAMILY_PAGES["classic"])
    assert taught_problems(catalog.get("softmin"), tables.FAMILY_PAGES["output"])
    assert taught_problems(catalog.get("gelu"), ("modern.md#no-such-section", "Modern"))
    assert taught_problems(catalog.get("relu"), ("relu.md", "ReLU")) == []


def test_the_legend_says_how_flat_ends_are_rounded_and_its_example_needs_it() -> None:
    """The flat regions' ends are rounded inward, everything else to the nearest (review
    S2, C3: tanh's edge 2.9933 printed as 3 read as an error): the legend says so, and its
    example is a record whose edge rounded inward differs from the edge rounded to the nearest."""
    legend = tables.properties_legend()
    assert "towards the inside of the flat set" in legend and f"{wording.FLAT_DECIMALS} decimals" in legend
    tanh = catalog.get("tanh")
    edge = tanh.properties.saturation[-1].lo
    inward, nearest = wording.flat_end(edge, up=True), numbers.format_number(edge, wording.FLAT_DECIMALS)
    assert inward != nearest, "the example shows the inward rounding"
    assert numbers.format_number(edge) in legend and wording.format_saturation(tanh.properties) in legend
    # the written condition holds: the inward end lies inside the measured flat set
    assert float(inward) >= edge
    for record in catalog.ACTIVATIONS:
        for flat in record.properties.saturation:
            if math.isfinite(flat.lo):
                assert float(wording.flat_end(flat.lo, up=True).replace(numbers.MINUS, "-")) >= flat.lo, record.key
            if math.isfinite(flat.hi):
                assert float(wording.flat_end(flat.hi, up=False).replace(numbers.MINUS, "-")) <= flat.hi, record.key
