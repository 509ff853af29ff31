"""AutoClassifier's sleeping member groups (compute follows the weights), and the members' learning without a
prediction that sleeping relies on (the tree's statistics-only learning, naive Bayes' features)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from archgym.online.auto import AutoClassifier
from archgym.online.bayes import GaussianNaiveBayes, NaiveBayes
from archgym.online.tree import HoeffdingTree, Tree
from tests.conftest import gaussian_blobs

NETS = ["linear-lr0.02", "linear-lr0.002", "mlp32+skip-lr0.01", "mlp128-lr0.005"]


def _xor(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A local 2-D concept the memory decides for its first few thousand samples."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.int64)


def _columns(m: AutoClassifier, names: list[str]) -> list[int]:
    return [m.expert_names.index(name) for name in names]


def test_groups_that_weigh_nothing_sleep_and_are_predicted_on_probe_chunks_only() -> None:
    x, y = _xor(3000)
    m = AutoClassifier(seed=0, pick_share=1e-5)  # (a small share: the networks, behind the memory, weigh nothing)
    nets = _columns(m, NETS)
    asleep_chunks = probed = 0
    for i in range(0, len(y), 8):
        sleeping = m.sleeping
        probe = m._chunks % m.probe_every == 0
        m.predict_many(x[i : i + 8])
        assert m._cache is not None or i == 0
        if m._cache is not None and set(NETS) <= set(sleeping):
            p = m._cache[2][0]
            uniform = np.allclose(p[:, nets], 0.5)
            assert uniform != probe  # predicted on probe chunks, uniform columns on the others
            asleep_chunks += 1
            probed += probe
        weights = m.weights
        assert max(weights, key=weights.__getitem__) not in sleeping  # the heaviest member's group never sleeps
        m.learn_many(x[i : i + 8], y[i : i + 8])
    assert asleep_chunks > 150 and 0 < probed < asleep_chunks / 2
    assert "knn5-w2000" not in m.sleeping
    assert set(m.sleeping) <= set(m.expert_names)


def test_a_sleeping_member_takes_no_loss_between_probes_and_probe_every_times_its_loss_on_a_probe() -> None:
    x, y = _xor(3000)
    m = AutoClassifier(seed=0, pick_share=1e-5)  # (a small share: the networks, behind the memory, weigh nothing)
    k = m.expert_names.index("mlp128-lr0.005")
    seen = {True: 0, False: 0}
    for i in range(0, len(y), 8):
        asleep = "mlp128-lr0.005" in m.sleeping
        probe = m._chunks % m.probe_every == 0
        before = m._hedge.losses[k]
        m.predict_many(x[i : i + 8])
        p = None if m._cache is None else m._cache[2][0][:, k]
        m.learn_many(x[i : i + 8], y[i : i + 8])
        if asleep and p is not None and m.n_seen >= m._awake_until:
            loss = -np.log(np.maximum(p[np.arange(8), y[i : i + 8]], 1e-4)).sum()
            expected = before * m._hedge.decay**8 + (m.probe_every * loss if probe else 0.0)
            assert m._hedge.losses[k] == pytest.approx(expected, rel=1e-5)
            seen[probe] += 1
    assert seen[True] > 10 and seen[False] > 30


def test_sleep_below_zero_never_sleeps() -> None:
    x, y = _xor(1500)
    m = AutoClassifier(seed=0, sleep_below=0.0)
    for i in range(0, len(y), 8):
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
        assert m.sleeping == []
    assert min(m.weights[name] for name in NETS) < 1e-3  # it would have slept


def test_a_detected_drift_wakes_every_group_for_wake_after_drift_samples() -> None:
    x, y = _xor(4000)
    y = np.where(np.arange(4000) < 2000, y, 1 - y)  # every label flips at 2,000
    m = AutoClassifier(seed=0, wake_after_drift=300)
    woke_at = None
    for i in range(0, len(y), 8):
        drifts = m.n_drifts
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
        if m.n_drifts > drifts and woke_at is None and i >= 2000:
            woke_at = m.n_seen
        if woke_at is not None and m.n_seen < woke_at + 300:
            assert m.sleeping == []
    assert woke_at is not None and woke_at < 2300
    assert m.sleeping  # asleep again once the new concept is learned


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"sleep_below": -0.1}, ["sleep_below", "[0.0, 1.0]", "-0.1"]),
        ({"sleep_below": 1.5}, ["sleep_below", "[0.0, 1.0]"]),
        ({"probe_every": 0}, ["probe_every", ">= 1", "0"]),
        ({"wake_after_drift": -1}, ["wake_after_drift", ">= 0"]),
        ({"idle_after": -2}, ["idle_after", ">= 0", "-2"]),
    ],
)
def test_bad_sleep_settings_raise_clear_errors(kwargs, words) -> None:
    with pytest.raises(ValueError) as info:
        AutoClassifier(**kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_tree_learns_its_statistics_without_its_votes() -> None:
    x, y = gaussian_blobs(400, seed=0)
    voted, plain = HoeffdingTree(Tree(), 3, 3), HoeffdingTree(Tree(), 3, 3)
    for i in range(0, 400, 8):
        voted.learn(x[i : i + 8], y[i : i + 8])
        plain.learn(x[i : i + 8], y[i : i + 8], votes=False)
        assert voted.feat == plain.feat and voted.thr == plain.thr  # the same splits
    assert voted.n_leaves > 1
    np.testing.assert_allclose(plain.obs, voted.obs)
    np.testing.assert_allclose(plain.g, voted.g)
    np.testing.assert_allclose(plain.cnt[:, 2:], voted.cnt[:, 2:])
    assert plain.cnt[:, :2].sum() == 0 < voted.cnt[:, :2].sum()  # which vote a leaf trusts: scored by predictions
    assert plain._detector is not None and plain._detector.n_seen == 0  # nor is the drift detector fed
    # rows just predicted are scored anyway (their votes were computed)
    plain.proba(x[:8])
    plain.learn(x[:8], y[:8], votes=False)
    assert plain.cnt[:, :2].sum() > 0


def test_naive_bayes_learns_the_same_with_or_without_a_prediction_first() -> None:
    x, y = gaussian_blobs(300, seed=1)
    a, b = GaussianNaiveBayes(NaiveBayes(), 3, 3), GaussianNaiveBayes(NaiveBayes(), 3, 3)
    for i in range(0, 300, 10):
        a.proba(x[i : i + 10])
        a.learn(x[i : i + 10], y[i : i + 10])
        b.learn(x[i : i + 10], y[i : i + 10])
    np.testing.assert_array_equal(a.stats, b.stats)
    np.testing.assert_allclose(a.proba(x[:20]), b.proba(x[:20]))


def _rule(n: int, flip_at: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A clean threshold rule every member learns (after ``flip_at``, every label flips)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    if flip_at is not None:
        y[flip_at:] = 1 - y[flip_at:]
    return x, y


def test_groups_that_turn_no_prediction_of_a_right_mixture_go_idle_and_a_wrong_prediction_wakes_them() -> None:
    x, y = _rule(6000, flip_at=4000)
    m = AutoClassifier(seed=0, idle_after=8, wake_after_drift=0)
    idle_chunks = woken = 0
    for i in range(0, len(y), 8):
        pred = m.predict_many(x[i : i + 8])
        idle_before = m._idle.copy()
        m.learn_many(x[i : i + 8], y[i : i + 8])
        idle_chunks += bool(m._idle.any())
        assert (m._asleep == (m._idle | m._light)).all()
        if i and (pred != y[i : i + 8]).any():
            assert not m._idle.any()  # a wrong prediction wakes every idle group at once
            woken += bool(idle_before.any())
        weights = m.weights
        assert max(weights, key=weights.__getitem__) not in m.sleeping
    assert idle_chunks > 200  # most of the calm chunks run with idle groups
    assert woken >= 1  # the flip at 4,000 found some idle


def test_turned_names_the_groups_whose_absence_changes_an_argmax() -> None:
    m = AutoClassifier(seed=0, candidates=(), sgd=(), naive_bayes=NaiveBayes(), memory=None)  # tree, naive Bayes
    m._weights32 = np.array([0.6, 0.4], dtype=np.float32)
    p = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.4, 0.6], [0.3, 0.7]]], dtype=np.float32)  # (rows, experts, classes)
    every = np.ones(5, dtype=bool)
    pred = m._mixture(p, every).argmax(1)
    # row 0: the mixture says class 0 (0.62 vs 0.38); without the tree, class 1: the tree turns it, the Bayes does not
    assert m._turned(p, every, pred).tolist() == [False, False, True, False, False]
    awake = every.copy()
    awake[2] = False  # the tree not predicted: the Bayes alone decides, so leaving it out turns its predictions
    pred = m._mixture(p, awake).argmax(1)
    assert pred.tolist() == [1, 1]
    assert m._turned(p, awake, pred).tolist() == [False, False, False, True, False]


def test_a_drift_wakes_every_group_and_empties_their_counts_of_quiet_chunks() -> None:
    x, y = _rule(3000)
    m = AutoClassifier(seed=0, idle_after=8, wake_after_drift=0)
    for i in range(0, len(y), 8):
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
    assert m._idle.any() and max(m._quiet) >= 8
    m._check_drift(0, 8, tree_drift=True)  # the tree's own detector fired on an error-free chunk
    assert not m._asleep.any() and not m._idle.any() and not m._light.any()
    assert m._quiet == [0] * len(m._quiet)  # else a group idles again at the next chunk, with no calm seen since


def test_drift_detection_counts_the_mistakes_of_the_predictions_with_or_without_a_prediction_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fed: list[int] = []
    check_drift = AutoClassifier._check_drift

    def record(self: AutoClassifier, errors: int, n: int, tree_drift: bool) -> None:
        fed.append(errors)
        check_drift(self, errors, n, tree_drift)

    monkeypatch.setattr(AutoClassifier, "_check_drift", record)
    x, y = _rule(1200, flip_at=600)
    m = AutoClassifier(seed=0)
    m.learn_many(x[:8], y[:8])
    for i in range(8, len(y), 8):
        pred = copy.deepcopy(m).predict_many(x[i : i + 8])  # what the learner predicted before this chunk
        m.learn_many(x[i : i + 8], y[i : i + 8])  # learned without a prediction first: it predicts for itself
        assert fed[-1] == int((pred != y[i : i + 8]).sum())


def test_idle_after_zero_never_idles_where_the_default_does() -> None:
    x, y = _rule(2000)
    idled = {}
    for idle_after in (0, 16):
        m = AutoClassifier(seed=0, idle_after=idle_after)
        idled[idle_after] = 0
        for i in range(0, len(y), 8):
            m.predict_many(x[i : i + 8])
            m.learn_many(x[i : i + 8], y[i : i + 8])
            idled[idle_after] += bool(m._idle.any())
    assert idled[0] == 0 and idled[16] > 50  # (the default idles on the same stream)
