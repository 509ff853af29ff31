"""The architecture-search environment."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces

from archgym.arch import Architecture, InvalidEdit, LayerSpec, SearchSpace
from archgym.child import WIDEN_INITS, ChildNet, UnitImportance
from archgym.cost import get_cost_metric
from archgym.data import Dataset, load_dataset, unknown_name
from archgym.device import resolve_device
from archgym.pruning.stats import active_mask, nonzero_params
from archgym.training import Trainer

__all__ = ["ArchSearchEnv", "parse_layers"]

REWARD_MODES = ("delta", "absolute")
EVAL_MODES = ("inherit", "scratch")
INPUT_KINDS = ("flat", "image")
SLOT_OPS = ("widen", "narrow", "insert", "remove")
SPARSITY_OPS = ("prune", "regrow")
SLOT_FEATURES = ("present", "is_conv", "width", "sparsity")
GLOBAL_FEATURES = (
    "depth",
    "log2_params",
    "log2_flops",
    "val_accuracy",
    "val_loss",
    "train_accuracy",
    "episode_fraction",
    "last_action_valid",
)
LOG_CLIP = 8.0
LOSS_CLIP = 10.0
INFO_KEYS = (
    "val_accuracy",
    "train_accuracy",
    "val_loss",
    "cost",
    "params",
    "flops",
    "nonzero_params",
    "depth",
    "sparsity",
    "lr",
    "action_valid",
    "score",
    "evaluations",
    "diverged",
    "oom",
    "arch",
)


def parse_layers(layers: Sequence[Any]) -> tuple[LayerSpec, ...]:
    """Layer specs from a preset list: ``64`` (dense), ``"c16k3"`` or ``"c16"`` (conv, kernel 3 by default),
    or mappings ``{kind, width, kernel}``.

    >>> [x.short() for x in parse_layers(["c8k3", 32])]
    ['c8k3', '32']
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise ValueError(f"layers must be a list such as [64, 32] or ['c8k3', 64], got {layers!r}")
    out = []
    for item in layers:
        if isinstance(item, bool):
            raise ValueError(f"bad layer {item!r}; valid: an int width, 'c<channels>k<kernel>' or a mapping")
        if isinstance(item, int):
            out.append(LayerSpec("dense", item))
        elif isinstance(item, str) and item.startswith("c"):
            body = item[1:]
            ch, _, k = body.partition("k")
            if not ch.isdigit() or (k and not k.isdigit()):
                raise ValueError(f"bad conv layer {item!r}; write it as 'c<channels>k<kernel>', e.g. 'c16k3'")
            out.append(LayerSpec("conv", int(ch), int(k) if k else 3))
        elif isinstance(item, str) and item.isdigit():
            out.append(LayerSpec("dense", int(item)))
        elif isinstance(item, Mapping):
            out.append(LayerSpec(item.get("kind", "dense"), item.get("width"), item.get("kernel", 0)))
        else:
            raise ValueError(f"bad layer {item!r}; valid: an int width, 'c<channels>k<kernel>' or a mapping")
    return tuple(out)


@dataclass(frozen=True)
class Action:
    """One entry of the discrete action space: an op and the layer slot it applies to (-1: global)."""

    op: str
    slot: int = -1


@dataclass
class Evaluation:
    """The measured state of the current child."""

    val_accuracy: float
    val_loss: float
    train_accuracy: float
    cache_hit: bool = False
    diverged: bool = False


class ScratchCache:
    """LRU cache of scratch-mode results, ``(arch key, seed, budget) -> (evaluation, weights)``, bounded in bytes.

    A repeated architecture costs nothing; the least recently used entries go once the weights held
    exceed ``max_bytes`` (a long search visits thousands of architectures).

    :param max_bytes: budget for the cached weights
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self.nbytes = 0
        self._entries: OrderedDict[tuple[str, int, int], tuple[Evaluation, dict[str, torch.Tensor], int]] = (
            OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, int, int]) -> tuple[Evaluation, dict[str, torch.Tensor]] | None:
        """The cached evaluation and weights of ``key`` (marked as recently used), or None."""
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit[0], hit[1]

    def put(self, key: tuple[str, int, int], ev: Evaluation, state: dict[str, torch.Tensor]) -> None:
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


def _check_number(name: str, value: Any, low: float, high: float = math.inf, integer: bool = False) -> None:
    kind = "an int" if integer else "a number"
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if integer:
        ok = ok and float(value).is_integer()
    if not ok or not low <= value <= high:
        rng = f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {kind} {rng}, got {value!r}")


class ArchSearchEnv(gym.Env):
    """
    ## Description

    Neural architecture search as a sequential decision problem. The state is a *child network*
    (an MLP, or a small CNN with a dense head) trained on a classification dataset (default:
    scikit-learn's digits, held on the device). Each step the agent grows or prunes one layer,
    the child is morphed keeping its trained weights (function-preserving growth: new units with
    zero outgoing weights or Net2WiderNet replicas, Net2DeeperNet identity layers; structured
    narrowing by unit importance; layer removal), fine-tuned for a small budget
    (``eval_mode="inherit"``) or retrained from scratch with a cached recipe
    (``eval_mode="scratch"``), and scored on the validation split.

    ## Action Space

    ``Discrete(4 * max_depth + 1)``. For layer slot ``i`` in ``0 .. max_depth - 1``:

    | Num        | Action                                                                 |
    |------------|------------------------------------------------------------------------|
    | 4i + 0     | widen layer i by the search-space step of its kind (``widen_init``)    |
    | 4i + 1     | narrow layer i by the step: remove the least important units           |
    | 4i + 2     | insert an identity-initialised copy of layer i after it (Net2DeeperNet) |
    | 4i + 3     | remove layer i                                                         |
    | 4 max_depth| stop: end the episode with the current network                         |

    ``env.unwrapped.action_meanings()`` names each id and ``env.unwrapped.action_masks()`` gives
    the valid ones. An invalid action (a missing layer, a width or depth out of the search space)
    is a no-op: ``info["action_valid"]`` is False and ``invalid_penalty`` is subtracted.

    ## Observation Space

    ``Box(float32)`` of size ``4 * max_depth + 8``; slot features first, then global features:

    | Index        | Observation                                        | Min   | Max  |
    |--------------|----------------------------------------------------|-------|------|
    | 4i + 0       | slot i holds a layer (1) or is empty (0)           | 0     | 1    |
    | 4i + 1       | layer i is a conv layer                            | 0     | 1    |
    | 4i + 2       | width of layer i / max width of its kind           | 0     | 1    |
    | 4i + 3       | fraction of layer i's weights that are zero        | 0     | 1    |
    | 4 D + 0      | depth / max_depth                                  | 0     | 1    |
    | 4 D + 1      | log2(params / reference params), clipped           | -8    | 8    |
    | 4 D + 2      | log2(FLOPs / reference FLOPs), clipped             | -8    | 8    |
    | 4 D + 3      | validation accuracy                                | 0     | 1    |
    | 4 D + 4      | validation loss, clipped                           | 0     | 10   |
    | 4 D + 5      | training accuracy (running, last fine-tune)        | 0     | 1    |
    | 4 D + 6      | fraction of the episode used (step / horizon)      | 0     | 1    |
    | 4 D + 7      | the last action was valid                          | 0     | 1    |

    (``D = max_depth``.)

    ## Rewards

    ``score = val_accuracy - cost_weight * cost``, with ``cost = metric(child) / metric(reference)``
    for the metric ``cost_metric`` (``params``, ``flops`` or ``nonzero_params``) and the
    preset's reference network (default: the initial one). With ``reward_mode="delta"``
    (default) the reward is ``score(s') - score(s)``, so an episode's return telescopes to the
    final network's score minus the initial one's; with ``"absolute"`` it is ``score(s')``.
    An invalid action earns ``-invalid_penalty`` (delta) or ``score - invalid_penalty``
    (absolute); ``stop`` earns 0 (delta) or the score (absolute).

    A child whose training diverges (NaN or infinite loss, e.g. ``schedule=100.0`` with
    ``optimizer="sgd"``) never poisons the search: its weights roll back to the last finite
    state (the weights just before that fit: after the morph in inherit mode; the seeded
    initialisation in scratch mode or when the morph itself overflowed), ``info["diverged"]``
    is True, the observation stays finite (the rolled-back child is re-measured), and the step
    scores the floor ``diverged_score`` (choose it below the scores of working children):
    the reward is ``diverged_score - score(s)`` (delta) or ``diverged_score`` (absolute). The
    episode goes on. An edit that runs out of device memory (morph or fit) is undone and treated
    like an invalid action (``info["action_valid"]`` False, ``info["oom"]`` True, ``-invalid_penalty``); the env counts
    these in ``oom_events`` and keeps the error text in ``last_oom`` (``divergences`` counts the
    rolled-back fits).

    ## Starting State

    The preset's ``initial`` architecture, freshly initialised from the episode's seed and
    trained for ``initial_steps`` (inherit) or with the scratch recipe (scratch).

    ## Episode End

    Terminated by the ``stop`` action; truncated after ``max_episode_steps`` (set at
    registration, passed to the env as ``horizon``).

    ## Arguments

    ``gym.make("archgym/DigitsMLP-v0", cost_weight=0.1, eval_mode="scratch", device="cuda")``;
    every ``__init__`` keyword can be overridden this way, see its docstring. Bad values raise
    ValueError naming the argument, the value and what is valid; an unknown keyword raises
    Python's TypeError from ``gym.make`` (the signature is explicit, no ``**kwargs``):
    ``archgym.envs.registration.check_preset_kwargs`` (used by the CLI and by preset loading)
    turns that into a ValueError that lists the valid names.

    ## Version History

    * v0: initial version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"]}
    #: score floor of a diverged child (subclasses that skip ``__init__`` get this default)
    diverged_score: float = 0.0
    #: rolled-back diverging fits, edits undone after running out of memory, and the last such error
    divergences: int = 0
    oom_events: int = 0
    last_oom: str | None = None
    _oom_now: bool = False  # this step's edit was undone after running out of memory

    def __init__(
        self,
        dataset: str = "digits",
        input: str = "flat",
        initial: Sequence[Any] = (32,),
        reference: Sequence[Any] | None = None,
        search_space: Mapping[str, Any] | SearchSpace | None = None,
        cost_metric: str = "params",
        cost_weight: float = 0.05,
        reward_mode: str = "delta",
        eval_mode: str = "inherit",
        initial_steps: int = 300,
        finetune_steps: int = 40,
        scratch_steps: int = 400,
        schedule: Any = 3e-3,
        batch_size: int = 64,
        optimizer: str = "adam",
        weight_decay: float = 0.0,
        morph_warmup: int = 0,
        widen_noise: float = 0.01,
        widen_init: str = "zero",
        narrow_criterion: str | UnitImportance = "l1",
        sparsity_actions: bool = False,
        prune_step: float = 0.2,
        prune_criterion: str = "l1",
        max_sparsity: float = 0.9,
        regrow_method: str = "gradient",
        regrow_fraction: float = 0.5,
        invalid_penalty: float = 0.01,
        diverged_score: float = 0.0,
        horizon: int = 10,
        data_seed: int = 0,
        scratch_seed: int = 0,
        scratch_cache_mb: float = 256.0,
        train_subset: int | None = None,
        device: str = "auto",
        render_mode: str | None = None,
    ) -> None:
        """
        :param dataset: dataset name (``digits``, ``synthetic``)
        :param input: ``flat`` (MLP children) or ``image`` (conv children on C x H x W)
        :param initial: initial hidden layers, e.g. ``[32]`` or ``["c8k3", 32]``
        :param reference: the network whose cost normalises the cost term (default: ``initial``)
        :param search_space: bounds (``SearchSpace`` or mapping: ``dense``/``conv`` ``{min, max, step}``,
            ``min_depth``, ``max_depth``)
        :param cost_metric: ``params``, ``flops`` or ``nonzero_params``
        :param cost_weight: weight of the normalised cost in the score (>= 0)
        :param reward_mode: ``delta`` or ``absolute``
        :param eval_mode: ``inherit`` (keep weights, short fine-tune) or ``scratch`` (retrain, cached)
        :param initial_steps: optimizer steps that train the initial child at reset (inherit mode)
        :param finetune_steps: optimizer steps of fine-tuning after each valid edit (inherit mode)
        :param scratch_steps: optimizer steps of the from-scratch recipe (scratch mode)
        :param schedule: child learning-rate schedule (float or :mod:`archgym.schedules` spec)
        :param batch_size: child training batch size
        :param optimizer: child optimizer (``adam``, ``adamw``, ``sgd``)
        :param weight_decay: child weight decay
        :param morph_warmup: fine-tune steps of linear LR warm-up after each morph (the optimizer is rebuilt
            then, and a fresh Adam's first steps would shake the weights a morph preserved)
        :param widen_noise: Net2WiderNet split noise (0 keeps copies identical; ``widen_init="net2net"`` only)
        :param widen_init: how a widen initialises the new units: ``zero`` (fresh random incoming,
            zero outgoing weights; default) or ``net2net`` (replicated units), see :data:`archgym.child.WIDEN_INITS`
        :param narrow_criterion: unit-importance criterion used by narrow (name from
            :data:`archgym.pruning.CRITERIA` or a callable)
        :param sparsity_actions: add the global actions ``prune`` (raise the unstructured sparsity of
            the hidden layers by ``prune_step``, masks kept through later morphs) and ``regrow``
            (bring back ``regrow_fraction`` of the pruned weights); inherit mode only
        :param prune_step: sparsity added by one ``prune`` action (fraction of hidden weights)
        :param prune_criterion: weight-importance criterion of ``prune``
        :param max_sparsity: highest hidden-layer sparsity ``prune`` may reach
        :param regrow_method: ``gradient`` (RigL: largest |dL/dw|, zero init) or ``random`` (SET)
        :param regrow_fraction: fraction of the pruned weights one ``regrow`` brings back
        :param invalid_penalty: reward penalty of an invalid action (>= 0)
        :param diverged_score: score of a step whose child training diverged (NaN/inf loss); the
            weights roll back, see Rewards (a finite number)
        :param horizon: episode length used to normalise the step count (``max_episode_steps``)
        :param data_seed: seed of the dataset split
        :param scratch_seed: seed of the from-scratch recipe (part of the cache key)
        :param scratch_cache_mb: memory for the weights of cached scratch results (least recently used go first)
        :param train_subset: train on the first N training samples only (fast tests)
        :param device: ``auto``, ``cpu`` or ``cuda``
        :param render_mode: ``None`` or ``ansi``
        """
        self._check_arguments({k: v for k, v in locals().items() if k not in ("self", "__class__")})
        super().__init__()
        if input not in INPUT_KINDS:
            raise unknown_name("input kind", input, INPUT_KINDS)
        if eval_mode not in EVAL_MODES:
            raise unknown_name("eval_mode", eval_mode, EVAL_MODES)
        _check_number("initial_steps", initial_steps, 0, integer=True)
        _check_number("finetune_steps", finetune_steps, 0, integer=True)
        _check_number("scratch_steps", scratch_steps, 1, integer=True)
        if not isinstance(sparsity_actions, bool):
            raise ValueError(f"sparsity_actions must be true or false, got {sparsity_actions!r}")
        if sparsity_actions and eval_mode == "scratch":
            raise ValueError("sparsity_actions need eval_mode='inherit' (scratch mode retrains every network)")
        _check_number("prune_step", prune_step, 1e-6, 1.0)
        _check_number("max_sparsity", max_sparsity, 0.0, 0.999)
        _check_number("regrow_fraction", regrow_fraction, 1e-6, 1.0)
        if regrow_method not in ("gradient", "random"):
            raise unknown_name("regrow_method", regrow_method, ["gradient", "random"])
        _check_number("diverged_score", diverged_score, -1e6, 1e6)
        self.diverged_score = float(diverged_score)
        self.device = resolve_device(device)
        self.data: Dataset | None = load_dataset(
            dataset, seed=data_seed, device=self.device, image=input == "image", train_subset=train_subset
        )
        self.eval_mode = eval_mode
        self.initial_steps = int(initial_steps)
        self.finetune_steps = int(finetune_steps)
        self.scratch_steps = int(scratch_steps)
        self.scratch_seed = int(scratch_seed)
        _check_number("scratch_cache_mb", scratch_cache_mb, 0.0)
        self.scratch_cache_mb = float(scratch_cache_mb)
        self.prune_step = float(prune_step)
        self.max_sparsity = float(max_sparsity)
        self.regrow_method = regrow_method
        self.regrow_fraction = float(regrow_fraction)
        self.prune_criterion = prune_criterion
        if sparsity_actions:
            from archgym.pruning import get_criterion

            get_criterion(prune_criterion)  # validate the name now (ValueError lists the valid ones)
        self.trainer = Trainer(
            self.data,
            schedule=schedule,
            batch_size=batch_size,
            optimizer=optimizer,
            weight_decay=weight_decay,
            morph_warmup=morph_warmup,
        )
        self._setup_search(
            input_shape=self.data.input_shape,
            num_classes=self.data.num_classes,
            initial=initial,
            reference=reference,
            search_space=search_space,
            cost_metric=cost_metric,
            cost_weight=cost_weight,
            reward_mode=reward_mode,
            widen_noise=widen_noise,
            widen_init=widen_init,
            narrow_criterion=narrow_criterion,
            invalid_penalty=invalid_penalty,
            horizon=horizon,
            render_mode=render_mode,
            sparsity_actions=sparsity_actions,
        )

    @classmethod
    def _check_arguments(cls, args: dict[str, Any]) -> None:
        """Type checks the value checks below rely on: every outcome of bad input is a ValueError.

        :param args: the constructor's arguments by name
        """
        import inspect

        from archgym.envs.registration import check_kwarg_types

        check_kwarg_types(dict(inspect.signature(cls.__init__).parameters), args, where=cls.__name__)
        space = args.get("search_space")
        if space is not None and not isinstance(space, (Mapping, SearchSpace)):
            raise ValueError(
                f"{cls.__name__}: search_space must be a mapping such as {{max_depth: 3, dense: {{min: 8, max: 128, "
                f"step: 16}}}}, a SearchSpace or None, got {space!r}"
            )
        crit = args.get("narrow_criterion")
        if crit is not None and not (isinstance(crit, str) or callable(crit)):
            raise ValueError(f"{cls.__name__}: narrow_criterion must be a criterion name or a callable, got {crit!r}")

    def _setup_search(
        self,
        *,
        input_shape: tuple[int, ...],
        num_classes: int,
        initial: Sequence[Any],
        reference: Sequence[Any] | None,
        search_space: Mapping[str, Any] | SearchSpace | None,
        cost_metric: str,
        cost_weight: float,
        reward_mode: str,
        widen_noise: float,
        narrow_criterion: str | UnitImportance,
        widen_init: str = "zero",
        invalid_penalty: float,
        horizon: int,
        render_mode: str | None,
        sparsity_actions: bool = False,
    ) -> None:
        """Everything the search needs besides the task: space, cost, reward, actions, observation."""
        if reward_mode not in REWARD_MODES:
            raise unknown_name("reward_mode", reward_mode, REWARD_MODES)
        if render_mode not in (None, "ansi"):
            raise unknown_name("render_mode", render_mode, ["ansi"])
        _check_number("cost_weight", cost_weight, 0.0)
        _check_number("invalid_penalty", invalid_penalty, 0.0)
        _check_number("widen_noise", widen_noise, 0.0, 1.0)
        if widen_init not in WIDEN_INITS:
            raise unknown_name("widen_init", widen_init, WIDEN_INITS)
        _check_number("horizon", horizon, 1, integer=True)
        self.cost_fn = get_cost_metric(cost_metric)
        self.space = (
            search_space if isinstance(search_space, SearchSpace) else SearchSpace.from_dict(search_space or {})
        )
        self.initial_arch = Architecture(input_shape, parse_layers(initial), num_classes)
        try:
            self.space.check(self.initial_arch)
        except InvalidEdit as e:
            raise ValueError(
                f"initial architecture {self.initial_arch.key()} is outside the search space: {e}"
            ) from None
        ref_layers = parse_layers(reference) if reference is not None else self.initial_arch.layers
        self.reference_arch = Architecture(input_shape, ref_layers, num_classes)
        self.cost_metric = cost_metric
        reference_child = ChildNet(self.reference_arch, seed=0, device=self.device)  # latency: on the env device
        self.reference_cost = max(self.cost_fn(self.reference_arch, reference_child), 1.0)
        self.cost_weight = float(cost_weight)
        self.reward_mode = reward_mode
        self.widen_noise = float(widen_noise)
        self.widen_init = widen_init
        self.invalid_penalty = float(invalid_penalty)
        self.horizon = int(horizon)
        self.render_mode = render_mode
        self.importance: UnitImportance | None = self._resolve_importance(narrow_criterion)

        self.actions: list[Action] = [Action(op, s) for s in range(self.space.max_depth) for op in SLOT_OPS]
        if sparsity_actions:
            self.actions += [Action(op) for op in SPARSITY_OPS]
        self.actions.append(Action("stop"))
        self.action_space = spaces.Discrete(len(self.actions))
        d = self.space.max_depth
        low = np.zeros(len(SLOT_FEATURES) * d + len(GLOBAL_FEATURES), dtype=np.float32)
        high = np.ones_like(low)
        g = len(SLOT_FEATURES) * d
        low[g + 1 : g + 3] = -LOG_CLIP
        high[g + 1 : g + 3] = LOG_CLIP
        high[g + 4] = LOSS_CLIP
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._ref_params = float(self.reference_arch.params())
        self._ref_flops = float(self.reference_arch.flops())

        self.child: ChildNet | None = None
        self.architecture: Architecture = self.initial_arch
        self._scratch_cache = ScratchCache(int(getattr(self, "scratch_cache_mb", 256.0) * 2**20))
        self._eval: Evaluation | None = None
        self._score = 0.0
        self._t = 0
        self._evaluations = 0
        self.total_evaluations = 0
        self.cache_hits = 0
        self._last_valid = True
        self._episode_origin: dict[str, Any] | None = None  # see _begin_episode
        self._episode_actions: list[int] = []
        self._replayed = type(self).reset is not ArchSearchEnv.reset  # saved as a replay: log the actions

    # ------------------------------------------------------------------ helpers
    def _resolve_importance(self, criterion: str | UnitImportance) -> UnitImportance | None:
        if callable(criterion):
            return criterion
        if criterion == "l1":
            return None  # ChildNet's default L1 unit importance
        from archgym.pruning import unit_importance  # ValueError for an unknown name lists the criteria

        return unit_importance(criterion, data=self.data)

    def action_meanings(self) -> list[str]:
        """Human-readable name of every action id."""
        out = []
        for a in self.actions:
            if a.op == "stop":
                out.append("stop")
            elif a.op in ("widen", "narrow"):
                out.append(f"{a.op} layer {a.slot}")
            elif a.op == "insert":
                out.append(f"insert after layer {a.slot}")
            elif a.op == "prune":
                out.append(f"prune +{self.prune_step:.0%} of hidden weights ({self.prune_criterion})")
            elif a.op == "regrow":
                out.append(f"regrow {self.regrow_fraction:.0%} of pruned weights ({self.regrow_method})")
            else:
                out.append(f"remove layer {a.slot}")
        return out

    def hidden_sparsity(self) -> float:
        """Fraction of the hidden layers' weights that are pruned (masked or zero)."""
        if self.child is None:
            return 0.0
        with torch.no_grad():
            active = sum(int(active_mask(layer).sum()) for layer in self.child.layers)
        return 1.0 - active / sum(layer.weight.numel() for layer in self.child.layers)

    def _edit(self, arch: Architecture, a: Action) -> Architecture:
        """The architecture an action leads to (raises InvalidEdit)."""
        if a.op == "prune":
            if self.hidden_sparsity() + self.prune_step > self.max_sparsity + 1e-9:
                raise InvalidEdit(f"prune: sparsity would exceed max_sparsity={self.max_sparsity}")
            return arch
        if a.op == "regrow":
            if self.hidden_sparsity() <= 0.0:
                raise InvalidEdit("regrow: no pruned weights")
            return arch
        if a.slot >= arch.depth:
            raise InvalidEdit(f"{a.op}: slot {a.slot} is empty (depth {arch.depth})")
        if a.op in ("widen", "narrow"):
            layer = arch.layers[a.slot]
            step = self.space.bounds(layer.kind).step
            new = arch.widen(a.slot, step) if a.op == "widen" else arch.narrow(a.slot, step)
        elif a.op == "insert":
            new = arch.insert(a.slot)
        else:
            new = arch.remove(a.slot)
        self.space.check(new)
        return new

    def action_masks(self) -> np.ndarray:
        """Boolean array: True where the action is valid in the current state (for MaskablePPO)."""
        mask = np.zeros(len(self.actions), dtype=bool)
        for i, a in enumerate(self.actions):
            if a.op == "stop":
                mask[i] = True
                continue
            try:
                self._edit(self.architecture, a)
                mask[i] = True
            except InvalidEdit:
                pass
        return mask

    def current_lr(self) -> float:
        """Learning rate the child's next training step will use."""
        return float(self.trainer.lr)

    def cost(self) -> float:
        """Normalised cost of the current child."""
        return self.cost_fn(self.architecture, self.child) / self.reference_cost

    # ------------------------------------------------------------------ evaluation
    def _fit_and_eval(self, steps: int) -> Evaluation:
        assert self.child is not None
        fit = self.trainer.fit(self.child, steps=steps) if steps > 0 else None
        ev = self.trainer.evaluate(self.child, "val")
        self._evaluations += 1
        self.total_evaluations += 1
        train_acc = fit.train_accuracy if fit is not None else (self._eval.train_accuracy if self._eval else 0.0)
        diverged = bool(fit is not None and fit.diverged) or not math.isfinite(ev.loss)
        return Evaluation(ev.accuracy, ev.loss, train_acc, diverged=diverged)

    def _scratch(self, arch: Architecture) -> Evaluation:
        key = (arch.key(), self.scratch_seed, self.scratch_steps)
        hit = self._scratch_cache.get(key)
        if hit is not None:
            ev, state = hit
            self.child = ChildNet(arch, device=self.device)
            self.child.load_state_dict(state)
            self._evaluations += 1
            self.cache_hits += 1
            return Evaluation(ev.val_accuracy, ev.val_loss, ev.train_accuracy, cache_hit=True, diverged=ev.diverged)
        self.child = ChildNet(arch, seed=self.scratch_seed, device=self.device)
        self.trainer.reseed(self.scratch_seed)
        ev = self._fit_and_eval(self.scratch_steps)
        self._scratch_cache.put(key, ev, self.child.state_dict())
        return ev

    def _score_of(self, ev: Evaluation) -> float:
        return ev.val_accuracy - self.cost_weight * self.cost()

    # ------------------------------------------------------------------ gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Start an episode from the preset's initial architecture."""
        super().reset(seed=seed)
        self._begin_episode()
        self._t = 0
        self._evaluations = 0
        self._last_valid = True
        self._oom_now = False
        self.architecture = self.initial_arch
        if self.eval_mode == "scratch":
            self._eval = None
            self._eval = self._recover(self._scratch(self.architecture), None)
        else:
            child_seed, batch_seed = (int(s) for s in self.np_random.integers(0, 2**31 - 1, size=2))
            self.child = ChildNet(self.architecture, seed=child_seed, device=self.device)
            self.trainer.reseed(batch_seed)
            self._eval = None
            before = self._weights()
            self._eval = self._recover(self._fit_and_eval(self.initial_steps), before)
        self._score = self.diverged_score if self._eval.diverged else self._score_of(self._eval)
        return self._obs(), self._info(True)

    def step(self, action: int | np.integer) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Apply one action; see the class docstring for the reward."""
        if self._eval is None:
            raise RuntimeError("call reset() before step()")
        if not self.action_space.contains(action) and not (
            isinstance(action, (int, np.integer)) and 0 <= int(action) < len(self.actions)
        ):
            raise ValueError(
                f"action {action!r} is not in Discrete({len(self.actions)}): valid ids are 0..{len(self.actions) - 1}"
            )
        a = self.actions[int(action)]
        if self._replayed:
            self._episode_actions.append(int(action))
        self._t += 1
        self._oom_now = False
        prev = self._score
        terminated = False
        if a.op == "stop":
            self._last_valid = True
            terminated = True
            reward = 0.0 if self.reward_mode == "delta" else prev
        else:
            try:
                new_arch = self._edit(self.architecture, a)
                self._apply_guarded(a, new_arch)
            except InvalidEdit:  # invalid, or undone after running out of memory
                self._last_valid = False
                self._noop_guarded()
                reward = (self._score - prev if self.reward_mode == "delta" else self._score) - self.invalid_penalty
            else:
                self._last_valid = True
                self._score = self.diverged_score if self._eval.diverged else self._score_of(self._eval)
                reward = self._score - prev if self.reward_mode == "delta" else self._score
        return self._obs(), float(reward), terminated, False, self._info(self._last_valid)

    # ------------------------------------------------------------------ failure handling
    def _weights(self) -> dict[str, torch.Tensor] | None:
        """A copy of the child's state (masks included) to roll back to; None without a child."""
        if self.child is None:
            return None
        return {k: v.detach().clone() for k, v in self.child.state_dict().items()}

    def _recover(
        self, ev: Evaluation, before: dict[str, torch.Tensor] | None, prev: Evaluation | None = None
    ) -> Evaluation:
        """``ev`` unchanged, or after a diverged fit: the weights rolled back and re-measured (finite).

        :param ev: the evaluation of the fit that just ran
        :param before: the child's state before that fit; None, or a state that is not finite itself
            (a morph of huge weights can overflow), rolls back to the seeded initialisation
            (``scratch_seed``) of the current architecture
        :param prev: the evaluation before the fit (default: the current one), for the train accuracy
        """
        if not ev.diverged:
            return ev
        prev = self._eval if prev is None else prev
        self.divergences += 1
        if before is not None and not all(bool(torch.isfinite(v).all()) for v in before.values()):
            before = None
        if before is None:
            self.child = ChildNet(self.architecture, seed=self.scratch_seed, device=self.device)
        else:
            from archgym.pruning.masks import load_masked_state_dict

            load_masked_state_dict(self.child, before)
            self.child.version += 1  # the optimizer moments are not finite: trainers rebuild them
        acc, loss = ev.val_accuracy, ev.val_loss
        trainer = getattr(self, "trainer", None)
        if trainer is not None and self.child is not None:
            res = trainer.evaluate(self.child, "val", observe=False)
            acc, loss = res.accuracy, res.loss
        acc = acc if math.isfinite(acc) else 0.0
        loss = loss if math.isfinite(loss) else LOSS_CLIP
        train_acc = prev.train_accuracy if prev is not None and math.isfinite(prev.train_accuracy) else 0.0
        return Evaluation(acc, loss, train_acc, cache_hit=ev.cache_hit, diverged=True)

    @staticmethod
    def _is_oom(err: BaseException) -> bool:
        """True for a device out-of-memory error (``torch.OutOfMemoryError`` or its RuntimeError text)."""
        oom_type = getattr(torch, "OutOfMemoryError", None)
        if oom_type is not None and isinstance(err, oom_type):
            return True
        text = str(err).lower()
        return isinstance(err, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)

    def _apply_guarded(self, a: Action, new_arch: Architecture) -> None:
        """:meth:`_apply`, with diverged fits rolled back; out of memory undoes the edit (InvalidEdit)."""
        arch, state = self.architecture, self._weights()
        try:
            self._apply(a, new_arch)
        except (RuntimeError, MemoryError) as e:
            if not (self._is_oom(e) or isinstance(e, MemoryError)):
                raise
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            self.oom_events += 1
            self._oom_now = True
            self.last_oom = f"{type(e).__name__}: {' '.join(str(e).split())[:200]}"
            self._restore_child(arch, state)
            raise InvalidEdit(f"{a.op}: out of memory building or training {new_arch.key()}") from None

    def _restore_child(self, arch: Architecture, state: dict[str, torch.Tensor] | None) -> None:
        """Put architecture ``arch`` with weights ``state`` back into the current child object."""
        self.architecture = arch
        if state is None:
            return
        from archgym.pruning.masks import load_masked_state_dict

        fresh = ChildNet(arch, seed=0, device=self.device)
        load_masked_state_dict(fresh, {k: v.to(self.device) for k, v in state.items()})
        if self.child is None:
            self.child = fresh
            return
        self.child.layers, self.child.head, self.child.arch = fresh.layers, fresh.head, arch
        self.child.version += 1

    def _noop_guarded(self) -> None:
        """:meth:`_noop`; a subclass whose no-op trains (the online env) gets diverged fits rolled back."""
        if type(self)._noop is ArchSearchEnv._noop:
            self._noop()
            return
        before, prev = self._weights(), self._eval
        self._noop()
        if self._eval is not None and self._eval.diverged:
            self._eval = self._recover(self._eval, before, prev)
            self._score = self.diverged_score

    # ------------------------------------------------------------------ checkpointing
    def _begin_episode(self) -> None:
        """Remember how this episode began (``np_random`` right after seeding) and log its actions from here:
        a subclass's episode is restored by replaying them (:meth:`set_search_state`)."""
        self._episode_origin = self.np_random.bit_generator.state  # a snapshot: numpy builds a new dict
        self._episode_actions = []

    def _counters(self) -> dict[str, Any]:
        return {
            "score": float(self._score),
            "t": int(self._t),
            "evaluations": int(self._evaluations),
            "total_evaluations": int(self.total_evaluations),
            "cache_hits": int(self.cache_hits),
            "last_valid": bool(self._last_valid),
            "divergences": int(self.divergences),
            "oom_events": int(self.oom_events),
        }

    def get_search_state(self) -> dict[str, Any] | None:
        """The episode state, for ``archgym train --resume``: plain values and CPU tensors only
        (it saves with ``torch.save`` and loads with ``torch.load(weights_only=True)``).

        Holds the env's ``np_random`` state, the architecture, the child's ``state_dict`` (pruning
        masks included), the current evaluation and score, the step and evaluation counters, and the
        trainer's batch order (generator state, permutation, position), step counter and schedule
        state. Re-derived rather than saved: the child's optimizer moments (every morph starts a fresh
        optimizer, so they are empty at every step boundary where it matters) and the scratch-mode
        cache (an entry is a pure function of architecture, seed and budget).

        A subclass that overrides :meth:`reset` (the online env: its stream, learner and drift
        detector hold more state) is saved as a *replay*: ``np_random`` at the episode's start and
        the actions taken since, plus the run-long counters. Restoring resets from that state and
        replays the actions, which rebuilds everything the episode built (bit for bit on the CPU;
        at most ``max_episode_steps`` steps of work).

        :return: the state, or None before the first reset
        """
        if self._eval is None:
            return None
        if self._replayed:
            return {
                "format": 1,
                "replay": {"np_random": self._episode_origin, "actions": list(self._episode_actions)},
                "counters": self._counters(),
            }
        tr = self.trainer
        perm = getattr(tr, "_perm", None)
        return {
            "format": 1,
            "np_random": self.np_random.bit_generator.state,
            "architecture": self.architecture.to_dict(),
            "child": None if self.child is None else {k: v.detach().cpu() for k, v in self.child.state_dict().items()},
            "eval": {k: getattr(self._eval, k) for k in Evaluation.__dataclass_fields__},
            "counters": self._counters(),
            "trainer": {
                "t": int(tr.t),
                "generator": tr.generator.get_state(),
                "perm": None if perm is None else perm.detach().cpu(),
                "pos": int(getattr(tr, "_pos", 0)),
                "schedule": self._plain_state(tr.schedule),
            },
        }

    def set_search_state(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`get_search_state` snapshot (the env then continues exactly from it).

        :param state: the snapshot
        :raises ValueError: not a snapshot of this env kind
        """
        if not isinstance(state, dict) or state.get("format") != 1:
            raise ValueError("not an archgym env state (expected a mapping with format 1)")
        if self._replayed != ("replay" in state):
            kind = "a replay" if "replay" in state else "a full state"
            raise ValueError(f"{type(self).__name__} cannot restore {kind}: it was saved by another env class")
        if "replay" in state:
            self.np_random.bit_generator.state = state["replay"]["np_random"]
            self.reset()
            for a in state["replay"]["actions"]:
                self.step(a)
            c = state["counters"]
            self.total_evaluations, self.cache_hits = int(c["total_evaluations"]), int(c["cache_hits"])
            self.divergences, self.oom_events = int(c["divergences"]), int(c["oom_events"])
            return
        self.np_random.bit_generator.state = state["np_random"]
        arch = Architecture.from_dict(state["architecture"])
        self.child = None
        self._restore_child(arch, state["child"])
        self._eval = Evaluation(**state["eval"])
        c = state["counters"]
        self._score, self._t, self._evaluations = float(c["score"]), int(c["t"]), int(c["evaluations"])
        self.total_evaluations, self.cache_hits = int(c["total_evaluations"]), int(c["cache_hits"])
        self._last_valid, self.divergences, self.oom_events = bool(c["last_valid"]), c["divergences"], c["oom_events"]
        tr, ts = self.trainer, state["trainer"]
        tr.reseed(0)  # drop any optimizer state, then put the batch order and the schedule back
        tr.generator.set_state(ts["generator"])
        tr._perm = None if ts["perm"] is None else ts["perm"].to(self.device)
        tr._pos, tr.t = int(ts["pos"]), int(ts["t"])
        self._load_plain_state(tr.schedule, ts["schedule"])

    @staticmethod
    def _plain_state(obj: Any) -> dict[str, Any]:
        """The plain-valued attributes of ``obj`` (a schedule), nested schedules included."""
        from archgym.schedules import Schedule

        out: dict[str, Any] = {}
        for k, v in vars(obj).items():
            if v is None or isinstance(v, (bool, int, float, str)):
                out[k] = v
            elif isinstance(v, Schedule):
                out[k] = {"__schedule__": ArchSearchEnv._plain_state(v)}
            elif isinstance(v, (list, tuple)) and all(isinstance(x, Schedule) for x in v):
                out[k] = {"__schedules__": [ArchSearchEnv._plain_state(x) for x in v]}
            elif isinstance(v, (list, tuple)) and all(isinstance(x, (bool, int, float, str)) for x in v):
                out[k] = list(v)
        return out

    @staticmethod
    def _load_plain_state(obj: Any, state: dict[str, Any]) -> None:
        """Inverse of :meth:`_plain_state`: set the saved attributes back on ``obj``."""
        for k, v in state.items():
            cur = getattr(obj, k, None)
            if isinstance(v, dict) and "__schedule__" in v:
                ArchSearchEnv._load_plain_state(cur, v["__schedule__"])
            elif isinstance(v, dict) and "__schedules__" in v:
                for sub, st in zip(cur, v["__schedules__"], strict=True):
                    ArchSearchEnv._load_plain_state(sub, st)
            elif isinstance(v, list) and isinstance(cur, tuple):
                setattr(obj, k, tuple(v))
            else:
                setattr(obj, k, v)

    def _sparsity_op(self, op: str) -> None:
        from archgym.pruning import prune_unstructured, regrow

        seed = int(self.np_random.integers(0, 2**31 - 1))
        if op == "prune":
            target = min(self.hidden_sparsity() + self.prune_step, self.max_sparsity)
            prune_unstructured(
                self.child, amount=target, criterion=self.prune_criterion, scope="global", data=self.data, seed=seed
            )
        else:
            regrow(self.child, amount=self.regrow_fraction, method=self.regrow_method, data=self.data, seed=seed)

    def _noop(self) -> None:
        """What an invalid action does besides the penalty: nothing (the online env keeps streaming)."""

    def _apply(self, a: Action, new_arch: Architecture) -> None:
        if self.eval_mode == "scratch":
            self.architecture = new_arch
            self._eval = self._recover(self._scratch(new_arch), None)
            return
        assert self.child is not None
        if a.op == "widen":
            self.child.widen(
                a.slot,
                new_arch.layers[a.slot].width - self.architecture.layers[a.slot].width,
                self.np_random,
                noise=self.widen_noise,
                init=self.widen_init,
            )
        elif a.op == "narrow":
            self.child.narrow(
                a.slot,
                self.architecture.layers[a.slot].width - new_arch.layers[a.slot].width,
                importance=self.importance,
            )
        elif a.op == "insert":
            self.child.deepen(a.slot)
        elif a.op in SPARSITY_OPS:
            self._sparsity_op(a.op)
        else:
            self.child.remove(a.slot, seed=int(self.np_random.integers(0, 2**31 - 1)))
        assert self.child.arch == new_arch
        self.architecture = new_arch
        before = self._weights()  # the morphed child, to roll back to if the fine-tune diverges
        self._eval = self._recover(self._fit_and_eval(self.finetune_steps), before)

    # ------------------------------------------------------------------ observation / info
    def _layer_sparsity(self) -> list[float]:
        # one host read for the per-layer zero fractions and the non-zero count _info needs next
        self._nonzero_pending = None
        if self.child is None:
            return [0.0] * self.architecture.depth
        with torch.no_grad():
            # active entries as archgym.pruning.nonzero_params counts them: a mask's ones, else non-zeros
            active = [active_mask(layer).sum() for layer in self.child.chain()]
            active += [torch.count_nonzero(layer.bias) for layer in self.child.chain() if layer.bias is not None]
            values = torch.stack(active).tolist()
        key = (id(self.child), self.child.version, self._t, self._evaluations)
        self._nonzero_pending = (key, int(sum(values)))
        return [1.0 - a / layer.weight.numel() for a, layer in zip(values, self.child.layers, strict=False)]

    def _obs(self) -> np.ndarray:
        assert self._eval is not None
        d = self.space.max_depth
        obs = np.zeros(self.observation_space.shape, dtype=np.float32)
        sparsity = self._layer_sparsity()
        for i, layer in enumerate(self.architecture.layers):
            b = self.space.bounds(layer.kind)
            obs[4 * i : 4 * i + 4] = (1.0, float(layer.kind == "conv"), min(layer.width / b.max, 1.0), sparsity[i])
        g = len(SLOT_FEATURES) * d
        ev = self._eval
        arch = self.architecture
        obs[g : g + len(GLOBAL_FEATURES)] = (
            arch.depth / d,
            np.clip(math.log2(arch.params() / self._ref_params), -LOG_CLIP, LOG_CLIP),
            np.clip(math.log2(arch.flops() / self._ref_flops), -LOG_CLIP, LOG_CLIP),
            ev.val_accuracy,
            np.clip(ev.val_loss, 0.0, LOSS_CLIP) if math.isfinite(ev.val_loss) else LOSS_CLIP,
            ev.train_accuracy if math.isfinite(ev.train_accuracy) else 0.0,
            min(self._t / self.horizon, 1.0),
            float(self._last_valid),
        )
        return obs

    def _info(self, valid: bool) -> dict[str, Any]:
        assert self._eval is not None
        ev = self._eval
        arch = self.architecture
        pending, self._nonzero_pending = getattr(self, "_nonzero_pending", None), None
        # computed by _obs of this same step (same child, version, step and evaluation count)
        key = (id(self.child), self.child.version, self._t, self._evaluations) if self.child is not None else None
        if pending is not None and pending[0] == key:
            nonzero = pending[1]
        else:
            nonzero = nonzero_params(self.child) if self.child is not None else arch.params()
        params = arch.params()
        return {
            "val_accuracy": float(ev.val_accuracy),
            "train_accuracy": float(ev.train_accuracy),
            "val_loss": float(ev.val_loss),
            "cost": float(self.cost()),
            "params": int(params),
            "flops": int(arch.flops()),
            "nonzero_params": nonzero,
            "depth": int(arch.depth),
            "sparsity": float(1.0 - nonzero / params),
            "lr": float(self.current_lr()),
            "action_valid": bool(valid),
            "score": float(self._score),
            "evaluations": int(self._evaluations),
            "diverged": bool(ev.diverged),
            "oom": bool(self._oom_now),
            "arch": arch.key(),
        }

    def render(self) -> str | None:
        """``ansi``: one line with the architecture and its score."""
        if self.render_mode != "ansi" or self._eval is None:
            return None
        return (
            f"step {self._t}: {self.architecture.key()} val_acc={self._eval.val_accuracy:.4f} score={self._score:.4f}"
        )
