"""Article features for supervised frames: pooled sentence embeddings, prototype
similarities and lexicon rates from a codebook.

All functions are pure over arrays; the sentence embeddings come from
``framing.embedding.embed_sentences`` (cache-aware).
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from framing.segment import split_spans

_TOKEN = re.compile(r"\w+")


def split_documents(X) -> list[list[str]]:
    """Normalise input units to lists of sentences.

    Parameters
    ----------
    X : sequence of str or of sequence of str
        Article texts (split into sentences with ``framing.segment.split_spans``), or
        already split sentence lists.

    Returns
    -------
    list of list of str; a unit without text gets ``[""]`` (so it still has a row).
    """
    if isinstance(X, str):
        raise ValueError("X must be a sequence of texts, got a single string")
    docs = []
    for item in X:
        if isinstance(item, str):
            sents = [item[s:e] for s, e in split_spans(item)]
        else:
            sents = [str(s) for s in item if str(s).strip()]
        docs.append(sents or [""])
    return docs


def flatten(docs: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """All sentences in order and the row of the document each belongs to."""
    sents = [s for d in docs for s in d]
    index = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    return sents, index


def pool(vectors: np.ndarray, index: np.ndarray, n_docs: int, how: str) -> np.ndarray:
    """Pool sentence vectors per document.

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim)
    index : ndarray of shape (n_sentences,), document row of each sentence
    n_docs : int
    how : {"mean", "max"}
        ``mean`` is re-normalised to unit length; ``max`` is the element-wise maximum.

    Returns
    -------
    ndarray of shape (n_docs, dim), float32
    """
    dim = vectors.shape[1]
    if how == "mean":
        out = np.zeros((n_docs, dim))
        np.add.at(out, index, vectors)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (out / norms).astype(np.float32)
    if how == "max":
        out = np.full((n_docs, dim), -np.inf)
        np.maximum.at(out, index, vectors)
        out[~np.isfinite(out)] = 0.0
        return out.astype(np.float32)
    raise ValueError(f"pooling must be 'mean' or 'max', got {how!r}")


def prototype_similarity(vectors: np.ndarray, index: np.ndarray, n_docs: int, prototypes: np.ndarray,
                         frame_of_prototype: np.ndarray, n_frames: int, top_k: int = 3) -> np.ndarray:
    """Per document and frame: max and top-k mean of sentence-to-frame similarity.

    A sentence's similarity to a frame is its maximum cosine to the frame's prototypes
    (DESIGN.md, "Embedding").

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim), L2-normalised
    index : ndarray of shape (n_sentences,)
    n_docs : int
    prototypes : ndarray of shape (n_prototypes, dim), L2-normalised
    frame_of_prototype : ndarray of shape (n_prototypes,), frame row of each prototype
    n_frames : int
    top_k : int, default 3

    Returns
    -------
    ndarray of shape (n_docs, 2 * n_frames): ``[max | top-k mean]``
    """
    sims = vectors @ prototypes.T  # (n_sent, n_proto)
    per_frame = np.full((len(vectors), n_frames), -1.0, dtype=np.float32)
    for f in range(n_frames):
        cols = frame_of_prototype == f
        if cols.any():
            per_frame[:, f] = sims[:, cols].max(axis=1)
    out_max = np.full((n_docs, n_frames), -1.0)
    np.maximum.at(out_max, index, per_frame)
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(n_docs + 1))
    topk = np.zeros((n_docs, n_frames))
    for d in range(n_docs):
        block = per_frame[order[bounds[d]:bounds[d + 1]]]
        if len(block):
            k = min(top_k, len(block))
            topk[d] = np.sort(block, axis=0)[-k:].mean(axis=0)
    return np.hstack([out_max, topk]).astype(np.float32)


def lexicon_rates(texts: Sequence[str], lexicons: Sequence[dict[str, float]]) -> np.ndarray:
    """Weighted lexicon matches per 1,000 tokens, one column per frame, log1p-scaled.

    Case-insensitive, word-boundary phrase matching with simple inflection (s, es,
    ed, ing, d).

    Parameters
    ----------
    texts : sequence of str
    lexicons : sequence of dict term -> weight, one per frame

    Returns
    -------
    ndarray of shape (n_texts, n_frames)
    """
    patterns = []
    for lex in lexicons:
        pats = [(re.compile(r"\b" + re.escape(term).replace(r"\ ", r"\s+") + r"(?:s|es|ed|ing|d)?\b", re.I), w)
                for term, w in lex.items()]
        patterns.append(pats)
    out = np.zeros((len(texts), len(lexicons)))
    for i, text in enumerate(texts):
        n_tokens = max(1, len(_TOKEN.findall(text)))
        for j, pats in enumerate(patterns):
            hits = sum(w * len(p.findall(text)) for p, w in pats)
            out[i, j] = np.log1p(1000.0 * hits / n_tokens)
    return out
