"""Cost models: how expensive a child network is.

A cost metric maps ``(architecture, child module)`` to a non-negative number. The env divides it
by the same metric of the preset's reference network, so ``cost = 1`` means "as expensive as the
reference" whatever the metric.

* ``params`` — exact parameter count (:meth:`Architecture.params`)
* ``flops`` — multiply-adds of one forward pass for one sample (:meth:`Architecture.flops`)
* ``nonzero_params`` — parameters that are not exactly zero (unstructured sparsity counts)
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from archgym.arch import Architecture
from archgym.data import unknown_name

__all__ = ["COST_METRICS", "CostFn", "count_nonzero", "get_cost_metric"]

CostFn = Callable[[Architecture, nn.Module | None], float]


@torch.no_grad()
def count_nonzero(model: nn.Module) -> int:
    """Number of parameters that are not exactly zero (``torch.nn.utils.prune`` masks applied)."""
    total = 0
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            if name.endswith("_orig"):  # pruning reparametrisation: count the masked tensor
                p = getattr(module, name[: -len("_orig")])
            total += int(torch.count_nonzero(p))
    return total


def _params(arch: Architecture, model: nn.Module | None) -> float:
    return float(arch.params())


def _flops(arch: Architecture, model: nn.Module | None) -> float:
    return float(arch.flops())


def _nonzero(arch: Architecture, model: nn.Module | None) -> float:
    return float(count_nonzero(model)) if model is not None else float(arch.params())


COST_METRICS: dict[str, CostFn] = {"params": _params, "flops": _flops, "nonzero_params": _nonzero}


def get_cost_metric(name: str) -> CostFn:
    """The cost function registered as ``name``; ValueError lists the valid names."""
    if name not in COST_METRICS:
        raise unknown_name("cost metric", name, list(COST_METRICS))
    return COST_METRICS[name]
