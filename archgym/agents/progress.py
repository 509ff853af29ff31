"""Progress of the long commands (``search``, ``eval``, ``export --retrain``) on stderr.

On a terminal it is a tqdm bar; otherwise (a log file, a pipe, CI) it is a plain line when the work
starts, one every ``every`` seconds, and one when it ends, so a long run is never silent and a log
is not flooded with carriage returns. stdout stays free for results (``eval --json``).

>>> import io
>>> out = io.StringIO()
>>> with Progress(3, "search", unit="evaluations", stream=out, every=3600) as p:
...     for _ in range(3):
...         p.update(best=0.5)
>>> print(out.getvalue().splitlines()[0])
search: 0/3 evaluations
>>> out.getvalue().splitlines()[-1].startswith("search: 3/3 evaluations (100%) in ")
True
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import IO, Any

__all__ = ["Heartbeat", "Progress"]


def _fmt(v: Any) -> str:
    return f"{v:.4f}" if isinstance(v, float) else str(v)


class Progress:
    """A progress bar on a terminal, periodic plain lines otherwise.

    :param total: units of work (None: unknown)
    :param desc: what is running (``search``, ``eval``)
    :param unit: name of a unit of work (``evaluations``, ``episodes``)
    :param every: seconds between two plain lines (default ``$ARCHGYM_PROGRESS_EVERY`` or 10)
    :param stream: where to write (default ``sys.stderr``)
    :param enabled: False: write nothing
    :param bar: force the tqdm bar (True) or the plain lines (False); default: a bar when ``stream`` is a terminal
    """

    def __init__(
        self,
        total: int | None,
        desc: str,
        unit: str = "it",
        every: float | None = None,
        stream: IO[str] | None = None,
        enabled: bool = True,
        bar: bool | None = None,
    ) -> None:
        self.total = total
        self.desc = desc
        self.unit = unit
        self.every = float(every if every is not None else os.environ.get("ARCHGYM_PROGRESS_EVERY", 10.0))
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.n = 0
        self.postfix: dict[str, Any] = {}
        self._start = time.monotonic()
        self._last = self._start
        self._bar: Any = None
        self._closed = False
        if not enabled:
            return
        isatty = getattr(self.stream, "isatty", lambda: False)
        if bar if bar is not None else isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=f" {unit}", file=self.stream, dynamic_ncols=True)
        else:
            self._line()

    def _count(self) -> str:
        if self.total is None:
            return f"{self.n} {self.unit}"
        pct = f" ({100 * self.n / self.total:.0f}%)" if self.n else ""
        return f"{self.n}/{self.total} {self.unit}{pct}"

    def _line(self, suffix: str = "") -> None:
        extra = ", ".join(f"{k} {_fmt(v)}" for k, v in self.postfix.items())
        text = f"{self.desc}: {self._count()}{suffix}" + (f", {extra}" if extra else "")
        print(text, file=self.stream, flush=True)

    def update(self, n: int = 1, **postfix: Any) -> None:
        """Count ``n`` more units of work; ``postfix`` values (e.g. ``best=0.97``) are shown beside the count."""
        self.n += n
        self.postfix.update(postfix)
        if not self.enabled or self._closed:
            return
        if self._bar is not None:
            if postfix:
                self._bar.set_postfix({k: _fmt(v) for k, v in self.postfix.items()}, refresh=False)
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._line(f", {now - self._start:.0f} s")

    def close(self) -> None:
        """End the bar, or write the final plain line."""
        if self._closed or not self.enabled:
            self._closed = True
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        else:
            self._line(f" in {time.monotonic() - self._start:.1f} s")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Heartbeat:
    """Progress of one long call that reports nothing while it runs (``export --retrain``): after ``delay``
    seconds, and then every ``every`` seconds, a line with the elapsed time; on success a final line.

    A call that fails before ``delay`` writes nothing, so its error stays the only line on stderr.

    :param desc: what is running
    :param every: seconds between two lines (default ``$ARCHGYM_PROGRESS_EVERY`` or 10)
    :param delay: seconds before the first line
    :param stream: where to write (default ``sys.stderr``)
    :param enabled: False: write nothing
    """

    def __init__(
        self,
        desc: str,
        every: float | None = None,
        delay: float = 1.0,
        stream: IO[str] | None = None,
        enabled: bool = True,
    ) -> None:
        self.desc = desc
        self.every = float(every if every is not None else os.environ.get("ARCHGYM_PROGRESS_EVERY", 10.0))
        self.delay = float(delay)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = 0.0
        self._said = False

    def _run(self) -> None:
        wait = self.delay
        while not self._stop.wait(wait):
            print(f"{self.desc}: running, {time.monotonic() - self._start:.0f} s", file=self.stream, flush=True)
            self._said = True
            wait = self.every

    def __enter__(self) -> Heartbeat:
        self._start = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="archgym-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.enabled and exc_type is None:
            print(f"{self.desc}: done in {time.monotonic() - self._start:.1f} s", file=self.stream, flush=True)
