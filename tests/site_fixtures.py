"""Pytest plugin: build the site once, serve it on 127.0.0.1, drive it in Chromium.

Loaded from ``conftest.py`` (``pytest_plugins``). Fixtures:

* ``built_site``: ``mkdocs build --strict`` into a temporary folder, once per test run
  (one build shared by every pytest-xdist worker), started at collection at normal
  priority while the test processes lower theirs.
* ``site_server``: the base URL of an HTTP server on 127.0.0.1 serving that folder.
* ``page_weights`` and ``layout_shifts``: what the browser tests measured per page,
  printed in the terminal summary.
* ``browser_type_launch_args``: overrides pytest-playwright's, so its ``browser``,
  ``context`` and ``page`` fixtures drive Debian's Chromium (``/usr/bin/chromium``) with
  the project's launch arguments. Without Chromium the browser tests skip on a laptop
  and fail in CI (``CI`` set).

Helpers: :func:`nav_pages` lists the pages of ``mkdocs.yml``'s ``nav`` (known before the
build, so tests are parametrized over them at collection time); :func:`built_pages`
lists the HTML pages a build produced, and ``test_site`` checks that the two agree, so a
new page is covered by every per-page test without anyone editing a list.
:func:`tiny_project` writes a docs folder of a few pages whose ``mkdocs.yml`` inherits
the real one, for the builds that test one behaviour (a broken link, the sitemap, CI's
repository links).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest
import yaml

from actdocs.budgets import gzip_server

REPO_ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"
#: A page with one fault of each kind the browser checks look for (the checkers' own tests).
FAULTY_PAGE = Path(__file__).parent / "fixtures" / "faulty_page"
#: Debian's Chromium; ``ACTDOCS_CHROMIUM`` names another build (CI on Ubuntu, where apt has only a snap).
CHROMIUM = Path(os.environ.get("ACTDOCS_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_MISSING = "Chromium not found: install it with `sudo apt-get install chromium chromium-driver`"

#: Environment for every mkdocs run: no end-of-life banner from Material on stderr.
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

#: Per-page weights measured by the browser tests, printed in the terminal summary.
PAGE_WEIGHTS = pytest.StashKey[dict]()
#: Per-page cumulative layout shift on a phone (test_accessibility.py), printed likewise.
LAYOUT_SHIFTS = pytest.StashKey[dict]()


# ------------------------------------------------------------------ pages


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader that reads MkDocs' custom tags (``!relative``, ``!ENV``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTagLoader.add_multi_constructor("!", _any_tag)


def load_mkdocs_config(path: Path = MKDOCS_YML) -> dict:
    """``mkdocs.yml`` as a dict, custom tags read as their plain value."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader)


def _walk_nav(entries) -> list[str]:
    found: list[str] = []
    for entry in entries or []:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                found.extend(_walk_nav(value) if isinstance(value, list) else [value])
    return found


def page_url(src: str) -> str:
    """The site-relative URL of a docs source file (``use_directory_urls`` on)."""
    stem = src.rsplit(".", 1)[0]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def url_to_html(url: str) -> str:
    """The file a site-relative URL is served from: ``a/`` -> ``a/index.html``."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


@functools.cache
def nav_pages() -> tuple[str, ...]:
    """Site-relative URLs of every page in the nav ("" is the home page), external links left out."""
    sources = [s for s in _walk_nav(load_mkdocs_config().get("nav")) if "://" not in s]
    return tuple(page_url(src) for src in sources)


def built_pages(site: Path) -> list[str]:
    """Site-relative paths of every HTML page in a built site, except 404.html and assets."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith(("assets/", "generated/")):
            continue
        pages.append(rel)
    return pages


# ------------------------------------------------------------------ build and serve


def mkdocs_build_command(config: Path, site_dir: Path) -> list[str]:
    """The command line of ``mkdocs build --strict`` of ``config`` into ``site_dir``."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]


def run_mkdocs_build(
    config: Path, site_dir: Path, timeout: float = 1800, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``config`` into ``site_dir``; stdout and stderr merged.
    ``env`` adds to (or overrides) :data:`MKDOCS_ENV`."""
    return subprocess.run(
        mkdocs_build_command(config, site_dir),
        cwd=REPO_ROOT,
        env={**MKDOCS_ENV, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def tiny_project(folder: Path, pages: dict[str, str], favicon: bool = False) -> Path:
    """A docs folder under ``folder`` with ``pages`` (name -> Markdown; the nav in that
    order) and a ``mkdocs.yml`` inheriting the real one, hook included; returns the config.
    With ``favicon``, the real favicon is copied in (the theme links it on every page)."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    real = load_mkdocs_config()
    if favicon:
        (docs / real["theme"]["favicon"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "docs" / real["theme"]["favicon"], docs / real["theme"]["favicon"])
    config = {
        "INHERIT": str(MKDOCS_YML),
        "docs_dir": str(docs),
        "nav": list(pages),
        # Relative paths in the real file resolve against this file's folder: make them absolute.
        "hooks": [str(REPO_ROOT / hook) for hook in real.get("hooks", [])],
        "theme": {"custom_dir": str(REPO_ROOT / real["theme"]["custom_dir"])},
        "watch": [],
        "extra_css": [],
        "extra_javascript": [],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this test run sees: the base temporary folder, or under
    pytest-xdist the controller's one, which holds each worker's (``popen-gwN``)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def shared_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) while the block runs."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _build_site_once(root: Path) -> Path:
    """Build the site into ``root/built/site`` unless this test run already has; return
    the folder holding it, its ``status.txt`` (return code, then the build's output) and
    the lock that makes every process of the run wait for the one build."""
    folder = root / "built"
    folder.mkdir(exist_ok=True)
    with shared_lock(folder / ".lock"):
        if not (folder / "status.txt").is_file():
            _record(folder, *_spawn_build(folder))
    return folder


def _spawn_build(folder: Path) -> tuple[subprocess.Popen, TextIO]:
    """Start ``mkdocs build --strict`` into ``folder/site``; its output goes to the open
    ``build.log`` returned with it."""
    log = open(folder / "build.log", "w+", encoding="utf-8")
    process = subprocess.Popen(
        mkdocs_build_command(MKDOCS_YML, folder / "site"),
        cwd=REPO_ROOT, env=MKDOCS_ENV, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    _RUNNING.append(process)
    return process, log


def _record(folder: Path, process: subprocess.Popen, log: TextIO) -> None:
    """Wait for the build and write ``status.txt``: its return code, then its output."""
    returncode = process.wait()
    _RUNNING.remove(process)
    with log:
        log.seek(0)
        (folder / "status.txt").write_text(f"{returncode}\n{log.read()}", encoding="utf-8")


def _start_build_in_background(root: Path) -> None:
    """Start the site build from this (the main) thread if no other process of the run has,
    and record it from a background thread that holds the run's lock until it is done.

    The build is spawned before :func:`pytest_collection_modifyitems` lowers this
    thread's priority, so it keeps the normal one: the build is the run's critical path
    (every browser test waits for it), and the tests that need no site use what CPU it
    leaves instead of slowing it down."""
    folder = root / "built"
    folder.mkdir(exist_ok=True)
    handle = open(folder / ".lock", "a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another process of this run is building it
        handle.close()
        return
    if (folder / "status.txt").is_file():
        handle.close()
        return
    process, log = _spawn_build(folder)

    def record() -> None:
        with handle:  # closing it releases the lock
            _record(folder, process, log)

    threading.Thread(target=record, name="site-build", daemon=True).start()


#: The background site build, while it runs (stopped if the test run ends first).
_RUNNING: list[subprocess.Popen] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    """A site build still running when the test run ends (``-x``): a pytest-xdist worker
    lets it finish, as other workers may be waiting for it; a lone process stops it."""
    for process in list(_RUNNING):
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            process.terminate()
        try:
            process.wait(timeout=None if os.environ.get("PYTEST_XDIST_WORKER") else 10)
        except subprocess.TimeoutExpired:
            process.kill()


#: How much a test process lowers its priority once the site build is started (0-19).
TEST_NICENESS = 10


def needs_site(item: pytest.Item) -> bool:
    """Whether a test waits for the whole site: it uses ``built_site`` (or a fixture on
    it), drives a browser, or builds with the site's hooks (``slow``)."""
    return "built_site" in getattr(item, "fixturenames", ()) or any(
        item.get_closest_marker(name) for name in ("browser", "slow")
    )


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that need the built site last (the order is otherwise kept), and
    start the build in the background, so that the other tests run meanwhile, at a
    lower priority than the build."""
    items.sort(key=needs_site)
    if any(needs_site(item) for item in items):
        _start_build_in_background(shared_tmp(config._tmp_path_factory))  # pytest's own, as the fixture's
        # On Linux a priority is a thread's: this one (the tests, and what they start)
        # yields to the build spawned above, at normal priority, and to its children.
        os.nice(TEST_NICENESS)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built with ``--strict`` once per test run: started in the
    background at collection, and under pytest-xdist built by the first worker to start
    it while the others wait on a file lock in :func:`shared_tmp`; all read that one
    build, and a failed build fails every test that needs it with the same log."""
    folder = _build_site_once(shared_tmp(tmp_path_factory))
    returncode, _, output = (folder / "status.txt").read_text(encoding="utf-8").partition("\n")
    assert returncode == "0", f"mkdocs build --strict failed ({returncode}):\n{output}"
    return folder / "site"


def serve_directory(directory: Path):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port), text gzip-compressed as a
    host serves it; a context manager yielding the base URL, ending in ``/``."""
    return gzip_server(directory)


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """Base URL (with a trailing slash) of an HTTP server on 127.0.0.1 serving the built site."""
    with serve_directory(built_site) as url:
        yield url


# ------------------------------------------------------------------ browser


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium(chromium: Path = CHROMIUM) -> Path:
    """``chromium`` if it is an executable; else skip the test, or fail it when ``CI`` is set."""
    if chromium.is_file() and os.access(chromium, os.X_OK):
        return chromium
    if _in_ci():
        pytest.fail(f"{CHROMIUM_MISSING} (CI is set, so the browser tests may not skip)")
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options plus Debian's Chromium and the project's arguments."""
    chromium = require_chromium()
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def page_weights(pytestconfig: pytest.Config) -> dict:
    """Page URL -> byte counts; filled by the browser tests, printed in the terminal summary."""
    return pytestconfig.stash.setdefault(PAGE_WEIGHTS, {})


@pytest.fixture(scope="session")
def layout_shifts(pytestconfig: pytest.Config) -> dict:
    """Page URL -> cumulative layout shift on a phone; printed in the terminal summary."""
    return pytestconfig.stash.setdefault(LAYOUT_SHIFTS, {})


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, hand this worker's measurements to the controller, which prints them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["page_weights"] = session.config.stash.get(PAGE_WEIGHTS, {})
        output["layout_shifts"] = session.config.stash.get(LAYOUT_SHIFTS, {})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist's controller: merge a finished worker's measurements into its own."""
    output = getattr(node, "workeroutput", {})
    node.config.stash.setdefault(PAGE_WEIGHTS, {}).update(output.get("page_weights", {}))
    node.config.stash.setdefault(LAYOUT_SHIFTS, {}).update(output.get("layout_shifts", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    shifts = config.stash.get(LAYOUT_SHIFTS, None)
    if shifts:
        terminalreporter.section("cumulative layout shift on a 390 px phone, loaded and scrolled through")
        for url, cls in sorted(shifts.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{'/' + url:<40} {cls:.4f}")
    weights = config.stash.get(PAGE_WEIGHTS, None)
    if not weights:
        return
    terminalreporter.section("page weight: files each page load fetched, plotly bundle apart")
    terminalreporter.write_line(
        f"{'page':<28} {'files':>5} {'KB gzip':>8} {'KB raw':>8} {'plotly KB gzip':>15} {'plotly KB raw':>14}"
    )
    for url, row in sorted(weights.items(), key=lambda item: -item[1]["gzip"]):
        terminalreporter.write_line(
            f"{'/' + url:<28} {row['files']:>5} {row['gzip'] / 1024:>8.1f} {row['raw'] / 1024:>8.1f}"
            f" {row['plotly_gzip'] / 1024:>15.1f} {row['plotly_raw'] / 1024:>14.1f}"
        )
