"""Resume state of third-party objects: Gymnasium and Stable-Baselines3 wrappers, VecEnvs and algorithms.

This is the one module of archgym that reads or writes attributes other libraries keep for themselves
(Gymnasium's ``TimeLimit._elapsed_steps``, SB3's ``VecEnv._reset_seeds()``, an algorithm's
``_last_obs``, ...). archgym's own objects save and restore themselves through ``state_dict()`` /
``load_state_dict()``; :mod:`archgym.agents.checkpoint` combines both. Wrappers are matched by
``isinstance`` against the classes themselves, never by class-name strings, so a renamed or
subclassed wrapper is still found (and an upgrade that drops an attribute fails loudly in the tests
of ``archgym train --resume``).

The state of a wrapper stack is a list with one dict per wrapper, outermost first: the attributes
of a known third-party wrapper, the ``state_dict()`` of a wrapper that has one (archgym's
:class:`~archgym.agents.tracker.BestChildTracker`), ``{}`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.wrappers import OrderEnforcing, PassiveEnvChecker, TimeLimit
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import VecEnv, VecEnvWrapper, VecMonitor

__all__ = [
    "VEC_WRAPPER_STATE",
    "WRAPPER_RESTORE",
    "WRAPPER_STATE",
    "innermost_vec_env",
    "reset_infos_of",
    "restart_obs",
    "restore_reset_infos",
    "restore_vec_wrapper_states",
    "restore_wrapper_states",
    "set_all_obs",
    "set_reset_info",
    "vec_wrapper_states",
    "wrapper_states",
]

#: third-party env wrapper class -> attributes that carry episode state across a checkpoint
WRAPPER_STATE: tuple[tuple[type[gym.Wrapper], tuple[str, ...]], ...] = (
    (TimeLimit, ("_elapsed_steps",)),
    (OrderEnforcing, ("_has_reset",)),
    (Monitor, ("rewards", "needs_reset", "total_steps", "episode_returns", "episode_lengths", "episode_times")),
)

#: wrapper class -> attributes set on restore (the passive checker's one-off checks ran before the save;
#: re-running its data-reuse check would need the previous step's data, which is not saved)
WRAPPER_RESTORE: tuple[tuple[type[gym.Wrapper], dict[str, Any]], ...] = (
    (PassiveEnvChecker, {"checked_reset": True, "checked_step": True, "checked_data_reuse": True}),
)

#: VecEnvWrapper class -> attributes that carry episode state across a checkpoint (numpy arrays as lists)
VEC_WRAPPER_STATE: tuple[tuple[type[VecEnvWrapper], tuple[str, ...]], ...] = (
    (VecMonitor, ("episode_returns", "episode_lengths", "episode_count")),
)


def _attrs_of(obj: object, table: Sequence[tuple[type, Any]]) -> Any:
    for cls, value in table:
        if isinstance(obj, cls):
            return value
    return None


def _own_state(obj: object) -> Any:
    """``obj.state_dict`` when ``obj``'s class defines one (archgym wrappers), else None."""
    fn = getattr(type(obj), "state_dict", None)
    return fn.__get__(obj) if callable(fn) else None


def innermost_vec_env(venv: VecEnv) -> VecEnv:
    """``venv`` without its ``VecEnvWrapper`` layers (``VecMonitor`` and friends keep their own, never
    updated ``reset_infos``; the envs' reset infos live in the innermost VecEnv)."""
    while isinstance(venv, VecEnvWrapper):
        venv = venv.venv
    return venv


# --------------------------------------------------------------------------- env wrappers
def wrapper_states(env: gym.Env) -> list[dict[str, Any]]:
    """The state of every wrapper of ``env``, outermost first (see the module docstring)."""
    out: list[dict[str, Any]] = []
    e = env
    while isinstance(e, gym.Wrapper):
        own = _own_state(e)
        if own is not None:
            out.append(dict(own()))
        else:
            attrs = _attrs_of(e, WRAPPER_STATE) or ()
            out.append({a: getattr(e, a) for a in attrs if hasattr(e, a)})
        e = e.env
    return out


def restore_wrapper_states(env: gym.Env, states: Sequence[Mapping[str, Any]]) -> None:
    """Inverse of :func:`wrapper_states` (matched by position; extra wrappers keep their state)."""
    e, k = env, 0
    while isinstance(e, gym.Wrapper):
        state = states[k] if k < len(states) else None
        if state is not None:
            load = getattr(type(e), "load_state_dict", None)
            if callable(load) and _own_state(e) is not None:
                load(e, state)
            else:
                for a, v in state.items():
                    setattr(e, a, v)
        for a, v in (_attrs_of(e, WRAPPER_RESTORE) or {}).items():
            setattr(e, a, v)
        e, k = e.env, k + 1


# --------------------------------------------------------------------------- VecEnv wrappers and VecEnvs
def vec_wrapper_states(venv: VecEnv) -> list[dict[str, Any]]:
    """The episode statistics of every ``VecEnvWrapper`` of ``venv``, outermost first (lists, not arrays)."""
    out: list[dict[str, Any]] = []
    w = venv
    while isinstance(w, VecEnvWrapper):
        attrs = _attrs_of(w, VEC_WRAPPER_STATE) or ()
        out.append({a: np.asarray(getattr(w, a)).tolist() for a in attrs if hasattr(w, a)})
        w = w.venv
    return out


def restore_vec_wrapper_states(venv: VecEnv, states: Sequence[Mapping[str, Any]]) -> None:
    """Inverse of :func:`vec_wrapper_states`."""
    w, k = venv, 0
    while isinstance(w, VecEnvWrapper):
        for a, v in (states[k] if k < len(states) else {}).items():
            setattr(w, a, np.asarray(v, dtype=np.asarray(getattr(w, a)).dtype) if isinstance(v, list) else v)
        w, k = w.venv, k + 1


def reset_infos_of(venv: VecEnv) -> list[dict[str, Any]]:
    """The reset infos the innermost VecEnv holds for each env (what the callback reads at an episode start)."""
    holder = innermost_vec_env(venv)
    return [dict(i) for i in getattr(holder, "reset_infos", [{}] * venv.num_envs)]


def restore_reset_infos(venv: VecEnv, infos: Sequence[Mapping[str, Any]]) -> None:
    """Put the reset infos back and clear the pending reset seeds and options (the seeds of a run's first
    reset were used by that reset; a resumed run must not reseed its envs)."""
    holder = innermost_vec_env(venv)
    holder.reset_infos = [dict(i) for i in infos]
    holder._reset_seeds()
    holder._reset_options()


def set_reset_info(venv: VecEnv, i: int, info: Mapping[str, Any]) -> None:
    """The reset info of env ``i`` (after it was reset outside ``VecEnv.reset``)."""
    innermost_vec_env(venv).reset_infos[i] = dict(info)


# --------------------------------------------------------------------------- the algorithm's rollout state
def set_all_obs(model: BaseAlgorithm, venv: VecEnv, obs: Any) -> None:
    """Every env of ``venv`` starts a new episode at ``obs`` (the algorithm's next action is taken from it)."""
    m: Any = model  # SB3 keeps the rollout state in private attributes
    m._last_obs = obs
    m._last_episode_starts = np.ones((venv.num_envs,), dtype=bool)


def restart_obs(model: BaseAlgorithm, i: int, obs: Any) -> None:
    """Env ``i`` starts a new episode at ``obs`` (the others continue where they are)."""
    m: Any = model
    m._last_obs[i] = obs
    m._last_episode_starts[i] = True
