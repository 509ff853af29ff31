"""How a training run writes its agent files: the final agent and the periodic checkpoints.

:func:`save_final_agent` saves the agent (and the replay buffer of off-policy agents) atomically,
records their checksums and names the agent in ``run.json``; :class:`PeriodicCheckpoints` is SB3's
``CheckpointCallback`` writing ``checkpoints/model_<N>_steps.zip`` the same way and keeping only the
newest replay buffer. Resume checkpoints are :mod:`archgym.agents.checkpoint`'s.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stable_baselines3.common.callbacks import CheckpointCallback

from archgym.agents.integrity import record_checksums
from archgym.agents.run import MODEL_FILE, REPLAY_BUFFER_FILE, write_run_meta
from archgym.atomic import atomic_path

__all__ = ["PeriodicCheckpoints", "save_final_agent"]


def save_final_agent(model: Any, run_dir: Path, off_policy: bool, status: str) -> Path:
    """Save the agent (and the replay buffer) atomically, record their checksums and name the agent in ``run.json``.

    :param status: how training ended: ``finished``, ``interrupted`` (SIGINT/SIGTERM) or ``crashed``
    """
    model_path = run_dir / MODEL_FILE
    saved = [model_path]
    with atomic_path(model_path) as tmp:
        model.save(tmp)
    meta: dict[str, Any] = {"final_agent": MODEL_FILE, "num_timesteps": int(model.num_timesteps)}
    if off_policy:
        saved.append(run_dir / REPLAY_BUFFER_FILE)
        with atomic_path(saved[-1]) as tmp:
            model.save_replay_buffer(tmp)
        meta["replay_buffer"] = REPLAY_BUFFER_FILE
    record_checksums(run_dir, saved)
    write_run_meta(run_dir, **meta, status=status)
    return model_path


class PeriodicCheckpoints(CheckpointCallback):
    """CheckpointCallback that saves atomically, records checksums and keeps only the newest replay buffer.

    (Older buffers are large and useless: ``--resume`` reads the resume checkpoints.)
    """

    def _on_step(self) -> bool:
        if self.n_calls % self.save_freq != 0:
            return True
        run_dir = Path(self.save_path).parent
        saved = [self._checkpoint_path(extension="zip")]
        with atomic_path(saved[0]) as tmp:
            self.model.save(tmp)
        removed: list[Path] = []
        if self.save_replay_buffer and getattr(self.model, "replay_buffer", None) is not None:
            saved.append(self._checkpoint_path("replay_buffer_", extension="pkl"))
            model: Any = self.model  # an off-policy algorithm (it has a replay buffer)
            with atomic_path(saved[1]) as tmp:
                model.save_replay_buffer(tmp)
            buffers = sorted(
                Path(self.save_path).glob(f"{self.name_prefix}_replay_buffer_*_steps.pkl"),
                key=lambda p: int(re.findall(r"(\d+)_steps", p.name)[0]),
            )
            for old in buffers[:-1]:
                old.unlink(missing_ok=True)
                removed.append(old)
        record_checksums(run_dir, saved, removed=removed)
        return True
