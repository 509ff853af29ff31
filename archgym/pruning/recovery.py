"""Recovery: bring pruned weights back (and the greedy loop that unit recovery shares).

Weights (unstructured masks):

* :func:`regrow` ``method="random"`` (SET, Mocanu et al. 2018): a random subset of the pruned
  weights; ``method="gradient"`` (RigL, Evci et al. 2020): the pruned weights with the largest
  ``|dL/dw|`` (dense gradient, a few batches). The regrown weights start from ``init``:
  ``zero`` (RigL's default), ``kaiming`` (PyTorch's default uniform ``U(-1/sqrt(fan_in), ...)``,
  SET's default) or ``previous`` (the value ``weight_orig`` still holds: the weight at pruning
  time unless training moved it since). Exactly the requested number is unmasked.
* :func:`greedy_recover_weights`: restores, one *group* at a time (the pruned weights of one output
  unit, i.e. one row), the group whose restoration (``previous`` values) lowers the validation
  error most, until ``target_error`` or ``max_groups``.

Units (after :func:`~archgym.pruning.structured.prune_structured`): :mod:`archgym.pruning.unit_recovery`
(:func:`~archgym.pruning.unit_recovery.regrow_units`, :func:`~archgym.pruning.unit_recovery.restore_units`,
:func:`~archgym.pruning.unit_recovery.greedy_recover_units`), built on the greedy loop and
:class:`RecoveryResult` of this module.

Cost of greedy recovery: each round evaluates every remaining candidate once on the validation
data, so restoring ``R`` of ``C`` candidates costs about ``R * C - R * (R - 1) / 2`` forward passes
over the validation split. Measured on a trained digits MLP 64-[128,64]-10 (shared 2-core CPU, one
torch thread): 90 % of the hidden weights masked gives 192 candidate rows at ~3 ms per trial, ~0.6 s
per round (units: see :mod:`archgym.pruning.unit_recovery`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from archgym.data import unknown_name
from archgym.pruning.checks import check_count, check_fraction
from archgym.pruning.gradients import DataLike, as_xy, draw_batch, layer_gradients
from archgym.pruning.masks import SCOPES, Target, get_mask, is_masked, select_layers, set_mask
from archgym.pruning.surgery import PrunableLayer, tensor_attr

__all__ = [
    "REGROW_INITS",
    "REGROW_METHODS",
    "RecoveryResult",
    "greedy_recover_weights",
    "regrow",
    "validation_error",
]


def _amount_or_count(amount: float | None, count: int | None) -> tuple[float | None, int]:
    """Exactly one of ``amount`` (a fraction in [0, 1]) and ``count`` (an int >= 0).

    :return: ``(fraction, 0)`` or ``(None, count)``
    """
    if (amount is None) == (count is None):
        raise ValueError("give exactly one of amount, count")
    if amount is not None:
        return check_fraction("amount", amount), 0
    return None, check_count("count", count)


# --------------------------------------------------------------------------- weight regrowth


def _init_zero(layer: PrunableLayer, pos: torch.Tensor, gen: torch.Generator) -> None:
    tensor_attr(layer, "weight_orig").view(-1)[pos] = 0.0


def _init_previous(layer: PrunableLayer, pos: torch.Tensor, gen: torch.Generator) -> None:
    """Keep what ``weight_orig`` holds."""


def _init_kaiming(layer: PrunableLayer, pos: torch.Tensor, gen: torch.Generator) -> None:
    bound = 1.0 / layer.weight[0].numel() ** 0.5
    vals = (torch.rand(pos.numel(), generator=gen) * 2 - 1) * bound
    orig = tensor_attr(layer, "weight_orig")
    orig.view(-1)[pos] = vals.to(orig)


REGROW_INITS: dict[str, Callable[[PrunableLayer, torch.Tensor, torch.Generator], None]] = {
    "zero": _init_zero,
    "kaiming": _init_kaiming,
    "previous": _init_previous,
}
"""Initialisations of regrown weights, by name."""


def _random_scores(model: nn.Module | None, layers: Sequence[PrunableLayer], kw: dict) -> list[torch.Tensor]:
    gen = kw["generator"]
    return [torch.rand(m.weight.shape, generator=gen).to(m.weight.device) for m in layers]


def _gradient_scores(model: nn.Module | None, layers: Sequence[PrunableLayer], kw: dict) -> list[torch.Tensor]:
    if kw["data"] is None or not isinstance(model, nn.Module):
        raise ValueError("gradient regrowth needs the model and data=(x, y) or a Dataset")
    x, y = as_xy(kw["data"])
    gen = kw["generator"]
    acc = [torch.zeros_like(m.weight) for m in layers]
    for _ in range(kw["batches"]):
        idx = draw_batch(x.shape[0], kw["batch_size"], gen).to(x.device)
        grads = layer_gradients(model, x.index_select(0, idx), y.index_select(0, idx))
        for a, m in zip(acc, layers, strict=True):
            a += grads[m][1]
    return [a.abs() for a in acc]


REGROW_METHODS: dict[str, Callable[[nn.Module | None, Sequence[PrunableLayer], dict], list[torch.Tensor]]] = {
    "random": _random_scores,
    "gradient": _gradient_scores,
}
"""Regrowth rules (scores over the pruned weights; the highest come back), by name."""

_DEFAULT_INIT = {"random": "kaiming", "gradient": "zero"}


@torch.no_grad()
def regrow(
    target: Target,
    amount: float | None = None,
    method: str = "random",
    *,
    count: int | None = None,
    init: str | None = None,
    scope: str = "layer",
    layers: Sequence[int | str] | int | str | None = None,
    include_head: bool = False,
    data: DataLike | None = None,
    batches: int = 4,
    batch_size: int = 64,
    seed: int = 0,
) -> dict[str, int]:
    """Unmask pruned weights; returns the number regrown per layer name.

    :param target: a model (needed for ``gradient``), a chain or a list of layers
    :param amount: fraction in ``[0, 1]`` of the pruned weights to regrow (per layer or over the scope)
    :param method: ``random`` (SET) or ``gradient`` (RigL)
    :param count: number of weights to regrow instead (per layer, or in total if global)
    :param init: ``zero``, ``kaiming`` or ``previous`` (default: ``kaiming`` for random, ``zero`` for gradient)
    :param scope: ``layer`` or ``global``
    :param layers: positions or names of the layers (default: all but the head)
    :param include_head: let the default selection include the output layer
    :param data: Dataset or ``(x, y)`` for ``gradient``
    :param batches: batches of the gradient estimate
    :param batch_size: samples per batch
    :param seed: seed of the random choice, the batches and ``kaiming`` values
    :raises ValueError: bad arguments, or more weights requested than are pruned
    """
    if method not in REGROW_METHODS:
        raise unknown_name("regrowth method", method, list(REGROW_METHODS))
    init = init if init is not None else _DEFAULT_INIT[method]
    if init not in REGROW_INITS:
        raise unknown_name("regrowth init", init, list(REGROW_INITS))
    if scope not in SCOPES:
        raise unknown_name("scope", scope, SCOPES)
    amount, n_count = _amount_or_count(amount, count)
    names, mods = select_layers(target, layers, include_head)
    gen = torch.Generator().manual_seed(seed)
    model = target if isinstance(target, nn.Module) else None
    kw = {"generator": gen, "data": data, "batches": batches, "batch_size": batch_size}
    scores = REGROW_METHODS[method](model, mods, kw)
    pruned = [get_mask(m) == 0 for m in mods]
    groups = [list(range(len(mods)))] if scope == "global" else [[i] for i in range(len(mods))]
    chosen: list[torch.Tensor] = [torch.empty(0, dtype=torch.long) for _ in mods]
    for g in groups:
        flat_p = torch.cat([pruned[i].flatten() for i in g])
        flat_s = torch.cat([scores[i].flatten().float() for i in g]).masked_fill(~flat_p, float("-inf"))
        n_pruned = int(flat_p.sum())
        n = round(amount * n_pruned) if amount is not None else n_count
        if n > n_pruned:
            raise ValueError(f"cannot regrow {n} weights: layer(s) {[names[i] for i in g]} have {n_pruned} pruned")
        pick = torch.topk(flat_s, n).indices if n else torch.empty(0, dtype=torch.long, device=flat_s.device)
        start = 0
        for i in g:
            size = pruned[i].numel()
            chosen[i] = pick[(pick >= start) & (pick < start + size)] - start
            start += size
    out = {}
    for name, m, pos in zip(names, mods, chosen, strict=True):
        out[name] = int(pos.numel())
        if pos.numel():
            REGROW_INITS[init](m, pos, gen)
            mask = get_mask(m).clone()
            mask.view(-1)[pos] = 1.0
            set_mask(m, mask)
    return out


# --------------------------------------------------------------------------- greedy
@dataclass
class RecoveryResult:
    """What a greedy recovery restored.

    :param restored: ``(layer name, index)`` per round: a row (weights) or an original unit index (units)
    :param errors: validation error before the first round, then after each round
    :param evaluations: validation passes spent
    """

    restored: list[tuple[str, int]] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)
    evaluations: int = 0


@torch.no_grad()
def validation_error(model: nn.Module, data: DataLike) -> float:
    """Error rate ``1 - accuracy`` of ``model`` on the validation split (or on an ``(x, y)`` pair)."""
    x, y = as_xy(data, "val")
    was = model.training
    model.eval()
    err = float((model(x).argmax(1) != y).float().mean())
    model.train(was)
    return err


def _check_stop(target_error: float | None, max_groups: int | None) -> None:
    if target_error is None and max_groups is None:
        raise ValueError("give target_error and/or max_groups to bound the greedy recovery")
    if target_error is not None:
        check_fraction("target_error", target_error)
    if max_groups is not None:
        check_count("max_groups", max_groups)


def _greedy(
    candidates: list[tuple[str, int]],
    trial: Callable[[tuple[str, int]], float],
    commit: Callable[[tuple[str, int]], object],
    error: float,
    target_error: float | None,
    max_groups: int | None,
) -> RecoveryResult:
    res = RecoveryResult(errors=[error], evaluations=1)
    remaining = list(candidates)
    while remaining and (target_error is None or error > target_error):
        if max_groups is not None and len(res.restored) >= max_groups:
            break
        errs = [trial(c) for c in remaining]
        res.evaluations += len(errs)
        best = min(range(len(errs)), key=lambda i: (errs[i], i))
        commit(remaining[best])
        res.restored.append(remaining.pop(best))
        error = errs[best]
        res.errors.append(error)
    return res


@torch.no_grad()
def greedy_recover_weights(
    model: nn.Module,
    data: DataLike,
    *,
    target_error: float | None = None,
    max_groups: int | None = None,
    layers: Sequence[int | str] | int | str | None = None,
    include_head: bool = False,
) -> RecoveryResult:
    """Restore pruned weights one row (output unit) at a time, the most helpful first.

    A restored weight takes back the value ``weight_orig`` holds (``previous``); restoring at zero
    could not change the error. Stops at ``target_error``, after ``max_groups`` rows, or when
    nothing is left. Cost: see the module docstring.

    :param model: a masked model
    :param data: Dataset (validation split) or ``(x_val, y_val)``
    :param target_error: stop once the validation error is at most this
    :param max_groups: restore at most this many rows
    :param layers: positions or names of the layers (default: all but the head)
    :param include_head: let the default selection include the output layer
    """
    _check_stop(target_error, max_groups)
    names, mods = select_layers(model, layers, include_head)
    by_name = dict(zip(names, mods, strict=True))
    candidates = []
    for n, m in zip(names, mods, strict=True):
        if is_masked(m):
            rows = (get_mask(m).flatten(1) == 0).any(1).nonzero().flatten().tolist()
            candidates += [(n, r) for r in rows]

    def flip(c: tuple[str, int]) -> torch.Tensor:
        m = by_name[c[0]]
        old = get_mask(m).clone()
        new = old.clone()
        new[c[1]] = 1.0
        set_mask(m, new)
        return old

    def trial(c: tuple[str, int]) -> float:
        old = flip(c)
        err = validation_error(model, data)
        set_mask(by_name[c[0]], old)
        return err

    return _greedy(candidates, trial, flip, validation_error(model, data), target_error, max_groups)
