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
width. Both models read the same statistics; one matmul gives both.

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

from archgym.online._checks import in_range, same_rows
from archgym.online.tree import gaussian_moments

__all__ = ["DEFAULT_NAIVE_BAYES", "GaussianNaiveBayes", "NaiveBayes"]

#: the parameters are recomputed once the samples seen grew by this share, and by at least ``REFRESH_MIN`` (at 10 %,
#: weights up to 10 % stale cost 0.0016-0.0026 of accuracy on Gaussian-quantiles streams, where River's GaussianNB,
#: refreshed on every sample, led; at 1 % the member matches it there; a refresh is ~20 small numpy calls)
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

    The statistics are one matrix ``(C, 2 d + 1)``: per class the sums of ``[x * x, x, 1]`` over its samples, so a
    learned batch is one matmul of its one-hot labels with the features the prediction already built, and the
    log-likelihood is one matmul of those features with weights recomputed from the statistics now and then.
    Several models (a sequence of settings) share the statistics: one matmul gives all their log-likelihoods.

    :param spec: the settings of one model, or a sequence of them (one model each, on the same statistics)
    :param d: input columns
    :param n_classes: classes
    """

    def __init__(self, spec: NaiveBayes | Sequence[NaiveBayes], d: int, n_classes: int) -> None:
        self.specs = (spec,) if isinstance(spec, NaiveBayes) else tuple(spec)
        if not self.specs:
            raise ValueError("GaussianNaiveBayes needs at least one NaiveBayes")
        self._one = isinstance(spec, NaiveBayes)  # proba gives (n, C), not (n, 1, C)
        self._smoothing = np.array([[s.smoothing] for s in self.specs])  # (M, 1): each model's smoothing
        self._pooled = np.array([s.pooled for s in self.specs])  # (M,): whether each model pools its variances
        self.d, self.C = d, n_classes
        self.n_resets = 0
        self._start()

    def _start(self) -> None:
        """No samples seen."""
        self.stats = np.zeros((self.C, 2 * self.d + 1))  # per class: sums of x * x, of x, and the count
        self.n = 0  # samples learned
        self._eye = np.eye(self.C)
        self._w: np.ndarray | None = None  # (2 d + 1, M C): the log-likelihood's weights on [x * x, x, 1], per model
        self._stale_at = 0.0  # the sample count that makes the weights stale
        self._last: tuple[np.ndarray, np.ndarray] | None = None  # proba's rows and their [x * x, x, 1]

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
            self._w = self._last = None

    def grow_classes(self, n_classes: int) -> None:
        """Add classes ``self.C .. n_classes - 1`` (no samples of them yet)."""
        if n_classes > self.C:
            self.stats = np.pad(self.stats, ((0, n_classes - self.C), (0, 0)))
            self.C = n_classes
            self._eye = np.eye(self.C)
            self._w = self._last = None

    def _refresh(self) -> None:
        """Recompute the log-likelihood's weights: ``log p(c) + sum_j log N(x_j; mu, var)`` is ``[x * x, x, 1] @ w``
        with ``w = [-1 / (2 var), mu / var, log p(c) - sum_j (log var + mu * mu / var) / 2]`` per class (means and
        variances by :func:`~archgym.online.tree.gaussian_moments`, as in the tree's leaves; a pooled model's variance
        is the classes' within-class variances weighted by their counts, under the same floor). One block of ``C``
        columns per model."""
        d, stats, C = self.d, self.stats, self.C
        count = stats[:, -1]
        seen = count > 0
        mu, var = gaussian_moments(stats[:, -1:], stats[:, d:-1], stats[:, :d])
        if self._pooled.any():
            # the classes' variances weighted by their counts: an average of floored variances is floored too (before
            # any sample, the floor itself)
            within = np.maximum((var * count[:, None]).sum(0) / max(float(count.sum()), 1.0), var.min(0))
            var = np.where(self._pooled[:, None, None], within, var)  # (M, C, d)
        else:
            var = np.broadcast_to(var, (len(self.specs), C, d))
        ivar = 1.0 / var
        prior = count + 1e-9
        # a class not seen yet gets no vote (only the smoothing's share); before any sample every class is equal
        norm = np.where(seen, -0.5 * (np.log(var) + mu * mu * ivar).sum(2), -np.inf if seen.any() else 0.0)
        shape = (2 * d + 1, len(self.specs) * C)
        w = self._w if self._w is not None and self._w.shape == shape else np.empty(shape)
        w[:d] = -0.5 * ivar.transpose(2, 0, 1).reshape(d, -1)
        w[d:-1] = (mu * ivar).transpose(2, 0, 1).reshape(d, -1)
        w[-1] = (np.log(prior / prior.sum()) + norm).reshape(-1)
        self._w = w
        self._stale_at = self.n + max(REFRESH_MIN, REFRESH * self.n)

    @staticmethod
    def _features(x: np.ndarray) -> np.ndarray:
        """``[x * x, x, 1]`` ``(n, 2d + 1)`` float64: the statistics' and the log-likelihood's features."""
        return np.concatenate([x * x, x, np.ones((len(x), 1))], 1, dtype=np.float64)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities of raw rows ``x`` ``(n, d)`` (uniform before any sample): ``(n, C)`` for a model built
        from one :class:`NaiveBayes`, ``(n, M, C)`` for one built from a sequence of ``M``."""
        if self._w is None or self.n >= self._stale_at:
            self._refresh()
        assert self._w is not None
        f = self._features(x)
        ll = (f @ self._w).reshape(len(x), len(self.specs), self.C)
        ll -= ll.max(2, keepdims=True)
        p = np.exp(ll, out=ll)
        p *= (1.0 - self._smoothing) / p.sum(2, keepdims=True)
        p += self._smoothing / self.C
        self._last = (x, f)
        return p[:, 0] if self._one else p

    def learn(self, x: np.ndarray, y: np.ndarray) -> None:
        """Learn a batch of raw rows ``x`` ``(n, d)`` with class indices ``y`` ``(n,)``."""
        last = self._last
        self._last = None
        # not predicted just before (AutoClassifier let the member sleep through it): build the features here
        f = self._features(x) if last is None or not same_rows(last[0], x) else last[1]
        self.stats += self._eye[y].T @ f
        self.n += len(y)
