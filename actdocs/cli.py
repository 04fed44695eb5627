"""The ``actdocs`` command line (``python -m actdocs`` or the ``actdocs`` script).

Bad input (an unknown name, an unavailable device, an unwritable or empty folder, a
malformed option) and faults of the cache (a full disk, an output that cannot be
replaced, a manifest that is not a file) are reported as one line on stderr with exit
status 2; a listing that fails while the site is built, or a worker process that dies,
is one line with exit status 1.
``build --jobs N`` (or ``$ACTDOCS_JOBS``; the cores this process may use when neither is
given) makes up to N artifacts at once; ``--jobs 1`` makes each in the build's own process.
Ctrl-C stops a build within two seconds, keeping what was done, with one line
(``actdocs: interrupted; N artifacts kept``) and exit status 130; SIGTERM (a CI job
cancelled, ``timeout``) does the same with ``terminated`` and exit status 143; further
signals are then ignored while it tidies up. None of them prints a traceback.

Each command imports only what it needs: parsing ``build``'s arguments does not import
the benchmark module, and the fast path imports neither torch nor any producer.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

from actdocs.engine import device as devices
from actdocs.engine.errors import CacheError, DeclarationError, ListingError, UsageError, WorkerError

PROG = "actdocs"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()

    def start(self, index: int, total: int, name: str) -> None:
        if self.active:
            filled = round(24 * (index - 1) / total)
            bar = "#" * filled + "-" * (24 - filled)
            sys.stderr.write(f"\r[{bar}] {index}/{total} {name[:40]:<40}")
            sys.stderr.flush()

    def log(self, line: str) -> None:
        if self.active:
            sys.stderr.write("\r\033[K")
        _log(line)


def _folder(text: str) -> Path:
    """A folder argument; the empty string (which would mean the current folder) is refused."""
    if not text:
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(text)


def _jobs(text: str) -> int:
    """A ``--jobs`` argument: a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser; the bench options (and so the bench module) only for ``bench``."""
    parser = _Parser(prog=PROG, description="Generate and check the actdocs site's artifacts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = sub.add_parser("build", help="make every figure, table and listing output into DIR (cached)")
    build.add_argument("dir", type=_folder, metavar="DIR", help="cache folder to write the artifacts to")
    build.add_argument("--device", choices=devices.CHOICES, default=None,
                       help="torch device for experiments and benchmarks (default: $ACTDOCS_DEVICE or auto)")
    build.add_argument("--force", action="store_true", help="remake every selected artifact, cached or not")
    build.add_argument("--only", nargs="+", metavar="NAME",
                       help="make only the artifacts matching these names or globs, and those they read")
    build.add_argument("--list", action="store_true", help="list the artifact names and exit")
    build.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="make up to N artifacts at once, 1 in this process "
                            "(default: $ACTDOCS_JOBS or the cores this process may use)")

    bench = sub.add_parser("bench", help="time every activation forward and backward against the copy bandwidth")
    if next((a for a in argv if not a.startswith("-")), None) == "bench":
        from actdocs.bench import cli as benchmark

        benchmark.add_arguments(bench)

    return parser


def _build(args: argparse.Namespace, progress: _Progress, stopping: threading.Event) -> int:
    from actdocs.engine import workers
    from actdocs.engine.artifact import Context, REPO_ROOT
    from actdocs.engine.folder import ensure_writable, tidy
    from actdocs.execute.env_numbers import positive
    from actdocs.experiments.threads import experiment_threads
    from actdocs.execute.listings import time_limit
    from actdocs.engine.keys import tree_fingerprint
    from actdocs.engine.manifest import complete

    started = time.perf_counter()
    requested = devices.requested(args.device)
    experiment_threads()  # their variables are checked here, made or cached
    time_limit()
    jobs = positive(workers.JOBS_VARIABLE, workers.cores(), "jobs")  # checked even when --jobs is given
    jobs = args.jobs or jobs
    if requested == "cuda":  # fail fast, before any cache look-up
        devices.resolve(requested)
    if not args.list:
        ensure_writable(args.dir)
    fingerprint = tree_fingerprint(REPO_ROOT, requested)
    if not (args.force or args.only or args.list):
        count = complete(args.dir, fingerprint)
        if count is not None:
            tidy(args.dir, _log)
            _log(f"actdocs: all {count} artifacts cached, nothing to do ({time.perf_counter() - started:.2f}s)")
            return 0

    from actdocs.engine.build import build, select
    from actdocs.engine.keys import snapshot_code
    from actdocs.engine.order import with_dependencies

    snapshot_code()  # hash the code before importing it: a save mid-build cannot mix them
    from actdocs.artifacts import all_artifacts

    everything = all_artifacts()
    if args.list:
        print("\n".join(a.name for a in everything))
        return 0
    named = select(everything, args.only)
    ctx = Context(device=devices.resolve(requested), cache=args.dir.resolve())
    records = build(
        args.dir, with_dependencies(everything, named), ctx,
        force={a.name for a in named} if args.force else False,  # not what they read
        fingerprint=None if args.only else fingerprint,
        log=progress.log,
        on_start=progress.start,
        stopping=stopping,
        jobs=jobs,
    )
    made = sum(r.status == "made" for r in records)
    _log(f"actdocs: {made} made, {len(records) - made} cached on {ctx.device} in {time.perf_counter() - started:.1f}s")
    return 0


#: The signals that stop a build, keeping what it finished, and the word its last line uses.
STOPPING = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


class _Stop:
    """The handler of :data:`STOPPING`: the first signal raises KeyboardInterrupt in the
    main thread, remembers which signal it was and sets :attr:`requested`, which the
    build checks before each artifact (the KeyboardInterrupt is lost when it is raised
    inside a finaliser); every later signal is ignored, so that it cannot break the
    tidy-up."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.requested = threading.Event()

    def __call__(self, signum, frame) -> None:
        for each in STOPPING:
            signal.signal(each, signal.SIG_IGN)
        self.signum = signum
        self.requested.set()
        raise KeyboardInterrupt

    def line(self, err: KeyboardInterrupt) -> str:
        """The last line: how the build was stopped and how many artifacts it kept."""
        word = STOPPING.get(self.signum or signal.SIGINT, "interrupted")
        kept = getattr(err, "kept", None)
        if kept is None:
            return f"{PROG}: {word}"
        return f"{PROG}: {word}; {kept} artifact{'' if kept == 1 else 's'} kept"

    def status(self) -> int:
        """128 plus the signal's number, as a shell reports a process the signal ended."""
        return 128 + (self.signum or signal.SIGINT)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    stop = _Stop()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.signal(signum, stop) for signum in STOPPING} if in_main_thread else {}
    progress = _Progress()
    try:
        args = _parser(argv).parse_args(argv)
        if args.command == "bench":
            from actdocs.bench import cli as bench

            return bench.main(args)
        return _build(args, progress, stop.requested)
    except (UsageError, CacheError) as err:
        progress.log(f"{PROG}: error: {err}")
        return 2
    except (ListingError, DeclarationError, WorkerError) as err:
        progress.log(f"{PROG}: error: {err}")
        return 1
    except KeyboardInterrupt as err:
        progress.log(stop.line(err))
        return stop.status()
    finally:
        if stop.signum is None:  # after a stop the signals stay ignored: the process is on its way out
            for signum, handler in previous.items():
                signal.signal(signum, handler)
