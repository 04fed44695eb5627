"""Ctrl-C, two builds at once, and what a killed build leaves: in real processes.

Each test writes a plan (a module with ``all_artifacts()``) into ``tmp_path`` and runs
the real command line on it through ``tests/build_driver.py`` (``engine_helpers.Build``),
then signals it. The background artifacts below would take 60 s: a build that waited
for them would fail the test (``engine_helpers.PATIENCE``). The builds run with the
default ``--jobs`` (a worker per core), but where a test names it: a stop at any moment
is tried serial and parallel, and only an artifact made in the build's own process can
swallow its interrupt. ``tests/engine/test_parallel.py`` stops workers in mid-artifact.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from actdocs.engine.build import build
from actdocs.engine.folder import SCRATCH, TAG
from actdocs.engine.manifest import MANIFEST
from engine_helpers import CTX, PATIENCE, Build, alive, module, plan, steps, wait_for, writer  # noqa: F401 (module: a fixture)

BACKGROUND_PLAN = '''
import threading
import time
from pathlib import Path

from actdocs.engine.artifact import Artifact
from engine_helpers import writer

HERE = Path(__file__).parent
STOP = threading.Event()


def _slow(out, ctx):
    (HERE / "slow-started").write_text("")
    STOP.wait(60)  # set by the build's Ctrl-C through ``cancel``, when given
    (out / "slow.txt").write_text("slow")


def _cancel():
    """The build is stopping: say so, and let the test signal again before it goes on."""
    (HERE / "cancelled").write_text("")
    deadline = time.monotonic() + 30
    while not (HERE / "signalled-again").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    STOP.set()


def all_artifacts():
    return [
        Artifact("slow", ("slow.txt",), _slow, __name__, concurrent=True, cancel=_cancel if {cancel} else None),
        writer("quick", __name__),
        writer("reader", __name__, reads=("slow.txt",)),
    ]
'''


def recorded(cache: Path) -> set[str]:
    return set(json.loads((cache / MANIFEST).read_text(encoding="utf-8"))["artifacts"])


def scratch(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{SCRATCH}*"))


def interrupted_once_the_background_runs(tmp_path: Path, cancel: bool, twice: bool = False) -> tuple[Build, Path]:
    cache = tmp_path / "cache"
    run = Build(plan(tmp_path, BACKGROUND_PLAN.replace("{cancel}", str(cancel))), cache)
    wait_for(lambda: (tmp_path / "slow-started").exists() and ("quick", "made", "not in manifest") in steps(run.text()),
             "the background artifact to start and the quick one to be made")
    run.interrupt()
    if twice:  # once the build is stopping, and before it goes on
        wait_for(lambda: (tmp_path / "cancelled").exists(), "the build to cancel the background artifact")
        run.interrupt()
        (tmp_path / "signalled-again").write_text("")
    return run, cache


def test_ctrl_c_stops_the_build_keeps_what_was_made_and_a_second_one_is_quiet(tmp_path):
    run, cache = interrupted_once_the_background_runs(tmp_path, cancel=True, twice=True)
    assert run.wait() == 130
    err = run.text()
    assert "Traceback" not in err, err
    assert err.splitlines()[-1] == "actdocs: interrupted; 1 artifact kept"
    assert recorded(cache) == {"quick"}
    assert (cache / "quick.txt").is_file() and not (cache / "slow.txt").exists()
    assert scratch(cache) == [], "the cancelled artifact tidied its scratch folder"


def test_a_background_artifact_that_ignores_ctrl_c_is_abandoned_and_its_scratch_removed_next_time(tmp_path):
    run, cache = interrupted_once_the_background_runs(tmp_path, cancel=False)
    assert run.wait() == 130
    assert run.text().splitlines()[-1] == "actdocs: interrupted; 1 artifact kept"
    assert len(scratch(cache)) == 1, "killed mid-make, as a build killed outright would be"

    again = Build(tmp_path / "plan_under_test.py", cache, "--only", "quick", name="again")
    assert again.wait() == 0
    lines = again.text().splitlines()
    assert f"removed 1 stale scratch file(s) left in {cache} by a build that was stopped" in lines
    assert steps(again.text()) == [("quick", "cached", None)]
    assert scratch(cache) == []


def _sleepy_notebook_build(tmp_path: Path) -> tuple[Build, Path, Path, Path]:
    """A build of one real notebook that sleeps, beside one quick artifact, once the
    kernel runs the notebook and the quick one is made; with its cache, temporary folder
    and the file holding the kernel's pid."""
    marker, temp = tmp_path / "kernel-pid", tmp_path / "tmp"
    temp.mkdir()
    notebook = tmp_path / "root" / "snippets" / "notebooks" / "sleepy.py"
    notebook.parent.mkdir(parents=True)
    notebook.write_text(textwrap.dedent(f'''\
        # %%
        import os, time
        from pathlib import Path
        Path({str(marker)!r}).write_text(str(os.getpid()))
        time.sleep(60)
        '''), encoding="utf-8")
    source = plan(tmp_path, '''
        import dataclasses
        from pathlib import Path

        from actdocs.execute import notebooks
        from engine_helpers import writer

        ROOT = Path(__file__).parent / "root"


        def all_artifacts():
            made = [dataclasses.replace(a, inputs=()) for a in notebooks.artifacts(ROOT)]
            return [*made, writer("quick", __name__)]
        ''')
    cache = tmp_path / "cache"
    run = Build(source, cache, TMPDIR=str(temp))
    wait_for(lambda: marker.exists() and marker.read_text() and ("quick", "made", "not in manifest") in steps(run.text()),
             "the kernel to run the notebook")
    assert [p.parent.name.startswith(SCRATCH) for p in cache.rglob("k*.json")] == [True], \
        "the kernel's connection file, in a scratch folder of the cache"
    assert list(temp.rglob("*")) == [], "nothing in the temporary folder: the sockets are abstract"
    return run, cache, temp, marker


@pytest.mark.parametrize("signum, status, word", [(signal.SIGINT, 130, "interrupted"),
                                                  (signal.SIGTERM, 143, "terminated")])
def test_a_stopping_signal_kills_the_notebook_kernel_and_removes_its_connection_file(tmp_path, signum, status, word):
    """One real kernel: the notebook sleeps; Ctrl-C or SIGTERM must not wait for it."""
    run, cache, temp, marker = _sleepy_notebook_build(tmp_path)
    run.process.send_signal(signum)
    assert run.wait() == status
    err = run.text()
    assert "Traceback" not in err and "ERROR" not in err, err
    assert err.splitlines()[-1] == f"actdocs: {word}; 1 artifact kept"
    assert recorded(cache) == {"quick"} and scratch(cache) == []
    assert list(temp.rglob("*")) == [], "nothing left in the temporary folder"
    pid = int(marker.read_text())
    wait_for(lambda: not alive(pid), "the kernel to be gone")


def test_a_killed_build_keeps_what_it_finished_and_the_next_build_removes_the_connection_file(tmp_path):
    """SIGKILL leaves no chance to tidy up: what was finished is already recorded, the
    kernel ends by itself when its build is gone, and the next build removes the rest."""
    run, cache, temp, marker = _sleepy_notebook_build(tmp_path)
    run.process.kill()
    assert run.wait() == -signal.SIGKILL
    assert recorded(cache) == {"quick"}, "the finished artifact is recorded as it finishes"
    pid = int(marker.read_text())
    wait_for(lambda: not alive(pid), "the orphaned kernel to end")
    assert [p for p in scratch(cache) if list(p.glob("k*.json"))], "the killed build's connection file is still there"
    assert list(temp.rglob("*")) == []
    again = Build(tmp_path / "plan_under_test.py", cache, "--only", "quick", name="again")
    assert again.wait() == 0
    assert scratch(cache) == [] and not list(cache.rglob("k*.json"))
    assert steps(again.text()) == [("quick", "cached", None)], "the killed build's work is not done again"


def test_two_builds_at_once_take_turns_and_lose_no_manifest_update(tmp_path):
    source = plan(tmp_path, '''
        import time
        from pathlib import Path

        from actdocs.engine.artifact import Artifact
        from engine_helpers import writer

        HERE = Path(__file__).parent


        def _slow(out, ctx):
            (HERE / "slow-started").write_text("")
            deadline = time.monotonic() + 60
            while not (HERE / "go").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            (out / "slow.txt").write_text("slow")


        def all_artifacts():
            return [Artifact("slow", ("slow.txt",), _slow, __name__), writer("quick", __name__)]
        ''')
    cache = tmp_path / "cache"
    first = Build(source, cache, "--only", "slow", name="first")
    wait_for(lambda: (tmp_path / "slow-started").exists(), "the first build to be making its artifact")
    second = Build(source, cache, "--only", "quick", name="second")
    waiting = f"waiting for another build of {cache}"
    wait_for(lambda: waiting in second.text(), "the second build to say it waits")
    (tmp_path / "go").write_text("")
    assert first.wait() == 0 and second.wait() == 0
    assert second.text().splitlines().count(waiting) == 1
    assert recorded(cache) == {"slow", "quick"}


def test_a_build_removes_stale_scratch_and_says_so_once(module, tmp_path):
    cache = tmp_path / "cache"
    (cache / f"{SCRATCH}abc123").mkdir(parents=True)
    (cache / f"{SCRATCH}abc123" / "half.svg").write_text("<svg", encoding="utf-8")
    (cache / f".{MANIFEST}.xyz.tmp").write_text("{", encoding="utf-8")
    lines: list[str] = []
    build(cache, [writer("a", module)], CTX, log=lines.append)
    assert lines[0] == f"removed 2 stale scratch file(s) left in {cache} by a build that was stopped"
    assert sorted(p.name for p in cache.iterdir()) == [".build.lock", TAG, "a.txt", MANIFEST]
    lines.clear()
    build(cache, [writer("a", module)], CTX, log=lines.append)
    assert steps("\n".join(lines)) == [("a", "cached", None)] and len(lines) == 1


def _as_from_a_terminal() -> None:
    """Ctrl-C as a shell gives it: SIGINT at its default and unblocked.

    A test runner's worker may ignore or block SIGINT, and a child inherits both across
    exec; then neither the hook nor its build would ever see the interrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_the_mkdocs_hook_lets_an_interrupted_build_record_what_it_made(tmp_path):
    """``subprocess.run`` would kill the build 0.25 s after Ctrl-C; this one needs 0.5 s."""
    done, ready = tmp_path / "recorded", tmp_path / "ready"
    child = tmp_path / "child.py"
    child.write_text(textwrap.dedent(f'''\
        import os, signal, sys, time
        from pathlib import Path

        def stop(*_):
            time.sleep(0.5)
            Path({str(done)!r}).write_text("recorded")
            print("child: interrupted; 1 artifact kept", file=sys.stderr, flush=True)
            sys.exit(130)

        signal.signal(signal.SIGINT, stop)
        Path({str(ready)!r}).write_text(str(os.getpid()))
        time.sleep(60)
        '''), encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f'''\
            import sys
            from actdocs.site import mkdocs_hook
            try:
                mkdocs_hook.run_build([sys.executable, {str(child)!r}])
            except KeyboardInterrupt:
                sys.exit(130)
            ''')],
        stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_as_from_a_terminal)
    wait_for(lambda: ready.exists() and ready.read_text(), "the build to start")
    # as a terminal's Ctrl-C: the hook and its build both get SIGINT
    for pid in (parent.pid, int(ready.read_text())):
        os.kill(pid, signal.SIGINT)
    _, err = parent.communicate(timeout=PATIENCE)
    assert parent.returncode == 130, f"the hook exited {parent.returncode}; its stderr: {err!r}"
    assert done.read_text() == "recorded"
    assert "child: interrupted; 1 artifact kept" in err


STEADY_PLAN = '''
from actdocs.engine.artifact import Artifact
from engine_helpers import writer


def all_artifacts():
    slow = [writer(f"step{i}", __name__, seconds=0.3) for i in range(6)]
    return [*slow, writer("background", __name__, seconds=0.5, concurrent=True)]
'''


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["serial", "parallel"])
@pytest.mark.parametrize("signum, finished", [(signal.SIGINT, 1), (signal.SIGTERM, 4),
                                              (signal.SIGKILL, 1), (signal.SIGKILL, 4)])
def test_a_signal_at_any_moment_keeps_every_finished_artifact_and_the_next_build_completes(tmp_path, signum, finished,
                                                                                          jobs):
    """Stopped once ``finished`` artifacts are logged: each of them is recorded, and the
    next build makes only the rest, ending with every output present."""
    source, cache = plan(tmp_path, STEADY_PLAN), tmp_path / "cache"
    run = Build(source, cache, "--jobs", jobs)
    wait_for(lambda: len(steps(run.text())) >= finished, f"{finished} artifacts to finish")
    run.process.send_signal(signum)
    status = run.wait()
    done = {name for name, _, _ in steps(run.text())}
    assert status == {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}[signum], run.text()
    assert done <= recorded(cache), "every artifact the log called made is in the manifest"
    if signum != signal.SIGKILL:
        assert "Traceback" not in run.text() and scratch(cache) == []
    again = Build(source, cache, name="again")
    assert again.wait() == 0, again.text()
    remade = {name for name, status, _ in steps(again.text()) if status == "made"}
    assert remade.isdisjoint(done), "nothing finished is made again"
    assert recorded(cache) == {f"step{i}" for i in range(6)} | {"background"}
    assert all((cache / f"{name}.txt").is_file() for name in recorded(cache)) and scratch(cache) == []


SWALLOWING_PLAN = '''
import time
from pathlib import Path

from actdocs.engine.artifact import Artifact
from engine_helpers import writer

HERE = Path(__file__).parent


def _swallows(out, ctx):
    """Like a finaliser that Python runs when the signal arrives: it eats the KeyboardInterrupt."""
    (HERE / "swallow-started").write_text("")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except KeyboardInterrupt:
            break
    (out / "swallow.txt").write_text("done")


def all_artifacts():
    return [Artifact("swallow", ("swallow.txt",), _swallows, __name__), writer("after", __name__)]
'''


def test_a_stop_whose_interrupt_is_swallowed_still_stops_the_build_before_the_next_artifact(tmp_path):
    """Observed: a SIGINT whose KeyboardInterrupt was raised in a WeakSet callback ("Exception
    ignored in ...") was lost, later signals were ignored, and the build ran to its end.
    Serial: only an artifact made in the build's own process can swallow its interrupt."""
    source, cache = plan(tmp_path, SWALLOWING_PLAN), tmp_path / "cache"
    run = Build(source, cache, "--jobs", "1")
    wait_for(lambda: (tmp_path / "swallow-started").exists(), "the swallowing artifact to start")
    run.interrupt()
    assert run.wait() == 130, run.text()
    assert run.text().splitlines()[-1] == "actdocs: interrupted; 1 artifact kept"
    assert recorded(cache) == {"swallow"} and not (cache / "after.txt").exists()
