"""A base for env wrappers that watch every evaluation go by: the info of each reset and step.

:class:`~archgym.agents.tracker.BestChildTracker` (the best child's weights) and
:class:`~archgym.agents.restarts.RestartFromIncumbent` (the incumbent a restart starts from) both keep track of
what the env evaluated; they differ only in what they do with an info (:meth:`InfoObserver._see`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, SupportsFloat

import gymnasium as gym

__all__ = ["InfoObserver"]


class InfoObserver(gym.Wrapper):
    """Pass resets and steps through unchanged, showing each one's info to :meth:`_see` first."""

    def _see(self, info: Mapping[str, Any]) -> None:
        """Look at one reset's or step's info (subclasses say what to keep)."""
        raise NotImplementedError

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the env and look at the initial child's info."""
        obs, info = self.env.reset(seed=seed, options=options)
        self._see(info)
        return obs, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and look at the new child's info."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._see(info)
        return obs, reward, terminated, truncated, info
