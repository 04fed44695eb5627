"""Pitfall 1: no activation between layers. The net is linear: no XOR.

The same 2-8-1 network, seed, optimiser and 300 steps as xor_needs_nonlinearity.py.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # tiny networks train fastest on one thread
inputs = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
labels = torch.tensor([0.0, 1.0, 1.0, 0.0])  # XOR


# --8<-- [start:wrong]
class Wrong(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 8)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, x):
        x = self.fc1(x)
        x = self.fc2(x)  # bug: two linear layers in a row are one
        return x.squeeze(-1)
# --8<-- [end:wrong]


# --8<-- [start:right]
class Right(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 8)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, x):
        x = self.fc1(x)
        x = F.relu(x)  # the non-linearity between the layers
        x = self.fc2(x)
        return x.squeeze(-1)
# --8<-- [end:right]


def train(model, steps=300):
    """Fit the four XOR points; return the accuracy and the final loss."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(inputs), labels)
        loss.backward()
        optimizer.step()
    accuracy = ((model(inputs) > 0).float() == labels).float().mean()
    return accuracy.item(), loss.item()


torch.manual_seed(0)
wrong_accuracy, wrong_loss = train(Wrong())
torch.manual_seed(0)
right_accuracy, right_loss = train(Right())

assert wrong_accuracy <= 0.75  # no line separates XOR: 3 of 4 at best
assert wrong_loss > 0.5
assert right_accuracy == 1.0 and right_loss < 0.05
print(f"no activation: accuracy {wrong_accuracy:4.0%}, loss {wrong_loss:.3f}")
print(f"with ReLU:     accuracy {right_accuracy:4.0%}, loss {right_loss:.3f}")
