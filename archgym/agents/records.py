"""Search records: ``search.jsonl`` (one line per evaluated architecture) and the Pareto front.

Every searcher (a DQN agent through its callback, or a baseline strategy) writes the same
records through :class:`SearchLog`, so runs compare directly at an equal budget of child
evaluations. A record is a flat JSON object::

    {"step": 12, "episode": 1, "evaluation": 13, "arch": "64-[48]-10", "val_accuracy": 0.97,
     "cost": 0.75, "score": 0.93, "params": 3610, "flops": 3552, "action_valid": true, "env": 0}

Lines are appended and flushed one at a time, so a killed run loses at most the line being written;
:func:`read_records` skips a truncated last line.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["RECORD_KEYS", "SearchLog", "best_record", "pareto_front", "read_records"]

RECORD_KEYS = ("step", "episode", "evaluation", "arch", "val_accuracy", "cost", "score", "params", "flops")
_FROM_INFO = ("arch", "val_accuracy", "cost", "score", "params", "flops", "action_valid", "depth", "nonzero_params")


class SearchLog:
    """Append-only writer of ``search.jsonl``.

    :param path: file to append to (created with its parent folder)
    :param fsync: also ``os.fsync`` after every line (durable, slower)
    :param on_write: called with each record after it is written (progress display)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fsync: bool = False,
        on_write: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        self.on_write = on_write
        self._fh: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (held open for appends)
        self.count = 0

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one record (any JSON-serialisable mapping)."""
        if self._fh is None:
            raise ValueError(f"SearchLog {self.path} is closed")
        self._fh.write(json.dumps(dict(record), sort_keys=True) + "\n")
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())
        self.count += 1
        if self.on_write is not None:
            self.on_write(record)

    def sync(self) -> int:
        """Flush and ``fsync`` the file; return its size in bytes (the position a resume truncates to)."""
        if self._fh is None:
            raise ValueError(f"SearchLog {self.path} is closed")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return self._fh.tell()

    def write_info(self, info: Mapping[str, Any], *, step: int, episode: int, evaluation: int, **extra: Any) -> None:
        """Append the record of an env ``info`` dict after a step that evaluated a child."""
        rec: dict[str, Any] = {"step": step, "episode": episode, "evaluation": evaluation}
        rec.update({k: info[k] for k in _FROM_INFO if k in info})
        rec.update(extra)
        self.write(rec)

    def close(self) -> None:
        """Close the file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> SearchLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All complete records of a ``search.jsonl`` (a truncated final line is ignored)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break  # a partial line from a killed writer
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def best_record(records: Iterable[Mapping[str, Any]], key: str = "score") -> Mapping[str, Any] | None:
    """The record with the highest finite ``key`` (ties: the earliest)."""
    best = None
    for r in records:
        v = r.get(key)
        if isinstance(v, (int, float)) and math.isfinite(v) and (best is None or v > best[key]):
            best = r
    return best


def pareto_front(
    records: Iterable[Mapping[str, Any]], cost: str = "cost", quality: str = "val_accuracy"
) -> list[Mapping[str, Any]]:
    """Records not dominated by another (lower-or-equal cost and higher-or-equal quality, one strictly),
    one per architecture, sorted by cost.

    >>> recs = [{"arch": "a", "cost": 1, "val_accuracy": 0.9}, {"arch": "b", "cost": 2, "val_accuracy": 0.8},
    ...         {"arch": "c", "cost": 3, "val_accuracy": 0.95}]
    >>> [r["arch"] for r in pareto_front(recs)]
    ['a', 'c']
    """
    best_per_arch: dict[Any, Mapping[str, Any]] = {}
    for r in records:
        k = r.get("arch")
        if k not in best_per_arch or r[quality] > best_per_arch[k][quality]:
            best_per_arch[k] = r
    front: list[Mapping[str, Any]] = []
    for r in sorted(best_per_arch.values(), key=lambda r: (r[cost], -r[quality])):
        if not front or r[quality] > front[-1][quality]:
            front.append(r)
    return front
