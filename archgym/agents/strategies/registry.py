"""The strategy registry: name -> class, and :func:`make_strategy`."""

from __future__ import annotations

from typing import Any

from archgym.agents.strategies.base import SearchStrategy
from archgym.agents.strategies.evolution import RegularizedEvolution
from archgym.agents.strategies.greedy import GreedyHillClimbing
from archgym.agents.strategies.qlearning import QLearning
from archgym.agents.strategies.random_search import RandomSearch
from archgym.agents.strategies.rule import RuleController

__all__ = ["STRATEGIES", "make_strategy", "register_strategy"]

#: the local search strategies by name (``archgym search --strategy NAME``)
STRATEGIES: dict[str, type[SearchStrategy]] = {
    cls.name: cls for cls in (RandomSearch, GreedyHillClimbing, RuleController, QLearning, RegularizedEvolution)
}


def register_strategy(cls: type[SearchStrategy], name: str | None = None) -> type[SearchStrategy]:
    """Add a strategy class under ``name`` (default ``cls.name``); usable as a class decorator.

    :raises ValueError: an empty name, or a name already taken by another class
    """
    key = name or cls.name
    if not key:
        raise ValueError(f"strategy {cls.__name__} has no name; set its `name` class attribute or pass name=")
    if STRATEGIES.get(key, cls) is not cls:
        raise ValueError(f"strategy name {key!r} is taken by {STRATEGIES[key].__name__}")
    STRATEGIES[key] = cls
    return cls


def make_strategy(name: str, env: Any, seed: int = 0, **kwargs: Any) -> SearchStrategy:
    """Build the strategy ``name`` of :data:`STRATEGIES` for ``env``.

    :raises ValueError: unknown name (the valid ones are listed)
    """
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; valid: {', '.join(STRATEGIES)}")
    return STRATEGIES[name](env, seed=seed, **kwargs)
