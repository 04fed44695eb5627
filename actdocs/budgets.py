"""Measure the project's performance budgets (README, "Performance budgets") and print them as tables.

``python -m actdocs.budgets`` (or ``make budgets``) measures, on this machine:

* a cold ``mkdocs build --strict`` with an empty artifact cache (everything computed);
* a warm rebuild with nothing changed;
* an edit of one listing under ``mkdocs serve``: the seconds from saving the file to the
  page serving the new code, less the listing's own run time, and which artifacts the
  rebuild remade (only that listing's, when the keys are right);
* optionally (``--tests``) the README's test command on a fresh clone of ``HEAD``, after
  install (the clone shares this checkout's ``.venv`` and ``node_modules``): its cache is
  empty, so the site build inside the test run is a cold one;
* the bytes a browser transfers for each page (Chromium loads every page of the built
  site from a local server; text files count gzip-compressed, as a host serves them);
* per page, Lighthouse's mobile audit (its defaults: a mid-range phone, simulated slow
  4G and a 4x slower CPU): the performance and accessibility scores, the largest
  contentful paint and the cumulative layout shift, with the site served
  gzip-compressed from 127.0.0.1 (:func:`gzip_server`), as any real host serves it.

``--site DIR`` measures an already built site instead of building one (no build
times); ``--no-lighthouse`` leaves the per-page audit out. It is a benchmark, not a
test: it reports and never fails on a slow figure unless ``--enforce`` is given.
Timings vary with machine load; run it on a quiet machine. A malformed option, a
folder that is no built site, or no Chromium (``ACTDOCS_CHROMIUM``) stops it at once
with one line and exit status 2; a tool that fails while it measures, with one line
and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NoReturn
from urllib.parse import urlparse, urlsplit

from actdocs.engine.artifact import REPO_ROOT
from actdocs.render.markdown import markdown_table
from actdocs.render.numbers import format_number

#: Budgets on the 2-core reference machine (DESIGN.md): a measurement above one is over.
BUDGETS = {
    "cold build (s)": 60.0,
    "warm rebuild (s)": 2.0,
    "listing edit, beyond its run (s)": 1.0,
    "make test (s)": 180.0,
    "heaviest page (KB)": 500.0,
}

#: The listing the serve measurement edits, and the page that shows it whole.
EDITED_LISTING = ("snippets/tanh_from_sigmoid.py", "classic/")
#: A "made" line of the build's log (both edits' rebuilds): seconds, artifact name.
MADE = re.compile(r"\] made\s+([\d.]+)s\s+(\S+)")
#: Seconds to wait for ``mkdocs serve`` to start, and for a page to show an edit.
SERVE_START_S = 600
SERVE_UPDATE_S = 120

#: Per-page budgets (Lighthouse mobile, served gzip): name -> (bound, kind,
#: decimals shown), where "min" means the measured value must be at least the bound.
PAGE_BUDGETS = {
    "performance": (90.0, "min", 0),
    "accessibility": (95.0, "min", 0),
    "LCP (s)": (2.5, "max", 2),
    "CLS": (0.05, "max", 3),
    "KB gzip": (500.0, "max", 0),
}

#: Assets a page may load that the page-weight budget leaves out (the demo bundle).
EXEMPT = ("assets/vendor/plotly/",)


@dataclass(frozen=True)
class Measurement:
    """One budget line: what, the measured value, and a note (e.g. which page)."""

    name: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class PageScore:
    """One page's line: :data:`PAGE_BUDGETS` name -> value, for what was measured.

    A name missing from ``values`` was not measured (``--no-lighthouse``) and is not
    judged; a name present with None is one Lighthouse could not compute, and fails.
    """

    page: str
    values: dict[str, float | None]

    def failures(self) -> list[str]:
        """The budgets this page breaks, in :data:`PAGE_BUDGETS` order."""
        broken = []
        for name, (bound, kind, _) in PAGE_BUDGETS.items():
            if name not in self.values:
                continue
            value = self.values[name]
            if value is None or (value < bound if kind == "min" else value > bound):
                broken.append(name)
        return broken


#: File types a static host serves gzip-compressed.
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map", ".csv", ".md"})

CHROMIUM = os.environ.get("ACTDOCS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Lighthouse's command line, from the pinned npm package.
LIGHTHOUSE = REPO_ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_TIMEOUT_S = 300


def transfer_size(path: Path) -> tuple[int, int]:
    """(raw bytes, bytes a static host sends: gzip level 6 for text types, as is otherwise)."""
    data = path.read_bytes()
    if path.suffix.lower() in COMPRESSIBLE:
        return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data), len(data)


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    except OSError as err:
        raise SystemExit(f"budgets: cannot run {command[0]}: {err.strerror or err}") from None
    elapsed = time.perf_counter() - start
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise SystemExit(f"budgets: {' '.join(command)} failed: {tail[0] if tail else 'no output'}")
    return elapsed


def _pages(site: Path) -> list[str]:
    """The site's pages (``dir/index.html``), in the order of their URLs: the home page first."""
    pages = [p.relative_to(site).as_posix() for p in site.rglob("index.html")
             if not p.relative_to(site).parts[0] in ("assets", "generated")]
    return sorted(pages, key=lambda rel: rel.removesuffix("index.html"))


# ------------------------------------------------------------------ serving


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text types gzip-compressed for a client that accepts it; no log lines."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # http.server's redirect to "dir/"
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix.lower() in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that prints no traceback when the browser drops a connection
    it no longer needs (a page closed while a lazy image was still arriving); any other
    error in a request is reported as usual."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Ignore a client that went away; report anything else."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def gzip_server(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port), text gzip-compressed as a host would;
    yields the base URL, ending in ``/``."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="budgets gzip server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ------------------------------------------------------------------ page weight


def page_weights(site: Path) -> dict[str, int]:
    """Bytes a first visit to each page transfers (gzip where a host compresses), every
    file the browser requested while loading and scrolling it, :data:`EXEMPT` aside.

    Pages are loaded in Chromium from a local server, so lazy images and the fonts
    KaTeX's glyphs need are counted exactly when the browser fetches them.
    """
    from playwright.sync_api import sync_playwright

    weights: dict[str, int] = {}
    with gzip_server(site) as base, sync_playwright() as pw:
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
    return weights


# ------------------------------------------------------------------ Lighthouse


def lighthouse_values(report: dict) -> dict[str, float | None]:
    """Scores out of 100, LCP in seconds and CLS from a Lighthouse JSON report (``lhr``);
    None where Lighthouse gave no value (an audit that errored, a category left out)."""
    categories = report.get("categories") or {}
    audits = report.get("audits") or {}

    def score(name: str) -> float | None:
        value = (categories.get(name) or {}).get("score")
        return None if value is None else round(100 * value)

    def numeric(name: str) -> float | None:
        audit = audits.get(name) or {}
        return audit.get("numericValue") if audit.get("scoreDisplayMode") != "error" else None

    lcp = numeric("largest-contentful-paint")
    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "LCP (s)": None if lcp is None else lcp / 1000,
        "CLS": numeric("cumulative-layout-shift"),
    }


def run_lighthouse(url: str) -> dict:
    """Lighthouse's mobile audit (performance and accessibility) of ``url`` in this
    machine's Chromium, headless; returns its JSON report."""
    if not LIGHTHOUSE.is_file():
        raise SystemExit(f"budgets: Lighthouse not installed ({LIGHTHOUSE.relative_to(REPO_ROOT)}): run `npm ci`")
    command = [
        "node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
        "--only-categories=performance,accessibility", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"budgets: Lighthouse took over {LIGHTHOUSE_TIMEOUT_S} s on {url}") from None
    except OSError as err:
        raise SystemExit(f"budgets: Lighthouse needs node (Node.js) on PATH: {err.strerror or err}") from None
    try:
        return json.loads(result.stdout)
    except ValueError:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"budgets: Lighthouse failed on {url}: {tail[0]}") from None


def page_scores(site: Path, weights: dict[str, int], lighthouse: bool = True) -> list[PageScore]:
    """One :class:`PageScore` per page of ``site``: Lighthouse's figures (when asked) and
    the page weight from ``weights`` (:func:`page_weights`)."""
    scores = []
    with gzip_server(site) as base:
        for rel in _pages(site):
            values = lighthouse_values(run_lighthouse(base + rel.removesuffix("index.html"))) if lighthouse else {}
            values["KB gzip"] = weights[rel] / 1024 if rel in weights else None
            scores.append(PageScore(rel, values))
    return scores


# ------------------------------------------------------------------ measuring and reporting


def measure(run_tests: bool, site: Path | None = None) -> tuple[list[Measurement], Path | None, tempfile.TemporaryDirectory | None]:
    """The build-wide measurements; builds a site with a fresh, empty cache unless
    ``site`` is given. Returns them, the site to audit page by page and its temporary
    folder (to clean up once audited)."""
    results: list[Measurement] = []
    tmp = None
    if site is None:
        tmp = tempfile.TemporaryDirectory(prefix="actdocs-budget-")
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
        env = {**os.environ, "ACTDOCS_CACHE": str(Path(tmp.name) / "cache"), "NO_MKDOCS_2_WARNING": "1"}
        site = Path(tmp.name) / "site"
        results.append(Measurement("cold build (s)", _timed([*mkdocs, "-d", str(site)], env), "empty cache"))
        results.append(Measurement("warm rebuild (s)", _timed([*mkdocs, "-d", str(site)], env), "nothing changed"))
        results.append(edit_listing(env))
    if run_tests:
        results.append(fresh_clone_tests())
    return results, site, tmp


def _get(url: str) -> str | None:
    """The body of ``url``, or None while it cannot be fetched."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"budgets: {what} took more than {seconds:g} s")
        time.sleep(0.05)


def edit_listing(env: dict[str, str]) -> Measurement:
    """Under ``mkdocs serve`` (on the warm cache of ``env``), append a comment to
    :data:`EDITED_LISTING` and time until its page serves it; the file is restored after.
    The value is that time less the listing's own run time, as the rebuild logged it."""
    import socket

    rel, page = EDITED_LISTING
    path = REPO_ROOT / rel
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{page}"
    original = path.read_bytes()
    marker = f"# budget probe {time.time_ns()}"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                                  cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_for(lambda: server.poll() is not None or _get(url) is not None, SERVE_START_S, "mkdocs serve's start")
            if server.poll() is not None:
                raise SystemExit("budgets: mkdocs serve stopped before it served a page")
            log.seek(0, os.SEEK_END)
            start_of_edit = log.tell()
            start = time.perf_counter()
            path.write_bytes(original + f"{marker}\n".encode())
            try:
                _wait_for(lambda: marker in (_get(url) or ""), SERVE_UPDATE_S, "the page's update after an edit")
                elapsed = time.perf_counter() - start
            finally:
                path.write_bytes(original)
            _wait_for(lambda: marker not in (_get(url) or marker), SERVE_UPDATE_S, "the page's update after the undo")
            log.seek(start_of_edit)
            made = {name: float(seconds) for seconds, name in MADE.findall(log.read())}
        finally:
            server.terminate()
            server.wait(timeout=30)
    stem = Path(rel).stem
    run_s = sum(seconds for name, seconds in made.items() if name.endswith(f"-{stem}"))
    others = sorted(name for name in made if not name.endswith(f"-{stem}"))
    return Measurement("listing edit, beyond its run (s)", elapsed - run_s,
                       f"{rel}: page updated in {elapsed:.1f} s, the listing ran {run_s:.1f} s"
                       + (f"; also remade {', '.join(others)}" if others else "; nothing else remade"))


def fresh_clone_tests() -> Measurement:
    """The README's test command, timed in a fresh clone of ``HEAD`` (empty cache) sharing
    this checkout's ``.venv`` and ``node_modules`` (installing is not timed)."""
    with tempfile.TemporaryDirectory(prefix="actdocs-clone-") as folder:
        clone = Path(folder) / "actdocs"
        _timed(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], {**os.environ})
        for shared in (".venv", "node_modules"):
            (clone / shared).symlink_to(REPO_ROOT / shared)
        env = {key: value for key, value in os.environ.items() if key not in ("ACTDOCS_CACHE", "PYTHONPATH")}
        start = time.perf_counter()
        result = subprocess.run([str(clone / ".venv" / "bin" / "pytest")], cwd=clone, env={**env, "PYTHONPATH": str(clone)},
                                capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode:
            tail = (result.stdout or result.stderr).strip().splitlines()[-1:]
            raise SystemExit(f"budgets: the test command failed in a fresh clone: {tail[0] if tail else 'no output'}")
    return Measurement("make test (s)", seconds, "README test command, fresh clone, empty cache")


def heaviest(weights: dict[str, int]) -> Measurement:
    """The budget line of the heaviest page."""
    page = max(weights, key=weights.get)
    return Measurement("heaviest page (KB)", weights[page] / 1024, f"{page}, gzip as served")


def report(results: list[Measurement]) -> str:
    """The budget table: measured value, budget and verdict per line."""
    rows = [[m.name, f"{m.value:.1f}", f"{BUDGETS[m.name]:g}",
             "within budget" if m.value <= BUDGETS[m.name] else "OVER BUDGET", m.note] for m in results]
    return markdown_table(["what", "measured", "budget", "verdict", "note"], rows)


def page_report(scores: list[PageScore]) -> str:
    """The per-page table: each :data:`PAGE_BUDGETS` value and the page's verdict."""
    headers = ["page", *(f"{name} {'≥' if kind == 'min' else '≤'} {bound:g}" for name, (bound, kind, _) in PAGE_BUDGETS.items()), "verdict"]
    rows = []
    for score in scores:
        cells = [
            "—" if score.values.get(name) is None else format_number(score.values[name], decimals)
            for name, (_, _, decimals) in PAGE_BUDGETS.items()
        ]
        broken = score.failures()
        rows.append(["/" + score.page.removesuffix("index.html"), *cells, "OVER: " + ", ".join(broken) if broken else "within budget"])
    return markdown_table(headers, rows, align=["left", *["right"] * len(PAGE_BUDGETS), "left"])


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def usage_problem(site: Path | None) -> str | None:
    """What stops a run before it measures anything: a ``site`` that is no built site, or
    no Chromium at :data:`CHROMIUM` (every page is loaded in it); None when all is well."""
    if site is not None and not (site / "index.html").is_file():
        return f"{site} is not a built site (no index.html)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set ACTDOCS_CHROMIUM to one"
    return None


def main(argv: list[str] | None = None) -> int:
    """Measure, print the tables, and with ``--enforce`` exit 1 when a budget is exceeded."""
    parser = _Parser(prog="python -m actdocs.budgets", description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time `make test` (minutes)")
    parser.add_argument("--site", type=Path, help="measure this built site; no build times")
    parser.add_argument("--no-lighthouse", action="store_true", help="page weight only, no Lighthouse audit")
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a measurement is over budget")
    args = parser.parse_args(argv)
    problem = usage_problem(args.site)
    if problem:
        print(f"budgets: {problem}", file=sys.stderr)
        return 2
    results, site, tmp = measure(args.tests, args.site)
    try:
        weights = page_weights(site)
        results.append(heaviest(weights))
        scores = page_scores(site, weights, lighthouse=not args.no_lighthouse)
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(report(results))
    print()
    print(page_report(scores))
    over = [m for m in results if m.value > BUDGETS[m.name]]
    over_pages = [s for s in scores if s.failures()]
    return 1 if ((over or over_pages) and args.enforce) else 0


if __name__ == "__main__":
    raise SystemExit(main())
