"""Long-run soak test of the archgym envs: many random actions, no exceptions, flat memory.

Steps every registered preset (``archgym.envs.ENV_PRESETS``) in turn, one episode at a time, with
uniformly random action ids (so invalid actions are frequent), with a minimal training budget
(``initial_steps=1, finetune_steps=1, scratch_steps=1, train_subset=200``; the online preset gets
``chunk_size=16, chunks_per_step=1, warmup_chunks=1`` instead: kwargs are filtered by each entry
point's signature). One extra variant, ``archgym/DigitsMLP-v0 (lr 100, sgd)``, trains every child
with a learning rate of 100 so that divergence handling (roll back, floor score) is soaked too.
One env instance per preset lives for the whole run, so a leak across morphs would accumulate.

Reports steps, invalid actions, divergences caught (steps whose child fit diverged and was rolled
back: ``info["diverged"]``; ``rollbacks`` also counts those of the resets),
out-of-memory events, exceptions (must be 0; each is recorded and the env reset) and the resident
set size (RSS, sampled every 100 steps): at 10% and at 100% of the run, the peak, and the slope
of a least-squares line over the samples after the first 10% (MiB per 1000 steps; ~0 = flat).

Run (from the repository root)::

    python scripts/soak.py                  # 60,000 steps, writes docs/benchmarks.md section "soak"
    python scripts/soak.py --quick          # 2,000 steps; prints only (never writes docs/benchmarks.md)
    python scripts/soak.py --json soak.json --no-doc

Flags: ``--steps N`` (default 60000; ``--quick``: 2000), ``--seed N``, ``--json PATH``, ``--no-doc``,
``--device cpu|cuda|auto`` (default cpu). The exit code is 1 when an exception occurred, or when the
``lr 100`` variant ran 500 steps or more without one divergence (its roll-back path went unexercised).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gymnasium as gym
import numpy as np
import torch

import archgym  # noqa: F401  (registers the env ids)
from archgym.envs import ENV_PRESETS

MINIMAL = {
    "initial_steps": 1,
    "finetune_steps": 1,
    "scratch_steps": 1,
    "train_subset": 200,
    "chunk_size": 16,
    "chunks_per_step": 1,
    "warmup_chunks": 1,
}
#: lr 100 from the first step of every fit (the preset's morph_warmup would ramp it up from lr / 41)
DIVERGING = {"schedule": 100.0, "optimizer": "sgd", "morph_warmup": 0}


def rss_mib() -> float:
    """Current resident set size in MiB (``/proc/self/statm``; peak RSS where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_envs(device: str) -> dict[str, gym.Env]:
    """One env per preset (minimal budget), plus the diverging DigitsMLP variant."""
    envs = {}
    for env_id, preset in sorted(ENV_PRESETS.items()):
        module, _, name = preset.entry_point.partition(":")
        cls = getattr(__import__(module, fromlist=[name]), name)
        accepted = inspect.signature(cls.__init__).parameters
        kw = {k: v for k, v in {**MINIMAL, "device": device}.items() if k in accepted}
        envs[env_id] = gym.make(env_id, **kw)
        if env_id == "archgym/DigitsMLP-v0":
            envs[f"{env_id} (lr 100, sgd)"] = gym.make(env_id, **kw, **DIVERGING)
    return envs


def soak(steps: int, seed: int, device: str) -> dict[str, Any]:
    """Run the soak and return its figures."""
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    envs = make_envs(device)
    names = list(envs)
    per_env = {n: {"steps": 0, "invalid": 0, "diverged": 0, "episodes": 0} for n in names}
    exceptions: list[str] = []
    samples: list[tuple[int, float]] = []
    done_steps, k, t0 = 0, 0, time.perf_counter()
    for n in names:
        envs[n].reset(seed=int(rng.integers(2**31)))
    while done_steps < steps:
        name = names[k % len(names)]
        env, stats = envs[name], per_env[name]
        k += 1
        finished = False
        while not finished and done_steps < steps:
            action = int(rng.integers(env.action_space.n))
            rolled = int(getattr(env.unwrapped, "divergences", 0))
            try:
                obs, reward, terminated, truncated, info = env.step(action)
                if not (np.isfinite(obs).all() and np.isfinite(reward)):
                    raise FloatingPointError(f"non-finite observation or reward after action {action}")
                stats["invalid"] += not info["action_valid"]
                stats["diverged"] += int(getattr(env.unwrapped, "divergences", 0)) - rolled
                finished = terminated or truncated
            except Exception:
                exceptions.append(f"{name} step {stats['steps']}: {traceback.format_exc(limit=3)}")
                finished = True
            stats["steps"] += 1
            done_steps += 1
            if done_steps % 100 == 0:
                samples.append((done_steps, rss_mib()))
        if finished:
            stats["episodes"] += 1
            try:
                env.reset()
            except Exception:
                exceptions.append(f"{name} reset: {traceback.format_exc(limit=3)}")
    seconds = time.perf_counter() - t0
    s = np.array(samples) if samples else np.zeros((1, 2))
    tenth = s[s[:, 0] >= 0.1 * steps]
    slope = float(np.polyfit(tenth[:, 0] / 1000.0, tenth[:, 1], 1)[0]) if len(tenth) >= 3 else 0.0
    at10 = float(tenth[0, 1]) if len(tenth) else float(s[0, 1])
    oom = sum(int(getattr(e.unwrapped, "oom_events", 0)) for e in envs.values())
    rollbacks = sum(int(getattr(e.unwrapped, "divergences", 0)) for e in envs.values())
    for e in envs.values():
        e.close()
    return {
        "steps": done_steps,
        "seconds": round(seconds, 1),
        "invalid_actions": sum(v["invalid"] for v in per_env.values()),
        "divergences_caught": sum(v["diverged"] for v in per_env.values()),
        "rollbacks": rollbacks,
        "oom_events": oom,
        "exceptions": len(exceptions),
        "exception_samples": exceptions[:5],
        "rss_mib_at_10pct": round(at10, 1),
        "rss_mib_at_100pct": round(float(s[-1, 1]), 1),
        "rss_mib_peak": round(float(s[:, 1].max()), 1),
        "rss_slope_mib_per_1000_steps": round(slope, 3),
        "per_env": per_env,
        "seed": seed,
        "device": device,
    }


def markdown(res: dict[str, Any], command: str, device: str) -> str:
    """The docs/benchmarks.md section."""
    from _benchdoc import machine_line

    rows = "\n".join(
        f"| `{n}` | {v['steps']} | {v['episodes']} | {v['invalid']} | {v['diverged']} |"
        for n, v in res["per_env"].items()
    )
    return f"""## Soak: {res["steps"]:,} random actions across the presets

Command: `{command}`. {machine_line(device)}

Uniformly random action ids, one episode per preset in turn, minimal training budget (1 optimizer
step per fit, 200 training samples; the online env: one 16-sample chunk per step); the extra
`lr 100, sgd` variant trains with a learning rate of 100, so that fits diverge now and then
(a one-step fit of a fresh or just-morphed child does not always reach NaN/inf) and the roll-back
path is soaked too. "Divergences caught" counts the steps whose fit diverged and was rolled back.

| env | steps | episodes | invalid actions | divergences caught |
|-----|------:|---------:|----------------:|-------------------:|
{rows}

Totals: **{res["exceptions"]} exceptions**, {res["invalid_actions"]} invalid actions,
{res["divergences_caught"]} divergences caught ({res["rollbacks"]} roll-backs, resets included),
{res["oom_events"]} out-of-memory events, {res["seconds"]} s.
Resident memory: {res["rss_mib_at_10pct"]} MiB at 10% of the run, {res["rss_mib_at_100pct"]} MiB at
100% (peak {res["rss_mib_peak"]} MiB); least-squares slope after 10%:
{res["rss_slope_mib_per_1000_steps"]:+.3f} MiB per 1000 steps. (RSS rises over the first ~20,000 steps while the
allocator's pools warm up: a 20,000-step run measured +0.34 MiB per 1000 steps; the Python heap stays flat,
per tracemalloc.)
"""


def main() -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=None, help="random actions (default 60000; --quick 2000)")
    p.add_argument("--quick", action="store_true", help="2000 steps; prints only")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto (default cpu)")
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    p.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = p.parse_args()
    # 60,000: RSS keeps rising for the first ~20,000 steps while the allocator's pools warm up (20,000 steps
    # measured +0.34 MiB per 1000 steps), then stays flat; a shorter run would read warm-up as a leak
    steps = args.steps or (2000 if args.quick else 60_000)
    if steps < 1:
        p.error(f"--steps must be >= 1, got {steps}")
    res = soak(steps, args.seed, args.device)
    print(json.dumps({k: v for k, v in res.items() if k != "per_env"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n")
    if not args.no_doc:
        from _benchdoc import update_section

        command = (
            "python scripts/soak.py"
            + (" --quick" if args.quick else "")
            + (f" --steps {args.steps}" if args.steps else "")
        )
        update_section("soak", markdown(res, command, args.device), quick=args.quick)
    unexercised = [n for n, v in res["per_env"].items() if "(lr 100" in n and v["steps"] >= 500 and not v["diverged"]]
    if unexercised:  # the roll-back path went untested: the variant no longer diverges
        print(f"soak: {unexercised[0]} caught no divergence in {res['per_env'][unexercised[0]]['steps']} steps")
    return 1 if res["exceptions"] or unexercised else 0


if __name__ == "__main__":
    sys.exit(main())
