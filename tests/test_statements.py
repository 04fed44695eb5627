"""The textbook, statement by statement: every record has a verdict and evidence, in the textbook's order."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from actdocs import claims, references, statements
from actdocs.build import REPO_ROOT, Context
from actdocs.evidence import EXPERIMENT_JSON, Evidence
from actdocs.statement_data import STATEMENTS

SEED = REPO_ROOT.parent / "shared" / "seed" / "activation-functions.txt"

# Each model of the textbook's table of where each activation is used, with its function.
WHERE_USED = [("GELU", "BERT"), ("GELU", "GPT"), ("GELU", "ViT"), ("Swish/SiLU", "EfficientNet"),
              ("Swish/SiLU", "ResNet variants"), ("Mish", "YOLOv4"), ("Mish", "CSPDarknet"),
              ("Hardswish", "MobileNetV3"), ("Hardswish", "EfficientNet-Lite"), ("SwiGLU", "LLaMA"),
              ("SwiGLU", "PaLM"), ("GeGLU", "some GPT variants")]

NOTHING = Evidence({name: None for name in EXPERIMENT_JSON}, None)


@pytest.fixture(scope="module")
def measured() -> statements.Measured:
    return statements.measured_verdicts(claims.evaluate(NOTHING))


def test_every_record_is_sound(measured):
    assert statements.problems(STATEMENTS, measured) == []


def test_every_record_has_a_verdict_from_the_scale_and_evidence(measured):
    for s in STATEMENTS:
        for _, verdict in statements.verdicts(s, measured):
            assert verdict in (statements.MEASURED_VERDICTS if s.claim else statements.VERDICTS), s
        assert s.claim or s.refs or s.page or s.reasoning, s
        for key in s.refs:
            references.get(key)
        if s.page:
            assert (REPO_ROOT / "docs" / s.page.split("#")[0]).is_file(), s.page


def test_a_claims_backed_row_shows_the_claims_computed_verdict_and_types_none(measured):
    results = dict((c.key, f) for c, f in claims.evaluate(NOTHING))
    backed = [s for s in STATEMENTS if s.claim]
    assert len({s.claim for s in backed}) >= 15
    for s in backed:
        assert s.verdict == "", s
        assert [v for _, v in statements.verdicts(s, measured)] == [f.verdict for f in results[s.claim]]


def test_the_known_corrections_are_there():
    by_anchor = {s.anchor: s for s in STATEMENTS}
    assert by_anchor["EfficientNet-LiteFast"].verdict == "wrong"
    assert "google2020" in by_anchor["EfficientNet-LiteFast"].refs
    assert by_anchor["GeGLUSome GPT variants"].verdict == "unsourced or vague"
    assert by_anchor["gradients shrink by at least 4×"].claim == "sigmoid-ten-layers"
    assert by_anchor["causes numerical instability and incorrect"].verdict == "misleading"
    assert {"cybenko1989", "hornik1991"} <= set(by_anchor["the Universal Approximation Theorem guarantees"].refs)


def test_every_entry_of_the_where_used_table_has_a_row():
    rows = [s.says for s in STATEMENTS if s.section == "where"]
    for function, model in WHERE_USED:
        assert any(r.startswith(f"{function}:") and model in r for r in rows), (function, model)


@pytest.mark.skipif(not SEED.is_file(), reason="the textbook is not at ../shared/seed")
def test_rows_follow_the_textbook_order():
    text = SEED.read_text(encoding="utf-8")
    positions = statements.anchor_positions(STATEMENTS, text)
    missing = [s.anchor for s, at in zip(STATEMENTS, positions) if at < 0]
    assert missing == []
    assert positions == sorted(positions)


def test_anchor_order_check_catches_a_swap():
    text = "alpha beta gamma"
    first, second = (dataclasses.replace(STATEMENTS[0], anchor=a) for a in ("alpha", "gamma"))
    assert statements.anchor_positions([first, second], text) == [0, 11]
    assert statements.anchor_positions([second, first], text)[1] == -1


def test_no_year_is_typed():
    import re
    for s in STATEMENTS:
        assert not re.search(r"\b(19|20)\d\d\b", s.says + s.truth), s


@pytest.mark.parametrize("mutation", [
    lambda s: dataclasses.replace(s, verdict="correct"),        # a typed verdict on a claims-backed row
    lambda s: dataclasses.replace(s, claim="no-such-claim"),     # an unknown claim
    lambda s: dataclasses.replace(s, refs=("nope2000",)),        # an unknown reference key
    lambda s: dataclasses.replace(s, page="nowhere.md"),         # a page the site lacks
])
def test_a_broken_record_stops_the_build(measured, mutation):
    i = next(i for i, s in enumerate(STATEMENTS) if s.claim)
    broken = STATEMENTS[:i] + (mutation(STATEMENTS[i]),) + STATEMENTS[i + 1:]
    with pytest.raises(ValueError):
        statements.check(broken, measured)


def test_an_off_scale_verdict_or_no_evidence_fails(measured):
    i = next(i for i, s in enumerate(STATEMENTS) if not s.claim)
    for bad in (dataclasses.replace(STATEMENTS[i], verdict="holds"),
                dataclasses.replace(STATEMENTS[i], refs=(), page="", reasoning=False)):
        assert statements.problems(STATEMENTS[:i] + (bad,) + STATEMENTS[i + 1:], measured)


def test_the_fragment_and_json_render(tmp_path: Path):
    ctx = Context(cache=tmp_path / "cache", root=REPO_ROOT)
    (artifact,) = statements.artifacts()
    artifact.make(tmp_path / "out", ctx)
    text = (tmp_path / "out" / "tables" / "statements.md").read_text(encoding="utf-8")
    for _, title in statements.SECTIONS:
        assert f"## {title}\n" in text
    assert text.count("\n| ") >= 2 * len(statements.SECTIONS) + len(STATEMENTS)
    assert "[Liu (2020)](references.md#liu2020)" in text and "(claims.md#sigmoid-ten-layers)" in text
    document = json.loads((tmp_path / "out" / "data" / "statements.json").read_text(encoding="utf-8"))
    assert sum(len(section["statements"]) for section in document) == len(STATEMENTS)


def test_the_artifact_is_registered_and_the_page_includes_it():
    from actdocs.artifacts import all_artifacts

    assert any(a.name == "statements" for a in all_artifacts())
    assert '--8<-- "tables/statements.md"' in (REPO_ROOT / "docs" / "textbook.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ one verdict per assertion, numbers computed


def test_rows_with_the_same_truth_share_a_verdict():
    """The same assertion (tanh as a gate, GELU as the transformer rule) is graded once, not twice."""
    by_truth: dict[str, set[str]] = {}
    for s in STATEMENTS:
        if not s.claim:
            by_truth.setdefault(s.truth, set()).add(s.verdict)
    assert {t[:60]: v for t, v in by_truth.items() if len(v) > 1} == {}


def test_a_truth_names_only_known_numbers_and_renders_them(measured):
    i = next(i for i, s in enumerate(STATEMENTS) if not s.claim)
    bad = dataclasses.replace(STATEMENTS[i], truth="About {no_such_number}.")
    assert statements.problems(STATEMENTS[:i] + (bad,) + STATEMENTS[i + 1:], measured)
    text = statements.statements_markdown(STATEMENTS, measured)
    assert "{" not in text.replace("{#", "")
    assert any("{" in s.truth for s in STATEMENTS)


def _by_anchor(anchor: str):
    return next(s for s in STATEMENTS if s.anchor == anchor)


def test_a_remedy_for_dying_units_keeps_a_gradient_far_on_the_negative_side():
    """An advice row is current only if every function it names keeps |f′| at the saturation
    threshold somewhere past x = −5 (GELU's slope falls off like a Gaussian; ELU's, Leaky ReLU's do not)."""
    import torch

    from actdocs import catalog, properties
    from actdocs.evidence import SATURATION_EPS

    names = {"Leaky ReLU": "leaky_relu", "ELU": "elu", "GELU": "gelu"}
    row = _by_anchor("Worried about dying neurons?")
    x = torch.tensor([-5.0], dtype=torch.float64)
    weak = [n for n, k in names.items() if n in row.says
            and properties.derivative(catalog.get(k), x).abs().item() < SATURATION_EPS / 10]
    assert weak == ["GELU"]  # the check finds the case the review found
    assert row.verdict != "advice: current"
    assert "GELU" not in row.truth.split("GELU's does not")[0]


def test_a_timing_row_agrees_with_the_recorded_runs():
    """Where every recorded run puts Leaky ReLU's in-cache forward above ReLU's (interval above 1), the
    row may not call the cost unsourced; where the tanh form of GELU is slower in every measured cell,
    the row says so."""
    from actdocs import recorded

    runs = recorded.runs(REPO_ROOT)
    if not runs:
        pytest.skip("no recorded benchmark run")
    leaky = [recorded.ratio(r, "leaky_relu", "relu", size="cache", convention=c) for r in runs
             for c in ("as called", "preallocated")]
    if all(m and m.low > 1 for m in leaky):
        row = _by_anchor("Slightly more expensive")
        assert row.verdict != "unsourced or vague" and "{leaky_cache}" in row.truth
    tanh = [m for r in runs for size in recorded.SIZES
            if (m := recorded.ratio(r, "gelu_tanh", "gelu", size=size))]
    if tanh and all(m.low > 1 for m in tanh):
        row = _by_anchor("fast GELU approximation used in")
        assert row.truth.startswith("Not in PyTorch") and "{gelu_tanh_cache}" in row.truth
