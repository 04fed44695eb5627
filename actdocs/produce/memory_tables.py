"""What autograd keeps for the backward pass: the memory table and the transformer sentence.

The numbers are measured by :mod:`actdocs.measure.memory` (saved-tensor hooks, exact byte
counts). This module writes them for the "All activations" page:

* ``tables/memory.md``: one row per element-wise or gated record, the bytes kept per input
  element in float32 and bfloat16, as called and in place, and what the saved tensors are;
* ``fragments/memory-notes.md``: what ``inplace=True`` changes, and what the numbers mean in a
  transformer's feed-forward block, ReLU against SwiGLU per hidden unit and token.

The comparison table (``tables/properties.md``) shows the float32 figure as called in its
column "Kept for backward" (:func:`actdocs.produce.tables.kept_cell`).
"""

from __future__ import annotations

from actdocs import catalog, paths
from actdocs.engine.artifact import Artifact
from actdocs.measure import memory
from actdocs.measure.memory import Kept
from actdocs.produce import glossary
from actdocs.produce.tables import kept_cell, link, names_list
from actdocs.render.markdown import markdown_table, text_artifact
from actdocs.render.numbers import format_number, format_ratio

MODULE = "actdocs.produce.memory_tables"

#: The records the transformer sentence compares: a ReLU feed-forward block and a SwiGLU one.
BLOCKS: tuple[str, str] = ("relu", "swiglu")

#: The header of each measured column: (dtype, in place).
COLUMNS: tuple[tuple[str, bool], ...] = (("float32", False), ("bfloat16", False), ("float32", True), ("bfloat16", True))


def roles_cell(kept: Kept | None) -> str:
    """What the saved storages hold ("input", "input, intermediate"), or "–" where nothing is measured."""
    return "–" if kept is None else ", ".join(kept.roles) or "nothing"


def _header(dtype: str, inplace: bool) -> str:
    return f"{'In place, ' if inplace else ''}{dtype} (B/elem)"


def memory_table() -> str:
    """Activation | the four measured columns | Saves | Saves in place, one row per measured record."""
    headers = ["Activation", *(_header(d, i) for d, i in COLUMNS), "Saves", "Saves in place"]
    rows = []
    for record in memory.measured_records():
        m = memory.measure(record)
        rows.append([
            link(record),
            *(kept_cell(m.of(d, i)) for d, i in COLUMNS),
            roles_cell(m.of()),
            roles_cell(m.of(inplace=True)),
        ])
    return markdown_table(headers, rows, align=["left", "right", "right", "right", "right", None, None])


def _bytes(value: float) -> str:
    return f"{format_number(value)} B"


def _what(kept: Kept) -> str:
    """"its output", "its input and an intermediate tensor": the saved storages in words."""
    words = {"input": "its input", "input copy": "a copy of its input", "output": "its output",
             "intermediate": "an intermediate tensor"}
    return names_list([words[r] for r in kept.roles])


def _in_place_groups() -> dict[str, list[str]]:
    """The records with an in-place form, by what in place does to what autograd keeps:
    ``copy`` (saves a copy of the input it overwrites), ``switch`` (keeps its output instead of
    its input), ``same`` (keeps the same tensors) and ``fewer`` (keeps fewer bytes)."""
    groups: dict[str, list[str]] = {"copy": [], "switch": [], "same": [], "fewer": []}
    for record in memory.measured_records():
        m = memory.measure(record)
        called, in_place = m.of(), m.of(inplace=True)
        if in_place is None:
            continue
        if in_place.nbytes < called.nbytes:
            group = "fewer"
        elif "input copy" in in_place.roles:
            group = "copy"
        elif "input" in called.roles and "output" in in_place.roles:
            group = "switch"
        else:
            group = "same"
        groups[group].append(record.name)
    return groups


def _subject(names: list[str], singular: str, plural: str) -> str:
    """Names and their verb phrase, agreeing in number: "ReLU keeps", "ELU and SELU keep"."""
    return f"{names_list(names)} {singular if len(names) == 1 else plural}"


def in_place_note() -> str:
    """What ``inplace=True`` changes in what autograd keeps, grouped from the measurements."""
    g = _in_place_groups()
    parts = []
    if g["fewer"]:
        parts.append(f"In place, {_subject(g['fewer'], 'keeps', 'keep')} fewer bytes than as called.")
    else:
        parts.append("In place never keeps fewer bytes than the call as written; it changes which tensors are kept.")
    if g["copy"]:
        parts.append(f"{_subject(g['copy'], 'needs its', 'need their')} input for the backward pass, so in place "
                     "a copy of it is saved before it is overwritten: no memory is spared.")
    if g["switch"]:
        parts.append(f"{_subject(g['switch'], 'keeps its', 'keep their')} output in place of the input, which "
                     "spares memory where the output is kept anyway (see below).")
    if g["same"]:
        parts.append(f"{_subject(g['same'], 'keeps', 'keep')} the same tensors either way.")
    return " ".join(parts)


def transformer_note() -> str:
    """What autograd keeps in a feed-forward block with ReLU and with SwiGLU, per hidden unit and token."""
    relu, swiglu = (catalog.get(k) for k in BLOCKS)
    small, big = (memory.measure(r) for r in (relu, swiglu))
    fp32, bf16 = memory.DTYPES
    a32, b32 = small.of(fp32), big.of(fp32)
    a16, b16 = small.of(bf16), big.of(bf16)
    widening = b32.input_elements / b32.output_elements
    text = (
        f"In a transformer's feed-forward block the activation acts on the hidden layer, of width "
        f"$d_{{ff}}$ for each token. {link(relu)} keeps {_what(a32)}: "
        f"{_bytes(a32.per_output_element)} per hidden unit and token in {fp32}, "
        f"{_bytes(a16.per_output_element)} in {bf16}. {link(swiglu)} reads an input "
        f"{format_number(widening)} times as wide as its output (the content and gate halves of the "
        f"first projection) and keeps {_what(b32)}: {_bytes(b32.per_output_element)} per hidden unit "
        f"and token in {fp32}, {_bytes(b16.per_output_element)} in {bf16}, "
        f"{format_ratio(b32.per_output_element / a32.per_output_element)} what {relu.name} keeps at the same "
        "hidden width; times $d_{ff}$, that is the bytes per token and layer."
    )
    if memory.linear_keeps_its_input(fp32):  # else a saved output is not shared, and the figures above stand
        text += (
            "\n\nA Linear layer saves its input for its own backward pass, so a saved output is also "
            "the saved input of the Linear layer after the activation: one tensor, held for both. "
            f"Leaving saved outputs out, {relu.name} keeps {_bytes(a32.besides_output / a32.output_elements)} "
            f"and {swiglu.name} {_bytes(b32.besides_output / b32.output_elements)} per hidden unit and token "
            f"in {fp32}: what the block holds because of its activation."
        )
    return text


def memory_notes() -> str:
    """The fragment under the memory table: the in-place note, the transformer note, the definition's link."""
    return (
        f"{in_place_note()}\n\n{transformer_note()}\n\n"
        f"How each figure is counted: {glossary.link('kept-for-backward')}.\n"
    )


def artifacts() -> list[Artifact]:
    """``table-memory`` and ``fragment-memory-notes``."""
    return [
        text_artifact("table-memory", paths.table("memory"), memory_table, MODULE),
        text_artifact("fragment-memory-notes", paths.fragment("memory-notes"), memory_notes, MODULE),
    ]
