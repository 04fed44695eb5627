"""GLU: one projection gates another; SwiGLU and GeGLU change the gate."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

d_model = 64
d_hidden = 2 * (4 * d_model) // 3  # (1)!
x = torch.randn(8, d_model)

W = nn.Linear(d_model, d_hidden)  # gate projection
V = nn.Linear(d_model, d_hidden)  # content projection
glu = torch.sigmoid(W(x)) * V(x)  # (2)!

both = torch.cat([V(x), W(x)], dim=-1)
torch.testing.assert_close(F.glu(both, dim=-1), glu)  # (3)!
print(f"GLU: {d_model} features in, {d_hidden} out; F.glu agrees")


class GatedFeedForward(nn.Module):
    """A transformer feed-forward block: down(act(gate(x)) * up(x))."""

    def __init__(self, d_model, d_hidden, act):
        super().__init__()
        self.gate = nn.Linear(d_model, d_hidden, bias=False)
        self.up = nn.Linear(d_model, d_hidden, bias=False)
        self.down = nn.Linear(d_hidden, d_model, bias=False)
        self.act = act

    def forward(self, x):
        return self.down(self.act(self.gate(x)) * self.up(x))  # (4)!


for name, act in (("SwiGLU", F.silu), ("GeGLU", F.gelu)):
    block = GatedFeedForward(d_model, d_hidden, act)
    y = block(x)
    params = sum(p.numel() for p in block.parameters())
    assert y.shape == x.shape and params == 3 * d_model * d_hidden  # (5)!
    assert abs(params / (2 * d_model * 4 * d_model) - 1) < 0.01
    print(f"{name}: {tuple(x.shape)} -> {tuple(y.shape)}, "
          f"{params:,} weights in 3 matrices")
