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

A score is one noisy draw (a table lookup reports one seed's accuracy; a live evaluation one training run), so
the highest single draw can sit on a noise-lucky architecture that restarts then keep returning to. Two preset
keys (:func:`restart_options_of`) change where a restart starts; :func:`~archgym.agents.sb3.wrap_agent_env`
(``scripts/compare_agents.py``) applies them, ``archgym train``'s envs take only ``restart_prob`` and
:func:`~archgym.agents.sb3.make_agent` refuses a wrapper that does not match them:

* ``restart_rank_by``: ``max`` (default: the highest single score) or ``mean`` (the highest mean of the scores
  observed for an architecture: re-visits average the noise out);
* ``restart_top_k``: restart from an architecture drawn uniformly among the ``k`` best by that ranking
  (default 1: the best one).

With both at their defaults the wrapper behaves as before, draw for draw.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from archgym.agents.observe import InfoObserver
from archgym.presets import yaml_number

__all__ = ["RANKS", "RestartFromIncumbent", "restart_options_of", "restart_prob_of", "wrap_restarts"]

#: how :class:`RestartFromIncumbent` ranks the architectures it has seen
RANKS = ("max", "mean")


class RestartFromIncumbent(InfoObserver):
    """Reset from the best architecture seen so far with probability ``prob`` (else from the env's start).

    The best is the architecture with the highest ``info["score"]`` over every reset and step this wrapper
    has seen (ties: the earlier one). The coin is drawn from the wrapper's own RNG, seeded from the first
    ``reset(seed=...)`` (or ``seed``), so the env's own random stream, and thus a run's trajectory for a
    given seed, is the same whatever ``prob``'s draws were. An explicit ``options["initial"]`` always wins.

    ``best_arch`` / ``best_score`` are always the highest single score. With ``rank_by="mean"`` or ``top_k`` > 1
    a restart starts instead from :meth:`candidates` (the ``top_k`` architectures with the highest mean, or
    max, observed score; ties: the one seen first), one drawn uniformly from the same RNG after the coin.

    :param env: an archgym env (its ``reset`` takes ``options={"initial": key}``)
    :param prob: probability in [0, 1] of restarting from the incumbent (0: never, 1: every episode once one
        exists)
    :param seed: seed of the coin (default: the first reset's seed)
    :param rank_by: ``"max"`` (highest single score) or ``"mean"`` (highest mean score of an architecture)
    :param top_k: restart from one of the ``top_k`` best architectures, drawn uniformly (1: the best)
    :raises ValueError: ``prob`` not a number in [0, 1], ``rank_by`` not in :data:`RANKS`, ``top_k`` not an
        integer >= 1
    """

    def __init__(
        self, env: gym.Env, prob: float, seed: int | None = None, rank_by: str = "max", top_k: int = 1
    ) -> None:
        super().__init__(env)
        self.prob = _probability(prob)
        self.rank_by = _rank_by(rank_by)
        self.top_k = _top_k(top_k)
        self._rng = np.random.default_rng(seed)
        self._seeded = seed is not None
        self.best_arch: str | None = None
        self.best_score = -math.inf
        self.restarts = 0
        self.episodes = 0
        #: per architecture, in the order first seen: [sum of its scores, how many, highest]
        self._stats: dict[str, list[float]] = {}

    @property
    def restart_options(self) -> tuple[str, int]:
        """``(rank_by, top_k)`` (read by :func:`archgym.agents.sb3.make_agent`'s check of a wrapped env)."""
        return self.rank_by, self.top_k

    def _see(self, info: Mapping[str, Any]) -> None:
        score, arch = info.get("score"), info.get("arch")
        if score is None or arch is None:
            return
        score, arch = float(score), str(arch)
        if score > self.best_score:
            self.best_score, self.best_arch = score, arch
        st = self._stats.get(arch)
        if st is None:
            self._stats[arch] = [score, 1, score]
        else:
            st[0] += score
            st[1] += 1
            st[2] = max(st[2], score)

    def candidates(self) -> list[str]:
        """The architectures a restart may start from, best first (empty before the first score)."""
        if self.best_arch is None:
            return []
        if self.rank_by == "max" and self.top_k == 1:
            return [self.best_arch]  # the highest single score, ties: the first to reach it (as always)
        if self.rank_by == "mean":
            value = {a: st[0] / st[1] for a, st in self._stats.items()}
        else:
            value = {a: st[2] for a, st in self._stats.items()}
        return sorted(value, key=lambda a: -value[a])[: self.top_k]  # stable: ties keep first-seen order

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
                cands = self.candidates()
                opts["initial"] = cands[0] if len(cands) == 1 else cands[int(self._rng.integers(len(cands)))]
        obs, info = super().reset(seed=seed, options=opts or None)  # which sees the start's score
        self.episodes += 1
        self.restarts += int(restart)
        return obs, {**info, "restart": restart}

    def state_dict(self) -> dict[str, Any]:
        """The incumbent, counters, per-architecture score statistics and the coin's RNG state (plain values)."""
        return {
            "best_arch": self.best_arch,
            "best_score": self.best_score,
            "restarts": self.restarts,
            "episodes": self.episodes,
            "seeded": self._seeded,
            "rng": self._rng.bit_generator.state,
            "stats": {a: list(st) for a, st in self._stats.items()},
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict` (one saved before ``stats`` existed restores none)."""
        self.best_arch, self.best_score = state["best_arch"], float(state["best_score"])
        self.restarts, self.episodes = int(state["restarts"]), int(state["episodes"])
        self._seeded = bool(state["seeded"])
        self._rng.bit_generator.state = state["rng"]
        self._stats = {str(a): [float(t), int(n), float(m)] for a, (t, n, m) in state.get("stats", {}).items()}


def _probability(value: Any) -> float:
    value = yaml_number(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"restart_prob must be a number in [0, 1] (0: never restart from the best), got {value!r}")
    return float(value)


def restart_prob_of(hyperparams: Mapping[str, Any]) -> float:
    """The agent preset's ``restart_prob`` (default 0: episodes start from the env's initial network).

    :raises ValueError: not a number in [0, 1]
    """
    return _probability(hyperparams.get("restart_prob", 0.0))


def _rank_by(value: Any) -> str:
    if value not in RANKS:
        raise ValueError(
            f"restart_rank_by must be one of {', '.join(RANKS)} (how the incumbent is ranked), got {value!r}"
        )
    return str(value)


def _top_k(value: Any) -> int:
    if isinstance(value, str):  # YAML may read a number as a string
        with contextlib.suppress(ValueError):
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"restart_top_k must be an integer >= 1 (1: the best architecture), got {value!r}")
    return int(value)


def restart_options_of(hyperparams: Mapping[str, Any]) -> dict[str, Any]:
    """The agent preset's ``restart_rank_by`` and ``restart_top_k`` as :class:`RestartFromIncumbent` keyword
    arguments (defaults ``max`` and 1: the highest single score).

    :raises ValueError: ``restart_rank_by`` not in :data:`RANKS` or ``restart_top_k`` not an integer >= 1
    """
    return {
        "rank_by": _rank_by(hyperparams.get("restart_rank_by", "max")),
        "top_k": _top_k(hyperparams.get("restart_top_k", 1)),
    }


def wrap_restarts(env: gym.Env, hyperparams: Mapping[str, Any], seed: int | None = None) -> gym.Env:
    """``env`` in a :class:`RestartFromIncumbent` as the agent preset's ``restart_prob``, ``restart_rank_by`` and
    ``restart_top_k`` say (``env`` itself when ``restart_prob`` is 0; the options are validated either way).

    :param seed: seed of the restart coin (default: the first reset's seed)
    :raises ValueError: a bad ``restart_prob``, ``restart_rank_by`` or ``restart_top_k``
    """
    prob = restart_prob_of(hyperparams)
    options = restart_options_of(hyperparams)
    return RestartFromIncumbent(env, prob, seed=seed, **options) if prob > 0 else env
