"""The scoring pipeline: lexicon + prototype + axis scorers for one codebook.

Scoring is a pure function of (a batch of articles, codebook, settings, a small
corpus-level :class:`Calibration`) so batches can run anywhere (a Dask worker, a
notebook, the CLI) and give the same rows::

    calibration = fit_calibration(articles, codebook, settings, encoder)   # first pass
    scores, evidence, components = score_batch(batch, codebook, settings, calibration, encoder)
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from framing.codebook import Codebook
from framing.corpus import Article
from framing.embed import embed_articles
from framing.language import normalise_language
from framing.scoring.axis import AxisScorer
from framing.scoring.base import EmbeddedSentences, top_k_indices
from framing.scoring.languages import (
    BACKGROUND_LANGUAGES,
    anchor_matrices,
    encode_language_backgrounds,
    language_anchors,
)
from framing.scoring.lexicon import LexiconScorer
from framing.scoring.prototype import PrototypeScorer
from framing.scoring.settings import ScoringSettings
from framing.scoring.vectors import CodebookVectors, encode_codebook

log = logging.getLogger(__name__)

EVIDENCE_COLUMNS = ["article_id", "target", "pole", "kind", "rank", "sentence_index", "start", "end", "text",
                    "value"]
COMPONENT_COLUMNS = ["article_id", "target", "component", "value"]


@dataclass
class Calibration:
    """Corpus-level numbers fitted in the first pass (small, JSON-serialisable).

    ``frame_anchors``: frame id -> (lo, hi) raw-score anchors; ``axis_baseline``,
    ``axis_scale`` (positive side) and ``axis_scale_b`` (negative side; the same as
    ``axis_scale`` when absent): axis id -> float, in cosine units.
    ``language_anchors``: language -> frame id -> (lo, hi) anchors for articles in that
    language; ``language_alignment`` (the encoder's translation-retrieval accuracy on the
    background sentences) and ``language_slope`` (the fitted slope): language -> float
    (:mod:`framing.scoring.languages`; all empty in a calibration stored before they
    existed, which then scores every article on the English anchors).
    """

    codebook_id: str
    codebook_sha256: str
    encoder_id: str
    settings_sha256: str
    calibration: str
    axis_baseline_mode: str
    frame_anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    axis_baseline: dict[str, float] = field(default_factory=dict)
    axis_scale: dict[str, float] = field(default_factory=dict)
    n_articles: int = 0
    axis_scale_b: dict[str, float] = field(default_factory=dict)
    language_anchors: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    language_alignment: dict[str, float] = field(default_factory=dict)
    language_slope: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["frame_anchors"] = {k: [float(v[0]), float(v[1])] for k, v in self.frame_anchors.items()}
        out["language_anchors"] = {lang: {k: [float(v[0]), float(v[1])] for k, v in table.items()}
                                   for lang, table in self.language_anchors.items()}
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "Calibration":
        data = dict(data)
        data["frame_anchors"] = {k: (float(v[0]), float(v[1])) for k, v in data.get("frame_anchors", {}).items()}
        data["language_anchors"] = {lang: {k: (float(v[0]), float(v[1])) for k, v in table.items()}
                                    for lang, table in data.get("language_anchors", {}).items()}
        return cls(**data)

    def check(self, codebook: Codebook, encoder_id: str, settings: ScoringSettings) -> None:
        """Raise ``ValueError`` when this calibration was fitted for another codebook, encoder or settings."""
        if self.codebook_sha256 != codebook.sha256:
            raise ValueError(f"calibration was fitted for codebook {self.codebook_id!r} "
                             f"(sha256 {self.codebook_sha256[:12]}), not {codebook.id!r} ({codebook.sha256[:12]})")
        if self.encoder_id != encoder_id:
            raise ValueError(f"calibration was fitted with encoder {self.encoder_id!r}, not {encoder_id!r}")
        if self.settings_sha256 != settings.sha256:
            raise ValueError("calibration was fitted with different scoring settings")


class CodebookScorer(BaseEstimator):
    """All scores of one codebook: a lexicon, a prototype and one axis scorer per axis.

    A frame's score (``frame:<id>``) blends its calibrated prototype score and its lexicon
    score (``embedding_weight``, ``lexicon_weight``). A residual frame (``residual: true``,
    "none of the other frames") is further blended with the complement of the strongest
    non-residual frame (``residual_weight``; component ``complement``).

    Parameters
    ----------
    codebook : Codebook
    vectors : CodebookVectors
        The codebook's encoded sentences (:func:`encode_codebook`).
    settings : ScoringSettings, optional
    calibration : Calibration, optional
        Fitted anchors; when given, ``fit`` needs no corpus.
    encoder_id : str, default ""
    language_vectors : mapping of str to ndarray, optional
        Background sentence vectors of English and other languages
        (:func:`framing.scoring.languages.encode_language_backgrounds`); with
        ``settings.language_calibration`` and ``calibration="reference"``, ``fit`` derives
        per-language frame anchors from them. Ignored when ``calibration`` is given.

    Attributes
    ----------
    lexicon_ : LexiconScorer
    prototype_ : PrototypeScorer
    axes_ : dict of str to AxisScorer
    calibration_ : Calibration
    """

    def __init__(self, codebook: Codebook | None = None, vectors: CodebookVectors | None = None,
                 settings: ScoringSettings | None = None, calibration: Calibration | None = None,
                 encoder_id: str = "", language_vectors: Mapping[str, np.ndarray] | None = None):
        self.codebook = codebook
        self.vectors = vectors
        self.settings = settings
        self.calibration = calibration
        self.encoder_id = encoder_id
        self.language_vectors = language_vectors

    def fit(self, X: EmbeddedSentences | None = None, y=None) -> "CodebookScorer":
        cb, vec, cal = self.codebook, self.vectors, self.calibration
        s = self.settings or ScoringSettings()
        if cb is None or vec is None:
            raise ValueError("CodebookScorer needs a codebook and its encoded vectors")
        self.lexicon_ = LexiconScorer({f.id: f.lexicon for f in cb.frames}, inflections=s.lexicon_inflections,
                                      per_tokens=s.per_tokens, max_matches=s.evidence_terms).fit()
        self.prototype_ = PrototypeScorer(
            vec.prototypes, vec.counter_examples, top_k=s.top_k, counter_weight=s.counter_weight,
            calibration=s.calibration, background=vec.background, background_quantile=s.background_quantile,
            prototype_quantile=s.prototype_quantile, corpus_quantiles=s.corpus_quantiles, slope=s.calibration_slope,
            anchors=cal.frame_anchors if cal is not None else None,
        ).fit(X)
        self.axes_ = {}
        for axis in cb.axes:
            self.axes_[axis.id] = AxisScorer(
                vec.prototypes[axis.pole_a], vec.prototypes[axis.pole_b],
                baseline=cal.axis_baseline[axis.id] if cal is not None else s.axis_baseline,
                reference=vec.reference, neutral=vec.neutral.get(axis.id), dead_zone=s.axis_dead_zone,
                gate=s.axis_gate, balanced=s.axis_balanced, leaning_band=s.axis_leaning_band,
                weighting=s.axis_weighting, temperature=s.axis_temperature,
                top_fraction=s.axis_top_fraction, min_top=s.top_k,
                scale=cal.axis_scale[axis.id] if cal is not None else s.axis_scale,
                scale_b=(cal.axis_scale_b.get(axis.id, cal.axis_scale[axis.id]) if cal is not None
                         else s.axis_scale),
                n_boot=s.n_boot, ci_level=s.ci_level, random_state=s.random_state,
            ).fit(X)
        lang_anchors, alignment, slope = {}, {}, {}
        if cal is None and s.language_calibration and s.calibration == "reference" and self.language_vectors:
            lang_anchors, alignment, slope = language_anchors(
                self.prototype_.sentence_similarity, self.language_vectors, self.prototype_.lo_, self.prototype_.hi_,
                self.prototype_.frame_ids_)
        self.calibration_ = cal if cal is not None else Calibration(
            codebook_id=cb.id, codebook_sha256=cb.sha256, encoder_id=self.encoder_id,
            settings_sha256=s.sha256, calibration=s.calibration, axis_baseline_mode=s.axis_baseline,
            frame_anchors={f: (float(lo), float(hi)) for f, lo, hi in
                           zip(self.prototype_.frame_ids_, self.prototype_.lo_, self.prototype_.hi_)},
            axis_baseline={a: sc.baseline_ for a, sc in self.axes_.items()},
            axis_scale={a: sc.scale_ for a, sc in self.axes_.items()},
            axis_scale_b={a: sc.scale_b_ for a, sc in self.axes_.items()},
            n_articles=X.n_articles if X is not None else 0,
            language_anchors=lang_anchors, language_alignment=alignment, language_slope=slope,
        )
        return self

    # ------------------------------------------------------------------ scoring
    def score(self, articles: Sequence[Article], sentences: pd.DataFrame,
              X: EmbeddedSentences) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Score a batch.

        Parameters
        ----------
        articles : sequence of Article, length n_articles
        sentences : DataFrame
            From :func:`framing.segment.segment` for ``articles``.
        X : EmbeddedSentences
            The sentences' vectors (same order).

        Returns
        -------
        scores : DataFrame, one row per article (columns of ``Analysis.scores``)
        evidence : DataFrame, columns ``EVIDENCE_COLUMNS``
        components : DataFrame, columns ``COMPONENT_COLUMNS``
        """
        check_is_fitted(self, "prototype_")
        s = self.settings or ScoringSettings()
        cb = self.codebook
        ids = [a.article_id for a in articles]
        frame_ids = self.prototype_.frame_ids_
        n = len(articles)

        rates, matches = self.lexicon_.scan([a.text or "" for a in articles])
        lexicon = 1.0 - np.exp(-rates / s.lexicon_scale)
        sims = self.prototype_.sentence_similarity(X.vectors)
        if X.exact is not None:  # a cascade's static-only sentences are left out of the frames' top-k
            sims = np.where(X.exact[:, None], sims, np.nan)
        raw = self.prototype_.raw_scores(X, sims)
        anchors = None
        if s.language_calibration:
            languages = [normalise_language((a.extra or {}).get("language")) for a in articles]
            anchors = anchor_matrices(languages, self.calibration_.language_anchors, frame_ids,
                                      self.prototype_.lo_, self.prototype_.hi_)
        embedding = self.prototype_.calibrate(raw, anchors)
        has_lex = np.array([bool(cb.frame(f).lexicon) for f in frame_ids])
        w_emb, w_lex = s.embedding_weight, s.lexicon_weight
        blend = (w_emb * embedding + w_lex * lexicon) / (w_emb + w_lex)
        combined = np.where(has_lex[None, :], blend, embedding)
        residual = np.array([cb.frame(f).residual for f in frame_ids], dtype=bool)
        complement = np.full((n, len(frame_ids)), np.nan)
        if residual.any():
            # "none of the other frames applies": 1 - the strongest non-residual frame
            # (0 for an article without sentences: no text is no evidence for any frame)
            strongest = combined[:, ~residual].max(axis=1, keepdims=True)
            empty = np.isnan(raw).all(axis=1, keepdims=True)
            complement[:, residual] = np.where(empty, 0.0, 1.0 - strongest)
            w = s.residual_weight
            combined = np.where(residual[None, :], w * combined + (1.0 - w) * complement, combined)
        relevance = embedding.max(axis=1) if len(frame_ids) else np.zeros(n)

        published = pd.to_datetime(pd.Series([a.published for a in articles], dtype=object), errors="coerce")
        scores = pd.DataFrame({
            "article_id": pd.Series(ids, dtype=object),
            "outlet": pd.Series([a.outlet for a in articles], dtype=object),
            "published": published,
            "title": pd.Series([a.title for a in articles], dtype=object),
            "event_id": pd.Series([None] * n, dtype=object),
            "relevance": relevance,
        })
        frame_cols = {f"frame:{f}": combined[:, j] for j, f in enumerate(frame_ids)}
        axis_cols: dict[str, np.ndarray] = {}
        comp_blocks: list[tuple[str, str, np.ndarray]] = []
        evidence_blocks: list[pd.DataFrame] = []
        for j, f in enumerate(frame_ids):
            comp_blocks += [(f, "lexicon_rate", rates[:, j]), (f, "lexicon", lexicon[:, j]),
                            (f, "embedding_raw", raw[:, j]), (f, "embedding", embedding[:, j]),
                            (f, "combined", combined[:, j])]
            if residual[j]:
                comp_blocks.append((f, "complement", complement[:, j]))
        evidence_blocks.append(self._sentence_evidence(ids, sentences, X, sims, frame_ids, pole="",
                                                       k=s.evidence_sentences))
        evidence_blocks.append(self._term_evidence(ids, sentences, X, matches))
        for axis in cb.axes:
            r = self.axes_[axis.id].score(X)
            ja, jb = frame_ids.index(axis.pole_a), frame_ids.index(axis.pole_b)
            axis_relevance = np.maximum(embedding[:, ja], embedding[:, jb])
            a = f"axis:{axis.id}"
            leaning, leaning_p = r.leaning()
            pole_ids = np.array([axis.pole_a, "neutral", axis.pole_b], dtype=object)
            leaning = pole_ids[np.select([leaning == "a", leaning == "b"], [0, 2], 1)]
            axis_cols.update({a: r.bias, f"{a}:lo": r.lo, f"{a}:hi": r.hi, f"{a}:intensity": r.intensity,
                              f"{a}:relevance": axis_relevance, f"{a}:leaning": leaning,
                              f"{a}:leaning_p": leaning_p})
            comp_blocks += [(axis.id, "bias", r.bias), (axis.id, "lo", r.lo), (axis.id, "hi", r.hi),
                            (axis.id, "intensity", r.intensity), (axis.id, "bias_raw", r.bias_raw),
                            (axis.id, "intensity_raw", r.intensity_raw), (axis.id, "relevance", axis_relevance),
                            (axis.id, "relevance_raw", r.relevance_raw)]
            contrib = r.contribution[:, None]
            evidence_blocks.append(self._sentence_evidence(ids, sentences, X, contrib, [axis.id], pole="a",
                                                           k=s.evidence_sentences, positive_only=True))
            evidence_blocks.append(self._sentence_evidence(ids, sentences, X, -contrib, [axis.id], pole="b",
                                                           k=s.evidence_sentences, positive_only=True,
                                                           sign=-1.0))
        scores = pd.concat([scores, pd.DataFrame(frame_cols), pd.DataFrame(axis_cols)], axis=1)
        scores["off_topic"] = relevance < s.off_topic_threshold

        components = _components_frame(ids, comp_blocks)
        evidence = pd.concat([b for b in evidence_blocks if len(b)], ignore_index=True) \
            if any(len(b) for b in evidence_blocks) else pd.DataFrame(columns=EVIDENCE_COLUMNS)
        evidence = _order_evidence(evidence, ids, list(frame_ids) + cb.axis_ids)
        return scores, evidence, components

    @staticmethod
    def _sentence_evidence(ids, sentences, X, values, targets, *, pole, k, positive_only=False, sign=1.0):
        """Top-k sentences per article and target column of ``values`` (n_sentences, n_targets)."""
        if k == 0 or X.n_sentences == 0:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS)
        padded = X.padded(values)
        order, valid = top_k_indices(padded, k)
        if positive_only:
            valid &= np.take_along_axis(np.nan_to_num(padded, nan=-np.inf), order, axis=1) > 0
        a, r, t = np.nonzero(valid)
        g = X.offsets[a] + order[a, r, t]
        return pd.DataFrame({
            "article_id": np.asarray(ids, dtype=object)[a],
            "target": np.asarray(targets, dtype=object)[t],
            "pole": pole,
            "kind": "sentence",
            "rank": r + 1,
            "sentence_index": sentences["sentence_index"].to_numpy()[g],
            "start": sentences["start"].to_numpy()[g],
            "end": sentences["end"].to_numpy()[g],
            "text": sentences["text"].to_numpy()[g],
            "value": sign * values[g, t],
        })

    @staticmethod
    def _term_evidence(ids, sentences, X, matches: pd.DataFrame) -> pd.DataFrame:
        if matches.empty:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS)
        doc = matches["doc"].to_numpy()
        start = matches["start"].to_numpy()
        big = int(max(int(matches["end"].max()), int(sentences["end"].max()) if len(sentences) else 0)) + 1
        sent_key = X.article_index * big + sentences["start"].to_numpy()
        g = np.searchsorted(sent_key, doc * big + start, side="right") - 1
        ok = (g >= 0) & (X.article_index[np.clip(g, 0, None)] == doc) if len(sent_key) else np.zeros(len(doc), bool)
        sentence_index = np.where(ok, sentences["sentence_index"].to_numpy()[np.clip(g, 0, None)]
                                  if len(sent_key) else -1, -1)
        rank = matches.groupby(["doc", "frame"], sort=False).cumcount().to_numpy() + 1
        return pd.DataFrame({
            "article_id": np.asarray(ids, dtype=object)[doc],
            "target": matches["frame"].to_numpy(),
            "pole": "",
            "kind": "term",
            "rank": rank,
            "sentence_index": sentence_index,
            "start": start,
            "end": matches["end"].to_numpy(),
            "text": matches["text"].to_numpy(),
            "value": matches["weight"].to_numpy(dtype=float),
        })


def _components_frame(ids: list[str], blocks: list[tuple[str, str, np.ndarray]]) -> pd.DataFrame:
    """Long table, article-major: for each article all (target, component) values in block order."""
    n, m = len(ids), len(blocks)
    if m == 0 or n == 0:
        return pd.DataFrame(columns=COMPONENT_COLUMNS)
    values = np.column_stack([b[2] for b in blocks]).astype(float)  # (n, m)
    return pd.DataFrame({
        "article_id": np.repeat(np.asarray(ids, dtype=object), m),
        "target": np.tile(np.asarray([b[0] for b in blocks], dtype=object), n),
        "component": np.tile(np.asarray([b[1] for b in blocks], dtype=object), n),
        "value": values.reshape(-1),
    })


def _order_evidence(evidence: pd.DataFrame, ids: list[str], targets: list[str]) -> pd.DataFrame:
    """Sort evidence by article (corpus order), target (codebook order), pole, kind, rank."""
    if evidence.empty:
        return evidence.reset_index(drop=True)
    art = {a: i for i, a in enumerate(ids)}
    tgt = {t: i for i, t in enumerate(targets)}
    kind = {"sentence": 0, "term": 1}
    key = pd.DataFrame({
        "a": evidence["article_id"].map(art), "t": evidence["target"].map(tgt), "p": evidence["pole"],
        "k": evidence["kind"].map(kind), "r": evidence["rank"],
    })
    order = np.lexsort((key["r"].to_numpy(), key["k"].to_numpy(), key["p"].to_numpy().astype(str),
                        key["t"].to_numpy(), key["a"].to_numpy()))
    out = evidence.iloc[order].reset_index(drop=True)
    for col in ("rank", "sentence_index", "start", "end"):
        out[col] = out[col].astype(np.int64)
    out["value"] = out["value"].astype(float)
    return out[EVIDENCE_COLUMNS]


# ---------------------------------------------------------------------- functions
def fit_calibration(articles: Sequence[Article] | None, codebook: Codebook, settings: ScoringSettings | None = None,
                    encoder=None, store=None, *, X: EmbeddedSentences | None = None,
                    vectors: CodebookVectors | None = None, languages: Iterable[str] | None = None) -> Calibration:
    """First pass: the small corpus-level calibration that every batch is scored with.

    With the default settings (``calibration="reference"``, ``axis_baseline="reference"``)
    it depends on the codebook and the encoder only and ``articles`` may be ``None``;
    in the corpus modes it is fitted on ``articles`` (the corpus being scored, or a
    separate reference corpus). With ``calibration="reference"`` and
    ``settings.language_calibration`` it also holds per-language frame anchors
    (:mod:`framing.scoring.languages`, for ``languages``; their background sentences are
    encoded once per encoder and process).

    Parameters
    ----------
    articles : sequence of Article or None
    codebook : Codebook
    settings : ScoringSettings, optional
    encoder : Encoder
    store : Store or MemoryCache, optional
        Embedding cache.
    X : EmbeddedSentences, optional
        Already-embedded sentences of ``articles`` (skips embedding).
    vectors : CodebookVectors, optional
        Already-encoded codebook.
    languages : iterable of str, optional
        Languages (codes of the ``language`` column) that need anchors of their own; those
        with bundled background sentences get them. ``None``: every bundled language (a
        calibration for any corpus); empty: none (English only).

    Returns
    -------
    Calibration
    """
    s = settings or ScoringSettings()
    if encoder is None:
        raise ValueError("fit_calibration needs an encoder")
    vectors = vectors or encode_codebook(codebook, encoder, store, generic_background=s.generic_background,
                                         batch_size=s.embed_batch_size)
    needs_corpus = s.calibration == "corpus" or s.axis_baseline == "corpus"
    if needs_corpus and X is None:
        if not articles:
            raise ValueError(f"calibration={s.calibration!r}, axis_baseline={s.axis_baseline!r} need articles")
        _, X = embed_articles(articles, encoder, store, batch_size=s.embed_batch_size)
    language_vectors = None
    wanted = BACKGROUND_LANGUAGES if languages is None else tuple(
        lang for lang in BACKGROUND_LANGUAGES if lang in {normalise_language(x) for x in languages})
    if s.language_calibration and s.calibration == "reference" and wanted:
        language_vectors = encode_language_backgrounds(encoder, store, batch_size=s.embed_batch_size,
                                                       languages=wanted)
    scorer = CodebookScorer(codebook, vectors, s, encoder_id=encoder.model_id,
                            language_vectors=language_vectors).fit(X if needs_corpus else None)
    return scorer.calibration_


def score_batch(articles: Sequence[Article], codebook: Codebook, settings: ScoringSettings | None,
                calibration: Calibration, encoder, store=None, *, sentences: pd.DataFrame | None = None,
                X: EmbeddedSentences | None = None,
                vectors: CodebookVectors | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score a batch of articles: a pure function of its inputs.

    Parameters
    ----------
    articles : sequence of Article
    codebook : Codebook
    settings : ScoringSettings or None
    calibration : Calibration
        From :func:`fit_calibration` (checked against codebook, encoder and settings).
    encoder : Encoder
    store : Store or MemoryCache, optional
        Embedding cache (an optimisation; results are the same without it).
    sentences, X : optional
        Already-segmented and embedded sentences of ``articles`` (skips both steps).
    vectors : CodebookVectors, optional

    Returns
    -------
    scores : DataFrame, one row per article
    evidence : DataFrame, columns ``article_id, target, pole, kind, rank, sentence_index, start, end, text, value``
    components : DataFrame, columns ``article_id, target, component, value``
    """
    s = settings or ScoringSettings()
    articles = list(articles)
    calibration.check(codebook, encoder.model_id, s)
    if sentences is None or X is None:
        sentences, X = embed_articles(articles, encoder, store, batch_size=s.embed_batch_size)
    vectors = vectors or encode_codebook(codebook, encoder, store, generic_background=s.generic_background,
                                         batch_size=s.embed_batch_size)
    scorer = CodebookScorer(codebook, vectors, s, calibration, encoder_id=encoder.model_id).fit()
    return scorer.score(articles, sentences, X)
