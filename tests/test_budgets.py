"""The budgets script: its verdicts, its byte counting, and page weight in Chromium."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from site_fixtures import require_chromium

from actdocs import budgets
from actdocs.budgets import Measurement


def test_report_gives_each_line_its_verdict():
    table = budgets.report([
        Measurement("cold build (s)", 45.0, "empty cache"),
        Measurement("warm rebuild (s)", 2.5),
        Measurement("heaviest page (KB)", 320.0, "x/index.html"),
    ])
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert "within aim" in rows["cold build (s)"]
    assert "OVER BUDGET" in rows["warm rebuild (s)"]
    assert "within aim" in rows["heaviest page (KB)"] and "x/index.html" in rows["heaviest page (KB)"]


def test_transfer_size_compresses_text_only(tmp_path: Path):
    text = tmp_path / "a.css"
    text.write_text("body { color: red; }\n" * 200)
    binary = tmp_path / "a.woff2"
    binary.write_bytes(bytes(range(256)) * 10)
    raw, sent = budgets.transfer_size(text)
    assert raw == text.stat().st_size and sent == len(gzip.compress(text.read_bytes(), compresslevel=6, mtime=0))
    assert sent < raw
    assert budgets.transfer_size(binary) == (2560, 2560)


def test_page_weight_counts_what_the_browser_fetched(tmp_path: Path):
    require_chromium()
    site = tmp_path / "site"
    (site / "page").mkdir(parents=True)
    (site / "style.css").write_text("p { margin: 0; }\n" * 50)
    (site / "unused.css").write_text("never loaded\n" * 500)
    (site / "page" / "index.html").write_text('<link rel="stylesheet" href="../style.css"><p>hi</p>')
    (site / "index.html").write_text('<p>home</p>')
    # Its own Playwright session, in a thread: the browser tests' session owns this one's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        weights = pool.submit(budgets.page_weights, site).result()
    assert set(weights) == {"index.html", "page/index.html"}
    expected = budgets.transfer_size(site / "page" / "index.html")[1] + budgets.transfer_size(site / "style.css")[1]
    assert weights["page/index.html"] == expected
    assert weights["index.html"] == budgets.transfer_size(site / "index.html")[1]
