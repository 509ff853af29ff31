"""The search core: actions and masks, reward, episode bookkeeping; evaluation is an evaluator's job."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from archgym.arch import Architecture, InvalidEdit, parse_layers
from archgym.child import ChildNet
from archgym.cost import get_cost_metric
from archgym.device import resolve_device
from archgym.envs.actions import Action, ActionTable
from archgym.envs.config import RecipeConfig, RewardConfig, SpaceConfig, TaskConfig, split_keywords
from archgym.envs.encoding import ObservationEncoder, build_info, layer_activity
from archgym.envs.evaluators import EvalContext, Evaluation, Evaluator, Plan, StepContext, evaluator_class, serve
from archgym.envs.evaluators.base import Outcome
from archgym.envs.evaluators.morph import hidden_sparsity
from archgym.envs.guard import Guard, is_oom
from archgym.envs.starts import RESET_OPTIONS, reset_initial, start_architecture

__all__ = ["RESET_OPTIONS", "ArchSearchEnv", "StepPlan"]

StepResult = tuple[np.ndarray, float, bool, bool, dict[str, Any]]


@dataclass
class StepPlan:
    """A step between its two phases (see :meth:`ArchSearchEnv.begin_step`).

    :param kind: ``reset``, ``stop``, ``edit`` or ``invalid``
    :param plan: the evaluator's plan (None: nothing to evaluate)
    :param prev_score: the score before the step
    :param prev_eval: the evaluation before the step
    :param undo: the snapshot that undoes the edit if its fit runs out of memory
    """

    kind: str
    plan: Plan | None
    prev_score: float = 0.0
    prev_eval: Evaluation | None = None
    undo: tuple[Any, Any] | None = None
    oom: bool = False


class ArchSearchEnv(gym.Env):
    """
    ## Description

    Neural architecture search as a sequential decision problem. The state is a *child network* (an MLP,
    or a small CNN with a dense head) and its measured quality. Each step the agent grows or prunes one
    layer; the child is changed and measured by the env's *evaluator* (``eval_mode``):

    * ``inherit`` (default): a weight-keeping morph (function-preserving growth: new units with zero
      outgoing weights or Net2WiderNet replicas, Net2DeeperNet identity layers; structured narrowing by
      unit importance; layer removal) and a ``finetune_steps`` fine-tune, scored on the validation split;
    * ``scratch``: a from-scratch retrain with a fixed recipe, cached by (architecture, seed, budget);
    * ``stream``: online learning of a drifting stream; the child predicts each chunk before learning it
      and the prequential accuracy is the score (``stream=...``, e.g. ``archgym/DriftingDigits-v0``);
    * ``table``: a lookup in a ground-truth table (one seed's recorded accuracy, no training; the search
      space becomes the table's grid; ``table=PATH``, default the shipped table of the dataset).

    ## Action Space

    ``Discrete(4 * max_depth + 1)`` (``+ 2`` with ``sparsity_actions``). For layer slot ``i``:

    | Num        | Action                                                                 |
    |------------|------------------------------------------------------------------------|
    | 4i + 0     | widen layer i by the search-space step of its kind (``widen_init``)    |
    | 4i + 1     | narrow layer i by the step: remove the least important units           |
    | 4i + 2     | insert an identity-initialised copy of layer i after it (Net2DeeperNet) |
    | 4i + 3     | remove layer i                                                         |
    | 4 max_depth (+0, +1) | ``prune`` / ``regrow`` (``sparsity_actions`` only)           |
    | last       | stop: end the episode with the current network                         |

    ``env.unwrapped.action_meanings()`` names each id and ``env.unwrapped.action_masks()`` gives the valid
    ones. An invalid action (a missing layer, a width or depth out of the search space) is a no-op:
    ``info["action_valid"]`` is False and ``invalid_penalty`` is subtracted.

    ## Observation Space

    ``Box(float32)`` of size ``4 * max_depth + 8`` (``+ 3`` in stream mode); slot features first, then
    global features (``env.unwrapped.observation_table()`` lists them; :mod:`archgym.envs.encoding`):

    | Index        | Observation                                        | Min   | Max  |
    |--------------|----------------------------------------------------|-------|------|
    | 4i + 0       | slot i holds a layer (1) or is empty (0)           | 0     | 1    |
    | 4i + 1       | layer i is a conv layer                            | 0     | 1    |
    | 4i + 2       | width of layer i / max width of its kind           | 0     | 1    |
    | 4i + 3       | fraction of layer i's weights that are zero        | 0     | 1    |
    | 4 D + 0      | depth / max_depth                                  | 0     | 1    |
    | 4 D + 1      | log2(params / reference params), clipped           | -8    | 8    |
    | 4 D + 2      | log2(FLOPs / reference FLOPs), clipped             | -8    | 8    |
    | 4 D + 3      | validation accuracy (stream: this step's prequential accuracy) | 0 | 1 |
    | 4 D + 4      | validation loss, clipped (stream: the error rate)  | 0     | 10   |
    | 4 D + 5      | training accuracy (stream: cumulative prequential) | 0     | 1    |
    | 4 D + 6      | fraction of the episode used (step / horizon)      | 0     | 1    |
    | 4 D + 7      | the last action was valid                          | 0     | 1    |
    | 4 D + 8..10  | stream only: window accuracy, drift fired, steps since drift / horizon | 0 | 1 |

    (``D = max_depth``.)

    ## Rewards

    ``score = val_accuracy - cost_weight * cost``, with ``cost = metric(child) / metric(reference)`` for
    ``cost_metric`` (``params``, ``flops``, ``nonzero_params`` or ``latency``). With ``reward_mode="delta"``
    (default) the reward is ``score(s') - score(s)``, so an episode's return telescopes to the final
    network's score minus the initial one's; with ``"absolute"`` it is ``score(s')``. An invalid action
    earns ``-invalid_penalty`` (delta) or ``score - invalid_penalty`` (absolute); ``stop`` earns 0 (delta)
    or the score (absolute).

    A child whose training diverges (NaN or infinite loss) never poisons the search
    (:mod:`archgym.envs.guard`): its weights roll back to the last finite state, ``info["diverged"]`` is
    True, the observation stays finite, and the step scores ``diverged_score``. An edit that runs out of
    device memory is undone and treated like an invalid action (``info["oom"]`` True); ``divergences``,
    ``oom_events`` and ``last_oom`` count and describe these.

    ## Starting State

    The preset's ``initial`` architecture, freshly initialised from the episode's seed and trained for
    ``initial_steps`` (inherit), with the scratch recipe (scratch), on ``warmup_chunks`` (stream), or looked
    up (table). ``env.reset(options={"initial": arch})`` starts this one episode from another architecture
    of the search space: a key (``"1x40-[c28k5,c28k5,c12k5]-10"``), a layer list as the presets write it
    (``["c28k5", "c28k5", 12]``) or an :class:`~archgym.arch.Architecture`; it must have the env's input,
    classes and head, lie in the search space and, in table mode, be in the table (else a ValueError says
    what is valid). ``env.unwrapped.episode_initial`` is the episode's start; checkpoints record it.
    :class:`archgym.agents.restarts.RestartFromIncumbent` uses it to restart episodes from the best network.

    ## Episode End

    Terminated by the ``stop`` action; truncated after ``max_episode_steps`` (set at registration, passed to
    the env as ``horizon``).

    ## Arguments

    ``gym.make("archgym/DigitsMLP-v0", cost_weight=0.1, eval_mode="scratch", device="cuda")``. Keywords are
    grouped by concern (:mod:`archgym.envs.config`): :class:`~archgym.envs.config.TaskConfig` (``dataset``,
    ``input``, ``stream``, ...), :class:`~archgym.envs.config.SpaceConfig` (``initial``, ``search_space``,
    morph and sparsity options), :class:`~archgym.envs.config.RecipeConfig` (``schedule``, ``optimizer``,
    step budgets) and :class:`~archgym.envs.config.RewardConfig` (``cost_metric``, ``cost_weight``, ...).
    Give them flat (``cost_weight=0.1``), grouped (``reward={"cost_weight": 0.1}``) or as config objects.
    Bad values and unknown keywords raise a ValueError naming what was wrong and what is valid.

    ## Version History

    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi"]}  # noqa: RUF012 (Gymnasium declares it an instance attribute)

    def __init__(
        self,
        *,
        eval_mode: str = "inherit",
        horizon: int = 10,
        device: str = "auto",
        render_mode: str | None = None,
        evaluator_kwargs: Mapping[str, Any] | None = None,
        task: TaskConfig | Mapping[str, Any] | None = None,
        space: SpaceConfig | Mapping[str, Any] | None = None,
        recipe: RecipeConfig | Mapping[str, Any] | None = None,
        reward: RewardConfig | Mapping[str, Any] | None = None,
        **keywords: Any,
    ) -> None:
        """
        :param eval_mode: ``inherit``, ``scratch``, ``stream``, a registered evaluator or ``"module:Class"``
        :param horizon: episode length used to normalise the step count (``max_episode_steps``)
        :param device: ``auto``, ``cpu`` or ``cuda``
        :param render_mode: ``None`` or ``ansi``
        :param evaluator_kwargs: options of a plug-in evaluator
        :param task: what the children learn (:class:`~archgym.envs.config.TaskConfig` or a mapping)
        :param space: the search space and its moves (:class:`~archgym.envs.config.SpaceConfig`)
        :param recipe: how children are trained (:class:`~archgym.envs.config.RecipeConfig`)
        :param reward: cost and reward (:class:`~archgym.envs.config.RewardConfig`)
        :param keywords: any field of the four configs, flat (``cost_weight=0.1``)
        """
        super().__init__()
        cfg = split_keywords({"task": task, "space": space, "recipe": recipe, "reward": reward, **keywords})
        self.task: TaskConfig = cfg["task"]
        self.space_config: SpaceConfig = cfg["space"]
        self.recipe: RecipeConfig = cfg["recipe"]
        self.reward_config: RewardConfig = cfg["reward"]
        if render_mode not in (None, "ansi"):
            raise ValueError(f"unknown render_mode {render_mode!r}; valid: ansi (or None)")
        if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
            raise ValueError(f"horizon must be an int >= 1, got {horizon!r}")
        if evaluator_kwargs is not None and not isinstance(evaluator_kwargs, Mapping):
            raise ValueError(f"evaluator_kwargs must be a mapping or None, got {type(evaluator_kwargs).__name__}")
        self.eval_mode, self.horizon, self.render_mode = eval_mode, int(horizon), render_mode
        self.device = resolve_device(device)
        cls = evaluator_class(eval_mode)
        if self.space_config.sparsity_actions and not (cls.keeps_weights and not cls.replay_only):
            raise ValueError(f"sparsity_actions need eval_mode='inherit' ({eval_mode!r} does not keep weights)")
        ctx = EvalContext(self.task, self.space_config, self.recipe, self.device, dict(evaluator_kwargs or {}))
        self.evaluator: Evaluator = cls(ctx)
        self.guard = Guard(self.evaluator)

        rw = self.reward_config
        own_space = getattr(self.evaluator, "search_space", None)  # an evaluator's own grid (eval_mode="table")
        self.space = own_space if own_space is not None else self.space_config.space()
        shape, classes = self.evaluator.input_shape, self.evaluator.num_classes
        head = self.space_config.head
        try:
            self.initial_arch = Architecture(shape, parse_layers(self.space_config.initial), classes, head)
        except ValueError as e:  # e.g. head='gap' on flat inputs, a pool too wide for the input
            raise ValueError(f"initial architecture {list(self.space_config.initial)}: {e}") from None
        try:
            self.space.check(self.initial_arch)
        except InvalidEdit as e:
            key = self.initial_arch.key()
            raise ValueError(f"initial architecture {key} is outside the search space: {e}") from None
        ref_layers = parse_layers(rw.reference) if rw.reference is not None else self.initial_arch.layers
        self.reference_arch = Architecture(shape, ref_layers, classes, head)
        own_cost = getattr(self.evaluator, "cost_metric", None)  # e.g. a table's recorded latency
        self.cost_fn = (own_cost(rw.cost_metric) if own_cost is not None else None) or get_cost_metric(rw.cost_metric)
        reference_child = ChildNet(self.reference_arch, seed=0, device=self.device)  # latency: on the env device
        self.reference_cost = max(self.cost_fn(self.reference_arch, reference_child), 1.0)

        self.action_table = ActionTable(self.space, self.space_config)
        self.action_space = gym.spaces.Discrete(len(self.action_table))
        self.encoder = ObservationEncoder(self.space, self.reference_arch, self.horizon, self.evaluator.features)
        self.observation_space = self.encoder.observation_space

        self._eval: Evaluation | None = None
        self._score = 0.0
        self._t = 0
        self._evaluations = 0
        self.total_evaluations = 0
        self.cache_hits = 0
        self._last_valid = True
        self._oom_now = False
        self._episode_origin: dict[str, Any] | None = None
        self._episode_actions: list[int] = []
        self._episode_initial: Architecture = self.initial_arch

    # ------------------------------------------------------------------ what the env exposes
    @property
    def actions(self) -> list[Action]:
        """The action table (id -> op and slot)."""
        return self.action_table.actions

    @property
    def episode_initial(self) -> Architecture:
        """The architecture the current episode started from (``initial``, or the reset's ``options``)."""
        return self._episode_initial

    def start_architecture(self, initial: Any) -> Architecture:
        """Validate a reset's ``options["initial"]`` and return it as an :class:`~archgym.arch.Architecture`.

        :param initial: an architecture key (``"1x40-[c28k5,16]-10"``), a layer list as in the presets
            (``["c28k5", 16]``) or an Architecture
        :raises ValueError: malformed, another input / class count / head than the env's, outside the search
            space, or (table mode) not in the table; the message says what is valid
        """
        return start_architecture(initial, self.initial_arch, self.space_config.initial, self.space, self.evaluator)

    @property
    def child(self) -> ChildNet | None:
        """The current child network (None before the first reset)."""
        return self.evaluator.child

    @property
    def architecture(self) -> Architecture:
        """The current architecture (the initial one before the first reset)."""
        return self.evaluator.architecture or self.initial_arch

    @property
    def data(self) -> Any:
        """The dataset children are measured on (None for a stream)."""
        return self.evaluator.data

    @property
    def divergences(self) -> int:
        """Diverged fits rolled back so far."""
        return self.guard.divergences

    @property
    def oom_events(self) -> int:
        """Edits undone after running out of memory so far."""
        return self.guard.oom_events

    @property
    def last_oom(self) -> str | None:
        """The last out-of-memory error, shortened."""
        return self.guard.last_oom

    @property
    def evaluation(self) -> Evaluation | None:
        """The current child's evaluation (None before the first reset)."""
        return self._eval

    def action_meanings(self) -> list[str]:
        """Human-readable name of every action id."""
        return self.action_table.meanings()

    def observation_table(self) -> list[tuple[str, float, float, str]]:
        """``(name, low, high, description)`` of every observation feature, in order."""
        return self.encoder.table()

    def feature_index(self, name: str) -> int:
        """Position of observation feature ``name`` (e.g. ``"val_accuracy"``)."""
        return self.encoder.index(name)

    def hidden_sparsity(self) -> float:
        """Fraction of the hidden layers' weights that are pruned (masked or zero)."""
        return hidden_sparsity(self.child)

    def preview(self, action: int) -> Architecture:
        """The architecture ``action`` would lead to (raises :class:`~archgym.arch.InvalidEdit` if invalid)."""
        a = self.action_table[int(action)]
        sparsity = self.hidden_sparsity() if a.op in ("prune", "regrow") else 0.0
        return self.action_table.edit(self.architecture, a, sparsity)

    def action_masks(self) -> np.ndarray:
        """Boolean array: True where the action is valid in the current state (for MaskablePPO)."""
        mask = np.zeros(len(self.action_table), dtype=bool)
        for i in range(len(self.action_table)):
            try:
                self.preview(i)
                mask[i] = True
            except InvalidEdit:
                pass
        return mask

    def current_lr(self) -> float:
        """Learning rate the child's next training step will use."""
        return self.evaluator.current_lr()

    def cost(self) -> float:
        """Normalised cost of the current child."""
        return self.cost_fn(self.architecture, self.child) / self.reference_cost

    def retrain(self, arch: Architecture, steps: int | None = None, seed: int | None = None) -> tuple[ChildNet, dict]:
        """Train ``arch`` from scratch with the env's recipe; returns the child and the recipe used.

        :raises NotImplementedError: the evaluator has no fixed dataset to train on (a stream)
        """
        fn = getattr(self.evaluator, "retrain", None)
        if fn is None:
            raise NotImplementedError(f"eval_mode {self.eval_mode!r} has no fixed dataset to retrain a child on")
        return fn(arch, steps=steps, seed=seed)

    def measure(self, child: ChildNet) -> dict[str, float]:
        """Cost, params, FLOPs and (where there is a dataset) validation and test accuracy of ``child``."""
        cost = self.cost_fn(child.arch, child) / self.reference_cost
        out: dict[str, float] = {"params": child.arch.params(), "flops": child.arch.flops(), "cost": cost}
        fn = getattr(self.evaluator, "measure", None)
        if fn is not None:
            out.update(fn(child))
            out["score"] = out["val_accuracy"] - self.reward_config.cost_weight * cost
        return out

    # ------------------------------------------------------------------ two-phase step
    def _ctx(self) -> StepContext:
        return StepContext(self.np_random, self._eval, self._t)

    def begin_reset(self, *, seed: int | None = None, options: Mapping[str, Any] | None = None) -> StepPlan:
        """Phase one of :meth:`reset`: seed, build the initial child, return what it needs trained.

        :param options: None, or ``{"initial": arch}`` (see :meth:`start_architecture`)
        :raises ValueError: unknown option keys (the valid ones named) or a bad ``initial``; nothing changes
        """
        initial = reset_initial(options)
        start = self.initial_arch if initial is None else self.start_architecture(initial)
        super().reset(seed=seed)
        self._episode_origin = dict(self.np_random.bit_generator.state)  # a snapshot: numpy builds a new dict
        self._episode_actions = []
        self._episode_initial = start
        self._t, self._evaluations = 0, 0
        self._last_valid, self._oom_now = True, False
        self._eval = None
        return StepPlan("reset", self.evaluator.begin_reset(start, self._ctx()))

    def begin_step(self, action: int | np.integer) -> StepPlan:
        """Phase one of :meth:`step`: decode and validate the action, change the child, return what to train."""
        if self._eval is None:
            raise RuntimeError("call reset() before step()")
        n = len(self.action_table)
        # the cheap int check first: Discrete.contains costs ~10 us, a table-mode step ~100 us in all
        if not (isinstance(action, (int, np.integer)) and 0 <= int(action) < n) and not self.action_space.contains(
            action
        ):
            raise ValueError(f"action {action!r} is not in Discrete({n}): valid ids are 0..{n - 1}")
        a = self.action_table[int(action)]
        if self.evaluator.replay_only:  # its episodes are saved as replays
            self._episode_actions.append(int(action))
        self._t += 1
        self._oom_now = False
        prev_score, prev_eval = self._score, self._eval
        if a.op == "stop":
            return StepPlan("stop", None, prev_score, prev_eval)
        try:
            new_arch = self.preview(int(action))
        except InvalidEdit:
            return self._begin_invalid(prev_score, prev_eval)
        undo = self.guard.snapshot()
        try:
            plan = self.evaluator.begin_edit(a.op, a.slot, new_arch, self._ctx())
        except (RuntimeError, MemoryError) as e:
            if not is_oom(e):
                raise
            self.guard.undo(e, undo)
            self._oom_now = True
            return self._begin_invalid(prev_score, prev_eval)
        return StepPlan("edit", plan, prev_score, prev_eval, undo)

    def _begin_invalid(self, prev_score: float, prev_eval: Evaluation | None) -> StepPlan:
        return StepPlan("invalid", self.evaluator.begin_noop(self._ctx()), prev_score, prev_eval, None, self._oom_now)

    def serve(self, sp: StepPlan) -> Outcome | BaseException | None:
        """Serve a step plan's request on its own (a vector env serves many in one stacked call instead).

        :return: the outcome, None without a request, or the out-of-memory error the fit raised
        """
        if sp.plan is None or sp.plan.request is None:
            return None
        try:
            return serve(sp.plan.request)
        except (RuntimeError, MemoryError) as e:
            if not is_oom(e) or sp.kind != "edit":
                raise
            return e

    def end_reset(self, sp: StepPlan, outcome: Outcome | None) -> tuple[np.ndarray, dict[str, Any]]:
        """Phase two of :meth:`reset`: measure the initial child; the first observation and info."""
        assert sp.plan is not None
        self._eval = self._finish(sp.plan, outcome, None)
        self._score = self._score_now()
        obs, info = self._observe(True)
        return obs, info

    def end_step(self, sp: StepPlan, outcome: Outcome | BaseException | None) -> StepResult:
        """Phase two of :meth:`step`: measure the changed child, compute the reward, observe."""
        rw = self.reward_config
        delta = rw.reward_mode == "delta"
        if sp.kind == "stop":
            self._last_valid = True
            reward = 0.0 if delta else sp.prev_score
            obs, info = self._observe(True)
            return obs, float(reward), True, False, info
        if isinstance(outcome, BaseException):  # the edit's fit ran out of memory: undo it
            assert sp.undo is not None
            self.guard.undo(outcome, sp.undo)
            self._oom_now = True
            sp = self._begin_invalid(sp.prev_score, sp.prev_eval)
            outcome = self.serve(sp)
        assert not isinstance(outcome, BaseException)  # only an edit's fit is undone on out of memory
        if sp.kind == "edit":
            assert sp.plan is not None
            self._eval = self._finish(sp.plan, outcome, sp.prev_eval)
            self._last_valid = True
            self._score = self._score_now()
            reward = self._score - sp.prev_score if delta else self._score
        else:
            if sp.plan is not None:  # an evaluator whose no-op measures (a stream keeps flowing)
                self._eval = self._finish(sp.plan, outcome, sp.prev_eval)
                self._score = self._score_now()
            self._last_valid = False
            reward = (self._score - sp.prev_score if delta else self._score) - rw.invalid_penalty
        obs, info = self._observe(self._last_valid)
        return obs, float(reward), False, False, info

    def _finish(self, plan: Plan, outcome: Outcome | None, prev: Evaluation | None) -> Evaluation:
        ev = plan.finish(outcome)
        self._evaluations += 1
        if ev.cache_hit:
            self.cache_hits += 1
        else:
            self.total_evaluations += 1
        return self.guard.recover(ev, plan.before, prev)

    def _score_now(self) -> float:
        assert self._eval is not None
        if self._eval.diverged:
            return self.reward_config.diverged_score
        return self._eval.val_accuracy - self.reward_config.cost_weight * self.cost()

    def _observe(self, valid: bool) -> tuple[np.ndarray, dict[str, Any]]:
        assert self._eval is not None
        arch = self.architecture
        sparsity, nonzero = layer_activity(self.child, arch)
        extra = self.evaluator.feature_values(self._t, self.horizon)
        obs = self.encoder.encode(arch, self._eval, sparsity, self._t, self._last_valid, extra)
        info = build_info(
            arch,
            self._eval,
            nonzero=nonzero,
            cost=self.cost(),
            lr=self.current_lr(),
            valid=valid,
            score=self._score,
            evaluations=self._evaluations,
            oom=self._oom_now,
        )
        return obs, info

    # ------------------------------------------------------------------ gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Start an episode from the preset's initial architecture, or from ``options["initial"]``
        (see :meth:`start_architecture`)."""
        sp = self.begin_reset(seed=seed, options=options)
        return self.end_reset(sp, self.serve(sp))  # type: ignore[arg-type]

    def step(self, action: int | np.integer) -> StepResult:
        """Apply one action; see the class docstring for the reward."""
        sp = self.begin_step(action)
        return self.end_step(sp, self.serve(sp))

    def render(self) -> str | None:
        """``ansi``: one line with the architecture and its score."""
        if self.render_mode != "ansi" or self._eval is None:
            return None
        return (
            f"step {self._t}: {self.architecture.key()} val_acc={self._eval.val_accuracy:.4f} score={self._score:.4f}"
        )

    # ------------------------------------------------------------------ checkpointing
    def _counters(self) -> dict[str, Any]:
        return {
            "score": float(self._score),
            "t": int(self._t),
            "evaluations": int(self._evaluations),
            "total_evaluations": int(self.total_evaluations),
            "cache_hits": int(self.cache_hits),
            "last_valid": bool(self._last_valid),
            **self.guard.state_dict(),
        }

    def state_dict(self) -> dict[str, Any] | None:
        """The episode state, for ``archgym train --resume``: plain values and CPU tensors only (it saves with
        ``torch.save`` and loads with ``torch.load(weights_only=True)``).

        The env's ``np_random``, counters and current evaluation, and the evaluator's state (architecture,
        child weights with pruning masks, trainer batch order and schedule). An evaluator whose state is too
        big to save (``replay_only``: the stream) is saved as a *replay*: ``np_random`` at the episode's
        start and the actions taken since; restoring resets from it and replays them (bit for bit on the
        CPU; at most ``max_episode_steps`` steps of work).

        :return: the state, or None before the first reset
        """
        if self._eval is None:
            return None
        out: dict[str, Any] = {
            "format": 2,
            "eval_mode": str(self.eval_mode),
            "counters": self._counters(),
            "initial": self._episode_initial.key(),
        }
        if self.evaluator.replay_only:
            out["replay"] = {
                "np_random": self._episode_origin,
                "actions": list(self._episode_actions),
                "initial": self._episode_initial.key(),
            }
            return out
        out["np_random"] = self.np_random.bit_generator.state
        out["eval"] = {k: getattr(self._eval, k) for k in Evaluation.__dataclass_fields__}
        out["evaluator"] = self.evaluator.state_dict()
        return out

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict` snapshot (the env then continues exactly from it).

        :raises ValueError: not a snapshot of this env's kind
        """
        if not isinstance(state, Mapping) or state.get("format") != 2:
            raise ValueError("not an archgym env state (expected a mapping with format 2)")
        if state.get("eval_mode") != self.eval_mode:
            raise ValueError(f"cannot restore a state of eval_mode {state.get('eval_mode')!r} into {self.eval_mode!r}")
        c = state["counters"]
        initial = state.get("initial")  # the episode's start (absent in older snapshots: the preset's)
        if "replay" in state:
            self.np_random.bit_generator.state = state["replay"]["np_random"]
            start = state["replay"].get("initial", initial)
            self.reset(options=None if start is None else {"initial": start})
            for a in state["replay"]["actions"]:
                self.step(a)
        else:
            self.np_random.bit_generator.state = state["np_random"]
            self.evaluator.load_state_dict(state["evaluator"])
            self._eval = Evaluation(**state["eval"])
            self._score, self._t, self._evaluations = float(c["score"]), int(c["t"]), int(c["evaluations"])
            self._last_valid = bool(c["last_valid"])
            self._episode_initial = self.start_architecture(initial) if initial is not None else self.initial_arch
        self.total_evaluations, self.cache_hits = int(c["total_evaluations"]), int(c["cache_hits"])
        self.guard.load_state_dict(c)

    @classmethod
    def keyword_names(cls) -> list[str]:
        """Every keyword the constructor accepts (its own and every config field)."""
        from archgym.envs.config import valid_keywords

        return ["evaluator_kwargs", *valid_keywords()]
