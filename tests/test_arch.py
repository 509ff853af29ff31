from __future__ import annotations

import pytest

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace, WidthBounds


def test_params_and_flops_mlp():
    a = Architecture.mlp(64, [32, 16], 10)
    assert a.params() == 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    assert a.flops() == 64 * 32 + 32 * 16 + 16 * 10
    assert a.key() == "64-[32,16]-10"


def test_params_and_flops_cnn():
    a = Architecture.cnn((1, 8, 8), [4, 8], [16], 10, kernel=3)
    conv1 = 1 * 4 * 9 + 4
    conv2 = 4 * 8 * 9 + 8
    dense = 8 * 64 * 16 + 16
    head = 16 * 10 + 10
    assert a.params() == conv1 + conv2 + dense + head
    assert a.flops() == 1 * 4 * 9 * 64 + 4 * 8 * 9 * 64 + 8 * 64 * 16 + 16 * 10
    assert a.key() == "1x8x8-[c4k3,c8k3,16]-10"


def test_immutable_hashable_and_key_stable():
    a = Architecture.mlp(64, [32], 10)
    b = Architecture.mlp(64, [32], 10)
    assert a == b and hash(a) == hash(b) and a.digest() == b.digest()
    assert len({a, b, a.widen(0, 1)}) == 2
    with pytest.raises(AttributeError):
        a.num_classes = 3  # type: ignore[misc]
    assert Architecture.from_dict(a.to_dict()) == a


def test_edits_are_pure():
    a = Architecture.mlp(64, [32], 10)
    assert a.widen(0, 8).layers[0].width == 40
    assert a.narrow(0, 8).layers[0].width == 24
    assert a.insert(0).key() == "64-[32,32]-10"
    assert a.insert(0, LayerSpec("dense", 7)).key() == "64-[32,7]-10"
    assert a.insert(0).remove(0) == a
    assert a.key() == "64-[32]-10"


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda a: a.widen(3, 1), "valid layer indices"),
        (lambda a: a.widen(0, 0), "positive"),
        (lambda a: a.narrow(0, 32), "cannot remove"),
        (lambda a: a.remove(-1), "valid layer indices"),
        (lambda a: a.insert(0, LayerSpec("conv", 4, 3)), "image input"),
    ],
)
def test_invalid_edits_raise_with_reason(edit, match):
    with pytest.raises(InvalidEdit, match=match):
        edit(Architecture.mlp(64, [32], 10))


def test_conv_after_dense_is_rejected():
    with pytest.raises(ValueError, match="conv layers must come first"):
        Architecture((1, 8, 8), (LayerSpec("dense", 4), LayerSpec("conv", 4, 3)), 10)


@pytest.mark.parametrize(
    "kwargs",
    [{"kind": "lstm", "width": 3}, {"kind": "dense", "width": -4}, {"kind": "conv", "width": 4, "kernel": 2}],
)
def test_bad_layer_specs(kwargs):
    with pytest.raises(ValueError):
        LayerSpec(**kwargs)


def test_search_space_bounds():
    space = SearchSpace(dense=WidthBounds(8, 64, 8), max_depth=2)
    assert space.contains(Architecture.mlp(64, [8, 64], 10))
    assert not space.contains(Architecture.mlp(64, [72], 10))
    assert not space.contains(Architecture.mlp(64, [8, 8, 8], 10))
    with pytest.raises(ValueError, match="valid"):
        SearchSpace.from_dict({"dense": {"min": 1, "max": 2, "step": 1}, "depth": 3})
    with pytest.raises(ValueError, match="min=9 exceeds max=8"):
        WidthBounds(9, 8, 1)
