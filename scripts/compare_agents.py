"""Search quality: RL agents against random search, evolution and the other strategies, as anytime curves.

What it does
    For each seed and method it searches the env until ``--budget`` child evaluations were spent (an
    evaluation = a reset or a valid edit: every time the env trained, or looked up, and scored a child),
    writing one ``search.jsonl`` record per evaluation (:class:`archgym.agents.records.SearchLog`). RL
    methods are agent presets (``agents/<name>.yaml``: dqn, qrdqn, maskable_ppo) trained by
    stable-baselines3 and stopped by a callback that counts evaluations; the others are the local
    strategies :data:`archgym.agents.strategies.STRATEGIES` (random, rea, greedy, qlearning, rule).

    Ground truth is a table (:mod:`archgym.tables`): the mean test accuracy over its seeds of every
    architecture of its space. With ``--eval-mode table`` the env looks evaluations up in that table (one
    seed's validation accuracy per evaluation); with a live eval mode (inherit, scratch) the env's search
    space is restricted to the table's grid, children are trained as usual, and the table scores what the
    search found. After ``n`` evaluations a run is scored by the test accuracy of its *incumbent*: the
    architecture with the best validation accuracy it has seen (NAS-Bench practice; ties: the earlier one).
    Regret = the table's best mean test accuracy - that. ``top1pct`` = the best ``ceil(1 % x N)``
    architectures of the table by mean test accuracy.

    Writes: the summary table (docs/benchmarks.md, section ``compare_agents`` for table mode,
    ``compare_agents_live`` for inherit, ``compare_agents_live_<mode>`` for another live mode), the anytime
    curves with their 95 % confidence bands (Student's t over seeds) as a PNG (``docs/<section>.png``, the
    table's ``docs/compare_agents_table.png``), a TensorBoard run (``OUT/tensorboard``, one folder per method,
    step = evaluations, a custom-scalars layout with margin charts) and ``--json``:
    ``{method: {"seeds", "evals_to_top1pct_mean", "final_regret_mean", ...}}``.

Agent hyperparameters
    ``dqn`` is the preset's ``default`` entry updated by the env id's entry; in table mode an entry
    ``<env id>@table`` (the table-tuned one) updates that too. ``dqn@table`` asks for that entry in any
    eval mode (the live confirmation of the tuned preset). ``--hp dqn.gamma=1.0`` overrides one value.

How to run (from the repository root)
    python scripts/compare_agents.py --env archgym/MNIST1D-v0 --eval-mode table --seeds $(seq 0 49) \\
        --json runs/compare_table.json                            # the table benchmark (~15 min on 2 cores)
    python scripts/compare_agents.py --env archgym/MNIST1D-v0 --eval-mode scratch --budget 150 \\
        --seeds $(seq 0 19) --methods dqn@table random rea greedy \\
        --ranking-from runs/compare_table.json                    # a live check (~1 h on 2 cores; inherit: slower)
    python scripts/compare_agents.py --quick                      # smoke run: table mode, 3 seeds; prints only

Flags
    --env ID             env id (default archgym/MNIST1D-v0)
    --eval-mode MODE     the env's eval_mode (default: the preset's; ``table`` looks children up)
    --table PATH         the ground-truth table (default: the shipped table of the env's dataset)
    --budget N           child evaluations per run (default: table 1000, live 100; --quick: 60)
    --seeds S [S ...]    seeds (default 0 1 2)
    --methods M [...]    agent presets (optionally @table) and strategy names (default: dqn random rea greedy qlearning)
    --hp M.k=v [...]     hyperparameter overrides of an agent method (values parsed as YAML)
    --env-kwargs k=v     env overrides, values parsed as YAML
    --device D           auto, cpu or cuda: where the children and the agents' networks live (default cpu)
    --out DIR            run folder (default runs/compare_agents/<mode>); DIR/<method>__<seed>/search.jsonl
    --png PATH           the figure (default: docs/compare_agents_<mode>.png; OUT/compare_agents.png with --quick)
    --json PATH          also write the per-method summary as JSON
    --no-doc             do not touch docs/ (benchmarks.md and the PNG go to OUT)
    --sweep "k=v ..." [...]  tuning: the one agent of --methods once per item (its overrides on top of --hp);
                         writes section compare_agents_tuning instead (no figure); each item's runs in
                         OUT/<item>/ (e.g. OUT/restart_prob=0.25/dqn__100), so --reuse reads every row back
    --no-table-entry     in table mode, use the env id's agent entry, not <env id>@table (the tuning's baseline)
    --ranking-from JSON  compare this run's method ranking with a table run's --json (the live check): the table
                         run ranked as if stopped at this run's budget, and how often this many seeds would show
                         the table's order if this env behaved as the table (a bootstrap of the table run's seeds)
    --section NAME       with --sweep: the benchmarks.md section to write (default compare_agents_tuning;
                         must start with it, e.g. compare_agents_tuning_restarts)
    --note TEXT [...]    paragraphs appended to the section written (what else was tried, where it is)
    --reuse              read back the finished runs in OUT instead of searching again, when their run.json
                         records the same budget, env, table and (agents) hyperparameters; the time
                         reported is the searches' own (OUT/<method>__<seed>/run.json)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse
import json
import math
import re
import shlex
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
import torch
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy.stats import kendalltau
from stable_baselines3.common.callbacks import BaseCallback

import archgym  # noqa: F401  (registers the env ids)
from archgym.agents.anytime import anytime_test_accuracy, first_hit, incumbents, mean_ci, top_fraction
from archgym.agents.records import SearchLog, read_records
from archgym.agents.sb3 import list_agent_presets, load_agent_preset, make_agent, merge_hyperparams, wrap_agent_env
from archgym.agents.strategies import STRATEGIES, make_strategy
from archgym.device import resolve_device
from archgym.tables import Table, load_table, shipped_table

ENV_ID = "archgym/MNIST1D-v0"
DEFAULT_METHODS = ("dqn", "random", "rea", "greedy", "qlearning")
TOP_FRACTION = 0.01
#: evaluation counts at which the JSON reports the mean regret
CHECKPOINTS = (25, 50, 100, 200, 500)
ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- running the searches
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


def agent_hyperparams(
    method: str, env_id: str, eval_mode: str, overrides: Mapping[str, Any], table_entry: bool = True
) -> tuple[str, dict]:
    """The preset name and hyperparameters of an agent method (``dqn`` or ``dqn@table``; see the module doc).

    :param table_entry: in table mode, apply the ``<env id>@table`` entry to a plain ``dqn`` (False: the env id's)
    """
    name, _, entry = method.partition("@")
    preset = load_agent_preset(name)
    hp = preset.hyperparams(env_id)
    key = f"{env_id}@{entry or 'table'}"
    if entry and key not in preset.per_env:
        raise ValueError(f"{preset.path} has no entry {key!r} (method {method!r})")
    if entry or (eval_mode == "table" and table_entry):
        hp = merge_hyperparams(hp, preset.per_env.get(key, {}))
    return name, merge_hyperparams(hp, overrides)


def run_agent(env: gym.Env, method: str, seed: int, log: SearchLog, args: argparse.Namespace) -> None:
    """Train an agent preset on ``env`` until ``budget`` child evaluations were logged (as ``archgym train``)."""
    name, hp = agent_hyperparams(method, args.env, args.mode, args.hp.get(method, {}), not args.no_table_entry)
    algo = load_agent_preset(name).algo
    env = wrap_agent_env(env, hp, seed=seed)  # the preset's restart_prob and reward_scale
    model = make_agent(algo, env, hp, args.budget, seed=seed, device=args.device)
    cb = EvaluationLogger(log, args.budget)
    first = True
    while cb.used < args.budget:  # about one evaluation per step; stops and invalid actions take some away
        model.learn(total_timesteps=max(args.budget - cb.used, 10), callback=cb, reset_num_timesteps=first)
        first = False


def scratch_seed_of(args: argparse.Namespace, seed: int) -> Any:
    """The ``scratch_seed`` a scratch-mode run of ``seed`` trains its children with: ``--env-kwargs``'s, else the
    run's seed (see :func:`make_env`)."""
    return args.env_kwargs.get("scratch_seed", seed)


def make_env(args: argparse.Namespace, table: Table | None, seed: int) -> gym.Env:
    """The env of a run: table mode looks up ``table``; a live mode searches the table's grid (when there is one).

    In scratch mode the run's children train with the run's seed (``scratch_seed``, unless ``--env-kwargs`` sets
    it): the env scores an architecture by one training run, the same one every time it is seen (the seed is part
    of its cache key), so with the preset's fixed ``scratch_seed`` every seed of the benchmark would search the
    same landscape, one draw of the training noise, instead of a draw of its own as a table lookup makes.
    """
    kw: dict[str, Any] = {"device": args.device, **args.env_kwargs}
    if args.mode == "scratch":
        kw["scratch_seed"] = scratch_seed_of(args, seed)
    if args.mode == "table":
        kw.update(eval_mode="table", table=str(table.path) if table is not None else None)
    else:
        kw["eval_mode"] = args.mode
        if table is not None:
            kw.setdefault("search_space", table.space.search_space())
    return gym.make(args.env, **{k: v for k, v in kw.items() if v is not None})


def run_config(method: str, args: argparse.Namespace, table: Table | None, seed: int) -> dict[str, Any]:
    """What makes a run what it is (kept in its ``run.json``; ``--reuse`` reads a run back only when it matches):
    method, budget, env, eval mode, the network every episode starts from (the preset's ``initial`` unless
    ``--env-kwargs`` sets it: a preset whose start moved searches another landscape), env overrides (scratch mode:
    the ``scratch_seed`` :func:`make_env` sets), table and, for an agent, its resolved hyperparameters."""
    config: dict[str, Any] = {
        "method": method,
        "budget": int(args.budget),
        "env": args.env,
        "eval_mode": args.mode,
        "initial": args.env_kwargs.get("initial", gym.spec(args.env).kwargs.get("initial")),
        "env_kwargs": args.env_kwargs,
        "table": None if table is None else table.path.name,
    }
    if args.mode == "scratch":
        config["scratch_seed"] = scratch_seed_of(args, seed)
    if method.partition("@")[0] not in STRATEGIES:
        config["hyperparams"] = agent_hyperparams(
            method, args.env, args.mode, args.hp.get(method, {}), not args.no_table_entry
        )[1]
    return json.loads(json.dumps(config, sort_keys=True, default=str))


def run_method(
    method: str, seed: int, args: argparse.Namespace, table: Table | None, out: Path | None = None
) -> tuple[list[dict], float]:
    """One search run: its records (also in ``OUT/<method>__<seed>/search.jsonl``) and its wall seconds (also in
    ``run.json`` beside it, with :func:`run_config`). With ``--reuse`` a finished run with the same
    :func:`run_config` (budget, hyperparameters, ...) is read back instead; any other run is searched again.

    :param out: the folder of the run folders (default ``--out``; a ``--sweep`` row has its own below it)
    """
    log_path = (out or args.out) / f"{method}__{seed}" / "search.jsonl"
    meta = log_path.with_name("run.json")
    config = run_config(method, args, table, seed)
    if args.reuse and log_path.is_file() and meta.is_file():
        saved = json.loads(meta.read_text())
        records = read_records(log_path)
        if saved.get("config") == config and len(records) == args.budget:
            return records, float(saved["seconds"])
    log_path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    env = make_env(args, table, seed)
    try:
        with SearchLog(log_path) as log:
            if method.partition("@")[0] in STRATEGIES:
                make_strategy(method, env, seed=seed).search(env, args.budget, log)
            else:
                run_agent(env, method, seed, log, args)
    finally:
        env.close()
    seconds = time.perf_counter() - t0
    meta.write_text(
        json.dumps({"method": method, "seed": seed, "budget": args.budget, "seconds": seconds, "config": config}) + "\n"
    )
    return read_records(log_path), seconds


# --------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class Truth:
    """What the table says: mean test accuracy per architecture, its top set and optimum."""

    table: Table
    test_accuracy: dict[str, float]
    top: set[str]
    optimum: tuple[str, float]


def ground_truth(table: Table) -> Truth:
    """Mean test accuracies, the top-1 % set and the optimum of ``table``."""
    ranking = table.ranking("test_accuracy")
    return Truth(table, dict(ranking), top_fraction(ranking, TOP_FRACTION), ranking[0])


def curves(records: Sequence[Mapping[str, Any]], truth: Truth, budget: int) -> np.ndarray:
    """Mean test accuracy of the incumbent after each evaluation ``1..budget``."""
    return anytime_test_accuracy(records, truth.test_accuracy, budget)


def _censored(hits: Sequence[int | None], budget: int) -> list[int]:
    """A seed that never reached the target, or reached it only after ``budget`` evaluations (a run cut short
    afterwards), counts as the whole budget (so the mean is a lower bound)."""
    return [budget if h is None or h > budget else h for h in hits]


def summarise(
    runs: Mapping[str, Mapping[int, list[dict[str, Any]]]], truth: Truth, budget: int
) -> tuple[dict[str, dict[str, Any]], dict[str, np.ndarray]]:
    """Per-method figures and the anytime test-accuracy curves (one row per seed)."""
    out: dict[str, dict[str, Any]] = {}
    acc: dict[str, np.ndarray] = {}
    best = truth.optimum[1]
    for method, by_seed in runs.items():
        rows = np.stack([curves(recs, truth, budget) for recs in by_seed.values()])
        acc[method] = rows
        hits = [first_hit(recs, truth.top) for recs in by_seed.values()]
        inc_hits = []
        for recs in by_seed.values():
            inc = incumbents(recs, budget)
            inc_hits.append(next((i + 1 for i, k in enumerate(inc) if k in truth.top), None))
        ev = _censored(hits, budget)
        regret = best - rows[:, -1]
        _, ev_h = mean_ci(np.array(ev, dtype=float))
        _, rg_h = mean_ci(regret)
        out[method] = {
            "seeds": len(by_seed),
            "budget": budget,
            "evals_to_top1pct_mean": statistics.fmean(ev),
            "evals_to_top1pct_ci95": float(ev_h[0]),
            "evals_to_top1pct_median": float(statistics.median(ev)),
            "reached_top1pct": sum(h is not None for h in hits),
            "incumbent_top1pct_evals_mean": statistics.fmean(_censored(inc_hits, budget)),
            "incumbent_top1pct_reached": sum(h is not None for h in inc_hits),
            "final_regret_mean": float(regret.mean()),
            "final_regret_ci95": float(rg_h[0]),
            "final_test_accuracy_mean": float(rows[:, -1].mean()),
            "regret_mean_at": {str(n): float(best - rows[:, n - 1].mean()) for n in CHECKPOINTS if n <= budget},
            "distinct_archs_mean": statistics.fmean(len({r["arch"] for r in recs}) for recs in by_seed.values()),
            # what at_budget needs to rank this run as if it had stopped earlier (a live check's budget)
            "evals_to_top1pct_per_seed": list(hits),
            "regret_mean_curve": [round(float(best - m), 6) for m in rows.mean(axis=0)],
        }
    return out, acc


def at_budget(entry: Mapping[str, Any], budget: int) -> dict[str, Any]:
    """A method's ranking figures had its runs stopped after ``budget`` evaluations: mean evaluations to a top-1 %
    architecture censored at ``budget`` and the mean regret then. The entry as it is when its own budget is not
    larger, or when it predates the per-seed figures (a JSON of an older run)."""
    hits, curve = entry.get("evals_to_top1pct_per_seed"), entry.get("regret_mean_curve")
    if entry.get("budget", 0) <= budget or hits is None or curve is None:
        return dict(entry)
    return {
        **entry,
        "budget": budget,
        "evals_to_top1pct_mean": statistics.fmean(_censored(hits, budget)),
        "final_regret_mean": float(curve[budget - 1]),
    }


# --------------------------------------------------------------------------- outputs
def figure(acc: Mapping[str, np.ndarray], truth: Truth, title: str) -> Figure:
    """Two panels: incumbent test accuracy and regret vs evaluations, mean with a 95 % band, log x."""
    fig = Figure(figsize=(9.0, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax_acc, ax_reg = fig.subplots(1, 2)
    best = truth.optimum[1]
    floor = 1e-3
    for i, (method, rows) in enumerate(acc.items()):
        x = np.arange(1, rows.shape[1] + 1)
        m, h = mean_ci(rows)
        colour = f"C{i % 10}"
        ax_acc.plot(x, m, color=colour, lw=1.4, label=f"{method} ({rows.shape[0]} seeds)")
        ax_acc.fill_between(x, m - h, m + h, color=colour, alpha=0.2, lw=0)
        r, rh = mean_ci(best - rows)
        ax_reg.plot(x, np.maximum(r, floor), color=colour, lw=1.4)
        ax_reg.fill_between(x, np.maximum(r - rh, floor), np.maximum(r + rh, floor), color=colour, alpha=0.2, lw=0)
    cut = min(v for k, v in truth.test_accuracy.items() if k in truth.top)
    ax_acc.axhline(cut, color="grey", ls="--", lw=0.8, label=f"top 1 % ({len(truth.top)} archs)")
    lows = [float(mean_ci(rows)[0][min(4, rows.shape[1] - 1)]) for rows in acc.values()]
    ax_acc.set_ylim(max(0.0, min(lows) - 0.02), best + 0.01)  # the band where the methods differ
    for ax in (ax_acc, ax_reg):
        ax.set_xscale("log")
        ax.set_xlabel("child evaluations")
        ax.grid(True, alpha=0.3, which="both")
    ax_acc.set_ylabel("test accuracy of the incumbent")
    ax_reg.set_ylabel("regret to the table's optimum")
    ax_reg.set_yscale("log")
    ax_acc.legend(fontsize=7, loc="lower right")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def write_tensorboard(acc: Mapping[str, np.ndarray], truth: Truth, folder: Path) -> None:
    """One run per method (step = evaluations): mean and 95 % band of test accuracy and regret, with a
    custom-scalars layout of margin charts."""
    from torch.utils.tensorboard import SummaryWriter

    layout = {
        "anytime (mean, 95% CI over seeds)": {
            "test accuracy of the incumbent": [
                "Margin",
                ["anytime/test_accuracy", "anytime/test_accuracy_low", "anytime/test_accuracy_high"],
            ],
            "regret to the optimum": ["Margin", ["anytime/regret", "anytime/regret_low", "anytime/regret_high"]],
        }
    }
    best = truth.optimum[1]
    for method, rows in acc.items():
        w = SummaryWriter(log_dir=str(folder / method.replace("/", "_")))
        w.add_custom_scalars(layout)
        m, h = mean_ci(rows)
        for n in range(rows.shape[1]):
            step = n + 1
            w.add_scalar("anytime/test_accuracy", m[n], step)
            w.add_scalar("anytime/test_accuracy_low", m[n] - h[n], step)
            w.add_scalar("anytime/test_accuracy_high", m[n] + h[n], step)
            w.add_scalar("anytime/regret", best - m[n], step)
            w.add_scalar("anytime/regret_low", best - m[n] - h[n], step)
            w.add_scalar("anytime/regret_high", best - m[n] + h[n], step)
        w.close()


def verdict(summary: Mapping[str, Mapping[str, Any]], agent: str) -> list[str]:
    """The issue's goals, computed: agent <= 0.5 x random's evaluations to a top-1 % architecture, <= REA's."""
    if agent not in summary or "random" not in summary:
        return []
    a, r = summary[agent], summary["random"]
    ratio = a["evals_to_top1pct_mean"] / r["evals_to_top1pct_mean"]
    out = [
        f"**{agent} vs random**: {a['evals_to_top1pct_mean']:.1f} vs {r['evals_to_top1pct_mean']:.1f} evaluations to a "
        f"top-1 % architecture ({ratio:.2f}x; goal <= 0.5x): **{'met' if ratio <= 0.5 else 'not met'}**."
    ]
    if "rea" in summary:
        e = summary["rea"]
        ok = a["evals_to_top1pct_mean"] <= e["evals_to_top1pct_mean"]
        out.append(
            f"**{agent} vs REA**: {a['evals_to_top1pct_mean']:.1f} vs {e['evals_to_top1pct_mean']:.1f} "
            f"(goal: no later than REA): **{'met' if ok else 'not met'}**."
        )
    return out


def ranking_line(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """Methods ordered by mean evaluations to a top-1 % architecture, then by final regret."""
    order = _order(summary)
    return "Ranking (mean evaluations to a top-1 % architecture, then final regret): " + " < ".join(order) + "."


def _order(summary: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return sorted(summary, key=lambda m: (summary[m]["evals_to_top1pct_mean"], summary[m]["final_regret_mean"]))


def bootstrap_agreement(
    reference: Mapping[str, Mapping[str, Any]],
    order: Sequence[str],
    seeds: int,
    budget: int | None,
    tau: float,
    draws: int = 10_000,
) -> dict[str, float] | None:
    """How well a run of ``seeds`` seeds can agree with the table's method ``order`` when its methods behave
    exactly as they did on the table: draws ``seeds`` of the table run's seeds per method (with replacement), ranks
    the methods by their mean evaluations to a top-1 % architecture (censored at ``budget``; ties broken at
    random) and returns the fraction of draws in ``order`` (``same_order``), the mean Kendall tau against it
    (``mean_tau``) and the fraction with a tau at most ``tau`` (``tau_at_most``: a small one says the run
    disagrees more than its seeds explain). None when the reference lacks the per-seed figures."""
    per_seed = {m: e.get("evals_to_top1pct_per_seed") for m, e in reference.items()}
    if any(v is None for v in per_seed.values()):
        return None
    rng = np.random.default_rng(0)
    methods = list(order)
    cap = {m: int(min(budget or math.inf, reference[m]["budget"])) for m in methods}
    evals = [np.array(_censored(per_seed[m], cap[m]), dtype=float) for m in methods]
    means = np.stack([rng.choice(e, size=(draws, seeds)).mean(axis=1) for e in evals], axis=1)
    means += rng.random(means.shape) * 1e-6  # ties (e.g. all censored) in a random order
    ranks = means.argsort(axis=1).argsort(axis=1)  # rank of each method (in ``order``) per draw
    n = len(methods)
    target = np.arange(n)
    same = float((ranks == target).all(axis=1).mean())
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    concordant = sum((ranks[:, i] < ranks[:, j]).astype(float) for i, j in pairs)
    taus = (2 * concordant - len(pairs)) / len(pairs)  # no ties in a ranking: tau = (C - D) / pairs
    return {"same_order": same, "mean_tau": float(taus.mean()), "tau_at_most": float((taus <= tau + 1e-9).mean())}


def ranking_agreement(
    summary: Mapping[str, Mapping[str, Any]], reference: Mapping[str, Mapping[str, Any]], budget: int | None = None
) -> str:
    """Whether this run ranks its methods as ``reference`` (a table run's JSON) does: both orders over the
    common methods (``dqn@table`` here is ``dqn`` there) and Kendall's tau between them.

    :param budget: this run's budget. A reference run with a larger one is ranked as if it had stopped there
        (:func:`at_budget`): with fewer evaluations more seeds never reach the top 1 % and count as the budget,
        which can reorder methods, so only the same budget compares like with like. Its order at its own
        budget is named too when that differs.
    """
    name = {m: m.removesuffix("@table") for m in summary}
    common = [m for m in _order(summary) if name[m] in reference]
    if len(common) < 2:
        return "Ranking check: fewer than two methods in common with the table run."
    here = [name[m] for m in common]
    full = _order({name[m]: reference[name[m]] for m in common})
    cut = {m: at_budget(reference[name[m]], budget) for m in common} if budget is not None else {}
    stopped = any(cut[m].get("budget") != reference[name[m]].get("budget") for m in cut)
    ref = _order({name[m]: cut[m] for m in common}) if stopped else full
    tau = float(kendalltau([ref.index(m) for m in here], range(len(here))).statistic)  # two orders: no ties
    same = "the same order" if here == ref else "a different order"
    where = f"on the table stopped at {budget} evaluations" if stopped else "on the table"
    line = (
        f"Ranking check against the table run: here {' < '.join(here)}; {where} {' < '.join(ref)} "
        f"({same}; Kendall tau {tau:+.2f} over {len(common)} methods)."
    )
    n_seeds = min(int(summary[m].get("seeds", 0)) for m in common)
    boot = (
        bootstrap_agreement({name[m]: reference[name[m]] for m in common}, ref, n_seeds, budget, tau)
        if n_seeds
        else None
    )
    if boot is not None:
        line += (
            f" Were this env ranking as the table does, {n_seeds} seeds would show the table's order in "
            f"{boot['same_order']:.0%} of bootstrap draws of the table run's seeds (mean tau {boot['mean_tau']:+.2f}), "
            f"and a tau as low as here's or lower in {boot['tau_at_most']:.0%}."
        )
    if stopped and full != ref:
        own = sorted({int(reference[name[m]]["budget"]) for m in common})
        tau_full = float(kendalltau([full.index(m) for m in here], range(len(here))).statistic)
        line += (
            f" At the table run's own budget ({'/'.join(map(str, own))} evaluations) its order is "
            f"{' < '.join(full)} (Kendall tau {tau_full:+.2f} against here)."
        )
    return line


def doc_name(mode: str) -> str:
    """The benchmarks.md section and figure stem of a run in eval mode ``mode``: ``compare_agents_table`` (its
    section is ``compare_agents``), ``compare_agents_live`` for inherit (the presets' eval mode) and
    ``compare_agents_live_<mode>`` for any other live mode, so a scratch-mode check does not replace it."""
    return (
        "compare_agents_table" if mode == "table" else "compare_agents_live" + ("" if mode == "inherit" else f"_{mode}")
    )


def uniform_line(truth: Truth) -> str:
    """For scale: the mean evaluations to a top-1 % architecture of drawing the table's architectures uniformly
    (NAS-Bench's "random search"; an env that moves by edits cannot, so no method here does): ``(N + 1) / (k + 1)``
    draws without replacement, ``N / k`` with, for ``k`` top architectures among ``N``."""
    n, k = len(truth.test_accuracy), len(truth.top)
    return (
        f"For scale, drawing architectures uniformly from the table (NAS-Bench's random search; this env moves "
        f"by edits, so no method here can) would need {(n + 1) / (k + 1):.1f} evaluations on average without "
        f"replacement, {n / k:.1f} with."
    )


def markdown(summary: Mapping[str, Mapping[str, Any]], args: argparse.Namespace, facts: Mapping[str, Any]) -> str:
    """The benchmarks.md section."""
    from _benchdoc import machine_line

    truth: Truth = facts["truth"]
    t = truth.table
    cmd = "python scripts/compare_agents.py " + shlex.join(args.argv)
    live = "" if args.mode == "table" else " on the table's grid (search_space = the table's space)"
    title = "table lookups" if args.mode == "table" else f"live env, eval_mode={args.mode}"
    lines = [
        f"## compare_agents ({title}): anytime search quality against a ground-truth table",
        "",
        f"Command: `{cmd.strip()}` ({facts['minutes']:.1f} min of searching).  ",
        machine_line(args.device),
        "",
        f"Env `{args.env}` eval_mode `{args.mode}`{live}"
        f"{' with ' + json.dumps(args.env_kwargs) if args.env_kwargs else ''}; budget {args.budget} child "
        f"evaluations per run; {len(args.seeds)} seeds ({args.seeds[0]}..{args.seeds[-1]}). Ground truth: "
        f"`{_rel(t.path)}` ({t.space.describe()}; {t.n_archs} architectures x {len(t.seeds)} seeds). Optimum "
        f"`{truth.optimum[0]}` at {truth.optimum[1]:.4f} mean test accuracy; top 1 % = the best {len(truth.top)} "
        f"architectures (>= {min(truth.test_accuracy[k] for k in truth.top):.4f}). The incumbent after n "
        f"evaluations is the best architecture by the validation accuracy the env reported; its test accuracy "
        f"is the table's mean. A seed that never reached the top 1 % counts as the budget (means are then lower "
        f"bounds). ± = 95 % confidence half-width (Student's t over seeds). {uniform_line(truth)} Agent "
        f"hyperparameters: {facts['agents'] or 'none'}.",
        "",
        f"![anytime curves]({facts['png_rel']})",
        "",
        "| method | evals to top 1 % (mean ± CI) | median | seeds reaching it | incumbent in top 1 % after "
        "(mean) | final regret (mean ± CI) | final test acc | regret @50 | regret @100 | distinct archs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for method, s in summary.items():
        at = s["regret_mean_at"]
        lines.append(
            f"| {method} | {s['evals_to_top1pct_mean']:.1f} ± {s['evals_to_top1pct_ci95']:.1f} "
            f"| {s['evals_to_top1pct_median']:.0f} | {s['reached_top1pct']}/{s['seeds']} "
            f"| {s['incumbent_top1pct_evals_mean']:.1f} | {s['final_regret_mean']:.4f} ± {s['final_regret_ci95']:.4f} "
            f"| {s['final_test_accuracy_mean']:.4f} | {at.get('50', math.nan):.4f} | {at.get('100', math.nan):.4f} "
            f"| {s['distinct_archs_mean']:.1f} |"
        )
    rl = [m for m in summary if m not in STRATEGIES]
    agent = next((m for m in rl if m.partition("@")[0] == "dqn"), rl[0] if rl else "dqn")
    lines += ["", ranking_line(summary), *verdict(summary, agent)]
    if args.ranking_from is not None:
        lines.append(ranking_agreement(summary, json.loads(Path(args.ranking_from).read_text()), args.budget))
    lines += list(facts["notes"])
    return "\n".join(lines)


def _rel(p: Path) -> str:
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def parse_pairs(items: Sequence[str], what: str) -> dict[str, Any]:
    """``k=v`` pairs, values parsed as YAML."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"bad {what} item {item!r}; write key=value, e.g. cost_weight=0.02")
        out[key] = yaml.safe_load(value)
    return out


def parse_hp(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``method.key=value`` items as ``{method: {key: value}}``."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in parse_pairs(items, "--hp").items():
        method, dot, name = key.rpartition(".")
        if not dot or not method:
            raise ValueError(f"bad --hp item {key!r}; write method.key=value, e.g. dqn.gamma=1.0")
        out.setdefault(method, {})[name] = value
    return out


def find_table(args: argparse.Namespace) -> Table:
    """The ground-truth table: ``--table`` or the shipped table of the env's dataset."""
    if args.table is not None:
        return load_table(args.table)
    probe = gym.make(args.env, device="cpu", **{k: v for k, v in args.env_kwargs.items() if k != "eval_mode"})
    task = probe.unwrapped.task
    probe.close()
    return load_table(shipped_table(task.dataset, task.input))


def sweep(args: argparse.Namespace, truth: Truth) -> dict[str, dict[str, Any]]:
    """Tuning: the one agent method of ``--methods`` with each ``--sweep`` item's overrides (on top of ``--hp``)
    over the seeds; writes section ``--section`` (default ``compare_agents_tuning``)."""
    from _benchdoc import machine_line

    (method,) = args.methods
    base = dict(args.hp.get(method, {}))
    t0 = time.perf_counter()
    summary: dict[str, dict[str, Any]] = {}
    for item in args.sweep:
        overrides = {k.removeprefix(f"{method}."): v for k, v in parse_pairs(shlex.split(item), "--sweep").items()}
        args.hp[method] = merge_hyperparams(base, overrides)
        row = args.out / (re.sub(r"[^A-Za-z0-9_.=-]+", "_", item.strip()) or "preset")  # rows never share runs
        done = {seed: run_method(method, seed, args, truth.table, row) for seed in args.seeds}
        runs = {method: {seed: records for seed, (records, _) in done.items()}}
        summary[item or "(preset)"] = summarise(runs, truth, args.budget)[0][method]
        s = summary[item or "(preset)"]
        s["seconds_per_run_mean"] = statistics.fmean(took for _, took in done.values())
        print(f"{item or '(preset)'}: {s['evals_to_top1pct_mean']:.1f} evaluations to top 1 %", flush=True)
    _, hp = agent_hyperparams(method, args.env, args.mode, base, not args.no_table_entry)
    hp.pop("n_timesteps", None)
    cmd = "python scripts/compare_agents.py " + shlex.join(args.argv)
    lines = [
        f"## {args.section}: {method} hyperparameters on the table (eval_mode {args.mode})",
        "",
        f"Command: `{cmd}` ({(time.perf_counter() - t0) / 60:.1f} min).  ",
        machine_line(args.device),
        "",
        f"Each row: {method} with the row's overrides on top of `{json.dumps(hp, sort_keys=True)}`; "
        f"{len(args.seeds)} seeds, budget {args.budget} evaluations (a seed that never reached the top 1 % "
        f"counts as {args.budget}); ground truth `{_rel(truth.table.path)}` ({truth.table.n_archs} architectures, "
        f"top 1 % = {len(truth.top)}).",
        "",
        "| overrides | evals to top 1 % (mean ± CI) | median | seeds reaching it | final regret | regret @100 "
        "| seconds per run |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for item, s in summary.items():
        lines.append(
            f"| `{item}` | {s['evals_to_top1pct_mean']:.1f} ± {s['evals_to_top1pct_ci95']:.1f} "
            f"| {s['evals_to_top1pct_median']:.0f} | {s['reached_top1pct']}/{s['seeds']} "
            f"| {s['final_regret_mean']:.4f} | {s['regret_mean_at'].get('100', math.nan):.4f} "
            f"| {s['seconds_per_run_mean']:.1f} |"
        )
    for note in args.note:
        lines += ["", note]
    publish("\n".join(lines), summary, args, args.section)
    return summary


def publish(text: str, summary: Mapping[str, Any], args: argparse.Namespace, section: str) -> None:
    """Print the section, write ``--json`` and (unless ``--no-doc``) the benchmarks.md ``section``."""
    from _benchdoc import update_section

    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    if not args.no_doc:
        update_section(section, text, quick=args.quick)


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Run the comparison; returns the summary."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env", default=ENV_ID)
    p.add_argument("--eval-mode", dest="mode", default=None)
    p.add_argument("--table", type=Path, default=None)
    p.add_argument("--budget", type=int, default=None)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS))
    p.add_argument("--hp", nargs="*", default=[])
    p.add_argument("--env-kwargs", nargs="*", default=[])
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--png", type=Path, default=None)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--sweep", nargs="+", default=None)
    p.add_argument("--no-table-entry", action="store_true")
    p.add_argument("--ranking-from", type=Path, default=None)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--section", default="compare_agents_tuning")
    p.add_argument("--note", nargs="+", default=[])
    args = p.parse_args(argv)
    if not args.section.startswith("compare_agents_tuning") or not args.section.replace("_", "").isalnum():
        p.error(f"--section must be compare_agents_tuning or compare_agents_tuning_<name>, got {args.section!r}")
    if args.section != "compare_agents_tuning" and args.sweep is None:
        p.error("--section names the section of a --sweep; a plain run writes compare_agents / compare_agents_live*")
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.env_kwargs = parse_pairs(args.env_kwargs, "--env-kwargs")
    args.hp = parse_hp(args.hp)
    args.mode = args.mode or (
        "table" if args.quick else gym.spec(args.env).kwargs.get("eval_mode", "inherit")  # type: ignore[union-attr]
    )
    args.budget = args.budget or (60 if args.quick else 1000 if args.mode == "table" else 100)
    if args.budget < 1:
        p.error(f"--budget must be >= 1, got {args.budget}")
    agents = set(list_agent_presets())
    for m in args.methods:
        if m not in STRATEGIES and m.partition("@")[0] not in agents:
            p.error(
                f"unknown method {m!r}; valid: {', '.join(sorted(agents | set(STRATEGIES)))} (agents may end in @table)"
            )
    unknown_hp = sorted(set(args.hp) - set(args.methods))
    if unknown_hp:
        p.error(f"--hp names method(s) {unknown_hp} that are not in --methods")
    args.device = str(resolve_device(args.device))
    args.out = args.out or Path("runs/compare_agents") / args.mode
    writes_docs = not (args.quick or args.no_doc)
    png = args.png or (ROOT / "docs" / f"{doc_name(args.mode)}.png" if writes_docs else args.out / "compare_agents.png")
    torch.set_num_threads(1)

    table = find_table(args)
    truth = ground_truth(table)
    if args.sweep is not None:
        return sweep(args, truth)
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {m: {} for m in args.methods}
    seconds = 0.0
    for method in args.methods:
        spent = 0.0
        for seed in args.seeds:
            runs[method][seed], took = run_method(method, seed, args, table)
            spent += took
        seconds += spent
        hits = [first_hit(r, truth.top) for r in runs[method].values()]
        print(
            f"{method:>12}: {len(args.seeds)} seeds x {args.budget} evaluations in {spent:.0f}s; "
            f"top 1 % reached by {sum(h is not None for h in hits)} seeds",
            flush=True,
        )
    summary, acc = summarise(runs, truth, args.budget)
    title = f"{args.env} eval_mode={args.mode}: {len(args.seeds)} seeds, mean and 95 % CI"
    png.parent.mkdir(parents=True, exist_ok=True)
    figure(acc, truth, title).savefig(png)
    write_tensorboard(acc, truth, args.out / "tensorboard")
    agent_hp = []
    for m in args.methods:
        if m not in STRATEGIES:
            _, hp = agent_hyperparams(m, args.env, args.mode, args.hp.get(m, {}), not args.no_table_entry)
            agent_hp.append(
                f"{m} = `{json.dumps({k: v for k, v in hp.items() if k != 'n_timesteps'}, sort_keys=True)}`"
            )
    facts = {
        "minutes": seconds / 60,
        "truth": truth,
        "png_rel": _rel(png).removeprefix("docs/"),
        "agents": "; ".join(agent_hp),
        "notes": ["", *args.note] if args.note else [],
    }
    section = doc_name(args.mode).replace("compare_agents_table", "compare_agents")
    publish(markdown(summary, args, facts), summary, args, section)
    print(f"figure: {png}; TensorBoard: {args.out / 'tensorboard'}")
    return summary


if __name__ == "__main__":
    main()
