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

import torch

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nEvery number below was written by the script named in its section, with the exact command.\n"


def machine_line(device: str = "cpu") -> str:
    """One line naming the machine the numbers came from."""
    if device.startswith("cuda") and torch.cuda.is_available():
        dev = torch.cuda.get_device_name(0)
    else:
        dev = f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads"
    return f"Machine: {dev}; python {platform.python_version()}, torch {torch.__version__}."


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
