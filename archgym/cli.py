"""The ``archgym`` command: train, search, eval, export, report, list, table.

Every user error (unknown env id, bad kwarg or value, missing run dir, ...) is one line on stderr,
``archgym: error: ...``, and exit code 2; set ``ARCHGYM_DEBUG=1`` to get the traceback instead.
Ctrl-C (SIGINT) or SIGTERM during training writes a resume checkpoint at the next rollout boundary, saves
the agent and exits with 130; ``archgym train --resume RUN_DIR`` continues exactly from it.
``archgym eval`` verifies the run's files against the sha256 in its ``manifest.json`` (``--trust`` skips it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = ["CLIError", "build_parser", "main"]

#: env of ``archgym train`` / ``archgym search`` without ``--env``: the README's and ``make train``'s env
DEFAULT_ENV = "archgym/MNIST1D-v0"


class CLIError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises :class:`CLIError` (one line, no usage dump) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting."""
        command = self.prog.partition(" ")[2]
        raise CLIError(f"{command}: {message}" if command else message)


def _fmt_record(r: Mapping[str, Any] | None) -> str:
    if r is None:
        return "none"
    return (
        f"{r.get('arch')}  score {r.get('score', math.nan):.4f} "
        f"(val_accuracy {r.get('val_accuracy', math.nan):.4f}, cost {r.get('cost', math.nan):.3f}, "
        f"params {r.get('params', '?')})"
    )


def _summary(initial: Mapping[str, Any] | None, best: Mapping[str, Any] | None) -> list[str]:
    lines = [f"initial architecture: {_fmt_record(initial)}", f"best architecture:    {_fmt_record(best)}"]
    if initial is not None and best is not None:
        gain = best["score"] - initial["score"]
        lines[-1] += f"  [step {best.get('step')}, evaluation {best.get('evaluation')}; {gain:+.4f} vs initial]"
        a0, a1 = initial.get("val_accuracy"), best.get("val_accuracy")
        if isinstance(a0, (int, float)) and isinstance(a1, (int, float)):
            lines.append(f"val accuracy:         {a0:.4f} -> {a1:.4f} ({100 * (a1 - a0):+.1f} points, best vs initial)")
    return lines


def _snapshot_line(js: Path) -> str:
    """``snapshot/best_child.pt (sparse: 40.0% of weights pruned, masks kept)``."""
    doc = json.loads(js.read_text())
    sparse = doc.get("sparse")
    note = ""
    if isinstance(sparse, dict):
        note = f" (sparse: {100 * float(sparse.get('sparsity', 0)):.1f}% of its weights pruned, pruning masks kept)"
    return f"{js.with_suffix('.pt')}{note}"


def _tensorboard() -> str:
    """How to start TensorBoard from here: ``tensorboard`` when it is on PATH, else the venv's own."""
    import shutil

    if shutil.which("tensorboard"):
        return "tensorboard"
    beside = Path(sys.executable).parent / "tensorboard"
    return str(beside) if beside.is_file() else "tensorboard"


# --------------------------------------------------------------------------- commands
def cmd_train(args: argparse.Namespace) -> int:
    """``archgym train``."""
    import warnings

    from tqdm import TqdmExperimentalWarning

    from archgym.agents.run import parse_kv
    from archgym.agents.train import resume, train

    warnings.filterwarnings("ignore", category=TqdmExperimentalWarning)  # SB3's rich progress bar

    if args.resume is not None:
        fixed = {"--env": args.env, "--agent": args.agent, "--seed": args.seed, "--n-envs": args.n_envs}
        fixed |= {"--vec": None if args.vec == "dummy" else args.vec, "--batched": args.batched or None}
        fixed |= {"--env-kwargs": args.env_kwargs, "--hyperparams": args.hyperparams}
        given = [k for k, v in fixed.items() if v is not None]
        if given:
            raise CLIError(f"--resume continues a run with its saved config; drop {', '.join(given)}")
        res = resume(
            args.resume,
            timesteps=args.timesteps,
            device=args.device,
            eval_episodes=args.eval_episodes,
            progress_bar=not args.no_progress,
            verbose=args.verbose,
        )
    else:
        res = train(
            args.env or DEFAULT_ENV,
            agent=args.agent or "dqn",
            timesteps=args.timesteps,
            seed=0 if args.seed is None else args.seed,
            logdir=args.logdir,
            device=args.device or "auto",
            env_kwargs=parse_kv(args.env_kwargs),
            n_envs=1 if args.n_envs is None else args.n_envs,
            hyperparams=parse_kv(args.hyperparams, "--hyperparams"),
            vec="batched" if args.batched else args.vec,
            checkpoint_freq=args.checkpoint_freq,
            eval_episodes=args.eval_episodes,
            progress_bar=not args.no_progress,
            verbose=args.verbose,
        )
    print(f"run dir: {res.run_dir} ({res.num_timesteps} env steps{', interrupted' if res.interrupted else ''})")
    print(f"agent saved: {res.model_path} (named in run.json; archgym eval {res.run_dir} plays it)")
    for line in _summary(res.initial, res.best):
        print(line)
    if res.snapshot is not None:
        print(f"best child snapshot: {_snapshot_line(res.snapshot)}")
    for ep in res.final:
        print(
            f"trained agent, deterministic episode {ep.episode}: {ep.steps} steps -> {ep.arch} score {ep.score:.4f} "
            f"(started at {ep.initial_score:.4f})"
        )
    print(f"open TensorBoard: {_tensorboard()} --logdir {res.run_dir}")
    if res.interrupted:
        print(f"interrupted: checkpoint and agent saved; continue with: archgym train --resume {res.run_dir}")
        return 130
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """``archgym search``."""
    from archgym.agents.run import parse_kv
    from archgym.agents.search import run_search

    res = run_search(
        args.env,
        args.strategy,
        budget=args.budget,
        seed=args.seed,
        logdir=args.logdir,
        device=args.device,
        env_kwargs=parse_kv(args.env_kwargs),
        strategy_kwargs=parse_kv(args.strategy_kwargs, "--strategy-kwargs"),
        backend=args.backend,
        workers=args.workers,
        progress=not args.no_progress,
    )
    print(f"run dir: {res.run_dir} ({res.evaluations} child evaluations)")
    for line in _summary(res.initial, res.best):
        print(line)
    print(f"open TensorBoard: {_tensorboard()} --logdir {res.run_dir}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """``archgym eval``."""
    from archgym.agents.evaluate import evaluate_run, result_dict
    from archgym.agents.run import AgentFile

    def loaded(agent: AgentFile) -> None:
        # stdout stays pure JSON with --json: the line goes to stderr then
        print(f"agent: {agent.describe()}", file=sys.stderr if args.json else sys.stdout, flush=True)

    results = evaluate_run(
        args.run_dir,
        episodes=args.episodes,
        device=args.device,
        seed=args.seed,
        trust=args.trust,
        checkpoint=args.checkpoint,
        on_agent=loaded,
        progress=not args.no_progress,
    )
    if args.json:
        print(json.dumps([result_dict(r) for r in results], indent=2))
        return 0
    print(f"{'episode':>7}  {'steps':>5}  {'return':>8}  {'score':>7}  {'val_acc':>7}  {'cost':>6}  architecture")
    for r in results:
        print(
            f"{r.episode:>7}  {r.steps:>5}  {r.episode_return:>+8.4f}  {r.score:>7.4f}  {r.val_accuracy:>7.4f}  "
            f"{r.cost:>6.3f}  {r.arch}"
        )
    mean = sum(r.score for r in results) / len(results)
    print(
        f"mean final score {mean:.4f} over {len(results)} episodes; "
        f"actions of episode 0: {', '.join(results[0].actions)}"
    )
    return 0


_ACCURACIES = (("test_accuracy", "test accuracy"), ("val_accuracy", "val accuracy"))


def cmd_export(args: argparse.Namespace) -> int:
    """``archgym export``."""
    from archgym.agents.evaluate import export_run

    res = export_run(
        args.run_dir,
        out_dir=args.out,
        retrain=args.retrain,
        steps=args.steps,
        device=args.device,
        progress=not args.no_progress,
    )
    m = res.metrics
    print(f"exported {res.arch} ({res.source}): {res.pt} + {res.json}")
    parts = [f"{label} {m[key]:.4f}" for key, label in _ACCURACIES if isinstance(m.get(key), (int, float))]
    if "test_accuracy" not in m:
        parts.append("no test split (a stream env)")
    print(", ".join([*parts, f"params {m['params']}", f"FLOPs (MACs) {m['flops']}"]))
    if res.sparse is not None:
        sp = res.sparse
        print(
            f"sparse child: {100 * sp['sparsity']:.1f}% of its weights pruned, {sp['nonzero_params']} active params; "
            f"pruning masks kept for {', '.join(sp['masked_layers'])} (load_child restores them)"
        )
    print(f"load it with: archgym.agents.run.load_child({str(res.pt)!r})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``archgym report``."""
    from archgym.agents.run import SEARCH_FILE

    dirs = [Path(d) for d in args.run_dirs]
    for d in dirs:
        if not d.is_dir():
            raise CLIError(f"run dir '{d}' does not exist")
        if not (d / SEARCH_FILE).is_file():
            raise CLIError(f"'{d}' holds no {SEARCH_FILE}; is it an archgym run dir?")
    from archgym.agents.report import default_out_dir, make_report

    out = Path(args.out) if args.out is not None else default_out_dir(dirs)
    png, md = make_report(dirs, out)
    print(f"wrote the report of {len(dirs)} run(s) to {out}: {png.name}, {md.name}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``archgym list``."""
    from archgym.agents.sb3 import ALGOS, agent_preset_problems, list_agent_presets, load_agent_preset
    from archgym.envs.registration import ENV_PRESETS, preset_problems, register_envs

    register_envs()
    print("env ids:")
    for env_id, p in sorted(ENV_PRESETS.items()):
        print(f"  {env_id:<24} {p.description}")
    print("agent presets (archgym train --agent NAME):")
    for name in list_agent_presets():
        preset = load_agent_preset(name)
        spec = ALGOS[preset.algo]
        note = "" if spec.available else f"  [needs pip install 'archgym[{spec.extra}]']"
        print(f"  {name:<24} {spec.cls_name} ({spec.module}){note}")
    from archgym.agents.search import strategy_names
    from archgym.integrations.candidates import CANDIDATE_STRATEGIES

    print(f"search strategies (archgym search --strategy NAME): {', '.join(strategy_names())}")
    print(f"  with --backend ray (needs archgym[ray]): {', '.join(CANDIDATE_STRATEGIES)}")
    problems = preset_problems() + agent_preset_problems()
    if problems:
        more = f" (and {len(problems) - 1} more preset problem(s))" if len(problems) > 1 else ""
        raise CLIError(problems[0] + more)
    return 0


# --------------------------------------------------------------------------- parser
def _kv(p: argparse.ArgumentParser, flag: str, what: str) -> None:
    p.add_argument(flag, nargs="+", metavar="K=V", default=None, help=f"{what} (values read as YAML: 5, 0.1, [32, 16])")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the ``archgym`` command."""
    from archgym.device import DEVICE_CHOICES

    parser = _Parser(prog="archgym", description="Reinforcement-learning neural architecture search (Gymnasium).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Children and Q-networks are tiny: one torch thread is fastest, and on a busy machine more threads
    # spin-wait (OpenMP) and slow training down by an order of magnitude.
    threads = _Parser(add_help=False)
    threads.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1, fastest for tiny nets)")

    def add(name: str, fn: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, parents=[threads] if name != "list" else [])
        p.set_defaults(func=fn)
        return p

    p = add("train", cmd_train, "train an SB3 agent preset on an env; writes runs/<env>__<agent>__<seed>__<time>/")
    p.add_argument("--env", default=None, help=f"env id (default {DEFAULT_ENV}; see `archgym list`)")
    p.add_argument("--agent", default=None, help="agent preset: agents/<NAME>.yaml (default dqn)")
    p.add_argument("--timesteps", type=int, default=None, help="env steps (default: the preset's n_timesteps)")
    p.add_argument("--seed", type=int, default=None, help="seed of the agent and the envs (default 0)")
    p.add_argument("--logdir", default="runs", help="parent folder of the run directory (default runs)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default=None, help="agent and child device (default auto)")
    _kv(p, "--env-kwargs", "env preset overrides")
    _kv(p, "--hyperparams", "agent preset overrides")
    p.add_argument("--n-envs", type=int, default=None, help="envs stepped together (default 1)")
    p.add_argument("--vec", default="dummy", help="dummy (one process, default) or subproc (a process per env)")
    p.add_argument("--batched", action="store_true", help="train the --n-envs children together in batched kernels")
    p.add_argument("--resume", metavar="RUN_DIR", default=None, help="continue a run from its newest saved agent")
    p.add_argument("--checkpoint-freq", type=int, default=1000, help="env steps between checkpoints (default 1000)")
    p.add_argument("--eval-episodes", type=int, default=1, help="deterministic episodes played at the end")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--verbose", type=int, default=0, help="SB3 verbosity (1 prints its log tables)")

    p = add("search", cmd_search, "run a baseline strategy, logged like an agent run")
    p.add_argument("--env", default=DEFAULT_ENV, help=f"env id (default {DEFAULT_ENV})")
    p.add_argument(
        "--strategy", required=True, help="local: random, greedy, rule, qlearning; ray: random, grid, evolution"
    )
    p.add_argument("--backend", default="local", help="local (default) or ray (parallel scratch evaluations)")
    p.add_argument("--workers", type=int, default=2, help="Ray tasks in flight at once (--backend ray)")
    p.add_argument("--budget", type=int, default=500, help="child evaluations (default 500)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--logdir", default="runs")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    _kv(p, "--env-kwargs", "env preset overrides")
    _kv(p, "--strategy-kwargs", "strategy constructor arguments")
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")

    p = add("eval", cmd_eval, "play deterministic episodes with a run's agent")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--episodes", type=int, default=5)
    p.add_argument("--seed", type=int, default=10_000, help="seed of the first episode")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--trust",
        action="store_true",
        help="load the agent even if its files fail the checksums of manifest.json (it holds pickled code)",
    )
    p.add_argument(
        "--checkpoint",
        default="final",
        metavar="final|latest|PATH",
        help="which agent: final (default: the one named in RUN_DIR/run.json), latest (highest step count) "
        "or an agent .zip",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")

    p = add("export", cmd_export, "write the best child network (state_dict + architecture JSON)")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--retrain", action="store_true", help="train the best architecture from scratch (scratch recipe)")
    p.add_argument("--steps", type=int, default=None, help="optimizer steps of --retrain (default: scratch_steps)")
    p.add_argument("--out", default=None, help="output folder (default RUN_DIR/export)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")

    p = add("report", cmd_report, "accuracy-vs-cost plot with Pareto fronts and a markdown table")
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    p.add_argument(
        "--out", default=None, help="output folder (default RUN_DIR/report, or <common parent>/report-<run names>)"
    )

    add("list", cmd_list, "registered env ids, agent presets and search strategies")

    from archgym.tables.cli import add_table_commands, cmd_table

    add_table_commands(add("table", cmd_table, "build or inspect a ground-truth table (every architecture trained)"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``archgym`` console script.

    :param argv: arguments (default ``sys.argv[1:]``)
    :return: the exit code (0 success, 2 user error, 130 interrupted)
    """
    debug = os.environ.get("ARCHGYM_DEBUG", "") not in ("", "0")
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "eval_episodes", 0) < 0:
            raise CLIError(f"--eval-episodes must be >= 0, got {args.eval_episodes}")
        if getattr(args, "threads", None) is not None:
            if args.threads < 1:
                raise CLIError(f"--threads must be >= 1, got {args.threads}")
            import torch

            torch.set_num_threads(args.threads)
        return args.func(args)
    # ImportError: a missing optional extra; OSError: a path the user gave that cannot be written or read
    except (CLIError, ValueError, OSError, ImportError) as e:
        if debug:
            raise
        msg = " ".join(str(e).split()) or type(e).__name__
        print(f"archgym: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("archgym: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
