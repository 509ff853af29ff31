"""The plain-SGD linear members of AutoClassifier's pool: softmax regressions, optionally iterate-averaged.

:class:`SGDLinear` is one member's settings; :class:`SGDLinearPool` holds every such member in one
weight matrix ``(d, M * C)`` (numpy float32) and gives their class probabilities and their SGD step.

Why they sit beside the Adam-trained networks: on a static, noisy, nearly linear concept, plain SGD
with a fixed step is the better linear learner. Adam divides each coordinate's step by its recent
gradient size, so a weight whose gradient is pure noise (an irrelevant feature, a noisy bit) keeps
taking full-size steps and random-walks; SGD's steps there are as small as the noise's mean, zero.
On bench_online's LED stream without drift (10% noise, 17 irrelevant features) SGD at lr 0.01 reaches
River's softmax regression (0.7632 vs 0.7634) where the best Adam member stops at 0.7593. An
iterate-averaged copy (Polyak-Ruppert: an exponential moving average of the weights) further removes
the fixed step's noise on a slowly changing concept (gradual SEA drifts: 0.9355 vs 0.9313).

>>> import numpy as np
>>> pool = SGDLinearPool((SGDLinear(lr=0.5), SGDLinear(lr=0.5, average=0.5)), d=1, n_classes=2)
>>> x, y = np.array([[1.0], [-1.0]], dtype=np.float32), np.array([1, 0])
>>> for _ in range(20):
...     pool.learn(x, y)
>>> pool.proba(x).argmax(2).tolist()
[[1, 1], [0, 0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from archgym.online._checks import in_range

__all__ = ["DEFAULT_SGD", "SGDLinear", "SGDLinearPool"]


@dataclass(frozen=True)
class SGDLinear:
    """One plain-SGD softmax-regression member of the pool.

    :param lr: SGD's step size on the summed cross-entropy of a learned batch (each sample contributes a
        per-sample SGD step's worth, as in River's ``learn_one``)
    :param average: if set, the member predicts with an exponential moving average of its weights,
        updated after every learned batch with this decay (``1 / (1 - average)`` batches of memory)
    """

    lr: float = 0.01
    average: float | None = None

    def __post_init__(self) -> None:
        in_range("SGDLinear.lr", self.lr, 0.0, 1.0, open_low=True)
        if self.average is not None:
            in_range("SGDLinear.average", self.average, 0.0, 1.0, open_high=True)

    @property
    def name(self) -> str:
        """Short name, e.g. ``sgd-lr0.01`` or ``sgd-lr0.01-avg0.99``."""
        return f"sgd-lr{self.lr:g}" + ("" if self.average is None else f"-avg{self.average:g}")


#: the default plain-SGD members (see the module docstring and docs/benchmarks.md, section bench_online)
DEFAULT_SGD: tuple[SGDLinear, ...] = (SGDLinear(lr=0.01), SGDLinear(lr=0.01, average=0.99))


class SGDLinearPool:
    """Every :class:`SGDLinear` member in one weight matrix: probabilities and one SGD step for all.

    Inputs are the pool's standardised rows. The weights are one ``(d, M * C)`` matrix (member-major
    columns), so the whole pool costs one matmul per call; a second matrix holds the weights each member
    predicts with (its moving average, or its weights themselves). Weights start at zero (a softmax
    regression's loss is convex: no symmetry to break), so a new input column or class is a zero row
    or column.

    :param members: the members' settings
    :param d: input columns
    :param n_classes: classes
    """

    def __init__(self, members: Sequence[SGDLinear], d: int, n_classes: int) -> None:
        self.members = tuple(members)
        self.M = len(self.members)
        self.d, self.C = d, n_classes
        self.averages = any(m.average is not None for m in self.members)
        self._set(np.zeros((d, 2 * self.M * n_classes), dtype=np.float32), np.zeros(2 * self.M * n_classes, np.float32))
        self._last: tuple[np.ndarray, np.ndarray] | None = None
        self._refresh()

    def _set(self, W2: np.ndarray, b2: np.ndarray) -> None:
        """Hold ``[Wp | W]`` and ``[bp | b]`` in one array each (one matmul gives both members' probabilities);
        ``Wp``, ``W``, ``bp`` and ``b`` are views into them, updated in place."""
        self._W2, self._b2 = W2, b2
        half = W2.shape[1] // 2
        self.Wp, self.W = W2[:, :half], W2[:, half:]  # the weights predictions use, and the learned weights
        self.bp, self.b = b2[:half], b2[half:]

    def _refresh(self) -> None:
        """Per-column step sizes and averaging decays at the current class count."""
        C = self.C
        self.lr = np.repeat(np.array([m.lr for m in self.members], dtype=np.float32), C)
        self.keep = np.repeat(np.array([m.average or 0.0 for m in self.members], dtype=np.float32), C)
        self.take = 1.0 - self.keep
        self._eye = np.eye(C, dtype=np.float32)  # row y: the one-hot target of class y

    def _softmax(self, logits: np.ndarray) -> np.ndarray:
        """``(n, k * C)`` logits -> ``(n, k, C)`` probabilities (in place)."""
        out = logits.reshape(len(logits), -1, self.C)
        out -= out.max(2, keepdims=True)
        np.exp(out, out=out)
        out /= out.sum(2, keepdims=True)
        return out

    def proba(self, z: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, M, C)`` of standardised rows ``z`` ``(n, d)``.

        Every member's probabilities under its current weights are kept for a :meth:`learn` on the same ``z``
        right after (predict, then learn); with averaging members the same matmul gives both.
        """
        if not self.averages:
            probs = self._softmax(z @ self.W + self.b)
            self._last = (z, probs)
            return probs
        both = self._softmax(z @ self._W2 + self._b2)
        self._last = (z, both[:, self.M :])
        return both[:, : self.M]

    def learn(self, z: np.ndarray, y: np.ndarray) -> None:
        """One SGD step per member on the summed cross-entropy of the batch, then the moving averages.

        :param z: standardised rows ``(n, d)``
        :param y: class indices ``(n,)``
        """
        n = len(y)
        last = self._last
        self._last = None
        # the proba call just before, on this same z, gave the current weights' probabilities
        p = last[1] if last is not None and last[0] is z else self._softmax(z @ self.W + self.b)
        g = p - self._eye[y][:, None, :]  # dL/dlogits = p - onehot(y), for every member
        g2 = g.reshape(n, -1)
        self.W -= (z.T @ g2) * self.lr
        self.b -= g2.sum(0) * self.lr
        if self.averages:
            self.Wp *= self.keep
            self.Wp += self.take * self.W
            self.bp *= self.keep
            self.bp += self.take * self.b

    def grow_inputs(self, d: int) -> None:
        """Append zero weights for input columns ``self.d .. d - 1``."""
        pad = d - self.d
        if pad > 0:
            self._set(np.pad(self._W2, ((0, pad), (0, 0))), self._b2)
            self.d = d

    def grow_classes(self, n_classes: int) -> None:
        """Append zero weights and biases for classes ``self.C .. n_classes - 1`` (in every member's block)."""
        pad = n_classes - self.C
        if pad <= 0:
            return

        def grow(t: np.ndarray) -> np.ndarray:
            blocks = t.reshape(*t.shape[:-1], 2 * self.M, self.C)
            widths = [(0, 0)] * (blocks.ndim - 1) + [(0, pad)]
            return np.pad(blocks, widths).reshape(*t.shape[:-1], 2 * self.M * n_classes)

        self._set(grow(self._W2), grow(self._b2))
        self.C = n_classes
        self._refresh()
