"""Unit importance for structured narrowing: a criterion as the ``UnitImportance`` of ``ChildNet.narrow``.

:class:`ChildUnitImportance` (built by :func:`unit_importance`, alias :func:`make_unit_importance`)
scores the units of one hidden layer of a :class:`~archgym.child.ChildNet` (or an ``nn.Sequential``
chain) with any criterion of :mod:`archgym.pruning.criteria`; gradient criteria re-accumulate a few
seeded batches on every call.
"""

from __future__ import annotations

import torch
from torch import nn

from archgym.pruning.chain import as_chain
from archgym.pruning.criteria import Importance, get_criterion
from archgym.pruning.gradients import DataLike

__all__ = ["ChildUnitImportance", "make_unit_importance", "unit_importance"]


class ChildUnitImportance:
    """A criterion as the ``UnitImportance`` callable of :meth:`archgym.child.ChildNet.narrow`.

    Gradient criteria re-accumulate on every call (the network changes between calls), drawing
    their batches from a generator seeded once, so a sequence of calls is reproducible.

    :param criterion: a criterion name or instance
    :param data: Dataset or ``(x, y)``; required by gradient criteria
    :param batches: batches accumulated per call by gradient criteria
    :param batch_size: samples per batch
    :param seed: seed of the batch draws (and of ``random``'s scores when given by name)
    """

    def __init__(
        self,
        criterion: str | Importance = "l1",
        data: DataLike | None = None,
        batches: int = 4,
        batch_size: int = 64,
        seed: int = 0,
    ) -> None:
        kw = {"seed": seed} if criterion == "random" else {}
        self.criterion = get_criterion(criterion, **kw)
        if self.criterion.needs_gradients and data is None:
            raise ValueError(f"criterion {self.criterion.name!r} needs data=(x, y) or a Dataset to compute gradients")
        self.data, self.batches, self.batch_size = data, batches, batch_size
        self._gen = torch.Generator().manual_seed(seed)

    def __call__(self, model: nn.Module, i: int) -> torch.Tensor:
        """Scores ``(width_i,)`` of hidden layer ``i`` of ``model`` (a ChildNet or a Sequential chain)."""
        chain = as_chain(model)
        j = chain.index(i, hidden_only=True)
        if self.criterion.needs_gradients:
            seed = int(torch.randint(0, 2**31 - 1, (1,), generator=self._gen))
            self.criterion.prepare(model, self.data, batches=self.batches, batch_size=self.batch_size, seed=seed)
        return self.criterion.unit_scores(chain.layers, j, chain.groups[j])

    def __repr__(self) -> str:
        return f"ChildUnitImportance({self.criterion!r}, batches={self.batches}, batch_size={self.batch_size})"


def unit_importance(
    criterion: str | Importance = "l1",
    *,
    data: DataLike | None = None,
    batches: int = 4,
    batch_size: int = 64,
    seed: int = 0,
) -> ChildUnitImportance:
    """A ``UnitImportance`` for ``ChildNet.narrow(i, k, importance=...)`` from a criterion name.

    :param criterion: name in :data:`CRITERIA` (or an instance)
    :param data: Dataset or ``(x, y)``; required by ``taylor``, ``taylor_sq`` and ``snip``
    :param batches: batches accumulated per call by gradient criteria
    :param batch_size: samples per batch
    :param seed: seed of batch draws and of ``random``
    """
    return ChildUnitImportance(criterion, data=data, batches=batches, batch_size=batch_size, seed=seed)


make_unit_importance = unit_importance
"""Alias of :func:`unit_importance`."""
