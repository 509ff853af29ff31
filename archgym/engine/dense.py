"""The dense fast path: hand-written forward and backward passes of plain MLP children, no autograd.

A plain dense :class:`~archgym.child.ChildNet` (:func:`stackable`) computes ``z_l = h_{l-1} W_l + b_l``,
``h_l = relu(z_l)`` and logits from the head. :class:`DenseLayers` holds such a network's weights as
``(..., in, out)`` matrices (or ``K`` zero-padded networks stacked on a leading dimension) with
gradient buffers of the same layout; its :meth:`~DenseLayers.forward` keeps each layer's input and
pre-activation and :meth:`~DenseLayers.backward` fills the gradient buffers from ``d(loss)/d(logits)``
by the chain rule. Both the stacked trainer (:class:`archgym.engine.stacked.StackedMLP`) and the online
learner (:class:`DenseLearner`, on a module's own parameters) run these two passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from archgym.child import ChildNet
from archgym.engine import ops
from archgym.engine.optim import FUSED_OPTIONS, OptState, fused_options, step_function

if TYPE_CHECKING:
    from archgym.data import Dataset

__all__ = ["DenseLayers", "DenseLearner", "accuracy_and_loss", "ce_grad", "softmax", "stackable"]

Passes = tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]
"""``(logits, layer inputs, pre-activations)`` of a forward pass, what the backward pass needs."""


def stackable(model: nn.Module, data: Dataset | None = None) -> bool:
    """True when ``model`` is a plain dense :class:`~archgym.child.ChildNet` the fast path can train.

    Plain means: ``nn.Linear`` layers with biases, float32 parameters that all require gradients,
    no forward/backward hooks and no pruning reparametrisation (``weight_orig``), flat inputs.

    :param model: the model to check
    :param data: when given, also require the dataset to be flat float32 (raw ``uint8`` inputs need the
        per-batch normalisation of the autograd path) and on the model's device
    """
    if type(model) is not ChildNet or model.arch.is_image:
        return False
    for m in (*model.layers, model.head):
        if type(m) is not nn.Linear or m.bias is None:
            return False
        if m._forward_hooks or m._forward_pre_hooks or m._backward_hooks or hasattr(m, "parametrizations"):
            return False
        if list(m._parameters) != ["weight", "bias"]:
            return False
    if model._forward_hooks or model._forward_pre_hooks or model._backward_hooks:
        return False
    if any(p.dtype != torch.float32 or not p.requires_grad for p in model.parameters()):
        return False
    if data is None:
        return True
    return data.x_train.ndim == 2 and data.x_train.dtype == torch.float32 and model.device == data.device


def _fit_width(h: torch.Tensor, width: int) -> torch.Tensor:
    """``h`` with its last dimension zero-padded or cut to ``width`` (only zeros are ever cut)."""
    cur = h.shape[-1]
    return h if cur == width else (F.pad(h, (0, width - cur)) if cur < width else h[..., :width])


class DenseLayers:
    """A dense ReLU MLP (or ``K`` stacked ones) as ``(..., in, out)`` weight matrices, with gradient buffers.

    With 2-D weights the matmuls are ``addmm``/``mm`` (one network); with 3-D weights ``(K, in, out)`` they
    are ``baddbmm``/``bmm`` (``K`` networks, one per row). A stacked network shallower than the deepest
    passes its activations through the layers it lacks: ``active[l]`` (``(K, 1, 1)`` bool, None when every
    network has layer ``l``) selects, and ``dims`` gives the padded activation widths.

    :param weights: per layer (hidden layers then the head), ``(..., in, out)``; views of the parameters
    :param biases: per layer, broadcastable against ``(..., batch, out)``
    :param grad_weights: buffers shaped like ``weights`` that :meth:`backward` writes
    :param grad_biases: buffers ``(..., 1, out)`` that :meth:`backward` writes
    :param dims: activation widths ``[in, hidden..., classes]``
    :param active: per hidden layer, which stacked networks have it (default: all)
    """

    def __init__(
        self,
        weights: Sequence[torch.Tensor],
        biases: Sequence[torch.Tensor],
        grad_weights: Sequence[torch.Tensor],
        grad_biases: Sequence[torch.Tensor],
        dims: Sequence[int],
        active: Sequence[torch.Tensor | None] | None = None,
    ) -> None:
        self.w, self.b, self.gw, self.gb = list(weights), list(biases), list(grad_weights), list(grad_biases)
        self.depth = len(self.w) - 1
        self.dims = list(dims)
        self.active: list[torch.Tensor | None] = list(active) if active is not None else [None] * self.depth
        stacked = self.w[0].ndim == 3
        self._affine: Callable[..., torch.Tensor] = torch.baddbmm if stacked else torch.addmm
        self._mm: Callable[..., torch.Tensor] = torch.bmm if stacked else torch.mm

    def forward(self, x: torch.Tensor, out: torch.Tensor | None = None) -> Passes:
        """Logits of ``x`` ``(..., batch, in)`` with each layer's input and pre-activation (call under no_grad).

        :param x: inputs (per network when stacked)
        :param out: optional buffer that receives the logits
        """
        h, hs, zs = x, [x], []
        affine = self._affine
        for li in range(self.depth):
            z = affine(self.b[li], h, self.w[li])
            a = torch.relu(z)
            act = self.active[li]
            if act is not None:
                a = torch.where(act, a, _fit_width(h, self.dims[li + 1]))
            zs.append(z)
            hs.append(a)
            h = a
        d = self.depth
        if out is None:
            return affine(self.b[d], h, self.w[d]), hs, zs
        return affine(self.b[d], h, self.w[d], out=out), hs, zs

    def backward(self, g: torch.Tensor, hs: list[torch.Tensor], zs: list[torch.Tensor]) -> None:
        """Fill the gradient buffers from ``g`` = d(loss)/d(logits) and :meth:`forward`'s passes (no_grad)."""
        mm, d = self._mm, self.depth
        mm(hs[d].transpose(-1, -2), g, out=self.gw[d])
        torch.sum(g, -2, keepdim=True, out=self.gb[d])
        if d == 0:
            return
        gh = mm(g, self.w[d].transpose(-1, -2))
        for li in reversed(range(d)):
            gz = ops.relu_backward(gh, zs[li])
            mm(hs[li].transpose(-1, -2), gz, out=self.gw[li])
            torch.sum(gz, -2, keepdim=True, out=self.gb[li])
            if li > 0:
                gprev = mm(gz, self.w[li].transpose(-1, -2))
                act = self.active[li]
                if act is not None:
                    gprev = torch.where(act, gprev, _fit_width(gh, self.dims[li]))
                gh = gprev


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dim; on the CPU, big batches of short rows (10 classes) are ~5x faster unfused."""
    if logits.is_cuda or logits.numel() < 4096:
        return torch.softmax(logits, -1)
    e = (logits - logits.amax(-1, keepdim=True)).exp_()
    return e.div_(e.sum(-1, keepdim=True))


def ce_grad(logits: torch.Tensor, y: torch.Tensor, neg_one: torch.Tensor) -> torch.Tensor:
    """d(mean cross-entropy)/d(logits) of ``(n, C)`` logits: ``(softmax - onehot(y)) / n``.

    (The stacked trainer computes the same quantity as ``softmax / n - onehot / n`` from targets it
    scatters once per chunk; the two roundings differ in the last bit, and each path keeps its own so
    that recorded trajectories stay bit-identical.)

    :param neg_one: ``(n, 1)`` tensor of -1 (kept by the caller to save an allocation per step)
    """
    n = y.shape[0]
    return torch.softmax(logits, 1).scatter_add_(1, y.unsqueeze(1), neg_one).mul_(1.0 / n)


def accuracy_and_loss(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row mean accuracy and cross-entropy of ``logits`` ``(K, N, C)`` against ``y`` ``(K, N)``."""
    lse = torch.logsumexp(logits, -1)
    nll = lse - logits.gather(-1, y.unsqueeze(-1)).squeeze(-1)
    acc = (logits.argmax(-1) == y).to(logits.dtype)
    return acc.mean(-1), nll.mean(-1)


class DenseLearner:
    """Autograd-free learning of one plain dense ChildNet, on the module's own parameters.

    :meth:`forward` and :meth:`learn` run :class:`DenseLayers`' passes on views of the module's
    weights; gradients land in preallocated buffers and one fused optimizer step
    (:func:`archgym.engine.optim.step_function`) updates every parameter in place.

    :param model: a ChildNet for which :func:`stackable` is true
    :param optimizer: ``sgd``, ``adam`` or ``adamw``
    :param kwargs: the optimizer's options (see :data:`archgym.engine.optim.FUSED_OPTIONS`)
    """

    def __init__(self, model: nn.Module, optimizer: str, kwargs: Mapping[str, Any]) -> None:
        assert isinstance(model, ChildNet)
        self.model = model
        self.mods: tuple[nn.Linear, ...] = (*model.layers, model.head)  # type: ignore[arg-type]
        self.version = getattr(model, "version", 0)
        self.params = [p for m in self.mods for p in (m.weight, m.bias)]
        self.weights = [m.weight for m in self.mods]
        self.biases = [m.bias for m in self.mods]
        self.grads = [torch.empty_like(p) for p in self.params]
        dims = [self.mods[0].in_features, *(m.out_features for m in self.mods)]
        self.layers = DenseLayers(
            [w.detach().t() for w in self.weights],
            [b.detach() for b in self.biases],
            [g.t() for g in self.grads[0::2]],
            [g.view(1, -1) for g in self.grads[1::2]],
            dims,
        )
        self.optimizer = optimizer
        self.opts = fused_options(optimizer, kwargs)
        self._step = step_function(optimizer, model.device)
        self._neg: dict[int, torch.Tensor] = {}
        self.reset()

    def reset(self) -> None:
        """Forget the optimizer state (moments, momentum, step counts)."""
        self.state = OptState.zeros(self.params, self.optimizer)

    def matches(self, model: nn.Module) -> bool:
        """True while ``model`` is the one packed here, unmorphed (same layer and parameter objects)."""
        return (
            model is self.model
            and getattr(model, "version", 0) == self.version
            and all(m.weight is w and m.bias is b for m, w, b in zip(self.mods, self.weights, self.biases, strict=True))
        )

    @staticmethod
    def supports(model: nn.Module, optimizer: str, kwargs: Mapping[str, Any]) -> bool:
        """Whether the fast path can learn ``model`` with this optimizer and options."""
        return optimizer in FUSED_OPTIONS and set(kwargs) <= set(FUSED_OPTIONS[optimizer]) and stackable(model)

    def forward(self, x: torch.Tensor) -> Passes:
        """Logits of ``x`` with each layer's input and pre-activation (for :meth:`learn`; call under no_grad)."""
        return self.layers.forward(x)

    def learn(self, logits: torch.Tensor, hs: list[torch.Tensor], zs: list[torch.Tensor], y: torch.Tensor,
              lr: float) -> None:  # fmt: skip
        """One optimizer step on the mean cross-entropy of ``logits`` (from :meth:`forward`) against ``y``
        (call under ``torch.no_grad()``)."""
        n = y.shape[0]
        neg = self._neg.get(n)
        if neg is None or neg.device != y.device:
            neg = self._neg[n] = torch.full((n, 1), -1.0, device=y.device)
        self.layers.backward(ce_grad(logits, y, neg), hs, zs)
        self._step(self.params, self.grads, self.state, lr, self.opts)
