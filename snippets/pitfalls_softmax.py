"""Pitfall 2: softmax before CrossEntropyLoss changes loss and gradients."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
batch, classes = 64, 10
logits = 3 * torch.randn(batch, classes)  # what the last nn.Linear returns
logits.requires_grad_()
targets = torch.randint(0, classes, (batch,))

# --8<-- [start:wrong]
probabilities = F.softmax(logits, dim=-1)
loss = F.cross_entropy(probabilities, targets)  # bug: softmax twice
# --8<-- [end:wrong]
wrong_loss = loss
(wrong_grad,) = torch.autograd.grad(wrong_loss, logits)

# --8<-- [start:right]
loss = F.cross_entropy(logits, targets)  # raw logits: one log-softmax
# --8<-- [end:right]
right_loss = loss
(right_grad,) = torch.autograd.grad(right_loss, logits)

# CrossEntropyLoss is LogSoftmax followed by NLLLoss.
two_steps = nn.NLLLoss()(nn.LogSoftmax(dim=-1)(logits), targets)
assert torch.allclose(right_loss, two_steps)

assert not torch.isclose(wrong_loss, right_loss, rtol=0.05)
ratio = (right_grad.norm() / wrong_grad.norm()).item()
assert ratio > 2  # the second softmax shrinks the gradient
print(f"loss on the logits:       {right_loss.item():.3f}")
print(f"loss on softmax(logits):  {wrong_loss.item():.3f}")
print(f"gradient norm, logits:    {right_grad.norm().item():.4f}")
print(f"gradient norm, softmaxed: {wrong_grad.norm().item():.4f}"
      f"  ({ratio:.1f}x smaller)")

# A perfect, confident model cannot bring the wrong loss near zero: its
# inputs are probabilities in [0, 1], so its floor is log(e + C - 1) - 1.
perfect = 100 * F.one_hot(targets, classes).float()
floor = math.log(math.e + classes - 1) - 1
on_logits = F.cross_entropy(perfect, targets).item()
on_probs = F.cross_entropy(F.softmax(perfect, dim=-1), targets).item()
assert on_logits < 1e-6
assert math.isclose(on_probs, floor, rel_tol=1e-5)
print(f"perfect predictions: loss {on_logits:.1e} on logits,")
print(f"  {on_probs:.4f} after softmax = log(e + {classes - 1}) - 1")
