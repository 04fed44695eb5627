"""The builders: a warm MkDocs rebuild loads no torch and makes nothing; ProperDocs builds
the same site; the page expansions work on a page in a sub-folder.

Each test here runs one build on the warm artifact cache that ``built_site`` left
(a few seconds each). ProperDocs is in the test extras (``make setup`` installs it), so a
missing one fails the test, as a missing Python dependency does, rather than skipping it.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from site_build import MKDOCS_ENV, run_mkdocs_build, tiny_project
from site_pages import MKDOCS_YML, REPO_ROOT, built_pages

from actdocs.engine import manifest
from actdocs.engine.build import default_cache

pytestmark = pytest.mark.slow

#: What ``python -c`` runs: ``mkdocs build --strict -d SITE``, then prints the heavy modules it loaded.
PROBE = """
import runpy, sys
sys.argv = ["mkdocs", "build", "--strict", "-d", sys.argv[1]]
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
finally:
    print("heavy modules:", sorted({"torch", "matplotlib"} & {name.split(".")[0] for name in sys.modules}))
"""
#: The one line of a page that names its builder.
GENERATOR = re.compile(r'^\s*<meta name="generator" content="[^"]*">\n', re.M)
PROPERDOCS_MISSING = "ProperDocs not installed: `make setup` installs the test extras (properdocs)"


def _artifacts(cache: Path) -> dict[str, object]:
    """What the build recorded (each artifact's time made) and when each output was last written."""
    found = manifest.entries(manifest.read_document(cache))
    written = {rel: (cache / rel).stat().st_mtime_ns for entry in found.values() for rel in entry.outputs}
    return {"made": {name: entry.made_at for name, entry in found.items()}, "written": written}


def test_a_warm_rebuild_loads_neither_torch_nor_matplotlib_and_makes_nothing(built_site: Path, tmp_path: Path):
    """The MkDocs process of a whole build (hook, extensions, plugins, every page) never
    imports torch or matplotlib, and on a warm cache the build it runs makes no artifact."""
    cache = default_cache()
    before = _artifacts(cache)
    assert before["made"], f"no artifact recorded in {cache}"
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "site")], cwd=REPO_ROOT, env=MKDOCS_ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout
    assert "heavy modules: []" in result.stdout, result.stdout
    assert _artifacts(cache) == before, "a warm rebuild made artifacts:\n" + result.stdout


def _page(site: Path, page: str) -> str:
    return GENERATOR.sub("", (site / page).read_text(encoding="utf-8"))


def test_properdocs_builds_the_same_site(built_site: Path, tmp_path: Path):
    """``properdocs build --strict`` (the maintained fork of MkDocs 1.x) runs the hook, the
    plugins and the extensions: every page is MkDocs' page but for the generator tag."""
    assert importlib.util.find_spec("properdocs") is not None, PROPERDOCS_MISSING
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(MKDOCS_YML), "-d", str(site)],
        cwd=REPO_ROOT, env=MKDOCS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    pages = [*built_pages(site), "404.html"]
    assert "ProperDocs" in (site / "index.html").read_text(encoding="utf-8")
    differ = [page for page in pages if _page(site, page) != _page(built_site, page)]
    assert not differ, f"ProperDocs and MkDocs built these pages differently: {differ}"


def test_a_page_in_a_sub_folder_shows_its_figure_and_listing(tmp_path: Path):
    """md:figure links the served images from the page's folder (the strict build checks
    every image), and md:listing shows the listing and its output."""
    config = tiny_project(tmp_path, {"index.md": "# Home\n"})
    (tmp_path / "snippets").mkdir()
    shutil.copy(REPO_ROOT / "snippets" / "relu_definition.py", tmp_path / "snippets")
    (tmp_path / "docs" / "guide").mkdir()
    (tmp_path / "docs" / "guide" / "relu.md").write_text(
        "# ReLU\n\n<!-- md:figure relu -->\n\n<!-- md:listing relu_definition -->\n", encoding="utf-8")
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    config.write_text(yaml.safe_dump({**settings, "nav": [*settings["nav"], "guide/relu.md"]}), encoding="utf-8")
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600)
    assert result.returncode == 0, result.stdout
    page = (tmp_path / "site" / "guide" / "relu" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', page)
    assert sources == [f"../../generated/figures/relu-{theme}.svg#only-{theme}" for theme in ("light", "dark")]
    assert all((tmp_path / "site" / "guide" / "relu" / src.split("#")[0]).resolve().is_file() for src in sources)
    output = (default_cache() / "output" / "relu_definition.txt").read_text(encoding="utf-8").strip()
    assert '<span class="filename">Output</span>' in page and output.splitlines()[0].split()[0] in page


def test_an_unknown_listing_fails_the_build_with_one_line(tmp_path: Path):
    config = tiny_project(tmp_path, {"index.md": "# Home\n\n<!-- md:listing no_such_listing -->\n"})
    result = run_mkdocs_build(config, tmp_path / "site", timeout=600)
    assert result.returncode != 0 and "Traceback" not in result.stdout, result.stdout
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert errors[-1].endswith("-  index.md: md:listing no_such_listing: no such listing (snippets/no_such_listing.py)")
