"""The device-resident :class:`Dataset` and its :class:`Preprocessing` record.

Float data is standardised once, at load time, with the training split's per-feature mean and std;
``uint8`` images stay ``uint8`` on the device and :meth:`Dataset.normalize` standardises each batch
with the training split's per-channel mean and std. Either way :meth:`Dataset.preprocessing` records
what a raw input needs (a plain JSON-able dict) and :func:`apply_preprocessing` applies such a dict
to raw inputs, so an exported child can be fed raw data.

>>> import numpy as np
>>> pre = Preprocessing(input_shape=(2,), mean=np.array([1.0, 2.0], np.float32),
...                     std=np.array([2.0, 4.0], np.float32), dtype="float32", layout="flat")
>>> apply_preprocessing(pre.to_dict(), np.array([[3.0, 10.0]])).tolist()
[[1.0, 2.0]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch

from archgym.data.raw import describe_value
from archgym.device import resolve_device

__all__ = ["LAYOUTS", "PREPROCESSING_FORMAT", "Dataset", "Preprocessing", "Standardize", "apply_preprocessing"]

LAYOUTS: tuple[str, ...] = ("flat", "sequence", "image")
"""Sample layouts: ``flat`` ``(F,)``, ``sequence`` ``(C, L)``, ``image`` ``(C, H, W)``."""

PREPROCESSING_FORMAT = "archgym.preprocessing/1"
_SPLITS = ("train", "val", "test")


@dataclass(frozen=True, eq=False)
class Preprocessing:
    """What turns a raw input into what the children were trained on: reshape, cast, standardise.

    ``model_input = (float32(raw).reshape(N, *input_shape) - mean) / std``

    :param input_shape: shape of one model input
    :param mean: float32, broadcastable to ``input_shape`` (per feature, per channel or a scalar)
    :param std: float32, same shape as ``mean``
    :param dtype: dtype of the raw inputs (``uint8`` images hold 0-255, not 0-1)
    :param layout: ``flat``, ``sequence`` or ``image``
    :param dataset: the source's name
    :param classes: class names, index -> name, when the source has them
    """

    input_shape: tuple[int, ...]
    mean: np.ndarray
    std: np.ndarray
    dtype: str
    layout: str
    dataset: str = ""
    classes: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-able dict (exact: float32 values survive ``json`` as Python floats)."""
        return {
            "format": PREPROCESSING_FORMAT,
            "dataset": self.dataset,
            "layout": self.layout,
            "input_shape": list(self.input_shape),
            "dtype": self.dtype,
            "mean": np.asarray(self.mean, np.float32).tolist(),
            "std": np.asarray(self.std, np.float32).tolist(),
            "classes": list(self.classes) if self.classes is not None else None,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Preprocessing:
        """Inverse of :meth:`to_dict`.

        :raises ValueError: a missing key, an unknown format, or mean/std that do not fit the shape
        """
        if not isinstance(d, Mapping):
            raise ValueError(f"preprocessing must be a dict, got {describe_value(d)}")
        if d.get("format", PREPROCESSING_FORMAT) != PREPROCESSING_FORMAT:
            raise ValueError(f"unknown preprocessing format {d.get('format')!r}; expected {PREPROCESSING_FORMAT!r}")
        missing = [k for k in ("input_shape", "mean", "std") if k not in d]
        if missing:
            raise ValueError(f"preprocessing lacks {', '.join(repr(k) for k in missing)}")
        try:
            shape = tuple(int(s) for s in d["input_shape"])
            mean = np.asarray(d["mean"], dtype=np.float32)
            std = np.asarray(d["std"], dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError("preprocessing input_shape, mean and std must be numbers (nested lists)") from None
        try:
            np.broadcast_shapes(mean.shape, shape)
            np.broadcast_shapes(std.shape, shape)
        except ValueError:
            raise ValueError(
                f"preprocessing mean {mean.shape} / std {std.shape} do not broadcast to input_shape {shape}"
            ) from None
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std)) and np.all(std > 0)):
            raise ValueError("preprocessing mean must be finite and std finite and > 0")
        classes = d.get("classes")
        return cls(
            input_shape=shape,
            mean=mean,
            std=std,
            dtype=str(d.get("dtype", "float32")),
            layout=str(d.get("layout", "flat")),
            dataset=str(d.get("dataset", "")),
            classes=tuple(str(c) for c in classes) if classes is not None else None,
        )

    def apply(self, x: Any, device: str | torch.device = "cpu") -> torch.Tensor:
        """Raw inputs ``(N, ...)`` (array or tensor; ``N * prod(input_shape)`` values) -> model inputs.

        :raises ValueError: inputs whose per-sample size does not match ``input_shape``
        """
        dev = resolve_device(device)
        if isinstance(x, torch.Tensor):
            t = x.detach()
        elif isinstance(x, (np.ndarray, list, tuple)):
            arr = np.asarray(x)
            if arr.dtype.kind not in "biuf":
                raise ValueError(f"raw inputs must be numeric, got {describe_value(x)}")
            t = torch.from_numpy(np.ascontiguousarray(arr))
        else:
            raise ValueError(f"raw inputs must be an array or a tensor, got {describe_value(x)}")
        size = math.prod(self.input_shape)
        if t.ndim < 1 or t.numel() == 0 or (t[0].numel() if t.ndim > 1 else 1) != size:
            raise ValueError(
                f"raw inputs {describe_value(x)} do not fit input_shape {self.input_shape}: need (N, ...) with "
                f"{size} values per sample"
            )
        return self.as_module().to(dev)(t.to(dev))

    def as_module(self) -> Standardize:
        """This preprocessing as an ``nn.Module`` (:class:`Standardize`) on the CPU."""
        return Standardize(self)


class Standardize(torch.nn.Module):
    """A :class:`Preprocessing` as a module: put it in front of a child so that it takes raw inputs.

    ``nn.Sequential(pre.as_module(), child)``; ``mean`` and ``std`` are buffers (saved in the state dict).
    """

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, pre: Preprocessing) -> None:
        super().__init__()
        self.input_shape = tuple(pre.input_shape)
        self.register_buffer("mean", torch.from_numpy(np.array(pre.mean, np.float32)))
        self.register_buffer("std", torch.from_numpy(np.array(pre.std, np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, ...)`` raw inputs -> ``(N, *input_shape)`` standardised float32."""
        return (x.reshape(x.shape[0], *self.input_shape).to(torch.float32) - self.mean) / self.std

    def extra_repr(self) -> str:
        return f"input_shape={self.input_shape}"


def apply_preprocessing(
    preprocessing: Mapping[str, Any] | Preprocessing, x: Any, *, device: str | torch.device = "cpu"
) -> torch.Tensor:
    """Apply a recorded preprocessing (:meth:`Dataset.preprocessing`, or its JSON) to raw inputs.

    :param preprocessing: the dict (or :class:`Preprocessing`)
    :param x: raw inputs ``(N, ...)`` as the source holds them (e.g. digits 0-16, uint8 pixels 0-255)
    :param device: device of the returned float32 tensor ``(N, *input_shape)``
    """
    pre = preprocessing if isinstance(preprocessing, Preprocessing) else Preprocessing.from_dict(preprocessing)
    return pre.apply(x, device=device)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train / validation / test tensors on one device.

    ``x_*`` have shape ``(N, *input_shape)``: float32 already standardised, or ``uint8`` images kept
    as they are (then :attr:`needs_normalize` is true and :meth:`normalize` standardises a batch);
    ``y_*`` are int64 class indices.

    :param name: the source
    :param num_classes: size of the classifier head
    :param prep: the preprocessing record (:meth:`preprocessing`)
    :param batch_mean: for ``uint8`` data: the per-channel training mean, broadcastable to a batch
    :param batch_std: its std (both ``None`` for float data)
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    prep: Preprocessing | None = None
    batch_mean: torch.Tensor | None = None
    batch_std: torch.Tensor | None = None

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample."""
        return tuple(self.x_train.shape[1:])

    @property
    def device(self) -> torch.device:
        """Device the tensors live on."""
        return self.x_train.device

    @property
    def layout(self) -> str:
        """``flat``, ``sequence`` or ``image``."""
        if self.prep is not None:
            return self.prep.layout
        return {1: "flat", 2: "sequence", 3: "image"}.get(len(self.input_shape), "flat")

    @property
    def classes(self) -> tuple[str, ...] | None:
        """Class names, index -> name, when the source has them."""
        return self.prep.classes if self.prep is not None else None

    @property
    def needs_normalize(self) -> bool:
        """True when ``x_*`` hold raw ``uint8`` values: pass batches through :meth:`normalize`."""
        return self.batch_mean is not None

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        """A batch as model inputs: ``uint8`` -> float32 standardised per channel; floats pass unchanged.

        Float ``x_*`` are standardised at load time, so this is the identity for them (and for any
        float tensor): a trainer may call it on every batch of any dataset.
        """
        if self.batch_mean is None or x.dtype != torch.uint8:
            return x
        assert self.batch_std is not None
        return (x.to(torch.float32) - self.batch_mean) / self.batch_std

    def split(self, name: str, *, normalized: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """``(x, y)`` of ``train``, ``val`` or ``test`` (``normalized=True``: ``x`` through :meth:`normalize`)."""
        if name not in _SPLITS:
            raise ValueError(f"unknown split {name!r}; valid: train, val, test")
        x, y = getattr(self, f"x_{name}"), getattr(self, f"y_{name}")
        return (self.normalize(x) if normalized else x), y

    def to(self, device: str | torch.device) -> Dataset:
        """A copy on another device."""
        dev = resolve_device(device)
        fields = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test", "batch_mean", "batch_std")
        moved = {f: getattr(self, f).to(dev) for f in fields if getattr(self, f) is not None}
        return replace(self, **moved)

    def preprocessing(self) -> dict[str, Any]:
        """The preprocessing as a plain JSON-able dict, for exports (:func:`apply_preprocessing` applies it).

        Keys: ``format``, ``dataset``, ``layout``, ``input_shape``, ``dtype`` (of the raw inputs),
        ``mean``, ``std`` (nested lists broadcastable to ``input_shape``), ``classes``.
        """
        if self.prep is None:
            raise ValueError(f"dataset {self.name!r} was built without a preprocessing record")
        return self.prep.to_dict()

    def __repr__(self) -> str:
        dtype = str(self.x_train.dtype).removeprefix("torch.")
        return (
            f"Dataset({self.name!r}: train {tuple(self.x_train.shape)} {dtype}, val {len(self.y_val)}, "
            f"test {len(self.y_test)}, {self.num_classes} classes, {self.layout}, {self.device})"
        )
