"""Ray: RLlib training on archgym envs, and the parallel search backend (with worker failures).

Tests that need ``ray`` skip without it, unless ``ARCHGYM_REQUIRE_INTEGRATIONS=1`` (``make test-ray``),
which turns a missing ``ray`` into a failure. One local Ray instance (``num_cpus=2``) serves the module.
The candidate strategies and the input checks need no Ray and always run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archgym.arch import Architecture, SearchSpace
from archgym.envs.registration import ENV_PRESETS
from archgym.integrations.candidates import CANDIDATE_STRATEGIES, make_candidate_strategy
from archgym.integrations.ray_search import (
    candidate_architecture,
    evaluate_architecture,
    ray_search,
    scratch_env_kwargs,
)
from archgym.integrations.rllib import make_env, rllib_env_id
from tests.conftest import FAST_ENV_KWARGS
from tests.test_integrations import optional_imports, python_snippets, require, run_snippet

ENV_ID = "archgym/DigitsMLP-v0"
SMALL = {"device": "cpu", "scratch_steps": 5, "train_subset": 200}
SPACE = SearchSpace.from_dict({"min_depth": 1, "max_depth": 3, "dense": {"min": 8, "max": 128, "step": 16}})
INITIAL = Architecture.mlp(64, [16], 10)


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    """A local Ray instance with 2 CPUs for the whole module (started once: it takes seconds)."""
    ray = require("ray")
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    if started:
        ray.shutdown()


def _keyed(records: list[dict]) -> dict[str, tuple]:
    return {r["arch"]: (r["val_accuracy"], r["score"], r["cost"], r["params"]) for r in records}


# --------------------------------------------------------------------------- README / docs snippets
RAY_SNIPPETS = [(i, c) for i, c in python_snippets() if "ray" in optional_imports(c)]
#: what each snippet must have produced, by the name it binds
SNIPPET_CHECKS = {
    "result": lambda v: v["env_runners"]["num_env_steps_sampled_lifetime"] >= 32,
    "records": lambda v: len(v) == 6 and all(0 < r["val_accuracy"] <= 1 for r in v),
    "algo": lambda v: v.iteration >= 1,
}


@pytest.mark.parametrize(("name", "code"), RAY_SNIPPETS, ids=[i for i, _ in RAY_SNIPPETS])
def test_ray_snippet_runs(
    name: str, code: str, ray_session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The snippets call ray.init() as a user would; here the module's instance is already up.
    monkeypatch.setattr(ray_session, "init", lambda *args, **kwargs: None)
    scope = run_snippet(code, name, tmp_path, monkeypatch)
    checked = [key for key in SNIPPET_CHECKS if key in scope]
    assert checked, f"snippet {name} binds none of {list(SNIPPET_CHECKS)}"
    for key in checked:
        assert SNIPPET_CHECKS[key](scope[key]), f"snippet {name}: check on {key!r} failed"


def test_ray_snippets_cover_rllib_and_search() -> None:
    joined = "\n".join(c for _, c in RAY_SNIPPETS)
    assert "archgym:archgym/" in joined and "register_env" in joined and "ray_search" in joined


# --------------------------------------------------------------------------- RLlib env creator (no Ray needed)
def test_make_env_reads_env_id_and_kwargs() -> None:
    env = make_env({"env_id": "archgym/DigitsCNN-v0", **FAST_ENV_KWARGS})
    obs, info = env.reset(seed=0)
    assert env.spec.id == "archgym/DigitsCNN-v0" and env.spec.max_episode_steps == 10
    cnn_initial = candidate_architecture("archgym/DigitsCNN-v0", ENV_PRESETS["archgym/DigitsCNN-v0"].kwargs["initial"])
    assert info["arch"] == cnn_initial.key() and cnn_initial.is_image and obs.shape == env.observation_space.shape
    venv = make_env({"num_envs": 2, **FAST_ENV_KWARGS}, env_id=ENV_ID)
    assert venv.num_envs == 2 and venv.reset(seed=0)[0].shape == (2, 20)
    venv.close()


def test_rllib_env_id_and_unknown_id() -> None:
    assert rllib_env_id(ENV_ID) == "archgym:archgym/DigitsMLP-v0"
    with pytest.raises(ValueError, match=r"unknown env id 'archgym/DigitsMLP-v1'.*valid: .*archgym/DigitsCNN-v0"):
        make_env({"env_id": "archgym/DigitsMLP-v1"})


def test_dqn_config_uses_prefixed_id_and_env_config() -> None:
    require("ray")
    from archgym.integrations.rllib import dqn_config

    cfg = dqn_config(ENV_ID, {"device": "cpu"}, num_env_runners=1, learning_starts=10)
    assert cfg.env == "archgym:archgym/DigitsMLP-v0" and cfg.env_config == {"device": "cpu"}
    assert cfg.num_env_runners == 1 and cfg.num_steps_sampled_before_learning_starts == 10
    assert cfg.enable_rl_module_and_learner  # the new API stack


# --------------------------------------------------------------------------- candidate strategies (no Ray needed)
def test_grid_enumerates_the_space_once_smallest_first() -> None:
    g = make_candidate_strategy("grid", SPACE, INITIAL)
    archs = list(iter(g.propose, None))
    widths = 8  # 8, 24, ..., 120
    assert len(archs) == widths + widths**2 + widths**3
    assert len({a.key() for a in archs}) == len(archs)
    assert [a.params() for a in archs] == sorted(a.params() for a in archs)
    assert all(SPACE.contains(a) for a in archs)


@pytest.mark.parametrize("name", list(CANDIDATE_STRATEGIES))
def test_strategies_propose_valid_architectures(name: str) -> None:
    s = make_candidate_strategy(name, SPACE, INITIAL, seed=1)
    archs = []
    for _ in range(30):
        a = s.propose()
        assert a is not None and SPACE.contains(a)
        s.observe(a, {"score": 1.0 / a.params()})
        archs.append(a)
    if name != "grid":
        assert archs[0] == INITIAL
    assert len({a.key() for a in archs}) > 10


def test_evolution_mutates_a_tournament_winner() -> None:
    s = make_candidate_strategy("evolution", SPACE, INITIAL, seed=0, population=4, sample=4)
    for width in (8, 24, 40, 56):
        s.observe(Architecture.mlp(64, [width], 10), {"score": width / 100})  # 56 is the best
    child = s.propose()
    child = s.propose()  # the first proposal is the initial network
    best = Architecture.mlp(64, [56], 10)
    neighbours = {best.widen(0, 16), best.narrow(0, 16), best.insert(0)}
    assert child in neighbours  # sample == population: the winner is always the best


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategy": "bayes"}, r"unknown parallel search strategy 'bayes'.*valid: random, grid, evolution"),
        ({"budget": 0}, r"budget must be an int >= 1, got 0"),
        ({"workers": 0}, r"workers must be an int >= 1, got 0"),
        ({"candidates": [[512]]}, r"candidate 64-\[512\]-10 is outside the search space"),
        ({"env_kwargs": {"eval_mode": "inherit"}}, r"eval_mode='inherit'; valid: scratch"),
        ({"env_id": "archgym/Nope-v0"}, r"unknown env id 'archgym/Nope-v0'"),
    ],
)
def test_ray_search_rejects_bad_input_before_starting_ray(kwargs: dict, match: str) -> None:
    args = {"env_id": ENV_ID, **kwargs}
    with pytest.raises(ValueError, match=match):
        ray_search(**args)


# --------------------------------------------------------------------------- ray search
def test_ray_search_matches_local_evaluation(ray_session: Any, tmp_path: Path) -> None:
    from archgym.agents.records import read_records

    cands = [[16], [32], [16, 16]]
    records = ray_search(ENV_ID, candidates=cands, budget=5, workers=2, log=tmp_path / "s.jsonl", env_kwargs=SMALL)
    assert read_records(tmp_path / "s.jsonl") == records  # the log holds exactly what was returned
    assert [r["evaluation"] for r in records] == [1, 2, 3]  # the list ran out before the budget
    assert all(r["backend"] == "ray" and r["action_valid"] for r in records)
    kw = scratch_env_kwargs(ENV_ID, SMALL)
    local = [evaluate_architecture(ENV_ID, [str(w) for w in c], kw) for c in cands]
    assert _keyed(records) == _keyed(local)  # same numbers as an in-process evaluation


def test_ray_search_retries_a_killed_worker(ray_session: Any, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()

    def crash_once(env_id: str, layers: list[str], env_kwargs: dict) -> dict:
        mark = marks / "-".join(layers)
        if not mark.exists():
            mark.touch()
            os._exit(1)  # the worker process dies mid-task
        return evaluate_architecture(env_id, layers, env_kwargs)

    cands = [[16], [24, 8]]
    records = ray_search(
        ENV_ID, candidates=cands, budget=2, workers=2, env_kwargs=SMALL, evaluate=crash_once, max_retries=2
    )
    assert sorted(p.name for p in marks.iterdir()) == ["16", "24-8"]  # both first attempts crashed
    assert sorted(r["arch"] for r in records) == ["64-[16]-10", "64-[24,8]-10"]  # and no result was lost


def test_ray_search_retries_exceptions_only_when_asked(ray_session: Any, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()

    def fail_once(env_id: str, layers: list[str], env_kwargs: dict) -> dict:
        mark = marks / "-".join(layers)
        if not mark.exists():
            mark.touch()
            raise RuntimeError("transient failure")
        return evaluate_architecture(env_id, layers, env_kwargs)

    records = ray_search(ENV_ID, candidates=[[16]], budget=1, workers=1, env_kwargs=SMALL, evaluate=fail_once)
    assert [r["arch"] for r in records] == ["64-[16]-10"]
    with pytest.raises(
        RuntimeError,
        match=r"(?s)evaluation of 64-\[32\]-10 failed \(max_retries=3, retry_exceptions=False\).*transient failure",
    ):
        ray_search(
            ENV_ID, candidates=[[32]], budget=1, workers=1, env_kwargs=SMALL, evaluate=fail_once, retry_exceptions=False
        )


def test_ray_search_evolution_spends_the_budget(ray_session: Any) -> None:
    records = ray_search(ENV_ID, "evolution", budget=6, workers=2, env_kwargs=SMALL, seed=0,
                         strategy_kwargs={"population": 3, "sample": 2})  # fmt: skip
    assert len(records) == 6 and len({r["arch"] for r in records}) == 6
    initial = candidate_architecture(ENV_ID, ENV_PRESETS[ENV_ID].kwargs["initial"]).key()
    assert initial in {r["arch"] for r in records}  # the preset's initial network is proposed first


# --------------------------------------------------------------------------- the CLI backend
def test_cli_search_with_ray_backend_writes_the_same_run_layout(ray_session, tmp_path):
    from archgym.agents.records import read_records
    from archgym.cli import main

    argv = ["search", "--backend", "ray", "--workers", "2", "--strategy", "random", "--budget", "4"]
    argv += ["--logdir", str(tmp_path), "--env-kwargs", "scratch_steps=5", "train_subset=200", "device=cpu"]
    assert main(argv) == 0
    (run_dir,) = tmp_path.iterdir()
    records = read_records(run_dir / "search.jsonl")
    assert len(records) == 4 and all(r["backend"] == "ray" for r in records)
    assert (run_dir / "config.yaml").exists()
    assert any(p.name.startswith("events.out.tfevents") for p in run_dir.iterdir())


def test_cli_rejects_local_only_strategy_for_ray(tmp_path, capsys):
    from archgym.cli import main

    assert main(["search", "--backend", "ray", "--strategy", "greedy", "--logdir", str(tmp_path)]) == 2
    assert "valid: random, grid, evolution" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
