"""pytest-codeblocks glue: run the Python fences of README.md and docs/ as the site shows them.

pytest-codeblocks 0.18 has two holes that this plugin closes. It is loaded by
``-p codeblocks_glue`` in pyproject's addopts (with ``tests`` on ``pythonpath``), so it is
active for ``pytest README.md`` and ``pytest docs/`` too, not only when
``tests/conftest.py`` (which also names it) is loaded:

* it runs ``--8<--`` lines as Python instead of expanding them. Here every Python fence
  is fed through pymdownx's own :class:`~pymdownx.snippets.SnippetPreprocessor`,
  configured like the site (base paths: the repository root and the artifact cache;
  ``check_paths``), before it runs. A missing include is a collection error;
* it collects only fences whose info string is exactly ``python`` (or ``sh``/``bash``),
  so ``py``, ``python3`` and ``python title="x.py"`` fences were silently never run.
  Here every Python fence is collected.

A fence whose only content is ``--8<-- "snippets/NAME.py"`` includes (and that checks no
expected output) is left out: ``tests/execute/test_snippets.py`` runs that file as ``__main__``
with the working directory at the repository root, which is how a reader runs it.
``tests/test_docs_policy.py`` fails on any Python fence that is neither such an include
nor collected here (a ``~~~`` fence, a skipped fence, a ``skipfile`` page).

The patch is installed in ``pytest_configure`` and removed in ``pytest_unconfigure``;
:func:`extract_blocks` gives the same result without pytest, for the policy test.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import markdown
import pytest_codeblocks.main
import pytest_codeblocks.plugin
from pytest_codeblocks.main import CodeBlock

from actdocs.engine.artifact import REPO_ROOT
from actdocs.engine.build import default_cache

#: Fence languages that are Python (the first word of the info string, or its first
#: ``.class`` in the ``{.python title="x"}`` form).
PYTHON_LANGS = frozenset({"python", "py", "python3"})

#: What ``pytest_codeblocks.plugin.MarkdownFile.collect`` keeps, by ``block.syntax``.
COLLECTED_SYNTAXES = ("python", "sh", "bash")

#: One include line of a file under ``snippets/`` (inline form, optional ``:section`` or
#: line ranges), the only content that marks a fence as covered by test_snippets.py.
SNIPPET_INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}[ \t]+(["'])snippets/[^"'\n]+?\.py(?::[^"'\n]*)?\1\s*$""")

_stock_extract_from_file = pytest_codeblocks.main.extract_from_file


def fence_language(info: str | None) -> str:
    """The language of a fence from its info string: ``python title="x"`` -> ``python``."""
    info = (info or "").strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split(maxsplit=1)[0].lower() if info else ""


def is_python(info: str | None) -> bool:
    """True when a fence with this info string holds Python code."""
    return fence_language(info) in PYTHON_LANGS


def only_snippet_includes(code: str) -> bool:
    """True when every non-blank line of ``code`` includes a file of ``snippets/``."""
    lines = [line for line in code.splitlines() if line.strip()]
    return bool(lines) and all(SNIPPET_INCLUDE.match(line) for line in lines)


@lru_cache(maxsize=1)
def preprocessor():
    """pymdownx's snippet preprocessor, configured as ``mkdocs.yml`` and the hook do."""
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={
            "pymdownx.snippets": {
                "base_path": [str(REPO_ROOT), str(default_cache().resolve())],
                "check_paths": True,
            }
        },
    )
    return md.preprocessors["snippet"]


def expand(text: str) -> str:
    """``text`` with every ``--8<--`` include expanded, as the site renders it."""
    if "8<-" not in text:
        return text
    lines = preprocessor().run(text.splitlines())
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def prepare(blocks: list[CodeBlock]) -> list[CodeBlock]:
    """The blocks pytest-codeblocks should run: Python fences expanded and collectable."""
    prepared = []
    for block in blocks:
        if is_python(block.syntax):
            if only_snippet_includes(block.code) and block.expected_output is None:
                continue  # run as __main__ by tests/execute/test_snippets.py
            block.syntax = "python"
            block.code = expand(block.code)
            if block.expected_output is not None:
                block.expected_output = expand(block.expected_output)
        prepared.append(block)
    return prepared


def extract_from_file(f, *args, **kwargs) -> list[CodeBlock]:
    """Drop-in for ``pytest_codeblocks.plugin.extract_from_file`` (see :func:`prepare`)."""
    return prepare(_stock_extract_from_file(f, *args, **kwargs))


def collected(blocks: list[CodeBlock]) -> list[CodeBlock]:
    """The blocks ``MarkdownFile.collect`` turns into test items."""
    return [b for b in prepare(blocks) if b.syntax in COLLECTED_SYNTAXES]


def extract_blocks(path: Path) -> list[CodeBlock]:
    """The blocks the patched collection runs for the Markdown file at ``path``."""
    return collected(_stock_extract_from_file(path))


def extract_text(text: str) -> list[CodeBlock]:
    """The blocks the patched collection runs for a Markdown ``text``."""
    return collected(pytest_codeblocks.main.extract_from_buffer(io.StringIO(text)))


def pytest_configure(config) -> None:
    pytest_codeblocks.plugin.extract_from_file = extract_from_file


def pytest_unconfigure(config) -> None:
    pytest_codeblocks.plugin.extract_from_file = _stock_extract_from_file
