"""``eval_mode="stream"``: the child learns a drifting stream online while it is searched (prequential reward).

Each step the child first **predicts** the next ``chunks_per_step`` chunks of the stream (their accuracy is
the evaluation) and then **learns** each chunk by online gradient descent
(:class:`~archgym.online.OnlineLearner`). A drift detector watches the error stream; when it fires the
learner reacts (learning-rate boost) and the observation flags it. Time passes on a stream: an invalid
action still predicts and learns this step's chunks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.envs.evaluators.base import EvalContext, Evaluation, Evaluator, Outcome, Plan, StepContext
from archgym.envs.evaluators.morph import morph
from archgym.online import DriftReaction, OnlineLearner, PrequentialMonitor, make_stream

__all__ = ["StreamEvaluator"]


class StreamEvaluator(Evaluator):
    """Prequential evaluation on a drifting stream (``stream``, ``chunk_size``, ``chunks_per_step``, ...).

    Its state (stream position, learner, detector) is large, so the env saves its episodes as replays.
    """

    name = "stream"
    replay_only = True
    features: ClassVar[dict[str, tuple[float, float, str]]] = {
        "window_accuracy": (0.0, 1.0, "sliding-window prequential accuracy (``window`` samples)"),
        "drift_detected": (0.0, 1.0, "the drift detector fired during this step"),
        "steps_since_drift": (0.0, 1.0, "steps since the last detection / horizon (1 if none)"),
    }

    def __init__(self, ctx: EvalContext) -> None:
        super().__init__(ctx)
        task, recipe = ctx.task, ctx.recipe
        if task.stream is None:
            raise ValueError("eval_mode 'stream' needs a stream name (stream=...; see archgym.online.STREAMS)")
        kw = dict(task.stream_kwargs or {})
        if task.input == "image":
            kw["flat"] = False
        self.stream = make_stream(task.stream, device=self.device, **kw)
        self.learner_kwargs: dict[str, Any] = {
            "lr": recipe.schedule,
            "optimizer": recipe.optimizer,
            "optimizer_kwargs": {"momentum": recipe.momentum} if recipe.optimizer == "sgd" else {},
            "drift_reaction": DriftReaction(task.drift_lr_factor, int(task.drift_boost_updates), reset_optimizer=False),
        }
        detector = dict(task.detector) if isinstance(task.detector, Mapping) else task.detector
        self.monitor = PrequentialMonitor(window=task.window, detector=detector)
        self.learner: OnlineLearner | None = None
        self.drift_now = False
        self.last_detection: int | None = None
        self._learner_version = -1

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one stream sample."""
        return tuple(self.stream.input_shape)

    @property
    def num_classes(self) -> int:
        """Number of classes of the stream."""
        return int(self.stream.n_classes)

    def begin_reset(self, arch: Architecture, ctx: StepContext) -> Plan:
        """A fresh child and a fresh stream draw (both seeded from the episode), warmed up on ``warmup_chunks``."""
        child_seed, stream_seed = (int(s) for s in ctx.rng.integers(0, 2**31 - 1, size=2))
        self.stream.reset(stream_seed)
        self.monitor.reset()
        self.drift_now, self.last_detection = False, None
        self.architecture = arch
        self.child = ChildNet(arch, seed=child_seed, device=self.device)
        self.learner = OnlineLearner(self.child, device=self.device, **self.learner_kwargs)
        self._learner_version = self.child.version  # the optimizer matches these parameters
        size = self.ctx.task.chunk_size
        for _ in range(self.ctx.task.warmup_chunks):
            x, y = self.stream.next_batch(size)
            self.learner.learn_many(x, y)
        return self._consume(ctx.t)

    def begin_edit(self, op: str, slot: int, arch: Architecture, ctx: StepContext) -> Plan:
        """Morph the child (weights kept), then predict-then-learn this step's chunks."""
        assert self.child is not None and self.architecture is not None
        importance = self.narrow_importance if op == "narrow" else None
        morph(self.child, op, slot, self.architecture, arch, ctx.rng, self.ctx.space, importance)
        self.architecture = arch
        return self._consume(ctx.t)

    def begin_noop(self, ctx: StepContext) -> Plan:
        """Time passes on a stream: an invalid action still predicts and learns this step's chunks."""
        return self._consume(ctx.t)

    def _consume(self, t: int) -> Plan:
        before = self.weights()
        return Plan(None, lambda _: self._predict_then_learn(t), before)

    def _predict_then_learn(self, t: int, _: Outcome | None = None) -> Evaluation:
        assert self.learner is not None and self.child is not None
        if self._learner_version != self.child.version:
            self.learner.reset_optimizer()  # a morph (or a roll-back) replaced parameters
            self._learner_version = self.child.version
        task = self.ctx.task
        self.drift_now = False
        hits = torch.cat(
            [
                self.learner.predict_then_learn(*self.stream.next_batch(task.chunk_size))
                for _ in range(task.chunks_per_step)
            ]
        )
        if self.monitor.update(hits):
            self.drift_now = True
            self.last_detection = t
            self.learner.signal_drift()
        acc = float(hits.float().mean())
        finite = all(bool(torch.isfinite(p).all()) for p in self.child.parameters())
        return Evaluation(acc, 1.0 - acc, self.monitor.accuracy, diverged=not finite)

    def current_lr(self) -> float:
        """Learning rate of the online learner's next update (drift boost included)."""
        return float(self.learner.current_lr()) if self.learner is not None else float("nan")

    def feature_values(self, t: int, horizon: int) -> tuple[float, ...]:
        """Window accuracy, drift flag and the time since the last detection."""
        since = 1.0 if self.last_detection is None else min((t - self.last_detection) / horizon, 1.0)
        return self.monitor.window_accuracy, float(self.drift_now), since
