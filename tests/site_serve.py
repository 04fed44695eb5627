"""Pytest plugin: serve a built site on 127.0.0.1, as a static host serves it.

Loaded from ``conftest.py`` (``pytest_plugins``). Fixture ``site_server``: the base URL
of an HTTP server serving the ``built_site`` folder (:mod:`site_build`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actdocs.budgets import gzip_server


def serve_directory(directory: Path):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port), text gzip-compressed as a
    host serves it; a context manager yielding the base URL, ending in ``/``."""
    return gzip_server(directory)


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """Base URL (with a trailing slash) of an HTTP server on 127.0.0.1 serving the built site."""
    with serve_directory(built_site) as url:
        yield url
