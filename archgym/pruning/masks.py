"""Unstructured pruning with ``torch.nn.utils.prune`` masks.

Masks use PyTorch's reparametrisation (``weight = weight_orig * weight_mask``, applied by a
forward pre-hook), so they interoperate with PyTorch's tooling and survive ``state_dict`` round
trips (:func:`load_masked_state_dict` loads one into a fresh model). :func:`make_permanent`
folds the masks into plain weights.

:func:`prune_unstructured` prunes by

* ``amount``: target fraction of pruned weights in the scope (already pruned weights stay pruned
  and count towards it; with the ``l1`` criterion on an unpruned layer the mask is exactly the one
  ``torch.nn.utils.prune.l1_unstructured(layer, "weight", amount)`` selects);
* ``threshold``: prune weights whose score is below it;
* ``std_threshold=s``: threshold ``s * std(scores)`` of the still-active weights in the scope; with
  ``l1`` that is the classic ``s * std(|W|)`` recipe (Han et al. 2015).

``scope="layer"`` applies the rule to each layer separately, ``scope="global"`` to all selected
layers at once (with ``l1``, exactly ``torch.nn.utils.prune.global_unstructured``'s choice). The
output layer (the last one the forward calls) is left alone unless ``include_head=True``; a bare
layer is pruned itself. ``Linear``, ``Conv1d`` and ``Conv2d`` layers are pruned; numbers may be
any real (``numpy`` scalars too).

>>> from torch import nn
>>> torch.manual_seed(0) and None
>>> net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
>>> prune_unstructured(net, 0.75).to_dict()
{'0': 0.75, 'total': 0.75}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn
from torch.nn.utils import prune

from archgym.data import unknown_name
from archgym.pruning.chain import Chain, prunable_layers
from archgym.pruning.checks import check_fraction, is_real
from archgym.pruning.criteria import DataLike, Importance, get_criterion
from archgym.pruning.stats import SparsityReport, layer_report
from archgym.pruning.surgery import PrunableLayer, tensor_attr

__all__ = [
    "SCOPES",
    "check_fraction",
    "clone_model",
    "get_mask",
    "is_masked",
    "load_masked_state_dict",
    "make_permanent",
    "prune_unstructured",
    "select_layers",
    "set_mask",
]

SCOPES: tuple[str, ...] = ("layer", "global")

Target = nn.Module | Chain | Sequence[PrunableLayer]


def is_masked(layer: nn.Module, name: str = "weight") -> bool:
    """True when ``layer.<name>`` carries a ``torch.nn.utils.prune`` mask."""
    return hasattr(layer, f"{name}_mask") and hasattr(layer, f"{name}_orig")


def get_mask(layer: nn.Module) -> torch.Tensor:
    """The weight mask (float, 1 = active); all ones for an unmasked layer."""
    if is_masked(layer):
        return tensor_attr(layer, "weight_mask")
    return torch.ones_like(tensor_attr(layer, "weight"))


def _refresh(layer: nn.Module) -> None:
    """Recompute a masked layer's ``weight`` from ``weight_orig * weight_mask`` now."""
    setattr(layer, "weight", tensor_attr(layer, "weight_orig") * tensor_attr(layer, "weight_mask"))  # noqa: B010


@torch.no_grad()
def set_mask(layer: nn.Module, mask: torch.Tensor) -> None:
    """Give ``layer.weight`` this mask (added with ``prune.custom_from_mask``, or replaced in place).

    Replacing in place may re-activate entries (regrowth); ``layer.weight`` is refreshed at once.

    :param layer: a Linear / Conv1d / Conv2d layer
    :param mask: 0/1 tensor shaped like the weight
    """
    weight = tensor_attr(layer, "weight")
    if mask.shape != weight.shape:
        raise ValueError(f"mask shape {tuple(mask.shape)} differs from weight shape {tuple(weight.shape)}")
    mask = mask.to(device=weight.device, dtype=weight.dtype)
    if is_masked(layer):
        tensor_attr(layer, "weight_mask").copy_(mask)
        _refresh(layer)
    else:
        prune.custom_from_mask(layer, "weight", mask)


@torch.no_grad()
def clone_model(model: nn.Module) -> nn.Module:
    """``copy.deepcopy`` that also works on masked models after a forward pass with gradients.

    (``torch.nn.utils.prune`` leaves the computed ``weight`` as a non-leaf tensor then, which
    ``deepcopy`` refuses; it is recomputed from ``weight_orig * weight_mask`` before copying.)
    """
    for m in model.modules():
        for name in [n[: -len("_mask")] for n, _ in m.named_buffers(recurse=False) if n.endswith("_mask")]:
            if hasattr(m, f"{name}_orig"):
                setattr(m, name, getattr(m, f"{name}_orig") * getattr(m, f"{name}_mask"))
    return copy.deepcopy(model)


def make_permanent(target: Target) -> None:
    """Fold every weight mask of ``target`` into a plain weight (``prune.remove``); pruned entries stay 0.

    :param target: a model, a chain or a list of layers
    """
    modules = target.modules() if isinstance(target, nn.Module) else prunable_layers(target, include_head=True)[1]
    for m in list(modules):
        for name in [n[: -len("_mask")] for n, _ in m.named_buffers(recurse=False) if n.endswith("_mask")]:
            if hasattr(m, f"{name}_orig"):
                prune.remove(m, name)


def load_masked_state_dict(model: nn.Module, state_dict: Mapping[str, Any], strict: bool = True) -> Any:
    """Load a state dict saved from a masked model into ``model`` (masked or not).

    Every ``<module>.<name>_mask`` entry first gets an identity mask on the matching module,
    so that ``<name>_orig`` and ``<name>_mask`` exist to receive the saved values.

    :param model: a model of the same architecture
    :param state_dict: the saved state
    :param strict: passed to ``load_state_dict``
    """
    for key in state_dict:
        if not key.endswith("_mask"):
            continue
        mod_name, _, attr = key.rpartition(".")
        module = model.get_submodule(mod_name) if mod_name else model
        name = attr[: -len("_mask")]
        if not is_masked(module, name):
            prune.identity(module, name)
    result = model.load_state_dict(state_dict, strict=strict)
    for m in model.modules():  # refresh the computed weights from the loaded orig * mask
        if is_masked(m):
            with torch.no_grad():
                _refresh(m)
    return result


def select_layers(
    target: Target, layers: Sequence[int | str] | int | str | None, include_head: bool
) -> tuple[list[str], list[PrunableLayer]]:
    """Names and modules of the chosen prunable layers; ValueError names the unknown one and the valid."""
    names, mods = prunable_layers(target, include_head=include_head)
    if layers is None:
        return names, mods
    if isinstance(layers, (int, str)):
        layers = [layers]
    picked: list[int] = []
    for x in layers:
        if isinstance(x, str):
            if x not in names:
                raise unknown_name("layer", x, names)
            picked.append(names.index(x))
        elif isinstance(x, int) and not isinstance(x, bool) and -len(names) <= x < len(names):
            picked.append(x % len(names))
        else:
            raise ValueError(f"unknown layer {x!r}; valid: positions 0..{len(names) - 1} or names {', '.join(names)}")
    picked = sorted(set(picked))
    if not picked:
        raise ValueError("layers=[] selects nothing; pass layers=None for every prunable layer")
    return [names[i] for i in picked], [mods[i] for i in picked]


def _new_masks(
    scores: list[torch.Tensor],
    masks: list[torch.Tensor],
    amount: float | None,
    threshold: float | None,
    std_threshold: float | None,
) -> list[torch.Tensor]:
    """New 0/1 masks of a group of layers pruned together (one scope)."""
    active = [m != 0 for m in masks]
    flat_s = torch.cat([s.flatten().float() for s in scores])
    flat_a = torch.cat([a.flatten() for a in active])
    if amount is not None:
        n_prune = round(amount * flat_s.numel())
        n_pruned = int((~flat_a).sum())
        keep = flat_a.clone()
        if n_prune > n_pruned:
            ranked = flat_s.masked_fill(~flat_a, float("-inf"))
            keep[torch.topk(ranked, n_prune, largest=False).indices] = False
    else:
        if std_threshold is not None:
            live = flat_s[flat_a]
            threshold = std_threshold * float(live.std()) if live.numel() > 1 else 0.0
        assert threshold is not None  # one of amount, threshold, std_threshold is given
        keep = flat_a & (flat_s >= threshold)
    out, start = [], 0
    for m in masks:
        out.append(keep[start : start + m.numel()].view_as(m).to(m.dtype))
        start += m.numel()
    return out


def prune_unstructured(
    target: Target,
    amount: float | None = None,
    criterion: str | Importance = "l1",
    scope: str = "layer",
    *,
    threshold: float | None = None,
    std_threshold: float | None = None,
    layers: Sequence[int | str] | int | str | None = None,
    include_head: bool = False,
    data: DataLike | None = None,
    batches: int = 4,
    batch_size: int = 64,
    seed: int = 0,
) -> SparsityReport:
    """Mask the least important weights; returns the sparsity report of the selected layers.

    :param target: a model (ChildNet, Sequential, any module), a chain, a layer or a list of layers
    :param amount: target fraction of pruned weights in ``[0, 1]`` (per layer or over the scope)
    :param criterion: name in :data:`~archgym.pruning.criteria.CRITERIA` or an instance
    :param scope: ``layer`` or ``global``
    :param threshold: prune weights whose score is below this (instead of ``amount``)
    :param std_threshold: prune below ``std_threshold * std(active scores)`` (instead of ``amount``)
    :param layers: positions or names of the layers to prune (default all but the head)
    :param include_head: let the default selection include the output layer
    :param data: Dataset or ``(x, y)`` for gradient criteria (they accumulate ``batches`` batches)
    :param batches: batches a gradient criterion accumulates
    :param batch_size: samples per batch
    :param seed: seed of the batch draw / of ``random``
    :raises ValueError: bad amount or threshold, unknown scope, criterion or layer, nothing to prune
        (e.g. a model whose only layer is its head, without ``include_head``), or a layer left empty
    """
    given = [
        k for k, v in (("amount", amount), ("threshold", threshold), ("std_threshold", std_threshold)) if v is not None
    ]
    if len(given) != 1:
        raise ValueError(f"give exactly one of amount, threshold, std_threshold; got {given or 'none'}")
    if amount is not None:
        amount = check_fraction("amount", amount)
    for name, v in (("threshold", threshold), ("std_threshold", std_threshold)):
        if v is not None and (not is_real(v) or not float(v) >= 0.0):
            raise ValueError(f"{name} must be a number >= 0, got {v!r}")
    threshold = None if threshold is None else float(threshold)
    std_threshold = None if std_threshold is None else float(std_threshold)
    if scope not in SCOPES:
        raise unknown_name("scope", scope, SCOPES)
    crit = get_criterion(criterion, **({"seed": seed} if criterion == "random" else {}))
    names, mods = select_layers(target, layers, include_head)
    if crit.needs_gradients and data is not None:
        if not isinstance(target, nn.Module):
            raise ValueError("gradient criteria with data= need the model, not a list of layers")
        crit.prepare(target, data, batches=batches, batch_size=batch_size, seed=seed)
    scores = [crit.weight_scores(m) for m in mods]
    masks = [get_mask(m) for m in mods]
    groups = [list(range(len(mods)))] if scope == "global" else [[i] for i in range(len(mods))]
    new = list(masks)
    for g in groups:
        for i, m in zip(
            g, _new_masks([scores[i] for i in g], [masks[i] for i in g], amount, threshold, std_threshold), strict=True
        ):
            new[i] = m
    for n, m in zip(names, new, strict=True):
        if not bool(m.any()):
            rule = f"amount={amount}" if amount is not None else f"threshold={threshold or std_threshold}"
            raise ValueError(f"{rule} would prune all {m.numel()} weights of layer {n!r}; at least one must remain")
    for layer, m in zip(mods, new, strict=True):
        set_mask(layer, m)
    return layer_report(names, mods)
