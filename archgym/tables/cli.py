"""``archgym table build`` and ``archgym table info`` (wired into :mod:`archgym.cli`).

Errors are ValueErrors: the ``archgym`` command prints them as one ``archgym: error:`` line, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_table_commands", "cmd_table"]


def _space_arg(text: str | None) -> Any:
    """``--space``: inline JSON/YAML, or the path of a JSON/YAML file."""
    if text is None:
        return None
    import yaml

    path = Path(text)
    raw = path.read_text() if not text.lstrip().startswith("{") and path.is_file() else text
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise ValueError(f"--space is neither a file nor valid JSON/YAML: {text!r}") from None
    if not isinstance(value, dict):
        raise ValueError(
            f'--space must be a mapping such as \'{{"max_depth": 2, "dense": {{"min": 16, "max": 64, '
            f'"step": 16}}}}\', got {text!r}'
        )
    return value


class _Ticker:
    """Progress on stderr, at most every ``every`` seconds (and at the end)."""

    def __init__(self, every: float = 10.0) -> None:
        self.every, self.last = every, 0.0

    def __call__(self, rows: int, expected: int, seconds: float) -> None:
        now = time.monotonic()
        if rows < expected and now - self.last < self.every:
            return
        self.last = now
        print(
            f"table: {rows}/{expected} children ({100 * rows / max(expected, 1):.0f}%), {seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )


def _build(args: argparse.Namespace) -> int:
    from archgym.agents.run import parse_kv
    from archgym.tables.build import build_table
    from archgym.tables.table import load_table

    report = build_table(
        args.out,
        args.env,
        seeds=args.seeds,
        steps=args.steps,
        space=_space_arg(args.space),
        backend=args.backend,
        workers=args.workers,
        stack=args.stack,
        env_kwargs=parse_kv(args.env_kwargs),
        device=args.device,
        latency=not args.no_latency,
        address=args.address,
        max_retries=args.max_retries,
        progress=None if args.no_progress else _Ticker(),
    )
    print(f"trained {report.trained} children in {report.seconds:.0f} s; {report.rows}/{report.expected} rows")
    for note in report.notes:
        print(f"note: {note}")
    for line in load_table(report.path).info_lines():
        print(line)
    return 0


def _info(args: argparse.Namespace) -> int:
    from archgym.tables.table import load_table

    table = load_table(args.table)
    if args.json:
        best = table.optimum()
        print(
            json.dumps(
                {
                    "path": str(table.path),
                    "size_bytes": table.size_bytes,
                    "complete": table.complete,
                    "rows": table.rows,
                    "expected_rows": table.expected_rows,
                    "n_archs": table.n_archs,
                    "seeds": list(table.seeds),
                    "space": table.space.to_dict(),
                    "optimum": None if best is None else {"arch": best[0], "mean_test_accuracy": best[1]},
                    "build_seconds": table.meta.get("build_seconds"),
                    "meta": table.meta,
                },
                indent=2,
            )
        )
        return 0
    for line in table.info_lines():
        print(line)
    if args.top > 0 and table.entries:
        print(f"best {min(args.top, len(table.entries))} by mean test accuracy:")
        for key, acc in table.ranking()[: args.top]:
            e = table.entries[key]
            print(f"  {acc:.4f}  val {e.val_accuracy.mean():.4f}  params {e.params:>7}  {key}")
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    """``archgym table build|info``."""
    return _build(args) if args.table_command == "build" else _info(args)


def add_table_commands(p: argparse.ArgumentParser) -> None:
    """Add ``build`` and ``info`` under the ``table`` command's parser ``p``."""
    from archgym.device import DEVICE_CHOICES

    sub = p.add_subparsers(dest="table_command", required=True, metavar="{build,info}")
    b = sub.add_parser(
        "build",
        help="train every architecture of a table space on every seed (resumable)",
        description="Train every architecture of a table space on every seed with the env's full "
        "recipe and store the results in an SQLite file. Resumable: run the same command again "
        "after an interruption.",
    )
    b.add_argument("out", metavar="OUT", help="the table file (.sqlite); an existing one of the same build resumes")
    b.add_argument("--env", required=True, help="env id whose data and recipe train the children")
    b.add_argument("--seeds", type=int, default=3, help="seeds per architecture (default 3)")
    b.add_argument("--steps", type=int, default=None, help="optimizer steps per child (default: scratch_steps)")
    b.add_argument(
        "--space",
        default=None,
        help='table space: JSON/YAML mapping or file, e.g. \'{"max_depth": 2, "dense": {"min": 16, "max": 64, '
        '"step": 16}, "conv": {"min": 4, "max": 16, "step": 4, "kernel": 5}}\' (default: the env\'s '
        "search space)",
    )
    b.add_argument("--backend", default="local", help="local (default) or ray")
    b.add_argument("--workers", type=int, default=1, help="processes (local) or Ray tasks in flight (default 1)")
    b.add_argument("--stack", type=int, default=8, help="dense children trained together per stacked call")
    b.add_argument("--device", choices=DEVICE_CHOICES, default="cpu", help="where children train (default cpu)")
    b.add_argument("--address", default=None, help="Ray cluster address (auto, ray://host:10001); default: local")
    b.add_argument("--max-retries", type=int, default=3, help="Ray retries of a failed task (default 3)")
    b.add_argument("--no-latency", action="store_true", help="do not measure latencies")
    b.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
    b.add_argument("--env-kwargs", nargs="+", metavar="K=V", default=None, help="env preset overrides (YAML values)")
    i = sub.add_parser(
        "info",
        help="size, space, optimum and build time of a table",
        description="Print a table's size, space, completeness, optimum and build time.",
    )
    i.add_argument("table", metavar="TABLE", help="the table file (.sqlite)")
    i.add_argument("--top", type=int, default=5, help="also list the N best architectures (default 5)")
    i.add_argument("--json", action="store_true", help="print JSON instead")
