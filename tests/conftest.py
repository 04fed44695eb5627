"""Shared test configuration.

The plugins, one per job: ``site_build`` builds the site once per run (``built_site``),
``build_record`` reads what that build recorded in the artifact cache, ``site_serve``
serves the built site, ``browser_launch`` launches Chromium for pytest-playwright and
``page_measurements`` prints what the browser tests measured; ``site_pages`` (plain
helpers) says where the pages are. The pytest-codeblocks glue (expanding ``--8<--``
includes before a fence runs) lives in ``codeblocks_glue.py``.
"""

pytest_plugins = [
    "site_build",
    "build_record",
    "site_serve",
    "browser_launch",
    "page_measurements",
    "codeblocks_glue",
]

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config):
    """pytest-playwright's ``--base-url``, redefined as a plain function: the plugin's own
    fallback is an instance method, which pytest 9 warns about, and a fixture defined in
    a plugin module loses to it. The browser tests pass full URLs anyway."""
    try:
        return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None
    except ValueError:
        return None
