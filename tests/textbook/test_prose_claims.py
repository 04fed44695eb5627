"""Prose that states a fact about PyTorch or about a function, checked against the fact.

Each test covers a class of error an expert review (R1) found in the prose: an
unconditional claim that holds only for some activations (dropout's order), a claim
true in exact arithmetic but not in the float32 the site uses (softplus), a symmetric
maximum reported on one side only, a rounded edge that reads as the textbook's round
number, a derivative's size written as the derivative, a verdict that rests on a tie,
and a cost label that its definition does not cover.
"""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from actdocs.produce import curves
from actdocs import catalog
from actdocs.measure import properties
from actdocs.produce import facts, glossary, guide
from actdocs.engine.artifact import REPO_ROOT
from actdocs.catalog import SATURATION_THRESHOLD
from actdocs.textbook.statement_data import STATEMENTS

DOCS = REPO_ROOT / "docs"

#: The functions the dropout note on the PyTorch page may name, as modules.
MODULES = {"ReLU": nn.ReLU, "Leaky ReLU": nn.LeakyReLU, "PReLU": nn.PReLU, "GELU": nn.GELU, "SiLU": nn.SiLU,
           "ELU": nn.ELU, "Mish": nn.Mish}


def _commutes_with_dropout(module: nn.Module) -> bool:
    """Whether dropout(act(x)) equals act(dropout(x)) in training mode, same random mask."""
    x = torch.randn(512, 64, generator=torch.Generator().manual_seed(0))
    drop = nn.Dropout(0.2).train()
    with torch.no_grad():
        torch.manual_seed(1)
        a = drop(module(x))
        torch.manual_seed(1)
        b = module(drop(x))
    return torch.allclose(a, b, rtol=0, atol=1e-6)


def _names(text: str) -> set[str]:
    """The MODULES keys named in ``text`` ("Leaky ReLU" is not also "ReLU")."""
    found = set()
    for name in sorted(MODULES, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.add(name)
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return found


def test_the_dropout_note_names_the_functions_that_commute_and_those_that_do_not():
    text = " ".join((DOCS / "pytorch.md").read_text(encoding="utf-8").split())
    assert "The order matters" not in text  # unconditional, and false for ReLU
    same = re.search(r"With ([^.:]*?) the two orders give\s+the same output", text)
    differ = re.search(r"With ([^.]*?) they\s+do not", text)
    assert same and differ, "the note says for which functions the order matters"
    commuting, not_commuting = _names(same.group(1)), _names(differ.group(1))
    assert commuting and not_commuting
    for name in commuting:
        assert _commutes_with_dropout(MODULES[name]()), name
    for name in not_commuting:
        assert not _commutes_with_dropout(MODULES[name]()), name


def test_the_dropout_check_can_fail():
    assert _commutes_with_dropout(nn.ReLU()) and not _commutes_with_dropout(nn.GELU())


# ------------------------------------------------------------------ exact arithmetic vs float32

NEVER_ZERO = re.compile(r"never (?:has a )?(?:exactly )?zero|always above zero|never exactly zero", re.I)


def _site_statements() -> list[tuple[str, str]]:
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in DOCS.glob("*.md")]
    for record in catalog.ACTIVATIONS:
        texts += [(f"catalog:{record.key}", t or "") for t in (record.summary, record.best_for, record.watch_out)]
    for entry in (*guide.HIDDEN_LAYERS, *guide.DECISION_TREE, *guide.OUTPUT_LAYERS):
        texts += [("guide", v) for v in vars(entry).values() if isinstance(v, str)]
    texts += [("snippets", p.read_text(encoding="utf-8")) for p in (REPO_ROOT / "snippets").glob("*.py")]
    # the textbook page's own "what is true" text (its "says" column paraphrases the textbook)
    texts += [(f"textbook:{s.anchor}", s.truth) for s in STATEMENTS]
    return [(where, s) for where, text in texts for s in re.split(r"(?<=[.;])\s+|\n\s*\n", text)]


def test_softplus_is_not_called_never_zero_where_float32_makes_it_zero():
    x = torch.tensor([-200.0], requires_grad=True)
    y = F.softplus(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert y.item() == 0.0 and g.item() == 0.0  # the fact the prose must not deny
    bad = [(w, s[:90]) for w, s in _site_statements() if "oftplus" in s and NEVER_ZERO.search(s)]
    assert bad == []
    assert "float32" in catalog.get("softplus").watch_out


# ------------------------------------------------------------------ symmetric maxima, both sides


@pytest.mark.parametrize(("a", "b", "fragment"), [("gelu", "gelu_tanh", facts.gelu_tanh_error_fragment),
                                                  ("hardswish", "silu", facts.hardswish_gap_fragment)])
def test_a_mirrored_largest_gap_is_written_at_plus_and_minus(a, b, fragment):
    ra, rb = catalog.get(a), catalog.get(b)
    gap, at = facts._max_gap(ra, rb)
    assert facts._gap_at(ra, rb, -at) == pytest.approx(gap, rel=1e-9)  # the gap function is even
    assert "±" in fragment()


def test_the_mirror_check_can_fail():
    elu, relu = catalog.get("elu"), catalog.get("relu")  # differ only for x < 0
    gap, at = facts._max_gap(elu, relu)
    assert not facts._mirrored(elu, relu, gap, at)


# ------------------------------------------------------------------ edges and thresholds in words


def test_a_saturation_edge_is_not_rounded_to_the_textbooks_number(build_record):
    text = build_record.text(facts.fact_path("saturation"))
    for key, textbook in facts.SOURCE_SATURATION.items():
        record = catalog.get(key)
        edge = facts._saturated_beyond(record)
        written = float(re.search(rf"\*\*{record.name}\*\*.*?beyond ([\d.]+)\.", text).group(1))
        assert written >= edge  # the written condition stays inside the flat set
        assert written - edge < 10 ** -facts.EDGE_DECIMALS + 1e-12, (key, written, edge)
        assert abs(edge - textbook) < 1e-3 or written != textbook


def test_a_negative_derivative_is_described_by_its_size():
    gelu = catalog.get("gelu")
    x = torch.tensor([-1.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(F.gelu(x).sum(), x)
    assert g.item() < 0  # below 0.01 here without being flat
    assert "|f′| stays below" in curves.alt_text(gelu)


def test_a_verdict_that_rests_on_a_tie_says_so():
    leaky = catalog.get("leaky_relu")
    assert not leaky.properties.saturation
    assert curves._least_slope(leaky) == pytest.approx(SATURATION_THRESHOLD, rel=1e-12)
    assert "exactly that threshold" in curves.alt_text(leaky)
    assert "exactly that threshold" not in curves.alt_text(catalog.get("prelu"))  # 0.25: no tie


# ------------------------------------------------------------------ labels and their definitions


def _piecewise_linear(record: catalog.Activation) -> bool:
    """No curvature away from the breaks: second differences vanish on the grid."""
    h = 1e-3
    x = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    for b in properties.breaks(record):
        x = x[(x - b).abs() > 3 * h]
    f = record.scalar_view
    second = f(x + h) - 2 * f(x) + f(x - h)
    return second.abs().max().item() < 1e-9


def test_every_cheap_function_that_is_not_piecewise_linear_is_named_in_the_cost_definition():
    cost = next(t for t in glossary.TERMS if t.anchor == "cost").define()
    cheap = [r for r in catalog.ACTIVATIONS if r.properties.cost == "cheap" and r.elementwise]
    curved = [r.name for r in cheap if not _piecewise_linear(r)]
    assert "Hardswish" in curved  # the check finds the case the review found
    assert [n for n in curved if n not in cost] == []


# ------------------------------------------------------------------ one condition for a dead unit


def test_the_relu_page_and_the_glossary_state_the_same_dying_condition():
    x = torch.tensor([0.0], requires_grad=True)
    (g,) = torch.autograd.grad(F.relu(x).sum(), x)
    assert g.item() == 0.0  # so a pre-activation of exactly 0 also passes no gradient
    relu = " ".join((DOCS / "relu.md").read_text(encoding="utf-8").split())
    section = relu[relu.index("## The dying ReLU problem"):][:1200]
    assert "at most zero" in section and "at most zero" in glossary._dead()
    assert "layers below" in section  # what can still revive it, as the glossary says
    assert "layers below" in glossary._dead()


# ------------------------------------------------------------------ two exercise sets


def test_a_link_to_a_conceptual_exercise_says_which_set():
    bad = []
    for page in DOCS.glob("*.md"):
        for match in re.finditer(r"\[([^\]]*exercise[^\]]*)\]\(concepts\.md", page.read_text(encoding="utf-8"), re.I):
            if re.search(r"exercise \d", match.group(1), re.I) and "conceptual" not in match.group(1).lower():
                bad.append((page.name, match.group(0)))
    assert bad == []
