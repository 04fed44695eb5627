"""Which torch device the build and the benchmarks use."""

from __future__ import annotations

import os

from actdocs.engine.errors import UsageError

CHOICES = ("auto", "cpu", "cuda")
ENV_VAR = "ACTDOCS_DEVICE"


def requested(cli_value: str | None = None) -> str:
    """The device asked for: the command-line value, else ``$ACTDOCS_DEVICE``, else auto."""
    value = (cli_value or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if value not in CHOICES:
        raise UsageError(f"unknown device {value!r}; choose one of {', '.join(CHOICES)}")
    return value


def resolve(value: str) -> str:
    """Turn a requested device into a real one: auto takes CUDA when torch sees it.

    ``cuda`` on a machine where torch sees no CUDA device is a :class:`UsageError`;
    ``cpu`` is answered without importing torch.
    """
    choice = requested(value)
    if choice == "cpu":
        return choice
    import torch

    has_cuda = torch.cuda.is_available()
    if choice == "cuda" and not has_cuda:
        raise UsageError("--device cuda asked for, but torch sees no CUDA device on this machine")
    if choice == "auto":
        return "cuda" if has_cuda else "cpu"
    return choice


def describe(device: str) -> str:
    """A human-readable name for the device: the GPU's name or the CPU model."""
    import torch

    if device == "cuda":
        return torch.cuda.get_device_name()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()
