"""Figures: every artifact writes valid, small SVGs in both themes.

The SVGs checked are those the build made (the ``build_record`` fixture), every figure's;
that a make gives the same bytes again is tests/test_determinism.py's check.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
import torch

from actdocs import catalog
from actdocs.measure import autograd
from actdocs.produce import curves, figures
from actdocs.render import numbers, palette

OVERVIEWS = ["figure-overview", "figure-overview-phone"]
PER_FIGURE_LIMIT = 40_000
OVERVIEW_LIMIT = 200_000
SVG_NS = "{http://www.w3.org/2000/svg}"

_BY_NAME = {a.name: a for a in figures.artifacts()}


def test_one_artifact_per_record_plus_overview() -> None:
    names = [a.name for a in figures.artifacts()]
    assert names == [f"figure-{k}" for k in catalog.keys()] + OVERVIEWS
    for artifact in figures.artifacts():
        assert artifact.module == "actdocs.produce.figures"
        stem = artifact.name.removeprefix("figure-")
        svgs = (f"figures/{stem}-light.svg", f"figures/{stem}-dark.svg")
        assert artifact.outputs == (svgs + (f"fragments/figure-{stem}.md",) if stem in catalog.keys() else svgs)


def test_the_catalog_and_the_derivative_key_the_figures() -> None:
    # A record's x-range lives in the catalog, the curve in actdocs.measure.autograd: editing
    # either must remake the figures, though neither is a parameter of theirs.
    from actdocs.engine import keys

    assert {"actdocs.catalog", "actdocs.measure.autograd"} <= keys.closure("actdocs.produce.figures")


@pytest.mark.parametrize("name", list(_BY_NAME))
def test_the_build_wrote_valid_small_svgs(build_record, name: str) -> None:
    artifact = _BY_NAME[name]
    limit = OVERVIEW_LIMIT if name in OVERVIEWS else PER_FIGURE_LIMIT
    contents = {}
    for rel in (r for r in artifact.outputs if r.endswith(".svg")):
        data = build_record.path(rel).read_bytes()
        assert len(data) < limit, f"{rel} is {len(data)} bytes"
        root = ET.fromstring(data)
        assert root.tag == f"{SVG_NS}svg"
        text = data.decode()
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date in the SVG"
        assert "<dc:date>" not in text and "Matplotlib v" not in text
        assert any(True for _ in root.iter(f"{SVG_NS}text")), "text kept as text"
        assert "DejaVuSans-" not in text, "no embedded glyphs"
        assert "<image" not in text, "no rasterized parts"
        contents[rel] = text
    light, dark = contents.values()
    assert light != dark
    assert palette.LIGHT.background in light and palette.DARK.background in dark
    # the whole output set is exactly the declared outputs
    assert sorted(build_record.entry(name).outputs) == sorted(artifact.outputs)


def test_record_figure_has_title_and_scalar_view_subtitle(build_record) -> None:
    glu = build_record.text("figures/glu-light.svg")
    assert ">GLU<" in glu and curves.subtitle(catalog.get("glu")) in glu
    sigmoid = build_record.text("figures/sigmoid-dark.svg")
    assert ">Sigmoid<" in sigmoid and "scalar view" not in sigmoid


@pytest.mark.parametrize("name", OVERVIEWS)
def test_overview_titles_every_record(build_record, name: str) -> None:
    stem = name.removeprefix("figure-")
    text = build_record.text(f"figures/{stem}-light.svg")
    for record in catalog.ACTIVATIONS:
        assert f">{record.name.split(' (')[0]}" in text


def _broken_at(xs: list[float], ys: list[float]) -> list[float]:
    """The x of each NaN break in a drawn line."""
    return [x for x, y in zip(xs, ys) if math.isnan(y)]


def test_kinks_are_sample_points_and_derivative_breaks_there() -> None:
    hardswish = catalog.get("hardswish")
    x, y, dx, dy = curves.curves(hardswish, -6.0, 6.0)
    for kink in (-3.0, 0.0, 3.0):
        assert kink in x
    assert _broken_at(dx, dy) == [-3.0, 3.0]
    i = dx.index(3.0)
    assert dy[i] == pytest.approx(1.5) and math.isnan(dy[i + 1]) and dy[i + 2] == pytest.approx(1.0)
    relu6 = catalog.get("relu6")
    assert _broken_at(*curves.curves(relu6, *curves.x_range(relu6))[2:]) == [0.0, 6.0]
    assert _broken_at(*curves.curves(catalog.get("sigmoid"), -6.0, 6.0)[2:]) == []
    assert curves.x_range(catalog.get("relu6"))[1] > 6


def test_autograd_derivative_matches_closed_form() -> None:
    x = torch.linspace(-5, 5, 101, dtype=torch.float64)
    y, dy = autograd.values_and_derivative(catalog.get("sigmoid"), x)
    s = torch.sigmoid(x)
    torch.testing.assert_close(y, s)
    torch.testing.assert_close(dy, s * (1 - s))
    _, dsoft = autograd.values_and_derivative(catalog.get("softmax"), x)
    torch.testing.assert_close(dsoft, s * (1 - s))


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_alt_text_describes_the_record(record: catalog.Activation) -> None:
    text = curves.alt_text(record)
    assert record.name in text
    assert numbers.format_number(record.properties.max_grad) in text
    assert "[" not in text and "]" not in text, "alt text sits inside Markdown's ![...]"
    assert text.endswith(".")
    if not record.elementwise:
        assert "scalar view" in text


def test_overview_alt_text_names_every_record() -> None:
    text = curves.overview_alt_text()
    for record in catalog.ACTIVATIONS:
        assert record.name in text
    assert str(len(catalog.ACTIVATIONS)) in text


def test_a_jump_of_the_function_breaks_its_line() -> None:
    threshold = catalog.get("threshold")
    x, y, _, _ = curves.curves(threshold, -6.0, 6.0)
    i = x.index(1.0)
    assert y[i] == pytest.approx(0.0) and math.isnan(y[i + 1]) and y[i + 2] == pytest.approx(1.0)
    assert _broken_at(x, y) == [1.0]
    assert _broken_at(*curves.curves(catalog.get("hardshrink"), -6.0, 6.0)[:2]) == [-0.5, 0.5]
    assert _broken_at(*curves.curves(catalog.get("relu6"), -2.0, 8.0)[:2]) == []  # kinks, not jumps
    assert "jumps at x = 1" in curves.alt_text(threshold)


def test_alt_text_of_a_decreasing_view_and_a_split_maximum() -> None:
    assert "negative everywhere" in curves.alt_text(catalog.get("softmin"))
    assert "x below −0.5 and x above 0.5" in curves.alt_text(catalog.get("softshrink"))


@pytest.mark.parametrize("theme", [palette.LIGHT, palette.DARK], ids=lambda t: t.name)
def test_series_styles_never_repeat_a_pair_and_own_lines_vary_the_line_too(theme) -> None:
    many = palette.series_styles(theme, 2 * palette.PALETTE_SIZE + 1)
    pairs = [(s["color"], s["linestyle"]) for s in many]
    assert len(set(pairs)) == len(pairs), "no two series share colour and line style"
    assert len({s["linestyle"] for s in many[: palette.PALETTE_SIZE]}) == 1, "by default colour changes first"
    few = palette.series_styles(theme, len(palette.LINESTYLES), own_lines=True)
    assert len({s["linestyle"] for s in few}) == len(few), "with own_lines no two series share a line style"
    assert len({s["color"] for s in few}) == len(few)
