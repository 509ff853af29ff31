"""Resume checkpoints of ``archgym train``: what they hold, how they are written, how a run continues.

Every ``checkpoint_freq`` env steps, at the start of training, at its end, and when the process gets
SIGINT or SIGTERM, :class:`ResumeCheckpoint` writes ``RUN_DIR/resume/ckpt_<steps>/`` holding

* ``model.zip``: the agent (SB3 zip: policy, optimizer, step and episode counters, last observation),
* ``replay_buffer.pkl``: the replay buffer (off-policy agents),
* ``state.pt`` (``torch.save`` of plain values and tensors; loaded with ``weights_only=True``): the
  python, numpy and torch (and CUDA) RNG states, the agent's action-space RNG, every env's state
  (``ArchSearchEnv.state_dict``: its ``np_random``, architecture, child ``state_dict``,
  trainer batch order and schedule, counters) and its wrappers' (time limit, Monitor episode sums:
  read by the one adapter module for third-party state, :mod:`archgym.integrations.sb3_state`; the
  best child: :meth:`~archgym.agents.tracker.BestChildTracker.state_dict`), the callback's
  episode bookkeeping, and the ``search.jsonl`` position (bytes, record count, sha256 of that
  prefix; the log is fsynced first).

It is written in a temporary folder, every file fsynced, renamed into place, and only then does
``resume/latest.json`` (itself replaced atomically, with the sha256 of each file) point at it, so a
kill at any moment leaves the previous checkpoint intact. Checkpoints are taken at rollout
boundaries (SB3's ``on_rollout_start``), where the agent, its buffer and the envs agree; a signal
stops training at the next boundary, after the checkpoint. ``archgym train --resume RUN_DIR``
loads the newest checkpoint, cuts ``search.jsonl`` back to its position and continues exactly: on
the CPU the resumed run writes the same records as an uninterrupted one; that holds for ``--batched``
runs too (their sub-envs are in-process: their states, episode step counts, best children and the
``VecMonitor`` sums are saved) and for ``--vec subproc`` runs (each worker process reads and restores its
env's state, through the ``archgym_env_state`` / ``archgym_restore_env`` methods of the
``BestChildTracker`` wrapper). Envs whose evaluator is too big to save (the online env's stream,
learner and drift detector) are saved as a replay of their episode (``np_random`` at its start and the
actions since; ``ArchSearchEnv.state_dict``) and rebuilt by replaying it. Records of a run are
ordered: ``evaluation`` counts 1, 2, ... without gaps, ``step`` never decreases (an episode's last step
and the next episode's initial network share a step), and no ``(step, episode)`` pair repeats.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.off_policy_algorithm import OffPolicyAlgorithm
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecEnv

from archgym.agents.callbacks import ArchGymCallback
from archgym.agents.env_state import env_state, restore_env
from archgym.agents.integrity import IntegrityError, sha256_file
from archgym.agents.records import SearchLog, read_records
from archgym.atomic import atomic_write_text, fsync_dir, fsync_file
from archgym.integrations.sb3_state import (
    innermost_vec_env,
    reset_infos_of,
    restart_obs,
    restore_reset_infos,
    restore_vec_wrapper_states,
    set_all_obs,
    set_reset_info,
    vec_wrapper_states,
)

__all__ = [
    "RESUME_DIR",
    "Interrupted",
    "ResumeCheckpoint",
    "StopOnSignals",
    "cut_search_log",
    "latest_resume_checkpoint",
    "restore_venv",
]

RESUME_DIR = "resume"
_LATEST = "latest.json"


class Interrupted(Exception):
    """Raised at a rollout boundary after the checkpoint that a SIGINT/SIGTERM asked for."""


def _plain_np_state() -> tuple[Any, ...]:
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    return (name, np.asarray(keys).tolist(), int(pos), int(has_gauss), float(cached))


def _batched_of(venv: VecEnv) -> Any:
    """The :class:`~archgym.integrations.sb3_vec.SB3BatchedVecEnv` under ``venv``'s wrappers, or None."""
    from archgym.integrations.sb3_vec import SB3BatchedVecEnv

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
    bv = batched.venv
    return {
        "wrappers": vec_wrapper_states(venv),
        **bv.state_dict(),
        "best": [getattr(e, "archgym_best", None) for e in bv.envs],
    }


def _restore_vec_state(venv: VecEnv, state: dict[str, Any]) -> None:
    """Inverse of :func:`_vec_state`."""
    restore_vec_wrapper_states(venv, state["wrappers"])
    bv = _batched_of(venv).venv
    bv.load_state_dict({k: v for k, v in state.items() if k not in ("wrappers", "best")})
    for e, best in zip(bv.envs, state["best"], strict=True):
        e.archgym_best = best


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
            raise Interrupted(signal.Signals(self.stop_signal).name)
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
        assert venv is not None, "a checkpoint is taken while training, with the agent's VecEnv attached"
        state = {
            "format": 1,
            "num_timesteps": n,
            "rng": _rng_state(self.model),
            "envs": _env_states(venv),
            "vec": _vec_state(venv),
            "reset_infos": reset_infos_of(venv),
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


def _in_workers(venv: VecEnv) -> bool:
    """True for a SubprocVecEnv whose worker envs carry :class:`~archgym.agents.tracker.BestChildTracker`
    (its ``archgym_env_state`` / ``archgym_restore_env`` run :func:`env_state` / :func:`restore_env` there)."""
    return isinstance(innermost_vec_env(venv), SubprocVecEnv) and venv.has_attr("archgym_env_state")


def _env_states(venv: VecEnv) -> list[dict[str, Any]] | None:
    """Every env's :func:`env_state`: read in-process (dummy, batched) or in the worker processes (subproc)."""
    envs = _venv_envs(venv)
    if envs is not None:
        return [env_state(e) for e in envs]
    return list(venv.env_method("archgym_env_state")) if _in_workers(venv) else None


def restore_venv(model: BaseAlgorithm, venv: VecEnv, state: dict[str, Any]) -> list[int]:
    """Put the envs and RNGs of a checkpoint back; return the envs whose episode had to restart."""
    envs = _venv_envs(venv)
    workers = envs is None and _in_workers(venv)
    if state["envs"] is None or (envs is None and not workers):  # no env states: every episode restarts
        _restore_rng(state["rng"], model)
        set_all_obs(model, venv, venv.reset())
        return list(range(venv.num_envs))
    if envs is None:  # a SubprocVecEnv: each worker restores its env
        restored = [venv.env_method("archgym_restore_env", st, indices=[i])[0] for i, st in enumerate(state["envs"])]
    else:
        restored = [restore_env(e, st) for e, st in zip(envs, state["envs"], strict=True)]
    restart = [i for i, ok in enumerate(restored) if not ok]
    batched = _batched_of(venv)
    restore_reset_infos(venv, state["reset_infos"])
    if state.get("vec") is not None and batched is not None:
        _restore_vec_state(venv, state["vec"])
    for i in restart:
        if batched is not None:
            obs, info = batched.venv.reset_one(i)
        else:
            obs, info = venv.env_method("reset", indices=[i])[0] if envs is None else envs[i].reset()
        restart_obs(model, i, obs)
        set_reset_info(venv, i, info)
    _restore_rng(state["rng"], model)
    return restart


def cut_search_log(path: Path, search: dict[str, Any]) -> list[dict[str, Any]]:
    """Truncate ``search.jsonl`` to a checkpoint's position, after checking the kept prefix."""
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


class StopOnSignals:
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

    def __enter__(self) -> StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.old.items():
            signal.signal(sig, handler)
