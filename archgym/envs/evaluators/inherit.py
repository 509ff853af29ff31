"""``eval_mode="inherit"``: the child keeps its trained weights across edits and is fine-tuned briefly."""

from __future__ import annotations

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.envs.evaluators.base import (
    EvalContext,
    Evaluation,
    FitRequest,
    Outcome,
    Plan,
    StepContext,
    evaluation_of,
)
from archgym.envs.evaluators.morph import morph
from archgym.envs.evaluators.trained import TrainedEvaluator

__all__ = ["InheritEvaluator"]


class InheritEvaluator(TrainedEvaluator):
    """Fast and weight-sharing: each edit is a function-preserving morph plus ``finetune_steps`` of training.

    At reset the initial child is seeded from the episode's RNG and trained for ``initial_steps`` on the recipe's
    ``schedule``; each fine-tune runs on ``finetune_schedule`` restarted at the edit when the recipe has one.
    """

    name = "inherit"

    def __init__(self, ctx: EvalContext) -> None:
        super().__init__(ctx)
        self._finetune_segment = ctx.recipe.finetune_segment()

    def begin_reset(self, arch: Architecture, ctx: StepContext) -> Plan:
        """A fresh child of ``arch`` (seeded from the episode), trained for ``initial_steps``."""
        child_seed, batch_seed = (int(s) for s in ctx.rng.integers(0, 2**31 - 1, size=2))
        self.architecture = arch
        self.child = ChildNet(arch, seed=child_seed, device=self.device)
        self.trainer.reseed(batch_seed)  # the recipe's schedule from step 0 (no fine-tune segment)
        return self._fit(self.ctx.recipe.initial_steps, None)

    def begin_edit(self, op: str, slot: int, arch: Architecture, ctx: StepContext) -> Plan:
        """Morph the child into ``arch`` (weights kept), then fine-tune it for ``finetune_steps``."""
        assert self.child is not None and self.architecture is not None
        importance = self.narrow_importance if op == "narrow" else None
        morph(self.child, op, slot, self.architecture, arch, ctx.rng, self.ctx.space, importance, self.data)
        self.architecture = arch
        if self._finetune_segment is not None:
            self._finetune_segment.reset()
            self.trainer.restart_schedule(self._finetune_segment)
        return self._fit(self.ctx.recipe.finetune_steps, ctx.prev)

    def _fit(self, steps: int, prev: Evaluation | None) -> Plan:
        assert self.child is not None
        before = self.weights()  # to roll back to if the fit diverges

        def finish(out: Outcome | None) -> Evaluation:
            assert out is not None
            return evaluation_of(out, prev)

        return Plan(FitRequest(model=self.child, trainer=self.trainer, steps=steps), finish, before)
