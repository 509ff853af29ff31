from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env as gym_check_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import archgym
from archgym.envs import ENV_PRESETS, ArchSearchEnv
from archgym.envs.encoding import INFO_KEYS
from tests.conftest import FAST_ENV_KWARGS, fast_kwargs_for

ENV_IDS = sorted(ENV_PRESETS)


def test_every_preset_is_registered():
    assert {"archgym/DigitsMLP-v0", "archgym/DigitsCNN-v0"} <= set(ENV_IDS)
    for env_id in ENV_IDS:
        assert env_id in gym.registry


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_gymnasium_env_checker(env_id):
    env = gym.make(env_id, **fast_kwargs_for(env_id))
    gym_check_env(env.unwrapped, skip_render_check=True)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_sb3_env_checker(env_id):
    env = gym.make(env_id, **fast_kwargs_for(env_id))
    sb3_check_env(env, warn=True)


def test_make_with_module_prefix_and_vector_modes():
    env = gym.make("archgym:archgym/DigitsMLP-v0", **FAST_ENV_KWARGS)
    assert isinstance(env.unwrapped, ArchSearchEnv)
    for mode in ("sync", "async"):
        venv = gym.make_vec("archgym/DigitsMLP-v0", num_envs=2, vectorization_mode=mode, **FAST_ENV_KWARGS)
        obs, info = venv.reset(seed=0)
        assert obs.shape == (2, *env.observation_space.shape)
        obs, rew, term, trunc, info = venv.step(np.array([0, 0]))
        assert rew.shape == (2,) and np.isfinite(rew).all()
        venv.close()


def _run(env: gym.Env, actions: list[int], seed: int) -> list[tuple]:
    obs, info = env.reset(seed=seed)
    out = [(obs.tobytes(), info["arch"])]
    for a in actions:
        obs, r, term, trunc, info = env.step(a)
        out.append((obs.tobytes(), r, info["arch"], info["val_accuracy"]))
        if term or trunc:
            obs, info = env.reset()
    return out


@pytest.mark.parametrize("eval_mode", ["inherit", "scratch"])
def test_same_seed_same_trajectory(eval_mode):
    actions = [0, 2, 4, 1, 0, 3, 12, 0, 0, 0, 2, 0]
    a = _run(gym.make("archgym/DigitsMLP-v0", eval_mode=eval_mode, **FAST_ENV_KWARGS), actions, seed=3)
    b = _run(gym.make("archgym/DigitsMLP-v0", eval_mode=eval_mode, **FAST_ENV_KWARGS), actions, seed=3)
    assert a == b
    c = _run(gym.make("archgym/DigitsMLP-v0", eval_mode=eval_mode, **FAST_ENV_KWARGS), actions, seed=4)
    if eval_mode == "inherit":
        assert a != c


def test_info_keys_reward_and_spec_contract():
    env = gym.make("archgym/DigitsMLP-v0", **FAST_ENV_KWARGS)
    u = env.unwrapped
    obs, info = env.reset(seed=0)
    assert tuple(info) == INFO_KEYS
    assert info["arch"] == "64-[8]-10"
    assert len(u.action_meanings()) == u.action_space.n
    assert u.action_meanings()[-1] == "stop"
    start = info["score"]
    total = 0.0
    for a in [0, 0, 2]:
        obs, r, term, trunc, info = env.step(a)
        assert tuple(info) == INFO_KEYS
        assert all(isinstance(info[k], (bool, int, float, str)) for k in INFO_KEYS)
        total += r
        expected = info["val_accuracy"] - u.reward_config.cost_weight * info["params"] / u.reference_cost
        assert math.isclose(info["score"], expected, rel_tol=1e-9)
    # delta rewards telescope to the final score gain
    assert math.isclose(total, info["score"] - start, abs_tol=1e-9)
    assert info["arch"] == "64-[40,40]-10"
    assert u.child.arch == u.architecture
    obs, r, term, trunc, info = env.step(u.action_space.n - 1)
    assert term and r == 0.0


def test_invalid_action_is_a_penalised_noop():
    env = gym.make("archgym/DigitsMLP-v0", invalid_penalty=0.25, **FAST_ENV_KWARGS)
    u = env.unwrapped
    env.reset(seed=0)
    mask = u.action_masks()
    bad = int(np.flatnonzero(~mask)[0])
    before = u.architecture
    obs, r, term, trunc, info = env.step(bad)
    assert info["action_valid"] is False and r == -0.25 and u.architecture == before
    assert obs[-1] == 0.0


@pytest.mark.parametrize("widen_init", ["zero", "net2net"])
def test_widen_keeps_the_function_in_inherit_mode(widen_init):
    """With no fine-tuning, a widen (either init) leaves the validation accuracy and loss unchanged."""
    env = gym.make("archgym/DigitsMLP-v0", widen_init=widen_init, **{**FAST_ENV_KWARGS, "finetune_steps": 0})
    _, info0 = env.reset(seed=0)
    _, _, _, _, info = env.step(env.unwrapped.action_meanings().index("widen layer 0"))
    assert info["action_valid"] and info["params"] > info0["params"]
    assert info["val_accuracy"] == info0["val_accuracy"]
    assert info["val_loss"] == pytest.approx(info0["val_loss"], abs=1e-5)


def test_absolute_reward_mode():
    env = gym.make("archgym/DigitsMLP-v0", reward_mode="absolute", **FAST_ENV_KWARGS)
    env.reset(seed=0)
    obs, r, *_, info = env.step(0)
    assert r == info["score"]


def test_scratch_mode_caches_repeated_architectures():
    env = gym.make("archgym/DigitsMLP-v0", eval_mode="scratch", **FAST_ENV_KWARGS)
    _, info0 = env.reset(seed=0)
    _, _, _, _, info1 = env.step(0)  # widen
    _, _, _, _, info2 = env.step(1)  # narrow back: same architecture as the start
    u = env.unwrapped
    assert u.cache_hits == 1 and u.total_evaluations == 2
    assert info2["evaluations"] == 3
    assert info2["val_accuracy"] == info0["val_accuracy"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dataset": "digit"}, "did you mean 'digits'"),
        ({"initial": [-4]}, "positive int"),
        ({"cost_weight": float("nan")}, "cost_weight"),
        ({"cost_metric": "latencyy"}, "valid: params, flops"),
        ({"reward_mode": "sum"}, "valid: delta, absolute"),
        ({"eval_mode": "fast"}, "valid: inherit, scratch"),
        ({"initial": [512]}, "outside the search space"),
        ({"search_space": {"dense": {"min": 8, "max": 4, "step": 1}}}, "exceeds max"),
        ({"device": "tpu"}, "valid: auto, cpu, cuda"),
        ({"finetune_steps": -1}, "finetune_steps"),
        ({"optimizer": "adagrad"}, "valid: adam, adamw, sgd"),
        ({"widen_init": "copy"}, "valid: net2net, zero"),
        ({"initial": "64"}, "must be a list"),
    ],
)
def test_invalid_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ArchSearchEnv(**{**FAST_ENV_KWARGS, **kwargs})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=15), st.integers(0, 3))
def test_random_action_sequences_keep_invariants(actions, seed):
    env = _PROPERTY_ENV
    obs, _ = env.reset(seed=seed)
    u = env.unwrapped
    for a in actions:
        mask = u.action_masks()
        obs, r, term, trunc, info = env.step(a)
        assert env.observation_space.contains(obs)
        assert info["action_valid"] == bool(mask[a])
        assert u.child.num_params() == u.architecture.params() == info["params"]
        assert math.isfinite(r)
        if term or trunc:
            env.reset()


_PROPERTY_ENV = gym.make("archgym/DigitsMLP-v0", **{**FAST_ENV_KWARGS, "initial_steps": 1, "finetune_steps": 1})


def test_import_registers_without_side_effects():
    assert archgym.__version__
    assert (
        ENV_PRESETS["archgym/DigitsMLP-v0"].kwargs["horizon"] == ENV_PRESETS["archgym/DigitsMLP-v0"].max_episode_steps
    )


def test_scratch_cache_is_bounded_in_bytes():
    from archgym.envs.evaluators.base import Evaluation
    from archgym.envs.evaluators.scratch import ScratchCache

    cache = ScratchCache(max_bytes=3 * 400)
    ev = Evaluation(0.5, 1.0, 0.5)
    for i in range(5):  # each entry holds 100 float32 = 400 bytes
        cache.put((f"a{i}", 0, 1), ev, {"w": torch.full((100,), float(i))})
    assert len(cache) == 3 and cache.nbytes == 1200
    assert cache.get(("a0", 0, 1)) is None and cache.get(("a1", 0, 1)) is None
    assert cache.get(("a2", 0, 1)) is not None  # a2 is now the most recently used
    cache.put(("a5", 0, 1), ev, {"w": torch.zeros(100)})
    assert cache.get(("a3", 0, 1)) is None and cache.get(("a2", 0, 1))[1]["w"][0] == 2.0


# --------------------------------------------------------------------------- reset(options={"initial": ...})
@pytest.mark.parametrize("eval_mode", ["inherit", "scratch"])
def test_reset_options_start_the_episode_from_another_architecture(eval_mode):
    env = gym.make("archgym/DigitsMLP-v0", eval_mode=eval_mode, **FAST_ENV_KWARGS)
    u = env.unwrapped
    _, info = env.reset(seed=0)
    default = info["arch"]
    assert u.episode_initial == u.initial_arch
    key = "64-[48,32]-10"
    for start in (key, [48, 32], archgym.Architecture.from_key(key)):
        _, info = env.reset(seed=1, options={"initial": start})
        assert info["arch"] == key and u.episode_initial.key() == key and u.architecture.key() == key
        assert info["evaluations"] == 1 and u.child is not None and u.child.arch.key() == key
        obs, *_ = env.step(0)  # the episode goes on from there
        assert np.isfinite(obs).all()
    _, info = env.reset(seed=2)  # the next plain reset is the preset's start again
    assert info["arch"] == default and u.episode_initial == u.initial_arch
    _, info = env.reset(seed=2, options={"initial": None})  # None: the preset's start
    assert info["arch"] == default


def test_reset_options_same_seed_same_trajectory_and_state_records_the_start():
    actions = [0, 2, 4, 1]
    kw = dict(eval_mode="inherit", **FAST_ENV_KWARGS)

    def run(env):
        obs, info = env.reset(seed=3, options={"initial": [48, 32]})
        out = [(obs.tobytes(), info["arch"])]
        for a in actions:
            obs, r, *_, info = env.step(a)
            out.append((obs.tobytes(), r, info["arch"]))
        return out

    a, b = gym.make("archgym/DigitsMLP-v0", **kw), gym.make("archgym/DigitsMLP-v0", **kw)
    assert run(a) == run(b)
    state = a.unwrapped.state_dict()
    assert state["initial"] == "64-[48,32]-10"
    c = gym.make("archgym/DigitsMLP-v0", **kw).unwrapped
    c.reset(seed=9)
    c.load_state_dict(state)
    assert c.episode_initial.key() == "64-[48,32]-10"
    for act in (0, 3, 1):
        oa, ra, *_ = a.step(act)
        oc, rc, *_ = c.step(act)
        assert np.array_equal(oa, oc) and ra == rc


def test_replayed_episode_restarts_from_its_recorded_start():
    """A replay_only evaluator (the stream) saves the episode's start with the replay and resets from it."""
    env_id = "archgym/DriftingDigits-v0"
    a = gym.make(env_id, **fast_kwargs_for(env_id)).unwrapped
    b = gym.make(env_id, **fast_kwargs_for(env_id)).unwrapped
    start = a.initial_arch.widen(0, a.space.dense.step)
    a.reset(seed=4, options={"initial": start.key()})
    for act in (0, 2):
        a.step(act)
    state = a.state_dict()
    assert state["replay"]["initial"] == start.key()
    b.reset(seed=99)
    b.load_state_dict(state)
    assert b.episode_initial == start and b.architecture == a.architecture
    for act in (1, 0):
        oa, ra, *_ = a.step(act)
        ob, rb, *_ = b.step(act)
        assert np.array_equal(oa, ob) and ra == rb


@pytest.mark.parametrize(
    "options, match",
    [
        ({"initial": "garbage"}, r"bad reset option initial='garbage'.*architecture key like '64-\[8\]-10'"),
        ({"initial": 5}, r"bad reset option initial=5 \(got int\)"),
        ({"initial": "1x40-[16]-10"}, r"does not fit this env: its networks take input 64, 10 classes"),
        ({"initial": [16] * 9}, r"outside the search space \(depth 9 outside .*valid: depth 1-"),
        ({"initial": [100000]}, r"outside the search space .*width 100000 outside.*dense widths"),
        ({"start": [16]}, r"unknown reset option\(s\) \['start'\]; valid: initial"),
        (["initial"], r"reset options must be a mapping or None, got list"),
    ],
)
def test_reset_options_errors_name_what_is_valid(options, match):
    env = gym.make("archgym/DigitsMLP-v0", **FAST_ENV_KWARGS)
    env.reset(seed=0)
    *_, info = env.step(0)
    rng = env.unwrapped.np_random.bit_generator.state
    with pytest.raises(ValueError, match=match):
        env.reset(seed=1, options=options)
    u = env.unwrapped  # the failed reset changed nothing: same episode, same RNG
    assert u.architecture.key() == info["arch"] and u.episode_initial == u.initial_arch
    assert u.np_random.bit_generator.state == rng
    *_, again = env.step(0)
    assert again["evaluations"] == info["evaluations"] + 1
