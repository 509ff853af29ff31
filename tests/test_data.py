"""archgym.data: registry, sources (built-in, in-process, files, torchvision layouts), splits, scaling, errors."""

from __future__ import annotations

import json
import os
import pickle
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

import archgym.data as data
from archgym.data import (
    DATASETS,
    Dataset,
    apply_preprocessing,
    describe_dataset,
    load_dataset,
    register_dataset,
    unknown_name,
    unregister_dataset,
)
from archgym.data import mnist1d as m1d
from archgym.data.load import _stratified_split, _train_val_split
from archgym.data.registry import ENV_VAR
from archgym.data.torchvision_layouts import read_idx
from tests.fake_datasets import write_idx_layout

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- loaders used by name
def tiny_loader(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """An importable loader: ``tests.test_data:tiny_loader`` (two classes, 5 features)."""
    rng = np.random.default_rng(0)
    y = np.arange(n) % 2
    return (rng.normal(size=(n, 5)) + y[:, None]).astype(np.float32), y


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg, msg
    assert len(msg) < 400, msg
    assert "array(" not in msg and "tensor(" not in msg, msg
    return msg


@pytest.fixture
def clean_env() -> Iterator[None]:
    """Registry and ARCHGYM_DATASETS restored after the test."""
    saved_env = os.environ.pop(ENV_VAR, None)
    saved = dict(DATASETS)
    yield
    DATASETS.clear()
    DATASETS.update(saved)
    os.environ.pop(ENV_VAR, None)
    if saved_env is not None:
        os.environ[ENV_VAR] = saved_env


# --------------------------------------------------------------------------- registry
def test_builtin_names_and_did_you_mean() -> None:
    names = data.dataset_names()
    for n in ("digits", "synthetic", "mnist1d", "mnist", "fashion_mnist", "kmnist", "cifar10"):
        assert n in names
    with pytest.raises(ValueError) as e:
        load_dataset("digit")
    msg = _one_line(e)
    assert "did you mean 'digits'?" in msg and "valid: digits, synthetic, mnist1d" in msg
    assert str(unknown_name("x", np.zeros((500, 500)), ["a"])) == "unknown x array (500, 500) float64; valid: a"
    assert str(unknown_name("key(s)", ["size"], ["kernel"])) == "unknown key(s) ['size']; valid: kernel"


def test_register_callable_string_overwrite_and_unregister(clean_env: None) -> None:
    register_dataset("tiny", tiny_loader)
    assert os.environ[ENV_VAR] == "tiny=tests.test_data:tiny_loader"  # importable: exported for workers
    ds = load_dataset("TINY", seed=0)
    assert ds.name == "tiny" and ds.input_shape == (5,) and ds.num_classes == 2
    register_dataset("tiny", "tests.test_data:tiny_loader")  # the same loader again: a no-op
    with pytest.raises(ValueError, match="already registered; pass overwrite=True"):
        register_dataset("tiny", lambda: tiny_loader(10))
    register_dataset("tiny", lambda: tiny_loader(30), overwrite=True)  # not importable: not exported
    assert ENV_VAR not in os.environ
    assert len(load_dataset("tiny", test_fraction=0.2).y_test) == 6
    unregister_dataset("tiny")
    with pytest.raises(ValueError, match="unknown dataset 'tiny'"):
        load_dataset("tiny")
    for bad, match in (("", "bad dataset name"), ("a:b", "bad dataset name"), (3, "must be a string")):
        with pytest.raises(ValueError, match=match) as e:
            register_dataset(bad, tiny_loader)  # type: ignore[arg-type]
        _one_line(e)
    with pytest.raises(ValueError, match="must be callable") as e:
        register_dataset("x", np.zeros(3))  # type: ignore[arg-type]
    _one_line(e)
    with pytest.raises(ValueError, match=r"write 'package\.module:function'"):
        register_dataset("x", "not a loader")


def test_loader_strings_and_options(clean_env: None) -> None:
    ds = load_dataset("tests.test_data:tiny_loader", options={"n": 60})
    assert ds.name == "tests.test_data:tiny_loader" and len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 60
    with pytest.raises(ValueError) as e:
        load_dataset("tests.test_data:nope")
    assert "has no attribute 'nope'" in _one_line(e)
    with pytest.raises(ValueError) as e:
        load_dataset("no_such_pkg.mod:load")
    assert "cannot import module 'no_such_pkg.mod'" in _one_line(e)
    with pytest.raises(ValueError) as e:
        load_dataset("digits", data_root="/tmp")
    assert _one_line(e) == "dataset 'digits' takes no option 'data_root'; its options: none"
    with pytest.raises(ValueError) as e:
        load_dataset("tests.test_data:tiny_loader", options={"size": 3})
    assert "its options: n" in _one_line(e)


def test_legacy_patch_of_DATASETS(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old extension point: a loader returning (x, y, image_shape) put straight into DATASETS."""
    x, y = tiny_loader(40)
    x16 = np.repeat(x, 4, axis=1)[:, :16]
    monkeypatch.setitem(DATASETS, "legacy", lambda: (x16, y, (1, 4, 4)))
    assert load_dataset("legacy", image=True).input_shape == (1, 4, 4)


def test_names_and_strings_work_in_a_subprocess(clean_env: None) -> None:
    register_dataset("tiny-sub", "tests.test_data:tiny_loader")
    code = (
        "from archgym.data import load_dataset\n"
        "a = load_dataset('tiny-sub', seed=3)\n"  # registered in the parent: known through ARCHGYM_DATASETS
        "b = load_dataset('tests.test_data:tiny_loader', seed=3)\n"
        "c = load_dataset('shell_named', seed=3)\n"
        "print(tuple(a.x_train.shape), float(a.x_train.sum()), float(b.x_train.sum()), c.name)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    env[ENV_VAR] += ",shell_named=tests.test_data:tiny_loader"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    here = load_dataset("tiny-sub", seed=3)
    assert out.stdout.split() == [
        *str(tuple(here.x_train.shape)).split(),
        str(float(here.x_train.sum())),
        str(float(here.x_train.sum())),
        "shell_named",
    ]


# --------------------------------------------------------------------------- digits / synthetic
def test_digits_split_scaling_and_layouts() -> None:
    ds = load_dataset("digits", seed=0)
    assert (tuple(ds.x_train.shape), len(ds.y_val), len(ds.y_test)) == ((1078, 64), 359, 360)
    assert ds.x_train.dtype == torch.float32 and ds.y_train.dtype == torch.int64 and not ds.needs_normalize
    assert ds.normalize(ds.x_val) is ds.x_val
    assert torch.allclose(ds.x_train.mean(0), torch.zeros(64), atol=1e-5)
    # stratified: every class in every split, in proportion
    for y in (ds.y_train, ds.y_val, ds.y_test):
        counts = torch.bincount(y, minlength=10).float()
        assert counts.min() > 0.8 * counts.mean()
    assert load_dataset("digits", image=True).input_shape == (1, 8, 8)
    assert load_dataset("digits", layout="image").input_shape == (1, 8, 8)
    seq = load_dataset("digits", layout="sequence")
    assert seq.input_shape == (1, 64) and seq.layout == "sequence"
    assert torch.equal(seq.x_train.reshape(len(seq.x_train), -1), ds.x_train)
    assert not torch.equal(load_dataset("digits", seed=1).y_train, ds.y_train)
    assert torch.equal(load_dataset("digits", seed=0).x_test, ds.x_test)
    syn = load_dataset("synthetic", image=True)
    assert syn.input_shape == (1, 4, 4) and syn.num_classes == 4
    assert len(load_dataset("digits", train_subset=100).y_train) == 100


def test_digits_preprocessing_reproduces_the_tensors_from_raw_inputs() -> None:
    from sklearn.datasets import load_digits

    ds = load_dataset("digits", seed=4, layout="image")
    pre = json.loads(json.dumps(ds.preprocessing()))  # survives JSON exactly
    assert pre["input_shape"] == [1, 8, 8] and pre["dtype"] == "float32" and pre["dataset"] == "digits"
    raw = load_digits()
    _, _, te = _stratified_split(raw.target, (0.6, 0.2), np.random.default_rng(4))
    got = apply_preprocessing(pre, raw.data[te].reshape(-1, 8, 8))  # raw 0-16 pixels, float64, any shape
    assert torch.equal(got, ds.x_test)
    net = torch.nn.Sequential(data.Preprocessing.from_dict(pre).as_module(), torch.nn.Flatten())
    assert torch.equal(net(torch.from_numpy(raw.data[te])), ds.x_test.flatten(1))  # a child taking raw inputs
    assert set(net.state_dict()) == {"0.mean", "0.std"}
    with pytest.raises(ValueError) as e:
        apply_preprocessing(pre, raw.data[:3, :60])
    assert "do not fit input_shape (1, 8, 8)" in _one_line(e)


# --------------------------------------------------------------------------- in-process data
def test_arrays_numpy_and_tensors_uint8_stays_uint8() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(200, 3, 6, 6), dtype=np.uint8)
    y = np.arange(200) % 4
    ds = load_dataset((torch.from_numpy(x), torch.from_numpy(y)), layout="image", seed=1)
    assert ds.x_train.dtype == torch.uint8 and ds.input_shape == (3, 6, 6) and ds.needs_normalize
    xb = ds.normalize(ds.x_train)
    assert xb.dtype == torch.float32
    per_channel = xb.transpose(0, 1).reshape(3, -1)
    assert torch.allclose(per_channel.mean(1), torch.zeros(3), atol=1e-5)
    assert torch.allclose(per_channel.std(1, unbiased=False), torch.ones(3), atol=1e-5)
    assert ds.normalize(xb) is xb  # floats pass through: a trainer may normalise every batch
    assert torch.equal(ds.split("val", normalized=True)[0], ds.normalize(ds.x_val))
    # converted once instead: the same numbers
    f = load_dataset((x, y), layout="image", seed=1, keep_uint8=False)
    assert f.x_train.dtype == torch.float32 and not f.needs_normalize
    assert torch.equal(f.x_train, xb)
    # flat and sequence layouts of the same images; per-channel stats follow the layout
    flat = load_dataset((x, y), seed=1)
    assert flat.input_shape == (108,) and torch.equal(flat.normalize(flat.x_train), xb.reshape(len(xb), -1))
    seq = load_dataset((x, y), seed=1, layout="sequence")
    assert seq.input_shape == (3, 36) and torch.equal(seq.normalize(seq.x_train), xb.reshape(len(xb), 3, 36))


def test_uint8_preprocessing_applies_to_raw_inputs_exactly() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 256, size=(120, 1, 40), dtype=np.uint8), np.arange(120) % 3
    xt, yt = rng.integers(0, 256, size=(30, 1, 40), dtype=np.uint8), np.arange(30) % 3
    ds = load_dataset((x, y, xt, yt), layout="sequence")
    pre = json.loads(json.dumps(ds.preprocessing()))
    assert pre["dtype"] == "uint8" and pre["input_shape"] == [1, 40] and np.ndim(pre["mean"]) == 0
    assert torch.equal(ds.y_test, torch.from_numpy(yt))  # the official test split, in order
    assert torch.equal(apply_preprocessing(pre, xt), ds.normalize(ds.x_test))


def test_official_test_split_stays_and_validation_is_stratified_and_seeded() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(300, 8)).astype(np.float32), np.repeat(np.arange(3), 100)
    xt, yt = rng.normal(size=(50, 8)).astype(np.float32), np.arange(50) % 3
    ds = load_dataset((x, y, xt, yt), seed=5, val_fraction=0.2)
    assert len(ds.y_test) == 50 and torch.equal(ds.y_test, torch.from_numpy(yt))
    assert torch.bincount(ds.y_val).tolist() == [20, 20, 20] and len(ds.y_train) == 240
    # test scaled with the training statistics, not its own
    tr, _ = _train_val_split(y, 0.2, np.random.default_rng(5))
    m, s = x[tr].mean(0), x[tr].std(0)
    assert torch.equal(ds.x_test, torch.from_numpy((xt - m) / s))
    again = load_dataset((x, y, xt, yt), seed=5)
    other = load_dataset((x, y, xt, yt), seed=6)
    assert torch.equal(again.x_val, ds.x_val) and not torch.equal(other.x_val, ds.x_val)
    with pytest.raises(ValueError) as e:
        load_dataset((x, y, xt, yt), test_fraction=0.1)
    assert "has an official test split; test_fraction does not apply" in _one_line(e)


class _PairDataset(torch.utils.data.Dataset):
    def __init__(self, n: int, pil: bool = False) -> None:
        self.n, self.pil = n, pil

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[object, object]:
        img = np.full((4, 5, 3), i, dtype=np.uint8)  # HWC
        if self.pil:
            from PIL import Image

            return Image.fromarray(img), i % 2
        return torch.from_numpy(img).permute(2, 0, 1).float() / 255, torch.tensor(i % 2)


def test_map_style_torch_datasets() -> None:
    ds = load_dataset(_PairDataset(40), layout="image")
    assert ds.input_shape == (3, 4, 5) and ds.x_train.dtype == torch.float32 and ds.num_classes == 2
    pil = load_dataset(_PairDataset(40, pil=True), layout="image", seed=0)
    assert pil.input_shape == (3, 4, 5) and pil.x_train.dtype == torch.uint8  # PIL HWC -> CHW, uint8 kept
    td = torch.utils.data.TensorDataset(torch.randn(30, 6), torch.arange(30) % 3)
    assert load_dataset(td).input_shape == (6,)


def test_string_labels_become_classes() -> None:
    x = np.random.default_rng(0).normal(size=(60, 3))
    y = np.array(["cat", "dog", "emu"] * 20)
    ds = load_dataset((x, y))
    assert ds.classes == ("cat", "dog", "emu") and ds.num_classes == 3
    assert ds.preprocessing()["classes"] == ["cat", "dog", "emu"]


# --------------------------------------------------------------------------- files
def test_npz_and_csv_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 256, size=(50, 1, 10), dtype=np.uint8), np.arange(50) % 5
    np.savez(tmp_path / "d.npz", x=x, y=y, x_test=x[:10], y_test=y[:10])
    ds = load_dataset(tmp_path / "d.npz", layout="sequence")
    assert ds.x_train.dtype == torch.uint8 and ds.input_shape == (1, 10) and len(ds.y_test) == 10
    assert load_dataset(str(tmp_path / "d.npz")).input_shape == (10,)
    rows = ["f1,f2,f3,label"] + [f"{i},{i % 3},{-i},{'ab'[i % 2]}" for i in range(30)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    c = load_dataset(tmp_path / "d.csv")
    assert c.input_shape == (3,) and c.classes == ("a", "b")
    (tmp_path / "plain.csv").write_text("\n".join(f"{i},{i * 2},{i % 2}" for i in range(20)) + "\n")
    p = load_dataset(tmp_path / "plain.csv", test_fraction=0.25)
    assert p.input_shape == (2,) and p.num_classes == 2 and len(p.y_test) == 4  # 2 of each 10-sample class
    (tmp_path / "named.csv").write_text("a,b,c\n" + "".join(f"{i},{i % 3},{i * 0.5}\n" for i in range(30)))
    named = load_dataset(tmp_path / "named.csv", options={"label": "b"})
    assert named.num_classes == 3 and named.input_shape == (2,)
    assert load_dataset(tmp_path / "named.csv", options={"label": 1}).num_classes == 3


def test_file_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "nope.npz")
    assert _one_line(e) == f"dataset file '{tmp_path / 'nope.npz'}' does not exist"
    with pytest.raises(ValueError) as e:
        load_dataset(str(tmp_path / "nope.parquet"))
    assert _one_line(e) == f"dataset file '{tmp_path / 'nope.parquet'}' does not exist"
    (tmp_path / "x.parquet").write_bytes(b"")
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "x.parquet")
    assert "unsupported data file" in _one_line(e) and "valid suffixes: .npz, .csv" in str(e.value)
    np.savez(tmp_path / "bad.npz", data2=np.zeros(3))
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "bad.npz")
    assert "needs arrays 'x' and 'y'" in _one_line(e) and "found keys: data2" in str(e.value)
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}] * 4, dtype=object), y=np.zeros(4))
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "obj.npz")
    assert "object arrays" in _one_line(e)
    (tmp_path / "ragged.csv").write_text("1,2,0\n3,1\n")
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "ragged.csv")
    assert "row 2 has 2 columns" in _one_line(e)
    (tmp_path / "word.csv").write_text("a,b,y\n1,2,0\nx,2,1\n")
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "word.csv")
    assert "feature column 'a' holds a non-number in data row 2" in _one_line(e)
    with pytest.raises(ValueError) as e:
        load_dataset(tmp_path / "word.csv", options={"label": "z"})
    assert "no column 'z'; columns: a, b, y" in _one_line(e)


# --------------------------------------------------------------------------- torchvision layouts
def _write_idx_layout(root: Path, folder: str, n: int, n_test: int, gz: bool) -> tuple[np.ndarray, ...]:
    return write_idx_layout(root, folder, n, n_test, gz=gz, seed=len(folder))


@pytest.mark.parametrize(
    ("name", "folder", "gz"),
    [("mnist", "MNIST", True), ("FashionMNIST", "FashionMNIST", False), ("kmnist", "KMNIST", True)],
)
def test_idx_layouts_read_offline(tmp_path: Path, name: str, folder: str, gz: bool) -> None:
    x, y, xt, yt = _write_idx_layout(tmp_path, folder, 100, 20, gz)
    ds = load_dataset(name, data_root=tmp_path, layout="image", seed=0)
    assert ds.x_train.dtype == torch.uint8 and ds.input_shape == (1, 28, 28) and ds.num_classes == 10
    assert torch.equal(ds.x_test, torch.from_numpy(xt[:, None])) and torch.equal(ds.y_test, torch.from_numpy(yt).long())
    assert len(ds.y_train) == 80 and torch.bincount(ds.y_val).tolist() == [2] * 10
    got = {bytes(r) for r in ds.x_train.reshape(len(ds.x_train), -1).numpy()}
    assert got <= {bytes(r) for r in x.reshape(100, -1)}
    assert ds.preprocessing()["dtype"] == "uint8" and ds.preprocessing()["layout"] == "image"
    if folder == "FashionMNIST":
        assert ds.classes is not None and ds.classes[9] == "Ankle boot"


def test_idx_missing_and_corrupt_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHGYM_DATA_ROOT", str(tmp_path))
    with pytest.raises(ValueError) as e:
        load_dataset("mnist")
    msg = _one_line(e)
    assert f"MNIST files missing in '{tmp_path / 'MNIST' / 'raw'}'" in msg and "train-images-idx3-ubyte[.gz]" in msg
    _write_idx_layout(tmp_path, "MNIST", 20, 10, gz=False)
    bad = tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    bad.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x0b" + bytes(10))  # header says 11, 10 given
    with pytest.raises(ValueError) as e:
        load_dataset("mnist")
    assert "needs 11" in _one_line(e)
    bad.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ValueError, match="bad magic number"):
        read_idx(bad)


def _write_cifar(root: Path, per_batch: int, py2_keys: bool) -> tuple[np.ndarray, ...]:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(9)

    def key(k: str) -> str | bytes:
        return k.encode() if py2_keys else k

    xs, ys = [], []
    for i in range(1, 7):
        x = rng.integers(0, 256, size=(per_batch, 3072), dtype=np.uint8)
        y = [int(v) for v in np.arange(per_batch) % 10]
        name = f"data_batch_{i}" if i <= 5 else "test_batch"
        with open(folder / name, "wb") as fh:
            pickle.dump({key("batch_label"): key(name), key("data"): x, key("labels"): y}, fh, protocol=2)
        xs.append(x)
        ys.append(np.array(y))
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({key("label_names"): [key(n) for n in names], key("num_vis"): 3072}, fh, protocol=2)
    return np.concatenate(xs[:5]), np.concatenate(ys[:5]), xs[5], ys[5]


@pytest.mark.parametrize("py2_keys", [True, False])
def test_cifar10_pickles_read_offline(tmp_path: Path, py2_keys: bool) -> None:
    x, y, xt, yt = _write_cifar(tmp_path, 20, py2_keys)
    ds = load_dataset("cifar10", data_root=tmp_path, layout="image")
    assert ds.x_train.dtype == torch.uint8 and ds.input_shape == (3, 32, 32)
    assert len(ds.y_train) + len(ds.y_val) == 100 and len(ds.y_test) == 20
    assert torch.equal(ds.x_test, torch.from_numpy(xt.reshape(-1, 3, 32, 32)))
    assert ds.classes is not None and ds.classes[0] == "airplane"
    pre = ds.preprocessing()
    assert np.shape(pre["mean"]) == (3, 1, 1)  # per channel
    assert torch.equal(apply_preprocessing(pre, xt), ds.normalize(ds.x_test))


def test_cifar10_refuses_code_in_pickles_and_names_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as e:
        load_dataset("cifar10", data_root=tmp_path)
    assert "CIFAR-10 files missing in" in _one_line(e) and "data_batch_1" in str(e.value)
    _write_cifar(tmp_path, 10, py2_keys=True)

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("echo pwned",))

    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as fh:
        pickle.dump({"data": Evil()}, fh)
    with pytest.raises(ValueError) as e:
        load_dataset("cifar10", data_root=tmp_path)
    assert "refusing to load" in _one_line(e)


def _fake_torchvision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    pkg = tmp_path / "fake_site" / "torchvision"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(body)
    for mod in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.syspath_prepend(str(tmp_path / "fake_site"))


def test_download_reports_a_torchvision_that_does_not_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_torchvision(tmp_path, monkeypatch, 'raise RuntimeError("operator torchvision::nms does not exist")\n')
    with pytest.raises(ValueError) as e:
        load_dataset("fashion_mnist", data_root=tmp_path / "root", download=True)
    msg = _one_line(e)
    assert "download=True needs torchvision" in msg and "RuntimeError: operator torchvision::nms does not exist" in msg
    assert str(tmp_path / "root" / "FashionMNIST" / "raw") in msg


def test_download_goes_through_torchvision_then_reads_with_numpy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in torchvision whose MNIST(root, train, download) writes the real layout."""
    _fake_torchvision(
        tmp_path,
        monkeypatch,
        "import numpy as np, types, sys\n"
        "from tests.test_data import _write_idx_layout\n"
        "datasets = types.ModuleType('torchvision.datasets')\n"
        "class MNIST:\n"
        "    def __init__(self, root, train=True, download=False):\n"
        "        from pathlib import Path\n"
        "        if download and train:\n"
        "            _write_idx_layout(Path(root), 'MNIST', 30, 10, gz=True)\n"
        "datasets.MNIST = MNIST\n"
        "sys.modules['torchvision.datasets'] = datasets\n",
    )
    ds = load_dataset("mnist", data_root=tmp_path / "root", download=True)
    assert ds.input_shape == (784,) and ds.x_train.dtype == torch.uint8 and len(ds.y_test) == 10


# --------------------------------------------------------------------------- mnist1d
def test_mnist1d_offline_cached_and_global_rng_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHGYM_CACHE", str(tmp_path))
    random.seed(123)
    np.random.seed(123)
    py_state, np_state = random.getstate(), np.random.get_state()
    ds = load_dataset("mnist1d", options={"num_samples": 200}, layout="sequence")
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1]) and after[2:] == np_state[2:]
    assert ds.input_shape == (1, 40) and ds.x_train.dtype == torch.float32 and ds.num_classes == 10
    assert len(ds.y_test) == 40 and len(ds.y_train) + len(ds.y_val) == 160  # the package's 80/20 split
    cached = list((tmp_path / "mnist1d").glob("mnist1d-200-*.npz"))
    assert len(cached) == 1 and not list((tmp_path / "mnist1d").glob(".*.tmp"))
    # equal to the package's own generator (same default args)
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples = 200
    ref = make_dataset(args)
    raw = m1d.load(num_samples=200)
    assert np.array_equal(raw.x_test, ref["x_test"].astype(np.float32)) and np.array_equal(raw.y, ref["y"])
    # the second load reads the cache: generating again would fail here
    monkeypatch.setattr(m1d, "_generate", lambda args: pytest.fail("regenerated despite the cache"))
    flat = load_dataset("mnist1d", options={"num_samples": 200})
    assert flat.input_shape == (40,) and torch.equal(flat.x_test, ds.x_test.reshape(-1, 40))
    with pytest.raises(ValueError) as e:
        load_dataset("mnist1d", layout="image", options={"num_samples": 200})
    assert "layout 'image' needs (C, H, W) samples; valid here: flat, sequence" in _one_line(e)


def test_mnist1d_damaged_cache_and_bad_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHGYM_CACHE", str(tmp_path))
    path = m1d._cache_file(m1d.generation_args(num_samples=100))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an npz")
    raw = m1d.load(num_samples=100)
    assert raw.x.shape == (80, 40) and raw.shape == (1, 40)
    assert m1d._read_cache(path) is not None  # rewritten
    with pytest.raises(ValueError) as e:
        load_dataset("mnist1d", options={"samples": 10})
    assert "unknown mnist1d option 'samples'; valid:" in _one_line(e) and "num_samples" in str(e.value)
    with pytest.raises(ValueError, match="num_samples must be an int >= 20"):
        m1d.load(num_samples=5)


# --------------------------------------------------------------------------- bad input, descriptions
@pytest.mark.parametrize(
    ("spec", "kwargs", "expect"),
    [
        (42, {}, "got int"),
        (np.zeros((10, 4)), {}, "got array (10, 4) float64 alone; pass (X, y)"),
        ((np.zeros((10, 4)), np.zeros(9)), {}, "X has 10 samples but y has 9"),
        ((np.full((10, 4), np.nan), np.zeros(10)), {}, "holds 40 non-finite values"),
        ((np.zeros(10), np.zeros(10)), {}, "X must have shape (N, F), (N, C, L) or (N, C, H, W); got array (10,)"),
        ((np.zeros((10, 2, 2, 2, 2)), np.zeros(10)), {}, "got (2, 2, 2, 2)"),
        ((np.zeros((10, 4)), np.eye(10)), {}, "one-hot? pass y.argmax(1)"),
        ((np.zeros((10, 4)), -np.ones(10)), {}, "class indices >= 0"),
        ((np.zeros((10, 4)), np.full(10, 0.5)), {}, "integer class indices"),
        ((np.array([["a"] * 4] * 10), np.zeros(10)), {}, "must be numeric (uint8 or float), got array (10, 4) <U1"),
        ((np.zeros((10, 4)),), {}, "got a tuple of 1"),
        ((np.zeros((10, 4)), np.arange(10) % 2), {"options": {"a": 1}}, "not to in-process data"),
        ("digits", {"val_fraction": np.zeros((100, 100))}, "val_fraction must be in (0, 1), got array (100, 100)"),
        ("digits", {"val_fraction": 0.5, "test_fraction": 0.5}, "val_fraction + test_fraction must be < 1"),
        ("digits", {"train_subset": 1}, "train_subset must be an int >= 2 or None"),
        ("digits", {"layout": "imag"}, "unknown layout 'imag'; did you mean 'image'?"),
        ("digits", {"image": True, "layout": "flat"}, "image=True contradicts layout='flat'"),
        ("digits", {"seed": "0"}, "seed must be an int >= 0, got str"),
        ("digits", {"seed": -1}, "seed must be an int >= 0, got -1"),
        ("digits", {"options": [1]}, "options must be a dict, got list of 1"),
        ("digits", {"device": "tpu"}, "unknown device 'tpu'"),
        ((np.zeros((4, 3)), np.arange(4) % 2), {}, "leaves the validation split empty"),
        (torch.utils.data.TensorDataset(torch.zeros(5, 2)), {}, "items must be (x, y) pairs"),
    ],
)
def test_bad_input_is_one_clear_line(spec: object, kwargs: dict, expect: str) -> None:
    with pytest.raises(ValueError) as e:
        load_dataset(spec, **kwargs)
    assert expect in _one_line(e)


def test_describe_dataset_and_repr() -> None:
    x = np.zeros((1000, 1, 40), np.uint8)
    assert describe_dataset(x) == "array (1000, 1, 40) uint8"
    assert describe_dataset((torch.zeros(5, 3), torch.zeros(5, dtype=torch.long))) == (
        "(X, y): tensor (5, 3) float32, tensor (5,) int64"
    )
    assert describe_dataset("digits") == "dataset 'digits'"
    assert describe_dataset("a/b.npz") == "file 'a/b.npz'"
    assert describe_dataset("pkg.mod:fn") == "loader 'pkg.mod:fn'"
    assert describe_dataset(_PairDataset(7)) == "torch Dataset _PairDataset of 7 items"
    ds = load_dataset("synthetic")
    assert repr(ds) == "Dataset('synthetic': train (359, 16) float32, val 119, test 122, 4 classes, flat, cpu)"
    assert describe_dataset(ds) == repr(ds)


def test_dataset_to_and_bad_preprocessing_dicts() -> None:
    ds = load_dataset((np.full((30, 2, 3), 7, np.uint8), np.arange(30) % 2), layout="sequence")
    moved = ds.to("cpu")
    assert isinstance(moved, Dataset) and moved.batch_mean is not None and moved.needs_normalize
    with pytest.raises(ValueError) as e:
        ds.split("dev")
    assert _one_line(e) == "unknown split 'dev'; valid: train, val, test"
    for bad, expect in (
        ({"mean": 0, "std": 1}, "lacks 'input_shape'"),
        ({"input_shape": [3], "mean": [1, 2], "std": 1}, "do not broadcast to input_shape (3,)"),
        ({"input_shape": [2], "mean": 0, "std": 0}, "std finite and > 0"),
        ({"format": "other/9", "input_shape": [2], "mean": 0, "std": 1}, "unknown preprocessing format"),
        (np.zeros(3), "preprocessing must be a dict, got array (3,) float64"),
    ):
        with pytest.raises(ValueError) as e:
            apply_preprocessing(bad, np.zeros((1, 2)))  # type: ignore[arg-type]
        assert expect in _one_line(e)
