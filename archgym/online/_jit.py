"""The compiled kernels' decorator: numba's ``njit``, with the settings every kernel of the pool shares.

Why compiled kernels: AutoClassifier learns chunks of a few rows, and a member's step on them is a few dozen numpy
calls on arrays of a handful of values, each costing its call overhead (about a microsecond) rather than its
arithmetic. A member's whole step as one compiled loop costs what one call does. Kernels take and return numpy
arrays; ``cache=True`` keeps the machine code beside the module (compiled on a fresh install's first call, a second
or so per kernel), and ``fastmath`` stays off so a kernel's floating point is IEEE's, as numpy's is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numba import njit

_F = TypeVar("_F", bound=Callable[..., Any])


def kernel(fn: _F) -> _F:
    """Compile ``fn`` with numba (no Python objects; the machine code cached on disk where numba finds a writable
    place: beside the module or in the user's cache directory, else compiled again in each process)."""
    try:
        return njit(cache=True, nogil=True)(fn)  # type: ignore[return-value]
    except RuntimeError:  # numba: "cannot cache function ...: no locator available" (a read-only install)
        return njit(nogil=True)(fn)  # type: ignore[return-value]


def check_rows(who: str, x: Any, d: int) -> np.ndarray:
    """``x`` as a 2-D numpy array of ``d`` columns (a kernel checks no bounds: a wrong shape must stop here).

    :raises ValueError: ``x`` is not 2-D or has another number of columns
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"{who}: rows must be a 2-D array of {d} columns, got shape {x.shape}")
    return x


def check_labels(who: str, y: Any, n: int, n_classes: int) -> np.ndarray:
    """``y`` as ``n`` int64 class indices, each in ``0 .. n_classes - 1`` (kernels index arrays by them).

    :raises ValueError: another length, or an index out of range
    """
    y = np.asarray(y, dtype=np.int64)
    if y.shape != (n,):
        raise ValueError(f"{who}: got {n} rows but labels of shape {y.shape}")
    if n and not _in_range(y, n_classes):
        bad = sorted({int(v) for v in y.tolist() if not 0 <= v < n_classes})
        raise ValueError(f"{who}: class indices must be in 0..{n_classes - 1}, got {bad}")
    return y


@kernel
def _in_range(y: np.ndarray, n_classes: int) -> bool:  # pragma: no cover
    """Whether every index of ``y`` is in ``0 .. n_classes - 1``."""
    for v in y:  # noqa: SIM110 (a compiled loop: numba compiles no generator into all())
        if v < 0 or v >= n_classes:
            return False
    return True
