from __future__ import annotations

import json
import re

import numpy as np
import pytest
from matplotlib.image import imread

from archgym.agents.records import SearchLog
from archgym.agents.report import load_runs, make_report, plot_runs, summary_table

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
