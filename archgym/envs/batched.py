"""A vector env that trains the children of its ``K`` sub-envs together, and its SB3 adapter.

``gym.make_vec("archgym/DigitsMLP-v0", num_envs=K, vectorization_mode="vector_entry_point")``
returns a :class:`BatchedArchSearchVecEnv`. It holds ``K`` ordinary
:class:`~archgym.envs.arch_env.ArchSearchEnv` instances, so observations, actions, rewards and
info keys are exactly theirs, but every fine-tune / scratch training and every validation pass
of the ``K`` children is one batched computation (:func:`archgym.training.fit_stacked`: padded
stacked weights and ``torch.bmm``; see :mod:`archgym.training`).

How the batching works: each sub-env runs its ordinary ``reset`` / ``step`` code on a worker
thread of its own. Its trainer is replaced by a stand-in whose ``fit`` / ``evaluate`` post a
request and wait; when every sub-env is either done or waiting, the main thread serves all the
pending requests at once (grouped by step budget), wakes them, and repeats until every sub-env
has finished its step. Only one thread runs at a time, so the result is deterministic. Each child
keeps its own trainer (batch order, schedule step), so it sees the batches it would see alone.
Children that cannot be stacked (conv children) are trained one by one on the same path.

Autoreset follows Gymnasium's default ``NEXT_STEP`` mode (``autoreset_mode="same_step"`` is also
accepted); truncation after ``max_episode_steps`` works like ``TimeLimit``.
:func:`make_sb3_batched_vec_env` wraps the env as a stable-baselines3 ``VecEnv`` (same-step reset,
``terminal_observation`` and ``TimeLimit.truncated`` in the infos), for ``archgym train --batched``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices, VecEnvObs, VecEnvStepReturn

from archgym.child import ChildNet
from archgym.data import unknown_name
from archgym.envs.arch_env import ArchSearchEnv
from archgym.envs.best import better_child
from archgym.training import EvalResult, FitResult, Trainer, evaluate_stacked, fit_stacked, stackable

__all__ = [
    "AUTORESET_MODES",
    "BatchedArchSearchVecEnv",
    "SB3BatchedVecEnv",
    "make_batched_vec_env",
    "make_sb3_batched_vec_env",
]

AUTORESET_MODES: dict[str, AutoresetMode] = {"next_step": AutoresetMode.NEXT_STEP, "same_step": AutoresetMode.SAME_STEP}


# ---------------------------------------------------------------------------- batching machinery
class _Request:
    """One child's pending fit (``steps`` may be 0: evaluate only)."""

    def __init__(self, trainer: Trainer, child: ChildNet, steps: int) -> None:
        self.trainer, self.child, self.steps = trainer, child, steps
        self.done = threading.Event()
        self.result: tuple[FitResult | None, EvalResult] | None = None


class _Batcher:
    """Runs one task per sub-env on worker threads and serves their training requests in batches."""

    def __init__(self, n: int) -> None:
        self.cond = threading.Condition()
        self.pending: list[_Request] = []
        self.busy = 0
        self.queues: list[queue.SimpleQueue] = [queue.SimpleQueue() for _ in range(n)]
        self.threads = [threading.Thread(target=self._worker, args=(q,), daemon=True) for q in self.queues]
        for t in self.threads:
            t.start()

    def _worker(self, q: queue.SimpleQueue) -> None:
        while True:
            job = q.get()
            if job is None:
                return
            fn, slot, out = job
            try:
                out[slot] = (True, fn())
            except BaseException as e:  # re-raised on the main thread
                out[slot] = (False, e)
            with self.cond:
                self.busy -= 1
                self.cond.notify_all()

    def run(self, tasks: Sequence[Callable[[], Any] | None]) -> list[Any]:
        """Run ``tasks[k]`` on worker ``k`` (``None``: nothing) and return their results in order."""
        out: list[Any] = [(True, None)] * len(tasks)
        with self.cond:
            self.busy = sum(t is not None for t in tasks)
        for k, fn in enumerate(tasks):
            if fn is not None:
                self.queues[k].put((fn, k, out))
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.busy == 0)
                batch, self.pending = self.pending, []
            if not batch:
                break
            self._serve(batch)
            with self.cond:
                self.busy += len(batch)
            for r in batch:
                r.done.set()
        for ok, value in out:
            if not ok:
                raise value
        return [value for _, value in out]

    def request(self, trainer: Trainer, child: ChildNet, steps: int) -> tuple[FitResult | None, EvalResult]:
        """Called on a worker thread: queue a fit-and-evaluate and wait for the batch."""
        req = _Request(trainer, child, steps)
        with self.cond:
            self.pending.append(req)
            self.busy -= 1
            self.cond.notify_all()
        req.done.wait()
        assert req.result is not None
        return req.result

    @staticmethod
    def _serve(batch: list[_Request]) -> None:
        stack = [r for r in batch if stackable(r.child, r.trainer.data)]
        for r in batch:
            if r not in stack:  # e.g. conv children: one by one
                fit = r.trainer.fit(r.child, steps=r.steps) if r.steps > 0 else None
                r.result = (fit, r.trainer.evaluate(r.child, "val"))
        for steps in sorted({r.steps for r in stack}):
            group = [r for r in stack if r.steps == steps]
            fits = fit_stacked([(r.trainer, r.child) for r in group], steps) if steps > 0 else [None] * len(group)
            for r, fit in zip(group, fits, strict=True):
                r.result = (fit, None)  # type: ignore[assignment]
        if stack:
            evals = evaluate_stacked([(r.trainer, r.child) for r in stack], "val")
            for r, ev in zip(stack, evals, strict=True):
                r.result = (r.result[0] if r.result else None, ev)

    def close(self) -> None:
        """Stop the worker threads."""
        for q in self.queues:
            q.put(None)
        for t in self.threads:
            t.join(timeout=5)


class _DeferredTrainer:
    """Stands in for a sub-env's :class:`Trainer`: ``fit`` and ``evaluate`` go through the batcher.

    ``fit`` also evaluates on the validation split in the same batch; the env's following
    ``evaluate(child, "val")`` returns that result. Every other attribute is the real trainer's (read and
    written through).
    """

    def __init__(self, trainer: Trainer, batcher: _Batcher) -> None:
        self._trainer = trainer
        self._batcher = batcher
        self._ready: tuple[ChildNet, EvalResult] | None = None

    _OWN = ("_trainer", "_batcher", "_ready")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._trainer, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # transparent both ways: e.g. ``set_search_state`` restoring the batch order must reach the real trainer
        if name in self._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._trainer, name, value)

    def fit(self, model: ChildNet, steps: int | None = None, epochs: float | None = None, **kw: Any) -> FitResult:
        """Batched :meth:`Trainer.fit` (plus the validation pass the env asks for next)."""
        if kw or threading.current_thread() is threading.main_thread():
            return self._trainer.fit(model, steps=steps, epochs=epochs, **kw)
        n = self._trainer._budget(steps, epochs)
        fit, ev = self._batcher.request(self._trainer, model, n)
        self._ready = (model, ev)
        return fit if fit is not None else FitResult(0, float("nan"), float("nan"))

    def evaluate(self, model: ChildNet, split: str = "val", observe: bool = True) -> EvalResult:
        """Batched :meth:`Trainer.evaluate` of the validation split."""
        ready, self._ready = self._ready, None
        if ready is not None and ready[0] is model and split == "val" and observe:
            return ready[1]
        if split != "val" or not observe or threading.current_thread() is threading.main_thread():
            return self._trainer.evaluate(model, split, observe)
        return self._batcher.request(self._trainer, model, 0)[1]


# ---------------------------------------------------------------------------- the vector env
class BatchedArchSearchVecEnv(VectorEnv):
    """``K`` architecture-search envs whose children train together in batched kernels.

    Observation, action, reward and info semantics are those of ``K`` separate
    :class:`~archgym.envs.arch_env.ArchSearchEnv` (vectorised infos as in ``SyncVectorEnv``).

    :param num_envs: number of sub-envs ``K``
    :param max_episode_steps: truncate an episode after this many steps (``None``: never)
    :param autoreset_mode: ``next_step`` (Gymnasium's default) or ``same_step``
    :param env_cls: the env class (``ArchSearchEnv`` or a subclass)
    :param track_best: keep a CPU copy of each sub-env's best-scoring child in the sub-env's
        ``archgym_best`` attribute (what :class:`archgym.agents.callbacks.BestChildTracker` gives a
        wrapped env; ``archgym train --batched`` snapshots it)
    :param env_kwargs: constructor keywords of every sub-env (``device``, ``eval_mode``, ...)
    """

    def __init__(
        self,
        num_envs: int,
        max_episode_steps: int | None = None,
        autoreset_mode: str = "next_step",
        env_cls: type[ArchSearchEnv] = ArchSearchEnv,
        track_best: bool = False,
        **env_kwargs: Any,
    ) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive int, got {num_envs!r}")
        if autoreset_mode not in AUTORESET_MODES:
            raise unknown_name("autoreset_mode", autoreset_mode, list(AUTORESET_MODES))
        if max_episode_steps is not None and (not isinstance(max_episode_steps, int) or max_episode_steps < 1):
            raise ValueError(f"max_episode_steps must be a positive int or None, got {max_episode_steps!r}")
        self.num_envs = num_envs
        self.envs: list[ArchSearchEnv] = [env_cls(**deepcopy(env_kwargs)) for _ in range(num_envs)]
        first = self.envs[0]
        for e in self.envs[1:]:
            if not all(
                torch.equal(a, b) for a, b in zip(first.data.split("train"), e.data.split("train"), strict=True)
            ):
                raise ValueError("sub-envs must share one dataset split to be trained together")
        self._batcher = _Batcher(num_envs)
        for e in self.envs:
            e.trainer = _DeferredTrainer(e.trainer, self._batcher)  # type: ignore[assignment]
        self.max_episode_steps = max_episode_steps
        self.autoreset_mode = AUTORESET_MODES[autoreset_mode]
        self.metadata = {**first.metadata, "autoreset_mode": self.autoreset_mode}
        self.render_mode = first.render_mode
        self.single_observation_space = first.observation_space
        self.single_action_space = first.action_space
        self.observation_space = batch_space(first.observation_space, num_envs)
        self.action_space = batch_space(first.action_space, num_envs)
        self._elapsed = np.zeros(num_envs, dtype=np.int64)
        self._autoreset = np.zeros(num_envs, dtype=bool)
        self._obs = np.zeros((num_envs, *first.observation_space.shape), dtype=np.float32)
        self.track_best = bool(track_best)
        if self.track_best:
            for e in self.envs:
                e.archgym_best = None  # type: ignore[attr-defined]

    def _see(self, k: int, info: dict) -> None:
        """Snapshot sub-env ``k``'s child if it is its best so far (``track_best``)."""
        if self.track_best:
            e = self.envs[k]
            e.archgym_best = better_child(e.archgym_best, e.child, info)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ per-env tasks
    def _reset_one(self, k: int, seed: int | None, options: dict | None) -> tuple[np.ndarray, dict]:
        self._elapsed[k] = 0
        obs, info = self.envs[k].reset(seed=seed, options=options)
        self._see(k, info)
        return obs, info

    def _step_one(self, k: int, action: int) -> tuple[np.ndarray, float, bool, bool, dict, Any]:
        obs, rew, term, trunc, info = self.envs[k].step(action)
        self._see(k, info)
        self._elapsed[k] += 1
        if self.max_episode_steps is not None and self._elapsed[k] >= self.max_episode_steps:
            trunc = True
        final = None
        if self.autoreset_mode == AutoresetMode.SAME_STEP and (term or trunc):
            final = (obs, info)
            obs, info = self._reset_one(k, None, None)
        return obs, rew, term, trunc, info, final

    def _vector_info(self, infos: Sequence[dict]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, info in enumerate(infos):
            out = self._add_info(out, info, k)
        return out

    # ------------------------------------------------------------------ gymnasium API
    def reset(
        self, *, seed: int | Sequence[int | None] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset every sub-env (``seed`` int: sub-env ``k`` gets ``seed + k``, like ``SyncVectorEnv``)."""
        if seed is None:
            seeds: list[int | None] = [None] * self.num_envs
        elif isinstance(seed, int):
            seeds = [seed + k for k in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"got {len(seeds)} seeds for {self.num_envs} envs; give one int or one per env")
        res = self._batcher.run([lambda k=k: self._reset_one(k, seeds[k], options) for k in range(self.num_envs)])
        self._autoreset[:] = False
        for k, (obs, _) in enumerate(res):
            self._obs[k] = obs
        return self._obs.copy(), self._vector_info([info for _, info in res])

    def step(self, actions: np.ndarray | Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Step every sub-env with its action (sub-envs that ended last step are reset instead)."""
        acts = np.asarray(actions).reshape(-1)
        if acts.shape[0] != self.num_envs:
            raise ValueError(f"got {acts.shape[0]} actions for {self.num_envs} envs")
        tasks: list[Callable[[], Any]] = []
        for k in range(self.num_envs):
            if self._autoreset[k]:
                tasks.append(lambda k=k: (*self._reset_one(k, None, None), "reset"))
            else:
                tasks.append(lambda k=k: self._step_one(k, int(acts[k])))
        res = self._batcher.run(tasks)
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terms = np.zeros(self.num_envs, dtype=bool)
        truncs = np.zeros(self.num_envs, dtype=bool)
        infos: list[dict] = []
        vinfo: dict[str, Any] = {}
        for k, r in enumerate(res):
            if len(r) == 3:  # autoreset of NEXT_STEP mode
                obs, info, _ = r
            else:
                obs, rewards[k], terms[k], truncs[k], info, final = r
                if final is not None:
                    vinfo = self._add_info(vinfo, {"final_obs": final[0], "final_info": final[1]}, k)
            self._obs[k] = obs
            infos.append(info)
        if self.autoreset_mode == AutoresetMode.NEXT_STEP:
            self._autoreset = terms | truncs
        for k, info in enumerate(infos):
            vinfo = self._add_info(vinfo, info, k)
        return self._obs.copy(), rewards, terms, truncs, vinfo

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Call method (or read attribute) ``name`` of every sub-env's unwrapped env."""
        out = []
        for e in self.envs:
            attr = getattr(e, name)
            out.append(attr(*args, **kwargs) if callable(attr) else attr)
        return tuple(out)

    def get_attr(self, name: str) -> tuple[Any, ...]:
        """Attribute ``name`` of every sub-env."""
        return tuple(getattr(e, name) for e in self.envs)

    def set_attr(self, name: str, values: Any | Sequence[Any]) -> None:
        """Set attribute ``name`` of every sub-env (one value for all, or one per env)."""
        if not isinstance(values, (list, tuple)):
            values = [values] * self.num_envs
        if len(values) != self.num_envs:
            raise ValueError(f"got {len(values)} values for {self.num_envs} envs")
        for e, v in zip(self.envs, values, strict=True):
            setattr(e, name, v)

    def action_masks(self) -> np.ndarray:
        """``(K, n_actions)`` valid-action masks of the sub-envs (for MaskablePPO)."""
        return np.stack([e.action_masks() for e in self.envs])

    def close_extras(self, **kwargs: Any) -> None:
        """Stop the worker threads and close the sub-envs."""
        self._batcher.close()
        for e in self.envs:
            e.close()


def make_batched_vec_env(num_envs: int, **kwargs: Any) -> BatchedArchSearchVecEnv:
    """Gymnasium ``vector_entry_point`` of the env presets (``make_vec(..., vectorization_mode="vector_entry_point")``).

    :param num_envs: number of sub-envs
    :param kwargs: ``max_episode_steps``, ``autoreset_mode`` and the env constructor keywords
    """
    return BatchedArchSearchVecEnv(num_envs=num_envs, **kwargs)


# ---------------------------------------------------------------------------- stable-baselines3
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

    :param env_id: a registered archgym env id whose entry point is ``ArchSearchEnv`` (or a subclass)
    :param n_envs: number of sub-envs
    :param seed: sub-env ``k`` is seeded ``seed + k`` at the first reset
    :param env_kwargs: overrides of the preset's constructor keywords
    :param track_best: keep each sub-env's best child (see :class:`BatchedArchSearchVecEnv`)
    """
    spec = gym.spec(env_id)
    cls = (
        spec.entry_point
        if isinstance(spec.entry_point, type)
        else gym.envs.registration.load_env_creator(spec.entry_point)
    )
    if not (isinstance(cls, type) and issubclass(cls, ArchSearchEnv)):
        raise ValueError(
            f"env {env_id!r} cannot be batched: its entry point is not ArchSearchEnv; valid: the archgym/Digits* ids"
        )
    venv = BatchedArchSearchVecEnv(
        num_envs=n_envs,
        max_episode_steps=spec.max_episode_steps,
        autoreset_mode="same_step",
        env_cls=cls,
        track_best=track_best,
        **{**spec.kwargs, **(env_kwargs or {})},
    )
    out = SB3BatchedVecEnv(venv)
    if seed is not None:
        out.seed(seed)
    return out
