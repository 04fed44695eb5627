"""The build: a list of artifacts, each made once and cached under a content key.

An :class:`Artifact` names the files it writes and a ``make`` function that writes them
into a scratch folder. :func:`build` puts the artifacts in order from what each one
reads and writes (:mod:`actdocs.engine.order`) and computes each one's key
(:mod:`actdocs.engine.keys`: the code that makes it, its parameters, inputs and the outputs
it reads, the versions, the device where it matters).

When the manifest (:mod:`actdocs.engine.manifest`) records that key and every output on disk
still has the recorded SHA-256, the artifact is a hit and nothing is written. Otherwise
it is made in a scratch folder (``.making-*``) inside the cache and each output is moved
into place with an atomic rename, so a reader never sees half a file; the log says why
(new key, missing output, damaged output, forced, not in manifest). The manifest is
rewritten as each artifact is made, so a build that is killed keeps what it finished.

A build writes only into a new or empty folder or an actdocs cache (:func:`claim`: a
:data:`TAG` marks one), never over a user's files. One build at a time holds a cache: :func:`build` takes an exclusive ``fcntl.flock`` on
``CACHE/.build.lock`` for its whole run (a second build waits, saying so once) and
then removes the scratch folders a killed build left. A fault of the cache (a full disk,
an output that cannot be replaced) is a :class:`CacheError` naming the path. A Ctrl-C
(or SIGTERM, which the command line turns into one) stops the build at once: the
background artifact is cancelled (``Artifact.cancel``) and given :data:`GRACE` seconds,
what it finished is recorded, and :class:`Interrupted` is raised.
"""

from __future__ import annotations

import dataclasses
import fcntl
import fnmatch
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Sequence

from actdocs.engine import manifest, order
from actdocs.engine.errors import CacheError, Interrupted, UsageError
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.engine.keys import artifact_key, environment
from actdocs.engine.manifest import MANIFEST, Entry, Output

#: The lock file a build holds (``fcntl.flock``, exclusive) in the cache it writes.
LOCK = ".build.lock"
#: Prefix of the scratch folders artifacts are made in, inside the cache.
SCRATCH = ".making-"
#: The file that marks a folder as an actdocs cache, in the Cache Directory Tagging
#: format (backup tools skip such folders), and its text.
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This folder is an actdocs artifact cache: `python -m actdocs build` makes it again.\n")
#: Prefix of the file that proves a folder writable (removed at once).
PROBE = ".probe-"
#: Seconds an interrupted build gives the background artifact to stop and tidy up.
GRACE = 1.5


@dataclass
class Record:
    """What the build did with one artifact, as logged and stored in the manifest.

    ``reason`` says why a ``made`` artifact was made (:data:`actdocs.engine.manifest.NEW_KEY`,
    ...); it is None for a ``cached`` one.
    """

    name: str
    key: str
    status: str  # "made" or "cached"
    seconds: float
    made_at: str
    outputs: dict[str, Output]
    reason: str | None = None

    def entry(self) -> Entry:
        """The manifest entry of this record."""
        return Entry(self.key, self.made_at, self.seconds, self.outputs)


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


# ---------------------------------------------------------------------------- running


def select(artifacts: Sequence[Artifact], patterns: Iterable[str] | None) -> list[Artifact]:
    """The artifacts whose names match any of ``patterns`` (shell globs); all when None.

    A pattern that matches nothing is a :class:`UsageError` listing the known names.
    (``build --only`` then adds what they read: :func:`actdocs.engine.order.with_dependencies`.)
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


class _Background:
    """One daemon thread that makes the ``concurrent`` artifacts in turn.

    A daemon, unlike a ``ThreadPoolExecutor`` worker, does not hold up the exit of an
    interrupted build: what it is still doing then is abandoned, and never published.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., Record], *args: Any) -> Future:
        """Queue ``fn(*args)``; its future holds the record or the exception."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="actdocs-background", daemon=True)
            self._thread.start()
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as err:  # handed to the build's thread with the result
                    future.set_exception(err)

    def close(self) -> None:
        """Let the thread end once the queued work (not cancelled) is done."""
        if self._thread is not None:
            self._jobs.put(None)


def _cause(err: OSError) -> str:
    return err.strerror or str(err)


class _Run:
    """One build of an ordered list of artifacts into a locked cache."""

    def __init__(self, cache: Path, plan: list[Artifact], ctx: Context, forced: set[str],
                 fingerprint: str | None, log: Callable[[str], None] | None,
                 on_start: Callable[[int, int, str], None] | None, stopping: threading.Event | None) -> None:
        self.cache, self.plan, self.ctx, self.forced = cache, plan, ctx, forced
        self.stopping = stopping
        self.fingerprint, self.log, self.on_start = fingerprint, log, on_start
        self.needs = order.dependencies(plan)
        self.document = manifest.read_document(cache)
        self.entries = manifest.entries(self.document)
        self.sealed = self.document.get("fingerprint")  # as on disk
        self.stored = set(self.document["artifacts"])  # the names of the entries on disk
        self.records: dict[int, Record] = {}
        self.pending: list[tuple[int, Artifact, Future]] = []  # background, in plan order
        self.stop = threading.Event()
        self.write_lock = threading.Lock()

    def run(self) -> list[Record]:
        background = _Background()
        try:
            for index, artifact in enumerate(self.plan):
                if self.stopping is not None and self.stopping.is_set():
                    raise KeyboardInterrupt  # a stop whose own KeyboardInterrupt was swallowed
                # what it reads is final; an exclusive one runs on a quiet machine
                self._settle(None if artifact.exclusive else self.needs[index])
                key = artifact_key(artifact, self.ctx)
                if self.on_start:
                    self.on_start(index + 1, len(self.plan), artifact.name)
                start = time.perf_counter()
                reason = manifest.FORCED if artifact.name in self.forced else manifest.why_remake(
                    self.entries.get(artifact.name), key, self.cache, artifact.outputs)
                if reason is None:
                    entry = self.entries[artifact.name]
                    self._finish(index, Record(artifact.name, key, "cached", time.perf_counter() - start,
                                               entry.made_at, dict(entry.outputs)))
                elif artifact.concurrent:
                    self.pending.append((index, artifact, background.submit(self._make, artifact, key, reason)))
                else:
                    self._finish(index, self._make(artifact, key, reason))
            self._settle(None)
            self._seal()
        except BaseException as err:
            self._abandon()
            if isinstance(err, KeyboardInterrupt) and not isinstance(err, Interrupted):
                raise Interrupted(len(self.records)) from None
            raise
        finally:
            background.close()
        return [self.records[i] for i in sorted(self.records)]

    def _finish(self, index: int, record: Record) -> None:
        self.records[index] = record
        if record.status == "made":  # recorded at once: a build killed later keeps it
            with self.write_lock:
                self.entries[record.name] = record.entry()
            self._write(seal=None)
        if self.log:
            total = len(self.plan)
            why = f" ({record.reason})" if record.reason else ""
            self.log(f"[{index + 1:>{len(str(total))}}/{total}] {record.status:<6} {record.seconds:6.2f}s  "
                     f"{record.name}{why}")

    def _settle(self, needed: Collection[int] | None) -> None:
        """Wait for the background artifacts at the plan indices ``needed`` (all when
        None), in the order they were started; their logs come here, so the log depends
        on the plan, not on timing."""
        for entry in list(self.pending):
            index, _, future = entry
            if needed is None or index in needed:
                record = future.result()  # still pending if interrupted here: see _abandon
                self.pending.remove(entry)
                self._finish(index, record)

    def _abandon(self) -> None:
        """Stop the background work: queued artifacts never start, the running one is
        cancelled and given :data:`GRACE` seconds to tidy up; finished ones are kept."""
        self.stop.set()
        for _, artifact, future in self.pending:
            if not future.cancel() and not future.done() and artifact.cancel:
                artifact.cancel()
        deadline = time.monotonic() + GRACE
        for index, _, future in self.pending:
            try:
                record = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except BaseException:  # cancelled, failed, or still running: nothing to keep
                continue
            self._finish(index, record)
        self.pending.clear()

    def _make(self, artifact: Artifact, key: str, reason: str) -> Record:
        start = time.perf_counter()
        try:
            scratch = Path(tempfile.mkdtemp(dir=self.cache, prefix=SCRATCH))
        except OSError as err:
            raise CacheError(f"cannot write to {self.cache}: {_cause(err)}") from None
        try:
            try:
                artifact.make(scratch, self.ctx)
            except OSError as err:
                where = Path(err.filename) if err.filename else self.cache
                if where.is_relative_to(scratch):  # name the file the user will look for
                    where = self.cache / where.relative_to(scratch)
                raise CacheError(f"artifact {artifact.name}: {where}: {_cause(err)}") from None
            outputs: dict[str, Output] = {}
            for rel in artifact.outputs:
                if not (scratch / rel).is_file():
                    raise RuntimeError(f"artifact {artifact.name} did not write {rel}")
                outputs[rel] = Output.of(scratch / rel)
            if self.stop.is_set():
                raise CancelledError(artifact.name)  # the build stopped: publish nothing
            self._unseal()
            for rel in artifact.outputs:
                self._publish(scratch / rel, self.cache / rel)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return Record(artifact.name, key, "made", time.perf_counter() - start, made_at, outputs, reason)

    @staticmethod
    def _publish(made: Path, final: Path) -> None:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(made, final)
        except OSError as err:
            raise CacheError(f"cannot replace {final}: {_cause(err)}") from None

    def _unseal(self) -> None:
        """Before the first output is replaced, drop the fast path's seal from the
        manifest on disk: should the build then stop before it seals again, the fast
        path must not vouch for outputs that have changed under the old entries."""
        if self.sealed is not None:
            self._write(seal=None)

    def _seal(self) -> None:
        """After a complete build (one given a fingerprint), forget the entries of removed
        artifacts and seal the manifest, unless it already holds those entries and that seal."""
        if self.fingerprint is None:
            return
        names = {a.name for a in self.plan}
        self.entries = {name: e for name, e in self.entries.items() if name in names}
        seal = manifest.seal(self.fingerprint, self.entries, self.cache)
        if set(self.entries) != self.stored or seal != self.sealed:
            self._write(seal=seal)

    def _write(self, seal: dict[str, Any] | None) -> None:
        """Write the manifest: the entries as they stand now, and ``seal`` (None: unsealed)."""
        path = self.cache / MANIFEST
        with self.write_lock:  # the background thread unseals; the main thread records
            document = {
                "environment": environment(),
                "device": self.ctx.device,
                "fingerprint": seal,
                "artifacts": {name: self.entries[name].to_json() for name in sorted(self.entries)},
            }
            try:
                atomic_write(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode())
            except OSError as err:
                raise CacheError(f"cannot write {path}: {_cause(err)}") from None
            self.sealed, self.stored = seal, set(self.entries)


@contextmanager
def locked(cache: Path, log: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the cache's build lock (``CACHE/.build.lock``) while the block runs.

    When another build holds it, say so once through ``log`` and wait.
    """
    path = cache / LOCK
    try:
        handle = open(path, "a+b")
    except OSError as err:
        raise CacheError(f"cannot open the lock file {path}: {_cause(err)}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if log:
                log(f"waiting for another build of {cache}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock; so does the death of the process


def _stale(cache: Path) -> list[Path]:
    """The scratch folders and manifest temporaries in ``cache``, sorted."""
    return sorted(cache.glob(f"{SCRATCH}*")) + sorted(cache.glob(f".{MANIFEST}.*.tmp"))


def remove_stale_scratch(cache: Path, log: Callable[[str], None] | None = None) -> int:
    """Remove the scratch folders (and manifest temporaries) a killed build left; return
    how many. Call it holding the lock: no live build then owns any of them."""
    stale = _stale(cache)
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale and log:
        log(f"removed {len(stale)} stale scratch file(s) left in {cache} by a build that was stopped")
    return len(stale)


def build(
    cache: Path,
    artifacts: Sequence[Artifact],
    ctx: Context,
    *,
    force: bool | Collection[str] = False,
    fingerprint: str | None = None,
    log: Callable[[str], None] | None = None,
    on_start: Callable[[int, int, str], None] | None = None,
    stopping: threading.Event | None = None,
) -> list[Record]:
    """Make every artifact not already cached; return what happened to each, in build order.

    ``ctx.cache`` is taken to be ``cache`` (producers read what others made there). The
    artifacts are ordered by :func:`actdocs.engine.order.topological` (a cycle, or a read
    that no artifact in the list makes, is a :class:`UsageError`). ``force`` remakes
    every artifact (True) or those named. ``fingerprint`` (:func:`actdocs.engine.keys.tree_fingerprint`)
    seals the manifest after a complete build, so that the next one can skip even
    listing the artifacts (:func:`actdocs.engine.manifest.complete`). ``stopping``, once set (by
    a signal handler, which also raises KeyboardInterrupt), stops the build before its
    next artifact: Python swallows an exception raised inside a finaliser or a weak
    reference's callback, so the KeyboardInterrupt alone can be lost. The manifest is rewritten
    each time an artifact is made and when the seal moves, so a build with every
    artifact cached writes no file at all (the lock file aside).

    Raises :class:`UsageError` when ``cache`` holds files actdocs did not make,
    :class:`CacheError` when the cache cannot be written, and :class:`Interrupted` (a
    ``KeyboardInterrupt``) on Ctrl-C, with what was done recorded.
    """
    plan = order.topological(artifacts)
    cache = Path(cache).absolute()  # a producer may change the working folder
    ensure_writable(cache)
    manifest.check_file(cache)
    claim(cache)
    forced = {a.name for a in plan} if force is True else set(force or ())
    ctx = dataclasses.replace(ctx, cache=cache)
    try:
        with locked(cache, log):
            remove_stale_scratch(cache, log)
            return _Run(cache, plan, ctx, forced, fingerprint, log, on_start, stopping).run()
    except KeyboardInterrupt as err:  # while waiting for the lock: nothing done yet
        if isinstance(err, Interrupted):
            raise
        raise Interrupted(0) from None


def tidy(cache: Path, log: Callable[[str], None] | None = None) -> None:
    """Remove what a killed build left in ``cache`` when no build holds it now: the fast
    path calls it, which otherwise takes no lock and would leave the scratch forever."""
    if not _stale(cache):
        return
    try:
        handle = open(cache / LOCK, "a+b")
    except OSError:  # a cache we cannot write: the scratch is not ours to remove
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live build owns the scratch
            return
        remove_stale_scratch(cache, log)


def claim(cache: Path) -> None:
    """Make sure ``cache`` is an actdocs cache before anything is written into it.

    An empty folder becomes one (it gets a :data:`TAG`); a folder with our tag, or with
    a manifest left by a build from before the tag, is one. Any other folder holds
    files that actdocs did not make, which a build could overwrite: a :class:`UsageError`.
    """
    tag = cache / TAG
    try:
        if tag.is_file() and TAG_TEXT in tag.read_text(encoding="utf-8", errors="replace"):
            return
        found = sorted(p.name for p in cache.iterdir() if not _own_litter(p.name))
        if found and not (cache / MANIFEST).is_file():
            raise UsageError(f"{cache} is not empty and not an actdocs cache (it holds {found[0]!r} and no "
                             f"{TAG} from actdocs): build into a new or empty folder")
        atomic_write(tag, TAG_TEXT.encode())
    except OSError as err:
        raise CacheError(f"cannot write {tag}: {_cause(err)}") from None


def _own_litter(name: str) -> bool:
    """A name only a build writes outside the manifest: the lock, a scratch folder, a
    manifest or tag temporary, a writability probe."""
    return name == LOCK or name.startswith((SCRATCH, f".{MANIFEST}.", f".{TAG}.", PROBE))


def ensure_writable(folder: Path, what: str = "the cache folder") -> None:
    """Create ``folder`` if needed and prove a file can be written in it, or raise UsageError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=PROBE):
            pass
    except OSError as err:
        raise UsageError(f"cannot write to {what} {folder}: {err.strerror or err}") from None


def default_cache() -> Path:
    """The cache folder: ``$ACTDOCS_CACHE`` or ``.cache/actdocs`` in the repository."""
    return Path(os.environ.get("ACTDOCS_CACHE") or REPO_ROOT / ".cache" / "actdocs")

