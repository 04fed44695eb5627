"""Determinism, tested once: artifacts made again give the bytes the build recorded.

Every other test reads what the build made (``build_record``) instead of making it again,
which is sound only if a make is a function of its key: no date, no hash seed, no
unseeded randomness, no timing in an output. The build made these in its own processes
(another hash seed, other modules imported before them); made here again from the same
cache, each output must be byte for byte the recorded one. One artifact of each kind of
producer: a matplotlib figure, a figure with its Markdown fragment, a table, a fragment,
a listing's captured output (run in a process of its own), a seeded
torch experiment (on the device the build used) and a demo drawn from an experiment's
recorded results.
"""

from __future__ import annotations

from pathlib import Path

from actdocs.engine import manifest
from actdocs.engine.artifact import Context

AGAIN = (
    "figure-relu",
    "figure-gates",
    "table-usage",
    "fragment-glossary",
    "output-relu_definition",
    "experiment-gelu-approx",
    "demo-distributions",
)


def test_artifacts_made_again_give_the_bytes_the_build_recorded(build_record, tmp_path: Path):
    from actdocs.artifacts import all_artifacts

    by_name = {a.name: a for a in all_artifacts()}
    ctx = Context(device=manifest.read_document(build_record.cache)["device"], cache=build_record.cache)
    differ = []
    for name in AGAIN:
        artifact = by_name[name]
        artifact.make(tmp_path / name, ctx)
        differ += [f"{name}: {rel}" for rel in artifact.outputs
                   if (tmp_path / name / rel).read_bytes() != build_record.path(rel).read_bytes()]
    assert not differ, "made again, these differ from what the build recorded:\n" + "\n".join(differ)
