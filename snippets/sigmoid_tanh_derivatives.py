"""Autograd agrees with sigma' = sigma (1 - sigma) and tanh' = 1 - tanh^2."""

import torch

torch.manual_seed(0)

x = (8 * torch.rand(10_000, dtype=torch.float64) - 4).requires_grad_()  # (1)!

s = torch.sigmoid(x)
(ds,) = torch.autograd.grad(s.sum(), x)  # (2)!
t = torch.tanh(x)
(dt,) = torch.autograd.grad(t.sum(), x)

s, t = s.detach(), t.detach()
gap_s = (ds - s * (1 - s)).abs().max().item()  # (3)!
gap_t = (dt - (1 - t**2)).abs().max().item()
assert gap_s < 1e-15 and gap_t < 1e-15, (gap_s, gap_t)
print(f"largest |autograd - sigma (1 - sigma)|: {gap_s:.1e}")
print(f"largest |autograd - (1 - tanh^2)|:      {gap_t:.1e}")

# Both derivatives peak at x = 0, where sigma = 1/2 and tanh = 0.
zero = torch.zeros(1, dtype=torch.float64, requires_grad=True)
(peak_s,) = torch.autograd.grad(torch.sigmoid(zero).sum(), zero)
(peak_t,) = torch.autograd.grad(torch.tanh(zero).sum(), zero)
assert peak_s.item() == 0.25 and peak_t.item() == 1.0  # (4)!
assert ds.max() < 0.25 and dt.max() < 1.0
print(f"sigmoid'(0) = {peak_s.item()}, tanh'(0) = {peak_t.item()}")
