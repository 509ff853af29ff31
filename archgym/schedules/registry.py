"""The schedule registry, the factory that reads specs, and the stable-baselines3 adapter."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from archgym.schedules.adaptive import Adaptive
from archgym.schedules.base import Schedule, _int
from archgym.schedules.basic import Constant, Cosine, Exponential, Step
from archgym.schedules.compose import Sequential, Warmup

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
