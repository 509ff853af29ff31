"""Register one Gymnasium id per YAML preset in ``envs/``: adding a preset file adds an id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym

from archgym.presets import preset_dir, read_yaml

__all__ = ["ENV_PRESETS", "EnvPreset", "load_env_presets", "register_envs"]

DEFAULT_ENTRY_POINT = "archgym.envs.arch_env:ArchSearchEnv"
PRESET_KEYS = {"id", "description", "entry_point", "vector_entry_point", "max_episode_steps", "kwargs"}


@dataclass(frozen=True)
class EnvPreset:
    """One env preset: the registered id, its entry point, episode length and constructor kwargs."""

    id: str
    description: str
    entry_point: str
    max_episode_steps: int
    kwargs: dict[str, Any] = field(default_factory=dict)
    vector_entry_point: str | None = None
    path: Path | None = None


def parse_env_preset(data: Any, path: Path) -> EnvPreset:
    """Validate one preset mapping; errors name the file and the field."""
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an env preset must be a mapping, got {type(data).__name__}")
    unknown = set(data) - PRESET_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {sorted(unknown)}; valid: {sorted(PRESET_KEYS)}")
    if not isinstance(data.get("id"), str) or not data["id"].startswith("archgym/"):
        raise ValueError(f"{path}: 'id' must be a string like 'archgym/Name-v0', got {data.get('id')!r}")
    steps = data.get("max_episode_steps")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"{path}: 'max_episode_steps' must be a positive int, got {steps!r}")
    kwargs = data.get("kwargs") or {}
    if not isinstance(kwargs, dict):
        raise ValueError(f"{path}: 'kwargs' must be a mapping, got {type(kwargs).__name__}")
    return EnvPreset(
        id=data["id"],
        description=str(data.get("description", "")),
        entry_point=str(data.get("entry_point", DEFAULT_ENTRY_POINT)),
        max_episode_steps=steps,
        kwargs={"horizon": steps, **kwargs},
        vector_entry_point=data.get("vector_entry_point"),
        path=path,
    )


def load_env_presets(folder: Path | None = None) -> dict[str, EnvPreset]:
    """Every preset of ``folder`` (default: the env preset folder), by id."""
    folder = folder or preset_dir("envs")
    out: dict[str, EnvPreset] = {}
    for path in sorted(folder.glob("*.yaml")):
        preset = parse_env_preset(read_yaml(path), path)
        if preset.id in out:
            raise ValueError(f"{path}: id {preset.id!r} already defined in {out[preset.id].path}")
        out[preset.id] = preset
    return out


ENV_PRESETS: dict[str, EnvPreset] = {}


def register_envs() -> dict[str, EnvPreset]:
    """Register every preset with Gymnasium (idempotent)."""
    for env_id, p in load_env_presets().items():
        ENV_PRESETS[env_id] = p
        if env_id in gym.registry:
            continue
        kw: dict[str, Any] = {}
        if p.vector_entry_point:
            kw["vector_entry_point"] = p.vector_entry_point
        gym.register(env_id, entry_point=p.entry_point, max_episode_steps=p.max_episode_steps, kwargs=p.kwargs, **kw)
    return ENV_PRESETS
