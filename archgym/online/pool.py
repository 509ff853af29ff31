"""The neural members of AutoClassifier's pool, packed into one flat parameter vector.

:class:`Candidate` describes one member (hidden widths, learning rate, linear shortcut);
:class:`PackedPool` holds every member's weights in one matrix per layer, all of them views of one flat
float32 vector, runs the forward pass, a hand-written backward pass (the gradients written into views of
one flat gradient vector) and one Adam step for the whole pool on the flat vectors, and can re-initialise
one member alone (after a drift) without touching the others.

It is numpy, not torch: on a chunk of a few rows each call costs its overhead, and in the middle of a
stream's other work a torch call's dispatch costs several times what numpy's does. Side by side in
AutoClassifier (best of 3 runs in alternating processes, scripts/bench_online.py's streams): torch's forward
and backward passes cost 11-12 % more time per chunk (mixed-1-0, stagger-short) than numpy's, and torch's
fused Adam step (one call, plus its step count and the gradients' wrapping) 3-13 % more than
:func:`~archgym.engine.optim.adam_flat_`, the same update in a dozen numpy calls on the flat vectors.

>>> import numpy as np, torch
>>> pool = PackedPool((Candidate(()), Candidate((8,), lr=0.01)), n_inputs=3, n_classes=2, gen=torch.Generator())
>>> pool.theta.shape  # W (8, 3), b (8,), head (2 members x 2 classes, 8 + 3 inputs), its bias
(80,)
>>> logp, zs, f = pool.forward(np.zeros((5, 3), dtype=np.float32))
>>> logp.shape, [z.shape for z in zs], f.shape
((5, 2, 2), [(5, 8)], (5, 11))
>>> pool.learn(logp, zs, f, np.zeros(5, dtype=np.int64)); pool.step
1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from archgym.engine.optim import adam_flat_
from archgym.online._checks import in_range, positive_int

__all__ = ["DEFAULT_CANDIDATES", "Candidate", "PackedPool"]


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


#: the default pool (chosen on the development streams of scripts/bench_online.py, see docs/benchmarks.md);
#: the slow linear member (lr 0.002) is the low-noise regime of a noisy, nearly linear concept. The sixth
#: configuration dropped an MLP [64, 32]: with the tree member beside them, no development stream's accuracy
#: fell below River's without it, and its second layer cost ~16% of the samples/s on the short streams
DEFAULT_CANDIDATES: tuple[Candidate, ...] = (
    Candidate((), lr=0.02),
    Candidate((), lr=0.002),
    Candidate((32,), lr=0.01, skip=True),
    Candidate((128,), lr=0.005),
)


class PackedPool:
    """Every neural candidate in one flat parameter vector: forward, hand-written backward and one Adam step.

    Layer ``l`` holds the units of every candidate at least ``l + 1`` layers deep; layers after the
    first are block-diagonal (a candidate's layer only reads its own previous layer). The head input
    is ``f = [h_1 | ... | h_L | x]``; candidate ``k``'s ``C`` output rows read its last hidden block
    (and ``x`` when it is linear or has ``skip``) through a fixed 0/1 mask: masked weights get masked
    gradients and stay 0. Each candidate's learning rate is ``lr_max * s`` with ``s`` a fixed scale of
    its rows: a layer computes ``z = s * (h U^T + u)`` and Adam (step size independent of the
    gradient's scale) moves ``U`` by ``lr_max``, so ``W = s U`` moves by ``s lr_max`` (Adam on ``W``
    with its ``eps`` divided by ``s``); one Adam step on the flat vectors then updates the whole pool.

    :attr:`W`, :attr:`b` (per hidden layer), :attr:`Wh`, :attr:`bh` (the head) are views of :attr:`theta`;
    :attr:`m` and :attr:`v`, Adam's moments, are per-parameter views of two vectors of the same layout.
    """

    #: Adam's decay rates of the first and second moments, and its eps (torch.optim.Adam's defaults)
    BETAS = (0.9, 0.999)
    EPS = 1e-8

    def __init__(self, candidates: Sequence[Candidate], n_inputs: int, n_classes: int, gen: torch.Generator) -> None:
        self.cands = tuple(candidates)
        self.K = len(self.cands)
        self.depth = max((len(c.hidden) for c in self.cands), default=0)
        self.d, self.C = n_inputs, n_classes
        self.gen = gen
        self.lr = max(c.lr for c in self.cands)
        rel = self.rel = [c.lr / self.lr for c in self.cands]
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
        self.F = self.n_hidden + n_inputs  # the head's inputs
        self._alloc()
        self.s: list[np.ndarray] = []
        self.masks: list[np.ndarray | None] = []
        for layer in range(self.depth):
            s = np.ones(self.widths[layer], dtype=np.float32)
            mask = None if layer == 0 else np.zeros(self.W[layer].shape, dtype=np.float32)
            for k in range(self.K):
                if self.ranges[layer][k] is None:
                    continue
                r, cols, n_in = self._block(layer, k)
                s[r] = rel[k]
                if mask is not None:
                    mask[r, cols] = 1.0
                self.W[layer][r, cols] = self._uniform(r.stop - r.start, n_in, rel[k])
            self.s.append(s)
            self.masks.append(mask)
        # head: K * C rows (candidate-major) over F = n_hidden + d columns
        self.head_mask = np.zeros((self.K, 1, self.F), dtype=np.float32)
        offsets = [sum(self.widths[:layer]) for layer in range(self.depth)]
        for k, c in enumerate(self.cands):
            if c.hidden:
                last = self.ranges[len(c.hidden) - 1][k]
                assert last is not None
                off = offsets[len(c.hidden) - 1]
                self.head_mask[k, 0, off + last[0] : off + last[1]] = 1.0
            if self._reads_x(c):
                self.head_mask[k, 0, self.n_hidden :] = 1.0
        self.head_scale = np.array(rel, dtype=np.float32).reshape(self.K, 1)
        self._refresh_head()
        self.step = 0  # Adam's step count, shared by every parameter
        self.n_skipped = 0  # zero-gradient steps not yet folded into Adam's moments (see skip)

    @staticmethod
    def _reads_x(c: Candidate) -> bool:
        return not c.hidden or c.skip

    def _shapes(self) -> list[tuple[int, ...]]:
        """Every parameter's shape, in the order of :meth:`params`."""
        fans = [self.d, *self.widths][: self.depth]  # what each hidden layer reads
        return [
            *[(w, fan) for w, fan in zip(self.widths, fans, strict=True)],
            *[(w,) for w in self.widths],
            (self.K * self.C, self.F),
            (self.K * self.C,),
        ]

    def _alloc(self) -> None:
        """Zero flat vectors (parameters, gradients, Adam's two moments) at the current shapes, and their views."""
        shapes = self._shapes()
        sizes = [math.prod(shape) for shape in shapes]
        ends = np.cumsum(sizes).tolist()
        n = ends[-1]
        self.theta, self._grad, self._m, self._v = (np.zeros(n, dtype=np.float32) for _ in range(4))
        self._tmp = np.empty(n, dtype=np.float32)

        def views(flat: np.ndarray) -> list[np.ndarray]:
            return [flat[e - z : e].reshape(shape) for shape, z, e in zip(shapes, sizes, ends, strict=True)]

        params = views(self.theta)
        L = self.depth
        self.W, self.b, self.Wh, self.bh = params[:L], params[L : 2 * L], params[-2], params[-1]
        self.WT = [w.T for w in self.W]
        self.WhT = self.Wh.T
        self._grads, self.m, self.v = views(self._grad), views(self._m), views(self._v)

    def params(self) -> list[np.ndarray]:
        """Every parameter (views of :attr:`theta`), in the order of the optimizer state."""
        return [*self.W, *self.b, self.Wh, self.bh]

    def _block(self, layer: int, k: int) -> tuple[slice, slice, int]:
        """Candidate ``k``'s units in hidden ``layer``, the columns they read and how many."""
        r = self.ranges[layer][k]
        assert r is not None
        if layer == 0:
            return slice(*r), slice(0, self.d), self.d
        p = self.ranges[layer - 1][k]
        assert p is not None
        return slice(*r), slice(*p), p[1] - p[0]

    def _uniform(self, rows: int, n_in: int, rel: float) -> np.ndarray:
        """Initial ``U`` of a block: torch's default ``W`` scale ``U(-1, 1) / sqrt(fan_in)``, over ``s = rel``."""
        u = torch.rand(rows, n_in, generator=self.gen).numpy() * 2 - 1
        return u * (1.0 / math.sqrt(max(n_in, 1)) / rel)  # type: ignore[no-any-return]

    def _refresh_head(self) -> None:
        """The head's row scales and mask at the current class count (rows candidate-major)."""
        self.sh = np.ascontiguousarray(np.broadcast_to(self.head_scale, (self.K, self.C)).reshape(-1))
        self.mh = np.ascontiguousarray(np.broadcast_to(self.head_mask, (self.K, self.C, self.F)).reshape(-1, self.F))
        self._scale_n: dict[int, np.ndarray] = {}  # per batch size: the head's row scales / n

    def _regrow(self, C0: int) -> None:
        """Re-allocate at the current shapes (``d``, ``F``, ``C`` already grown from a head of ``C0`` classes) and
        copy parameters and moments into the leading corner of each (the head per candidate: its rows are
        candidate-major); what is new is 0."""
        old = [self.params(), self.m, self.v]
        self._alloc()
        K, C = self.K, self.C
        for before, after in zip(old, [self.params(), self.m, self.v], strict=True):
            for i, (o, n) in enumerate(zip(before, after, strict=True)):
                if i >= len(after) - 2:  # the head: (K C0, ...) -> (K C, ...)
                    o, n = o.reshape(K, C0, *o.shape[1:]), n.reshape(K, C, *n.shape[1:])
                n[tuple(slice(0, z) for z in o.shape)] = o

    def grow_inputs(self, d: int) -> None:
        """Append ``d - self.d`` input columns (random first-layer weights, zero head weights, zero state)."""
        extra = d - self.d
        if extra <= 0:
            return
        d0 = self.d
        self.d += extra
        self.F += extra
        self._regrow(self.C)
        if self.depth:
            fresh = (torch.rand(self.W[0].shape[0], extra, generator=self.gen).numpy() * 2 - 1) / math.sqrt(d)
            self.W[0][:, d0:] = fresh / self.s[0][:, None]
        reads = np.array([float(self._reads_x(c)) for c in self.cands], dtype=np.float32).reshape(-1, 1, 1)
        self.head_mask = np.concatenate([self.head_mask, np.broadcast_to(reads, (self.K, 1, extra))], -1)
        self._refresh_head()

    def grow_classes(self, C: int) -> None:
        """Add output classes (zero weights and biases, zero state)."""
        if C <= self.C:
            return
        C0, self.C = self.C, C
        self._regrow(C0)
        self._refresh_head()

    def reset_member(self, k: int) -> None:
        """Re-initialise member ``k`` alone (fresh random hidden weights, zero head, zero Adam momentum).

        Its second moments are kept: the fresh member's first steps then have the size of its old
        ones (zeroed second moments with the pool's shared step count would skip Adam's bias correction).
        """
        c, rel = self.cands[k], self.rel[k]
        for layer in range(len(c.hidden)):
            r, cols, n_in = self._block(layer, k)
            self.W[layer][r, cols] = self._uniform(r.stop - r.start, n_in, rel)
            self.b[layer][r] = 0.0
            self.m[layer][r] = 0.0
            self.m[self.depth + layer][r] = 0.0
        rows = slice(k * self.C, (k + 1) * self.C)
        for t in (self.Wh, self.bh, self.m[-2], self.m[-1]):
            t[rows] = 0.0

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """Log-probabilities ``(n, K, C)``, the pre-activations and the head input of float32 rows ``x`` ``(n, d)``."""
        hs, zs, h = [], [], x
        for wt, b, s in zip(self.WT, self.b, self.s, strict=True):
            z = h @ wt
            z += b
            z *= s
            h = np.maximum(z, 0.0)
            zs.append(z)
            hs.append(h)
        f = np.concatenate([*hs, x], 1) if hs else x
        logits = f @ self.WhT
        logits += self.bh
        logits *= self.sh
        logp = logits.reshape(-1, self.K, self.C)
        logp -= logp.max(2, keepdims=True)
        logp -= np.log(np.exp(logp).sum(2, keepdims=True))
        return logp, zs, f

    def skip(self) -> None:
        """Count a batch the pool does not learn as an Adam step with a zero gradient, without moving the weights.

        Its effect on the optimizer state (both moments decay, the step count grows) is folded in lazily at the
        next :meth:`learn`, so a skipped batch costs nothing now. Decaying the second moments over a calm stretch
        keeps Adam's reaction to the next large gradients (after a drift) as strong as if every batch had been
        learned with its near-zero gradient.
        """
        self.n_skipped += 1

    def _fold_skipped(self) -> None:
        s, self.n_skipped = self.n_skipped, 0
        self._m *= self.BETAS[0] ** s
        self._v *= self.BETAS[1] ** s
        self.step += s

    def learn(
        self, logp: np.ndarray, zs: list[np.ndarray], f: np.ndarray, y: np.ndarray, lr_scale: float = 1.0
    ) -> None:
        """One Adam step on the sum over candidates of their mean cross-entropy on class indices ``y``, from the
        forward pass of the same weights (:meth:`forward`'s outputs).

        :param lr_scale: multiplies every member's learning rate for this step
        """
        if self.n_skipped:
            self._fold_skipped()
        n = y.shape[0]
        scale = self._scale_n.get(n)
        if scale is None:
            scale = self._scale_n[n] = self.sh / np.float32(n)
        g = np.exp(logp)  # d loss / d logits: softmax minus the one-hot target, per candidate
        g[np.arange(n), :, y] -= 1.0
        g = g.reshape(n, -1)
        g *= scale
        grads, L = self._grads, self.depth
        if L:
            gf = g @ self.Wh
            end = self.n_hidden
            gh_next: np.ndarray | None = None
            for layer in range(L - 1, -1, -1):
                start = end - self.widths[layer]
                gh = gf[:, start:end] if gh_next is None else gf[:, start:end] + gh_next
                gz = gh * (zs[layer] > 0.0)
                gz *= self.s[layer]
                h_in = f[:, start - self.widths[layer - 1] : start] if layer else f[:, self.n_hidden :]
                np.matmul(gz.T, h_in, out=grads[layer])
                mask = self.masks[layer]
                if mask is not None:
                    grads[layer] *= mask
                np.add.reduce(gz, 0, out=grads[L + layer])  # (np.sum's wrapper costs more)
                gh_next = gz @ self.W[layer] if layer else None
                end = start
        np.matmul(g.T, f, out=grads[-2])
        grads[-2] *= self.mh
        np.add.reduce(g, 0, out=grads[-1])
        self.step += 1  # the caller counts the step first (as torch.optim does)
        adam_flat_(self.theta, self._grad, self._m, self._v, self.step, lr=self.lr * lr_scale, betas=self.BETAS,
                   eps=self.EPS, scratch=self._tmp)  # fmt: skip
