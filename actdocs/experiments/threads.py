"""How many torch threads the experiments use: one, or ``ACTDOCS_EXPERIMENT_THREADS``.

Read without importing torch, so that ``python -m actdocs build`` checks the variable at
start-up, before its fast path: a malformed value is one line and exit status 2 whether
or not an experiment is made.
"""

from __future__ import annotations

import os

from actdocs.execute.env_numbers import positive

ENV_VAR = "ACTDOCS_EXPERIMENT_THREADS"

#: Torch threads inside the experiments. Their matrices are small (128 x 128): on the
#: shared 2-core build machine a second thread spins against the other processes and
#: made the experiments 3 to 25 times slower (measured), so one thread it is.
#: :data:`ENV_VAR` overrides it (capped at the machine's core count).
DEFAULT_THREADS = 1


def experiment_threads() -> int:
    """Torch threads for the experiments: :data:`DEFAULT_THREADS`, or :data:`ENV_VAR` (a
    whole number, at least 1) capped at the core count; any other value is a :class:`UsageError`."""
    return min(positive(ENV_VAR, DEFAULT_THREADS, "threads"), os.cpu_count() or 1)
