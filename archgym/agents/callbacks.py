"""The training callback: ``search.jsonl`` records and the ``archgym/`` TensorBoard dashboard.

:class:`ArchGymCallback` reads the ``infos`` of every env after each vectorised step (so it works
with ``--n-envs K``) and

* appends one :class:`~archgym.agents.records.SearchLog` record per evaluated architecture
  (a valid edit, and the initial network of every episode, read from the VecEnv's ``reset_infos``);
* logs per env step ``archgym/val_accuracy``, ``cost``, ``params``, ``flops``, ``depth``, ``score``,
  ``invalid_actions`` (running count), ``lr`` (the child's learning rate), ``sparsity`` and the
  running ``archgym/best_score``; per episode ``archgym/episode_best_score`` and the final
  architecture as text (``archgym/final_architecture``);
* writes the resolved hyperparameters once as an hparams entry (SB3 ``HParam``, metric
  ``archgym/best_score``) and the Pareto front now and then as a figure (SB3 ``Figure``).

Env ``i`` of a vectorised step that ends at ``num_timesteps`` is logged at step
``num_timesteps - n_envs + i + 1``, so every transition has its own x position.

:class:`BestChildTracker` (an env wrapper) keeps a CPU copy of the best child's weights, which the
callback writes to ``snapshot/best_child.{pt,json}`` of the run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, SupportsFloat

import gymnasium as gym
from matplotlib.figure import Figure as MplFigure
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.logger import Figure, HParam, TensorBoardOutputFormat

from archgym.agents.env_state import env_state, restore_env
from archgym.agents.records import SearchLog, pareto_front
from archgym.envs.best import better_child
from archgym.integrations.sb3_state import innermost_vec_env

__all__ = ["SCALAR_KEYS", "ArchGymCallback", "BestChildTracker", "pareto_figure"]

#: info keys logged as ``archgym/<key>`` every env step.
SCALAR_KEYS = ("val_accuracy", "cost", "params", "flops", "depth", "score", "lr", "sparsity")
_NOT_TB = ("stdout", "log", "json", "csv")


class BestChildTracker(gym.Wrapper):
    """Keep a CPU copy of the best-scoring child this env produced (``self.archgym_best``).

    :param env: an archgym env (its ``unwrapped.child`` is read when the score improves)
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.archgym_best: dict[str, Any] | None = None

    def _see(self, info: Mapping[str, Any]) -> None:
        u: Any = self.env.unwrapped  # an archgym env: its live child
        self.archgym_best = better_child(self.archgym_best, u.child, info)

    def state_dict(self) -> dict[str, Any]:
        """This wrapper's own state: the best child so far (for a resume checkpoint)."""
        return {"archgym_best": self.archgym_best}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.archgym_best = state.get("archgym_best")

    def archgym_env_state(self) -> dict[str, Any]:
        """This env's resume state (wrappers from here down, then the env); what a SubprocVecEnv worker
        sends back for a checkpoint (``env_method("archgym_env_state")``)."""
        return env_state(self)

    def archgym_restore_env(self, state: dict[str, Any]) -> bool:
        """Restore :meth:`archgym_env_state`; False when the episode must restart instead."""
        return restore_env(self, state)

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """Reset and look at the initial child."""
        obs, info = self.env.reset(**kwargs)
        self._see(info)
        return obs, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step and look at the new child."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._see(info)
        return obs, reward, terminated, truncated, info


def pareto_figure(records: Sequence[Mapping[str, Any]], title: str = "") -> MplFigure:
    """Validation accuracy versus cost of every record, the Pareto front highlighted.

    :param records: ``search.jsonl`` records
    :param title: figure title
    """
    fig = MplFigure(figsize=(5.5, 4.0), dpi=90)
    ax = fig.subplots()
    ok = [
        r for r in records if math.isfinite(r.get("cost", math.nan)) and math.isfinite(r.get("val_accuracy", math.nan))
    ]
    ax.scatter([r["cost"] for r in ok], [r["val_accuracy"] for r in ok], s=8, alpha=0.3, label="evaluated")
    front = pareto_front(ok)
    ax.plot([r["cost"] for r in front], [r["val_accuracy"] for r in front], "o-", color="C3", label="Pareto front")
    ax.set_xlabel("cost (relative to the reference network)")
    ax.set_ylabel("validation accuracy")
    ax.set_title(title or f"{len(ok)} evaluations")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


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
    """Write ``search.jsonl`` and the ``archgym/`` TensorBoard tags during SB3 training.

    :param log: where the records go
    :param hparams: resolved hyperparameters logged as the hparams entry (``None``: none)
    :param figure_freq: env steps between two Pareto-front figures (0: only at the end)
    :param snapshot_dir: folder for ``best_child.{pt,json}`` (``None``: no snapshot)
    :param snapshot_meta: extra JSON fields of the snapshot (env id, dataset arguments, ...)
    :param previous: records of an earlier segment of the same run (``--resume``): counters and
        the best score continue from them
    :param write_at_end: write the Pareto figure and the snapshot when training ends (``archgym train``
        passes False and writes them itself, after the agent is saved: nothing that can fail comes first)
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
        verbose: int = 0,
    ) -> None:
        super().__init__(verbose)
        self.search_log = log
        self.hparams = dict(hparams) if hparams is not None else None
        self.figure_freq = int(figure_freq)
        self.snapshot_dir = snapshot_dir
        self.snapshot_meta = dict(snapshot_meta or {})
        self.write_at_end = bool(write_at_end)
        self.records: list[Mapping[str, Any]] = list(previous)
        self.evaluations = len(self.records)
        self.next_episode = max((int(r.get("episode", -1)) for r in self.records), default=-1) + 1
        scores = [r["score"] for r in self.records if math.isfinite(r.get("score", math.nan))]
        self.best_score = max(scores, default=-math.inf)
        self.invalid_actions = 0
        self.initial_record: Mapping[str, Any] | None = self.records[0] if self.records else None
        self._writer: Any = None
        self._last_figure = 0
        self._pending: tuple[dict[str, Any], tuple[int, ...]] | None = None

    # ------------------------------------------------------------------ resume
    def state_dict(self) -> dict[str, Any]:
        """The per-env episode bookkeeping, for a resume checkpoint (plain values only)."""
        return {
            "episode": list(self._episode),
            "last_evals": list(self._last_evals),
            "ep_best": list(self._ep_best),
            "invalid_actions": int(self.invalid_actions),
            "next_episode": int(self.next_episode),
            "evaluations": int(self.evaluations),
            "best_score": float(self.best_score),
            "last_figure": int(self._last_figure),
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
        self._writer = next(
            (f.writer for f in self.logger.output_formats if isinstance(f, TensorBoardOutputFormat)), None
        )
        step = self.num_timesteps
        self._last_figure = step
        reset_infos = getattr(innermost_vec_env(self.training_env), "reset_infos", None) or [{}] * n
        restart: tuple[int, ...] = tuple(range(n))
        if self._pending is not None:
            state, restart = self._pending
            self._pending = None
            self._episode, self._last_evals = list(state["episode"]), list(state["last_evals"])
            self._ep_best = list(state["ep_best"])
            self.invalid_actions, self.next_episode = state["invalid_actions"], state["next_episode"]
            self.evaluations, self.best_score = state["evaluations"], state["best_score"]
            self._last_figure = state["last_figure"]
        for i in restart:
            self._start_episode(i, reset_infos[i], step)
        if self.hparams is not None and self._writer is not None:
            hp = HParam(flatten_hparams(self.hparams), {"archgym/best_score": 0.0})
            self.logger.record("hparams", hp, exclude=_NOT_TB)
            self.logger.dump(step)

    def _on_step(self) -> bool:
        infos: Sequence[Mapping[str, Any]] = self.locals["infos"]
        dones = self.locals["dones"]
        n = len(infos)
        base = self.num_timesteps - n
        for i, info in enumerate(infos):
            step = base + i + 1
            self._see_step(i, info, step)
            if dones[i]:
                self._end_episode(i, info, step)
                reset_infos = getattr(innermost_vec_env(self.training_env), "reset_infos", None)
                self._start_episode(i, reset_infos[i] if reset_infos else {}, step)
        if self.figure_freq > 0 and self.num_timesteps - self._last_figure >= self.figure_freq:
            self._last_figure = self.num_timesteps
            self.write_figure()
            self.write_snapshot()
        return True

    def _on_training_end(self) -> None:
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
        score = float(info.get("score", math.nan))
        if math.isfinite(score):
            self._ep_best[i] = max(self._ep_best[i], score)
            self.best_score = max(self.best_score, score)

    def _start_episode(self, i: int, info: Mapping[str, Any], step: int) -> None:
        self._episode[i] = self.next_episode
        self.next_episode += 1
        self._ep_best[i] = -math.inf
        self._last_evals[i] = 0
        if "score" in info:
            self._last_evals[i] = int(info.get("evaluations", 1))
            self._record(i, info, step)

    def _see_step(self, i: int, info: Mapping[str, Any], step: int) -> None:
        if "score" not in info:
            return
        evals = int(info.get("evaluations", 0))
        if evals > self._last_evals[i]:
            self._record(i, info, step)
        self._last_evals[i] = evals
        if not info.get("action_valid", True):
            self.invalid_actions += 1
        w = self._writer
        if w is None:
            return
        for key in SCALAR_KEYS:
            if key in info:
                w.add_scalar(f"archgym/{key}", float(info[key]), step)
        w.add_scalar("archgym/invalid_actions", self.invalid_actions, step)
        if math.isfinite(self.best_score):
            w.add_scalar("archgym/best_score", self.best_score, step)

    def _end_episode(self, i: int, info: Mapping[str, Any], step: int) -> None:
        if self._writer is None or "score" not in info:
            return
        if math.isfinite(self._ep_best[i]):
            self._writer.add_scalar("archgym/episode_best_score", self._ep_best[i], step)
        text = (
            f"episode {self._episode[i]} (env {i}): `{info.get('arch')}` score {info['score']:.4f}, "
            f"val_accuracy {info.get('val_accuracy', math.nan):.4f}, cost {info.get('cost', math.nan):.3f}"
        )
        self._writer.add_text("archgym/final_architecture", text, step)

    # ------------------------------------------------------------------ outputs
    def write_figure(self) -> None:
        """Log the Pareto front of every record so far (SB3 ``Figure``)."""
        if self._writer is None or not self.records:
            return
        fig = pareto_figure(self.records, title=f"{len(self.records)} evaluations, step {self.num_timesteps}")
        self.logger.record("archgym/pareto_front", Figure(fig, close=True), exclude=_NOT_TB)
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
