"""archgym: a Gymnasium environment for reinforcement-learning neural architecture search.

``import archgym`` registers every env preset found in ``envs/`` (``archgym/DigitsMLP-v0``, ...) and in
the folders of ``ARCHGYM_PRESETS`` (added to the built-in ones). It never fails because of a preset file:
a broken one is reported when its id is used or listed (:mod:`archgym.envs.registration`).
"""

from __future__ import annotations

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace

__version__ = "0.1.0"
__all__ = ["Architecture", "InvalidEdit", "LayerSpec", "SearchSpace", "__version__"]

from archgym.envs.registration import register_envs as _register_envs

_register_envs()
