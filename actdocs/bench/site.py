"""The build's benchmark artifacts: this machine's quick run, and the runs kept in ``data/bench``.

* ``bench-quick`` (:mod:`actdocs.bench.quick`) runs the quick benchmark on the build's
  device and writes its JSON (read by the claims and facts pages) and its tables ("this machine");
* ``bench-recorded`` renders, for each device, the newest kept run as the stable result
  (its charts, one per regime, its compact table, its full tables collapsed, and how far
  it lies from the previous run of that device), and the method's findings from the
  newest run. A kept file that is not a valid document stops the build, naming it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actdocs import paths
from actdocs.bench import schema
from actdocs.render.markdown import image_pair, write_text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from actdocs.engine.artifact import Artifact, Context

MODULE = "actdocs.bench.site"
RECORDED = paths.fragment("bench-recorded")
METHOD = paths.fragment("bench-method")


def chart_path(device: str, size: str, mode: str) -> str:
    """The cache path of one regime's chart, with ``{theme}`` where the theme goes."""
    return f"figures/bench-{schema.slug(device)}-{size}-{schema.slug(mode)}-{{theme}}.svg"


def recorded_section(rel: str, doc: dict[str, Any], previous: tuple[str, dict[str, Any]] | None) -> str:
    """One device's stable result: label, charts, compact table, repeatability, full tables."""
    from actdocs.bench import render
    from actdocs.bench.charts import chart_alt, chart_size
    from actdocs.bench.compare import report

    env = doc["environment"]
    parts = [f"**Recorded on {env['device_name']}, {render.date_text(doc)}** (`{rel}`). "
             + render.header_line(doc), "", render.flags_line(doc), "", render.band_sentence(), ""]
    failures = render.failures_sentence(doc)
    if failures:
        parts += [failures]
    dtype = render.main_dtype(doc)
    for size, mode in render.regimes(doc):
        parts.append(image_pair(chart_alt(doc, size, mode, dtype), chart_path(env["device"], size, mode),
                                size=chart_size(doc, dtype)))
    parts += [f"Each cell's % of the ceiling, {dtype}, preallocated outputs, median and "
              f"{render.format_percent(env['thresholds']['level'])} interval over passes:", "",
              render.compact_table(doc, dtype)]
    if previous is not None:
        text = report(previous[1], doc, (Path(previous[0]).name, Path(rel).name))
        parts.append(render.note_block(f"How far this run lies from the previous one on {env['device_name']}",
                                       "```text\n" + text + "```"))
    parts.append(render.full_tables(doc))
    return "\n".join(parts).rstrip("\n") + "\n"


def _make_recorded(rels: tuple[str, ...], out: Path, ctx: "Context") -> None:
    from actdocs.bench import charts, method, render
    from actdocs.bench.load import load, newest_first, per_device

    runs = newest_first([(rel, load(ctx.root / rel)) for rel in rels])
    if not runs:
        write_text(out, RECORDED, "No run is recorded yet: `make bench DEVICE=cpu` (or `cuda`) records one "
                                  f"under `{schema.RECORDED_DIR}/`.\n")
        write_text(out, METHOD, "")
        return
    sections = []
    for device, device_runs in per_device(runs).items():
        rel, doc = device_runs[0]
        dtype = render.main_dtype(doc)
        for size, mode in render.regimes(doc):
            path = chart_path(device, size, mode)
            charts.regime_chart(doc, size, mode, dtype, out / path.format(theme="light"), out / path.format(theme="dark"))
        sections.append(recorded_section(rel, doc, device_runs[1] if len(device_runs) > 1 else None))
    if "cuda" not in {doc["environment"]["device"] for _, doc in runs}:
        sections.append("No GPU run is recorded: the page shows no GPU numbers until one is.\n")
    write_text(out, RECORDED, "\n".join(sections))
    write_text(out, METHOD, method.findings(runs[0][1]))


def artifacts(root: Path | None = None) -> list["Artifact"]:
    """``bench-quick`` (run on the build's device) and ``bench-recorded`` (from ``data/bench``
    of the repository at ``root``, this one by default)."""
    from actdocs.bench import quick, render
    from actdocs.bench.load import kept_files, per_device, recorded_runs
    from actdocs.engine.artifact import REPO_ROOT, Artifact

    root = root or REPO_ROOT
    rels = tuple(p.relative_to(root).as_posix() for p in kept_files(root))
    figures = []
    for device, device_runs in per_device(recorded_runs(root)).items():
        for size, mode in render.regimes(device_runs[0][1]):
            figures += [chart_path(device, size, mode).format(theme=t) for t in ("light", "dark")]
    return [
        quick.artifact(),
        Artifact(name="bench-recorded", outputs=(RECORDED, METHOD, *figures),
                 make=functools.partial(_make_recorded, rels), module=MODULE, inputs=rels, params={"files": rels}),
    ]
