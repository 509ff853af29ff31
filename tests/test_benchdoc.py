"""scripts/_benchdoc.py: only full benchmark runs write docs/benchmarks.md; a ``--quick`` run only prints."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import _benchdoc  # noqa: E402


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench_x:start -->\nfull numbers\n<!-- bench_x:end -->\n")
    return path


def test_a_full_run_replaces_its_section(doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench_x.py"])
    assert _benchdoc.update_section("bench_x", "new numbers", doc) == doc
    assert "new numbers" in doc.read_text() and "full numbers" not in doc.read_text()


@pytest.mark.parametrize("how", ["quick=True", "--quick on the command line"])
def test_a_quick_run_only_prints(
    how: str, doc: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = doc.read_text()
    if how == "quick=True":
        monkeypatch.setattr(sys, "argv", ["bench_x.py"])
        assert _benchdoc.update_section("bench_x", "quick numbers", doc, quick=True) is None
    else:  # a script that forgets to pass quick= still cannot write
        monkeypatch.setattr(sys, "argv", ["bench_x.py", "--quick"])
        assert _benchdoc.update_section("bench_x", "quick numbers", doc) is None
    assert doc.read_text() == before
    out = capsys.readouterr().out
    assert "quick numbers" in out and "not written" in out


def test_the_quick_flag_wins_over_a_script_that_says_otherwise(doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = doc.read_text()
    monkeypatch.setattr(sys, "argv", ["bench_x.py", "--quick"])
    assert _benchdoc.update_section("bench_x", "numbers", doc, quick=False) is None
    assert doc.read_text() == before


def test_the_machine_line_names_the_cpu_and_the_library_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import torch

    line = _benchdoc.machine_line()
    assert line.startswith("Machine: ") and f"numpy {np.__version__}" in line and f"torch {torch.__version__}" in line
    assert f"{torch.get_num_threads()} torch threads" in line
    capability = torch.backends.cpu.get_cpu_capability()
    assert f"({capability})" in _benchdoc.cpu_name()  # the vector width float32 sums round at
    monkeypatch.setattr(_benchdoc.platform, "processor", lambda: "")
    monkeypatch.setattr(_benchdoc.platform, "machine", lambda: "testarch")
    assert _benchdoc.cpu_name().startswith("testarch")
