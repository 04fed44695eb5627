"""A benchmark document as Markdown: the header, the compact table, the full per-cell tables.

Numbers are written by :mod:`actdocs.render.numbers`. A flagged cell (see
:mod:`actdocs.bench.stats`) carries no verdict: the compact table shows its flags
instead of its number, the full tables show the number marked ⚠, and a cell above its
ceiling, a harness failure, is never shown as a number at all.
"""

from __future__ import annotations

from typing import Any, Sequence

from actdocs.bench import schema
from actdocs.render.markdown import markdown_table
from actdocs.render.numbers import format_percent, format_ratio, format_seconds, format_sig

#: Each flag in words.
FLAG_WORDS = {
    "above_ceiling": "above its ceiling (a harness failure)",
    "wide": "wide interval",
    "drift": "the ceiling drifted",
    "loaded": "measured under load",
    "few_passes": "too few passes",
}
#: A cell above its ceiling in a run of too few passes: one interrupted ceiling kernel can cause it.
ABOVE_UNJUDGED = "above its ceiling (too few passes to call it a harness failure)"
#: A memory-bound element-wise activation "keeps up" with the ceiling within this share of it.
WITHIN = 0.15


def display_name(key: str) -> str:
    """The catalog's display name of ``key`` (the key itself when unknown)."""
    from actdocs.catalog import ACTIVATIONS

    return next((a.name for a in ACTIVATIONS if a.key == key), key)


def regimes(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The (size, mode) pairs ``doc`` measured, in cache first."""
    have = {(c["size"], c["mode"]) for c in doc["cells"]}
    return [(s, m) for s in schema.SIZES for m in schema.MODES if (s, m) in have]


def regime_label(size: str, mode: str) -> str:
    """"in cache, forward" and the like."""
    return f"{schema.SIZE_WORDS[size]}, {mode}"


def main_dtype(doc: dict[str, Any]) -> str:
    """float32 when measured, else the first dtype."""
    dtypes = [d for d in schema.DTYPES if any(c["dtype"] == d for c in doc["cells"])]
    return "float32" if "float32" in dtypes else dtypes[0]


def date_text(doc: dict[str, Any]) -> str:
    """The run's UTC date and time as ``2026-12-02 10:41 UTC``."""
    return doc["environment"]["date"][:16].replace("T", " ") + " UTC"


def header_line(doc: dict[str, Any]) -> str:
    """Which machine and settings produced ``doc``, as one line of Markdown."""
    env, run = doc["environment"], doc["run"]
    kind = "quick run" if env["quick"] else "full run"
    allocator = ", ".join(f"{k}={v}" for k, v in env["allocator"].items() if v) or "default allocator"
    threads = f"{env['threads']} thread{'s' if env['threads'] != 1 else ''}"
    passes = f"{run['passes']} interleaved pass{'es' if run['passes'] != 1 else ''}"
    if run["passes"] < env["thresholds"]["min_passes"]:
        summary = (f"{passes}: too few for medians and intervals, so every cell is flagged "
                   f"({FLAG_WORDS['few_passes']})")
    else:
        summary = f"{passes}, medians with {format_percent(env['thresholds']['level'])} bootstrap intervals"
    return (f"Measured on **{env['device']}** ({env['device_name']}), torch {env['torch']}, {threads}, "
            f"{', '.join(env['dtypes'])}, {allocator}, {date_text(doc)}; {kind}, {summary}.")


def band_sentence() -> str:
    """What the charts' two lines mean, with the band's width from :data:`WITHIN`."""
    return (f"In each chart the solid line is the ceiling and the dashed line lies at "
            f"{format_percent(1 - WITHIN)} of it: a memory-bound cell at or beyond the dashed line counts as "
            f"keeping up with the ceiling (within {format_percent(WITHIN)} of it).")


def flag_words(cell: dict[str, Any]) -> list[str]:
    """The cell's flags in words; above the ceiling is a harness failure only in a run of enough passes."""
    return [ABOVE_UNJUDGED if f == "above_ceiling" and "few_passes" in cell["flags"] else FLAG_WORDS[f]
            for f in cell["flags"]]


def above_word(cell: dict[str, Any]) -> str:
    """What a cell above its ceiling shows instead of its number."""
    return "above the ceiling (too few passes)" if "few_passes" in cell["flags"] else "harness failure"


def too_few_passes(doc: dict[str, Any]) -> bool:
    """Whether the run measured fewer passes than a verdict needs (a quick run of one pass, say)."""
    return doc["run"]["passes"] < doc["environment"]["thresholds"]["min_passes"]


def harness_failures(doc: dict[str, Any]) -> list[str]:
    """One line per cell above its ceiling: what the run must say about them."""
    limit = format_percent(doc["environment"]["thresholds"]["above_ceiling"])
    return [f"harness failure: {' '.join(schema.cell_id(c))} measured above {limit} of its ceiling"
            for c in doc["cells"] if "above_ceiling" in c["flags"]]


def failures_sentence(doc: dict[str, Any]) -> str:
    """The cells above their ceiling in one bold sentence ("" when there is none)."""
    failed = [c for c in doc["cells"] if "above_ceiling" in c["flags"]]
    if not failed:
        return ""
    limit = format_percent(doc["environment"]["thresholds"]["above_ceiling"])
    names = "; ".join(f"{display_name(c['key'])}, {regime_label(c['size'], c['mode'])}, {c['convention']}, "
                      f"{c['column']}" for c in failed)
    cells = f"{len(failed)} cell{'s' if len(failed) > 1 else ''}"
    if too_few_passes(doc):
        passes = doc["run"]["passes"]
        where = "this single pass" if passes == 1 else f"these {passes} passes"
        return (f"**{cells} measured above {limit} of the ceiling in {where}; their numbers are withheld:** "
                f"{names}. With so few passes one interrupted ceiling kernel is enough to cause it, so load or "
                f"noise is the likely cause; a full run decides whether the harness failed.\n")
    return (f"**Harness failure: {cells} measured above {limit} of the ceiling (the best measured streaming "
            f"kernel, which an element-wise activation should not outrun); their numbers are withheld:** "
            f"{names}.\n")


def interval(low: float, high: float) -> str:
    """"84.2–90.3": an interval's ends to three significant digits."""
    return f"{format_sig(low)}–{format_sig(high)}"


def pct_text(cell: dict[str, Any] | None, *, withhold: bool) -> str:
    """A cell's % of the ceiling with its interval; its flags instead when ``withhold`` and flagged."""
    if cell is None:
        return "–"
    if "above_ceiling" in cell["flags"]:
        return above_word(cell)
    if cell["pct_of_ceiling"] is None:
        return "–"
    if withhold and cell["flags"]:
        return "⚠ " + ", ".join(flag_words(cell))
    text = f"{format_percent(cell['pct_of_ceiling'] / 100)} ({interval(*cell['pct_of_ceiling_ci'])})"
    return text + (" ⚠" if cell["flags"] else "")


def ratio_text(median: float | None, ci: Sequence[float] | None) -> str:
    """"3.8× (3.7–3.9)"; "–" without a ratio."""
    if median is None:
        return "–"
    return format_ratio(median) + (f" ({interval(*ci)})" if ci and ci[0] != ci[1] else "")


def within_text(cell: dict[str, Any] | None) -> str:
    """Whether a memory-bound cell runs within :data:`WITHIN` of its ceiling: yes, no or no verdict."""
    if cell is None or cell["pct_of_ceiling"] is None:
        return "–"
    if cell["flags"]:
        return "no verdict (flagged)"
    return "yes" if cell["pct_of_ceiling"] >= 100 * (1 - WITHIN) else "no"


def _index(doc: dict[str, Any], dtype: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {(c["key"], c["size"], c["mode"], c["convention"], c["column"]): c for c in doc["cells"]
            if c["dtype"] == dtype}


def _keys(doc: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(c["key"] for c in doc["cells"]))


def compact_table(doc: dict[str, Any], dtype: str | None = None) -> str:
    """Per activation, its % of the ceiling (preallocated) in each regime, eager and compiled."""
    dtype = dtype or main_dtype(doc)
    cells = _index(doc, dtype)
    columns = []
    for size, mode in regimes(doc):
        for column in schema.COLUMNS:
            if any(k[1:] == (size, mode, "preallocated", column) for k in cells):
                word = "" if column == "eager" and size == "cache" else f" ({'fused' if column == 'compiled' else column})"
                columns.append((f"{regime_label(size, mode)}{word}", (size, mode, "preallocated", column)))
    rows = [[display_name(k), *(pct_text(cells.get((k, *where)), withhold=True) for _, where in columns)]
            for k in _keys(doc)]
    return markdown_table(["Activation", *(label for label, _ in columns)], rows, ["left"] + ["right"] * len(columns))


def cell_table(doc: dict[str, Any], dtype: str, size: str, mode: str) -> str:
    """Every cell of one regime: time, GB/s, % of the ceiling and × ReLU with intervals, faults, flags."""
    rows = []
    memory = size == "memory"
    for c in schema.cells(doc, dtype=dtype, size=size, mode=mode):
        failed = "above_ceiling" in c["flags"]  # a harness failure: none of its numbers is shown
        numbers = ["–", "–", pct_text(c, withhold=False), "–"] if failed else [
            f"{format_seconds(c['median_s'])} ({format_seconds(c['ci_s'][0])}–{format_seconds(c['ci_s'][1])})",
            format_sig(c["gb_per_s"]), pct_text(c, withhold=False), ratio_text(c["ratio_to_relu"], c["ratio_to_relu_ci"])]
        row = [display_name(c["key"]), c["convention"], c["column"], *numbers,
               format_sig(c["faults_per_call"]), ", ".join(flag_words(c)) or "–"]
        if memory:
            row.insert(-1, within_text(c) if c["column"] == "eager" and c["convention"] == "preallocated" else "–")
        rows.append(row)
    headers = ["Activation", "Convention", "Column", "Time (interval)", "GB/s", "% of ceiling", "× ReLU",
               "Page faults per call", "Flags"]
    if memory:
        headers.insert(-1, f"Within {format_percent(WITHIN)}?")
    return markdown_table(headers, rows, ["left"] * 3 + ["right"] * (len(headers) - 3))


def ceiling_table(doc: dict[str, Any], size: str, dtype: str) -> str:
    """The streaming kernels of one group: GB/s with interval, cores kept busy, page faults, best."""
    entry = doc["ceiling"][size][dtype]
    best = set(entry["best"].values())
    rows = [[f"`{k['method']}`", k["class"], f"{format_sig(k['gb_per_s'])} ({interval(*k['gb_per_s_ci'])})",
             format_sig(k["cores_used"]), format_sig(k["faults_per_call"]),
             "best" if k["name"] in best else ("allocates" if not k["allocation_free"] else "–")]
            for k in entry["kernels"]]
    return markdown_table(["Kernel", "Reads, writes", "GB/s (interval)", "Cores busy", "Page faults per call", ""],
                          rows, ["left", "left", "right", "right", "right", "left"])


def calls_table(doc: dict[str, Any]) -> str:
    """Per activation, the calls each convention and column timed, with their notes."""
    seen: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
    for c in doc["cells"]:
        seen.setdefault(c["key"], {}).setdefault((c["convention"], c["column"], c["mode"]), c)
    columns = [("as called", "eager", "forward+backward"), ("preallocated", "eager", "forward+backward"),
               ("preallocated", "compiled", "forward+backward")]
    rows = []
    for key, by in seen.items():
        row = [display_name(key)]
        for where in columns:
            c = by.get(where) or by.get((*where[:2], "forward"))
            row.append("–" if c is None else f"`{c['method']}`" + (f" ({c['note']})" if c["note"] else ""))
        rows.append(row)
    return markdown_table(["Activation", "As called", "Preallocated", "Compiled (fused)"], rows)


def note_block(title: str, body: str, kind: str = "note") -> str:
    """A collapsed Material admonition (``??? note "title"``) holding ``body``."""
    inner = "\n".join(("    " + line) if line else "" for line in body.rstrip("\n").splitlines())
    return f'??? {kind} "{title}"\n\n{inner}\n'


def flags_line(doc: dict[str, Any]) -> str:
    """How many cells are flagged, by flag, in one sentence."""
    counts = {f: sum(f in c["flags"] for c in doc["cells"]) for f in FLAG_WORDS}
    flagged = doc["run"]["flagged"]
    if not flagged:
        return f"No cell of the {len(doc['cells'])} is flagged."
    words = {**FLAG_WORDS, "above_ceiling": ABOVE_UNJUDGED} if too_few_passes(doc) else FLAG_WORDS
    parts = ", ".join(f"{n} {words[f]}" for f, n in counts.items() if n)
    return (f"{flagged} of {len(doc['cells'])} cells are flagged and carry no verdict ({parts}); "
            f"⚠ marks them in the full tables.")


def full_tables(doc: dict[str, Any]) -> str:
    """Every regime's full table, the ceiling's kernels and the calls, each in a collapsed block."""
    parts = []
    for dtype in [d for d in schema.DTYPES if d in doc["environment"]["dtypes"]]:
        for size, mode in regimes(doc):
            title = f"All cells: {schema.size_label(doc, size)}, {mode}, {dtype}"
            parts.append(note_block(title, cell_table(doc, dtype, size, mode)))
        for size in doc["ceiling"]:
            if dtype in doc["ceiling"][size]:
                entry = doc["ceiling"][size][dtype]
                title = f"The ceiling's kernels: {schema.size_label(doc, size)}, {dtype} ({entry['level']})"
                parts.append(note_block(title, ceiling_table(doc, size, dtype)))
    parts.append(note_block("The calls timed", calls_table(doc)))
    return "\n".join(parts)


def markdown_tables(doc: dict[str, Any]) -> str:
    """The whole document as Markdown: header, flags, compact table, then the full tables collapsed."""
    parts = [header_line(doc), "", flags_line(doc), "", compact_table(doc), full_tables(doc)]
    failures = failures_sentence(doc)
    if failures:
        parts.insert(2, failures)
    return "\n".join(parts).rstrip("\n") + "\n"
