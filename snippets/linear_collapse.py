"""Two stacked linear layers are one linear layer: W' = W2 W1 and b' = W2 b1 + b2."""

import torch
import torch.nn as nn

torch.manual_seed(0)

first = nn.Linear(4, 8)  # (1)!
second = nn.Linear(8, 3)
stacked = nn.Sequential(first, second)

# The single layer the stack collapses into.
merged = nn.Linear(4, 3)
with torch.no_grad():
    merged.weight.copy_(second.weight @ first.weight)  # (2)!
    merged.bias.copy_(second.weight @ first.bias + second.bias)  # (3)!

x = torch.randn(5, 4)
gap = (stacked(x) - merged(x)).abs().max().item()
assert gap < 1e-5, gap  # (4)!
print(f"largest difference between the stack and the single layer: {gap:.1e}")

# Depth does not help: ten layers still collapse into one.
deep = nn.Sequential(*[nn.Linear(4, 4) for _ in range(10)])
weight, bias = torch.eye(4), torch.zeros(4)
for layer in deep:
    weight, bias = layer.weight @ weight, layer.weight @ bias + layer.bias
with torch.no_grad():
    gap10 = (deep(x) - (x @ weight.T + bias)).abs().max().item()
assert gap10 < 1e-5, gap10
print(f"ten layers against their one-layer collapse:            {gap10:.1e}")
