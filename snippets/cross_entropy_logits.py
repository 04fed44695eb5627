"""nn.CrossEntropyLoss takes raw logits: it is LogSoftmax, then NLLLoss."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

logits = torch.randn(8, 5)  # (1)!
targets = torch.randint(0, 5, (8,))

cross_entropy = nn.CrossEntropyLoss()(logits, targets)
two_steps = nn.NLLLoss()(nn.LogSoftmax(dim=-1)(logits), targets)  # (2)!
p_target = logits.softmax(dim=-1)[torch.arange(8), targets]
by_hand = -p_target.log().mean()  # (3)!

assert torch.allclose(cross_entropy, two_steps)
assert torch.allclose(cross_entropy, by_hand)
print(f"CrossEntropyLoss(logits)     = {cross_entropy.item():.6f}")
print(f"NLLLoss(LogSoftmax(logits))  = {two_steps.item():.6f}")
print(f"mean of -log p[target]       = {by_hand.item():.6f}")

# log_softmax never forms a probability that rounds to 0 and then logs it.
extreme = torch.tensor([[0.0, 200.0]])
naive = extreme.softmax(dim=-1).log()[0, 0]
stable = F.log_softmax(extreme, dim=-1)[0, 0]
assert torch.isinf(naive) and torch.isfinite(stable)  # (4)!
print(f"logits [0, 200]: log(softmax)[0] = {naive.item()}, "
      f"log_softmax[0] = {stable.item():.1f}")

# At inference, softmax turns logits into probabilities when you need them.
probabilities = logits.softmax(dim=-1)  # (5)!
assert torch.allclose(probabilities.sum(dim=-1), torch.ones(8))
predicted = logits.argmax(dim=-1)
assert torch.equal(probabilities.argmax(dim=-1), predicted)  # (6)!
print("first sample's probabilities:",
      [round(p, 3) for p in probabilities[0].tolist()])
print("predicted classes, from logits or probabilities:", predicted.tolist())
