"""Modern activations as PyTorch modules: GELU, SiLU, Mish, GLU, PReLU."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class TransformerMLP(nn.Module):  # (1)!
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.fc2 = nn.Linear(d_ff, d_model)
        self.gelu = nn.GELU()

    def forward(self, x):
        return self.fc2(self.gelu(self.fc1(x)))  # (2)!


class SwishMLP(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, input_dim)
        self.silu = nn.SiLU()  # (3)!

    def forward(self, x):
        return self.fc2(self.silu(self.fc1(x)))


mish = nn.Mish()  # (4)!


class GLU(nn.Module):  # (5)!
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, 2 * dim)

    def forward(self, x):
        content, gate = self.fc(x).chunk(2, dim=-1)  # (6)!
        return content * torch.sigmoid(gate)


prelu = nn.PReLU(num_parameters=256)  # (7)!

tokens = torch.randn(2, 10, 512)  # (batch, sequence, d_model)
blocks = [TransformerMLP(512, 2048), SwishMLP(512, 1024), GLU(512)]
for block in blocks:
    out = block(tokens)
    assert out.shape == tokens.shape
    name = type(block).__name__
    print(f"{name:<14} {tuple(tokens.shape)} -> {tuple(out.shape)}")

# Each module computes its formula.
x = torch.linspace(-5, 5, 101)
phi = 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # standard normal CDF
assert torch.allclose(nn.GELU()(x), x * phi, atol=1e-6)
assert torch.allclose(nn.SiLU()(x), x * torch.sigmoid(x), atol=1e-6)
assert torch.allclose(mish(x), x * torch.tanh(F.softplus(x)), atol=1e-6)

# The GLU block is F.glu of the projection: content first, gate second.
glu = GLU(512)
projected = glu.fc(tokens)
first, second = projected[..., :512], projected[..., 512:]
assert torch.allclose(glu(tokens), F.glu(projected, dim=-1))
assert torch.allclose(glu(tokens), first * torch.sigmoid(second))
assert not torch.allclose(glu(tokens), second * torch.sigmoid(first))
print("GLU block == F.glu(fc(x)): first half content, second half gate")

# PReLU: one learnable negative slope per channel.
assert isinstance(prelu.weight, nn.Parameter)
assert prelu.weight.requires_grad and prelu.weight.shape == (256,)
assert torch.all(prelu.weight == 0.25)
features = torch.randn(64, 256)  # channels on dim 1
prelu(features).sum().backward()
assert prelu.weight.grad.shape == (256,)  # one gradient per slope
torch.optim.SGD(prelu.parameters(), lr=0.001).step()
assert prelu.weight.unique().numel() > 1  # the slopes have moved apart
low, high = prelu.weight.min().item(), prelu.weight.max().item()
print(f"PReLU: {prelu.weight.numel()} learnable slopes, all 0.25 at first,")
print(f"       {low:.3f} to {high:.3f} after one SGD step")
