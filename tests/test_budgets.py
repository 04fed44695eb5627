"""The budgets script: its verdicts, its byte counting, and page weight in Chromium."""

from __future__ import annotations

import gzip
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_launch import require_chromium

from actdocs import budgets
from actdocs.budgets import Measurement


def test_report_gives_each_line_its_verdict():
    table = budgets.report([
        Measurement("cold build (s)", 45.0, "empty cache"),
        Measurement("warm rebuild (s)", 2.5),
        Measurement("heaviest page (KB)", 320.0, "x/index.html"),
    ])
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert "within budget" in rows["cold build (s)"]
    assert "OVER BUDGET" in rows["warm rebuild (s)"]
    assert "within budget" in rows["heaviest page (KB)"] and "x/index.html" in rows["heaviest page (KB)"]
    assert "OVER BUDGET" in budgets.report([Measurement("cold build (s)", 60.5)])


def test_the_serve_probe_reads_what_each_rebuild_made_and_edits_a_listing_shown_whole():
    log = ("[ 3/105] made     0.42s  output-tanh_from_sigmoid (new key)\n"
           "[ 4/105] cached   0.00s  figure-relu\n[17/105] made    12.50s  table-properties (forced)\n")
    assert budgets.MADE.findall(log) == [("0.42", "output-tanh_from_sigmoid"), ("12.50", "table-properties")]
    rel, page = budgets.EDITED_LISTING
    stem = Path(rel).stem
    markdown = (budgets.REPO_ROOT / "docs" / f"{page.rstrip('/')}.md").read_text(encoding="utf-8")
    assert f'--8<-- "{rel}"' in markdown or f"md:listing {stem} " in markdown, f"{page} does not show {rel} whole"


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


# ------------------------------------------------------------------ per page: Lighthouse and weight


def _lighthouse_report(performance=0.93, accessibility=1.0, lcp_ms=1800.0, cls=0.01, lcp_mode="numeric") -> dict:
    """The parts of a Lighthouse JSON report (``lhr``) the budgets read, synthetic."""
    return {
        "lighthouseVersion": "12.2.3",
        "categories": {"performance": {"score": performance}, "accessibility": {"score": accessibility}},
        "audits": {
            "largest-contentful-paint": {"numericValue": lcp_ms, "scoreDisplayMode": lcp_mode},
            "cumulative-layout-shift": {"numericValue": cls, "scoreDisplayMode": "numeric"},
            "first-contentful-paint": {"numericValue": 900.0, "scoreDisplayMode": "numeric"},
        },
    }


def test_lighthouse_values_read_scores_lcp_and_cls():
    values = budgets.lighthouse_values(_lighthouse_report())
    assert values == {"performance": 93, "accessibility": 100, "LCP (s)": 1.8, "CLS": 0.01}
    # An audit that errored and a category Lighthouse left unscored give no value.
    missing = budgets.lighthouse_values(_lighthouse_report(performance=None, lcp_mode="error"))
    assert missing["performance"] is None and missing["LCP (s)"] is None and missing["accessibility"] == 100


def test_page_verdicts_on_both_sides_of_each_budget():
    good = budgets.lighthouse_values(_lighthouse_report(performance=0.90, accessibility=0.95, lcp_ms=2500, cls=0.05))
    assert budgets.PageScore("a/index.html", {**good, "KB gzip": 500.0}).failures() == []
    bad = budgets.lighthouse_values(_lighthouse_report(performance=0.89, accessibility=0.94, lcp_ms=2501, cls=0.051))
    assert budgets.PageScore("a/index.html", {**bad, "KB gzip": 500.1}).failures() == list(budgets.PAGE_BUDGETS)
    # Not measured (no Lighthouse run): not judged. Measured but not computed: fails.
    assert budgets.PageScore("a/index.html", {"KB gzip": 12.0}).failures() == []
    assert budgets.PageScore("a/index.html", {"performance": None}).failures() == ["performance"]


def test_page_report_shows_values_budgets_and_verdicts():
    scores = [
        budgets.PageScore("index.html", {**budgets.lighthouse_values(_lighthouse_report()), "KB gzip": 120.4}),
        budgets.PageScore("demos/index.html", {**budgets.lighthouse_values(_lighthouse_report(performance=0.5)), "KB gzip": 80.0}),
        budgets.PageScore("quiz/index.html", {"KB gzip": 90.0}),
    ]
    lines = budgets.page_report(scores).splitlines()
    assert lines[0].startswith("| page | performance ≥ 90 | accessibility ≥ 95 | LCP (s) ≤ 2.5 | CLS ≤ 0.05 | KB gzip ≤ 500 |")
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in lines[2:]}
    assert rows["/"] == ["93", "100", "1.8", "0.01", "120", "within budget"]
    assert rows["/demos/"][0] == "50" and rows["/demos/"][-1] == "OVER: performance"
    assert rows["/quiz/"] == ["—", "—", "—", "—", "90", "within budget"]


def test_gzip_server_compresses_text_for_clients_that_accept_it(tmp_path: Path):
    import urllib.request

    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>compress me</p>\n" * 100)
    (tmp_path / "font.woff2").write_bytes(bytes(range(256)))
    with budgets.gzip_server(tmp_path) as base:
        request = urllib.request.Request(base + "page/", headers={"Accept-Encoding": "gzip, deflate"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == (tmp_path / "page" / "index.html").read_bytes()
        with urllib.request.urlopen(base + "page/") as response:  # no Accept-Encoding
            assert response.headers["Content-Encoding"] is None
            assert response.read() == (tmp_path / "page" / "index.html").read_bytes()
        request = urllib.request.Request(base + "font.woff2", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None and response.read() == bytes(range(256))
        assert base.startswith("http://127.0.0.1:")


def test_main_on_a_built_site_reports_each_page_and_enforces(tmp_path: Path, monkeypatch, capsys):
    site = tmp_path / "site"
    (site / "demos").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "demos" / "index.html").write_text("<p>demos</p>")
    reports = {"/": _lighthouse_report(), "/demos/": _lighthouse_report(performance=0.42)}
    audited = []

    def fake_lighthouse(url: str) -> dict:
        path = "/" + url.split("/", 3)[3]
        audited.append(path)
        return reports[path]

    monkeypatch.setattr(budgets, "run_lighthouse", fake_lighthouse)
    monkeypatch.setattr(budgets, "page_weights", lambda s: {"index.html": 2048, "demos/index.html": 4096})
    monkeypatch.setattr(budgets, "CHROMIUM", sys.executable)  # any executable: the browser's work is faked
    assert budgets.main(["--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert sorted(audited) == ["/", "/demos/"]
    assert "| /demos/ | 42 |" in out and "OVER: performance" in out and "heaviest page (KB)" in out
    assert budgets.main(["--site", str(site), "--enforce"]) == 1
    reports["/demos/"] = _lighthouse_report()
    assert budgets.main(["--site", str(site), "--enforce"]) == 0


def test_main_refuses_a_folder_that_is_no_built_site(tmp_path: Path, capsys):
    assert budgets.main(["--site", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a built site" in err


def test_a_malformed_option_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        budgets.main(["--site"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "python -m actdocs.budgets: error: argument --site: expected one argument"]


def test_without_chromium_nothing_is_measured(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(budgets, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(budgets, "measure", lambda *args: pytest.fail("it measured without a browser"))
    assert budgets.main([]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"budgets: no Chromium at {tmp_path / 'chromium'}: install it (apt-get install chromium) "
        "or set ACTDOCS_CHROMIUM to one"]


def test_the_server_is_quiet_only_about_clients_that_went_away(capsys):
    server = budgets.QuietServer(("127.0.0.1", 0), budgets.http.server.SimpleHTTPRequestHandler)
    try:
        for error, printed in ((BrokenPipeError(32, "Broken pipe"), False), (ConnectionResetError(), False),
                               (ValueError("a real fault"), True)):
            try:
                raise error
            except Exception:
                server.handle_error(None, ("127.0.0.1", 1))
            assert bool(capsys.readouterr().err) == printed, error
    finally:
        server.server_close()
