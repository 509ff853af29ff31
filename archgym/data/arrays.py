"""In-process data: ``(X, y)`` numpy arrays or torch tensors, mappings, and map-style torch Datasets.

>>> import numpy as np, torch
>>> x, y = np.zeros((20, 1, 40), np.uint8), np.arange(20) % 2
>>> as_raw((x, y)).shape, as_raw((torch.from_numpy(x), torch.from_numpy(y))).x.dtype
((1, 40), dtype('uint8'))
>>> as_raw(torch.utils.data.TensorDataset(torch.zeros(20, 64), torch.from_numpy(y))).x.shape
(20, 64)
>>> as_raw((x,))
Traceback (most recent call last):
...
ValueError: an in-process dataset is (X, y) or (X, y, X_test, y_test); got a tuple of 1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from archgym.data.raw import RawData, describe_value

__all__ = ["as_raw", "from_arrays", "from_mapping", "from_torch_dataset"]

_X_KEYS = ("x", "X", "x_train", "X_train", "data", "inputs")
_Y_KEYS = ("y", "Y", "y_train", "Y_train", "labels", "targets", "target")
_XT_KEYS = ("x_test", "X_test")
_YT_KEYS = ("y_test", "Y_test")


def from_arrays(
    x: Any,
    y: Any,
    x_test: Any = None,
    y_test: Any = None,
    *,
    sample_shape: tuple[int, ...] | None = None,
    classes: tuple[str, ...] | None = None,
    name: str = "arrays",
) -> RawData:
    """Raw data from arrays or tensors: ``x`` ``(N, F)``, ``(N, C, L)`` or ``(N, C, H, W)``, ``y`` ``(N,)``.

    :param x: training samples (numpy array, torch tensor or nested list)
    :param y: their labels (integers >= 0, or strings)
    :param x_test: an official test split (kept as the test set), or ``None``
    :param y_test: its labels
    :param sample_shape: the natural shape of one sample when ``x`` is flattened
    :param classes: class names, index -> name
    :param name: the source, for messages
    """
    return RawData(x, y, x_test, y_test, sample_shape=sample_shape, classes=classes, name=name)


def _pick(m: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((m[k] for k in keys if k in m), None)


def from_mapping(m: Mapping[str, Any], *, name: str = "arrays") -> RawData:
    """Raw data from a mapping (a dict, an opened ``.npz``) with ``x``/``y`` and optionally ``x_test``/``y_test``.

    ``X``, ``x_train``, ``data`` are accepted for ``x``; ``labels``, ``targets``, ``y_train`` for ``y``.
    """
    x, y = _pick(m, _X_KEYS), _pick(m, _Y_KEYS)
    x_test, y_test = _pick(m, _XT_KEYS), _pick(m, _YT_KEYS)
    if x is None or y is None:
        keys = ", ".join(sorted(str(k) for k in m)) or "none"
        raise ValueError(f"{name}: needs arrays 'x' and 'y' (optionally 'x_test', 'y_test'); found keys: {keys}")
    classes = _pick(m, ("classes", "class_names"))
    if classes is not None:
        classes = tuple(str(c) for c in np.asarray(classes).tolist())
    return RawData(x, y, x_test, y_test, classes=classes, name=name)


def _item_array(value: Any, what: str) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        return (t.float() if t.dtype in (torch.bfloat16, torch.float16) else t).numpy()
    if hasattr(value, "mode") and hasattr(value, "size") and hasattr(value, "getdata"):  # a PIL image: HWC
        arr = np.asarray(value)
        return arr[None] if arr.ndim == 2 else np.moveaxis(arr, -1, 0)
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{what} is {describe_value(value)}, not an array, tensor or image")
    return arr


def _label(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(f"labels must be scalars, got {describe_value(value)}")
        return value.item()
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise ValueError(f"labels must be scalars, got {describe_value(value)}")
        return value.reshape(()).item()
    return value


def from_torch_dataset(ds: Any, *, name: str | None = None) -> RawData:
    """Raw data from a map-style torch Dataset whose items are ``(x, y)`` pairs.

    Items may hold tensors, arrays or PIL images (``HWC`` images become ``CHW``); every ``x`` must
    have the same shape. A ``TensorDataset`` of two tensors is taken without iterating.
    """
    label = name or type(ds).__name__
    if isinstance(ds, torch.utils.data.IterableDataset) or not hasattr(ds, "__len__"):
        raise ValueError(f"{label}: iterable-style torch datasets are not supported; need __len__ and __getitem__")
    if isinstance(ds, torch.utils.data.TensorDataset) and len(ds.tensors) == 2:
        return from_arrays(ds.tensors[0], ds.tensors[1], name=label)
    n = len(ds)
    if n == 0:
        raise ValueError(f"{label} is empty")
    xs: np.ndarray | None = None
    ys: list[Any] = []
    for i in range(n):
        item = ds[i]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"{label}: items must be (x, y) pairs; item {i} is a {describe_value(item)}")
        x = _item_array(item[0], f"{label}: x of item {i}")
        if xs is None:
            xs = np.empty((n, *x.shape), dtype=x.dtype)
        elif x.shape != xs.shape[1:]:
            raise ValueError(f"{label}: item {i} has x of shape {x.shape}, item 0 had {xs.shape[1:]}")
        xs[i] = x
        ys.append(_label(item[1]))
    assert xs is not None
    return RawData(xs, np.asarray(ys), name=label)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(isinstance(s, (int, np.integer)) for s in value)


def as_raw(obj: Any, *, name: str | None = None) -> RawData:
    """Turn what a loader (or a user) hands over into :class:`RawData`.

    Accepted: :class:`RawData`; ``(X, y)``; ``(X, y, sample_shape)``; ``(X, y, X_test, y_test)``; a
    mapping with ``x``/``y`` (see :func:`from_mapping`); a map-style torch Dataset of ``(x, y)``.
    """
    if isinstance(obj, RawData):
        return obj
    label = name or "arrays"
    if isinstance(obj, (tuple, list)):
        if len(obj) == 2:
            return RawData(obj[0], obj[1], name=label)
        if len(obj) == 3 and _is_shape(obj[2]):
            return RawData(obj[0], obj[1], sample_shape=tuple(int(s) for s in obj[2]), name=label)
        if len(obj) == 4:
            return RawData(obj[0], obj[1], obj[2], obj[3], name=label)
        raise ValueError(f"an in-process dataset is (X, y) or (X, y, X_test, y_test); got a {describe_value(obj)}")
    if isinstance(obj, Mapping):
        return from_mapping(obj, name=label)
    if isinstance(obj, torch.utils.data.Dataset) or (hasattr(obj, "__getitem__") and hasattr(obj, "__len__")):
        if isinstance(obj, (np.ndarray, torch.Tensor, str, bytes)):
            raise ValueError(f"got {describe_value(obj)} alone; pass (X, y) with the labels")
        return from_torch_dataset(obj, name=name)
    raise ValueError(
        "a dataset is a name, a 'package.module:function' string, a .npz/.csv path, an (X, y) pair or a "
        f"map-style torch Dataset; got {describe_value(obj)}"
    )
