"""The exercise notebooks: each runs top to bottom in a fresh kernel and reaches its conclusion.

Every notebook in ``snippets/notebooks/`` is executed once, by the site build, through
``actdocs.execute.notebooks`` (nbclient, a new kernel per notebook, the next one started
while the current one runs); the tests read what it recorded. The notebook's own ``assert`` cells
check its conclusion; the tests below check the same conclusions again from the printed
outputs, so deleting an assert from a notebook does not silently drop the check.

Also: the shape every exercise follows (task, starter, solution, conclusion, plot,
asserts, no ``actdocs`` import), a failing cell's one-line error, the cache (a second
build makes nothing; an edited source is made again), the MNIST loader of the
challenge, and the page clean-up of :mod:`actdocs.site.notebook_html`.
"""

from __future__ import annotations

import ast
import dataclasses
import gzip
import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from actdocs import cli
from actdocs.execute import notebooks
from actdocs.site import notebook_html
from actdocs.engine.artifact import Context
from actdocs.engine.build import build
from actdocs.execute.listings import ListingError

SOURCES = notebooks.source_paths()
NAMES = [source.stem for source in SOURCES]
EXPECTED = {"ex1_from_scratch", "ex2_gradient_flow", "ex3_dying_relu", "ex4_gelu_approx", "challenge_custom_activation"}


def printed(nb) -> list[str]:
    """What each code cell printed."""
    return [
        "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def stdout(nb) -> str:
    """Everything the notebook printed, in order."""
    return "".join(printed(nb))


def table(nb, header: str, columns: int) -> dict[str, list[float]]:
    """The table a cell printed under the line containing ``header``: first column (a name,
    which may hold spaces and commas) -> its last ``columns`` numbers."""
    text = next(text for text in printed(nb) if header in text)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if header in line)
    row = re.compile(rf"^(?P<name>.+?)(?P<values>(?:\s+[-+]?[0-9.]+(?:e[-+]?[0-9]+)?){{{columns}}})\s*$")
    rows = {}
    for line in lines[start + 1 :]:
        match = row.match(line)
        if not match:
            break
        rows[match["name"].strip()] = [float(v) for v in match["values"].split()]
    return rows


@pytest.fixture(scope="session")
def executed(build_record) -> dict:
    """Every notebook as the site build executed it, each in a fresh kernel: the build's
    own record (``build_record``), so a test run executes each notebook at most once, in
    that build (not at all when the cache holds the run of this exact source and
    ``actdocs`` code, which the key covers)."""
    return {source.stem: notebooks.load_executed(build_record.path(notebooks.output_name(source))) for source in SOURCES}


# ------------------------------------------------------------------ the notebooks themselves


def test_every_exercise_has_a_notebook():
    assert set(NAMES) == EXPECTED


def test_every_notebook_is_in_the_nav():
    """The hook registers the notebooks as pages that may be left out of the nav (for
    small test sites): the real nav must list each one, and the exercises page link it."""
    from site_pages import nav_pages

    exercises = (notebooks.REPO_ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"exercises/{name}/" in nav_pages(), f"{name} is not in mkdocs.yml's nav"
        assert f"(exercises/{name}.ipynb)" in exercises, f"docs/exercises.md does not link {name}"


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
def test_notebook_follows_the_exercise_shape(source: Path):
    """Task, starter, solution with a conclusion, a plot, asserts; readers need no actdocs."""
    nb = notebooks.load(source)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert markdown[0].startswith("# "), "the first cell is the title and the task"
    assert "**Task.**" in markdown[0] or "Design" in markdown[0]
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert any(h.startswith("## Starter") for h in headings), headings
    assert headings[-1] == "## Solution", "the solution comes last (the site folds it)"
    assert any("**Conclusion.**" in text for text in markdown)
    assert "assert " in code[-1], "the last cell asserts the conclusion"
    assert any("plt.show()" in text for text in code), "a plot"
    for text in code:
        tree = ast.parse(text)
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(name.split(".")[0] == "actdocs" for name in imported), f"{source.name} imports actdocs"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_keeps_its_outputs(executed, name: str):
    nb = executed[name]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "top to bottom, one kernel"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the plot is in the notebook"
    for image in images:  # small figures keep the page light
        assert len(image["data"]["image/png"]) < 120_000, len(image["data"]["image/png"])
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in nb.metadata


def test_from_scratch_activations_match_pytorch(executed):
    nb = executed["ex1_from_scratch"]
    rows = table(nb, "value f64", columns=4)
    assert set(rows) == {"ReLU", "Leaky ReLU (0.01)", "Leaky ReLU (0.2)", "GELU"}
    for name, values in rows.items():
        value64, grad64, value32, grad32 = values
        assert max(value64, grad64) <= 1e-12 and max(value32, grad32) <= 1e-5, (name, values)
    assert re.search(r"^torch\.maximum\(x, 0\)\s+d/dx at 0 = 0\.5$", stdout(nb), re.M)


def test_sigmoid_first_layer_gradient_is_far_below_relus(executed):
    rows = table(executed["ex2_gradient_flow"], "layer 20", columns=4)
    assert set(rows) == {"sigmoid", "tanh", "relu"}
    layer1 = {name: values[0] for name, values in rows.items()}
    spread = {name: values[2] for name, values in rows.items()}
    assert layer1["sigmoid"] < 1e-6 * layer1["relu"], layer1
    assert spread["relu"] < 10 < 1e6 < spread["sigmoid"], spread


def test_dying_relu_concludes_only_what_its_output_shows(executed):
    nb = executed["ex3_dying_relu"]
    rows = table(nb, "configuration", columns=5)
    assert len(rows) == 4, rows
    stuck = {name: values[0] + values[1] for name, values in rows.items()}
    counts = {name: (int(values[3]), int(values[2])) for name, values in rows.items()}  # (revived, stuck) over seeds
    accuracy = {name: values[4] for name, values in rows.items()}
    for name, (k, n) in counts.items():
        assert 0 <= k <= n and n == round(stuck[name] * 3), (name, k, n, stuck[name])
    assert stuck["ReLU, lr 0.05"] >= 20 + stuck["ReLU, lr 1e-3"], stuck
    text = stdout(nb)
    assert "largest gradient reaching any of them: 0.0" in text
    assert float(re.search(r"Leaky 0\.01: \d+; smallest gradient reaching any of them: (\S+)", text)[1]) > 0
    # Every printed conclusion agrees with the table printed above it.
    relu, leaky = "ReLU, lr 0.05", "Leaky 0.01, lr 0.05"
    said = re.search(rf"conclusion: {re.escape(relu)} leaves (\d+) units stuck, (more|no more) than "
                     rf"{re.escape(leaky)} \((\d+)\)", text)
    assert said, text
    assert abs(int(said[1]) - stuck[relu]) <= 1 and abs(int(said[3]) - stuck[leaky]) <= 1, (said[0], stuck)
    assert said[2] == ("more" if stuck[relu] > stuck[leaky] else "no more"), (said[0], stuck)
    # A verdict on coming back rests on at least ten stuck units (review R2, M7: "most
    # stuck units stayed stuck" was printed of two units); it says how many.
    for name in (relu, leaky, "Leaky 0.1, lr 0.05"):
        k, n = counts[name]
        verdicts = re.findall(rf"^conclusion: {re.escape(name)}: (.*)$", text, re.M)
        assert len(verdicts) == 1, (name, verdicts)
        if n < 10:
            assert verdicts[0].startswith(f"only {n} units were stuck") and "too few" in verdicts[0], verdicts
        else:
            came_back = "most stuck units came back" if k > n / 2 else "most stuck units stayed stuck"
            assert verdicts[0] == f"{came_back} ({k} of {n})", (name, verdicts[0])
    better = "more" if accuracy[leaky] > accuracy[relu] else "less"
    assert f"conclusion: {leaky} ends {better} accurate than {relu}" in text
    # The Markdown conclusion states only what the asserts and these checks establish.
    conclusion = next(c.source for c in nb.cells if c.cell_type == "markdown" and "**Conclusion.**" in c.source)
    for overclaim in ("robust", "nearly removes", "fewer units stuck", "revives"):
        assert overclaim not in conclusion, overclaim


def test_gelu_tanh_approximation_is_accurate_and_timed(executed):
    text = stdout(executed["ex4_gelu_approx"])
    error = float(re.search(r"largest \|approx - exact\|\s*: (\S+)", text)[1])
    assert 1e-5 < error < 1e-3
    timings = [int(t) for t in re.findall(r"^.+?\s(\d+) µs", text, re.M)]
    assert len(timings) == 4 and all(t > 0 for t in timings), text  # timed; no speed claim


def test_custom_activation_meets_the_requirements_and_learns_digits(executed):
    text = stdout(executed["challenge_custom_activation"])
    assert "digits: 1437 training and 360 test images" in text, "the built page never uses MNIST_PATH"
    assert re.search(r"^LeakyTanh\s+yes\s+yes\s+yes$", text, re.M), text
    assert re.search(r"^ReLU\s+no\s+yes\s+no$", text, re.M), text
    accuracy = float(re.search(r"^LeakyTanh\s+([0-9.]+) ±", text, re.M)[1])
    assert accuracy > 0.85, "far above chance (0.10)"


def test_the_challenge_has_one_answer_notebook_and_experiment_alike():
    """The challenge notebook's solution is the training experiment's custom activation:
    the notebook's own class (it imports nothing from actdocs) computes the same function."""
    import torch

    from actdocs.experiments import training

    source = next(s for s in SOURCES if s.stem == "challenge_custom_activation").read_text(encoding="utf-8")
    tree = ast.parse(source)
    cls = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "LeakyTanh")
    scope: dict = {"torch": torch, "nn": torch.nn}
    exec(compile(ast.Module(body=[cls], type_ignores=[]), "challenge_custom_activation.py", "exec"), scope)
    x = torch.linspace(-30, 30, 6001, dtype=torch.float64)
    assert torch.equal(scope["LeakyTanh"]()(x), training.LeakyTanh()(x))


def _module_constant(tree: ast.Module, name: str):
    values = [ast.literal_eval(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)]
    assert len(values) == 1, f"{name} is assigned once"
    return values[0]


def test_the_challenge_states_the_gradient_criterion_it_checks(executed):
    """Requirement 1 in words is the requirement the code checks: the task names the
    constants the check compares with (no number typed into the prose), the check uses
    them, the printed criterion and column come from them, the bound is the experiment's,
    and ELU, softplus and tanh (positive slope, not bounded away from zero) fail only it."""
    from actdocs.experiments import training
    from actdocs.render.numbers import format_number

    source = next(s for s in SOURCES if s.stem == "challenge_custom_activation")
    nb = notebooks.load(source)
    task = next(c.source for c in nb.cells if c.cell_type == "markdown")
    requirement = next(line for line in task.split("\n1. ")[1:2])
    assert "bounded away from zero" in requirement and "`MIN_GRADIENT`" in requirement and "`CHECK_RANGE`" in requirement
    for text in (c.source for c in nb.cells if c.cell_type == "markdown"):
        assert not re.search(r"1e-3|10\^\{?-3|0\.001|\[-20, 20\]", text), "the bound is read from the code, never typed"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    bound, limit = _module_constant(tree, "MIN_GRADIENT"), _module_constant(tree, "CHECK_RANGE")
    assert bound == training.MIN_GRADIENT, "the notebook and the experiments page ask for the same bound"
    check = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "requirements")
    compared = [c for c in ast.walk(check) if isinstance(c, ast.Compare) and isinstance(c.ops[0], ast.GtE)]
    assert any(isinstance(c.comparators[0], ast.Name) and c.comparators[0].id == "MIN_GRADIENT" for c in compared)
    assert "linspace(-CHECK_RANGE, CHECK_RANGE" in ast.unparse(check)
    text = stdout(executed["challenge_custom_activation"])
    assert f"|f'(x)| >= {bound:g} on [-{limit}, {limit}]" in text
    assert re.search(rf"^activation\s+\|f'\| >= {re.escape(f'{bound:g}')}\s+slow growth\s+smooth$", text, re.M)
    for name in ("ELU", "Softplus", "Tanh"):
        assert re.search(rf"^{name}\s+no\s+yes\s+yes$", text, re.M), name
    assert f"\\ge {format_number(training.MIN_GRADIENT)}$ everywhere" in training.requirements_table(
        {"custom": {"requirements": training.requirements(), "relu_min_gradient": 0.0, "slope": training.LEAKY_TANH_SLOPE,
                    "declared_mismatches": []}})


def test_a_publication_a_notebook_names_is_a_reference_record():
    """A notebook (downloaded alone, so no [@key]) names a source by its arXiv identifier,
    and the title it quotes before it is the record's exact title."""
    from actdocs import references

    by_arxiv = {r.arxiv: r for r in references.REFERENCES if r.arxiv}
    found = 0
    for source in SOURCES:
        prose = " ".join(" ".join(c.source.split()) for c in notebooks.load(source).cells if c.cell_type == "markdown")
        for match in re.finditer(r"(?:\*(?P<title>[^*]+)\*\s*)?\(arXiv:(?P<id>\d{4}\.\d{4,5})\)", prose):
            found += 1
            assert match["id"] in by_arxiv, f"{source.name}: arXiv:{match['id']} has no reference record"
            if match["title"]:
                assert match["title"] == by_arxiv[match["id"]].title, source.name
    assert found, "the gradient-flow notebook cites Bengio's recommendations"


# ------------------------------------------------------------------ errors, cache, environment


def _source(root: Path, name: str, text: str) -> Path:
    path = root / notebooks.SOURCES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FAILING = '''\
# %% [markdown]
# # A failing notebook

# %%
def check(value):
    assert value == 3, "y should be 3"

# %%
y = 1 + 1
check(y)
'''


def test_failing_cell_is_one_line_naming_notebook_cell_and_line(tmp_path):
    source = _source(tmp_path, "broken.py", FAILING)
    with pytest.raises(notebooks.NotebookError) as err:
        notebooks.execute(source, root=tmp_path)
    message = str(err.value)
    assert message == "broken.py: cell 3 (broken.py:10) raised AssertionError: y should be 3", message
    assert isinstance(err.value, ListingError), "the command line reports it as one line, exit status 1"


def test_an_allowed_error_output_still_fails_the_build(tmp_path):
    """mkdocs-jupyter (execute: false) renders an error output without complaint, and
    nbclient lets a cell tagged raises-exception fail: the executor rejects it anyway."""
    source = _source(tmp_path, "tagged.py", '# %%\nx = 1\n\n# %% tags=["raises-exception"]\n1 / 0\n')
    with pytest.raises(notebooks.NotebookError, match=r"^tagged\.py has an error output in cell 2$"):
        notebooks.execute(source, root=tmp_path)


def test_cli_reports_a_failing_notebook_in_one_line(tmp_path, monkeypatch, capsys):
    _source(tmp_path, "broken.py", FAILING)
    # inputs are keyed relative to the repository root: drop them for a source outside it
    made = [dataclasses.replace(a, inputs=()) for a in notebooks.artifacts(tmp_path)]
    monkeypatch.setattr("actdocs.artifacts.all_artifacts", lambda: made)
    status = cli.main(["build", str(tmp_path / "cache"), "--device", "cpu"])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert err[-1] == "actdocs: error: broken.py: cell 3 (broken.py:10) raised AssertionError: y should be 3"
    assert not any("Traceback" in line for line in err)
    assert not (tmp_path / "cache" / notebooks.OUTPUT).exists()


def test_notebook_artifact_is_cached_and_remade_when_its_source_changes(tmp_path):
    root = tmp_path / "root"
    source = _source(root, "tiny.py", "# %% [markdown]\n# # Tiny\n\n# %%\nprint(6 * 7)\n")
    cache, ctx = tmp_path / "cache", Context(device="cpu", root=root, cache=tmp_path / "cache")

    first = build(cache, notebooks.artifacts(root), ctx)
    assert [r.status for r in first] == ["made"]
    written = json.loads((cache / "exercises" / "tiny.ipynb").read_text(encoding="utf-8"))
    assert "".join(written["cells"][1]["outputs"][0]["text"]) == "42\n"
    assert [c["id"] for c in written["cells"]] == ["cell-01", "cell-02"]

    assert [r.status for r in build(cache, notebooks.artifacts(root), ctx)] == ["cached"]

    source.write_text(source.read_text(encoding="utf-8").replace("6 * 7", "6 * 9"), encoding="utf-8")
    again = build(cache, notebooks.artifacts(root), ctx)
    assert [r.status for r in again] == ["made"]
    assert "54" in (cache / "exercises" / "tiny.ipynb").read_text(encoding="utf-8")


def test_artifacts_are_keyed_by_source_and_executor():
    made = notebooks.artifacts()
    assert [a.name for a in made] == [f"notebook-{name}" for name in NAMES]
    for artifact, source in zip(made, SOURCES):
        assert artifact.inputs == (f"snippets/notebooks/{source.name}",)
        assert artifact.module == "actdocs.execute.notebooks"
        assert artifact.outputs == (f"exercises/{source.stem}.ipynb",)
        assert not artifact.device_dependent


def test_kernel_environment_is_pinned(monkeypatch):
    monkeypatch.setenv("MNIST_PATH", "/somewhere/mnist.npz")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    env = notebooks.kernel_env({"EXTRA": "1"})
    assert "MNIST_PATH" not in env and "MPLBACKEND" not in env
    assert env["OMP_NUM_THREADS"] == "1" and env["EXTRA"] == "1"


def test_warm_up_imports_what_the_notebook_imports(tmp_path):
    source = _source(tmp_path, "w.py", "# %%\nimport math\nfrom torch import nn\nx = torch.optim.SGD\n")
    assert notebooks.warm_up(source) == ("math", "torch", "torch.nn", "torch._dynamo")


# ------------------------------------------------------------------ the challenge's MNIST loader


def _idx(path: Path, array: np.ndarray, compress: bool) -> None:
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(np.uint8).tobytes()
    if compress:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def load_mnist():
    """``load_mnist`` as the challenge defines it (its cell, executed on its own)."""
    nb = notebooks.load(notebooks.REPO_ROOT / notebooks.SOURCES / "challenge_custom_activation.py")
    cell = next(c.source for c in nb.cells if "def load_mnist" in c.source)
    tree = ast.parse(cell)
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) or getattr(n, "name", "") == "load_mnist"]
    namespace: dict = {}
    exec(compile(ast.Module(body=keep, type_ignores=[]), "load_mnist", "exec"), namespace)
    return namespace["load_mnist"]


@pytest.mark.parametrize("compress", [False, True], ids=["idx", "idx.gz"])
def test_mnist_loader_reads_idx_files(tmp_path, load_mnist, compress):
    rng = np.random.default_rng(0)
    images = {"train": rng.integers(0, 256, (5, 28, 28)), "t10k": rng.integers(0, 256, (3, 28, 28))}
    labels = {"train": np.arange(5) % 10, "t10k": np.arange(3)}
    for split in ("train", "t10k"):
        _idx(tmp_path / f"{split}-images-idx3-ubyte", images[split], compress)
        _idx(tmp_path / f"{split}-labels-idx1-ubyte", labels[split], compress)
    x_train, y_train, x_test, y_test = load_mnist(tmp_path)
    assert x_train.shape == (5, 784) and x_test.shape == (3, 784) and x_train.dtype == np.float32
    np.testing.assert_allclose(x_train[1], images["train"][1].reshape(-1) / 255.0, rtol=1e-6)
    assert y_train.tolist() == [0, 1, 2, 3, 4] and y_test.tolist() == [0, 1, 2]


def test_mnist_loader_reads_npz(tmp_path, load_mnist):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.full((2, 28, 28), 255, np.uint8), y_train=np.array([3, 4]),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.array([7]))
    x_train, y_train, x_test, y_test = load_mnist(path)
    assert x_train.shape == (2, 784) and float(x_train.max()) == 1.0
    assert y_train.tolist() == [3, 4] and y_test.tolist() == [7]


def test_mnist_loader_names_a_missing_file(tmp_path, load_mnist):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_mnist(tmp_path)


# ------------------------------------------------------------------ the page clean-up

PAGE = """\
<script src="clip.js"></script>
<!-- Load mathjax -->
<script src=""> </script>
<script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>
<!-- End of mathjax configuration --><script type="module">
  const mermaid = (await import("https://cdn.example/mermaid.esm.min.mjs")).default;
</script>
<div class="jupyter-wrapper"><div class="jp-Notebook">
<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><h1 id="t">T</h1>
<p>Inline $x = 0$, a price of 5$ and <code>$HOME</code>.</p>
<p>$$
\\frac{a}{b} &amp; c
$$</p></div>
<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><pre>print("$x$")</pre></div>
<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><h2 id="solution">Solution</h2></div>
<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Cell jp-CodeCell"><pre>1</pre></div></div>
<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><p>Done.</p></div>
</div> <!-- jp-Notebook -->
</div>
<style>
        ['pre { line-height: 125%; }\\n']
        </style>
"""


def test_tidy_strips_the_foreign_loaders():
    page = notebook_html.tidy(PAGE)
    assert 'src="clip.js"' in page
    for gone in ("mathjax", "MathJax", 'src=""', "mermaid", "['pre"):
        assert gone not in page, gone


def test_tidy_marks_markdown_math_for_katex_only():
    page = notebook_html.tidy(PAGE)
    assert '<span class="arithmatex">\\(x = 0\\)</span>' in page
    assert '<div class="arithmatex">\\[\n\\frac{a}{b} &amp; c\n\\]</div>' in page
    assert "<p>$$" not in page
    assert "5$ and <code>$HOME</code>" in page, "prices and code stay as they are"
    assert '<pre>print("$x$")</pre>' in page, "code cells stay as they are"


def test_tidy_folds_the_solution_after_its_heading():
    page = notebook_html.tidy(PAGE)
    heading, details, end = page.index('<h2 id="solution">'), page.index("<details"), page.index("</details>")
    assert heading < details < page.index("<pre>1</pre>") < page.index("Done.") < end < page.index("<!-- jp-Notebook -->")
    assert '<details class="success nb-solution">' in page and "open" not in page[details : details + 60]
    assert notebook_html.collapse_solution("<p>no solution</p>") == "<p>no solution</p>"
