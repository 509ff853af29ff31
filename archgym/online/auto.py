"""AutoClassifier: an online classifier that picks its own capacity, with River's API.

A user takes it without tuning: ``AutoClassifier(seed=0)``, then ``learn_one``/``predict_one``/
``predict_proba_one`` on dicts, or ``learn_many``/``predict_many``/``predict_proba_many`` on a 2-D
numpy array, a pandas DataFrame or a list of dicts. Labels may be of any hashable type; a class is
learned from the first sample that shows it. String features are one-hot encoded as they appear,
and features first seen late get new input columns (:class:`~archgym.online.encode.FeatureEncoder`).

How capacity adapts
    A pool of candidate models learns every sample in parallel, and :class:`~archgym.online.hedge.Hedge`
    mixes their class probabilities with weights that follow each candidate's recent prequential loss
    (each sample is predicted before it is learned). The pool spans the capacities a stream may need:

    * neural candidates (:class:`Candidate`): linear softmax models (a fast and a slow learning rate:
      the slow one averages the noise out of a noisy, nearly linear concept) and MLPs (by default two
      widths, one hidden layer; any depth works), trained by Adam one step per learned batch; all of
      them are *packed* into one flat parameter vector (layer ``l`` of every candidate in one matrix,
      block-diagonal masks between candidates; the output heads read their candidate's last hidden
      block and, with ``skip``, the inputs) so the whole pool costs a handful of matmuls, with a
      hand-written backward pass and one Adam step on the flat vector (numpy, no autograd:
      :mod:`archgym.online.pool`);
    * plain-SGD linear members (:class:`~archgym.online.linear.SGDLinear`, numpy): softmax regressions
      at a fixed step, one of them predicting with the moving average of its weights. On a static or
      slowly drifting, noisy, nearly linear concept they are the better linear learners: Adam's
      per-coordinate steps keep weights whose gradient is pure noise (irrelevant or noisy features)
      random-walking, where SGD's steps there are as small as the noise's mean;
    * a tree member (:class:`~archgym.online.tree.Tree`, numpy): a Hoeffding tree with naive-Bayes-adaptive
      leaves, the capacity of threshold and boolean rules (Agrawal, STAGGER, Mixed, random trees), which it
      finds from a few hundred samples where a network learns the same step slowly; its root is Gaussian
      naive Bayes, and it starts again when its own drift detector sees its error rise or the pool's
      detectors see a drift;
    * naive-Bayes members (:class:`~archgym.online.bayes.NaiveBayes`, numpy): Gaussian naive Bayes over the
      whole stream since the tree last restarted, the model of concepts its class-conditional shapes nearly
      decide (classes that differ in variance only, heavy label noise), which the tree stops being at its
      first split; and the same with one variance per feature pooled over the classes (a diagonal linear
      discriminant), the correct model with fewer estimates where the classes share their spread (LED's
      noisy bits, Gaussian blobs of one width);
    * a memory candidate (:class:`Memory`): an RBF layer whose units are the last ``window`` samples
      (a distance-weighted ``k``-nearest-neighbour vote), the capacity a local, quickly drifting
      concept needs before any network has learned it. Its distance weighs each feature by a weight it
      learns online from the neighbours of each prediction (:class:`~archgym.online.memory.MemoryWindow`),
      so features that carry only noise stop deciding which samples are near. It keeps ``start``
      samples until, the stream no longer young, it first weighs at least half of the predictions (its
      window full), then ``window``: more samples where its vote leads, a shorter search elsewhere.

    Early in a stream the fast learners (linear, memory) lead; wider and deeper networks take over
    as they converge; after a drift the discounted Hedge losses hand the lead back to whichever
    candidate recovers first. Inputs are standardised with running means and variances.

    The log loss rewards calibration, not accuracy: a member that is right more often but less
    confident (a slowly stepping SGD model, an averaged one) loses weight to a confident, less accurate
    network. A second Hedge (``pick_eta``, ``pick_share``) therefore weighs, on the 0-1 loss, the
    log-loss mixture against every member alone; predictions mix the members by both (the second
    Hedge's weight on the mixture times the mixture's weights, plus each member's own weight). Where
    the mixture is as accurate as any member, ties keep part of the weight on the members too.

    It is Fixed Share (:class:`~archgym.online.hedge.ShareHedge`, Herbster & Warmuth 1998): its 0-1 losses are not
    discounted, and after each sample ``pick_share`` of its weight is spread evenly over its columns, so a member that
    leads after a change takes over once its lead reaches about ``ln(columns / pick_share) / pick_eta`` mistakes; a
    detected drift spreads ``pick_drift_share`` of it at once. A discounted second Hedge (the twenty-first
    configuration's: a few hundred samples) cannot tell apart members a fraction of a percent apart: where one simple
    member is already near the best possible (naive Bayes on Gaussian classes, a linear model on a noisy linear
    concept), the others tie with it in most windows and the mixture follows the noise between them, a few samples
    per thousand below that member alone. Undiscounted losses compare such members over tens of thousands of
    samples. On the 320 development streams of bench_online, against that discounted Hedge (with a long-run
    advantage for the SGD members and the naive Bayes): 16 accuracy misses instead of 19, summed accuracy +0.15.
    Near-tied members keep more weight, so member groups sleep less (the networks are awake on 0.50 of the chunks
    of the 20 streams nearest the speed goal, 0.39 before); larger shares gain more accuracy and sleep less still.

Drift, early samples and easy chunks
    * ARF-style replacement of losers: ADWIN watches the mixture's error rate (one value per
      :data:`DRIFT_BLOCK` learned samples), a burst test (:class:`~archgym.online.drift.ErrorBurst`) its
      mistakes in the last :data:`BURST_WINDOW` samples against its long-run error rate (an abrupt change
      lifts a learned stream's error at once, which ADWIN's bound allows a cut for only a few hundred samples
      later), and a shift test the same over the last :data:`SHIFT_WINDOW` samples at a stricter confidence
      (a concept that changes in part of the input space lifts the error from a few % to about a quarter: too
      few mistakes in 16 samples for the burst test, and a rise ADWIN allows a cut for only after several
      hundred samples; on a short Sine stream whose concept changes in part, Sine f2 -> f0, ADWIN never
      fired); when any fires, the memory forgets the samples before the change point (the cut of the last
      :data:`CHANGE_BLOCKS` error rates with the largest rise; ADWIN's
      own shrunk window still holds most of the old concept) and the network with the largest
      discounted Hedge loss is re-initialised (:meth:`~archgym.online.pool.PackedPool.reset_member`), so
      a fresh learner competes for the new concept while the others keep what still holds, and the tree
      and the naive Bayes start again from no samples (ARF replaces a tree on a drift its detector sees;
      the tree's own ADWIN, fed one error rate per batch, sees an abrupt change hundreds of samples
      later, and until then its leaves and the naive Bayes' class statistics vote for the old concept:
      on a STAGGER stream the old naive Bayes still erred on 15-21 of every 25 samples 50-250 samples
      after the change, where a fresh one relearns the rule from a few dozen). When the tree's own
      detector starts a new tree, the memory forgets the same way.
    * Replay while the stream is young: for the first ``replay_until`` samples, and for the
      ``replay_after_drift`` samples after each detected drift, each Adam step also learns ``replay``
      samples drawn from the memory's window (more signal per step while a concept is new; after a
      drift the window holds only samples after ADWIN's cut). They are drawn right after the batch before
      is learned, so the prediction of the next batch takes them into the networks' forward pass and the
      step reuses it instead of running its own.
    * Once the stream is no longer young, the networks take one Adam step per ``step_rows`` learned rows:
      a learned batch's forward pass (the one its prediction ran) is held until the held batches reach
      ``step_rows`` rows, then one step learns them all. The held passes stay exact, since the weights do
      not move until that step (a class or feature that appears, or a network re-initialised after a
      drift, takes the step first). On a long stream learned in chunks of 8, this is a quarter of the
      Adam steps, each costing about what a step on 8 rows does (on arrays this small, a step's cost is
      its calls); the networks' weights lag the stream by at most ``step_rows - 1`` rows.
      While the stream is young, each batch takes its own step with its replayed samples.
    * A chunk the log-loss mixture already predicts with log loss below ``skip_loss`` on every row is not
      learned by the networks, the SGD members and the tree (it is still predicted, weighed by Hedge and
      stored in the memory): on a stream the pool has learned, most chunks cost a prediction only. For
      the networks a skipped chunk counts as an Adam step with a zero gradient that leaves the weights
      where they are (:meth:`~archgym.online.pool.PackedPool.skip`): Adam's moments decay over a calm stretch as they
      would under the near-zero gradients of learning it, so the networks still react to the first
      large gradients after a drift with large steps.

Compute follows the weights
    A member group (the networks, the SGD members, the tree, the naive Bayes, the memory) in which every member
    weighs less than ``sleep_below`` in the predictions *sleeps*: it is predicted only on probe chunks (every
    ``probe_every``-th learned batch), and on those its losses count ``probe_every`` times in both Hedges (an
    unbiased estimate of the chunks it slept through: its weight follows its accuracy as before, with more noise)
    while on the others its columns are uniform and it takes no loss. A probe that lifts a member above
    ``sleep_below`` wakes its group. The sleeping networks and SGD members learn on probe chunks only (learning
    needs the prediction's forward pass); the tree keeps learning its statistics on every chunk without
    computing its votes (a tree that learned a quarter of the samples would grow too slowly to ever take the
    lead back), and the naive Bayes and the memory keep learning everything (their learning is cheap). The
    group of the heaviest member never sleeps, and a detected drift wakes every group for ``wake_after_drift``
    samples. On a stream one or two capacities decide (a memory on a local 2-D concept, a tree on threshold
    rules), most chunks then cost what those members cost.

    Where every member is right, the weights stay spread and no group weighs little enough to sleep (on a STAGGER
    stream the tree, the naive Bayes, the memory and the networks all predict each sample right between drifts).
    So a group also *idles* (``idle_after``): once, for ``idle_after`` chunks in a row that it was predicted in,
    every prediction was right and leaving the group out of the mixture would have turned none of them, it sleeps
    as above; the first wrong prediction wakes every idle group for the next chunk, and a probe that finds an idle
    group turning a prediction wakes it. A drift costs the chunk that shows it, where the idle groups did not vote.

>>> model = AutoClassifier(seed=0)
>>> for _ in range(30):
...     model.learn_one({"x": 1.0, "colour": "red"}, "yes")
...     model.learn_one({"x": -1.0, "colour": "blue"}, "no")
>>> model.predict_one({"x": 0.9, "colour": "red"}), model.predict_one({"x": -1.2})
('yes', 'no')
>>> model.classes
['yes', 'no']
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from archgym.online._checks import entries, in_range, lookup, positive_int, same_rows
from archgym.online.bayes import DEFAULT_NAIVE_BAYES, GaussianNaiveBayes, NaiveBayes
from archgym.online.drift import ADWIN, ErrorBurst
from archgym.online.encode import FeatureEncoder, LabelEncoder, RunningScaler, is_dataframe
from archgym.online.hedge import LOG_CLIP, LOSSES, Hedge, ShareHedge, expert_losses
from archgym.online.linear import DEFAULT_SGD, SGDLinear, SGDLinearPool
from archgym.online.memory import DEFAULT_MEMORY, Memory, MemoryWindow
from archgym.online.pool import DEFAULT_CANDIDATES, Candidate, PackedPool
from archgym.online.tree import DEFAULT_TREE, HoeffdingTree, Tree

__all__ = [
    "BURST_WINDOW",
    "DEFAULT_CANDIDATES",
    "DEFAULT_MEMORY",
    "DEFAULT_NAIVE_BAYES",
    "DEFAULT_SGD",
    "DEFAULT_TREE",
    "DRIFT_BLOCK",
    "SHIFT_WINDOW",
    "AutoClassifier",
    "Candidate",
    "Memory",
    "NaiveBayes",
    "SGDLinear",
    "Tree",
]

#: samples per value fed to the drift detector (the mixture's error rate over them)
DRIFT_BLOCK = 8
#: blocks of recent error rates searched for the change point after a drift (the memory keeps what follows it)
CHANGE_BLOCKS = 128
#: samples the burst test (``burst_delta``) counts the mixture's mistakes over
BURST_WINDOW = 16
#: samples the shift test (``shift_delta``) counts the mixture's mistakes over
SHIFT_WINDOW = 64


class AutoClassifier:
    """Online classifier with River's API that mixes a pool of capacities by Hedge (see the module docstring).

    Predictions before the first learned sample are ``None`` (``predict_one``) and ``{}``
    (``predict_proba_one``), as in River. Batches: ``predict_many`` returns a numpy array of labels
    (a pandas Series for a DataFrame), ``predict_proba_many`` an ``(n, n_classes)`` numpy array with
    columns in :attr:`classes` order (a DataFrame with those columns for a DataFrame).

    :param seed: seed of the networks' initial weights (same seed, same data: same predictions)
    :param candidates: the neural candidates (default :data:`DEFAULT_CANDIDATES`); ``()`` for none
    :param sgd: the plain-SGD linear members (default :data:`~archgym.online.linear.DEFAULT_SGD`); ``()`` for none
    :param tree: the tree member (default :data:`~archgym.online.tree.DEFAULT_TREE`); None for none
    :param naive_bayes: the naive-Bayes members, one or a sequence (default
        :data:`~archgym.online.bayes.DEFAULT_NAIVE_BAYES`: per-class and pooled variances); None or ``()`` for none
    :param memory: the memory candidate (default ``Memory()``); None for none
    :param hedge_eta: Hedge's learning rate on the candidates' losses
    :param hedge_decay: per-sample discount of past losses in Hedge (``1 / (1 - decay)`` samples of memory)
    :param pick_eta: learning rate of the second Hedge, on the 0-1 loss, over the log-loss mixture and every
        member (see the module docstring; None: predict with the log-loss mixture alone)
    :param pick_share: the weight the second Hedge (Fixed Share) spreads evenly over its columns after each
        sample, in ``(0, 1)`` (see the module docstring)
    :param pick_drift_share: the weight the second Hedge spreads evenly at each detected drift, in ``[0, 1]``
    :param hedge_loss: the loss Hedge weighs candidates by, one of :data:`archgym.online.hedge.LOSSES`
    :param batch_size: ``learn_many`` takes one Adam step per ``batch_size`` rows, in order (None: one step
        per call, whatever its size)
    :param drift_delta: ADWIN's confidence on the mixture's error rate (None: no drift handling)
    :param burst_delta: confidence of the burst test on the mixture's mistakes (a sudden rise of the error rate,
        seen within :data:`BURST_WINDOW` samples, handled as a drift; None: no burst test)
    :param shift_delta: confidence of the shift test on the mixture's mistakes (a smaller rise, seen over the last
        :data:`SHIFT_WINDOW` samples, handled as a drift; None: no shift test)
    :param replay: samples from the memory added to each Adam step while the stream is young (0: none)
    :param replay_until: replay during the first ``replay_until`` learned samples
    :param replay_after_drift: and during the ``replay_after_drift`` samples after each detected drift
    :param skip_loss: the networks, the SGD members and the tree skip a batch on which the log-loss mixture's log
        loss is below this on every row (0: learn every batch); a skipped batch counts as one zero-gradient Adam
        step
    :param step_rows: once the stream is no longer young, learned batches are held until they reach this many
        rows, then the networks take one Adam step on them all (see the module docstring; 1: a step per batch)
    :param sleep_below: a member group in which every member weighs less than this in the predictions sleeps (see
        the module docstring; 0: none ever sleeps)
    :param probe_every: a sleeping group is predicted (and its networks and SGD members learn) on every this-th
        learned batch
    :param wake_after_drift: samples after a detected drift during which no group sleeps
    :param idle_after: a member group sleeps too once, for this many chunks in a row that it was predicted in, the
        predictions were all right and leaving it out of the mixture would have turned none of them; it wakes at the
        first wrong prediction, or when a probe finds it turning one (0, or ``sleep_below`` 0: never)
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        candidates: Sequence[Candidate] | None = None,
        sgd: Sequence[SGDLinear] | None = None,
        tree: Tree | None = DEFAULT_TREE,
        naive_bayes: NaiveBayes | Sequence[NaiveBayes] | None = DEFAULT_NAIVE_BAYES,
        memory: Memory | None = DEFAULT_MEMORY,
        hedge_eta: float = 1.0,
        hedge_decay: float = 0.995,
        pick_eta: float | None = 0.5,
        pick_share: float = 1e-4,
        pick_drift_share: float = 0.5,
        hedge_loss: str = "log",
        batch_size: int | None = None,
        drift_delta: float | None = 0.002,
        replay: int = 16,
        replay_until: int = 5000,
        replay_after_drift: int = 0,
        skip_loss: float = 0.01,
        burst_delta: float | None = 1e-4,
        shift_delta: float | None = 1e-5,
        sleep_below: float = 1e-3,
        probe_every: int = 4,
        wake_after_drift: int = 200,
        idle_after: int = 16,
        step_rows: int = 32,
    ) -> None:
        self.seed = positive_int("seed", seed, 0)
        cands = DEFAULT_CANDIDATES if candidates is None else entries("candidates", candidates, Candidate)
        linear = DEFAULT_SGD if sgd is None else entries("sgd", sgd, SGDLinear)
        if tree is not None and not isinstance(tree, Tree):
            raise TypeError(f"tree must be a Tree or None, got {type(tree).__name__}")
        if isinstance(naive_bayes, NaiveBayes):
            naive_bayes = (naive_bayes,)
        elif naive_bayes is not None and (not isinstance(naive_bayes, Sequence) or isinstance(naive_bayes, str)):
            raise TypeError(
                f"naive_bayes must be a NaiveBayes, a sequence of them or None, got {type(naive_bayes).__name__}"
            )
        bayes = entries("naive_bayes", () if naive_bayes is None else naive_bayes, NaiveBayes)
        if len({b.name for b in bayes}) < len(bayes):
            raise ValueError(f"naive_bayes holds two members of the same name: {[b.name for b in bayes]}")
        if memory is not None and not isinstance(memory, Memory):
            raise TypeError(f"memory must be a Memory or None, got {type(memory).__name__}")
        if not cands and not linear and tree is None and not bayes and memory is None:
            raise ValueError(
                "the pool is empty: give at least one candidate, SGD member, a tree, a naive Bayes or a memory"
            )
        self.batch_size = None if batch_size is None else positive_int("batch_size", batch_size)
        self.candidates = cands
        self.sgd = linear
        self.tree = tree
        self.naive_bayes = bayes
        self.memory = memory
        self.hedge_loss = hedge_loss
        lookup("Hedge loss", hedge_loss, LOSSES)
        n_experts = len(cands) + len(linear) + (tree is not None) + len(bayes) + (memory is not None)
        sizes = (len(cands), len(linear), int(tree is not None), len(bayes), int(memory is not None))
        ends = np.cumsum(sizes)
        #: Hedge columns of each member group (networks, SGD members, tree, naive Bayes, memory), empty when absent
        self._group_cols = [slice(int(e - k), int(e)) for e, k in zip(ends, sizes, strict=True)]
        self._group_sizes = np.array(sizes)
        #: (group, first column, end column) of each non-empty group
        self._nonempty = [(g, c.start, c.stop) for g, c in enumerate(self._group_cols) if c.stop > c.start]
        self._expanded: dict[tuple[bytes, bytes], tuple[np.ndarray, np.ndarray]] = {}  # see _expand
        self.sleep_below = in_range("sleep_below", sleep_below, 0.0, 1.0)
        self.probe_every = positive_int("probe_every", probe_every)
        self.wake_after_drift = positive_int("wake_after_drift", wake_after_drift, 0)
        self.idle_after = positive_int("idle_after", idle_after, 0)
        # groups predicted and learned on probe chunks only: always _light | _idle, cached (read every chunk)
        self._asleep = np.zeros(len(sizes), dtype=bool)
        self._light = np.zeros(len(sizes), dtype=bool)  # groups whose members all weigh less than sleep_below
        self._idle = np.zeros(len(sizes), dtype=bool)  # groups asleep because they turned no prediction (idle_after)
        self._quiet = [0] * len(sizes)  # per group, error-free chunks in a row it was predicted in and turned nothing
        #: (groups, experts) float32 0/1: which experts each group holds (a group's share of the mixture, in one matmul)
        self._group_of = (np.arange(len(sizes))[:, None] == np.repeat(np.arange(len(sizes)), sizes)).astype(np.float32)
        self._awake_until = 0  # no group sleeps while n_seen < this (moved on by a drift)
        self._chunks = 0  # learned batches (probe chunks: every probe_every-th)
        self._hedge = Hedge(n_experts, eta=hedge_eta, decay=hedge_decay)
        self.pick_eta = None if pick_eta is None else in_range("pick_eta", pick_eta, 0.0, math.inf, open_low=True)
        self.pick_share = in_range("pick_share", pick_share, 0.0, 1.0, open_low=True, open_high=True)
        self.pick_drift_share = in_range("pick_drift_share", pick_drift_share, 0.0, 1.0)
        self._pick: ShareHedge | None = None
        if pick_eta is not None:
            self._pick = ShareHedge(n_experts + 1, eta=pick_eta, share=pick_share, drift_share=pick_drift_share)
        self._weights32 = self._hedge.weights32  # the weights predictions mix the members with
        self.drift_delta = drift_delta
        self._detector: ADWIN | None = None
        if drift_delta is not None:
            in_range("drift_delta", drift_delta, 0.0, 1.0, open_low=True)
            self._detector = ADWIN(delta=drift_delta, clock=4, mode="up", reset_on_drift=True)
        self.burst_delta = burst_delta
        self.shift_delta = shift_delta
        tests = [("burst_delta", burst_delta, BURST_WINDOW), ("shift_delta", shift_delta, SHIFT_WINDOW)]
        self._error_tests = tuple(
            ErrorBurst(delta=in_range(name, d, 0.0, 1.0, open_low=True, open_high=True), window=w)
            for name, d, w in tests
            if d is not None
        )
        self._drift_errors = self._drift_rows = 0
        self._recent_errors: deque[tuple[int, float]] = deque(maxlen=CHANGE_BLOCKS)  # (rows, error rate) per block
        self.n_drifts = 0
        self.n_skipped = 0  # learned batches the networks skipped (the mixture already knew them)
        self.n_resets = [0] * len(cands)
        self.replay = positive_int("replay", replay, 0)
        self.replay_until = positive_int("replay_until", replay_until, 0)
        self.replay_after_drift = positive_int("replay_after_drift", replay_after_drift, 0)
        self._young_until = self.replay_until  # replay while n_seen < this (moved on by a drift)
        self.skip_loss = in_range("skip_loss", skip_loss, 0.0, math.inf)
        self.step_rows = positive_int("step_rows", step_rows)
        self._pending: list[tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray]] = []
        self._pending_rows = 0
        self._features = FeatureEncoder()
        self._labels = LabelEncoder()
        self._gen = torch.Generator().manual_seed(self.seed)
        self._rng = np.random.default_rng(self.seed)
        self._nets: PackedPool | None = None
        self._linear: SGDLinearPool | None = None
        self._tree: HoeffdingTree | None = None
        self._bayes: GaussianNaiveBayes | None = None
        self._models_classes = 0  # the class count the members were built or last grown for
        self._window: MemoryWindow | None = None
        self._stats = RunningScaler()  # input means and scales (a missing feature counts as 0)
        self._cache: tuple[np.ndarray, int, Any] | None = None
        self._replay_draw: tuple[np.ndarray, np.ndarray] | None = None  # the next Adam step's replayed samples
        self._array_width = -1
        self.n_seen = 0

    # ------------------------------------------------------------------ public state
    @property
    def classes(self) -> list[Hashable]:
        """The labels seen so far, in order of first appearance (the column order of ``predict_proba_many``)."""
        return list(self._labels.classes)

    @property
    def expert_names(self) -> list[str]:
        """Names of the pool's members, in Hedge's order."""
        names = [c.name for c in self.candidates] + [m.name for m in self.sgd]
        names += [self.tree.name] if self.tree is not None else []
        names += [b.name for b in self.naive_bayes]
        return names + ([self.memory.name] if self.memory is not None else [])

    @property
    def sleeping(self) -> list[str]:
        """Names of the members that sleep now: predicted on probe chunks only (what each still learns: module docs)."""
        names = self.expert_names
        return [
            names[k]
            for g, cols in enumerate(self._group_cols)
            if self._asleep[g]
            for k in range(*cols.indices(len(names)))
        ]

    @property
    def weights(self) -> dict[str, float]:
        """Current weight of each member of the pool in the predictions (they sum to 1): its log-loss Hedge
        weight times the second Hedge's weight on that mixture, plus its own weight in the second Hedge."""
        w = self._hedge.weights
        if self._pick is not None:
            w = self._member_weights(self._pick.weights, w)
        return dict(zip(self.expert_names, w.tolist(), strict=True))

    # ------------------------------------------------------------------ internals
    def _sync_width(self) -> None:
        """Grow the statistics, the networks and the window to the encoder's width."""
        d = self._features.width
        if d == self._stats.width:
            return
        self._array_width = -1  # the array fast path holds only while the columns are exactly 0 .. d-1
        self._stats.grow(d)
        if self._nets is not None:
            self._flush_nets()
            self._nets.grow_inputs(d)
        if self._linear is not None:
            self._linear.grow_inputs(d)
        if self._tree is not None:
            self._tree.grow_inputs(d)
        if self._bayes is not None:
            self._bayes.grow_inputs(d)
        if self._window is not None:
            self._window.grow_inputs(d)

    def _ensure_models(self) -> None:
        """Build the members on the first learned batch; grow their class outputs when a new class appeared."""
        C = max(len(self._labels), 1)
        if self._models_classes == C:
            return
        self._models_classes = C
        d = self._features.width
        if self._nets is None and self.candidates:
            self._nets = PackedPool(self.candidates, d, C, self._gen)
        if self._linear is None and self.sgd:
            self._linear = SGDLinearPool(self.sgd, d, C)
        if self._tree is None and self.tree is not None:
            self._tree = HoeffdingTree(self.tree, d, C)
        if self._bayes is None and self.naive_bayes:
            self._bayes = GaussianNaiveBayes(self.naive_bayes, d, C)
        if self._window is None and self.memory is not None:
            self._window = MemoryWindow(self.memory, d)
        if self._nets is not None:
            self._flush_nets()
            self._nets.grow_classes(C)
        if self._linear is not None:
            self._linear.grow_classes(C)
        if self._tree is not None:
            self._tree.grow_classes(C)
        if self._bayes is not None:
            self._bayes.grow_classes(C)

    def _encode(self, X: Any) -> np.ndarray:
        """A batch (or one dict, as a 1-row batch) as float32 rows at the current width, checked finite."""
        if type(X) is np.ndarray and X.ndim == 2 and X.shape[1] == self._array_width and X.dtype.kind in "fiub":
            rows = X if X.dtype == np.float32 else X.astype(np.float32)  # columns 0 .. d-1 are the features
        else:
            rows = self._features.encode_many(X)
            self._sync_width()
            width = self._features.width
            if rows.shape[1] < width:  # encoded before a later row of the batch added columns
                rows = np.pad(rows, ((0, 0), (0, width - rows.shape[1])))
            if isinstance(X, np.ndarray) and X.ndim == 2 and self._features.columns == list(range(width)):
                self._array_width = width
        if not np.isfinite(rows).all():
            bad = sorted({self._features.columns[j] for j in np.nonzero(np.isinf(rows))[1]}, key=repr)
            if bad:
                raise ValueError(f"infinite feature value(s) in {', '.join(map(repr, bad))}; valid: finite numbers")
            rows = np.nan_to_num(rows, nan=0.0)  # NaN: missing
        return rows

    def _forward(
        self, rows: np.ndarray, replay: tuple[np.ndarray, np.ndarray] | None = None, active: np.ndarray | None = None
    ) -> tuple[np.ndarray, Any]:
        """Each expert's probabilities ``(n, K, C)`` (numpy float32) for encoded rows, and what the learning
        step reuses: the networks' forward pass (None without networks), the standardised rows and the replayed
        samples that forward pass also holds.

        :param replay: ``(rows, labels)`` from the memory that the networks' forward pass takes after ``rows``
            (the next Adam step's replayed samples, so that step needs no forward pass of its own), or None
        :param active: per member group, whether it is predicted (None: all); the columns of a group that is not
            are uniform (added to every class alike, a sleeping group's tiny weight moves no argmax)
        """
        C = max(len(self._labels), 1)
        n = len(rows)
        net_out = None
        nets, linear, tree, bayes, window = self._nets, self._linear, self._tree, self._bayes, self._window
        if active is not None and not active.all():
            nets = nets if active[0] else None
            linear = linear if active[1] else None
            tree = tree if active[2] else None
            bayes = bayes if active[3] else None
            window = window if active[4] else None
        if nets is None:
            replay = None
        if nets is not None or linear is not None:
            zx = self._stats.transform(rows if replay is None else np.concatenate([rows, replay[0]]))
            z = zx[:n]  # standardising is per row: the same values as standardising ``rows`` alone
        else:
            zx = z = rows
        if active is None or active.all():
            p = np.empty((n, len(self._hedge.weights), C), dtype=np.float32)
        else:
            p = np.full((n, len(self._hedge.weights), C), 1.0 / C, dtype=np.float32)
        cols = self._group_cols
        if nets is not None:
            net_out = nets.forward(zx)
            np.exp(net_out[0][:n], out=p[:, cols[0]])
        if linear is not None:
            p[:, cols[1]] = linear.proba(z)
        if tree is not None:
            p[:, cols[2].start] = tree.proba(rows)
        if bayes is not None:
            p[:, cols[3]] = bayes.proba(rows)
        if window is not None:
            p[:, cols[4].start] = window.proba(rows, self._stats.scale2, C)
        return p, (net_out, z, replay)

    def _mixture(self, p: np.ndarray, active: np.ndarray | None = None, w: np.ndarray | None = None) -> np.ndarray:
        """The predictions' mixture ``(n, C)`` of the experts' probabilities ``(n, K, C)`` (both Hedges' weights,
        or ``w``), over the member groups ``active`` predicted (their weights renormalised; None: all)."""
        w = self._weights32 if w is None else w
        if active is not None and not active.all():
            masked = w * self._expand(active)[0]
            total = float(masked.sum())
            if total > 0.0:  # (0 only if the awake weights all underflowed: then the uniform columns decide nothing)
                w = masked / total
        return np.matmul(w, p)

    def _predict_rows(self, rows: np.ndarray) -> np.ndarray | None:
        """Mixture probabilities ``(n, C)`` of encoded rows (None before anything was learned)."""
        if self.n_seen == 0:
            self._cache = None
            return None
        rows = rows.copy()  # kept for the learning step (the caller's array may change before it)
        active = self._active()
        p, reuse = self._forward(rows, self._replay_sample(), active)
        mix = self._mixture(p, active)
        self._cache = (rows, len(self._labels), (p, reuse, mix, active))
        return mix

    def _active(self) -> np.ndarray:
        """Per member group, whether the coming chunk predicts and learns it: every group that is awake, and
        on a probe chunk (every ``probe_every``-th learned batch) the sleeping ones too."""
        if self._chunks % self.probe_every == 0:
            return np.ones(len(self._asleep), dtype=bool)
        return ~self._asleep

    def _loss_scale(self, active: np.ndarray) -> np.ndarray | None:
        """Per expert, the factor on its losses in both Hedges: 0 for a group not predicted on this chunk,
        ``probe_every`` for a sleeping group on a probe chunk (an unbiased estimate of the losses of the chunks it
        slept through), 1 otherwise; None when every factor is 1."""
        if not self._asleep.any():
            return None
        return self._expand(active)[1]

    def _expand(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per expert, for the member groups ``active`` and the groups asleep now: whether it is predicted (float32
        1 or 0) and its loss factor (:meth:`_loss_scale`), cached per pattern (a handful of them per stream)."""
        key = (active.tobytes(), self._asleep.tobytes())
        out = self._expanded.get(key)
        if out is None:
            mask = np.repeat(active, self._group_sizes).astype(np.float32)
            factor = np.where(active, np.where(self._asleep, float(self.probe_every), 1.0), 0.0)
            scale = np.repeat(factor, self._group_sizes)
            mask.flags.writeable = scale.flags.writeable = False  # shared by every chunk of this pattern
            out = self._expanded[key] = (mask, scale)
        return out

    @staticmethod
    def _member_weights(pick_weights: np.ndarray, hedge_weights: np.ndarray) -> np.ndarray:
        """Each member's weight in the predictions, given the second Hedge's weights ``pick_weights`` and the
        log-loss Hedge's ``hedge_weights``: its weight on the log-loss mixture times the mixture's weights, plus
        each member's own weight."""
        return pick_weights[0] * hedge_weights + pick_weights[1:]

    def _turned(self, p: np.ndarray, active: np.ndarray, pred: np.ndarray) -> np.ndarray:
        """Per member group, whether leaving it out of the predictions' mixture (the weights before this chunk's
        update, over the groups ``active``) would have turned one of the chunk's predictions ``pred``."""
        w = self._weights32
        if not active.all():
            w = w * self._expand(active)[0]
        share = np.matmul(self._group_of * w, p)  # (n, groups, C): each group's part of the (unnormalised) mixture
        rest = share.sum(1)[:, None, :] - share  # the mixture without each group (the normalisation moves no argmax)
        return (rest.argmax(2) != pred[:, None]).any(0)

    def _wake_all(self) -> None:
        """Every group awake and competing again, its count of chunks that turned nothing emptied."""
        self._asleep[:] = self._idle[:] = self._light[:] = False
        self._quiet[:] = [0] * len(self._quiet)

    def _update_sleep(self, active: np.ndarray, turned: np.ndarray | None = None) -> None:
        """After both Hedges' update: a group predicted on this chunk sleeps when every member of it weighs less
        than ``sleep_below`` in the predictions, or (``idle_after``) when for ``idle_after`` chunks in a row that
        it was predicted in the predictions were right and it turned none (``turned``: per group, whether leaving
        it out would have turned one, None when a prediction was wrong); it wakes when one of its members weighs
        more, or when it turns a prediction; a wrong prediction wakes every group asleep for turning none. A group
        not predicted on this chunk stays as it is otherwise (no loss of its own moved its weight), the group of
        the heaviest member never sleeps, and none sleeps within ``wake_after_drift`` samples of a detected
        drift."""
        if self.sleep_below <= 0.0:
            return
        quiet, idle, light = self._quiet, self._idle, self._light
        if self.n_seen < self._awake_until:
            self._wake_all()
            return
        w = self._weights32.tolist()  # (python floats: a handful of values, cheaper than numpy calls)
        top = max(range(len(w)), key=w.__getitem__)
        on = active.tolist()
        asleep = self._asleep
        if self.idle_after and turned is None:  # a wrong prediction: every group may matter again
            quiet[:] = [0] * len(quiet)
            idle[:] = False
        hit = None if turned is None else turned.tolist()
        for g, start, stop in self._nonempty:
            if on[g]:
                light[g] = max(w[start:stop]) < self.sleep_below
                if hit is not None:
                    quiet[g] = 0 if hit[g] else quiet[g] + 1
                    idle[g] = quiet[g] >= self.idle_after
                if start <= top < stop:
                    light[g] = idle[g] = False
            asleep[g] = light[g] or idle[g]

    def _grow_window(self) -> None:
        """Grow the memory's window to its ``window`` samples if it is full, the stream no longer young, and the
        memory weighs at least half of the predictions (:class:`~archgym.online.memory.Memory`'s ``start``)."""
        window = self._window
        if window is None or window.filled != window.capacity or window.capacity >= window.spec.window:
            return
        if self.n_seen >= self._young_until and self._weights32[self._group_cols[4].start] >= 0.5:
            window.grow()

    def _learn_rows(self, rows: np.ndarray, y: np.ndarray) -> None:
        if len(y) != len(rows):
            raise ValueError(f"got {len(rows)} samples but {len(y)} labels")
        if len(rows) == 0:
            return
        first = self.n_seen == 0
        if first:
            self._stats.update(rows)  # seed the statistics before the first batch is learned
        self._ensure_models()
        cache = self._cache
        self._cache = None
        if cache is not None and cache[1] == len(self._labels) and same_rows(cache[0], rows):
            rows = cache[0]  # the same values; the members that keep their last input recognise this one
            p, (net_out, z, replayed), mix, active = cache[2]  # predicted just before with these weights: reuse it
        else:
            active = self._active()
            p, (net_out, z, replayed) = self._forward(rows, None, active)
            mix = self._mixture(p, active)  # the predictions' mixture: the weights before this chunk's update
        pred = mix.argmax(1)
        wrong_rows = pred != y
        scale = self._loss_scale(active)
        if self.hedge_loss == "log":  # numpy: a few times cheaper than torch calls on these tiny arrays
            py = p[np.arange(len(y)), :, y]
            losses = -np.log(np.maximum(py, LOG_CLIP))
        else:
            losses = expert_losses(self.hedge_loss, torch.from_numpy(p), torch.from_numpy(y)).numpy()
        if scale is not None:
            losses = losses * scale
        turned = None  # None: a prediction was wrong (or no group may sleep after this chunk: not computed)
        may_sleep = self.sleep_below > 0.0 and self.n_seen + len(y) >= self._awake_until
        if self.idle_after and may_sleep and not wrong_rows.any():
            turned = self._turned(p, active, pred)
        calibrated = None  # the log-loss mixture, before this update
        if self._pick is not None:  # 0-1 losses of the log-loss mixture and of each member
            calibrated = self._mixture(p, active, self._hedge.weights32)
            wrong = np.empty((len(y), p.shape[1] + 1))
            np.not_equal(calibrated.argmax(1), y, out=wrong[:, 0])
            np.not_equal(p.argmax(2), y[:, None], out=wrong[:, 1:])
            if scale is not None:
                wrong[:, 1:] *= scale
            self._pick.update(wrong)
        self._hedge.update(losses)
        if self._pick is not None:
            self._weights32 = self._member_weights(self._pick.weights32, self._hedge.weights32)
        else:
            self._weights32 = self._hedge.weights32
        nets = self._nets if active[0] else None  # sleeping networks learn on probe chunks only (no Adam step else)
        easy = False
        if self.skip_loss:
            if calibrated is None:
                calibrated = mix  # without the second Hedge, the predictions' mixture is the log-loss one
            p_true = calibrated[np.arange(len(y)), y]
            # the log-loss mixture's loss < skip_loss on every row (not the predictions' mixture: the second Hedge
            # spreads weight over members that are as accurate but less confident, e.g. the smoothed memory)
            easy = float(p_true.min()) > math.exp(-self.skip_loss)
            if easy and nets is not None:
                nets.skip()  # a zero-gradient Adam step (the moments decay), folded in at the next step
                self.n_skipped += 1
                nets = None
        if nets is not None:
            assert net_out is not None
            logp, zs, f = net_out
            b = self.batch_size or len(rows)
            young = self.n_seen < self._young_until
            draw = self._replay_sample() if young else None
            if draw is not None:
                # one step on the first mini-batch and samples replayed from the memory (numpy: tiny arrays)
                xr, yr = draw
                yb = np.concatenate([y[:b], yr])
                if replayed is draw and b == len(rows):  # the prediction's forward pass took them after the rows
                    self._net_step(logp, zs, f, yb)
                else:
                    xs = self._stats.transform(np.concatenate([rows[:b], xr]))
                    self._net_step(*nets.forward(xs), yb)
            elif b != len(rows) or young or not self._defer(logp, zs, f, y):
                self._net_step(logp[:b], [z[:b] for z in zs], f[:b], y[:b])
            for start in range(b, len(rows), b):  # later mini-batches see the weights the earlier ones made
                xs = self._stats.transform(rows[start : start + b])
                nets.learn(*nets.forward(xs), y[start : start + b])
        # an easy chunk is not learned by the SGD members and the tree either (their statistics and steps are
        # what costs on a stream the pool has learned); it still goes into the memory
        if self._linear is not None and not easy and active[1]:
            self._linear.learn(z, y)
        # a sleeping tree learns its statistics still (starved of samples it could not catch up when it wakes)
        tree_drift = self._tree is not None and not easy and self._tree.learn(rows, y, votes=bool(active[2]))
        if self._bayes is not None:  # every chunk: skipping the easy ones would bias its class-conditional statistics
            if tree_drift:
                self._bayes.restart()  # the tree saw its concept change: so did the naive Bayes
            self._bayes.learn(rows, y)
        if self._window is not None:
            self._window.add(rows, y)
        if not first:
            self._stats.update(rows)
        self.n_seen += len(rows)
        self._update_sleep(active, turned)
        self._grow_window()
        self._check_drift(int(np.count_nonzero(wrong_rows)), len(y), tree_drift)
        self._chunks += 1
        self._draw_replay()

    def _defer(self, logp: np.ndarray, zs: list[np.ndarray], f: np.ndarray, y: np.ndarray) -> bool:
        """Hold a learned batch's forward pass (its first ``len(y)`` rows) for the networks' next Adam step if,
        with the batches held already, it is still fewer than ``step_rows`` rows; False: take the step now."""
        n = len(y)
        if self._pending_rows + n >= self.step_rows:
            return False
        self._pending.append((logp[:n], [z[:n] for z in zs], f[:n], y))
        self._pending_rows += n
        return True

    def _net_step(self, logp: np.ndarray, zs: list[np.ndarray], f: np.ndarray, y: np.ndarray) -> None:
        """One Adam step of the networks on the held batches (:meth:`_defer`, still valid: the weights have not
        moved since their forward passes) followed by this forward pass's rows."""
        assert self._nets is not None
        if self._pending:
            parts = [*self._pending, (logp, zs, f, y)]
            self._pending = []
            logp = np.concatenate([q[0] for q in parts])
            zs = [np.concatenate([q[1][i] for q in parts]) for i in range(len(zs))]
            f = np.concatenate([q[2] for q in parts])
            y = np.concatenate([q[3] for q in parts])
        self._pending_rows = 0
        self._nets.learn(logp, zs, f, y)

    def _flush_nets(self) -> None:
        """Take the Adam step on the held batches now (before the networks' weights or shapes change)."""
        if self._pending:
            self._net_step(*self._pending.pop())

    def _draw_replay(self) -> None:
        """Draw the samples the next Adam step replays from the memory, if the stream is still young.

        They are drawn once per learned batch, after it (from the window as the next step finds it), so the
        prediction before that step can take them into its forward pass and the step reuses it; predicting
        draws nothing, so a model learns the same whether or not each batch is predicted first.
        """
        self._replay_draw = None
        window = self._window
        if not (self.replay and self.n_seen < self._young_until and window is not None and window.filled):
            return
        if self._nets is not None and bool(self._active()[0]):
            self._replay_draw = window.sample(self.replay, self._rng)

    def _replay_sample(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The drawn replay samples (:meth:`_draw_replay`) at the current input width (None: nothing drawn)."""
        draw = self._replay_draw
        extra = 0 if draw is None else self._features.width - draw[0].shape[1]
        if draw is not None and extra > 0:  # a feature first seen since: 0 in the drawn rows, as in the stored ones
            draw = self._replay_draw = (np.pad(draw[0], ((0, 0), (0, extra))), draw[1])
        return draw

    def _check_drift(self, errors: int, n: int, tree_drift: bool) -> None:
        """Feed the mixture's error rate (``errors`` mistakes of its predictions on a chunk of ``n`` rows) to ADWIN
        (one value per :data:`DRIFT_BLOCK` samples) and its mistakes to the burst and shift tests. When any fires,
        the memory forgets the samples before the change point (:meth:`_since_change`), the network with the largest
        Hedge loss is re-initialised, and the tree and the naive Bayes start again; when the tree's own detector
        started a new tree (``tree_drift``), the memory forgets too."""
        self._drift_errors += errors
        self._drift_rows += n
        drift = False
        if self._drift_rows >= DRIFT_BLOCK:
            rate = self._drift_errors / self._drift_rows
            self._recent_errors.append((self._drift_rows, rate))
            self._drift_errors = self._drift_rows = 0
            drift = self._detector is not None and self._detector.update(rate)
        if any([test.update(errors, n) for test in self._error_tests]):  # (a list: every test sees every batch)
            drift = True
        if drift:
            for test in self._error_tests:
                test.quiet()  # the rise one test saw may still be in the others' windows
        if drift or tree_drift:
            self._wake_all()  # every group competes for the new concept
            self._awake_until = self.n_seen + self.wake_after_drift
            if self._window is not None and self.memory is not None:
                self._window.forget(max(self._since_change(), self.memory.k))
            self._recent_errors.clear()
        if not drift:
            return
        self.n_drifts += 1
        if self._pick is not None:
            self._pick.drift()  # the leader may lead no more: part of the second Hedge's weight spread evenly
        if self._tree is not None:  # its own ADWIN, fed one error rate per batch, sees the change later
            if not tree_drift:  # (else its own detector has just restarted it: it holds nothing yet)
                self._tree.restart()
            if self._bayes is not None:
                self._bayes.restart()  # it restarts with the tree
        self._young_until = max(self._young_until, self.n_seen + self.replay_after_drift)
        K = len(self.candidates)
        if K:
            assert self._nets is not None
            k = int(self._hedge.losses[:K].argmax())
            self.n_resets[k] += 1
            self._flush_nets()
            self._nets.reset_member(k)

    def _since_change(self) -> int:
        """Samples since the most likely change point of the recent error rates: the cut of the last
        :data:`CHANGE_BLOCKS` blocks with the largest rise, scored by ``n0 n1 / n (mean1 - mean0)^2`` (ADWIN's
        own cut keeps every bucket it cannot yet tell apart, often most of the old concept)."""
        rates = np.array([r for _, r in self._recent_errors])
        rows = np.array([n for n, _ in self._recent_errors])
        n = len(rates)
        if n < 2:
            return int(rows.sum())
        head = np.cumsum(rates)[:-1]  # sums of the first c blocks, c = 1 .. n-1
        c = np.arange(1, n)
        rise = (rates.sum() - head) / (n - c) - head / c
        score = np.where(rise > 0, c * (n - c) / n * rise * rise, -1.0)
        cut = int(score.argmax()) + 1
        return int(rows[cut:].sum())

    def _label_array(self, y: Any, n: int) -> np.ndarray:
        if isinstance(y, (str, bytes)) or not hasattr(y, "__len__") or isinstance(y, Mapping):
            raise TypeError(
                f"y must be a sequence of labels (list, numpy array, pandas Series), got {type(y).__name__}"
            )
        values = y.tolist() if hasattr(y, "tolist") else list(y)
        if len(values) != n:
            raise ValueError(f"X has {n} samples but y has {len(values)} labels")
        if any(v is None for v in values):
            raise ValueError("a label is None; valid: any hashable value except None")
        return self._labels.encode(values)

    # ------------------------------------------------------------------ River API: one sample
    def learn_one(self, x: Mapping[Hashable, Any], y: Hashable) -> None:
        """Learn one sample.

        :param x: ``{feature: value}`` with numbers, strings (one-hot encoded) or None (missing)
        :param y: its label (any hashable value but None)
        :raises TypeError: ``x`` is not a dict, a value or the label has an unsupported type
        :raises ValueError: the label is None or a value is not finite
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use learn_many for batches")
        if y is None:
            raise ValueError("the label is None; valid: any hashable value except None")
        rows = self._encode([x])
        self._learn_rows(rows, self._labels.encode([y]))

    def predict_proba_one(self, x: Mapping[Hashable, Any]) -> dict[Hashable, float]:
        """Class probabilities of one sample (``{}`` before anything was learned).

        :param x: ``{feature: value}``
        :return: ``{label: probability}`` over the labels seen so far
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use predict_proba_many")
        p = self._predict_rows(self._encode([x]))
        if p is None:
            return {}
        return dict(zip(self._labels.classes, p[0].tolist(), strict=True))

    def predict_one(self, x: Mapping[Hashable, Any]) -> Hashable | None:
        """The most probable label of one sample (None before anything was learned).

        :param x: ``{feature: value}``
        :return: a label seen so far, or None
        """
        if not isinstance(x, Mapping):
            raise TypeError(f"x must be a dict of features, got {type(x).__name__}; use predict_many")
        p = self._predict_rows(self._encode([x]))
        return None if p is None else self._labels.classes[int(p[0].argmax())]

    # ------------------------------------------------------------------ River API: batches
    def learn_many(self, X: Any, y: Any) -> None:
        """Learn a batch (one Adam step for the networks, all samples into the memory).

        :param X: a 2-D numpy array (columns ``0 .. d-1``), a pandas DataFrame or a list of dicts
        :param y: one label per row (list, numpy array, pandas Series)
        :raises TypeError: an unsupported batch or label type
        :raises ValueError: mismatched lengths, a None label, a non-finite value or an array that is not 2-D
        """
        rows = self._encode(X)
        self._learn_rows(rows, self._label_array(y, len(rows)))

    def predict_proba_many(self, X: Any) -> Any:
        """Class probabilities of a batch.

        :param X: a 2-D numpy array, a pandas DataFrame or a list of dicts
        :return: ``(n, len(classes))`` float32 numpy array, columns in :attr:`classes` order (a DataFrame
            with those columns and ``X``'s index for a DataFrame)
        """
        rows = self._encode(X)
        p = self._predict_rows(rows)
        out = np.zeros((len(rows), 0), dtype=np.float32) if p is None else p
        if is_dataframe(X):
            import pandas as pd

            return pd.DataFrame(out, index=X.index, columns=self.classes)
        return out

    def predict_many(self, X: Any) -> Any:
        """Most probable labels of a batch.

        :param X: a 2-D numpy array, a pandas DataFrame or a list of dicts
        :return: 1-D numpy array of labels: of the labels' dtype when every class is an int, a float, a
            bool or a str (all of one type), else of dtype object (tuples stay whole); ``None`` everywhere
            before anything was learned; a pandas Series with ``X``'s index for a DataFrame
        """
        rows = self._encode(X)
        p = self._predict_rows(rows)
        if p is None:
            labels: list[Any] = [None] * len(rows)
        else:
            labels = self._labels.decode(p.argmax(1).tolist())
        if is_dataframe(X):
            import pandas as pd

            return pd.Series(labels, index=X.index)
        kinds = {type(c) for c in self._labels.classes}
        if p is not None and len(kinds) == 1 and kinds <= {int, float, bool, str}:
            return np.array(labels)
        out = np.empty(len(labels), dtype=object)
        out[:] = labels
        return out

    def __repr__(self) -> str:
        pool = ", ".join(self.expert_names)
        return f"AutoClassifier(seed={self.seed}, pool=[{pool}], n_seen={self.n_seen}, classes={len(self._labels)})"
