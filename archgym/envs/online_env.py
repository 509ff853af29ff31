"""The online architecture-search environment: the child learns a drifting stream as it is searched."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from gymnasium import spaces

from archgym.arch import SearchSpace
from archgym.child import ChildNet, UnitImportance
from archgym.data import unknown_name
from archgym.device import resolve_device
from archgym.envs.arch_env import INPUT_KINDS, ArchSearchEnv, Evaluation, _check_number
from archgym.online import DriftReaction, OnlineLearner, PrequentialMonitor, make_stream

__all__ = ["ONLINE_GLOBAL_FEATURES", "DriftingArchEnv"]

ONLINE_GLOBAL_FEATURES = ("window_accuracy", "drift_detected", "steps_since_drift")


class DriftingArchEnv(ArchSearchEnv):
    """
    ## Description

    Architecture search on a *drifting data stream*, evaluated prequentially. Each step the agent
    grows or prunes the child exactly as in :class:`~archgym.envs.ArchSearchEnv` (same actions,
    same weight-keeping morphisms); then the child first **predicts** the next ``chunks_per_step``
    chunks of the stream (their accuracy is the reward signal) and then **learns** each chunk by
    online gradient descent (:class:`~archgym.online.OnlineLearner`). A drift detector (Page-Hinkley
    or ADWIN) watches the error stream; when it fires, the learner reacts (learning-rate boost,
    optimizer reset) and the observation flags it, so the agent can learn to grow capacity after a
    drift and to prune it when the stream is easy.

    ## Action Space

    Identical to ``ArchSearchEnv``: ``Discrete(4 * max_depth + 1)`` (widen / narrow / insert after /
    remove per layer slot, then ``stop``).

    ## Observation Space

    ``ArchSearchEnv``'s table (``4 * max_depth + 8`` values; "validation accuracy" is this step's
    prequential accuracy, "validation loss" its 0/1 error rate and "training accuracy" the
    cumulative prequential accuracy) followed by:

    | Index    | Observation                                             | Min | Max |
    |----------|---------------------------------------------------------|-----|-----|
    | -3       | sliding-window prequential accuracy (``window`` samples) | 0   | 1   |
    | -2       | the drift detector fired during this step               | 0   | 1   |
    | -1       | steps since the last detection / horizon (1 if none)    | 0   | 1   |

    ## Rewards

    ``score = prequential accuracy of this step's chunks - cost_weight * cost`` (cost normalised by
    the reference network, as in ``ArchSearchEnv``); ``delta`` or ``absolute`` reward modes.

    ## Starting State

    The initial architecture, freshly initialised from the episode seed, after learning
    ``warmup_chunks`` chunks of a freshly seeded stream.

    ## Episode End

    ``stop`` terminates; ``max_episode_steps`` (registration) truncates.

    ## Arguments

    ``gym.make("archgym/DriftingDigits-v0", stream="digits-abrupt", chunks_per_step=4)``; see
    ``__init__``.

    ## Version History

    * v0: initial version.
    """

    def __init__(
        self,
        stream: str = "digits-sequence",
        stream_kwargs: Mapping[str, Any] | None = None,
        input: str = "flat",
        initial: Sequence[Any] = (32,),
        reference: Sequence[Any] | None = None,
        search_space: Mapping[str, Any] | SearchSpace | None = None,
        cost_metric: str = "params",
        cost_weight: float = 0.05,
        reward_mode: str = "delta",
        chunk_size: int = 64,
        chunks_per_step: int = 8,
        warmup_chunks: int = 16,
        schedule: Any = 0.05,
        optimizer: str = "sgd",
        momentum: float = 0.9,
        window: int = 512,
        detector: str | Mapping[str, Any] | None = "page_hinkley",
        drift_lr_factor: float = 2.0,
        drift_boost_updates: int = 50,
        widen_noise: float = 0.01,
        widen_init: str = "zero",
        narrow_criterion: str | UnitImportance = "l1",
        invalid_penalty: float = 0.01,
        horizon: int = 20,
        device: str = "auto",
        render_mode: str | None = None,
    ) -> None:
        """
        :param stream: stream name from :data:`archgym.online.STREAMS` (``digits-sequence``, ``sea``, ...)
        :param stream_kwargs: overrides for the stream constructor (``drifts``, ``noise``, ...)
        :param input: ``flat`` or ``image`` (digits streams only)
        :param initial: initial hidden layers
        :param reference: network whose cost normalises the cost term (default: ``initial``)
        :param search_space: search-space bounds
        :param cost_metric: ``params``, ``flops`` or ``nonzero_params``
        :param cost_weight: weight of the normalised cost (>= 0)
        :param reward_mode: ``delta`` or ``absolute``
        :param chunk_size: samples per predict-then-learn chunk
        :param chunks_per_step: chunks consumed per env step
        :param warmup_chunks: chunks learned at reset before the first observation
        :param schedule: online learning-rate schedule (float or :mod:`archgym.schedules` spec)
        :param optimizer: ``sgd``, ``adam`` or ``adamw``
        :param momentum: SGD momentum
        :param window: samples of the sliding prequential window
        :param detector: drift detector name (``page_hinkley``, ``adwin``), spec, or None
        :param drift_lr_factor: learning-rate multiplier after a detected drift
        :param drift_boost_updates: updates the boost lasts
        :param widen_noise: Net2WiderNet split noise (``widen_init="net2net"`` only)
        :param widen_init: ``zero`` (fresh incoming, zero outgoing weights) or ``net2net`` (replicated units)
        :param narrow_criterion: unit-importance criterion of narrow (data-free criteria only)
        :param invalid_penalty: penalty of an invalid action
        :param horizon: episode length (``max_episode_steps``)
        :param device: ``auto``, ``cpu`` or ``cuda``
        :param render_mode: ``None`` or ``ansi``
        """
        self._check_arguments({k: v for k, v in locals().items() if k not in ("self", "__class__")})
        super(ArchSearchEnv, self).__init__()
        if input not in INPUT_KINDS:
            raise unknown_name("input kind", input, INPUT_KINDS)
        for name, v in (("chunk_size", chunk_size), ("chunks_per_step", chunks_per_step), ("window", window)):
            _check_number(name, v, 1, integer=True)
        _check_number("warmup_chunks", warmup_chunks, 0, integer=True)
        _check_number("drift_boost_updates", drift_boost_updates, 0, integer=True)
        _check_number("drift_lr_factor", drift_lr_factor, 1e-6)
        if optimizer not in ("sgd", "adam", "adamw"):
            raise unknown_name("optimizer", optimizer, ["sgd", "adam", "adamw"])
        self.device = resolve_device(device)
        kw = dict(stream_kwargs or {})
        if input == "image":
            kw["flat"] = False
        self.stream = make_stream(stream, device=self.device, **kw)
        self.data = None
        self.eval_mode = "inherit"
        self.chunk_size = int(chunk_size)
        self.chunks_per_step = int(chunks_per_step)
        self.warmup_chunks = int(warmup_chunks)
        self.finetune_steps = 0  # unused: each step consumes chunks_per_step chunks instead
        self._learner_kwargs: dict[str, Any] = {
            "lr": schedule,
            "optimizer": optimizer,
            "optimizer_kwargs": {"momentum": momentum} if optimizer == "sgd" else {},
            "drift_reaction": DriftReaction(drift_lr_factor, int(drift_boost_updates), reset_optimizer=False),
        }
        self.monitor = PrequentialMonitor(window=window, detector=detector)
        self.learner: OnlineLearner | None = None
        self._setup_search(
            input_shape=tuple(self.stream.input_shape),
            num_classes=int(self.stream.n_classes),
            initial=initial,
            reference=reference,
            search_space=search_space,
            cost_metric=cost_metric,
            cost_weight=cost_weight,
            reward_mode=reward_mode,
            widen_noise=widen_noise,
            widen_init=widen_init,
            narrow_criterion=narrow_criterion,
            invalid_penalty=invalid_penalty,
            horizon=horizon,
            render_mode=render_mode,
        )
        base = self.observation_space
        low = np.concatenate([base.low, np.zeros(len(ONLINE_GLOBAL_FEATURES), dtype=np.float32)])
        high = np.concatenate([base.high, np.ones(len(ONLINE_GLOBAL_FEATURES), dtype=np.float32)])
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._drift_now = False
        self._last_detection: int | None = None
        self._learner_version = -1

    def _resolve_importance(self, criterion: str | UnitImportance) -> UnitImportance | None:
        if callable(criterion) or criterion == "l1":
            return super()._resolve_importance(criterion)
        from archgym.pruning import unit_importance

        return unit_importance(criterion)

    # ------------------------------------------------------------------ the stream
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """New child, new stream draw (both seeded from the episode seed), warm-up, first observation."""
        super(ArchSearchEnv, self).reset(seed=seed)
        self._begin_episode()
        child_seed, stream_seed = (int(s) for s in self.np_random.integers(0, 2**31 - 1, size=2))
        self.stream.reset(stream_seed)
        self.monitor.reset()
        self._t = 0
        self._evaluations = 0
        self._last_valid = True
        self._oom_now = False
        self._drift_now = False
        self._last_detection = None
        self.architecture = self.initial_arch
        self.child = ChildNet(self.architecture, seed=child_seed, device=self.device)
        self.learner = OnlineLearner(self.child, device=self.device, **self._learner_kwargs)
        self._learner_version = self.child.version  # the optimizer matches these parameters
        for _ in range(self.warmup_chunks):
            x, y = self.stream.next_batch(self.chunk_size)
            self.learner.learn_many(x, y)
        self._eval = self._fit_and_eval(0)
        self._score = self._score_of(self._eval)
        return self._obs(), self._info(True)

    def _fit_and_eval(self, steps: int) -> Evaluation:
        """Predict-then-learn ``chunks_per_step`` chunks; the prequential accuracy is the evaluation."""
        assert self.learner is not None and self.child is not None
        if self._learner_version != self.child.version:
            self.learner.reset_optimizer()  # the morph replaced parameters
            self._learner_version = self.child.version
        correct = []
        self._drift_now = False
        for _ in range(self.chunks_per_step):
            x, y = self.stream.next_batch(self.chunk_size)
            c = self.learner.predict_then_learn(x, y)
            correct.append(c)
        hits = torch.cat(correct)
        fired = self.monitor.update(hits)
        if fired:
            self._drift_now = True
            self._last_detection = self._t
            self.learner.signal_drift()
        self._evaluations += 1
        self.total_evaluations += 1
        acc = float(hits.float().mean())
        finite = all(bool(torch.isfinite(p).all()) for p in self.child.parameters())
        return Evaluation(acc, 1.0 - acc, self.monitor.accuracy, diverged=not finite)

    def _noop(self) -> None:
        """Time passes on a stream: an invalid action still predicts and learns this step's chunks."""
        self._eval = self._fit_and_eval(0)
        self._score = self._score_of(self._eval)

    def _obs(self) -> np.ndarray:
        obs = super()._obs()  # the base features, with room left for ours at the end
        since = 1.0 if self._last_detection is None else min((self._t - self._last_detection) / self.horizon, 1.0)
        obs[-len(ONLINE_GLOBAL_FEATURES) :] = (self.monitor.window_accuracy, float(self._drift_now), since)
        return obs

    def current_lr(self) -> float:
        """Learning rate of the online learner's next update (drift boost included)."""
        return float(self.learner.current_lr()) if self.learner is not None else math.nan
