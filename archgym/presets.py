"""Locating and reading the YAML presets (env presets in ``envs/``, agent presets in ``agents/``).

In a wheel the presets ship as ``archgym/_presets/{envs,agents}`` (hatch ``force-include``);
in an editable checkout they are read from the repository's top-level ``envs/`` and
``agents/`` folders. ``ARCHGYM_PRESETS`` may point at another folder holding both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["preset_dir", "read_yaml"]

_PKG = Path(__file__).resolve().parent


def preset_dir(kind: str) -> Path:
    """Folder of the ``envs`` or ``agents`` presets."""
    if kind not in ("envs", "agents"):
        raise ValueError(f"unknown preset kind {kind!r}; valid: envs, agents")
    candidates = []
    if os.environ.get("ARCHGYM_PRESETS"):
        candidates.append(Path(os.environ["ARCHGYM_PRESETS"]) / kind)
    candidates += [_PKG / "_presets" / kind, _PKG.parent / kind]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(f"no {kind} preset folder found; looked in: {', '.join(map(str, candidates))}")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with ``safe_load``; malformed YAML raises ValueError naming the file and line."""
    try:
        return yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ValueError(f"preset file {path} does not exist") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a UTF-8 text (YAML) file") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"malformed YAML in {path}{where}: {getattr(e, 'problem', e)}") from None
