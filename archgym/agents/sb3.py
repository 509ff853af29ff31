"""Stable-Baselines3 agents built from the YAML agent presets (rl-zoo style).

An agent preset is one file ``agents/<name>.yaml``: ``algo`` names the algorithm (a key of
:data:`ALGOS`), ``default`` holds the hyperparameters used for every env, and an entry per env id
(``archgym/DigitsMLP-v0: {...}``) overrides some of them. Adding a file adds an agent, no code change.

Besides the algorithm's own keyword arguments, an entry may hold:

* ``n_timesteps``: the default training length for that env;
* ``policy``: the SB3 policy name (default ``MlpPolicy``);
* ``reward_scale``: the agent learns from ``reward_scale * reward`` (score differences are ~0.01,
  small next to a fresh Q-network's outputs); logs, records and evaluations keep the env's reward;
* ``exploration_steps`` (DQN, QR-DQN): epsilon decays from ``exploration_initial_eps`` to
  ``exploration_final_eps`` over this many env steps (SB3's ``num_timesteps``: summed over the envs of a
  vector env), whatever the run's length. SB3's own ``exploration_fraction`` is relative to the run's
  ``total_timesteps``, so a fraction tuned on a 300-step run explores 3x longer on a 1000-step run;
  :func:`algo_kwargs` converts ``exploration_steps`` into the fraction for the run's length. An entry
  sets one of the two: the more specific entry's choice replaces the other (:func:`merge_hyperparams`);
* ``restart_prob``: each episode starts from the best architecture found so far with this probability
  (:class:`archgym.agents.restarts.RestartFromIncumbent`, applied by
  :func:`wrap_agent_env`); ``restart_rank_by`` (``max``: the highest single score, or ``mean``: the highest mean
  score of an architecture) and ``restart_top_k`` (restart from one of the k best, drawn uniformly) choose
  which architecture (:func:`archgym.agents.restarts.restart_options_of`);
* ``policy_kwargs``: as in SB3; ``activation_fn`` may be a name (``relu``, ``tanh``, ...);
* schedules: ``learning_rate`` (and PPO's ``clip_range``) may be a number or an
  :mod:`archgym.schedules` spec such as ``{name: cosine, lr: 1.0e-3, min_lr: 1.0e-4}``; a ``total``
  left out spans the whole run. They become :func:`archgym.schedules.sb3_schedule` callables.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import importlib.util
import inspect
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, SupportsFloat

import gymnasium as gym
import torch.nn as nn
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.logger import HumanOutputFormat, Logger

from archgym.agents.restarts import RestartFromIncumbent, restart_options_of, restart_prob_of, wrap_restarts
from archgym.presets import find_preset_file, preset_files, read_yaml, yaml_number
from archgym.schedules import SCHEDULES, make_schedule, sb3_schedule

__all__ = [
    "ACTIVATIONS",
    "ALGOS",
    "AgentPreset",
    "AlgoSpec",
    "ScaleReward",
    "agent_preset_problems",
    "algo_kwargs",
    "exploration_fraction_of",
    "list_agent_presets",
    "load_agent_preset",
    "make_agent",
    "merge_hyperparams",
    "reward_scale_of",
    "scale_reward",
    "wrap_agent_env",
]

#: Preset keys that are not keyword arguments of the algorithm (``exploration_steps`` becomes one).
META_KEYS = (
    "n_timesteps",
    "policy",
    "reward_scale",
    "exploration_steps",
    "restart_prob",
    "restart_rank_by",
    "restart_top_k",
)
#: Keys that say the same thing two ways: an entry that sets one drops the other from the entries below it.
EXCLUSIVE_KEYS = (("exploration_steps", "exploration_fraction"),)
#: Hyperparameters that may be written as an :mod:`archgym.schedules` spec.
SCHEDULE_KEYS = ("learning_rate", "clip_range")


@dataclass(frozen=True)
class AlgoSpec:
    """How to find one SB3 algorithm class.

    :param module: module holding the class
    :param cls_name: class name
    :param extra: the pip extra that provides ``module`` (``None``: always installed)
    :param masked: the algorithm takes ``action_masks=`` in ``predict`` (MaskablePPO)
    """

    module: str
    cls_name: str
    extra: str | None = None
    masked: bool = False

    def load(self) -> type[BaseAlgorithm]:
        """Import and return the class; a missing optional package raises ValueError naming the extra."""
        try:
            mod = importlib.import_module(self.module)
        except ImportError:
            raise ValueError(
                f"{self.cls_name} needs the optional package of {self.module.split('.')[0]!r}: "
                f"pip install 'archgym[{self.extra}]'"
            ) from None
        return getattr(mod, self.cls_name)

    @property
    def available(self) -> bool:
        """Whether the module can be imported here."""
        return importlib.util.find_spec(self.module.split(".")[0]) is not None


#: algo name -> where its class lives.
ALGOS: dict[str, AlgoSpec] = {
    "dqn": AlgoSpec("stable_baselines3", "DQN"),
    "ppo": AlgoSpec("stable_baselines3", "PPO"),
    "a2c": AlgoSpec("stable_baselines3", "A2C"),
    "qrdqn": AlgoSpec("sb3_contrib", "QRDQN", extra="contrib"),
    "maskable_ppo": AlgoSpec("sb3_contrib", "MaskablePPO", extra="contrib", masked=True),
}

#: activation names usable in ``policy_kwargs.activation_fn``.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
    "silu": nn.SiLU,
}


def _unknown(kind: str, name: object, valid: list[str]) -> ValueError:
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return ValueError(f"unknown {kind} {name!r}{hint} valid: {', '.join(valid)}")


@dataclass(frozen=True)
class AgentPreset:
    """One agent preset file.

    :param name: preset name (the file stem, e.g. ``dqn``)
    :param algo: key of :data:`ALGOS`
    :param default: hyperparameters for any env
    :param per_env: overrides by env id
    :param path: the YAML file
    """

    name: str
    algo: str
    default: dict[str, Any]
    per_env: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    @property
    def spec(self) -> AlgoSpec:
        """The algorithm's :class:`AlgoSpec`."""
        return ALGOS[self.algo]

    def hyperparams(self, env_id: str) -> dict[str, Any]:
        """``default`` updated with the entry of ``env_id`` (``policy_kwargs`` merged key by key).

        :param env_id: registered env id
        :return: a fresh dict (safe to modify)
        """
        return merge_hyperparams(self.default, self.per_env.get(env_id, {}))


def merge_hyperparams(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``override``, as preset entries layer (default, env id, ``@table``, ``--hp``).

    ``policy_kwargs`` merge key by key; of two keys that say the same thing two ways (:data:`EXCLUSIVE_KEYS`:
    ``exploration_steps`` / ``exploration_fraction``), the one ``override`` sets replaces the other.

    :param base: the hyperparameters so far
    :param override: the more specific entry
    :return: a fresh dict (deep copies; safe to modify)
    """
    out = copy.deepcopy(dict(base))
    extra = copy.deepcopy(dict(override))
    for pair in EXCLUSIVE_KEYS:
        for key in pair:
            if key in extra:
                for other in pair:
                    if other != key and other not in extra:
                        out.pop(other, None)
    pk = {**(out.get("policy_kwargs") or {}), **(extra.pop("policy_kwargs", None) or {})}
    out.update(extra)
    if pk:
        out["policy_kwargs"] = pk
    return out


class ScaleReward(gym.RewardWrapper):
    """Multiply the reward by ``scale`` (wrap outside ``Monitor`` so logged returns stay in score units).

    :param env: the env
    :param scale: the factor (> 0)
    """

    def __init__(self, env: gym.Env, scale: float) -> None:
        super().__init__(env)
        self.scale = float(scale)

    def reward(self, reward: SupportsFloat) -> float:
        """The scaled reward."""
        return self.scale * float(reward)


def reward_scale_of(hyperparams: Mapping[str, Any]) -> float:
    """The preset's ``reward_scale`` (default 1), validated.

    :raises ValueError: not a number > 0
    """
    scale = yaml_number(hyperparams.get("reward_scale", 1.0))
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale < math.inf:
        raise ValueError(f"reward_scale must be a number > 0, got {scale!r}")
    return float(scale)


def scale_reward(env: gym.Env, hyperparams: Mapping[str, Any]) -> gym.Env:
    """Wrap ``env`` in :class:`ScaleReward` when the preset sets ``reward_scale`` (else return it as is).

    Scripts that build agents with :func:`algo_kwargs` use this so they train like ``archgym train``.
    """
    scale = reward_scale_of(hyperparams)
    return ScaleReward(env, scale) if scale != 1.0 else env


def wrap_agent_env(env: gym.Env, hyperparams: Mapping[str, Any], seed: int | None = None) -> gym.Env:
    """The env an agent preset trains on: :class:`~archgym.agents.restarts.RestartFromIncumbent` when
    ``restart_prob`` > 0 (ranking and choosing by ``restart_rank_by`` / ``restart_top_k``), then the reward
    scaling (:func:`scale_reward`); each wrapper only when its key asks for it.

    :param env: the env
    :param hyperparams: the merged preset entry
    :param seed: seed of the restart coin (default: the first reset's seed)
    :raises ValueError: a bad ``restart_prob``, ``restart_rank_by``, ``restart_top_k`` or ``reward_scale``
    """
    return scale_reward(wrap_restarts(env, hyperparams, seed=seed), hyperparams)


def list_agent_presets(folder: Path | None = None) -> list[str]:
    """Names of the SB3 agent presets in ``folder`` (default: every agent preset folder, :mod:`archgym.presets`).

    A preset is a YAML file whose ``algo`` (default: the file stem) is a key of :data:`ALGOS`; other
    files there (e.g. ``rule.yaml``, the rule-based baseline's fields) are not agents. A file that does
    not parse is left out here; loading it by name reports its error.
    """
    paths = sorted(folder.glob("*.yaml")) if folder is not None else preset_files("agents")
    out = []
    for p in paths:
        try:
            data = read_yaml(p)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("algo", p.stem) in ALGOS and p.stem not in out:
            out.append(p.stem)
    return sorted(out)


def agent_preset_problems() -> list[str]:
    """What is wrong with the agent preset files of every folder: files that do not parse and names
    defined in two folders (one message each; ``archgym list`` reports them)."""
    out: list[str] = []
    seen: dict[str, Path] = {}
    for p in preset_files("agents"):
        if p.stem in seen:
            out.append(f"agent preset {p.stem!r} is defined twice: {seen[p.stem]} and {p}; remove or rename one")
            continue
        seen[p.stem] = p
        try:
            data = read_yaml(p)
        except ValueError as e:
            out.append(f"broken preset file: {e}")
            continue
        if not isinstance(data, dict):
            out.append(f"broken preset file: {p}: an agent preset must be a mapping, got {type(data).__name__}")
    return out


def load_agent_preset(name: str, folder: Path | None = None) -> AgentPreset:
    """Read ``agents/<name>.yaml``.

    :param name: preset name, e.g. ``dqn``
    :param folder: preset folder (default: every agent preset folder, :func:`archgym.presets.preset_dirs`)
    :raises ValueError: unknown preset (with the valid names), a malformed file, or a name defined in two
        folders (both files named)
    """
    if folder is not None:
        path: Path | None = folder / f"{name}.yaml" if (folder / f"{name}.yaml").is_file() else None
    else:
        path = find_preset_file("agents", name)
    if path is None:
        raise _unknown("agent preset", name, list_agent_presets(folder))
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an agent preset must be a mapping, got {type(data).__name__}")
    algo = data.get("algo", name)
    if algo not in ALGOS:
        raise ValueError(
            f"{path} is not an SB3 agent preset (algo {algo!r}; valid algos: {', '.join(ALGOS)}); "
            f"agent presets: {', '.join(list_agent_presets(folder))}"
        )
    default = data.get("default") or {}
    per_env = {k: v for k, v in data.items() if k not in ("algo", "default")}
    for key, entry in [("default", default), *per_env.items()]:
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: entry {key!r} must be a mapping of hyperparameters, got {entry!r}")
    return AgentPreset(name=name, algo=algo, default=default, per_env=per_env, path=path)


def _schedule(key: str, value: Any, total_timesteps: int) -> float | Callable[[float], float]:
    """A number stays a number; a schedule spec becomes an SB3 callable (a missing ``total`` spans the run)."""
    value = yaml_number(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    spec = dict(value) if isinstance(value, Mapping) else {"name": value}
    cls = SCHEDULES.get(str(spec.get("name", "")).lower())
    if cls is not None and "total" in cls.valid_keys() and "total" not in spec:
        spec["total"] = max(int(total_timesteps), 1)
    try:
        return sb3_schedule(make_schedule(spec), max(int(total_timesteps), 1))
    except ValueError as e:
        raise ValueError(f"bad {key} schedule {value!r}: {e}") from None


def _policy_kwargs(pk: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(pk)
    act = out.get("activation_fn")
    if isinstance(act, str):
        if act.lower() not in ACTIVATIONS:
            raise _unknown("activation_fn", act, list(ACTIVATIONS))
        out["activation_fn"] = ACTIVATIONS[act.lower()]
    return out


def exploration_fraction_of(hyperparams: Mapping[str, Any], total_timesteps: int) -> float | None:
    """SB3's ``exploration_fraction`` for a run of ``total_timesteps`` env steps from the preset's
    ``exploration_steps`` (``steps / total_timesteps``; above 1 when the run ends before epsilon is down,
    which SB3's linear schedule handles), or None when the preset does not set ``exploration_steps``.

    :raises ValueError: ``exploration_steps`` not an int >= 1 (a whole number as a float is accepted), or
        given together with ``exploration_fraction``
    """
    steps = yaml_number(hyperparams.get("exploration_steps"))
    if steps is None:
        return None
    if isinstance(steps, float) and steps.is_integer():
        steps = int(steps)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"exploration_steps must be an int >= 1 (env steps over which epsilon decays), got {steps!r}")
    if hyperparams.get("exploration_fraction") is not None:
        raise ValueError(
            "give exploration_steps (env steps) or exploration_fraction (of the run), not both: got "
            f"exploration_steps={steps!r} and exploration_fraction={hyperparams['exploration_fraction']!r}"
        )
    return steps / max(int(total_timesteps), 1)


def algo_kwargs(algo: str, hyperparams: Mapping[str, Any], total_timesteps: int) -> dict[str, Any]:
    """Keyword arguments for the algorithm class from preset hyperparameters.

    Meta keys (:data:`META_KEYS`) are dropped, ``exploration_steps`` becomes ``exploration_fraction`` for
    this run's length (:func:`exploration_fraction_of`), schedules and activation names resolved, numeric
    strings turned into floats, and every remaining key checked against the class signature.

    :param algo: key of :data:`ALGOS`
    :param hyperparams: merged preset entry (see :meth:`AgentPreset.hyperparams`)
    :param total_timesteps: training length (spans schedules whose ``total`` is left out, and converts
        ``exploration_steps``)
    :raises ValueError: an unknown hyperparameter (with a "did you mean"), a bad schedule, or a bad
        ``exploration_steps`` (also: given to an algorithm without epsilon-greedy exploration)
    """
    if algo not in ALGOS:
        raise _unknown("algo", algo, list(ALGOS))
    cls = ALGOS[algo].load()
    valid = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "policy", "env")]
    valid = [p for p in valid if not p.startswith("_") and p not in ("tensorboard_log", "seed", "device", "verbose")]
    out: dict[str, Any] = {}
    for key, value in hyperparams.items():
        if key in META_KEYS:
            continue
        if key not in valid:
            raise _unknown(f"hyperparameter of {cls.__name__}", key, valid)
        if key in SCHEDULE_KEYS:
            out[key] = _schedule(key, value, total_timesteps)
        elif key == "policy_kwargs":
            out[key] = _policy_kwargs(value or {})
        elif key == "train_freq" and isinstance(value, list):
            out[key] = (int(value[0]), str(value[1]))
        elif value is None and key == "exploration_fraction":
            continue  # ``exploration_fraction: null`` in an entry: the algorithm's default (or exploration_steps)
        else:
            out[key] = yaml_number(value)
    fraction = exploration_fraction_of(hyperparams, total_timesteps)
    if fraction is not None:
        if "exploration_fraction" not in valid:
            raise ValueError(
                f"exploration_steps is for algorithms with epsilon-greedy exploration (dqn, qrdqn); "
                f"{cls.__name__} has no exploration_fraction"
            )
        out["exploration_fraction"] = fraction
    return out


def make_agent(
    algo: str,
    env: Any,
    hyperparams: Mapping[str, Any],
    total_timesteps: int,
    seed: int | None = None,
    device: str = "auto",
    verbose: int = 0,
) -> BaseAlgorithm:
    """Build an SB3 model for ``env`` from preset hyperparameters.

    :param algo: key of :data:`ALGOS` (``dqn``, ``qrdqn``, ``maskable_ppo``, ...)
    :param env: a Gymnasium env or SB3 VecEnv
    :param hyperparams: merged preset entry
    :param total_timesteps: training length (for schedules)
    :param seed: seed of the agent's RNGs
    :param device: torch device of the agent (``auto``, ``cpu``, ``cuda``)
    :param verbose: SB3 verbosity

    The model logs to stdout when ``verbose`` >= 1 and nowhere else until a caller gives it a logger
    (``archgym train`` gives it the run dir's): SB3's default logger would make an empty
    ``SB3-<time>`` folder in the temp dir at every ``learn()`` call.
    """
    cls = ALGOS[algo].load() if algo in ALGOS else None
    if cls is None:
        raise _unknown("algo", algo, list(ALGOS))
    kwargs = algo_kwargs(algo, hyperparams, total_timesteps)
    _check_restarts(env, hyperparams)
    policy = hyperparams.get("policy", "MlpPolicy")
    model = cls(policy, env, seed=seed, device=device, verbose=verbose, **kwargs)
    model.set_logger(Logger(None, [HumanOutputFormat(sys.stdout)] if verbose >= 1 else []))
    return model


def _check_restarts(env: Any, hyperparams: Mapping[str, Any]) -> None:
    """A preset's ``restart_prob`` > 0 acts through a wrapper around the env: refuse an env without it, or one
    whose wrapper ranks otherwise than ``restart_rank_by`` / ``restart_top_k`` say, rather than train as if the
    keys were not there."""
    from stable_baselines3.common.env_util import unwrap_wrapper
    from stable_baselines3.common.vec_env import VecEnv

    prob = restart_prob_of(hyperparams)
    want = restart_options_of(hyperparams)
    if prob == 0:
        return
    if isinstance(env, VecEnv):
        wrapped = all(env.env_is_wrapped(RestartFromIncumbent))
        found = env.get_attr("restart_options") if wrapped else []
    else:
        e = unwrap_wrapper(env, RestartFromIncumbent)
        wrapped = isinstance(e, RestartFromIncumbent)
        found = [e.restart_options] if isinstance(e, RestartFromIncumbent) else []
    if not wrapped:
        raise ValueError(
            f"restart_prob={prob} needs the env wrapped in archgym.agents.restarts.RestartFromIncumbent "
            "(archgym.agents.sb3.wrap_agent_env(env, hyperparams) does it, as scripts/compare_agents.py "
            "does); this env is not, so set restart_prob: 0 or wrap it"
        )
    expected = (want["rank_by"], want["top_k"])
    if any(tuple(f) != expected for f in found):
        raise ValueError(
            f"restart_rank_by={expected[0]} restart_top_k={expected[1]} but the env's RestartFromIncumbent has "
            f"rank_by={found[0][0]} top_k={found[0][1]}: wrap it with both keys "
            "(archgym.agents.sb3.wrap_agent_env(env, hyperparams), as scripts/compare_agents.py does) or leave them out"
        )
