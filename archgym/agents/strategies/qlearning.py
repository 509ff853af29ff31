"""Tabular Q-learning with experience replay over architectures (MetaQNN, Baker et al. 2017)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archgym.agents.strategies.base import (
    SearchStrategy,
    check_fraction,
    check_positive_int,
    feature,
    random_valid,
    stop_id,
)

__all__ = ["QLearning"]


@dataclass(frozen=True)
class _Transition:
    state: tuple[str, int]
    action: int
    reward: float
    next_state: tuple[str, int]
    terminated: bool
    next_moves: tuple[int, ...]


@dataclass
class _QMemory:
    state: tuple[str, int] | None = None
    trajectory: list[_Transition] = field(default_factory=list)


class QLearning(SearchStrategy):
    """Tabular Q-learning over architectures with experience replay (MetaQNN, Baker et al. 2017).

    The state is ``(architecture key, step bucket)``, the bucket being ``step // step_bucket`` with
    the step read from the observation's episode fraction; the table maps a state to one value per
    action (``q_init`` until updated). Exploration is epsilon-greedy over the valid actions, epsilon
    decaying linearly from ``eps_start`` to ``eps_end`` over the first ``exploration_fraction`` of
    the budget. Each transition updates the table online,
    ``Q(s, a) += lr * (r + gamma * max_a' Q(s', a') - Q(s, a))`` (max over the valid actions of s';
    no bootstrap after ``stop``), and is stored in a replay memory of ``replay_size`` transitions;
    after each episode ``replay_batch`` stored transitions are replayed in random order.

    :param env: the env (see :class:`~archgym.agents.strategies.base.SearchStrategy`)
    :param seed: RNG seed
    :param lr: Q-learning rate (alpha)
    :param gamma: discount
    :param eps_start: initial exploration rate
    :param eps_end: final exploration rate (also used by ``predict(deterministic=False)``)
    :param exploration_fraction: fraction of the budget over which epsilon decays
    :param replay_size: capacity of the replay memory
    :param replay_batch: transitions replayed after each episode
    :param step_bucket: steps per bucket of the state's time component
    :param q_init: initial action value
    :param stop_prob: probability of ``stop`` in an exploring step
    """

    name = "qlearning"

    def __init__(
        self,
        env: Any,
        seed: int = 0,
        lr: float = 0.1,
        gamma: float = 1.0,
        eps_start: float = 1.0,
        eps_end: float = 0.1,
        exploration_fraction: float = 0.5,
        replay_size: int = 2000,
        replay_batch: int = 64,
        step_bucket: int = 4,
        q_init: float = 0.0,
        stop_prob: float = 0.05,
    ) -> None:
        super().__init__(env, seed)
        self.lr = check_fraction("lr", lr)
        self.gamma = check_fraction("gamma", gamma)
        self.eps_start = check_fraction("eps_start", eps_start)
        self.eps_end = check_fraction("eps_end", eps_end)
        self.exploration_fraction = check_fraction("exploration_fraction", exploration_fraction)
        self.replay: deque[_Transition] = deque(maxlen=check_positive_int("replay_size", replay_size))
        self.replay_batch = check_positive_int("replay_batch", replay_batch, 0)
        self.step_bucket = check_positive_int("step_bucket", step_bucket)
        if not (isinstance(q_init, (int, float)) and math.isfinite(q_init)):
            raise ValueError(f"q_init must be a finite number, got {q_init!r}")
        self.q_init = float(q_init)
        self.stop_prob = check_fraction("stop_prob", stop_prob)
        self.n_actions = int(env.action_space.n) if hasattr(env.action_space, "n") else None
        self.q: dict[tuple[str, int], np.ndarray] = {}
        self.updates = 0

    @property
    def epsilon(self) -> float:
        """Exploration rate at the current point of the search."""
        if self.exploration_fraction == 0:
            return self.eps_end
        frac = min(self._progress / self.exploration_fraction, 1.0)
        return self.eps_start + frac * (self.eps_end - self.eps_start)

    def state_key(self, u: Any, obs: np.ndarray) -> tuple[str, int]:
        """``(architecture key, step bucket)`` of the state ``obs`` describes."""
        t = round(feature(u, obs, "episode_fraction") * u.horizon)
        return u.architecture.key(), t // self.step_bucket

    def values(self, state: tuple[str, int]) -> np.ndarray:
        """The action values of ``state`` (``q_init`` everywhere if unseen; not inserted)."""
        row = self.q.get(state)
        return row if row is not None else np.full(self.n_actions or 0, self.q_init)

    def _row(self, state: tuple[str, int], n: int) -> np.ndarray:
        if state not in self.q:
            self.q[state] = np.full(n, self.q_init)
        return self.q[state]

    def _new_memory(self) -> _QMemory:
        return _QMemory()

    def _act(self, u: Any, obs: np.ndarray, memory: _QMemory, deterministic: bool) -> int:
        if self.n_actions is None:
            self.n_actions = len(u.actions)
        state = self.state_key(u, obs)
        memory.state = state
        eps = 0.0 if deterministic else self.epsilon
        if self.rng.random() < eps:
            return random_valid(self.rng, u, self.stop_prob)
        valid = np.flatnonzero(u.action_masks())
        q = self.values(state)[valid]
        ties = valid[q == q.max()]
        if deterministic:
            stop = stop_id(u)
            return stop if stop in ties else int(ties[0])  # unseen state: stop
        return int(self.rng.choice(ties))

    def _update(self, tr: _Transition) -> None:
        n = self.n_actions or 0
        row = self._row(tr.state, n)
        target = tr.reward
        if not tr.terminated and tr.next_moves:
            target += self.gamma * float(self.values(tr.next_state)[list(tr.next_moves)].max())
        row[tr.action] += self.lr * (target - row[tr.action])
        self.updates += 1

    def _observe(self, u: Any, action: int, reward: float, obs: np.ndarray, terminated: bool, memory: Any) -> None:
        assert memory.state is not None
        tr = _Transition(
            memory.state,
            int(action),
            reward,
            self.state_key(u, obs),
            bool(terminated),
            tuple(int(i) for i in np.flatnonzero(u.action_masks())),
        )
        self._update(tr)
        self.replay.append(tr)

    def _end_episode(self) -> None:
        if not self.replay or self.replay_batch == 0:
            return
        idx = self.rng.integers(0, len(self.replay), size=min(self.replay_batch, len(self.replay)))
        for i in idx:
            self._update(self.replay[int(i)])
