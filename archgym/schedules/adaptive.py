"""The adaptive schedule: reduce the rate when the observed metric plateaus."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, cast

from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls

from archgym.schedules.base import DEFAULT_LR, Schedule, _float, _int, _lr, _reset_base_lr


# --------------------------------------------------------------------------- adaptive (stateful)
def _better_min(a: float, best: float, threshold: float) -> bool:
    return a < best * (1.0 - threshold)


def _better_max(a: float, best: float, threshold: float) -> bool:
    return a > best * (1.0 + threshold)


_MODES = {"min": (_better_min, math.inf), "max": (_better_max, -math.inf)}


@dataclass
class Adaptive(Schedule):
    """Reduce on plateau, with the semantics of torch's ``ReduceLROnPlateau(threshold_mode="rel")``.

    Each :meth:`observe` compares the metric to the best so far: in mode ``min`` it improves when
    ``metric < best * (1 - threshold)`` (``max``: ``metric > best * (1 + threshold)``). After more than
    ``patience`` observations without improvement the rate becomes ``max(rate * factor, min_lr)``
    (skipped when that changes it by ``eps`` or less), then ``cooldown`` observations are ignored.
    ``schedule(t)`` returns the current rate, whatever ``t``; ``lr`` is the initial rate.

    :param lr: the initial learning rate (> 0)
    :param factor: the reduction factor, in (0, 1)
    :param patience: observations without improvement tolerated before a reduction (>= 0)
    :param threshold: relative improvement that counts, >= 0
    :param min_lr: the floor of the rate, in [0, lr]
    :param mode: ``"min"`` (a loss) or ``"max"`` (an accuracy)
    :param cooldown: observations ignored after a reduction (>= 0)
    :param eps: smallest change of rate that is applied
    """

    name: ClassVar[str] = "adaptive"
    chainable: ClassVar[bool] = False
    lr: float = DEFAULT_LR
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    min_lr: float = 0.0
    mode: str = "min"
    cooldown: int = 0
    eps: float = 1e-8

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.factor = _float(self.name, "factor", self.factor, 0.0, 1.0, open_low=True, open_high=True)
        self.patience = _int(self.name, "patience", self.patience, 0)
        self.threshold = _float(self.name, "threshold", self.threshold, 0.0, math.inf, open_low=False, open_high=True)
        self.min_lr = _float(self.name, "min_lr", self.min_lr, 0.0, self.lr, open_low=False, open_high=False)
        if self.mode not in _MODES:
            raise ValueError(f"invalid mode={self.mode!r} for schedule '{self.name}'; valid: {', '.join(_MODES)}")
        self.cooldown = _int(self.name, "cooldown", self.cooldown, 0)
        self.eps = _float(self.name, "eps", self.eps, 0.0, math.inf, open_low=False, open_high=True)
        self.reset()

    def reset(self) -> None:
        """Return to the initial rate and forget the metrics seen."""
        self.current = self.lr
        self.best = _MODES[self.mode][1]
        self.num_bad = 0
        self.cooldown_left = 0

    def __call__(self, t: int) -> float:
        return self.current

    def observe(self, metric: float) -> None:
        """Update the plateau state with one metric value (e.g. the validation loss).

        :param metric: the metric value (a python float, or a 0-d tensor)
        """
        value = float(metric)
        if _MODES[self.mode][0](value, self.best, self.threshold):
            self.best, self.num_bad = value, 0
        else:
            self.num_bad += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.num_bad = 0
        if self.num_bad > self.patience:
            new = max(self.current * self.factor, self.min_lr)
            if self.current - new > self.eps:
                self.current = new
            self.cooldown_left, self.num_bad = self.cooldown, 0

    def bind(self, optimizer: Optimizer) -> tls.LRScheduler:
        """Return a ``ReduceLROnPlateau`` in the same state (rate, best, counters); step it with the metric.

        :param optimizer: the torch optimizer to drive
        :return: the torch scheduler
        """
        _reset_base_lr(optimizer, self.lr)
        (chained,), _ = self._torch_chain(optimizer)
        scheduler = cast(tls.ReduceLROnPlateau, chained)
        for group in optimizer.param_groups:
            group["lr"] = self.current
        scheduler._last_lr = [self.current] * len(optimizer.param_groups)
        scheduler.best, scheduler.num_bad_epochs, scheduler.cooldown_counter = (
            self.best,
            self.num_bad,
            self.cooldown_left,
        )
        return scheduler

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        plateau = tls.ReduceLROnPlateau(
            optimizer,
            mode=self.mode,  # type: ignore[arg-type]
            factor=self.factor,
            patience=self.patience,
            threshold=self.threshold,
            threshold_mode="rel",
            cooldown=self.cooldown,
            min_lr=self.min_lr,
            eps=self.eps,
        )
        return [plateau], []
