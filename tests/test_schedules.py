"""Tests for archgym.schedules: torch equivalence, formulas, round trips, SB3 adapter, bad input."""

from __future__ import annotations

import json
import math
import pickle
import random

import pytest
import torch

from archgym.schedules import (
    DEFAULT_LR,
    SCHEDULES,
    Adaptive,
    Constant,
    Cosine,
    Exponential,
    SB3Schedule,
    Schedule,
    Sequential,
    Step,
    Warmup,
    make_schedule,
    sb3_schedule,
)

STEPS = 50


def stateless_cases() -> list[Schedule]:
    """One instance of every stateless schedule, plus compositions (fresh objects each call)."""
    return [
        Constant(0.1),
        Exponential(0.1, gamma=0.9),
        Exponential(0.1, gamma=0.5, total=10),
        Step(0.1, step_size=7, gamma=0.5),
        Cosine(0.1, total=30, min_lr=0.01),  # runs past total: holds min_lr
        Cosine(0.2, total=60),
        Warmup(0.1, steps=10, start_factor=0.2),
        Warmup(0.1, steps=10, start_factor=0.2, then=Cosine(0.1, total=25, min_lr=0.001)),
        Warmup(0.05, steps=5, then=Step(0.05, step_size=4, gamma=0.5)),
        Sequential([Warmup(0.1, steps=5), Exponential(0.1, gamma=0.9), Cosine(0.1, total=10)], [5, 20]),
    ]


def fresh_optimizer(lr: float = 0.5) -> torch.optim.Optimizer:
    """An SGD optimizer over one parameter (its lr is overwritten by bind)."""
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=lr)


def metric_sequence(n: int, seed: int = 0) -> list[float]:
    """A noisy decreasing loss that plateaus: gives the plateau logic improvements and stalls."""
    rng = random.Random(seed)
    return [1.0 / (1 + i) + rng.random() * 0.02 if i < 15 else 0.06 + rng.random() * 1e-6 for i in range(n)]


# --------------------------------------------------------------------------- torch equivalence
@pytest.mark.parametrize("schedule", stateless_cases(), ids=repr)
def test_bind_matches_torch_step_by_step(schedule: Schedule) -> None:
    opt = fresh_optimizer()
    torch_sched = schedule.bind(opt)
    assert opt.param_groups[0]["lr"] == pytest.approx(schedule(0))
    for t in range(STEPS):
        assert torch_sched.get_last_lr()[0] == pytest.approx(schedule(t), rel=1e-9, abs=1e-12), t
        assert opt.param_groups[0]["lr"] == pytest.approx(schedule(t), rel=1e-9, abs=1e-12), t
        opt.step()
        torch_sched.step()


def test_bind_returns_native_torch_classes() -> None:
    opt = fresh_optimizer()
    assert isinstance(Exponential(0.1).bind(opt), torch.optim.lr_scheduler.ExponentialLR)
    assert isinstance(Step(0.1).bind(fresh_optimizer()), torch.optim.lr_scheduler.StepLR)
    assert isinstance(Warmup(0.1).bind(fresh_optimizer()), torch.optim.lr_scheduler.LinearLR)
    assert isinstance(Adaptive(0.1).bind(fresh_optimizer()), torch.optim.lr_scheduler.ReduceLROnPlateau)
    assert isinstance(Constant(0.1).bind(fresh_optimizer()), torch.optim.lr_scheduler.LambdaLR)
    seq = Warmup(0.1, then=Cosine(0.1)).bind(fresh_optimizer())
    assert isinstance(seq, torch.optim.lr_scheduler.SequentialLR)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"factor": 0.5, "patience": 3},
        {"factor": 0.5, "patience": 2, "cooldown": 3, "min_lr": 0.02},
        {"factor": 0.3, "patience": 1, "threshold": 0.05, "mode": "max"},
        {"factor": 0.7, "patience": 0, "threshold": 0.1},  # relative (not absolute) threshold matters here
    ],
    ids=str,
)
def test_adaptive_matches_reduce_on_plateau(kwargs: dict) -> None:
    schedule = Adaptive(0.1, **kwargs)
    opt = fresh_optimizer()
    torch_sched = schedule.bind(opt)
    metrics = [10.0 * m for m in metric_sequence(STEPS)]
    if kwargs.get("mode") == "max":
        metrics = [1.0 - m for m in metrics]
    reductions = 0
    for t, metric in enumerate(metrics):
        assert torch_sched.get_last_lr()[0] == pytest.approx(schedule(t), rel=1e-12), t
        before = schedule(t)
        opt.step()
        torch_sched.step(metric)
        schedule.observe(metric)
        reductions += schedule(t) < before
    assert reductions >= 2  # the sequence really exercises the plateau logic
    assert schedule(STEPS) >= schedule.min_lr


def test_adaptive_bind_copies_observed_state() -> None:
    schedule = Adaptive(0.1, factor=0.5, patience=2)
    metrics = metric_sequence(40)
    for m in metrics[:25]:
        schedule.observe(m)
    assert schedule(0) < 0.1
    opt = fresh_optimizer()
    torch_sched = schedule.bind(opt)
    assert torch_sched.get_last_lr()[0] == schedule(0)
    for m in metrics[25:]:
        torch_sched.step(m)
        schedule.observe(m)
        assert torch_sched.get_last_lr()[0] == pytest.approx(schedule(0), rel=1e-12)


# --------------------------------------------------------------------------- written formulas
@pytest.mark.parametrize("t", [0, 1, 7, 13, 49, 200])
def test_formulas(t: int) -> None:
    lr = 0.3
    assert Constant(lr)(t) == lr
    assert Exponential(lr, gamma=0.95)(t) == pytest.approx(lr * 0.95**t)
    assert Exponential(lr, gamma=0.5, total=20)(t) == pytest.approx(lr * 0.5 ** (t / 20))
    assert Step(lr, step_size=7, gamma=0.2)(t) == pytest.approx(lr * 0.2 ** math.floor(t / 7))
    expected_cos = 0.01 + (lr - 0.01) * (1 + math.cos(math.pi * min(t, 100) / 100)) / 2
    assert Cosine(lr, total=100, min_lr=0.01)(t) == pytest.approx(expected_cos)
    expected_warm = lr * (0.1 + 0.9 * min(t, 10) / 10)
    assert Warmup(lr, steps=10, start_factor=0.1)(t) == pytest.approx(expected_warm)
    composed = Warmup(lr, steps=10, then=Exponential(lr, gamma=0.9))
    assert composed(t) == pytest.approx(expected_warm if t < 10 else lr * 0.9 ** (t - 10))


def test_formula_landmarks() -> None:
    assert Exponential(1.0, gamma=0.5, total=10)(10) == pytest.approx(0.5)
    assert Step(1.0, step_size=10, gamma=0.5)(9) == 1.0
    assert Step(1.0, step_size=10, gamma=0.5)(10) == 0.5
    assert Cosine(1.0, total=100)(50) == pytest.approx(0.5)
    assert Cosine(1.0, total=100, min_lr=0.1)(100) == pytest.approx(0.1)
    assert Cosine(1.0, total=100, min_lr=0.1)(1000) == pytest.approx(0.1)
    assert Warmup(1.0, steps=4, start_factor=0.2)(0) == pytest.approx(0.2)
    assert Warmup(1.0, steps=4, start_factor=0.2)(4) == 1.0
    seq = Sequential([Constant(1.0), Step(1.0, step_size=2, gamma=0.1)], [3])
    assert [seq(t) for t in range(6)] == pytest.approx([1.0, 1.0, 1.0, 1.0, 1.0, 0.1])


def test_adaptive_trace_by_hand() -> None:
    schedule = Adaptive(1.0, factor=0.5, patience=2, threshold=0.0, min_lr=0.2)
    rates = []
    for metric in [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]:
        schedule.observe(metric)
        rates.append(schedule(123))  # t is ignored: the rate is state
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2]
    schedule.reset()
    assert schedule(0) == 1.0 and schedule.num_bad == 0


def test_warmup_then_adaptive_forwards_metrics_only_after_warmup() -> None:
    schedule = make_schedule(
        {"name": "warmup_then", "lr": 1.0, "steps": 5, "then": {"name": "adaptive", "patience": 0}}
    )
    for t in range(5):  # metrics seen during warm-up are ignored
        schedule(t)
        schedule.observe(1.0)
    assert schedule(5) == 1.0
    schedule.observe(1.0)  # first metric after warm-up: best
    schedule.observe(1.0)  # no improvement, patience 0: reduce
    assert schedule(6) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="SequentialLR"):
        schedule.bind(fresh_optimizer())


def test_sequential_forwards_metrics_to_active_part() -> None:
    seq = Sequential([Constant(1.0), Adaptive(1.0, patience=0, factor=0.5)], [2])
    seq(0)
    seq.observe(5.0)
    seq.observe(5.0)
    assert seq(2) == 1.0  # the adaptive part saw nothing yet
    seq.observe(5.0)
    seq.observe(5.0)
    assert seq(3) == 0.5
    seq.reset()
    assert seq(3) == 1.0


# --------------------------------------------------------------------------- round trips
def all_cases() -> list[Schedule]:
    return [*stateless_cases(), Adaptive(0.01, factor=0.2, patience=4, mode="max", cooldown=1)]


@pytest.mark.parametrize("schedule", all_cases(), ids=repr)
def test_pickle_round_trip(schedule: Schedule) -> None:
    for m in metric_sequence(20):
        schedule.observe(m)
    clone = pickle.loads(pickle.dumps(schedule))
    assert clone == schedule
    assert repr(clone) == repr(schedule)
    assert [clone(t) for t in range(STEPS)] == [schedule(t) for t in range(STEPS)]


@pytest.mark.parametrize("schedule", all_cases(), ids=repr)
def test_to_dict_round_trip(schedule: Schedule) -> None:
    spec = schedule.to_dict()
    json.dumps(spec)  # plain data, writable to YAML/JSON
    assert spec["name"] in SCHEDULES
    rebuilt = make_schedule(spec)
    assert type(rebuilt) is type(schedule)
    assert rebuilt == schedule
    assert rebuilt.to_dict() == spec
    assert [rebuilt(t) for t in range(STEPS)] == [schedule(t) for t in range(STEPS)]


def test_adaptive_pickle_keeps_state() -> None:
    schedule = Adaptive(1.0, patience=0, factor=0.5)
    schedule.observe(1.0)
    schedule.observe(2.0)
    clone = pickle.loads(pickle.dumps(schedule))
    assert clone(0) == 0.5
    assert make_schedule(schedule.to_dict())(0) == 1.0  # to_dict is configuration only


def test_make_schedule_forms() -> None:
    s = Step(0.1)
    assert make_schedule(s) is s
    assert make_schedule(0.05) == Constant(0.05)
    assert make_schedule(1) == Constant(1.0)
    assert make_schedule("exponential") == Exponential()
    assert make_schedule("Fixed") == Constant(DEFAULT_LR)
    assert make_schedule("cosine", lr=0.2).lr == 0.2
    assert make_schedule({"name": "exponential", "lr": 0.01, "gamma": 0.95}) == Exponential(0.01, 0.95)
    # PyYAML reads 1e-3 (no dot) as a string: numeric strings are accepted
    assert make_schedule({"name": "step", "lr": "1e-3", "step_size": 10.0}) == Step(1e-3, 10)
    nested = make_schedule({"name": "warmup", "lr": 0.02, "steps": 100, "then": {"name": "cosine", "total": 1000}})
    assert nested == Warmup(0.02, steps=100, then=Cosine(0.02, total=1000))
    seq = make_schedule({"name": "sequence", "lr": 0.3, "parts": ["warmup", {"name": "step"}], "milestones": [100]})
    assert seq == Sequential([Warmup(0.3), Step(0.3)], [100])
    assert seq.lr == 0.3


# --------------------------------------------------------------------------- SB3 adapter
def test_sb3_adapter_values_and_pickle() -> None:
    schedule = Warmup(0.1, steps=100, then=Cosine(0.1, total=900))
    adapter = sb3_schedule(schedule, total_timesteps=1000)
    assert isinstance(adapter, SB3Schedule)
    assert adapter(1.0) == pytest.approx(schedule(0))
    assert adapter(0.95) == pytest.approx(schedule(50))
    assert adapter(0.5) == pytest.approx(schedule(500))
    assert adapter(0.0) == pytest.approx(schedule(1000))
    assert adapter(0.0) == pytest.approx(0.0, abs=1e-12)
    assert adapter(0.3333) == schedule(round(0.6667 * 1000))
    assert "total_timesteps=1000" in repr(adapter) and "Warmup" in repr(adapter)
    clone = pickle.loads(pickle.dumps(adapter))
    assert [clone(p / 10) for p in range(11)] == [adapter(p / 10) for p in range(11)]
    assert sb3_schedule({"name": "exponential", "lr": 0.5, "gamma": 0.5, "total": 10}, 10)(0.0) == pytest.approx(0.25)


def test_sb3_accepts_adapter() -> None:
    from stable_baselines3.common import utils

    wrap = getattr(utils, "FloatSchedule", None) or utils.get_schedule_fn  # FloatSchedule: SB3 >= 2.6
    fn = wrap(sb3_schedule(Step(0.1, step_size=5, gamma=0.5), total_timesteps=10))
    assert fn(1.0) == pytest.approx(0.1)
    assert fn(0.0) == pytest.approx(0.025)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        ({"name": "constant", "lr": -0.1}, r"lr=-0\.1.*valid: a number in \(0, inf\)"),
        (-1.0, r"lr=-1\.0.*valid"),
        (0.0, r"lr=0\.0.*valid"),
        ({"name": "exponential", "gamma": 0.0}, r"gamma=0\.0.*valid: a number in \(0, 1\]"),
        ({"name": "exponential", "gamma": -0.5}, r"gamma=-0\.5"),
        ({"name": "step", "gamma": 1.5}, r"gamma=1\.5.*\(0, 1\]"),
        ({"name": "step", "step_size": 0}, r"step_size=0.*valid: an integer >= 1"),
        ({"name": "warmup", "steps": -3}, r"steps=-3.*integer >= 1"),
        ({"name": "cosine", "total": 2.5}, r"total=2\.5"),
        ({"name": "step", "step_size": float("inf")}, r"step_size=inf.*integer >= 1"),
        ({"name": "sequence", "parts": [0.1], "milestones": 5}, r"milestones=5.*a list of integers"),
        ({"name": "cosine", "lr": 0.1, "min_lr": 0.5}, r"min_lr=0\.5.*\[0, 0\.1\]"),
        ({"name": "adaptive", "factor": 1.0}, r"factor=1\.0.*\(0, 1\)"),
        ({"name": "adaptive", "mode": "maximum"}, r"mode='maximum'.*valid: min, max"),
        ({"name": "warmup", "start_factor": 0}, r"start_factor=0"),
        ({"name": "exponential", "lr": "fast"}, r"lr='fast'"),
        ({"name": "constant", "lr": True}, r"lr=True"),
    ],
)
def test_bad_values_name_the_field(spec: object, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        make_schedule(spec)  # type: ignore[arg-type]


def test_unknown_name_suggests_and_lists_valid() -> None:
    with pytest.raises(ValueError, match=r"unknown schedule 'exponentail'; did you mean 'exponential'\? valid: ") as e:
        make_schedule("exponentail")
    for name in SCHEDULES:
        assert name in str(e.value)
    with pytest.raises(ValueError, match=r"unknown schedule 'zzz'; valid: constant, fixed"):
        make_schedule({"name": "zzz"})
    with pytest.raises(ValueError, match=r"no 'name'; valid names: constant"):
        make_schedule({"lr": 0.1})


def test_unknown_key_lists_valid_keys() -> None:
    with pytest.raises(
        ValueError, match=r"unknown key\(s\) 'gama'.*did you mean 'gamma'\? valid: name, lr, gamma, total"
    ):
        make_schedule({"name": "exponential", "gama": 0.9})
    with pytest.raises(ValueError, match=r"unknown key\(s\) 'T'.*valid: name, lr, steps, start_factor, then"):
        make_schedule({"name": "warmup", "T": 10})


def test_bad_specs_and_compositions() -> None:
    with pytest.raises(ValueError, match=r"invalid schedule spec \[0\.1\].*valid: a Schedule, a number"):
        make_schedule([0.1])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"milestones=\[5, 5\].*strictly increasing"):
        Sequential([Constant(0.1), Constant(0.1), Constant(0.1)], [5, 5])
    with pytest.raises(ValueError, match=r"milestones=\[5\].*2 strictly increasing"):
        Sequential([Constant(0.1), Constant(0.1), Constant(0.1)], [5])
    with pytest.raises(ValueError, match=r"base rates \[0\.1, 0\.2\] differ"):
        Sequential([Constant(0.1), Constant(0.2)], [5])
    with pytest.raises(ValueError, match=r"then=.*same lr=0\.1"):
        Warmup(0.1, then=Cosine(0.2))
    with pytest.raises(ValueError, match=r"parts=None.*non-empty list"):
        make_schedule("sequence")
    with pytest.raises(ValueError, match=r"total_timesteps=0"):
        sb3_schedule(0.1, 0)
