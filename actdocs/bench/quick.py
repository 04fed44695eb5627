"""``bench-quick``: the quick benchmark on the build's device, as JSON and tables ("this machine").

Its own module, apart from :mod:`actdocs.bench.site`'s charts, so that its text is keyed by
the code that measures and writes it, not by the plotting code.
"""

from __future__ import annotations

from pathlib import Path

from actdocs import paths
from actdocs.engine.artifact import Artifact, Context
from actdocs.render.markdown import write_text

MODULE = "actdocs.bench.quick"
#: The run's document (read by the claims and facts pages) and its tables.
QUICK_JSON = paths.data("bench-quick")
QUICK_TABLE = paths.table("bench-quick")


def _make(out: Path, ctx: Context) -> None:
    from actdocs.bench import schema
    from actdocs.bench.config import RunConfig
    from actdocs.bench.render import markdown_tables
    from actdocs.bench.runner import run

    doc = run(RunConfig(device=ctx.device, quick=True))
    write_text(out, QUICK_JSON, schema.dumps(doc))
    write_text(out, QUICK_TABLE, markdown_tables(doc))


def artifact() -> Artifact:
    """The quick run: device-dependent, and exclusive (timed on an otherwise idle machine)."""
    return Artifact(name="bench-quick", outputs=(QUICK_JSON, QUICK_TABLE), make=_make, module=MODULE,
                    device_dependent=True, exclusive=True)
