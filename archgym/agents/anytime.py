"""Anytime performance of a search against a ground-truth table: incumbent, regret, time to a target set.

A search writes one record per evaluation (:mod:`archgym.agents.records`). In ``eval_mode="table"`` a
record's ``val_accuracy`` is ONE seed's validation accuracy; the quality of an architecture is its
*mean test accuracy over the table's seeds* (:meth:`archgym.tables.Table.mean`). NAS-benchmark practice
(NAS-Bench-101/201) scores a search after ``n`` evaluations by the test accuracy of its *incumbent*: the
architecture with the best validation accuracy it has seen so far, as the search itself would choose.

>>> recs = [{"evaluation": 1, "arch": "a", "val_accuracy": 0.5}, {"evaluation": 2, "arch": "b", "val_accuracy": 0.7},
...         {"evaluation": 3, "arch": "c", "val_accuracy": 0.6}]
>>> incumbents(recs, 4)
['a', 'b', 'b', 'b']
>>> first_hit(recs, {"c"})
3
>>> first_hit(recs, {"z"}) is None
True
>>> m, h = mean_ci([[1.0, 2.0], [3.0, 4.0]])
>>> m.tolist(), bool(h[0] > 0)
([2.0, 3.0], True)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["anytime_test_accuracy", "first_hit", "incumbents", "mean_ci", "t_quantile", "top_fraction"]


def incumbents(records: Sequence[Mapping[str, Any]], budget: int, key: str = "val_accuracy") -> list[str]:
    """The incumbent's architecture key after each evaluation ``1..budget``.

    The incumbent is the record with the highest ``key`` so far (ties: the earlier one). After the last
    record it stays (a run shorter than ``budget`` keeps its final incumbent).

    :param records: one run's records (sorted by ``evaluation`` here)
    :param budget: length of the curve
    :param key: the record field the search selects by
    :raises ValueError: no records
    """
    recs = sorted(records, key=lambda r: int(r["evaluation"]))
    if not recs:
        raise ValueError("a run without records has no incumbent")
    out: list[str] = []
    best, arch = -math.inf, str(recs[0]["arch"])
    it = iter(recs)
    rec = next(it, None)
    for n in range(1, budget + 1):
        while rec is not None and int(rec["evaluation"]) <= n:
            v = float(rec.get(key, math.nan))
            if math.isfinite(v) and v > best:
                best, arch = v, str(rec["arch"])
            rec = next(it, None)
        out.append(arch)
    return out


def anytime_test_accuracy(
    records: Sequence[Mapping[str, Any]], test_accuracy: Mapping[str, float], budget: int, key: str = "val_accuracy"
) -> np.ndarray:
    """Mean test accuracy (``test_accuracy[arch]``) of the incumbent after each evaluation ``1..budget``.

    :param records: one run's records
    :param test_accuracy: architecture key -> its mean test accuracy over the table's seeds
    :param budget: length of the curve
    :param key: the record field the incumbent is chosen by
    :raises KeyError: an incumbent the mapping does not hold (named)
    """
    keys = incumbents(records, budget, key)
    try:
        return np.array([test_accuracy[k] for k in keys], dtype=np.float64)
    except KeyError as e:
        raise KeyError(f"architecture {e.args[0]} is not in the table") from None


def first_hit(records: Sequence[Mapping[str, Any]], targets: Collection[str]) -> int | None:
    """The first evaluation number whose architecture is in ``targets`` (None: never)."""
    for r in sorted(records, key=lambda r: int(r["evaluation"])):
        if r["arch"] in targets:
            return int(r["evaluation"])
    return None


def top_fraction(ranking: Sequence[tuple[str, float]], fraction: float = 0.01) -> set[str]:
    """The best ``fraction`` of a ranking (best first), at least one architecture; ties at the cut are kept.

    :param ranking: ``(key, value)`` best first, e.g. :meth:`archgym.tables.Table.ranking`
    :param fraction: in (0, 1]
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    if not ranking:
        return set()
    n = max(1, math.ceil(fraction * len(ranking) - 1e-9))
    cut = ranking[n - 1][1]
    return {k for k, v in ranking if v >= cut}


def t_quantile(p: float, dof: int) -> float:
    """Student's t quantile (Cornish-Fisher expansion around the normal; error < 1e-3 for ``dof >= 5``).

    >>> round(t_quantile(0.975, 49), 3), round(t_quantile(0.975, 4), 2)
    (2.01, 2.78)
    """
    if dof < 1:
        raise ValueError(f"dof must be >= 1, got {dof}")
    from statistics import NormalDist

    z = NormalDist().inv_cdf(p)
    v = float(dof)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


def mean_ci(curves: Sequence[Sequence[float]] | np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Mean over runs (axis 0) and the half-width of its ``level`` confidence interval (Student's t).

    :param curves: one row per run
    :return: ``(mean, half_width)``; half-width 0 with a single run
    """
    a = np.asarray(curves, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    n = a.shape[0]
    mean = a.mean(axis=0)
    if n < 2:
        return mean, np.zeros_like(mean)
    sem = a.std(axis=0, ddof=1) / math.sqrt(n)
    return mean, t_quantile(0.5 + level / 2, n - 1) * sem
