"""Data and loss gradients for the gradient criteria and for gradient regrowth.

:data:`DataLike` (a :class:`~archgym.data.Dataset` or an ``(x, y)`` pair) and its helpers
(:func:`as_xy`, :func:`draw_batch`), and :func:`layer_gradients`: the dense loss gradients of every
Linear/Conv1d/Conv2d weight *as used in the forward pass*, which the Taylor and SNIP criteria of
:mod:`archgym.pruning.criteria` accumulate and RigL-style regrowth (:mod:`archgym.pruning.recovery`)
ranks pruned weights by.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from archgym.data import Dataset
from archgym.pruning.surgery import PRUNABLE_TYPES, tensor_attr

__all__ = ["DataLike", "LossFn", "as_xy", "draw_batch", "layer_gradients"]

DataLike = Dataset | tuple[torch.Tensor, torch.Tensor]
"""A :class:`~archgym.data.Dataset` (its training split is used) or an ``(x, y)`` pair."""

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def as_xy(data: DataLike, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """``(x, y)`` of a Dataset split or of a pair."""
    if isinstance(data, Dataset):
        return data.split(split)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data[0], data[1]
    raise ValueError(f"data must be a Dataset or an (x, y) pair, got {type(data).__name__}")


def draw_batch(n: int, batch_size: int, generator: torch.Generator) -> torch.Tensor:
    """``batch_size`` distinct sample indices out of ``n`` (all of them, in order, if ``batch_size >= n``)."""
    if batch_size >= n:
        return torch.arange(n)
    return torch.randperm(n, generator=generator)[:batch_size]


def layer_gradients(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn | None = None
) -> dict[nn.Module, tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None]]:
    """Dense loss gradients w.r.t. each Linear/Conv1d/Conv2d layer's weight as used in the forward pass.

    Works with ``torch.nn.utils.prune`` masks (the gradient is the one of the masked weight, so it
    is non-zero at pruned positions, as RigL needs) and leaves every ``.grad`` untouched.

    :return: ``{layer: (weight, grad_weight, bias, grad_bias)}``, all detached
    """
    captured: dict[nn.Module, tuple[torch.Tensor, torch.Tensor | None]] = {}

    def hook(mod: nn.Module, _inp: Any, _out: Any) -> None:
        captured[mod] = (tensor_attr(mod, "weight"), getattr(mod, "bias", None))

    layers = [m for m in model.modules() if isinstance(m, PRUNABLE_TYPES)]
    handles = [m.register_forward_hook(hook) for m in layers]
    try:
        with torch.enable_grad():
            loss = (loss_fn or F.cross_entropy)(model(x), y)
            keys = [m for m in layers if m in captured and captured[m][0].requires_grad]
            tensors: list[torch.Tensor] = []
            for m in keys:
                w, b = captured[m]
                tensors.append(w)
                if b is not None and b.requires_grad:
                    tensors.append(b)
            grads = iter(torch.autograd.grad(loss, tensors, allow_unused=True))
    finally:
        for h in handles:
            h.remove()
    out = {}
    for m in keys:
        w, b = captured[m]
        gw = next(grads)
        gb = next(grads) if b is not None and b.requires_grad else None
        gw = torch.zeros_like(w) if gw is None else gw
        out[m] = (w.detach(), gw.detach(), None if b is None else b.detach(), None if gb is None else gb.detach())
    return out
