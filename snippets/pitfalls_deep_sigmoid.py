"""Pitfall 4: sigmoid in a deep network starves the first layers; tanh does only
when its weights are too small for it or its units saturate."""

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


# --8<-- [start:tanh]
def deep_mlp(activation):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), activation()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def init_xavier(model, gain, bias_std=0.0):
    """Xavier (Glorot) normal weights scaled by ``gain``; biases drawn with
    ``bias_std`` (0: all zero). Large biases push units into their flat tails."""
    torch.manual_seed(0)
    for module in model:
        if isinstance(module, nn.Linear):
            nn.init.xavier_normal_(module.weight, gain=gain)
            nn.init.normal_(module.bias, std=bias_std)
    return model


def init_default(model):
    """PyTorch's own nn.Linear initialisation, weight variance 1/(3 n_in)."""
    torch.manual_seed(0)
    for module in model:
        if isinstance(module, nn.Linear):
            module.reset_parameters()
    return model


tanh_gain = nn.init.calculate_gain("tanh")  # 5/3
tanh_runs = {
    "tanh, Xavier with tanh's gain": init_xavier(deep_mlp(nn.Tanh), tanh_gain),
    "tanh, PyTorch's default init": init_default(deep_mlp(nn.Tanh)),
    "tanh, same weights, biases std 3": init_xavier(deep_mlp(nn.Tanh), tanh_gain, 3.0),
    "sigmoid, Xavier (gain 1)": init_xavier(deep_mlp(nn.Sigmoid), 1.0),
}
# --8<-- [end:tanh]


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

tanh_norms = {name: grad_norms(model) for name, model in tanh_runs.items()}
first_over_output = {name: n[0] / n[-1] for name, n in tanh_norms.items()}
print("\nfirst layer's gradient over the output layer's")
for name, value in first_over_output.items():
    print(f"{name:<34} {value:9.2e}")
matched, default, saturated, sigmoid_xavier = first_over_output.values()
assert matched > 0.1  # tanh with a matching init: the gradient reaches layer 1
assert default < 1e-2 and saturated < 1e-2  # too-small weights or saturated units
assert sigmoid_xavier < 1e-3  # sigmoid's 0.25 ceiling: fades under Xavier too
