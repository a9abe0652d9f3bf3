"""Sentence embeddings through the cache, and document vectors.

``embed_sentences`` embeds each distinct sentence once: vectors already in the
store's cache (key: model id + sha256 of the sentence) are read back, the rest are
encoded in batches and written to the cache. The cache is an optimisation only:
without a store the same vectors are computed directly.
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence

import numpy as np

from framing.encoders import Encoder
from framing.store import Store, sentence_hash

log = logging.getLogger(__name__)


def embed_sentences(
    texts: Sequence[str],
    encoder: Encoder,
    store: Store | None = None,
    *,
    batch_size: int = 512,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed sentences, reusing cached vectors.

    Parameters
    ----------
    texts : sequence of str
    encoder : Encoder
        Anything with ``model_id`` and ``encode(list[str]) -> ndarray``.
    store : Store, optional
        Where cached vectors live; ``None`` encodes everything.
    batch_size : int, default 512
        Sentences per ``encode`` call (and per cache write).
    progress : callable(done, total), optional
        Called after each encoded batch with counts of *new* sentences.

    Returns
    -------
    ndarray of shape (len(texts), dim), float32, rows L2-normalised.
    """
    texts = list(texts)
    hashes = [sentence_hash(t) for t in texts]
    unique: dict[str, str] = dict(zip(hashes, texts))
    found = store.get_embeddings(encoder.model_id, list(unique)) if store is not None else {}
    missing = [h for h in unique if h not in found]
    if missing:
        log.info("embedding %d new sentences (%d cached)", len(missing), len(found))
    for i in range(0, len(missing), batch_size):
        chunk = missing[i:i + batch_size]
        vectors = np.asarray(encoder.encode([unique[h] for h in chunk]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vectors = vectors / norms
        if store is not None:
            store.put_embeddings(encoder.model_id, chunk, vectors)
        found.update(zip(chunk, vectors))
        if progress is not None:
            progress(min(i + batch_size, len(missing)), len(missing))
    if not texts:
        dim = getattr(encoder, "dim", 0)
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack([found[h] for h in hashes]).astype(np.float32, copy=False)


def document_vectors(sentence_vectors: np.ndarray, article_index: np.ndarray, n_articles: int) -> np.ndarray:
    """Mean of each article's sentence vectors, re-normalised.

    Parameters
    ----------
    sentence_vectors : ndarray of shape (n_sentences, dim)
    article_index : ndarray of shape (n_sentences,)
        Row of the article each sentence belongs to (0 .. n_articles-1).
    n_articles : int

    Returns
    -------
    ndarray of shape (n_articles, dim); an article with no sentences gets a zero row.
    """
    dim = sentence_vectors.shape[1] if sentence_vectors.ndim == 2 else 0
    out = np.zeros((n_articles, dim), dtype=np.float64)
    np.add.at(out, np.asarray(article_index, dtype=np.int64), sentence_vectors)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (out / norms).astype(np.float32)
