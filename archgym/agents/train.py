"""``archgym train``: build an SB3 agent from a preset, train it with logging, checkpoints and resume.

Reads top to bottom like a CleanRL script: resolve and validate the configuration (every user error
is a ValueError raised *before* the run directory is created), build the vectorised envs and the
agent, attach the TensorBoard logger and the callbacks, learn, save, summarise.

Resume checkpoints
------------------
Every ``checkpoint_freq`` env steps, at the start of training, at its end, and when the process gets
SIGINT or SIGTERM, :class:`ResumeCheckpoint` writes ``RUN_DIR/resume/ckpt_<steps>/`` holding

* ``model.zip``: the agent (SB3 zip: policy, optimizer, step and episode counters, last observation),
* ``replay_buffer.pkl``: the replay buffer (off-policy agents),
* ``state.pt`` (``torch.save`` of plain values and tensors; loaded with ``weights_only=True``): the
  python, numpy and torch (and CUDA) RNG states, the agent's action-space RNG, every env's state
  (``ArchSearchEnv.get_search_state``: its ``np_random``, architecture, child ``state_dict``,
  trainer batch order and schedule, counters) and its wrappers' (time limit, Monitor episode sums,
  best child), the callback's episode bookkeeping, and the ``search.jsonl`` position (bytes,
  record count, sha256 of that prefix; the log is fsynced first).

It is written in a temporary folder, every file fsynced, renamed into place, and only then does
``resume/latest.json`` (itself replaced atomically, with the sha256 of each file) point at it, so a
kill at any moment leaves the previous checkpoint intact. Checkpoints are taken at rollout
boundaries (SB3's ``on_rollout_start``), where the agent, its buffer and the envs agree; a signal
stops training at the next boundary, after the checkpoint. ``archgym train --resume RUN_DIR``
loads the newest checkpoint, cuts ``search.jsonl`` back to its position and continues exactly: on
the CPU the resumed run writes the same records as an uninterrupted one; that holds for ``--batched``
runs too (their sub-envs are in-process: their states, episode step counts, best children and the
``VecMonitor`` sums are saved), while ``--vec subproc`` runs restart their episodes (the env states
live in the worker processes). Env classes that override
``reset`` (the online env, whose stream position is not captured) restart their interrupted episode
instead, from their saved ``np_random``. Records of a run are ordered: ``evaluation`` counts 1, 2, ...
without gaps, ``step`` never decreases (an episode's last step and the next episode's initial
network share a step), and no ``(step, episode)`` pair repeats.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import math
import os
import random
import re
import shutil
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback, CallbackList, CheckpointCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.logger import configure
from stable_baselines3.common.off_policy_algorithm import OffPolicyAlgorithm
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecEnv, VecEnvWrapper, VecMonitor

from archgym.agents.callbacks import ArchGymCallback, BestChildTracker, innermost_vec_env
from archgym.agents.evaluate import EpisodeResult, env_kwargs_of, make_env, run_episodes
from archgym.agents.integrity import IntegrityError, record_checksums, sha256_file
from archgym.agents.records import SearchLog, best_record, read_records
from archgym.agents.run import (
    CHECKPOINT_DIR,
    MODEL_FILE,
    SEARCH_FILE,
    SNAPSHOT_DIR,
    check_env_kwargs,
    dataset_meta,
    latest_model,
    new_run_dir,
    read_config,
    replay_buffer_of,
    write_config,
)
from archgym.agents.sb3 import ALGOS, ScaleReward, algo_kwargs, load_agent_preset, make_agent, reward_scale_of
from archgym.atomic import atomic_path, atomic_write_text, fsync_dir, fsync_file
from archgym.data import unknown_name
from archgym.device import resolve_device

__all__ = ["RESUME_DIR", "ResumeCheckpoint", "TrainResult", "latest_resume_checkpoint", "resume", "train"]

RESUME_DIR = "resume"
_LATEST = "latest.json"


@dataclass
class TrainResult:
    """What a training run produced.

    :param run_dir: the run directory
    :param model_path: the saved agent
    :param num_timesteps: env steps the agent has been trained for (all segments)
    :param initial: record of the first evaluated (initial) architecture
    :param best: record of the best architecture found
    :param final: deterministic evaluation episodes of the trained agent
    :param interrupted: training was stopped by Ctrl-C (the model was saved)
    """

    run_dir: Path
    model_path: Path
    num_timesteps: int
    initial: Mapping[str, Any] | None
    best: Mapping[str, Any] | None
    final: list[EpisodeResult]
    interrupted: bool = False


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return value


class _Checkpoints(CheckpointCallback):
    """CheckpointCallback that saves atomically, records checksums and keeps only the newest replay buffer.

    (Older buffers are large and useless: ``--resume`` reads the resume checkpoints.)
    """

    def _on_step(self) -> bool:
        if self.n_calls % self.save_freq != 0:
            return True
        run_dir = Path(self.save_path).parent
        saved = [self._checkpoint_path(extension="zip")]
        with atomic_path(saved[0]) as tmp:
            self.model.save(tmp)
        removed: list[Path] = []
        if self.save_replay_buffer and getattr(self.model, "replay_buffer", None) is not None:
            saved.append(self._checkpoint_path("replay_buffer_", extension="pkl"))
            with atomic_path(saved[1]) as tmp:
                self.model.save_replay_buffer(tmp)
            buffers = sorted(
                Path(self.save_path).glob(f"{self.name_prefix}_replay_buffer_*_steps.pkl"),
                key=lambda p: int(re.findall(r"(\d+)_steps", p.name)[0]),
            )
            for old in buffers[:-1]:
                old.unlink(missing_ok=True)
                removed.append(old)
        record_checksums(run_dir, saved, removed=removed)
        return True


class _Interrupted(Exception):
    """Raised at a rollout boundary after the checkpoint that a SIGINT/SIGTERM asked for."""


def _plain_np_state() -> tuple[Any, ...]:
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return (name, keys.tolist(), int(pos), int(has_gauss), float(cached))


#: wrapper class name -> attributes that carry episode state across a checkpoint
WRAPPER_STATE: dict[str, tuple[str, ...]] = {
    "TimeLimit": ("_elapsed_steps",),
    "OrderEnforcing": ("_has_reset",),
    "Monitor": ("rewards", "needs_reset", "total_steps", "episode_returns", "episode_lengths", "episode_times"),
    "BestChildTracker": ("archgym_best",),
}


#: wrapper class name -> attributes set on restore (the passive checker's one-off checks ran before the save;
#: re-running its data-reuse check would need the previous step's data, which is not saved)
WRAPPER_RESTORE: dict[str, dict[str, Any]] = {
    "PassiveEnvChecker": {"checked_reset": True, "checked_step": True, "checked_data_reuse": True},
}


#: VecEnvWrapper class name -> attributes that carry episode state across a checkpoint (numpy arrays as lists)
VEC_WRAPPER_STATE: dict[str, tuple[str, ...]] = {
    "VecMonitor": ("episode_returns", "episode_lengths", "episode_count"),
}


def _batched_of(venv: VecEnv) -> Any:
    """The :class:`~archgym.envs.batched.SB3BatchedVecEnv` under ``venv``'s wrappers, or None."""
    from archgym.envs.batched import SB3BatchedVecEnv

    inner = innermost_vec_env(venv)
    return inner if isinstance(inner, SB3BatchedVecEnv) else None


def _venv_envs(venv: VecEnv) -> list[gym.Env] | None:
    """The in-process envs of ``venv`` (dummy: the wrapped envs; batched: the sub-envs), or None (subproc)."""
    if isinstance(venv, DummyVecEnv):
        return list(venv.envs)
    batched = _batched_of(venv)
    return list(batched.venv.envs) if batched is not None else None


def _vec_state(venv: VecEnv) -> dict[str, Any] | None:
    """Episode state kept by a batched run outside its sub-envs (None for other vec kinds)."""
    batched = _batched_of(venv)
    if batched is None:
        return None
    wrappers, w = [], venv
    while isinstance(w, VecEnvWrapper):
        attrs = VEC_WRAPPER_STATE.get(type(w).__name__, ())
        wrappers.append({a: np.asarray(getattr(w, a)).tolist() for a in attrs if hasattr(w, a)})
        w = w.venv
    bv = batched.venv
    return {
        "wrappers": wrappers,
        "elapsed": [int(n) for n in bv._elapsed],
        "best": [getattr(e, "archgym_best", None) for e in bv.envs],
    }


def _restore_vec_state(venv: VecEnv, state: dict[str, Any]) -> None:
    """Inverse of :func:`_vec_state`."""
    w, k = venv, 0
    while isinstance(w, VecEnvWrapper):
        for a, v in (state["wrappers"][k] if k < len(state["wrappers"]) else {}).items():
            setattr(w, a, np.asarray(v, dtype=np.asarray(getattr(w, a)).dtype) if isinstance(v, list) else v)
        w, k = w.venv, k + 1
    bv = _batched_of(venv).venv
    bv._elapsed[:] = state["elapsed"]
    for e, best in zip(bv.envs, state["best"], strict=True):
        e.archgym_best = best


def _env_state(env: gym.Env) -> dict[str, Any]:
    wrappers, e = [], env
    while isinstance(e, gym.Wrapper):
        attrs = WRAPPER_STATE.get(type(e).__name__, ())
        wrappers.append({a: getattr(e, a) for a in attrs if hasattr(e, a)})
        e = e.env
    u = env.unwrapped
    get = getattr(u, "get_search_state", None)
    return {"wrappers": wrappers, "np_random": u.np_random.bit_generator.state, "env": get() if get else None}


def _restore_env(env: gym.Env, state: dict[str, Any]) -> bool:
    """Put an env (and its wrappers) back; False when its episode must restart (no exact state)."""
    e, k = env, 0
    while isinstance(e, gym.Wrapper):
        if k < len(state["wrappers"]):
            for a, v in state["wrappers"][k].items():
                setattr(e, a, v)
        for a, v in WRAPPER_RESTORE.get(type(e).__name__, {}).items():
            setattr(e, a, v)
        e, k = e.env, k + 1
    u = env.unwrapped
    u.np_random.bit_generator.state = state["np_random"]
    if state["env"] is None:
        return False
    u.set_search_state(state["env"])
    return True


class ResumeCheckpoint(BaseCallback):
    """Write resume checkpoints (see the module docstring) and stop cleanly on SIGINT/SIGTERM.

    :param run_dir: the run directory
    :param search_log: the open ``search.jsonl`` writer (synced before each checkpoint)
    :param archgym_callback: the callback whose bookkeeping is saved
    :param save_freq: env steps between two checkpoints
    """

    def __init__(self, run_dir: Path, search_log: SearchLog, archgym_callback: ArchGymCallback, save_freq: int) -> None:
        super().__init__(0)
        self.run_dir = Path(run_dir)
        self.search_log = search_log
        self.archgym_callback = archgym_callback
        self.save_freq = int(save_freq)
        self.stop_signal: int | None = None
        self.last_saved = -1

    def _on_training_start(self) -> None:
        if self.last_saved < 0:
            self.save()

    def _on_rollout_start(self) -> None:
        if self.stop_signal is not None:
            self.save()
            raise _Interrupted(signal.Signals(self.stop_signal).name)
        if self.num_timesteps - self.last_saved >= self.save_freq:
            self.save()

    def _on_step(self) -> bool:
        return True

    def _on_training_end(self) -> None:
        self.save()

    def save(self) -> Path:
        """Write a checkpoint of the current state (no-op if this step is already saved)."""
        n = int(self.model.num_timesteps)
        root = self.run_dir / RESUME_DIR
        if n == self.last_saved:
            return root / f"ckpt_{n}"
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".ckpt_{n}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        self.model.save(tmp / "model.zip")
        files = ["model.zip"]
        if isinstance(self.model, OffPolicyAlgorithm) and self.model.replay_buffer is not None:
            self.model.save_replay_buffer(tmp / "replay_buffer.pkl")
            files.append("replay_buffer.pkl")
        size = self.search_log.sync()
        venv = self.model.get_env()
        state = {
            "format": 1,
            "num_timesteps": n,
            "rng": _rng_state(self.model),
            # exact env states for in-process envs (dummy, batched); subproc runs restart their episodes
            "envs": None if (envs := _venv_envs(venv)) is None else [_env_state(e) for e in envs],
            "vec": _vec_state(venv),
            "reset_infos": [dict(i) for i in getattr(innermost_vec_env(venv), "reset_infos", [{}] * venv.num_envs)],
            "callback": self.archgym_callback.state_dict(),
            "search": {"bytes": size, "records": self.search_log_records(), "sha256": _prefix_sha256(size, self)},
        }
        torch.save(state, tmp / "state.pt")
        files.append("state.pt")
        for f in files:
            fsync_file(tmp / f)
        fsync_dir(tmp)
        final = root / f"ckpt_{n}"
        shutil.rmtree(final, ignore_errors=True)  # a stale folder of a crashed run (latest.json never named it)
        os.replace(tmp, final)
        fsync_dir(root)
        doc = {"dir": final.name, "num_timesteps": n, "files": {f: sha256_file(final / f) for f in files}}
        atomic_write_text(root / _LATEST, json.dumps(doc, indent=1) + "\n")
        for old in root.glob("ckpt_*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
        self.last_saved = n
        return final

    def search_log_records(self) -> int:
        """Records in ``search.jsonl`` so far (the callback's evaluation counter)."""
        return int(self.archgym_callback.evaluations)


def _prefix_sha256(size: int, cb: ResumeCheckpoint) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(cb.search_log.path, "rb") as fh:
        h.update(fh.read(size))
    return h.hexdigest()


def _rng_state(model: BaseAlgorithm) -> dict[str, Any]:
    return {
        "python": random.getstate(),
        "numpy": _plain_np_state(),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "action_space": model.action_space.np_random.bit_generator.state,
    }


def _restore_rng(state: dict[str, Any], model: BaseAlgorithm) -> None:
    random.setstate(state["python"])
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    model.action_space.np_random.bit_generator.state = state["action_space"]


def latest_resume_checkpoint(run_dir: str | os.PathLike[str]) -> Path | None:
    """The newest complete resume checkpoint of a run, verified against ``resume/latest.json``.

    :param run_dir: the run directory
    :return: the checkpoint folder, or None when the run has none (a run of an older version)
    :raises IntegrityError: the checkpoint's files are missing or differ from their recorded sha256
    """
    latest = Path(run_dir) / RESUME_DIR / _LATEST
    if not latest.is_file():
        return None
    try:
        doc = json.loads(latest.read_text())
        folder, files = latest.parent / str(doc["dir"]), dict(doc["files"])
    except (ValueError, KeyError, TypeError):
        raise IntegrityError(
            f"{latest} is corrupt; remove the resume/ folder to resume from the newest agent"
        ) from None
    for name, digest in files.items():
        f = folder / name
        if not f.is_file() or sha256_file(f) != digest:
            raise IntegrityError(f"resume checkpoint file '{f}' is missing or fails its sha256 recorded in {latest}")
    return folder


def _wrap(env: gym.Env, reward_scale: float = 1.0) -> gym.Env:
    env = BestChildTracker(env)
    return ScaleReward(env, reward_scale) if reward_scale != 1.0 else env


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


def _vec_env(config: Mapping[str, Any], device: str | None = None) -> VecEnv:
    """The run's VecEnv: ``dummy`` (one process), ``subproc`` (one process per env) or ``batched``
    (the K children trained together in stacked kernels, :mod:`archgym.envs.batched`)."""
    kind = config.get("vec", "dummy")
    scale = reward_scale_of(config["hyperparams"])
    if kind == "batched":
        from archgym.envs.batched import make_sb3_batched_vec_env

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
        wrapper_kwargs={"reward_scale": scale},
        vec_env_cls=SubprocVecEnv if kind == "subproc" else DummyVecEnv,
    )


def _version() -> str:
    try:
        return importlib.metadata.version("archgym")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def train(
    env_id: str,
    agent: str = "dqn",
    timesteps: int | None = None,
    seed: int = 0,
    logdir: str | os.PathLike[str] = "runs",
    device: str = "auto",
    env_kwargs: Mapping[str, Any] | None = None,
    n_envs: int = 1,
    hyperparams: Mapping[str, Any] | None = None,
    vec: str = "dummy",
    checkpoint_freq: int = 1000,
    figure_freq: int = 500,
    eval_episodes: int = 1,
    progress_bar: bool = True,
    verbose: int = 0,
) -> TrainResult:
    """Train an agent preset on an env and write a run directory (see :mod:`archgym.agents.run`).

    :param env_id: registered archgym env id
    :param agent: agent preset name (``agents/<agent>.yaml``)
    :param timesteps: env steps (default: the preset's ``n_timesteps`` for this env)
    :param seed: seed of the agent and of the envs (env ``i`` is seeded ``seed + i``)
    :param logdir: parent folder of the run directory
    :param device: ``auto``, ``cpu`` or ``cuda``: the agent's device and the child's (env kwarg ``device``)
    :param env_kwargs: overrides of the env preset's kwargs
    :param n_envs: number of envs stepped together
    :param hyperparams: overrides of the agent preset's hyperparameters
    :param vec: ``dummy`` (one process), ``subproc`` (SB3 SubprocVecEnv) or ``batched`` (children trained
        together in batched kernels); resume checkpoints keep the exact env state only for ``dummy``
        (other runs restart their episodes on resume)
    :param checkpoint_freq: env steps between two checkpoints
    :param figure_freq: env steps between two Pareto-front figures in TensorBoard
    :param eval_episodes: deterministic episodes played by the trained agent at the end (0: none)
    :param progress_bar: show SB3's progress bar (tqdm + rich)
    :param verbose: SB3 verbosity (1 also prints SB3's log tables)
    :raises ValueError: any bad input, before anything is written
    """
    env_kwargs = dict(env_kwargs or {})
    check_env_kwargs(env_id, env_kwargs)
    resolve_device(device)
    env_kwargs.setdefault("device", device)
    resolve_device(env_kwargs["device"])
    preset = load_agent_preset(agent)
    hp = preset.hyperparams(env_id)
    hp.update(hyperparams or {})
    total = _positive_int("timesteps", timesteps if timesteps is not None else hp.get("n_timesteps", 3000))
    hp["n_timesteps"] = total
    _positive_int("n_envs", n_envs)
    if vec not in VEC_KINDS:
        raise unknown_name("vec env kind", vec, VEC_KINDS)
    _positive_int("checkpoint_freq", checkpoint_freq)
    algo_kwargs(preset.algo, hp, total)  # validates hyperparameters before any env is built
    reward_scale_of(hp)
    config: dict[str, Any] = {
        "archgym_version": _version(),
        "env_id": env_id,
        "env_kwargs": env_kwargs,
        "agent": agent,
        "algo": preset.algo,
        "seed": int(seed),
        "n_envs": int(n_envs),
        "vec": vec,
        "device": device,
        "total_timesteps": total,
        "checkpoint_freq": int(checkpoint_freq),
        "figure_freq": int(figure_freq),
        "hyperparams": hp,
    }
    venv = _vec_env(config)
    model = make_agent(preset.algo, venv, hp, total, seed=seed, device=device, verbose=verbose)
    run_dir = new_run_dir(logdir, env_id, agent, seed)
    write_config(run_dir, config)
    return _learn(model, run_dir, config, total, reset=True, progress_bar=progress_bar, eval_episodes=eval_episodes)


def resume(
    run_dir: str | os.PathLike[str],
    timesteps: int | None = None,
    device: str | None = None,
    eval_episodes: int = 1,
    progress_bar: bool = True,
    verbose: int = 0,
) -> TrainResult:
    """Continue a run from its newest resume checkpoint, in the same directory (see the module docstring).

    The step count continues (TensorBoard curves and ``search.jsonl`` go on from it); records
    written after the checkpoint (a killed run) are cut off first. A run without resume checkpoints
    (an older version) continues from its newest saved agent and replay buffer, with fresh episodes.

    :param run_dir: the run directory
    :param timesteps: extra env steps (default: what is left of the configured ``total_timesteps``)
    :param device: override of the configured device
    :param eval_episodes: deterministic episodes played at the end (0: none)
    :param progress_bar: show the progress bar
    :param verbose: SB3 verbosity
    :raises ValueError: not a run dir, no saved agent, a checkpoint that fails its checksums, or
        nothing left to train
    """
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    if device is not None:
        resolve_device(device)
        config["device"] = device
        config["env_kwargs"] = {**config.get("env_kwargs", {}), "device": device}
    spec = ALGOS[config["algo"]] if config.get("algo") in ALGOS else None
    if spec is None:
        raise ValueError(f"run config names unknown algo {config.get('algo')!r}; valid: {', '.join(ALGOS)}")
    ckpt = latest_resume_checkpoint(run_dir)
    venv = _vec_env(config)
    state: dict[str, Any] | None = None
    if ckpt is not None:
        model = spec.load().load(
            ckpt / "model.zip", env=venv, device=config["device"], verbose=verbose, force_reset=False
        )
        buffer = ckpt / "replay_buffer.pkl"
        state = torch.load(ckpt / "state.pt", weights_only=True)
        if state["envs"] is not None and len(state["envs"]) != venv.num_envs:
            raise ValueError(f"checkpoint {ckpt} holds {len(state['envs'])} envs, the config {venv.num_envs}")
    else:
        path = latest_model(run_dir)
        model = spec.load().load(path, env=venv, device=config["device"], verbose=verbose)
        buffer = replay_buffer_of(path)
    if timesteps is None:
        timesteps = int(config["total_timesteps"]) - model.num_timesteps
        if timesteps < 1:
            raise ValueError(
                f"run '{run_dir}' already trained {model.num_timesteps} of {config['total_timesteps']} steps; "
                "pass --timesteps N to train N more"
            )
    _positive_int("timesteps", timesteps)
    if isinstance(model, OffPolicyAlgorithm) and buffer.is_file():
        model.load_replay_buffer(buffer)
    restart: list[int] = []
    if state is not None:
        restart = _restore_venv(model, venv, state)
    config["total_timesteps"] = model.num_timesteps + timesteps
    write_config(run_dir, config)
    return _learn(
        model,
        run_dir,
        config,
        timesteps,
        reset=False,
        progress_bar=progress_bar,
        eval_episodes=eval_episodes,
        resume_state=None if state is None else (state, restart),
    )


def _restore_venv(model: BaseAlgorithm, venv: VecEnv, state: dict[str, Any]) -> list[int]:
    """Put the envs and RNGs of a checkpoint back; return the envs whose episode had to restart."""
    envs = _venv_envs(venv)
    if state["envs"] is None or envs is None:  # subproc runs: no per-env state, every episode restarts
        _restore_rng(state["rng"], model)
        model._last_obs = venv.reset()
        model._last_episode_starts = np.ones((venv.num_envs,), dtype=bool)
        return list(range(venv.num_envs))
    restart = [i for i, (e, st) in enumerate(zip(envs, state["envs"], strict=True)) if not _restore_env(e, st)]
    batched = _batched_of(venv)
    holder = innermost_vec_env(venv)  # the VecEnv whose reset_infos the callback reads
    holder.reset_infos = [dict(i) for i in state["reset_infos"]]
    holder._reset_seeds()  # the seeds of the first reset were used by the run's first reset
    holder._reset_options()
    if state.get("vec") is not None and batched is not None:
        _restore_vec_state(venv, state["vec"])
    for i in restart:
        obs, info = batched.venv._reset_one(i, None, None) if batched is not None else envs[i].reset()
        model._last_obs[i] = obs
        model._last_episode_starts[i] = True
        holder.reset_infos[i] = info
    _restore_rng(state["rng"], model)
    return restart


def _cut_search_log(path: Path, search: dict[str, Any]) -> list[dict[str, Any]]:
    """Truncate ``search.jsonl`` to a checkpoint's position, after checking the kept prefix."""
    import hashlib

    size = int(search["bytes"])
    have = path.stat().st_size if path.is_file() else 0
    if have < size:
        raise IntegrityError(f"{path} holds {have} bytes, fewer than the {size} of its resume checkpoint")
    with open(path, "rb") as fh:
        prefix = fh.read(size)
    if hashlib.sha256(prefix).hexdigest() != search["sha256"]:
        raise IntegrityError(f"{path}: the records before the resume checkpoint changed (sha256 mismatch)")
    if have > size:
        os.truncate(path, size)
        fsync_file(path)
    records = read_records(path)
    if len(records) != int(search["records"]):
        raise IntegrityError(f"{path}: {len(records)} records before the checkpoint, expected {search['records']}")
    return records


def _learn(
    model: Any,
    run_dir: Path,
    config: Mapping[str, Any],
    steps: int,
    reset: bool,
    progress_bar: bool,
    eval_episodes: int,
    resume_state: tuple[dict[str, Any], list[int]] | None = None,
) -> TrainResult:
    """Attach the logger and callbacks, learn (checkpointing; SIGINT/SIGTERM stop cleanly), save, evaluate."""
    formats = ["tensorboard"] + (["stdout"] if model.verbose >= 1 else [])
    model.set_logger(configure(str(run_dir), formats))
    search_path = run_dir / SEARCH_FILE
    previous: list[dict[str, Any]] = []
    if resume_state is not None:
        previous = _cut_search_log(search_path, resume_state[0]["search"])
    elif search_path.is_file():  # a run without resume checkpoints: drop the records after the saved agent
        previous = [r for r in read_records(search_path) if r.get("step", 0) <= model.num_timesteps]
        with atomic_path(search_path) as tmp, SearchLog(tmp) as log:
            for r in previous:
                log.write(r)
    n_envs = int(config["n_envs"])
    off_policy = isinstance(model, OffPolicyAlgorithm)
    meta = {"env_id": config["env_id"], "run_dir": str(run_dir)}
    meta["dataset"] = dataset_meta(config["env_id"], config.get("env_kwargs", {}))
    freq = int(config.get("checkpoint_freq", 1000))
    with SearchLog(search_path) as log:
        cb = ArchGymCallback(
            log,
            hparams={
                "env_id": config["env_id"],
                "agent": config["agent"],
                "seed": config["seed"],
                "n_envs": n_envs,
                **config["hyperparams"],
                "env": config.get("env_kwargs", {}),
            },
            figure_freq=int(config.get("figure_freq", 500)),
            snapshot_dir=run_dir / SNAPSHOT_DIR,
            snapshot_meta=meta,
            previous=previous,
        )
        resume_cb = ResumeCheckpoint(run_dir, log, cb, save_freq=freq)
        if resume_state is not None:
            cb.load_state_dict(resume_state[0]["callback"], restart=resume_state[1])
            resume_cb.last_saved = int(model.num_timesteps)  # that checkpoint is the one just loaded
        ckpt = _Checkpoints(
            save_freq=max(freq // n_envs, 1),
            save_path=str(run_dir / CHECKPOINT_DIR),
            name_prefix="model",
            save_replay_buffer=off_policy,
        )
        interrupted = False
        with _StopOnSignals(resume_cb):
            try:
                model.learn(
                    steps,
                    callback=CallbackList([cb, resume_cb, ckpt]),
                    reset_num_timesteps=reset,
                    progress_bar=progress_bar,
                )
            except (_Interrupted, KeyboardInterrupt):
                interrupted = True
                cb.write_snapshot()
        interrupted = interrupted or resume_cb.stop_signal is not None
        model_path = run_dir / MODEL_FILE
        saved = [model_path]
        with atomic_path(model_path) as tmp:
            model.save(tmp)
        if off_policy:
            saved.append(run_dir / "model_replay_buffer.pkl")
            with atomic_path(saved[-1]) as tmp:
                model.save_replay_buffer(tmp)
        record_checksums(run_dir, saved)
        model.get_env().close()
    records = cb.records
    final: list[EpisodeResult] = []
    if eval_episodes > 0 and not interrupted:
        env = make_env(config)
        try:
            final = run_episodes(model, env, eval_episodes, seed=10_000, masked=ALGOS[config["algo"]].masked)
        finally:
            env.close()
    best = best_record(records)
    return TrainResult(
        run_dir=run_dir,
        model_path=model_path,
        num_timesteps=int(model.num_timesteps),
        initial=cb.initial_record,
        best=best if best is None or math.isfinite(best["score"]) else None,
        final=final,
        interrupted=interrupted,
    )


class _StopOnSignals:
    """While active, the first SIGINT/SIGTERM asks ``cb`` to checkpoint and stop at the next rollout
    boundary; a second one raises KeyboardInterrupt at once. Only in the main thread (elsewhere: no-op).
    """

    def __init__(self, cb: ResumeCheckpoint) -> None:
        self.cb = cb
        self.old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.cb.stop_signal is not None:
            raise KeyboardInterrupt
        self.cb.stop_signal = signum

    def __enter__(self) -> _StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.old.items():
            signal.signal(sig, handler)
