"""Deprecated location of the search strategies: a re-export of :mod:`archgym.agents.strategies`.

The strategies moved to the package :mod:`archgym.agents.strategies` (one module per strategy); this
module keeps ``from archgym.agents.baselines import ...`` working for existing code.
"""

from __future__ import annotations

from archgym.agents.strategies import (
    STRATEGIES,
    GreedyHillClimbing,
    QLearning,
    RandomSearch,
    RegularizedEvolution,
    RuleConfig,
    RuleController,
    SearchStrategy,
    dead_unit_fractions,
    fork_env,
    load_rule_config,
    make_strategy,
    register_strategy,
)

__all__ = [
    "STRATEGIES",
    "GreedyHillClimbing",
    "QLearning",
    "RandomSearch",
    "RegularizedEvolution",
    "RuleConfig",
    "RuleController",
    "SearchStrategy",
    "dead_unit_fractions",
    "fork_env",
    "load_rule_config",
    "make_strategy",
    "register_strategy",
]
