"""GELU(x) = x * Phi(x) = E[x * m] for a random mask m ~ Bernoulli(Phi(x))."""

import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
samples = 1_000_000

print("    x   GELU(x)   mean of x * m over a million draws")
for x in (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0):
    z = torch.randn(samples)
    m = (z < x).float()  # (1)!
    estimate = (x * m).mean().item()
    exact = F.gelu(torch.tensor(x)).item()
    keep = 0.5 * (1 + math.erf(x / math.sqrt(2)))  # Phi(x)
    standard_error = abs(x) * math.sqrt(keep * (1 - keep) / samples)
    assert abs(estimate - exact) < 5 * standard_error  # (2)!
    assert math.isclose(exact, x * keep, rel_tol=1e-5)
    print(f"{x:5.1f}   {exact:7.4f}   {estimate:7.4f}")
