"""The experiments the site shows, in the order the page presents them, and their artifacts.

:func:`artifacts` imports each experiment module by name, so that this module's source
keys none of their cache entries.
"""

from __future__ import annotations

import importlib

from actdocs.engine.artifact import Artifact

#: The experiment modules, in the order the page presents them.
EXPERIMENTS: tuple[str, ...] = (
    "gradient_flow",
    "dying_relu",
    "distributions",
    "self_normalisation",
    "training",
    "relu_vs_tanh",
    "gelu_approx",
)


def artifacts() -> list[Artifact]:
    """Every experiment's artifacts, in :data:`EXPERIMENTS` order."""
    found: list[Artifact] = []
    for module in EXPERIMENTS:
        found.extend(importlib.import_module(f"actdocs.experiments.{module}").artifacts())
    return found
