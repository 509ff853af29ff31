from __future__ import annotations

import numpy as np
import pytest
import torch

from archgym.arch import Architecture, InvalidEdit
from archgym.child import ChildNet

ARCHS = [Architecture.mlp(64, [24, 12], 10), Architecture.cnn((1, 8, 8), [4, 6], [12], 10)]


def _batch(arch: Architecture) -> torch.Tensor:
    return torch.randn(32, *arch.input_shape, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
def test_params_match_architecture(arch):
    assert ChildNet(arch, seed=0).num_params() == arch.params()


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
@pytest.mark.parametrize(("init", "noise"), [("net2net", 0.0), ("net2net", 0.05), ("zero", 0.0)])
def test_widen_preserves_function(arch, init, noise):
    child = ChildNet(arch, seed=0)
    x = _batch(arch)
    before = child(x)
    rng = np.random.default_rng(0)
    for i in range(arch.depth):
        child.widen(i, 5, rng, noise=noise, init=init)
    after = child(x)
    assert child.arch.layers[0].width == arch.layers[0].width + 5
    assert (after - before).abs().max().item() < 1e-5
    assert child.num_params() == child.arch.params()


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
def test_deepen_preserves_function(arch):
    child = ChildNet(arch, seed=0)
    x = _batch(arch)
    before = child(x)
    for i in range(arch.depth):
        child.deepen(2 * i)
    assert child.arch.depth == 2 * arch.depth
    assert (child(x) - before).abs().max().item() < 1e-5
    assert child.num_params() == child.arch.params()


def test_widen_noise_breaks_symmetry_of_copies():
    child = ChildNet(Architecture.mlp(64, [4], 10), seed=0)
    child.widen(0, 4, np.random.default_rng(3), noise=0.1)
    w = child.head.weight
    # a replicated unit's outgoing columns are no longer identical with noise
    cols = {tuple(torch.round(w[:, j], decimals=6).tolist()) for j in range(8)}
    assert len(cols) == 8


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
def test_widen_zero_init_units_are_fresh_and_silent(arch):
    """New units: distinct random incoming weights within torch's init bound, zero outgoing weights;
    after one gradient step they carry signal (a replicated unit would only move in step with its source)."""
    child = ChildNet(arch, seed=0)
    w0 = arch.layers[0].width
    child.widen(0, 4, np.random.default_rng(0), init="zero")
    new_in = child.layers[0].weight[w0:].flatten(1)
    bound = 1 / new_in.shape[1] ** 0.5
    assert new_in.abs().max() <= bound and len({tuple(r.tolist()) for r in new_in}) == 4
    assert not any(torch.equal(r, old) for r in new_in for old in child.layers[0].weight[:w0].flatten(1))
    nxt = child.next_layer(0).weight
    group = nxt.shape[1] // child.arch.layers[0].width
    assert torch.all(nxt[:, w0 * group :] == 0) and torch.any(nxt[:, : w0 * group] != 0)
    child(_batch(child.arch)).logsumexp(1).sum().backward()
    assert child.next_layer(0).weight.grad[:, w0 * group :].abs().sum() > 0


def test_widen_zero_init_keeps_pruning_masks_exact():
    from archgym.pruning import prune_unstructured

    child = ChildNet(Architecture.mlp(64, [24, 12], 10), seed=0)
    prune_unstructured(child, 0.5)
    x = _batch(child.arch)
    before = child(x)
    child.widen(0, 6, np.random.default_rng(0), init="zero")
    assert (child(x) - before).abs().max().item() < 1e-5
    with pytest.raises(ValueError, match="valid: net2net, zero"):
        child.widen(0, 1, np.random.default_rng(0), init="copy")


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
def test_narrow_removes_least_important_units(arch):
    child = ChildNet(arch, seed=0)
    with torch.no_grad():
        child.layers[0].weight[[1, 3]] = 0.0
        child.layers[0].bias[[1, 3]] = 0.0
        child.next_layer(0).weight.view(child.next_layer(0).weight.shape[0], arch.layers[0].width, -1)[:, [1, 3]] = 0
    x = _batch(arch)
    before = child(x)
    keep = child.narrow(0, 2)
    assert 1 not in keep.tolist() and 3 not in keep.tolist()
    assert child.layers[0].weight.shape[0] == arch.layers[0].width - 2
    # the removed units had no outgoing weight: the function is unchanged
    assert (child(x) - before).abs().max().item() < 1e-5
    assert child.num_params() == child.arch.params()


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.key())
def test_remove_layer_keeps_shapes(arch):
    child = ChildNet(arch, seed=0)
    x = _batch(arch)
    child.remove(0, seed=0)
    assert child.arch == arch.remove(0)
    assert child(x).shape == (32, 10)
    assert child.num_params() == child.arch.params()


def test_remove_dense_is_exact_in_linear_regime():
    arch = Architecture.mlp(4, [6, 5], 3)
    child = ChildNet(arch, seed=0)
    with torch.no_grad():  # make layer 1's pre-activations positive: ReLU is the identity there
        child.layers[1].bias.fill_(100.0)
    x = torch.rand(16, 4)
    before = child(x)
    child.remove(1)
    assert (child(x) - before).abs().max().item() < 1e-3


def test_invalid_morphs_raise():
    child = ChildNet(Architecture.mlp(64, [4], 10), seed=0)
    with pytest.raises(InvalidEdit):
        child.narrow(0, 4)
    with pytest.raises(InvalidEdit):
        child.widen(2, 1, np.random.default_rng(0))
    assert child.arch.key() == "64-[4]-10"
