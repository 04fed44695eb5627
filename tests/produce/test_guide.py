"""The choosing guide: every entry names real catalog records, every table cell that
names an activation takes the name from the catalog, one row per entry."""

from __future__ import annotations

import dataclasses
import re

import pytest

from actdocs import catalog
from actdocs.produce import guide, tables
from actdocs.render import markdown
from actdocs.engine.artifact import Context
from actdocs.engine.build import build


def _rows(table: str) -> list[list[str]]:
    """The body rows of a pipe table, as lists of cell texts."""
    lines = table.strip().splitlines()[2:]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]] for line in lines]


ALL_ENTRIES = [*guide.HIDDEN_LAYERS, *guide.DECISION_TREE, *guide.OUTPUT_LAYERS]


@pytest.mark.parametrize("entry", ALL_ENTRIES, ids=lambda e: getattr(e, "architecture", None) or getattr(e, "task", None) or e.question)
def test_every_entry_names_existing_records(entry):
    known = set(catalog.keys())
    assert set(entry.keys) <= known, f"unknown keys {set(entry.keys) - known}"


def test_hidden_rows_and_decision_steps_name_at_least_one_activation():
    assert all(c.keys for c in guide.HIDDEN_LAYERS)
    assert all(s.keys for s in guide.DECISION_TREE)


def test_validate_passes_on_the_guide():
    guide.validate()


def test_validate_rejects_an_unknown_key(monkeypatch):
    bad = guide.HiddenChoice("Imaginary nets", (guide.Pick("sigmoidal_relu"),), "none")
    monkeypatch.setattr(guide, "HIDDEN_LAYERS", (*guide.HIDDEN_LAYERS, bad))
    with pytest.raises(ValueError, match="sigmoidal_relu"):
        guide.validate()


def test_validate_rejects_an_unknown_key_in_the_decision_tree(monkeypatch):
    bad = guide.DecisionStep("Something new?", "Use {swishy}.")
    monkeypatch.setattr(guide, "DECISION_TREE", (bad,))
    with pytest.raises(ValueError, match="swishy"):
        guide.validate()


def test_hidden_table_has_one_row_per_entry_with_catalog_names():
    rows = _rows(guide.hidden_layers_table())
    assert len(rows) == len(guide.HIDDEN_LAYERS)
    for (architecture, recommended, reason), choice in zip(rows, guide.HIDDEN_LAYERS):
        assert architecture == choice.architecture
        assert reason == markdown.escape_cell(tables.prose(choice.reason))
        assert "[@" not in reason  # citations are expanded into links to the References page
        for key in choice.keys:
            assert catalog.get(key).name in recommended


def test_output_table_has_one_row_per_entry_with_catalog_names():
    rows = _rows(guide.output_layers_table())
    assert len(rows) == len(guide.OUTPUT_LAYERS)
    for (task, activation, _loss, _reason), choice in zip(rows, guide.OUTPUT_LAYERS):
        assert task == choice.task
        if choice.keys:
            for key in choice.keys:
                assert catalog.get(key).name in activation
        else:
            assert activation == guide.NO_ACTIVATION


def test_names_follow_the_catalog(monkeypatch):
    """Renaming a record renames it in the guide: nothing there spells a name."""
    renamed = dataclasses.replace(catalog.get("gelu"), name="Gaussian error unit")
    monkeypatch.setitem(catalog._BY_KEY, "gelu", renamed)
    assert "Gaussian error unit" in guide.hidden_layers_table()
    assert "Gaussian error unit" in guide.decision_tree()


def test_picks_are_joined_as_written():
    assert guide.HiddenChoice("x", (guide.Pick("relu"),), "r").recommended() == "ReLU"
    two = guide.HiddenChoice("x", (guide.Pick("relu"), guide.Pick("leaky_relu")), "r")
    assert two.recommended() == "ReLU or Leaky ReLU"
    three = guide.HiddenChoice("x", (guide.Pick("relu"), guide.Pick("silu"), guide.Pick("mish")), "r")
    assert three.recommended() == "ReLU, SiLU (Swish) or Mish"
    roles = guide.HiddenChoice("x", (guide.Pick("tanh", "state"), guide.Pick("sigmoid", "gates")), "r", conjunction="and")
    assert roles.recommended() == "Tanh (state) and Sigmoid (gates)"


def test_decision_tree_is_a_numbered_list_with_catalog_names():
    lines = guide.decision_tree().splitlines()
    assert len(lines) == len(guide.DECISION_TREE)
    for number, (line, step) in enumerate(zip(lines, guide.DECISION_TREE), 1):
        assert line.startswith(f"{number}. **{step.question}**")
        assert "{" not in line
        for key in step.keys:
            assert catalog.get(key).name in line


def test_artifacts_write_the_tables(tmp_path):
    records = build(tmp_path, guide.artifacts(), Context(cache=tmp_path))
    assert {r.status for r in records} == {"made"}
    assert (tmp_path / "tables/hidden-layers.md").read_text(encoding="utf-8") == guide.hidden_layers_table()
    assert (tmp_path / "tables/output-layers.md").read_text(encoding="utf-8") == guide.output_layers_table()
    assert (tmp_path / "fragments/decision-tree.md").read_text(encoding="utf-8") == guide.decision_tree()


def test_guide_is_registered_with_the_build():
    from actdocs.artifacts import all_artifacts

    names = {a.name for a in all_artifacts()}
    assert {a.name for a in guide.artifacts()} <= names


def test_table_names_link_to_their_section():
    table = guide.hidden_layers_table()
    for choice in guide.HIDDEN_LAYERS:
        for key in choice.keys:
            assert f"[{catalog.get(key).name}](activations/{key}.md)" in table
    assert "](activations/" not in guide.hidden_layers_table(page=None)


# ------------------------------------------------------------------ what the guide says
#
# Recommendations that were wrong once. Each test would fail if the mistake came back.


def _rows_recommending(key):
    return [c for c in guide.HIDDEN_LAYERS if key in c.keys]


def test_tanh_is_never_the_gate():
    """In LSTM and GRU cells the gates are sigmoids; tanh shapes the candidate and the
    cell output. Neither the guide nor the summary table may say tanh is for gates."""
    for choice in guide.HIDDEN_LAYERS + guide.OUTPUT_LAYERS:
        for pick in choice.picks:
            if pick.key == "tanh":
                assert "gate" not in pick.role.lower(), choice
    recurrent = [c for c in guide.HIDDEN_LAYERS if "LSTM" in c.architecture]
    assert len(recurrent) == 1
    roles = {p.key: p.role for p in recurrent[0].picks}
    assert "gate" in roles["sigmoid"] and "gate" not in roles["tanh"]
    tanh = catalog.get("tanh")
    assert "gate" not in f"{tanh.summary} {tanh.best_for}".lower()
    for step in guide.DECISION_TREE:
        assert not re.search(r"\{tanh\}[^.;]*gate", step.advice), step


def test_gelu_for_transformers_comes_with_swiglu_for_language_models():
    """Recommending GELU for transformers without saying that large language models now
    use SwiGLU would contradict the table's own SwiGLU row."""
    assert any("language model" in c.architecture.lower() for c in _rows_recommending("swiglu"))
    for step in guide.DECISION_TREE:
        if "gelu" in step.keys and "transformer" in (step.question + step.advice).lower():
            assert "swiglu" in step.keys, step
    assert "SwiGLU" in catalog.get("gelu").best_for


def test_gans_follow_dcgan():
    """DCGAN (Radford et al.): Leaky ReLU in the discriminator, ReLU in the generator, tanh
    on the generator's output. GELU has no such support."""
    (gan,) = [c for c in guide.HIDDEN_LAYERS if "GAN" in c.architecture]
    roles = {p.key: p.role for p in gan.picks}
    assert roles == {"leaky_relu": "discriminator", "relu": "generator", "tanh": "generator output"}
    assert gan.conjunction == "and"
    assert "DCGAN" in gan.reason
    assert "gelu" not in gan.keys


def test_dying_units_are_not_sent_to_gelu():
    """GELU's gradient fades for negative inputs like ReLU's: it is no remedy for dead units."""
    for step in guide.DECISION_TREE:
        if re.search(r"dying|dead|die", step.question + step.advice, re.I):
            assert "gelu" not in step.keys, step


def test_guide_entries_that_name_a_publication_cite_it():
    from test_docs_policy import ATTRIBUTION

    texts = [c.reason for c in guide.HIDDEN_LAYERS + guide.OUTPUT_LAYERS] + [s.advice for s in guide.DECISION_TREE]
    uncited = [t for t in texts if ATTRIBUTION.search(t) and "[@" not in t]
    assert not uncited, uncited
    rendered = guide.hidden_layers_table() + guide.output_layers_table() + guide.decision_tree()
    assert "[@" not in rendered and "](references.md#" in rendered
