from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3.common.vec_env import VecEnv

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import load_dataset
from archgym.envs.encoding import INFO_KEYS
from archgym.envs.vector import BatchedArchSearchVecEnv
from archgym.integrations.sb3_vec import make_sb3_batched_vec_env
from archgym.training import StackedMLP, Trainer, evaluate_stacked, fit_stacked, stackable
from tests.conftest import FAST_ENV_KWARGS

ENV_ID = "archgym/DigitsMLP-v0"
KW = {**FAST_ENV_KWARGS, "finetune_steps": 4}
ARCHS = [Architecture.mlp(64, [48, 32], 10), Architecture.mlp(64, [16], 10), Architecture.mlp(64, [128, 16, 64], 10)]


@pytest.fixture(scope="module")
def data():
    return load_dataset("digits", train_subset=300)


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_fast_path_matches_autograd(data, optimizer):
    fast, slow = ChildNet(ARCHS[0], seed=0), ChildNet(ARCHS[0], seed=0)
    tf = Trainer(data, optimizer=optimizer, weight_decay=1e-3, seed=1)
    ts = Trainer(data, optimizer=optimizer, weight_decay=1e-3, seed=1, fast=False)
    assert stackable(fast, data)
    for steps in (30, 20):  # the optimizer state carries over between fits of an unmorphed child
        rf, rs = tf.fit(fast, steps=steps), ts.fit(slow, steps=steps)
        assert rf.train_loss == pytest.approx(rs.train_loss, rel=1e-5)
        assert rf.train_accuracy == pytest.approx(rs.train_accuracy, abs=1e-6)
    for p, q in zip(fast.parameters(), slow.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    assert tf.t == ts.t == 50
    assert tf.evaluate(fast).accuracy == pytest.approx(ts.evaluate(slow).accuracy, abs=1e-6)


def test_stacked_children_train_like_lone_children(data):
    """Padded children of different depths and widths follow the same mathematics as alone."""
    stacked = [ChildNet(a, seed=i) for i, a in enumerate(ARCHS)]
    alone = [ChildNet(a, seed=i) for i, a in enumerate(ARCHS)]
    jobs = [(Trainer(data, seed=i), c) for i, c in enumerate(stacked)]
    res = fit_stacked(jobs, 25)
    for i, c in enumerate(alone):
        r = Trainer(data, seed=i).fit(c, steps=25)
        assert res[i].train_loss == pytest.approx(r.train_loss, rel=1e-5)
        for p, q in zip(stacked[i].parameters(), c.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    evs = evaluate_stacked(jobs, "val", observe=False)
    for (tr, c), ev in zip(jobs, evs, strict=True):
        assert ev.accuracy == pytest.approx(tr.evaluate(c, "val", observe=False).accuracy, abs=1e-6)


def test_stacking_pads_with_exact_zeros_and_round_trips(data):
    children = [ChildNet(a, seed=i) for i, a in enumerate(ARCHS)]
    stack = StackedMLP(children)
    assert stack.dims == [64, 128, 32, 64, 10]
    # child 1 (64-[16]-10) has zeros beyond its 16 units and in its missing layers
    assert stack.w[0][1, :, 16:].abs().sum() == 0 and stack.w[1][1].abs().sum() == 0
    copies = [ChildNet(a, seed=9) for a in ARCHS]
    stack.unpack(copies)
    for a, b in zip(children, copies, strict=True):
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            assert torch.equal(p, q)


def test_not_stackable_models_fall_back(data):
    cnn = ChildNet(Architecture.cnn((1, 8, 8), [4], [8], 10), seed=0)
    assert not stackable(cnn)
    hooked = ChildNet(ARCHS[1], seed=0)
    hooked.layers[0].register_forward_hook(lambda *a: None)
    assert not stackable(hooked)
    with pytest.raises(ValueError, match="cannot be stacked"):
        fit_stacked([(Trainer(data), hooked)], 3)
    assert Trainer(data).fit(hooked, steps=3).steps == 3


def _rollout(venv, actions: np.ndarray) -> list:
    out = []
    obs, info = venv.reset(seed=5)
    out.append((obs, None, list(info["arch"])))
    for a in actions:
        obs, rew, term, trunc, info = venv.step(a)
        out.append((obs, rew, list(info["arch"]), term.copy(), trunc.copy(), info["val_accuracy"].copy()))
    return out


def test_make_vec_batched_matches_separate_envs():
    k = 3
    batched = gym.make_vec(ENV_ID, num_envs=k, vectorization_mode="vector_entry_point", max_episode_steps=4, **KW)
    sync = gym.make_vec(ENV_ID, num_envs=k, vectorization_mode="sync", max_episode_steps=4, **KW)
    assert isinstance(batched.unwrapped, BatchedArchSearchVecEnv)
    assert batched.single_observation_space == sync.single_observation_space
    rng = np.random.default_rng(0)
    actions = rng.integers(0, 13, size=(11, k))
    a, b = _rollout(batched, actions), _rollout(sync, actions)
    saw_autoreset = False
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x[0], y[0], atol=1e-5)
        assert x[2] == y[2]
        if x[1] is not None:
            np.testing.assert_allclose(x[1], y[1], atol=1e-5)
            assert (x[3] == y[3]).all() and (x[4] == y[4]).all()
            np.testing.assert_allclose(x[5], y[5], atol=1e-5)
            saw_autoreset |= bool(x[4].any())
    assert saw_autoreset  # truncation at 4 steps, then NEXT_STEP autoreset, happened and matched
    batched.close()
    sync.close()


def test_val_accuracy_distribution_matches_separate_envs():
    """Same architectures, different seeds: batched and separate envs give the same accuracy distribution."""
    k, actions = 6, np.array([[0] * 6, [2] * 6])
    batched = gym.make_vec(ENV_ID, num_envs=k, vectorization_mode="vector_entry_point", **KW)
    accs_b, accs_s = [], []
    for seed in (0, 100):
        batched.reset(seed=seed)
        for a in actions:
            *_, info = batched.step(a)
        accs_b += list(info["val_accuracy"])
        for j in range(k):
            env = gym.make(ENV_ID, **KW)
            env.reset(seed=seed + 1000 + j)
            for a in actions[:, j]:
                *_, info_s = env.step(int(a))
            accs_s.append(info_s["val_accuracy"])
    expected = env.unwrapped.initial_arch.widen(0, 16).insert(0).key()
    assert set(info["arch"]) == {info_s["arch"]} == {expected}
    mb, ms = np.mean(accs_b), np.mean(accs_s)
    spread = np.std(accs_b + accs_s) / np.sqrt(len(accs_b)) + 1e-3
    assert abs(mb - ms) < 4 * spread
    batched.close()


def test_vector_info_keys_and_invalid_inputs():
    venv = BatchedArchSearchVecEnv(num_envs=2, **KW)
    obs, info = venv.reset(seed=0)
    assert obs.shape == (2, *venv.single_observation_space.shape) and obs.dtype == np.float32
    assert set(INFO_KEYS) <= set(info)
    assert venv.action_masks().shape == (2, venv.single_action_space.n)
    with pytest.raises(ValueError, match="got 3 actions for 2 envs"):
        venv.step(np.array([0, 0, 0]))
    venv.close()
    with pytest.raises(ValueError, match="valid: next_step, same_step"):
        BatchedArchSearchVecEnv(num_envs=2, autoreset_mode="later", **KW)
    with pytest.raises(ValueError, match="num_envs"):
        BatchedArchSearchVecEnv(num_envs=0, **KW)


def test_sb3_adapter_same_step_reset():
    venv = make_sb3_batched_vec_env(ENV_ID, 2, seed=0, env_kwargs=KW)
    assert isinstance(venv, VecEnv)
    obs = venv.reset()
    assert obs.shape == (2, *venv.observation_space.shape)
    stop = venv.action_space.n - 1
    obs, rew, done, infos = venv.step(np.array([0, stop]))
    assert done.tolist() == [False, True]
    assert infos[1]["TimeLimit.truncated"] is False and "terminal_observation" in infos[1]
    initial = venv.get_attr("initial_arch")[1]
    assert infos[1]["arch"] == initial.key() and obs[1][-2] == 0.0  # env 1 was reset in the same step
    assert infos[0]["arch"] == initial.widen(0, 16).key() and rew.dtype == np.float32
    assert len(venv.env_method("action_masks")) == 2
    venv.close()
    with pytest.raises(gym.error.Error):
        make_sb3_batched_vec_env("archgym/NoSuchEnv-v0", 2)


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
def test_cuda_fast_path_matches_autograd_and_stays_on_device():
    data = load_dataset("digits", device="cuda", train_subset=300)
    fast, slow = ChildNet(ARCHS[0], seed=0, device="cuda"), ChildNet(ARCHS[0], seed=0, device="cuda")
    rf = Trainer(data, seed=1).fit(fast, steps=30)
    rs = Trainer(data, seed=1, fast=False).fit(slow, steps=30)
    assert fast.device.type == "cuda"
    assert rf.train_loss == pytest.approx(rs.train_loss, rel=1e-3)
    for p, q in zip(fast.parameters(), slow.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-3, atol=1e-4)


@cuda
def test_cuda_amp_trainer_runs():
    data = load_dataset("digits", device="cuda", train_subset=300)
    child = ChildNet(ARCHS[1], seed=0, device="cuda")
    tr = Trainer(data, amp=True)
    assert tr.amp and tr.fit(child, steps=20).steps == 20
    assert 0.0 <= tr.evaluate(child).accuracy <= 1.0


@cuda
def test_cuda_batched_env_matches_separate_envs():
    kw = {**KW, "device": "cuda"}
    batched = gym.make_vec(ENV_ID, num_envs=3, vectorization_mode="vector_entry_point", **kw)
    sync = gym.make_vec(ENV_ID, num_envs=3, vectorization_mode="sync", **kw)
    actions = np.random.default_rng(1).integers(0, 13, size=(6, 3))
    for x, y in zip(_rollout(batched, actions), _rollout(sync, actions), strict=True):
        np.testing.assert_allclose(x[0], y[0], atol=1e-3)
        assert x[2] == y[2]
    batched.close()
    sync.close()
