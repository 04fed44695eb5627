"""nn.Hardswish, x * ReLU6(x + 3) / 6 and the piecewise formula agree."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

hardswish = nn.Hardswish()


def hardswish_relu6(x):
    return x * F.relu6(x + 3) / 6  # (1)!


def hardswish_piecewise(x):
    middle = x * (x + 3) / 6
    zero = torch.zeros_like(x)
    return torch.where(x <= -3, zero, torch.where(x >= 3, x, middle))  # (2)!


special = torch.tensor([-3.0, -1.5, 0.0, 3.0])
x = torch.cat([4 * torch.randn(100_000), special])  # (3)!
for name, fn in (("x * ReLU6(x + 3) / 6", hardswish_relu6),
                 ("piecewise", hardswish_piecewise)):
    gap = (hardswish(x) - fn(x)).abs().max().item()
    print(f"largest |nn.Hardswish - {name}|: {gap:.1e}")
    torch.testing.assert_close(fn(x), hardswish(x))

# At the kinks the derivative is undefined; autograd takes the outer pieces.
kinks = torch.tensor([-3.0, 3.0], requires_grad=True)
(slope,) = torch.autograd.grad(hardswish(kinks).sum(), kinks)
near = torch.tensor([-3.0 + 1e-3, 3.0 - 1e-3], requires_grad=True)
(inside,) = torch.autograd.grad(hardswish(near).sum(), near)
print(f"autograd at x = -3 and 3: {slope.tolist()}; just inside: "
      f"{[round(v, 3) for v in inside.tolist()]}")
assert slope.tolist() == [0.0, 1.0]  # (4)!
