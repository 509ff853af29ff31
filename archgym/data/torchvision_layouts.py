"""torchvision's on-disk layouts, read with numpy: MNIST, FashionMNIST, KMNIST and CIFAR-10.

archgym never needs torchvision to *read* these files. The layouts under ``data_root`` are the ones
torchvision's ``datasets.MNIST(root)`` etc. write:

- ``<root>/MNIST/raw/``, ``<root>/FashionMNIST/raw/``, ``<root>/KMNIST/raw/``: the IDX files
  ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
  ``t10k-labels-idx1-ubyte``, each plain or gzipped (``.gz``);
- ``<root>/cifar-10-batches-py/``: the pickles ``data_batch_1`` ... ``data_batch_5``, ``test_batch``
  and ``batches.meta`` (read with an unpickler that only rebuilds numpy arrays and plain containers).

``download=True`` fetches missing files through torchvision when it imports (torchvision is not a
dependency; in some environments ``import torchvision`` raises a RuntimeError, which is reported in
one line). The official test split is returned as the test set. Images stay ``uint8``:
``(N, 1, 28, 28)`` and ``(N, 3, 32, 32)``.

``data_root`` defaults to ``$ARCHGYM_DATA_ROOT``, else ``./data``.
"""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from archgym.data.raw import RawData

__all__ = [
    "IDX_FILES",
    "default_data_root",
    "load_cifar10",
    "load_fashion_mnist",
    "load_kmnist",
    "load_mnist",
    "read_idx",
]

IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_FILES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch", "batches.meta")

# IDX type codes (http://yann.lecun.com/exdb/mnist/): the third byte of the magic number
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def default_data_root() -> Path:
    """``$ARCHGYM_DATA_ROOT`` when set, else ``./data`` (torchvision's usual ``root``)."""
    return Path(os.environ.get("ARCHGYM_DATA_ROOT") or "data").expanduser()


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (plain, or gzipped when its name ends in ``.gz``) into a numpy array.

    :raises ValueError: a bad magic number, or a size that does not match the header
    """
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    try:
        with opener(p, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"cannot read IDX file '{p}' ({type(e).__name__}: {e})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"'{p}' is not an IDX file (bad magic number)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise ValueError(f"'{p}' is truncated (IDX header of {ndim} dimensions)")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    need = int(np.prod(dims)) * dtype.itemsize
    if len(data) - header != need:
        raise ValueError(f"'{p}' holds {len(data) - header} bytes of data; its header {dims} needs {need}")
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def _torchvision_download(cls_name: str, root: Path, missing: str) -> None:
    try:
        import torchvision.datasets as tvd
    except Exception as e:  # torchvision may raise RuntimeError (not ImportError) when its ops do not load
        raise ValueError(
            f"download=True needs torchvision, which cannot be imported here ({type(e).__name__}: "
            f"{str(e).splitlines()[0] if str(e) else ''}); place {missing} yourself"
        ) from None
    cls = getattr(tvd, cls_name)
    for train in (True, False):
        try:
            cls(str(root), train=train, download=True)
        except Exception as e:
            raise ValueError(f"download of {cls_name} into '{root}' failed ({type(e).__name__}: {e})") from None


def _root(data_root: str | os.PathLike[str] | None) -> Path:
    if data_root is not None and not isinstance(data_root, (str, os.PathLike)):
        raise ValueError(f"data_root must be a path, got {type(data_root).__name__}")
    return Path(data_root).expanduser() if data_root is not None else default_data_root()


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _load_idx_layout(cls_name: str, data_root: str | os.PathLike[str] | None, download: bool) -> RawData:
    root = _root(data_root)
    folder = root / cls_name / "raw"

    def missing_files() -> list[str]:
        return [s for s in IDX_FILES if _find_idx(folder, s) is None]

    missing = missing_files()
    if missing and download:
        _torchvision_download(cls_name, root, f"the files in '{folder}'")
        missing = missing_files()
    if missing:
        raise ValueError(
            f"{cls_name} files missing in '{folder}': {', '.join(m + '[.gz]' for m in missing)}; "
            "pass download=True (needs torchvision) or copy them there"
        )
    files = [_find_idx(folder, s) for s in IDX_FILES]
    x, y, x_test, y_test = (read_idx(f) for f in files if f is not None)
    for imgs, labels, split in ((x, y, "train"), (x_test, y_test, "t10k")):
        if imgs.ndim != 3 or imgs.dtype != np.uint8:
            raise ValueError(f"{cls_name} {split} images in '{folder}' must be uint8 (N, H, W), got {imgs.ndim} dims")
        if labels.ndim != 1 or len(labels) != len(imgs):
            raise ValueError(f"{cls_name} {split}: {len(imgs)} images but {len(labels)} labels in '{folder}'")
    return RawData(x[:, None], y.astype(np.int64), x_test[:, None], y_test.astype(np.int64), name=cls_name)


def load_mnist(*, data_root: str | os.PathLike[str] | None = None, download: bool = False) -> RawData:
    """MNIST from ``<data_root>/MNIST/raw``: 60,000 + 10,000 uint8 images ``(1, 28, 28)``."""
    return _load_idx_layout("MNIST", data_root, download)


def load_fashion_mnist(*, data_root: str | os.PathLike[str] | None = None, download: bool = False) -> RawData:
    """FashionMNIST from ``<data_root>/FashionMNIST/raw``: 60,000 + 10,000 uint8 images ``(1, 28, 28)``."""
    raw = _load_idx_layout("FashionMNIST", data_root, download)
    names = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    if raw.num_classes > len(names):
        return raw
    return RawData(raw.x, raw.y, raw.x_test, raw.y_test, classes=names, name=raw.name)


def load_kmnist(*, data_root: str | os.PathLike[str] | None = None, download: bool = False) -> RawData:
    """KMNIST from ``<data_root>/KMNIST/raw``: 60,000 + 10,000 uint8 images ``(1, 28, 28)``."""
    return _load_idx_layout("KMNIST", data_root, download)


class _ArrayUnpickler(pickle.Unpickler):
    """Rebuilds numpy arrays and plain containers only: a data file cannot run code."""

    _ALLOWED = frozenset(
        {
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"),
            ("_codecs", "encode"),
            ("builtins", "bytearray"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")


def _unpickle(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            obj = _ArrayUnpickler(fh, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, OSError, ValueError, TypeError, AttributeError) as e:
        raise ValueError(f"cannot read CIFAR-10 file '{path}' ({type(e).__name__}: {e})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"CIFAR-10 file '{path}' holds a {type(obj).__name__}, not a dict")
    return {k.decode("latin1") if isinstance(k, bytes) else str(k): v for k, v in obj.items()}


def _cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    d = _unpickle(path)
    if "data" not in d or not ("labels" in d or "fine_labels" in d):
        raise ValueError(f"CIFAR-10 file '{path}' lacks 'data' or 'labels' (keys: {', '.join(sorted(d))})")
    data = np.asarray(d["data"])
    labels = np.asarray(d.get("labels", d.get("fine_labels")), dtype=np.int64)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(labels) != len(data):
        raise ValueError(
            f"CIFAR-10 file '{path}': 'data' must be uint8 (N, 3072) with N labels; got {data.dtype} "
            f"{tuple(data.shape)} and {len(labels)} labels"
        )
    return data.reshape(-1, 3, 32, 32), labels


def load_cifar10(*, data_root: str | os.PathLike[str] | None = None, download: bool = False) -> RawData:
    """CIFAR-10 from ``<data_root>/cifar-10-batches-py``: 50,000 + 10,000 uint8 images ``(3, 32, 32)``."""
    root = _root(data_root)
    folder = root / CIFAR10_FOLDER

    def missing_files() -> list[str]:
        return [f for f in CIFAR10_FILES if not (folder / f).is_file()]

    missing = missing_files()
    if missing and download:
        _torchvision_download("CIFAR10", root, f"the files in '{folder}'")
        missing = missing_files()
    if missing:
        raise ValueError(
            f"CIFAR-10 files missing in '{folder}': {', '.join(missing)}; "
            "pass download=True (needs torchvision) or unpack cifar-10-python.tar.gz there"
        )
    parts = [_cifar_batch(folder / f"data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = _cifar_batch(folder / "test_batch")
    meta = _unpickle(folder / "batches.meta")
    names = meta.get("label_names")
    classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names) if names else None
    return RawData(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        x_test,
        y_test,
        classes=classes,
        name="CIFAR10",
    )
