"""The engine's public fit interface: requests, results, and what it needs of a trainer.

A :class:`FitRequest` asks for ``steps`` optimizer steps of one model with one trainer's batch
order, schedule and optimizer settings; :func:`archgym.engine.fit_many` answers a list of them with
:class:`FitResult` objects (stackable ones trained together). The engine reads and advances a
trainer only through the :class:`EngineTrainer` methods (:class:`archgym.training.Trainer` is one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import torch
from torch import nn

if TYPE_CHECKING:
    from archgym.data import Dataset
    from archgym.engine.stacked import KeptState

__all__ = ["EngineTrainer", "EvalRequest", "EvalResult", "FitRequest", "FitResult"]


@dataclass(frozen=True)
class FitResult:
    """Outcome of a fit: running train loss/accuracy over the fitted batches (NaN after 0 steps)."""

    steps: int
    train_loss: float
    train_accuracy: float

    @property
    def diverged(self) -> bool:
        """True when the loss became NaN or infinite."""
        return not math.isfinite(self.train_loss)

    @classmethod
    def empty(cls) -> FitResult:
        """The result of a fit of 0 steps."""
        return cls(0, float("nan"), float("nan"))


@dataclass(frozen=True)
class EvalResult:
    """Accuracy and mean cross-entropy loss on one split."""

    accuracy: float
    loss: float


class EngineTrainer(Protocol):
    """What the engine needs of a trainer: its data and settings, and public methods that hand out and
    advance its batch order, learning rates and fast-path optimizer state."""

    @property
    def data(self) -> Dataset:
        """The device-resident dataset (the engine reads ``x_train``/``y_train`` and ``split(name)``)."""
        ...

    @property
    def batch_size(self) -> int:
        """Samples per optimizer step."""
        ...

    @property
    def optimizer_name(self) -> str:
        """``adam``, ``adamw`` or ``sgd``."""
        ...

    def fused_given(self) -> dict[str, Any]:
        """The optimizer options (``weight_decay``, ``momentum``...) given to the fast-path step."""
        ...

    def trains_fast(self, model: nn.Module) -> bool:
        """Whether :meth:`fit` would train ``model`` on the engine's dense fast path."""
        ...

    def begin_fast_fit(self, model: nn.Module) -> KeptState | None:
        """Start a fast-path fit of ``model``: note it (a changed model starts a warm-up), drop any autograd
        optimizer, and return the optimizer state kept from the last fit of this unchanged model (or None)."""
        ...

    def plan_lrs(self, steps: int) -> list[float]:
        """Learning rates of the next ``steps`` steps (does not advance the trainer)."""
        ...

    def plan_indices(self, steps: int) -> torch.Tensor:
        """Training-set indices of the next ``steps`` batches, ``(steps, batch)`` (consumes the batch order)."""
        ...

    def end_fast_fit(self, model: nn.Module, steps: int, state: KeptState | None) -> None:
        """Finish a fast-path fit: advance the step counter by ``steps`` and keep ``state`` for the next fit
        of the unchanged ``model`` (None: keep nothing)."""
        ...

    def observe_eval(self, result: EvalResult, split: str) -> None:
        """Feed an evaluation to the trainer's schedule (what ``evaluate(observe=True)`` does)."""
        ...

    def fit(self, model: nn.Module, steps: int | None = None) -> FitResult:
        """Train ``model`` alone for ``steps`` steps."""
        ...

    def evaluate(self, model: nn.Module, split: str = "val", observe: bool = True) -> EvalResult:
        """Accuracy and loss of ``model`` alone on ``split``."""
        ...


@dataclass(frozen=True, eq=False)
class EvalRequest:
    """Evaluate ``model`` on its trainer's data.

    :param model: the classifier
    :param trainer: its trainer
    """

    model: nn.Module
    trainer: EngineTrainer


@dataclass(frozen=True, eq=False)
class FitRequest(EvalRequest):
    """Train ``model`` for ``steps`` optimizer steps with ``trainer``'s batch order, schedule and optimizer.

    :param model: the classifier
    :param trainer: its trainer (each request of one call needs its own)
    :param steps: optimizer steps (>= 0)
    """

    steps: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 0:
            raise ValueError(f"steps must be an int >= 0, got {self.steps!r}")
