"""Weight-keeping edits of a child, shared by the evaluators that carry weights across steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet, UnitImportance
from archgym.envs.config import SpaceConfig
from archgym.pruning.stats import active_mask

__all__ = ["SPARSITY_OPS", "hidden_sparsity", "morph"]

SPARSITY_OPS = ("prune", "regrow")


def hidden_sparsity(child: ChildNet | None) -> float:
    """Fraction of the hidden layers' weights that are pruned (masked or zero); 0 without a child."""
    if child is None:
        return 0.0
    hidden = child.chain()[: child.arch.depth]
    with torch.no_grad():
        active = sum(int(active_mask(layer).sum()) for layer in hidden)
    return 1.0 - active / sum(layer.weight.numel() for layer in hidden)


def morph(
    child: ChildNet,
    op: str,
    slot: int,
    old: Architecture,
    new: Architecture,
    rng: np.random.Generator,
    space: SpaceConfig,
    importance: UnitImportance | None,
    data: Any = None,
) -> None:
    """Change ``child`` (of architecture ``old``) into ``new`` by ``op`` at ``slot``, keeping its function.

    widen: new units (``space.widen_init``); narrow: the least important units go; insert: an identity layer
    (Net2DeeperNet); remove: drop and reconnect; prune / regrow: unstructured sparsity of the hidden layers.
    Randomness (new units, removal, pruning ties) is drawn from ``rng``.
    """
    if op == "widen":
        child.widen(
            slot, new.layers[slot].width - old.layers[slot].width, rng, noise=space.widen_noise, init=space.widen_init
        )
    elif op == "narrow":
        child.narrow(slot, old.layers[slot].width - new.layers[slot].width, importance=importance)
    elif op == "insert":
        child.deepen(slot)
    elif op in SPARSITY_OPS:
        from archgym.pruning import prune_unstructured, regrow

        seed = int(rng.integers(0, 2**31 - 1))
        if op == "prune":
            target = min(hidden_sparsity(child) + space.prune_step, space.max_sparsity)
            prune_unstructured(
                child, amount=target, criterion=space.prune_criterion, scope="global", data=data, seed=seed
            )
        else:
            regrow(child, amount=space.regrow_fraction, method=space.regrow_method, data=data, seed=seed)
    else:
        child.remove(slot, seed=int(rng.integers(0, 2**31 - 1)))
    assert child.arch == new
