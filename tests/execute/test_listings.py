"""What a listing may import: nothing of the package, so that a reader can run it as it is."""

from __future__ import annotations

import ast

from actdocs.execute import listings
from actdocs.engine.artifact import REPO_ROOT


def _imported(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return {name.split(".")[0] for name in names}


def test_listings_and_notebooks_import_nothing_from_the_package():
    # A reader copies a listing and runs it with PyTorch alone; this is also why a
    # listing's output is keyed by its own bytes and nothing else of the package.
    sources = [*listings.snippet_paths(), *sorted((REPO_ROOT / "snippets" / "notebooks").glob("*.py"))]
    offenders = [p.name for p in sources if "actdocs" in _imported(p)]
    assert sources and not offenders, offenders

