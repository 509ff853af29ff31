"""Growing encoders for River-style samples: features of a dict (or a table row) and labels of any hashable type.

* :class:`FeatureEncoder` maps samples to float32 rows of a width that grows as new features appear:
  a number (int, float, bool, numpy scalar) fills one column per key; a string value fills a one-hot
  column per ``(key, value)`` pair, created the first time the pair is seen; a missing key or ``None``
  reads as 0. Batches are dicts in a list, 2-D numpy arrays (columns named ``0 .. d-1``) or pandas
  DataFrames (columns named by the frame; read by duck typing, pandas is never imported).
* :class:`LabelEncoder` maps labels of any hashable type to ``0 .. K-1`` in order of appearance.

>>> enc = FeatureEncoder()
>>> enc.encode_one({"a": 1.5, "colour": "red"}).tolist()
[1.5, 1.0]
>>> enc.encode_one({"a": 2.0, "colour": "blue", "b": True}).tolist()
[2.0, 0.0, 1.0, 1.0]
>>> enc.columns
['a', ('colour', 'red'), ('colour', 'blue'), 'b']
>>> labels = LabelEncoder()
>>> labels.encode(["cat", "dog", "cat"]).tolist(), labels.classes
([0, 1, 0], ['cat', 'dog'])
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["FeatureEncoder", "LabelEncoder", "RunningScaler", "is_dataframe"]


def is_dataframe(x: Any) -> bool:
    """Whether ``x`` looks like a pandas DataFrame (duck typing: ``columns``, ``to_numpy`` and ``dtypes``).

    :param x: any object
    :return: True for a DataFrame-like table
    """
    return hasattr(x, "columns") and hasattr(x, "to_numpy") and hasattr(x, "dtypes") and hasattr(x, "iloc")


def _number(key: Hashable, value: Any) -> float:
    """A feature value as a float (TypeError naming the key and what is valid otherwise)."""
    if isinstance(value, (numbers.Real, np.bool_)):
        return float(value)
    raise TypeError(
        f"feature {key!r} has a value of type {type(value).__name__} ({value!r}); "
        "valid: a number (int, float, bool), a string (one-hot encoded) or None (missing)"
    )


class FeatureEncoder:
    """Dict (or table row) -> float32 row, growing one column per new numeric key or ``(key, string)`` pair.

    Columns are never removed or reordered: a model reading the rows only ever sees new columns
    appended at the end (see :attr:`width`).
    """

    def __init__(self) -> None:
        self.columns: list[Hashable] = []
        self._index: dict[Hashable, int] = {}
        self._plans: dict[tuple[Hashable, ...], np.ndarray] = {}

    @property
    def width(self) -> int:
        """Number of columns so far."""
        return len(self.columns)

    def _column(self, name: Hashable) -> int:
        i = self._index.get(name)
        if i is None:
            i = self._index[name] = len(self.columns)
            self.columns.append(name)
        return i

    def _items(self, x: Mapping[Hashable, Any]) -> Iterable[tuple[int, float]]:
        for key, value in x.items():
            if value is None:
                continue
            if isinstance(value, str):
                yield self._column((key, value)), 1.0
            else:
                yield self._column(key), _number(key, value)

    def encode_one(self, x: Mapping[Hashable, Any]) -> np.ndarray:
        """One sample as a float32 row of the current width (new features get new columns first).

        :param x: ``{feature: value}``
        :return: the row, shape ``(width,)``
        :raises TypeError: ``x`` is not a mapping, or a value is neither a number, a string nor None
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"a sample must be a dict of features, got {type(x).__name__}")
        pairs = list(self._items(x))
        row = np.zeros(self.width, dtype=np.float32)
        for i, v in pairs:
            row[i] = v
        return row

    def encode_many(self, X: Any) -> np.ndarray:
        """A batch as a float32 matrix ``(n, width)``.

        :param X: a 2-D numpy array (columns ``0 .. d-1``), a pandas DataFrame, or a list of dicts
        :return: the rows
        :raises TypeError: an unsupported batch type or a bad value
        :raises ValueError: an array that is not 2-D
        """
        if is_dataframe(X):
            return self._table(list(X.columns), X)
        if isinstance(X, np.ndarray):
            if X.ndim != 2:
                raise ValueError(f"a batch array must be 2-D (n_samples, n_features), got shape {X.shape}")
            return self._table(list(range(X.shape[1])), X)
        if isinstance(X, Sequence) and not isinstance(X, (str, bytes)) and all(isinstance(r, Mapping) for r in X):
            rows = [list(self._items(r)) for r in X]
            out = np.zeros((len(rows), self.width), dtype=np.float32)
            for k, pairs in enumerate(rows):
                for i, v in pairs:
                    out[k, i] = v
            return out
        raise TypeError(
            f"a batch must be a 2-D numpy array, a pandas DataFrame or a list of dicts, got {type(X).__name__}"
        )

    def _table(self, keys: list[Hashable], X: Any) -> np.ndarray:
        """A table whose columns are named ``keys``: numeric tables in one copy, others row by row."""
        n = len(X)
        numeric = _numeric_matrix(X)
        if numeric is None:  # strings, objects: one dict per row
            values = X.to_numpy(dtype=object) if is_dataframe(X) else X
            return self.encode_many([dict(zip(keys, row, strict=True)) for row in values])
        plan = self._plans.get(tuple(keys))
        if plan is None:
            plan = self._plans[tuple(keys)] = np.array([self._column(k) for k in keys], dtype=np.int64)
        out_width = self.width
        if len(keys) == out_width and np.array_equal(plan, np.arange(out_width)):
            return numeric
        out = np.zeros((n, out_width), dtype=np.float32)
        out[:, plan] = numeric
        return out


def _numeric_matrix(X: Any) -> np.ndarray | None:
    """``X`` as a float32 matrix, or None if it holds non-numeric values."""
    if is_dataframe(X):
        if not all(getattr(dt, "kind", "O") in "biuf" for dt in X.dtypes):
            return None
        m = X.to_numpy(dtype=np.float32)
    elif X.dtype.kind in "biuf":
        m = np.asarray(X, dtype=np.float32)
    elif X.dtype.kind == "O":
        return None
    else:
        raise TypeError(f"a batch array must hold numbers, strings or objects, got dtype {X.dtype}")
    return np.ascontiguousarray(m)


class LabelEncoder:
    """Labels of any hashable type <-> ``0 .. K-1``, in order of first appearance."""

    def __init__(self) -> None:
        self.classes: list[Hashable] = []
        self._index: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self.classes)

    def encode(self, labels: Iterable[Any]) -> np.ndarray:
        """Indices of ``labels``, adding the new ones.

        :param labels: hashable labels (numpy scalars are read as python values)
        :return: int64 indices
        :raises TypeError: a label is not hashable
        """
        labels = labels if isinstance(labels, list) else list(labels)
        index = self._index
        try:  # every label known (a numpy scalar finds its python value: equal, with the same hash)
            return np.array([index[y] for y in labels], dtype=np.int64)
        except (KeyError, TypeError):
            pass
        out = []
        for y in labels:
            if isinstance(y, np.generic):
                y = y.item()
            try:
                i = self._index.get(y)
            except TypeError:
                raise TypeError(
                    f"a label must be hashable (int, str, bool, tuple...), got {type(y).__name__} {y!r}"
                ) from None
            if i is None:
                i = self._index[y] = len(self.classes)
                self.classes.append(y)
            out.append(i)
        return np.array(out, dtype=np.int64)

    def decode(self, indices: Iterable[int]) -> list[Hashable]:
        """Labels of ``indices``.

        :param indices: class indices
        :return: the labels
        """
        return [self.classes[i] for i in indices]


class RunningScaler:
    """Running means and scales ``1 / std`` of float32 rows, over every row seen (float64 sums).

    Rows are queued and folded into the sums once the queue reaches 1/8 of the rows already counted
    (every batch at first), at most every 64 rows: the statistics follow the stream closely early on
    and cost little later. A constant column gets scale 1.

    >>> sc = RunningScaler(2)
    >>> sc.update(np.array([[1.0, 5.0], [3.0, 5.0]], dtype=np.float32))
    >>> sc.mean.tolist(), sc.scale.tolist()
    ([2.0, 5.0], [1.0, 1.0])
    >>> sc.transform(np.array([[4.0, 6.0]], dtype=np.float32)).tolist()
    [[2.0, 1.0]]
    """

    def __init__(self, width: int = 0) -> None:
        self._pending: list[np.ndarray] = []
        self._n_pending = 0
        self.count = 0
        self._sum = np.zeros(width)
        self._sumsq = np.zeros(width)
        self.mean = np.zeros(width, dtype=np.float32)
        self.scale = np.ones(width, dtype=np.float32)
        self.scale2 = np.ones(width, dtype=np.float32)  # squared scales

    @property
    def width(self) -> int:
        """Number of columns."""
        return len(self._sum)

    def grow(self, width: int) -> None:
        """Add columns (zero sums: a column that appears late reads as 0 in the rows counted before)."""
        pad = width - self.width
        if pad <= 0:
            return
        self.fold()  # queued rows have the old width
        self._sum = np.concatenate([self._sum, np.zeros(pad)])
        self._sumsq = np.concatenate([self._sumsq, np.zeros(pad)])
        self._refresh()

    def update(self, X: np.ndarray) -> None:
        """Queue rows ``(n, width)``; fold the queue when it is long enough."""
        self._pending.append(X)
        self._n_pending += len(X)
        if self._n_pending >= min(64, max(1, self.count // 8)):
            self.fold()

    def fold(self) -> None:
        """Add the queued rows to the sums and refresh :attr:`mean` and :attr:`scale`."""
        if not self._pending:
            return
        X = self._pending[0] if len(self._pending) == 1 else np.concatenate(self._pending)
        self._pending, self._n_pending = [], 0
        self.count += len(X)
        self._sum += X.sum(0, dtype=np.float64)
        self._sumsq += np.einsum("ij,ij->j", X, X, dtype=np.float64)
        self._refresh()

    def _refresh(self) -> None:
        n = max(self.count, 1)
        mean = self._sum / n
        var = np.maximum(self._sumsq / n - mean * mean, 0.0)
        self.mean = mean.astype(np.float32)
        self.scale = np.where(var > 1e-12, 1.0 / np.sqrt(var + 1e-12), 1.0).astype(np.float32)
        self.scale2 = np.square(self.scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardised rows ``(X - mean) * scale``."""
        return (X - self.mean) * self.scale
