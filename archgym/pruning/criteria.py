"""Importance criteria: small classes under one ABC, chosen by name from :data:`CRITERIA`.

Every criterion scores single weights (:meth:`Importance.weight_scores`, a tensor shaped like
the layer's weight; higher = more important) and whole units (:meth:`Importance.unit_scores`:
a neuron / channel scored by its incoming weights and bias *and* its outgoing weights in the next
layer, all the columns it owns there). Scores are computed under ``torch.no_grad``.

==========  ============================  =====================  ================================
name        class                         one weight             one unit (``S`` = its weights)
==========  ============================  =====================  ================================
l1          :class:`L1Magnitude`          ``|w|``                ``sum_S |w|``
l2          :class:`L2Magnitude`          ``|w|``                ``sqrt(sum_S w^2)``
taylor      :class:`Taylor`               ``mean_b |w g_b|``     ``mean_b |sum_S w g_b|``
taylor_sq   :class:`TaylorSquared`        ``mean_b (w g_b)^2``   ``mean_b (sum_S w g_b)^2``
snip        :class:`SNIP`                 ``|w mean_b g_b|``     ``sum_S |w mean_b g_b|``
random      :class:`RandomImportance`     ``U(0, 1)``, seeded    ``U(0, 1)``, seeded
==========  ============================  =====================  ================================

``g_b`` is the loss gradient of batch ``b`` with respect to the weight *as used in the forward
pass* (dense, also at masked positions). The gradient criteria (Taylor, Molchanov et al. 2019,
group contribution averaged over a few batches; SNIP, Lee et al. 2019, sensitivity at one point)
need :meth:`Importance.accumulate` (one batch) or :meth:`Importance.prepare` (a few batches of a
dataset) first; the products ``w * g_b`` are stored per layer, so weights are taken at
accumulation time. Scoring a layer that was not accumulated (e.g. one rebuilt by structured
pruning) raises ValueError.

:func:`~archgym.pruning.units.unit_importance` adapts a criterion to :meth:`archgym.child.ChildNet.narrow`;
the data and gradient plumbing (:data:`DataLike`, :func:`layer_gradients`) is in :mod:`archgym.pruning.gradients`.

>>> from torch import nn
>>> torch.manual_seed(0) and None
>>> a, b = nn.Linear(3, 2), nn.Linear(2, 1)
>>> get_criterion("l1").unit_scores([a, b], 0).shape
torch.Size([2])
>>> get_criterion("taylr")
Traceback (most recent call last):
...
ValueError: unknown criterion 'taylr'; did you mean 'taylor'? valid: l1, l2, taylor, taylor_sq, snip, random
"""

from __future__ import annotations

import weakref
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import torch
from torch import nn

from archgym.data import unknown_name
from archgym.pruning.checks import check_int
from archgym.pruning.gradients import DataLike, LossFn, as_xy, draw_batch, layer_gradients
from archgym.pruning.surgery import PrunableLayer

__all__ = [
    "CRITERIA",
    "SNIP",
    "DataLike",
    "Importance",
    "L1Magnitude",
    "L2Magnitude",
    "RandomImportance",
    "Taylor",
    "TaylorSquared",
    "get_criterion",
    "layer_gradients",
    "unit_sum",
]


def _check_unit_index(layers: Sequence[PrunableLayer], j: int) -> None:
    if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < len(layers) - 1:
        raise ValueError(f"unit scores need a hidden layer: j={j!r}; valid: 0..{len(layers) - 2}")


@torch.no_grad()
def unit_sum(w_in: torch.Tensor, b_in: torch.Tensor | None, w_out: torch.Tensor, group: int = 1) -> torch.Tensor:
    """Sum an element-wise quantity over each unit's incoming weights, bias and outgoing columns.

    :param w_in: tensor shaped like layer ``j``'s weight (``(units, ...)``)
    :param b_in: tensor shaped like layer ``j``'s bias, or None
    :param w_out: tensor shaped like layer ``j + 1``'s weight
    :param group: input columns of layer ``j + 1`` owned by one unit (``L`` or ``H * W`` after a flatten)
    :return: ``(units,)``
    """
    total = w_in.flatten(1).sum(1)
    if b_in is not None:
        total = total + b_in
    # a conv consumer: sum over its outputs and kernel positions; a dense one: over outputs and each unit's columns
    out = w_out.sum(dim=(0, *range(2, w_out.ndim))) if w_out.ndim > 2 else w_out.sum(0).view(-1, group).sum(1)
    if out.shape != total.shape:
        raise ValueError(
            f"layer j has {total.numel()} units but layer j + 1 reads {out.numel()} units with group={group}"
        )
    return total + out


class Importance(ABC):
    """A pruning criterion: scores of single weights and of whole units; higher = keep."""

    name: ClassVar[str] = ""
    needs_gradients: ClassVar[bool] = False

    @abstractmethod
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """Scores shaped like ``layer.weight``."""

    @abstractmethod
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """Scores ``(units,)`` of layer ``j`` of a chain, from its incoming and outgoing weights.

        :param layers: the chain (layer ``j + 1`` consumes layer ``j``'s units)
        :param j: index of a hidden layer (not the last)
        :param group: input columns of layer ``j + 1`` owned by one unit of layer ``j``
        """

    def reset(self) -> None:
        """Forget accumulated gradients (no-op for data-free criteria)."""
        return None

    def accumulate(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn | None = None) -> None:
        """Record one batch's gradient information (no-op for data-free criteria).

        :param model: the network (its Linear/Conv1d/Conv2d layers are recorded)
        :param x: input batch
        :param y: targets
        :param loss_fn: ``loss(logits, y)``, default cross-entropy
        """
        return None

    def prepare(
        self, model: nn.Module, data: DataLike | None, *, batches: int = 4, batch_size: int = 64, seed: int = 0
    ) -> Importance:
        """Reset, then accumulate ``batches`` random batches of ``data`` (no-op for data-free criteria).

        :param model: the network
        :param data: Dataset (training split) or ``(x, y)``
        :param batches: number of batches
        :param batch_size: samples per batch
        :param seed: seed of the batch draw
        :return: self
        """
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class L1Magnitude(Importance):
    """``|w|`` for weights; L1 norm of incoming weights, bias and outgoing columns for units."""

    name = "l1"

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``|w|``."""
        return layer.weight.detach().abs()

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """Sum of ``|w|`` over the unit's incoming weights, bias and outgoing columns."""
        _check_unit_index(layers, j)
        a, b = layers[j], layers[j + 1]
        return unit_sum(a.weight.abs(), None if a.bias is None else a.bias.abs(), b.weight.abs(), group)


class L2Magnitude(Importance):
    """``|w|`` for weights (same ranking as L1); L2 norm of all the unit's weights for units."""

    name = "l2"

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``|w|``."""
        return layer.weight.detach().abs()

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """``sqrt`` of the sum of squares over the unit's incoming weights, bias and outgoing columns."""
        _check_unit_index(layers, j)
        a, b = layers[j], layers[j + 1]
        return unit_sum(a.weight.square(), None if a.bias is None else a.bias.square(), b.weight.square(), group).sqrt()


class _GradientImportance(Importance):
    """Stores per batch, per layer, the products ``w * g`` of weight (and bias) and loss gradient."""

    needs_gradients = True

    def __init__(self) -> None:
        self._store: weakref.WeakKeyDictionary[nn.Module, list[tuple[torch.Tensor, torch.Tensor | None]]] = (
            weakref.WeakKeyDictionary()
        )

    def reset(self) -> None:
        """Forget accumulated gradients."""
        self._store = weakref.WeakKeyDictionary()

    def accumulate(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn | None = None) -> None:
        """Record ``w * g`` of every Linear/Conv1d/Conv2d layer of ``model`` for the batch ``(x, y)``."""
        for layer, (w, gw, b, gb) in layer_gradients(model, x, y, loss_fn).items():
            pb = None if b is None or gb is None else b * gb
            self._store.setdefault(layer, []).append((w * gw, pb))

    def prepare(
        self, model: nn.Module, data: DataLike | None, *, batches: int = 4, batch_size: int = 64, seed: int = 0
    ) -> Importance:
        """Reset, then accumulate ``batches`` random batches of ``data`` (see :class:`Importance`)."""
        if data is None:
            raise ValueError(f"criterion {self.name!r} needs data to compute gradients; pass data=(x, y) or a Dataset")
        batches = check_int("batches", batches, 1)
        batch_size = check_int("batch_size", batch_size, 1)
        x, y = as_xy(data)
        gen = torch.Generator().manual_seed(seed)
        self.reset()
        for _ in range(batches):
            idx = draw_batch(x.shape[0], batch_size, gen).to(x.device)
            self.accumulate(model, x.index_select(0, idx), y.index_select(0, idx))
        return self

    def _products(self, layer: PrunableLayer) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Stacked ``(batches, *weight.shape)`` products and bias products of ``layer``."""
        rec = self._store.get(layer)
        if not rec:
            raise ValueError(
                f"criterion {self.name!r} has no gradients for this {type(layer).__name__}; call "
                "accumulate(model, x, y) or prepare(model, data) first (again after structured pruning)"
            )
        pw = torch.stack([r[0] for r in rec])
        if pw.shape[1:] != layer.weight.shape:
            raise ValueError(f"stored gradients have shape {tuple(pw.shape[1:])}, layer {tuple(layer.weight.shape)}")
        biases = [r[1] for r in rec if r[1] is not None]
        pb = torch.stack(biases) if len(biases) == len(rec) else None
        return pw, pb

    def _unit_products(self, layers: Sequence[PrunableLayer], j: int, group: int) -> torch.Tensor:
        """``(batches, units)``: per batch, ``sum_S w g`` over each unit's weights."""
        _check_unit_index(layers, j)
        pw, pb = self._products(layers[j])
        qw, _ = self._products(layers[j + 1])
        if qw.shape[0] != pw.shape[0]:
            raise ValueError("layers j and j + 1 were accumulated over a different number of batches")
        return torch.stack([unit_sum(pw[b], None if pb is None else pb[b], qw[b], group) for b in range(pw.shape[0])])


class Taylor(_GradientImportance):
    """First-order Taylor (Molchanov et al. 2019): ``|w g|`` per batch, unit = ``|sum_S w g|``, batch-averaged."""

    name = "taylor"

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``mean_b |w g_b|``."""
        return self._products(layer)[0].abs().mean(0)

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """``mean_b |sum_S w g_b|`` (the group's first-order loss change)."""
        return self._unit_products(layers, j, group).abs().mean(0)


class TaylorSquared(_GradientImportance):
    """Squared Taylor (Molchanov et al. 2019, eq. 8): ``(w g)^2`` / ``(sum_S w g)^2``, batch-averaged."""

    name = "taylor_sq"

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``mean_b (w g_b)^2``."""
        return self._products(layer)[0].square().mean(0)

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """``mean_b (sum_S w g_b)^2``."""
        return self._unit_products(layers, j, group).square().mean(0)


class SNIP(_GradientImportance):
    """Connection sensitivity (Lee et al. 2019): ``|w g|`` with the gradient of all accumulated data at one point."""

    name = "snip"

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``|w mean_b g_b|``."""
        return self._products(layer)[0].mean(0).abs()

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """Sum of the unit's weights' sensitivities ``|w mean_b g_b|``."""
        _check_unit_index(layers, j)
        pw, pb = self._products(layers[j])
        qw, _ = self._products(layers[j + 1])
        return unit_sum(pw.mean(0).abs(), None if pb is None else pb.mean(0).abs(), qw.mean(0).abs(), group)


class RandomImportance(Importance):
    """Uniform random scores from a seeded CPU generator (the control); same draws on every device.

    :param seed: seed of the generator (each call draws fresh numbers from it)
    """

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.generator = torch.Generator().manual_seed(seed)

    def reset(self) -> None:
        """Restart the generator from ``seed``."""
        self.generator.manual_seed(self.seed)

    @torch.no_grad()
    def weight_scores(self, layer: PrunableLayer) -> torch.Tensor:
        """``U(0, 1)`` shaped like the weight."""
        return torch.rand(layer.weight.shape, generator=self.generator).to(layer.weight.device)

    @torch.no_grad()
    def unit_scores(self, layers: Sequence[PrunableLayer], j: int, group: int = 1) -> torch.Tensor:
        """``U(0, 1)`` per unit."""
        _check_unit_index(layers, j)
        w = layers[j].weight
        return torch.rand(w.shape[0], generator=self.generator).to(w.device)

    def __repr__(self) -> str:
        return f"RandomImportance(seed={self.seed})"


CRITERIA: dict[str, type[Importance]] = {
    c.name: c for c in (L1Magnitude, L2Magnitude, Taylor, TaylorSquared, SNIP, RandomImportance)
}
"""Criteria by name."""


def get_criterion(criterion: str | Importance = "l1", **kwargs: Any) -> Importance:
    """A criterion instance from its name (an instance passes through unchanged).

    :param criterion: a name of :data:`CRITERIA` or an :class:`Importance`
    :param kwargs: constructor arguments (``seed`` for ``random``)
    """
    if isinstance(criterion, Importance):
        return criterion
    if criterion not in CRITERIA:
        raise unknown_name("criterion", criterion, list(CRITERIA))
    return CRITERIA[criterion](**kwargs)
