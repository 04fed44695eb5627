"""GELU as x * Phi(x) from erf, as x * P(Z <= x) sampled, and as F.gelu."""

import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.linspace(-5, 5, 1001, dtype=torch.float64)

phi = 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # (1)!
assert torch.allclose(F.gelu(x), x * phi, rtol=0, atol=1e-12)

# The probabilistic reading: keep x when a standard normal Z is <= x.
z = torch.randn(1_000_000, dtype=torch.float64)
points = torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0],
                      dtype=torch.float64)
kept = (z <= points[:, None]).double().mean(dim=1)  # (2)!
for p, k, g in zip(points.tolist(), kept.tolist(), F.gelu(points).tolist()):
    print(f"x = {p:+.1f}   P(Z <= x) ~ {k:.4f}   "
          f"x * P ~ {p * k:+.4f}   F.gelu(x) = {g:+.4f}")
assert torch.allclose(points * kept, F.gelu(points), atol=5e-3)  # (3)!

# The tanh approximation is what F.gelu(x, approximate="tanh") computes.
inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
approx = 0.5 * x * (1 + torch.tanh(inner))  # (4)!
assert torch.allclose(F.gelu(x, approximate="tanh"), approx,
                      rtol=0, atol=1e-12)
print("F.gelu(x, approximate='tanh') matches the tanh formula")
