"""Register one Gymnasium id per YAML preset in ``envs/``: adding a preset file adds an id.

The presets are read from every env preset folder (the built-in one and those of ``ARCHGYM_PRESETS``,
:mod:`archgym.presets`). Registration never raises: a broken preset file (or an id defined twice) is
reported when its id is used (``gym.make``, ``archgym train``) or listed (``archgym list``), so
``import archgym`` and ``archgym --help`` always work.

A preset is checked when it is read: its keys, its ``kwargs`` names against the entry point's
``__init__`` signature, and the types of the kwargs whose annotation is a plain ``int``, ``float``,
``str`` or ``bool`` (errors name the file, the field, the value and what is valid). Ranges are
checked by the env itself; :func:`validate_env_preset` builds the env once to check them too.

``gym.make(id, bogus=1)`` raises Python's ``TypeError`` (Gymnasium passes the keywords straight to
the constructor, and the env keeps an explicit signature rather than a ``**kwargs`` catch-all):
check names first with :func:`check_preset_kwargs` (the CLI does, through
``archgym.agents.run.check_env_kwargs``), which raises a ValueError naming the valid keys.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym

from archgym.presets import SIMPLE_TYPES, folder_problems, preset_files, read_yaml

__all__ = [
    "ENV_PRESETS",
    "PRESET_ERRORS",
    "EnvPreset",
    "check_kwarg_types",
    "check_preset_kwargs",
    "load_env_presets",
    "preset_error",
    "preset_problems",
    "register_envs",
    "scan_env_presets",
    "validate_env_preset",
]

DEFAULT_ENTRY_POINT = "archgym.envs.core:ArchSearchEnv"
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
    entry_point = data.get("entry_point", DEFAULT_ENTRY_POINT)
    if not isinstance(entry_point, str) or ":" not in entry_point:
        raise ValueError(f"{path}: 'entry_point' must be 'module:Class', got {entry_point!r}")
    check_preset_kwargs(entry_point, kwargs, where=f"{path}: kwargs")
    return EnvPreset(
        id=data["id"],
        description=str(data.get("description", "")),
        entry_point=entry_point,
        max_episode_steps=steps,
        kwargs={"horizon": steps, **kwargs},
        vector_entry_point=data.get("vector_entry_point"),
        path=path,
    )


def _entry_point_class(entry_point: str) -> Any:
    module, _, name = entry_point.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ValueError(f"entry point {entry_point!r} cannot be imported") from None
    except Exception as e:  # a module that fails while it is imported
        raise ValueError(f"entry point {entry_point!r} cannot be imported: {type(e).__name__}: {e}") from None


def _entry_point_params(entry_point: str) -> dict[str, inspect.Parameter]:
    params = inspect.signature(_entry_point_class(entry_point).__init__).parameters
    return {k: p for k, p in params.items() if k != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD}


def check_preset_kwargs(entry_point: str, kwargs: dict[str, Any], where: str = "kwargs") -> None:
    """Check kwarg names and the types of simple values against the entry point.

    For archgym's env the names are its :meth:`~archgym.envs.core.ArchSearchEnv.keyword_names` and the config
    pieces check the values (:func:`archgym.envs.config.split_keywords`); for another class, its ``__init__``.

    :param entry_point: ``module:Class``
    :param kwargs: the keyword arguments
    :param where: prefix of the error messages (e.g. ``path/to/preset.yaml: kwargs``)
    :raises ValueError: an unknown name (with a "did you mean" and the valid names) or a wrong type
    """
    cls = _entry_point_class(entry_point)
    params = _entry_point_params(entry_point)
    names = cls.keyword_names() if hasattr(cls, "keyword_names") else list(params)
    valid = [k for k in names if k != "render_mode"]
    for key in kwargs:
        if key not in names:
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            raise ValueError(f"{where}: unknown key {key!r}{hint} valid: {', '.join(valid)}")
    check_kwarg_types(params, kwargs, where)
    if hasattr(cls, "keyword_names"):
        from archgym.envs.config import ENV_KEYWORDS, split_keywords

        try:
            split_keywords({k: v for k, v in kwargs.items() if k in ENV_KEYWORDS})
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None


def check_kwarg_types(params: dict[str, inspect.Parameter], kwargs: dict[str, Any], where: str = "kwargs") -> None:
    """Check the values of the simply-annotated parameters (``int``, ``float``, ``str``, ``bool``, ``X | None``).

    :param params: the parameters of the signature (names not in it are skipped)
    :param kwargs: the values
    :param where: prefix of the error message
    :raises ValueError: a value of the wrong type (bool is never accepted as a number)
    """
    for key, value in kwargs.items():
        p = params.get(key)
        types = SIMPLE_TYPES.get(str(p.annotation)) if p is not None else None
        if types is None:
            continue
        bad_bool = isinstance(value, bool) and bool not in types
        if bad_bool or not isinstance(value, types):
            want = str(p.annotation).replace(" | None", " or null") if p is not None else "?"
            raise ValueError(f"{where}: {key!r} must be {want}, got {value!r} ({type(value).__name__})")


def validate_env_preset(preset: EnvPreset) -> None:
    """Build the preset's env once (on the CPU, without training) so that its values are range-checked.

    :param preset: a parsed preset
    :raises ValueError: the env rejects a value; the message names the preset file and the field
    """
    module, _, name = preset.entry_point.partition(":")
    cls = getattr(importlib.import_module(module), name)
    params = _entry_point_params(preset.entry_point)
    kwargs = {**preset.kwargs, "device": "cpu"} if "device" in params else dict(preset.kwargs)
    try:
        env = cls(**kwargs)
    except ValueError as e:
        raise ValueError(f"{preset.path or preset.id}: kwargs: {e}") from None
    env.close()


def load_env_presets(folder: Path | None = None) -> dict[str, EnvPreset]:
    """Every preset of ``folder`` (default: every env preset folder, see :func:`archgym.presets.preset_dirs`), by id.

    Strict: the first broken file or duplicate id raises. :func:`register_envs` reads them leniently instead.

    :raises ValueError: a broken preset file, or an id defined twice (both files named)
    """
    paths = sorted(folder.glob("*.yaml")) if folder is not None else preset_files("envs")
    presets, errors = scan_env_presets(paths)
    if errors:
        raise ValueError(next(iter(errors.values())))
    return presets


_ID_LINE = re.compile(r"^id:\s*['\"]?([^'\"\s#]+)", re.M)


def _id_in_text(path: Path) -> str | None:
    """The ``id:`` of a preset file that does not parse, when a line says it (to report the error under that id)."""
    try:
        m = _ID_LINE.search(path.read_text(errors="replace"))
    except OSError:
        return None
    return m.group(1) if m else None


def scan_env_presets(paths: Sequence[Path]) -> tuple[dict[str, EnvPreset], dict[str, str]]:
    """Read preset files leniently: the good presets by id, and one error message per broken one.

    An error is keyed by the preset's id when it is known (a file whose YAML does not parse is keyed by
    its ``id:`` line if it has one), else by the file path. An id defined in two files is an error
    naming both, and neither definition is kept.

    :param paths: the preset files, in order (built-in folder first)
    :return: ``(presets, errors)``
    """
    presets: dict[str, EnvPreset] = {}
    errors: dict[str, str] = {}
    first_file: dict[str, Path] = {}
    for path in paths:
        preset: EnvPreset | None = None
        try:
            preset = parse_env_preset(read_yaml(path), path)
        except Exception as e:  # any broken file is reported when used, never at import
            msg = " ".join(str(e).split()) or type(e).__name__
            if str(path) not in msg:
                msg = f"{path}: {msg}"
            key = _id_in_text(path) or str(path)
            errors.setdefault(key, f"broken preset file: {msg}")
            first_file.setdefault(key, path)
        if preset is None:
            continue
        if preset.id in first_file:
            errors[preset.id] = (
                f"env id {preset.id!r} is defined twice: {first_file[preset.id]} and {path}; remove or rename one "
                "(presets of ARCHGYM_PRESETS add to the built-in ones, they do not replace them)"
            )
            presets.pop(preset.id, None)
            continue
        first_file[preset.id] = path
        presets[preset.id] = preset
    return presets, errors


#: the registered presets by id (refreshed by :func:`register_envs`)
ENV_PRESETS: dict[str, EnvPreset] = {}
#: what is wrong with the preset files: message by env id (or by file path when the id is unknown)
PRESET_ERRORS: dict[str, str] = {}
#: ids this module registered with Gymnasium, with what they were registered as (to follow changes)
_REGISTERED: dict[str, tuple[Any, ...]] = {}


def preset_error(env_id: str) -> str | None:
    """Why the preset of ``env_id`` cannot be used (broken file, id defined twice), or None."""
    return PRESET_ERRORS.get(env_id)


def preset_problems() -> list[str]:
    """Every preset problem (broken files, duplicate ids, bad preset folders), one message each."""
    return list(PRESET_ERRORS.values())


def _broken(env_id: str, **kwargs: Any) -> gym.Env:
    """Entry point of an id whose preset is broken: ``gym.make`` raises its error."""
    raise ValueError(PRESET_ERRORS.get(env_id, f"the preset of {env_id!r} is broken"))


def register_envs() -> dict[str, EnvPreset]:
    """Register every preset of every preset folder with Gymnasium; never raises for a broken preset.

    Idempotent, and it follows changes of ``ARCHGYM_PRESETS``: ids whose preset changed are registered
    again, ids whose preset is gone are removed. An id whose preset is broken (or defined twice) is
    registered with an entry point that raises its error, so ``gym.make`` says what is wrong; errors
    without an id (a file that names none) are listed by :func:`preset_problems` (``archgym list``).
    """
    try:
        paths = preset_files("envs")
        folder_errors = folder_problems()
    except Exception as e:  # a broken ARCHGYM_PRESETS value must not break the import
        paths, folder_errors = [], [f"cannot list the preset folders: {e}"]
    presets, errors = scan_env_presets(paths)
    for i, msg in enumerate(folder_errors):
        errors[f"<preset folder {i}>"] = msg
    ENV_PRESETS.clear()
    ENV_PRESETS.update(presets)
    PRESET_ERRORS.clear()
    PRESET_ERRORS.update(errors)
    wanted: dict[str, tuple[Any, ...]] = {}
    for env_id, p in presets.items():
        wanted[env_id] = (p.entry_point, p.max_episode_steps, repr(p.kwargs), p.vector_entry_point)
    for env_id, msg in errors.items():
        if env_id.startswith("archgym/"):
            wanted[env_id] = ("broken", msg)
    for env_id in list(_REGISTERED):
        if wanted.get(env_id) != _REGISTERED[env_id]:
            gym.registry.pop(env_id, None)
            del _REGISTERED[env_id]
    for env_id, sig in wanted.items():
        if env_id in gym.registry:
            continue
        if sig[0] == "broken":
            gym.register(env_id, entry_point=functools.partial(_broken, env_id))
        else:
            p = presets[env_id]
            kw: dict[str, Any] = {}
            if p.vector_entry_point:
                kw["vector_entry_point"] = p.vector_entry_point
            gym.register(
                env_id, entry_point=p.entry_point, max_episode_steps=p.max_episode_steps, kwargs=p.kwargs, **kw
            )
        _REGISTERED[env_id] = sig
    return ENV_PRESETS
