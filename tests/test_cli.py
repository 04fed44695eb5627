"""``python -m actdocs``: bad input is one line and exit status 2, never a traceback.

The commands run in a subprocess, as a user runs them, from a temporary working
directory (the command must not depend on where it is started). Those that only list
the artifacts' names (``--list``, an unknown ``--only`` name) import every producer: they
run in this process (:func:`actdocs_here`), where the tests before them have imported
most producers already, instead of importing torch and every producer once more.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actdocs import cli
from actdocs.engine.artifact import REPO_ROOT
from actdocs.execute import listing_figures
from actdocs.execute.listings import ListingError, artifacts as listing_artifacts, run_listing
from actdocs.engine.manifest import MANIFEST

TABLES = "table-*"


def actdocs(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"ACTDOCS_DEVICE", "ACTDOCS_CACHE"}}
    return subprocess.run(
        [sys.executable, "-m", "actdocs", *args],
        cwd=cwd, env={**environ, **env}, capture_output=True, text=True, timeout=300,
    )


def actdocs_here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> subprocess.CompletedProcess:
    """``python -m actdocs ARGS`` run in this process (:func:`actdocs.cli.main`), its result
    as :func:`actdocs` gives it: exit status, stdout, stderr."""
    for name in ("ACTDOCS_DEVICE", "ACTDOCS_CACHE"):
        monkeypatch.delenv(name, raising=False)
    capsys.readouterr()
    status = cli.main(list(args))
    printed = capsys.readouterr()
    return subprocess.CompletedProcess([cli.PROG, *args], status, printed.out, printed.err)


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str, status: int = 2) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("actdocs: error: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


# ---------------------------------------------------------------- usage errors


def test_device_cuda(tmp_path):
    result = actdocs("build", str(tmp_path / "cache"), "--device", "cuda", "--only", TABLES, cwd=tmp_path)
    if cuda_available():
        assert result.returncode == 0, result.stderr
        assert "on cuda" in result.stderr.splitlines()[-1]
    else:
        assert_one_line_error(result, "cuda", "no CUDA device")
        assert not (tmp_path / "cache").exists(), "nothing is written before the device check"


def test_unknown_artifact(tmp_path, monkeypatch, capsys):
    result = actdocs_here(monkeypatch, capsys, "build", str(tmp_path / "c"), "--only", "no-such-artifact")
    line = assert_one_line_error(result, "no-such-artifact", "known:", "table-properties")
    assert "output-linear_collapse" in line


def test_unwritable_dir(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert_one_line_error(actdocs("build", str(tmp_path / "a-file" / "cache"), cwd=tmp_path), "cannot write", "a-file")


def test_unknown_device_option(tmp_path):
    assert_one_line_error(actdocs("build", str(tmp_path / "c"), "--device", "tpu", cwd=tmp_path), "tpu")
    assert not (tmp_path / "c").exists()


def test_unknown_device_environment(tmp_path):
    assert_one_line_error(actdocs("build", str(tmp_path / "c"), cwd=tmp_path, ACTDOCS_DEVICE="tpu"), "tpu", "auto, cpu, cuda")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("value", ["abc", "0", "1.5"])
def test_malformed_experiment_threads_is_refused_at_start_up(tmp_path, value):
    """Checked before anything is made or found cached, not when an experiment runs."""
    result = actdocs("build", str(tmp_path / "c"), "--only", TABLES, cwd=tmp_path, ACTDOCS_EXPERIMENT_THREADS=value)
    assert_one_line_error(result, f"ACTDOCS_EXPERIMENT_THREADS={value!r}: expected a positive whole number of threads")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_malformed_listing_time_limit_is_refused_at_start_up(tmp_path, value):
    """Checked before anything is made or found cached, not only when a listing runs."""
    result = actdocs("build", str(tmp_path / "c"), "--only", TABLES, cwd=tmp_path, ACTDOCS_LISTING_TIMEOUT=value)
    assert_one_line_error(result, f"ACTDOCS_LISTING_TIMEOUT={value!r}: expected a positive number of seconds")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("value", ["abc", "0"])
def test_malformed_jobs_variable_is_refused_at_start_up(tmp_path, value):
    """Checked before anything is made or found cached, even beside ``--jobs``."""
    result = actdocs("build", str(tmp_path / "c"), "--only", TABLES, "--jobs", "1", cwd=tmp_path, ACTDOCS_JOBS=value)
    assert_one_line_error(result, f"ACTDOCS_JOBS={value!r}: expected a positive whole number of jobs")
    assert not (tmp_path / "c").exists()


def test_empty_dir_is_refused_not_the_current_folder(tmp_path):
    assert_one_line_error(actdocs("build", "", cwd=tmp_path), "DIR", "must not be empty")
    assert list(tmp_path.iterdir()) == [], "nothing written where the command ran"


def test_build_does_not_import_the_benchmark_to_parse_its_arguments(tmp_path):
    probe = ("import sys\nfrom actdocs import cli\n"
             "for argv in (['build', 'x', '--only', 'a'], ['bench', '--quick']):\n"
             "    cli._parser(argv).parse_args(argv)\n"
             "    print(argv[0], 'actdocs.bench' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.stdout.split() == ["build", "False", "bench", "True"], result.stderr


@pytest.mark.parametrize("args", [[], ["build"], ["bulid", "x"], ["build", "x", "--only"], ["build", "x", "--bogus"],
                                  ["build", "x", "--jobs", "0"], ["build", "x", "--jobs"]],
                         ids=["no-command", "no-dir", "bad-command", "only-without-name", "bad-option", "jobs-zero",
                              "jobs-without-number"])
def test_malformed_command_line(tmp_path, args):
    assert_one_line_error(actdocs(*args, cwd=tmp_path))


# ---------------------------------------------------------------- listing and building


def test_list_prints_the_artifact_names(tmp_path, monkeypatch, capsys):
    result = actdocs_here(monkeypatch, capsys, "build", str(tmp_path / "c"), "--list")
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    assert len(names) == len(set(names)) and "table-properties" in names
    snippets = sorted(p.stem for p in (REPO_ROOT / "snippets").glob("*.py"))
    figured = set(listing_figures.FIGURES)  # their output comes with their figure, from one run
    assert {f"output-{stem}" for stem in snippets if stem not in figured} <= set(names)
    assert {f"listing-figure-{stem}" for stem in figured} <= set(names)
    assert not {f"output-{stem}" for stem in figured} & set(names)
    assert not (tmp_path / "c").exists(), "--list writes nothing"


#: Tables that render the catalog without measuring it: an end-to-end build of a second or two.
QUICK_TABLES = ("table-usage", "table-summary")


def test_build_end_to_end_then_cached(tmp_path):
    cache = tmp_path / "cache"
    first = actdocs("build", str(cache), "--only", *QUICK_TABLES, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    made = [line for line in first.stderr.splitlines() if " made " in line]
    assert len(made) == len(QUICK_TABLES) and all("table-" in line for line in made)
    assert (cache / "tables" / "usage.md").read_text(encoding="utf-8").lstrip().startswith("|")
    assert (cache / MANIFEST).is_file()
    assert not (cache / "figures").exists() and not (cache / "output").exists()
    files = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}

    second = actdocs("build", str(cache), "--only", *QUICK_TABLES, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    steps = [line for line in second.stderr.splitlines() if line.startswith("[")]
    assert len(steps) == len(made) and all(" cached " in line for line in steps)
    assert "0 made" in second.stderr.splitlines()[-1]
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == files


# ---------------------------------------------------------------- a failing listing


def _snippet(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / "snippets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def test_failing_listing_names_file_and_line(tmp_path):
    path = _snippet(tmp_path, "broken.py", 'import json\n\nx = 1\njson.loads("{")\n')
    with pytest.raises(ListingError) as err:
        run_listing(path)
    message = str(err.value)
    assert message.startswith("broken.py failed at line 4: JSONDecodeError"), message
    assert "\n" not in message


def test_failing_listing_message_is_one_line(tmp_path):
    path = _snippet(tmp_path, "multi.py", 'raise AssertionError("first\\nsecond")\n')
    with pytest.raises(ListingError, match=r"^multi\.py failed at line 1: AssertionError: first second$"):
        run_listing(path)


def test_listing_syntax_error_names_its_line(tmp_path):
    with pytest.raises(ListingError, match=r"^syn\.py failed at line 2: SyntaxError"):
        run_listing(_snippet(tmp_path, "syn.py", "x = 1\nif x\n"))


def test_listing_exit_status(tmp_path):
    with pytest.raises(ListingError, match=r"^quits\.py exited with status 3$"):
        run_listing(_snippet(tmp_path, "quits.py", "import sys\nsys.exit(3)\n"))
    assert run_listing(_snippet(tmp_path, "fine.py", "import sys\nprint('ok')\nsys.exit(0)\n")) == "ok\n"


def test_listing_runs_at_repo_root_in_a_process_of_its_own(tmp_path):
    """What a listing changes (torch's global state, the working folder) stays in its process."""
    import torch

    before = torch.get_default_dtype(), torch.get_rng_state(), torch.get_num_threads()
    cwd = os.getcwd()
    source = ("import os, torch\ntorch.set_default_dtype(torch.float64)\ntorch.manual_seed(1)\n"
              "torch.set_num_threads(1)\nprint(os.getcwd(), os.getpid())\n")
    folder, pid = run_listing(_snippet(tmp_path, "state.py", source)).split()
    assert folder == str(tmp_path.resolve()) and int(pid) != os.getpid()
    assert os.getcwd() == cwd
    assert torch.get_default_dtype() == before[0] and torch.equal(torch.get_rng_state(), before[1])
    assert torch.get_num_threads() == before[2]


def test_cli_reports_a_failing_listing_in_one_line(tmp_path, monkeypatch, capsys):
    """Exit status 1 and one line, through the real command line (in-process)."""
    _snippet(tmp_path, "raises.py", "x = 1\nraise ValueError('bad value')\n")
    # inputs are keyed relative to the repository root: drop them for a listing outside it
    made = [dataclasses.replace(a, inputs=()) for a in listing_artifacts(tmp_path)]
    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: made)
    status = cli.main(["build", str(tmp_path / "cache"), "--device", "cpu"])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert err[-1] == "actdocs: error: raises.py failed at line 2: ValueError: bad value"
    assert not any("Traceback" in line for line in err)
    assert not (tmp_path / "cache" / "output").exists()


def test_the_mkdocs_hook_prints_a_failing_build_s_error_once(monkeypatch, capsys):
    """The build's log goes through; its last line, the error, only in MkDocs' one line."""
    from mkdocs.exceptions import PluginError

    from actdocs.site import mkdocs_hook

    log = "[1/2] cached   0.00s  table-properties\nactdocs: error: unknown device 'tpu'\n"
    monkeypatch.setattr(mkdocs_hook, "run_build", lambda command: (2, log))
    with pytest.raises(PluginError) as raised:
        mkdocs_hook.on_pre_build(config=None)
    assert str(raised.value) == "actdocs build failed: actdocs: error: unknown device 'tpu'"
    assert capsys.readouterr().err == "[1/2] cached   0.00s  table-properties\n"
