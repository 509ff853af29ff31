"""Shared fixtures: tiny, fast env settings."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.fake_datasets import fake_data_root

torch.set_num_threads(1)
os.environ.setdefault("ARCHGYM_TEST", "1")
# Tiny FashionMNIST / MNIST / KMNIST / CIFAR-10 files in the real formats: the presets that read data_root
# (archgym/FashionMNIST-v0, archgym/CIFAR10-v0) build offline in every test, subprocesses included.
_FAKE_DATA_ROOT = fake_data_root(Path(tempfile.mkdtemp(prefix="archgym-fake-data-")))
atexit.register(shutil.rmtree, _FAKE_DATA_ROOT, ignore_errors=True)
os.environ["ARCHGYM_DATA_ROOT"] = str(_FAKE_DATA_ROOT)

# Budgets small enough that an env step costs a few milliseconds.
FAST_ENV_KWARGS = {"initial_steps": 5, "finetune_steps": 2, "scratch_steps": 5, "train_subset": 200, "device": "cpu"}
# The same idea for every env class: each registered id gets the subset its constructor accepts.
_FAST_ANY = {**FAST_ENV_KWARGS, "chunk_size": 16, "chunks_per_step": 2, "warmup_chunks": 2}


def fast_kwargs_for(env_id: str) -> dict:
    """Fast-test kwargs accepted by the entry point of ``env_id``."""
    import inspect

    import gymnasium as gym

    spec = gym.spec(env_id)
    cls = spec.entry_point if callable(spec.entry_point) else gym.envs.registration.load_env_creator(spec.entry_point)
    # archgym's env takes its config fields as **keywords: it names them (keyword_names); other classes by signature
    accepted = cls.keyword_names() if hasattr(cls, "keyword_names") else inspect.signature(cls.__init__).parameters
    return {k: v for k, v in _FAST_ANY.items() if k in accepted}


@pytest.fixture
def fast_kwargs() -> dict:
    """Env kwargs for fast tests."""
    return dict(FAST_ENV_KWARGS)


def gaussian_blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of 3 Gaussian classes in 3 features (their own means and widths; the third feature carries
    only noise), for the naive-Bayes statistics of the tree's leaves and of the naive-Bayes member."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centres = np.array([[0.0, 0.0, 5.0], [2.0, 1.0, 5.0], [0.0, 3.0, 5.0]])
    scales = np.array([[1.0, 0.5, 2.0], [0.7, 1.0, 2.0], [1.2, 0.8, 2.0]])
    return centres[y] + scales[y] * rng.normal(size=(n, 3)), y
