"""ReLU is max(0, x); its gradient is 1 for x > 0 and 0 otherwise."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.cat([torch.randn(10_000), torch.tensor([0.0])]).requires_grad_()

y = F.relu(x)
assert torch.equal(y, torch.where(x > 0, x, torch.zeros_like(x)))  # (1)!
assert torch.equal(y, x.clamp(min=0))

(grad,) = torch.autograd.grad(y.sum(), x)
assert torch.equal(grad, (x > 0).float())  # (2)!
print(f"gradient values seen: {sorted(set(grad.tolist()))}")
print(f"gradient at x = 0: {grad[-1].item()}")
