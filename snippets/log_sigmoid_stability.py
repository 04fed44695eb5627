"""log(sigmoid(x)) and log(1 + exp(x)) fail for large |x|; F.logsigmoid and F.softplus do not."""

import torch
import torch.nn.functional as F

x = torch.tensor([-200.0, -20.0, 0.0, 20.0, 200.0])  # (1)!

naive_log_sigmoid = torch.log(torch.sigmoid(x))  # (2)!
stable_log_sigmoid = F.logsigmoid(x)
naive_softplus = torch.log(1 + torch.exp(x))  # (3)!
stable_softplus = F.softplus(x)

print("x                ", x.tolist())
print("log(sigmoid(x))  ", naive_log_sigmoid.tolist())
print("F.logsigmoid(x)  ", stable_log_sigmoid.tolist())
print("log(1 + exp(x))  ", naive_softplus.tolist())
print("F.softplus(x)    ", stable_softplus.tolist())

assert naive_log_sigmoid[0] == float("-inf")
assert naive_softplus[-1] == float("inf")
assert torch.isfinite(stable_log_sigmoid).all() and torch.isfinite(stable_softplus).all()
assert torch.allclose(stable_log_sigmoid, -stable_softplus.flip(0))  # (4)!
assert torch.allclose(stable_softplus[-1], x[-1]) and torch.allclose(stable_log_sigmoid[0], x[0])
