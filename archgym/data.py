"""Datasets held as device-resident tensors.

The embedded default is scikit-learn's bundled ``digits`` (1,797 8x8 grey images, 10
classes): no download. It is split into train / validation / test with a seed (stratified),
standardised with the training split's statistics, and moved to the target device once.
``synthetic`` is a generated Gaussian-blobs problem for tiny tests.

>>> ds = load_dataset("digits", seed=0)
>>> tuple(ds.x_train.shape), ds.input_shape, ds.num_classes, len(ds.y_val), len(ds.y_test)
((1078, 64), (64,), 10, 359, 360)
>>> load_dataset("digits", image=True).input_shape
(1, 8, 8)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from archgym.device import resolve_device

__all__ = ["DATASETS", "Dataset", "load_dataset"]


@dataclass(frozen=True)
class Dataset:
    """Train / validation / test tensors on one device.

    ``x_*`` are float32 of shape ``(N, *input_shape)``; ``y_*`` are int64 class indices.
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample."""
        return tuple(self.x_train.shape[1:])

    @property
    def device(self) -> torch.device:
        """Device the tensors live on."""
        return self.x_train.device

    def split(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """``(x, y)`` of ``train``, ``val`` or ``test``."""
        if name not in ("train", "val", "test"):
            raise ValueError(f"unknown split {name!r}; valid: train, val, test")
        return getattr(self, f"x_{name}"), getattr(self, f"y_{name}")

    def to(self, device: str | torch.device) -> Dataset:
        """A copy on another device."""
        dev = resolve_device(device)
        moved = {f: getattr(self, f).to(dev) for f in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")}
        return replace(self, **moved)


def _digits() -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    from sklearn.datasets import load_digits

    d = load_digits()
    return d.data.astype(np.float32), d.target.astype(np.int64), (1, 8, 8)


def _synthetic() -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    rng = np.random.default_rng(12345)
    n, classes = 600, 4
    centres = rng.normal(0.0, 2.0, size=(classes, 16))
    y = rng.integers(0, classes, size=n)
    x = centres[y] + rng.normal(0.0, 1.5, size=(n, 16))
    return x.astype(np.float32), y.astype(np.int64), (1, 4, 4)


DATASETS: dict[str, Callable[[], tuple[np.ndarray, np.ndarray, tuple[int, ...]]]] = {
    "digits": _digits,
    "synthetic": _synthetic,
}


def unknown_name(kind: str, name: object, valid: list[str] | tuple[str, ...]) -> ValueError:
    """A ValueError for an unknown choice, with a "did you mean" and the valid names."""
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return ValueError(f"unknown {kind} {name!r}{hint} valid: {', '.join(valid)}")


def _stratified_split(
    y: np.ndarray, fractions: tuple[float, float], rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    train, val, test = [], [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_tr = round(len(idx) * fractions[0])
        n_va = round(len(idx) * fractions[1])
        train.append(idx[:n_tr])
        val.append(idx[n_tr : n_tr + n_va])
        test.append(idx[n_tr + n_va :])
    return tuple(rng.permutation(np.concatenate(p)) for p in (train, val, test))


def load_dataset(
    name: str = "digits",
    *,
    seed: int = 0,
    device: str | torch.device = "cpu",
    image: bool = False,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    train_subset: int | None = None,
) -> Dataset:
    """Load a dataset, split it with ``seed``, standardise it and put it on ``device``.

    :param name: one of :data:`DATASETS` (``digits``, ``synthetic``)
    :param seed: seed of the stratified train/val/test split
    :param device: ``auto``, ``cpu`` or ``cuda``
    :param image: shape samples as ``(C, H, W)`` (for conv children) instead of flat features
    :param val_fraction: share of samples in the validation split
    :param test_fraction: share of samples in the test split
    :param train_subset: keep only the first N training samples (fast tests); ``None`` keeps all
    """
    if name not in DATASETS:
        raise unknown_name("dataset", name, list(DATASETS))
    for label, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not (isinstance(f, (int, float)) and 0.0 < f < 1.0):
            raise ValueError(f"{label} must be in (0, 1), got {f!r}")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(f"val_fraction + test_fraction must be < 1, got {val_fraction + test_fraction}")
    if train_subset is not None and (not isinstance(train_subset, int) or train_subset < 2):
        raise ValueError(f"train_subset must be an int >= 2 or None, got {train_subset!r}")
    x, y, img_shape = DATASETS[name]()
    rng = np.random.default_rng(seed)
    tr, va, te = _stratified_split(y, (1.0 - val_fraction - test_fraction, val_fraction), rng)
    if train_subset is not None:
        tr = tr[:train_subset]
    mean = x[tr].mean(axis=0)
    std = x[tr].std(axis=0)
    std[std < 1e-6] = 1.0
    x = (x - mean) / std
    shape = img_shape if image else (x.shape[1],)
    dev = resolve_device(device)

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a)).to(dev)

    return Dataset(
        name=name,
        x_train=t(x[tr].reshape(-1, *shape)),
        y_train=t(y[tr]),
        x_val=t(x[va].reshape(-1, *shape)),
        y_val=t(y[va]),
        x_test=t(x[te].reshape(-1, *shape)),
        y_test=t(y[te]),
        num_classes=int(y.max()) + 1,
    )
