"""Three ways to apply an activation: module, functional, tensor method."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# Way 1: activation modules (classes in torch.nn)
relu = nn.ReLU()  # (1)!
sigmoid = nn.Sigmoid()  # (2)!
tanh = nn.Tanh()  # (3)!
leaky_relu = nn.LeakyReLU(negative_slope=0.01)  # (4)!
gelu = nn.GELU()  # (5)!

x = torch.randn(4, 3)
print(f"input:\n{x}")
print(f"ReLU:\n{relu(x)}")
print(f"Sigmoid:\n{sigmoid(x)}")

# Way 2: stateless functions in torch.nn.functional
by_function = {  # (6)!
    "relu": F.relu(x),
    "sigmoid": F.sigmoid(x),
    "tanh": F.tanh(x),
    "leaky_relu": F.leaky_relu(x, negative_slope=0.01),
    "gelu": F.gelu(x),
}

# Way 3: methods on the tensor itself (only some activations have one)
by_method = {"relu": x.relu(), "sigmoid": x.sigmoid(), "tanh": x.tanh()}  # (7)!

by_module = {
    "relu": relu(x),
    "sigmoid": sigmoid(x),
    "tanh": tanh(x),
    "leaky_relu": leaky_relu(x),
    "gelu": gelu(x),
}
for name, out in by_module.items():
    assert torch.equal(out, by_function[name]), name  # (8)!
    if name in by_method:
        assert torch.equal(out, by_method[name]), name
print("module, functional and method agree for:", ", ".join(by_module))
