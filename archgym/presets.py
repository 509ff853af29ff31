"""Locating and reading the YAML presets (env presets in ``envs/``, agent presets in ``agents/``).

The built-in presets ship in a wheel as ``archgym/_presets/{envs,agents}`` (hatch ``force-include``);
in an editable checkout they are read from the repository's top-level ``envs/`` and ``agents/``
folders. ``ARCHGYM_PRESETS`` names more folders (separated by ``os.pathsep``), each holding an
``envs/`` and/or an ``agents/`` folder: their presets are *added* to the built-in ones. A preset
defined twice (the same env id, or the same agent file name, in two folders) is an error that
names both files; it is raised when that preset is used, never when ``archgym`` is imported.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "PRESET_KINDS",
    "SIMPLE_TYPES",
    "builtin_preset_dir",
    "find_preset_file",
    "folder_problems",
    "preset_dir",
    "preset_dirs",
    "preset_files",
    "read_yaml",
    "user_preset_roots",
    "yaml_number",
]

_PKG = Path(__file__).resolve().parent
PRESET_KINDS: tuple[str, ...] = ("envs", "agents")
ENV_VAR = "ARCHGYM_PRESETS"

#: annotation text -> the python types a preset or keyword value of that annotation may have (bool is never a
#: number here): the type checks of env keywords (:mod:`archgym.envs.registration`) and of the env's config
#: objects (:mod:`archgym.envs.config`)
SIMPLE_TYPES: dict[str, tuple[type, ...]] = {
    "int": (numbers.Integral,),
    "float": (numbers.Real,),
    "str": (str,),
    "bool": (bool,),
    "int | None": (numbers.Integral, type(None)),
    "float | None": (numbers.Real, type(None)),
    "str | None": (str, type(None)),
}


def yaml_number(value: Any) -> Any:
    """``value`` as a float when it is a numeric string (PyYAML reads ``1e-3``, without a dot, as one), else as
    it is: the callers check the type and range."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _check_kind(kind: str) -> None:
    if kind not in PRESET_KINDS:
        raise ValueError(f"unknown preset kind {kind!r}; valid: {', '.join(PRESET_KINDS)}")


def builtin_preset_dir(kind: str) -> Path | None:
    """The folder of the built-in ``envs`` or ``agents`` presets (the wheel's copy, else the checkout's), or None."""
    _check_kind(kind)
    for c in (_PKG / "_presets" / kind, _PKG.parent / kind):
        if c.is_dir():
            return c
    return None


def user_preset_roots() -> list[Path]:
    """The folders named by ``ARCHGYM_PRESETS`` (``os.pathsep``-separated; empty entries skipped)."""
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def folder_problems() -> list[str]:
    """What is wrong with the preset folders themselves (a missing built-in folder, an ``ARCHGYM_PRESETS``
    entry that is not a folder or holds neither ``envs/`` nor ``agents/``), one message each."""
    out = []
    if builtin_preset_dir("envs") is None:
        out.append(
            f"the built-in env presets are missing (looked in {_PKG / '_presets' / 'envs'} and {_PKG.parent / 'envs'})"
        )
    for root in user_preset_roots():
        if not root.is_dir():
            out.append(f"{ENV_VAR} entry '{root}' is not a folder")
        elif not any((root / k).is_dir() for k in PRESET_KINDS):
            out.append(f"{ENV_VAR} folder '{root}' holds neither envs/ nor agents/")
    return out


def preset_dirs(kind: str) -> list[Path]:
    """Every folder of ``kind`` presets: the built-in one first, then those of ``ARCHGYM_PRESETS`` that exist."""
    _check_kind(kind)
    builtin = builtin_preset_dir(kind)
    out = [builtin] if builtin is not None else []
    for root in user_preset_roots():
        d = root / kind
        if d.is_dir() and all(d.resolve() != o.resolve() for o in out):
            out.append(d)
    return out


def preset_dir(kind: str) -> Path:
    """The folder of the built-in ``envs`` or ``agents`` presets (see :func:`preset_dirs` for all of them).

    :raises FileNotFoundError: no built-in folder (a broken install)
    """
    d = builtin_preset_dir(kind)
    if d is None:
        raise FileNotFoundError(f"no built-in {kind} preset folder found in {_PKG / '_presets'} or {_PKG.parent}")
    return d


def preset_files(kind: str) -> list[Path]:
    """Every ``*.yaml`` file of every ``kind`` folder (built-in first, each folder sorted by name)."""
    return [p for d in preset_dirs(kind) for p in sorted(d.glob("*.yaml"))]


def find_preset_file(kind: str, name: str) -> Path | None:
    """The preset file ``<name>.yaml`` of ``kind`` (e.g. ``agents``, ``dqn``), searched in every folder.

    :return: the file, or None when no folder has it
    :raises ValueError: two folders define it (both files are named)
    """
    found = [d / f"{name}.yaml" for d in preset_dirs(kind) if (d / f"{name}.yaml").is_file()]
    if len(found) > 1:
        raise ValueError(
            f"{kind[:-1]} preset {name!r} is defined twice: {found[0]} and {found[1]}; "
            f"remove or rename one (presets of {ENV_VAR} add to the built-in ones, they do not replace them)"
        )
    return found[0] if found else None


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
