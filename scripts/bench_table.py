"""Benchmark of ``eval_mode="table"``: env steps per second on table lookups, and the shipped table itself.

Steps ``gym.make(ENV, eval_mode="table")`` with uniformly random action ids (invalid ones included: they
are no-ops, as an agent's early actions are), resetting at the end of each episode, and reports steps per
second of wall time and of this process's CPU time (on a shared machine the CPU figure is the steadier
one), for the env as ``gym.make`` returns it (TimeLimit, OrderEnforcing and PassiveEnvChecker wrappers)
and unwrapped. A second measure adds ``action_masks()`` before every step (what MaskablePPO does). The
section also describes the table: space, size, completeness, build time, optimum, and the command that
rebuilt it.

Run (from the repository root)::

    python scripts/bench_table.py                    # 50,000 steps per measure; writes section bench_table
    python scripts/bench_table.py --quick            # 5,000 steps; prints only
    python scripts/bench_table.py --table OUT.sqlite --env archgym/MNIST1D-v0 --json out.json

Flags: ``--env ID`` (default archgym/MNIST1D-v0), ``--table PATH`` (default: the shipped table of the env's
dataset), ``--steps N``, ``--quick``, ``--json PATH``, ``--no-doc``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gymnasium as gym
import numpy as np
from _benchdoc import machine_line, update_section

import archgym  # noqa: F401  (registers the envs)
from archgym.tables import load_table

ENV_ID = "archgym/MNIST1D-v0"


def steps_per_second(env: gym.Env, steps: int, masks: bool, seed: int = 0) -> dict[str, float]:
    """Random actions for ``steps`` steps (resets included): steps per wall second and per CPU second."""
    rng = np.random.default_rng(seed)
    actions = rng.integers(env.action_space.n, size=steps)  # type: ignore[attr-defined]
    u = env.unwrapped
    env.reset(seed=seed)
    w0, c0 = time.perf_counter(), time.process_time()
    for a in actions:
        if masks:
            u.action_masks()  # type: ignore[attr-defined]
        _, _, term, trunc, _ = env.step(int(a))
        if term or trunc:
            env.reset()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"steps": steps, "wall_s": wall, "cpu_s": cpu, "steps_per_s": steps / wall, "steps_per_cpu_s": steps / cpu}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env", default=ENV_ID)
    p.add_argument("--table", default=None, help="table file (default: the shipped table of the env's dataset)")
    p.add_argument("--steps", type=int, default=None, help="steps per measure (default 50,000; --quick 5,000)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", default=None)
    p.add_argument("--no-doc", action="store_true")
    args = p.parse_args()
    steps = args.steps or (5_000 if args.quick else 50_000)
    kw: dict[str, Any] = {"eval_mode": "table"}
    if args.table:
        kw["table"] = args.table
    env = gym.make(args.env, **kw)
    table = env.unwrapped.evaluator.table  # type: ignore[attr-defined]
    load = os.getloadavg()[0]
    results = {
        "wrapped": steps_per_second(env, steps, masks=False),
        "unwrapped": steps_per_second(env.unwrapped, steps, masks=False),
        "wrapped + action_masks": steps_per_second(env, max(steps // 5, 1000), masks=True),
    }
    load_after = os.getloadavg()[0]
    table = load_table(table.path)
    out = {"env": args.env, "table": str(table.path), "load_avg": [load, load_after], "results": results}
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))

    cmd = "python scripts/bench_table.py" + (f" --env {args.env}" if args.env != ENV_ID else "")
    cmd += f" --table {args.table}" if args.table else ""
    cmd += f" --steps {args.steps}" if args.steps else ""
    rel = os.path.relpath(table.path, Path(__file__).resolve().parents[1])
    lines = [
        '## bench_table: ground-truth tables and `eval_mode="table"`',
        "",
        f"`{cmd}`",
        "",
        machine_line() + f" Load average {load:.1f} / {load_after:.1f} (1 min) on {os.cpu_count()} CPUs before / "
        "after the run (a shared machine: steps per CPU second is the steadier figure).",
        "",
        f"### The table: `{rel}`",
        "",
        "```",
        *table.info_lines(),
        "```",
        "",
        f"Best {min(10, len(table.entries))} of {len(table.entries)} architectures by mean test accuracy "
        f"(over seeds {list(table.seeds)}):",
        "",
        "| arch | mean test acc | sd | mean val acc | params | MACs |",
        "|---|---|---|---|---|---|",
    ]
    for key, acc in table.ranking()[:10]:
        e = table.entries[key]
        lines.append(
            f"| {key} | {acc:.4f} | {float(np.std(e.test_accuracy)):.4f} | {float(np.mean(e.val_accuracy)):.4f} | "
            f"{e.params} | {e.flops} |"
        )
    accs = [a for _, a in table.ranking()]
    lines += [
        "",
        f"Mean test accuracy over the space: min {min(accs):.4f}, median {float(np.median(accs)):.4f}, "
        f"max {max(accs):.4f}. Rebuild (resumable: rerun it after an interruption): "
        f"`{table.meta.get('command', '?')}`.",
        "",
        f"### Table lookups: env steps per second ({args.env}, random action ids, episodes of "
        f"{env.spec.max_episode_steps if env.spec else '?'} steps, resets included)",  # type: ignore[union-attr]
        "",
        "| env | steps | steps / wall s | steps / CPU s | us / step (CPU) |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['steps']} | {r['steps_per_s']:,.0f} | {r['steps_per_cpu_s']:,.0f} | "
            f"{1e6 / r['steps_per_cpu_s']:.1f} |"
        )
    if not args.no_doc:
        update_section("bench_table", "\n".join(lines), quick=args.quick)
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
