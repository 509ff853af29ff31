"""Pruning toolkit: importance criteria, unstructured and structured pruning, gradual schedules, recovery.

=====================  ==============================================================
module                 what
=====================  ==============================================================
``criteria``           :class:`Importance` ABC and its criteria (l1, l2, taylor, taylor_sq,
                       snip, random), the :data:`CRITERIA` registry
``units``              :func:`unit_importance` (the ``UnitImportance`` of ``ChildNet.narrow``)
``gradients``          ``DataLike`` (a Dataset or ``(x, y)``) and :func:`layer_gradients`: the
                       loss gradients the gradient criteria and RigL regrowth use
``chain``              :func:`as_chain`: the prunable layers of a ChildNet or ``nn.Sequential``;
                       :func:`~archgym.pruning.chain.forward_order` (the head is the last
                       layer the forward calls)
``masks``              unstructured pruning with ``torch.nn.utils.prune`` masks:
                       :func:`prune_unstructured`, :func:`make_permanent`, state-dict loading
``structured``         :func:`prune_structured`: physical removal of units
``gradual``            AGP / linear sparsity schedules, :func:`gradual_prune`
``recovery``           :func:`regrow` (random / gradient), greedy recovery of weights
``unit_recovery``      unit regrowth and restoration, greedy recovery of units
``stats``              :func:`sparsity`, :func:`sparsity_report`, :func:`nonzero_params`, :func:`count_macs`
``surgery``            low-level unit slicing shared with :mod:`archgym.child` (rebuilt layers
                       keep every constructor attribute: padding_mode, dilation, stride, ...)
``checks``             argument checks: any ``numbers.Real`` / ``numbers.Integral`` (numpy too)
=====================  ==============================================================

Prunable layers are ``nn.Linear``, ``nn.Conv1d`` and ``nn.Conv2d``
(:data:`~archgym.pruning.surgery.PRUNABLE_TYPES`).
"""

from __future__ import annotations

from archgym.pruning.chain import Chain, as_chain
from archgym.pruning.criteria import (
    CRITERIA,
    SNIP,
    Importance,
    L1Magnitude,
    L2Magnitude,
    RandomImportance,
    Taylor,
    TaylorSquared,
    get_criterion,
)
from archgym.pruning.gradual import (
    SPARSITY_SCHEDULES,
    AGPSchedule,
    LinearSparsitySchedule,
    gradual_prune,
    make_sparsity_schedule,
)
from archgym.pruning.masks import (
    clone_model,
    get_mask,
    is_masked,
    load_masked_state_dict,
    make_permanent,
    prune_unstructured,
    set_mask,
)
from archgym.pruning.recovery import greedy_recover_weights, regrow
from archgym.pruning.stats import count_macs, nonzero_params, sparsity, sparsity_report
from archgym.pruning.structured import StructuredPruneResult, prune_structured
from archgym.pruning.unit_recovery import greedy_recover_units, regrow_units, restore_units
from archgym.pruning.units import make_unit_importance, unit_importance

__all__ = [
    "CRITERIA",
    "SNIP",
    "SPARSITY_SCHEDULES",
    "AGPSchedule",
    "Chain",
    "Importance",
    "L1Magnitude",
    "L2Magnitude",
    "LinearSparsitySchedule",
    "RandomImportance",
    "StructuredPruneResult",
    "Taylor",
    "TaylorSquared",
    "as_chain",
    "clone_model",
    "count_macs",
    "get_criterion",
    "get_mask",
    "gradual_prune",
    "greedy_recover_units",
    "greedy_recover_weights",
    "is_masked",
    "load_masked_state_dict",
    "make_permanent",
    "make_sparsity_schedule",
    "make_unit_importance",
    "nonzero_params",
    "prune_structured",
    "prune_unstructured",
    "regrow",
    "regrow_units",
    "restore_units",
    "set_mask",
    "sparsity",
    "sparsity_report",
    "unit_importance",
]
