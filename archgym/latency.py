"""Measured inference latency of a child network on its own device.

:func:`measure_latency` times the forward pass of a batch of zeros: ``warmup`` untimed calls, then
``repeats`` timed rounds of ``inner`` calls each (CUDA is synchronised around every round), and
reports the median time per call together with the coefficient of variation (CV = standard
deviation / mean) across rounds, the noise figure documented in docs/benchmarks.md.

:class:`LatencyCost` is the ``latency`` cost metric of :mod:`archgym.cost`: it measures once per
``(architecture key, device, batch size)`` and caches the median (dense layers cost the same
whatever their weights, so the architecture key is the right cache key). It returns
microseconds; the env divides by the reference network's latency, so the unit cancels.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

import torch
from torch import nn

from archgym.arch import Architecture

__all__ = ["LatencyCost", "LatencyStats", "latency_cost", "measure_latency"]


@dataclass(frozen=True)
class LatencyStats:
    """One latency measurement: median and spread of the per-call time over the timed rounds.

    :param median_us: median time of one forward call, microseconds
    :param cv: coefficient of variation of the per-round times (std / mean)
    :param repeats: number of timed rounds
    :param inner: forward calls per round
    :param batch_size: samples per forward call
    :param device: device the model ran on
    """

    median_us: float
    cv: float
    repeats: int
    inner: int
    batch_size: int
    device: str


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return value


def _device_of(model: nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


@torch.no_grad()
def measure_latency(
    model: nn.Module,
    input_shape: tuple[int, ...],
    batch_size: int = 256,
    warmup: int = 10,
    repeats: int = 30,
    inner: int = 5,
) -> LatencyStats:
    """Median forward time of ``model`` on a ``(batch_size, *input_shape)`` batch, on the model's device.

    :param model: the network to time (switched to eval mode for the measurement, then restored)
    :param input_shape: shape of one sample
    :param batch_size: samples per forward call (>= 1)
    :param warmup: untimed calls first (>= 0)
    :param repeats: timed rounds (>= 2, the CV needs two)
    :param inner: forward calls per timed round (>= 1)
    """
    _check_int("batch_size", batch_size, 1)
    _check_int("warmup", warmup, 0)
    _check_int("repeats", repeats, 2)
    _check_int("inner", inner, 1)
    dev = _device_of(model)
    x = torch.zeros(batch_size, *input_shape, device=dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    was_training = model.training
    model.eval()
    for _ in range(warmup):
        model(x)
    sync()
    rounds = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            model(x)
        sync()
        rounds.append((time.perf_counter() - t0) / inner * 1e6)
    model.train(was_training)
    mean = statistics.fmean(rounds)
    cv = statistics.stdev(rounds) / mean if mean > 0 else math.nan
    return LatencyStats(statistics.median(rounds), cv, repeats, inner, batch_size, str(dev))


class LatencyCost:
    """The ``latency`` cost metric: measured median forward time (µs), cached per architecture.

    :param batch_size: samples per timed forward call
    :param warmup: untimed calls before measuring
    :param repeats: timed rounds (the median is taken over them)
    :param inner: forward calls per round
    """

    def __init__(self, batch_size: int = 256, warmup: int = 10, repeats: int = 30, inner: int = 5) -> None:
        self.batch_size = _check_int("batch_size", batch_size, 1)
        self.warmup = _check_int("warmup", warmup, 0)
        self.repeats = _check_int("repeats", repeats, 2)
        self.inner = _check_int("inner", inner, 1)
        self.cache: dict[tuple[str, str, int], LatencyStats] = {}
        self.measurements = 0

    def stats(self, arch: Architecture, model: nn.Module | None = None) -> LatencyStats:
        """The (cached) measurement of ``arch``; ``model`` picks the device (default: a CPU build of ``arch``).

        :param arch: the architecture, whose key is the cache key
        :param model: a module implementing ``arch`` on the device to measure
        """
        if model is None:
            from archgym.child import ChildNet

            model = ChildNet(arch, seed=0)
        key = (arch.key(), str(_device_of(model)), self.batch_size)
        hit = self.cache.get(key)
        if hit is None:
            hit = measure_latency(model, arch.input_shape, self.batch_size, self.warmup, self.repeats, self.inner)
            self.cache[key] = hit
            self.measurements += 1
        return hit

    def __call__(self, arch: Architecture, model: nn.Module | None) -> float:
        """Median latency in microseconds (a cost function of :data:`archgym.cost.COST_METRICS`)."""
        return self.stats(arch, model).median_us

    def __repr__(self) -> str:
        return (
            f"LatencyCost(batch_size={self.batch_size}, warmup={self.warmup}, "
            f"repeats={self.repeats}, inner={self.inner})"
        )


#: the shared instance registered as ``latency`` in :data:`archgym.cost.COST_METRICS`
latency_cost = LatencyCost()
