"""Counting: sparsity per layer, non-zero parameters, multiply-adds of a module.

A weight is *active* when its ``torch.nn.utils.prune`` mask is 1 (a masked layer), or when it is
not exactly zero (a layer without a mask, e.g. after :func:`~archgym.pruning.masks.make_permanent`).
Counting the mask, not the values, keeps counts exact when regrowth brings weights back at zero.

>>> from torch import nn
>>> layer = nn.Linear(4, 2)
>>> with torch.no_grad():
...     _ = layer.weight.zero_()
>>> sparsity(layer), nonzero_params(layer)
(1.0, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from archgym.pruning.chain import Chain, prunable_layers
from archgym.pruning.surgery import PRUNABLE_TYPES, PrunableLayer, tensor_attr

__all__ = [
    "LayerSparsity",
    "SparsityReport",
    "active_mask",
    "count_macs",
    "layer_report",
    "nonzero_params",
    "sparsity",
    "sparsity_report",
]


@torch.no_grad()
def active_mask(layer: nn.Module, name: str = "weight") -> torch.Tensor:
    """Boolean tensor of the active entries of ``layer.<name>`` (its prune mask if it has one)."""
    mask = getattr(layer, f"{name}_mask", None)
    if mask is not None:
        return mask != 0
    return getattr(layer, name) != 0


def sparsity(layer: nn.Module) -> float:
    """Fraction of inactive (pruned) entries of ``layer.weight``, in ``[0, 1]``.

    :param layer: a Linear / Conv1d / Conv2d layer, masked or not
    """
    m = active_mask(layer)
    return 1.0 - float(m.sum()) / m.numel()


@torch.no_grad()
def nonzero_params(model: nn.Module) -> int:
    """Active parameters of ``model``: masked tensors count their mask's ones, others their non-zeros.

    Unlike counting non-zero *values*, a weight regrown at zero (RigL) counts as active.

    :param model: any module
    """
    total = 0
    for module in model.modules():
        for pname, p in module.named_parameters(recurse=False):
            if pname.endswith("_orig") and hasattr(module, pname[: -len("_orig")] + "_mask"):
                total += int(getattr(module, pname[: -len("_orig")] + "_mask").count_nonzero())
            else:
                total += int(p.count_nonzero())
    return total


@dataclass(frozen=True)
class LayerSparsity:
    """Weights of one layer: total and active counts."""

    name: str
    total: int
    active: int

    @property
    def sparsity(self) -> float:
        """Fraction of pruned weights."""
        return 1.0 - self.active / self.total if self.total else 0.0


class SparsityReport(tuple[LayerSparsity, ...]):
    """Per-layer weight sparsity; ``str()`` is a text table, :meth:`to_dict` is JSON-ready."""

    @property
    def total(self) -> int:
        """Weights in all reported layers."""
        return sum(r.total for r in self)

    @property
    def active(self) -> int:
        """Active weights in all reported layers."""
        return sum(r.active for r in self)

    @property
    def sparsity(self) -> float:
        """Overall fraction of pruned weights."""
        return 1.0 - self.active / self.total if self.total else 0.0

    def layer(self, name: str) -> LayerSparsity:
        """Row of the layer called ``name``."""
        for r in self:
            if r.name == name:
                return r
        raise ValueError(f"no layer {name!r} in the report; valid: {', '.join(r.name for r in self)}")

    def to_dict(self) -> dict[str, float]:
        """``{layer name: sparsity}`` plus ``"total"``."""
        return {**{r.name: r.sparsity for r in self}, "total": self.sparsity}

    def __str__(self) -> str:
        lines = [f"{'layer':<12} {'weights':>9} {'active':>9} {'sparsity':>9}"]
        lines += [f"{r.name:<12} {r.total:>9} {r.active:>9} {r.sparsity:>9.3f}" for r in self]
        lines.append(f"{'total':<12} {self.total:>9} {self.active:>9} {self.sparsity:>9.3f}")
        return "\n".join(lines)


def sparsity_report(
    target: nn.Module | Chain | Sequence[PrunableLayer], *, include_head: bool = True
) -> SparsityReport:
    """Weight sparsity of every prunable layer of ``target`` (the head included by default).

    :param target: a model, a chain or a list of layers
    :param include_head: report the output layer too
    """
    return layer_report(*prunable_layers(target, include_head=include_head))


def layer_report(names: Sequence[str], layers: Sequence[nn.Module]) -> SparsityReport:
    """Sparsity report of ``layers`` under the given names."""
    rows = []
    for n, layer in zip(names, layers, strict=True):
        m = active_mask(layer)
        rows.append(LayerSparsity(n, m.numel(), int(m.sum())))
    return SparsityReport(rows)


@torch.no_grad()
def count_macs(model: nn.Module, input_shape: Sequence[int]) -> int:
    """Multiply-adds of one forward pass for one sample, weights of Linear/Conv1d/Conv2d layers only.

    Same convention as :meth:`archgym.arch.Architecture.flops` (biases and activations not
    counted; dense zeros counted: unstructured sparsity does not lower it).

    :param model: the network
    :param input_shape: shape of one sample, e.g. ``(64,)``, ``(1, 40)`` or ``(1, 8, 8)``
    """
    total = 0

    def hook(mod: nn.Module, _inp: object, out: torch.Tensor) -> None:
        nonlocal total
        if isinstance(mod, nn.Linear):
            total += mod.in_features * out.numel()
        else:
            k = tensor_attr(mod, "weight")[0].numel()  # in_channels / groups * kernel positions
            total += k * out.numel()

    layers = [m for m in model.modules() if isinstance(m, PRUNABLE_TYPES)]
    handles = [m.register_forward_hook(hook) for m in layers]
    try:
        p = next(model.parameters())
        model(torch.zeros(1, *input_shape, device=p.device, dtype=p.dtype))
    finally:
        for h in handles:
            h.remove()
    return total
