"""The benchmark's JSON document: its vocabulary, how a run becomes one, and where runs are kept.

A document (``schema`` 2) holds

* ``environment``: the machine and the settings (device and its name, torch, threads,
  caches, allocator, timer, UTC date, the load before the run, quick or full);
* ``ceiling``: per size and dtype, every streaming kernel timed (``kernels``, each a
  *measurement*), the best of each class (:data:`CLASSES`), their GB/s, their drift between
  the first and the last passes, the cache level the working set lives in, and flags;
* ``cells``: per activation, dtype, size, mode, convention and column (eager or
  compiled) one *measurement* with the bytes it must move, its GB/s, its % of the ceiling
  and its time over ReLU's (each a median over passes of per-pass ratios, with a
  bootstrap interval), ``flags`` and ``noisy`` (true when any flag is set: the cell
  carries no verdict);
* ``probes``: extra kernels timed in the same passes to explain what the cells show;
* ``compile``: torch.compile's seconds per activation and graph;
* ``run``: seconds, passes, attempts, run-level flags and counts.

A *measurement* keeps ``pass_times_s`` (seconds per call, one per pass, in pass order, so
that any two can be paired), ``pass_loaded``, its median with ``ci_s``, ``number`` (calls
per timed block), ``threads``, ``faults_per_call`` and ``cores_used`` (CPU time over wall
time while it ran).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

SCHEMA = 2

#: The activation every "× ReLU" ratio is taken against; it is always measured.
REFERENCE = "relu"

#: Elements along the last dimension (a gated unit's output has half as many).
ROW = 256

#: The two sizes: the textbook's tensor, and one far larger than any CPU cache.
SIZES: dict[str, tuple[int, int]] = {"cache": (1000, ROW), "memory": (2**24 // ROW, ROW)}
SIZE_WORDS = {"cache": "in cache", "memory": "memory-bound"}
#: Elements at the memory size, per device: a GPU's last-level cache holds 2^24 floats.
MEMORY_ELEMENTS = {"cpu": 2**24, "cuda": 2**28}
MODES = ("forward", "forward+backward")
CONVENTIONS = ("as called", "preallocated")
#: eager: PyTorch's own kernels; compiled: torch.compile (inductor) of the same call.
COLUMNS = ("eager", "compiled")
DTYPES = ("float32", "bfloat16", "float64")
DEFAULT_DTYPES = {"cpu": ("float32",), "cuda": ("float32", "bfloat16")}

#: Streaming-kernel classes: read one tensor and write one, read two and write one.
CLASSES = ("1r1w", "2r1w")

#: The streaming phases an activation cannot do without, per kind and mode: (class,
#: elements moved per output element). A forward reads x and writes y; a backward reads
#: the incoming gradient and a saved tensor and writes the input's gradient; a gated unit
#: reads two halves per output element, and its backward writes two.
PHASES: dict[tuple[str, str], tuple[tuple[str, int], ...]] = {
    ("elementwise", "forward"): (("1r1w", 2),),
    ("elementwise", "forward+backward"): (("1r1w", 2), ("2r1w", 3)),
    ("gated", "forward"): (("2r1w", 3),),
    ("gated", "forward+backward"): (("2r1w", 3), ("2r1w", 3), ("1r1w", 2)),
}

#: Where the build keeps recorded runs, relative to the repository root.
RECORDED_DIR = "data/bench"


def kind(family: str) -> str:
    """``gated`` for the gated units, ``elementwise`` for everything else (softmax too: row-wise)."""
    return "gated" if family == "gated" else "elementwise"


def traffic(family: str, mode: str) -> int:
    """Elements an activation must move per output element: 2 / 5, gated 3 / 8."""
    return sum(n for _, n in PHASES[(kind(family), mode)])


def cell_id(cell: dict[str, Any]) -> tuple[str, ...]:
    """What tells two cells of one document apart (and matches cells of two documents)."""
    return (cell["key"], cell["dtype"], cell["size"], cell["mode"], cell["convention"], cell["column"])


def cells(doc: dict[str, Any], **match: str) -> list[dict[str, Any]]:
    """The cells of ``doc`` whose fields equal ``match``, in document order."""
    return [c for c in doc["cells"] if all(c.get(k) == v for k, v in match.items())]


def dumps(doc: dict[str, Any]) -> str:
    """The document as the JSON text written to disk."""
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def slug(text: str) -> str:
    """Lower-case letters, digits and single dashes: ``AMD EPYC`` -> ``amd-epyc``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def saved_name(doc: dict[str, Any]) -> str:
    """``<device>-<device name>-<N>t-<UTC date and time>.json``: two runs of a day do not collide."""
    env = doc["environment"]
    stamp = env["date"][:19].replace(":", "").replace("T", "-")
    return f"{slug(env['device'])}-{slug(env['device_name'])}-{env['threads']}t-{stamp}.json"


def size_label(doc: dict[str, Any], size: str) -> str:
    """"1000 × 256 (in cache)" or "2²⁴ = 65536 × 256 (memory-bound)"."""
    from actdocs.render.numbers import superscript

    shape = doc["environment"].get("sizes", {}).get(size) or SIZES[size]
    n = math.prod(shape)
    power = f"2{superscript(int(math.log2(n)))} = " if size == "memory" and n & (n - 1) == 0 else ""
    return f"{power}{' × '.join(map(str, shape))} ({SIZE_WORDS.get(size, size)})"
