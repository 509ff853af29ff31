"""Small argument checks shared by the online package (each raises ValueError naming what is valid)."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np

from archgym.online._jit import indices_in_range

T = TypeVar("T")


def same_rows(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``b`` holds the rows ``a`` holds: the same array, or equal shape and values (how a member knows the
    rows it is asked to learn are the ones it just predicted, whose intermediate results it kept).

    :param a: the rows kept
    :param b: the rows given now
    :return: True when they are the same rows
    """
    return a is b or (a.shape == b.shape and bool((a == b).all()))  # (np.array_equal's wrapper costs more here)


def positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """Return ``value`` if it is an int ``>= minimum``, else raise ValueError.

    :param name: argument name used in the message
    :param value: the value to check
    :param minimum: smallest valid value
    :return: the value as an int
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def in_range(
    name: str, value: Any, low: float, high: float, *, open_low: bool = False, open_high: bool = False
) -> float:
    """Return ``value`` as a float if ``low <= value <= high`` (``low < value`` when ``open_low``,
    ``value < high`` when ``open_high``).

    :param name: argument name used in the message
    :param value: the value to check
    :param low: lower bound
    :param high: upper bound
    :param open_low: exclude ``low`` itself
    :param open_high: exclude ``high`` itself
    :return: the value as a float
    """
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        ok = (value > low if open_low else value >= low) and (value < high if open_high else value <= high)
    if not ok:
        bracket = ("(" if open_low else "[") + f"{low}, {high}" + (")" if open_high else "]")
        raise ValueError(f"{name} must be a number in {bracket}, got {value!r}")
    return float(value)


def lookup(kind: str, name: Any, registry: Mapping[str, T]) -> T:
    """Look ``name`` up in ``registry``; unknown names raise ValueError with a suggestion.

    :param kind: what is being looked up (``"stream"``, ``"optimizer"``...), used in the message
    :param name: the requested name
    :param registry: valid names to values
    :return: the registered value
    """
    if isinstance(name, str) and name in registry:
        return registry[name]
    hint = ""
    if isinstance(name, str):
        close = difflib.get_close_matches(name, list(registry), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
    sep = f"{hint} " if hint else "; "
    raise ValueError(f"unknown {kind} {name!r}{sep}valid: {', '.join(registry)}")


def check_kwargs(owner: str, factory: Callable[..., Any], kwargs: Mapping[str, Any]) -> None:
    """Raise ValueError if ``kwargs`` holds a keyword that ``factory`` does not accept.

    :param owner: name used in the message
    :param factory: the callable whose signature lists the valid keywords
    :param kwargs: keywords to check
    """
    valid = [p for p in inspect.signature(factory).parameters if p not in ("self", "args", "kwargs")]
    bad = sorted(set(kwargs) - set(valid))
    if bad:
        raise ValueError(f"unknown parameter(s) {', '.join(map(repr, bad))} for {owner}; valid: {', '.join(valid)}")


def entries(name: str, items: Any, cls: type[T]) -> tuple[T, ...]:
    """Turn ``items`` into a tuple whose every entry is a ``cls`` (TypeError naming the first that is not).

    :param name: argument name used in the message
    :param items: the entries (any iterable but a string or a mapping)
    :param cls: the type every entry must have
    :return: the entries as a tuple
    """
    kind = cls.__name__
    article = "an" if kind[:1].upper() in "AEIOU" else "a"
    if not isinstance(items, Iterable) or isinstance(items, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be a sequence of {kind}, got {type(items).__name__}")
    out = tuple(items)
    for i, item in enumerate(out):
        if not isinstance(item, cls):
            raise TypeError(f"{name}[{i}] must be {article} {kind}, got {type(item).__name__}")
    return out


def int_tuple(name: str, values: Iterable[Any], minimum: int = 0) -> tuple[int, ...]:
    """Turn ``values`` into a tuple of ints ``>= minimum`` (ValueError otherwise).

    :param name: argument name used in the message
    :param values: the values
    :param minimum: smallest valid value
    :return: the values as a tuple of ints
    """
    return tuple(positive_int(f"{name}[{i}]", v, minimum) for i, v in enumerate(values))


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
    if n and not indices_in_range(y, n_classes):
        bad = sorted({int(v) for v in y.tolist() if not 0 <= v < n_classes})
        raise ValueError(f"{who}: class indices must be in 0..{n_classes - 1}, got {bad}")
    return y
