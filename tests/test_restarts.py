"""RestartFromIncumbent: episodes that start from the best architecture seen so far (restart_prob)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import archgym  # noqa: F401 (registers the env ids)
from archgym.agents.restarts import RestartFromIncumbent, restart_options_of, restart_prob_of
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
    assert all(i["arch"] == "1x40-[c12k5,16]-10" for i in _random_episodes(never, 5, seed=1))
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

    # restart_rank_by must reach the wrapper: make_agent refuses a wrapper that does not match the preset
    hp = {"restart_prob": 0.7, "restart_rank_by": "mean", "learning_starts": 8, "exploration_steps": 20}
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


class _ScriptedEnv(gym.Env):
    """Scores chosen by the test: ``step((arch, score))`` reports that pair; a reset reports the start (the
    ``options["initial"]`` asked for, else ``"start"``) with the next score queued for it (default 0)."""

    observation_space = gym.spaces.Discrete(1)
    action_space = gym.spaces.Discrete(1)

    def __init__(self, reset_scores: dict[str, list[float]] | None = None) -> None:
        self.reset_scores = reset_scores or {}
        self.starts: list[str] = []

    def reset(self, *, seed=None, options=None):  # type: ignore[no-untyped-def]
        super().reset(seed=seed)
        arch = (options or {}).get("initial") or "start"
        self.starts.append(arch)
        queue = self.reset_scores.get(arch, [])
        return 0, {"arch": arch, "score": queue.pop(0) if queue else 0.0}

    def step(self, action):  # type: ignore[no-untyped-def]
        arch, score = action
        return 0, 0.0, False, True, {"arch": arch, "score": score}


def _see_all(env: RestartFromIncumbent, pairs: list[tuple[str, float]]) -> None:
    for pair in pairs:
        env.step(pair)


def test_rank_by_mean_restarts_from_the_best_mean_not_the_luckiest_draw() -> None:
    """A noise-lucky single draw (A: 0.9 once, 0.5 on the re-visit) wins by max; by mean B (0.8, 0.8) does."""
    draws = [("A", 0.9), ("B", 0.8), ("A", 0.5), ("B", 0.8)]
    by_max, by_mean = (
        RestartFromIncumbent(_ScriptedEnv({"A": [0.5]}), 1.0),
        RestartFromIncumbent(_ScriptedEnv({"B": [0.8]}), 1.0, rank_by="mean"),
    )
    for env in (by_max, by_mean):
        env.reset(seed=0)
        _see_all(env, draws)
        env.reset()
    assert by_max.env.starts[-1] == "A" and by_max.candidates() == ["A"]
    assert by_mean.env.starts[-1] == "B" and by_mean.candidates() == ["B"]
    assert by_mean.best_arch == "A" and by_mean.best_score == 0.9  # the reported best stays the highest draw
    # the restart's own lookup counts too: B's re-visit at 0.1 drops its mean (0.567) below C's 0.75
    env = RestartFromIncumbent(_ScriptedEnv({"B": [0.1]}), 1.0, rank_by="mean")
    env.reset(seed=0)
    _see_all(env, [*draws, ("C", 0.75)])
    env.reset()
    assert env.env.starts[-1] == "B" and env.candidates() == ["C"]


def test_top_k_restarts_from_one_of_the_k_best_uniformly() -> None:
    scores = {"A": 0.9, "B": 0.8, "C": 0.7, "D": 0.6, "E": 0.85}
    env = RestartFromIncumbent(_ScriptedEnv(), 1.0, top_k=3)
    env.reset(seed=0)
    assert env.candidates() == ["start"]  # fewer seen than k: all of them
    _see_all(env, list(scores.items()))
    assert env.candidates() == ["A", "E", "B"]
    for _ in range(300):
        env.reset()
    starts = env.env.starts[1:]
    assert set(starts) == {"A", "E", "B"} and all(60 < starts.count(a) < 140 for a in "AEB")
    # ties keep the first-seen order; max ranks by the highest draw of each
    tie = RestartFromIncumbent(_ScriptedEnv(), 1.0, top_k=2)
    tie.reset(seed=0)
    _see_all(tie, [("X", 0.5), ("Y", 0.7), ("X", 0.7), ("Z", 0.7)])
    assert tie.candidates() == ["X", "Y"]


def test_defaults_are_the_old_behaviour_draw_for_draw() -> None:
    """rank_by='max', top_k=1 is the wrapper as it was: same restarts, same coin, same trajectories."""
    plain, explicit = (
        RestartFromIncumbent(_table_env(), 0.5),
        RestartFromIncumbent(_table_env(), 0.5, rank_by="max", top_k=1),
    )
    a, b = (_random_episodes(e, 40, seed=5) for e in (plain, explicit))
    assert a == b and plain.best_arch == explicit.best_arch and plain.candidates() == [plain.best_arch]
    assert plain._rng.random() == explicit._rng.random()
    # top_k=1 by max is the first architecture to reach the highest draw, even when another one seen earlier
    # reaches it later (a ranking by each architecture's max would tie them and take the earlier one)
    env = RestartFromIncumbent(_ScriptedEnv(), 1.0)
    env.reset(seed=0)
    _see_all(env, [("A", 0.5), ("B", 0.9), ("A", 0.9)])
    assert env.candidates() == ["B"]


def test_rank_and_top_k_state_round_trip_resumes_the_same_restarts() -> None:
    draws = [("A", 0.9), ("B", 0.8), ("A", 0.5), ("C", 0.7), ("D", 0.75), ("B", 0.8)]
    a = RestartFromIncumbent(_ScriptedEnv(), 0.7, rank_by="mean", top_k=2)
    a.reset(seed=7)
    _see_all(a, draws)
    for _ in range(5):
        a.reset()
    state = a.state_dict()
    b = RestartFromIncumbent(_ScriptedEnv(), 0.7, rank_by="mean", top_k=2)
    b.load_state_dict(state)
    assert b.candidates() == a.candidates() and len(a.candidates()) == 2 and b._stats == a._stats
    for env in (a, b):
        env.env.starts.clear()
        for _ in range(30):
            env.reset()
    assert a.env.starts == b.env.starts and a.restarts == b.restarts and a._stats == b._stats
    old = {k: v for k, v in state.items() if k != "stats"}  # a checkpoint from before the statistics
    c = RestartFromIncumbent(_ScriptedEnv(), 0.7)
    c.load_state_dict(old)
    assert c.best_arch == "A" and c._stats == {}


@pytest.mark.parametrize("bad", ["median", "MEAN", None, 1])
def test_restart_rank_by_errors(bad: object) -> None:
    with pytest.raises(ValueError, match=r"restart_rank_by must be one of max, mean"):
        RestartFromIncumbent(_ScriptedEnv(), 0.5, rank_by=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"restart_rank_by must be one of max, mean"):
        wrap_agent_env(_ScriptedEnv(), {"restart_prob": 0.5, "restart_rank_by": bad})


@pytest.mark.parametrize("bad", [0, -1, 1.5, "x", True, None])
def test_restart_top_k_errors(bad: object) -> None:
    with pytest.raises(ValueError, match=r"restart_top_k must be an integer >= 1"):
        RestartFromIncumbent(_ScriptedEnv(), 0.5, top_k=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"restart_top_k must be an integer >= 1"):
        restart_options_of({"restart_top_k": bad})


def test_wrap_agent_env_passes_rank_and_top_k_and_make_agent_checks_them() -> None:
    from stable_baselines3.common.vec_env import DummyVecEnv

    assert restart_options_of({}) == {"rank_by": "max", "top_k": 1}
    assert restart_options_of({"restart_rank_by": "mean", "restart_top_k": "3"}) == {"rank_by": "mean", "top_k": 3}
    hp = {"restart_prob": 0.5, "restart_rank_by": "mean", "restart_top_k": 3, "learning_starts": 8}
    wrapped = wrap_agent_env(_table_env(), hp)
    assert isinstance(wrapped, RestartFromIncumbent) and wrapped.restart_options == ("mean", 3)
    model = make_agent("dqn", wrapped, hp, 40, seed=0, device="cpu")  # both keys are preset keys, not DQN's
    model.learn(40)
    assert wrapped.episodes >= 2 and len(wrapped.candidates()) == 3
    # a wrapper without the keys (archgym train's single envs take only restart_prob) is refused, not ignored
    with pytest.raises(ValueError, match=r"restart_rank_by=mean restart_top_k=3 but the env's .* rank_by=max top_k=1"):
        make_agent("dqn", RestartFromIncumbent(_table_env(), 0.5), hp, 40, seed=0, device="cpu")
    with pytest.raises(ValueError, match=r"restart_top_k=3 but"):
        make_agent("dqn", DummyVecEnv([lambda: RestartFromIncumbent(_table_env(), 0.5)]), hp, 40, seed=0, device="cpu")
    venv = DummyVecEnv([lambda: RestartFromIncumbent(_table_env(), 0.5, rank_by="mean", top_k=3)])
    make_agent("dqn", venv, hp, 40, seed=0, device="cpu")  # wrapped alike: fine
