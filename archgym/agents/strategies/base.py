"""The base of the local search strategies: the episodic search loop under a budget, SB3's ``predict``, helpers.

Every strategy is built as ``cls(env, seed=0, **kwargs)`` and offers

* ``search(env, budget, log)``: runs until ``budget`` *child evaluations* were spent and writes one
  :class:`~archgym.agents.records.SearchLog` record per evaluated architecture, so a strategy and a
  DQN run compare at an equal budget;
* ``predict(obs, state=None, episode_start=None, deterministic=True) -> (actions, state)``: the
  shape of stable-baselines3's ``predict``, so the same evaluation code runs a strategy or an SB3
  model. ``obs`` is one observation (an action array of shape ``()`` comes back) or a batch
  ``(n_envs, obs_dim)`` (an array of ``n_envs`` actions). The action masks and architectures come
  from the env the strategy was built with: a Gymnasium env, an SB3 ``VecEnv`` or a Gymnasium
  ``VectorEnv`` (through ``get_attr("unwrapped")``).

Budget accounting
-----------------
An evaluation is every time the env trained/evaluated a child: each ``reset`` and each valid
non-stop step (the env counts them in ``info["evaluations"]``; a scratch-mode cache hit or a table
lookup counts too, being a visit the search paid for with a step). Invalid actions and ``stop``
evaluate nothing and write no record. A search writes exactly ``budget`` records: it stops in the
middle of an episode when the budget is spent. Record fields: ``step`` = env steps taken so far
(trial steps of forks included), ``episode``, ``evaluation`` = 1-based evaluation count.
"""

from __future__ import annotations

import copy
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from archgym.agents.records import SearchLog
from archgym.arch import InvalidEdit

__all__ = [
    "Budget",
    "EnvView",
    "ScoreMemory",
    "SearchStrategy",
    "check_fraction",
    "check_positive_int",
    "edit_moves",
    "feature",
    "fork_env",
    "neighbour_key",
    "random_valid",
    "score_of",
    "stop_id",
]


# --------------------------------------------------------------------------- helpers
def stop_id(u: Any) -> int:
    """Id of the ``stop`` action of the unwrapped env ``u``."""
    return int(u.action_meanings().index("stop"))


def feature(u: Any, obs: np.ndarray, name: str) -> float:
    """One global feature of an observation row (see the env's observation table)."""
    return float(obs[u.feature_index(name)])


def score_of(u: Any, obs: np.ndarray) -> float:
    """The env's score of the state ``obs`` describes: val accuracy - cost_weight * cost."""
    return feature(u, obs, "val_accuracy") - u.reward_config.cost_weight * u.cost()


def edit_moves(u: Any) -> np.ndarray:
    """Ids of the valid non-stop actions of the env's current state."""
    moves = np.flatnonzero(u.action_masks())
    return moves[moves != stop_id(u)]


def random_valid(rng: np.random.Generator, u: Any, stop_prob: float) -> int:
    """A uniform valid edit, or ``stop`` with probability ``stop_prob`` (or when no edit is valid)."""
    moves = edit_moves(u)
    if len(moves) == 0 or rng.random() < stop_prob:
        return stop_id(u)
    return int(rng.choice(moves))


def neighbour_key(u: Any, action: int) -> str | None:
    """Key of the architecture ``action`` leads to from the env's current one (None: invalid)."""
    try:
        return str(u.preview(action).key())  # the env's own edit rule
    except InvalidEdit:
        return None


def check_fraction(name: str, value: Any) -> float:
    """``value`` as a float in [0, 1]; ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``; ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


#: env attributes a fork shares with the original instead of copying: set at construction, never
#: mutated by a step (the action table and the observation encoder are pure functions of the search space)
_SHARED_ENV_ATTRS = ("data", "action_table", "encoder", "space", "initial_arch", "reference_arch")
#: evaluator attributes shared likewise: the scratch cache (entries keyed by (arch, seed, steps): shared
#: safely), a ground-truth table, its lookup rows and its memo of Architecture instances by key
_SHARED_EVALUATOR_ATTRS = ("cache", "table", "_rows", "_archs")


def fork_env(env: Any) -> Any:
    """A deep copy of ``env`` (its wrappers, child, trainer and RNG states) sharing the dataset, the
    scratch cache and a ground-truth table.

    Stepping the copy gives exactly what stepping ``env`` would (on the CPU), without touching ``env``.
    Pass ``env.unwrapped`` to fork the bare env (no ``TimeLimit``: a fork may then step past the horizon).
    """
    u = env.unwrapped
    memo: dict[int, Any] = {}
    ev = getattr(u, "evaluator", None)
    shared = [getattr(u, name, None) for name in _SHARED_ENV_ATTRS]
    shared += [getattr(ev, name, None) for name in _SHARED_EVALUATOR_ATTRS]
    for obj in shared:
        if obj is not None:
            memo[id(obj)] = obj  # dataset tensors on the device, tables, caches: shared, never copied
    return copy.deepcopy(env, memo)


class EnvView:
    """Per-index access to the :class:`~archgym.envs.ArchSearchEnv` behind a Gymnasium env,
    a Gymnasium ``VectorEnv`` or an SB3 ``VecEnv``."""

    def __init__(self, env: Any) -> None:
        self.env = env

    def unwrapped(self, n: int) -> list[Any]:
        """The ``n`` unwrapped envs (ValueError when the env holds another number)."""
        if hasattr(self.env, "get_attr") and hasattr(self.env, "num_envs"):
            envs = list(self.env.get_attr("unwrapped"))
        else:
            envs = [self.env.unwrapped]
        if len(envs) != n:
            raise ValueError(f"predict got {n} observation(s) but the strategy's env holds {len(envs)} env(s)")
        return envs


class Budget:
    """Counts evaluations and writes their records.

    :param budget: evaluations allowed (>= 1)
    :param log: where the records go
    """

    def __init__(self, budget: int, log: SearchLog) -> None:
        self.budget = check_positive_int("budget", budget)
        self.log = log
        self.used = 0
        self.step = 0

    @property
    def left(self) -> int:
        """Evaluations not yet spent."""
        return self.budget - self.used

    def record(self, info: Mapping[str, Any], episode: int) -> None:
        """Count one evaluation and write its record."""
        self.used += 1
        self.log.write_info(info, step=self.step, episode=episode, evaluation=self.used, env=0)


class ScoreMemory:
    """The mean score of every architecture a search evaluated (for a ``predict`` after the search)."""

    def __init__(self) -> None:
        self.score_sum: dict[str, float] = {}
        self.score_count: dict[str, int] = {}

    def remember(self, info: Mapping[str, Any]) -> None:
        """Add one evaluation's score (``info["arch"]``, ``info["score"]``)."""
        k = info["arch"]
        self.score_sum[k] = self.score_sum.get(k, 0.0) + float(info["score"])
        self.score_count[k] = self.score_count.get(k, 0) + 1

    def mean_score(self, key: str) -> float:
        """Mean score of an architecture over the search's evaluations (``-inf`` if never evaluated)."""
        n = self.score_count.get(key, 0)
        return self.score_sum[key] / n if n else -math.inf

    def best_move(self, u: Any, margin: float = 0.0) -> int:
        """The valid edit leading to the best-scoring remembered neighbour, if it beats the current
        architecture's mean score by more than ``margin``; ``stop`` otherwise."""
        best_a, best_s = stop_id(u), self.mean_score(u.architecture.key()) + margin
        for a in edit_moves(u):
            key = neighbour_key(u, int(a))
            s = self.mean_score(key) if key is not None else -math.inf
            if s > best_s:
                best_a, best_s = int(a), s
        return best_a


# --------------------------------------------------------------------------- base class
class SearchStrategy(ABC):
    """Base of the strategies: an episodic search loop under a budget of child evaluations, and SB3's ``predict``.

    Subclasses implement :meth:`_act` (one decision from the env's state) and may override
    :meth:`_observe` (learn from a transition), :meth:`_new_memory` (per-episode state) or
    :meth:`search` itself.

    :param env: the env the strategy acts on (masks and architectures are read from it in ``predict``)
    :param seed: seed of the strategy's RNG and of the first ``reset`` of a search
    """

    name: ClassVar[str] = ""

    def __init__(self, env: Any, seed: int = 0) -> None:
        self.env = env
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.episodes = 0
        self.evaluations = 0
        self._view = EnvView(env)
        self._memories: dict[int, Any] = {}
        self._progress = 1.0  # fraction of the current search's budget spent (1.0 outside a search)

    # ------------------------------------------------------------------ hooks
    def _new_memory(self) -> Any:
        """Per-episode state of the policy (``None`` if it needs none)."""
        return None

    @abstractmethod
    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        """The action for the state of the unwrapped env ``u`` whose observation is ``obs``."""

    def _observe(self, u: Any, action: int, reward: float, obs: np.ndarray, terminated: bool, memory: Any) -> None:  # noqa: B027
        """Learn from a transition (``u`` and ``obs`` describe the state reached). Default: nothing."""

    def _end_episode(self) -> None:  # noqa: B027
        """Called after each search episode. Default: nothing."""

    # ------------------------------------------------------------------ search
    def _reset(self, env: Any) -> tuple[np.ndarray, dict[str, Any]]:
        return env.reset(seed=self.seed if self.episodes == 0 else None)  # type: ignore[no-any-return]

    def search(self, env: Any, budget: int, log: SearchLog) -> None:
        """Run episodes on ``env`` until ``budget`` child evaluations; one record per evaluation.

        :param env: a Gymnasium env wrapping an :class:`~archgym.envs.ArchSearchEnv`
        :param budget: number of child evaluations (resets and valid non-stop steps), >= 1
        :param log: where the records go
        """
        b = Budget(budget, log)
        u = env.unwrapped
        while b.left > 0:
            obs, info = self._reset(env)
            episode = self.episodes
            b.record(info, episode)
            memory = self._new_memory()
            for _ in range(u.horizon):  # TimeLimit truncates at the horizon; this also guards a bare env
                if b.left == 0:
                    break
                self._progress = b.used / b.budget
                action = self._act(u, obs, memory, deterministic=False)
                evals = info["evaluations"]
                obs, reward, terminated, truncated, info = env.step(action)
                b.step += 1
                if info["evaluations"] > evals:
                    b.record(info, episode)
                self._observe(u, action, float(reward), obs, terminated, memory)
                if terminated or truncated:
                    break
            self._end_episode()
            self.episodes += 1
        self.evaluations += b.used
        self._progress = 1.0

    # ------------------------------------------------------------------ predict
    def predict(
        self,
        observation: np.ndarray,
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = True,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """SB3-style ``predict``: actions for one observation or a batch ``(n_envs, obs_dim)``.

        :param observation: one observation or a batch of them
        :param state: unused (returned as is), as for SB3's non-recurrent policies
        :param episode_start: per-env flags: True resets the policy's per-episode memory of that env
        :param deterministic: the greedy action (True) or the strategy's exploring one
        :return: ``(actions, state)``; actions has shape ``()`` for one observation, ``(n_envs,)`` for a batch
        """
        obs = np.asarray(observation, dtype=np.float32)
        single = obs.ndim == 1
        batch = obs[None] if single else obs
        if batch.ndim != 2:
            raise ValueError(f"observation must have shape (obs_dim,) or (n_envs, obs_dim), got {obs.shape}")
        envs = self._view.unwrapped(len(batch))
        starts = np.zeros(len(batch), bool) if episode_start is None else np.asarray(episode_start, bool).reshape(-1)
        actions = np.empty(len(batch), dtype=np.int64)
        for i, (u, row) in enumerate(zip(envs, batch, strict=True)):
            if starts[i] or i not in self._memories:
                self._memories[i] = self._new_memory()
            actions[i] = self._act(u, row, self._memories[i], deterministic)
        return (actions.reshape(()) if single else actions), state
