"""nn.Hardswish, x * ReLU6(x + 3) / 6 and the piecewise formula agree."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils import benchmark

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

# The source's `%timeit` is IPython-only; torch's own timer runs anywhere.
x = torch.randn(1000, 256)
for stmt in ("F.silu(x)", "F.hardswish(x)"):
    timer = benchmark.Timer(stmt=stmt, globals={"F": F, "x": x},
                            num_threads=torch.get_num_threads())  # (4)!
    median = timer.blocked_autorange(min_run_time=0.2).median
    print(f"{stmt:<15} median {median * 1e6:8.1f} µs per call")  # (5)!
