"""The cache folder: what marks it as an actdocs cache, who holds it, what a stopped build
leaves in it, and how a file is written into it whole.

A build writes only into a new or empty folder or an actdocs cache (:func:`claim`: a
:data:`TAG` marks one), never over a user's files. One build at a time holds a cache
(:func:`locked`: an exclusive ``fcntl.flock`` on :data:`LOCK`); holding it, a build
removes the scratch folders a killed build left (:func:`remove_stale_scratch`), and so
does the fast path when no build holds it (:func:`tidy`). Files are written through a
temporary file and a rename (:func:`atomic_write`), so a reader never sees half of one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from actdocs.engine.errors import CacheError, UsageError
from actdocs.engine.manifest import MANIFEST
from actdocs.engine.workers import cause

#: The lock file a build holds (``fcntl.flock``, exclusive) in the cache it writes.
LOCK = ".build.lock"
#: Prefix of the scratch folders artifacts are made in, inside the cache.
SCRATCH = ".making-"
#: The file that marks a folder as an actdocs cache, in the Cache Directory Tagging
#: format (backup tools skip such folders), and its text.
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This folder is an actdocs artifact cache: `python -m actdocs build` makes it again.\n")
#: Prefix of the file that proves a folder writable (removed at once).
PROBE = ".probe-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; published files should be readable
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(cache: Path, log: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the cache's build lock (``CACHE/.build.lock``) while the block runs.

    When another build holds it, say so once through ``log`` and wait.
    """
    path = cache / LOCK
    try:
        handle = open(path, "a+b")
    except OSError as err:
        raise CacheError(f"cannot open the lock file {path}: {cause(err)}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if log:
                log(f"waiting for another build of {cache}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock; so does the death of the process


def _stale(cache: Path) -> list[Path]:
    """The scratch folders and manifest temporaries in ``cache``, sorted."""
    return sorted(cache.glob(f"{SCRATCH}*")) + sorted(cache.glob(f".{MANIFEST}.*.tmp"))


def remove_stale_scratch(cache: Path, log: Callable[[str], None] | None = None) -> int:
    """Remove the scratch folders (and manifest temporaries) a killed build left; return
    how many. Call it holding the lock: no live build then owns any of them."""
    stale = _stale(cache)
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale and log:
        log(f"removed {len(stale)} stale scratch file(s) left in {cache} by a build that was stopped")
    return len(stale)


def tidy(cache: Path, log: Callable[[str], None] | None = None) -> None:
    """Remove what a killed build left in ``cache`` when no build holds it now: the fast
    path calls it, which otherwise takes no lock and would leave the scratch forever."""
    if not _stale(cache):
        return
    try:
        handle = open(cache / LOCK, "a+b")
    except OSError:  # a cache we cannot write: the scratch is not ours to remove
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live build owns the scratch
            return
        remove_stale_scratch(cache, log)


def claim(cache: Path) -> None:
    """Make sure ``cache`` is an actdocs cache before anything is written into it.

    An empty folder becomes one (it gets a :data:`TAG`); a folder with our tag, or with
    a manifest left by a build from before the tag, is one. Any other folder holds
    files that actdocs did not make, which a build could overwrite: a :class:`UsageError`.
    """
    tag = cache / TAG
    try:
        if tag.is_file() and TAG_TEXT in tag.read_text(encoding="utf-8", errors="replace"):
            return
        found = sorted(p.name for p in cache.iterdir() if not _own_litter(p.name))
        if found and not (cache / MANIFEST).is_file():
            raise UsageError(f"{cache} is not empty and not an actdocs cache (it holds {found[0]!r} and no "
                             f"{TAG} from actdocs): build into a new or empty folder")
        atomic_write(tag, TAG_TEXT.encode())
    except OSError as err:
        raise CacheError(f"cannot write {tag}: {cause(err)}") from None


def _own_litter(name: str) -> bool:
    """A name only a build writes outside the manifest: the lock, a scratch folder, a
    manifest or tag temporary, a writability probe."""
    return name == LOCK or name.startswith((SCRATCH, f".{MANIFEST}.", f".{TAG}.", PROBE))


def ensure_writable(folder: Path, what: str = "the cache folder") -> None:
    """Create ``folder`` if needed and prove a file can be written in it, or raise UsageError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=PROBE):
            pass
    except OSError as err:
        raise UsageError(f"cannot write to {what} {folder}: {err.strerror or err}") from None
