"""Determinism for the experiments: seeding, deterministic algorithms, a fixed thread count
(:mod:`~actdocs.experiments.threads`).

:func:`deterministic` wraps every experiment's run: the same arguments give the same
numbers, and the caller's random state, deterministic-algorithms flag and thread count
are left as they were. :func:`randn` draws data on the CPU, so every device sees the
same samples.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator, Sequence

import torch

from actdocs.experiments.threads import experiment_threads


@contextmanager
def deterministic(seed: int, device: str = "cpu") -> Iterator[torch.Generator]:
    """Seed torch, ask for deterministic algorithms and fix the thread count.

    The caller's random state, deterministic-algorithms flag and thread count are
    restored on exit (``torch.random.fork_rng``), so ``run`` functions stay pure.
    Yields a CPU :class:`torch.Generator` seeded with ``seed + 1`` for data, while
    layer initialisation draws from the global generator seeded with ``seed``.
    """
    if device.startswith("cuda"):
        # cuBLAS needs this to be deterministic; it must be set before its first use.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    was_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    old_threads = torch.get_num_threads()
    cuda_devices = [torch.device(device)] if device.startswith("cuda") else []
    with torch.random.fork_rng(devices=cuda_devices):
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.set_num_threads(experiment_threads())
        torch.manual_seed(seed)
        try:
            yield torch.Generator().manual_seed(seed + 1)
        finally:
            torch.use_deterministic_algorithms(was_deterministic, warn_only=was_warn_only)
            torch.set_num_threads(old_threads)


def randn(shape: Sequence[int], generator: torch.Generator, *, dtype=torch.float32, device: str = "cpu") -> torch.Tensor:
    """Standard-normal samples drawn on the CPU from ``generator`` (same on every device)."""
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device)
