"""Every page of the built site in Chromium, served from 127.0.0.1.

``test_page`` loads each nav page once (a fresh browser context per page, one browser
for the session) and checks, reporting every problem it finds:

* no console error and no uncaught exception;
* no request to any host but 127.0.0.1 (each one is aborted and recorded);
* every image decodes from its URL: both palettes' variants and those in closed tabs
  (that each loads in place as a reader scrolls to it is checked on the phone);
* KaTeX rendered every formula: no ``.katex-error``, no raw TeX delimiters left in the
  text of ``.md-content`` (code blocks left out) nor in the code-annotation tooltips;
* the page weight: every file the page load fetched (as seen by the request router,
  workers included), counted gzip-compressed as a static host serves it, stays under
  500 KB without the plotly bundle. Raw sizes are printed too.

The same page load runs test_accessibility's axe-core checks (a page is loaded once, not
once per check): Material chose the light palette for a reader who prefers it; every axe
rule in light once the page is weighed; the palette toggled, in dark the rules that depend
on the colours (``COLOUR_RULES``) on the whole page and every other rule on what only the
dark palette shows: the rest reads the same document either way. (That a reader who
prefers dark gets the dark palette is checked on the phone's page load.) Each problem
line names its check, the failure names the page.

Then the site-wide interactions: the search box finds "sigmoid", and the palette toggle
swaps the figures to their dark variants.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from actdocs.budgets import transfer_size
from browser_launch import require_chromium
from site_pages import FAULTY_PAGE, audited_pages, nav_pages
from site_serve import serve_directory
from test_accessibility import (COLOUR_RULES, axe_problems, dark_palette_problems, mount_code_blocks, palette_problem,
                                palette_toggle, toggle_palette)

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BUDGET = 500 * 1024
PLOTLY = "plotly-basic.min.js"
TEX_DELIMITERS = ["\\(", "\\[", "$$", "\\begin{"]
TIMEOUT_MS = 10_000

#: Text nodes of a root that are prose (not code, not rendered math), as JS.
PROSE_TEXT_JS = """
(root) => {
  const skip = "pre, code, script, style, textarea, .katex";
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    if (!node.parentElement.closest(skip)) texts.push(node.textContent);
  }
  return texts;
}
"""

#: The prose of each code annotation's tooltip (null if it never opens, within about
#: TIMEOUT_MS of frames). Annotations keep their text out of the DOM until opened: each
#: is focused in turn (focus, not click: an open tooltip would intercept the next click),
#: all in one call instead of four round trips per annotation.
ANNOTATION_TEXTS_JS = """
async () => {
  const prose = """ + PROSE_TEXT_JS.strip() + """;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const found = [];
  for (const annotation of document.querySelectorAll(".md-content .md-annotation")) {
    annotation.focus();
    let tooltip = null;
    for (let i = 0; i < 600 && !(tooltip = annotation.querySelector(".md-tooltip__inner")); i++) await frame();
    found.push(tooltip && prose(tooltip));
    annotation.blur();
  }
  return found;
}
"""

IMAGES_JS = """
() => [...document.querySelectorAll("img")].map((img, index) => ({
  index,
  src: img.getAttribute("src"),
  url: img.src,
  visible: img.getClientRects().length > 0 && getComputedStyle(img).visibility !== "hidden",
}))
"""


@dataclass
class Visit:
    """A page under watch: console errors, uncaught exceptions and outside requests."""

    page: Page
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # local URLs, in request order


@pytest.fixture
def visit(context: BrowserContext) -> Visit:
    """A fresh page whose context aborts and records every request not bound for 127.0.0.1."""
    page = context.new_page()
    watch = Visit(page)

    def route(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            watch.fetched.append(url)
            route.continue_()
        else:
            watch.external.append(url)
            route.abort()

    context.route("**/*", route)
    context.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda message: message.type == "error" and watch.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: watch.errors.append(f"pageerror: {error}"))
    return watch


def _open(visit: Visit, url: str) -> Page:
    page = visit.page
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page


def _check_images(page: Page) -> list[str]:
    """Decode every image of the page from its URL, both palettes' variants and those in
    closed tabs alike, without scrolling to each (scrolling repainted the page once per
    image, the costliest step on a long page). That each image loads in place, lazily, as a reader
    scrolls to it, is test_accessibility.test_phone_layout's check."""
    images = page.evaluate(IMAGES_JS)
    results = page.evaluate(
        """(urls) => Promise.all(urls.map((url) => {
             const img = new Image(); img.src = url;
             return img.decode().then(() => img.naturalWidth > 0, () => false);
           }))""",
        [info["url"] for info in images],
    )
    return [f"image failed to decode: {info['src']}" for info, ok in zip(images, results) if not ok]


def _check_math(page: Page) -> list[str]:
    problems = []
    try:
        page.wait_for_function(
            """() => [...document.querySelectorAll(".md-content .arithmatex")]
                     .every((el) => el.querySelector(".katex, .katex-error"))"""
        )
    except PlaywrightTimeout:
        problems.append("KaTeX did not render every .arithmatex element")
    for error in page.locator(".md-content .katex-error").all():
        problems.append(f"KaTeX error: {error.get_attribute('title')} in {error.text_content()!r}")

    def raw_tex(texts: list[str], where: str) -> None:
        for text in texts:
            for delimiter in TEX_DELIMITERS:
                if delimiter in text:
                    problems.append(f"raw TeX {delimiter!r} in {where}: {text.strip()[:120]!r}")

    raw_tex(page.locator(".md-content").evaluate(PROSE_TEXT_JS), ".md-content")
    for i, texts in enumerate(page.evaluate(ANNOTATION_TEXTS_JS), 1):
        if texts is None:
            problems.append(f"code annotation {i}: its tooltip never opened")
        else:
            raw_tex(texts, f"code annotation {i}")
    return problems


@functools.cache
def _file_sizes(path: Path) -> tuple[int, int]:
    """(raw bytes, bytes a static host sends), as the budgets script counts them."""
    return transfer_size(path)


def _weigh(built_site: Path, base: str, urls: list[str]) -> dict:
    row = {"files": 0, "raw": 0, "gzip": 0, "plotly_raw": 0, "plotly_gzip": 0}
    paths = {}
    for url in urls:
        if not url.startswith(base):
            continue  # data: and blob: URLs cost nothing on the wire
        rel = unquote(urlsplit(url).path)[len(urlsplit(base).path) :]
        path = built_site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        if path.is_file():
            paths[path] = None
    for path in paths:
        raw, packed = _file_sizes(path)
        prefix = "plotly_" if path.name == PLOTLY else ""
        row[prefix + "raw"] += raw
        row[prefix + "gzip"] += packed
        row["files"] += 1
    return row


def inspect_page(visit: Visit, base: str, url: str, site_dir: Path, accessibility: bool = False) -> tuple[list[str], dict]:
    """Load ``base + url`` and run every per-page check; returns (problems, weight row).

    With ``accessibility``, the same page load also gets test_accessibility's checks: the
    palette Material chose for a reader who prefers light, axe-core in light once the
    page is weighed, then the palette toggled and axe-core again where the palette can
    change a verdict (test_accessibility.dark_palette_problems)."""
    page = _open(visit, base + url)
    problems: list[str] = []
    if accessibility:
        problems += palette_problem(page, "light")

    page.evaluate("document.querySelectorAll('.md-content details').forEach((d) => { d.open = true; })")
    # What a reader of one palette downloads, scrolling through: what the load fetched and
    # every image shown (lazy ones too); weighed before the image check fetches the other
    # palette's variants, axe starts the demos and the palette is toggled.
    shown = [info["url"] for info in page.evaluate(IMAGES_JS) if info["visible"]]
    weight = _weigh(site_dir, base, list(visit.fetched) + shown)
    problems += _check_images(page)
    mount_code_blocks(page)  # their annotations' tooltips are read below
    problems += _check_math(page)
    if weight["gzip"] > BUDGET:
        problems.append(f"page weight {weight['gzip'] / 1024:.0f} KB gzip (plotly aside) > {BUDGET // 1024} KB")

    if accessibility:
        problems += [f"axe (light): {line}" for line in axe_problems(page)]
    if accessibility and palette_toggle(page).count():
        problems += dark_palette_problems(page)

    problems += visit.errors
    problems += [f"request to another host (aborted): {request}" for request in visit.external]
    return problems, weight


@pytest.mark.parametrize("url", nav_pages(), ids=lambda url: f"/{url}")
def test_page(url: str, visit: Visit, site_server: str, built_site: Path, page_weights: dict):
    """Every per-page check of this module, and on an audited page (site_pages.audited_pages:
    every authored page, a sample of the template ones) test_accessibility's axe, in one page load."""
    problems, page_weights[url] = inspect_page(visit, site_server, url, built_site, accessibility=url in audited_pages())
    assert not problems, f"/{url}:\n" + "\n".join(problems)


def test_inspect_page_catches_every_fault(visit: Visit):
    """The checker itself: a page with one fault of each kind gets every one reported."""
    with serve_directory(FAULTY_PAGE) as base:
        problems, weight = inspect_page(visit, base, "", FAULTY_PAGE, accessibility=True)
    report = "\n".join(problems)
    expected = [
        "axe (light): critical button-name",
        "request to another host (aborted): https://cdn.example.invalid/library.js",
        "console: deliberate console error",
        "pageerror: ",
        "image failed to decode: missing.png",
        "raw TeX '\\\\(' in .md-content",
        "raw TeX '$$' in .md-content",
        "KaTeX error: ParseError",
    ]
    for fault in expected:
        assert fault in report, f"{fault!r} not reported; got:\n{report}"
    assert "good.svg" not in report and "in code" not in report, report
    assert weight["files"] >= 2 and weight["raw"] > 0, weight


def test_the_dark_palette_run_checks_the_colour_rules_only(visit: Visit, tmp_path: Path):
    """Once the palette is toggled only the colour rules run again: they still catch a
    contrast fault, and a fault of another rule (checked in light) is not reported twice."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#777;background:#888">faint text</p><button></button></main></body></html>',
        encoding="utf-8")
    with serve_directory(tmp_path) as base:
        page = _open(visit, base)
        colour = "\n".join(axe_problems(page, COLOUR_RULES))
        every = "\n".join(axe_problems(page))
    assert "color-contrast" in colour and "button-name" not in colour
    assert "color-contrast" in every and "button-name" in every


#: A page with a palette toggle as Material's works: an image and a label for each palette, the
#: dark palette's image without alt text, and a nameless button that both palettes show.
PALETTE_PAGE = """<!doctype html><html lang="en"><head><title>t</title><style>
[data-md-color-scheme=default] .dark-only, [data-md-color-scheme=slate] .light-only { display: none; }
</style></head><body data-md-color-scheme="default"><main>
<form data-md-component="palette">
  <label class="light-only" onclick="document.body.dataset.mdColorScheme = 'slate'">Switch to dark</label>
  <label class="dark-only" onclick="document.body.dataset.mdColorScheme = 'default'">Switch to light</label>
</form>
<img class="light-only" src="good.svg" alt="a figure"><img class="dark-only" src="good.svg">
<button></button></main></body></html>
"""


def test_the_dark_palette_run_checks_what_only_the_dark_palette_shows(visit: Visit, tmp_path: Path):
    """Every rule runs on what only the dark palette shows (the light run never saw it), and
    a fault both palettes show is reported once, by the light run."""
    (tmp_path / "good.svg").write_bytes((FAULTY_PAGE / "good.svg").read_bytes())
    (tmp_path / "index.html").write_text(PALETTE_PAGE, encoding="utf-8")
    with serve_directory(tmp_path) as base:
        page = _open(visit, base)
        light = axe_problems(page)
        dark = dark_palette_problems(page)
    assert any("button-name" in line for line in light) and not any("image-alt" in line for line in light), light
    assert len([line for line in dark if "image-alt" in line]) == 1, dark
    assert any(line.startswith("axe (dark, shown only in dark): critical image-alt") for line in dark), dark
    assert not any("button-name" in line for line in dark), dark


def test_missing_chromium_skips_or_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    nowhere = tmp_path / "chromium"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="sudo apt-get install chromium chromium-driver"):
        require_chromium(nowhere)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_chromium(nowhere)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium not found"):
        require_chromium(nowhere)


# ------------------------------------------------------------------ site-wide interactions


def test_search_finds_sigmoid(visit: Visit, site_server: str):
    page = _open(visit, site_server)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("sigmoid", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible")
    texts = results.all_text_contents()
    assert any("sigmoid" in text.lower() for text in texts), texts
    assert not visit.errors, visit.errors
    assert not visit.external, visit.external


def _visible_figures(page: Page) -> list[dict]:
    return [
        info
        for info in page.evaluate(IMAGES_JS)
        if info["visible"] and "generated/figures/" in (info["src"] or "")
    ]


def test_palette_toggle_swaps_figures_to_dark(visit: Visit, site_server: str):
    page = _open(visit, site_server + "activations/")
    before = _visible_figures(page)
    assert before, "no generated figure visible on the activations page"
    assert all(urlsplit(info["src"]).path.endswith("-light.svg") for info in before), before

    toggle_palette(page)
    after = _visible_figures(page)
    assert after, "no generated figure visible after toggling the palette"
    assert all(urlsplit(info["src"]).path.endswith("-dark.svg") for info in after), after
    first = page.query_selector_all("img")[after[0]["index"]]
    first.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete", arg=first)
    assert first.evaluate("(img) => img.naturalWidth > 0"), f"{after[0]['src']} did not load"
    assert not visit.errors, visit.errors
    assert not visit.external, visit.external
