"""The ``<!-- md:figure KEY -->`` shortcode (actdocs/site/figure_markdown.py); its use in a
Markdown conversion, a sub-folder page included, is in ``test_expansions.py``."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from actdocs import catalog
from actdocs.produce import curves, figures
from actdocs import paths
from actdocs.render import shortcodes
from actdocs.render.markdown import loaded_with_the_page
from actdocs.site import figure_markdown  # noqa: F401 (registers md:figure)
from actdocs.engine.artifact import REPO_ROOT


def test_figure_shortcode_shows_the_image_pair_its_artifact_wrote(tmp_path, monkeypatch) -> None:
    record = catalog.get("swiglu")
    made = tmp_path / "made"
    figures._make_record(record.key, made, None)
    pair = (made / paths.activation_figure_fragment(record.key)).read_text(encoding="utf-8")
    alt = curves.alt_text(record)
    for theme in ("light", "dark"):
        assert f"![{alt}](generated/figures/swiglu-{theme}.svg#only-{theme}){{ loading=lazy }}" in pair
        assert (made / paths.activation_figure(record.key, theme)).is_file()
    monkeypatch.setenv("ACTDOCS_CACHE", str(made))
    text = shortcodes.expand("Before.\n\n<!-- md:figure swiglu -->\n\nAfter.\n", "classic.md")
    assert text == f"Before.\n\n{pair.rstrip()}\n\nAfter.\n"


@pytest.mark.parametrize("args", ["", "relu tanh", "relu/../x"])
def test_unknown_or_malformed_figure_is_a_one_line_error_naming_the_page(args: str) -> None:
    with pytest.raises(shortcodes.ShortcodeError) as err:
        shortcodes.expand(f"<!-- md:figure {args} -->\n", "modern.md")
    message = str(err.value)
    assert message.startswith("modern.md: md:figure") and "\n" not in message


def test_the_activation_pages_show_the_same_image_pair(build_record) -> None:
    """Each record's page shows what md:figure shows on a page in its folder (one producer),
    loaded with the page: it is at the top, the page's largest paint."""
    for record in catalog.ACTIVATIONS:
        pair = figure_markdown.figure_markdown(record.key, paths.activation_stub(record.key))
        assert loaded_with_the_page(pair.strip()) in build_record.text(paths.activation_page(record.key))


def test_pages_show_figures_through_the_shortcode_only() -> None:
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "docs").glob("*.md"))}
    shown = [m.group(1) for text in pages.values() for m in re.finditer(r"<!-- md:figure (\S+) -->", text)]
    assert shown, "the teaching pages show their figures with md:figure"
    assert all(key in catalog.keys() for key in shown)
    assert not any('"facts/figure-' in text for text in pages.values())


def test_the_mkdocs_hook_and_the_extensions_import_neither_torch_nor_matplotlib() -> None:
    """Every mkdocs run imports the hook and the Markdown extensions; torch and matplotlib
    (seconds to import) never load in them. (tests/site/test_builders.py checks a whole build.)"""
    modules = "actdocs.site.mkdocs_hook, actdocs.site.expansions, actdocs.site.snippet_errors"
    code = f"import sys, {modules}; print(sorted({{'torch', 'matplotlib'}} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"the hook's import loaded {result.stdout.strip()}"
