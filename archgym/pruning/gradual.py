"""Gradual pruning: sparsity schedules and the prune-then-fine-tune loop.

A sparsity schedule maps a training step ``t`` to a target sparsity. Pruning happens at
``t0, t0 + dt, ..., t0 + n dt``; in between, the value stays at the last pruning step's.

* :class:`AGPSchedule` (Zhu & Gupta 2017, "automated gradual pruning"):
  ``s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^3`` — prunes fast first, slowly at the end.
* :class:`LinearSparsitySchedule`: ``s_t = s_i + (s_f - s_i) (t - t0) / (n dt)``.

:func:`gradual_prune` drives a :class:`~archgym.training.Trainer` (any object with
``fit(model, steps=...)`` and ``evaluate(model, split=...)``): prune to ``s_t``, train ``dt`` steps,
repeat, then fine-tune. Unstructured mode masks weights (the target is the fraction of pruned
weights); structured mode removes units (the target is the fraction of each layer's original
units removed).

>>> s = AGPSchedule(final=0.8, begin=0, steps=4, every=10)
>>> [round(s(t), 4) for t in (0, 10, 20, 30, 40, 99)]
[0.0, 0.4625, 0.7, 0.7875, 0.8, 0.8]
>>> make_sparsity_schedule("agb")
Traceback (most recent call last):
...
ValueError: unknown sparsity schedule 'agb'; did you mean 'agp'? valid: agp, linear
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from torch import nn

from archgym.data import unknown_name
from archgym.pruning.chain import as_chain
from archgym.pruning.checks import check_int, is_real
from archgym.pruning.criteria import DataLike, Importance, get_criterion
from archgym.pruning.masks import prune_unstructured
from archgym.pruning.stats import nonzero_params
from archgym.pruning.structured import prune_structured
from archgym.pruning.surgery import num_units

__all__ = [
    "GRADUAL_MODES",
    "SPARSITY_SCHEDULES",
    "AGPSchedule",
    "GradualStep",
    "LinearSparsitySchedule",
    "SparsitySchedule",
    "gradual_prune",
    "make_sparsity_schedule",
]


class FitEvaluate(Protocol):
    """What :func:`gradual_prune` needs of a trainer (:class:`archgym.training.Trainer` fits)."""

    def fit(self, model: nn.Module, steps: int | None = None) -> Any:
        """Train ``model`` for ``steps`` optimizer steps."""

    def evaluate(self, model: nn.Module, split: str = "val") -> Any:
        """An object with an ``accuracy`` attribute."""


class SparsitySchedule(ABC):
    """Target sparsity at training step ``t``; pruning steps are ``begin + k * every``, ``k = 0..steps``.

    :param final: sparsity reached at ``begin + steps * every`` (``s_f``), in ``[0, 1)``
    :param initial: sparsity of the first pruning step (``s_i``), in ``[0, final]``
    :param begin: first pruning step (``t0``)
    :param steps: number of pruning intervals (``n``)
    :param every: training steps between pruning steps (``dt``)
    """

    name: ClassVar[str] = ""

    def __init__(self, final: float, initial: float = 0.0, begin: int = 0, steps: int = 10, every: int = 10) -> None:
        for key, v in (("final", final), ("initial", initial)):
            if not is_real(v) or not 0.0 <= float(v) < 1.0:
                raise ValueError(f"{key} sparsity must be a number in [0, 1), got {v!r}")
        if initial > final:
            raise ValueError(f"initial sparsity {initial} exceeds final sparsity {final}")
        self.final, self.initial = float(final), float(initial)
        self.begin = check_int("begin", begin, 0)
        self.steps = check_int("steps", steps, 1)
        self.every = check_int("every", every, 1)

    def progress(self, t: int) -> float:
        """Fraction ``(t - t0) / (n dt)`` of the schedule done at the last pruning step ``<= t``, in ``[0, 1]``."""
        k = min(max(t - self.begin, 0) // self.every, self.steps)
        return k / self.steps

    @abstractmethod
    def __call__(self, t: int) -> float:
        """Target sparsity at step ``t``."""

    def pruning_steps(self) -> list[int]:
        """Training steps at which pruning happens."""
        return [self.begin + k * self.every for k in range(self.steps + 1)]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(final={self.final}, initial={self.initial}, begin={self.begin}, "
            f"steps={self.steps}, every={self.every})"
        )


class AGPSchedule(SparsitySchedule):
    """Cubic automated gradual pruning (Zhu & Gupta 2017)."""

    name = "agp"

    def __call__(self, t: int) -> float:
        """``s_f + (s_i - s_f) (1 - progress)^3``."""
        return self.final + (self.initial - self.final) * (1.0 - self.progress(t)) ** 3


class LinearSparsitySchedule(SparsitySchedule):
    """Sparsity rising linearly from ``initial`` to ``final``."""

    name = "linear"

    def __call__(self, t: int) -> float:
        """``s_i + (s_f - s_i) progress``."""
        return self.initial + (self.final - self.initial) * self.progress(t)


SPARSITY_SCHEDULES: dict[str, type[SparsitySchedule]] = {c.name: c for c in (AGPSchedule, LinearSparsitySchedule)}
"""Sparsity schedules by name."""


def make_sparsity_schedule(name: str, **kwargs: Any) -> SparsitySchedule:
    """A schedule by name (``agp`` or ``linear``) with its keyword arguments."""
    if name not in SPARSITY_SCHEDULES:
        raise unknown_name("sparsity schedule", name, list(SPARSITY_SCHEDULES))
    return SPARSITY_SCHEDULES[name](**kwargs)


@dataclass(frozen=True)
class GradualStep:
    """One pruning step of :func:`gradual_prune`.

    :param t: training step of the pruning
    :param target: the schedule's sparsity
    :param params: parameter count after pruning
    :param nonzero: active parameters after pruning
    :param val_accuracy: validation accuracy right after pruning (before the next training)
    """

    t: int
    target: float
    params: int
    nonzero: int
    val_accuracy: float


def _prune_unstructured_to(model: nn.Module, s: float, crit: Importance, kw: dict[str, Any]) -> None:
    prune_unstructured(model, s, crit, kw["scope"], layers=kw["layers"], data=kw["data"], seed=kw["seed"])


def _prune_structured_to(model: nn.Module, s: float, crit: Importance, kw: dict[str, Any]) -> None:
    chain = as_chain(model)
    widths0: dict[int, int] = kw["widths0"]
    if kw["scope"] == "global":
        now = sum(num_units(chain.layers[j]) for j in widths0)
        n = now - round((1.0 - s) * sum(widths0.values()))
        counts: int | Mapping[int | str, int] = max(n, 0)
    else:
        counts = {j: max(num_units(chain.layers[j]) - max(1, round((1.0 - s) * w)), 0) for j, w in widths0.items()}
    prune_structured(
        model, count=counts, criterion=crit, scope=kw["scope"], layers=list(widths0), data=kw["data"], seed=kw["seed"]
    )


GRADUAL_MODES: dict[str, Callable[[nn.Module, float, Importance, dict[str, Any]], None]] = {
    "unstructured": _prune_unstructured_to,
    "structured": _prune_structured_to,
}
"""Pruning modes of :func:`gradual_prune`."""


def gradual_prune(
    model: nn.Module,
    trainer: FitEvaluate,
    schedule: SparsitySchedule,
    *,
    mode: str = "unstructured",
    criterion: str | Importance = "l1",
    scope: str = "layer",
    layers: Sequence[int | str] | None = None,
    fine_tune_steps: int = 0,
    data: DataLike | None = None,
    seed: int = 0,
    on_prune: Callable[[GradualStep], None] | None = None,
) -> list[GradualStep]:
    """Iterative prune-then-train: train to ``begin``, prune to ``schedule(t)`` every ``every`` steps, fine-tune.

    :param model: the network (pruned in place)
    :param trainer: a :class:`~archgym.training.Trainer` (or anything with ``fit``/``evaluate``)
    :param schedule: the sparsity schedule (:class:`AGPSchedule`, :class:`LinearSparsitySchedule`)
    :param mode: ``unstructured`` (masks) or ``structured`` (units removed)
    :param criterion: criterion name or instance
    :param scope: ``layer`` or ``global``
    :param layers: layers to prune (default: all hidden layers)
    :param fine_tune_steps: training steps after the last pruning step
    :param data: data for gradient criteria (default: the trainer's ``data``)
    :param seed: seed of the gradient batches / random criterion
    :param on_prune: called with each :class:`GradualStep`
    """
    if mode not in GRADUAL_MODES:
        raise unknown_name("gradual pruning mode", mode, list(GRADUAL_MODES))
    fine_tune_steps = check_int("fine_tune_steps", fine_tune_steps, 0)
    crit = get_criterion(criterion, **({"seed": seed} if criterion == "random" else {}))
    kw: dict[str, Any] = {"scope": scope, "layers": layers, "seed": seed, "data": data}
    if kw["data"] is None and crit.needs_gradients:
        kw["data"] = getattr(trainer, "data", None)
    if mode == "structured":
        chain = as_chain(model)
        kw["widths0"] = {j: num_units(chain.layers[j]) for j in chain.select(layers)}
    history = []
    if schedule.begin:
        trainer.fit(model, steps=schedule.begin)
    steps = schedule.pruning_steps()
    for k, t in enumerate(steps):
        s = schedule(t)
        GRADUAL_MODES[mode](model, s, crit, kw)
        step = GradualStep(
            t=t,
            target=s,
            params=sum(p.numel() for p in model.parameters()),
            nonzero=nonzero_params(model),
            val_accuracy=float(trainer.evaluate(model, split="val").accuracy),
        )
        history.append(step)
        if on_prune is not None:
            on_prune(step)
        n_train = schedule.every if k + 1 < len(steps) else fine_tune_steps
        if n_train:
            trainer.fit(model, steps=n_train)
    return history
