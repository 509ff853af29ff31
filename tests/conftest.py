"""Shared fixtures: tiny, fast env settings."""

from __future__ import annotations

import os

import pytest
import torch

torch.set_num_threads(1)
os.environ.setdefault("ARCHGYM_TEST", "1")

# Budgets small enough that an env step costs a few milliseconds.
FAST_ENV_KWARGS = {"initial_steps": 5, "finetune_steps": 2, "scratch_steps": 5, "train_subset": 200, "device": "cpu"}


@pytest.fixture
def fast_kwargs() -> dict:
    """Env kwargs for fast tests."""
    return dict(FAST_ENV_KWARGS)
