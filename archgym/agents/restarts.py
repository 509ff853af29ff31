"""Episodes that restart from the best network found so far (the incumbent), not always from the preset's.

An archgym episode starts from the env's fixed ``initial`` network and lasts at most ``max_episode_steps``
edits, and every reset costs an evaluation. When the good networks lie many edits away from the start, an
agent spends most of its budget walking the same first edits again. NAS-RL methods that edit networks
(EAS, Cai et al. 2018) start each episode from the current best network instead; regularised evolution
mutates its best members. :class:`RestartFromIncumbent` gives any agent that choice: at each reset, with
probability ``prob``, the episode starts from the best-scoring architecture seen so far
(``env.reset(options={"initial": key})``, :meth:`archgym.envs.core.ArchSearchEnv.start_architecture`).

The agent preset key ``restart_prob`` (:func:`restart_prob_of`) turns it on for ``archgym train`` and
``scripts/compare_agents.py`` (through :func:`archgym.agents.sb3.wrap_agent_env`). "Best" is by ``info["score"]``
(the env's reward signal: validation accuracy minus the cost term), the incumbent a search reports.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

__all__ = ["RestartFromIncumbent", "restart_prob_of"]


class RestartFromIncumbent(gym.Wrapper):
    """Reset from the best architecture seen so far with probability ``prob`` (else from the env's start).

    The best is the architecture with the highest ``info["score"]`` over every reset and step this wrapper
    has seen (ties: the earlier one). The coin is drawn from the wrapper's own RNG, seeded from the first
    ``reset(seed=...)`` (or ``seed``), so the env's own random stream, and thus a run's trajectory for a
    given seed, is the same whatever ``prob``'s draws were. An explicit ``options["initial"]`` always wins.

    :param env: an archgym env (its ``reset`` takes ``options={"initial": key}``)
    :param prob: probability in [0, 1] of restarting from the incumbent (0: never, 1: every episode once one
        exists)
    :param seed: seed of the coin (default: the first reset's seed)
    :raises ValueError: ``prob`` not a number in [0, 1]
    """

    def __init__(self, env: gym.Env, prob: float, seed: int | None = None) -> None:
        super().__init__(env)
        self.prob = _probability(prob)
        self._rng = np.random.default_rng(seed)
        self._seeded = seed is not None
        self.best_arch: str | None = None
        self.best_score = -math.inf
        self.restarts = 0
        self.episodes = 0

    def _see(self, info: Mapping[str, Any]) -> None:
        score, arch = info.get("score"), info.get("arch")
        if score is not None and arch is not None and float(score) > self.best_score:
            self.best_score, self.best_arch = float(score), str(arch)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the env, from the incumbent with probability ``prob``; ``info["restart"]`` says which."""
        if seed is not None and not self._seeded:
            self._rng = np.random.default_rng([int(seed), 0x5EED])  # its own stream, not the env's
            self._seeded = True
        opts = dict(options or {})
        restart = False
        if self.best_arch is not None and opts.get("initial") is None and self.prob > 0:
            restart = bool(self._rng.random() < self.prob)
            if restart:
                opts["initial"] = self.best_arch
        obs, info = self.env.reset(seed=seed, options=opts or None)
        self.episodes += 1
        self.restarts += int(restart)
        info = {**info, "restart": restart}
        self._see(info)
        return obs, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and keep track of the best architecture."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._see(info)
        return obs, reward, terminated, truncated, info

    def state_dict(self) -> dict[str, Any]:
        """The incumbent, counters and the coin's RNG state (plain values)."""
        return {
            "best_arch": self.best_arch,
            "best_score": self.best_score,
            "restarts": self.restarts,
            "episodes": self.episodes,
            "seeded": self._seeded,
            "rng": self._rng.bit_generator.state,
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`."""
        self.best_arch, self.best_score = state["best_arch"], float(state["best_score"])
        self.restarts, self.episodes = int(state["restarts"]), int(state["episodes"])
        self._seeded = bool(state["seeded"])
        self._rng.bit_generator.state = state["rng"]


def _probability(value: Any) -> float:
    if isinstance(value, str):  # YAML may read a number as a string
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"restart_prob must be a number in [0, 1] (0: never restart from the best), got {value!r}")
    return float(value)


def restart_prob_of(hyperparams: Mapping[str, Any]) -> float:
    """The agent preset's ``restart_prob`` (default 0: episodes start from the env's initial network).

    :raises ValueError: not a number in [0, 1]
    """
    return _probability(hyperparams.get("restart_prob", 0.0))
