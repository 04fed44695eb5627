"""Helpers for the build-engine tests: a key module, small artifacts, reading the log,
a build in a process of its own.

``module`` is a fixture (import it into a test module to use it): the name of a real
module generated in ``tmp_path`` and put on ``sys.path``, so that it keys artifacts.
:class:`Build` runs the real command line on a test's own plan (:func:`plan`) through
``tests/build_driver.py``; its stderr goes to a file the test reads while it runs. The
waits are limits on waiting for something that should happen, never a measured speed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from actdocs.engine.artifact import Artifact, Context

CTX = Context(device="cpu")
DRIVER = Path(__file__).with_name("build_driver.py")
#: How long a test waits for a process to reach a point or to exit.
PATIENCE = 30
#: How long a build of real artifacts may take (it imports every producer; minutes on a busy machine).
REAL_BUILD_PATIENCE = 300


@pytest.fixture
def module(tmp_path, monkeypatch) -> str:
    """A real module (the key's code) on ``sys.path``; a new name each time, so that no
    digest cached for another test applies to it."""
    name = f"actdocs_test_engine_{uuid.uuid4().hex[:8]}"
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / f"{name}.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "mods"))
    return name


def writer(name: str, module: str, *, reads: tuple[str, ...] = (), text: str = "", seconds: float = 0.0,
           calls: list | None = None, **flags) -> Artifact:
    """An artifact writing ``NAME.txt``: ``text`` plus, upper-cased, what it reads."""

    def make(out: Path, ctx: Context) -> None:
        time.sleep(seconds)
        read = "".join((ctx.cache / rel).read_text(encoding="utf-8") for rel in reads)
        (out / f"{name}.txt").write_text(text + read.upper(), encoding="utf-8")
        if calls is not None:
            calls.append((name, threading.current_thread().name))

    return Artifact(name, (f"{name}.txt",), make, module, params={"text": text}, reads=reads, **flags)


_STEP = re.compile(r"^\[\s*\d+/\d+\] (?P<status>made|cached)\s+[\d.]+s  (?P<name>\S+)(?: \((?P<reason>.+)\))?$")


def steps(stderr: str) -> list[tuple[str, str, str | None]]:
    """The build's per-artifact log lines as (name, status, reason)."""
    found = (_STEP.match(line) for line in stderr.splitlines())
    return [(m["name"], m["status"], m["reason"]) for m in found if m]


def error_line(stderr: str) -> str:
    """The one ``actdocs: error:`` line of ``stderr`` (asserting there is exactly one and
    no traceback)."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("actdocs: error: ")]
    assert len(errors) == 1 and stderr.strip().splitlines()[-1] == errors[0], stderr
    return errors[0]


# ------------------------------------------------------------ a build in a process


class Build:
    """``python tests/build_driver.py PLAN build CACHE --device cpu ARGS`` in the background."""

    def __init__(self, plan: Path, cache: Path, *args: str, name: str = "build", **env: str):
        self.stderr = plan.parent / f"{name}.stderr"
        environ = {k: v for k, v in os.environ.items() if k not in {"ACTDOCS_DEVICE", "ACTDOCS_CACHE", "ACTDOCS_JOBS"}}
        with open(self.stderr, "w", encoding="utf-8") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(DRIVER), str(plan), "build", str(cache), "--device", "cpu", *args],
                cwd=plan.parent, env={**environ, **env}, stdout=subprocess.DEVNULL, stderr=err)

    def text(self) -> str:
        return self.stderr.read_text(encoding="utf-8")

    def interrupt(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait(self, patience: float = PATIENCE) -> int:
        """The build's exit status, once it has exited (within ``patience`` seconds)."""
        return self.process.wait(timeout=patience)


def plan(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "plan_under_test.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
