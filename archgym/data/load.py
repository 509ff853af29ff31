"""``load_dataset``: any dataset spec -> raw arrays -> split, layout, statistics -> device tensors."""

from __future__ import annotations

import inspect
import math
import numbers
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from archgym.data import files
from archgym.data.arrays import as_raw
from archgym.data.dataset import LAYOUTS, Dataset, Preprocessing
from archgym.data.raw import RawData, describe_value
from archgym.data.registry import canonical_name, get_loader, is_loader_string, unknown_name
from archgym.device import resolve_device

__all__ = ["DatasetSpec", "describe_dataset", "load_dataset", "load_raw"]

DatasetSpec = Any
"""A registered name, a ``"package.module:function"`` string, a ``.npz``/``.csv`` path, ``(X, y)``,
``(X, y, X_test, y_test)``, a mapping with ``x``/``y``, a map-style torch Dataset of ``(x, y)``, a
loader callable, or :class:`~archgym.data.raw.RawData`."""


def describe_dataset(spec: DatasetSpec) -> str:
    """A short description of a dataset spec for messages and logs (shapes and dtypes, never values).

    >>> import numpy as np
    >>> describe_dataset("digits")
    "dataset 'digits'"
    >>> describe_dataset(np.zeros((1000, 1, 40), np.uint8))
    'array (1000, 1, 40) uint8'
    >>> describe_dataset((np.zeros((1000, 40), np.float32), np.zeros(1000, np.int64)))
    '(X, y): array (1000, 40) float32, array (1000,) int64'
    """
    if isinstance(spec, Dataset):
        return repr(spec)
    if isinstance(spec, RawData):
        return repr(spec)
    if isinstance(spec, (str, os.PathLike)):
        if files.is_data_path(spec):
            return f"file '{spec}'"
        if is_loader_string(spec):
            return f"loader '{spec}'"
        return f"dataset {str(spec)!r}"
    if isinstance(spec, (tuple, list)) and len(spec) in (2, 3, 4):
        head = {2: "(X, y)", 3: "(X, y, sample_shape)", 4: "(X, y, X_test, y_test)"}[len(spec)]
        parts = [describe_value(v) if i < 2 or len(spec) == 4 else str(tuple(v)) for i, v in enumerate(spec)]
        return f"{head}: {', '.join(parts)}"
    if isinstance(spec, Mapping):
        keys = ", ".join(f"{k}={describe_value(v)}" for k, v in list(spec.items())[:6])
        return f"mapping ({keys})"
    if isinstance(spec, torch.utils.data.Dataset):
        n = len(spec) if hasattr(spec, "__len__") else "?"
        return f"torch Dataset {type(spec).__name__} of {n} items"
    if callable(spec) and not isinstance(spec, (np.ndarray, torch.Tensor)):
        return f"loader {getattr(spec, '__qualname__', type(spec).__name__)}"
    return describe_value(spec)


def _call_loader(loader: Callable[..., Any], label: str, options: Mapping[str, Any]) -> Any:
    """Call ``loader(**options)``, refusing options it does not take in one line."""
    try:
        params = inspect.signature(loader).parameters
    except (TypeError, ValueError):  # builtins without a signature: just call
        return loader(**options)
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        accepted = [
            n
            for n, p in params.items()
            if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        ]
        extra = sorted(set(options) - set(accepted))
        if extra:
            raise ValueError(
                f"{label} takes no option {extra[0]!r}; its options: {', '.join(accepted) if accepted else 'none'}"
            )
    return loader(**options)


def load_raw(spec: DatasetSpec, options: Mapping[str, Any] | None = None) -> RawData:
    """Resolve a dataset spec to checked raw arrays (no split, no scaling).

    :param spec: see :data:`DatasetSpec`
    :param options: keyword options for the loader (``data_root``, ``download``, ``num_samples``...)
    """
    opts = dict(options or {})
    if isinstance(spec, RawData):
        raw = spec
    elif isinstance(spec, os.PathLike) or files.is_data_path(spec):
        raw = files.load(spec, **opts)
    elif isinstance(spec, str) and not is_loader_string(spec) and ("/" in spec or os.sep in spec):
        raw = files.load(spec, **opts)  # a path, not a name: "does not exist" or "unsupported suffix"
    elif isinstance(spec, str):
        loader = get_loader(spec)
        name = canonical_name(spec) if not is_loader_string(spec) else spec
        raw = as_raw(_call_loader(loader, f"dataset {name!r}", opts), name=name)
        if raw.name != name:
            raw = replace(raw, name=name)
    elif isinstance(spec, (np.ndarray, torch.Tensor)):
        raise ValueError(f"got {describe_value(spec)} alone; pass (X, y) with the labels")
    elif callable(spec) and not isinstance(spec, torch.utils.data.Dataset):
        label = getattr(spec, "__qualname__", type(spec).__name__)
        raw = as_raw(_call_loader(spec, f"loader {label}", opts), name=label)
    else:
        if opts:
            raise ValueError(
                f"options ({', '.join(sorted(opts))}) apply to named datasets and files, not to in-process data"
            )
        raw = as_raw(spec)
    return raw


def _stratified_split(
    y: np.ndarray, fractions: tuple[float, float], rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """Per-class shuffled train / val / test indices (the rest of each class goes to test)."""
    train, val, test = [], [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_tr = round(len(idx) * fractions[0])
        n_va = round(len(idx) * fractions[1])
        train.append(idx[:n_tr])
        val.append(idx[n_tr : n_tr + n_va])
        test.append(idx[n_tr + n_va :])
    return tuple(rng.permutation(np.concatenate(p)) for p in (train, val, test))


def _train_val_split(y: np.ndarray, val_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per-class shuffled train / val indices (validation carved out of the training split)."""
    train, val = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_va = round(len(idx) * val_fraction)
        val.append(idx[:n_va])
        train.append(idx[n_va:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(val))


def _target_shape(shape: tuple[int, ...], layout: str, source: str) -> tuple[int, ...]:
    """The model-input shape of samples of natural ``shape`` in ``layout``."""
    if layout == "flat":
        return (math.prod(shape),)
    if layout == "sequence":
        if len(shape) == 1:
            return (1, shape[0])
        return (shape[0], math.prod(shape[1:]))
    if len(shape) != 3:
        kind = {1: "flat features", 2: "a sequence"}[len(shape)]
        raise ValueError(
            f"dataset {source!r} has samples of shape {shape} ({kind}); layout 'image' needs (C, H, W) "
            "samples; valid here: flat, sequence"
        )
    return shape


def _resolve_layout(image: bool, layout: str | None) -> str:
    if not isinstance(image, (bool, np.bool_)):
        raise ValueError(f"image must be true or false, got {describe_value(image)}")
    if layout is None:
        return "image" if image else "flat"
    if not isinstance(layout, str) or layout not in LAYOUTS:
        raise unknown_name("layout", layout, LAYOUTS)
    if image and layout != "image":
        raise ValueError(f"image=True contradicts layout={layout!r}; give one of them")
    return layout


def _channel_stats(x: np.ndarray, rows: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Exact per-channel mean/std of uint8 samples ``x[rows]`` (natural ``shape``), from 256-bin histograms."""
    channels = shape[0] if len(shape) >= 2 else 1
    per = x.reshape(len(x), channels, -1)
    means, stds = np.empty(channels), np.empty(channels)
    values = np.arange(256, dtype=np.float64)
    for c in range(channels):
        counts = np.bincount(per[rows, c].ravel(), minlength=256).astype(np.float64)
        total = counts.sum()
        m = float((counts * values).sum() / total)
        means[c], stds[c] = m, math.sqrt(float((counts * (values - m) ** 2).sum() / total))
    stds[stds < 1e-6] = 1.0
    return means.astype(np.float32), stds.astype(np.float32)


def _broadcast_channel(stat: np.ndarray, shape: tuple[int, ...], target: tuple[int, ...], layout: str) -> np.ndarray:
    """Per-channel statistics shaped to broadcast over one model input of shape ``target``."""
    if np.all(stat == stat[0]):
        return np.asarray(stat[0], dtype=np.float32)  # one value (one channel): a scalar
    if layout == "flat":
        return np.repeat(stat, math.prod(shape[1:])).astype(np.float32)
    return stat.reshape(len(stat), *([1] * (len(target) - 1))).astype(np.float32)


def _check_fraction(label: str, f: object) -> float:
    if isinstance(f, bool) or not isinstance(f, numbers.Real) or not 0.0 < float(f) < 1.0:
        shown = repr(f) if isinstance(f, (int, float, str, type(None))) else describe_value(f)
        raise ValueError(f"{label} must be in (0, 1), got {shown}")
    return float(f)


def load_dataset(
    name: DatasetSpec = "digits",
    *,
    seed: int = 0,
    device: str | torch.device = "cpu",
    image: bool = False,
    layout: str | None = None,
    val_fraction: float = 0.2,
    test_fraction: float | None = None,
    train_subset: int | None = None,
    data_root: str | os.PathLike[str] | None = None,
    download: bool = False,
    keep_uint8: bool = True,
    options: Mapping[str, Any] | None = None,
) -> Dataset:
    """Load a dataset, split it with ``seed``, lay it out, record its scaling and put it on ``device``.

    Without an official test split the samples are split train / val / test, stratified by class and
    seeded; with one, the test split stays the test set and validation is carved out of the training
    split (stratified, seeded). Float samples are standardised once with the training split's
    per-feature statistics; ``uint8`` samples stay ``uint8`` on the device and
    :meth:`Dataset.normalize` standardises each batch with per-channel statistics.

    :param name: a registered name (``digits``, ``synthetic``, ``mnist1d``, ``mnist``, ``fashion_mnist``,
        ``kmnist``, ``cifar10`` or one added with :func:`register_dataset`), a ``"package.module:function"``
        string, a ``.npz``/``.csv`` path, an ``(X, y)`` pair (arrays or tensors; ``(X, y, X_test, y_test)``
        with a test split), a map-style torch Dataset of ``(x, y)``, or a loader callable
    :param seed: seed of the stratified splits
    :param device: ``auto``, ``cpu`` or ``cuda``
    :param image: shape samples as ``(C, H, W)`` (same as ``layout="image"``; kept for compatibility)
    :param layout: ``flat`` ``(F,)``, ``sequence`` ``(C, L)`` or ``image`` ``(C, H, W)``; default ``flat``
        (``image`` when ``image=True``)
    :param val_fraction: share of the (training) samples held out for validation
    :param test_fraction: share of the samples held out for testing when the source has no test split
        (default 0.2); an error for a source with an official test split
    :param train_subset: keep only the first N training samples (fast tests); ``None`` keeps all
    :param data_root: folder of on-disk datasets (the torchvision layouts); passed to the loader
    :param download: let the loader download missing files (the torchvision layouts, through torchvision)
    :param keep_uint8: ``False`` converts ``uint8`` images to standardised float32 once, at load time
    :param options: further keyword options for the loader (e.g. ``{"num_samples": 5000}`` for mnist1d)
    :raises ValueError: one line on any bad input: unknown names (with a did-you-mean), missing files
        (named), bad shapes or dtypes (described, never printed)
    """
    lay = _resolve_layout(image, layout)
    vf = _check_fraction("val_fraction", val_fraction)
    if test_fraction is not None:
        _check_fraction("test_fraction", test_fraction)
    if train_subset is not None and (
        isinstance(train_subset, bool) or not isinstance(train_subset, numbers.Integral) or train_subset < 2
    ):
        raise ValueError(f"train_subset must be an int >= 2 or None, got {describe_value(train_subset)}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {describe_value(seed) if not isinstance(seed, int) else seed}")
    dev = resolve_device(device)
    if not isinstance(options, (Mapping, type(None))):
        raise ValueError(f"options must be a dict, got {describe_value(options)}")
    opts = dict(options or {})
    if data_root is not None:
        opts["data_root"] = data_root
    if download:
        opts["download"] = True

    raw = load_raw(name, opts)
    rng = np.random.default_rng(int(seed))
    if raw.x_test is None:
        tf = 0.2 if test_fraction is None else float(test_fraction)
        if vf + tf >= 1.0:
            raise ValueError(f"val_fraction + test_fraction must be < 1, got {vf + tf}")
        tr, va, te = _stratified_split(raw.y, (1.0 - vf - tf, vf), rng)
        x_pool, y_pool, x_te_src, y_te_src = raw.x, raw.y, raw.x, raw.y
    else:
        if test_fraction is not None:
            raise ValueError(f"dataset {raw.name!r} has an official test split; test_fraction does not apply")
        tr, va = _train_val_split(raw.y, vf, rng)
        te = np.arange(len(raw.y_test)) if raw.y_test is not None else np.arange(0)
        x_pool, y_pool, x_te_src, y_te_src = raw.x, raw.y, raw.x_test, raw.y_test
    if train_subset is not None:
        tr = tr[: int(train_subset)]
    for split, idx in (("training", tr), ("validation", va), ("test", te)):
        if len(idx) == 0:
            raise ValueError(
                f"dataset {raw.name!r} ({len(raw.y)} samples) leaves the {split} split empty; "
                "use more samples or other fractions"
            )

    shape = raw.shape
    target = _target_shape(shape, lay, raw.name)
    assert x_te_src is not None and y_te_src is not None
    batch_mean: torch.Tensor | None = None
    batch_std: torch.Tensor | None = None
    if raw.x.dtype == np.uint8:
        cm, cs = _channel_stats(x_pool, tr, shape)
        mean, std = _broadcast_channel(cm, shape, target, lay), _broadcast_channel(cs, shape, target, lay)
        if keep_uint8:
            x_tr, x_va, x_te = (a.reshape(-1, *target) for a in (x_pool[tr], x_pool[va], x_te_src[te]))
            batch_mean = torch.from_numpy(mean).to(dev)
            batch_std = torch.from_numpy(std).to(dev)
        else:
            x_tr, x_va, x_te = (
                (a.reshape(-1, *target).astype(np.float32) - mean) / std for a in (x_pool[tr], x_pool[va], x_te_src[te])
            )
        raw_dtype = "uint8"
    else:
        # per-feature statistics of the training split, applied once (the arithmetic of archgym <= 0.1)
        x2 = x_pool.reshape(len(x_pool), -1)
        m = x2[tr].mean(axis=0)
        s = x2[tr].std(axis=0)
        s[s < 1e-6] = 1.0
        x2 = (x2 - m) / s
        x_te2 = x2 if x_te_src is x_pool else (x_te_src.reshape(len(x_te_src), -1) - m) / s
        x_tr, x_va, x_te = x2[tr].reshape(-1, *target), x2[va].reshape(-1, *target), x_te2[te].reshape(-1, *target)
        mean, std = m.reshape(target), s.reshape(target)
        raw_dtype = "float32"

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a)).to(dev)

    prep = Preprocessing(
        input_shape=target, mean=mean, std=std, dtype=raw_dtype, layout=lay, dataset=raw.name, classes=raw.classes
    )
    return Dataset(
        name=raw.name,
        x_train=t(x_tr),
        y_train=t(y_pool[tr]),
        x_val=t(x_va),
        y_val=t(y_pool[va]),
        x_test=t(x_te),
        y_test=t(y_te_src[te]),
        num_classes=raw.num_classes,
        prep=prep,
        batch_mean=batch_mean,
        batch_std=batch_std,
    )
