"""One vocabulary: each measured term has one definition, and every producer uses it."""

from __future__ import annotations

import dataclasses
import importlib
import re

import pytest
import torch

from actdocs import catalog
from actdocs.measure import properties
from actdocs.produce import curves, glossary, notation, tables
from actdocs.interactive import explorer as explorer_demo
from actdocs.engine.artifact import REPO_ROOT
from actdocs.experiments import distributions, training
from actdocs.render.numbers import format_number


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("term", glossary.TERMS, ids=lambda t: t.anchor)
def test_each_term_names_a_function_that_computes_it(term):
    assert callable(_resolve(term.computed_by))
    assert term.define().strip()


def test_anchors_are_unique_and_stable():
    anchors = [t.anchor for t in glossary.TERMS]
    assert len(set(anchors)) == len(anchors)
    for word in ("saturated", "dead", "kink", "jump", "bounded", "zero-centred", "cost", "smooth", "monotonic"):
        assert word in anchors
    fragment = glossary.glossary_fragment()
    for anchor in anchors:
        assert f"{{#{anchor}}}" in fragment


def test_the_glossary_defines_every_word_the_property_tables_use():
    columns = set(tables.PROPERTIES_COLUMNS) | set(tables.PROPERTY_ROWS)
    assert columns - set(tables.LEGEND_TERMS) == {"output range"}  # a range, not a word with a threshold
    anchors = {t.anchor for t in glossary.TERMS}
    assert set(tables.LEGEND_TERMS.values()) <= anchors
    legend = tables.properties_legend()
    for anchor in tables.LEGEND_TERMS.values():
        assert f"(glossary.md#{anchor})" in legend
        assert glossary.get(anchor).define() in legend  # the legend quotes the glossary, not its own words


def test_the_glossary_reads_its_thresholds_from_the_code(monkeypatch):
    text = glossary.glossary_fragment()
    for value in (catalog.SATURATION_THRESHOLD, catalog.MIN_FLAT_WIDTH, catalog.ZERO_CENTRED_TOLERANCE,
                  properties.SMOOTH_MAX_JUMP, properties.JUMP_MIN):
        assert format_number(value) in text
    monkeypatch.setattr(catalog, "MIN_FLAT_WIDTH", 0.375)
    monkeypatch.setattr(catalog, "ZERO_CENTRED_TOLERANCE", 0.0625)
    text = glossary.glossary_fragment()
    assert "0.375" in glossary.get("saturated").define() and "0.0625" in text


def test_the_page_includes_the_fragment_and_sits_in_the_nav():

    page = (REPO_ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert '--8<-- "fragments/glossary.md"' in page
    assert "glossary.md" in (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")


# ------------------------------------------------------------------ saturated


def _inside(flats, x: torch.Tensor) -> torch.Tensor:
    """Samples inside the flat intervals, counted here without properties.in_flats."""
    x = x.to(torch.float64)
    mask = torch.zeros_like(x, dtype=torch.bool)
    for f in flats:
        mask |= (x >= f.lo) & (x <= f.hi)
    return mask


def test_saturated_is_the_set_the_tables_print():
    for record in catalog.ACTIVATIONS:
        assert properties.saturation_set(record) == properties.measure(record).saturation
        assert not [p for p in properties.check(record) if p.startswith("saturation")]


@pytest.fixture(scope="module")
def small_distributions():
    return distributions.run(samples=4000, scales=(0.25, 1.0, 8.0))


def test_distributions_count_the_samples_inside_the_saturation_set(small_distributions):
    from actdocs.experiments.seeding import deterministic, randn

    with deterministic(0, "cpu") as gen:
        z = randn((4000,), gen, device="cpu")
    for key in distributions.KEYS:
        flats = catalog.get(key).properties.saturation  # the declared set the tables print
        for scale in (0.25, 1.0, 8.0):
            got = small_distributions["results"][key][distributions.scale_key(scale)]["frac_saturated"]
            want = float(_inside(flats, scale * z).sum()) / 4000
            assert got == pytest.approx(want, abs=2 / 4000), (key, scale)


def test_a_stationary_point_is_not_saturation(small_distributions):
    r = small_distributions["results"]
    # GELU's f' crosses zero near -0.75, Tanhshrink's touches it at 0: |f'| < 0.01 there, but on no stretch.
    assert r["gelu"]["0.25"]["frac_saturated"] == 0
    assert all(r["tanhshrink"][s]["frac_saturated"] == 0 for s in r["tanhshrink"])
    assert r["relu"]["1"]["frac_saturated"] == pytest.approx(0.5, abs=0.03)  # x <= 0, as the table says


def _shaded(state) -> list[tuple[float, float]]:
    trace = next(t for t in state["data"] if t["meta"]["role"] == "saturated")
    xs = [x for x in trace["x"] if x is not None]
    return [(xs[i], xs[i + 2]) for i in range(0, len(xs), 5)]


@pytest.mark.parametrize("key", catalog.keys())
def test_the_explorer_shades_the_saturation_set(key):
    record = catalog.get(key)
    lo, hi = curves.x_range(record)
    state = explorer_demo.explorer_state(record, record.name)
    want = [(max(lo, f.lo), min(hi, f.hi)) for f in record.properties.saturation if max(lo, f.lo) < min(hi, f.hi)]
    got = _shaded(state)
    assert len(got) == len(want)
    for (a, b), (c, d) in zip(got, want):
        assert a == pytest.approx(c, abs=0.01) and b == pytest.approx(d, abs=0.01)


def test_the_explorer_shades_nothing_where_the_derivative_only_crosses_zero():
    for key in ("tanhshrink", "hardswish", "silu"):
        lo, hi = curves.x_range(catalog.get(key))
        for a, b in _shaded(explorer_demo.explorer_state(catalog.get(key), key)):
            assert not (a > lo and b < hi), (key, a, b)  # only the unbounded tails, never an inner stretch


def test_the_explorer_slider_states_use_the_measured_set():
    record = explorer_demo.with_parameter(catalog.get("leaky_relu"), "negative_slope", 0.0)  # ReLU
    got = _shaded(explorer_demo.explorer_state(record, "slope 0"))
    assert len(got) == 1 and got[0][1] == pytest.approx(0.0, abs=1e-9)
    assert _shaded(explorer_demo.explorer_state(catalog.get("leaky_relu"), "default")) == []


def test_the_saturation_fact_reads_the_same_set(build_record):
    from actdocs.produce import facts

    text = build_record.text(facts.fact_path("saturation"))
    beyond = properties.saturation_set(catalog.get("tanh"))[1].lo
    assert f"beyond {facts.flat_end(beyond, up=True, decimals=facts.EDGE_DECIMALS)}" in text


# ------------------------------------------------------------------ kink, jump, smooth


@pytest.mark.parametrize("key", catalog.keys())
def test_kinks_and_jumps_agree_with_smooth(key):
    """The cards' kinks and the figures' broken lines are the points the properties' measurement finds."""
    record = catalog.get(key)
    m = properties.measure(record)
    assert m.smooth == (not m.kinks and not m.jumps), "smooth means no kink and no jump"
    assert notation.kinks(record) == tuple(sorted(m.kinks + m.jumps))
    lo, hi = curves.x_range(record)
    x, y, dx, dy = curves.curves(record, lo, hi)
    assert [p for p, v in zip(x, y) if v != v] == [j for j in m.jumps if lo <= j <= hi]
    assert [p for p, v in zip(dx, dy) if v != v] == [b for b in properties.breaks(record) if lo <= b <= hi]


def test_the_exercise_notebook_calls_a_unit_stuck_as_the_experiment_does():
    """ex3's ``stuck_masks`` (a reader's code, which cannot import actdocs) and the experiment's
    ``dead_masks`` agree on a network with a unit whose pre-activation is exactly 0 everywhere,
    one always negative and one that is sometimes positive."""
    import ast

    from actdocs.experiments import dying_relu

    source = (REPO_ROOT / "snippets" / "notebooks" / "ex3_dying_relu.py").read_text()
    (node,) = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "stuck_masks"]
    linear = torch.nn.Linear(2, 3)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[0.0, 0.0], [-1.0, -1.0], [1.0, 0.0]]))
        linear.bias.zero_()
    net = torch.nn.Sequential(linear, torch.nn.ReLU(), torch.nn.Linear(3, 2))
    X = torch.tensor([[1.0, 2.0], [0.5, 0.5], [0.25, 0.0]])

    class Net:  # the notebook's MLP interface: the output and each hidden pre-activation
        def __call__(self, x, return_preactivations=False):
            return net(x), [linear(x)]

    scope = {"torch": torch, "X": X, "MLP": Net}
    exec(compile(ast.Module([node], []), "ex3_dying_relu.py", "exec"), scope)
    (notebook,) = scope["stuck_masks"](Net())
    (experiment,) = dying_relu.dead_masks(net, X)
    assert notebook.tolist() == experiment.tolist() == [True, True, False]


def test_the_training_challenge_uses_the_smoothness_definition(monkeypatch):
    assert training.requirements()["smooth"]["ok"] == properties.measure(training.LEAKY_TANH).smooth
    monkeypatch.setattr(properties, "max_derivative_jump", lambda dy: 1.0)
    assert training.requirements()["smooth"]["ok"] is False


# ------------------------------------------------------------------ zero-centred, bounded, cost


def test_zero_centred_has_one_threshold(monkeypatch):
    sigmoid = catalog.get("sigmoid")
    assert properties.zero_centred(properties.measure(catalog.get("tanh")).zero_centred_mean)
    assert not properties.zero_centred(properties.measure(sigmoid).zero_centred_mean)
    monkeypatch.setattr(catalog, "ZERO_CENTRED_TOLERANCE", 1.0)  # every check reads the same constant
    assert any(p.startswith("zero_centred") for p in properties.check(sigmoid))


def test_bounded_words():
    assert properties.bounded(-1, 1) == "both"
    assert properties.bounded(0, 1e9) == "below"
    assert properties.bounded(-1e9, 0) == "above"
    assert properties.bounded(-1e9, 1e9) == "none"


@pytest.mark.parametrize("key", catalog.keys())
def test_declared_cost_follows_the_definition(key):
    record = catalog.get(key)
    assert record.properties.cost == properties.cost_class(record)


def test_cost_definition_bites():
    relu = catalog.get("relu")
    as_exp = dataclasses.replace(relu, maths=dataclasses.replace(relu.maths, formula=("exp(x) - 1",)))
    as_div = dataclasses.replace(relu, maths=dataclasses.replace(relu.maths, formula=("x/(2 + Abs(x))",)))
    as_const = dataclasses.replace(relu, maths=dataclasses.replace(relu.maths, formula=("Max(0, x)/6",)))
    assert properties.cost_class(as_exp) == "expensive"
    assert properties.cost_class(as_div) == "moderate"
    assert properties.cost_class(as_const) == "cheap"
    assert training.LEAKY_TANH.properties.cost == properties.cost_class(training.LEAKY_TANH)


def test_pages_link_the_words_to_the_glossary():

    docs = REPO_ROOT / "docs"
    linked = {m for p in docs.glob("*.md") for m in re.findall(r"glossary\.md#([\w-]+)", p.read_text(encoding="utf-8"))}
    assert {"saturated", "dead", "zero-centred"} <= linked
    assert linked <= {t.anchor for t in glossary.TERMS}
