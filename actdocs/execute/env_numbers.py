"""Numbers read from environment variables: one parser and one message for all of them.

Imports neither torch nor any producer, so the command line checks every variable at
start-up, before its fast path: a malformed value is one line and exit status 2 whether
or not the artifact that reads it is made.
"""

from __future__ import annotations

import math
import os
from typing import TypeVar

from actdocs.engine.errors import UsageError

Number = TypeVar("Number", int, float)


def positive(name: str, default: Number, unit: str) -> Number:
    """``$name`` as a positive number of ``default``'s type (a whole number >= 1 for an
    int, a finite number > 0 for a float), or ``default`` when unset or blank; any other
    value is a :class:`UsageError` naming the variable, what it takes and the default."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    kind = type(default)
    try:
        value = kind(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        whole = "whole " if kind is int else ""
        raise UsageError(f"{name}={text!r}: expected a positive {whole}number of {unit} (or unset, for {default:g})")
    return value
