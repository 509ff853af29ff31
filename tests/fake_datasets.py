"""Tiny files in the real on-disk formats of torchvision's layouts (IDX, CIFAR-10 pickles), for offline tests.

:func:`fake_data_root` writes a folder that the ``fashion_mnist``, ``mnist``, ``kmnist`` and ``cifar10``
loaders (and so the ``archgym/FashionMNIST-v0`` and ``archgym/CIFAR10-v0`` presets) read like the real one.
"""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np

IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
CIFAR_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def idx_bytes(arr: np.ndarray) -> bytes:
    """``arr`` (uint8) as an IDX file: magic ``00 00 08 ndim``, big-endian dims, then the data."""
    assert arr.dtype == np.uint8
    return bytes([0, 0, 0x08, arr.ndim]) + np.asarray(arr.shape, dtype=">u4").tobytes() + arr.tobytes()


def write_idx_layout(
    root: Path, folder: str, n: int, n_test: int, gz: bool = False, seed: int = 0
) -> tuple[np.ndarray, ...]:
    """``<root>/<folder>/raw/`` with the four IDX files: ``n`` + ``n_test`` random 28x28 images, labels 0..9;
    returns the arrays written (train images, train labels, test images, test labels)."""
    rng = np.random.default_rng(seed)
    arrays = (
        rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
        (np.arange(n) % 10).astype(np.uint8),
        rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        (np.arange(n_test) % 10).astype(np.uint8),
    )
    raw = root / folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, arr in zip(IDX_NAMES, arrays, strict=True):
        if gz:
            with gzip.open(raw / f"{name}.gz", "wb") as fh:
                fh.write(idx_bytes(arr))
        else:
            (raw / name).write_bytes(idx_bytes(arr))
    return arrays


def write_cifar10(root: Path, per_batch: int, n_test: int, seed: int = 0) -> None:
    """``<root>/cifar-10-batches-py/``: five training pickles, ``test_batch`` and ``batches.meta`` (python-2
    style byte keys, as in the real archive)."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(1, 7):
        n = per_batch if i <= 5 else n_test
        name = f"data_batch_{i}" if i <= 5 else "test_batch"
        batch = {
            b"batch_label": name.encode(),
            b"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
            b"labels": [int(v) for v in np.arange(n) % 10],
        }
        with open(folder / name, "wb") as fh:
            pickle.dump(batch, fh, protocol=2)
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({b"label_names": [c.encode() for c in CIFAR_CLASSES], b"num_vis": 3072}, fh, protocol=2)


def fake_data_root(root: Path) -> Path:
    """Write small FashionMNIST, MNIST, KMNIST and CIFAR-10 folders under ``root`` (300 training and 50 test
    samples each, enough for ``train_subset=200``); returns ``root``."""
    for i, folder in enumerate(("FashionMNIST", "MNIST", "KMNIST")):
        write_idx_layout(root, folder, 300, 50, gz=folder == "MNIST", seed=i)
    write_cifar10(root, 60, 50)
    return root
