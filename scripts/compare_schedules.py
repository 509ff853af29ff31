"""Compare learning-rate schedules on the same digits MLP child (archgym issue 5).

What: trains the child ``64-[64]-10`` (ChildNet from ``Architecture.mlp``) on scikit-learn's digits
with Adam and each schedule of ``SPECS`` (fixed, exponential, step, adaptive, warm-up + cosine),
the same step budget and batch size, for several seeds (the seed drives weight init and batch
order; the train/val split is fixed with seed 0 so every run is scored on the same validation set).
Every ``--eval-every`` steps the validation split is evaluated (which also feeds the adaptive
schedule its ``observe(val_loss)``). Logged to TensorBoard under
``<logdir>/<schedule>__<seed>``: ``train/lr`` and ``train/loss`` per step, ``archgym/val_accuracy``
and ``archgym/val_loss`` per evaluation, and the schedule spec as a text table. The summary table
(final validation accuracy mean ± std, steps to reach 95% of the run's final accuracy, final train
loss) goes to the ``compare_schedules`` section of docs/benchmarks.md, with the command.

How to run (from the repository root)::

    python scripts/compare_schedules.py                 # full run: 1500 steps, 3 seeds, writes the doc
    python scripts/compare_schedules.py --quick         # smoke run: 100 steps, 1 seed, no doc update
    python scripts/compare_schedules.py --json out.json # also dump every curve and summary as JSON
    tensorboard --logdir runs/compare_schedules

Flags: ``--steps N`` (budget, default 1500), ``--seeds N`` (default 3), ``--eval-every N``
(default 10), ``--lr X`` (base rate of every schedule, default 5e-3), ``--batch-size N``
(default 64), ``--device auto|cpu|cuda``, ``--logdir PATH`` (default runs/compare_schedules),
``--json PATH``, ``--quick``, ``--no-doc`` (do not touch docs/benchmarks.md; implied by ``--quick``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from _benchdoc import machine_line, update_section
from torch.utils.tensorboard import SummaryWriter

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import load_dataset
from archgym.device import resolve_device
from archgym.schedules import make_schedule
from archgym.training import Trainer

ARCH_WIDTHS = (64,)


def schedule_specs(lr: float, steps: int, eval_every: int) -> dict[str, dict[str, Any]]:
    """The schedules compared, as YAML presets would write them, all sized to the step budget.

    :param lr: base learning rate of every schedule
    :param steps: the training budget in optimizer steps
    :param eval_every: steps between validation evaluations (the adaptive schedule's clock)
    :return: label -> make_schedule spec
    """
    warm = max(1, steps // 10)
    return {
        "fixed": {"name": "fixed", "lr": lr},
        "exponential": {"name": "exponential", "lr": lr, "gamma": 0.05, "total": steps},
        "step": {"name": "step", "lr": lr, "step_size": max(1, steps // 3), "gamma": 0.3},
        "adaptive": {"name": "adaptive", "lr": lr, "factor": 0.5, "patience": 5, "threshold": 1e-3},
        "warmup_cosine": {
            "name": "warmup",
            "lr": lr,
            "steps": warm,
            "start_factor": 0.1,
            "then": {"name": "cosine", "total": max(1, steps - warm)},
        },
    }


def run_one(
    label: str, spec: dict[str, Any], seed: int, args: argparse.Namespace, data: Any, logdir: Path
) -> dict[str, Any]:
    """Train one child with one schedule and seed; log to TensorBoard; return its curves.

    :param label: schedule label (run name prefix)
    :param spec: the schedule spec
    :param seed: seed of weight init and batch order
    :param args: parsed command-line arguments
    :param data: the device-resident dataset
    :param logdir: TensorBoard root folder
    :return: dict with the evaluation curve, final accuracy and timing
    """
    schedule = make_schedule(spec)
    trainer = Trainer(data, schedule=schedule, batch_size=args.batch_size, optimizer="adam", seed=seed)
    arch = Architecture.mlp(data.input_shape[0], ARCH_WIDTHS, data.num_classes)
    model = ChildNet(arch, seed=seed, device=data.device)
    writer = SummaryWriter(str(logdir / f"{label}__{seed}"))
    rows = "\n".join(f"|{k}|{v}|" for k, v in {**spec, "seed": seed, "batch_size": args.batch_size}.items())
    writer.add_text("hyperparameters", "|param|value|\n|-|-|\n" + rows)

    # losses stay on the device until the next evaluation (no per-step host sync)
    losses = torch.zeros(args.eval_every, device=data.device)
    lrs: list[float] = []

    def on_step(t: int, lr: float, loss: torch.Tensor) -> None:
        losses[len(lrs)] = loss
        lrs.append(lr)

    curve: list[dict[str, float]] = []
    start = time.perf_counter()
    done = 0
    while done < args.steps:
        chunk = min(args.eval_every, args.steps - done)
        lrs.clear()
        trainer.fit(model, steps=chunk, on_step=on_step)
        for i, (lr, loss) in enumerate(zip(lrs, losses[:chunk].tolist(), strict=True)):
            writer.add_scalar("train/lr", lr, done + i)
            writer.add_scalar("train/loss", loss, done + i)
        done += chunk
        res = trainer.evaluate(model, split="val")  # feeds schedule.observe(val_loss)
        writer.add_scalar("archgym/val_accuracy", res.accuracy, done)
        writer.add_scalar("archgym/val_loss", res.loss, done)
        curve.append({"step": done, "val_accuracy": res.accuracy, "val_loss": res.loss, "lr": trainer.lr})
    seconds = time.perf_counter() - start
    writer.close()
    final = curve[-1]["val_accuracy"]
    to_95 = next(c["step"] for c in curve if c["val_accuracy"] >= 0.95 * final)
    return {
        "schedule": label,
        "seed": seed,
        "final_val_accuracy": final,
        "steps_to_95pct_final": to_95,
        "final_train_loss": float(losses[:chunk].mean()),
        "final_lr": curve[-1]["lr"],
        "seconds": seconds,
        "curve": curve,
    }


def summarise(runs: list[dict[str, Any]], specs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Aggregate the runs of each schedule over seeds.

    :param runs: per-run results from :func:`run_one`
    :param specs: label -> spec (gives the table its order)
    :return: one summary row per schedule
    """

    def mean_std(xs: list[float]) -> tuple[float, float]:
        return statistics.fmean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0

    out = []
    for label in specs:
        mine = [r for r in runs if r["schedule"] == label]
        acc_m, acc_s = mean_std([r["final_val_accuracy"] for r in mine])
        st_m, st_s = mean_std([float(r["steps_to_95pct_final"]) for r in mine])
        loss_m, _ = mean_std([r["final_train_loss"] for r in mine])
        out.append(
            {
                "schedule": label,
                "val_accuracy_mean": acc_m,
                "val_accuracy_std": acc_s,
                "steps_to_95pct_mean": st_m,
                "steps_to_95pct_std": st_s,
                "final_train_loss_mean": loss_m,
                "final_lr_mean": statistics.fmean(r["final_lr"] for r in mine),
                "seconds_mean": statistics.fmean(r["seconds"] for r in mine),
            }
        )
    return out


def markdown(summary: list[dict[str, Any]], specs: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    """The docs/benchmarks.md section: command, setup, machine and the table.

    :param summary: rows from :func:`summarise`
    :param specs: label -> spec, printed under the table
    :param args: parsed command-line arguments
    :return: markdown text
    """
    cmd = "python scripts/compare_schedules.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    lines = [
        "## compare_schedules: learning-rate schedules on the digits MLP child",
        "",
        f"Command: `{cmd.strip()}`",
        "",
        f"Child 64-{list(ARCH_WIDTHS)}-10, Adam, batch {args.batch_size}, {args.steps} steps, base lr {args.lr:g}, "
        f"validation every {args.eval_every} steps, seeds 0..{args.seeds - 1} (init and batch order; "
        "split fixed). 'Steps to 95%' is the first evaluation reaching 95% of the run's own final accuracy; "
        "'final train loss' is the mean over the last evaluation interval. Wall times (machine-load dependent) "
        "are in the `--json` output only.",
        "",
        machine_line(str(resolve_device(args.device))),
        "",
        "| schedule | final val accuracy | steps to 95% of final | final train loss | final lr |",
        "|---|---|---|---|---|",
    ]
    for row in summary:
        lines.append(
            f"| {row['schedule']} | {row['val_accuracy_mean']:.4f} ± {row['val_accuracy_std']:.4f} "
            f"| {row['steps_to_95pct_mean']:.0f} ± {row['steps_to_95pct_std']:.0f} "
            f"| {row['final_train_loss_mean']:.4f} | {row['final_lr_mean']:.2e} |"
        )
    lines += ["", "Schedule specs (as `make_schedule` reads them):", ""]
    lines += [f"- {label}: `{json.dumps(spec)}`" for label, spec in specs.items()]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=1500, help="optimizer steps per run")
    p.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1)")
    p.add_argument("--eval-every", type=int, default=10, help="steps between validation evaluations")
    p.add_argument("--lr", type=float, default=5e-3, help="base learning rate of every schedule")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--logdir", default="runs/compare_schedules", help="TensorBoard root folder")
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--quick", action="store_true", help="smoke run: 100 steps, 1 seed, no doc update")
    p.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.seeds, args.no_doc = 100, 1, True
    for name in ("steps", "seeds", "eval_every", "batch_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run every schedule for every seed, then print and record the table."""
    args = parse_args(argv)
    torch.set_num_threads(min(torch.get_num_threads(), 4))
    data = load_dataset("digits", seed=0, device=args.device)
    specs = schedule_specs(args.lr, args.steps, args.eval_every)
    logdir = Path(args.logdir)
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # first optimizer imports torch._dynamo (~1.5 s): untimed
    runs = []
    for label, spec in specs.items():
        for seed in range(args.seeds):
            runs.append(run_one(label, spec, seed, args, data, logdir))
            r = runs[-1]
            print(
                f"{label:>14} seed {seed}: val acc {r['final_val_accuracy']:.4f}, "
                f"95% at step {r['steps_to_95pct_final']}, {r['seconds']:.2f}s",
                flush=True,
            )
    summary = summarise(runs, specs)
    text = markdown(summary, specs, args)
    print()
    print(text)
    if not args.no_doc:
        print(f"\nwrote section 'compare_schedules' of {update_section('compare_schedules', text)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "summary": summary, "runs": runs}, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
