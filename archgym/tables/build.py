"""Build a ground-truth table: train every architecture of a table space on every seed, resumably.

Each child is trained exactly as ``eval_mode="scratch"`` trains it (the env's :class:`RecipeConfig
<archgym.envs.config.RecipeConfig>`: schedule, optimizer, batch size, ``morph_warmup``; ``scratch_steps``
steps unless ``steps`` is given; child and batch order seeded with ``scratch_seed + seed``), then measured
on the validation and the test split. Where the engine can stack children (plain dense ones, on a float
dataset: :func:`archgym.engine.fit_many`) up to ``stack`` of them are trained together in one stacked call
(dense children of a sequence or image task are trained on the flattened samples, which is the same
network: a dense child flattens its input first); conv children are trained one by one.

Resumable: the work is cut into *tasks* (a stack of dense children, or one conv child) in a fixed order
that depends only on the space, the seeds and ``stack``; each finished task is committed to the SQLite file
in one transaction (:class:`~archgym.tables.store.TableStore`), so killing the build, even with SIGKILL,
loses only the children in flight, and running the same command again trains only what is missing
(the same tasks, so the same stacks: a resumed table equals an uninterrupted one).

Backends: ``local`` (in this process, or ``workers`` processes) and ``ray`` (Ray tasks with retries, on a
local instance or an existing cluster given by ``address``; ``ray`` is an optional extra, imported only
here). In every backend only the driver writes the file.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archgym.tables.backends import BACKENDS, RUNNERS
from archgym.tables.space import TableSpace
from archgym.tables.store import FORMAT, SCHEMA_VERSION, Result, TableStore
from archgym.tables.tasks import (
    LATENCY,
    BuildSpec,
    never_stackable,
    plan_tasks,
    run_task,
    stackable_key,
    worker_context,
)

__all__ = ["BACKENDS", "BuildReport", "BuildSpec", "build_table", "plan_tasks", "run_task"]

#: meta keys that must be equal for a build to resume (or extend) an existing file
IDENTITY_KEYS = ("env_id", "space", "task", "recipe", "steps")
#: progress callback: (rows done, rows expected, seconds)
Progress = Callable[[int, int, float], None]


@dataclass
class BuildReport:
    """What a build did.

    :param path: the table file
    :param trained: children trained by this run
    :param rows: rows in the file now
    :param expected: rows of the complete table
    :param seconds: wall time of this run
    :param build_seconds: wall time summed over every run of this build
    :param space: the table space
    """

    path: Path
    trained: int
    rows: int
    expected: int
    seconds: float
    build_seconds: float
    space: TableSpace
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every (architecture, seed) is stored."""
        return self.rows >= self.expected


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return value


def _resolve_env(env_id: str, env_kwargs: Mapping[str, Any], device: str) -> tuple[str, dict[str, Any]]:
    """The env's entry point and full kwargs (preset + overrides) for a from-scratch evaluator."""
    from archgym.envs.registration import ENV_PRESETS, preset_error, register_envs

    register_envs()
    err = preset_error(env_id)
    if err is not None:
        raise ValueError(err)
    if env_id not in ENV_PRESETS:
        from archgym.data import unknown_name

        raise unknown_name("env id", env_id, sorted(ENV_PRESETS))
    preset = ENV_PRESETS[env_id]
    bad = sorted({"eval_mode", "device", "table"} & set(env_kwargs))
    if bad:
        raise ValueError(f"env_kwargs must not set {', '.join(bad)}: a table build trains from scratch on --device")
    kwargs = {**preset.kwargs, **dict(env_kwargs), "eval_mode": "scratch", "device": device}
    return preset.entry_point, kwargs


def _task_meta(env: Any) -> dict[str, Any]:
    t = env.task
    dataset = t.dataset if isinstance(t.dataset, str) else f"<{type(t.dataset).__name__}>"
    return {
        "dataset": dataset,
        "input": t.input,
        "data_seed": t.data_seed,
        "train_subset": t.train_subset,
        "dataset_options": dict(t.dataset_options) if t.dataset_options else None,
    }


def _recipe_meta(recipe: Any, steps: int) -> dict[str, Any]:
    return {
        "schedule": recipe.schedule if isinstance(recipe.schedule, (int, float, str, dict)) else repr(recipe.schedule),
        "optimizer": recipe.optimizer,
        "batch_size": recipe.batch_size,
        "momentum": recipe.momentum,
        "weight_decay": recipe.weight_decay,
        "morph_warmup": recipe.morph_warmup,
        "steps": steps,
        "scratch_seed": recipe.scratch_seed,
    }


def _normalise(value: Any) -> Any:
    """A meta value as it reads back from the file (JSON round trip)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """``"steps differs: 30 (stored) vs 31"`` for each identity key (or sub-key) that differs."""
    out = []
    for k in IDENTITY_KEYS:
        a, b = _normalise(old.get(k)), _normalise(new[k])
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            subs = sorted(s for s in set(a) | set(b) if a.get(s) != b.get(s))
            out += [f"{k}.{s} differs: {json.dumps(a.get(s))} (stored) vs {json.dumps(b.get(s))}" for s in subs]
        else:
            out.append(f"{k} differs: {json.dumps(a)} (stored) vs {json.dumps(b)}")
    return out


def _command(
    env_id: str,
    seeds: int,
    steps: int | None,
    space: TableSpace,
    overrides: Mapping[str, Any],
    out: Path,
    stack: int,
    latency: bool,
    device: str,
    backend: str = "local",
    workers: int = 1,
) -> str:
    """The command line that rebuilds (or resumes) this table."""
    parts = ["archgym table build", f"--env {env_id}", f"--seeds {seeds}"]
    if steps is not None:
        parts.append(f"--steps {steps}")
    if device != "cpu":
        parts.append(f"--device {device}")
    if not latency:
        parts.append("--no-latency")
    grid = {k: v for k, v in space.to_dict().items() if k not in ("input_shape", "num_classes")}
    parts.append(f"--space '{json.dumps(grid, separators=(',', ':'))}'")
    if stack != 8:
        parts.append(f"--stack {stack}")
    if workers != 1 or backend != "local":
        parts.append(f"--backend {backend} --workers {workers}" if backend != "local" else f"--workers {workers}")
    parts.append(str(out))
    if overrides:  # last: its values take every following word
        parts.append("--env-kwargs " + " ".join(f"{k}={json.dumps(v)}" for k, v in overrides.items()))
    return " ".join(parts)


def build_table(
    out: str | os.PathLike[str],
    env_id: str,
    *,
    seeds: int = 3,
    steps: int | None = None,
    space: Mapping[str, Any] | TableSpace | None = None,
    backend: str = "local",
    workers: int = 1,
    stack: int = 8,
    env_kwargs: Mapping[str, Any] | None = None,
    device: str = "cpu",
    latency: bool = True,
    address: str | None = None,
    max_retries: int = 3,
    progress: Progress | None = None,
) -> BuildReport:
    """Build (or resume, or extend to more seeds) the table of ``env_id`` in ``out``.

    :param out: the ``.sqlite`` file (created, or resumed when it holds the same build)
    :param env_id: registered archgym id whose data and recipe the children are trained with
    :param seeds: table seeds ``0 .. seeds - 1`` (trained with ``scratch_seed + seed``)
    :param steps: optimizer steps per child (default: the env's ``scratch_steps``)
    :param space: the table space (mapping as :meth:`TableSpace.from_dict` reads it); default: the env's
        search space anchored on its initial network (:meth:`TableSpace.from_search_space`)
    :param backend: ``local`` or ``ray``
    :param workers: processes (local) or Ray tasks in flight (ray), >= 1
    :param stack: most dense children trained together in one stacked call, >= 1
    :param env_kwargs: env preset overrides (``train_subset``, ``dataset``, ...)
    :param device: where children train (``cpu``, ``cuda``, ``auto``)
    :param latency: measure each child's latency (``meta.latency`` says how)
    :param address: Ray cluster address (``auto``, ``ray://host:10001``); None: a local Ray instance
    :param max_retries: Ray retries of a failed task (its worker died or it raised)
    :param progress: ``progress(rows, expected, seconds)`` after each commit
    :return: what was built
    :raises ValueError: bad arguments, or ``out`` holds a table of a different build (the key is named)
    """
    if backend not in BACKENDS:
        from archgym.data import unknown_name

        raise unknown_name("table backend", backend, BACKENDS)
    _check_int("seeds", seeds, 1)
    _check_int("workers", workers, 1)
    _check_int("stack", stack, 1)
    _check_int("max_retries", max_retries, 0)
    if steps is not None:
        _check_int("steps", steps, 1)
    from archgym.device import resolve_device

    dev = str(resolve_device(device))
    overrides = dict(env_kwargs or {})
    entry_point, kwargs = _resolve_env(env_id, overrides, dev)
    probe = BuildSpec(entry_point, kwargs, 1, latency)
    ctx = worker_context(probe)  # the driver's own data: the space's input shape, and the local backend's work
    env = ctx.env
    n_steps = int(steps if steps is not None else env.recipe.scratch_steps)
    spec = replace(probe, steps=n_steps)
    if isinstance(space, TableSpace):
        tspace = space
    elif space is not None:
        tspace = TableSpace.from_dict(space, ctx.data.input_shape, ctx.data.num_classes)
    else:
        tspace = TableSpace.from_search_space(env.space, env.initial_arch)
    if tspace.input_shape != ctx.data.input_shape or tspace.num_classes != ctx.data.num_classes:
        raise ValueError(
            f"table space input {tspace.input_shape} / {tspace.num_classes} classes do not match the env's data "
            f"{ctx.data.input_shape} / {ctx.data.num_classes}"
        )
    seed_list = list(range(seeds))
    out_path = Path(out)
    identity = {
        "env_id": env_id,
        "space": tspace.to_dict(),
        "task": _task_meta(env),
        "recipe": _recipe_meta(env.recipe, n_steps),
        "steps": n_steps,
    }
    notes = []
    if env.initial_arch not in tspace:
        notes.append(
            f"the env's initial network {env.initial_arch.key()} is not in this space: eval_mode='table' needs "
            "an initial network inside it (pass initial=...)"
        )
    import torch

    import archgym

    t_start = time.perf_counter()
    with TableStore(out_path, create=True) as store:
        old = store.meta
        if old:
            diff = _differences(old, identity)
            if diff:
                raise ValueError(
                    f"{out_path} holds a table of another build ({'; '.join(diff)}); give another OUT or delete it"
                )
        base_seconds = float(old.get("build_seconds", 0.0))
        store.set_meta(
            {
                "format": FORMAT,
                "schema": SCHEMA_VERSION,
                **identity,
                "seeds": seed_list,
                "n_archs": len(tspace),
                "build_seconds": base_seconds,
                "latency": {**LATENCY, "device": dev} if latency else None,
                "archgym_version": archgym.__version__,
                "torch_version": torch.__version__,
                "python_version": platform.python_version(),
                "device": dev,
                "backend": backend,
                "workers": workers,
                "stack": stack,
                "command": _command(
                    env_id, seeds, steps, tspace, overrides, out_path, stack, latency, dev, backend, workers
                ),
                "created": old.get("created", datetime.now(timezone.utc).isoformat(timespec="seconds")),
                "completed": None,
            }
        )
        done = store.done()
        keys = tspace.keys()
        expected = len(keys) * len(seed_list)
        can_stack = ctx.flat is not None or ctx.data.x_train.ndim == 2
        tasks = plan_tasks(keys, seed_list, stack, stackable_key if can_stack else never_stackable)
        todo = [[j for j in task if j not in done] for task in tasks]
        todo = [t for t in todo if t]
        rows = sum(1 for k in keys for s in seed_list if (k, s) in done)
        trained = 0

        def commit(results: list[Result]) -> None:
            nonlocal rows, trained
            elapsed = time.perf_counter() - t_start
            store.add(results, {"build_seconds": base_seconds + elapsed})
            rows += len(results)
            trained += len(results)
            if progress is not None:
                progress(rows, expected, elapsed)

        if todo:
            runner = RUNNERS[backend]
            runner(spec, todo, commit, workers=workers, address=address, max_retries=max_retries)
        elapsed = time.perf_counter() - t_start
        # a run with nothing left to train (a finished table) adds no build time
        final: dict[str, Any] = {"build_seconds": base_seconds + (elapsed if todo else 0.0)}
        if rows >= expected:
            final["completed"] = old.get("completed") or datetime.now(timezone.utc).isoformat(timespec="seconds")
        store.set_meta(final)
        if rows >= expected and trained:
            store.compact()
    return BuildReport(out_path, trained, rows, expected, elapsed, final["build_seconds"], tspace, notes)
