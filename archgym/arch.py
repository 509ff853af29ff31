"""Architecture: an immutable, hashable description of a child network (pure python, no torch).

An :class:`Architecture` is an input shape, an ordered tuple of hidden layers and a number of
classes. Hidden layers are :class:`LayerSpec` values: ``dense`` (``width`` units) or ``conv``
(``width`` output channels, square ``kernel``, stride 1, "same" padding). Conv layers come first
and are flattened into the dense layers (or the classifier head) that follow them.

Counting convention
-------------------
* ``params()`` counts every weight and bias, exactly what ``sum(p.numel())`` gives for the
  built :class:`~archgym.child.ChildNet`.
* ``flops()`` counts **multiply-adds** (MACs) of one forward pass for one sample, weights only:
  a dense layer ``n_in x n_out`` costs ``n_in * n_out``; a conv layer costs
  ``c_in * c_out * k * k * H * W`` (stride 1, same padding, so ``H x W`` is kept). Biases and
  activations are not counted. Multiply by 2 for "FLOPs" in the two-operations convention.

Edits (``widen``, ``narrow``, ``insert``, ``remove``) are pure: they return a new Architecture
or raise :class:`InvalidEdit` with the reason. Search-space bounds live in :class:`SearchSpace`.

>>> a = Architecture.mlp(64, [32], 10)
>>> a.params(), a.flops(), a.key()
(2410, 2368, '64-[32]-10')
>>> a.widen(0, 16).key()
'64-[48]-10'
>>> a.insert(0).remove(1) == a
True
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

LayerKind = Literal["dense", "conv"]
LAYER_KINDS: tuple[str, ...] = ("dense", "conv")

__all__ = ["LAYER_KINDS", "Architecture", "InvalidEdit", "LayerSpec", "SearchSpace", "WidthBounds"]


class InvalidEdit(ValueError):
    """An architecture edit that cannot be applied; the message says why."""


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer: ``dense`` with ``width`` units or ``conv`` with ``width`` channels.

    :param kind: ``"dense"`` or ``"conv"``
    :param width: number of units / output channels (>= 1)
    :param kernel: square kernel size for conv layers (odd, >= 1); 0 for dense layers
    """

    kind: LayerKind
    width: int
    kernel: int = 0

    def __post_init__(self) -> None:
        if self.kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}; valid: {', '.join(LAYER_KINDS)}")
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise ValueError(f"layer width must be a positive int, got {self.width!r}")
        if self.kind == "conv":
            if not isinstance(self.kernel, int) or self.kernel < 1 or self.kernel % 2 == 0:
                raise ValueError(f"conv kernel must be a positive odd int, got {self.kernel!r}")
        elif self.kernel != 0:
            raise ValueError(f"dense layers take no kernel, got kernel={self.kernel!r}")

    def short(self) -> str:
        """Compact text: ``64`` for dense, ``c16k3`` for conv."""
        return str(self.width) if self.kind == "dense" else f"c{self.width}k{self.kernel}"

    def with_width(self, width: int) -> LayerSpec:
        """Same layer with another width."""
        return LayerSpec(self.kind, width, self.kernel)


@dataclass(frozen=True)
class Architecture:
    """Immutable child-network description; see the module docstring for the conventions.

    :param input_shape: ``(features,)`` for flat inputs or ``(C, H, W)`` for images
    :param layers: hidden layers, conv layers first
    :param num_classes: size of the classifier head (>= 2)
    """

    input_shape: tuple[int, ...]
    layers: tuple[LayerSpec, ...]
    num_classes: int

    def __post_init__(self) -> None:
        shape = tuple(self.input_shape)
        if len(shape) not in (1, 3) or any(not isinstance(s, int) or s < 1 for s in shape):
            raise ValueError(f"input_shape must be (features,) or (C, H, W) of positive ints, got {self.input_shape!r}")
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "layers", tuple(self.layers))
        if not isinstance(self.num_classes, int) or self.num_classes < 2:
            raise ValueError(f"num_classes must be an int >= 2, got {self.num_classes!r}")
        seen_dense = False
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, LayerSpec):
                raise TypeError(f"layers[{i}] must be a LayerSpec, got {type(layer).__name__}")
            if layer.kind == "conv":
                if len(shape) != 3:
                    raise ValueError("conv layers need an image input_shape (C, H, W)")
                if seen_dense:
                    raise ValueError(f"conv layer {i} follows a dense layer; conv layers must come first")
            else:
                seen_dense = True

    # ----------------------------------------------------------------- constructors
    @classmethod
    def mlp(cls, in_features: int, widths: Sequence[int], num_classes: int) -> Architecture:
        """An MLP on flat inputs."""
        return cls((in_features,), tuple(LayerSpec("dense", int(w)) for w in widths), num_classes)

    @classmethod
    def cnn(
        cls,
        input_shape: tuple[int, int, int],
        channels: Sequence[int],
        dense: Sequence[int],
        num_classes: int,
        kernel: int = 3,
    ) -> Architecture:
        """Conv layers (``channels``, all with ``kernel``) followed by dense layers."""
        layers = [LayerSpec("conv", int(c), kernel) for c in channels] + [LayerSpec("dense", int(w)) for w in dense]
        return cls(tuple(input_shape), tuple(layers), num_classes)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Architecture:
        """Inverse of :meth:`to_dict`."""
        try:
            layers = tuple(LayerSpec(str(x["kind"]), int(x["width"]), int(x.get("kernel", 0))) for x in d["layers"])
            return cls(tuple(int(s) for s in d["input_shape"]), layers, int(d["num_classes"]))
        except KeyError as e:
            raise ValueError(f"architecture dict lacks {e.args[0]!r}; needs input_shape, layers, num_classes") from None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "input_shape": list(self.input_shape),
            "layers": [{"kind": x.kind, "width": x.width, "kernel": x.kernel} for x in self.layers],
            "num_classes": self.num_classes,
        }

    # ----------------------------------------------------------------- queries
    @property
    def depth(self) -> int:
        """Number of hidden layers."""
        return len(self.layers)

    @property
    def is_image(self) -> bool:
        """True for a ``(C, H, W)`` input."""
        return len(self.input_shape) == 3

    @property
    def spatial(self) -> int:
        """``H * W`` of an image input (kept by every conv layer), 1 for flat inputs."""
        return self.input_shape[1] * self.input_shape[2] if self.is_image else 1

    def in_units(self, i: int) -> int:
        """Number of input *units* of hidden layer ``i`` (``i == depth`` is the head).

        A unit is a feature, a neuron or a channel: for a dense layer after a conv layer it is
        the conv's channel count (each channel owns ``spatial`` flattened columns).
        """
        if i == 0:
            return self.input_shape[0]
        return self.layers[i - 1].width

    def in_group(self, i: int) -> int:
        """Columns per input unit of layer ``i`` (``spatial`` across a conv -> dense flatten, else 1)."""
        prev_conv = (i == 0 and self.is_image) or (i > 0 and self.layers[i - 1].kind == "conv")
        this_dense = i == self.depth or self.layers[i].kind == "dense"
        return self.spatial if prev_conv and this_dense else 1

    def layer_params(self) -> list[int]:
        """Parameters of each hidden layer, then of the head."""
        out = []
        for i in range(self.depth + 1):
            n_in = self.in_units(i) * self.in_group(i)
            if i == self.depth:
                out.append(n_in * self.num_classes + self.num_classes)
            elif self.layers[i].kind == "dense":
                out.append(n_in * self.layers[i].width + self.layers[i].width)
            else:
                k = self.layers[i].kernel
                out.append(n_in * self.layers[i].width * k * k + self.layers[i].width)
        return out

    def layer_flops(self) -> list[int]:
        """Multiply-adds of each hidden layer, then of the head (one sample, forward)."""
        out = []
        for i in range(self.depth + 1):
            n_in = self.in_units(i) * self.in_group(i)
            if i == self.depth:
                out.append(n_in * self.num_classes)
            elif self.layers[i].kind == "dense":
                out.append(n_in * self.layers[i].width)
            else:
                k = self.layers[i].kernel
                out.append(n_in * self.layers[i].width * k * k * self.spatial)
        return out

    def params(self) -> int:
        """Exact number of parameters (weights and biases)."""
        return sum(self.layer_params())

    def flops(self) -> int:
        """Multiply-adds of one forward pass for one sample (see module docstring)."""
        return sum(self.layer_flops())

    def key(self) -> str:
        """Stable short text, e.g. ``64-[128,64]-10`` or ``1x8x8-[c16k3,64]-10``; equal iff archs are equal."""
        inp = "x".join(str(s) for s in self.input_shape)
        return f"{inp}-[{','.join(x.short() for x in self.layers)}]-{self.num_classes}"

    def digest(self) -> str:
        """A 12-hex-digit hash of :meth:`key` (stable across processes, unlike ``hash()``)."""
        return hashlib.sha1(self.key().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def __str__(self) -> str:
        return self.key()

    # ----------------------------------------------------------------- pure edits
    def _check_index(self, i: int, what: str) -> None:
        if not isinstance(i, int) or not 0 <= i < self.depth:
            raise InvalidEdit(f"{what}: no layer {i!r}; valid layer indices are 0..{self.depth - 1}")

    def _replace_layer(self, i: int, layer: LayerSpec | None) -> Architecture:
        layers = list(self.layers)
        if layer is None:
            del layers[i]
        else:
            layers[i] = layer
        return Architecture(self.input_shape, tuple(layers), self.num_classes)

    def widen(self, i: int, k: int) -> Architecture:
        """Layer ``i`` with ``k`` more units."""
        self._check_index(i, "widen")
        if not isinstance(k, int) or k < 1:
            raise InvalidEdit(f"widen: k must be a positive int, got {k!r}")
        return self._replace_layer(i, self.layers[i].with_width(self.layers[i].width + k))

    def narrow(self, i: int, k: int) -> Architecture:
        """Layer ``i`` with ``k`` fewer units (at least one must remain)."""
        self._check_index(i, "narrow")
        if not isinstance(k, int) or k < 1:
            raise InvalidEdit(f"narrow: k must be a positive int, got {k!r}")
        if self.layers[i].width - k < 1:
            raise InvalidEdit(f"narrow: layer {i} has {self.layers[i].width} units, cannot remove {k}")
        return self._replace_layer(i, self.layers[i].with_width(self.layers[i].width - k))

    def insert(self, i: int, layer: LayerSpec | None = None) -> Architecture:
        """Insert ``layer`` after layer ``i`` (default: a copy of layer ``i``, the Net2Deeper case)."""
        self._check_index(i, "insert")
        new = layer if layer is not None else self.layers[i]
        layers = list(self.layers)
        layers.insert(i + 1, new)
        try:
            return Architecture(self.input_shape, tuple(layers), self.num_classes)
        except ValueError as e:
            raise InvalidEdit(f"insert: {e}") from None

    def remove(self, i: int) -> Architecture:
        """Drop layer ``i``."""
        self._check_index(i, "remove")
        return self._replace_layer(i, None)


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
        for kind in ("dense", "conv"):
            if kind in d:
                b = d[kind]
                if not isinstance(b, Mapping) or set(b) - {"min", "max", "step"}:
                    raise ValueError(f"search_space.{kind} must be a mapping with keys min, max, step; got {b!r}")
                kw[kind] = WidthBounds(**{**cls.__dataclass_fields__[kind].default_factory().__dict__, **b})
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
    kernel = max((x.kernel for x in arch.layers if x.kind == "conv"), default=3)
    n_conv = sum(x.kind == "conv" for x in arch.layers)
    n_dense = max(space.max_depth - n_conv, 0) if arch.is_image else space.max_depth
    n_conv = space.max_depth - n_dense
    layers = [LayerSpec("conv", space.conv.max, kernel)] * n_conv + [LayerSpec("dense", space.dense.max)] * n_dense
    return Architecture(arch.input_shape, tuple(layers), arch.num_classes)


def log_ratio(value: float, reference: float) -> float:
    """``log2(value / reference)``, the scale-free size measure used in observations."""
    return math.log2(max(value, 1.0) / max(reference, 1.0))
