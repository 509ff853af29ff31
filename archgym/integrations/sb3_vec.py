"""SB3 vectorised envs of an archgym id: ``DummyVecEnv`` (one process) or ``SubprocVecEnv``.

``SubprocVecEnv`` starts its workers with ``forkserver``/``spawn``: fresh interpreters that
have not run ``import archgym``. Each worker therefore builds its env through :func:`make_env_fn`,
a picklable factory that imports archgym (registering the ids) before ``gym.make``, wraps the env
in SB3's ``Monitor`` and seeds its action space. Each subprocess also caps torch at
``worker_threads`` threads, so K workers do not oversubscribe the cores.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym

__all__ = ["VEC_ENV_KINDS", "make_env_fn", "make_sb3_vec_env"]

VEC_ENV_KINDS = ("dummy", "subproc")


def _make_env(
    env_id: str, rank: int, seed: int | None, env_kwargs: Mapping[str, Any], worker_threads: int | None
) -> gym.Env:
    if worker_threads is not None:
        import torch

        torch.set_num_threads(worker_threads)
    importlib.import_module("archgym")
    from stable_baselines3.common.monitor import Monitor

    env = Monitor(gym.make(env_id, **dict(env_kwargs)))
    if seed is not None:
        env.action_space.seed(seed + rank)
    return env


def make_env_fn(
    env_id: str,
    rank: int = 0,
    seed: int | None = 0,
    env_kwargs: Mapping[str, Any] | None = None,
    worker_threads: int | None = None,
) -> Callable[[], gym.Env]:
    """A picklable no-argument factory of one Monitor-wrapped env (importing archgym where it runs).

    :param env_id: registered archgym id
    :param rank: index of the env in its vector (offsets the action-space seed)
    :param seed: base seed (None: unseeded)
    :param env_kwargs: env preset overrides
    :param worker_threads: ``torch.set_num_threads`` in the process that builds the env (None: leave it)
    :return: the factory
    """
    return functools.partial(_make_env, env_id, rank, seed, dict(env_kwargs or {}), worker_threads)


def make_sb3_vec_env(
    env_id: str,
    n_envs: int = 1,
    vec: str = "dummy",
    seed: int | None = 0,
    env_kwargs: Mapping[str, Any] | None = None,
    worker_threads: int | None = 1,
    start_method: str | None = None,
) -> Any:
    """An SB3 ``VecEnv`` of ``n_envs`` copies of ``env_id`` (env ``i`` is seeded ``seed + i`` at its first reset).

    :param env_id: registered archgym id
    :param n_envs: number of envs (>= 1)
    :param vec: ``dummy`` (sequential, one process) or ``subproc`` (one process per env)
    :param seed: base seed (None: unseeded)
    :param env_kwargs: env preset overrides (``device``, ``eval_mode``, ...)
    :param worker_threads: torch threads of each subprocess (``subproc`` only; None leaves torch's default)
    :param start_method: ``SubprocVecEnv``'s multiprocessing start method (None: SB3's default, forkserver)
    :return: a ``DummyVecEnv`` or ``SubprocVecEnv``
    :raises ValueError: unknown ``vec``, bad ``n_envs``, unknown env id
    """
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    classes: dict[str, Callable[..., Any]] = {
        "dummy": DummyVecEnv,
        "subproc": functools.partial(SubprocVecEnv, start_method=start_method),
    }
    if vec not in classes:
        from archgym.data import unknown_name

        raise unknown_name("vec env kind", vec, VEC_ENV_KINDS)
    if isinstance(n_envs, bool) or not isinstance(n_envs, int) or n_envs < 1:
        raise ValueError(f"n_envs must be an int >= 1, got {n_envs!r}")
    importlib.import_module("archgym")
    if env_id not in gym.registry:
        from archgym.data import unknown_name

        raise unknown_name("env id", env_id, sorted(k for k in gym.registry if k.startswith("archgym/")))
    threads = worker_threads if vec == "subproc" else None
    fns = [make_env_fn(env_id, i, seed, env_kwargs, threads) for i in range(n_envs)]
    venv = classes[vec](fns)
    if seed is not None:
        venv.seed(seed)
    return venv
