"""``analyse``: score a corpus on a codebook, with evidence, events and comparisons.

One entry point composes the swappable steps (encoder, scorers, event clusterer)::

    corpus --segment--> sentences --embed (cached)--> vectors
           --fit_calibration--> Calibration --score_batch (per batch)--> scores, evidence, components
           --cluster_events (lazy)--> events --compare / export
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from framing.codebook import Codebook
from framing.corpus import Corpus
from framing.embed import document_vectors, embed_sentences
from framing.scoring import (
    COMPONENT_COLUMNS,
    EVIDENCE_COLUMNS,
    Calibration,
    EmbeddedSentences,
    MemoryCache,
    ScoringSettings,
    encode_codebook,
    fit_calibration,
    score_batch,
    segment,
)

from framing.encoders import resolve_encoder

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
SENTENCE_COLUMNS = ["article_id", "sentence_index", "start", "end", "text"]


def _resolve_store(store):
    """(store object or None, whether we opened it)."""
    if store is None:
        return None, False
    if isinstance(store, (str, Path)):
        from framing.store import Store

        return Store(store), True
    if not hasattr(store, "get_embeddings"):
        raise ValueError(f"store {store!r}: expected a Store, a path to a DuckDB file, or None")
    return store, False


def _resolve_corpus(corpus, store, progress) -> tuple[Corpus, list[str]]:
    if isinstance(corpus, Corpus):
        return corpus, [f for f in corpus.report.files_read]
    if corpus is None or isinstance(corpus, (str, Path)) or (
            isinstance(corpus, Sequence) and all(isinstance(p, (str, Path)) for p in corpus)):
        from framing.ingest import load

        paths = None if corpus is None else ([corpus] if isinstance(corpus, (str, Path)) else list(corpus))
        loaded = load(paths, store=store)
        return loaded, [str(p) for p in (paths or [])] or list(loaded.report.files_read)
    raise ValueError(f"corpus: expected a Corpus or file/folder path(s), got {type(corpus).__name__}")


def analyse(corpus, codebook: str | Path | Codebook = "south-asia-security", *, encoder=None, store=None,
            settings: ScoringSettings | None = None, progress: Progress | None = None,
            calibration: Calibration | None = None) -> "Analysis":
    """Score every article of a corpus on every frame and axis of a codebook.

    Parameters
    ----------
    corpus : Corpus, or str / Path / list of them
        Paths are read with :func:`framing.ingest.load` (``None``: the demo corpus).
    codebook : str, Path or Codebook, default "south-asia-security"
        A built-in id, a YAML file, or a Codebook.
    encoder : None, str or Encoder
        ``None``: the default model; a name or model directory for
        :func:`framing.encoders.get_encoder`; or any object with ``model_id`` and
        ``encode(list[str])``.
    store : Store, str, Path or None
        Embedding cache (a DuckDB file). Re-scoring, or scoring with a second
        codebook, then embeds nothing again. ``None``: no persistent cache (each
        distinct sentence is still encoded once per call).
    settings : ScoringSettings, optional
    progress : callable(stage, done, total), optional
        Stages ``"segment"``, ``"embed"``, ``"calibrate"``, ``"score"``.
    calibration : Calibration, optional
        A calibration fitted elsewhere, e.g. ``fit_calibration(reference_articles,
        codebook, ScoringSettings(calibration="corpus"), encoder)`` on a large reference
        corpus, so a small corpus is scored against that background. Default: fitted
        here (with the default settings it depends on the codebook only).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import framing
    >>> result = framing.analyse(framing.load())                    # doctest: +SKIP
    >>> result.scores[["outlet", "axis:siege_vs_proxy"]]              # doctest: +SKIP
    """
    settings = settings or ScoringSettings()
    report = progress or (lambda stage, done, total: None)
    store_obj, opened = _resolve_store(store)
    try:
        corpus, inputs = _resolve_corpus(corpus, store_obj, progress)
        codebook = Codebook.load(codebook)
        encoder = resolve_encoder(encoder)
        cache = MemoryCache(store_obj)
        articles = corpus.articles

        report("segment", 0, len(articles))
        sentences = segment(articles)
        report("segment", len(articles), len(articles))
        report("embed", 0, len(sentences))
        vectors = embed_sentences(sentences["text"].tolist(), encoder, cache, batch_size=settings.embed_batch_size,
                                  progress=lambda done, total: report("embed", done, total))
        report("embed", 1, 1)
        report("calibrate", 0, 1)
        cb_vectors = encode_codebook(codebook, encoder, cache, generic_background=settings.generic_background,
                                     batch_size=settings.embed_batch_size)
        cache.clear()  # everything needed is in `vectors` / `cb_vectors` now; free the per-call copies
        rows = sentences["article_row"].to_numpy()
        X = EmbeddedSentences(vectors, rows, corpus.ids)
        if calibration is None:
            calibration = fit_calibration(articles, codebook, settings, encoder, cache, X=X, vectors=cb_vectors)
        else:
            calibration.check(codebook, encoder.model_id, settings)
        report("calibrate", 1, 1)

        offsets = X.offsets
        report("score", 0, len(articles))
        parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
        n = len(articles)
        for i in range(0, n, settings.batch_size):
            j = min(i + settings.batch_size, n)
            s0, s1 = offsets[i], offsets[j]
            batch_sentences = sentences.iloc[s0:s1].reset_index(drop=True)
            batch_sentences["article_row"] = batch_sentences["article_row"] - i
            Xb = EmbeddedSentences(vectors[s0:s1], rows[s0:s1] - i, corpus.ids[i:j])
            parts.append(score_batch(articles[i:j], codebook, settings, calibration, encoder, None,
                                     sentences=batch_sentences, X=Xb, vectors=cb_vectors))
            report("score", j, n)
        doc_vectors = document_vectors(vectors, rows, n) if len(vectors) else np.zeros(
            (n, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    finally:
        if opened and store_obj is not None:
            store_obj.close()

    def cat(i, columns):
        frames = [p[i] for p in parts if len(p[i])]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    scores = cat(0, None) if parts else _empty_scores(codebook)
    return Analysis(
        corpus=corpus, codebook=codebook, settings=settings, encoder_id=encoder.model_id,
        calibration=calibration, scores=scores, evidence=cat(1, EVIDENCE_COLUMNS),
        components=cat(2, COMPONENT_COLUMNS), sentences=sentences[SENTENCE_COLUMNS].copy(),
        doc_vectors=doc_vectors, inputs=inputs,
    )


def _empty_scores(codebook: Codebook) -> pd.DataFrame:
    cols = ["article_id", "outlet", "published", "title", "event_id", "relevance"]
    cols += [f"frame:{f}" for f in codebook.frame_ids]
    for a in codebook.axis_ids:
        cols += [f"axis:{a}", f"axis:{a}:lo", f"axis:{a}:hi", f"axis:{a}:intensity", f"axis:{a}:relevance"]
    return pd.DataFrame(columns=cols + ["off_topic"])


class Analysis:
    """The result of :func:`analyse`: scores, evidence, events, comparisons, export.

    Attributes
    ----------
    corpus : Corpus
    codebook : Codebook
    settings : ScoringSettings
    encoder_id : str
    calibration : Calibration
    evidence : DataFrame
        ``article_id, target, pole, kind, rank, sentence_index, start, end, text, value``;
        ``kind`` is ``"sentence"`` (value: similarity for frames, contribution to the
        bias for axis poles ``"a"``/``"b"``) or ``"term"`` (a lexicon match; value: weight).
        ``start``/``end`` are character offsets into the article text.
    components : DataFrame
        ``article_id, target, component, value`` (lexicon_rate, lexicon, embedding_raw,
        embedding, combined for frames; bias, lo, hi, intensity, bias_raw,
        intensity_raw, relevance, relevance_raw for axes).
    sentences : DataFrame
        ``article_id, sentence_index, start, end, text``.
    doc_vectors : ndarray of shape (n_articles, dim)
    """

    def __init__(self, *, corpus: Corpus, codebook: Codebook, settings: ScoringSettings, encoder_id: str,
                 calibration: Calibration, scores: pd.DataFrame, evidence: pd.DataFrame,
                 components: pd.DataFrame, sentences: pd.DataFrame, doc_vectors: np.ndarray,
                 inputs: list[str] | None = None):
        self.corpus = corpus
        self.codebook = codebook
        self.settings = settings
        self.encoder_id = encoder_id
        self.calibration = calibration
        self._scores = scores
        self.evidence = evidence
        self.components = components
        self.sentences = sentences
        self.doc_vectors = doc_vectors
        self.inputs = list(inputs or [])
        self.created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self._events: pd.DataFrame | None = None
        self._with_events: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return (f"Analysis({len(self.corpus)} articles, codebook={self.codebook.id!r}, "
                f"encoder={self.encoder_id!r})")

    # ------------------------------------------------------------------ tables
    @property
    def events(self) -> pd.DataFrame:
        """Events across outlets (:func:`framing.events.cluster_events`), one row per article."""
        if self._events is None:
            from framing.events import cluster_events

            self._events = cluster_events(self.corpus.to_frame(), self.doc_vectors, codebook=self.codebook,
                                          random_state=self.settings.random_state)
        return self._events

    @property
    def scores(self) -> pd.DataFrame:
        """One row per article: frame scores in [0, 1], axis positions in [-1, 1], relevance, off_topic.

        ``event_id`` and ``event_label`` come from :attr:`events`.
        """
        if self._with_events is None:
            scores = self._scores.copy()
            events = self.events.set_index("article_id").reindex(scores["article_id"])
            scores["event_id"] = events["event_id"].to_numpy()
            scores.insert(scores.columns.get_loc("event_id") + 1, "event_label", events["event_label"].to_numpy())
            self._with_events = scores
        return self._with_events

    def frame_scores(self) -> pd.DataFrame:
        """``scores`` restricted to ``article_id`` and the ``frame:`` columns, indexed by article."""
        cols = [c for c in self._scores.columns if c.startswith("frame:")]
        return self._scores.set_index("article_id")[cols]

    def long_table(self) -> pd.DataFrame:
        """Components and evidence in one long table (``--long`` in the CLI)."""
        comp = self.components.assign(kind="component", pole="", rank=0, sentence_index=-1, start=-1, end=-1,
                                      text="")
        comp = comp.rename(columns={"component": "name"})
        ev = self.evidence.assign(name=self.evidence["kind"])
        cols = ["article_id", "target", "kind", "name", "pole", "rank", "sentence_index", "start", "end", "text",
                "value"]
        return pd.concat([comp[cols], ev[cols]], ignore_index=True)

    # ------------------------------------------------------------------ downstream
    def compare(self, by: str = "outlet", **kw):
        """Compare outlets (or events) side by side: :func:`framing.compare.compare`."""
        from framing.compare import compare

        texts = {a.article_id: a.text for a in self.corpus}
        comparison = compare(self.scores, by=by, texts=texts, **kw)
        comparison.provenance = self.manifest()
        return comparison

    def export(self, path: str | Path, format: str | None = None, *, long: bool = False) -> list[Path]:
        """Write the scores, evidence and events tables (+ ``manifest.json``).

        ``long=True`` adds the long components table.
        """
        from framing.export import export_tables

        tables = {"scores": self.scores, "evidence": self.evidence, "events": self.events}
        if long:
            tables["components"] = self.components
        return export_tables(tables, path, format=format, manifest=self.manifest())

    def manifest(self) -> dict:
        """Provenance of these numbers: versions, encoder, codebook hash, settings, inputs."""
        from framing import __version__
        from framing.export import file_manifest

        inputs = file_manifest([p for p in self.inputs if Path(p).exists()])
        return {
            "framing_version": __version__,
            "encoder": self.encoder_id,
            "codebook": {"id": self.codebook.id, "sha256": self.codebook.sha256, "version": self.codebook.version,
                         "source": self.codebook.source},
            "settings": self.settings.to_dict(),
            "calibration": self.calibration.to_dict(),
            "inputs": inputs,
            "n_articles": len(self.corpus),
            "n_sentences": int(len(self.sentences)),
            "created": self.created,
        }
