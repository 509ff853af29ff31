"""``archgym search``: run a baseline strategy through the same logging path as the agents.

A search run directory (``runs/<env>__<strategy>__<seed>__<time>/``) holds ``config.yaml``,
``search.jsonl`` (the same records as a DQN run, written by the strategy through
:class:`~archgym.agents.records.SearchLog`) and TensorBoard events replayed from the records
(``archgym/score``, ``val_accuracy``, ``cost``, ``best_score`` by env step, and the Pareto front),
so ``archgym report`` and TensorBoard compare it with an agent run at an equal budget of child
evaluations. The strategies live in :mod:`archgym.agents.baselines`.
"""

from __future__ import annotations

import difflib
import inspect
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym

from archgym.agents.callbacks import pareto_figure
from archgym.agents.progress import Progress
from archgym.agents.records import SearchLog, best_record, read_records
from archgym.agents.run import SEARCH_FILE, check_dir_path, check_env_kwargs, new_run_dir, write_config
from archgym.data import unknown_name
from archgym.device import resolve_device

__all__ = [
    "BACKENDS",
    "SearchResult",
    "check_strategy_kwargs",
    "records_to_tensorboard",
    "run_search",
    "strategy_names",
]

BACKENDS: tuple[str, ...] = ("local", "ray")


@dataclass(frozen=True)
class SearchResult:
    """What a baseline search produced."""

    run_dir: Path
    evaluations: int
    initial: Mapping[str, Any] | None
    best: Mapping[str, Any] | None


def strategy_names() -> list[str]:
    """Names of the baseline strategies (``archgym.agents.baselines.STRATEGIES``)."""
    from archgym.agents.baselines import STRATEGIES

    return list(STRATEGIES)


def check_strategy_kwargs(strategy: str, kwargs: Mapping[str, Any]) -> None:
    """Check ``--strategy-kwargs`` names against the strategy's constructor.

    :param strategy: a name of ``archgym.agents.baselines.STRATEGIES``
    :param kwargs: the keyword arguments
    :raises ValueError: an unknown name, with a "did you mean" and the valid names
    """
    from archgym.agents.baselines import STRATEGIES

    params = inspect.signature(STRATEGIES[strategy].__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return  # the strategy checks its own overrides (the rule controller's fields)
    valid = [k for k, p in params.items() if k not in ("self", "env", "seed") and p.kind is not p.VAR_POSITIONAL]
    for key in kwargs:
        if key not in valid:
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            raise ValueError(
                f"unknown --strategy-kwargs key {key!r} for {strategy!r}{hint} valid: {', '.join(valid) or 'none'}"
            )


def records_to_tensorboard(records: Sequence[Mapping[str, Any]], folder: Path) -> None:
    """Write the ``archgym/`` scalars of search records (by their ``step``) and the Pareto front figure.

    :param records: ``search.jsonl`` records
    :param folder: the TensorBoard log folder
    """
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=str(folder))
    best = -math.inf
    for r in records:
        step = int(r.get("step", 0))
        for key in ("score", "val_accuracy", "cost", "params", "flops"):
            if key in r:
                writer.add_scalar(f"archgym/{key}", float(r[key]), step)
        if math.isfinite(r.get("score", math.nan)):
            best = max(best, float(r["score"]))
            writer.add_scalar("archgym/best_score", best, step)
    if records:
        step = int(records[-1].get("step", 0))
        writer.add_figure("archgym/pareto_front", pareto_figure(records), step, close=True)
    writer.close()


def run_search(
    env_id: str,
    strategy: str,
    budget: int = 500,
    seed: int = 0,
    logdir: str | os.PathLike[str] = "runs",
    device: str = "auto",
    env_kwargs: Mapping[str, Any] | None = None,
    strategy_kwargs: Mapping[str, Any] | None = None,
    backend: str = "local",
    workers: int = 2,
    progress: bool = False,
) -> SearchResult:
    """Run a baseline strategy for ``budget`` child evaluations and write a run directory.

    With ``backend="ray"`` the candidates of a :data:`~archgym.integrations.candidates.CANDIDATE_STRATEGIES`
    strategy (``random``, ``grid``, ``evolution``) are trained from scratch as Ray tasks, ``workers``
    at a time, with task retries (:func:`archgym.integrations.ray_search.ray_search`); the run
    directory and its ``search.jsonl`` are the same as with the local backend.

    :param env_id: registered archgym env id
    :param strategy: a name of ``archgym.agents.baselines.STRATEGIES`` (random, greedy, rule, qlearning)
    :param budget: child evaluations (resets and valid edits), >= 1
    :param seed: seed of the strategy and of the env
    :param logdir: parent folder of the run directory
    :param device: the child's device (``auto``, ``cpu``, ``cuda``)
    :param env_kwargs: overrides of the env preset's kwargs
    :param strategy_kwargs: keyword arguments of the strategy's constructor
    :param backend: ``local`` (this process) or ``ray`` (parallel scratch-mode evaluations)
    :param workers: Ray tasks in flight at once (``backend="ray"``)
    :param progress: show progress on stderr (a bar on a terminal, a line every 10 s otherwise; local backend)
    :raises ValueError: any bad input, before anything is written
    """
    from archgym.agents.baselines import STRATEGIES

    if backend not in BACKENDS:
        raise unknown_name("backend", backend, BACKENDS)
    valid: Mapping[str, Any]
    if backend == "ray":
        from archgym.integrations.candidates import CANDIDATE_STRATEGIES as valid
    else:
        valid = STRATEGIES
    env_kwargs = dict(env_kwargs or {})
    check_env_kwargs(env_id, env_kwargs)
    check_dir_path(logdir)
    if strategy not in valid:
        raise unknown_name(f"strategy for the {backend} backend", strategy, list(valid))
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"budget must be an int >= 1, got {budget!r}")
    resolve_device(device)
    env_kwargs.setdefault("device", device)
    if backend == "ray":
        return _ray_search(env_id, strategy, budget, seed, logdir, env_kwargs, strategy_kwargs, workers)
    check_strategy_kwargs(strategy, strategy_kwargs or {})
    env = gym.make(env_id, **env_kwargs)
    try:
        searcher = STRATEGIES[strategy](env, seed=seed, **dict(strategy_kwargs or {}))
    except TypeError as e:  # a value of the wrong type deep in a constructor
        env.close()
        raise ValueError(f"--strategy-kwargs for {strategy!r}: {e}") from None
    except BaseException:
        env.close()
        raise
    run_dir = new_run_dir(logdir, env_id, strategy, seed)
    config = {
        "kind": "search",
        "env_id": env_id,
        "env_kwargs": env_kwargs,
        "agent": strategy,
        "strategy": strategy,
        "strategy_kwargs": dict(strategy_kwargs or {}),
        "seed": int(seed),
        "budget": int(budget),
        "device": device,
    }
    write_config(run_dir, config)
    bar = Progress(budget, f"search {strategy}", unit="evaluations", enabled=progress)
    best = -math.inf

    def seen(record: Mapping[str, Any]) -> None:
        nonlocal best
        score = record.get("score")
        if isinstance(score, (int, float)) and math.isfinite(score):
            best = max(best, float(score))
        bar.update(1, **({"best_score": best} if math.isfinite(best) else {}))

    try:
        with SearchLog(run_dir / SEARCH_FILE, on_write=seen) as log:
            searcher.search(env, budget, log)
    finally:
        bar.close()
        env.close()
    return _finish(run_dir)


def _finish(run_dir: Path) -> SearchResult:
    records = read_records(run_dir / SEARCH_FILE)
    records_to_tensorboard(records, run_dir)
    return SearchResult(run_dir, len(records), records[0] if records else None, best_record(records))


def _ray_search(
    env_id: str,
    strategy: str,
    budget: int,
    seed: int,
    logdir: str | os.PathLike[str],
    env_kwargs: Mapping[str, Any],
    strategy_kwargs: Mapping[str, Any] | None,
    workers: int,
) -> SearchResult:
    from archgym.integrations import require
    from archgym.integrations.ray_search import ray_search

    require("ray", "ray")  # before anything is written
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an int >= 1, got {workers!r}")
    run_dir = new_run_dir(logdir, env_id, f"ray-{strategy}", seed)
    config = {
        "kind": "search",
        "backend": "ray",
        "workers": int(workers),
        "env_id": env_id,
        "env_kwargs": dict(env_kwargs),
        "agent": f"ray-{strategy}",
        "strategy": strategy,
        "strategy_kwargs": dict(strategy_kwargs or {}),
        "seed": int(seed),
        "budget": int(budget),
    }
    write_config(run_dir, config)
    ray_search(
        env_id,
        strategy,
        budget,
        workers,
        run_dir / SEARCH_FILE,
        seed=seed,
        env_kwargs=env_kwargs,
        strategy_kwargs=strategy_kwargs,
    )
    return _finish(run_dir)
