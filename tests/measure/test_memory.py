"""What autograd keeps for backward: the hook counts against the autograd graph itself.

Each expected count is found here a second way, without saved-tensor hooks: by walking the
graph from the output's ``grad_fn`` back to the input's and reading every node's
``_saved_*`` attributes. No byte count is typed.
"""

from __future__ import annotations

import inspect
import re

import pytest
import torch
import torch.nn.functional as F

from actdocs import catalog
from actdocs.measure import memory
from actdocs.produce import memory_tables, tables
from actdocs.render.numbers import format_number, format_ratio

MEASURED = memory.measured_records()
WITH_INPLACE = [r for r in MEASURED if memory.has_inplace(r)]


def _saved_by_graph(y: torch.Tensor, stop: object) -> list[torch.Tensor]:
    """Every tensor the nodes between ``y.grad_fn`` and ``stop`` (the input's node) hold as ``_saved_*``."""
    found, todo, seen = [], [y.grad_fn], set()
    while todo:
        node = todo.pop()
        if node is None or node is stop or id(node) in seen:
            continue
        seen.add(id(node))
        for name in dir(node):
            if name.startswith("_saved_"):
                value = getattr(node, name)
                values = value if isinstance(value, (tuple, list)) else (value,)
                found += [v for v in values if isinstance(v, torch.Tensor)]
        todo += [next_node for next_node, _ in node.next_functions]
    return found


def _expected(record: catalog.Activation, dtype: str, inplace: bool) -> list[tuple[str, str, int]]:
    """(role, dtype, bytes) of each storage the graph saves, each once, parameters left out."""
    module = memory.inplace_module(record) if inplace else record.module()
    x = memory.layer_input(dtype)
    module = module.to(x.dtype).train()
    before = x.detach().clone()
    stop = x.grad_fn
    y = module(x)
    params = {p.untyped_storage().data_ptr() for p in (*module.parameters(), *module.buffers())}
    out: dict[int, tuple[str, str, int]] = {}
    for t in _saved_by_graph(y, stop):
        ptr = t.untyped_storage().data_ptr()
        if ptr in params or ptr in out:
            continue
        if ptr == y.untyped_storage().data_ptr():
            role = "output"
        elif ptr == x.untyped_storage().data_ptr():
            role = "input"
        elif t.shape == before.shape and torch.equal(t.detach(), before):
            role = "input copy"
        else:
            role = "intermediate"
        out[ptr] = (role, str(t.dtype).removeprefix("torch."), t.untyped_storage().nbytes())
    return sorted(out.values())


@pytest.mark.parametrize("dtype", memory.DTYPES)
@pytest.mark.parametrize("record", MEASURED, ids=lambda r: r.key)
def test_the_count_is_what_the_autograd_graph_saves(record, dtype):
    kept = memory.kept(record, dtype)
    assert sorted((s.role, s.dtype, s.nbytes) for s in kept.saved) == _expected(record, dtype, False)
    assert kept.nbytes > 0 and kept.input_elements == torch.Size(memory.SHAPE).numel()


@pytest.mark.parametrize("dtype", memory.DTYPES)
@pytest.mark.parametrize("record", WITH_INPLACE, ids=lambda r: r.key)
def test_the_in_place_count_is_what_the_autograd_graph_saves(record, dtype):
    kept = memory.kept(record, dtype, inplace=True)
    assert kept.inplace and sorted((s.role, s.dtype, s.nbytes) for s in kept.saved) == _expected(record, dtype, True)


@pytest.mark.parametrize("record", MEASURED, ids=lambda r: r.key)
def test_in_place_is_measured_exactly_where_the_module_takes_the_switch(record):
    takes = "inplace" in inspect.signature(type(record.module()).__init__).parameters
    assert (memory.measure(record).in_place is not None) == takes
    assert (memory.kept(record, inplace=True) is not None) == takes


def test_in_place_changes_what_is_kept_where_it_should():
    """In place, the input's storage holds the output: a record that saves its input as called
    saves the output or a copy of the input in place, never the (overwritten) input."""
    for record in WITH_INPLACE:
        called, in_place = memory.measure(record).of(), memory.measure(record).of(inplace=True)
        assert "input" not in in_place.roles, record.key
        if "input" in called.roles:
            assert {"output", "input copy"} & set(in_place.roles), record.key
    leaky = memory.measure("leaky_relu")
    assert leaky.of().roles == ("input",) and leaky.of(inplace=True).roles == ("output",)


def test_bfloat16_keeps_half_where_every_saved_tensor_has_the_inputs_dtype():
    halves = 0
    for record in MEASURED:
        m = memory.measure(record)
        for inplace in (False, True):
            fp32, bf16 = m.of("float32", inplace), m.of("bfloat16", inplace)
            if fp32 is None:
                continue
            if all(s.dtype == "float32" for s in fp32.saved) and all(s.dtype == "bfloat16" for s in bf16.saved):
                assert 2 * bf16.nbytes == fp32.nbytes, record.key
                halves += 1
    assert halves >= len(MEASURED)  # every record as called at least


def test_gated_units_keep_more_than_relu_per_hidden_unit():
    relu = memory.measure("relu").of()
    for record in MEASURED:
        if record.family == "gated":
            kept = memory.measure(record).of()
            assert kept.output_elements * 2 == kept.input_elements
            assert kept.per_output_element > relu.per_output_element, record.key


def test_softmax_like_records_are_left_out():
    left_out = [r for r in catalog.ACTIVATIONS if r not in MEASURED]
    assert left_out and all(not r.elementwise and r.family != "gated" for r in left_out)
    with pytest.raises(ValueError):
        memory.kept(left_out[0])
    with pytest.raises(ValueError):
        memory.measure("relu").of("float16")


def test_the_measurement_is_deterministic():
    for record in MEASURED:
        assert memory.kept(record, "bfloat16") == memory.kept(record, "bfloat16")


def test_linear_keeps_its_input_as_the_graph_says():
    x = memory.layer_input("float32")
    w = torch.randn(memory.SHAPE[-1], memory.SHAPE[-1], requires_grad=True)
    saved = _saved_by_graph(F.linear(x, w), x.grad_fn)
    shares = any(t.untyped_storage().data_ptr() == x.untyped_storage().data_ptr() for t in saved)
    assert memory.linear_keeps_its_input() == shares


# ------------------------------------------------------------------ the page


def _rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in table.strip().splitlines()[2:]]


def test_the_memory_table_lists_every_measured_record_and_no_other():
    rows = _rows(memory_tables.memory_table())
    assert [r[0] for r in rows] == [tables.link(r) for r in MEASURED]
    for row, record in zip(rows, MEASURED):
        m = memory.measure(record)
        assert row[1:5] == [tables.kept_cell(m.of(d, i)) for d, i in memory_tables.COLUMNS]
        assert row[1] == format_number(m.of().nbytes / m.of().input_elements)
        assert (row[3] == "–") == (m.in_place is None)


def test_the_comparison_tables_column_is_the_float32_figure():
    for record in catalog.ACTIVATIONS:
        cell = tables.COLUMNS["kept for backward"][2](record)
        if record in MEASURED:
            kept = memory.kept(record)
            assert cell == format_number(kept.nbytes / kept.input_elements), record.key
        else:
            assert cell == "–", record.key


def test_the_transformer_note_quotes_the_measurement(monkeypatch):
    relu, swiglu = (memory.kept(catalog.get(k)) for k in memory_tables.BLOCKS)
    note = memory_tables.transformer_note()
    for kept in (relu, swiglu):
        assert f"{format_number(kept.nbytes / kept.output_elements)} B per hidden unit" in note
    assert format_ratio(swiglu.per_output_element / relu.per_output_element) in note
    besides = sum(s.nbytes for s in swiglu.saved if s.role != "output") / swiglu.output_elements
    assert f"{catalog.get('swiglu').name} {format_number(besides)} B" in note
    monkeypatch.setattr(memory, "linear_keeps_its_input", lambda dtype="float32": False)
    assert "Leaving saved outputs out" not in memory_tables.transformer_note()


def test_the_in_place_note_names_each_record_once():
    note = memory_tables.in_place_note()
    groups = memory_tables._in_place_groups()
    assert sorted(n for names in groups.values() for n in names) == sorted(r.name for r in WITH_INPLACE)
    for names in groups.values():
        for name in names:
            assert name in note
