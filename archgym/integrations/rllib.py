"""RLlib: archgym envs in RLlib's new API stack, registered inside every Ray worker.

Ray starts fresh worker processes that have never run ``import archgym``, so a plain
``"archgym/DigitsMLP-v0"`` is unknown there. Two ways make the id resolve in every worker:

* the registered id with gymnasium's ``module:`` prefix, ``"archgym:archgym/DigitsMLP-v0"``
  (:func:`rllib_env_id`): ``gym.make`` imports ``archgym`` first, and RLlib passes
  ``env_config`` to it as env kwargs;
* a creator registered with ``ray.tune.registry.register_env`` (:func:`register_rllib_env`):
  :func:`make_env` imports ``archgym`` inside the worker and reads the id from
  ``env_config["env_id"]``, the other keys being env kwargs.

``ray`` is imported inside the functions: this module imports without it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym

from archgym.integrations import require

__all__ = ["DEFAULT_ENV_ID", "RLLIB_ONLY_KEYS", "dqn_config", "make_env", "register_rllib_env", "rllib_env_id"]

#: id used when none is given. Not the CLI's default (archgym/MNIST1D-v0): an RLlib run trains children in
#: every EnvRunner, :func:`dqn_config`'s defaults are sized for the cheap digits MLPs, and
#: ``scripts/train_rllib.py`` defaults to this id too; pass ``"archgym/MNIST1D-v0"`` explicitly for the real task.
DEFAULT_ENV_ID = "archgym/DigitsMLP-v0"
#: keys RLlib adds to ``env_config`` that are not env kwargs
RLLIB_ONLY_KEYS = ("env_id", "num_envs")


def _check_env_id(env_id: str) -> str:
    from archgym.envs.registration import ENV_PRESETS, register_envs

    if not ENV_PRESETS:
        register_envs()
    if env_id not in ENV_PRESETS:
        from archgym.data import unknown_name

        raise unknown_name("env id", env_id, sorted(ENV_PRESETS))
    return env_id


def rllib_env_id(env_id: str = DEFAULT_ENV_ID) -> str:
    """The id with gymnasium's ``module:`` prefix, so ``gym.make`` imports archgym in any process.

    :param env_id: a registered archgym id
    :return: e.g. ``"archgym:archgym/DigitsMLP-v0"``

    >>> rllib_env_id("archgym/DigitsCNN-v0")
    'archgym:archgym/DigitsCNN-v0'
    """
    return f"archgym:{_check_env_id(env_id)}"


def make_env(env_config: Mapping[str, Any] | None = None, env_id: str | None = None) -> gym.Env | gym.vector.VectorEnv:
    """Env creator for RLlib (or any library that passes one config mapping).

    Imports archgym (registering its ids) in the calling process, so it works in fresh Ray
    workers. RLlib's ``EnvContext`` is a dict: its ``env_id`` key picks the id and the remaining
    keys are env kwargs; a ``num_envs`` key (RLlib's vector entry point) returns a synchronous
    vector env of that many copies.

    :param env_config: env kwargs, plus optional ``env_id`` and ``num_envs``
    :param env_id: id used when ``env_config`` has no ``env_id`` (default ``archgym/DigitsMLP-v0``)
    :return: the env (``gym.make`` with the registered ``TimeLimit``), or a vector env
    """
    importlib.import_module("archgym")
    cfg = dict(env_config or {})
    chosen = _check_env_id(str(cfg.pop("env_id", env_id or DEFAULT_ENV_ID)))
    num_envs = cfg.pop("num_envs", None)
    if num_envs is not None:
        return gym.make_vec(chosen, num_envs=int(num_envs), vectorization_mode="sync", **cfg)
    return gym.make(chosen, **cfg)


def register_rllib_env(name: str = "archgym", env_id: str | None = None) -> str:
    """Register :func:`make_env` with ``ray.tune.registry.register_env`` under ``name``.

    :param name: the name to pass to ``config.environment(name, env_config=...)``
    :param env_id: default id when ``env_config`` has no ``env_id`` key
    :return: ``name``
    """
    registry = require("ray.tune.registry", "ray")
    if env_id is not None:
        _check_env_id(env_id)
    registry.register_env(name, functools.partial(make_env, env_id=env_id))
    return name


def dqn_config(
    env: str = DEFAULT_ENV_ID,
    env_config: Mapping[str, Any] | None = None,
    *,
    num_env_runners: int = 0,
    num_envs_per_env_runner: int = 1,
    lr: float = 5e-4,
    gamma: float = 0.99,
    train_batch_size: int = 32,
    buffer_size: int = 10_000,
    learning_starts: int = 100,
    target_network_update_freq: int = 100,
    epsilon_timesteps: int = 2_000,
    hiddens: Sequence[int] = (64,),
    fcnet_hiddens: Sequence[int] = (64, 64),
    timesteps_per_iteration: int = 100,
    seed: int | None = 0,
) -> Any:
    """An RLlib ``DQNConfig`` (new API stack) for an archgym env.

    ``env`` is an archgym id (turned into ``"archgym:<id>"`` by :func:`rllib_env_id`, so every
    worker imports archgym) or a name registered with :func:`register_rllib_env`.

    :param env: archgym id or tune-registered env name
    :param env_config: env kwargs (e.g. ``{"eval_mode": "scratch", "device": "cpu"}``)
    :param num_env_runners: remote EnvRunner actors (0 samples in the driver)
    :param num_envs_per_env_runner: envs stepped together by each EnvRunner
    :param lr: learning rate
    :param gamma: discount factor
    :param train_batch_size: replay batch size
    :param buffer_size: replay buffer capacity (prioritized episode replay, RLlib's default)
    :param learning_starts: env steps sampled before the first update
    :param target_network_update_freq: env steps between target network syncs
    :param epsilon_timesteps: env steps over which epsilon decays from 1.0 to 0.05
    :param hiddens: hidden sizes of the Q head
    :param fcnet_hiddens: hidden sizes of the encoder
    :param timesteps_per_iteration: env steps sampled per ``algo.train()`` call (at least)
    :param seed: seed of RLlib's and the env's randomness (None: unseeded)
    :return: a ``ray.rllib.algorithms.dqn.DQNConfig``; build it with ``.build_algo()``
    """
    dqn = require("ray.rllib.algorithms.dqn", "ray")
    rl_module = require("ray.rllib.core.rl_module.default_model_config", "ray")
    if num_env_runners < 0 or num_envs_per_env_runner < 1:
        raise ValueError(
            f"num_env_runners must be >= 0 and num_envs_per_env_runner >= 1, "
            f"got {num_env_runners} and {num_envs_per_env_runner}"
        )
    from ray.tune.registry import ENV_CREATOR, _global_registry

    env_name = env if _global_registry.contains(ENV_CREATOR, env) else rllib_env_id(env)
    return (
        dqn.DQNConfig()
        .environment(env_name, env_config=dict(env_config or {}))
        .env_runners(num_env_runners=num_env_runners, num_envs_per_env_runner=num_envs_per_env_runner)
        .training(
            lr=lr,
            gamma=gamma,
            train_batch_size=train_batch_size,
            num_steps_sampled_before_learning_starts=learning_starts,
            target_network_update_freq=target_network_update_freq,
            epsilon=[(0, 1.0), (epsilon_timesteps, 0.05)],
            hiddens=list(hiddens),
            replay_buffer_config={"capacity": buffer_size},
        )
        .rl_module(model_config=rl_module.DefaultModelConfig(fcnet_hiddens=list(fcnet_hiddens)))
        .reporting(min_sample_timesteps_per_iteration=timesteps_per_iteration)
        .debugging(seed=seed)
    )
