"""The data-task presets (issue 13, item 3): archgym/MNIST1D-v0 (dense + Conv1d in one space), and
archgym/FashionMNIST-v0 / archgym/CIFAR10-v0 (Conv2d, global-average-pool head) reading ``data_root``."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import archgym  # noqa: F401  (registers the presets)
from archgym.agents.sb3 import load_agent_preset
from archgym.arch import Architecture, parse_layers
from archgym.child import ChildNet
from archgym.cli import _summary, main
from archgym.data import load_dataset
from archgym.training import Trainer
from tests.conftest import FAST_ENV_KWARGS
from tests.fake_datasets import IDX_NAMES, fake_data_root, write_cifar10

IMAGE_PRESETS = {"archgym/FashionMNIST-v0": (1, 28, 28), "archgym/CIFAR10-v0": (3, 32, 32)}


def _one_line(e: pytest.ExceptionInfo[BaseException]) -> str:
    msg = str(e.value)
    assert "\n" not in msg and "array(" not in msg and "tensor(" not in msg, msg
    return msg


# --------------------------------------------------------------------------- MNIST-1D
def test_mnist1d_starts_small_with_a_conv_layer_and_reaches_mlps_and_cnns() -> None:
    env = gym.make("archgym/MNIST1D-v0", **FAST_ENV_KWARGS)
    u = env.unwrapped
    _, info = env.reset(seed=0)
    assert info["arch"] == "1x40-[c12k5,16]-10"
    assert u.data.input_shape == (1, 40) and u.data.num_classes == 10
    assert u.space.conv.max > u.space.conv.min and u.space.dense.max > u.space.dense.min
    assert env.spec is not None and env.spec.max_episode_steps == u.horizon
    names = u.action_meanings()
    # removing the conv layer gives an MLP
    _, _, _, _, info = env.step(names.index("remove layer 0"))
    assert info["action_valid"] and info["arch"] == "1x40-[16]-10"
    # from the start, an inserted copy of the conv layer and a widen grow a CNN
    env.reset(seed=0)
    _, _, _, _, info = env.step(names.index("insert after layer 0"))
    assert info["arch"] == "1x40-[c12k5,c12k5,16]-10"
    _, _, _, _, info = env.step(names.index("widen layer 1"))
    step = u.space.conv.step
    assert info["arch"] == f"1x40-[c12k5,c{12 + step}k5,16]-10"
    assert np.isfinite(info["val_accuracy"]) and 0.0 <= info["val_accuracy"] <= 1.0


def test_mnist1d_batched_vector_env_steps_conv_children() -> None:
    venv = gym.make_vec("archgym/MNIST1D-v0", num_envs=2, vectorization_mode="vector_entry_point", **FAST_ENV_KWARGS)
    obs, _ = venv.reset(seed=0)
    obs, rew, _, _, info = venv.step(np.array([2, 3]))  # insert a conv copy / remove the conv layer
    assert obs.shape[0] == 2 and np.isfinite(rew).all()
    assert list(info["arch"]) == ["1x40-[c12k5,c12k5,16]-10", "1x40-[16]-10"]
    venv.close()


def test_agent_presets_have_an_mnist1d_entry() -> None:
    for algo in ("dqn", "qrdqn", "maskable_ppo"):
        preset = load_agent_preset(algo)
        assert "archgym/MNIST1D-v0" in preset.per_env, algo
        hp = preset.hyperparams("archgym/MNIST1D-v0")
        assert hp["n_timesteps"] != preset.default["n_timesteps"], algo  # sized for this env, not the default


# --------------------------------------------------------------------------- image presets on data_root
@pytest.mark.parametrize("env_id", sorted(IMAGE_PRESETS))
def test_image_presets_fail_in_one_line_naming_the_missing_files(env_id: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError) as e:
        gym.make(env_id, data_root=str(tmp_path), device="cpu")
    msg = _one_line(e)
    if "FashionMNIST" in env_id:
        assert str(tmp_path / "FashionMNIST" / "raw") in msg
        assert all(f"{name}[.gz]" in msg for name in IDX_NAMES)
    else:
        assert str(tmp_path / "cifar-10-batches-py") in msg
        assert all(f in msg for f in ("data_batch_1", "data_batch_5", "test_batch", "batches.meta"))
    # the CLI: the same line, exit code 2
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["train", "--env", env_id, "--timesteps", "1", "--logdir", str(tmp_path / "runs"),
                   "--env-kwargs", f"data_root={tmp_path}", "device=cpu"])  # fmt: skip
    lines = err.getvalue().strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("archgym: error: ") and "missing" in lines[0]


@pytest.mark.parametrize("env_id", sorted(IMAGE_PRESETS))
def test_image_presets_load_tiny_real_format_files_and_pass_the_checkers(env_id: str, tmp_path: Path) -> None:
    root = fake_data_root(tmp_path)
    kw = {**FAST_ENV_KWARGS, "data_root": str(root)}
    env = gym.make(env_id, **kw)
    u = env.unwrapped
    assert u.data.input_shape == IMAGE_PRESETS[env_id] and u.data.x_train.dtype == torch.uint8
    assert u.initial_arch.head == "gap" and u.reference_arch.head == "gap"
    _, info = env.reset(seed=0)
    assert info["arch"].endswith("-gap-10") and info["arch"].startswith("x".join(map(str, IMAGE_PRESETS[env_id])))
    names = u.action_meanings()
    for name in ("widen layer 0", "insert after layer 0", "remove layer 0"):
        _, reward, _, _, info = env.step(names.index(name))
        assert info["action_valid"] and np.isfinite(reward) and 0.0 <= info["val_accuracy"] <= 1.0
    gym_check_env(gym.make(env_id, **kw).unwrapped, skip_render_check=True)
    sb3_check_env(gym.make(env_id, **kw), warn=True)


def test_cifar10_preset_reads_data_root_over_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHGYM_DATA_ROOT", str(tmp_path / "nothing-here"))
    write_cifar10(tmp_path / "mine", per_batch=40, n_test=30)
    env = gym.make("archgym/CIFAR10-v0", **{**FAST_ENV_KWARGS, "data_root": str(tmp_path / "mine")})
    assert len(env.unwrapped.data.y_test) == 30  # the official test split, from the given folder
    assert env.unwrapped.data.classes[0] == "airplane"


# --------------------------------------------------------------------------- what the presets rely on
def test_head_keyword_reaches_the_initial_and_reference_networks() -> None:
    env = gym.make("archgym/DigitsCNN-v0", head="gap", **FAST_ENV_KWARGS)
    assert env.unwrapped.initial_arch.key() == "1x8x8-[c4k3,16]-gap-10"
    assert env.unwrapped.reference_arch.head == "gap"
    _, info = env.reset(seed=0)
    assert info["arch"] == "1x8x8-[c4k3,16]-gap-10"
    with pytest.raises(ValueError) as e:
        gym.make("archgym/DigitsMLP-v0", head="gap", **FAST_ENV_KWARGS)
    assert "gap" in _one_line(e) and "flat" in _one_line(e)
    with pytest.raises(ValueError) as e:
        gym.make("archgym/DigitsCNN-v0", head="avg", **FAST_ENV_KWARGS)
    assert _one_line(e).startswith("unknown head 'avg'") and "flatten" in _one_line(e)


def test_trainer_standardises_uint8_batches_like_float_data(tmp_path: Path) -> None:
    root = fake_data_root(tmp_path)
    as_uint8 = load_dataset("fashion_mnist", data_root=root, layout="image", seed=0)
    as_float = load_dataset("fashion_mnist", data_root=root, layout="image", seed=0, keep_uint8=False)
    assert as_uint8.x_train.dtype == torch.uint8 and as_float.x_train.dtype == torch.float32
    arch = Architecture((1, 28, 28), parse_layers(["c4k3p2", 8]), 10, "gap")
    fits = []
    for data in (as_uint8, as_float):
        child = ChildNet(arch, seed=0)
        tr = Trainer(data, batch_size=32, seed=0)
        fit = tr.fit(child, steps=5)
        fits.append((fit.train_loss, tr.evaluate(child, "val", observe=False), child.state_dict()))
    (l8, e8, w8), (lf, ef, wf) = fits
    assert l8 == pytest.approx(lf, rel=1e-5) and e8.accuracy == ef.accuracy
    assert e8.loss == pytest.approx(ef.loss, rel=1e-5)
    assert all(torch.allclose(w8[k], wf[k], atol=1e-6) for k in w8)


def test_train_summary_says_how_much_more_accurate_the_best_network_is() -> None:
    initial = {"arch": "1x40-[c12k5,16]-10", "score": 0.5, "val_accuracy": 0.55, "cost": 0.1, "params": 7938}
    best = {"arch": "1x40-[c20k5,c20k5,16]-10", "score": 0.8, "val_accuracy": 0.8125, "cost": 0.4, "params": 9000,
            "step": 40, "evaluation": 41}  # fmt: skip
    lines = _summary(initial, best)
    assert lines[-1] == "val accuracy:         0.5500 -> 0.8125 (+26.2 points, best vs initial)"
    assert len(_summary(initial, None)) == 2
