"""Every page as assistive technology and a phone meet it, measured in Chromium.

* axe-core (the pinned npm package, injected by Playwright) on every audited page
  (``site_pages.audited_pages``: every authored page, a sample of the template ones), in the
  light and the dark palette, after every ``<details>`` is opened and every demo has
  drawn its live chart (:func:`axe_problems`): a critical or serious violation fails
  unless :data:`EXEMPTIONS` lists it with its reason. Material must choose the light
  palette for a reader whose browser prefers light and the dark one for dark
  (:func:`palette_problem`). Both run in ``test_browser.test_page``, in the same page
  load as the other per-page checks: every axe rule in light; then the palette toggled
  (:func:`dark_palette_problems`) and, in dark, the rules that depend on the colours
  (:data:`COLOUR_RULES`) on the whole page, and every other rule on what only the dark
  palette shows (its figures, its toggle's label). The rest reads the same document in
  either palette: it is checked once.
* ``test_quiz_answers_keep_their_math``: Chromium's own accessibility tree names every
  quiz answer, math included (Chromium drops MathML from a label's name:
  :mod:`actdocs.site.mathrender` adds the formula's text).
* ``test_phone_layout``: each audited page on a 390 px phone screen whose reader prefers dark,
  loaded and scrolled to its end three quarters of a screen at a time, as a reader
  would, pausing until any demo that started has drawn: every image scrolled past has
  loaded in place; its cumulative layout shift (Chromium's ``layout-shift`` entries, largest session
  window, as Lighthouse and the Core Web Vitals define it) stays at most
  :data:`MAX_CLS`, and is printed in the terminal summary; every wide table keeps its
  first column in view, unclipped and at most half the screen wide however far it is
  scrolled (:data:`TABLES_JS`); every display formula fits its column, or else scrolls
  with a visible affordance (:data:`FORMULAS_JS`): a formula passes when its rendered
  width (``.katex-display``'s ``scrollWidth``) is at most its column's ``clientWidth``
  plus 1 px, or when its column is a scroll box (``overflow-x`` auto or scroll) marked
  ``actdocs-math--scroll`` (a scroll bar and edge shadows) and focusable (tabindex 0).
* ``test_overview_is_legible_at_360px``: the overview of all activations, on a 360 px
  screen, is its phone variant, and its smallest type is drawn at least
  :data:`MIN_FIGURE_TEXT_PX` CSS px high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route
from site_pages import FAULTY_PAGE, REPO_ROOT, audited_pages, built_pages
from site_serve import serve_directory

from actdocs.produce import figures

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PALETTES = {"light": "default", "dark": "slate"}
FAILING_IMPACTS = ("critical", "serious")
TIMEOUT_MS = 15_000

PHONE = {"width": 390, "height": 844}
MAX_CLS = 0.05
#: Chromium's session windows: a shift more than 1 s after the last, or 5 s after the
#: window's first, opens a new window; CLS is the largest window's sum.
SESSION_GAP_MS, SESSION_MAX_MS = 1000, 5000

NARROW = {"width": 360, "height": 780}
MIN_FIGURE_TEXT_PX = 9.0


@dataclass(frozen=True)
class Exemption:
    """A violation axe may report without failing: its rule, a pattern the offending
    node's selector matches (``re.search``), and why it cannot be fixed here."""

    rule: str
    target: str
    reason: str

    def covers(self, rule: str, target: str) -> bool:
        """Whether this exemption covers ``rule`` reported on the node ``target``."""
        return rule == self.rule and re.search(self.target, target) is not None


#: Only for a Material default the site cannot change. None is needed today: every
#: violation axe found was fixed (docs/stylesheets/extra.css, javascripts/a11y.js,
#: overrides/partials/search.html, actdocs/site/mathrender.py).
EXEMPTIONS: tuple[Exemption, ...] = ()


def unexempted(violations: list[dict], exemptions: tuple[Exemption, ...] = EXEMPTIONS) -> list[str]:
    """One line per critical or serious violating node that no exemption covers."""
    lines = []
    for violation in violations:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            if not any(e.covers(violation["id"], node["target"]) for e in exemptions):
                lines.append(f"{violation['impact']} {violation['id']} ({violation['help']}): {node['target']}: {node['summary']}")
    return lines


# ------------------------------------------------------------------ pages


def _new_page(browser: Browser, **options) -> tuple[BrowserContext, Page, list[str]]:
    """A page in a fresh context that aborts and records every request not for 127.0.0.1."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    external: list[str] = []

    def route(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return context, context.new_page(), external


@pytest.fixture
def open_context(browser: Browser):
    """``open_context(**options)`` -> (page, external requests); closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> tuple[Page, list[str]]:
        context, page, external = _new_page(browser, **options)
        contexts.append(context)
        return page, external

    yield make
    for context in contexts:
        context.close()


def _settle(page: Page) -> None:
    """Wait for the network, the fonts and two frames (Material and a11y.js run on them)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))")


#: The code blocks shown that Material has not mounted yet (no copy button); none on a
#: page without Material's script. A block in a closed tab or ``<details>`` is mounted when it opens.
UNMOUNTED_CODE_JS = """() => typeof document$ === "undefined" ? [] :
  [...document.querySelectorAll(".md-content pre:not(.mermaid) > code")]
    .filter((code) => code.getClientRects().length > 0 && !code.closest("details:not([open])")
                      && !code.parentElement.querySelector(".md-code__button"))"""

#: Bring each unmounted code block into view for two frames, then scroll back.
SHOW_CODE_JS = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const [x, y] = [window.scrollX, window.scrollY];
  for (const code of (""" + UNMOUNTED_CODE_JS + """)()) {
    code.scrollIntoView({ block: "center" });
    await frame();
    await frame();
  }
  window.scrollTo(x, y);
}"""


def mount_code_blocks(page: Page) -> None:
    """Have Material mount every code block shown (copy button, annotations), as a reader's
    scrolling would: with ``content.lazy`` a block is set up when it first comes into view.
    Each block not yet mounted is scrolled into view in turn (no repaint of the rest of the
    page), then the page is scrolled back and the test waits until all are mounted."""
    page.evaluate(SHOW_CODE_JS)
    page.wait_for_function(f"() => ({UNMOUNTED_CODE_JS})().length === 0")


def _start_demos(page: Page) -> None:
    """Scroll each demo into view and wait until it has drawn (or failed)."""
    for demo in page.locator(".md-content .actdocs-demo[data-src]").all():
        demo.scroll_into_view_if_needed()
        demo.evaluate(
            """(el) => new Promise((resolve) => {
                 const done = () => ["ready", "failed"].includes(el.dataset.state);
                 if (done()) return resolve();
                 new MutationObserver((_, observer) => { if (done()) { observer.disconnect(); resolve(); } })
                   .observe(el, { attributes: true, attributeFilter: ["data-state"] });
               })"""
        )


# ------------------------------------------------------------------ axe


#: The axe-core rules whose verdict depends on the colours: the only ones worth running again
#: once the palette is toggled (every other rule reads the same document either way).
COLOUR_RULES = ("color-contrast", "link-in-text-block")

#: The attribute :func:`mark_newly_shown` gives the elements the toggled palette shows that the other did not.
NEWLY_SHOWN = "data-actdocs-newly-shown"

#: Before the palette is toggled: remember every element shown (display and visibility).
REMEMBER_SHOWN_JS = """
() => {
  const shown = (el) => el.checkVisibility({ visibilityProperty: true });
  window.__actdocsShown = new WeakSet([...document.querySelectorAll("body *")].filter(shown));
}
"""

#: Once it is toggled: give every element shown now and not before the attribute NEWLY_SHOWN; their count.
MARK_NEWLY_SHOWN_JS = """
(attribute) => {
  const before = window.__actdocsShown;
  let count = 0;
  for (const el of document.querySelectorAll("body *")) {
    el.removeAttribute(attribute);
    if (el.checkVisibility({ visibilityProperty: true }) && !before.has(el)) {
      el.setAttribute(attribute, "");
      count += 1;
    }
  }
  return count;
}
"""

AXE_JS = """
async ({ rules, skip, within }) => {
  const options = { resultTypes: ["violations"] };
  if (rules) options.runOnly = { type: "rule", values: rules };
  if (skip.length) options.rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
  const result = await axe.run(within ? { include: [within] } : document, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim().slice(0, 200),
    })),
  }));
}
"""


def axe_problems(page: Page, rules: tuple[str, ...] | None = None, skip: tuple[str, ...] = (),
                 within: str | None = None) -> list[str]:
    """Open every ``<details>``, mount every code block, let every demo draw, wait for the page to settle, then run
    axe-core on it (only ``rules`` when given, every rule but those in ``skip`` otherwise;
    on the whole page, or only on the elements the CSS selector ``within`` matches): one
    line per critical or serious violation no exemption covers."""
    assert AXE.is_file(), f"{AXE.relative_to(REPO_ROOT)} missing: run `npm ci` (axe-core is a pinned dev dependency)"
    page.evaluate("document.querySelectorAll('.md-content details').forEach((d) => { d.open = true; })")
    mount_code_blocks(page)
    _start_demos(page)
    _settle(page)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return unexempted(page.evaluate(AXE_JS, {"rules": list(rules) if rules else None, "skip": list(skip), "within": within}))


def palette_toggle(page: Page):
    """Material's palette toggle: the label shown for the palette in use."""
    return page.locator("form[data-md-component=palette] label:visible").first


def toggle_palette(page: Page) -> None:
    """Click the palette toggle and wait until the body's colour scheme has changed."""
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    palette_toggle(page).click()
    page.wait_for_function("(s) => document.body.getAttribute('data-md-color-scheme') !== s", arg=before)


def remember_shown(page: Page) -> None:
    """Before the palette is toggled: note every element the page shows (see :func:`mark_newly_shown`)."""
    page.evaluate(REMEMBER_SHOWN_JS)


def mark_newly_shown(page: Page) -> str | None:
    """Once the palette is toggled: a selector of the elements shown now that were not when
    :func:`remember_shown` ran (the other palette's figures, its toggle's label); None if there are none."""
    return f"[{NEWLY_SHOWN}]" if page.evaluate(MARK_NEWLY_SHOWN_JS, NEWLY_SHOWN) else None


def dark_palette_problems(page: Page) -> list[str]:
    """Toggle the palette (from light) and run axe-core again where the toggle can change a
    verdict: the colour rules (:data:`COLOUR_RULES`) on the whole page, and every other rule
    only on the elements the dark palette shows and the light one did not. Everything else
    reads the same document either way, which the light run has checked."""
    remember_shown(page)
    toggle_palette(page)
    problems = [f"axe (dark, palette toggled): {line}" for line in axe_problems(page, COLOUR_RULES)]
    newly_shown = mark_newly_shown(page)
    if newly_shown:
        problems += [f"axe (dark, shown only in dark): {line}"
                     for line in axe_problems(page, skip=COLOUR_RULES, within=newly_shown)]
    return problems


def palette_problem(page: Page, preference: str) -> list[str]:
    """A line if Material did not choose the palette of a reader who prefers ``preference``
    (``light`` or ``dark``, as the page's context emulates) on a first visit."""
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    return [] if scheme == PALETTES[preference] else [f"Material chose {scheme!r} for a reader who prefers {preference}"]


def test_exemptions_cover_only_their_rule_and_target():
    violations = [
        {"id": "color-contrast", "impact": "serious", "help": "Contrast", "nodes": [
            {"target": ".md-footer .x", "summary": "low"}, {"target": ".md-content p", "summary": "low"}]},
        {"id": "region", "impact": "moderate", "help": "Landmarks", "nodes": [{"target": "div", "summary": ""}]},
    ]
    exemption = Exemption("color-contrast", r"^\.md-footer", "a Material default")
    assert unexempted(violations, (exemption,)) == ["serious color-contrast (Contrast): .md-content p: low"]
    assert len(unexempted(violations, ())) == 2  # moderate impacts never fail
    assert not Exemption("link-name", r"^\.md-footer", "").covers("color-contrast", ".md-footer .x")


# ------------------------------------------------------------------ the quiz in the accessibility tree


def test_quiz_answers_keep_their_math(open_context, site_server: str):
    page, _ = open_context()
    page.goto(site_server + "quiz/", wait_until="load")
    _settle(page)
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    names = {}
    for node in nodes:
        if node.get("role", {}).get("value") == "radio" and node.get("backendDOMNodeId"):
            described = session.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
            attributes = dict(zip(described["attributes"][::2], described["attributes"][1::2]))
            names[attributes.get("id")] = (node.get("name") or {}).get("value", "")
    answers = page.evaluate(
        """() => [...document.querySelectorAll('.quiz input[type=radio]')].map((input) => ({
             id: input.id,
             math: [...document.querySelectorAll(`label[for="${input.id}"] math`)].map((m) => m.getAttribute('aria-label')),
           }))"""
    )
    assert len(answers) >= 40, f"only {len(answers)} quiz answers"
    with_math = [a for a in answers if a["math"]]
    assert with_math, "no quiz answer holds math: the check would prove nothing"
    problems = [f"{a['id']}: no name" for a in answers if not names.get(a["id"], "").strip()]
    for answer in with_math:
        name = " ".join(names.get(answer["id"], "").split())
        for text in answer["math"]:
            if not text or " ".join(text.split()) not in name:
                problems.append(f"{answer['id']}: name {name!r} lacks its formula {text!r}")
    assert not problems, f"{len(problems)} of {len(answers)} quiz answers:\n" + "\n".join(problems)


# ------------------------------------------------------------------ on a phone

#: Images shown on the page (not in a closed block, not the other palette's) that have
#: not loaded: after scrolling through, every lazy one must have.
UNLOADED_IMAGES_JS = """
() => [...document.querySelectorAll("img")]
  .filter((img) => img.getClientRects().length && getComputedStyle(img).visibility !== "hidden")
  .filter((img) => !(img.complete && img.naturalWidth > 0))
  .map((img) => img.getAttribute("src"))
"""

#: Scroll to y and wait until two frames have been painted there and the tasks they queued
#: have run: the demos' and the lazy images' IntersectionObservers have seen the new position.
SCROLL_AND_PAINT_JS = """
(y) => {
  window.scrollTo(0, y);
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve))));
}
"""

DEMOS_SETTLED_JS = "() => ![...document.querySelectorAll('.actdocs-demo')].some((d) => d.dataset.state === 'loading')"

CLS_INIT_JS = """
window.__layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShifts.push([entry.startTime, entry.value]);
  }
}).observe({ type: "layout-shift", buffered: true });
"""


def cumulative_layout_shift(shifts: list[tuple[float, float]]) -> float:
    """The largest session window's sum of ``(start ms, score)`` layout shifts."""
    best = current = 0.0
    first = last = None
    for start, value in sorted(shifts):
        if first is None or start - last > SESSION_GAP_MS or start - first > SESSION_MAX_MS:
            first, current = start, 0.0
        current += value
        last = start
        best = max(best, current)
    return best


TABLES_JS = """
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll(".md-content table:not([class])")]
    .filter((t) => t.getClientRects().length);
  tables.forEach((table, index) => {
    let box = table;
    while (box && !(box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(box).overflowX))) {
      box = box.parentElement;
    }
    if (!box || box === document.documentElement || box === document.body) return; // fits the screen
    const cells = () => [...table.querySelectorAll("tr > :first-child")];
    for (const where of ["start", "end"]) {
      box.scrollLeft = where === "start" ? 0 : box.scrollWidth;
      for (const cell of cells()) {
        const r = cell.getBoundingClientRect();
        const text = cell.textContent.trim().slice(0, 40);
        if (r.left < -0.5 || r.right > width + 0.5) problems.push(`table ${index + 1}, scrolled to its ${where}: first-column cell "${text}" spans ${Math.round(r.left)}-${Math.round(r.right)} px`);
        if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`table ${index + 1}: first-column cell "${text}" is clipped`);
        if (r.width > width / 2) problems.push(`table ${index + 1}: first column ${Math.round(r.width)} px wide, over half the screen`);
      }
    }
    box.scrollLeft = 0;
  });
  return { problems, wide: tables.length };
}
"""

FORMULAS_JS = """
() => {
  const problems = [];
  let scaled = 0, scrolling = 0, total = 0;
  for (const box of document.querySelectorAll(".md-content div.arithmatex")) {
    const display = box.querySelector(".katex-display");
    if (!display || !box.getClientRects().length || box.clientWidth === 0) continue;
    total += 1;
    if (display.style.fontSize) scaled += 1;
    const overflow = display.scrollWidth - box.clientWidth;
    if (overflow <= 1) continue;
    const style = getComputedStyle(box);
    const affordance = box.classList.contains("actdocs-math--scroll") && /auto|scroll/.test(style.overflowX)
      && box.tabIndex === 0;
    if (affordance) scrolling += 1;
    else problems.push(`formula ${display.textContent.slice(0, 40)}... ends ${Math.round(overflow)} px beyond its column, with no scroll affordance`);
  }
  return { problems, scaled, scrolling, total };
}
"""


@pytest.mark.parametrize("url", audited_pages(), ids=lambda url: f"/{url}")
def test_phone_layout(url: str, open_context, site_server: str, layout_shifts: dict):
    page, external = open_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, color_scheme="dark"
    )
    page.add_init_script(CLS_INIT_JS)
    page.goto(site_server + url, wait_until="load")
    problems = palette_problem(page, "dark")  # a first visit: no stored choice
    _settle(page)
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, PHONE["height"] * 3 // 4):
        page.evaluate(SCROLL_AND_PAINT_JS, y)
        page.wait_for_function(DEMOS_SETTLED_JS)
    _settle(page)
    page.wait_for_timeout(300)
    cls = cumulative_layout_shift(page.evaluate("window.__layoutShifts"))
    layout_shifts[url] = cls

    problems += [f"image scrolled past never loaded in place: {src}" for src in page.evaluate(UNLOADED_IMAGES_JS)]
    if cls > MAX_CLS:
        problems.append(f"cumulative layout shift {cls:.3f} > {MAX_CLS}")
    page.evaluate("document.querySelectorAll('.md-content details').forEach((d) => { d.open = true; })")
    _settle(page)
    problems += page.evaluate(TABLES_JS)["problems"]
    problems += page.evaluate(FORMULAS_JS)["problems"]
    problems += [f"request to another host (aborted): {r}" for r in external]
    assert not problems, f"/{url} at {PHONE['width']} px:\n" + "\n".join(problems)


def test_cumulative_layout_shift_takes_the_largest_session_window():
    assert cumulative_layout_shift([]) == 0
    # Two shifts 0.5 s apart share a window; one 2 s later opens another.
    assert cumulative_layout_shift([(100, 0.02), (600, 0.03), (2600, 0.04)]) == pytest.approx(0.05)
    # A window lasts 5 s at most, however close its shifts.
    steady = [(t, 0.01) for t in range(0, 10_000, 500)]
    assert cumulative_layout_shift(steady) == pytest.approx(0.11)


OVERVIEW_JS = """
() => [...document.querySelectorAll("img[src*='figures/overview-']")]
  .filter((img) => img.getClientRects().length && getComputedStyle(img).display !== "none")
  .map((img) => ({
    src: img.currentSrc,
    shown: img.getBoundingClientRect().width,
    natural: img.naturalWidth,
    right: img.getBoundingClientRect().right,
  }))
"""


def test_overview_is_legible_at_360px(browser: Browser, built_site: Path, site_server: str):
    """Without JavaScript, so that a demo's static overview is shown too."""
    pages = [p for p in built_pages(built_site) if "figures/overview-" in (built_site / p).read_text(encoding="utf-8")]
    assert pages, "no page shows the overview figure"
    smallest_pt = min(figures.OVERVIEW_PHONE_FONTS)
    context, page, external = _new_page(browser, viewport=NARROW, java_script_enabled=False)
    problems = []
    try:
        for rel in pages:
            page.goto(site_server + rel.removesuffix("index.html"), wait_until="load")
            page.wait_for_load_state("networkidle")
            shown = page.evaluate(OVERVIEW_JS)
            if not shown:
                problems.append(f"{rel}: no overview visible")
            for image in shown:
                if not image["src"].endswith(("overview-phone-light.svg", "overview-phone-dark.svg")):
                    problems.append(f"{rel}: {image['src']} is not the phone variant")
                    continue
                text_px = smallest_pt * 4 / 3 * image["shown"] / image["natural"]
                if text_px < MIN_FIGURE_TEXT_PX:
                    problems.append(f"{rel}: smallest text {text_px:.1f} px < {MIN_FIGURE_TEXT_PX} px")
                if image["right"] > NARROW["width"] + 0.5:
                    problems.append(f"{rel}: the figure runs past the screen ({image['right']:.0f} px)")
    finally:
        context.close()
    assert not external, external
    assert not problems, "\n".join(problems)


def test_unloaded_images_are_named_and_loaded_ones_are_not(open_context):
    """The phone test's image check itself, on a page with one missing image and one good one."""
    with serve_directory(FAULTY_PAGE) as base:
        page, _ = open_context(viewport=PHONE, is_mobile=True)
        page.goto(base, wait_until="load")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(UNLOADED_IMAGES_JS) == ["missing.png"]
