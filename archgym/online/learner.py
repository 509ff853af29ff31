"""Online gradient descent for any torch classifier, with River's learner API.

:class:`OnlineLearner` wraps an ``nn.Module`` mapping ``(N, *input_shape)`` to logits (a
:class:`~archgym.child.ChildNet` or anything else) and learns from a stream:

* River-style single samples: ``learn_one(x, y)``, ``predict_one(x)``, ``predict_proba_one(x)``
  where ``x`` is a numpy array, a tensor, or a dict of features (River's convention: the key
  order of the first dict seen fixes the feature order; missing keys read as 0);
* batches: ``learn_many(X, y)``, ``predict_many(X)``, ``predict_proba_many(X)``,
  ``score_many(X, y)`` (accuracy as a float) and ``predict_then_learn(X, y)`` (test-then-train
  in one forward pass: returns the per-sample correctness, predicted *before* the update, as a
  device tensor, without a host sync).

The learning rate is a float, any callable ``schedule(t) -> lr`` of the update count (an
optional ``schedule.observe(metric)`` receives what :meth:`OnlineLearner.observe` gets), or a
spec for :func:`archgym.schedules.make_schedule`. :class:`~archgym.online.drift.DriftReaction`
says what :meth:`OnlineLearner.signal_drift` does: multiply the rate for a while and/or reset the
optimizer state. ``standardize=True`` scales inputs with running means and variances (like
River's ``StandardScaler``; :class:`~archgym.online.scaler.RunningStandardizer`), updated after
each learned batch (the first learned batch seeds them before it is used).

Fast path: a plain dense :class:`~archgym.child.ChildNet` (see :func:`archgym.engine.stackable`)
with ``sgd``, ``adam`` or ``adamw`` learns without autograd, on the training engine shared with the
child trainer (:class:`archgym.engine.DenseLearner`): hand-written forward and backward matmuls on
the module's own parameters and one fused optimizer step per update, about 3x fewer operator calls
per chunk than autograd + ``torch.optim`` and the same numbers (tested to ~1e-6). Anything else, or
``fast=False``, uses autograd.

>>> import torch
>>> from torch import nn
>>> learner = OnlineLearner(nn.Linear(2, 2), lr=0.5, input_shape=(2,), seed=0)
>>> for _ in range(20):
...     learner.learn_one({"a": 1.0, "b": 0.0}, 1)
...     learner.learn_one({"a": 0.0, "b": 1.0}, 0)
>>> learner.predict_one({"a": 1.0, "b": 0.0}), learner.predict_one({"b": 1.0})
(1, 0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from archgym.device import resolve_device
from archgym.engine import OPTIMIZERS as _TORCH_OPTIMIZERS
from archgym.engine import DenseLearner
from archgym.online._checks import in_range, lookup, positive_int
from archgym.online.drift import DriftReaction
from archgym.online.scaler import RunningStandardizer
from archgym.schedules import make_schedule

__all__ = ["OPTIMIZERS", "DriftReaction", "OnlineLearner", "RunningStandardizer"]

#: optimizer name -> torch optimizer class
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {k: _TORCH_OPTIMIZERS[k] for k in ("sgd", "adam", "adamw")}

ArrayLike = np.ndarray | torch.Tensor


def _resolve_schedule(lr: float | Callable[[int], float] | str | Mapping[str, Any]) -> Callable[[int], float]:
    """A callable ``t -> lr`` from a float, a callable or a :func:`archgym.schedules.make_schedule` spec."""
    if isinstance(lr, (int, float)) and not isinstance(lr, bool):
        return make_schedule(in_range("lr", lr, 0.0, math.inf, open_low=True))
    if callable(lr):
        return lr
    if isinstance(lr, (str, Mapping)):
        return make_schedule(lr)
    raise ValueError(f"bad lr {lr!r}; valid: a float > 0, a callable t -> lr, a schedule name or dict")


class OnlineLearner:
    """Online gradient descent (predict-then-learn) around a torch classifier.

    :param model: ``nn.Module`` mapping ``(N, *input_shape)`` float32 to ``(N, n_classes)`` logits
    :param lr: a float, a callable ``schedule(t) -> lr`` of the update count, or a schedule spec
    :param optimizer: one of :data:`OPTIMIZERS` (sgd, adam, adamw)
    :param optimizer_kwargs: extra optimizer arguments (momentum, weight_decay...)
    :param steps_per_batch: gradient steps taken on each learned batch
    :param standardize: standardise inputs with running statistics
    :param drift_reaction: what :meth:`signal_drift` does (None: nothing)
    :param input_shape: shape of one sample (default: ``model.arch.input_shape`` or the first sample's)
    :param n_classes: number of classes (default: ``model.arch.num_classes`` or the logits' width)
    :param device: device of the model and of every tensor (``"auto"``: CUDA if available)
    :param seed: seed of torch's global RNG at construction (None: leave it)
    :param fast: learn plain dense ChildNets without autograd (:class:`DenseLearner`, same numbers);
        ``False`` always uses autograd and ``torch.optim``
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        lr: float | Callable[[int], float] | str | Mapping[str, Any] = 0.05,
        optimizer: str = "sgd",
        optimizer_kwargs: Mapping[str, Any] | None = None,
        steps_per_batch: int = 1,
        standardize: bool = False,
        drift_reaction: DriftReaction | None = None,
        input_shape: tuple[int, ...] | None = None,
        n_classes: int | None = None,
        device: str | torch.device = "auto",
        seed: int | None = None,
        fast: bool = True,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if seed is not None:
            torch.manual_seed(positive_int("seed", seed, 0))
        self.device = resolve_device(device)
        self.model = model.to(self.device)
        self.schedule = _resolve_schedule(lr)
        self._opt_cls = lookup("optimizer", optimizer, OPTIMIZERS)
        self.optimizer_name = optimizer
        self.optimizer_kwargs = dict(optimizer_kwargs or {})
        self.steps_per_batch = positive_int("steps_per_batch", steps_per_batch)
        self.drift_reaction = drift_reaction
        arch = getattr(model, "arch", None)
        shape = input_shape if input_shape is not None else getattr(arch, "input_shape", None)
        self.input_shape: tuple[int, ...] | None = tuple(shape) if shape is not None else None
        self.n_classes = n_classes if n_classes is not None else getattr(arch, "num_classes", None)
        self.standardize = bool(standardize)
        self._scaler: RunningStandardizer | None = None
        self._keys: list[Hashable] | None = None
        self.n_updates = 0
        self.n_seen = 0
        self._boost_until = -1
        self.fast = bool(fast)
        self._fused: DenseLearner | None = None
        self._autograd_key: tuple[int, int] | None = None  # (model id, version) the fast path cannot learn
        self.optimizer = self._make_optimizer()

    # ------------------------------------------------------------------ optimisation state
    def _make_optimizer(self) -> torch.optim.Optimizer:
        kwargs = dict(self.optimizer_kwargs)
        if "fused" not in kwargs and "foreach" not in kwargs:
            kwargs["foreach"] = True  # torch's default on the CPU is one op per tensor: slower for small nets
        try:
            opt_cls: Any = self._opt_cls
            return opt_cls(self.model.parameters(), lr=self.current_lr(), **kwargs)
        except TypeError as e:
            raise ValueError(f"bad optimizer_kwargs {self.optimizer_kwargs!r} for {self.optimizer_name}: {e}") from None

    def reset_optimizer(self) -> None:
        """Rebuild the optimizer (forget moments and momentum; also needed after the model's layers change)."""
        self.optimizer = self._make_optimizer()
        self._fused = None

    def _engine(self) -> DenseLearner | None:
        """The fast-path engine for the current model, or None when autograd must learn it."""
        f = self._fused
        if f is not None and f.matches(self.model):
            return f
        self._fused = None
        key = (id(self.model), getattr(self.model, "version", 0))
        if self._autograd_key == key:  # this model, unmorphed, was found unsupported: skip the check
            return None
        if self.fast and DenseLearner.supports(self.model, self.optimizer_name, self.optimizer_kwargs):
            self._fused = DenseLearner(self.model, self.optimizer_name, self.optimizer_kwargs)
            return self._fused
        self._autograd_key = key
        if f is not None:
            self.optimizer = self._make_optimizer()  # the model changed under the fast path
        return None

    def current_lr(self) -> float:
        """Learning rate of the next update (schedule value times the drift boost, if active)."""
        lr = float(self.schedule(self.n_updates))
        if self.drift_reaction is not None and self.n_updates < self._boost_until:
            lr *= self.drift_reaction.lr_factor
        return lr

    def signal_drift(self) -> None:
        """Tell the learner a drift was detected: apply :attr:`drift_reaction` (if any)."""
        r = self.drift_reaction
        if r is None:
            return
        self._boost_until = self.n_updates + r.duration
        if r.reset_optimizer:
            self.reset_optimizer()

    def observe(self, metric: float) -> None:
        """Pass a metric (e.g. recent accuracy) to the schedule's ``observe`` if it has one.

        :param metric: the value
        """
        observe = getattr(self.schedule, "observe", None)
        if callable(observe):
            observe(float(metric))

    # ------------------------------------------------------------------ conversions
    def _features(self, x: Any) -> torch.Tensor:
        """One sample (dict, array or tensor) as a float32 tensor on the device."""
        if isinstance(x, Mapping):
            if self._keys is None:
                self._keys = list(x)
            x = np.fromiter((x.get(k, 0.0) for k in self._keys), dtype=np.float32, count=len(self._keys))
        t = self._tensor(x)
        if self.input_shape is None:
            self.input_shape = tuple(t.shape)
        return t

    def _one(self, x: Any) -> torch.Tensor:
        """One sample as a batch of one, ``(1, *input_shape)``."""
        t = self._features(x)
        assert self.input_shape is not None  # set by _features
        return t.reshape(1, *self.input_shape)

    def _tensor(self, x: Any) -> torch.Tensor:
        if isinstance(x, torch.Tensor):
            return x.to(self.device, torch.float32)
        try:
            arr = np.asarray(x, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError(
                f"features must be an array, a tensor or a dict of numbers, got {type(x).__name__}"
            ) from None
        return torch.from_numpy(arr).to(self.device)

    def _batch(self, X: Any) -> torch.Tensor:
        """A batch as ``(n, *input_shape)`` float32 on the device."""
        if isinstance(X, Mapping):
            raise ValueError("predict_many/learn_many take an array or tensor of shape (n, ...), not a dict")
        t = self._tensor(X)
        if t.ndim == 0:
            raise ValueError("a batch needs a leading sample dimension, got a scalar")
        if self.input_shape is None:
            self.input_shape = tuple(t.shape[1:])
        if tuple(t.shape[1:]) != self.input_shape:
            if t[0].numel() != math.prod(self.input_shape):
                raise ValueError(f"samples of shape {tuple(t.shape[1:])} do not fit input_shape {self.input_shape}")
            t = t.reshape(len(t), *self.input_shape)
        return t

    def _labels(self, y: Any, n: int) -> torch.Tensor:
        t = torch.as_tensor(y, device=self.device).reshape(-1)
        if t.dtype.is_floating_point or t.dtype == torch.bool:
            t = t.long()
        if len(t) != n:
            raise ValueError(f"got {len(t)} labels for {n} samples")
        return t.to(torch.int64)

    # ------------------------------------------------------------------ batched API
    def _scaled(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` standardised when ``standardize`` (the statistics start empty: identity)."""
        if not self.standardize:
            return x
        if self._scaler is None:
            self._scaler = RunningStandardizer(tuple(x.shape[1:]), self.device)
        return self._scaler(x)

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(self._scaled(x))

    def _mode(self, train: bool) -> None:
        """Switch the model to train / eval mode only when needed (``Module.train`` walks every submodule)."""
        if self.model.training != train:
            self.model.train(train)

    def _prime_scaler(self, x: torch.Tensor) -> bool:
        """Seed the input statistics from the first learned batch (so it is not learned unscaled)."""
        if not self.standardize or (self._scaler is not None and self._scaler.count > 0):
            return False
        self._scaler = RunningStandardizer(tuple(x.shape[1:]), self.device)
        self._scaler.update(x)
        return True

    def _step(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        fused: DenseLearner | None,
        first: Any = None,
        update_scaler: bool = True,
    ) -> None:
        """``steps_per_batch`` gradient steps on ``(x, y)``; the first may reuse ``first``, the forward pass of
        ``x`` already made (autograd path: the logits; fast path: :meth:`DenseLearner.forward`'s triple);
        ``fused`` is :meth:`_engine`'s answer for this call."""
        self._mode(True)
        for s in range(self.steps_per_batch):
            reuse = first if s == 0 else None
            if fused is not None:
                with torch.no_grad():
                    logits, hs, zs = reuse if reuse is not None else fused.forward(self._scaled(x))
                    fused.learn(logits, hs, zs, y, self.current_lr())
            else:
                lr = self.current_lr()
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                loss = F.cross_entropy(reuse if reuse is not None else self._logits(x), y)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
            self.n_updates += 1
        if self._scaler is not None and update_scaler:
            self._scaler.update(x)
        self.n_seen += len(y)

    def predict_proba_many(self, X: ArrayLike) -> torch.Tensor:
        """Class probabilities of a batch.

        :param X: features ``(n, *input_shape)`` (array or tensor)
        :return: ``(n, n_classes)`` probabilities on the device
        """
        self._mode(False)
        with torch.no_grad():
            return torch.softmax(self._logits(self._batch(X)), dim=1)

    def predict_many(self, X: ArrayLike) -> torch.Tensor:
        """Predicted labels of a batch.

        :param X: features ``(n, *input_shape)``
        :return: int64 labels ``(n,)`` on the device
        """
        self._mode(False)
        with torch.no_grad():
            return self._logits(self._batch(X)).argmax(1)

    def learn_many(self, X: ArrayLike, y: ArrayLike) -> None:
        """Learn a batch: ``steps_per_batch`` gradient steps on its mean cross-entropy.

        :param X: features ``(n, *input_shape)``
        :param y: integer labels ``(n,)``
        """
        x = self._batch(X)
        labels = self._labels(y, len(x))
        self._step(x, labels, self._engine(), update_scaler=not self._prime_scaler(x))

    def predict_then_learn(self, X: ArrayLike, y: ArrayLike) -> torch.Tensor:
        """Test-then-train on a batch with one forward pass.

        The predictions come from the model before this batch's update (train mode: identical to
        eval mode for models without dropout or batch norm).

        :param X: features ``(n, *input_shape)``
        :param y: integer labels ``(n,)``
        :return: bool tensor ``(n,)`` on the device, True where the prediction was right
        """
        x = self._batch(X)
        labels = self._labels(y, len(x))
        primed = self._prime_scaler(x)
        self._mode(True)
        fused = self._engine()
        if fused is None:
            first: Any = self._logits(x)
            logits = first.detach()
        else:
            with torch.no_grad():
                first = fused.forward(self._scaled(x))
            logits = first[0]
        correct = logits.argmax(1) == labels
        self._step(x, labels, fused, first, update_scaler=not primed)
        return correct

    def score_many(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy of the current model on a batch (no learning; one host sync).

        :param X: features ``(n, *input_shape)``
        :param y: integer labels ``(n,)``
        :return: the accuracy in ``[0, 1]``
        """
        pred = self.predict_many(X)
        return float((pred == self._labels(y, len(pred))).float().mean())

    # ------------------------------------------------------------------ River-style single samples
    def learn_one(self, x: Any, y: int) -> None:
        """Learn one sample (one gradient step per ``steps_per_batch``).

        :param x: features: dict, array or tensor of shape ``input_shape``
        :param y: integer label
        """
        t = self._one(x)
        self._step(t, self._labels([int(y)], 1), self._engine(), update_scaler=not self._prime_scaler(t))

    def predict_proba_one(self, x: Any) -> dict[int, float]:
        """Class probabilities of one sample, as River returns them.

        :param x: features: dict, array or tensor
        :return: ``{class: probability}``
        """
        p = self.predict_proba_many(self._one(x))[0].tolist()
        return dict(enumerate(p))

    def predict_one(self, x: Any) -> int:
        """Predicted label of one sample.

        :param x: features: dict, array or tensor
        :return: the label
        """
        return int(self.predict_many(self._one(x))[0])

    def __repr__(self) -> str:
        return (
            f"OnlineLearner({type(self.model).__name__}, lr={self.schedule!r}, optimizer={self.optimizer_name!r}, "
            f"steps_per_batch={self.steps_per_batch}, standardize={self.standardize}, device={self.device})"
        )
