from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3.common.vec_env import DummyVecEnv

import archgym  # noqa: F401  (registers the env ids)
from archgym.agents.records import SearchLog, read_records
from archgym.agents.strategies import (
    STRATEGIES,
    GreedyHillClimbing,
    QLearning,
    RandomSearch,
    RuleConfig,
    RuleController,
    dead_unit_fractions,
    fork_env,
    load_rule_config,
    make_strategy,
)
from tests.conftest import FAST_ENV_KWARGS

ENV_ID = "archgym/DigitsMLP-v0"


def make_env(**kwargs) -> gym.Env:
    return gym.make(ENV_ID, **{**FAST_ENV_KWARGS, **kwargs})


class StepRecorder(gym.Wrapper):
    """Remembers every action and its info."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.steps: list[tuple[int, bool, bool]] = []

    def step(self, action):
        valid = bool(self.env.unwrapped.action_masks()[int(action)])
        out = super().step(action)
        self.steps.append((int(action), valid, out[4]["action_valid"]))
        return out


def run_search(strategy, env, budget, path):
    with SearchLog(path) as log:
        strategy.search(env, budget, log)
    return read_records(path)


@pytest.mark.parametrize("eval_mode", ["inherit", "scratch"])
@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_search_writes_exactly_budget_records(name, eval_mode, tmp_path):
    env = make_env(eval_mode=eval_mode)
    strategy = make_strategy(name, env, seed=0)
    recs = run_search(strategy, env, 17, tmp_path / "search.jsonl")
    assert len(recs) == 17
    assert [r["evaluation"] for r in recs] == list(range(1, 18))
    assert all(r["action_valid"] for r in recs)
    episodes = [r["episode"] for r in recs]
    assert episodes == sorted(episodes) and episodes[0] == 0
    steps = [r["step"] for r in recs]
    assert steps == sorted(steps)
    assert recs[0]["arch"] == env.unwrapped.initial_arch.key()  # the first record is the first reset
    assert strategy.evaluations == 17


def test_every_strategy_counts_the_env_evaluations(tmp_path):
    """The budget equals the evaluations the env itself counted (resets and valid edits)."""
    for name in ("random", "rule", "qlearning"):
        env = make_env()
        run_search(make_strategy(name, env, seed=1), env, 12, tmp_path / f"{name}.jsonl")
        assert env.unwrapped.total_evaluations == 12, name


def test_random_takes_only_valid_actions_and_stops_sometimes(tmp_path):
    env = StepRecorder(make_env())
    strategy = RandomSearch(env, seed=3, stop_prob=0.3)
    run_search(strategy, env, 40, tmp_path / "s.jsonl")
    stop = env.unwrapped.action_meanings().index("stop")
    assert env.steps and all(valid and info_valid for _, valid, info_valid in env.steps)
    assert any(a == stop for a, _, _ in env.steps)
    assert len({a for a, _, _ in env.steps}) > 2


def test_random_search_is_reproducible(tmp_path):
    recs = []
    for i in range(2):
        env = make_env()
        recs.append(run_search(RandomSearch(env, seed=5), env, 15, tmp_path / f"{i}.jsonl"))
    assert [(r["arch"], r["score"]) for r in recs[0]] == [(r["arch"], r["score"]) for r in recs[1]]


def test_fork_env_steps_exactly_like_the_original():
    env = make_env()
    env.reset(seed=0)
    env.step(0)
    fork = fork_env(env)
    assert fork.unwrapped.data is env.unwrapped.data
    a, b = fork.step(2), env.step(2)
    assert a[4] == b[4]
    np.testing.assert_array_equal(a[0], b[0])
    # the fork moved on independently
    fork.step(0)
    assert fork.unwrapped.architecture != env.unwrapped.architecture


def test_greedy_improves_over_the_initial_architecture(tmp_path):
    """Scratch mode is stationary (each architecture has one score): the climb must end above its start."""
    env = make_env(eval_mode="scratch", scratch_steps=30)
    greedy = GreedyHillClimbing(env, seed=0, perturb_steps=0)
    recs = run_search(greedy, env, 20, tmp_path / "s.jsonl")
    initial = recs[0]
    assert initial["arch"] == "64-[8]-10"
    assert max(r["score"] for r in recs) > initial["score"] + 0.01
    # the first sweep tries every valid edit of the initial state (widen 0, insert after 0)
    first_sweep = {r["arch"] for r in recs[1:3]}
    assert first_sweep == {"64-[24]-10", "64-[8,8]-10"}
    # predict follows the best evaluated neighbour of the initial architecture
    obs, _ = env.reset()
    action, _ = greedy.predict(obs)
    best_neighbour = max(recs[1:3], key=lambda r: r["score"])["arch"]
    expected = 0 if best_neighbour == "64-[24]-10" else 2
    assert int(action) == expected


def test_rule_grows_an_underfitting_net(tmp_path):
    env = make_env()  # 5 training steps: train accuracy far below the threshold
    rule = RuleController(env, seed=0, patience=5)
    recs = run_search(rule, env, 6, tmp_path / "s.jsonl")
    widths = [sum(int(w) for w in r["arch"].split("[")[1].split("]")[0].split(",")) for r in recs]
    assert widths[1] > widths[0] and widths[2] > widths[1]
    assert max(widths) >= 64


def test_rule_initial_width_rule_and_preset(tmp_path):
    env = make_env()
    rule = RuleController(env, width_per_input=0.75)
    assert rule.config.underfit_train_accuracy == load_rule_config(ENV_ID).underfit_train_accuracy
    assert rule.initial_width(env.unwrapped, "dense") == 48  # 0.75 x 64 features
    assert RuleController(env, width_per_input=10).initial_width(env.unwrapped, "dense") == 128  # clipped
    obs, _ = env.reset(seed=0)
    assert rule.predict(obs, episode_start=np.array([True]))[0] == 0  # widen layer 0 toward 48
    assert rule.last_reason == "initial width"


def test_rule_preset_overrides_and_errors(tmp_path):
    preset = tmp_path / "rule.yaml"
    preset.write_text("default: {patience: 3, overfit_gap: 0.1}\narchgym/X-v0: {patience: 7}\n")
    assert load_rule_config("archgym/X-v0", path=preset) == RuleConfig(patience=7, overfit_gap=0.1)
    assert load_rule_config(None, path=preset).patience == 3
    assert load_rule_config("archgym/X-v0", path=preset, patience=1).patience == 1
    preset.write_text("default: {patiense: 3}\n")
    with pytest.raises(ValueError, match=r"patiense.*valid: underfit_train_accuracy"):
        load_rule_config(None, path=preset)
    with pytest.raises(ValueError, match="overfit_gap must be a number in"):
        RuleConfig(overfit_gap=2.0)


def test_rule_prunes_dead_units():
    env = make_env(initial=[48])
    obs, _ = env.reset(seed=0)
    u = env.unwrapped
    with torch.no_grad():
        u.child.layers[0].weight[:24] = 0.0
        u.child.layers[0].bias[:24] = -1.0
    assert dead_unit_fractions(u.child, u.data.x_train) == [0.5]
    rule = RuleController(env)
    action, _ = rule.predict(obs, episode_start=np.array([True]))
    assert u.action_meanings()[int(action)] == "narrow layer 0"
    assert rule.last_reason == "dead units"


def test_qlearning_updates_its_table(tmp_path):
    env = make_env()
    q = QLearning(env, seed=0, exploration_fraction=0.5)
    q._progress = 0.0
    assert q.epsilon == 1.0
    q._progress = 0.25  # half of the decay
    assert q.epsilon == pytest.approx(0.55)
    recs = run_search(q, env, 40, tmp_path / "s.jsonl")
    assert len(recs) == 40
    assert q.updates > len(q.replay)  # online updates plus replays
    assert q.q and any(np.any(row != 0.0) for row in q.q.values())
    assert q.epsilon == pytest.approx(q.eps_end)
    start = env.unwrapped.initial_arch.key()
    assert (start, 0) in q.q


def test_qlearning_update_rule():
    env = make_env()
    q = QLearning(env, lr=0.5, gamma=0.9)
    q.q[("b", 0)] = np.array([1.0] + [0.0] * 12)
    from archgym.agents.strategies.qlearning import _Transition

    q._update(_Transition(("a", 0), 3, 0.2, ("b", 0), False, (0, 12)))
    assert q.q[("a", 0)][3] == pytest.approx(0.5 * (0.2 + 0.9 * 1.0))
    q._update(_Transition(("a", 0), 12, 0.2, ("b", 0), True, (0, 12)))  # terminal: no bootstrap
    assert q.q[("a", 0)][12] == pytest.approx(0.1)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_predict_shapes_single_and_batched(name):
    env = make_env()
    strategy = make_strategy(name, env, seed=0)
    obs, _ = env.reset(seed=0)
    action, state = strategy.predict(obs)
    assert isinstance(action, np.ndarray) and action.shape == () and state is None
    assert env.unwrapped.action_masks()[int(action)]

    venv = DummyVecEnv([lambda: make_env(), lambda: make_env(initial=[32, 32])])
    strategy = make_strategy(name, venv, seed=0)
    obs = venv.reset()
    actions, _ = strategy.predict(obs, episode_start=np.ones(2, bool), deterministic=False)
    assert actions.shape == (2,) and actions.dtype == np.int64
    masks = venv.env_method("action_masks")
    assert all(m[a] for m, a in zip(masks, actions, strict=True))
    with pytest.raises(ValueError, match="3 observation"):
        strategy.predict(np.zeros((3, obs.shape[1]), np.float32))


def test_bad_input():
    env = make_env()
    with pytest.raises(ValueError, match="unknown strategy 'grid'; valid: random, greedy, rule, qlearning"):
        make_strategy("grid", env)
    with pytest.raises(ValueError, match="budget must be an int >= 1, got 0"):
        RandomSearch(env).search(env, 0, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="stop_prob"):
        RandomSearch(env, stop_prob=1.5)
