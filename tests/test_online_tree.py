"""The tree member of AutoClassifier's pool: a Hoeffding tree with naive-Bayes-adaptive leaves."""

from __future__ import annotations

import numpy as np
import pytest

from archgym.online import AutoClassifier
from archgym.online.tree import DEFAULT_TREE, HoeffdingTree, Tree
from tests.conftest import gaussian_blobs


def _feed(tree: HoeffdingTree, x: np.ndarray, y: np.ndarray, chunk: int = 8) -> float:
    """Prequential accuracy of ``tree`` on ``(x, y)``, predicted then learned chunk by chunk."""
    hits = 0
    for i in range(0, len(y), chunk):
        hits += int((tree.proba(x[i : i + chunk]).argmax(1) == y[i : i + chunk]).sum())
        tree.learn(x[i : i + chunk], y[i : i + chunk])
    return hits / len(y)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"grace": 0}, ["Tree.grace", ">= 1"]),
        ({"delta": 1.0}, ["Tree.delta", "(0.0, 1.0)"]),
        ({"tau": -0.1}, ["Tree.tau", "[0.0, 1.0]"]),
        ({"n_thresholds": 0}, ["Tree.n_thresholds", ">= 1"]),
        ({"max_depth": -1}, ["Tree.max_depth", ">= 0"]),
        ({"smoothing": 0.0}, ["Tree.smoothing", "(0.0, 1.0)"]),
        ({"drift_delta": 0.0}, ["Tree.drift_delta", "(0.0, 1.0]"]),
    ],
)
def test_bad_tree_settings_raise_clear_errors(kwargs, words) -> None:
    with pytest.raises(ValueError) as info:
        Tree(**kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_a_tree_that_never_splits_is_gaussian_naive_bayes() -> None:
    """The root's naive-Bayes vote equals scikit-learn's GaussianNB on the same samples."""
    from sklearn.naive_bayes import GaussianNB

    x, y = gaussian_blobs(600, seed=0)
    tree = HoeffdingTree(Tree(max_depth=0, drift_delta=None, smoothing=1e-12), d=3, n_classes=3)
    for i in range(0, 600, 8):
        tree.learn(x[i : i + 8], y[i : i + 8])
    assert tree.n_leaves == 1
    tree.stale_at[:] = 0.0  # recompute the leaf's parameters from every sample
    q, _ = gaussian_blobs(50, seed=1)
    tree.cnt[0, 0] = tree.cnt[0, 1] + 1.0  # the root votes by naive Bayes (it predicted more samples right)
    nb = tree.proba(q)
    ref = GaussianNB(var_smoothing=0.0).fit(x, y).predict_proba(q)
    np.testing.assert_allclose(nb, ref, rtol=1e-6, atol=1e-9)


def test_the_tree_splits_on_a_threshold_rule_and_learns_it() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (6000, 4))
    y = ((x[:, 1] > 0.6) ^ (x[:, 3] > 0.3)).astype(np.int64)  # XOR of two thresholds: naive Bayes alone fails
    split = HoeffdingTree(Tree(drift_delta=None), d=4, n_classes=2)
    stump = HoeffdingTree(Tree(max_depth=0, drift_delta=None), d=4, n_classes=2)
    acc, root_only = _feed(split, x, y), _feed(stump, x, y)
    assert split.n_leaves >= 4 and split.feat[0] in (1, 3)
    assert acc > 0.9 and root_only < 0.7
    probe = np.array([[0.5, 0.9, 0.5, 0.1], [0.5, 0.1, 0.5, 0.9], [0.5, 0.9, 0.5, 0.9]])
    assert split.proba(probe).argmax(1).tolist() == [1, 1, 0]
    assert np.allclose(split.proba(probe).sum(1), 1.0)


def test_a_split_skips_constant_features_and_unseen_classes() -> None:
    """A leaf scores only the features it saw at two values or more and the classes it saw: the cut it picks is
    still named by the feature's own column, and the unseen class gets no share of the children's counts."""
    rng = np.random.default_rng(7)
    x = np.zeros((400, 4))
    x[:, 1] = 3.0  # constant columns around the informative one
    x[:, 2] = rng.uniform(0, 1, 400)
    y = (x[:, 2] > 0.4).astype(np.int64)
    tree = HoeffdingTree(Tree(drift_delta=None), d=4, n_classes=3)  # class 2 never appears
    _feed(tree, x, y)
    assert tree.n_leaves > 1 and tree.feat[0] == 2 and 0.3 < tree.thr[0] < 0.5
    assert not tree.base[:, 2].any()  # no leaf starts with a share of the unseen class
    probe = np.array([[0.0, 3.0, 0.9, 0.0], [0.0, 3.0, 0.1, 0.0]])
    assert tree.proba(probe).argmax(1).tolist() == [1, 0]


def test_no_split_before_grace_samples_nor_on_noise() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(49, 2)), (rng.uniform(size=49) > 0.5).astype(np.int64)
    tree = HoeffdingTree(Tree(grace=50, delta=1e-7, tau=0.0, drift_delta=None), d=2, n_classes=2)
    tree.learn(x, y)
    assert tree.n_leaves == 1  # 49 < grace: no attempt yet
    x, y = rng.normal(size=(5000, 2)), (rng.uniform(size=5000) > 0.5).astype(np.int64)
    _feed(tree, x, y)
    assert tree.n_leaves == 1  # labels independent of the features: no cut beats the bound


def test_learning_after_proba_equals_learning_alone() -> None:
    x, y = gaussian_blobs(800, seed=2)
    a, b = HoeffdingTree(DEFAULT_TREE, 3, 3), HoeffdingTree(DEFAULT_TREE, 3, 3)
    for i in range(0, 800, 8):
        a.proba(x[i : i + 8].copy())
        a.learn(x[i : i + 8], y[i : i + 8])  # equal rows: reuses what proba computed
        b.learn(x[i : i + 8], y[i : i + 8])
    for name in ("g", "obs", "cnt", "lo", "hi"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.feat == b.feat and a.thr == b.thr


def test_the_tree_grows_with_new_features_and_classes() -> None:
    x, y = gaussian_blobs(400, seed=3)
    tree = HoeffdingTree(Tree(drift_delta=None), d=3, n_classes=2)
    keep = y < 2
    _feed(tree, x[keep], y[keep])
    before = tree.proba(x[:20]).argmax(1)
    tree.grow_inputs(4)
    tree.grow_classes(3)
    assert tree.proba(np.pad(x[:20], ((0, 0), (0, 1)))).argmax(1).tolist() == before.tolist()
    x4 = np.pad(x, ((0, 0), (0, 1)))
    _feed(tree, x4, y)
    assert (tree.proba(x4[y == 2]).argmax(1) == 2).mean() > 0.7


def test_a_label_flip_starts_a_new_tree() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, (8000, 2))
    y = (x[:, 0] > 0.5).astype(np.int64)
    y[4000:] = 1 - y[4000:]
    tree = HoeffdingTree(DEFAULT_TREE, 2, 2)
    _feed(tree, x[:4000], y[:4000])
    assert tree.n_resets == 0
    late = _feed(tree, x[4000:], y[4000:])
    assert tree.n_resets >= 1 and late > 0.9
    assert HoeffdingTree(Tree(drift_delta=None), 2, 2)._detector is None


def test_restart_forgets_the_tree_and_its_detectors_window() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, (2000, 2))
    y = (x[:, 0] > 0.5).astype(np.int64)
    tree = HoeffdingTree(DEFAULT_TREE, 2, 2)
    _feed(tree, x, y)
    assert tree._detector is not None
    assert tree.n_leaves > 1 and tree._detector.width > 0
    tree.restart()
    assert tree.n_resets == 1 and tree.n_leaves == 1 and tree.obs.sum() == 0 and tree._detector.width == 0
    assert np.allclose(tree.proba(x[:4]), 0.5)  # a leaf that has seen nothing: uniform
    assert _feed(tree, x, 1 - y) > 0.9  # and it learns the next concept from scratch


def test_a_one_leaf_trees_statistics_are_the_scattered_sums() -> None:
    """A batch's statistics (the compiled kernel's loop) are numpy's scattered adds of its rows, bit for bit; an
    empty batch changes nothing."""
    rng = np.random.default_rng(6)
    tree = HoeffdingTree(Tree(grace=1000), 4, 3)
    want = {k: getattr(tree, k).copy() for k in ("cnt", "obs", "g", "lo", "hi")}
    for votes in (False, True, False):
        x = rng.normal(size=(8, 4)).astype(np.float32).astype(np.float64)
        y = rng.integers(0, 3, 8)
        if votes:  # scored: column 0 counts naive Bayes' hits, column 1 the class counts'
            tree.proba(x)
            last = tree._last
            assert last is not None
            mc, nb = last[2], last[3]
            hits = np.stack([nb == y, mc == y, np.ones(8), np.ones(8)], 1).astype(float)
        else:
            hits = np.array([[0.0, 0.0, 1.0, 1.0]] * 8)
        tree.learn(x, y, votes=votes)
        s = np.zeros(8, dtype=np.int64)
        np.add.at(want["cnt"], s, hits)
        np.add.at(want["obs"], (s, y), 1.0)
        np.add.at(want["g"], (s, y), np.stack([np.ones_like(x), x, x * x], 1))
        np.minimum.at(want["lo"], s, x)
        np.maximum.at(want["hi"], s, x)
    assert tree.n_leaves == 1
    for k, v in want.items():
        np.testing.assert_array_equal(getattr(tree, k), v, err_msg=k)
    for votes in (False, True):
        assert tree.learn(np.empty((0, 4)), np.empty(0, dtype=np.int64), votes=votes) is False
    for k, v in want.items():
        np.testing.assert_array_equal(getattr(tree, k), v, err_msg=k)


def test_auto_classifier_with_only_a_tree() -> None:
    m = AutoClassifier(seed=0, candidates=(), sgd=(), naive_bayes=None, memory=None)
    assert m.expert_names == ["tree-g50"]
    rng = np.random.default_rng(5)
    for i in range(600):
        v = float(rng.uniform(0, 10))
        m.learn_one({"size": v, "colour": "red" if v > 5 else "blue"}, "big" if v > 5 else "small")
        if i >= 300:  # a third class and a feature that appear half-way
            m.learn_one({"size": float(rng.uniform(20, 30)), "weight": 1.0}, "huge")
    assert m.predict_one({"size": 8.0, "colour": "red"}) == "big"
    assert m.predict_one({"size": 2.0, "colour": "blue"}) == "small"
    assert m.predict_one({"size": 25.0, "weight": 1.0}) == "huge"


def test_drift_forgetting_keeps_the_samples_after_the_change_point() -> None:
    m = AutoClassifier(seed=0)
    for _ in range(100):
        m._recent_errors.append((8, 0.0))
    for _ in range(12):
        m._recent_errors.append((8, 0.75))
    assert m._since_change() == 12 * 8
    m._recent_errors.clear()
    assert m._since_change() == 0


def test_bad_rows_and_labels_raise_before_anything_is_learned() -> None:
    """The kernels check no bounds: a wrong width or a class index out of range is refused with a clear error, and
    the leaves' statistics are left as they were."""
    tree = HoeffdingTree(Tree(), 2, 2)
    tree.learn(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    before = {k: getattr(tree, k).copy() for k in ("cnt", "obs", "g")}
    with pytest.raises(ValueError, match=r"HoeffdingTree: rows must be a 2-D array of 2 columns, got shape \(3, 5\)"):
        tree.proba(np.zeros((3, 5)))
    for votes in (True, False):
        with pytest.raises(ValueError, match=r"class indices must be in 0\.\.1, got \[2\]"):
            tree.learn(np.zeros((2, 2)), np.array([0, 2]), votes=votes)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(tree, k), v, err_msg=k)
