# %% [markdown]
# # Exercise 3: dying ReLU
#
# A ReLU unit whose pre-activation $z = w^\top x + b$ is negative for *every* input
# outputs 0 everywhere, and its gradient $\partial \operatorname{ReLU}(z)/\partial z$ is 0
# everywhere too: the unit's own gradient can no longer change $w$ or $b$. The unit is
# dead. Only a change in the layers below, which moves its inputs, can bring it back (or,
# for a few steps, momentum the optimiser carried over from before). In the first hidden
# layer the inputs are the data themselves, so there, once that momentum has faded, the
# death is permanent. A large learning rate makes this likely: one big step can push $b$
# far below zero.
#
# Leaky ReLU keeps a small slope $\alpha$ for $z < 0$,
# $\operatorname{LeakyReLU}_\alpha(z) = \max(z, \alpha z)$ for $\alpha < 1$, so a unit in
# that state still gets a gradient. Whether that gradient brings it back is a question for
# measurement, not for the formula.
#
# **Task.** Train a two-hidden-layer MLP with ReLU and a high learning rate. Afterwards,
# count the hidden units that output zero on the whole training set. Then train the same
# network with Leaky ReLU and compare. Finally, train each network a little longer at a
# normal learning rate and count how many of the stuck units come back. The data is
# scikit-learn's bundled `digits` set.

# %% [markdown]
# ## Starter

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

# One CPU thread, as the site's build runs it: at this learning rate the counts below
# depend on the order of floating-point sums, which changes with the thread count.
torch.set_num_threads(1)

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


def fit(net: MLP, lr: float, epochs: int, order: torch.Generator) -> MLP:
    """Adam (a fresh one) with mini-batches of 32, shuffled by ``order``; returns ``net``."""
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(epochs):
        for batch in torch.randperm(len(X), generator=order).split(32):
            loss = F.cross_entropy(net(X[batch]), y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return net


def train(activation, lr: float, seed: int, epochs: int = 3) -> MLP:
    """A new network with the given activation, trained from the seed's initialisation."""
    torch.manual_seed(seed)
    return fit(MLP(activation), lr, epochs, torch.Generator().manual_seed(seed))


def count_dead(net: MLP) -> list[int]:
    """Per hidden layer: units whose pre-activation is <= 0 for every training example."""
    raise NotImplementedError


# %% [markdown]
# ## Solution
#
# A unit is *stuck* when its pre-activation is at most 0 on every one of the 1797
# training images. For ReLU that makes it dead: its output is exactly 0 on all of them
# and so is its gradient. A stuck Leaky ReLU unit still passes $\alpha$ times the
# gradient, so "avoids dying" is a question we can measure: do stuck units come back?
# We train four configurations on three seeds each: ReLU at Adam's usual learning rate
# $10^{-3}$ as a control, then ReLU, Leaky ReLU ($\alpha = 0.01$, PyTorch's default) and
# Leaky ReLU ($\alpha = 0.1$) at a learning rate fifty times higher, $0.05$. Then every
# network trains on at $10^{-3}$ for a few more epochs, and we count the stuck units that
# became active again.

# %%
import copy


def stuck_masks(net: MLP) -> list[torch.Tensor]:
    """Per hidden layer: True for the units whose pre-activation is <= 0 on every example."""
    with torch.no_grad():
        _, preactivations = net(X, return_preactivations=True)
    return [(z <= 0).all(dim=0) for z in preactivations]


def count_dead(net: MLP) -> list[int]:
    return [int(mask.sum()) for mask in stuck_masks(net)]


def accuracy(net: MLP) -> float:
    with torch.no_grad():
        return (net(X).argmax(1) == y).float().mean().item()


def keep_training(net: MLP, seed: int, lr: float = 1e-3, epochs: int = 2) -> MLP:
    """More epochs at the usual learning rate, with a fresh Adam and a fresh shuffle."""
    return fit(net, lr, epochs, torch.Generator().manual_seed(1000 + seed))


configurations = {
    "ReLU, lr 1e-3": (F.relu, 1e-3),
    "ReLU, lr 0.05": (F.relu, 0.05),
    "Leaky 0.01, lr 0.05": (lambda z: F.leaky_relu(z, 0.01), 0.05),
    "Leaky 0.1, lr 0.05": (lambda z: F.leaky_relu(z, 0.1), 0.05),
}
SEEDS = (0, 1, 2)
dead, revived_counts, accuracies, nets = {}, {}, {}, {}
for name, (activation, lr) in configurations.items():
    counts, came_back, stuck_total, scores = [], 0, 0, []
    for seed in SEEDS:
        net = train(activation, lr, seed)
        before = stuck_masks(net)
        counts.append([int(m.sum()) for m in before])
        if seed == SEEDS[0]:
            nets[name] = copy.deepcopy(net)  # as trained, before the extra epochs
        after = stuck_masks(keep_training(net, seed))
        came_back += sum(int((b & ~a).sum()) for b, a in zip(before, after))
        stuck_total += sum(int(b.sum()) for b in before)
        scores.append(accuracy(net))
    dead[name] = torch.tensor(counts, dtype=torch.float32)  # seeds x layers
    revived_counts[name] = (came_back, stuck_total)
    accuracies[name] = sum(scores) / len(scores)

print("stuck units per hidden layer (of 128) after training, mean of 3 seeds; stuck units")
print("in all, summed over the seeds, and how many of them were active again after 2 more")
print("epochs at lr 1e-3; training accuracy after those epochs")
print(f"{'configuration':<20}{'layer 1':>9}{'layer 2':>9}{'stuck':>8}{'revived':>9}{'accuracy':>10}")
for name, counts in dead.items():
    mean = counts.mean(0)
    k, n = revived_counts[name]
    print(f"{name:<20}{mean[0]:>9.1f}{mean[1]:>9.1f}{n:>8}{k:>9}{accuracies[name]:>10.3f}")

# %% [markdown]
# A dead ReLU unit really receives no gradient: on the full training set, the gradient
# of the loss with respect to its incoming weights and bias is exactly zero. A stuck
# Leaky ReLU unit does receive one.


# %%
def gradient_into_stuck_units(net: MLP) -> torch.Tensor:
    """For each stuck unit of hidden layer 2, the summed |gradient| of its weights and bias."""
    stuck = stuck_masks(net)[1]
    net.zero_grad()
    F.cross_entropy(net(X), y).backward()
    rows = net.hidden2.weight.grad.abs().sum(dim=1) + net.hidden2.bias.grad.abs()
    return rows[stuck]


relu_rows = gradient_into_stuck_units(nets["ReLU, lr 0.05"])
leaky_rows = gradient_into_stuck_units(nets["Leaky 0.01, lr 0.05"])
print(f"stuck units in layer 2, ReLU: {len(relu_rows)}; largest gradient reaching any of them: {relu_rows.max().item()}")
print(f"stuck units in layer 2, Leaky 0.01: {len(leaky_rows)}; smallest gradient reaching any of them: "
      f"{leaky_rows.min().item():.3g}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 2.8), dpi=80)
names = list(dead)
second_layer = [dead[name][:, 1].mean().item() for name in names]
bars = ax.barh(names, second_layer, color=["#999999", "#D55E00", "#E69F00", "#009E73"])
ax.bar_label(bars, fmt="%.0f", padding=3)
ax.set(xlabel="stuck units in hidden layer 2 (of 128, mean of 3 seeds)", xlim=(0, 128))
ax.invert_yaxis()
ax.grid(axis="x", alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Conclusion.** At the usual learning rate almost no unit is stuck. At a fifty times
# higher rate ReLU loses a large share of its second hidden layer, and those units
# receive exactly zero gradient: only the layers below can move them. Stuck Leaky ReLU
# units do receive a gradient. What that gradient achieves is for the numbers to say,
# and the cell below writes it out from them: whether the stuck units came back during
# the extra epochs, and which network ended more accurate. It gives a verdict on coming
# back only where at least ten units were stuck; with fewer, a share says little. A
# gradient is not by itself a reason to come back; lowering the learning rate (or
# warming it up) removes the cause.
#
# Training at a learning rate this high is chaotic: the exact counts change from one
# machine, PyTorch version or number of CPU threads to another (a rerun elsewhere moved
# them by several units; the first cell fixes one thread, as the site's build uses).
# What held across such reruns is the order: ReLU leaves the most units stuck, Leaky ReLU
# with $\alpha = 0.01$ fewer, with $\alpha = 0.1$ hardly any.

# %%
mean_dead = {name: counts.sum(dim=1).mean().item() for name, counts in dead.items()}
relu, leaky = "ReLU, lr 0.05", "Leaky 0.01, lr 0.05"
print(f"conclusion: {relu} leaves {mean_dead[relu]:.0f} units stuck, {'more' if mean_dead[relu] > mean_dead[leaky] else 'no more'} "
      f"than {leaky} ({mean_dead[leaky]:.0f})")
MIN_STUCK = 10  # fewer stuck units than this: too few for a verdict on coming back
for name in (relu, leaky, "Leaky 0.1, lr 0.05"):
    k, n = revived_counts[name]
    if n < MIN_STUCK:
        print(f"conclusion: {name}: only {n} units were stuck over {len(SEEDS)} seeds, too few to say ({k} came back)")
    else:
        verdict = "most stuck units came back" if k > n / 2 else "most stuck units stayed stuck"
        print(f"conclusion: {name}: {verdict} ({k} of {n})")
print(f"conclusion: {leaky} ends {'more' if accuracies[leaky] > accuracies[relu] else 'less'} accurate than {relu}")

assert mean_dead[relu] >= mean_dead["ReLU, lr 1e-3"] + 20, mean_dead
assert mean_dead[relu] > mean_dead[leaky] > mean_dead["Leaky 0.1, lr 0.05"], mean_dead  # the order that holds
assert relu_rows.max().item() == 0.0
assert len(leaky_rows) == 0 or leaky_rows.min().item() > 0
print("a high learning rate leaves ReLU units dead (zero gradient); stuck Leaky ReLU units keep a gradient")
