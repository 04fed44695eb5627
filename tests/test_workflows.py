"""The GitHub Actions workflows, the Makefile targets they run, and the site metadata they set.

The workflows never run here, so these tests check what can go wrong without GitHub:

* each file parses (YAML 1.1 reads the key ``on`` as ``True``: :func:`triggers` takes
  either) and has the triggers, jobs, permissions and environment it should;
* every ``make X`` in a ``run:`` script is a target of the Makefile, and
  ``make -n X`` succeeds for the targets the README and the workflows name;
* every action is pinned to a major version (``actions/checkout@v5``);
* what they cache and upload is what the build really reads or writes (the artifact
  cache folder, ``site/``, ``data/bench/``), and the torch pin matches constraints.txt;
* the repository and edit links that CI turns on (``ACTDOCS_REPO_URL``...) render as
  plain links: no Material component that asks the GitHub API for stars and forks.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from site_build import mkdocs_build_command, tiny_project
from site_pages import MKDOCS_YML, load_mkdocs_config

from actdocs.bench import schema
from actdocs.engine.artifact import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
DOCS_WORKFLOW = WORKFLOWS / "docs.yml"
GPU_WORKFLOW = WORKFLOWS / "gpu-bench.yml"
MAKEFILE = REPO_ROOT / "Makefile"

#: ``owner/name@ref`` of a ``uses:`` line (local ``./`` actions and ``docker://`` aside).
USES = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>[\w.-]+)$")
MAJOR = re.compile(r"^v\d+$")


# ------------------------------------------------------------------ helpers


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def triggers(workflow: dict) -> dict:
    """The ``on:`` mapping; PyYAML (YAML 1.1) reads the bare key ``on`` as ``True``."""
    on = workflow["on"] if "on" in workflow else workflow.get(True)
    assert on is not None, "workflow has no `on:` triggers"
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict, job: str | None = None) -> list[dict]:
    jobs = [workflow["jobs"][job]] if job else workflow["jobs"].values()
    return [step for j in jobs for step in j.get("steps", [])]


def uses(workflow: dict, action: str, job: str | None = None) -> list[dict]:
    """The steps of ``job`` (or of every job) that use ``action`` (any version)."""
    return [s for s in steps(workflow, job) if str(s.get("uses", "")).split("@")[0] == action]


def run_scripts(workflow: dict, job: str | None = None) -> list[str]:
    return [s["run"] for s in steps(workflow, job) if "run" in s]


def make_targets_run(script: str) -> list[str]:
    """The targets of every ``make`` command in a shell script (options and VAR=value skipped)."""
    targets = []
    for line in script.splitlines():
        line = line.split("#", 1)[0]
        for command in re.split(r"&&|\|\||[;|]", line):
            try:
                words = shlex.split(command)
            except ValueError:
                words = command.split()
            if not words or words[0] != "make":
                continue
            args = iter(words[1:])
            for word in args:
                if word in ("-C", "-f", "--directory", "--file"):
                    next(args, None)
                elif not word.startswith("-") and "=" not in word:
                    targets.append(word)
    return targets


def makefile_targets(text: str) -> set[str]:
    """Explicit targets of a Makefile (rules ``a b: deps``; variable assignments skipped)."""
    targets = set()
    for line in text.splitlines():
        m = re.match(r"^([^\s#:=][^:=]*?)\s*::?(?!=)", line)
        if m and not line.startswith("\t"):
            targets.update(t for t in m.group(1).split() if "$" not in t and "%" not in t)
    return targets


def workflow_env(workflow: dict, job: str) -> dict:
    return {**(workflow.get("env") or {}), **(workflow["jobs"][job].get("env") or {})}


def resolve(value, env: dict) -> str:
    """``${{ env.NAME }}`` replaced by the workflow's value."""
    return re.sub(r"\$\{\{\s*env\.(\w+)\s*\}\}", lambda m: str(env[m.group(1)]), str(value))


@pytest.fixture(scope="module")
def docs_wf() -> dict:
    return load(DOCS_WORKFLOW)


@pytest.fixture(scope="module")
def gpu_wf() -> dict:
    return load(GPU_WORKFLOW)


ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.y*ml"))


# ------------------------------------------------------------------ every workflow


def test_the_two_workflows_exist():
    assert DOCS_WORKFLOW in ALL_WORKFLOWS and GPU_WORKFLOW in ALL_WORKFLOWS, ALL_WORKFLOWS


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_with_name_triggers_and_jobs(path: Path):
    workflow = load(path)
    assert workflow.get("name")
    assert triggers(workflow)
    assert workflow.get("jobs"), "no jobs"
    for name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"job {name} has no runs-on"
        assert job.get("steps"), f"job {name} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"job {name}: a step needs exactly one of uses/run: {step}"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_major_version(path: Path):
    workflow = load(path)
    for step in steps(workflow):
        ref = step.get("uses")
        if not ref or ref.startswith(("./", "docker://")):
            continue
        m = USES.match(ref)
        assert m, f"{path.name}: `uses: {ref}` names no version"
        if m["action"].startswith("actions/"):
            assert MAJOR.match(m["ref"]), f"{path.name}: {ref} is not pinned to a major version (@vN)"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_default_token_is_read_only(path: Path):
    assert load(path).get("permissions") == {"contents": "read"}


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_make_target_run_exists(path: Path):
    defined = makefile_targets(MAKEFILE.read_text(encoding="utf-8"))
    ran = [t for script in run_scripts(load(path)) for t in make_targets_run(script)]
    assert ran, f"{path.name} runs no make target"
    missing = sorted(set(ran) - defined)
    assert not missing, f"{path.name} runs make targets the Makefile lacks: {missing} (has {sorted(defined)})"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_torch_pin_matches_constraints(path: Path):
    pin = re.search(r"^torch==(\S+)$", (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8"), re.M)
    assert pin, "constraints.txt pins no torch"
    pins = re.findall(r"torch==([\w.+]+)", "\n".join(run_scripts(load(path))))
    assert pins, f"{path.name} installs no pinned torch"
    assert set(pins) == {pin.group(1)}, f"{path.name} installs torch {pins}, constraints.txt pins {pin.group(1)}"


def test_helpers():
    script = "make setup\nmake --silent budgets | tee x  # make nothing\nmake bench DEVICE=cuda THREADS=\"$T\" && make -C . site"
    assert make_targets_run(script) == ["setup", "budgets", "bench", "site"]
    assert makefile_targets("A := 1\nB ?= x\n.PHONY: a\na b: c\n\techo d: e\n$(X): y\n") == {".PHONY", "a", "b"}
    assert triggers(yaml.safe_load("on: [push]\njobs: {}")) == {"push": None}
    assert triggers({"on": "push"}) == {"push": None}


# ------------------------------------------------------------------ docs.yml


def test_docs_runs_on_push_and_pull_request(docs_wf):
    on = triggers(docs_wf)
    assert "push" in on and "pull_request" in on


def test_docs_build_job_sets_up_python_311_and_node_with_caches(docs_wf):
    env = workflow_env(docs_wf, "build")
    assert docs_wf["jobs"]["build"]["runs-on"] == "ubuntu-latest"
    (python,) = uses(docs_wf, "actions/setup-python", "build")
    assert resolve(python["with"]["python-version"], env) == "3.11"
    assert python["with"]["cache"] == "pip"
    assert set(python["with"]["cache-dependency-path"].split()) == {"constraints.txt", "pyproject.toml"}
    (node,) = uses(docs_wf, "actions/setup-node", "build")
    assert node["with"]["cache"] == "npm"
    assert node["with"]["cache-dependency-path"].split() == ["package-lock.json"]
    for path in ("constraints.txt", "pyproject.toml", "package-lock.json"):
        assert (REPO_ROOT / path).is_file(), path


def test_docs_caches_the_artifact_cache_keyed_by_locks_and_sources(docs_wf):
    (cache,) = uses(docs_wf, "actions/cache", "build")
    path = cache["with"]["path"].strip()
    assert path == ".cache/actdocs"
    # It is the folder the build writes: the hook's default cache and the Makefile's CACHE.
    env = {k: v for k, v in os.environ.items() if k != "ACTDOCS_CACHE"}
    out = subprocess.run(
        [sys.executable, "-c", "from actdocs.engine.build import default_cache; print(default_cache())"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert Path(out.stdout.strip()) == REPO_ROOT / path
    assert re.search(rf"^CACHE\s*\?=\s*{re.escape(path)}\s*$", MAKEFILE.read_text(encoding="utf-8"), re.M)
    key = cache["with"]["key"]
    for hashed in ("constraints.txt", "package-lock.json", "actdocs/**", "snippets/**"):
        assert f"'{hashed}'" in key, f"the cache key does not hash {hashed}: {key}"
    for pattern in re.findall(r"'([^']+)'", key):
        assert glob.glob(str(REPO_ROOT / pattern), recursive=True), f"hashFiles('{pattern}') matches nothing"


def test_docs_installs_chromium_and_hands_its_path_to_the_tests(docs_wf):
    script = "\n".join(run_scripts(docs_wf, "build"))
    assert "apt-get install -y chromium chromium-driver" in script
    assert "ACTDOCS_CHROMIUM=" in script and "$GITHUB_ENV" in script
    source = (REPO_ROOT / "tests" / "browser_launch.py").read_text(encoding="utf-8")
    assert 'os.environ.get("ACTDOCS_CHROMIUM")' in source


def test_docs_installs_cpu_torch_before_make_setup(docs_wf):
    for job in ("build", "budgets"):
        scripts = run_scripts(docs_wf, job)
        torch_at = next(i for i, s in enumerate(scripts) if "torch==" in s)
        setup_at = next(i for i, s in enumerate(scripts) if "make setup" in s)
        assert torch_at < setup_at, f"{job}: torch must be in .venv before `make setup`"
        assert "--index-url" in scripts[torch_at]
    # the index comes from a repository variable: no index URL is written into the repository
    assert workflow_env(docs_wf, "build")["TORCH_INDEX_URL"] == "${{ vars.TORCH_INDEX_URL }}"


def test_docs_tests_then_builds_strictly_then_uploads_site(docs_wf):
    runs = [s.get("run", "").strip() for s in steps(docs_wf, "build")]
    order = [runs.index("make test"), runs.index("make site")]
    assert order == sorted(order), "make test must come before make site"
    assert "--strict" in re.search(r"^site:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(encoding="utf-8"), re.M).group(1)
    (upload,) = uses(docs_wf, "actions/upload-pages-artifact", "build")
    assert upload["with"]["path"] == "site"
    # `make site` builds into mkdocs' default site_dir, and site/ is git-ignored output.
    assert load_mkdocs_config().get("site_dir", "site") == "site"
    assert "/site/" in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").split()  # the built site, not actdocs/site


def test_docs_deploys_to_pages_from_main_only(docs_wf):
    deploy = docs_wf["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert "github.ref == 'refs/heads/main'" in deploy["if"] and "github.event_name == 'push'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert "steps.deployment.outputs.page_url" in deploy["environment"]["url"]
    (step,) = uses(docs_wf, "actions/deploy-pages", "deploy")
    assert step["id"] == "deployment"
    # No other job may write: the build job runs pull requests' code.
    for name, job in docs_wf["jobs"].items():
        if name != "deploy":
            assert "permissions" not in job, name


def test_docs_prints_the_budgets_without_failing(docs_wf):
    job = docs_wf["jobs"]["budgets"]
    assert job.get("continue-on-error") is True
    scripts = run_scripts(docs_wf, "budgets")
    assert any("budgets" in make_targets_run(s) for s in scripts)
    assert "--enforce" not in "\n".join(scripts) + MAKEFILE.read_text(encoding="utf-8")
    assert not any("budgets" in (j.get("needs") or []) for j in docs_wf["jobs"].values()), "nothing waits on budgets"


def test_docs_sets_the_site_metadata_mkdocs_reads(docs_wf):
    env = workflow_env(docs_wf, "build")
    text = MKDOCS_YML.read_text(encoding="utf-8")
    for name in ("ACTDOCS_REPO_URL", "ACTDOCS_REPO_NAME", "ACTDOCS_EDIT_URI"):
        assert name in env, name
        assert f"!ENV [{name}," in text, name
    site_step = next(s for s in steps(docs_wf, "build") if s.get("run", "").strip() == "make site")
    assert "ACTDOCS_SITE_URL" in site_step["env"] and "!ENV [ACTDOCS_SITE_URL," in text
    assert env["ACTDOCS_EDIT_URI"].startswith("edit/main/"), "edit links point at the branch that is deployed"


# ------------------------------------------------------------------ gpu-bench.yml


def test_gpu_is_manual_with_a_runner_label_input(gpu_wf):
    on = triggers(gpu_wf)
    assert list(on) == ["workflow_dispatch"]
    runner = on["workflow_dispatch"]["inputs"]["runner"]
    assert runner["default"] == "gpu" and runner["type"] == "string"
    (job,) = gpu_wf["jobs"].values()
    assert job["runs-on"] == "${{ inputs.runner }}"


def test_gpu_runs_the_full_benchmark_on_cuda(gpu_wf):
    (name,) = gpu_wf["jobs"]
    assert workflow_env(gpu_wf, name)["ACTDOCS_DEVICE"] == "cuda"
    scripts = run_scripts(gpu_wf)
    bench_runs = [s for s in scripts if "bench" in make_targets_run(s)]
    assert bench_runs and all("--quick" not in s for s in bench_runs)
    # The Makefile's DEVICE wins over ACTDOCS_DEVICE (it passes --device): pass it through.
    assert all("DEVICE=" in s for s in bench_runs)
    torch_at = next(i for i, s in enumerate(scripts) if "torch==" in s)
    setup_at = next(i for i, s in enumerate(scripts) if "make setup" in s)
    assert torch_at < setup_at and "cuda.is_available()" in scripts[torch_at]


def test_gpu_uploads_the_json_the_bench_writes(gpu_wf):
    (upload,) = uses(gpu_wf, "actions/upload-artifact")
    assert upload["with"]["path"] == f"{schema.RECORDED_DIR}/*.json"
    assert upload["with"].get("if-no-files-found") == "error"
    assert (REPO_ROOT / schema.RECORDED_DIR).is_dir()
    recipe = re.search(r"^bench:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(encoding="utf-8"), re.M).group(1)
    assert f"--json-dir {schema.RECORDED_DIR}" in recipe


# ------------------------------------------------------------------ the Makefile


@pytest.mark.parametrize("target", ["setup", "serve", "site", "test", "bench", "budgets", "clean"])
def test_make_dry_run(target: str):
    assert shutil.which("make"), "make is not installed: `make test` is the README's test command"
    result = subprocess.run(["make", "-n", target], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ site metadata


def test_source_partial_has_no_github_api_component():
    """Material's JS fetches repository facts for any ``[data-md-component=source]``."""
    partial = (REPO_ROOT / "overrides" / "partials" / "source.html").read_text(encoding="utf-8")
    markup = re.sub(r"\{#.*?#\}", "", partial, flags=re.S)  # Jinja comments left out
    assert 'class="md-source"' in markup
    assert "data-md-component" not in markup


def test_favicon_is_a_small_local_svg():
    config = load_mkdocs_config()
    favicon = REPO_ROOT / "docs" / config["theme"]["favicon"]
    assert favicon.suffix == ".svg" and favicon.is_file()
    text = favicon.read_text(encoding="utf-8")
    assert len(text) < 2000 and "<svg" in text
    assert not re.search(r"(?:href|src)\s*=\s*[\"'](?:https?:)?//", text), "the favicon loads nothing"


@pytest.mark.slow
def test_ci_metadata_renders_plain_links(tmp_path: Path):
    """Built as CI builds it: the repository link, edit links, favicon and an absolute 404 page."""
    config = tiny_project(tmp_path, {"index.md": "# Home\n\n[Other](other.md)\n", "other.md": "# Other\n"}, favicon=True)
    ci = {
        "ACTDOCS_SITE_URL": "https://example.github.io/actdocs/",
        "ACTDOCS_REPO_URL": "https://github.com/example/actdocs",
        "ACTDOCS_REPO_NAME": "example/actdocs",
        "ACTDOCS_EDIT_URI": "edit/main/docs/",
    }
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **ci}
    site = tmp_path / "site"
    result = subprocess.run(
        mkdocs_build_command(config, site),
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout
    page = (site / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/actdocs"' in page and "example/actdocs" in page
    assert 'href="https://github.com/example/actdocs/edit/main/docs/other.md"' in page
    assert 'data-md-component="source"' not in page
    assert 'rel="icon" href="../assets/favicon.svg"' in page
    missing = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in missing
    assert 'href="/actdocs/assets/favicon.svg"' in missing, "the 404 page's URLs are absolute under site_url"
    # And without the variables (a local build): no repository or edit link at all. The
    # artifact cache (ACTDOCS_CACHE) stays: without it the build would start a cold cache.
    local = {k: v for k, v in env.items() if k not in ci}
    result = subprocess.run(
        mkdocs_build_command(config, tmp_path / "local"),
        cwd=REPO_ROOT, env=local, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout
    page = (tmp_path / "local" / "other" / "index.html").read_text(encoding="utf-8")
    assert "md-source" not in page and "/edit/" not in page
