"""Stream registry: build a stream by name with keyword overrides (what env presets and scripts use).

==================  ==========================================================================
name                stream
==================  ==========================================================================
digits              stationary :class:`DriftingDigits`
digits-abrupt       digits, all labels permuted at sample 3000
digits-gradual      digits, images rotated by 60 degrees around 3000 (width 1000)
digits-sequence     permute at 3000, feature shift around 6000 (width 1000), priors at 9000
sea                 :class:`SEAStream`, variants 0, 1, 2, 3 at 2500 / 5000 / 7500, noise 0.1
hyperplane          :class:`HyperplaneStream`, 10 features, mag_change 0.001, noise 0.05
==================  ==========================================================================

>>> make_stream("digits-abrupt", seed=3).drift_points
(3000,)
>>> make_stream("sea", noise=2.0)
Traceback (most recent call last):
...
ValueError: noise must be a number in [0.0, 0.5], got 2.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archgym.online._checks import check_kwargs, lookup
from archgym.online.base import Stream
from archgym.online.digits import Drift, DriftingDigits
from archgym.online.synthetic import HyperplaneStream, SEAStream

__all__ = ["STREAMS", "StreamPreset", "make_stream"]


@dataclass(frozen=True)
class StreamPreset:
    """A stream class with default keyword arguments.

    :param cls: the stream class
    :param defaults: keyword arguments used unless overridden
    """

    cls: Callable[..., Stream]
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def build(self, **kwargs: Any) -> Stream:
        """Build the stream, ``kwargs`` overriding the defaults.

        :param kwargs: constructor arguments of ``cls``
        :return: the stream
        """
        check_kwargs(getattr(self.cls, "__name__", "stream"), self.cls, kwargs)
        return self.cls(**{**self.defaults, **kwargs})


STREAMS: dict[str, StreamPreset] = {
    "digits": StreamPreset(DriftingDigits),
    "digits-abrupt": StreamPreset(DriftingDigits, {"drifts": (Drift("permute", 3000),)}),
    "digits-gradual": StreamPreset(DriftingDigits, {"drifts": (Drift("rotate", 3000, 1000, 60.0),)}),
    "digits-sequence": StreamPreset(
        DriftingDigits,
        {"drifts": (Drift("permute", 3000), Drift("shift", 6000, 1000), Drift("prior", 9000))},
    ),
    "sea": StreamPreset(SEAStream),
    "hyperplane": StreamPreset(HyperplaneStream),
}


def make_stream(name: str, **kwargs: Any) -> Stream:
    """Build a registered stream.

    :param name: one of :data:`STREAMS`
    :param kwargs: constructor overrides (``seed``, ``device``, ``drifts``, ``noise``...)
    :return: the stream
    :raises ValueError: unknown name, unknown parameter or bad value (the message lists what is valid)
    """
    return lookup("stream", name, STREAMS).build(**kwargs)
