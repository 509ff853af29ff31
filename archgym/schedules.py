"""Learning-rate schedules: small callable classes under one ABC, torch binding and an SB3 adapter.

A schedule maps an optimizer step ``t >= 0`` to a learning rate; its base rate ``lr`` is a field.
The trainer writes ``schedule(t)`` into the optimizer's param groups before each step and calls
``schedule.observe(val_loss)`` after each validation evaluation (only :class:`Adaptive` uses it).

=============  =========================  ==================================================
name           class                      rate at step ``t``
=============  =========================  ==================================================
constant/fixed :class:`Constant`          ``lr``
exponential    :class:`Exponential`       ``lr * gamma ** t`` (``gamma ** (t / total)``)
step           :class:`Step`              ``lr * gamma ** (t // step_size)``
adaptive       :class:`Adaptive`          reduce on plateau of the observed metric
warmup         :class:`Warmup`            linear warm-up, then ``lr`` or another schedule
cosine         :class:`Cosine`            cosine annealing from ``lr`` to ``min_lr``
sequence       :class:`Sequential`        several schedules one after another
=============  =========================  ==================================================

``make_schedule`` builds one from a float, a name or a dict as YAML presets write it, e.g.
``{"name": "warmup", "steps": 100, "then": {"name": "cosine", "total": 1000}}``;
``schedule.bind(optimizer)`` returns the equivalent ``torch.optim.lr_scheduler`` object and
``sb3_schedule(schedule, total_timesteps)`` the callable stable-baselines3 expects.

>>> s = make_schedule({"name": "step", "lr": 0.1, "step_size": 10, "gamma": 0.5})
>>> s
Step(lr=0.1, step_size=10, gamma=0.5)
>>> [s(t) for t in (0, 9, 10, 25)]
[0.1, 0.1, 0.05, 0.025]
>>> make_schedule(s.to_dict()) == s
True
>>> sb3_schedule(s, total_timesteps=20)(0.5)  # SB3's progress_remaining 0.5 is step 10
0.05
"""

from __future__ import annotations

import difflib
import math
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import Any, ClassVar

from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls

__all__ = [
    "DEFAULT_LR",
    "SCHEDULES",
    "Adaptive",
    "Constant",
    "Cosine",
    "Exponential",
    "SB3Schedule",
    "Schedule",
    "Sequential",
    "Step",
    "Warmup",
    "make_schedule",
    "sb3_schedule",
]

DEFAULT_LR = 1e-3


# --------------------------------------------------------------------------- validation helpers
def _float(owner: str, key: str, value: Any, low: float, high: float, *, open_low: bool, open_high: bool) -> float:
    """Coerce ``value`` to float (numeric strings too: PyYAML reads ``1e-3`` as a string) and range-check it."""
    interval = f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
    valid = f"valid: a number in {interval}"
    if isinstance(value, bool):
        raise ValueError(f"invalid {key}={value!r} for schedule '{owner}'; {valid}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"invalid {key}={value!r} for schedule '{owner}'; {valid}") from None
    too_low = x <= low if open_low else x < low
    too_high = x >= high if open_high else x > high
    if math.isnan(x) or too_low or too_high:
        raise ValueError(f"invalid {key}={value!r} for schedule '{owner}'; {valid}")
    return x


def _int(owner: str, key: str, value: Any, minimum: int) -> int:
    """Coerce ``value`` to an int ``>= minimum`` (integral floats such as ``100.0`` are accepted)."""
    valid = f"valid: an integer >= {minimum}"
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value != int(value)
        or value < minimum
    ):
        raise ValueError(f"invalid {key}={value!r} for schedule '{owner}'; {valid}")
    return int(value)


def _lr(owner: str, value: Any) -> float:
    """A base learning rate: a finite number > 0."""
    return _float(owner, "lr", value, 0.0, math.inf, open_low=True, open_high=True)


class _ConstantFactor:
    """Picklable ``LambdaLR`` multiplier that always returns ``factor``."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, epoch: int) -> float:
        return self.factor

    def __repr__(self) -> str:
        return f"_ConstantFactor({self.factor!r})"


def _reset_base_lr(optimizer: Optimizer, lr: float) -> None:
    """Make ``lr`` the base rate of every param group (torch schedulers read ``initial_lr``)."""
    for group in optimizer.param_groups:
        group["lr"] = lr
        group["initial_lr"] = lr


# --------------------------------------------------------------------------- the ABC
class Schedule(ABC):
    """A learning-rate schedule: ``schedule(t)`` is the rate at optimizer step ``t >= 0``.

    Subclasses are dataclasses whose init fields are the configuration (``to_dict`` writes them,
    ``make_schedule`` reads them back); ``lr`` is the base rate. They pickle and have a ``__repr__``.
    """

    name: ClassVar[str]
    #: False for schedules torch's SequentialLR cannot hold (ReduceLROnPlateau needs a metric).
    chainable: ClassVar[bool] = True
    lr: float

    @abstractmethod
    def __call__(self, t: int) -> float:
        """Return the learning rate at optimizer step ``t``.

        :param t: the optimizer step, ``t >= 0``
        :return: the learning rate
        """

    def observe(self, metric: float) -> None:
        """Feed a monitored metric (e.g. the validation loss); stateless schedules ignore it.

        :param metric: the metric value
        """
        return None

    def reset(self) -> None:
        """Forget any state gathered by :meth:`observe` (a no-op for stateless schedules)."""
        return None

    def state_dict(self) -> dict[str, Any]:
        """The schedule's plain-valued attributes (configuration and observed state), nested schedules included.

        Plain values only, so it saves with ``torch.save`` and loads with ``weights_only=True``.
        """
        out: dict[str, Any] = {}
        for k, v in vars(self).items():
            if v is None or isinstance(v, (bool, int, float, str)):
                out[k] = v
            elif isinstance(v, Schedule):
                out[k] = {"__schedule__": v.state_dict()}
            elif isinstance(v, (list, tuple)) and all(isinstance(x, Schedule) for x in v):
                out[k] = {"__schedules__": [x.state_dict() for x in v]}
            elif isinstance(v, (list, tuple)) and all(isinstance(x, (bool, int, float, str)) for x in v):
                out[k] = list(v)
        return out

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Put a :meth:`state_dict` back (the schedule then continues exactly from it).

        :param state: the saved state
        """
        for k, v in state.items():
            cur = getattr(self, k, None)
            if isinstance(v, dict) and "__schedule__" in v:
                cur.load_state_dict(v["__schedule__"])
            elif isinstance(v, dict) and "__schedules__" in v:
                for sub, st in zip(cur, v["__schedules__"], strict=True):
                    sub.load_state_dict(st)
            elif isinstance(v, list) and isinstance(cur, tuple):
                object.__setattr__(self, k, tuple(v))
            else:
                object.__setattr__(self, k, v)

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a plain dict that :func:`make_schedule` turns back into this schedule."""
        out: dict[str, Any] = {"name": self.name}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, Schedule):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, Schedule) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def valid_keys(cls) -> list[str]:
        """Return the keys a dict spec of this schedule may hold (besides ``name``)."""
        return [f.name for f in fields(cls) if f.init]  # type: ignore[arg-type]

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, lr: float | None = None) -> Schedule:
        """Build the schedule from dict-spec parameters (without ``name``).

        :param params: keyword arguments, as written in a YAML preset
        :param lr: base rate used when ``params`` has no ``lr``
        :return: the schedule
        """
        params = dict(params)
        _check_keys(cls.name, params, cls.valid_keys())
        if "lr" not in params:
            params["lr"] = DEFAULT_LR if lr is None else lr
        return cls(**params)

    def bind(self, optimizer: Optimizer) -> tls.LRScheduler:
        """Return the equivalent ``torch.optim.lr_scheduler`` object, driving ``optimizer`` from step 0.

        The param groups' rate is set to ``lr``. Call ``scheduler.step()`` after each
        ``optimizer.step()``; after ``k`` steps ``scheduler.get_last_lr()[0] == self(k)``.

        :param optimizer: the torch optimizer to drive
        :return: the torch scheduler
        """
        _reset_base_lr(optimizer, self.lr)
        chain, milestones = self._torch_chain(optimizer)
        return chain[0] if len(chain) == 1 else tls.SequentialLR(optimizer, chain, milestones)

    @abstractmethod
    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        """Return torch schedulers and the milestones between them (for ``SequentialLR``)."""


def _check_keys(name: str, params: Mapping[str, Any], valid: list[str]) -> None:
    """Raise ValueError naming the unknown keys of ``params`` and the valid ones."""
    unknown = [k for k in params if k not in valid]
    if not unknown:
        return
    hints = [m for k in unknown for m in difflib.get_close_matches(str(k), valid, n=1)]
    hint = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
    raise ValueError(
        f"unknown key(s) {', '.join(repr(k) for k in unknown)} for schedule '{name}'{hint} "
        f"valid: name, {', '.join(valid)}"
    )


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
        (scheduler,), _ = self._torch_chain(optimizer)
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


# --------------------------------------------------------------------------- composition
def _chain_parts(
    optimizer: Optimizer, parts: list[Schedule], milestones: list[int]
) -> tuple[list[tls.LRScheduler], list[int]]:
    """Flatten the torch chains of ``parts`` (starting at ``milestones``) into one SequentialLR chain."""
    chain: list[tls.LRScheduler] = []
    flat: list[int] = []
    for part, start in zip(parts, [0, *milestones], strict=True):
        if not part.chainable:
            raise ValueError(
                f"cannot bind a composition holding {part!r}: torch's SequentialLR cannot step a "
                "ReduceLROnPlateau; use the schedule directly (schedule(t), observe(metric)); "
                f"chainable schedules: {', '.join(n for n, c in SCHEDULES.items() if c.chainable)}"
            )
        sub, sub_milestones = part._torch_chain(optimizer)
        if chain:
            flat.append(start)
        flat.extend(start + m for m in sub_milestones)
        chain.extend(sub)
    return chain, flat


@dataclass
class Warmup(Schedule):
    """Linear warm-up: ``lr_t = lr * (start_factor + (1 - start_factor) * min(t, steps) / steps)``.

    With ``then``, ``lr_t = then(t - steps)`` for ``t >= steps`` (``then``'s clock restarts at 0), e.g.
    ``{"name": "warmup", "steps": 100, "then": {"name": "cosine", "total": 1000}}``; ``then`` shares
    the base rate ``lr``. Binds to ``LinearLR`` (plus ``SequentialLR`` with ``then``).

    :param lr: the rate reached after warm-up (> 0)
    :param steps: warm-up length in steps (>= 1)
    :param start_factor: the rate at step 0 is ``start_factor * lr``, in (0, 1]
    :param then: the schedule that follows the warm-up (``None``: hold ``lr``)
    """

    name: ClassVar[str] = "warmup"
    lr: float = DEFAULT_LR
    steps: int = 100
    start_factor: float = 0.1
    then: Schedule | None = None

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.steps = _int(self.name, "steps", self.steps, 1)
        self.start_factor = _float(
            self.name, "start_factor", self.start_factor, 0.0, 1.0, open_low=True, open_high=False
        )
        if self.then is not None:
            self.then = make_schedule(self.then, lr=self.lr)
            if self.then.lr != self.lr:
                raise ValueError(
                    f"invalid then={self.then!r} for schedule '{self.name}'; "
                    f"valid: a schedule with the same lr={self.lr!r}"
                )
        self._in_then = False

    @property
    def chainable(self) -> bool:  # type: ignore[override]
        """Whether torch's SequentialLR can hold this schedule."""
        return self.then is None or self.then.chainable

    def __call__(self, t: int) -> float:
        if self.then is not None and t >= self.steps:
            self._in_then = True
            return self.then(t - self.steps)
        self._in_then = False
        return self.lr * (self.start_factor + (1.0 - self.start_factor) * min(t, self.steps) / self.steps)

    def observe(self, metric: float) -> None:
        """Forward the metric to ``then`` once it is running (metrics seen during warm-up are ignored).

        :param metric: the metric value
        """
        if self.then is not None and self._in_then:
            self.then.observe(metric)

    def reset(self) -> None:
        """Reset ``then``'s state."""
        self._in_then = False
        if self.then is not None:
            self.then.reset()

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        linear = tls.LinearLR(optimizer, start_factor=self.start_factor, end_factor=1.0, total_iters=self.steps)
        if self.then is None:
            return [linear], []
        rest, rest_milestones = _chain_parts(optimizer, [self.then], [])
        return [linear, *rest], [self.steps] + [self.steps + m for m in rest_milestones]


@dataclass
class Sequential(Schedule):
    """Several schedules one after another, like torch's ``SequentialLR``.

    ``lr_t = parts[i](t - milestones[i - 1])`` where ``i`` is the number of milestones ``<= t``
    (each part's clock restarts at 0). All parts share one base rate ``lr``.

    :param parts: the schedules (at least one)
    :param milestones: strictly increasing steps (>= 1) where the next part starts; ``len(parts) - 1`` of them
    """

    name: ClassVar[str] = "sequence"
    parts: list[Schedule]
    milestones: list[int]

    def __post_init__(self) -> None:
        if not isinstance(self.parts, list) or not self.parts:
            raise ValueError(f"invalid parts={self.parts!r} for schedule '{self.name}'; valid: a non-empty list")
        self.parts = [make_schedule(p) for p in self.parts]
        if not isinstance(self.milestones, (list, tuple)):
            raise ValueError(
                f"invalid milestones={self.milestones!r} for schedule '{self.name}'; valid: a list of integers"
            )
        ms = [_int(self.name, "milestones", m, 1) for m in self.milestones]
        if len(ms) != len(self.parts) - 1 or any(b <= a for a, b in pairwise(ms)):
            raise ValueError(
                f"invalid milestones={self.milestones!r} for schedule '{self.name}'; valid: "
                f"{len(self.parts) - 1} strictly increasing integers >= 1 (one fewer than parts)"
            )
        self.milestones = ms
        lrs = {p.lr for p in self.parts}
        if len(lrs) > 1:
            raise ValueError(
                f"invalid parts for schedule '{self.name}': base rates {sorted(lrs)} differ; "
                "valid: parts sharing one lr"
            )
        self._index = 0

    @property
    def lr(self) -> float:  # type: ignore[override]
        """The base rate shared by the parts."""
        return self.parts[0].lr

    @property
    def chainable(self) -> bool:  # type: ignore[override]
        """Whether torch's SequentialLR can hold this schedule."""
        return all(p.chainable for p in self.parts)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, lr: float | None = None) -> Schedule:
        """Build from dict-spec parameters; an optional ``lr`` is the default base rate of the parts."""
        params = dict(params)
        _check_keys(cls.name, params, ["lr", *cls.valid_keys()])
        lr = params.pop("lr", lr)
        parts = params.pop("parts", None)
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"invalid parts={parts!r} for schedule '{cls.name}'; valid: a non-empty list")
        return cls(parts=[make_schedule(p, lr=lr) for p in parts], **params)

    def __call__(self, t: int) -> float:
        i = bisect_right(self.milestones, t)
        self._index = i
        return self.parts[i](t - (self.milestones[i - 1] if i else 0))

    def observe(self, metric: float) -> None:
        """Forward the metric to the part that gave the last rate.

        :param metric: the metric value
        """
        self.parts[self._index].observe(metric)

    def reset(self) -> None:
        """Reset every part's state."""
        self._index = 0
        for p in self.parts:
            p.reset()

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        return _chain_parts(optimizer, self.parts, self.milestones)


# --------------------------------------------------------------------------- registry and factory
#: name -> schedule class (aliases included)
SCHEDULES: dict[str, type[Schedule]] = {
    "constant": Constant,
    "fixed": Constant,
    "exponential": Exponential,
    "step": Step,
    "adaptive": Adaptive,
    "warmup": Warmup,
    "warmup_then": Warmup,
    "cosine": Cosine,
    "sequence": Sequential,
}


def _lookup(name: Any) -> type[Schedule]:
    """Return the class registered under ``name`` or raise ValueError with a suggestion."""
    key = str(name).strip().lower()
    if key in SCHEDULES:
        return SCHEDULES[key]
    close = difflib.get_close_matches(key, SCHEDULES, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ";"
    raise ValueError(f"unknown schedule {name!r}{hint} valid: {', '.join(SCHEDULES)}")


def make_schedule(spec: Schedule | float | str | Mapping[str, Any], *, lr: float | None = None) -> Schedule:
    """Build a schedule from a spec.

    :param spec: a :class:`Schedule` (returned as is), a number (a constant rate), a registered name
        (defaults for every field) or a dict ``{"name": "exponential", "lr": 0.01, "gamma": 0.95}``
    :param lr: base rate used when the spec gives none (default ``DEFAULT_LR``)
    :return: the schedule
    :raises ValueError: unknown name or key, or an out-of-range value (the message lists what is valid)
    """
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return Constant(lr=spec)
    if isinstance(spec, str):
        return _lookup(spec).from_params({}, lr=lr)
    if isinstance(spec, Mapping):
        params = dict(spec)
        if "name" not in params:
            raise ValueError(f"schedule spec {spec!r} has no 'name'; valid names: {', '.join(SCHEDULES)}")
        return _lookup(params.pop("name")).from_params(params, lr=lr)
    raise ValueError(
        f"invalid schedule spec {spec!r} ({type(spec).__name__}); valid: a Schedule, a number, a name "
        f"({', '.join(SCHEDULES)}) or a dict with 'name'"
    )


# --------------------------------------------------------------------------- stable-baselines3 adapter
class SB3Schedule:
    """The stable-baselines3 form of a schedule: ``f(progress_remaining) -> lr``.

    SB3 calls it with ``progress_remaining`` going from 1 to 0; the step is
    ``t = round((1 - progress_remaining) * total_timesteps)``.

    :param schedule: the schedule (or any spec :func:`make_schedule` accepts)
    :param total_timesteps: the training length SB3 will run (>= 1)
    """

    def __init__(self, schedule: Schedule | float | str | Mapping[str, Any], total_timesteps: int) -> None:
        self.schedule = make_schedule(schedule)
        self.total_timesteps = _int("sb3", "total_timesteps", total_timesteps, 1)

    def __call__(self, progress_remaining: float) -> float:
        """Return the rate at ``progress_remaining`` (1 at the start of training, 0 at the end).

        :param progress_remaining: fraction of training left, in [0, 1]
        :return: the learning rate
        """
        t = round((1.0 - progress_remaining) * self.total_timesteps)
        return self.schedule(min(max(t, 0), self.total_timesteps))

    def __repr__(self) -> str:
        return f"SB3Schedule({self.schedule!r}, total_timesteps={self.total_timesteps})"


def sb3_schedule(schedule: Schedule | float | str | Mapping[str, Any], total_timesteps: int) -> SB3Schedule:
    """Adapt a schedule for stable-baselines3's ``learning_rate=`` argument.

    :param schedule: the schedule (or any spec :func:`make_schedule` accepts)
    :param total_timesteps: the training length SB3 will run (>= 1)
    :return: a picklable callable ``f(progress_remaining) -> lr``
    """
    return SB3Schedule(schedule, total_timesteps)
