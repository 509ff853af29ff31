"""ChildNet: the torch module built from an :class:`~archgym.arch.Architecture`, and its morphisms.

The network is ``layers`` (hidden ``nn.Linear``, ``nn.Conv1d`` on a ``(C, L)`` input or
``nn.Conv2d`` on a ``(C, H, W)`` input, each followed by ReLU; conv layers use "same" padding
``kernel // 2``, their spec's stride, and a max-pool after the ReLU when their spec has one; the
last conv output is flattened, or globally averaged with ``arch.head == "gap"``) then ``head``
(an ``nn.Linear`` producing logits). Its parameter count always equals ``arch.params()``.
Pooling and the global average are functional (no modules), so the state dict holds only the
layers' weights and biases.

Morphisms change the module in place, keep the trained weights and update ``arch``:

* :meth:`ChildNet.widen` — Net2WiderNet (Chen et al. 2016): the new units replicate existing
  ones chosen by the caller's RNG, and each replicated unit's outgoing weights are split between
  its copies, so the function is unchanged. Optional ``noise`` perturbs the split shares (they
  still sum to one, so the function is still unchanged) to break the symmetry of the copies.
  With ``init="zero"`` the new units instead get fresh random incoming weights and zero outgoing
  weights (also exact, and the new units are distinct from the first step: the envs' default).
* :meth:`ChildNet.deepen` — Net2DeeperNet: a new layer after layer ``i`` initialised to the
  identity (identity matrix, or identity kernel for conv; never a stride or a pool, whatever
  layer ``i`` has); with ReLU the function is unchanged. Pooling and strides are per channel,
  so widening and narrowing stay exact with them.
* :meth:`ChildNet.narrow` — structured removal of the ``k`` least important units of layer ``i``
  (rows of ``W_i``, matching columns of ``W_{i+1}``): the matrices physically shrink. Importance
  is a :data:`UnitImportance` callable; the default scores a unit by the L1 norm of its incoming
  and outgoing weights.
* :meth:`ChildNet.remove` — drop layer ``i`` and reconnect. **Not function-preserving.** When a
  dense layer follows, it is composed with the removed layer's affine map (exact where the
  removed layer's ReLU was inactive, i.e. in its linear regime; a max-pool enters the map as the
  average over its window, and when the new dense layer reads a global average instead of the
  removed conv's, the map is the one of spatially constant inputs); a conv layer that follows
  keeps its filters for the surviving input channels and gets fresh ones for the others.
  Removing a downsampling conv that another conv follows under ``head="flatten"`` is an
  :class:`~archgym.arch.InvalidEdit` (see :meth:`archgym.arch.Architecture.remove`).

Each morph increments ``version``, which tells a trainer to rebuild its optimizer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from archgym.arch import Architecture, InvalidEdit, LayerSpec
from archgym.pruning.surgery import (
    PrunableLayer,
    keep_in_units,
    keep_out_units,
    like_layer,
    tensor_attr,
    weight_param,
)

__all__ = ["WIDEN_INITS", "ChildNet", "UnitImportance", "l1_unit_importance"]

#: how :meth:`ChildNet.widen` initialises new units: ``net2net`` (replicate units, split their
#: outgoing weights) or ``zero`` (fresh incoming weights, zero outgoing weights)
WIDEN_INITS = ("net2net", "zero")

UnitImportance = Callable[["ChildNet", int], torch.Tensor]
"""``importance(child, i) -> scores`` of shape ``(width_i,)``: higher means more important."""


_MAX_POOL = {3: F.max_pool1d, 4: F.max_pool2d}
_AVG_POOL = {3: F.avg_pool1d, 4: F.avg_pool2d}


def _refresh_masked(layer: PrunableLayer, w: torch.Tensor) -> None:
    """After editing ``w`` = :func:`weight_param` of a pruned layer, recompute its masked weight now."""
    if w is not layer.weight:
        layer.weight = w * tensor_attr(layer, "weight_mask")  # type: ignore[assignment]


@torch.no_grad()
def init_layer(layer: PrunableLayer, generator: torch.Generator | None) -> None:
    """PyTorch's default initialisation of ``layer``, drawn from ``generator`` (reproducible)."""
    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
    if layer.bias is not None:
        fan_in = layer.weight[0].numel()
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)


def _make_layer(spec: LayerSpec, n_in: int, conv_dims: int = 2) -> PrunableLayer:
    if spec.kind == "dense":
        return nn.Linear(n_in, spec.width)
    conv = nn.Conv1d if conv_dims == 1 else nn.Conv2d
    return conv(n_in, spec.width, spec.kernel, stride=spec.stride, padding=spec.kernel // 2)


def _spatial_sum(w: torch.Tensor) -> torch.Tensor:
    """``(units,)`` sums of a consumer's weight per input unit: over outputs and kernel positions."""
    return w.sum(dim=(0, *range(2, w.ndim)))


def _forward_plan(arch: Architecture) -> tuple[Architecture, bool, tuple[int, ...] | None]:
    """What the forward pass needs of ``arch``: ``(arch, global average?, pool per layer or None)``."""
    gap = arch.head == "gap" and bool(arch.layers) and arch.layers[0].kind == "conv"  # convs come first
    pools = tuple(s.pool for s in arch.layers)
    return arch, gap, pools if any(p != 1 for p in pools) else None


def _features(h: torch.Tensor, gap: bool) -> torch.Tensor:
    """Spatial map ``(N, C, *S)`` -> features: flattened, or averaged over the positions (``gap``)."""
    return h.mean(dim=tuple(range(2, h.ndim))) if gap else h.flatten(1)


@torch.no_grad()
def l1_unit_importance(child: ChildNet, i: int) -> torch.Tensor:
    """L1 norm of unit ``j``'s incoming weights and bias plus its outgoing weights (all columns it owns)."""
    layer = child.hidden(i)
    incoming = layer.weight.abs().flatten(1).sum(1)
    if layer.bias is not None:
        incoming = incoming + layer.bias.abs()
    nxt = child.next_layer(i)
    group = child.arch.in_group(i + 1)
    w = nxt.weight.abs()
    outgoing = _spatial_sum(w) if w.ndim > 2 else w.sum(0).view(-1, group).sum(1)
    return incoming + outgoing


class ChildNet(nn.Module):
    """A child network built from an Architecture.

    :param arch: the architecture to build
    :param seed: seed of the weight initialisation (``None``: torch's global RNG)
    :param device: device of the parameters
    """

    def __init__(self, arch: Architecture, seed: int | None = None, device: str | torch.device = "cpu") -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        self.arch = arch
        self.version = 0
        layers = []
        for i, spec in enumerate(arch.layers):
            layer = _make_layer(spec, arch.in_units(i) * arch.in_group(i), arch.conv_dims)
            init_layer(layer, gen)
            layers.append(layer)
        self.layers = nn.ModuleList(layers)
        self.head: nn.Linear = nn.Linear(arch.in_units(arch.depth) * arch.in_group(arch.depth), arch.num_classes)
        init_layer(self.head, gen)
        self.to(device)

    # ------------------------------------------------------------------ forward
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits for a batch ``x`` of shape ``(N, *arch.input_shape)``."""
        arch = self.arch
        plan = self.__dict__.get("_plan")
        if plan is None or plan[0] is not arch:
            plan = self.__dict__["_plan"] = _forward_plan(arch)
        _, gap, pools = plan
        h = x
        if pools is None:  # no pooling anywhere
            for layer in self.layers:
                if h.ndim > 2 and isinstance(layer, nn.Linear):
                    h = _features(h, gap)
                h = F.relu(layer(h))
        else:
            for layer, pool in zip(self.layers, pools, strict=True):
                if h.ndim > 2 and isinstance(layer, nn.Linear):
                    h = _features(h, gap)
                h = F.relu(layer(h))
                if pool != 1:
                    h = _MAX_POOL[h.ndim](h, pool)
        if h.ndim > 2:
            h = _features(h, gap)
        return self.head(h)

    # ------------------------------------------------------------------ structure
    @property
    def device(self) -> torch.device:
        """Device of the parameters."""
        return self.head.weight.device

    def hidden(self, i: int) -> PrunableLayer:
        """Hidden layer ``i`` (an ``nn.Linear``, ``nn.Conv1d`` or ``nn.Conv2d``)."""
        return cast(PrunableLayer, self.layers[i])

    def chain(self) -> list[PrunableLayer]:
        """Hidden layers then the head: layer ``j + 1`` consumes the outputs of layer ``j``."""
        return [*(self.hidden(i) for i in range(len(self.layers))), self.head]

    def next_layer(self, i: int) -> PrunableLayer:
        """The layer that consumes layer ``i``'s outputs."""
        return self.hidden(i + 1) if i + 1 < len(self.layers) else self.head

    def _set_next(self, i: int, layer: PrunableLayer) -> None:
        if i + 1 < len(self.layers):
            self.layers[i + 1] = layer
        else:
            self.head = cast(nn.Linear, layer)

    def set_chain(self, chain: list[PrunableLayer]) -> None:
        """Replace the hidden layers and head (e.g. after structured pruning) and rebuild ``arch``."""
        *hidden, head = chain
        self.layers = nn.ModuleList(hidden)
        self.head = cast(nn.Linear, head)
        self.arch = self.arch_from_modules()
        self.version += 1

    def arch_from_modules(self) -> Architecture:
        """The Architecture that the current modules implement.

        Pooling is not a module: each conv layer keeps the ``pool`` of the spec at its position in
        the current ``arch`` (the modules may change widths, not the layer sequence).
        """
        old = self.arch.layers
        if len(old) != len(self.layers) and any(x.pool != 1 for x in old):
            raise ValueError(
                f"{len(self.layers)} hidden modules for an architecture of {len(old)} layers with pooling: "
                "cannot tell which layer pools"
            )
        specs = []
        for i, layer in enumerate(self.chain()[:-1]):
            if isinstance(layer, nn.Conv1d | nn.Conv2d):
                pool = old[i].pool if i < len(old) else 1
                specs.append(LayerSpec("conv", layer.out_channels, layer.kernel_size[0], layer.stride[0], pool))
            else:
                specs.append(LayerSpec("dense", layer.out_features))
        return Architecture(self.arch.input_shape, tuple(specs), self.head.out_features, self.arch.head)

    def num_params(self) -> int:
        """Parameter count of the module (equals ``arch.params()``)."""
        return sum(p.numel() for p in self.parameters())

    def _check(self, i: int, what: str) -> None:
        if not isinstance(i, int) or not 0 <= i < len(self.layers):
            raise InvalidEdit(f"{what}: no layer {i!r}; valid layer indices are 0..{len(self.layers) - 1}")

    # ------------------------------------------------------------------ morphisms
    @torch.no_grad()
    def widen(self, i: int, k: int, rng: np.random.Generator, noise: float = 0.0, init: str = "net2net") -> None:
        """Add ``k`` units to layer ``i`` without changing the function the network computes.

        ``init="net2net"`` (Net2WiderNet): the new units replicate units drawn with ``rng``, and each
        replicated unit's outgoing weights are split between its copies. ``init="zero"``: the new
        units get fresh incoming weights and biases drawn with ``rng`` from torch's default layer
        init (uniform, bound ``1 / sqrt(fan_in)``) and zero outgoing weights, so they start silent
        but distinct and begin learning from the first gradient step (copies only slowly break their
        symmetry; see docs/benchmarks.md for what that does to inherit-mode rewards).

        :param i: hidden layer index
        :param k: number of units to add
        :param rng: the caller's RNG (the env's): picks the replicated units or draws the new weights
        :param noise: ``net2net`` only: spread of the outgoing-weight split between copies (0 = even
            split); the shares of each unit's copies always sum to one, so the function is preserved
        :param init: ``net2net`` or ``zero`` (see :data:`WIDEN_INITS`)
        """
        if init not in WIDEN_INITS:
            raise ValueError(f"unknown widen init {init!r}; valid: {', '.join(WIDEN_INITS)}")
        new_arch = self.arch.widen(i, k)
        width = self.arch.layers[i].width
        group = self.arch.in_group(i + 1)
        src = torch.from_numpy(rng.integers(0, width, size=k)).long()
        idx = torch.cat([torch.arange(width), src]).to(self.device)
        layer = keep_out_units(self.hidden(i), idx)
        nxt = keep_in_units(self.next_layer(i), idx, group)
        w = weight_param(nxt)
        if init == "zero":
            lw = weight_param(layer)
            bound = 1.0 / math.sqrt(lw[0].numel())
            fresh = rng.uniform(-bound, bound, size=(k, lw[0].numel() + 1))
            fresh_t = torch.from_numpy(fresh).to(lw)
            lw[width:] = fresh_t[:, :-1].view_as(lw[width:])
            if layer.bias is not None:
                layer.bias[width:] = fresh_t[:, -1]
            _refresh_masked(layer, lw)
            w[:, width * group :] = 0.0  # columns of the new units (unit-major, ``group`` columns each)
        else:
            counts = torch.bincount(idx, minlength=width).to(self.head.weight.dtype)
            share = 1.0 / counts[idx]
            if noise > 0:
                eps = torch.from_numpy(rng.normal(0.0, noise, size=idx.numel())).to(share)
                # remove each unit's mean perturbation so the shares of its copies still sum to 1
                mean = torch.zeros(width, dtype=share.dtype, device=share.device).index_add_(0, idx, eps) / counts
                share = share * (1.0 + eps - mean[idx])
            scale = share.repeat_interleave(group)
            w.mul_(scale.view(1, -1, *([1] * (w.ndim - 2))))
        _refresh_masked(nxt, w)
        self.layers[i] = layer
        self._set_next(i, nxt)
        self.arch = new_arch
        self.version += 1

    @torch.no_grad()
    def deepen(self, i: int) -> None:
        """Net2DeeperNet: insert an identity-initialised copy of layer ``i``'s shape (no stride, no pool) after it."""
        new_arch = self.arch.insert(i)
        spec = new_arch.layers[i + 1]
        layer = _make_layer(spec, spec.width, self.arch.conv_dims).to(self.device)
        layer.weight.zero_()
        if layer.bias is not None:
            layer.bias.zero_()
        eye = torch.arange(spec.width, device=self.device)
        centre = (spec.kernel // 2,) * (layer.weight.ndim - 2)
        index: tuple[torch.Tensor | int, ...] = (eye, eye, *centre)
        layer.weight[index] = 1.0
        self.layers.insert(i + 1, layer)
        self.arch = new_arch
        self.version += 1

    @torch.no_grad()
    def narrow(self, i: int, k: int, importance: UnitImportance | None = None) -> torch.Tensor:
        """Physically remove the ``k`` least important units of layer ``i``; returns the kept indices.

        :param i: hidden layer index
        :param k: number of units to remove (at least one unit must remain)
        :param importance: unit scorer, default :func:`l1_unit_importance`
        """
        new_arch = self.arch.narrow(i, k)
        scores = (importance or l1_unit_importance)(self, i)
        width = self.arch.layers[i].width
        if scores.shape != (width,):
            raise ValueError(f"importance returned shape {tuple(scores.shape)}, expected ({width},)")
        keep = torch.topk(scores, width - k, sorted=False).indices.sort().values
        group = self.arch.in_group(i + 1)
        self.layers[i] = keep_out_units(self.hidden(i), keep)
        self._set_next(i, keep_in_units(self.next_layer(i), keep, group))
        self.arch = new_arch
        self.version += 1
        return keep

    @torch.no_grad()
    def remove(self, i: int, seed: int | None = None) -> None:
        """Drop layer ``i`` and reconnect its consumer (not function-preserving; see module doc).

        :param i: hidden layer index
        :param seed: seed of the fresh weights a conv consumer may need
        """
        self._check(i, "remove")
        new_arch = self.arch.remove(i)
        removed = self.hidden(i)
        nxt = self.next_layer(i)
        n_in_new = new_arch.in_units(i) * new_arch.in_group(i)
        if isinstance(nxt, nn.Linear):
            # compose nxt(relu(removed(h))) ~ nxt(removed(h)): the removed layer's affine map, as a matrix
            if isinstance(removed, nn.Linear):
                m, b = removed.weight, tensor_attr(removed, "bias")
            else:
                m, b = self._conv_affine(i, new_arch)
            new: PrunableLayer = nn.Linear(n_in_new, nxt.out_features).to(self.device)
            new.weight.copy_(nxt.weight @ m)
            tensor_attr(new, "bias").copy_(tensor_attr(nxt, "bias") + nxt.weight @ b)
        else:
            new = like_layer(nxt, n_in_new)
            init_layer(new, torch.Generator().manual_seed(seed) if seed is not None else None)  # on the CPU
            new = new.to(self.device)
            n = min(n_in_new, nxt.in_channels)
            new.weight[:, :n].copy_(nxt.weight[:, :n])
            tensor_attr(new, "bias").copy_(tensor_attr(nxt, "bias"))
        self._set_next(i, new)
        del self.layers[i]
        self.arch = new_arch
        self.version += 1

    def _in_shape(self, i: int) -> tuple[int, ...]:
        """Shape of one sample entering hidden layer ``i``."""
        if i == 0:
            return self.arch.input_shape
        return (self.arch.layers[i - 1].width, *self.arch.spatial_shape(i))

    def _conv_affine(self, i: int, new_arch: Architecture) -> tuple[torch.Tensor, torch.Tensor]:
        """``(m, b)`` with ``old_features ~ m @ new_features + b``: conv layer ``i`` (ReLU dropped, a
        max-pool replaced by the average) seen from the features the consumer reads once ``i`` is gone.

        ``new_features`` are the flattened input of layer ``i`` (exact map), or its global average
        (``new_arch`` reads a global average: the map of spatially constant inputs).
        """
        removed = self.hidden(i)
        spec = self.arch.layers[i]
        c, *s = self._in_shape(i)
        n_in_new = new_arch.in_units(i) * new_arch.in_group(i)
        flat_new = n_in_new == c * math.prod(s)  # else the new consumer reads the global average of h
        gap = self.arch.in_group(i + 1) == 1  # the old consumer read a global average
        if flat_new and not gap and spec.pool == 1 and removed.bias is not None:
            # the plain case, computed as it always was: the bias enters once per output position
            basis = torch.eye(n_in_new, device=self.device).view(n_in_new, c, *s)
            m = (removed(basis) - removed.bias.view(1, -1, *([1] * len(s)))).flatten(1).T  # (out_cols, in_cols)
            return m, removed.bias.repeat_interleave(math.prod(self.arch.spatial_shape(i + 1)))
        if flat_new:
            basis = torch.eye(n_in_new, device=self.device).view(n_in_new, c, *s)
        else:  # constant maps are the right inverse of the global average
            basis = torch.eye(c, device=self.device).view(c, c, *([1] * len(s))).expand(c, c, *s)

        def path(h: torch.Tensor) -> torch.Tensor:
            y = removed(h)
            if spec.pool != 1:
                y = _AVG_POOL[y.ndim](y, spec.pool)
            return _features(y, gap)

        zero = path(torch.zeros(1, c, *s, device=self.device))[0]
        return (path(basis) - zero).T, zero
