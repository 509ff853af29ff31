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
