"""``eval_mode="table"``: look the architecture up in a ground-truth table instead of training it.

The table (:mod:`archgym.tables`) holds every architecture of a finite space trained with the full recipe
on several seeds. Each evaluation reports ONE seed's results (validation accuracy and loss, training
accuracy), the seed drawn from the episode's RNG, so a search sees the seed-to-seed noise of real training
and the same env seed gives the same trajectory. No child network is built (``child`` is None): params and
FLOPs come from the :class:`~archgym.arch.Architecture`, latency from the table's recorded latency.

The env's search space becomes the table's (:meth:`TableSpace.search_space
<archgym.tables.space.TableSpace.search_space>`), so the action masks follow the table's grid and every valid
action leads to a network the table holds; the initial network must be one of them.

Options: ``table=PATH`` (flat keyword, :class:`~archgym.envs.config.TaskConfig`) or
``evaluator_kwargs={"table": PATH}``; without either, the shipped table built on the env's ``dataset`` and
``input`` (``archgym/tables/data/``). Training options (budgets, schedule) play no part: the table's recipe
is in its ``meta``.

Three hooks the core reads (:class:`~archgym.envs.core.ArchSearchEnv`): :attr:`TableEvaluator.search_space`,
:meth:`TableEvaluator.cost_metric` and :meth:`TableEvaluator.check_architecture` (a reset's ``initial``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from torch import nn

from archgym.arch import Architecture, SearchSpace, parse_layers
from archgym.envs.evaluators.base import EvalContext, Evaluation, Evaluator, Outcome, Plan, StepContext
from archgym.tables.table import Table, load_table, shipped_table

__all__ = ["TableEvaluator", "cached_table"]

#: per architecture key: (val_accuracy, val_loss, train_accuracy, diverged), one entry per seed
Row = tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], tuple[bool, ...]]

_CACHE: dict[tuple[str, int, int], tuple[Table, dict[str, Row]]] = {}


def cached_table(path: str | os.PathLike[str]) -> tuple[Table, dict[str, Row]]:
    """The table at ``path`` and its lookup rows, read once per process (re-read when the file changes)."""
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except OSError:
        raise ValueError(f"table {p} does not exist") from None
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is None:
        table = load_table(p)
        rows: dict[str, Row] = {}
        for k, e in table.entries.items():
            loss = tuple(float(v) for v in e.val_loss)
            rows[k] = (
                tuple(float(v) for v in e.val_accuracy),
                loss,
                tuple(float(v) if math.isfinite(v) else 0.0 for v in e.train_accuracy),
                tuple(not math.isfinite(v) for v in loss),
            )
        hit = _CACHE[key] = (table, rows)
    return hit


class TableEvaluator(Evaluator):
    """Looks architectures up in a table (see the module docstring).

    :param ctx: the env's configuration; ``ctx.options`` may hold ``table`` (a path)
    :raises ValueError: no table (none given, none shipped for the dataset), an incomplete table, or an
        initial network the table does not hold
    """

    name = "table"
    keeps_weights = False

    def __init__(self, ctx: EvalContext) -> None:
        options = dict(ctx.options)
        given = options.pop("table", None)
        if options:
            raise ValueError(f"eval_mode 'table' takes evaluator_kwargs {{'table': PATH}} only, got {sorted(options)}")
        super().__init__(replace(ctx, options={}))
        flat = ctx.task.table
        if given is not None and flat is not None and Path(given) != Path(flat):
            raise ValueError(f"table given twice: table={flat!r} and evaluator_kwargs table={given!r}")
        path = given if given is not None else flat
        if path is None:
            path = shipped_table(ctx.task.dataset, ctx.task.input)
        self.table, self._rows = cached_table(path)
        if not self.table.complete:
            t = self.table
            raise ValueError(
                f"table {t.path} is incomplete ({t.rows}/{t.expected_rows} rows); finish it by running its build "
                f"command again: {t.meta.get('command', 'archgym table build ...')}"
            )
        built_on = self.table.meta.get("task") or {}
        for name in ("dataset", "input"):
            mine, theirs = getattr(ctx.task, name), built_on.get(name)
            if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
                raise ValueError(
                    f"table {self.table.path} was built on {name} {theirs!r}, the env's {name} is {mine!r}; "
                    f"pass {name}={theirs!r} or another table"
                )
        self._n = len(self.table.seeds)
        self._seen: set[str] = set()
        self._archs: dict[str, Architecture] = {}
        head = getattr(ctx.space, "head", "flatten")
        initial = Architecture(self.input_shape, parse_layers(ctx.space.initial), self.num_classes, head)
        if initial.key() not in self._rows:
            raise ValueError(
                f"initial network {initial.key()} is not in table {self.table.path} "
                f"(space: {self.table.space.describe()}); pass initial=... inside it"
            )

    # ------------------------------------------------------------------ the task
    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input sample (the table's)."""
        return self.table.space.input_shape

    @property
    def num_classes(self) -> int:
        """Number of classes (the table's)."""
        return self.table.space.num_classes

    @property
    def search_space(self) -> SearchSpace:
        """The env's search space in table mode: the table's grid (the core uses it instead of ``search_space``)."""
        return self.table.space.search_space()

    def cost_metric(self, name: str) -> Callable[[Architecture, nn.Module | None], float] | None:
        """The cost function of ``name`` in table mode: ``latency`` is the table's recorded latency; None for the
        others (params, FLOPs and nonzero params come from the architecture, as without a table).

        :raises ValueError: ``latency`` on a table built without latencies
        """
        if name != "latency":
            return None
        entries = self.table.entries
        if not entries or any(not math.isfinite(e.latency) for e in entries.values()):
            raise ValueError(
                f"table {self.table.path} records no latency (built with --no-latency); "
                "use cost_metric params or flops, or rebuild the table with latencies"
            )
        latency = {k: e.latency for k, e in entries.items()}

        def recorded(arch: Architecture, model: nn.Module | None) -> float:
            us = latency.get(arch.key())
            if us is None:
                raise ValueError(
                    f"latency cost: {self.table.missing_message(arch.key())} (pass reference=... inside it)"
                )
            return us

        return recorded

    def check_architecture(self, arch: Architecture) -> None:
        """Raise a ValueError naming the table's space unless the table holds ``arch`` (the core checks a
        reset's ``options["initial"]`` with it before anything changes)."""
        if arch.key() not in self._rows:
            raise ValueError(f"reset option initial: {self.table.missing_message(arch.key())}")

    # ------------------------------------------------------------------ the phases
    def _plan(self, arch: Architecture, rng: Any) -> Plan:
        key = arch.key()
        row = self._rows.get(key)
        if row is None:
            raise ValueError(self.table.missing_message(key))
        # one instance per architecture: its params/FLOPs/key, memoised on the instance, are computed once
        self.architecture = self._archs.setdefault(key, arch)
        i = int(rng.integers(self._n)) if self._n > 1 else 0
        ev = Evaluation(row[0][i], row[1][i], row[2][i], cache_hit=key in self._seen, diverged=row[3][i])
        self._seen.add(key)

        def finish(_: Outcome | None) -> Evaluation:
            return ev

        return Plan(None, finish, None)

    def begin_reset(self, arch: Architecture, ctx: StepContext) -> Plan:
        """Look the initial network up (one seed, drawn from the episode's RNG)."""
        return self._plan(arch, ctx.rng)

    def begin_edit(self, op: str, slot: int, arch: Architecture, ctx: StepContext) -> Plan:
        """Look the edited network up (one seed, drawn from the episode's RNG)."""
        return self._plan(arch, ctx.rng)

    def current_lr(self) -> float:
        """0.0: nothing is trained in table mode (a finite number keeps the info comparable across steps)."""
        return 0.0

    def roll_back(self, state: Any) -> None:
        """Nothing to roll back: there is no child (a diverged table entry keeps its recorded accuracy)."""

    # ------------------------------------------------------------------ checkpointing
    def state_dict(self) -> dict[str, Any]:
        """The architecture and the architectures looked up so far (they count as cache hits)."""
        return {**super().state_dict(), "seen": sorted(self._seen)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`."""
        super().load_state_dict(state)
        self._seen = set(state.get("seen", ()))
