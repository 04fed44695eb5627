"""SELU keeps activations near mean 0 and std 1 through many layers."""

import torch
import torch.nn as nn

torch.manual_seed(0)

width, depth = 256, 32
layers = [nn.Linear(width, width, bias=False) for _ in range(depth)]
for layer in layers:
    nn.init.normal_(layer.weight, std=width**-0.5)  # (1)!

x = torch.randn(1024, width)
with torch.no_grad():
    for name, act in (("SELU", torch.selu), ("ReLU", torch.relu)):
        h = x
        for layer in layers:
            h = act(layer(h))
        mean, std = h.mean().item(), h.std().item()
        print(f"{name} after {depth} layers: mean {mean:+.3f}, std {std:.3g}")
        if name == "SELU":
            assert abs(mean) < 0.1 and abs(std - 1) < 0.1  # (2)!
        else:
            assert std < 1e-3  # (3)!
