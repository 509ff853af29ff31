"""What one worker of a table build runs: a task (a stack of dense children, or one conv child) trained with
the env's scratch recipe and measured; and how a build is cut into tasks (:func:`plan_tasks`)."""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from archgym.tables.store import Result

__all__ = ["BuildSpec", "Job", "plan_tasks", "run_task"]

#: one child of a build: (architecture key, seed)
Job = tuple[str, int]
#: how latency is measured (archgym.latency.measure_latency; batch as the ``latency`` cost metric's)
LATENCY = {"batch_size": 256, "warmup": 2, "repeats": 5, "inner": 2, "unit": "us", "statistic": "median"}


@dataclass(frozen=True)
class BuildSpec:
    """What a worker needs to train a task (picklable: it travels to processes and Ray workers).

    :param entry_point: the env class, ``module:Class``
    :param env_kwargs: the env's full keyword arguments (preset and overrides; ``eval_mode="scratch"``)
    :param steps: optimizer steps per child
    :param latency: measure each child's latency
    :param threads: torch threads in a worker process (None: leave as is)
    """

    entry_point: str
    env_kwargs: Mapping[str, Any]
    steps: int
    latency: bool = True
    threads: int | None = None


@dataclass
class _Context:
    """A worker's data and recipe, built once per process."""

    env: Any
    data: Any
    flat: Any
    recipe: Any
    device: Any

    def trainer(self, data: Any, seed: int) -> Any:
        from archgym.training import Trainer

        return Trainer(data, seed=seed, **self.recipe.trainer_kwargs())


_CONTEXTS: dict[str, _Context] = {}


def _make_env(entry_point: str, kwargs: Mapping[str, Any]) -> Any:
    module, _, name = entry_point.partition(":")
    cls = getattr(importlib.import_module(module), name)
    return cls(**kwargs)


def worker_context(spec: BuildSpec) -> _Context:
    """The process's context for ``spec`` (the env and its dataset are built on first use)."""
    key = f"{spec.entry_point}|{json.dumps(dict(spec.env_kwargs), sort_keys=True, default=repr)}"
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        if spec.threads is not None:
            import torch

            torch.set_num_threads(spec.threads)
        env = _make_env(spec.entry_point, spec.env_kwargs)
        data = env.data
        if data is None:
            raise ValueError(f"env {spec.entry_point} has no fixed dataset to build a table on (a stream?)")
        flat = None
        if data.x_train.ndim > 2 and not data.needs_normalize:
            views = {f: getattr(data, f).flatten(1) for f in ("x_train", "x_val", "x_test")}
            flat = replace(data, **views)
        ctx = _CONTEXTS[key] = _Context(env, data, flat, env.recipe, env.device)
    return ctx


def stackable_key(key: str) -> bool:
    """Dense-only architectures can share a stacked fit."""
    from archgym.arch import Architecture

    return Architecture.from_key(key).num_conv == 0


def never_stackable(key: str) -> bool:
    return False


def run_task(spec: BuildSpec, jobs: Sequence[Job]) -> list[Result]:
    """Train and measure the children of one task (runs in any process: the driver, a pool worker, a Ray task).

    :param spec: the build
    :param jobs: ``(architecture key, table seed)`` pairs; several only when all of them can stack
    :return: one result per job, in order
    """
    from time import perf_counter

    from archgym.arch import Architecture
    from archgym.child import ChildNet
    from archgym.engine import FitRequest, evaluate_many, fit_many
    from archgym.latency import measure_latency

    ctx = worker_context(spec)
    reqs, archs = [], []
    for key, seed in jobs:
        arch = Architecture.from_key(key)
        if arch.input_shape != ctx.data.input_shape or arch.num_classes != ctx.data.num_classes:
            raise ValueError(f"architecture {key} does not fit the env's data {ctx.data.input_shape}")
        data = ctx.flat if (ctx.flat is not None and arch.num_conv == 0) else ctx.data
        trained = arch if data is ctx.data else Architecture(data.input_shape, arch.layers, arch.num_classes)
        s = int(ctx.recipe.scratch_seed) + int(seed)
        reqs.append(FitRequest(ChildNet(trained, seed=s, device=ctx.device), ctx.trainer(data, s), spec.steps))
        archs.append(arch)
    t0 = perf_counter()
    fits = fit_many(reqs)
    vals = evaluate_many(reqs, "val", observe=False)
    tests = evaluate_many(reqs, "test", observe=False)
    seconds = (perf_counter() - t0) / len(reqs)
    out = []
    for (key, seed), arch, req, fit, val, test in zip(jobs, archs, reqs, fits, vals, tests, strict=True):
        lat = math.nan
        if spec.latency:
            shape = req.model.arch.input_shape
            kw = {k: LATENCY[k] for k in ("batch_size", "warmup", "repeats", "inner")}
            lat = measure_latency(req.model, shape, **kw).median_us  # type: ignore[arg-type]
        loss = val.loss if math.isfinite(val.loss) else math.nan
        out.append(
            Result(
                key,
                int(seed),
                float(val.accuracy),
                float(test.accuracy),
                float(loss),
                float(fit.train_accuracy),
                arch.params(),
                arch.flops(),
                float(lat),
                float(seconds),
            )
        )
    return out


def plan_tasks(
    keys: Sequence[str], seeds: Sequence[int], stack: int, stackable: Callable[[str], bool]
) -> list[list[Job]]:
    """Cut the build into tasks, in a fixed order (architectures in space order, seeds inside).

    Dense-only children go into stacks of up to ``stack`` in the order they come; each conv child is a task
    of its own. The cut depends only on the arguments, never on what is already built.

    >>> plan_tasks(["a", "b", "c"], [0, 1], 3, lambda k: k != "b")
    [[('a', 0), ('a', 1), ('c', 0)], [('b', 0)], [('b', 1)], [('c', 1)]]
    """
    if isinstance(stack, bool) or not isinstance(stack, int) or stack < 1:
        raise ValueError(f"stack must be an int >= 1, got {stack!r}")
    tasks: list[list[Job]] = []
    open_stack: list[Job] | None = None
    for key in keys:
        for seed in seeds:
            if stackable(key):
                if open_stack is None or len(open_stack) == stack:
                    open_stack = []
                    tasks.append(open_stack)
                open_stack.append((key, int(seed)))
            else:
                tasks.append([(key, int(seed))])
    return tasks
