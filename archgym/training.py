"""The child trainer: index batches on the device, no DataLoader, no per-batch host copies.

:class:`Trainer` fits a model for a budget of optimizer steps (or epochs) by drawing index
batches from a device-side permutation, and evaluates accuracy and loss on the device in one
pass. The only host synchronisation of :meth:`Trainer.fit` is reading the summed loss and
accuracy once at the end. The learning rate of step ``t`` comes from a schedule
(:mod:`archgym.schedules`): a float is a constant rate. The step counter ``t`` runs on across
calls and across optimizer rebuilds, so a decaying schedule keeps decaying over an episode.

Fast path
---------
A plain dense :class:`~archgym.child.ChildNet` (``nn.Linear`` layers with biases, no hooks, no
pruning reparametrisation, float32) is trained by :class:`StackedMLP` instead of autograd: the
batches of the whole budget are gathered with one ``index_select``, the forward and backward
passes are hand-written matmuls (no autograd graph), the gradients land in one flat buffer and
one fused optimizer kernel (``torch._fused_adam_`` and friends) updates all parameters. The
train loss and accuracy are computed once per chunk of steps from the stored logits. The same
engine trains ``K`` children *together* (:func:`fit_stacked`): their weights are zero-padded to
common widths and stacked, so each layer is one ``torch.bmm`` for all children; a child shallower
than the deepest one passes its activations through the missing layers unchanged. Padding stays
exactly zero (zero weights get zero gradients through ReLU), so a stacked child follows the same
mathematics as a lone one. ``Trainer(fast=False)``, an ``on_step`` hook or ``amp=True`` select the
autograd path, which serves every other model.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from archgym.child import ChildNet
from archgym.data import Dataset, unknown_name
from archgym.schedules import Schedule, make_schedule

__all__ = [
    "FUSED_OPTIONS",
    "FUSED_STEPS",
    "OPTIMIZERS",
    "EvalResult",
    "FitResult",
    "OptState",
    "StackedMLP",
    "Trainer",
    "evaluate_stacked",
    "fit_stacked",
    "fused_options",
    "stackable",
]

OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}

StepHook = Callable[[int, float, torch.Tensor], None]


@dataclass(frozen=True)
class FitResult:
    """Outcome of :meth:`Trainer.fit`: running train loss/accuracy over the fitted batches."""

    steps: int
    train_loss: float
    train_accuracy: float

    @property
    def diverged(self) -> bool:
        """True when the loss became NaN or infinite."""
        return not math.isfinite(self.train_loss)


@dataclass(frozen=True)
class EvalResult:
    """Accuracy and mean cross-entropy loss on one split."""

    accuracy: float
    loss: float


class Trainer:
    """Fits and evaluates classifiers on a device-resident :class:`~archgym.data.Dataset`.

    :param data: the dataset (its tensors define the device)
    :param schedule: learning-rate schedule: a float, a :class:`~archgym.schedules.Schedule`, or a
        spec ``make_schedule`` accepts (``{"name": "exponential", "lr": 0.01, "gamma": 0.99}``)
    :param batch_size: samples per optimizer step
    :param optimizer: ``adam``, ``adamw`` or ``sgd``
    :param weight_decay: L2 penalty passed to the optimizer
    :param momentum: momentum of ``sgd``
    :param seed: seed of the batch order
    :param fast: train plain dense :class:`~archgym.child.ChildNet` models with the autograd-free
        :class:`StackedMLP` engine (see the module docstring); ``False`` always uses autograd
    :param amp: mixed precision (bfloat16 autocast) on CUDA, autograd path only; ignored on the CPU
    :param morph_warmup: steps of linear learning-rate warm-up after the fitted model changes (0: none)
    """

    def __init__(
        self,
        data: Dataset,
        schedule: float | Schedule | dict[str, Any] | str = 3e-3,
        batch_size: int = 64,
        optimizer: str = "adam",
        weight_decay: float = 0.0,
        momentum: float = 0.9,
        seed: int = 0,
        fast: bool = True,
        amp: bool = False,
        morph_warmup: int = 0,
    ) -> None:
        if optimizer not in OPTIMIZERS:
            raise unknown_name("optimizer", optimizer, list(OPTIMIZERS))
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not (isinstance(weight_decay, (int, float)) and math.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
        if isinstance(morph_warmup, bool) or not isinstance(morph_warmup, int) or morph_warmup < 0:
            raise ValueError(f"morph_warmup must be an int >= 0, got {morph_warmup!r}")
        self.data = data
        self.schedule = make_schedule(schedule)
        self.morph_warmup = morph_warmup
        self.batch_size = batch_size
        self.optimizer_name = optimizer
        self.weight_decay = float(weight_decay)
        self.momentum = float(momentum)
        self.fast = bool(fast)
        self.amp = bool(amp) and data.device.type == "cuda"
        self.t = 0
        self.generator = torch.Generator(device=data.device).manual_seed(seed)
        self._perm: torch.Tensor | None = None
        self._pos = 0
        self._opt: torch.optim.Optimizer | None = None
        self._opt_key: tuple[int, int] | None = None
        self._fast_state: tuple[tuple[int, int], list[torch.Tensor], OptState] | None = None
        self._warm_key: tuple[int, int] | None = None
        self._warm_from = 0

    # ------------------------------------------------------------------ state
    def reseed(self, seed: int) -> None:
        """Restart the batch order from ``seed`` and the schedule from step 0."""
        self.generator.manual_seed(seed)
        self._perm, self._pos, self.t = None, 0, 0
        self._opt, self._opt_key, self._fast_state = None, None, None
        self._warm_key, self._warm_from = None, 0
        self.schedule.reset()  # an adaptive schedule forgets the plateaus it observed

    @property
    def lr(self) -> float:
        """Learning rate of the next step."""
        return self.lr_at(self.t)

    def lr_at(self, t: int) -> float:
        """Learning rate of step ``t``: the schedule's, ramped up linearly over the first ``morph_warmup``
        steps after the model last changed (a fresh optimizer's first Adam steps move every weight by
        about ``lr``, which would undo what a function-preserving morph kept)."""
        lr = float(self.schedule(t))
        if self.morph_warmup and t - self._warm_from < self.morph_warmup:
            lr *= (t - self._warm_from + 1) / (self.morph_warmup + 1)
        return lr

    def note_model(self, model: nn.Module) -> None:
        """Start a warm-up when ``model`` differs from the last one fitted (new network or a morph)."""
        key = (id(model), getattr(model, "version", 0))
        if key != self._warm_key:
            self._warm_key, self._warm_from = key, self.t

    def fused_given(self) -> dict[str, Any]:
        """This trainer's optimizer options, as :func:`fused_options` takes them (the torch.optim path's too)."""
        return {
            "weight_decay": self.weight_decay,
            **({"momentum": self.momentum} if self.optimizer_name == "sgd" else {}),
        }

    def optimizer_for(self, model: nn.Module) -> torch.optim.Optimizer:
        """The optimizer of ``model``, rebuilt whenever its parameters changed (a morph)."""
        key = (id(model), getattr(model, "version", 0))
        if self._opt is None or self._opt_key != key or not self._same_params(model):
            cls = OPTIMIZERS[self.optimizer_name]
            kw: dict[str, Any] = {"lr": self.lr, **self.fused_given()}
            if any(p.is_cuda for p in model.parameters()) or self.data.device.type == "cpu":
                kw["fused"] = all(p.dtype == torch.float32 for p in model.parameters())
            self._opt = cls(model.parameters(), **kw)
            self._opt_key = key
        return self._opt

    def _same_params(self, model: nn.Module) -> bool:
        assert self._opt is not None
        mine = [p for g in self._opt.param_groups for p in g["params"]]
        theirs = list(model.parameters())
        return len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs, strict=True))

    def _next_indices(self, n: int) -> torch.Tensor:
        size = min(self.batch_size, n)
        if self._perm is None or self._pos + size > self._perm.numel():
            self._perm = torch.randperm(n, generator=self.generator, device=self.data.device)
            self._pos = 0
        idx = self._perm[self._pos : self._pos + size]
        self._pos += size
        return idx

    def plan_indices(self, steps: int) -> torch.Tensor:
        """The training-set indices of the next ``steps`` batches, shape ``(steps, batch)``.

        Consumes the batch order exactly as ``steps`` optimizer steps of :meth:`fit` would.
        """
        n = self.data.x_train.shape[0]
        size = min(self.batch_size, n)
        parts, need = [], steps
        while need > 0:
            if self._perm is None or self._pos + size > self._perm.numel():
                self._perm = torch.randperm(n, generator=self.generator, device=self.data.device)
                self._pos = 0
            take = min(need, (self._perm.numel() - self._pos) // size)
            parts.append(self._perm[self._pos : self._pos + take * size])
            self._pos += take * size
            need -= take
        if not parts:
            return torch.empty(0, size, dtype=torch.long, device=self.data.device)
        return torch.cat(parts).view(steps, size)

    def _budget(self, steps: int | None, epochs: float | None) -> int:
        n = self.data.x_train.shape[0]
        if (steps is None) == (epochs is None):
            raise ValueError("give exactly one budget: steps=... or epochs=...")
        if epochs is not None:
            if not (isinstance(epochs, (int, float)) and epochs > 0):
                raise ValueError(f"epochs must be > 0, got {epochs!r}")
            steps = max(1, math.ceil(epochs * n / min(self.batch_size, n)))
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"steps must be an int >= 0, got {steps!r}")
        return steps

    # ------------------------------------------------------------------ fit / evaluate
    def fit(
        self,
        model: nn.Module,
        steps: int | None = None,
        epochs: float | None = None,
        on_step: StepHook | None = None,
    ) -> FitResult:
        """Train ``model`` for ``steps`` optimizer steps (or ``epochs`` passes over the training split).

        :param model: the classifier (``(N, *input_shape) -> logits``)
        :param steps: number of optimizer steps
        :param epochs: alternative budget in passes over the training data
        :param on_step: ``hook(t, lr, loss)`` after every step (``loss`` stays a device tensor)
        """
        steps = self._budget(steps, epochs)
        self.note_model(model)
        if on_step is None and self.fast and not self.amp and stackable(model, self.data):
            return fit_stacked([(self, model)], steps)[0]
        self._fast_state = None
        x, y = self.data.x_train, self.data.y_train
        n = x.shape[0]
        model.train()
        opt = self.optimizer_for(model)
        loss_sum = torch.zeros((), device=x.device)
        correct = torch.zeros((), device=x.device, dtype=torch.long)
        seen = 0
        autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp)
        for _ in range(steps):
            lr = self.lr
            for g in opt.param_groups:
                g["lr"] = lr
            idx = self._next_indices(n)
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            with autocast:
                out = model(xb)
                loss = F.cross_entropy(out.float(), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                loss_sum += loss.detach() * yb.numel()
                correct += (out.argmax(1) == yb).sum()
            seen += yb.numel()
            if on_step is not None:
                on_step(self.t, lr, loss.detach())
            self.t += 1
        if steps == 0:
            return FitResult(0, float("nan"), float("nan"))
        loss_v, correct_v = torch.stack([loss_sum, correct.to(loss_sum.dtype)]).tolist()
        return FitResult(steps, loss_v / seen, correct_v / seen)

    @torch.no_grad()
    def evaluate(self, model: nn.Module, split: str = "val", observe: bool = True) -> EvalResult:
        """Accuracy and mean loss of ``model`` on ``split``, computed on the device (one host read).

        :param observe: feed the validation loss to an adaptive schedule (``observe(metric)``)
        """
        x, y = self.data.split(split)
        was_training = model.training
        model.eval()
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp):
            out = model(x).float()
        loss = F.cross_entropy(out, y)
        acc = (out.argmax(1) == y).float().mean()
        model.train(was_training)
        acc_v, loss_v = torch.stack([acc, loss]).tolist()
        res = EvalResult(acc_v, loss_v)
        if observe and split == "val":
            self.schedule.observe(res.loss)
        return res


# ====================================================================== fused optimizer steps
@dataclass
class OptState:
    """State of a fused optimizer step: one tensor per parameter (a :class:`StackedMLP` row per child, or
    one per parameter of a module for :class:`archgym.online.OnlineLearner`)."""

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
        """Advance every child's step counter."""
        if self.step_base is not None:
            self.step_base.add_(1.0)
        else:
            torch._foreach_add_(self.steps, 1.0)


#: optimizer -> the options its fused kernel takes (see :func:`fused_options`)
FUSED_OPTIONS: dict[str, tuple[str, ...]] = {
    "sgd": ("momentum", "weight_decay", "dampening", "nesterov"),
    "adam": ("betas", "eps", "weight_decay"),
    "adamw": ("betas", "eps", "weight_decay"),
}


@functools.cache
def _torch_defaults(optimizer: str) -> dict[str, Any]:
    return dict(OPTIMIZERS[optimizer]([torch.zeros(1)]).defaults)


def fused_options(optimizer: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Options of :data:`FUSED_STEPS` ``[optimizer]``: torch's defaults for that optimizer, overridden by ``given``.

    :param optimizer: ``sgd``, ``adam`` or ``adamw``
    :param given: keys of :data:`FUSED_OPTIONS` ``[optimizer]`` (``weight_decay``, ``momentum``, ``betas``...)
    """
    defaults = _torch_defaults(optimizer)
    return {**{k: defaults[k] for k in FUSED_OPTIONS[optimizer]}, **given}


def _adam_like(kernel: Callable[..., None]) -> Callable[..., None]:
    def step(p: list[torch.Tensor], g: list[torch.Tensor], st: OptState, lr: float, o: Mapping[str, Any]) -> None:
        st.count_step()
        beta1, beta2 = o["betas"]
        kernel(p, g, st.m, st.v, [], st.steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=o["weight_decay"],
               eps=o["eps"], amsgrad=False, maximize=False)  # fmt: skip

    return step


def _sgd(p: list[torch.Tensor], g: list[torch.Tensor], st: OptState, lr: float, o: Mapping[str, Any]) -> None:
    bufs = st.m if o["momentum"] != 0 else []
    torch._fused_sgd_(p, g, bufs, weight_decay=o["weight_decay"], momentum=o["momentum"], lr=lr,
                      dampening=o["dampening"], nesterov=o["nesterov"], maximize=False,
                      is_first_step=st.first)  # fmt: skip
    st.first = False


#: fused optimizer kernels (what ``torch.optim`` runs with ``fused=True``): ``step(params, grads, state, lr,
#: options)``, the options from :func:`fused_options`
FUSED_STEPS: dict[str, Callable[[list[torch.Tensor], list[torch.Tensor], OptState, float, Mapping[str, Any]], None]] = {
    "adam": _adam_like(torch._fused_adam_),
    "adamw": _adam_like(torch._fused_adamw_),
    "sgd": _sgd,
}


def stackable(model: nn.Module, data: Dataset | None = None) -> bool:
    """True when ``model`` is a plain dense :class:`~archgym.child.ChildNet` the fast path can train.

    Plain means: ``nn.Linear`` layers with biases, float32 parameters that all require gradients,
    no forward/backward hooks and no pruning reparametrisation (``weight_orig``), flat inputs.

    :param model: the model to check
    :param data: when given, also require the dataset to be flat and on the model's device
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
    return data is None or (data.x_train.ndim == 2 and model.device == data.device)


class StackedMLP:
    """``K`` dense children packed as zero-padded stacked weights (see the module docstring).

    Hidden layer ``l`` is a ``(K, P_{l-1}, P_l)`` weight and a ``(K, 1, P_l)`` bias, ``P_l`` the widest
    activation any child has at depth ``l``; the head comes after the deepest hidden layer. All
    parameters of child ``k`` live in row ``k`` of one flat ``(K, N)`` buffer (gradients likewise), so
    one fused optimizer call updates every child.

    :param children: dense ChildNets with the same input size and classes, on one device
    """

    def __init__(self, children: Sequence[ChildNet]) -> None:
        if not children:
            raise ValueError("StackedMLP needs at least one child")
        archs = [c.arch for c in children]
        a0 = archs[0]
        if any(a.input_shape != a0.input_shape or a.num_classes != a0.num_classes for a in archs):
            raise ValueError(f"children must share input shape and classes; got {sorted({a.key() for a in archs})}")
        self.k = len(children)
        self.device = children[0].device
        self.depth = max(a.depth for a in archs)
        widths = [[x.width for x in a.layers] for a in archs]
        hidden = [max(w[min(li, len(w) - 1)] for w in widths) for li in range(self.depth)]
        self.dims = [a0.input_shape[0], *hidden, a0.num_classes]
        sizes = [self.dims[li] * self.dims[li + 1] + self.dims[li + 1] for li in range(self.depth + 1)]
        self.flat = torch.zeros(self.k, sum(sizes), device=self.device)
        self.grad = torch.zeros_like(self.flat)
        self.w, self.b, self.gw, self.gb = [], [], [], []
        off = 0
        for li, size in enumerate(sizes):
            a, b = self.dims[li], self.dims[li + 1]
            for buf, ws, bs in ((self.flat, self.w, self.b), (self.grad, self.gw, self.gb)):
                ws.append(buf[:, off : off + a * b].view(self.k, a, b))
                bs.append(buf[:, off + a * b : off + size].view(self.k, 1, b))
            off += size
        depths = torch.tensor([a.depth for a in archs], device=self.device)
        self.active: list[torch.Tensor | None] = [
            None if all(a.depth > li for a in archs) else (depths > li).view(-1, 1, 1) for li in range(self.depth)
        ]
        self._shapes = [[(m.in_features, m.out_features) for m in (*c.layers, c.head)] for c in children]
        with torch.no_grad():
            for k, c in enumerate(children):
                mods = (*c.layers, c.head)
                for j, m in enumerate(mods):
                    slot = j if j < len(c.layers) else self.depth
                    self.w[slot][k, : m.in_features, : m.out_features].copy_(m.weight.T)
                    self.b[slot][k, 0, : m.out_features].copy_(m.bias)

    def shape_key(self) -> list[list[tuple[int, int]]]:
        """``(in, out)`` of every layer of every child (a packed layout is reusable while it is equal)."""
        return self._shapes

    @torch.no_grad()
    def unpack(self, children: Sequence[ChildNet]) -> None:
        """Write the trained weights back into ``children`` (same order and shapes as packed)."""
        for k, c in enumerate(children):
            mods = (*c.layers, c.head)
            for j, m in enumerate(mods):
                slot = j if j < len(c.layers) else self.depth
                m.weight.copy_(self.w[slot][k, : m.in_features, : m.out_features].T)
                m.bias.copy_(self.b[slot][k, 0, : m.out_features])

    @staticmethod
    def _fit_width(h: torch.Tensor, width: int) -> torch.Tensor:
        """``h`` with its last dimension zero-padded or cut to ``width`` (only zeros are ever cut)."""
        cur = h.shape[-1]
        return h if cur == width else (F.pad(h, (0, width - cur)) if cur < width else h[..., :width])

    def forward(
        self, x: torch.Tensor, out: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        """Logits ``(K, B, C)`` of per-child batches ``x`` ``(K, B, in)``, with each layer's input and pre-activation.

        :param x: per-child inputs
        :param out: optional ``(K, B, C)`` buffer that receives the logits
        """
        h, hs, zs = x, [x], []
        for li in range(self.depth):
            z = torch.baddbmm(self.b[li], h, self.w[li])
            a = torch.relu(z)
            if self.active[li] is not None:
                a = torch.where(self.active[li], a, self._fit_width(h, self.dims[li + 1]))
            zs.append(z)
            hs.append(a)
            h = a
        if out is None:
            return torch.baddbmm(self.b[self.depth], h, self.w[self.depth]), hs, zs
        return torch.baddbmm(self.b[self.depth], h, self.w[self.depth], out=out), hs, zs

    def backward(self, g: torch.Tensor, hs: list[torch.Tensor], zs: list[torch.Tensor]) -> None:
        """Fill the gradient buffer from ``g`` = d(loss)/d(logits) ``(K, B, C)``."""
        d = self.depth
        torch.bmm(hs[d].transpose(1, 2), g, out=self.gw[d])
        torch.sum(g, 1, keepdim=True, out=self.gb[d])
        gh = torch.bmm(g, self.w[d].transpose(1, 2))
        for li in reversed(range(d)):
            gz = torch.ops.aten.threshold_backward(gh, zs[li], 0.0)
            torch.bmm(hs[li].transpose(1, 2), gz, out=self.gw[li])
            torch.sum(gz, 1, keepdim=True, out=self.gb[li])
            if li > 0:
                gprev = torch.bmm(gz, self.w[li].transpose(1, 2))
                if self.active[li] is not None:
                    gprev = torch.where(self.active[li], gprev, self._fit_width(gh, self.dims[li]))
                gh = gprev

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Accuracy and mean cross-entropy of every child on ``(x, y)``, as two ``(K,)`` device tensors."""
        logits, _, _ = self.forward(x.expand(self.k, *x.shape))
        return _accuracy_and_loss(logits, y.expand(self.k, -1))


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dim; on the CPU, big batches of short rows (10 classes) are ~5x faster unfused."""
    if logits.is_cuda or logits.numel() < 4096:
        return torch.softmax(logits, -1)
    e = (logits - logits.amax(-1, keepdim=True)).exp_()
    return e.div_(e.sum(-1, keepdim=True))


def _accuracy_and_loss(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row mean accuracy and cross-entropy of ``logits`` ``(K, N, C)`` against ``y`` ``(K, N)``."""
    lse = torch.logsumexp(logits, -1)
    nll = lse - logits.gather(-1, y.unsqueeze(-1)).squeeze(-1)
    acc = (logits.argmax(-1) == y).to(logits.dtype)
    return acc.mean(-1), nll.mean(-1)


def _check_jobs(jobs: Sequence[tuple[Trainer, ChildNet]]) -> None:
    if not jobs:
        raise ValueError("fit_stacked needs at least one (trainer, child) pair")
    t0 = jobs[0][0]
    for tr, child in jobs:
        if not stackable(child, tr.data):
            raise ValueError(f"child {child.arch.key()} cannot be stacked; valid: plain dense ChildNets")
        same = (tr.batch_size, tr.optimizer_name, tr.weight_decay, tr.momentum) == (
            t0.batch_size,
            t0.optimizer_name,
            t0.weight_decay,
            t0.momentum,
        )
        if not same or tr.data.x_train.shape != t0.data.x_train.shape:
            raise ValueError("stacked trainers must share dataset shape, batch_size and optimizer settings")


def fit_stacked(jobs: Sequence[tuple[Trainer, ChildNet]], steps: int) -> list[FitResult]:
    """Train ``K`` dense children together, each with its own trainer's batch order and schedule.

    Each child sees exactly the batches and learning rates its trainer's :meth:`Trainer.fit` would
    give it (the trainers' batch orders and step counters advance the same way). A single pair keeps
    its optimizer state across calls while the model is not morphed, like :meth:`Trainer.fit`;
    several pairs start from a fresh optimizer state (the env morphs before every fit anyway).

    :param jobs: ``(trainer, child)`` pairs; trainers must share the data shape and optimizer settings
    :param steps: optimizer steps for every child
    """
    _check_jobs(jobs)
    trainers = [tr for tr, _ in jobs]
    children = [c for _, c in jobs]
    if steps == 0:
        return [FitResult(0, float("nan"), float("nan")) for _ in jobs]
    t0 = trainers[0]
    stack = StackedMLP(children)
    step_fn = FUSED_STEPS[t0.optimizer_name]
    opts = fused_options(t0.optimizer_name, t0.fused_given())
    state = None
    if len(jobs) == 1:
        key = (id(children[0]), children[0].version)
        params = list(children[0].parameters())
        cached = t0._fast_state
        if cached is not None and cached[0] == key and all(a is b for a, b in zip(cached[1], params, strict=True)):
            state = cached[2]
    if state is None:
        state = OptState.zeros(list(stack.flat.unbind(0)), t0.optimizer_name)
    for tr, c in jobs:
        c.train()
        tr._opt, tr._opt_key = None, None
    x, y = t0.data.x_train, t0.data.y_train
    size = min(t0.batch_size, x.shape[0])
    n_cls = stack.dims[-1]
    for tr, c in jobs:
        tr.note_model(c)
    lrs = [[tr.lr_at(tr.t + s) for tr in trainers] for s in range(steps)]
    plan = torch.stack([tr.plan_indices(steps) for tr in trainers], 1)  # (steps, K, size)
    params, grads = list(stack.flat.unbind(0)), list(stack.grad.unbind(0))
    loss_sum = torch.zeros(stack.k, device=x.device)
    correct = torch.zeros(stack.k, device=x.device)
    chunk = max(1, min(steps, (1 << 22) // (stack.k * size * max(x.shape[1], n_cls))))
    with torch.no_grad():
        for c0 in range(0, steps, chunk):
            idx = plan[c0 : c0 + chunk]
            s_n = idx.shape[0]
            flat_idx = idx.reshape(-1)
            xb = F.embedding(flat_idx, x).view(s_n, stack.k, size, -1)
            yb = y.index_select(0, flat_idx).view(s_n, stack.k, size)
            # d(mean CE)/d(logits) = (softmax - onehot) / size: keep -onehot / size ready
            neg_target = torch.zeros(s_n, stack.k, size, n_cls, device=x.device)
            neg_target.scatter_(-1, yb.unsqueeze(-1), -1.0 / size)
            logits_buf = torch.empty(s_n, stack.k, size, n_cls, device=x.device)
            per_step = zip(xb.unbind(0), neg_target.unbind(0), logits_buf.unbind(0), strict=True)
            for s, (xs, ts, out) in enumerate(per_step):
                logits, hs, zs = stack.forward(xs, out=out)
                stack.backward(torch.add(ts, _softmax(logits), alpha=1.0 / size), hs, zs)
                row = lrs[c0 + s]
                if len(set(row)) == 1:
                    step_fn(params, grads, state, row[0], opts)
                else:
                    _step_groups(step_fn, params, grads, state, row, opts)
            acc, nll = _accuracy_and_loss(logits_buf.transpose(0, 1).flatten(1, 2), yb.transpose(0, 1).flatten(1))
            loss_sum += nll * (s_n * size)
            correct += acc * (s_n * size)
    stack.unpack(children)
    for tr in trainers:
        tr.t += steps
    if len(jobs) == 1:
        t0._fast_state = ((id(children[0]), children[0].version), list(children[0].parameters()), state)
    seen = steps * size
    loss_v, acc_v = torch.stack([loss_sum / seen, correct / seen]).tolist()
    return [FitResult(steps, lv, av) for lv, av in zip(loss_v, acc_v, strict=True)]


def _step_groups(
    step_fn: Callable[..., None],
    params: list[torch.Tensor],
    grads: list[torch.Tensor],
    state: OptState,
    lrs: list[float],
    opts: Mapping[str, Any],
) -> None:
    """One optimizer call per distinct learning rate (children at different schedule steps)."""
    for lr in dict.fromkeys(lrs):
        ks = [k for k, v in enumerate(lrs) if v == lr]
        sub = OptState(
            m=[state.m[k] for k in ks],
            v=[state.v[k] for k in ks] if state.v else [],
            steps=[state.steps[k] for k in ks] if state.steps else [],
            first=state.first,
        )
        step_fn([params[k] for k in ks], [grads[k] for k in ks], sub, lr, opts)
    state.first = False


def evaluate_stacked(
    jobs: Sequence[tuple[Trainer, ChildNet]], split: str = "val", observe: bool = True
) -> list[EvalResult]:
    """:meth:`Trainer.evaluate` of ``K`` dense children in one batched pass and one host read.

    :param jobs: ``(trainer, child)`` pairs as for :func:`fit_stacked`
    :param split: ``train``, ``val`` or ``test``
    :param observe: feed each validation loss to its trainer's schedule
    """
    _check_jobs(jobs)
    x, y = jobs[0][0].data.split(split)
    acc, loss = StackedMLP([c for _, c in jobs]).evaluate(x, y)
    accs, losses = torch.stack([acc, loss]).tolist()
    out = [EvalResult(a, lv) for a, lv in zip(accs, losses, strict=True)]
    if observe and split == "val":
        for (tr, _), res in zip(jobs, out, strict=True):
            tr.schedule.observe(res.loss)
    return out
