"""The neural members of AutoClassifier's pool, packed into one set of tensors.

:class:`Candidate` describes one member (hidden widths, learning rate, linear shortcut);
:class:`PackedPool` holds every member's weights in one tensor per layer, runs the forward pass, a
hand-written backward pass and one Adam step for the whole pool (through :mod:`archgym.engine.ops`,
the only module that calls torch's private kernels), and can re-initialise one member alone (after a
drift) without touching the others.

The forward and backward passes are numpy, on views of the torch parameters: on a chunk of a few rows each
call costs its overhead, and in the middle of a stream's other work a torch call's dispatch costs several times
what numpy's does (side by side with torch's passes in AutoClassifier, best of 3 runs in alternating processes:
11-12 % less time per chunk on mixed-1-0 and stagger-short of scripts/bench_online.py). The Adam step stays
torch's one fused multi-tensor call.

>>> import numpy as np, torch
>>> pool = PackedPool((Candidate(()), Candidate((8,), lr=0.01)), n_inputs=3, n_classes=2, gen=torch.Generator())
>>> logp, zs, f = pool.forward(np.zeros((5, 3), dtype=np.float32))
>>> logp.shape, [z.shape for z in zs], f.shape
((5, 2, 2), [(5, 8)], (5, 11))
>>> pool.learn(logp, zs, f, np.zeros(5, dtype=np.int64)); int(pool.step)
1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from archgym.engine import ops
from archgym.online._checks import in_range, positive_int

__all__ = ["DEFAULT_CANDIDATES", "Candidate", "PackedPool", "embed"]


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
        self.fused = ops.fused_available("adam", "cpu")
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
        self.n_skipped = 0  # zero-gradient steps not yet folded into Adam's moments (see skip)

    @staticmethod
    def _reads_x(c: Candidate) -> bool:
        return not c.hidden or c.skip

    def params(self) -> list[torch.Tensor]:
        """Every parameter, in the order of the optimizer state."""
        return [*self.W, *self.b, self.Wh, self.bh]

    def _refresh_head(self) -> None:
        """The head's row scales and mask at the current class count (rows candidate-major), and the numpy views
        of every parameter and constant the passes read (after any change of the parameters' shapes)."""
        self.sh = self.head_scale.expand(self.K, self.C).reshape(-1).contiguous()
        self._scale_n: dict[int, np.ndarray] = {}  # per batch size: the head's row scales / n
        self.mh = self.head_mask.expand(self.K, self.C, self.F).reshape(-1, self.F).contiguous()
        self._np = _Views(
            W=[w.numpy() for w in self.W],
            WT=[w.numpy().T for w in self.W],
            b=[b.numpy() for b in self.b],
            s=[s.numpy() for s in self.s],
            masks=[None if m is None else m.numpy() for m in self.masks],
            Wh=self.Wh.numpy(),
            WhT=self.Wh.numpy().T,
            bh=self.bh.numpy(),
            sh=self.sh.numpy(),
            mh=self.mh.numpy(),
        )

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
        self._set_state(old, self.params(), lambda t, n: embed(t, n.shape))

    def grow_classes(self, C: int) -> None:
        """Add output classes (zero weights and biases, zero state)."""
        if C <= self.C:
            return
        old = self.params()
        K, C0 = self.K, self.C

        def rows(t: torch.Tensor, _: Any = None) -> torch.Tensor:
            return embed(t.view(K, C0, *t.shape[1:]), (K, C, *t.shape[1:])).view(K * C, *t.shape[1:])

        self.Wh, self.bh = rows(self.Wh), rows(self.bh)
        self.C = C
        self._refresh_head()
        self._set_state(old, self.params(), rows)

    def reset_member(self, k: int) -> None:
        """Re-initialise member ``k`` alone (fresh random hidden weights, zero head, zero Adam momentum).

        Its second moments are kept: the fresh member's first steps then have the size of its old
        ones (zeroed second moments with the pool's shared step count would skip Adam's bias correction).
        """
        c, rel = self.cands[k], self.rel[k]
        for layer in range(len(c.hidden)):
            r = self.ranges[layer][k]
            assert r is not None
            if layer == 0:
                cols, n_in = slice(0, self.d), self.d
            else:
                p = self.ranges[layer - 1][k]
                assert p is not None
                cols, n_in = slice(p[0], p[1]), p[1] - p[0]
            bound = 1.0 / math.sqrt(max(n_in, 1)) / rel
            self.W[layer][r[0] : r[1], cols] = (torch.rand(r[1] - r[0], n_in, generator=self.gen) * 2 - 1) * bound
            self.b[layer][r[0] : r[1]] = 0.0
            self.m[layer][r[0] : r[1]] = 0.0
            self.m[self.depth + layer][r[0] : r[1]] = 0.0
        rows = slice(k * self.C, (k + 1) * self.C)
        for t in (self.Wh, self.bh, self.m[-2], self.m[-1]):
            t[rows] = 0.0

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """Log-probabilities ``(n, K, C)``, the pre-activations and the head input of float32 rows ``x`` ``(n, d)``."""
        v = self._np
        hs, zs, h = [], [], x
        for wt, b, s in zip(v.WT, v.b, v.s, strict=True):
            z = h @ wt
            z += b
            z *= s
            h = np.maximum(z, 0.0)
            zs.append(z)
            hs.append(h)
        f = np.concatenate([*hs, x], 1) if hs else x
        logits = f @ v.WhT
        logits += v.bh
        logits *= v.sh
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
        ops.scale_(self.m, 0.9**s)
        ops.scale_(self.v, 0.999**s)
        self.step.add_(float(s))

    def learn(
        self, logp: np.ndarray, zs: list[np.ndarray], f: np.ndarray, y: np.ndarray, lr_scale: float = 1.0
    ) -> None:
        """One Adam step on the sum over candidates of their mean cross-entropy on class indices ``y``, from the
        forward pass of the same weights (:meth:`forward`'s outputs).

        :param lr_scale: multiplies every member's learning rate for this step
        """
        if self.n_skipped:
            self._fold_skipped()
        v = self._np
        n = y.shape[0]
        scale = self._scale_n.get(n)
        if scale is None:
            scale = self._scale_n[n] = v.sh / np.float32(n)
        g = np.exp(logp)  # d loss / d logits: softmax minus the one-hot target, per candidate
        g[np.arange(n), :, y] -= 1.0
        g = g.reshape(n, -1)
        g *= scale
        grads_W: list[np.ndarray] = []
        grads_b: list[np.ndarray] = []
        if self.depth:
            gf = g @ v.Wh
            end = self.n_hidden
            gh_next: np.ndarray | None = None
            for layer in range(self.depth - 1, -1, -1):
                start = end - self.widths[layer]
                gh = gf[:, start:end] if gh_next is None else gf[:, start:end] + gh_next
                gz = gh * (zs[layer] > 0.0)
                gz *= v.s[layer]
                h_in = f[:, start - self.widths[layer - 1] : start] if layer else f[:, self.n_hidden :]
                gw = gz.T @ h_in
                mask = v.masks[layer]
                if mask is not None:
                    gw *= mask
                grads_W.append(gw)
                grads_b.append(gz.sum(0))
                gh_next = gz @ v.W[layer] if layer else None
                end = start
        gwh = g.T @ f
        gwh *= v.mh
        grads = [torch.from_numpy(t) for t in (*grads_W[::-1], *grads_b[::-1], gwh, g.sum(0))]
        self.step.add_(1.0)  # the caller counts the step first (as torch.optim does)
        ops.adam_(self.params(), grads, self.m, self.v, [self.step] * len(grads), lr=self.lr * lr_scale, beta1=0.9,
                  beta2=0.999, weight_decay=0.0, eps=1e-8, decoupled=False, fused=self.fused)  # fmt: skip


@dataclass(frozen=True)
class _Views:
    """numpy views of a :class:`PackedPool`'s parameters and constants (the same memory: Adam's in-place updates
    show through), rebuilt whenever a parameter is replaced by one of another shape."""

    W: list[np.ndarray]
    WT: list[np.ndarray]
    b: list[np.ndarray]
    s: list[np.ndarray]
    masks: list[np.ndarray | None]
    Wh: np.ndarray
    WhT: np.ndarray
    bh: np.ndarray
    sh: np.ndarray
    mh: np.ndarray


def embed(t: torch.Tensor, shape: torch.Size | tuple[int, ...]) -> torch.Tensor:
    """``t`` copied into the leading corner of a zero tensor of ``shape``."""
    out = t.new_zeros(shape)
    out[tuple(slice(0, s) for s in t.shape)] = t
    return out
