"""The training engine: private torch ops against torch.optim, the public fit interface, stacking edge cases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import load_dataset
from archgym.engine import (
    EvalRequest,
    FitRequest,
    OptState,
    StackedMLP,
    adam_flat_,
    evaluate_many,
    fit_many,
    fit_stack,
    fused_options,
    ops,
    step_function,
)
from archgym.training import Trainer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data():
    return load_dataset("digits", train_subset=300)


# ---------------------------------------------------------------------------- private torch ops
CONFIGS = [
    ("adam", {}),
    ("adam", {"weight_decay": 0.1, "betas": (0.8, 0.95), "eps": 1e-6}),
    ("adamw", {"weight_decay": 0.1}),
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd", {"momentum": 0.5, "dampening": 0.1}),
]
TORCH_OPT = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


def _torch_steps(optimizer: str, kw: dict, p0: list[torch.Tensor], grads: list[list[torch.Tensor]], lrs, **extra):
    params = [torch.nn.Parameter(p.clone()) for p in p0]
    opt = TORCH_OPT[optimizer](params, lr=lrs[0], **kw, **extra)
    for g, lr in zip(grads, lrs, strict=True):
        for group in opt.param_groups:
            group["lr"] = lr
        for p, gi in zip(params, g, strict=True):
            p.grad = gi.clone()
        opt.step()
    return [p.detach() for p in params]


def _engine_steps(optimizer: str, kw: dict, p0, grads, lrs, fused: bool, monkeypatch) -> list[torch.Tensor]:
    monkeypatch.setattr(ops, "fused_available", lambda name, device: fused)
    step = step_function(optimizer, "cpu")
    params = [p.clone() for p in p0]
    state = OptState.zeros(params, optimizer)
    opts = fused_options(optimizer, kw)
    for g, lr in zip(grads, lrs, strict=True):
        step(params, [gi.clone() for gi in g], state, lr, opts)
    return params


def _problem(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    p0 = [torch.randn(3, 4, generator=gen), torch.randn(4, generator=gen)]
    grads = [[torch.randn_like(p) for p in p0] for _ in range(4)]
    return p0, grads, [0.1, 0.05, 0.05, 0.02]


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_fused_kernels_exist_on_this_torch(optimizer: str) -> None:
    """Fails loudly when a torch upgrade removes or renames a kernel (archgym then runs the slower fallback)."""
    assert callable(getattr(torch, ops.KERNELS[optimizer], None)), f"torch.{ops.KERNELS[optimizer]} is gone"
    assert ops.fused_available(optimizer, "cpu"), f"torch.{ops.KERNELS[optimizer]} no longer takes archgym's call"


@pytest.mark.parametrize(("optimizer", "kw"), CONFIGS)
def test_fused_kernels_equal_torch_optim_fused(optimizer: str, kw: dict, monkeypatch) -> None:
    """The wrappers call the kernels exactly as ``torch.optim`` with ``fused=True`` does: same bits; and they
    agree with torch's default (foreach) implementation up to rounding."""
    p0, grads, lrs = _problem()
    ours = _engine_steps(optimizer, kw, p0, grads, lrs, True, monkeypatch)
    for a, b in zip(ours, _torch_steps(optimizer, kw, p0, grads, lrs, fused=True), strict=True):
        assert torch.equal(a, b), (a - b).abs().max()
    for a, b in zip(ours, _torch_steps(optimizer, kw, p0, grads, lrs), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("optimizer", "kw"), CONFIGS)
def test_fallback_follows_torch_optim(optimizer: str, kw: dict, monkeypatch) -> None:
    """Without the fused kernels the steps run torch.optim's functional foreach path: torch's numbers."""
    p0, grads, lrs = _problem(1)
    ours = _engine_steps(optimizer, kw, p0, grads, lrs, False, monkeypatch)
    for a, b in zip(ours, _torch_steps(optimizer, kw, p0, grads, lrs, foreach=True), strict=True):
        assert torch.equal(a, b), (a - b).abs().max()


def test_relu_backward_and_increment() -> None:
    z = torch.tensor([-1.0, 0.0, 2.0, 3.0])
    g = torch.tensor([5.0, 6.0, 7.0, -8.0])
    assert torch.equal(ops.relu_backward(g, z), torch.tensor([0.0, 0.0, 7.0, -8.0]))
    ts = [torch.zeros(()), torch.ones(())]
    ops.increment_(ts, 2.0)
    assert [float(t) for t in ts] == [2.0, 3.0]


def test_foreach_wrappers_without_torchs_private_ops(monkeypatch) -> None:
    """Where torch lacks ``_foreach_add_``, the wrapper loops over the tensors instead."""
    monkeypatch.delattr(torch, "_foreach_add_")
    ts = [torch.zeros(2), torch.ones(2)]
    ops.increment_(ts, 2.0)
    assert [t.tolist() for t in ts] == [[2.0, 2.0], [3.0, 3.0]]


@pytest.mark.parametrize(("optimizer", "kw"), [c for c in CONFIGS if c[0] != "sgd"])
def test_adam_flat_follows_torch_optim(optimizer: str, kw: dict) -> None:
    """The numpy Adam on one flat vector (views of it as the parameters) takes torch.optim.Adam / AdamW's steps."""
    p0, grads, lrs = _problem(2)
    sizes = [p.numel() for p in p0]
    theta = np.concatenate([p.numpy().ravel() for p in p0])
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    opts = fused_options(optimizer, kw)
    for step, (g, lr) in enumerate(zip(grads, lrs, strict=True), 1):
        flat_g = np.concatenate([gi.numpy().ravel() for gi in g])
        adam_flat_(theta, flat_g, m, v, step, lr=lr, betas=opts["betas"], eps=opts["eps"],
                   weight_decay=opts["weight_decay"], decoupled=optimizer == "adamw")  # fmt: skip
    ours = np.split(theta, np.cumsum(sizes)[:-1])
    for a, b in zip(ours, _torch_steps(optimizer, kw, p0, grads, lrs), strict=True):
        np.testing.assert_allclose(a, b.numpy().ravel(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="step must be >= 1"):
        adam_flat_(theta, flat_g, m, v, 0, lr=0.1)


def test_only_the_ops_module_calls_private_torch_ops() -> None:
    pattern = re.compile(r"torch\._[a-z]|torch\.ops\.|_fused_(adam|adamw|sgd)_")
    allowed = {"archgym/engine/ops.py"}
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "archgym").rglob("*.py"))
        if str(p.relative_to(ROOT)) not in allowed and pattern.search(p.read_text())
    ]
    assert not offenders, f"private torch ops outside archgym/engine/ops.py: {offenders}"


def test_dense_fast_path_without_fused_kernels_still_matches_autograd(data, monkeypatch) -> None:
    monkeypatch.setattr(ops, "fused_available", lambda name, device: False)
    fast, slow = (ChildNet(Architecture.mlp(64, [32, 16], 10), seed=0) for _ in range(2))
    rf = Trainer(data, seed=1, weight_decay=1e-3).fit(fast, steps=20)
    rs = Trainer(data, seed=1, weight_decay=1e-3, fast=False).fit(slow, steps=20)
    assert rf.train_loss == pytest.approx(rs.train_loss, rel=1e-5)
    for p, q in zip(fast.parameters(), slow.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- the public fit interface
class _Sealed:
    """A trainer that only the engine's public methods may touch: setting any attribute raises."""

    _NAMES = (
        "data", "batch_size", "optimizer_name", "fused_given", "trains_fast", "begin_fast_fit", "plan_lrs",
        "plan_indices", "end_fast_fit", "observe_eval", "fit", "evaluate",
    )  # fmt: skip

    def __init__(self, inner: Trainer) -> None:
        object.__setattr__(self, "_inner", inner)

    def __getattr__(self, name: str) -> Any:
        if name not in self._NAMES:
            raise AttributeError(f"the engine read {name!r}, which is not part of EngineTrainer")
        return getattr(self._inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"the engine wrote {name!r}")


ARCHS = [Architecture.mlp(64, [48, 32], 10), Architecture.mlp(64, [16], 10), Architecture.mlp(64, [128, 16, 64], 10)]


def test_fit_many_answers_each_request_like_its_trainer(data) -> None:
    """Mixed requests (stackable, a CNN, other step counts) in order; through the public trainer API only."""
    archs = [*ARCHS, Architecture.mlp(64, [8], 10)]
    steps = [12, 12, 12, 5]
    ours = [ChildNet(a, seed=i) for i, a in enumerate(archs)]
    ref = [ChildNet(a, seed=i) for i, a in enumerate(archs)]
    ref[1].widen(0, 3, np.random.default_rng(0))
    ours[1].widen(0, 3, np.random.default_rng(0))
    trainers = [Trainer(data, seed=i, morph_warmup=2) for i in range(len(archs))]
    hooked = ChildNet(ARCHS[1], seed=9)
    hooked.layers[0].register_forward_hook(lambda *a: None)  # not stackable: its trainer's autograd fit
    hooked_ref = ChildNet(ARCHS[1], seed=9)
    reqs = [FitRequest(c, _Sealed(tr), s) for c, tr, s in zip(ours, trainers, steps, strict=True)]
    reqs.insert(2, FitRequest(hooked, _Sealed(Trainer(data, seed=7)), 6))
    res = fit_many(reqs)
    assert [r.steps for r in res] == [12, 12, 6, 12, 5]
    alone = Trainer(data, seed=7, fast=False).fit(hooked_ref, steps=6)
    assert res[2].train_loss == pytest.approx(alone.train_loss, rel=1e-5)
    res.pop(2)
    for i, (c, s) in enumerate(zip(ref, steps, strict=True)):
        r = Trainer(data, seed=i, morph_warmup=2).fit(c, steps=s)
        assert res[i].train_loss == pytest.approx(r.train_loss, rel=1e-5)
        for p, q in zip(ours[i].parameters(), c.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    assert [tr.t for tr in trainers] == steps
    evs = evaluate_many([EvalRequest(c, _Sealed(tr)) for c, tr in zip(ours, trainers, strict=True)], "test")
    for c, tr, ev in zip(ours, trainers, evs, strict=True):
        assert ev.accuracy == pytest.approx(tr.evaluate(c, "test").accuracy, abs=1e-6)


def test_a_lone_child_keeps_its_optimizer_state_bit_for_bit(data) -> None:
    """fit(30) then fit(20) of an unmorphed child equals fit_stack of the same requests (Adam moments kept)."""
    a, b = ChildNet(ARCHS[0], seed=0), ChildNet(ARCHS[0], seed=0)
    ta, tb = Trainer(data, seed=1), Trainer(data, seed=1)
    ra = [ta.fit(a, steps=30), ta.fit(a, steps=20)]
    rb = [fit_stack([FitRequest(b, tb, 30)])[0], fit_stack([FitRequest(b, tb, 20)])[0]]
    assert ra == rb
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_requests_are_checked(data) -> None:
    tr = Trainer(data)
    child = ChildNet(ARCHS[1], seed=0)
    with pytest.raises(ValueError, match="steps must be an int >= 0"):
        FitRequest(child, tr, -1)
    with pytest.raises(ValueError, match="its own trainer"):
        fit_many([FitRequest(child, tr, 2), FitRequest(ChildNet(ARCHS[0]), tr, 2)])
    with pytest.raises(ValueError, match="one step count"):
        fit_stack([FitRequest(child, tr, 2), FitRequest(ChildNet(ARCHS[0]), Trainer(data), 3)])
    with pytest.raises(ValueError, match="optimizer settings"):
        fit_stack([FitRequest(child, tr, 2), FitRequest(ChildNet(ARCHS[0]), Trainer(data, batch_size=8), 2)])
    assert fit_many([FitRequest(child, tr, 0)])[0].steps == 0 and tr.t == 0


def test_a_child_without_hidden_layers_stacks_with_deeper_ones(data) -> None:
    archs = [Architecture.mlp(64, [], 10), Architecture.mlp(64, [16, 8], 10)]
    stacked = [ChildNet(a, seed=i) for i, a in enumerate(archs)]
    alone = [ChildNet(a, seed=i) for i, a in enumerate(archs)]
    assert StackedMLP(stacked).dims == [64, 64, 64, 10]  # the input passes through unchanged
    res = fit_many([FitRequest(c, Trainer(data, seed=i), 10) for i, c in enumerate(stacked)])
    for i, c in enumerate(alone):
        r = Trainer(data, seed=i).fit(c, steps=10)
        assert res[i].train_loss == pytest.approx(r.train_loss, rel=1e-5)
        for p, q in zip(stacked[i].parameters(), c.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)


def test_trainer_state_dict_round_trip(data) -> None:
    """A restored trainer continues with the same batches and rates (the optimizer starts fresh)."""
    tr = Trainer(data, schedule={"name": "exponential", "lr": 0.01, "gamma": 0.9}, seed=3, morph_warmup=4)
    child = ChildNet(ARCHS[1], seed=0)
    tr.fit(child, steps=7)
    state = tr.state_dict()
    other = Trainer(data, schedule={"name": "exponential", "lr": 0.01, "gamma": 0.9}, seed=99, morph_warmup=4)
    other.load_state_dict(state)
    assert other.t == tr.t == 7 and other.plan_lrs(3) == tr.plan_lrs(3)
    assert torch.equal(other.plan_indices(20), tr.plan_indices(20))


@pytest.mark.parametrize(("optimizer", "kw"), [("adam", {}), ("adamw", {"weight_decay": 0.01}), ("sgd", {})])
def test_optimizer_state_carries_across_lone_and_stacked_fits(data, optimizer: str, kw: dict) -> None:
    """Lone, stacked and lone again (and a morph between): each child follows its own sequential fits."""

    def trainers() -> list[Trainer]:
        return [Trainer(data, optimizer=optimizer, seed=i, schedule=0.01, **kw) for i in range(3)]

    ours, ref = [[ChildNet(a, seed=i) for i, a in enumerate(ARCHS)] for _ in range(2)]
    to, tr = trainers(), trainers()
    plan = [[(0, 5)], [(0, 4), (1, 4), (2, 4)], [(1, 6)], ["morph"], [(2, 3), (1, 3)], [(0, 2)], [(0, 3), (2, 3)]]
    for calls in plan:
        if calls == ["morph"]:
            for cs in (ours, ref):
                cs[2].widen(1, 4, np.random.default_rng(0))
            continue
        res = fit_many([FitRequest(ours[i], to[i], n) for i, n in calls])
        for (i, n), r in zip(calls, res, strict=True):
            assert r.train_loss == pytest.approx(tr[i].fit(ref[i], steps=n).train_loss, rel=1e-4)
    for a, b in zip(ours, ref, strict=True):
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    assert [t.t for t in to] == [t.t for t in tr] == [14, 13, 10]
