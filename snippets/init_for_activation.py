"""Initialisation matched to the activation keeps signals and gradients alive in depth."""

import math

import torch
import torch.nn as nn

gains = {name: nn.init.calculate_gain(name) for name in ["linear", "sigmoid", "tanh", "relu", "selu"]}
print("calculate_gain:", ", ".join(f"{name} {gain:.3f}" for name, gain in gains.items()))
assert gains["relu"] == math.sqrt(2) and gains["tanh"] == 5 / 3  # (1)!

DEPTH, WIDTH = 30, 256


def run(activation: type[nn.Module], init: str) -> tuple[float, float]:
    """Build DEPTH Linear+activation blocks; return the last output's std and grad ratio."""
    torch.manual_seed(0)
    layers = [nn.Linear(WIDTH, WIDTH) for _ in range(DEPTH)]
    for layer in layers:
        if init == "he":  # (2)!
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        elif init == "lecun":  # (3)!
            nn.init.normal_(layer.weight, std=1 / math.sqrt(WIDTH))
        elif init == "xavier":  # (4)!
            nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain("tanh"))
        if init != "default":
            nn.init.zeros_(layer.bias)
    model = nn.Sequential(*[m for layer in layers for m in (layer, activation())])
    out = model(torch.randn(512, WIDTH))
    out.mean().backward()
    first, last = layers[0].weight.grad.norm(), layers[-1].weight.grad.norm()
    return out.std().item(), (first / last).item()


results = {
    "ReLU, default init": run(nn.ReLU, "default"),  # (5)!
    "ReLU, He init": run(nn.ReLU, "he"),
    "tanh, Xavier init": run(nn.Tanh, "xavier"),
    "SELU, LeCun init": run(nn.SELU, "lecun"),
}
for name, (std, ratio) in results.items():
    print(f"{name:20} output std {std:.2e}, first/last layer gradient {ratio:.2e}")

assert results["ReLU, default init"][0] < 0.1 * results["ReLU, He init"][0]  # (6)!
assert results["ReLU, default init"][1] < 1e-6 * results["ReLU, He init"][1]
assert 0.1 < results["ReLU, He init"][0] < 10 and 0.5 < results["SELU, LeCun init"][0] < 2
assert all(0.1 < results[name][1] < 100 for name in list(results)[1:])
