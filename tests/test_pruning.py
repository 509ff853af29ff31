"""Tests for archgym.pruning: criteria, unstructured masks, structured removal, gradual schedules, recovery."""

from __future__ import annotations

import copy
import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

from archgym.arch import Architecture
from archgym.child import ChildNet, l1_unit_importance
from archgym.data import load_dataset
from archgym.pruning import (
    CRITERIA,
    AGPSchedule,
    LinearSparsitySchedule,
    as_chain,
    clone_model,
    count_macs,
    get_criterion,
    gradual_prune,
    greedy_recover_units,
    greedy_recover_weights,
    load_masked_state_dict,
    make_permanent,
    make_sparsity_schedule,
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
from archgym.pruning.criteria import layer_gradients
from archgym.pruning.recovery import validation_error
from archgym.training import Trainer

GRADIENT = ("taylor", "taylor_sq", "snip")


@pytest.fixture(scope="module")
def data():
    return load_dataset("synthetic", seed=0)


@pytest.fixture(scope="module")
def image_data():
    return load_dataset("synthetic", seed=0, image=True)


def mlp(seed: int = 0) -> ChildNet:
    return ChildNet(Architecture.mlp(16, [12, 10], 4), seed=seed)


def cnn(seed: int = 0) -> ChildNet:
    return ChildNet(Architecture.cnn((1, 4, 4), [6, 5], [8], 4), seed=seed)


def seq_cnn(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 5, 3, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Linear(5 * 16, 8), nn.ReLU(), nn.Linear(8, 4),
    )  # fmt: skip


def xy(ds, n: int = 64):
    return ds.x_train[:n], ds.y_train[:n]


# =========================================================================== criteria
def test_registry_and_unknown_name():
    assert list(CRITERIA) == ["l1", "l2", "taylor", "taylor_sq", "snip", "random"]
    for name in CRITERIA:
        assert get_criterion(name).name == name
    with pytest.raises(ValueError, match=r"unknown criterion 'l3'.*valid: l1, l2, taylor, taylor_sq, snip, random"):
        get_criterion("l3")
    with pytest.raises(ValueError, match="did you mean 'snip'"):
        get_criterion("snp")


@pytest.mark.parametrize("make", [mlp, cnn])
def test_l1_unit_scores_match_childnet_default(make):
    net = make()
    crit = get_criterion("l1")
    for i in range(net.arch.depth):
        ours = crit.unit_scores(net.chain(), i, net.arch.in_group(i + 1))
        torch.testing.assert_close(ours, l1_unit_importance(net, i))


def test_l2_unit_scores_by_hand():
    a, b = nn.Linear(3, 2), nn.Linear(2, 5)
    expect = torch.stack(
        [torch.cat([a.weight[u], a.bias[u : u + 1], b.weight[:, u]]).norm() for u in range(2)]
    ).detach()
    torch.testing.assert_close(get_criterion("l2").unit_scores([a, b], 0), expect)
    # conv -> dense with group: each channel owns 4 columns of the dense layer
    c, d = nn.Conv2d(1, 3, 3, padding=1), nn.Linear(12, 2)
    s = get_criterion("l2").unit_scores([c, d], 0, group=4)
    u = 1
    manual = torch.cat([c.weight[u].flatten(), c.bias[u : u + 1], d.weight[:, 4:8].flatten()]).norm()
    torch.testing.assert_close(s[u], manual.detach())


def test_layer_gradients_are_dense_under_masks_and_leave_grad_alone(data):
    net = mlp()
    prune_unstructured(net, 0.5)
    x, y = xy(data)
    grads = layer_gradients(net, x, y)
    layer = net.layers[0]
    _, gw, _, _ = grads[layer]
    pruned = layer.weight_mask == 0
    assert bool(pruned.any()) and bool((gw[pruned] != 0).any())
    assert all(p.grad is None for p in net.parameters())
    # equals the gradient of the dense network with the same (masked) weights
    dense = clone_model(net)
    make_permanent(dense)
    F.cross_entropy(dense(x), y).backward()
    torch.testing.assert_close(gw, dense.layers[0].weight.grad)


def test_gradient_criteria_formulas(data):
    net = mlp()
    x, y = data.x_train, data.y_train
    batches = [(x[:32], y[:32]), (x[32:64], y[32:64])]
    prods = []  # per batch, (w*g of layer 0, bias product of layer 0, w*g of layer 1)
    for xb, yb in batches:
        g = layer_gradients(net, xb, yb)
        w0, g0, b0, gb0 = g[net.layers[0]]
        w1, g1, _, _ = g[net.layers[1]]
        prods.append((w0 * g0, b0 * gb0, w1 * g1))
    crits = {n: get_criterion(n) for n in GRADIENT}
    for c in crits.values():
        for xb, yb in batches:
            c.accumulate(net, xb, yb)
    p0 = torch.stack([p[0] for p in prods])
    torch.testing.assert_close(crits["taylor"].weight_scores(net.layers[0]), p0.abs().mean(0))
    torch.testing.assert_close(crits["taylor_sq"].weight_scores(net.layers[0]), p0.square().mean(0))
    torch.testing.assert_close(crits["snip"].weight_scores(net.layers[0]), p0.mean(0).abs())
    unit = torch.stack([p[0].sum(1) + p[1] + p[2].sum(0) for p in prods])  # (batches, 12)
    layers = net.chain()
    torch.testing.assert_close(crits["taylor"].unit_scores(layers, 0), unit.abs().mean(0))
    torch.testing.assert_close(crits["taylor_sq"].unit_scores(layers, 0), unit.square().mean(0))
    snip_unit = p0.mean(0).abs().sum(1) + torch.stack([p[1] for p in prods]).mean(0).abs()
    snip_unit = snip_unit + torch.stack([p[2] for p in prods]).mean(0).abs().sum(0)
    torch.testing.assert_close(crits["snip"].unit_scores(layers, 0), snip_unit)
    # |mean| <= mean |.|: SNIP's one-point sensitivity never exceeds Taylor's averaged one
    snip_w, taylor_w = crits["snip"].weight_scores(net.layers[0]), crits["taylor"].weight_scores(net.layers[0])
    assert bool((snip_w <= taylor_w + 1e-7).all()) and not torch.allclose(snip_w, taylor_w)


@pytest.mark.parametrize("name", GRADIENT)
def test_gradient_criteria_need_data(name, data):
    net = mlp()
    crit = get_criterion(name)
    with pytest.raises(ValueError, match="call accumulate"):
        crit.weight_scores(net.layers[0])
    with pytest.raises(ValueError, match="needs data"):
        crit.prepare(net, None)
    with pytest.raises(ValueError, match="needs data"):
        unit_importance(name)
    crit.prepare(net, data, batches=2, batch_size=16)
    s = crit.weight_scores(net.layers[0])
    assert s.shape == net.layers[0].weight.shape and bool((s >= 0).all()) and float(s.sum()) > 0


def test_random_is_seeded():
    layer = nn.Linear(5, 7)
    a = get_criterion("random", seed=3).weight_scores(layer)
    b = get_criterion("random", seed=3).weight_scores(layer)
    c = get_criterion("random", seed=4).weight_scores(layer)
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("name", list(CRITERIA))
def test_unit_importance_plugs_into_narrow(name, image_data):
    net = cnn()
    imp = unit_importance(name, data=image_data, batches=2, batch_size=32)
    twin = unit_importance(name, data=image_data, batches=2, batch_size=32)  # same seed: same first scores
    scores = twin(net, 2)
    assert scores.shape == (8,)
    keep = net.narrow(2, 3, importance=imp)
    assert net.arch.layers[2].width == 5 and torch.equal(keep, scores.topk(5).indices.sort().values)
    net.narrow(0, 2, importance=imp)  # conv -> conv
    assert net(image_data.x_val[:3]).shape == (3, 4)
    assert net.num_params() == net.arch.params()


# =========================================================================== unstructured
@pytest.mark.parametrize("amount", [0.0, 0.3, 0.5, 0.9])
def test_l1_amount_mask_equals_torch(amount):
    torch.manual_seed(0)
    for layer in (nn.Linear(20, 30), nn.Conv2d(3, 8, 3)):
        ref = copy.deepcopy(layer)
        prune.l1_unstructured(ref, "weight", amount)
        prune_unstructured([layer], amount, "l1")
        assert torch.equal(layer.weight_mask, ref.weight_mask)


def test_global_l1_equals_torch_global_unstructured():
    net, ref = mlp(), mlp()
    prune.global_unstructured([(ref.layers[0], "weight"), (ref.layers[1], "weight")], prune.L1Unstructured, amount=0.6)
    prune_unstructured(net, 0.6, "l1", "global")
    for a, b in zip(net.layers, ref.layers, strict=True):
        assert torch.equal(a.weight_mask, b.weight_mask)
    assert not hasattr(net.head, "weight_mask")
    assert 0.4 < sparsity(net.layers[0]) < 0.8  # global: per-layer sparsities differ from 0.6


def test_std_threshold_and_absolute_threshold():
    net = mlp()
    w = net.layers[0].weight.detach().abs().clone()
    report = prune_unstructured(net, std_threshold=0.8, layers=["layers.0"])
    expect = w >= 0.8 * w.std()
    assert torch.equal(net.layers[0].weight_mask.bool(), expect)
    assert report.layer("layers.0").active == int(expect.sum()) and not hasattr(net.layers[1], "weight_mask")
    w1 = net.layers[1].weight.detach().abs().clone()
    prune_unstructured(net, threshold=0.1, layers=[1])
    assert torch.equal(net.layers[1].weight_mask.bool(), w1 >= 0.1)


def test_head_only_when_asked_and_masks_are_monotone():
    net = mlp()
    prune_unstructured(net, 0.5)
    assert not hasattr(net.head, "weight_mask")
    before = net.layers[0].weight_mask.clone()
    prune_unstructured(net, 0.3)  # below the current sparsity: nothing changes
    assert torch.equal(net.layers[0].weight_mask, before)
    prune_unstructured(net, 0.75)
    after = net.layers[0].weight_mask
    assert bool((after <= before).all()) and sparsity(net.layers[0]) == pytest.approx(0.75, abs=1e-2)
    prune_unstructured(net, 0.5, include_head=True)
    assert sparsity(net.head) == pytest.approx(0.5)


@pytest.mark.parametrize("name", list(CRITERIA))
def test_every_criterion_prunes_unstructured(name, data):
    net = mlp()
    report = prune_unstructured(net, 0.6, name, data=data, batches=2)
    assert [r.name for r in report] == ["layers.0", "layers.1"]
    for r in report:
        assert r.active == r.total - round(0.6 * r.total)
    assert nonzero_params(net) == net.num_params() - sum(r.total - r.active for r in report)


def test_masks_survive_state_dict_and_make_permanent(data):
    net = mlp()
    prune_unstructured(net, 0.7, "l1", "global", include_head=True)
    x = data.x_val
    out = net(x)
    state = copy.deepcopy(net.state_dict())
    assert any(k.endswith("weight_mask") for k in state)
    fresh = mlp(seed=5)
    load_masked_state_dict(fresh, state)
    torch.testing.assert_close(fresh(x), out)
    assert torch.equal(fresh.layers[1].weight_mask, net.layers[1].weight_mask)
    rep = sparsity_report(net)
    make_permanent(net)
    assert not any(hasattr(m, "weight_orig") for m in net.modules())
    torch.testing.assert_close(net(x), out)
    assert sparsity_report(net).to_dict() == rep.to_dict()
    assert "total" in str(rep) and rep.sparsity == pytest.approx(0.7, abs=1e-2)


def test_unstructured_bad_input():
    net = mlp()
    for bad in (-0.1, 1.5, True, "half"):
        with pytest.raises(ValueError, match="amount must be a number in"):
            prune_unstructured(net, bad)
    with pytest.raises(ValueError, match=r"unknown layer 'layers\.9'.*valid: layers\.0, layers\.1"):
        prune_unstructured(net, 0.5, layers=["layers.9"])
    with pytest.raises(ValueError, match="unknown layer 7"):
        prune_unstructured(net, 0.5, layers=[7])
    with pytest.raises(ValueError, match=r"unknown scope 'local'.*valid: layer, global"):
        prune_unstructured(net, 0.5, scope="local")
    with pytest.raises(ValueError, match="exactly one of"):
        prune_unstructured(net, 0.5, threshold=0.1)
    with pytest.raises(ValueError, match=r"would prune all 192 weights of layer 'layers\.0'"):
        prune_unstructured(net, 1.0)
    with pytest.raises(ValueError, match="would prune all"):
        prune_unstructured(net, threshold=100.0)
    assert not any(hasattr(m, "weight_mask") for m in net.modules())  # failed calls change nothing


# =========================================================================== structured
def _silence_units(net: nn.Module, j: int, units: list[int]) -> None:
    """Give units of chain layer j zero outgoing weights and tiny incoming ones (lowest L1 scores)."""
    chain = as_chain(net)
    g = chain.groups[j]
    with torch.no_grad():
        chain.layers[j].weight[units] *= 1e-3
        chain.layers[j].bias[units] *= 1e-3
        nxt = chain.layers[j + 1].weight
        for u in units:
            nxt[:, u * g : (u + 1) * g] = 0.0


@pytest.mark.parametrize("make", [cnn, seq_cnn])
def test_structured_removal_of_silent_units_keeps_outputs(make, image_data):
    net = make()
    x = image_data.x_val
    silent = {0: [1, 4], 1: [0, 2], 2: [3, 5, 6]}  # conv->conv, conv->flatten->dense, dense->head
    for j, units in silent.items():
        _silence_units(net, j, units)
    before = net(x)
    macs_before = count_macs(net, (1, 4, 4))
    res = prune_structured(net, count={0: 2, 1: 2, 2: 3})
    for j, units in silent.items():
        assert sorted(res.removed(j).tolist()) == units
    torch.testing.assert_close(net(x), before, rtol=0, atol=1e-5)
    chain = as_chain(net)
    assert chain.widths() == [4, 3, 5, 4]
    assert res.params_after == sum(p.numel() for p in net.parameters()) < res.params_before
    assert count_macs(net, (1, 4, 4)) < macs_before
    if isinstance(net, ChildNet):
        assert net.arch.key() == "1x4x4-[c4k3,c3k3,5]-4"
        assert net.num_params() == net.arch.params() and count_macs(net, (1, 4, 4)) == net.arch.flops()


@pytest.mark.parametrize("name", list(CRITERIA))
def test_every_criterion_prunes_structured(name, image_data):
    net = cnn()
    res = prune_structured(net, 0.5, name, data=image_data, batches=2)
    assert net.arch.key() == "1x4x4-[c3k3,c3k3,4]-4"  # round(0.5 * 5) = 2 (Python rounds half to even)
    assert res.num_removed() == {"layers.0": 3, "layers.1": 2, "layers.2": 4}
    assert net(image_data.x_val[:2]).shape == (2, 4)


def test_structured_modes_threshold_global_and_masks():
    net = mlp()
    scores = get_criterion("l1").unit_scores(net.chain(), 0)
    thr = float(scores.sort().values[4])
    res = prune_structured(net, threshold=thr, layers=["layers.0"])
    assert res.removed(0).tolist() == sorted(scores.argsort()[:4].tolist()) and net.arch.layers[1].width == 10
    net = mlp()
    all_scores = torch.cat([get_criterion("l1").unit_scores(net.chain(), j) for j in (0, 1)])
    prune_structured(net, count=5, scope="global")
    lowest = all_scores.argsort()[:5]
    assert [w.width for w in net.arch.layers] == [12 - int((lowest < 12).sum()), 10 - int((lowest >= 12).sum())]
    net = mlp()  # unstructured masks are sliced along
    prune_unstructured(net, 0.5)
    nz = nonzero_params(net)
    res = prune_structured(net, count=2, layers=[1])
    assert hasattr(net.layers[1], "weight_mask") and net.layers[1].weight_mask.shape == (8, 12)
    assert hasattr(net.head, "weight_orig") is False and nonzero_params(net) < nz


def test_structured_bad_input():
    net = mlp()
    with pytest.raises(ValueError, match=r"remove all 12 units of layer 'layers\.0'"):
        prune_structured(net, count=12, layers=[0])
    with pytest.raises(ValueError, match="remove all"):
        prune_structured(net, 1.0)
    with pytest.raises(ValueError, match=r"unknown layer 'head'.*valid: layers\.0, layers\.1"):
        prune_structured(net, 0.5, layers=["head"])
    with pytest.raises(ValueError, match="amount must be a number in"):
        prune_structured(net, 2.0)
    with pytest.raises(ValueError, match="exactly one of amount, count, threshold"):
        prune_structured(net)
    with pytest.raises(ValueError, match="unsupported module BatchNorm1d"):
        prune_structured(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)), 0.5)
    with pytest.raises(ValueError, match="cannot build a layer chain"):
        prune_structured(nn.Linear(3, 4), 0.5)
    assert net.arch.key() == "16-[12,10]-4"


# =========================================================================== gradual
def test_agp_and_linear_schedules():
    s = AGPSchedule(final=0.9, initial=0.1, begin=5, steps=4, every=3)
    assert s.pruning_steps() == [5, 8, 11, 14, 17]
    for k, t in enumerate(s.pruning_steps()):
        assert s(t) == pytest.approx(0.9 + (0.1 - 0.9) * (1 - k / 4) ** 3)
        assert s(t + 1) == s(t)  # constant between pruning steps
    assert s(0) == pytest.approx(0.1) and s(1000) == pytest.approx(0.9)
    lin = make_sparsity_schedule("linear", final=0.8, steps=4, every=1)
    assert isinstance(lin, LinearSparsitySchedule) and [lin(t) for t in range(5)] == pytest.approx(
        [0, 0.2, 0.4, 0.6, 0.8]
    )
    for bad in ({"final": 1.0}, {"final": 0.5, "initial": 0.6}, {"final": 0.5, "steps": 0}):
        with pytest.raises(ValueError):
            AGPSchedule(**bad)
    with pytest.raises(ValueError, match="valid: agp, linear"):
        make_sparsity_schedule("cubic")


def test_gradual_prune_unstructured_and_structured(data):
    net = mlp()
    tr = Trainer(data, schedule=0.01, batch_size=32, seed=0)
    sched = AGPSchedule(final=0.8, begin=10, steps=3, every=5)
    hist = gradual_prune(net, tr, sched, criterion="taylor", fine_tune_steps=5)
    assert [h.t for h in hist] == [10, 15, 20, 25] and tr.t == 10 + 3 * 5 + 5
    assert [h.target for h in hist] == pytest.approx([sched(t) for t in sched.pruning_steps()])
    assert all(a.nonzero > b.nonzero for a, b in itertools.pairwise(hist))
    assert [sparsity(m) for m in net.layers] == pytest.approx([0.8, 0.8], abs=1e-2)
    net = mlp()
    hist = gradual_prune(net, tr, LinearSparsitySchedule(final=0.5, steps=2, every=3), mode="structured")
    assert [w.width for w in net.arch.layers] == [6, 5] and hist[-1].params == net.num_params()


# =========================================================================== recovery
def test_random_regrowth_counts_and_inits():
    net = mlp()
    prune_unstructured(net, 0.5)
    layer = net.layers[0]
    orig = layer.weight_orig.detach().clone()
    mask0 = layer.weight_mask.clone()
    out = regrow(net, count=7, layers=[0], init="zero", seed=1)
    new = (layer.weight_mask == 1) & (mask0 == 0)
    assert out == {"layers.0": 7} and int(new.sum()) == 7 and bool((layer.weight[new] == 0).all())
    assert int(layer.weight_mask.sum()) == int(mask0.sum()) + 7
    mask1 = layer.weight_mask.clone()
    regrow(net, count=5, layers=[0], init="previous", seed=2)
    new = (layer.weight_mask == 1) & (mask1 == 0)
    assert torch.equal(layer.weight[new], orig[new])
    mask2 = layer.weight_mask.clone()
    out = regrow(net, amount=0.5, init="kaiming", seed=3)
    new = (layer.weight_mask == 1) & (mask2 == 0)
    assert out["layers.0"] == round(0.5 * int((mask2 == 0).sum())) == int(new.sum())
    assert bool((layer.weight[new].abs() <= 1 / 16**0.5).all()) and bool((layer.weight[new] != 0).all())


def test_gradient_regrowth_picks_largest_gradients(data):
    net = mlp()
    prune_unstructured(net, 0.7, scope="global")
    x, y = xy(data)
    g = torch.cat([layer_gradients(net, x, y)[m][1].abs().flatten() for m in net.layers])
    pruned = torch.cat([(m.weight_mask == 0).flatten() for m in net.layers])
    expect = g.masked_fill(~pruned, -1).topk(10).indices
    out = regrow(net, count=10, method="gradient", scope="global", data=(x, y), batches=1, batch_size=64)
    now = torch.cat([m.weight_mask.flatten() for m in net.layers])
    assert sum(out.values()) == 10 and bool((now[expect] == 1).all()) and int((now[pruned] == 1).sum()) == 10
    assert bool((torch.cat([m.weight.flatten() for m in net.layers])[expect] == 0).all())  # RigL: zero init


def test_regrowth_bad_input():
    net = mlp()
    prune_unstructured(net, 0.5)
    with pytest.raises(ValueError, match="cannot regrow 1000 weights"):
        regrow(net, count=1000)
    with pytest.raises(ValueError, match=r"unknown regrowth method 'rigl'.*valid: random, gradient"):
        regrow(net, 0.1, method="rigl")
    with pytest.raises(ValueError, match="needs the model and data"):
        regrow(net, 0.1, method="gradient")
    with pytest.raises(ValueError, match="amount must be a number in"):
        regrow(net, -1.0)


def test_greedy_weight_recovery_picks_best_row(data):
    net = mlp()
    Trainer(data, schedule=0.01, seed=0).fit(net, steps=60)
    prune_unstructured(net, 0.9, include_head=True)
    candidates = [(0, r) for r in range(12)] + [(1, r) for r in range(10)]
    errs = []
    for li, r in candidates:
        trial = copy.deepcopy(net)
        m = trial.layers[li].weight_mask.clone()
        m[r] = 1.0
        trial.layers[li].weight_mask.copy_(m)
        errs.append(validation_error(trial, data))
    res = greedy_recover_weights(net, data, max_groups=2)
    assert res.restored[0] == (f"layers.{candidates[errs.index(min(errs))][0]}", candidates[errs.index(min(errs))][1])
    assert res.errors[1] == pytest.approx(min(errs)) and len(res.restored) == 2 and res.evaluations == 1 + 22 + 21
    assert bool((net.layers[int(res.restored[1][0][-1])].weight_mask[res.restored[1][1]] == 1).all())
    res2 = greedy_recover_weights(net, data, target_error=1.0)
    assert res2.restored == [] and res2.evaluations == 1
    with pytest.raises(ValueError, match="target_error and/or max_groups"):
        greedy_recover_weights(net, data)


@pytest.mark.parametrize("make", [cnn, seq_cnn])
def test_unit_restore_previous_is_exact_and_fresh_preserves_function(make, image_data):
    x = image_data.x_val
    net = make()
    ref = net(x)
    res = prune_structured(net, 0.5)
    restore_units(net, res, {j: res.removed(j) for j in list(res.kept)})
    torch.testing.assert_close(net(x), ref)  # every unit back with its weights: the original network
    assert as_chain(net).widths() == [6, 5, 8, 4]
    res = prune_structured(net, 0.5)
    pruned_out = net(x)
    got = regrow_units(net, res, count=1, init="fresh", seed=0)
    assert {k: len(v) for k, v in got.items()} == {as_chain(net).names[j]: 1 for j in range(3)}
    assert as_chain(net).widths() == [4, 4, 5, 4]  # [6, 5, 8] minus [3, 2, 4] plus one each
    torch.testing.assert_close(net(x), pruned_out)
    with pytest.raises(ValueError, match="are not removed"):
        restore_units(net, res, {0: res.kept[0][:1]})


def test_greedy_unit_recovery(image_data):
    net = cnn()
    Trainer(image_data, schedule=0.01, seed=0).fit(net, steps=60)
    res = prune_structured(net, 0.6, layers=[2])
    n_removed = res.removed(2).numel()
    rec = greedy_recover_units(net, res, image_data, max_groups=2)
    assert len(rec.restored) == 2 and net.arch.layers[2].width == 8 - n_removed + 2
    assert rec.evaluations == 1 + n_removed + (n_removed - 1) and res.removed(2).numel() == n_removed - 2
    assert rec.errors[-1] == pytest.approx(validation_error(net, image_data))
    stale = copy.deepcopy(res)
    prune_structured(net, count=1, layers=[2])
    with pytest.raises(ValueError, match="stale"):
        greedy_recover_units(net, stale, image_data, max_groups=1)
