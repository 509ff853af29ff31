"""Every python snippet of README.md runs as a saved script, in a fresh interpreter (``python snippet.py``).

A snippet that runs under ``exec`` may still fail as a file (the SB3 subprocess example needs its
``if __name__ == "__main__":`` guard, for instance), so each one is written to a file and run.
Snippets that need an optional library (Ray, TorchRL, Tianshou) are skipped without it (``make
test-ray`` / ``make test-libs`` run them); those that train for more than a few seconds are marked slow.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OPTIONAL = ("ray", "torchrl", "tensordict", "tianshou")
#: snippets (by a phrase of their code) that take more than a few seconds on a 2-core machine
SLOW = ('vec="subproc"', "gym.make_vec(", "prequential(", "DQNConfig", "ray_search(", "EnvFactoryRegistered")


def readme_snippets() -> list[tuple[str, str]]:
    """``(id, code)`` of every fenced python block of the README, the id naming its line."""
    text = README.read_text()
    out = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.M | re.S):
        line = text[: m.start()].count("\n") + 1
        out.append((f"README.md:{line}", m.group(1)))
    return out


def _needs(code: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
            if node.module in ("archgym.integrations.ray_search", "archgym.integrations.rllib"):
                modules.add("ray")
    return modules & set(OPTIONAL)


def _params() -> list:
    out = []
    for sid, code in readme_snippets():
        marks = [pytest.mark.slow] if any(s in code for s in SLOW) else []
        out.append(pytest.param(code, id=sid, marks=marks))
    return out


def test_the_readme_has_snippets() -> None:
    snippets = readme_snippets()
    assert len(snippets) >= 5
    sb3 = [c for _, c in snippets if 'vec="subproc"' in c]
    assert sb3 and all('if __name__ == "__main__":' in c for c in sb3)


@pytest.mark.parametrize("code", _params())
def test_readme_snippet_runs_as_a_script(code: str, tmp_path: Path) -> None:
    for module in sorted(_needs(code)):
        if os.environ.get("ARCHGYM_REQUIRE_INTEGRATIONS") != "1":
            pytest.importorskip(module)
    script = tmp_path / "snippet.py"
    script.write_text(code)
    # TMPDIR: what a snippet leaves in the temp dir (SB3's default logger folder, SB3-<time>) stays in tmp_path
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "TMPDIR": str(tmp_path)}
    res = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, (
        f"exit {res.returncode}\n--- stdout\n{res.stdout[-2000:]}\n--- stderr\n{res.stderr[-4000:]}"
    )
