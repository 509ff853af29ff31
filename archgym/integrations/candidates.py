"""Candidate generators for parallel search: which architectures to evaluate next.

The episodic strategies of :mod:`archgym.agents.baselines` step one env, one evaluation after
another. A parallel backend wants many independent evaluations in flight, so it asks a
:class:`CandidateStrategy` for architectures (:meth:`~CandidateStrategy.propose`) and reports the
results back (:meth:`~CandidateStrategy.observe`), in whatever order workers finish:

* ``random``: architectures drawn uniformly from the search space (depth, then widths on the
  ``min + k * step`` grid of each layer kind), the preset's initial network first;
* ``grid``: every architecture of that grid, smallest parameter count first;
* ``evolution``: regularized evolution (Real et al., 2019), asynchronous: a tournament among
  the most recent results picks a parent, one random valid edit (widen, narrow, insert,
  remove) makes the child.

>>> from archgym.arch import Architecture, SearchSpace
>>> space = SearchSpace.from_dict({"min_depth": 1, "max_depth": 2, "dense": {"min": 8, "max": 24, "step": 16}})
>>> g = make_candidate_strategy("grid", space, Architecture.mlp(64, [8], 10), seed=0)
>>> [a.key() for a in iter(g.propose, None)]  # widths 8 and 24, depth 1 or 2, by parameter count
['64-[8]-10', '64-[8,8]-10', '64-[8,24]-10', '64-[24]-10', '64-[24,8]-10', '64-[24,24]-10']
"""

from __future__ import annotations

import functools
import itertools
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace

__all__ = [
    "CANDIDATE_STRATEGIES",
    "CandidateStrategy",
    "EvolutionCandidates",
    "GridCandidates",
    "ListCandidates",
    "RandomCandidates",
    "make_candidate_strategy",
]


def _widths(space: SearchSpace, kind: str) -> list[int]:
    b = space.bounds(kind)
    return list(range(b.min, b.max + 1, b.step))


def _layer_kinds(initial: Architecture) -> tuple[str, ...]:
    """Layer kinds the search may use: conv then dense on sequences and images, dense only on flat inputs."""
    return ("conv", "dense") if initial.conv_dims > 0 else ("dense",)


def _kernel(initial: Architecture) -> int:
    return max((x.kernel for x in initial.layers if x.kind == "conv"), default=3)


class CandidateStrategy(ABC):
    """Proposes architectures of ``space`` for ``initial``'s input and classes.

    :param space: the search space (depth and width bounds)
    :param initial: the preset's initial architecture (input shape, classes, conv kernel, ``head``: every
        candidate keeps the initial network's head, as the env's own edits do)
    :param seed: seed of the strategy's RNG
    """

    name: str = ""

    def __init__(self, space: SearchSpace, initial: Architecture, seed: int = 0) -> None:
        self.space = space
        self.initial = initial
        self.rng = np.random.default_rng(seed)

    @abstractmethod
    def propose(self) -> Architecture | None:
        """The next architecture to evaluate, or None when the strategy has nothing more to offer."""

    def observe(self, arch: Architecture, record: Mapping[str, Any]) -> None:  # noqa: B027 (optional hook)
        """Learn from a finished evaluation (``record`` holds ``score``, ``val_accuracy``, ...). Default: nothing."""

    def _arch(self, layers: list[LayerSpec]) -> Architecture:
        return Architecture(self.initial.input_shape, tuple(layers), self.initial.num_classes, self.initial.head)

    def _random_arch(self) -> Architecture:
        depth = int(self.rng.integers(self.space.min_depth, self.space.max_depth + 1))
        n_conv = int(self.rng.integers(0, depth + 1)) if "conv" in _layer_kinds(self.initial) else 0
        layers = [
            LayerSpec("conv", int(self.rng.choice(_widths(self.space, "conv"))), _kernel(self.initial))
            for _ in range(n_conv)
        ]
        layers += [
            LayerSpec("dense", int(self.rng.choice(_widths(self.space, "dense")))) for _ in range(depth - n_conv)
        ]
        return self._arch(layers)


class RandomCandidates(CandidateStrategy):
    """Uniform random architectures of the space; the initial architecture comes first."""

    name = "random"

    def __init__(self, space: SearchSpace, initial: Architecture, seed: int = 0) -> None:
        super().__init__(space, initial, seed)
        self._first = True

    def propose(self) -> Architecture | None:
        """The initial architecture, then random ones (duplicates possible: the caller skips them)."""
        if self._first:
            self._first = False
            return self.initial
        return self._random_arch()


class GridCandidates(CandidateStrategy):
    """Every architecture of the width grid, by increasing parameter count (then key)."""

    name = "grid"

    def __init__(self, space: SearchSpace, initial: Architecture, seed: int = 0) -> None:
        super().__init__(space, initial, seed)
        self._it: Iterator[Architecture] = iter(sorted(self._enumerate(), key=lambda a: (a.params(), a.key())))

    def _enumerate(self) -> list[Architecture]:
        kinds = _layer_kinds(self.initial)
        k = _kernel(self.initial)
        out = []
        for depth in range(self.space.min_depth, self.space.max_depth + 1):
            for n_conv in range(depth + 1) if "conv" in kinds else (0,):
                options = [_widths(self.space, "conv")] * n_conv + [_widths(self.space, "dense")] * (depth - n_conv)
                for widths in itertools.product(*options):
                    layers = [LayerSpec("conv", w, k) for w in widths[:n_conv]]
                    layers += [LayerSpec("dense", w) for w in widths[n_conv:]]
                    out.append(self._arch(layers))
        return out

    def propose(self) -> Architecture | None:
        """The next grid point, None after the last."""
        return next(self._it, None)


class EvolutionCandidates(CandidateStrategy):
    """Regularized (aging) evolution: mutate the best of a random sample of the ``population`` latest results.

    :param space: the search space
    :param initial: the initial architecture (the first proposal)
    :param seed: RNG seed
    :param population: results kept (the oldest is dropped first); random proposals until it is full
    :param sample: tournament size
    """

    name = "evolution"

    def __init__(
        self, space: SearchSpace, initial: Architecture, seed: int = 0, population: int = 8, sample: int = 3
    ) -> None:
        super().__init__(space, initial, seed)
        if isinstance(population, bool) or not isinstance(population, int) or population < 2:
            raise ValueError(f"population must be an int >= 2, got {population!r}")
        if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= population:
            raise ValueError(f"sample must be an int in [1, population={population}], got {sample!r}")
        self.population = population
        self.sample = sample
        self._history: deque[tuple[Architecture, float]] = deque(maxlen=population)
        self._proposed = 0

    def observe(self, arch: Architecture, record: Mapping[str, Any]) -> None:
        """Add the result to the population (the oldest one ages out)."""
        self._history.append((arch, float(record["score"])))

    def _mutate(self, arch: Architecture) -> Architecture:
        moves: list[Callable[[], Architecture]] = []
        for i, layer in enumerate(arch.layers):
            step = self.space.bounds(layer.kind).step
            moves += [functools.partial(arch.widen, i, step), functools.partial(arch.narrow, i, step)]
            moves += [functools.partial(arch.insert, i), functools.partial(arch.remove, i)]
        for j in self.rng.permutation(len(moves)):
            try:
                child = moves[j]()
            except InvalidEdit:
                continue
            if self.space.contains(child):
                return child
        return self._random_arch()

    def propose(self) -> Architecture | None:
        """Initial, then random until the population fills, then a mutated tournament winner."""
        self._proposed += 1
        if self._proposed == 1:
            return self.initial
        if len(self._history) < self.population:
            return self._random_arch()
        idx = self.rng.choice(len(self._history), size=self.sample, replace=False)
        parent = max((self._history[i] for i in idx), key=lambda t: t[1])[0]
        return self._mutate(parent)


class ListCandidates(CandidateStrategy):
    """A fixed list of architectures, in order.

    :param space: the search space (every candidate must lie in it)
    :param initial: gives the input shape and classes (unused otherwise)
    :param seed: unused
    :param candidates: the architectures
    :raises ValueError: a candidate outside the space (named, with the reason)
    """

    name = "list"

    def __init__(
        self, space: SearchSpace, initial: Architecture, seed: int = 0, candidates: tuple[Architecture, ...] = ()
    ) -> None:
        super().__init__(space, initial, seed)
        for a in candidates:
            try:
                space.check(a)
            except InvalidEdit as e:
                raise ValueError(f"candidate {a.key()} is outside the search space: {e}") from None
        self._it = iter(tuple(candidates))

    def propose(self) -> Architecture | None:
        """The next listed architecture, None after the last."""
        return next(self._it, None)


CANDIDATE_STRATEGIES: dict[str, type[CandidateStrategy]] = {
    "random": RandomCandidates,
    "grid": GridCandidates,
    "evolution": EvolutionCandidates,
}


def make_candidate_strategy(
    name: str, space: SearchSpace, initial: Architecture, seed: int = 0, **kwargs: Any
) -> CandidateStrategy:
    """Build the candidate strategy ``name`` of :data:`CANDIDATE_STRATEGIES`.

    :param name: ``random``, ``grid`` or ``evolution``
    :param space: the search space
    :param initial: the preset's initial architecture
    :param seed: RNG seed
    :param kwargs: strategy keyword arguments (e.g. ``population`` for evolution)
    :raises ValueError: unknown name (the valid ones are listed)
    """
    if name not in CANDIDATE_STRATEGIES:
        from archgym.data import unknown_name

        raise unknown_name("parallel search strategy", name, list(CANDIDATE_STRATEGIES))
    return CANDIDATE_STRATEGIES[name](space, initial, seed, **kwargs)
