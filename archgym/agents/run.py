"""Run directories: naming, the resolved config, saved models and checkpoints, exported children.

A run directory ``runs/<env>__<agent>__<seed>__<time>/`` (CleanRL's naming; the env id is
sanitised, ``archgym/DigitsMLP-v0`` -> ``archgym_DigitsMLP-v0``) holds::

    config.yaml                  the resolved configuration (env id and kwargs, agent, hyperparameters)
    events.out.tfevents.*        TensorBoard events (SB3's rollout/ and train/, and archgym/)
    search.jsonl                 one record per evaluated architecture (archgym.agents.records)
    model.zip                    the trained agent (SB3 zip; holds pickled objects, see load_model)
    manifest.json                sha256 of every saved file (archgym.agents.integrity; checked by eval)
    resume/                      the newest resume checkpoint (archgym.agents.train)
    model_replay_buffer.pkl      the replay buffer of off-policy agents (for --resume)
    checkpoints/                 periodic model_<N>_steps.zip (+ replay buffers)
    snapshot/best_child.{pt,json}  the best child seen during training, weights as evaluated
    export/best_child.{pt,json}  written by ``archgym export`` (load with :func:`load_child`)
"""

from __future__ import annotations

import datetime as _dt
import difflib
import importlib
import inspect
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
import yaml

from archgym.arch import Architecture, LayerSpec
from archgym.child import ChildNet

__all__ = [
    "CONFIG_FILE",
    "MODEL_FILE",
    "architecture_from_key",
    "check_env_kwargs",
    "dataset_meta",
    "env_id_choices",
    "latest_model",
    "load_child",
    "new_run_dir",
    "parse_kv",
    "read_config",
    "run_name",
    "sanitize_env_id",
    "save_child",
    "write_config",
]

CONFIG_FILE = "config.yaml"
MODEL_FILE = "model.zip"
SEARCH_FILE = "search.jsonl"
CHECKPOINT_DIR = "checkpoints"
SNAPSHOT_DIR = "snapshot"
CHILD_STEM = "best_child"


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


def new_run_dir(logdir: str | Path, env_id: str, agent: str, seed: int) -> Path:
    """Create and return a fresh run directory under ``logdir`` (a suffix avoids clashes)."""
    base = Path(logdir) / run_name(env_id, agent, seed)
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


def latest_model(run_dir: str | Path) -> Path:
    """The newest saved agent of a run: ``model.zip`` or the newest checkpoint.

    :raises ValueError: the run holds no saved agent
    """
    run_dir = Path(run_dir)
    candidates = [run_dir / MODEL_FILE, *(run_dir / CHECKPOINT_DIR).glob("model_*_steps.zip")]
    candidates = [c for c in candidates if c.is_file()]
    if not candidates:
        raise ValueError(f"run dir '{run_dir}' holds no saved agent ({MODEL_FILE} or {CHECKPOINT_DIR}/*.zip)")
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.name))


def replay_buffer_of(model_path: Path) -> Path:
    """The replay-buffer file saved beside ``model_path`` (SB3's checkpoint naming)."""
    m = re.fullmatch(r"model_(\d+)_steps\.zip", model_path.name)
    if m:
        return model_path.with_name(f"model_replay_buffer_{m.group(1)}_steps.pkl")
    return model_path.with_name("model_replay_buffer.pkl")


# --------------------------------------------------------------------------- env ids and kwargs
def env_id_choices() -> list[str]:
    """Registered archgym env ids."""
    from archgym.envs import ENV_PRESETS, register_envs

    register_envs()
    return sorted(ENV_PRESETS)


def check_env_id(env_id: str) -> None:
    """Raise ValueError (with a "did you mean") if ``env_id`` is not a registered archgym id."""
    valid = env_id_choices()
    if env_id not in valid:
        close = difflib.get_close_matches(env_id, valid, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ";"
        raise ValueError(f"unknown env id {env_id!r}{hint} valid: {', '.join(valid)}")


def _entry_point_class(env_id: str) -> Any:
    from archgym.envs import ENV_PRESETS

    module, _, name = ENV_PRESETS[env_id].entry_point.partition(":")
    return getattr(importlib.import_module(module), name)


def check_env_kwargs(env_id: str, kwargs: Mapping[str, Any]) -> None:
    """Check ``kwargs`` names against the signature of the env's ``__init__`` (values are checked by the env).

    :raises ValueError: unknown env id or kwarg (with a "did you mean" and the valid names)
    """
    check_env_id(env_id)
    params = inspect.signature(_entry_point_class(env_id).__init__).parameters
    valid = [p for p in params if p not in ("self", "render_mode")]
    for key in kwargs:
        if key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            raise ValueError(f"unknown env kwarg {key!r} for {env_id}{hint} valid: {', '.join(valid)}")


def parse_kv(items: Sequence[str] | None, what: str = "--env-kwargs") -> dict[str, Any]:
    """Parse ``k=v`` strings; values are read with ``yaml.safe_load`` (``5`` -> int, ``[1, 2]`` -> list).

    >>> parse_kv(["initial_steps=5", "initial=[32, 16]", "eval_mode=scratch"])
    {'initial_steps': 5, 'initial': [32, 16], 'eval_mode': 'scratch'}
    """
    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"bad {what} item {item!r}; write key=value, e.g. cost_weight=0.1")
        try:
            out[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            raise ValueError(f"bad value in {what} item {item!r}: not valid YAML") from None
    return out


def dataset_meta(env_id: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The ``archgym.data.load_dataset`` arguments of an env (preset kwargs updated with ``overrides``).

    ``load_dataset(d["name"], seed=d["seed"], image=d["image"], train_subset=d["train_subset"])``
    reproduces the split and the input scaling the env's children were trained on.
    """
    import gymnasium as gym

    kw = {**gym.spec(env_id).kwargs, **overrides}
    return {
        "name": kw.get("dataset", "digits"),
        "seed": kw.get("data_seed", 0),
        "image": kw.get("input", "flat") == "image",
        "train_subset": kw.get("train_subset"),
    }


# --------------------------------------------------------------------------- children
_KEY_RE = re.compile(r"^(?P<inp>\d+(?:x\d+x\d+)?)-\[(?P<layers>[^\]]*)\]-(?P<classes>\d+)$")


def architecture_from_key(key: str) -> Architecture:
    """Inverse of :meth:`Architecture.key`.

    >>> architecture_from_key("64-[48,16]-10").key()
    '64-[48,16]-10'
    >>> architecture_from_key("1x8x8-[c8k3,32]-10").layers[0]
    LayerSpec(kind='conv', width=8, kernel=3)
    """
    m = _KEY_RE.match(key.strip())
    if m is None:
        raise ValueError(f"bad architecture key {key!r}; expected e.g. '64-[48,16]-10' or '1x8x8-[c8k3,32]-10'")
    shape = tuple(int(s) for s in m.group("inp").split("x"))
    layers = []
    for part in filter(None, m.group("layers").split(",")):
        conv = re.fullmatch(r"c(\d+)k(\d+)", part)
        if conv:
            layers.append(LayerSpec("conv", int(conv.group(1)), int(conv.group(2))))
        elif part.isdigit():
            layers.append(LayerSpec("dense", int(part)))
        else:
            raise ValueError(f"bad layer {part!r} in architecture key {key!r}")
    return Architecture(shape, tuple(layers), int(m.group("classes")))


def save_child(child: ChildNet, path_stem: Path, meta: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write ``<stem>.pt`` (a plain state_dict on the CPU) and ``<stem>.json`` (architecture + ``meta``).

    :param child: the network
    :param path_stem: path without suffix, e.g. ``run/export/best_child``
    :param meta: metrics and provenance stored in the JSON
    :return: the two paths
    """
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    pt, js = path_stem.with_suffix(".pt"), path_stem.with_suffix(".json")
    torch.save({k: v.detach().cpu() for k, v in child.state_dict().items()}, pt)
    doc = {"arch": child.arch.to_dict(), "key": child.arch.key(), **meta}
    js.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return pt, js


def load_child(path: str | Path, device: str | torch.device = "cpu") -> ChildNet:
    """Load an exported child in one call: ``load_child("runs/X/export/best_child.pt")``.

    ``path`` may be the ``.pt`` file, the ``.json`` beside it, or a folder holding ``best_child.pt``.
    The weights are read with ``torch.load(weights_only=True)`` (no pickled code is executed).
    Inputs must be standardised like the env's dataset: the JSON's ``dataset`` entry gives the
    ``archgym.data.load_dataset`` arguments that reproduce the split and the scaling.

    :param path: the exported file or its folder
    :param device: device of the returned network
    :raises ValueError: missing files
    """
    p = Path(path)
    if p.is_dir():
        p = p / f"{CHILD_STEM}.pt"
    pt, js = p.with_suffix(".pt"), p.with_suffix(".json")
    for f in (pt, js):
        if not f.is_file():
            raise ValueError(f"exported child file '{f}' does not exist")
    doc = json.loads(js.read_text())
    child = ChildNet(Architecture.from_dict(doc["arch"]), seed=0, device=device)
    child.load_state_dict(torch.load(pt, weights_only=True, map_location=device))
    child.eval()
    return child
