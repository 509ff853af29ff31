"""Every command works on every preset (issue 12, item 5).

One cell per registered preset x {``train`` with the dummy, subproc and batched vector envs; ``eval``;
``export``; ``export --retrain``; ``search`` with each local strategy; SIGKILL + ``train --resume``},
on tiny budgets (child-training budgets passed through ``--env-kwargs``). A cell passes when the
command exits 0, or exits 2 with one ``archgym: error:`` line where the combination is documented as
unsupported (:data:`UNSUPPORTED`, each with the README sentence that says so); a preset whose dataset
files are not on the machine (CIFAR-10, Fashion-MNIST without ``data_root``) is skipped. Commands run in
process (``archgym.cli.main``); only the SIGKILL cell needs a process of its own. The eval and export
cells share the dummy-trained run of their preset (trained once, module-scoped).
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import gymnasium as gym
import pytest

from archgym.agents.baselines import STRATEGIES
from archgym.agents.records import read_records
from archgym.agents.run import load_child
from archgym.cli import main
from archgym.envs.registration import ENV_PRESETS, register_envs

ROOT = Path(__file__).resolve().parents[1]
register_envs()
PRESETS = sorted(ENV_PRESETS)
STRATEGY_NAMES = sorted(STRATEGIES)
STEPS = 30

#: candidate tiny overrides; each preset gets those its env accepts
_TINY = {
    "initial_steps": 5,
    "finetune_steps": 2,
    "scratch_steps": 5,
    "train_subset": 200,
    "chunk_size": 16,
    "chunks_per_step": 2,
    "warmup_chunks": 2,
}
HYPERPARAMS = ["learning_starts=10", "target_update_interval=20", "buffer_size=500"]

#: (preset, cell) -> a fragment of the one-line error; documented in README.md ("Other commands")
UNSUPPORTED: dict[tuple[str, str], str] = {
    # "not for the online env: a stream has no fixed dataset to retrain on"
    (
        "archgym/DriftingDigits-v0",
        "export --retrain",
    ): "export --retrain is not supported for archgym/DriftingDigits-v0",
}

#: cells that cannot pass until the env core provides what they rely on (issue 12, the env engineer's part)
WAITING: dict[tuple[str, str], str] = {}


def tiny_env_kwargs(env_id: str) -> list[str]:
    """``k=v`` items of the tiny budgets the preset's env accepts."""
    cls = gym.envs.registration.load_env_creator(ENV_PRESETS[env_id].entry_point)
    names = cls.keyword_names() if hasattr(cls, "keyword_names") else list(inspect.signature(cls.__init__).parameters)
    return [f"{k}={v}" for k, v in _TINY.items() if k in names] + ["device=cpu"]


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``archgym ARGS`` in process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(args)
    return rc, out.getvalue(), err.getvalue()


def check_cell(env_id: str, cell: str, rc: int, out: str, err: str) -> bool:
    """Assert the cell's outcome; True when it ran (exit 0), False for a documented unsupported one (exit 2)."""
    assert "Traceback" not in err, err
    key = (env_id, cell)
    if key in UNSUPPORTED:
        lines = err.strip().splitlines()
        assert rc == 2, f"{cell} on {env_id}: expected the documented exit 2, got {rc}\n{err}"
        assert len(lines) == 1 and lines[0].startswith("archgym: error: "), err
        assert UNSUPPORTED[key] in lines[0], lines[0]
        return False
    assert rc == 0, f"{cell} on {env_id} exited {rc}\n{err[-3000:]}"
    return True


_DATA: dict[str, str | None] = {}


def _missing_data(env_id: str) -> str | None:
    """Why the preset cannot run on this machine: its dataset files are not here (the loader's one-line error,
    which offers ``download=True``); None when it can. Probed once per preset."""
    if env_id not in _DATA:
        kwargs: dict = {}
        for item in tiny_env_kwargs(env_id):
            k, _, v = item.partition("=")
            kwargs[k] = int(v) if v.isdigit() else v
        try:
            gym.make(env_id, **kwargs).close()
            _DATA[env_id] = None
        except ValueError as e:
            if "download=True" not in str(e):
                raise
            _DATA[env_id] = str(e)
    return _DATA[env_id]


def _waiting(env_id: str, cell: str) -> None:
    missing = _missing_data(env_id)
    if missing is not None:
        pytest.skip(f"{env_id} needs data files that are not on this machine: {missing}")
    if (env_id, cell) in WAITING:
        pytest.xfail(WAITING[(env_id, cell)])


def train_args(env_id: str, logdir: Path, *extra: str, steps: int = STEPS) -> list[str]:
    """A tiny ``archgym train`` command line."""
    return [
        "train",
        "--env",
        env_id,
        "--timesteps",
        str(steps),
        "--seed",
        "1",
        "--logdir",
        str(logdir),
        "--device",
        "cpu",
        "--no-progress",
        "--eval-episodes",
        "1",
        "--env-kwargs",
        *tiny_env_kwargs(env_id),
        "--hyperparams",
        *HYPERPARAMS,
        *extra,
    ]


def check_run_dir(run_dir: Path, steps: int) -> None:
    """What every finished training run holds: the final agent named in run.json, records, a snapshot."""
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["final_agent"] == "model.zip" and meta["num_timesteps"] == steps and meta["status"] == "finished"
    assert (run_dir / "model.zip").is_file()
    records = read_records(run_dir / "search.jsonl")
    assert records and [r["evaluation"] for r in records] == list(range(1, len(records) + 1))
    assert (run_dir / "snapshot" / "best_child.pt").is_file()


_RUNS: dict[str, Path] = {}


@pytest.fixture(scope="module")
def logroot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix")


def dummy_run(env_id: str, logroot: Path) -> Path:
    """The preset's dummy-vec run (trained once; the eval and export cells share it)."""
    if env_id not in _RUNS:
        logdir = logroot / env_id.replace("/", "_") / "dummy"
        rc, out, err = run_cli(train_args(env_id, logdir))
        check_cell(env_id, "train dummy", rc, out, err)
        (run_dir,) = logdir.iterdir()
        _RUNS[env_id] = run_dir
    return _RUNS[env_id]


# --------------------------------------------------------------------------- train
@pytest.mark.parametrize("vec", ["dummy", "subproc", "batched"])
@pytest.mark.parametrize("env_id", PRESETS)
def test_train(env_id: str, vec: str, logroot: Path) -> None:
    cell = f"train {vec}"
    _waiting(env_id, cell)
    if vec == "dummy":
        run_dir = dummy_run(env_id, logroot)
    else:
        logdir = logroot / env_id.replace("/", "_") / vec
        extra = ["--n-envs", "2", *(["--batched"] if vec == "batched" else ["--vec", "subproc"])]
        rc, out, err = run_cli(train_args(env_id, logdir, *extra))
        if not check_cell(env_id, cell, rc, out, err):
            return
        (run_dir,) = logdir.iterdir()
    check_run_dir(run_dir, STEPS)


# --------------------------------------------------------------------------- eval, export
@pytest.mark.parametrize("env_id", PRESETS)
def test_eval(env_id: str, logroot: Path) -> None:
    _waiting(env_id, "eval")
    run_dir = dummy_run(env_id, logroot)
    rc, out, err = run_cli(["eval", str(run_dir), "--episodes", "1", "--device", "cpu", "--json"])
    if check_cell(env_id, "eval", rc, out, err):
        (result,) = json.loads(out)
        assert result["steps"] >= 1 and f"agent: '{run_dir / 'model.zip'}' (final agent" in err


@pytest.mark.parametrize("retrain", [False, True], ids=["export", "export --retrain"])
@pytest.mark.parametrize("env_id", PRESETS)
def test_export(env_id: str, retrain: bool, logroot: Path, tmp_path: Path) -> None:
    cell = "export --retrain" if retrain else "export"
    _waiting(env_id, cell)
    run_dir = dummy_run(env_id, logroot)
    args = ["export", str(run_dir), "--out", str(tmp_path / "out"), "--device", "cpu"]
    rc, out, err = run_cli([*args, "--retrain", "--steps", "5"] if retrain else args)
    if check_cell(env_id, cell, rc, out, err):
        doc = json.loads((tmp_path / "out" / "best_child.json").read_text())
        assert doc["source"] == ("retrain" if retrain else "snapshot")
        child = load_child(tmp_path / "out")
        assert child.arch.key() == doc["key"]
        assert ("sparse child:" in out) == ("sparse" in doc)
    else:
        assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- search
@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
@pytest.mark.parametrize("env_id", PRESETS)
def test_search(env_id: str, strategy: str, tmp_path: Path) -> None:
    cell = f"search {strategy}"
    _waiting(env_id, cell)
    budget = 6
    args = ["search", "--env", env_id, "--strategy", strategy, "--budget", str(budget), "--logdir", str(tmp_path)]
    rc, out, err = run_cli([*args, "--device", "cpu", "--env-kwargs", *tiny_env_kwargs(env_id)])
    if check_cell(env_id, cell, rc, out, err):
        (run_dir,) = tmp_path.iterdir()
        assert len(read_records(run_dir / "search.jsonl")) == budget
        assert f"search {strategy}: {budget}/{budget} evaluations" in err


# --------------------------------------------------------------------------- SIGKILL + --resume
def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("env_id", PRESETS)
def test_sigkill_then_resume(env_id: str, tmp_path: Path) -> None:
    _waiting(env_id, "SIGKILL + --resume")
    steps = 40
    args = train_args(env_id, tmp_path, "--checkpoint-freq", "8", steps=steps)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archgym.cli", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    run_dir = None
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            logs = list(tmp_path.glob("*/search.jsonl"))
            if logs and _lines(logs[0]) >= 12:  # past the first periodic checkpoints
                run_dir = logs[0].parent
                break
            time.sleep(0.01)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert run_dir is not None, "the training process wrote too few records in time"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not (run_dir / "run.json").exists()  # it died before the end
    rc, out, err = run_cli(["train", "--resume", str(run_dir), "--no-progress", "--eval-episodes", "0"])
    if check_cell(env_id, "SIGKILL + --resume", rc, out, err):
        check_run_dir(run_dir, steps)
        records = read_records(run_dir / "search.jsonl")
        pairs = [(r["step"], r["episode"]) for r in records]
        assert len(set(pairs)) == len(pairs) and [r["step"] for r in records] == sorted(r["step"] for r in records)
