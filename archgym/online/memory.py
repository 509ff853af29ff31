"""The memory member of AutoClassifier's pool: a distance-weighted k-nearest-neighbour vote over the last samples.

:class:`Memory` is the member's settings; :class:`MemoryWindow` holds the samples (a ring buffer of raw
rows, their squares and labels) and votes. Distances are between standardised rows, computed from the raw
rows and the current input scales in one matmul, so the window never needs re-standardising.

>>> import torch
>>> win = MemoryWindow(Memory(window=4, k=1), d=1)
>>> win.add(torch.tensor([[0.0], [1.0]]), torch.tensor([0, 1]))
>>> win.proba(torch.tensor([[0.9]]), torch.ones(1), 2).tolist()
[[0.02500000037252903, 0.9750000238418579]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from archgym.online._checks import in_range, positive_int
from archgym.online.pool import embed

__all__ = ["DEFAULT_MEMORY", "Memory", "MemoryWindow"]


@dataclass(frozen=True)
class Memory:
    """The memory member of the pool: a distance-weighted k-nearest-neighbour vote over the last samples.

    :param window: samples kept (the oldest is replaced first)
    :param k: neighbours that vote
    :param smoothing: probability mass spread evenly over the classes (keeps the log loss finite)
    """

    window: int = 1000
    k: int = 5
    smoothing: float = 0.05

    def __post_init__(self) -> None:
        positive_int("Memory.window", self.window)
        positive_int("Memory.k", self.k)
        in_range("Memory.smoothing", self.smoothing, 0.0, 1.0, open_low=True)

    @property
    def name(self) -> str:
        """Short name, e.g. ``knn5-w1000``."""
        return f"knn{self.k}-w{self.window}"


#: the default memory member of AutoClassifier's pool
DEFAULT_MEMORY = Memory()


class MemoryWindow:
    """The memory candidate: a ring buffer of raw inputs (and their squares) and labels, and its k-NN vote.

    Distances are those between standardised samples, ``sum_j s_j^2 (x_j - w_j)^2`` with ``s`` the
    current input scales (the means cancel), computed from the raw window in one matmul.
    """

    def __init__(self, spec: Memory, d: int) -> None:
        self.spec = spec
        self.X = torch.zeros(spec.window, d)
        self.X2 = torch.zeros(spec.window, d)
        self.y = torch.zeros(spec.window, dtype=torch.int64)
        self.filled = 0
        self.pos = 0
        self._floors: dict[float, torch.Tensor] = {}

    def grow_inputs(self, d: int) -> None:
        """Add input columns (0 for the stored samples, as a missing feature reads)."""
        if d > self.X.shape[1]:
            self.X = embed(self.X, (self.X.shape[0], d))
            self.X2 = embed(self.X2, (self.X.shape[0], d))

    def proba(self, x: torch.Tensor, s2: torch.Tensor, C: int) -> torch.Tensor:
        """``(n, C)`` probabilities of raw rows ``x`` given the squared input scales ``s2``."""
        n, m = x.shape[0], self.filled
        if m == 0:
            return x.new_full((n, C), 1.0 / C)
        a = x * s2
        d2 = torch.addmm(torch.mv(self.X2[:m], s2), a, self.X[:m].t(), alpha=-2.0)
        dist, idx = torch.topk(d2, min(self.spec.k, m), 1, largest=False)
        w = dist.add_(a.mul_(x).sum(1, keepdim=True)).clamp_(min=1e-12).rsqrt_()  # 1 / distance
        votes = torch.zeros(n, C).scatter_add_(1, self.y[idx], w)
        s = self.spec.smoothing
        return torch.addcdiv(self._floor(s / C), votes, votes.sum(1, keepdim=True), value=1.0 - s)

    def _floor(self, value: float) -> torch.Tensor:
        """A one-element tensor holding ``value`` (cached: the class count rarely changes)."""
        t = self._floors.get(value)
        if t is None:
            t = self._floors[value] = torch.full((1,), value)
        return t

    def add(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Store learned rows (oldest replaced first)."""
        W = self.X.shape[0]
        if len(x) > W:
            x, y = x[-W:], y[-W:]
        n = len(x)
        first = min(n, W - self.pos)
        for src, dst in ((slice(0, first), slice(self.pos, self.pos + first)), (slice(first, n), slice(0, n - first))):
            if src.stop > src.start:
                self.X[dst] = x[src]
                torch.square(x[src], out=self.X2[dst])
                self.y[dst] = y[src]
        self.pos = (self.pos + n) % W
        self.filled = min(self.filled + n, W)

    def forget(self, keep: int) -> None:
        """Keep only the ``keep`` most recent samples (after a drift: the older ones show the old concept)."""
        keep = min(keep, self.filled)
        if keep == self.filled:
            return
        W = self.X.shape[0]
        idx = torch.arange(self.pos - keep, self.pos) % W
        for t in (self.X, self.X2, self.y):
            t[:keep] = t[idx].clone()
        self.filled = keep
        self.pos = keep % W

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` stored raw rows and their labels (numpy copies), drawn uniformly with replacement.

        :param n: rows to draw (the window must not be empty)
        :param rng: the random generator
        """
        idx = rng.integers(0, self.filled, n)
        return self.X.numpy()[idx], self.y.numpy()[idx]
