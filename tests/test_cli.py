"""The ``archgym`` command end to end: train, eval, export, report, search, resume, list, and user errors."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import gymnasium as gym
import pytest
import torch
from sklearn.datasets import load_digits

from archgym.agents.records import best_record, read_records
from archgym.agents.run import load_child, read_config
from archgym.cli import main
from archgym.data import load_dataset

TINY_ENV = ["initial_steps=5", "finetune_steps=2", "scratch_steps=5", "train_subset=200"]
TINY_HP = ["learning_starts=30", "target_update_interval=30", "buffer_size=500"]
STEPS = 100
#: the env of the end-to-end tests: cheap digits MLPs (the CLI's default, MNIST1D-v0, is checked separately)
TEST_ENV = "archgym/DigitsMLP-v0"


def _initial_key() -> str:
    env = gym.make("archgym/DigitsMLP-v0", initial_steps=0, train_subset=200, device="cpu")
    key = env.unwrapped.initial_arch.key()
    env.close()
    return key


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``archgym ARGS`` in process; return (exit code, stdout, stderr)."""
    capsys.readouterr()
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def _train_args(logdir: Path, *extra: str) -> list[str]:
    return [
        "train",
        "--env",
        TEST_ENV,
        "--timesteps",
        str(STEPS),
        "--seed",
        "3",
        "--logdir",
        str(logdir),
        "--device",
        "cpu",
        "--no-progress",
        "--checkpoint-freq",
        "50",
        "--env-kwargs",
        *TINY_ENV,
        "--hyperparams",
        *TINY_HP,
        *extra,
    ]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One tiny DQN run shared by the tests of this module: (run dir, stdout)."""
    logdir = tmp_path_factory.mktemp("runs")
    buf = io.StringIO()  # capsys is function-scoped
    with contextlib.redirect_stdout(buf):
        rc = main(_train_args(logdir))
    assert rc == 0
    (run_dir,) = logdir.iterdir()
    return run_dir, buf.getvalue()


def test_train_writes_the_run_dir(trained: tuple[Path, str]) -> None:
    run_dir, out = trained
    assert run_dir.name.startswith("archgym_DigitsMLP-v0__dqn__3__")
    for name in ("config.yaml", "model.zip", "model_replay_buffer.pkl", "search.jsonl"):
        assert (run_dir / name).is_file(), name
    assert list(run_dir.glob("events.out.tfevents.*"))
    assert sorted(p.name for p in (run_dir / "checkpoints").glob("*.zip")) == [
        "model_100_steps.zip",
        "model_50_steps.zip",
    ]
    assert len(list((run_dir / "checkpoints").glob("*.pkl"))) == 1  # only the newest replay buffer is kept
    config = read_config(run_dir)
    assert config["env_id"] == "archgym/DigitsMLP-v0" and config["algo"] == "dqn" and config["seed"] == 3
    assert config["env_kwargs"]["initial_steps"] == 5 and config["env_kwargs"]["device"] == "cpu"
    assert config["hyperparams"]["learning_starts"] == 30 and config["total_timesteps"] == STEPS
    records = read_records(run_dir / "search.jsonl")
    initial = _initial_key()
    assert records[0]["step"] == 0 and records[0]["evaluation"] == 1 and records[0]["arch"] == initial
    assert [r["evaluation"] for r in records] == list(range(1, len(records) + 1))
    assert all(0 <= r["step"] <= STEPS for r in records)
    assert {"arch", "val_accuracy", "cost", "score", "params", "flops", "episode"} <= set(records[-1])
    best = best_record(records)
    assert f"best architecture:    {best['arch']}" in out
    assert f"tensorboard --logdir {run_dir}" in out
    assert f"initial architecture: {initial}" in out


def test_eval_plays_deterministic_episodes(trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = trained
    rc, out, err = run_cli(["eval", str(run_dir), "--episodes", "2", "--device", "cpu", "--json"], capsys)
    assert rc == 0, err
    results = json.loads(out)
    assert [r["episode"] for r in results] == [0, 1]
    for r in results:
        assert 1 <= r["steps"] <= 10 and len(r["actions"]) == r["steps"]
        assert r["arch"].startswith("64-[") and 0.0 <= r["val_accuracy"] <= 1.0
        assert r["episode_return"] == pytest.approx(r["score"] - r["initial_score"], abs=0.01 * r["steps"] + 1e-6)
    rc2, out2, _ = run_cli(["eval", str(run_dir), "--episodes", "2", "--device", "cpu", "--json"], capsys)
    assert json.loads(out2) == results  # deterministic policy, seeded episodes


def test_export_snapshot_loads_in_one_call(trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = trained
    out_dir = run_dir / "exp_snapshot"
    rc, out, err = run_cli(["export", str(run_dir), "--out", str(out_dir), "--device", "cpu"], capsys)
    assert rc == 0, err
    doc = json.loads((out_dir / "best_child.json").read_text())
    state = torch.load(out_dir / "best_child.pt", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    child = load_child(out_dir / "best_child.pt")
    assert child.arch.key() == doc["key"] and doc["source"] == "snapshot"
    # the snapshot is the best child exactly as the search evaluated it
    best = best_record(read_records(run_dir / "search.jsonl"))
    assert doc["key"] == best["arch"]
    assert doc["metrics"]["val_accuracy"] == pytest.approx(best["val_accuracy"], abs=1e-6)
    d = doc["dataset"]
    data = load_dataset(d["name"], seed=d["seed"], image=d["image"], train_subset=d["train_subset"])
    with torch.no_grad():
        acc = (child(data.x_val).argmax(1) == data.y_val).float().mean().item()
    assert acc == pytest.approx(best["val_accuracy"], abs=1e-6)
    assert "test accuracy" in out and f"params {child.arch.params()}" in out
    # the export records the preprocessing: loaded with raw_inputs, the child takes raw digits (0-16 pixels)
    assert doc["preprocessing"]["layout"] == "flat" and len(doc["preprocessing"]["mean"]) == 64
    raw_model = load_child(out_dir, raw_inputs=True)
    x_raw = torch.as_tensor(load_digits(return_X_y=True)[0])
    with torch.no_grad():
        scaled = raw_model[0](x_raw)  # each validation sample is one raw sample, preprocessed
        rows = torch.cdist(data.x_val[:50], scaled).argmin(1)
        assert torch.allclose(scaled[rows], data.x_val[:50], atol=1e-5)
        assert torch.allclose(raw_model(x_raw[rows]), child(data.x_val[:50]), atol=1e-5)
        assert not torch.allclose(child(x_raw[rows].float()), child(data.x_val[:50]), atol=1e-2)  # raw != scaled


def test_export_retrain_reports_test_accuracy(trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = trained
    out_dir = run_dir / "exp_retrain"
    rc, out, err = run_cli(["export", str(run_dir), "--retrain", "--steps", "30", "--out", str(out_dir)], capsys)
    assert rc == 0, err
    doc = json.loads((out_dir / "best_child.json").read_text())
    assert doc["source"] == "retrain" and doc["recipe"]["steps"] == 30
    child = load_child(out_dir)
    m = doc["metrics"]
    assert m["params"] == child.arch.params() == sum(p.numel() for p in child.parameters())
    assert m["flops"] == child.arch.flops() and 0.0 <= m["test_accuracy"] <= 1.0
    assert f"test accuracy {m['test_accuracy']:.4f}" in out


def test_resume_continues_the_step_count(trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    from stable_baselines3 import DQN

    run_dir, _ = trained
    before = read_records(run_dir / "search.jsonl")
    rc, out, err = run_cli(["train", "--resume", str(run_dir), "--timesteps", "20", "--no-progress"], capsys)
    assert rc == 0, err
    assert DQN.load(run_dir / "model.zip", device="cpu").num_timesteps == STEPS + 20
    after = read_records(run_dir / "search.jsonl")
    assert after[: len(before)] == before
    new = after[len(before) :]
    assert new and all(STEPS <= r["step"] <= STEPS + 20 for r in new)
    assert new[0]["evaluation"] == len(before) + 1
    assert read_config(run_dir)["total_timesteps"] == STEPS + 20
    rc, _, err = run_cli(["train", "--resume", str(run_dir)], capsys)
    assert rc == 2 and "already trained 120 of 120 steps" in err


def test_search_and_report(trained: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = trained
    args = [
        "search",
        "--env",
        TEST_ENV,
        "--strategy",
        "random",
        "--budget",
        "15",
        "--seed",
        "1",
        "--logdir",
        str(tmp_path),
    ]
    rc, out, err = run_cli([*args, "--device", "cpu", "--env-kwargs", *TINY_ENV], capsys)
    assert rc == 0, err
    (search_dir,) = tmp_path.iterdir()
    assert search_dir.name.startswith("archgym_DigitsMLP-v0__random__1__")
    records = read_records(search_dir / "search.jsonl")
    assert len(records) == 15 and [r["evaluation"] for r in records] == list(range(1, 16))
    assert list(search_dir.glob("events.out.tfevents.*"))
    # a baseline run exports by retraining (it keeps no snapshot)
    rc, _, err = run_cli(["eval", str(search_dir)], capsys)
    assert rc == 2 and "is a baseline search run (strategy 'random')" in err
    rc, out, err = run_cli(["export", str(search_dir), "--steps", "10"], capsys)
    assert rc == 0 and "(retrain)" in out, err
    rc, out, err = run_cli(["report", str(run_dir), str(search_dir), "--out", str(tmp_path / "rep")], capsys)
    assert rc == 0, err
    pngs, mds = list((tmp_path / "rep").glob("*.png")), list((tmp_path / "rep").glob("*.md"))
    assert len(pngs) == 1 and len(mds) == 1 and pngs[0].stat().st_size > 1000
    assert pngs[0].read_bytes()[:4] == b"\x89PNG"


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run_cli(["list"], capsys)
    assert rc == 0
    for word in ("archgym/DigitsMLP-v0", "archgym/DigitsCNN-v0", "dqn", "qrdqn", "maskable_ppo", "random", "greedy"):
        assert word in out
    assert "  rule " not in out  # rule.yaml holds baseline fields, not an agent preset


ERRORS = [
    (["train", "--env", "archgym/DigitsMLPP-v0"], "did you mean 'archgym/DigitsMLP-v0'"),
    (["train", "--env", "CartPole-v1"], "unknown env id 'CartPole-v1'"),
    (["train", "--env-kwargs", "cost_wieght=0.1"], "did you mean 'cost_weight'"),
    (["train", "--env-kwargs", "cost_weight=-1"], "cost_weight must be a number >= 0.0, got -1"),
    (["train", "--env-kwargs", "eval_mode=scrach"], "did you mean 'scratch'"),
    (["train", "--env-kwargs", "noequals"], "write key=value"),
    (["train", "--agent", "dqm"], "did you mean 'dqn'"),
    (["train", "--agent", "rule"], "not an SB3 agent preset"),
    (["train", "--hyperparams", "learning_rat=0.1"], "did you mean 'learning_rate'"),
    (["train", "--hyperparams", "learning_rate={name: cosin}"], "did you mean 'cosine'"),
    (["train", "--timesteps", "0"], "timesteps must be an int >= 1, got 0"),
    (["train", "--timesteps", "abc"], "invalid int value: 'abc'"),
    (["train", "--n-envs", "0"], "n_envs must be an int >= 1"),
    (["train", "--device", "tpu"], "invalid choice: 'tpu'"),
    (["train", "--threads", "0"], "--threads must be >= 1"),
    (["train", "--resume", "/nonexistent/run"], "run dir '/nonexistent/run' does not exist"),
    (["eval", "/nonexistent/run"], "run dir '/nonexistent/run' does not exist"),
    (["eval", "."], "is not an archgym run dir"),
    (["train", "--resume", "."], "is not an archgym run dir"),
    (["export", "/nonexistent/run"], "run dir '/nonexistent/run' does not exist"),
    (["report", "/nonexistent/run"], "run dir '/nonexistent/run' does not exist"),
    (["search", "--strategy", "randm"], "did you mean 'random'"),
    (["search", "--strategy", "random", "--budget", "0"], "budget must be an int >= 1"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "required"),
]


@pytest.mark.parametrize(("args", "fragment"), ERRORS, ids=[" ".join(a) or "(none)" for a, _ in ERRORS])
def test_user_errors_are_one_line_exit_2(
    args: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if args and args[0] in ("train", "search") and "--resume" not in args:
        args = [*args, "--logdir", str(tmp_path)]
    rc, out, err = run_cli(args, capsys)
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archgym: error: "), err
    assert fragment in lines[0]
    assert "Traceback" not in err and out == ""
    assert not list(tmp_path.iterdir())  # nothing written for a bad command


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised where CUDA is missing")
def test_cuda_without_cuda_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run_cli(["train", "--device", "cuda", "--logdir", str(tmp_path)], capsys)
    assert rc == 2 and "CUDA is not available" in err


# --------------------------------------------------------------------------- final agent by name (issue 12, item 6)
def test_eval_plays_the_final_agent_named_in_run_json_of_a_copied_run(
    trained: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import shutil

    run_dir, _ = trained
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["final_agent"] == "model.zip" and meta["status"] == "finished"
    copy = tmp_path / "copied"
    shutil.copytree(run_dir, copy)
    early = copy / "checkpoints" / "model_50_steps.zip"
    os.utime(early, (4e9, 4e9))  # `cp -r` gives new mtimes: the early checkpoint is now the newest file
    rc, out, err = run_cli(["eval", str(copy), "--episodes", "1", "--device", "cpu"], capsys)
    assert rc == 0, err
    assert f"agent: '{copy / 'model.zip'}' (final agent, {meta['num_timesteps']} steps)" in out.splitlines()[0]
    rc, out, err = run_cli(["eval", str(copy), "--episodes", "1", "--json", "--checkpoint", "latest"], capsys)
    assert rc == 0 and json.loads(out)[0]["episode"] == 0  # stdout stays pure JSON
    assert f"agent: '{copy / 'model.zip'}'" in err
    rc, out, err = run_cli(
        ["eval", str(copy), "--episodes", "1", "--checkpoint", "checkpoints/model_50_steps.zip"], capsys
    )
    assert rc == 0, err
    assert f"agent: '{early}' (--checkpoint, 50 steps)" in out
    rc, _, err = run_cli(["eval", str(copy), "--checkpoint", "checkpoints/model_7_steps.zip"], capsys)
    assert rc == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1
    # a run that did not finish (no run.json): the newest checkpoint by step count, and eval says so
    (copy / "run.json").unlink()
    (copy / "model.zip").unlink()
    rc, out, err = run_cli(["eval", str(copy), "--episodes", "1", "--trust"], capsys)
    assert rc == 0, err
    assert "model_100_steps.zip' (newest checkpoint: the run has no final agent, 100 steps)" in out


def test_eval_shows_progress_on_stderr(trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = trained
    rc, out, err = run_cli(["eval", str(run_dir), "--episodes", "2", "--device", "cpu"], capsys)
    assert rc == 0
    assert err.splitlines()[0] == "eval: 0/2 episodes" and err.splitlines()[-1].startswith("eval: 2/2 episodes")
    rc, out, err = run_cli(["eval", str(run_dir), "--episodes", "1", "--no-progress"], capsys)
    assert rc == 0 and err == ""


# --------------------------------------------------------------------------- user errors with a file in the way
def test_paths_that_are_files_are_one_line_errors(
    trained: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir, _ = trained
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = [
        ["train", "--logdir", str(a_file), "--timesteps", "5"],
        ["train", "--logdir", str(a_file / "sub"), "--timesteps", "5"],
        ["search", "--strategy", "random", "--logdir", str(a_file)],
        ["report", str(run_dir), "--out", str(a_file)],
        ["export", str(run_dir), "--out", str(a_file)],
    ]
    for args in cases:
        rc, out, err = run_cli(args, capsys)
        lines = err.strip().splitlines()
        assert rc == 2 and len(lines) == 1 and lines[0].startswith("archgym: error: "), (args, err)
        assert str(a_file) in lines[0] and ("not a folder" in lines[0] or "is a file" in lines[0]), lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_strategy_kwargs_typo_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["search", "--env", TEST_ENV, "--budget", "3", "--logdir", str(tmp_path), "--env-kwargs", *TINY_ENV]
    base += ["--strategy-kwargs"]
    for strategy, kv, fragment in [
        ("greedy", "min_improvment=0.1", "did you mean 'min_improvement'"),
        ("qlearning", "lr=high", "lr"),
        ("rule", "widht_per_input=2", "widht_per_input"),
    ]:
        rc, _, err = run_cli([*base, kv, "--strategy", strategy], capsys)
        lines = err.strip().splitlines()
        assert rc == 2 and len(lines) == 1 and lines[0].startswith("archgym: error: "), err
        assert fragment in lines[0] and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_load_child_names_the_file_it_was_given(trained: tuple[Path, str]) -> None:
    run_dir, _ = trained
    with pytest.raises(ValueError, match=r"model\.zip' is not an exported child.*archgym eval"):
        load_child(run_dir / "model.zip")
    with pytest.raises(ValueError, match=r"'/nonexistent/best_child\.pt' does not exist"):
        load_child("/nonexistent/best_child.pt")
    with pytest.raises(ValueError, match=r"holds no best_child\.pt"):
        load_child(run_dir / "checkpoints")


def test_reports_of_different_runs_do_not_share_a_folder(
    trained: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    run_dir, _ = trained
    runs = []
    for name in ("a", "b", "c", "d"):
        shutil.copytree(run_dir, tmp_path / name, ignore=shutil.ignore_patterns("*.zip", "*.pkl", "resume"))
        runs.append(str(tmp_path / name))
    rc, out1, err = run_cli(["report", runs[0], runs[1]], capsys)
    assert rc == 0, err
    rc, out2, err = run_cli(["report", runs[2], runs[3]], capsys)
    assert rc == 0, err
    assert (tmp_path / "report-a+b" / "report.md").is_file() and (tmp_path / "report-c+d" / "report.md").is_file()
    assert str(tmp_path / "report-a+b") in out1 and str(tmp_path / "report-c+d") in out2


# --------------------------------------------------------------------------- the sparse preset (issue 12)
def test_sparse_search_saves_its_agent_and_exports_its_sparse_child(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archgym.pruning.masks import is_masked

    # one fixed width and a high cost weight: only prune / regrow change the child, pruned children score
    # best, so the snapshot is a sparse child
    args = _train_args(tmp_path, "--env", "archgym/DigitsMLPSparse-v0", "--eval-episodes", "0")
    args[args.index("--timesteps") + 1] = "80"
    fixed = "search_space={min_depth: 1, max_depth: 1, dense: {min: 64, max: 64, step: 16}}"
    args[args.index("--hyperparams") : args.index("--hyperparams")] = ["cost_weight=1.0", fixed]
    rc, out, err = run_cli(args, capsys)
    assert rc == 0, err
    (run_dir,) = tmp_path.iterdir()
    assert json.loads((run_dir / "run.json").read_text())["final_agent"] == "model.zip"
    snap = json.loads((run_dir / "snapshot" / "best_child.json").read_text())
    assert snap["sparse"]["sparsity"] > 0 and "pruning masks kept" in out
    rc, out, err = run_cli(["export", str(run_dir), "--device", "cpu"], capsys)
    assert rc == 0, err
    doc = json.loads((run_dir / "export" / "best_child.json").read_text())
    child = load_child(run_dir / "export")
    assert doc["sparse"] == snap["sparse"] and "sparse child:" in out and "pruning masks kept" in out
    assert all(is_masked(child.get_submodule(name)) for name in doc["sparse"]["masked_layers"])
    # resume from the saved agent works the same way
    rc, out, err = run_cli(["train", "--resume", str(run_dir), "--timesteps", "10", "--no-progress"], capsys)
    assert rc == 0, err


def test_a_sparse_child_round_trips_with_its_masks(tmp_path: Path) -> None:
    from archgym.agents.run import save_child
    from archgym.arch import Architecture
    from archgym.child import ChildNet
    from archgym.pruning.masks import is_masked, prune_unstructured

    child = ChildNet(Architecture.mlp(64, [32, 16], 10), seed=0)
    prune_unstructured(child, 0.5)
    pt, js = save_child(child, tmp_path / "best_child", {"source": "test"})
    doc = json.loads(js.read_text())
    assert doc["sparse"]["masked_layers"] == ["layers.0", "layers.1"] and doc["sparse"]["sparsity"] > 0.3
    loaded = load_child(pt)
    assert is_masked(loaded.layers[0]) and is_masked(loaded.layers[1])
    x = torch.randn(5, 64)
    with torch.no_grad():
        assert torch.equal(loaded(x), child.eval()(x))


def test_the_agent_is_saved_before_anything_that_can_fail_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archgym.agents.callbacks import ArchGymCallback

    def broken(self: ArchGymCallback) -> None:
        raise RuntimeError("snapshot failed")

    monkeypatch.setattr(ArchGymCallback, "write_snapshot", broken)
    args = _train_args(tmp_path, "--eval-episodes", "0", "--checkpoint-freq", "1000")
    args[args.index("--timesteps") + 1] = "40"
    with pytest.raises(RuntimeError, match="snapshot failed"):
        main(args)
    (run_dir,) = tmp_path.iterdir()
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["final_agent"] == "model.zip" and meta["num_timesteps"] == 40 and meta["status"] == "finished"
    assert (run_dir / "model.zip").is_file() and (run_dir / "model_replay_buffer.pkl").is_file()


def test_a_crash_during_training_still_saves_the_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archgym.agents.callbacks import ArchGymCallback

    original = ArchGymCallback._on_step

    def crash_at_25(self: ArchGymCallback) -> bool:
        if self.num_timesteps >= 25:
            raise RuntimeError("boom")
        return original(self)

    monkeypatch.setattr(ArchGymCallback, "_on_step", crash_at_25)
    args = _train_args(tmp_path, "--eval-episodes", "0")
    with pytest.raises(RuntimeError, match="boom"):
        main(args)
    (run_dir,) = tmp_path.iterdir()
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["status"] == "crashed" and meta["num_timesteps"] == 25 and (run_dir / "model.zip").is_file()


# --------------------------------------------------------------------------- the default env
def test_train_and_search_default_to_the_readme_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``archgym train`` / ``archgym search`` without --env use archgym/MNIST1D-v0, as the README and make train do."""
    import archgym.agents.search
    import archgym.agents.train
    from archgym.cli import DEFAULT_ENV, build_parser

    class Stop(Exception):
        pass

    seen: list[str] = []

    def record(env_id: str, *args: object, **kwargs: object) -> None:
        seen.append(env_id)
        raise Stop

    monkeypatch.setattr(archgym.agents.train, "train", record)
    monkeypatch.setattr(archgym.agents.search, "run_search", record)
    for argv in (["train"], ["search", "--strategy", "random"]):
        with pytest.raises(Stop):
            main(argv)
    assert DEFAULT_ENV == "archgym/MNIST1D-v0" and seen == [DEFAULT_ENV, DEFAULT_ENV]
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    assert f"archgym train --env {DEFAULT_ENV} " in makefile
    helps = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("train", "search"):
        assert f"default {DEFAULT_ENV}" in helps[name].format_help()
