"""A vector env that trains the children of its ``K`` sub-envs together, in two phases and no threads.

``gym.make_vec("archgym/DigitsMLP-v0", num_envs=K, vectorization_mode="vector_entry_point")`` returns a
:class:`BatchedArchSearchVecEnv`. It holds ``K`` ordinary :class:`~archgym.envs.core.ArchSearchEnv`
instances, so observations, actions, rewards and info keys are exactly theirs. One vector step is:

1. each sub-env's ``begin_step`` (or ``begin_reset``) decodes its action, changes its child and returns
   its fit request;
2. :func:`serve_all` trains every request at once: plain dense children in one stacked computation per step
   budget (:func:`archgym.engine.fit_many`: padded stacked weights and ``torch.bmm``), the others one
   by one, then one stacked validation pass;
3. each sub-env's ``end_step`` measures, rewards and observes.

Each child keeps its own trainer (batch order, schedule step), so it sees the batches it would see alone:
the trajectories are those of ``K`` separate envs. Autoreset follows Gymnasium's default ``NEXT_STEP`` mode
(``autoreset_mode="same_step"`` is also accepted); truncation after ``max_episode_steps`` works like
``TimeLimit``. The stable-baselines3 adapter is :class:`archgym.integrations.sb3_vec.SB3BatchedVecEnv`.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from typing import Any

import numpy as np
import torch
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from archgym.data import unknown_name
from archgym.engine import FitRequest, evaluate_many, fit_many
from archgym.envs.best import better_child
from archgym.envs.core import ArchSearchEnv, StepPlan
from archgym.envs.evaluators.base import Outcome
from archgym.envs.guard import is_oom

__all__ = ["AUTORESET_MODES", "BatchedArchSearchVecEnv", "make_batched_vec_env", "serve_all"]

AUTORESET_MODES: dict[str, AutoresetMode] = {"next_step": AutoresetMode.NEXT_STEP, "same_step": AutoresetMode.SAME_STEP}


def serve_all(requests: Sequence[FitRequest | None]) -> list[Outcome | None]:
    """Serve many fit requests together (None entries give None): the engine fits the stackable children
    (plain dense MLPs on float data) in one stacked call per step budget and the others one by one, then
    validates them, stacked where it can. Each child trains exactly as it would alone."""
    live = [(k, r) for k, r in enumerate(requests) if r is not None]
    reqs = [r for _, r in live]
    fits, evals = fit_many(reqs), evaluate_many(reqs, "val")
    out: list[Outcome | None] = [None] * len(requests)
    for (k, _), fit, ev in zip(live, fits, evals, strict=True):
        out[k] = (fit, ev)
    return out


class BatchedArchSearchVecEnv(VectorEnv):
    """``K`` architecture-search envs whose children train together in batched kernels.

    Observation, action, reward and info semantics are those of ``K`` separate
    :class:`~archgym.envs.core.ArchSearchEnv` (vectorised infos as in ``SyncVectorEnv``).

    :param num_envs: number of sub-envs ``K``
    :param max_episode_steps: truncate an episode after this many steps (``None``: never)
    :param autoreset_mode: ``next_step`` (Gymnasium's default) or ``same_step``
    :param track_best: keep a CPU copy of each sub-env's best-scoring child in its ``archgym_best`` attribute
        (what :class:`archgym.agents.tracker.BestChildTracker` gives a wrapped env)
    :param env_kwargs: constructor keywords of every sub-env (``device``, ``eval_mode``, ...)
    """

    def __init__(
        self,
        num_envs: int,
        max_episode_steps: int | None = None,
        autoreset_mode: str = "next_step",
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
        self.envs: list[ArchSearchEnv] = [ArchSearchEnv(**deepcopy(env_kwargs)) for _ in range(num_envs)]
        first = self.envs[0]
        if first.data is not None:
            for e in self.envs[1:]:
                pairs = zip(first.data.split("train"), e.data.split("train"), strict=True)
                if not all(torch.equal(a, b) for a, b in pairs):
                    raise ValueError("sub-envs must share one dataset split to be trained together")
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
        self._obs = np.zeros((num_envs, *first.encoder.observation_space.shape), dtype=np.float32)
        self.track_best = bool(track_best)
        if self.track_best:
            for e in self.envs:
                e.archgym_best = None  # type: ignore[attr-defined]

    def _see(self, k: int, info: dict) -> None:
        """Snapshot sub-env ``k``'s child if it is its best so far (``track_best``)."""
        if self.track_best:
            e = self.envs[k]
            e.archgym_best = better_child(e.archgym_best, e.child, info)  # type: ignore[attr-defined]

    def _serve(self, plans: dict[int, StepPlan]) -> dict[int, Any]:
        """Serve the plans' requests together; if that runs out of memory, each env serves its own (and undoes)."""
        keys = list(plans)
        reqs = [p.request if (p := plans[k].plan) is not None else None for k in keys]
        try:
            res = serve_all(reqs)
        except (RuntimeError, MemoryError) as e:
            if not is_oom(e):
                raise
            return {k: self.envs[k].serve(plans[k]) for k in keys}
        return dict(zip(keys, res, strict=True))

    def _reset_many(self, seeds: dict[int, int | None], options: dict | None) -> dict[int, tuple[np.ndarray, dict]]:
        plans = {k: self.envs[k].begin_reset(seed=s, options=options) for k, s in seeds.items()}
        outcomes = self._serve(plans)
        out = {}
        for k, sp in plans.items():
            self._elapsed[k] = 0
            obs, info = self.envs[k].end_reset(sp, outcomes[k])
            self._see(k, info)
            out[k] = (obs, info)
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
        res = self._reset_many(dict(enumerate(seeds)), options)
        self._autoreset[:] = False
        vinfo: dict[str, Any] = {}
        for k in range(self.num_envs):
            self._obs[k] = res[k][0]
            vinfo = self._add_info(vinfo, res[k][1], k)
        return self._obs.copy(), vinfo

    def step(self, actions: np.ndarray | Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Step every sub-env with its action (sub-envs that ended last step are reset instead)."""
        acts = np.asarray(actions).reshape(-1)
        if acts.shape[0] != self.num_envs:
            raise ValueError(f"got {acts.shape[0]} actions for {self.num_envs} envs")
        resetting = [k for k in range(self.num_envs) if self._autoreset[k]]
        stepping = [k for k in range(self.num_envs) if not self._autoreset[k]]
        plans = {k: self.envs[k].begin_reset() for k in resetting}
        plans.update({k: self.envs[k].begin_step(int(acts[k])) for k in stepping})
        outcomes = self._serve(dict(sorted(plans.items())))
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terms = np.zeros(self.num_envs, dtype=bool)
        truncs = np.zeros(self.num_envs, dtype=bool)
        infos: dict[int, dict] = {}
        for k in sorted(plans):
            e = self.envs[k]
            if k in resetting:
                self._elapsed[k] = 0
                self._obs[k], infos[k] = e.end_reset(plans[k], outcomes[k])
            else:
                self._obs[k], rewards[k], terms[k], truncs[k], infos[k] = e.end_step(plans[k], outcomes[k])
                self._elapsed[k] += 1
                if self.max_episode_steps is not None and self._elapsed[k] >= self.max_episode_steps:
                    truncs[k] = True
            self._see(k, infos[k])
        vinfo: dict[str, Any] = {}
        if self.autoreset_mode == AutoresetMode.SAME_STEP:
            done = [k for k in stepping if terms[k] or truncs[k]]
            for k in done:
                vinfo = self._add_info(vinfo, {"final_obs": self._obs[k].copy(), "final_info": infos[k]}, k)
            for k, (obs, info) in self._reset_many(dict.fromkeys(done), None).items():
                self._obs[k], infos[k] = obs, info
        else:
            self._autoreset = terms | truncs
        for k in range(self.num_envs):
            vinfo = self._add_info(vinfo, infos[k], k)
        return self._obs.copy(), rewards, terms, truncs, vinfo

    def reset_one(self, k: int, seed: int | None = None) -> tuple[np.ndarray, dict]:
        """Reset sub-env ``k`` alone (its episode step count too); the others are untouched."""
        obs, info = self._reset_many({k: seed}, None)[k]
        self._obs[k], self._autoreset[k] = obs, False
        return obs, info

    def state_dict(self) -> dict[str, Any]:
        """The vector env's own episode state (step counts, pending autoresets); the sub-envs save themselves."""
        return {"elapsed": [int(n) for n in self._elapsed], "autoreset": [bool(b) for b in self._autoreset]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self._elapsed[:] = state["elapsed"]
        self._autoreset[:] = state.get("autoreset", [False] * self.num_envs)

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Call method (or read attribute) ``name`` of every sub-env."""
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
        """Close the sub-envs."""
        for e in self.envs:
            e.close()


def make_batched_vec_env(num_envs: int, **kwargs: Any) -> BatchedArchSearchVecEnv:
    """Gymnasium ``vector_entry_point`` of the env presets (``make_vec(..., vectorization_mode="vector_entry_point")``).

    :param num_envs: number of sub-envs
    :param kwargs: ``max_episode_steps``, ``autoreset_mode`` and the env constructor keywords
    """
    return BatchedArchSearchVecEnv(num_envs=num_envs, **kwargs)
