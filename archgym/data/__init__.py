"""Datasets as device-resident tensors: a registry of sources and one loader per source.

Built-in sources: ``digits`` (scikit-learn's bundled 8x8 digits, the embedded default: no download),
``synthetic`` (Gaussian blobs for tiny tests), ``mnist1d`` (generated offline by the ``mnist1d``
package, cached on disk), and torchvision's on-disk layouts read with numpy from ``data_root``:
``mnist``, ``fashion_mnist``, ``kmnist``, ``cifar10``. Bring your own data as ``(X, y)`` arrays or
tensors, a map-style torch Dataset, a ``.npz``/``.csv`` path, or a loader registered by name with
:func:`register_dataset` (or named ``"package.module:function"``, which works in any process).

Every source is split with a seed (stratified), laid out ``flat`` ``(F,)``, ``sequence`` ``(C, L)``
or ``image`` ``(C, H, W)``, scaled with training statistics, and moved to the device once;
:meth:`Dataset.preprocessing` records the scaling so an exported child can take raw inputs.

>>> ds = load_dataset("digits", seed=0)
>>> tuple(ds.x_train.shape), ds.input_shape, ds.num_classes, len(ds.y_val), len(ds.y_test)
((1078, 64), (64,), 10, 359, 360)
>>> load_dataset("digits", image=True).input_shape
(1, 8, 8)
>>> load_dataset("digits", layout="sequence").input_shape
(1, 64)
>>> load_dataset("digts")
Traceback (most recent call last):
...
ValueError: unknown dataset 'digts'; did you mean 'digits'? valid: digits, synthetic, mnist1d, mnist, ...
"""

from __future__ import annotations

from archgym.data import digits, mnist1d, synthetic, torchvision_layouts
from archgym.data.arrays import as_raw, from_arrays, from_torch_dataset
from archgym.data.dataset import LAYOUTS, Dataset, Preprocessing, Standardize, apply_preprocessing
from archgym.data.load import DatasetSpec, describe_dataset, load_dataset, load_raw
from archgym.data.raw import RawData
from archgym.data.registry import (
    DATASETS,
    Loader,
    dataset_names,
    get_loader,
    register_dataset,
    unknown_name,
    unregister_dataset,
)

__all__ = [
    "DATASETS",
    "LAYOUTS",
    "Dataset",
    "DatasetSpec",
    "Loader",
    "Preprocessing",
    "RawData",
    "Standardize",
    "apply_preprocessing",
    "as_raw",
    "dataset_names",
    "describe_dataset",
    "from_arrays",
    "from_torch_dataset",
    "get_loader",
    "load_dataset",
    "load_raw",
    "register_dataset",
    "unknown_name",
    "unregister_dataset",
]

# built-ins go straight into the table (not exported to ARCHGYM_DATASETS: every process has them)
DATASETS.update(
    {
        "digits": digits.load,
        "synthetic": synthetic.load,
        "mnist1d": mnist1d.load,
        "mnist": torchvision_layouts.load_mnist,
        "fashion_mnist": torchvision_layouts.load_fashion_mnist,
        "kmnist": torchvision_layouts.load_kmnist,
        "cifar10": torchvision_layouts.load_cifar10,
    }
)
