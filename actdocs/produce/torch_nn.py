"""Every activation module torch.nn exports, and where the site covers it.

PyTorch lists its activation modules in ``torch.nn.modules.activation.__all__``. Each
name is covered by a catalog record whose ``module`` builds that class, by an alias
(:data:`actdocs.catalog.TORCH_NN_ALIASES`: the same function as a record, applied
differently) or by a listed exclusion (:data:`actdocs.catalog.TORCH_NN_EXCLUDED`: not
an activation function). :func:`coverage_table` renders the list for the PyTorch page
as ``tables/torch-nn.md``; ``tests/measure/test_torch_coverage.py`` fails when PyTorch adds a
name none of the three covers.
"""

from __future__ import annotations

import torch.nn.modules.activation as activation_modules

from actdocs import paths
from actdocs import catalog
from actdocs.engine.artifact import Artifact
from actdocs.render.markdown import markdown_table, text_artifact
from actdocs.produce.tables import link

MODULE = "actdocs.produce.torch_nn"


def exported() -> tuple[str, ...]:
    """The activation modules torch.nn exports, in PyTorch's own order."""
    return tuple(activation_modules.__all__)


def records_by_module() -> dict[str, list[str]]:
    """torch.nn class name -> the catalog keys whose ``module`` builds it (GELU has two)."""
    found: dict[str, list[str]] = {}
    for record in catalog.ACTIVATIONS:
        cls = type(record.module())
        if cls.__module__ == activation_modules.__name__:
            found.setdefault(cls.__name__, []).append(record.key)
    return found


def uncovered() -> list[str]:
    """Exported names that no record, alias or exclusion covers (empty when all are)."""
    covered = set(records_by_module()) | set(catalog.TORCH_NN_ALIASES) | set(catalog.TORCH_NN_EXCLUDED)
    return [name for name in exported() if name not in covered]


def coverage_table() -> str:
    """Module | On this site: one row per exported name, linking its card(s) or saying why none."""
    by_module = records_by_module()
    rows = []
    for name in exported():
        if name in by_module:
            where = ", ".join(link(catalog.get(k)) for k in by_module[name])
        elif name in catalog.TORCH_NN_ALIASES:
            key, why = catalog.TORCH_NN_ALIASES[name]
            where = f"{link(catalog.get(key))}: {why}"
        elif name in catalog.TORCH_NN_EXCLUDED:
            where = f"Not covered: {catalog.TORCH_NN_EXCLUDED[name]}"
        else:
            raise ValueError(f"torch.nn.{name} has no catalog record, alias or exclusion")
        rows.append([f"`nn.{name}`", where])
    return markdown_table(["Module", "On this site"], rows)


def artifacts() -> list[Artifact]:
    """``table-torch-nn``: the coverage table."""
    return [text_artifact("table-torch-nn", paths.table("torch-nn"), coverage_table, MODULE)]
