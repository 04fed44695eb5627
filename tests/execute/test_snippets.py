"""Every listing in ``snippets/`` ran in the build, and the docs and the listings agree.

The build runs each snippet once, as ``__main__`` with the working directory at the
repository root (how a reader runs ``python snippets/NAME.py``), and records what it
printed as ``output/NAME.txt``; a listing whose asserts fail stops the build. So the
tests read that record (the ``build_record`` fixture) instead of running the listings
again: each one's output is recorded under the current key, a page shows exactly that
output, and what it printed says what the tests below check. The docs side: every
snippet is shown on some page (no orphan listing), and every ``--8<-- "snippets/..."``
or ``"output/..."`` include names a listing that exists.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from codeblocks_glue import preprocessor
from site_pages import page_url, url_to_html

from actdocs import paths
from actdocs.engine.artifact import REPO_ROOT
from actdocs.site.listing_markdown import shown

SNIPPETS = REPO_ROOT / "snippets"
DOCS = REPO_ROOT / "docs"

#: An inline include line: ``--8<-- "path"`` (``;--8<--`` is escaped, so not an include).
INLINE_INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}[ \t]+(["'])(?P<target>.+?)\1\s*$""")
#: The marker that opens and closes a block include (one path per line in between).
BLOCK_MARKER = re.compile(r"^\s*-{1,}8<-{1,}\s*$")


def snippet_names() -> list[str]:
    return sorted(p.name for p in SNIPPETS.glob("*.py"))


def includes(text: str) -> list[tuple[int, str]]:
    """``(line number, file path)`` of every ``--8<--`` include in a Markdown text.

    Handles the inline and the block form; the ``:section`` or line-range suffix is
    removed with pymdownx's own parser. ``<!-- md:listing NAME -->`` includes the
    listing's code and its output.
    """
    listings = dict(shown(text.splitlines()))
    found = []
    in_block = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if lineno - 1 in listings:
            name = listings[lineno - 1]
            found += [(lineno, paths.listing_source(name)), (lineno, paths.listing_output(name))]
            continue
        if BLOCK_MARKER.match(line):
            in_block = not in_block
            continue
        if in_block:
            target = line.strip()
            if not target or target.startswith(";"):
                continue
        else:
            match = INLINE_INCLUDE.match(line)
            if not match:
                continue
            target = match.group("target").strip()
        parsed = preprocessor().parse_snippet_target(target)
        if parsed is not None:
            found.append((lineno, parsed["path"]))
    return found


def docs_includes() -> list[tuple[str, int, str]]:
    """``(page, line, path)`` for every include in ``docs/**/*.md``."""
    return [
        (str(page.relative_to(REPO_ROOT)), lineno, path)
        for page in sorted(DOCS.rglob("*.md"))
        for lineno, path in includes(page.read_text(encoding="utf-8"))
    ]


class _CodeBlocks(HTMLParser):
    """The text of every ``<pre>`` block of an HTML page, tags (line anchors, highlighting) dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._depth += 1
            if self._depth == 1:
                self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "pre" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.blocks[-1] += data

    def handle_entityref(self, name):
        self.handle_data(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(html.unescape(f"&#{name};"))


def code_blocks(page: str) -> list[str]:
    """The text of each ``<pre>`` block of the HTML ``page``, as a reader copies it."""
    parser = _CodeBlocks()
    parser.feed(page)
    return parser.blocks


def shown_on(site: Path, page: str) -> list[str]:
    """The code blocks of the built page of the docs source ``page`` (``docs/NAME.md``)."""
    built = site / url_to_html(page_url(Path(page).relative_to("docs").as_posix()))
    return code_blocks(built.read_text(encoding="utf-8"))


def test_there_are_snippets():
    assert snippet_names(), "snippets/ holds no listing"


#: A duration in printed output: a number followed by a time unit.
TIMING = re.compile(r"\d\s*(?:s|ms|µs|us|ns|sec|seconds?)\b(?!\w)|\b(?:per call|it/s)\b")


def timings(text: str) -> list[str]:
    """Every stretch of ``text`` that reads as a duration ("36.6 µs", "0.2 s", "per call")."""
    return [m.group(0) for m in TIMING.finditer(text)]


@pytest.mark.parametrize("name", snippet_names())
def test_snippet_ran_in_the_build_and_its_pages_show_its_output(name, build_record):
    """The build ran the listing to its end (its asserts passed) under the current key; each
    page that includes its output shows exactly what it printed."""
    rel = f"output/{Path(name).stem}.txt"
    printed = build_record.text(rel)
    pages = sorted({page for page, _, path in docs_includes() if path == rel})
    if pages:
        assert printed.strip(), f"{name} prints nothing, but a page shows its output"
        # A page shows this output as a fact; a timing changes with the machine and its load
        # and once contradicted the benchmark table next to it. Timings belong to the benchmark.
        assert not timings(printed), f"{name} prints timings {timings(printed)}; leave them to the benchmark"
    for page in pages:
        assert printed.strip() in [block.strip() for block in shown_on(build_record.site, page)], (
            f"{page} does not show {rel} as the build recorded it"
        )


def test_code_blocks_reads_a_highlighted_block_as_its_text():
    page = ('<p>x</p><div class="highlight"><pre><span></span><code><a id="l1" href="#l1"></a>'
            '<span class="n">a</span> &gt; 1\n<a id="l2"></a>b &amp; c\n</code></pre></div><pre>two</pre>')
    assert code_blocks(page) == ["a > 1\nb & c\n", "two"]


def test_timing_detector():
    assert timings("F.hardswish(x) median 7985.6 µs per call") == ["6 µs", "per call"]
    assert timings("took 0.20 s") and timings("12 ms") and timings("3ns")
    assert not timings("largest gap 9.5e-07, 16 channels, (8, 3, 32, 32), 50.0% of outputs")
    assert not timings("loss 0.693 after 300 steps; 2 samples")


def test_dying_relu_listing_says_which_way_a_descent_step_moves_the_bias(build_record):
    """Each printed bias gradient comes with the direction a descent step moves the bias;
    the direction must be the one the sign implies (a step subtracts the gradient). The
    page once said Leaky ReLU pushes a dead unit back while its gradient pushed it further off."""
    printed = build_record.text("output/dying_relu.txt")
    claims = re.findall(r"bias gradient ([+-]\d\.\d+) \(a descent step (raises|lowers)", printed)
    assert len(claims) == 2, printed
    for gradient, direction in claims:
        assert (float(gradient) < 0) == (direction == "raises"), (gradient, direction)
    assert {direction for _, direction in claims} == {"raises", "lowers"}  # both cases shown
    assert float(re.search(r"^ReLU, .*bias gradient ([+-]\d\.\d+)$", printed, re.M)[1]) == 0.0
    # and the revival it reports really happened, for Leaky ReLU only
    relu = re.search(r"^ReLU after (\d+) steps: bias (\S+), active for (\d+) of (\d+)$", printed, re.M)
    leaky = re.search(r"^Leaky ReLU: on again after (\d+) steps, bias (\S+), active for (\d+) of (\d+)$", printed, re.M)
    assert relu and leaky, printed
    assert float(relu[2]) == -10.0 and int(relu[3]) == 0, "the dead ReLU unit never moved"
    assert int(leaky[1]) <= int(relu[1]) and float(leaky[2]) > -10.0 and int(leaky[3]) > 0


def test_includes_parser():
    text = '\n'.join([
        '```python',
        '--8<-- "snippets/a.py"',
        '```',
        '    --8<-- "snippets/b.py:section"',
        ';--8<-- "snippets/escaped.py"',
        '--8<--',
        'snippets/c.py:3:9',
        ';snippets/commented.py',
        '--8<--',
        "--8<-- 'output/a.txt'",
        "    <!-- md:listing d -->",
        "````markdown",
        "<!-- md:listing shown_not_used -->",
        "````",
    ])
    assert includes(text) == [(2, "snippets/a.py"), (4, "snippets/b.py"), (7, "snippets/c.py"), (10, "output/a.txt"),
                              (11, "snippets/d.py"), (11, "output/d.txt")]


def test_every_snippet_is_shown_on_a_page():
    shown = {path for _, _, path in docs_includes()}
    orphans = [name for name in snippet_names() if f"snippets/{name}" not in shown]
    assert not orphans, f"snippets included by no page in docs/: {orphans}"


def test_every_snippet_include_exists():
    missing = [
        f"{page}:{lineno}: {path}"
        for page, lineno, path in docs_includes()
        if path.startswith("snippets/") and not (REPO_ROOT / path).is_file()
    ]
    assert not missing, "includes of missing snippets:\n" + "\n".join(missing)


def test_every_output_include_has_its_snippet():
    """``output/NAME.txt`` is made only from ``snippets/NAME.py``: the listing must exist."""
    missing = [
        f"{page}:{lineno}: {path}"
        for page, lineno, path in docs_includes()
        if re.fullmatch(r"output/[^/]+\.txt", path) and not (SNIPPETS / f"{Path(path).stem}.py").is_file()
    ]
    assert not missing, "output includes without a snippet:\n" + "\n".join(missing)
