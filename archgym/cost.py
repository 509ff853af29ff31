"""Cost models: how expensive a child network is.

A cost metric maps ``(architecture, child module)`` to a non-negative number. The env divides it
by the same metric of the preset's reference network, so ``cost = 1`` means "as expensive as the
reference" whatever the metric.

* ``params`` — exact parameter count (:meth:`Architecture.params`)
* ``flops`` — multiply-adds of one forward pass for one sample (:meth:`Architecture.flops`)
* ``nonzero_params`` — active parameters: a pruning mask's ones, or the non-zero values of unmasked tensors
* ``latency`` — measured median forward time of a batch on the child's device, cached per
  architecture (:mod:`archgym.latency`; its noise is documented in docs/benchmarks.md)
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from archgym.arch import Architecture
from archgym.data import unknown_name
from archgym.latency import latency_cost
from archgym.pruning.stats import nonzero_params

__all__ = ["COST_METRICS", "CostFn", "get_cost_metric"]

CostFn = Callable[[Architecture, nn.Module | None], float]


def _params(arch: Architecture, model: nn.Module | None) -> float:
    return float(arch.params())


def _flops(arch: Architecture, model: nn.Module | None) -> float:
    return float(arch.flops())


def _nonzero(arch: Architecture, model: nn.Module | None) -> float:
    return float(nonzero_params(model)) if model is not None else float(arch.params())


COST_METRICS: dict[str, CostFn] = {
    "params": _params,
    "flops": _flops,
    "nonzero_params": _nonzero,
    "latency": latency_cost,
}


def get_cost_metric(name: str) -> CostFn:
    """The cost function registered as ``name``; ValueError lists the valid names."""
    if name not in COST_METRICS:
        raise unknown_name("cost metric", name, list(COST_METRICS))
    return COST_METRICS[name]
