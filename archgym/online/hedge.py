"""Hedge (exponential weights, Freund & Schapire 1997) over a pool of experts, with discounting for drifting streams.

Each expert ``k`` keeps a log-weight ``-eta * L_k`` where ``L_k`` is its *discounted* cumulative loss:
every sample first multiplies the past losses by ``decay`` (so the weights follow the recent
``1 / (1 - decay)`` samples and a new leader can take over after a drift), then adds the sample's loss.
The weights are ``softmax(-eta * L)``. Losses of a batch are added in one update. The state is kept in
numpy (float64): for a handful of experts that is several times cheaper per update than torch calls;
:attr:`Hedge.weights32` holds the weights as a float32 array for mixing float32 forecasts.
:class:`ShareHedge` (Fixed Share) tracks a leader that changes without discounting the losses.

:data:`LOSSES` names the per-sample losses of a probability forecast ``p`` for the true class ``y``:
``log`` (``-ln p_y``, clipped at ``ln(1 / 1e-4)``), ``brier`` (``sum_c (p_c - [c == y])^2``) and
``zero_one`` (1 when ``argmax p != y``).

>>> import torch
>>> h = Hedge(2, eta=1.0, decay=1.0)
>>> h.update(torch.tensor([[0.0, 1.0], [0.0, 1.0]]))
>>> [round(w, 3) for w in h.weights.tolist()]
[0.881, 0.119]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from archgym.online._checks import in_range, lookup, positive_int
from archgym.online._jit import kernel

__all__ = ["LOG_CLIP", "LOSSES", "Hedge", "ShareHedge", "expert_losses"]

#: the log loss clips probabilities below this
LOG_CLIP = 1e-4


def _log_loss(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    idx = y.view(-1, 1, 1).expand(-1, p.shape[1], 1)
    return p.gather(2, idx).squeeze(2).clamp_(min=LOG_CLIP).log_().neg_()


def _brier_loss(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    idx = y.view(-1, 1, 1).expand(-1, p.shape[1], 1)
    sq = p.square().sum(2)
    return sq.sub_(p.gather(2, idx).squeeze(2), alpha=2.0).add_(1.0)


def _zero_one_loss(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (p.argmax(2) != y.view(-1, 1)).to(p.dtype)


#: loss name -> ``f(p, y) -> (n, K)`` losses of ``K`` forecasts ``p`` of shape ``(n, K, C)`` for labels ``y`` ``(n,)``
LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "log": _log_loss,
    "brier": _brier_loss,
    "zero_one": _zero_one_loss,
}


def expert_losses(name: str, p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-sample loss of each expert's forecast.

    :param name: a loss in :data:`LOSSES`
    :param p: probabilities ``(n, K, C)``
    :param y: class indices ``(n,)``
    :return: losses ``(n, K)``
    """
    return lookup("Hedge loss", name, LOSSES)(p, y)


class _Weights:
    """What both Hedges hold: exponential weights over ``n_experts`` (float64, and a float32 copy for mixing
    float32 forecasts) and a cache of the powers their updates take per batch size."""

    def __init__(self, n_experts: int, eta: float) -> None:
        self.n_experts = positive_int("n_experts", n_experts)
        self.eta = in_range("eta", eta, 0.0, math.inf, open_low=True)
        self._powers: dict[tuple[float, int], float] = {}  # (base, batch size) -> base ** batch size
        self._set(np.full(self.n_experts, 1.0 / self.n_experts))

    def _power(self, base: float, n: int) -> float:
        """``base ** n``, cached (a handful of batch sizes per stream)."""
        key = (base, n)
        power = self._powers.get(key)
        if power is None:
            power = self._powers[key] = base**n
        return power

    def _batch(self, losses: torch.Tensor | np.ndarray) -> np.ndarray:
        """``losses`` as a numpy array ``(n, n_experts)`` (the update kernels check no bounds)."""
        batch = np.asarray(losses)
        if batch.ndim != 2 or batch.shape[1] != self.n_experts:
            raise ValueError(f"losses must have shape (n, {self.n_experts}), got {tuple(batch.shape)}")
        return batch

    def _set(self, w: np.ndarray) -> None:
        self.weights = w
        self.weights32 = w.astype(np.float32)


class Hedge(_Weights):
    """Exponential weights over ``n_experts`` with discounted losses.

    :param n_experts: number of experts (``>= 1``)
    :param eta: learning rate of the weights (larger: a lead in loss counts for more)
    :param decay: discount of past losses per sample, in ``(0, 1]`` (1: plain Hedge)
    """

    def __init__(self, n_experts: int, *, eta: float = 1.0, decay: float = 0.999) -> None:
        super().__init__(n_experts, eta)
        self.decay = in_range("decay", decay, 0.0, 1.0, open_low=True)
        self.losses = np.zeros(self.n_experts)  # the discounted cumulative losses

    def update(self, losses: torch.Tensor | np.ndarray) -> None:
        """Add a batch of losses ``(n, n_experts)`` and recompute :attr:`weights`.

        The batch is discounted as a whole (``decay ** n``), then its summed losses are added.

        :param losses: per-sample losses of each expert (a CPU tensor or a numpy array)
        """
        batch = self._batch(losses)
        w, w32 = np.empty(self.n_experts), np.empty(self.n_experts, dtype=np.float32)
        _discounted_step(self.losses, batch, self._power(self.decay, batch.shape[0]), self.eta, w, w32)
        self.weights, self.weights32 = w, w32

    def reset(self) -> None:
        """Forget every loss (uniform weights)."""
        self.losses[:] = 0.0
        self._set(np.full(self.n_experts, 1.0 / self.n_experts))

    def __repr__(self) -> str:
        return f"Hedge(n_experts={self.n_experts}, eta={self.eta}, decay={self.decay})"


class ShareHedge(_Weights):
    """Fixed Share (Herbster & Warmuth 1998, "Tracking the best expert"): exponential weights on undiscounted losses,
    after which a share ``share`` of the weight per sample is spread evenly over the experts.

    A discounted :class:`Hedge` compares experts over its last ``1 / (1 - decay)`` samples only, so where experts
    err at rates a fraction of a percent apart their weights follow the noise of that window for ever, and the
    mixture pays for it on every window. Here losses are never discounted and the share alone bounds how far back a
    comparison reaches: it keeps every weight at least about ``share / n_experts``, so an expert whose loss rate is
    ``r`` above the leader's is compared over about ``ln(n_experts / share) / (eta r)`` samples, the longer the
    closer the two are (a steady leader's weight settles where a fixed window's would keep swinging), and a new
    leader, after a change, takes over once its loss lead reaches about ``ln(n_experts / share) / eta``.
    :meth:`drift` (the owner calls it at a detected drift) spreads ``drift_share`` of the weight at once, so that it
    takes over sooner.

    :param n_experts: number of experts (``>= 1``)
    :param eta: learning rate of the weights
    :param share: weight spread evenly after each sample, in ``(0, 1)`` (a batch of ``n`` samples spreads
        ``1 - (1 - share) ** n`` after its summed losses)
    :param drift_share: weight spread evenly by :meth:`drift`, in ``[0, 1]``

    >>> h = ShareHedge(2, eta=1.0, share=0.01, drift_share=0.5)
    >>> for _ in range(50):
    ...     h.update(np.array([[0.0, 1.0]]))
    >>> [round(w, 3) for w in h.weights.tolist()]
    [0.992, 0.008]
    >>> h.drift()
    >>> [round(w, 3) for w in h.weights.tolist()]
    [0.746, 0.254]
    """

    def __init__(self, n_experts: int, *, eta: float = 1.0, share: float = 1e-4, drift_share: float = 0.5) -> None:
        super().__init__(n_experts, eta)
        self.share = in_range("share", share, 0.0, 1.0, open_low=True, open_high=True)
        self.drift_share = in_range("drift_share", drift_share, 0.0, 1.0)

    def update(self, losses: torch.Tensor | np.ndarray) -> None:
        """Add a batch of losses ``(n, n_experts)``: the weights times ``exp(-eta * summed losses)``, renormalised,
        then ``1 - (1 - share) ** n`` of them spread evenly.

        :param losses: per-sample losses of each expert (a CPU tensor or a numpy array)
        """
        batch = self._batch(losses)
        w, w32 = np.empty(self.n_experts), np.empty(self.n_experts, dtype=np.float32)
        _share_step(self.weights, batch, self.eta, 1.0 - self._power(1.0 - self.share, batch.shape[0]), w, w32)
        self.weights, self.weights32 = w, w32

    def drift(self) -> None:
        """Spread ``drift_share`` of the weight evenly (at a detected drift: the leader may lead no more)."""
        self._spread(self.weights.copy(), self.drift_share)

    def _spread(self, w: np.ndarray, a: float) -> None:
        """:attr:`weights` = ``(1 - a) w + a / n_experts`` (computed in ``w``)."""
        w *= 1.0 - a
        w += a / self.n_experts
        self._set(w)

    def __repr__(self) -> str:
        return (
            f"ShareHedge(n_experts={self.n_experts}, eta={self.eta}, share={self.share}, "
            f"drift_share={self.drift_share})"
        )


@kernel
def _discounted_step(
    losses: np.ndarray, batch: np.ndarray, factor: float, eta: float, w: np.ndarray, w32: np.ndarray
) -> None:  # pragma: no cover
    """:meth:`Hedge.update`'s step: the discounted losses times ``factor``, plus the batch's summed losses ``(n, K)``
    (in place), and their exponential weights ``softmax(-eta * losses)`` into ``w`` (and ``w32``)."""
    K = losses.shape[0]
    for k in range(K):
        total = 0.0
        for i in range(batch.shape[0]):
            total += batch[i, k]
        losses[k] = losses[k] * factor + total
        w[k] = losses[k] * -eta
    _softmax_into(w, w32)


@kernel
def _share_step(
    weights: np.ndarray, batch: np.ndarray, eta: float, a: float, w: np.ndarray, w32: np.ndarray
) -> None:  # pragma: no cover
    """:meth:`ShareHedge.update`'s step: ``weights * exp(-eta * summed losses)``, renormalised, then ``(1 - a)`` of
    it plus ``a / K`` into ``w`` (and ``w32``)."""
    K = weights.shape[0]
    for k in range(K):
        total = 0.0
        for i in range(batch.shape[0]):
            total += batch[i, k]
        w[k] = np.log(weights[k]) - total * eta
    _softmax_into(w, w32)
    for k in range(K):
        w[k] = w[k] * (1.0 - a) + a / K
        w32[k] = w[k]


@kernel
def _softmax_into(v: np.ndarray, v32: np.ndarray) -> None:  # pragma: no cover
    """``v = softmax(v)`` in place, and its float32 copy into ``v32``."""
    top = v.max()
    total = 0.0
    for k in range(v.shape[0]):
        v[k] = np.exp(v[k] - top)
        total += v[k]
    for k in range(v.shape[0]):
        v[k] /= total
        v32[k] = v[k]
