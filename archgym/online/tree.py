"""The tree member of AutoClassifier's pool: a Hoeffding tree with naive-Bayes-adaptive leaves, in numpy.

:class:`Tree` is the member's settings; :class:`HoeffdingTree` grows the tree (VFDT, Domingos and Hulten
2000, with Gaussian split estimation as in River's ``HoeffdingTreeClassifier``) and predicts.

Why a tree beside the networks: on concepts made of thresholds and boolean rules (STAGGER, Mixed, random
trees, Agrawal's rules) a tree finds the rule's cut points from a few hundred samples, where a network
learns the same axis-aligned step slowly and smoothly; after an abrupt drift a fresh tree relearns the new
rule as fast. Its root is Gaussian naive Bayes, the best of River's models on a static noisy linear concept
(a 20 %-noise SEA): until the first split the tree *is* that model.

How it grows
    Every leaf keeps, per class, the count, sum and sum of squares of every feature (a Gaussian per class and
    feature) and each feature's range. After every ``grace`` samples a leaf sees it scores ``n_thresholds``
    cut points per feature, evenly spaced in the range, by information gain, with each class's share below
    the cut read off its Gaussian; it splits on the best cut when the Hoeffding bound says the best feature
    beats the second best (and beats not splitting) with confidence ``1 - delta``, or when the bound falls
    below the tie threshold ``tau``. The children start with the class counts the split estimates for them.

How it predicts
    Each leaf predicts with naive Bayes (its Gaussians and class counts) or with its class counts alone,
    whichever was right more often on the samples the leaf has seen (River's "naive Bayes adaptive" leaves).
    Probabilities are smoothed by ``smoothing`` towards uniform, so the log loss stays finite.

Drift
    ADWIN (``drift_delta``) watches the tree's own error rate, one value per learned batch; when it rises,
    the tree starts again from a single leaf (ARF replaces a tree on the same signal). :meth:`HoeffdingTree.restart`
    does the same for a drift another detector saw.

Routing a batch through the tree is a plain Python loop over rows and levels (on batches of a few rows it
is several times cheaper than numpy calls per level); the statistics and the split scores are numpy.

>>> import numpy as np
>>> tree = HoeffdingTree(Tree(grace=20), d=2, n_classes=2)
>>> rng = np.random.default_rng(0)
>>> for _ in range(40):
...     x = rng.uniform(0, 1, (8, 2))
...     restarted = tree.learn(x, (x[:, 0] > 0.7).astype(np.int64))
>>> tree.n_leaves > 1, tree.proba(np.array([[0.9, 0.5], [0.1, 0.5]])).argmax(1).tolist()
(True, [1, 0])
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import ndtr

from archgym.online._checks import check_labels, check_rows, in_range, positive_int, same_rows
from archgym.online._jit import kernel
from archgym.online.drift import ADWIN

__all__ = ["DEFAULT_TREE", "HoeffdingTree", "Tree"]

#: a leaf's per-class variance is at least this share of the feature's variance over all its classes (+ 1e-12)
VAR_FLOOR = 1e-3
#: a leaf recomputes its naive-Bayes parameters once its observed samples grew by this share, and by at least
#: ``REFRESH_MIN`` samples (a leaf that has seen nothing yet: on its first prediction)
REFRESH = 0.25
REFRESH_MIN = 8.0
#: each branch of a split holds at least this share of the leaf's samples (River's ``min_branch_fraction``)
MIN_BRANCH = 0.01


@dataclass(frozen=True)
class Tree:
    """The tree member of the pool: a Hoeffding tree with naive-Bayes-adaptive leaves.

    :param grace: samples a leaf sees between two split attempts
    :param delta: one minus the confidence a split needs (the Hoeffding bound's ``delta``)
    :param tau: tie threshold: split on the best cut anyway once the bound is below it
    :param n_thresholds: cut points scored per feature (evenly spaced in the leaf's range)
    :param max_depth: leaves at this depth do not split
    :param max_leaves: the tree stops growing at this many leaves
    :param smoothing: probability mass spread evenly over the classes (keeps the log loss finite)
    :param drift_delta: ADWIN's confidence on the tree's error rate; a rise starts a new tree (None: only
        :meth:`HoeffdingTree.restart` does)
    """

    grace: int = 50
    delta: float = 0.1
    tau: float = 0.05
    n_thresholds: int = 10
    max_depth: int = 20
    max_leaves: int = 1000
    smoothing: float = 0.005
    drift_delta: float | None = 0.002

    def __post_init__(self) -> None:
        positive_int("Tree.grace", self.grace)
        in_range("Tree.delta", self.delta, 0.0, 1.0, open_low=True, open_high=True)
        in_range("Tree.tau", self.tau, 0.0, 1.0)
        positive_int("Tree.n_thresholds", self.n_thresholds)
        positive_int("Tree.max_depth", self.max_depth, 0)
        positive_int("Tree.max_leaves", self.max_leaves)
        in_range("Tree.smoothing", self.smoothing, 0.0, 1.0, open_low=True, open_high=True)
        if self.drift_delta is not None:
            in_range("Tree.drift_delta", self.drift_delta, 0.0, 1.0, open_low=True)

    @property
    def name(self) -> str:
        """Short name, e.g. ``tree-g50``."""
        return f"tree-g{self.grace}"


#: the default tree member of AutoClassifier's pool
DEFAULT_TREE = Tree()


def _xlog2x(a: np.ndarray) -> np.ndarray:
    """``a log2 a`` elementwise for ``a >= 0`` (0 where ``a`` is 0)."""
    out = np.maximum(a, 1e-300)
    np.log2(out, out=out)
    out *= a
    return out


@functools.cache
def _cut_points(n: int) -> np.ndarray:
    """``n`` evenly spaced shares of a range, its ends excluded: ``1/(n+1) .. n/(n+1)``."""
    shares = np.arange(1, n + 1) / (n + 1)
    shares.flags.writeable = False  # shared by every caller
    return shares


def gaussian_moments(count: np.ndarray, total: np.ndarray, sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class and feature, the mean and the variance ``(..., C, d)`` from the samples' count, sum and sum of
    squares ``(..., C, d)`` (``count`` may be ``(..., C, 1)``: one count per class for every feature); a variance is
    at least :data:`VAR_FLOOR` times the feature's variance over all classes (plus 1e-12), so a class seen with one
    value still has a finite width. The split search uses it; the leaves' votes and the naive-Bayes member use
    :func:`feature_moments`, the same rule compiled for one feature."""
    n = np.maximum(count, 1.0)
    mu = total / n
    var = sq / n - mu * mu
    tot = np.maximum(count.sum(-2), 1.0)
    var_all = sq.sum(-2) / tot - (total.sum(-2) / tot) ** 2
    return mu, np.maximum(var, (VAR_FLOOR * np.maximum(var_all, 0.0) + 1e-12)[..., None, :])


@kernel
def feature_moments(
    count: np.ndarray, total: np.ndarray, sq: np.ndarray, floor: float, mu: np.ndarray, var: np.ndarray
) -> None:  # pragma: no cover
    """:func:`gaussian_moments` of one feature, compiled: per class the mean ``mu`` and the variance ``var``
    (written in place) from its count, sum and sum of squares (1-D over the classes, all of one length: a kernel
    checks no bounds), the variance at least ``floor`` times the feature's variance over all classes, plus 1e-12."""
    n_all = 0.0
    s = 0.0
    q = 0.0
    for c in range(count.shape[0]):
        n_all += count[c]
        s += total[c]
        q += sq[c]
    tot = max(n_all, 1.0)
    mean_all = s / tot
    low = floor * max(q / tot - mean_all * mean_all, 0.0) + 1e-12
    for c in range(count.shape[0]):
        n = max(count[c], 1.0)
        m = total[c] / n
        mu[c] = m
        var[c] = max(sq[c] / n - m * m, low)


def _gaussians(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gaussian_moments` of leaf statistics ``g`` ``(..., C, 3, d)`` (count, sum, sum of squares)."""
    return gaussian_moments(g[..., 0, :], g[..., 1, :], g[..., 2, :])


class HoeffdingTree:
    """A Hoeffding tree over ``d`` numeric features and ``n_classes`` classes (see the module docstring).

    Inputs are raw rows (float64 or float32; a tree needs no scaling). New input columns and classes can be
    added at any time (:meth:`grow_inputs`, :meth:`grow_classes`).

    :param spec: the settings
    :param d: input columns
    :param n_classes: classes
    """

    def __init__(self, spec: Tree, d: int, n_classes: int) -> None:
        self.spec = spec
        self.d, self.C = d, n_classes
        self.n_resets = 0
        self._detector = (
            None if spec.drift_delta is None else ADWIN(delta=spec.drift_delta, clock=4, mode="up", reset_on_drift=True)
        )
        self._last: tuple[np.ndarray, ...] | None = None  # proba's rows, leaves and predictions, for learn
        self._start()

    # ------------------------------------------------------------------ structure
    #: the per-leaf-slot arrays: the axes after the slot axis ("C": classes, "d": input columns) and what a fresh
    #: slot holds. base: class weights the split estimated for the leaf; obs: samples of each class observed at
    #: the leaf; g: per class and feature, count, sum and sum of squares; lo / hi: each feature's range; cnt:
    #: samples naive Bayes / the class counts predicted right, samples since the last split attempt, samples
    #: observed; mu, ivar, bias, mcp: naive Bayes' parameters and the class-count probabilities as last
    #: computed; stale_at: the observed count that makes them stale
    _SLOTS: ClassVar[dict[str, tuple[tuple[str | int, ...], float]]] = {
        "base": (("C",), 0.0),
        "obs": (("C",), 0.0),
        "g": (("C", 3, "d"), 0.0),
        "lo": (("d",), np.inf),
        "hi": (("d",), -np.inf),
        "cnt": ((4,), 0.0),
        "mu": (("C", "d"), 0.0),
        "ivar": (("C", "d"), 0.0),
        "bias": (("C",), 0.0),
        "mcp": (("C",), 0.0),
        "stale_at": ((), 0.0),
    }
    base: np.ndarray
    obs: np.ndarray
    g: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    cnt: np.ndarray
    mu: np.ndarray
    ivar: np.ndarray
    bias: np.ndarray
    mcp: np.ndarray
    stale_at: np.ndarray

    def restart(self) -> None:
        """Start again from a single leaf that has seen nothing, the drift detector's window emptied (after a drift
        this tree's detector saw, or another: AutoClassifier's detectors on its mixture's mistakes see an abrupt
        change sooner)."""
        self.n_resets += 1
        self._start()
        if self._detector is not None:
            self._detector.reset()

    def _start(self) -> None:
        """A tree of one leaf."""
        # nodes (Python lists: routing reads them one scalar at a time); a leaf has feat -1 and its slot
        self.feat: list[int] = [-1]
        self.thr: list[float] = [0.0]
        self.left: list[int] = [-1]
        self.right: list[int] = [-1]
        self.depth: list[int] = [0]
        self.slot: list[int] = [0]
        # leaves, one row per slot (numpy)
        cap = 8
        for name, (axes, fill) in self._SLOTS.items():
            shape = [self.C if a == "C" else self.d if a == "d" else int(a) for a in axes]
            setattr(self, name, np.full((cap, *shape), fill))
        self.node_of = [0] + [-1] * (cap - 1)  # slot -> node
        self.free: list[int] = list(range(cap - 1, 0, -1))
        self._last = None
        self._nodes: tuple[np.ndarray, np.ndarray] | None = None  # the node lists as arrays, for the kernels

    def _node_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The nodes as arrays: ``(n_nodes, 4)`` int64 (feature, left, right, slot) and the thresholds (built again
        after the tree changed)."""
        if self._nodes is None:
            links = np.array([self.feat, self.left, self.right, self.slot], dtype=np.int64).T.copy()
            self._nodes = (links, np.array(self.thr, dtype=np.float64))
        return self._nodes

    @property
    def n_leaves(self) -> int:
        """Leaves of the tree."""
        return (len(self.feat) + 1) // 2  # a binary tree: every split turns one leaf into two

    def _new_leaf(self, depth: int, base: np.ndarray) -> int:
        """A new leaf node at ``depth`` whose class weights start at ``base``; returns the node."""
        if not self.free:  # double the slots
            cap = len(self.base)
            for name, (_, fill) in self._SLOTS.items():
                a = getattr(self, name)
                setattr(self, name, np.concatenate([a, np.full_like(a, fill)]))
            self.node_of += [-1] * cap
            self.free = list(range(2 * cap - 1, cap - 1, -1))
        s = self.free.pop()
        for name, (_, fill) in self._SLOTS.items():
            getattr(self, name)[s] = fill
        self.base[s] = base
        node = len(self.feat)
        self.feat.append(-1)
        self.thr.append(0.0)
        self.left.append(-1)
        self.right.append(-1)
        self.depth.append(depth)
        self.slot.append(s)
        self.node_of[s] = node
        return node

    def _grow(self, axis: str, pad: int) -> None:
        """Append ``pad`` entries along ``axis`` ("C" or "d") to every slot array that has it, at their fresh
        value; every leaf's naive-Bayes parameters become stale."""
        for name, (axes, fill) in self._SLOTS.items():
            if axis in axes:
                a = getattr(self, name)
                widths = [(0, 0)] * a.ndim
                widths[1 + axes.index(axis)] = (0, pad)
                setattr(self, name, np.pad(a, widths, constant_values=fill))
        self.stale_at[:] = 0.0
        self._last = None

    def grow_inputs(self, d: int) -> None:
        """Add input columns ``self.d .. d - 1`` (their statistics start at zero, their ranges empty)."""
        if d > self.d:
            self._grow("d", d - self.d)
            self.d = d

    def grow_classes(self, n_classes: int) -> None:
        """Add classes ``self.C .. n_classes - 1`` (no samples of them anywhere yet)."""
        if n_classes > self.C:
            self._grow("C", n_classes - self.C)
            self.C = n_classes

    # ------------------------------------------------------------------ prediction
    def _route(self, x: np.ndarray) -> np.ndarray:
        """The leaf slot of every row."""
        if len(self.feat) == 1:
            return np.zeros(len(x), dtype=np.int64)
        out = np.empty(len(x), dtype=np.int64)
        _route_rows(x, *self._node_arrays(), out)
        return out

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, C)`` of raw rows ``x`` ``(n, d)`` (kept for a :meth:`learn` right after).

        Each row's leaf votes by its class counts or by naive Bayes, whichever predicted the leaf's samples right
        more often (naive Bayes on ties, once the leaf has seen a sample); a leaf's naive-Bayes parameters and count
        probabilities are recomputed first when stale (:func:`_predict`)."""
        return self._proba(check_rows("HoeffdingTree", x, self.d))

    def _proba(self, x: np.ndarray) -> np.ndarray:
        """:meth:`proba` of rows already checked."""
        n = len(x)
        p = np.empty((n, self.C))
        s = np.empty(n, dtype=np.int64)
        preds = np.empty((3, n), dtype=np.int64)
        links, thr = self._node_arrays()
        leaves = (self.cnt, self.stale_at, self.obs, self.base, self.g, self.mu, self.ivar, self.bias, self.mcp)
        _predict(x, links, thr, leaves, self.spec.smoothing, VAR_FLOOR, REFRESH, REFRESH_MIN, p, s, preds)
        self._last = (x, s, preds[0], preds[1], preds[2])
        return p

    # ------------------------------------------------------------------ learning
    def learn(self, x: np.ndarray, y: np.ndarray, votes: bool = True) -> bool:
        """Learn a batch of raw rows ``x`` ``(n, d)`` with class indices ``y`` ``(n,)``; split leaves that are due.

        :param x: raw rows
        :param y: class indices in ``0 .. n_classes - 1``
        :param votes: whether the batch also scores the leaves' two votes (which one a leaf predicts with) and feeds
            the drift detector; False learns the statistics only, without computing the votes (rows nobody
            predicted: cheaper), unless :meth:`proba` just computed them
        :return: whether the drift detector fired and the tree started again from a single leaf
        """
        last = self._last
        self._last = None
        x = check_rows("HoeffdingTree", x, self.d)
        if last is None or not same_rows(last[0], x):
            if not votes:
                return self._learn_statistics(x, self._route(x), y, None)
            self._proba(x)
            last = self._last
            assert last is not None
            self._last = None
        x, s, mc_pred, nb_pred, pred = last
        return self._learn_statistics(x, s, y, (mc_pred, nb_pred, pred))

    def _learn_statistics(
        self, x: np.ndarray, s: np.ndarray, y: np.ndarray, preds: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    ) -> bool:
        """:meth:`learn` of raw rows ``x`` routed to leaf slots ``s``; ``preds``: the class counts', naive
        Bayes' and the tree's predictions of them (None: not predicted)."""
        y = check_labels("HoeffdingTree", y, len(x), self.C)
        if len(y) == 0:
            return False
        scored = preds is not None
        mc, nb = (preds[0], preds[1]) if preds is not None else (y, y)
        due = _learn(x, s, y, mc, nb, scored, self.spec.grace, self.cnt, self.obs, self.g, self.lo, self.hi)
        if due:
            for leaf in np.unique(s[self.cnt[s, 2] >= self.spec.grace]).tolist():
                self.cnt[leaf, 2] = 0.0
                self._try_split(leaf)
        if preds is None or self._detector is None:
            return False
        if self._detector.update(float(np.count_nonzero(preds[2] != y)) / len(y)):
            self.restart()
            return True
        return False

    def _try_split(self, leaf: int) -> None:
        """Split ``leaf`` on its best cut if the Hoeffding bound allows it.

        Only the classes the leaf has seen and the features it has seen at two values or more are scored (the
        others cannot gain). A cut's merit is ``H(obs) - (sum over both sides of w H(side)) / N``, computed as
        ``w H(side) = w log2 w - sum_c s_c log2 s_c`` (one pass over both sides)."""
        spec = self.spec
        node = self.node_of[leaf]
        if self.depth[node] >= spec.max_depth or self.n_leaves >= spec.max_leaves:
            return
        obs = self.obs[leaf]
        present = obs > 0
        n_present = int(np.count_nonzero(present))
        if n_present < 2:
            return
        N = float(obs.sum())
        r = math.log2(n_present)
        eps = math.sqrt(r * r * math.log(1.0 / spec.delta) / (2.0 * N))
        seen = obs[present]
        p = seen / N
        h = -float((p * np.log2(p)).sum())
        if eps >= spec.tau and h <= eps:  # no cut can gain more than the leaf's entropy
            return
        lo, span = self.lo[leaf], self.hi[leaf] - self.lo[leaf]
        ok = np.isfinite(span) & (span > 0)
        cols = np.flatnonzero(ok)
        if not len(cols):
            return
        g = self.g[leaf]
        if len(cols) < self.d or n_present < self.C:
            g = g[np.ix_(present, (0, 1, 2), ok)]
            lo, span = lo[cols], span[cols]
        mu, var = _gaussians(g)  # (C', d')
        cuts = lo[:, None] + span[:, None] * _cut_points(spec.n_thresholds)  # (d', T)
        z = cuts - mu[:, :, None]
        z /= np.sqrt(var)[:, :, None]
        sides = np.empty((2, *z.shape))  # per class, feature and cut: the weight below, the weight above
        np.multiply(seen[:, None, None], ndtr(z), out=sides[0])
        np.subtract(seen[:, None, None], sides[0], out=sides[1])
        w = sides.sum(1)  # (2, d', T)
        merit = _xlog2x(sides).sum((0, 1))
        merit -= _xlog2x(w).sum(0)
        merit /= N
        merit += h
        merit[w.min(0) < MIN_BRANCH * N] = -np.inf
        per_feature = merit.max(1)
        f = int(per_feature.argmax())
        best = float(per_feature[f])
        if not best > 0.0:
            return
        per_feature[f] = -np.inf
        second = max(0.0, float(per_feature.max())) if len(per_feature) > 1 else 0.0
        if best - second <= eps and eps >= spec.tau:
            return
        t = int(merit[f].argmax())
        below = np.zeros(self.C)
        below[present] = sides[0, :, f, t]
        depth = self.depth[node] + 1
        left = self._new_leaf(depth, below)
        right = self._new_leaf(depth, obs - below)
        self.feat[node], self.thr[node] = int(cols[f]), float(cuts[f, t])
        self.left[node], self.right[node] = left, right
        self.slot[node] = -1
        self.node_of[leaf] = -1
        self.free.append(leaf)
        self._nodes = None


# ---------------------------------------------------------------------- compiled kernels
@kernel
def _leaf_of(row: np.ndarray, links: np.ndarray, thr: np.ndarray) -> int:  # pragma: no cover
    """The leaf slot a row reaches (``links``: per node its feature, left and right child and slot)."""
    node = 0
    while links[node, 0] >= 0:
        node = links[node, 1] if row[links[node, 0]] <= thr[node] else links[node, 2]
    return links[node, 3]


@kernel
def _route_rows(x: np.ndarray, links: np.ndarray, thr: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """The leaf slot of every row of ``x``, into ``out``."""
    for i in range(x.shape[0]):
        out[i] = _leaf_of(x[i], links, thr)


#: the per-leaf-slot arrays the kernels read, in this order: cnt, stale_at, obs, base, g, mu, ivar, bias, mcp
Leaves = tuple[np.ndarray, ...]


@kernel
def _refresh_leaf(u: int, leaves: Leaves, floor: float, refresh: float, refresh_min: float) -> None:  # pragma: no cover
    """Recompute leaf slot ``u``'s naive-Bayes parameters (means and variances by :func:`feature_moments`) and
    class-count probabilities. A class the leaf has not seen gets no naive-Bayes vote; a leaf that has seen nothing
    votes by its counts."""
    _, stale_at, obs, base, g, mu, ivar, bias, mcp = leaves
    C, d = mu.shape[1], mu.shape[2]
    prior_total = 0.0
    total = 0.0
    any_seen = False
    for c in range(C):
        prior_total += base[u, c] + obs[u, c] + 1e-9
        total += obs[u, c]
        any_seen = any_seen or obs[u, c] > 0.0
    for c in range(C):
        mcp[u, c] = (base[u, c] + obs[u, c] + 1e-9) / prior_total
        bias[u, c] = 0.0
    var = np.empty(C)
    for j in range(d):
        feature_moments(g[u, :, 0, j], g[u, :, 1, j], g[u, :, 2, j], floor, mu[u, :, j], var)
        for c in range(C):
            ivar[u, c, j] = 1.0 / var[c]
            bias[u, c] += np.log(var[c])
    for c in range(C):
        if obs[u, c] > 0.0:
            bias[u, c] = np.log(mcp[u, c]) - 0.5 * bias[u, c]
        else:
            bias[u, c] = np.log(mcp[u, c]) + (-np.inf if any_seen else 0.0)
    stale_at[u] = total + max(refresh_min, refresh * total)


@kernel
def _predict(
    x: np.ndarray,
    links: np.ndarray,
    thr: np.ndarray,
    leaves: Leaves,
    smoothing: float,
    floor: float,
    refresh: float,
    refresh_min: float,
    p: np.ndarray,
    s: np.ndarray,
    preds: np.ndarray,
) -> None:  # pragma: no cover
    """Route rows ``x`` to their leaves ``s``, refresh the stale ones (:func:`_refresh_leaf`), and write each row's
    probabilities ``p`` (its leaf's class counts or naive Bayes, smoothed) and the counts', naive Bayes' and the
    tree's predictions ``preds`` ``(3, n)`` (``leaves``: the per-slot arrays, as :data:`Leaves` lists them)."""
    cnt, stale_at, _, _, _, mu, ivar, bias, mcp = leaves
    n, d = x.shape
    C = p.shape[1]
    nb = np.empty(C)
    for i in range(n):
        u = _leaf_of(x[i], links, thr)
        s[i] = u
        if cnt[u, 3] >= stale_at[u]:
            _refresh_leaf(u, leaves, floor, refresh, refresh_min)
        top = -np.inf
        for c in range(C):
            q = 0.0
            for j in range(d):
                diff = np.float64(x[i, j]) - mu[u, c, j]
                q += diff * diff * ivar[u, c, j]
            nb[c] = bias[u, c] - 0.5 * q
            top = max(top, nb[c])
        z = 0.0
        for c in range(C):
            nb[c] = np.exp(nb[c] - top)
            z += nb[c]
        use_nb = cnt[u, 0] >= cnt[u, 1] and cnt[u, 3] > 0.0
        best_mc = best_nb = best = 0
        for c in range(C):
            nb[c] /= z
            if mcp[u, c] > mcp[u, best_mc]:
                best_mc = c
            if nb[c] > nb[best_nb]:
                best_nb = c
            p[i, c] = (1.0 - smoothing) * (nb[c] if use_nb else mcp[u, c]) + smoothing / C
            if p[i, c] > p[i, best]:
                best = c
        preds[0, i] = best_mc
        preds[1, i] = best_nb
        preds[2, i] = best


@kernel
def _learn(
    x: np.ndarray,
    s: np.ndarray,
    y: np.ndarray,
    mc: np.ndarray,
    nb: np.ndarray,
    scored: bool,
    grace: float,
    cnt: np.ndarray,
    obs: np.ndarray,
    g: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> bool:  # pragma: no cover
    """Add rows ``x`` of classes ``y`` to their leaves ``s``: the counts ``cnt`` (naive Bayes' and the class
    counts' hits when ``scored``, by their predictions ``nb`` and ``mc``; samples since the last split attempt;
    samples), the class counts, each class's count, sum and sum of squares per feature, and each feature's range.
    Returns whether a leaf is due a split attempt (``grace`` samples since its last)."""
    n, d = x.shape
    due = False
    for i in range(n):
        u = s[i]
        c = y[i]
        if scored:
            cnt[u, 0] += 1.0 if nb[i] == c else 0.0
            cnt[u, 1] += 1.0 if mc[i] == c else 0.0
        cnt[u, 2] += 1.0
        cnt[u, 3] += 1.0
        obs[u, c] += 1.0
        for j in range(d):
            v = np.float64(x[i, j])
            g[u, c, 0, j] += 1.0
            g[u, c, 1, j] += v
            g[u, c, 2, j] += v * v
            lo[u, j] = min(lo[u, j], v)
            hi[u, j] = max(hi[u, j], v)
        due = due or cnt[u, 2] >= grace
    return due
