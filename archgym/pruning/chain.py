"""A *chain*: the ordered prunable layers of a feed-forward network, and how to write them back.

Structured pruning needs to know, for each layer, which layer consumes its units and how many
input columns each unit owns there (``group``: ``H * W`` across a conv -> flatten -> dense
boundary, else 1). :func:`as_chain` builds that view for

* a :class:`~archgym.child.ChildNet` (its ``chain()``; writes back with ``set_chain``), and
* a plain ``nn.Sequential`` of ``Linear`` / ``Conv2d`` layers with element-wise activations,
  ``Flatten``, pooling and dropout in between (writes back by index).

The last layer of a chain is its *head* (the classifier): its units are never pruned.

>>> net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 64, 10))
>>> c = as_chain(net)
>>> c.names, c.groups
(['0', '3'], [64])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from torch import nn

from archgym.data import unknown_name
from archgym.pruning.surgery import PrunableLayer, num_units

__all__ = ["PASSTHROUGH", "Chain", "as_chain", "in_width", "prunable_layers"]

PASSTHROUGH: tuple[type[nn.Module], ...] = (
    nn.ReLU,
    nn.LeakyReLU,
    nn.GELU,
    nn.Tanh,
    nn.Sigmoid,
    nn.Identity,
    nn.Dropout,
    nn.Flatten,
    nn.MaxPool2d,
    nn.AvgPool2d,
)
"""Modules allowed between the layers of an ``nn.Sequential`` chain (they keep units apart)."""


def in_width(layer: PrunableLayer) -> int:
    """Number of input columns (``in_features``) or input channels of ``layer``."""
    return layer.in_features if isinstance(layer, nn.Linear) else layer.in_channels


@dataclass
class Chain:
    """Prunable layers in order, the column group of each boundary, and a writer.

    :param model: the network the chain belongs to
    :param layers: ``Linear`` / ``Conv2d`` layers; layer ``j + 1`` consumes layer ``j``'s units
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
    layers = list(model.chain())
    arch = model.arch
    groups = [arch.in_group(j + 1) for j in range(len(layers) - 1)]
    names = [f"layers.{i}" for i in range(len(layers) - 1)] + ["head"]
    return Chain(model, layers, groups, names, model.set_chain)


def _sequential_chain(model: nn.Sequential) -> Chain:
    positions: list[int] = []
    for pos, m in enumerate(model):
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            if isinstance(m, nn.Conv2d) and m.groups != 1:
                raise ValueError(f"layer {pos}: grouped/depthwise Conv2d (groups={m.groups}) is not supported")
            positions.append(pos)
        elif not isinstance(m, PASSTHROUGH):
            valid = ", ".join(t.__name__ for t in (nn.Linear, nn.Conv2d, *PASSTHROUGH))
            raise ValueError(f"unsupported module {type(m).__name__} at position {pos}; valid: {valid}")
    if not positions:
        raise ValueError("the Sequential has no Linear or Conv2d layer")
    layers = [model[p] for p in positions]
    groups = []
    for j in range(len(layers) - 1):
        a, b = layers[j], layers[j + 1]
        if isinstance(a, nn.Linear) and isinstance(b, nn.Conv2d):
            raise ValueError(f"layer {positions[j + 1]}: a Conv2d after a Linear layer is not supported")
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
        "Linear/Conv2d layers with activations/Flatten between them"
    )


def prunable_layers(
    target: nn.Module | Chain | Sequence[PrunableLayer], *, include_head: bool = False
) -> tuple[list[str], list[PrunableLayer]]:
    """Names and layers that unstructured pruning may touch.

    A list of layers is taken as is (all of them, named ``"0"``, ``"1"``...). For a module, every
    ``Linear`` / ``Conv2d`` in module order, the last one (the head) only with ``include_head``.

    :param target: a model, a chain or a list of layers
    :param include_head: also return the output layer of a model
    """
    if isinstance(target, Chain):
        names, layers = list(target.names), list(target.layers)
    elif isinstance(target, nn.Module):
        if hasattr(target, "chain") and hasattr(target, "arch"):
            c = _child_chain(target)
            names, layers = c.names, c.layers
        else:
            found = [(n, m) for n, m in target.named_modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
            names, layers = [n for n, _ in found], [m for _, m in found]
    else:
        layers = list(target)
        for i, m in enumerate(layers):
            if not isinstance(m, (nn.Linear, nn.Conv2d)):
                raise ValueError(f"layers[{i}] is a {type(m).__name__}; valid: nn.Linear, nn.Conv2d")
        return [str(i) for i in range(len(layers))], layers
    if not layers:
        raise ValueError(f"{type(target).__name__} has no Linear or Conv2d layer to prune")
    if not include_head:
        names, layers = names[:-1], layers[:-1]
    return names, layers
