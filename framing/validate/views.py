"""How a long article is seen by a frame classifier, and how its decisions are chosen.

A long article covers several frames in different passages; the mean of all its sentence
vectors blurs a frame that only one passage carries. The *chunk* view cuts an article into
runs of consecutive sentences, predicts each chunk and pools the chunk probabilities per
article (max, or noisy-or). Which view a classifier uses, and its per-frame thresholds, are
chosen on inner cross-validated predictions of the training data only:

* :func:`choose_view` keeps the simplest view unless a more complex one is better by more
  than one standard error of the inner folds (the one-standard-error rule);
* :func:`shrink_threshold` pulls a frame's F1-optimal threshold towards the frame's
  balanced decision point when the frame has few positive training units.

References
----------
Breiman, L., Friedman, J., Olshen, R., & Stone, C. (1984). Classification and Regression
Trees, sec. 3.4.3 (the one-standard-error rule).
Dietterich, T. G., Lathrop, R. H., & Lozano-Pérez, T. (1997). Solving the multiple instance
problem with axis-parallel rectangles. Artificial Intelligence 89, 31-71 (bags of instances;
max and noisy-or pooling of instance probabilities).
Lipton, Z. C., Elkan, C., & Naryanaswamy, B. (2014). Optimal thresholding of classifiers to
maximize F1 measure. ECML PKDD (thresholds that maximise F1 on small samples over-fit).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

#: the views in order of simplicity (the first is the default)
VIEWS = ("mean", "chunk_max", "chunk_noisy_or", "mean+chunk_max")


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def check_views(views: Sequence[str]) -> tuple[str, ...]:
    """The views as a tuple, in :data:`VIEWS` order; ``ValueError`` for an unknown one."""
    views = tuple(views)
    unknown = [v for v in views if v not in VIEWS]
    if unknown or not views:
        raise ValueError(f"views must be a non-empty subset of {VIEWS}, got {views!r}")
    return tuple(v for v in VIEWS if v in views)


def chunk_vectors(vectors: np.ndarray, article_index: np.ndarray, n_docs: int,
                  size: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean vectors of runs of ``size`` consecutive sentences within each document.

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim)
        Sentence vectors grouped by document (contiguous, in order).
    article_index : ndarray of shape (n_sentences,)
        Document row of each sentence (non-decreasing).
    n_docs : int
    size : int
        Sentences per chunk (the last chunk of a document may be shorter).

    Returns
    -------
    chunks : ndarray of shape (n_chunks, dim), L2-normalised means, float32
    chunk_doc : ndarray of shape (n_chunks,), document row of each chunk; a document
        without sentences gets one zero chunk, so every document has one

    Examples
    --------
    >>> v = np.eye(3, dtype=np.float32)
    >>> c, d = chunk_vectors(v, np.array([0, 0, 1]), 2, size=2)
    >>> d.tolist(), c.shape
    ([0, 1], (2, 3))
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1 sentence, got {size}")
    vectors = np.asarray(vectors, dtype=np.float64)
    index = np.asarray(article_index, dtype=np.int64)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    counts = np.bincount(index, minlength=n_docs) if len(index) else np.zeros(n_docs, np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if n_docs else np.zeros(0, np.int64)
    position = np.arange(len(index)) - starts[index] if len(index) else np.zeros(0, np.int64)
    n_chunks = np.maximum(1, -(-counts // size))
    first = np.concatenate([[0], np.cumsum(n_chunks)[:-1]]) if n_docs else np.zeros(0, np.int64)
    row = first[index] + position // size if len(index) else np.zeros(0, np.int64)
    out = np.zeros((int(n_chunks.sum()), dim))
    np.add.at(out, row, vectors)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (out / norms).astype(np.float32), np.repeat(np.arange(n_docs), n_chunks)


def pool_chunks(p: np.ndarray, chunk_doc: np.ndarray, n_docs: int, how: str) -> np.ndarray:
    """Pool chunk probabilities per document.

    Parameters
    ----------
    p : ndarray of shape (n_chunks, n_labels)
    chunk_doc : ndarray of shape (n_chunks,)
    n_docs : int
    how : {"max", "noisy_or"}
        ``max``: the most confident chunk; ``noisy_or``: ``1 - prod(1 - p)``, the frame is
        present when any chunk carries it, chunks taken as independent.

    Returns
    -------
    ndarray of shape (n_docs, n_labels)

    Examples
    --------
    >>> pool_chunks(np.array([[0.5], [0.5], [0.2]]), np.array([0, 0, 1]), 2, "noisy_or").round(2).tolist()
    [[0.75], [0.2]]
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    if how == "max":
        out = np.zeros((n_docs, p.shape[1]))
        np.maximum.at(out, chunk_doc, p)
        return out
    if how == "noisy_or":
        log_none = np.zeros((n_docs, p.shape[1]))
        np.add.at(log_none, chunk_doc, np.log1p(-p))
        return -np.expm1(log_none)
    raise ValueError(f"chunk pooling must be 'max' or 'noisy_or', got {how!r}")


def shrink_threshold(best: float, prevalence: float, n_pos: int, prior: float) -> float:
    """Shrink a frame's F1-optimal threshold towards its balanced decision point.

    On calibrated probabilities the balanced decision point is the frame's prevalence
    (probability 0.5 once the base rate is divided out, i.e. 0.5 on the scale of a
    class-balanced model). The threshold is pulled towards it in log-odds, with weight
    ``prior / (n_pos + prior)``: a frame with few positive training units keeps little of
    its noisy F1-optimal threshold; one with many keeps most.

    Parameters
    ----------
    best : float, threshold chosen on inner out-of-fold probabilities
    prevalence : float, share of positive training units
    n_pos : int, positive training units
    prior : float, pseudo-count (0: no shrinkage)

    Returns
    -------
    float

    Examples
    --------
    >>> round(shrink_threshold(0.9, 0.1, 10, 10.0), 3)
    0.5
    >>> shrink_threshold(0.9, 0.1, 10, 0.0)
    0.9
    """
    if prior <= 0 or not 0 < prevalence < 1:
        return float(best)
    w = n_pos / (n_pos + prior)
    z = w * _logit(best) + (1 - w) * _logit(prevalence)
    return float(1.0 / (1.0 + np.exp(-z)))


def choose_view(fold_scores: Mapping[str, np.ndarray]) -> str:
    """The simplest view within one standard error of the best (one-SE rule).

    Parameters
    ----------
    fold_scores : mapping view -> ndarray of shape (n_inner_folds,)
        Inner-CV macro-F1 per fold, the same folds for every view; views in order of
        simplicity (see :data:`VIEWS`).

    Returns
    -------
    str
        The best view by mean score, unless a simpler view's mean is within one standard
        error of the best view's per-fold *differences* from it: then the simplest such.

    Examples
    --------
    >>> choose_view({"mean": np.array([0.60, 0.64]), "chunk_max": np.array([0.62, 0.63])})
    'mean'
    >>> choose_view({"mean": np.array([0.50, 0.52, 0.51]), "chunk_max": np.array([0.60, 0.63, 0.62])})
    'chunk_max'
    """
    names = list(fold_scores)
    means = {v: float(np.mean(fold_scores[v])) for v in names}
    best = max(names, key=lambda v: (means[v], -names.index(v)))
    for v in names:
        if v == best:
            return v
        diff = np.asarray(fold_scores[best]) - np.asarray(fold_scores[v])
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        if diff.mean() <= se:
            return v
    return best
