"""Build-time math: KaTeX (Node.js, the pinned package) turns arithmatex output into HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from actdocs.engine.artifact import REPO_ROOT
from actdocs.site.mathrender import NODE_NEEDED, OPTIONS, MathError, Renderer, spoken, woff2_only

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


def test_without_node_a_formula_to_render_is_one_line_saying_node_is_needed(renderer: Renderer, monkeypatch):
    monkeypatch.setenv("PATH", "")  # no node, and nothing cached
    with pytest.raises(MathError) as raised:
        renderer.render(PAGE)
    assert str(raised.value).startswith(NODE_NEEDED) and "\n" not in str(raised.value)
    assert "needs node (Node.js) on PATH: install Node.js" in NODE_NEEDED


def test_without_katex_the_build_stops_before_any_page_saying_how_to_install_it(tmp_path: Path, monkeypatch):
    from mkdocs.exceptions import PluginError

    from actdocs.site import mkdocs_hook

    with pytest.raises(MathError, match=r"KaTeX is missing or damaged \(no version in .*package\.json\): run `npm ci`"):
        Renderer(tmp_path / "katex", tmp_path / "katex.json")
    monkeypatch.setenv("ACTDOCS_NODE_MODULES", str(tmp_path))
    monkeypatch.setattr(mkdocs_hook, "run_build", lambda command: pytest.fail("the artifacts were built first"))
    with pytest.raises(PluginError, match="KaTeX is missing"):  # one line from MkDocs, no traceback
        mkdocs_hook.on_pre_build(config=None)


def test_text_without_math_is_untouched(renderer: Renderer):
    text = "<p>No math here, just $5 and a \\( in code: <code>\\(x\\)</code></p>"
    assert renderer.render(text) == text


def test_katex_writes_mathml_beside_its_html(renderer: Renderer):
    html = renderer.render(PAGE)
    assert html.count("<math xmlns=") == 2 and html.count('class="katex-html" aria-hidden="true"') == 2


def test_math_in_an_element_named_by_its_content_carries_its_text(renderer: Renderer):
    """Chromium leaves MathML out of a label's name: the quiz answer "$x = 0$" would have none."""
    page = (
        '<input type="radio" id="a"><label for="a"><span class="arithmatex">\\(x = 0\\)</span></label>'
        '<a href="#s"><span class="arithmatex">\\(\\sigma(x)\\)</span> curve</a>'
        '<p><span class="arithmatex">\\(x = 0\\)</span> in prose</p>'
    )
    html = renderer.render(page)
    label, link, prose = html.split("</label>")[0], html.split("</label>")[1].split("</a>")[0], html.split("</a>")[1]
    assert 'aria-label="x = 0"' in label
    assert 'aria-label="σ(x)"' in link
    assert "aria-label" not in prose  # outside a name, assistive technology reads the MathML itself


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("\\frac{1}{1 + e^{-x}}", "1/(1 + e^(−x))"),
        ("\\sqrt{x^2 + 1}", "√(x^2 + 1)"),
        ("\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))", "σ′(x) = σ(x)(1 − σ(x))"),
        ("\\operatorname{ReLU}(x) = \\max(0, x)", "ReLU(x) = max(0, x)"),
        ("0.25 \\times 10 = 2.5", "0.25 × 10 = 2.5"),
        ("x \\to \\infty", "x → ∞"),
        ("\\hat{y}_i", "hat y_i"),
        ("x \\Phi(x)", "x Φ(x)"),
    ],
)
def test_spoken_text_of_a_formula(renderer: Renderer, tex: str, text: str):
    html = renderer.render(f'<label><span class="arithmatex">\\({tex}\\)</span></label>')
    assert f'aria-label="{text}"' in html


def test_spoken_falls_back_to_the_tex_of_malformed_mathml():
    broken = '<math><semantics><mi>x<annotation encoding="application/x-tex">x &lt; 1</annotation></semantics></math>'
    assert spoken(broken) == "x < 1"


def test_a_cache_from_other_katex_options_is_not_served(renderer: Renderer, tmp_path: Path):
    renderer.render(PAGE)
    renderer.save()
    stored = json.loads((tmp_path / "katex.json").read_text(encoding="utf-8"))
    assert stored["options"] == OPTIONS
    stored["options"] = {**OPTIONS, "output": "html"}
    (tmp_path / "katex.json").write_text(json.dumps(stored), encoding="utf-8")
    assert Renderer(KATEX, tmp_path / "katex.json")._cache == {}


def test_stylesheet_references_only_the_woff2_fonts():
    css = (KATEX / "dist" / "katex.min.css").read_text(encoding="utf-8")
    assert ".woff)" in css and ".ttf)" in css  # what the package ships
    cut = woff2_only(css)
    urls = re.findall(r"url\(([^)]+)\)", cut)
    assert urls and all(url.endswith(".woff2") for url in urls)
    assert len(urls) == css.count(".woff2)")  # every font keeps its woff2 source
    assert all((KATEX / "dist" / url).is_file() for url in urls)


def test_stylesheet_with_another_font_format_is_refused():
    with pytest.raises(MathError, match="fonts/X.otf"):
        woff2_only('@font-face{src:url(fonts/X.woff2) format("woff2"),url(fonts/X.otf) format("opentype")}')
