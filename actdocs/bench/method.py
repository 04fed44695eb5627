"""The method section's findings, computed from a recorded run.

Three findings, each stated from the document's numbers (so that a new run restates them
or contradicts them, never leaves them stale):

* :func:`ceiling_finding`: per size, which memory level the ceiling's working set lives in
  (from the CPU's caches the run recorded), the best streaming kernels and their GB/s,
  and the read-only bandwidth;
* :func:`copy_finding`: how ``y.copy_(x)`` compares with the other streaming kernels in the
  same passes: bandwidth, cores kept busy, page faults, and on one thread;
* :func:`anomaly_finding`: the element-wise activation whose preallocated forward+backward
  at the memory size is slowest against ReLU, which backward call it ran, whether that
  allocates, its page faults per call, and what the fused kernel does instead;
* :func:`allocating_finding`: every element-wise activation whose backward has no
  allocation-free kernel on the device, with its eager and fused time against ReLU's
  (Hardswish's slow backward is one of them);

and :func:`compile_table`, torch.compile's seconds per activation.
"""

from __future__ import annotations

from typing import Any

from actdocs.bench import render, schema
from actdocs.render.markdown import markdown_table
from actdocs.render.numbers import format_percent, format_seconds, format_sig

_MIB = 1024 * 1024
#: A level whose capacity the working set fills beyond this share "only just" holds it: the other
#: tensors of a pass and the code's own data need room too, so part may come from the next level.
NEARLY_FULL = 0.9


def _bytes(n: float) -> str:
    return f"{format_sig(n / _MIB)} MiB" if n >= _MIB else f"{format_sig(n / 1024)} KiB"


def _kernel(entry: dict[str, Any], name: str | None) -> dict[str, Any] | None:
    return next((k for k in entry["kernels"] if k["name"] == name), None)


def _gbps(kernel: dict[str, Any]) -> str:
    return f"{format_sig(kernel['gb_per_s'])} GB/s ({render.interval(*kernel['gb_per_s_ci'])})"


def _why_level(doc: dict[str, Any], entry: dict[str, Any]) -> str:
    """Why the working set lands where it does, from the caches the run recorded."""
    env = doc["environment"]
    threads = env["threads"] if env["device"] == "cpu" else 1
    parts = []
    for cache in sorted(env["caches"], key=lambda c: c["level"]):
        instances = max(1, -(-threads // max(1, cache["shared_by"])))
        total = cache["bytes"] * instances
        what = f"{instances} × {_bytes(cache['bytes'])}" if instances > 1 else _bytes(cache["bytes"])
        fits = entry["working_set_bytes"] <= total
        if not fits:
            verdict = "too small"
        elif entry["working_set_bytes"] > NEARLY_FULL * total:
            verdict = (f"only just holds it, {format_percent(entry['working_set_bytes'] / total)} full, "
                       "so part may come from the next level")
        else:
            verdict = "holds it"
        parts.append(f"L{cache['level']} ({what}: {verdict})")
        if fits:
            break
    return ", ".join(parts)


def ceiling_finding(doc: dict[str, Any], dtype: str = "float32") -> str:
    """Per size, the ceiling's memory level, its best kernels and the read-only bandwidth."""
    lines = []
    for size, by_dtype in doc["ceiling"].items():
        entry = by_dtype.get(dtype)
        if entry is None:
            continue
        best = _kernel(entry, entry["best"].get("1r1w"))
        two = _kernel(entry, entry["best"].get("2r1w"))
        read = _kernel(entry, entry["best"].get("read"))
        text = (f"- **{schema.size_label(doc, size)}**: the read-one-write-one kernels touch "
                f"{_bytes(entry['working_set_bytes'])}; {_why_level(doc, entry) or 'no cache sizes recorded'}. "
                f"By size, the ceiling there streams through **{entry['level']}**")
        if best:
            text += f": `{best['method']}` at {_gbps(best)}"
        if two:
            text += f", and for two inputs `{two['method']}` at {_gbps(two)}"
        if read:
            text += f"; reading alone, `{read['method']}` runs at {_gbps(read)}"
        lines.append(text + ".")
    return "\n".join(lines) + "\n"


def copy_finding(doc: dict[str, Any], dtype: str = "float32") -> str:
    """``y.copy_(x)`` beside the best streaming kernel of each size, and on one thread."""
    lines = []
    for size, by_dtype in doc["ceiling"].items():
        entry = by_dtype.get(dtype)
        copy = entry and _kernel(entry, "copy_")
        best = entry and _kernel(entry, entry["best"].get("1r1w"))
        if not copy or not best:
            continue
        others = [k for k in entry["kernels"] if k["class"] == "1r1w" and k["name"] != "copy_" and k["allocation_free"]]
        busy = ", ".join(f"`{k['method']}` {format_sig(k['cores_used'])}" for k in others)
        lines.append(
            f"- {schema.size_label(doc, size)}: `y.copy_(x)` {_gbps(copy)}, "
            f"{format_percent(copy['gb_per_s'] / best['gb_per_s'])} of the best (`{best['method']}`); cores kept busy "
            f"{format_sig(copy['cores_used'])} (the others: {busy}); page faults per call "
            f"{format_sig(copy['faults_per_call'])}.")
    for probe in doc.get("probes", []):
        if probe["dtype"] == dtype:
            rate = probe["bytes"] / probe["median_s"] / 1e9
            lines.append(f"- {schema.size_label(doc, probe['size'])}, on one thread: `{probe['method']}` "
                         f"{format_sig(rate)} GB/s, cores kept busy {format_sig(probe['cores_used'])}.")
    return "\n".join(lines) + "\n" if lines else ""


def anomaly(doc: dict[str, Any], dtype: str = "float32") -> dict[str, Any] | None:
    """The element-wise cell, memory-bound forward+backward, preallocated and eager, slowest against ReLU."""
    from actdocs.catalog import ACTIVATIONS

    elementwise = {a.key for a in ACTIVATIONS if a.elementwise}
    cells = [c for c in schema.cells(doc, size="memory", mode="forward+backward", convention="preallocated",
                                     column="eager", dtype=dtype)
             if c["key"] in elementwise and c["key"] != schema.REFERENCE and c["ratio_to_relu"]]
    return max(cells, key=lambda c: c["ratio_to_relu"], default=None)


def anomaly_finding(doc: dict[str, Any], dtype: str = "float32") -> str:
    """What the slowest element-wise backward (against ReLU) runs, and whether it allocates."""
    cell = anomaly(doc, dtype)
    if cell is None:
        return ""
    name = render.display_name(cell["key"])
    where = {"size": "memory", "mode": "forward+backward", "dtype": dtype}
    relu = schema.cells(doc, key=schema.REFERENCE, convention="preallocated", column="eager", **where)
    fused = schema.cells(doc, key=cell["key"], convention="preallocated", column="compiled", **where)
    cache = schema.cells(doc, key=cell["key"], size="cache", mode="forward+backward", convention="preallocated",
                         column="eager", dtype=dtype)
    text = (f"Memory-bound, forward+backward into preallocated buffers, **{name}** is the slowest element-wise "
            f"activation against ReLU: {format_seconds(cell['median_s'])} against "
            f"{format_seconds(relu[0]['median_s']) if relu else '–'}, "
            f"{render.ratio_text(cell['ratio_to_relu'], cell['ratio_to_relu_ci'])} ReLU's time. It ran "
            f"`{cell['method']}`")
    text += (f"; {cell['note']}, and each call page-faulted {format_sig(cell['faults_per_call'])} times as the "
             f"fresh gradient was touched." if not cell["allocation_free"] else
             f", which allocates nothing ({format_sig(cell['faults_per_call'])} page faults per call).")
    if cache and cache[0]["ratio_to_relu"]:
        text += (f" In cache, where freed memory is reused without faults, the same calls take "
                 f"{render.ratio_text(cache[0]['ratio_to_relu'], cache[0]['ratio_to_relu_ci'])} ReLU's time.")
    if fused:
        f = fused[0]
        text += (f" Fused by torch.compile, its backward writes into the preallocated gradient: "
                 f"{render.pct_text(f, withhold=True)} of the ceiling, "
                 f"{render.ratio_text(f['ratio_to_eager'], f['ratio_to_eager_ci'])} the eager time.")
    return text + "\n"


def allocating(doc: dict[str, Any], dtype: str = "float32") -> list[dict[str, Any]]:
    """The element-wise cells, memory-bound forward+backward, preallocated and eager, whose
    backward allocates its output, slowest against ReLU first."""
    from actdocs.catalog import ACTIVATIONS

    elementwise = {a.key for a in ACTIVATIONS if a.elementwise}
    cells = [c for c in schema.cells(doc, size="memory", mode="forward+backward", convention="preallocated",
                                     column="eager", dtype=dtype)
             if c["key"] in elementwise and not c["allocation_free"] and c["ratio_to_relu"]]
    return sorted(cells, key=lambda c: -c["ratio_to_relu"])


def allocating_finding(doc: dict[str, Any], dtype: str = "float32") -> str:
    """Each backward that allocates: its eager and its fused time against ReLU's."""
    cells = allocating(doc, dtype)
    if not cells:
        return ""
    device = doc["environment"]["device"]
    lines = [f"These element-wise activations have no allocation-free backward kernel on {device}: each "
             f"forward+backward call allocates a fresh gradient. Its page faults per call, and its time against "
             f"ReLU's, memory-bound, eager and fused (torch.compile writes into the preallocated gradient):", ""]
    for cell in cells:
        fused = schema.cells(doc, key=cell["key"], size="memory", mode="forward+backward", convention="preallocated",
                             column="compiled", dtype=dtype)
        text = (f"- {render.display_name(cell['key'])}: `{cell['method'].split('; ')[-1]}`, "
                f"{format_sig(cell['faults_per_call'])} page faults per call; eager "
                f"{render.ratio_text(cell['ratio_to_relu'], cell['ratio_to_relu_ci'])} ReLU's time")
        if fused and fused[0]["ratio_to_relu"]:
            f = fused[0]
            text += f", fused {render.ratio_text(f['ratio_to_relu'], f['ratio_to_relu_ci'])}"
        lines.append(text + ".")
    lines += ["", "Where the fused time comes near ReLU's, the eager gap is mostly the allocation and its page "
              "faults, not the arithmetic."]
    return "\n".join(lines) + "\n"


def compile_table(doc: dict[str, Any]) -> str:
    """torch.compile's seconds per activation: the forward graph, then the backward graph."""
    compiled = (doc.get("compile") or {}).get("graphs") or {}
    if not compiled:
        return ""
    rows = [[render.display_name(k), format_seconds(v.get("forward_s", 0.0)), format_seconds(v.get("backward_s", 0.0))]
            for k, v in compiled.items()]
    startup = doc["compile"].get("startup_s") or 0.0
    total = startup + sum(sum(v.values()) for v in compiled.values())
    return (markdown_table(["Activation", "Forward graph", "Backward graph"], rows, ["left", "right", "right"])
            + f"\nEach from an empty compiler cache, after {format_seconds(startup)} of starting the compiler on a "
              f"toy function; {format_seconds(total)} in all, on top of the run's passes.\n")


def _repeats(settings: dict[str, Any]) -> str:
    """How a pass times one cell: one block, or the fastest of several (older runs recorded one)."""
    repeats = settings.get("repeats", 1)
    if repeats == 1:
        return "a cell's time in a pass is one block of calls."
    return (f"a cell's time in a pass is the fastest of {repeats} blocks of calls (an interruption only adds "
            "time), and the calls per block are calibrated from trial blocks, not from one call.")


def definitions(doc: dict[str, Any]) -> str:
    """The run's sizes, passes, interval and flag thresholds, as the run recorded them."""
    env = doc["environment"]
    t, settings = env["thresholds"], env["settings"]
    sizes = "; ".join(schema.size_label(doc, s) for s in env["sizes"])
    return "\n".join([
        f"- Sizes: {sizes}. Threads: {env['threads']}, fixed for the whole run. Timer: {env['timer']}.",
        f"- Passes: at least {settings['passes']}, and up to {settings['max_passes']} while an interval is wide; "
        f"each pass times every cell and every streaming kernel once, in a shuffled order (seed {env['seed']} "
        f"and the pass number), after one warm-up call each; {_repeats(settings)}",
        f"- Intervals: the {format_percent(t['level'])} percentile bootstrap of the median over passes, "
        f"{t['resamples']} resamples, seeded by the quantity's name.",
        f"- Flags: above {format_percent(t['above_ceiling'])} of the ceiling (a harness failure); an interval "
        f"wider than {format_percent(t['wide'])} of its median; the ceiling moving by more than "
        f"{format_percent(t['drift'])} between the first and the last quarter of the passes, by more than those "
        f"quarters' intervals scatter; most passes "
        f"measured under load; fewer than {t['min_passes']} passes. A run whose ceiling drifted is measured "
        f"again: {settings['attempts']} runs at most, the one with the fewest flagged cells kept.",
    ]) + "\n"


def findings(doc: dict[str, Any]) -> str:
    """All the findings as Markdown, under a line naming the run they come from."""
    env = doc["environment"]
    dtype = render.main_dtype(doc)
    parts = [f"From the run recorded on {env['device_name']}, {render.date_text(doc)} ({dtype}).", "",
             "**The settings.**", "", definitions(doc), "**The ceiling.**", "", ceiling_finding(doc, dtype)]
    copy = copy_finding(doc, dtype)
    if copy:
        parts += ["**`copy_` among the streaming kernels.**", "", copy]
    odd = anomaly_finding(doc, dtype)
    if odd:
        parts += ["**The slowest backward.**", "", odd]
    allocates = allocating_finding(doc, dtype)
    if allocates:
        parts += ["**Backward calls that allocate.**", "", allocates]
    table = compile_table(doc)
    if table:
        parts += ["**Compile times** (the first call of each compiled function, in seconds):", "", table]
    return "\n".join(parts).rstrip("\n") + "\n"

