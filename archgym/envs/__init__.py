"""Gymnasium environments of archgym and their registration from the YAML presets."""

from __future__ import annotations

from archgym.envs.arch_env import ArchSearchEnv
from archgym.envs.registration import ENV_PRESETS, EnvPreset, load_env_presets, register_envs

__all__ = ["ENV_PRESETS", "ArchSearchEnv", "EnvPreset", "load_env_presets", "register_envs"]
