"""Agent presets, SB3 agent construction, save/load, run-dir helpers and exported children."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3 import DQN

import archgym  # noqa: F401 (registers the env ids)
from archgym.agents.evaluate import run_episodes
from archgym.agents.run import (
    architecture_from_key,
    check_env_kwargs,
    load_child,
    parse_kv,
    run_name,
    sanitize_env_id,
    save_child,
)
from archgym.agents.sb3 import ALGOS, algo_kwargs, list_agent_presets, load_agent_preset, make_agent
from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.schedules import SB3Schedule

ENV_ID = "archgym/DigitsMLP-v0"


@pytest.fixture
def env(fast_kwargs: dict) -> gym.Env:
    e = gym.make(ENV_ID, **fast_kwargs)
    yield e
    e.close()


# --------------------------------------------------------------------------- presets
def test_agent_presets_listed_and_rule_excluded() -> None:
    names = list_agent_presets()
    assert {"dqn", "qrdqn", "maskable_ppo"} <= set(names)
    assert "rule" not in names
    with pytest.raises(ValueError, match="not an SB3 agent preset"):
        load_agent_preset("rule")
    with pytest.raises(ValueError, match="did you mean 'qrdqn'"):
        load_agent_preset("qrdq")


def test_env_entry_overrides_default_and_merges_policy_kwargs() -> None:
    preset = load_agent_preset("dqn")
    default, cnn = preset.hyperparams("archgym/Unknown-v0"), preset.hyperparams("archgym/DigitsCNN-v0")
    assert default == preset.default and default is not preset.default
    assert cnn["n_timesteps"] < default["n_timesteps"]
    assert cnn["policy_kwargs"]["net_arch"] == default["policy_kwargs"]["net_arch"]


@pytest.mark.parametrize("name", ["dqn", "qrdqn"])
def test_dqn_presets_suit_an_expensive_env(name: str) -> None:
    """Not Atari defaults: a few thousand steps, learning early, frequent target updates."""
    preset = load_agent_preset(name)
    for env_id in (ENV_ID, "archgym/DigitsCNN-v0"):
        hp = preset.hyperparams(env_id)
        n = hp["n_timesteps"]
        assert 500 <= n <= 20_000
        assert hp["learning_starts"] <= 0.1 * n
        assert 100 <= hp["target_update_interval"] <= 1000
        assert 0.1 <= hp["exploration_fraction"] <= 0.6
        assert hp["buffer_size"] >= n  # no expensive transition is ever dropped
        assert hp["train_freq"] == 1 and hp["gradient_steps"] >= 1
        assert "net_arch" in hp["policy_kwargs"]


def test_algo_kwargs_resolves_schedules_numbers_and_activations() -> None:
    hp = {
        "n_timesteps": 1000,
        "policy": "MlpPolicy",
        "reward_scale": 10,
        "learning_rate": {"name": "cosine", "lr": 1.0e-3, "min_lr": 1.0e-4},
        "gamma": "0.9",
        "train_freq": [4, "step"],
        "policy_kwargs": {"net_arch": [32], "activation_fn": "tanh"},
    }
    kw = algo_kwargs("dqn", hp, total_timesteps=1000)
    assert set(kw) == {"learning_rate", "gamma", "train_freq", "policy_kwargs"}
    lr = kw["learning_rate"]
    assert isinstance(lr, SB3Schedule)
    assert lr(1.0) == pytest.approx(1e-3) and lr(0.0) == pytest.approx(1e-4)  # `total` spans the run
    assert lr(0.5) == pytest.approx(1e-4 + 0.9e-3 / 2)
    assert kw["gamma"] == 0.9 and kw["train_freq"] == (4, "step")
    assert kw["policy_kwargs"]["activation_fn"] is torch.nn.Tanh
    assert algo_kwargs("dqn", {"learning_rate": "1e-3"}, 10)["learning_rate"] == 1e-3


@pytest.mark.parametrize(
    ("hp", "match"),
    [
        ({"learning_rat": 1e-3}, "did you mean 'learning_rate'"),
        ({"learning_rate": {"name": "cosin"}}, "did you mean 'cosine'"),
        ({"learning_rate": {"name": "cosine", "lr": -1}}, "bad learning_rate schedule"),
        ({"policy_kwargs": {"activation_fn": "relu6"}}, "unknown activation_fn 'relu6'"),
        ({"n_epochs": 8}, "unknown hyperparameter of DQN 'n_epochs'"),  # a PPO-only key
    ],
)
def test_algo_kwargs_rejects_bad_hyperparameters(hp: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        algo_kwargs("dqn", hp, 100)


# --------------------------------------------------------------------------- agents
@pytest.mark.parametrize("name", ["dqn", "qrdqn", "maskable_ppo"])
def test_every_preset_learns_and_predicts(name: str, env: gym.Env) -> None:
    preset = load_agent_preset(name)
    hp = preset.hyperparams(ENV_ID)
    hp.update({"learning_starts": 8, "batch_size": 8} if preset.algo != "maskable_ppo" else {"n_steps": 16})
    model = make_agent(preset.algo, env, hp, total_timesteps=32, seed=0, device="cpu")
    model.learn(32)
    assert model.num_timesteps == 32
    results = run_episodes(model, env, 1, seed=1, masked=ALGOS[preset.algo].masked)
    assert 1 <= results[0].steps <= 10
    if ALGOS[preset.algo].masked:  # masked agents never waste a step on an invalid action
        assert not any(a.endswith("(invalid)") for a in results[0].actions)


@pytest.mark.parametrize("verbose", [0, 1])
def test_make_agent_learns_without_leaving_folders_in_the_temp_dir(
    verbose: int, env: gym.Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where SB3's default logger makes SB3-<time> folders
    monkeypatch.delenv("SB3_LOGDIR", raising=False)
    hp = load_agent_preset("dqn").hyperparams(ENV_ID) | {"learning_starts": 8, "batch_size": 8}
    model = make_agent("dqn", env, hp, total_timesteps=40, seed=0, device="cpu", verbose=verbose)
    model.learn(20, log_interval=1)
    model.learn(20, reset_num_timesteps=False, log_interval=1)  # SB3 sets up a logger at every learn() call
    assert model.num_timesteps == 40
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("SB3-")] == []
    printed = capsys.readouterr().out
    assert ("| time/" in printed) == (verbose >= 1), printed  # verbose still prints SB3's table to stdout


def test_dqn_save_load_round_trip(env: gym.Env, tmp_path: Path) -> None:
    hp = load_agent_preset("dqn").hyperparams(ENV_ID) | {"learning_starts": 8, "batch_size": 8}
    model = make_agent("dqn", env, hp, total_timesteps=40, seed=0, device="cpu")
    model.learn(40)
    model.save(tmp_path / "model.zip")
    loaded = DQN.load(tmp_path / "model.zip", device="cpu")
    obs = np.stack([env.observation_space.sample() for _ in range(16)])
    with torch.no_grad():
        q1 = model.q_net(torch.as_tensor(obs))
        q2 = loaded.q_net(torch.as_tensor(obs))
    assert torch.equal(q1, q2)
    assert np.array_equal(model.predict(obs, deterministic=True)[0], loaded.predict(obs, deterministic=True)[0])
    assert loaded.num_timesteps == 40
    assert loaded.learning_rate(1.0) == pytest.approx(hp["learning_rate"]["lr"])  # the schedule survives pickling


def test_run_episodes_accepts_a_baseline_strategy(env: gym.Env) -> None:
    from archgym.agents.baselines import STRATEGIES

    random = STRATEGIES["random"](env, seed=0)
    (res,) = run_episodes(random, env, 1, seed=0)
    assert res.arch.startswith("64-[") and res.steps >= 1


# --------------------------------------------------------------------------- run-dir helpers
def test_run_names() -> None:
    assert sanitize_env_id("archgym/DigitsMLP-v0") == "archgym_DigitsMLP-v0"
    assert sanitize_env_id("a b/c:d") == "a_b_c_d"
    assert run_name("archgym/DigitsMLP-v0", "dqn", 7).startswith("archgym_DigitsMLP-v0__dqn__7__")


def test_parse_kv_reads_yaml_values() -> None:
    assert parse_kv(["a=1", "b=0.5", "c=[1, 2]", "d=scratch", "e=", "f=a=b"]) == {
        "a": 1,
        "b": 0.5,
        "c": [1, 2],
        "d": "scratch",
        "e": None,
        "f": "a=b",
    }
    for bad in (["novalue"], ["=3"], ["x=[1, 2"]):
        with pytest.raises(ValueError, match=r"bad (value in )?--env-kwargs item"):
            parse_kv(bad)


def test_check_env_kwargs_uses_the_env_signature() -> None:
    check_env_kwargs(ENV_ID, {"cost_weight": 0.1, "device": "cpu"})
    with pytest.raises(ValueError, match="env kwargs of archgym/DigitsMLP-v0: unknown key 'cost_wieght'; did you mean"):
        check_env_kwargs(ENV_ID, {"cost_wieght": 0.1})
    with pytest.raises(ValueError, match="unknown env id 'archgym/DigitsMPL-v0'; did you mean"):
        check_env_kwargs("archgym/DigitsMPL-v0", {})


@pytest.mark.parametrize(
    "key", ["64-[16]-10", "64-[48,16,8]-10", "64-[]-10", "1x8x8-[c8k3,c4k5,32]-10", "1x40-[c4k5,16]-10"]
)
def test_architecture_from_key_round_trip(key: str) -> None:
    assert architecture_from_key(key).key() == key


@pytest.mark.parametrize("key", ["64-16-10", "64-[x]-10", "abc", "64-[q8]-10"])
def test_architecture_from_key_rejects_bad_keys(key: str) -> None:
    with pytest.raises(ValueError, match=r"architecture key|bad layer"):
        architecture_from_key(key)


def test_save_and_load_child(tmp_path: Path) -> None:
    child = ChildNet(Architecture.mlp(64, [24, 8], 10), seed=3)
    pt, js = save_child(child, tmp_path / "sub" / "best_child", {"metrics": {"val_accuracy": 0.5}})
    x = torch.randn(5, 64)
    for path in (pt, js, tmp_path / "sub"):
        loaded = load_child(path)
        assert loaded.arch == child.arch and not loaded.training
        assert torch.equal(loaded(x), child.eval()(x))
    with pytest.raises(ValueError, match="does not exist"):
        load_child(tmp_path / "missing.pt")


def test_reward_scale_wraps_only_when_set(fast_kwargs: dict) -> None:
    from archgym.agents.sb3 import ScaleReward, scale_reward

    plain, scaled = gym.make(ENV_ID, **fast_kwargs), gym.make(ENV_ID, **fast_kwargs)
    assert scale_reward(plain, {}) is plain
    wrapped = scale_reward(scaled, {"reward_scale": "20"})
    assert isinstance(wrapped, ScaleReward) and wrapped.scale == 20.0
    plain.reset(seed=0)
    wrapped.reset(seed=0)
    r1, r2 = plain.step(0)[1], wrapped.step(0)[1]
    assert r2 == pytest.approx(20 * r1) and r1 != 0
    for bad in (0, -1, "x", True):
        with pytest.raises(ValueError, match="reward_scale must be a number > 0"):
            scale_reward(plain, {"reward_scale": bad})


# --------------------------------------------------------------------------- exploration_steps
def test_exploration_steps_is_env_steps_whatever_the_run_length() -> None:
    from archgym.agents.sb3 import exploration_fraction_of

    for total in (300, 1000, 4000):
        kw = algo_kwargs("dqn", {"exploration_steps": 150}, total_timesteps=total)
        assert kw["exploration_fraction"] == pytest.approx(150 / total)
        assert "exploration_steps" not in kw
    assert algo_kwargs("dqn", {"exploration_steps": 2000}, 1000)["exploration_fraction"] == 2.0  # not clipped
    assert algo_kwargs("qrdqn", {"exploration_steps": "150"}, 300)["exploration_fraction"] == pytest.approx(0.5)
    assert exploration_fraction_of({"exploration_fraction": 0.3}, 100) is None
    assert algo_kwargs("dqn", {"exploration_fraction": None}, 100) == {}  # null: SB3's default


def test_exploration_steps_sets_the_agents_epsilon(env: gym.Env) -> None:
    """The model's epsilon reaches its final value after exploration_steps env steps, for any run length."""
    hp = {"exploration_steps": 40, "exploration_initial_eps": 1.0, "exploration_final_eps": 0.1, "learning_starts": 8}
    from stable_baselines3.common.callbacks import BaseCallback

    class StopAt(BaseCallback):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        def _on_step(self) -> bool:
            return self.num_timesteps < self.n

    for total in (60, 200):
        for stop, eps in ((20, 0.55), (40, 0.1)):  # halfway down after 20 of the 40 steps; final after 40
            model = make_agent("dqn", env, hp, total_timesteps=total, seed=0, device="cpu")
            model.learn(total, callback=StopAt(stop))
            assert model.num_timesteps == stop
            model._update_current_progress_remaining(model.num_timesteps, total)
            model._on_step()  # SB3 updates epsilon here, once per step
            assert model.exploration_rate == pytest.approx(eps)


@pytest.mark.parametrize(
    ("hp", "match"),
    [
        ({"exploration_steps": 0}, r"exploration_steps must be an int >= 1 \(env steps over which epsilon decays\)"),
        ({"exploration_steps": 1.5}, "exploration_steps must be an int >= 1"),
        ({"exploration_steps": True}, "exploration_steps must be an int >= 1"),
        ({"exploration_steps": "x"}, "exploration_steps must be an int >= 1"),
        ({"exploration_steps": 100, "exploration_fraction": 0.3}, "give exploration_steps .* or exploration_fraction"),
    ],
)
def test_exploration_steps_rejects_bad_values(hp: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        algo_kwargs("dqn", hp, 100)


def test_exploration_steps_needs_an_epsilon_greedy_algorithm() -> None:
    with pytest.raises(ValueError, match=r"exploration_steps is for algorithms with epsilon-greedy .*PPO has no"):
        algo_kwargs("ppo", {"exploration_steps": 100}, 100)


def test_merge_hyperparams_more_specific_entry_chooses_the_exploration_key() -> None:
    from archgym.agents.sb3 import merge_hyperparams

    base = {"exploration_fraction": 0.5, "gamma": 0.9, "policy_kwargs": {"net_arch": [64, 64], "n_quantiles": 5}}
    out = merge_hyperparams(base, {"exploration_steps": 150, "policy_kwargs": {"net_arch": [32]}})
    assert out == {"exploration_steps": 150, "gamma": 0.9, "policy_kwargs": {"net_arch": [32], "n_quantiles": 5}}
    back = merge_hyperparams(out, {"exploration_fraction": 0.2})  # e.g. an --hp override: it wins
    assert "exploration_steps" not in back and back["exploration_fraction"] == 0.2
    assert base["exploration_fraction"] == 0.5 and base["policy_kwargs"]["net_arch"] == [64, 64]  # inputs kept
    both = merge_hyperparams(base, {"exploration_steps": 10, "exploration_fraction": 0.1})
    with pytest.raises(ValueError, match="not both"):  # one entry that sets both is an error, not a guess
        algo_kwargs("dqn", {k: v for k, v in both.items() if k != "policy_kwargs"}, 100)
