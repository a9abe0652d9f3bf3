"""Axis scorer after FrameAxis (Kwak et al. 2021): bias and intensity on a bipolar frame axis."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.scoring.base import EmbeddedSentences, top_k_mean


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    if norm == 0:
        raise ValueError("axis: the two poles' prototype centroids coincide; the axis has no direction")
    return v / norm


def article_seed(random_state: int, article_id: str) -> np.random.Generator:
    """A generator seeded by ``random_state`` and the article id (independent of batching)."""
    key = int.from_bytes(hashlib.sha256(str(article_id).encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng([int(random_state) & 0xFFFFFFFF, key])


@dataclass
class AxisResult:
    """Everything the axis scorer computes for a batch.

    Per article (ndarray of shape (n_articles,)): ``bias`` and its interval ``lo``,
    ``hi`` in [-1, 1]; ``intensity`` (scaled mean squared deviation); ``bias_raw`` and
    ``intensity_raw`` in cosine units; ``relevance_raw`` (top-k mean of the sentences'
    similarity to either pole); ``p_a``, ``p_b``: bootstrap probabilities that the
    position lies beyond ``+band`` / ``-band`` (``p_neutral = 1 - p_a - p_b``). Per
    sentence (ndarray of shape (n_sentences,)): ``position`` (cosine with the axis),
    ``weight`` (relevance weight, sums to 1 per article), ``gate`` in [0, 1] and
    ``contribution`` = weight * gate * (position - baseline, less the neutral zone).
    """

    bias: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    intensity: np.ndarray
    bias_raw: np.ndarray
    intensity_raw: np.ndarray
    relevance_raw: np.ndarray
    position: np.ndarray
    weight: np.ndarray
    contribution: np.ndarray
    p_a: np.ndarray | None = None
    p_b: np.ndarray | None = None
    gate: np.ndarray | None = None

    def leaning(self) -> tuple[np.ndarray, np.ndarray]:
        """(label per article: ``"a"``, ``"b"`` or ``"neutral"``; its probability)."""
        p_n = np.clip(1.0 - self.p_a - self.p_b, 0.0, 1.0)
        probs = np.column_stack([self.p_a, p_n, self.p_b])
        best = np.nanargmax(np.nan_to_num(probs, nan=-1.0), axis=1)
        labels = np.array(["a", "neutral", "b"], dtype=object)[best]
        p = probs[np.arange(len(best)), best]
        empty = ~np.isfinite(self.bias)
        labels[empty], p[empty] = "neutral", np.nan
        return labels, p


class AxisScorer(TransformerMixin, BaseEstimator):
    """Position of articles on a bipolar frame axis, with a bootstrap interval.

    The axis vector is the normalised difference of the two poles' prototype
    centroids; a sentence's position is its cosine with the axis; an article's bias
    is the relevance-weighted mean of ``position - baseline`` and its intensity the
    weighted mean of ``(position - baseline)**2`` (Kwak et al. 2021, eqs. 2-3, with
    relevance weights in place of word counts). Relevance of a sentence is its
    maximum cosine to any prototype of either pole, so sentences that are about
    neither pole do not dilute the article's position. The bias is reported as
    ``tanh(bias / scale)`` in [-1, 1]; intensity as ``intensity / scale**2``.

    Zero means "neither pole more than a neutral text would be": the baseline is the
    mean position of ``neutral`` sentences on the axis's topic; a sentence position
    within ``dead_zone`` standard deviations of theirs counts as neutral (only the
    excess counts); a sentence more similar to a neutral sentence than to any pole
    prototype is gated out (``gate``); and with ``balanced`` each side is scaled by its
    own pole, so a prototypical pole-B text lies as far from 0 as a pole-A one. A
    text whose pole-relevant sentences are few or neutral-like therefore sits near 0.
    ``p_a``/``p_b`` are bootstrap probabilities of lying beyond ``±leaning_band``.

    Parameters
    ----------
    pole_a, pole_b : ndarray of shape (n_prototypes, dim)
        L2-normalised prototype vectors of pole A (positive) and pole B (negative).
    baseline : {"reference", "corpus", "zero"} or float, default "reference"
        ``"reference"``: mean position of ``reference`` (neutral sentences);
        ``"corpus"``: mean position of the sentences of ``X`` passed to ``fit``
        (FrameAxis' choice); ``"zero"``; or a precomputed number.
    reference : ndarray of shape (n_reference, dim), optional
    neutral : ndarray of shape (n_neutral, dim), optional
        The axis's neutral on-topic sentences (default: ``reference``): baseline,
        neutral zone and gate.
    dead_zone : float, default 0.0
        Half-width of the neutral zone, in standard deviations of the neutral
        sentences' positions.
    gate : float or None, default None
        Temperature of ``sigmoid((rel_pole - rel_neutral) / gate)`` per sentence.
    balanced : bool, default False
    leaning_band : float, default 0.2
    weighting : {"softmax", "top", "uniform"}, default "softmax"
        Relevance weights within an article: ``softmax(relevance / temperature)``;
        equal weights on the ``top_fraction`` most relevant sentences (at least
        ``min_top``); or uniform (FrameAxis' unweighted mean).
    temperature : float, default 0.1
    top_fraction : float, default 0.25
    min_top : int, default 3
        Also ``k`` of the top-k mean behind ``relevance_raw``.
    scale : float, optional
        ``None``: half the distance between the mean positions of the pole-A and
        pole-B prototypes (with ``balanced``: the pole-A prototypes' distance beyond
        the neutral zone).
    scale_b : float, optional
        With ``balanced``, the scale of negative positions (default: pole B's).
    n_boot : int, default 1000
        Bootstrap resamples of an article's sentences (0: no interval, lo = hi = bias).
    ci_level : float, default 0.95
    random_state : int, default 0

    Attributes
    ----------
    axis_ : ndarray of shape (dim,)
    baseline_ : float
    spread_ : float
        Standard deviation of the neutral sentences' positions.
    scale_, scale_b_ : float
        Scales of positive and negative positions (equal unless ``balanced``).

    Examples
    --------
    >>> a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    >>> X = EmbeddedSentences(np.array([[1.0, 0.0], [0.8, 0.6]]), np.array([0, 0]), ["doc"])
    >>> scorer = AxisScorer(a, b, baseline="zero", weighting="uniform", n_boot=0).fit()
    >>> round(float(scorer.score(X).bias_raw[0]), 4)    # mean of 0.7071 and 0.1414
    0.4243

    References
    ----------
    Kwak, H., An, J., Jing, E. & Ahn, Y.-Y. (2021). FrameAxis: characterizing
    microframe bias and intensity with word embedding. PeerJ Computer Science 7:e644.
    Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap (percentile
    interval).
    """

    def __init__(self, pole_a: np.ndarray | None = None, pole_b: np.ndarray | None = None,
                 baseline: str | float = "reference", reference: np.ndarray | None = None,
                 neutral: np.ndarray | None = None, dead_zone: float = 0.0, gate: float | None = None,
                 balanced: bool = False, leaning_band: float = 0.2,
                 weighting: str = "softmax", temperature: float = 0.1, top_fraction: float = 0.25,
                 min_top: int = 3, scale: float | None = None, scale_b: float | None = None, n_boot: int = 1000,
                 ci_level: float = 0.95, random_state: int = 0):
        self.pole_a = pole_a
        self.pole_b = pole_b
        self.baseline = baseline
        self.reference = reference
        self.neutral = neutral
        self.dead_zone = dead_zone
        self.gate = gate
        self.balanced = balanced
        self.leaning_band = leaning_band
        self.weighting = weighting
        self.temperature = temperature
        self.top_fraction = top_fraction
        self.min_top = min_top
        self.scale = scale
        self.scale_b = scale_b
        self.n_boot = n_boot
        self.ci_level = ci_level
        self.random_state = random_state

    def fit(self, X: EmbeddedSentences | None = None, y=None) -> "AxisScorer":
        if self.pole_a is None or self.pole_b is None or len(self.pole_a) == 0 or len(self.pole_b) == 0:
            raise ValueError("AxisScorer: pole_a and pole_b need at least one prototype vector each")
        if self.weighting not in ("softmax", "top", "uniform"):
            raise ValueError(f"weighting={self.weighting!r}: expected 'softmax', 'top' or 'uniform'")
        A = np.asarray(self.pole_a, dtype=np.float64)
        B = np.asarray(self.pole_b, dtype=np.float64)
        self.axis_ = _unit(A.mean(axis=0) - B.mean(axis=0))
        self.poles_ = np.vstack([A, B]).astype(np.float32)
        neutral = self.neutral if self.neutral is not None and len(self.neutral) else self.reference
        self.neutral_ = None if neutral is None or len(neutral) == 0 else np.asarray(neutral, dtype=np.float32)
        if self.gate is not None and self.neutral_ is None:
            raise ValueError("gate needs neutral (or reference) sentence vectors")
        if isinstance(self.baseline, (int, float)) and not isinstance(self.baseline, bool):
            self.baseline_ = float(self.baseline)
        elif self.baseline == "zero":
            self.baseline_ = 0.0
        elif self.baseline == "reference":
            if self.neutral_ is None:
                raise ValueError("baseline='reference' needs reference (or neutral) sentence vectors")
            self.baseline_ = float(np.mean(self.neutral_.astype(np.float64) @ self.axis_))
        elif self.baseline == "corpus":
            if X is None or X.n_sentences == 0:
                raise ValueError("baseline='corpus' needs the corpus (X) passed to fit")
            self.baseline_ = float(np.mean(X.vectors.astype(np.float64) @ self.axis_))
        else:
            raise ValueError(f"baseline={self.baseline!r}: expected 'reference', 'corpus', 'zero' or a number")
        self.spread_ = float(np.std(self.neutral_.astype(np.float64) @ self.axis_)) \
            if self.neutral_ is not None and len(self.neutral_) > 1 else 0.0
        zone = self.dead_zone * self.spread_
        for name in ("scale", "scale_b"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name}={value!r}: expected a positive number")
        a_mean, b_mean = float((A @ self.axis_).mean()), float((B @ self.axis_).mean())
        if self.balanced:
            # each pole's distance beyond the neutral zone, measured from the neutral sentences'
            # mean (not from the baseline in use), so it does not depend on the baseline mode
            floor = 0.1 * (a_mean - b_mean) / 2.0
            anchor = float(np.mean(self.neutral_.astype(np.float64) @ self.axis_)) \
                if self.neutral_ is not None else self.baseline_
            self.scale_ = float(self.scale) if self.scale is not None else max(a_mean - anchor - zone, floor)
            self.scale_b_ = float(self.scale_b) if self.scale_b is not None else max(anchor - b_mean - zone, floor)
        else:
            self.scale_ = float(self.scale) if self.scale is not None else (a_mean - b_mean) / 2.0
            self.scale_b_ = self.scale_
        return self

    def _scaled(self, raw: np.ndarray) -> np.ndarray:
        """``tanh(raw / scale)``, each side with its own scale."""
        raw = np.asarray(raw, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return np.tanh(np.where(raw >= 0, raw / self.scale_, raw / self.scale_b_))

    # ------------------------------------------------------------------ scoring
    def _weights(self, X: EmbeddedSentences, relevance: np.ndarray) -> np.ndarray:
        """Unnormalised relevance weights, ndarray of shape (n_sentences,)."""
        if self.weighting == "uniform" or X.n_sentences == 0:
            return np.ones(X.n_sentences)
        padded = X.padded(relevance, fill=-np.inf)
        if self.weighting == "softmax":
            peak = padded.max(axis=1)[X.article_index]
            return np.exp((relevance - peak) / self.temperature)
        counts = X.counts
        m = np.maximum(np.minimum(counts, self.min_top), np.ceil(self.top_fraction * counts)).astype(int)
        rank = np.empty_like(padded, dtype=np.int64)
        order = np.argsort(-padded, axis=1, kind="stable")
        np.put_along_axis(rank, order, np.arange(padded.shape[1])[None, :].repeat(len(padded), 0), axis=1)
        sentence_rank = rank[X.article_index, X.position_in_article()]
        return (sentence_rank < m[X.article_index]).astype(np.float64)

    def score(self, X: EmbeddedSentences) -> AxisResult:
        """Bias, interval, intensity and relevance per article; positions and weights per sentence."""
        check_is_fitted(self, "axis_")
        V = X.vectors
        position = V.astype(np.float64) @ self.axis_
        relevance = (V @ self.poles_.T).max(axis=1).astype(np.float64) if len(V) else np.zeros(0)
        raw_w = self._weights(X, relevance)
        dev = position - self.baseline_
        zone = self.dead_zone * self.spread_
        if zone > 0:
            dev = np.sign(dev) * np.maximum(np.abs(dev) - zone, 0.0)
        if self.gate is not None and len(V):
            rel_neutral = (V @ self.neutral_.T).max(axis=1).astype(np.float64)
            gate = 1.0 / (1.0 + np.exp(-(relevance - rel_neutral) / self.gate))
        else:
            gate = np.ones(len(V))
        dev = gate * dev
        n_art = X.n_articles
        wsum = np.bincount(X.article_index, weights=raw_w, minlength=n_art)
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = raw_w / wsum[X.article_index] if len(raw_w) else raw_w
            bias_raw = np.bincount(X.article_index, weights=weight * dev, minlength=n_art)
            intensity_raw = np.bincount(X.article_index, weights=weight * dev ** 2, minlength=n_art)
        empty = X.counts == 0
        bias_raw[empty] = np.nan
        intensity_raw[empty] = np.nan
        lo_raw, hi_raw, p_a, p_b = self._bootstrap(X, raw_w, dev, bias_raw)
        relevance_raw = top_k_mean(X.padded(relevance[:, None]), self.min_top)[:, 0]
        bias = self._scaled(bias_raw)
        s = np.where(bias_raw >= 0, self.scale_, self.scale_b_)
        return AxisResult(
            bias=bias, lo=self._scaled(lo_raw), hi=self._scaled(hi_raw),
            intensity=intensity_raw / s ** 2, bias_raw=bias_raw, intensity_raw=intensity_raw,
            relevance_raw=relevance_raw, position=position, weight=weight, contribution=weight * dev,
            p_a=p_a, p_b=p_b, gate=gate,
        )

    def _bootstrap(self, X: EmbeddedSentences, raw_w: np.ndarray, dev: np.ndarray,
                   bias_raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Percentile interval of the weighted mean over sentence resamples, and the
        probabilities of lying beyond ``±leaning_band``, per article."""
        lo, hi = bias_raw.copy(), bias_raw.copy()
        scaled = self._scaled(bias_raw)
        band = self.leaning_band
        p_a = np.where(np.isfinite(scaled), (scaled > band).astype(np.float64), np.nan)
        p_b = np.where(np.isfinite(scaled), (scaled < -band).astype(np.float64), np.nan)
        if self.n_boot <= 0:
            return lo, hi, p_a, p_b
        alpha = (1.0 - self.ci_level) / 2.0
        offsets = X.offsets
        for a in range(X.n_articles):
            s, e = offsets[a], offsets[a + 1]
            n = e - s
            if n < 2:
                continue
            rng = article_seed(self.random_state, X.article_ids[a] if X.article_ids else str(a))
            idx = rng.integers(0, n, size=(self.n_boot, n))
            w = raw_w[s:e][idx]
            num = (w * dev[s:e][idx]).sum(axis=1)
            den = w.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                boots = num / den
            boots = boots[np.isfinite(boots)]
            if len(boots):
                lo[a], hi[a] = np.quantile(boots, [alpha, 1.0 - alpha])
                scaled_boots = self._scaled(boots)
                p_a[a], p_b[a] = float((scaled_boots > band).mean()), float((scaled_boots < -band).mean())
        return lo, hi, p_a, p_b

    def transform(self, X: EmbeddedSentences) -> np.ndarray:
        """ndarray of shape (n_articles, 4): bias, lo, hi, intensity."""
        r = self.score(X)
        return np.column_stack([r.bias, r.lo, r.hi, r.intensity])
