"""Benchmark of archgym.pruning against Torch-Pruning on trained digits networks.

What it measures, for a trained digits MLP (64-[128,64]-10) and CNN (1x8x8-[c16k3,c32k3,64]-10):

* **structured** pruning (units physically removed) at several ratios (fraction of each hidden
  layer's units), with every archgym criterion, and with Torch-Pruning's ``MetaPruner`` on the same
  trained model and ratio (magnitude L1/L2, Taylor, random importances; output layer ignored);
* **unstructured** pruning (masks) at several sparsities with every archgym criterion, and
  ``torch.nn.utils.prune.l1_unstructured`` as the reference;

and for each row: validation accuracy right after pruning and after ``--ft-steps`` of fine-tuning,
parameters, active (non-zero) parameters, multiply-adds of one forward pass, wall time of the
pruning call (fastest of 3; including the few gradient batches of gradient criteria, and
Torch-Pruning's graph tracing), and the CPU inference latency (fastest of N runs,
``torch.inference_mode``) of the pruned model
at batch sizes 1 and 256 with the dense model's latency for comparison. Unstructured masks are made
permanent before timing: they run dense kernels, so their MACs and latency equal the dense ones.

Torch-Pruning (``pip install torch-pruning``) is a benchmark-only dependency: without it its rows
are skipped with a note.

Run::

    python scripts/bench_pruning.py                 # full run, writes the "bench_pruning" section
    python scripts/bench_pruning.py --quick         # smoke run under a minute, no docs update
    python scripts/bench_pruning.py --json out.json

Flags: ``--quick``, ``--json PATH``, ``--no-doc``, ``--seed``, ``--device`` (training device:
auto/cpu/cuda; latency is always measured on the CPU), ``--threads`` (torch CPU threads, default 1),
``--train-steps``, ``--ft-steps``, ``--struct-ratios``, ``--unstruct-ratios``, ``--criteria``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
import torch.nn.functional as F
from _benchdoc import machine_line, update_section
from torch import nn
from torch.nn.utils import prune as tprune

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import Dataset, load_dataset
from archgym.device import resolve_device
from archgym.pruning import (
    CRITERIA,
    clone_model,
    count_macs,
    make_permanent,
    nonzero_params,
    prune_structured,
    prune_unstructured,
)
from archgym.training import Trainer

try:
    import torch_pruning as tp
except ImportError:  # benchmark-only dependency
    tp = None

TP_IMPORTANCES: dict[str, Callable[[], object]] = (
    {}
    if tp is None
    else {
        "l1": lambda: tp.importance.MagnitudeImportance(p=1),
        "l2": lambda: tp.importance.MagnitudeImportance(p=2),
        "taylor": lambda: tp.importance.TaylorImportance(),
        "random": lambda: tp.importance.RandomImportance(),
    }
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run under a minute; no docs update")
    p.add_argument("--json", metavar="PATH", help="write the rows as JSON")
    p.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="training device: auto, cpu or cuda")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--train-steps", type=int, default=1500)
    p.add_argument("--ft-steps", type=int, default=300, help="fine-tuning steps after pruning")
    p.add_argument("--struct-ratios", type=float, nargs="+", default=[0.25, 0.5, 0.75])
    p.add_argument("--unstruct-ratios", type=float, nargs="+", default=[0.5, 0.8, 0.9])
    p.add_argument("--criteria", nargs="+", default=list(CRITERIA), choices=list(CRITERIA))
    args = p.parse_args(argv)
    if args.quick:
        args.train_steps, args.ft_steps = 200, 40
        args.struct_ratios, args.unstruct_ratios, args.criteria = [0.5], [0.8], ["l1", "taylor"]
    return args


@torch.inference_mode()
def latency_us(model: nn.Module, shape: tuple[int, ...], batch: int, repeats: int) -> float:
    """Fastest of ``repeats`` CPU forward passes, in microseconds (robust to other load on a shared machine)."""
    model = model.cpu().eval()
    x = torch.randn(batch, *shape)
    for _ in range(10):
        model(x)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - t)
    return min(times) * 1e6


def accuracy(model: nn.Module, ds: Dataset) -> float:
    """Validation accuracy."""
    return Trainer(ds).evaluate(model, "val", observe=False).accuracy


def finetune(model: nn.Module, ds: Dataset, steps: int, seed: int) -> float:
    """Fine-tune ``model`` in place; returns its validation accuracy."""
    if steps:
        Trainer(ds, schedule=1e-3, batch_size=64, seed=seed).fit(model, steps=steps)
    return accuracy(model, ds)


def tp_prune(model: nn.Module, ds: Dataset, ratio: float, name: str, seed: int) -> None:
    """Torch-Pruning's MetaPruner on ``model`` (ChildNet), head ignored; Taylor gets 4 gradient batches.

    Its random importance draws from torch's global RNG: seeded here so the rows are reproducible.
    """
    torch.manual_seed(seed)
    example = ds.x_train[:2]
    imp = TP_IMPORTANCES[name]()
    pruner = tp.pruner.MetaPruner(model, example, importance=imp, pruning_ratio=ratio, ignored_layers=[model.head])
    if name == "taylor":
        model.zero_grad()
        for b in range(4):
            xb, yb = ds.x_train[b * 64 : (b + 1) * 64], ds.y_train[b * 64 : (b + 1) * 64]
            F.cross_entropy(model(xb), yb).backward()
    pruner.step()
    model.zero_grad(set_to_none=True)


def torch_l1_unstructured(model: ChildNet, ratio: float) -> None:
    """The reference: ``torch.nn.utils.prune.l1_unstructured`` on every hidden layer."""
    for layer in model.layers:
        tprune.l1_unstructured(layer, "weight", ratio)


def measure(
    row: dict, model: nn.Module, ds: Dataset, args: argparse.Namespace, prune_s: float, reps: tuple[int, int]
) -> dict:
    """Fill accuracy (before/after fine-tuning), counts, wall time and latency of a pruned model."""
    row["acc_pruned"] = round(accuracy(model, ds), 4)
    row["acc_finetuned"] = round(finetune(model, ds, args.ft_steps, args.seed), 4)
    make_permanent(model)
    row["params"] = sum(p.numel() for p in model.parameters())
    row["nonzero"] = nonzero_params(model)
    row["macs"] = count_macs(model, ds.input_shape)
    row["prune_ms"] = round(prune_s * 1e3, 2)
    row["lat_b1_us"] = round(latency_us(model, ds.input_shape, 1, reps[0]), 1)
    row["lat_b256_us"] = round(latency_us(model, ds.input_shape, 256, reps[1]), 1)
    return row


def bench_model(name: str, arch: Architecture, ds: Dataset, args: argparse.Namespace) -> tuple[dict, list[dict]]:
    """Train one network, then prune copies of it every way; returns the dense row and the pruned rows."""
    reps = (50, 10) if args.quick else (300, 40)
    dense = ChildNet(arch, seed=args.seed, device=ds.device)
    Trainer(ds, schedule=3e-3, batch_size=64, seed=args.seed).fit(dense, steps=args.train_steps)
    base = {"model": name, "arch": arch.key(), "acc": round(accuracy(dense, ds), 4)}
    base |= {"params": dense.num_params(), "macs": count_macs(dense, ds.input_shape)}
    base["lat_b1_us"] = round(latency_us(clone_model(dense), ds.input_shape, 1, reps[0]), 1)
    base["lat_b256_us"] = round(latency_us(clone_model(dense), ds.input_shape, 256, reps[1]), 1)
    rows = []
    tries = 1 if args.quick else 3

    def run(kind: str, library: str, crit: str, ratio: float, fn: Callable[[nn.Module], object]) -> None:
        m, dt = timed(dense, fn, tries)
        row = {"model": name, "kind": kind, "library": library, "criterion": crit, "ratio": ratio}
        rows.append(measure(row, m, ds, args, dt, reps))

    kw = {"data": ds, "batches": 4, "batch_size": 64, "seed": args.seed}
    for r in args.struct_ratios:
        for crit in args.criteria:
            run("structured", "archgym", crit, r, lambda m, r=r, c=crit: prune_structured(m, r, c, **kw))
        for crit in TP_IMPORTANCES if not args.quick else ["l1"]:
            run("structured", "torch-pruning", crit, r, lambda m, r=r, c=crit: tp_prune(m, ds, r, c, args.seed))
    for r in args.unstruct_ratios:
        for crit in args.criteria:
            run("unstructured", "archgym", crit, r, lambda m, r=r, c=crit: prune_unstructured(m, r, c, **kw))
        run("unstructured", "torch.nn.utils.prune", "l1", r, lambda m, r=r: torch_l1_unstructured(m, r))
    return base, rows


def timed(dense: nn.Module, fn: Callable[[nn.Module], object], tries: int) -> tuple[nn.Module, float]:
    """Prune ``tries`` fresh copies of ``dense`` with ``fn``; the last copy and the fastest wall time."""
    best = float("inf")
    for _ in range(tries):
        m = clone_model(dense)
        t = time.perf_counter()
        fn(m)
        best = min(best, time.perf_counter() - t)
    return m, best


COLUMNS = [
    "model", "library", "criterion", "ratio", "acc_pruned", "acc_finetuned", "params", "nonzero", "macs",
    "prune_ms", "lat_b1_us", "lat_b256_us",
]  # fmt: skip


def markdown(bases: list[dict], rows: list[dict], args: argparse.Namespace, cmd: str, dev: str, load: float) -> str:
    """The docs/benchmarks.md section."""
    out = [
        "## bench_pruning",
        "",
        "Pruning trained digits networks with archgym.pruning and with Torch-Pruning "
        f"({'v' + tp.__version__ if tp else 'not installed'}) on the same model and ratio. "
        "`ratio`: fraction of each hidden layer's units removed (structured) or of its weights masked "
        "(unstructured); the output layer is never pruned. `acc_*`: validation accuracy (359 samples) right "
        f"after pruning and after {args.ft_steps} fine-tuning steps (Adam, lr 1e-3). `macs`: multiply-adds "
        "per sample. `prune_ms`: wall time of the pruning call, fastest of 3 (gradient criteria include 4 "
        "gradient batches; Torch-Pruning includes graph tracing). `lat_*`: CPU latency of a forward pass at "
        "batch 1 / 256, fastest of 300 / 40 runs (masks made permanent: unstructured sparsity runs dense kernels).",
        "",
        f"`{cmd}`",
        "",
        f"{machine_line(dev)} Latency on the CPU; load average {load:.1f} on {os.cpu_count()} CPUs when the "
        "run started (on a shared machine, timings of identical shapes vary between rows: compare sizes "
        "and orders of magnitude, not small differences).",
        "",
        "Dense baselines:",
        "",
        "| model | arch | acc | params | macs | lat_b1_us | lat_b256_us |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| {b['model']} | {b['arch']} | {b['acc']} | {b['params']} | {b['macs']} | {b['lat_b1_us']} | "
        f"{b['lat_b256_us']} |"
        for b in bases
    ]
    for kind in ("structured", "unstructured"):
        out += ["", f"### {kind}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        out += ["| " + " | ".join(str(r[c]) for c in COLUMNS) + " |" for r in rows if r["kind"] == kind]
    if tp is None:
        out += ["", "Torch-Pruning was not installed: its rows are missing (`pip install torch-pruning`)."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the benchmark; returns the rows (dense baselines first, marked ``kind="dense"``)."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    dev = resolve_device(args.device)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    flat = load_dataset("digits", seed=args.seed, device=dev)
    img = load_dataset("digits", seed=args.seed, device=dev, image=True)
    bases, rows = [], []
    for name, arch, ds in (
        ("mlp", Architecture.mlp(64, [128, 64], 10), flat),
        ("cnn", Architecture.cnn((1, 8, 8), [16, 32], [64], 10), img),
    ):
        b, r = bench_model(name, arch, ds, args)
        bases.append(b)
        rows += r
    cmd = "python scripts/bench_pruning.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = markdown(bases, rows, args, cmd.strip(), str(dev), load)
    print(text)
    print(f"total {time.perf_counter() - t0:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps([{"kind": "dense", **b} for b in bases] + rows, indent=2))
    if not (args.quick or args.no_doc):
        update_section("bench_pruning", text)
    return rows


if __name__ == "__main__":
    main()
