"""A *chain*: the ordered prunable layers of a feed-forward network, and how to write them back.

Structured pruning needs to know, for each layer, which layer consumes its units and how many
input columns each unit owns there (``group``: ``L`` or ``H * W`` across a conv -> flatten ->
dense boundary, 1 after a global average pool, else 1). :func:`as_chain` builds that view for

* a :class:`~archgym.child.ChildNet` (its ``chain()``; writes back with ``set_chain``), and
* a plain ``nn.Sequential`` of ``Linear`` / ``Conv1d`` / ``Conv2d`` layers with element-wise
  activations, ``Flatten``, pooling and dropout in between (writes back by index).

The last layer of a chain is its *head* (the classifier): its units are never pruned.
:func:`prunable_layers` finds the head of any other module by the order its ``forward`` calls
its layers (``torch.fx`` tracing), not by the order they were registered in.

>>> net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 64, 10))
>>> c = as_chain(net)
>>> c.names, c.groups
(['0', '3'], [64])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import torch.fx
from torch import nn

from archgym.data import unknown_name
from archgym.pruning.surgery import PRUNABLE_TYPES, PrunableLayer, in_units, num_units

__all__ = ["PASSTHROUGH", "Chain", "as_chain", "forward_order", "in_width", "prunable_layers"]

PASSTHROUGH: tuple[type[nn.Module], ...] = (
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.ELU,
    nn.SiLU,
    nn.GELU,
    nn.Tanh,
    nn.Sigmoid,
    nn.Identity,
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Flatten,
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool1d,
    nn.AvgPool2d,
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool1d,
    nn.AdaptiveMaxPool2d,
)
"""Modules allowed between the layers of an ``nn.Sequential`` chain (they keep units apart)."""


def in_width(layer: PrunableLayer) -> int:
    """Number of input columns (``in_features``) or input channels of ``layer``."""
    return in_units(layer)


@dataclass
class Chain:
    """Prunable layers in order, the column group of each boundary, and a writer.

    :param model: the network the chain belongs to
    :param layers: ``Linear`` / ``Conv1d`` / ``Conv2d`` layers; layer ``j + 1`` consumes layer ``j``'s units
    :param groups: ``groups[j]`` = input columns of layer ``j + 1`` owned by one unit of layer ``j``
    :param names: module names of the layers (``layers.0``, ``head``; ``0``, ``3`` for Sequential)
    :param writer: puts a list of new layers (same length) back into ``model``
    """

    model: nn.Module
    layers: list[PrunableLayer]
    groups: list[int]
    names: list[str]
    writer: Callable[[list[PrunableLayer]], None]

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def head(self) -> int:
        """Index of the output layer (never structurally pruned)."""
        return len(self.layers) - 1

    def widths(self) -> list[int]:
        """Units of every layer."""
        return [num_units(layer) for layer in self.layers]

    def index(self, layer: int | str, *, hidden_only: bool = False) -> int:
        """Resolve a layer given by position or module name; ValueError lists the valid ones.

        :param layer: position in the chain (negative counts from the end) or module name
        :param hidden_only: refuse the head (structured pruning cannot remove output classes)
        """
        n = self.head if hidden_only else len(self.layers)
        valid = self.names[:n]
        if isinstance(layer, str):
            if layer not in valid:
                raise unknown_name("layer", layer, valid)
            return valid.index(layer)
        if isinstance(layer, bool) or not isinstance(layer, int) or not -n <= layer < n:
            raise ValueError(f"unknown layer {layer!r}; valid: positions 0..{n - 1} or names {', '.join(valid)}")
        return layer % n

    def select(self, layers: Sequence[int | str] | int | str | None) -> list[int]:
        """Positions of the chosen hidden layers (default: all of them); the head is refused."""
        if layers is None:
            return list(range(self.head))
        if isinstance(layers, (str, int)):
            layers = [layers]
        out = sorted({self.index(x, hidden_only=True) for x in layers})
        if not out:
            raise ValueError("no layer selected; pass layers=None for all hidden layers")
        return out

    def replace(self, layers: list[PrunableLayer]) -> None:
        """Write new layers back into the model and into this chain."""
        if len(layers) != len(self.layers):
            raise ValueError(f"replace: expected {len(self.layers)} layers, got {len(layers)}")
        self.writer(list(layers))
        self.layers = list(layers)


def _child_chain(model: nn.Module) -> Chain:
    child: Any = model  # a ChildNet (not imported: archgym.child imports this package)
    layers = list(child.chain())
    arch = child.arch
    groups = [arch.in_group(j + 1) for j in range(len(layers) - 1)]
    names = [f"layers.{i}" for i in range(len(layers) - 1)] + ["head"]
    return Chain(model, layers, groups, names, child.set_chain)


def _sequential_chain(model: nn.Sequential) -> Chain:
    positions: list[int] = []
    for pos, m in enumerate(model):
        if isinstance(m, PRUNABLE_TYPES):
            if not isinstance(m, nn.Linear) and m.groups != 1:
                raise ValueError(
                    f"layer {pos}: grouped/depthwise {type(m).__name__} (groups={m.groups}) is not supported"
                )
            positions.append(pos)
        elif not isinstance(m, PASSTHROUGH):
            valid = ", ".join(t.__name__ for t in (*PRUNABLE_TYPES, *PASSTHROUGH))
            raise ValueError(f"unsupported module {type(m).__name__} at position {pos}; valid: {valid}")
    if not positions:
        raise ValueError("the Sequential has no Linear, Conv1d or Conv2d layer")
    layers = [cast(PrunableLayer, model[p]) for p in positions]
    groups = []
    for j in range(len(layers) - 1):
        a, b = layers[j], layers[j + 1]
        if isinstance(a, nn.Linear) and not isinstance(b, nn.Linear):
            raise ValueError(f"layer {positions[j + 1]}: a {type(b).__name__} after a Linear layer is not supported")
        n_out, n_in = num_units(a), in_width(b)
        if n_in % n_out:
            raise ValueError(
                f"layer {positions[j + 1]} has {n_in} inputs, "
                f"not a multiple of the {n_out} units of layer {positions[j]}"
            )
        groups.append(n_in // n_out)

    def writer(new: list[PrunableLayer]) -> None:
        for p, layer in zip(positions, new, strict=True):
            model[p] = layer

    return Chain(model, layers, groups, [str(p) for p in positions], writer)


def as_chain(model: nn.Module | Chain) -> Chain:
    """The chain of a :class:`~archgym.child.ChildNet` or a plain ``nn.Sequential`` (a Chain passes through).

    :param model: the network
    """
    if isinstance(model, Chain):
        return model
    if hasattr(model, "chain") and hasattr(model, "set_chain") and hasattr(model, "arch"):
        return _child_chain(model)
    if isinstance(model, nn.Sequential):
        return _sequential_chain(model)
    raise ValueError(
        f"cannot build a layer chain for {type(model).__name__}; valid: ChildNet, nn.Sequential of "
        "Linear/Conv1d/Conv2d layers with activations/Flatten/pooling between them"
    )


def _registration_is_forward(model: nn.Module) -> bool:
    """True for an ``nn.Sequential`` (nested ones allowed) of modules without children: it calls its
    layers in the order they were registered."""
    if not isinstance(model, nn.Sequential):
        return False
    return all(_registration_is_forward(m) if len(m._modules) else True for m in model.children())


def _named_prunable(model: nn.Module) -> list[tuple[str, PrunableLayer]]:
    """``(name, layer)`` of every Linear / Conv1d / Conv2d of ``model`` in registration order."""
    return [(n, cast(PrunableLayer, m)) for n, m in model.named_modules() if isinstance(m, PRUNABLE_TYPES)]


def forward_order(model: nn.Module) -> list[tuple[str, PrunableLayer]]:
    """``(name, layer)`` of every Linear / Conv1d / Conv2d of ``model`` in the order ``forward`` calls them.

    A ``Sequential`` of plain modules runs in registration order; any other module is traced with
    ``torch.fx`` (no data needed). Layers the forward does not call as modules come first, in
    registration order. A bare layer is its own only layer (named ``""``).

    :param model: the network
    :raises ValueError: the forward cannot be traced and the order matters (two layers or more)
    """
    found = _named_prunable(model)
    if len(found) <= 1 or _registration_is_forward(model):
        return found
    try:
        graph = torch.fx.symbolic_trace(model).graph
    except Exception as e:  # any tracing failure means: order unknown
        names = ", ".join(n for n, _ in found)
        raise ValueError(
            f"cannot tell the order in which {type(model).__name__}.forward calls its layers (torch.fx tracing "
            f"failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); pass include_head=True "
            f"to prune every layer, with layers=[...] to choose some (names: {names})"
        ) from None
    by_name = dict(found)
    called: list[str] = []
    for node in graph.nodes:
        if node.op == "call_module" and node.target in by_name and node.target not in called:
            called.append(str(node.target))
    first = [(n, m) for n, m in found if n not in called]
    return first + [(n, by_name[n]) for n in called]


def prunable_layers(
    target: nn.Module | Chain | Sequence[PrunableLayer], *, include_head: bool = False
) -> tuple[list[str], list[PrunableLayer]]:
    """Names and layers that unstructured pruning may touch.

    A list of layers, or a bare ``Linear`` / ``Conv1d`` / ``Conv2d`` layer, is taken as is (all of
    it, named ``"0"``, ``"1"``...). For a model, every ``Linear`` / ``Conv1d`` / ``Conv2d`` in the
    order its forward calls them (:func:`forward_order`); the last one, the output layer (head),
    only with ``include_head``.

    :param target: a model, a chain, a layer or a list of layers
    :param include_head: also return the output layer of a model
    :raises ValueError: nothing to prune (no such layer, or only the head while ``include_head`` is False)
    """
    valid = ", ".join(f"nn.{t.__name__}" for t in PRUNABLE_TYPES)
    if isinstance(target, PRUNABLE_TYPES):
        return ["0"], [cast(PrunableLayer, target)]
    if isinstance(target, Chain):
        names, layers = list(target.names), list(target.layers)
    elif isinstance(target, nn.Module):
        if hasattr(target, "chain") and hasattr(target, "arch"):
            c = _child_chain(target)
            names, layers = c.names, c.layers
        else:
            found = forward_order(target) if not include_head else _named_prunable(target)
            names, layers = [n for n, _ in found], [m for _, m in found]
    else:
        layers = list(target)
        for i, m in enumerate(layers):
            if not isinstance(m, PRUNABLE_TYPES):
                raise ValueError(f"layers[{i}] is a {type(m).__name__}; valid: {valid}")
        return [str(i) for i in range(len(layers))], layers
    if not layers:
        mods = target.modules() if isinstance(target, nn.Module) else []
        others = sorted({type(m).__name__ for m in mods if isinstance(getattr(m, "weight", None), nn.Parameter)})
        found_txt = f" (found weights in {', '.join(others)}, which it does not prune)" if others else ""
        raise ValueError(f"{type(target).__name__} has no layer to prune{found_txt}; valid: {valid}")
    if not include_head:
        if len(layers) == 1:
            raise ValueError(
                f"{type(target).__name__}'s only prunable layer {names[0]!r} is its output layer, which is left "
                "alone by default; pass include_head=True to prune it"
            )
        names, layers = names[:-1], layers[:-1]
    return names, layers
