"""Prequential (test-then-train) evaluation and the monitor an online env can step with.

:func:`prequential` runs a learner over a stream: each batch is predicted first, then learned
(:meth:`OnlineLearner.predict_then_learn`). The correctness of every sample stays on the device
and reaches the host every ``sync_every`` batches, where a :class:`PrequentialMonitor` feeds the
drift detector and, on a detection, calls ``learner.signal_drift()``. The learning curve is the
accuracy of each consecutive window of ``window`` samples.

An env steps the same way, one chunk per step::

    x, y = stream.next_batch(chunk)
    correct = learner.predict_then_learn(x, y)   # or score_many(x, y) then learn_many(x, y)
    drift = monitor.update(correct)              # monitor.window_accuracy: recent accuracy

>>> import torch
>>> from torch import nn
>>> from archgym.online import OnlineLearner, make_stream
>>> _ = torch.manual_seed(0)  # the linear model's initialisation
>>> learner = OnlineLearner(nn.Linear(3, 2), lr=0.05, standardize=True, device="cpu")
>>> result = prequential(learner, make_stream("sea", positions=(), variants=(0,)), 4000, 32, window=1000)
>>> result.n_samples, len(result.curve), bool(result.curve[-1] > 0.85)  # the last window: learned
(4000, 4, True)
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

from archgym.online._checks import lookup, positive_int
from archgym.online.base import Stream
from archgym.online.drift import DriftDetector, make_detector
from archgym.online.learner import OnlineLearner

__all__ = ["DETECTOR_INPUTS", "PrequentialMonitor", "PrequentialResult", "prequential"]


def _batch_rate(errors: np.ndarray) -> list[float]:
    return [float(errors.mean())]


def _per_sample(errors: np.ndarray) -> np.ndarray:
    return errors


#: what the detector is fed per batch: its error rate (one value) or every 0/1 error
DETECTOR_INPUTS = {"batch": _batch_rate, "sample": _per_sample}


class PrequentialMonitor:
    """Running prequential statistics and drift detection from per-batch correctness.

    :param window: samples in the sliding window of :attr:`window_accuracy`
    :param detector: drift detector (instance, name, dict spec or None)
    :param detector_input: ``sample`` (feed each 0/1 error, default) or ``batch`` (each batch's error rate)
    """

    def __init__(
        self,
        window: int = 500,
        detector: DriftDetector | str | dict[str, Any] | None = None,
        detector_input: str = "sample",
    ) -> None:
        self.window = positive_int("window", window)
        self.detector = make_detector(detector)
        self._feed: Callable[[np.ndarray], Any] = lookup("detector input", detector_input, DETECTOR_INPUTS)
        self.detector_input = detector_input
        self.reset()

    def reset(self) -> None:
        """Forget all statistics (and reset the detector)."""
        self.n_samples = 0
        self.n_correct = 0
        self._recent: deque[tuple[int, int]] = deque()
        self._recent_n = self._recent_c = 0
        self.detections: list[int] = []
        self.drift_detected = False
        if self.detector is not None:
            self.detector.reset()

    @property
    def accuracy(self) -> float:
        """Cumulative prequential accuracy."""
        return self.n_correct / self.n_samples if self.n_samples else 0.0

    @property
    def window_accuracy(self) -> float:
        """Accuracy over (about) the last ``window`` samples (whole batches)."""
        return self._recent_c / self._recent_n if self._recent_n else 0.0

    def update(self, correct: torch.Tensor | np.ndarray) -> bool:
        """Add one batch of per-sample correctness.

        :param correct: bool (or 0/1) per sample, tensor (synced here) or array
        :return: whether the detector fired on this batch
        """
        c = correct.detach().cpu().numpy() if isinstance(correct, torch.Tensor) else np.asarray(correct)
        c = c.reshape(-1).astype(bool)
        n, k = len(c), int(c.sum())
        self.n_samples += n
        self.n_correct += k
        self._recent.append((n, k))
        self._recent_n += n
        self._recent_c += k
        while len(self._recent) > 1 and self._recent_n - self._recent[0][0] >= self.window:
            n0, k0 = self._recent.popleft()
            self._recent_n -= n0
            self._recent_c -= k0
        self.drift_detected = False
        if self.detector is not None and n:
            fired = self.detector.update_many(self._feed((~c).astype(np.float64)))
            if fired:
                self.drift_detected = True
                self.detections.append(self.n_samples)
        return self.drift_detected


@dataclass(frozen=True)
class PrequentialResult:
    """Outcome of :func:`prequential`.

    :param n_samples: samples evaluated
    :param accuracy: cumulative prequential accuracy
    :param window_accuracy: accuracy over the last ``window`` samples
    :param curve: accuracy of each consecutive window of ``window`` samples
    :param curve_end: sample index just after each window of ``curve``
    :param window: window length in samples
    :param seconds: wall time of the loop
    :param samples_per_s: throughput (predict + learn + stream generation)
    :param detections: sample indices (end of the batch) where the detector fired
    :param true_drifts: the stream's drift positions still ahead at the start

    Positions count from the stream's position when the evaluation started.
    """

    n_samples: int
    accuracy: float
    window_accuracy: float
    curve: np.ndarray
    curve_end: np.ndarray
    window: int
    seconds: float
    samples_per_s: float
    detections: tuple[int, ...]
    true_drifts: tuple[int, ...]

    def recovery(self, drift: int, threshold: float) -> int | None:
        """Samples after ``drift`` until a whole window after it reaches ``threshold`` accuracy.

        :param drift: the drift position (sample index)
        :param threshold: accuracy to reach
        :return: ``curve_end - drift`` of the first such window, or None if never
        """
        ok = (self.curve_end - self.window >= drift) & (self.curve >= threshold)
        return int(self.curve_end[ok][0] - drift) if ok.any() else None

    def first_detection_after(self, drift: int) -> int | None:
        """Delay in samples of the first detection at or after ``drift`` (None if none).

        :param drift: the drift position
        :return: the delay
        """
        later = [d - drift for d in self.detections if d >= drift]
        return later[0] if later else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (arrays as lists)."""
        d = asdict(self)
        d["curve"], d["curve_end"] = self.curve.tolist(), self.curve_end.tolist()
        d["detections"], d["true_drifts"] = list(self.detections), list(self.true_drifts)
        return d


def prequential(
    learner: OnlineLearner,
    stream: Stream,
    n_samples: int,
    batch_size: int = 32,
    *,
    window: int = 500,
    detector: DriftDetector | str | dict[str, Any] | None = None,
    detector_input: str = "sample",
    react: bool = True,
    sync_every: int = 8,
) -> PrequentialResult:
    """Test-then-train ``learner`` on ``n_samples`` samples of ``stream``.

    :param learner: the online learner
    :param stream: the stream (read from its current position, which becomes sample 0 of the result)
    :param n_samples: samples to evaluate (the last batch may be shorter)
    :param batch_size: samples per predict-then-learn chunk
    :param window: samples per point of the learning curve and of the sliding accuracy
    :param detector: drift detector on the error stream (instance, name, dict or None)
    :param detector_input: ``sample`` (feed 0/1 errors, default) or ``batch`` (feed batch error rates)
    :param react: call ``learner.signal_drift()`` on each detection (and ``learner.observe``
        with the window accuracy at every sync)
    :param sync_every: batches between host syncs (detection and reaction lag at most this much)
    :return: the result
    """
    n_total = positive_int("n_samples", n_samples)
    bs = positive_int("batch_size", batch_size)
    sync = positive_int("sync_every", sync_every)
    origin = stream.position
    monitor = PrequentialMonitor(window, detector, detector_input)
    correct = torch.zeros(n_total, dtype=torch.bool, device=learner.device)
    bounds: list[tuple[int, int]] = []
    synced = 0

    def flush() -> None:
        nonlocal synced
        if synced == len(bounds):
            return
        a, b = bounds[synced][0], bounds[-1][1]
        host = correct[a:b].cpu().numpy()
        for lo, hi in bounds[synced:]:
            if monitor.update(host[lo - a : hi - a]) and react:
                learner.signal_drift()
        synced = len(bounds)
        if react:
            learner.observe(monitor.window_accuracy)

    if learner.device.type == "cuda":
        torch.cuda.synchronize(learner.device)
    start = time.perf_counter()
    done = 0
    while done < n_total:
        x, y = stream.next_batch(min(bs, n_total - done))
        n = len(y)
        correct[done : done + n] = learner.predict_then_learn(x, y)
        bounds.append((done, done + n))
        done += n
        if len(bounds) - synced >= sync:
            flush()
    flush()
    host = correct.cpu().numpy()
    seconds = time.perf_counter() - start
    n_win = n_total // window
    curve = host[: n_win * window].reshape(n_win, window).mean(1) if n_win else np.zeros(0)
    return PrequentialResult(
        n_samples=n_total,
        accuracy=float(host.mean()),
        window_accuracy=float(host[-window:].mean()),
        curve=curve,
        curve_end=np.arange(1, n_win + 1) * window,
        window=window,
        seconds=seconds,
        samples_per_s=n_total / seconds if seconds > 0 else float("inf"),
        detections=tuple(monitor.detections),
        true_drifts=tuple(p - origin for p in stream.drift_points if p >= origin),
    )
