"""The on-disk format of a ground-truth table: one SQLite file.

Why SQLite rather than Parquet
------------------------------
* **No new dependency**: ``sqlite3`` is in Python's standard library; Parquet needs pyarrow (tens of MB)
  or fastparquet, which archgym does not otherwise use.
* **Resumable builds**: every finished child is appended in its own transaction, so a build killed at
  any instant (even by SIGKILL) leaves a valid file holding every child finished before it, and the
  next run skips them. Parquet files are written whole (or as immutable row groups): appending one row
  at a time means rewriting files or managing a folder of fragments.
* **Queryable by anyone**: the ``sqlite3`` shell, DB Browser, pandas (``pd.read_sql``), DuckDB, or any
  language's SQLite binding read it; one file to ship, copy or attach to a paper.
* Small: a table of a few thousand rows is a few hundred kB (the shipped tables are VACUUMed).

Schema (version 1)
------------------
``meta(key TEXT PRIMARY KEY, value TEXT)``: one JSON value per key. ``format`` (``"archgym-table"``),
``schema`` (1), ``env_id``, ``space`` (:meth:`~archgym.tables.space.TableSpace.to_dict`), ``task`` (the
data: dataset, input layout, split seed, subset), ``recipe`` (schedule, optimizer, batch size, steps,
``scratch_seed``: seed ``s`` of the table trains with ``scratch_seed + s``), ``seeds`` (list), ``steps``,
``n_archs``, ``build_seconds`` (wall time summed over every run of the build), ``latency`` (how latency was
measured), ``archgym_version``, ``torch_version``, ``python_version``, ``device``, ``command`` (the command
that rebuilds it), ``created``, ``completed``.

``results``: one row per (architecture, seed), unique on ``(arch, seed)``:

=================  =======  ===============================================================
column             type     meaning
=================  =======  ===============================================================
``arch``           TEXT     :meth:`Architecture.key <archgym.arch.Architecture.key>`
``seed``           INTEGER  the table seed (trained with ``scratch_seed + seed``)
``val_accuracy``   REAL     validation accuracy after the full recipe
``test_accuracy``  REAL     test accuracy
``val_loss``       REAL     validation cross-entropy (NULL when the fit diverged)
``train_accuracy`` REAL     running training accuracy over the fit
``params``         INTEGER  parameters (weights and biases)
``flops``          INTEGER  multiply-adds of one forward pass, one sample
``latency_us``     REAL     median forward time of a batch (see ``meta.latency``), NULL if not measured
``seconds``        REAL     wall time of the child's training and evaluation (a stacked fit's time is
                            shared equally between its children)
=================  =======  ===============================================================

Example query (the ten best architectures by mean test accuracy)::

    sqlite3 table.sqlite "SELECT arch, AVG(test_accuracy) AS acc, params FROM results
                          GROUP BY arch ORDER BY acc DESC LIMIT 10"
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from archgym.tables.space import TableSpace

__all__ = ["FORMAT", "RESULT_COLUMNS", "SCHEMA_VERSION", "Result", "TableStore"]

FORMAT = "archgym-table"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    arch TEXT NOT NULL,
    seed INTEGER NOT NULL,
    val_accuracy REAL,
    test_accuracy REAL,
    val_loss REAL,
    train_accuracy REAL,
    params INTEGER NOT NULL,
    flops INTEGER NOT NULL,
    latency_us REAL,
    seconds REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS results_arch_seed ON results (arch, seed);
"""


def _num(v: Any) -> float:
    """A stored REAL as a float (NULL, the storage of NaN, reads as NaN)."""
    return math.nan if v is None else float(v)


@dataclass(frozen=True)
class Result:
    """One trained child: a row of ``results`` (see the module docstring)."""

    arch: str
    seed: int
    val_accuracy: float
    test_accuracy: float
    val_loss: float
    train_accuracy: float
    params: int
    flops: int
    latency_us: float
    seconds: float

    @classmethod
    def from_row(cls, row: Iterable[Any]) -> Result:
        """From a ``SELECT`` of :data:`RESULT_COLUMNS`."""
        a, s, va, ta, vl, tr, p, f, lat, sec = row
        return cls(str(a), int(s), _num(va), _num(ta), _num(vl), _num(tr), int(p), int(f), _num(lat), _num(sec))

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping of the fields."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


RESULT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Result))


class TableStore:
    """A table file opened for reading or building.

    :param path: the ``.sqlite`` file
    :param create: create it when missing (building); False: it must exist and be an archgym table
    :raises ValueError: the file is missing, or not an archgym table (a one-line reason)
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ValueError(f"table {self.path} does not exist")
        if create and self.path.exists() and not self.path.is_file():
            raise ValueError(f"table path {self.path} exists and is not a file")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            uri = f"file:{self.path.resolve()}?mode={'rwc' if create else 'ro'}"
            self.conn = sqlite3.connect(uri, uri=True, timeout=30.0)
            if create:
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.executescript(_SCHEMA)
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as e:
            raise ValueError(f"{self.path} is not an archgym table (SQLite: {e})") from None
        if not {"meta", "results"} <= tables:
            self.conn.close()
            raise ValueError(f"{self.path} is not an archgym table (no meta/results tables)")
        fmt = self.meta.get("format")
        if fmt is not None and fmt != FORMAT:
            self.conn.close()
            raise ValueError(f"{self.path} is not an archgym table (format {fmt!r})")
        if self.meta.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            self.conn.close()
            raise ValueError(f"{self.path}: table schema {self.meta.get('schema')} is not {SCHEMA_VERSION}")

    # ------------------------------------------------------------------ context
    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> TableStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    @property
    def meta(self) -> dict[str, Any]:
        """Every meta key with its decoded JSON value."""
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}

    def set_meta(self, values: Mapping[str, Any]) -> None:
        """Write meta keys (JSON values) in one transaction."""
        with self.conn:
            self._put_meta(values)

    def _put_meta(self, values: Mapping[str, Any]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(k, json.dumps(v, sort_keys=True, default=str)) for k, v in values.items()],
        )

    def space(self) -> TableSpace:
        """The table's space (from ``meta.space``)."""
        raw = self.meta.get("space")
        if raw is None:
            raise ValueError(f"table {self.path} records no space")
        return TableSpace.from_dict(raw)

    # ------------------------------------------------------------------ results
    def add(self, results: Iterable[Result], meta: Mapping[str, Any] | None = None) -> int:
        """Append results (and update meta keys) in ONE transaction: all of them are stored, or none.

        A row already present for an ``(arch, seed)`` is replaced.

        :return: the number of rows written
        """
        rows = [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in astuple(r)) for r in results]
        cols = ", ".join(RESULT_COLUMNS)
        marks = ", ".join("?" * len(RESULT_COLUMNS))
        with self.conn:
            self.conn.executemany(f"INSERT OR REPLACE INTO results ({cols}) VALUES ({marks})", rows)
            if meta:
                self._put_meta(meta)
        return len(rows)

    def done(self) -> set[tuple[str, int]]:
        """The ``(arch, seed)`` pairs already stored."""
        return {(str(a), int(s)) for a, s in self.conn.execute("SELECT arch, seed FROM results")}

    def count(self) -> int:
        """Number of stored rows."""
        return int(self.conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def results(self) -> Iterator[Result]:
        """Every stored row, ordered by architecture and seed."""
        cols = ", ".join(RESULT_COLUMNS)
        for row in self.conn.execute(f"SELECT {cols} FROM results ORDER BY arch, seed"):
            yield Result.from_row(row)

    def compact(self) -> None:
        """Rewrite the file at its smallest (VACUUM) in the rollback-journal mode, ready to ship or copy."""
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("VACUUM")
