"""Observation and info of the search env, built by feature name: the spec table lives here and only here.

The observation is one float32 ``Box``: per layer slot the :data:`SLOT_FEATURES`, then the
:data:`GLOBAL_FEATURES`, then the evaluator's own features (e.g. the stream's drift signals). Every
feature has finite bounds. The info is a flat dict with the :data:`INFO_KEYS`, the same every step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from gymnasium import spaces

from archgym.arch import Architecture, SearchSpace
from archgym.child import ChildNet
from archgym.envs.evaluators.base import Evaluation
from archgym.envs.guard import LOSS_CLIP
from archgym.pruning.stats import active_mask

__all__ = ["GLOBAL_FEATURES", "INFO_KEYS", "LOG_CLIP", "SLOT_FEATURES", "Feature", "ObservationEncoder"]

LOG_CLIP = 8.0


@dataclass(frozen=True)
class Feature:
    """One observation feature: its bounds and what it means."""

    low: float
    high: float
    doc: str


SLOT_SPEC: dict[str, Feature] = {
    "present": Feature(0.0, 1.0, "slot i holds a layer (1) or is empty (0)"),
    "is_conv": Feature(0.0, 1.0, "layer i is a conv layer"),
    "width": Feature(0.0, 1.0, "width of layer i / max width of its kind"),
    "sparsity": Feature(0.0, 1.0, "fraction of layer i's weights that are zero"),
}
GLOBAL_SPEC: dict[str, Feature] = {
    "depth": Feature(0.0, 1.0, "depth / max_depth"),
    "log2_params": Feature(-LOG_CLIP, LOG_CLIP, "log2(params / reference params), clipped"),
    "log2_flops": Feature(-LOG_CLIP, LOG_CLIP, "log2(FLOPs / reference FLOPs), clipped"),
    "val_accuracy": Feature(0.0, 1.0, "validation accuracy"),
    "val_loss": Feature(0.0, LOSS_CLIP, "validation loss, clipped"),
    "train_accuracy": Feature(0.0, 1.0, "training accuracy (running, last fine-tune)"),
    "episode_fraction": Feature(0.0, 1.0, "fraction of the episode used (step / horizon)"),
    "last_action_valid": Feature(0.0, 1.0, "the last action was valid"),
}
SLOT_FEATURES = tuple(SLOT_SPEC)
GLOBAL_FEATURES = tuple(GLOBAL_SPEC)
INFO_KEYS = (
    "val_accuracy",
    "train_accuracy",
    "val_loss",
    "cost",
    "params",
    "flops",
    "nonzero_params",
    "depth",
    "sparsity",
    "lr",
    "action_valid",
    "score",
    "evaluations",
    "diverged",
    "oom",
    "arch",
)


def layer_activity(child: ChildNet | None, arch: Architecture) -> tuple[list[float], int]:
    """Per-layer zero fractions and the active (non-zero or unmasked) parameter count, in one host read."""
    if child is None:
        return [0.0] * arch.depth, arch.params()
    with torch.no_grad():
        # active entries as archgym.pruning.nonzero_params counts them: a mask's ones, else non-zeros
        active = [active_mask(layer).sum() for layer in child.chain()]
        active += [torch.count_nonzero(layer.bias) for layer in child.chain() if layer.bias is not None]
        values = torch.stack(active).tolist()
    hidden = child.chain()[: arch.depth]
    sparsity = [1.0 - a / layer.weight.numel() for a, layer in zip(values, hidden, strict=False)]
    return sparsity, int(sum(values))


def _clip(x: float, low: float, high: float) -> float:
    """``np.clip`` of one finite float, without numpy's per-call overhead (an env step clips three)."""
    return min(max(float(x), low), high)


class ObservationEncoder:
    """Packs named feature values into the observation vector, and builds the info.

    :param space: the search space (``max_depth`` slots; widths normalised by each kind's max)
    :param reference: the reference architecture (params and FLOPs are logged relative to it)
    :param horizon: the episode length
    :param extra: the evaluator's features, name -> (low, high, description)
    """

    def __init__(
        self,
        space: SearchSpace,
        reference: Architecture,
        horizon: int,
        extra: Mapping[str, tuple[float, float, str]] | None = None,
    ) -> None:
        self.space, self.horizon = space, horizon
        self.extra = {k: Feature(*v) for k, v in (extra or {}).items()}
        self.names = [f"{f}[{i}]" for i in range(space.max_depth) for f in SLOT_FEATURES]
        self.names += [*GLOBAL_FEATURES, *self.extra]
        specs = [SLOT_SPEC[f] for _ in range(space.max_depth) for f in SLOT_FEATURES]
        specs += [*GLOBAL_SPEC.values(), *self.extra.values()]
        low = np.array([s.low for s in specs], dtype=np.float32)
        high = np.array([s.high for s in specs], dtype=np.float32)
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._ref_params = float(reference.params())
        self._ref_flops = float(reference.flops())

    def index(self, name: str) -> int:
        """Position of feature ``name`` (``"val_accuracy"``, ``"width[2]"``, ...) in the observation."""
        try:
            return self.names.index(name)
        except ValueError:
            raise ValueError(f"unknown observation feature {name!r}; valid: {', '.join(self.names)}") from None

    def table(self) -> list[tuple[str, float, float, str]]:
        """``(name, low, high, description)`` of every feature, in observation order."""
        specs = [SLOT_SPEC[n.split("[")[0]] if "[" in n else {**GLOBAL_SPEC, **self.extra}[n] for n in self.names]
        return [(n, s.low, s.high, s.doc) for n, s in zip(self.names, specs, strict=True)]

    def encode(
        self,
        arch: Architecture,
        ev: Evaluation,
        sparsity: Sequence[float],
        t: int,
        last_valid: bool,
        extra: Sequence[float] = (),
    ) -> np.ndarray:
        """The observation of ``arch`` measured as ``ev`` at step ``t``."""
        obs = np.zeros(self.observation_space.shape, dtype=np.float32)
        n = len(SLOT_FEATURES)
        for i, layer in enumerate(arch.layers):
            b = self.space.bounds(layer.kind)
            obs[n * i : n * i + n] = (1.0, float(layer.kind == "conv"), min(layer.width / b.max, 1.0), sparsity[i])
        values = {
            "depth": arch.depth / self.space.max_depth,
            "log2_params": _clip(math.log2(arch.params() / self._ref_params), -LOG_CLIP, LOG_CLIP),
            "log2_flops": _clip(math.log2(arch.flops() / self._ref_flops), -LOG_CLIP, LOG_CLIP),
            "val_accuracy": ev.val_accuracy,
            "val_loss": _clip(ev.val_loss, 0.0, LOSS_CLIP) if math.isfinite(ev.val_loss) else LOSS_CLIP,
            "train_accuracy": ev.train_accuracy if math.isfinite(ev.train_accuracy) else 0.0,
            "episode_fraction": min(t / self.horizon, 1.0),
            "last_action_valid": float(last_valid),
        }
        g = n * self.space.max_depth
        obs[g : g + len(GLOBAL_FEATURES)] = tuple(values[k] for k in GLOBAL_FEATURES)
        if self.extra:
            obs[g + len(GLOBAL_FEATURES) :] = tuple(extra)
        return obs


def build_info(
    arch: Architecture,
    ev: Evaluation,
    *,
    nonzero: int,
    cost: float,
    lr: float,
    valid: bool,
    score: float,
    evaluations: int,
    oom: bool,
) -> dict[str, Any]:
    """The info dict (:data:`INFO_KEYS`, python scalars and the architecture's short key)."""
    params = arch.params()
    return {
        "val_accuracy": float(ev.val_accuracy),
        "train_accuracy": float(ev.train_accuracy),
        "val_loss": float(ev.val_loss),
        "cost": float(cost),
        "params": int(params),
        "flops": int(arch.flops()),
        "nonzero_params": int(nonzero),
        "depth": int(arch.depth),
        "sparsity": float(1.0 - nonzero / params),
        "lr": float(lr),
        "action_valid": bool(valid),
        "score": float(score),
        "evaluations": int(evaluations),
        "diverged": bool(ev.diverged),
        "oom": bool(oom),
        "arch": arch.key(),
    }
