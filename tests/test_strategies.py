"""The strategies package: the split (registry, re-export, module sizes), regularized evolution (REA) on a
synthetic ground-truth table and on a live env, and the anytime analysis of archgym.agents.anytime.

Synthetic tables are written straight through :class:`archgym.tables.TableStore` (no training: milliseconds)
with a known landscape, so the tests can assert what a search must find.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any, cast

import gymnasium as gym
import numpy as np
import pytest

import archgym  # noqa: F401  (registers the env ids)
import archgym.agents.baselines as baselines
import archgym.agents.strategies as strategies
from archgym.agents.anytime import anytime_test_accuracy, first_hit, incumbents, mean_ci, top_fraction
from archgym.agents.records import SearchLog, read_records
from archgym.agents.strategies import STRATEGIES, RegularizedEvolution, fork_env, make_strategy, register_strategy
from archgym.agents.strategies.base import SearchStrategy, edit_moves
from archgym.arch import Architecture, parse_layers
from archgym.tables import TableSpace, TableStore, load_table
from archgym.tables.store import Result
from tests.conftest import FAST_ENV_KWARGS

MNIST1D = "archgym/MNIST1D-v0"
#: the network every MNIST1D-v0 episode starts from (the preset's initial)
START = "1x40-[c12k5,16]-10"
#: 24 architectures around MNIST1D-v0's start [c12k5, 16]: conv 4/12/20, dense 16/64, depth 1-2
SPACE = {
    "min_depth": 1,
    "max_depth": 2,
    "conv": {"min": 4, "max": 20, "step": 8, "kernel": 5},
    "dense": {"min": 16, "max": 64, "step": 48},
}


def landscape(arch: Architecture) -> float:
    """A smooth, known accuracy: conv channels help most, depth a little; the optimum is [c20k5,c20k5]."""
    conv = sum(x.width for x in arch.layers if x.kind == "conv")
    dense = sum(x.width for x in arch.layers if x.kind == "dense")
    return 0.3 + 0.012 * conv + 0.001 * dense


def write_table(path: Path, space: dict[str, Any] = SPACE, seeds: int = 3, noise: float = 0.01) -> Path:
    """A complete table of ``space`` on MNIST-1D's shapes: val/test = :func:`landscape` + seeded noise."""
    sp = TableSpace.from_dict(space, (1, 40), 10)
    rng = np.random.default_rng(0)
    rows = []
    for a in sp.architectures():
        base = landscape(a)
        for s in range(seeds):
            val, test = base + rng.normal(0, noise), base + rng.normal(0, noise)
            rows.append(Result(a.key(), s, val, test, 1.0, val + 0.05, a.params(), a.flops(), 10.0, 0.01))
    meta = {
        "format": "archgym-table",
        "schema": 1,
        "space": sp.to_dict(),
        "seeds": list(range(seeds)),
        "task": {"dataset": "mnist1d", "input": "sequence"},
        "env_id": MNIST1D,
    }
    with TableStore(path, create=True) as store:
        store.add(rows, meta)
    return path


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_table(tmp_path_factory.mktemp("tables") / "synthetic.sqlite")


def table_env(table: Path, **kwargs: Any) -> gym.Env:
    return gym.make(MNIST1D, eval_mode="table", table=str(table), cost_weight=0.0, **kwargs)


def search(strategy: SearchStrategy, env: gym.Env, budget: int, path: Path) -> list[dict[str, Any]]:
    with SearchLog(path) as log:
        strategy.search(env, budget, log)
    return read_records(path)


# --------------------------------------------------------------------------- the package
def test_registry_names_every_strategy_and_baselines_re_exports_it() -> None:
    assert sorted(STRATEGIES) == ["greedy", "qlearning", "random", "rea", "rule"]
    for name, cls in STRATEGIES.items():
        assert cls.name == name and issubclass(cls, SearchStrategy)
    # the old import path still works and hands out the same objects
    for name in baselines.__all__:
        assert getattr(baselines, name) is getattr(strategies, name)


def test_no_strategy_module_exceeds_400_lines() -> None:
    folder = Path(strategies.__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in folder.glob("*.py")}
    assert {"base.py", "registry.py", "evolution.py", "greedy.py", "rule.py", "qlearning.py"} <= set(sizes)
    assert max(sizes.values()) <= 400, sizes


def test_make_strategy_and_register_name_the_valid_choices(table: Path) -> None:
    env = table_env(table)
    with pytest.raises(ValueError, match=r"unknown strategy 'evo'; valid: .*rea"):
        make_strategy("evo", env)
    with pytest.raises(ValueError, match="taken by RandomSearch"):
        register_strategy(RegularizedEvolution, "random")
    for bad in ({"population_size": 0}, {"sample_size": 0}, {"population_size": 2.5}):
        with pytest.raises(ValueError, match="must be an int >= 1"):
            RegularizedEvolution(env, **bad)


# --------------------------------------------------------------------------- REA
class TracedREA(RegularizedEvolution):
    """REA that remembers each cycle's parent architecture and its one-edit neighbours."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycles: list[tuple[str, set[str], list[int]]] = []

    def select_parent(self) -> Any:
        parent = super().select_parent()
        u = parent.env
        neighbours = {u.preview(int(a)).key() for a in edit_moves(u)}
        self.cycles.append((u.architecture.key(), neighbours, [m.born for m in self.population]))
        return parent


def test_rea_mutates_by_one_valid_edit_and_ages_out_the_oldest(table: Path, tmp_path: Path) -> None:
    env = table_env(table)
    rea = TracedREA(env, seed=3, population_size=6, sample_size=3)
    recs = search(rea, env, 40, tmp_path / "rea.jsonl")
    assert [r["evaluation"] for r in recs] == list(range(1, 41))
    assert recs[0]["arch"] == START  # the reset: the env's initial network
    assert len(rea.cycles) == 39
    for (parent, neighbours, _), child in zip(rea.cycles, recs[1:], strict=True):
        assert child["arch"] in neighbours and child["arch"] != parent  # exactly one valid edit
    # the queue holds the newest evaluations: at cycle i (before its child joins), births max(1, i-5)..i
    for i, (_, _, born) in enumerate(rea.cycles, start=1):
        assert born == list(range(max(1, i - 5), i + 1))
    assert [m.born for m in rea.population] == list(range(35, 41))
    assert env.unwrapped.architecture.key() == START  # the caller's env stays at its reset


def test_rea_selects_the_best_of_its_sample(table: Path) -> None:
    env = table_env(table)
    rea = RegularizedEvolution(env, seed=0, population_size=4, sample_size=4)
    env.reset(seed=0)
    from archgym.agents.strategies.evolution import Member

    rea.population.extend(Member(s, None, {}, i) for i, s in enumerate([0.2, 0.9, 0.5, 0.1]))
    draws = np.random.default_rng(0).integers(4, size=4)  # the sample the strategy's RNG will draw
    assert rea.select_parent().score == max([0.2, 0.9, 0.5, 0.1][i] for i in draws)
    rea.sample_size = 64  # a large sample contains the best member
    assert rea.select_parent().score == 0.9


def test_rea_is_a_function_of_its_seed(table: Path, tmp_path: Path) -> None:
    def run(seed: int, name: str) -> list[tuple[str, float]]:
        env = table_env(table)
        recs = search(RegularizedEvolution(env, seed=seed, population_size=5, sample_size=2), env, 30, tmp_path / name)
        return [(r["arch"], r["val_accuracy"]) for r in recs]

    assert run(1, "a.jsonl") == run(1, "b.jsonl")
    assert run(1, "a2.jsonl") != run(2, "c.jsonl")


def test_rea_children_of_one_parent_draw_independent_table_seeds(table: Path) -> None:
    """Two forks of one parent get fresh env RNGs: the same edit looks up different table seeds."""
    env = table_env(table)
    rea = RegularizedEvolution(env, seed=0)
    env.reset(seed=0)
    from archgym.agents.strategies.evolution import Member

    parent = Member(0.0, fork_env(env.unwrapped), {"evaluations": 1}, 1)
    widen = env.unwrapped.action_meanings().index("widen layer 0")
    vals = set()
    for _ in range(12):
        child, _ = rea._mutate(parent)
        vals.add(child.step(widen)[4]["val_accuracy"])
    assert len(vals) == 3  # the table's three seeds all turn up


def test_rea_finds_the_optimum_sooner_than_random_search(table: Path, tmp_path: Path) -> None:
    """On a smooth landscape evolution must beat random walks: mean evaluations to the optimum over 16 seeds
    from the far corner [c4k5, 16] (measured: 31.9 vs 65.3 over 20 seeds; random walks from the start keep going
    back to small networks). From the preset's start [c12k5, 16], one widen nearer, random walks hit it sooner."""
    opt = load_table(table).optimum()
    assert opt is not None and opt[0] == "1x40-[c20k5,c20k5]-10"

    def evals_to_opt(name: str, seed: int) -> int:
        env = table_env(table, initial=["c4k5", 16])
        recs = search(make_strategy(name, env, seed=seed), env, 150, tmp_path / f"{name}{seed}.jsonl")
        hit = first_hit(recs, {opt[0]})
        return 151 if hit is None else hit

    rea = np.mean([evals_to_opt("rea", s) for s in range(16)])
    rnd = np.mean([evals_to_opt("random", s) for s in range(16)])
    assert rea < 0.75 * rnd, (rea, rnd)


def test_rea_on_a_live_env_inherits_weights_through_forks(tmp_path: Path) -> None:
    env = gym.make("archgym/DigitsMLP-v0", **FAST_ENV_KWARGS)
    rea = RegularizedEvolution(env, seed=0, population_size=3, sample_size=2)
    recs = search(rea, env, 8, tmp_path / "live.jsonl")
    assert len(recs) == 8 and all(math.isfinite(r["val_accuracy"]) for r in recs)
    assert len(rea.population) == 3
    assert len({id(m.env.child) for m in rea.population}) == 3  # each member holds its own trained child
    obs, _ = env.reset(seed=0)
    action, _ = rea.predict(obs)  # moves towards the best evaluated neighbour, or stops
    assert 0 <= int(action) < env.action_space.n


def test_fork_env_shares_the_table_and_copies_the_episode(table: Path) -> None:
    env = table_env(table)
    env.reset(seed=0)
    u = env.unwrapped
    f = fork_env(u)
    assert f is not u and f.evaluator is not u.evaluator
    assert f.evaluator.table is u.evaluator.table and f.action_table is u.action_table
    f.step(u.action_meanings().index("widen layer 0"))
    assert f.architecture.key() != u.architecture.key() == START


# --------------------------------------------------------------------------- anytime analysis
def test_anytime_curves_follow_the_best_by_validation(table: Path, tmp_path: Path) -> None:
    t = load_table(table)
    test_acc = {k: t.mean(k) for k in t.entries}
    recs = [
        {"evaluation": 1, "arch": "1x40-[c4k5,16]-10", "val_accuracy": 0.40},
        {"evaluation": 2, "arch": "1x40-[c20k5]-10", "val_accuracy": 0.55},
        {"evaluation": 3, "arch": "1x40-[c12k5]-10", "val_accuracy": 0.50},  # worse by validation: not taken
    ]
    curve = anytime_test_accuracy(recs, test_acc, 5)
    assert curve.tolist() == [test_acc["1x40-[c4k5,16]-10"]] + [test_acc["1x40-[c20k5]-10"]] * 4
    assert incumbents(recs, 2) == ["1x40-[c4k5,16]-10", "1x40-[c20k5]-10"]
    ranking = t.ranking()
    top = top_fraction(ranking, 0.05)  # 24 archs: 5 % is the best 2 (ceil)
    assert top == {k for k, _ in ranking[:2]}
    assert first_hit(recs, top) is None
    with pytest.raises(KeyError, match="not in the table"):
        anytime_test_accuracy([{"evaluation": 1, "arch": "x", "val_accuracy": 1.0}], test_acc, 1)


def test_mean_ci_matches_the_t_interval() -> None:
    rng = np.random.default_rng(0)
    runs = rng.normal(size=(50, 3))
    mean, half = mean_ci(runs)
    assert np.allclose(mean, runs.mean(axis=0))
    assert np.allclose(half, 2.0096 * runs.std(axis=0, ddof=1) / math.sqrt(50), rtol=1e-4)
    assert mean_ci([[1.0, 2.0]])[1].tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- scripts/compare_agents.py
def test_compare_agents_writes_json_png_and_tensorboard(table: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(__file__).resolve().parents[1]
    out, js = tmp_path / "out", tmp_path / "summary.json"
    cmd = [sys.executable, str(root / "scripts" / "compare_agents.py"), "--eval-mode", "table", "--table", str(table)]
    cmd += ["--methods", "random", "rea", "--seeds", "0", "1", "2", "--budget", "40", "--out", str(out)]
    cmd += ["--json", str(js), "--no-doc", "--env-kwargs", "cost_weight=0"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(js.read_text())
    assert set(summary) == {"random", "rea"}
    for s in summary.values():
        assert s["seeds"] == 3 and s["budget"] == 40
        assert 1 <= s["evals_to_top1pct_mean"] <= 40 and 0 <= s["reached_top1pct"] <= 3
        assert 0.0 <= s["final_regret_mean"] < 0.5
    # the JSON agrees with the runs' own records and the table
    t = load_table(table)
    top = top_fraction(t.ranking(), 0.01)
    assert top == {"1x40-[c20k5,c20k5]-10"}  # 24 architectures: the best one
    hits = []
    for seed in range(3):
        recs = read_records(out / f"rea__{seed}" / "search.jsonl")
        assert len(recs) == 40
        hit = first_hit(recs, top)
        hits.append(40 if hit is None else hit)
    assert summary["rea"]["evals_to_top1pct_mean"] == pytest.approx(np.mean(hits))
    png = out / "compare_agents.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size < 200_000
    ea = EventAccumulator(str(out / "tensorboard" / "rea"), size_guidance={"scalars": 0})
    ea.Reload()
    acc = [e.value for e in ea.Scalars("anytime/test_accuracy")]
    assert [e.step for e in ea.Scalars("anytime/test_accuracy")] == list(range(1, 41))
    assert acc[0] == pytest.approx(t.mean(START), abs=1e-6)  # every run starts at the preset's start
    regret = [e.value for e in ea.Scalars("anytime/regret")]
    assert regret[-1] == pytest.approx(summary["rea"]["final_regret_mean"], abs=1e-6)
    assert "compare_agents (table lookups)" in proc.stdout and "| rea |" in proc.stdout


def test_compare_agents_ranking_check_and_agent_entries() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_agents import agent_hyperparams, ranking_agreement

    s = _summary

    table = {"rea": s(75), "dqn": s(160), "random": s(400), "greedy": s(240)}
    same = ranking_agreement({"dqn@table": s(90), "random": s(140), "rea": s(60)}, table)
    assert "here rea < dqn < random; on the table rea < dqn < random (the same order; Kendall tau +1.00" in same
    flipped = ranking_agreement({"dqn@table": s(50), "random": s(140, 0.02), "rea": s(140, 0.01)}, table)
    assert "dqn < rea < random" in flipped and "a different order; Kendall tau +0.33" in flipped

    # dqn in table mode and dqn@table anywhere read the table-tuned entry on top of the env id's
    _, live = agent_hyperparams("dqn", MNIST1D, "inherit", {})
    _, tuned = agent_hyperparams("dqn", MNIST1D, "table", {})
    assert agent_hyperparams("dqn@table", MNIST1D, "inherit", {})[1] == tuned
    assert agent_hyperparams("dqn", MNIST1D, "table", {}, table_entry=False)[1] == live
    assert tuned != live and tuned["reward_scale"] == live["reward_scale"]  # the env entry's keys stay
    assert agent_hyperparams("dqn", MNIST1D, "table", {"gamma": 0.5})[1]["gamma"] == 0.5
    with pytest.raises(ValueError, match="no entry 'archgym/MNIST1D-v0@tuned'"):
        agent_hyperparams("dqn@tuned", MNIST1D, "table", {})


def _summary(evals: float, regret: float = 0.0) -> dict[str, float]:
    """A compare_agents summary entry of 5 seeds, without per-seed figures."""
    return {"evals_to_top1pct_mean": evals, "final_regret_mean": regret, "seeds": 5}


def _per_seed(hits: list[int | None], regret: list[float]) -> dict:
    """A table run's summary entry at budget 1000 with its per-seed first hits and mean regret curve."""
    ev = statistics.fmean(1000 if h is None else h for h in hits)
    return {
        "evals_to_top1pct_mean": ev,
        "final_regret_mean": regret[-1],
        "budget": 1000,
        "evals_to_top1pct_per_seed": hits,
        "regret_mean_curve": regret,
    }


def test_compare_agents_ranking_check_at_the_live_budget() -> None:
    """The live check ranks the table run as if it had stopped at the live run's budget, and says how often that
    many seeds would show the table's order (a bootstrap of the table run's seeds)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_agents import Truth, at_budget, bootstrap_agreement, doc_name, ranking_agreement, uniform_line

    s, seeds = _summary, _per_seed
    # a table run with a larger budget is ranked as if stopped at this run's: greedy's late hits count as 150
    curve = [0.1] * 149 + [0.05] * 851
    long = {"greedy": seeds([200, 220, 240], curve), "random": seeds([100, None, 140], [0.1] * 1000)}
    stopped = ranking_agreement({"random": s(130), "greedy": s(150)}, long, 150)
    assert "on the table stopped at 150 evaluations random < greedy (the same order; Kendall tau +1.00" in stopped
    assert "At the table run's own budget (1000 evaluations) its order is greedy < random (Kendall tau -1.00" in stopped
    assert at_budget(long["greedy"], 150)["evals_to_top1pct_mean"] == 150
    assert at_budget(long["random"], 150)["evals_to_top1pct_mean"] == pytest.approx((100 + 150 + 140) / 3)
    assert at_budget(long["greedy"], 150)["final_regret_mean"] == 0.05  # the curve's 150th value
    assert at_budget(long["greedy"], 2000) == long["greedy"]  # never stretched
    no_seeds = {"random": s(400), "greedy": s(240)}
    assert "stopped" not in ranking_agreement({"random": s(130), "greedy": s(150)}, no_seeds, 150)
    # how often a 5-seed run would show the table's order if it behaved as the table: always when the methods'
    # seeds never overlap, about 1 in 3! = 6 when they are the same method three times
    apart = {"a": seeds([10] * 4, curve), "b": seeds([50, 60, 70, 80], curve), "c": seeds([None] * 4, curve)}
    sure = bootstrap_agreement(apart, ["a", "b", "c"], 5, 150, tau=1.0)
    assert sure == {"same_order": 1.0, "mean_tau": 1.0, "tau_at_most": 1.0}
    assert bootstrap_agreement(apart, ["a", "b", "c"], 5, 150, tau=0.0)["tau_at_most"] == 0.0  # type: ignore[index]
    alike = {m: seeds([20, 90, 140, None], curve) for m in "abc"}
    chance = bootstrap_agreement(alike, ["a", "b", "c"], 5, 150, tau=0.0)
    assert chance is not None and abs(chance["same_order"] - 1 / 6) < 0.02 and abs(chance["mean_tau"]) < 0.02
    assert bootstrap_agreement({"random": s(130), "greedy": s(150)}, ["random", "greedy"], 5, 150, 1.0) is None
    assert "of bootstrap draws" in stopped
    # the scale line: 3 top architectures of 219 drawn uniformly take (219 + 1) / 4 = 55 draws, 73 with replacement
    truth = Truth(cast(Any, None), {f"a{i}": i / 219 for i in range(219)}, {"a218", "a217", "a216"}, ("a218", 1.0))
    assert "55.0 evaluations on average without replacement, 73.0 with" in uniform_line(truth)
    # a scratch-mode live check gets a section of its own beside the inherit one
    modes = ("table", "inherit", "scratch")
    assert [doc_name(m) for m in modes] == [
        "compare_agents_table",
        "compare_agents_live",
        "compare_agents_live_scratch",
    ]


def test_compare_agents_scratch_runs_train_with_their_own_seed(table: Path) -> None:
    """A scratch-mode run's children train with the run's seed (else every seed searches one landscape), unless
    --env-kwargs sets scratch_seed; the seed is part of the run's config, so --reuse tells the runs apart."""
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_agents import make_env, run_config

    args = argparse.Namespace(env=MNIST1D, mode="scratch", device="cpu", env_kwargs={}, budget=5, hp={})
    t = load_table(table)
    for seed, kwargs, want in ((3, {}, 3), (4, {}, 4), (3, {"scratch_seed": 7}, 7)):
        args.env_kwargs = kwargs
        env = make_env(args, t, seed)
        assert env.unwrapped.recipe.scratch_seed == want
        env.close()
        assert run_config("random", args, t, seed)["scratch_seed"] == want
    args.mode, args.env_kwargs = "inherit", {}
    assert "scratch_seed" not in run_config("random", args, t, 3)


def test_compare_agents_run_config_records_the_start(table: Path) -> None:
    """A run's config names the network its episodes start from (the preset's, or --env-kwargs' initial), so
    --reuse does not read back runs searched from a start the preset has since moved away from."""
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_agents import make_env, run_config

    args = argparse.Namespace(env=MNIST1D, mode="table", device="cpu", env_kwargs={}, budget=5, hp={})
    t = load_table(table)
    for kwargs in ({}, {"initial": ["c4k5", 16]}):
        args.env_kwargs = kwargs
        config = run_config("random", args, t, 0)
        env = make_env(args, t, 0)
        assert Architecture((1, 40), parse_layers(config["initial"]), 10) == env.unwrapped.initial_arch
        env.close()
    assert run_config("random", args, t, 0)["initial"] == ["c4k5", 16]
    args.env_kwargs = {}
    assert run_config("random", args, t, 0)["initial"] == ["c12k5", 16] == gym.spec(MNIST1D).kwargs["initial"]


def test_compare_agents_reuse_only_reads_back_runs_of_the_same_config(table: Path, tmp_path: Path) -> None:
    """--reuse reads a finished run back only when its run.json records the same budget and hyperparameters;
    restart_prob reaches the agent's env (episodes after the first start from the incumbent)."""
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_agents import main

    out = tmp_path / "out"
    base = ["--eval-mode", "table", "--table", str(table), "--methods", "dqn", "--seeds", "0", "--budget", "30"]
    base += ["--out", str(out), "--no-doc", "--png", str(tmp_path / "c.png")]
    hp = ["--hp", "dqn.gradient_steps=1", "dqn.restart_prob=1.0", "dqn.exploration_steps=20"]
    main([*base, *hp])
    run = out / "dqn__0"
    meta = json.loads((run / "run.json").read_text())
    assert meta["config"]["hyperparams"]["restart_prob"] == 1.0 and meta["config"]["budget"] == 30
    assert "exploration_fraction" not in meta["config"]["hyperparams"]  # exploration_steps replaced it
    recs = read_records(run / "search.jsonl")
    starts = [r["arch"] for i, r in enumerate(recs) if i == 0 or r["episode"] != recs[i - 1]["episode"]]
    assert starts[0] == START and len(starts) >= 2
    best = max(recs[: len(recs) - 1], key=lambda r: r["score"])
    assert all(s != START for s in starts[1:]) or best["arch"] == START
    stamp = (run / "search.jsonl").stat().st_mtime_ns
    main([*base, *hp, "--reuse"])
    assert (run / "search.jsonl").stat().st_mtime_ns == stamp  # read back
    main([*base, "--hp", "dqn.gradient_steps=1", "dqn.restart_prob=0.5", "dqn.exploration_steps=20", "--reuse"])
    assert (run / "search.jsonl").stat().st_mtime_ns != stamp  # another config: searched again
    assert json.loads((run / "run.json").read_text())["config"]["hyperparams"]["restart_prob"] == 0.5
    with pytest.raises(SystemExit):
        main([*base, "--sweep", "gamma=0.9", "--section", "benchmarks"])  # only compare_agents_tuning*
    sweep = ["--sweep", "", "gamma=0.5", "--section", "compare_agents_tuning_x"]
    rows = main([*base, "--hp", "dqn.gradient_steps=1", *sweep])
    assert set(rows) == {"(preset)", "gamma=0.5"} and all(r["seconds_per_run_mean"] > 0 for r in rows.values())
    for folder, gamma in (("preset", 0.99), ("gamma=0.5", 0.5)):  # each row its own runs: --reuse reads all back
        meta = json.loads((out / folder / "dqn__0" / "run.json").read_text())
        assert meta["config"]["hyperparams"]["gamma"] == gamma
