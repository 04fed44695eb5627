"""Faults of the cache through the command line: one line, exit status 2, a cache that
stays consistent; a damaged manifest is remade, never trusted; the fast path verifies
what it vouches for; every remake says why.

The command line runs in-process (``actdocs.cli.main``) on small synthetic artifacts
(``actdocs.artifacts.all_artifacts`` patched), so a test can fill the disk by
monkeypatching (the workers of a parallel build are forked: they see the patches too).
Each test runs a serial build and a parallel one (``--jobs 1`` and ``2``), but those
asserting exactly which artifacts a failing build had finished (:data:`SERIAL`): a
parallel build finishes them in an order that depends on timing.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from actdocs import cli
from actdocs.engine.artifact import Artifact, Context, REPO_ROOT
from actdocs.engine.build import build
from actdocs.engine.folder import LOCK, TAG, TAG_TEXT
from actdocs.engine.manifest import MANIFEST, complete
from engine_helpers import CTX, error_line, module, steps, writer  # noqa: F401 (module: a fixture)

FULL = os.strerror(errno.ENOSPC)


class Site:
    """Three artifacts built through the command line into ``cache``.

    Their parameters stand for the tree's code: changing ``text`` moves the tree
    fingerprint, as editing a producer would.
    """

    def __init__(self, tmp_path: Path, module: str, monkeypatch, capsys, jobs: int):
        self.cache, self.module, self.capsys, self.jobs = tmp_path / "cache", module, capsys, jobs
        self.text = "one"
        self.extra: list[Artifact] = []
        monkeypatch.setattr("actdocs.artifacts.all_artifacts", self.artifacts)
        monkeypatch.setattr("actdocs.engine.keys.tree_fingerprint", self.tree)

    def tree(self, root: Path, device: str) -> str:
        return f"tree-{self.text}-{len(self.extra)}-{device}"

    def artifacts(self) -> list[Artifact]:
        return [writer("a", self.module, text=self.text), writer("b", self.module, text="b"),
                writer("c", self.module, reads=("a.txt",)), *self.extra]

    def build(self, *args: str) -> tuple[int, str]:
        status = cli.main(["build", str(self.cache), "--device", "cpu", "--jobs", str(self.jobs), *args])
        return status, self.capsys.readouterr().err

    def manifest(self) -> dict:
        return json.loads((self.cache / MANIFEST).read_text(encoding="utf-8"))

    def write_manifest(self, document) -> None:
        (self.cache / MANIFEST).write_text(json.dumps(document), encoding="utf-8")

    def litter(self) -> list[str]:
        """Scratch folders and temporary files left in the cache."""
        return sorted(p.name for p in self.cache.iterdir() if p.name.startswith(".") and p.name != LOCK)

    def sealed(self) -> bool:
        return complete(self.cache, self.tree(REPO_ROOT, "cpu")) is not None


@pytest.fixture(params=[1, 2], ids=["serial", "parallel"])
def site(request, tmp_path, module, monkeypatch, capsys) -> Site:
    return Site(tmp_path, module, monkeypatch, capsys, jobs=request.param)


#: For a test of exactly which artifacts a failing build finished: a serial build only.
SERIAL = pytest.mark.parametrize("site", [1], indirect=True, ids=["serial"])


def full_disk(monkeypatch, *, after: int = 0) -> None:
    """From the manifest write number ``after + 1`` on, its bytes go to ``/dev/full``."""
    real, writes = os.fdopen, []

    def fdopen(fd, mode="r", *args, **kwargs):
        if "w" in mode:
            writes.append(fd)
            if len(writes) > after:
                os.close(fd)
                return open("/dev/full", mode)
        return real(fd, mode, *args, **kwargs)

    monkeypatch.setattr("actdocs.engine.build.os.fdopen", fdopen)


# ---------------------------------------------------------------- disk full


@SERIAL
def test_disk_full_while_a_producer_writes(site):
    def fills(out: Path, ctx: Context) -> None:
        raise OSError(errno.ENOSPC, FULL, str(out / "tables" / "full.md"))

    site.extra = [Artifact("full", ("tables/full.md",), fills, site.module)]
    status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: artifact full: {site.cache}/tables/full.md: {FULL}"
    assert set(site.manifest()["artifacts"]) == {"a", "b", "c"}, "what was made before is recorded"
    assert site.litter() == [] and not site.sealed()

    site.extra = []
    assert site.build()[0] == 0 and site.sealed()


@SERIAL
def test_disk_full_during_a_cold_build_names_the_artifact_and_keeps_what_was_finished(site):
    """Observed: a full disk stopped an artifact, the manifest write at the end failed
    too, and the one line named the manifest: the failing artifact was hidden and none of
    the finished ones recorded. Each is now recorded as it finishes."""
    def fills(out: Path, ctx: Context) -> None:
        raise OSError(errno.ENOSPC, FULL, str(out / "tables" / "full.md"))

    site.extra = [Artifact("full", ("tables/full.md",), fills, site.module)]
    with pytest.MonkeyPatch.context() as patch:
        full_disk(patch, after=4)  # the disk fills up after the tag and the records of a, b and c
        status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: artifact full: {site.cache}/tables/full.md: {FULL}"
    assert set(site.manifest()["artifacts"]) == {"a", "b", "c"}
    site.extra = []
    status, err = site.build()
    assert status == 0 and {status for _, status, _ in steps(err)} == {"cached"}


def test_disk_full_before_an_output_is_replaced_changes_nothing(site):
    """The first write of a build that makes something drops the fast path's seal; when
    that fails, no output has been touched yet."""
    assert site.build()[0] == 0
    before = {p.name: p.read_bytes() for p in site.cache.iterdir() if p.is_file()}
    site.text = "two"
    with pytest.MonkeyPatch.context() as patch:
        full_disk(patch)
        status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: cannot write {site.cache}/{MANIFEST}: {FULL}"
    assert {p.name: p.read_bytes() for p in site.cache.iterdir() if p.is_file()} == before
    assert site.litter() == []


def test_disk_full_when_the_manifest_is_written_last(site):
    assert site.build()[0] == 0
    site.text = "two"
    with pytest.MonkeyPatch.context() as patch:
        full_disk(patch, after=1)
        status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: cannot write {site.cache}/{MANIFEST}: {FULL}"
    assert (site.cache / "a.txt").read_text(encoding="utf-8") == "two", "outputs were replaced"
    assert not site.sealed(), "the fast path must not vouch for them under the old entries"
    assert site.litter() == []

    status, err = site.build()
    assert status == 0 and ("a", "made", "new key") in steps(err) and ("b", "cached", None) in steps(err)
    assert site.sealed()


# ---------------------------------------------------------------- what cannot be replaced


@SERIAL
def test_an_output_that_cannot_be_replaced(site):
    assert site.build("--only", "a")[0] == 0
    (site.cache / "b.txt").mkdir(parents=True)
    status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: cannot replace {site.cache}/b.txt: Is a directory"
    assert set(site.manifest()["artifacts"]) == {"a"} and site.litter() == []
    (site.cache / "b.txt").rmdir()
    assert site.build()[0] == 0 and (site.cache / "b.txt").read_text(encoding="utf-8") == "b"


@SERIAL
def test_an_output_in_a_read_only_folder(site, monkeypatch):
    """Simulated (the tests may run as root, whom a read-only mode does not stop)."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == "b.txt":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr("actdocs.engine.build.os.replace", replace)
    status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: cannot replace {site.cache}/b.txt: {os.strerror(errno.EROFS)}"
    assert set(site.manifest()["artifacts"]) == {"a"} and site.litter() == []


def test_a_manifest_that_is_a_folder_is_refused_before_anything_is_made(site):
    (site.cache / MANIFEST).mkdir(parents=True)
    status, err = site.build()
    assert status == 2
    assert error_line(err) == f"actdocs: error: {site.cache}/{MANIFEST} is not a file; remove it and build again"
    assert not (site.cache / "a.txt").exists() and site.litter() == []


# ---------------------------------------------------------------- malformed manifests


@pytest.mark.parametrize("damage, remade", [
    (lambda d: d["artifacts"]["a"].update(outputs=5), {"a"}),
    (lambda d: d.update(artifacts=[]), {"a", "b", "c"}),
    (lambda d: d["artifacts"].update(b="not an entry"), {"b"}),
    (lambda d: d["artifacts"]["b"].update(outputs={"b.txt": "0" * 64}), {"b"}),  # the old format
    (lambda d: d["artifacts"]["b"]["outputs"]["b.txt"].update(bytes=-1), {"b"}),
    (lambda d: d["artifacts"]["c"].pop("made_at"), {"c"}),
    (lambda d: d.update(fingerprint="not a seal"), set()),
], ids=["outputs-5", "artifacts-list", "entry-not-a-dict", "outputs-old-format", "negative-size",
        "no-made-at", "seal-not-a-dict"])
def test_a_malformed_manifest_entry_counts_as_missing(site, damage, remade):
    assert site.build()[0] == 0
    document = site.manifest()
    damage(document)
    site.write_manifest(document)
    status, err = site.build()
    assert status == 0 and "Traceback" not in err
    assert {name for name, status, _ in steps(err) if status == "made"} == remade
    assert all(reason == "not in manifest" for name, status, reason in steps(err) if status == "made")
    assert site.build()[1].startswith("actdocs: all 3 artifacts cached, nothing to do")


# ---------------------------------------------------------------- the fast path


def test_the_fast_path_does_not_vouch_for_an_entry_removed_by_hand(site):
    """Observed: "all 78 artifacts cached" with one of 79 missing from the manifest."""
    assert site.build()[0] == 0
    assert site.build()[1].startswith("actdocs: all 3 artifacts cached, nothing to do")
    document = site.manifest()
    del document["artifacts"]["b"]
    site.write_manifest(document)
    assert not site.sealed()
    status, err = site.build()
    assert status == 0 and "nothing to do" not in err
    assert steps(err) == [("a", "cached", None), ("b", "made", "not in manifest"), ("c", "cached", None)]
    assert site.sealed()


def test_the_fast_path_does_not_vouch_for_an_entry_whose_output_record_was_removed(site):
    """Observed: one output record removed from an entry and its file deleted, the seal
    kept: "all artifacts cached", exit 0, a figure missing."""
    def pair(out: Path, ctx: Context) -> None:
        for theme in ("light", "dark"):
            (out / f"pair-{theme}.svg").write_text(theme, encoding="utf-8")

    site.extra = [Artifact("pair", ("pair-light.svg", "pair-dark.svg"), pair, site.module)]
    assert site.build()[0] == 0 and site.sealed()
    document = site.manifest()
    del document["artifacts"]["pair"]["outputs"]["pair-dark.svg"]
    site.write_manifest(document)
    (site.cache / "pair-dark.svg").unlink()
    assert not site.sealed()
    status, err = site.build()
    assert status == 0 and ("pair", "made", "not in manifest") in steps(err)
    assert (site.cache / "pair-dark.svg").read_text(encoding="utf-8") == "dark" and site.sealed()


def test_the_fast_path_does_not_vouch_for_an_output_edited_to_the_same_size(site):
    assert site.build()[0] == 0 and site.sealed()
    (site.cache / "b.txt").write_text("B", encoding="utf-8")  # "b" before: same size, other bytes
    assert not site.sealed()
    status, err = site.build()
    assert status == 0 and ("b", "made", "damaged output (hash mismatch)") in steps(err)
    assert (site.cache / "b.txt").read_text(encoding="utf-8") == "b" and site.sealed()


def test_an_entry_of_no_artifact_is_forgotten_and_the_fast_path_comes_back(site):
    assert site.build()[0] == 0
    document = site.manifest()
    site.write_manifest({**document, "artifacts": {**document["artifacts"], "ghost": document["artifacts"]["b"]}})
    status, err = site.build()
    assert status == 0 and "nothing to do" not in err
    assert set(site.manifest()["artifacts"]) == {"a", "b", "c"} and site.sealed()
    assert "nothing to do" in site.build()[1]


def test_the_fast_path_removes_what_a_killed_build_left(site):
    assert site.build()[0] == 0
    (site.cache / ".making-abc").mkdir()
    (site.cache / ".making-abc" / "k1.json").write_text("{}", encoding="utf-8")
    status, err = site.build()
    assert status == 0 and "nothing to do" in err
    assert f"removed 1 stale scratch file(s) left in {site.cache}" in err and site.litter() == []


def test_a_manifest_nested_too_deep_counts_as_damaged(site):
    assert site.build()[0] == 0
    (site.cache / MANIFEST).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert not site.sealed()
    status, err = site.build()
    assert status == 0 and "Traceback" not in err
    assert {reason for _, _, reason in steps(err)} == {"not in manifest"} and site.sealed()


# ---------------------------------------------------------------- a folder that is not a cache


def test_a_folder_with_a_users_files_is_refused_and_left_as_it_was(site):
    """Observed: ``actdocs build .`` in a folder holding a user's tables/summary.md
    replaced the file silently."""
    mine = site.cache / "tables" / "summary.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("my notes", encoding="utf-8")
    status, err = site.build()
    assert status == 2
    assert error_line(err) == (f"actdocs: error: {site.cache} is not empty and not an actdocs cache (it holds "
                               f"'tables' and no CACHEDIR.TAG from actdocs): build into a new or empty folder")
    assert sorted(str(p.relative_to(site.cache)) for p in site.cache.rglob("*")) == ["tables", "tables/summary.md"]
    assert mine.read_text(encoding="utf-8") == "my notes"


def test_another_tools_cache_is_refused(site):
    site.cache.mkdir()
    (site.cache / TAG).write_text("Signature: 8a477f597d28d172789f06886806bc55\n# another tool\n", encoding="utf-8")
    status, err = site.build()
    assert status == 2 and "not an actdocs cache (it holds 'CACHEDIR.TAG'" in error_line(err)


def test_an_empty_folder_and_a_cache_from_before_the_tag_are_taken(site):
    site.cache.mkdir()
    assert site.build()[0] == 0 and TAG_TEXT == (site.cache / TAG).read_text(encoding="utf-8")
    (site.cache / TAG).unlink()  # a cache made before the tag existed: it has a manifest
    site.text = "two"
    assert site.build()[0] == 0 and (site.cache / TAG).is_file()


def test_the_fast_path_checks_every_name_and_every_size(site):
    assert site.build()[0] == 0
    document = site.manifest()
    site.write_manifest({**document, "artifacts": {**document["artifacts"], "ghost": document["artifacts"]["b"]}})
    assert not site.sealed(), "a name the complete build did not make"
    site.write_manifest(document)
    assert site.sealed()
    (site.cache / "c.txt").write_text("ONE and more", encoding="utf-8")
    assert not site.sealed(), "an output of another size"
    (site.cache / "c.txt").unlink()
    assert not site.sealed(), "a missing output"
    status, err = site.build()
    assert status == 0 and steps(err)[-1] == ("c", "made", "missing output")


def test_an_only_build_does_not_seal_and_unseals_only_if_it_makes_something(site):
    assert site.build("--only", "b")[0] == 0
    assert not site.sealed()
    assert site.build()[0] == 0 and site.sealed()
    assert site.build("--only", "b")[0] == 0 and site.sealed(), "nothing made: the seal still holds"
    assert site.build("--only", "b", "--force")[0] == 0 and not site.sealed()


# ---------------------------------------------------------------- why a remake


def test_every_remake_says_why(module, tmp_path):
    cache = tmp_path / "cache"

    def run(text: str = "x", **options) -> list:
        lines: list[str] = []
        build(cache, [writer("a", module, text=text), writer("b", module, text="b")], CTX, log=lines.append, **options)
        return steps("\n".join(lines))

    assert run() == [("a", "made", "not in manifest"), ("b", "made", "not in manifest")]
    assert run() == [("a", "cached", None), ("b", "cached", None)]
    assert run(text="y") == [("a", "made", "new key"), ("b", "cached", None)]
    (cache / "b.txt").unlink()
    assert run(text="y") == [("a", "cached", None), ("b", "made", "missing output")]
    (cache / "b.txt").write_text("B", encoding="utf-8")  # same size, other bytes
    assert run(text="y") == [("a", "cached", None), ("b", "made", "damaged output (hash mismatch)")]
    assert run(text="y", force={"a"}) == [("a", "made", "forced"), ("b", "cached", None)]
    assert run(text="y", force=True) == [("a", "made", "forced"), ("b", "made", "forced")]
