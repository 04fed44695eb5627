"""tanh is a sigmoid stretched to (-1, 1): tanh(x) = 2 sigmoid(2x) - 1."""

import torch

torch.manual_seed(0)

x = 5 * torch.randn(100_000, dtype=torch.float64)

stretched = 2 * torch.sigmoid(2 * x) - 1  # (1)!
gap = (torch.tanh(x) - stretched).abs().max().item()
assert gap < 1e-12, gap
print(f"largest |tanh(x) - (2 sigmoid(2x) - 1)|:   {gap:.1e}")

# Read backwards: sigmoid(x) = (tanh(x / 2) + 1) / 2.
squeezed = (torch.tanh(x / 2) + 1) / 2
gap_back = (torch.sigmoid(x) - squeezed).abs().max().item()
assert gap_back < 1e-12, gap_back
print(f"largest |sigmoid(x) - (tanh(x/2) + 1) / 2|: {gap_back:.1e}")

# Same S shape, different centre: on standard-normal inputs
# only tanh averages to zero.
z = torch.randn(100_000, dtype=torch.float64)
mean_sigmoid = torch.sigmoid(z).mean().item()
mean_tanh = torch.tanh(z).mean().item()
print(f"mean sigmoid(z): {mean_sigmoid:.3f}   mean tanh(z): {mean_tanh:+.3f}")
assert abs(mean_sigmoid - 0.5) < 0.01 and abs(mean_tanh) < 0.01  # (2)!
