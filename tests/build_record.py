"""Pytest plugin: what this run's site build recorded, for the tests that assert on it.

Loaded from ``conftest.py`` (``pytest_plugins``). The ``built_site`` build runs
``python -m actdocs build`` on the artifact cache (``default_cache()``), and that build
makes every listing's output, every notebook, figure, table and experiment once, under
the key of the code checked out now. A listing whose asserts fail, or a notebook whose
cell raises, stops it. So, as sphinx-gallery treats an example's one execution, a test
reads what the build recorded instead of running the same code again: the artifact is
in the manifest (it ran, and its asserts passed), its outputs are on disk with the
hashes the manifest records (they are what it made), and the pages include exactly
those files (what a page shows). That making an artifact twice gives the same bytes is
tested once, in ``tests/test_determinism.py``.

Fixture ``build_record`` (a :class:`BuildRecord`): once ``built_site`` is there, the
build's fast path confirms that the cache is complete for the tree as it is now, and
the manifest is read.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pytest
from site_build import MKDOCS_ENV
from site_pages import REPO_ROOT

from actdocs.engine import manifest
from actdocs.engine.build import default_cache

#: The build's last line when every artifact is cached for the tree as it is (its fast path).
COMPLETE = re.compile(r"actdocs: all (\d+) artifacts cached, nothing to do")


@dataclass(frozen=True)
class BuildRecord:
    """The artifact cache as this run's build left it: its folder, the built site's folder
    and the manifest's entries by artifact name."""

    cache: Path
    site: Path
    entries: Mapping[str, manifest.Entry]

    def entry(self, name: str) -> manifest.Entry:
        """The manifest entry of the artifact ``name``; fails the test when there is none."""
        assert name in self.entries, f"the build recorded no artifact {name!r}"
        return self.entries[name]

    def maker(self, rel: str) -> str:
        """The name of the artifact that recorded the output ``rel`` (relative to the cache)."""
        makers = [name for name, entry in self.entries.items() if rel in entry.outputs]
        assert len(makers) == 1, f"{rel}: recorded by {makers or 'no artifact'}, not by exactly one"
        return makers[0]

    def path(self, rel: str) -> Path:
        """The output ``rel`` as the build recorded it: the file, once its bytes are checked
        against the hash its artifact's manifest entry holds."""
        recorded = self.entries[self.maker(rel)].outputs[rel]
        path = self.cache / rel
        assert manifest.Output.of(path) == recorded, f"{path} is not the file the build recorded"
        return path

    def text(self, rel: str) -> str:
        """The output ``rel`` as text (see :meth:`path`)."""
        return self.path(rel).read_text(encoding="utf-8")

    def json(self, rel: str) -> Any:
        """The output ``rel`` parsed as JSON (see :meth:`path`)."""
        return json.loads(self.text(rel))


def confirm_complete(cache: Path) -> dict[str, manifest.Entry]:
    """The manifest's entries, once ``python -m actdocs build CACHE`` has said that every
    artifact is cached for the tree as it is now (a check of the manifest's seal, without
    making anything); fails the test otherwise."""
    result = subprocess.run(
        [sys.executable, "-m", "actdocs", "build", str(cache)],
        cwd=REPO_ROOT, env=MKDOCS_ENV, capture_output=True, text=True, timeout=1800,
    )
    found = manifest.entries(manifest.read_document(cache))
    complete = COMPLETE.search(result.stderr)
    assert result.returncode == 0 and complete and int(complete[1]) == len(found), (
        f"the site build left {cache} incomplete or made under other keys:\n{result.stderr[-2000:]}"
    )
    return found


@pytest.fixture(scope="session")
def build_record(built_site: Path) -> BuildRecord:
    """What the ``built_site`` build recorded in the artifact cache (see the module's docstring)."""
    cache = default_cache().resolve()
    return BuildRecord(cache, built_site, confirm_complete(cache))
