"""Ground-truth tables: the space, the SQLite store, the resumable build (killed with SIGKILL and resumed),
``archgym table build|info``, and ``eval_mode="table"`` (lookups, masks, errors, the env checkers).

Tables here are tiny (2-10 architectures, tens of steps, a training subset) and built once per module.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

import archgym  # noqa: F401  (registers the presets)
from archgym.arch import Architecture, InvalidEdit, SearchSpace, WidthBounds, parse_layers
from archgym.cli import main
from archgym.envs.actions import ActionTable
from archgym.envs.config import SpaceConfig
from archgym.envs.encoding import INFO_KEYS
from archgym.tables import TableSpace, TableStore, load_table, shipped_tables
from archgym.tables.build import build_table, plan_tasks
from archgym.tables.store import RESULT_COLUMNS

MNIST1D = "archgym/MNIST1D-v0"
DIGITS = "archgym/DigitsMLP-v0"
SMALL = {"train_subset": 200}
#: 10 architectures: 8 with a conv layer (each its own task), 2 dense ones (one stacked task per 8 children)
CONV_SPACE = {
    "min_depth": 1,
    "max_depth": 2,
    "dense": {"min": 16, "max": 16, "step": 48},
    "conv": {"min": 4, "max": 16, "step": 12, "kernel": 5},
}
#: a space holding MNIST1D-v0's start [c12k5, 16] and the moves around it
ENV_SPACE = {
    "min_depth": 1,
    "max_depth": 2,
    "dense": {"min": 16, "max": 64, "step": 48},
    "conv": {"min": 12, "max": 24, "step": 12, "kernel": 5},
}
DENSE_SPACE = {"min_depth": 1, "max_depth": 2, "dense": {"min": 8, "max": 40, "step": 16}}


def _rows(path: Path) -> dict[tuple[str, int], tuple[Any, ...]]:
    with TableStore(path) as store:
        return {(r.arch, r.seed): tuple(r.to_dict().values()) for r in store.results()}


def _values(path: Path) -> dict[tuple[str, int], tuple[float, ...]]:
    """Everything but the timings (seconds, latency), which are measurements of this machine."""
    with TableStore(path) as store:
        return {
            (r.arch, r.seed): (r.val_accuracy, r.test_accuracy, r.val_loss, r.train_accuracy, r.params, r.flops)
            for r in store.results()
        }


@pytest.fixture(scope="module")
def env_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete table of ENV_SPACE on MNIST-1D (2 seeds, 20 steps), with latencies."""
    out = tmp_path_factory.mktemp("tables") / "env.sqlite"
    report = build_table(out, MNIST1D, seeds=2, steps=20, space=ENV_SPACE, env_kwargs=SMALL)
    assert report.complete and report.trained == report.expected == 2 * 16
    return out


@pytest.fixture(scope="module")
def dense_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete table of DENSE_SPACE on digits (2 seeds, 30 steps), without latencies: stacked fits only."""
    out = tmp_path_factory.mktemp("tables") / "dense.sqlite"
    build_table(out, DIGITS, seeds=2, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False)
    return out


# --------------------------------------------------------------------------- the space
def test_space_enumerates_every_architecture_once_conv_first() -> None:
    s = TableSpace.from_dict(ENV_SPACE, (1, 40), 10)
    archs = list(s.architectures())
    keys = [a.key() for a in archs]
    assert len(keys) == len(set(keys)) == len(s) == 2 * 2 + 3 * 4  # per depth d: (d + 1) kinds mixes x 2^d widths
    for a in archs:
        assert a in s and s.search_space().contains(a)
        kinds = [x.kind for x in a.layers]
        assert kinds == sorted(kinds, key=lambda k: k != "conv")  # conv layers first
    assert Architecture((1, 40), parse_layers(["c4k3"]), 10) not in s  # another kernel
    assert Architecture((1, 40), parse_layers([32]), 10) not in s  # off the grid
    assert TableSpace.from_dict(s.to_dict()) == s


def test_every_valid_env_move_stays_in_the_table() -> None:
    """With the table's search space, every action the env's masks allow leads to a network of the table."""
    s = TableSpace.from_dict(ENV_SPACE, (1, 40), 10)
    actions = ActionTable(s.search_space(), SpaceConfig())
    reached = 0
    for arch in s.architectures():
        for a in actions.actions[:-1]:
            try:
                new = actions.edit(arch, a, 0.0)
            except InvalidEdit:
                continue
            assert new in s, f"{a.op} {a.slot} of {arch.key()} -> {new.key()}"
            reached += 1
    assert reached > len(s)


def test_space_from_the_env_search_space_is_anchored_on_the_initial_widths() -> None:
    space = SearchSpace(dense=WidthBounds(8, 100, 48), conv=WidthBounds(2, 30, 8), max_depth=2)
    initial = Architecture((1, 40), parse_layers(["c4k5", 16]), 10)
    s = TableSpace.from_search_space(space, initial)
    assert s.conv is not None and s.dense is not None
    assert s.conv.widths == (4, 12, 20, 28) and s.conv.kernel == 5 and s.dense.widths == (16, 64)
    assert initial in s and len(s) == (4 + 2) + (2 * 2 + 4 * 2 + 4 * 4)
    env = gym.make(MNIST1D, device="cpu", train_subset=200).unwrapped  # the preset's own space
    assert env.initial_arch in TableSpace.from_search_space(env.space, env.initial_arch)


def test_space_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"unknown table space key.*'depth'"):
        TableSpace.from_dict({"depth": 2, "dense": {"min": 8, "max": 16, "step": 8}}, (64,), 10)
    with pytest.raises(ValueError, match="kernel must be odd"):
        TableSpace.from_dict({"conv": {"min": 4, "max": 8, "step": 4, "kernel": 4}}, (1, 40), 10)
    with pytest.raises(ValueError, match="conv layers need a sequence or image input"):
        TableSpace.from_dict({"conv": {"min": 4, "max": 8, "step": 4}}, (64,), 10)
    with pytest.raises(ValueError, match="more than 100,000"):
        TableSpace.from_dict({"max_depth": 8, "dense": {"min": 8, "max": 256, "step": 8}}, (64,), 10)


def test_plan_is_fixed_and_stacks_only_dense_children() -> None:
    keys = TableSpace.from_dict(CONV_SPACE, (1, 40), 10).keys()
    plan = plan_tasks(keys, [0, 1], 8, lambda k: Architecture.from_key(k).num_conv == 0)
    assert sorted(j for t in plan for j in t) == sorted((k, s) for k in keys for s in (0, 1))
    for task in plan:
        if len(task) > 1:
            assert all(Architecture.from_key(k).num_conv == 0 for k, _ in task) and len(task) <= 8


# --------------------------------------------------------------------------- the store and the build
def test_table_file_holds_every_child_with_the_scratch_recipe(env_table: Path) -> None:
    with TableStore(env_table) as store:
        meta = store.meta
        assert meta["format"] == "archgym-table" and meta["seeds"] == [0, 1] and meta["steps"] == 20
        assert meta["recipe"]["batch_size"] == 128 and meta["task"]["dataset"] == "mnist1d"
        assert meta["latency"]["device"] == "cpu" and meta["build_seconds"] > 0
        rows = list(store.results())
    assert len(rows) == 32
    for r in rows:
        arch = Architecture.from_key(r.arch)
        assert (r.params, r.flops) == (arch.params(), arch.flops())
        assert 0 <= r.val_accuracy <= 1 and 0 <= r.test_accuracy <= 1 and math.isfinite(r.val_loss)
        assert r.latency_us > 0 and r.seconds > 0
    # the same SQL a user would run
    con = sqlite3.connect(env_table)
    assert [c[1] for c in con.execute("PRAGMA table_info(results)")] == list(RESULT_COLUMNS)
    assert con.execute("SELECT COUNT(DISTINCT arch) FROM results").fetchone()[0] == 16
    assert "results_arch_seed" in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    con.close()


@pytest.mark.parametrize("layers", [["c12k5", 16], [16, 64], ["c24k5"]])
def test_seed_0_is_exactly_what_scratch_mode_reports(env_table: Path, layers: list[Any]) -> None:
    """Seed s of the table is the scratch evaluator's training with scratch_seed + s (conv alone, dense stacked)."""
    env = gym.make(MNIST1D, eval_mode="scratch", scratch_steps=20, device="cpu", initial=layers, **SMALL)
    _, info = env.reset(seed=0)
    entry = load_table(env_table)[info["arch"]]
    assert entry.val_accuracy[0] == pytest.approx(info["val_accuracy"], abs=1e-6)
    assert entry.val_loss[0] == pytest.approx(info["val_loss"], rel=1e-5)
    assert entry.train_accuracy[0] == pytest.approx(info["train_accuracy"], abs=1e-6)


def test_rebuild_resumes_extends_seeds_and_refuses_another_build(dense_table: Path, tmp_path: Path) -> None:
    copy = tmp_path / "t.sqlite"
    copy.write_bytes(dense_table.read_bytes())
    before = _rows(copy)
    again = build_table(copy, DIGITS, seeds=2, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False)
    assert again.trained == 0 and again.complete and _rows(copy) == before
    more = build_table(copy, DIGITS, seeds=3, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False)
    assert more.trained == 12 and more.rows == 36 and more.complete
    after = _rows(copy)
    assert {k: v for k, v in after.items() if k[1] < 2} == before  # old rows untouched
    assert load_table(copy).seeds == (0, 1, 2)
    command = load_table(copy).meta["command"]  # the recorded rebuild command resumes it: nothing left to train
    assert "--no-latency" in command and "--env-kwargs train_subset=200" in command
    assert main(shlex.split(command)[1:]) == 0 and _rows(copy) == after
    with pytest.raises(ValueError, match=r"holds a table of another build \(recipe.steps differs: 30 \(stored\) vs 31"):
        build_table(copy, DIGITS, seeds=2, steps=31, space=DENSE_SPACE, env_kwargs=SMALL, latency=False)
    with pytest.raises(ValueError, match=r"space.max_depth differs: 2 .stored. vs 1"):
        build_table(copy, DIGITS, seeds=2, steps=30, space={**DENSE_SPACE, "max_depth": 1}, env_kwargs=SMALL)


@pytest.mark.slow
def test_sigkill_mid_build_loses_only_children_in_flight(tmp_path: Path) -> None:
    """Kill ``archgym table build`` with SIGKILL once some children are stored; the file stays valid, keeps them,
    and the same command finishes it with the same numbers as an uninterrupted build."""
    out = tmp_path / "killed.sqlite"
    args = [
        "table",
        "build",
        "--env",
        MNIST1D,
        "--seeds",
        "2",
        "--steps",
        "60",
        "--space",
        '{"min_depth": 1, "max_depth": 2, "dense": {"min": 16, "max": 16, "step": 48}, '
        '"conv": {"min": 4, "max": 16, "step": 12, "kernel": 5}}',
        "--no-latency",
        "--no-progress",
        str(out),
        "--env-kwargs",
        "train_subset=200",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "archgym.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    rows = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists():
                try:
                    with TableStore(out) as store:
                        rows = store.count()
                except (ValueError, sqlite3.OperationalError):
                    rows = 0  # created but not initialised yet, or locked by a commit
                if rows >= 2:
                    break
            time.sleep(0.01)
        assert proc.poll() is None, f"the build ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    kept = _values(out)
    assert 2 <= len(kept) < 20, len(kept)
    assert not load_table(out).complete
    assert main(["table", "info", str(out)]) == 0

    assert main(args) == 0  # the same command resumes
    resumed = _values(out)
    assert len(resumed) == 20 and load_table(out).complete
    assert {k: resumed[k] for k in kept} == kept  # what was stored before the kill is untouched

    fresh = tmp_path / "fresh.sqlite"
    assert main([str(fresh) if a == str(out) else a for a in args]) == 0
    assert _values(fresh) == resumed  # same tasks, same stacks: the resumed table equals an uninterrupted one


@pytest.mark.slow
def test_local_workers_give_the_same_table(dense_table: Path, tmp_path: Path) -> None:
    out = tmp_path / "pool.sqlite"
    build_table(out, DIGITS, seeds=2, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False, workers=2, stack=3)
    one = tmp_path / "one.sqlite"
    build_table(one, DIGITS, seeds=2, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False, stack=3)
    assert _values(out) == _values(one)
    for (_, a), (_, b) in zip(sorted(_values(out).items()), sorted(_values(dense_table).items()), strict=True):
        assert a == pytest.approx(b, abs=1e-5)  # stacks of 3 vs 8: the same training up to float rounding


def test_ray_backend_builds_the_same_table(dense_table: Path, tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    out = tmp_path / "ray.sqlite"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        report = build_table(
            out, DIGITS, seeds=2, steps=30, space=DENSE_SPACE, env_kwargs=SMALL, latency=False, backend="ray", workers=2
        )
    finally:
        ray.shutdown()
    assert report.complete and _values(out) == _values(dense_table)


# --------------------------------------------------------------------------- the CLI
def test_cli_info_and_errors(env_table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "info", str(env_table)]) == 0
    out = capsys.readouterr().out
    table = load_table(env_table)
    best, acc = table.optimum()  # type: ignore[misc]
    assert "32/32 rows, complete" in out and "16 architectures x 2 seeds" in out
    assert f"optimum:  {best}  mean test accuracy {acc:.4f}" in out and "rebuild:  archgym table build" in out
    assert acc == max(float(np.mean(e.test_accuracy)) for e in table.entries.values())

    partial = tmp_path / "partial.sqlite"
    partial.write_bytes(env_table.read_bytes())
    con = sqlite3.connect(partial)
    with con:
        con.execute("DELETE FROM results WHERE arch = '1x40-[c24k5]-10' AND seed = 1")
    con.close()
    assert main(["table", "info", str(partial)]) == 0
    assert "31/32 rows, INCOMPLETE (1 (arch, seed) pairs missing)" in capsys.readouterr().out

    for argv, msg in [
        (["table", "info", str(tmp_path / "nope.sqlite")], "does not exist"),
        (
            ["table", "build", "--env", DIGITS, "--backend", "spark", str(tmp_path / "x.sqlite")],
            "unknown table backend",
        ),
        (
            ["table", "build", "--env", DIGITS, "--space", "[1, 2]", str(tmp_path / "x.sqlite")],
            "--space must be a mapping",
        ),
        (["table", "build", "--env", "archgym/Nope-v0", str(tmp_path / "x.sqlite")], "unknown env id"),
        (["table", "build", str(tmp_path / "x.sqlite")], "required: --env"),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("archgym: error:") and msg in err[0], err


# --------------------------------------------------------------------------- eval_mode="table"
def _table_env(path: Path, **kw: Any) -> gym.Env:
    return gym.make(MNIST1D, eval_mode="table", table=str(path), **kw)


def test_table_mode_reports_one_recorded_seed_and_masks_follow_the_grid(env_table: Path) -> None:
    table = load_table(env_table)
    env = _table_env(env_table)
    u = env.unwrapped
    assert u.space == table.space.search_space() and u.child is None and u.data is None
    obs, info = env.reset(seed=3)
    assert env.observation_space.contains(obs) and set(info) == set(INFO_KEYS)
    rng = np.random.default_rng(0)
    seen_seeds: set[int] = set()
    for _ in range(300):
        mask = u.action_masks()
        valid = np.flatnonzero(mask)
        a = int(rng.choice(valid))
        assert table.space.search_space().contains(u.preview(a)) and u.preview(a) in table.space
        obs, reward, term, trunc, info = env.step(a)
        assert env.observation_space.contains(obs) and set(info) == set(INFO_KEYS)
        e = table[info["arch"]]
        hits = np.flatnonzero(
            np.isclose(e.val_accuracy, info["val_accuracy"]) & np.isclose(e.val_loss, info["val_loss"])
        )
        assert hits.size >= 1, (info, e)
        seen_seeds.update(int(h) for h in hits)
        assert info["params"] == Architecture.from_key(info["arch"]).params() and info["action_valid"]
        if term or trunc:
            env.reset()
    assert seen_seeds == {0, 1}  # the seed is drawn per lookup
    # same seed, same trajectory
    runs = []
    for _ in range(2):
        e2 = _table_env(env_table)
        o, _ = e2.reset(seed=11)
        traj = [o]
        for a in (0, 4, 2, 1, 7, 3, 8):
            traj.append(e2.step(a)[0])
        runs.append(np.stack(traj))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_table_mode_passes_the_gymnasium_and_sb3_checkers(env_table: Path) -> None:
    from gymnasium.utils.env_checker import check_env
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    check_env(_table_env(env_table).unwrapped, skip_render_check=True)
    sb3_check_env(_table_env(env_table).unwrapped, warn=True)


def test_table_mode_options_and_errors(env_table: Path, dense_table: Path, tmp_path: Path) -> None:
    # evaluator_kwargs works like the flat keyword
    a = gym.make(MNIST1D, eval_mode="table", evaluator_kwargs={"table": str(env_table)})
    assert a.reset(seed=1)[1] == _table_env(env_table).reset(seed=1)[1]
    with pytest.raises(ValueError, match="table given twice"):
        gym.make(MNIST1D, eval_mode="table", table=str(env_table), evaluator_kwargs={"table": str(dense_table)})
    with pytest.raises(ValueError, match="does not exist"):
        _table_env(tmp_path / "nope.sqlite")
    with pytest.raises(ValueError, match=r"initial network 1x40-\[c8k5,16\]-10 is not in table"):
        _table_env(env_table, initial=["c8k5", 16])
    with pytest.raises(ValueError, match="no shipped table for dataset 'digits'"):
        gym.make(DIGITS, eval_mode="table")
    with pytest.raises(ValueError, match="was built on dataset 'mnist1d', the env's dataset is 'digits'"):
        gym.make(DIGITS, eval_mode="table", table=str(env_table), input="sequence", initial=["c4k5", 16])
    partial = tmp_path / "partial.sqlite"
    partial.write_bytes(env_table.read_bytes())
    con = sqlite3.connect(partial)
    with con:
        con.execute("DELETE FROM results WHERE arch = '1x40-[64,64]-10'")
    con.close()
    with pytest.raises(ValueError, match=r"is incomplete \(30/32 rows\); finish it .*archgym table build"):
        _table_env(partial)
    # an architecture the table does not hold: a clear error naming it and the table
    env = _table_env(env_table)
    env.reset(seed=0)
    outside = Architecture((1, 40), parse_layers(["c12k5", 32]), 10)
    with pytest.raises(
        ValueError, match=rf"architecture 1x40-\[c12k5,32\]-10 is not in table {re.escape(str(env_table))}"
    ):
        env.unwrapped.evaluator.begin_edit("widen", 1, outside, env.unwrapped._ctx())


def test_table_mode_latency_cost_is_the_recorded_latency(env_table: Path, dense_table: Path) -> None:
    env = _table_env(env_table, cost_metric="latency", reference=[16])
    _, info = env.reset(seed=0)
    table = load_table(env_table)
    assert info["cost"] == pytest.approx(table[info["arch"]].latency / table["1x40-[16]-10"].latency)
    with pytest.raises(ValueError, match=r"latency cost: architecture 1x40-\[c16k5,c16k5,32\]-10 is not in table"):
        _table_env(env_table, cost_metric="latency")  # the preset's reference is outside the table
    with pytest.raises(ValueError, match="records no latency"):
        gym.make(DIGITS, eval_mode="table", table=str(dense_table), initial=[8], cost_metric="latency")


def test_table_mode_state_dict_round_trip(env_table: Path) -> None:
    env = _table_env(env_table).unwrapped
    env.reset(seed=5)
    for a in (0, 4, 2):
        env.step(a)
    state = env.state_dict()
    tail = [env.step(a)[0] for a in (1, 3, 8)]
    other = _table_env(env_table).unwrapped
    other.load_state_dict(state)
    np.testing.assert_array_equal(np.stack(tail), np.stack([other.step(a)[0] for a in (1, 3, 8)]))


# --------------------------------------------------------------------------- the shipped table
def test_shipped_mnist1d_table_is_complete_small_and_serves_the_preset() -> None:
    shipped = shipped_tables()
    assert "mnist1d" in shipped, shipped
    path = shipped["mnist1d"]
    assert path.stat().st_size < 5 * 2**20
    table = load_table(path)
    assert table.complete and len(table.seeds) >= 3 and table.meta["env_id"] == MNIST1D
    env = gym.make(MNIST1D, eval_mode="table")
    _, info = env.reset(seed=0)
    assert info["arch"] == "1x40-[c12k5,16]-10"
    assert info["val_accuracy"] in table[info["arch"]].val_accuracy.astype(float)
    assert env.unwrapped.space == table.space.search_space()
    assert os.fspath(path).endswith("archgym/tables/data/mnist1d.sqlite")


def test_table_mode_batched_vector_env_equals_separate_envs(env_table: Path) -> None:
    kw = {"eval_mode": "table", "table": str(env_table)}
    batched = gym.make_vec(MNIST1D, num_envs=3, vectorization_mode="vector_entry_point", **kw)
    sync = gym.make_vec(MNIST1D, num_envs=3, vectorization_mode="sync", **kw)
    a, _ = batched.reset(seed=4)
    b, _ = sync.reset(seed=4)
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(1)
    for _ in range(25):
        act = rng.integers(batched.single_action_space.n, size=3)  # type: ignore[attr-defined]
        ra, rb = batched.step(act), sync.step(act)
        for x, y in zip(ra[:4], rb[:4], strict=True):
            np.testing.assert_array_equal(x, y)


def test_table_mode_reset_options_start_from_any_architecture_of_the_table() -> None:
    """``reset(options={"initial": ...})`` looks the start up (one recorded seed); outside the grid or the table
    it is a one-line error naming the table's space; the start survives a state_dict round trip."""
    table = load_table(shipped_tables()["mnist1d"])
    best = table.ranking("test_accuracy")[0][0]
    env = gym.make(MNIST1D, eval_mode="table")
    u = env.unwrapped
    _, info = env.reset(seed=0, options={"initial": best})
    assert info["arch"] == best and u.episode_initial.key() == best and info["evaluations"] == 1
    assert info["val_accuracy"] in table[best].val_accuracy.astype(float)
    _, info = env.reset(seed=0, options={"initial": ["c12k5", 64]})  # the presets' list form
    assert info["arch"] == "1x40-[c12k5,64]-10"
    with pytest.raises(ValueError, match=r"1x40-\[c6k5,16\]-10 is not in table .*space: depth 1-3; dense 16\.\.112"):
        env.reset(options={"initial": "1x40-[c6k5,16]-10"})  # inside the bounds, off the table's grid
    with pytest.raises(ValueError, match=r"outside the search space .*conv channels 4\.\.28 step 8"):
        env.reset(options={"initial": "1x40-[c32k5,16]-10"})
    assert u.episode_initial.key() == "1x40-[c12k5,64]-10"  # the failed resets changed nothing
    env.step(0)
    state = u.state_dict()
    tail = [env.step(a)[0] for a in (1, 3, 8)]
    other = gym.make(MNIST1D, eval_mode="table").unwrapped
    other.load_state_dict(state)
    assert other.episode_initial.key() == "1x40-[c12k5,64]-10"
    np.testing.assert_array_equal(np.stack(tail), np.stack([other.step(a)[0] for a in (1, 3, 8)]))


def test_the_shipped_tables_recorded_command_still_resumes_it(tmp_path: Path) -> None:
    """The rebuild command stored in the shipped table names every setting that differs from today's preset:
    run on a copy, it finds the same build (nothing to train, rows unchanged) instead of refusing it as
    another recipe (the preset's morph_warmup changed after the build)."""
    from archgym.tables.table import shipped_tables

    copy = tmp_path / "mnist1d.sqlite"
    copy.write_bytes(shipped_tables()["mnist1d"].read_bytes())
    before = _rows(copy)
    words = shlex.split(load_table(copy).meta["command"])
    words[words.index("archgym/tables/data/mnist1d.sqlite")] = str(copy)
    assert main(words[1:]) == 0 and _rows(copy) == before
