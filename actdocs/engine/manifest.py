"""The cache's manifest (``manifest.json``): what the build made, and the fast path's proof.

The document is JSON::

    {"artifacts": {NAME: {"key": ..., "made_at": ..., "seconds": ...,
                          "outputs": {PATH: {"sha256": ..., "bytes": ...}}}},
     "fingerprint": null | {"tree": ..., "count": ..., "entries": ..., "files": ...},
     "environment": {...}, "device": ...}

An entry says which key an artifact was made under and the SHA-256 and size of each
output. The build rewrites the manifest (atomically) each time an artifact is made, so
a build that is killed keeps the record of everything it finished. ``fingerprint`` is
written only by a complete build: the tree fingerprint it ran on, and the count and a
hash of the entries it recorded, every output record included, and a hash of every
output's size and modification time. :func:`complete` trusts the cache without listing
the artifacts only when the fingerprint matches, the entries are exactly those the
complete build recorded, and every output is on disk as that build left it.

Anything malformed (not JSON, not an object, an entry of the wrong shape) counts as
absent: the artifacts it describes are made again, never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from actdocs.engine.errors import CacheError

MANIFEST = "manifest.json"

# Why an artifact is made again (the build logs one of these beside it).
FORCED = "forced"
NOT_IN_MANIFEST = "not in manifest"
NEW_KEY = "new key"
MISSING_OUTPUT = "missing output"
DAMAGED_OUTPUT = "damaged output (hash mismatch)"


@dataclass(frozen=True)
class Output:
    """One output file as recorded: its SHA-256 and its size in bytes."""

    sha256: str
    bytes: int

    @classmethod
    def of(cls, path: Path) -> "Output":
        """The record of the file at ``path`` as it is now."""
        data = path.read_bytes()
        return cls(hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class Entry:
    """One artifact's manifest entry: the key it was made under and its outputs."""

    key: str
    made_at: str
    seconds: float
    outputs: Mapping[str, Output]

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the manifest."""
        return {
            "key": self.key,
            "made_at": self.made_at,
            "seconds": round(self.seconds, 3),
            "outputs": {rel: {"sha256": o.sha256, "bytes": o.bytes} for rel, o in sorted(self.outputs.items())},
        }


def parse_entry(raw: Any) -> Entry | None:
    """The entry stored as ``raw``, or None when it has not exactly the expected shape."""
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or not isinstance(raw.get("made_at"), str):
        return None
    seconds, recorded = raw.get("seconds"), raw.get("outputs")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    if not isinstance(recorded, dict) or not recorded:
        return None
    outputs: dict[str, Output] = {}
    for rel, output in recorded.items():
        if not (isinstance(rel, str) and rel and isinstance(output, dict)):
            return None
        sha, size = output.get("sha256"), output.get("bytes")
        if not isinstance(sha, str) or isinstance(size, bool) or not isinstance(size, int) or size < 0:
            return None
        outputs[rel] = Output(sha, size)
    return Entry(raw["key"], raw["made_at"], float(seconds), outputs)


def check_file(cache: Path) -> None:
    """Raise :class:`CacheError` when ``cache/manifest.json`` exists but is not a file.

    A folder (or socket, ...) there could never be replaced by the new manifest: better
    to say so before the build than after it.
    """
    path = cache / MANIFEST
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise CacheError(f"cannot read {path}: {err.strerror or err}") from None
    if not stat.S_ISREG(mode):
        raise CacheError(f"{path} is not a file; remove it and build again")


def read_document(cache: Path) -> dict[str, Any]:
    """The manifest; an unreadable or malformed one counts as empty (everything is remade).

    The result always has an ``artifacts`` object; its entries are as stored (see
    :func:`entries` for the well-formed ones).
    """
    try:
        data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return {"artifacts": {}}
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), dict):
        return {"artifacts": {}}
    return data


def entries(document: Mapping[str, Any]) -> dict[str, Entry]:
    """The well-formed entries of a manifest document, by artifact name."""
    parsed = {name: parse_entry(raw) for name, raw in document.get("artifacts", {}).items()}
    return {name: entry for name, entry in parsed.items() if entry is not None}


def why_remake(entry: Entry | None, key: str, cache: Path, outputs: Iterable[str]) -> str | None:
    """Why an artifact with ``key`` and declared ``outputs`` must be made again; None
    when ``entry`` records that key and every output is on disk with its recorded hash."""
    if entry is None:
        return NOT_IN_MANIFEST
    if entry.key != key:
        return NEW_KEY
    if set(entry.outputs) != set(outputs):  # same key, other files: an entry edited by hand
        return NOT_IN_MANIFEST
    if not all((cache / rel).is_file() for rel in entry.outputs):
        return MISSING_OUTPUT
    if any(Output.of(cache / rel) != recorded for rel, recorded in entry.outputs.items()):
        return DAMAGED_OUTPUT
    return None


def entries_digest(found: Mapping[str, Entry]) -> str:
    """A hash of entries as stored: names, keys and every output record (order does not matter)."""
    stored = {name: entry.to_json() for name, entry in found.items()}
    return hashlib.sha256(json.dumps(stored, sort_keys=True).encode()).hexdigest()


def files_digest(cache: Path, found: Mapping[str, Entry]) -> str | None:
    """A hash of the size and modification time of every output of ``found`` as on disk
    now; None when one is missing or not a regular file."""
    digest = hashlib.sha256()
    for name in sorted(found):
        for rel in sorted(found[name].outputs):
            try:
                info = os.stat(cache / rel)
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode):
                return None
            digest.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def seal(tree: str, found: Mapping[str, Entry], cache: Path) -> dict[str, Any]:
    """The ``fingerprint`` a complete build that recorded ``found`` in ``cache`` on tree
    fingerprint ``tree`` stores: with the outputs' sizes and modification times, which
    that build has just checked against their hashes."""
    return {"tree": tree, "count": len(found), "entries": entries_digest(found), "files": files_digest(cache, found)}


def complete(cache: Path, tree: str) -> int | None:
    """The number of artifacts when the cache is known complete for tree fingerprint
    ``tree``, else None.

    Known complete: a complete build sealed the manifest with ``tree``, the manifest
    still holds exactly the entries that build recorded (their count and a hash of each
    one, output records included: an output record removed by hand breaks the seal), each
    entry is well-formed, and every output is a file of the size and modification time it
    had when the build sealed it (an output edited by hand has another). Sizes and times,
    not hashes: hashing every output would cost the warm rebuild its budget, and the
    per-artifact path (which hashes) runs as soon as anything differs.
    """
    document = read_document(cache)
    sealed, raw = document.get("fingerprint"), document["artifacts"]
    if not isinstance(sealed, dict) or sealed.get("files") is None:
        return None
    found = entries(document)
    if len(found) != len(raw) or sealed != seal(tree, found, cache):
        return None
    return len(found)
