"""CleanRL-style single-file DQN on a ``gym.make_vec`` of an archgym env (gymnasium + torch only).

A model for users who write their own training loop: everything is in this file and reads top
to bottom (arguments, envs, Q-network, replay buffer, loop). Invalid actions are masked with
``env.unwrapped.action_masks()`` (read through the vector env's ``call``) unless ``--no-mask``.

How to run (from the repository root)::

    python scripts/cleanrl_dqn.py --quick                       # a few hundred steps, tiny child budgets
    python scripts/cleanrl_dqn.py --total-timesteps 5000 --num-envs 4 --vectorization-mode async
    tensorboard --logdir runs                                   # charts/, losses/, archgym/ scalars

Flags (defaults in brackets):
    --env-id ID               [archgym/DigitsMLP-v0]
    --seed N                  [1]
    --total-timesteps N       env steps summed over the vector [3000]
    --num-envs N              [2]
    --vectorization-mode M    sync | async [sync]
    --learning-rate F         [5e-4]
    --buffer-size N           [10000]
    --gamma F                 [0.99]
    --tau F                   target network soft-update rate (1.0 = hard copy) [1.0]
    --target-network-frequency N  [100]
    --batch-size N            [64]
    --start-e F / --end-e F   epsilon schedule ends [1.0 / 0.05]
    --exploration-fraction F  fraction of the steps over which epsilon decays [0.5]
    --learning-starts N       [200]
    --train-frequency N       vector steps between gradient steps [1]
    --log-every N             vector steps between loss / SPS logs [50]
    --no-mask                 do not mask invalid actions
    --device D                auto | cpu | cuda [auto] (the Q-network; the children follow --env-kwargs device=)
    --env-kwargs K=V ...      env preset overrides, e.g. eval_mode=scratch device=cpu
    --logdir DIR              TensorBoard parent folder [runs]
    --quick                   300 steps, learning from step 64, tiny child budgets (a smoke run)
    --json PATH               write a summary (run name, episodes, mean return, best score) as JSON

The run is named ``env__agent__seed__time`` (CleanRL's convention) and its hyperparameters are
logged to TensorBoard as a markdown table (the TEXT tab).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.tensorboard import SummaryWriter

import archgym  # noqa: F401  (registers the archgym/* ids)

QUICK_ENV_KWARGS = {"initial_steps": 5, "finetune_steps": 2, "scratch_steps": 5, "train_subset": 200, "device": "cpu"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line flags (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env-id", default="archgym/DigitsMLP-v0")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--total-timesteps", type=int, default=3000)
    p.add_argument("--num-envs", type=int, default=2)
    p.add_argument("--vectorization-mode", choices=("sync", "async"), default="sync")
    p.add_argument("--learning-rate", type=float, default=5e-4)
    p.add_argument("--buffer-size", type=int, default=10_000)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--tau", type=float, default=1.0)
    p.add_argument("--target-network-frequency", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--start-e", type=float, default=1.0)
    p.add_argument("--end-e", type=float, default=0.05)
    p.add_argument("--exploration-fraction", type=float, default=0.5)
    p.add_argument("--learning-starts", type=int, default=200)
    p.add_argument("--train-frequency", type=int, default=1)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--no-mask", action="store_true")
    p.add_argument("--device", default="auto")
    p.add_argument("--env-kwargs", nargs="*", default=[])
    p.add_argument("--logdir", default="runs")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    if args.quick:
        args.total_timesteps, args.learning_starts, args.batch_size = 300, 64, 32
    if args.total_timesteps < args.num_envs or args.num_envs < 1:
        p.error(
            f"need --num-envs >= 1 and --total-timesteps >= --num-envs, got {args.num_envs}, {args.total_timesteps}"
        )
    return args


def parse_env_kwargs(items: list[str], quick: bool) -> dict:
    """``["a=1", "b=x"]`` -> ``{"a": 1, "b": "x"}`` (JSON values when they parse), over the quick defaults."""
    out = dict(QUICK_ENV_KWARGS) if quick else {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"bad --env-kwargs item {item!r}; write KEY=VALUE, e.g. device=cpu")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


class QNetwork(nn.Module):
    """Q-values of every action from an observation (an MLP, as in CleanRL's dqn.py)."""

    def __init__(self, obs_dim: int, n_actions: int) -> None:
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(obs_dim, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, n_actions)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Q-values, shape ``(batch, n_actions)``."""
        return self.network(x)


def linear_schedule(start_e: float, end_e: float, duration: int, t: int) -> float:
    """Epsilon decaying linearly from ``start_e`` to ``end_e`` over ``duration`` steps."""
    slope = (end_e - start_e) / max(duration, 1)
    return max(slope * t + start_e, end_e)


class ReplayBuffer:
    """A circular buffer of transitions held as torch tensors on ``device``."""

    def __init__(self, size: int, obs_dim: int, n_actions: int, device: torch.device) -> None:
        self.size, self.pos, self.full, self.device = size, 0, False, device
        self.obs = torch.zeros((size, obs_dim), device=device)
        self.next_obs = torch.zeros((size, obs_dim), device=device)
        self.actions = torch.zeros(size, dtype=torch.long, device=device)
        self.rewards = torch.zeros(size, device=device)
        self.dones = torch.zeros(size, device=device)
        self.next_masks = torch.ones((size, n_actions), dtype=torch.bool, device=device)

    def add(self, obs: np.ndarray, next_obs: np.ndarray, actions: np.ndarray, rewards: np.ndarray,
            dones: np.ndarray, next_masks: np.ndarray) -> None:  # fmt: skip
        """Store a batch of transitions (one per env)."""
        n = len(obs)
        idx = torch.arange(self.pos, self.pos + n, device=self.device) % self.size
        self.obs[idx] = torch.as_tensor(obs, dtype=torch.float32, device=self.device)
        self.next_obs[idx] = torch.as_tensor(next_obs, dtype=torch.float32, device=self.device)
        self.actions[idx] = torch.as_tensor(actions, dtype=torch.long, device=self.device)
        self.rewards[idx] = torch.as_tensor(rewards, dtype=torch.float32, device=self.device)
        self.dones[idx] = torch.as_tensor(dones, dtype=torch.float32, device=self.device)
        self.next_masks[idx] = torch.as_tensor(next_masks, dtype=torch.bool, device=self.device)
        self.full = self.full or self.pos + n >= self.size
        self.pos = (self.pos + n) % self.size

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        """A uniform batch ``(obs, actions, rewards, next_obs, dones, next_masks)``."""
        high = self.size if self.full else self.pos
        idx = torch.randint(0, high, (batch_size,), generator=generator).to(self.device)
        return (
            self.obs[idx],
            self.actions[idx],
            self.rewards[idx],
            self.next_obs[idx],
            self.dones[idx],
            self.next_masks[idx],
        )


def main(argv: list[str] | None = None) -> dict:
    """Train, log to TensorBoard, and return the summary."""
    args = parse_args(argv)
    env_kwargs = parse_env_kwargs(args.env_kwargs, args.quick)
    run_name = f"{args.env_id.replace('/', '_')}__{Path(__file__).stem}__{args.seed}__{int(time.time())}"

    # Logging: the hyperparameters as a markdown table, then scalars as training goes.
    writer = SummaryWriter(str(Path(args.logdir) / run_name))
    hparams = {**vars(args), "env_kwargs": env_kwargs}
    writer.add_text("hyperparameters", "|param|value|\n|-|-|\n" + "\n".join(f"|{k}|{v}|" for k, v in hparams.items()))

    # Seeding.
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = torch.Generator().manual_seed(args.seed)
    if args.device == "auto":
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        device = torch.device(args.device)

    # Envs: a gymnasium vector env of the registered id ("archgym:" makes async workers import archgym).
    envs = gym.make_vec(
        f"archgym:{args.env_id}", num_envs=args.num_envs, vectorization_mode=args.vectorization_mode, **env_kwargs
    )
    assert isinstance(envs.single_action_space, gym.spaces.Discrete), "DQN needs a Discrete action space"
    obs_dim = int(np.prod(envs.single_observation_space.shape))
    n_actions = int(envs.single_action_space.n)

    def action_masks() -> np.ndarray:
        if args.no_mask:
            return np.ones((args.num_envs, n_actions), dtype=bool)
        return np.stack(envs.call("action_masks"))

    # Agent: online and target Q-networks.
    q_network = QNetwork(obs_dim, n_actions).to(device)
    optimizer = torch.optim.Adam(q_network.parameters(), lr=args.learning_rate)
    target_network = QNetwork(obs_dim, n_actions).to(device)
    target_network.load_state_dict(q_network.state_dict())
    rb = ReplayBuffer(args.buffer_size, obs_dim, n_actions, device)

    # Training loop. Gymnasium's vector envs reset a finished env on the *next* step (autoreset
    # mode NEXT_STEP): the transition of that step is not a real one and is not stored.
    start_time = time.time()
    obs, _ = envs.reset(seed=args.seed)
    masks = action_masks()
    autoreset = np.zeros(args.num_envs, dtype=bool)
    episode_returns, best_score, global_step = [], -float("inf"), 0
    running_return = np.zeros(args.num_envs)
    num_iterations = args.total_timesteps // args.num_envs
    for iteration in range(num_iterations):
        global_step = iteration * args.num_envs
        epsilon = linear_schedule(args.start_e, args.end_e, int(args.exploration_fraction * num_iterations), iteration)
        with torch.no_grad():
            q_values = q_network(torch.as_tensor(obs, dtype=torch.float32, device=device))
            q_values[~torch.as_tensor(masks, device=device)] = -torch.inf
            greedy = q_values.argmax(dim=1).cpu().numpy()
        random_actions = np.array([np.random.choice(np.flatnonzero(m)) for m in masks])
        actions = np.where(np.random.random(args.num_envs) < epsilon, random_actions, greedy)

        next_obs, rewards, terminations, truncations, infos = envs.step(actions)
        next_masks = action_masks()

        # Record finished episodes and the best architecture seen.
        running_return = np.where(autoreset, 0.0, running_return + rewards)
        done = np.logical_and(np.logical_or(terminations, truncations), ~autoreset)
        for i in np.flatnonzero(done):
            episode_returns.append(float(running_return[i]))
            writer.add_scalar("charts/episodic_return", running_return[i], global_step)
        if "score" in infos:
            valid = ~autoreset
            if valid.any():
                best_score = max(best_score, float(np.max(infos["score"][valid])))
                writer.add_scalar("archgym/val_accuracy", float(np.mean(infos["val_accuracy"][valid])), global_step)
                writer.add_scalar("archgym/best_score", best_score, global_step)

        # Store the real transitions (bootstrapping through truncation, not termination).
        keep = ~autoreset
        if keep.any():
            rb.add(obs[keep], next_obs[keep], actions[keep], rewards[keep], terminations[keep], next_masks[keep])
        obs, masks, autoreset = next_obs, next_masks, np.logical_or(terminations, truncations)

        # Learn: one-step TD target from the target network, max over the valid next actions.
        if global_step > args.learning_starts and iteration % args.train_frequency == 0:
            b_obs, b_actions, b_rewards, b_next_obs, b_dones, b_next_masks = rb.sample(args.batch_size, rng)
            with torch.no_grad():
                next_q = target_network(b_next_obs).masked_fill(~b_next_masks, -torch.inf).max(dim=1).values
                td_target = b_rewards + args.gamma * next_q * (1.0 - b_dones)
            old_val = q_network(b_obs).gather(1, b_actions[:, None]).squeeze(1)
            loss = F.mse_loss(td_target, old_val)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if iteration % args.log_every == 0:
                writer.add_scalar("losses/td_loss", loss.item(), global_step)
                writer.add_scalar("losses/q_values", old_val.mean().item(), global_step)
                writer.add_scalar("charts/SPS", int(global_step / (time.time() - start_time)), global_step)
                writer.add_scalar("charts/epsilon", epsilon, global_step)

            # Update the target network (tau = 1.0 is CleanRL's hard copy).
            if iteration % args.target_network_frequency == 0:
                for t_param, q_param in zip(target_network.parameters(), q_network.parameters(), strict=True):
                    t_param.data.copy_(args.tau * q_param.data + (1.0 - args.tau) * t_param.data)

    envs.close()
    writer.close()
    summary = {
        "run_name": run_name,
        "env_steps": num_iterations * args.num_envs,
        "episodes": len(episode_returns),
        "mean_return": float(np.mean(episode_returns)) if episode_returns else float("nan"),
        "best_score": best_score,
        "seconds": round(time.time() - start_time, 2),
    }
    print(json.dumps(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
