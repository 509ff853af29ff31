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

The shipped table (``data/mnist1d.sqlite``, 104 KiB)
---------------------------------------------------
``archgym/MNIST1D-v0``'s data and recipe (1,000 Adam steps at 3e-3, batch 128, ``morph_warmup`` 40) on
the preset's moves (conv kernel 5 widened by 8 channels, dense widened by 48 units) in a smaller box:
depth 1-3, conv layers of 4, 12, 20 or 28 channels, dense layers of 16, 64 or 112 units, conv layers
first: 219 architectures x 3 seeds = 657 children. Chosen by timing the recipe first: one child takes
about 1 s (a dense stack, per child) to 12 s (three 28-channel convs) on one core of the loaded 2-core
machine, so depth 4 or wider grids would take many hours. Measured: 3,384 s wall (0.94 h) with
``--workers 2`` on 2 CPU cores shared with other jobs (load average 10-15), 6,695 s of child training.
Test accuracy ranges from 0.46 to 0.92 over the space (optimum ``1x40-[c28k5,c28k5,c12k5]-10``).
Rebuild it (resumable; ``archgym table info`` prints the same command from ``meta.command``)::

    archgym table build --env archgym/MNIST1D-v0 --seeds 3 --workers 2 \\
        --space '{"min_depth": 1, "max_depth": 3, "dense": {"min": 16, "max": 112, "step": 48},
                 "conv": {"min": 4, "max": 28, "step": 8, "kernel": 5}}' \\
        archgym/tables/data/mnist1d.sqlite --env-kwargs morph_warmup=40

(``morph_warmup=40``: the preset's value when the table was built; the preset has used 0 since, which
only matters for inherit-mode fine-tunes, but the warm-up also ramps the first 40 steps of a child's
training, so the rebuild names it.)

The preset has since dropped 4-channel conv layers from its own space (conv 12-36, start ``[c12k5, 16]``:
its random architectures rank more reproducibly, ``envs/mnist1d.yaml``); the table keeps the grid it was
built on, which holds that start. In table mode the env searches the table's grid, 4-channel layers
included, so the table stays complete for every move.

``docs/benchmarks.md`` (section ``bench_table``) has the lookup speed and the ten best architectures.
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
