"""Benchmark: archgym's online learner against River's models on drifting streams.

What it does
    Generates two drifting streams with River (SEA concepts with two concept drifts through
    ``synth.ConceptDriftStream``, and a rotating hyperplane ``synth.Hyperplane`` with
    ``mag_change``), materialises each once into arrays, and runs prequential (test-then-train)
    evaluation of

    * River: ``StandardScaler | LogisticRegression``, ``HoeffdingAdaptiveTreeClassifier`` and
      ``forest.ARFClassifier`` (defaults, seed 0), one ``predict_one`` then ``learn_one`` per sample
      on the materialised dicts;
    * archgym: :class:`archgym.online.OnlineLearner` around an MLP child
      ``ChildNet(Architecture.mlp(n_features, [width], n_classes), seed=0)`` with running input
      standardisation, predicting then learning chunks of ``batch`` samples (the learner's
      autograd-free fast path), with an ADWIN (mode ``up``) drift signal that boosts the
      learning rate for a while (Adam's moments are kept).

    Both sides see exactly the same samples in the same order. Accuracy is the cumulative
    prequential accuracy; samples/s counts predict + learn (River: on dicts already in memory;
    archgym: on tensors already on the device).

How to run
    PYTHONPATH=. python scripts/bench_online.py            # 50,000 samples per stream
    PYTHONPATH=. python scripts/bench_online.py --quick    # 10,000 samples per stream

Flags
    --n N          samples per stream (default 50000; --quick: 10000)
    --quick        short run
    --seed S       seed of the River streams (default 0)
    --seeds K      also run stream seeds S+1 .. S+K-1 and add a robustness table (default 1)
    --device D     auto, cpu or cuda for archgym's learners (default auto)
    --json PATH    write {stream: {model: {accuracy, samples_per_s}}}
    --no-doc       do not write the "bench_online" section of docs/benchmarks.md

On the CPU the script sets ``torch.set_num_threads(1)`` (intra-op threads only slow tiny nets down).

Needs the benchmark-only dependency ``river`` (``pip install river``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.device import resolve_device
from archgym.online import ADWIN, ArrayStream, DriftReaction, OnlineLearner, prequential

Data = list[tuple[dict[Any, float], Any]]


# ---------------------------------------------------------------------------- streams (River)
def sea_stream(n: int, seed: int) -> tuple[Any, tuple[int, ...]]:
    """SEA 0 -> 2 -> 3 with label noise 0.1, drifts at n/3 and 2n/3 (width 500)."""
    from river.datasets import synth

    def sea(variant: int, k: int) -> Any:
        return synth.SEA(variant=variant, noise=0.1, seed=seed + k)

    inner = synth.ConceptDriftStream(sea(2, 1), sea(3, 2), position=n // 3, width=500, seed=seed + 3)
    stream = synth.ConceptDriftStream(sea(0, 0), inner, position=n // 3, width=500, seed=seed + 4)
    return stream, (n // 3, 2 * n // 3)


def hyperplane_stream(n: int, seed: int) -> tuple[Any, tuple[int, ...]]:
    """Rotating hyperplane: 10 features, 2 drifting, mag_change 0.001, noise 5%."""
    from river.datasets import synth

    stream = synth.Hyperplane(
        seed=seed, n_features=10, n_drift_features=2, mag_change=0.001, noise_percentage=0.05, sigma=0.1
    )
    return stream, ()


STREAMS: dict[str, Callable[[int, int], tuple[Any, tuple[int, ...]]]] = {
    "sea-drift": sea_stream,
    "hyperplane": hyperplane_stream,
}


def materialise(stream: Any, n: int) -> tuple[Data, np.ndarray, np.ndarray]:
    """The first ``n`` samples as River dicts and as arrays (features in key order, int labels)."""
    data = list(itertools.islice(stream, n))
    keys = list(data[0][0])
    x = np.array([[s[0][k] for k in keys] for s in data], dtype=np.float32)
    y = np.array([int(s[1]) for s in data], dtype=np.int64)
    return data, x, y


# ---------------------------------------------------------------------------- River side
def river_models() -> dict[str, Callable[[], Any]]:
    """River's baselines (fresh model per call)."""
    from river import forest, linear_model, preprocessing, tree

    return {
        "river-logreg": lambda: preprocessing.StandardScaler() | linear_model.LogisticRegression(),
        "river-hat": lambda: tree.HoeffdingAdaptiveTreeClassifier(seed=0),
        "river-arf": lambda: forest.ARFClassifier(seed=0),
    }


def run_river(model: Any, data: Data) -> dict[str, float]:
    """Prequential accuracy and throughput of a River model over materialised samples."""
    correct = 0
    start = time.perf_counter()
    for x, y in data:
        correct += model.predict_one(x) == y
        model.learn_one(x, y)
    seconds = time.perf_counter() - start
    return {"accuracy": correct / len(data), "samples_per_s": len(data) / seconds}


# ---------------------------------------------------------------------------- archgym side
_COSINE = {"name": "cosine", "lr": 0.01, "min_lr": 0.002, "total": 1500}
#: name -> learner settings (an MLP child with one hidden layer); chosen by the sweeps recorded in
#: docs/benchmarks.md (stream seeds 0-2 of both streams, not only the reported seed 0)
ARCHGYM_CONFIGS: dict[str, dict[str, Any]] = {
    "archgym-mlp32-adam-b4": {"width": 32, "batch": 4, "optimizer": "adam", "lr": _COSINE},
    "archgym-mlp16-adam-b4": {"width": 16, "batch": 4, "optimizer": "adam", "lr": _COSINE},
}
#: the drift reaction of every configuration: LR x4 for 300 updates, Adam's moments kept
#: (resetting them cost 0.001-0.003 accuracy after SEA's abrupt drifts in the sweeps)
REACTION = DriftReaction(lr_factor=4.0, duration=300, reset_optimizer=False)


def run_archgym(cfg: dict[str, Any], x: np.ndarray, y: np.ndarray, device: torch.device) -> dict[str, float]:
    """Prequential accuracy and throughput of one archgym configuration."""
    n_features, n_classes = x.shape[1], int(y.max()) + 1
    child = ChildNet(Architecture.mlp(n_features, [cfg.get("width", 64)], n_classes), seed=0)
    learner = OnlineLearner(
        child,
        lr=cfg["lr"],
        optimizer=cfg["optimizer"],
        standardize=True,
        steps_per_batch=cfg.get("steps", 1),
        drift_reaction=REACTION if cfg.get("react", True) else None,
        device=device,
    )
    stream = ArrayStream(x, y, n_classes=n_classes, device=device)
    # warm-up on a copy so one-off costs (kernels, allocator) are not timed
    warm = OnlineLearner(ChildNet(child.arch, seed=1), lr=0.01, standardize=True, device=device)
    prequential(warm, ArrayStream(x[:2048], y[:2048], device=device), 2048, cfg["batch"])
    detector = ADWIN(mode="up") if cfg.get("react", True) else None
    r = prequential(learner, stream, len(y), cfg["batch"], detector=detector)
    return {"accuracy": r.accuracy, "samples_per_s": r.samples_per_s}


# ---------------------------------------------------------------------------- report
Results = dict[str, dict[str, dict[str, float]]]


def verdict(models: dict[str, dict[str, float]]) -> tuple[bool, str]:
    """Whether an archgym learner reaches River's best accuracy at >= 10x ARF's throughput, and the best one."""
    river_best = max(m["accuracy"] for k, m in models.items() if k.startswith("river"))
    arf = models["river-arf"]["samples_per_s"]
    ours = {k: m for k, m in models.items() if k.startswith("archgym")}
    fast = {k: m for k, m in ours.items() if m["samples_per_s"] >= 10 * arf}
    name = max(fast or ours, key=lambda k: (fast or ours)[k]["accuracy"])
    m = ours[name]
    met = bool(fast) and m["accuracy"] >= river_best
    return met, (
        f"{name} {m['accuracy']:.4f} vs River's best {river_best:.4f} ({m['accuracy'] - river_best:+.4f}) "
        f"at {m['samples_per_s'] / arf:.1f}x ARF"
    )


def markdown(results: Results, command: str, machine: str, n: int, extra: dict[int, Results] | None = None) -> str:
    """The docs/benchmarks.md section (``extra``: results on further stream seeds)."""
    lines = [
        "## bench_online: online learner vs River on drifting streams",
        "",
        f"Command: `{command}`  ",
        machine,
        "",
        f"Prequential (test-then-train) accuracy over {n:,} samples per stream, streams generated by River and "
        "materialised once for both sides. archgym: MLP child [w] (w = 32 or 16) with running standardisation, "
        "Adam with a cosine LR 0.01 -> 0.002 over 1500 updates (then held), predict-then-learn chunks of "
        "`b` = 4 samples on the learner's autograd-free fast path, ADWIN (mode up) drift signal -> LR x4 for 300 "
        "updates (Adam's moments kept). Samples/s: predict + learn only (River on in-memory dicts, archgym on "
        "device tensors).",
        "",
        "How the configuration was chosen: sweeps on stream seeds 0-2 (batch 1/2/4, constant and cosine LRs "
        "0.005-0.03 decaying over 1000-6000 updates, widths 8-64, drift reactions LR x2-x4 for 100-1000 updates "
        "with and without resetting Adam); seeds 3 and 4 were not used for the choice. Batch 1 or 2 was not more "
        "accurate than 4 (Adam's noisier steps cancel the fresher updates); resetting Adam's moments on a "
        "detection cost 0.001-0.003 accuracy after SEA's abrupt drifts; widths 16 and 32 beat River's logistic "
        "regression on all six stream/seed pairs, width 64 on four, width 8 on one. On shorter streams the "
        "goal is not met: over 10,000 samples (`--quick`) the MLP is 0.1-0.5 points behind the logistic "
        "regression on every pair, because it converges more slowly over its first few thousand samples "
        "(a linear model is the right inductive bias for these linear concepts) and catches up only later. The "
        "learner's autograd-free fast path (hand-written forward/backward, one fused Adam kernel) made the same "
        "chunks ~3x faster than autograd + torch.optim (6.3k -> ~18k samples/s at b4 on this machine).",
        "",
    ]
    for stream, models in results.items():
        best = max((m for m in models if m.startswith("river")), key=lambda m: models[m]["accuracy"])
        arf = models.get("river-arf", {}).get("samples_per_s", float("nan"))
        lines += [f"### {stream}", "", "| model | accuracy | samples/s | x ARF speed |", "|---|---:|---:|---:|"]
        for name, m in models.items():
            mark = " (best River)" if name == best else ""
            lines.append(
                f"| {name}{mark} | {m['accuracy']:.4f} | {m['samples_per_s']:,.0f} | {m['samples_per_s'] / arf:.1f} |"
            )
        met, text = verdict(models)
        lines += [
            "",
            f"Goal (River's best accuracy at >= 10x ARF's throughput): **{'met' if met else 'not met'}**: {text}.",
            "",
        ]
    if n < 50_000:
        lines += [
            f"Note: a {n:,}-sample run; the goal is judged on the default 50,000 samples (shorter streams favour the "
            "linear model, which converges faster over the first few thousand samples).",
            "",
        ]
    if extra:
        lines += [
            "### Other stream seeds",
            "",
            "| stream | seed | goal | best archgym learner at >= 10x ARF |",
            "|---|---:|---|---|",
        ]
        for seed, res in extra.items():
            for stream, models in res.items():
                met, text = verdict(models)
                lines.append(f"| {stream} | {seed} | {'met' if met else 'not met'} | {text} |")
        lines.append("")
    return "\n".join(lines)


def run_all(n: int, seed: int, device: torch.device) -> Results:
    """Every model on every stream generated with ``seed``."""
    results: Results = {}
    for stream_name, factory in STREAMS.items():
        stream, _ = factory(n, seed)
        data, x, y = materialise(stream, n)
        results[stream_name] = {}
        for name, make in river_models().items():
            results[stream_name][name] = run_river(make(), data)
            print(seed, stream_name, name, results[stream_name][name], flush=True)
        for name, cfg in ARCHGYM_CONFIGS.items():
            results[stream_name][name] = run_archgym(cfg, x, y, device)
            print(seed, stream_name, name, results[stream_name][name], flush=True)
    return results


def main(argv: list[str] | None = None) -> Results:
    """Run the benchmark; print the table; write docs and JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=None, help="samples per stream (default 50000, --quick 10000)")
    p.add_argument("--quick", action="store_true", help="short run (10000 samples per stream)")
    p.add_argument("--seed", type=int, default=0, help="seed of the River streams")
    p.add_argument("--seeds", type=int, default=1, help="also run stream seeds seed+1 .. seed+N-1 (robustness table)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda (archgym learners)")
    p.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    p.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = p.parse_args(argv)
    try:
        import river  # noqa: F401
    except ImportError:
        p.error("this benchmark needs River: pip install river")
    n = args.n or (10_000 if args.quick else 50_000)
    if n < 4096:
        p.error(f"--n must be >= 4096, got {n}")
    if args.seeds < 1:
        p.error(f"--seeds must be >= 1, got {args.seeds}")
    device = resolve_device(args.device)
    if device.type == "cpu":
        # tiny nets: intra-op threads only add synchronisation (and stall badly on a busy machine);
        # River is single-threaded too
        torch.set_num_threads(1)
    results = run_all(n, args.seed, device)
    extra = {s: run_all(n, s, device) for s in range(args.seed + 1, args.seed + args.seeds)}
    command = "PYTHONPATH=. python scripts/bench_online.py " + " ".join(argv if argv is not None else sys.argv[1:])
    from _benchdoc import machine_line, update_section

    body = markdown(results, command.strip(), machine_line(str(device)), n, extra)
    print(body)
    if not args.no_doc:
        update_section("bench_online", body)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
