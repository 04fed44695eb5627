"""The printable edition: the whole site as one PDF, printed by Chromium.

``mkdocs build -f mkdocs-print.yml`` builds the site with the print-site plugin, which
adds one page holding every page of the nav in its order (``print_page/``), with a cover
and a table of contents; the MkDocs hook renders its math and sizes its images as on
any page. This command serves that build on 127.0.0.1 (as a host serves it), opens the
page in Chromium with the light palette and print media, waits for every image and
font, and prints it to A4 with a PDF outline (bookmarks) and tags::

    python -m actdocs.pdf                       # site-print/ -> site-print/actdocs.pdf
    python -m actdocs.pdf --site DIR --out FILE --site-url URL

``make pdf`` runs the build, this command and ``tests/pdf/``. A folder without a print
page, or no Chromium (``ACTDOCS_CHROMIUM``), stops it with one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from actdocs.budgets import CHROMIUM, CHROMIUM_ARGS, gzip_server

#: The combined page the print-site plugin writes (its ``print_page_basename``).
PRINT_PAGE = "print_page/"
#: Where ``mkdocs-print.yml`` builds the site and where the PDF goes by default.
PRINT_SITE = Path("site-print")
PDF_NAME = "actdocs.pdf"
#: Chromium's PDF options: A4, the page's backgrounds (code blocks, admonitions), an
#: outline from the headings and a tagged (accessible) PDF.
PDF_OPTIONS = {
    "format": "A4",
    "print_background": True,
    "outline": True,
    "tagged": True,
    "margin": {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
}
#: How long the print page may take to load and settle, in milliseconds.
LOAD_TIMEOUT_MS = 120_000
#: Links from the print page to the served site's other files (the demos' data, the
#: notebooks to download) would lead to a server that is gone once the PDF is printed:
#: with a site URL they point at the published file, without one they become plain text.
#: Links within the print page (its table of contents, cross-references) stay.
_UNLINK_SERVED = """(siteUrl) => {
  for (const a of document.querySelectorAll("a[href]")) {
    const target = new URL(a.href, location.href);
    if (target.origin !== location.origin || target.pathname === location.pathname) continue;
    if (siteUrl) a.href = new URL(target.pathname.slice(1) + target.hash, siteUrl).href;
    else a.removeAttribute("href");
  }
}"""
#: True once every image of the page has loaded and every font is ready.
_SETTLED = "() => document.fonts.status === 'loaded' && [...document.images].every((i) => i.complete)"


def problem(site: Path) -> str | None:
    """Why ``site`` cannot be printed (no print page in it, no Chromium); None when it can."""
    if not (site / PRINT_PAGE / "index.html").is_file():
        return f"{site}: no {PRINT_PAGE}index.html; build it first: mkdocs build -f mkdocs-print.yml"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set ACTDOCS_CHROMIUM to one"
    return None


def print_pdf(site: Path, out: Path, site_url: str = "") -> None:
    """Print ``site``'s print page to ``out`` (written through a temporary file); links
    to the site's other files point under ``site_url``, or are dropped without one."""
    from playwright.sync_api import sync_playwright  # a test dependency: only this command needs it

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with gzip_server(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(color_scheme="light")
            page.emulate_media(media="print", color_scheme="light")
            page.goto(url + PRINT_PAGE, wait_until="load", timeout=LOAD_TIMEOUT_MS)
            page.wait_for_function(_SETTLED, timeout=LOAD_TIMEOUT_MS)
            page.evaluate(_UNLINK_SERVED, site_url.rstrip("/") + "/" if site_url else "")
            page.pdf(path=str(partial), **PDF_OPTIONS)
        finally:
            browser.close()
    partial.replace(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the printable edition; one line with its size, pages and time."""
    parser = argparse.ArgumentParser(prog="python -m actdocs.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=PRINT_SITE, help="the site built with mkdocs-print.yml")
    parser.add_argument("--out", type=Path, help=f"the PDF (default: SITE/{PDF_NAME})")
    parser.add_argument("--site-url", default=os.environ.get("ACTDOCS_SITE_URL", ""),
                        help="where the site is published (default: ACTDOCS_SITE_URL), for links to its files")
    args = parser.parse_args(argv)
    out = args.out or args.site / PDF_NAME
    why = problem(args.site)
    if why:
        print(f"actdocs.pdf: {why}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    print_pdf(args.site, out, args.site_url)
    seconds = time.perf_counter() - start
    print(f"actdocs.pdf: {out}, {out.stat().st_size / 1e6:.1f} MB, printed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
