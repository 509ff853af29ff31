"""Stateless schedules: constant, exponential decay, step decay, cosine annealing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls

from archgym.schedules.base import DEFAULT_LR, Schedule, _ConstantFactor, _float, _int, _lr


# --------------------------------------------------------------------------- stateless schedules
@dataclass
class Constant(Schedule):
    """A fixed learning rate: ``lr_t = lr``.

    :param lr: the learning rate (> 0)
    """

    name: ClassVar[str] = "constant"
    lr: float = DEFAULT_LR

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)

    def __call__(self, t: int) -> float:
        return self.lr

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        return [tls.LambdaLR(optimizer, _ConstantFactor(1.0))], []


@dataclass
class Exponential(Schedule):
    """Exponential decay: ``lr_t = lr * gamma ** t``, or ``lr * gamma ** (t / total)`` when ``total`` is given
    (the rate then shrinks by ``gamma`` every ``total`` steps). Binds to ``ExponentialLR``.

    :param lr: the initial learning rate (> 0)
    :param gamma: the decay factor, in (0, 1]
    :param total: optional number of steps over which the rate shrinks by ``gamma`` (>= 1)
    """

    name: ClassVar[str] = "exponential"
    lr: float = DEFAULT_LR
    gamma: float = 0.99
    total: int | None = None

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.gamma = _float(self.name, "gamma", self.gamma, 0.0, 1.0, open_low=True, open_high=False)
        if self.total is not None:
            self.total = _int(self.name, "total", self.total, 1)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma ** (t if self.total is None else t / self.total)

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        gamma = self.gamma if self.total is None else self.gamma ** (1.0 / self.total)
        return [tls.ExponentialLR(optimizer, gamma=gamma)], []


@dataclass
class Step(Schedule):
    """Step decay: ``lr_t = lr * gamma ** floor(t / step_size)``. Binds to ``StepLR``.

    :param lr: the initial learning rate (> 0)
    :param step_size: steps between two decays (>= 1)
    :param gamma: the factor applied at each decay, in (0, 1]
    """

    name: ClassVar[str] = "step"
    lr: float = DEFAULT_LR
    step_size: int = 100
    gamma: float = 0.5

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.step_size = _int(self.name, "step_size", self.step_size, 1)
        self.gamma = _float(self.name, "gamma", self.gamma, 0.0, 1.0, open_low=True, open_high=False)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma ** (t // self.step_size)

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        return [tls.StepLR(optimizer, step_size=self.step_size, gamma=self.gamma)], []


@dataclass
class Cosine(Schedule):
    """Cosine annealing: ``lr_t = min_lr + (lr - min_lr) * (1 + cos(pi * min(t, total) / total)) / 2``.

    The rate stays at ``min_lr`` after ``total`` steps (torch's ``CosineAnnealingLR`` alone would rise
    again, so :meth:`bind` returns ``SequentialLR(CosineAnnealingLR, constant min_lr)``).

    :param lr: the initial learning rate (> 0)
    :param total: steps from ``lr`` down to ``min_lr`` (>= 1)
    :param min_lr: the final learning rate, in [0, lr]
    """

    name: ClassVar[str] = "cosine"
    lr: float = DEFAULT_LR
    total: int = 1000
    min_lr: float = 0.0

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.total = _int(self.name, "total", self.total, 1)
        self.min_lr = _float(self.name, "min_lr", self.min_lr, 0.0, self.lr, open_low=False, open_high=False)

    def __call__(self, t: int) -> float:
        progress = min(t, self.total) / self.total
        return self.min_lr + (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        cosine = tls.CosineAnnealingLR(optimizer, T_max=self.total, eta_min=self.min_lr)
        hold = tls.LambdaLR(optimizer, _ConstantFactor(self.min_lr / self.lr))
        return [cosine, hold], [self.total]
