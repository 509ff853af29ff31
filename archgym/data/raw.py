"""RawData: what every loader hands over (numpy arrays before the split), checked once.

Samples are ``(N, F)`` features, ``(N, C, L)`` sequences or ``(N, C, H, W)`` images. ``uint8``
samples stay ``uint8``; every other numeric dtype becomes ``float32``. Labels become ``int64`` class
indices: integers >= 0 are kept as they are; strings (or other non-numeric labels) are encoded in
sorted order and their names kept in ``classes``.

Every check fails with one line that describes the offending value (shape, dtype) and never prints it.

>>> import numpy as np
>>> raw = RawData(np.zeros((6, 1, 40), np.float64), np.array(["b", "a", "b", "a", "b", "a"]))
>>> raw.x.dtype, raw.sample_shape, raw.classes, raw.y.tolist()
(dtype('float32'), (1, 40), ('a', 'b'), [1, 0, 1, 0, 1, 0])
>>> RawData(np.zeros((6, 4)), np.zeros(5, np.int64))
Traceback (most recent call last):
...
ValueError: X has 6 samples but y has 5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["RawData", "describe_value"]


def describe_value(value: object) -> str:
    """A short description of a value for messages: kind, shape and dtype, never its content.

    >>> import numpy as np, torch
    >>> describe_value(np.zeros((1000, 1, 40), np.uint8))
    'array (1000, 1, 40) uint8'
    >>> describe_value(torch.zeros(3, 64))
    'tensor (3, 64) float32'
    >>> describe_value([1, 2, 3]), describe_value(3.5)
    ('list of 3', 'float')
    """
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if isinstance(value, np.ndarray):
        return f"array {tuple(value.shape)} {value.dtype}"
    if shape is not None and dtype is not None and type(value).__module__.startswith("torch"):
        return f"tensor {tuple(shape)} {str(dtype).removeprefix('torch.')}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__


def _as_array(value: Any, what: str) -> np.ndarray:
    """``value`` (array, tensor, nested list) as a numpy array, or one clear error line."""
    if isinstance(value, np.ndarray):
        arr = value
    elif type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        t = value.detach().cpu()
        if t.is_floating_point() and t.dtype not in (_torch_dtype("float32"), _torch_dtype("float64")):
            t = t.float()  # bfloat16 / float16 have no numpy twin (bfloat16) or lose nothing (float16)
        arr = t.numpy()
    elif isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            raise ValueError(f"{what} must be an array; got a {describe_value(value)} of ragged items") from None
    else:
        raise ValueError(f"{what} must be a numpy array or a torch tensor, got {describe_value(value)}")
    return arr


def _torch_dtype(name: str) -> Any:
    import torch

    return getattr(torch, name)


def _check_x(x: np.ndarray, what: str) -> np.ndarray:
    if x.dtype == np.uint8:
        return x
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numeric (uint8 or float), got {describe_value(x)}")
    x = x.astype(np.float32, copy=False)
    bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
    if bad:
        raise ValueError(f"{what} ({describe_value(x)}) holds {bad} non-finite values (NaN or inf)")
    return x


def _labels(y: np.ndarray, what: str, n: int) -> np.ndarray:
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        hint = " (one-hot? pass y.argmax(1))" if y.ndim == 2 else ""
        raise ValueError(f"{what} must hold one class index per sample, shape ({n},); got {describe_value(y)}{hint}")
    return y


def _encode(y: np.ndarray, y_test: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, tuple[str, ...] | None]:
    """Labels as int64 indices (and class names for non-numeric labels)."""
    parts = [y] if y_test is None else [y, y_test]
    if all(p.dtype.kind in "biuf" for p in parts):
        out = []
        for p, what in zip(parts, ("y", "y_test"), strict=False):
            if p.dtype.kind == "f" and not (np.all(np.isfinite(p)) and np.all(p == np.round(p))):
                raise ValueError(f"{what} must hold integer class indices, got {describe_value(p)} with fractions")
            if p.size and p.min() < 0:
                raise ValueError(f"{what} must hold class indices >= 0, got {describe_value(p)} with negative values")
            out.append(p.astype(np.int64))
        return out[0], (out[1] if y_test is not None else None), None
    if any(p.dtype.kind not in "USO" for p in parts):
        raise ValueError(
            f"labels must be all numeric or all strings, got {' and '.join(describe_value(p) for p in parts)}"
        )
    names = sorted({str(v) for p in parts for v in p.tolist()})
    index = {v: i for i, v in enumerate(names)}
    coded = [np.array([index[str(v)] for v in p.tolist()], dtype=np.int64) for p in parts]
    return coded[0], (coded[1] if y_test is not None else None), tuple(names)


@dataclass(frozen=True, eq=False, repr=False)
class RawData:
    """Arrays as a loader returns them, checked and converted.

    :param x: samples ``(N, *sample_shape)`` (or ``(N, prod(sample_shape))``), uint8 or numeric
    :param y: class labels ``(N,)``
    :param x_test: the official test samples, when the source has a test split
    :param y_test: their labels
    :param sample_shape: the natural shape of one sample, ``(F,)``, ``(C, L)`` or ``(C, H, W)``
        (default: ``x.shape[1:]``)
    :param classes: class names, index -> name (filled in for string labels)
    :param name: the source, for messages and records
    """

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    sample_shape: tuple[int, ...] | None = None
    classes: tuple[str, ...] | None = None
    name: str = "arrays"

    def __post_init__(self) -> None:
        x = _check_x(_as_array(self.x, "X"), "X")
        y = _as_array(self.y, "y")
        if x.ndim < 2:
            raise ValueError(f"X must have shape (N, F), (N, C, L) or (N, C, H, W); got {describe_value(x)}")
        n = x.shape[0]
        y = _labels(y, "y", n)
        if len(y) != n:
            raise ValueError(f"X has {n} samples but y has {len(y)}")
        if n == 0:
            raise ValueError("X holds no samples")
        shape = tuple(int(s) for s in (self.sample_shape if self.sample_shape is not None else x.shape[1:]))
        if not 1 <= len(shape) <= 3 or min(shape) < 1:
            raise ValueError(f"samples must have shape (F,), (C, L) or (C, H, W); got {shape} from {describe_value(x)}")
        if int(np.prod(shape)) != int(np.prod(x.shape[1:])):
            raise ValueError(f"sample_shape {shape} does not fit the samples of {describe_value(x)}")
        x_test, y_test = self.x_test, self.y_test
        if (x_test is None) != (y_test is None):
            raise ValueError("give both x_test and y_test, or neither")
        if x_test is not None and y_test is not None:
            x_test = _check_x(_as_array(x_test, "X_test"), "X_test")
            y_test = _labels(_as_array(y_test, "y_test"), "y_test", len(x_test))
            if x_test.ndim < 2 or int(np.prod(x_test.shape[1:])) != int(np.prod(shape)):
                raise ValueError(
                    f"X_test ({describe_value(x_test)}) does not match the training samples ({describe_value(x)})"
                )
            if x_test.dtype != x.dtype:
                raise ValueError(f"X_test is {x_test.dtype} but X is {x.dtype}; give both the same dtype")
            if len(y_test) != len(x_test):
                raise ValueError(f"X_test has {len(x_test)} samples but y_test has {len(y_test)}")
            if len(x_test) == 0:
                raise ValueError("X_test holds no samples")
        y, y_test, names = _encode(y, y_test)
        classes = self.classes if self.classes is not None else names
        if classes is not None:
            classes = tuple(str(c) for c in classes)
            top = max(int(y.max()), int(y_test.max()) if y_test is not None else 0)
            if top >= len(classes):
                raise ValueError(f"labels go up to {top} but only {len(classes)} class names were given")
        for field, value in (
            ("x", x),
            ("y", y),
            ("x_test", x_test),
            ("y_test", y_test),
            ("sample_shape", shape),
            ("classes", classes),
        ):
            object.__setattr__(self, field, value)

    @property
    def num_classes(self) -> int:
        """Number of classes: the class names, else the largest label + 1."""
        if self.classes is not None:
            return len(self.classes)
        top = int(self.y.max())
        if self.y_test is not None:
            top = max(top, int(self.y_test.max()))
        return top + 1

    @property
    def shape(self) -> tuple[int, ...]:
        """The natural shape of one sample (``sample_shape``, never ``None`` after the checks)."""
        assert self.sample_shape is not None
        return self.sample_shape

    def __repr__(self) -> str:
        test = f", test {describe_value(self.x_test)}" if self.x_test is not None else ""
        return f"RawData({self.name!r}: {describe_value(self.x)} as {self.shape}{test}, {self.num_classes} classes)"
