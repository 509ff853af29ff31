"""Online learning on drifting streams: streams, the online learner, prequential evaluation, drift detectors.

=====================  ===========================================================================
module                 contents
=====================  ===========================================================================
``auto``               :class:`AutoClassifier` (River API, capacity chosen by Hedge over a pool)
``pool``, ``linear``   its members: Adam-trained networks packed in one set of tensors, plain-SGD
                       softmax regressions (``tree``: its Hoeffding tree; ``bayes``: its Gaussian
                       naive Bayes; ``memory``: its nearest-neighbour member)
``base``               :class:`Stream` protocol, :class:`DriftPoint`, River-style concept mixing
``digits``             :class:`DriftingDigits` (permute / shift / rotate / orthogonal / prior drifts)
``synthetic``          :class:`SEAStream`, :class:`HyperplaneStream`
``replay``             :class:`ArrayStream` (replay arrays, e.g. a stream materialised by River)
``streams``            :data:`STREAMS` registry and :func:`make_stream`
``learner``            :class:`OnlineLearner` (River API over any torch classifier)
``scaler``             :class:`RunningStandardizer` (the learner's running input standardisation)
``drift``              :class:`PageHinkley`, :class:`ADWIN`, :class:`ErrorBurst`, :func:`make_detector`,
                       :class:`DriftReaction`
``evaluate``           :func:`prequential`, :class:`PrequentialResult`, :class:`PrequentialMonitor`
=====================  ===========================================================================
"""

from __future__ import annotations

from archgym.online.auto import AutoClassifier
from archgym.online.base import DriftPoint, Stream, concept_of
from archgym.online.digits import DRIFT_KINDS, Drift, DriftingDigits
from archgym.online.drift import (
    ADWIN,
    DETECTORS,
    DriftDetector,
    DriftReaction,
    ErrorBurst,
    PageHinkley,
    make_detector,
)
from archgym.online.evaluate import PrequentialMonitor, PrequentialResult, prequential
from archgym.online.learner import OPTIMIZERS, OnlineLearner
from archgym.online.replay import ArrayStream
from archgym.online.scaler import RunningStandardizer
from archgym.online.streams import STREAMS, StreamPreset, make_stream
from archgym.online.synthetic import HyperplaneStream, SEAStream

__all__ = [
    "ADWIN",
    "DETECTORS",
    "DRIFT_KINDS",
    "OPTIMIZERS",
    "STREAMS",
    "ArrayStream",
    "AutoClassifier",
    "Drift",
    "DriftDetector",
    "DriftPoint",
    "DriftReaction",
    "DriftingDigits",
    "ErrorBurst",
    "HyperplaneStream",
    "OnlineLearner",
    "PageHinkley",
    "PrequentialMonitor",
    "PrequentialResult",
    "RunningStandardizer",
    "SEAStream",
    "Stream",
    "StreamPreset",
    "concept_of",
    "make_detector",
    "make_stream",
    "prequential",
]
