"""Env ids and env kwargs as the CLI and the run config take them.

:func:`env_id_choices` (the registered ids), :func:`check_env_id` and :func:`check_env_kwargs`
(ValueErrors with a "did you mean" and the valid names, raised before a run directory is created),
:func:`parse_kv` (``k=v`` command-line items, values read as YAML) and :func:`dataset_meta` (the
``archgym.data.load_dataset`` arguments of an env, stored with exported children).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

__all__ = ["check_env_id", "check_env_kwargs", "dataset_meta", "env_id_choices", "parse_kv"]


def env_id_choices() -> list[str]:
    """Registered archgym env ids."""
    from archgym.envs import ENV_PRESETS, register_envs

    register_envs()
    return sorted(ENV_PRESETS)


def check_env_id(env_id: str) -> None:
    """Raise ValueError if ``env_id`` is not a usable archgym id: unknown (with a "did you mean" and the
    valid ids, and the preset files that are broken), or its preset file is broken or defined twice."""
    from archgym.envs.registration import preset_error, preset_problems

    valid = env_id_choices()
    err = preset_error(env_id)
    if err is not None:
        raise ValueError(err)
    if env_id not in valid:
        close = difflib.get_close_matches(env_id, valid, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ";"
        problems = preset_problems()
        broken = f" ({len(problems)} preset problem(s): {problems[0]})" if problems else ""
        raise ValueError(f"unknown env id {env_id!r}{hint} valid: {', '.join(valid)}{broken}")


def check_env_kwargs(env_id: str, kwargs: Mapping[str, Any]) -> None:
    """Check ``kwargs`` names (and simple values) against the env's keywords (ranges are checked by the env).

    :raises ValueError: unknown env id or kwarg (with a "did you mean" and the valid names)
    """
    from archgym.envs import ENV_PRESETS
    from archgym.envs.registration import check_preset_kwargs

    check_env_id(env_id)
    check_preset_kwargs(ENV_PRESETS[env_id].entry_point, dict(kwargs), where=f"env kwargs of {env_id}")


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
