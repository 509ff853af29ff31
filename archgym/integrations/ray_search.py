"""Parallel architecture search on Ray: each candidate is trained from scratch in a Ray task.

The driver asks a candidate strategy (:mod:`archgym.integrations.candidates`: ``random``,
``grid``, ``evolution``, or an explicit list) for architectures, keeps ``workers`` evaluations
in flight, and appends one ``search.jsonl`` record per finished evaluation through
:class:`~archgym.agents.records.SearchLog` (completion order, so a killed driver keeps every line
already written). An evaluation builds the env with ``eval_mode="scratch"`` and the candidate
as its ``initial`` network: the record is the env's own ``reset`` info (``val_accuracy``,
``cost``, ``score``, ``params``, ...), the same numbers the local backend logs.

Fault tolerance is Ray's: tasks are submitted with ``max_retries`` (a worker process that dies
is restarted and its task re-run) and ``retry_exceptions`` (a task that raises is re-run too),
so a lost worker loses no result. Evaluations are deterministic on the CPU (fixed
``scratch_seed``), so a retry gives the same record.

``ray`` is imported inside :func:`ray_search`: this module imports without it.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from archgym.agents.records import SearchLog
from archgym.arch import Architecture
from archgym.integrations import require
from archgym.integrations.candidates import CandidateStrategy, ListCandidates, make_candidate_strategy

__all__ = [
    "RECORD_INFO_KEYS",
    "Evaluator",
    "candidate_architecture",
    "evaluate_architecture",
    "ray_search",
    "scratch_env_kwargs",
]

#: ``evaluate(env_id, layers, env_kwargs) -> info``: what a Ray task runs for one candidate
Evaluator = Callable[[str, list[str], dict[str, Any]], dict[str, Any]]
MAX_DUPLICATE_PROPOSALS = 200
#: info keys copied into a record (as :meth:`SearchLog.write_info` does), plus the task's ``wall_s``
RECORD_INFO_KEYS = (
    "arch",
    "val_accuracy",
    "cost",
    "score",
    "params",
    "flops",
    "action_valid",
    "depth",
    "nonzero_params",
    "wall_s",
)


def _preset(env_id: str) -> Any:
    from archgym.envs.registration import ENV_PRESETS, register_envs

    if not ENV_PRESETS:
        register_envs()
    if env_id not in ENV_PRESETS:
        from archgym.data import unknown_name

        raise unknown_name("env id", env_id, sorted(ENV_PRESETS))
    return ENV_PRESETS[env_id]


def scratch_env_kwargs(env_id: str, env_kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Env kwargs of a from-scratch evaluation: the preset's kwargs with the overrides on top,
    ``eval_mode="scratch"``, an explicit ``reference`` (the preset's, else its initial network) so the
    cost term does not move with the candidate, and no ``initial`` (each candidate is one).

    The full kwargs travel with each task, so workers do not depend on their own copy of the presets.

    :param env_id: registered archgym id
    :param env_kwargs: preset overrides (``device``, ``scratch_steps``, ``train_subset``, ...)
    :return: the kwargs to pass with ``initial=<candidate layers>``
    :raises ValueError: unknown id, or ``initial`` / ``eval_mode="inherit"`` among the overrides
    """
    overrides = dict(env_kwargs or {})
    if "initial" in overrides:
        raise ValueError("env_kwargs must not set 'initial': each candidate is the initial network of its evaluation")
    if overrides.get("eval_mode", "scratch") != "scratch":
        raise ValueError(f"ray search evaluates from scratch; got eval_mode={overrides['eval_mode']!r}; valid: scratch")
    preset = dict(_preset(env_id).kwargs)
    kw = {**preset, **overrides, "eval_mode": "scratch"}
    kw.setdefault("reference", preset.get("reference", preset.get("initial")))
    if kw["reference"] is None:
        del kw["reference"]
    kw.pop("initial", None)
    return kw


def evaluate_architecture(env_id: str, layers: list[str], env_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Train one candidate from scratch and return the env's info (one task's work; runs in any process).

    :param env_id: registered archgym id (archgym is imported here, so fresh workers know it)
    :param layers: hidden layers in short form, e.g. ``["c8k3", "32"]``
    :param env_kwargs: from :func:`scratch_env_kwargs`
    :return: the ``reset`` info dict plus ``wall_s`` (seconds the evaluation took)
    """
    import gymnasium as gym

    importlib.import_module("archgym")
    t0 = time.perf_counter()
    env = gym.make(env_id, initial=list(layers), **env_kwargs)
    try:
        _, info = env.reset(seed=0)
    finally:
        env.close()
    return {**info, "wall_s": time.perf_counter() - t0}


def candidate_architecture(
    env_id: str, layers: Sequence[Any] | Architecture, env_kwargs: Mapping[str, Any] | None = None
) -> Architecture:
    """An :class:`~archgym.arch.Architecture` for ``env_id``'s input and classes from a layer list.

    :param env_id: registered archgym id
    :param layers: an Architecture, or layers such as ``[64, 32]`` or ``["c8k3", 32]``
    :param env_kwargs: preset overrides (``dataset``, ``input``, ``head``, ``data_root``, ...) that change the
        input shape or the head
    :return: the architecture, with the env's input shape, classes and ``head`` (as the env would build it)
    """
    if isinstance(layers, Architecture):
        return layers
    from archgym.arch import parse_layers

    initial = _initial_architecture(env_id, env_kwargs)
    return Architecture(initial.input_shape, parse_layers(layers), initial.num_classes, initial.head)


def _initial_architecture(env_id: str, env_kwargs: Mapping[str, Any] | None = None) -> Architecture:
    """The env's initial network, built as the env builds it: the dataset read with the task's layout,
    data_root and options, the space's ``head``."""
    from archgym.arch import parse_layers
    from archgym.envs.config import split_keywords

    cfg = split_keywords({**_preset(env_id).kwargs, **dict(env_kwargs or {})})
    task, space = cfg["task"], cfg["space"]
    data = task.load("cpu")
    return Architecture(data.input_shape, parse_layers(space.initial), data.num_classes, space.head)


def _search_space(env_id: str, env_kwargs: Mapping[str, Any]) -> Any:
    from archgym.arch import SearchSpace

    space = env_kwargs.get("search_space", _preset(env_id).kwargs.get("search_space"))
    return space if isinstance(space, SearchSpace) else SearchSpace.from_dict(space or {})


def _strategy(
    env_id: str,
    strategy: str | CandidateStrategy,
    candidates: Iterable[Sequence[Any] | Architecture] | None,
    seed: int,
    strategy_kwargs: Mapping[str, Any] | None,
    env_kwargs: Mapping[str, Any],
) -> CandidateStrategy:
    if isinstance(strategy, CandidateStrategy):
        return strategy
    space, initial = _search_space(env_id, env_kwargs), _initial_architecture(env_id, env_kwargs)
    if candidates is not None:
        archs = tuple(candidate_architecture(env_id, c, env_kwargs) for c in candidates)
        return ListCandidates(space, initial, seed, candidates=archs)
    return make_candidate_strategy(strategy, space, initial, seed, **dict(strategy_kwargs or {}))


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def ray_search(
    env_id: str,
    strategy: str | CandidateStrategy = "random",
    budget: int = 16,
    workers: int = 2,
    log: SearchLog | str | os.PathLike[str] | None = None,
    *,
    candidates: Iterable[Sequence[Any] | Architecture] | None = None,
    seed: int = 0,
    env_kwargs: Mapping[str, Any] | None = None,
    strategy_kwargs: Mapping[str, Any] | None = None,
    max_retries: int = 3,
    retry_exceptions: bool | list[type[BaseException]] = True,
    address: str | None = None,
    evaluate: Evaluator = evaluate_architecture,
) -> list[dict[str, Any]]:
    """Evaluate up to ``budget`` candidate architectures from scratch as Ray tasks, ``workers`` at a time.

    Uses the running Ray instance if there is one, else ``ray.init(address=address)`` (a local
    instance with ``workers`` CPUs when ``address`` is None) and shuts it down at the end.

    :param env_id: registered archgym id
    :param strategy: ``random``, ``grid``, ``evolution`` (see :mod:`archgym.integrations.candidates`) or an instance
    :param budget: most evaluations (fewer when the strategy runs out), >= 1
    :param workers: evaluations in flight at once (one CPU each), >= 1
    :param log: a :class:`SearchLog` or a path of ``search.jsonl`` to append to (None: records only returned)
    :param candidates: explicit architectures (layer lists like ``[64, 32]``); overrides ``strategy``
    :param seed: seed of the candidate strategy
    :param env_kwargs: env preset overrides (``device``, ``scratch_steps``, ``cost_weight``, ...)
    :param strategy_kwargs: keyword arguments of the strategy (e.g. ``{"population": 16}``)
    :param max_retries: re-runs of a task whose worker died (or, see below, that raised)
    :param retry_exceptions: also re-run tasks that raised (True: any exception; or a list of types)
    :param address: Ray cluster address for ``ray.init`` (``"auto"``, ``"ray://host:10001"``); None: local
    :param evaluate: the task function (default :func:`evaluate_architecture`)
    :return: the records, in completion order (``step``/``evaluation`` count evaluations)
    :raises ValueError: bad arguments, before Ray starts
    :raises RuntimeError: a task still failed after its retries (records so far are in the log)
    """
    _check_int("budget", budget, 1)
    _check_int("workers", workers, 1)
    _check_int("max_retries", max_retries, 0)
    kwargs = scratch_env_kwargs(env_id, env_kwargs)
    proposer = _strategy(env_id, strategy, candidates, seed, strategy_kwargs, kwargs)
    ray = require("ray", "ray")
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=workers if address is None else None, include_dashboard=False)
    remote = ray.remote(evaluate).options(num_cpus=1, max_retries=max_retries, retry_exceptions=retry_exceptions)
    own_log = log is not None and not isinstance(log, SearchLog)
    sink: SearchLog | None = log if isinstance(log, SearchLog) else (SearchLog(Path(log)) if log is not None else None)
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    pending: dict[Any, Architecture] = {}
    exhausted = False
    try:
        while len(records) < budget:
            while not exhausted and len(pending) < workers and len(records) + len(pending) < budget:
                arch = _next_new(proposer, seen)
                if arch is None:
                    exhausted = True
                    break
                layers = [x.short() for x in arch.layers]
                pending[remote.remote(env_id, layers, kwargs)] = arch
            if not pending:
                break
            (done,), _ = ray.wait(list(pending), num_returns=1)
            arch = pending.pop(done)
            try:
                info = ray.get(done)
            except Exception as e:
                for ref in pending:
                    ray.cancel(ref)
                raise RuntimeError(
                    f"evaluation of {arch.key()} failed (max_retries={max_retries}, "
                    f"retry_exceptions={retry_exceptions}): {e}"
                ) from e
            n = len(records)
            rec = {"step": n, "episode": n, "evaluation": n + 1, "env": 0, "backend": "ray"}
            rec.update({k: info[k] for k in RECORD_INFO_KEYS if k in info})
            records.append(rec)
            if sink is not None:
                sink.write(rec)
            proposer.observe(arch, rec)
    finally:
        if own_log and sink is not None:
            sink.close()
        if started:
            ray.shutdown()
    return records


def _next_new(proposer: CandidateStrategy, seen: set[str]) -> Architecture | None:
    """The strategy's next architecture not evaluated yet (None when it stops proposing new ones)."""
    for _ in range(MAX_DUPLICATE_PROPOSALS):
        arch = proposer.propose()
        if arch is None:
            return None
        if arch.key() not in seen:
            seen.add(arch.key())
            return arch
    return None
