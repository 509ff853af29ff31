"""Regularized evolution (REA; Real et al. 2019, "Regularized Evolution for Image Classifier Architecture Search").

The population is a queue of at most ``population_size`` evaluated architectures, each held as a fork of
the env in the state that evaluated it (:func:`~archgym.agents.strategies.base.fork_env` of the bare env:
the same child weights in inherit mode, the same cache or table otherwise). One *cycle*:

1. **sample**: ``sample_size`` members drawn uniformly with replacement (as in the paper's algorithm);
2. **mutate**: the best of the sample by score (``info["score"]``: val accuracy - cost term) is forked
   and stepped with one uniformly random valid edit (widen, narrow, insert, remove, ...: never ``stop``),
   which evaluates the child (one evaluation of the budget);
3. **age out**: the child joins the queue; when it holds more than ``population_size`` members the
   *oldest* leaves, whatever its score (the "regularization": a good architecture survives only by
   having good descendants).

The first member is the env's initial network (the search's one ``reset``); until the queue is full, a
cycle mutates a uniformly drawn member instead (the initial population: ``population_size - 1`` random
edits, a random tree around the start, like random search's walks). Every child's env draws its randomness
(the table seed of a lookup, fresh units' weights) from a new generator seeded by the strategy's RNG, so
two mutations of one parent are independent draws; the search stays a function of ``seed``.

A fork never passes through ``TimeLimit``: a lineage may grow longer than the env's horizon (the
observation's episode fraction saturates at 1; REA does not read it). The env passed to ``search`` is left
at its reset. ``predict`` moves to the best-scoring evaluated neighbour (``stop`` when none beats the
current network), as greedy's does.

Records: ``episode`` is 0 (one reset), ``step`` counts the env steps of every fork.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from archgym.agents.records import SearchLog
from archgym.agents.strategies.base import (
    Budget,
    ScoreMemory,
    SearchStrategy,
    check_positive_int,
    edit_moves,
    fork_env,
)

__all__ = ["RegularizedEvolution"]


@dataclass
class Member:
    """One evaluated architecture of the population.

    :param score: its score when it was evaluated
    :param env: the bare env in the state that evaluated it (mutations fork it)
    :param info: the evaluation's info
    :param born: evaluation number at which it joined
    """

    score: float
    env: Any
    info: dict[str, Any]
    born: int


class RegularizedEvolution(SearchStrategy):
    """Regularized (aging) evolution over the env's edit actions (see the module doc).

    :param env: the env (see :class:`~archgym.agents.strategies.base.SearchStrategy`)
    :param seed: RNG seed (sampling, mutations, the children's env seeds)
    :param population_size: members kept (``P``), >= 1
    :param sample_size: members sampled per cycle (``S``), 1 <= S (S = 1: random mutation of a random member)
    """

    name = "rea"

    def __init__(self, env: Any, seed: int = 0, population_size: int = 20, sample_size: int = 5) -> None:
        super().__init__(env, seed)
        self.population_size = check_positive_int("population_size", population_size)
        self.sample_size = check_positive_int("sample_size", sample_size)
        self.memory = ScoreMemory()
        self.population: deque[Member] = deque()

    def select_parent(self) -> Member:
        """The member the next cycle mutates: a random one while the population fills, else the
        best-scoring of ``sample_size`` uniform draws (ties: the earliest drawn)."""
        pop = self.population
        if len(pop) < self.population_size:
            return pop[int(self.rng.integers(len(pop)))]
        sample = [pop[int(i)] for i in self.rng.integers(len(pop), size=self.sample_size)]
        return max(sample, key=lambda m: m.score)

    def _mutate(self, parent: Member) -> tuple[Any, int] | None:
        """A fork of ``parent``'s env with a fresh RNG, and the random valid edit to apply (None: no valid edit)."""
        moves = edit_moves(parent.env)
        if len(moves) == 0:
            return None
        child = fork_env(parent.env)
        child.np_random = np.random.default_rng(int(self.rng.integers(2**63)))
        return child, int(self.rng.choice(moves))

    def search(self, env: Any, budget: int, log: SearchLog) -> None:
        """Evolve until ``budget`` child evaluations (the reset included); see
        :meth:`SearchStrategy.search <archgym.agents.strategies.base.SearchStrategy.search>`.

        :raises RuntimeError: no member of the population has a valid edit (a search space of one network)
        """
        b = Budget(budget, log)
        _, info = self._reset(env)
        b.record(info, 0)
        self.memory.remember(info)
        self.population = deque([Member(float(info["score"]), fork_env(env.unwrapped), dict(info), b.used)])
        stuck = 0
        while b.left > 0:
            self._progress = b.used / b.budget
            parent = self.select_parent()
            mutation = self._mutate(parent)
            if mutation is None:
                stuck += 1
                if stuck > 10 * len(self.population) + 10:
                    raise RuntimeError("regularized evolution: no member of the population has a valid edit")
                continue
            stuck = 0
            child, action = mutation
            _, _, _, _, cinfo = child.step(action)
            b.step += 1
            if cinfo["evaluations"] <= parent.info["evaluations"]:
                raise RuntimeError(f"regularized evolution: edit {action} of a valid mask evaluated nothing")
            b.record(cinfo, 0)
            self.memory.remember(cinfo)
            self.population.append(Member(float(cinfo["score"]), child, dict(cinfo), b.used))
            if len(self.population) > self.population_size:
                self.population.popleft()  # age out the oldest
        self.episodes += 1
        self.evaluations += b.used
        self._progress = 1.0

    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        return self.memory.best_move(u)
