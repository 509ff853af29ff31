"""Architecture: an immutable, hashable description of a child network (pure python, no torch).

An :class:`Architecture` is an input shape, an ordered tuple of hidden layers, a number of
classes and a ``head`` option. The input is ``(features,)`` (kind ``flat``), ``(C, L)``
(``sequence``: conv layers are 1-D) or ``(C, H, W)`` (``image``: conv layers are 2-D). Hidden
layers are :class:`LayerSpec` values: ``dense`` (``width`` units) or ``conv`` (``width`` output
channels, an odd ``kernel`` (square in 2-D), "same" padding ``kernel // 2``, an optional
``stride`` and an optional max-``pool`` after the ReLU). Conv layers come first; their output is
turned into features for the dense layers (or the classifier head) that follow by ``head``:

* ``"flatten"`` (default): every channel at every remaining position is a feature;
* ``"gap"``: global average pooling, one feature per channel (the size no longer depends on the
  input's resolution). Without conv layers the input is flattened either way.

Layer spec syntax (:func:`parse_layers`, :meth:`LayerSpec.short`, presets and :meth:`Architecture.key`)
--------------------------------------------------------------------------------------------------
* ``64``: a dense layer of 64 units;
* ``c32k5``: a conv layer of 32 channels, kernel 5 (``c32``: kernel 3);
* ``c32k5s2``: ... with stride 2 (each spatial size ``n`` becomes ``ceil(n / 2)``);
* ``c32k5p2``: ... followed by a 2-wide max-pool (stride 2, ``n`` becomes ``floor(n / 2)``);
* ``c32k5s2p2``: both (stride first, then pooling); ``s1`` / ``p1`` are the defaults and never
  written. A mapping ``{kind, width, kernel, stride, pool}`` works too.

Counting convention
-------------------
* ``params()`` counts every weight and bias, exactly what ``sum(p.numel())`` gives for the
  built :class:`~archgym.child.ChildNet`.
* ``flops()`` counts **multiply-adds** (MACs) of one forward pass for one sample, weights only:
  a dense layer ``n_in x n_out`` costs ``n_in * n_out``; a conv layer costs
  ``c_in * c_out * k^d * P_out`` (``d`` = 1 or 2 spatial dimensions, ``P_out`` = output positions
  after the stride: ``L`` or ``H * W`` at stride 1). Biases, activations, pooling and the
  global average are not counted. Multiply by 2 for "FLOPs" in the two-operations convention.

Edits (``widen``, ``narrow``, ``insert``, ``remove``) are pure: they return a new Architecture
or raise :class:`InvalidEdit` with the reason. Search-space bounds live in :class:`SearchSpace`.

>>> a = Architecture.mlp(64, [32], 10)
>>> a.params(), a.flops(), a.key()
(2410, 2368, '64-[32]-10')
>>> a.widen(0, 16).key()
'64-[48]-10'
>>> a.insert(0).remove(1) == a
True
>>> s = Architecture((1, 40), parse_layers(["c32k5s2", "c32k5p2", 64]), 10, head="gap")
>>> s.key(), s.input_kind, s.spatial_shape(2), s.params()
('1x40-[c32k5s2,c32k5p2,64]-gap-10', 'sequence', (10,), 8106)
>>> Architecture.from_key(s.key()) == s
True
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

LayerKind = Literal["dense", "conv"]
LAYER_KINDS: tuple[str, ...] = ("dense", "conv")
HEADS: tuple[str, ...] = ("flatten", "gap")
"""How conv outputs become features: ``flatten`` (every position) or ``gap`` (global average pooling)."""
INPUT_KINDS: tuple[str, ...] = ("flat", "sequence", "image")
"""Input kinds by rank of ``input_shape``: ``(F,)``, ``(C, L)``, ``(C, H, W)``."""

__all__ = [
    "HEADS",
    "INPUT_KINDS",
    "LAYER_KINDS",
    "Architecture",
    "InvalidEdit",
    "LayerSpec",
    "SearchSpace",
    "WidthBounds",
    "parse_layers",
]


class InvalidEdit(ValueError):
    """An architecture edit that cannot be applied; the message says why."""


def _positive_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer: ``dense`` with ``width`` units or ``conv`` with ``width`` channels.

    :param kind: ``"dense"`` or ``"conv"``
    :param width: number of units / output channels (>= 1)
    :param kernel: kernel size for conv layers (odd, >= 1; square in 2-D); 0 for dense layers
    :param stride: conv stride (>= 1; "same" padding, so a size ``n`` becomes ``ceil(n / stride)``)
    :param pool: width of the max-pool after the conv's ReLU (>= 1; 1 = none; ``n`` becomes ``n // pool``)
    """

    kind: LayerKind
    width: int
    kernel: int = 0
    stride: int = 1
    pool: int = 1

    def __post_init__(self) -> None:
        if self.kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}; valid: {', '.join(LAYER_KINDS)}")
        if not _positive_int(self.width):
            raise ValueError(f"layer width must be a positive int, got {self.width!r}")
        if self.kind == "conv":
            if not _positive_int(self.kernel) or self.kernel % 2 == 0:
                raise ValueError(f"conv kernel must be a positive odd int, got {self.kernel!r}")
            for name in ("stride", "pool"):
                if not _positive_int(getattr(self, name)):
                    raise ValueError(f"conv {name} must be a positive int, got {getattr(self, name)!r}")
        else:
            if self.kernel != 0:
                raise ValueError(f"dense layers take no kernel, got kernel={self.kernel!r}")
            if self.stride != 1 or self.pool != 1:
                raise ValueError(f"dense layers take no stride or pool, got stride={self.stride!r}, pool={self.pool!r}")

    def __repr__(self) -> str:
        extra = "".join(f", {n}={getattr(self, n)!r}" for n in ("stride", "pool") if getattr(self, n) != 1)
        return f"LayerSpec(kind={self.kind!r}, width={self.width!r}, kernel={self.kernel!r}{extra})"

    @property
    def downsamples(self) -> bool:
        """True for a conv layer with a stride or a pool (it shrinks the spatial size)."""
        return self.stride != 1 or self.pool != 1

    def short(self) -> str:
        """Compact text: ``64`` for dense, ``c16k3`` for conv, ``c16k3s2p2`` with a stride and a pool."""
        if self.kind == "dense":
            return str(self.width)
        s = f"s{self.stride}" if self.stride != 1 else ""
        p = f"p{self.pool}" if self.pool != 1 else ""
        return f"c{self.width}k{self.kernel}{s}{p}"

    def with_width(self, width: int) -> LayerSpec:
        """Same layer with another width."""
        return LayerSpec(self.kind, width, self.kernel, self.stride, self.pool)

    def plain(self) -> LayerSpec:
        """Same layer without stride or pool (the shape of a Net2Deeper identity layer)."""
        return LayerSpec(self.kind, self.width, self.kernel)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; ``stride`` / ``pool`` only when not 1."""
        d: dict[str, Any] = {"kind": self.kind, "width": self.width, "kernel": self.kernel}
        for n in ("stride", "pool"):
            if getattr(self, n) != 1:
                d[n] = getattr(self, n)
        return d


_CONV_RE = re.compile(r"c(?P<width>\d+)(?:k(?P<kernel>\d+))?(?:s(?P<stride>\d+))?(?:p(?P<pool>\d+))?")
_LAYER_KEYS = ("kind", "width", "kernel", "stride", "pool")
_SYNTAX = (
    "an int width (dense), 'c<channels>[k<kernel>][s<stride>][p<pool>]' (conv, e.g. 'c16k3', 'c32k5s2p2') or a mapping"
)


def _parse_layer(item: Any) -> LayerSpec:
    if isinstance(item, bool):
        raise ValueError(f"bad layer {item!r}; valid: {_SYNTAX}")
    if isinstance(item, numbers.Integral):
        return LayerSpec("dense", int(item))
    if isinstance(item, str):
        text = item.strip()
        if text.isdigit():
            return LayerSpec("dense", int(text))
        m = _CONV_RE.fullmatch(text)
        if m is None:
            if text.startswith("c"):
                raise ValueError(
                    f"bad conv layer {item!r}; write it as 'c<channels>[k<kernel>][s<stride>][p<pool>]' "
                    "in that order, e.g. 'c16k3', 'c32k5s2', 'c32k5p2'"
                )
            raise ValueError(f"bad layer {item!r}; valid: {_SYNTAX}")
        g = {k: int(v) for k, v in m.groupdict().items() if v is not None}
        try:
            return LayerSpec("conv", g["width"], g.get("kernel", 3), g.get("stride", 1), g.get("pool", 1))
        except ValueError as e:
            raise ValueError(f"bad conv layer {item!r}: {e}") from None
    if isinstance(item, Mapping):
        unknown = sorted(set(item) - set(_LAYER_KEYS))
        if unknown:
            raise ValueError(f"bad layer {dict(item)!r}: unknown key(s) {unknown}; valid: {', '.join(_LAYER_KEYS)}")
        kind = item.get("kind", "dense")
        try:
            return LayerSpec(
                kind,
                item.get("width"),  # type: ignore[arg-type]
                item.get("kernel", 3 if kind == "conv" else 0),
                item.get("stride", 1),
                item.get("pool", 1),
            )
        except ValueError as e:
            raise ValueError(f"bad layer {dict(item)!r}: {e}") from None
    raise ValueError(f"bad layer {item!r}; valid: {_SYNTAX}")


def parse_layers(layers: Sequence[Any]) -> tuple[LayerSpec, ...]:
    """Layer specs from a preset list: ``64`` (dense), ``"c16k3"`` / ``"c16"`` (conv, kernel 3 by
    default), ``"c32k5s2"`` (stride 2), ``"c32k5p2"`` (2-wide max-pool), or mappings
    ``{kind, width, kernel, stride, pool}``. Bad entries raise ValueError naming the entry and the syntax.

    >>> [x.short() for x in parse_layers(["c8k3", 32])]
    ['c8k3', '32']
    >>> [x.short() for x in parse_layers(["c16", "c32k5s2p2", {"kind": "conv", "width": 8, "pool": 2}, "64"])]
    ['c16k3', 'c32k5s2p2', 'c8k3p2', '64']
    >>> parse_layers(["c16p2k3"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: bad conv layer 'c16p2k3'; write it as 'c<channels>[k<kernel>][s<stride>][p<pool>]' in that order, ...
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise ValueError(f"layers must be a list such as [64, 32] or ['c8k3', 64], got {layers!r}")
    return tuple(_parse_layer(item) for item in layers)


def _conv_out(n: int, spec: LayerSpec) -> int:
    """Spatial size after a "same"-padded conv with ``spec.stride`` then a ``spec.pool`` max-pool."""
    return ((n - 1) // spec.stride + 1) // spec.pool


_KEY_RE = re.compile(r"(?P<inp>\d+(?:x\d+){0,2})-\[(?P<layers>[^\]]*)\](?P<gap>-gap)?-(?P<classes>\d+)")


@dataclass(frozen=True)
class Architecture:
    """Immutable child-network description; see the module docstring for the conventions.

    :param input_shape: ``(features,)`` for flat inputs, ``(C, L)`` for sequences or ``(C, H, W)`` for images
    :param layers: hidden layers, conv layers first
    :param num_classes: size of the classifier head (>= 2)
    :param head: how the conv layers' output becomes features: ``flatten`` or ``gap`` (see :data:`HEADS`)
    """

    input_shape: tuple[int, ...]
    layers: tuple[LayerSpec, ...]
    num_classes: int
    head: str = "flatten"

    def __post_init__(self) -> None:
        shape = tuple(self.input_shape)
        if len(shape) not in (1, 2, 3) or not all(_positive_int(s) for s in shape):
            raise ValueError(
                f"input_shape must be (features,), (C, L) or (C, H, W) of positive ints, got {self.input_shape!r}"
            )
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "layers", tuple(self.layers))
        if isinstance(self.num_classes, bool) or not isinstance(self.num_classes, int) or self.num_classes < 2:
            raise ValueError(f"num_classes must be an int >= 2, got {self.num_classes!r}")
        if self.head not in HEADS:
            raise ValueError(f"unknown head {self.head!r}; valid: {', '.join(HEADS)}")
        if self.head == "gap" and len(shape) == 1:
            raise ValueError("head='gap' needs a sequence (C, L) or image (C, H, W) input; flat inputs use 'flatten'")
        seen_dense = False
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, LayerSpec):
                raise TypeError(f"layers[{i}] must be a LayerSpec, got {type(layer).__name__}")
            if layer.kind == "conv":
                if len(shape) == 1:
                    raise ValueError("conv layers need a sequence (C, L) or image input_shape (C, H, W)")
                if seen_dense:
                    raise ValueError(f"conv layer {i} follows a dense layer; conv layers must come first")
            else:
                seen_dense = True
        self._shapes()  # checks that every pool fits its input

    # ----------------------------------------------------------------- constructors
    @classmethod
    def mlp(cls, in_features: int, widths: Sequence[int], num_classes: int) -> Architecture:
        """An MLP on flat inputs."""
        return cls((in_features,), tuple(LayerSpec("dense", int(w)) for w in widths), num_classes)

    @classmethod
    def cnn(
        cls,
        input_shape: tuple[int, ...],
        channels: Sequence[int],
        dense: Sequence[int],
        num_classes: int,
        kernel: int = 3,
        *,
        stride: int = 1,
        pool: int = 1,
        head: str = "flatten",
    ) -> Architecture:
        """Conv layers (``channels``, all with ``kernel``, ``stride``, ``pool``) followed by dense layers.

        ``input_shape`` is ``(C, L)`` (1-D convs) or ``(C, H, W)`` (2-D convs).
        """
        convs = [LayerSpec("conv", int(c), kernel, stride, pool) for c in channels]
        layers = convs + [LayerSpec("dense", int(w)) for w in dense]
        return cls(tuple(input_shape), tuple(layers), num_classes, head)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Architecture:
        """Inverse of :meth:`to_dict`."""
        try:
            layers = tuple(
                LayerSpec(
                    str(x["kind"]),  # type: ignore[arg-type]
                    int(x["width"]),
                    int(x.get("kernel", 0)),
                    int(x.get("stride", 1)),
                    int(x.get("pool", 1)),
                )
                for x in d["layers"]
            )
            return cls(
                tuple(int(s) for s in d["input_shape"]), layers, int(d["num_classes"]), str(d.get("head", "flatten"))
            )
        except KeyError as e:
            raise ValueError(f"architecture dict lacks {e.args[0]!r}; needs input_shape, layers, num_classes") from None

    @classmethod
    def from_key(cls, key: str) -> Architecture:
        """Inverse of :meth:`key`, e.g. ``'64-[48,16]-10'`` or ``'1x40-[c32k5s2,64]-gap-10'``."""
        m = _KEY_RE.fullmatch(key.strip()) if isinstance(key, str) else None
        if m is None:
            raise ValueError(
                f"bad architecture key {key!r}; expected e.g. '64-[48,16]-10', '1x8x8-[c8k3,32]-10' "
                "or '1x40-[c32k5s2,64]-gap-10'"
            )
        shape = tuple(int(s) for s in m.group("inp").split("x"))
        layers = parse_layers([p for p in m.group("layers").split(",") if p])
        return cls(shape, layers, int(m.group("classes")), "gap" if m.group("gap") else "flatten")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (``head`` only when not ``flatten``, ``stride``/``pool`` only when not 1)."""
        d: dict[str, Any] = {
            "input_shape": list(self.input_shape),
            "layers": [x.to_dict() for x in self.layers],
            "num_classes": self.num_classes,
        }
        if self.head != "flatten":
            d["head"] = self.head
        return d

    # ----------------------------------------------------------------- queries
    @property
    def depth(self) -> int:
        """Number of hidden layers."""
        return len(self.layers)

    @property
    def input_kind(self) -> str:
        """``flat``, ``sequence`` or ``image`` (see :data:`INPUT_KINDS`)."""
        return INPUT_KINDS[len(self.input_shape) - 1]

    @property
    def is_flat(self) -> bool:
        """True for a ``(features,)`` input (no conv layers possible)."""
        return len(self.input_shape) == 1

    @property
    def is_sequence(self) -> bool:
        """True for a ``(C, L)`` input (1-D conv layers)."""
        return len(self.input_shape) == 2

    @property
    def is_image(self) -> bool:
        """True for a ``(C, H, W)`` input (2-D conv layers)."""
        return len(self.input_shape) == 3

    @property
    def conv_dims(self) -> int:
        """Spatial dimensions of the input: 0 (flat), 1 (sequence) or 2 (image)."""
        return len(self.input_shape) - 1

    @property
    def num_conv(self) -> int:
        """Number of conv layers."""
        return sum(x.kind == "conv" for x in self.layers)

    @property
    def spatial(self) -> int:
        """Positions of the input: ``L`` of a sequence, ``H * W`` of an image, 1 for flat inputs."""
        return math.prod(self.input_shape[1:])

    def _shapes(self) -> list[tuple[int, ...]]:
        """Spatial shape of the tensor entering each hidden layer and the head (``()`` once flat)."""
        cached = self.__dict__.get("_shapes_cache")
        if cached is not None:
            return cached
        shapes: list[tuple[int, ...]] = []
        cur = self.input_shape[1:]
        for i, layer in enumerate(self.layers):
            shapes.append(cur)
            if layer.kind == "conv":
                if any((n - 1) // layer.stride + 1 < layer.pool for n in cur):
                    raise ValueError(
                        f"layer {i} ({layer.short()}) pools by {layer.pool} but its input is only "
                        f"{'x'.join(str((n - 1) // layer.stride + 1) for n in cur)} after the stride"
                    )
                cur = tuple(_conv_out(n, layer) for n in cur)
            else:
                cur = ()
        shapes.append(cur)
        object.__setattr__(self, "_shapes_cache", shapes)
        return shapes

    def spatial_shape(self, i: int) -> tuple[int, ...]:
        """Spatial shape (``(L,)``, ``(H, W)``, or ``()`` once flat) of the tensor entering layer ``i``
        (``i == depth``: the head), before any flatten / global average."""
        return self._shapes()[i]

    def in_units(self, i: int) -> int:
        """Number of input *units* of hidden layer ``i`` (``i == depth`` is the head).

        A unit is a feature, a neuron or a channel: for a dense layer after a conv layer it is
        the conv's channel count (each channel owns ``in_group(i)`` flattened columns).
        """
        if i == 0:
            return self.input_shape[0]
        return self.layers[i - 1].width

    def in_group(self, i: int) -> int:
        """Columns per input unit of layer ``i``: the positions of the flattened spatial map across
        a spatial -> dense boundary (1 with ``head='gap'`` after conv layers), else 1."""
        shape = self.spatial_shape(i)
        this_dense = i == self.depth or self.layers[i].kind == "dense"
        if not shape or not this_dense:
            return 1
        if self.head == "gap" and i > 0:  # i > 0 with a spatial input: layer i - 1 is a conv
            return 1
        return math.prod(shape)

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
                k = self.layers[i].kernel ** self.conv_dims
                out.append(n_in * self.layers[i].width * k + self.layers[i].width)
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
                spec = self.layers[i]
                positions = math.prod((n - 1) // spec.stride + 1 for n in self.spatial_shape(i))
                out.append(n_in * spec.width * spec.kernel**self.conv_dims * positions)
        return out

    def _memo(self, name: str, compute: Any) -> Any:
        """``compute()`` once per instance (the value object is immutable; an env step asks several times)."""
        cached = self.__dict__.get(name)
        if cached is None:
            cached = compute()
            object.__setattr__(self, name, cached)
        return cached

    def params(self) -> int:
        """Exact number of parameters (weights and biases)."""
        return int(self._memo("_params_cache", lambda: sum(self.layer_params())))

    def flops(self) -> int:
        """Multiply-adds of one forward pass for one sample (see module docstring)."""
        return int(self._memo("_flops_cache", lambda: sum(self.layer_flops())))

    def key(self) -> str:
        """Stable short text, e.g. ``64-[128,64]-10``, ``1x8x8-[c16k3,64]-10`` or
        ``1x40-[c32k5s2,64]-gap-10``; equal iff archs are equal (:meth:`from_key` inverts it)."""
        return str(self._memo("_key_cache", self._key))

    def _key(self) -> str:
        inp = "x".join(str(s) for s in self.input_shape)
        gap = "-gap" if self.head == "gap" else ""
        return f"{inp}-[{','.join(x.short() for x in self.layers)}]{gap}-{self.num_classes}"

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

    def _with_layers(self, layers: Sequence[LayerSpec]) -> Architecture:
        return Architecture(self.input_shape, tuple(layers), self.num_classes, self.head)

    def _replace_layer(self, i: int, layer: LayerSpec | None) -> Architecture:
        layers = list(self.layers)
        if layer is None:
            del layers[i]
        else:
            layers[i] = layer
        return self._with_layers(layers)

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
        """Insert ``layer`` after layer ``i`` (default: layer ``i``'s shape without stride or pool,
        the Net2Deeper identity layer)."""
        self._check_index(i, "insert")
        new = layer if layer is not None else self.layers[i].plain()
        layers = list(self.layers)
        layers.insert(i + 1, new)
        try:
            return self._with_layers(layers)
        except ValueError as e:
            raise InvalidEdit(f"insert: {e}") from None

    def remove(self, i: int) -> Architecture:
        """Drop layer ``i``.

        Invalid (:class:`InvalidEdit`) for a downsampling conv layer followed by another conv layer
        under ``head='flatten'``: the flattened size read by a later dense layer would change.
        """
        self._check_index(i, "remove")
        layer = self.layers[i]
        if layer.downsamples and self.head == "flatten" and i + 1 < self.depth and self.layers[i + 1].kind == "conv":
            raise InvalidEdit(
                f"remove: layer {i} ({layer.short()}) downsamples and a conv layer follows; removing it would "
                "change the flattened size a later layer reads (head='gap' allows it)"
            )
        try:
            return self._replace_layer(i, None)
        except ValueError as e:
            raise InvalidEdit(f"remove: {e}") from None


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
    return Architecture(arch.input_shape, tuple(layers), arch.num_classes, arch.head)


def log_ratio(value: float, reference: float) -> float:
    """``log2(value / reference)``, the scale-free size measure used in observations."""
    return math.log2(max(value, 1.0) / max(reference, 1.0))
