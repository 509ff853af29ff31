"""AutoClassifier: River's API contract, growing labels and features, clear errors, determinism, learning."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from archgym.online import AutoClassifier
from archgym.online.auto import SHIFT_WINDOW, Candidate, Memory, NaiveBayes
from archgym.online.drift import ErrorBurst
from archgym.online.encode import FeatureEncoder, LabelEncoder
from archgym.online.hedge import Hedge, ShareHedge, expert_losses
from archgym.online.memory import METRIC_EVERY, TIE, MemoryWindow

SMALL = {"candidates": (Candidate(()), Candidate((16,), lr=0.01)), "memory": Memory(window=64)}


def _xor(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.int64)


# ---------------------------------------------------------------------------- API contract
def test_dict_api_before_and_after_learning() -> None:
    m = AutoClassifier(seed=0, **SMALL)
    assert m.predict_one({"a": 1.0}) is None
    assert m.predict_proba_one({"a": 1.0}) == {}
    m.learn_one({"a": 1.0, "b": 0.0}, "x")
    m.learn_one({"a": 0.0, "b": 1.0}, "y")
    proba = m.predict_proba_one({"a": 1.0, "b": 0.0})
    assert set(proba) == {"x", "y"}
    assert math.isclose(sum(proba.values()), 1.0, rel_tol=1e-5)
    assert m.predict_one({"a": 1.0, "b": 0.0}) in {"x", "y"}
    assert m.n_seen == 2 and m.classes == ["x", "y"]
    assert math.isclose(sum(m.weights.values()), 1.0, rel_tol=1e-5)


def test_array_api_shapes_and_label_types() -> None:
    x, y = _xor(64)
    m = AutoClassifier(seed=0, **SMALL)
    assert m.predict_many(x[:3]).tolist() == [None, None, None]
    assert m.predict_proba_many(x[:3]).shape == (3, 0)
    m.learn_many(x, y)
    pred = m.predict_many(x[:5])
    assert pred.shape == (5,) and set(pred.tolist()) <= {0, 1}
    proba = m.predict_proba_many(x[:5])
    assert proba.shape == (5, 2) and np.allclose(proba.sum(1), 1.0, atol=1e-5)
    # the same rows one by one give the same probabilities
    one = m.predict_proba_one(dict(enumerate(x[0].tolist())))
    assert np.allclose([one[c] for c in m.classes], proba[0], atol=1e-6)


def test_tuple_labels_stay_whole() -> None:
    m = AutoClassifier(seed=0, **SMALL)
    m.learn_many(np.array([[1.0], [-1.0]]), [("pos", 1), ("neg", 0)])
    pred = m.predict_many(np.array([[1.0], [-1.0]]))
    assert pred.shape == (2,) and pred.dtype == object and set(pred.tolist()) <= {("pos", 1), ("neg", 0)}


def test_list_of_dicts_batch() -> None:
    m = AutoClassifier(seed=0, **SMALL)
    m.learn_many([{"a": 1.0}, {"a": -1.0}], [True, False])
    assert m.predict_many([{"a": 1.0}]).tolist()[0] in (True, False)
    assert m.classes == [True, False]


def test_dataframe_api() -> None:
    pd = pytest.importorskip("pandas")
    x, y = _xor(64)
    frame = pd.DataFrame(x, columns=["u", "v"], index=range(100, 164))
    m = AutoClassifier(seed=0, **SMALL)
    m.learn_many(frame, pd.Series(np.where(y == 1, "same", "diff")))
    pred = m.predict_many(frame.iloc[:4])
    assert isinstance(pred, pd.Series) and list(pred.index) == [100, 101, 102, 103]
    proba = m.predict_proba_many(frame.iloc[:4])
    assert isinstance(proba, pd.DataFrame) and list(proba.columns) == m.classes
    # a DataFrame's columns are the same features as a dict's keys
    assert m.predict_proba_one({"u": float(x[0, 0]), "v": float(x[0, 1])}) == pytest.approx(
        proba.iloc[0].to_dict(), abs=1e-6
    )
    # string columns are one-hot encoded
    m.learn_many(pd.DataFrame({"u": [0.5, -0.5], "colour": ["red", "blue"]}), ["same", "diff"])
    assert m.predict_many(pd.DataFrame({"u": [0.5], "colour": ["red"]})).iloc[0] in {"same", "diff"}


# ---------------------------------------------------------------------------- growing labels and features
def test_unseen_labels_are_learned_when_they_appear() -> None:
    rng = np.random.default_rng(0)
    m = AutoClassifier(seed=0, **SMALL)
    centres = {"a": (0.0, 0.0), "b": (4.0, 0.0), "c": (0.0, 4.0)}
    for step in range(600):
        labels = "ab" if step < 300 else "abc"  # class c appears half-way
        label = labels[step % len(labels)]
        cx, cy = centres[label]
        m.learn_one({"x": cx + rng.normal(0, 0.3), "y": cy + rng.normal(0, 0.3)}, label)
    assert m.classes == ["a", "b", "c"]
    assert m.predict_one({"x": 0.0, "y": 4.0}) == "c"
    assert m.predict_one({"x": 4.0, "y": 0.0}) == "b"
    assert set(m.predict_proba_one({"x": 0.0, "y": 0.0})) == {"a", "b", "c"}


def test_string_features_and_late_features() -> None:
    m = AutoClassifier(seed=0)
    for _ in range(40):
        m.learn_one({"colour": "red", "size": 1.0}, "stop")
        m.learn_one({"colour": "green", "size": 1.0}, "go")
    assert m.predict_one({"colour": "red", "size": 1.0}) == "stop"
    assert m.predict_one({"colour": "green", "size": 1.0}) == "go"
    # a feature that appears only now decides the label from here on
    for _ in range(150):
        m.learn_one({"colour": "red", "size": 1.0, "late": 1.0}, "go")
        m.learn_one({"colour": "red", "size": 1.0, "late": -1.0}, "stop")
    assert m.predict_one({"colour": "red", "size": 1.0, "late": 1.0}) == "go"
    assert m.predict_one({"colour": "red", "size": 1.0, "late": -1.0}) == "stop"
    # unknown string values and missing keys are fine
    assert m.predict_one({"colour": "purple"}) in {"stop", "go"}


def test_missing_values_none_and_nan_read_as_zero() -> None:
    m = AutoClassifier(seed=0, **SMALL)
    m.learn_one({"a": 1.0, "b": None}, 1)
    m.learn_many(np.array([[1.0, np.nan], [0.0, 1.0]]), [1, 0])
    assert m.predict_one({"a": None}) in {0, 1}


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (lambda m: m.learn_one([1.0, 2.0], 0), TypeError, ["dict", "list"]),
        (lambda m: m.learn_one({"a": [1, 2]}, 0), TypeError, ["'a'", "list", "valid"]),
        (lambda m: m.learn_one({"a": 1.0}, None), ValueError, ["None", "hashable"]),
        (lambda m: m.learn_one({"a": 1.0}, [1]), TypeError, ["hashable", "list"]),
        (lambda m: m.learn_one({"a": math.inf}, 0), ValueError, ["'a'", "finite"]),
        (lambda m: m.learn_many(np.zeros((3, 2)), [0, 1]), ValueError, ["3 samples", "2 labels"]),
        (lambda m: m.learn_many(np.zeros(3), [0, 1, 0]), ValueError, ["2-D", "(3,)"]),
        (lambda m: m.learn_many("abc", [0]), TypeError, ["numpy array", "DataFrame", "str"]),
        (lambda m: m.learn_many(np.zeros((2, 2)), "ab"), TypeError, ["sequence of labels", "str"]),
        (lambda m: m.predict_one(np.zeros(2)), TypeError, ["dict", "ndarray", "predict_many"]),
    ],
)
def test_bad_inputs_raise_clear_errors(call, exc, words) -> None:
    m = AutoClassifier(seed=0, **SMALL)
    with pytest.raises(exc) as info:
        call(m)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        ({"seed": -1}, ValueError, ["seed", ">= 0"]),
        ({"seed": 1.5}, ValueError, ["seed", "int"]),
        ({"hedge_loss": "hinge"}, ValueError, ["hinge", "valid: log, brier, zero_one"]),
        ({"hedge_loss": "brie"}, ValueError, ["did you mean 'brier'"]),
        ({"hedge_decay": 0.0}, ValueError, ["decay", "(0.0, 1.0]"]),
        ({"candidates": [(16,)]}, TypeError, ["candidates[0]", "Candidate", "tuple"]),
        ({"candidates": (), "sgd": (), "tree": None, "naive_bayes": None, "memory": None}, ValueError, ["empty"]),
        ({"naive_bayes": "gaussian"}, TypeError, ["NaiveBayes, a sequence of them or None", "str"]),
        ({"naive_bayes": (NaiveBayes(), 3)}, TypeError, ["naive_bayes[1]", "NaiveBayes", "int"]),
        ({"naive_bayes": (NaiveBayes(), NaiveBayes(smoothing=0.1))}, ValueError, ["same name", "'gnb', 'gnb'"]),
        ({"memory": 5}, TypeError, ["Memory or None", "int"]),
        ({"tree": "hoeffding"}, TypeError, ["Tree or None", "str"]),
        ({"pick_eta": 0.0}, ValueError, ["pick_eta", "(0.0, inf]"]),
        ({"pick_share": 0.0}, ValueError, ["pick_share", "(0.0, 1.0)", "got 0.0"]),
        ({"pick_share": 1.0}, ValueError, ["pick_share", "(0.0, 1.0)"]),
        ({"pick_drift_share": 1.5}, ValueError, ["pick_drift_share", "[0.0, 1.0]", "got 1.5"]),
        ({"sgd": [0.01]}, TypeError, ["sgd[0]", "SGDLinear", "float"]),
        ({"sgd": 0.01}, TypeError, ["sgd must be a sequence of SGDLinear", "float"]),
        ({"candidates": "mlp"}, TypeError, ["candidates must be a sequence of Candidate", "str"]),
    ],
)
def test_bad_settings_raise_clear_errors(kwargs, exc, words) -> None:
    with pytest.raises(exc) as info:
        AutoClassifier(**kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_bad_candidates_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"Candidate.hidden\[1\] must be an int >= 1, got 0"):
        Candidate((8, 0))
    with pytest.raises(TypeError, match="tuple of widths, got list"):
        Candidate([8])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Candidate.lr must be a number in \(0.0, 1.0\]"):
        Candidate((8,), lr=0.0)
    with pytest.raises(ValueError, match=r"Memory\.k must be an int >= 1"):
        Memory(k=0)
    with pytest.raises(ValueError, match=r"Memory\.metric_lr must be a number in \[0.0, inf\], got -0.1"):
        Memory(metric_lr=-0.1)
    with pytest.raises(ValueError, match=r"Memory\.metric_decay must be a number in \[0.0, 1.0\), got 1.0"):
        Memory(metric_decay=1.0)
    with pytest.raises(ValueError, match=r"Memory\.start must be an int >= 1, got 0"):
        Memory(start=0)


# ---------------------------------------------------------------------------- determinism and learning
def _prequential(model: AutoClassifier, x: np.ndarray, y: np.ndarray, chunk: int = 4) -> float:
    correct = 0
    for i in range(0, len(y), chunk):
        pred = model.predict_many(x[i : i + chunk])
        correct += int((pred == y[i : i + chunk]).sum()) if pred[0] is not None else 0
        model.learn_many(x[i : i + chunk], y[i : i + chunk])
    return correct / len(y)


def test_same_seed_same_predictions_other_seed_differs() -> None:
    x, y = _xor(400)
    runs = []
    for seed in (3, 3, 4):
        m = AutoClassifier(seed=seed)
        _prequential(m, x, y)
        runs.append(m.predict_proba_many(x[:50]))
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_learns_a_nonlinear_concept_better_than_a_linear_model() -> None:
    torch.manual_seed(0)
    x, y = _xor(3000, seed=1)
    auto = _prequential(AutoClassifier(seed=0), x, y)
    linear = _prequential(
        AutoClassifier(seed=0, candidates=(Candidate(()),), tree=None, naive_bayes=None, memory=None), x, y
    )
    assert linear < 0.65  # XOR is not linearly separable
    assert auto > 0.9 and auto > linear + 0.25


def test_hedge_moves_weight_to_the_better_member() -> None:
    x, y = _xor(2000, seed=2)
    m = AutoClassifier(seed=0)
    _prequential(m, x, y)
    w = m.weights
    linear = [k for k in w if k.startswith(("linear", "sgd"))]  # no linear model can learn XOR
    assert len(linear) == 4 and sum(w[k] for k in linear) < 0.01
    assert sum(w.values()) == pytest.approx(1.0)


def test_predict_then_learn_reuses_the_forward_pass_exactly() -> None:
    x, y = _xor(200)
    a, b = AutoClassifier(seed=0), AutoClassifier(seed=0)
    for i in range(0, 200, 4):
        a.predict_many(x[i : i + 4])  # cached forward reused by learn_many
        a.learn_many(x[i : i + 4], y[i : i + 4])
        b.learn_many(x[i : i + 4], y[i : i + 4])
    assert np.array_equal(a.predict_proba_many(x), b.predict_proba_many(x))


def test_prediction_forward_pass_holds_the_next_steps_replayed_samples() -> None:
    """While the stream is young, the samples the next Adam step replays are drawn after each learned batch and
    the prediction's forward pass takes them too (the step needs no forward pass of its own); predicting draws
    nothing, so models that predict each batch once, twice or never learn the same."""
    x, y = _xor(120)
    once, twice, never = (AutoClassifier(seed=0, replay_until=80, skip_loss=0.0, sleep_below=0.0) for _ in range(3))
    rows_in_forward = []
    for i in range(0, 120, 4):
        for m, times in ((once, 1), (twice, 2)):
            for _ in range(times):
                m.predict_many(x[i : i + 4])
        if once._cache is not None:
            rows_in_forward.append(once._cache[2][1][0][0].shape[0])  # the networks' log-probabilities
        for m in (once, twice, never):
            m.learn_many(x[i : i + 4], y[i : i + 4])
    # nothing to replay before the first batch is stored; 16 replayed rows up to 80 samples; none after
    assert rows_in_forward == [4 + 16] * 19 + [4] * 10
    probe = _xor(50, seed=1)[0]
    assert np.allclose(once.predict_proba_many(probe), never.predict_proba_many(probe), atol=1e-5)
    assert np.array_equal(once.predict_proba_many(probe), twice.predict_proba_many(probe))


def test_replayed_samples_drawn_before_a_new_feature_get_its_column() -> None:
    m, ref = AutoClassifier(seed=0), AutoClassifier(seed=0)
    for i in range(12):
        for model in (m, ref):
            model.learn_one({"a": float(i % 3)}, i % 2)
    assert m._replay_draw is not None and m._replay_draw[0].shape[1] == 1
    x = {"a": 1.0, "b": 2.0}  # a feature first seen after the draw: the drawn rows read 0 there, as stored ones do
    assert m.predict_proba_one(x).keys() == {0, 1}
    m.learn_one(x, 1)
    ref.learn_one(x, 1)
    probe = [{"a": 2.0, "b": -1.0}, {"a": 0.0}]
    assert np.allclose(m.predict_proba_many(probe), ref.predict_proba_many(probe), atol=1e-5)


# ---------------------------------------------------------------------------- helpers
def test_encoders_and_hedge() -> None:
    enc = FeatureEncoder()
    assert enc.encode_many(np.array([[1, 2]])).tolist() == [[1.0, 2.0]]
    assert enc.encode_one({1: 5.0, "s": "v"}).tolist() == [0.0, 5.0, 1.0]
    labels = LabelEncoder()
    assert labels.encode([np.int64(3), 3, "3"]).tolist() == [0, 0, 1]
    assert labels.decode([1, 0]) == ["3", 3]
    assert labels.encode(np.array([3, 3])).tolist() == [0, 0]  # known labels, as numpy scalars
    assert labels.encode(iter(["3", 4])).tolist() == [1, 2] and labels.classes == [3, "3", 4]
    with pytest.raises(TypeError, match=r"a label must be hashable .* got list \[1\]"):
        labels.encode([3, [1]])
    h = Hedge(3, eta=2.0, decay=0.5)
    h.update(torch.tensor([[1.0, 0.0, 0.0]]))
    h.update(torch.tensor([[0.0, 1.0, 0.0]]))
    assert h.losses.tolist() == [0.5, 1.0, 0.0]
    h.update(np.zeros((2, 3)))  # a batch of 2 is discounted as a whole: 0.5 ** 2
    assert h.losses.tolist() == [0.125, 0.25, 0.0]
    h.decay = 1.0  # the discount follows a changed decay (it is cached per decay and batch size)
    h.update(np.zeros((2, 3)))
    assert h.losses.tolist() == [0.125, 0.25, 0.0]
    h.decay = 0.5
    h.update(np.zeros((1, 3)))
    assert h.losses.tolist() == [0.0625, 0.125, 0.0]
    assert h.weights.sum() == pytest.approx(1.0) and h.weights.argmax() == 2
    for bad in (np.zeros((2, 4)), np.zeros(3)):  # the update kernels check no bounds: a wrong shape stops here
        for hedge in (h, ShareHedge(3)):
            with pytest.raises(ValueError, match=r"losses must have shape \(n, 3\), got \((2, 4|3,)\)"):
                hedge.update(bad)
    assert h.losses.tolist() == [0.0625, 0.125, 0.0]
    win = MemoryWindow(Memory(window=8), d=2)
    with pytest.raises(ValueError, match="MemoryWindow: got 2 rows but 3 labels"):
        win.add(np.zeros((2, 2), dtype=np.float32), np.zeros(3, dtype=np.int64))
    assert win.filled == 0
    p = torch.tensor([[[0.9, 0.1], [0.2, 0.8]]])
    assert expert_losses("zero_one", p, torch.tensor([0])).tolist() == [[0.0, 1.0]]
    assert expert_losses("brier", p, torch.tensor([0])).tolist()[0] == pytest.approx([0.02, 1.28])


# ---------------------------------------------------------------------------- benchmark verdict
def _bench():
    path = Path(__file__).resolve().parents[1] / "scripts" / "bench_online.py"
    spec = importlib.util.spec_from_file_location("bench_online_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_verdict() -> None:
    bench = _bench()
    models = {
        "river-linear": {"accuracy": 0.80, "samples_per_s": 100_000.0},
        "river-arf": {"accuracy": 0.85, "samples_per_s": 1_000.0},
        "archgym-auto": {"accuracy": 0.86, "samples_per_s": 12_000.0},
    }
    met, text = bench.verdict(models)
    assert met and "+0.0100" in text and "12.0x ARF" in text
    assert bench.speed_ratio(models) == pytest.approx(12.0)
    models["archgym-auto"]["samples_per_s"] = 9_000.0
    met, text = bench.verdict(models)
    assert not met and "under 10x ARF" in text
    models["archgym-auto"] = {"accuracy": 0.84, "samples_per_s": 20_000.0}
    met, text = bench.verdict(models)
    assert not met and "less accurate" in text and "river-arf 0.8500" in text
    models["archgym-auto"]["accuracy"] = 0.85  # a tie meets the goal
    assert bench.verdict(models)[0]
    models["archgym-auto"]["accuracy"] = 0.84998  # one sample in 50,000 below: not rounded away
    met, text = bench.verdict(models)
    assert not met and "(-0.00002)" in text
    assert bench.signed(0.0) == "+0.0000" and bench.signed(0.0031) == "+0.0031"
    splits = {s.split for s in bench.STREAMS.values()}
    assert splits == set(bench.SPLITS)
    assert splits == {
        "tuning", "held-out", "fresh", "final", "sealed", "vault", "reserve", "spare", "unseen", "novel", "blind",
        "hidden", "untouched", "sequestered", "withheld", "embargoed", "locked", "guarded", "shielded", "screened",
        "isolated", "concealed", "veiled", "shrouded", "cloaked", "masked", "covered", "sheltered",
        "shuttered", "stowed", "stashed", "tucked", "wrapped", "boxed",
    }  # fmt: skip
    sizes = {split: sum(s.split == split for s in bench.STREAMS.values()) for split in bench.SPLITS}
    assert sizes["fresh"] >= 6 and all(sizes[split] >= 8 for split in bench.SPLITS[3:]), sizes


def test_bench_summarise_reports_the_median_of_repeated_runs() -> None:
    bench = _bench()
    runs = [{"accuracy": 0.9, "samples_per_s": s, "leader": "a"} for s in (10.0, 30.0, 20.0)]
    assert bench.summarise(runs) == {"accuracy": 0.9, "samples_per_s": 20.0, "leader": "a"}  # no "accuracies"
    runs = [{"accuracy": a, "samples_per_s": 5.0} for a in (0.8, 0.7, 0.9)]
    assert bench.summarise(runs) == {"accuracy": 0.8, "samples_per_s": 5.0, "accuracies": [0.8, 0.7, 0.9]}
    assert bench.summarise([{"accuracy": 0.5, "samples_per_s": 7.0}]) == {"accuracy": 0.5, "samples_per_s": 7.0}
    # the per-sample hits kept are those of the run whose accuracy is reported (the median), not the first run's
    runs = [{"accuracy": a, "samples_per_s": 5.0, "correct": a} for a in (0.7, 0.9, 0.8)]
    assert bench.summarise(runs)["correct"] == 0.8


def test_bench_times_the_models_of_a_stream_in_rounds() -> None:
    """Each round runs every model once, so a slow stretch of the host slows every model's runs alike."""
    bench = _bench()
    order: list[str] = []

    def model(name: str, speeds: list[float]) -> Any:
        it = iter(speeds)
        return lambda: order.append(name) or {"accuracy": 0.5, "samples_per_s": next(it)}

    out = bench.timed_side_by_side({"arf": model("arf", [1.0, 3.0, 2.0]), "ours": model("ours", [9.0, 7.0, 8.0])}, 3)
    assert order == ["arf", "ours"] * 3
    assert out == {"arf": {"accuracy": 0.5, "samples_per_s": 2.0}, "ours": {"accuracy": 0.5, "samples_per_s": 8.0}}


def test_bench_paired_test_counts_the_discordant_samples_and_gives_mcnemars_p() -> None:
    bench = _bench()
    ours = np.array([1, 1, 0, 1, 0, 1], dtype=bool)
    theirs = np.array([1, 0, 1, 0, 0, 0], dtype=bool)
    assert bench.paired_test(ours, theirs) == {"wins": 3, "losses": 1, "p": pytest.approx(0.625)}
    assert bench.mcnemar_p(0, 0) == 1.0 and bench.mcnemar_p(5, 5) == 1.0
    assert bench.mcnemar_p(10, 0) == pytest.approx(2 / 1024) == bench.mcnemar_p(0, 10)
    stats = pytest.importorskip("scipy.stats")
    for wins, losses in [(32, 17), (1, 4), (71, 59), (1200, 1340), (4000, 10)]:
        assert bench.mcnemar_p(wins, losses) == pytest.approx(stats.binomtest(wins, wins + losses).pvalue, rel=1e-9)
    with pytest.raises(ValueError, match="paired test on different samples"):
        bench.paired_test(ours, theirs[:4])


def test_bench_run_auto_reports_each_samples_hit() -> None:
    bench = _bench()
    x, y = _xor(200)
    out = bench.run_auto(x, y.tolist(), 8)
    assert out["correct"].shape == (200,) and out["correct"].dtype == bool
    assert out["accuracy"] == out["correct"].mean()
    pytest.importorskip("river")  # River's side (a benchmark extra, not in make test)
    result = bench.run_stream("moons", 150, 0, 8, None)
    assert not any("correct" in r for r in result.values())  # the hits are not kept (nor written to --json)
    paired = result["archgym-auto"]["paired"]
    best = bench.river_best(result)
    assert paired["model"] == best and best.startswith("river-")
    assert result[best]["accuracy"] == max(m["accuracy"] for k, m in result.items() if k.startswith("river-"))
    diff = (paired["wins"] - paired["losses"]) / 150
    assert diff == pytest.approx(result["archgym-auto"]["accuracy"] - result[best]["accuracy"])


def test_bench_markdown_counts_each_split_and_names_the_misses() -> None:
    bench = _bench()
    ok = {
        "river-linear": {"accuracy": 0.80, "samples_per_s": 100_000.0},
        "river-arf": {"accuracy": 0.85, "samples_per_s": 1_000.0},
        "archgym-auto": {"accuracy": 0.90, "samples_per_s": 20_000.0, "leader": "knn5-w2000"},
    }
    slow = {**ok, "archgym-auto": {"accuracy": 0.90, "samples_per_s": 5_000.0, "leader": "knn5-w2000"}}
    names = {split: next(k for k, s in bench.STREAMS.items() if s.split == split) for split in bench.SPLITS}
    results = {names["tuning"]: ok, names["held-out"]: ok, names["fresh"]: slow}
    text = bench.markdown(results, "cmd", "machine", 50_000, 8)
    assert "on 3 streams (1 tuning, 1 held-out, 1 fresh)" in text
    assert "Goal met on 1/1 tuning streams, 1/1 held-out streams, 0/1 fresh streams." in text
    assert (
        f"Not met: {names['fresh']} (fresh): 0.9000 vs river-arf 0.8500 (+0.0500) at 5.0x ARF (under 10x ARF)." in text
    )
    assert "Met on every stream" in bench.markdown({names["tuning"]: ok}, "cmd", "machine", 50_000, 8)
    assert "Paired against" not in text and "| - |" in text  # no per-sample hits (a cached run): no paired test


def test_bench_markdown_reports_the_paired_test() -> None:
    bench = _bench()
    river = {
        "river-linear": {"accuracy": 0.80, "samples_per_s": 1e5},
        "river-arf": {"accuracy": 0.85, "samples_per_s": 1e3},
    }

    def auto(acc: float, wins: int, losses: int) -> dict:
        paired = {"model": "river-arf", "wins": wins, "losses": losses, "p": bench.mcnemar_p(wins, losses)}
        return {**river, "archgym-auto": {"accuracy": acc, "samples_per_s": 2e4, "leader": "gnb", "paired": paired}}

    names = list(bench.STREAMS)
    results = {names[0]: auto(0.90, 300, 50), names[1]: auto(0.84, 20, 25), names[2]: auto(0.70, 10, 90)}
    text = bench.markdown(results, "cmd", "machine", 50_000, 8)
    assert "| +300 / -50, p < 0.001 |" in text and "| +20 / -25, p 0.551 |" in text
    split = bench.STREAMS[names[1]].split
    miss = f"{names[1]} ({split}): 0.8400 vs river-arf 0.8500 (-0.0100) at 20.0x ARF (less accurate), paired +20"
    assert miss in text
    assert f"more accurate at p < 0.05 on 1, less accurate on 1 ({names[2]}), no difference at that level on 1" in text
    holm = "With Holm's correction for those 3 tests (family-wise error 0.05): more accurate on 1, less accurate on 1"
    assert f"{holm} ({names[2]}). Not significantly less accurate after that correction, at >= 10x ARF's" in text
    assert "samples/s: 2 of 3 streams." in text


def test_bench_holm_steps_down_and_stops_at_the_first_kept_test() -> None:
    """Holm's procedure: the smallest p against alpha / m, the next against alpha / (m - 1), ...; the first test not
    rejected stops it, so a later p under its own threshold (b: 0.04 <= 0.05 / 1) is kept too."""
    bench = _bench()
    assert bench.holm({"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.005}) == {"a", "d"}
    assert bench.holm({"a": 0.01, "b": 0.02}) == {"a", "b"}  # 0.01 <= 0.025, then 0.02 <= 0.05
    assert bench.holm({"a": 0.03, "b": 0.001}, alpha=0.01) == {"b"}
    assert bench.holm({}) == set() and bench.holm({"a": 0.5}) == set()
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\), got 1.5"):
        bench.holm({"a": 0.01}, alpha=1.5)


def test_bench_recheck_draws_the_synthetic_accuracy_misses_again() -> None:
    """``--recheck``: only synthetic streams AutoClassifier is less accurate on are drawn again (a bundled set is
    the same at every seed), and the docs say at how many other draws it is at or above River's best."""
    bench = _bench()
    river = {
        "river-gnb": {"accuracy": 0.90, "samples_per_s": 1e4},
        "river-arf": {"accuracy": 0.85, "samples_per_s": 1e3},
    }
    synthetic = [k for k, s in bench.STREAMS.items() if s.synthetic][:3]
    bundled = next(k for k, s in bench.STREAMS.items() if not s.synthetic)

    def auto(acc: float, **extra: Any) -> dict:
        return {**river, "archgym-auto": {"accuracy": acc, "samples_per_s": 2e4, "leader": "gnb", **extra}}

    results = {synthetic[0]: auto(0.89), synthetic[1]: auto(0.90), synthetic[2]: auto(0.88), bundled: auto(0.5)}
    assert bench.accuracy_misses(results) == [synthetic[0], synthetic[2]]
    assert "drawn again" not in bench.markdown(results, "cmd", "machine", 50_000, 8)

    def draw(seed: int, acc: float, wins: int, losses: int) -> dict:
        paired = {"wins": wins, "losses": losses, "p": bench.mcnemar_p(wins, losses)}
        return {"seed": seed, "accuracy": acc, "river": 0.90, "paired": paired}

    tie = {"model": "river-gnb", "seeds": [draw(1, 0.9002, 11, 10), draw(2, 0.8999, 9, 10)]}
    deficit = {"model": "river-gnb", "seeds": [draw(1, 0.8700, 10, 160), draw(2, 0.8900, 40, 60)]}
    results = {synthetic[0]: auto(0.89, recheck=tie), synthetic[2]: auto(0.88, recheck=deficit)}
    text = bench.markdown(results, "cmd", "machine", 50_000, 8)
    assert "Accuracy misses drawn again at data seeds 1, 2 (`--recheck`;" in text
    assert f"{synthetic[0]} at or above gnb at 1 of 2 (mean +0.00005, below at p < 0.05 at 0)" in text
    assert f"{synthetic[2]} at or above gnb at 0 of 2 (mean -0.0200, below at p < 0.05 at 1)" in text
    pytest.importorskip("river")  # River's side (a benchmark extra, not in make test)
    got = bench.recheck_stream("moons", "river-gnb", 150, (1, 2), 8)
    assert got["model"] == "river-gnb" and [d["seed"] for d in got["seeds"]] == [1, 2]
    _, x, y = bench.materialise("moons", 150, 2)
    assert got["seeds"][1]["accuracy"] == bench.run_auto(x, y, 8)["accuracy"]
    paired = got["seeds"][1]["paired"]
    assert (paired["wins"] - paired["losses"]) / 150 == pytest.approx(
        got["seeds"][1]["accuracy"] - got["seeds"][1]["river"]
    )


def test_bench_resume_keeps_finished_streams_and_refuses_other_settings(tmp_path: Path) -> None:
    """``--resume``'s file: a missing one starts fresh, one saved holds each finished stream and its part, one
    made with other settings is refused naming what differs, and a torn or foreign file is refused too."""
    bench = _bench()
    path = tmp_path / "progress.json"
    settings = {"n": 300, "seed": 0, "chunk": 8, "code": "abc"}
    state = bench.load_progress(path, settings)
    assert state == {"settings": settings, "parts": [], "streams": {}}
    name = next(iter(bench.STREAMS))
    state["parts"].append({"started": "2026-12-01T09:00:00+00:00", "machine": "Machine: A.", "streams": [name]})
    state["streams"][name] = {"archgym-auto": {"accuracy": 0.5, "samples_per_s": 1.0}}
    bench.save_progress(path, state)
    assert not path.with_name("progress.json.tmp").exists()
    assert bench.load_progress(path, settings) == state
    with pytest.raises(ValueError, match=r"other settings or code \(seed 0 there, 1 here; code 'abc' there, 'x' here"):
        bench.load_progress(path, {**settings, "seed": 1, "code": "x"})
    path.write_text('{"settings": {}, "parts": [], "streams": {"no-such-stream": {}}}')
    with pytest.raises(ValueError, match="n None there, 300 here"):
        bench.load_progress(path, settings)
    path.write_text(json.dumps({"settings": settings, "parts": [], "streams": {"no-such-stream": {}}}))
    with pytest.raises(ValueError, match="holds streams this script does not define: no-such-stream"):
        bench.load_progress(path, settings)
    path.write_text('{"settings": ')
    with pytest.raises(ValueError, match="not a readable JSON file"):
        bench.load_progress(path, settings)
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a bench_online progress file"):
        bench.load_progress(path, settings)


def test_bench_resume_names_every_part_and_digests_the_code_but_its_notes(tmp_path: Path) -> None:
    bench = _bench()
    one = {"started": "2026-12-01T09:00:00+00:00", "machine": "Machine: A.", "streams": ["a", "b"]}
    two = {"started": "2026-12-02T09:00:00+00:00", "machine": "Machine: A.", "streams": ["c"]}
    assert bench.parts_line([], "Machine: here.") == "Machine: here."
    assert bench.parts_line([one, {**two, "streams": []}], "Machine: here.") == "Machine: A."
    line = bench.parts_line([one, two], "Machine: here.")
    assert line.startswith("Run in 2 parts with `--resume` (part 1 2026-12-01, 2 streams; part 2 2026-12-02, 1 st")
    assert line.endswith("side by side within one part. Machine: A.")
    line = bench.parts_line([one, {**two, "machine": "Machine: B."}], "Machine: here.")
    assert line.endswith("Part 1: Machine: A. Part 2: Machine: B.")
    # a copy of this checkout: NOTES may change between parts; the protocol, the streams and archgym may not
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    (root / "archgym").mkdir()
    script = root / "scripts" / "bench_online.py"
    source = Path(bench.__file__).read_text()
    script.write_text(source)
    (root / "archgym" / "model.py").write_text("X = 1\n")
    digest = bench.code_digest(script)
    assert digest == bench.code_digest(script)
    script.write_text(source.replace("\nNOTES = (\n", '\nNOTES = (\n    "Another sentence. "\n'))
    assert bench.code_digest(script) == digest
    script.write_text(source.replace("KNN_MAX_SAMPLES = ", "KNN_MAX_SAMPLES = 1 + "))
    assert bench.code_digest(script) != digest
    script.write_text(source)
    (root / "archgym" / "model.py").write_text("X = 2\n")
    assert bench.code_digest(script) != digest
    script.write_text("x = 1\n")
    with pytest.raises(ValueError, match="no NOTES"):
        bench.code_digest(script)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--auto-seeds", "0,x"], ["--auto-seeds must be comma-separated ints >= 0", "'0,x'"]),
        (["--auto-seeds", "-1"], ["--auto-seeds must be comma-separated ints >= 0"]),
        (["--auto-kwargs", "{bad"], ["--auto-kwargs is not valid JSON"]),
        (["--auto-kwargs", "[1]"], ["must be a JSON object of AutoClassifier keyword arguments"]),
        (["--auto-kwargs", '{"pick_eta": 0}'], ["--auto-kwargs: pick_eta must be a number in (0.0, inf]"]),
        (["--auto-kwargs", '{"nope": 1}'], ["--auto-kwargs:", "unexpected keyword argument 'nope'"]),
        (["--resume", "p.json", "--river-cache", "r.json"], ["--resume does not combine with --river-cache"]),
        (["--recheck", "-1"], ["--recheck must be >= 0 (other data seeds per accuracy miss), got -1"]),
    ],
)
def test_bench_bad_flags_exit_2_with_one_line(argv, words, capsys) -> None:
    bench = _bench()
    with pytest.raises(SystemExit) as info:
        bench.main([*argv, "--no-doc"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: " in err  # argparse: "<prog>: error: <message>"
    for word in words:
        assert word in err, (word, err)


def test_bench_splits_and_short_streams() -> None:
    """``--split dev`` is every split but the boxed; a stream's ``length`` caps its samples; a stream generated by
    scikit-learn has ``n`` samples, the same for the same seed."""
    bench = _bench()
    assert set(bench.DEV_SPLITS) == {
        "tuning", "held-out", "fresh", "final", "sealed", "vault", "reserve", "spare", "unseen", "novel", "blind",
        "hidden", "untouched", "sequestered", "withheld", "embargoed", "locked", "guarded", "shielded", "screened",
        "isolated", "concealed", "veiled", "shrouded", "cloaked", "masked", "covered", "sheltered", "shuttered",
        "stowed", "stashed", "tucked", "wrapped",
    }  # fmt: skip
    assert set(bench.SPLITS) - set(bench.DEV_SPLITS) == {"boxed"}
    data, x, y = bench.materialise("moons", 300, 0)
    assert len(data) == len(y) == 300 and x.shape == (300, 2) and set(y) == {0, 1}
    np.testing.assert_array_equal(bench.materialise("moons", 300, 0)[1], x)
    assert not np.array_equal(bench.materialise("moons", 300, 1)[1], x)
    short = [k for k, s in bench.STREAMS.items() if s.length is not None]
    assert short, "no short synthetic stream"
    spec = bench.STREAMS[short[0]]
    pytest.importorskip("river")  # the streams come from River's generators (a benchmark extra, not in make test)
    data, x, y = bench.materialise(short[0], spec.length + 500, 0)
    assert len(data) == len(y) == x.shape[0] == spec.length
    data, x, y = bench.materialise(short[0], 200, 0)
    assert len(y) == 200


def test_batch_size_splits_learn_many_into_adam_steps() -> None:
    x, y = _xor(8)
    one, split = AutoClassifier(seed=0, **SMALL), AutoClassifier(seed=0, batch_size=4, **SMALL)
    for m in (one, split):
        m.learn_many(x, y)
    assert one._nets is not None and split._nets is not None
    assert (int(one._nets.step), int(split._nets.step)) == (1, 2)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        AutoClassifier(batch_size=0)


# ---------------------------------------------------------------------------- drift, replay, skipping
def test_reset_member_reinitialises_one_member_only() -> None:
    from archgym.online.pool import PackedPool

    pool = PackedPool((Candidate(()), Candidate((8,)), Candidate((4, 4))), 3, 2, torch.Generator().manual_seed(0))
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 3)).astype(np.float32), rng.integers(0, 2, 16)
    for _ in range(5):
        pool.learn(*pool.forward(x), y)
    before = [t.copy() for t in pool.params()]
    logp_before = pool.forward(x)[0]
    pool.reset_member(1)
    logp_after = pool.forward(x)[0]
    assert np.array_equal(logp_before[:, [0, 2]], logp_after[:, [0, 2]])  # the others predict as before
    assert np.allclose(np.exp(logp_after[:, 1]), 0.5)  # zero head: uniform
    r = pool.ranges[0][1]
    assert r is not None and not np.array_equal(before[0][r[0] : r[1]], pool.W[0][r[0] : r[1]])
    assert not pool.m[-2][2:4].any() and pool.m[-2].any()  # its head's momentum zeroed, the others' kept


def test_packed_pool_steps_as_separate_networks_trained_by_torch_adam() -> None:
    """The packed forward pass, hand-written backward pass and one Adam step on the flat vectors give every
    candidate the predictions and the weights that its own network, trained by autograd and ``torch.optim.Adam``
    at its own learning rate on its mean cross-entropy, has."""
    from archgym.online.pool import PackedPool

    cands = (Candidate((), lr=0.02), Candidate((6,), lr=0.01, skip=True), Candidate((5, 4), lr=0.005))
    pool = PackedPool(cands, 3, 2, torch.Generator().manual_seed(0))

    def extract(k: int) -> list[torch.Tensor]:
        """Candidate k's own weights (W = s U) as leaf tensors: hidden layers, then its head over its inputs."""
        c, out = cands[k], []
        for layer in range(len(c.hidden)):
            r = pool.ranges[layer][k]
            assert r is not None
            p = None if layer == 0 else pool.ranges[layer - 1][k]
            cols = slice(0, pool.d) if p is None else slice(p[0], p[1])
            s = pool.s[layer][r[0] : r[1], None]
            out += [s * pool.W[layer][r[0] : r[1], cols], s[:, 0] * pool.b[layer][r[0] : r[1]]]
        rows = slice(k * pool.C, (k + 1) * pool.C)
        cols_h = pool.mh[rows][0] > 0
        sh = pool.sh[rows, None]
        out += [sh * pool.Wh[rows][:, cols_h], sh[:, 0] * pool.bh[rows]]
        return [torch.tensor(t, requires_grad=True) for t in out]

    def logits(k: int, ws: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        h = x
        for layer in range(len(cands[k].hidden)):
            h = torch.relu(h @ ws[2 * layer].t() + ws[2 * layer + 1])
        reads = [h] if cands[k].hidden else []
        if not cands[k].hidden or cands[k].skip:
            reads.append(x)
        return torch.cat(reads, 1) @ ws[-2].t() + ws[-1]

    nets = [extract(k) for k in range(len(cands))]
    # the pool's Adam moves U with W = s U, s = lr / max lr: the same as Adam on W with eps / s
    opts = [torch.optim.Adam(nets[k], lr=c.lr, eps=1e-8 / pool.rel[k]) for k, c in enumerate(cands)]
    rng = np.random.default_rng(1)
    for _ in range(6):
        x, y = rng.standard_normal((8, 3)).astype(np.float32), rng.integers(0, 2, 8)
        logp = pool.forward(x)[0]
        for k in range(len(cands)):
            ref = torch.log_softmax(logits(k, nets[k], torch.from_numpy(x)), 1)
            assert np.allclose(logp[:, k], ref.detach().numpy(), atol=1e-5)
            opts[k].zero_grad()
            torch.nn.functional.cross_entropy(ref, torch.from_numpy(y)).backward()
            opts[k].step()
        pool.learn(*pool.forward(x), y)
        for k in range(len(cands)):
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(extract(k), nets[k], strict=True)), k


def test_packed_pool_grows_inputs_and_classes_keeping_what_it_learned() -> None:
    """New classes and inputs re-lay the flat vectors: the learned weights and Adam's moments keep their places, the
    new ones are 0 (a new input's first-layer weights random), and on the old inputs the old classes' odds stay."""
    from archgym.online.pool import PackedPool

    pool = PackedPool((Candidate(()), Candidate((4,), skip=True)), 3, 2, torch.Generator().manual_seed(0))
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)).astype(np.float32), rng.integers(0, 2, 8)
    for _ in range(3):
        pool.learn(*pool.forward(x), y)
    before = [[t.copy() for t in state] for state in (pool.params(), pool.m, pool.v)]
    logp = pool.forward(x)[0]
    pool.grow_classes(3)
    pool.grow_inputs(4)
    assert pool.theta.shape == (4 * 4 + 4 + 2 * 3 * (4 + 4) + 2 * 3,) and pool.step == 3
    for old, new in zip(before, (pool.params(), pool.m, pool.v), strict=True):
        assert np.array_equal(new[0][:, :3], old[0]) and np.array_equal(new[1], old[1])  # hidden layer
        head, head_old = new[2].reshape(2, 3, 8), old[2].reshape(2, 2, 7)
        assert np.array_equal(head[:, :2, :7], head_old) and not head[:, 2].any() and not head[:, :, 7].any()
        bias, bias_old = new[3].reshape(2, 3), old[3].reshape(2, 2)
        assert np.array_equal(bias[:, :2], bias_old) and not bias[:, 2].any()
    assert pool.W[0][:, 3].all() and not pool.m[0][:, 3].any()
    grown = pool.forward(np.pad(x, ((0, 0), (0, 1))))[0]
    odds = np.exp(grown[..., :2])
    assert np.allclose(odds / odds.sum(2, keepdims=True), np.exp(logp), atol=1e-6)
    pool.learn(*pool.forward(np.pad(x, ((0, 0), (0, 1)))), np.where(y == 1, 2, y))  # learns at the new shapes
    assert pool.step == 4 and pool.Wh.reshape(2, 3, 8)[:, 2].any()


def test_memory_forget_keeps_the_most_recent_samples() -> None:
    win = MemoryWindow(Memory(window=4, k=1), d=1)
    win.add(np.arange(6.0, dtype=np.float32).reshape(-1, 1), np.arange(6))  # wraps: holds 2..5
    win.forget(2)
    assert win.filled == 2 and win.X[:2].reshape(-1).tolist() == [4.0, 5.0] and win.y[:2].tolist() == [4, 5]
    xs, ys = win.sample(5, np.random.default_rng(0))
    assert set(ys.tolist()) <= {4, 5} and xs.reshape(-1).astype(np.int64).tolist() == ys.tolist()


def test_memory_neighbours_among_repeated_rows_are_the_newest() -> None:
    """A row repeated in the window (a categorical stream's 27 STAGGER rows) is at distance 0 from each copy:
    the k neighbours are its newest copies (the concept after a drift), wherever the ring buffer put them, and
    they still vote with equal weights; a newer row farther away does not displace them."""
    win = MemoryWindow(Memory(window=16, k=3, metric_lr=0.0), d=2)
    s2 = np.ones(2, dtype=np.float32)
    row = np.array([[1.0, 0.0]], dtype=np.float32)
    win.add(np.repeat(row, 10, 0), np.zeros(10, dtype=np.int64))  # the old concept's label, in slots 0..9
    win.add(np.repeat(row, 9, 0), np.ones(9, dtype=np.int64))  # the new one's, wrapping over slots 10..2
    assert win.proba(row, s2, 2)[0].tolist() == pytest.approx([0.005, 0.995])
    win.add(np.array([[1.0, 0.5]], dtype=np.float32), np.zeros(1, dtype=np.int64))  # newer but farther
    win.add(np.repeat(row, 2, 0), np.zeros(2, dtype=np.int64))  # the two newest copies say 0 again
    p = win.proba(row, s2, 2)[0]
    assert p.tolist() == pytest.approx([0.01 / 2 + 0.99 * 2 / 3, 0.01 / 2 + 0.99 / 3], abs=1e-6)
    win.forget(5)  # the window's order changes; the newest copies stay the neighbours
    assert win.proba(row, s2, 2)[0].tolist() == pytest.approx([0.01 / 2 + 0.99 * 2 / 3, 0.01 / 2 + 0.99 / 3])
    for label in [0] * 2000 + [1] * 3:  # a long stream: the recency keys stay small, the newest still win
        win.add(row, np.array([label]))
    assert np.abs(win.newer).max() <= 64 * TIE
    assert win.proba(row, s2, 2)[0].tolist() == pytest.approx([0.005, 0.995])


@pytest.mark.parametrize("k", [1, 5, 12, 64])
def test_memory_votes_are_an_inverse_distance_knn_over_the_window(k: int) -> None:
    """The memory's vote equals a brute-force k-NN over what the window holds (a wrapped ring buffer): the k
    stored rows nearest by the scaled distance, each voting for its label with 1 / distance, smoothed (up to k = the
    whole window)."""
    rng = np.random.default_rng(3)
    C, d = 3, 4
    win = MemoryWindow(Memory(window=64, k=k, metric_lr=0.0, smoothing=0.01), d=d)
    xs = rng.normal(size=(90, d)).astype(np.float32)
    ys = rng.integers(0, C, 90)
    for i in range(0, 90, 8):
        win.add(xs[i : i + 8], ys[i : i + 8])
    stored, labels = xs[-64:].astype(np.float64), ys[-64:]  # the last 64 (the oldest 26 were replaced)
    s2 = rng.uniform(0.5, 2.0, d).astype(np.float32)
    queries = rng.normal(size=(8, d)).astype(np.float32)
    dist = (((queries[:, None, :] - stored[None]) ** 2) * s2).sum(2)  # (8, 64)
    expected = np.zeros((8, C))
    for r, row in enumerate(dist):
        for j in np.argsort(row)[:k]:
            expected[r, labels[j]] += 1.0 / np.sqrt(row[j])
    expected = expected / expected.sum(1, keepdims=True) * 0.99 + 0.01 / C
    np.testing.assert_allclose(win.proba(queries, s2, C), expected, rtol=1e-4, atol=1e-5)


def test_memory_refuses_rows_and_classes_it_cannot_vote_on() -> None:
    """The search kernel checks no bounds: rows of another width, scales of another length, or a window holding
    class indices beyond the classes asked for are refused with a clear error."""
    win = MemoryWindow(Memory(window=8, k=2), d=2)
    win.add(np.zeros((3, 2), dtype=np.float32), np.array([0, 1, 2]))
    s2 = np.ones(2, dtype=np.float32)
    with pytest.raises(ValueError, match=r"MemoryWindow: rows must be a 2-D array of 2 columns, got shape \(1, 3\)"):
        win.proba(np.zeros((1, 3), dtype=np.float32), s2, 3)
    with pytest.raises(ValueError, match="2 columns but 3 squared scales"):
        win.proba(np.zeros((1, 2), dtype=np.float32), np.ones(3, dtype=np.float32), 3)
    with pytest.raises(ValueError, match="class indices beyond the 2 classes asked for"):
        win.proba(np.zeros((1, 2), dtype=np.float32), s2, 2)
    assert win.proba(np.zeros((1, 2), dtype=np.float32), s2, 3).shape == (1, 3)


def test_memory_grow_keeps_the_samples_and_their_order() -> None:
    """Growing a wrapped ring buffer keeps every stored sample (the votes do not change), the newest copies of a
    repeated row stay the neighbours, and later samples fill the new room before the oldest is replaced."""
    win = MemoryWindow(Memory(window=32, start=16, k=3, metric_lr=0.0), d=2)
    assert win.capacity == 16 and MemoryWindow(Memory(window=8, start=16), d=2).capacity == 8  # start <= window
    s2 = np.ones(2, dtype=np.float32)
    rng = np.random.default_rng(0)
    row = np.array([[1.0, 0.0]], dtype=np.float32)
    win.add(rng.normal(size=(9, 2)).astype(np.float32), rng.integers(0, 2, 9))
    win.add(np.repeat(row, 6, 0), np.zeros(6, dtype=np.int64))
    win.add(np.repeat(row, 3, 0), np.ones(3, dtype=np.int64))  # wraps; the 3 newest copies say 1
    queries = np.concatenate([row, rng.normal(size=(7, 2)).astype(np.float32)])
    before = win.proba(queries, s2, 2)
    assert before[0].tolist() == pytest.approx([0.005, 0.995])
    win.grow()
    assert win.capacity == 32 and win.filled == 16
    np.testing.assert_allclose(win.proba(queries, s2, 2), before, atol=1e-6)
    win.add(np.repeat(row, 2, 0), np.zeros(2, dtype=np.int64))  # the two newest copies say 0 now
    assert win.filled == 18
    assert win.proba(row, s2, 2)[0].tolist() == pytest.approx([0.01 / 2 + 0.99 * 2 / 3, 0.01 / 2 + 0.99 / 3])
    win.add(rng.normal(size=(20, 2)).astype(np.float32), rng.integers(0, 2, 20))  # full: the oldest go first
    newest = np.argsort(win.newer)[:20]  # the 20 just added: in the new room (slots 18..31), then over 0..5
    assert win.filled == 32 and sorted(newest.tolist()) == [*range(6), *range(18, 32)]
    win.grow()  # already at its window: nothing changes
    assert win.capacity == 32


def test_memory_window_grows_only_where_the_memory_leads() -> None:
    """AutoClassifier's memory keeps ``start`` samples until, the stream no longer young, it weighs at least half
    of the predictions with its window full: on a 2-D checkerboard the vote leads and the window grows (not while
    the stream is young); on a linear concept in 12 dimensions the linear members lead and it stays small."""
    memory = Memory(window=512, start=256)
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(3000, 2)).astype(np.float32)
    y = ((np.floor(x[:, 0] * 4) + np.floor(x[:, 1] * 4)) % 2).astype(np.int64)
    young = AutoClassifier(seed=0, memory=memory, replay_until=10_000)
    _prequential(young, x, y, chunk=8)
    assert young._window is not None and young._window.capacity == 256
    led = AutoClassifier(seed=0, memory=memory, replay_until=1000)
    _prequential(led, x, y, chunk=8)
    assert led._window is not None and led._window.capacity == 512 and led._window.filled == 512
    w = rng.normal(size=12)
    x = rng.normal(size=(3000, 12)).astype(np.float32)
    y = (x @ w > 0).astype(np.int64)
    other = AutoClassifier(seed=0, memory=memory, replay_until=1000)
    _prequential(other, x, y, chunk=8)
    assert other._window is not None and other._window.capacity == 256
    assert max(other.weights, key=other.weights.__getitem__) != memory.name


def _knn_stream(memory: Memory, x: np.ndarray, y: np.ndarray, chunk: int = 8) -> tuple[MemoryWindow, float]:
    """Predict-then-learn ``x, y`` with a memory alone (unit input scales); its window and its accuracy over the
    second half."""
    win = MemoryWindow(memory, d=x.shape[1])
    s2 = np.ones(x.shape[1], dtype=np.float32)
    hits = 0
    for i in range(0, len(y), chunk):
        rows = x[i : i + chunk]
        if i >= len(y) // 2:
            hits += int((win.proba(rows, s2, 2).argmax(1) == y[i : i + chunk]).sum())
        else:
            win.proba(rows, s2, 2)
        win.add(rows, y[i : i + chunk])
    return win, hits / (len(y) - len(y) // 2)


def test_memory_learns_feature_weights_that_drop_noise_features() -> None:
    """A 2-D nonlinear concept next to 2 features of pure noise: the learned distance weighs the noise features
    down and the concept's up, and the k-NN vote beats the plain standardised distance; without a step
    (``metric_lr=0``) the weights stay 1."""
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(6000, 4)).astype(np.float32)
    y = (x[:, 1] > 0.5 + 0.3 * np.sin(3 * np.pi * x[:, 0])).astype(np.int64)
    learned, acc = _knn_stream(Memory(), x, y)
    plain, acc_plain = _knn_stream(Memory(metric_lr=0.0), x, y)
    w = learned.weights
    assert w[2:].max() < 0.5 and w[:2].min() > 3 * w[2:].max(), w
    assert abs(float(w.mean()) - 1.0) < 1e-5
    assert acc > acc_plain + 0.02, (acc, acc_plain)
    assert plain.weights.tolist() == [1.0] * 4
    learned.grow_inputs(5)  # a feature first seen late starts at log-weight 0
    assert learned.weights.shape == (5,) and learned.weights[4] == 1.0
    learned.forget(10)  # a drift: the new concept may need other features
    assert learned.weights.tolist() == [1.0] * 5 and learned.filled == 10


def test_memory_metric_steps_only_on_the_rows_its_last_prediction_saw() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(64, 3)).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64)
    win = MemoryWindow(Memory(k=3), d=3)
    win.add(x[:48], y[:48])
    s2 = np.ones(3, dtype=np.float32)
    win.add(x[48:56], y[48:56])  # learned without a prediction first: no neighbours known, no step
    assert win.weights.tolist() == [1.0] * 3
    rows = x[56:].copy()
    win.proba(rows, s2, 2)
    win.add(rows.copy(), y[56:])  # other rows (an equal copy is not the array the prediction saw): no step
    assert win.weights.tolist() == [1.0] * 3
    win.proba(rows, s2, 2)
    win.add(rows, 1 - y[56:])  # the same rows, labels their neighbours disagree with: a step, collected
    assert len(win._pending) == 1 and win.weights.tolist() == [1.0] * 3
    for i in range(METRIC_EVERY - 1):  # taken together once METRIC_EVERY batches had one
        win.proba(rows, s2, 2)  # (the neighbours: the rows' newest copies, whose labels alternate)
        win.add(rows, y[56:] if i % 2 == 0 else 1 - y[56:])
    assert not win._pending and win.weights.tolist() != [1.0] * 3
    win.proba(rows, s2, 2)
    win.add(rows, 1 - y[56:])
    win.forget(10)  # a drift drops the collected steps with the weights
    assert not win._pending and win.weights.tolist() == [1.0] * 3


def test_drift_detection_resets_the_weakest_network_after_a_label_flip() -> None:
    x, y = _xor(6000, seed=3)
    y[3000:] = 1 - y[3000:]
    m = AutoClassifier(seed=0)
    _prequential(m, x, y, chunk=8)
    assert m.n_drifts >= 1 and sum(m.n_resets) >= 1
    assert AutoClassifier(replay_after_drift=500)._young_until == 5000
    calm = AutoClassifier(seed=0)
    _prequential(calm, x[:3000], y[:3000], chunk=8)
    assert calm.n_drifts == 0
    assert AutoClassifier(drift_delta=None)._detector is None


def test_a_drift_the_pool_detects_restarts_the_tree_and_the_naive_bayes() -> None:
    """The mixture's detectors see an abrupt flip long before the tree's own ADWIN: the chunk they fire on leaves a
    tree of one leaf that has seen nothing and an empty naive Bayes, which relearn from the new concept."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, (4000, 2)).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64)
    y[2000:] = 1 - y[2000:]
    m = AutoClassifier(seed=0)
    m.learn_many(x[:8], y[:8])  # builds the members
    assert m._tree is not None and m._bayes is not None
    for i in range(8, len(y), 8):
        m.predict_many(x[i : i + 8])
        drifts, resets, grown = m.n_drifts, m._tree.n_resets, m._tree.n_leaves
        m.learn_many(x[i : i + 8], y[i : i + 8])
        if m.n_drifts > drifts:
            break
    assert 2000 <= i < 2100 and grown > 1  # a few chunks after the flip, from a tree that had split
    assert m._tree.n_resets == resets + 1 and m._tree.n_leaves == 1 and m._tree.obs.sum() == 0
    assert m._bayes.n == 0 and m._bayes.n_resets == 1
    late = _prequential(m, x[i + 8 :], y[i + 8 :], chunk=8)
    assert late > 0.95  # the new concept, relearned


def test_skip_loss_stops_learning_chunks_the_mixture_already_knows() -> None:
    x = np.repeat(np.array([[5.0], [-5.0]], dtype=np.float32), 2000, axis=0)
    y = (x[:, 0] > 0).astype(np.int64)
    order = np.random.default_rng(0).permutation(len(y))
    # (idle_after=0: idle networks, asleep between probes, would take no step at all on most chunks)
    lazy = AutoClassifier(seed=0, skip_loss=0.05, idle_after=0, **SMALL)
    assert _prequential(lazy, x[order], y[order], chunk=8) > 0.95
    assert lazy._nets is not None and lazy.n_skipped > len(y) // 16
    # every learned chunk was an Adam step, learned or skipped (the skips not yet folded in are pending)
    assert int(lazy._nets.step) + lazy._nets.n_skipped == len(y) // 8
    # the tree and the SGD members skip the same chunks; the memory stores every one
    assert lazy._tree is not None and lazy._tree.n_resets == 0
    assert int(lazy._tree.obs.sum()) == len(y) - 8 * lazy.n_skipped
    assert lazy._window is not None and lazy._window.filled == 64
    eager = AutoClassifier(seed=0, skip_loss=0.0, **SMALL)
    _prequential(eager, x[order], y[order], chunk=8)
    assert eager.n_skipped == 0 and eager._tree is not None and int(eager._tree.obs.sum()) == len(y)


def test_the_networks_step_once_per_step_rows_rows_on_forward_passes_still_exact() -> None:
    """Once the stream is not young, learned batches are held until they reach ``step_rows`` rows, then the
    networks take one Adam step on them all; a held forward pass is what a fresh one would give (the weights have
    not moved), and a new class takes the step before the networks grow."""
    x, y = _xor(8)
    m = AutoClassifier(seed=0, replay_until=0, skip_loss=0.0, step_rows=24, **SMALL)
    steps = []
    for _ in range(6):
        before = 0 if m._nets is None else int(m._nets.step)
        m.learn_many(x, y)
        assert m._nets is not None
        steps.append(int(m._nets.step) - before)
    assert steps == [0, 0, 1, 0, 0, 1]
    m.learn_many(x, y)
    m.learn_many(x, 1 - y)
    assert m._nets is not None and len(m._pending) == 2 and int(m._nets.step) == 2
    for logp, _, f, _ in m._pending:
        fresh = m._nets.forward(f[:, m._nets.n_hidden :].copy())[0]
        assert np.array_equal(fresh, logp)
    m.learn_many(x, np.where(y == 1, 2, y))  # a third class: the held batches are learned first, then it grows
    assert int(m._nets.step) == 3 and len(m._pending) == 1 and m._nets.C == 3
    m.learn_many(np.pad(x, ((0, 0), (0, 1))) + 1.0, y)  # a third feature: the same, before the inputs grow
    assert int(m._nets.step) == 4 and len(m._pending) == 1 and m._nets.d == 3
    young = AutoClassifier(seed=0, skip_loss=0.0, **SMALL)  # replays (one step per batch) while young
    young.learn_many(x, 1 - y)
    young.learn_many(x, y)
    assert young._nets is not None and int(young._nets.step) == 2 and not young._pending
    with pytest.raises(ValueError, match="step_rows must be an int >= 1, got 0"):
        AutoClassifier(step_rows=0)


def test_skipped_batches_are_zero_gradient_adam_steps() -> None:
    """Skips decay both of Adam's moments and count as steps at the next learn, without moving the weights."""
    from archgym.online.pool import PackedPool

    pool = PackedPool((Candidate(()), Candidate((4,))), 3, 2, torch.Generator().manual_seed(0))
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)).astype(np.float32), rng.integers(0, 2, 8)
    pool.learn(*pool.forward(x), y)
    weights = [t.copy() for t in pool.params()]
    m, v = [t.copy() for t in pool.m], [t.copy() for t in pool.v]
    for _ in range(3):
        pool.skip()
    assert all(np.array_equal(a, b) for a, b in zip(weights, pool.params(), strict=True)) and pool.step == 1
    pool._fold_skipped()
    assert pool.step == 4 and pool.n_skipped == 0
    assert all(np.allclose(a * 0.9**3, b) for a, b in zip(m, pool.m, strict=True))
    assert all(np.allclose(a * 0.999**3, b) for a, b in zip(v, pool.v, strict=True))
    pool.skip()
    pool.learn(*pool.forward(x), y)  # folds the pending skip first
    assert pool.step == 6 and pool.n_skipped == 0


@pytest.mark.parametrize("loss", ["log", "brier", "zero_one"])
def test_every_hedge_loss_weighs_the_pool(loss: str) -> None:
    x, y = _xor(400, seed=5)
    m = AutoClassifier(seed=0, hedge_loss=loss, **SMALL)
    assert _prequential(m, x, y, chunk=8) > 0.5
    assert math.isclose(sum(m.weights.values()), 1.0, rel_tol=1e-6)


# ---------------------------------------------------------------------------- plain-SGD members, second Hedge
def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_sgd_members_take_plain_sgd_steps_and_average_their_weights() -> None:
    from archgym.online.linear import SGDLinear, SGDLinearPool

    rng = np.random.default_rng(0)
    pool = SGDLinearPool((SGDLinear(lr=0.1), SGDLinear(lr=0.1, average=0.5)), d=3, n_classes=3)
    W, b, Wa, ba = np.zeros((3, 3)), np.zeros(3), np.zeros((3, 3)), np.zeros(3)
    for step in range(5):
        z, y = rng.normal(size=(4, 3)).astype(np.float32), rng.integers(0, 3, 4)
        p = pool.proba(z)
        assert np.allclose(p[:, 0], _softmax(z @ W + b), atol=1e-6)  # the plain member: its weights
        assert np.allclose(p[:, 1], _softmax(z @ Wa + ba), atol=1e-6)  # the averaged one: its moving average
        if step % 2:
            pool.learn(z, y)  # reuses the probabilities of the proba call just before
        else:
            pool.learn(z.copy(), y)  # another array: recomputed, same step
        g = _softmax(z @ W + b)
        g[np.arange(4), y] -= 1.0
        W, b = W - 0.1 * z.T @ g, b - 0.1 * g.sum(0)  # plain SGD on the summed cross-entropy
        Wa, ba = 0.5 * Wa + 0.5 * W, 0.5 * ba + 0.5 * b
        assert np.allclose(pool.W[:, :3], W, atol=1e-5) and np.allclose(pool.W[:, 3:], W, atol=1e-5)
        assert np.allclose(pool.Wp[:, 3:], Wa, atol=1e-5) and np.allclose(pool.bp[3:], ba, atol=1e-5)


def test_sgd_step_after_predicting_equals_a_step_without() -> None:
    from archgym.online.linear import SGDLinear, SGDLinearPool

    rng = np.random.default_rng(1)
    for members in ((SGDLinear(lr=0.2),), (SGDLinear(lr=0.2), SGDLinear(lr=0.1, average=0.9))):
        a, b = SGDLinearPool(members, d=3, n_classes=2), SGDLinearPool(members, d=3, n_classes=2)
        for _ in range(4):
            z, y = rng.normal(size=(5, 3)).astype(np.float32), rng.integers(0, 2, 5)
            a.proba(z)
            a.learn(z, y)  # reuses the probabilities proba kept
            b.learn(z, y)  # computes them
        assert np.array_equal(a.W, b.W) and np.array_equal(a.Wp, b.Wp)


def test_sgd_members_grow_with_new_features_and_classes() -> None:
    from archgym.online.linear import DEFAULT_SGD, SGDLinearPool

    pool = SGDLinearPool(DEFAULT_SGD, d=2, n_classes=2)
    z = np.array([[1.0, -1.0], [-1.0, 1.0]], dtype=np.float32)
    for _ in range(10):
        pool.proba(z)
        pool.learn(z, np.array([0, 1]))
    before = pool.proba(z).copy()
    pool.grow_inputs(3)
    pool.grow_classes(3)
    p = pool.proba(np.pad(z, ((0, 0), (0, 1))))  # the new column reads 0: same logits, a new class at logit 0
    assert p.shape == (2, 2, 3) and np.allclose(p.sum(2), 1.0)
    ratio = p[:, :, 0] / p[:, :, 1]  # the old classes keep their odds
    assert np.allclose(ratio, before[:, :, 0] / before[:, :, 1], rtol=1e-5)
    pool.learn(np.array([[0.0, 0.0, 2.0]], dtype=np.float32), np.array([2]))
    assert pool.W[2].any() and pool.W.shape == (3, 2 * 3)  # 2 members x 3 classes


def test_auto_classifier_learns_a_new_class_and_feature_with_sgd_members_only() -> None:
    m = AutoClassifier(seed=0, candidates=(), tree=None, naive_bayes=None, memory=None, pick_eta=None)
    for _ in range(50):
        m.learn_one({"a": 1.0}, "x")
        m.learn_one({"a": -1.0}, "y")
    for _ in range(50):
        m.learn_one({"a": 0.0, "b": 1.0}, "z")
        m.learn_one({"a": 1.0}, "x")
    assert m.expert_names == ["sgd-lr0.01", "sgd-lr0.01-avg0.99"]
    assert [m.predict_one({"a": 1.0}), m.predict_one({"a": -1.0}), m.predict_one({"b": 1.0})] == ["x", "y", "z"]


def test_second_hedge_mixes_the_mixture_and_the_members() -> None:
    x, y = _xor(600, seed=3)
    # (no group sleeps: a sleeping group's columns are predicted uniform, its weight spread over the awake ones)
    plain, picked = AutoClassifier(seed=0, pick_eta=None, **SMALL), AutoClassifier(seed=0, sleep_below=0.0, **SMALL)
    _prequential(plain, x, y)
    _prequential(picked, x, y)
    assert plain.weights == dict(zip(plain.expert_names, plain._hedge.weights.tolist(), strict=True))
    w1, w2 = picked._hedge.weights, picked._pick.weights  # type: ignore[union-attr]
    expected = w2[0] * w1 + w2[1:]
    assert np.allclose(list(picked.weights.values()), expected) and math.isclose(sum(expected), 1.0)
    mix = picked.predict_proba_many(x[:20])
    members = picked._forward(picked._encode(x[:20]))[0]
    assert np.allclose(mix, np.einsum("k,nkc->nc", expected, members), atol=1e-5)


def test_share_hedge_is_fixed_share() -> None:
    """A batch's update is exponential weights on its summed losses, then ``1 - (1 - share) ** n`` of the weight spread
    evenly; ``drift`` spreads ``drift_share``."""
    rng = np.random.default_rng(0)
    h = ShareHedge(4, eta=0.5, share=1e-3, drift_share=0.25)
    w = np.full(4, 0.25)
    for n in (8, 3, 8):
        losses = (rng.random((n, 4)) < [0.1, 0.3, 0.5, 0.2]).astype(float)
        h.update(losses)
        w = w * np.exp(-0.5 * losses.sum(0))
        a = 1.0 - (1.0 - 1e-3) ** n
        w = (1.0 - a) * w / w.sum() + a / 4
        assert np.allclose(h.weights, w) and np.array_equal(h.weights32, w.astype(np.float32))
    h.drift()
    assert np.allclose(h.weights, 0.75 * w + 0.25 / 4) and math.isclose(h.weights.sum(), 1.0)
    for kwargs, words in [
        ({"share": 0.0}, "share must be a number in (0.0, 1.0), got 0.0"),
        ({"drift_share": -0.1}, "drift_share must be a number in [0.0, 1.0], got -0.1"),
    ]:
        with pytest.raises(ValueError, match=re.escape(words)):
            ShareHedge(4, **kwargs)  # type: ignore[arg-type]


def test_share_hedge_settles_on_a_steady_leader_and_hands_over_after_a_change() -> None:
    """Undiscounted, a leader's weight settles near 1; the share lets a new leader take over within about
    ``ln(n_experts / share) / eta`` mistakes of its lead, where plain undiscounted Hedge holds the past for about as
    long as it lasted; ``drift`` shortens the hand-over."""

    def hand_over(h: Hedge | ShareHedge, drift: bool = False) -> tuple[float, int]:
        for i in range(10_000):  # expert 0 never errs, expert 1 on every tenth sample, expert 2 always
            h.update(np.array([[0.0, float(i % 10 == 0), 1.0]]))
        lead = float(h.weights[0])
        if drift:
            assert isinstance(h, ShareHedge)
            h.drift()
        samples = 0
        while h.weights[1] <= h.weights[0]:  # then expert 0 errs on every sample, expert 1 on none
            h.update(np.array([[1.0, 0.0, 1.0]]))
            samples += 1
        return lead, samples

    lead, samples = hand_over(ShareHedge(3, eta=0.5, share=1e-4, drift_share=0.5))
    assert lead > 0.998 and 5 <= samples <= math.log(3 / 1e-4) / 0.5
    assert hand_over(ShareHedge(3, eta=0.5, share=1e-4, drift_share=0.5), drift=True)[1] <= math.log(3 / 0.5) / 0.5
    assert hand_over(Hedge(3, eta=0.5, decay=1.0))[1] > 900


def test_second_hedge_is_fixed_share_and_spreads_its_weight_at_a_detected_drift() -> None:
    """The second Hedge is a :class:`ShareHedge` over the log-loss mixture and every member, with ``pick_share`` and
    ``pick_drift_share`` (by default 1e-4 and 0.5); each detected drift calls its ``drift``; ``pick_eta=None`` leaves
    it out."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, (4000, 2)).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64)
    y[2000:] = 1 - y[2000:]
    m = AutoClassifier(seed=0, pick_share=2e-4, pick_drift_share=0.3)
    pick = m._pick
    assert isinstance(pick, ShareHedge) and pick.n_experts == len(m.expert_names) + 1
    assert (pick.share, pick.drift_share, pick.eta) == (2e-4, 0.3, 0.5)
    spread = []
    drift = pick.drift

    def counted() -> None:
        spread.append(pick.weights.copy())
        drift()

    pick.drift = counted  # type: ignore[method-assign]
    _prequential(m, x[:2000], y[:2000], chunk=8)
    assert m.n_drifts == 0 and not spread
    for i in range(2000, len(y), 8):  # the labels flip: a drift
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
        if m.n_drifts:
            break
    assert m.n_drifts == len(spread) == 1
    assert np.allclose(pick.weights, 0.7 * spread[0] + 0.3 / pick.n_experts)
    assert AutoClassifier(seed=0, pick_eta=None, pick_share=2e-4)._pick is None
    default = AutoClassifier(seed=0)._pick
    assert isinstance(default, ShareHedge) and (default.share, default.drift_share) == (1e-4, 0.5)


def test_bad_sgd_members_raise_clear_errors() -> None:
    from archgym.online.linear import SGDLinear

    with pytest.raises(ValueError, match=r"SGDLinear.average must be a number in \[0.0, 1.0\), got 1.0"):
        SGDLinear(average=1.0)
    with pytest.raises(ValueError, match=r"SGDLinear.lr must be a number in \(0.0, 1.0\]"):
        SGDLinear(lr=0.0)


# ---------------------------------------------------------------------------- burst test
def test_error_burst_fires_on_a_sudden_rise_and_not_on_a_steady_noisy_rate() -> None:
    rng = np.random.default_rng(0)
    steady = ErrorBurst()
    alarms = sum(steady.update(int((rng.random(8) < 0.2).sum()), 8) for _ in range(20_000))
    assert alarms == 0 and steady.rate == pytest.approx(0.2, abs=0.02)  # 160,000 samples at a 20 % error rate
    jump = ErrorBurst()
    for _ in range(200):
        assert not jump.update(int((rng.random(8) < 0.01).sum()), 8)
    fired = [jump.update(int((rng.random(8) < 0.4).sum()), 8) for _ in range(6)]
    assert any(fired[:3]), fired  # 0.01 -> 0.4: seen within 24 samples
    assert sum(fired) == 1  # then quiet while the rise is still in the window
    early = ErrorBurst(warmup=500)
    assert not any(early.update(8, 8) for _ in range(62))  # nothing is tested before 500 samples


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"delta": 0.0}, "delta must be a number in (0.0, 1.0)"), ({"window": 0}, "window must be an int >= 1"),
     ({"floor": 1.0}, "floor must be a number in (0.0, 1.0)")],
)  # fmt: skip
def test_error_burst_bad_settings(kwargs: dict, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        ErrorBurst(**kwargs)


def _first_drift(x: np.ndarray, y: np.ndarray, **kwargs: Any) -> int:
    """The samples learned when ``AutoClassifier(seed=0, **kwargs)`` first detects a drift, chunks of 8 (never:
    ``len(y) + 1``)."""
    m = AutoClassifier(seed=0, **kwargs)
    for i in range(0, len(y), 8):
        m.predict_many(x[i : i + 8])
        m.learn_many(x[i : i + 8], y[i : i + 8])
        if m.n_drifts:
            return i + 8
    return len(y) + 1


def test_burst_test_sees_an_abrupt_flip_sooner_than_adwin() -> None:
    """A learned concept whose labels flip: the burst test reacts within a few chunks, ADWIN alone much later."""
    x, y = _xor(4000, seed=5)
    y[3000:] = 1 - y[3000:]
    burst = _first_drift(x, y, burst_delta=1e-4, shift_delta=None)
    assert 3000 < burst <= 3000 + 32
    assert _first_drift(x, y, burst_delta=None, shift_delta=None) > burst + 32
    with pytest.raises(ValueError, match=re.escape("burst_delta must be a number in (0.0, 1.0)")):
        AutoClassifier(burst_delta=2.0)


def test_shift_test_sees_a_partial_rise_and_not_a_steady_noisy_rate() -> None:
    """The shift test (64 samples, delta 1e-5): no alarm over 160,000 samples at a steady 25 % error rate; a rise
    from 2 % to 30 % (a concept changed in part of its inputs) seen within 120 samples in each of 30 random
    sequences, where the burst test (16 samples, delta 1e-4) misses some."""
    rng = np.random.default_rng(0)
    steady = ErrorBurst(delta=1e-5, window=SHIFT_WINDOW)
    assert sum(steady.update(int((rng.random(8) < 0.25).sum()), 8) for _ in range(20_000)) == 0
    shift_seen = burst_seen = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        shift, burst = ErrorBurst(delta=1e-5, window=SHIFT_WINDOW), ErrorBurst(delta=1e-4)
        for _ in range(200):
            errors = int((rng.random(8) < 0.02).sum())
            assert not shift.update(errors, 8)
            burst.update(errors, 8)
        rise = [int((rng.random(8) < 0.3).sum()) for _ in range(15)]
        shift_seen += any([shift.update(errors, 8) for errors in rise])
        burst_seen += any([burst.update(errors, 8) for errors in rise])
    assert shift_seen == 30 and burst_seen < 30, (shift_seen, burst_seen)


def test_shift_test_sees_a_change_in_part_of_the_inputs_sooner_than_adwin() -> None:
    """A learned XOR whose labels flip in one quadrant only (a quarter of the samples): with the shift test the
    first drift is detected within 200 samples of the change, with ADWIN alone (no burst test either) 200 samples
    later or never."""
    x, y = _xor(6000, seed=7)
    quadrant = (x[:, 0] > 0) & (x[:, 1] > 0)
    y[3000:] = np.where(quadrant[3000:], 1 - y[3000:], y[3000:])
    shift = _first_drift(x, y, burst_delta=None, shift_delta=1e-5)
    assert 3000 < shift <= 3000 + 200
    assert _first_drift(x, y, burst_delta=None, shift_delta=None) > shift + 200
    with pytest.raises(ValueError, match=re.escape("shift_delta must be a number in (0.0, 1.0)")):
        AutoClassifier(shift_delta=0.0)
