"""Argument checks shared by the pruning toolkit: numbers are any ``numbers.Real`` / ``numbers.Integral``.

Python and numpy scalars are accepted alike (``np.float32(0.5)``, ``np.int64(3)``); bools are not
numbers here, and each check returns a plain python ``float`` / ``int``.

>>> import numpy as np
>>> check_fraction("amount", np.float32(0.5)), check_count("count", np.int64(3))
(0.5, 3)
>>> check_fraction("amount", True)
Traceback (most recent call last):
...
ValueError: amount must be a number in [0, 1], got True
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["check_count", "check_fraction", "check_int", "is_count", "is_real"]


def is_real(value: Any) -> bool:
    """True for a real number (python or numpy scalar: ``numbers.Real``) that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_count(value: Any) -> bool:
    """True for an integer (python or numpy, ``numbers.Integral``) ``>= 0`` that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 0


def check_fraction(name: str, value: Any) -> float:
    """``value`` as a float in ``[0, 1]``, or a ValueError naming it."""
    if not is_real(value) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def check_int(name: str, value: Any, low: int = 0) -> int:
    """``value`` as an int ``>= low``, or a ValueError naming it."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or int(value) < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def check_count(name: str, value: Any) -> int:
    """``value`` as an int ``>= 0``, or a ValueError naming it."""
    return check_int(name, value, 0)
