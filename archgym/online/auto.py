"""AutoClassifier: an online classifier that picks its own capacity, with River's API.

A user takes it without tuning: ``AutoClassifier(seed=0)``, then ``learn_one``/``predict_one``/
``predict_proba_one`` on dicts, or ``learn_many``/``predict_many``/``predict_proba_many`` on a 2-D
numpy array, a pandas DataFrame or a list of dicts. Labels may be of any hashable type; a class is
learned from the first sample that shows it. String features are one-hot encoded as they appear,
and features first seen late get new input columns (:class:`~archgym.online.encode.FeatureEncoder`).

How capacity adapts
    A pool of candidate models learns every sample in parallel, and :class:`~archgym.online.hedge.Hedge`
    mixes their class probabilities with weights that follow each candidate's recent prequential loss
    (each sample is predicted before it is learned). The pool spans the capacities a stream may need:

    * neural candidates (:class:`Candidate`): a linear softmax model and MLPs of several widths, depths
      and learning rates, trained by Adam one step per learned batch; all of them are *packed* into
      one set of tensors (layer ``l`` of every candidate in one matrix, block-diagonal masks between
      candidates; the output heads read their candidate's last hidden block and, with ``skip``, the
      inputs) so the whole pool costs a handful of matmuls, with a hand-written backward pass and
      one multi-tensor Adam step (no autograd);
    * a memory candidate (:class:`Memory`): an RBF layer whose units are the last ``window`` samples
      (a distance-weighted ``k``-nearest-neighbour vote), the capacity a local, quickly drifting
      concept needs before any network has learned it.

    Early in a stream the fast learners (linear, memory) lead; wider and deeper networks take over
    as they converge; after a drift the discounted Hedge losses hand the lead back to whichever
    candidate recovers first. Inputs are standardised with running means and variances.

>>> model = AutoClassifier(seed=0)
>>> for _ in range(30):
...     model.learn_one({"x": 1.0, "colour": "red"}, "yes")
...     model.learn_one({"x": -1.0, "colour": "blue"}, "no")
>>> model.predict_one({"x": 0.9, "colour": "red"}), model.predict_one({"x": -1.2})
('yes', 'no')
>>> model.classes
['yes', 'no']
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from archgym.online._checks import in_range, lookup, positive_int
from archgym.online.encode import FeatureEncoder, LabelEncoder, is_dataframe
from archgym.online.hedge import LOSSES, Hedge, expert_losses

__all__ = ["DEFAULT_CANDIDATES", "AutoClassifier", "Candidate", "Memory"]


@dataclass(frozen=True)
class Candidate:
    """One neural member of the pool.

    :param hidden: hidden-layer widths (``()``: a linear softmax model)
    :param lr: Adam's learning rate
    :param skip: the output layer also reads the (standardised) inputs (a linear shortcut)
    """

    hidden: tuple[int, ...] = ()
    lr: float = 0.01
    skip: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, tuple):
            raise TypeError(f"Candidate.hidden must be a tuple of widths, got {type(self.hidden).__name__}")
        for i, w in enumerate(self.hidden):
            positive_int(f"Candidate.hidden[{i}]", w)
        in_range("Candidate.lr", self.lr, 0.0, 1.0, open_low=True)

    @property
    def name(self) -> str:
        """Short name, e.g. ``mlp64x32-lr0.01`` or ``linear-lr0.03``."""
        body = "mlp" + "x".join(map(str, self.hidden)) if self.hidden else "linear"
        return f"{body}{'+skip' if self.skip and self.hidden else ''}-lr{self.lr:g}"


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


#: the default pool (chosen on the tuning streams of scripts/bench_online.py, see docs/benchmarks.md)
DEFAULT_CANDIDATES: tuple[Candidate, ...] = (
    Candidate((), lr=0.02),
    Candidate((32,), lr=0.01, skip=True),
    Candidate((128,), lr=0.005),
    Candidate((64, 32), lr=0.005),
)


class _PackedNets:
    """Every neural candidate in one set of tensors: forward, hand-written backward and one fused Adam step.

    Layer ``l`` holds the units of every candidate at least ``l + 1`` layers deep; layers after the
    first are block-diagonal (a candidate's layer only reads its own previous layer). The head input
    is ``f = [h_1 | ... | h_L | x]``; candidate ``k``'s ``C`` output rows read its last hidden block
    (and ``x`` when it is linear or has ``skip``) through a fixed 0/1 mask: masked weights get masked
    gradients and stay 0. Each candidate's learning rate is ``lr_max * s`` with ``s`` a fixed scale of
    its rows: a layer computes ``z = s * (h U^T + u)`` and Adam (step size independent of the
    gradient's scale) moves ``U`` by ``lr_max``, so ``W = s U`` moves by ``s lr_max``; one fused Adam
    call then updates the whole pool.
    """

    def __init__(self, candidates: Sequence[Candidate], n_inputs: int, n_classes: int, gen: torch.Generator) -> None:
        self.cands = tuple(candidates)
        self.K = len(self.cands)
        self.depth = max((len(c.hidden) for c in self.cands), default=0)
        self.d, self.C = n_inputs, n_classes
        self.gen = gen
        self.lr = max(c.lr for c in self.cands)
        rel = [c.lr / self.lr for c in self.cands]
        # unit ranges of each candidate in each layer
        self.ranges: list[list[tuple[int, int] | None]] = []
        self.widths: list[int] = []
        for layer in range(self.depth):
            start, rng = 0, list[tuple[int, int] | None]()
            for c in self.cands:
                if len(c.hidden) > layer:
                    rng.append((start, start + c.hidden[layer]))
                    start += c.hidden[layer]
                else:
                    rng.append(None)
            self.ranges.append(rng)
            self.widths.append(start)
        self.n_hidden = sum(self.widths)
        self.W: list[torch.Tensor] = []
        self.b: list[torch.Tensor] = []
        self.s: list[torch.Tensor] = []
        self.masks: list[torch.Tensor | None] = []
        for layer in range(self.depth):
            fan = n_inputs if layer == 0 else self.widths[layer - 1]
            w = torch.zeros(self.widths[layer], fan)
            s = torch.ones(self.widths[layer])
            mask = None if layer == 0 else torch.zeros_like(w)
            for k in range(self.K):
                r = self.ranges[layer][k]
                if r is None:
                    continue
                s[r[0] : r[1]] = rel[k]
                if layer == 0:
                    cols = slice(0, fan)
                    n_in = fan
                else:
                    p = self.ranges[layer - 1][k]
                    assert p is not None and mask is not None
                    cols = slice(p[0], p[1])
                    n_in = p[1] - p[0]
                    mask[r[0] : r[1], cols] = 1.0
                bound = 1.0 / math.sqrt(max(n_in, 1)) / rel[k]  # W = s U starts at torch's default scale
                w[r[0] : r[1], cols] = (torch.rand(r[1] - r[0], n_in, generator=gen) * 2 - 1) * bound
            self.W.append(w)
            self.b.append(torch.zeros(self.widths[layer]))
            self.s.append(s)
            self.masks.append(mask)
        # head: K * C rows (candidate-major) over F = n_hidden + d columns
        self.F = self.n_hidden + n_inputs
        self.head_mask = torch.zeros(self.K, 1, self.F)
        offsets = [sum(self.widths[:layer]) for layer in range(self.depth)]
        for k, c in enumerate(self.cands):
            if c.hidden:
                r = self.ranges[len(c.hidden) - 1][k]
                assert r is not None
                off = offsets[len(c.hidden) - 1]
                self.head_mask[k, 0, off + r[0] : off + r[1]] = 1.0
            if self._reads_x(c):
                self.head_mask[k, 0, self.n_hidden :] = 1.0
        self.head_scale = torch.tensor(rel).view(self.K, 1)
        self.Wh = torch.zeros(self.K * n_classes, self.F)
        self.bh = torch.zeros(self.K * n_classes)
        self._refresh_head()
        self.m = [torch.zeros_like(p) for p in self.params()]
        self.v = [torch.zeros_like(p) for p in self.params()]
        self.step = torch.zeros(())  # Adam's step count, shared by every parameter

    @staticmethod
    def _reads_x(c: Candidate) -> bool:
        return not c.hidden or c.skip

    def params(self) -> list[torch.Tensor]:
        """Every parameter, in the order of the optimizer state."""
        return [*self.W, *self.b, self.Wh, self.bh]

    def _refresh_head(self) -> None:
        """The head's row scales and mask at the current class count (rows candidate-major)."""
        self.sh = self.head_scale.expand(self.K, self.C).reshape(-1).contiguous()
        self.mh = self.head_mask.expand(self.K, self.C, self.F).reshape(-1, self.F).contiguous()

    def _set_state(self, old: list[torch.Tensor], new: list[torch.Tensor], grow: Any) -> None:
        """Carry Adam's moments over a change of parameter shapes (``grow(old_tensor, new_tensor)``)."""
        for i, (o, n) in enumerate(zip(old, new, strict=True)):
            if o.shape != n.shape:
                self.m[i] = grow(self.m[i], n)
                self.v[i] = grow(self.v[i], n)

    def grow_inputs(self, d: int) -> None:
        """Append ``d - self.d`` input columns (random first-layer weights, zero head weights, zero state)."""
        extra = d - self.d
        if extra <= 0:
            return
        old = self.params()
        if self.depth:
            fresh = (torch.rand(self.W[0].shape[0], extra, generator=self.gen) * 2 - 1) / math.sqrt(d)
            self.W[0] = torch.cat([self.W[0], fresh.div_(self.s[0].view(-1, 1))], 1)
        self.Wh = torch.cat([self.Wh, self.Wh.new_zeros(self.Wh.shape[0], extra)], 1)
        reads = torch.tensor([float(self._reads_x(c)) for c in self.cands]).view(-1, 1, 1)
        self.head_mask = torch.cat([self.head_mask, reads.expand(-1, 1, extra)], -1)
        self.d += extra
        self.F += extra
        self._refresh_head()
        self._set_state(old, self.params(), lambda t, n: _embed(t, n.shape))

    def grow_classes(self, C: int) -> None:
        """Add output classes (zero weights and biases, zero state)."""
        if C <= self.C:
            return
        old = self.params()
        K, C0 = self.K, self.C

        def rows(t: torch.Tensor, _: Any = None) -> torch.Tensor:
            return _embed(t.view(K, C0, *t.shape[1:]), (K, C, *t.shape[1:])).view(K * C, *t.shape[1:])

        self.Wh, self.bh = rows(self.Wh), rows(self.bh)
        self.C = C
        self._refresh_head()
        self._set_state(old, self.params(), rows)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], torch.Tensor]:
        """Log-probabilities ``(n, K, C)``, the pre-activations and the head input."""
        hs, zs, h = [], [], x
        for w, b, s in zip(self.W, self.b, self.s, strict=True):
            z = torch.addmm(b, h, w.t()).mul_(s)
            h = torch.relu(z)
            zs.append(z)
            hs.append(h)
        f = torch.cat([*hs, x], 1) if hs else x
        logits = torch.addmm(self.bh, f, self.Wh.t()).mul_(self.sh)
        return torch.log_softmax(logits.view(-1, self.K, self.C), 2), zs, f

    def learn(self, logp: torch.Tensor, zs: list[torch.Tensor], f: torch.Tensor, y: torch.Tensor) -> None:
        """One Adam step on the sum over candidates of their mean cross-entropy on ``y``."""
        n = y.shape[0]
        g = logp.exp()
        g.scatter_add_(2, y.view(-1, 1, 1).expand(-1, self.K, 1), g.new_full((n, self.K, 1), -1.0))
        g = g.view(n, -1).mul_(self.sh).mul_(1.0 / n)
        grads_W: list[torch.Tensor] = []
        grads_b: list[torch.Tensor] = []
        if self.depth:
            gf = torch.mm(g, self.Wh)
            end = self.n_hidden
            gh_next: torch.Tensor | None = None
            for layer in range(self.depth - 1, -1, -1):
                start = end - self.widths[layer]
                gh = gf[:, start:end] if gh_next is None else gf[:, start:end] + gh_next
                gz = torch.ops.aten.threshold_backward(gh, zs[layer], 0.0).mul_(self.s[layer])
                h_in = f[:, start - self.widths[layer - 1] : start] if layer else f[:, self.n_hidden :]
                gw = torch.mm(gz.t(), h_in)
                mask = self.masks[layer]
                if mask is not None:
                    gw.mul_(mask)
                grads_W.append(gw)
                grads_b.append(gz.sum(0))
                gh_next = torch.mm(gz, self.W[layer]) if layer else None
                end = start
        grads = [*grads_W[::-1], *grads_b[::-1], torch.mm(g.t(), f).mul_(self.mh), g.sum(0)]
        self.step.add_(1.0)  # the fused kernel reads the count, the caller advances it (as torch.optim does)
        torch._fused_adam_(
            self.params(), grads, self.m, self.v, [], [self.step] * len(grads),
            lr=self.lr, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8, amsgrad=False, maximize=False,
        )  # fmt: skip


def _embed(t: torch.Tensor, shape: torch.Size | tuple[int, ...]) -> torch.Tensor:
    """``t`` copied into the leading corner of a zero tensor of ``shape``."""
    out = t.new_zeros(shape)
    out[tuple(slice(0, s) for s in t.shape)] = t
    return out


class _Window:
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
            self.X = _embed(self.X, (self.X.shape[0], d))
            self.X2 = _embed(self.X2, (self.X.shape[0], d))

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


class AutoClassifier:
    """Online classifier with River's API that mixes a pool of capacities by Hedge (see the module docstring).

    Predictions before the first learned sample are ``None`` (``predict_one``) and ``{}``
    (``predict_proba_one``), as in River. Batches: ``predict_many`` returns a numpy array of labels
    (a pandas Series for a DataFrame), ``predict_proba_many`` an ``(n, n_classes)`` numpy array with
    columns in :attr:`classes` order (a DataFrame with those columns for a DataFrame).

    :param seed: seed of the networks' initial weights (same seed, same data: same predictions)
    :param candidates: the neural candidates (default :data:`DEFAULT_CANDIDATES`); ``()`` for none
    :param memory: the memory candidate (default ``Memory()``); None for none
    :param hedge_eta: Hedge's learning rate on the candidates' losses
    :param hedge_decay: per-sample discount of past losses in Hedge (``1 / (1 - decay)`` samples of memory)
    :param hedge_loss: the loss Hedge weighs candidates by, one of :data:`archgym.online.hedge.LOSSES`
    :param batch_size: ``learn_many`` takes one Adam step per ``batch_size`` rows, in order (None: one step
        per call, whatever its size)
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        candidates: Sequence[Candidate] | None = None,
        memory: Memory | None = Memory(),
        hedge_eta: float = 1.0,
        hedge_decay: float = 0.995,
        hedge_loss: str = "log",
        batch_size: int | None = None,
    ) -> None:
        self.seed = positive_int("seed", seed, 0)
        cands = DEFAULT_CANDIDATES if candidates is None else tuple(candidates)
        for i, c in enumerate(cands):
            if not isinstance(c, Candidate):
                raise TypeError(f"candidates[{i}] must be a Candidate, got {type(c).__name__}")
        if memory is not None and not isinstance(memory, Memory):
            raise TypeError(f"memory must be a Memory or None, got {type(memory).__name__}")
        if not cands and memory is None:
            raise ValueError("the pool is empty: give at least one candidate or a memory")
        self.batch_size = None if batch_size is None else positive_int("batch_size", batch_size)
        self.candidates = cands
        self.memory = memory
        self.hedge_loss = hedge_loss
        lookup("Hedge loss", hedge_loss, LOSSES)
        self._hedge = Hedge(len(cands) + (memory is not None), eta=hedge_eta, decay=hedge_decay)
        self._features = FeatureEncoder()
        self._labels = LabelEncoder()
        self._gen = torch.Generator().manual_seed(self.seed)
        self._nets: _PackedNets | None = None
        self._window: _Window | None = None
        # running input statistics: float64 sums over every learned row (a missing feature counts as 0,
        # the value the models see), refreshed after each of the first 100 learned batches, then every
        # 64 learned rows
        self._pending: list[np.ndarray] = []
        self._n_pending = 0
        self._count = 0
        self._n_batches = 0
        self._sum = np.zeros(0)
        self._sumsq = np.zeros(0)
        self._mean = np.zeros(0, dtype=np.float32)
        self._scale = np.ones(0, dtype=np.float32)
        self._scale2 = np.ones(0, dtype=np.float32)
        self._cache: tuple[np.ndarray, int, Any] | None = None
        self._array_width = -1
        self.n_seen = 0

    # ------------------------------------------------------------------ public state
    @property
    def classes(self) -> list[Hashable]:
        """The labels seen so far, in order of first appearance (the column order of ``predict_proba_many``)."""
        return list(self._labels.classes)

    @property
    def expert_names(self) -> list[str]:
        """Names of the pool's members, in Hedge's order."""
        return [c.name for c in self.candidates] + ([self.memory.name] if self.memory is not None else [])

    @property
    def weights(self) -> dict[str, float]:
        """Current Hedge weight of each member of the pool (they sum to 1)."""
        return dict(zip(self.expert_names, self._hedge.weights.tolist(), strict=True))

    # ------------------------------------------------------------------ internals
    def _sync_width(self) -> None:
        """Grow the statistics, the networks and the window to the encoder's width."""
        d = self._features.width
        old = len(self._sum)
        if d == old:
            return
        self._array_width = -1  # the array fast path holds only while the columns are exactly 0 .. d-1
        self._fold_stats()  # pending rows have the old width
        pad = d - old
        self._sum = np.concatenate([self._sum, np.zeros(pad)])
        self._sumsq = np.concatenate([self._sumsq, np.zeros(pad)])
        self._refresh_stats()
        if self._nets is not None:
            self._nets.grow_inputs(d)
        if self._window is not None:
            self._window.grow_inputs(d)

    def _ensure_models(self) -> None:
        C = max(len(self._labels), 1)
        d = self._features.width
        if self._nets is None and self.candidates:
            self._nets = _PackedNets(self.candidates, d, C, self._gen)
        if self._window is None and self.memory is not None:
            self._window = _Window(self.memory, d)
        if self._nets is not None:
            self._nets.grow_classes(C)

    def _update_stats(self, X: np.ndarray) -> None:
        self._pending.append(X)
        self._n_pending += len(X)
        self._n_batches += 1
        if self._n_batches <= 100 or self._n_pending >= 64:
            self._fold_stats()

    def _fold_stats(self) -> None:
        """Add the pending learned rows to the sums and refresh the means and scales."""
        if not self._pending:
            return
        X = self._pending[0] if len(self._pending) == 1 else np.concatenate(self._pending)
        self._pending, self._n_pending = [], 0
        self._count += len(X)
        self._sum += X.sum(0, dtype=np.float64)
        self._sumsq += np.einsum("ij,ij->j", X, X, dtype=np.float64)
        self._refresh_stats()

    def _refresh_stats(self) -> None:
        """Means and scales ``1 / std`` (1 for a constant column) from the sums."""
        n = max(self._count, 1)
        mean = self._sum / n
        var = np.maximum(self._sumsq / n - mean * mean, 0.0)
        self._mean = mean.astype(np.float32)
        self._scale = np.where(var > 1e-12, 1.0 / np.sqrt(var + 1e-12), 1.0).astype(np.float32)
        self._scale2 = np.square(self._scale)

    def _encode(self, X: Any) -> np.ndarray:
        """A batch (or one dict, as a 1-row batch) as float32 rows at the current width, checked finite."""
        if type(X) is np.ndarray and X.ndim == 2 and X.shape[1] == self._array_width and X.dtype.kind in "fiub":
            rows = X if X.dtype == np.float32 else X.astype(np.float32)  # columns 0 .. d-1 are the features
        else:
            rows = self._features.encode_many(X)
            self._sync_width()
            width = self._features.width
            if rows.shape[1] < width:  # encoded before a later row of the batch added columns
                rows = np.pad(rows, ((0, 0), (0, width - rows.shape[1])))
            if isinstance(X, np.ndarray) and X.ndim == 2 and self._features.columns == list(range(width)):
                self._array_width = width
        if not np.isfinite(rows).all():
            bad = sorted({self._features.columns[j] for j in np.nonzero(np.isinf(rows))[1]}, key=repr)
            if bad:
                raise ValueError(f"infinite feature value(s) in {', '.join(map(repr, bad))}; valid: finite numbers")
            rows = np.nan_to_num(rows, nan=0.0)  # NaN: missing
        return rows

    def _forward(self, rows: np.ndarray) -> tuple[torch.Tensor, Any]:
        """Each expert's probabilities ``(n, K, C)`` for encoded rows, and what :meth:`_learn` reuses."""
        C = max(len(self._labels), 1)
        xs = torch.from_numpy((rows - self._mean) * self._scale)
        parts: list[torch.Tensor] = []
        net_out = None
        if self._nets is not None:
            net_out = self._nets.forward(xs)
            parts.append(net_out[0].exp())
        if self._window is not None:
            parts.append(self._window.proba(torch.from_numpy(rows), torch.from_numpy(self._scale2), C).unsqueeze(1))
        p = torch.cat(parts, 1) if len(parts) > 1 else parts[0]
        return p, net_out

    def _mixture(self, p: torch.Tensor) -> torch.Tensor:
        return torch.matmul(self._hedge.weights, p)

    def _predict_rows(self, rows: np.ndarray) -> torch.Tensor | None:
        """Mixture probabilities ``(n, C)`` of encoded rows (None before anything was learned)."""
        if self.n_seen == 0:
            self._cache = None
            return None
        p, net_out = self._forward(rows)
        self._cache = (rows.copy(), len(self._labels), (p, net_out))
        return self._mixture(p)

    def _learn_rows(self, rows: np.ndarray, y: np.ndarray) -> None:
        if len(y) != len(rows):
            raise ValueError(f"got {len(rows)} samples but {len(y)} labels")
        if len(rows) == 0:
            return
        first = self.n_seen == 0
        if first:
            self._update_stats(rows)  # seed the statistics before the first batch is learned
        self._ensure_models()
        yt = torch.from_numpy(y)
        cache = self._cache
        self._cache = None
        if (
            cache is not None
            and cache[1] == len(self._labels)
            and cache[0].shape == rows.shape
            and np.array_equal(cache[0], rows)
        ):
            p, net_out = cache[2]  # predicted just before with these weights: reuse the forward pass
        else:
            p, net_out = self._forward(rows)
        self._hedge.update(expert_losses(self.hedge_loss, p, yt))
        if self._nets is not None:
            assert net_out is not None
            logp, zs, f = net_out
            b = self.batch_size or len(rows)
            self._nets.learn(logp[:b], [z[:b] for z in zs], f[:b], yt[:b])
            for start in range(b, len(rows), b):  # later mini-batches see the weights the earlier ones made
                xs = torch.from_numpy((rows[start : start + b] - self._mean) * self._scale)
                self._nets.learn(*self._nets.forward(xs), yt[start : start + b])
        if self._window is not None:
            self._window.add(torch.from_numpy(rows), yt)
        if not first:
            self._update_stats(rows)
        self.n_seen += len(rows)

    def _label_array(self, y: Any, n: int) -> np.ndarray:
        if isinstance(y, (str, bytes)) or not hasattr(y, "__len__") or isinstance(y, Mapping):
            raise TypeError(
                f"y must be a sequence of labels (list, numpy array, pandas Series), got {type(y).__name__}"
            )
        values = y.tolist() if hasattr(y, "tolist") else list(y)
        if len(values) != n:
            raise ValueError(f"X has {n} samples but y has {len(values)} labels")
        if any(v is None for v in values):
            raise ValueError("a label is None; valid: any hashable value except None")
        return self._labels.encode(values)

    # ------------------------------------------------------------------ River API: one sample
    def learn_one(self, x: Mapping[Hashable, Any], y: Hashable) -> None:
        """Learn one sample.

        :param x: ``{feature: value}`` with numbers, strings (one-hot encoded) or None (missing)
        :param y: its label (any hashable value but None)
        :raises TypeError: ``x`` is not a dict, a value or the label has an unsupported type
        :raises ValueError: the label is None or a value is not finite
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use learn_many for batches")
        if y is None:
            raise ValueError("the label is None; valid: any hashable value except None")
        rows = self._encode([x])
        self._learn_rows(rows, self._labels.encode([y]))

    def predict_proba_one(self, x: Mapping[Hashable, Any]) -> dict[Hashable, float]:
        """Class probabilities of one sample (``{}`` before anything was learned).

        :param x: ``{feature: value}``
        :return: ``{label: probability}`` over the labels seen so far
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use predict_proba_many")
        p = self._predict_rows(self._encode([x]))
        if p is None:
            return {}
        return dict(zip(self._labels.classes, p[0].tolist(), strict=True))

    def predict_one(self, x: Mapping[Hashable, Any]) -> Hashable | None:
        """The most probable label of one sample (None before anything was learned).

        :param x: ``{feature: value}``
        :return: a label seen so far, or None
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use predict_many")
        p = self._predict_rows(self._encode([x]))
        return None if p is None else self._labels.classes[int(p[0].argmax())]

    # ------------------------------------------------------------------ River API: batches
    def learn_many(self, X: Any, y: Any) -> None:
        """Learn a batch (one Adam step for the networks, all samples into the memory).

        :param X: a 2-D numpy array (columns ``0 .. d-1``), a pandas DataFrame or a list of dicts
        :param y: one label per row (list, numpy array, pandas Series)
        :raises TypeError: an unsupported batch or label type
        :raises ValueError: mismatched lengths, a None label, a non-finite value or an array that is not 2-D
        """
        rows = self._encode(X)
        self._learn_rows(rows, self._label_array(y, len(rows)))

    def predict_proba_many(self, X: Any) -> Any:
        """Class probabilities of a batch.

        :param X: a 2-D numpy array, a pandas DataFrame or a list of dicts
        :return: ``(n, len(classes))`` float32 numpy array, columns in :attr:`classes` order (a DataFrame
            with those columns and ``X``'s index for a DataFrame)
        """
        rows = self._encode(X)
        p = self._predict_rows(rows)
        out = np.zeros((len(rows), 0), dtype=np.float32) if p is None else p.numpy()
        if is_dataframe(X):
            import pandas as pd

            return pd.DataFrame(out, index=X.index, columns=self.classes)
        return out

    def predict_many(self, X: Any) -> Any:
        """Most probable labels of a batch.

        :param X: a 2-D numpy array, a pandas DataFrame or a list of dicts
        :return: 1-D numpy array of labels: of the labels' dtype when every class is an int, a float, a
            bool or a str (all of one type), else of dtype object (tuples stay whole); ``None`` everywhere
            before anything was learned; a pandas Series with ``X``'s index for a DataFrame
        """
        rows = self._encode(X)
        p = self._predict_rows(rows)
        if p is None:
            labels: list[Any] = [None] * len(rows)
        else:
            labels = self._labels.decode(p.argmax(1).tolist())
        if is_dataframe(X):
            import pandas as pd

            return pd.Series(labels, index=X.index)
        kinds = {type(c) for c in self._labels.classes}
        if p is not None and len(kinds) == 1 and kinds <= {int, float, bool, str}:
            return np.array(labels)
        out = np.empty(len(labels), dtype=object)
        out[:] = labels
        return out

    def __repr__(self) -> str:
        pool = ", ".join(self.expert_names)
        return f"AutoClassifier(seed={self.seed}, pool=[{pool}], n_seen={self.n_seen}, classes={len(self._labels)})"
