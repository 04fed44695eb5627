"""Pytest plugin: pytest-playwright drives Debian's Chromium with the project's arguments.

Loaded from ``conftest.py`` (``pytest_plugins``). ``browser_type_launch_args`` overrides
pytest-playwright's, so that its ``browser``, ``context`` and ``page`` fixtures launch
:data:`CHROMIUM` with :data:`CHROMIUM_ARGS`. Without Chromium the browser tests skip on a
laptop and fail in CI (``CI`` set): :func:`require_chromium`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def in_ci() -> bool:
    """Whether the tests run in CI (``CI`` set to anything but empty, 0, false or no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium(chromium: Path = CHROMIUM) -> Path:
    """``chromium`` if it is an executable; else skip the test, or fail it when ``CI`` is set."""
    if chromium.is_file() and os.access(chromium, os.X_OK):
        return chromium
    if in_ci():
        pytest.fail(f"{CHROMIUM_MISSING} (CI is set, so the browser tests may not skip)")
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options plus Debian's Chromium and the project's arguments."""
    chromium = require_chromium()
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": CHROMIUM_ARGS}
