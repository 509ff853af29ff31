"""Optimizer state and steps of the fast path: what ``torch.optim`` does with ``fused=True``, without the
``Optimizer`` object (no per-step ``param_groups`` walk, state in caller-owned tensors).

A step function ``step(params, grads, state, lr, options)`` updates ``params`` in place from ``grads``
and an :class:`OptState`; :func:`step_function` picks the fused kernel where it runs on the device
(:mod:`archgym.engine.ops`) and ``torch.optim``'s functional path elsewhere. The options are
:func:`fused_options`: torch's defaults for the optimizer, overridden by what the caller gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from archgym.engine import ops

__all__ = ["FUSED_OPTIONS", "OPTIMIZERS", "OptState", "StepFn", "fused_options", "step_function", "step_groups"]

#: optimizer name -> torch optimizer class (the autograd path's)
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}

#: optimizer -> the options its fast-path step takes (see :func:`fused_options`)
FUSED_OPTIONS: dict[str, tuple[str, ...]] = {
    "sgd": ("momentum", "weight_decay", "dampening", "nesterov"),
    "adam": ("betas", "eps", "weight_decay"),
    "adamw": ("betas", "eps", "weight_decay"),
}


@dataclass
class OptState:
    """State of a fast-path optimizer: one tensor per parameter (a stacked child's row each, or one per
    parameter of a module for the online learner's :class:`~archgym.engine.dense.DenseLearner`)."""

    m: list[torch.Tensor]
    v: list[torch.Tensor] = field(default_factory=list)
    steps: list[torch.Tensor] = field(default_factory=list)
    first: bool = True
    step_base: torch.Tensor | None = None  # the tensor ``steps`` are views of: one add_ counts a step

    @classmethod
    def zeros(cls, params: Sequence[torch.Tensor], optimizer: str) -> OptState:
        """A fresh state for ``params`` (momentum buffers; Adam's moments and step counts)."""
        m = [torch.zeros_like(p) for p in params]
        if optimizer == "sgd":
            return cls(m=m)
        base = torch.zeros(len(params), device=params[0].device)
        return cls(m=m, v=[torch.zeros_like(p) for p in params], steps=list(base.unbind(0)), step_base=base)

    def count_step(self) -> None:
        """Advance every parameter's step counter."""
        if self.step_base is not None:
            self.step_base.add_(1.0)
        else:
            ops.increment_(self.steps, 1.0)

    def subset(self, index: Sequence[int]) -> OptState:
        """The state of the parameters at ``index`` (same tensors, not copies; no shared step base)."""
        return OptState(
            m=[self.m[k] for k in index],
            v=[self.v[k] for k in index] if self.v else [],
            steps=[self.steps[k] for k in index] if self.steps else [],
            first=self.first,
        )


@functools.cache
def _torch_defaults(optimizer: str) -> dict[str, Any]:
    cls: Any = OPTIMIZERS[optimizer]
    return dict(cls([torch.zeros(1)]).defaults)


def fused_options(optimizer: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Options of the step of ``optimizer``: torch's defaults for that optimizer, overridden by ``given``.

    :param optimizer: ``sgd``, ``adam`` or ``adamw``
    :param given: keys of :data:`FUSED_OPTIONS` ``[optimizer]`` (``weight_decay``, ``momentum``, ``betas``...)
    """
    defaults = _torch_defaults(optimizer)
    return {**{k: defaults[k] for k in FUSED_OPTIONS[optimizer]}, **given}


StepFn = Callable[[list[torch.Tensor], list[torch.Tensor], OptState, float, Mapping[str, Any]], None]
"""``step(params, grads, state, lr, options)``: one optimizer update of ``params`` in place."""


def step_function(optimizer: str, device: torch.device | str) -> StepFn:
    """The step of ``optimizer`` for parameters on ``device``: its fused kernel where that runs there.

    :param optimizer: ``sgd``, ``adam`` or ``adamw``
    :param device: the parameters' device
    """
    if optimizer not in FUSED_OPTIONS:
        raise ValueError(f"no fast-path step for optimizer {optimizer!r}; valid: {', '.join(FUSED_OPTIONS)}")
    fused = ops.fused_available(optimizer, device)
    if optimizer == "sgd":

        def sgd(p: list[torch.Tensor], g: list[torch.Tensor], st: OptState, lr: float, o: Mapping[str, Any]) -> None:
            ops.sgd_(p, g, st.m, lr=lr, weight_decay=o["weight_decay"], momentum=o["momentum"],
                     dampening=o["dampening"], nesterov=o["nesterov"], first_step=st.first, fused=fused)  # fmt: skip
            st.first = False

        return sgd
    decoupled = optimizer == "adamw"

    def adam(p: list[torch.Tensor], g: list[torch.Tensor], st: OptState, lr: float, o: Mapping[str, Any]) -> None:
        st.count_step()
        beta1, beta2 = o["betas"]
        ops.adam_(p, g, st.m, st.v, st.steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=o["weight_decay"],
                  eps=o["eps"], decoupled=decoupled, fused=fused)  # fmt: skip

    return adam


def step_groups(
    step_fn: StepFn,
    params: list[torch.Tensor],
    grads: list[torch.Tensor],
    state: OptState,
    lrs: Sequence[float],
    opts: Mapping[str, Any],
) -> None:
    """One step with a learning rate per parameter: one call per distinct rate (stacked children at
    different schedule steps)."""
    for lr in dict.fromkeys(lrs):
        ks = [k for k, v in enumerate(lrs) if v == lr]
        step_fn([params[k] for k in ks], [grads[k] for k in ks], state.subset(ks), lr, opts)
    state.first = False
