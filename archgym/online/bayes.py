"""The naive-Bayes members of AutoClassifier's pool: Gaussian naive Bayes over the whole stream, in numpy.

:class:`NaiveBayes` is a member's settings; :class:`GaussianNaiveBayes` keeps, per class, the count, sum and
sum of squares of every feature and predicts with the Gaussians they give (River's ``naive_bayes.GaussianNB``),
for one member or for several that share the statistics.

Why a global naive Bayes beside the tree, whose root is the same model: the tree stops being it at its first
split, and its leaves then fit their Gaussians on ever fewer samples. On a concept naive Bayes gets nearly
right from its class-conditional shapes, it keeps getting better with every sample: scikit-learn's
``make_hastie_10_2`` labels ten standard Gaussian features by a threshold on their sum of squares, so the two
classes differ in variance only. River's GaussianNB reaches 0.978 there, a 50-leaf tree far less, and the
networks need tens of thousands of samples to learn a sphere. Naive Bayes is also the best of River's models on
a static concept with heavy label noise (SEA with 20 % noise): its statistics average the noise out.

A pooled variance (``NaiveBayes(pooled=True)``, the default pool's second naive-Bayes member): one variance per
feature shared by every class, the within-class variance of all the samples (a diagonal linear discriminant,
Bickel & Levina 2004). Where the classes differ in location and share their spread, it is the correct model with
fewer estimates: LED's bits, each flipped with the same probability whatever the digit, or Gaussian blobs of one
width. Both models read the same statistics; one kernel call gives both.

Drift: the statistics start again from zero whenever the tree member restarts (its own drift detector, or a drift
the pool's detectors saw; the pool calls :meth:`GaussianNaiveBayes.restart`); a model of the whole stream would
otherwise keep the old concept.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> nb = GaussianNaiveBayes(NaiveBayes(), d=2, n_classes=2)
>>> for _ in range(50):
...     x = rng.normal(0, 1, (8, 2))
...     nb.learn(x, ((x**2).sum(1) > 1.4).astype(np.int64))
>>> nb.proba(np.array([[0.1, -0.2], [2.5, 2.0]])).argmax(1).tolist()
[0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from archgym.online._checks import check_labels, check_rows, in_range
from archgym.online._jit import kernel
from archgym.online.tree import VAR_FLOOR, feature_moments

__all__ = ["DEFAULT_NAIVE_BAYES", "GaussianNaiveBayes", "NaiveBayes"]

#: the parameters are recomputed once the samples seen grew by this share, and by at least ``REFRESH_MIN`` (at 10 %,
#: weights up to 10 % stale cost 0.0016-0.0026 of accuracy on Gaussian-quantiles streams, where River's GaussianNB,
#: refreshed on every sample, led; at 1 % the member matches it there)
REFRESH = 0.01
REFRESH_MIN = 8.0


@dataclass(frozen=True)
class NaiveBayes:
    """The naive-Bayes member of the pool: Gaussian naive Bayes over the samples since its last restart.

    :param smoothing: probability mass spread evenly over the classes (keeps the log loss finite)
    :param pooled: one variance per feature shared by every class (the within-class variance pooled over the
        classes: a diagonal linear discriminant) instead of one per class and feature
    """

    smoothing: float = 0.005
    pooled: bool = False

    def __post_init__(self) -> None:
        in_range("NaiveBayes.smoothing", self.smoothing, 0.0, 1.0, open_low=True, open_high=True)
        if not isinstance(self.pooled, bool):
            raise TypeError(f"NaiveBayes.pooled must be a bool, got {type(self.pooled).__name__}")

    @property
    def name(self) -> str:
        """Short name: ``gnb``, or ``gnb-pooled`` with a pooled variance."""
        return "gnb-pooled" if self.pooled else "gnb"


#: the default naive-Bayes members of AutoClassifier's pool
DEFAULT_NAIVE_BAYES = (NaiveBayes(), NaiveBayes(pooled=True))


class GaussianNaiveBayes:
    """Gaussian naive Bayes over ``d`` numeric features and ``n_classes`` classes (see the module docstring).

    Inputs are raw rows (float64 or float32). New input columns and classes can be added at any time
    (:meth:`grow_inputs`, :meth:`grow_classes`); a class not seen yet gets only the smoothing's share. A column
    added later counts as 0 in the samples before it (as the encoder fills a missing feature).

    The statistics are one matrix ``(C, 2 d + 1)``: per class the sums of ``[x * x, x, 1]`` over its samples. The
    log-likelihood is ``[x * x, x, 1]`` times weights recomputed from the statistics now and then; several models (a
    sequence of settings) share the statistics, one block of weight columns each. Learning, the weights and the
    probabilities are compiled kernels (:mod:`archgym.online._jit`): on a chunk of a few rows, the numpy calls
    they replace cost their call overhead, not their arithmetic.

    :param spec: the settings of one model, or a sequence of them (one model each, on the same statistics)
    :param d: input columns
    :param n_classes: classes
    """

    def __init__(self, spec: NaiveBayes | Sequence[NaiveBayes], d: int, n_classes: int) -> None:
        self.specs = (spec,) if isinstance(spec, NaiveBayes) else tuple(spec)
        if not self.specs:
            raise ValueError("GaussianNaiveBayes needs at least one NaiveBayes")
        self._one = isinstance(spec, NaiveBayes)  # proba gives (n, C), not (n, 1, C)
        self._smoothing = np.array([s.smoothing for s in self.specs])  # (M,): each model's smoothing
        self._pooled = np.array([s.pooled for s in self.specs])  # (M,): whether each model pools its variances
        self.d, self.C = d, n_classes
        self.n_resets = 0
        self._start()

    def _start(self) -> None:
        """No samples seen."""
        self.stats = np.zeros((self.C, 2 * self.d + 1))  # per class: sums of x * x, of x, and the count
        self.n = 0  # samples learned
        self._w: np.ndarray | None = None  # (2 d + 1, M C): the log-likelihood's weights on [x * x, x, 1], per model
        self._stale_at = 0.0  # the sample count that makes the weights stale

    def restart(self) -> None:
        """Forget every sample (after a drift)."""
        self.n_resets += 1
        self._start()

    def grow_inputs(self, d: int) -> None:
        """Add input columns ``self.d .. d - 1`` (0 in the samples seen so far)."""
        if d > self.d:
            pad = d - self.d
            self.stats = np.insert(self.stats, [self.d] * pad + [2 * self.d] * pad, 0.0, axis=1)
            self.d = d
            self._w = None

    def grow_classes(self, n_classes: int) -> None:
        """Add classes ``self.C .. n_classes - 1`` (no samples of them yet)."""
        if n_classes > self.C:
            self.stats = np.pad(self.stats, ((0, n_classes - self.C), (0, 0)))
            self.C = n_classes
            self._w = None

    def _refresh(self) -> None:
        """Recompute the log-likelihood's weights (:func:`_weights`)."""
        shape = (2 * self.d + 1, len(self.specs) * self.C)
        w = self._w if self._w is not None and self._w.shape == shape else np.empty(shape)
        _weights(self.stats, self._pooled, VAR_FLOOR, w)
        self._w = w
        self._stale_at = self.n + max(REFRESH_MIN, REFRESH * self.n)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities of raw rows ``x`` ``(n, d)`` (uniform before any sample): ``(n, C)`` for a model built
        from one :class:`NaiveBayes`, ``(n, M, C)`` for one built from a sequence of ``M``."""
        x = check_rows("GaussianNaiveBayes", x, self.d)
        if self._w is None or self.n >= self._stale_at:
            self._refresh()
        assert self._w is not None
        p = np.empty((len(x), len(self.specs), self.C))
        _proba(self._w, x, self._smoothing, p)
        return p[:, 0] if self._one else p

    def learn(self, x: np.ndarray, y: np.ndarray) -> None:
        """Learn a batch of raw rows ``x`` ``(n, d)`` with class indices ``y`` ``(n,)``."""
        x = check_rows("GaussianNaiveBayes", x, self.d)
        _learn(self.stats, x, check_labels("GaussianNaiveBayes", y, len(x), self.C))
        self.n += len(x)


@kernel
def _weights(stats: np.ndarray, pooled: np.ndarray, floor: float, w: np.ndarray) -> None:  # pragma: no cover
    """The log-likelihood's weights ``w`` ``(2 d + 1, M C)`` (written in place) from the statistics ``stats``
    ``(C, 2 d + 1)``: ``log p(c) + sum_j log N(x_j; mu, var)`` is ``[x * x, x, 1] @ w`` with ``w = [-1 / (2 var),
    mu / var, log p(c) - sum_j (log var + mu * mu / var) / 2]`` per class, one block of ``C`` columns per model
    (``pooled``: whether model ``m`` pools its variances).

    Means and variances by :func:`~archgym.online.tree.feature_moments` (the tree's leaves and this member share
    the rule): a variance is at least ``floor`` times the feature's variance over all classes, plus 1e-12. A pooled
    model's variance is the classes' within-class variances weighted by their counts, and at least the smallest of
    them (an average of floored variances is floored too; before any sample, the floor itself). A class not seen
    yet gets no vote (only the smoothing's share); before any sample every class is equal."""
    C = stats.shape[0]
    d = (stats.shape[1] - 1) // 2
    M = pooled.shape[0]
    count = stats[:, 2 * d]
    total = 0.0
    any_seen = False
    for c in range(C):
        total += count[c]
        any_seen = any_seen or count[c] > 0.0
    tot = max(total, 1.0)
    mu = np.empty((C, d))
    var = np.empty((C, d))
    within = np.zeros(d)
    for j in range(d):
        feature_moments(count, stats[:, d + j], stats[:, j], floor, mu[:, j], var[:, j])
        smallest = np.inf
        for c in range(C):
            within[j] += var[c, j] * count[c]
            smallest = min(smallest, var[c, j])
        within[j] = max(within[j] / tot, smallest)
    prior_total = total + C * 1e-9
    for k in range(M):
        for c in range(C):
            col = k * C + c
            norm = 0.0
            for j in range(d):
                v = within[j] if pooled[k] else var[c, j]
                iv = 1.0 / v
                w[j, col] = -0.5 * iv
                w[d + j, col] = mu[c, j] * iv
                norm += np.log(v) + mu[c, j] * mu[c, j] * iv
            bias = -0.5 * norm if count[c] > 0.0 else (-np.inf if any_seen else 0.0)
            w[2 * d, col] = np.log((count[c] + 1e-9) / prior_total) + bias


@kernel
def _proba(w: np.ndarray, x: np.ndarray, smoothing: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """Each model's class probabilities ``out`` ``(n, M, C)`` (written in place) of rows ``x`` ``(n, d)`` under
    the weights ``w`` (:func:`_weights`), each softmax mixed with ``smoothing[m]`` of the uniform."""
    n, d = x.shape
    M, C = out.shape[1], out.shape[2]
    ll = np.empty(C)
    for i in range(n):
        for k in range(M):
            top = -np.inf
            for c in range(C):
                col = k * C + c
                s = w[2 * d, col]
                for j in range(d):
                    v = np.float64(x[i, j])
                    s += (w[j, col] * v + w[d + j, col]) * v
                ll[c] = s
                top = max(top, s)
            z = 0.0
            for c in range(C):
                ll[c] = np.exp(ll[c] - top)
                z += ll[c]
            keep = (1.0 - smoothing[k]) / z
            for c in range(C):
                out[i, k, c] = ll[c] * keep + smoothing[k] / C


@kernel
def _learn(stats: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:  # pragma: no cover
    """Add rows ``x`` ``(n, d)`` of classes ``y`` to the statistics ``stats`` ``(C, 2 d + 1)`` (in place)."""
    n, d = x.shape
    for i in range(n):
        c = y[i]
        for j in range(d):
            v = np.float64(x[i, j])
            stats[c, j] += v * v
            stats[c, d + j] += v
        stats[c, 2 * d] += 1.0
