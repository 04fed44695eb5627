"""MNIST from a local copy: the IDX files (LeCun's format, optionally gzipped) or an ``.npz``.

Nothing is downloaded: :func:`load_mnist` reads what the user points it at.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import torch

from actdocs.experiments.data import standardise

#: IDX type codes (the third byte of the magic number) and their big-endian dtypes.
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class IdxError(ValueError):
    """A file that is not a well-formed IDX file."""


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file (LeCun's MNIST format; ``.gz`` read transparently) as a numpy array.

    Layout: two zero bytes, a type code, the number of dimensions, one big-endian uint32
    per dimension, then the data in big-endian order.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise IdxError(f"{path}: not an IDX file (bad magic number)")
    code, ndim = data[2], data[3]
    if code not in IDX_TYPES:
        raise IdxError(f"{path}: unknown IDX type code 0x{code:02x}")
    if len(data) < 4 + 4 * ndim:
        raise IdxError(f"{path}: truncated header")
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    dtype = np.dtype(IDX_TYPES[code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    body = data[4 + 4 * ndim :]
    if len(body) != expected:
        raise IdxError(f"{path}: expected {expected} data bytes for shape {shape}, found {len(body)}")
    return np.frombuffer(body, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{folder}: no {stem} (or {stem}.gz)")


def load_mnist(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A local MNIST copy as ``(x_train, y_train, x_test, y_test)``.

    ``path`` is a folder holding the four IDX files (``train-images-idx3-ubyte`` and so
    on, optionally gzipped) or an ``.npz`` file with the arrays ``x_train``, ``y_train``,
    ``x_test``, ``y_test`` (Keras's ``mnist.npz``). Images come back flattened to
    ``(n, rows * cols)`` float32 in [0, 1] (divided by 255 when stored as bytes), labels
    as int64. Nothing is downloaded.
    """
    path = Path(path).expanduser()
    if path.is_file() and path.suffix == ".npz":
        with np.load(path) as npz:
            arrays = {k: npz[k] for k in MNIST_FILES}
    elif path.is_dir():
        arrays = {k: read_idx(_find(path, stem)) for k, stem in MNIST_FILES.items()}
    else:
        raise FileNotFoundError(f"{path}: neither a folder of IDX files nor an .npz file")

    def images(a: np.ndarray) -> np.ndarray:
        flat = a.reshape(len(a), -1).astype(np.float32)
        return flat / 255.0 if a.dtype == np.uint8 else flat

    for part in ("train", "test"):
        if len(arrays[f"x_{part}"]) != len(arrays[f"y_{part}"]):
            raise ValueError(f"{path}: {part} images and labels differ in number")
    return (images(arrays["x_train"]), arrays["y_train"].astype(np.int64),
            images(arrays["x_test"]), arrays["y_test"].astype(np.int64))


def mnist_tensors(path: str | Path, device: str = "cpu") -> tuple[torch.Tensor, ...]:
    """:func:`load_mnist`, standardised with the training set's statistics, as tensors."""
    x_train, y_train, x_test, y_test = load_mnist(path)
    x_train, x_test = standardise(x_train, x_test)
    as_x = lambda a: torch.tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    as_y = lambda a: torch.tensor(a, dtype=torch.int64, device=device)  # noqa: E731
    return as_x(x_train), as_y(y_train), as_x(x_test), as_y(y_test)
