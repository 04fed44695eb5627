"""Every activation module torch.nn exports is a catalog record, an alias or a listed exclusion."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.modules.activation as activation_modules

from actdocs import catalog
from actdocs.produce import tables, torch_nn
from actdocs.catalog import ACTIVATIONS, TORCH_NN_ALIASES, TORCH_NN_EXCLUDED


def covered_by_records() -> dict[str, list[str]]:
    """torch.nn class name -> catalog keys, for every record whose module is one of PyTorch's."""
    return torch_nn.records_by_module()


def test_every_torch_nn_activation_module_is_covered_once():
    exported = set(activation_modules.__all__)
    records = set(covered_by_records())
    aliases, excluded = set(TORCH_NN_ALIASES), set(TORCH_NN_EXCLUDED)
    assert not records & aliases and not records & excluded and not aliases & excluded
    missing = exported - records - aliases - excluded
    assert not missing, f"torch.nn activation modules without a record, alias or exclusion: {sorted(missing)}"
    stale = (aliases | excluded) - exported
    assert not stale, f"aliases or exclusions torch.nn no longer exports: {sorted(stale)}"


def test_the_check_would_see_a_new_module(monkeypatch):
    monkeypatch.setattr(activation_modules, "__all__", [*activation_modules.__all__, "Newlu"])
    exported = set(activation_modules.__all__)
    assert exported - set(covered_by_records()) - set(TORCH_NN_ALIASES) - set(TORCH_NN_EXCLUDED) == {"Newlu"}


def test_exported_names_are_torch_nn_classes():
    for name in activation_modules.__all__:
        assert isinstance(getattr(nn, name), type), name


def test_aliases_compute_their_records_function():
    x = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(0))
    for name, (key, reason) in TORCH_NN_ALIASES.items():
        assert reason.strip() and key in catalog.keys()
    # Softmax2d is softmax over the channel dimension, for 4-D and 3-D input alike
    record = catalog.get(TORCH_NN_ALIASES["Softmax2d"][0])
    torch.testing.assert_close(nn.Softmax2d()(x), record.functional(x, dim=-3), rtol=0, atol=0)
    torch.testing.assert_close(nn.Softmax2d()(x[0]), record.functional(x[0], dim=-3), rtol=0, atol=0)


def test_exclusions_say_why():
    assert set(TORCH_NN_EXCLUDED) == {"MultiheadAttention"}
    for reason in TORCH_NN_EXCLUDED.values():
        assert "not" in reason and len(reason.split()) > 8


def test_rrelu_record_is_the_eval_mode_function_and_training_draws_slopes():
    record = catalog.get("rrelu")
    x = -torch.ones(10_000, dtype=torch.float64)
    slope = (record.defaults["lower"] + record.defaults["upper"]) / 2
    torch.testing.assert_close(record(x), slope * x)
    module = record.module()
    assert not module.training
    torch.testing.assert_close(module(x), slope * x)
    torch.manual_seed(0)
    drawn = -nn.RReLU(record.defaults["lower"], record.defaults["upper"]).train()(x)
    assert drawn.min() >= record.defaults["lower"] and drawn.max() <= record.defaults["upper"]
    assert drawn.std() > 0.05  # per element: uniform on [1/8, 1/3] has standard deviation 0.06


def test_uncovered_is_empty_and_the_table_lists_every_exported_module(monkeypatch):
    assert torch_nn.uncovered() == []
    table = torch_nn.coverage_table()
    for name in activation_modules.__all__:
        assert f"| `nn.{name}` |" in table
    for record in ACTIVATIONS:
        if type(record.module()).__module__ == activation_modules.__name__:
            assert tables.link(record) in table
    assert "Not covered: " + TORCH_NN_EXCLUDED["MultiheadAttention"] in table
    monkeypatch.setattr(activation_modules, "__all__", [*activation_modules.__all__, "Newlu"])
    assert torch_nn.uncovered() == ["Newlu"]
