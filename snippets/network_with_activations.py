"""A classifier with an activation after every hidden layer and none after
the last, written once as a module class and once as nn.Sequential."""

import torch
import torch.nn as nn

torch.manual_seed(0)
WIDTHS = [20, 64, 32]  # 20 input features, then hidden layers of 64 and 32
CLASSES = 3


class TabularClassifier(nn.Module):
    def __init__(self, widths, classes, activation=nn.ReLU, p_drop=0.2):
        super().__init__()
        self.hidden = nn.ModuleList(
            nn.Linear(n_in, n_out) for n_in, n_out in zip(widths, widths[1:])
        )
        self.act = activation()  # (1)!
        self.drop = nn.Dropout(p_drop)
        self.head = nn.Linear(widths[-1], classes)

    def forward(self, x):
        for layer in self.hidden:
            x = self.drop(self.act(layer(x)))  # (2)!
        return self.head(x)  # (3)!


def sequential_classifier(widths, classes, activation=nn.ReLU, p_drop=0.2):
    blocks = []
    for n_in, n_out in zip(widths, widths[1:]):
        blocks += [nn.Linear(n_in, n_out), activation(), nn.Dropout(p_drop)]  # (4)!
    return nn.Sequential(*blocks, nn.Linear(widths[-1], classes))  # (5)!


model = TabularClassifier(WIDTHS, CLASSES)
stack = sequential_classifier(WIDTHS, CLASSES)
rows = torch.randn(16, WIDTHS[0])  # a batch of 16 rows of features
assert model(rows).shape == stack(rows).shape == (16, CLASSES)
print(f"{len(rows)} rows of {WIDTHS[0]} features -> logits of shape",
      tuple(model(rows).shape))

# The parameters come in the same order in both, so the weights copy across.
stack.load_state_dict(dict(zip(stack.state_dict(), model.state_dict().values())))

model.eval()  # (6)!
stack.eval()
assert torch.equal(model(rows), stack(rows))
print("same weights, eval mode: both give identical logits")

model.train()
assert not torch.equal(model(rows), model(rows))
print("train mode: two passes over the same rows differ (dropout is active)")

# The activation has no weights: swapping it changes the function, not the size.
smooth = TabularClassifier(WIDTHS, CLASSES, activation=nn.GELU)
count = lambda net: sum(p.numel() for p in net.parameters())
assert count(smooth) == count(model) == count(stack)
print(f"{count(model):,} parameters with ReLU, {count(smooth):,} with GELU")
