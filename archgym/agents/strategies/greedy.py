"""Greedy: steepest-ascent hill climbing with perturbed restarts (iterated local search).

From the current state it tries every valid edit on a *fork* of the env
(:func:`~archgym.agents.strategies.base.fork_env`: a ``copy.deepcopy`` of the wrapper stack, sharing
the dataset tensors, the scratch cache and a table), which is exact in every eval mode: a trial sees the
same RNG state, fine-tune budget and cache the real step would. The best trial becomes the current env
(no re-evaluation). Cost: one evaluation per valid edit per climbing step (at most ``4 * max_depth``),
all counted against the budget. At a local optimum (no trial beats the current score by
``min_improvement``) the episode ends; the next one starts from a reset followed by ``perturb_steps``
random edits (in scratch mode a plain restart would repeat the same climb). The env passed to
``search`` is left at the last reset. ``predict`` is greedy with respect to the mean score of every
architecture the search evaluated.
"""

from __future__ import annotations

import math
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
    random_valid,
)

__all__ = ["GreedyHillClimbing"]


class GreedyHillClimbing(SearchStrategy):
    """Steepest-ascent hill climbing on the env's score, with perturbed restarts (see the module doc).

    :param env: the env (see :class:`~archgym.agents.strategies.base.SearchStrategy`)
    :param seed: RNG seed (trial order, restart perturbations)
    :param min_improvement: a move must raise the score by more than this
    :param perturb_steps: random valid edits at the start of every episode after the first
    """

    name = "greedy"

    def __init__(self, env: Any, seed: int = 0, min_improvement: float = 0.0, perturb_steps: int = 2) -> None:
        super().__init__(env, seed)
        if not (isinstance(min_improvement, (int, float)) and math.isfinite(min_improvement) and min_improvement >= 0):
            raise ValueError(f"min_improvement must be a finite number >= 0, got {min_improvement!r}")
        self.min_improvement = float(min_improvement)
        self.perturb_steps = check_positive_int("perturb_steps", perturb_steps, 0)
        self.memory = ScoreMemory()

    @property
    def score_sum(self) -> dict[str, float]:
        """Summed score per architecture key."""
        return self.memory.score_sum

    @property
    def score_count(self) -> dict[str, int]:
        """Evaluations per architecture key."""
        return self.memory.score_count

    def mean_score(self, key: str) -> float:
        """Mean score of an architecture over the search's evaluations (``-inf`` if never evaluated)."""
        return self.memory.mean_score(key)

    def search(self, env: Any, budget: int, log: SearchLog) -> None:
        """Hill-climb until ``budget`` child evaluations (every trial counts); see
        :meth:`SearchStrategy.search <archgym.agents.strategies.base.SearchStrategy.search>`."""
        b = Budget(budget, log)
        while b.left > 0:
            obs, info = self._reset(env)
            episode = self.episodes
            b.record(info, episode)
            self.memory.remember(info)
            cur, done, moves_made = env, False, 0
            for _ in range(self.perturb_steps if self.episodes > 0 else 0):
                if b.left == 0 or done:
                    break
                if cur is env:
                    cur = fork_env(env)  # leave the caller's env at its reset
                evals = info["evaluations"]
                _, _, term, trunc, info = cur.step(random_valid(self.rng, cur.unwrapped, 0.0))
                b.step += 1
                moves_made += 1
                if info["evaluations"] > evals:
                    b.record(info, episode)
                    self.memory.remember(info)
                done = term or trunc
            while b.left > 0 and not done and moves_made < env.unwrapped.horizon:
                best: tuple[float, Any, dict[str, Any], bool] | None = None
                for a in self.rng.permutation(edit_moves(cur.unwrapped)):
                    if b.left == 0:
                        break
                    trial = fork_env(cur)
                    _, _, term, trunc, tinfo = trial.step(int(a))
                    b.step += 1
                    if tinfo["evaluations"] > info["evaluations"]:
                        b.record(tinfo, episode)
                        self.memory.remember(tinfo)
                    if best is None or tinfo["score"] > best[0]:
                        best = (tinfo["score"], trial, tinfo, term or trunc)
                if best is None or best[0] <= info["score"] + self.min_improvement:
                    break  # local optimum (or out of budget)
                _, cur, info, done = best
                moves_made += 1
            self.episodes += 1
        self.evaluations += b.used

    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        return self.memory.best_move(u, self.min_improvement)
