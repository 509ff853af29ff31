"""Search quality: DQN against random search and greedy hill climbing at an equal budget of child evaluations.

What it does
    For each seed and method it searches ``archgym/DigitsMLP-v0`` until ``--budget`` child
    evaluations were spent (an evaluation = a reset or a valid edit: every time the env trained and
    scored a child), writing one ``search.jsonl`` record per evaluation through
    :class:`archgym.agents.records.SearchLog`. DQN is ``stable_baselines3.DQN`` with the
    hyperparameters of ``agents/dqn.yaml`` (``default`` + the env's entry), stopped by a callback
    that counts evaluations from the step ``infos`` (and the VecEnv's ``reset_infos``); the
    baselines are :data:`archgym.agents.baselines.STRATEGIES`. It then reports, per method, the best
    score found (mean +- std over seeds) and the evaluations needed to reach 99% of the best score
    any method found, writes the table into docs/benchmarks.md (section ``compare_agents``) and a
    report figure (``archgym.agents.report.make_report``) of the first seed's runs.

How to run (from the repository root)
    python scripts/compare_agents.py                 # full: budget 1000, seeds 0 1 2 (~10 min on 2 cores)
    python scripts/compare_agents.py --quick         # smoke run: budget 40, seeds 0 1 2 (~1 min); prints only

Flags
    --budget N          child evaluations per run (default 1000; --quick: 40)
    --seeds S [S ...]   seeds (default 0 1 2; at least 3 for the doc table)
    --methods M [...]   any of dqn and the baseline names (default: dqn random greedy)
    --env ID            env id (default archgym/DigitsMLP-v0)
    --env-kwargs k=v    env overrides, values parsed as YAML (e.g. cost_weight=0.02 eval_mode=scratch)
    --device D          auto, cpu or cuda: where the children (and the DQN network) live (default cpu)
    --out DIR           run folder (default: runs/compare_agents); each run writes DIR/<method>__<seed>/search.jsonl
    --json PATH         also write {method: {best_score_mean, best_score_std, evals_to_99pct_mean, ...}}
    --no-doc            do not touch docs/benchmarks.md
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse
import json
import math
import shlex
import statistics
import time
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import torch
import yaml
from stable_baselines3 import DQN
from stable_baselines3.common.callbacks import BaseCallback

import archgym  # noqa: F401  (registers the env ids)
from archgym.agents.baselines import STRATEGIES, make_strategy
from archgym.agents.records import SearchLog, read_records
from archgym.agents.report import make_report
from archgym.agents.sb3 import algo_kwargs, load_agent_preset, scale_reward
from archgym.device import resolve_device

ENV_ID = "archgym/DigitsMLP-v0"
DEFAULT_METHODS = ("dqn", "random", "greedy")


class EvaluationLogger(BaseCallback):
    """Writes a SearchLog record per child evaluation seen in the step ``infos`` and stops at ``budget``.

    A step evaluated a child when its ``info["evaluations"]`` grew; an auto-reset after a finished
    episode evaluates the new initial child, whose info SB3 keeps in ``training_env.reset_infos``.

    :param log: the search log
    :param budget: child evaluations after which training stops (exactly ``budget`` records)
    """

    def __init__(self, log: SearchLog, budget: int) -> None:
        super().__init__()
        self.log = log
        self.budget = budget
        self.used = 0
        self._prev: list[int] = []
        self._episode: list[int] = []

    def _record(self, info: Mapping[str, Any], env: int) -> None:
        if self.used < self.budget:
            self.used += 1
            self.log.write_info(
                info, step=self.num_timesteps, episode=self._episode[env], evaluation=self.used, env=env
            )

    def _on_training_start(self) -> None:
        n = self.training_env.num_envs
        if not self._prev:  # first learn() call: log the initial resets
            self._prev, self._episode = [0] * n, [0] * n
            for i, info in enumerate(self.training_env.reset_infos):
                self._record(info, i)
                self._prev[i] = info["evaluations"]

    def _on_step(self) -> bool:
        for i, (info, done) in enumerate(zip(self.locals["infos"], self.locals["dones"], strict=True)):
            if info["evaluations"] > self._prev[i]:
                self._record(info, i)
            self._prev[i] = info["evaluations"]
            if done:
                self._episode[i] += 1
                reset_info = self.training_env.reset_infos[i]
                self._record(reset_info, i)
                self._prev[i] = reset_info["evaluations"]
        return self.used < self.budget


def dqn_hyperparams(env_id: str) -> tuple[dict[str, Any], str]:
    """Hyperparameters for DQN from ``agents/dqn.yaml`` (default entry merged with the env's), and the file."""
    preset = load_agent_preset("dqn")
    root = Path(__file__).resolve().parents[1]
    path = Path(preset.path) if preset.path else None
    where = str(path.relative_to(root)) if path and path.is_relative_to(root) else str(path)
    return preset.hyperparams(env_id), where


def run_dqn(env: gym.Env, seed: int, budget: int, log: SearchLog, env_id: str, device: str) -> None:
    """Train DQN on ``env`` until ``budget`` child evaluations were logged (trained as ``archgym train`` does)."""
    hp, _ = dqn_hyperparams(env_id)
    env = scale_reward(env, hp)  # the preset's reward_scale, exactly as archgym train applies it
    # about one evaluation per timestep (resets add some, stop and invalid actions take some away)
    model = DQN(hp.get("policy", "MlpPolicy"), env, seed=seed, device=device, **algo_kwargs("dqn", hp, budget))
    cb = EvaluationLogger(log, budget)
    first = True
    while cb.used < budget:
        model.learn(total_timesteps=max(budget - cb.used, 10), callback=cb, reset_num_timesteps=first)
        first = False


def run_method(method: str, seed: int, args: argparse.Namespace, env_kwargs: dict[str, Any], out: Path) -> Path:
    """One search run; returns its run dir."""
    run_dir = out / f"{method}__{seed}"
    log_path = run_dir / "search.jsonl"
    if log_path.exists():
        log_path.unlink()
    env = gym.make(args.env, device=args.device, **env_kwargs)
    with SearchLog(log_path) as log:
        if method == "dqn":
            run_dqn(env, seed, args.budget, log, args.env, args.device)
        else:
            make_strategy(method, env, seed=seed).search(env, args.budget, log)
    env.close()
    return run_dir


def evals_to_reach(records: Sequence[Mapping[str, Any]], threshold: float) -> int | None:
    """First evaluation number whose score reaches ``threshold`` (None: never)."""
    for r in sorted(records, key=lambda r: r["evaluation"]):
        if r["score"] >= threshold:
            return int(r["evaluation"])
    return None


def late_mean(records: Sequence[Mapping[str, Any]], fraction: float = 0.3) -> float:
    """Mean score of the last ``fraction`` of the records (by evaluation number)."""
    recs = sorted(records, key=lambda r: r["evaluation"])
    return statistics.fmean(r["score"] for r in recs[-max(1, round(fraction * len(recs))) :])


def summarise(runs: Mapping[str, Mapping[int, list[dict[str, Any]]]], budget: int) -> dict[str, dict[str, Any]]:
    """Per-method figures from the records of every (method, seed)."""
    best_all = max(r["score"] for by_seed in runs.values() for recs in by_seed.values() for r in recs)
    threshold = best_all - 0.01 * abs(best_all)
    out: dict[str, dict[str, Any]] = {}
    for method, by_seed in runs.items():
        bests = [max(r["score"] for r in recs) for recs in by_seed.values()]
        reach = [evals_to_reach(recs, threshold) for recs in by_seed.values()]
        best_rec = max((r for recs in by_seed.values() for r in recs), key=lambda r: r["score"])
        out[method] = {
            "best_score_mean": statistics.fmean(bests),
            "best_score_std": statistics.stdev(bests) if len(bests) > 1 else 0.0,
            # a seed that never reached the threshold counts as the whole budget (a lower bound)
            "evals_to_99pct_mean": statistics.fmean(budget if n is None else n for n in reach),
            "reached_99pct": sum(n is not None for n in reach),
            "seeds": len(bests),
            "distinct_archs_mean": statistics.fmean(len({r["arch"] for r in recs}) for recs in by_seed.values()),
            # what the policy visits once it has learned: mean score of the last 30% of the evaluations
            "late_score_mean": statistics.fmean(late_mean(recs) for recs in by_seed.values()),
            "best_arch": best_rec["arch"],
            "best_score": best_rec["score"],
        }
    out["_all"] = {"best_score": best_all, "threshold_99pct": threshold}
    return out


def markdown(summary: Mapping[str, Mapping[str, Any]], args: argparse.Namespace, facts: Mapping[str, Any]) -> str:
    """The benchmarks.md section."""
    from _benchdoc import machine_line

    cmd = "python scripts/compare_agents.py " + shlex.join(args.argv)
    allb = summary["_all"]
    lines = [
        "## compare_agents: DQN vs random search vs greedy at an equal budget of child evaluations",
        "",
        f"Command: `{cmd.strip()}` ({facts['minutes']:.1f} min).  ",
        machine_line(args.device),
        "",
        f"Env `{args.env}`{' with ' + json.dumps(facts['env_kwargs']) if facts['env_kwargs'] else ''}; "
        f"budget {args.budget} child evaluations per run (resets and valid edits); seeds {args.seeds}; "
        f"DQN hyperparameters from {facts['dqn_source']}. Score = val accuracy - cost term (the env's). "
        f"Best score any method found: {allb['best_score']:.4f}; 99% of it: {allb['threshold_99pct']:.4f}.",
        "",
        "| method | best score (mean ± std) | evals to 99% of best (mean) | seeds reaching it "
        "| distinct archs (mean) | mean score, last 30% of evals | best arch (score) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for method, s in summary.items():
        if method.startswith("_"):
            continue
        lines.append(
            f"| {method} | {s['best_score_mean']:.4f} ± {s['best_score_std']:.4f} | {s['evals_to_99pct_mean']:.1f} "
            f"| {s['reached_99pct']}/{s['seeds']} | {s['distinct_archs_mean']:.1f} | {s['late_score_mean']:.4f} "
            f"| `{s['best_arch']}` ({s['best_score']:.4f}) |"
        )
    lines += ["", *facts["notes"]]
    return "\n".join(lines)


def notes(summary: Mapping[str, Mapping[str, Any]], runs: Mapping[str, Mapping[int, list]], initial: str) -> list[str]:
    """Computed observations: DQN vs random, and whether the start architecture is already the best."""
    out = []
    if "dqn" in summary and "random" in summary:
        d, r = summary["dqn"], summary["random"]
        diff = d["best_score_mean"] - r["best_score_mean"]
        spread = math.hypot(d["best_score_std"], r["best_score_std"])
        verdict = "beats" if diff > spread else ("trails" if diff < -spread else "ties with (within the seed spread)")
        out.append(
            f"DQN {verdict} random search: mean best score {d['best_score_mean']:.4f} vs {r['best_score_mean']:.4f} "
            f"(difference {diff:+.4f}, combined std {spread:.4f})."
        )
    init_scores = [r["score"] for by in runs.values() for recs in by.values() for r in recs if r["arch"] == initial]
    if init_scores:
        share = sum(
            max(recs, key=lambda r: r["score"])["arch"] == initial for by in runs.values() for recs in by.values()
        )
        total = sum(len(by) for by in runs.values())
        out.append(
            f"The initial architecture `{initial}` scored {min(init_scores):.4f} to {max(init_scores):.4f} over its "
            f"{len(init_scores)} evaluations (resets with fresh seeds, and re-visits); it is the best architecture of "
            f"{share} of the {total} runs."
        )
    return out


def parse_env_kwargs(items: Sequence[str]) -> dict[str, Any]:
    """``k=v`` pairs, values parsed as YAML."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"bad --env-kwargs item {item!r}; write key=value, e.g. cost_weight=0.02")
        out[key] = yaml.safe_load(value)
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Run the comparison; returns the summary."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=int, default=None)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS), choices=["dqn", *STRATEGIES])
    p.add_argument("--env", default=ENV_ID)
    p.add_argument("--env-kwargs", nargs="*", default=[])
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", type=Path, default=Path("runs/compare_agents"))
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.budget = args.budget or (40 if args.quick else 1000)
    args.device = str(resolve_device(args.device))
    if args.budget < 1:
        p.error(f"--budget must be >= 1, got {args.budget}")
    env_kwargs = parse_env_kwargs(args.env_kwargs)
    torch.set_num_threads(1)

    t0 = time.perf_counter()
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {m: {} for m in args.methods}
    first_dirs = []
    for seed in args.seeds:
        for method in args.methods:
            t = time.perf_counter()
            run_dir = run_method(method, seed, args, env_kwargs, args.out)
            recs = read_records(run_dir / "search.jsonl")
            runs[method][seed] = recs
            if seed == args.seeds[0]:
                first_dirs.append(run_dir)
            best = max(recs, key=lambda r: r["score"])
            print(
                f"{method:>9} seed {seed}: {len(recs)} evaluations in {time.perf_counter() - t:.0f}s, "
                f"best {best['score']:.4f} {best['arch']}",
                flush=True,
            )
    summary = summarise(runs, args.budget)
    initial = gym.make(args.env, device="cpu", **env_kwargs).unwrapped.initial_arch.key()
    facts = {
        "minutes": (time.perf_counter() - t0) / 60,
        "env_kwargs": env_kwargs,
        "dqn_source": dqn_hyperparams(args.env)[1],
        "notes": notes(summary, runs, initial),
    }
    png, _ = make_report(first_dirs, args.out / "report")
    text = markdown(summary, args, facts)
    print(text)
    print(f"figure of seed {args.seeds[0]}: {png}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        keys = (
            "best_score_mean",
            "best_score_std",
            "evals_to_99pct_mean",
            "reached_99pct",
            "distinct_archs_mean",
            "late_score_mean",
        )
        payload = {m: {k: s[k] for k in keys} for m, s in summary.items() if not m.startswith("_")}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    if not args.no_doc:
        from _benchdoc import update_section

        update_section("compare_agents", text, quick=args.quick)
    return summary


if __name__ == "__main__":
    main()
