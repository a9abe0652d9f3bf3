"""Codebook features for supervised frames, computed by the zero-shot scorers themselves.

The classifiers' prototype similarities come from :class:`framing.scoring.PrototypeScorer`
and their lexicon rates from :class:`framing.scoring.LexiconScorer`, so supervised features
and zero-shot scores measure the same things from the same codebook. Sentence vectors
and pooling come from the one embed path (:mod:`framing.embed`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from framing.embed import EmbeddedSentences
from framing.scoring import LexiconScorer, PrototypeScorer, top_k_mean


def prototype_similarity(X: EmbeddedSentences, prototypes: np.ndarray, frame_of_prototype: np.ndarray,
                         n_frames: int, top_k: int = 3) -> np.ndarray:
    """Per document and frame: max and top-k mean of sentence-to-frame similarity.

    A sentence's similarity to a frame is its maximum cosine to the frame's prototypes
    (:meth:`PrototypeScorer.sentence_similarity`, without counter-examples); a frame
    without prototypes gets -1.

    Parameters
    ----------
    X : EmbeddedSentences
        The documents' sentence vectors (L2-normalised); every document has a sentence.
    prototypes : ndarray of shape (n_prototypes, dim), L2-normalised
    frame_of_prototype : ndarray of shape (n_prototypes,), frame row of each prototype
    n_frames : int
    top_k : int, default 3

    Returns
    -------
    ndarray of shape (n_docs, 2 * n_frames): ``[max | top-k mean]``, float32
    """
    frame_of_prototype = np.asarray(frame_of_prototype)
    present = [f for f in range(n_frames) if (frame_of_prototype == f).any()]
    out_max = np.full((X.n_articles, n_frames), -1.0)
    out_top = np.full((X.n_articles, n_frames), -1.0)
    if present and X.n_sentences:
        scorer = PrototypeScorer({str(f): prototypes[frame_of_prototype == f] for f in present},
                                 top_k=top_k, calibration="none").fit()
        padded = X.padded(scorer.sentence_similarity(X.vectors))
        out_max[:, present] = top_k_mean(padded, 1)
        out_top[:, present] = top_k_mean(padded, top_k)
    return np.hstack([out_max, out_top]).astype(np.float32)


def lexicon_rates(texts: Sequence[str], lexicons: Sequence[dict[str, float]]) -> np.ndarray:
    """Weighted lexicon matches per 1,000 tokens, one column per frame, log1p-scaled.

    The rates of :class:`LexiconScorer` with its defaults (as in zero-shot scoring):
    case-insensitive, word-boundary phrase matching, inflection of the last word
    ("proxies" counts for "proxy"), short acronyms matched whole ("isi" is not inside
    "ISIS"), and a match of a multi-word term is not counted again for its words.

    Parameters
    ----------
    texts : sequence of str
    lexicons : sequence of dict term -> weight, one per frame

    Returns
    -------
    ndarray of shape (n_texts, n_frames): ``log1p(rate)``
    """
    if not lexicons:
        return np.zeros((len(texts), 0))
    scorer = LexiconScorer({str(j): dict(lex) for j, lex in enumerate(lexicons)}).fit()
    return np.log1p(scorer.transform(list(texts)))
