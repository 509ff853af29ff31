"""Every archgym module imports on its own in a fresh interpreter, and the package has no import cycle.

The import graph is read from the source with ``ast``: an edge ``a -> b`` for every ``import`` of an
archgym module ``b`` in module ``a`` (``from archgym.x import y`` counts as importing ``archgym.x.y``
when that is a module, else ``archgym.x``; imports under ``if TYPE_CHECKING:`` do not count; the
implicit import of a parent package does not count). Module-level imports must be acyclic; imports
inside functions too, apart from :data:`ALLOWED_LAZY_CYCLES` (each with its reason): a function-level
import that closes a cycle (``callbacks`` <-> ``checkpoint`` was one) hides a tangle rather than
removing it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "archgym"

#: cycles that exist only through imports inside functions, and why they are acceptable
ALLOWED_LAZY_CYCLES: dict[frozenset[str], str] = {
    frozenset({"archgym.schedules.compose", "archgym.schedules.registry"}): (
        "nested schedule specs: a composite schedule builds its parts through the registry, which lists it"
    ),
}


def archgym_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their ``__init__.py``)."""
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_edges(name: str, path: Path, modules: dict[str, Path], lazy: bool) -> set[str]:
    """The archgym modules ``name`` imports (module level only, or anywhere with ``lazy``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def imports(nodes: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
        found: list[ast.Import | ast.ImportFrom] = []
        for n in nodes:
            if _is_type_checking(n):
                continue
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                found.append(n)
            elif isinstance(n, (ast.If, ast.Try, ast.With)) or (
                lazy and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While))
            ):
                for field in ("body", "orelse", "finalbody"):
                    found += imports(getattr(n, field, None) or [])
                for h in getattr(n, "handlers", []):
                    found += imports(h.body)
        return found

    out: set[str] = set()
    for n in imports(tree.body):
        if isinstance(n, ast.Import):
            for a in n.names:
                m = a.name
                while m and m not in modules:
                    m = m.rpartition(".")[0]
                if m.startswith("archgym"):
                    out.add(m)
            continue
        base = (
            ".".join(package[: len(package) - n.level + 1] + ([n.module] if n.module else [])) if n.level else n.module
        )
        if not base or not base.startswith("archgym"):
            continue
        for a in n.names:
            sub = f"{base}.{a.name}"
            out.add(sub if sub in modules else base)
    out.discard(name)
    return {m for m in out if m in modules}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_finds_a_cycle(tmp_path: Path) -> None:
    """The checker itself: a two-module cycle through a function-level import is found only with ``lazy``."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from archgym.b import f\n")
    b.write_text("def f():\n    from archgym.a import g\n")
    modules = {"archgym.a": a, "archgym.b": b}
    strict = {m: import_edges(m, p, modules, lazy=False) for m, p in modules.items()}
    loose = {m: import_edges(m, p, modules, lazy=True) for m, p in modules.items()}
    assert find_cycles(strict) == [] and find_cycles(loose) == [["archgym.a", "archgym.b"]]


def test_no_module_level_import_cycle() -> None:
    modules = archgym_modules()
    graph = {m: import_edges(m, p, modules, lazy=False) for m, p in modules.items()}
    assert find_cycles(graph) == []


def test_no_import_cycle_through_function_level_imports() -> None:
    modules = archgym_modules()
    graph = {m: import_edges(m, p, modules, lazy=True) for m, p in modules.items()}
    cycles = [c for c in find_cycles(graph) if frozenset(c) not in ALLOWED_LAZY_CYCLES]
    assert cycles == [], f"import cycles (through imports inside functions): {cycles}"


def test_agents_checkpointing_has_no_cycle() -> None:
    """The cycle of issue 12: callbacks and checkpoint must not import each other, even lazily."""
    modules = archgym_modules()
    cb = import_edges("archgym.agents.callbacks", modules["archgym.agents.callbacks"], modules, lazy=True)
    assert "archgym.agents.checkpoint" not in cb


#: optional libraries: a module that needs one is skipped when it is missing
OPTIONAL = ("ray", "torchrl", "tianshou", "sb3_contrib", "river", "torch_pruning")

_IMPORT_ALL = f"""
import importlib, json, sys, traceback
failed = {{}}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] in {OPTIONAL!r}:
            continue
        failed[name] = traceback.format_exc(limit=3)
    except Exception:
        failed[name] = traceback.format_exc(limit=3)
print(json.dumps(failed))
"""


@pytest.mark.parametrize("first", ["archgym.cli", "archgym.agents.checkpoint", "archgym.envs.registration"])
def test_every_module_imports_in_a_fresh_interpreter(first: str) -> None:
    """Import one entry module first (a fresh interpreter each), then every other module."""
    names = [first, *(m for m in archgym_modules() if m != first)]
    res = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *names],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={"PATH": "", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)},
    )
    assert res.returncode == 0, res.stderr
    failed = json.loads(res.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{k}:\n{v}" for k, v in failed.items())
