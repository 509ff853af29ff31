"""``synthetic``: a generated Gaussian-blobs problem for tiny tests (600 samples, 16 features, 4 classes).

>>> raw = load()
>>> raw.x.shape, raw.shape, raw.num_classes
((600, 16), (1, 4, 4), 4)
"""

from __future__ import annotations

import numpy as np

from archgym.data.raw import RawData

__all__ = ["load"]


def load() -> RawData:
    """Four Gaussian blobs in 16 dimensions (a fixed generator: the same arrays every call)."""
    rng = np.random.default_rng(12345)
    n, classes = 600, 4
    centres = rng.normal(0.0, 2.0, size=(classes, 16))
    y = rng.integers(0, classes, size=n)
    x = centres[y] + rng.normal(0.0, 1.5, size=(n, 16))
    return RawData(x.astype(np.float32), y.astype(np.int64), sample_shape=(1, 4, 4), name="synthetic")
