"""Datasets by path: ``.npz`` (arrays ``x``, ``y``, optionally ``x_test``, ``y_test``) and ``.csv``.

A ``.csv`` holds one sample per row: numeric features and one label column. With a header row the
label column is the one named ``label``, ``labels``, ``target``, ``class`` or ``y`` (else the last);
without a header it is the last column. Labels may be integers or names.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "toy.csv"
>>> _ = p.write_text("a,b,label\\n0.5,1,cat\\n0.1,2,dog\\n0.3,3,cat\\n")
>>> raw = load(p)
>>> raw.x.shape, raw.y.tolist(), raw.classes
((3, 2), [0, 1, 0], ('cat', 'dog'))
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from archgym.data.arrays import from_mapping
from archgym.data.raw import RawData

__all__ = ["SUFFIXES", "is_data_path", "load", "load_csv", "load_npz"]

SUFFIXES = (".npz", ".csv")
_LABEL_NAMES = ("label", "labels", "target", "targets", "class", "y")


def is_data_path(spec: object) -> bool:
    """True for a ``str`` or path ending in ``.npz`` or ``.csv`` (any case).

    >>> is_data_path("runs/x.NPZ"), is_data_path("digits")
    (True, False)
    """
    return isinstance(spec, (str, os.PathLike)) and Path(spec).suffix.lower() in SUFFIXES


def _existing(path: str | os.PathLike[str]) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise ValueError(
            f"dataset file '{p}' does not exist" if not p.exists() else f"dataset path '{p}' is not a file"
        )
    return p


def load_npz(path: str | os.PathLike[str]) -> RawData:
    """Read ``x``/``y`` (and ``x_test``/``y_test``, ``classes``) from an ``.npz`` (no pickles are loaded)."""
    p = _existing(path)
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise ValueError(
                f"'{p}' holds object arrays (pickles), which are not loaded; save numeric arrays"
            ) from None
        raise ValueError(f"'{p}' is not a readable .npz file ({e})") from None
    except (OSError, EOFError) as e:
        raise ValueError(f"'{p}' is not a readable .npz file ({type(e).__name__})") from None
    return from_mapping(arrays, name=p.name)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_csv(path: str | os.PathLike[str], *, label: str | int | None = None) -> RawData:
    """Read a ``.csv``: numeric feature columns plus one label column.

    :param path: the file
    :param label: the label column, by header name or index (negative counts from the end); default: a
        column named ``label``/``target``/``class``/``y``, else the last
    """
    p = _existing(path)
    with open(p, newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    if not rows:
        raise ValueError(f"'{p}' holds no rows")
    header: list[str] | None = None
    # a header row: a cell that is not a number above one that is (or a label named by its header)
    if isinstance(label, str) or (
        len(rows) > 1 and any(not _is_number(a) and _is_number(b) for a, b in zip(rows[0], rows[1], strict=False))
    ):
        header, rows = [c.strip() for c in rows[0]], rows[1:]
    if not rows:
        raise ValueError(f"'{p}' has a header but no data rows")
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            raise ValueError(f"'{p}': row {i + 1 + (header is not None)} has {len(r)} columns, the first has {width}")
    if width < 2:
        raise ValueError(f"'{p}' needs at least one feature column and one label column; it has {width}")
    if isinstance(label, str):
        assert header is not None
        if label not in header:
            raise ValueError(f"'{p}' has no column {label!r}; columns: {', '.join(header)}")
        col = header.index(label)
    elif isinstance(label, int) and not isinstance(label, bool):
        if not -width <= label < width:
            raise ValueError(f"label column {label} is out of range for '{p}' ({width} columns)")
        col = label % width
    elif label is None:
        named = [i for i, h in enumerate(header or []) if h.lower() in _LABEL_NAMES]
        col = named[0] if named else width - 1
    else:
        raise ValueError(f"label must be a column name or index, got {type(label).__name__}")
    feats = [c for c in range(width) if c != col]
    try:
        x = np.array([[float(r[c]) for c in feats] for r in rows], dtype=np.float64)
    except ValueError:
        row, c = next((i, c) for i, r in enumerate(rows) for c in feats if not _is_number(r[c]))
        column = header[c] if header else str(c)
        raise ValueError(f"'{p}': feature column {column!r} holds a non-number in data row {row + 1}") from None
    raw_labels = [r[col].strip() for r in rows]
    y: np.ndarray
    if all(_is_number(v) and float(v) == int(float(v)) for v in raw_labels):
        y = np.array([int(float(v)) for v in raw_labels], dtype=np.int64)
    else:
        y = np.array(raw_labels)
    return RawData(x, y, name=p.name)


def load(path: str | os.PathLike[str], **options: object) -> RawData:
    """Read an ``.npz`` or ``.csv`` by its suffix (``options`` go to :func:`load_csv`)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        if options:
            raise ValueError(f".npz files take no options, got {', '.join(sorted(options))}")
        return load_npz(path)
    if suffix == ".csv":
        unknown = sorted(set(options) - {"label"})
        if unknown:
            raise ValueError(f"unknown .csv option {unknown[0]!r}; valid: label")
        lab = options.get("label")
        if lab is not None and not isinstance(lab, (str, int)):
            raise ValueError(f"label must be a column name or index, got {type(lab).__name__}")
        return load_csv(path, label=lab)
    _existing(path)
    raise ValueError(f"unsupported data file '{path}'; valid suffixes: {', '.join(SUFFIXES)}")
