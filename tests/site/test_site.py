"""The built site: strict build, one page per nav entry, nothing loaded from another host.

Also the negative cases: a broken link and a missing snippet each fail ``mkdocs build
--strict``. Those builds use a tiny docs folder whose ``mkdocs.yml`` inherits the real one
(``INHERIT:``), hook included, so they cost a second or two on a warm artifact cache.
The page weight budget is measured in the browser (``test_browser.py``), where every
byte a page load fetches is counted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_build import MKDOCS_ENV, mkdocs_build_command, run_mkdocs_build, tiny_project
from site_pages import AUDITED_TEMPLATE_PAGES, REPO_ROOT, audited_pages, built_pages, is_stub, nav_pages, template_pages, url_to_html

pytestmark = pytest.mark.slow

#: <link rel=...> values that make the browser fetch nothing.
INERT_LINK_RELS = {"canonical", "alternate", "author", "license", "help", "me", "next", "prev", "search"}


def _is_external(url: str) -> bool:
    """True for a URL the browser would fetch from a host other than the site's own."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost")


class _LoadedURLs(HTMLParser):
    """Collects every URL in an HTML page that the browser would load by itself (not <a> links)."""

    URL_ATTRS = {"src", "href", "data", "poster", "action", "formaction", "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loaded: list[tuple[str, str]] = []  # (tag, url)
        self._style = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a":
            return
        if tag == "link" and set(attrs.get("rel", "").lower().split()) <= INERT_LINK_RELS:
            return
        for name, value in attrs.items():
            if name in self.URL_ATTRS and value:
                self.loaded.append((tag, value))
            elif name in ("srcset", "imagesrcset"):
                self.loaded.extend((tag, item.split()[0]) for item in value.split(",") if item.strip())
            elif name == "style":
                self.loaded.extend((tag, url) for url in _css_urls(value))
        self._style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.loaded.extend(("style", url) for url in _css_urls(data))


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(css)]


def test_strict_build_has_a_page_for_every_nav_entry(built_site: Path):
    pages = built_pages(built_site)
    expected = sorted(url_to_html(url) for url in nav_pages())
    missing = [page for page in expected if not (built_site / page).is_file()]
    assert not missing, f"nav pages without HTML: {missing}"
    assert sorted(pages) == expected, "built pages and nav pages differ (the browser tests cover the nav)"
    assert (built_site / "404.html").is_file()


def test_the_structure_audit_covers_every_authored_page_and_a_sample_of_each_template(tmp_path: Path):
    """A template page is a stub that only includes its generated body; the audited sample is
    made of template pages in the nav, and every other page is audited."""
    assert set(AUDITED_TEMPLATE_PAGES) <= set(template_pages()), "the audited sample names a page that is not a template page"
    assert set(audited_pages()) == (set(nav_pages()) - set(template_pages())) | set(AUDITED_TEMPLATE_PAGES)
    assert not is_stub("index.md") and not is_stub("activations.md") and is_stub("activations/relu.md")
    stub = tmp_path / "stub.md"
    for text, expected in [('--8<-- "fragments/activation-relu.md"\n', True),
                           ('# ReLU\n\n--8<-- "fragments/activation-relu.md"\n', False)]:
        stub.write_text(text, encoding="utf-8")
        assert is_stub(os.path.relpath(stub, REPO_ROOT / "docs")) is expected


def test_no_page_loads_anything_from_another_host(built_site: Path):
    offenders = []
    for page in [*built_pages(built_site), "404.html"]:
        parser = _LoadedURLs()
        parser.feed((built_site / page).read_text(encoding="utf-8"))
        offenders += [f"{page}: <{tag}> {url}" for tag, url in parser.loaded if _is_external(url)]
    for css in sorted(built_site.rglob("*.css")):
        rel = css.relative_to(built_site).as_posix()
        offenders += [f"{rel}: {url}" for url in _css_urls(css.read_text(encoding="utf-8")) if _is_external(url)]
    assert not offenders, "the site loads from another host:\n" + "\n".join(offenders)


def test_every_local_reference_resolves(built_site: Path):
    """Every script, stylesheet and image a page loads from the site exists in the build."""
    broken = []
    for page in built_pages(built_site):
        parser = _LoadedURLs()
        parser.feed((built_site / page).read_text(encoding="utf-8"))
        for tag, url in parser.loaded:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "#")) or not parts.path:
                continue
            target = (built_site / page).parent / parts.path
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.resolve().is_file():
                broken.append(f"{page}: <{tag}> {url}")
    assert not broken, "missing local files:\n" + "\n".join(broken)


def test_every_image_has_alt_text(built_site: Path):
    """Every <img> on every page describes itself (figures, demos' fallbacks, notebook plots)."""
    missing = []
    for html in built_pages(built_site):
        text = (built_site / html).read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", text):
            alt = re.search(r'\balt="([^"]*)"', tag)
            if not alt or not alt.group(1).strip():
                missing.append(f"{html}: {tag[:120]}")
    assert not missing, "\n".join(missing)


# ------------------------------------------------------------------ negative builds


def test_tiny_project_builds(tmp_path: Path):
    """The negative builds below fail for the reason they test, not because the set-up is broken."""
    config = tiny_project(tmp_path, {"index.md": "# Fine\n\n[other](other.md)\n", "other.md": "# Other\n"})
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600)
    assert result.returncode == 0, result.stdout


def test_broken_link_fails_the_strict_build(tmp_path: Path):
    config = tiny_project(tmp_path, {"index.md": "# Broken\n\nSee [x](missing.md).\n"})
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600)
    assert result.returncode != 0, f"a broken link passed --strict:\n{result.stdout}"
    assert "'missing.md'" in result.stdout and "not found" in result.stdout, result.stdout


@pytest.mark.parametrize("include, error", [
    ("snippets/nope.py", "index.md: Snippet at path 'snippets/nope.py' could not be found"),
    ("snippets/listing.py:nopart", "index.md: Snippet section 'nopart' could not be located"),
], ids=["missing-file", "missing-section"])
def test_a_missing_snippet_fails_the_build_with_one_line(tmp_path: Path, include: str, error: str):
    """One error naming the page and the include (actdocs.site.snippet_errors), no traceback."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "listing.py").write_text("# --8<-- [start:part]\nx = 1\n# --8<-- [end:part]\n")
    config = tiny_project(tmp_path, {"index.md": f'# Listing\n\n```python\n--8<-- "{include}"\n```\n'})
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600)
    assert result.returncode != 0, f"a missing snippet passed --strict:\n{result.stdout}"
    assert "Traceback" not in result.stdout, result.stdout
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert errors[-1].endswith(f"-  {error}") and "Aborted with a BuildError!" in result.stdout, result.stdout


def test_a_build_with_the_cache_elsewhere_writes_nothing_where_it_runs(tmp_path: Path):
    """A read-only checkout builds: with the artifact cache (here the test run's) and the
    site outside the folder mkdocs runs in, nothing is written there, not even
    mkdocs-jupyter's cache of the notebooks (which defaults to ``.cache/`` in it)."""
    project = tmp_path / "checkout"
    config = tiny_project(project, {"index.md": "# Home\n"})
    before = sorted(project.rglob("*"))
    result = subprocess.run(mkdocs_build_command(config, tmp_path / "site"), cwd=project, env=MKDOCS_ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "site" / "exercises" / "ex1_from_scratch" / "index.html").is_file(), "notebooks rendered"
    assert sorted(project.rglob("*")) == before


def test_serve_builds_once_and_does_not_loop(built_site: Path, tmp_path: Path):
    """`mkdocs serve` on a warm cache builds once and then stays idle: a cache hit writes
    nothing under the watched folders (docs, actdocs, snippets), so no rebuild follows."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, log_path.read_text()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                        assert response.status == 200
                        break
                except OSError:
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.5)
            time.sleep(4)  # eight of serve's 0.5 s polls
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log_path.read_text()
    assert text.count("Building documentation") == 1, text
    assert "Detected file changes" not in text, text
