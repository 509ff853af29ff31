"""The search space: :class:`SearchSpace` (width bounds per layer kind, depth bounds) and size scales.

:class:`WidthBounds` are the allowed widths of one layer kind; :meth:`SearchSpace.check` raises
:class:`~archgym.layers.InvalidEdit` for an architecture outside the space; :meth:`SearchSpace.max_params`
and :meth:`SearchSpace.max_flops` measure the space's largest network, and :func:`log_ratio` is the
scale-free size measure the observations use. :mod:`archgym.arch` re-exports these names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archgym.layers import InvalidEdit, LayerSpec

if TYPE_CHECKING:
    from archgym.arch import Architecture

__all__ = ["SearchSpace", "WidthBounds", "log_ratio"]


@dataclass(frozen=True)
class WidthBounds:
    """Allowed widths of one layer kind: ``min <= width <= max``, edits move by ``step``."""

    min: int
    max: int
    step: int

    def __post_init__(self) -> None:
        for name in ("min", "max", "step"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"width bound {name!r} must be a positive int, got {v!r}")
        if self.min > self.max:
            raise ValueError(f"width bounds: min={self.min} exceeds max={self.max}")


@dataclass(frozen=True)
class SearchSpace:
    """Bounds of the search: widths per layer kind and depth.

    :param dense: width bounds of dense layers
    :param conv: width bounds (channels) of conv layers
    :param min_depth: fewest hidden layers allowed (>= 1)
    :param max_depth: most hidden layers allowed; also the number of layer slots in the env
    """

    dense: WidthBounds = field(default_factory=lambda: WidthBounds(8, 256, 16))
    conv: WidthBounds = field(default_factory=lambda: WidthBounds(4, 64, 4))
    min_depth: int = 1
    max_depth: int = 4

    def __post_init__(self) -> None:
        if isinstance(self.min_depth, bool) or not isinstance(self.min_depth, int) or self.min_depth < 1:
            raise ValueError(f"min_depth must be an int >= 1, got {self.min_depth!r}")
        if not isinstance(self.max_depth, int) or self.max_depth < self.min_depth:
            raise ValueError(f"max_depth must be an int >= min_depth={self.min_depth}, got {self.max_depth!r}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SearchSpace:
        """Build from a preset mapping (``dense: {min, max, step}``, ``conv: ...``, depths)."""
        valid = {"dense", "conv", "min_depth", "max_depth"}
        unknown = set(d) - valid
        if unknown:
            raise ValueError(f"unknown search_space key(s) {sorted(unknown)}; valid: {sorted(valid)}")
        kw: dict[str, Any] = {}
        defaults = cls()
        for kind in ("dense", "conv"):
            if kind in d:
                b = d[kind]
                if not isinstance(b, Mapping) or set(b) - {"min", "max", "step"}:
                    raise ValueError(f"search_space.{kind} must be a mapping with keys min, max, step; got {b!r}")
                kw[kind] = WidthBounds(**{**vars(getattr(defaults, kind)), **b})
        for k in ("min_depth", "max_depth"):
            if k in d:
                kw[k] = d[k]
        return cls(**kw)

    def bounds(self, kind: str) -> WidthBounds:
        """Width bounds of a layer kind."""
        return self.dense if kind == "dense" else self.conv

    def check(self, arch: Architecture) -> None:
        """Raise :class:`InvalidEdit` if ``arch`` lies outside the space."""
        if not self.min_depth <= arch.depth <= self.max_depth:
            raise InvalidEdit(f"depth {arch.depth} outside [{self.min_depth}, {self.max_depth}]")
        for i, layer in enumerate(arch.layers):
            b = self.bounds(layer.kind)
            if not b.min <= layer.width <= b.max:
                raise InvalidEdit(f"layer {i} ({layer.kind}) width {layer.width} outside [{b.min}, {b.max}]")

    def contains(self, arch: Architecture) -> bool:
        """True if :meth:`check` passes."""
        try:
            self.check(arch)
        except InvalidEdit:
            return False
        return True

    def max_params(self, arch: Architecture) -> int:
        """Parameters of the largest network of this space with ``arch``'s input and classes (a scale)."""
        return _widest(self, arch).params()

    def max_flops(self, arch: Architecture) -> int:
        """FLOPs of the largest network of this space with ``arch``'s input and classes (a scale)."""
        return _widest(self, arch).flops()


def _widest(space: SearchSpace, arch: Architecture) -> Architecture:
    """The largest network of ``space``: its conv layers keep the strides / pools of ``arch``'s."""
    convs = [x for x in arch.layers if x.kind == "conv"]
    kernel = max((x.kernel for x in convs), default=3)
    n_dense = max(space.max_depth - len(convs), 0) if not arch.is_flat else space.max_depth
    n_conv = space.max_depth - n_dense
    layers = [
        LayerSpec("conv", space.conv.max, kernel, *((convs[j].stride, convs[j].pool) if j < len(convs) else (1, 1)))
        for j in range(n_conv)
    ]
    layers += [LayerSpec("dense", space.dense.max)] * n_dense
    return type(arch)(arch.input_shape, tuple(layers), arch.num_classes, arch.head)


def log_ratio(value: float, reference: float) -> float:
    """``log2(value / reference)``, the scale-free size measure used in observations."""
    return math.log2(max(value, 1.0) / max(reference, 1.0))
