"""Optimizer state and steps of the fast path: what ``torch.optim`` does with ``fused=True``, without the
``Optimizer`` object (no per-step ``param_groups`` walk, state in caller-owned tensors).

A step function ``step(params, grads, state, lr, options)`` updates ``params`` in place from ``grads``
and an :class:`OptState`; :func:`step_function` picks the fused kernel where it runs on the device
(:mod:`archgym.engine.ops`) and ``torch.optim``'s functional path elsewhere. The options are
:func:`fused_options`: torch's defaults for the optimizer, overridden by what the caller gives.

:func:`adam_flat_` is the same Adam update on one flat numpy vector, for CPU models so small that a step costs
its calls (AutoClassifier's packed pool).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from archgym.engine import ops

__all__ = [
    "FUSED_OPTIONS",
    "OPTIMIZERS",
    "OptState",
    "StepFn",
    "adam_flat_",
    "fused_options",
    "step_function",
    "step_groups",
]

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


def adam_flat_(
    theta: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    step: int,
    *,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled: bool = False,
    scratch: np.ndarray | None = None,
) -> None:
    """One Adam update (AdamW's decoupled weight decay when ``decoupled``) of the flat numpy vector ``theta`` in
    place: ``torch.optim.Adam`` / ``AdamW``'s update, as :func:`archgym.engine.ops.adam_` runs it on tensors.

    For CPU models of a few thousand weights whose parameters are views of one vector (AutoClassifier's packed
    pool): the step is a dozen numpy calls on the flat vectors, where a torch kernel's call, in the middle of a
    stream's other numpy work, costs several times more in dispatch (measured in docs/benchmarks.md).

    :param theta: the parameters, float32 (or float64), updated in place
    :param grad: their gradient, same shape (left unchanged)
    :param m: Adam's first moments, updated in place
    :param v: its second moments, updated in place
    :param step: this update's step number (1 for the first: the caller counts the step first, as torch does)
    :param lr: the learning rate
    :param scratch: a buffer of ``theta``'s shape and dtype to reuse (None: one is allocated)
    """
    if step < 1:
        raise ValueError(f"step must be >= 1 (this update's number), got {step}")
    beta1, beta2 = betas
    tmp = np.empty_like(theta) if scratch is None else scratch
    if weight_decay:
        if decoupled:
            theta *= 1.0 - lr * weight_decay
        else:
            grad = grad + weight_decay * theta
    m *= beta1
    np.multiply(grad, 1.0 - beta1, out=tmp)
    m += tmp
    v *= beta2
    np.multiply(grad, grad, out=tmp)
    tmp *= 1.0 - beta2
    v += tmp
    np.sqrt(v, out=tmp)  # the denominator sqrt(v / (1 - beta2^t)) + eps
    tmp *= 1.0 / math.sqrt(1.0 - beta2**step)
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= lr / (1.0 - beta1**step)
    theta -= tmp
