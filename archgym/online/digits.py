"""A drifting stream over scikit-learn's digits (1,797 8x8 images, 10 classes, standardised).

Features are standardised per pixel over the whole dataset, ``(x - mean) / max(std, STD_FLOOR)``.
Samples are drawn with replacement. Each :class:`Drift` moves the stream to a new *concept*
built on top of the previous one (drifts compose), mixed in around its position like River's
``ConceptDriftStream`` (see :mod:`archgym.online.base`). Every concept's whole transformed
dataset is precomputed once on the device, so a batch is one gather.

==========  ==========================================================  =================
kind        what changes                                                magnitude default
==========  ==========================================================  =================
permute     labels of ``magnitude`` randomly chosen classes are          n_classes (10)
            cycled among themselves (every chosen class changes)
shift       every standardised feature moves by ``magnitude * N(0, 1)``  1.0
rotate      images are rotated by ``magnitude`` degrees                  90.0
orthogonal  features are multiplied by a random rotation matrix          pi / 2
            ``expm(S)`` whose largest plane angle is ``magnitude`` rad
prior       class priors are drawn from ``Dirichlet(magnitude)``         0.5
==========  ==========================================================  =================

>>> s = DriftingDigits(drifts=[Drift("permute", 300)], seed=0)
>>> x, y = s.next_batch(4)
>>> tuple(x.shape), y.dtype, s.drift_points
((4, 64), torch.int64, (300,))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import torch

from archgym.online._checks import lookup
from archgym.online.base import DriftPoint, Stream, check_drift_order, concept_of

__all__ = ["DRIFT_KINDS", "STD_FLOOR", "Drift", "DriftingDigits"]

#: floor of the per-pixel standard deviation used to standardise (raw pixels lie in [0, 16]); it
#: keeps near-constant border pixels from blowing up to +-40 (or more once images are rotated)
STD_FLOOR = 1.0


@dataclass(frozen=True)
class _Concept:
    """One concept: a label map, an affine map of the standardised features, an image angle, priors."""

    label_map: np.ndarray
    matrix: np.ndarray
    offset: np.ndarray
    angle: float
    priors: np.ndarray


def _permute(c: _Concept, rng: np.random.Generator, magnitude: float) -> _Concept:
    k = int(magnitude)
    n_classes = len(c.label_map)
    if not 2 <= k <= n_classes:
        raise ValueError(f"permute magnitude must be an int in [2, {n_classes}] (classes relabelled), got {magnitude}")
    chosen = rng.choice(n_classes, size=k, replace=False)
    perm = np.arange(n_classes)
    perm[chosen] = np.roll(chosen, 1)
    return replace(c, label_map=perm[c.label_map])


def _shift(c: _Concept, rng: np.random.Generator, magnitude: float) -> _Concept:
    return replace(c, offset=c.offset + magnitude * rng.standard_normal(len(c.offset)))


def _rotate(c: _Concept, rng: np.random.Generator, magnitude: float) -> _Concept:
    return replace(c, angle=c.angle + magnitude)


def _orthogonal(c: _Concept, rng: np.random.Generator, magnitude: float) -> _Concept:
    from scipy.linalg import expm

    d = len(c.offset)
    g = rng.standard_normal((d, d))
    s = g - g.T
    s *= magnitude / np.abs(np.linalg.eigvals(s)).max()
    q = expm(s)
    return replace(c, matrix=q @ c.matrix, offset=q @ c.offset)


def _prior(c: _Concept, rng: np.random.Generator, magnitude: float) -> _Concept:
    if magnitude <= 0:
        raise ValueError(f"prior magnitude (Dirichlet concentration) must be > 0, got {magnitude}")
    return replace(c, priors=rng.dirichlet(np.full(len(c.priors), magnitude)))


DriftFn = Callable[[_Concept, np.random.Generator, float], _Concept]

#: drift kind -> (function making the next concept, default magnitude)
DRIFT_KINDS: dict[str, tuple[DriftFn, float]] = {
    "permute": (_permute, 10.0),
    "shift": (_shift, 1.0),
    "rotate": (_rotate, 90.0),
    "orthogonal": (_orthogonal, math.pi / 2),
    "prior": (_prior, 0.5),
}


@dataclass(frozen=True)
class Drift:
    """One drift of a :class:`DriftingDigits` stream.

    :param kind: one of :data:`DRIFT_KINDS` (permute, shift, rotate, orthogonal, prior)
    :param position: sample index of the drift centre
    :param width: samples over which old and new concept mix (1: abrupt)
    :param magnitude: strength, meaning depends on ``kind`` (None: the kind's default)
    """

    kind: str
    position: int
    width: int = 1
    magnitude: float | None = None
    point: DriftPoint = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup("drift kind", self.kind, DRIFT_KINDS)
        object.__setattr__(self, "point", DriftPoint(self.position, self.width))
        if self.magnitude is not None and (
            isinstance(self.magnitude, bool) or not isinstance(self.magnitude, (int, float))
        ):
            raise ValueError(f"drift magnitude must be a number or None, got {self.magnitude!r}")

    @classmethod
    def coerce(cls, spec: Drift | Mapping[str, Any]) -> Drift:
        """A Drift from a Drift or a dict ``{"kind": ..., "position": ..., ...}`` (YAML presets).

        :param spec: the drift or its dict form
        :return: the drift
        """
        if isinstance(spec, Drift):
            return spec
        if not isinstance(spec, Mapping):
            raise ValueError(
                f"a drift must be a Drift or a dict with keys kind, position, width, magnitude; got {spec!r}"
            )
        bad = sorted(set(spec) - {"kind", "position", "width", "magnitude"})
        if bad or "kind" not in spec or "position" not in spec:
            raise ValueError(f"bad drift spec {dict(spec)!r}; valid keys: kind, position (required), width, magnitude")
        return cls(**spec)


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """The raw digits images (N, 8, 8) float64 and labels, sorted by class (stable)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    order = np.argsort(data.target, kind="stable")
    return data.images[order].astype(np.float64), data.target[order].astype(np.int64)


class DriftingDigits(Stream):
    """Digits stream with a sequence of drifts (label permutation, shift, rotation, class priors).

    :param drifts: drifts in stream order (:class:`Drift` or dicts), empty for a stationary stream
    :param flat: samples of shape ``(64,)`` if True, ``(1, 8, 8)`` images if False
    :param seed: seed of every random draw (concepts and samples)
    :param device: device of the returned tensors
    """

    n_classes = 10
    n_features = 64

    def __init__(
        self,
        drifts: Sequence[Drift | Mapping[str, Any]] = (),
        *,
        flat: bool = True,
        seed: int = 0,
        device: str | torch.device = "cpu",
    ) -> None:
        if isinstance(drifts, (str, Mapping, Drift)):
            raise ValueError(f"drifts must be a sequence of Drift or dicts, got {drifts!r}")
        self.drift_specs = tuple(Drift.coerce(d) for d in drifts)
        check_drift_order([d.point for d in self.drift_specs])
        self.flat = bool(flat)
        self.input_shape = (64,) if self.flat else (1, 8, 8)
        super().__init__(seed=seed, device=device)
        self._build()

    @property
    def drifts(self) -> tuple[DriftPoint, ...]:
        """The drift points of the stream."""
        return tuple(d.point for d in self.drift_specs)

    def _build(self) -> None:
        """Precompute every concept's transformed dataset on the device (concept draws use ``seed``)."""
        from scipy.ndimage import rotate

        images, labels = _digits()
        flat = images.reshape(len(images), -1)
        mean, std = flat.mean(0), flat.std(0)
        std = np.maximum(std, STD_FLOOR)
        rng = np.random.default_rng([self.seed, 1])
        concept = _Concept(np.arange(10), np.eye(64), np.zeros(64), 0.0, np.bincount(labels) / len(labels))
        concepts = [concept]
        for d in self.drift_specs:
            fn, default = DRIFT_KINDS[d.kind]
            concept = fn(concept, rng, default if d.magnitude is None else float(d.magnitude))
            concepts.append(concept)
        xs = []
        for c in concepts:
            img = images if c.angle % 360 == 0 else rotate(images, c.angle, axes=(1, 2), reshape=False, order=1)
            z = (img.reshape(len(img), -1) - mean) / std
            xs.append(z @ c.matrix.T + c.offset)
        self._x = torch.tensor(np.stack(xs), dtype=torch.float32, device=self.device)
        self._y = torch.tensor(np.stack([c.label_map for c in concepts]), dtype=torch.int64, device=self.device)
        self._cum_priors = np.cumsum(np.stack([c.priors for c in concepts]), axis=1)
        self._cum_priors[:, -1] = 1.0
        counts = np.bincount(labels, minlength=10)
        self._start, self._count = np.concatenate([[0], np.cumsum(counts)[:-1]]), counts

    def _generate(self, t: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        concept = concept_of(t, self.drifts, self.rng)
        u = self.rng.random((len(t), 2))
        cls = (u[:, :1] > self._cum_priors[concept]).sum(1)
        idx = self._start[cls] + np.minimum((u[:, 1] * self._count[cls]).astype(np.int64), self._count[cls] - 1)
        c_t = torch.from_numpy(concept).to(self.device, non_blocking=True)
        i_t = torch.from_numpy(idx).to(self.device, non_blocking=True)
        x = self._x[c_t, i_t]
        y = self._y[c_t, torch.from_numpy(cls).to(self.device, non_blocking=True)]
        return x.reshape(len(t), *self.input_shape), y
