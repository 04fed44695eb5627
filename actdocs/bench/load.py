"""Reading benchmark documents from disk: one valid document, or one clear error naming the
file, and the runs kept under ``data/bench``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from actdocs.bench.schema import RECORDED_DIR
from actdocs.bench.validate import validate
from actdocs.engine.errors import UsageError


class BenchDataError(UsageError):
    """A benchmark document that cannot be read or fails :func:`actdocs.bench.validate.validate`."""


def _reason(err: Exception) -> str:
    """Why a file could not be read as JSON, in a few words."""
    if isinstance(err, RecursionError):
        return "nested too deeply"
    return err.strerror if isinstance(err, OSError) and err.strerror else str(err)


def load(path: Path | str) -> dict[str, Any]:
    """Read and validate the benchmark JSON file at ``path``; :class:`BenchDataError` when it
    is broken: a folder, unreadable, not UTF-8, not JSON (or nested too deeply to parse), or
    not a valid document."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise BenchDataError(f"{path}: not a readable benchmark JSON file: {_reason(err)}") from None
    problems = validate(doc)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BenchDataError(f"{path}: not a valid benchmark document: {problems[0]}{more}")
    return doc


def kept_files(root: Path | str) -> list[Path]:
    """The ``*.json`` files kept under ``root``/data/bench, sorted. Anything else so named
    (a folder) is a :class:`BenchDataError` naming it."""
    paths = sorted((Path(root) / RECORDED_DIR).glob("*.json"))
    for path in paths:
        if not path.is_file():
            found = "a folder" if path.is_dir() else "no regular file"
            raise BenchDataError(f"{path}: expected a benchmark JSON file, found {found}")
    return paths


def recorded_runs(root: Path | str) -> list[tuple[Path, dict[str, Any]]]:
    """The valid documents kept under ``root``/data/bench, newest first (by their UTC date).

    Files that are not valid benchmark documents are left out here; the site build
    reads each kept file through :func:`load`, which stops on them.
    A folder named like one stops it here (:func:`kept_files`).
    """
    found = []
    for path in kept_files(root):
        try:
            found.append((path, load(path)))
        except BenchDataError:
            continue
    return newest_first(found)


def newest_first(runs: list[tuple[Any, dict[str, Any]]]) -> list[tuple[Any, dict[str, Any]]]:
    """(path, document) pairs sorted newest first by the run's UTC date (then file name)."""
    return sorted(runs, key=lambda item: (item[1]["environment"]["date"], Path(item[0]).name), reverse=True)


def per_device(runs: list[tuple[Any, dict[str, Any]]]) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    """The runs of each device, in the order given (newest first, as :func:`recorded_runs` gives)."""
    by_device: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for path, doc in runs:
        by_device.setdefault(doc["environment"]["device"], []).append((path, doc))
    return by_device
