"""``eval_mode="scratch"``: every architecture is trained from scratch with a fixed recipe, results cached."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import torch

from archgym.arch import Architecture
from archgym.child import ChildNet
from archgym.envs.evaluators.base import EvalContext, Evaluation, FitRequest, Outcome, Plan, StepContext, evaluation_of
from archgym.envs.evaluators.trained import TrainedEvaluator

__all__ = ["ScratchCache", "ScratchEvaluator"]

CacheKey = tuple[str, int, int]


class ScratchCache:
    """LRU cache of scratch-mode results, ``(arch key, seed, budget) -> (evaluation, weights)``, bounded in bytes.

    A repeated architecture costs nothing; the least recently used entries go once the weights held
    exceed ``max_bytes`` (a long search visits thousands of architectures).

    :param max_bytes: budget for the cached weights
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self.nbytes = 0
        self._entries: OrderedDict[CacheKey, tuple[Evaluation, dict[str, torch.Tensor], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: CacheKey) -> tuple[Evaluation, dict[str, torch.Tensor]] | None:
        """The cached evaluation and weights of ``key`` (marked as recently used), or None."""
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit[0], hit[1]

    def put(self, key: CacheKey, ev: Evaluation, state: Mapping[str, torch.Tensor]) -> None:
        """Store a result (a copy of ``state``), evicting the least recently used beyond the budget."""
        copy = {k: v.detach().clone() for k, v in state.items()}
        size = sum(v.numel() * v.element_size() for v in copy.values())
        old = self._entries.pop(key, None)
        if old is not None:
            self.nbytes -= old[2]
        self._entries[key] = (ev, copy, size)
        self.nbytes += size
        while self.nbytes > self.max_bytes and len(self._entries) > 1:
            _, (_, _, freed) = self._entries.popitem(last=False)
            self.nbytes -= freed


class ScratchEvaluator(TrainedEvaluator):
    """Faithful, NAS-Bench-like: the score of an architecture is that of the recipe ``scratch_steps`` steps from
    the seed ``scratch_seed``; a repeated ``(architecture, seed, budget)`` is a cache hit (no training).

    The cache is not saved with the env's state: an entry is a pure function of its key.
    """

    name = "scratch"
    keeps_weights = False

    def __init__(self, ctx: EvalContext) -> None:
        super().__init__(ctx)
        self.cache = ScratchCache(int(ctx.recipe.scratch_cache_mb * 2**20))

    def key(self, arch: Architecture) -> CacheKey:
        """The cache key of ``arch`` under this recipe."""
        return arch.key(), self.ctx.recipe.scratch_seed, self.ctx.recipe.scratch_steps

    def begin_reset(self, arch: Architecture, ctx: StepContext) -> Plan:
        """Train (or look up) the initial architecture."""
        return self._plan(arch, None)

    def begin_edit(self, op: str, slot: int, arch: Architecture, ctx: StepContext) -> Plan:
        """Train (or look up) the edited architecture; the old child's weights play no part."""
        return self._plan(arch, ctx.prev)

    def _plan(self, arch: Architecture, prev: Evaluation | None) -> Plan:
        self.architecture = arch
        key = self.key(arch)
        hit = self.cache.get(key)
        if hit is not None:
            ev, state = hit
            self.child = ChildNet(arch, device=self.device)
            self.child.load_state_dict(state)
            done = Evaluation(ev.val_accuracy, ev.val_loss, ev.train_accuracy, cache_hit=True, diverged=ev.diverged)
            return Plan(None, lambda _: done, None)
        seed = self.ctx.recipe.scratch_seed
        child = self.child = ChildNet(arch, seed=seed, device=self.device)
        self.trainer.reseed(seed)

        def finish(out: Outcome | None) -> Evaluation:
            assert out is not None
            ev = evaluation_of(out, prev)
            self.cache.put(key, ev, child.state_dict())
            return ev

        return Plan(FitRequest(model=child, trainer=self.trainer, steps=self.ctx.recipe.scratch_steps), finish, None)
