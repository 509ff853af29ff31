"""The only module of archgym that calls private torch operators.

``torch.optim``'s ``fused=True`` path runs kernels that torch exposes only as private functions
(``torch._fused_adam_``, ``torch._fused_adamw_``, ``torch._fused_sgd_``); the dense fast path also
uses ReLU's backward (``aten.threshold_backward``) and ``torch._foreach_add_``. The rest of archgym calls
the wrappers below. Each fused kernel is probed once per device type (a call on one-element tensors):
where it is missing or fails, the wrappers run ``torch.optim``'s public functional API (its ``foreach``
implementation) instead, which computes the same update (up to rounding).

``tests/test_engine.py`` calls every wrapper on tiny tensors and compares the result with
``torch.optim.Adam`` / ``AdamW`` / ``SGD`` steps: a torch upgrade that renames a kernel or changes
its signature fails that test loudly (while archgym itself keeps working on the fallback).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

__all__ = ["KERNELS", "adam_", "fused_available", "increment_", "relu_backward", "sgd_"]

#: optimizer name -> name of its fused kernel in the ``torch`` namespace
KERNELS: dict[str, str] = {"adam": "_fused_adam_", "adamw": "_fused_adamw_", "sgd": "_fused_sgd_"}

_probed: dict[tuple[str, str], bool] = {}


def _kernel(optimizer: str) -> Callable[..., Any] | None:
    return getattr(torch, KERNELS[optimizer], None)


def _probe(optimizer: str, device: torch.device) -> bool:
    """Run the fused kernel of ``optimizer`` once on one-element tensors of ``device``: True when it works."""
    if _kernel(optimizer) is None:
        return False
    one = [torch.ones(1, device=device)]
    try:
        if optimizer == "sgd":
            sgd_(one, [torch.ones(1, device=device)], [torch.zeros(1, device=device)], lr=0.1, weight_decay=0.0,
                 momentum=0.9, dampening=0.0, nesterov=False, first_step=True, fused=True)  # fmt: skip
        else:
            adam_(one, [torch.ones(1, device=device)], [torch.zeros(1, device=device)], [torch.zeros(1, device=device)],
                  [torch.ones((), device=device)], lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                  decoupled=optimizer == "adamw", fused=True)  # fmt: skip
    except (RuntimeError, TypeError, NotImplementedError):
        return False
    return bool(torch.isfinite(one[0]).all()) and float(one[0]) != 1.0


def fused_available(optimizer: str, device: torch.device | str) -> bool:
    """Whether ``optimizer``'s fused kernel runs on ``device`` (probed once per device type).

    :param optimizer: ``adam``, ``adamw`` or ``sgd``
    :param device: the device of the parameters
    """
    dev = torch.device(device)
    key = (optimizer, dev.type)
    hit = _probed.get(key)
    if hit is None:
        hit = _probed[key] = _probe(optimizer, dev)
    return hit


def adam_(
    params: list[torch.Tensor],
    grads: list[torch.Tensor],
    exp_avgs: list[torch.Tensor],
    exp_avg_sqs: list[torch.Tensor],
    steps: list[torch.Tensor],
    *,
    lr: float,
    beta1: float,
    beta2: float,
    weight_decay: float,
    eps: float,
    decoupled: bool,
    fused: bool,
) -> None:
    """One Adam update (AdamW's decoupled weight decay when ``decoupled``) of ``params`` in place.

    ``steps`` already hold this update's step number (1 for the first update), as the fused kernel
    expects: the caller counts the step first, like ``torch.optim`` does.

    :param fused: run the fused kernel (see :func:`fused_available`); False: ``torch.optim``'s functional
        foreach path
    """
    if fused:
        kernel = torch._fused_adamw_ if decoupled else torch._fused_adam_
        kernel(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2,
               weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)  # fmt: skip
        return
    # the functional path counts the step itself: hand it copies of the previous counts
    previous = [s.detach() - 1 for s in steps]
    if decoupled:
        from torch.optim.adamw import adamw as functional
    else:
        from torch.optim.adam import adam as functional
    functional(params, grads, exp_avgs, exp_avg_sqs, [], previous, foreach=True, amsgrad=False, beta1=beta1,
               beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps, maximize=False)  # fmt: skip


def sgd_(
    params: list[torch.Tensor],
    grads: list[torch.Tensor],
    momentum_buffers: list[torch.Tensor],
    *,
    lr: float,
    weight_decay: float,
    momentum: float,
    dampening: float,
    nesterov: bool,
    first_step: bool,
    fused: bool,
) -> None:
    """One SGD update of ``params`` in place (with momentum when ``momentum != 0``).

    :param momentum_buffers: one buffer per parameter (ignored when ``momentum == 0``); on the first step
        they receive the gradients, as ``torch.optim.SGD`` initialises them
    :param first_step: whether this is the first update since the buffers were created
    :param fused: run the fused kernel; False: ``torch.optim``'s functional foreach path
    """
    bufs = momentum_buffers if momentum != 0 else []
    if fused:
        torch._fused_sgd_(params, grads, bufs, weight_decay=weight_decay, momentum=momentum, lr=lr,
                          dampening=dampening, nesterov=nesterov, maximize=False,
                          is_first_step=first_step)  # fmt: skip
        return
    given: list[torch.Tensor | None] = [None] * len(params) if first_step or not bufs else list(bufs)
    from torch.optim.sgd import sgd

    sgd(params, grads, given, foreach=True, weight_decay=weight_decay, momentum=momentum, lr=lr, dampening=dampening,
        nesterov=nesterov, maximize=False)  # fmt: skip
    if first_step and bufs:
        for buf, new in zip(bufs, given, strict=True):
            assert new is not None
            buf.copy_(new)


def _foreach_(op: str, tensors: Sequence[torch.Tensor], value: float) -> None:
    """``t.<op>_(value)`` for every tensor: one ``torch._foreach_<op>_`` call where torch has it."""
    foreach = getattr(torch, f"_foreach_{op}_", None)
    if foreach is not None:
        foreach(list(tensors), value)
        return
    for t in tensors:
        getattr(t, f"{op}_")(value)


def increment_(tensors: Sequence[torch.Tensor], value: float = 1.0) -> None:
    """Add ``value`` to every tensor in place (one foreach call where torch has it)."""
    _foreach_("add", tensors, value)


def _threshold_backward() -> Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor] | None:
    try:
        return torch.ops.aten.threshold_backward  # type: ignore[no-any-return]
    except (AttributeError, RuntimeError):
        return None


_RELU_BACKWARD = _threshold_backward()


def relu_backward(grad: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """Gradient through ``relu(z)``: ``grad`` where ``z > 0``, else 0 (a new tensor)."""
    if _RELU_BACKWARD is not None:
        return _RELU_BACKWARD(grad, z, 0.0)
    return grad.masked_fill(z <= 0, 0.0)
