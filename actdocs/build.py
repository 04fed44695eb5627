"""The build: a list of artifacts, each made once and cached under a content key.

An :class:`Artifact` names the files it writes and a ``make`` function that writes them
into a scratch folder. :func:`build` computes each artifact's key from

* the source of the module that makes it and of every ``actdocs`` module that module
  imports, transitively (see :func:`code_digest`);
* its parameters and input files;
* the Python, torch and matplotlib versions (and the device, for artifacts that
  depend on it).

When the manifest records that key and every output on disk still has the recorded
SHA-256, the artifact is a hit and nothing is written. Otherwise it is made in a
temporary folder inside the cache and each output is moved into place with an atomic
rename, so a reader never sees half a file. A truncated or edited output fails the
hash check and is made again.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from actdocs.errors import UsageError

MANIFEST = "manifest.json"
PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent


@dataclass(frozen=True)
class Context:
    """What every producer may read: the device, the repository root and the cache.

    A producer reads other artifacts' outputs from ``cache`` (see ``Artifact.reads``).
    """

    device: str = "cpu"
    root: Path = REPO_ROOT
    cache: Path = REPO_ROOT / ".cache" / "actdocs"


@dataclass(frozen=True)
class Artifact:
    """One unit of generated output.

    ``make(out, ctx)`` writes every path of ``outputs`` below the folder ``out``.
    ``module`` is the module whose source (with its ``actdocs`` imports) keys the cache;
    ``inputs`` are further files (relative to the repository root) whose bytes key it.
    ``reads`` are outputs of earlier artifacts (relative to the cache) that ``make``
    reads from ``ctx.cache``; their bytes key it too, so new benchmark or experiment
    results remake the tables built from them.

    ``concurrent`` artifacts are made in a background thread while the build goes on
    (the notebooks, whose kernels are processes of their own, so both cores work).
    An ``exclusive`` artifact (a benchmark) and any artifact that ``reads`` first wait
    for the background ones, so that a timing runs on an otherwise idle machine.
    """

    name: str
    outputs: tuple[str, ...]
    make: Callable[[Path, Context], None]
    module: str
    params: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    device_dependent: bool = False
    concurrent: bool = False
    exclusive: bool = False


@dataclass
class Record:
    """What the build did with one artifact, as logged and stored in the manifest."""

    name: str
    key: str
    status: str  # "made" or "cached"
    seconds: float
    made_at: str
    outputs: dict[str, str]  # relative path -> sha256

    def manifest_entry(self) -> dict[str, Any]:
        """The manifest's JSON form of this record."""
        return {"key": self.key, "made_at": self.made_at, "seconds": round(self.seconds, 3), "outputs": self.outputs}


# ---------------------------------------------------------------------------- keys


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
    """The ``actdocs`` modules that the file at ``path`` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "actdocs")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "actdocs":
                continue
            found.add(node.module)
            for alias in node.names:  # ``from actdocs import catalog`` names a module
                candidate = f"{node.module}.{alias.name}"
                if _is_module(candidate):
                    found.add(candidate)
    return found


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
ENGINE_MODULES = frozenset({"actdocs", "actdocs.build", "actdocs.errors"})


@lru_cache(maxsize=None)
def code_digest(module: str) -> str:
    """SHA-256 over the source of ``module`` and every ``actdocs`` module it imports.

    The engine modules (:data:`ENGINE_MODULES`) are left out unless asked for directly.
    """
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        seen[name] = path
        todo.extend(actdocs_imports(path) - seen.keys() - ENGINE_MODULES)
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + seen[name].read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """The versions that key every artifact."""
    from importlib.metadata import version

    return {"python": platform.python_version(), "torch": version("torch"), "matplotlib": version("matplotlib")}


def artifact_key(artifact: Artifact, ctx: Context) -> str:
    """The cache key of ``artifact``: code, parameters, inputs and versions, hashed."""
    inputs = {p: file_sha256(ctx.root / p) for p in artifact.inputs}
    missing = [rel for rel in artifact.reads if not (ctx.cache / rel).is_file()]
    if missing:
        raise UsageError(f"artifact {artifact.name} reads {missing[0]}, which no earlier artifact made")
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


# ---------------------------------------------------------------------------- manifest


def read_document(cache: Path) -> dict[str, Any]:
    """The manifest; an unreadable or malformed one counts as empty (everything is remade)."""
    try:
        data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), dict):
        return {}
    return data


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; published files should be readable
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _intact(entry: Any, cache: Path) -> bool:
    """True when every output a manifest entry records is on disk with its recorded hash."""
    recorded = entry.get("outputs") if isinstance(entry, dict) else None
    if not isinstance(recorded, dict) or not recorded:
        return False
    return all((cache / rel).is_file() and file_sha256(cache / rel) == sha for rel, sha in recorded.items())


def _is_hit(entry: Any, key: str, cache: Path, outputs: Sequence[str]) -> bool:
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("made_at"), str):
        return False
    return set(entry.get("outputs") or {}) == set(outputs) and _intact(entry, cache)


# ---------------------------------------------------------------------------- running


def select(artifacts: Sequence[Artifact], patterns: Iterable[str] | None) -> list[Artifact]:
    """The artifacts whose names match any of ``patterns`` (shell globs); all when None.

    A pattern that matches nothing is a :class:`UsageError` listing the known names.
    """
    if not patterns:
        return list(artifacts)
    chosen: dict[str, Artifact] = {}
    for pattern in patterns:
        hits = [a for a in artifacts if fnmatch.fnmatchcase(a.name, pattern)]
        if not hits:
            names = ", ".join(a.name for a in artifacts)
            raise UsageError(f"--only {pattern!r} matches no artifact; known: {names}")
        chosen.update((a.name, a) for a in hits)
    return [a for a in artifacts if a.name in chosen]


def _make_one(artifact: Artifact, key: str, cache: Path, ctx: Context) -> Record:
    start = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(dir=cache, prefix=".making-"))
    try:
        artifact.make(scratch, ctx)
        outputs: dict[str, str] = {}
        for rel in artifact.outputs:
            made = scratch / rel
            if not made.is_file():
                raise RuntimeError(f"artifact {artifact.name} did not write {rel}")
            outputs[rel] = file_sha256(made)
        for rel in artifact.outputs:
            final = cache / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / rel, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Record(artifact.name, key, "made", time.perf_counter() - start, made_at, outputs)


def build(
    cache: Path,
    artifacts: Sequence[Artifact],
    ctx: Context,
    *,
    force: bool = False,
    fingerprint: str | None = None,
    log: Callable[[str], None] | None = None,
    on_start: Callable[[int, int, str], None] | None = None,
) -> list[Record]:
    """Make every artifact not already cached; return what happened to each.

    ``fingerprint`` (see :func:`tree_fingerprint`) is stored in the manifest after a
    full build so that the next one can skip even listing the artifacts. The manifest
    is rewritten only when something was made or the fingerprint moved, so a build
    with every artifact cached writes no file at all.
    """
    ensure_writable(cache)
    document = read_document(cache)
    manifest = document.get("artifacts", {})
    total = len(artifacts)
    slots: list[Record | None] = [None] * total
    pending: list[tuple[int, Artifact, Future[Record]]] = []

    def finish(index: int, artifact: Artifact, record: Record) -> None:
        if record.status == "made":
            manifest[artifact.name] = record.manifest_entry()
        slots[index - 1] = record
        if log:
            log(f"[{index:>{len(str(total))}}/{total}] {record.status:<6} {record.seconds:6.2f}s  {artifact.name}")

    def settle() -> None:
        """Wait for the background artifacts, in order (their logs come here)."""
        while pending:
            index, artifact, future = pending.pop(0)
            finish(index, artifact, future.result())

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="actdocs-background") as background:
            for index, artifact in enumerate(artifacts, 1):
                if artifact.reads or artifact.exclusive:
                    settle()  # what it reads is final; an exclusive one runs on a quiet machine
                key = artifact_key(artifact, ctx)
                entry = manifest.get(artifact.name)
                if on_start:
                    on_start(index, total, artifact.name)
                start = time.perf_counter()
                if not force and _is_hit(entry, key, cache, artifact.outputs):
                    finish(index, artifact, Record(artifact.name, key, "cached", time.perf_counter() - start,
                                                   entry["made_at"], entry["outputs"]))
                elif artifact.concurrent:
                    pending.append((index, artifact, background.submit(_make_one, artifact, key, cache, ctx)))
                else:
                    finish(index, artifact, _make_one(artifact, key, cache, ctx))
            settle()
    finally:
        # Whatever was made is recorded, even when a later artifact failed.
        records = [r for r in slots if r is not None]
        made = any(r.status == "made" for r in records)
        complete_run = len(records) == total
        if made or (complete_run and fingerprint != document.get("fingerprint")):
            new = {
                "environment": environment(),
                "device": ctx.device,
                "fingerprint": fingerprint if complete_run else None,
                "artifacts": dict(sorted(manifest.items())),
            }
            atomic_write(cache / MANIFEST, (json.dumps(new, indent=2, sort_keys=True) + "\n").encode())
    return records


def ensure_writable(folder: Path, what: str = "the cache folder") -> None:
    """Create ``folder`` if needed and prove a file can be written in it, or raise UsageError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as err:
        raise UsageError(f"cannot write to {what} {folder}: {err.strerror or err}") from None


FINGERPRINT_GLOBS = ("actdocs/**/*.py", "snippets/**/*", "data/**/*", "docs/**/*.md", "pyproject.toml")


def tree_fingerprint(root: Path, requested_device: str) -> str:
    """A hash of everything any artifact can depend on, computed without importing torch.

    When it equals the manifest's and every recorded output is intact, the build is
    known to be complete without listing (and so importing) the producers: this keeps
    a warm ``mkdocs serve`` rebuild fast.
    """
    digest = hashlib.sha256(json.dumps([environment(), requested_device]).encode())
    for pattern in FINGERPRINT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def complete(cache: Path, fingerprint: str) -> int | None:
    """The number of artifacts when the cache matches ``fingerprint`` and is intact, else None."""
    document = read_document(cache)
    artifacts = document.get("artifacts", {})
    if not artifacts or document.get("fingerprint") != fingerprint:
        return None
    if not all(_intact(entry, cache) for entry in artifacts.values()):
        return None
    return len(artifacts)


def default_cache() -> Path:
    """The cache folder: ``$ACTDOCS_CACHE`` or ``.cache/actdocs`` in the repository."""
    return Path(os.environ.get("ACTDOCS_CACHE") or REPO_ROOT / ".cache" / "actdocs")

