"""The framework-defaults table: its PyTorch column agrees with what torch computes, every
sourced cell cites a record of its own framework, every row says why it is listed, and the
table the build wrote is the one the PyTorch page includes."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from site_pages import REPO_ROOT

from actdocs import references
from actdocs.produce import framework_defaults, frameworks
from actdocs.produce.frameworks import Default, Row

TORCH = framework_defaults.pytorch_defaults()
X = torch.linspace(-6.0, 6.0, 97, dtype=torch.float64)


def test_every_row_has_a_pytorch_cell_and_only_known_frameworks():
    assert {row.key for row in frameworks.ROWS} == set(TORCH)
    assert all(set(row.cells) <= set(frameworks.FRAMEWORKS) for row in frameworks.ROWS)


def test_gelu_default_is_the_form_torch_computes():
    exact = 0.5 * X * (1.0 + torch.erf(X / math.sqrt(2.0)))
    assert TORCH["gelu"].value == "exact"
    torch.testing.assert_close(F.gelu(X), exact, rtol=0.0, atol=1e-12)
    torch.testing.assert_close(nn.GELU()(X), exact, rtol=0.0, atol=1e-12)
    # the probe tells the two forms apart
    assert framework_defaults.gelu_form(lambda x: F.gelu(x, approximate="tanh")) == "tanh"


def test_leaky_relu_slope_is_what_torch_applies():
    slope = TORCH["leaky_relu"].value
    minus_one = torch.tensor(-1.0, dtype=torch.float64)
    assert float(F.leaky_relu(minus_one)) == -slope
    assert float(nn.LeakyReLU()(minus_one)) == -slope


def test_hard_sigmoid_is_the_table_ramp_clipped():
    slope = TORCH["hard_sigmoid"].value
    torch.testing.assert_close(F.hardsigmoid(X), (slope * X + 0.5).clamp(0.0, 1.0), rtol=0.0, atol=1e-12)
    assert "x/6 + 1/2" in TORCH["hard_sigmoid"].text
    # Keras 2's ramp would be told apart
    assert framework_defaults.ramp_slope(lambda x: (0.2 * x + 0.5).clamp(0, 1)) == pytest.approx(0.2)


def test_elu_alpha_is_the_negative_limit():
    alpha = TORCH["elu"].value
    assert float(F.elu(torch.tensor(-60.0, dtype=torch.float64))) == pytest.approx(-alpha, abs=1e-12)


def test_softplus_beta_and_switch_are_what_torch_does():
    beta, switch = TORCH["softplus"].value
    assert float(F.softplus(torch.zeros((), dtype=torch.float64))) == pytest.approx(math.log(2.0) / beta)
    above = torch.tensor([switch + 0.01], dtype=torch.float64)
    below = torch.tensor([switch - 0.01], dtype=torch.float64)
    assert bool(F.softplus(above) == above) and not bool(F.softplus(below) == below)
    assert framework_defaults.softplus_switch(lambda x: F.softplus(x, threshold=5.0)) == pytest.approx(5.0)


def test_silu_has_no_beta_and_is_x_sigmoid_x():
    assert TORCH["silu"].value is None
    with pytest.raises(TypeError):
        F.silu(X, beta=2.0)
    torch.testing.assert_close(F.silu(X), X * torch.sigmoid(X))


@pytest.mark.parametrize("key, fn", [("softmax", F.softmax), ("log_softmax", F.log_softmax)])
def test_implicit_softmax_dim_is_not_the_last_for_3d_input(key, fn):
    assert TORCH[key].value == "implicit"
    x = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    with pytest.warns(UserWarning, match="dim"):
        y = fn(x)
    torch.testing.assert_close(y, fn(x, dim=0))
    assert not torch.allclose(y, fn(x, dim=-1))
    assert "dim 0 for 1-D and 3-D" in TORCH[key].text


def test_every_sourced_cell_cites_a_record_of_its_framework():
    for row in frameworks.ROWS:
        for name, defaults in row.cells.items():
            word = name.split()[0]
            for d in defaults:
                assert d.refs, f"{row.key}/{name}: {d.api} cites nothing"
                for key in d.refs:
                    assert key in frameworks.SOURCES[name]
                    ref = references.get(key)
                    assert word in f"{ref.title} {ref.venue} {ref.authors[0]}", f"{key} does not name {word}"
                    assert ref.url and ref.date


def _values(row: Row) -> set[str]:
    return {repr(d.value) for d in (TORCH[row.key], *(d for ds in row.cells.values() for d in ds))}


#: How a cell's text may spell a value other than by its digits.
SPELLED = {-1: ("-1", "last axis"), 1 / 6: ("/6",), None: ("no ",)}


def test_every_sourced_cell_says_the_value_it_is_compared_by():
    """A cell's ``value`` (what the rows are compared by) and its text are typed side by side:
    the text must state that value."""
    for row in frameworks.ROWS:
        for framework, defaults in row.cells.items():
            for default in defaults:
                spellings = SPELLED.get(default.value) if not isinstance(default.value, str) else (default.value,)
                spellings = spellings or (f"{default.value:g}",)
                assert any(s in default.text for s in spellings), f"{row.key}, {framework}: {default.text!r} does not say {default.value!r}"
    assert not any(s in "`negative_slope=0.3`" for s in (f"{0.2:g}",)), "the check tells 0.2 from 0.3"


def test_every_row_differs_somewhere_or_says_why():
    for row in frameworks.ROWS:
        assert len(_values(row)) > 1 or row.why, f"{row.key}: every framework agrees and no reason is given"
    # the check fires on a row of agreeing cells
    agreeing = Row("elu", "ELU", {"JAX": (Default("jax.nn.elu", TORCH["elu"].value, "", ("jax2026",)),)})
    assert len(_values(agreeing)) == 1 and not agreeing.why


def test_the_built_table_is_on_the_pytorch_page(build_record):
    text = build_record.text("tables/framework-defaults.md")
    lines = text.strip().splitlines()
    assert len(lines) == 2 + len(frameworks.ROWS)
    assert lines[0].startswith("| Setting | PyTorch ")
    for key in ("jax2026", "keras2026", "keras2023", "tensorflow2026"):
        assert f"(references.md#{key})" in text
    assert "–" in text  # a framework with no cell read shows a dash
    import markdown  # installed with mkdocs: a missing one is a failure, not a skip
    html = markdown.Markdown(extensions=["tables"]).convert(text)
    assert html.count("<tr>") == 1 + len(frameworks.ROWS)
    assert html.count("<td>") == (3 + len(frameworks.FRAMEWORKS)) * len(frameworks.ROWS)
    page = (REPO_ROOT / "docs" / "pytorch.md").read_text(encoding="utf-8")
    assert '--8<-- "tables/framework-defaults.md"' in page
