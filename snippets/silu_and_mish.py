"""SiLU gates x by sigmoid(x), Mish by tanh(softplus(x)); both dip below 0."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.linspace(-8, 8, 16_001, dtype=torch.float64)

gate = torch.sigmoid(x)  # (1)!
assert torch.allclose(F.silu(x), x * gate, rtol=0, atol=1e-12)
mish = x * torch.tanh(F.softplus(x))  # (2)!
assert torch.allclose(F.mish(x), mish, rtol=0, atol=1e-12)

for value in (-4.0, -1.0, 0.0, 1.0, 4.0):
    g = torch.sigmoid(torch.tensor(value)).item()
    print(f"x = {value:+.0f}: the gate lets {g:6.1%} through, "
          f"SiLU(x) = {value * g:+.3f}")

for name, y in (("SiLU", F.silu(x)), ("Mish", F.mish(x))):
    i = y.argmin()
    print(f"{name}: smallest output {y[i]:+.4f} at x = {x[i]:+.3f}")
    assert y[i] < 0 and x[0] < x[i] < 0  # (3)!
