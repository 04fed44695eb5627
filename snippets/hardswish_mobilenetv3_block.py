"""Hardswish in a convolution, batch norm, activation unit, as in the first
layer of MobileNetV3: a 3x3 convolution with stride 2 to 16 channels."""

from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)


def conv_norm_act(c_in, c_out, kernel=3, stride=1, activation=nn.Hardswish):
    return nn.Sequential(OrderedDict(
        conv=nn.Conv2d(c_in, c_out, kernel, stride=stride,
                       padding=(kernel - 1) // 2, bias=False),  # (1)!
        norm=nn.BatchNorm2d(c_out),
        act=activation(),  # (2)!
    ))


stem = conv_norm_act(3, 16, stride=2)  # (3)!
relu_stem = conv_norm_act(3, 16, stride=2, activation=nn.ReLU)
relu_stem.load_state_dict(stem.state_dict())  # same weights, other activation

photos = torch.randn(4, 3, 64, 64)  # a batch of four 64x64 RGB images
features = stem(photos)
assert features.shape == (4, 16, 32, 32)  # stride 2 halves height and width
print(f"images {tuple(photos.shape)} -> features {tuple(features.shape)}")

lowest = features.min().item()
assert -0.375 <= lowest < 0  # (4)!
negative = (features < 0).float().mean().item()
relu_negative = (relu_stem(photos) < 0).float().mean().item()
assert negative > 0 and relu_negative == 0
print(f"Hardswish: lowest output {lowest:+.4f}, {negative:.1%} of outputs"
      " below zero")
print(f"ReLU with the same weights: {relu_negative:.1%} below zero")
