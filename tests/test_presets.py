"""Preset folders: ``ARCHGYM_PRESETS`` adds to the built-in presets; a duplicate id or a broken file is an
error when the preset is used or listed (one line, exit 2), never when ``archgym`` is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import pytest

from archgym.agents.sb3 import list_agent_presets, load_agent_preset
from archgym.cli import main
from archgym.envs.registration import ENV_PRESETS, load_env_presets, preset_error, register_envs
from archgym.presets import builtin_preset_dir, preset_dirs

ROOT = Path(__file__).resolve().parents[1]


def builtin_ids() -> set[str]:
    """The ids of the built-in preset folder (read now: presets may be added while the tests run)."""
    folder = builtin_preset_dir("envs")
    assert folder is not None
    return set(load_env_presets(folder))


MY_PRESET = """\
id: archgym/MyDigits-v0
description: a user preset
max_episode_steps: 3
kwargs:
  initial: [16]
  initial_steps: 5
  finetune_steps: 2
  train_subset: 200
"""
BROKEN = "id: archgym/Broken-v0\nmax_episode_steps: 3\nkwargs: {initial: [16\n"


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An ``ARCHGYM_PRESETS`` folder (with ``envs/`` and ``agents/``); the registry is restored afterwards."""
    (tmp_path / "envs").mkdir()
    (tmp_path / "agents").mkdir()
    monkeypatch.setenv("ARCHGYM_PRESETS", str(tmp_path))
    yield tmp_path
    monkeypatch.delenv("ARCHGYM_PRESETS")
    register_envs()
    assert set(ENV_PRESETS) >= builtin_ids() and "archgym/MyDigits-v0" not in gym.registry


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archgym: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_a_user_folder_adds_to_the_builtin_presets(user_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (user_folder / "envs" / "my.yaml").write_text(MY_PRESET)
    register_envs()
    assert set(ENV_PRESETS) == builtin_ids() | {"archgym/MyDigits-v0"}
    assert preset_dirs("envs") == [builtin_preset_dir("envs"), user_folder / "envs"]
    env = gym.make("archgym/MyDigits-v0", device="cpu")
    obs, info = env.reset(seed=0)
    assert info["arch"] == "64-[16]-10"
    env.close()
    rc, out, err = _cli(["list"], capsys)
    assert rc == 0, err
    assert "archgym/MyDigits-v0" in out and "archgym/DigitsMLP-v0" in out


def test_an_id_defined_twice_names_both_files(
    user_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    builtin = builtin_preset_dir("envs") / "digits_mlp.yaml"
    mine = user_folder / "envs" / "again.yaml"
    mine.write_text(builtin.read_text())
    register_envs()
    msg = preset_error("archgym/DigitsMLP-v0")
    assert msg is not None and str(builtin) in msg and str(mine) in msg and "defined twice" in msg
    with pytest.raises(ValueError, match="defined twice"):
        gym.make("archgym/DigitsMLP-v0")
    logdir = tmp_path / "runs"
    rc, out, err = _cli(["train", "--env", "archgym/DigitsMLP-v0", "--logdir", str(logdir)], capsys)
    line = _one_error_line(err)
    assert rc == 2 and str(builtin) in line and str(mine) in line and not logdir.exists()
    rc, out, err = _cli(["list"], capsys)
    assert rc == 2 and "defined twice" in _one_error_line(err)
    # the other ids still work
    assert "archgym/DigitsCNN-v0" in ENV_PRESETS


def test_a_broken_file_is_reported_when_its_id_is_used_or_listed(
    user_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = user_folder / "envs" / "broken.yaml"
    broken.write_text(BROKEN)
    register_envs()  # does not raise
    assert set(ENV_PRESETS) == builtin_ids()
    rc, out, err = _cli(["train", "--env", "archgym/Broken-v0", "--logdir", str(tmp_path / "runs")], capsys)
    line = _one_error_line(err)
    assert rc == 2 and "malformed YAML" in line and str(broken) in line
    with pytest.raises(ValueError, match="malformed YAML"):
        gym.make("archgym/Broken-v0")
    rc, out, err = _cli(["list"], capsys)
    assert rc == 2 and str(broken) in _one_error_line(err)
    assert "archgym/DigitsMLP-v0" in out  # the good presets are still listed


def test_a_file_without_an_id_is_listed_and_named_in_unknown_id_errors(
    user_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nameless = user_folder / "envs" / "nameless.yaml"
    nameless.write_text("- just\n- a list\n")
    register_envs()
    rc, _, err = _cli(["list"], capsys)
    assert rc == 2 and str(nameless) in _one_error_line(err)
    rc, _, err = _cli(["train", "--env", "archgym/Nameless-v0", "--logdir", str(tmp_path / "runs")], capsys)
    line = _one_error_line(err)
    assert rc == 2 and "unknown env id" in line and str(nameless) in line


def test_a_preset_folder_that_does_not_exist_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARCHGYM_PRESETS", str(tmp_path / "nowhere"))
    try:
        register_envs()
        assert set(ENV_PRESETS) == builtin_ids()
        rc, _, err = _cli(["list"], capsys)
        assert rc == 2 and "nowhere' is not a folder" in _one_error_line(err)
    finally:
        monkeypatch.delenv("ARCHGYM_PRESETS")
        register_envs()


def test_agent_presets_add_up_and_a_duplicate_names_both_files(user_folder: Path) -> None:
    dqn = builtin_preset_dir("agents") / "dqn.yaml"
    (user_folder / "agents" / "mydqn.yaml").write_text(dqn.read_text())
    assert {"dqn", "mydqn"} <= set(list_agent_presets())
    assert load_agent_preset("mydqn").algo == "dqn"
    (user_folder / "agents" / "dqn.yaml").write_text(dqn.read_text())
    with pytest.raises(ValueError, match="defined twice") as e:
        load_agent_preset("dqn")
    assert str(dqn) in str(e.value) and str(user_folder / "agents" / "dqn.yaml") in str(e.value)


def test_import_and_help_work_with_a_broken_preset_folder(tmp_path: Path) -> None:
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "broken.yaml").write_text(BROKEN)
    (tmp_path / "envs" / "bad_entry.yaml").write_text(
        "id: archgym/BadEntry-v0\nentry_point: nowhere.at.all:Env\nmax_episode_steps: 3\n"
    )
    env = {**os.environ, "ARCHGYM_PRESETS": str(tmp_path), "OMP_NUM_THREADS": "1"}
    code = "import archgym, gymnasium as gym; print(sorted(i for i in gym.registry if i.startswith('archgym/')))"
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "archgym/DigitsMLP-v0" in res.stdout and "archgym/Broken-v0" in res.stdout
    res = subprocess.run(
        [sys.executable, "-m", "archgym.cli", "--help"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert res.returncode == 0 and "usage: archgym" in res.stdout, res.stderr
    res = subprocess.run(
        [sys.executable, "-m", "archgym.cli", "train", "--env", "archgym/BadEntry-v0", "--logdir", str(tmp_path / "r")],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert res.returncode == 2 and "nowhere.at.all:Env" in _one_error_line(res.stderr)
