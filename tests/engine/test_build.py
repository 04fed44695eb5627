"""The content-hash cache of ``actdocs.engine.build``, on small synthetic artifacts.

Each test writes into ``tmp_path``. Producers are keyed by tiny real modules generated
in ``tmp_path`` (put on ``sys.path``), so editing one's source is a real code change.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from actdocs.engine import build as b, keys
from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.engine.build import build, select
from actdocs.engine.errors import UsageError
from actdocs.engine.folder import LOCK, TAG
from actdocs.engine.keys import code_digest, tree_fingerprint
from actdocs.engine.manifest import MANIFEST, complete

CTX = Context(device="cpu")
OLD_NS = 1_000_000_000_000_000_000  # 2001: any rewrite gets a later mtime


@pytest.fixture(autouse=True)
def _fresh_code_digest():
    code_digest.cache_clear()
    yield
    code_digest.cache_clear()


class Producers:
    """Two generated modules and three artifacts keyed by them; counts every make."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.dir = tmp_path / "mods"
        self.dir.mkdir()
        tag = uuid.uuid4().hex[:8]
        self.mod_a, self.mod_b = f"actdocs_test_a_{tag}", f"actdocs_test_b_{tag}"
        self.write(self.mod_a, "VALUE = 1\n")
        self.write(self.mod_b, "from actdocs.engine.errors import UsageError\nVALUE = 2\n")
        monkeypatch.syspath_prepend(str(self.dir))
        self.calls: list[str] = []

    def write(self, module: str, source: str) -> None:
        (self.dir / f"{module}.py").write_text(source, encoding="utf-8")

    def _make(self, name: str, outputs: tuple[str, ...], params: dict):
        def make(out: Path, ctx: Context) -> None:
            self.calls.append(name)
            for rel in outputs:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                (out / rel).write_text(f"{name} {rel} {sorted(params.items())}\n", encoding="utf-8")

        return make

    def artifact(self, name: str, outputs: tuple[str, ...], module: str, **params) -> Artifact:
        return Artifact(name, outputs, self._make(name, outputs, params), module, params=params)

    def artifacts(self, scale: int = 1) -> list[Artifact]:
        return [
            self.artifact("alpha", ("tables/alpha.md",), self.mod_a, scale=scale),
            self.artifact("beta", ("figures/beta-light.svg", "figures/beta-dark.svg"), self.mod_a),
            self.artifact("gamma", ("output/gamma.txt",), self.mod_b),
        ]


@pytest.fixture
def producers(tmp_path, monkeypatch) -> Producers:
    return Producers(tmp_path, monkeypatch)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def statuses(records) -> dict[str, str]:
    return {r.name: r.status for r in records}


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file below ``folder`` (hidden ones too): inode, mtime in ns, size."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def age(folder: Path) -> None:
    """Set every file's mtime far in the past, so that a rewrite cannot keep it."""
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(OLD_NS, OLD_NS))


def manifest(cache: Path) -> dict:
    return json.loads((cache / MANIFEST).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- first and second build


def test_first_build_makes_everything_and_writes_a_manifest(producers, cache):
    lines: list[str] = []
    records = build(cache, producers.artifacts(), CTX, log=lines.append)
    assert statuses(records) == {"alpha": "made", "beta": "made", "gamma": "made"}
    assert producers.calls == ["alpha", "beta", "gamma"]
    assert len(lines) == 3 and all("made" in line for line in lines)

    entries = manifest(cache)["artifacts"]
    assert set(entries) == {"alpha", "beta", "gamma"}
    for record in records:
        entry = entries[record.name]
        assert set(entry) == {"key", "made_at", "seconds", "outputs"}
        assert entry["key"] == record.key and isinstance(entry["seconds"], float)
        assert entry["made_at"].endswith("+00:00")
        for rel, output in entry["outputs"].items():
            assert output == {"sha256": keys.file_sha256(cache / rel), "bytes": (cache / rel).stat().st_size}
    assert set(entries["beta"]["outputs"]) == {"figures/beta-light.svg", "figures/beta-dark.svg"}
    assert (cache / "tables/alpha.md").read_text(encoding="utf-8").startswith("alpha tables/alpha.md")
    # no scratch folder, probe or temporary file left behind
    assert sorted(p.name for p in cache.iterdir()) == [".build.lock", TAG, "figures", "manifest.json", "output", "tables"]


def test_second_build_is_all_cached_and_writes_nothing(producers, cache):
    build(cache, producers.artifacts(), CTX, fingerprint="fp-1")
    age(cache)  # the outputs' times move: the next build checks their hashes and seals anew
    build(cache, producers.artifacts(), CTX, fingerprint="fp-1")
    before = snapshot(cache)  # a rewrite now shows as a new inode (atomic) or a new time
    producers.calls.clear()

    records = build(cache, producers.artifacts(), CTX, fingerprint="fp-1")

    assert statuses(records) == {"alpha": "cached", "beta": "cached", "gamma": "cached"}
    assert producers.calls == []
    assert snapshot(cache) == before  # same files, same inodes and mtimes: manifest included


def test_a_moved_fingerprint_rewrites_only_the_manifest(producers, cache):
    build(cache, producers.artifacts(), CTX, fingerprint="fp-1")
    age(cache)
    before = snapshot(cache)
    records = build(cache, producers.artifacts(), CTX, fingerprint="fp-2")
    assert set(statuses(records).values()) == {"cached"}
    after = snapshot(cache)
    assert {k for k in before if before[k] != after[k]} == {MANIFEST}
    assert manifest(cache)["fingerprint"]["tree"] == "fp-2"


def test_force_remakes_everything(producers, cache):
    build(cache, producers.artifacts(), CTX)
    assert set(statuses(build(cache, producers.artifacts(), CTX, force=True)).values()) == {"made"}


# ---------------------------------------------------------------- what invalidates what


def test_changed_params_remake_only_that_artifact(producers, cache):
    build(cache, producers.artifacts(scale=1), CTX)
    producers.calls.clear()
    records = build(cache, producers.artifacts(scale=2), CTX)
    assert statuses(records) == {"alpha": "made", "beta": "cached", "gamma": "cached"}
    assert producers.calls == ["alpha"]
    assert "('scale', 2)" in (cache / "tables/alpha.md").read_text(encoding="utf-8")


def test_changed_module_source_remakes_only_its_artifacts(producers, cache):
    build(cache, producers.artifacts(), CTX)
    producers.write(producers.mod_b, "from actdocs.engine.errors import UsageError\nVALUE = 3\n")
    code_digest.cache_clear()  # lru_cached per process
    records = build(cache, producers.artifacts(), CTX)
    assert statuses(records) == {"alpha": "cached", "beta": "cached", "gamma": "made"}

    producers.write(producers.mod_a, "VALUE = 10\n")
    code_digest.cache_clear()
    assert statuses(build(cache, producers.artifacts(), CTX)) == {"alpha": "made", "beta": "made", "gamma": "cached"}


def test_code_digest_follows_actdocs_imports_but_not_the_engine(producers, tmp_path, monkeypatch):
    """A producer's digest covers the ``actdocs`` modules it imports, except the engine."""
    fake = {"actdocs.engine.device": tmp_path / "device.py", "actdocs.engine.errors": tmp_path / "errors.py"}
    for path in fake.values():
        path.write_text("X = 1\n", encoding="utf-8")
    real = keys._module_path
    monkeypatch.setattr(keys, "_module_path", lambda name: fake.get(name) or real(name))
    producers.write(producers.mod_b, "from actdocs.engine import device\nfrom actdocs.engine.errors import UsageError\n")
    assert keys.actdocs_imports(producers.dir / f"{producers.mod_b}.py") == {"actdocs.engine.device", "actdocs.engine.errors"}
    digest = code_digest(producers.mod_b)

    fake["actdocs.engine.errors"].write_text("X = 2\n", encoding="utf-8")  # engine: not part of the key
    code_digest.cache_clear()
    assert code_digest(producers.mod_b) == digest

    fake["actdocs.engine.device"].write_text("X = 2\n", encoding="utf-8")  # a real dependency
    code_digest.cache_clear()
    assert code_digest(producers.mod_b) != digest


def test_reads_key_an_artifact_by_an_earlier_artifacts_output(producers, cache):
    ctx = Context(device="cpu", root=REPO_ROOT, cache=cache)

    def shout(out: Path, ctx: Context) -> None:
        producers.calls.append("delta")
        text = (ctx.cache / "tables/alpha.md").read_text(encoding="utf-8")
        (out / "tables").mkdir()
        (out / "tables/delta.md").write_text(text.upper(), encoding="utf-8")

    def artifacts(scale: int) -> list[Artifact]:
        delta = Artifact("delta", ("tables/delta.md",), shout, producers.mod_b, reads=("tables/alpha.md",))
        return [producers.artifacts(scale)[0], delta]

    assert statuses(build(cache, artifacts(1), ctx)) == {"alpha": "made", "delta": "made"}
    assert statuses(build(cache, artifacts(1), ctx)) == {"alpha": "cached", "delta": "cached"}
    assert statuses(build(cache, artifacts(2), ctx)) == {"alpha": "made", "delta": "made"}
    assert "('SCALE', 2)" in (cache / "tables/delta.md").read_text(encoding="utf-8")

    orphan = Artifact("epsilon", ("e.txt",), shout, producers.mod_b, reads=("tables/nowhere.md",))
    with pytest.raises(UsageError, match="epsilon reads tables/nowhere.md"):
        build(cache, [orphan], ctx)


def test_device_keys_only_device_dependent_artifacts(producers):
    plain = producers.artifact("plain", ("a.txt",), producers.mod_a)
    on_device = Artifact("bench", ("b.json",), plain.make, producers.mod_a, device_dependent=True)
    cpu, cuda = Context(device="cpu"), Context(device="cuda")
    assert keys.artifact_key(plain, cpu) == keys.artifact_key(plain, cuda)
    assert keys.artifact_key(on_device, cpu) != keys.artifact_key(on_device, cuda)


# ---------------------------------------------------------------- damage is remade, never served


@pytest.mark.parametrize("damage", ["truncate", "same-size edit", "delete"])
def test_damaged_output_is_detected_and_remade(producers, cache, damage):
    build(cache, producers.artifacts(), CTX)
    target = cache / "figures/beta-dark.svg"
    good = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(good[: len(good) // 2])
    elif damage == "same-size edit":
        target.write_bytes(good.upper())
    else:
        target.unlink()
    producers.calls.clear()

    records = build(cache, producers.artifacts(), CTX)

    assert statuses(records) == {"alpha": "cached", "beta": "made", "gamma": "cached"}
    assert target.read_bytes() == good


@pytest.mark.parametrize(
    "garbage",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"artifacts": []}',
        b'{"artifacts": {"alpha": "x", "beta": {"key": 1}, "gamma": {"outputs": ["output/gamma.txt"]}}}',
    ],
    ids=["truncated", "empty", "binary", "list", "artifacts-list", "bad-entries"],
)
def test_corrupt_manifest_leads_to_a_rebuild(producers, cache, garbage):
    build(cache, producers.artifacts(), CTX)
    (cache / MANIFEST).write_bytes(garbage)
    records = build(cache, producers.artifacts(), CTX)
    assert set(statuses(records).values()) == {"made"}
    assert set(manifest(cache)["artifacts"]) == {"alpha", "beta", "gamma"}
    assert set(statuses(build(cache, producers.artifacts(), CTX)).values()) == {"cached"}


def test_manifest_entry_without_made_at_is_remade_not_a_crash(producers, cache):
    build(cache, producers.artifacts(), CTX)
    document = manifest(cache)
    del document["artifacts"]["gamma"]["made_at"]
    (cache / MANIFEST).write_text(json.dumps(document), encoding="utf-8")
    assert statuses(build(cache, producers.artifacts(), CTX))["gamma"] == "made"


# ---------------------------------------------------------------- errors


def test_select_by_name_and_glob(producers):
    artifacts = producers.artifacts()
    assert [a.name for a in select(artifacts, None)] == ["alpha", "beta", "gamma"]
    assert [a.name for a in select(artifacts, ["gamma", "al*"])] == ["alpha", "gamma"]


def test_select_unknown_pattern_is_a_usage_error_naming_the_known(producers):
    with pytest.raises(UsageError) as err:
        select(producers.artifacts(), ["alpha", "no-such-*"])
    message = str(err.value)
    assert "no-such-*" in message and all(name in message for name in ("alpha", "beta", "gamma"))
    assert "\n" not in message


def test_make_that_forgets_an_output_raises_and_serves_nothing(producers, cache):
    def lazy(out: Path, ctx: Context) -> None:
        (out / "one.txt").write_text("1", encoding="utf-8")

    broken = Artifact("lazy", ("one.txt", "two.txt"), lazy, producers.mod_a)
    with pytest.raises(RuntimeError, match=r"lazy did not write two\.txt"):
        build(cache, [broken], CTX)
    assert not (cache / "one.txt").exists()
    assert sorted(p.name for p in cache.iterdir()) == [LOCK, TAG]  # no scratch folder, no manifest


def test_make_that_raises_leaves_no_scratch(producers, cache):
    def boom(out: Path, ctx: Context) -> None:
        (out / "half.txt").write_text("half", encoding="utf-8")
        raise ValueError("producer failed")

    with pytest.raises(ValueError):
        build(cache, [Artifact("boom", ("half.txt",), boom, producers.mod_a)], CTX)
    assert sorted(p.name for p in cache.iterdir()) == [LOCK, TAG]


def test_unknown_module_is_a_usage_error(cache):
    ghost = Artifact("ghost", ("g.txt",), lambda out, ctx: None, "actdocs_no_such_module_xyz")
    with pytest.raises(UsageError, match="actdocs_no_such_module_xyz"):
        build(cache, [ghost], CTX)


def test_cache_under_a_regular_file_is_a_usage_error(tmp_path, producers):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot write to the cache folder"):
        build(tmp_path / "file" / "cache", producers.artifacts(), CTX)


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    b.atomic_write(target, b"one")
    b.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


# ---------------------------------------------------------------- fast path


def test_complete_counts_an_intact_cache_and_refuses_a_damaged_one(producers, cache):
    assert complete(cache, "fp") is None  # nothing built yet
    build(cache, producers.artifacts(), CTX, fingerprint="fp")
    assert complete(cache, "fp") == 3
    assert complete(cache, "other") is None
    (cache / "output/gamma.txt").write_text("tampered\n", encoding="utf-8")
    assert complete(cache, "fp") is None
    build(cache, producers.artifacts(), CTX, fingerprint="fp")
    assert complete(cache, "fp") == 3
    (cache / "tables/alpha.md").unlink()
    assert complete(cache, "fp") is None


def test_partial_build_does_not_record_a_fingerprint(producers, cache):
    """``--only`` builds pass ``fingerprint=None``: the fast path must not trust them."""
    build(cache, producers.artifacts()[:1], CTX, fingerprint=None)
    assert complete(cache, tree_fingerprint(cache, "auto")) is None


def test_tree_fingerprint(tmp_path):
    root = tmp_path / "root"
    for rel, text in {
        "actdocs/a.py": "A = 1\n",
        "actdocs/sub/b.py": "B = 1\n",
        "snippets/s.py": "print(1)\n",
        "pyproject.toml": "[x]\n",
        "docs/page.md": "# page\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    first = tree_fingerprint(root, "auto")
    assert tree_fingerprint(root, "auto") == first
    assert tree_fingerprint(root, "cpu") != first

    (root / "actdocs/__pycache__").mkdir()
    (root / "actdocs/__pycache__/a.cpython-311.pyc").write_bytes(b"\0")
    assert tree_fingerprint(root, "auto") == first

    # docs pages are an input: the References page lists the pages citing each record
    for rel in ("actdocs/sub/b.py", "snippets/s.py", "pyproject.toml", "docs/page.md"):
        path = root / rel
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "# edit\n", encoding="utf-8")
        assert tree_fingerprint(root, "auto") != first, rel
        path.write_text(original, encoding="utf-8")
    assert tree_fingerprint(root, "auto") == first
    (root / "snippets/new.py").write_text("", encoding="utf-8")
    assert tree_fingerprint(root, "auto") != first


# ------------------------------------------------------------------ background and exclusive


def _timed_artifact(name: str, module: str, events: list, *, seconds: float = 0.0, fail: bool = False, **flags) -> Artifact:
    """An artifact that records (name, start, end, thread) and optionally sleeps or fails."""
    import threading
    import time

    def make(out: Path, ctx: Context) -> None:
        start = time.perf_counter()
        time.sleep(seconds)
        if fail:
            raise RuntimeError(f"{name} failed")
        (out / f"{name}.txt").write_text(name, encoding="utf-8")
        events.append((name, start, time.perf_counter(), threading.current_thread().name))

    return Artifact(name, (f"{name}.txt",), make, module, **flags)


def test_concurrent_artifact_runs_beside_the_rest_and_exclusive_waits(producers, cache):
    events: list = []
    artifacts = [
        _timed_artifact("slow", producers.mod_a, events, seconds=0.4, concurrent=True),
        _timed_artifact("quick", producers.mod_a, events),
        _timed_artifact("bench", producers.mod_b, events, exclusive=True),
    ]
    records = build(cache, artifacts, CTX)
    assert [r.name for r in records] == ["slow", "quick", "bench"]  # records keep the list's order
    by_name = {name: (start, end, thread) for name, start, end, thread in events}
    assert by_name["slow"][2].startswith("actdocs-background")
    assert by_name["quick"][2] == by_name["bench"][2] == "MainThread"
    assert by_name["quick"][1] < by_name["slow"][1], "the foreground artifact did not run while the slow one ran"
    assert by_name["bench"][0] >= by_name["slow"][1], "the exclusive artifact started before the background one ended"
    manifest = json.loads((cache / MANIFEST).read_text())["artifacts"]
    assert set(manifest) == {"slow", "quick", "bench"}


def test_what_was_made_is_recorded_when_a_later_artifact_fails(producers, cache):
    events: list = []
    artifacts = [
        _timed_artifact("first", producers.mod_a, events),
        _timed_artifact("broken", producers.mod_b, events, fail=True),
    ]
    with pytest.raises(RuntimeError, match="broken failed"):
        build(cache, artifacts, CTX, fingerprint="f")
    document = json.loads((cache / MANIFEST).read_text())
    assert set(document["artifacts"]) == {"first"}
    assert document["fingerprint"] is None  # an unfinished build is never taken as complete
    again = build(cache, artifacts[:1], CTX)
    assert statuses(again) == {"first": "cached"}
