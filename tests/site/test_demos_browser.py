"""The interactive demos in Chromium: every control of every demo changes what is plotted.

The built site is served from 127.0.0.1 (fixtures of ``site_build.py`` and ``site_serve.py``); each test
opens a page, waits for demos.js to draw, drives the HTML controls as a reader would
(choosing in the dropdown, clicking the toggle, moving sliders with the keyboard) and
reads what plotly drew back from the chart (``gd.data``, ``gd._fullData``,
``gd._fullLayout``). Console errors and requests to any other host fail the test; the
palette toggle must recolour the charts, and the controls must still work in dark mode.
With JavaScript off, every container must show its static figure instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ElementHandle, Locator, Page
from test_browser import Visit, visit  # noqa: F401 (the fixture is used by name)
from test_accessibility import toggle_palette

from actdocs import paths
from actdocs import catalog
from actdocs.interactive import demo_spec, demos
from actdocs.render import palette
from actdocs.interactive import explorer as explorer_demo
from actdocs.engine.artifact import REPO_ROOT

pytestmark = pytest.mark.browser


#: What plotly drew, per trace (``gd.data`` read through ``gd._fullData``, which holds
#: what plotly made of it; a hidden trace keeps only ``visible`` there).
TRACES_JS = """
(gd) => gd.data.map((t, i) => {
  const full = gd._fullData.find((f) => f.index === i) || {};
  return {
    role: t.meta && t.meta.role,
    name: t.name,
    type: full.type,
    visible: full.visible,
    x: Array.from(full.x || t.x || []),
    y: Array.from(full.y || t.y || []),
    colour: full.type === "bar" ? full.marker?.color : full.fill && full.fill !== "none" ? full.fillcolor : full.line?.color,
  };
})
"""


@dataclass
class DemoPage:
    """An open page with its console errors and blocked outside requests."""

    page: Page
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def demo(self, name: str) -> "Demo":
        container = self.page.locator(f'.actdocs-demo[data-demo="{name}"]').first
        container.scroll_into_view_if_needed()
        handle = container.element_handle()
        self.page.wait_for_function("(el) => el.dataset.state === 'ready' || el.dataset.state === 'failed'", arg=handle)
        assert container.get_attribute("data-state") == "ready", f"{name}: {self.errors}"
        return Demo(self.page, container, handle)

    def check_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.external, self.external


@dataclass
class Demo:
    page: Page
    container: Locator
    handle: ElementHandle

    @property
    def plot(self) -> Locator:
        return self.container.locator(".actdocs-demo__plot")

    def control(self, control_id: str) -> Locator:
        return self.container.locator(f'[data-control="{control_id}"]')

    def renders(self) -> int:
        return int(self.container.get_attribute("data-renders") or 0)

    def act(self, action) -> None:
        """Run ``action`` and wait until the chart has been drawn again."""
        before = self.renders()
        action()
        self.page.wait_for_function("([el, n]) => Number(el.dataset.renders) > n", arg=[self.handle, before])

    def traces(self) -> list[dict]:
        return self.plot.evaluate(TRACES_JS)

    def trace(self, role: str) -> dict:
        return next(t for t in self.traces() if t["role"] == role)

    def layout(self) -> dict:
        return self.plot.evaluate("(gd) => JSON.parse(JSON.stringify(gd.layout))")

    def status(self) -> str:
        return self.container.locator(".actdocs-demo__status").inner_text()

    def choose(self, control_id: str, value: str) -> None:
        self.act(lambda: self.control(control_id).locator("select").select_option(value))

    def toggle(self, control_id: str) -> None:
        self.act(lambda: self.control(control_id).locator("button").click())

    def slide(self, control_id: str, key: str) -> None:
        """Move a slider with the keyboard (``ArrowRight``, ``ArrowLeft``, ``Home``, ``End``)."""
        slider = self.control(control_id).locator("input[type=range]")
        slider.scroll_into_view_if_needed()
        slider.focus()
        self.act(lambda: slider.press(key))

    def slider_value(self, control_id: str) -> str:
        return self.control(control_id).locator("output").inner_text()


@pytest.fixture
def demo_page(visit: Visit) -> DemoPage:
    """A fresh page watched like every browser test's (see ``test_browser.visit``)."""
    return DemoPage(visit.page, visit.errors, visit.external)


def open_page(demo_page: DemoPage, url: str) -> Page:
    page = demo_page.page
    page.goto(url, wait_until="load")  # DemoPage.demo() then waits for each chart
    return page


# ------------------------------------------------------------------ explorer


def test_explorer_every_activation_and_the_derivative_toggle(demo_page: DemoPage, site_server: str):
    open_page(demo_page, site_server + demo_url("explorer"))
    demo = demo_page.demo("explorer")
    first = demo.trace("function")
    assert first["name"] == catalog.get(catalog.keys()[0]).name and len(first["x"]) > 10
    assert demo.trace("derivative")["visible"] is True
    assert not demo.container.locator(".actdocs-demo__static").is_visible(), "the static figure gives way to the chart"

    previous = first["y"]
    for key in catalog.keys()[1:]:
        demo.choose("activation", key)
        drawn = demo.trace("function")
        assert drawn["name"] == catalog.get(key).name, key
        assert drawn["y"] != previous, f"{key}: the plotted curve did not change"
        assert demo.status().startswith(catalog.get(key).name)
        previous = drawn["y"]

    demo.choose("activation", "sigmoid")
    button = demo.control("derivative").locator("button")
    assert button.get_attribute("aria-pressed") == "true"
    demo.toggle("derivative")
    assert demo.trace("derivative")["visible"] is False and button.get_attribute("aria-pressed") == "false"
    assert demo.trace("function")["visible"] is True
    demo.choose("activation", "tanh")  # the toggle's state survives a change of activation
    assert demo.trace("derivative")["visible"] is False
    demo.toggle("derivative")
    assert demo.trace("derivative")["visible"] is True and button.get_attribute("aria-pressed") == "true"
    demo_page.check_clean()


def test_explorer_parameter_sliders(demo_page: DemoPage, site_server: str):
    open_page(demo_page, site_server + demo_url("explorer"))
    demo = demo_page.demo("explorer")
    sliders = {key: f"{key}-{p.keyword}" for key, p in ((r.key, r.slider) for r in catalog.ACTIVATIONS if r.slider)}
    for slider in sliders.values():
        assert demo.control(slider).is_hidden(), f"{slider} shows for sigmoid"

    for key, slider in sliders.items():
        demo.choose("activation", key)
        assert demo.control(slider).is_visible(), slider
        assert all(demo.control(other).is_hidden() for other in sliders.values() if other != slider)
        default = demo.slider_value(slider)
        assert default == explorer_demo.value_key(catalog.get(key).defaults[catalog.get(key).slider.keyword])
        before, status = demo.trace("function")["y"], demo.status()
        demo.slide(slider, "ArrowRight")
        moved = demo.trace("function")["y"]
        assert moved != before, f"{slider}: the curve did not move"
        assert demo.slider_value(slider) != default and demo.status() != status
        demo.slide(slider, "Home")
        assert demo.trace("function")["y"] not in (moved,)
        assert demo.slider_value(slider) == explorer_demo.value_key(catalog.get(key).slider.values[0])
        demo.slide(slider, "End")
        assert demo.slider_value(slider) == explorer_demo.value_key(catalog.get(key).slider.values[-1])

    # Leaky ReLU with slope 0 is ReLU: its negative side is shaded as saturated.
    demo.choose("activation", "leaky_relu")
    demo.slide(sliders["leaky_relu"], "Home")
    shade = demo.trace("saturated")
    assert shade["x"] and min(x for x in shade["x"] if x is not None) == -6
    demo.slide(sliders["leaky_relu"], "ArrowRight")
    assert not demo.trace("saturated")["x"]
    demo_page.check_clean()


# ------------------------------------------------------------------ vanishing gradients


def test_vanishing_gradients_controls(demo_page: DemoPage, site_server: str):
    open_page(demo_page, site_server + demo_url("vanishing-gradients"))
    demo = demo_page.demo("vanishing-gradients")
    options = demo.control("activation").locator("option").evaluate_all("(os) => os.map((o) => [o.value, o.text])")
    assert [key for key, _ in options][:3] == ["sigmoid", "tanh", "relu"]
    gradient = demo.trace("gradient")
    assert gradient["name"] == "Sigmoid" and len(gradient["y"]) == 20 == int(demo.slider_value("depth"))
    assert demo.trace("reference")["visible"] is True and demo.trace("bound")["visible"] is False

    previous = gradient["y"]
    for key, label in options[1:]:
        demo.choose("activation", key)
        drawn = demo.trace("gradient")
        assert drawn["name"] == label and drawn["y"] != previous, key
        previous = drawn["y"]

    demo.choose("activation", "sigmoid")
    demo.slide("depth", "ArrowRight")
    assert len(demo.trace("gradient")["y"]) == 21 and demo.slider_value("depth") == "21"
    assert demo.status().startswith("Sigmoid, 21 layers")
    demo.slide("depth", "Home")
    assert len(demo.trace("gradient")["y"]) == 2 and len(demo.trace("reference")["y"]) == 2
    demo.slide("depth", "End")
    assert len(demo.trace("gradient")["y"]) == 30
    table = demo.container.locator(".actdocs-demo__table")
    assert "Layer 30 gradient norm" in table.inner_text()

    demo.toggle("reference")
    assert demo.trace("reference")["visible"] is False
    demo.toggle("bound")
    bound = demo.trace("bound")
    assert bound["visible"] is True and bound["x"] == [1, 30]
    demo.choose("activation", "tanh")  # toggles persist across choices
    assert demo.trace("reference")["visible"] is False and demo.trace("bound")["visible"] is True
    demo_page.check_clean()


# ------------------------------------------------------------------ distributions


def test_distributions_controls(demo_page: DemoPage, site_server: str):
    open_page(demo_page, site_server + demo_url("distributions"))
    demo = demo_page.demo("distributions")
    table = demo.container.locator(".actdocs-demo__table")
    assert demo.slider_value("scale") == "1"
    pairs = demo.control("activation").locator("option").evaluate_all("(os) => os.map((o) => [o.value, o.text])")
    options, labels = [key for key, _ in pairs], [label for _, label in pairs]
    assert "relu" in options and "sigmoid" in options
    previous = demo.trace("histogram")["y"]
    for key in options[1:]:
        demo.choose("activation", key)
        bars = demo.trace("histogram")
        assert bars["type"] == "bar" and bars["y"] != previous, key
        assert demo.status().startswith(dict(zip(options, labels))[key]), key
        previous = bars["y"]

    demo.choose("activation", "relu")
    assert demo.trace("zero")["y"][0] == pytest.approx(50, abs=1)
    assert "Exactly zero" in table.inner_text()
    demo.choose("activation", "tanh")
    at_one, stats_at_one = demo.trace("histogram")["y"], table.inner_text()
    demo.slide("scale", "ArrowRight")
    assert demo.slider_value("scale") == "2"
    assert demo.trace("histogram")["y"] != at_one and table.inner_text() != stats_at_one
    demo.slide("scale", "End")
    wide = demo.trace("histogram")["y"]
    assert wide[0] + wide[-1] > 20, "at scale 8 tanh's outputs pile up at -1 and 1"
    demo.slide("scale", "Home")
    assert demo.slider_value("scale") == "0.25" and demo.trace("histogram")["y"] != wide
    demo_page.check_clean()


# ------------------------------------------------------------------ every demo


def demo_url(name: str) -> str:
    """The site-relative URL of the one page that includes demo ``name``."""
    hosts = [p for p in sorted((REPO_ROOT / "docs").glob("*.md")) if f'--8<-- "{paths.demo_fragment(name)}"' in p.read_text(encoding="utf-8")]
    assert len(hosts) == 1, (name, hosts)
    return f"{hosts[0].stem}/"


MAIN_ROLE = {"explorer": "function", "vanishing-gradients": "gradient", "distributions": "histogram"}


@pytest.mark.parametrize("name", list(demo_spec.DEMOS))
def test_every_demo_follows_the_palette(demo_page: DemoPage, site_server: str, name: str):
    page = open_page(demo_page, site_server + demo_url(name))
    demo = demo_page.demo(name)
    role = MAIN_ROLE[name]
    light, dark = demo_spec.theme_json(palette.LIGHT), demo_spec.theme_json(palette.DARK)
    if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
        toggle_palette(page)
        page.wait_for_function("(el) => el.dataset.renders && true", arg=demo.handle)
    assert demo.trace(role)["colour"] == light["roles"][role], name

    count = demo.renders()
    toggle_palette(page)
    page.wait_for_function("([el, n]) => Number(el.dataset.renders) > n", arg=[demo.handle, count])
    assert demo.trace(role)["colour"] == dark["roles"][role], name
    assert demo.layout()["font"]["color"] == dark["font"], name
    assert demo.layout()["xaxis"]["gridcolor"] == dark["grid"], name
    # Every kind of control still responds in dark mode, and keeps the dark colours.
    if name == "explorer":
        assert demo.trace("derivative")["colour"] == dark["roles"]["derivative"]
        demo.choose("activation", "elu")
        before = demo.trace("function")["y"]
        demo.slide("elu-alpha", "ArrowLeft")
        assert demo.trace("function")["y"] != before
        demo.toggle("derivative")
        assert demo.trace("derivative")["visible"] is False
        assert demo.trace("function")["colour"] == dark["roles"]["function"]
    elif name == "vanishing-gradients":
        demo.slide("depth", "ArrowLeft")
        assert len(demo.trace("gradient")["y"]) == 19
    else:
        demo.choose("activation", "relu")
        assert demo.trace("zero")["colour"] == dark["roles"]["zero"]
    demo_page.check_clean()


def test_explorer_on_the_activations_page(demo_page: DemoPage, site_server: str, built_site):
    """The same fragment on another page: its data link is rewritten for that page and still loads."""
    open_page(demo_page, site_server + "activations/")
    demo = demo_page.demo("explorer")
    demo.choose("activation", "relu")
    assert demo.trace("function")["name"] == "ReLU"
    href = demo.container.locator("a.actdocs-demo__data").evaluate("(a) => a.href")
    assert urlsplit(href).path == "/generated/data/demos/explorer.json"
    served = json.loads((built_site / "generated/data/demos/explorer.json").read_text(encoding="utf-8"))
    assert demo.plot.evaluate("(gd) => gd.data.length") == len(served["data"])
    demo_page.check_clean()


def test_without_javascript_every_demo_shows_its_static_figure(browser, site_server: str):
    """The text alternative: with JavaScript off, each container shows its figure, alt text and caption."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for name in demo_spec.DEMOS:
            page.goto(site_server + demo_url(name), wait_until="load")
            container = page.locator(f'.actdocs-demo[data-demo="{name}"]')
            image = container.locator(".actdocs-demo__static img").first
            image.scroll_into_view_if_needed()
            assert image.is_visible(), name
            assert len(image.get_attribute("alt") or "") > 80, name
            page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            assert container.locator(".actdocs-demo__caption").is_visible(), name
            assert not container.locator(".actdocs-demo__plot").count(), name
    finally:
        context.close()
