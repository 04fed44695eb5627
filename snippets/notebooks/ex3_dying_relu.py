# %% [markdown]
# # Exercise 3: dying ReLU
#
# A ReLU unit whose pre-activation $z = w^\top x + b$ is negative for *every* input
# outputs 0 everywhere, and its gradient $\partial \operatorname{ReLU}(z)/\partial z$ is 0
# everywhere too: no update can ever reach $w$ or $b$ again. The unit is dead. A large
# learning rate makes this likely: one big step can push $b$ far below zero.
#
# Leaky ReLU keeps a small slope $\alpha$ for $z < 0$,
# $\operatorname{LeakyReLU}_\alpha(z) = \max(z, \alpha z)$, so a unit in that state still
# gets a gradient and can come back.
#
# **Task.** Train a two-hidden-layer MLP with ReLU and a high learning rate. Afterwards,
# count the hidden units that output zero on the whole training set. Then train the same
# network with Leaky ReLU and compare. The data is scikit-learn's bundled `digits` set.

# %% [markdown]
# ## Starter

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32)
X = (X - X.mean(0)) / (X.std(0) + 1e-6)
y = torch.tensor(digits.target)


class MLP(nn.Module):
    """64 -> 128 -> 128 -> 10, with the given activation; can return the pre-activations."""

    def __init__(self, activation, width: int = 128):
        super().__init__()
        self.hidden1 = nn.Linear(64, width)
        self.hidden2 = nn.Linear(width, width)
        self.out = nn.Linear(width, 10)
        self.activation = activation

    def forward(self, x, return_preactivations: bool = False):
        z1 = self.hidden1(x)
        z2 = self.hidden2(self.activation(z1))
        logits = self.out(self.activation(z2))
        return (logits, (z1, z2)) if return_preactivations else logits


def train(activation, lr: float, seed: int, epochs: int = 3) -> MLP:
    """Adam with mini-batches of 32; returns the trained network."""
    torch.manual_seed(seed)
    net = MLP(activation)
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(X), generator=order).split(32):
            loss = F.cross_entropy(net(X[batch]), y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return net


def count_dead(net: MLP) -> list[int]:
    """Per hidden layer: units whose pre-activation is <= 0 for every training example."""
    raise NotImplementedError


# %% [markdown]
# ## Solution
#
# A unit is dead when its pre-activation is at most 0 on every one of the 1797 training
# images (for ReLU its output is then exactly 0 on all of them). We train four
# configurations on three seeds each: ReLU at Adam's usual learning rate $10^{-3}$ as a
# control, then ReLU, Leaky ReLU ($\alpha = 0.01$, PyTorch's default) and Leaky ReLU
# ($\alpha = 0.1$) at a learning rate fifty times higher, $0.05$.

# %%
def count_dead(net: MLP) -> list[int]:
    with torch.no_grad():
        _, preactivations = net(X, return_preactivations=True)
    return [int((z <= 0).all(dim=0).sum()) for z in preactivations]


def accuracy(net: MLP) -> float:
    with torch.no_grad():
        return (net(X).argmax(1) == y).float().mean().item()


configurations = {
    "ReLU, lr 1e-3": (F.relu, 1e-3),
    "ReLU, lr 0.05": (F.relu, 0.05),
    "Leaky 0.01, lr 0.05": (lambda z: F.leaky_relu(z, 0.01), 0.05),
    "Leaky 0.1, lr 0.05": (lambda z: F.leaky_relu(z, 0.1), 0.05),
}
SEEDS = (0, 1, 2)
dead, accuracies, nets = {}, {}, {}
for name, (activation, lr) in configurations.items():
    runs = [train(activation, lr, seed) for seed in SEEDS]
    dead[name] = torch.tensor([count_dead(net) for net in runs], dtype=torch.float32)  # seeds x layers
    accuracies[name] = sum(accuracy(net) for net in runs) / len(runs)
    nets[name] = runs[0]

print("dead units per hidden layer (of 128), mean of 3 seeds")
print(f"{'configuration':<20}{'layer 1':>9}{'layer 2':>9}{'accuracy':>10}")
for name, counts in dead.items():
    mean = counts.mean(0)
    print(f"{name:<20}{mean[0]:>9.1f}{mean[1]:>9.1f}{accuracies[name]:>10.3f}")

# %% [markdown]
# A dead ReLU unit really receives no gradient: on the full training set, the gradient
# of the loss with respect to its incoming weights and bias is exactly zero.

# %%
net = nets["ReLU, lr 0.05"]
with torch.no_grad():
    _, (_, z2) = net(X, return_preactivations=True)
dead_units = (z2 <= 0).all(dim=0)
net.zero_grad()
F.cross_entropy(net(X), y).backward()
row_gradients = net.hidden2.weight.grad.abs().sum(dim=1) + net.hidden2.bias.grad.abs()
print(f"dead units in layer 2: {int(dead_units.sum())}")
print(f"largest gradient reaching any of them: {row_gradients[dead_units].max().item()}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 2.8), dpi=80)
names = list(dead)
second_layer = [dead[name][:, 1].mean().item() for name in names]
bars = ax.barh(names, second_layer, color=["#999999", "#D55E00", "#E69F00", "#009E73"])
ax.bar_label(bars, fmt="%.0f", padding=3)
ax.set(xlabel="dead units in hidden layer 2 (of 128, mean of 3 seeds)", xlim=(0, 128))
ax.invert_yaxis()
ax.grid(axis="x", alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Conclusion.** At the usual learning rate almost no unit dies. At a fifty times
# higher rate, ReLU loses a large share of its second hidden layer: units that output
# zero on every training image and, as shown above, receive exactly zero gradient, so no
# amount of further training revives them. Leaky ReLU leaves fewer units stuck in the
# negative region, and those still get a gradient ($\alpha$ times the upstream one); the
# larger slope $\alpha = 0.1$ nearly removes the problem. Lowering the learning rate
# (or using warm-up) addresses the cause; Leaky ReLU makes the network robust to it.

# %%
mean_dead = {name: counts.sum(dim=1).mean().item() for name, counts in dead.items()}
assert mean_dead["ReLU, lr 0.05"] >= 20, mean_dead
assert mean_dead["ReLU, lr 0.05"] >= mean_dead["ReLU, lr 1e-3"] + 20, mean_dead
assert mean_dead["Leaky 0.01, lr 0.05"] < mean_dead["ReLU, lr 0.05"], mean_dead
assert mean_dead["Leaky 0.1, lr 0.05"] <= mean_dead["ReLU, lr 0.05"] / 4, mean_dead
assert row_gradients[dead_units].max().item() == 0.0
print("a high learning rate kills ReLU units; Leaky ReLU fewer")
