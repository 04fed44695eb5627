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

Independent artifacts are made at once (``jobs``): an artifact starts as soon as what it
reads is recorded, in a worker process of a pool forked from the build process
(:mod:`actdocs.engine.workers`; ``jobs`` 1 makes each in the build's own process), and
``concurrent`` ones (the notebooks, whose kernels are processes of their own) in a
background thread beside them. An ``exclusive`` artifact (the quick benchmark) starts
once everything before it is done, and nothing else starts while it runs, so that it
times a quiet machine. Whoever makes an artifact, the outputs are the same bytes (each
producer fixes what could make them differ, as the experiments fix their threads), the
build's process publishes them and writes the manifest, and the log lists the records
in an order fixed by the plan (:func:`actdocs.engine.order.log_order`), not by which
artifact finishes first.

A build writes only into a new or empty folder or an actdocs cache, never over a user's
files, and one build at a time holds a cache: :func:`build` takes an exclusive
``fcntl.flock`` on ``CACHE/.build.lock`` for its whole run (a second build waits, saying
so once) and then removes the scratch folders a killed build left
(:mod:`actdocs.engine.folder`). A fault of the cache (a full disk,
an output that cannot be replaced) is a :class:`CacheError` naming the path. A failing
artifact, a Ctrl-C (or SIGTERM, which the command line turns into one) stops the build at
once: the workers are killed, with what they started, and their scratch folders removed;
the background artifact is cancelled (``Artifact.cancel``) and given :data:`GRACE`
seconds; what was finished is recorded (and logged); then the error, or
:class:`Interrupted`, is raised.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import multiprocessing.connection
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Sequence

from actdocs.engine import manifest, order, workers
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.engine.errors import CacheError, Interrupted, UsageError
from actdocs.engine.folder import SCRATCH, atomic_write, claim, ensure_writable, locked, remove_stale_scratch
from actdocs.engine.keys import artifact_key, environment
from actdocs.engine.manifest import MANIFEST, Entry, Output
from actdocs.engine.workers import cause

#: Seconds an interrupted build gives the background artifact to stop and tidy up.
GRACE = 1.5
#: Seconds the build waits for an artifact to finish before it looks whether it was
#: asked to stop (a stop whose KeyboardInterrupt was lost: see :func:`build`).
POLL = 0.25


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


class _Run:
    """One build of an ordered list of artifacts into a locked cache, ``jobs`` at a time.

    The loop starts every artifact it can, in plan order (:meth:`_dispatch`), then waits
    for one to finish (:meth:`_collect`): an artifact starts once what it reads is
    recorded, a ``concurrent`` one in the background thread, any other in a free worker
    of the pool while fewer than ``jobs`` artifacts are in flight, the background one
    included (its kernel takes a core: measured faster than a worker beside it), or in
    this thread when ``jobs`` is 1 (beside the background one, as ever). An ``exclusive``
    one starts when everything before it is done and nothing is in flight, and nothing
    starts while it runs. Records are logged in :func:`actdocs.engine.order.log_order`,
    each when every earlier one is logged.
    """

    def __init__(self, cache: Path, plan: list[Artifact], ctx: Context, forced: set[str],
                 fingerprint: str | None, log: Callable[[str], None] | None,
                 on_start: Callable[[int, int, str], None] | None, stopping: threading.Event | None,
                 jobs: int) -> None:
        self.cache, self.plan, self.ctx, self.forced = cache, plan, ctx, forced
        self.stopping, self.jobs = stopping, jobs
        self.fingerprint, self.log, self.on_start = fingerprint, log, on_start
        self.needs = order.dependencies(plan)
        self.log_order, self.logged = order.log_order(plan), 0
        self.document = manifest.read_document(cache)
        self.entries = manifest.entries(self.document)
        self.sealed = self.document.get("fingerprint")  # as on disk
        self.stored = set(self.document["artifacts"])  # the names of the entries on disk
        self.records: dict[int, Record] = {}
        self.todo = list(range(len(plan)))  # not started yet, in plan order
        self.begun = 0
        self.prepared: dict[int, tuple[str, str]] = {}  # key and reason of one waiting for a worker
        self.background: dict[int, Future] = {}  # in the background thread
        self.making: dict[int, tuple[str, str, Path]] = {}  # in the pool: key, reason, scratch
        self.pool: workers.Pool | None = None
        self.wake: int | None = None
        self.wake_lock = threading.Lock()
        self.stop = threading.Event()
        self.write_lock = threading.Lock()

    def run(self) -> list[Record]:
        background = workers.Background()
        wake, self.wake = os.pipe()  # a finished background artifact writes a byte here (_wake_up)
        try:
            size = min(self.jobs, sum(not a.concurrent for a in self.plan)) if self.jobs > 1 else 0
            if size:  # forked now, while this process runs one thread: see actdocs.engine.workers
                self.pool = workers.Pool(size, self.plan, self.ctx, workers.threads_per_worker(self.jobs))
            while self.todo or self._running():
                self._check_stop()
                self._dispatch(background)
                if self._running():
                    self._collect(wake)
            self._seal()
        except BaseException as err:
            self._abandon()
            if isinstance(err, KeyboardInterrupt) and not isinstance(err, Interrupted):
                raise Interrupted(len(self.records)) from None
            raise
        finally:
            background.close()
            if self.pool is not None:
                self.pool.close()
            with self.wake_lock:  # an abandoned background artifact may still finish: the write end
                os.close(self.wake)  # goes first, so that its wake-up never meets a closed read end
                self.wake = None
            os.close(wake)
        return [self.records[i] for i in sorted(self.records)]

    def _wake_up(self, _: Future) -> None:
        with self.wake_lock:
            if self.wake is not None:
                os.write(self.wake, b".")

    def _check_stop(self) -> None:
        if self.stopping is not None and self.stopping.is_set():
            raise KeyboardInterrupt  # a stop whose own KeyboardInterrupt was swallowed

    def _running(self) -> list[int]:
        """The artifacts started and not yet recorded: in the pool, or queued or running
        in the background thread."""
        return [*self.background, *self.making]

    def _in_flight(self) -> int:
        """How many artifacts are being made now: in the pool, and one in the background
        thread while it has any to make (its kernel takes a core)."""
        return len(self.making) + bool(self.background)

    def _dispatch(self, background: workers.Background) -> None:
        """Start, in plan order, every artifact that can start now; record the hits."""
        if any(self.plan[i].exclusive for i in self._running()):
            return  # it runs alone
        for index in list(self.todo):
            artifact = self.plan[index]
            if artifact.exclusive and (self._running() or self.todo[0] != index):
                return  # it waits for all before it, and all after it wait for it
            if any(i not in self.records for i in self.needs[index]):
                continue  # what it reads is not final yet
            self._check_stop()
            if index not in self.prepared and not self._prepare(index):
                continue  # a hit, recorded
            key, reason = self.prepared[index]
            if artifact.concurrent:
                future = background.submit(self._make, artifact, key, reason)
                future.add_done_callback(self._wake_up)
                self.background[index] = future
            elif self.pool is None:
                self.todo.remove(index)
                del self.prepared[index]
                self._finish(index, self._make(artifact, key, reason))
                continue
            elif self.pool.idle() and self._in_flight() < self.jobs:
                scratch = self._scratch()
                self.making[index] = (key, reason, scratch)
                self.pool.submit(index, scratch)
            else:
                continue
            self.todo.remove(index)
            del self.prepared[index]
            if artifact.exclusive:
                return

    def _prepare(self, index: int) -> bool:
        """Compute the key of the artifact at ``index`` and decide: record a hit (and
        return False) or note why it is to be made (and return True)."""
        artifact = self.plan[index]
        self.begun += 1
        if self.on_start:
            self.on_start(self.begun, len(self.plan), artifact.name)
        start = time.perf_counter()
        key = artifact_key(artifact, self.ctx)
        reason = manifest.FORCED if artifact.name in self.forced else manifest.why_remake(
            self.entries.get(artifact.name), key, self.cache, artifact.outputs)
        if reason is not None:
            self.prepared[index] = (key, reason)
            return True
        self.todo.remove(index)
        entry = self.entries[artifact.name]
        self._finish(index, Record(artifact.name, key, "cached", time.perf_counter() - start,
                                   entry.made_at, dict(entry.outputs)))
        return False

    def _collect(self, wake: int) -> None:
        """Wait until an artifact in flight finishes (or :data:`POLL` seconds, to see a
        stop), and record every one that has."""
        waitables = [wake, *(self.pool.waitables() if self.pool else [])]
        ready = multiprocessing.connection.wait(waitables, timeout=POLL)
        if wake in ready:
            os.read(wake, 4096)
        for index, future in list(self.background.items()):
            if future.done():
                del self.background[index]
                self._finish(index, future.result())
        if self.pool is not None:
            failures = []
            for answer in self.pool.answers(ready):  # each finished one is kept, even beside a failure
                try:
                    self._finish(answer.index, self._publish_answer(answer))
                except Exception as err:
                    failures.append(err)
            if failures:
                raise failures[0]

    def _publish_answer(self, answer: workers.Answer) -> Record:
        """Publish what a worker made (its scratch folder is removed either way), or raise its error."""
        key, reason, scratch = self.making.pop(answer.index)
        try:
            if answer.error is not None:
                raise answer.error
            return self._publish(self.plan[answer.index], key, reason, scratch, answer.outputs, answer.seconds)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _finish(self, index: int, record: Record) -> None:
        self.records[index] = record
        if record.status == "made":  # recorded at once: a build killed later keeps it
            with self.write_lock:
                self.entries[record.name] = record.entry()
            self._write(seal=None)
        while self.logged < len(self.log_order) and self.log_order[self.logged] in self.records:
            self._log(self.log_order[self.logged])
            self.logged += 1

    def _log(self, index: int) -> None:
        if self.log:
            record, total = self.records[index], len(self.plan)
            why = f" ({record.reason})" if record.reason else ""
            self.log(f"[{index + 1:>{len(str(total))}}/{total}] {record.status:<6} {record.seconds:6.2f}s  "
                     f"{record.name}{why}")

    def _abandon(self) -> None:
        """Stop what is in flight and keep what is finished: the workers are killed at
        once (what they had already sent is published), the background artifact not yet
        started never starts, the running one is cancelled and given :data:`GRACE`
        seconds to tidy up. Every record kept is logged, in log order."""
        if self.pool is not None:
            for answer in self.pool.stop():
                try:
                    self._finish(answer.index, self._publish_answer(answer))
                except Exception:  # failed, or cannot be published now: not kept
                    pass
            for _, _, scratch in self.making.values():
                shutil.rmtree(scratch, ignore_errors=True)
            self.making.clear()
        self.stop.set()
        for index, future in self.background.items():
            if not future.cancel() and not future.done() and self.plan[index].cancel:
                self.plan[index].cancel()
        deadline = time.monotonic() + GRACE
        for index, future in self.background.items():
            try:
                record = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except BaseException:  # cancelled, failed, or still running: nothing to keep
                continue
            self._finish(index, record)
        self.background.clear()
        for index in self.log_order[self.logged:]:
            if index in self.records:
                self._log(index)
        self.logged = len(self.log_order)

    def _scratch(self) -> Path:
        """A new scratch folder in the cache."""
        try:
            return Path(tempfile.mkdtemp(dir=self.cache, prefix=SCRATCH))
        except OSError as err:
            raise CacheError(f"cannot write to {self.cache}: {cause(err)}") from None

    def _make(self, artifact: Artifact, key: str, reason: str) -> Record:
        """Make ``artifact`` in this process and publish it."""
        start = time.perf_counter()
        scratch = self._scratch()
        try:
            outputs = workers.produce(artifact, scratch, self.ctx)
            return self._publish(artifact, key, reason, scratch, outputs, time.perf_counter() - start)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _publish(self, artifact: Artifact, key: str, reason: str, scratch: Path,
                 outputs: dict[str, Output], seconds: float) -> Record:
        """Move the outputs made in ``scratch`` into place; the record of the artifact made."""
        if self.stop.is_set():
            raise CancelledError(artifact.name)  # the build stopped: publish nothing
        start = time.perf_counter()
        self._unseal()
        for rel in artifact.outputs:
            self._replace(scratch / rel, self.cache / rel)
        made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return Record(artifact.name, key, "made", seconds + time.perf_counter() - start, made_at, outputs, reason)

    @staticmethod
    def _replace(made: Path, final: Path) -> None:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(made, final)
        except OSError as err:
            raise CacheError(f"cannot replace {final}: {cause(err)}") from None

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
                raise CacheError(f"cannot write {path}: {cause(err)}") from None
            self.sealed, self.stored = seal, set(self.entries)


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
    jobs: int = 1,
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
    reference's callback, so the KeyboardInterrupt alone can be lost. ``jobs`` artifacts
    are made at once, in worker processes when it is more than 1 (see the module
    docstring); ``on_start(n, total, name)`` is called as the n-th artifact is taken up.
    The manifest is rewritten each time an artifact is made and when the seal moves, so
    a build with every artifact cached writes no file at all (the lock file aside).

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
            return _Run(cache, plan, ctx, forced, fingerprint, log, on_start, stopping, jobs).run()
    except KeyboardInterrupt as err:  # while waiting for the lock: nothing done yet
        if isinstance(err, Interrupted):
            raise
        raise Interrupted(0) from None


def default_cache() -> Path:
    """The cache folder: ``$ACTDOCS_CACHE`` or ``.cache/actdocs`` in the repository."""
    return Path(os.environ.get("ACTDOCS_CACHE") or REPO_ROOT / ".cache" / "actdocs")

