"""``python -m actdocs.pdf`` without a print build: it stops at once with one line (the
PDF itself is tested by tests/pdf/, which ``make pdf`` runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actdocs import pdf


def test_a_folder_without_print_page_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pdf.problem(tmp_path).startswith(f"{tmp_path}: no {pdf.PRINT_PAGE}index.html")
    assert pdf.main(["--site", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mkdocs-print.yml" in err
    assert not (tmp_path / pdf.PDF_NAME).exists()


def test_a_print_build_without_chromium_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / pdf.PRINT_PAGE).mkdir()
    (tmp_path / pdf.PRINT_PAGE / "index.html").write_text("<h1>x</h1>", encoding="utf-8")
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert "no Chromium at" in pdf.problem(tmp_path)


def test_the_print_config_has_the_sites_plugins_then_print_site() -> None:
    """A list in an inheriting MkDocs config replaces the inherited one, so mkdocs-print.yml
    repeats mkdocs.yml's plugins: they must stay the same, with print-site added last."""
    from site_pages import REPO_ROOT, load_mkdocs_config

    site = load_mkdocs_config()["plugins"]
    printed = load_mkdocs_config(REPO_ROOT / "mkdocs-print.yml")["plugins"]
    assert printed[:-1] == site, "mkdocs-print.yml's plugins differ from mkdocs.yml's"
    assert list(printed[-1]) == ["print-site"]
