"""Checksums of a run directory: ``manifest.json`` records the sha256 of every file saved into it.

Agent zips and replay buffers hold pickled objects, and unpickling runs code. ``archgym train``
records the sha256 of each file it saves (config, agents, replay buffers, resume checkpoints,
snapshots) in ``RUN_DIR/manifest.json`` at save time; ``archgym eval`` verifies the files it is
about to load and refuses a run whose files are missing from the manifest or changed since
(:class:`IntegrityError`, a ValueError: one line naming the file) unless ``--trust`` is given.

A checksum guards against a file changed after the run wrote it (a corrupted copy, a swapped
model); it cannot vouch for who made the run: load agents only from sources you trust.

The manifest is a JSON object ``{"format": 1, "algorithm": "sha256", "files": {relpath: hexdigest}}``
written atomically (:mod:`archgym.atomic`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from archgym.atomic import atomic_write_text

__all__ = ["MANIFEST_FILE", "IntegrityError", "read_manifest", "record_checksums", "sha256_file", "verify_files"]

MANIFEST_FILE = "manifest.json"
_CHUNK = 1 << 20


class IntegrityError(ValueError):
    """A run-dir file is missing from the manifest or differs from its recorded checksum."""


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks.

    :param path: the file
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _rel(run_dir: Path, path: str | os.PathLike[str]) -> str:
    """``path`` relative to ``run_dir``; a relative ``path`` may be relative to the working folder
    (``runs/x/model.zip``) or to the run dir (``model.zip``): the one inside the run dir that exists wins."""
    root = run_dir.resolve()
    p = Path(path)
    options = [p.resolve()] if p.is_absolute() else [p.resolve(), (run_dir / p).resolve()]
    inside = [c for c in options if c == root or root in c.parents]
    if not inside:
        raise ValueError(f"'{p}' is not inside the run dir '{run_dir}'")
    best = next((c for c in inside if c.exists()), inside[0])
    return best.relative_to(root).as_posix()


def read_manifest(run_dir: str | os.PathLike[str]) -> dict[str, str] | None:
    """The recorded checksums of a run (relative path -> sha256), or None when it has no manifest.

    :param run_dir: the run directory
    :raises IntegrityError: the manifest exists but is not a valid manifest
    """
    path = Path(run_dir) / MANIFEST_FILE
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text())
        files = doc["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise IntegrityError(f"{path} is not a valid checksum manifest") from None
    return dict(files)


def record_checksums(
    run_dir: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]] = (),
    removed: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Hash ``files`` (paths inside ``run_dir``) into the manifest and drop the entries of ``removed``.

    :param run_dir: the run directory
    :param files: files just saved (absolute or relative to ``run_dir``)
    :param removed: files just deleted
    :return: the manifest path
    """
    run_dir = Path(run_dir)
    entries = read_manifest(run_dir) or {}
    for f in removed:
        entries.pop(_rel(run_dir, f), None)
    for f in files:
        rel = _rel(run_dir, f)
        entries[rel] = sha256_file(run_dir / rel)
    doc = {"format": 1, "algorithm": "sha256", "files": dict(sorted(entries.items()))}
    return atomic_write_text(run_dir / MANIFEST_FILE, json.dumps(doc, indent=1) + "\n")


def verify_files(run_dir: str | os.PathLike[str], files: Iterable[str | os.PathLike[str]]) -> None:
    """Check ``files`` against the manifest of ``run_dir``.

    :param run_dir: the run directory
    :param files: the files about to be loaded
    :raises IntegrityError: no manifest, a file without a recorded checksum, or a checksum mismatch
        (the message names the file and says that ``--trust`` skips the check)
    """
    run_dir = Path(run_dir)
    entries = read_manifest(run_dir)
    hint = "pass --trust to load it anyway (only for runs you trust: agent files hold pickled code)"
    if entries is None:
        raise IntegrityError(f"run dir '{run_dir}' has no {MANIFEST_FILE}, so its files cannot be verified; {hint}")
    for f in files:
        rel = _rel(run_dir, f)
        if rel not in entries:
            raise IntegrityError(f"'{run_dir / rel}' has no checksum in {MANIFEST_FILE}; {hint}")
        found = sha256_file(run_dir / rel)
        if found != entries[rel]:
            raise IntegrityError(
                f"checksum mismatch for '{run_dir / rel}' (recorded sha256 {entries[rel][:12]}..., "
                f"found {found[:12]}...): the file changed after it was saved; {hint}"
            )
