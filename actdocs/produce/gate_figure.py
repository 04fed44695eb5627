"""The gated units as what they are: a function of two inputs, drawn as a family of curves.

A gated unit (GLU, SwiGLU, GeGLU: the catalog's ``gated`` family) multiplies a content
value ``a`` by a non-linear gate of a second value ``b``. Its record's own figure reads
it through the scalar view (``a = 1``); this figure shows the unit itself: one panel per
gated record, the output against the gate input ``b`` for several fixed contents
:data:`CONTENTS`, computed by the record's PyTorch implementation on the pairs
``(a, b)``. The artifact ``figure-gates`` writes ``figures/gates-light.svg``,
``-dark.svg`` and ``fragments/gates-figure.md`` (the image pair and its alt text, with
the share of the content each gate passes at the right edge).
"""

from __future__ import annotations

from pathlib import Path

import torch

from actdocs import paths
from actdocs.engine.artifact import Artifact, Context
from actdocs.catalog import ACTIVATIONS, Activation
from actdocs.render.markdown import image_pair, write_text
from actdocs.render.numbers import format_number
from actdocs.paths import THEMES
from actdocs.render.palette import series_styles
from actdocs.render.style import new_figure, save_svg, use_theme

MODULE = "actdocs.produce.gate_figure"

#: The fixed content values, one curve each, and the gate inputs plotted.
CONTENTS: tuple[float, ...] = (-1.0, 0.5, 1.0, 2.0)
GATE_RANGE: tuple[float, float] = (-4.0, 4.0)
PER_UNIT = 40
FIGSIZE = (8.0, 3.2)

FIGURE = paths.figure("gates")
FRAGMENT = paths.fragment("gates-figure")


def gated() -> list[Activation]:
    """The catalog's gated units, in catalog order."""
    return [r for r in ACTIVATIONS if r.family == "gated"]


def gate_inputs() -> torch.Tensor:
    """The plotted gate inputs: multiples of ``1 / PER_UNIT`` across :data:`GATE_RANGE`."""
    lo, hi = GATE_RANGE
    return torch.arange(round(lo * PER_UNIT), round(hi * PER_UNIT) + 1, dtype=torch.float64) / PER_UNIT


def output(record: Activation, content: float, gate: torch.Tensor) -> torch.Tensor:
    """``record`` applied to the pairs (content, gate[i]), content first as PyTorch splits them."""
    pairs = torch.stack([torch.full_like(gate, content), gate], dim=-1)
    return record.functional(pairs, dim=-1).squeeze(-1)


def draw(theme: str, path: Path) -> Path:
    """One panel per gated unit: output against gate input, one line per content value."""
    b = gate_inputs()
    records = gated()
    with use_theme(theme) as t:
        fig = new_figure(*FIGSIZE)
        axes = fig.subplots(1, len(records), sharey=True, squeeze=False)[0]
        for ax, record in zip(axes, records):
            ax.axhline(0.0, color=t.axis, linewidth=0.9, zorder=1)
            ax.axvline(0.0, color=t.axis, linewidth=0.9, zorder=1)
            for a, style in zip(CONTENTS, series_styles(t, len(CONTENTS), own_lines=True)):
                ax.plot(b.numpy(), output(record, a, b).numpy(), linewidth=1.8, label=f"a = {format_number(a)}",
                        zorder=2, **style)
            ax.set_title(record.name, fontsize=11)
            ax.set_xlim(*GATE_RANGE)
            ax.set_xlabel("gate input b")
        axes[0].set_ylabel("output")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(CONTENTS), frameon=False,
                   title="content a", title_fontsize=9)
        return save_svg(fig, path)


def alt_text() -> str:
    """The figure's alt text, with each gate's share of the content at the right edge."""
    b_hi = GATE_RANGE[1]
    edge = torch.tensor([b_hi], dtype=torch.float64)
    records = gated()
    names = ", ".join(r.name for r in records[:-1]) + f" and {records[-1].name}"
    contents = ", ".join(format_number(a) for a in CONTENTS[:-1]) + f" and {format_number(CONTENTS[-1])}"
    shares = "; ".join(f"{r.name} {format_number(output(r, 1.0, edge).item(), 3)}" for r in records)
    return (
        f"One panel per gated unit, {names}: the unit's output against its gate input b from "
        f"{format_number(GATE_RANGE[0])} to {format_number(b_hi)}, one line per fixed content value "
        f"a = {contents}. Each line is the gate's curve multiplied by a, so a negative content "
        f"turns it upside down and a larger one stretches it. At b = {format_number(b_hi)} the gate "
        f"multiplies the content by: {shares}."
    )


def _make(out: Path, ctx: Context) -> None:
    for theme in THEMES:
        draw(theme, out / FIGURE.format(theme=theme))
    write_text(out, FRAGMENT, image_pair(alt_text(), FIGURE))


def artifacts() -> list[Artifact]:
    """``figure-gates``."""
    return [Artifact(name="figure-gates", outputs=(*(FIGURE.format(theme=t) for t in THEMES), FRAGMENT),
                     make=_make, module=MODULE)]
