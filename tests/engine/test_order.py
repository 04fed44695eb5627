"""The build's order comes from what artifacts read and write, not from the list.

Small synthetic artifacts keyed by a module generated in ``tmp_path``; the last test
checks that the site's real artifact list forms a graph the build can order.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from actdocs import cli
from actdocs.engine import order
from actdocs.engine.artifact import Artifact, Context
from actdocs.engine.build import build
from actdocs.engine.errors import UsageError
from engine_helpers import CTX, module, steps, writer  # noqa: F401 (module: a fixture)

#: Seconds the background artifact below waits for the reader before it gives up.
PATIENCE = 30


def names(artifacts) -> list[str]:
    return [a.name for a in artifacts]


def test_a_reader_listed_first_is_made_after_what_it_reads(module, tmp_path):
    cache = tmp_path / "cache"
    calls: list = []
    artifacts = [
        writer("report", module, reads=("table.txt",), calls=calls),
        writer("table", module, reads=("data.txt",), text="t:", calls=calls),
        writer("data", module, text="d", calls=calls),
    ]
    records = build(cache, artifacts, CTX)
    assert [r.name for r in records] == ["data", "table", "report"]
    assert [name for name, _ in calls] == ["data", "table", "report"]
    assert (cache / "report.txt").read_text(encoding="utf-8") == "T:D"


def test_ties_keep_the_list_order_background_first_exclusive_last(module):
    artifacts = [
        writer("b", module),
        writer("bench", module, exclusive=True),
        writer("a", module),
        writer("facts", module, reads=("bench.txt",)),
        writer("notebook", module, concurrent=True),
        writer("c", module),
    ]
    assert names(order.topological(artifacts)) == ["notebook", "b", "a", "c", "bench", "facts"]
    assert names(order.topological(artifacts)) == names(order.topological(list(artifacts)))


def test_a_background_producer_is_waited_for_on_a_warm_cache(module, tmp_path):
    """The reader (cached otherwise) must see the new output the background made, not
    hash the old one and call itself cached."""
    cache = tmp_path / "cache"

    def artifacts(text: str) -> list[Artifact]:
        return [writer("reader", module, reads=("slow.txt",)),
                writer("slow", module, text=text, seconds=0.3, concurrent=True)]

    build(cache, artifacts("old"), CTX)
    records = {r.name: r for r in build(cache, artifacts("new"), CTX)}
    assert records["slow"].status == records["reader"].status == "made"
    assert records["reader"].reason == "new key"
    assert (cache / "reader.txt").read_text(encoding="utf-8") == "NEW"


def test_a_reader_waits_only_for_the_background_artifacts_it_reads(module, tmp_path):
    """``slow`` (background) waits for ``reader`` to run: had the reader waited for all
    the background work, ``slow`` would have given up waiting."""
    reader_ran = threading.Event()

    def slow(out: Path, ctx: Context) -> None:
        on_time = reader_ran.wait(PATIENCE)
        (out / "slow.txt").write_text("on time" if on_time else "gave up", encoding="utf-8")

    def reader(out: Path, ctx: Context) -> None:
        reader_ran.set()
        (out / "reader.txt").write_text("read", encoding="utf-8")

    artifacts = [Artifact("slow", ("slow.txt",), slow, module, concurrent=True), writer("quick", module),
                 Artifact("reader", ("reader.txt",), reader, module, reads=("quick.txt",))]
    build(tmp_path / "cache", artifacts, CTX)
    assert (tmp_path / "cache" / "slow.txt").read_text(encoding="utf-8") == "on time"


@pytest.mark.parametrize("links, cycle", [
    ({"a": "b", "b": "a"}, "a -> b -> a"),
    ({"a": "a"}, "a -> a"),
    ({"c": "a", "a": "b", "b": "c"}, "c -> a -> b -> c"),  # from the first listed
], ids=["two", "self", "three"])
def test_a_cycle_is_a_usage_error_naming_it(module, tmp_path, links, cycle):
    artifacts = [writer("free", module)] + [writer(n, module, reads=(f"{m}.txt",)) for n, m in links.items()]
    with pytest.raises(UsageError, match=f"^artifacts form a cycle: {cycle}$"):
        build(tmp_path / "cache", artifacts, CTX)
    assert not (tmp_path / "cache").exists(), "refused before anything is written"


def test_reading_what_no_artifact_makes_is_a_usage_error(module):
    with pytest.raises(UsageError, match="^artifact orphan reads nowhere.txt, which no artifact makes$"):
        order.topological([writer("a", module), writer("orphan", module, reads=("nowhere.txt",))])


def test_two_artifacts_with_one_name_or_one_output_are_refused(module):
    with pytest.raises(UsageError, match="two artifacts are named a"):
        order.topological([writer("a", module), writer("a", module)])
    same = Artifact("other", ("a.txt",), writer("a", module).make, module)
    with pytest.raises(UsageError, match="a.txt is an output of both a and other"):
        order.topological([writer("a", module), same])


def test_with_dependencies_adds_what_the_chosen_read_transitively(module):
    everything = [writer("report", module, reads=("table.txt",)), writer("table", module, reads=("data.txt",)),
                  writer("data", module), writer("other", module)]
    assert names(order.with_dependencies(everything, everything[:1])) == ["report", "table", "data"]
    assert names(order.with_dependencies(everything, everything[2:3])) == ["data"]


def test_only_makes_what_the_chosen_read_and_force_remakes_only_the_chosen(module, tmp_path, monkeypatch, capsys):
    everything = [writer("report", module, reads=("data.txt",)), writer("data", module, text="d"),
                  writer("other", module)]
    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: everything)
    cache = tmp_path / "cache"

    assert cli.main(["build", str(cache), "--device", "cpu", "--only", "report"]) == 0
    assert steps(capsys.readouterr().err) == [("data", "made", "not in manifest"), ("report", "made", "not in manifest")]
    assert (cache / "report.txt").read_text(encoding="utf-8") == "D"
    assert not (cache / "other.txt").exists()

    assert cli.main(["build", str(cache), "--device", "cpu", "--only", "report", "--force"]) == 0
    assert steps(capsys.readouterr().err) == [("data", "cached", None), ("report", "made", "forced")]


def test_the_sites_artifacts_form_an_orderable_graph():
    """Every ``reads`` of the real list is some artifact's output, with no cycle; the
    background notebooks start first and the benchmark runs after all of them."""
    from actdocs.artifacts import all_artifacts

    everything = all_artifacts()
    ordered = order.topological(everything)
    assert sorted(names(ordered)) == sorted(names(everything))
    made_before: set[str] = set()
    for artifact in ordered:
        assert set(artifact.reads) <= made_before, artifact.name
        made_before.update(artifact.outputs)
    flags = [(a.concurrent, a.exclusive) for a in ordered]
    background = [i for i, (concurrent, _) in enumerate(flags) if concurrent]
    exclusive = [i for i, (_, excl) in enumerate(flags) if excl]
    assert background and exclusive
    assert background == list(range(len(background))) and min(exclusive) > max(background)
