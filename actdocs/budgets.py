"""Measure the project's performance budgets (DESIGN.md) and print them as a table.

``python -m actdocs.budgets`` (or ``make budgets``) measures, on this machine:

* a cold ``mkdocs build --strict`` with an empty artifact cache (everything computed);
* a warm rebuild with nothing changed;
* optionally (``--tests``) the README's test command, ``make test``;
* the bytes a browser transfers for the heaviest page, counted from the built site.

It is a benchmark, not a test: it reports and never fails on a slow figure unless
``--enforce`` is given. Timings vary with machine load; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

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


class _Assets(HTMLParser):
    """Collects the same-site URLs a page loads in light mode: scripts, styles, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.has_math = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "img" and a.get("src") and not a["src"].endswith("#only-dark"):
            self.urls.append(a["src"])
        if "arithmatex" in (a.get("class") or ""):
            self.has_math = True


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise SystemExit(f"budgets: {' '.join(command)} failed: {tail[0] if tail else 'no output'}")
    return elapsed


def page_weights(site: Path) -> dict[str, int]:
    """Bytes a first visit to each page transfers (HTML, scripts, styles, light images,
    KaTeX fonts where the page has math), excluding :data:`EXEMPT` bundles."""
    fonts = sum(p.stat().st_size for p in (site / "assets/vendor/katex/fonts").glob("*.woff2"))
    weights: dict[str, int] = {}
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            continue
        parser = _Assets()
        parser.feed(html.read_text(encoding="utf-8"))
        total = html.stat().st_size
        base = f"http://site/{rel}"
        for url in dict.fromkeys(parser.urls):
            target = urlparse(urljoin(base, url))
            if target.netloc != "site":
                continue
            path = target.path.lstrip("/")
            if any(path.startswith(e) for e in EXEMPT):
                continue
            file = site / path
            if file.is_file():
                total += file.stat().st_size
        if parser.has_math:
            total += fonts
        weights[rel] = total
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
        results.append(Measurement("heaviest page (KB)", weights[heaviest] / 1000, heaviest))
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
