"""What an experiment writes: its output paths, its JSON, and its one artifact.

Every experiment's JSON shares the top-level keys written by :func:`header`::

    {"experiment": "<name>", "schema_version": 1, "torch": "2.13.0",
     "device": "cpu", "seed": 0, "params": {...}, ...experiment keys...}

Floats are rounded to :data:`SIGNIFICANT` significant digits by
:func:`actdocs.render.numbers.round_floats` (so a file is byte-stable and small); a non-finite
float is written as ``null``. Keys whose name ends in ``seconds`` hold wall-clock times:
the only numbers that differ between two runs.

An experiment declares its figures, tables and text fragments once, as :class:`Parts`;
:func:`experiment_artifact` derives both the artifact's outputs and what its ``make``
writes from them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch

from actdocs import paths
from actdocs.engine.artifact import Artifact, Context
from actdocs.render.markdown import image_pair, write_text
from actdocs.render.numbers import round_floats
from actdocs.paths import THEMES
from actdocs.render.palette import Theme

#: Version of the JSON layout; bumped when a documented key changes meaning.
SCHEMA_VERSION = 1

#: Significant digits kept for every float written to JSON.
SIGNIFICANT = 6


def figure_fragment(part: str) -> str:
    """The fragment part that holds figure ``part``'s image pair: ``figure`` or ``<part>-figure``."""
    return f"{part}-figure" if part else "figure"


# ------------------------------------------------------------------ JSON


def dumps(data: dict[str, Any]) -> str:
    """Compact, key-order-preserving JSON of ``data`` with floats rounded; ends in a newline."""
    return json.dumps(round_floats(data, SIGNIFICANT), separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"


def write_json(out: Path, rel: str, data: dict[str, Any]) -> Path:
    """Write ``data`` as :func:`dumps` JSON to ``out / rel``."""
    return write_text(out, rel, dumps(data))


def header(name: str, params: dict[str, Any], seed: int, device: str) -> dict[str, Any]:
    """The keys every experiment's JSON starts with."""
    return {
        "experiment": name,
        "schema_version": SCHEMA_VERSION,
        "torch": torch.__version__.split("+")[0],
        "device": device,
        "seed": seed,
        "params": params,
    }


def without_timings(obj: Any) -> Any:
    """``obj`` with every key ending in ``seconds`` removed (what two runs must share)."""
    if isinstance(obj, dict):
        return {k: without_timings(v) for k, v in obj.items() if not str(k).endswith("seconds")}
    if isinstance(obj, (list, tuple)):
        return [without_timings(v) for v in obj]
    return obj


# ------------------------------------------------------------------ the artifact

Draw = Callable[[dict, Theme, Path], Any]
Render = Callable[[dict], str]


@dataclass(frozen=True)
class Parts:
    """What an experiment shows, declared once, by part name ("" for the main one).

    ``draws``: part -> (draw(results, theme, path), alt text(results)), a figure in both
    themes with its image fragment; ``tables``: part -> renderer of a table;
    ``texts``: fragment part -> renderer of a text fragment.
    """

    draws: dict[str, tuple[Draw, Render]]
    tables: dict[str, Render] = field(default_factory=dict)
    texts: dict[str, Render] = field(default_factory=dict)

    def outputs(self, name: str) -> tuple[str, ...]:
        """Every path the parts of experiment ``name`` write, the JSON first."""
        return (
            paths.experiment_data(name),
            *(paths.experiment_figure(name, theme, part) for part in self.draws for theme in THEMES),
            *(paths.experiment_table(name, part) for part in self.tables),
            *(paths.experiment_fragment(name, figure_fragment(part)) for part in self.draws),
            *(paths.experiment_fragment(name, part) for part in self.texts),
        )


def write_results(out: Path, name: str, results: dict[str, Any], parts: Parts) -> None:
    """Write an experiment's outputs: its JSON, then, from the rounded results (exactly
    what the JSON holds, so the page quotes the file), every figure in both themes with
    its image fragment, every table and every text fragment."""
    write_json(out, paths.experiment_data(name), results)
    shown = round_floats(results, SIGNIFICANT)
    for part, (draw, alt) in parts.draws.items():
        for theme in THEMES:
            draw(shown, theme, out / paths.experiment_figure(name, theme, part))
        write_text(out, paths.experiment_fragment(name, figure_fragment(part)),
                   image_pair(alt(shown), paths.experiment_figure(name, part=part)))
    for part, render in parts.tables.items():
        write_text(out, paths.experiment_table(name, part), render(shown))
    for part, render in parts.texts.items():
        write_text(out, paths.experiment_fragment(name, part), render(shown))


def _make(name: str, run: Callable[..., dict], parts: Parts, params: dict[str, Any], out: Path, ctx: Context) -> None:
    write_results(out, name, run(**params, device=ctx.device), parts)


def experiment_artifact(name: str, module: str, run: Callable[..., dict], params: dict[str, Any],
                        parts: Parts) -> Artifact:
    """The one artifact of an experiment: ``run(**params, device=ctx.device)`` on the build's
    device, written as ``parts`` say. ``params`` are exactly ``run``'s arguments (module
    constants such as figure sizes are keyed by the module's source)."""
    return Artifact(
        name=f"experiment-{name}",
        outputs=parts.outputs(name),
        make=functools.partial(_make, name, run, parts, params),
        module=module,
        params=params,
        device_dependent=True,
    )
