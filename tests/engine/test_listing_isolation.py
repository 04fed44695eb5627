"""Each listing runs in a process of its own, with a time limit: what it does to that
process (``os._exit``, a signal, an endless loop) is one line and exit status 1, never a
false success or a hung build, and nothing it started outlives the build.

The builds run the real command line in a subprocess (``engine_helpers.Build``) on a
plan whose listings lie in ``tmp_path/snippets``, keyed by their bytes, with two jobs:
a listing's process is started by a worker of the build, from the build's fork server
(``tests/test_cli.py`` runs listings from the build's own process). These listings
import neither torch nor matplotlib, so the fork server preloads only the listings
module: what it imports changes nothing of what is tested, and saves seconds a build.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from actdocs.execute import listings
from actdocs.engine.errors import UsageError
from actdocs.engine.manifest import MANIFEST
from engine_helpers import Build, alive, error_line, plan, wait_for

LISTINGS_PLAN = '''
import dataclasses
from pathlib import Path

from actdocs.execute import listings

ROOT = Path(__file__).parent
listings.PRELOAD = ("actdocs.execute.listings",)  # these listings import no torch: see the module docstring


def all_artifacts():
    # the listings of ROOT/snippets, keyed by their bytes (an absolute input path)
    return [dataclasses.replace(a, inputs=(str(ROOT / a.inputs[0]),)) for a in listings.artifacts(ROOT)]
'''

#: A listing's preamble: it starts ``sleep`` and writes its own, its parent's and the
#: sleeper's process ids to the file ``PIDS``.
STARTS_A_CHILD = '''\
import os, subprocess, time
from pathlib import Path

sleeper = subprocess.Popen(["sleep", "600"])
Path({pids!r}).write_text(f"{{os.getpid()}} {{os.getppid()}} {{sleeper.pid}}")
'''


def snippet(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / "snippets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def build(tmp_path: Path, name: str = "build", **env: str) -> Build:
    return Build(plan(tmp_path, LISTINGS_PLAN), tmp_path / "cache", "--only", "output-*", "--jobs", "2", name=name, **env)


def started(tmp_path: Path, name: str, loop: str, **env: str) -> tuple[Build, list[int]]:
    """A build of one listing that starts a child and then runs ``loop`` for ever; the
    build, and the listing's, its parent's and its child's process ids once it runs."""
    pids = tmp_path / "pids"
    snippet(tmp_path, name, STARTS_A_CHILD.format(pids=str(pids)) + loop)
    run = build(tmp_path, **env)
    wait_for(lambda: pids.exists() and pids.read_text(), "the listing to start")
    return run, [int(pid) for pid in pids.read_text().split()]


def recorded_key(cache: Path, name: str) -> str:
    return json.loads((cache / MANIFEST).read_text(encoding="utf-8"))["artifacts"][name]["key"]


def test_a_listing_that_ends_its_process_fails_the_build_and_its_old_output_stays_unvouched(tmp_path):
    listing = snippet(tmp_path, "quits.py", "print('old')\n")
    cache = tmp_path / "cache"
    assert build(tmp_path, "first").wait() == 0
    old_key = recorded_key(cache, "output-quits")

    listing.write_text("import os\nprint('new')\nos._exit(0)\n", encoding="utf-8")
    run = build(tmp_path, "second")
    assert run.wait() == 1
    assert error_line(run.text()) == (
        "actdocs: error: snippets/quits.py ended its process (exit status 0) before it finished")
    assert recorded_key(cache, "output-quits") == old_key, "the old output is recorded for the old listing only"
    assert (cache / "output" / "quits.txt").read_text(encoding="utf-8") == "old\n"


def test_a_listing_killed_by_a_signal_is_one_line_and_its_stderr_reaches_the_build(tmp_path):
    snippet(tmp_path, "killed.py", "import os, signal, sys\nprint('about to die', file=sys.stderr)\n"
                                   "os.kill(os.getpid(), signal.SIGKILL)\n")
    run = build(tmp_path)
    assert run.wait() == 1
    assert error_line(run.text()) == (
        "actdocs: error: snippets/killed.py ended its process (killed by SIGKILL) before it finished")
    assert "about to die" in run.text().splitlines()


def test_a_listing_past_the_time_limit_is_killed_with_what_it_started(tmp_path):
    run, pids = started(tmp_path, "endless.py", "while True:\n    time.sleep(0.1)\n", ACTDOCS_LISTING_TIMEOUT="2")
    assert run.wait() == 1
    assert error_line(run.text()) == "actdocs: error: snippets/endless.py ran longer than 2 s (ACTDOCS_LISTING_TIMEOUT)"
    listing, _, sleeper = pids
    wait_for(lambda: not alive(listing) and not alive(sleeper), "the listing and its child to be gone")


def test_what_a_listing_started_does_not_outlive_it(tmp_path):
    pids = tmp_path / "pids"
    snippet(tmp_path, "leaves.py", STARTS_A_CHILD.format(pids=str(pids)) + "print('done')\n")
    run = build(tmp_path)
    assert run.wait() == 0, run.text()
    assert (tmp_path / "cache" / "output" / "leaves.txt").read_text(encoding="utf-8") == "done\n"
    sleeper = int(pids.read_text().split()[-1])
    wait_for(lambda: not alive(sleeper), "the listing's child to be gone")


def test_ctrl_c_kills_the_listing_and_what_it_started(tmp_path):
    run, pids = started(tmp_path, "endless.py", "while True:\n    time.sleep(0.1)\n")
    run.interrupt()
    assert run.wait() == 130
    assert run.text().splitlines()[-1] == "actdocs: interrupted; 0 artifacts kept"
    listing, _, sleeper = pids
    wait_for(lambda: not alive(listing) and not alive(sleeper), "the listing and its child to be gone")


def test_a_listing_does_not_outlive_a_build_killed_outright(tmp_path):
    """SIGKILL leaves the build no time to kill the listing: the listing's process sees
    its parent go and kills its process group; the fork server then ends too."""
    run, pids = started(tmp_path, "busy.py", "while True:\n    pass\n")
    run.process.send_signal(signal.SIGKILL)
    run.wait()
    wait_for(lambda: not any(alive(pid) for pid in pids), "the listing, its child and the fork server to be gone")


@pytest.mark.parametrize("value", ["abc", "-1", "0", "nan", "inf"])
def test_the_time_limit_must_be_a_positive_number_of_seconds(monkeypatch, value):
    monkeypatch.setenv(listings.TIMEOUT_VARIABLE, value)
    with pytest.raises(UsageError) as err:
        listings.time_limit()
    assert str(err.value) == (f"ACTDOCS_LISTING_TIMEOUT='{value}': expected a positive number of seconds "
                              f"(or unset, for {listings.DEFAULT_TIMEOUT:g})")


def test_the_time_limit_is_the_variable_or_the_default(monkeypatch):
    monkeypatch.setenv(listings.TIMEOUT_VARIABLE, "2.5")
    assert listings.time_limit() == 2.5
    monkeypatch.setenv(listings.TIMEOUT_VARIABLE, "")
    assert listings.time_limit() == listings.DEFAULT_TIMEOUT
    monkeypatch.delenv(listings.TIMEOUT_VARIABLE)
    assert listings.time_limit() == listings.DEFAULT_TIMEOUT


def test_a_malformed_time_limit_stops_the_build_before_it_starts(tmp_path):
    snippet(tmp_path, "fine.py", "print('fine')\n")
    run = build(tmp_path, ACTDOCS_LISTING_TIMEOUT="-1")
    assert run.wait() == 2
    assert run.text().splitlines() == [
        "actdocs: error: ACTDOCS_LISTING_TIMEOUT='-1': expected a positive number of seconds "
        f"(or unset, for {listings.DEFAULT_TIMEOUT:g})"]
    assert not (tmp_path / "cache" / MANIFEST).exists()


def test_the_time_limit_keys_no_artifact(monkeypatch):
    from actdocs.engine.artifact import Context
    from actdocs.engine.keys import artifact_key

    def keys() -> list[str]:
        return [artifact_key(a, Context()) for a in listings.artifacts()]

    default = keys()
    monkeypatch.setenv(listings.TIMEOUT_VARIABLE, "7")
    assert keys() == default
