"""The derivative of an activation's scalar view, by autograd in float64.

One function for every reader: the figures draw it, the property checks measure it,
the cards quote it at a kink.
"""

from __future__ import annotations

from typing import Literal

import torch

from actdocs.catalog import Activation

Tensor = torch.Tensor
Impl = Literal["torch", "scratch"]


def values_and_derivative(
    activation: Activation, x: Tensor, impl: Impl = "torch"
) -> tuple[Tensor, Tensor]:
    """f(x) and f'(x) of the scalar view, element by element, in float64 via autograd."""
    x = x.detach().to(torch.float64).requires_grad_(True)
    y = activation.scalar_view(x, impl)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), dy.detach()


def derivative(activation: Activation, x: Tensor, impl: Impl = "torch") -> Tensor:
    """f'(x) of the activation's scalar view at each point of x, in float64 via autograd."""
    return values_and_derivative(activation, x, impl)[1]


def grad_at(activation: Activation, x: float, impl: Impl = "torch") -> float:
    """f'(x) of the scalar view at one point."""
    return derivative(activation, torch.tensor([x], dtype=torch.float64), impl).item()
