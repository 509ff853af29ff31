"""The classic prune-and-retrain recipe (Han et al. 2015), done right, on a digits MLP.

What it does, top to bottom:

1. trains an MLP (64-[128,64]-10 by default) on scikit-learn's digits;
2. from that trained network, makes two pruned copies with ``torch.nn.utils.prune`` masks:
   * **threshold**: every hidden layer loses the weights with ``|w| < s * std(|W|)`` (``--std``);
   * **amount**: every hidden layer loses the fraction ``--amount`` of its smallest weights;
3. retrains each pruned copy with its mask fixed (pruned weights stay zero);
4. reports validation and test error before pruning, right after pruning and after retraining,
   with parameter and non-zero counts, and writes TensorBoard curves of the whole run (training
   loss and validation accuracy of the dense phase, then of each retraining, on one step axis;
   per-layer sparsity; the hyperparameters as a text table) under ``runs/prune_and_retrain/``.

Run::

    python scripts/prune_and_retrain.py                 # full run, writes docs/benchmarks.md section
    python scripts/prune_and_retrain.py --quick         # smoke run (seconds), no docs update
    python scripts/prune_and_retrain.py --json out.json --std 1.0 --amount 0.8
    tensorboard --logdir runs/prune_and_retrain

Flags: ``--steps`` dense training steps, ``--retrain-steps``, ``--lr``, ``--retrain-lr``,
``--hidden`` widths, ``--std`` threshold multiplier, ``--amount`` sparsity, ``--include-head``
(prune the output layer too), ``--seed``, ``--device`` (auto/cpu/cuda), ``--threads`` (torch CPU
threads, default 1), ``--logdir``,
``--json PATH``, ``--quick``, ``--no-doc``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from _benchdoc import machine_line, update_section
from torch.utils.tensorboard import SummaryWriter

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.data import load_dataset
from archgym.device import resolve_device
from archgym.pruning import clone_model, make_permanent, nonzero_params, prune_unstructured, sparsity_report
from archgym.training import Trainer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=1500, help="dense training steps")
    p.add_argument("--retrain-steps", type=int, default=600, help="retraining steps of each pruned copy")
    p.add_argument("--lr", type=float, default=3e-3, help="learning rate of the dense training")
    p.add_argument("--retrain-lr", type=float, default=1e-3, help="learning rate of the retraining")
    p.add_argument("--hidden", type=int, nargs="+", default=[128, 64], help="hidden layer widths")
    p.add_argument("--std", type=float, default=1.5, help="threshold = STD * std(|W|) of each layer")
    p.add_argument("--amount", type=float, default=0.9, help="sparsity of the amount variant")
    p.add_argument("--include-head", action="store_true", help="prune the output layer too")
    p.add_argument("--eval-every", type=int, default=50, help="steps between validation points of the curves")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is fastest for nets this small)")
    p.add_argument("--logdir", default="runs/prune_and_retrain", help="TensorBoard root")
    p.add_argument("--json", metavar="PATH", help="also write the result rows as JSON")
    p.add_argument("--quick", action="store_true", help="smoke run: few steps, no docs update")
    p.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.retrain_steps, args.eval_every = 150, 60, 30
    return args


def train_logged(
    model: torch.nn.Module, trainer: Trainer, steps: int, writer: SummaryWriter, tag: str, offset: int, every: int
) -> None:
    """Fit ``steps`` steps in chunks of ``every``, logging loss (no per-step host sync) and val accuracy."""
    done = 0
    while done < steps:
        losses: list[torch.Tensor] = []
        n = min(every, steps - done)
        trainer.fit(model, steps=n, on_step=lambda t, lr, loss, out=losses: out.append(loss))
        for i, v in enumerate(torch.stack(losses).tolist()):
            writer.add_scalar(f"{tag}/train_loss", v, offset + done + i)
        done += n
        writer.add_scalar(f"{tag}/val_accuracy", trainer.evaluate(model, "val").accuracy, offset + done)


def errors(model: torch.nn.Module, trainer: Trainer) -> tuple[float, float]:
    """Validation and test error of ``model``."""
    return 1.0 - trainer.evaluate(model, "val").accuracy, 1.0 - trainer.evaluate(model, "test").accuracy


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the recipe; returns the result rows."""
    args = parse_args(argv)
    dev = resolve_device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    ds = load_dataset("digits", seed=args.seed, device=dev)
    arch = Architecture.mlp(64, args.hidden, 10)
    run = f"digits__{arch.key()}__{args.seed}__{int(time.time())}"
    writer = SummaryWriter(str(Path(args.logdir) / run))
    table = "| hyperparameter | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in vars(args).items())
    writer.add_text("hyperparameters", table)

    dense = ChildNet(arch, seed=args.seed, device=dev)
    tr = Trainer(ds, schedule=args.lr, batch_size=64, seed=args.seed)
    train_logged(dense, tr, args.steps, writer, "dense", 0, args.eval_every)
    val0, test0 = errors(dense, tr)
    rows = []
    variants = {
        f"threshold s={args.std:g}": {"std_threshold": args.std},
        f"amount {args.amount:g}": {"amount": args.amount},
    }
    for name, rule in variants.items():
        model = clone_model(dense)
        report = prune_unstructured(model, **rule, include_head=args.include_head)
        val_p, test_p = errors(model, tr)
        tag = "threshold" if "std_threshold" in rule else "amount"
        for layer in sparsity_report(model):
            writer.add_scalar(f"{tag}/sparsity/{layer.name}", layer.sparsity, args.steps)
        writer.add_scalar(f"{tag}/val_accuracy", 1.0 - val_p, args.steps)
        retrainer = Trainer(ds, schedule=args.retrain_lr, batch_size=64, seed=args.seed + 1)
        train_logged(model, retrainer, args.retrain_steps, writer, tag, args.steps, args.eval_every)
        val_r, test_r = errors(model, tr)
        make_permanent(model)
        rows.append(
            {
                "variant": name,
                "sparsity_pruned_layers": round(report.sparsity, 4),
                "params": sum(p.numel() for p in model.parameters()),
                "nonzero_params": nonzero_params(model),
                "val_error_dense": round(val0, 4),
                "val_error_pruned": round(val_p, 4),
                "val_error_retrained": round(val_r, 4),
                "test_error_dense": round(test0, 4),
                "test_error_retrained": round(test_r, 4),
            }
        )
    writer.close()
    cmd = "python scripts/prune_and_retrain.py " + " ".join(argv if argv is not None else sys.argv[1:])
    head = list(rows[0])
    md = "| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n"
    md += "\n".join("| " + " | ".join(str(r[k]) for k in head) + " |" for r in rows)
    print(f"dense {arch.key()}: {dense.num_params()} params, val error {val0:.4f}, test error {test0:.4f}")
    print(md)
    print(f"TensorBoard: {Path(args.logdir) / run}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    if not (args.quick or args.no_doc):
        body = (
            "## prune_and_retrain\n\nThe classic recipe on a digits MLP "
            f"{arch.key()} ({args.steps} dense steps, lr {args.lr}; {args.retrain_steps} retraining steps, "
            f"lr {args.retrain_lr}; hidden layers pruned{', head too' if args.include_head else ''}). "
            "Errors are on the validation (359) and test (360) splits; `params` counts the dense tensors, "
            "`nonzero_params` the active ones.\n\n"
            f"`{cmd.strip()}`\n\n{machine_line(str(dev))}\n\n{md}\n"
        )
        update_section("prune_and_retrain", body)
    return rows


if __name__ == "__main__":
    main()
