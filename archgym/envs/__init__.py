"""Gymnasium environments of archgym and their registration from the YAML presets.

One env class, :class:`ArchSearchEnv` (:mod:`archgym.envs.core`), composed of an action table
(:mod:`~archgym.envs.actions`), an observation encoder (:mod:`~archgym.envs.encoding`), an evaluator
(:mod:`~archgym.envs.evaluators`: inherit, scratch, stream, plug-ins) and a guard (:mod:`~archgym.envs.guard`);
:mod:`~archgym.envs.vector` trains the children of ``K`` envs together.
"""

from __future__ import annotations

from archgym.envs.core import ArchSearchEnv
from archgym.envs.registration import ENV_PRESETS, EnvPreset, load_env_presets, register_envs

__all__ = ["ENV_PRESETS", "ArchSearchEnv", "EnvPreset", "load_env_presets", "register_envs"]
