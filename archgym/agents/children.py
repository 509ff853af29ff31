"""Children saved by a run: ``best_child.{pt,json}`` written and loaded, architectures from their keys.

:func:`save_child` writes a child's weights (a plain state_dict, pruning masks kept) and a JSON of its
architecture and metrics; :func:`load_child` loads one in a call (``weights_only``: no pickled code
runs); :func:`child_from_state` and :func:`architecture_from_key` rebuild a child or an architecture;
:func:`sparsity_meta` summarises a sparse child's masks. Where a run puts these files: see
:mod:`archgym.agents.run`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, overload

import torch
from torch import nn

from archgym.arch import Architecture
from archgym.child import ChildNet

__all__ = [
    "CHILD_STEM",
    "architecture_from_key",
    "child_from_state",
    "load_child",
    "save_child",
    "sparsity_meta",
]

CHILD_STEM = "best_child"


def architecture_from_key(key: str) -> Architecture:
    """Inverse of :meth:`Architecture.key` (:meth:`Architecture.from_key`: every layer kind the env has).

    >>> architecture_from_key("64-[48,16]-10").key()
    '64-[48,16]-10'
    >>> architecture_from_key("1x8x8-[c8k3,32]-10").layers[0].kind
    'conv'
    """
    return Architecture.from_key(key)


def child_from_state(
    arch: Architecture | Mapping[str, Any], state: Mapping[str, Any], device: str | torch.device = "cpu"
) -> ChildNet:
    """A :class:`ChildNet` of ``arch`` holding ``state``; pruning masks (``*_orig`` / ``*_mask`` entries) are kept.

    :param arch: the architecture (or its ``to_dict()``)
    :param state: a ``state_dict`` of a child of that architecture, masked or not
    :param device: device of the returned network
    :raises ValueError: the state does not fit the architecture
    """
    from archgym.pruning.masks import load_masked_state_dict

    if not isinstance(arch, Architecture):
        arch = Architecture.from_dict(dict(arch))
    child = ChildNet(arch, seed=0, device=device)
    try:
        load_masked_state_dict(child, {k: v.to(device) for k, v in state.items()})
    except (RuntimeError, KeyError, AttributeError) as e:
        msg = " ".join(str(e).split())
        raise ValueError(f"the saved weights do not fit architecture {arch.key()}: {msg}") from None
    return child


def sparsity_meta(child: ChildNet) -> dict[str, Any] | None:
    """``{"sparsity", "nonzero_params", "masked_layers"}`` of a child carrying pruning masks, else None."""
    from archgym.pruning.masks import is_masked
    from archgym.pruning.stats import nonzero_params, sparsity_report

    masked = [name for name, m in child.named_modules() if name and is_masked(m)]
    if not masked:
        return None
    rep = sparsity_report(child)
    return {"sparsity": round(rep.sparsity, 6), "nonzero_params": nonzero_params(child), "masked_layers": masked}


def save_child(child: ChildNet, path_stem: Path, meta: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write ``<stem>.pt`` (a plain state_dict on the CPU) and ``<stem>.json`` (architecture + ``meta``).

    A sparse child keeps its pruning masks (``<layer>.weight_orig`` and ``<layer>.weight_mask``
    entries); the JSON then holds a ``sparse`` entry (sparsity, active parameters, masked layers)
    and :func:`load_child` restores the masks.

    :param child: the network
    :param path_stem: path without suffix, e.g. ``run/export/best_child``
    :param meta: metrics and provenance stored in the JSON
    :return: the two paths
    """
    from archgym.atomic import atomic_path, atomic_write_text

    path_stem.parent.mkdir(parents=True, exist_ok=True)
    pt, js = path_stem.with_suffix(".pt"), path_stem.with_suffix(".json")
    with atomic_path(pt) as tmp:
        torch.save({k: v.detach().cpu() for k, v in child.state_dict().items()}, tmp)
    doc = {"arch": child.arch.to_dict(), "key": child.arch.key(), **meta}
    sparse = sparsity_meta(child)
    if sparse is not None:
        doc["sparse"] = sparse
    atomic_write_text(js, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return pt, js


@overload
def load_child(path: str | Path, device: str | torch.device = ..., raw_inputs: Literal[False] = ...) -> ChildNet: ...


@overload
def load_child(path: str | Path, device: str | torch.device = ..., *, raw_inputs: Literal[True]) -> nn.Sequential: ...


def load_child(
    path: str | Path, device: str | torch.device = "cpu", raw_inputs: bool = False
) -> ChildNet | nn.Sequential:
    """Load an exported child in one call: ``load_child("runs/X/export/best_child.pt")``.

    ``path`` may be the ``.pt`` file, the ``.json`` beside it, or a folder holding ``best_child.pt``.
    The weights are read with ``torch.load(weights_only=True)`` (no pickled code is executed); the
    pruning masks of a sparse child are restored (``torch.nn.utils.prune`` reparametrisation).
    The child expects inputs preprocessed like the env's dataset (reshaped, standardised). An export records
    that preprocessing (the JSON's ``preprocessing`` entry: input shape, raw dtype, mean and std); with
    ``raw_inputs=True`` the result is ``nn.Sequential(Standardize, child)``, which takes raw samples as the
    source holds them (e.g. digits 0-16, uint8 pixels 0-255, MNIST-1D's raw signals).

    :param path: the exported file or its folder
    :param device: device of the returned network
    :param raw_inputs: put the recorded preprocessing in front of the child (see above)
    :return: the :class:`ChildNet`, or with ``raw_inputs`` the ``nn.Sequential`` whose ``[1]`` is it
    :raises ValueError: a missing file, a file that is not an exported child, or ``raw_inputs`` for an export
        without a preprocessing record (a stream env's)
    """
    p = Path(path)
    if p.is_dir():
        p = p / f"{CHILD_STEM}.pt"
        if not p.is_file():
            raise ValueError(f"folder '{path}' holds no {CHILD_STEM}.pt; valid: an export or snapshot folder of a run")
    elif p.suffix not in (".pt", ".json"):
        what = "does not exist" if not p.exists() else "is not an exported child"
        raise ValueError(
            f"'{p}' {what}; valid: a {CHILD_STEM}.pt or .json file written by `archgym export`, or its folder"
            + (" (agent .zip files load with `archgym eval`)" if p.suffix == ".zip" else "")
        )
    pt, js = p.with_suffix(".pt"), p.with_suffix(".json")
    for f in (p, pt, js):
        if not f.is_file():
            raise ValueError(f"exported child file '{f}' does not exist")
    try:
        doc = json.loads(js.read_text())
        arch = doc["arch"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"'{js}' is not the JSON of an exported child (no 'arch' entry)") from None
    child = child_from_state(arch, torch.load(pt, weights_only=True, map_location=device), device=device)
    child.eval()
    if not raw_inputs:
        return child
    if "preprocessing" not in doc:
        raise ValueError(
            f"'{js}' records no preprocessing (a snapshot or a stream env's export); load it without raw_inputs"
        )
    from archgym.data import Preprocessing

    pre = Preprocessing.from_dict(doc["preprocessing"]).as_module().to(device)
    return nn.Sequential(pre, child).eval()
