"""Every Python fence in README.md and docs/ is tested.

A Python fence (``python``, ``py``, ``python3``, with or without attributes, with
backticks or tildes) must be either

* only ``--8<-- "snippets/NAME.py"`` includes: ``test_snippets.py`` runs the file, or
* collected and not unconditionally skipped by the pytest-codeblocks run, with the
  ``codeblocks_glue`` plugin expanding its includes.

A ``<!-- md:listing NAME -->`` shortcode (actdocs/site/listing_markdown.py) expands to
the first kind, a fence of ``--8<-- "snippets/NAME.py"``: NAME must be a listing that
``test_snippets.py`` runs.

:func:`untested_python_fences` is the rule, as a pure function of a page's text and the
line numbers that the codeblocks run collects there. The tests below also check that
``pytest`` (no arguments) really runs that collection over README.md and docs/.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

import codeblocks_glue
import pytest
import pytest_codeblocks.main
import pytest_codeblocks.plugin
from codeblocks_glue import is_python, only_snippet_includes
from site_pages import load_mkdocs_config, nav_pages

from actdocs import catalog, paths
from actdocs.engine.artifact import REPO_ROOT
from actdocs.site.listing_markdown import listing_markdown, shown

FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
CONT = "<!--pytest-codeblocks:cont-->"
EXPECTED_OUTPUT = re.compile(r"<!--[-\s]*pytest-codeblocks:expected-output")
UNCONDITIONAL_SKIP = re.compile(r"^pytest\.mark\.skip\s*(\(|$)")


@dataclass(frozen=True)
class Fence:
    lineno: int  # 1-based line of the opening fence, as pytest-codeblocks counts
    info: str
    code: str
    before: str  # the last non-blank line before the fence ("" when none)


def fences(text: str) -> list[Fence]:
    """Every fenced block of a Markdown text (backticks or tildes, any indentation)."""
    lines = text.splitlines()
    found: list[Fence] = []
    before = ""
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if m and not (m["fence"][0] == "`" and "`" in m["info"]):
            close = re.compile(rf"^[ \t]*{re.escape(m['fence'][0])}{{{len(m['fence'])},}}[ \t]*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            found.append(Fence(i + 1, m["info"].strip(), "\n".join(lines[i + 1 : j]), before))
            before = ""
            i = j + 1
            continue
        if lines[i].strip():
            before = lines[i].strip()
        i += 1
    return found


def untested_python_fences(text: str, collected: Collection[int]) -> list[str]:
    """The Python fences of ``text`` that nothing runs, as ``"line N: ```info"``.

    ``collected``: the opening-fence line numbers of the blocks the codeblocks run
    executes. A fence continuing the previous block (``pytest-codeblocks:cont``) is
    tested when that block is; an expected-output fence is output, not code.
    """
    untested = []
    previous_tested = False
    for fence in fences(text):
        if EXPECTED_OUTPUT.match(fence.before):
            continue
        if fence.before == CONT:
            tested = previous_tested
        else:
            tested = fence.lineno in collected or (is_python(fence.info) and only_snippet_includes(fence.code))
        if is_python(fence.info) and not tested:
            untested.append(f"line {fence.lineno}: {fence.info}")
        previous_tested = tested
    return untested


def run_lines(blocks) -> set[int]:
    """Line numbers of the blocks that run (an unconditional skip does not run)."""
    return {b.lineno for b in blocks if not any(UNCONDITIONAL_SKIP.match(mark) for mark in b.marks)}


def pages() -> list[Path]:
    return [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").rglob("*.md"))]


# ---------------------------------------------------------------- the real pages


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_python_fence_is_tested(page):
    untested = untested_python_fences(page.read_text(encoding="utf-8"), run_lines(codeblocks_glue.extract_blocks(page)))
    assert not untested, (
        f"{page.relative_to(REPO_ROOT)}: Python fences that no test runs: {untested}. Make the fence "
        '--8<-- "snippets/NAME.py" or a plain ```python block that runs on its own.'
    )


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_listing_shortcode_shows_a_listing_the_tests_run(page):
    names = [name for _, name in shown(page.read_text(encoding="utf-8").splitlines())]
    missing = [name for name in names if not (REPO_ROOT / paths.listing_source(name)).is_file()]
    assert not missing, f"{page.relative_to(REPO_ROOT)}: md:listing of no snippets/NAME.py: {missing}"
    expanded = "\n".join(line for name in names for line in listing_markdown(name, "", []))
    assert untested_python_fences(expanded, collected=set()) == []


def test_the_listing_shortcode_shows_its_code_as_a_snippet_include():
    lines = listing_markdown("linear_collapse", "    ", ["    1.  A note."])
    code, output = fences("\n".join(lines))
    assert is_python(code.info) and code.code == '    --8<-- "snippets/linear_collapse.py"'
    assert only_snippet_includes(code.code) and not is_python(output.info)


def test_pytest_runs_the_codeblocks_of_readme_and_docs():
    options = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--codeblocks" in options["addopts"].split()
    assert {"tests", "README.md", "docs"} <= set(options["testpaths"])


def test_glue_is_installed():
    assert pytest_codeblocks.plugin.extract_from_file is codeblocks_glue.extract_from_file


# ---------------------------------------------------------------- the rule itself


def _stock_lines(text: str) -> set[int]:
    """What plain pytest-codeblocks 0.18 would run."""
    import io

    blocks = pytest_codeblocks.main.extract_from_buffer(io.StringIO(text))
    return run_lines(b for b in blocks if b.syntax in codeblocks_glue.COLLECTED_SYNTAXES)


def _glue_lines(text: str) -> set[int]:
    return run_lines(codeblocks_glue.extract_text(text))


ATTRIBUTED = 'Text.\n\n```py title="x.py"\nprint(1)\n```\n'


def test_fence_with_attributes_is_flagged_when_not_collected():
    assert untested_python_fences(ATTRIBUTED, collected=set()) == ['line 3: py title="x.py"']
    assert untested_python_fences(ATTRIBUTED, _stock_lines(ATTRIBUTED)) == ['line 3: py title="x.py"']


def test_glue_collects_fences_with_attributes():
    assert untested_python_fences(ATTRIBUTED, _glue_lines(ATTRIBUTED)) == []
    text = '```python3\na = 1\n```\n\n```{.python .annotate}\nb = 2\n```\n\n   ```python title="t"\n   c = 3\n   ```\n'
    assert _glue_lines(text) == {1, 5, 9}
    assert [b.syntax for b in codeblocks_glue.extract_text(text)] == ["python"] * 3
    assert _stock_lines(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "~~~python\nprint(1)\n~~~\n",  # pytest-codeblocks does not read tilde fences
        '<!--pytest.mark.skip(reason="later")-->\n```python\nprint(1)\n```\n',
        "<!--pytest-codeblocks:skipfile-->\n```python\nprint(1)\n```\n",
    ],
    ids=["tilde", "skipped", "skipfile"],
)
def test_fences_the_glue_does_not_run_are_flagged(text):
    assert untested_python_fences(text, _glue_lines(text)) == ["line 2: python" if "<!--" in text else "line 1: python"]


def test_include_plus_code_must_be_collected():
    text = '```python\n--8<-- "snippets/linear_collapse.py"\nprint("and more")\n```\n'
    assert untested_python_fences(text, collected=set()) == ["line 1: python"]
    assert untested_python_fences(text, _glue_lines(text)) == []


def test_what_passes():
    text = "\n".join([
        "```python",                                    # 1: plain, collected
        "x = 1",
        "```",
        "<!--pytest-codeblocks:cont-->",
        "```python",                                    # 5: continues line 1
        "print(x)",
        "```",
        "<!--pytest-codeblocks:expected-output-->",
        "```python",                                    # 9: expected output, not code
        "1",
        "```",
        '```python title="snippets/linear_collapse.py"',  # 12: a snippet include
        '--8<-- "snippets/linear_collapse.py"',
        "```",
        "```console",                                   # 15: not Python
        "$ make test",
        "```",
        "````markdown",                                 # 18: a fence shown inside a fence
        "```python",
        "print('shown, not run')",
        "```",
        "````",
        "",
    ])
    assert _glue_lines(text) == {1}
    assert untested_python_fences(text, _glue_lines(text)) == []
    assert untested_python_fences(text, collected=set()) == ["line 1: python", "line 5: python"]


def test_snippet_include_fences_are_left_to_test_snippets():
    text = '```python\n--8<-- "snippets/linear_collapse.py"\n```\n'
    assert _glue_lines(text) == set()
    assert untested_python_fences(text, set()) == []


# ---------------------------------------------------------------- include expansion


def test_glue_expands_includes_with_pymdownx():
    source = (REPO_ROOT / "snippets" / "linear_collapse.py").read_text(encoding="utf-8")
    text = '```python\nimport math\n--8<-- "snippets/linear_collapse.py"\nprint(math.pi)\n```\n'
    (block,) = codeblocks_glue.extract_text(text)
    assert block.syntax == "python"
    # pymdownx keeps the empty line after the file's final newline, as the page shows it
    assert block.code == "import math\n" + source + "\nprint(math.pi)\n"
    compile(block.code, "<fence>", "exec")


def test_glue_expands_sections(tmp_path, monkeypatch):
    """A ``:section`` include gives only that section, without its markers."""
    code = "a = 1\n# --8<-- [start:core]\nb = a + 1\n# --8<-- [end:core]\nc = 3\n"
    (tmp_path / "part.py").write_text(code, encoding="utf-8")
    monkeypatch.setattr(codeblocks_glue.preprocessor(), "base_path", [str(tmp_path)])
    monkeypatch.setattr(codeblocks_glue.preprocessor(), "bases", None)
    assert codeblocks_glue.expand('a = 1\n--8<-- "part.py:core"\n') == "a = 1\nb = a + 1\n"


def test_missing_include_is_an_error():
    from pymdownx.snippets import SnippetMissingError

    with pytest.raises(SnippetMissingError):
        codeblocks_glue.extract_text('```python\n--8<-- "snippets/no_such_listing.py"\nx = 1\n```\n')


# ---------------------------------------------------------------- wording rules
#
# Statements that were wrong once and must not come back. Each rule reads what a reader
# reads: the pages, the listings (shown whole on the pages) and the notebooks.


NOTEBOOKS = REPO_ROOT / "snippets" / "notebooks"


def docs_in_nav_order() -> list[Path]:
    """The Markdown pages of ``docs/`` in the order of the site's navigation."""
    found = []
    for url in nav_pages():
        page = REPO_ROOT / "docs" / (f"{url.rstrip('/')}.md" if url else "index.md")
        if page.is_file():
            found.append(page)
    return found


def reader_texts() -> dict[str, str]:
    """Every text a reader meets, by path: pages, listings and notebooks."""
    paths = [*sorted((REPO_ROOT / "docs").rglob("*.md")), *sorted((REPO_ROOT / "snippets").rglob("*.py"))]
    return {str(p.relative_to(REPO_ROOT)): p.read_text(encoding="utf-8") for p in paths}


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (at '.', '!', '?' or a blank line), whitespace folded."""
    flat = re.sub(r"\s+", " ", re.sub(r"\n\s*\n", " ¶ ", text))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|¶", flat) if s.strip()]


#: "the source" meaning the textbook: not "the source code", "the source of <something>".
THE_SOURCE = re.compile(r"\b(?:the|its|our|this site's) source(?:'s)?\b(?! code| file| of (?:a|an|its|the) )|\bthe original exercise\b", re.I)


def test_the_textbook_is_named_where_a_reader_meets_it():
    """The home page says which textbook section "the textbook" is, before any page uses
    the phrase, and in plain words: its title, chapter and section."""
    pages = docs_in_nav_order()
    assert pages[0].name == "index.md"
    home = pages[0].read_text(encoding="utf-8")
    definition = re.search(r'"Activation Functions", section 33 in\s+Chapter 5 of an online deep-learning textbook', home)
    assert definition, "index.md must name the textbook section the site checks"
    body = re.sub(r"^#.*$", lambda m: " " * len(m.group(0)), home, flags=re.M)  # headings announce, not use
    first_use = re.search(r"\bthe textbook\b", body, re.I)
    assert first_use and first_use.start() > definition.start(), "the home page uses 'the textbook' before naming it"


def test_no_text_calls_the_textbook_the_source():
    found = [
        f"{path}: {match.group(0)!r} in {text[max(0, match.start() - 40):match.end() + 40]!r}"
        for path, text in reader_texts().items()
        for match in THE_SOURCE.finditer(text)
    ]
    assert not found, "say 'the textbook' (defined on the home page), not 'the source':\n" + "\n".join(found)


def test_the_source_detector():
    assert THE_SOURCE.search("checked against the source's thresholds")
    assert THE_SOURCE.search("The source says ReLU is fast")
    assert THE_SOURCE.search("The source of this site says")
    assert not THE_SOURCE.search("the source code of the module")
    assert not THE_SOURCE.search("a hash of the source of its module")
    assert not THE_SOURCE.search("the single source of truth")


def unquoted(sentence: str) -> str:
    """The sentence without the words it quotes ("..." or “...”): a quoted claim is not asserted."""
    return re.sub(r'"[^"]*"|“[^”]*”', " ", sentence)


def test_alexnet_is_compared_with_tanh_not_sigmoid():
    """AlexNet's paper compared ReLU with tanh, and its six-fold figure counted training
    iterations to a fixed error; a sentence that puts AlexNet beside a swap or a speed-up
    must not name sigmoid as what ReLU replaced or beat."""
    comparison = re.compile(r"swap|replac|in place of|instead of|faster|six|6\s*×|speed", re.I)
    bad = [
        f"{path}: {s}"
        for path, text in reader_texts().items()
        for s in sentences(text)
        if "AlexNet" in s and comparison.search(s) and re.search(r"\bsigmoid\b", unquoted(s), re.I)
    ]
    assert not bad, "\n".join(bad)


def test_the_tanh_form_of_gelu_is_not_sold_as_fast():
    """The tanh approximation measures slower than exact GELU in eager PyTorch on a CPU;
    where a text calls it fast, the same sentence must say where or whether."""
    qualifier = re.compile(r"\bnot\b|whether|depends|often called|called the|where a fused|cheap where|is it faster", re.I)
    bad = []
    texts = dict(reader_texts())
    texts["actdocs/catalog.py: gelu_tanh"] = " ".join(
        (catalog.get("gelu_tanh").summary + ".", catalog.get("gelu_tanh").best_for + ".", catalog.get("gelu_tanh").watch_out + ".")
    )
    for path, text in texts.items():
        for s in sentences(text):
            if re.search(r"\bfast\b", s, re.I) and re.search(r"approximat", s, re.I) and not qualifier.search(s):
                bad.append(f"{path}: {s}")
    assert not bad, "\n".join(bad)


def test_relu_keeps_gradients_only_with_its_condition():
    """ReLU's slope is 1, but a deep ReLU network's gradient still fades under PyTorch's
    default initialisation (the gradient-flow experiment measures it). A sentence saying
    ReLU's gradient survives many layers must name the condition: the weights, their
    initialisation (He's), or normalisation."""
    survives = re.compile(r"do(?:es)? not (?:fade|vanish)|unchanged|undiminished|intact|healthiest", re.I)
    depth = re.compile(r"layers|deep|depth", re.I)
    condition = re.compile(r"\bHe\b|initiali[sz]|weights|normali[sz]", re.I)
    bad = [
        f"{path}: {s}"
        for path, text in reader_texts().items()
        for s in sentences(text)
        if "ReLU" in s and survives.search(s) and depth.search(s) and not condition.search(s)
    ]
    assert not bad, "\n".join(bad)


def test_the_relu_page_explains_the_vanishing_gradient_demo_with_the_experiment():
    """Beside the demo, the ReLU page quotes the experiment's own summary (never its numbers
    typed by hand) and says what He initialisation changes."""
    page = (REPO_ROOT / "docs" / "relu.md").read_text(encoding="utf-8")
    demo = page.index('--8<-- "fragments/demo-vanishing-gradients.md"')
    after = page[demo:]
    assert '--8<-- "fragments/exp-gradient-flow-summary.md"' in after
    assert re.search(r"He initiali[sz]ation", after)


#: Names whose mention states a fact about a publication: a model, a paper's method, a year.
ATTRIBUTION = re.compile(
    r"\b(?:AlexNet|BERT|GPT-2|ViT|Vision Transformer|PaLM|LLaMA|MobileNetV[23]|YOLOv4|EfficientNet|DCGAN"
    r"|ResNet|VGG|Rosenblatt|Hendrycks|Shazeer|Klambauer|Maas|Glorot|CSPDarknet|(?:19|20)\d\d)\b"
)


def statement_units(text: str) -> list[str]:
    """The units a citation must sit in: paragraphs, list items and whole quiz questions,
    with code, includes and headings left out."""
    text = re.sub(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", "", text, flags=re.M | re.S)
    text = re.sub(r"<quiz>(.*?)</quiz>", lambda m: " ".join(m.group(1).split()), text, flags=re.S)
    units = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in block.splitlines() if not re.match(r"\s*(#|--8<--|\|)", line)]
        items = re.split(r"\n(?=\s*(?:\d+\.|-)\s)", "\n".join(lines))
        units += [" ".join(item.split()) for item in items if item.strip()]
    return units


def test_attributed_facts_carry_a_citation():
    """A paragraph, list item or quiz question that names a model, a paper's author or a
    year states something about a publication: it cites it with ``[@key]``."""
    pages = [p for p in sorted((REPO_ROOT / "docs").glob("*.md"))]
    bad = [
        f"{page.name}: {unit[:160]}"
        for page in pages
        for unit in statement_units(page.read_text(encoding="utf-8"))
        if ATTRIBUTION.search(unit) and "[@" not in unit
    ]
    assert not bad, "cite the publication ([@key], see actdocs/references.py):\n" + "\n".join(bad)


def test_statement_units():
    text = "Intro names AlexNet [@k].\n\n- one\n- two BERT\n\n```python\nBERT = 1\n```\n\n<quiz>\nQ?\n- [x] BERT\n\nWhy [@a].\n</quiz>\n"
    assert statement_units(text) == ["Intro names AlexNet [@k].", "- one", "- two BERT", "Q? - [x] BERT Why [@a]."]


# ---------------------------------------------------------------- reading order

#: The teaching pages, in the order a learner reads them (issue 12, section 1).
LEARNING_PATH = (
    "", "why-nonlinearity/", "classic/", "relu/", "modern/", "pytorch/", "choosing/",
    "pitfalls/", "summary/", "quiz/", "concepts/", "exercises/",
)
#: The generated reference, after the learning path.
REFERENCE = ("activations/", "demos/", "experiments/", "benchmarks/", "claims/", "textbook/", "references/", "glossary/",
             "about/")


def test_the_nav_teaches_first_then_gives_the_reference():
    # the notebooks follow the exercises page, and each activation's page the index
    # (tests/produce/test_activation_pages.py checks their order)
    pages = [url for url in nav_pages() if not url.startswith(("exercises/", "activations/"))
             or url in ("exercises/", "activations/")]
    assert tuple(pages[: len(LEARNING_PATH)]) == LEARNING_PATH
    assert tuple(pages[len(LEARNING_PATH):]) == REFERENCE
    top = [next(iter(entry)) for entry in load_mkdocs_config()["nav"]]
    assert top[-1] == "Reference", top


def test_the_home_page_teaches_and_the_making_of_has_its_own_page():
    home = (REPO_ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    about = (REPO_ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    assert "make serve" not in home and "```console" not in home, "build commands belong on about.md"
    for page in LEARNING_PATH[1:]:
        assert f"]({page.rstrip('/')}.md)" in home, f"the home page's learning path misses {page}"
    assert "make serve" in about and "ACTDOCS_DEVICE=cuda" in about
    assert re.search(r'"Activation Functions", section 33 in\s+Chapter 5 of an online deep-learning textbook', about)
    for page in ("experiments", "benchmarks", "claims", "references"):
        assert f"]({page}.md)" in about, f"about.md does not point to the {page} page"


#: The lines a merge leaves around a conflict it could not resolve.
CONFLICT_MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.M)


def test_no_file_holds_a_merge_conflict_marker():
    """A marker in a page or a data file still builds; one left by a merge must not land."""
    folders = ("actdocs", "docs", "snippets", "tests", "data", ".ci", ".github")
    files = [REPO_ROOT / name for name in ("README.md", "CONTRIBUTING.md", "mkdocs.yml", "pyproject.toml")]
    files += [p for folder in folders for p in sorted((REPO_ROOT / folder).rglob("*"))
              if p.is_file() and "__pycache__" not in p.parts]
    found = [str(p.relative_to(REPO_ROOT)) for p in files
             if p.exists() and CONFLICT_MARKER.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert found == [], f"merge conflict markers in {found}"
