"""``archgym report``: the figure (fronts, fitted y-range, accuracy kind, cost metric) and the markdown table."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
from matplotlib.image import imread

from archgym.agents.records import SearchLog
from archgym.agents.report import (
    ReportWarning,
    RunMeta,
    fitted_ylim,
    load_runs,
    make_report,
    plot_runs,
    run_meta,
    summary_table,
)
from archgym.agents.run import write_config

# (arch, cost, val_accuracy, score); the Pareto front of RUN_A is a, c, e (b and d are dominated)
RUN_A = [
    ("a", 0.2, 0.80, 0.79),
    ("b", 0.5, 0.78, 0.755),
    ("c", 0.6, 0.90, 0.87),
    ("d", 0.9, 0.85, 0.805),
    ("e", 1.4, 0.95, 0.88),
    ("c", 0.6, 0.88, 0.85),  # a re-visit of c with a worse accuracy
]
RUN_B = [("p", 0.3, 0.70, 0.685), ("q", 0.4, 0.97, 0.95)]


def write_run(path, rows):
    with SearchLog(path / "search.jsonl") as log:
        for i, (arch, cost, acc, score) in enumerate(rows):
            log.write_info(
                {"arch": arch, "cost": cost, "val_accuracy": acc, "score": score, "params": 100, "flops": 90},
                step=i,
                episode=0,
                evaluation=i + 1,
            )
    return path


@pytest.fixture
def runs(tmp_path):
    return [write_run(tmp_path / "dqn_run", RUN_A), write_run(tmp_path / "random_run", RUN_B)]


def test_make_report_writes_png_and_markdown(runs, tmp_path):
    png, md = make_report(runs, tmp_path / "out")
    assert png == tmp_path / "out" / "report.png" and md == tmp_path / "out" / "report.md"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(png)
    assert img.shape[0] > 300 and img.shape[1] > 500
    assert np.unique(img.reshape(-1, img.shape[2]), axis=0).shape[0] > 10  # something was drawn
    text = md.read_text()
    assert "report.png" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows == [
        "| dqn_run | 6 | 0.8800 | `e` | 0.9500 | 1.400 | 3 |",
        "| random_run | 2 | 0.9500 | `q` | 0.9700 | 0.400 | 2 |",
    ]


def test_plot_highlights_each_pareto_front(runs):
    fig = plot_runs(load_runs(runs))
    ax = fig.axes[0]
    fronts = [line for line in ax.get_lines() if "Pareto" in line.get_label()]
    assert len(fronts) == 2
    assert list(fronts[0].get_xdata()) == [0.2, 0.6, 1.4]
    assert list(fronts[0].get_ydata()) == [0.80, 0.90, 0.95]
    assert fronts[0].get_drawstyle() == "steps-post"
    assert fronts[0].get_color() != fronts[1].get_color()
    scatters = ax.collections
    assert [len(s.get_offsets()) for s in scatters] == [6, 2]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("dqn_run") and any(t.startswith("random_run") for t in labels)


def test_same_dir_names_get_their_parent(tmp_path):
    a = write_run(tmp_path / "x" / "run", RUN_A)
    b = write_run(tmp_path / "y" / "run", RUN_B)
    assert list(load_runs([a, b])) == ["x/run", "y/run"]


def test_summary_skips_non_finite_records(tmp_path):
    run = write_run(tmp_path / "r", RUN_B)
    with open(run / "search.jsonl", "a") as fh:
        fh.write(json.dumps({"arch": "z", "cost": float("nan"), "val_accuracy": 0.99, "score": 0.99}) + "\n")
    table = summary_table(load_runs([run]))
    assert "| r | 2 | 0.9500 | `q` |" in table


def test_errors_name_the_path(tmp_path):
    with pytest.raises(ValueError, match="no run dirs"):
        make_report([], tmp_path)
    missing = tmp_path / "nope"
    with pytest.raises(ValueError, match=re.escape(f"run dir {missing} does not exist")):
        make_report([missing], tmp_path / "out")
    (tmp_path / "nolog").mkdir()
    with pytest.raises(ValueError, match=r"nolog has no search\.jsonl"):
        make_report([tmp_path / "nolog"], tmp_path / "out")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "search.jsonl").write_text("")
    with pytest.raises(ValueError, match=r"empty/search\.jsonl holds no record"):
        make_report([tmp_path / "empty"], tmp_path / "out")
    assert not (tmp_path / "out" / "report.png").exists()


# --------------------------------------------------------------------------- the y-range, the accuracy, the cost
def with_config(path, env_id, **env_kwargs):
    path.mkdir(parents=True, exist_ok=True)
    write_config(path, {"kind": "search", "env_id": env_id, "env_kwargs": env_kwargs})
    return path


def test_y_range_fits_the_band_and_counts_what_falls_below(tmp_path):
    good = [(f"g{i}", 0.1 + 0.01 * i, 0.90 + 0.002 * i, 0.9) for i in range(30)]
    diverged = [("x", 0.5, 0.10, 0.1), ("y", 0.6, 0.12, 0.1)]  # two children that did not train
    run = write_run(tmp_path / "r", good + diverged)
    fig = plot_runs(load_runs([run]))
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert 0.85 < lo < 0.90 and 0.958 < hi < 0.97  # the band of the 30 good ones, not 0.1..0.96
    assert (lo, hi) == fitted_ylim([r[2] for r in good + diverged])
    below = [c for c in ax.collections if len(c.get_offsets()) == 2]
    assert len(below) == 1 and list(below[0].get_offsets()[:, 1]) == [lo, lo]  # drawn on the lower edge
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(f"2 below {lo:.3f}" in t for t in labels)


def test_mixed_cost_metrics_warn_in_python_markdown_and_figure(tmp_path):
    a = with_config(tmp_path / "mlp", "archgym/DigitsMLP-v0")  # the preset's params / [64]
    b = with_config(tmp_path / "cnn", "archgym/DigitsMLP-v0", cost_metric="flops")
    write_run(a, RUN_A)
    write_run(b, RUN_B)
    assert run_meta(a) == RunMeta("archgym/DigitsMLP-v0", "inherit", "params", "[64]")
    assert run_meta(b).cost_label == "flops / [64]"
    with pytest.warns(ReportWarning, match=r"mlp: params / \[64\], cnn: flops / \[64\]"):
        png, md = make_report([a, b], tmp_path / "out")
    assert "**Warning**: the runs measure cost differently" in md.read_text()
    fig = plot_runs(load_runs([a, b]), meta={"mlp": run_meta(a), "cnn": run_meta(b)})
    assert "MIXED METRICS" in fig.axes[0].get_xlabel()
    # one metric: no warning, the metric on the axis
    c = write_run(with_config(tmp_path / "mlp2", "archgym/DigitsMLP-v0", cost_weight=0.05), RUN_B)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReportWarning)
        _, md2 = make_report([a, c], tmp_path / "out2")
    assert "Warning" not in md2.read_text()
    fig = plot_runs(load_runs([a, c]), meta={"mlp": run_meta(a), "mlp2": run_meta(c)})
    assert fig.axes[0].get_xlabel().endswith("[params / [64]]")


def test_stream_runs_are_labelled_stream_accuracy(tmp_path):
    online = write_run(with_config(tmp_path / "online", "archgym/DriftingDigits-v0"), RUN_B)
    offline = write_run(with_config(tmp_path / "offline", "archgym/DigitsMLP-v0"), RUN_A)
    assert run_meta(online).stream and not run_meta(offline).stream
    png, md = make_report([online], tmp_path / "out")
    text = md.read_text()
    assert "stream accuracy vs cost" in text and "prequential" in text
    assert "| online | 2 | 0.9500 | `q` | 0.9700 (stream) |" in text
    fig = plot_runs(load_runs([online]), meta={"online": run_meta(online)})
    assert fig.axes[0].get_ylabel().startswith("stream accuracy")
    both = plot_runs(load_runs([online, offline]), meta={"online": run_meta(online), "offline": run_meta(offline)})
    ax = both.axes[0]
    assert "stream" in ax.get_ylabel() and "validation" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("online [stream]") for t in labels)
    assert any(t.startswith("offline (") for t in labels)


def test_runs_without_config_are_unknown_and_never_warn(runs):
    assert run_meta(runs[0]) == RunMeta()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReportWarning)
        plot_runs(load_runs(runs))
