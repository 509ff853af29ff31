"""The stream protocol: seeded mini-batches ``(x, y)`` on a device, with known drift positions.

Every stream draws from a numpy ``Generator`` seeded at construction (or by ``reset(seed)``), so
the same seed and the same sequence of calls give the same data on any device. A stream with
discrete concepts mixes them like River's ``ConceptDriftStream``: drift ``i`` is centred at
sample ``position`` and a sample at index ``t`` comes from the newer concept with probability
``1 / (1 + exp(-4 (t - position) / width))`` (``width == 1`` means an abrupt switch at
``position``); several drifts nest as in River, so concept ``k`` is reached once drifts
``1..k`` have all "fired" for that sample.

>>> import numpy as np
>>> drifts = (DriftPoint(100), DriftPoint(200, width=50))
>>> concept_of(np.array([0, 99, 100, 150, 400]), drifts, np.random.default_rng(0)).tolist()
[0, 0, 1, 1, 2]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import torch

from archgym.device import resolve_device
from archgym.online._checks import positive_int

__all__ = ["DriftPoint", "Stream", "concept_of"]


@dataclass(frozen=True)
class DriftPoint:
    """Where one concept drift happens.

    :param position: sample index of the drift centre (``>= 0``)
    :param width: number of samples over which the two concepts are mixed (``1``: abrupt)
    """

    position: int
    width: int = 1

    def __post_init__(self) -> None:
        positive_int("drift position", self.position, 0)
        positive_int("drift width", self.width, 1)

    def probability(self, t: np.ndarray) -> np.ndarray:
        """Probability that the sample at index ``t`` comes from the new concept.

        :param t: sample indices
        :return: probabilities, same shape as ``t``
        """
        if self.width == 1:
            return (t >= self.position).astype(np.float64)
        z = np.clip(-4.0 * (t - self.position) / self.width, -60.0, 60.0)
        return 1.0 / (1.0 + np.exp(z))


def concept_of(t: np.ndarray, drifts: Sequence[DriftPoint], rng: np.random.Generator) -> np.ndarray:
    """Concept index of each sample index in ``t`` (nested River-style mixing).

    :param t: sample indices, shape ``(n,)``
    :param drifts: the drifts, in stream order
    :param rng: generator used for the mixing draws (one uniform per sample and drift)
    :return: int64 concept indices in ``[0, len(drifts)]``
    """
    if not drifts:
        return np.zeros(len(t), dtype=np.int64)
    p = np.stack([d.probability(t) for d in drifts], axis=1)
    fired = rng.random(p.shape) < p
    return np.cumprod(fired, axis=1).sum(axis=1).astype(np.int64)


def check_drift_order(drifts: Sequence[DriftPoint]) -> tuple[DriftPoint, ...]:
    """Return ``drifts`` as a tuple, or raise ValueError if their positions do not increase.

    :param drifts: drift points
    :return: the same drift points as a tuple
    """
    out = tuple(drifts)
    pos = [d.position for d in out]
    if any(b <= a for a, b in pairwise(pos)):
        raise ValueError(f"drift positions must be strictly increasing, got {pos}")
    return out


class Stream(ABC):
    """Base class of the seeded streams: mini-batches of ``(x, y)`` tensors on ``device``.

    ``x`` has shape ``(n, *input_shape)`` and dtype float32; ``y`` has shape ``(n,)`` and dtype
    int64 with values in ``[0, n_classes)``.

    :param seed: seed of the numpy generator behind every random draw
    :param device: device of the returned tensors (``"auto"``: CUDA if available)
    """

    n_features: int
    n_classes: int
    input_shape: tuple[int, ...]

    def __init__(self, *, seed: int = 0, device: str | torch.device = "cpu") -> None:
        self.device = resolve_device(device)
        self.seed = positive_int("seed", seed, 0)
        self.position = 0
        self.rng = np.random.default_rng(self.seed)

    # ------------------------------------------------------------------ protocol
    @property
    def drifts(self) -> tuple[DriftPoint, ...]:
        """The drifts of this stream (empty for a stationary or continuously drifting one)."""
        return ()

    @property
    def drift_points(self) -> tuple[int, ...]:
        """Sample indices of the drift centres (for tests and plots)."""
        return tuple(d.position for d in self.drifts)

    def reset(self, seed: int | None = None) -> None:
        """Restart the stream at sample 0, with ``seed`` (default: the construction seed).

        :param seed: new seed, or None to replay the same data
        """
        if seed is not None:
            self.seed = positive_int("seed", seed, 0)
        self.position = 0
        self.rng = np.random.default_rng(self.seed)
        self._on_reset()

    def next_batch(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The next ``batch_size`` samples.

        :param batch_size: number of samples (``>= 1``)
        :return: ``(x, y)`` on the stream's device
        """
        n = positive_int("batch_size", batch_size)
        t = np.arange(self.position, self.position + n)
        x, y = self._generate(t)
        self.position += n
        return x, y

    def batches(self, batch_size: int, n_batches: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Iterate over ``n_batches`` successive mini-batches.

        :param batch_size: samples per batch
        :param n_batches: number of batches
        :return: an iterator of ``(x, y)``
        """
        positive_int("batch_size", batch_size)
        for _ in range(positive_int("n_batches", n_batches, 0)):
            yield self.next_batch(batch_size)

    def samples(self, n: int, block: int = 256) -> Iterator[tuple[torch.Tensor, int]]:
        """Iterate over ``n`` single samples ``(x, y)``, ``x`` of shape ``input_shape``.

        Samples are drawn ``block`` at a time, so the data equals that of ``next_batch(block)`` calls.

        :param n: number of samples
        :param block: internal batch size
        :return: an iterator of ``(x, int label)``
        """
        left = positive_int("n", n, 0)
        while left > 0:
            x, y = self.next_batch(min(left, positive_int("block", block)))
            yield from zip(x, y.tolist(), strict=True)
            left -= len(y)

    # ------------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _generate(self, t: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw the samples at indices ``t`` (consecutive) using ``self.rng``."""

    def _on_reset(self) -> None:  # noqa: B027 - optional hook
        """Reset subclass state (evolving weights...) after ``reset``."""

    def _to_device(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Move host arrays to float32 / int64 tensors on the stream's device."""
        xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).reshape(len(y), *self.input_shape)
        yt = torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64))
        if self.device.type != "cpu":
            xt, yt = xt.to(self.device, non_blocking=True), yt.to(self.device, non_blocking=True)
        return xt, yt

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_features={self.n_features}, n_classes={self.n_classes}, "
            f"drifts={list(self.drift_points)}, seed={self.seed})"
        )
