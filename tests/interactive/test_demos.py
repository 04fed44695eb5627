"""The interactive demos' data: well-formed plotly figures, every control backed by states.

The demos' JSON and the experiments' results they are drawn from are read as the build
wrote them (the ``build_record`` fixture), not computed again: what ships is what is checked.
The browser side (controls driven in Chromium) is tested in ``test_demos_browser.py``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from actdocs.render import palette
from actdocs import paths
from actdocs import catalog
from actdocs.interactive import demo_spec, demos
from actdocs.render import numbers
from actdocs.interactive import explorer as explorer_demo

#: The records whose parameter gets a slider, and the slider.
SLIDERS = {r.key: r.slider for r in catalog.ACTIVATIONS if r.slider is not None}

REPO_ROOT = Path(__file__).resolve().parents[2]
ROLES_OF_THEME = set(demo_spec.theme_json(palette.LIGHT)["roles"])


# ------------------------------------------------------------------ helpers


def leaves(node: dict, path: tuple[str, ...] = ()):
    """Every (path of control values, leaf) of a demo tree."""
    if "control" in node:
        for value, child in node["states"].items():
            yield from leaves(child, (*path, value))
    else:
        yield path, node


def full_figure(spec: dict, leaf: dict) -> go.Figure:
    """The figure demos.js draws for ``leaf``: styles merged under each trace, validated by plotly."""
    extra = spec["actdocs"]
    data = [demo_spec._merge(extra["styles"].get(t["meta"]["role"], {}), t) for t in leaf["data"]]
    layout = demo_spec._merge(extra["layout"], leaf.get("layout", {}))
    return go.Figure(data=data, layout=layout)  # raises on any attribute plotly does not know


def floats(obj):
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from floats(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from floats(v)


def control(spec: dict, control_id: str) -> dict:
    return next(c for c in spec["actdocs"]["controls"] if c["id"] == control_id)


@pytest.fixture(scope="module")
def explorer(build_record) -> dict:
    """The explorer's JSON as the build wrote it (so rounding is what ships)."""
    return build_record.json(paths.demo_data("explorer"))


@pytest.fixture(scope="module")
def flow(build_record) -> dict:
    """The gradient-flow experiment's results, with its site parameters, as the build wrote them."""
    return build_record.json(paths.experiment_data("gradient-flow"))


@pytest.fixture(scope="module")
def distribution(build_record) -> dict:
    """The distributions experiment's results, with its site parameters, as the build wrote them."""
    return build_record.json(paths.experiment_data("distributions"))


@pytest.fixture(scope="module")
def vanishing(build_record) -> dict:
    """The vanishing-gradients demo as the build drew it from ``flow``."""
    return build_record.json(paths.demo_data("vanishing-gradients"))


@pytest.fixture(scope="module")
def histograms(build_record) -> dict:
    """The distributions demo as the build drew it from ``distribution``."""
    return build_record.json(paths.demo_data("distributions"))


# ------------------------------------------------------------------ numbers


def test_dumps_rounds_every_float_and_refuses_nan():
    text = demo_spec.dumps({"a": [1 / 3, 2e-9 / 3, None], "b": {"c": 12345.678}})
    assert json.loads(text) == {"a": [0.3333, 6.667e-10, None], "b": {"c": 12350}}
    assert "NaN" not in demo_spec.dumps({"x": math.nan})


def test_simplify_keeps_ends_gaps_and_shape():
    xs = [i / 10 for i in range(-30, 31)]
    ys = [abs(x) for x in xs]  # a kink at 0: three points reproduce it exactly
    kept_x, kept_y = demo_spec.simplify(xs, ys, 1e-9)
    assert kept_x == [-3.0, 0.0, 3.0] and kept_y == [3.0, 0.0, 3.0]
    gapped = [y if x != 1.0 else None for x, y in zip(xs, ys)]
    gx, gy = demo_spec.simplify(xs, gapped, 1e-9)
    assert None in gy and gx[gy.index(None)] == 1.0
    curve = [math.sin(x) for x in xs]
    cx, cy = demo_spec.simplify(xs, curve, 1e-3)
    assert len(cx) < len(xs)
    for x, y in zip(xs, curve):  # the thinned line stays within the tolerance everywhere
        i = next(k for k in range(1, len(cx)) if cx[k] >= x)
        t = (x - cx[i - 1]) / (cx[i] - cx[i - 1])
        assert abs(cy[i - 1] + t * (cy[i] - cy[i - 1]) - y) <= 1e-3 + 1e-12


# ------------------------------------------------------------------ explorer


def test_explorer_is_a_plotly_figure(explorer):
    assert explorer["schema"] == demo_spec.SCHEMA and explorer["demo"] == "explorer"
    go.Figure(data=explorer["data"], layout=explorer["layout"])
    assert explorer["config"]["displaylogo"] is False


def test_explorer_offers_every_catalog_activation(explorer):
    select = control(explorer, "activation")
    assert select["type"] == "select"
    assert [o["value"] for o in select["options"]] == list(catalog.keys())
    assert list(explorer["actdocs"]["tree"]["states"]) == list(catalog.keys())
    assert select["default"] == catalog.keys()[0]


def test_explorer_has_a_derivative_toggle(explorer):
    toggle = control(explorer, "derivative")
    assert toggle["type"] == "toggle" and toggle["default"] is True and toggle["roles"] == ["derivative"]
    assert any(t["meta"]["role"] == "derivative" for t in explorer["data"])


@pytest.mark.parametrize("key", sorted(SLIDERS))
def test_explorer_parameter_sliders(explorer, key):
    parameter = SLIDERS[key]
    record = catalog.get(key)
    slider = control(explorer, f"{key}-{parameter.keyword}")
    assert slider["type"] == "range" and slider["when"] == {"control": "activation", "in": [key]}
    assert slider["default"] == explorer_demo.value_key(record.defaults[parameter.keyword])
    branch = explorer["actdocs"]["tree"]["states"][key]
    assert branch["control"] == slider["id"]
    assert list(branch["states"]) == [o["value"] for o in slider["options"]]
    curves = [tuple(leaf["data"][1]["y"]) for leaf in branch["states"].values()]
    assert len(set(curves)) == len(curves), "every slider stop draws a different curve"
    ranges = {tuple(leaf["layout"]["yaxis"]["range"]) for leaf in branch["states"].values()}
    assert len(ranges) == 1, "the y-axis stays put while the slider moves"


def test_the_three_parameters_of_the_source_have_sliders():
    assert {"leaky_relu", "elu", "prelu"} <= set(SLIDERS)


def test_explorer_leaves_are_well_formed(explorer):
    found = list(leaves(explorer["actdocs"]["tree"]))
    assert len(found) == len(catalog.keys()) - len(SLIDERS) + sum(
        len(p.values) for p in SLIDERS.values()
    )
    for path, leaf in found:
        roles = [t["meta"]["role"] for t in leaf["data"]]
        assert roles == ["saturated", "function", "derivative"], path
        assert set(roles) <= ROLES_OF_THEME
        low, high = leaf["layout"]["yaxis"]["range"]
        for trace in leaf["data"]:
            assert len(trace["x"]) == len(trace["y"]), path
            assert len(trace["x"]) >= 2 or trace["meta"]["role"] == "saturated", path
            assert all(low <= y <= high for y in trace["y"] if y is not None), path
        assert leaf["summary"].startswith(catalog.get(path[0]).name), path
        full_figure(explorer, leaf)


def test_explorer_matches_pytorch(explorer):
    """Spot checks against the functions themselves: sigmoid(0) = 0.5, its derivative 0.25."""
    import torch

    leaf = explorer["actdocs"]["tree"]["states"]["sigmoid"]
    fn, dfn = leaf["data"][1], leaf["data"][2]
    assert max(dfn["y"]) == pytest.approx(0.25, abs=1e-4)
    for x, y in zip(fn["x"], fn["y"]):
        assert y == pytest.approx(torch.sigmoid(torch.tensor(x, dtype=torch.float64)).item(), rel=1e-3, abs=1e-4)
    elu = explorer["actdocs"]["tree"]["states"]["elu"]["states"]["2"]["data"][1]
    assert min(elu["y"]) == pytest.approx(-2 * (1 - math.exp(-6)), rel=1e-3)


def _saturated(leaf: dict) -> list[tuple[float, float]]:
    trace = leaf["data"][0]
    xs = trace["x"]
    return [(xs[i], xs[i + 2]) for i in range(0, len(xs), 6)] if xs else []


def test_explorer_shades_the_saturated_region(explorer):
    states = explorer["actdocs"]["tree"]["states"]
    beyond = catalog.get("sigmoid").properties.saturation[1].lo  # the set (-inf, -b) and (b, inf)
    (a, b), (c, d) = _saturated(states["sigmoid"])
    assert (a, d) == (-6, 6)
    assert b == pytest.approx(-beyond, abs=0.05) and c == pytest.approx(beyond, abs=0.05)
    assert _saturated(states["relu"]) == [(-6, 0.0)]  # the set itself, x <= 0, not widened by half a sample
    leaky = states["leaky_relu"]["states"]
    assert _saturated(leaky["0.01"]) == [] and not leaky["0.01"]["data"][0]["showlegend"]
    assert _saturated(leaky["0"]) == [(-6, 0.0)]
    elu = states["elu"]["states"]  # alpha * e^x < 0.01 <=> x < ln(0.01 / alpha)
    for key in ("0.5", "1", "3"):
        (lo, hi), = _saturated(elu[key])
        assert hi == pytest.approx(math.log(0.01 / float(key)), abs=0.05)


def test_explorer_is_small_and_rounded(explorer, build_record):
    size = build_record.entry("demo-explorer").outputs[paths.demo_data("explorer")].bytes
    assert size < 150_000, f"explorer JSON is {size} bytes"
    for value in floats(explorer):
        assert float(f"{value:.{demo_spec.DIGITS}g}") == value


def test_themes_follow_the_house_palette(explorer):
    themes = explorer["actdocs"]["themes"]
    assert set(themes) == {"light", "dark"}
    assert themes["light"]["roles"]["function"] == palette.LIGHT.function
    assert themes["dark"]["roles"]["derivative"] == palette.DARK.derivative
    assert explorer["layout"]["font"]["color"] == palette.LIGHT.foreground


# ------------------------------------------------------------------ vanishing gradients


def test_vanishing_controls(vanishing, flow):
    assert vanishing["demo"] == "vanishing-gradients"
    go.Figure(data=vanishing["data"], layout=vanishing["layout"])
    select = control(vanishing, "activation")
    assert [o["value"] for o in select["options"]] == [a["key"] for a in flow["activations"]]
    assert select["default"] == "sigmoid"
    depth = control(vanishing, "depth")
    assert depth["type"] == "range" and [o["value"] for o in depth["options"]] == [str(d) for d in range(2, 31)]
    assert depth["default"] == str(flow["depth"]) == "20"
    assert control(vanishing, "reference")["roles"] == ["reference"] and control(vanishing, "reference")["default"] is True
    assert control(vanishing, "bound")["roles"] == ["bound"] and control(vanishing, "bound")["default"] is False
    assert vanishing["layout"]["yaxis"]["type"] == "log"


def test_vanishing_leaves_are_the_networks_numbers(vanishing, flow):
    found = dict(leaves(vanishing["actdocs"]["tree"]))
    assert len(found) == len(flow["activations"]) * len(flow["depths"])
    low, high = vanishing["layout"]["yaxis"]["range"]
    for (key, depth), leaf in found.items():
        norms = flow["gradient_norms"][key][depth]
        gradient, *rest = leaf["data"]
        assert gradient["meta"]["role"] == "gradient" and (gradient["x0"], gradient["dx"]) == (1, 1)
        assert gradient["y"] == [numbers.round_sig(v, demo_spec.DIGITS) for v in norms] and len(norms) == int(depth)
        assert all(low <= math.log10(v) <= high for v in norms), (key, depth)
        roles = [t["meta"]["role"] for t in rest]
        assert roles == (["bound"] if key == demos.REFERENCE_KEY else ["reference", "bound"])
        if key != demos.REFERENCE_KEY:
            assert rest[0]["y"] == [numbers.round_sig(v, demo_spec.DIGITS) for v in flow["gradient_norms"][demos.REFERENCE_KEY][depth]]
        bound = rest[-1]
        slope = catalog.get(key).properties.max_grad
        assert bound["x"] == [1, int(depth)]
        assert bound["y"][0] == pytest.approx(norms[-1] * slope ** (int(depth) - 1), rel=1e-3)
        assert leaf["summary"].startswith(f"{catalog.get(key).name}, {depth} layers")
        assert [row[0] for row in leaf["table"]][:3] == ["Layer 1 gradient norm", f"Layer {depth} gradient norm", "Layer 1 / last layer"]
        if int(depth) % 7 == 0:
            full_figure(vanishing, leaf)


def test_vanishing_shows_what_the_issue_asks(vanishing):
    """Sigmoid's first layer is orders of magnitude below ReLU's at depth 20, and falls with depth."""
    states = vanishing["actdocs"]["tree"]["states"]
    sigmoid = states["sigmoid"]["states"]["20"]["data"][0]["y"]
    relu = states["relu"]["states"]["20"]["data"][0]["y"]
    assert sigmoid[0] / sigmoid[-1] < 1e-6 * (relu[0] / relu[-1])
    firsts = [states["sigmoid"]["states"][str(d)]["data"][0]["y"][0] for d in range(2, 31)]
    assert firsts[-1] < 1e-10 * firsts[0]


def test_vanishing_caption_claim_is_checked(flow):
    text = demos.slope_only_comparison(flow)
    assert text.startswith("at every depth and with every activation the real network keeps less")


def test_vanishing_is_small(vanishing):
    size = len(demo_spec.dumps(vanishing).encode())
    assert size < 300_000, f"vanishing-gradients JSON is {size} bytes"


# ------------------------------------------------------------------ distributions


def test_distribution_controls(histograms, distribution):
    assert histograms["demo"] == "distributions"
    go.Figure(data=histograms["data"], layout=histograms["layout"])
    select = control(histograms, "activation")
    assert [o["value"] for o in select["options"]] == [a["key"] for a in distribution["activations"]]
    scale = control(histograms, "scale")
    assert scale["type"] == "range" and [o["value"] for o in scale["options"]] == ["0.25", "0.5", "1", "2", "4", "8"]
    assert scale["default"] == "1"


def test_distribution_leaves(histograms, distribution):
    found = dict(leaves(histograms["actdocs"]["tree"]))
    assert len(found) == len(distribution["activations"]) * len(distribution["scales"])
    for (key, scale), leaf in found.items():
        r = distribution["results"][key][scale]
        bars, zero = leaf["data"]
        assert (bars["meta"]["role"], zero["meta"]["role"]) == ("histogram", "zero")
        assert len(bars["y"]) == distribution["bins"]
        tails = 100 * (r["frac_below"] + r["frac_above"])
        assert sum(bars["y"]) + zero["y"][0] + tails == pytest.approx(100, abs=0.05), (key, scale)
        assert bars["x0"] == pytest.approx(r["edges"][0] + bars["dx"] / 2, rel=1e-3, abs=1e-4)
        assert max(bars["y"]) <= leaf["layout"]["yaxis"]["range"][1]
        assert (r["frac_zero"] > 0) == bool(leaf["layout"]["annotations"])
        mean = float(dict(leaf["table"])["Mean"].replace(numbers.MINUS, "-"))
        assert mean == pytest.approx(r["mean"], rel=5e-3, abs=5e-4), (key, scale)
        full_figure(histograms, leaf)
    relu = found[("relu", "1")]
    assert relu["data"][1]["y"][0] == pytest.approx(50, abs=1)
    assert "exactly 0: 50" in relu["layout"]["annotations"][0]["text"]


def test_distributions_is_small(histograms):
    size = len(demo_spec.dumps(histograms).encode())
    assert size < 300_000, f"distributions JSON is {size} bytes"


# ------------------------------------------------------------------ fragments and artifacts


def test_fragment_has_container_static_figure_and_data_link():
    text = explorer_demo.explorer_fragment()
    assert re.search(r'<div class="actdocs-demo" data-demo="explorer" data-src="generated/data/demos/explorer.json" markdown>', text)
    for theme in ("light", "dark"):
        assert re.search(rf"!\[[^\]]{{40,}}\]\(generated/figures/overview-{theme}\.svg#only-{theme}\)", text)
    assert "(generated/data/demos/explorer.json){ .actdocs-demo__data }" in text
    assert text.count("<div") == text.count("</div>")


def test_artifacts_write_what_they_declare(build_record):
    """What the build recorded of each demo: its declared outputs, made from experiment outputs."""
    for artifact in demos.artifacts():
        assert all(build_record.maker(rel).startswith("experiment-") for rel in artifact.reads), artifact.name
        assert set(build_record.entry(artifact.name).outputs) == set(artifact.outputs), artifact.name
        for rel in artifact.outputs:
            assert build_record.path(rel).is_file(), rel
    assert [a.name for a in demos.artifacts()] == [f"demo-{name}" for name in demo_spec.DEMOS]
    for name in demo_spec.DEMOS:
        assert build_record.json(paths.demo_data(name))["demo"] == name
    text = build_record.text(paths.demo_fragment("vanishing-gradients"))
    assert "(generated/figures/exp-gradient-flow-light.svg#only-light)" in text, "the experiment's figure is the static form"
    reads = {a.name: a.reads for a in demos.artifacts()}
    assert reads["demo-vanishing-gradients"] == (paths.experiment_data("gradient-flow"), paths.experiment_fragment("gradient-flow", "figure"))
    assert reads["demo-distributions"] == (paths.experiment_data("distributions"), paths.experiment_fragment("distributions", "figure"))


def test_each_demo_appears_once_where_it_is_taught_and_the_index_links_it():
    """Each demo fragment is included by exactly one page, which loads plotly; the demos
    index includes none of them and links to each page that does."""
    docs = REPO_ROOT / "docs"
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(docs.glob("*.md"))}
    index = pages["demos.md"]
    assert "--8<--" not in index, "the demos index links to the demos, it does not repeat them"
    for name in demo_spec.DEMOS:
        rel = paths.demo_fragment(name)
        hosts = [page for page, text in pages.items() if f'--8<-- "{rel}"' in text]
        assert len(hosts) == 1, f"{rel} is included by {hosts}, not by exactly one page"
        head = pages[hosts[0]].split("---")[1] if pages[hosts[0]].startswith("---\n") else ""
        assert "plotly: true" in head, f"{hosts[0]} shows {name} but does not load plotly"
        assert f"]({hosts[0]}#" in index, f"the demos index does not link to {name} on {hosts[0]}"
