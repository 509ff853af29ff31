"""The finite space of a ground-truth table: every architecture it holds, in a fixed order.

A :class:`TableSpace` is a :class:`~archgym.arch.SearchSpace` made finite and concrete: an input shape and
a number of classes, a depth range, and per layer kind a width grid ``min, min + step, ..., <= max``
(conv layers also fix a ``kernel``; they are plain: no stride, no pool). An architecture of the space is
``c`` conv layers then ``d - c`` dense layers (conv layers first, as :class:`~archgym.arch.Architecture`
requires), ``min_depth <= d <= max_depth``, every width on its kind's grid. A kind left out (``None``)
has no layers in the space.

The grids are exactly the widths an env reaches from a network of the space with its ``widen`` /
``narrow`` / ``insert`` / ``remove`` actions when its search space is :meth:`TableSpace.search_space`
(widen and narrow move by ``step`` within ``[min, max]``; insert copies a layer without stride or pool),
so in ``eval_mode="table"`` every valid action leads to a network the table holds.

>>> s = TableSpace.from_dict({"min_depth": 1, "max_depth": 2, "dense": {"min": 16, "max": 32, "step": 16},
...                           "conv": {"min": 4, "max": 8, "step": 4, "kernel": 5}}, (1, 40), 10)
>>> len(s), [a.key() for a in s.architectures()][:5]
(16, ['1x40-[16]-10', '1x40-[32]-10', '1x40-[c4k5]-10', '1x40-[c8k5]-10', '1x40-[16,16]-10'])
>>> s.search_space().dense
WidthBounds(min=16, max=32, step=16)
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from archgym.arch import HEADS, Architecture, LayerSpec, SearchSpace, WidthBounds

__all__ = ["MAX_TABLE_ARCHS", "TableSpace", "WidthGrid"]

#: the most architectures a table space may hold (a guard against enumerating a huge search space)
MAX_TABLE_ARCHS = 100_000


def _int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"table space: {name} must be an int >= {low}, got {value!r}")
    return value


@dataclass(frozen=True)
class WidthGrid:
    """Widths ``min, min + step, ..., <= max`` of one layer kind (conv: with its ``kernel``).

    :param min: smallest width (>= 1)
    :param max: largest width (>= min)
    :param step: grid step (>= 1), the env's widen/narrow step
    :param kernel: conv kernel (odd); 0 for dense layers
    """

    min: int
    max: int
    step: int
    kernel: int = 0

    def __post_init__(self) -> None:
        for name in ("min", "max", "step"):
            _int(name, getattr(self, name), 1)
        if self.min > self.max:
            raise ValueError(f"table space: width min={self.min} exceeds max={self.max}")
        _int("kernel", self.kernel, 0)

    @property
    def widths(self) -> tuple[int, ...]:
        """The grid's widths, ascending."""
        return tuple(range(self.min, self.max + 1, self.step))

    def bounds(self) -> WidthBounds:
        """The grid as search-space bounds (``max`` rounded down onto the grid)."""
        return WidthBounds(self.min, self.widths[-1], self.step)

    def to_dict(self) -> dict[str, int]:
        """JSON-ready mapping (``kernel`` only for conv grids)."""
        d = {"min": self.min, "max": self.widths[-1], "step": self.step}
        return {**d, "kernel": self.kernel} if self.kernel else d


def _grid(kind: str, value: Any) -> WidthGrid | None:
    if value is None:
        return None
    keys = {"min", "max", "step", "kernel"} if kind == "conv" else {"min", "max", "step"}
    if not isinstance(value, Mapping) or not {"min", "max", "step"} <= set(value) or set(value) - keys:
        raise ValueError(
            f"table space: {kind} must be a mapping with keys {', '.join(sorted(keys))} "
            f"(kernel optional, default 3), got {value!r}"
        )
    if kind == "conv":
        kernel = _int("conv kernel", value.get("kernel", 3), 1)
        if kernel % 2 == 0:
            raise ValueError(f"table space: conv kernel must be odd, got {kernel}")
        return WidthGrid(value["min"], value["max"], value["step"], kernel)
    return WidthGrid(value["min"], value["max"], value["step"])


@dataclass(frozen=True)
class TableSpace:
    """Every architecture of a table (see the module docstring).

    :param input_shape: one sample's shape: ``(F,)``, ``(C, L)`` or ``(C, H, W)``
    :param num_classes: classes of the head
    :param min_depth: fewest hidden layers (>= 1)
    :param max_depth: most hidden layers
    :param dense: width grid of dense layers (None: no dense layers)
    :param conv: width grid and kernel of conv layers (None: no conv layers; flat inputs have none)
    :param head: ``flatten`` or ``gap`` (how conv outputs become features)
    """

    input_shape: tuple[int, ...]
    num_classes: int
    min_depth: int
    max_depth: int
    dense: WidthGrid | None
    conv: WidthGrid | None = None
    head: str = "flatten"

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_shape", tuple(int(s) for s in self.input_shape))
        _int("min_depth", self.min_depth, 1)
        _int("max_depth", self.max_depth, self.min_depth)
        _int("num_classes", self.num_classes, 2)
        if self.dense is None and self.conv is None:
            raise ValueError("table space: give a dense or a conv width grid (or both)")
        if self.conv is not None and len(self.input_shape) == 1:
            raise ValueError(f"table space: conv layers need a sequence or image input, not {self.input_shape}")
        if self.head not in HEADS:
            raise ValueError(f"table space: unknown head {self.head!r}; valid: {', '.join(HEADS)}")
        if len(self) > MAX_TABLE_ARCHS:
            raise ValueError(
                f"table space holds {len(self):,} architectures (more than {MAX_TABLE_ARCHS:,}); "
                "shrink its depth or width grids"
            )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], input_shape: tuple[int, ...] | None = None, num_classes: int | None = None
    ) -> TableSpace:
        """From a mapping ``{min_depth, max_depth, dense: {min, max, step}, conv: {min, max, step, kernel}, head}``.

        ``input_shape`` / ``num_classes`` come from the mapping when it has them (a stored table), else from
        the arguments (the env's data).

        :raises ValueError: an unknown key or a bad value (named)
        """
        if not isinstance(d, Mapping):
            raise ValueError(f"table space must be a mapping, got {type(d).__name__}")
        valid = {"min_depth", "max_depth", "dense", "conv", "head", "input_shape", "num_classes"}
        unknown = sorted(set(d) - valid)
        if unknown:
            raise ValueError(f"unknown table space key(s) {unknown}; valid: {', '.join(sorted(valid))}")
        shape = d.get("input_shape", input_shape)
        classes = d.get("num_classes", num_classes)
        if shape is None or classes is None:
            raise ValueError("table space needs input_shape and num_classes (from the env's data)")
        return cls(
            tuple(shape),
            classes,
            d.get("min_depth", 1),
            d.get("max_depth", 2),
            _grid("dense", d.get("dense")),
            _grid("conv", d.get("conv")),
            d.get("head", "flatten"),
        )

    @classmethod
    def from_search_space(cls, space: SearchSpace, initial: Architecture) -> TableSpace:
        """The finite space of an env's search space: its bounds, anchored on the grid of ``initial``'s widths.

        Conv layers take the kernel of ``initial``'s first conv layer; without conv layers in ``initial`` the
        table has none (an env cannot add a conv layer to a network that has none).
        """
        convs = [x for x in initial.layers if x.kind == "conv"]
        dense = [x for x in initial.layers if x.kind == "dense"]

        def anchored(b: WidthBounds, width: int | None) -> WidthGrid:
            lo = b.min if width is None else b.min + (width - b.min) % b.step
            return WidthGrid(lo, b.max, b.step)

        conv = None
        if convs:
            g = anchored(space.conv, convs[0].width)
            conv = WidthGrid(g.min, g.max, g.step, convs[0].kernel)
        return cls(
            initial.input_shape,
            initial.num_classes,
            space.min_depth,
            space.max_depth,
            anchored(space.dense, dense[0].width if dense else None),
            conv,
            initial.head,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (:meth:`from_dict` inverts it)."""
        d: dict[str, Any] = {
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
            "min_depth": self.min_depth,
            "max_depth": self.max_depth,
        }
        if self.dense is not None:
            d["dense"] = self.dense.to_dict()
        if self.conv is not None:
            d["conv"] = self.conv.to_dict()
        if self.head != "flatten":
            d["head"] = self.head
        return d

    def to_json(self) -> str:
        """Compact JSON text of :meth:`to_dict` (keys sorted: equal spaces give equal text)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def describe(self) -> str:
        """One line, e.g. ``depth 1-3; dense 16..64 step 16; conv k5 4..16 step 4 (1x40 -> 10 classes)``."""
        parts = [f"depth {self.min_depth}-{self.max_depth}"]
        if self.dense is not None:
            parts.append(f"dense {self.dense.min}..{self.dense.widths[-1]} step {self.dense.step}")
        if self.conv is not None:
            parts.append(f"conv k{self.conv.kernel} {self.conv.min}..{self.conv.widths[-1]} step {self.conv.step}")
        if self.head != "flatten":
            parts.append(f"head {self.head}")
        shape = "x".join(str(s) for s in self.input_shape)
        return "; ".join(parts) + f" ({shape} -> {self.num_classes} classes)"

    # ------------------------------------------------------------------ the space
    def search_space(self) -> SearchSpace:
        """The env search space whose moves stay inside this table (see the module docstring)."""
        kw: dict[str, Any] = {"min_depth": self.min_depth, "max_depth": self.max_depth}
        if self.dense is not None:
            kw["dense"] = self.dense.bounds()
        if self.conv is not None:
            kw["conv"] = self.conv.bounds()
        return SearchSpace(**kw)

    def _counts(self) -> tuple[int, int]:
        return (len(self.conv.widths) if self.conv else 0), (len(self.dense.widths) if self.dense else 0)

    def __len__(self) -> int:
        n_conv, n_dense = self._counts()
        return sum(
            n_conv**c * n_dense ** (d - c) for d in range(self.min_depth, self.max_depth + 1) for c in range(d + 1)
        )

    def architectures(self) -> Iterator[Architecture]:
        """Every architecture, in a fixed order: by depth, then by number of conv layers, then by widths.

        Each one is checked against :meth:`search_space` (and by :class:`~archgym.arch.Architecture` itself).
        """
        space = self.search_space()
        conv_layers = [LayerSpec("conv", w, self.conv.kernel) for w in self.conv.widths] if self.conv else []
        dense_layers = [LayerSpec("dense", w) for w in self.dense.widths] if self.dense else []
        for depth in range(self.min_depth, self.max_depth + 1):
            for n_conv in range(depth + 1):
                for head_part in itertools.product(conv_layers, repeat=n_conv):
                    for tail in itertools.product(dense_layers, repeat=depth - n_conv):
                        arch = Architecture(self.input_shape, (*head_part, *tail), self.num_classes, self.head)
                        space.check(arch)
                        yield arch

    def keys(self) -> list[str]:
        """:meth:`Architecture.key` of every architecture, in :meth:`architectures` order."""
        return [a.key() for a in self.architectures()]

    def __contains__(self, arch: object) -> bool:
        if not isinstance(arch, Architecture) or arch.input_shape != self.input_shape:
            return False
        if arch.num_classes != self.num_classes or not self.min_depth <= arch.depth <= self.max_depth:
            return False
        if arch.head != self.head:
            return False
        for layer in arch.layers:
            grid = self.conv if layer.kind == "conv" else self.dense
            if grid is None or layer.width not in grid.widths or layer.kernel != grid.kernel or layer.downsamples:
                return False
        return True
