"""The pruning toolkit against torch: Conv1d everywhere, and the four bugs of issue 13.

* masks equal ``torch.nn.utils.prune``'s on Linear, Conv1d and Conv2d, per layer and global;
* structured removal keeps every constructor attribute (``padding_mode``, dilation, stride, bias,
  dtype): a reflect-padded conv computes what torch computes after removing nothing;
* the layer left alone by default is the one the forward calls last, not the last registered;
* Conv1d layers and a bare Linear are pruned (a model whose only layer is its head says so);
* numpy scalar amounts are numbers.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

from archgym.arch import Architecture, parse_layers
from archgym.child import ChildNet
from archgym.pruning import (
    AGPSchedule,
    as_chain,
    count_macs,
    get_criterion,
    gradual_prune,
    nonzero_params,
    prune_structured,
    prune_unstructured,
    regrow,
    regrow_units,
    restore_units,
    sparsity,
    sparsity_report,
    unit_importance,
)
from archgym.pruning.chain import forward_order
from archgym.pruning.surgery import keep_in_units, keep_out_units, like_layer

GRADIENT = ("taylor", "taylor_sq", "snip")


def seq_child(seed: int = 0, specs: tuple = ("c6k3", "c5k5", 8), head: str = "flatten") -> ChildNet:
    return ChildNet(Architecture((2, 12), parse_layers(list(specs)), 4, head), seed=seed)


def seq_conv1d(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv1d(2, 6, 3, padding=1), nn.ReLU(), nn.Conv1d(6, 5, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2),
        nn.Flatten(), nn.Linear(5 * 6, 8), nn.ReLU(), nn.Linear(8, 4),
    )  # fmt: skip


def xy(n: int = 96, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, 12, generator=g), torch.randint(0, 4, (n,), generator=g)


def _silence(net: nn.Module, j: int, units: list[int]) -> None:
    chain = as_chain(net)
    g = chain.groups[j]
    with torch.no_grad():
        chain.layers[j].weight[units] *= 1e-3
        chain.layers[j].bias[units] *= 1e-3
        for u in units:
            chain.layers[j + 1].weight[:, u * g : (u + 1) * g] = 0.0


# =========================================================================== masks equal torch's
LAYERS = {
    "linear": lambda: nn.Linear(20, 30),
    "conv1d": lambda: nn.Conv1d(3, 8, 5),
    "conv2d": lambda: nn.Conv2d(3, 8, 3),
}


@pytest.mark.parametrize("kind", list(LAYERS))
@pytest.mark.parametrize("amount", [0.0, 0.3, 0.5, 0.9, np.float32(0.5), np.float64(0.25), np.int64(0), 1])
def test_layer_masks_equal_torch(kind, amount):
    torch.manual_seed(0)
    layer = LAYERS[kind]()
    ref = copy.deepcopy(layer)
    prune.l1_unstructured(ref, "weight", float(amount))
    if float(amount) == 1.0:  # we refuse to empty a layer; torch empties it
        with pytest.raises(ValueError, match="would prune all"):
            prune_unstructured([layer], amount)
        return
    report = prune_unstructured([layer], amount, "l1")
    assert torch.equal(layer.weight_mask, ref.weight_mask)
    assert report.to_dict()["0"] == pytest.approx(float(ref.weight_mask.eq(0).float().mean()))


@pytest.mark.parametrize("kind", list(LAYERS))
def test_bare_layer_is_pruned_like_torch(kind):
    """A model of one layer: pruned itself (it used to be skipped: ``{'total': 0.0}``)."""
    torch.manual_seed(1)
    layer = LAYERS[kind]()
    ref = copy.deepcopy(layer)
    prune.l1_unstructured(ref, "weight", 0.4)
    assert prune_unstructured(layer, 0.4).sparsity == pytest.approx(0.4, abs=0.01)
    assert torch.equal(layer.weight_mask, ref.weight_mask)
    x = torch.randn(2, *((20,) if kind == "linear" else (3, 9) if kind == "conv1d" else (3, 9, 9)))
    torch.testing.assert_close(layer(x), ref(x), rtol=0, atol=0)


def test_model_of_only_its_head_says_so():
    net = nn.Sequential(nn.Linear(8, 3))
    with pytest.raises(ValueError, match=r"only prunable layer '0' is its output layer.*include_head=True"):
        prune_unstructured(net, 0.5)
    assert prune_unstructured(net, 0.5, include_head=True).sparsity == 0.5
    with pytest.raises(ValueError, match=r"found weights in Conv3d.*valid: nn.Linear, nn.Conv1d, nn.Conv2d"):
        prune_unstructured(nn.Sequential(nn.Conv3d(1, 2, 3), nn.Flatten()), 0.5)


def _global_ref(net: nn.Module, layers: list[nn.Module], amount: float) -> None:
    prune.global_unstructured([(m, "weight") for m in layers], prune.L1Unstructured, amount=amount)


@pytest.mark.parametrize(
    "make",
    [
        seq_conv1d,
        lambda: seq_child(2),
        lambda: nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(64, 6), nn.Linear(6, 3)
        ),
    ],
    ids=["seq-conv1d", "child-conv1d", "seq-conv2d"],
)
@pytest.mark.parametrize("scope", ["layer", "global"])
def test_model_masks_equal_torch_per_layer_and_global(make, scope):
    torch.manual_seed(0)
    net = make()
    torch.manual_seed(0)
    ref = copy.deepcopy(net)
    layers = as_chain(net).layers[:-1]
    ref_layers = as_chain(ref).layers[:-1]
    if scope == "global":
        _global_ref(ref, ref_layers, 0.6)
    else:
        for m in ref_layers:
            prune.l1_unstructured(m, "weight", 0.6)
    report = prune_unstructured(net, np.float32(0.6), "l1", scope)
    assert len(report) == len(layers) and any(isinstance(m, nn.Conv1d | nn.Conv2d) for m in layers)
    for a, b in zip(layers, ref_layers, strict=True):
        assert torch.equal(a.weight_mask, b.weight_mask)
    assert not hasattr(as_chain(net).layers[-1], "weight_mask")
    x = torch.randn(3, 2, 12) if not isinstance(layers[0], nn.Conv2d) else torch.randn(3, 1, 4, 4)
    torch.testing.assert_close(net(x), ref(x), rtol=0, atol=0)


# =========================================================================== head by forward order
class HeadFirst(nn.Module):
    """Registers its output layer first: registration order and forward order disagree."""

    def __init__(self) -> None:
        super().__init__()
        self.out = nn.Linear(16, 3)
        self.body = nn.Conv1d(2, 4, 3, padding=1)
        self.mid = nn.Linear(4 * 8, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(F.relu(self.mid(F.relu(self.body(x)).flatten(1))))


class Branchy(HeadFirst):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:  # data-dependent control flow: cannot be traced
            x = -x
        return super().forward(x)


def test_head_is_the_last_layer_the_forward_calls():
    torch.manual_seed(0)
    net = HeadFirst()
    assert [n for n, _ in forward_order(net)] == ["body", "mid", "out"]
    ref = copy.deepcopy(net)
    report = prune_unstructured(net, 0.5)
    assert [r.name for r in report] == ["body", "mid"]
    assert not hasattr(net.out, "weight_mask")
    for name in ("body", "mid"):
        prune.l1_unstructured(getattr(ref, name), "weight", 0.5)
        assert torch.equal(getattr(net, name).weight_mask, getattr(ref, name).weight_mask)
    x = torch.randn(5, 2, 8)
    torch.testing.assert_close(net(x), ref(x), rtol=0, atol=0)
    assert regrow(net, count=3, seed=0) == {"body": 3, "mid": 3}


def test_untraceable_forward_asks_for_layers():
    net = Branchy()
    with pytest.raises(
        ValueError, match=r"cannot tell the order.*include_head=True.*layers=\[\.\.\.\].*\(names: out, body, mid\)"
    ):
        prune_unstructured(net, 0.5)
    assert [r.name for r in prune_unstructured(net, 0.5, layers=["body", "mid"], include_head=True)] == ["body", "mid"]
    assert prune_unstructured(Branchy(), 0.5, include_head=True).sparsity == pytest.approx(0.5, abs=0.01)


# =========================================================================== constructor attributes
def _odd_convs() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(2, 5, 3, padding=1, padding_mode="reflect"), nn.ReLU(),
        nn.Conv2d(5, 4, 3, padding=2, dilation=2, padding_mode="circular", bias=False), nn.ReLU(),
        nn.Conv2d(4, 3, 3, stride=2, padding=1, padding_mode="replicate"), nn.ReLU(),
        nn.Flatten(), nn.Linear(3 * 16, 6), nn.ReLU(), nn.Linear(6, 2),
    ).double()  # fmt: skip


def _odd_conv1d() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv1d(2, 5, 5, padding=2, padding_mode="reflect"), nn.ReLU(),
        nn.Conv1d(5, 4, 3, stride=2, padding=1, padding_mode="circular", bias=False), nn.ReLU(),
        nn.Flatten(), nn.Linear(4 * 8, 2),
    ).double()  # fmt: skip


@pytest.mark.parametrize(("make", "shape"), [(_odd_convs, (2, 8, 8)), (_odd_conv1d, (2, 16))])
def test_structured_removal_keeps_constructor_attributes(make, shape):
    net = make()
    ref = copy.deepcopy(net)
    x = torch.randn(4, *shape, dtype=torch.float64)
    prune_structured(net, count=0)  # removes nothing: the function is torch's, bit for bit
    torch.testing.assert_close(net(x), ref(x), rtol=0, atol=0)
    keys = ("padding_mode", "dilation", "stride", "padding", "kernel_size", "groups")
    for a, b in zip(net, ref, strict=True):
        assert type(a) is type(b)
        if isinstance(a, nn.Conv1d | nn.Conv2d):
            assert {k: getattr(a, k) for k in keys} == {k: getattr(b, k) for k in keys}
            assert (a.bias is None) == (b.bias is None) and a.weight.dtype == torch.float64
    # removing dead units (all-zero filters, biases and outgoing weights): still torch's function
    chain = as_chain(net)
    with torch.no_grad():
        chain.layers[0].weight[[1, 3]] = 0.0
        chain.layers[0].bias[[1, 3]] = 0.0
        chain.layers[1].weight[:, [1, 3]] = 0.0
    ref = copy.deepcopy(net)
    res = prune_structured(net, count={0: 2})
    assert sorted(res.removed(0).tolist()) == [1, 3]
    torch.testing.assert_close(net(x), ref(x), rtol=0, atol=1e-12)


def test_surgery_primitives_keep_attributes():
    conv = nn.Conv1d(3, 6, 3, stride=2, padding=1, dilation=1, bias=False, padding_mode="reflect").double()
    out = keep_out_units(conv, torch.tensor([0, 2, 2]))
    inn = keep_in_units(conv, torch.tensor([1, 2]))
    for new, (c_in, c_out) in ((out, (3, 3)), (inn, (2, 6))):
        assert isinstance(new, nn.Conv1d) and (new.in_channels, new.out_channels) == (c_in, c_out)
        assert new.padding_mode == "reflect" and new.stride == (2,) and new.bias is None
        assert new.weight.dtype == torch.float64
    assert like_layer(nn.Linear(3, 4, bias=False), n_out=7).bias is None
    with pytest.raises(ValueError, match="grouped/depthwise Conv1d"):
        like_layer(nn.Conv1d(4, 4, 3, groups=4))
    x = torch.randn(2, 3, 10, dtype=torch.float64)
    torch.testing.assert_close(out(x), conv(x)[:, [0, 2, 2]], rtol=0, atol=0)


# =========================================================================== Conv1d everywhere
def test_unit_scores_on_conv1d_by_hand():
    a, b, c = nn.Conv1d(2, 3, 3), nn.Conv1d(3, 4, 5), nn.Linear(4 * 6, 2)
    s = get_criterion("l1").unit_scores([a, b, c], 0)
    u = 1
    manual = a.weight[u].abs().sum() + a.bias[u].abs() + b.weight[:, u].abs().sum()
    torch.testing.assert_close(s[u], manual.detach())
    s = get_criterion("l2").unit_scores([a, b, c], 1, group=6)
    manual = torch.cat([b.weight[u].flatten(), b.bias[u : u + 1], c.weight[:, 6:12].flatten()]).norm()
    torch.testing.assert_close(s[u], manual.detach())


@pytest.mark.parametrize("name", ["l1", "l2", "random", *GRADIENT])
def test_every_criterion_narrows_a_conv1d_child(name):
    net = seq_child()
    imp = unit_importance(name, data=xy(), batches=2, batch_size=32)
    twin = unit_importance(name, data=xy(), batches=2, batch_size=32)
    scores = twin(net, 1)
    assert scores.shape == (5,)
    keep = net.narrow(1, 2, importance=imp)  # conv -> flatten -> dense
    assert torch.equal(keep, scores.topk(3).indices.sort().values)
    net.narrow(0, 2, importance=imp)  # conv -> conv
    assert net.arch.key() == "2x12-[c4k3,c3k5,8]-4" and net.num_params() == net.arch.params()
    report = prune_unstructured(net, 0.5, name, data=xy(), batches=2)
    assert [r.name for r in report] == ["layers.0", "layers.1", "layers.2"]


@pytest.mark.parametrize(
    "make",
    [seq_child, seq_conv1d, lambda: seq_child(0, ("c6k3s2", "c5k5p2", 8)), lambda: seq_child(0, head="gap")],
    ids=["child", "sequential", "child-stride-pool", "child-gap"],
)
def test_structured_removal_of_silent_conv1d_units_keeps_outputs(make):
    net = make()
    x = xy(16)[0]
    silent = {0: [1, 4], 1: [0, 2], 2: [3, 5, 6]}  # conv->conv, conv->flatten/gap->dense, dense->head
    for j, units in silent.items():
        _silence(net, j, units)
    before = net(x)
    macs = count_macs(net, (2, 12))
    res = prune_structured(net, count={0: 2, 1: 2, 2: 3})
    for j, units in silent.items():
        assert sorted(res.removed(j).tolist()) == units
    torch.testing.assert_close(net(x), before, rtol=0, atol=1e-5)
    assert as_chain(net).widths() == [4, 3, 5, 4] and count_macs(net, (2, 12)) < macs
    if isinstance(net, ChildNet):
        assert net.num_params() == net.arch.params() and count_macs(net, (2, 12)) == net.arch.flops()
        old = make().arch
        assert net.arch.layers == tuple(s.with_width(w) for s, w in zip(old.layers, (4, 3, 5), strict=True))
        assert net.arch.head == old.head
    # every unit back with its weights: the original network again
    restore_units(net, res, {j: res.removed(j) for j in list(res.kept)})
    torch.testing.assert_close(net(x), before, rtol=0, atol=1e-5)
    res = prune_structured(net, 0.5)
    pruned = net(x)
    regrow_units(net, res, count=1, init="fresh", seed=0)
    torch.testing.assert_close(net(x), pruned, rtol=0, atol=1e-6)


def test_conv1d_stats_regrowth_and_state():
    net = seq_child()
    assert count_macs(net, (2, 12)) == net.arch.flops()
    prune_unstructured(net, 0.7, "l1", "global", include_head=True)
    rep = sparsity_report(net)
    assert [r.name for r in rep] == ["layers.0", "layers.1", "layers.2", "head"]
    assert rep.sparsity == pytest.approx(0.7, abs=0.01) and sparsity(net.layers[1]) > 0
    assert nonzero_params(net) == net.num_params() - (rep.total - rep.active)
    got = regrow(net, amount=np.float32(0.5), method="gradient", data=xy(), layers=[0, 1])
    names = ("layers.0", "layers.1")
    assert got == {n: round(0.5 * (rep.layer(n).total - rep.layer(n).active)) for n in names}
    assert [rep.layer(n).total for n in names] == [6 * 2 * 3, 5 * 6 * 5]


def test_gradual_prune_on_a_conv1d_child():
    x, y = xy()

    class Stub:
        """A minimal trainer: SGD on (x, y); accuracy on the same data."""

        def fit(self, model: nn.Module, steps: int | None = None) -> None:
            opt = torch.optim.SGD(model.parameters(), lr=0.05)
            for _ in range(steps or 1):
                opt.zero_grad()
                F.cross_entropy(model(x), y).backward()
                opt.step()

        def evaluate(self, model: nn.Module, split: str = "val") -> SimpleNamespace:
            with torch.no_grad():
                return SimpleNamespace(accuracy=float((model(x).argmax(1) == y).float().mean()))

    net = seq_child()
    sched = AGPSchedule(final=np.float32(0.5), begin=0, steps=np.int64(2), every=3)
    hist = gradual_prune(net, Stub(), sched, mode="structured", fine_tune_steps=2)
    assert [s.t for s in hist] == [0, 3, 6] and hist[-1].params < hist[0].params
    assert [s.width for s in net.arch.layers] == [3, 2, 4] and net.num_params() == net.arch.params()
    net = seq_child()
    hist = gradual_prune(net, Stub(), AGPSchedule(final=0.8, steps=2, every=2), criterion="taylor", data=(x, y))
    assert sparsity(net.layers[0]) == pytest.approx(0.8, abs=0.03) and isinstance(net.layers[0], nn.Conv1d)


# =========================================================================== numpy numbers
def test_numpy_scalars_are_numbers_everywhere():
    net = seq_conv1d()
    assert prune_unstructured(net, np.float32(0.5)).sparsity == pytest.approx(0.5, abs=0.01)
    prune_unstructured(net, threshold=np.float32(0.01))
    prune_unstructured(net, std_threshold=np.float64(0.1))
    res = prune_structured(net, count=np.int64(1))
    assert res.num_removed() == {"0": 1, "2": 1, "6": 1}
    prune_structured(net, np.float32(0.25), scope="global")
    prune_structured(net, threshold=np.float32(-1.0))
    assert regrow(net, count=np.int64(2)) == {"0": 2, "2": 2, "6": 2}
    for bad in (np.bool_(True), True, "0.5", np.float32(1.5), float("nan")):
        with pytest.raises(ValueError, match="amount must be a number in"):
            prune_unstructured(net, bad)
    with pytest.raises(ValueError, match="count must be an int >= 0"):
        prune_structured(net, count=np.float32(1.0))
