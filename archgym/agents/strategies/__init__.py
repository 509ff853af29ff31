"""Local search strategies: random search, greedy hill climbing, a rule-based controller, tabular
Q-learning (MetaQNN) and regularized evolution (REA), under one budget of child evaluations.

=================  ===============================================================================
module             contents
=================  ===============================================================================
``base``           :class:`SearchStrategy` (the episodic loop, SB3-style ``predict``), the budget,
                   :func:`fork_env` and the helpers every strategy uses
``random_search``  ``random``: a uniform valid edit each step (random walks from the start)
``greedy``         ``greedy``: steepest-ascent hill climbing on forks, perturbed restarts
``rule``           ``rule``: a hand-written controller (``agents/rule.yaml``)
``qlearning``      ``qlearning``: tabular Q-learning with experience replay (Baker et al. 2017)
``evolution``      ``rea``: regularized evolution (Real et al. 2019): sample, mutate the best, age out
``registry``       :data:`STRATEGIES` and :func:`make_strategy`
=================  ===============================================================================

Every strategy is built as ``cls(env, seed=0, **kwargs)``; ``search(env, budget, log)`` writes exactly
``budget`` records of :class:`~archgym.agents.records.SearchLog` (see :mod:`.base` for the accounting),
so a strategy compares with a DQN run at an equal budget. ``archgym search --strategy NAME`` runs one.

>>> sorted(STRATEGIES)
['greedy', 'qlearning', 'random', 'rea', 'rule']
"""

from __future__ import annotations

from archgym.agents.strategies.base import SearchStrategy, fork_env
from archgym.agents.strategies.evolution import RegularizedEvolution
from archgym.agents.strategies.greedy import GreedyHillClimbing
from archgym.agents.strategies.qlearning import QLearning
from archgym.agents.strategies.random_search import RandomSearch
from archgym.agents.strategies.registry import STRATEGIES, make_strategy, register_strategy
from archgym.agents.strategies.rule import RuleConfig, RuleController, dead_unit_fractions, load_rule_config

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
