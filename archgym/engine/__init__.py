"""The one training engine: the dense fast path and fused optimizer steps behind a public fit interface.

Used by the child trainer (:class:`archgym.training.Trainer`), the batched vector env and the online
learner (:class:`archgym.online.OnlineLearner`).

=============  ==========================================================================================
module         contents
=============  ==========================================================================================
``api``        :class:`FitRequest`, :class:`EvalRequest`, :class:`FitResult`, :class:`EvalResult`, and
               :class:`EngineTrainer`: what the engine needs of a trainer
``stacked``    :func:`fit_many`, :func:`evaluate_many` (any requests), :func:`fit_stack`,
               :func:`evaluate_stack` (one stacked call), :class:`StackedMLP`
``dense``      :func:`stackable`, :class:`DenseLayers` (hand-written forward/backward),
               :class:`DenseLearner` (one module learning in place: the online learner's fast path)
``optim``      :class:`OptState`, :func:`fused_options`, :func:`step_function` (fused optimizer steps)
``ops``        the only module that calls private torch operators, with ``torch.optim`` fallbacks
=============  ==========================================================================================

>>> from archgym.arch import Architecture
>>> from archgym.child import ChildNet
>>> from archgym.data import load_dataset
>>> from archgym.training import Trainer
>>> data = load_dataset("digits", train_subset=200)
>>> reqs = [FitRequest(ChildNet(Architecture.mlp(64, [w], 10), seed=0), Trainer(data, seed=s), 5)
...         for s, w in enumerate((8, 16))]
>>> [r.steps for r in fit_many(reqs)]
[5, 5]
"""

from archgym.engine.api import EngineTrainer, EvalRequest, EvalResult, FitRequest, FitResult
from archgym.engine.dense import DenseLayers, DenseLearner, stackable
from archgym.engine.optim import FUSED_OPTIONS, OPTIMIZERS, OptState, StepFn, adam_flat_, fused_options, step_function
from archgym.engine.stacked import KeptState, StackedMLP, evaluate_many, evaluate_stack, fit_many, fit_stack

__all__ = [
    "FUSED_OPTIONS",
    "OPTIMIZERS",
    "DenseLayers",
    "DenseLearner",
    "EngineTrainer",
    "EvalRequest",
    "EvalResult",
    "FitRequest",
    "FitResult",
    "KeptState",
    "OptState",
    "StackedMLP",
    "StepFn",
    "adam_flat_",
    "evaluate_many",
    "evaluate_stack",
    "fit_many",
    "fit_stack",
    "fused_options",
    "stackable",
    "step_function",
]
