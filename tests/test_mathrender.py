"""Build-time math: KaTeX (Node.js, the pinned package) turns arithmatex output into HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actdocs.build import REPO_ROOT
from actdocs.mathrender import MathError, Renderer

KATEX = REPO_ROOT / "node_modules" / "katex"
PAGE = (
    '<p>Inline <span class="arithmatex">\\(\\sigma(x) &lt; 1\\)</span> and display:</p>\n'
    '<div class="arithmatex">\\[\n\\frac{1}{1 + e^{-x}}\n\\]</div>\n'
)


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    return Renderer(KATEX, tmp_path / "katex.json")


def test_renders_inline_and_display_math(renderer: Renderer):
    html = renderer.render(PAGE)
    assert "\\(" not in html and "\\[" not in html
    assert html.count('class="katex"') == 2
    assert 'class="katex-display"' in html  # the display formula, and only it
    assert "<annotation encoding=\"application/x-tex\">\\sigma(x) &lt; 1</annotation>" in html  # unescaped, then re-escaped by KaTeX


def test_rendered_math_is_cached_on_disk(renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = renderer.render(PAGE)
    renderer.save()
    stored = json.loads((tmp_path / "katex.json").read_text(encoding="utf-8"))
    assert stored["katex"] == json.loads((KATEX / "package.json").read_text())["version"]
    assert len(stored["entries"]) == 2

    again = Renderer(KATEX, tmp_path / "katex.json")
    monkeypatch.setenv("PATH", "")  # no node: a cache hit must not need it
    assert again.render(PAGE) == first


def test_a_bad_formula_fails_with_its_tex(renderer: Renderer):
    with pytest.raises(MathError, match=r"\\frac\{1\}"):
        renderer.render('<span class="arithmatex">\\(\\frac{1}\\)</span>')


def test_text_without_math_is_untouched(renderer: Renderer):
    text = "<p>No math here, just $5 and a \\( in code: <code>\\(x\\)</code></p>"
    assert renderer.render(text) == text
