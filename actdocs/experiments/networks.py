"""The networks of the experiments: MLPs of catalog activations, their initialisations, training.

Gradients always come from autograd through real ``nn.Linear`` layers; no formula stands
in for a network. :func:`mlp` builds the stack (create it inside
:func:`actdocs.experiments.seeding.deterministic` for the same weights every time),
:func:`init_linear` re-initialises a layer (PyTorch's default, LeCun or Kaiming), and
:func:`train`, :func:`step` and :func:`accuracy` train and score a classifier.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from actdocs import catalog
from actdocs.experiments.data import minibatches

ActivationSpec = str | Callable[[], nn.Module]

#: Initialisations :func:`mlp` knows. ``default`` is PyTorch's own ``nn.Linear`` init:
#: weights and biases uniform on ``(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (Kaiming-uniform
#: with a = sqrt(5)), so weight variance 1 / (3 fan_in).
INITS = ("default", "lecun", "kaiming", "xavier", "orthogonal")


def activation_module(activation: ActivationSpec) -> nn.Module:
    """A fresh module for a catalog key (its ``record.module()``) or from a factory."""
    if isinstance(activation, str):
        return catalog.get(activation).module()
    return activation()


def init_linear(layer: nn.Linear, init: str) -> None:
    """Re-initialise ``layer`` in place.

    ``default`` leaves PyTorch's initialisation; ``lecun`` draws weights from
    N(0, 1/fan_in) and zeroes the bias (what SELU's self-normalisation assumes);
    ``kaiming`` draws from N(0, 2/fan_in) and zeroes the bias (He et al., for ReLU);
    ``xavier`` draws from N(0, 2/(fan_in + fan_out)) and zeroes the bias (Glorot's);
    ``orthogonal`` makes the weight a (semi-)orthogonal matrix and zeroes the bias.
    """
    if init == "default":
        return
    if init in ("xavier", "orthogonal"):
        with torch.no_grad():
            (nn.init.xavier_normal_ if init == "xavier" else nn.init.orthogonal_)(layer.weight)
            if layer.bias is not None:
                layer.bias.zero_()
        return
    gain = {"lecun": 1.0, "kaiming": 2.0}.get(init)
    if gain is None:
        raise ValueError(f"unknown init {init!r}; known: {', '.join(INITS)}")
    with torch.no_grad():
        layer.weight.normal_(0.0, math.sqrt(gain / layer.in_features))
        if layer.bias is not None:
            layer.bias.zero_()


def mlp(
    activation: ActivationSpec,
    sizes: Sequence[int],
    *,
    last_activation: bool = False,
    init: str = "default",
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
) -> nn.Sequential:
    """``Linear(sizes[0], sizes[1]), act, Linear(sizes[1], sizes[2]), act, ...``.

    The activation follows every Linear layer but the last, unless ``last_activation``.
    Layers are created in order from the global torch generator: call it inside
    :func:`deterministic` for the same weights every time.
    """
    if len(sizes) < 2:
        raise ValueError("an MLP needs at least an input and an output size")
    layers: list[nn.Module] = []
    pairs = list(zip(sizes[:-1], sizes[1:]))
    for i, (fan_in, fan_out) in enumerate(pairs):
        linear = nn.Linear(fan_in, fan_out, dtype=dtype)
        init_linear(linear, init)
        layers.append(linear)
        if i < len(pairs) - 1 or last_activation:
            layers.append(activation_module(activation))
    return nn.Sequential(*layers).to(device)


def linears(net: nn.Module) -> list[nn.Linear]:
    """The Linear layers of ``net``, in order."""
    return [m for m in net.modules() if isinstance(m, nn.Linear)]


def step(net: nn.Module, optimiser: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor,
         batch: torch.Tensor) -> torch.Tensor:
    """One optimiser step of cross-entropy on the rows ``batch`` of ``X, y``; returns the loss."""
    loss = F.cross_entropy(net(X[batch]), y[batch])
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    return loss


def train(
    net: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    generator: torch.Generator,
) -> dict[str, float]:
    """Train ``net`` with Adam and cross-entropy on shuffled mini-batches.

    A fresh Adam (default betas) each call, in its fused implementation (one kernel for
    all parameters: the same update, a quarter faster on these small networks). The
    shuffle draws from ``generator`` (on the CPU). Returns the last mini-batch loss, the
    wall-clock seconds and the process's CPU seconds (on a shared CPU the latter is the
    steadier measure: it does not count time spent waiting for a core).
    """
    optimiser = torch.optim.Adam(net.parameters(), lr=lr, fused=True)
    net.train()
    start, cpu_start = time.perf_counter(), time.process_time()
    loss = torch.tensor(float("nan"))
    for _ in range(epochs):
        for batch in minibatches(len(X), batch_size, generator, X.device):
            loss = step(net, optimiser, X, y, batch)
    if X.device.type == "cuda":
        torch.cuda.synchronize(X.device)
    return {
        "final_loss": float(loss.detach()),
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu_start,
    }


@torch.no_grad()
def accuracy(net: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Share of ``X`` whose arg-max logit is the label ``y``."""
    net.eval()
    return float((net(X).argmax(dim=1) == y).float().mean())
