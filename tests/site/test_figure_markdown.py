"""The ``<!-- md:figure KEY -->`` shortcode (actdocs/site/figure_markdown.py)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from actdocs import catalog
from actdocs.produce import figures
from actdocs.site import figure_markdown, shortcodes
from actdocs.engine.artifact import REPO_ROOT


@pytest.mark.parametrize("key", ["sigmoid", "leaky_relu", "swiglu"])
def test_figure_shortcode_expands_to_both_themes_with_alt_text(key: str) -> None:
    record = catalog.get(key)
    text = shortcodes.expand(f"Before.\n\n<!-- md:figure {key} -->\n\nAfter.\n", "classic.md")
    alt = figures.alt_text(record)
    for theme in ("light", "dark"):
        assert f"![{alt}](generated/figures/{key}-{theme}.svg#only-{theme}){{ loading=lazy }}" in text
    assert "md:figure" not in text
    line = next(l for l in text.splitlines() if l.startswith("!["))
    assert line.count("![") == 2, "one line, so that an indented block keeps both images"
    nested = shortcodes.expand(f"<!-- md:figure {key} -->", "exercises/page.md")
    assert f"](../generated/figures/{key}-light.svg#only-light)" in nested


def test_figure_shortcode_inside_a_tab_stays_indented() -> None:
    text = shortcodes.expand('=== "Tab"\n\n    <!-- md:figure elu -->\n', "relu.md")
    assert re.search(r"^    !\[.*\]\(generated/figures/elu-light\.svg#only-light\).*!\[", text, re.M)


@pytest.mark.parametrize("args", ["no_such_activation", "", "relu tanh"])
def test_unknown_or_malformed_figure_is_a_one_line_error_naming_the_page(args: str) -> None:
    with pytest.raises(shortcodes.ShortcodeError) as err:
        shortcodes.expand(f"<!-- md:figure {args} -->\n", "modern.md")
    message = str(err.value)
    assert message.startswith("modern.md: md:figure") and "\n" not in message


def test_the_cards_use_the_same_producer() -> None:
    from actdocs.produce import tables

    for record in catalog.ACTIVATIONS:
        assert figure_markdown.figure_markdown(record.key).rstrip("\n") in tables.card(record)


def test_pages_show_figures_through_the_shortcode_only() -> None:
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "docs").glob("*.md"))}
    shown = [m.group(1) for text in pages.values() for m in re.finditer(r"<!-- md:figure (\S+) -->", text)]
    assert shown, "the teaching pages show their figures with md:figure"
    assert all(key in catalog.keys() for key in shown)
    assert not any('"facts/figure-' in text for text in pages.values())


def test_the_mkdocs_hook_imports_neither_torch_nor_matplotlib() -> None:
    """Every mkdocs run imports the hook; torch and matplotlib (seconds to import) load only
    once a page asks for a figure or a table."""
    code = "import sys, actdocs.site.mkdocs_hook; print(sorted({'torch', 'matplotlib'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"the hook's import loaded {result.stdout.strip()}"
