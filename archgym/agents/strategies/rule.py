"""The rule-based controller: a hand-written policy (fields in ``agents/rule.yaml``, see :class:`RuleConfig`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from archgym.agents.strategies.base import (
    SearchStrategy,
    check_fraction,
    check_positive_int,
    feature,
    score_of,
    stop_id,
)
from archgym.presets import find_preset_file, read_yaml

__all__ = ["PROBE_SAMPLES", "RuleConfig", "RuleController", "dead_unit_fractions", "load_rule_config"]


@torch.no_grad()
def dead_unit_fractions(child: nn.Module, x: torch.Tensor) -> list[float]:
    """Fraction of each hidden layer's units (channels) whose ReLU output is zero on every sample of ``x``.

    :param child: a :class:`~archgym.child.ChildNet` (hidden layers in ``child.layers``, ReLU after each)
    :param x: inputs, e.g. the training split already on the child's device
    """
    peaks: list[torch.Tensor] = []

    def hook(_m: nn.Module, _i: Any, out: torch.Tensor) -> None:
        dims = [d for d in range(out.ndim) if d != 1]  # all but the unit/channel axis
        peaks.append((out.amax(dim=dims) <= 0).float().mean())

    layers: Any = child.layers  # an nn.ModuleList (torch types it as Tensor | Module)
    handles = [layer.register_forward_hook(hook) for layer in layers]
    was_training = child.training
    try:
        child.eval()
        child(x)
    finally:
        child.train(was_training)
        for h in handles:
            h.remove()
    return torch.stack(peaks).tolist() if peaks else []


#: training samples the rule controller's dead-unit probe looks at (all of digits' training split)
PROBE_SAMPLES = 2048


def _probe_inputs(data: Any) -> torch.Tensor:
    """The first :data:`PROBE_SAMPLES` training inputs as model inputs (``uint8`` images standardised
    like the trainer's batches, through the dataset's ``normalize``)."""
    x = data.x_train[:PROBE_SAMPLES]
    normalize = getattr(data, "normalize", None)
    return normalize(x) if normalize is not None else x


@dataclass(frozen=True)
class RuleConfig:
    """Fields of the rule-based controller (``agents/rule.yaml``: a ``default`` entry, overrides per env id).

    :param underfit_train_accuracy: grow while the training accuracy is below this
    :param overfit_gap: prune when train accuracy - val accuracy exceeds this
    :param dead_fraction: prune a layer when at least this fraction of its units never activates on the training set
    :param width_per_input: initial width rule: dense layers start at ``width_per_input x input features``
    :param channels_per_input_channel: initial width rule: conv layers start at this many channels per input channel
    :param patience: stop after this many consecutive actions that did not raise the episode's best score
    :param min_improvement: a score gain must exceed this to count as an improvement
    """

    underfit_train_accuracy: float = 0.97
    overfit_gap: float = 0.03
    dead_fraction: float = 0.25
    width_per_input: float = 0.5
    channels_per_input_channel: float = 8.0
    patience: int = 2
    min_improvement: float = 0.0

    def __post_init__(self) -> None:
        for name in ("underfit_train_accuracy", "overfit_gap", "dead_fraction"):
            check_fraction(name, getattr(self, name))
        for name in ("width_per_input", "channels_per_input_channel", "min_improvement"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
        check_positive_int("patience", self.patience)

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> RuleConfig:
        """Build from a mapping; unknown keys raise ValueError listing the valid ones."""
        valid = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(d) - set(valid))
        if unknown:
            raise ValueError(f"unknown rule field(s) {unknown}; valid: {', '.join(valid)}")
        return cls(**d)


def load_rule_config(env_id: str | None = None, path: Path | None = None, **overrides: Any) -> RuleConfig:
    """The rule fields for ``env_id``: the preset's ``default`` entry, its ``env_id`` entry, then ``overrides``.

    :param env_id: registered env id (``None``: the default entry only)
    :param path: the preset file (default: ``rule.yaml`` of the agent preset folders, :mod:`archgym.presets`)
    :param overrides: field values that win over the file
    :raises ValueError: an unknown override or field (the valid ones are listed), a malformed file
    """
    valid = [f.name for f in dataclasses.fields(RuleConfig)]
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise ValueError(f"unknown rule field(s) {unknown}; valid: {', '.join(valid)}")
    if path is None:
        path = find_preset_file("agents", "rule")
        if path is None:
            raise ValueError("no rule.yaml in the agent preset folders; valid: a folder holding agents/rule.yaml")
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the rule preset must be a mapping, got {type(data).__name__}")
    entries = [data.get("default") or {}, (data.get(env_id) or {}) if env_id else {}]
    for e in entries:
        if not isinstance(e, dict):
            raise ValueError(f"{path}: entries must be mappings of rule fields, got {e!r}")
    try:
        return RuleConfig.from_mapping({**entries[0], **entries[1], **overrides})
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


@dataclass
class _RuleMemory:
    best: float = -math.inf
    stale: int = 0
    grown_to_initial: bool = False


class RuleController(SearchStrategy):
    """A hand-written controller; each step, in this order:

    1. **initial width rule** (once per episode): widen the first layer narrower than its initial
       width (dense: ``width_per_input x input features``; conv: ``channels_per_input_channel x
       input channels``, both clipped to the search space);
    2. **stop when nothing helps**: after ``patience`` actions in a row without raising the
       episode's best score;
    3. **dead units**: narrow the layer with the largest fraction of never-active units (the env's
       narrow removes the least important units by its criterion) if it reaches ``dead_fraction``;
    4. **underfitting** (train accuracy < ``underfit_train_accuracy``): widen the narrowest layer
       that can grow, else insert a layer after the last one;
    5. **overfitting** (train - val accuracy > ``overfit_gap``): narrow the widest layer that can shrink;
    6. otherwise stop.

    :param env: the env (see :class:`~archgym.agents.strategies.base.SearchStrategy`)
    :param seed: RNG seed (unused by the rules: they are deterministic)
    :param config: the fields; default: :func:`load_rule_config` for ``env.spec.id``
    :param overrides: field values that win over the preset
    """

    name = "rule"

    def __init__(self, env: Any, seed: int = 0, config: RuleConfig | None = None, **overrides: Any) -> None:
        super().__init__(env, seed)
        if config is None:
            spec = getattr(env, "spec", None)
            config = load_rule_config(getattr(spec, "id", None), **overrides)
        elif overrides:
            config = RuleConfig.from_mapping({**dataclasses.asdict(config), **overrides})
        self.config = config
        self.last_reason = ""

    def _new_memory(self) -> _RuleMemory:
        return _RuleMemory()

    def initial_width(self, u: Any, kind: str) -> int:
        """The initial width rule's target for a layer kind, snapped to the search space's grid."""
        b = u.space.bounds(kind)
        shape = u.architecture.input_shape
        raw = (
            self.config.width_per_input * math.prod(shape)
            if kind == "dense"
            else self.config.channels_per_input_channel * shape[0]
        )
        return int(min(max(raw, b.min), b.max))

    def _first_valid(self, u: Any, op: str, slots: list[int]) -> int | None:
        mask = u.action_masks()
        for s in slots:
            for i, a in enumerate(u.actions):
                if a.op == op and a.slot == s and mask[i]:
                    return i
        return None

    def _decide(self, u: Any, obs: np.ndarray, mem: _RuleMemory) -> tuple[int | None, str]:
        cfg = self.config
        layers = u.architecture.layers
        if not mem.grown_to_initial:
            small = [i for i, x in enumerate(layers) if x.width < self.initial_width(u, x.kind)]
            a = self._first_valid(u, "widen", small)
            if a is not None:
                return a, "initial width"
            mem.grown_to_initial = True
        score = score_of(u, obs)
        if score > mem.best + cfg.min_improvement:
            mem.best, mem.stale = score, 0
        else:
            mem.stale += 1
        if mem.stale >= cfg.patience:
            return None, "no improvement"
        if u.child is not None and getattr(u, "data", None) is not None:
            dead = dead_unit_fractions(u.child, _probe_inputs(u.data))
            worst = int(np.argmax(dead)) if dead else 0
            if dead and dead[worst] >= cfg.dead_fraction:
                a = self._first_valid(u, "narrow", [worst])
                if a is not None:
                    return a, "dead units"
        train_acc, val_acc = feature(u, obs, "train_accuracy"), feature(u, obs, "val_accuracy")
        if train_acc < cfg.underfit_train_accuracy:
            by_width = sorted(range(len(layers)), key=lambda i: (layers[i].width, i))
            a = self._first_valid(u, "widen", by_width)
            if a is None:
                a = self._first_valid(u, "insert", [len(layers) - 1])
            return a, "underfit"
        if train_acc - val_acc > cfg.overfit_gap:
            by_width = sorted(range(len(layers)), key=lambda i: (-layers[i].width, i))
            return self._first_valid(u, "narrow", by_width), "overfit"
        return None, "fits"

    def _act(self, u: Any, obs: np.ndarray, memory: _RuleMemory, deterministic: bool) -> int:
        action, self.last_reason = self._decide(u, obs, memory)
        return stop_id(u) if action is None else action
