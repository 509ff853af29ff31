"""Run directories: naming, the resolved config, saved models and checkpoints, exported children.

A run directory ``runs/<env>__<agent>__<seed>__<time>/`` (CleanRL's naming; the env id is
sanitised, ``archgym/DigitsMLP-v0`` -> ``archgym_DigitsMLP-v0``) holds::

    config.yaml                  the resolved configuration (env id and kwargs, agent, hyperparameters)
    events.out.tfevents.*        TensorBoard events (SB3's rollout/ and train/, and archgym/)
    search.jsonl                 one record per evaluated architecture (archgym.agents.records)
    model.zip                    the trained agent (SB3 zip; holds pickled objects, see load_model)
    run.json                     what the run produced: the final agent's file name, its step count
    manifest.json                sha256 of every saved file (archgym.agents.integrity; checked by eval)
    resume/                      the newest resume checkpoint (archgym.agents.train)
    model_replay_buffer.pkl      the replay buffer of off-policy agents (for --resume)
    checkpoints/                 periodic model_<N>_steps.zip (+ replay buffers)
    snapshot/best_child.{pt,json}  the best child seen during training, weights as evaluated
    export/best_child.{pt,json}  written by ``archgym export`` (load with :func:`load_child`)

This module holds the run-dir files and the choice of a saved agent; it re-exports the env-id and
env-kwargs checks of :mod:`archgym.agents.env_args` and the child files of :mod:`archgym.agents.children`
(:func:`save_child`, :func:`load_child`, ...), so ``archgym.agents.run.load_child`` keeps working.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archgym.agents.children import (
    CHILD_STEM,
    architecture_from_key,
    child_from_state,
    load_child,
    save_child,
    sparsity_meta,
)
from archgym.agents.env_args import check_env_id, check_env_kwargs, dataset_meta, env_id_choices, parse_kv

__all__ = [
    "CHECKPOINT_CHOICES",
    "CHILD_STEM",
    "CONFIG_FILE",
    "MODEL_FILE",
    "REPLAY_BUFFER_FILE",
    "RUN_META_FILE",
    "AgentFile",
    "architecture_from_key",
    "check_dir_path",
    "check_env_id",
    "check_env_kwargs",
    "child_from_state",
    "dataset_meta",
    "env_id_choices",
    "latest_model",
    "load_child",
    "new_run_dir",
    "parse_kv",
    "read_config",
    "read_run_meta",
    "resolve_agent",
    "run_name",
    "sanitize_env_id",
    "save_child",
    "saved_agents",
    "sparsity_meta",
    "write_config",
    "write_run_meta",
]

CONFIG_FILE = "config.yaml"
MODEL_FILE = "model.zip"
SEARCH_FILE = "search.jsonl"
CHECKPOINT_DIR = "checkpoints"
SNAPSHOT_DIR = "snapshot"
RUN_META_FILE = "run.json"
REPLAY_BUFFER_FILE = "model_replay_buffer.pkl"
#: named choices of ``archgym eval --checkpoint`` (besides a path)
CHECKPOINT_CHOICES: tuple[str, ...] = ("final", "latest")


def sanitize_env_id(env_id: str) -> str:
    """File-name-safe form of an env id.

    >>> sanitize_env_id("archgym/DigitsMLP-v0")
    'archgym_DigitsMLP-v0'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", env_id)


def run_name(env_id: str, agent: str, seed: int, when: _dt.datetime | None = None) -> str:
    """``<env>__<agent>__<seed>__<YYYYmmdd-HHMMSS>``.

    >>> run_name("archgym/DigitsMLP-v0", "dqn", 0, _dt.datetime(2025, 1, 2, 3, 4, 5))
    'archgym_DigitsMLP-v0__dqn__0__20250102-030405'
    """
    when = when or _dt.datetime.now()
    return f"{sanitize_env_id(env_id)}__{agent}__{seed}__{when:%Y%m%d-%H%M%S}"


def check_dir_path(path: str | os.PathLike[str], what: str = "--logdir") -> Path:
    """Check that ``path`` is a folder or can be created as one (no file in the way).

    :param path: the folder
    :param what: how the message names it (the CLI option)
    :raises ValueError: ``path`` or one of its parents is a file
    """
    p = Path(path)
    for q in (p, *p.parents):
        if q.exists():
            if not q.is_dir():
                where = "" if q == p else f" (its parent '{q}' is a file)"
                raise ValueError(f"{what} '{p}' is not a folder{where}; valid: a folder, created if missing")
            break
    return p


def new_run_dir(logdir: str | os.PathLike[str], env_id: str, agent: str, seed: int) -> Path:
    """Create and return a fresh run directory under ``logdir`` (a suffix avoids clashes).

    :raises ValueError: ``logdir`` (or a parent) is a file
    """
    base = check_dir_path(logdir) / run_name(env_id, agent, seed)
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    path.mkdir(parents=True)
    return path


def write_config(run_dir: Path, config: Mapping[str, Any]) -> Path:
    """Write ``config.yaml`` (plain YAML, keys in insertion order) atomically and record its checksum."""
    from archgym.agents.integrity import record_checksums
    from archgym.atomic import atomic_write_text

    path = Path(run_dir) / CONFIG_FILE
    atomic_write_text(path, yaml.safe_dump(dict(config), sort_keys=False, default_flow_style=None))
    record_checksums(run_dir, [path])
    return path


def read_config(run_dir: str | Path) -> dict[str, Any]:
    """Read a run's ``config.yaml``.

    :raises ValueError: the folder does not exist or is not a run directory
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ValueError(f"run dir '{run_dir}' does not exist")
    path = run_dir / CONFIG_FILE
    if not path.is_file():
        raise ValueError(f"'{run_dir}' is not an archgym run dir (no {CONFIG_FILE})")
    from archgym.presets import read_yaml

    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a mapping")
    for key in ("env_id",):
        if not isinstance(data.get(key), str):
            raise ValueError(f"{path}: '{key}' must be a string, got {data.get(key)!r}")
    return data


def write_run_meta(run_dir: str | Path, **fields: Any) -> Path:
    """Merge ``fields`` into the run's ``run.json`` (what the run produced), atomically, and record its checksum.

    :param run_dir: the run directory
    :param fields: JSON values, e.g. ``final_agent="model.zip"``, ``num_timesteps=3000``
    :return: the path of ``run.json``
    """
    from archgym.agents.integrity import record_checksums
    from archgym.atomic import atomic_write_text

    path = Path(run_dir) / RUN_META_FILE
    doc = {**read_run_meta(run_dir), **fields}
    atomic_write_text(path, json.dumps(doc, indent=1, sort_keys=True) + "\n")
    record_checksums(run_dir, [path])
    return path


def read_run_meta(run_dir: str | Path) -> dict[str, Any]:
    """The run's ``run.json`` (``{}`` when it has none: a run that has not finished, or of an older version).

    :raises ValueError: the file exists but is not a JSON object
    """
    path = Path(run_dir) / RUN_META_FILE
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text())
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise ValueError(f"{path} is not a JSON object; remove it to fall back to the newest checkpoint")
    return doc


_STEPS_RE = re.compile(r"model_(\d+)_steps\.zip")


@dataclass(frozen=True)
class AgentFile:
    """A saved agent of a run: its path, its step count (None if unknown) and how it was chosen."""

    path: Path
    steps: int | None
    why: str

    def describe(self) -> str:
        """``'runs/x/model.zip' (final agent, 3000 steps)``."""
        steps = f", {self.steps} steps" if self.steps is not None else ""
        return f"'{self.path}' ({self.why}{steps})"


def saved_agents(run_dir: str | Path) -> list[AgentFile]:
    """Every saved agent of a run (the final one and the periodic checkpoints), oldest first by step count.

    Steps come from the file names (``checkpoints/model_<N>_steps.zip``) and from ``run.json`` for the final
    agent, never from modification times (a copied run dir has new ones). A final agent whose step count
    is unknown (a run of an older version) sorts last.
    """
    run_dir = Path(run_dir)
    meta = read_run_meta(run_dir)
    out: list[AgentFile] = []
    for c in (run_dir / CHECKPOINT_DIR).glob("model_*_steps.zip"):
        m = _STEPS_RE.fullmatch(c.name)
        if m and c.is_file():
            out.append(AgentFile(c, int(m.group(1)), "checkpoint"))
    final = run_dir / str(meta.get("final_agent", MODEL_FILE))
    if final.is_file():
        steps = meta.get("num_timesteps") if meta.get("final_agent") else None
        out.append(AgentFile(final, int(steps) if isinstance(steps, int) else None, "final agent"))
    big = 1 << 62
    return sorted(out, key=lambda a: (big if a.steps is None else a.steps, a.why == "final agent"))


def resolve_agent(run_dir: str | Path, checkpoint: str | Path = "final") -> AgentFile:
    """The agent file that ``archgym eval --checkpoint`` names.

    :param run_dir: the run directory
    :param checkpoint: ``final`` (the agent named in ``run.json``; a run that did not finish falls back to
        its newest checkpoint, and says so), ``latest`` (the highest step count, by file name), or a path
        to an agent ``.zip`` (as given, or relative to the run dir)
    :raises ValueError: the run holds no saved agent, or the named file does not exist
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ValueError(f"run dir '{run_dir}' does not exist")
    if str(checkpoint) not in CHECKPOINT_CHOICES:
        p = Path(checkpoint)
        for cand in (p, run_dir / p):
            if cand.is_file():
                m = _STEPS_RE.fullmatch(cand.name)
                return AgentFile(cand, int(m.group(1)) if m else None, "--checkpoint")
        raise ValueError(
            f"checkpoint '{checkpoint}' does not exist (nor under '{run_dir}'); "
            "valid: final, latest or an agent .zip file"
        )
    agents = saved_agents(run_dir)
    if not agents:
        raise ValueError(f"run dir '{run_dir}' holds no saved agent ({MODEL_FILE} or {CHECKPOINT_DIR}/*.zip)")
    meta = read_run_meta(run_dir)
    if checkpoint == "final":
        name = meta.get("final_agent")
        if name is not None:
            final = run_dir / str(name)
            if not final.is_file():
                raise ValueError(
                    f"{run_dir / RUN_META_FILE} names the final agent '{name}', but '{final}' does not exist"
                )
            steps = meta.get("num_timesteps")
            return AgentFile(final, int(steps) if isinstance(steps, int) else None, "final agent")
        newest = agents[-1]
        if newest.why == "final agent":  # an older run: model.zip without run.json
            return newest
        return AgentFile(newest.path, newest.steps, "newest checkpoint: the run has no final agent")
    return AgentFile(agents[-1].path, agents[-1].steps, "latest " + agents[-1].why)


def latest_model(run_dir: str | Path) -> Path:
    """The newest saved agent of a run by step count (``--resume`` of a run without resume checkpoints).

    :raises ValueError: the run holds no saved agent
    """
    return resolve_agent(run_dir, "latest").path


def replay_buffer_of(model_path: Path) -> Path:
    """The replay-buffer file saved beside ``model_path`` (SB3's checkpoint naming)."""
    m = re.fullmatch(r"model_(\d+)_steps\.zip", model_path.name)
    if m:
        return model_path.with_name(f"model_replay_buffer_{m.group(1)}_steps.pkl")
    return model_path.with_name(REPLAY_BUFFER_FILE)
