"""The one embed path: segment -> embed (through the cache) -> pool.

Scoring, the engines, events and the classifiers all embed through here::

    sentences, X = embed_articles(articles, encoder, cache)   # segment + embed_sentences
    doc = pool(X.vectors, X.article_index, X.n_articles)       # document vectors (mean)

:func:`embed_sentences` embeds each distinct sentence once: vectors already in the cache
(a :class:`~framing.store.Store` or a :class:`MemoryCache`; key: model id + sha256 of the
sentence) are read back, the rest are encoded in order of length (so each encoder batch
is length-homogeneous, little padding), in batches, and written to the cache. The cache
is an optimisation only: without one the same vectors are computed directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from framing.corpus import Article
from framing.segment import segment
from framing.store import sentence_hash

log = logging.getLogger(__name__)

POOLINGS = ("mean", "max")


@dataclass
class EmbeddedSentences:
    """Sentence vectors of a batch of articles (what every embedding scorer reads).

    Sentences of one article are contiguous and in article order, so per-article
    reductions run on a padded ``(n_articles, max_sentences, n_columns)`` array (no
    Python loop over sentences).

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim)
        L2-normalised sentence vectors, grouped by article (contiguous, in order).
    article_index : ndarray of shape (n_sentences,)
        Row of the article (0 .. n_articles-1) each sentence belongs to; non-decreasing.
    article_ids : list of str, length n_articles
    exact : ndarray of bool, shape (n_sentences,), optional
        Which vectors the encoder computed in full; ``None`` = all of them. A cascade encoder
        (:class:`~framing.encoders.CascadeEncoder`) marks the sentences it left to the static model.
    """

    vectors: np.ndarray
    article_index: np.ndarray
    article_ids: list[str] = field(default_factory=list)
    exact: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.vectors = np.asarray(self.vectors, dtype=np.float32)
        self.article_index = np.asarray(self.article_index, dtype=np.int64)
        if self.vectors.ndim != 2:
            raise ValueError(f"vectors: expected a 2-D array, got shape {self.vectors.shape}")
        if len(self.article_index) != len(self.vectors):
            raise ValueError(
                f"article_index has {len(self.article_index)} entries for {len(self.vectors)} vectors"
            )
        if len(self.article_index) and np.any(np.diff(self.article_index) < 0):
            raise ValueError("article_index must be non-decreasing (sentences grouped by article)")
        if self.article_ids and len(self.article_index) and self.article_index[-1] >= len(self.article_ids):
            raise ValueError("article_index refers to more articles than article_ids")

    @property
    def n_articles(self) -> int:
        if self.article_ids:
            return len(self.article_ids)
        return int(self.article_index[-1]) + 1 if len(self.article_index) else 0

    @property
    def n_sentences(self) -> int:
        return len(self.vectors)

    @property
    def counts(self) -> np.ndarray:
        """ndarray of shape (n_articles,): sentences per article."""
        return np.bincount(self.article_index, minlength=self.n_articles)

    @property
    def offsets(self) -> np.ndarray:
        """ndarray of shape (n_articles + 1,): start row of each article's sentences."""
        return np.concatenate([[0], np.cumsum(self.counts)])

    def position_in_article(self) -> np.ndarray:
        """ndarray of shape (n_sentences,): index of each sentence within its article."""
        return np.arange(self.n_sentences) - self.offsets[self.article_index]

    def padded(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Scatter per-sentence values into ``(n_articles, max_sentences, ...)``, padding with ``fill``."""
        values = np.asarray(values)
        max_len = int(self.counts.max()) if self.n_sentences else 0
        out = np.full((self.n_articles, max_len) + values.shape[1:], fill, dtype=np.float64)
        if self.n_sentences:
            out[self.article_index, self.position_in_article()] = values
        return out


class MemoryCache:
    """An embedding cache in memory, optionally in front of a ``Store``.

    Has the two methods :func:`embed_sentences` uses (``get_embeddings``,
    ``put_embeddings``), so within one ``analyse`` call every distinct sentence is
    encoded at most once even without a store; with a store, vectors are also read
    from and written to it (unless the store is read-only).
    """

    def __init__(self, store=None):
        self.store = store
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def get_embeddings(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found = {h: self._vectors[(model_id, h)] for h in hashes if (model_id, h) in self._vectors}
        if self.store is not None:
            rest = [h for h in dict.fromkeys(hashes) if h not in found]
            if rest:
                fetched = self.store.get_embeddings(model_id, rest)
                for h, v in fetched.items():
                    self._vectors[(model_id, h)] = v
                found.update(fetched)
        return found

    def clear(self) -> None:
        """Forget the in-memory vectors (the store, if any, keeps its own)."""
        self._vectors.clear()

    def put_embeddings(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        for h, v in zip(hashes, vectors):
            self._vectors[(model_id, h)] = np.asarray(v, dtype=np.float32)
        if self.store is not None and not getattr(self.store, "read_only", False):
            self.store.put_embeddings(model_id, hashes, vectors)


def _dim(encoder) -> int:
    return int(getattr(encoder, "dim", 0) or 0)


def embed_sentences(
    texts: Sequence[str],
    encoder,
    cache=None,
    *,
    batch_size: int = 512,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed sentences, each distinct one once, reusing cached vectors.

    Parameters
    ----------
    texts : sequence of str
    encoder : Encoder
        Anything with ``model_id`` and ``encode(list[str]) -> ndarray``.
    cache : Store or MemoryCache, optional
        Where cached vectors live; ``None`` encodes everything.
    batch_size : int, default 512
        Sentences per ``encode`` call (and per cache write). The sentences not in the
        cache are encoded shortest first, in first-seen order among equal lengths.
    progress : callable(done, total), optional
        Called after each encoded batch with counts of *new* sentences.

    Returns
    -------
    ndarray of shape (len(texts), dim), float32, rows L2-normalised.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, _dim(encoder)), dtype=np.float32)
    hashes = [sentence_hash(t) for t in texts]
    unique: dict[str, str] = dict(zip(hashes, texts))
    found = cache.get_embeddings(encoder.model_id, list(unique)) if cache is not None else {}
    missing = sorted((h for h in unique if h not in found), key=lambda h: len(unique[h]))
    if missing:
        log.info("embedding %d new sentences (%d cached)", len(missing), len(found))
    for i in range(0, len(missing), batch_size):
        chunk = missing[i:i + batch_size]
        vectors = np.asarray(encoder.encode([unique[h] for h in chunk]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vectors = vectors / norms
        if cache is not None:
            cache.put_embeddings(encoder.model_id, chunk, vectors)
        found.update(zip(chunk, vectors))
        if progress is not None:
            progress(min(i + batch_size, len(missing)), len(missing))
    return np.vstack([found[h] for h in hashes]).astype(np.float32, copy=False)


def embed_articles(articles: Sequence[Article], encoder, cache=None, *, batch_size: int = 512,
                   progress: Callable[[int, int], None] | None = None) -> tuple[pd.DataFrame, EmbeddedSentences]:
    """Segment articles (:func:`framing.segment.segment`) and embed their sentences.

    Returns
    -------
    sentences : DataFrame
        ``article_id, sentence_index, start, end, text, article_row``.
    X : EmbeddedSentences
        Their vectors, in the same order.
    """
    articles = list(articles)
    sentences = segment(articles)
    X = _embed_grouped(sentences["text"].tolist(), sentences["article_row"].to_numpy(), encoder, cache,
                       batch_size=batch_size, progress=progress)
    X.article_ids = [a.article_id for a in articles]
    return sentences, X


def _embed_grouped(texts: list[str], index: np.ndarray, encoder, cache, *, batch_size: int,
                   progress) -> EmbeddedSentences:
    """Sentences grouped by document: through the encoder's ``embed_grouped`` when it has one
    (the cascade chooses per document), else :func:`embed_sentences`."""
    grouped = getattr(encoder, "embed_grouped", None)
    if grouped is not None and texts:
        vectors, info = grouped(texts, index, cache, batch_size=batch_size, progress=progress)
        return EmbeddedSentences(vectors, index, exact=info.exact)
    vectors = embed_sentences(texts, encoder, cache, batch_size=batch_size, progress=progress)
    return EmbeddedSentences(vectors, index)


def embed_documents(docs: Sequence[Sequence[str]], encoder, cache=None, *, batch_size: int = 512,
                    progress: Callable[[int, int], None] | None = None) -> EmbeddedSentences:
    """Embed documents given as sentence lists (:func:`framing.segment.segment_texts`).

    ``progress(done, total)`` is passed to :func:`embed_sentences` (new sentences only).

    Returns
    -------
    EmbeddedSentences with ``article_ids`` ``"0" .. str(n_docs - 1)``.
    """
    sentences = [s for d in docs for s in d]
    index = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    X = _embed_grouped(sentences, index, encoder, cache, batch_size=batch_size, progress=progress)
    X.article_ids = [str(i) for i in range(len(docs))]
    return X


def pool(vectors: np.ndarray, index: np.ndarray, n_docs: int, how: str = "mean") -> np.ndarray:
    """Pool sentence vectors per document.

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim)
    index : ndarray of shape (n_sentences,)
        Row of the document (0 .. n_docs-1) each sentence belongs to.
    n_docs : int
    how : {"mean", "max"}, default "mean"
        ``mean``: the mean re-normalised to unit length; ``max``: the element-wise
        maximum. A document without sentences gets a zero row.

    Returns
    -------
    ndarray of shape (n_docs, dim), float32
    """
    vectors = np.asarray(vectors)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    index = np.asarray(index, dtype=np.int64)
    if how == "mean":
        out = np.zeros((n_docs, dim), dtype=np.float64)
        np.add.at(out, index, vectors.reshape(len(index), dim))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (out / norms).astype(np.float32)
    if how == "max":
        out = np.full((n_docs, dim), -np.inf)
        np.maximum.at(out, index, vectors.reshape(len(index), dim))
        out[~np.isfinite(out)] = 0.0
        return out.astype(np.float32)
    raise ValueError(f"pooling must be one of {POOLINGS}, got {how!r}")


def document_vectors(sentence_vectors: np.ndarray, article_index: np.ndarray, n_articles: int) -> np.ndarray:
    """Mean of each article's sentence vectors, re-normalised: ``pool(..., how="mean")``.

    Returns
    -------
    ndarray of shape (n_articles, dim); an article with no sentences gets a zero row.
    """
    return pool(sentence_vectors, article_index, n_articles, "mean")


def article_vectors(articles: Sequence[Article], encoder, cache=None, *, batch_size: int = 512,
                    how: str = "mean", progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Document vectors of articles: segment, embed, pool. ndarray of shape (n_articles, dim).

    ``progress(done, total)`` is passed to :func:`embed_sentences` (new sentences only)."""
    _, X = embed_articles(articles, encoder, cache, batch_size=batch_size, progress=progress)
    return pool(X.vectors, X.article_index, X.n_articles, how)
