from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.envs import ArchSearchEnv
from archgym.pruning import nonzero_params, prune_unstructured, sparsity
from tests.conftest import fast_kwargs_for

ENV_ID = "archgym/DigitsMLPSparse-v0"


def test_masks_survive_widen_narrow_and_deepen():
    child = ChildNet(Architecture.mlp(64, [32, 16], 10), seed=0)
    prune_unstructured(child, amount=0.5, criterion="l1", scope="layer")
    x = torch.randn(8, 64, generator=torch.Generator().manual_seed(0))
    before = child(x)
    child.widen(0, 8, np.random.default_rng(0), noise=0.05)
    assert (child(x) - before).abs().max() < 1e-5  # still function-preserving under masks
    assert sparsity(child.layers[0]) == pytest.approx(0.5, abs=0.02)  # replicas inherit their source's mask
    assert hasattr(child.layers[1], "weight_mask")
    child.narrow(1, 4)
    child.deepen(0)
    assert hasattr(child.layers[0], "weight_mask") and not hasattr(child.layers[1], "weight_mask")
    assert child.num_params() == child.arch.params()
    # training keeps pruned weights at zero
    opt = torch.optim.SGD(child.parameters(), lr=0.1)
    child(x).sum().backward()
    opt.step()
    assert sparsity(child.layers[0]) == pytest.approx(0.5, abs=0.02)


def test_prune_and_regrow_actions_change_observation_and_cost():
    env = gym.make(ENV_ID, **fast_kwargs_for(ENV_ID))
    u = env.unwrapped
    meanings = u.action_meanings()
    prune_id, regrow_id = meanings.index(next(m for m in meanings if m.startswith("prune"))), None
    regrow_id = meanings.index(next(m for m in meanings if m.startswith("regrow")))
    assert meanings[-1] == "stop"
    obs, info = env.reset(seed=0)
    assert not u.action_masks()[regrow_id]  # nothing to regrow yet
    obs, r, term, trunc, info = env.step(prune_id)
    assert info["action_valid"]
    assert u.hidden_sparsity() == pytest.approx(0.2, abs=0.01)
    assert obs[3] == pytest.approx(0.2, abs=0.01)  # slot 0's sparsity feature
    assert info["nonzero_params"] == nonzero_params(u.child) < info["params"]
    assert math.isclose(info["cost"], info["nonzero_params"] / u.reference_cost)
    env.step(prune_id)
    assert u.hidden_sparsity() == pytest.approx(0.4, abs=0.01)
    obs, r, term, trunc, info = env.step(0)  # widen keeps the masks
    assert u.hidden_sparsity() > 0.3
    obs, r, term, trunc, info = env.step(regrow_id)
    assert info["action_valid"] and u.hidden_sparsity() < 0.3


def test_prune_is_invalid_beyond_max_sparsity():
    env = gym.make(ENV_ID, max_sparsity=0.3, **fast_kwargs_for(ENV_ID))
    u = env.unwrapped
    env.reset(seed=0)
    prune_id = next(i for i, m in enumerate(u.action_meanings()) if m.startswith("prune"))
    assert env.step(prune_id)[-1]["action_valid"]
    assert not u.action_masks()[prune_id]
    assert env.step(prune_id)[-1]["action_valid"] is False


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sparsity_actions": True, "eval_mode": "scratch"}, "inherit"),
        ({"sparsity_actions": True, "prune_criterion": "l3"}, "valid"),
        ({"regrow_method": "magic"}, "valid: gradient, random"),
        ({"prune_step": 0.0}, "prune_step"),
    ],
)
def test_bad_sparsity_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ArchSearchEnv(**{**fast_kwargs_for("archgym/DigitsMLP-v0"), **kwargs})
