"""The memory member of AutoClassifier's pool: a distance-weighted k-nearest-neighbour vote over the last samples.

:class:`Memory` is the member's settings; :class:`MemoryWindow` holds the samples (a ring buffer of raw
rows, their squares and labels) and votes. Distances are between standardised rows, computed from the raw
rows and the current input scales in one matmul, so the window never needs re-standardising.

>>> import numpy as np
>>> win = MemoryWindow(Memory(window=4, k=1), d=1)
>>> win.add(np.array([[0.0], [1.0]], dtype=np.float32), np.array([0, 1]))
>>> [round(float(v), 4) for v in win.proba(np.array([[0.9]], dtype=np.float32), np.ones(1, dtype=np.float32), 2)[0]]
[0.005, 0.995]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archgym.online._checks import check_rows, in_range, positive_int
from archgym.online._jit import kernel

__all__ = ["DEFAULT_MEMORY", "Memory", "MemoryWindow"]


@dataclass(frozen=True)
class Memory:
    """The memory member of the pool: a distance-weighted k-nearest-neighbour vote over the last samples.

    :param window: samples kept (the oldest is replaced first) once the memory has led the pool
    :param start: samples kept until then (at most ``window``; None: ``window`` from the start). The window grows
        to ``window`` the first time the memory weighs at least half of AutoClassifier's predictions with its
        window full once the stream is no longer young (``replay_until``; :meth:`MemoryWindow.grow`): where the
        vote leads, more samples sharpen it near the class boundaries; elsewhere the smaller window's search is
        cheaper (and on a short stream, or where the memory leads only early, the last samples vote better)
    :param k: neighbours that vote
    :param smoothing: probability mass spread evenly over the classes (keeps the log loss finite; small enough
        that a memory whose neighbours all agree lets the log-loss mixture reach AutoClassifier's ``skip_loss``)
    :param metric_lr: step size of the learned feature weights of the distance (0: plain standardised distance);
        see :class:`MemoryWindow`
    :param metric_decay: per learned batch, the log-weights shrink by this share towards equal weights (a feature
        whose weight no longer earns anything returns to the others' weight)
    """

    window: int = 2000
    start: int | None = 1000
    k: int = 5
    smoothing: float = 0.01
    metric_lr: float = 0.5
    metric_decay: float = 0.002

    def __post_init__(self) -> None:
        positive_int("Memory.window", self.window)
        if self.start is not None:
            positive_int("Memory.start", self.start)
        positive_int("Memory.k", self.k)
        in_range("Memory.smoothing", self.smoothing, 0.0, 1.0, open_low=True)
        in_range("Memory.metric_lr", self.metric_lr, 0.0, math.inf)
        in_range("Memory.metric_decay", self.metric_decay, 0.0, 1.0, open_high=True)

    @property
    def name(self) -> str:
        """Short name, e.g. ``knn5-w2000``."""
        return f"knn{self.k}-w{self.window}"


#: bounds of a feature's log-weight in the memory's learned distance (before the weights are rescaled to mean 1)
LOG_WEIGHT_RANGE = (-8.0, 4.0)

#: the memory's learned distance takes one step per this many batches that had one, their gradients summed (each
#: step is a dozen numpy calls whatever its rows: taken together they cost a quarter)
METRIC_EVERY = 4

#: squared (standardised, weighted) distances closer than this are ties: among tied samples the newest are the
#: neighbours (samples are ranked by squared distance minus this times their age in windows; on a categorical stream
#: a row repeats dozens of times in the window, and the copies before a drift carry the old concept's label), and
#: they vote with equal weights (the vote's squared distances are floored at it: float32 rounding leaves exact copies
#: about 1e-6 apart, and the inverse of such a residue would weigh them at random); far below the spacing of distinct
#: standardised rows
TIE = 1e-4


#: the default memory member of AutoClassifier's pool; the fourteenth configuration doubled its window to 2,000
#: samples (on a static low-dimensional concept the vote's resolution grows with the window: Sine streams +0.002 to
#: +0.005 on the development streams; on the phishing and bananas sets the last 1,000 samples voted better, by 0.001
#: to 0.003); the fifteenth keeps 1,000 until the memory leads after the stream's young phase (elsewhere the vote
#: matters less, and the search over 2,000 cost up to 13 % of the time per chunk)
DEFAULT_MEMORY = Memory()


class MemoryWindow:
    """The memory candidate: a ring buffer of raw inputs (and their squares) and labels, and its k-NN vote.

    Distances are those between standardised samples, weighted per feature, ``sum_j a_j s_j^2 (x_j - w_j)^2``
    with ``s`` the current input scales (the means cancel) and ``a`` the learned feature weights, computed from
    the raw window. The search and the vote are one compiled kernel (:func:`_vote`): one pass over the window per
    row keeps the ``k`` nearest in order, where numpy took a matmul, ``k`` passes of ``argmin`` and a dozen calls
    whose cost on a chunk of a few rows is their call overhead.

    The weights ``a`` (mean 1) are learned online, a diagonal neighbourhood-components analysis (Goldberger et
    al. 2004) on the neighbours each prediction found: once a predicted batch's labels are known, each row
    whose ``k`` neighbours disagree takes a softmax over them by distance (temperature: their mean distance),
    and ``log a`` takes a step up the gradient of the log-probability that a neighbour drawn by it has the
    row's label. A feature that separates the classes near the row gains weight; one that only adds noise to
    the distance (a noise feature lets wrong neighbours in) loses it. The log-weights also shrink towards 0
    (``metric_decay``), and a drift (:meth:`forget`) resets them. The steps of :data:`METRIC_EVERY` batches are
    collected (each row's squared differences to its neighbours, read when its labels arrive) and taken as one,
    their gradients at the weights of that moment summed: a step costs a dozen numpy calls whatever its rows.

    Ties: samples whose squared distances differ by less than :data:`TIE` are tied; the newest of them are the
    neighbours, and tied neighbours vote alike. (The recency keys of two copies of a row differ by ``TIE /
    window`` per sample between them; of equal keys, the one in the lower slot is taken first.)
    """

    def __init__(self, spec: Memory, d: int) -> None:
        self.spec = spec
        # the rows stored transposed, one column per sample: the distances' matmul then reads a (d, window) matrix
        # whose rows are contiguous (3-4x faster, measured with torch's addmm, than reading a (window, d) one
        # transposed)
        W = spec.window if spec.start is None else min(spec.start, spec.window)  # the capacity (until grow)
        self.XT = np.zeros((d, W), dtype=np.float32)
        self.X2T = np.zeros((d, W), dtype=np.float32)  # their squares
        self.y = np.zeros(W, dtype=np.int64)
        self.newer = np.zeros(W, dtype=np.float32)  # -TIE * (sample count when stored) / capacity
        self.n_added = 0
        self.filled = 0
        self.pos = 0
        self.log_weights = np.zeros(d)  # the distance's feature weights, exp(log_weights), of mean 1
        self.weights = np.ones(d, dtype=np.float32)
        self._last: tuple[np.ndarray, np.ndarray, int, np.ndarray] | None = None  # rows, neighbours, filled, s^2
        self._pending: list[tuple[np.ndarray, np.ndarray, float]] = []  # collected metric steps (D, right, lr)

    @property
    def capacity(self) -> int:
        """Samples the window holds when full (``spec.start`` until :meth:`grow`, then ``spec.window``)."""
        return self.XT.shape[1]

    def grow(self) -> None:
        """Enlarge the window to ``spec.window`` samples, the stored ones kept (moved to the front, oldest first)."""
        W, new = self.XT.shape[1], self.spec.window
        if new <= W:
            return
        self._to_front(self.filled)
        extra = ((0, 0), (0, new - W))
        self.XT, self.X2T = np.pad(self.XT, extra), np.pad(self.X2T, extra)
        self.y = np.pad(self.y, extra[1])
        self.newer = np.pad(self.newer, extra[1]) * (W / new)  # -TIE * count / capacity, at the new capacity
        self.pos = self.filled % new
        self._last = None  # its neighbours are slot numbers of the old layout

    @property
    def X(self) -> np.ndarray:
        """The stored raw rows ``(window, d)`` (a view of the transposed store; slot order, not age order)."""
        return self.XT.T

    def grow_inputs(self, d: int) -> None:
        """Add input columns (0 for the stored samples, as a missing feature reads)."""
        extra = d - self.XT.shape[0]
        if extra > 0:
            self.XT = np.pad(self.XT, ((0, extra), (0, 0)))
            self.X2T = np.pad(self.X2T, ((0, extra), (0, 0)))
            self.log_weights = np.pad(self.log_weights, (0, extra))
            self.weights = np.exp(self.log_weights).astype(np.float32)
            self._last = None
            self._pending = []

    def proba(self, x: np.ndarray, s2: np.ndarray, C: int) -> np.ndarray:
        """``(n, C)`` float32 probabilities of raw rows ``x`` (float32) given the squared input scales ``s2``
        (the search and the vote: :func:`_vote`)."""
        x = check_rows("MemoryWindow", x, self.XT.shape[0])
        n, m = x.shape[0], self.filled
        if m == 0:
            return np.full((n, C), 1.0 / C, dtype=np.float32)
        if len(s2) != x.shape[1]:
            raise ValueError(f"MemoryWindow: {x.shape[1]} columns but {len(s2)} squared scales")
        learn_metric = self.spec.metric_lr > 0
        s2w = s2 * self.weights if learn_metric else s2
        k = min(self.spec.k, m)
        idx = np.empty((n, k), dtype=np.intp)
        votes = np.empty((n, C), dtype=np.float32)
        if not _vote(x, s2w, self.XT, self.X2T, self.newer, self.y, m, TIE, self.spec.smoothing, idx, votes):
            raise ValueError(f"MemoryWindow: the window holds class indices beyond the {C} classes asked for")
        if learn_metric:
            self._last = (x, idx, m, s2)  # for the metric's step when these rows are learned
        return votes

    def _learn_metric(self, x: np.ndarray, y: np.ndarray) -> None:
        """Collect the step on the feature weights from the neighbours the last :meth:`proba` found for the rows
        ``x``, now that their labels ``y`` are known (nothing when ``x`` is not the rows that call saw); every
        :data:`METRIC_EVERY` batches that had such a step, take them as one."""
        last = self._last
        self._last = None
        if last is None or last[0] is not x or last[2] != self.filled:
            return
        _, idx, _, s2 = last
        # read now (the ring buffer may overwrite them before the step): the rows whose neighbours disagree (the
        # others' gradient is 0, or undefined with no neighbour right)
        diff, correct = _disagreeing(x, y, idx, self.y, self.XT, s2)
        if not len(diff):
            return
        if self._pending and self._pending[0][0].shape[1:] != diff.shape[1:]:
            self._metric_step()  # fewer neighbours than k while the window fills: not stacked with later ones
        self._pending.append((diff, correct, self.spec.metric_lr / len(y)))
        if len(self._pending) >= METRIC_EVERY:
            self._metric_step()

    def _metric_step(self) -> None:
        """The collected steps on the log-weights as one (their gradients at the current weights, summed)."""
        pending, self._pending = self._pending, []
        D = np.concatenate([p[0] for p in pending])
        correct = np.concatenate([p[1] for p in pending])
        lr = pending[0][2]
        scale = np.repeat([p[2] / lr for p in pending], [len(p[1]) for p in pending])  # batches of other sizes
        n, k, _ = D.shape
        dist = D @ self.weights  # (n, k)
        ref = dist.sum(1, keepdims=True) * (1.0 / k) + 1e-12  # the softmax's temperature: the mean distance
        logits = dist / -ref
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        q = p * correct
        q /= q.sum(1, keepdims=True)
        p -= q  # d log P(right) / d weight_j = sum_i (p_i - q_i) D_ij / ref
        p /= ref
        if (scale != 1.0).any():
            p *= scale[:, None]
        grad = (p.reshape(1, -1) @ D.reshape(n * k, -1))[0]
        theta = self.log_weights
        theta *= (1.0 - self.spec.metric_decay) ** len(pending)
        theta += grad * self.weights * lr  # chain rule through weight = exp(theta)
        np.minimum(theta, LOG_WEIGHT_RANGE[1], out=theta)
        np.maximum(theta, LOG_WEIGHT_RANGE[0], out=theta)
        e = np.exp(theta)
        mean = e.sum() / len(e)
        theta -= math.log(mean)  # weights of mean 1 (the vote and the step do not depend on their scale)
        self.weights = (e / mean).astype(np.float32)

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        """Store learned raw rows ``(n, d)`` and their class indices (oldest replaced first)."""
        x = check_rows("MemoryWindow", x, self.XT.shape[0])
        if len(y) != len(x):
            raise ValueError(f"MemoryWindow: got {len(x)} rows but {len(y)} labels")
        if self.spec.metric_lr > 0:
            self._learn_metric(x, y)
        W = self.XT.shape[1]
        if len(x) > W:
            x, y = x[-W:], y[-W:]
        n = len(x)
        first = min(n, W - self.pos)
        for src, dst in ((slice(0, first), slice(self.pos, self.pos + first)), (slice(first, n), slice(0, n - first))):
            if src.stop > src.start:
                self.XT[:, dst] = x[src].T
                np.square(x[src].T, out=self.X2T[:, dst])
                self.y[dst] = y[src]
                self.newer[dst] = np.arange(self.n_added + src.start, self.n_added + src.stop) * (-TIE / W)
        self.n_added += n
        if self.n_added >= 64 * W:  # count from the oldest stored sample again (keeps the keys' float32 precision)
            shift = self.n_added - W
            self.newer += shift * (TIE / W)
            self.n_added -= shift
        self.pos = (self.pos + n) % W
        self.filled = min(self.filled + n, W)

    def forget(self, keep: int) -> None:
        """Keep only the ``keep`` most recent samples (after a drift: the older ones show the old concept)."""
        keep = min(keep, self.filled)
        if keep == self.filled:
            return
        self.log_weights[:] = 0.0  # the features that mattered may not matter to the new concept
        self.weights = np.ones_like(self.weights)
        self._last = None
        self._pending = []
        self._to_front(keep)

    def _to_front(self, keep: int) -> None:
        """Move the ``keep`` most recent samples to the first slots, oldest first; the others are free."""
        W = self.XT.shape[1]
        idx = np.arange(self.pos - keep, self.pos) % W
        for t in (self.XT, self.X2T):
            t[:, :keep] = t[:, idx]
        for v in (self.y, self.newer):
            v[:keep] = v[idx]
        self.filled = keep
        self.pos = keep % W

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` stored raw rows and their labels (copies), drawn uniformly with replacement.

        :param n: rows to draw (the window must not be empty)
        :param rng: the random generator
        """
        idx = rng.integers(0, self.filled, n)
        return np.ascontiguousarray(self.XT[:, idx].T), self.y[idx]


@kernel
def _vote(
    x: np.ndarray,
    s2w: np.ndarray,
    XT: np.ndarray,
    X2T: np.ndarray,
    newer: np.ndarray,
    labels: np.ndarray,
    m: int,
    tie: float,
    smoothing: float,
    idx: np.ndarray,
    votes: np.ndarray,
) -> bool:  # pragma: no cover
    """The ``k`` nearest of the first ``m`` stored samples to each row of ``x`` (``idx`` ``(n, k)``, nearest first)
    and their distance-weighted vote (``votes`` ``(n, C)``, mixed with ``smoothing`` of the uniform), in one pass over
    the window per row, in float64. False (and the votes unfinished) if a neighbour's label is not in ``0 .. C - 1``.

    A sample's ranking key is ``|s w|^2 - 2 s^2 x.w`` (the squared weighted distance without the row's own term) plus
    ``newer`` (``-tie`` times its age in windows: among samples tied within ``tie``, the newest first; of equal keys,
    the lower slot). The vote weighs each neighbour by the inverse of its distance, its squared distance floored at
    ``tie`` (tied neighbours vote alike)."""
    n, d = x.shape
    k, C = idx.shape[1], votes.shape[1]
    base = np.empty(m)  # per stored sample, |s w|^2 + its recency key
    for col in range(m):
        base[col] = np.float64(newer[col])
    for j in range(d):
        sj = np.float64(s2w[j])
        squares = X2T[j]
        for col in range(m):
            base[col] += sj * np.float64(squares[col])
    keys = np.empty(m)
    a = np.empty(d)
    best = np.empty(k)
    tally = np.empty(C)
    for i in range(n):
        own = 0.0
        for j in range(d):
            v = np.float64(x[i, j])
            a[j] = -2.0 * np.float64(s2w[j]) * v
            own += np.float64(s2w[j]) * v * v
        keys[:] = base
        for j in range(d):  # feature by feature: contiguous reads of the stored rows, which the compiler vectorises
            aj = a[j]
            stored = XT[j]
            for col in range(m):
                keys[col] += aj * np.float64(stored[col])
        found = 0
        for col in range(m):
            key = keys[col]
            if found == k and key >= best[k - 1]:
                continue
            pos = found if found < k else k - 1  # insert, keeping the keys sorted (equal keys: the earlier first)
            while pos > 0 and best[pos - 1] > key:
                best[pos] = best[pos - 1]
                idx[i, pos] = idx[i, pos - 1]
                pos -= 1
            best[pos] = key
            idx[i, pos] = col
            if found < k:
                found += 1
        tally[:] = 0.0
        total = 0.0
        for r in range(k):
            col = idx[i, r]
            if labels[col] < 0 or labels[col] >= C:
                return False
            dist = max(best[r] - np.float64(newer[col]) + own, tie)
            w = 1.0 / np.sqrt(dist)
            tally[labels[col]] += w
            total += w
        keep = (1.0 - smoothing) / total
        for c in range(C):
            votes[i, c] = tally[c] * keep + smoothing / C
    return True


@kernel
def _disagreeing(
    x: np.ndarray, y: np.ndarray, idx: np.ndarray, labels: np.ndarray, XT: np.ndarray, s2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """For the rows of ``x`` (labels ``y``) whose ``k`` neighbours ``idx`` (slots of the window ``XT``, ``labels``)
    have some but not all of them right: each neighbour's standardised squared difference per feature ``(r, k, d)``
    (``s2``: the squared scales) and whether it has the row's label ``(r, k)``."""
    n, k = idx.shape
    d = x.shape[1]
    keep = np.zeros(n, dtype=np.bool_)
    r = 0
    for i in range(n):
        hits = 0
        for j in range(k):
            hits += labels[idx[i, j]] == y[i]
        keep[i] = 0 < hits < k
        r += keep[i]
    diff = np.empty((r, k, d))
    correct = np.empty((r, k), dtype=np.bool_)
    row = 0
    for i in range(n):
        if not keep[i]:
            continue
        for j in range(k):
            col = idx[i, j]
            correct[row, j] = labels[col] == y[i]
            for f in range(d):
                gap = np.float64(x[i, f]) - np.float64(XT[f, col])
                diff[row, j, f] = gap * gap * np.float64(s2[f])
        row += 1
    return diff, correct
