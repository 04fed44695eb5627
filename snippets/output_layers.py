"""The output activation follows the task; each head stays in its range."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
features = 5 * torch.randn(1000, 16)  # wide inputs push heads to their limits


# Binary classification: one logit; the sigmoid lives inside the loss.
class BinaryClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_out = nn.Linear(16, 1)

    def forward(self, x):
        return self.fc_out(x).squeeze(-1)  # (1)!


logit = BinaryClassifier()(features)
labels = (features[:, 0] > 0).float()
probability = torch.sigmoid(logit)  # (2)!
assert torch.all((probability >= 0) & (probability <= 1))
fused = nn.BCEWithLogitsLoss()(logit, labels)
two_steps = nn.BCELoss()(probability, labels)
assert torch.isclose(fused, two_steps, rtol=1e-3)  # ordinary logits: equal
print(f"binary: probabilities in [{probability.min().item():.4f}, "
      f"{probability.max().item():.4f}]")
print(f"  BCEWithLogitsLoss(logit) = {fused.item():.4f}, "
      f"BCELoss(sigmoid(logit)) = {two_steps.item():.4f}")

sure_and_wrong = torch.tensor([30.0], requires_grad=True)  # (3)!
label = torch.tensor([0.0])
exact = nn.BCEWithLogitsLoss()(sure_and_wrong, label)
(exact_grad,) = torch.autograd.grad(exact, sure_and_wrong)
clamped = nn.BCELoss()(torch.sigmoid(sure_and_wrong), label)
(clamped_grad,) = torch.autograd.grad(clamped, sure_and_wrong)
assert torch.isclose(exact, torch.tensor(30.0)) and exact_grad.item() == 1.0
assert clamped.item() == 100.0 and clamped_grad.item() == 0.0  # (4)!
print("  a confident mistake (logit 30, label 0):")
print(f"    BCEWithLogitsLoss: loss {exact.item():5.1f}, "
      f"gradient {exact_grad.item():.1f}")
print(f"    sigmoid + BCELoss: loss {clamped.item():5.1f}, "
      f"gradient {clamped_grad.item():.1f}")


# Multi-class classification: raw logits; softmax only for probabilities.
class MultiClassifier(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.fc_out = nn.Linear(16, num_classes)

    def forward(self, x):
        return self.fc_out(x)  # (5)!


logits = MultiClassifier()(features)
assert logits.min() < 0 < logits.max()  # logits are unconstrained
assert torch.allclose(logits.softmax(dim=-1).sum(dim=-1), torch.ones(1000))
print(f"multi-class: logits in [{logits.min().item():.1f}, "
      f"{logits.max().item():.1f}], softmax rows sum to 1")


# Regression: the output layer's raw value, positive or negative.
class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_out = nn.Linear(16, 1)

    def forward(self, x):
        return self.fc_out(x)  # (6)!


value = Regressor()(features)
assert value.min() < 0 < value.max()
print(f"regression: outputs in [{value.min().item():.1f}, "
      f"{value.max().item():.1f}]")

# Positive targets (prices, counts): softplus > 0 and smooth (in float32 it
# underflows to exactly 0 far below zero); ReLU >= 0.
raw = Regressor()(features)  # a real-valued output, before any squashing
positive = F.softplus(raw)  # (7)!
assert torch.all(positive > 0) and torch.all(F.relu(raw) >= 0)
print(f"positive regression: softplus outputs in "
      f"[{positive.min().item():.2e}, {positive.max().item():.1f}]")

# Bounded targets: squash, then scale to the target's interval.
low, high = 10.0, 20.0
bounded = low + (high - low) * torch.sigmoid(raw)  # (8)!
symmetric = 5.0 * torch.tanh(raw)  # in [-5, 5]
assert torch.all((bounded >= low) & (bounded <= high))
assert torch.all((symmetric >= -5) & (symmetric <= 5))
print(f"bounded regression: 10 + 10 * sigmoid in "
      f"[{bounded.min().item():.3f}, {bounded.max().item():.3f}]")
print(f"                    5 * tanh in "
      f"[{symmetric.min().item():.3f}, {symmetric.max().item():.3f}]")
