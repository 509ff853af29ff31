"""Reliability: bad input everywhere it enters, diverging children, out of memory, untrusted files.

The table holds the user errors: each must be a ValueError (or, through the CLI, one line on stderr
and exit code 2) whose message names the field, the value and what is valid.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
import yaml

from archgym.agents.integrity import IntegrityError, record_checksums, verify_files
from archgym.atomic import atomic_path, atomic_write_text
from archgym.cli import main
from archgym.envs.core import ArchSearchEnv
from archgym.envs.registration import load_env_presets, parse_env_preset, validate_env_preset

FAST = {"initial_steps": 5, "finetune_steps": 3, "scratch_steps": 5, "train_subset": 200, "device": "cpu"}
REPO = Path(__file__).resolve().parents[1]
GOOD_PRESET = {"id": "archgym/T-v0", "max_episode_steps": 5, "kwargs": {"initial": [8]}}


SPACE = {"max_depth": 3, "dense": {"min": 8, "max": 128, "step": 16}}


def _env(**kw: object) -> ArchSearchEnv:
    """A fast DigitsMLP-like env: 64-[8]-10, up to 3 layers (13 actions)."""
    return ArchSearchEnv(**{**FAST, "initial": [8], "search_space": SPACE, **kw})


def _preset(tmp: Path, text: str) -> None:
    (tmp / "p.yaml").write_text(text)
    (preset,) = load_env_presets(tmp).values()
    validate_env_preset(preset)


def _yaml(**over: object) -> str:
    doc = json.loads(json.dumps(GOOD_PRESET))
    for k, v in over.items():
        if k.startswith("kw_"):
            doc["kwargs"][k[3:]] = v
        else:
            doc[k] = v
    return yaml.safe_dump(doc)


_STEP_ENV: list[ArchSearchEnv] = []


def _step(action: object) -> None:
    if not _STEP_ENV:
        env = _env()
        env.reset(seed=0)
        _STEP_ENV.append(env)
    _STEP_ENV[0].step(action)  # type: ignore[arg-type]


# (case id, call, regex the ValueError message must match)
CASES: list[tuple[str, Callable[[Path], object], str]] = [
    # env kwargs: wrong types, out of range, unknown names
    ("kw-cost_weight-negative", lambda t: _env(cost_weight=-1), r"cost_weight must be a number >= 0.0, got -1"),
    ("kw-cost_weight-str", lambda t: _env(cost_weight="high"), r"'cost_weight' must be float, got 'high'"),
    ("kw-initial_steps-float", lambda t: _env(initial_steps=2.5), r"'initial_steps' must be int, got 2.5"),
    ("kw-horizon-zero", lambda t: _env(horizon=0), r"horizon must be an int >= 1, got 0"),
    ("kw-eval_mode", lambda t: _env(eval_mode="scrach"), r"did you mean 'scratch'"),
    ("kw-dataset-list", lambda t: _env(dataset=["digits"]), r"an in-process dataset is \(X, y\) .*got a list of 1"),
    ("kw-search_space-int", lambda t: _env(search_space=3), r"search_space must be a mapping .* got 3"),
    ("kw-initial-outside-space", lambda t: _env(initial=[8] * 3, search_space={"max_depth": 2}), r"outside the"),
    ("kw-layers-bad", lambda t: _env(initial=["x9"]), r"bad layer 'x9'"),
    ("kw-sparsity-bool", lambda t: _env(sparsity_actions="yes"), r"'sparsity_actions' must be bool"),
    ("kw-diverged_score-nan", lambda t: _env(diverged_score=math.nan), r"diverged_score must be a number in .* nan"),
    ("kw-narrow-list", lambda t: _env(narrow_criterion=[1]), r"narrow_criterion must be a criterion name"),
    ("kw-prune_step-range", lambda t: _env(prune_step=2.0), r"prune_step must be a number in \[1e-06, 1.0\], got 2.0"),
    # an unknown keyword names the valid ones, in the env itself and in the registration path
    (
        "kw-unknown-env",
        lambda t: _env(cost_wieght=1),
        r"unexpected keyword argument 'cost_wieght'; did you mean 'cost_weight'\? valid: eval_mode",
    ),
    (
        "kw-unknown-name",
        lambda t: parse_env_preset({**GOOD_PRESET, "kwargs": {"cost_wieght": 1}}, t / "x.yaml"),
        r"x.yaml: kwargs: unknown key 'cost_wieght'; did you mean 'cost_weight'\? valid: .*dataset, input",
    ),
    # YAML presets: file, field, value and what is valid
    ("yaml-malformed", lambda t: _preset(t, "id: [unclosed\n"), r"malformed YAML in .*p.yaml line \d+"),
    ("yaml-not-mapping", lambda t: _preset(t, "- 1\n- 2\n"), r"p.yaml: an env preset must be a mapping, got list"),
    ("yaml-unknown-key", lambda t: _preset(t, _yaml(max_steps=3)), r"p.yaml: unknown key\(s\) \['max_steps'\]; valid:"),
    ("yaml-bad-id", lambda t: _preset(t, _yaml(id="DigitsMLP-v0")), r"p.yaml: 'id' must be a string like 'archgym/"),
    ("yaml-episode-steps", lambda t: _preset(t, _yaml(max_episode_steps=0)), r"'max_episode_steps' must be a positive"),
    ("yaml-kwargs-type", lambda t: _preset(t, _yaml(kw_batch_size="64")), r"p.yaml: kwargs: 'batch_size' must be int"),
    ("yaml-kwargs-range", lambda t: _preset(t, _yaml(kw_cost_weight=-0.5)), r"p.yaml: kwargs: cost_weight must be a"),
    ("yaml-kwargs-unknown", lambda t: _preset(t, _yaml(kw_lr=0.1)), r"p.yaml: kwargs: unknown key 'lr'.* valid:"),
    (
        "yaml-kwargs-choice",
        lambda t: _preset(t, _yaml(kw_cost_metric="parms")),
        r"p.yaml: kwargs: .*did you mean 'params'",
    ),
    (
        "yaml-entry-point",
        lambda t: _preset(t, _yaml(entry_point="nowhere:Env")),
        r"entry point 'nowhere:Env' cannot be",
    ),
    # actions: out of range or not an id is a ValueError naming the valid range
    ("action-99", lambda t: _step(99), r"action 99 is not in Discrete\(13\): valid ids are 0\.\.12"),
    ("action-negative", lambda t: _step(-1), r"action -1 is not in Discrete\(13\): valid ids are 0\.\.12"),
    ("action-float", lambda t: _step(1.5), r"action 1.5 is not in Discrete\(13\)"),
    ("action-str", lambda t: _step("widen"), r"action 'widen' is not in Discrete\(13\)"),
    ("action-none", lambda t: _step(None), r"action None is not in Discrete\(13\)"),
    ("action-array", lambda t: _step(np.array([1, 2])), r"is not in Discrete\(13\)"),
]


@pytest.mark.parametrize(("case", "call", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_value_error(
    case: str, call: Callable[[Path], object], pattern: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=pattern):
        call(tmp_path)


CLI_CASES = [
    (["train", "--eval-episodes", "-1"], "--eval-episodes must be >= 0, got -1"),
    (["train", "--checkpoint-freq", "0"], "checkpoint_freq must be an int >= 1, got 0"),
    (["train", "--env-kwargs", "cost_weight=abc"], "'cost_weight' must be float, got 'abc' (str)"),
    (["train", "--env-kwargs", "initial=[8"], "not valid YAML"),
    (["train", "--env-kwargs", "search_space=7"], "search_space must be a mapping"),
    (["train", "--resume", "RUN", "--seed", "1"], "--resume continues a run with its saved config; drop --seed"),
    (["eval", "RUN", "--episodes", "0"], "episodes must be an int >= 1, got 0"),
    (["export", "RUN", "--steps", "0"], "steps must be an int >= 1, got 0"),
    (["eval", "RUN", "--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize(("args", "fragment"), CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_cli_bad_arguments_one_line_exit_2(
    args: list[str], fragment: str, tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(tiny_run) if a == "RUN" else a for a in args]
    if args[0] == "train" and "--resume" not in args:
        args = [*args, "--logdir", str(tmp_path), "--device", "cpu"]
    capsys.readouterr()
    rc = main(args)
    out, err = capsys.readouterr()
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archgym: error: ") and "Traceback" not in err
    assert fragment in lines[0]


def test_case_count() -> None:
    assert len(CASES) + len(CLI_CASES) + 4 >= 30  # + the run-dir cases below


# --------------------------------------------------------------------------- diverging children
def _finite_params(env: ArchSearchEnv) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in env.child.parameters())


@pytest.mark.parametrize("reward_mode", ["delta", "absolute"])
def test_diverging_child_rolls_back_and_scores_the_floor(reward_mode: str) -> None:
    env = _env(schedule=1e6, optimizer="sgd", reward_mode=reward_mode, diverged_score=-0.5, finetune_steps=10)
    obs, info = env.reset(seed=0)
    assert info["diverged"] and info["score"] == -0.5 and _finite_params(env)  # the initial fit diverged too
    assert np.isfinite(obs).all()
    prev = info["score"]
    seen = 0
    for a in [0, 2, 0, 1, 4, 0]:
        before = {k: v.clone() for k, v in env.child.state_dict().items()}
        obs, reward, terminated, truncated, info = env.step(a)
        assert math.isfinite(reward) and np.isfinite(obs).all() and env.observation_space.contains(obs)
        assert all(math.isfinite(info[k]) for k in ("val_accuracy", "val_loss", "score", "train_accuracy"))
        assert _finite_params(env) and not terminated
        if info["action_valid"] and info["diverged"]:
            seen += 1
            assert info["score"] == -0.5
            assert reward == pytest.approx(-0.5 - prev if reward_mode == "delta" else -0.5)
        elif not info["action_valid"]:
            assert all(torch.equal(before[k], v) for k, v in env.child.state_dict().items())
        prev = info["score"]
    assert seen >= 3 and env.divergences >= seen + 1


def test_diverged_fit_restores_the_weights_before_the_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env()
    env.reset(seed=0)
    trainer = env.evaluator.trainer
    real = trainer.fit

    def poison(model, steps=None, **kw):  # the fine-tune blows up: NaN weights and a NaN loss
        res = real(model, steps=steps, **kw)
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(math.nan)
        return res

    monkeypatch.setattr(trainer, "fit", poison)
    captured = {}
    real_recover = env.guard.recover

    def spy(ev, before, prev=None):
        captured["before"] = {k: v.clone() for k, v in before.items()}
        return real_recover(ev, before, prev)

    monkeypatch.setattr(env.guard, "recover", spy)
    obs, reward, _, _, info = env.step(0)  # widen layer 0: the morph succeeds, its fine-tune diverges
    assert info["diverged"] and info["arch"] == "64-[24]-10" and info["action_valid"]
    assert all(torch.equal(captured["before"][k], v) for k, v in env.child.state_dict().items())
    assert info["score"] == 0.0 and np.isfinite(obs).all() and math.isfinite(info["val_loss"])
    monkeypatch.setattr(trainer, "fit", real)
    _, _, _, _, info = env.step(0)  # the episode goes on, training works again
    assert info["action_valid"] and not info["diverged"] and _finite_params(env)


def test_diverging_child_in_scratch_mode() -> None:
    env = _env(eval_mode="scratch", schedule=1e6, optimizer="sgd", scratch_steps=20)
    _, info = env.reset(seed=0)
    assert info["diverged"] and _finite_params(env)
    _, reward, _, _, info = env.step(0)
    assert info["diverged"] and math.isfinite(reward) and _finite_params(env)


# --------------------------------------------------------------------------- out of memory
@pytest.mark.parametrize("where", ["morph", "fit"])
def test_out_of_memory_is_an_invalid_action_not_a_crash(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env()
    _, info0 = env.reset(seed=0)
    state0 = {k: v.clone() for k, v in env.child.state_dict().items()}
    child = env.child

    def oom(*args: object, **kwargs: object) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    # morph: the widen itself runs out of memory; fit: the morph happened, then the fine-tune ran out
    monkeypatch.setattr(*((child, "widen") if where == "morph" else (env.evaluator.trainer, "fit")), oom)
    obs, reward, terminated, _, info = env.step(0)
    assert not info["action_valid"] and info["oom"] and not terminated and not info["diverged"]
    assert reward == pytest.approx(-env.reward_config.invalid_penalty)
    assert info["arch"] == info0["arch"] and env.architecture.key() == info0["arch"]
    assert env.child is child and env.child.arch == env.architecture
    assert all(torch.equal(state0[k], v) for k, v in env.child.state_dict().items())
    assert env.oom_events == 1 and "out of memory" in env.last_oom
    monkeypatch.undo()
    _, _, _, _, info = env.step(0)  # the env still works
    assert info["action_valid"] and not info["oom"] and info["arch"] == "64-[24]-10"
    monkeypatch.setattr(env.child, "widen", oom)
    assert env.step(0)[-1]["oom"]
    assert not env.reset(seed=1)[1]["oom"]  # the flag is per step: a reset clears it


def test_other_runtime_errors_still_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env()
    env.reset(seed=0)
    monkeypatch.setattr(env.child, "widen", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("shape bug")))
    with pytest.raises(RuntimeError, match="shape bug"):
        env.step(0)


def test_search_state_round_trip_continues_exactly() -> None:
    a, b = _env(sparsity_actions=True), _env(sparsity_actions=True)
    a.reset(seed=4)
    for act in (0, 12, 2):  # widen, prune (masks), insert
        a.step(act)
    state = a.state_dict()
    import io  # the state goes through torch.save and a weights_only load, as in a resume checkpoint

    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    b.reset(seed=99)
    b.load_state_dict(torch.load(buf, weights_only=True))
    for act in (1, 13, 0, 5, 3):
        oa, ra, *_, ia = a.step(act)
        ob, rb, *_, ib = b.step(act)
        assert np.array_equal(oa, ob) and ra == rb and ia == ib


def test_online_env_state_is_a_replay_that_continues_exactly() -> None:
    """The online env (it overrides reset: stream, learner, detector) is restored by replaying its episode."""
    import io

    from tests.conftest import fast_kwargs_for

    def make() -> ArchSearchEnv:
        return gym.make("archgym/DriftingDigits-v0", **fast_kwargs_for("archgym/DriftingDigits-v0")).unwrapped

    a, b = make(), make()
    a.reset(seed=4)
    for act in (0, 2, 0, 7):
        a.step(act)
    state = a.state_dict()
    assert state["replay"]["actions"] == [0, 2, 0, 7]
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    b.reset(seed=99)
    b.load_state_dict(torch.load(buf, weights_only=True))
    assert b.total_evaluations == a.total_evaluations and b.architecture == a.architecture
    for act in (1, 0, 5, 3, 0):
        oa, ra, *_, ia = a.step(act)
        ob, rb, *_, ib = b.step(act)
        assert np.array_equal(oa, ob) and ra == rb and ia == ib
    with pytest.raises(ValueError, match=r"cannot restore a state of eval_mode .stream. into .inherit."):
        _env().load_state_dict(state)


@pytest.mark.parametrize("seed", range(6))
def test_online_env_replay_restore_at_random_points(seed: int) -> None:
    """Random actions (invalid ones, stops and resets included), a save at a random point, then the same
    random continuation on the saved env and on a restored one: identical observations, rewards, infos."""
    import io

    from tests.conftest import fast_kwargs_for

    kw = fast_kwargs_for("archgym/DriftingDigits-v0")
    rng = np.random.default_rng(seed)
    a = gym.make("archgym/DriftingDigits-v0", **kw).unwrapped
    b = gym.make("archgym/DriftingDigits-v0", **kw).unwrapped
    a.reset(seed=seed)
    for _ in range(int(rng.integers(0, 12))):
        if a.step(int(rng.integers(a.action_space.n)))[2]:
            a.reset()
    buf = io.BytesIO()
    torch.save(a.state_dict(), buf)
    buf.seek(0)
    b.reset(seed=999)
    b.load_state_dict(torch.load(buf, weights_only=True))
    for _ in range(6):
        act = int(rng.integers(a.action_space.n))
        oa, ra, ta, _, ia = a.step(act)
        ob, rb, _, _, ib = b.step(act)
        assert np.array_equal(oa, ob) and ra == rb and ia == ib
        if ta:
            break


# --------------------------------------------------------------------------- untrusted files
def test_every_torch_load_uses_weights_only() -> None:
    calls = []
    for folder in ("archgym", "scripts"):
        for f in (REPO / folder).rglob("*.py"):
            for line in f.read_text().splitlines():
                if re.search(r"\btorch\.load\(", line) and not line.lstrip().startswith(("#", "``")):
                    calls.append((f.name, line.strip()))
    assert calls, "expected torch.load calls (load_child, resume)"
    assert all("weights_only=True" in line for _, line in calls), calls


def test_yaml_is_read_with_safe_load_only() -> None:
    for folder in ("archgym", "scripts"):
        for f in (REPO / folder).rglob("*.py"):
            text = f.read_text()
            assert not re.search(r"yaml\.(load|unsafe_load|full_load)\(", text), f


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    atomic_write_text(target, "old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_manifest_records_and_verifies(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"abc")
    with pytest.raises(IntegrityError, match=r"has no manifest\.json"):
        verify_files(tmp_path, ["a.bin"])
    record_checksums(tmp_path, ["a.bin"])
    verify_files(tmp_path, [tmp_path / "a.bin"])
    (tmp_path / "a.bin").write_bytes(b"abd")
    with pytest.raises(IntegrityError, match=r"checksum mismatch for '.*a.bin'.*--trust"):
        verify_files(tmp_path, ["a.bin"])
    with pytest.raises(ValueError, match="not inside the run dir"):
        record_checksums(tmp_path, ["/etc/hostname"])


def test_manifest_accepts_paths_relative_to_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = Path("runs") / "r"
    run.mkdir(parents=True)
    (run / "m.zip").write_bytes(b"x")
    record_checksums(run, [run / "m.zip"])  # cwd-relative, as a relative --logdir gives
    assert json.loads((run / "manifest.json").read_text())["files"] == {"m.zip": hashlib.sha256(b"x").hexdigest()}
    verify_files(run, ["m.zip"])  # run-dir-relative


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    logdir = tmp_path_factory.mktemp("runs")
    args = ["train", "--env", "archgym/DigitsMLP-v0", "--timesteps", "40", "--logdir", str(logdir), "--device", "cpu"]
    args += ["--no-progress"]
    args += ["--eval-episodes", "0", "--env-kwargs", "initial_steps=3", "finetune_steps=1", "train_subset=200"]
    args += ["--hyperparams", "learning_starts=10", "buffer_size=100"]
    assert main(args) == 0
    (run_dir,) = logdir.iterdir()
    return run_dir


def _eval(run_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["eval", str(run_dir), "--episodes", "1", "--device", "cpu", *extra])
    return rc, capsys.readouterr().err


def test_eval_refuses_tampered_files_unless_trusted(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    manifest = json.loads((run / "manifest.json").read_text())["files"]
    assert {"config.yaml", "model.zip", "model_replay_buffer.pkl"} <= set(manifest)
    assert _eval(run, capsys)[0] == 0
    with open(run / "model.zip", "ab") as fh:  # a changed agent file
        fh.write(b"\0")
    rc, err = _eval(run, capsys)
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert f"checksum mismatch for '{run / 'model.zip'}'" in err and "--trust" in err
    assert _eval(run, capsys, "--trust")[0] == 0  # a zip with trailing bytes still loads
    (run / "manifest.json").unlink()
    rc, err = _eval(run, capsys)
    assert rc == 2 and "has no manifest.json" in err


def test_eval_names_a_model_env_mismatch(tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config = yaml.safe_load((run / "config.yaml").read_text())
    config["env_kwargs"]["search_space"] = {"max_depth": 5, "dense": {"min": 8, "max": 128, "step": 16}}
    (run / "config.yaml").write_text(yaml.safe_dump(config))
    rc, err = _eval(run, capsys)
    assert rc == 2 and f"checksum mismatch for '{run / 'config.yaml'}'" in err
    rc, err = _eval(run, capsys, "--trust")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "was trained with observation_space Box" in err and "(20,)" in err and "(28,)" in err


def test_resume_refuses_a_corrupted_checkpoint(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    latest = json.loads((run / "resume" / "latest.json").read_text())
    assert latest["num_timesteps"] == 40
    (run / "resume" / latest["dir"] / "state.pt").write_bytes(b"garbage")
    capsys.readouterr()
    assert main(["train", "--resume", str(run), "--timesteps", "5", "--no-progress"]) == 2
    assert "fails its sha256" in capsys.readouterr().err


def test_shipped_presets_validate() -> None:
    presets = load_env_presets()
    assert len(presets) >= 4
    for p in presets.values():
        validate_env_preset(p)
    gym.spec("archgym/DigitsMLP-v0")
