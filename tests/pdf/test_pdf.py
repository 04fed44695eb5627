"""The printable edition, as a reader gets it: the PDF that ``make pdf`` printed.

Run by ``make pdf`` after it builds ``mkdocs-print.yml`` and prints the PDF (marked
``pdf``, so the default ``pytest`` run, which has no PDF, deselects them). ``ACTDOCS_PDF``
names another PDF; its print site is the folder it lies in.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from site_pages import REPO_ROOT, nav_pages, url_to_html

from actdocs import pdf

pytestmark = pytest.mark.pdf

PDF = Path(os.environ.get("ACTDOCS_PDF") or REPO_ROOT / pdf.PRINT_SITE / pdf.PDF_NAME)
SITE = PDF.parent
#: The size budget: the first print weighed about 10 MB (62 figures as vector graphics,
#: KaTeX's fonts, 350 A4 pages); a heavier PDF means something is embedded twice.
MAX_BYTES = 15_000_000
#: At most this many A4 pages: about twice what the first print took.
MAX_PAGES = 700
#: What TeX left unrendered looks like in the text.
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\operatorname", "\\begin{")


@pytest.fixture(scope="module")
def reader() -> pypdf.PdfReader:
    """The printed PDF (the test fails, never skips, when it is missing)."""
    assert PDF.is_file(), f"no {PDF}: run `make pdf`"
    return pypdf.PdfReader(PDF)


@pytest.fixture(scope="module")
def text(reader: pypdf.PdfReader) -> str:
    """The text of every page, whitespace collapsed to single spaces."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _h1(page_html: str) -> str:
    """The text of a page's first heading, without its permalink sign."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.DOTALL)
    assert heading, "a page without a heading"
    words = html.unescape(re.sub(r"<[^>]+>", "", heading[1]))
    return re.sub(r"\s+", " ", words).strip().removesuffix("¶").strip()  # without the permalink sign


def _titles() -> list[str]:
    """The first heading of every nav page, in the nav's order, as the print build made it."""
    return [_h1((SITE / url_to_html(url)).read_text(encoding="utf-8")) for url in nav_pages()]


def _structure(reader: pypdf.PdfReader, tag: str) -> list[pypdf.generic.DictionaryObject]:
    """Every element of the PDF's structure tree (tagged PDF) of type ``tag``."""
    found, todo = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            todo.extend(reversed(node))
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == tag:
                found.append(node)
            if "/K" in node:
                todo.append(node["/K"])
    return found


def test_size_within_budget() -> None:
    assert PDF.stat().st_size <= MAX_BYTES, f"{PDF.stat().st_size} bytes, budget {MAX_BYTES}"


def test_page_count(reader: pypdf.PdfReader) -> None:
    # Each page of the site starts on a new sheet; a cover and a table of contents come first.
    assert len(nav_pages()) + 2 <= len(reader.pages) <= MAX_PAGES


def test_every_page_title_in_the_text(text: str) -> None:
    missing = [title for title in _titles() if title not in text]
    assert not missing, f"titles not in the PDF's text: {missing}"


def test_no_raw_tex(text: str) -> None:
    found = {mark: text.count(mark) for mark in RAW_TEX if mark in text}
    assert not found, f"unrendered TeX in the PDF: {found}"


def test_every_light_figure_embedded(reader: pypdf.PdfReader) -> None:
    """Each image the print page shows in the light palette (the dark variants hidden)
    is a Figure of the tagged PDF, with its alt text; none is missing, none printed twice."""
    page_html = (SITE / pdf.PRINT_PAGE / "index.html").read_text(encoding="utf-8")
    shown = Counter(
        html.unescape(re.search(r'alt="([^"]*)"', tag)[1])
        for tag in re.findall(r"<img\b[^>]*>", page_html)
        if "#only-dark" not in tag
    )
    assert sum(1 for tag in re.findall(r"<img\b[^>]*>", page_html) if "#only-light" in tag) > 0
    printed = Counter(str(figure.get("/Alt", "")) for figure in _structure(reader, "/Figure"))
    assert printed == shown


def test_internal_links(reader: pypdf.PdfReader) -> None:
    """The table of contents and the cross-references jump within the PDF; no link
    points at the local server the page was printed from."""
    internal, local = 0, []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            action = link.get("/A")
            if "/Dest" in link or (action is not None and action.get_object().get("/S") == "/GoTo"):
                internal += 1
            elif action is not None and "127.0.0.1" in str(action.get_object().get("/URI", "")):
                local.append(str(action.get_object()["/URI"]))
    assert internal >= len(nav_pages()), f"{internal} internal links"
    assert not local, f"links to the print server: {local[:5]}"


def test_outline_in_nav_order(reader: pypdf.PdfReader) -> None:
    """Each nav page is a bookmark of the PDF's outline pointing at the sheet that shows its
    title, and the bookmarks run in the nav's order: the learning path, then the reference."""
    def flat(items) -> list:
        return [leaf for item in items for leaf in (flat(item) if isinstance(item, list) else [item])]

    outline = [(re.sub(r"\s+", " ", item.title).strip(), reader.get_destination_page_number(item))
               for item in flat(reader.outline)]
    sheets, position = [], 0
    for title in _titles():  # in nav order; a page title may also be a heading elsewhere ("ReLU")
        found = next((i for i in range(position, len(outline)) if outline[i][0] == title), None)
        assert found is not None, f"no bookmark {title!r} after the previous page's"
        sheet = outline[found][1]
        assert title in re.sub(r"\s+", " ", reader.pages[sheet].extract_text()), f"{title!r} not on its sheet"
        sheets.append(sheet)
        position = found + 1
    assert sheets == sorted(sheets), "the pages are not in the order of the nav"
