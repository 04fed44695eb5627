"""The textbook, statement by statement: every record has a verdict and evidence, in the textbook's order."""

from __future__ import annotations

import dataclasses

import pytest

from actdocs import references
from actdocs.textbook import claims, statements
from actdocs.engine.artifact import REPO_ROOT
from actdocs.measure.evidence import EXPERIMENT_JSON, Evidence
from actdocs.textbook.statement_data import STATEMENTS

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


def test_the_fragment_and_json_render(build_record):
    """As the build made them, from the experiments' recorded results."""
    text = build_record.text("tables/statements.md")
    for _, title in statements.SECTIONS:
        assert f"## {title}\n" in text
    assert text.count("\n| ") >= 2 * len(statements.SECTIONS) + len(STATEMENTS)
    assert "[Liu (2020)](references.md#liu2020)" in text and "(claims.md#sigmoid-ten-layers)" in text
    document = build_record.json("data/statements.json")
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

    from actdocs import catalog
    from actdocs.measure import properties
    from actdocs.measure.evidence import SATURATION_EPS

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
    from actdocs.measure import recorded

    runs = recorded.runs(REPO_ROOT)
    assert runs, "data/bench/ holds recorded runs"
    # each row's words are fixed, so the recorded runs must support them: a new run that does not
    # fails here, and the row is rewritten
    leaky = [recorded.ratio(r, "leaky_relu", "relu", size="cache", convention=c) for r in runs
             for c in ("as called", "preallocated")]
    assert all(m and m.low > 1 for m in leaky), "Leaky ReLU is no longer slower than ReLU in cache"
    row = _by_anchor("Slightly more expensive")
    assert row.verdict != "unsourced or vague" and "{leaky_cache}" in row.truth
    tanh = [m for r in runs for size in recorded.SIZES
            if (m := recorded.ratio(r, "gelu_tanh", "gelu", size=size))]
    assert tanh and all(m.low > 1 for m in tanh), "the tanh form is no longer slower than exact GELU"
    row = _by_anchor("fast GELU approximation used in")
    assert row.truth.startswith("Not in PyTorch") and "{gelu_tanh_cache}" in row.truth
    # the numbers name their setting; the other cells get their own computed range, never "wherever"
    assert "{gelu_tanh_other}" in row.truth and "wherever" not in row.truth
    other = [m for r in runs for c in statements._ALL_CELLS if c[1:] != ("forward", "preallocated")
             if (m := recorded.ratio(r, "gelu_tanh", "gelu", size=c[0], mode=c[1], convention=c[2]))]
    assert other and all(m.low > 1 for m in other)  # "slower in every other cell" holds
    silu = [recorded.ratio(r, "silu", "relu", size=s, convention=c) for r in runs for s in recorded.SIZES
            for c in ("as called", "preallocated")]
    assert any(silu) and all(m is None or m.low > 1 for m in silu), "SiLU is no longer slower than ReLU"
    row = _by_anchor("More expensive than ReLU")
    assert row.verdict == "correct" and "{silu_cache}" in row.truth and "{silu_memory}" in row.truth


# ------------------------------------------------------------------ review round 3: checked with torch


def test_prelu_as_max_of_two_lines_matches_pytorch_only_for_slopes_up_to_one():
    """The textbook's max(αx, x) is PReLU only while α ≤ 1; the row keeps the formula and says so."""
    import torch
    import torch.nn.functional as F

    x = torch.linspace(-5, 5, 1001, dtype=torch.float64)
    for alpha in (0.0, 0.01, 0.25, 1.0):
        assert torch.equal(F.prelu(x, torch.tensor([alpha], dtype=torch.float64)), torch.maximum(alpha * x, x))
    for alpha in (1.5, 2.0):
        assert not torch.equal(F.prelu(x, torch.tensor([alpha], dtype=torch.float64)), torch.maximum(alpha * x, x))
    row = _by_anchor("where α is learned")
    assert "max(αx, x)" in row.says and row.verdict == "correct with a caveat"
    assert "α ≤ 1" in row.truth and "max(0, x) + α·min(0, x)" in row.truth


def test_the_challenge_hint_row_names_where_swish_and_mish_lose_their_gradient():
    """The hint points to Swish and Mish for a 'non-zero gradient everywhere'; each has f′ = 0 at one point,
    computed (never typed) and checked here against PyTorch's own functions."""
    import torch
    import torch.nn.functional as F

    for key, f in (("silu", F.silu), ("mish", F.mish)):
        at = statements.flat_point(key)
        x = torch.tensor([at - 1e-3, at, at + 1e-3], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(f(x).sum(), x)
        assert abs(g[1].item()) < 1e-5 and g[0].item() < 0 < g[2].item(), (key, g)
    row = _by_anchor("Consider combinations like Swish")
    assert row.verdict == "misleading"
    assert {"silu_flat", "mish_flat", "challenge_bound", "silu_weak", "mish_weak"} <= set(
        statements._NAME.findall(row.truth))


def test_elu_at_zero_is_differentiable_once_and_the_row_does_not_call_it_smooth_there():
    import torch
    import torch.nn.functional as F

    z = torch.tensor([-1e-4, 1e-4], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(F.elu(z).sum(), z, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), z)
    assert abs(g[0].item() - g[1].item()) < 1e-3  # the first derivative is continuous at α = 1
    assert h[0].item() > 0.99 and h[1].item() == 0.0  # the second jumps from 1 to 0
    truth = _by_anchor("Smooth for x < 0,").truth
    assert "only once" in truth and "smooth" not in truth.lower().split("for x < 0")[1]


def test_a_gradient_that_fades_is_not_called_as_stuck_as_relu():
    """GELU′ far on the negative side is small but not zero, so "as stuck as with ReLU" needs a "nearly"."""
    import torch

    from actdocs import catalog
    from actdocs.measure import properties

    x = torch.tensor([-4.0], dtype=torch.float64)
    assert properties.derivative(catalog.get("gelu"), x).abs().item() > 0
    for s in STATEMENTS:
        for at in [i for i in range(len(s.truth)) if s.truth.startswith("as stuck as", i)]:
            assert s.truth[:at].endswith("nearly "), s


# Rows whose paraphrase makes GELU the transformer rule: one assertion, one grading.
_GELU_RULE = ("GELU is the transformer standard.", "Transformer MLP blocks use GELU as standard.",
              "GELU is the activation of BERT, GPT, ViT and most modern transformers.")


def test_rows_making_gelu_the_transformer_standard_share_their_verdict():
    import re

    found = [s for s in STATEMENTS if "GELU" in s.says and re.search("transformer", s.says, re.I)
             and re.search("standard|most modern", s.says)]
    facts = {s.verdict for s in found if not s.verdict.startswith("advice")}
    advice = {s.verdict for s in found if s.verdict.startswith("advice")}
    assert {s.says for s in found if not s.verdict.startswith("advice")} == set(_GELU_RULE)
    assert facts == {"misleading"} and advice == {"advice: dated"}


def test_an_unsourced_row_names_what_is_missing_and_a_recommendation_gets_an_advice_verdict():
    """"Unsourced" must not contradict the row's own evidence: such a row's truth opens by naming what
    is missing (no variant named, no source given). The choosing and output sections are recommendations,
    graded on the advice scale (or misleading where the row corrects a fact inside the advice)."""
    for s in STATEMENTS:
        if s.verdict == "unsourced or vague":
            assert s.truth.startswith("No "), s
        if s.section in ("choosing", "output") and not s.claim:
            assert s.verdict.startswith("advice") or s.verdict == "misleading", s
    assert "ramachandran2018" in _by_anchor("The most common activation function").refs
