"""All-positive inputs: every weight gradient of a unit has one sign."""

import torch
import torch.nn as nn

torch.manual_seed(0)
pre_activations = torch.randn(1, 32)  # one example, previous layer
layer = nn.Linear(32, 16)


def gradient_signs(activation):
    """Per unit: do all its weight gradients have the sign of its delta?"""
    layer.zero_grad()
    inputs = activation(pre_activations)  # (1)!
    outputs = layer(inputs)
    outputs.retain_grad()
    outputs.pow(2).sum().backward()  # any loss will do
    delta = outputs.grad[0]  # (2)!
    grad = layer.weight.grad  # (3)!
    same = torch.sign(grad) == torch.sign(delta)[:, None]
    return inputs, same.all(dim=1)


sig_inputs, sig_follows = gradient_signs(torch.sigmoid)
tanh_inputs, tanh_follows = gradient_signs(torch.tanh)

assert (sig_inputs > 0).all()  # sigmoid outputs are always positive,
assert sig_follows.all()  # so each row of the gradient has delta's sign
assert not tanh_follows.any()  # tanh: both signs, mixed signs per row
print(f"inputs from sigmoid: {int(sig_follows.sum())} of 16 units have "
      "all 32 weight gradients")
print("                     of the same sign as their delta")
print(f"inputs from tanh:    {int(tanh_follows.sum())} of 16 units do")
