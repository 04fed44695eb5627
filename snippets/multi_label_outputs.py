"""Multi-label outputs: one sigmoid per class with BCEWithLogitsLoss, not a softmax."""

import torch
import torch.nn as nn
import torch.nn.functional as F

tags = ["cat", "dog", "outdoor", "night"]
logits = torch.tensor([[2.5, -1.0, 0.8, -3.0], [1.2, 1.7, -0.4, 0.3]])  # (1)!
targets = torch.tensor([[1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 1.0]])  # (2)!

loss = nn.BCEWithLogitsLoss()(logits, targets)  # (3)!
manual = F.binary_cross_entropy(torch.sigmoid(logits), targets)
assert torch.allclose(loss, manual)

probabilities = torch.sigmoid(logits)  # (4)!
predicted = probabilities > 0.5
for row, chosen in zip(probabilities, predicted):
    names = [tag for tag, keep in zip(tags, chosen) if keep]
    print(" ".join(f"{p:.2f}" for p in row.tolist()), "->", names)
assert torch.equal(predicted, logits > 0)  # (5)!
assert torch.equal(predicted.float(), targets)

softmax = torch.softmax(logits, dim=1)  # (6)!
assert torch.allclose(softmax.sum(dim=1), torch.ones(2))
assert (probabilities.sum(dim=1) > 1).all()
sums = ", ".join(f"{s:.2f}" for s in probabilities.sum(dim=1).tolist())
print(f"sigmoid rows sum to {sums}; softmax rows sum to 1")
print(f"BCEWithLogitsLoss {loss.item():.4f}")
