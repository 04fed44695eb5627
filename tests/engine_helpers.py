"""Helpers for the build-engine tests: a key module, small artifacts, reading the log.

``module`` is a fixture (import it into a test module to use it): the name of a real
module generated in ``tmp_path`` and put on ``sys.path``, so that it keys artifacts.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from pathlib import Path

import pytest

from actdocs.build import Artifact, Context

CTX = Context(device="cpu")


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
