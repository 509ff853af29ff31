"""Random search: a uniform valid edit each step, ``stop`` with probability ``stop_prob``."""

from __future__ import annotations

from typing import Any

import numpy as np

from archgym.agents.strategies.base import SearchStrategy, check_fraction, random_valid

__all__ = ["RandomSearch"]


class RandomSearch(SearchStrategy):
    """Random search: a uniform valid edit each step, ``stop`` with probability ``stop_prob``.

    Episodes are random walks from the env's initial network (the env only moves by edits), so this is
    the search a DQN agent's first, fully exploring episodes make. ``predict`` samples the same way
    whatever ``deterministic`` says (the policy is the randomness).

    :param env: the env (see :class:`~archgym.agents.strategies.base.SearchStrategy`)
    :param seed: RNG seed
    :param stop_prob: probability of choosing ``stop`` in a step (episodes otherwise run to the horizon)
    """

    name = "random"

    def __init__(self, env: Any, seed: int = 0, stop_prob: float = 0.05) -> None:
        super().__init__(env, seed)
        self.stop_prob = check_fraction("stop_prob", stop_prob)

    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        return random_valid(self.rng, u, self.stop_prob)
