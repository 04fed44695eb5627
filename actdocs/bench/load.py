"""Reading a benchmark document from disk: valid, or one clear error naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from actdocs.bench.validate import validate
from actdocs.errors import UsageError


class BenchDataError(UsageError):
    """A benchmark document that cannot be read or fails :func:`actdocs.bench.validate.validate`."""


def load(path: Path | str) -> dict[str, Any]:
    """Read and validate the benchmark JSON file at ``path``; :class:`BenchDataError` when it is broken."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise BenchDataError(f"{path}: not a readable benchmark JSON file: {reason}") from None
    problems = validate(doc)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BenchDataError(f"{path}: not a valid benchmark document: {problems[0]}{more}")
    return doc
