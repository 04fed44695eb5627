"""Shared test configuration.

Fixtures that build the site live in ``site_fixtures.py``; the pytest-codeblocks glue
(expanding ``--8<--`` includes before a fence runs) lives in ``codeblocks_glue.py``.
"""

pytest_plugins = ["site_fixtures", "codeblocks_glue"]

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
