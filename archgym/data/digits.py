"""scikit-learn's bundled ``digits``: 1,797 8x8 grey images (values 0-16), 10 classes, no download.

>>> raw = load()
>>> raw.x.shape, raw.x.dtype, raw.shape, raw.num_classes
((1797, 64), dtype('float32'), (1, 8, 8), 10)
"""

from __future__ import annotations

import numpy as np

from archgym.data.raw import RawData

__all__ = ["load"]


def load() -> RawData:
    """The digits as float32 ``(1797, 64)`` with the natural shape ``(1, 8, 8)``; no official test split."""
    from sklearn.datasets import load_digits

    d = load_digits()
    return RawData(d.data.astype(np.float32), d.target.astype(np.int64), sample_shape=(1, 8, 8), name="digits")
