"""The base of the evaluators that train children on a dataset with a :class:`~archgym.training.Trainer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import Dataset
from archgym.envs.evaluators.base import EvalContext, Evaluator
from archgym.training import Trainer

__all__ = ["TrainedEvaluator"]


class TrainedEvaluator(Evaluator):
    """Holds the dataset (on the device) and the child's trainer (the recipe's schedule and optimizer)."""

    def __init__(self, ctx: EvalContext) -> None:
        super().__init__(ctx)
        self._data: Dataset = ctx.task.load(self.device)
        self.trainer = self._fresh_trainer(0)

    @property
    def data(self) -> Dataset:
        """The dataset children are trained and measured on."""
        return self._data

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input sample."""
        return self._data.input_shape

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return self._data.num_classes

    def current_lr(self) -> float:
        """Learning rate of the child's next training step."""
        return float(self.trainer.lr)

    def remeasure(self) -> tuple[float, float] | None:
        """Validation accuracy and loss of the current child (not fed to an adaptive schedule)."""
        if self.child is None:
            return None
        res = self.trainer.evaluate(self.child, "val", observe=False)
        return res.accuracy, res.loss

    def state_dict(self) -> dict[str, Any]:
        """Architecture, child weights and the trainer's state (batch order, step count, schedule).

        The child's optimizer moments are not saved: every morph starts a fresh optimizer, so they are
        empty at every step boundary where it matters.
        """
        return {**super().state_dict(), "trainer": self.trainer.state_dict()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`."""
        super().load_state_dict(state)
        self.trainer.load_state_dict(state["trainer"])

    def _fresh_trainer(self, seed: int) -> Trainer:
        """A trainer of the env's recipe (the same one scratch mode and the table builder train with)."""
        return Trainer(self._data, seed=seed, **self.ctx.recipe.trainer_kwargs())

    def retrain(self, arch: Architecture, steps: int | None = None, seed: int | None = None) -> tuple[ChildNet, dict]:
        """Train ``arch`` from scratch with the env's recipe (default: ``scratch_steps`` steps, ``scratch_seed``).

        :return: the trained child and the recipe it was trained with (plus its final train accuracy)
        """
        r = self.ctx.recipe
        seed = r.scratch_seed if seed is None else int(seed)
        n = r.scratch_steps if steps is None else int(steps)
        child = ChildNet(arch, seed=seed, device=self.device)
        trainer = self._fresh_trainer(seed)
        fit = trainer.fit(child, steps=n)
        return child, {
            "steps": n,
            "seed": seed,
            "batch_size": trainer.batch_size,
            "optimizer": trainer.optimizer_name,
            "weight_decay": trainer.weight_decay,
            "schedule": repr(trainer.schedule),
            "train_accuracy": fit.train_accuracy,
        }

    def measure(self, child: ChildNet) -> dict[str, float]:
        """Validation and test accuracy (and test loss) of ``child``."""
        trainer = self._fresh_trainer(0)
        val = trainer.evaluate(child, "val", observe=False)
        test = trainer.evaluate(child, "test", observe=False)
        return {"val_accuracy": val.accuracy, "test_accuracy": test.accuracy, "test_loss": test.loss}
