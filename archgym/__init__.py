"""archgym: a Gymnasium environment for reinforcement-learning neural architecture search.

``import archgym`` registers every env preset found in ``envs/`` (``archgym/DigitsMLP-v0``, ...).
"""

from __future__ import annotations

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace

__version__ = "0.1.0"
__all__ = ["Architecture", "InvalidEdit", "LayerSpec", "SearchSpace", "__version__"]

from archgym.envs.registration import register_envs as _register_envs

_register_envs()
