"""Validation tables: agreement between coders and of a model (or the zero-shot scores) with them.

Used by ``framing validate`` and the app's Validation page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.validate.agreement import agreement_table, majority, model_coder_agreement, per_frame_metrics

#: the app's axis scale: 5 points, -2 .. 2 (positive = pole A); model axis positions
#: in [-1, 1] are multiplied by this to be compared with coders.
AXIS_SCALE = 2.0


def model_predictions(model, texts: dict[str, str], article_ids) -> pd.DataFrame:
    """Decisions and probabilities of a trained classifier in long form.

    Parameters
    ----------
    model : fitted FrameClassifier / FewShotClassifier (``labels_``, ``predict_proba``, ``predict``)
    texts : dict article_id -> text
    article_ids : iterable of str (those without text are left out)

    Returns
    -------
    DataFrame ``article_id, target, value (0/1), score (probability)``
    """
    ids = [a for a in article_ids if texts.get(a)]
    rows = []
    if ids:
        docs = [texts[a] for a in ids]
        proba = model.predict_proba(docs)
        decided = model.predict(docs)
        if not getattr(model, "multi_label", True):
            decided = np.array([[int(v == lab) for lab in model.labels_] for v in decided])
        for j, lab in enumerate(model.labels_):
            rows += [(a, lab, float(decided[i, j]), float(proba[i, j])) for i, a in enumerate(ids)]
    return pd.DataFrame(rows, columns=["article_id", "target", "value", "score"])


def analysis_predictions(scores: pd.DataFrame, frame_ids, axis_ids=(), *, threshold: float = 0.5) -> pd.DataFrame:
    """Zero-shot decisions from ``Analysis.scores`` in long form.

    Frames: present when ``frame:<id>`` >= ``threshold`` (score kept for AUC); axes:
    ``axis:<id>`` (in [-1, 1]) times :data:`AXIS_SCALE`, the coders' 5-point scale.

    Returns
    -------
    DataFrame ``article_id, target, value, score``
    """
    parts = []
    for f in frame_ids:
        col = f"frame:{f}"
        if col in scores:
            s = scores[col].astype(float)
            parts.append(pd.DataFrame({"article_id": scores["article_id"].astype(str), "target": f,
                                       "value": (s >= threshold).astype(float), "score": s}))
    for a in axis_ids:
        col = f"axis:{a}"
        if col in scores:
            s = scores[col].astype(float) * AXIS_SCALE
            parts.append(pd.DataFrame({"article_id": scores["article_id"].astype(str), "target": a,
                                       "value": s, "score": s}))
    if not parts:
        return pd.DataFrame(columns=["article_id", "target", "value", "score"])
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])


def validation_tables(labels, predictions: pd.DataFrame | None = None, *, n_boot: int = 1000,
                      random_state: int = 0) -> dict[str, pd.DataFrame]:
    """Agreement and per-frame metric tables.

    Parameters
    ----------
    labels : framing.validate.labels.Labels
    predictions : DataFrame ``article_id, target, value[, score]``, optional
        Model decisions (see :func:`model_predictions`, :func:`analysis_predictions`).
    n_boot : int, default 1000
    random_state : int, default 0

    Returns
    -------
    dict of DataFrames: ``agreement`` (alpha between coders: nominal for frames, ordinal
    for axes); with predictions also ``model_agreement`` (alpha between the model and
    each coder: nominal for frames, interval for axes) and ``frame_metrics``
    (precision/recall/F1/AUC of the model against the coders' majority with bootstrap
    intervals).
    """
    tables = {"agreement": agreement_table(labels.frame, frames=labels.frames, axes=labels.axes)}
    if predictions is None or predictions.empty or labels.frame.empty:
        return tables
    predicted = set(predictions["target"])
    frames = [f for f in labels.frames if f in predicted]
    axes = [a for a in labels.axes if a in predicted]
    if frames or axes:
        tables["model_agreement"] = model_coder_agreement(labels.frame, predictions, frames=frames, axes=axes)
    if frames:
        maj = majority(labels.frame, frames)
        ids = [a for a in maj.index if a in set(predictions["article_id"])]
        if ids:
            sub = predictions[predictions["target"].isin(frames)]
            pv = sub.pivot_table(index="article_id", columns="target", values="value").reindex(index=ids, columns=frames)
            score_col = "score" if "score" in sub else "value"
            ps = sub.pivot_table(index="article_id", columns="target", values=score_col).reindex(index=ids,
                                                                                               columns=frames)
            gold = maj.reindex(index=ids, columns=frames)
            keep = gold.notna().all(axis=1).to_numpy()
            tables["frame_metrics"] = per_frame_metrics(gold.to_numpy()[keep], pv.fillna(0).to_numpy()[keep],
                                                        ps.fillna(0).to_numpy()[keep], labels=frames, n_boot=n_boot,
                                                        random_state=random_state)
    return tables
