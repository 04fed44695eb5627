# %% [markdown]
# # Exercise 4: the tanh approximation of GELU
#
# The exact GELU needs the Gaussian CDF, $\operatorname{GELU}(x) = x\,\Phi(x)$. The GELU
# paper also gave an approximation that uses only `tanh` and a cubic, and GPT-2's released
# code computes GELU with it (the `gelu` function of `src/model.py` in the openai/gpt-2
# repository, from its first commit, `c2dae27`). BERT's reference code (`modeling.py` in
# google-research/bert) has used it since commit `bee6030` of February 2019; its first
# release, in October 2018, computed the exact form with `erf`.
#
# $$
# \operatorname{GELU}(x) \approx \frac{x}{2}\left(1 + \tanh\left(\sqrt{\frac{2}{\pi}}\left(x + 0.044715\,x^3\right)\right)\right)
# $$
#
# PyTorch offers it as `F.gelu(x, approximate="tanh")`.
#
# **Task.** Write the approximation with basic tensor operations only. Find how far it
# strays from exact GELU (the largest error, and at which $x$), confirm that it agrees
# with PyTorch's `approximate="tanh"`, and time both forms with `torch.utils.benchmark`.
# It is often called the fast form: is it faster where you run it?

# %% [markdown]
# ## Starter

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch.utils import benchmark


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))")


def gelu_exact(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


# %% [markdown]
# ## Solution

# %%
def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


x = torch.linspace(-8, 8, 16001, dtype=torch.float64)
error = gelu_tanh(x) - F.gelu(x)
worst = error.abs().argmax()
ours_vs_torch = (gelu_tanh(x.float()) - F.gelu(x.float(), approximate="tanh")).abs().max()

print(f"largest |approx - exact|      : {error.abs().max():.2e} at x = {x[worst]:.3f}")
print(f"largest error where |x| > 4   : {error[x.abs() > 4].abs().max():.1e}")
print(f"ours vs F.gelu(approximate='tanh'), float32: {ours_vs_torch:.1e}")

# %%
fig, (ax_f, ax_e) = plt.subplots(1, 2, figsize=(8, 3), dpi=80)
ax_f.plot(x, F.gelu(x), color="#0072B2", label="exact")
ax_f.plot(x, gelu_tanh(x), color="#E69F00", linestyle="--", label="tanh approx.")
ax_f.set(title="GELU", xlabel="x", xlim=(-4, 4), ylim=(-0.5, 4))
ax_f.legend(frameon=False)
ax_e.plot(x, error, color="#D55E00")
ax_e.axhline(0, color="black", linewidth=0.5)
ax_e.set(title="approx. - exact", xlabel="x", xlim=(-6, 6))
ax_e.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
for ax in (ax_f, ax_e):
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# Now the speed. `torch.utils.benchmark.Timer` runs warm-up, synchronises, and picks
# the number of repetitions itself; it uses one thread unless told otherwise. The input
# is a float32 tensor of $2^{18}$ elements (1 MiB). Timings depend on the CPU and on
# what else runs on it, so the table is what *this* run measured, not a law.

# %%
torch.manual_seed(0)
inputs = torch.randn(512, 512)
candidates = {
    "F.gelu (exact, erf)": "F.gelu(x)",
    "F.gelu(approximate='tanh')": "F.gelu(x, approximate='tanh')",
    "gelu_exact (from scratch)": "gelu_exact(x)",
    "gelu_tanh (from scratch)": "gelu_tanh(x)",
}
medians = {}
for label, statement in candidates.items():
    timer = benchmark.Timer(
        stmt=statement,
        globals={"x": inputs, "F": F, "gelu_exact": gelu_exact, "gelu_tanh": gelu_tanh},
        label="GELU",
        description=label,
    )
    medians[label] = timer.blocked_autorange(min_run_time=0.2).median

base = medians["F.gelu (exact, erf)"]
print("this run, on this machine (timings move with the machine and its load):")
print(f"{'implementation':<28} {'median':>10} {'vs exact F.gelu':>16}")
for label, seconds in medians.items():
    print(f"{label:<28} {seconds * 1e6:>8.0f} µs {seconds / base:>15.2f}×")

# %% [markdown]
# **Conclusion.** The approximation is accurate: its largest error is below
# $10^{-3}$, near $|x| \approx 2.7$ (the first output cell prints it), it fades for large
# $|x|$, and the from-scratch version matches `F.gelu(approximate="tanh")` to float32
# rounding. It is *not* necessarily faster. One timing on a shared machine is no
# verdict, so read the table above as one sample, and the site's benchmark page for
# interleaved, repeated measurements. On CPUs where PyTorch has a vectorised `erf`, the
# exact kernel is usually as fast or faster, while a from-scratch version, one kernel per
# operation with a temporary tensor each, is typically slower than either fused kernel.
# Fusing its operations into one kernel removes the temporaries, not its extra
# arithmetic (a cube and a `tanh` where the exact form has one `erf`), so even fused it
# need not beat exact GELU: the site's benchmark page times both forms compiled with
# `torch.compile` on its CPU. On a GPU, where both forms are usually limited by memory
# traffic rather than arithmetic, they would be expected to cost about the same; the
# site has measured no GPU to show it. Its real use is to reproduce the numerics of
# models whose code uses it, such as GPT-2 (JAX's `jax.nn.gelu` also computes it unless
# called with `approximate=False`).

# %%
assert 1e-5 < error.abs().max() < 1e-3, error.abs().max()
assert 2 < x[worst].abs() < 3.5, x[worst]
assert error[x.abs() > 4].abs().max() < 1e-4
assert ours_vs_torch < 1e-6, ours_vs_torch
assert all(seconds > 0 for seconds in medians.values())  # no claim about speed is asserted
print("the tanh approximation is within 1e-3 of exact GELU")
