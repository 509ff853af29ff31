"""Interrupted training: SIGKILL ``archgym train`` at a random (seeded) point, resume, lose nothing.

The resumed run must end at the requested step count with a ``search.jsonl`` whose every line parses,
whose evaluations count 1, 2, ... without gaps, whose steps never decrease and whose ``(step, episode)``
pairs never repeat, and (on the CPU, where training is deterministic) whose records equal those of
the same run trained without interruption.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archgym.agents.records import read_records

STEPS = 120
TINY_ENV = ["initial_steps=5", "finetune_steps=2", "scratch_steps=5", "train_subset=200"]
TINY_HP = ["learning_starts=30", "target_update_interval=30", "buffer_size=500"]


def _args(logdir: Path) -> list[str]:
    return [
        "train",
        "--timesteps",
        str(STEPS),
        "--seed",
        "5",
        "--logdir",
        str(logdir),
        "--device",
        "cpu",
        "--no-progress",
        "--checkpoint-freq",
        "20",
        "--eval-episodes",
        "0",
        "--env-kwargs",
        *TINY_ENV,
        "--hyperparams",
        *TINY_HP,
    ]


def _check_records(path: Path) -> list[dict]:
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line parses (no torn line is left behind)
    assert [r["evaluation"] for r in records] == list(range(1, len(records) + 1))
    steps = [r["step"] for r in records]
    assert steps == sorted(steps)
    pairs = [(r["step"], r["episode"]) for r in records]
    assert len(set(pairs)) == len(pairs)
    return records


def _count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _cli(*args: str) -> subprocess.CompletedProcess:
    """``archgym ARGS`` in a fresh interpreter (no state left behind by other tests in this process)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "archgym.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Records of the same run trained without interruption (in a fresh interpreter)."""
    logdir = tmp_path_factory.mktemp("reference")
    res = _cli(*_args(logdir))
    assert res.returncode == 0, res.stderr
    (ref_dir,) = logdir.iterdir()
    return _check_records(ref_dir / "search.jsonl")


@pytest.mark.slow
@pytest.mark.parametrize("window", [(3, 8), (25, 110)], ids=["before-first-periodic-checkpoint", "mid-run"])
def test_sigkill_then_resume_loses_nothing(window: tuple[int, int], reference: list[dict], tmp_path: Path) -> None:
    from stable_baselines3 import DQN

    kill_after = random.Random(8).randint(*window)  # records written before the kill
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archgym.cli", *_args(tmp_path / "killed")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        search = None
        while time.monotonic() < deadline and proc.poll() is None:
            dirs = list((tmp_path / "killed").glob("*/search.jsonl"))
            if dirs and _count_lines(dirs[0]) >= kill_after:
                search = dirs[0]
                break
            time.sleep(0.005)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert search is not None, "the training process wrote too few records in time"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    run_dir = search.parent
    assert proc.returncode == -signal.SIGKILL
    assert not (run_dir / "model.zip").exists()  # it really died mid-run
    checkpoint = json.loads((run_dir / "resume" / "latest.json").read_text())["num_timesteps"]
    assert 0 <= checkpoint < STEPS

    # resume: it continues from the newest checkpoint to the requested step count
    res = _cli("train", "--resume", str(run_dir), "--no-progress", "--eval-episodes", "0")
    assert res.returncode == 0, res.stderr
    assert f"({STEPS} env steps)" in res.stdout
    assert DQN.load(run_dir / "model.zip", device="cpu").num_timesteps == STEPS
    resumed = _check_records(run_dir / "search.jsonl")

    # the same run without interruption writes exactly the same records
    assert resumed == reference
    assert read_records(run_dir / "search.jsonl") == reference


def _train_until_sigterm(logdir: Path, records: int, *flags: str) -> tuple[int, str]:
    """Run ``archgym train`` (``_args(logdir)`` + ``flags``) and SIGTERM it once it logged ``records``
    records; return its exit code and stdout."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cmd = [sys.executable, "-m", "archgym.cli", *_args(logdir), *flags]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            dirs = list(logdir.glob("*/search.jsonl"))
            if dirs and _count_lines(dirs[0]) >= records:
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out


def test_sigterm_checkpoints_and_exits_130(tmp_path: Path) -> None:
    code, out = _train_until_sigterm(tmp_path, 20)
    assert code == 130, out
    assert "continue with: archgym train --resume" in out
    (run_dir,) = tmp_path.iterdir()
    latest = json.loads((run_dir / "resume" / "latest.json").read_text())
    assert 0 < latest["num_timesteps"] < STEPS
    assert sorted(p.name for p in (run_dir / "resume").iterdir()) == [latest["dir"], "latest.json"]
    records = _check_records(run_dir / "search.jsonl")
    assert records[-1]["step"] <= latest["num_timesteps"]  # nothing was logged after the checkpoint


ONLINE_ENV = [
    "--env",
    "archgym/DriftingDigits-v0",
    "--env-kwargs",
    "chunk_size=16",
    "chunks_per_step=2",
    "warmup_chunks=2",
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "cut_at"),
    [
        (["--batched", "--n-envs", "2"], 40),
        (["--vec", "subproc", "--n-envs", "2"], 40),
        (ONLINE_ENV, 40),
        # RestartFromIncumbent's incumbent and coin: cut early, so that episodes start after the resume
        (["--hyperparams", *TINY_HP, "restart_prob=0.7"], 12),
    ],
    ids=["batched", "subproc", "online-env", "restarts"],
)
def test_sigterm_then_resume_equals_an_uninterrupted_run(flags: list[str], cut_at: int, tmp_path: Path) -> None:
    """``--batched`` (sub-envs in-process), ``--vec subproc`` (states read in the workers), the online env
    (saved as a replay of its episode) and restarts from the incumbent (a wrapper with its own state): a run
    stopped by SIGTERM and resumed writes the same records as one that was never stopped."""
    ref = _cli(*_args(tmp_path / "reference"), *flags)
    assert ref.returncode == 0, ref.stderr
    (ref_dir,) = (tmp_path / "reference").iterdir()
    reference = _check_records(ref_dir / "search.jsonl")

    cut = tmp_path / "cut"
    code, out = _train_until_sigterm(cut, cut_at, *flags)
    assert code == 130, out
    (run_dir,) = cut.iterdir()
    assert 0 < json.loads((run_dir / "resume" / "latest.json").read_text())["num_timesteps"] < STEPS
    res = _cli("train", "--resume", str(run_dir), "--no-progress", "--eval-episodes", "0")
    assert res.returncode == 0, res.stderr
    assert _check_records(run_dir / "search.jsonl") == reference
