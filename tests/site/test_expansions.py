"""The site's page-time expansions as a Python-Markdown extension (actdocs/site/expansions.py).

Each test converts Markdown with Python-Markdown alone, the extensions configured as in
``mkdocs.yml``: what runs here runs under any builder. Where a test names the page, it
registers a ``relpath`` treeprocessor holding a ``File``-like object, as MkDocs and
ProperDocs do for every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import BuildError

from actdocs import paths
from actdocs.engine.artifact import REPO_ROOT
from actdocs.site import expansions, listing_markdown
from actdocs.site.markdown_page import RELPATH, ZENSICAL_CONTEXT, page_path

#: The image pair the figure tests put in their cache, as a figure's artifact writes it.
PAIR = (
    "![Curve of ReLU.](generated/figures/relu-light.svg#only-light){ loading=lazy }\n"
    "![Curve of ReLU.](generated/figures/relu-dark.svg#only-dark){ loading=lazy }\n"
)


class _Relpath(Treeprocessor):
    """What MkDocs registers as ``relpath``, as far as the extensions read it: the page's File."""

    def __init__(self, src_uri: str) -> None:
        super().__init__()
        self.file = SimpleNamespace(src_uri=src_uri)

    def run(self, root):
        return None


class _ZensicalContext(Preprocessor):
    """What Zensical registers as ``rendering_context``, as far as the extensions read it: the page."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.page = SimpleNamespace(path=path, url=path.removesuffix(".md") + "/")

    def run(self, lines):
        return lines


def _markdown(page: str | None = None, base: Path = REPO_ROOT) -> markdown.Markdown:
    """Python-Markdown with the site's include and expansion extensions; on ``page`` if given."""
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", "actdocs.site.expansions", "actdocs.site.snippet_errors"],
        extension_configs={"pymdownx.snippets": {"base_path": [str(base)], "check_paths": True}},
    )
    if page is not None:
        md.treeprocessors.register(_Relpath(page), RELPATH, 0)
    return md


def _expanded(text: str, page: str | None = None, base: Path = REPO_ROOT) -> str:
    """``text`` after the expansions and the includes, before any block is parsed."""
    md = _markdown(page, base)
    lines = text.split("\n")
    for name in (expansions.NAME, expansions.SNIPPETS):
        lines = md.preprocessors[name].run(lines)
    return "\n".join(lines)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An artifact cache holding ReLU's image pair and a listing's output."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ACTDOCS_CACHE", str(cache))
    for path, text in {paths.activation_figure_fragment("relu"): PAIR, paths.listing_output("demo"): "printed 42\n"}.items():
        (cache / path).parent.mkdir(parents=True, exist_ok=True)
        (cache / path).write_text(text, encoding="utf-8")
    return cache


@pytest.fixture
def project(cache: Path) -> Path:
    """A project folder with ``snippets/demo.py``, an annotated listing with a section."""
    root = cache.parent / "project"
    (root / "snippets").mkdir(parents=True)
    (root / "snippets" / "demo.py").write_text(
        "x = 41  # (1)!\n# --8<-- [start:core]\nprint(f'printed {x + 1}')\n# --8<-- [end:core]\n", encoding="utf-8"
    )
    return root


# ------------------------------------------------------------------ registration


def test_the_shortcodes_run_before_snippets_and_the_cache_is_a_base_path(cache: Path):
    md = _markdown()
    priorities = {item.name: item.priority for item in md.preprocessors._priority}
    assert priorities[expansions.NAME] > priorities[expansions.SNIPPETS]
    assert md.preprocessors[expansions.SNIPPETS].base_path == [str(REPO_ROOT), str(cache.resolve())]


def test_mkdocs_yml_lists_the_extensions_after_snippets():
    from site_pages import load_mkdocs_config

    names = [e if isinstance(e, str) else next(iter(e)) for e in load_mkdocs_config()["markdown_extensions"]]
    assert names.index("pymdownx.snippets") < names.index("actdocs.site.expansions") < names.index(
        "actdocs.site.snippet_errors")


def test_without_snippets_the_extension_says_what_to_list_first():
    with pytest.raises(BuildError, match="list it after pymdownx.snippets"):
        markdown.Markdown(extensions=["actdocs.site.expansions"])


def test_the_page_is_the_one_the_builder_names_or_a_top_level_page():
    assert page_path(_markdown("sub/page.md")) == "sub/page.md"
    zensical = _markdown()
    zensical.preprocessors.register(_ZensicalContext("guide/relu.md"), ZENSICAL_CONTEXT, 0)
    assert page_path(zensical) == "guide/relu.md"
    assert 'href="../references.md#he2015"' in zensical.convert("ReLU [@he2015].")
    assert page_path(_markdown()) == ""


# ------------------------------------------------------------------ citations


def test_a_citation_links_to_the_references_page_from_where_the_page_is():
    assert 'href="references.md#he2015"' in _markdown().convert("ReLU [@he2015].")
    assert 'href="../references.md#he2015"' in _markdown("sub/page.md").convert("ReLU [@he2015].")


def test_code_is_left_alone():
    text = "```python\nx = '[@he2015] <!-- md:figure relu -->'\n```\n\nInline `[@he2015]` and `<!-- md:listing demo -->`.\n"
    html = _markdown().convert(text)
    assert "[@he2015]" in html and html.count("md:") == 2 and "references.md" not in html


def test_an_unknown_key_fails_the_build_with_one_line_naming_the_page():
    with pytest.raises(BuildError) as err:
        _markdown("sub/page.md").convert("Text [@nobody1999].\n")
    assert str(err.value).startswith("sub/page.md: ") and "nobody1999" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(BuildError, match=r"^a page: unknown shortcode 'nope'"):
        _markdown().convert("<!-- md:nope -->\n")


# ------------------------------------------------------------------ figures


def test_a_figure_is_its_artifacts_image_pair_linked_from_the_page(cache: Path):
    top = _expanded("<!-- md:figure relu -->", "index.md")
    assert top == PAIR.rstrip("\n")
    nested = _expanded("<!-- md:figure relu -->", "guide/deep/page.md")
    assert nested == PAIR.rstrip("\n").replace("](generated/", "](../../generated/")


def test_a_figure_in_a_tab_keeps_the_tabs_indent(cache: Path):
    text = _expanded('=== "Tab"\n\n    <!-- md:figure relu -->\n\nAfter.', "relu.md")
    assert re.findall(r"^    !\[Curve of ReLU\.\]\(generated/figures/relu-(\w+)\.svg", text, re.M) == ["light", "dark"]
    assert '<img alt="Curve of ReLU."' in _markdown("relu.md").convert("<!-- md:figure relu -->")


@pytest.mark.parametrize("args, message", [
    ("tanh", "md:figure tanh: no such figure (fragments/figure-tanh.md is not in the artifact cache"),
    ("relu tanh", "md:figure takes one activation key, got 'relu tanh'"),
])
def test_a_figure_the_cache_lacks_fails_with_one_line(cache: Path, args: str, message: str):
    with pytest.raises(BuildError) as err:
        _markdown("modern.md").convert(f"<!-- md:figure {args} -->\n")
    assert str(err.value).startswith(f"modern.md: {message}") and "\n" not in str(err.value)


# ------------------------------------------------------------------ listings

NOTES = "1.  The annotated line.\n2.  Another,\n    on two lines.\n\n3.  A third after a blank line."


def test_a_listing_is_its_code_its_notes_and_its_output(project: Path):
    text = _expanded(f"Before.\n\n<!-- md:listing demo -->\n\n{NOTES}\n\nAfter.", "relu.md", project)
    code = (project / "snippets" / "demo.py").read_text(encoding="utf-8").replace("# --8<-- [start:core]\n", "")
    code = code.replace("# --8<-- [end:core]\n", "")
    assert text == f'Before.\n\n```python\n{code}\n```\n\n{NOTES}\n\n```text title="Output"\nprinted 42\n\n```\n\nAfter.'


def test_a_listing_in_a_block_is_indented_with_it(project: Path):
    notes = "\n".join("    " + line if line else "" for line in NOTES.splitlines())
    lines = listing_markdown.expand(f'??? "Answer"\n\n    <!-- md:listing demo -->\n\n{notes}\n\nAfter.'.split("\n"),
                                    "concepts.md", lambda path: True)
    assert lines[2:5] == ["    ```python", '    --8<-- "snippets/demo.py"', "    ```"]
    assert "\n".join(lines[6:11]) == notes
    assert lines[12:] == ['    ```text title="Output"', '    --8<-- "output/demo.txt"', "    ```", "", "After."]


def test_a_listing_without_notes_is_code_then_output(project: Path):
    html = _markdown("relu.md", project).convert("<!-- md:listing demo -->\n\nAfter.\n")
    assert html.index("printed 42") > html.index('<span class="mi">41</span>') and html.count("<pre") == 2
    assert '<span class="filename">Output</span>' in html and html.endswith("<p>After.</p>")


def test_a_listing_shortcode_in_a_fence_is_shown_not_expanded(project: Path):
    text = "````markdown\n<!-- md:listing demo -->\n````"
    assert _expanded(text, "about.md", project) == text


@pytest.mark.parametrize("text, message", [
    ("<!-- md:listing nope -->", "relu.md: md:listing nope: no such listing (snippets/nope.py)"),
    ("<!-- md:listing a b -->", "relu.md: md:listing takes one listing name, got 'a b'"),
    ("See <!-- md:listing demo --> here.", "relu.md: md:listing demo must stand alone on its line"),
])
def test_a_listing_that_cannot_be_shown_fails_with_one_line(project: Path, text: str, message: str):
    with pytest.raises(BuildError) as err:
        _markdown("relu.md", project).convert(text + "\n")
    assert str(err.value) == message


def test_a_listing_whose_output_is_missing_fails_naming_the_page(project: Path, cache: Path):
    (cache / paths.listing_output("demo")).unlink()
    with pytest.raises(BuildError, match=r"^relu\.md: Snippet at path 'output/demo\.txt' could not be found"):
        _markdown("relu.md", project).convert("<!-- md:listing demo -->\n")
