"""An MLP with ReLU and dropout, as a class and as nn.Sequential."""

import torch
import torch.nn as nn

torch.manual_seed(0)


class MLPWithActivations(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, hidden_dim)
        self.fc3 = nn.Linear(hidden_dim, num_classes)
        self.relu = nn.ReLU()  # (1)!
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = self.fc1(x)
        x = self.relu(x)  # (2)!
        x = self.dropout(x)
        x = self.fc2(x)
        x = self.relu(x)
        x = self.dropout(x)
        return self.fc3(x)  # (3)!


model = MLPWithActivations(784, 256, 10)

sequential = nn.Sequential(  # (4)!
    nn.Linear(784, 256),
    nn.ReLU(),  # (5)!
    nn.Dropout(0.5),
    nn.Linear(256, 256),
    nn.ReLU(),
    nn.Dropout(0.5),
    nn.Linear(256, 10),
)

x = torch.randn(32, 784)  # a batch of 32 flattened 28x28 images
assert model(x).shape == sequential(x).shape == (32, 10)
print("output shape of both:", tuple(model(x).shape))

# Copy the class's weights: fc1, fc2, fc3 are layers 0, 3, 6 of the Sequential.
index = {"fc1": "0", "fc2": "3", "fc3": "6"}
weights = {
    index[k.split(".")[0]] + "." + k.split(".")[1]: v
    for k, v in model.state_dict().items()
}
sequential.load_state_dict(weights)

model.eval()  # (6)!
sequential.eval()
assert torch.equal(model(x), sequential(x))
print("same weights, eval mode: identical outputs")

model.train()
assert not torch.equal(model(x), model(x))  # a new dropout mask per call
print("train mode: two calls on the same batch differ (dropout is on)")

n_params = sum(p.numel() for p in model.parameters())
assert n_params == sum(p.numel() for p in sequential.parameters())
print(f"parameters: {n_params:,}, all in the Linear layers")
