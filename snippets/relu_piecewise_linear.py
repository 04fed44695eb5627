"""A trained ReLU network is a piecewise-linear function: find its pieces."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # a network this small trains fastest on one thread
torch.manual_seed(0)
x = torch.linspace(-3, 3, 121).unsqueeze(1)
target = torch.sin(2 * x)  # a smooth curve for the network to imitate

first, second, last = nn.Linear(1, 10), nn.Linear(10, 10), nn.Linear(10, 1)
optimiser = torch.optim.Adam([*first.parameters(), *second.parameters(), *last.parameters()], lr=0.02)


def network(inputs):
    """The output and the on/off pattern of its ReLU units, for each input."""
    z1 = first(inputs)
    z2 = second(F.relu(z1))
    return last(F.relu(z2)), torch.cat([z1 > 0, z2 > 0], dim=1)  # (1)!


for _ in range(600):
    optimiser.zero_grad()
    F.mse_loss(network(x)[0], target).backward()
    optimiser.step()

with torch.no_grad():
    grid = torch.linspace(-3, 3, 24001, dtype=torch.float64).unsqueeze(1)
    first.double(), second.double(), last.double()  # float64: straightness checked to rounding
    output, pattern = network(grid)

changes = (pattern[1:] != pattern[:-1]).any(dim=1)  # (2)!
starts = [0, *(changes.nonzero().flatten() + 1).tolist(), len(grid)]
pieces = list(zip(starts[:-1], starts[1:]))
kinks = [grid[s, 0].item() for s in starts[1:-1]]

worst = 0.0
for lo, hi in pieces:  # (3)!
    xs, ys = grid[lo:hi, 0], output[lo:hi, 0]
    if len(xs) > 2:
        slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
        line = ys[0] + slope * (xs - xs[0])
        worst = max(worst, (ys - line).abs().max().item())

loss = F.mse_loss(network(x.double())[0], target.double()).item()
print(f"mean squared error against sin(2x): {loss:.4f}")
print(f"linear pieces on [-3, 3]: {len(pieces)} ({pattern.shape[1]} ReLU units)")
print(f"largest distance from a straight line inside a piece: {worst:.1e}")
assert loss < 0.05  # a close fit of a curved function...
assert worst < 1e-9  # ...made of straight segments only
