"""The experiments' data: scikit-learn's digits (no download), standardised, and mini-batches.

The digits stand in for MNIST on machines without it; :mod:`actdocs.experiments.mnist`
reads a local MNIST copy when one is given.
"""

from __future__ import annotations

from typing import Iterator

import torch

#: The layer sizes of the digits data set: 8 x 8 images, 10 classes.
DIGITS_FEATURES = 64
DIGITS_CLASSES = 10
#: The fixed train/test split of the digits data set.
DIGITS_TEST_SIZE = 0.25
DIGITS_SPLIT_SEED = 0


def standardise(train, test):
    """Scale both sets by the training set's per-feature mean and standard deviation.

    A feature constant on the training set (std 0, like the digits' corner pixels)
    is only centred.
    """
    import numpy as np

    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (train - mean) / std, (test - mean) / std


def digits(device: str = "cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled digits, split and standardised: X_train, y_train, X_test, y_test.

    1797 8 x 8 images of handwritten digits, shipped inside scikit-learn (no download).
    The split is fixed (25 % test, stratified, ``random_state=0``) and the features are
    standardised with the training set's statistics.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=DIGITS_TEST_SIZE, random_state=DIGITS_SPLIT_SEED, stratify=y
    )
    X_train, X_test = standardise(X_train, X_test)
    as_x = lambda a: torch.tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    as_y = lambda a: torch.tensor(a, dtype=torch.int64, device=device)  # noqa: E731
    return as_x(X_train), as_y(y_train), as_x(X_test), as_y(y_test)


def minibatches(n: int, batch_size: int, generator: torch.Generator, device: torch.device) -> Iterator[torch.Tensor]:
    """One epoch's mini-batches: the indices ``0..n-1`` shuffled by ``generator`` (on the
    CPU), moved to ``device``, in slices of ``batch_size``."""
    order = torch.randperm(n, generator=generator).to(device)
    for i in range(0, n, batch_size):
        yield order[i : i + batch_size]
