"""The VecEnv of a training run, by kind: ``dummy``, ``subproc`` or ``batched``.

:func:`make_run_vec_env` builds it from a run's resolved config (env id, ``n_envs``, seed, env kwargs,
reward scale, restarts): single envs are wrapped in the restarts from the incumbent when the preset sets
``restart_prob`` (:class:`~archgym.agents.restarts.RestartFromIncumbent`), the best-child tracker and the
reward scaling; the batched env (:mod:`archgym.integrations.sb3_vec`) is monitored and scaled by
:class:`VecScaleReward` (it resets its sub-envs itself, so it takes no ``restart_prob``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import torch
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecEnv, VecEnvWrapper, VecMonitor

from archgym.agents.evaluate import env_kwargs_of
from archgym.agents.restarts import restart_prob_of, wrap_restarts
from archgym.agents.sb3 import reward_scale_of, scale_reward
from archgym.agents.tracker import BestChildTracker

__all__ = ["VEC_KINDS", "VecScaleReward", "make_run_vec_env"]


def _wrap(env: gym.Env, hyperparams: Mapping[str, Any] | None = None) -> gym.Env:
    # the restarts inside the tracker: their checkpoint state is saved with the env's wrappers
    hp = hyperparams or {}
    return scale_reward(BestChildTracker(wrap_restarts(env, hp)), hp)


VEC_KINDS: tuple[str, ...] = ("dummy", "subproc", "batched")


def _make_single_thread(env_id: str, **kwargs: Any) -> gym.Env:
    """Env factory for SubprocVecEnv workers: one torch thread each (the children are tiny), and the
    ``archgym:`` prefix so that a fresh worker process imports archgym (which registers the ids)."""
    torch.set_num_threads(1)
    return gym.make(f"archgym:{env_id}", **kwargs)


class VecScaleReward(VecEnvWrapper):
    """Multiply the rewards of a VecEnv by ``scale`` (the batched env's ``reward_scale``; stats stay unscaled
    when this wraps a :class:`~stable_baselines3.common.vec_env.VecMonitor`)."""

    def __init__(self, venv: VecEnv, scale: float) -> None:
        super().__init__(venv)
        self.scale = float(scale)

    def reset(self) -> Any:
        return self.venv.reset()

    def step_wait(self) -> Any:
        obs, rew, done, info = self.venv.step_wait()
        return obs, rew * self.scale, done, info


def make_run_vec_env(config: Mapping[str, Any], device: str | None = None) -> VecEnv:
    """The run's VecEnv: ``dummy`` (one process), ``subproc`` (one process per env) or ``batched``
    (the K children trained together in stacked kernels, :mod:`archgym.envs.batched`)."""
    kind = config.get("vec", "dummy")
    scale = reward_scale_of(config["hyperparams"])
    restart_prob = restart_prob_of(config["hyperparams"])
    if kind == "batched":
        if restart_prob > 0:
            raise ValueError(
                f"restart_prob={restart_prob} needs single envs (vec 'dummy' or 'subproc'): the batched vec env "
                "resets its sub-envs itself; use another vec kind or set restart_prob: 0"
            )
        from archgym.integrations.sb3_vec import make_sb3_batched_vec_env

        venv: VecEnv = VecMonitor(
            make_sb3_batched_vec_env(
                config["env_id"], config["n_envs"], config["seed"], env_kwargs_of(config, device), track_best=True
            )
        )
        return VecScaleReward(venv, scale) if scale != 1.0 else venv
    # a factory, not the id: make_vec_env would add render_mode="rgb_array", which archgym envs reject
    factory = functools.partial(_make_single_thread if kind == "subproc" else gym.make, config["env_id"])
    return make_vec_env(
        factory,
        n_envs=config["n_envs"],
        seed=config["seed"],
        env_kwargs=env_kwargs_of(config, device),
        wrapper_class=_wrap,
        wrapper_kwargs={"hyperparams": config["hyperparams"]},
        vec_env_cls=SubprocVecEnv if kind == "subproc" else DummyVecEnv,
    )
