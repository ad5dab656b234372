"""Reading the real MNIST / CIFAR-10 files from Keras' cache without downloading.

Keras' own loaders re-download a cached file whose checksum does not match;
these readers only read what is already there (or raise).

Example::

    >>> from kitlib.data.real import read_mnist_npz  # doctest: +SKIP
    >>> (x, y), (xt, yt) = read_mnist_npz("~/.keras/datasets/mnist.npz")  # doctest: +SKIP
"""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np


def read_mnist_npz(path):
    """Read Keras' ``mnist.npz``: ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays."""
    with np.load(Path(path).expanduser(), allow_pickle=False) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    for name, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (x.shape[0],):
            raise ValueError(f"{path}: unexpected MNIST {name} shapes {x.shape}, {y.shape}")
    return (x_train, y_train), (x_test, y_test)


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler that only rebuilds NumPy arrays (the CIFAR batches need nothing else)."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
    }

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch")


def _read_batch(path):
    with open(path, "rb") as handle:
        d = _NumpyOnlyUnpickler(handle, encoding="bytes").load()
    d = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in d.items()}
    data = np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    labels = np.asarray(d["labels"], dtype=np.uint8)
    return data, labels


def read_cifar10_dir(path):
    """Read the CIFAR-10 python batches in ``path`` like ``keras.datasets.cifar10.load_data()``.

    Returns ``((x_train, y_train), (x_test, y_test))``: x uint8 (n, 32, 32, 3)
    (channels last), y uint8 (n, 1).
    """
    path = Path(path).expanduser()
    parts = [_read_batch(path / f"data_batch_{i}") for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts]).reshape(-1, 1)
    x_test, y_test = _read_batch(path / "test_batch")
    return (
        (x_train.transpose(0, 2, 3, 1).copy(), y_train),
        (x_test.transpose(0, 2, 3, 1).copy(), y_test.reshape(-1, 1)),
    )
