"""XOR: a purely linear network cannot fit it; the same network with ReLU can."""

import torch
import torch.nn as nn

inputs = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
targets = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
loss_fn = nn.BCEWithLogitsLoss()


def train(activation: nn.Module) -> nn.Sequential:
    """Fit XOR with 2 -> 8 -> 1 layers for 300 Adam steps; return the network."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), activation, nn.Linear(8, 1))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        optimiser.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimiser.step()
    return model


@torch.no_grad()
def score(model: nn.Sequential) -> tuple[float, float]:
    """The final loss and the share of the four points on the right side of 0."""
    logits = model(inputs)
    accuracy = ((logits > 0).float() == targets).float().mean().item()
    return loss_fn(logits, targets).item(), accuracy


linear_model = train(nn.Identity())  # (1)!
relu_model = train(nn.ReLU())
linear_loss, linear_acc = score(linear_model)
relu_loss, relu_acc = score(relu_model)

print(f"linear only: loss {linear_loss:.3f}, accuracy {linear_acc:.0%}")
print(f"with ReLU:   loss {relu_loss:.3f}, accuracy {relu_acc:.0%}")
assert linear_acc <= 0.75 and linear_loss > 0.6  # (2)!
assert relu_acc == 1.0 and relu_loss < 0.05
