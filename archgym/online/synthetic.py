"""Synthetic drifting streams in numpy: SEA concepts and a rotating hyperplane (after River's).

* :class:`SEAStream`: three features uniform in ``[0, 10)``, label ``x0 + x1 > threshold``
  with threshold 8, 9, 7 or 9.5 for variants 0..3; the stream moves through ``variants`` at
  the given drift positions (abrupt or sigmoid-mixed), and flips each label with probability
  ``noise``.
* :class:`HyperplaneStream`: features uniform in ``[0, 1)^d``, label
  ``w . x >= sum(w) / 2``; after each sample the first ``n_drift_features`` weights move by
  ``mag_change`` in their current direction, which reverses with probability ``sigma``
  (a continuous drift: no discrete drift points). Labels flip with probability ``noise``.
  River draws its flips with ``0.01 + random() <= p``, i.e. probability ``p - 0.01``; here the
  probabilities are exactly ``noise`` and ``sigma``.

>>> s = SEAStream(variants=(0, 3), positions=(500,), noise=0.1, seed=1)
>>> x, y = s.next_batch(5)
>>> tuple(x.shape), s.n_classes, s.drift_points
((5, 3), 2, (500,))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from archgym.online._checks import in_range, int_tuple, positive_int
from archgym.online.base import DriftPoint, Stream, check_drift_order, concept_of

__all__ = ["SEA_THRESHOLDS", "HyperplaneStream", "SEAStream"]

#: SEA variant -> threshold on ``x0 + x1``
SEA_THRESHOLDS: dict[int, float] = {0: 8.0, 1: 9.0, 2: 7.0, 3: 9.5}


def _flip(y: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Flip binary labels with probability ``noise`` (one uniform draw per sample, always)."""
    return np.where(rng.random(len(y)) < noise, 1 - y, y)


class SEAStream(Stream):
    """SEA concepts stream with concept changes and label noise.

    :param variants: SEA variants (0..3) visited in order; ``len(positions) + 1`` of them
    :param positions: sample indices of the drift centres (strictly increasing)
    :param widths: mixing width of each drift (one int for all, or one per drift; 1 = abrupt)
    :param noise: probability of flipping each label, in ``[0, 0.5]``
    :param seed: seed of every random draw
    :param device: device of the returned tensors
    """

    n_features = 3
    n_classes = 2
    input_shape = (3,)

    def __init__(
        self,
        variants: Sequence[int] = (0, 1, 2, 3),
        positions: Sequence[int] = (2500, 5000, 7500),
        widths: int | Sequence[int] = 1,
        *,
        noise: float = 0.1,
        seed: int = 0,
        device: str | torch.device = "cpu",
    ) -> None:
        self.variants = tuple(variants)
        for v in self.variants:
            if v not in SEA_THRESHOLDS:
                raise ValueError(f"unknown SEA variant {v!r}; valid: {', '.join(map(str, SEA_THRESHOLDS))}")
        pos = int_tuple("positions", positions)
        if len(self.variants) != len(pos) + 1:
            raise ValueError(f"SEA needs len(positions) + 1 variants, got {len(self.variants)} and {len(pos)}")
        wid = (widths,) * len(pos) if isinstance(widths, int) else int_tuple("widths", widths, 1)
        if len(wid) != len(pos):
            raise ValueError(f"widths must be one int or one per drift ({len(pos)}), got {widths!r}")
        self._drifts = check_drift_order([DriftPoint(p, w) for p, w in zip(pos, wid, strict=True)])
        self.noise = in_range("noise", noise, 0.0, 0.5)
        self._thresholds = np.array([SEA_THRESHOLDS[v] for v in self.variants])
        super().__init__(seed=seed, device=device)

    @property
    def drifts(self) -> tuple[DriftPoint, ...]:
        """The drift points of the stream."""
        return self._drifts

    def _generate(self, t: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        concept = concept_of(t, self._drifts, self.rng)
        x = self.rng.uniform(0.0, 10.0, size=(len(t), 3))
        y = (x[:, 0] + x[:, 1] > self._thresholds[concept]).astype(np.int64)
        return self._to_device(x, _flip(y, self.noise, self.rng))


class HyperplaneStream(Stream):
    """Rotating-hyperplane stream (continuous drift).

    :param n_features: number of features (``>= 2``)
    :param n_drift_features: how many leading weights drift (``<= n_features``)
    :param mag_change: weight change per sample, in ``[0, 1]`` (0: stationary)
    :param sigma: probability that a drifting weight reverses direction after a sample
    :param noise: probability of flipping each label, in ``[0, 0.5]``
    :param seed: seed of every random draw
    :param device: device of the returned tensors
    """

    n_classes = 2

    def __init__(
        self,
        n_features: int = 10,
        n_drift_features: int = 2,
        *,
        mag_change: float = 0.001,
        sigma: float = 0.1,
        noise: float = 0.05,
        seed: int = 0,
        device: str | torch.device = "cpu",
    ) -> None:
        self.n_features = positive_int("n_features", n_features, 2)
        self.n_drift_features = positive_int("n_drift_features", n_drift_features, 0)
        if self.n_drift_features > self.n_features:
            raise ValueError(f"n_drift_features must be in [0, n_features={n_features}], got {n_drift_features}")
        self.input_shape = (self.n_features,)
        self.mag_change = in_range("mag_change", mag_change, 0.0, 1.0)
        self.sigma = in_range("sigma", sigma, 0.0, 1.0)
        self.noise = in_range("noise", noise, 0.0, 0.5)
        super().__init__(seed=seed, device=device)
        self._on_reset()

    def _on_reset(self) -> None:
        self.weights = self.rng.random(self.n_features)
        self._direction = np.ones(self.n_drift_features)

    def _generate(self, t: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        n, k = len(t), self.n_drift_features
        x = self.rng.random((n, self.n_features))
        flips = self.rng.random((n, k)) < self.sigma
        parity: np.ndarray = np.cumsum(flips, axis=0) - flips  # flips before each sample
        direction = self._direction * np.where(parity % 2 == 1, -1.0, 1.0)
        moved = self.mag_change * (np.cumsum(direction, axis=0) - direction)  # change before each sample
        w = np.broadcast_to(self.weights, (n, self.n_features)).copy()
        w[:, :k] += moved
        y = ((x * w).sum(1) >= 0.5 * w.sum(1)).astype(np.int64)
        if n:
            self.weights[:k] += self.mag_change * direction.sum(0)
            self._direction = direction[-1] * np.where(flips[-1], -1.0, 1.0)
        return self._to_device(x, _flip(y, self.noise, self.rng))
