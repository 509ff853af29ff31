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


@kernel
def indices_in_range(y: np.ndarray, n_classes: int) -> bool:  # pragma: no cover
    """Whether every index of ``y`` is in ``0 .. n_classes - 1``."""
    for v in y:  # noqa: SIM110 (a compiled loop: numba compiles no generator into all())
        if v < 0 or v >= n_classes:
            return False
    return True
