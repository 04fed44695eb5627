"""Pytest plugin: what the browser tests measured per page, printed in the terminal summary.

Loaded from ``conftest.py`` (``pytest_plugins``). Fixtures ``page_weights`` (bytes each
page load fetched, filled by ``test_browser``) and ``layout_shifts`` (cumulative layout
shift on a phone, filled by ``test_accessibility``). Under pytest-xdist each worker hands
its measurements to the controller, which prints them all.
"""

from __future__ import annotations

import pytest

#: Per-page weights measured by the browser tests, printed in the terminal summary.
PAGE_WEIGHTS = pytest.StashKey[dict]()
#: Per-page cumulative layout shift on a phone (test_accessibility.py), printed likewise.
LAYOUT_SHIFTS = pytest.StashKey[dict]()


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
    """Print the layout shifts and the page weights the run measured, worst first."""
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
