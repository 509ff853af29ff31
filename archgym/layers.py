"""Layer specs: :class:`LayerSpec` (one hidden layer of an Architecture) and its text syntax.

Layer spec syntax (:func:`parse_layers`, :meth:`LayerSpec.short`, presets and :meth:`Architecture.key`)
--------------------------------------------------------------------------------------------------
* ``64``: a dense layer of 64 units;
* ``c32k5``: a conv layer of 32 channels, kernel 5 (``c32``: kernel 3);
* ``c32k5s2``: ... with stride 2 (each spatial size ``n`` becomes ``ceil(n / 2)``);
* ``c32k5p2``: ... followed by a 2-wide max-pool (stride 2, ``n`` becomes ``floor(n / 2)``);
* ``c32k5s2p2``: both (stride first, then pooling); ``s1`` / ``p1`` are the defaults and never
  written. A mapping ``{kind, width, kernel, stride, pool}`` works too.

:func:`parse_layers` reads that syntax; :meth:`LayerSpec.short` writes it. This module also holds
:class:`InvalidEdit`, the error of an architecture edit (re-exported by :mod:`archgym.arch`), so that
:mod:`archgym.space` can raise it without importing :mod:`archgym.arch`.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

LayerKind = Literal["dense", "conv"]
LAYER_KINDS: tuple[str, ...] = ("dense", "conv")

__all__ = ["LAYER_KINDS", "InvalidEdit", "LayerKind", "LayerSpec", "parse_layers"]


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
