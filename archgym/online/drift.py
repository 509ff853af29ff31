"""Drift detectors on an error stream (0/1 errors or per-batch error rates): Page-Hinkley, ADWIN, ErrorBurst.

Both follow River's API: ``update(x)`` feeds one value and returns whether a drift is detected
*now*; ``drift_detected`` holds the last answer; ``reset()`` forgets everything.

* :class:`PageHinkley` (Page 1954; River's parametrisation): cumulative deviation from the
  running mean, with forgetting ``alpha``; a drift when it rises more than ``threshold`` above
  its minimum (mode ``up``: the error increases; ``down`` and ``both`` are also available). It
  resets itself on the update after a detection, like River's.
* :class:`ADWIN` (Bifet & Gavaldà 2007, ADWIN2): an exponential histogram of at most
  ``max_buckets`` buckets per size ``2^i`` summarises the window; every ``clock`` updates each
  cut between buckets is tested with
  ``|mu0 - mu1| > sqrt(2 / m * var_W * ln(2 ln(n) / delta)) + 2 / (3 m) * ln(2 ln(n) / delta)``
  (``1/m = 1/n0 + 1/n1``), and the oldest buckets are dropped while a cut is significant. As in
  the paper the window is only shrunk after a drift; ``reset_on_drift=True`` restarts it like
  River does (then the detections match River's ``drift.ADWIN()`` on the same data).

:class:`ErrorBurst` tests, batch by batch, whether the mistakes of the last few samples are too many for the
long-run error rate (a binomial tail bound): the sudden rise of an abrupt change, seen sooner than ADWIN sees it.

:class:`DriftReaction` says what an :class:`~archgym.online.learner.OnlineLearner` does when told a
drift happened (its ``signal_drift``): boost the learning rate for a while and/or reset the optimizer.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> errors = np.concatenate([rng.random(1000) < 0.1, rng.random(1000) < 0.6]).astype(float)
>>> [i for i in ADWIN().update_many(errors)][:1]
[1023]
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from archgym.online._checks import check_kwargs, in_range, lookup, positive_int

__all__ = ["ADWIN", "DETECTORS", "DriftDetector", "DriftReaction", "ErrorBurst", "PageHinkley", "make_detector"]


class DriftDetector(ABC):
    """Base class of the drift detectors."""

    def __init__(self) -> None:
        self.drift_detected = False
        self.n_detections = 0
        self.n_seen = 0

    @abstractmethod
    def _update(self, x: float) -> bool:
        """Feed one value; True if a drift is detected now."""

    @abstractmethod
    def _reset_state(self) -> None:
        """Forget the statistics."""

    def update(self, x: float) -> bool:
        """Feed one value of the monitored stream (an error or an error rate).

        :param x: the value
        :return: whether a drift is detected at this value
        """
        self.n_seen += 1
        self.drift_detected = self._update(float(x))
        self.n_detections += self.drift_detected
        return self.drift_detected

    def update_many(self, xs: Iterable[float]) -> list[int]:
        """Feed several values in order.

        :param xs: the values
        :return: indices (into ``xs``) at which a drift was detected
        """
        return [i for i, x in enumerate(xs) if self.update(x)]

    def reset(self) -> None:
        """Forget everything (statistics, counts and the last detection)."""
        self.drift_detected = False
        self.n_detections = 0
        self.n_seen = 0
        self._reset_state()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.params)
        return f"{type(self).__name__}({args})"

    params: ClassVar[tuple[str, ...]] = ()


def _up(s_inc: float, min_inc: float, s_dec: float, max_dec: float, threshold: float) -> bool:
    return s_inc - min_inc > threshold


def _down(s_inc: float, min_inc: float, s_dec: float, max_dec: float, threshold: float) -> bool:
    return max_dec - s_dec > threshold


def _both(s_inc: float, min_inc: float, s_dec: float, max_dec: float, threshold: float) -> bool:
    return _up(s_inc, min_inc, s_dec, max_dec, threshold) or _down(s_inc, min_inc, s_dec, max_dec, threshold)


PH_MODES = {"up": _up, "down": _down, "both": _both}

#: ADWIN mode -> whether a cut of that sign (+1: the recent mean is higher) is reported
ADWIN_MODES: dict[str, Callable[[int], bool]] = {
    "both": lambda sign: True,
    "up": lambda sign: sign > 0,
    "down": lambda sign: sign < 0,
}


class PageHinkley(DriftDetector):
    """Page-Hinkley test on the running mean of the monitored values.

    :param min_instances: values seen before any detection
    :param delta: tolerated deviation per value (magnitude of changes ignored)
    :param threshold: detection threshold on the cumulative deviation (River's default 50 suits
        0/1 errors; use about 1-3 for per-batch error rates)
    :param alpha: forgetting factor of the cumulative sums, in ``(0, 1]``
    :param mode: ``up`` (error increases, default), ``down`` or ``both``
    """

    params = ("min_instances", "delta", "threshold", "alpha", "mode")

    def __init__(
        self,
        min_instances: int = 30,
        delta: float = 0.005,
        threshold: float = 50.0,
        alpha: float = 1 - 0.0001,
        mode: str = "up",
    ) -> None:
        super().__init__()
        self.min_instances = positive_int("min_instances", min_instances)
        self.delta = in_range("delta", delta, 0.0, math.inf)
        self.threshold = in_range("threshold", threshold, 0.0, math.inf, open_low=True)
        self.alpha = in_range("alpha", alpha, 0.0, 1.0, open_low=True)
        self._test = lookup("Page-Hinkley mode", mode, PH_MODES)
        self.mode = mode
        self._reset_state()

    def _reset_state(self) -> None:
        self._n = 0
        self._mean = 0.0
        self._s_inc = self._s_dec = 0.0
        self._min_inc, self._max_dec = math.inf, -math.inf

    def _update(self, x: float) -> bool:
        if self.drift_detected:
            self._reset_state()
        self._n += 1
        self._mean += (x - self._mean) / self._n
        dev = x - self._mean
        self._s_inc = self.alpha * self._s_inc + dev - self.delta
        self._s_dec = self.alpha * self._s_dec + dev + self.delta
        self._min_inc = min(self._min_inc, self._s_inc)
        self._max_dec = max(self._max_dec, self._s_dec)
        if self._n < self.min_instances:
            return False
        return self._test(self._s_inc, self._min_inc, self._s_dec, self._max_dec, self.threshold)


class ADWIN(DriftDetector):
    """ADaptive WINdowing (ADWIN2) with an exponential histogram of buckets.

    :param delta: confidence of the cut test (smaller: fewer false alarms, later detections)
    :param clock: test the cuts every ``clock`` updates (1: after every value)
    :param max_buckets: buckets kept per size before two are merged (``M`` in the paper)
    :param min_window_length: smallest sub-window on either side of a tested cut
    :param grace_period: values seen before any test
    :param mode: which changes are reported as drifts: ``both`` (any, as in the paper), ``up``
        (the recent mean is higher: a rising error) or ``down``; the window shrinks on every
        significant cut whatever the mode
    :param reset_on_drift: restart from an empty window on the update after a detection (River's
        behaviour: one detection per change); False keeps the shrunk window as in the paper, which
        may fire again a few clocks later while the old data is being dropped
    """

    params = ("delta", "clock", "max_buckets", "min_window_length", "grace_period", "mode", "reset_on_drift")

    def __init__(
        self,
        delta: float = 0.002,
        clock: int = 32,
        max_buckets: int = 5,
        min_window_length: int = 5,
        grace_period: int = 10,
        mode: str = "both",
        reset_on_drift: bool = False,
    ) -> None:
        super().__init__()
        self._reports = lookup("ADWIN mode", mode, ADWIN_MODES)
        self.mode = mode
        self.reset_on_drift = bool(reset_on_drift)
        self.delta = in_range("delta", delta, 0.0, 1.0, open_low=True)
        self.clock = positive_int("clock", clock)
        self.max_buckets = positive_int("max_buckets", max_buckets, 2)
        self.min_window_length = positive_int("min_window_length", min_window_length)
        self.grace_period = positive_int("grace_period", grace_period, 0)
        self._reset_state()

    def _reset_state(self) -> None:
        # rows[i] holds buckets of 2**i values, oldest first: parallel lists of totals and variances
        self._totals: list[list[float]] = [[]]
        self._vars: list[list[float]] = [[]]
        self.width = 0
        self.total = 0.0
        self._variance = 0.0  # sum of squared deviations of the whole window
        self._tick = 0
        self._zeros = 0  # values equal to 0 since the last other value

    @property
    def estimation(self) -> float:
        """Mean of the values in the current window."""
        return self.total / self.width if self.width else 0.0

    @property
    def variance(self) -> float:
        """Population variance of the values in the current window."""
        return self._variance / self.width if self.width else 0.0

    @property
    def n_buckets(self) -> int:
        """Number of buckets in the histogram (``O(max_buckets * log(width))``)."""
        return sum(len(r) for r in self._totals)

    def _insert(self, x: float) -> None:
        if self.width:
            mean = self.total / self.width
            self._variance += self.width * (x - mean) ** 2 / (self.width + 1)
        self.width += 1
        self.total += x
        self._totals[0].append(x)
        self._vars[0].append(0.0)
        i, size = 0, 1
        while len(self._totals[i]) > self.max_buckets:  # merge the two oldest buckets of row i
            if i + 1 == len(self._totals):
                self._totals.append([])
                self._vars.append([])
            t = self._totals[i]
            v = self._vars[i]
            u1, u2 = t.pop(0), t.pop(0)
            v12 = v.pop(0) + v.pop(0) + size * (u1 / size - u2 / size) ** 2 / 2
            self._totals[i + 1].append(u1 + u2)
            self._vars[i + 1].append(v12)
            i, size = i + 1, size * 2

    def _drop_oldest(self) -> int:
        """Remove the oldest bucket; return its size."""
        i = len(self._totals) - 1
        size = 1 << i
        u, v = self._totals[i].pop(0), self._vars[i].pop(0)
        self.width -= size
        self.total -= u
        if self.width:
            mu, mu_w = u / size, self.total / self.width
            self._variance -= v + size * self.width * (mu - mu_w) ** 2 / (size + self.width)
            self._variance = max(self._variance, 0.0)
        else:
            self._variance = 0.0
        if not self._totals[i] and i > 0:
            self._totals.pop()
            self._vars.pop()
        return size

    def _significant_cut(self) -> int:
        """Sign of the first significant cut (old | new): +1 new mean higher, -1 lower, 0 none."""
        n, total = self.width, self.total
        var_w = self._variance / n
        log_term = math.log(2.0 * math.log(n) / self.delta)
        mwl = self.min_window_length
        n0, u0 = 0, 0.0
        last_row = len(self._totals) - 1
        for i in range(last_row, -1, -1):
            size = 1 << i
            row = self._totals[i]
            for k, u in enumerate(row):
                n0 += size
                u0 += u
                n1 = n - n0
                if n1 <= 0 or (i == 0 and k == len(row) - 1):
                    return 0
                if n0 >= mwl and n1 >= mwl:
                    m_recip = 1.0 / n0 + 1.0 / n1
                    eps = math.sqrt(2.0 * m_recip * var_w * log_term) + 2.0 / 3.0 * m_recip * log_term
                    diff = (total - u0) / n1 - u0 / n0
                    if abs(diff) > eps:
                        return 1 if diff > 0 else -1
        return 0

    def _update(self, x: float) -> bool:
        if self.drift_detected and self.reset_on_drift:
            self._reset_state()
        self._insert(x)
        self._zeros = self._zeros + 1 if x == 0.0 else 0
        self._tick += 1
        if self._tick % self.clock or self.width <= max(self.grace_period, 2) or self._zeros >= self.width:
            return False  # (a window of zeros has the same mean on both sides of every cut: no cut to test)
        detected = False
        while self.width > 2 * self.min_window_length:
            sign = self._significant_cut()
            if sign == 0:
                break
            self._drop_oldest()
            detected = detected or self._reports(sign)
        return detected


class ErrorBurst:
    """A sudden rise of the error rate: the mistakes of the last ``window`` samples against the long-run rate.

    Fed the mistakes of each batch (``update(errors, n)``), it tests whether the ``k`` mistakes among the last
    ``W >= window`` samples are too many for the long-run error rate ``p`` (an exponential moving average with a
    memory of ``memory`` samples, at least ``floor``): it fires when the Chernoff bound of the binomial tail,
    ``exp(-W KL(k/W || p))``, falls below ``delta``. It complements :class:`ADWIN` fed one error rate per block
    of samples, whose bound needs a raised rate over a few hundred samples before it allows a cut: a concept
    that changes at once (a rule replaced by another, a label flip) lifts a learned stream's error from about 0
    to about 0.4, which this test sees within one window. It tests nothing during the first ``warmup`` samples
    (the long-run rate is not known yet) nor during the ``4 * window`` samples after a detection or a call to
    :meth:`quiet` (the rise it saw is still in the window).

    >>> burst = ErrorBurst(delta=1e-4, window=16, warmup=100)
    >>> [burst.update(0, 8) for _ in range(50)][-1], burst.update(2, 8), burst.update(4, 8), burst.update(5, 8)
    (False, False, True, False)
    """

    def __init__(
        self, delta: float = 1e-4, window: int = 16, floor: float = 0.02, memory: int = 500, warmup: int = 500
    ) -> None:
        self.delta = in_range("delta", delta, 0.0, 1.0, open_low=True, open_high=True)
        self.window = positive_int("window", window)
        self.floor = in_range("floor", floor, 0.0, 1.0, open_low=True, open_high=True)
        self.memory = positive_int("memory", memory)
        self.warmup = positive_int("warmup", warmup, 0)
        self._threshold = math.log(1.0 / self.delta)
        self._recent: deque[tuple[int, int]] = deque()  # (samples, mistakes) of the batches in the window
        self._n = self._k = 0  # samples and mistakes in the window
        self.rate = 0.0  # the long-run error rate
        self.n_seen = 0
        self._quiet_until = 0
        self.n_detections = 0

    def quiet(self) -> None:
        """Test nothing for the next ``4 * window`` samples (a drift was just handled)."""
        self._quiet_until = self.n_seen + 4 * self.window

    def update(self, errors: int, n: int) -> bool:
        """Add a batch of ``n`` samples with ``errors`` mistakes; True if the burst test fires now."""
        self._recent.append((n, errors))
        self._n += n
        self._k += errors
        while self._n - self._recent[0][0] >= self.window:
            m, e = self._recent.popleft()
            self._n -= m
            self._k -= e
        self.n_seen += n
        fired = False
        if self.n_seen >= max(self.warmup, self._quiet_until):
            p, q = max(self.rate, self.floor), self._k / self._n
            if q > p:
                kl = q * math.log(q / p) + ((1.0 - q) * math.log((1.0 - q) / (1.0 - p)) if q < 1.0 else 0.0)
                fired = self._n * kl > self._threshold
        keep = (1.0 - 1.0 / self.memory) ** n
        self.rate = keep * self.rate + (1.0 - keep) * errors / n
        if fired:
            self.n_detections += 1
            self.quiet()
        return fired

    def __repr__(self) -> str:
        return (
            f"ErrorBurst(delta={self.delta}, window={self.window}, floor={self.floor}, memory={self.memory}, "
            f"warmup={self.warmup})"
        )


#: detector name -> class
DETECTORS: dict[str, type[DriftDetector]] = {"adwin": ADWIN, "page_hinkley": PageHinkley}


def make_detector(spec: DriftDetector | str | Mapping[str, Any] | None) -> DriftDetector | None:
    """Build a detector from a name, a dict ``{"name": "adwin", "delta": 0.01}``, or pass one through.

    :param spec: a detector, a name in :data:`DETECTORS`, a dict with ``name``, or None
    :return: the detector (None for None)
    :raises ValueError: unknown name or parameter
    """
    if spec is None or isinstance(spec, DriftDetector):
        return spec
    if isinstance(spec, str):
        return lookup("drift detector", spec, DETECTORS)()
    if isinstance(spec, Mapping) and "name" in spec:
        params = {k: v for k, v in spec.items() if k != "name"}
        cls = lookup("drift detector", spec["name"], DETECTORS)
        check_kwargs(cls.__name__, cls, params)
        return cls(**params)
    valid = f"None, a DriftDetector, a name ({', '.join(DETECTORS)}) or a dict with 'name'"
    raise ValueError(f"bad drift detector spec {spec!r}; valid: {valid}")


@dataclass(frozen=True)
class DriftReaction:
    """What the learner does when told a drift happened.

    :param lr_factor: multiply the learning rate by this for ``duration`` updates (1: no boost)
    :param duration: number of updates the boost lasts
    :param reset_optimizer: drop the optimizer state (Adam moments, momentum buffers)
    """

    lr_factor: float = 2.0
    duration: int = 100
    reset_optimizer: bool = True

    def __post_init__(self) -> None:
        in_range("lr_factor", self.lr_factor, 0.0, math.inf, open_low=True)
        positive_int("duration", self.duration, 0)
