"""The training callback: ``search.jsonl`` records and the TensorBoard dashboard.

:class:`ArchGymCallback` reads the ``infos`` of every env after each vectorised step (so it works
with ``--n-envs K``) and

* appends one :class:`~archgym.agents.records.SearchLog` record per evaluated architecture
  (a valid edit, and the initial network of every episode, read from the VecEnv's ``reset_infos``);
* logs to TensorBoard, instead of every env step's raw values, aggregates over a *window* of env
  steps (``log_window``; default 1 % of the run, so a run has about 100 points per tag):

  - the anytime best (the best score so far and that evaluation's val accuracy, cost and params):
    ``archgym/best_score``, ``archgym/best_val_accuracy``, ``archgym/best_cost``, ``archgym/best_params``,
    and the counts ``archgym/evaluations`` and ``archgym/invalid_actions``;
  - the evaluations of the window: ``evaluation/score_{mean,min,max}``,
    ``evaluation/val_accuracy_{mean,min,max}``, ``evaluation/cost_mean``, ``evaluation/params_mean``,
    ``evaluation/depth_mean``, ``evaluation/sparsity_mean``, ``evaluation/lr`` (the last one) and
    ``evaluation/invalid_fraction`` (invalid actions / env steps);
  - the episodes that ended in the window: ``episode/final_score_mean``, ``episode/best_score_mean``,
    ``episode/length_mean``, ``episode/final_depth_mean``, and the final architecture of the window's
    best episode as text (``archgym/final_architecture``);

  a custom-scalars layout (:data:`DASHBOARD_LAYOUT`: TensorBoard's "Custom Scalars" tab) puts the
  anytime best, the evaluation band (margin charts of mean, min and max) and the episodes side by side;
* writes the resolved hyperparameters once as an hparams entry (SB3 ``HParam``, metric
  ``archgym/best_score``), and now and then (``figure_freq``) the Pareto front
  (``archgym/pareto_front``, 880 x 600 pixels) and a picture of the best child's architecture
  (``archgym/best_architecture``, when it changed) as images.

Every point is logged at the env-step count (``num_timesteps``) that closes its window, so the
dashboard shares its x axis with SB3's ``rollout/`` and ``train/`` tags. A record's ``step`` is its own
transition's position: env ``i`` of a vectorised step that ends at ``num_timesteps`` is at
``num_timesteps - n_envs + i + 1``.

:class:`~archgym.agents.tracker.BestChildTracker` (an env wrapper) keeps a CPU copy of the best child's
weights, which the callback writes to ``snapshot/best_child.{pt,json}`` of the run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.logger import Figure, HParam, TensorBoardOutputFormat

from archgym.agents.figures import architecture_figure, pareto_figure
from archgym.agents.records import SearchLog
from archgym.agents.tracker import BestChildTracker  # re-exported: its home before it had its own module
from archgym.integrations.sb3_state import innermost_vec_env

__all__ = ["DASHBOARD_LAYOUT", "EVALUATION_KEYS", "ArchGymCallback", "BestChildTracker", "pareto_figure"]

#: info keys aggregated over the evaluations of a window (``evaluation/<key>_mean``; score and val accuracy
#: also ``_min`` / ``_max``; ``lr`` is the window's last value)
EVALUATION_KEYS = ("score", "val_accuracy", "cost", "params", "depth", "sparsity", "lr")
_BANDED = ("score", "val_accuracy")
_NOT_TB = ("stdout", "log", "json", "csv")

#: TensorBoard's custom-scalars layout of the dashboard (category -> chart title -> [kind, tags])
DASHBOARD_LAYOUT: dict[str, dict[str, list[Any]]] = {
    "archgym: search": {
        "anytime best score": ["Multiline", ["archgym/best_score"]],
        "anytime best: its val accuracy and cost": ["Multiline", ["archgym/best_val_accuracy", "archgym/best_cost"]],
        "score of the window's evaluations (mean, min, max)": [
            "Margin",
            ["evaluation/score_mean", "evaluation/score_min", "evaluation/score_max"],
        ],
        "val accuracy of the window's evaluations (mean, min, max)": [
            "Margin",
            ["evaluation/val_accuracy_mean", "evaluation/val_accuracy_min", "evaluation/val_accuracy_max"],
        ],
        "cost and depth of the window's evaluations": ["Multiline", ["evaluation/cost_mean", "evaluation/depth_mean"]],
    },
    "archgym: episodes and agent": {
        "episodes: final and best score": ["Multiline", ["episode/final_score_mean", "episode/best_score_mean"]],
        "episode length, invalid actions": ["Multiline", ["episode/length_mean", "evaluation/invalid_fraction"]],
        "agent return": ["Multiline", ["rollout/ep_rew_mean"]],
        "agent loss": ["Multiline", ["train/loss"]],
    },
}


@dataclass
class _Window:
    """What happened since the last flush of the dashboard."""

    values: dict[str, list[float]] = field(default_factory=dict)
    steps: int = 0
    invalid: int = 0
    episodes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, info: Mapping[str, Any]) -> None:
        for key in EVALUATION_KEYS:
            v = info.get(key)
            if isinstance(v, (int, float)) and math.isfinite(v):
                self.values.setdefault(key, []).append(float(v))


def _hparam_value(v: Any) -> bool | str | float:
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return json.dumps(v, sort_keys=True, default=repr) if isinstance(v, (Mapping, list, tuple)) else repr(v)


def flatten_hparams(d: Mapping[str, Any], prefix: str = "") -> dict[str, bool | str | float]:
    """Flatten nested hyperparameters to ``a.b`` keys with TensorBoard-friendly values.

    >>> flatten_hparams({"lr": 1, "policy_kwargs": {"net_arch": [64, 64]}})
    {'lr': 1.0, 'policy_kwargs.net_arch': '[64, 64]'}
    """
    out: dict[str, bool | str | float] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v and all(isinstance(x, str) for x in v):
            out.update(flatten_hparams(v, key + "."))
        else:
            out[key] = _hparam_value(v)
    return out


class ArchGymCallback(BaseCallback):
    """Write ``search.jsonl`` and the TensorBoard dashboard (see the module doc) during SB3 training.

    :param log: where the records go
    :param hparams: resolved hyperparameters logged as the hparams entry (``None``: none)
    :param figure_freq: env steps between two figures (Pareto front, best architecture; 0: only at the end)
    :param snapshot_dir: folder for ``best_child.{pt,json}`` (``None``: no snapshot)
    :param snapshot_meta: extra JSON fields of the snapshot (env id, dataset arguments, ...)
    :param previous: records of an earlier segment of the same run (``--resume``): counters and
        the best score continue from them
    :param write_at_end: write the figures and the snapshot when training ends (``archgym train``
        passes False and writes them itself, after the agent is saved: nothing that can fail comes first)
    :param log_window: env steps per dashboard point (``None``: 1 % of the run's ``total_timesteps``, >= 10)
    :param verbose: SB3 verbosity
    """

    def __init__(
        self,
        log: SearchLog,
        hparams: Mapping[str, Any] | None = None,
        figure_freq: int = 500,
        snapshot_dir: Path | None = None,
        snapshot_meta: Mapping[str, Any] | None = None,
        previous: Sequence[Mapping[str, Any]] = (),
        write_at_end: bool = True,
        log_window: int | None = None,
        verbose: int = 0,
    ) -> None:
        super().__init__(verbose)
        if log_window is not None and (
            isinstance(log_window, bool) or not isinstance(log_window, int) or log_window < 1
        ):
            raise ValueError(f"log_window must be an int >= 1 or None, got {log_window!r}")
        self.search_log = log
        self.hparams = dict(hparams) if hparams is not None else None
        self.figure_freq = int(figure_freq)
        self.snapshot_dir = snapshot_dir
        self.snapshot_meta = dict(snapshot_meta or {})
        self.write_at_end = bool(write_at_end)
        self.log_window = log_window
        self.records: list[Mapping[str, Any]] = list(previous)
        self.evaluations = len(self.records)
        self.next_episode = max((int(r.get("episode", -1)) for r in self.records), default=-1) + 1
        finite = [r for r in self.records if math.isfinite(r.get("score", math.nan))]
        self.best: Mapping[str, Any] | None = max(finite, key=lambda r: r["score"], default=None)
        self.invalid_actions = 0
        self.initial_record: Mapping[str, Any] | None = self.records[0] if self.records else None
        self._writer: Any = None
        self._last_figure = 0
        self._last_flush = 0
        self._drawn_best: str | None = None
        self._window = _Window()
        self._pending: tuple[dict[str, Any], tuple[int, ...]] | None = None

    @property
    def best_score(self) -> float:
        """The best score of any evaluation so far (``-inf`` before the first)."""
        return float(self.best["score"]) if self.best is not None else -math.inf

    # ------------------------------------------------------------------ resume
    def state_dict(self) -> dict[str, Any]:
        """The per-env episode bookkeeping, for a resume checkpoint (plain values only)."""
        return {
            "episode": list(self._episode),
            "last_evals": list(self._last_evals),
            "ep_best": list(self._ep_best),
            "ep_len": list(self._ep_len),
            "invalid_actions": int(self.invalid_actions),
            "next_episode": int(self.next_episode),
            "evaluations": int(self.evaluations),
            "best_score": float(self.best_score),
            "best": dict(self.best) if self.best is not None else None,
            "last_figure": int(self._last_figure),
            "last_flush": int(self._last_flush),
        }

    def load_state_dict(self, state: Mapping[str, Any], restart: Sequence[int] = ()) -> None:
        """Continue from a :meth:`state_dict` when training starts instead of opening new episodes.

        :param state: the saved bookkeeping
        :param restart: envs whose episode was restarted on resume (their reset info opens a new episode)
        """
        self._pending = (dict(state), tuple(restart))

    # ------------------------------------------------------------------ SB3 hooks
    def _on_training_start(self) -> None:
        n = self.training_env.num_envs
        self._episode = [0] * n
        self._last_evals = [0] * n
        self._ep_best = [-math.inf] * n
        self._ep_len = [0] * n
        self._writer = next(
            (f.writer for f in self.logger.output_formats if isinstance(f, TensorBoardOutputFormat)), None
        )
        if self.log_window is None:
            total = int(getattr(self.model, "_total_timesteps", 0) or 0)
            self.log_window = max(10, total // 100)
        step = self.num_timesteps
        self._last_figure = self._last_flush = step
        reset_infos = getattr(innermost_vec_env(self.training_env), "reset_infos", None) or [{}] * n
        restart: tuple[int, ...] = tuple(range(n))
        if self._pending is not None:
            state, restart = self._pending
            self._pending = None
            self._episode, self._last_evals = list(state["episode"]), list(state["last_evals"])
            self._ep_best = list(state["ep_best"])
            self._ep_len = list(state.get("ep_len", [0] * n))
            self.invalid_actions, self.next_episode = state["invalid_actions"], state["next_episode"]
            self.evaluations = state["evaluations"]
            if state.get("best") is not None:
                self.best = dict(state["best"])
            self._last_figure = state["last_figure"]
            self._last_flush = int(state.get("last_flush", step))
        for i in restart:
            self._start_episode(i, reset_infos[i], step)
        if self._writer is not None:
            self._writer.add_custom_scalars(DASHBOARD_LAYOUT)
            if self.hparams is not None:
                hp = HParam(flatten_hparams(self.hparams), {"archgym/best_score": 0.0})
                self.logger.record("hparams", hp, exclude=_NOT_TB)
                self.logger.dump(step)

    def _on_step(self) -> bool:
        infos: Sequence[Mapping[str, Any]] = self.locals["infos"]
        dones = self.locals["dones"]
        base = self.num_timesteps - len(infos)
        for i, info in enumerate(infos):
            step = base + i + 1  # env i's transition of this vectorised step (its record's "step")
            self._see_step(i, info, step)
            if dones[i]:
                self._end_episode(i, info)
                reset_infos = getattr(innermost_vec_env(self.training_env), "reset_infos", None)
                self._start_episode(i, reset_infos[i] if reset_infos else {}, step)
        assert self.log_window is not None
        if self.num_timesteps - self._last_flush >= self.log_window:
            self.flush()
        if self.figure_freq > 0 and self.num_timesteps - self._last_figure >= self.figure_freq:
            self._last_figure = self.num_timesteps
            self.write_figure()
            self.write_snapshot()
        return True

    def _on_training_end(self) -> None:
        self.flush()
        if self.write_at_end:
            self.write_figure()
            self.write_snapshot()
        if self._writer is not None:
            self._writer.flush()

    # ------------------------------------------------------------------ bookkeeping
    def _record(self, i: int, info: Mapping[str, Any], step: int) -> None:
        self.evaluations += 1
        self.search_log.write_info(info, step=step, episode=self._episode[i], evaluation=self.evaluations, env=i)
        rec = {"step": step, "episode": self._episode[i], "evaluation": self.evaluations, "env": i}
        rec.update({k: info[k] for k in ("arch", "val_accuracy", "cost", "score", "params", "flops") if k in info})
        self.records.append(rec)
        if self.initial_record is None:
            self.initial_record = rec
        self._window.add(info)
        score = float(info.get("score", math.nan))
        if math.isfinite(score):
            self._ep_best[i] = max(self._ep_best[i], score)
            if score > self.best_score:
                self.best = rec

    def _start_episode(self, i: int, info: Mapping[str, Any], step: int) -> None:
        self._episode[i] = self.next_episode
        self.next_episode += 1
        self._ep_best[i] = -math.inf
        self._ep_len[i] = 0
        self._last_evals[i] = 0
        if "score" in info:
            self._last_evals[i] = int(info.get("evaluations", 1))
            self._record(i, info, step)

    def _see_step(self, i: int, info: Mapping[str, Any], step: int) -> None:
        self._window.steps += 1
        self._ep_len[i] += 1
        if "score" not in info:
            return
        evals = int(info.get("evaluations", 0))
        if evals > self._last_evals[i]:
            self._record(i, info, step)
        self._last_evals[i] = evals
        if not info.get("action_valid", True):
            self.invalid_actions += 1
            self._window.invalid += 1

    def _end_episode(self, i: int, info: Mapping[str, Any]) -> None:
        if "score" not in info:
            return
        self._window.episodes.append(
            {
                "env": i,
                "episode": self._episode[i],
                "final_score": float(info["score"]),
                "best_score": self._ep_best[i],
                "length": self._ep_len[i],
                "depth": float(info.get("depth", math.nan)),
                "arch": info.get("arch"),
                "val_accuracy": float(info.get("val_accuracy", math.nan)),
                "cost": float(info.get("cost", math.nan)),
            }
        )

    # ------------------------------------------------------------------ outputs
    def flush(self) -> None:
        """Log the window's aggregates and the anytime best at the current step, and start a new window."""
        w, self._window = self._window, _Window()
        self._last_flush = self.num_timesteps
        tb = self._writer
        if tb is None or (w.steps == 0 and not w.values):
            return
        step = self.num_timesteps

        def mean(xs: Sequence[float]) -> float:
            return sum(xs) / len(xs)

        if self.best is not None:
            tb.add_scalar("archgym/best_score", float(self.best["score"]), step)
            for key in ("val_accuracy", "cost", "params"):
                if isinstance(self.best.get(key), (int, float)):
                    tb.add_scalar(f"archgym/best_{key}", float(self.best[key]), step)
        tb.add_scalar("archgym/evaluations", self.evaluations, step)
        tb.add_scalar("archgym/invalid_actions", self.invalid_actions, step)
        for key, xs in w.values.items():
            if key == "lr":
                tb.add_scalar("evaluation/lr", xs[-1], step)
                continue
            tb.add_scalar(f"evaluation/{key}_mean", mean(xs), step)
            if key in _BANDED:
                tb.add_scalar(f"evaluation/{key}_min", min(xs), step)
                tb.add_scalar(f"evaluation/{key}_max", max(xs), step)
        if w.steps:
            tb.add_scalar("evaluation/invalid_fraction", w.invalid / w.steps, step)
        if w.episodes:
            eps = w.episodes
            tb.add_scalar("episode/final_score_mean", mean([e["final_score"] for e in eps]), step)
            finite = [e["best_score"] for e in eps if math.isfinite(e["best_score"])]
            if finite:
                tb.add_scalar("episode/best_score_mean", mean(finite), step)
            tb.add_scalar("episode/length_mean", mean([e["length"] for e in eps]), step)
            depths = [e["depth"] for e in eps if math.isfinite(e["depth"])]
            if depths:
                tb.add_scalar("episode/final_depth_mean", mean(depths), step)
            top = max(eps, key=lambda e: e["final_score"])
            text = (
                f"best of {len(eps)} episode(s) ending by step {step}: episode {top['episode']} (env {top['env']}) "
                f"ended at `{top['arch']}`, score {top['final_score']:.4f}, val_accuracy {top['val_accuracy']:.4f}, "
                f"cost {top['cost']:.3f}, {top['length']} steps"
            )
            tb.add_text("archgym/final_architecture", text, step)

    def write_figure(self) -> None:
        """Log the Pareto front of every record so far and, when it changed, the best child's architecture."""
        if self._writer is None or not self.records:
            return
        fig = pareto_figure(self.records, title=f"{len(self.records)} evaluations, step {self.num_timesteps}")
        self.logger.record("archgym/pareto_front", Figure(fig, close=True), exclude=_NOT_TB)
        best = self.best
        if best is not None and best.get("arch") and best["arch"] != self._drawn_best:
            self._drawn_best = str(best["arch"])
            title = f"best child after {self.evaluations} evaluations (step {self.num_timesteps}): {best['arch']}"
            try:
                arch_fig = architecture_figure(str(best["arch"]), best, title=title)
            except ValueError:  # a key this archgym cannot parse: no picture rather than a crash
                arch_fig = None
            if arch_fig is not None:
                self.logger.record("archgym/best_architecture", Figure(arch_fig, close=True), exclude=_NOT_TB)
        self.logger.dump(self.num_timesteps)

    def write_snapshot(self) -> Path | None:
        """Write the best child seen by any env to ``snapshot_dir`` if it beats the one already there."""
        if self.snapshot_dir is None:
            return None
        try:
            bests = [b for b in self.training_env.get_attr("archgym_best") if b is not None]
        except AttributeError:  # envs without a best-child tracker (not built by archgym train): no snapshot
            return None
        if not bests:
            return None
        best = max(bests, key=lambda b: b["info"]["score"])
        js = self.snapshot_dir / "best_child.json"
        if (
            js.is_file()
            and json.loads(js.read_text()).get("metrics", {}).get("score", -math.inf) >= best["info"]["score"]
        ):
            return js
        from archgym.agents.run import child_from_state, save_child

        child = child_from_state(best["arch"], best["state"])  # a sparse child keeps its pruning masks
        metrics = {k: v for k, v in best["info"].items() if isinstance(v, (int, float, bool))}
        save_child(
            child, self.snapshot_dir / "best_child", {"source": "snapshot", "metrics": metrics, **self.snapshot_meta}
        )
        return js
