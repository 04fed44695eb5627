"""A dead ReLU unit gets no gradient; a Leaky one gets a small gradient that
points wherever the loss points, and that can bring it back."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
inputs = torch.randn(512, 10)
targets = 1 + inputs[:, :1].abs()  # (1)!
BUDGET = 500  # steps of gradient descent we allow each unit


def stuck_unit():
    """One unit whose pre-activation is negative for every input."""
    torch.manual_seed(1)
    unit = nn.Linear(10, 1)
    with torch.no_grad():
        unit.bias.fill_(-10.0)  # (2)!
    assert (unit(inputs) < 0).all()
    return unit


def bias_gradient(activation, loss_fn):
    unit = stuck_unit()
    loss_fn(activation(unit(inputs))).backward()
    return unit.bias.grad.item()


def steps_to_revive(activation, budget=BUDGET):
    """Plain gradient descent on the squared error; the step after which
    some input turns the unit on again, or None within the budget."""
    unit = stuck_unit()
    optimiser = torch.optim.SGD(unit.parameters(), lr=0.5)
    for step in range(1, budget + 1):
        optimiser.zero_grad()
        F.mse_loss(activation(unit(inputs)), targets).backward()
        optimiser.step()
        if (unit(inputs) > 0).any():
            return step, unit
    return None, unit


wants_more = lambda out: F.mse_loss(out, targets)  # (3)!
wants_less = lambda out: out.mean()  # (4)!

relu_grad = bias_gradient(F.relu, wants_more)
leaky_more = bias_gradient(F.leaky_relu, wants_more)
leaky_less = bias_gradient(F.leaky_relu, wants_less)
print(f"ReLU,  squared error:   bias gradient {relu_grad:+.4f}")
print(f"Leaky, squared error:   bias gradient {leaky_more:+.4f}"
      " (a descent step raises the bias)")
print(f"Leaky, mean of output:  bias gradient {leaky_less:+.4f}"
      " (a descent step lowers it further)")
assert relu_grad == 0.0  # (5)!
assert leaky_more < 0 < leaky_less  # (6)!

relu_steps, relu_unit = steps_to_revive(F.relu)
leaky_steps, leaky_unit = steps_to_revive(F.leaky_relu)
assert relu_steps is None and relu_unit.bias.item() == -10.0
assert leaky_steps is not None and leaky_unit.bias.item() > -10.0  # (7)!
relu_active = int((relu_unit(inputs) > 0).sum())
active = int((leaky_unit(inputs) > 0).sum())
print(f"ReLU after {BUDGET} steps: bias {relu_unit.bias.item():+.2f},"
      f" active for {relu_active} of {len(inputs)}")
print(f"Leaky ReLU: on again after {leaky_steps} steps, bias"
      f" {leaky_unit.bias.item():+.2f}, active for {active} of {len(inputs)}")
