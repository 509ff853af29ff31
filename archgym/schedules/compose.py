"""Composite schedules: a warm-up before another schedule, several schedules in sequence."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, ClassVar

from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls

from archgym.schedules.base import DEFAULT_LR, Schedule, _check_keys, _float, _int, _lr


# --------------------------------------------------------------------------- composition
def _chain_parts(
    optimizer: Optimizer, parts: list[Schedule], milestones: list[int]
) -> tuple[list[tls.LRScheduler], list[int]]:
    """Flatten the torch chains of ``parts`` (starting at ``milestones``) into one SequentialLR chain."""
    chain: list[tls.LRScheduler] = []
    flat: list[int] = []
    for part, start in zip(parts, [0, *milestones], strict=True):
        if not part.chainable:
            raise ValueError(
                f"cannot bind a composition holding {part!r}: torch's SequentialLR cannot step a "
                "ReduceLROnPlateau; use the schedule directly (schedule(t), observe(metric)); "
                f"chainable schedules: {', '.join(n for n, c in _registry().items() if c.chainable)}"
            )
        sub, sub_milestones = part._torch_chain(optimizer)
        if chain:
            flat.append(start)
        flat.extend(start + m for m in sub_milestones)
        chain.extend(sub)
    return chain, flat


@dataclass
class Warmup(Schedule):
    """Linear warm-up: ``lr_t = lr * (start_factor + (1 - start_factor) * min(t, steps) / steps)``.

    With ``then``, ``lr_t = then(t - steps)`` for ``t >= steps`` (``then``'s clock restarts at 0), e.g.
    ``{"name": "warmup", "steps": 100, "then": {"name": "cosine", "total": 1000}}``; ``then`` shares
    the base rate ``lr``. Binds to ``LinearLR`` (plus ``SequentialLR`` with ``then``).

    :param lr: the rate reached after warm-up (> 0)
    :param steps: warm-up length in steps (>= 1)
    :param start_factor: the rate at step 0 is ``start_factor * lr``, in (0, 1]
    :param then: the schedule that follows the warm-up (``None``: hold ``lr``)
    """

    name: ClassVar[str] = "warmup"
    lr: float = DEFAULT_LR
    steps: int = 100
    start_factor: float = 0.1
    then: Schedule | None = None

    def __post_init__(self) -> None:
        self.lr = _lr(self.name, self.lr)
        self.steps = _int(self.name, "steps", self.steps, 1)
        self.start_factor = _float(
            self.name, "start_factor", self.start_factor, 0.0, 1.0, open_low=True, open_high=False
        )
        if self.then is not None:
            self.then = _make(self.then, lr=self.lr)
            if self.then.lr != self.lr:
                raise ValueError(
                    f"invalid then={self.then!r} for schedule '{self.name}'; "
                    f"valid: a schedule with the same lr={self.lr!r}"
                )
        self._in_then = False

    @property
    def chainable(self) -> bool:  # type: ignore[override]
        """Whether torch's SequentialLR can hold this schedule."""
        return self.then is None or self.then.chainable

    def __call__(self, t: int) -> float:
        if self.then is not None and t >= self.steps:
            self._in_then = True
            return self.then(t - self.steps)
        self._in_then = False
        return self.lr * (self.start_factor + (1.0 - self.start_factor) * min(t, self.steps) / self.steps)

    def observe(self, metric: float) -> None:
        """Forward the metric to ``then`` once it is running (metrics seen during warm-up are ignored).

        :param metric: the metric value
        """
        if self.then is not None and self._in_then:
            self.then.observe(metric)

    def reset(self) -> None:
        """Reset ``then``'s state."""
        self._in_then = False
        if self.then is not None:
            self.then.reset()

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        linear = tls.LinearLR(optimizer, start_factor=self.start_factor, end_factor=1.0, total_iters=self.steps)
        if self.then is None:
            return [linear], []
        rest, rest_milestones = _chain_parts(optimizer, [self.then], [])
        return [linear, *rest], [self.steps] + [self.steps + m for m in rest_milestones]


@dataclass
class Sequential(Schedule):
    """Several schedules one after another, like torch's ``SequentialLR``.

    ``lr_t = parts[i](t - milestones[i - 1])`` where ``i`` is the number of milestones ``<= t``
    (each part's clock restarts at 0). All parts share one base rate ``lr``.

    :param parts: the schedules (at least one)
    :param milestones: strictly increasing steps (>= 1) where the next part starts; ``len(parts) - 1`` of them
    """

    name: ClassVar[str] = "sequence"
    parts: list[Schedule]
    milestones: list[int]

    def __post_init__(self) -> None:
        if not isinstance(self.parts, list) or not self.parts:
            raise ValueError(f"invalid parts={self.parts!r} for schedule '{self.name}'; valid: a non-empty list")
        self.parts = [_make(p) for p in self.parts]
        if not isinstance(self.milestones, (list, tuple)):
            raise ValueError(
                f"invalid milestones={self.milestones!r} for schedule '{self.name}'; valid: a list of integers"
            )
        ms = [_int(self.name, "milestones", m, 1) for m in self.milestones]
        if len(ms) != len(self.parts) - 1 or any(b <= a for a, b in pairwise(ms)):
            raise ValueError(
                f"invalid milestones={self.milestones!r} for schedule '{self.name}'; valid: "
                f"{len(self.parts) - 1} strictly increasing integers >= 1 (one fewer than parts)"
            )
        self.milestones = ms
        lrs = {p.lr for p in self.parts}
        if len(lrs) > 1:
            raise ValueError(
                f"invalid parts for schedule '{self.name}': base rates {sorted(lrs)} differ; "
                "valid: parts sharing one lr"
            )
        self._index = 0

    @property
    def lr(self) -> float:  # type: ignore[override]
        """The base rate shared by the parts."""
        return self.parts[0].lr

    @property
    def chainable(self) -> bool:  # type: ignore[override]
        """Whether torch's SequentialLR can hold this schedule."""
        return all(p.chainable for p in self.parts)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, lr: float | None = None) -> Schedule:
        """Build from dict-spec parameters; an optional ``lr`` is the default base rate of the parts."""
        params = dict(params)
        _check_keys(cls.name, params, ["lr", *cls.valid_keys()])
        lr = params.pop("lr", lr)
        parts = params.pop("parts", None)
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"invalid parts={parts!r} for schedule '{cls.name}'; valid: a non-empty list")
        return cls(parts=[_make(p, lr=lr) for p in parts], **params)

    def __call__(self, t: int) -> float:
        i = bisect_right(self.milestones, t)
        self._index = i
        return self.parts[i](t - (self.milestones[i - 1] if i else 0))

    def observe(self, metric: float) -> None:
        """Forward the metric to the part that gave the last rate.

        :param metric: the metric value
        """
        self.parts[self._index].observe(metric)

    def reset(self) -> None:
        """Reset every part's state."""
        self._index = 0
        for p in self.parts:
            p.reset()

    def _torch_chain(self, optimizer: Optimizer) -> tuple[list[tls.LRScheduler], list[int]]:
        return _chain_parts(optimizer, self.parts, self.milestones)


def _make(spec: Any, *, lr: float | None = None) -> Schedule:
    from archgym.schedules.registry import make_schedule

    return make_schedule(spec, lr=lr)


def _registry() -> dict[str, type[Schedule]]:
    from archgym.schedules.registry import SCHEDULES

    return SCHEDULES
