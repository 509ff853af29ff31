"""Write one named section of docs/benchmarks.md, leaving the other sections alone.

Every benchmark script owns a section delimited by ``<!-- NAME:start -->`` and
``<!-- NAME:end -->`` markers; re-running a script replaces only its own section.
Usage from a script in scripts/::

    from _benchdoc import update_section
    update_section("bench_env", markdown_text, quick=args.quick)

Only full runs write: a quick run (``quick=True``, or ``--quick`` anywhere on the script's command
line, whatever ``quick`` says) prints the section and leaves the doc alone, so quick numbers never
replace full ones, whichever script calls this.
"""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

import numpy as np
import torch

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nEvery number below was written by the script named in its section, with the exact command.\n"


def cpu_name() -> str:
    """The CPU's model name (Linux's /proc/cpuinfo) and the vector instructions torch's kernels use (e.g. AVX512).

    Float32 sums round by the vector width they run at, so two CPUs can give a model's results that differ in the
    last digits: the line says which one these came from.
    """
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
        name = f"{name} {model}" if model else name
    except OSError:
        pass
    capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", None)
    return f"{name} ({capability()})" if capability is not None else name


def machine_line(device: str = "cpu") -> str:
    """One line naming the machine the numbers came from (its CPU, and the versions of python, numpy and torch)."""
    if device.startswith("cuda") and torch.cuda.is_available():
        dev = torch.cuda.get_device_name(0)
    else:
        dev = f"{cpu_name()}, {torch.get_num_threads()} torch threads"
    return f"Machine: {dev}; python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}."


def is_quick_run(argv: list[str] | None = None) -> bool:
    """True when the command line asks for a quick run (``--quick``)."""
    return "--quick" in (sys.argv[1:] if argv is None else argv)


def update_section(name: str, body: str, doc: Path = DOC, *, quick: bool | None = None) -> Path | None:
    """Replace (or append) the section ``name`` of ``doc`` with ``body``; a quick run only prints it.

    :param name: the section's marker name
    :param body: its markdown
    :param doc: the file (default docs/benchmarks.md)
    :param quick: a quick run (``--quick`` on the command line counts as one in any case); it never writes
    :return: the doc written, or None for a quick run
    """
    if quick or is_quick_run():
        print(f"\n{body.strip()}\n\n(a --quick run: section {name!r} of {doc} not written; full runs write it)")
        return None
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text() if doc.exists() else HEADER
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text)
    return doc
