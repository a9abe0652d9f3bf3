"""Agreement between coders, and between the model and coders.

Krippendorff's alpha is computed from the coincidence matrix (Krippendorff 2011),
vectorised over units; nominal, ordinal, interval and ratio metrics, any number of
coders, missing values allowed. Per-frame precision, recall, F1 and ROC AUC of the
model against the coders' majority come with seeded bootstrap intervals.

References
----------
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School
for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
measure for coding data. Communication Methods and Measures, 1(1), 77-89.
"""

from __future__ import annotations

import logging
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _delta2(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared difference function delta^2(c, k) over the sorted distinct values.

    Krippendorff (2011), section E: nominal 0/1, ordinal by cumulative marginal
    frequencies, interval (c-k)^2, ratio ((c-k)/(c+k))^2.
    """
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        s = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(s == 0, 0.0, ((c - k) / np.where(s == 0, 1, s)) ** 2)
        return out
    if level == "ordinal":
        cum = np.cumsum(n_c)
        i = np.arange(len(values))
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        # sum_{g=lo}^{hi} n_g - (n_lo + n_hi) / 2
        between = cum[hi] - np.where(lo > 0, cum[lo - 1], 0.0)
        return (between - (n_c[lo] + n_c[hi]) / 2.0) ** 2
    raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def coincidence_matrix(data) -> tuple[np.ndarray, np.ndarray]:
    """Values-by-values coincidence matrix of a reliability data matrix.

    Parameters
    ----------
    data : array-like of shape (n_coders, n_units)
        Numeric codes; ``nan`` (or ``None``) marks a missing value.

    Returns
    -------
    values : ndarray of shape (n_values,)
        The distinct values, sorted.
    coincidences : ndarray of shape (n_values, n_values)
        ``o[c, k] = sum_u (number of c-k pairs in unit u) / (m_u - 1)`` over units
        with at least two values (Krippendorff 2011, section C).
    """
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders x units), got shape {arr.shape}")
    finite = arr[np.isfinite(arr)]
    values = np.unique(finite)
    if values.size == 0:
        return values, np.zeros((0, 0))
    idx = np.searchsorted(values, np.where(np.isfinite(arr), arr, values[0]))
    mask = np.isfinite(arr)
    n_units = arr.shape[1]
    counts = np.zeros((n_units, values.size))  # n_uc
    unit_idx = np.broadcast_to(np.arange(n_units), arr.shape)
    np.add.at(counts, (unit_idx[mask], idx[mask]), 1.0)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts = counts[pairable]
    w = 1.0 / (m_u[pairable] - 1.0)
    weighted = counts * w[:, None]
    o = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    return values, o


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha reliability coefficient.

    Parameters
    ----------
    data : array-like of shape (n_coders, n_units)
        Reliability data; ``nan`` for a missing value. Units coded by fewer than two
        coders are not pairable and are ignored.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement (the difference function delta^2).

    Returns
    -------
    float
        ``alpha = 1 - D_o / D_e = 1 - (n - 1) * sum(o * d2) / sum(n_c n_k d2)``;
        ``nan`` when there is no variation to measure agreement on (D_e = 0) or fewer
        than two pairable values.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability, eq. for
    alpha in section C ("Nominal data, any number of observers, missing data") and
    the difference functions in section E.

    Examples
    --------
    >>> krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    ...                     [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])  # Krippendorff 2011, A
    0.095...
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    values, o = coincidence_matrix(data)
    if values.size == 0:
        return float("nan")
    n_c = o.sum(axis=0)
    n = n_c.sum()
    if n < 2:
        return float("nan")
    d2 = _delta2(values, n_c, level)
    expected = float((np.outer(n_c, n_c) * d2).sum())
    if expected == 0:
        return float("nan")
    observed = float((o * d2).sum())
    return 1.0 - (n - 1.0) * observed / expected


# ---------------------------------------------------------------------------- tables
def reliability_matrix(labels: pd.DataFrame, target: str, coders: Sequence[str] | None = None) -> tuple[np.ndarray, list[str], list[str]]:
    """Coders x units matrix for one target from long-form labels.

    Parameters
    ----------
    labels : DataFrame with columns ``coder, article_id, target, value``
    target : str
        A frame id or axis id.
    coders : sequence of str, optional
        Row order (default: sorted coders who coded this target).

    Returns
    -------
    matrix : ndarray of shape (n_coders, n_units), ``nan`` where missing
    coders : list of str
    units : list of str (article ids)
    """
    sub = labels[labels["target"] == target]
    wide = sub.pivot_table(index="coder", columns="article_id", values="value", aggfunc="mean")
    if coders is not None:
        wide = wide.reindex(list(coders))
    return wide.to_numpy(dtype=float), [str(c) for c in wide.index], [str(u) for u in wide.columns]


def agreement_table(labels: pd.DataFrame, *, frames: Sequence[str] | None = None, axes: Sequence[str] | None = None,
                    axis_level: str = "ordinal") -> pd.DataFrame:
    """Krippendorff's alpha between coders for every frame (nominal) and axis.

    Parameters
    ----------
    labels : DataFrame with columns ``coder, article_id, target, value``
        Frames coded 0/1, axes on a numeric scale.
    frames, axes : sequence of str, optional
        Targets to report (default: frames = targets whose values are all 0/1, axes =
        the rest).
    axis_level : {"ordinal", "interval"}, default "ordinal"

    Returns
    -------
    DataFrame with columns ``target, kind, level, alpha, n_coders, n_units, n_pairable``
    (one row per target, plus a ``(all frames)`` row pooling the frame decisions).
    """
    frames, axes = _split_targets(labels, frames, axes)
    rows = []
    pooled = []
    for kind, targets, level in (("frame", frames, "nominal"), ("axis", axes, axis_level)):
        for target in targets:
            mat, coders, units = reliability_matrix(labels, target)
            pairable = int((np.isfinite(mat).sum(axis=0) >= 2).sum()) if mat.size else 0
            alpha = krippendorff_alpha(mat, level) if mat.size else float("nan")
            rows.append({"target": target, "kind": kind, "level": level, "alpha": alpha,
                         "n_coders": len(coders), "n_units": len(units), "n_pairable": pairable})
            if kind == "frame" and mat.size:
                pooled.append(pd.DataFrame(mat, index=coders, columns=[f"{target}|{u}" for u in units]))
    if pooled:
        joined = pd.concat(pooled, axis=1)
        mat = joined.to_numpy(dtype=float)
        rows.append({"target": "(all frames)", "kind": "frame", "level": "nominal",
                     "alpha": krippendorff_alpha(mat, "nominal"), "n_coders": joined.shape[0],
                     "n_units": joined.shape[1], "n_pairable": int((np.isfinite(mat).sum(axis=0) >= 2).sum())})
    return pd.DataFrame(rows, columns=["target", "kind", "level", "alpha", "n_coders", "n_units", "n_pairable"])


def model_coder_agreement(labels: pd.DataFrame, predictions: pd.DataFrame, *, frames: Sequence[str] | None = None,
                          axes: Sequence[str] | None = None, axis_level: str = "interval") -> pd.DataFrame:
    """Krippendorff's alpha between the model and each coder, per target.

    Parameters
    ----------
    labels : DataFrame ``coder, article_id, target, value``
    predictions : DataFrame ``article_id, target, value``
        Model decisions on the coders' scale: 0/1 for frames, the axis scale for axes
        (see :func:`predictions_long`).
    axis_level : {"ordinal", "interval"}, default "interval"

    Returns
    -------
    DataFrame with columns ``coder, target, kind, level, alpha, n_units``; also a row per
    coder with ``coder="(all coders)"`` where all coders and the model are pooled.
    """
    frames, axes = _split_targets(labels, frames, axes)
    model = predictions.assign(coder="__model__")[["coder", "article_id", "target", "value"]]
    rows = []
    coders = sorted(labels["coder"].unique())
    for kind, targets, level in (("frame", frames, "nominal"), ("axis", axes, axis_level)):
        for target in targets:
            for coder in coders:
                both = pd.concat([labels[labels["coder"] == coder], model], ignore_index=True)
                mat, _, _ = reliability_matrix(both, target, coders=[coder, "__model__"])
                n_units = int(np.isfinite(mat).all(axis=0).sum()) if mat.size else 0
                rows.append({"coder": coder, "target": target, "kind": kind, "level": level,
                             "alpha": krippendorff_alpha(mat, level) if n_units else float("nan"),
                             "n_units": n_units})
    return pd.DataFrame(rows, columns=["coder", "target", "kind", "level", "alpha", "n_units"])


def _split_targets(labels, frames, axes):
    if frames is None or axes is None:
        binary = labels.groupby("target")["value"].apply(lambda v: bool(np.isin(v.dropna(), (0, 1)).all()))
        if frames is None:
            frames = [t for t, b in binary.items() if b]
        if axes is None:
            axes = [t for t, b in binary.items() if not b and t not in set(frames)]
    return list(frames), list(axes)


def majority(labels: pd.DataFrame, targets: Sequence[str] | None = None, *, tie: float = 1.0) -> pd.DataFrame:
    """The coders' majority per article and target (mean for non-binary targets).

    Parameters
    ----------
    labels : DataFrame ``coder, article_id, target, value``
    targets : sequence of str, optional
    tie : float, default 1.0
        Decision for a binary target when exactly half the coders chose it.

    Returns
    -------
    DataFrame indexed by article_id with one column per target (0/1 for frames,
    the mean position for axes; ``nan`` where nobody coded).
    """
    sub = labels if targets is None else labels[labels["target"].isin(list(targets))]
    mean = sub.pivot_table(index="article_id", columns="target", values="value", aggfunc="mean")
    binary = sub.groupby("target")["value"].apply(lambda v: bool(np.isin(v.dropna(), (0, 1)).all()))
    for t in mean.columns:
        if binary.get(t, False):
            col = mean[t]
            mean[t] = np.where(col.isna(), np.nan, np.where(col > 0.5, 1.0, np.where(col == 0.5, tie, 0.0)))
    if targets is not None:
        mean = mean.reindex(columns=list(targets))
    mean.columns.name = None
    return mean


# ---------------------------------------------------------------------------- metrics
def _binary_scores(y: np.ndarray, pred: np.ndarray, prob: np.ndarray | None) -> tuple[float, float, float, float]:
    tp = float((y * pred).sum())
    fp = float(((1 - y) * pred).sum())
    fn = float((y * (1 - pred)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
    auc = _auc(y, prob) if prob is not None else float("nan")
    return precision, recall, f1, auc


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the Mann-Whitney rank statistic (ties get mid-ranks)."""
    from scipy.stats import rankdata

    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def per_frame_metrics(y_true, y_pred, y_score=None, *, labels: Sequence[str] | None = None, n_boot: int = 1000,
                      ci: float = 0.95, random_state: int | None = 0) -> pd.DataFrame:
    """Per-frame precision, recall, F1 and ROC AUC with bootstrap intervals, plus micro/macro F1.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_units, n_frames)
        Binary indicator matrices (gold = the coders' majority; the model's decisions).
    y_score : array-like of shape (n_units, n_frames), optional
        Model probabilities (for AUC).
    labels : sequence of str, optional
        Frame names (default ``0..n_frames-1``).
    n_boot : int, default 1000
        Bootstrap resamples of units (percentile intervals).
    ci : float, default 0.95
    random_state : int, optional

    Returns
    -------
    DataFrame with one row per frame plus ``(micro)`` and ``(macro)`` rows and columns
    ``frame, support, precision, recall, f1, auc`` and ``*_lo``/``*_hi`` interval bounds.

    References
    ----------
    Efron, B., & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 13
    (percentile intervals).
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    s = None if y_score is None else np.asarray(y_score, dtype=float)
    if y.ndim == 1:
        y, p = y[:, None], p[:, None]
        s = None if s is None else s[:, None]
    if y.shape != p.shape or (s is not None and s.shape != y.shape):
        raise ValueError(f"y_true {y.shape}, y_pred {p.shape} and y_score "
                         f"{None if s is None else s.shape} must have the same shape")
    names = list(labels) if labels is not None else [str(i) for i in range(y.shape[1])]
    if len(names) != y.shape[1]:
        raise ValueError(f"{len(names)} labels for {y.shape[1]} columns")

    def stats(idx):
        yy, pp = y[idx], p[idx]
        ss = None if s is None else s[idx]
        out = np.array([_binary_scores(yy[:, j], pp[:, j], None if ss is None else ss[:, j]) for j in range(y.shape[1])])
        micro = _binary_scores(yy.ravel(), pp.ravel(), None)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # AUC undefined for a frame in a resample
            macro = np.nanmean(out, axis=0) if len(out) else np.full(4, np.nan)
        return np.vstack([out, np.array([micro[0], micro[1], micro[2], np.nan]), macro])

    n = y.shape[0]
    point = stats(np.arange(n))
    rng = np.random.default_rng(random_state)
    boots = np.stack([stats(rng.integers(0, n, n)) for _ in range(n_boot)]) if n_boot and n else None
    alpha = (1 - ci) / 2
    rows = []
    support = list(y.sum(axis=0).astype(int)) + [int(y.sum()), int(y.sum())]
    for i, name in enumerate(names + ["(micro)", "(macro)"]):
        row = {"frame": name, "support": support[i]}
        for j, metric in enumerate(("precision", "recall", "f1", "auc")):
            row[metric] = point[i, j]
            if boots is not None:
                col = boots[:, i, j]
                col = col[np.isfinite(col)]
                row[f"{metric}_lo"] = float(np.quantile(col, alpha)) if col.size else float("nan")
                row[f"{metric}_hi"] = float(np.quantile(col, 1 - alpha)) if col.size else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def bootstrap_f1(y_true, y_pred, *, n_boot: int = 1000, ci: float = 0.95, random_state: int | None = 0) -> dict:
    """Micro- and macro-F1 with percentile bootstrap intervals over units.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_units, n_labels)
        Binary indicator matrices (single-label data: one-hot rows).

    Returns
    -------
    dict with keys ``micro, micro_lo, micro_hi, macro, macro_lo, macro_hi``.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    if y.shape != p.shape or y.ndim != 2:
        raise ValueError(f"y_true {y.shape} and y_pred {p.shape} must be 2-D indicator matrices of one shape")

    def f1s(idx):
        yy, pp = y[idx], p[idx]
        tp = (yy * pp).sum(axis=0)
        fp = ((1 - yy) * pp).sum(axis=0)
        fn = (yy * (1 - pp)).sum(axis=0)
        denom = 2 * tp + fp + fn
        per = np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)
        micro_d = 2 * tp.sum() + fp.sum() + fn.sum()
        return (2 * tp.sum() / micro_d if micro_d else 0.0), float(per.mean())

    n = y.shape[0]
    micro, macro = f1s(np.arange(n))
    rng = np.random.default_rng(random_state)
    boots = np.array([f1s(rng.integers(0, n, n)) for _ in range(n_boot)]) if n_boot else np.zeros((0, 2))
    a = (1 - ci) / 2
    out = {"micro": float(micro), "macro": float(macro)}
    if len(boots):
        out.update(micro_lo=float(np.quantile(boots[:, 0], a)), micro_hi=float(np.quantile(boots[:, 0], 1 - a)),
                   macro_lo=float(np.quantile(boots[:, 1], a)), macro_hi=float(np.quantile(boots[:, 1], 1 - a)))
    return out
