"""Measure the project's performance budgets (DESIGN.md) and print them as a table.

``python -m actdocs.budgets`` (or ``make budgets``) measures, on this machine:

* a cold ``mkdocs build --strict`` with an empty artifact cache (everything computed);
* a warm rebuild with nothing changed;
* optionally (``--tests``) the README's test command, ``make test``;
* the bytes a browser transfers for the heaviest page (Chromium loads every page of the
  built site from a local server; text files count gzip-compressed, as a host serves them).

It is a benchmark, not a test: it reports and never fails on a slow figure unless
``--enforce`` is given. Timings vary with machine load; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from actdocs.build import REPO_ROOT
from actdocs.markdown import markdown_table

#: Budgets on the 2-core reference machine, from DESIGN.md: (limit, aim).
BUDGETS = {
    "cold build (s)": (120.0, 60.0),
    "warm rebuild (s)": (2.0, 2.0),
    "make test (s)": (300.0, 180.0),
    "heaviest page (KB)": (500.0, 500.0),
}

#: Assets a page may load that the page-weight budget leaves out (the demo bundle).
EXEMPT = ("assets/vendor/plotly/",)


@dataclass(frozen=True)
class Measurement:
    """One budget line: what, the measured value, and a note (e.g. which page)."""

    name: str
    value: float
    note: str = ""


#: File types a static host serves gzip-compressed.
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map", ".csv", ".md"})

CHROMIUM = os.environ.get("ACTDOCS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def transfer_size(path: Path) -> tuple[int, int]:
    """(raw bytes, bytes a static host sends: gzip level 6 for text types, as is otherwise)."""
    data = path.read_bytes()
    if path.suffix.lower() in COMPRESSIBLE:
        return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data), len(data)


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise SystemExit(f"budgets: {' '.join(command)} failed: {tail[0] if tail else 'no output'}")
    return elapsed


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if not p.relative_to(site).parts[0] in ("assets", "generated"))


def page_weights(site: Path) -> dict[str, int]:
    """Bytes a first visit to each page transfers (gzip where a host compresses), every
    file the browser requested while loading and scrolling it, :data:`EXEMPT` aside.

    Pages are loaded in Chromium from a local server, so lazy images and the fonts
    KaTeX's glyphs need are counted exactly when the browser fetches them.
    """
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    weights: dict[str, int] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for rel in _pages(site):
                page = browser.new_page()
                requested: set[str] = set()
                page.on("request", lambda request: requested.add(request.url))
                page.goto(base + rel.removesuffix("index.html"), wait_until="networkidle")
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(300)
                page.close()
                total = 0
                for url in requested:
                    path = urlparse(url).path.lstrip("/")
                    file = site / (path + "index.html" if path == "" or path.endswith("/") else path)
                    if url.startswith(base) and file.is_file() and not any(path.startswith(e) for e in EXEMPT):
                        total += transfer_size(file)[1]
                weights[rel] = total
            browser.close()
    finally:
        server.shutdown()
    return weights


def measure(run_tests: bool) -> list[Measurement]:
    """Run every measurement; the cold build uses a fresh, empty cache."""
    results: list[Measurement] = []
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="actdocs-budget-") as tmp:
        env = {**os.environ, "ACTDOCS_CACHE": str(Path(tmp) / "cache"), "NO_MKDOCS_2_WARNING": "1"}
        site = Path(tmp) / "site"
        results.append(Measurement("cold build (s)", _timed([*mkdocs, "-d", str(site)], env), "empty cache"))
        results.append(Measurement("warm rebuild (s)", _timed([*mkdocs, "-d", str(site)], env), "nothing changed"))
        weights = page_weights(site)
        heaviest = max(weights, key=weights.get)
        results.append(Measurement("heaviest page (KB)", weights[heaviest] / 1024, f"{heaviest}, gzip as served"))
    if run_tests:
        seconds = _timed(["make", "test"], {**os.environ})
        results.append(Measurement("make test (s)", seconds, "README test command"))
    return results


def report(results: list[Measurement]) -> str:
    """The budget table: measured value, budget, aim and verdict per line."""
    rows = []
    for m in results:
        limit, aim = BUDGETS[m.name]
        verdict = "within aim" if m.value <= aim else ("within budget" if m.value <= limit else "OVER BUDGET")
        rows.append([m.name, f"{m.value:.1f}", f"{limit:g}", f"{aim:g}", verdict, m.note])
    return markdown_table(["what", "measured", "budget", "aim", "verdict", "note"], rows)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, and with ``--enforce`` exit 1 when a budget is exceeded."""
    parser = argparse.ArgumentParser(prog="python -m actdocs.budgets", description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time `make test` (minutes)")
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a measurement is over budget")
    args = parser.parse_args(argv)
    results = measure(args.tests)
    print(report(results))
    over = [m for m in results if m.value > BUDGETS[m.name][0]]
    return 1 if (over and args.enforce) else 0


if __name__ == "__main__":
    raise SystemExit(main())
