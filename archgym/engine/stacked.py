"""Stacked fits: ``K`` plain dense children trained together, each with its own trainer's batches and rates.

:class:`StackedMLP` packs the children's weights zero-padded to common widths, so each layer is one
``torch.bmm`` for all of them (:class:`~archgym.engine.dense.DenseLayers`); a child shallower than the
deepest one passes its activations through the missing layers unchanged. Padding stays exactly zero
(zero weights get zero gradients through ReLU), so a stacked child follows the same mathematics as a
lone one. The batches of the whole budget are gathered with one ``embedding`` lookup, the gradients
of all children land in one flat buffer and one fused optimizer step updates them; train loss and
accuracy are computed once per chunk of steps from the stored logits.

:func:`fit_many` / :func:`evaluate_many` take any requests (stackable ones are grouped, the others go
to their trainer's own ``fit`` / ``evaluate``); :func:`fit_stack` / :func:`evaluate_stack` are one
stacked call and refuse what cannot be stacked.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from archgym.child import ChildNet
from archgym.engine.api import EngineTrainer, EvalRequest, EvalResult, FitRequest, FitResult
from archgym.engine.dense import DenseLayers, accuracy_and_loss, softmax, stackable
from archgym.engine.optim import OptState, fused_options, step_function, step_groups

__all__ = ["KeptState", "StackedMLP", "evaluate_many", "evaluate_stack", "fit_many", "fit_stack"]


def _layer_views(buf: torch.Tensor, dims: Sequence[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Weight ``(..., in, out)`` and bias ``(..., 1, out)`` views of each layer in a packed buffer ``(..., N)``."""
    lead = buf.shape[:-1]
    ws, bs, off = [], [], 0
    for n_a, n_b in itertools.pairwise(dims):
        ws.append(buf[..., off : off + n_a * n_b].view(*lead, n_a, n_b))
        bs.append(buf[..., off + n_a * n_b : off + n_a * n_b + n_b].view(*lead, 1, n_b))
        off += n_a * n_b + n_b
    return ws, bs


@dataclass(frozen=True, eq=False)
class KeptState:
    """A child's optimizer state after a stacked fit: row ``row`` of that fit's :class:`OptState`, packed in the
    layout of activation widths ``dims``. A trainer keeps it (opaque) for the next fit of the unchanged child."""

    state: OptState
    row: int
    dims: tuple[int, ...]


class StackedMLP(DenseLayers):
    """``K`` dense children packed as zero-padded stacked weights (see the module docstring).

    Hidden layer ``l`` is a ``(K, P_{l-1}, P_l)`` weight and a ``(K, 1, P_l)`` bias, ``P_l`` the widest
    activation any child has at depth ``l``; the head comes after the deepest hidden layer. All
    parameters of child ``k`` live in row ``k`` of one flat ``(K, N)`` buffer (gradients likewise), so
    one fused optimizer call updates every child.

    :param children: dense ChildNets with the same input size and classes, on one device
    """

    def __init__(self, children: Sequence[ChildNet]) -> None:
        if not children:
            raise ValueError("StackedMLP needs at least one child")
        archs = [c.arch for c in children]
        a0 = archs[0]
        if any(a.input_shape != a0.input_shape or a.num_classes != a0.num_classes for a in archs):
            raise ValueError(f"children must share input shape and classes; got {sorted({a.key() for a in archs})}")
        self.k = len(children)
        self.device = children[0].device
        depth = max(a.depth for a in archs)
        n_in = a0.input_shape[0]
        widths = [[x.width for x in a.layers] for a in archs]
        hidden = [max(w[min(li, len(w) - 1)] if w else n_in for w in widths) for li in range(depth)]
        dims = [n_in, *hidden, a0.num_classes]
        sizes = [dims[li] * dims[li + 1] + dims[li + 1] for li in range(depth + 1)]
        self.flat = torch.zeros(self.k, sum(sizes), device=self.device)
        self.grad = torch.zeros_like(self.flat)
        w, b = _layer_views(self.flat, dims)
        gw, gb = _layer_views(self.grad, dims)
        depths = torch.tensor([a.depth for a in archs], device=self.device)
        active = [None if all(a.depth > li for a in archs) else (depths > li).view(-1, 1, 1) for li in range(depth)]
        super().__init__(w, b, gw, gb, dims, active)
        self._shapes = [[(m.in_features, m.out_features) for m in (*c.layers, c.head)] for c in children]
        with torch.no_grad():
            for k, c in enumerate(children):
                for slot, m in self._slots(c):
                    self.w[slot][k, : m.in_features, : m.out_features].copy_(m.weight.T)
                    self.b[slot][k, 0, : m.out_features].copy_(m.bias)

    def _slots(self, child: ChildNet) -> list[tuple[int, Any]]:
        """``(stacked layer index, module)`` of each layer of ``child`` (its head goes to the last slot)."""
        n = len(child.layers)
        return [(j if j < n else self.depth, m) for j, m in enumerate((*child.layers, child.head))]

    def shape_key(self) -> list[list[tuple[int, int]]]:
        """``(in, out)`` of every layer of every child (a packed layout is reusable while it is equal)."""
        return self._shapes

    @torch.no_grad()
    def unpack(self, children: Sequence[ChildNet]) -> None:
        """Write the trained weights back into ``children`` (same order and shapes as packed)."""
        for k, c in enumerate(children):
            for slot, m in self._slots(c):
                m.weight.copy_(self.w[slot][k, : m.in_features, : m.out_features].T)
                m.bias.copy_(self.b[slot][k, 0, : m.out_features])

    @torch.no_grad()
    def optimizer_state(self, children: Sequence[ChildNet], kept: Sequence[KeptState | None], optimizer: str,
                        options: Mapping[str, Any]) -> OptState:  # fmt: skip
        """The optimizer state of a fit of ``children``: the kept state of each child that has one (moved into
        this layout), fresh zeros for the others. A lone child's kept state in its own layout is reused as is.

        :param children: the packed children, in order
        :param kept: per child, the :class:`KeptState` its trainer kept (None: fresh)
        :param optimizer: ``adam``, ``adamw`` or ``sgd``
        :param options: the step's options (SGD with dampening cannot mix fresh and carried momentum)
        """
        only = kept[0] if self.k == 1 else None
        if only is not None and only.dims == tuple(self.dims) and len(only.state.m) == 1:
            return only.state
        state = OptState.zeros(list(self.flat.unbind(0)), optimizer)
        carried = [k for k, ks in enumerate(kept) if ks is not None]
        if optimizer == "sgd" and options.get("dampening", 0) and len(carried) < self.k:
            carried = []  # a fresh buffer's first step is not a zero buffer's step: start every child fresh
        for k in carried:
            src = kept[k]
            assert src is not None
            self._move_state(children[k], src, state, k)
        if carried:
            state.first = False  # fresh rows hold zero buffers: the same SGD update as a first step (no dampening)
        return state

    def _move_state(self, child: ChildNet, src: KeptState, dst: OptState, k: int) -> None:
        """Copy ``child``'s moments and step count from ``src`` into row ``k`` of ``dst``."""
        pairs = [(src.state.m[src.row], dst.m[k])]
        if dst.v:
            pairs.append((src.state.v[src.row], dst.v[k]))
            dst.steps[k].copy_(src.state.steps[src.row])
        src_depth = len(src.dims) - 2
        for s_buf, d_buf in pairs:
            (sw, sb), (dw, db) = _layer_views(s_buf, src.dims), _layer_views(d_buf, self.dims)
            for j, (slot, m) in enumerate(self._slots(child)):
                s_slot = j if slot < self.depth else src_depth
                dw[slot][: m.in_features, : m.out_features].copy_(sw[s_slot][: m.in_features, : m.out_features])
                db[slot][0, : m.out_features].copy_(sb[s_slot][0, : m.out_features])

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Accuracy and mean cross-entropy of every child on ``(x, y)``, as two ``(K,)`` device tensors."""
        logits, _, _ = self.forward(x.expand(self.k, *x.shape))
        return accuracy_and_loss(logits, y.expand(self.k, -1))


# ---------------------------------------------------------------------------- checks and grouping
def _settings(trainer: EngineTrainer) -> tuple[Any, ...]:
    """What must be equal for two trainers to share one stacked fit."""
    given = tuple(sorted(trainer.fused_given().items()))
    return (trainer.batch_size, trainer.optimizer_name, given, tuple(trainer.data.x_train.shape))


def _check_distinct(requests: Sequence[EvalRequest]) -> None:
    n = len(requests)
    if len({id(r.trainer) for r in requests}) != n or len({id(r.model) for r in requests}) != n:
        raise ValueError("each request of one call needs its own trainer and its own model")


def _check_stack(requests: Sequence[EvalRequest]) -> list[ChildNet]:
    if not requests:
        raise ValueError("a stacked call needs at least one request")
    _check_distinct(requests)
    first = _settings(requests[0].trainer)
    children = []
    for r in requests:
        if not isinstance(r.model, ChildNet) or not stackable(r.model, r.trainer.data):
            key = r.model.arch.key() if isinstance(r.model, ChildNet) else type(r.model).__name__
            raise ValueError(f"child {key} cannot be stacked; valid: plain dense ChildNets")
        if _settings(r.trainer) != first:
            raise ValueError("stacked trainers must share dataset shape, batch_size and optimizer settings")
        children.append(r.model)
    return children


# ---------------------------------------------------------------------------- one stacked call
def fit_stack(requests: Sequence[FitRequest]) -> list[FitResult]:
    """Train the requests' children together in one stacked fit.

    Each child sees exactly the batches and learning rates its trainer's own ``fit`` would give it,
    and the trainers' batch orders and step counters advance the same way. The training data are the
    first request's (every trainer must have data of the same shape; the contents are not compared).
    Each child's optimizer state (Adam's moments and step count, SGD's momentum) carries over to its
    next fit while it is not morphed, alone or stacked with others, like :meth:`archgym.training.Trainer.fit`
    (its trainer keeps it as an opaque :class:`KeptState`).

    :param requests: stackable children, all with the same ``steps``, trainers with equal settings
    :raises ValueError: a child is not stackable, settings differ, or the step counts differ
    """
    children = _check_stack(requests)
    steps = requests[0].steps
    if any(r.steps != steps for r in requests):
        raise ValueError(f"a stacked fit needs one step count; got {sorted({r.steps for r in requests})}")
    if steps == 0:
        return [FitResult.empty() for _ in requests]
    trainers = [r.trainer for r in requests]
    t0 = trainers[0]
    stack = StackedMLP(children)
    kept = [tr.begin_fast_fit(c) for tr, c in zip(trainers, children, strict=True)]
    opts = fused_options(t0.optimizer_name, t0.fused_given())
    state = stack.optimizer_state(children, [ks if isinstance(ks, KeptState) else None for ks in kept],
                                  t0.optimizer_name, opts)  # fmt: skip
    params, grads = list(stack.flat.unbind(0)), list(stack.grad.unbind(0))
    for c in children:
        c.train()
    step_fn = step_function(t0.optimizer_name, stack.device)
    x, y = t0.data.x_train, t0.data.y_train
    size = min(t0.batch_size, x.shape[0])
    n_cls = stack.dims[-1]
    per_trainer = [tr.plan_lrs(steps) for tr in trainers]
    lrs = [list(row) for row in zip(*per_trainer, strict=True)]  # (steps, K)
    plan = torch.stack([tr.plan_indices(steps) for tr in trainers], 1)  # (steps, K, size)
    loss_sum = torch.zeros(stack.k, device=x.device)
    correct = torch.zeros(stack.k, device=x.device)
    chunk = max(1, min(steps, (1 << 22) // (stack.k * size * max(x.shape[1], n_cls))))
    with torch.no_grad():
        for c0 in range(0, steps, chunk):
            idx = plan[c0 : c0 + chunk]
            s_n = idx.shape[0]
            flat_idx = idx.reshape(-1)
            xb = F.embedding(flat_idx, x).view(s_n, stack.k, size, -1)
            yb = y.index_select(0, flat_idx).view(s_n, stack.k, size)
            # d(mean CE)/d(logits) = (softmax - onehot) / size: keep -onehot / size ready
            neg_target = torch.zeros(s_n, stack.k, size, n_cls, device=x.device)
            neg_target.scatter_(-1, yb.unsqueeze(-1), -1.0 / size)
            logits_buf = torch.empty(s_n, stack.k, size, n_cls, device=x.device)
            per_step = zip(xb.unbind(0), neg_target.unbind(0), logits_buf.unbind(0), strict=True)
            for s, (xs, ts, out) in enumerate(per_step):
                logits, hs, zs = stack.forward(xs, out=out)
                stack.backward(torch.add(ts, softmax(logits), alpha=1.0 / size), hs, zs)
                row = lrs[c0 + s]
                if len(set(row)) == 1:
                    step_fn(params, grads, state, row[0], opts)
                else:
                    step_groups(step_fn, params, grads, state, row, opts)
            acc, nll = accuracy_and_loss(logits_buf.transpose(0, 1).flatten(1, 2), yb.transpose(0, 1).flatten(1))
            loss_sum += nll * (s_n * size)
            correct += acc * (s_n * size)
    stack.unpack(children)
    dims = tuple(stack.dims)
    for k, (tr, c) in enumerate(zip(trainers, children, strict=True)):
        tr.end_fast_fit(c, steps, KeptState(state, k, dims))
    seen = steps * size
    loss_v, acc_v = torch.stack([loss_sum / seen, correct / seen]).tolist()
    return [FitResult(steps, lv, av) for lv, av in zip(loss_v, acc_v, strict=True)]


def evaluate_stack(requests: Sequence[EvalRequest], split: str = "val", observe: bool = True) -> list[EvalResult]:
    """Evaluate the requests' children in one stacked pass and one host read (on the first trainer's data).

    :param requests: stackable children whose trainers have equal settings
    :param split: ``train``, ``val`` or ``test``
    :param observe: feed each result to its trainer's schedule (validation split only)
    """
    children = _check_stack(requests)
    x, y = requests[0].trainer.data.split(split)
    acc, loss = StackedMLP(children).evaluate(x, y)
    accs, losses = torch.stack([acc, loss]).tolist()
    out = [EvalResult(a, lv) for a, lv in zip(accs, losses, strict=True)]
    if observe:
        for r, res in zip(requests, out, strict=True):
            r.trainer.observe_eval(res, split)
    return out


# ---------------------------------------------------------------------------- any requests
def _groups(requests: Sequence[EvalRequest], by_steps: bool) -> tuple[list[int], list[list[int]]]:
    """Indices of the requests their trainers train alone, and groups of those that stack together."""
    alone: list[int] = []
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(requests):
        if r.trainer.trains_fast(r.model):
            steps = r.steps if by_steps and isinstance(r, FitRequest) else 0
            groups.setdefault((steps, _settings(r.trainer)), []).append(i)
        else:
            alone.append(i)
    return alone, [groups[k] for k in sorted(groups, key=lambda k: k[0])]


def fit_many(requests: Sequence[FitRequest]) -> list[FitResult]:
    """Answer every request, in order: children that stack (their trainer's fast path, equal settings and
    step counts) are trained together by :func:`fit_stack`, the others by their trainer's ``fit``.

    Every child gets the batches, learning rates and optimizer state its trainer's ``fit`` would give it
    (the same mathematics; stacked matmuls may round differently in the last bits).

    :param requests: one per child; each with its own trainer and model
    """
    _check_distinct(requests)
    results: list[FitResult | None] = [None] * len(requests)
    alone, groups = _groups(requests, by_steps=True)
    for i in alone:
        r = requests[i]
        results[i] = r.trainer.fit(r.model, steps=r.steps) if r.steps > 0 else FitResult.empty()
    for group in groups:
        for i, res in zip(group, fit_stack([requests[i] for i in group]), strict=True):
            results[i] = res
    return [r for r in results if r is not None]


def evaluate_many(requests: Sequence[EvalRequest], split: str = "val", observe: bool = True) -> list[EvalResult]:
    """Evaluate every request's model, in order; stackable ones in one pass per group of equal settings.

    :param requests: one per child (a :class:`FitRequest` is accepted too)
    :param split: ``train``, ``val`` or ``test``
    :param observe: feed each validation result to its trainer's schedule
    """
    _check_distinct(requests)
    results: list[EvalResult | None] = [None] * len(requests)
    alone, groups = _groups(requests, by_steps=False)
    for i in alone:
        r = requests[i]
        results[i] = r.trainer.evaluate(r.model, split, observe)
    for group in groups:
        for i, res in zip(group, evaluate_stack([requests[i] for i in group], split, observe), strict=True):
            results[i] = res
    return [r for r in results if r is not None]
