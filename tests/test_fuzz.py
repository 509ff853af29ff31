"""Property-based fuzzing (hypothesis): env kwargs and action sequences never produce a stray exception.

Every constructor call either builds a working env or raises ValueError; every in-range action steps
(a finite reward, a finite observation inside the observation space, the same info keys), and every
out-of-range action raises ValueError and leaves the env usable.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archgym.envs.core import ArchSearchEnv
from archgym.envs.encoding import INFO_KEYS

BASE = {"initial_steps": 2, "finetune_steps": 1, "scratch_steps": 2, "train_subset": 120, "device": "cpu"}

ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.text(max_size=6),
    st.lists(st.one_of(st.integers(-2, 70), st.sampled_from(["c4k3", "c0", "x", "16"])), max_size=3),
    st.dictionaries(
        st.sampled_from(["min_depth", "max_depth", "dense", "conv", "bogus"]), st.integers(-1, 5), max_size=2
    ),
)
# plausible values per argument, so that fuzzing also reaches working envs with unusual settings
PLAUSIBLE = {
    "dataset": st.sampled_from(["digits", "synthetic", "digit", ""]),
    "input": st.sampled_from(["flat", "image", "img"]),
    "initial": st.sampled_from([[8], [24, 8], ["c4k3", 8], [], [0], [1000]]),
    "reference": st.sampled_from([None, [64], [8, 8], ["c4"]]),
    "search_space": st.sampled_from([None, {"max_depth": 2}, {"min_depth": 3}, {"dense": {"min": 8, "max": 9}}]),
    "cost_metric": st.sampled_from(["params", "flops", "nonzero_params", "latency_ms", "param"]),
    "cost_weight": st.floats(-1, 2),
    "reward_mode": st.sampled_from(["delta", "absolute", "abs"]),
    "eval_mode": st.sampled_from(["inherit", "scratch", "both"]),
    "initial_steps": st.integers(-1, 6),
    "finetune_steps": st.integers(-1, 4),
    "scratch_steps": st.integers(-1, 4),
    "schedule": st.sampled_from([1e-3, 100.0, 0.0, -1.0, "cosine", {"name": "step", "lr": 0.01, "step_size": 2}]),
    "batch_size": st.integers(-1, 300),
    "optimizer": st.sampled_from(["adam", "adamw", "sgd", "rmsprop"]),
    "weight_decay": st.floats(-1, 1),
    "widen_noise": st.floats(-0.5, 1.5),
    "widen_init": st.sampled_from(["zero", "net2net", "copy"]),
    "narrow_criterion": st.sampled_from(["l1", "l2", "taylor", "random", "l3"]),
    "sparsity_actions": st.booleans(),
    "prune_step": st.floats(-0.5, 1.5),
    "max_sparsity": st.floats(-0.5, 1.5),
    "regrow_method": st.sampled_from(["gradient", "random", "magic"]),
    "regrow_fraction": st.floats(-0.5, 1.5),
    "invalid_penalty": st.floats(-1, 1),
    "diverged_score": st.floats(-2, 2),
    "horizon": st.integers(-1, 12),
    "data_seed": st.integers(-2, 3),
    "scratch_seed": st.integers(-2, 3),
    "train_subset": st.sampled_from([None, 0, 1, 50, -5]),
    "device": st.sampled_from(["cpu", "auto", "gpu", "cuda:99" if not torch.cuda.is_available() else "cpu"]),
    "render_mode": st.sampled_from([None, "ansi", "human"]),
}


@st.composite
def env_kwargs(draw: st.DrawFn) -> dict:
    keys = draw(st.lists(st.sampled_from(sorted(PLAUSIBLE)), max_size=4, unique=True))
    out = dict(BASE)
    for k in keys:
        out[k] = draw(st.one_of(PLAUSIBLE[k], ANY) if draw(st.booleans()) else PLAUSIBLE[k])
    return out


def _check_step(env: ArchSearchEnv, obs: np.ndarray, reward: float, info: dict) -> None:
    assert obs.dtype == np.float32 and np.isfinite(obs).all()
    assert env.observation_space.contains(obs), obs
    assert math.isfinite(reward)
    assert tuple(info) == INFO_KEYS


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kwargs=env_kwargs(), actions=st.lists(st.integers(-2, 20), max_size=4))
def test_env_kwargs_give_a_working_env_or_value_error(kwargs: dict, actions: list[int]) -> None:
    try:
        env = ArchSearchEnv(**kwargs)
    except ValueError as e:
        assert str(e)  # a message, never an empty error
        return
    obs, info = env.reset(seed=0)
    _check_step(env, obs, 0.0, info)
    n = env.action_space.n
    for a in actions:
        if 0 <= a < n:
            obs, reward, terminated, truncated, info = env.step(a)
            _check_step(env, obs, reward, info)
            if terminated:
                obs, info = env.reset()
        else:
            with pytest.raises(ValueError, match=rf"valid ids are 0\.\.{n - 1}"):
                env.step(a)


@pytest.fixture(scope="module")
def shared_env() -> ArchSearchEnv:
    return ArchSearchEnv(**BASE, sparsity_actions=True, search_space={"max_depth": 3})


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.one_of(st.integers(-3, 18), st.floats(-1, 20), st.text(max_size=2)), max_size=12))
def test_action_sequences_never_crash(shared_env: ArchSearchEnv, actions: list) -> None:
    env = shared_env
    obs, info = env.reset(seed=1)
    n = env.action_space.n
    for a in actions:
        if isinstance(a, int) and not isinstance(a, bool) and 0 <= a < n:
            valid = bool(env.action_masks()[a])
            obs, reward, terminated, _, info = env.step(a)
            _check_step(env, obs, reward, info)
            assert info["action_valid"] == valid  # an invalid in-range action is a penalised no-op
            if terminated:
                env.reset()
        else:
            with pytest.raises(ValueError, match="is not in Discrete"):
                env.step(a)
