"""The ``actdocs`` command line (``python -m actdocs`` or the ``actdocs`` script).

Bad input (an unknown name, an unavailable device, an unwritable folder, a malformed
option) is reported as one line on stderr with exit status 2; a listing that fails
while the site is built is one line with exit status 1. Neither prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from actdocs import device as devices
from actdocs.errors import ListingError, UsageError

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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Generate and check the actdocs site's artifacts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = sub.add_parser("build", help="make every figure, table and listing output into DIR (cached)")
    build.add_argument("dir", type=Path, metavar="DIR", help="cache folder to write the artifacts to")
    build.add_argument("--device", choices=devices.CHOICES, default=None,
                       help="torch device for experiments and benchmarks (default: $ACTDOCS_DEVICE or auto)")
    build.add_argument("--force", action="store_true", help="remake every selected artifact, cached or not")
    build.add_argument("--only", nargs="+", metavar="NAME", help="make only the artifacts matching these names or globs")
    build.add_argument("--list", action="store_true", help="list the artifact names and exit")

    from actdocs import bench

    bench.add_arguments(sub.add_parser(
        "bench", help="time every activation forward and backward against the copy bandwidth"))

    return parser


def _build(args: argparse.Namespace) -> int:
    from actdocs.build import Context, REPO_ROOT, build, complete, ensure_writable, tree_fingerprint

    started = time.perf_counter()
    requested = devices.requested(args.device)
    if requested == "cuda":  # fail fast, before any cache look-up
        devices.resolve(requested)
    if not args.list:
        ensure_writable(args.dir)
    fingerprint = tree_fingerprint(REPO_ROOT, requested)
    if not (args.force or args.only or args.list):
        count = complete(args.dir, fingerprint)
        if count is not None:
            _log(f"actdocs: all {count} artifacts cached, nothing to do ({time.perf_counter() - started:.2f}s)")
            return 0

    from actdocs.build import select, snapshot_code

    snapshot_code()  # hash the code before importing it: a save mid-build cannot mix them
    from actdocs.artifacts import all_artifacts

    everything = all_artifacts()
    if args.list:
        print("\n".join(a.name for a in everything))
        return 0
    chosen = select(everything, args.only)
    ctx = Context(device=devices.resolve(requested), cache=args.dir.resolve())
    progress = _Progress()
    records = build(
        args.dir, chosen, ctx,
        force=args.force,
        fingerprint=None if args.only else fingerprint,
        log=progress.log,
        on_start=progress.start,
    )
    made = sum(r.status == "made" for r in records)
    _log(f"actdocs: {made} made, {len(records) - made} cached on {ctx.device} in {time.perf_counter() - started:.1f}s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""

    try:
        args = _parser().parse_args(argv)
        if args.command == "bench":
            from actdocs import bench

            return bench.main(args)
        return _build(args)
    except UsageError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except ListingError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
