"""MNIST-1D (Greydanus 2020, "Scaling down deep learning"), generated offline by the ``mnist1d`` package.

The package's defaults (``mnist1d.data.get_dataset_args()``) give 5,000 signals of length 40 in 10
classes, 4,000 for training and 1,000 for the official test split, each signal a float sequence of
one channel: natural shape ``(1, 40)``. Generation takes about a second; the arrays are cached on disk
under :func:`cache_dir` keyed by the generation arguments and the package version, written atomically.

The package's generator reseeds Python's ``random`` and numpy's global ``np.random``; :func:`load`
restores both states afterwards, so the caller's global randomness is untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

import numpy as np

from archgym.atomic import atomic_path
from archgym.data.raw import RawData

__all__ = ["cache_dir", "generation_args", "load"]

_NOT_ARGS = ("url",)


def cache_dir() -> Path:
    """archgym's cache folder: ``$ARCHGYM_CACHE``, else ``$XDG_CACHE_HOME/archgym``, else ``~/.cache/archgym``."""
    if os.environ.get("ARCHGYM_CACHE"):
        return Path(os.environ["ARCHGYM_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "archgym"


def _package() -> Any:
    try:
        import mnist1d.data as m
    except ImportError:
        raise ValueError("dataset 'mnist1d' needs the 'mnist1d' package: pip install mnist1d") from None
    return m


def generation_args(**overrides: Any) -> dict[str, Any]:
    """The package's default generation arguments updated with ``overrides`` (``url`` dropped).

    :raises ValueError: an unknown argument (the valid ones are listed)
    """
    defaults = {k: v for k, v in _package().get_dataset_args(as_dict=True).items() if k not in _NOT_ARGS}
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise ValueError(f"unknown mnist1d option {unknown[0]!r}; valid: {', '.join(sorted(defaults))}, cache")
    args = {**defaults, **overrides}
    n = args["num_samples"]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 20:
        raise ValueError(f"mnist1d num_samples must be an int >= 20, got {n!r}")
    return args


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mnist1d")
    except PackageNotFoundError:  # pragma: no cover - installed without metadata
        return "unknown"


def _cache_file(args: dict[str, Any]) -> Path:
    doc = json.dumps({"args": args, "mnist1d": _version()}, sort_keys=True, default=str)
    key = hashlib.sha256(doc.encode()).hexdigest()[:16]
    return cache_dir() / "mnist1d" / f"mnist1d-{args['num_samples']}-{key}.npz"


def _generate(args: dict[str, Any]) -> dict[str, np.ndarray]:
    m = _package()
    from mnist1d.utils import ObjectView

    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        d = m.make_dataset(ObjectView(dict(args)))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    return {k: np.asarray(d[k]) for k in ("x", "y", "x_test", "y_test")}


def _read_cache(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in ("x", "y", "x_test", "y_test")}
    except (OSError, ValueError, KeyError, EOFError):
        return None  # absent or damaged: generate again


def load(*, cache: bool = True, **args: Any) -> RawData:
    """MNIST-1D as float32 sequences ``(N, 40)`` of natural shape ``(1, 40)``, with the official test split.

    :param cache: read and write the on-disk cache (:func:`cache_dir`)
    :param args: generation arguments of ``mnist1d.data.get_dataset_args()`` to override, e.g.
        ``num_samples=5000`` (>= 20), ``seed=42``, ``train_split=0.8``
    """
    full = generation_args(**args)
    path = _cache_file(full)
    arrays = _read_cache(path) if cache else None
    if arrays is None:
        arrays = _generate(full)
        if cache:
            try:
                with atomic_path(path) as tmp, open(tmp, "wb") as fh:
                    np.savez(fh, x=arrays["x"], y=arrays["y"], x_test=arrays["x_test"], y_test=arrays["y_test"])
            except OSError:
                pass  # a read-only cache folder only costs the next call a regeneration
    length = int(arrays["x"].shape[1])
    return RawData(
        arrays["x"].astype(np.float32),
        arrays["y"].astype(np.int64),
        arrays["x_test"].astype(np.float32),
        arrays["y_test"].astype(np.int64),
        sample_shape=(1, length),
        name="mnist1d",
    )
