"""TensorBoard output of training: event files read back, and a real tensorboard server queried over HTTP."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from archgym.agents.records import read_records
from archgym.cli import main

STEPS = 60
N_ENVS = 2
ARCHGYM_SCALARS = {
    "archgym/val_accuracy",
    "archgym/cost",
    "archgym/params",
    "archgym/flops",
    "archgym/depth",
    "archgym/score",
    "archgym/invalid_actions",
    "archgym/lr",
    "archgym/sparsity",
    "archgym/best_score",
    "archgym/episode_best_score",
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny DQN run on two envs with a Pareto figure every 20 steps."""
    logdir = tmp_path_factory.mktemp("tb")
    args = ["train", "--timesteps", str(STEPS), "--n-envs", str(N_ENVS), "--logdir", str(logdir), "--device", "cpu"]
    args += ["--no-progress", "--eval-episodes", "0", "--env-kwargs", "initial_steps=5", "finetune_steps=2"]
    args += ["train_subset=200", "--hyperparams", "learning_starts=10", "batch_size=8"]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(args) == 0
    (run,) = logdir.iterdir()
    return run


@pytest.fixture(scope="module")
def events(run_dir: Path) -> EventAccumulator:
    ea = EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "tensors": 0, "images": 0})
    ea.Reload()
    return ea


def test_archgym_and_sb3_scalars_are_logged(events: EventAccumulator) -> None:
    tags = set(events.Tags()["scalars"])
    assert tags >= ARCHGYM_SCALARS
    assert {"rollout/ep_rew_mean", "rollout/exploration_rate", "train/loss", "train/learning_rate"} <= tags


def test_each_env_step_has_its_own_x_position(events: EventAccumulator, run_dir: Path) -> None:
    steps = [e.step for e in events.Scalars("archgym/score")]
    assert steps == list(range(1, STEPS + 1))  # 2 envs x 30 vectorised steps
    best = [e.value for e in events.Scalars("archgym/best_score")]
    assert best == sorted(best)  # a running maximum
    records = read_records(run_dir / "search.jsonl")
    assert best[-1] == pytest.approx(max(r["score"] for r in records), abs=1e-6)
    invalid = [e.value for e in events.Scalars("archgym/invalid_actions")]
    assert invalid == sorted(invalid)  # a running count
    assert {r["env"] for r in records} == {0, 1}
    assert [r["evaluation"] for r in records] == list(range(1, len(records) + 1))
    depths = {e.value for e in events.Scalars("archgym/depth")}
    assert depths <= {1.0, 2.0, 3.0}


def test_episode_text_hparams_and_pareto_figure(events: EventAccumulator, run_dir: Path) -> None:
    assert "archgym/final_architecture/text_summary" in events.Tags()["tensors"]
    texts = [e.tensor_proto.string_val[0].decode() for e in events.Tensors("archgym/final_architecture/text_summary")]
    assert texts and all("`64-[" in t and "score" in t for t in texts)
    assert events.Scalars("archgym/episode_best_score")
    assert "archgym/pareto_front" in events.Tags()["images"]
    content = events.PluginTagToContent("hparams")
    assert {"_hparams_/experiment", "_hparams_/session_start_info"} <= set(content)
    from tensorboard.plugins.hparams import plugin_data_pb2

    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hp = start.session_start_info.hparams
    assert hp["env_id"].string_value == "archgym/DigitsMLP-v0"
    assert hp["learning_starts"].number_value == 10 and hp["n_envs"].number_value == N_ENVS
    assert hp["policy_kwargs.net_arch"].string_value == "[64, 64]"
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"])
    assert [m.name.tag for m in experiment.experiment.metric_infos] == ["archgym/best_score"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tensorboard_server_serves_the_scalar_tags(run_dir: Path) -> None:
    exe = Path(sys.executable).parent / "tensorboard"
    assert exe.is_file(), f"tensorboard not installed beside {sys.executable}"
    port = _free_port()
    proc = subprocess.Popen(
        [str(exe), "--logdir", str(run_dir.parent), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, tags = time.monotonic() + 90, {}
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/plugin/scalars/tags", timeout=5) as r:
                    tags = json.loads(r.read())
                if tags.get(run_dir.name):
                    break
            except OSError:
                pass
            assert proc.poll() is None, "tensorboard exited early"
            time.sleep(0.5)
        assert run_dir.name in tags, f"run not served; got {sorted(tags)}"
        assert set(tags[run_dir.name]) >= ARCHGYM_SCALARS
        q = f"tag=archgym%2Fscore&run={run_dir.name}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/plugin/scalars/scalars?{q}", timeout=10) as r:
            points = json.loads(r.read())
        assert [p[1] for p in points] == list(range(1, STEPS + 1))  # [wall_time, step, value]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
