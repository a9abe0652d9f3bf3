"""Prototype scorer: sentence-to-frame similarity, top-k article scores, calibration to [0, 1]."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.scoring.base import EmbeddedSentences, top_k_mean

_MIN_SPAN = 0.05  # smallest hi - lo anchor distance, in cosine units


def _group_max(sims: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Column-group maximum: ``out[:, g] = max(sims[:, groups == g])`` (-inf for an empty group)."""
    out = np.full((sims.shape[0], n_groups), -np.inf, dtype=np.float64)
    if sims.shape[1] == 0:
        return out
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, np.diff(sorted_groups) != 0])
    reduced = np.maximum.reduceat(sims[:, order], starts, axis=1) if sims.shape[0] else np.zeros((0, len(starts)))
    out[:, sorted_groups[starts]] = reduced
    return out


def calibrate(raw: np.ndarray, lo: np.ndarray, hi: np.ndarray, slope: float) -> np.ndarray:
    """Logistic map of raw scores between two anchors.

    ``score = 1 / (1 + exp(-slope * ((raw - lo) / (hi - lo) - 0.5)))``: ``lo`` maps to
    ``1 / (1 + exp(slope / 2))`` (0.047 for slope 6), ``hi`` to 0.953. NaN (an article
    with no sentences) maps to 0.

    >>> calibrate(np.array([[0.2, 0.6]]), np.array([0.2, 0.2]), np.array([0.6, 0.6]), 6.0).round(3).tolist()
    [[0.047, 0.953]]
    """
    span = np.maximum(hi - lo, _MIN_SPAN)
    z = slope * ((raw - lo) / span - 0.5)
    out = 1.0 / (1.0 + np.exp(-z))
    return np.where(np.isnan(raw), 0.0, out)


class PrototypeScorer(TransformerMixin, BaseEstimator):
    """Frame scores from sentence similarity to each frame's prototype sentences.

    A sentence's similarity to frame *f* is its maximum cosine to the frame's
    prototypes, minus ``counter_weight`` times how much closer it is to the frame's
    counter-examples (if any); an article's raw score is the mean of its ``top_k``
    highest sentence similarities, which is calibrated to [0, 1] between an 'off
    frame' anchor ``lo`` and an 'on frame' anchor ``hi`` (see :func:`calibrate`).

    Parameters
    ----------
    prototypes : mapping of str to ndarray of shape (n_prototypes, dim)
        L2-normalised prototype vectors per frame, in codebook order.
    counter_examples : mapping of str to ndarray, optional
    top_k : int, default 3
    counter_weight : float, default 1.0
    calibration : {"reference", "corpus", "none"}, default "reference"
        ``"reference"``: ``lo`` = ``background_quantile`` of the ``background``
        sentences' similarities, ``hi`` = ``prototype_quantile`` of the leave-one-out
        similarities of each prototype to its own frame's other prototypes. ``"corpus"``: ``lo``/``hi`` =
        ``corpus_quantiles`` of the raw article scores of ``X`` passed to ``fit``.
        ``"none"``: the raw score clipped to [0, 1].
    background : ndarray of shape (n_background, dim), optional
        Neutral sentences for ``calibration="reference"``.
    background_quantile : float, default 0.9
    prototype_quantile : float, default 0.9
    corpus_quantiles : tuple of float, default (0.5, 0.95)
    slope : float, default 6.0
    anchors : mapping of str to (float, float), optional
        Precomputed ``(lo, hi)`` per frame (a stored calibration); when given, ``fit``
        uses them instead of computing.

    Attributes
    ----------
    frame_ids_ : list of str
    prototype_matrix_ : ndarray of shape (n_prototypes_total, dim)
    prototype_frame_ : ndarray of shape (n_prototypes_total,)
    counter_matrix_, counter_frame_ : same for counter-examples
    lo_, hi_ : ndarray of shape (n_frames,)

    Examples
    --------
    >>> protos = {"a": np.array([[1.0, 0.0]]), "b": np.array([[0.0, 1.0]])}
    >>> X = EmbeddedSentences(np.array([[1.0, 0.0], [0.6, 0.8]]), np.array([0, 0]), ["doc"])
    >>> PrototypeScorer(protos, top_k=1, calibration="none").fit().transform(X).round(3).tolist()
    [[1.0, 0.8]]

    References
    ----------
    Prototype (nearest-exemplar) classification with sentence embeddings: Reimers &
    Gurevych (2019), "Sentence-BERT", EMNLP; top-k pooling of sentence evidence as in
    multiple-instance learning (Dietterich et al. 1997).
    """

    def __init__(self, prototypes: Mapping[str, np.ndarray] | None = None,
                 counter_examples: Mapping[str, np.ndarray] | None = None, top_k: int = 3,
                 counter_weight: float = 1.0, calibration: str = "reference", background: np.ndarray | None = None,
                 background_quantile: float = 0.9, prototype_quantile: float = 0.9,
                 corpus_quantiles: tuple = (0.5, 0.95), slope: float = 6.0,
                 anchors: Mapping[str, tuple[float, float]] | None = None):
        self.prototypes = prototypes
        self.counter_examples = counter_examples
        self.top_k = top_k
        self.counter_weight = counter_weight
        self.calibration = calibration
        self.background = background
        self.background_quantile = background_quantile
        self.prototype_quantile = prototype_quantile
        self.corpus_quantiles = corpus_quantiles
        self.slope = slope
        self.anchors = anchors

    # ------------------------------------------------------------------ fit
    def fit(self, X: EmbeddedSentences | None = None, y=None) -> "PrototypeScorer":
        if not self.prototypes:
            raise ValueError("PrototypeScorer: prototypes must name at least one frame")
        if self.calibration not in ("reference", "corpus", "none"):
            raise ValueError(f"calibration={self.calibration!r}: expected 'reference', 'corpus' or 'none'")
        self.frame_ids_ = list(self.prototypes)
        mats, groups = [], []
        for f, fid in enumerate(self.frame_ids_):
            m = np.asarray(self.prototypes[fid], dtype=np.float32)
            if m.ndim != 2 or len(m) == 0:
                raise ValueError(f"prototypes of frame {fid!r}: expected a non-empty 2-D array, got {m.shape}")
            mats.append(m)
            groups.append(np.full(len(m), f))
        self.prototype_matrix_ = np.vstack(mats)
        self.prototype_frame_ = np.concatenate(groups)
        cmats, cgroups = [], []
        for f, fid in enumerate(self.frame_ids_):
            c = (self.counter_examples or {}).get(fid)
            if c is not None and len(c):
                cmats.append(np.asarray(c, dtype=np.float32))
                cgroups.append(np.full(len(c), f))
        dim = self.prototype_matrix_.shape[1]
        self.counter_matrix_ = np.vstack(cmats) if cmats else np.zeros((0, dim), np.float32)
        self.counter_frame_ = np.concatenate(cgroups) if cgroups else np.zeros(0, int)

        n = len(self.frame_ids_)
        if self.anchors is not None:
            missing = [f for f in self.frame_ids_ if f not in self.anchors]
            if missing:
                raise ValueError(f"anchors: no calibration for frames {missing}")
            self.lo_ = np.array([self.anchors[f][0] for f in self.frame_ids_], dtype=np.float64)
            self.hi_ = np.array([self.anchors[f][1] for f in self.frame_ids_], dtype=np.float64)
        elif self.calibration == "none":
            self.lo_, self.hi_ = np.zeros(n), np.ones(n)
        elif self.calibration == "reference":
            self.lo_, self.hi_ = self._reference_anchors()
        else:
            if X is None or X.n_articles == 0:
                raise ValueError("calibration='corpus' needs the corpus (X) passed to fit")
            raw = self.raw_scores(X)
            q_lo, q_hi = self.corpus_quantiles
            self.lo_ = np.nanquantile(raw, q_lo, axis=0)
            self.hi_ = np.nanquantile(raw, q_hi, axis=0)
        return self

    def _reference_anchors(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.frame_ids_)
        if self.background is None or len(self.background) == 0:
            raise ValueError("calibration='reference' needs background sentence vectors")
        bg = self.sentence_similarity(np.asarray(self.background, dtype=np.float32))
        lo = np.quantile(bg, self.background_quantile, axis=0)
        # 'on frame': each prototype's similarity to its own frame with itself left out
        P = self.prototype_matrix_
        sims = P @ P.T
        np.fill_diagonal(sims, -np.inf)
        loo = _group_max(sims, self.prototype_frame_, n)[np.arange(len(P)), self.prototype_frame_]
        hi = np.ones(n)
        for f in range(n):
            vals = loo[self.prototype_frame_ == f]
            vals = vals[np.isfinite(vals)]
            if len(vals):
                hi[f] = np.quantile(vals, self.prototype_quantile)
        return lo, np.maximum(hi, lo + _MIN_SPAN)

    # ------------------------------------------------------------------ transform
    def sentence_similarity(self, vectors: np.ndarray) -> np.ndarray:
        """Sentence-frame similarity, ndarray of shape (n_sentences, n_frames)."""
        check_is_fitted(self, "prototype_matrix_")
        vectors = np.asarray(vectors, dtype=np.float32)
        n = len(self.frame_ids_)
        best = _group_max(vectors @ self.prototype_matrix_.T, self.prototype_frame_, n)
        if len(self.counter_matrix_) and self.counter_weight > 0:
            counter = _group_max(vectors @ self.counter_matrix_.T, self.counter_frame_, n)
            best = best - self.counter_weight * np.maximum(0.0, np.where(np.isfinite(counter), counter - best, 0.0))
        return best

    def raw_scores(self, X: EmbeddedSentences, sentence_sims: np.ndarray | None = None) -> np.ndarray:
        """Mean of the top-k sentence similarities, ndarray of shape (n_articles, n_frames); NaN without sentences."""
        sims = self.sentence_similarity(X.vectors) if sentence_sims is None else sentence_sims
        return top_k_mean(X.padded(sims), self.top_k)

    def calibrate(self, raw: np.ndarray, anchors: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Raw scores (n_articles, n_frames) to [0, 1] between the anchors.

        ``anchors``, optional: ``(lo, hi)`` per article and frame, two ndarrays of shape
        (n_articles, n_frames), instead of ``lo_`` and ``hi_`` (per-language calibration,
        :mod:`framing.scoring.languages`).
        """
        check_is_fitted(self, "lo_")
        if self.calibration == "none":
            return np.clip(np.nan_to_num(raw, nan=0.0), 0.0, 1.0)
        if anchors is None:
            return calibrate(raw, self.lo_, self.hi_, self.slope)
        return calibrate(raw, anchors[0], anchors[1], self.slope)

    def transform(self, X: EmbeddedSentences) -> np.ndarray:
        """Calibrated frame scores in [0, 1], ndarray of shape (n_articles, n_frames)."""
        return self.calibrate(self.raw_scores(X))
