"""One chart per regime: each activation's % of the ceiling with its interval, eager and fused.

Horizontal bars (preallocated outputs), error bars from the bootstrap interval, a line at
100 % (the ceiling) and a dashed one at 100 % minus :data:`actdocs.bench.render.WITHIN`. A
flagged cell gets no bar, only the word "flagged" (a harness failure: "harness failure", or in a run
of too few passes, :func:`actdocs.bench.render.above_word`),
so that a number the run could not trust is never drawn. Light and dark variants through
:mod:`actdocs.render.style`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actdocs.bench import render, schema
from actdocs.render.numbers import format_percent

#: Inches per activation row and around the bars.
ROW_IN, PAD_IN, WIDTH_IN = 0.3, 1.3, 7.0


def _series(doc: dict[str, Any], size: str, mode: str, dtype: str) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    found = []
    for column, label in (("eager", "eager (PyTorch's kernels)"), ("compiled", "fused (torch.compile)")):
        cells = {c["key"]: c for c in schema.cells(doc, size=size, mode=mode, dtype=dtype, convention="preallocated",
                                                   column=column)}
        if cells:
            found.append((label, cells))
    return found


def chart_size(doc: dict[str, Any], dtype: str) -> tuple[int, int]:
    """The charts' width and height in CSS pixels (every regime's chart has all the activations)."""
    rows = len({c["key"] for c in doc["cells"] if c["dtype"] == dtype})
    return round(WIDTH_IN * 100), round((ROW_IN * rows + PAD_IN) * 100)


def chart_alt(doc: dict[str, Any], size: str, mode: str, dtype: str) -> str:
    """Alt text for :func:`regime_chart`, with the numbers it shows."""
    parts = []
    for label, cells in _series(doc, size, mode, dtype):
        values = ", ".join(f"{render.display_name(k)} {render.pct_text(c, withhold=True)}" for k, c in cells.items())
        parts.append(f"{label}: {values}")
    env = doc["environment"]
    return (f"Bar chart: % of the ceiling, {schema.size_label(doc, size)}, {mode}, {dtype}, preallocated outputs, "
            f"on {env['device_name']} ({env['threads']} threads). " + "; ".join(parts) + ".")


def regime_chart(doc: dict[str, Any], size: str, mode: str, dtype: str, light: Path | str,
                 dark: Path | str) -> tuple[Path, Path]:
    """Draw one regime's chart in the light and the dark theme; return the two paths."""
    from matplotlib.ticker import FuncFormatter

    from actdocs.render import style

    series = _series(doc, size, mode, dtype)
    if not series:
        raise ValueError(f"the document has no preallocated cells for {size} {mode} {dtype}")
    keys = list(dict.fromkeys(c["key"] for c in doc["cells"] if c["dtype"] == dtype))
    written = []
    for theme, path in (("light", light), ("dark", dark)):
        with style.use_theme(theme) as t:
            width, height = chart_size(doc, dtype)
            fig = style.new_figure(width / 100, height / 100)
            ax = fig.add_subplot()
            bar = 0.8 / len(series)
            top = 110.0
            labelled: set[str] = set()
            for i, (label, cells) in enumerate(series):
                for row, key in enumerate(keys):
                    c = cells.get(key)
                    y = row + (i - (len(series) - 1) / 2) * bar
                    if c is None or c["pct_of_ceiling"] is None:
                        continue
                    if c["flags"]:
                        word = render.above_word(c) if "above_ceiling" in c["flags"] else "flagged"
                        ax.text(1, y, word, va="center", fontsize=8, color=t.muted)
                        continue
                    low, high = c["pct_of_ceiling_ci"]
                    ax.barh(y, c["pct_of_ceiling"], height=bar * 0.9, color=t.cycle[i],
                            label=None if label in labelled else label)
                    labelled.add(label)
                    ax.errorbar(c["pct_of_ceiling"], y, xerr=[[c["pct_of_ceiling"] - low], [high - c["pct_of_ceiling"]]],
                                fmt="none", ecolor=t.foreground, elinewidth=1.0, capsize=2)
                    top = max(top, high * 1.05)
            ax.axvline(100.0, color=t.axis, linewidth=1.2)
            ax.axvline(100.0 * (1 - render.WITHIN), color=t.axis, linewidth=0.8, linestyle="--")
            ax.set_xlim(0, top)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v / 100)))
            ax.set_yticks(range(len(keys)), [render.display_name(k) for k in keys])
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.set_xlabel("% of the ceiling (the best streaming kernel; higher is closer to it)")
            ax.set_title(f"{schema.size_label(doc, size)}, {mode}, {dtype}", fontsize=10, loc="left")
            handles, labels = ax.get_legend_handles_labels()
            if len(set(labels)) > 1:
                fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
            written.append(style.save_svg(fig, path))
    return written[0], written[1]
