"""Keys follow the imports that run: what each producer's key closure holds (the wings' rules
that keep it narrow are tested in ``tests/test_house.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actdocs.engine import keys

#: Outputs that are page text (tables, fragments, data, listing output, notebooks), not figures.
TEXT = (".md", ".json", ".txt", ".ipynb")
#: Modules no producer outside the benchmark may be keyed by: the command lines and the site glue.
COMMANDS = ("actdocs.cli", "actdocs.budgets", "actdocs.artifacts", "actdocs.bench.cli")
#: The plotting code: page text must not be keyed by it.
PLOTTING = ("actdocs.render.style", "actdocs.produce.figures", "actdocs.bench.charts")


@pytest.fixture(scope="module")
def site_artifacts():
    from actdocs.artifacts import all_artifacts

    return all_artifacts()


def test_an_import_of_a_module_from_its_wing_keys_the_module_not_the_wing(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from actdocs.render import numbers\nfrom actdocs.measure.verdicts import Measured\n"
                      "import actdocs.paths\n", encoding="utf-8")
    assert keys.actdocs_imports(source) == {"actdocs.render.numbers", "actdocs.measure.verdicts", "actdocs.paths"}


def test_imports_for_type_checking_only_key_nothing(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from typing import TYPE_CHECKING\nimport typing\n"
                      "if TYPE_CHECKING:\n    from actdocs.render import style\n"
                      "if typing.TYPE_CHECKING:\n    from actdocs.bench import cli\nelse:\n    from actdocs import paths\n",
                      encoding="utf-8")
    assert keys.actdocs_imports(source) == {"actdocs.paths"}


def test_no_producer_outside_the_benchmark_is_keyed_by_a_command_line(site_artifacts) -> None:
    for artifact in site_artifacts:
        closure = keys.closure(artifact.module)
        found = sorted(m for m in COMMANDS if m in closure and not artifact.module.startswith("actdocs.bench."))
        assert not found, f"{artifact.name} ({artifact.module}) is keyed by {found}"
        glue = sorted(m for m in closure if m.startswith("actdocs.site."))
        assert not glue, f"{artifact.name} is keyed by the site glue {glue}"


def test_page_text_is_not_keyed_by_the_plotting_code(site_artifacts) -> None:
    text = [a for a in site_artifacts if all(o.endswith(TEXT) for o in a.outputs)]
    assert {"table-properties", "statements", "claims", "bench-quick", "demo-explorer"} <= {a.name for a in text}
    for artifact in text:
        found = sorted(m for m in PLOTTING if m in keys.closure(artifact.module))
        assert not found, f"{artifact.name} writes only text but is keyed by {found}"


def test_the_key_closure_is_what_the_module_imports_when_it_runs() -> None:
    closure = keys.closure("actdocs.bench.quick")
    assert "actdocs.bench.runner" in closure and "actdocs.bench.site" not in closure
    assert not any(m in closure for m in keys.ENGINE_MODULES)
    assert keys.closure("actdocs.engine.build") >= {"actdocs.engine.build"}
