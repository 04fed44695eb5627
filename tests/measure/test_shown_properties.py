"""The property tables show what the build measured, and a false declaration stops the build.

The tables print :func:`actdocs.measure.shown_properties.shown`, built from the measurement alone;
where the catalog is right, every cell reads as the declaration would (so the step from grid
readings to exact forms loses nothing a reader sees). A declaration made false, here
sigmoid's range edited to (0, 2), makes :func:`~actdocs.measure.shown_properties.verify` and the
build itself fail with one line naming the record.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import pytest

from actdocs import catalog
from actdocs.measure import properties, shown_properties
from actdocs.produce import tables
from actdocs.engine.errors import DeclarationError


@pytest.mark.parametrize("record", catalog.ACTIVATIONS, ids=lambda r: r.key)
def test_every_cell_of_the_measured_row_reads_as_the_checked_declaration(record):
    measured = shown_properties.as_measured(record)
    for column in tables.PROPERTIES_COLUMNS:
        cell = tables.COLUMNS[column][2]
        assert cell(measured) == cell(record), column


def test_the_table_prints_the_measurement_not_the_declaration(monkeypatch):
    sigmoid = catalog.get("sigmoid")
    wrong = dataclasses.replace(sigmoid, properties=dataclasses.replace(sigmoid.properties, max_grad=0.5))
    row = tables.properties_table([wrong], page=None)
    assert "0.25 at x = 0" in row and "0.5 at" not in row


def test_shown_forms_of_the_hard_cases():
    """A maximum at a kink takes the one-sided limit; one attained on a half-line is an interval;
    one only approached (Softplus, Tanhshrink) is a limit; an interval has open ends at kinks."""
    hardswish = shown_properties.shown(catalog.get("hardswish"))
    assert (hardswish.max_grad, hardswish.max_grad_at) == (1.5, 3.0)
    assert shown_properties.shown(catalog.get("relu")).max_grad_at == (0.0, math.inf)
    assert shown_properties.shown(catalog.get("elu")).max_grad_at == (0.0, math.inf)
    assert shown_properties.shown(catalog.get("softplus")).max_grad_at == math.inf
    assert shown_properties.shown(catalog.get("tanhshrink")).max_grad_at == catalog.Approached((-math.inf, math.inf))
    assert shown_properties.shown(catalog.get("hardtanh")).max_grad_at == (-1.0, 1.0)
    assert shown_properties.shown(catalog.get("softshrink")).max_grad_at == ((-math.inf, -0.5), (0.5, math.inf))
    assert shown_properties.shown(catalog.get("threshold")).jumps == (1.0,)


@pytest.mark.parametrize("change, words", [
    ({"output_range": (0.0, 2.0)}, "output_range high"),
    ({"monotonic": False}, "monotonic"),
    ({"cost": "cheap"}, "cost"),
], ids=["range", "monotonic", "cost"])
def test_a_false_declaration_is_refused(change, words):
    sigmoid = catalog.get("sigmoid")
    wrong = dataclasses.replace(sigmoid, properties=dataclasses.replace(sigmoid.properties, **change))
    with pytest.raises(DeclarationError, match=words) as caught:
        shown_properties.verify([wrong])
    assert "sigmoid" in str(caught.value)
    shown_properties.verify([sigmoid])


def test_the_build_itself_stops_on_a_false_declaration(tmp_path):
    """``python -m actdocs build`` with sigmoid's range edited to (0, 2): one line, exit 1,
    and no property table in the cache."""
    probe = (
        "import dataclasses, sys\n"
        "from actdocs import catalog, cli\n"
        "i = [r.key for r in catalog.ACTIVATIONS].index('sigmoid')\n"
        "r = catalog.ACTIVATIONS[i]\n"
        "wrong = dataclasses.replace(r, properties=dataclasses.replace(r.properties, output_range=(0.0, 2.0)))\n"
        "catalog.ACTIVATIONS = (*catalog.ACTIVATIONS[:i], wrong, *catalog.ACTIVATIONS[i + 1:])\n"
        f"sys.exit(cli.main(['build', {str(tmp_path / 'cache')!r}, '--only', 'table-properties']))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stderr.splitlines() if line.startswith("actdocs:")]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and "sigmoid" in lines[0] and "output_range" in lines[0], result.stderr
    assert not (tmp_path / "cache" / "tables" / "properties.md").exists()


def test_kinks_and_jumps_are_one_measurement():
    """The words' one definition: a jump where f moves by JUMP_MIN between neighbouring grid
    points, a kink where only f' moves by SMOOTH_MAX_JUMP; smooth means neither."""
    relu6, threshold = properties.measure(catalog.get("relu6")), properties.measure(catalog.get("threshold"))
    assert (relu6.kinks, relu6.jumps, relu6.smooth) == ((0.0, 6.0), (), False)
    assert (threshold.kinks, threshold.jumps) == ((), (1.0,))
    assert properties.breaks(catalog.get("hardshrink")) == (-0.5, 0.5)
    assert properties.measure(catalog.get("gelu")).kinks == ()


def test_a_jump_that_leaves_a_hole_in_the_range_is_shown_and_checked():
    """Threshold's outputs are {0} ∪ (1, ∞), Hardshrink's (−∞, −0.5) ∪ {0} ∪ (0.5, ∞): no interval
    covers them, and a declaration that leaves the hole out is refused."""
    from actdocs.render.wording import format_range

    assert format_range(shown_properties.shown(catalog.get("threshold"))) == "{0} \u222a (1, \u221e)"
    assert format_range(shown_properties.shown(catalog.get("hardshrink"))) == (
        "(\u2212\u221e, \u22120.5) \u222a {0} \u222a (0.5, \u221e)")
    threshold = catalog.get("threshold")
    wrong = dataclasses.replace(threshold, properties=dataclasses.replace(threshold.properties, gaps=()))
    with pytest.raises(DeclarationError, match="gaps"):
        shown_properties.verify([wrong])
    assert properties.measure(catalog.get("relu6")).gaps == ()  # a kink leaves no hole
