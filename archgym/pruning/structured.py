"""Structured pruning: physically remove whole units (neurons / channels) of a chain.

A removed unit of layer ``j`` takes its row (filter) and bias out of layer ``j`` and its input
columns (all ``group`` of them after a conv -> flatten -> dense boundary) out of layer ``j + 1``.
The result is a smaller dense network: parameter and FLOP counts drop, and a network whose removed
units had zero outgoing weights computes exactly the same function. Unstructured masks on the
touched layers are carried over (sliced). The head's units (the classes) are never removed, and
no layer is ever emptied (ValueError).

Units are chosen by ``amount`` (fraction of units), ``count`` (number, or a mapping per layer) or
``threshold`` (score below it), per layer (``scope="layer"``) or over all selected layers at once
(``scope="global"``; ``normalize=True`` divides each layer's scores by their mean first so that
layers of different scales compete fairly; a ``threshold`` then applies to the normalised scores).

:class:`StructuredPruneResult` remembers the removed units with their weights, so
:mod:`archgym.pruning.unit_recovery` can put them back (:func:`restore_units`).

>>> from torch import nn
>>> torch.manual_seed(0) and None
>>> net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
>>> r = prune_structured(net, 0.25)
>>> net[0].out_features, net[2].in_features, r.params_before, r.params_after
(12, 12, 212, 160)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.utils import prune

from archgym.data import unknown_name
from archgym.pruning.chain import Chain, as_chain
from archgym.pruning.checks import check_count, check_fraction, is_real
from archgym.pruning.criteria import DataLike, Importance, get_criterion
from archgym.pruning.masks import SCOPES, get_mask, is_masked, set_mask
from archgym.pruning.surgery import (
    PrunableLayer,
    expand_group_index,
    in_units,
    keep_in_units,
    keep_out_units,
    num_units,
    tensor_attr,
)

__all__ = ["StructuredPruneResult", "plain_copy", "prune_structured", "rebuild_chain", "slice_layer", "unit_scores"]


def plain_copy(layer: PrunableLayer) -> PrunableLayer:
    """A new unmasked layer holding ``layer``'s current (masked) weights."""
    new = keep_out_units(layer, torch.arange(num_units(layer), device=layer.weight.device))
    if is_masked(new):
        prune.remove(new, "weight")  # bake the mask into plain weights
    return new


@torch.no_grad()
def slice_layer(
    layer: PrunableLayer, rows: torch.Tensor | None, cols: torch.Tensor | None, group: int = 1
) -> PrunableLayer:
    """A new layer keeping output units ``rows`` and input units ``cols`` (``None`` = all), mask included.

    The surgery primitives slice a prune mask together with the weights.

    :param layer: a Linear / Conv1d / Conv2d layer (masked or not)
    :param rows: output units to keep
    :param cols: input units to keep (each owning ``group`` columns)
    :param group: input columns per input unit
    """
    if rows is None:
        rows = torch.arange(num_units(layer), device=layer.weight.device)
    new = keep_out_units(layer, rows)
    if cols is not None:
        new = keep_in_units(new, cols, group)
    return new


@dataclass
class StructuredPruneResult:
    """Which units a structured pruning kept, with what it needs to restore the others.

    The object tracks the model: :func:`~archgym.pruning.unit_recovery.restore_units` updates ``kept``.

    :param names: names of the chain's layers
    :param kept: chain position -> kept units, in the numbering of the network before pruning
    :param original: plain copies of the chain's layers before pruning (weights as they were)
    :param original_masks: their masks (None for unmasked layers)
    :param groups: the chain's column groups
    :param params_before: parameters before pruning
    :param params_after: parameters after pruning
    """

    names: list[str]
    kept: dict[int, torch.Tensor]
    original: list[PrunableLayer] = field(repr=False)
    original_masks: list[torch.Tensor | None] = field(repr=False)
    groups: list[int]
    params_before: int
    params_after: int

    def removed(self, layer: int | str) -> torch.Tensor:
        """Units of ``layer`` (position or name) currently removed, in the original numbering."""
        j = self._position(layer)
        n = num_units(self.original[j])
        keep = self.kept.get(j)
        if keep is None:
            return torch.empty(0, dtype=torch.long)
        on = torch.ones(n, dtype=torch.bool)
        on[keep.cpu()] = False
        return on.nonzero().flatten()

    def _position(self, layer: int | str) -> int:
        if isinstance(layer, str) and layer in self.names:
            return self.names.index(layer)
        if isinstance(layer, int) and not isinstance(layer, bool) and 0 <= layer < len(self.names):
            return layer
        raise ValueError(f"unknown layer {layer!r}; valid: positions 0..{len(self.names) - 1} or names {self.names}")

    def num_removed(self) -> dict[str, int]:
        """Removed units per pruned layer name."""
        return {self.names[j]: int(self.removed(j).numel()) for j in self.kept}

    def full_index(self, j: int) -> torch.Tensor:
        """Current units of chain position ``j`` in the original numbering."""
        if j in self.kept:
            return self.kept[j]
        return torch.arange(num_units(self.original[j]))


def _count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def unit_scores(
    chain: Chain, positions: Sequence[int], crit: Importance, *, normalize: bool = False
) -> dict[int, torch.Tensor]:
    """Scores of the units of the chain layers at ``positions`` (optionally divided by their mean)."""
    out = {}
    for j in positions:
        s = crit.unit_scores(chain.layers, j, chain.groups[j]).float()
        out[j] = s / s.mean().clamp_min(1e-12) if normalize else s
    return out


def _check_count(v: Any, what: str) -> int:
    return check_count(what, v)


def _removals(
    chain: Chain,
    scores: dict[int, torch.Tensor],
    scope: str,
    amount: float | None,
    count: int | Mapping[int | str, int] | None,
    threshold: float | None,
) -> dict[int, torch.Tensor]:
    """Boolean "remove" vector per position."""
    pos = list(scores)
    if threshold is not None:
        return {j: scores[j] < threshold for j in pos}
    if isinstance(count, Mapping):
        per = {chain.index(k, hidden_only=True): _check_count(v, f"count[{k!r}]") for k, v in count.items()}
        extra = set(per) - set(pos)
        if extra:
            raise ValueError(f"count names layers {[chain.names[j] for j in extra]} outside the selected layers")
        groups = [[j] for j in pos]
        n_rm = {j: per.get(j, 0) for j in pos}
    elif scope == "global":
        groups = [pos]
        total = sum(scores[j].numel() for j in pos)
        n = round(amount * total) if amount is not None else _check_count(count, "count")
        n_rm = {pos[0]: n}
    else:
        groups = [[j] for j in pos]
        n_rm = {
            j: round(amount * scores[j].numel()) if amount is not None else _check_count(count, "count") for j in pos
        }
    out = {}
    for g in groups:
        flat = torch.cat([scores[j] for j in g])
        k = n_rm[g[0]]
        rm = torch.zeros(flat.numel(), dtype=torch.bool, device=flat.device)
        if k > flat.numel():
            raise ValueError(f"cannot remove {k} units: layer(s) {[chain.names[j] for j in g]} have {flat.numel()}")
        if k:
            rm[torch.topk(flat, k, largest=False).indices] = True
        start = 0
        for j in g:
            out[j] = rm[start : start + scores[j].numel()]
            start += scores[j].numel()
    return out


def prune_structured(
    model: nn.Module | Chain,
    amount: float | None = None,
    criterion: str | Importance = "l1",
    scope: str = "layer",
    *,
    count: int | Mapping[int | str, int] | None = None,
    threshold: float | None = None,
    layers: Sequence[int | str] | int | str | None = None,
    normalize: bool = False,
    data: DataLike | None = None,
    batches: int = 4,
    batch_size: int = 64,
    seed: int = 0,
) -> StructuredPruneResult:
    """Remove the least important units of the selected hidden layers, in place.

    :param model: a ChildNet, an ``nn.Sequential`` chain, or a :class:`~archgym.pruning.chain.Chain`
    :param amount: fraction of units to remove in ``[0, 1]`` (of each layer, or of all of them if global)
    :param criterion: name in :data:`~archgym.pruning.criteria.CRITERIA` or an instance
    :param scope: ``layer`` or ``global``
    :param count: number of units to remove (per layer, or in total if global), or ``{layer: n}``
    :param threshold: remove units whose score is below it
    :param layers: positions or names of hidden layers (default: all hidden layers)
    :param normalize: global scope: divide each layer's scores by their mean first
    :param data: Dataset or ``(x, y)`` for gradient criteria
    :param batches: batches a gradient criterion accumulates
    :param batch_size: samples per batch
    :param seed: seed of the batch draw / of ``random``
    :raises ValueError: bad arguments, unknown layer, or a layer that would be left without units
    """
    given = [k for k, v in (("amount", amount), ("count", count), ("threshold", threshold)) if v is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of amount, count, threshold; got {given or 'none'}")
    if amount is not None:
        amount = check_fraction("amount", amount)
    if threshold is not None:
        if not is_real(threshold):
            raise ValueError(f"threshold must be a number, got {threshold!r}")
        threshold = float(threshold)
    if scope not in SCOPES:
        raise unknown_name("scope", scope, SCOPES)
    chain = as_chain(model)
    if len(chain) < 2:
        raise ValueError("the network has no hidden layer to prune structurally (only its output layer)")
    positions = chain.select(layers)
    crit = get_criterion(criterion, **({"seed": seed} if criterion == "random" else {}))
    if crit.needs_gradients and data is not None:
        crit.prepare(chain.model, data, batches=batches, batch_size=batch_size, seed=seed)
    scores = unit_scores(chain, positions, crit, normalize=normalize and scope == "global")
    remove = _removals(chain, scores, scope, amount, count, threshold)
    for j, rm in remove.items():
        if bool(rm.all()):
            raise ValueError(
                f"pruning would remove all {rm.numel()} units of layer {chain.names[j]!r}; at least one must remain"
            )
    params_before = _count_params(chain.model)
    original = [plain_copy(layer) for layer in chain.layers]
    masks = [get_mask(layer).clone() if is_masked(layer) else None for layer in chain.layers]
    kept = {j: (~remove[j]).nonzero().flatten() for j in positions}
    new = list(chain.layers)
    for p in range(len(chain)):
        rows = kept.get(p)
        cols = kept.get(p - 1)
        if rows is not None or cols is not None:
            new[p] = slice_layer(chain.layers[p], rows, cols, chain.groups[p - 1] if p > 0 else 1)
    chain.replace(new)
    return StructuredPruneResult(
        names=list(chain.names),
        kept={j: k.cpu() for j, k in kept.items()},
        original=[o.cpu() for o in original],
        original_masks=[None if m is None else m.cpu() for m in masks],
        groups=list(chain.groups),
        params_before=params_before,
        params_after=_count_params(chain.model),
    )


@torch.no_grad()
def rebuild_chain(
    chain: Chain,
    result: StructuredPruneResult,
    new_kept: Mapping[int, torch.Tensor],
    fresh: Mapping[int, torch.Tensor] | None = None,
    generator: torch.Generator | None = None,
) -> list[PrunableLayer]:
    """Layers of ``chain`` with the units ``new_kept[j]`` (original numbering, a superset of the kept ones).

    Current weights stay as they are; a restored unit gets its original weights (incoming, bias,
    outgoing), or, for units listed in ``fresh``, a fresh incoming row (PyTorch's default uniform
    initialisation, from ``generator``) and zero outgoing weights, which leaves the function unchanged.

    :param chain: the pruned network's chain (widths must match ``result.kept``)
    :param result: the structured pruning that removed the units
    :param new_kept: chain position -> units to have after the rebuild
    :param fresh: chain position -> restored units that get a fresh initialisation
    :param generator: CPU generator of the fresh weights
    """
    fresh = fresh or {}
    for j, layer in enumerate(chain.layers):
        if num_units(layer) != result.full_index(j).numel():
            raise ValueError(
                f"layer {chain.names[j]!r} has {num_units(layer)} units but the pruning result expects "
                f"{result.full_index(j).numel()}; the result is stale (the network changed since)"
            )
    touched = set(new_kept) | {j + 1 for j in new_kept}
    out = list(chain.layers)
    for p in sorted(touched):
        cur = chain.layers[p]
        orig = result.original[p]
        dev = cur.weight.device
        group = result.groups[p - 1] if p > 0 else 1
        rows_now = result.full_index(p).to(dev)
        cols_now_units = result.full_index(p - 1).to(dev) if p > 0 else torch.arange(_in_units(orig, group), device=dev)
        cols_now = expand_group_index(cols_now_units, group)
        w = orig.weight.detach().to(dev).clone()
        w[rows_now[:, None], cols_now[None, :]] = cur.weight.detach()
        b = None
        if orig.bias is not None:
            b = orig.bias.detach().to(dev).clone()
            b[rows_now] = tensor_attr(cur, "bias").detach()
        m = None
        if is_masked(cur) or result.original_masks[p] is not None:
            m = torch.ones_like(w)
            m[rows_now[:, None], cols_now[None, :]] = get_mask(cur)
        if p in fresh and fresh[p].numel():
            f = fresh[p].to(dev)
            fan_in = w[0].numel()
            bound = 1.0 / fan_in**0.5
            w[f] = (torch.rand(w[f].shape, generator=generator) * 2 - 1).to(w) * bound
            if b is not None:
                b[f] = (torch.rand(f.numel(), generator=generator) * 2 - 1).to(b) * bound
        if p - 1 in fresh and fresh[p - 1].numel():
            w[:, expand_group_index(fresh[p - 1].to(dev), group)] = 0.0
        full = plain_copy(orig).to(dev)
        full.weight.copy_(w)
        if b is not None and full.bias is not None:
            full.bias.copy_(b)
        rows = new_kept[p].to(dev) if p in new_kept else rows_now
        cols = (new_kept[p - 1].to(dev) if p - 1 in new_kept else cols_now_units) if p > 0 else None
        new = slice_layer(full, rows, cols, group)
        if m is not None:
            mm = m.index_select(0, rows)
            if cols is not None:
                mm = mm.index_select(1, expand_group_index(cols, group))
            set_mask(new, mm)
        out[p] = new
    return out


def _in_units(layer: PrunableLayer, group: int) -> int:
    return in_units(layer) // group
