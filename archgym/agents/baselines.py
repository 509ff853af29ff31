"""Search baselines: random search, greedy hill climbing, a rule-based controller, tabular Q-learning.

Every strategy of :data:`STRATEGIES` is built as ``cls(env, seed=0, **kwargs)`` and offers

* ``search(env, budget, log)``: runs episodes until ``budget`` *child evaluations* were spent and
  writes one :class:`~archgym.agents.records.SearchLog` record per evaluated architecture, so a
  baseline and a DQN run compare at an equal budget;
* ``predict(obs, state=None, episode_start=None, deterministic=True) -> (actions, state)``: the
  shape of stable-baselines3's ``predict``, so the same evaluation code runs a baseline or an SB3
  model. ``obs`` is one observation (an action array of shape ``()`` comes back) or a batch
  ``(n_envs, obs_dim)`` (an array of ``n_envs`` actions). The action masks and architectures come
  from the env the strategy was built with: a Gymnasium env, an SB3 ``VecEnv`` or a Gymnasium
  ``VectorEnv`` (through ``get_attr("unwrapped")``).

Budget accounting
-----------------
An evaluation is every time the env trained/evaluated a child: each ``reset`` and each valid
non-stop step (the env counts them in ``info["evaluations"]``; a scratch-mode cache hit counts too,
being a visit the search paid for with a step). Invalid actions and ``stop`` evaluate nothing and
write no record. A search writes exactly ``budget`` records: it stops in the middle of an episode
when the budget is spent. Record fields: ``step`` = env steps taken so far (greedy's trial steps
included), ``episode``, ``evaluation`` = 1-based evaluation count.

Strategies
----------
* ``random``: uniform over the valid edit actions; ``stop`` with probability ``stop_prob``.
* ``greedy``: steepest-ascent hill climbing with restarts. From the current state it tries every
  valid edit on a *fork* of the env (``copy.deepcopy`` of the wrapper stack, sharing the dataset
  tensors and the scratch cache), which is exact in both eval modes: a trial sees the same RNG
  state, fine-tune budget and cache the real step would. The best trial becomes the current env
  (no re-evaluation). Cost: one evaluation per valid edit per climbing step (at most
  ``4 * max_depth``), all counted against the budget. At a local optimum (no trial beats the
  current score by ``min_improvement``) the episode ends; the next one starts from a reset
  followed by ``perturb_steps`` random edits (iterated local search; in scratch mode a plain
  restart would repeat the same climb). The env passed to ``search`` is left at the last reset.
  ``predict`` is greedy with respect to the mean score of every architecture the search evaluated.
* ``rule``: a hand-written controller (fields in ``agents/rule.yaml``, see :class:`RuleConfig`).
* ``qlearning``: tabular Q-learning with experience replay (MetaQNN, Baker et al. 2017).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from archgym.agents.records import SearchLog
from archgym.arch import InvalidEdit
from archgym.presets import find_preset_file, read_yaml

__all__ = [
    "STRATEGIES",
    "GreedyHillClimbing",
    "QLearning",
    "RandomSearch",
    "RuleConfig",
    "RuleController",
    "SearchStrategy",
    "dead_unit_fractions",
    "fork_env",
    "load_rule_config",
    "make_strategy",
]


# --------------------------------------------------------------------------- helpers
def _stop_id(u: Any) -> int:
    return u.action_meanings().index("stop")


def _global(u: Any, obs: np.ndarray, name: str) -> float:
    """One global feature of an observation row (see the env's observation table)."""
    return float(obs[u.feature_index(name)])


def _score(u: Any, obs: np.ndarray) -> float:
    """The env's score of the state ``obs`` describes: val accuracy - cost_weight * cost."""
    return _global(u, obs, "val_accuracy") - u.reward_config.cost_weight * u.cost()


def _edit_moves(u: Any) -> np.ndarray:
    """Ids of the valid non-stop actions of the env's current state."""
    moves = np.flatnonzero(u.action_masks())
    return moves[moves != _stop_id(u)]


def _random_valid(rng: np.random.Generator, u: Any, stop_prob: float) -> int:
    """A uniform valid edit, or ``stop`` with probability ``stop_prob`` (or when no edit is valid)."""
    moves = _edit_moves(u)
    if len(moves) == 0 or rng.random() < stop_prob:
        return _stop_id(u)
    return int(rng.choice(moves))


def _neighbour_key(u: Any, action: int) -> str | None:
    """Key of the architecture ``action`` leads to from the env's current one (None: invalid)."""
    try:
        return u.preview(action).key()  # the env's own edit rule
    except InvalidEdit:
        return None


def _check_fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


@torch.no_grad()
def dead_unit_fractions(child: nn.Module, x: torch.Tensor) -> list[float]:
    """Fraction of each hidden layer's units (channels) whose ReLU output is zero on every sample of ``x``.

    :param child: a :class:`~archgym.child.ChildNet` (hidden layers in ``child.layers``, ReLU after each)
    :param x: inputs, e.g. the training split already on the child's device
    """
    peaks: list[torch.Tensor] = []

    def hook(_m: nn.Module, _i: Any, out: torch.Tensor) -> None:
        dims = [d for d in range(out.ndim) if d != 1]  # all but the unit/channel axis
        peaks.append((out.amax(dim=dims) <= 0).float().mean())

    layers: Any = child.layers  # an nn.ModuleList (torch types it as Tensor | Module)
    handles = [layer.register_forward_hook(hook) for layer in layers]
    was_training = child.training
    try:
        child.eval()
        child(x)
    finally:
        child.train(was_training)
        for h in handles:
            h.remove()
    return torch.stack(peaks).tolist() if peaks else []


#: training samples the rule controller's dead-unit probe looks at (all of digits' training split)
PROBE_SAMPLES = 2048


def _probe_inputs(data: Any) -> torch.Tensor:
    """The first :data:`PROBE_SAMPLES` training inputs as model inputs (``uint8`` images standardised
    like the trainer's batches, through the dataset's ``normalize``)."""
    x = data.x_train[:PROBE_SAMPLES]
    normalize = getattr(data, "normalize", None)
    return normalize(x) if normalize is not None else x


class _EnvView:
    """Per-index access to the :class:`~archgym.envs.ArchSearchEnv` behind a Gymnasium env,
    a Gymnasium ``VectorEnv`` or an SB3 ``VecEnv``."""

    def __init__(self, env: Any) -> None:
        self.env = env

    def unwrapped(self, n: int) -> list[Any]:
        if hasattr(self.env, "get_attr") and hasattr(self.env, "num_envs"):
            envs = list(self.env.get_attr("unwrapped"))
        else:
            envs = [self.env.unwrapped]
        if len(envs) != n:
            raise ValueError(f"predict got {n} observation(s) but the strategy's env holds {len(envs)} env(s)")
        return envs


class _Budget:
    """Counts evaluations and writes their records."""

    def __init__(self, budget: int, log: SearchLog) -> None:
        self.budget = _check_positive_int("budget", budget)
        self.log = log
        self.used = 0
        self.step = 0

    @property
    def left(self) -> int:
        return self.budget - self.used

    def record(self, info: Mapping[str, Any], episode: int) -> None:
        self.used += 1
        self.log.write_info(info, step=self.step, episode=episode, evaluation=self.used, env=0)


# --------------------------------------------------------------------------- base class
class SearchStrategy(ABC):
    """Base of the baselines: an episodic search loop under a budget of child evaluations, and SB3's ``predict``.

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
        self._view = _EnvView(env)
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
        return env.reset(seed=self.seed if self.episodes == 0 else None)

    def search(self, env: Any, budget: int, log: SearchLog) -> None:
        """Run episodes on ``env`` until ``budget`` child evaluations; one record per evaluation.

        :param env: a Gymnasium env wrapping an :class:`~archgym.envs.ArchSearchEnv`
        :param budget: number of child evaluations (resets and valid non-stop steps), >= 1
        :param log: where the records go
        """
        b = _Budget(budget, log)
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


# --------------------------------------------------------------------------- random
class RandomSearch(SearchStrategy):
    """Random search: a uniform valid edit each step, ``stop`` with probability ``stop_prob``.

    ``predict`` samples the same way whatever ``deterministic`` says (the policy is the randomness).

    :param env: the env (see :class:`SearchStrategy`)
    :param seed: RNG seed
    :param stop_prob: probability of choosing ``stop`` in a step (episodes otherwise run to the horizon)
    """

    name = "random"

    def __init__(self, env: Any, seed: int = 0, stop_prob: float = 0.05) -> None:
        super().__init__(env, seed)
        self.stop_prob = _check_fraction("stop_prob", stop_prob)

    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        return _random_valid(self.rng, u, self.stop_prob)


# --------------------------------------------------------------------------- greedy
def fork_env(env: Any) -> Any:
    """A deep copy of ``env`` (its wrappers, child, trainer and RNG states) sharing the dataset and scratch cache.

    Stepping the copy gives exactly what stepping ``env`` would (on the CPU), without touching ``env``.
    """
    u = env.unwrapped
    memo: dict[int, Any] = {}
    if getattr(u, "data", None) is not None:
        memo[id(u.data)] = u.data  # device tensors: shared, never copied
    cache = getattr(u.evaluator, "cache", None)
    if cache is not None:
        memo[id(cache)] = cache  # entries are keyed by (arch, seed, steps): shared safely
    return copy.deepcopy(env, memo)


class GreedyHillClimbing(SearchStrategy):
    """Steepest-ascent hill climbing on the env's score, with perturbed restarts (see the module doc).

    :param env: the env (see :class:`SearchStrategy`)
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
        self.perturb_steps = _check_positive_int("perturb_steps", perturb_steps, 0)
        self.score_sum: dict[str, float] = {}
        self.score_count: dict[str, int] = {}

    def _remember(self, info: Mapping[str, Any]) -> None:
        k = info["arch"]
        self.score_sum[k] = self.score_sum.get(k, 0.0) + float(info["score"])
        self.score_count[k] = self.score_count.get(k, 0) + 1

    def mean_score(self, key: str) -> float:
        """Mean score of an architecture over the search's evaluations (``-inf`` if never evaluated)."""
        n = self.score_count.get(key, 0)
        return self.score_sum[key] / n if n else -math.inf

    def search(self, env: Any, budget: int, log: SearchLog) -> None:
        """Hill-climb until ``budget`` child evaluations (every trial counts); see :meth:`SearchStrategy.search`."""
        b = _Budget(budget, log)
        while b.left > 0:
            obs, info = self._reset(env)
            episode = self.episodes
            b.record(info, episode)
            self._remember(info)
            cur, done, moves_made = env, False, 0
            for _ in range(self.perturb_steps if self.episodes > 0 else 0):
                if b.left == 0 or done:
                    break
                if cur is env:
                    cur = fork_env(env)  # leave the caller's env at its reset
                evals = info["evaluations"]
                _, _, term, trunc, info = cur.step(_random_valid(self.rng, cur.unwrapped, 0.0))
                b.step += 1
                moves_made += 1
                if info["evaluations"] > evals:
                    b.record(info, episode)
                    self._remember(info)
                done = term or trunc
            while b.left > 0 and not done and moves_made < env.unwrapped.horizon:
                best: tuple[float, Any, dict[str, Any], bool] | None = None
                for a in self.rng.permutation(_edit_moves(cur.unwrapped)):
                    if b.left == 0:
                        break
                    trial = fork_env(cur)
                    _, _, term, trunc, tinfo = trial.step(int(a))
                    b.step += 1
                    if tinfo["evaluations"] > info["evaluations"]:
                        b.record(tinfo, episode)
                        self._remember(tinfo)
                    if best is None or tinfo["score"] > best[0]:
                        best = (tinfo["score"], trial, tinfo, term or trunc)
                if best is None or best[0] <= info["score"] + self.min_improvement:
                    break  # local optimum (or out of budget)
                _, cur, info, done = best
                moves_made += 1
            self.episodes += 1
        self.evaluations += b.used

    def _act(self, u: Any, obs: np.ndarray, memory: Any, deterministic: bool) -> int:
        best_a, best_s = _stop_id(u), self.mean_score(u.architecture.key()) + self.min_improvement
        for a in _edit_moves(u):
            key = _neighbour_key(u, int(a))
            s = self.mean_score(key) if key is not None else -math.inf
            if s > best_s:
                best_a, best_s = int(a), s
        return best_a


# --------------------------------------------------------------------------- rule-based
@dataclass(frozen=True)
class RuleConfig:
    """Fields of the rule-based controller (``agents/rule.yaml``: a ``default`` entry, overrides per env id).

    :param underfit_train_accuracy: grow while the training accuracy is below this
    :param overfit_gap: prune when train accuracy - val accuracy exceeds this
    :param dead_fraction: prune a layer when at least this fraction of its units never activates on the training set
    :param width_per_input: initial width rule: dense layers start at ``width_per_input x input features``
    :param channels_per_input_channel: initial width rule: conv layers start at this many channels per input channel
    :param patience: stop after this many consecutive actions that did not raise the episode's best score
    :param min_improvement: a score gain must exceed this to count as an improvement
    """

    underfit_train_accuracy: float = 0.97
    overfit_gap: float = 0.03
    dead_fraction: float = 0.25
    width_per_input: float = 0.5
    channels_per_input_channel: float = 8.0
    patience: int = 2
    min_improvement: float = 0.0

    def __post_init__(self) -> None:
        for name in ("underfit_train_accuracy", "overfit_gap", "dead_fraction"):
            _check_fraction(name, getattr(self, name))
        for name in ("width_per_input", "channels_per_input_channel", "min_improvement"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
        _check_positive_int("patience", self.patience)

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> RuleConfig:
        """Build from a mapping; unknown keys raise ValueError listing the valid ones."""
        valid = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(d) - set(valid))
        if unknown:
            raise ValueError(f"unknown rule field(s) {unknown}; valid: {', '.join(valid)}")
        return cls(**d)


def load_rule_config(env_id: str | None = None, path: Path | None = None, **overrides: Any) -> RuleConfig:
    """The rule fields for ``env_id``: the preset's ``default`` entry, its ``env_id`` entry, then ``overrides``.

    :param env_id: registered env id (``None``: the default entry only)
    :param path: the preset file (default: ``rule.yaml`` of the agent preset folders, :mod:`archgym.presets`)
    :param overrides: field values that win over the file
    :raises ValueError: an unknown override or field (the valid ones are listed), a malformed file
    """
    valid = [f.name for f in dataclasses.fields(RuleConfig)]
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise ValueError(f"unknown rule field(s) {unknown}; valid: {', '.join(valid)}")
    if path is None:
        path = find_preset_file("agents", "rule")
        if path is None:
            raise ValueError("no rule.yaml in the agent preset folders; valid: a folder holding agents/rule.yaml")
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the rule preset must be a mapping, got {type(data).__name__}")
    entries = [data.get("default") or {}, (data.get(env_id) or {}) if env_id else {}]
    for e in entries:
        if not isinstance(e, dict):
            raise ValueError(f"{path}: entries must be mappings of rule fields, got {e!r}")
    try:
        return RuleConfig.from_mapping({**entries[0], **entries[1], **overrides})
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


@dataclass
class _RuleMemory:
    best: float = -math.inf
    stale: int = 0
    grown_to_initial: bool = False


class RuleController(SearchStrategy):
    """A hand-written controller; each step, in this order:

    1. **initial width rule** (once per episode): widen the first layer narrower than its initial
       width (dense: ``width_per_input x input features``; conv: ``channels_per_input_channel x
       input channels``, both clipped to the search space);
    2. **stop when nothing helps**: after ``patience`` actions in a row without raising the
       episode's best score;
    3. **dead units**: narrow the layer with the largest fraction of never-active units (the env's
       narrow removes the least important units by its criterion) if it reaches ``dead_fraction``;
    4. **underfitting** (train accuracy < ``underfit_train_accuracy``): widen the narrowest layer
       that can grow, else insert a layer after the last one;
    5. **overfitting** (train - val accuracy > ``overfit_gap``): narrow the widest layer that can shrink;
    6. otherwise stop.

    :param env: the env (see :class:`SearchStrategy`)
    :param seed: RNG seed (unused by the rules: they are deterministic)
    :param config: the fields; default: :func:`load_rule_config` for ``env.spec.id``
    :param overrides: field values that win over the preset
    """

    name = "rule"

    def __init__(self, env: Any, seed: int = 0, config: RuleConfig | None = None, **overrides: Any) -> None:
        super().__init__(env, seed)
        if config is None:
            spec = getattr(env, "spec", None)
            config = load_rule_config(getattr(spec, "id", None), **overrides)
        elif overrides:
            config = RuleConfig.from_mapping({**dataclasses.asdict(config), **overrides})
        self.config = config
        self.last_reason = ""

    def _new_memory(self) -> _RuleMemory:
        return _RuleMemory()

    def initial_width(self, u: Any, kind: str) -> int:
        """The initial width rule's target for a layer kind, snapped to the search space's grid."""
        b = u.space.bounds(kind)
        shape = u.architecture.input_shape
        raw = (
            self.config.width_per_input * math.prod(shape)
            if kind == "dense"
            else self.config.channels_per_input_channel * shape[0]
        )
        return int(min(max(raw, b.min), b.max))

    def _first_valid(self, u: Any, op: str, slots: list[int]) -> int | None:
        mask = u.action_masks()
        for s in slots:
            for i, a in enumerate(u.actions):
                if a.op == op and a.slot == s and mask[i]:
                    return i
        return None

    def _decide(self, u: Any, obs: np.ndarray, mem: _RuleMemory) -> tuple[int | None, str]:
        cfg = self.config
        layers = u.architecture.layers
        if not mem.grown_to_initial:
            small = [i for i, x in enumerate(layers) if x.width < self.initial_width(u, x.kind)]
            a = self._first_valid(u, "widen", small)
            if a is not None:
                return a, "initial width"
            mem.grown_to_initial = True
        score = _score(u, obs)
        if score > mem.best + cfg.min_improvement:
            mem.best, mem.stale = score, 0
        else:
            mem.stale += 1
        if mem.stale >= cfg.patience:
            return None, "no improvement"
        if u.child is not None and getattr(u, "data", None) is not None:
            dead = dead_unit_fractions(u.child, _probe_inputs(u.data))
            worst = int(np.argmax(dead)) if dead else 0
            if dead and dead[worst] >= cfg.dead_fraction:
                a = self._first_valid(u, "narrow", [worst])
                if a is not None:
                    return a, "dead units"
        train_acc, val_acc = _global(u, obs, "train_accuracy"), _global(u, obs, "val_accuracy")
        if train_acc < cfg.underfit_train_accuracy:
            by_width = sorted(range(len(layers)), key=lambda i: (layers[i].width, i))
            a = self._first_valid(u, "widen", by_width)
            if a is None:
                a = self._first_valid(u, "insert", [len(layers) - 1])
            return a, "underfit"
        if train_acc - val_acc > cfg.overfit_gap:
            by_width = sorted(range(len(layers)), key=lambda i: (-layers[i].width, i))
            return self._first_valid(u, "narrow", by_width), "overfit"
        return None, "fits"

    def _act(self, u: Any, obs: np.ndarray, memory: _RuleMemory, deterministic: bool) -> int:
        action, self.last_reason = self._decide(u, obs, memory)
        return _stop_id(u) if action is None else action


# --------------------------------------------------------------------------- Q-learning
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

    :param env: the env (see :class:`SearchStrategy`)
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
        self.lr = _check_fraction("lr", lr)
        self.gamma = _check_fraction("gamma", gamma)
        self.eps_start = _check_fraction("eps_start", eps_start)
        self.eps_end = _check_fraction("eps_end", eps_end)
        self.exploration_fraction = _check_fraction("exploration_fraction", exploration_fraction)
        self.replay: deque[_Transition] = deque(maxlen=_check_positive_int("replay_size", replay_size))
        self.replay_batch = _check_positive_int("replay_batch", replay_batch, 0)
        self.step_bucket = _check_positive_int("step_bucket", step_bucket)
        if not (isinstance(q_init, (int, float)) and math.isfinite(q_init)):
            raise ValueError(f"q_init must be a finite number, got {q_init!r}")
        self.q_init = float(q_init)
        self.stop_prob = _check_fraction("stop_prob", stop_prob)
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
        t = round(_global(u, obs, "episode_fraction") * u.horizon)
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
            return _random_valid(self.rng, u, self.stop_prob)
        valid = np.flatnonzero(u.action_masks())
        q = self.values(state)[valid]
        ties = valid[q == q.max()]
        if deterministic:
            stop = _stop_id(u)
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


# --------------------------------------------------------------------------- registry
STRATEGIES: dict[str, type[SearchStrategy]] = {
    "random": RandomSearch,
    "greedy": GreedyHillClimbing,
    "rule": RuleController,
    "qlearning": QLearning,
}


def make_strategy(name: str, env: Any, seed: int = 0, **kwargs: Any) -> SearchStrategy:
    """Build the strategy ``name`` of :data:`STRATEGIES` for ``env``.

    :raises ValueError: unknown name (the valid ones are listed)
    """
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; valid: {', '.join(STRATEGIES)}")
    return STRATEGIES[name](env, seed=seed, **kwargs)
