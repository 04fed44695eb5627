"""Run every listing in ``snippets/`` and capture what it prints, for the pages.

Each snippet is a standalone script. The build runs it as ``__main__`` inside the
build process (torch is imported once, not once per listing), with the working
directory at the repository root, and stores its standard output as
``output/<name>.txt``. A page shows that file under the listing, so the output a
reader sees is the output the code printed at build time.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import runpy
import traceback
from pathlib import Path
from typing import Collection

from actdocs.build import Artifact, Context, REPO_ROOT
from actdocs.errors import ListingError
from actdocs.markdown import write_text

SNIPPETS = "snippets"


def snippet_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every runnable listing, sorted by name."""
    return sorted((root / SNIPPETS).glob("*.py"))


def run_listing(path: Path) -> str:
    """Run one listing as ``__main__`` and return what it printed (see :func:`execute`)."""
    return execute(path)[0]


def execute(path: Path) -> tuple[str, dict]:
    """Run one listing as ``__main__``; return what it printed and the names it defined.

    Global torch state a listing may change (default dtype, RNG, threads) is put back
    afterwards, so listings cannot influence each other through the build process. A
    figure drawn from a listing (:mod:`actdocs.listing_figures`) reads the names.
    """
    import torch

    path = Path(path).resolve()  # it is run after the chdir below
    dtype, rng, threads = torch.get_default_dtype(), torch.get_rng_state(), torch.get_num_threads()
    buffer = io.StringIO()
    cwd = os.getcwd()
    names: dict = {}
    try:
        os.chdir(path.parent.parent)
        with contextlib.redirect_stdout(buffer):
            names = runpy.run_path(str(path), run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise ListingError(f"{path.name} exited with status {stop.code}") from None
    except Exception as err:  # a failing listing must stop the build with its reason
        raise ListingError(
            f"{path.name} failed at line {_listing_line(err, path)}: {type(err).__name__}: {' '.join(str(err).split())}"
        ) from err
    finally:
        os.chdir(cwd)
        torch.set_default_dtype(dtype)
        torch.set_rng_state(rng)
        torch.set_num_threads(threads)
    return buffer.getvalue(), names


def _listing_line(err: Exception, path: Path) -> int | None:
    """The line of the listing itself where ``err`` arose (not a line inside a library)."""
    if isinstance(err, SyntaxError) and err.filename and Path(err.filename).resolve() == path.resolve():
        return err.lineno
    frames = traceback.extract_tb(err.__traceback__)
    own = [f for f in frames if Path(f.filename).resolve() == path.resolve()]
    return (own or frames)[-1].lineno


def output_path(path: Path) -> str:
    """Where a listing's captured output lies in the cache: ``output/<name>.txt``."""
    return f"output/{path.stem}.txt"


def _make(path: Path, out: Path, ctx: Context) -> None:
    write_text(out, output_path(path), run_listing(path))


def artifacts(root: Path = REPO_ROOT, without: Collection[str] = ()) -> list[Artifact]:
    """One artifact per listing: its captured output, keyed by the listing's bytes.

    Listings import nothing from ``actdocs`` (a reader copies them as they are;
    ``tests/test_snippets.py`` enforces it), so their bytes and this module's code are
    all that their output depends on. The listings named in ``without`` (stems) are left
    to another producer, which runs them once for their output and a figure
    (:mod:`actdocs.listing_figures`).
    """
    return [
        Artifact(
            name=f"output-{path.stem}",
            outputs=(output_path(path),),
            make=functools.partial(_make, path),
            module="actdocs.listings",
            inputs=(f"{SNIPPETS}/{path.name}",),
        )
        for path in snippet_paths(root)
        if path.stem not in without
    ]
