"""``actdocs bench``: its options and :func:`main`.

Bad input (an unknown activation, more threads than cores, an unreadable ``--compare``
file, a JSON folder that does not exist or cannot be written, buffers too large for the
memory) raises :class:`actdocs.engine.errors.UsageError`, which the ``actdocs`` command prints as
one line with exit status 2. The JSON destination is checked before anything is measured.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from actdocs.bench import schema
from actdocs.engine.errors import UsageError


def _path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a file or folder name")
    return Path(text)


def _positive(kind: type) -> Any:
    """A parser of numbers of ``kind`` (int or float) >= 0; NaN is refused too."""
    what = "a whole number" if kind is int else "a number"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not value >= 0:
            raise argparse.ArgumentTypeError(f"expected {what} >= 0, got {text!r}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``actdocs bench``."""
    from actdocs.engine import device as devices

    add = parser.add_argument
    add("--device", choices=devices.CHOICES, default=None,
        help="torch device (default: $ACTDOCS_DEVICE or auto: CUDA when present)")
    add("--threads", type=int, default=None, metavar="N",
        help="intra-op threads for the whole run (default and maximum: the cores this process may use)")
    add("--quick", action="store_true", help="fewer passes, no compiled column (<= 30 s on 2 cores)")
    add("--compare", nargs=2, type=_path, metavar=("A", "B"),
        help="print how far two saved runs' cells are apart, and exit (measures nothing)")
    add("--json", type=_path, metavar="FILE", help="write the JSON document to FILE")
    add("--json-dir", type=_path, metavar="DIR",
        help="write the JSON document to DIR/<device>-<cpu or gpu>-<threads>t-<UTC date>.json")
    add("--only", nargs="+", metavar="NAME", help="activations to time (ReLU, the reference, always is)")
    add("--dtype", nargs="+", choices=schema.DTYPES, default=None,
        help="dtypes (default: float32 on a CPU, float32 and bfloat16 on a GPU)")
    add("--size", nargs="+", choices=tuple(schema.SIZES), default=None,
        help="cache (1000 x 256) and/or memory (2^24 elements on a CPU, 2^28 on a GPU)")
    add("--memory-elements", type=int, default=None, metavar="N", help="elements at the memory size (a multiple of 512)")
    add("--passes", type=int, default=None, metavar="N", help="passes before the intervals are judged (5 quick, 15 full)")
    add("--max-passes", type=int, default=None, metavar="N", help="passes at most while an interval is wide")
    add("--attempts", type=int, default=None, metavar="N", help="runs at most while the ceiling drifts (1 quick, 2 full)")
    add("--no-compile", action="store_true", help="leave out the torch.compile column of a full run")
    add("--retries", type=_positive(int), default=None, metavar="N", help="retries of a block other processes loaded")
    add("--retry-budget", type=_positive(float), default=None, metavar="S",
        help="seconds the run may spend retrying loaded blocks and waiting for quiet")
    add("--deadline", type=_positive(float), default=None, metavar="S", help="start no pass after S seconds")
    add("--no-tables", action="store_true", help="do not print the Markdown tables")


def config_from_args(args: argparse.Namespace) -> "Any":
    """A :class:`actdocs.bench.config.RunConfig` from parsed options; UsageError on bad input."""
    from actdocs.engine import device as devices
    from actdocs.bench.config import RunConfig

    get = lambda name: getattr(args, name, None)  # noqa: E731
    return RunConfig(
        keys=tuple(get("only")) if get("only") else None,
        dtypes=tuple(get("dtype")) if get("dtype") else None,
        sizes=tuple(get("size")) if get("size") else None,
        compiled=False if get("no_compile") else None,
        threads=get("threads"),
        device=devices.resolve(devices.requested(get("device"))),
        quick=bool(get("quick")),
        passes=get("passes"), max_passes=get("max_passes"), attempts=get("attempts"),
        retries=get("retries"), retry_budget_s=get("retry_budget"), deadline_s=get("deadline"),
        memory_elements=get("memory_elements"),
    )


def _compare(paths: list[Path]) -> int:
    from actdocs.bench.compare import report
    from actdocs.bench.load import load

    a, b = (load(p) for p in paths)
    sys.stdout.write(report(a, b, (paths[0].name, paths[1].name)))
    return 0


def _writable_folder(folder: Path, named: str) -> None:
    """Refuse ``folder`` unless it is an existing folder a file can be written in; ``named``
    is how the error names it. A missing one is not created: it is more likely a typo."""
    from actdocs.engine.build import ensure_writable

    if not folder.is_dir():
        raise UsageError(f"{named} {'is not a folder' if folder.exists() else 'does not exist'}")
    ensure_writable(folder, "the JSON folder")


def _check_outputs(json_file: Path | None, json_dir: Path | None) -> None:
    """Refuse, before measuring rather than after, a JSON destination that cannot be written."""
    if json_file is not None:
        if json_file.is_dir():
            raise UsageError(f"--json {json_file} is a folder; give a file name")
        _writable_folder(json_file.parent, f"--json {json_file}: its folder {json_file.parent}")
    if json_dir is not None:
        _writable_folder(json_dir, f"--json-dir {json_dir}")


def _write(path: Path, doc: dict[str, Any]) -> None:
    from actdocs.engine.build import atomic_write

    try:
        atomic_write(path, schema.dumps(doc).encode())
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


def main(args: argparse.Namespace) -> int:
    """Run ``actdocs bench``: compare two runs, or measure, write the JSON, print the tables."""
    if getattr(args, "compare", None):
        return _compare(args.compare)
    from actdocs.bench.render import harness_failures, markdown_tables
    from actdocs.bench.runner import run
    from actdocs.bench.validate import validate

    json_file, json_dir = getattr(args, "json", None), getattr(args, "json_dir", None)
    _check_outputs(json_file, json_dir)
    config = config_from_args(args)
    tty = sys.stderr.isatty()

    def progress(line: str) -> None:
        sys.stderr.write("\r\033[K" + line[:120])
        sys.stderr.flush()

    doc = run(config, progress if tty else None)
    if tty:
        sys.stderr.write("\r\033[K")
    problems = validate(doc)
    if problems:  # pragma: no cover - the runner builds valid documents
        raise RuntimeError(f"invalid benchmark document: {problems[0]}")
    written = []
    if json_file is not None:
        _write(json_file, doc)
        written.append(str(json_file))
    if json_dir is not None:
        path = json_dir / schema.saved_name(doc)
        _write(path, doc)
        written.append(str(path))
    if not getattr(args, "no_tables", False):
        sys.stdout.write(markdown_tables(doc))
        sys.stdout.flush()
    for line in harness_failures(doc):
        print(f"actdocs: bench: {line}", file=sys.stderr)
    r, env = doc["run"], doc["environment"]
    print(f"actdocs: bench: {r['cells']} cells on {env['device']} ({env['device_name']}, {env['threads']} threads) "
          f"in {r['seconds']:.1f}s, {r['passes']} passes, {r['attempts']} attempt(s); {r['flagged']} flagged, "
          f"{r['above_ceiling']} above the ceiling, {r['retries']} retries"
          + (f"; run flags: {', '.join(r['flags'])}" if r["flags"] else "")
          + (f"; wrote {', '.join(written)}" if written else ""), file=sys.stderr)
    return 0
