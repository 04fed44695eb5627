"""A MobileNetV3-style block: convolution, batch norm, then Hardswish."""

import torch
import torch.nn as nn

torch.manual_seed(0)


class ConvBNHardswish(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size):
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, kernel_size,
                              padding=kernel_size // 2, bias=False)  # (1)!
        self.bn = nn.BatchNorm2d(out_ch)
        self.act = nn.Hardswish()  # (2)!

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


block = ConvBNHardswish(in_ch=3, out_ch=16, kernel_size=3)
images = torch.randn(8, 3, 32, 32)
out = block(images)

zeros = (out == 0).float().mean().item()
print(f"input {tuple(images.shape)} -> output {tuple(out.shape)}")
print(f"smallest output {out.min().item():+.4f}, exact zeros {zeros:.2%}")
assert out.shape == (8, 16, 32, 32)  # (3)!
assert out.min() >= -0.375 - 1e-6  # (4)!
