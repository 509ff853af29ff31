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

from archgym.schedules.adaptive import Adaptive
from archgym.schedules.base import DEFAULT_LR, Schedule
from archgym.schedules.basic import Constant, Cosine, Exponential, Step
from archgym.schedules.compose import Sequential, Warmup
from archgym.schedules.registry import SCHEDULES, SB3Schedule, make_schedule, sb3_schedule

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
