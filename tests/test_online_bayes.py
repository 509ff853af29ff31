"""The naive-Bayes member of AutoClassifier's pool: Gaussian naive Bayes over the whole stream."""

from __future__ import annotations

import numpy as np
import pytest

from archgym.online import AutoClassifier
from archgym.online.bayes import REFRESH_MIN, GaussianNaiveBayes, NaiveBayes
from tests.conftest import gaussian_blobs


def _sphere(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's make_hastie_10_2 in 6 features: the label is whether the sum of squares passes its median."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    return x, ((x * x).sum(1) > 5.35).astype(np.int64)


def test_bad_settings_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"NaiveBayes.smoothing must be a number in \(0.0, 1.0\), got 0.0"):
        NaiveBayes(smoothing=0.0)
    assert NaiveBayes().name == "gnb" and NaiveBayes(pooled=True).name == "gnb-pooled"
    with pytest.raises(TypeError, match=r"NaiveBayes\.pooled must be a bool, got int"):
        NaiveBayes(pooled=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one NaiveBayes"):
        GaussianNaiveBayes((), d=2, n_classes=2)


def test_it_is_gaussian_naive_bayes() -> None:
    """With the smoothing taken out, its probabilities are scikit-learn's GaussianNB on the same samples."""
    from sklearn.naive_bayes import GaussianNB

    x, y = gaussian_blobs(600, seed=0)
    nb = GaussianNaiveBayes(NaiveBayes(smoothing=1e-9), d=3, n_classes=3)
    for i in range(0, 600, 8):
        nb.proba(x[i : i + 8])
        nb.learn(x[i : i + 8], y[i : i + 8])
    assert nb.n == 600 and nb.stats[:, -1].tolist() == np.bincount(y).tolist()
    nb._w = None  # recompute the weights from every sample
    q, _ = gaussian_blobs(50, seed=1)
    ref = GaussianNB(var_smoothing=0.0).fit(x, y).predict_proba(q)
    np.testing.assert_allclose(nb.proba(q), ref, rtol=1e-6, atol=1e-8)


def test_the_pooled_model_is_a_diagonal_linear_discriminant() -> None:
    """``pooled=True`` shares one variance per feature, the within-class variance over every class: its
    log-odds are linear in x (the x * x weights are the same for every class), and its probabilities are
    the Gaussian class densities with that variance. Built from several settings, the model gives each
    one's probabilities side by side, as the single models do."""
    x, y = gaussian_blobs(600, seed=3)
    both = GaussianNaiveBayes((NaiveBayes(smoothing=1e-9), NaiveBayes(smoothing=1e-9, pooled=True)), 3, 3)
    alone = [GaussianNaiveBayes(NaiveBayes(smoothing=1e-9, pooled=p), 3, 3) for p in (False, True)]
    for i in range(0, 600, 8):
        for m in (both, *alone):
            m.learn(x[i : i + 8], y[i : i + 8])
    q, _ = gaussian_blobs(50, seed=4)
    for m in (both, *alone):
        m._w = None
    p = both.proba(q)
    assert p.shape == (50, 2, 3)
    for k, m in enumerate(alone):
        np.testing.assert_allclose(p[:, k], m.proba(q), rtol=1e-12)
    w = alone[1]._w
    assert w is not None and np.allclose(w[:3], w[:3, :1])  # the same x * x weights for every class
    xd = x.astype(np.float64)
    mu = np.stack([xd[y == c].mean(0) for c in range(3)])
    var = sum(((xd[y == c] - mu[c]) ** 2).sum(0) for c in range(3)) / len(y)
    ll = -0.5 * (((q[:, None, :] - mu[None]) ** 2) / var).sum(2) + np.log(np.bincount(y) / len(y))
    ref = np.exp(ll - ll.max(1, keepdims=True))
    np.testing.assert_allclose(p[:, 1], ref / ref.sum(1, keepdims=True), rtol=1e-6, atol=1e-8)
    assert (p[:, 0].argmax(1) != p[:, 1].argmax(1)).sum() < 5  # near-identical rules on blobs of equal spread


def test_weights_are_recomputed_as_the_samples_grow() -> None:
    x, y = gaussian_blobs(2000, seed=2)
    nb = GaussianNaiveBayes(NaiveBayes(), d=3, n_classes=3)
    nb.proba(x[:8])
    first = nb._w.copy()  # type: ignore[union-attr]
    nb.learn(x[:8], y[:8])
    assert nb.n >= REFRESH_MIN
    nb.proba(x[8:16])
    assert not np.array_equal(first, nb._w)  # stale after REFRESH_MIN samples
    for i in range(16, 2000, 8):
        nb.proba(x[i : i + 8])
        nb.learn(x[i : i + 8], y[i : i + 8])
    nb._refresh()  # fresh at n = 1,992: stale again once the samples grew by REFRESH (~20 samples)
    held = nb._w.copy()  # type: ignore[union-attr]
    nb.learn(x[:8], y[:8])
    nb.proba(x[:8])
    assert np.array_equal(held, nb._w)  # 8 more samples on 2,000: not yet stale


def test_learning_without_a_prediction_first_is_the_same() -> None:
    x, y = gaussian_blobs(200, seed=3)
    a, b = (GaussianNaiveBayes(NaiveBayes(), d=3, n_classes=3) for _ in range(2))
    for i in range(0, 200, 8):
        a.proba(x[i : i + 8])
        a.learn(x[i : i + 8], y[i : i + 8])
        b.learn(x[i : i + 8].copy(), y[i : i + 8])
    np.testing.assert_allclose(a.stats, b.stats)


def test_it_grows_with_new_features_and_classes_and_restarts() -> None:
    nb = GaussianNaiveBayes(NaiveBayes(), d=1, n_classes=1)
    rng = np.random.default_rng(4)
    for _ in range(30):
        nb.learn(rng.normal(0.0, 1.0, (8, 1)), np.zeros(8, dtype=np.int64))
    nb.grow_inputs(2)
    nb.grow_classes(2)
    assert nb.stats.shape == (2, 5)
    assert nb.proba(np.array([[0.0, 0.0]]))[0, 1] == pytest.approx(NaiveBayes().smoothing / 2)  # class 1 unseen
    for _ in range(30):
        nb.learn(np.c_[rng.normal(0.0, 1.0, 8), rng.normal(10.0, 1.0, 8)], np.ones(8, dtype=np.int64))
        nb.learn(np.c_[rng.normal(0.0, 1.0, 8), np.zeros(8)], np.zeros(8, dtype=np.int64))
    assert nb.proba(np.array([[0.0, 10.0], [0.0, 0.0]])).argmax(1).tolist() == [1, 0]
    nb.restart()
    assert nb.n == 0 and nb.n_resets == 1 and not nb.stats.any()
    np.testing.assert_allclose(nb.proba(np.zeros((1, 2))), 0.5)


def test_auto_classifier_learns_a_variance_only_concept_with_it() -> None:
    """Classes that differ only in variance (a sphere): no linear model gets past chance (the pooled naive Bayes is
    one), naive Bayes does."""
    x, y = _sphere(4000, seed=5)
    models = {
        "nb": AutoClassifier(seed=0, candidates=(), sgd=(), tree=None, memory=None),
        "linear": AutoClassifier(seed=0, candidates=(), tree=None, naive_bayes=None, memory=None),
    }
    acc = {}
    for name, m in models.items():
        hits = 0
        for i in range(0, len(y), 8):
            if i:
                hits += int((m.predict_many(x[i : i + 8]) == y[i : i + 8]).sum())
            m.learn_many(x[i : i + 8], y[i : i + 8])
        acc[name] = hits / (len(y) - 8)
    assert models["nb"].expert_names == ["gnb", "gnb-pooled"]
    assert acc["linear"] < 0.6 and acc["nb"] > 0.85, acc
    assert models["nb"].weights["gnb"] > 0.9  # one shared variance cannot tell the classes apart: it loses the weight


def test_the_naive_bayes_restarts_with_the_tree() -> None:
    rng = np.random.default_rng(6)
    x = rng.uniform(0, 1, (6000, 2)).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64)
    y[3000:] = 1 - y[3000:]
    m = AutoClassifier(seed=0, candidates=(), sgd=(), memory=None)
    for i in range(0, len(y), 8):
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
    assert m._tree is not None and m._bayes is not None
    assert m._tree.n_resets >= 1 and m._bayes.n_resets == m._tree.n_resets
    assert m._bayes.n < 3000  # only samples after the restart


def test_its_variances_follow_the_tree_leaves_rule() -> None:
    """The compiled weights hold the variances :func:`~archgym.online.tree.gaussian_moments` gives (floored at a
    share of the feature's variance over all classes, so a class seen with one value keeps a finite width), and a
    pooled model the count-weighted mean of them, at least the smallest; a class not seen yet gets no vote."""
    from archgym.online.tree import gaussian_moments

    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(size=(40, 3)), np.array([[0.5, -1.0, 2.0]])])  # class 1 holds one sample
    y = np.array([0] * 40 + [1])
    nb = GaussianNaiveBayes((NaiveBayes(), NaiveBayes(pooled=True)), d=3, n_classes=3)
    nb.learn(x, y)
    nb._refresh()
    assert nb._w is not None
    mu, var = gaussian_moments(nb.stats[:, -1:], nb.stats[:, 3:-1], nb.stats[:, :3])
    np.testing.assert_allclose(-0.5 / nb._w[:3, :2].T, var[:2], rtol=1e-12)  # classes 0 and 1, per-class model
    np.testing.assert_allclose(nb._w[3:6, :2].T, (mu / var)[:2], rtol=1e-12)
    count = nb.stats[:, -1]
    pooled = np.maximum((var * count[:, None]).sum(0) / count.sum(), var.min(0))
    np.testing.assert_allclose(-0.5 / nb._w[:3, 3:].T, np.broadcast_to(pooled, (3, 3)), rtol=1e-12)
    assert var[1].min() > 0 and np.isneginf(nb._w[-1, [2, 5]]).all()  # class 2: never seen, no vote
    p = nb.proba(x[:4])
    assert p.shape == (4, 2, 3) and np.allclose(p[:, :, 2], 0.005 / 3) and np.allclose(p.sum(2), 1.0)


def test_bad_rows_and_labels_raise_before_anything_is_learned() -> None:
    """The kernels check no bounds: a wrong width or a class index out of range is refused with a clear error, and
    the statistics are left as they were."""
    nb = GaussianNaiveBayes(NaiveBayes(), d=2, n_classes=3)
    nb.learn(np.ones((2, 2)), np.array([0, 1]))
    before = nb.stats.copy()
    with pytest.raises(ValueError, match=r"GaussianNaiveBayes: rows must be a 2-D array of 2 columns, got shape \(4,"):
        nb.learn(np.ones((4, 3)), np.zeros(4, dtype=np.int64))
    with pytest.raises(ValueError, match=r"class indices must be in 0\.\.2, got \[-1, 3\]"):
        nb.learn(np.ones((3, 2)), np.array([0, 3, -1]))
    with pytest.raises(ValueError, match=r"got 3 rows but labels of shape \(2,\)"):
        nb.learn(np.ones((3, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="rows must be a 2-D array of 2 columns, got shape \\(2,\\)"):
        nb.proba(np.ones(2))
    np.testing.assert_array_equal(nb.stats, before)
    assert nb.n == 2
