"""The child trainer: index batches on the device, no DataLoader, no per-batch host copies.

:class:`Trainer` fits a model for a budget of optimizer steps (or epochs) by drawing index
batches from a device-side permutation, and evaluates accuracy and loss on the device in one
pass. The only host synchronisation of :meth:`Trainer.fit` is reading the summed loss and
accuracy once at the end. The learning rate of step ``t`` comes from a schedule
(:mod:`archgym.schedules`): a float is a constant rate. The step counter ``t`` runs on across
calls and across optimizer rebuilds, so a decaying schedule keeps decaying over an episode.
:meth:`Trainer.restart_schedule` starts a *segment*: from then on step ``t`` runs at
``segment(t - t_start)`` instead (warm restarts: inherit mode's per-fine-tune schedule).

Fast path
---------
A plain dense :class:`~archgym.child.ChildNet` (``nn.Linear`` layers with biases, no hooks, no
pruning reparametrisation, float32) is trained by the engine (:mod:`archgym.engine`) instead of
autograd: hand-written forward and backward matmuls and one fused optimizer step per batch, the
same mathematics as autograd + ``torch.optim``. The engine also trains ``K`` children *together*
(:func:`archgym.engine.fit_many`), each with its own trainer's batch order and schedule, which it
reads and advances only through the trainer's public methods (:meth:`Trainer.begin_fast_fit`,
:meth:`Trainer.plan_lrs`, :meth:`Trainer.plan_indices`, :meth:`Trainer.end_fast_fit`).
``Trainer(fast=False)``, an ``on_step`` hook or ``amp=True`` select the autograd path, which serves
every other model.

:func:`fit_stacked` / :func:`evaluate_stacked` (``(trainer, child)`` pairs) are the engine's
:func:`~archgym.engine.fit_stack` / :func:`~archgym.engine.evaluate_stack` under their former names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from archgym.child import ChildNet
from archgym.data import Dataset, unknown_name
from archgym.engine import (
    FUSED_OPTIONS,
    OPTIMIZERS,
    EvalRequest,
    EvalResult,
    FitRequest,
    FitResult,
    KeptState,
    OptState,
    StackedMLP,
    evaluate_stack,
    fit_stack,
    fused_options,
    stackable,
)
from archgym.schedules import Schedule, make_schedule

__all__ = [
    "FUSED_OPTIONS",
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

StepHook = Callable[[int, float, torch.Tensor], None]


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
        engine (see the module docstring); ``False`` always uses autograd
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
        self._fast_state: tuple[tuple[int, int], list[torch.Tensor], KeptState] | None = None
        self._warm_key: tuple[int, int] | None = None
        self._warm_from = 0
        self._segment: Schedule | None = None
        self._segment_from = 0

    # ------------------------------------------------------------------ state
    def reseed(self, seed: int) -> None:
        """Restart the batch order from ``seed`` and the schedule from step 0 (any segment ends)."""
        self.generator.manual_seed(seed)
        self._perm, self._pos, self.t = None, 0, 0
        self._opt, self._opt_key, self._fast_state = None, None, None
        self._warm_key, self._warm_from = None, 0
        self._segment, self._segment_from = None, 0
        self.schedule.reset()  # an adaptive schedule forgets the plateaus it observed

    def restart_schedule(self, segment: Schedule | None) -> None:
        """Run the next steps on ``segment``, restarted at the current step: step ``t`` then has the rate
        ``segment(t - t_now)`` (a warm restart, as in SGDR), until the next call; ``None`` goes back to the
        trainer's own schedule at the global step ``t``. The step counter itself runs on either way.

        :param segment: a schedule (its own ``t`` counts from 0), or None
        :raises TypeError: ``segment`` is neither a :class:`~archgym.schedules.Schedule` nor None
        """
        if segment is not None and not isinstance(segment, Schedule):
            raise TypeError(f"segment must be a Schedule or None, got {type(segment).__name__}")
        self._segment, self._segment_from = segment, self.t

    def state_dict(self) -> dict[str, Any]:
        """The batch order (generator, permutation, position), step counter, warm-up start and schedule
        state (and the segment of :meth:`restart_schedule`, if any); not the optimizer moments (every morph
        starts a fresh optimizer)."""
        return {
            "t": self.t,
            "generator": self.generator.get_state(),
            "perm": None if self._perm is None else self._perm.detach().cpu(),
            "pos": self._pos,
            "warm_from": self._warm_from,
            "schedule": self.schedule.state_dict(),
            **(self._segment_state() if self._segment is not None else {}),
        }

    def _segment_state(self) -> dict[str, Any]:
        assert self._segment is not None
        seg = self._segment
        return {"segment": seg.to_dict(), "segment_state": seg.state_dict(), "segment_from": self._segment_from}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Put a :meth:`state_dict` back (drops any optimizer state; the next fit starts a fresh one)."""
        self.reseed(0)
        self.generator.set_state(state["generator"])
        self._perm = None if state["perm"] is None else state["perm"].to(self.data.device)
        self._pos, self.t, self._warm_from = int(state["pos"]), int(state["t"]), int(state["warm_from"])
        self.schedule.load_state_dict(state["schedule"])
        if state.get("segment") is not None:  # states saved before segments existed have none
            self._segment, self._segment_from = make_schedule(state["segment"]), int(state["segment_from"])
            self._segment.load_state_dict(state["segment_state"])

    @property
    def lr(self) -> float:
        """Learning rate of the next step."""
        return self.lr_at(self.t)

    def lr_at(self, t: int) -> float:
        """Learning rate of step ``t``: the schedule's, ramped up linearly over the first ``morph_warmup``
        steps after the model last changed (a fresh optimizer's first Adam steps move every weight by
        about ``lr``, which would undo what a function-preserving morph kept). Within a segment
        (:meth:`restart_schedule`) the schedule is the segment's, at ``t`` minus the segment's start."""
        seg = self._segment
        lr = float(self.schedule(t) if seg is None else seg(t - self._segment_from))
        if self.morph_warmup and t - self._warm_from < self.morph_warmup:
            lr *= (t - self._warm_from + 1) / (self.morph_warmup + 1)
        return lr

    def plan_lrs(self, steps: int) -> list[float]:
        """Learning rates of the next ``steps`` steps (does not advance the step counter)."""
        return [self.lr_at(self.t + s) for s in range(steps)]

    def advance(self, steps: int) -> None:
        """Count ``steps`` optimizer steps taken (the schedule moves on)."""
        self.t += steps

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

    # ------------------------------------------------------------------ what the engine uses
    def trains_fast(self, model: nn.Module) -> bool:
        """Whether :meth:`fit` (without ``on_step``) trains ``model`` on the engine's dense fast path."""
        return self.fast and not self.amp and stackable(model, self.data)

    def begin_fast_fit(self, model: nn.Module) -> KeptState | None:
        """Start a fast-path fit of ``model``: note it (a changed model starts a warm-up), drop the autograd
        optimizer, and return the optimizer state kept from the last fit of this unchanged model (or None)."""
        self.note_model(model)
        self._opt, self._opt_key = None, None
        kept = self._fast_state
        if kept is None or kept[0] != (id(model), getattr(model, "version", 0)):
            return None
        params = list(model.parameters())
        if len(params) != len(kept[1]) or any(a is not b for a, b in zip(kept[1], params, strict=True)):
            return None
        return kept[2]

    def end_fast_fit(self, model: nn.Module, steps: int, state: KeptState | None) -> None:
        """Finish a fast-path fit: count ``steps`` and keep ``state`` (the engine's, opaque here) for the next
        fit of the unchanged ``model`` (None: keep nothing)."""
        self.advance(steps)
        key = (id(model), getattr(model, "version", 0))
        self._fast_state = None if state is None else (key, list(model.parameters()), state)

    def observe_eval(self, result: EvalResult, split: str) -> None:
        """Feed a validation result's loss to an adaptive schedule (other splits are ignored)."""
        if split == "val":
            self.schedule.observe(result.loss)

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

    def budget(self, steps: int | None = None, epochs: float | None = None) -> int:
        """The number of optimizer steps of a budget given as ``steps`` or as ``epochs`` (exactly one)."""
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
        steps = self.budget(steps, epochs)
        self.note_model(model)
        if on_step is None and self.trains_fast(model):
            return fit_stack([FitRequest(model, self, steps)])[0]
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
            xb, yb = self.data.normalize(x.index_select(0, idx)), y.index_select(0, idx)  # uint8 -> float per batch
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
            return FitResult.empty()
        loss_v, correct_v = torch.stack([loss_sum, correct.to(loss_sum.dtype)]).tolist()
        return FitResult(steps, loss_v / seen, correct_v / seen)

    @torch.no_grad()
    def evaluate(self, model: nn.Module, split: str = "val", observe: bool = True) -> EvalResult:
        """Accuracy and mean loss of ``model`` on ``split``, computed on the device (one host read).

        :param observe: feed the validation loss to an adaptive schedule (``observe(metric)``)
        """
        x, y = self.data.split(split, normalized=True)
        was_training = model.training
        model.eval()
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp):
            out = model(x).float()
        loss = F.cross_entropy(out, y)
        acc = (out.argmax(1) == y).float().mean()
        model.train(was_training)
        acc_v, loss_v = torch.stack([acc, loss]).tolist()
        res = EvalResult(acc_v, loss_v)
        if observe:
            self.observe_eval(res, split)
        return res


# ====================================================================== former names of the engine's stacked calls
def fit_stacked(jobs: Sequence[tuple[Trainer, ChildNet]], steps: int) -> list[FitResult]:
    """:func:`archgym.engine.fit_stack` of ``(trainer, child)`` pairs, each for ``steps`` steps."""
    if not jobs:
        raise ValueError("fit_stacked needs at least one (trainer, child) pair")
    return fit_stack([FitRequest(c, tr, steps) for tr, c in jobs])


def evaluate_stacked(
    jobs: Sequence[tuple[Trainer, ChildNet]], split: str = "val", observe: bool = True
) -> list[EvalResult]:
    """:func:`archgym.engine.evaluate_stack` of ``(trainer, child)`` pairs.

    :param jobs: ``(trainer, child)`` pairs as for :func:`fit_stacked`
    :param split: ``train``, ``val`` or ``test``
    :param observe: feed each validation loss to its trainer's schedule
    """
    return evaluate_stack([EvalRequest(c, tr) for tr, c in jobs], split, observe)
