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
Layer specs and their syntax (``64``, ``c32k5s2p2``, ...) are in :mod:`archgym.layers`, the search space
in :mod:`archgym.space`; this module re-exports both.

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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archgym.layers import LAYER_KINDS, InvalidEdit, LayerKind, LayerSpec, _positive_int, parse_layers
from archgym.space import SearchSpace, WidthBounds, log_ratio

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
    "LayerKind",
    "LayerSpec",
    "SearchSpace",
    "WidthBounds",
    "log_ratio",
    "parse_layers",
]


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
