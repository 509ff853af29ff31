"""RestartFromIncumbent: episodes that start from the best architecture seen so far (restart_prob)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import archgym  # noqa: F401 (registers the env ids)
from archgym.agents.restarts import RestartFromIncumbent, restart_prob_of
from archgym.agents.sb3 import ScaleReward, make_agent, wrap_agent_env

MNIST1D = "archgym/MNIST1D-v0"


def _table_env() -> gym.Env:
    return gym.make(MNIST1D, eval_mode="table")


def _random_episodes(env: gym.Env, episodes: int, seed: int) -> list[dict]:
    """Play random valid actions; return the reset infos."""
    rng = np.random.default_rng(seed)
    resets = []
    _, info = env.reset(seed=seed)
    resets.append(info)
    for _ in range(episodes):
        done = False
        while not done:
            valid = np.flatnonzero(env.unwrapped.action_masks())
            *_, term, trunc, _ = env.step(int(rng.choice(valid)))
            done = term or trunc
        _, info = env.reset()
        resets.append(info)
    return resets


def test_restarts_start_from_the_best_scoring_architecture_seen() -> None:
    env = RestartFromIncumbent(_table_env(), prob=1.0)
    seen: list[tuple[float, str]] = []
    _, info = env.reset(seed=0)
    assert not info["restart"]  # nothing seen yet: the env's own start
    seen.append((info["score"], info["arch"]))
    rng = np.random.default_rng(0)
    for _ in range(40):
        valid = np.flatnonzero(env.unwrapped.action_masks())
        *_, term, trunc, info = env.step(int(rng.choice(valid)))
        seen.append((info["score"], info["arch"]))
        if term or trunc:
            best = max(seen, key=lambda x: x[0])  # max keeps the first of equal scores, as the wrapper does
            _, info = env.reset()
            assert info["restart"] and env.unwrapped.episode_initial.key() == best[1] == env.best_arch
            seen.append((info["score"], info["arch"]))
    assert env.best_score == max(s for s, _ in seen)
    assert env.restarts == env.episodes - 1


def test_restart_probability_and_determinism() -> None:
    never = RestartFromIncumbent(_table_env(), prob=0.0)
    assert not any(i["restart"] for i in _random_episodes(never, 30, seed=1))
    assert all(i["arch"] == "1x40-[c4k5,16]-10" for i in _random_episodes(never, 5, seed=1))
    half = [RestartFromIncumbent(_table_env(), prob=0.5) for _ in range(2)]
    a, b = (_random_episodes(e, 60, seed=2) for e in half)
    assert a == b  # same seed, same restarts and trajectory
    share = sum(i["restart"] for i in a[1:]) / 60
    assert 0.3 < share < 0.7
    explicit = RestartFromIncumbent(_table_env(), prob=1.0)
    _random_episodes(explicit, 2, seed=3)
    _, info = explicit.reset(options={"initial": "1x40-[16]-10"})  # an explicit start wins
    assert info["arch"] == "1x40-[16]-10" and not info["restart"]


def test_restart_state_dict_round_trip() -> None:
    a = RestartFromIncumbent(_table_env(), prob=0.5)
    _random_episodes(a, 5, seed=4)
    b = RestartFromIncumbent(_table_env(), prob=0.5)
    b.load_state_dict(a.state_dict())
    assert (b.best_arch, b.best_score, b.restarts) == (a.best_arch, a.best_score, a.restarts)
    assert [a._rng.random() for _ in range(5)] == [b._rng.random() for _ in range(5)]


@pytest.mark.parametrize("bad", [-0.1, 1.5, "x", True, float("nan"), None])
def test_restart_prob_errors(bad: object) -> None:
    with pytest.raises(ValueError, match=r"restart_prob must be a number in \[0, 1\]"):
        RestartFromIncumbent(_table_env(), prob=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"restart_prob must be a number in \[0, 1\]"):
        restart_prob_of({"restart_prob": bad})


def test_wrap_agent_env_applies_each_key_only_when_set() -> None:
    env = _table_env()
    assert wrap_agent_env(env, {}) is env
    assert restart_prob_of({}) == 0.0 and restart_prob_of({"restart_prob": "0.25"}) == 0.25
    wrapped = wrap_agent_env(env, {"restart_prob": 0.5, "reward_scale": 5})
    assert isinstance(wrapped, ScaleReward) and isinstance(wrapped.env, RestartFromIncumbent)
    assert wrapped.env.prob == 0.5
    model = make_agent("dqn", wrapped, {"restart_prob": 0.5, "learning_starts": 8}, 40, seed=0, device="cpu")
    model.learn(40)  # restart_prob is a preset key, not a DQN argument; SB3's auto-resets go through the wrapper
    assert wrapped.env.episodes >= 2


def test_make_agent_refuses_restart_prob_on_an_unwrapped_env() -> None:
    """restart_prob acts through the wrapper: an env without it is an error, not a silent no-op."""
    from stable_baselines3.common.vec_env import DummyVecEnv

    with pytest.raises(ValueError, match=r"restart_prob=0.5 needs the env wrapped in .*RestartFromIncumbent"):
        make_agent("dqn", _table_env(), {"restart_prob": 0.5}, 40, seed=0, device="cpu")
    with pytest.raises(ValueError, match="needs the env wrapped"):
        make_agent("dqn", DummyVecEnv([_table_env]), {"restart_prob": 0.5}, 40, seed=0, device="cpu")
    venv = DummyVecEnv([lambda: RestartFromIncumbent(_table_env(), 0.5)])
    make_agent("dqn", venv, {"restart_prob": 0.5}, 40, seed=0, device="cpu")  # wrapped: fine
    make_agent("dqn", _table_env(), {"restart_prob": 0}, 40, seed=0, device="cpu")  # off: nothing to check


def test_train_applies_restart_prob_and_checkpoints_the_incumbent(tmp_path) -> None:
    """`archgym train --hyperparams restart_prob=...` wraps every single env and its resume checkpoint holds
    the wrapper's incumbent and coin (tests/test_resume_kill.py checks that a resumed run then writes the same
    records); the batched vec env refuses the key before a run dir is written."""
    import torch
    import yaml

    from archgym.agents.checkpoint import latest_resume_checkpoint
    from archgym.agents.train import resume, train

    hp = {"restart_prob": 0.7, "learning_starts": 8, "exploration_steps": 20}
    common = {
        "env_kwargs": {"eval_mode": "table"},
        "hyperparams": hp,
        "eval_episodes": 0,
        "progress_bar": False,
        "device": "cpu",
    }
    run = train(MNIST1D, timesteps=50, logdir=tmp_path / "run", **common)
    cfg = yaml.safe_load((run.run_dir / "config.yaml").read_text())
    assert cfg["hyperparams"]["restart_prob"] == 0.7 and "exploration_fraction" not in cfg["hyperparams"]
    ckpt = latest_resume_checkpoint(run.run_dir)
    assert ckpt is not None
    env_state = torch.load(ckpt / "state.pt", weights_only=True)["envs"][0]
    ours = [w for w in env_state["wrappers"] if isinstance(w, dict) and "best_arch" in w]
    assert len(ours) == 1 and ours[0]["episodes"] >= 2 and ours[0]["restarts"] >= 1
    resume(run.run_dir, timesteps=20, progress_bar=False)
    with pytest.raises(ValueError, match=r"restart_prob=0.7 needs single envs"):
        train(MNIST1D, timesteps=20, logdir=tmp_path / "b", vec="batched", n_envs=2, **common)
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
