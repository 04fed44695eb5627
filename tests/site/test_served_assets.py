"""What the built site serves beside its text: stylesheets whose every url() exists,
images with their sizes, scripts that never block the first paint, the demos' script
on exactly the pages with demos, and a sitemap once the site's URL is known."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_build import run_mkdocs_build, tiny_project
from site_pages import built_pages

pytestmark = pytest.mark.slow

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<(img|source)\b[^>]*>", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _unresolved(css: str, folder: Path, site: Path) -> list[str]:
    """The url()s of ``css`` (relative to ``folder``) that are no file of ``site``."""
    missing = []
    for _, url in _CSS_URL.findall(css):
        parts = urlsplit(url)
        if parts.scheme == "data" or url.startswith("#"):
            continue
        target = (site / parts.path.lstrip("/")) if url.startswith("/") else folder / parts.path
        if parts.scheme or parts.netloc or not target.resolve().is_file():
            missing.append(url)
    return missing


def test_every_url_in_served_css_resolves_to_a_built_file(built_site: Path):
    """A link checker's view of the stylesheets: KaTeX's fonts, Material's icons, inline styles."""
    broken = []
    for css in sorted(built_site.rglob("*.css")):
        rel = css.relative_to(built_site).as_posix()
        broken += [f"{rel}: {url}" for url in _unresolved(css.read_text(encoding="utf-8"), css.parent, built_site)]
    for page in built_pages(built_site):
        path = built_site / page
        for style in _STYLE.findall(path.read_text(encoding="utf-8")):
            broken += [f"{page} <style>: {url}" for url in _unresolved(style, path.parent, built_site)]
    assert not broken, "url() pointing at no built file:\n" + "\n".join(broken[:40])
    katex = (built_site / "assets/vendor/katex/katex.min.css").read_text(encoding="utf-8")
    assert ".woff2" in katex and ".woff)" not in katex and ".ttf" not in katex


def test_every_image_carries_its_width_and_height(built_site: Path):
    """So that nothing shifts as images load (test_accessibility.py measures the shift)."""
    missing = []
    for page in built_pages(built_site):
        for tag in _TAG.finditer((built_site / page).read_text(encoding="utf-8")):
            text = tag.group()
            if tag.group(1).lower() == "source" and "srcset=" not in text:
                continue  # <source> of audio or video
            if not (re.search(r"\swidth=\"\d+\"", text) and re.search(r"\sheight=\"\d+\"", text)):
                missing.append(f"{page}: {text[:140]}")
    assert not missing, "\n".join(missing)


def test_no_script_blocks_the_first_paint_and_plotly_loads_on_demand(built_site: Path):
    """No external script in <head> without defer or async, and no page links the plotly
    bundle itself: demos.js fetches it when a demo nears the screen."""
    problems = []
    for page in built_pages(built_site):
        text = (built_site / page).read_text(encoding="utf-8")
        head = text.split("</head>", 1)[0]
        for attrs in _SCRIPT.findall(head):
            if "src=" in attrs and not re.search(r"\b(defer|async)\b", attrs):
                problems.append(f"{page}: <script{attrs}> blocks rendering")
        if "plotly-basic.min.js" in text:
            problems.append(f"{page}: links the plotly bundle")
    assert not problems, "\n".join(problems)


def test_pages_with_demos_and_only_they_load_the_demo_script(built_site: Path):
    """A page with a demo needs `plotly: true` in its front matter (overrides/main.html)."""
    with_demos, with_script = set(), set()
    for page in built_pages(built_site):
        text = (built_site / page).read_text(encoding="utf-8")
        if 'class="actdocs-demo' in text:
            with_demos.add(page)
        if re.search(r'<script src="[^"]*javascripts/demos\.js" defer>', text):
            with_script.add(page)
    assert with_demos, "no page has a demo"
    assert with_demos == with_script, f"demos without the script: {sorted(with_demos - with_script)}; " \
                                      f"the script without demos: {sorted(with_script - with_demos)}"


def test_sitemap_lists_every_page_once_the_site_url_is_known(tmp_path: Path):
    config = tiny_project(tmp_path, {"index.md": "# Home\n\n[Other](other.md)\n", "other.md": "# Other\n"})
    site_url = "https://docs.example.invalid/actdocs/"
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600, env={"ACTDOCS_SITE_URL": site_url})
    assert result.returncode == 0, result.stdout
    site = tmp_path / "site"
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    pages = {site_url + rel.removesuffix("index.html") for rel in built_pages(site)}
    assert {site_url, site_url + "other/"} <= pages  # the two Markdown pages (and the notebooks the hook adds)
    assert sorted(locations) == sorted(pages)
