"""The house: the package's wings show its layers. Every sub-package's ``__init__`` is a
docstring only (importing one module of a wing runs none of its siblings, and keys none of
them), no module imports another in a circle (``TYPE_CHECKING`` imports included), and no
wing imports one above it in :data:`LAYERS`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from actdocs.engine.artifact import PACKAGE_ROOT

#: The wings from the bottom up; a module may import its own wing or one below. The subject
#: and the engine know nothing of how pages are made; the site glue runs in the page process,
#: which imports no producer; the commands sit on top.
LAYERS: tuple[frozenset[str], ...] = tuple(frozenset(layer.split()) for layer in (
    "paths references engine",        # where outputs lie, the sources, the cached build
    "catalog",                        # one record per activation
    "render",                         # numbers, Markdown, palette, plotting style, wording, shortcodes
    "execute bench",                  # running the reader's code; the benchmark
    "measure",                        # autograd, properties, formulas, verdicts, evidence of recorded runs
    "experiments produce",            # seeded networks; figures, tables, facts, guide, glossary
    "textbook interactive",           # claims and statements judged; the demos
    "site",                           # Markdown extensions and the MkDocs hook
    "artifacts cli budgets pdf __main__",  # the commands
))


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE_ROOT.rglob("*.py")) if "__pycache__" not in p.parts}


def _wing(module: str) -> str:
    return module.split(".")[1]


def _layer(module: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if _wing(module) in layer)


def test_every_wing_init_is_a_docstring_only() -> None:
    for name, path in MODULES.items():
        if path.name != "__init__.py" or name == "actdocs":
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), \
            f"{path.relative_to(PACKAGE_ROOT.parent)} does more than document its wing"


def _every_import(path: Path) -> set[str]:
    """The ``actdocs`` modules ``path`` names in any import, ``TYPE_CHECKING`` ones included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "actdocs":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found - {"actdocs"}


def test_the_package_has_no_import_circle() -> None:
    graph = {name: _every_import(path) & MODULES.keys() for name, path in MODULES.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                circle = trail[trail.index(other):] + [other] if other in trail else [name, other]
                pytest.fail(f"import circle: {' -> '.join(circle)}")
            if other not in state:
                visit(other, trail + [other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_every_module_lies_in_a_layer() -> None:
    lost = sorted({_wing(m) for m in MODULES if m != "actdocs" and not any(_wing(m) in layer for layer in LAYERS)})
    assert not lost, f"wings in no layer of LAYERS: {lost}"


def test_no_wing_imports_one_above_it() -> None:
    upward = [f"{name} -> {other}" for name, path in MODULES.items() if name != "actdocs"
              for other in sorted(_every_import(path) & MODULES.keys())
              if other != "actdocs" and _layer(other) > _layer(name)]
    assert not upward, "imports that run up the layers: " + "; ".join(upward)
