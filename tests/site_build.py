"""Pytest plugin: build the site once per test run, in the background while other tests run.

Loaded from ``conftest.py`` (``pytest_plugins``). Fixture ``built_site``: ``mkdocs build
--strict`` into a temporary folder, once per test run (one build shared by every
pytest-xdist worker), started at collection at normal priority while the test processes
lower theirs; the tests that need it run last.

Helpers for the builds that test one behaviour: :func:`run_mkdocs_build`, and
:func:`tiny_project`, a docs folder of a few pages whose ``mkdocs.yml`` inherits the real
one (a broken link, the sitemap, CI's repository links).
"""

from __future__ import annotations

import contextlib
import fcntl
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
from site_pages import MKDOCS_YML, REPO_ROOT, load_mkdocs_config

#: Environment for every mkdocs run: no end-of-life banner from Material on stderr.
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


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
    it, such as ``build_record``), drives a browser, or builds with the site's hooks (``slow``)."""
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
