"""Weight decay pulls PReLU's learned slope towards 0, turning it into a ReLU."""

import torch
import torch.nn as nn

STEPS, LR, DECAY = 200, 0.1, 0.1


def train(exclude_prelu: bool) -> float:
    """Train PReLU -> Linear on non-negative inputs with weight decay; return the slope."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.PReLU(), nn.Linear(4, 1))
    if exclude_prelu:  # (1)!
        prelu = [model[0].weight]
        others = [p for p in model.parameters() if p is not model[0].weight]
        groups = [{"params": others}, {"params": prelu, "weight_decay": 0.0}]
    else:
        groups = [{"params": model.parameters()}]
    optimiser = torch.optim.SGD(groups, lr=LR, weight_decay=DECAY)
    inputs = torch.rand(64, 4)  # (2)!
    targets = inputs.sum(dim=1, keepdim=True)
    for _ in range(STEPS):
        optimiser.zero_grad()
        nn.functional.mse_loss(model(inputs), targets).backward()
        assert model[0].weight.grad.item() == 0.0  # (3)!
        optimiser.step()
    return model[0].weight.item()


start = nn.PReLU().weight.item()  # (4)!
decayed = train(exclude_prelu=False)
kept = train(exclude_prelu=True)
print(f"slope at start        {start:.4f}")
print(f"decayed with the rest {decayed:.4f}")
print(f"excluded from decay   {kept:.4f}")
assert abs(decayed - start * (1 - LR * DECAY) ** STEPS) < 1e-6  # (5)!
assert kept == start
