"""Per-article reductions over sentence values grouped by article.

The input every embedding scorer reads is :class:`framing.embed.EmbeddedSentences`:
sentences of one article are contiguous and in article order, so per-article
reductions are done on a padded ``(n_articles, max_sentences, n_columns)`` array —
no Python loop over sentences.
"""

from __future__ import annotations

import numpy as np

from framing.embed import EmbeddedSentences  # re-exported: it is what the embed path returns

__all__ = ["EmbeddedSentences", "top_k_indices", "top_k_mean"]


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
