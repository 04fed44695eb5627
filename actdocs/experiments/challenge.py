"""The challenge exercise's requirements, as numbers: the training experiment checks its
custom activation against them and the textbook ledger quotes them, so they live apart
from the experiment's training and plotting code."""

#: Requirement 1: |f'(x)| must be at least this everywhere (measured on the properties
#: grid and at +-properties.FAR), a bound away from zero, not merely a positive slope.
MIN_GRADIENT = 1e-3
