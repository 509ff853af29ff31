"""Train RLlib's DQN (new API stack) on an archgym env, locally or on an existing Ray cluster.

Needs the ``ray`` extra: ``pip install "archgym[ray]"`` (RLlib pins its own gymnasium; archgym
supports gymnasium 1.1 and newer).

How to run (from the repository root)::

    python scripts/train_rllib.py --quick                          # 2 iterations, tiny budgets
    python scripts/train_rllib.py --env archgym/DigitsCNN-v0 --iterations 50 --env-runners 2
    python scripts/train_rllib.py --address auto                   # an existing cluster (`ray start --head`)
    python scripts/train_rllib.py --address ray://head:10001       # a remote cluster through Ray Client

Flags:
    --env ID             archgym env id (default archgym/DigitsMLP-v0)
    --register           go through ``ray.tune.registry.register_env`` instead of the ``archgym:<id>`` string
    --iterations N       ``algo.train()`` calls (default 20)
    --env-runners N      remote EnvRunner actors (default 1; 0 samples in the driver)
    --envs-per-runner N  envs per EnvRunner (default 1)
    --steps-per-iter N   env steps sampled per iteration (default 200)
    --num-cpus N         CPUs of a local Ray instance (default: all; ignored with --address)
    --address ADDR       connect to an existing Ray cluster (``auto``, ``ray://host:10001``)
    --env-kwargs K=V ... env preset overrides (e.g. device=cpu eval_mode=scratch)
    --seed N             seed (default 0)
    --quick              2 iterations with tiny child-training budgets (a smoke run)
    --json PATH          write the per-iteration metrics as JSON

Prints one line per iteration: env steps sampled so far and the mean episode return.
The cluster nodes must have archgym installed (or pass it with ``runtime_env={"py_modules": ...}``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archgym.agents.run import parse_kv  # the CLI's k=v parser (values read as YAML)
from archgym.integrations.rllib import dqn_config, register_rllib_env

QUICK_ENV_KWARGS = {"initial_steps": 5, "finetune_steps": 2, "scratch_steps": 5, "train_subset": 200}


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, start (or connect to) Ray, train, print and optionally save the metrics."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env", default="archgym/DigitsMLP-v0")
    p.add_argument("--register", action="store_true")
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--env-runners", type=int, default=1)
    p.add_argument("--envs-per-runner", type=int, default=1)
    p.add_argument("--steps-per-iter", type=int, default=200)
    p.add_argument("--num-cpus", type=int, default=None)
    p.add_argument("--address", default=None)
    p.add_argument("--env-kwargs", nargs="*", default=[])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)

    import ray

    env_config = {"device": "cpu", **(QUICK_ENV_KWARGS if args.quick else {}), **parse_kv(args.env_kwargs)}
    iterations = 2 if args.quick else args.iterations
    steps = 32 if args.quick else args.steps_per_iter

    # 1. Ray: a local instance, or an existing cluster given by --address.
    if args.address:
        ray.init(address=args.address)
    else:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False)

    # 2. The env: the "archgym:<id>" string (gym imports archgym in each worker), or a tune-registered creator.
    env = args.env
    if args.register:
        env = register_rllib_env("archgym-env")
        env_config["env_id"] = args.env

    # 3. The algorithm: DQN on RLlib's new API stack.
    config = dqn_config(
        env,
        env_config,
        num_env_runners=args.env_runners,
        num_envs_per_env_runner=args.envs_per_runner,
        learning_starts=min(100, steps),
        timesteps_per_iteration=steps,
        seed=args.seed,
    )
    algo = config.build_algo()

    # 4. Train.
    history = []
    t0 = time.perf_counter()
    for i in range(iterations):
        result = algo.train()
        runners = result.get("env_runners", {})
        row = {
            "iteration": i + 1,
            "env_steps": int(runners.get("num_env_steps_sampled_lifetime", 0)),
            "episode_return_mean": float(runners.get("episode_return_mean", float("nan"))),
            "seconds": round(time.perf_counter() - t0, 2),
        }
        history.append(row)
        print(
            f"iter {row['iteration']:3d}  env steps {row['env_steps']:6d}  "
            f"return mean {row['episode_return_mean']:+.4f}  ({row['seconds']:.1f}s)"
        )
    algo.stop()
    ray.shutdown()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"env": args.env, "args": vars(args) | {"json": str(args.json)}, "history": history}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
