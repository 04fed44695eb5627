"""ReLU outputs exact zeros: about half of them on standard-normal input."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)

pre = torch.randn(1000, 256)  # (1)!

outputs = {
    "ReLU": F.relu(pre),
    "Sigmoid": torch.sigmoid(pre),
    "Tanh": torch.tanh(pre),
    "GELU": F.gelu(pre),
}
for name, out in outputs.items():
    zeros = (out == 0).float().mean().item()  # (2)!
    print(f"{name:<8} exact zeros: {zeros:7.2%}")

relu_zeros = (outputs["ReLU"] == 0).float().mean().item()
assert abs(relu_zeros - 0.5) < 0.01, relu_zeros  # (3)!
assert all((out != 0).all() for name, out in outputs.items() if name != "ReLU")
