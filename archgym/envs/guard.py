"""Failure handling for every evaluator: diverged fits roll back, out-of-memory edits are undone.

A child whose training diverges (NaN or infinite loss) never poisons the search: its weights roll back to
the last finite state (the weights the plan recorded, or the seeded initialisation of its architecture),
the rolled-back child is re-measured where the evaluator can, and the evaluation is flagged ``diverged``.
An edit that runs out of device memory (in the morph or in the fit) is undone: architecture and weights go
back to the snapshot taken before it.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from archgym.envs.evaluators.base import Evaluation, Evaluator

__all__ = ["LOSS_CLIP", "Guard", "is_oom"]

LOSS_CLIP = 10.0


def is_oom(err: BaseException) -> bool:
    """True for a device out-of-memory error (``torch.OutOfMemoryError``, ``MemoryError`` or its RuntimeError text)."""
    if isinstance(err, MemoryError):
        return True
    oom_type = getattr(torch, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(err, oom_type):
        return True
    text = str(err).lower()
    return isinstance(err, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


class Guard:
    """Roll-back and undo for one env's evaluator, with the counts a run reports.

    :param evaluator: the env's evaluator
    """

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        #: rolled-back diverging fits, edits undone after running out of memory, and the last such error
        self.divergences = 0
        self.oom_events = 0
        self.last_oom: str | None = None

    def snapshot(self) -> tuple[Any, dict[str, torch.Tensor] | None]:
        """The architecture and a copy of the weights, to undo an edit with."""
        return self.evaluator.architecture, self.evaluator.weights()

    def undo(self, err: BaseException, snapshot: tuple[Any, dict[str, torch.Tensor] | None]) -> None:
        """Undo an edit that ran out of memory (``err``): put ``snapshot`` back and count the event."""
        if self.evaluator.device.type == "cuda":
            torch.cuda.empty_cache()
        self.oom_events += 1
        self.last_oom = f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"
        self.evaluator.restore(*snapshot)

    def recover(self, ev: Evaluation, before: dict[str, torch.Tensor] | None, prev: Evaluation | None) -> Evaluation:
        """``ev`` unchanged, or after a diverged fit: the weights rolled back and re-measured (finite).

        :param ev: the evaluation that just finished
        :param before: the state to roll back to; None, or a state that is not finite itself (a morph of huge
            weights can overflow), rolls back to the seeded initialisation of the current architecture
        :param prev: the evaluation before it, for the train accuracy
        """
        if not ev.diverged:
            return ev
        self.divergences += 1
        if before is not None and not all(bool(torch.isfinite(v).all()) for v in before.values()):
            before = None
        self.evaluator.roll_back(before)
        measured = self.evaluator.remeasure()
        acc, loss = measured if measured is not None else (ev.val_accuracy, ev.val_loss)
        acc = acc if math.isfinite(acc) else 0.0
        loss = loss if math.isfinite(loss) else LOSS_CLIP
        train_acc = prev.train_accuracy if prev is not None and math.isfinite(prev.train_accuracy) else 0.0
        return Evaluation(acc, loss, train_acc, cache_hit=ev.cache_hit, diverged=True)

    def state_dict(self) -> dict[str, Any]:
        """The counts."""
        return {"divergences": self.divergences, "oom_events": self.oom_events}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.divergences, self.oom_events = int(state["divergences"]), int(state["oom_events"])
