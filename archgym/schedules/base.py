"""The schedule ABC and the validation helpers every schedule uses."""

from __future__ import annotations

import difflib
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls

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
                assert isinstance(cur, Schedule)
                cur.load_state_dict(v["__schedule__"])
            elif isinstance(v, dict) and "__schedules__" in v:
                assert isinstance(cur, (list, tuple))
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
