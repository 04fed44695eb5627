"""Pitfall 4: sigmoid in a deep network starves the first layers."""

import torch
import torch.nn as nn
import torch.nn.functional as F

depth, width = 12, 64


# --8<-- [start:wrong]
def deep_sigmoid_mlp():
    layers = []
    for _ in range(depth):
        # each sigmoid multiplies the gradient by at most 0.25
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))
# --8<-- [end:wrong]


# --8<-- [start:right]
def deep_relu_mlp():
    layers = []
    for _ in range(depth):
        # slope 1 where active: with He (Kaiming) weights, see init(),
        # the gradient still reaches the first layer
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, 1))
# --8<-- [end:right]


def init(model):
    """One scheme, one set of draws for both: Kaiming normal, zero bias."""
    torch.manual_seed(0)
    for module in model:
        if isinstance(module, nn.Linear):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            nn.init.zeros_(module.bias)
    return model


def grad_norms(model):
    """Norm of each Linear layer's weight gradient after one backward."""
    torch.manual_seed(1)
    x, y = torch.randn(256, width), torch.randn(256, 1)
    F.mse_loss(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in model
            if isinstance(m, nn.Linear)]


sigmoid_norms = grad_norms(init(deep_sigmoid_mlp()))
relu_norms = grad_norms(init(deep_relu_mlp()))

print("Linear layer   sigmoid grad   ReLU grad")
for i in (0, 1, 2, depth // 2 - 1, depth - 1, depth):
    label = "output" if i == depth else str(i + 1)
    print(f"{label:>12}   {sigmoid_norms[i]:12.2e}   {relu_norms[i]:9.2e}")
ratio = relu_norms[0] / sigmoid_norms[0]
assert ratio > 1e3  # orders of magnitude apart at the first layer
assert sigmoid_norms[0] < 1e-3 * sigmoid_norms[-1]  # fades towards the input
assert relu_norms[0] > 0.1 * relu_norms[-1]  # reaches the first layer
print(f"first layer: ReLU's gradient is {ratio:.0e} times sigmoid's")
