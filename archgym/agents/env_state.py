"""The resume state of one env: its wrappers' (:mod:`archgym.integrations.sb3_state`) and the archgym env's own.

Kept apart from :mod:`archgym.agents.checkpoint` so that the env wrapper that calls it in a
``SubprocVecEnv`` worker (:class:`~archgym.agents.tracker.BestChildTracker`) does not import the
checkpoint writer (which imports the callbacks): no import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from archgym.integrations.sb3_state import restore_wrapper_states, wrapper_states

__all__ = ["env_state", "restore_env"]


def _env_state_dict(u: Any) -> Any:
    """The archgym env's ``state_dict()``, or None for an env without one."""
    fn = getattr(u, "state_dict", None)
    return fn() if fn is not None else None


def env_state(env: gym.Env) -> dict[str, Any]:
    """The resume state of an env: its wrappers' (from ``env`` down, by position) and the unwrapped env's.

    :param env: a (wrapped) archgym env
    :return: ``{"wrappers": [...], "np_random": ..., "env": state_dict or None}`` (plain values and tensors)
    """
    u = env.unwrapped
    return {"wrappers": wrapper_states(env), "np_random": u.np_random.bit_generator.state, "env": _env_state_dict(u)}


def restore_env(env: gym.Env, state: Mapping[str, Any]) -> bool:
    """Put an env (and its wrappers) back from :func:`env_state`.

    :return: False when the env had no state to restore (its episode must restart)
    """
    restore_wrapper_states(env, state["wrappers"])
    u = env.unwrapped
    u.np_random.bit_generator.state = state["np_random"]
    if state["env"] is None:
        return False
    load = getattr(u, "load_state_dict", None)
    if load is None:
        return False
    load(state["env"])
    return True
