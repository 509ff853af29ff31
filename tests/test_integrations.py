"""archgym through other libraries: SB3 vec envs, the CleanRL-style script, TorchRL, Tianshou, and
the README / docs snippets (executed, so they cannot rot).

TorchRL and Tianshou are optional: without them their tests skip, unless
``ARCHGYM_REQUIRE_INTEGRATIONS=1`` (``make test-libs``), which turns a missing library into a failure.
Snippets that import ``ray`` run in ``tests/test_ray.py``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import FAST_ENV_KWARGS

ROOT = Path(__file__).resolve().parents[1]
SNIPPET_HEADING = "## Using archgym from other libraries"
OPTIONAL = ("ray", "torchrl", "tensordict", "tianshou")
#: archgym modules whose functions need an optional library
NEEDS = {"archgym.integrations.ray_search": "ray", "archgym.integrations.rllib": "ray"}
ENV_ID = "archgym/DigitsMLP-v0"


# --------------------------------------------------------------------------- helpers (test_ray imports them)
def require(module: str) -> ModuleType:
    """``pytest.importorskip``, or a hard failure when ``ARCHGYM_REQUIRE_INTEGRATIONS=1``."""
    if os.environ.get("ARCHGYM_REQUIRE_INTEGRATIONS") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module)


def snippet_source() -> tuple[Path, str]:
    """The README's "Using archgym from other libraries" section if present, else docs/integrations.md."""
    readme = ROOT / "README.md"
    text = readme.read_text() if readme.exists() else ""
    if SNIPPET_HEADING in text:
        section = text.split(SNIPPET_HEADING, 1)[1]
        nxt = re.search(r"^## ", section, flags=re.M)
        return readme, section[: nxt.start()] if nxt else section
    doc = ROOT / "docs" / "integrations.md"
    return doc, doc.read_text()


def python_snippets() -> list[tuple[str, str]]:
    """``(id, code)`` of every fenced python block of the snippet source."""
    path, text = snippet_source()
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.M | re.S)
    return [(f"{path.name}#{i}", code) for i, code in enumerate(blocks)]


def optional_imports(code: str) -> set[str]:
    """Optional libraries a snippet needs: those it imports, and those behind the archgym modules it imports."""
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return {m.split(".")[0] for m in modules} & set(OPTIONAL) | {NEEDS[m] for m in modules if m in NEEDS}


def run_snippet(code: str, name: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Execute a snippet in ``cwd`` (files it writes land there); return its globals."""
    monkeypatch.chdir(cwd)
    scope: dict = {"__name__": "__snippet__"}
    exec(compile(code, name, "exec"), scope)
    return scope


# --------------------------------------------------------------------------- snippets
def test_snippet_source_has_blocks_for_every_library() -> None:
    ids_and_code = python_snippets()
    imported = set().union(*(optional_imports(c) for _, c in ids_and_code))
    assert {"ray", "torchrl", "tianshou"} <= imported
    assert any("stable_baselines3" in c for _, c in ids_and_code)


NON_RAY = [(i, c) for i, c in python_snippets() if "ray" not in optional_imports(c)]


@pytest.mark.parametrize(("name", "code"), NON_RAY, ids=[i for i, _ in NON_RAY])
def test_snippet_runs(name: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in optional_imports(code):
        require(module)
    scope = run_snippet(code, name, tmp_path, monkeypatch)
    assert scope, "the snippet defined nothing"


# --------------------------------------------------------------------------- SB3 vec envs
def test_sb3_subproc_matches_dummy() -> None:
    from archgym.integrations.sb3_vec import make_sb3_vec_env

    out = {}
    for vec in ("dummy", "subproc"):
        venv = make_sb3_vec_env(ENV_ID, n_envs=2, vec=vec, seed=3, env_kwargs=FAST_ENV_KWARGS)
        try:
            obs = venv.reset()
            obs2, rewards, dones, infos = venv.step(np.array([0, 12]))  # widen layer 0 / stop
        finally:
            venv.close()
        out[vec] = (obs, obs2, rewards, dones, [i["arch"] for i in infos], [i["params"] for i in infos])
    assert out["dummy"][0].shape == (2, 20)
    for a, b in zip(out["dummy"][:4], out["subproc"][:4], strict=True):  # rewards: float32 buffer vs float64
        np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6)
    assert out["dummy"][3].tolist() == [False, True]  # the stop action ends env 1's episode
    assert out["dummy"][4:] == out["subproc"][4:]
    assert out["dummy"][5][0] > out["dummy"][5][1]  # env 0 widened its layer, env 1 stopped


def test_sb3_vec_seeds_envs_differently() -> None:
    from archgym.integrations.sb3_vec import make_sb3_vec_env

    venv = make_sb3_vec_env(ENV_ID, n_envs=2, vec="dummy", seed=0, env_kwargs=FAST_ENV_KWARGS)
    obs = venv.reset()
    venv.close()
    assert not np.array_equal(obs[0], obs[1])  # seeds 0 and 1: different initial children


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"vec": "subprocess"}, r"unknown vec env kind 'subprocess'; did you mean 'subproc'\?.*dummy, subproc"),
        ({"n_envs": 0}, r"n_envs must be an int >= 1, got 0"),
        ({"env_id": "archgym/DigitsMLP-v9"}, r"unknown env id 'archgym/DigitsMLP-v9'.*archgym/DigitsMLP-v0"),
    ],
)
def test_sb3_vec_rejects_bad_input(kwargs: dict, match: str) -> None:
    from archgym.integrations.sb3_vec import make_sb3_vec_env

    args = {"env_id": ENV_ID, "n_envs": 2, "vec": "dummy", **kwargs}
    with pytest.raises(ValueError, match=match):
        make_sb3_vec_env(**args)


# --------------------------------------------------------------------------- CleanRL-style script
def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_cleanrl_dqn_script_trains_and_logs(tmp_path: Path) -> None:
    script = _load_script("cleanrl_dqn")
    argv = [
        "--total-timesteps",
        "40",
        "--num-envs",
        "2",
        "--learning-starts",
        "8",
        "--batch-size",
        "8",
        "--log-every",
        "1",
    ]
    argv += [
        "--target-network-frequency",
        "5",
        "--logdir",
        str(tmp_path),
        "--json",
        str(tmp_path / "s.json"),
        "--seed",
        "3",
    ]
    argv += ["--env-kwargs", *(f"{k}={v}" for k, v in FAST_ENV_KWARGS.items())]
    summary = script.main(argv)
    assert summary["env_steps"] == 40
    assert summary["episodes"] >= 1
    assert 0.0 < summary["best_score"] <= 1.0
    assert re.fullmatch(r"archgym_DigitsMLP-v0__cleanrl_dqn__3__\d+", summary["run_name"])
    events = list((tmp_path / summary["run_name"]).glob("events.out.tfevents.*"))
    assert len(events) == 1
    data = events[0].read_bytes()
    for tag in (b"hyperparameters", b"|learning_rate|0.0005|", b"losses/td_loss", b"charts/episodic_return"):
        assert tag in data
    assert (tmp_path / "s.json").exists()


def test_cleanrl_replay_buffer_wraps_around() -> None:
    import torch

    script = _load_script("cleanrl_dqn")
    rb = script.ReplayBuffer(5, obs_dim=2, n_actions=3, device=torch.device("cpu"))
    for start in range(0, 8, 2):  # 4 batches of 2 transitions: 8 > capacity 5
        obs = np.array([[start, 0], [start + 1, 0]], dtype=np.float32)
        rb.add(obs, obs, np.array([0, 1]), np.array([1.0, 2.0]), np.array([False, True]), np.ones((2, 3), bool))
    assert rb.full and rb.pos == 3
    assert sorted(rb.obs[:, 0].tolist()) == [3.0, 4.0, 5.0, 6.0, 7.0]  # the 5 newest
    batch = rb.sample(16, torch.Generator().manual_seed(0))
    assert batch[0].shape == (16, 2) and set(batch[1].tolist()) <= {0, 1}


# --------------------------------------------------------------------------- TorchRL
def test_torchrl_gymenv_check_env_specs() -> None:
    require("torchrl")
    from torchrl.envs import GymEnv
    from torchrl.envs.utils import check_env_specs

    import archgym  # noqa: F401

    env = GymEnv(ENV_ID, **FAST_ENV_KWARGS)
    check_env_specs(env, seed=0)
    td = env.rollout(3)
    assert td["next", "observation"].shape == (3, 20)
    assert td["action"].shape == (3, 13)  # one-hot Discrete(13)
    assert td["next", "reward"].dtype.is_floating_point
    env.close()


# --------------------------------------------------------------------------- Tianshou
def test_tianshou_registered_factory_dummy_and_subproc() -> None:
    require("tianshou")
    from tianshou.highlevel.env import EnvFactoryRegistered, VectorEnvType

    import archgym  # noqa: F401

    results = {}
    for kind, task in ((VectorEnvType.DUMMY, ENV_ID), (VectorEnvType.SUBPROC, f"archgym:{ENV_ID}")):
        factory = EnvFactoryRegistered(task=task, venv_type=kind, render_mode_watch="ansi", **FAST_ENV_KWARGS)
        envs = factory.create_envs(num_training_envs=2, num_test_envs=1, seed=0)
        try:
            obs, _ = envs.training_envs.reset()
            obs2, rew, term, trunc, info = envs.training_envs.step(np.array([0, 12]))
        finally:
            envs.training_envs.close()
            envs.test_envs.close()
        results[kind] = (obs, obs2, rew, term, [i["arch"] for i in info])
    assert results[VectorEnvType.DUMMY][0].shape == (2, 20)
    assert results[VectorEnvType.DUMMY][3].tolist() == [False, True]
    for a, b in zip(results[VectorEnvType.DUMMY], results[VectorEnvType.SUBPROC], strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# --------------------------------------------------------------------------- parallel search keeps the env's head
@pytest.mark.parametrize("strategy", ["random", "grid", "evolution"])
def test_candidate_strategies_keep_the_initial_networks_head(strategy: str) -> None:
    from archgym.arch import Architecture, SearchSpace, parse_layers
    from archgym.integrations.candidates import make_candidate_strategy

    space = SearchSpace.from_dict(
        {
            "min_depth": 1,
            "max_depth": 2,
            "conv": {"min": 4, "max": 12, "step": 8},
            "dense": {"min": 16, "max": 64, "step": 48},
        }
    )
    initial = Architecture((1, 40), parse_layers(["c4k5", 16]), 10, head="gap")
    g = make_candidate_strategy(strategy, space, initial, seed=0)
    proposed = []
    for _ in range(20):
        arch = g.propose()
        if arch is None:
            break
        proposed.append(arch)
        g.observe(arch, {"score": float(arch.params())})
    assert len(proposed) >= 10
    assert {a.head for a in proposed} == {"gap"}, [a.key() for a in proposed if a.head != "gap"]
    # a sequence input may use Conv1d layers, as the env's own edits do (not dense-only candidates)
    assert any(layer.kind == "conv" for a in proposed[1:] for layer in a.layers)


def test_ray_search_candidates_are_built_as_the_env_builds_its_networks(tmp_path: Path) -> None:
    import gymnasium as gym

    from archgym.integrations.ray_search import candidate_architecture, scratch_env_kwargs
    from tests.fake_datasets import fake_data_root

    # MNIST-1D: a (1, 40) sequence, so Conv1d layers parse; head='gap' given as an override is kept
    seq = candidate_architecture("archgym/MNIST1D-v0", ["c8k5", 16], {"head": "gap"})
    assert seq.input_shape == (1, 40) and seq.head == "gap" and seq.key() == "1x40-[c8k5,16]-gap-10"
    assert candidate_architecture("archgym/MNIST1D-v0", ["c8k5", 16]).head == "flatten"
    # FashionMNIST's preset has head: gap; its candidates (read from data_root) keep it, and they are the
    # network the env builds from the scratch kwargs ray_search sends to its workers
    kw = {"data_root": str(fake_data_root(tmp_path)), "device": "cpu", "train_subset": 200, "scratch_steps": 2}
    cand = candidate_architecture("archgym/FashionMNIST-v0", ["c8k3p2", "c16k3", 32], kw)
    assert cand.head == "gap" and cand.input_shape == (1, 28, 28)
    sent = scratch_env_kwargs("archgym/FashionMNIST-v0", kw)
    env = gym.make("archgym/FashionMNIST-v0", initial=["c8k3p2", "c16k3", 32], **sent)
    try:
        assert env.unwrapped.initial_arch == cand
    finally:
        env.close()
