"""Atomic file writes: a reader (or a run resumed after a crash) sees the old file or the new one, never half.

Every helper writes to a temporary file in the destination's folder, flushes and ``os.fsync``-s it,
renames it over the destination with ``os.replace`` (atomic on POSIX and Windows) and then fsyncs
the folder so that the rename itself survives a power cut (where the platform allows it).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.txt", "hello\\n").read_text()
'hello\\n'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "fsync_dir", "fsync_file"]


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """``fsync`` a folder so that renames and new entries in it are durable (no-op where unsupported).

    :param folder: the folder
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def fsync_file(path: str | os.PathLike[str]) -> None:
    """``fsync`` an existing file (e.g. one written by a library that does not sync).

    :param path: the file
    """
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit it is fsynced and renamed over ``path``.

    For writers that want a file name (``torch.save``, ``model.save``): write to the yielded path.
    On an exception the temporary file is removed and ``path`` is left untouched.

    :param path: the destination
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        fsync_file(tmp_path)
        os.replace(tmp_path, dest)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)


def _write(path: str | os.PathLike[str], mode: str, write: Callable[[IO], object]) -> Path:
    with atomic_path(path) as tmp, open(tmp, mode) as fh:
        write(fh)
        fh.flush()
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    :param path: the destination
    :param data: the content
    :return: ``path``
    """
    return _write(path, "wb", lambda fh: fh.write(data))


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically.

    :param path: the destination
    :param text: the content
    :param encoding: text encoding
    :return: ``path``
    """
    return atomic_write_bytes(path, text.encode(encoding))
