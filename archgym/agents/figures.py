"""Figures of the TensorBoard dashboard: the Pareto front of the evaluations and a picture of an architecture.

Both are drawn with matplotlib's object API on an Agg canvas (no pyplot state, no display), sized to be
read at TensorBoard's default image width without zooming.

>>> fig = architecture_figure("1x40-[c28k5,c16k5,64]-10", {"val_accuracy": 0.91, "params": 19274})
>>> [t.get_text() for t in fig.axes[0].texts if t.get_text()][:4]
['input\\n1x40', 'conv 28\\nk5', 'conv 16\\nk5', 'dense 64']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from archgym.agents.records import pareto_front
from archgym.arch import Architecture

__all__ = ["architecture_figure", "pareto_figure"]

#: colours of the layer kinds in :func:`architecture_figure`
KIND_COLOURS = {"input": "#d9d9d9", "conv": "#6baed6", "dense": "#fd8d3c", "head": "#74c476"}


def pareto_figure(records: Sequence[Mapping[str, Any]], title: str = "") -> Figure:
    """Validation accuracy versus cost of every record, the Pareto front highlighted and labelled.

    880 x 600 pixels with 11-point text; the front's points carry their architecture keys (at most 8, the
    best ones), cost on a log axis when it spans more than a factor of 20.

    :param records: ``search.jsonl`` records
    :param title: figure title (default: the number of evaluations)
    """
    fig = Figure(figsize=(8.0, 600 / 110), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ok = [
        r for r in records if math.isfinite(r.get("cost", math.nan)) and math.isfinite(r.get("val_accuracy", math.nan))
    ]
    ax.scatter([r["cost"] for r in ok], [r["val_accuracy"] for r in ok], s=14, alpha=0.3, lw=0, label="evaluated")
    front = pareto_front(ok)
    ax.plot(
        [r["cost"] for r in front], [r["val_accuracy"] for r in front], "o-", color="C3", ms=6, label="Pareto front"
    )
    costs = [r["cost"] for r in ok if r["cost"] > 0]
    log_x = bool(costs) and max(costs) / min(costs) > 20
    if log_x:
        ax.set_xscale("log")
    _label_front(ax, front, ok, log_x)
    ax.set_xlabel("cost (relative to the reference network)", fontsize=11)
    ax.set_ylabel("validation accuracy", fontsize=11)
    ax.set_title(title or f"{len(ok)} evaluations", fontsize=11)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=10)
    fig.tight_layout()
    return fig


def _label_front(ax: Any, front: Sequence[Mapping[str, Any]], ok: Sequence[Mapping[str, Any]], log_x: bool) -> None:
    """Architecture keys beside the front's points, best first, skipping a point too close to a labelled one
    (in axes fractions), at most 8."""
    if not front:
        return

    def pos(r: Mapping[str, Any]) -> tuple[float, float]:
        x = math.log10(r["cost"]) if log_x and r["cost"] > 0 else r["cost"]
        return x, r["val_accuracy"]

    pts = [pos(r) for r in ok]
    (x0, x1), (y0, y1) = (
        (min(p[0] for p in pts), max(p[0] for p in pts)),
        (min(p[1] for p in pts), max(p[1] for p in pts)),
    )
    sx, sy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    placed: list[tuple[float, float]] = []
    for r in sorted(front, key=lambda r: -r["val_accuracy"]):
        x, y = pos(r)
        u, v = (x - x0) / sx, (y - y0) / sy
        if len(placed) == 8 or any(abs(u - a) < 0.18 and abs(v - b) < 0.06 for a, b in placed):
            continue
        placed.append((u, v))
        ax.annotate(
            str(r.get("arch", "")),
            (r["cost"], r["val_accuracy"]),
            fontsize=8,
            xytext=(5, -11),
            textcoords="offset points",
            ha="right" if u > 0.8 else "left",
        )


def _layer_boxes(arch: Architecture) -> list[tuple[str, str, float]]:
    """``(kind, label, relative height)`` of the input, every hidden layer and the head."""
    boxes: list[tuple[str, str, float]] = [("input", "input\n" + "x".join(map(str, arch.input_shape)), 0.55)]
    widest = max([x.width for x in arch.layers] + [arch.num_classes, 2])
    for x in arch.layers:
        h = 0.25 + 0.75 * math.log2(x.width + 1) / math.log2(widest + 1)
        if x.kind == "conv":
            extra = "".join(f" {n}{v}" for n, v in (("s", x.stride), ("p", x.pool)) if v > 1)
            boxes.append(("conv", f"conv {x.width}\nk{x.kernel}{extra}", h))
        else:
            boxes.append(("dense", f"dense {x.width}", h))
    head = "gap + " if arch.head == "gap" else ""
    boxes.append(
        (
            "head",
            f"{head}head\n{arch.num_classes}",
            0.25 + 0.75 * math.log2(arch.num_classes + 1) / math.log2(widest + 1),
        )
    )
    return boxes


def architecture_figure(arch: Architecture | str, info: Mapping[str, Any] | None = None, title: str = "") -> Figure:
    """A picture of an architecture: input, hidden layers (height ~ log width; conv blue, dense orange) and head.

    :param arch: an :class:`~archgym.arch.Architecture` or its key
    :param info: metrics shown under it (``val_accuracy``, ``score``, ``params``, ``cost`` when present)
    :param title: figure title (default: the key)
    """
    a = Architecture.from_key(arch) if isinstance(arch, str) else arch
    boxes = _layer_boxes(a)
    fig = Figure(figsize=(max(4.5, 1.25 * len(boxes) + 0.5), 3.0), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, (kind, label, h) in enumerate(boxes):
        x = 1.25 * i
        ax.add_patch(
            FancyBboxPatch(
                (x, 0.5 - h / 2), 0.95, h, boxstyle="round,pad=0.02", fc=KIND_COLOURS[kind], ec="black", lw=0.8
            )
        )
        ax.text(x + 0.475, 0.5, label, ha="center", va="center", fontsize=9)
        if i:
            ax.annotate("", (x - 0.02, 0.5), (x - 0.28, 0.5), arrowprops={"arrowstyle": "->", "lw": 0.8})
    ax.set_xlim(-0.15, 1.25 * len(boxes) - 0.15)
    ax.set_ylim(-0.25, 1.1)
    ax.axis("off")
    metrics = []
    for key, fmt in (
        ("val_accuracy", "val acc {:.4f}"),
        ("score", "score {:.4f}"),
        ("params", "{:,.0f} params"),
        ("cost", "cost {:.3f}"),
    ):
        v = (info or {}).get(key)
        if isinstance(v, (int, float)) and math.isfinite(v):
            metrics.append(fmt.format(v))
    ax.text(0.0, -0.18, "   ".join(metrics), fontsize=9, ha="left", va="center")
    ax.set_title(title or a.key(), fontsize=10)
    fig.tight_layout()
    return fig
