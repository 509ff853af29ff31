"""Evaluating a trained run (deterministic episodes) and exporting its best child network.

``eval`` plays the run's final agent, named in ``run.json`` (never picked by file modification time:
a copied run dir has new ones); ``checkpoint="latest"`` or a path picks another.

``export`` writes ``best_child.pt`` (a plain ``state_dict``, loadable with
``torch.load(weights_only=True)``) and ``best_child.json`` (``Architecture.to_dict()``, the metrics,
the dataset arguments and the provenance); :func:`archgym.agents.run.load_child` loads both in one
call. A sparse child keeps its pruning masks and its JSON says so (a ``sparse`` entry). The weights
come from one of two sources:

* ``snapshot`` (default): the best child exactly as it was evaluated during the search (the
  training callback keeps a copy in ``snapshot/``), so its validation accuracy is the one logged;
* ``retrain`` (``--retrain``, or when the run holds no snapshot, e.g. a baseline search): the best
  architecture trained from scratch by the env's public ``retrain`` method (its scratch recipe:
  seed, steps, optimizer, learning-rate schedule, batch size and weight decay, on its training
  split). A stream env (``archgym/DriftingDigits-v0``) has no fixed dataset: it cannot retrain.

Envs with a dataset report validation and TEST accuracy (the test split is never seen by the
search), params and FLOPs; the env is used only through its public interface.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from archgym.agents.progress import Heartbeat, Progress
from archgym.agents.records import best_record, read_records
from archgym.agents.run import (
    CHILD_STEM,
    SEARCH_FILE,
    SNAPSHOT_DIR,
    AgentFile,
    architecture_from_key,
    dataset_meta,
    load_child,
    read_config,
    resolve_agent,
    save_child,
    sparsity_meta,
)
from archgym.agents.sb3 import ALGOS
from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.device import resolve_device
from archgym.training import Trainer

__all__ = ["EpisodeResult", "ExportResult", "evaluate_run", "export_run", "make_env", "run_episodes"]


@dataclass(frozen=True)
class EpisodeResult:
    """The outcome of one evaluation episode."""

    episode: int
    arch: str
    score: float
    val_accuracy: float
    cost: float
    params: int
    steps: int
    episode_return: float
    initial_score: float
    actions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    """What ``export`` wrote and measured."""

    pt: Path
    json: Path
    source: str
    arch: str
    metrics: dict[str, Any]
    sparse: dict[str, Any] | None = None


def env_kwargs_of(config: Mapping[str, Any], device: str | None = None) -> dict[str, Any]:
    """The env kwargs of a run config, with the device overridden when given."""
    kw = dict(config.get("env_kwargs") or {})
    if device is not None:
        kw["device"] = device
    return kw


def make_env(config: Mapping[str, Any], device: str | None = None) -> gym.Env:
    """A single env built like the run's training envs.

    :param config: a run's ``config.yaml`` content
    :param device: override of the child's device
    """
    return gym.make(config["env_id"], **env_kwargs_of(config, device))


def run_episodes(
    policy: Any,
    env: gym.Env,
    episodes: int,
    seed: int = 0,
    deterministic: bool = True,
    masked: bool = False,
    on_episode: Callable[[EpisodeResult], None] | None = None,
) -> list[EpisodeResult]:
    """Play ``episodes`` episodes with ``policy.predict`` (an SB3 model or any object with its shape).

    :param policy: has ``predict(obs, deterministic=...) -> (action, state)``
    :param env: the env (not vectorised)
    :param episodes: number of episodes (>= 1)
    :param seed: seed of the first episode (episode ``k`` uses ``seed + k``)
    :param deterministic: greedy actions
    :param masked: pass ``action_masks=`` to ``predict`` (MaskablePPO)
    :param on_episode: called with each finished episode (progress display)
    """
    u: Any = env.unwrapped  # an archgym env: action_meanings / action_masks
    names = u.action_meanings()
    out = []
    for k in range(episodes):
        obs, info = env.reset(seed=seed + k)
        initial, ret, steps, acts, done = info["score"], 0.0, 0, [], False
        while not done:
            kw = {"action_masks": u.action_masks()} if masked else {}
            action, _ = policy.predict(obs, deterministic=deterministic, **kw)
            a = int(np.asarray(action).reshape(-1)[0])
            obs, reward, terminated, truncated, info = env.step(a)
            ret += float(reward)
            steps += 1
            acts.append(names[a] if info["action_valid"] else f"{names[a]} (invalid)")
            done = terminated or truncated
        out.append(
            EpisodeResult(
                k,
                info["arch"],
                info["score"],
                info["val_accuracy"],
                info["cost"],
                info["params"],
                steps,
                ret,
                initial,
                acts,
            )
        )
        if on_episode is not None:
            on_episode(out[-1])
    return out


def load_model(
    run_dir: str | Path,
    device: str = "auto",
    env: Any = None,
    trust: bool = False,
    checkpoint: str | Path = "final",
) -> tuple[Any, dict[str, Any], AgentFile]:
    """Load one of a run's saved agents (by default its final one, named in ``run.json``) and its config.

    Security: SB3 zips contain pickled objects (unpickling runs code); load agents only from
    trusted sources. Unless ``trust`` is set, the config and the agent file must match the sha256
    recorded in the run's ``manifest.json`` when they were saved (:mod:`archgym.agents.integrity`).

    :param run_dir: the run directory
    :param device: torch device of the agent
    :param env: env to attach (optional)
    :param trust: skip the checksum verification
    :param checkpoint: ``final``, ``latest`` or a path (see :func:`archgym.agents.run.resolve_agent`)
    :return: the agent, the run's config and the file it was loaded from
    :raises IntegrityError: (a ValueError) a file is missing from the manifest or changed since it was saved
    """
    from archgym.agents.integrity import verify_files
    from archgym.agents.run import CONFIG_FILE

    config = read_config(run_dir)
    if config.get("kind") == "search":
        raise ValueError(
            f"'{run_dir}' is a baseline search run (strategy {config.get('strategy')!r}) and holds no agent; "
            "eval plays agents trained with `archgym train`"
        )
    agent = resolve_agent(run_dir, checkpoint)
    algo = config.get("algo", "dqn")
    if algo not in ALGOS:
        raise ValueError(f"run config names unknown algo {algo!r}; valid: {', '.join(ALGOS)}")
    if not trust:
        verify_files(run_dir, [Path(run_dir) / CONFIG_FILE, agent.path])
    model = ALGOS[algo].load().load(agent.path, env=env, device=device)
    return model, config, agent


def check_spaces(model: Any, env: gym.Env, run_dir: str | Path) -> None:
    """Raise ValueError when the agent was trained on other observation or action spaces than ``env`` has.

    :param model: the loaded agent
    :param env: the env it is about to play
    :param run_dir: the run (named in the message)
    """
    for what in ("observation_space", "action_space"):
        mine, theirs = getattr(model, what), getattr(env, what)
        if mine != theirs:
            raise ValueError(
                f"the agent of '{run_dir}' was trained with {what} {mine}, but the env built from its config "
                f"has {theirs}; valid: a config.yaml whose env (search space, sparsity actions) matches the agent"
            )


def evaluate_run(
    run_dir: str | Path,
    episodes: int = 5,
    device: str = "auto",
    seed: int = 10_000,
    trust: bool = False,
    checkpoint: str | Path = "final",
    on_agent: Callable[[AgentFile], None] | None = None,
    progress: bool = False,
) -> list[EpisodeResult]:
    """Load a run's agent and play deterministic episodes on a fresh env built from its config.

    :param run_dir: the run directory
    :param episodes: number of episodes
    :param device: device of the agent and the child
    :param seed: seed of the first episode (default away from the training seeds)
    :param trust: skip the checksum verification of the run's files (see :func:`load_model`)
    :param checkpoint: which agent: ``final`` (default), ``latest`` or a path
    :param on_agent: called with the agent file once it is loaded (the CLI prints it)
    :param progress: show progress on stderr (a bar on a terminal, plain lines otherwise)
    """
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes must be an int >= 1, got {episodes!r}")
    model, config, agent = load_model(run_dir, device=device, trust=trust, checkpoint=checkpoint)
    if on_agent is not None:
        on_agent(agent)
    env = make_env(config, device)
    try:
        check_spaces(model, env, run_dir)
        with Progress(episodes, "eval", unit="episodes", enabled=progress) as bar:
            return run_episodes(
                model,
                env,
                episodes,
                seed=seed,
                masked=ALGOS[config["algo"]].masked,
                on_episode=lambda r: bar.update(1, score=r.score),
            )
    finally:
        env.close()


def _measure(env: Any, child: ChildNet) -> dict[str, Any]:
    """The env's own measurement of ``child`` (``env.measure``: cost, params, FLOPs, and validation and test
    accuracy where the env has a dataset); an env without ``measure`` gives accuracies on its ``data``."""
    measure = getattr(env, "measure", None)
    if measure is not None:
        return dict(measure(child))
    data = getattr(env, "data", None)
    if data is None:
        return {}
    evaluator = Trainer(data)
    val = evaluator.evaluate(child, "val", observe=False)
    test = evaluator.evaluate(child, "test", observe=False)
    return {"val_accuracy": val.accuracy, "test_accuracy": test.accuracy, "test_loss": test.loss}


def _retrain(env: Any, arch: Architecture, steps: int | None) -> tuple[ChildNet, dict[str, Any]]:
    """Train ``arch`` from scratch with the env's recipe (``env.retrain``); returns the child and the recipe.

    :raises NotImplementedError: the env cannot retrain (a stream env has no fixed dataset)
    """
    retrain = getattr(env, "retrain", None)
    if retrain is None:
        raise NotImplementedError(f"{type(env).__name__} has no retrain method")
    child, recipe = retrain(arch, steps=steps)
    return child, dict(recipe)


def export_run(
    run_dir: str | Path,
    out_dir: str | Path | None = None,
    retrain: bool = False,
    steps: int | None = None,
    device: str = "auto",
    progress: bool = False,
) -> ExportResult:
    """Write the best child of a run as ``best_child.pt`` + ``best_child.json`` (see the module docstring).

    The env is used only through its public interface (``data``, ``retrain``), so every preset
    exports its snapshot; ``retrain`` needs an env with a fixed dataset (not a stream).

    :param run_dir: the run directory (an agent run or a baseline search)
    :param out_dir: output folder (default ``RUN_DIR/export``)
    :param retrain: train the best architecture from scratch instead of using the snapshot
    :param steps: optimizer steps of the retraining (default: the env's ``scratch_steps``)
    :param device: device of the child
    :param progress: say on stderr how long the retraining has been running, and when it ends
    :raises ValueError: no evaluated architecture, bad ``steps``, an output path that is a file, or a
        retraining the env does not support (the message says why)
    """
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    search = run_dir / SEARCH_FILE
    best = best_record(read_records(search)) if search.is_file() else None
    if best is None:
        raise ValueError(f"run dir '{run_dir}' has no evaluated architecture in {SEARCH_FILE}")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    out = Path(out_dir) if out_dir is not None else run_dir / "export"
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out '{out}' is a file; valid: a folder (created if missing)")
    snap = run_dir / SNAPSHOT_DIR / f"{CHILD_STEM}.json"
    use_snapshot = not retrain and snap.is_file()
    meta: dict[str, Any] = {
        "env_id": config["env_id"],
        "run_dir": str(run_dir),
        "dataset": dataset_meta(config["env_id"], env_kwargs_of(config)),
    }
    env = make_env(config, device).unwrapped
    try:
        if use_snapshot:
            child = load_child(snap, device=resolve_device(device))
            source = "snapshot"
            snap_doc = json.loads(snap.read_text())
            metrics = {k: v for k, v in snap_doc.get("metrics", {}).items() if k in _SNAPSHOT_METRICS}
        else:
            arch = architecture_from_key(str(best["arch"]))
            try:
                with Heartbeat(f"retrain {arch.key()} from scratch", enabled=progress):
                    child, found = _retrain(env, arch, steps)
            except NotImplementedError as e:
                why = " ".join(str(e).split()) or "not supported"
                raise ValueError(f"export --retrain is not supported for {config['env_id']}: {why}") from None
            source = "retrain"
            metrics = {}
            meta["recipe"] = found
        metrics.update(_measure(env, child))
        metrics.setdefault("params", child.arch.params())
        metrics.setdefault("flops", child.arch.flops())
        metrics["search_score"] = float(best["score"])
        data = getattr(env, "data", None)
        if data is not None:  # what turns a raw input into the child's input: load_child(raw_inputs=True)
            meta["preprocessing"] = data.preprocessing()
        pt, js = save_child(child, out / CHILD_STEM, {"source": source, "metrics": metrics, **meta})
    finally:
        env.close()
    return ExportResult(pt, js, source, child.arch.key(), metrics, sparsity_meta(child))


#: snapshot metrics carried into an export (the rest of the search-time info stays in the snapshot)
_SNAPSHOT_METRICS = ("val_accuracy", "cost", "score", "params", "flops", "nonzero_params", "sparsity")


def result_dict(r: EpisodeResult) -> dict[str, Any]:
    """JSON-ready form of an :class:`EpisodeResult` (floats rounded)."""
    d = asdict(r)
    return {k: round(v, 6) if isinstance(v, float) and math.isfinite(v) else v for k, v in d.items()}
