"""The input every embedding scorer reads: sentence vectors grouped by article.

Sentences of one article are contiguous and in article order, so per-article
reductions are done on a padded ``(n_articles, max_sentences, n_columns)`` array —
no Python loop over sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class EmbeddedSentences:
    """Sentence vectors of a batch of articles.

    Parameters
    ----------
    vectors : ndarray of shape (n_sentences, dim)
        L2-normalised sentence vectors, grouped by article (contiguous, in order).
    article_index : ndarray of shape (n_sentences,)
        Row of the article (0 .. n_articles-1) each sentence belongs to; non-decreasing.
    article_ids : list of str, length n_articles
    """

    vectors: np.ndarray
    article_index: np.ndarray
    article_ids: list[str] = field(default_factory=list)

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


def top_k_mean(padded: np.ndarray, k: int) -> np.ndarray:
    """Mean of the ``k`` largest non-NaN values along axis 1.

    Parameters
    ----------
    padded : ndarray of shape (n_articles, max_sentences, n_columns), NaN-padded
    k : int
        Fewer values than ``k`` -> mean of those present; none -> NaN.

    Returns
    -------
    ndarray of shape (n_articles, n_columns)

    Examples
    --------
    >>> x = np.array([[[0.1], [0.9], [0.5], [np.nan]]])
    >>> top_k_mean(x, 2).round(2).tolist()
    [[0.7]]
    """
    n, m = padded.shape[:2]
    if m == 0:
        return np.full((n,) + padded.shape[2:], np.nan)
    filled = np.where(np.isnan(padded), -np.inf, padded)
    k_eff = min(k, m)
    top = -np.sort(-filled, axis=1)[:, :k_eff]
    top = np.where(np.isinf(top), np.nan, top)
    with np.errstate(invalid="ignore"):
        counts = np.sum(~np.isnan(top), axis=1)
        sums = np.nansum(top, axis=1)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def top_k_indices(padded: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ``k`` largest values along axis 1 (descending), with a validity mask.

    Returns
    -------
    index : ndarray of shape (n_articles, k_eff, n_columns)
        Position within the article (sentence index).
    valid : ndarray of bool, same shape; False where the article has fewer sentences.
    """
    m = padded.shape[1]
    k_eff = min(k, m)
    filled = np.where(np.isnan(padded), -np.inf, padded)
    order = np.argsort(-filled, axis=1, kind="stable")[:, :k_eff]
    values = np.take_along_axis(filled, order, axis=1)
    return order, np.isfinite(values)
