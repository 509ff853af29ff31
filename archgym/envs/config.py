"""The env's configuration, grouped by concern.

Four typed pieces say what an :class:`~archgym.envs.core.ArchSearchEnv` does:

* :class:`TaskConfig`: what the children learn (a dataset, or a drifting stream for ``eval_mode="stream"``);
* :class:`SpaceConfig`: where the search moves (initial network, bounds, how morphs initialise and prune);
* :class:`RecipeConfig`: how a child is trained (schedule, optimizer, budgets, the scratch recipe);
* :class:`RewardConfig`: what a network is worth (cost metric and weight, reward mode, penalties).

Presets and keyword overrides fill them the same way: ``gym.make(id, cost_weight=0.1)`` routes the flat
keyword to the piece that owns it (every field name is unique across the pieces), and a grouped mapping
(``reward={"cost_weight": 0.1}``) or a config object works too. An unknown keyword raises a ValueError that
names the valid ones.

>>> cfg = split_keywords({"cost_weight": 0.1, "dataset": "digits"})
>>> cfg["reward"].cost_weight, cfg["task"].dataset
(0.1, 'digits')
>>> try:
...     split_keywords({"cost_wieght": 0.1})
... except ValueError as e:
...     print(str(e)[:98])
ArchSearchEnv got an unexpected keyword argument 'cost_wieght'; did you mean 'cost_weight'? valid:
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from archgym.arch import HEADS, SearchSpace
from archgym.child import WIDEN_INITS, UnitImportance
from archgym.data import load_dataset, unknown_name
from archgym.presets import SIMPLE_TYPES
from archgym.schedules import SCHEDULES, Schedule, make_schedule

__all__ = [
    "ENV_KEYWORDS",
    "EVAL_MODES",
    "INPUT_KINDS",
    "REWARD_MODES",
    "RecipeConfig",
    "RewardConfig",
    "SpaceConfig",
    "TaskConfig",
    "UnknownKeyword",
    "check_number",
    "split_keywords",
    "unknown_name",
]

REWARD_MODES = ("delta", "absolute")
EVAL_MODES = ("inherit", "scratch", "stream")
INPUT_KINDS = ("flat", "sequence", "image")
REGROW_METHODS = ("gradient", "random")


def check_number(name: str, value: Any, low: float, high: float = math.inf, integer: bool = False) -> None:
    """Raise a ValueError unless ``value`` is a finite (integer) number in ``[low, high]``.

    :param name: the argument's name, for the message
    :param value: the value
    :param low: smallest valid value
    :param high: largest valid value
    :param integer: the value must be a whole number
    """
    kind = "an int" if integer else "a number"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if integer:
        ok = ok and float(value).is_integer()
    if not ok or not low <= value <= high:
        rng = f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {kind} {rng}, got {value!r}")


def _check_types(obj: Any) -> None:
    """Type checks of the simply-annotated fields (``int``, ``float``, ``str``, ``bool``, ``X | None``)."""
    for f in fields(obj):
        ok_types = SIMPLE_TYPES.get(str(f.type))
        value = getattr(obj, f.name)
        if ok_types is None:
            continue
        if (isinstance(value, bool) and bool not in ok_types) or not isinstance(value, ok_types):
            want = str(f.type).replace(" | None", " or null")
            raise ValueError(f"{f.name!r} must be {want}, got {value!r} ({type(value).__name__})")


@dataclass(frozen=True)
class TaskConfig:
    """What the children learn.

    :param dataset: a dataset :func:`archgym.data.load_dataset` reads: a registered name (``digits``,
        ``mnist1d``, ``fashion_mnist``, ``cifar10``, ...), a ``"package.module:function"`` string, a ``.npz`` /
        ``.csv`` path, ``(X, y)`` arrays or tensors, or a map-style torch Dataset
    :param input: sample layout: ``flat`` ``(F,)`` (MLP children), ``sequence`` ``(C, L)`` (Conv1d children) or
        ``image`` ``(C, H, W)`` (Conv2d children)
    :param data_seed: seed of the dataset split
    :param train_subset: train on the first N training samples only (fast tests)
    :param data_root: folder of on-disk datasets (MNIST, FashionMNIST, KMNIST, CIFAR-10 layouts)
    :param download: let those loaders download missing files (through torchvision, when it imports)
    :param dataset_options: further keyword options of the dataset's loader
    :param stream: stream name from :data:`archgym.online.STREAMS` (``eval_mode="stream"``)
    :param stream_kwargs: overrides for the stream constructor (``drifts``, ``noise``, ...)
    :param chunk_size: samples per predict-then-learn chunk (stream)
    :param chunks_per_step: chunks consumed per env step (stream)
    :param warmup_chunks: chunks learned at reset before the first observation (stream)
    :param window: samples of the sliding prequential window (stream)
    :param detector: drift detector name (``page_hinkley``, ``adwin``), spec, or None (stream)
    :param drift_lr_factor: learning-rate multiplier after a detected drift (stream)
    :param drift_boost_updates: updates the boost lasts (stream)
    :param table: ground-truth table file of ``eval_mode="table"`` (default: the shipped table of ``dataset``;
        :mod:`archgym.tables`)
    """

    dataset: Any = "digits"
    input: str = "flat"
    data_seed: int = 0
    train_subset: int | None = None
    data_root: str | None = None
    download: bool = False
    dataset_options: Mapping[str, Any] | None = None
    stream: str | None = None
    stream_kwargs: Mapping[str, Any] | None = None
    chunk_size: int = 64
    chunks_per_step: int = 8
    warmup_chunks: int = 16
    window: int = 512
    detector: str | Mapping[str, Any] | None = "page_hinkley"
    drift_lr_factor: float = 2.0
    drift_boost_updates: int = 50
    table: str | None = None

    def __post_init__(self) -> None:
        _check_types(self)
        if self.input not in INPUT_KINDS:
            raise unknown_name("input kind", self.input, INPUT_KINDS)
        if self.train_subset is not None:
            check_number("train_subset", self.train_subset, 1, integer=True)
        for name in ("chunk_size", "chunks_per_step", "window"):
            check_number(name, getattr(self, name), 1, integer=True)
        check_number("warmup_chunks", self.warmup_chunks, 0, integer=True)
        check_number("drift_boost_updates", self.drift_boost_updates, 0, integer=True)
        check_number("drift_lr_factor", self.drift_lr_factor, 1e-6)
        if self.stream_kwargs is not None and not isinstance(self.stream_kwargs, Mapping):
            raise ValueError(f"stream_kwargs must be a mapping or null, got {type(self.stream_kwargs).__name__}")

    def load(self, device: Any = "cpu") -> Any:
        """The task's fixed dataset, as every evaluator that trains on it reads it
        (:func:`archgym.data.load_dataset` with this config's dataset, seed, layout, subset, root and options).

        :param device: where the tensors live
        :return: an :class:`archgym.data.Dataset`
        """
        return load_dataset(
            self.dataset,
            seed=self.data_seed,
            device=device,
            layout=self.input,
            train_subset=self.train_subset,
            data_root=self.data_root,
            download=self.download,
            options=self.dataset_options,
        )


@dataclass(frozen=True)
class SpaceConfig:
    """Where the search moves, and how a move changes the child.

    :param initial: initial hidden layers, e.g. ``[32]`` or ``["c8k3", 32]``
    :param search_space: bounds (``SearchSpace`` or mapping: ``dense``/``conv`` ``{min, max, step}``,
        ``min_depth``, ``max_depth``)
    :param head: how conv layers' output becomes features for the dense layers or the classifier:
        ``flatten`` or ``gap`` (global average pool: the size no longer depends on the input length, so
        28x28 and 32x32 spaces stay small); see :data:`archgym.arch.HEADS`
    :param widen_init: how a widen initialises the new units: ``zero`` (fresh random incoming, zero
        outgoing weights) or ``net2net`` (replicated units), see :data:`archgym.child.WIDEN_INITS`
    :param widen_noise: Net2WiderNet split noise (``widen_init="net2net"`` only)
    :param narrow_criterion: unit-importance criterion of narrow (name from :data:`archgym.pruning.CRITERIA`
        or a callable)
    :param sparsity_actions: add the global actions ``prune`` and ``regrow`` (inherit mode only)
    :param prune_step: sparsity added by one ``prune`` action (fraction of hidden weights)
    :param prune_criterion: weight-importance criterion of ``prune``
    :param max_sparsity: highest hidden-layer sparsity ``prune`` may reach
    :param regrow_method: ``gradient`` (RigL: largest |dL/dw|, zero init) or ``random`` (SET)
    :param regrow_fraction: fraction of the pruned weights one ``regrow`` brings back
    """

    initial: Sequence[Any] = (32,)
    search_space: Mapping[str, Any] | SearchSpace | None = None
    head: str = "flatten"
    widen_init: str = "zero"
    widen_noise: float = 0.01
    narrow_criterion: str | UnitImportance = "l1"
    sparsity_actions: bool = False
    prune_step: float = 0.2
    prune_criterion: str = "l1"
    max_sparsity: float = 0.9
    regrow_method: str = "gradient"
    regrow_fraction: float = 0.5

    def __post_init__(self) -> None:
        _check_types(self)
        if self.search_space is not None and not isinstance(self.search_space, (Mapping, SearchSpace)):
            raise ValueError(
                "search_space must be a mapping such as {max_depth: 3, dense: {min: 8, max: 128, step: 16}}, "
                f"a SearchSpace or None, got {self.search_space!r}"
            )
        if not (isinstance(self.narrow_criterion, str) or callable(self.narrow_criterion)):
            raise ValueError(f"narrow_criterion must be a criterion name or a callable, got {self.narrow_criterion!r}")
        if self.widen_init not in WIDEN_INITS:
            raise unknown_name("widen_init", self.widen_init, WIDEN_INITS)
        if self.head not in HEADS:
            raise unknown_name("head", self.head, HEADS)
        check_number("widen_noise", self.widen_noise, 0.0, 1.0)
        check_number("prune_step", self.prune_step, 1e-6, 1.0)
        check_number("max_sparsity", self.max_sparsity, 0.0, 0.999)
        check_number("regrow_fraction", self.regrow_fraction, 1e-6, 1.0)
        if self.regrow_method not in REGROW_METHODS:
            raise unknown_name("regrow_method", self.regrow_method, REGROW_METHODS)
        if self.sparsity_actions:
            from archgym.pruning import get_criterion

            get_criterion(self.prune_criterion)  # validate the name now (the ValueError lists the valid ones)

    def space(self) -> SearchSpace:
        """The search space as a :class:`~archgym.arch.SearchSpace`."""
        s = self.search_space
        return s if isinstance(s, SearchSpace) else SearchSpace.from_dict(s or {})


@dataclass(frozen=True)
class RecipeConfig:
    """How a child is trained.

    :param schedule: learning-rate schedule (float or :mod:`archgym.schedules` spec)
    :param batch_size: child training batch size
    :param optimizer: ``adam``, ``adamw`` or ``sgd``
    :param momentum: SGD momentum
    :param weight_decay: child weight decay
    :param morph_warmup: fine-tune steps of linear LR warm-up after each morph (the optimizer is rebuilt
        then, and a fresh Adam's first steps would shake the weights a morph preserved)
    :param initial_steps: optimizer steps that train the initial child at reset (inherit mode)
    :param finetune_steps: optimizer steps of fine-tuning after each valid edit (inherit mode)
    :param finetune_schedule: learning-rate schedule of each fine-tune, restarted at every edit (inherit mode
        only; warm restarts as in SGDR): an :mod:`archgym.schedules` spec whose step 0 is the fine-tune's first
        step, e.g. ``cosine`` (from the recipe's rate down to 0 over ``finetune_steps``, so the reward reads a
        settled network, not a noisy constant-rate iterate). A dict may omit ``lr`` (default: ``schedule``'s
        rate at step 0) and ``total`` (default: ``finetune_steps``). ``None`` (default): fine-tunes run on
        ``schedule`` at the episode's global step, as the initial training does. Scratch training, exports and
        tables never use it.
    :param scratch_steps: optimizer steps of the from-scratch recipe (scratch mode, exports)
    :param scratch_seed: seed of the from-scratch recipe (part of the cache key)
    :param scratch_cache_mb: memory for the weights of cached scratch results (least recently used go first)
    """

    schedule: Any = 3e-3
    batch_size: int = 64
    optimizer: str = "adam"
    momentum: float = 0.9
    weight_decay: float = 0.0
    morph_warmup: int = 0
    initial_steps: int = 300
    finetune_steps: int = 40
    finetune_schedule: Any = None
    scratch_steps: int = 400
    scratch_seed: int = 0
    scratch_cache_mb: float = 256.0

    def __post_init__(self) -> None:
        _check_types(self)
        check_number("initial_steps", self.initial_steps, 0, integer=True)
        check_number("finetune_steps", self.finetune_steps, 0, integer=True)
        check_number("scratch_steps", self.scratch_steps, 1, integer=True)
        check_number("scratch_cache_mb", self.scratch_cache_mb, 0.0)
        check_number("momentum", self.momentum, 0.0, 1.0)
        if self.optimizer not in ("adam", "adamw", "sgd"):
            raise unknown_name("optimizer", self.optimizer, ["adam", "adamw", "sgd"])
        if self.finetune_schedule is not None:
            try:
                self.finetune_segment()
            except (TypeError, ValueError) as e:
                raise ValueError(f"finetune_schedule: {e}") from None

    def trainer_kwargs(self) -> dict[str, Any]:
        """The recipe's :class:`~archgym.training.Trainer` keyword arguments (schedule, batch size, optimizer,
        weight decay, momentum, morph warm-up): every trainer of a child is ``Trainer(data, seed=s, **these)``."""
        return {
            "schedule": self.schedule,
            "batch_size": self.batch_size,
            "optimizer": self.optimizer,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "morph_warmup": self.morph_warmup,
        }

    def finetune_segment(self) -> Schedule | None:
        """The schedule of one fine-tune (:attr:`finetune_schedule` with its defaults filled in), or None.

        :return: a fresh :class:`~archgym.schedules.Schedule` whose step 0 is a fine-tune's first step
        :raises ValueError: an invalid spec (the message names what is valid)
        """
        spec = self.finetune_schedule
        if spec is None:
            return None
        if isinstance(spec, Schedule):
            return make_schedule(spec.to_dict())  # a copy: the env never shares a caller's object
        base_lr = float(make_schedule(self.schedule)(0))
        if isinstance(spec, str):
            spec = {"name": spec}
        if isinstance(spec, Mapping) and "name" in spec:
            params = dict(spec)
            cls = SCHEDULES.get(str(params["name"]).strip().lower())
            if "total" in getattr(cls, "__dataclass_fields__", {}) and "total" not in params:
                params["total"] = max(self.finetune_steps, 1)
            return make_schedule(params, lr=base_lr)
        return make_schedule(spec, lr=base_lr)


@dataclass(frozen=True)
class RewardConfig:
    """What a network is worth.

    :param reference: the network whose cost normalises the cost term (default: ``initial``)
    :param cost_metric: ``params``, ``flops``, ``nonzero_params`` or ``latency``
    :param cost_weight: weight of the normalised cost in the score (>= 0)
    :param reward_mode: ``delta`` (score difference) or ``absolute`` (the score)
    :param invalid_penalty: reward penalty of an invalid action (>= 0)
    :param diverged_score: score of a step whose child training diverged (the weights roll back)
    """

    reference: Sequence[Any] | None = None
    cost_metric: str = "params"
    cost_weight: float = 0.05
    reward_mode: str = "delta"
    invalid_penalty: float = 0.01
    diverged_score: float = 0.0

    def __post_init__(self) -> None:
        _check_types(self)
        if self.reward_mode not in REWARD_MODES:
            raise unknown_name("reward_mode", self.reward_mode, REWARD_MODES)
        check_number("cost_weight", self.cost_weight, 0.0)
        check_number("invalid_penalty", self.invalid_penalty, 0.0)
        check_number("diverged_score", self.diverged_score, -1e6, 1e6)


#: the config pieces by the env keyword that takes one whole
PIECES: dict[str, type] = {"task": TaskConfig, "space": SpaceConfig, "recipe": RecipeConfig, "reward": RewardConfig}
#: flat keyword -> the piece that owns it
ENV_KEYWORDS: dict[str, str] = {f.name: piece for piece, cls in PIECES.items() for f in fields(cls)}
#: keywords the env takes itself
OWN_KEYWORDS: tuple[str, ...] = ("eval_mode", "horizon", "device", "render_mode")


class UnknownKeyword(TypeError, ValueError):
    """An unknown env keyword: a TypeError as Python raises for an unexpected keyword (libraries that probe
    optional keywords, e.g. TorchRL's ``frameskip``, catch that), and a ValueError like every other bad
    value archgym reports (the message names the valid keywords)."""


def valid_keywords() -> list[str]:
    """Every keyword the env accepts: the pieces' names, their fields and the env's own."""
    return [*OWN_KEYWORDS, *PIECES, *ENV_KEYWORDS]


def split_keywords(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Route flat keywords and whole pieces to the four configs.

    :param kwargs: flat keywords (``cost_weight=0.1``), pieces as mappings or config objects
        (``reward={"cost_weight": 0.1}``), and the env's own keywords (``eval_mode``, ``horizon``, ...)
    :return: ``{"task": TaskConfig, "space": ..., "recipe": ..., "reward": ..., **own keywords}``
    :raises ValueError: an unknown keyword (naming the valid ones), a keyword given twice, or a bad value
    """
    flat: dict[str, dict[str, Any]] = {p: {} for p in PIECES}
    base: dict[str, Any] = {}
    own: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in OWN_KEYWORDS:
            own[key] = value
        elif key in PIECES:
            cls = PIECES[key]
            if isinstance(value, cls) or value is None:
                base[key] = value
            elif isinstance(value, Mapping):
                for k in value:
                    if ENV_KEYWORDS.get(k) != key:
                        raise unknown_name(f"{key} keyword", k, [f.name for f in fields(cls)])
                flat[key].update(value)
            else:
                raise ValueError(f"{key} must be a {cls.__name__} or a mapping, got {type(value).__name__}")
        elif key in ENV_KEYWORDS:
            piece = ENV_KEYWORDS[key]
            if key in flat[piece]:
                raise ValueError(f"env keyword {key!r} given twice (flat and in {piece!r})")
            flat[piece][key] = value
        else:
            valid = valid_keywords()
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            raise UnknownKeyword(
                f"ArchSearchEnv got an unexpected keyword argument {key!r}{hint} valid: {', '.join(valid)}"
            )
    out: dict[str, Any] = dict(own)
    for piece, cls in PIECES.items():
        start = base.get(piece) or cls()
        out[piece] = replace(start, **flat[piece]) if flat[piece] else start
    return out
