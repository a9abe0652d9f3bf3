"""Supervised frames: a classifier trained on human codes.

Features per article: the mean (and max) of its sentence embeddings, its similarity to
each codebook frame's prototypes and its lexicon rates; a second view is TF-IDF word
n-grams. Each view gets a logistic regression (one-vs-rest for multi-label, multinomial
for single-label); their probabilities are mixed, Platt-calibrated and thresholded per
frame, with the mixing weight, calibration and thresholds all chosen on inner
cross-validated (out-of-fold) predictions of the training data only. For multi-label
articles a chunk view (:mod:`framing.validate.views`: runs of sentences predicted one by
one, pooled by max or noisy-or) competes with the whole-article view on the same inner
folds; the simpler view is kept unless the other is better by more than one standard
error, and thresholds of frames with few positives are shrunk towards the balanced point.

Saved models are plain arrays in safetensors plus JSON (no pickle): ``weights.safetensors``,
``config.json`` and the ``meta.json`` manifest. ``load_model(dir).predict_proba(texts)``
returns per-frame probabilities.

References
----------
Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
regularized likelihood methods. Advances in Large Margin Classifiers, 61-74.
Card, D., Boydstun, A. E., Gross, J. H., Resnik, P., & Smith, N. A. (2015). The Media
Frames Corpus. ACL (frame classification from labelled news text).
"""

from __future__ import annotations

import inspect
import json
import logging
import platform
import time
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from framing.embed import embed_documents, embed_sentences, pool
from framing.encoders import SentenceTransformerEncoder, resolve_encoder
from framing.segment import segment_texts
from framing.validate import features as F
from framing.validate import views as V

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_MIX_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
_TFIDF_PARAMS = dict(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True, lowercase=True,
                     strip_accents="unicode", token_pattern=r"(?u)\b\w\w+\b", dtype=np.float32)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated logistic-regression frame classifier over sentence embeddings.

    Parameters
    ----------
    encoder : Encoder, str or None, default None
        Sentence encoder (None: the default all-MiniLM-L6-v2).
    codebook : Codebook, str or None, default None
        Source of prototype-similarity and lexicon features (optional).
    labels : sequence of str, optional
        Label set and its order (default: sorted labels seen in ``y``).
    multi_label : bool, default True
        One-vs-rest binary decisions per frame; False: one label per unit (multinomial).
    pooling : tuple of {"mean", "max"}, default ("mean", "max")
        How sentence vectors are pooled into an article vector.
    prototype_features, lexicon_features : bool, default True
        Add codebook prototype similarities / lexicon rates (ignored without codebook).
    extra_weight : float, default 0.1
        Scale of the z-scored prototype/lexicon features next to the unit-length
        pooled embeddings.
    tfidf : bool, default True
        Add a TF-IDF word 1-2-gram logistic regression, mixed with the embedding model.
    C : float or sequence of float, default (0.5, 1.0, 2.0)
        Inverse regularisation of the embedding model; a sequence is searched on
        inner out-of-fold predictions.
    tfidf_C : float, default 10.0
    class_weight : "balanced" or None, default "balanced"
    inner_cv : int, default 5
        Folds of the inner cross-validation that picks C, the mixing weight, the view,
        Platt calibration and per-frame thresholds.
    views : sequence of str, default ``framing.validate.views.VIEWS``
        Candidate views of a multi-label article: ``mean`` (whole-article features and
        TF-IDF, as above), ``chunk_max`` / ``chunk_noisy_or`` (a logistic regression on
        chunks of ``chunk_sentences`` sentences, each chunk labelled with its article's
        frames and weighted 1 / chunks of its article; chunk probabilities pooled per
        article) and ``mean+chunk_max`` (the average of the two). Chosen by the one-SE
        rule on inner folds (:func:`framing.validate.views.choose_view`); single-label
        models use ``mean``.
    chunk_sentences : int, default 5
    chunk_C : float, default 1.0
        Inverse regularisation of the chunk model.
    threshold_prior : float, default 10.0
        Pseudo-count of positives that shrinks each frame's threshold towards its
        balanced decision point (:func:`framing.validate.views.shrink_threshold`); 0: none.
    store : Store, optional
        Embedding cache.
    random_state : int, default 0

    Attributes
    ----------
    labels_ : list of str
    mix_ : float, weight of the embedding model (1 - mix_ for TF-IDF)
    view_ : str, the chosen view
    C_ : float
    thresholds_ : ndarray of shape (n_labels,) (multi-label)
    platt_ : ndarray of shape (n_labels, 2) (multi-label)
    oof_scores_ : dict with inner-CV macro/micro F1 of the chosen setting

    Examples
    --------
    >>> clf = FrameClassifier(encoder=enc, multi_label=False).fit(texts, labels)  # doctest: +SKIP
    >>> clf.predict_proba(["The budget deficit grew."]).shape                     # doctest: +SKIP
    (1, 10)
    """

    def __init__(self, encoder=None, codebook=None, labels=None, multi_label=True, pooling=("mean", "max"),
                 prototype_features=True, lexicon_features=True, extra_weight=0.1, tfidf=True, C=(0.5, 1.0, 2.0),
                 tfidf_C=10.0, class_weight="balanced", inner_cv=5, store=None, random_state=0, views=V.VIEWS,
                 chunk_sentences=5, chunk_C=1.0, threshold_prior=10.0):
        self.encoder = encoder
        self.codebook = codebook
        self.labels = labels
        self.multi_label = multi_label
        self.pooling = pooling
        self.prototype_features = prototype_features
        self.lexicon_features = lexicon_features
        self.extra_weight = extra_weight
        self.tfidf = tfidf
        self.C = C
        self.tfidf_C = tfidf_C
        self.class_weight = class_weight
        self.inner_cv = inner_cv
        self.store = store
        self.random_state = random_state
        self.views = views
        self.chunk_sentences = chunk_sentences
        self.chunk_C = chunk_C
        self.threshold_prior = threshold_prior

    # ------------------------------------------------------------------ labels
    def _encode_y(self, y) -> np.ndarray:
        if self.multi_label:
            arr = None
            try:
                arr = np.asarray(y, dtype=float)
            except (TypeError, ValueError):
                arr = None
            if arr is not None and arr.ndim == 2:
                if self.labels is None or len(self.labels) != arr.shape[1]:
                    raise ValueError(f"an indicator matrix y of shape {arr.shape} needs labels of length {arr.shape[1]}")
                self.labels_ = [str(x) for x in self.labels]
                return (arr > 0).astype(int)
            sets = [[str(v) for v in (item if isinstance(item, (list, tuple, set)) else [item])] for item in y]
            seen = sorted({v for s in sets for v in s})
            self.labels_ = [str(x) for x in self.labels] if self.labels is not None else seen
            unknown = set(seen) - set(self.labels_)
            if unknown:
                raise ValueError(f"labels {sorted(unknown)} in y are not in labels={self.labels_}")
            index = {lab: j for j, lab in enumerate(self.labels_)}
            out = np.zeros((len(sets), len(self.labels_)), dtype=int)
            for i, s in enumerate(sets):
                for v in s:
                    out[i, index[v]] = 1
            return out
        values = [str(v) for v in y]
        self.labels_ = [str(x) for x in self.labels] if self.labels is not None else sorted(set(values))
        index = {lab: j for j, lab in enumerate(self.labels_)}
        unknown = sorted(set(values) - set(index))
        if unknown:
            raise ValueError(f"labels {unknown} in y are not in labels={self.labels_}")
        return np.array([index[v] for v in values])

    # ------------------------------------------------------------------ features
    def _codebook(self):
        if self.codebook is None:
            return None
        from framing.codebook import Codebook

        return Codebook.load(self.codebook)

    def _prepare_codebook_features(self, encoder) -> None:
        cb = self._codebook()
        self.codebook_id_ = cb.id if cb is not None else None
        self.codebook_sha256_ = cb.sha256 if cb is not None else None
        if cb is not None and self.prototype_features:
            protos = [(j, p) for j, f in enumerate(cb.frames) for p in f.prototypes]
            self.prototype_vectors_ = embed_sentences([p for _, p in protos], encoder, self.store)
            self.prototype_frame_ = np.array([j for j, _ in protos], dtype=np.int64)
            self.n_codebook_frames_ = len(cb.frames)
        else:
            self.prototype_vectors_ = None
        self.lexicons_ = [dict(f.lexicon) for f in cb.frames] if (cb is not None and self.lexicon_features) else []

    def _dense(self, docs: list[list[str]], encoder, progress=None):
        """Whole-article features, shape (n_docs, n_features), and the sentence vectors."""
        X = embed_documents(docs, encoder, self.store, progress=progress)
        parts = [pool(X.vectors, X.article_index, len(docs), how) for how in self.pooling]
        self.n_embedding_features_ = sum(p.shape[1] for p in parts)
        if getattr(self, "prototype_vectors_", None) is not None:
            parts.append(F.prototype_similarity(X, self.prototype_vectors_, self.prototype_frame_,
                                                self.n_codebook_frames_))
        if self.lexicons_:
            parts.append(F.lexicon_rates([" ".join(d) for d in docs], self.lexicons_))
        if not parts:
            raise ValueError("no features: set pooling, prototype_features or lexicon_features")
        return np.hstack(parts).astype(np.float64), X

    def _chunks(self, X, n_docs):
        return V.chunk_vectors(X.vectors, X.article_index, n_docs, int(self.chunk_sentences))

    def _fit_chunks(self, chunks, chunk_doc, rows, Y):
        """The chunk model on the chunks of documents ``rows``; each document weighs 1 in all."""
        keep = np.isin(chunk_doc, rows)
        doc = chunk_doc[keep]
        weight = 1.0 / np.bincount(doc)[doc]
        return self._fit_linear(chunks[keep].astype(np.float64), Y[doc], self.chunk_C,
                                sample_weight=weight * len(rows) / weight.sum())

    def _chunk_proba(self, chunks, chunk_doc, n_docs, coef, intercept, rows=None):
        """Pooled chunk probabilities ``{"chunk_max": ..., "chunk_noisy_or": ...}`` of shape (n_docs, n_labels)."""
        keep = np.ones(len(chunk_doc), bool) if rows is None else np.isin(chunk_doc, rows)
        p = _sigmoid(chunks[keep] @ coef.T + intercept)
        return {f"chunk_{how}": V.pool_chunks(p, chunk_doc[keep], n_docs, how) for how in ("max", "noisy_or")}

    def _view_proba(self, view, p_mean, chunk_p):
        if view == "mean":
            return p_mean
        if view == "mean+chunk_max":
            return (p_mean + chunk_p["chunk_max"]) / 2
        return chunk_p[view]

    def _candidate_views(self) -> tuple[str, ...]:
        return V.check_views(self.views) if self.multi_label else ("mean",)

    # ------------------------------------------------------------------ models
    def _fit_linear(self, X, Y, C, sample_weight=None):
        """Fit one LR per label (multi-label) or one multinomial LR; returns (coef, intercept)."""
        if self.multi_label:
            coefs, intercepts = [], []
            for j in range(Y.shape[1]):
                yj = Y[:, j]
                if yj.min() == yj.max():  # one class only: constant prediction
                    coefs.append(np.zeros(X.shape[1]))
                    intercepts.append(8.0 if yj[0] == 1 else -8.0)
                    continue
                lr = LogisticRegression(C=C, class_weight=self.class_weight, max_iter=2000)
                lr.fit(X, yj, sample_weight=sample_weight)
                coefs.append(lr.coef_[0])
                intercepts.append(lr.intercept_[0])
            return np.array(coefs), np.array(intercepts)
        lr = LogisticRegression(C=C, class_weight=self.class_weight, max_iter=3000)
        lr.fit(X, Y)
        coef = np.zeros((len(self.labels_), X.shape[1]))
        intercept = np.full(len(self.labels_), -30.0)
        coef[lr.classes_] = lr.coef_ if len(lr.classes_) > 2 else np.vstack([-lr.coef_[0] / 2, lr.coef_[0] / 2])
        intercept[lr.classes_] = lr.intercept_ if len(lr.classes_) > 2 else [-lr.intercept_[0] / 2, lr.intercept_[0] / 2]
        return coef, intercept

    def _proba_linear(self, X, coef, intercept):
        z = X @ coef.T + intercept
        return _sigmoid(z) if self.multi_label else _softmax(z)

    def _standardise_fit(self, X):
        """Pooled embeddings stay as they are (unit-scale cosine geometry); the extra
        features (prototype similarities, lexicon rates) are z-scored and shrunk to
        ``extra_weight`` so that they do not swamp the embedding under one penalty."""
        n_emb = self.n_embedding_features_
        mean = np.zeros(X.shape[1])
        scale = np.ones(X.shape[1])
        if X.shape[1] > n_emb:
            extra = X[:, n_emb:]
            sd = extra.std(axis=0)
            sd[sd < 1e-8] = 1.0
            mean[n_emb:] = extra.mean(axis=0)
            scale[n_emb:] = sd / self.extra_weight
        return mean, scale

    def _views(self, dense_tr, texts_tr, Y, dense_te, texts_te, Cs):
        """Probabilities on the test rows from each view (per C for the dense view)."""
        mean, scale = self._standardise_fit(dense_tr)
        xtr, xte = (dense_tr - mean) / scale, (dense_te - mean) / scale
        dense = {C: self._proba_linear(xte, *self._fit_linear(xtr, Y, C)) for C in Cs}
        tf = None
        if self.tfidf:
            vec = TfidfVectorizer(**_TFIDF_PARAMS)
            try:
                ttr = vec.fit_transform(texts_tr)
            except ValueError:  # empty vocabulary (tiny data)
                vec = TfidfVectorizer(**{**_TFIDF_PARAMS, "min_df": 1, "max_df": 1.0})
                ttr = vec.fit_transform(texts_tr)
            tf = self._proba_linear(vec.transform(texts_te), *self._fit_linear(ttr, Y, self.tfidf_C))
        return dense, tf

    def _splits(self, Y, n):
        k = max(2, min(self.inner_cv, n))
        if not self.multi_label:
            counts = np.bincount(Y, minlength=len(self.labels_))
            if counts[counts > 0].min() >= k:
                return StratifiedKFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n), Y)
        return KFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n))

    def fit(self, X, y, progress=None):
        """Fit on texts (or sentence lists) and their labels.

        Parameters
        ----------
        X : sequence of str or of list of str, length n_units
        y : sequence of label lists (multi-label), indicator matrix of shape
            (n_units, n_labels) with ``labels`` set, or sequence of str (single-label)
        progress : callable(stage, done, total), optional
            Called with ``("embed", sentences done, sentences to encode)`` while new
            sentences are encoded (none when all are cached), then with
            ``("fit", k, inner_cv + 1)`` after each inner fold and after the final fit.

        Returns
        -------
        self
        """
        report = progress or (lambda stage, done, total: None)
        t0 = time.perf_counter()
        docs = segment_texts(X)
        Y = self._encode_y(y)
        if len(docs) != len(Y):
            raise ValueError(f"X has {len(docs)} units but y has {len(Y)}")
        if len(docs) < 4:
            raise ValueError(f"need at least 4 labelled units to train, got {len(docs)}")
        encoder = resolve_encoder(self.encoder)
        self.encoder_id_ = encoder.model_id
        self._encoder_obj = encoder
        self._prepare_codebook_features(encoder)
        dense, E = self._dense(docs, encoder, progress=lambda done, total: report("embed", done, total))
        texts = [" ".join(d) for d in docs]
        Cs = tuple(self.C) if isinstance(self.C, (list, tuple)) else (float(self.C),)
        views = self._candidate_views()
        use_chunks = any(v != "mean" for v in views)
        if use_chunks:
            chunks, chunk_doc = self._chunks(E, len(docs))

        # inner out-of-fold probabilities: choose C, mix, calibration, thresholds
        n = len(docs)
        shape = (n, len(self.labels_))
        oof_dense = {C: np.zeros(shape) for C in Cs}
        oof_tf = np.zeros(shape)
        oof_chunk = {"chunk_max": np.zeros(shape), "chunk_noisy_or": np.zeros(shape)}
        splits = list(self._splits(Y, n))
        n_steps = len(splits) + 1
        report("fit", 0, n_steps)
        for k, (tr, te) in enumerate(splits, start=1):
            d, t = self._views(dense[tr], [texts[i] for i in tr], Y[tr], dense[te], [texts[i] for i in te], Cs)
            for C in Cs:
                oof_dense[C][te] = d[C]
            if t is not None:
                oof_tf[te] = t
            if use_chunks:
                coef, intercept = self._fit_chunks(chunks, chunk_doc, tr, Y)
                for how, pooled in self._chunk_proba(chunks, chunk_doc, n, coef, intercept, rows=te).items():
                    oof_chunk[how][te] = pooled[te]
            report("fit", k, n_steps)
        best = None
        for C in Cs:
            for w in (_MIX_GRID if self.tfidf else (1.0,)):
                p = w * oof_dense[C] + (1 - w) * oof_tf
                score, extra = self._select(p, Y)
                if best is None or score > best[0] + 1e-9:
                    best = (score, C, w, extra)
        self.C_, self.mix_ = float(best[1]), float(best[2])
        p_mean = self.mix_ * oof_dense[best[1]] + (1 - self.mix_) * oof_tf
        chosen = {"mean": best[3]} if views == ("mean",) else {
            v: self._select(self._view_proba(v, p_mean, oof_chunk), Y)[1] for v in views}
        self.view_ = V.choose_view({v: self._fold_scores(e["pred"], Y, splits) for v, e in chosen.items()}) \
            if len(chosen) > 1 else next(iter(chosen))
        extra = chosen[self.view_]
        self.oof_scores_ = {"macro_f1": float(extra["scores"]["macro_f1"]), "micro_f1": extra["scores"]["micro_f1"],
                            "views": {v: round(float(e["scores"]["macro_f1"]), 4) for v, e in chosen.items()}}
        if self.multi_label:
            self.platt_, self.thresholds_ = extra["platt"], extra["thresholds"]
        self.chunk_coef_ = self.chunk_intercept_ = None
        if self.view_ != "mean":
            self.chunk_coef_, self.chunk_intercept_ = self._fit_chunks(chunks, chunk_doc, np.arange(n), Y)

        # final models on all training rows
        self.mean_, self.scale_ = self._standardise_fit(dense)
        self.coef_, self.intercept_ = self._fit_linear((dense - self.mean_) / self.scale_, Y, self.C_)
        self.vocabulary_, self.idf_ = None, None
        if self.tfidf and self.mix_ < 1.0:
            vec = TfidfVectorizer(**_TFIDF_PARAMS)
            try:
                ttr = vec.fit_transform(texts)
            except ValueError:
                vec = TfidfVectorizer(**{**_TFIDF_PARAMS, "min_df": 1, "max_df": 1.0})
                ttr = vec.fit_transform(texts)
            self.tfidf_coef_, self.tfidf_intercept_ = self._fit_linear(ttr, Y, self.tfidf_C)
            self.vocabulary_ = {k: int(v) for k, v in vec.vocabulary_.items()}
            self.idf_ = vec.idf_.astype(np.float64)
            self._vectorizer = vec
        self.n_features_in_ = dense.shape[1]
        self.n_train_ = n
        self.fit_seconds_ = time.perf_counter() - t0
        report("fit", n_steps, n_steps)
        log.info("FrameClassifier: %d units, view %s, C=%.3g, mix=%.2f, inner-CV macro-F1 %.3f %s (%.1f s)",
                 n, self.view_, self.C_, self.mix_, self.oof_scores_["macro_f1"], self.oof_scores_["views"],
                 self.fit_seconds_)
        return self

    def _select(self, p, Y):
        """Score a probability matrix on out-of-fold rows; multi-label: Platt + thresholds."""
        from framing.validate.agreement import bootstrap_f1

        if not self.multi_label:
            pred = np.eye(len(self.labels_), dtype=int)[p.argmax(axis=1)]
            gold = np.eye(len(self.labels_), dtype=int)[Y]
            s = bootstrap_f1(gold, pred, n_boot=0)
            return s["macro"], {"pred": pred, "scores": {"macro_f1": s["macro"], "micro_f1": s["micro"]}}
        platt = np.zeros((Y.shape[1], 2))
        thresholds = np.full(Y.shape[1], 0.5)
        cal = np.zeros_like(p)
        for j in range(Y.shape[1]):
            z = _logit(p[:, j])[:, None]
            if Y[:, j].min() == Y[:, j].max():
                platt[j] = (1.0, 0.0)
            else:
                lr = LogisticRegression(C=1e4, max_iter=1000).fit(z, Y[:, j])
                platt[j] = (lr.coef_[0, 0], lr.intercept_[0])
            cal[:, j] = _sigmoid(platt[j, 0] * z[:, 0] + platt[j, 1])
            n_pos = int(Y[:, j].sum())
            thresholds[j] = V.shrink_threshold(_best_threshold(Y[:, j], cal[:, j]), n_pos / len(Y), n_pos,
                                               float(self.threshold_prior))
        pred = (cal >= thresholds).astype(int)
        s = bootstrap_f1(Y, pred, n_boot=0)
        return s["macro"], {"platt": platt, "thresholds": thresholds, "pred": pred,
                            "scores": {"macro_f1": s["macro"], "micro_f1": s["micro"]}}

    def _fold_scores(self, pred, Y, splits) -> np.ndarray:
        """Macro-F1 of inner out-of-fold decisions, one per inner fold."""
        from framing.validate.agreement import bootstrap_f1

        gold = Y if self.multi_label else np.eye(len(self.labels_), dtype=int)[Y]
        return np.array([bootstrap_f1(gold[te], pred[te], n_boot=0)["macro"] for _, te in splits])

    # ------------------------------------------------------------------ predict
    def _encoder(self):
        enc = getattr(self, "_encoder_obj", None)
        if enc is None:
            enc = resolve_encoder(self.encoder)
            if enc.model_id != self.encoder_id_:
                log.warning("encoder %r differs from the one the model was trained with (%r)",
                            enc.model_id, self.encoder_id_)
            self._encoder_obj = enc
        return enc

    def _raw_proba(self, docs):
        dense, E = self._dense(docs, self._encoder())
        if dense.shape[1] != len(self.mean_):
            raise ValueError(f"the model was trained with encoder {self.encoder_id_!r} ({len(self.mean_)} features) "
                             f"but encoder {self._encoder().model_id!r} gives {dense.shape[1]}; pass the same encoder")
        p = self._proba_linear((dense - self.mean_) / self.scale_, self.coef_, self.intercept_)
        if self.vocabulary_ is not None and self.mix_ < 1.0:
            vec = getattr(self, "_vectorizer", None)
            if vec is None:
                vec = TfidfVectorizer(**{**_TFIDF_PARAMS, "vocabulary": self.vocabulary_})
                vec.fit([" ".join(self.vocabulary_)])
                vec.idf_ = self.idf_
                self._vectorizer = vec
            pt = self._proba_linear(vec.transform([" ".join(d) for d in docs]), self.tfidf_coef_,
                                    self.tfidf_intercept_)
            p = self.mix_ * p + (1 - self.mix_) * pt
        view = getattr(self, "view_", "mean")
        if view != "mean":
            chunks, chunk_doc = self._chunks(E, len(docs))
            p = self._view_proba(view, p, self._chunk_proba(chunks, chunk_doc, len(docs), self.chunk_coef_,
                                                           self.chunk_intercept_))
        return p

    def predict_proba(self, X) -> np.ndarray:
        """Per-frame probabilities.

        Parameters
        ----------
        X : sequence of str or of list of str

        Returns
        -------
        ndarray of shape (n_units, n_labels): calibrated per-frame probabilities
        (multi-label), or class probabilities summing to 1 (single-label); columns in
        ``labels_`` order.
        """
        check_is_fitted(self, "coef_")
        p = self._raw_proba(segment_texts(X))
        if self.multi_label:
            p = _sigmoid(self.platt_[:, 0] * _logit(p) + self.platt_[:, 1])
        return p

    def predict(self, X) -> np.ndarray:
        """Decisions: indicator matrix (n_units, n_labels) for multi-label, else label array."""
        p = self.predict_proba(X)
        if self.multi_label:
            return (p >= self.thresholds_).astype(int)
        return np.array(self.labels_, dtype=object)[p.argmax(axis=1)]

    def predict_labels(self, X) -> list[list[str]]:
        """Decisions as lists of label names (one per unit)."""
        pred = self.predict(X)
        if self.multi_label:
            return [[lab for lab, v in zip(self.labels_, row) if v] for row in pred]
        return [[str(v)] for v in pred]

    def score_frame(self, corpus):
        """Per-article probabilities of a Corpus as a DataFrame ``article_id, frame:<label>...``."""
        import pandas as pd

        arts = list(corpus)
        p = self.predict_proba([a.text for a in arts]) if arts else np.zeros((0, len(self.labels_)))
        df = pd.DataFrame(p, columns=[f"frame:{lab}" for lab in self.labels_])
        df.insert(0, "article_id", [a.article_id for a in arts])
        return df

    # ------------------------------------------------------------------ persistence
    def save(self, path, *, name: str | None = None, extra_meta: dict | None = None) -> Path:
        """Write ``weights.safetensors``, ``config.json`` and ``meta.json`` into ``path``."""
        from safetensors.numpy import save_file

        check_is_fitted(self, "coef_")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {"mean": self.mean_, "scale": self.scale_, "coef": self.coef_, "intercept": self.intercept_}
        if self.multi_label:
            arrays.update(platt=self.platt_, thresholds=self.thresholds_)
        if self.prototype_vectors_ is not None:
            arrays.update(prototype_vectors=self.prototype_vectors_, prototype_frame=self.prototype_frame_)
        if self.vocabulary_ is not None:
            arrays.update(idf=self.idf_, tfidf_coef=self.tfidf_coef_, tfidf_intercept=self.tfidf_intercept_)
        if getattr(self, "chunk_coef_", None) is not None:
            arrays.update(chunk_coef=self.chunk_coef_, chunk_intercept=self.chunk_intercept_)
        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(out / "weights.safetensors"))
        params = {k: v for k, v in self.get_params().items() if k not in ("encoder", "codebook", "store")}
        params["pooling"] = list(self.pooling)
        params["views"] = list(self.views)
        params["C"] = list(self.C) if isinstance(self.C, (list, tuple)) else self.C
        config = {
            "format": "framing.FrameClassifier", "format_version": FORMAT_VERSION,
            "params": params, "labels": self.labels_, "C_": self.C_, "mix_": self.mix_,
            "view_": getattr(self, "view_", "mean"),
            "lexicons": self.lexicons_, "n_codebook_frames": getattr(self, "n_codebook_frames_", 0),
            "vocabulary": self.vocabulary_, "encoder_id": self.encoder_id_,
            "encoder": self.encoder if isinstance(self.encoder, (str, type(None))) else None,
            "n_features_in": self.n_features_in_,
        }
        (out / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        meta = manifest(self, name=name or out.name)
        meta.update(extra_meta or {})
        (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        return out


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Threshold maximising F1 on (y, p); midpoints between sorted distinct scores."""
    if y.max() == 0:
        return 1.0
    cand = np.unique(np.round(p, 4))
    cand = np.concatenate([[0.0], (cand[:-1] + cand[1:]) / 2 if len(cand) > 1 else cand, [1.0]])
    pred = p[None, :] >= cand[:, None]
    tp = (pred & (y[None, :] == 1)).sum(axis=1)
    fp = (pred & (y[None, :] == 0)).sum(axis=1)
    fn = (~pred & (y[None, :] == 1)).sum(axis=1)
    f1 = 2 * tp / np.maximum(1, 2 * tp + fp + fn)
    best = np.flatnonzero(f1 == f1.max())
    return float(cand[best[len(best) // 2]])


def manifest(model, *, name: str) -> dict:
    """The ``meta.json`` content: library versions, encoder, codebook, labels, settings."""
    import importlib.metadata as md

    def version(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    return {
        "name": name,
        "kind": "framing.FrameClassifier",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "encoder_id": model.encoder_id_,
        "codebook_id": getattr(model, "codebook_id_", None),
        "codebook_sha256": getattr(model, "codebook_sha256_", None),
        "labels": list(model.labels_),
        "multi_label": bool(model.multi_label),
        "n_train": int(model.n_train_),
        "chosen": {"C": model.C_, "mix_embedding_vs_tfidf": model.mix_, "view": getattr(model, "view_", "mean")},
        "inner_cv": model.oof_scores_,
        "versions": {"framing": version("framing"), "scikit-learn": version("scikit-learn"),
                     "numpy": version("numpy"), "safetensors": version("safetensors"),
                     "sentence-transformers": version("sentence-transformers"), "python": platform.python_version()},
    }


def load_model(path, *, encoder=None, store=None) -> FrameClassifier:
    """Load a model saved by :meth:`FrameClassifier.save` (or a few-shot model directory).

    Parameters
    ----------
    path : str or Path
        The model directory (``weights.safetensors``, ``config.json``, ``meta.json``;
        a few-shot model also has ``encoder/``, a sentence-transformers directory).
    encoder : Encoder, optional
        Override the encoder (default: the model's own).
    store : Store, optional
        Embedding cache for prediction.

    Returns
    -------
    FrameClassifier
        Ready for ``predict_proba(texts) -> ndarray (n_texts, n_labels)``.
    """
    from safetensors.numpy import load_file

    folder = Path(path)
    cfg_path = folder / "config.json"
    if not cfg_path.exists():
        raise ValueError(f"{folder}: not a framing model directory (no config.json)")
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{cfg_path}: not valid JSON ({exc})") from None
    if cfg.get("format") != "framing.FrameClassifier":
        raise ValueError(f"{cfg_path}: unknown model format {cfg.get('format')!r}")
    try:
        arrays = load_file(str(folder / "weights.safetensors"))
    except Exception as exc:  # noqa: BLE001 - SafetensorError (a pickle renamed, a truncated file) or OSError
        raise ValueError(f"{folder / 'weights.safetensors'}: not a valid safetensors file ({exc}); "
                         "framing never unpickles model files - retrain with `framing train`") from None
    params = dict(cfg["params"])
    params["pooling"] = tuple(params["pooling"])
    if "views" in params:
        params["views"] = tuple(params["views"])
    if isinstance(params.get("C"), list):
        params["C"] = tuple(params["C"])
    if encoder is None:
        if (folder / "encoder").is_dir():  # a few-shot model: its fine-tuned encoder
            encoder = SentenceTransformerEncoder(folder / "encoder", device="cpu")
        else:
            encoder = cfg.get("encoder")
    model = FrameClassifier(encoder=encoder, store=store, **params)
    model.labels_ = list(cfg["labels"])
    model.C_, model.mix_ = cfg["C_"], cfg["mix_"]
    model.view_ = cfg.get("view_", "mean")  # models saved before views existed: the whole-article view
    model.chunk_coef_, model.chunk_intercept_ = arrays.get("chunk_coef"), arrays.get("chunk_intercept")
    model.lexicons_ = [dict(x) for x in cfg.get("lexicons") or []]
    model.n_codebook_frames_ = cfg.get("n_codebook_frames", 0)
    model.encoder_id_ = cfg["encoder_id"]
    model.n_features_in_ = cfg.get("n_features_in")
    model.mean_, model.scale_ = arrays["mean"], arrays["scale"]
    model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
    if model.multi_label:
        model.platt_, model.thresholds_ = arrays["platt"], arrays["thresholds"]
    model.prototype_vectors_ = arrays.get("prototype_vectors")
    model.prototype_frame_ = arrays.get("prototype_frame")
    model.vocabulary_ = cfg.get("vocabulary")
    if model.vocabulary_ is not None:
        model.idf_ = arrays["idf"]
        model.tfidf_coef_, model.tfidf_intercept_ = arrays["tfidf_coef"], arrays["tfidf_intercept"]
    meta_path = folder / "meta.json"
    model.meta_ = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return model


def _usable_cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_n_jobs(n_splits: int) -> int:
    """Folds run side by side: one worker per two usable cores (each worker's BLAS gets
    the other), at most one per fold; 1 (in process) below four cores, where worker start
    and the shared cores cost more than they gain."""
    cores = _usable_cores()
    return max(1, min(n_splits, cores // 2)) if cores >= 4 else 1


def embed_once(model, X, *, progress=None):
    """Embed every sentence of ``X`` (and the codebook's prototypes) once, for all folds.

    ``model`` (a FrameClassifier, not yet fitted) is set to use them. Returns
    ``(encoder, cache)``: the resolved encoder and a :class:`~framing.embed.MemoryCache`
    (in front of ``model.store``, or ``model.store`` itself when it already is one) that
    holds every vector a :class:`FrameClassifier` fitted on any subset of ``X`` asks for.
    ``progress(done, total)`` counts sentences encoded (none when all are cached).
    """
    from framing.embed import MemoryCache

    encoder = resolve_encoder(model.encoder)
    cache = model.store if isinstance(model.store, MemoryCache) else MemoryCache(model.store)
    model.set_params(encoder=encoder, store=cache)
    model._prepare_codebook_features(encoder)  # prototypes into the cache
    embed_texts(model, X, progress=progress)
    return encoder, cache


def embed_texts(model, X, *, progress=None) -> None:
    """Embed the sentences of ``X`` into ``model.store`` (a fitted or unfitted
    FrameClassifier), so that later ``fit`` / ``predict_proba`` / ``predict`` calls on them
    read the vectors back instead of encoding again; ``progress(done, total)`` counts
    sentences encoded. Give the model a :class:`~framing.embed.MemoryCache` (or a Store)
    as ``store`` first — without one this only costs time."""
    embed_documents(segment_texts(X), resolve_encoder(model.encoder), model.store, progress=progress)


def _detached(cache):
    """A copy of a MemoryCache's vectors without its store (a worker process cannot share a DuckDB connection)."""
    from framing.embed import MemoryCache

    out = MemoryCache()
    out._vectors = dict(cache._vectors)
    return out


def _fit_fold(model, X_train, y_train, X_test, progress=None):
    if progress is not None and "progress" in inspect.signature(model.fit).parameters:
        model.fit(X_train, y_train, progress=progress)
    else:
        model.fit(X_train, y_train)
    return list(model.labels_), model.predict(X_test)


def _fit_fold_k(k, model, X_train, y_train, X_test):
    return k, _fit_fold(model, X_train, y_train, X_test)


def cross_validate(make_model, X, y, *, n_splits: int = 5, random_state: int = 0, n_boot: int = 1000,
                   multi_label: bool = True, labels: Sequence[str] | None = None, progress=None,
                   n_jobs: int | None = 1, share_embeddings: bool = True) -> dict:
    """K-fold cross-validation of a frame classifier with bootstrap F1 intervals.

    For a :class:`FrameClassifier` the sentence embeddings are computed once for all
    folds (:func:`embed_once`) and each fold's model reads them from memory; folds may
    run in parallel worker processes (joblib).

    Parameters
    ----------
    make_model : callable() -> estimator with ``fit(X, y)``, ``predict(X)`` and ``labels_``
    X : sequence of str
    y : sequence of label lists (multi-label) or of str (single-label)
    n_splits : int, default 5
    random_state : int, default 0
        Seeds the fold split and the bootstrap.
    n_boot : int, default 1000
    multi_label : bool, default True
    labels : sequence of str, optional (label order; default sorted)
    progress : callable(stage, done, total), optional
        ``("embed", sentences, total)`` while the shared embeddings are computed; then, in
        process, ``("fold k/n", step, steps)`` from each fold's ``fit`` when it takes a
        ``progress`` argument (its other stages as ``"fold k/n <stage>"``); otherwise,
        and with workers, ``("folds", folds done, n_splits)``.
    n_jobs : int or None, default 1
        Folds run at once (joblib processes). ``None``: :func:`default_n_jobs` when the
        folds share embeddings (the workers then never run the encoder, so torch threads
        are not multiplied), else 1. Results do not depend on it.
    share_embeddings : bool, default True
        Embed once for all folds (FrameClassifier only; other estimators embed per fold).

    Returns
    -------
    dict with ``micro, micro_lo, micro_hi, macro, macro_lo, macro_hi`` (pooled
    out-of-fold predictions), ``per_fold`` (list of dicts), ``seconds``,
    ``embed_seconds``, ``n_jobs``, ``labels``, ``y_true`` and ``y_pred`` (indicator
    matrices of shape (n_units, n_labels)).
    """
    from framing.validate.agreement import bootstrap_f1

    report = progress or (lambda stage, done, total: None)
    X = list(X)
    t0 = time.perf_counter()
    if multi_label:
        sets = [list(v) for v in y]
        labels = list(labels) if labels is not None else sorted({v for s in sets for v in s})
        Y = np.array([[int(lab in s) for lab in labels] for s in sets])
        splits = list(KFold(n_splits, shuffle=True, random_state=random_state).split(X))
    else:
        vals = [str(v) for v in y]
        labels = list(labels) if labels is not None else sorted(set(vals))
        Y = np.eye(len(labels), dtype=int)[[labels.index(v) for v in vals]]
        splits = list(StratifiedKFold(n_splits, shuffle=True, random_state=random_state).split(X, vals))
    shared = None
    probe = make_model()
    if share_embeddings and isinstance(probe, FrameClassifier):
        shared = embed_once(probe, X, progress=lambda done, total: report("embed", done, total))
    if n_jobs is None:  # automatic: only folds that read shared vectors (no encoder, no torch, in the workers)
        n_jobs = default_n_jobs(n_splits) if shared is not None else 1
    n_jobs = max(1, min(int(n_jobs), n_splits))
    embed_seconds = time.perf_counter() - t0

    def fold_model():
        model = make_model()
        if shared is not None:
            encoder, cache = shared
            model.set_params(encoder=encoder, store=cache if n_jobs == 1 else _detached(cache))
        return model

    def args(tr, te):
        ytr = [sets[i] for i in tr] if multi_label else [vals[i] for i in tr]
        return [X[i] for i in tr], ytr, [X[i] for i in te]

    outputs: dict[int, tuple] = {}
    if n_jobs == 1:
        steps_inside = "progress" in inspect.signature(probe.fit).parameters
        if not steps_inside:
            report("folds", 0, n_splits)
        for k, (tr, te) in enumerate(splits):
            stage = f"fold {k + 1}/{n_splits}"
            outputs[k] = _fit_fold(fold_model(), *args(tr, te),
                                   progress=lambda step, done, total, s=stage: report(
                                       s if step == "fit" else f"{s} {step}", done, total))
            _log_fold(k, Y[splits[k][1]], outputs[k], labels, multi_label, t0)
            if not steps_inside:
                report("folds", k + 1, n_splits)
    else:
        from joblib import Parallel, delayed

        log.info("cross-validation: %d folds on %d workers", n_splits, n_jobs)
        report("folds", 0, n_splits)
        jobs = (delayed(_fit_fold_k)(k, fold_model(), *args(tr, te))
                for k, (tr, te) in enumerate(splits))
        for k, out in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs):
            outputs[k] = out
            _log_fold(k, Y[splits[k][1]], out, labels, multi_label, t0)
            report("folds", len(outputs), n_splits)

    pred = np.zeros_like(Y)
    per_fold = []
    for k, (_, te) in enumerate(splits):
        pred[te] = _as_indicator(outputs[k], labels, multi_label, len(te))
        per_fold.append({"fold": k, **bootstrap_f1(Y[te], pred[te], n_boot=0)})
    res = bootstrap_f1(Y, pred, n_boot=n_boot, random_state=random_state)
    res.update(per_fold=per_fold, seconds=time.perf_counter() - t0, embed_seconds=embed_seconds, n_jobs=n_jobs,
               labels=labels, y_true=Y, y_pred=pred)
    return res


def _as_indicator(output, labels, multi_label: bool, n: int) -> np.ndarray:
    """A fold's predictions (its model's label order) as an indicator matrix in ``labels`` order."""
    model_labels, out = output
    got = np.zeros((n, len(labels)), dtype=int)
    if multi_label:
        out = np.asarray(out)
        for j, lab in enumerate(model_labels):
            if lab in labels:
                got[:, labels.index(lab)] = out[:, j]
    else:
        for i, v in enumerate(out):
            got[i, labels.index(str(v))] = 1
    return got


def _log_fold(k, y_true, output, labels, multi_label, t0) -> None:
    from framing.validate.agreement import bootstrap_f1

    f1 = bootstrap_f1(y_true, _as_indicator(output, labels, multi_label, len(y_true)), n_boot=0)
    log.info("fold %d: micro-F1 %.3f macro-F1 %.3f (%.0f s so far)", k, f1["micro"], f1["macro"],
             time.perf_counter() - t0)
