"""SB3 vectorised envs of an archgym id: ``DummyVecEnv`` (one process), ``SubprocVecEnv``, or the batched
vector env behind :class:`SB3BatchedVecEnv` (``archgym train --batched``).

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
import numpy as np
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices, VecEnvObs, VecEnvStepReturn

from archgym.envs.core import ArchSearchEnv
from archgym.envs.vector import BatchedArchSearchVecEnv

__all__ = ["VEC_ENV_KINDS", "SB3BatchedVecEnv", "make_env_fn", "make_sb3_batched_vec_env", "make_sb3_vec_env"]

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


class SB3BatchedVecEnv(VecEnv):
    """A stable-baselines3 ``VecEnv`` over a :class:`BatchedArchSearchVecEnv` in ``same_step`` mode.

    Done sub-envs are reset within the same ``step_wait`` (their reset training is batched too);
    the infos carry ``terminal_observation`` and ``TimeLimit.truncated`` as SB3 expects.

    :param venv: the batched vector env; must use ``autoreset_mode="same_step"``
    """

    def __init__(self, venv: BatchedArchSearchVecEnv) -> None:
        if venv.autoreset_mode != AutoresetMode.SAME_STEP:
            raise ValueError("SB3BatchedVecEnv needs autoreset_mode='same_step'; valid: same_step")
        self.venv = venv
        super().__init__(venv.num_envs, venv.single_observation_space, venv.single_action_space)
        self._actions: np.ndarray | None = None

    def reset(self) -> VecEnvObs:
        """Reset every sub-env with the seeds and options set by ``seed`` / ``set_options``."""
        seeds = [s if s is None else int(s) for s in self._seeds] if self._seeds else None
        opts = self._options[0] if self._options and self._options[0] else None
        obs, vinfo = self.venv.reset(seed=seeds, options=opts)
        self.reset_infos = [self._info_of(vinfo, k) for k in range(self.num_envs)]
        self._reset_seeds()
        self._reset_options()
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        """Store the actions of the next ``step_wait``."""
        self._actions = np.asarray(actions)

    def step_wait(self) -> VecEnvStepReturn:
        """Step every sub-env; done ones are reset at once."""
        if self._actions is None:
            raise RuntimeError("call step_async before step_wait")
        obs, rew, term, trunc, vinfo = self.venv.step(self._actions)
        self._actions = None
        infos = []
        for k in range(self.num_envs):
            info = self._info_of(vinfo, k)
            if term[k] or trunc[k]:
                final_obs = vinfo["final_obs"][k]
                info = {**self._info_of(vinfo["final_info"], k), "terminal_observation": final_obs}
                info["TimeLimit.truncated"] = bool(trunc[k] and not term[k])
                self.reset_infos[k] = self._info_of(vinfo, k)
            infos.append(info)
        return obs, rew.astype(np.float32), term | trunc, infos

    @staticmethod
    def _info_of(vinfo: dict[str, Any], k: int) -> dict[str, Any]:
        out = {}
        for key, vals in vinfo.items():
            if key.startswith("_") or key in ("final_obs", "final_info"):
                continue
            mask = vinfo.get(f"_{key}")
            if mask is None or mask[k]:
                v = vals[k]
                out[key] = v.item() if isinstance(v, np.generic) else v
        return out

    def close(self) -> None:
        """Close the batched env."""
        self.venv.close()

    def _targets(self, indices: VecEnvIndices) -> list[ArchSearchEnv]:
        return [self.venv.envs[i] for i in self._get_indices(indices)]

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        """Attribute of the selected sub-envs."""
        return [getattr(e, attr_name) for e in self._targets(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        """Set an attribute of the selected sub-envs."""
        for e in self._targets(indices):
            setattr(e, attr_name, value)

    def env_method(self, method_name: str, *method_args: Any, indices: VecEnvIndices = None, **kw: Any) -> list[Any]:
        """Call a method of the selected sub-envs (e.g. ``action_masks``)."""
        return [getattr(e, method_name)(*method_args, **kw) for e in self._targets(indices)]

    def env_is_wrapped(self, wrapper_class: type[gym.Wrapper], indices: VecEnvIndices = None) -> list[bool]:
        """Sub-envs are unwrapped ArchSearchEnv instances: always False."""
        return [False for _ in self._get_indices(indices)]


def make_sb3_batched_vec_env(
    env_id: str,
    n_envs: int,
    seed: int | None = None,
    env_kwargs: dict[str, Any] | None = None,
    track_best: bool = False,
) -> VecEnv:
    """An SB3 ``VecEnv`` of ``n_envs`` batched sub-envs of the registered ``env_id`` (``archgym train --batched``).

    :param env_id: a registered archgym env id
    :param n_envs: number of sub-envs
    :param seed: sub-env ``k`` is seeded ``seed + k`` at the first reset
    :param env_kwargs: overrides of the preset's constructor keywords
    :param track_best: keep each sub-env's best child (see :class:`BatchedArchSearchVecEnv`)
    """
    spec = gym.spec(env_id)
    ep = spec.entry_point
    cls = ep if isinstance(ep, type) or not isinstance(ep, str) else gym.envs.registration.load_env_creator(ep)
    if not (isinstance(cls, type) and issubclass(cls, ArchSearchEnv)):
        raise ValueError(f"env {env_id!r} cannot be batched: its entry point is not archgym's ArchSearchEnv")
    venv = BatchedArchSearchVecEnv(
        num_envs=n_envs,
        max_episode_steps=spec.max_episode_steps,
        autoreset_mode="same_step",
        track_best=track_best,
        **{**spec.kwargs, **(env_kwargs or {})},
    )
    out = SB3BatchedVecEnv(venv)
    if seed is not None:
        out.seed(seed)
    return out
