"""``finetune_schedule``: inherit mode's per-fine-tune learning-rate schedule (warm restarts at every edit)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from archgym.envs.config import RecipeConfig
from archgym.schedules import Constant, Cosine, Warmup
from tests.conftest import FAST_ENV_KWARGS

ENV_ID = "archgym/DigitsMLP-v0"
KW = {**FAST_ENV_KWARGS, "initial_steps": 6, "finetune_steps": 4, "schedule": 0.01, "morph_warmup": 0}


def _widen(env: gym.Env) -> int:
    return env.unwrapped.action_meanings().index("widen layer 0")


def test_fine_tunes_restart_the_segment_at_every_edit_and_reset_uses_the_recipe() -> None:
    env = gym.make(ENV_ID, finetune_schedule="cosine", **KW)
    tr = env.unwrapped.evaluator.trainer
    seen: list[tuple[int, float]] = []
    fit = tr.fit

    def spy(model, steps=None, epochs=None, on_step=None):  # the autograd path, so every step's rate is seen
        return fit(model, steps, epochs, on_step=lambda t, lr, loss: seen.append((t, lr)))

    tr.fit = spy
    env.reset(seed=0)
    assert [lr for _, lr in seen] == pytest.approx([0.01] * 6)  # initial training: the recipe's schedule
    for _ in range(2):
        _, _, _, _, info = env.step(_widen(env))
        assert info["action_valid"]
    cos = Cosine(lr=0.01, total=4)  # lr: the recipe's rate; total: finetune_steps
    assert [t for t, _ in seen] == list(range(14))
    assert [lr for _, lr in seen[6:]] == pytest.approx([cos(s) for s in range(4)] * 2)
    env.reset(seed=1)  # a new episode: the recipe's schedule again
    assert [lr for _, lr in seen[14:]] == pytest.approx([0.01] * 6)
    env.close()


def test_default_keeps_fine_tunes_on_the_recipe_schedule_bit_for_bit() -> None:
    def run(**extra: object) -> list[float]:
        env = gym.make(ENV_ID, **KW, **extra)
        env.reset(seed=0)
        accs = [env.step(_widen(env))[4]["val_accuracy"] for _ in range(3)]
        env.close()
        return accs

    assert run() == run(finetune_schedule=None)
    assert run() != run(finetune_schedule="cosine")
    # a constant segment at the recipe's rate is the recipe itself: the same trajectory
    assert run() == run(finetune_schedule={"name": "constant"})


def test_scratch_mode_ignores_it() -> None:
    def acc(**extra: object) -> float:
        env = gym.make(ENV_ID, **{**KW, "eval_mode": "scratch"}, **extra)
        env.reset(seed=0)
        out = env.step(_widen(env))[4]["val_accuracy"]
        env.close()
        return out

    assert acc() == acc(finetune_schedule="cosine")


def test_specs_get_the_recipe_rate_and_the_fine_tune_length() -> None:
    r = RecipeConfig(schedule=0.004, finetune_steps=50, finetune_schedule="cosine")
    assert r.finetune_segment() == Cosine(lr=0.004, total=50)
    r = RecipeConfig(schedule={"name": "cosine", "lr": 0.02, "total": 900}, finetune_steps=50,
                     finetune_schedule={"name": "cosine", "total": 20, "min_lr": 0.001})  # fmt: skip
    assert r.finetune_segment() == Cosine(lr=0.02, total=20, min_lr=0.001)
    assert RecipeConfig(finetune_schedule=0.001).finetune_segment() == Constant(lr=0.001)
    w = {"name": "warmup", "steps": 5, "then": {"name": "cosine", "total": 40}}
    seg = RecipeConfig(schedule=0.003, finetune_schedule=w).finetune_segment()
    assert isinstance(seg, Warmup) and seg(45) == pytest.approx(0.0)
    given = Cosine(lr=0.1, total=3)
    copy = RecipeConfig(finetune_schedule=given).finetune_segment()
    assert copy == given and copy is not given
    assert RecipeConfig().finetune_segment() is None


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("cosin", r"finetune_schedule: unknown schedule 'cosin'; did you mean 'cosine'\? valid: constant"),
        ({"name": "cosine", "total": 0}, r"finetune_schedule: .*total"),
        ({"total": 10}, r"finetune_schedule: schedule spec .* has no 'name'; valid names: constant"),
        ([1, 2], r"finetune_schedule: invalid schedule spec \[1, 2\] \(list\)"),
    ],
)
def test_bad_specs_are_one_clear_error(spec: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        gym.make(ENV_ID, finetune_schedule=spec, **KW)


def test_resume_inside_a_fine_tune_segment_continues_exactly() -> None:
    a = gym.make(ENV_ID, finetune_schedule="cosine", **KW).unwrapped
    a.reset(seed=0)
    a.step(_widen(a))
    state = a.state_dict()
    b = gym.make(ENV_ID, finetune_schedule="cosine", **KW).unwrapped
    b.reset(seed=5)
    b.load_state_dict(state)
    assert b.evaluator.trainer.state_dict()["segment_from"] == 6
    ra, rb = a.step(_widen(a)), b.step(_widen(b))
    assert ra[1] == rb[1] and ra[4]["val_accuracy"] == rb[4]["val_accuracy"]
    assert np.array_equal(ra[0], rb[0])
