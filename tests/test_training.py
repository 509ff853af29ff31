from __future__ import annotations

import pytest
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import load_dataset
from archgym.training import Trainer


@pytest.fixture(scope="module")
def data():
    return load_dataset("digits", train_subset=200)


def test_morph_warmup_ramps_the_rate_after_each_change(data):
    tr = Trainer(data, schedule=0.01, morph_warmup=4)
    child = ChildNet(Architecture.mlp(64, [8], 10), seed=0)
    seen: list[float] = []
    tr.fit(child, steps=6, on_step=lambda t, lr, loss: seen.append(lr))
    assert seen == pytest.approx([0.002, 0.004, 0.006, 0.008, 0.01, 0.01])
    tr.fit(child, steps=1, on_step=lambda t, lr, loss: seen.append(lr))  # same model: no new warm-up
    assert seen[-1] == pytest.approx(0.01)
    child.deepen(0)  # a morph starts a new warm-up
    tr.fit(child, steps=2, on_step=lambda t, lr, loss: seen.append(lr))
    assert seen[-2:] == pytest.approx([0.002, 0.004])


def test_fast_path_uses_the_same_rates_as_autograd(data):
    a, b = ChildNet(Architecture.mlp(64, [8], 10), seed=0), ChildNet(Architecture.mlp(64, [8], 10), seed=0)
    ta, tb = Trainer(data, morph_warmup=5, seed=1), Trainer(data, morph_warmup=5, seed=1, fast=False)
    ta.fit(a, steps=8)
    tb.fit(b, steps=8)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.allclose(pa, pb, atol=1e-5)


def test_bad_trainer_arguments(data):
    with pytest.raises(ValueError, match="morph_warmup"):
        Trainer(data, morph_warmup=-1)
    with pytest.raises(ValueError, match="valid: adam, adamw, sgd"):
        Trainer(data, optimizer="lbfgs")
    with pytest.raises(ValueError, match="exactly one budget"):
        Trainer(data).fit(ChildNet(Architecture.mlp(64, [8], 10)), steps=3, epochs=1.0)


def test_restart_schedule_runs_a_segment_from_the_current_step(data):
    from archgym.schedules import Cosine, make_schedule

    tr = Trainer(data, schedule={"name": "exponential", "lr": 0.01, "gamma": 0.5}, morph_warmup=0)
    child = ChildNet(Architecture.mlp(64, [8], 10), seed=0)
    seen: list[float] = []
    tr.fit(child, steps=2, on_step=lambda t, lr, loss: seen.append(lr))
    seg = Cosine(lr=0.004, total=4)
    tr.restart_schedule(seg)
    tr.fit(child, steps=5, on_step=lambda t, lr, loss: seen.append(lr))  # the segment, from its step 0
    tr.restart_schedule(seg)  # a warm restart: back to the top
    tr.fit(child, steps=1, on_step=lambda t, lr, loss: seen.append(lr))
    tr.restart_schedule(None)  # the trainer's own schedule, at the global step (8)
    tr.fit(child, steps=1, on_step=lambda t, lr, loss: seen.append(lr))
    assert seen == pytest.approx([0.01, 0.005, *(seg(s) for s in range(5)), 0.004, 0.01 * 0.5**8])
    assert seen[6] == 0.0 and tr.t == 9
    # the segment is part of the trainer's state (a resumed env continues inside it), and reseed ends it
    tr.restart_schedule(seg)
    tr.fit(child, steps=1)
    other = Trainer(data, schedule={"name": "exponential", "lr": 0.01, "gamma": 0.5})
    other.load_state_dict(tr.state_dict())
    assert other.plan_lrs(4) == tr.plan_lrs(4)
    assert tr.plan_lrs(4) == pytest.approx([seg(s) for s in range(1, 5)])
    other.load_state_dict(Trainer(data).state_dict())  # a state without a segment (as saved before segments)
    assert "segment" not in other.state_dict()
    tr.reseed(0)
    assert tr.lr == pytest.approx(0.01) and "segment" not in tr.state_dict()
    with pytest.raises(TypeError, match="segment must be a Schedule or None, got dict"):
        tr.restart_schedule(make_schedule("cosine").to_dict())  # type: ignore[arg-type]


def test_restart_schedule_reaches_the_fast_path_too(data):
    from archgym.schedules import Cosine

    a, b = ChildNet(Architecture.mlp(64, [8], 10), seed=0), ChildNet(Architecture.mlp(64, [8], 10), seed=0)
    ta, tb = Trainer(data, seed=1), Trainer(data, seed=1, fast=False)
    assert ta.trains_fast(a) and not tb.trains_fast(b)
    for tr, child in ((ta, a), (tb, b)):
        tr.fit(child, steps=3)
        tr.restart_schedule(Cosine(lr=0.01, total=5))
        tr.fit(child, steps=5)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.allclose(pa, pb, atol=1e-5)
