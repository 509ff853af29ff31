"""The discrete action table: one op per layer slot (widen, narrow, insert, remove), sparsity ops, stop."""

from __future__ import annotations

from dataclasses import dataclass

from archgym.arch import Architecture, InvalidEdit, SearchSpace
from archgym.envs.config import SpaceConfig
from archgym.envs.evaluators.morph import SPARSITY_OPS

__all__ = ["SLOT_OPS", "SPARSITY_OPS", "Action", "ActionTable"]

SLOT_OPS = ("widen", "narrow", "insert", "remove")


@dataclass(frozen=True)
class Action:
    """One entry of the discrete action space: an op and the layer slot it applies to (-1: global)."""

    op: str
    slot: int = -1


class ActionTable:
    """The actions of a search space, their names and the edit each makes.

    :param space: the search space (its ``max_depth`` sets the slots)
    :param cfg: the space config (sparsity actions and their parameters)
    """

    def __init__(self, space: SearchSpace, cfg: SpaceConfig) -> None:
        self.space, self.cfg = space, cfg
        self.actions: list[Action] = [Action(op, s) for s in range(space.max_depth) for op in SLOT_OPS]
        if cfg.sparsity_actions:
            self.actions += [Action(op) for op in SPARSITY_OPS]
        self.actions.append(Action("stop"))

    def __len__(self) -> int:
        return len(self.actions)

    def __getitem__(self, i: int) -> Action:
        return self.actions[i]

    @property
    def stop(self) -> int:
        """The id of ``stop``."""
        return len(self.actions) - 1

    def meanings(self) -> list[str]:
        """Human-readable name of every action id."""
        c = self.cfg
        names = {
            "stop": "stop",
            "insert": "insert after layer {slot}",
            "remove": "remove layer {slot}",
            "widen": "widen layer {slot}",
            "narrow": "narrow layer {slot}",
            "prune": f"prune +{c.prune_step:.0%} of hidden weights ({c.prune_criterion})",
            "regrow": f"regrow {c.regrow_fraction:.0%} of pruned weights ({c.regrow_method})",
        }
        return [names[a.op].format(slot=a.slot) for a in self.actions]

    def edit(self, arch: Architecture, a: Action, sparsity: float) -> Architecture:
        """The architecture ``a`` leads to from ``arch`` (whose hidden sparsity is ``sparsity``).

        :raises InvalidEdit: the action is not valid here (the message says why)
        """
        if a.op == "prune":
            if sparsity + self.cfg.prune_step > self.cfg.max_sparsity + 1e-9:
                raise InvalidEdit(f"prune: sparsity would exceed max_sparsity={self.cfg.max_sparsity}")
            return arch
        if a.op == "regrow":
            if sparsity <= 0.0:
                raise InvalidEdit("regrow: no pruned weights")
            return arch
        if a.op == "stop":
            return arch
        if a.slot >= arch.depth:
            raise InvalidEdit(f"{a.op}: slot {a.slot} is empty (depth {arch.depth})")
        if a.op in ("widen", "narrow"):
            step = self.space.bounds(arch.layers[a.slot].kind).step
            new = arch.widen(a.slot, step) if a.op == "widen" else arch.narrow(a.slot, step)
        elif a.op == "insert":
            new = arch.insert(a.slot)
        else:
            new = arch.remove(a.slot)
        self.space.check(new)
        return new
