"""Benchmark of the batched vector env against K separate envs.

Env steps per second (summed over the K sub-envs) of ``archgym/DigitsMLP-v0`` (inherit mode,
random valid non-stop actions, episodes truncated at 10 steps so resets are included) for:

* ``batched`` — ``gym.make_vec(..., vectorization_mode="vector_entry_point")``: the K children
  train together in stacked ``bmm`` kernels (:mod:`archgym.envs.batched`);
* ``sync`` — ``gym.make_vec(..., vectorization_mode="sync")``: K separate envs in one process;
* ``subproc`` — stable-baselines3 ``SubprocVecEnv``: K separate envs in K processes (each with one
  torch thread); skipped above ``--subproc-max`` envs (each process holds its own torch, ~300 MB).

Run (from the repository root)::

    python scripts/bench_vec.py                       # K = 1, 8, 32; writes section bench_vec
    python scripts/bench_vec.py --quick               # K = 1, 8; fewer steps (< 1 min); prints only
    python scripts/bench_vec.py --device cuda --json out.json

Flags: ``--quick``, ``--json PATH``, ``--device auto|cpu|cuda``, ``--ks 1,8,32``, ``--steps N``
(vector steps per configuration), ``--subproc-max N``, ``--eval-mode inherit|scratch``,
``--no-doc``, ``--doc PATH`` (write the section to another file). A CUDA run writes ``bench_vec_cuda``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # SubprocVecEnv workers inherit it
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gymnasium as gym
import numpy as np
import torch
from _benchdoc import machine_line, update_section
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import SubprocVecEnv

import archgym  # noqa: F401  (registers the envs)
from archgym.device import resolve_device

ENV_ID = "archgym/DigitsMLP-v0"


def _actions(masks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    masks = masks.copy()
    masks[:, -1] = False  # no stop: full-length episodes
    return np.array([rng.choice(np.flatnonzero(m)) for m in masks])


def gym_steps_per_s(mode: str, k: int, steps: int, kwargs: dict) -> float:
    """Steps/s of a Gymnasium vector env (``vector_entry_point`` or ``sync``)."""
    venv = gym.make_vec(ENV_ID, num_envs=k, vectorization_mode=mode, **kwargs)
    rng = np.random.default_rng(0)
    venv.reset(seed=0)

    def masks() -> np.ndarray:
        return np.stack(venv.unwrapped.call("action_masks"))

    venv.step(_actions(masks(), rng))
    t0 = time.perf_counter()
    for _ in range(steps):
        venv.step(_actions(masks(), rng))
    dt = time.perf_counter() - t0
    venv.close()
    return steps * k / dt


def subproc_steps_per_s(k: int, steps: int, kwargs: dict) -> float:
    """Steps/s of SB3's ``SubprocVecEnv`` with ``k`` worker processes."""
    # SB3's make_vec_env asks for render_mode="rgb_array" unless one is given; the env renders ansi only
    kw = {**kwargs, "render_mode": "ansi"}
    venv = make_vec_env(ENV_ID, n_envs=k, seed=0, vec_env_cls=SubprocVecEnv, env_kwargs=kw)
    rng = np.random.default_rng(0)
    venv.reset()
    venv.step(_actions(np.stack(venv.env_method("action_masks")), rng))
    t0 = time.perf_counter()
    for _ in range(steps):
        venv.step(_actions(np.stack(venv.env_method("action_masks")), rng))
    dt = time.perf_counter() - t0
    venv.close()
    return steps * k / dt


def main() -> None:
    """Run the benchmark, print it, write the doc section and the JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="K = 1, 8 and fewer steps")
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    p.add_argument("--device", default="cpu", help="auto, cpu or cuda (default cpu)")
    p.add_argument("--ks", default=None, help="comma-separated K values (default 1,8,32; quick 1,8)")
    p.add_argument("--steps", type=int, default=None, help="vector steps per configuration (default 20; quick 6)")
    p.add_argument("--subproc-max", type=int, default=8, help="largest K run with SubprocVecEnv (default 8)")
    p.add_argument("--eval-mode", default="inherit", help="inherit or scratch")
    p.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    p.add_argument(
        "--doc", type=Path, default=None, help="write the section into this file instead of docs/benchmarks.md"
    )
    args = p.parse_args()
    torch.set_num_threads(1)
    dev = resolve_device(args.device)
    device = dev.type if dev.index is None else str(dev)
    ks = [int(x) for x in (args.ks or ("1,8" if args.quick else "1,8,32")).split(",")]
    steps = args.steps or (6 if args.quick else 20)
    kwargs = {"device": device, "eval_mode": args.eval_mode}
    rows = []
    for k in ks:
        row = {
            "k": k,
            "batched": gym_steps_per_s("vector_entry_point", k, steps, kwargs),
            "sync": gym_steps_per_s("sync", k, steps, kwargs),
            "subproc": subproc_steps_per_s(k, steps, kwargs) if k <= args.subproc_max else None,
        }
        rows.append(row)
        print({key: (round(v, 1) if isinstance(v, float) else v) for key, v in row.items()}, flush=True)
    res = {"device": device, "eval_mode": args.eval_mode, "steps": steps, "rows": rows}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
    if not args.no_doc:
        cmd = f"python scripts/bench_vec.py {' '.join(sys.argv[1:])}".strip()
        lines = [
            "## bench_vec: batched vector env vs K separate envs" + (", CUDA" if device.startswith("cuda") else ""),
            "",
            f"Command: `{cmd}`  ",
            machine_line(device) + f" Mode {args.eval_mode}, {steps} vector steps per row, 1 torch thread.",
            "",
            f"Caveat: {os.cpu_count()} CPU cores, which other jobs may share; SubprocVecEnv runs at most that many "
            "workers in parallel. K=1 runs the same kernels in both modes, so its gap measures this machine's noise.",
            "",
            "| K | batched steps/s | sync (K envs, 1 process) | SB3 SubprocVecEnv | batched / sync |",
            "|---|---|---|---|---|",
        ]
        for r in rows:
            sub = f"{r['subproc']:.1f}" if r["subproc"] is not None else "skipped"
            lines.append(
                f"| {r['k']} | {r['batched']:.1f} | {r['sync']:.1f} | {sub} | {r['batched'] / r['sync']:.2f}x |"
            )
        name = "bench_vec" + ("" if device == "cpu" else f"_{device}")
        update_section(name, "\n".join(lines), *([args.doc] if args.doc else []), quick=args.quick)


if __name__ == "__main__":
    main()
