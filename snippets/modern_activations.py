"""The modern activations as PyTorch modules: GELU and SiLU in a feed-forward
block, Mish, a gated linear unit, and PReLU's learnable slopes."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def feed_forward(width, activation, expansion=4):  # (1)!
    """Widen, apply the activation, project back to the original width."""
    return nn.Sequential(
        nn.Linear(width, expansion * width),
        activation,
        nn.Linear(expansion * width, width),
    )


bert_style = feed_forward(64, nn.GELU())  # (2)!
silu_block = feed_forward(64, nn.SiLU())  # (3)!
mish = nn.Mish()  # (4)!


class GatedProjection(nn.Module):  # (5)!
    def __init__(self, width):
        super().__init__()
        self.proj = nn.Linear(width, 2 * width)

    def forward(self, x):
        values, gates = self.proj(x).split(x.shape[-1], dim=-1)  # (6)!
        return values * torch.sigmoid(gates)


gated = GatedProjection(64)
tokens = torch.randn(3, 5, 64)  # 3 sequences of 5 tokens, 64 features each
for name, block in [("GELU block", bert_style), ("SiLU block", silu_block),
                    ("gated unit", gated)]:
    out = block(tokens)
    assert out.shape == tokens.shape
    print(f"{name:<10} {tuple(tokens.shape)} -> {tuple(out.shape)}")

# Each module computes its formula.
x = torch.linspace(-6, 6, 121)
normal_cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
torch.testing.assert_close(nn.GELU()(x), x * normal_cdf)
torch.testing.assert_close(nn.SiLU()(x), x * torch.sigmoid(x))
torch.testing.assert_close(mish(x), x * torch.tanh(F.softplus(x)))

# The gated unit is F.glu of its projection: first half values, second gates.
projected = gated.proj(tokens)
torch.testing.assert_close(gated(tokens), F.glu(projected, dim=-1))
swapped = projected[..., 64:] * torch.sigmoid(projected[..., :64])
assert not torch.allclose(gated(tokens), swapped)
print("gated unit == F.glu(projection): values first, gates second")

# PReLU on an image batch: one learnable slope per colour channel.
prelu = nn.PReLU(num_parameters=3)  # (7)!
images = torch.randn(4, 3, 8, 8)  # (batch, channels, height, width)
assert isinstance(prelu.weight, nn.Parameter) and prelu.weight.shape == (3,)
assert torch.all(prelu.weight == 0.25)
prelu(images).pow(2).mean().backward()
torch.optim.SGD(prelu.parameters(), lr=0.5).step()
slopes = ", ".join(f"{s:.4f}" for s in prelu.weight.tolist())
assert prelu.weight.unique().numel() == 3  # each channel's slope moved its own way
print(f"PReLU: {prelu.weight.numel()} slopes, 0.25 each at first, {slopes}"
      " after one SGD step")
