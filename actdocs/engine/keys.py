"""What keys an artifact: the code that makes it, its parameters and inputs, the versions.

:func:`code_digest` hashes the source of a module and of every ``actdocs`` module it
imports when it runs (:func:`closure`: the modules an import statement names, not their
packages, and none under ``if TYPE_CHECKING:``), leaving out the engine (:data:`ENGINE_MODULES`: editing the
cache machinery does not invalidate every artifact). :func:`artifact_key` adds the
artifact's parameters, input files, the outputs it reads, the versions of Python,
torch and matplotlib and, for device-dependent artifacts, the device.
:func:`tree_fingerprint` hashes everything any key can depend on, for the fast path.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import platform
from functools import lru_cache
from typing import Iterator
from pathlib import Path


from actdocs.engine.artifact import PACKAGE_ROOT, Artifact, Context
from actdocs.engine.errors import UsageError



def _module_path(module: str) -> Path:
    """The source file of ``module``; ``actdocs`` modules are found without importing."""
    parts = module.split(".")
    if parts[0] == "actdocs":
        base = PACKAGE_ROOT.joinpath(*parts[1:])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if len(parts) > 1 or candidate.name == "__init__.py":
                if candidate.is_file():
                    return candidate
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise UsageError(f"cannot find module {module!r}")
    return Path(spec.origin)


def snapshot_code() -> None:
    """Hash every ``actdocs`` module now, before the producers are imported.

    Keys then describe the code that runs even if a file is saved during the build
    (otherwise a module edited between its import and its hashing would store old
    output under the new code's key).
    """
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        rel = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        code_digest(".".join(parts))


def actdocs_imports(path: Path) -> set[str]:
    """The ``actdocs`` modules that the file at ``path`` imports when it runs (absolute imports only).

    ``from actdocs.pkg import mod`` names ``actdocs.pkg.mod``, not the package: every
    sub-package's ``__init__`` is a docstring only, so importing one module of a wing
    does not run (and so does not depend on) its siblings. ``from actdocs.pkg.mod import
    name`` names ``actdocs.pkg.mod``. Imports under ``if TYPE_CHECKING:`` never run and
    name nothing.
    """
    return set(_imports_in(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=None)
def _imports_in(source: str) -> frozenset[str]:
    """:func:`actdocs_imports` of a source text; cached by content, since every module's
    digest walks the files its imports reach and most reach the same ones."""
    found: set[str] = set()
    for node in _run_time_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "actdocs")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "actdocs":
                continue
            for alias in node.names:  # ``from actdocs import catalog`` names a module
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _is_module(candidate) else node.module)
    return frozenset(found)


def _run_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                todo.extend(child.orelse)
            else:
                todo.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _is_module(name: str) -> bool:
    if name.split(".")[0] == "actdocs":
        base = PACKAGE_ROOT.joinpath(*name.split(".")[1:])
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


#: The cache machinery itself: producers import it for ``Artifact``, but it does not
#: shape what they write, so editing it does not invalidate every artifact.
ENGINE_MODULES = frozenset({"actdocs", "actdocs.engine", "actdocs.engine.artifact", "actdocs.engine.build", "actdocs.engine.errors", "actdocs.engine.keys",
                            "actdocs.engine.manifest", "actdocs.engine.order"})


def closure(module: str) -> frozenset[str]:
    """``module`` and every ``actdocs`` module it imports, transitively: what keys an
    artifact made by ``module``. The engine modules (:data:`ENGINE_MODULES`) are left
    out unless asked for directly."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(actdocs_imports(_module_path(name)) - seen - ENGINE_MODULES)
    return frozenset(seen)


@lru_cache(maxsize=None)
def code_digest(module: str) -> str:
    """SHA-256 over the source of every module of :func:`closure` of ``module``."""
    digest = hashlib.sha256()
    for name in sorted(closure(module)):
        digest.update(name.encode() + b"\0" + _module_path(name).read_bytes() + b"\0")
    return digest.hexdigest()


#: The packages whose version keys every artifact: SymPy prints every formula on the site.
KEYED_PACKAGES = ("torch", "matplotlib", "sympy")


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """The versions that key every artifact."""
    from importlib.metadata import version

    return {"python": platform.python_version(), **{name: version(name) for name in KEYED_PACKAGES}}


def artifact_key(artifact: Artifact, ctx: Context) -> str:
    """The cache key of ``artifact``: code, parameters, inputs and versions, hashed."""
    inputs = {p: file_sha256(ctx.root / p) for p in artifact.inputs}
    missing = [rel for rel in artifact.reads if not (ctx.cache / rel).is_file()]
    if missing:
        raise UsageError(f"artifact {artifact.name} reads {missing[0]}, which is not in {ctx.cache}")
    reads = {rel: file_sha256(ctx.cache / rel) for rel in artifact.reads}
    payload = {
        "name": artifact.name,
        "code": code_digest(artifact.module),
        "params": artifact.params,
        "inputs": inputs,
        "reads": reads,
        "outputs": list(artifact.outputs),
        "env": environment(),
        "device": ctx.device if artifact.device_dependent else None,
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


FINGERPRINT_GLOBS = ("actdocs/**/*.py", "snippets/**/*", "data/**/*", "docs/**/*.md", "pyproject.toml")


def tree_fingerprint(root: Path, requested_device: str) -> str:
    """A hash of everything any artifact can depend on, computed without importing torch.

    When it equals the one a complete build sealed the manifest with, and the manifest
    and the outputs pass :func:`actdocs.engine.manifest.complete`, the build is known to be
    complete without listing (and so importing) the producers: this keeps a warm
    ``mkdocs serve`` rebuild fast.
    """
    digest = hashlib.sha256(json.dumps([environment(), requested_device]).encode())
    for pattern in FINGERPRINT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]
