"""1-D children (``(C, L)`` inputs, Conv1d layers), strides, pooling and the global-average-pool head.

Architecture counts (params / FLOPs) are checked against the built modules (``count_macs``), and every
morph against the forward pass: widen, deepen and narrowing silent units keep the function exactly,
for Conv1d as for Conv2d, with and without downsampling and ``head="gap"`` (hypothesis properties).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace, parse_layers
from archgym.child import ChildNet
from archgym.pruning import count_macs

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _x(arch: Architecture, n: int = 6, seed: int = 1) -> torch.Tensor:
    return torch.randn(n, *arch.input_shape, generator=torch.Generator().manual_seed(seed))


# --------------------------------------------------------------------------- strategies
@st.composite
def architectures(draw: st.DrawFn, kinds: tuple[str, ...] = ("sequence", "image")) -> Architecture:
    """A random valid conv architecture: 1-D or 2-D input, 0-3 conv layers (strides, pools), 0-2 dense."""
    kind = draw(st.sampled_from(kinds))
    c = draw(st.integers(1, 3))
    shape = (
        (c, draw(st.integers(6, 24))) if kind == "sequence" else (c, draw(st.integers(5, 9)), draw(st.integers(5, 9)))
    )
    layers: list[LayerSpec] = []
    size = min(shape[1:])
    for _ in range(draw(st.integers(0, 3))):
        stride = draw(st.sampled_from([1, 1, 2]))
        after = (size - 1) // stride + 1
        pool = draw(st.sampled_from([1, 2] if after >= 2 else [1]))
        layers.append(LayerSpec("conv", draw(st.integers(1, 5)), draw(st.sampled_from([1, 3, 5])), stride, pool))
        size = after // pool
    layers += [LayerSpec("dense", draw(st.integers(1, 6))) for _ in range(draw(st.integers(0, 2)))]
    if not layers:
        layers.append(LayerSpec("dense", 3))
    head = draw(st.sampled_from(["flatten", "gap"]))
    return Architecture(shape, tuple(layers), draw(st.integers(2, 4)), head)


# --------------------------------------------------------------------------- architecture
def test_sequence_params_and_flops_by_hand():
    a = Architecture((1, 40), parse_layers(["c16k5", "c16k5", 32]), 10)
    conv1, conv2 = 1 * 16 * 5 + 16, 16 * 16 * 5 + 16
    dense, head = 16 * 40 * 32 + 32, 32 * 10 + 10
    assert a.input_kind == "sequence" and a.is_sequence and not a.is_image and not a.is_flat and a.conv_dims == 1
    assert a.params() == conv1 + conv2 + dense + head
    assert a.flops() == 1 * 16 * 5 * 40 + 16 * 16 * 5 * 40 + 16 * 40 * 32 + 32 * 10
    assert a.key() == "1x40-[c16k5,c16k5,32]-10"


def test_downsampling_and_gap_counts():
    a = Architecture((2, 41), parse_layers(["c8k5s2", "c4k3p2", 16]), 5)
    # 41 -> ceil(41 / 2) = 21 (stride) -> 21 conv positions, floor(21 / 2) = 10 after the pool
    assert [a.spatial_shape(i) for i in range(4)] == [(41,), (21,), (10,), ()]
    assert a.layer_flops() == [2 * 8 * 5 * 21, 8 * 4 * 3 * 21, 4 * 10 * 16, 16 * 5]
    assert a.in_group(2) == 10
    g = Architecture((2, 41), a.layers, 5, head="gap")
    assert g.in_group(2) == 1 and g.layer_params()[2] == 4 * 16 + 16 and g.key() == "2x41-[c8k5s2,c4k3p2,16]-gap-5"
    img = Architecture((3, 32, 32), parse_layers(["c16k3p2", "c32k3s2p2"]), 10)
    assert img.spatial_shape(2) == (4, 4) and img.layer_params()[2] == 32 * 16 * 10 + 10
    assert Architecture(img.input_shape, img.layers, 10, head="gap").layer_params()[2] == 32 * 10 + 10


@SETTINGS
@given(architectures())
def test_counts_match_the_built_module(arch):
    child = ChildNet(arch, seed=0)
    assert child.num_params() == arch.params()
    assert count_macs(child, arch.input_shape) == arch.flops()
    assert child(_x(arch)).shape == (6, arch.num_classes)
    assert Architecture.from_key(arch.key()) == arch
    assert Architecture.from_dict(arch.to_dict()) == arch
    want = nn.Conv1d if arch.is_sequence else nn.Conv2d
    assert all(isinstance(m, want) for m, s in zip(child.layers, arch.layers, strict=True) if s.kind == "conv")


def test_old_specs_serialise_as_before():
    a = Architecture.cnn((1, 8, 8), [4], [16], 10)
    assert a.to_dict() == {
        "input_shape": [1, 8, 8],
        "layers": [{"kind": "conv", "width": 4, "kernel": 3}, {"kind": "dense", "width": 16, "kernel": 0}],
        "num_classes": 10,
    }
    assert repr(a.layers[0]) == "LayerSpec(kind='conv', width=4, kernel=3)"
    assert repr(LayerSpec("conv", 4, 3, 2, 2)) == "LayerSpec(kind='conv', width=4, kernel=3, stride=2, pool=2)"
    assert a.key() == "1x8x8-[c4k3,16]-10"


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        ([{"kind": "dense", "width": 4, "pool": 2}], "dense layers take no stride or pool"),
        (["c4k3p0"], "pool must be a positive int"),
        (["c4k3s0"], "stride must be a positive int"),
        (["c4k2"], "positive odd int"),
        (["c4p2k3"], "in that order"),
        (["c4k3x"], "in that order"),
        (["d4"], "valid: an int width"),
        ([{"kind": "conv", "width": 4, "size": 3}], r"unknown key\(s\) \['size'\]"),
        ([True], "valid: an int width"),
    ],
)
def test_parse_layers_errors(layers, match):
    with pytest.raises(ValueError, match=match):
        parse_layers(layers)


def test_parse_layers_syntax():
    got = parse_layers(["c16", "c8k5s2", "c8k5p3", "c8k1s2p2", 64, "32", np.int64(7), {"kind": "conv", "width": 2}])
    assert [x.short() for x in got] == ["c16k3", "c8k5s2", "c8k5p3", "c8k1s2p2", "64", "32", "7", "c2k3"]
    assert got[3] == LayerSpec("conv", 8, 1, stride=2, pool=2)
    with pytest.raises(ValueError, match="must be a list"):
        parse_layers("c16k3")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (((1, 4), parse_layers(["c4k3p8"]), 3), r"pools by 8 but its input is only 4"),
        (((1, 5, 5), parse_layers(["c4k3s2p2", "c4k3p2"]), 3), "pools by 2 but its input is only 1x1"),
        (((16,), parse_layers([8]), 3, "gap"), "head='gap' needs a sequence"),
        (((1, 8), parse_layers([8]), 3, "avg"), r"unknown head 'avg'; valid: flatten, gap"),
        (((16,), parse_layers(["c4k3"]), 3), "conv layers need a sequence"),
        (((1, 2, 3, 4), (), 3), r"\(C, L\) or \(C, H, W\)"),
    ],
)
def test_bad_architectures(args, match):
    with pytest.raises(ValueError, match=match):
        Architecture(*args)


def test_bad_keys():
    for key in ("64-[48]-", "1x2x3x4-[8]-10", "1x40-[c16k3]-avg-10"):
        with pytest.raises(ValueError, match="bad architecture key"):
            Architecture.from_key(key)


def test_edits_with_downsampling():
    a = Architecture((1, 40), parse_layers(["c8k5s2", "c8k5p2", 16]), 10)
    assert a.insert(0).layers[1] == LayerSpec("conv", 8, 5)  # the Net2Deeper copy has no stride or pool
    assert a.insert(0, LayerSpec("conv", 4, 3, pool=2)).key() == "1x40-[c8k5s2,c4k3p2,c8k5p2,16]-10"
    with pytest.raises(InvalidEdit, match="downsamples and a conv layer follows"):
        a.remove(0)
    assert a.remove(1).key() == "1x40-[c8k5s2,16]-10"  # the dense reader is rebuilt by the child
    gap = Architecture(a.input_shape, a.layers, 10, "gap")
    assert gap.remove(0).key() == "1x40-[c8k5p2,16]-gap-10"
    with pytest.raises(InvalidEdit, match="pools by 2"):
        Architecture((1, 3), parse_layers(["c4k3p2", 8]), 3).insert(0, LayerSpec("conv", 4, 3, pool=2))
    assert a.widen(0, 4).layers[0] == LayerSpec("conv", 12, 5, 2, 1)
    assert a.narrow(1, 4).layers[1] == LayerSpec("conv", 4, 5, 1, 2)


def test_search_space_scale_keeps_downsampling():
    space = SearchSpace(max_depth=3)
    a = Architecture((1, 28, 28), parse_layers(["c8k3p2", "c8k3p2", 32]), 10)
    assert (
        SearchSpace.max_params(space, a)
        == Architecture((1, 28, 28), parse_layers(["c64k3p2", "c64k3p2", 256]), 10).params()
    )
    seq = Architecture((1, 40), parse_layers([32]), 10)  # sequence inputs get conv slots like images
    assert space.max_params(seq) == Architecture.mlp(40, [256, 256, 256], 10).params()


# --------------------------------------------------------------------------- child morphs
@SETTINGS
@given(arch=architectures(), k=st.integers(1, 3), init=st.sampled_from(["net2net", "zero"]), seed=st.integers(0, 99))
def test_widen_preserves_function(arch, k, init, seed):
    child = ChildNet(arch, seed=seed)
    x = _x(arch)
    before = child(x)
    rng = np.random.default_rng(seed)
    expect = arch
    for i in range(arch.depth):
        child.widen(i, k, rng, noise=0.05 if init == "net2net" else 0.0, init=init)
        expect = expect.widen(i, k)
    assert child.arch == expect
    torch.testing.assert_close(child(x), before, rtol=0, atol=1e-5)
    assert child.num_params() == child.arch.params()


@SETTINGS
@given(arch=architectures(), seed=st.integers(0, 99))
def test_deepen_preserves_function(arch, seed):
    child = ChildNet(arch, seed=seed)
    x = _x(arch)
    before = child(x)
    for i in range(arch.depth):
        child.deepen(2 * i)
    assert child.arch.depth == 2 * arch.depth and child.arch.flops() >= arch.flops()
    assert list(child.arch.layers[::2]) == list(arch.layers)
    assert list(child.arch.layers[1::2]) == [s.plain() for s in arch.layers]  # identity layers never downsample
    torch.testing.assert_close(child(x), before, rtol=0, atol=1e-5)
    assert child.num_params() == child.arch.params() and count_macs(child, arch.input_shape) == child.arch.flops()


@SETTINGS
@given(arch=architectures(), data=st.data())
def test_narrow_of_silent_units_preserves_function(arch, data):
    """Units whose outgoing weights are zero (and incoming weights tiny) are the ones narrow drops."""
    widths = [s.width for s in arch.layers]
    candidates = [i for i, w in enumerate(widths) if w >= 2]
    if not candidates:
        return
    i = data.draw(st.sampled_from(candidates))
    k = data.draw(st.integers(1, widths[i] - 1))
    units = data.draw(st.permutations(range(widths[i]))).copy()[:k]
    child = ChildNet(arch, seed=0)
    group = arch.in_group(i + 1)
    with torch.no_grad():
        child.layers[i].weight[units] *= 1e-3
        child.layers[i].bias[units] *= 1e-3
        nxt = child.next_layer(i).weight
        for u in units:
            nxt[:, u * group : (u + 1) * group] = 0.0
    x = _x(arch)
    before = child(x)
    keep = child.narrow(i, k)
    assert not set(keep.tolist()) & set(units)
    torch.testing.assert_close(child(x), before, rtol=0, atol=1e-5)
    assert child.arch == arch.narrow(i, k) and child.num_params() == child.arch.params()


@SETTINGS
@given(arch=architectures(), data=st.data())
def test_remove_is_consistent_or_invalid(arch, data):
    i = data.draw(st.integers(0, arch.depth - 1))
    child = ChildNet(arch, seed=0)
    try:
        new = arch.remove(i)
    except InvalidEdit:
        with pytest.raises(InvalidEdit):
            child.remove(i, seed=0)
        assert child.arch == arch  # nothing changed
        return
    child.remove(i, seed=0)
    assert child.arch == new and child.num_params() == new.params()
    assert count_macs(child, arch.input_shape) == new.flops()
    assert torch.isfinite(child(_x(arch))).all()


@pytest.mark.parametrize(
    ("shape", "specs", "head", "i"),
    [
        ((2, 12), ["c5k3", "c4k3", 6], "flatten", 1),  # conv -> dense reader, 1-D
        ((2, 12), ["c5k3s2", 6], "flatten", 0),  # strided conv, the dense reads the raw input now
        ((2, 12), ["c5k3", 6], "gap", 0),  # the only conv under gap: the dense reads the flat input
        ((1, 6, 6), ["c3k3s2", "c4k3", 6], "flatten", 1),
        ((3, 10), [8, 6], "flatten", 0),  # dense on a sequence input
    ],
)
def test_remove_is_exact_in_the_linear_regime(shape, specs, head, i):
    """With the removed layer's ReLU inactive (large biases) and no max-pool, removal composes exactly."""
    arch = Architecture(shape, parse_layers(specs), 3, head)
    child = ChildNet(arch, seed=0)
    with torch.no_grad():
        child.layers[i].bias.fill_(50.0)
    x = _x(arch, 16)
    before = child(x)
    child.remove(i)
    torch.testing.assert_close(child(x), before, rtol=1e-4, atol=1e-3)


def test_remove_under_gap_uses_constant_maps():
    """A conv whose consumer now reads the previous conv's global average: exact for constant inputs."""
    arch = Architecture((2, 9), parse_layers(["c3k1", "c4k1", 5]), 3, "gap")
    child = ChildNet(arch, seed=0)
    with torch.no_grad():
        child.layers[1].bias.fill_(50.0)
    x = torch.randn(8, 2, 1).expand(8, 2, 9).contiguous()  # spatially constant
    before = child(x)
    child.remove(1)
    torch.testing.assert_close(child(x), before, rtol=1e-4, atol=1e-3)


def test_children_of_the_issue_sizes():
    """MNIST-1D (1, 40) and 28x28 / 32x32 image spaces stay small with strides, pools and gap."""
    mnist1d = Architecture((1, 40), parse_layers(["c32k5", "c32k5", "c32k5"]), 10)
    assert ChildNet(mnist1d, seed=0).num_params() == mnist1d.params() == 23_306  # the issue's Conv1d count
    assert Architecture((1, 1, 40), mnist1d.layers, 10).params() == 64_906  # ... and as a height-1 Conv2d
    small = Architecture((3, 32, 32), parse_layers(["c16k3p2", "c32k3p2", "c64k3p2"]), 10, "gap")
    flat = Architecture((3, 32, 32), parse_layers(["c16k3", "c32k3", "c64k3"]), 10)
    assert small.params() < 25_000 < flat.params() and small.flops() * 3 < flat.flops()
    child = ChildNet(small, seed=0)
    assert child(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    assert math.prod(small.spatial_shape(3)) == 16


def test_conv1d_layers_and_state_dict_keys():
    arch = Architecture((1, 20), parse_layers(["c4k5s2p2", 8]), 3)
    child = ChildNet(arch, seed=0)
    conv = child.layers[0]
    assert isinstance(conv, nn.Conv1d) and conv.stride == (2,) and conv.padding == (2,)
    assert sorted(child.state_dict()) == sorted(["layers.0.weight", "layers.0.bias", "layers.1.weight",
                                                 "layers.1.bias", "head.weight", "head.bias"])  # fmt: skip
    x = _x(arch)
    h = torch.relu(conv(x))
    h = torch.nn.functional.max_pool1d(h, 2).flatten(1)
    ref = child.head(torch.relu(child.layers[1](h)))
    torch.testing.assert_close(child(x), ref)
