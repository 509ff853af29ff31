"""``archgym train --vec subproc`` and ``--batched``: same run layout, and --resume continues the count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archgym.agents.records import read_records
from archgym.agents.run import load_child, read_config
from archgym.cli import main

FAST = ["--env-kwargs", "initial_steps=5", "finetune_steps=2", "train_subset=200", "device=cpu"]


def _train(tmp_path: Path, *flags: str, steps: int = 120) -> Path:
    argv = ["train", "--env", "archgym/DigitsMLP-v0", "--n-envs", "2", "--timesteps", str(steps)]
    argv += ["--logdir", str(tmp_path), "--no-progress", "--eval-episodes", "0", "--checkpoint-freq", "60"]
    assert main([*argv, *flags, *FAST]) == 0
    (run_dir,) = tmp_path.iterdir()
    return run_dir


@pytest.mark.parametrize("flags", [("--vec", "subproc"), ("--batched",)], ids=["subproc", "batched"])
def test_vec_kinds_write_the_same_run_layout(tmp_path, flags):
    run_dir = _train(tmp_path, *flags)
    config = read_config(run_dir)
    assert config["vec"] == ("subproc" if "--vec" in flags else "batched")
    records = read_records(run_dir / "search.jsonl")
    assert records and all(0.0 <= r["val_accuracy"] <= 1.0 for r in records)
    assert {r["env"] for r in records} == {0, 1}
    assert (run_dir / "model.zip").is_file()
    # every vec kind snapshots the best child it saw: the best score of the records, and its weights
    snap = json.loads((run_dir / "snapshot" / "best_child.json").read_text())
    assert snap["metrics"]["score"] == pytest.approx(max(r["score"] for r in records))
    child = load_child(run_dir / "snapshot")
    assert child.arch.key() == snap["key"] and child.num_params() == snap["metrics"]["params"]


def test_batched_run_resumes_with_its_step_count(tmp_path):
    run_dir = _train(tmp_path, "--batched", steps=60)
    n_before = len(read_records(run_dir / "search.jsonl"))
    assert main(["train", "--resume", str(run_dir), "--timesteps", "60", "--no-progress", "--eval-episodes", "0"]) == 0
    assert read_config(run_dir)["total_timesteps"] == 120
    assert len(read_records(run_dir / "search.jsonl")) > n_before


def test_unknown_vec_kind_is_a_one_line_error(tmp_path, capsys):
    assert main(["train", "--vec", "threads", "--logdir", str(tmp_path), *FAST]) == 2
    assert "valid: dummy, subproc, batched" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_batched_run_records_what_a_dummy_run_records(tmp_path):
    """Same seed, same actions: ``--batched`` logs the same evaluations as ``--vec dummy`` (the initial network of
    every episode included: its reset info is read from the innermost VecEnv, not from VecMonitor's copy)."""
    runs = {}
    for name, flags in (("dummy", ("--vec", "dummy")), ("batched", ("--batched",))):
        argv = ["train", "--env", "archgym/DigitsMLP-v0", "--n-envs", "2", "--timesteps", "40", "--no-progress"]
        argv += ["--logdir", str(tmp_path / name), "--eval-episodes", "0"]
        assert main([*argv, *flags, *FAST]) == 0
        (run_dir,) = (tmp_path / name).iterdir()
        runs[name] = read_records(run_dir / "search.jsonl")
    keys = ("step", "episode", "env", "evaluation", "arch", "params")
    assert [{k: r[k] for k in keys} for r in runs["batched"]] == [{k: r[k] for k in keys} for r in runs["dummy"]]
    for a, b in zip(runs["batched"], runs["dummy"], strict=True):
        assert a["val_accuracy"] == pytest.approx(b["val_accuracy"], abs=0.02)
    starts = [r for r in runs["batched"] if r["step"] == 0]
    assert [r["env"] for r in starts] == [0, 1]  # both envs' initial networks, at step 0
