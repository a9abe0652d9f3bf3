"""Train, cross-validate, save and load the supervised role model from coded mentions.

Coded mentions are a CSV or JSONL file with ``article_id, start, end`` (end exclusive,
offsets into the text as given), optionally ``mention``, and ``role``: a main-role id or a
label the codebook maps to one (``hero`` -> ``protagonist``, :meth:`Codebook.role_for_label`),
or ``none``; optionally ``fine_role`` (``;``-separated, kept in the table only).

A model is saved as a folder the way :mod:`framing.validate.supervised` saves frame
classifiers -- no pickle: ``weights.safetensors`` (the scaler's mean and scale, the logistic
regression's coefficients and intercepts), ``config.json`` (format, classes, parameters,
encoder and codebook) and ``meta.json`` (library versions, training size, CV figures).
"""

from __future__ import annotations

import json
import logging
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from framing.roles.scoring import NONE, RoleClassifier

log = logging.getLogger(__name__)

FORMAT = "framing.RoleClassifier"
FORMAT_VERSION = 1


def read_coded_mentions(path, codebook) -> pd.DataFrame:
    """Read coded mentions and map every ``role`` label to a main-role id of ``codebook``.

    Returns
    -------
    DataFrame
        The file's rows in order, ``role`` replaced by the role id (``none`` kept) and the
        label as given in ``label``.

    Raises
    ------
    ValueError
        When the file lacks ``role`` or a label names no role of the codebook (the line is named).
    """
    from framing.roles.mentions import read_mentions

    frame = read_mentions(path)
    if "role" not in frame.columns:
        raise ValueError(f"{path}: coded mentions need a 'role' column (has: {', '.join(map(str, frame.columns))})")
    roles = []
    for i, label in enumerate(frame["role"].tolist()):
        text = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label).strip()
        if text.lower() in (NONE, "no role", "no clear role"):
            roles.append(NONE)
            continue
        try:
            roles.append(codebook.role_for_label(text))
        except ValueError as exc:
            raise ValueError(f"{path}: row {i + 1}: {exc}") from None
    return frame.assign(label=frame["role"], role=roles).reset_index(drop=True)


def coded_features(source, codebook, coded: pd.DataFrame, encoder, cache=None, *, nlp=None):
    """Features and labels of coded mentions.

    Returns
    -------
    (RoleFeatures, ndarray of str, DataFrame)
        All features (one row per coded mention), the role of each, and the anchored
        mentions (with ``reason`` for those that could not be located).
    """
    from framing.roles.mentions import anchor_mentions
    from framing.roles.scoring import _articles_of, role_features

    articles, _ = _articles_of(source)
    texts = {a.article_id: a.text or "" for a in articles}
    cols = [c for c in ("article_id", "start", "end", "mention") if c in coded.columns]
    anchored = anchor_mentions(coded[cols], texts, codebook)
    features = role_features(anchored, texts, codebook, encoder, cache, nlp=nlp)
    return features, coded["role"].astype(str).to_numpy(), anchored


def cross_validate_roles(X, y, *, n_splits: int = 5, random_state: int = 0, n_boot: int = 1000,
                         make_model=None) -> dict:
    """Stratified k-fold CV of a role model, with bootstrap intervals over mentions.

    Returns
    -------
    dict
        ``accuracy, accuracy_ci, macro_f1, macro_f1_ci, per_role`` (role -> F1), ``n``,
        ``n_splits``, ``labels``.
    """
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    X, y = np.asarray(X, dtype=np.float64), np.asarray(y).astype(str)
    labels = sorted(set(y))
    smallest = int(pd.Series(y).value_counts().min()) if len(y) else 0
    if len(labels) < 2 or smallest < 2:
        raise ValueError(f"cross-validation needs at least two roles with two coded mentions each "
                         f"(counts: {pd.Series(y).value_counts().to_dict()})")
    k = min(n_splits, smallest)
    make_model = make_model or RoleClassifier
    pred = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(k, shuffle=True, random_state=random_state).split(X, y):
        pred[test] = make_model().fit(X[train], y[train]).predict(X[test])
    pred = pred.astype(str)
    rng = np.random.default_rng(random_state)
    boots = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        boots.append((accuracy_score(y[i], pred[i]), f1_score(y[i], pred[i], labels=labels, average="macro",
                                                              zero_division=0)))
    b = np.array(boots) if boots else np.full((1, 2), np.nan)
    lo, hi = np.quantile(b, [0.025, 0.975], axis=0)
    per = f1_score(y, pred, labels=labels, average=None, zero_division=0)
    return {"accuracy": float(accuracy_score(y, pred)), "accuracy_ci": [float(lo[0]), float(hi[0])],
            "macro_f1": float(f1_score(y, pred, labels=labels, average="macro", zero_division=0)),
            "macro_f1_ci": [float(lo[1]), float(hi[1])], "per_role": dict(zip(labels, map(float, per))),
            "n": int(len(y)), "n_splits": int(k), "labels": labels}


def train_role_model(source, codebook, coded: pd.DataFrame, encoder, cache=None, *, n_splits: int = 5,
                     random_state: int = 0, C="auto", cv: bool = True):
    """Fit a :class:`RoleClassifier` on coded mentions (and cross-validate it).

    Parameters
    ----------
    source : Corpus, list of Article or Results
        The articles the mentions point into.
    codebook : Codebook
    coded : DataFrame
        From :func:`read_coded_mentions`.
    encoder : Encoder
    cache : Store or MemoryCache, optional
    n_splits : int, default 5
    C : float or "auto", default "auto"
    cv : bool, default True

    Returns
    -------
    (RoleClassifier, dict)
        The model fitted on every located mention, and a report: ``n_coded``, ``n_used``,
        ``not_located`` (reason -> count), ``class_counts`` and ``cv``
        (:func:`cross_validate_roles`, or None).
    """
    features, y, anchored = coded_features(source, codebook, coded, encoder, cache)
    ok = features.ok
    if not ok.any():
        raise ValueError("none of the coded mentions could be located in the articles "
                         f"(reasons: {anchored['reason'].value_counts().to_dict()})")
    X, y = features.matrix()[ok], y[ok]
    report = {"n_coded": int(len(coded)), "n_used": int(ok.sum()),
              "not_located": anchored.loc[~ok, "reason"].value_counts().to_dict(),
              "class_counts": pd.Series(y).value_counts().to_dict(), "cv": None}
    if cv:
        report["cv"] = cross_validate_roles(X, y, n_splits=n_splits, random_state=random_state,
                                            make_model=lambda: RoleClassifier(C=C, random_state=random_state))
    model = RoleClassifier(C=C, random_state=random_state).fit(X, y)
    model.encoder_id_ = str(encoder.model_id)
    model.codebook_id_, model.codebook_sha256_ = codebook.id, codebook.sha256
    model.n_train_ = int(len(y))
    model.cv_ = report["cv"]
    return model, report


def _versions() -> dict:
    import importlib.metadata as md

    def version(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    return {"framing": version("framing"), "scikit-learn": version("scikit-learn"), "numpy": version("numpy"),
            "safetensors": version("safetensors"), "spacy": version("spacy"), "python": platform.python_version()}


def save_role_model(model: RoleClassifier, path, *, name: str | None = None) -> Path:
    """Write ``weights.safetensors``, ``config.json`` and ``meta.json`` of a fitted model into ``path``."""
    from safetensors.numpy import save_file
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "model_")
    scaler, lr = model.model_[0], model.model_[-1]
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    arrays = {"mean": scaler.mean_, "scale": scaler.scale_, "coef": lr.coef_, "intercept": lr.intercept_}
    save_file({k: np.ascontiguousarray(v, dtype=np.float64) for k, v in arrays.items()},
              str(out / "weights.safetensors"))
    C = float(np.ravel(lr.C_)[0]) if hasattr(lr, "C_") else float(lr.C)
    config = {"format": FORMAT, "format_version": FORMAT_VERSION, "classes": [str(c) for c in model.classes_],
              "params": model.get_params(), "C_": C, "n_features_in": int(scaler.mean_.shape[0]),
              "encoder_id": getattr(model, "encoder_id_", None), "codebook_id": getattr(model, "codebook_id_", None),
              "codebook_sha256": getattr(model, "codebook_sha256_", None)}
    (out / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    meta = {"name": name or out.name, "kind": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "encoder_id": config["encoder_id"], "codebook_id": config["codebook_id"],
            "codebook_sha256": config["codebook_sha256"], "classes": config["classes"],
            "n_train": getattr(model, "n_train_", None), "cv": getattr(model, "cv_", None), "versions": _versions()}
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return out


def load_role_model(path) -> RoleClassifier:
    """Load a model saved by :func:`save_role_model` (never unpickles).

    Raises
    ------
    ValueError
        When ``path`` is not a role-model folder or its weights are not valid safetensors.
    """
    from safetensors.numpy import load_file
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folder = Path(path)
    cfg_path = folder / "config.json"
    if not cfg_path.is_file():
        raise ValueError(f"{folder}: not a role model directory (no config.json; train one with "
                         "`framing train-roles`)")
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{cfg_path}: not valid JSON ({exc})") from None
    if not isinstance(cfg, dict) or cfg.get("format") != FORMAT:
        got = cfg.get("format") if isinstance(cfg, dict) else type(cfg).__name__
        raise ValueError(f"{cfg_path}: not a role model (format {got!r}, expected {FORMAT!r})")
    try:
        arrays = load_file(str(folder / "weights.safetensors"))
    except Exception as exc:  # noqa: BLE001 - SafetensorError (a pickle renamed, a truncated file) or OSError
        raise ValueError(f"{folder / 'weights.safetensors'}: not a valid safetensors file ({exc}); "
                         "framing never unpickles model files - retrain with `framing train-roles`") from None
    classes = np.array(cfg["classes"], dtype=object)
    n = int(cfg["n_features_in"])
    if arrays["mean"].shape != (n,) or arrays["coef"].shape[1] != n:
        raise ValueError(f"{folder}: weights do not match config.json ({n} features)")
    scaler = StandardScaler()
    scaler.mean_, scaler.scale_ = arrays["mean"], arrays["scale"]
    scaler.var_ = arrays["scale"] ** 2
    scaler.n_features_in_, scaler.n_samples_seen_ = n, 0
    params = cfg["params"]
    lr = LogisticRegression(C=cfg["C_"], class_weight=params.get("class_weight"), max_iter=params.get("max_iter", 2000))
    lr.coef_, lr.intercept_, lr.classes_, lr.n_features_in_ = arrays["coef"], arrays["intercept"], classes, n
    model = RoleClassifier(**params)
    model.model_ = make_pipeline(scaler, lr)
    model.classes_ = classes
    model.encoder_id_ = cfg.get("encoder_id")
    model.codebook_id_, model.codebook_sha256_ = cfg.get("codebook_id"), cfg.get("codebook_sha256")
    meta_path = folder / "meta.json"
    model.meta_ = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    model.meta_.setdefault("name", folder.name)
    return model
