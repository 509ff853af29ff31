"""Evaluators: how the search core measures a child (see :mod:`archgym.envs.evaluators.base`).

Built-in: ``inherit`` (weights kept, short fine-tune), ``scratch`` (cached retrain), ``stream`` (prequential
on a drifting stream), ``table`` (lookup in a ground-truth table, :mod:`archgym.tables`). A new evaluator
is one file: subclass :class:`Evaluator` and either
:func:`register_evaluator` it, or name it ``"package.module:Class"`` as the env's ``eval_mode`` (works in
any process, subprocess and Ray workers included).
"""

from __future__ import annotations

import importlib

from archgym.envs.config import unknown_name
from archgym.envs.evaluators.base import EvalContext, Evaluation, Evaluator, FitRequest, Plan, StepContext, serve

__all__ = [
    "EVALUATORS",
    "EvalContext",
    "Evaluation",
    "Evaluator",
    "FitRequest",
    "Plan",
    "StepContext",
    "evaluator_class",
    "register_evaluator",
    "serve",
]

#: eval_mode name -> "module:Class" (imported on first use)
EVALUATORS: dict[str, str | type[Evaluator]] = {
    "inherit": "archgym.envs.evaluators.inherit:InheritEvaluator",
    "scratch": "archgym.envs.evaluators.scratch:ScratchEvaluator",
    "stream": "archgym.envs.evaluators.stream:StreamEvaluator",
    "table": "archgym.envs.evaluators.table:TableEvaluator",
}


def register_evaluator(name: str, cls: type[Evaluator] | str) -> None:
    """Make ``eval_mode=name`` build ``cls`` (a class or a ``"module:Class"`` string).

    :raises ValueError: ``name`` is taken by another evaluator
    """
    if name in EVALUATORS and EVALUATORS[name] != cls:
        raise ValueError(f"eval_mode {name!r} is already registered ({EVALUATORS[name]})")
    EVALUATORS[name] = cls


def evaluator_class(name: str) -> type[Evaluator]:
    """The evaluator class of ``eval_mode=name`` (a registered name or ``"module:Class"``).

    :raises ValueError: an unknown name or a path that does not import to an :class:`Evaluator` subclass
    """
    if not isinstance(name, str):
        raise ValueError(f"eval_mode must be a string, got {type(name).__name__}")
    target = EVALUATORS.get(name, name if ":" in name else None)
    if target is None:
        raise unknown_name("eval_mode", name, list(EVALUATORS))
    if isinstance(target, type):
        return target
    module, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise ValueError(f"eval_mode {name!r}: cannot import {target!r} ({e})") from None
    if not (isinstance(cls, type) and issubclass(cls, Evaluator)):
        raise ValueError(f"eval_mode {name!r}: {target!r} is not an archgym Evaluator subclass")
    return cls
