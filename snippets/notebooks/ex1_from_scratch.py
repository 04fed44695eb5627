# %% [markdown]
# # Exercise 1: activations from scratch
#
# ReLU, Leaky ReLU and GELU are one line each. Writing them yourself, from the most basic
# tensor operations, shows exactly what PyTorch computes, including at the one point
# where the definitions leave a choice: the gradient at $x = 0$.
#
# $$
# \operatorname{ReLU}(x) = \max(0, x), \qquad
# \operatorname{LeakyReLU}_\alpha(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}
# $$
#
# $$
# \operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt{2}}\right)
# $$
#
# **Task.** Implement `relu`, `leaky_relu` and `gelu` below with element-wise tensor
# operations only (comparisons, `torch.where`, arithmetic, `torch.erf`): no
# `torch.nn.functional`, no `torch.relu`. Then check each against `F.relu`,
# `F.leaky_relu` and `F.gelu` on a grid of inputs that contains $x = 0$, comparing the
# values *and* the gradients.
#
# You need `torch` and `matplotlib`; everything runs on a CPU in seconds.

# %% [markdown]
# ## Starter

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F


def relu(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("max(0, x), from basic tensor operations")


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    raise NotImplementedError("x where x > 0, negative_slope * x elsewhere")


def gelu(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("x times the standard normal CDF of x, through torch.erf")


# A grid from -6 to 6 that contains 0 exactly, in float64 so that rounding cannot hide a bug.
x = torch.arange(-600, 601, dtype=torch.float64) / 100
assert (x == 0).any()


def max_differences(mine, reference, x):
    """Largest |difference| between two functions' values and their autograd gradients on x."""
    a = x.clone().requires_grad_(True)
    b = x.clone().requires_grad_(True)
    ya, yb = mine(a), reference(b)
    ya.sum().backward()
    yb.sum().backward()
    return (ya - yb).abs().max().item(), (a.grad - b.grad).abs().max().item()


# %% [markdown]
# ## Solution
#
# Each function is a `torch.where` or a product of basic operations. The comparison
# with PyTorch covers values and gradients, in float64 and in float32.

# %%
def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    return torch.where(x > 0, x, negative_slope * x)


def gelu(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


pairs = {
    "ReLU": (relu, F.relu),
    "Leaky ReLU (0.01)": (leaky_relu, F.leaky_relu),
    "Leaky ReLU (0.2)": (lambda t: leaky_relu(t, 0.2), lambda t: F.leaky_relu(t, 0.2)),
    "GELU": (gelu, F.gelu),
}

results = {}
for name, (mine, reference) in pairs.items():
    float64 = max_differences(mine, reference, x)
    float32 = max_differences(mine, reference, x.float())
    results[name] = (*float64, *float32)

print("largest |mine - PyTorch| on the grid")
print(f"{'activation':<18}{'value f64':>10}{'grad f64':>10}{'value f32':>10}{'grad f32':>10}")
for name, diffs in results.items():
    print(f"{name:<18}" + "".join(f"{d:>10.1e}" for d in diffs))

# %% [markdown]
# Every difference is zero or a rounding error of a few units in the last place
# (about $10^{-16}$ in float64 and $10^{-6}$ in float32, for values up to 6): the
# from-scratch versions compute what PyTorch computes.
#
# The gradient at $x = 0$ is where a from-scratch ReLU most often disagrees. ReLU has no
# derivative there, so each implementation picks one. PyTorch's `F.relu` uses 0; two
# equally "obvious" one-liners pick something else:

# %%
def gradient_at_zero(f):
    zero = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    f(zero).sum().backward()
    return zero.grad.item()


at_zero = {
    "F.relu": gradient_at_zero(F.relu),
    "torch.where(x > 0, x, 0)  (ours)": gradient_at_zero(relu),
    "torch.maximum(x, 0)": gradient_at_zero(lambda t: torch.maximum(t, torch.zeros_like(t))),
    "x.clamp(min=0)": gradient_at_zero(lambda t: t.clamp(min=0)),
}
for name, grad in at_zero.items():
    print(f"{name:<34} d/dx at 0 = {grad}")

# %% [markdown]
# `torch.maximum` splits the gradient between its two equal arguments (0.5) and
# `clamp` lets it through (1). Either is a valid subgradient, but only
# `torch.where(x > 0, ...)` reproduces PyTorch exactly, which matters when you compare
# two implementations gradient for gradient.

# %%
fig, (ax_f, ax_g) = plt.subplots(1, 2, figsize=(8, 3), dpi=80)
colours = {"ReLU": "#0072B2", "Leaky ReLU (0.2)": "#E69F00", "GELU": "#009E73"}
for name, colour in colours.items():
    mine = pairs[name][0]
    t = x.clone().requires_grad_(True)
    y = mine(t)
    y.sum().backward()
    ax_f.plot(x, y.detach(), color=colour, label=name)
    ax_g.plot(x, t.grad, color=colour, label=name)
ax_f.set(title="from-scratch activations", xlabel="x", xlim=(-4, 4), ylim=(-1, 4))
ax_g.set(title="their autograd gradients", xlabel="x", xlim=(-4, 4))
ax_f.legend(frameon=False)
for ax in (ax_f, ax_g):
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Conclusion.** ReLU, Leaky ReLU and GELU built from `torch.where`, arithmetic and
# `torch.erf` match PyTorch's values and gradients to rounding error, in float64 and in
# float32. Unlike ReLU's, GELU's gradient is negative to the left of GELU's minimum,
# where the curve dips below zero. And a ReLU's gradient at 0 depends on how it is written.

# %%
for name, (value64, grad64, value32, grad32) in results.items():
    assert value64 <= 1e-12 and grad64 <= 1e-12, (name, value64, grad64)
    assert value32 <= 1e-5 and grad32 <= 1e-5, (name, value32, grad32)
assert at_zero["torch.where(x > 0, x, 0)  (ours)"] == at_zero["F.relu"] == 0.0
assert at_zero["torch.maximum(x, 0)"] == 0.5 and at_zero["x.clamp(min=0)"] == 1.0
print("from-scratch ReLU, Leaky ReLU and GELU match PyTorch")
