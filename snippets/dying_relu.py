"""A ReLU unit that is off for every input gets no gradient: it is dead."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

unit = nn.Linear(10, 1)
with torch.no_grad():
    unit.bias.fill_(-10.0)  # (1)!

x = torch.randn(512, 10)
pre = unit(x)
assert (pre < 0).all()  # negative for every input in the batch


def report(name):
    weight = unit.weight.grad.abs().max().item()
    bias = unit.bias.grad.item()
    print(f"{name:<10} weight gradient {weight:.4f}, bias gradient {bias:.4f}")


F.relu(pre).mean().backward()  # (2)!
report("ReLU")
assert (unit.weight.grad == 0).all() and unit.bias.grad.item() == 0  # (3)!

unit.zero_grad()
F.leaky_relu(unit(x), negative_slope=0.01).mean().backward()  # (4)!
report("Leaky ReLU")
assert unit.bias.grad.item() > 0
