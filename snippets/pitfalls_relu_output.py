"""Pitfall 3: ReLU after the last layer. No negative prediction, ever."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # tiny networks train fastest on one thread
torch.manual_seed(0)
x = torch.linspace(-3, 3, 200).unsqueeze(-1)
y = torch.sin(2 * x) - 0.5  # targets of both signs, mostly negative

# --8<-- [start:wrong]
wrong = nn.Sequential(
    nn.Linear(1, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 1), nn.ReLU(),  # bug: clips every prediction at 0
)
# --8<-- [end:wrong]

# --8<-- [start:right]
right = nn.Sequential(
    nn.Linear(1, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 1),  # no activation: any value is possible
)
# --8<-- [end:right]
right.load_state_dict(wrong.state_dict())  # same start; only the ReLU differs


def fit(model, steps=200):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    return model(x).detach()


wrong_pred, right_pred = fit(wrong), fit(right)
negative = y < 0
floor = y[negative].pow(2).mean().item()  # error of predicting 0 there
wrong_neg = F.mse_loss(wrong_pred[negative], y[negative]).item()
right_neg = F.mse_loss(right_pred[negative], y[negative]).item()

assert torch.all(wrong_pred >= 0)
assert wrong_neg >= floor  # no output >= 0 does better on targets < 0
assert right_pred.min() < -1 and right_neg < 0.05 * floor
print(f"{negative.float().mean().item():.0%} of the targets are negative")
print(f"ReLU at the end: smallest prediction {wrong_pred.min().item():6.3f},"
      f" MSE on negative targets {wrong_neg:.4f}")
print(f"no activation:   smallest prediction {right_pred.min().item():6.3f},"
      f" MSE on negative targets {right_neg:.4f}")
print(f"floor for outputs >= 0 (mean square of the negative targets): "
      f"{floor:.4f}")
