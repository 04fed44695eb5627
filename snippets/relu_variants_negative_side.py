"""Every ReLU variant keeps a gradient for negative inputs; ReLU does not."""

import torch
import torch.nn as nn

torch.manual_seed(0)

variants = {
    "ReLU": nn.ReLU(),
    "Leaky ReLU": nn.LeakyReLU(negative_slope=0.01),
    "PReLU": nn.PReLU(),  # (1)!
    "ELU": nn.ELU(alpha=1.0),
    "SELU": nn.SELU(),  # (2)!
}

grads = {}
for name, act in variants.items():
    x = torch.tensor([-2.0], requires_grad=True)
    y = act(x)
    y.sum().backward()
    grads[name] = x.grad.item()
    print(f"{name:<10} f(-2) = {y.item():+.4f}   f'(-2) = {grads[name]:.4f}")

assert grads.pop("ReLU") == 0.0
assert all(g > 0 for g in grads.values())
