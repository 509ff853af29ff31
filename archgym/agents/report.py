"""Search-quality report: validation accuracy versus cost of every evaluated architecture, per run.

:func:`make_report` reads each run dir's ``search.jsonl`` (see :mod:`archgym.agents.records`) and
writes ``report.png`` (every evaluation as a dot, the runs overlaid in distinct colours, each
run's Pareto front as a step line) and ``report.md`` (one summary row per run). The figure is
drawn with matplotlib's object API on an Agg canvas: no pyplot state, no display needed.
:func:`plot_runs` returns the figure itself (e.g. for TensorBoard's ``add_figure``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from archgym.agents.records import best_record, pareto_front, read_records

__all__ = ["SEARCH_LOG", "default_out_dir", "load_runs", "make_report", "plot_runs", "summary_table"]

SEARCH_LOG = "search.jsonl"
PNG_NAME = "report.png"
MD_NAME = "report.md"


def _labels(run_dirs: Sequence[Path]) -> list[str]:
    """Run dir names; a name shared by several dirs gets its parent folder prefixed."""
    names = [p.name for p in run_dirs]
    return [f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name for p in run_dirs]


def load_runs(run_dirs: Sequence[str | Path]) -> dict[str, list[dict[str, Any]]]:
    """The records of each run dir's ``search.jsonl``, by label (the dir name).

    :param run_dirs: run directories
    :raises ValueError: no dirs, a missing dir or log, or a log without a usable record (the path is named)
    """
    if not run_dirs:
        raise ValueError("no run dirs given; pass at least one directory holding a search.jsonl")
    paths = [Path(p) for p in run_dirs]
    out: dict[str, list[dict[str, Any]]] = {}
    for label, run in zip(_labels(paths), paths, strict=True):
        if not run.is_dir():
            raise ValueError(f"run dir {run} does not exist")
        log = run / SEARCH_LOG
        if not log.is_file():
            raise ValueError(f"run dir {run} has no {SEARCH_LOG}")
        records = [
            r
            for r in read_records(log)
            if all(isinstance(r.get(k), (int, float)) and math.isfinite(r[k]) for k in ("cost", "val_accuracy"))
        ]
        if not records:
            raise ValueError(f"{log} holds no record with a finite cost and val_accuracy")
        if label in out:
            raise ValueError(f"run dir {run} given twice")
        out[label] = records
    return out


def plot_runs(runs: Mapping[str, Sequence[Mapping[str, Any]]], title: str = "") -> Figure:
    """Validation accuracy versus cost of every record, one colour per run, Pareto fronts as step lines.

    :param runs: records by run label
    :param title: figure title (default: none)
    """
    fig = Figure(figsize=(7.0, 4.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    colours = [f"C{i % 10}" for i in range(len(runs))]
    for (label, records), colour in zip(runs.items(), colours, strict=True):
        ax.scatter(
            [r["cost"] for r in records],
            [r["val_accuracy"] for r in records],
            s=10,
            alpha=0.35,
            color=colour,
            linewidths=0,
            label=f"{label} ({len(records)} evaluations)",
        )
        front = pareto_front(records)
        ax.step(
            [r["cost"] for r in front],
            [r["val_accuracy"] for r in front],
            where="post",
            color=colour,
            linewidth=1.8,
            marker="o",
            markersize=5,
            markeredgecolor="black",
            markeredgewidth=0.5,
            label=f"{label} Pareto front ({len(front)})",
        )
    ax.set_xlabel("cost (normalised to the reference network)")
    ax.set_ylabel("validation accuracy")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _fmt(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) and math.isfinite(value) else "n/a"


def summary_table(runs: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A markdown table: run, evaluations, best score, best architecture, its val accuracy and cost, Pareto size.

    :param runs: records by run label
    """
    lines = [
        "| run | evaluations | best score | best arch | val accuracy | cost | Pareto front |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for label, records in runs.items():
        best = best_record(records) or {}
        arch = f"`{best['arch']}`" if "arch" in best else "n/a"
        lines.append(
            f"| {label} | {len(records)} | {_fmt(best.get('score'))} | {arch} | "
            f"{_fmt(best.get('val_accuracy'))} | {_fmt(best.get('cost'), 3)} | {len(pareto_front(records))} |"
        )
    return "\n".join(lines) + "\n"


def default_out_dir(run_dirs: Sequence[str | Path]) -> Path:
    """Where ``archgym report`` writes by default: ``RUN/report`` for one run; for several,
    ``<common parent>/report-<names>`` (or ``report-<8 hex digits of the runs' paths>`` when the names
    are long), so that reports of different sets of runs never overwrite each other.

    >>> str(default_out_dir(["runs/a"]))
    'runs/a/report'
    >>> str(default_out_dir(["runs/a", "runs/b"]))
    'runs/report-a+b'
    """
    import hashlib
    import os

    dirs = [Path(d) for d in run_dirs]
    if len(dirs) == 1:
        return dirs[0] / "report"
    resolved = [d.resolve() for d in dirs]
    common = Path(os.path.commonpath(resolved))
    parent = common if all(d.is_absolute() for d in dirs) else Path(os.path.relpath(common))
    name = "+".join(d.name for d in resolved)
    if len(name) > 80 or not name.replace("+", ""):
        name = hashlib.sha1("\n".join(sorted(map(str, resolved))).encode()).hexdigest()[:8]
    return parent / f"report-{name}"


def make_report(run_dirs: list[Path], out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.png`` and ``report.md`` for the runs into ``out_dir``.

    :param run_dirs: run directories, each holding a ``search.jsonl`` (labels are their names)
    :param out_dir: output folder (created)
    :return: ``(png_path, markdown_path)``
    :raises ValueError: no dirs, a missing dir or log, or an empty log (the path is named)
    """
    from archgym.agents.run import check_dir_path

    runs = load_runs(run_dirs)
    out_dir = check_dir_path(out_dir, "--out")
    out_dir.mkdir(parents=True, exist_ok=True)
    png, md = out_dir / PNG_NAME, out_dir / MD_NAME
    fig = plot_runs(runs, title="validation accuracy vs cost")
    fig.savefig(png)
    md.write_text(
        "# Search report\n\n"
        f"![validation accuracy vs cost]({png.name})\n\n"
        "Best = highest score (val accuracy - cost term); Pareto front = evaluated architectures not "
        "dominated in (lower cost, higher val accuracy).\n\n" + summary_table(runs)
    )
    return png, md
