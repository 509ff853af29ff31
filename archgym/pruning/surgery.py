"""Physical surgery on ``nn.Linear`` / ``nn.Conv1d`` / ``nn.Conv2d`` layers: keep a subset of units.

These are the low-level primitives shared by the child-network morphisms
(:mod:`archgym.child`) and the structured pruner (:mod:`archgym.pruning.structured`).

A *unit* is an output neuron of a ``Linear`` (a row of its weight) or an output
channel of a ``Conv1d`` / ``Conv2d`` (a filter). When a conv layer feeds a ``Linear``
layer through a flatten, each channel owns ``group`` consecutive input columns of the
``Linear`` layer (``group = L`` or ``H * W``); ``group = 1`` everywhere else.

A rebuilt layer keeps every constructor attribute of the original (stride, padding,
``padding_mode``, dilation, bias or not, dtype, device); only the unit counts change.
Grouped / depthwise convolutions cannot be sliced channel by channel (ValueError).

The primitives are mask-aware: a layer carrying a ``torch.nn.utils.prune`` weight mask gives a
new layer whose raw weights *and* mask are sliced the same way, so unstructured sparsity survives
morphs (Net2Wider replicas inherit their source unit's mask).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import prune

PrunableLayer = nn.Linear | nn.Conv1d | nn.Conv2d
"""The layer types the pruning toolkit and the morphisms work on."""
PRUNABLE_TYPES: tuple[type[nn.Module], ...] = (nn.Linear, nn.Conv1d, nn.Conv2d)
"""``PrunableLayer`` as a tuple for ``isinstance``."""

__all__ = [
    "PRUNABLE_TYPES",
    "PrunableLayer",
    "expand_group_index",
    "in_units",
    "keep_in_units",
    "keep_out_units",
    "like_layer",
    "num_units",
    "tensor_attr",
    "weight_param",
]


def tensor_attr(module: nn.Module, name: str) -> torch.Tensor:
    """``module.<name>`` as a tensor (a parameter, a buffer or a computed tensor such as a masked weight)."""
    value = getattr(module, name)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{type(module).__name__}.{name} is a {type(value).__name__}, not a tensor")
    return value


def weight_param(layer: nn.Module) -> torch.Tensor:
    """The trainable weight tensor: ``weight_orig`` under a prune mask, else ``weight``.

    In-place edits of the weights (rescaling columns, say) must go to this tensor: under a mask,
    ``layer.weight`` is recomputed from it before every forward pass.
    """
    return tensor_attr(layer, "weight_orig" if hasattr(layer, "weight_orig") else "weight")


def _mask(layer: nn.Module) -> torch.Tensor | None:
    return (
        tensor_attr(layer, "weight_mask") if hasattr(layer, "weight_mask") and hasattr(layer, "weight_orig") else None
    )


def num_units(layer: nn.Module) -> int:
    """Number of output units (neurons or channels) of ``layer``."""
    if isinstance(layer, nn.Linear):
        return layer.out_features
    if isinstance(layer, nn.Conv1d | nn.Conv2d):
        return layer.out_channels
    raise TypeError(f"expected nn.Linear, nn.Conv1d or nn.Conv2d, got {type(layer).__name__}")


def in_units(layer: nn.Module) -> int:
    """Number of input columns (``in_features``) or input channels of ``layer``."""
    if isinstance(layer, nn.Linear):
        return layer.in_features
    if isinstance(layer, nn.Conv1d | nn.Conv2d):
        return layer.in_channels
    raise TypeError(f"expected nn.Linear, nn.Conv1d or nn.Conv2d, got {type(layer).__name__}")


def like_layer(layer: PrunableLayer, n_in: int | None = None, n_out: int | None = None) -> PrunableLayer:
    """A new layer of ``layer``'s type and constructor attributes with ``n_in`` inputs and ``n_out`` units.

    Conv layers keep kernel size, stride, padding, ``padding_mode``, dilation and bias; the new
    layer has PyTorch's default (random) initialisation, on the CPU in float32 like a plain
    constructor call (move it with ``.to(device, dtype)``).

    :param layer: the template (``nn.Linear``, ``nn.Conv1d`` or ``nn.Conv2d``)
    :param n_in: input columns / channels (default: the template's)
    :param n_out: output units (default: the template's)
    :raises ValueError: a grouped conv (its channels cannot be sliced one by one)
    """
    n_in = in_units(layer) if n_in is None else n_in
    n_out = num_units(layer) if n_out is None else n_out
    bias = layer.bias is not None
    if isinstance(layer, nn.Linear):
        return nn.Linear(n_in, n_out, bias=bias)
    if layer.groups != 1:
        raise ValueError(f"grouped/depthwise {type(layer).__name__} (groups={layer.groups}) cannot be sliced by unit")
    cls = nn.Conv1d if isinstance(layer, nn.Conv1d) else nn.Conv2d
    return cls(
        n_in,
        n_out,
        layer.kernel_size,  # type: ignore[arg-type]
        stride=layer.stride,  # type: ignore[arg-type]
        padding=layer.padding,  # type: ignore[arg-type]
        dilation=layer.dilation,  # type: ignore[arg-type]
        bias=bias,
        padding_mode=layer.padding_mode,
    )


def expand_group_index(idx: torch.Tensor, group: int) -> torch.Tensor:
    """Map unit indices to input-column indices when each unit owns ``group`` columns.

    >>> expand_group_index(torch.tensor([0, 2]), 3).tolist()
    [0, 1, 2, 6, 7, 8]
    """
    if group == 1:
        return idx
    offsets = torch.arange(group, device=idx.device)
    return (idx[:, None] * group + offsets[None, :]).reshape(-1)


def _check_index(idx: torch.Tensor, n: int, what: str) -> torch.Tensor:
    idx = torch.as_tensor(idx, dtype=torch.long)
    if idx.ndim != 1 or idx.numel() == 0:
        raise ValueError(f"{what}: need a non-empty 1-D index of units to keep, got shape {tuple(idx.shape)}")
    if int(idx.min()) < 0 or int(idx.max()) >= n:
        raise ValueError(f"{what}: unit index out of range [0, {n})")
    return idx


@torch.no_grad()
def keep_out_units(layer: PrunableLayer, idx: torch.Tensor) -> PrunableLayer:
    """Return a new layer holding only the output units ``idx`` of ``layer`` (in that order).

    Indices may repeat (used by Net2WiderNet to replicate units).
    """
    idx = _check_index(idx, num_units(layer), "keep_out_units").to(layer.weight.device)
    w = weight_param(layer).index_select(0, idx)
    mask = _mask(layer)
    b = layer.bias.index_select(0, idx) if layer.bias is not None else None
    new = like_layer(layer, n_out=idx.numel()).to(device=w.device, dtype=w.dtype)
    new.weight.copy_(w)
    if b is not None and new.bias is not None:
        new.bias.copy_(b)
    if mask is not None:
        prune.custom_from_mask(new, "weight", mask.index_select(0, idx))
    return new


@torch.no_grad()
def keep_in_units(layer: PrunableLayer, idx: torch.Tensor, group: int = 1) -> PrunableLayer:
    """Return a new layer that reads only the input units ``idx`` (each owning ``group`` columns).

    Indices may repeat (Net2WiderNet); the caller rescales the replicated columns.
    """
    n_in = in_units(layer)
    if n_in % group:
        raise ValueError(f"keep_in_units: {n_in} inputs are not a multiple of group={group}")
    idx = _check_index(idx, n_in // group, "keep_in_units").to(layer.weight.device)
    cols = expand_group_index(idx, group)
    w = weight_param(layer).index_select(1, cols)
    mask = _mask(layer)
    new = like_layer(layer, n_in=cols.numel()).to(device=w.device, dtype=w.dtype)
    new.weight.copy_(w)
    if layer.bias is not None and new.bias is not None:
        new.bias.copy_(layer.bias)
    if mask is not None:
        prune.custom_from_mask(new, "weight", mask.index_select(1, cols))
    return new
