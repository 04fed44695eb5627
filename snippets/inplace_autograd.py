"""inplace=True saves memory, and breaks autograd when the overwritten tensor is needed."""

import torch
import torch.nn as nn

x = torch.linspace(-2.0, 2.0, 5, requires_grad=True)

y = torch.sigmoid(x)  # (1)!
try:
    nn.ReLU(inplace=True)(y)  # (2)!
    y.sum().backward()
except RuntimeError as error:
    message = str(error)
    print("RuntimeError:", message.split(":")[0])
else:
    raise AssertionError("the in-place ReLU should have broken the backward pass")
assert "modified by an inplace operation" in message

h = 2.0 * x  # (3)!
out = nn.ReLU(inplace=True)(h)
assert out is h
out.sum().backward()
assert torch.equal(x.grad, torch.where(x > 0, 2.0, 0.0))
print("after a linear op the in-place ReLU is safe; grad:", x.grad.tolist())

leaf = torch.ones(3, requires_grad=True)
try:
    torch.relu_(leaf)  # (4)!
except RuntimeError as error:
    print("RuntimeError:", str(error).split(" that ")[0])
else:
    raise AssertionError("an in-place op on a leaf that requires grad should fail")
