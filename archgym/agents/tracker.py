"""The best-child tracker: an env wrapper that keeps a CPU copy of the best-scoring child an env produced.

``archgym train`` wraps every single env in it (:mod:`archgym.agents.vec`); the training callback
(:mod:`archgym.agents.callbacks`) writes its copy to ``snapshot/best_child.{pt,json}``. In a ``SubprocVecEnv``
worker it also answers the checkpoint writer's ``archgym_env_state`` / ``archgym_restore_env`` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from archgym.agents.env_state import env_state, restore_env
from archgym.agents.observe import InfoObserver
from archgym.envs.best import better_child

__all__ = ["BestChildTracker"]


class BestChildTracker(InfoObserver):
    """Keep a CPU copy of the best-scoring child this env produced (``self.archgym_best``).

    :param env: an archgym env (its ``unwrapped.child`` is read when the score improves)
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.archgym_best: dict[str, Any] | None = None

    def _see(self, info: Mapping[str, Any]) -> None:
        u: Any = self.env.unwrapped  # an archgym env: its live child
        self.archgym_best = better_child(self.archgym_best, u.child, info)

    def state_dict(self) -> dict[str, Any]:
        """This wrapper's own state: the best child so far (for a resume checkpoint)."""
        return {"archgym_best": self.archgym_best}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.archgym_best = state.get("archgym_best")

    def archgym_env_state(self) -> dict[str, Any]:
        """This env's resume state (wrappers from here down, then the env); what a SubprocVecEnv worker
        sends back for a checkpoint (``env_method("archgym_env_state")``)."""
        return env_state(self)

    def archgym_restore_env(self, state: dict[str, Any]) -> bool:
        """Restore :meth:`archgym_env_state`; False when the episode must restart instead."""
        return restore_env(self, state)
