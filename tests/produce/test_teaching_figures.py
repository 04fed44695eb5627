"""Figures that teach: the gated units' family of curves (actdocs/produce/gate_figure.py) and the
figures drawn from a listing's own results (actdocs/execute/listing_figures.py)."""

from __future__ import annotations

import re

import pytest
import torch

from actdocs import paths
from actdocs import catalog
from actdocs.execute import listing_figures
from actdocs.produce import gate_figure
from actdocs.artifacts import all_artifacts
from actdocs.engine.artifact import REPO_ROOT
from actdocs.execute.listings import SNIPPETS, execute
from actdocs.render.numbers import format_number, format_percent, format_sig

DOCS = REPO_ROOT / "docs"


# ------------------------------------------------------------------- the gated units


def test_gate_figure_shows_every_gated_record_and_only_those() -> None:
    keys = [r.key for r in gate_figure.gated()]
    assert keys == [r.key for r in catalog.ACTIVATIONS if not r.elementwise and r.family == "gated"]
    assert len(keys) >= 3
    b = gate_figure.gate_inputs()
    for record in gate_figure.gated():  # each takes (content, gate) pairs and gives one output per pair
        assert gate_figure.output(record, 2.0, b).shape == b.shape
        assert torch.all(gate_figure.output(record, 0.0, b) == 0), f"{record.key}: no content, no output"


@pytest.mark.parametrize("key", [r.key for r in gate_figure.gated()])
def test_each_curve_is_the_gate_scaled_by_the_content(key: str) -> None:
    """out(a, b) = a * gate(b): the scalar view (a = 1) scaled by a, for every plotted content."""
    record = catalog.get(key)
    b = gate_figure.gate_inputs()
    gate = record.scalar_view(b)
    for a in gate_figure.CONTENTS:
        assert torch.allclose(gate_figure.output(record, a, b), a * gate, atol=1e-12)
    assert b[0] == gate_figure.GATE_RANGE[0] and b[-1] == gate_figure.GATE_RANGE[1]


def test_gate_alt_text_names_every_unit_content_and_its_share_at_the_edge() -> None:
    alt = gate_figure.alt_text()
    edge = torch.tensor([gate_figure.GATE_RANGE[1]], dtype=torch.float64)
    for record in gate_figure.gated():
        share = gate_figure.output(record, 1.0, edge).item()
        assert f"{record.name} {format_number(share, 3)}" in alt
    for a in gate_figure.CONTENTS:
        assert format_number(a) in alt
    assert "[" not in alt and "]" not in alt


def test_gate_figure_draws_both_themes(build_record) -> None:
    """As the build drew it (``figure-gates``): the two themes differ, and the light one names every gated unit."""
    svgs = sorted(rel for rel in build_record.entry("figure-gates").outputs if rel.endswith(".svg"))
    assert len(svgs) == 2, svgs
    dark, light = (build_record.text(rel) for rel in svgs)
    assert light != dark
    for record in gate_figure.gated():
        assert record.name in light


# ------------------------------------------------------------- figures of listings


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[str, dict]]:
    """Each figured listing, run once as the build runs it in the listing's own process,
    but in this one (its names hold the listing's own classes, which no pipe carries):
    what it printed, its names. The torch state the listings change is put back."""
    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    with torch.random.fork_rng():
        ran = {stem: execute(REPO_ROOT / SNIPPETS / f"{stem}.py") for stem in listing_figures.FIGURES}
    torch.set_default_dtype(dtype)
    torch.set_num_threads(threads)
    return ran


@pytest.fixture(scope="module")
def names(runs) -> dict[str, dict]:
    return {stem: run[1] for stem, run in runs.items()}


def test_every_figured_listing_exists_and_its_figure_is_built_and_shown() -> None:
    artifacts = {a.name: a for a in all_artifacts()}
    pages = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    for stem in listing_figures.FIGURES:
        assert (REPO_ROOT / SNIPPETS / f"{stem}.py").is_file()
        artifact = artifacts[f"listing-figure-{stem}"]
        assert artifact.inputs == (f"{SNIPPETS}/{stem}.py",), "keyed by the listing's bytes"
        assert f'--8<-- "{paths.listing_figure_fragment(stem)}"' in pages, f"no page shows {stem}'s figure"
        assert (f'--8<-- "{paths.listing_output(stem)}"' in pages or f"<!-- md:listing {stem} -->" in pages), \
            "the numbers stay on the page beside the figure"
    assert artifacts["figure-gates"].outputs[-1] == gate_figure.FRAGMENT
    assert f'--8<-- "{gate_figure.FRAGMENT}"' in pages


def test_every_listing_output_is_made_by_exactly_one_artifact() -> None:
    makers: dict[str, list[str]] = {}
    for artifact in all_artifacts():
        for rel in artifact.outputs:
            if rel.startswith("output/"):
                makers.setdefault(rel, []).append(artifact.name)
    stems = sorted(p.stem for p in (REPO_ROOT / SNIPPETS).glob("*.py"))
    assert sorted(makers) == [f"output/{s}.txt" for s in stems]
    assert all(len(v) == 1 for v in makers.values()), {k: v for k, v in makers.items() if len(v) > 1}
    for stem in listing_figures.FIGURES:
        assert makers[f"output/{stem}.txt"] == [f"listing-figure-{stem}"], "one run makes output and figure"


def test_xor_alt_text_quotes_the_accuracies_the_listing_prints(names) -> None:
    ns = names["xor_needs_nonlinearity"]
    alt = listing_figures.xor_alt(ns)
    assert format_percent(ns["linear_acc"]) in alt and format_percent(ns["relu_acc"]) in alt
    for x, y in ns["inputs"].tolist():  # every point of the listing, named once
        assert alt.count(f"({format_number(x)}, {format_number(y)})") == 1
    assert ns["linear_acc"] < ns["relu_acc"] == 1.0


def test_xor_regions_put_the_relu_networks_four_points_on_their_own_side(names) -> None:
    """The shaded regions come from the listing's networks: at the four inputs they agree with the targets."""
    ns = names["xor_needs_nonlinearity"]
    gx, gy, points = listing_figures._xor_grid()
    with torch.no_grad():
        logits = ns["relu_model"](points)
    for (x, y), target in zip(ns["inputs"].tolist(), ns["targets"].flatten().tolist()):
        nearest = ((points - torch.tensor([x, y])) ** 2).sum(dim=1).argmin()
        assert bool(logits[nearest] > 0) == bool(target)


def test_pieces_are_where_the_on_off_pattern_changes_and_are_straight(names, runs) -> None:
    ns = names["relu_piecewise_linear"]
    pattern, pieces = ns["pattern"], ns["pieces"]
    assert pieces[0][0] == 0 and pieces[-1][1] == len(ns["grid"])
    for (lo, hi), (nxt, _) in zip(pieces, pieces[1:]):
        assert hi == nxt
        assert (pattern[lo:hi] == pattern[lo]).all(), "one pattern per piece"
        assert (pattern[hi] != pattern[hi - 1]).any(), "a new piece starts where a unit switches"
    # at most one kink per unit of the first layer, more through the second: fewer than 2 ** units
    assert 2 <= len(pieces) < 2 ** pattern.shape[1]
    alt = listing_figures.pieces_alt(ns)
    assert f"{len(pieces)} pieces meeting at {len(pieces) - 1} kinks" in alt
    out = runs["relu_piecewise_linear"][0]
    assert f"linear pieces on [-3, 3]: {len(pieces)} ({pattern.shape[1]} ReLU units)" in out


def test_gradient_figure_alt_text_quotes_both_networks_ratios(names) -> None:
    ns = names["pitfalls_deep_sigmoid"]
    alt = listing_figures.gradients_alt(ns)
    sig, relu = ns["sigmoid_norms"], ns["relu_norms"]
    assert format_sig(sig[0] / sig[-1], 2) in alt and format_sig(relu[0] / relu[-1], 2) in alt
    tanh = ns["tanh_norms"][listing_figures.TANH_MATCHED]
    assert f"tanh line stays level too: its first layer gets {format_sig(tanh[0] / tanh[-1], 2)}" in alt
    assert f"each of the {len(sig)} Linear layers" in alt
    assert listing_figures._labels(ns)[-1] == "out" and len(listing_figures._labels(ns)) == len(sig)


def test_deep_network_pitfall_prose_follows_its_tanh_data(names) -> None:
    """The pitfall and the summary may group tanh with sigmoid only as far as the listing's
    data do: sigmoid fades under every init it tries, tanh keeps its gradient under the init
    matched to it and loses it with too-small weights or saturated units."""
    ns = names["pitfalls_deep_sigmoid"]
    ratios = ns["first_over_output"]
    matched = ratios[listing_figures.TANH_MATCHED]
    default, saturated, sigmoid_xavier = (v for k, v in ratios.items() if k != listing_figures.TANH_MATCHED)
    sigmoid_kaiming = ns["sigmoid_norms"][0] / ns["sigmoid_norms"][-1]
    assert matched > 0.1 and max(sigmoid_kaiming, sigmoid_xavier) < 1e-3
    assert default < 1e-2 and saturated < 1e-2
    pitfall = (DOCS / "pitfalls.md").read_text(encoding="utf-8")
    section = pitfall.split("## Sigmoid or tanh in a deep network", 1)[1].split("\n## ", 1)[0]
    for needed in ("too small", "saturate", "Xavier"):
        assert needed in section
    assert "Tanh's derivative peaks at 1 but it saturates too" not in section
    summary = (DOCS / "summary.md").read_text(encoding="utf-8")
    assert "deep stacks of\n    them starve" not in summary and "sigmoids starves" in summary


@pytest.mark.parametrize("stem", list(listing_figures.FIGURES))
def test_each_listing_figure_is_made_in_both_themes_with_its_fragment(stem: str, build_record) -> None:
    """As the build made it, from the listing's one run: both themes and the fragment a page includes."""
    artifact = next(a for a in listing_figures.artifacts() if a.name == f"listing-figure-{stem}")
    assert set(build_record.entry(artifact.name).outputs) == set(artifact.outputs)
    light, dark = (build_record.path(paths.listing_figure(stem, t)) for t in ("light", "dark"))
    assert light.read_bytes() != dark.read_bytes()
    fragment = build_record.text(paths.listing_figure_fragment(stem))
    assert re.search(rf"\]\(generated/figures/listing-{stem}-light\.svg#only-light\)", fragment)
    assert re.search(rf"\]\(generated/figures/listing-{stem}-dark\.svg#only-dark\)", fragment)
