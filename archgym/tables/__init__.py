"""Ground-truth tables: every architecture of a finite space trained on every seed, stored in SQLite.

NAS benchmarks (NAS-Bench-101/201, HW-NAS-Bench) test search strategies on *tables*: each architecture
of a finite space trained once and recorded, so a search costs lookups and hundreds of seeds are cheap.
This package builds such a table for any archgym env and serves it back to the env as
``eval_mode="table"`` (:mod:`archgym.envs.evaluators.table`).

=========== ==========================================================================================
module      contents
=========== ==========================================================================================
``space``   :class:`TableSpace`: the finite space (depths, width grids per kind, conv kernel), every
            architecture in a fixed order, and the env search space that stays inside it
``store``   :class:`TableStore`: the SQLite file (``meta`` and ``results``; why SQLite is there)
``build``   :func:`build_table`: trains everything resumably (local processes or Ray tasks)
``table``   :func:`load_table` / :class:`Table`: a table in memory; :func:`shipped_tables`
``cli``     ``archgym table build`` / ``archgym table info``
=========== ==========================================================================================

Build and inspect (resumable: run the same command again after an interruption)::

    archgym table build --env archgym/MNIST1D-v0 --seeds 3 --space SPACE OUT.sqlite
    archgym table info OUT.sqlite

Use it: ``gym.make("archgym/MNIST1D-v0", eval_mode="table")`` (the shipped table of its data) or
``gym.make(ID, eval_mode="table", table="OUT.sqlite")``.

The shipped table (``data/mnist1d.sqlite``)
-------------------------------------------
See ``docs/benchmarks.md`` (section ``bench_table``) for its space, size, build time and the exact
command that rebuilt it; ``archgym table info`` on the file prints the same (``meta.command``).
"""

from __future__ import annotations

from archgym.tables.space import TableSpace, WidthGrid
from archgym.tables.store import Result, TableStore
from archgym.tables.table import Table, TableEntry, load_table, shipped_table, shipped_tables

__all__ = [
    "Result",
    "Table",
    "TableEntry",
    "TableSpace",
    "TableStore",
    "WidthGrid",
    "build_table",
    "load_table",
    "shipped_table",
    "shipped_tables",
]


def build_table(*args, **kwargs):  # type: ignore[no-untyped-def]
    """:func:`archgym.tables.build.build_table` (imported on use: it pulls in torch and the envs)."""
    from archgym.tables.build import build_table as _build

    return _build(*args, **kwargs)
