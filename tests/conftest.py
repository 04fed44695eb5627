"""Shared test configuration.

Fixtures that build the site live in ``site_fixtures.py``; the pytest-codeblocks glue
(expanding ``--8<--`` includes before a fence runs) lives in ``codeblocks_glue.py``.
"""

pytest_plugins = ["site_fixtures", "codeblocks_glue"]
