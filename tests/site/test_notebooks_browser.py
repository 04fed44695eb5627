"""The exercise notebook pages in Chromium, served from 127.0.0.1.

Per notebook page: no console error and no request to another host; the download button
is there and its link serves the executed ``.ipynb`` (status 200, outputs included); the
notebook's Markdown math was rendered by the site's KaTeX (no MathJax, no ``$`` left);
the solution is folded and, opened, shows its plot. The per-page checks every page gets
(images, raw TeX, page weight) run in ``test_browser.py``, whose nav list includes these
pages.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from test_browser import Visit, _open, visit  # noqa: F401 (the fixture is used by name)

from actdocs.execute import notebooks

pytestmark = pytest.mark.browser

NAMES = [source.stem for source in notebooks.source_paths()]

#: Text of the notebook's Markdown cells outside rendered math and code.
MARKDOWN_TEXT_JS = """
() => [...document.querySelectorAll(".jp-MarkdownCell")].flatMap((cell) => {
  const texts = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    if (!node.parentElement.closest(".katex, code, pre")) texts.push(node.textContent);
  }
  return texts;
})
"""


@pytest.mark.parametrize("name", NAMES)
def test_notebook_page(visit: Visit, site_server: str, name: str):
    page = _open(visit, f"{site_server}exercises/{name}/")

    button = page.locator("a.nb-download")
    assert button.count() == 1, "no download button"
    assert button.is_visible()
    assert button.get_attribute("download") == f"{name}.ipynb"
    href = button.evaluate("a => a.href")
    assert urlsplit(href).path == f"/exercises/{name}/{name}.ipynb", href
    response = page.request.get(href)
    assert response.status == 200, f"{href}: {response.status}"
    notebook = json.loads(response.body())
    assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code), "the download is the executed notebook"
    assert any("image/png" in out.get("data", {}) for cell in code for out in cell["outputs"])

    assert page.locator(".jp-Notebook .arithmatex .katex").count() >= 1, "no rendered math"
    leftover = [text for text in page.evaluate(MARKDOWN_TEXT_JS) if "$" in text]
    assert not leftover, f"TeX left in Markdown cells: {leftover[:3]}"
    assert page.locator("script[type='text/x-mathjax-config'], script[src='']").count() == 0

    solution = page.locator("details.nb-solution")
    assert solution.count() == 1, "the solution is not folded"
    assert not solution.evaluate("d => d.open"), "the solution starts folded"
    solution.locator("summary").click()
    assert solution.evaluate("d => d.open")
    image = solution.locator(".jp-OutputArea-output img").last
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    assert not visit.errors, visit.errors
    assert not visit.external, visit.external


def test_exercises_page_links_every_notebook(visit: Visit, site_server: str):
    page = _open(visit, f"{site_server}exercises/")
    hrefs = page.locator(".md-content a").evaluate_all("links => links.map((a) => a.href)")
    for name in NAMES:
        target = f"{site_server}exercises/{name}/"
        assert target in hrefs, f"the exercises page does not link {name}"
        assert page.request.get(target).status == 200
    assert f"{site_server}concepts/" in hrefs, "the exercises page links the conceptual exercises"
    assert not visit.errors, visit.errors
    assert not visit.external, visit.external
