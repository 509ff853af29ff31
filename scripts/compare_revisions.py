"""Run one benchmark on two revisions of archgym, interleaved, and print their numbers side by side.

A refactoring is "no slower" only if the before and after numbers come from the same machine in the same
minutes: this script checks the base revision out into a temporary git worktree, then alternates the
benchmark between it and the working tree (``--rounds`` times each, so drifts in machine load hit both
alike) and prints the median of every numeric field of the benchmark's ``--json`` output, with the
after/before ratio.

Run (from the repository root)::

    python scripts/compare_revisions.py --base fc5a6cb -- scripts/bench_vec.py --quick
    python scripts/compare_revisions.py --base fc5a6cb --rounds 3 -- scripts/bench_env.py --quick

Everything after ``--`` is the benchmark command (a script path relative to the repository root and its
flags); ``--json PATH`` is appended. The base revision runs its own copy of the script. Prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def flatten(d: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON value, keyed by their path (``a.b.0.c``)."""
    out: dict[str, float] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            out.update(flatten(v, f"{prefix}{i}."))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        out[prefix.rstrip(".")] = float(d)
    return out


def run_once(tree: Path, cmd: list[str], out: Path) -> dict[str, float]:
    """Run the benchmark in ``tree`` (with ``tree`` first on the import path) and read its JSON."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    subprocess.run(
        [sys.executable, str(tree / cmd[0]), *cmd[1:], "--json", str(out)],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return flatten(json.loads(out.read_text()))


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run both revisions alternately, print the table."""
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        print("usage: compare_revisions.py --base REV [--rounds N] -- SCRIPT [FLAGS...]", file=sys.stderr)
        return 2
    cut = argv.index("--")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True, help="the revision to compare against (e.g. a commit)")
    p.add_argument("--rounds", type=int, default=3, help="runs per revision, alternated (default 3)")
    args = p.parse_args(argv[:cut])
    cmd = argv[cut + 1 :]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "-f", "--detach", str(base), args.base],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
            for r in range(args.rounds):
                for name, tree in (("before", base), ("after", ROOT)):
                    runs[name].append(run_once(tree, cmd, Path(tmp) / f"{name}{r}.json"))
                    print(f"round {r + 1}/{args.rounds}: {name} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    keys = [k for k in runs["after"][0] if all(k in x for x in runs["before"] + runs["after"])]
    print(f"{' '.join(cmd)}: median of {args.rounds} alternated runs each; base {args.base}")
    print("| field | before | after | after / before |\n|---|---|---|---|")
    for k in keys:
        b = statistics.median(x[k] for x in runs["before"])
        a = statistics.median(x[k] for x in runs["after"])
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"| {k} | {b:.4g} | {a:.4g} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
