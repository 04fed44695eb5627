"""Reading a benchmark document from disk: valid, or one clear error naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from actdocs.bench.validate import validate
from actdocs.errors import UsageError


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
