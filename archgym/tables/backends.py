"""Where a table build's tasks run: ``local`` (this process or spawned worker processes) or ``ray`` (Ray tasks
with retries, on a local instance or an existing cluster; ``ray`` is an optional extra, imported only here).
Only the driver writes the file: each backend hands every finished task to ``commit``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from typing import Any

from archgym.tables.store import Result
from archgym.tables.tasks import BuildSpec, Job, run_task

__all__ = ["BACKENDS", "RUNNERS", "Commit"]

BACKENDS = ("local", "ray")
Commit = Callable[[list[Result]], None]


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


def _run_local(spec: BuildSpec, tasks: list[list[Job]], commit: Commit, *, workers: int, **_: Any) -> None:
    """In this process (``workers == 1``), or in ``workers`` spawned processes (the driver commits)."""
    if workers == 1:
        for task in tasks:
            commit(run_task(spec, task))
        return
    import multiprocessing

    wspec = replace(spec, threads=1)
    pending: set[Future[list[Result]]] = set()
    it: Iterator[list[Job]] = iter(tasks)
    with ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
    ) as pool:
        try:
            while True:
                for task in it:
                    pending.add(pool.submit(run_task, wspec, task))
                    if len(pending) >= 2 * workers:
                        break
                if not pending:
                    return
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    commit(f.result())
        except BaseException:
            for f in pending:
                f.cancel()
            raise


def _run_ray(
    spec: BuildSpec,
    tasks: list[list[Job]],
    commit: Commit,
    *,
    workers: int,
    address: str | None,
    max_retries: int,
) -> None:
    """Ray tasks with retries (a dead worker or an exception re-runs the task), ``workers`` in flight."""
    from archgym.integrations import require

    ray = require("ray", "ray")
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=workers if address is None else None, include_dashboard=False)
    remote = ray.remote(run_task).options(num_cpus=1, max_retries=max_retries, retry_exceptions=True)
    wspec = replace(spec, threads=1)
    pending: dict[Any, list[Job]] = {}
    it = iter(tasks)
    try:
        while True:
            for task in it:
                pending[remote.remote(wspec, task)] = task
                if len(pending) >= workers:
                    break
            if not pending:
                return
            (ref,), _ = ray.wait(list(pending), num_returns=1)
            task = pending.pop(ref)
            try:
                commit(ray.get(ref))
            except Exception as e:
                for other in pending:
                    ray.cancel(other)
                raise RuntimeError(
                    f"table task {task[0][0]} (seed {task[0][1]}, {len(task)} children) failed "
                    f"after {max_retries} retries: {e}"
                ) from e
    finally:
        if started:
            ray.shutdown()


#: backend name -> runner
RUNNERS: dict[str, Callable[..., None]] = {"local": _run_local, "ray": _run_ray}
