"""Bridges from archgym to other libraries: RLlib and Ray tasks, SB3 vectorised envs.

Each submodule imports its optional library (``ray``, ...) inside its functions, so importing
``archgym.integrations.<name>`` never fails on a core install; calling a function that needs a
missing library raises ImportError naming the extra to install (``pip install "archgym[ray]"``).

* :mod:`archgym.integrations.rllib`: env creator for ``ray.tune.registry.register_env`` and a
  DQN (new API stack) config builder.
* :mod:`archgym.integrations.ray_search`: parallel from-scratch evaluation of candidate
  architectures as Ray tasks, written to ``search.jsonl``.
* :mod:`archgym.integrations.sb3_vec`: ``DummyVecEnv`` / ``SubprocVecEnv`` of an archgym id.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency or raise ImportError naming the extra that provides it.

    :param module: module to import, e.g. ``"ray"``
    :param extra: archgym extra that installs it, e.g. ``"ray"``
    :return: the imported module
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f'{module!r} is not installed ({e}); install it with: pip install "archgym[{extra}]"') from e
