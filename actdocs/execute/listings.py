"""Run every listing in ``snippets/`` and capture what it prints, for the pages.

Each snippet is a standalone script. The build runs each one as ``__main__`` in a
process of its own, as a reader runs ``python snippets/NAME.py``, with the working
directory at the repository root, and stores its standard output as
``output/<name>.txt``. A page shows that file under the listing, so the output a
reader sees is the output the code printed at build time.

The process is forked from multiprocessing's fork server, a single-threaded process
that imports torch and matplotlib once per build (:data:`PRELOAD`): forking the
multi-threaded build process is unsafe, and a fresh ``python`` per listing would import
torch each time. :func:`actdocs.artifacts.all_artifacts` starts it
(:func:`start_fork_server`) before it imports the producers, so that the two import at
once. Nothing a listing does to its process (global torch state, the
working directory, ``os._exit``, a crash) reaches the build. A listing that ends its
process before it has finished, or runs longer than ``$ACTDOCS_LISTING_TIMEOUT``
seconds (:data:`DEFAULT_TIMEOUT` unless set; the limit keys nothing), is a
:class:`ListingError` naming it. A listing's process group (the listing and whatever it
started) is killed once the build has its outcome, on Ctrl-C, and by the listing's
process itself when the build process dies (:func:`in_own_process`). What a listing
writes to stderr goes to the build's stderr.
"""

from __future__ import annotations

import contextlib
import functools
import io
import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Collection, TypeVar

from actdocs import paths
from actdocs.engine.artifact import Artifact, Context, REPO_ROOT
from actdocs.execute.env_numbers import positive
from actdocs.engine.errors import ListingError
from actdocs.render.markdown import write_text

SNIPPETS = paths.SNIPPETS
#: The environment variable that sets how many seconds one listing may run.
TIMEOUT_VARIABLE = "ACTDOCS_LISTING_TIMEOUT"
#: Seconds one listing may run when the variable is not set: the slowest listing takes
#: seconds even on a busy 2-core machine, so only a listing that hangs reaches it.
DEFAULT_TIMEOUT = 300.0
#: What the fork server imports once, so that each listing's process starts with it:
#: ``torch._dynamo`` too, which ``torch.optim`` imports on its first step and which
#: takes about as long to import as torch itself.
PRELOAD = ("torch", "torch._dynamo", "matplotlib.figure", "matplotlib.backends.backend_svg", "actdocs.execute.listings")

T = TypeVar("T")


def snippet_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every runnable listing, sorted by name."""
    return sorted((root / SNIPPETS).glob("*.py"))


def time_limit() -> float:
    """Seconds one listing may run: ``$ACTDOCS_LISTING_TIMEOUT``, or :data:`DEFAULT_TIMEOUT`
    when it is unset or empty. A value that is not a positive number is a :class:`UsageError`."""
    return positive(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT, "seconds")


def run_listing(path: Path, limit: float = DEFAULT_TIMEOUT) -> str:
    """Run one listing in a process of its own (:func:`in_own_process`); return what it printed."""
    return in_own_process(path, _printed, path, limit=limit)


def _printed(path: Path) -> str:
    return execute(path)[0]


def execute(path: Path) -> tuple[str, dict]:
    """Run one listing as ``__main__`` in this process; return what it printed and the
    names it defined.

    The build calls it in the listing's own process (:func:`in_own_process`), where a
    figure drawn from the listing (:mod:`actdocs.execute.listing_figures`) reads the names.
    """
    path = Path(path).resolve()  # it is run after the chdir below
    buffer = io.StringIO()
    cwd = os.getcwd()
    names: dict = {}
    try:
        os.chdir(path.parent.parent)
        with contextlib.redirect_stdout(buffer):
            names = runpy.run_path(str(path), run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise ListingError(f"{path.name} exited with status {stop.code}") from None
    except Exception as err:  # a failing listing must stop the build with its reason
        raise ListingError(
            f"{path.name} failed at line {_listing_line(err, path)}: {type(err).__name__}: {' '.join(str(err).split())}"
        ) from err
    finally:
        os.chdir(cwd)
    return buffer.getvalue(), names


def _listing_line(err: Exception, path: Path) -> int | None:
    """The line of the listing itself where ``err`` arose (not a line inside a library)."""
    if isinstance(err, SyntaxError) and err.filename and Path(err.filename).resolve() == path.resolve():
        return err.lineno
    frames = traceback.extract_tb(err.__traceback__)
    own = [f for f in frames if Path(f.filename).resolve() == path.resolve()]
    return (own or frames)[-1].lineno


# ------------------------------------------------------------------ its own process


@functools.lru_cache(maxsize=1)
def _forkserver_context() -> Any:
    """The multiprocessing context whose processes are forked from the fork server."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def start_fork_server() -> None:
    """Start the fork server now, without waiting for its imports (:data:`PRELOAD`), so
    that they overlap the build's own."""
    _forkserver_context()
    multiprocessing.forkserver.ensure_running()


def in_own_process(listing: Path, work: Callable[..., T], *args: Any, limit: float) -> T:
    """``work(*args)`` run in a child process of the fork server; its result, or its exception raised here.

    ``work`` and ``args`` must pickle (a module-level function, paths, a :class:`Context`).
    A child that ends before it sends its result (``os._exit``, a signal, a crash) or
    sends nothing within ``limit`` seconds is a :class:`ListingError` naming ``listing``.
    When this returns or raises (Ctrl-C included), the child and its process group have
    been killed; multiprocessing reaps it later, off the build's path.
    """
    name = f"{SNIPPETS}/{Path(listing).name}"
    receiver, sender = _forkserver_context().Pipe(duplex=False)
    child = _forkserver_context().Process(target=_child, args=(sender, work, args), name=name)
    try:
        child.start()
        sender.close()  # the child holds the only writing end: it closes when the child ends
        failed, value = _outcome(receiver, child, name, limit)
    finally:
        receiver.close()
        _kill_group(child)
    if failed:
        raise value
    return value


def _outcome(receiver: Any, child: Any, name: str, limit: float) -> tuple[bool, Any]:
    """What ``child`` sent; a :class:`ListingError` if it ended without sending or sent
    nothing within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    if receiver.poll(limit):
        try:
            return receiver.recv()
        except EOFError:  # its end of the pipe closed: it ended (or closed it, and runs on)
            child.join(max(0.0, deadline - time.monotonic()))
            if child.exitcode is not None:
                raise ListingError(f"{name} ended its process ({_ending(child.exitcode)}) before it finished") from None
    raise ListingError(f"{name} ran longer than {limit:g} s ({TIMEOUT_VARIABLE})")


def _child(sender: Any, work: Callable[..., T], args: tuple) -> None:
    """The child's body: a process group of its own, tied to the build process's life;
    sends ``(False, result)`` or ``(True, exception)``."""
    os.setpgrp()  # what the listing starts is killed with it
    threading.Thread(target=_die_with_build, name="die-with-build", daemon=True).start()
    try:
        outcome: tuple[bool, Any] = (False, work(*args))
    except Exception as err:  # raised again in the build process
        if not isinstance(err, ListingError):  # a fault of our code: keep where it arose
            err.add_note(f"in the process of {multiprocessing.current_process().name}:\n{traceback.format_exc()}")
        outcome = (True, err)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # the build kills this process once it has the outcome
    sender.send(outcome)


def _die_with_build() -> None:
    """In the child: once the build process has ended (killed, crashed or interrupted
    before it could kill this child), kill this child's process group."""
    multiprocessing.parent_process().join()
    os.killpg(0, signal.SIGKILL)


def _kill_group(child: Any) -> None:
    """Kill ``child``'s process group: the child, unless it has ended, and what it started."""
    if child.pid is None:  # interrupted before it started
        return
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:  # nothing is left in it, or the child has not made it yet
        if child.exitcode is None:
            child.kill()


def _ending(exitcode: int) -> str:
    """How a process ended, from its multiprocessing exit code (minus the signal that killed it)."""
    if exitcode >= 0:
        return f"exit status {exitcode}"
    try:
        return f"killed by {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"killed by signal {-exitcode}"


# ------------------------------------------------------------------------ artifacts


def output_path(path: Path) -> str:
    """Where a listing's captured output lies in the cache: ``output/<name>.txt``."""
    return paths.listing_output(path.stem)


def _make(path: Path, limit: float, out: Path, ctx: Context) -> None:
    write_text(out, output_path(path), run_listing(path, limit))


def artifacts(root: Path = REPO_ROOT, without: Collection[str] = ()) -> list[Artifact]:
    """One artifact per listing: its captured output, keyed by the listing's bytes.

    Listings import nothing from ``actdocs`` (a reader copies them as they are;
    ``tests/execute/test_snippets.py`` enforces it), so their bytes and this module's code are
    all that their output depends on; the time limit (:func:`time_limit`, read here, so
    that a malformed one stops the build before it starts) keys nothing. The listings
    named in ``without`` (stems) are left to another producer, which runs them once for
    their output and a figure (:mod:`actdocs.execute.listing_figures`).
    """
    limit = time_limit()
    return [
        Artifact(
            name=f"output-{path.stem}",
            outputs=(output_path(path),),
            make=functools.partial(_make, path, limit),
            module="actdocs.execute.listings",
            inputs=(f"{SNIPPETS}/{path.name}",),
        )
        for path in snippet_paths(root)
        if path.stem not in without
    ]
