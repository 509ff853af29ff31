from __future__ import annotations

import math

import gymnasium as gym
import pytest

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.cost import COST_METRICS, get_cost_metric
from archgym.latency import LatencyCost, latency_cost, measure_latency
from tests.conftest import FAST_ENV_KWARGS

ARCH = Architecture.mlp(64, [32], 10)


def test_measure_latency_reports_median_and_noise():
    stats = measure_latency(ChildNet(ARCH, seed=0), ARCH.input_shape, batch_size=8, warmup=1, repeats=5, inner=2)
    assert stats.median_us > 0 and math.isfinite(stats.cv) and stats.cv >= 0
    assert (stats.repeats, stats.inner, stats.batch_size, stats.device) == (5, 2, 8, "cpu")


def test_latency_is_registered_and_cached_per_architecture():
    assert get_cost_metric("latency") is latency_cost and COST_METRICS["latency"] is latency_cost
    cost = LatencyCost(batch_size=4, warmup=0, repeats=3, inner=1)
    model = ChildNet(ARCH, seed=0)
    first = cost(ARCH, model)
    # another model of the same architecture hits the cache: no new measurement, same value
    assert cost(ARCH, ChildNet(ARCH, seed=1)) == first and cost.measurements == 1
    other = Architecture.mlp(64, [64, 64], 10)
    cost(other, None)  # no model: measured on a CPU build of the architecture
    assert cost.measurements == 2
    assert set(cost.cache) == {(ARCH.key(), "cpu", 4), (other.key(), "cpu", 4)}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"repeats": 1}, "repeats"),
        ({"warmup": -1}, "warmup"),
        ({"inner": 1.5}, "inner"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LatencyCost(**kwargs)


def test_env_uses_latency_cost():
    env = gym.make("archgym/DigitsMLP-v0", cost_metric="latency", **FAST_ENV_KWARGS)
    _, info = env.reset(seed=0)
    assert info["cost"] > 0 and math.isfinite(info["cost"])
    *_, info = env.step(0)
    assert info["cost"] > 0 and env.unwrapped.reward_config.cost_metric == "latency"
