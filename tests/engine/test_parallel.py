"""A build that makes independent artifacts at once, in worker processes.

Most tests build in this process (``build(..., jobs=2)`` or ``cli.main``), whose workers
are forked from it and so share the multiprocessing events the artifacts below wait on:
each test waits on an event (another artifact started, finished), never on a sleep. The
stop tests run the real command line in a process of its own (``engine_helpers.Build``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from actdocs import cli
from actdocs.engine import order, workers
from actdocs.engine.artifact import Artifact, Context
from actdocs.engine.build import build
from actdocs.engine.errors import ListingError
from actdocs.engine.folder import SCRATCH
from actdocs.engine.manifest import MANIFEST
from engine_helpers import CTX, PATIENCE, REAL_BUILD_PATIENCE, Build, alive, error_line, module, plan, steps, wait_for, writer  # noqa: F401 (module: a fixture)

EVENTS = multiprocessing.get_context("fork")


def meeting(name: str, module: str, mine, theirs, patience: float = PATIENCE, **flags) -> Artifact:
    """An artifact that sets ``mine`` as it starts, then waits for ``theirs`` (``patience``
    seconds at most): it writes its process id and whether the other was running meanwhile."""

    def make(out: Path, ctx: Context) -> None:
        mine.set()
        met = theirs.wait(patience)
        (out / f"{name}.txt").write_text(f"{os.getpid()} {'met' if met else 'alone'}", encoding="utf-8")

    return Artifact(name, (f"{name}.txt",), make, module, **flags)


def pid_and_word(cache: Path, name: str) -> tuple[int, str]:
    pid, word = (cache / f"{name}.txt").read_text(encoding="utf-8").split()
    return int(pid), word


def test_independent_artifacts_are_made_at_once_in_worker_processes(module, tmp_path):
    cache = tmp_path / "cache"
    left, right = EVENTS.Event(), EVENTS.Event()
    build(cache, [meeting("left", module, left, right), meeting("right", module, right, left)], CTX, jobs=2)
    (left_pid, left_met), (right_pid, right_met) = pid_and_word(cache, "left"), pid_and_word(cache, "right")
    assert left_met == right_met == "met", "each ran while the other was running"
    assert len({left_pid, right_pid, os.getpid()}) == 3, "two worker processes, neither of them the build's"
    assert multiprocessing.active_children() == [], "the workers were reaped"


def test_a_running_background_artifact_counts_as_one_of_the_jobs(module, tmp_path):
    """With two jobs, the background artifact (a notebook's kernel takes a core) leaves
    one worker: ``b`` does not start beside ``a`` (which gives it half a second) while the
    background one runs (until ``b`` is made); once it is done, two workers make the rest."""
    cache = tmp_path / "cache"
    a_started, b_started, b_made = EVENTS.Event(), EVENTS.Event(), EVENTS.Event()
    c_started, d_started = EVENTS.Event(), EVENTS.Event()

    def background(out: Path, ctx: Context) -> None:
        (out / "background.txt").write_text("on time" if b_made.wait(PATIENCE) else "gave up", encoding="utf-8")

    def b(out: Path, ctx: Context) -> None:
        b_started.set()
        (out / "b.txt").write_text("b", encoding="utf-8")
        b_made.set()

    build(cache, [Artifact("background", ("background.txt",), background, module, concurrent=True),
                  meeting("a", module, a_started, b_started, patience=0.5), Artifact("b", ("b.txt",), b, module),
                  meeting("c", module, c_started, d_started, reads=("background.txt",)),
                  meeting("d", module, d_started, c_started, reads=("background.txt",))], CTX, jobs=2)
    assert (cache / "background.txt").read_text(encoding="utf-8") == "on time"
    assert pid_and_word(cache, "a")[1] == "alone", "b started beside a while the background artifact ran"
    assert pid_and_word(cache, "c")[1] == pid_and_word(cache, "d")[1] == "met", "two workers once it is done"


def test_jobs_1_makes_every_artifact_in_the_build_process(module, tmp_path):
    cache = tmp_path / "cache"

    def own_pid(out: Path, ctx: Context) -> None:
        (out / "pid.txt").write_text(str(os.getpid()), encoding="utf-8")

    build(cache, [Artifact("pid", ("pid.txt",), own_pid, module)], CTX, jobs=1)
    assert int((cache / "pid.txt").read_text(encoding="utf-8")) == os.getpid()


def test_the_log_follows_the_plan_whatever_finishes_first(module, tmp_path):
    """``first`` waits for ``last`` to be made, so it finishes last; the log and the
    records still follow the plan, as a serial build's do."""
    done = EVENTS.Event()

    def first(out: Path, ctx: Context) -> None:
        (out / "first.txt").write_text("finished after last" if done.wait(PATIENCE) else "alone", encoding="utf-8")

    def last(out: Path, ctx: Context) -> None:
        (out / "last.txt").write_text("last", encoding="utf-8")
        done.set()

    artifacts = [Artifact("first", ("first.txt",), first, module), writer("m1", module), writer("m2", module),
                 Artifact("last", ("last.txt",), last, module)]
    lines: list[str] = []
    records = build(tmp_path / "cache", artifacts, CTX, log=lines.append, jobs=2)
    assert (tmp_path / "cache" / "first.txt").read_text(encoding="utf-8") == "finished after last"
    assert [name for name, _, _ in steps("\n".join(lines))] == ["first", "m1", "m2", "last"]
    assert [r.name for r in records] == ["first", "m1", "m2", "last"]


def test_a_background_artifact_is_logged_just_before_its_first_waiter(module):
    artifacts = [writer("a", module), writer("notebook", module, concurrent=True),
                 writer("reader", module, reads=("notebook.txt",)), writer("quiet", module, concurrent=True),
                 writer("b", module), writer("bench", module, exclusive=True), writer("lonely", module, concurrent=True)]
    plan_ = order.topological(artifacts)
    assert [a.name for a in plan_] == ["notebook", "quiet", "lonely", "a", "reader", "b", "bench"]
    logged = [plan_[i].name for i in order.log_order(plan_)]
    assert logged == ["a", "notebook", "reader", "b", "quiet", "lonely", "bench"]


def test_an_exclusive_artifact_runs_alone_once_everything_before_it_is_done(module, tmp_path):
    """Each artifact notes when it starts and ends in one journal: the exclusive one
    starts after every other before it has ended, the background one included (which
    runs until ``b`` ends), and nothing starts before it ends."""
    journal = tmp_path / "journal"
    b_done = EVENTS.Event()

    def noted(name: str, wait=None, then=None, **flags) -> Artifact:
        def make(out: Path, ctx: Context) -> None:
            with open(journal, "a", encoding="utf-8") as fh:
                fh.write(f"start {name}\n")
            if wait is not None:
                wait.wait(PATIENCE)
            (out / f"{name}.txt").write_text(name, encoding="utf-8")
            if then is not None:
                then.set()
            with open(journal, "a", encoding="utf-8") as fh:
                fh.write(f"end {name}\n")

        return Artifact(name, (f"{name}.txt",), make, module, **flags)

    artifacts = [noted("background", wait=b_done, concurrent=True), noted("a"), noted("b", then=b_done),
                 noted("bench", exclusive=True), noted("facts", reads=("bench.txt",)), noted("c")]
    records = build(tmp_path / "cache", artifacts, CTX, jobs=2)
    assert [r.name for r in records] == ["background", "a", "b", "c", "bench", "facts"]
    lines = journal.read_text(encoding="utf-8").splitlines()
    start, end = lines.index("start bench"), lines.index("end bench")
    assert end == start + 1, f"something ran beside the benchmark: {lines}"
    assert sorted(lines[:start]) == sorted(f"{when} {name}" for when in ("start", "end")
                                           for name in ("background", "a", "b", "c"))


SMALL_SITE = '''
import os
from pathlib import Path

import torch

from actdocs import artifacts
from actdocs.engine.order import with_dependencies

CHOSEN = {chosen!r}
_everything = artifacts.all_artifacts
THREADS = len(os.listdir("/proc/self/task"))  # torch imported, no operation run: no OpenMP pool yet


def all_artifacts():
    everything = _everything()
    (Path(__file__).parent / "threads").write_text(f"{{THREADS}} {{len(os.listdir('/proc/self/task'))}}")
    return with_dependencies(everything, [a for a in everything if a.name in CHOSEN])
'''


def test_outputs_are_the_same_bytes_serial_or_parallel(tmp_path):
    """A few real artifacts (curves drawn with torch in workers whose torch uses fewer
    threads, tables) give the same files either way. The parallel build runs the command
    line in a fresh process, as a user's does: its workers are forked from a process that
    has run no torch operation (importing the producers starts no thread, as an OpenMP
    pool would). (A listing runs in a process of the fork server either way.)"""
    from actdocs.artifacts import all_artifacts

    chosen = {"figure-gelu", "figure-softplus", "table-variants", "table-property"}
    everything = all_artifacts()
    small = order.with_dependencies(everything, [a for a in everything if a.name in chosen])
    assert {a.name for a in small} == chosen, "the small plan reads nothing beyond itself"
    build(tmp_path / "serial", small, Context(device="cpu"), jobs=1)
    run = Build(plan(tmp_path, SMALL_SITE.format(chosen=chosen)), tmp_path / "parallel", "--jobs", "2")
    assert run.wait(REAL_BUILD_PATIENCE) == 0, run.text()
    before, after = (tmp_path / "threads").read_text(encoding="utf-8").split()
    assert after == before, "importing the producers started threads (a torch operation?) before the fork"

    def outputs(cache: Path) -> dict[str, str]:
        entries = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))["artifacts"]
        return {rel: output["sha256"] for entry in entries.values() for rel, output in entry["outputs"].items()}

    serial = outputs(tmp_path / "serial")
    assert len(serial) > len(chosen) and outputs(tmp_path / "parallel") == serial
    for rel in serial:
        assert (tmp_path / "serial" / rel).read_bytes() == (tmp_path / "parallel" / rel).read_bytes(), rel


# ------------------------------------------------------------------ faults


class _Unpicklable(Exception):
    def __init__(self, message: str, handle) -> None:
        super().__init__(message)
        self.handle = handle


def test_a_failing_artifact_stops_the_others_and_keeps_what_finished(module, tmp_path, capsys, monkeypatch):
    """``stuck`` would wait for ever beside the failing one: it is killed, not waited for."""
    started = EVENTS.Event()

    def fails(out: Path, ctx: Context) -> None:
        started.wait(PATIENCE)
        raise ListingError("snippets/broken.py failed at line 3: ValueError: no")

    def stuck(out: Path, ctx: Context) -> None:
        (tmp_path / "stuck-pid").write_text(str(os.getpid()), encoding="utf-8")
        started.set()
        EVENTS.Event().wait(PATIENCE)

    everything = [writer("done", module), Artifact("stuck", ("stuck.txt",), stuck, module),
                  Artifact("broken", ("broken.txt",), fails, module)]
    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: everything)
    cache = tmp_path / "cache"
    assert cli.main(["build", str(cache), "--device", "cpu", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert error_line(err) == "actdocs: error: snippets/broken.py failed at line 3: ValueError: no"
    assert steps(err) == [("done", "made", "not in manifest")]
    assert set(json.loads((cache / MANIFEST).read_text(encoding="utf-8"))["artifacts"]) == {"done"}
    assert not alive(int((tmp_path / "stuck-pid").read_text(encoding="utf-8")))
    assert multiprocessing.active_children() == [] and list(cache.glob(f"{SCRATCH}*")) == []


@pytest.mark.parametrize("error", [ValueError("bad value"), _Unpicklable("bad handle", handle=lambda: None)],
                         ids=["plain", "unpicklable"])
def test_an_unexpected_error_in_a_worker_carries_the_workers_traceback(module, tmp_path, error):
    def boom(out: Path, ctx: Context) -> None:
        raise error

    with pytest.raises(Exception) as raised:
        build(tmp_path / "cache", [writer("fine", module), Artifact("boom", ("boom.txt",), boom, module)], CTX, jobs=2)
    assert type(raised.value) is (ValueError if isinstance(error, ValueError) else RuntimeError)
    assert str(error) in str(raised.value)
    note = "\n".join(raised.value.__notes__)
    assert note.startswith("in the worker process that made boom:\nTraceback") and "raise error" in note


def test_a_worker_that_dies_is_one_line_naming_the_artifact(module, tmp_path, capsys, monkeypatch):
    def quits(out: Path, ctx: Context) -> None:
        os._exit(3)

    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: [Artifact("quitter", ("q.txt",), quits, module),
                                                                     writer("other", module)])
    assert cli.main(["build", str(tmp_path / "cache"), "--device", "cpu", "--jobs", "2"]) == 1
    assert error_line(capsys.readouterr().err) == (
        "actdocs: error: artifact quitter: its worker process ended (exit status 3) before it finished")
    assert multiprocessing.active_children() == []


STUCK_PLAN = '''
import os
import time
from pathlib import Path

from actdocs.engine.artifact import Artifact
from engine_helpers import writer

HERE = Path(__file__).parent


def _stuck(name):
    def make(out, ctx):
        (HERE / f"{name}.pid").write_text(str(os.getpid()))
        time.sleep(60)

    return Artifact(name, (f"{name}.txt",), make, __name__)


def all_artifacts():
    return [writer("quick", __name__), _stuck("one"), _stuck("two")]
'''


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_stopped_parallel_build_leaves_no_worker_behind(tmp_path, signum, status):
    """Both workers are stuck in an artifact: a stop kills them at once, keeps what was
    made, and removes their scratch folders; a build killed outright takes them along."""
    cache = tmp_path / "cache"
    run = Build(plan(tmp_path, STUCK_PLAN), cache, "--jobs", "2")
    pids = [tmp_path / "one.pid", tmp_path / "two.pid"]
    wait_for(lambda: all(p.exists() and p.read_text() for p in pids), "both workers to be stuck")
    run.process.send_signal(signum)
    assert run.wait() == status, run.text()
    workers_ = [int(p.read_text()) for p in pids]
    wait_for(lambda: not any(alive(pid) for pid in workers_), "the workers to be gone")
    assert set(json.loads((cache / MANIFEST).read_text(encoding="utf-8"))["artifacts"]) == {"quick"}
    if signum != signal.SIGKILL:
        assert run.text().splitlines()[-1].endswith("; 1 artifact kept") and "Traceback" not in run.text()
        assert list(cache.glob(f"{SCRATCH}*")) == []


# ------------------------------------------------------------------ --jobs


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_a_bad_jobs_option_is_a_one_line_usage_error(tmp_path, capsys, value):
    assert cli.main(["build", str(tmp_path / "cache"), "--jobs", value]) == 2
    assert error_line(capsys.readouterr().err) == (
        f"actdocs: error: argument --jobs: expected a whole number of at least 1, got {value!r}")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("value", ["0", "two", "1.5", "-1"])
def test_a_bad_jobs_variable_is_a_one_line_usage_error_even_with_the_option(tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv(workers.JOBS_VARIABLE, value)
    for extra in ([], ["--jobs", "2"]):
        assert cli.main(["build", str(tmp_path / "cache"), *extra]) == 2
        assert error_line(capsys.readouterr().err) == (
            f"actdocs: error: ACTDOCS_JOBS={value!r}: expected a positive whole number of jobs "
            f"(or unset, for {workers.cores()})")


def test_the_option_then_the_variable_then_the_cores_set_the_pool(module, tmp_path, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: [writer("a", module)])
    monkeypatch.setattr("actdocs.engine.build.build", lambda *args, jobs, **kwargs: seen.append(jobs) or [])
    cache = str(tmp_path / "cache")
    monkeypatch.delenv(workers.JOBS_VARIABLE, raising=False)
    assert cli.main(["build", cache, "--device", "cpu"]) == 0
    monkeypatch.setenv(workers.JOBS_VARIABLE, "3")
    assert cli.main(["build", cache, "--device", "cpu"]) == 0
    assert cli.main(["build", cache, "--device", "cpu", "--jobs", "5"]) == 0
    assert seen == [len(os.sched_getaffinity(0)), 3, 5]


def test_each_worker_gets_its_share_of_the_cores(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    assert [workers.threads_per_worker(jobs) for jobs in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
