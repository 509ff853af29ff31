"""The evaluator protocol: how the search core gets a child's score.

An evaluator owns the child network and whatever measures it (a trainer and a dataset, a cache, a stream,
a lookup table). The core calls it in two phases so that a vector env can train many children in one
stacked call:

1. ``begin_reset`` / ``begin_edit`` / ``begin_noop`` change the child (build, morph) and return a
   :class:`Plan`: an optional :class:`FitRequest` (train ``model`` with ``trainer`` for ``steps`` steps,
   then measure it on the validation split) and a ``finish`` function;
2. whoever holds the plan serves the request (:func:`serve` alone, or stacked with other envs' requests in
   :mod:`archgym.envs.vector`) and passes the outcome to ``finish``, which returns the :class:`Evaluation`.

Roll-back of diverged fits and out-of-memory undo are not the evaluator's job: :mod:`archgym.envs.guard`
does them for every evaluator through :meth:`Evaluator.weights` / :meth:`Evaluator.restore` /
:meth:`Evaluator.reinitialise` / :meth:`Evaluator.remeasure`.
"""

from __future__ import annotations

import functools
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet, UnitImportance
from archgym.engine import EvalResult, FitRequest, FitResult
from archgym.envs.config import RecipeConfig, SpaceConfig, TaskConfig

__all__ = ["EvalContext", "Evaluation", "Evaluator", "FitRequest", "Outcome", "Plan", "StepContext", "serve"]


@dataclass
class Evaluation:
    """The measured state of the current child."""

    val_accuracy: float
    val_loss: float
    train_accuracy: float
    cache_hit: bool = False
    diverged: bool = False


#: what serving a request gives: the fit's result and the validation result
Outcome = tuple[FitResult, EvalResult]


@dataclass
class Plan:
    """One evaluation in flight: the request to serve (None: nothing to train) and how to finish.

    :param request: the training to serve, or None
    :param finish: turns the outcome (None when there was no request) into the evaluation
    :param before: the weights to roll back to if the evaluation diverges (None: the seeded initialisation)
    """

    request: FitRequest | None
    finish: Callable[[Outcome | None], Evaluation]
    before: dict[str, torch.Tensor] | None = None


@dataclass(frozen=True)
class StepContext:
    """What an evaluator may read of the episode: its RNG, the current evaluation and the step count."""

    rng: np.random.Generator
    prev: Evaluation | None
    t: int


@dataclass(frozen=True)
class EvalContext:
    """What an evaluator is built from: the env's configuration pieces and device."""

    task: TaskConfig
    space: SpaceConfig
    recipe: RecipeConfig
    device: torch.device
    options: Mapping[str, Any]


def serve(request: FitRequest) -> Outcome:
    """Serve one request on its own: its trainer's ``fit`` then ``evaluate(model, "val")``."""
    tr, model = request.trainer, request.model
    fit = tr.fit(model, steps=request.steps) if request.steps > 0 else FitResult.empty()
    return fit, tr.evaluate(model, "val")


def evaluation_of(outcome: Outcome, prev: Evaluation | None) -> Evaluation:
    """The evaluation a served request gives (the train accuracy of ``prev`` when nothing was trained)."""
    fit, ev = outcome
    trained = fit.steps > 0
    train_acc = fit.train_accuracy if trained else (prev.train_accuracy if prev is not None else 0.0)
    diverged = (trained and fit.diverged) or not math.isfinite(ev.loss)
    return Evaluation(ev.accuracy, ev.loss, train_acc, diverged=diverged)


class Evaluator(ABC):
    """Builds, changes and measures the child of one env (see the module docstring).

    Subclasses set ``name`` and implement the ``begin_*`` methods; ``child`` and ``architecture`` are the
    current child and its architecture.
    """

    name: ClassVar[str]
    #: True: the evaluator's state is too big to save, the env saves its episode as a replay instead
    replay_only: ClassVar[bool] = False
    #: False: the evaluator ignores the child's weights (sparsity actions need them)
    keeps_weights: ClassVar[bool] = True
    #: extra global observation features: name -> (low, high, description)
    features: ClassVar[Mapping[str, tuple[float, float, str]]] = {}

    def __init__(self, ctx: EvalContext) -> None:
        self.ctx = ctx
        self.device = ctx.device
        self.child: ChildNet | None = None
        self.architecture: Architecture | None = None
        if ctx.options:
            raise ValueError(f"eval_mode {self.name!r} takes no evaluator_kwargs, got {sorted(ctx.options)}")

    # ------------------------------------------------------------------ the task
    @property
    @abstractmethod
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input sample."""

    @property
    @abstractmethod
    def num_classes(self) -> int:
        """Number of classes."""

    @property
    def data(self) -> Any:
        """The :class:`~archgym.data.Dataset` children are measured on (None for a stream)."""
        return None

    @functools.cached_property
    def narrow_importance(self) -> UnitImportance | None:
        """The unit-importance function of ``narrow`` (None: the child's default L1)."""
        criterion = self.ctx.space.narrow_criterion
        if callable(criterion):
            return criterion
        if criterion == "l1":
            return None
        from archgym.pruning import unit_importance  # a ValueError for an unknown name lists the criteria

        return unit_importance(criterion, data=self.data) if self.data is not None else unit_importance(criterion)

    # ------------------------------------------------------------------ the phases
    @abstractmethod
    def begin_reset(self, arch: Architecture, ctx: StepContext) -> Plan:
        """Build the episode's first child of ``arch``."""

    @abstractmethod
    def begin_edit(self, op: str, slot: int, arch: Architecture, ctx: StepContext) -> Plan:
        """Change the child by ``op`` at ``slot`` into ``arch`` (a valid edit of the current one)."""

    def begin_noop(self, ctx: StepContext) -> Plan | None:
        """What an invalid action does besides the penalty: nothing (None), or a plan (a stream keeps flowing)."""
        return None

    def current_lr(self) -> float:
        """Learning rate of the child's next training step."""
        return math.nan

    def feature_values(self, t: int, horizon: int) -> tuple[float, ...]:
        """Values of :attr:`features`, in order."""
        return ()

    # ------------------------------------------------------------------ roll-back (used by the guard)
    def weights(self) -> dict[str, torch.Tensor] | None:
        """A copy of the child's state (masks included) to roll back to; None without a child."""
        if self.child is None:
            return None
        return {k: v.detach().clone() for k, v in self.child.state_dict().items()}

    def restore(self, arch: Architecture, state: dict[str, torch.Tensor] | None) -> None:
        """Put architecture ``arch`` with weights ``state`` back into the current child object."""
        from archgym.pruning.masks import load_masked_state_dict

        self.architecture = arch
        if state is None:
            return
        fresh = ChildNet(arch, seed=0, device=self.device)
        load_masked_state_dict(fresh, {k: v.to(self.device) for k, v in state.items()})
        if self.child is None:
            self.child = fresh
            return
        self.child.layers, self.child.head, self.child.arch = fresh.layers, fresh.head, arch
        self.child.version += 1

    def roll_back(self, state: dict[str, torch.Tensor] | None) -> None:
        """Roll a diverged child back to ``state`` (None: the seeded initialisation of its architecture)."""
        assert self.architecture is not None
        if state is None:
            self.child = ChildNet(self.architecture, seed=self.ctx.recipe.scratch_seed, device=self.device)
            return
        from archgym.pruning.masks import load_masked_state_dict

        assert self.child is not None
        load_masked_state_dict(self.child, state)
        self.child.version += 1  # the optimizer moments are not finite: trainers rebuild them

    def remeasure(self) -> tuple[float, float] | None:
        """Validation accuracy and loss of the (rolled-back) child, or None where it cannot be re-measured."""
        return None

    # ------------------------------------------------------------------ checkpointing
    def state_dict(self) -> dict[str, Any]:
        """The evaluator's state: plain values and CPU tensors (architecture and child weights here)."""
        return {
            "architecture": None if self.architecture is None else self.architecture.to_dict(),
            "child": None if self.child is None else {k: v.detach().cpu() for k, v in self.child.state_dict().items()},
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`."""
        self.child = None
        arch = state["architecture"]
        self.architecture = None if arch is None else Architecture.from_dict(arch)
        if self.architecture is not None:
            self.restore(self.architecture, state["child"])
