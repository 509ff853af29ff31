"""The dataset registry: names -> loaders, visible in every process.

A *loader* is a callable that takes keyword options (``data_root``, ``download``, ``num_samples``...;
none are required) and returns the raw data: a :class:`~archgym.data.raw.RawData`, an ``(X, y)`` pair,
``(X, y, X_test, y_test)``, a mapping with ``x``/``y`` (and ``x_test``/``y_test``) or a map-style torch
Dataset.

Three ways to name a loader, from the most local to the most portable:

- ``register_dataset("mine", my_loader)`` in this process. When ``my_loader`` is importable as
  ``"package.module:function"`` (a module-level function of a module other than ``__main__``), the
  entry is also exported to the environment variable ``ARCHGYM_DATASETS``, so that processes started
  afterwards (SubprocVecEnv workers, Ray workers of a cluster started afterwards, the ``archgym`` CLI
  run from a script) know the name too.
- ``ARCHGYM_DATASETS="mine=package.module:function,other=pkg.mod:fn"`` set in the shell.
- the entry-point group ``archgym.datasets`` of an installed package
  (``[project.entry-points."archgym.datasets"] mine = "package.module:function"``).

A ``"package.module:function"`` string is also accepted directly wherever a dataset name is.
Names are matched ignoring case, ``-`` and ``_`` (``FashionMNIST`` finds ``fashion_mnist``).

>>> register_dataset("tiny-example", "archgym.data.synthetic:load")
>>> get_loader("Tiny_Example") is get_loader("archgym.data.synthetic:load")
True
>>> get_loader("digit")
Traceback (most recent call last):
...
ValueError: unknown dataset 'digit'; did you mean 'digits'? valid: ...
>>> unregister_dataset("tiny-example")
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
from collections.abc import Callable
from typing import Any

from archgym.data.raw import describe_value

__all__ = [
    "DATASETS",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "Loader",
    "dataset_names",
    "get_loader",
    "import_loader",
    "is_loader_string",
    "loader_string",
    "register_dataset",
    "unknown_name",
    "unregister_dataset",
]

Loader = Callable[..., Any]
"""A callable ``loader(**options)`` returning raw data (see the module docstring)."""

ENV_VAR = "ARCHGYM_DATASETS"
ENTRY_POINT_GROUP = "archgym.datasets"

DATASETS: dict[str, Loader | str] = {}
"""Registered datasets: canonical name -> loader (a callable or a ``"package.module:function"`` string)."""

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_TARGET_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def unknown_name(kind: str, name: object, valid: list[str] | tuple[str, ...]) -> ValueError:
    """A ValueError for an unknown choice, with a "did you mean" and the valid names.

    >>> str(unknown_name("colour", "bleu", ["blue", "red"]))
    "unknown colour 'bleu'; did you mean 'blue'? valid: blue, red"
    """
    shown = repr(name)
    if len(shown) > 80 or "\n" in shown:  # an array, a long list: described, never printed
        shown = repr(name[:60] + "...") if isinstance(name, str) else describe_value(name)
    close = difflib.get_close_matches(str(name), list(valid), n=1) if isinstance(name, str) else []
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return ValueError(f"unknown {kind} {shown}{hint} valid: {', '.join(valid)}")


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def is_loader_string(text: object) -> bool:
    """True for a ``"package.module:function"`` string.

    >>> is_loader_string("mypkg.data:load"), is_loader_string("digits"), is_loader_string("C:/data.npz")
    (True, False, False)
    """
    return isinstance(text, str) and _TARGET_RE.match(text) is not None


def loader_string(loader: object) -> str | None:
    """``"package.module:function"`` of an importable module-level callable, else ``None``.

    >>> from archgym.data.digits import load
    >>> loader_string(load)
    'archgym.data.digits:load'
    >>> loader_string(lambda: None) is None
    True
    """
    if isinstance(loader, str):
        return loader if is_loader_string(loader) else None
    module = getattr(loader, "__module__", None)
    qualname = getattr(loader, "__qualname__", None)
    if not module or not qualname or module == "__main__" or "<" in qualname:
        return None
    target = f"{module}:{qualname}"
    try:
        return target if import_loader(target) is loader else None
    except ValueError:
        return None


def import_loader(target: str) -> Loader:
    """Import ``"package.module:function"`` (the function may be a dotted attribute path).

    :raises ValueError: a malformed string, a module that does not import, a missing attribute, or
        something that is not callable
    """
    if not is_loader_string(target):
        raise ValueError(f"bad loader string {target!r}; write 'package.module:function'")
    module_name, _, attr = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(f"dataset loader {target!r}: cannot import module {module_name!r} ({e})") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"dataset loader {target!r}: module {module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"dataset loader {target!r} is a {type(obj).__name__}, not a callable")
    return obj  # type: ignore[no-any-return]


def _env_entries() -> dict[str, str]:
    out: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in os.environ.get(ENV_VAR, "").split(","))):
        name, sep, target = item.partition("=")
        if sep and _NAME_RE.match(name.strip()) and is_loader_string(target.strip()):
            out[name.strip()] = target.strip()
    return out


def _export(name: str, target: str | None) -> None:
    entries = _env_entries()
    if target is None:
        if name not in entries:
            return
        del entries[name]
    else:
        entries[name] = target
    if entries:
        os.environ[ENV_VAR] = ",".join(f"{k}={v}" for k, v in entries.items())
    else:
        os.environ.pop(ENV_VAR, None)


def register_dataset(name: str, loader: Loader | str, *, overwrite: bool = False) -> None:
    """Register ``loader`` under ``name`` (usable by ``load_dataset``, ``gym.make(..., dataset=name)``, the CLI).

    Registering the same loader twice is a no-op; another loader under a taken name needs
    ``overwrite=True``. An importable loader (or a ``"package.module:function"`` string) is exported to
    ``ARCHGYM_DATASETS`` for processes started afterwards (see the module docstring).

    :param name: a letter then letters, digits, ``_``, ``-`` or ``.``
    :param loader: a callable ``loader(**options)`` or a ``"package.module:function"`` string (imported
        on first use)
    :param overwrite: replace an existing registration
    :raises ValueError: a bad name, a bad loader, or a taken name
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(
            f"bad dataset name {name!r}: use a letter then letters, digits, '_', '-' or '.'"
            if isinstance(name, str)
            else f"dataset name must be a string, got {type(name).__name__}"
        )
    if isinstance(loader, str):
        if not is_loader_string(loader):
            raise ValueError(f"bad loader string {loader!r} for dataset {name!r}; write 'package.module:function'")
    elif not callable(loader):
        raise ValueError(
            f"loader of dataset {name!r} must be callable or 'package.module:function', got {type(loader).__name__}"
        )
    existing = _find(name)
    if existing is not None:
        old = DATASETS[existing]
        same = old is loader or (loader_string(old) is not None and loader_string(old) == loader_string(loader))
        if not same and not overwrite:
            raise ValueError(f"dataset {existing!r} is already registered; pass overwrite=True to replace it")
        del DATASETS[existing]
    DATASETS[name] = loader
    _export(name, loader_string(loader))


def unregister_dataset(name: str) -> None:
    """Remove a registration (and its ``ARCHGYM_DATASETS`` entry); unknown names raise ValueError."""
    found = _find(name)
    if found is None:
        raise unknown_name("dataset", name, dataset_names())
    del DATASETS[found]
    _export(found, None)


def _find(name: str) -> str | None:
    if name in DATASETS:
        return name
    k = _key(name)
    return next((n for n in DATASETS if _key(n) == k), None)


def _entry_points() -> dict[str, str]:
    from importlib.metadata import entry_points

    try:
        return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    except Exception:  # pragma: no cover - broken distribution metadata must not break lookups
        return {}


def _discover(name: str) -> str | None:
    """Register ``name`` from ``ARCHGYM_DATASETS`` or the entry points when it is there."""
    k = _key(name)
    for source in (_env_entries, _entry_points):
        for n, target in source().items():
            if _key(n) == k and is_loader_string(target):
                DATASETS[n] = target
                return n
    return None


def dataset_names() -> list[str]:
    """Every known dataset name: registered, from ``ARCHGYM_DATASETS`` and from the entry points."""
    names = list(DATASETS)
    keys = {_key(n) for n in names}
    for source in (_env_entries, _entry_points):
        for n in source():
            if _key(n) not in keys:
                names.append(n)
                keys.add(_key(n))
    return names


def get_loader(name: str) -> Loader:
    """The loader of a registered name or of a ``"package.module:function"`` string.

    :raises ValueError: an unknown name (with a did-you-mean and the valid names) or a loader string
        that does not import
    """
    if is_loader_string(name):
        return import_loader(name)
    if not isinstance(name, str):
        raise ValueError(f"dataset name must be a string, got {type(name).__name__}")
    found = _find(name) or _discover(name)
    if found is None:
        raise unknown_name("dataset", name, dataset_names())
    loader = DATASETS[found]
    if isinstance(loader, str):
        loader = import_loader(loader)
        DATASETS[found] = loader
    return loader


def canonical_name(name: str) -> str:
    """The registered spelling of ``name`` (``"FashionMNIST"`` -> ``"fashion_mnist"``), else ``name``."""
    return _find(name) or name
