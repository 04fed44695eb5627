"""One activation, three spellings: a module, a function, a tensor method."""

import torch
import torch.nn as nn
import torch.nn.functional as F

z = torch.linspace(-3, 3, 7)  # pre-activations -3, -2, ..., 3

# For each activation: the module object, the function, the method (if any).
spellings = {
    "ReLU": (nn.ReLU(), F.relu, torch.Tensor.relu),  # (1)!
    "Sigmoid": (nn.Sigmoid(), torch.sigmoid, torch.Tensor.sigmoid),  # (2)!
    "Tanh": (nn.Tanh(), torch.tanh, torch.Tensor.tanh),  # (3)!
    "Leaky ReLU": (nn.LeakyReLU(0.1),  # (4)!
                   lambda t: F.leaky_relu(t, negative_slope=0.1), None),
    "GELU": (nn.GELU(), F.gelu, None),  # (5)!
}

print("z          " + " ".join(f"{v:6.3f}" for v in z.tolist()))
for name, (module, function, method) in spellings.items():
    from_module = module(z)
    from_function = function(z)  # (6)!
    assert torch.equal(from_module, from_function), name  # (7)!
    if method is not None:
        assert torch.equal(from_module, method(z)), name  # (8)!
    print(f"{name:<10} " + " ".join(f"{v:6.3f}" for v in from_module.tolist()))

with_method = [name for name, forms in spellings.items() if forms[2] is not None]
print("identical from module, function and method:", ", ".join(with_method))
print("identical from module and function:", ", ".join(spellings))
