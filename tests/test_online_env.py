from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from archgym.envs.core import ArchSearchEnv
from archgym.envs.evaluators.stream import StreamEvaluator
from tests.conftest import fast_kwargs_for

ONLINE_GLOBAL_FEATURES = tuple(StreamEvaluator.features)

ENV_ID = "archgym/DriftingDigits-v0"


def test_registered_and_observation_has_online_features():
    env = gym.make(ENV_ID, **fast_kwargs_for(ENV_ID))
    assert isinstance(env.unwrapped, ArchSearchEnv) and isinstance(env.unwrapped.evaluator, StreamEvaluator)
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    n = len(ONLINE_GLOBAL_FEATURES)
    assert obs[-n] == pytest.approx(env.unwrapped.evaluator.monitor.window_accuracy)
    assert 0.0 <= info["val_accuracy"] <= 1.0


def test_reward_is_prequential_accuracy_minus_cost():
    env = gym.make(ENV_ID, reward_mode="absolute", **fast_kwargs_for(ENV_ID))
    env.reset(seed=1)
    u = env.unwrapped
    seen = u.evaluator.monitor.n_samples
    obs, r, term, trunc, info = env.step(0)
    assert u.evaluator.monitor.n_samples == seen + u.task.chunk_size * u.task.chunks_per_step  # predicted, then learned
    assert r == pytest.approx(info["val_accuracy"] - u.reward_config.cost_weight * info["cost"])


def test_invalid_action_still_consumes_the_stream():
    env = gym.make(ENV_ID, **fast_kwargs_for(ENV_ID))
    env.reset(seed=0)
    u = env.unwrapped
    bad = int(np.flatnonzero(~u.action_masks())[0])
    seen = u.evaluator.monitor.n_samples
    _, _, _, _, info = env.step(bad)
    assert not info["action_valid"] and u.evaluator.monitor.n_samples > seen


def test_drift_is_detected_and_flagged():
    env = gym.make(ENV_ID, stream="digits-abrupt", chunk_size=64, chunks_per_step=8, warmup_chunks=16)
    obs, _ = env.reset(seed=0)
    fired_at = None
    for t in range(12):  # 8 x 64 = 512 samples per step; the labels are permuted at sample 3000
        obs, r, term, trunc, info = env.step(t % 2)  # widen, narrow, widen, ...
        if obs[-2] == 1.0:
            fired_at = env.unwrapped.evaluator.stream.position
            break
    assert fired_at is not None and 3000 <= fired_at <= 3000 + 4 * 512


def test_same_seed_same_trajectory():
    def run(seed: int) -> list:
        env = gym.make(ENV_ID, **fast_kwargs_for(ENV_ID))
        obs, _ = env.reset(seed=seed)
        out = [obs.tobytes()]
        for a in [0, 2, 1, 5, 12]:
            obs, r, *_ = env.step(a)
            out.append((obs.tobytes(), r))
        return out

    assert run(3) == run(3)
    assert run(3) != run(4)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stream": "digitz"}, "did you mean"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"optimizer": "rmsprop"}, "valid: adam, adamw, sgd"),
        ({"detector": "cusum"}, "valid"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ArchSearchEnv(device="cpu", eval_mode="stream", **{"stream": "digits-sequence", **kwargs})
