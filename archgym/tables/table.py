"""A ground-truth table read into memory: per architecture, its results over the seeds as arrays.

:func:`load_table` reads a table file once (a few thousand rows: milliseconds); lookups are then one dict
access. :func:`shipped_tables` lists the tables that ship inside the package (``archgym/tables/data/``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from archgym.tables.space import TableSpace
from archgym.tables.store import TableStore

__all__ = ["Table", "TableEntry", "load_table", "shipped_table", "shipped_tables"]


@dataclass(frozen=True)
class TableEntry:
    """The results of one architecture, one value per seed of the table (``seeds`` order).

    :param key: the architecture key
    :param params: parameters
    :param flops: multiply-adds per sample
    :param val_accuracy: validation accuracy per seed
    :param val_loss: validation loss per seed (NaN: the fit diverged)
    :param train_accuracy: running train accuracy per seed
    :param test_accuracy: test accuracy per seed
    :param latency_us: measured latency per seed (NaN: not measured)
    :param seconds: training wall time per seed
    """

    key: str
    params: int
    flops: int
    val_accuracy: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    latency_us: np.ndarray
    seconds: np.ndarray

    @property
    def latency(self) -> float:
        """Median of the recorded latencies (NaN when none was measured)."""
        finite = self.latency_us[np.isfinite(self.latency_us)]
        return float(np.median(finite)) if finite.size else math.nan


@dataclass
class Table:
    """A table in memory.

    :param path: the file it was read from
    :param meta: its meta values
    :param space: its space
    :param seeds: its seeds, in the order of every entry's arrays
    :param entries: architecture key -> entry (only architectures with every seed present)
    :param rows: number of stored rows
    :param missing: ``(arch, seed)`` pairs of the space that are not stored (a partial build)
    :param size_bytes: the file's size
    """

    path: Path
    meta: dict[str, Any]
    space: TableSpace
    seeds: tuple[int, ...]
    entries: dict[str, TableEntry]
    rows: int
    missing: list[tuple[str, int]] = field(default_factory=list)
    size_bytes: int = 0

    @property
    def complete(self) -> bool:
        """True when every architecture of the space has a row for every seed."""
        return not self.missing

    @property
    def n_archs(self) -> int:
        """Number of architectures of the space."""
        return len(self.space)

    @property
    def expected_rows(self) -> int:
        """Rows of a complete table: architectures x seeds."""
        return self.n_archs * len(self.seeds)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> TableEntry:
        try:
            return self.entries[key]
        except KeyError:
            raise KeyError(self.missing_message(key)) from None

    def missing_message(self, key: str) -> str:
        """Why ``key`` cannot be looked up (outside the space, or not built yet)."""
        where = f"table {self.path}"
        try:
            from archgym.arch import Architecture

            inside = Architecture.from_key(key) in self.space
        except ValueError:
            inside = False
        if not inside:
            return f"architecture {key} is not in {where} (space: {self.space.describe()})"
        return f"architecture {key} is not in {where}: the table is incomplete ({self.rows}/{self.expected_rows} rows)"

    def mean(self, key: str, metric: str = "test_accuracy") -> float:
        """Mean of ``metric`` over the seeds of ``key``."""
        return float(np.mean(getattr(self[key], metric)))

    def ranking(self, metric: str = "test_accuracy") -> list[tuple[str, float]]:
        """``(key, mean metric)`` of every complete architecture, best first (ties: by key)."""
        means = [(k, float(np.mean(getattr(e, metric)))) for k, e in self.entries.items()]
        return sorted(means, key=lambda kv: (-kv[1] if math.isfinite(kv[1]) else math.inf, kv[0]))

    def optimum(self, metric: str = "test_accuracy") -> tuple[str, float] | None:
        """The architecture with the best mean ``metric`` (None for an empty table)."""
        ranked = self.ranking(metric)
        return ranked[0] if ranked else None

    def info_lines(self) -> list[str]:
        """What ``archgym table info`` prints."""
        m = self.meta
        status = "complete" if self.complete else f"INCOMPLETE ({len(self.missing)} (arch, seed) pairs missing)"
        size = f"{self.size_bytes / 1024:.1f} KiB"
        lines = [
            f"table:    {self.path} ({size}, {self.rows}/{self.expected_rows} rows, {status})",
            f"env:      {m.get('env_id')}  task {_short(m.get('task'))}",
            f"space:    {self.space.describe()}: {self.n_archs} architectures x {len(self.seeds)} seeds "
            f"{list(self.seeds)}",
            f"recipe:   {_short(m.get('recipe'))}",
        ]
        best = self.optimum("test_accuracy")
        if best is not None:
            e = self.entries[best[0]]
            val, sd = float(np.mean(e.val_accuracy)), float(np.std(e.test_accuracy))
            lines.append(
                f"optimum:  {best[0]}  mean test accuracy {best[1]:.4f} (+- {sd:.4f} over seeds), "
                f"val {val:.4f}, params {e.params}" + ("" if self.complete else "  [of the architectures built so far]")
            )
        secs = float(m.get("build_seconds", 0.0))
        trained = sum(float(np.sum(e.seconds)) for e in self.entries.values())
        lines.append(
            f"build:    {secs / 3600:.2f} h wall ({secs:.0f} s; {trained:.0f} s of child training) on "
            f"{m.get('device', '?')}, backend {m.get('backend', '?')}, workers {m.get('workers', '?')}; "
            f"archgym {m.get('archgym_version', '?')}, torch {m.get('torch_version', '?')}"
        )
        if m.get("command"):
            lines.append(f"rebuild:  {m['command']}")
        return lines


def _short(d: Any) -> str:
    if not isinstance(d, Mapping):
        return str(d)
    return ", ".join(f"{k}={v}" for k, v in d.items() if v is not None)


def load_table(path: str | os.PathLike[str]) -> Table:
    """Read a table file into memory.

    :raises ValueError: missing file or not an archgym table
    """
    with TableStore(path) as store:
        meta = store.meta
        space = store.space()
        seeds = tuple(int(s) for s in meta.get("seeds", []))
        rows = list(store.results())
    by_arch: dict[str, dict[int, Any]] = {}
    for r in rows:
        by_arch.setdefault(r.arch, {})[r.seed] = r
    entries: dict[str, TableEntry] = {}
    for key, per_seed in by_arch.items():
        if not all(s in per_seed for s in seeds):
            continue
        rs = [per_seed[s] for s in seeds]

        def col(name: str, rs: list[Any] = rs) -> np.ndarray:
            return np.array([getattr(r, name) for r in rs], dtype=np.float64)

        entries[key] = TableEntry(
            key,
            rs[0].params,
            rs[0].flops,
            col("val_accuracy"),
            col("val_loss"),
            col("train_accuracy"),
            col("test_accuracy"),
            col("latency_us"),
            col("seconds"),
        )
    keys = space.keys()
    missing = [(k, s) for k in keys for s in seeds if s not in by_arch.get(k, {})]
    p = Path(path)
    return Table(p, meta, space, seeds, entries, len(rows), missing, p.stat().st_size)


def shipped_tables() -> dict[str, Path]:
    """The tables shipped in ``archgym/tables/data/`` (name without ``.sqlite`` -> path)."""
    folder = resources.files("archgym.tables") / "data"
    out: dict[str, Path] = {}
    if folder.is_dir():
        for item in folder.iterdir():
            if item.name.endswith(".sqlite"):
                out[item.name[: -len(".sqlite")]] = Path(str(item))
    return dict(sorted(out.items()))


def shipped_table(dataset: Any, layout: str) -> Path:
    """The shipped table built on ``dataset`` with input ``layout`` (its ``meta.task``).

    :raises ValueError: none matches (the shipped ones are listed)
    """
    found = []
    for name, path in shipped_tables().items():
        with TableStore(path) as store:
            task = store.meta.get("task") or {}
        found.append(f"{name} ({task.get('dataset')}, {task.get('input')})")
        if task.get("dataset") == dataset and task.get("input") == layout:
            return path
    have = "; ".join(found) or "none"
    raise ValueError(
        f"no shipped table for dataset {dataset!r} with input {layout!r} (shipped: {have}); "
        "build one with `archgym table build` and pass table=PATH"
    )
