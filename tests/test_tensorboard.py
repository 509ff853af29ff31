"""TensorBoard output of training: event files read back (window aggregates, the anytime best, the custom-scalars
layout, the figures), and a real tensorboard server queried over HTTP."""

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
WINDOW = 10  # 1 % of 60 steps is below the floor of 10 env steps per dashboard point
ARCHGYM_SCALARS = {
    "archgym/best_score",
    "archgym/best_val_accuracy",
    "archgym/best_cost",
    "archgym/best_params",
    "archgym/evaluations",
    "archgym/invalid_actions",
    "evaluation/score_mean",
    "evaluation/score_min",
    "evaluation/score_max",
    "evaluation/val_accuracy_mean",
    "evaluation/val_accuracy_min",
    "evaluation/val_accuracy_max",
    "evaluation/cost_mean",
    "evaluation/params_mean",
    "evaluation/depth_mean",
    "evaluation/sparsity_mean",
    "evaluation/lr",
    "evaluation/invalid_fraction",
    "episode/final_score_mean",
    "episode/best_score_mean",
    "episode/length_mean",
    "episode/final_depth_mean",
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny DQN run on two envs with a Pareto figure every 20 steps."""
    logdir = tmp_path_factory.mktemp("tb")
    args = ["train", "--env", "archgym/DigitsMLP-v0", "--timesteps", str(STEPS), "--n-envs", str(N_ENVS)]
    args += ["--logdir", str(logdir), "--device", "cpu"]
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
    # the per-step tags of the first dashboard are gone
    assert not {"archgym/score", "archgym/val_accuracy", "archgym/cost", "archgym/params"} & tags


def test_one_point_per_window_not_per_step(events: EventAccumulator, run_dir: Path) -> None:
    steps = [e.step for e in events.Scalars("evaluation/score_mean")]
    # 2 envs: num_timesteps moves by 2, so a window closes every 10 steps; the end of training closes the last
    assert steps == list(range(WINDOW, STEPS + 1, WINDOW))
    assert [e.step for e in events.Scalars("archgym/best_score")] == steps
    records = read_records(run_dir / "search.jsonl")
    assert {r["env"] for r in records} == {0, 1}
    assert [r["evaluation"] for r in records] == list(range(1, len(records) + 1))
    # each window's aggregates are those of the records it holds (records carry their env step)
    for lo, event in zip([-1, *steps], events.Scalars("evaluation/score_mean"), strict=False):
        window = [r["score"] for r in records if lo < r["step"] <= event.step]
        assert event.value == pytest.approx(sum(window) / len(window), abs=1e-5)
    for key in ("score", "val_accuracy"):
        lows = [e.value for e in events.Scalars(f"evaluation/{key}_min")]
        means = [e.value for e in events.Scalars(f"evaluation/{key}_mean")]
        highs = [e.value for e in events.Scalars(f"evaluation/{key}_max")]
        assert all(lo <= m + 1e-6 and m <= hi + 1e-6 for lo, m, hi in zip(lows, means, highs, strict=True))


def test_anytime_best_is_the_running_maximum_of_the_records(events: EventAccumulator, run_dir: Path) -> None:
    records = read_records(run_dir / "search.jsonl")
    best = events.Scalars("archgym/best_score")
    for event in best:
        seen = [r["score"] for r in records if r["step"] <= event.step]
        assert event.value == pytest.approx(max(seen), abs=1e-6)
    top = max(records, key=lambda r: r["score"])
    assert events.Scalars("archgym/best_val_accuracy")[-1].value == pytest.approx(top["val_accuracy"], abs=1e-6)
    assert events.Scalars("archgym/best_params")[-1].value == top["params"]
    assert [e.value for e in events.Scalars("archgym/evaluations")][-1] == len(records)
    invalid = [e.value for e in events.Scalars("archgym/invalid_actions")]
    assert invalid == sorted(invalid)  # a running count
    fractions = [e.value for e in events.Scalars("evaluation/invalid_fraction")]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert all(1.0 <= e.value <= 3.0 for e in events.Scalars("episode/final_depth_mean"))  # DigitsMLP: depth 1-3


def test_custom_scalars_layout_names_logged_tags(run_dir: Path, events: EventAccumulator) -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2, metadata

    ea = EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
    ea.Reload()
    (event,) = ea.Tensors(metadata.CONFIG_SUMMARY_TAG)
    layout = layout_pb2.Layout.FromString(event.tensor_proto.string_val[0])
    titles = {c.title for cat in layout.category for c in cat.chart}
    assert {"anytime best score", "score of the window's evaluations (mean, min, max)"} <= titles
    tags = set(events.Tags()["scalars"])
    for cat in layout.category:
        for chart in cat.chart:
            if chart.HasField("margin"):
                series = chart.margin.series[0]
                assert {series.value, series.lower, series.upper} <= tags, chart.title
            else:
                assert set(chart.multiline.tag) <= tags, chart.title


def test_episode_text_hparams_and_figures(events: EventAccumulator, run_dir: Path) -> None:
    assert "archgym/final_architecture/text_summary" in events.Tags()["tensors"]
    texts = [e.tensor_proto.string_val[0].decode() for e in events.Tensors("archgym/final_architecture/text_summary")]
    assert texts and all("`64-[" in t and "score" in t for t in texts)
    assert len(texts) <= STEPS // WINDOW  # one per window, not one per episode
    images = events.Tags()["images"]
    assert {"archgym/pareto_front", "archgym/best_architecture"} <= set(images)
    pareto = events.Images("archgym/pareto_front")[-1]
    assert (pareto.width, pareto.height) == (880, 600)  # readable without zooming in
    arch = events.Images("archgym/best_architecture")[-1]
    assert arch.width >= 495 and arch.height == 330
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
        q = f"tag=archgym%2Fbest_score&run={run_dir.name}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/plugin/scalars/scalars?{q}", timeout=10) as r:
            points = json.loads(r.read())
        assert [p[1] for p in points] == list(range(WINDOW, STEPS + 1, WINDOW))  # [wall_time, step, value]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
