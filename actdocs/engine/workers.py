"""Where an artifact is made: in the build's own process, in its background thread, or
in a pool of worker processes.

:func:`produce` runs an artifact's ``make`` into a scratch folder and returns the record
of each output. Whichever process runs it, the build's own process made the scratch
folder and publishes the outputs (:mod:`actdocs.engine.build`), so every write into the
cache outside a scratch folder, the manifest's included, stays in one process.

:class:`Background` is one daemon thread of the build process that makes the
``concurrent`` artifacts (the notebooks, whose kernels are processes of their own) in turn.

:class:`Pool` forks its workers from the build process once, before the build makes
anything. A worker inherits the artifact list as it is in memory (closures included:
only a plan index and a folder are sent to it) and the imported producers. At that
moment the build process runs one thread and has run no torch operation, so no lock
held by another thread and no OpenMP thread pool (OpenMP is not fork-safe) is copied
half-alive; the notebooks' kernels, and the threads of their clients, start later. Each
worker:

- sits in a process group of its own and ignores SIGINT: a Ctrl-C at the terminal
  reaches the build process alone, which kills the workers (:meth:`Pool.stop`);
- kills its process group once the build process has ended, however it ended (a thread
  waits on multiprocessing's parent sentinel), as a listing's process does;
- sets torch's intra-op threads to its share of the cores (:func:`threads_per_worker`),
  so that the workers do not oversubscribe the machine; the producers whose output could
  depend on a thread count fix their own (the experiments, the benchmark), and the
  listings run in processes of the build's fork server, which the workers share
  (:func:`_share_fork_server`);
- sends back each artifact's output records, or its exception, which the build
  process raises: an error that is not one of the one-line kinds of
  :mod:`actdocs.engine.errors` carries the worker's traceback as a note, and one that
  does not pickle is sent as a :class:`RuntimeError` naming it. A worker that ends
  without an answer is a :class:`WorkerError` naming the artifact.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from actdocs.engine.artifact import Artifact, Context
from actdocs.engine.errors import CacheError, DeclarationError, ListingError, UsageError, WorkerError
from actdocs.engine.manifest import Output

#: The environment variable that sets how many artifacts are made at once.
JOBS_VARIABLE = "ACTDOCS_JOBS"
#: The errors the command line reports as one line: sent back without a traceback note.
ONE_LINE = (UsageError, CacheError, ListingError, DeclarationError, WorkerError)


def cores() -> int:
    """The CPU cores this process may run on (its affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0))


def threads_per_worker(jobs: int) -> int:
    """Torch intra-op threads in each of ``jobs`` workers: an equal share of the cores, at least one."""
    return max(1, cores() // jobs)


def cause(err: OSError) -> str:
    """What went wrong, in the words of the system: ``No space left on device``."""
    return err.strerror or str(err)


def produce(artifact: Artifact, scratch: Path, ctx: Context) -> dict[str, Output]:
    """Run ``artifact.make`` into ``scratch``; return the record of each declared output.

    An :class:`OSError` of ``make`` is a :class:`CacheError` naming the file as it would
    lie in the cache (``ctx.cache``); an output that ``make`` did not write is a
    :class:`RuntimeError`.
    """
    try:
        artifact.make(scratch, ctx)
    except OSError as err:
        where = Path(err.filename) if err.filename else ctx.cache
        if where.is_relative_to(scratch):  # name the file the user will look for
            where = ctx.cache / where.relative_to(scratch)
        raise CacheError(f"artifact {artifact.name}: {where}: {cause(err)}") from None
    outputs: dict[str, Output] = {}
    for rel in artifact.outputs:
        if not (scratch / rel).is_file():
            raise RuntimeError(f"artifact {artifact.name} did not write {rel}")
        outputs[rel] = Output.of(scratch / rel)
    return outputs


# ------------------------------------------------------------------ the background thread


class Background:
    """One daemon thread that makes the ``concurrent`` artifacts in turn.

    A daemon, unlike a ``ThreadPoolExecutor`` worker, does not hold up the exit of an
    interrupted build: what it is still doing then is abandoned, and never published.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Queue ``fn(*args)``; its future holds the result or the exception."""
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


# ------------------------------------------------------------------ the pool


@dataclass
class Answer:
    """A worker's answer for the artifact at plan index ``index``: its output records
    and the seconds its ``make`` took, or the exception it raised (``error``)."""

    index: int
    outputs: dict[str, Output] | None = None
    seconds: float = 0.0
    error: BaseException | None = None


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    connection: Any  # multiprocessing.connection.Connection
    index: int | None = None  # the plan index it is making, if any


class Pool:
    """``size`` worker processes forked from this one, each making one artifact of
    ``plan`` at a time (see the module docstring)."""

    def __init__(self, size: int, plan: Sequence[Artifact], ctx: Context, threads: int) -> None:
        self.plan = plan
        self._workers: list[_Worker] = []
        context = multiprocessing.get_context("fork")
        try:
            for number in range(1, size + 1):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, plan, ctx, threads),
                                          name=f"actdocs-worker-{number}")
                process.start()
                theirs.close()
                _own_group(process.pid)
                self._workers.append(_Worker(process, mine))
        except BaseException:
            self.stop()
            raise

    def idle(self) -> bool:
        """Whether a worker is free to make an artifact."""
        return any(w.index is None for w in self._workers)

    def busy(self) -> list[int]:
        """The plan indices being made now."""
        return [w.index for w in self._workers if w.index is not None]

    def submit(self, index: int, scratch: Path) -> None:
        """Have a free worker make the artifact at plan ``index`` into ``scratch``."""
        worker = next(w for w in self._workers if w.index is None)
        worker.index = index
        try:
            worker.connection.send((index, str(scratch)))
        except OSError:  # it has died: its connection reads as ended, which says so
            pass

    def waitables(self) -> list:
        """The connections of the busy workers, for :func:`multiprocessing.connection.wait`."""
        return [w.connection for w in self._workers if w.index is not None]

    def answers(self, ready: Sequence[Any]) -> list[Answer]:
        """The answers on the connections in ``ready`` (from :meth:`waitables`); a worker
        that ended without one answers a :class:`WorkerError`."""
        return [self._receive(w) for w in self._workers if w.index is not None and w.connection in ready]

    def _receive(self, worker: _Worker) -> Answer:
        index, worker.index = worker.index, None
        try:
            return worker.connection.recv()
        except (EOFError, OSError):  # it died: its end of the pipe closed
            worker.process.join(1)
            return Answer(index, error=WorkerError(f"artifact {self.plan[index].name}: its worker process ended "
                                                   f"({_ending(worker.process.exitcode)}) before it finished"))

    def stop(self) -> list[Answer]:
        """Kill every worker, with whatever it started, at once; return the answers they
        had already sent (finished artifacts, failed ones included)."""
        sent = [self._receive(w) for w in self._workers if w.index is not None and w.connection.poll(0)]
        for worker in self._workers:
            _kill_group(worker.process)
        self._reap()
        return sent

    def close(self) -> None:
        """Let the idle workers end, kill any busy one (an abandoned build), and reap them."""
        for worker in self._workers:
            if worker.index is None:
                try:
                    worker.connection.send(None)
                except OSError:  # it has ended already
                    pass
            else:
                _kill_group(worker.process)
        self._reap()

    def _reap(self) -> None:
        for worker in self._workers:
            worker.process.join()
            worker.connection.close()
        self._workers = []


def _own_group(pid: int) -> None:
    """Put the process ``pid`` in a process group of its own, from this side too: whichever
    of the two calls runs first, the group exists before anyone signals it."""
    try:
        os.setpgid(pid, pid)
    except OSError:  # it did so itself first, or has ended
        pass


def _kill_group(process: Any) -> None:
    """SIGKILL the worker's process group (the worker and what it started but a listing,
    which sits in a group of its own and dies with the worker)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # no such group: the worker has ended, or never made it
        if process.exitcode is None:
            process.kill()


def _ending(exitcode: int | None) -> str:
    """How a process ended, from its multiprocessing exit code."""
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    return f"killed by signal {-exitcode}, {signal.strsignal(-exitcode)}"


# ------------------------------------------------------------------ in the worker


def _serve(connection: Any, plan: Sequence[Artifact], ctx: Context, threads: int) -> None:
    """The worker's body: make the artifacts the build asks for until it says None."""
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_die_with_build, name="die-with-build", daemon=True).start()
    _share_fork_server()
    if "torch" in sys.modules:  # a plan without torch does not import it for this
        sys.modules["torch"].set_num_threads(threads)
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the build process has gone
            return
        if job is None:
            return
        index, scratch = job
        start = time.perf_counter()
        try:
            outputs = produce(plan[index], Path(scratch), ctx)
            answer = Answer(index, outputs, time.perf_counter() - start)
        except BaseException as err:  # raised again in the build process
            answer = Answer(index, error=_portable(err, plan[index].name))
        connection.send(answer)


def _die_with_build() -> None:
    """Once the build process has ended, kill this worker's process group."""
    multiprocessing.parent_process().join()
    os.killpg(0, signal.SIGKILL)


def _share_fork_server() -> None:
    """Let this worker start processes from the fork server the build process started
    (the listings'), whose address and "alive" pipe it inherited.

    multiprocessing would check that server with ``waitpid``, which works only in the
    process that started it, and fail; a worker checks only the resource tracker, as a
    child of the fork server does. A server this worker starts itself (none was running)
    is its own.
    """
    server = multiprocessing.forkserver._forkserver
    if server._forkserver_pid is not None:
        server.ensure_running = multiprocessing.resource_tracker.ensure_running


def _portable(err: BaseException, name: str) -> BaseException:
    """``err`` as it can travel to the build process: with the worker's traceback as a
    note unless it is a one-line error; a :class:`RuntimeError` naming it if it does
    not pickle."""
    if not isinstance(err, ONE_LINE):
        err.add_note(f"in the worker process that made {name}:\n{traceback.format_exc()}")
    try:
        pickle.dumps(err)
    except Exception:
        replacement = RuntimeError(f"artifact {name}: {type(err).__name__}: {err}")
        for note in getattr(err, "__notes__", ()):
            replacement.add_note(note)
        return replacement
    return err
