"""Search-quality report: accuracy versus cost of every evaluated architecture, per run.

:func:`make_report` reads each run dir's ``search.jsonl`` (see :mod:`archgym.agents.records`) and
writes ``report.png`` (every evaluation as a dot, the runs overlaid in distinct colours, each
run's Pareto front as a step line) and ``report.md`` (one summary row per run). The figure is
drawn with matplotlib's object API on an Agg canvas: no pyplot state, no display needed.
:func:`plot_runs` returns the figure itself (e.g. for TensorBoard's ``add_figure``).

What the report reads from each run's ``config.yaml`` (:func:`run_meta`; absent for runs written
by scripts, which then count as unknown) and how it uses it:

* **the accuracy's kind**: a run of ``eval_mode: stream`` (the online env) records the prequential
  accuracy of the stream (predict each chunk, then learn it), not a validation accuracy; its axis,
  legend and table say "stream accuracy";
* **the cost metric** (``cost_metric`` and the ``reference`` network it is divided by): costs of runs
  with different metrics are not comparable on one axis, so the report warns
  (:class:`ReportWarning`; also in ``report.md`` and the figure's title).

The y-range is fitted to the interesting band (:func:`fitted_ylim`): from a little below the 10th
percentile of the accuracies to just above the best, so that a few diverged or tiny children do not
squash the fronts into a line; the evaluations below the band are drawn as markers on its lower edge
and counted in the legend.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from archgym.agents.records import best_record, pareto_front, read_records

__all__ = [
    "SEARCH_LOG",
    "ReportWarning",
    "RunMeta",
    "cost_metric_warning",
    "default_out_dir",
    "fitted_ylim",
    "load_runs",
    "make_report",
    "plot_runs",
    "run_meta",
    "summary_table",
]

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


class ReportWarning(UserWarning):
    """Runs plotted together that should not be compared directly (different cost metrics)."""


@dataclass(frozen=True)
class RunMeta:
    """What a run's ``config.yaml`` says about its records (None: unknown).

    :param env_id: the env id
    :param eval_mode: the env's eval mode (``stream``: the accuracy is the stream's prequential accuracy)
    :param cost_metric: the cost metric (``params``, ``flops``, ``latency``, ...)
    :param reference: the reference network the cost is divided by
    """

    env_id: str | None = None
    eval_mode: str | None = None
    cost_metric: str | None = None
    reference: str | None = None

    @property
    def stream(self) -> bool:
        """True for the online env: ``val_accuracy`` holds the stream's prequential accuracy."""
        return self.eval_mode == "stream"

    @property
    def cost_label(self) -> str | None:
        """``metric / reference`` (None when the metric is unknown)."""
        if self.cost_metric is None:
            return None
        return f"{self.cost_metric} / {self.reference}" if self.reference else self.cost_metric


def _lookup(kwargs: Mapping[str, Any], key: str) -> Any:
    """A flat env keyword, or the same key inside a grouped mapping (``reward: {cost_metric: ...}``)."""
    if key in kwargs:
        return kwargs[key]
    for v in kwargs.values():
        if isinstance(v, Mapping) and key in v:
            return v[key]
    return None


def run_meta(run_dir: str | Path) -> RunMeta:
    """The env id, eval mode and cost metric of a run: its ``config.yaml`` env kwargs over the env preset's.

    A folder without ``config.yaml`` (or with an unreadable one) gives an all-unknown :class:`RunMeta`.
    """
    from archgym.agents.run import read_config

    try:
        config = read_config(run_dir)
    except ValueError:
        return RunMeta()
    env_id = str(config["env_id"])
    import gymnasium as gym

    import archgym  # noqa: F401  (registers the env ids)

    preset: Mapping[str, Any]
    try:
        preset = dict(gym.spec(env_id).kwargs)
    except gym.error.Error:  # an id this install does not know: the config's own keys only
        preset = {}
    given = config.get("env_kwargs") or {}

    def value(key: str) -> Any:
        v = _lookup(given, key) if isinstance(given, Mapping) else None
        return v if v is not None else _lookup(preset, key)

    ref = value("reference")
    reference = "[" + ",".join(map(str, ref)) + "]" if isinstance(ref, (list, tuple)) else ref
    mode, metric = value("eval_mode"), value("cost_metric")
    return RunMeta(
        env_id,
        str(mode) if mode is not None else "inherit",
        str(metric) if metric is not None else "params",
        None if reference is None else str(reference),
    )


def cost_metric_warning(meta: Mapping[str, RunMeta]) -> str | None:
    """A warning naming each run's cost metric when the runs (those whose metric is known) differ; else None."""
    known = {label: m.cost_label for label, m in meta.items() if m.cost_label is not None}
    if len(set(known.values())) <= 1:
        return None
    parts = ", ".join(f"{label}: {cost}" for label, cost in known.items())
    return (
        f"the runs measure cost differently ({parts}); their cost axes are not comparable, "
        "compare them by accuracy only or re-run with one cost_metric and reference"
    )


def fitted_ylim(values: Sequence[float], *, quantile: float = 0.1) -> tuple[float, float]:
    """The y-range of the interesting band of accuracies ``values``.

    With ``q`` their ``quantile`` and ``band = max - q``: when every value lies within ``band`` below ``q``
    the range holds them all (5 % margins); otherwise the values further down are outliers (diverged or
    untrained children) and the range starts at ``q - band / 2``. The top is ``max`` + 4 % of the range
    (at least 0.005).

    >>> fitted_ylim([0.70, 0.78, 0.80, 0.85, 0.88, 0.90, 0.95, 0.97])  # spread out: everything shown
    (0.6865, 0.9813)
    >>> fitted_ylim([0.1, 0.12] + [0.9 + 0.002 * i for i in range(30)])  # two diverged children cut off
    (0.8743, 0.963)
    """
    v = np.asarray([x for x in values if math.isfinite(x)], dtype=np.float64)
    if v.size == 0:
        return 0.0, 1.0
    top, q, low = float(v.max()), float(np.quantile(v, quantile)), float(v.min())
    band = max(top - q, 0.01)
    lo = low - max(0.05 * (top - low), 0.005) if low >= q - band else q - band / 2
    hi = top + max(0.04 * (top - lo), 0.005)
    return round(lo, 4), round(hi, 4)


def _accuracy_label(meta: Mapping[str, RunMeta]) -> str:
    streams = [m.stream for m in meta.values()]
    if streams and all(streams):
        return "stream accuracy (prequential: predict each chunk, then learn it)"
    if any(streams):
        return "accuracy: validation, or stream (prequential) for the runs marked [stream]"
    return "validation accuracy"


def plot_runs(
    runs: Mapping[str, Sequence[Mapping[str, Any]]], title: str = "", meta: Mapping[str, RunMeta] | None = None
) -> Figure:
    """Accuracy versus cost of every record, one colour per run, Pareto fronts as step lines.

    :param runs: records by run label
    :param title: figure title (default: none)
    :param meta: what each run measures (:func:`run_meta`; default: unknown, plotted as validation accuracy)
    """
    meta = {label: (meta or {}).get(label, RunMeta()) for label in runs}
    fig = Figure(figsize=(7.0, 4.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    colours = [f"C{i % 10}" for i in range(len(runs))]
    lo, hi = fitted_ylim([r["val_accuracy"] for records in runs.values() for r in records])
    for (label, records), colour in zip(runs.items(), colours, strict=True):
        kind = " [stream]" if meta[label].stream and not all(m.stream for m in meta.values()) else ""
        inside = [r for r in records if r["val_accuracy"] >= lo]
        below = [r for r in records if r["val_accuracy"] < lo]
        ax.scatter(
            [r["cost"] for r in inside],
            [r["val_accuracy"] for r in inside],
            s=10,
            alpha=0.35,
            color=colour,
            linewidths=0,
            label=f"{label}{kind} ({len(records)} evaluations)",
        )
        if below:
            ax.scatter(
                [r["cost"] for r in below],
                [lo] * len(below),
                s=18,
                marker="v",
                color=colour,
                alpha=0.6,
                clip_on=False,
                label=f"{label}: {len(below)} below {lo:.3f}",
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
    costs = {m.cost_label for m in meta.values() if m.cost_label is not None}
    unit = f" [{costs.pop()}]" if len(costs) == 1 else " [MIXED METRICS: not comparable]" if costs else ""
    ax.set_xlabel(f"cost (normalised to the reference network){unit}")
    ax.set_ylabel(_accuracy_label(meta))
    ax.set_ylim(lo, hi)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _fmt(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) and math.isfinite(value) else "n/a"


def summary_table(runs: Mapping[str, Sequence[Mapping[str, Any]]], meta: Mapping[str, RunMeta] | None = None) -> str:
    """A markdown table: run, evaluations, best score, best architecture, its accuracy and cost, Pareto size.

    The accuracy is the validation accuracy; a stream run's (``eval_mode: stream``) is its prequential
    stream accuracy, marked ``(stream)``.

    :param runs: records by run label
    :param meta: what each run measures (:func:`run_meta`)
    """
    lines = [
        "| run | evaluations | best score | best arch | val accuracy | cost | Pareto front |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for label, records in runs.items():
        best = best_record(records) or {}
        arch = f"`{best['arch']}`" if "arch" in best else "n/a"
        stream = " (stream)" if (meta or {}).get(label, RunMeta()).stream else ""
        lines.append(
            f"| {label} | {len(records)} | {_fmt(best.get('score'))} | {arch} | "
            f"{_fmt(best.get('val_accuracy'))}{stream} | {_fmt(best.get('cost'), 3)} | {len(pareto_front(records))} |"
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
    meta = dict(zip(runs, (run_meta(d) for d in run_dirs), strict=True))
    out_dir = check_dir_path(out_dir, "--out")
    out_dir.mkdir(parents=True, exist_ok=True)
    png, md = out_dir / PNG_NAME, out_dir / MD_NAME
    warning = cost_metric_warning(meta)
    if warning is not None:
        warnings.warn(warning, ReportWarning, stacklevel=2)
    what = "stream accuracy" if meta and all(m.stream for m in meta.values()) else "accuracy"
    title = f"{what} vs cost" + ("  (WARNING: different cost metrics)" if warning else "")
    fig = plot_runs(runs, title=title, meta=meta)
    fig.savefig(png)
    notes = []
    if warning:
        notes.append(f"**Warning**: {warning}.")
    if any(m.stream for m in meta.values()):
        notes.append(
            "Runs of the online env (`eval_mode: stream`, marked (stream)) record the stream's prequential "
            "accuracy (each chunk predicted before it is learned), not a validation accuracy."
        )
    md.write_text(
        "# Search report\n\n"
        f"![{what} vs cost]({png.name})\n\n"
        + "".join(n + "\n\n" for n in notes)
        + "Best = highest score (accuracy - cost term); Pareto front = evaluated architectures not "
        "dominated in (lower cost, higher accuracy).\n\n" + summary_table(runs, meta)
    )
    return png, md
