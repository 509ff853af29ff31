"""``archgym train``: build an SB3 agent from a preset, train it with logging, checkpoints and resume.

Reads top to bottom like a CleanRL script: resolve and validate the configuration (every user error
is a ValueError raised *before* the run directory is created), build the vectorised envs
(:mod:`archgym.agents.vec`) and the agent, attach the TensorBoard logger and the callbacks, learn,
save (:mod:`archgym.agents.saving`), summarise.

Resume checkpoints: see :mod:`archgym.agents.checkpoint` (what a checkpoint holds, how it is written
atomically, and what ``--resume`` restores).
"""

from __future__ import annotations

import importlib.metadata
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from stable_baselines3.common.callbacks import CallbackList
from stable_baselines3.common.logger import configure
from stable_baselines3.common.off_policy_algorithm import OffPolicyAlgorithm

from archgym.agents.callbacks import ArchGymCallback
from archgym.agents.checkpoint import (
    RESUME_DIR,
    Interrupted,
    ResumeCheckpoint,
    StopOnSignals,
    cut_search_log,
    latest_resume_checkpoint,
    restore_venv,
)
from archgym.agents.env_args import check_env_kwargs, dataset_meta
from archgym.agents.evaluate import EpisodeResult, make_env, run_episodes
from archgym.agents.records import SearchLog, best_record, read_records
from archgym.agents.run import (
    CHECKPOINT_DIR,
    SEARCH_FILE,
    SNAPSHOT_DIR,
    check_dir_path,
    latest_model,
    new_run_dir,
    read_config,
    replay_buffer_of,
    write_config,
)
from archgym.agents.saving import PeriodicCheckpoints, save_final_agent
from archgym.agents.sb3 import ALGOS, algo_kwargs, load_agent_preset, make_agent, merge_hyperparams, reward_scale_of
from archgym.agents.vec import VEC_KINDS, make_run_vec_env
from archgym.atomic import atomic_path
from archgym.data import unknown_name
from archgym.device import resolve_device

__all__ = ["RESUME_DIR", "ResumeCheckpoint", "TrainResult", "latest_resume_checkpoint", "resume", "train"]


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
    :param snapshot: the best child's ``snapshot/best_child.json`` (None: no child was evaluated)
    """

    run_dir: Path
    model_path: Path
    num_timesteps: int
    initial: Mapping[str, Any] | None
    best: Mapping[str, Any] | None
    final: list[EpisodeResult]
    interrupted: bool = False
    snapshot: Path | None = None


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return value


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
        together in batched kernels); resume checkpoints keep the exact env states of all three
    :param checkpoint_freq: env steps between two checkpoints
    :param figure_freq: env steps between two Pareto-front figures in TensorBoard
    :param eval_episodes: deterministic episodes played by the trained agent at the end (0: none)
    :param progress_bar: show SB3's progress bar (tqdm + rich)
    :param verbose: SB3 verbosity (1 also prints SB3's log tables)
    :raises ValueError: any bad input, before anything is written
    """
    env_kwargs = dict(env_kwargs or {})
    check_env_kwargs(env_id, env_kwargs)
    check_dir_path(logdir)
    resolve_device(device)
    env_kwargs.setdefault("device", device)
    resolve_device(env_kwargs["device"])
    preset = load_agent_preset(agent)
    hp = preset.hyperparams(env_id)
    hp = merge_hyperparams(hp, hyperparams or {})
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
    venv = make_run_vec_env(config)
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
    venv = make_run_vec_env(config)
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
        restart = restore_venv(model, venv, state)
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
        previous = cut_search_log(search_path, resume_state[0]["search"])
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
            write_at_end=False,  # written below, after the agent is saved
        )
        resume_cb = ResumeCheckpoint(run_dir, log, cb, save_freq=freq)
        if resume_state is not None:
            cb.load_state_dict(resume_state[0]["callback"], restart=resume_state[1])
            resume_cb.last_saved = int(model.num_timesteps)  # that checkpoint is the one just loaded
        ckpt = PeriodicCheckpoints(
            save_freq=max(freq // n_envs, 1),
            save_path=str(run_dir / CHECKPOINT_DIR),
            name_prefix="model",
            save_replay_buffer=off_policy,
        )
        status = "finished"
        with StopOnSignals(resume_cb):
            try:
                model.learn(
                    steps,
                    callback=CallbackList([cb, resume_cb, ckpt]),
                    reset_num_timesteps=reset,
                    progress_bar=progress_bar,
                )
            except (Interrupted, KeyboardInterrupt):
                status = "interrupted"
            except BaseException:
                status = "crashed"
                raise
            finally:
                # The agent first, whatever happened: nothing that can fail at the end of a run comes before it
                # (an exception in learn still propagates, after the save).
                if status == "finished" and resume_cb.stop_signal is not None:
                    status = "interrupted"
                model_path = save_final_agent(model, run_dir, off_policy, status)
        interrupted = status == "interrupted"
        cb.write_figure()
        snapshot = cb.write_snapshot()
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
        snapshot=snapshot,
        num_timesteps=int(model.num_timesteps),
        initial=cb.initial_record,
        best=best if best is None or math.isfinite(best["score"]) else None,
        final=final,
        interrupted=interrupted,
    )
