"""``archgym train``: build an SB3 agent from a preset, train it with logging, checkpoints and resume.

Reads top to bottom like a CleanRL script: resolve and validate the configuration (every user error
is a ValueError raised *before* the run directory is created), build the vectorised envs and the
agent, attach the TensorBoard logger and the callbacks, learn, save, summarise.
"""

from __future__ import annotations

import functools
import importlib.metadata
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
from stable_baselines3.common.callbacks import CallbackList, CheckpointCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.logger import configure
from stable_baselines3.common.off_policy_algorithm import OffPolicyAlgorithm
from stable_baselines3.common.vec_env import DummyVecEnv

from archgym.agents.callbacks import ArchGymCallback, BestChildTracker
from archgym.agents.evaluate import EpisodeResult, env_kwargs_of, make_env, run_episodes
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
from archgym.device import resolve_device

__all__ = ["TrainResult", "resume", "train"]


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
    """CheckpointCallback that keeps only the newest replay buffer (older ones are large and useless)."""

    def _on_step(self) -> bool:
        saved = self.n_calls % self.save_freq == 0
        ok = super()._on_step()
        if saved and self.save_replay_buffer:
            buffers = sorted(
                Path(self.save_path).glob(f"{self.name_prefix}_replay_buffer_*_steps.pkl"),
                key=lambda p: int(re.findall(r"(\d+)_steps", p.name)[0]),
            )
            for old in buffers[:-1]:
                old.unlink(missing_ok=True)
        return ok


def _wrap(env: gym.Env, reward_scale: float = 1.0) -> gym.Env:
    env = BestChildTracker(env)
    return ScaleReward(env, reward_scale) if reward_scale != 1.0 else env


def _vec_env(config: Mapping[str, Any], device: str | None = None) -> DummyVecEnv:
    # a factory, not the id: make_vec_env would add render_mode="rgb_array", which archgym envs reject
    return make_vec_env(
        functools.partial(gym.make, config["env_id"]),
        n_envs=config["n_envs"],
        seed=config["seed"],
        env_kwargs=env_kwargs_of(config, device),
        wrapper_class=_wrap,
        wrapper_kwargs={"reward_scale": reward_scale_of(config["hyperparams"])},
        vec_env_cls=DummyVecEnv,
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
    :param n_envs: number of envs stepped together (DummyVecEnv)
    :param hyperparams: overrides of the agent preset's hyperparameters
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
    """Continue a run from its newest saved agent (and replay buffer), in the same directory.

    The step count continues (TensorBoard curves and ``search.jsonl`` go on from it); records
    written after the newest save (a killed run) are dropped first.

    :param run_dir: the run directory
    :param timesteps: extra env steps (default: what is left of the configured ``total_timesteps``)
    :param device: override of the configured device
    :param eval_episodes: deterministic episodes played at the end (0: none)
    :param progress_bar: show the progress bar
    :param verbose: SB3 verbosity
    :raises ValueError: not a run dir, no saved agent, or nothing left to train
    """
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    if device is not None:
        resolve_device(device)
        config["device"] = device
        config["env_kwargs"] = {**config.get("env_kwargs", {}), "device": device}
    path = latest_model(run_dir)
    spec = ALGOS[config["algo"]] if config.get("algo") in ALGOS else None
    if spec is None:
        raise ValueError(f"run config names unknown algo {config.get('algo')!r}; valid: {', '.join(ALGOS)}")
    venv = _vec_env(config)
    model = spec.load().load(path, env=venv, device=config["device"], verbose=verbose)
    if timesteps is None:
        timesteps = int(config["total_timesteps"]) - model.num_timesteps
        if timesteps < 1:
            raise ValueError(
                f"run '{run_dir}' already trained {model.num_timesteps} of {config['total_timesteps']} steps; "
                "pass --timesteps N to train N more"
            )
    _positive_int("timesteps", timesteps)
    buffer = replay_buffer_of(path)
    if isinstance(model, OffPolicyAlgorithm) and buffer.is_file():
        model.load_replay_buffer(buffer)
    config["total_timesteps"] = model.num_timesteps + timesteps
    write_config(run_dir, config)
    return _learn(
        model, run_dir, config, timesteps, reset=False, progress_bar=progress_bar, eval_episodes=eval_episodes
    )


def _learn(
    model: Any,
    run_dir: Path,
    config: Mapping[str, Any],
    steps: int,
    reset: bool,
    progress_bar: bool,
    eval_episodes: int,
) -> TrainResult:
    """Attach the logger and callbacks, learn, save, and play the final evaluation episodes."""
    formats = ["tensorboard"] + (["stdout"] if model.verbose >= 1 else [])
    model.set_logger(configure(str(run_dir), formats))
    search_path = run_dir / SEARCH_FILE
    previous = []
    if search_path.is_file():
        previous = [r for r in read_records(search_path) if r.get("step", 0) <= model.num_timesteps]
        with SearchLog(search_path.with_suffix(".tmp")) as tmp:
            for r in previous:
                tmp.write(r)
        search_path.with_suffix(".tmp").replace(search_path)
    n_envs = int(config["n_envs"])
    off_policy = isinstance(model, OffPolicyAlgorithm)
    meta = {"env_id": config["env_id"], "run_dir": str(run_dir)}
    meta["dataset"] = dataset_meta(config["env_id"], config.get("env_kwargs", {}))
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
        ckpt = _Checkpoints(
            save_freq=max(int(config.get("checkpoint_freq", 1000)) // n_envs, 1),
            save_path=str(run_dir / CHECKPOINT_DIR),
            name_prefix="model",
            save_replay_buffer=off_policy,
        )
        interrupted = False
        try:
            model.learn(steps, callback=CallbackList([cb, ckpt]), reset_num_timesteps=reset, progress_bar=progress_bar)
        except KeyboardInterrupt:
            interrupted = True
            cb.write_snapshot()
        model_path = run_dir / MODEL_FILE
        model.save(model_path)
        if off_policy:
            model.save_replay_buffer(run_dir / "model_replay_buffer.pkl")
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
