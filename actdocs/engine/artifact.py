"""The artifact record: one unit of generated output, and the context its ``make`` reads.

These are data only, so that the build (:mod:`actdocs.engine.build`), its keys
(:mod:`actdocs.engine.keys`) and its order (:mod:`actdocs.engine.order`) all import them and
none imports another for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

#: The package's folder and the repository's (where ``snippets/``, ``docs/`` and ``data/`` lie).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_ROOT.parent


@dataclass(frozen=True)
class Context:
    """What every producer may read: the device, the repository root and the cache.

    A producer reads other artifacts' outputs from ``cache`` (see ``Artifact.reads``);
    :func:`build` sets it to the cache it builds.
    """

    device: str = "cpu"
    root: Path = REPO_ROOT
    cache: Path = REPO_ROOT / ".cache" / "actdocs"


@dataclass(frozen=True)
class Artifact:
    """One unit of generated output.

    ``make(out, ctx)`` writes every path of ``outputs`` below the folder ``out``.
    ``module`` is the module whose source (with its ``actdocs`` imports) keys the cache;
    ``inputs`` are further files (relative to the repository root) whose bytes key it.
    ``reads`` are outputs of other artifacts (relative to the cache) that ``make`` reads
    from ``ctx.cache``: the build makes those artifacts first, and their bytes key this
    one too, so new benchmark or experiment results remake the tables built from them.

    The build makes any other artifact in a worker process (or in its own process with
    ``--jobs 1``), so ``make`` must write the same bytes whichever process runs it.
    ``concurrent`` artifacts are made one after the other in a background thread of the
    build process while the rest goes on (the notebooks, whose kernels are processes of
    their own; the one running counts as one of the build's jobs); ``cancel``, if given,
    is called when the build stops while one is being made, to make its ``make`` return
    soon (the notebooks shut their kernels down). An ``exclusive`` artifact (a benchmark)
    starts once every artifact before it is done, and nothing else runs until it is, so
    that a timing runs on an otherwise idle machine.
    """

    name: str
    outputs: tuple[str, ...]
    make: Callable[[Path, Context], None]
    module: str
    params: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    device_dependent: bool = False
    concurrent: bool = False
    exclusive: bool = False
    cancel: Callable[[], None] | None = None
