"""The child trainer: index batches on the device, no DataLoader, no per-batch host copies.

:class:`Trainer` fits a model for a budget of optimizer steps (or epochs) by drawing index
batches from a device-side permutation, and evaluates accuracy and loss on the device in one
pass. The only host synchronisation of :meth:`Trainer.fit` is reading the summed loss and
accuracy once at the end. The learning rate of step ``t`` comes from a schedule
(:mod:`archgym.schedules`): a float is a constant rate. The step counter ``t`` runs on across
calls and across optimizer rebuilds, so a decaying schedule keeps decaying over an episode.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from archgym.data import Dataset, unknown_name
from archgym.schedules import Schedule, make_schedule

__all__ = ["OPTIMIZERS", "EvalResult", "FitResult", "Trainer"]

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
    ) -> None:
        if optimizer not in OPTIMIZERS:
            raise unknown_name("optimizer", optimizer, list(OPTIMIZERS))
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not (isinstance(weight_decay, (int, float)) and math.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
        self.data = data
        self.schedule = make_schedule(schedule)
        self.batch_size = batch_size
        self.optimizer_name = optimizer
        self.weight_decay = float(weight_decay)
        self.momentum = float(momentum)
        self.t = 0
        self.generator = torch.Generator(device=data.device).manual_seed(seed)
        self._perm: torch.Tensor | None = None
        self._pos = 0
        self._opt: torch.optim.Optimizer | None = None
        self._opt_key: tuple[int, int] | None = None

    # ------------------------------------------------------------------ state
    def reseed(self, seed: int) -> None:
        """Restart the batch order from ``seed`` and the schedule from step 0."""
        self.generator.manual_seed(seed)
        self._perm, self._pos, self.t = None, 0, 0
        self._opt, self._opt_key = None, None

    @property
    def lr(self) -> float:
        """Learning rate of the next step."""
        return float(self.schedule(self.t))

    def optimizer_for(self, model: nn.Module) -> torch.optim.Optimizer:
        """The optimizer of ``model``, rebuilt whenever its parameters changed (a morph)."""
        key = (id(model), getattr(model, "version", 0))
        if self._opt is None or self._opt_key != key or not self._same_params(model):
            cls = OPTIMIZERS[self.optimizer_name]
            kw: dict[str, Any] = {"lr": self.lr, "weight_decay": self.weight_decay}
            if self.optimizer_name == "sgd":
                kw["momentum"] = self.momentum
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
        x, y = self.data.x_train, self.data.y_train
        n = x.shape[0]
        if (steps is None) == (epochs is None):
            raise ValueError("give exactly one budget: steps=... or epochs=...")
        if epochs is not None:
            if not (isinstance(epochs, (int, float)) and epochs > 0):
                raise ValueError(f"epochs must be > 0, got {epochs!r}")
            steps = max(1, math.ceil(epochs * n / min(self.batch_size, n)))
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"steps must be an int >= 0, got {steps!r}")
        model.train()
        opt = self.optimizer_for(model)
        loss_sum = torch.zeros((), device=x.device)
        correct = torch.zeros((), device=x.device, dtype=torch.long)
        seen = 0
        for _ in range(steps):
            lr = self.lr
            for g in opt.param_groups:
                g["lr"] = lr
            idx = self._next_indices(n)
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
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
        return FitResult(steps, float(loss_sum) / seen, float(correct) / seen)

    @torch.no_grad()
    def evaluate(self, model: nn.Module, split: str = "val", observe: bool = True) -> EvalResult:
        """Accuracy and mean loss of ``model`` on ``split``, computed on the device.

        :param observe: feed the validation loss to an adaptive schedule (``observe(metric)``)
        """
        x, y = self.data.split(split)
        was_training = model.training
        model.eval()
        out = model(x)
        loss = F.cross_entropy(out, y)
        acc = (out.argmax(1) == y).float().mean()
        model.train(was_training)
        res = EvalResult(float(acc), float(loss))
        if observe and split == "val":
            self.schedule.observe(res.loss)
        return res
