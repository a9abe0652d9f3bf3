"""Statistics for outlet comparisons: pure, vectorised functions over arrays.

* :func:`bootstrap_mean_ci` -- percentile bootstrap interval of the mean, for many
  groups and many columns at once (NaN-aware).
* :func:`permutation_test` -- two-sided permutation test for a difference in means,
  vectorised over columns, exact when all splits can be enumerated.
* :func:`sign_flip_test` -- two-sided sign-flip (paired) permutation test that a mean of
  paired differences is zero, vectorised over columns, exact for few pairs.
* :func:`benjamini_hochberg` -- false-discovery-rate adjusted p-values (q-values).
* :func:`log_odds_dirichlet` -- log-odds ratio with an informative Dirichlet prior and
  its z-score (Monroe, Colaresi & Quinn 2008).

Randomness only through ``random_state`` (an int seed or a ``numpy.random.Generator``).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

__all__ = ["bootstrap_mean_ci", "permutation_test", "sign_flip_test", "benjamini_hochberg", "log_odds_dirichlet"]

# Work arrays are built in chunks of about this many cells to bound memory.
_CHUNK_CELLS = 4_000_000


def _rng(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def _as_2d(values) -> tuple[np.ndarray, bool]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        return arr[:, None], True
    if arr.ndim != 2:
        raise ValueError(f"expected a 1-D or 2-D array of values, got shape {arr.shape}")
    return arr, False


def bootstrap_mean_ci(values, groups=None, *, n_boot: int = 1000, confidence: float = 0.95, random_state=0):
    """Percentile bootstrap confidence interval of the mean, per group and column.

    Each group is resampled with replacement ``n_boot`` times (multinomial resampling
    weights, so all columns of a group share the same resamples); missing values
    (NaN) are left out column by column.

    Parameters
    ----------
    values : array-like of shape (n,) or (n, k)
    groups : array-like of shape (n,), optional
        Group label of each row; ``None`` puts all rows in one group.
    n_boot : int, default 1000
        Number of bootstrap resamples.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).
    random_state : int or numpy.random.Generator, default 0

    Returns
    -------
    dict with
        ``groups``: ndarray of shape (g,), the sorted distinct labels;
        ``mean``, ``lo``, ``hi``: ndarray of shape (g, k) (or (g,) for 1-D values);
        ``n``: ndarray of shape (g, k) (or (g,)), non-missing values per cell.
    A cell with one value gets ``lo == hi == mean``; a cell with none gets NaN.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*,
    ch. 13.3 (percentile interval). Chapman & Hall.

    Examples
    --------
    >>> out = bootstrap_mean_ci([1.0, 1.0, 1.0, 5.0], ["a", "a", "b", "b"], n_boot=200)
    >>> out["mean"].tolist(), out["n"].tolist()
    ([1.0, 3.0], [2, 2])
    >>> float(out["lo"][0]), float(out["hi"][0])
    (1.0, 1.0)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot!r}")
    x, squeeze = _as_2d(values)
    n, k = x.shape
    if groups is None:
        codes, labels = np.zeros(n, dtype=np.int64), np.array([0])
    else:
        groups = np.asarray(groups)
        if groups.shape != (n,):
            raise ValueError(f"groups must have shape ({n},), got {groups.shape}")
        labels, codes = np.unique(groups, return_inverse=True)
    rng = _rng(random_state)
    g = len(labels)
    mean = np.full((g, k), np.nan)
    lo = np.full((g, k), np.nan)
    hi = np.full((g, k), np.nan)
    count = np.zeros((g, k), dtype=np.int64)
    alpha = (1 - confidence) / 2
    for gi in range(g):
        rows = x[codes == gi]
        mask = ~np.isnan(rows)
        filled = np.where(mask, rows, 0.0)
        cnt = mask.sum(axis=0)
        count[gi] = cnt
        with np.errstate(invalid="ignore", divide="ignore"):
            mean[gi] = filled.sum(axis=0) / np.where(cnt > 0, cnt, np.nan)
        m = len(rows)
        if m == 0:
            continue
        boot = np.empty((int(n_boot), k))
        step = max(1, _CHUNK_CELLS // max(m, 1))
        for b0 in range(0, int(n_boot), step):
            b1 = min(int(n_boot), b0 + step)
            weights = rng.multinomial(m, np.full(m, 1.0 / m), size=b1 - b0).astype(np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot[b0:b1] = (weights @ filled) / (weights @ mask)
        # A resample that drew no non-missing value of a column is NaN: skip it.
        with warnings.catch_warnings():  # all-missing columns give NaN, quietly
            warnings.simplefilter("ignore", RuntimeWarning)
            lo[gi] = np.nanquantile(boot, alpha, axis=0)
            hi[gi] = np.nanquantile(boot, 1 - alpha, axis=0)
        single = cnt == 1
        lo[gi, single] = hi[gi, single] = mean[gi, single]
        lo[gi, cnt == 0] = hi[gi, cnt == 0] = np.nan
    if squeeze:
        mean, lo, hi, count = mean[:, 0], lo[:, 0], hi[:, 0], count[:, 0]
    return {"groups": labels, "mean": mean, "lo": lo, "hi": hi, "n": count}


def permutation_test(x, y, *, n_perm: int = 2000, random_state=0):
    """Two-sided permutation test for a difference in means, per column.

    The statistic is ``mean(x) - mean(y)``; the group labels of the pooled rows are
    permuted. When the number of distinct splits ``C(n_x + n_y, n_x)`` is at most
    ``n_perm`` every split is enumerated and the p-value is exact; otherwise
    ``n_perm`` random permutations are drawn and
    ``p = (1 + #{|d*| >= |d|}) / (n_perm + 1)`` (never zero). Missing values (NaN)
    are left out column by column.

    Parameters
    ----------
    x : array-like of shape (n_x,) or (n_x, k)
    y : array-like of shape (n_y,) or (n_y, k)
    n_perm : int, default 2000
    random_state : int or numpy.random.Generator, default 0

    Returns
    -------
    diff : ndarray of shape (k,) (float for 1-D input)
        Observed ``mean(x) - mean(y)``.
    p : ndarray of shape (k,) (float for 1-D input)
        Two-sided p-value; NaN where a side has no values.

    References
    ----------
    Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
    *Statistical Applications in Genetics and Molecular Biology* 9(1), art. 39.
    Good, P. (2005). *Permutation, Parametric and Bootstrap Tests of Hypotheses*, 3rd ed.

    Examples
    --------
    >>> diff, p = permutation_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    >>> float(diff), float(p)       # exact: 2 of the 20 splits are as extreme
    (-3.0, 0.1)
    """
    xa, squeeze = _as_2d(x)
    ya, squeeze_y = _as_2d(y)
    if xa.shape[1] != ya.shape[1]:
        raise ValueError(f"x and y must have the same number of columns, got {xa.shape[1]} and {ya.shape[1]}")
    if int(n_perm) < 1:
        raise ValueError(f"n_perm must be >= 1, got {n_perm!r}")
    pooled = np.vstack([xa, ya])
    n_x, n = len(xa), len(pooled)
    mask = ~np.isnan(pooled)
    filled = np.where(mask, pooled, 0.0)
    tot_sum, tot_cnt = filled.sum(axis=0), mask.sum(axis=0)

    def stat(labels: np.ndarray) -> np.ndarray:
        # labels: (m, n) 0/1 float membership in x -> (m, k) differences
        sx, cx = labels @ filled, labels @ mask
        with np.errstate(invalid="ignore", divide="ignore"):
            return sx / cx - (tot_sum - sx) / (tot_cnt - cx)

    base = np.zeros((1, n))
    base[0, :n_x] = 1.0
    observed = stat(base)[0]
    k = pooled.shape[1]
    extreme = np.zeros(k)
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))
    n_splits = math.comb(n, n_x) if n_x and n > n_x else 1
    exact = n_splits <= int(n_perm)
    if exact:
        splits = np.zeros((n_splits, n))
        for row, combo in enumerate(itertools.combinations(range(n), n_x)):
            splits[row, list(combo)] = 1.0
        with np.errstate(invalid="ignore"):
            extreme += (np.abs(stat(splits)) >= np.abs(observed) - tol).sum(axis=0)
        p = extreme / n_splits
    else:
        rng = _rng(random_state)
        step = max(1, _CHUNK_CELLS // max(n, 1))
        for b0 in range(0, int(n_perm), step):
            m = min(int(n_perm), b0 + step) - b0
            labels = rng.permuted(np.repeat(base, m, axis=0), axis=1)
            with np.errstate(invalid="ignore"):
                extreme += (np.abs(stat(labels)) >= np.abs(observed) - tol).sum(axis=0)
        p = (1.0 + extreme) / (int(n_perm) + 1.0)
    p = np.minimum(p, 1.0)
    x_cnt, y_cnt = mask[:n_x].sum(axis=0), mask[n_x:].sum(axis=0)
    p = np.where((x_cnt > 0) & (y_cnt > 0), p, np.nan)
    if squeeze and squeeze_y:
        return float(observed[0]), float(p[0])
    return observed, p


#: Most paired differences whose 2^n sign patterns are enumerated (exact test) when n_perm allows.
_MAX_EXACT_PAIRS = 20


def sign_flip_test(d, *, n_perm: int = 2000, random_state=0):
    """Two-sided sign-flip permutation test that the mean of paired differences is zero.

    Under the null hypothesis each difference ``d_i`` is symmetric around zero, so its sign
    is exchangeable. The statistic is ``mean(d)``; signs are flipped at random. When the
    ``2^n`` sign patterns number at most ``n_perm`` (and ``n <= 20``) all are enumerated and
    the p-value is exact; otherwise ``n_perm`` random patterns are drawn and
    ``p = (1 + #{|mean*| >= |mean|}) / (n_perm + 1)``. Missing values (NaN) are left out
    column by column.

    Parameters
    ----------
    d : array-like of shape (n,) or (n, k)
        Paired differences (e.g. one per event: group A's mean minus group B's).
    n_perm : int, default 2000
    random_state : int or numpy.random.Generator, default 0

    Returns
    -------
    mean : ndarray of shape (k,) (float for 1-D input)
        Observed mean difference.
    p : ndarray of shape (k,) (float for 1-D input)
        Two-sided p-value; NaN where a column has no values.

    References
    ----------
    Fisher, R. A. (1935). *The Design of Experiments*, section 21 (the paired randomisation
    test). Good, P. (2005). *Permutation, Parametric and Bootstrap Tests of Hypotheses*,
    3rd ed., section 3.7. Phipson, B. & Smyth, G. K. (2010). Permutation p-values should
    never be zero. *Statistical Applications in Genetics and Molecular Biology* 9(1), art. 39.

    Examples
    --------
    >>> mean, p = sign_flip_test([1.0, 2.0, 3.0])
    >>> float(mean), float(p)     # exact: 2 of the 8 sign patterns are as extreme
    (2.0, 0.25)
    """
    x, squeeze = _as_2d(d)
    if int(n_perm) < 1:
        raise ValueError(f"n_perm must be >= 1, got {n_perm!r}")
    n, k = x.shape
    mask = ~np.isnan(x)
    filled = np.where(mask, x, 0.0)
    cnt = mask.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = filled.sum(axis=0) / np.where(cnt > 0, cnt, np.nan)
    tol = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(observed)))
    extreme = np.zeros(k)
    exact = n <= _MAX_EXACT_PAIRS and 2 ** n <= int(n_perm)
    if exact:
        patterns = 1.0 - 2.0 * ((np.arange(2 ** n)[:, None] >> np.arange(n)[None, :]) & 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            extreme += (np.abs((patterns @ filled) / cnt) >= np.abs(observed) - tol).sum(axis=0)
        p = extreme / 2 ** n
    else:
        rng = _rng(random_state)
        step = max(1, _CHUNK_CELLS // max(n, 1))
        for b0 in range(0, int(n_perm), step):
            m = min(int(n_perm), b0 + step) - b0
            signs = rng.choice(np.array([-1.0, 1.0]), size=(m, n))
            with np.errstate(invalid="ignore", divide="ignore"):
                extreme += (np.abs((signs @ filled) / cnt) >= np.abs(observed) - tol).sum(axis=0)
        p = (1.0 + extreme) / (int(n_perm) + 1.0)
    p = np.where(cnt > 0, np.minimum(p, 1.0), np.nan)
    if squeeze:
        return float(observed[0]), float(p[0])
    return observed, p


def benjamini_hochberg(pvalues) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), NaN-aware.

    Parameters
    ----------
    pvalues : array-like of shape (m,) (any shape; flattened and restored)
        p-values in [0, 1]; NaN entries are ignored (they stay NaN and do not count in m).

    Returns
    -------
    ndarray of the same shape: ``q_(i) = min_{j >= i} (m / j) p_(j)``, capped at 1.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *JRSS B* 57(1), 289–300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(pvalues, dtype=np.float64)
    flat = p.ravel()
    ok = ~np.isnan(flat)
    if ((flat[ok] < 0) | (flat[ok] > 1)).any():
        raise ValueError(f"p-values must lie in [0, 1], got min {flat[ok].min()} max {flat[ok].max()}")
    out = np.full(flat.shape, np.nan)
    vals = flat[ok]
    m = len(vals)
    if m:
        order = np.argsort(vals)
        ranked = vals[order] * m / np.arange(1, m + 1)
        q = np.minimum.accumulate(ranked[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(q, 1.0)
        out[ok] = adjusted
    return out.reshape(p.shape)


def log_odds_dirichlet(counts_a, counts_b, prior):
    """Log-odds ratio of word use with an informative Dirichlet prior, and its z-score.

    For word ``w`` with counts ``y_a, y_b`` in two groups of sizes ``n_a, n_b`` and
    prior pseudo-counts ``alpha_w`` (``alpha_0 = sum alpha_w``)::

        delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
                - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w))
        var_w  ~= 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w)
        z_w     = delta_w / sqrt(var_w)

    Positive ``z`` means the word is more typical of group a. Inputs broadcast, so
    ``counts_a`` may be a (g, V) matrix of several groups against one ``counts_b``.

    Parameters
    ----------
    counts_a : array-like of shape (..., V)
        Word counts of group a.
    counts_b : array-like of shape (..., V)
        Word counts of group b (e.g. all other groups).
    prior : array-like of shape (V,)
        Dirichlet pseudo-counts ``alpha_w`` > 0, usually the background corpus counts
        scaled to a chosen total ``alpha_0``.

    Returns
    -------
    delta : ndarray of shape broadcast(counts_a, counts_b)
        Point estimate of the log-odds ratio.
    z : ndarray of the same shape
        ``delta / sqrt(var)``.

    References
    ----------
    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature
    selection and evaluation for identifying the content of political conflict.
    *Political Analysis* 16(4), 372–403, section 3.5 (informative Dirichlet prior;
    the z-scored estimate of their eq. 22).

    Examples
    --------
    >>> delta, z = log_odds_dirichlet([10, 0], [0, 10], prior=[1.0, 1.0])
    >>> bool(z[0] > 0 > z[1]), bool(np.isclose(delta[0], -delta[1]))
    (True, True)
    """
    ya = np.asarray(counts_a, dtype=np.float64)
    yb = np.asarray(counts_b, dtype=np.float64)
    alpha = np.asarray(prior, dtype=np.float64)
    if (alpha <= 0).any():
        raise ValueError(f"prior pseudo-counts must be > 0, got min {alpha.min()}")
    if (ya < 0).any() or (yb < 0).any():
        raise ValueError("counts must be non-negative")
    a0 = alpha.sum(axis=-1, keepdims=True)
    na = ya.sum(axis=-1, keepdims=True)
    nb = yb.sum(axis=-1, keepdims=True)
    delta = np.log((ya + alpha) / (na + a0 - ya - alpha)) - np.log((yb + alpha) / (nb + a0 - yb - alpha))
    var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
    return delta, delta / np.sqrt(var)
