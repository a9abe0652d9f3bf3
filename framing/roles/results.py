"""Roles on a :class:`~framing.results.Results`: the table computed once and cached, and its comparison.

:meth:`Results.roles <framing.results.Results.roles>` and ``Results.compare(target="roles")``
call these. The roles table is computed with the results' codebook and encoder and kept in
memory; for a results folder it is also written as ``DIR/roles.parquet`` with
``DIR/roles.json`` (codebook hash, encoder id, model and the scores file it was computed
from), so that re-opening the folder does not re-run spaCy and the encoder, and a changed
run is not answered with stale roles.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

#: Exports include the roles tables by default below this many articles (``Results.export(roles=None)``).
ROLES_EXPORT_MAX_ARTICLES = 2000
ROLES_FILE = "roles.parquet"
ROLES_STATE = "roles.json"


def encoder_for(results, encoder=None):
    """The encoder to compute roles with: ``encoder``, else the results' own, else the built-in
    model named by ``results.encoder_id``.

    Raises
    ------
    ValueError
        When none is given and ``encoder_id`` names no built-in model or local directory.
    """
    from framing.encoders import DEFAULT_MODEL_ID, MPNET_MODEL_ID, ONNX_MODEL_ID, get_encoder, resolve_encoder

    if encoder is not None:
        return resolve_encoder(encoder)
    if getattr(results, "encoder", None) is not None:
        return results.encoder
    known = {DEFAULT_MODEL_ID: None, MPNET_MODEL_ID: "mpnet", ONNX_MODEL_ID: "onnx"}
    eid = str(results.encoder_id)
    if eid in known:
        return get_encoder(known[eid])
    if Path(eid).expanduser().is_dir():
        return get_encoder(eid)
    raise ValueError(f"these results were scored with encoder {eid!r}, which is not a built-in model: "
                     "pass the encoder (results.role_table(encoder=...))")


def model_key(model) -> str:
    """A short text that identifies a role model (``zero-shot`` when None)."""
    if model is None:
        return "zero-shot"
    meta = getattr(model, "meta_", None) or {}
    return str(meta.get("sha256") or meta.get("name") or type(model).__name__)


def _state(results, encoder_id: str, model) -> dict:
    scores = results._sources.get("scores")
    stamp = None
    if isinstance(scores, (str, Path)):
        stat = Path(scores).stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
    return {"codebook_sha256": results.codebook.sha256, "encoder_id": encoder_id, "model": model_key(model),
            "scores": stamp, "events": results.has("events")}


def role_table(results, encoder=None, *, model=None, cache=None) -> pd.DataFrame:
    """The roles table of ``results`` (:func:`framing.roles.score_roles`), cached.

    Parameters
    ----------
    results : Results
    encoder : Encoder or str, optional
        See :func:`encoder_for`. A table cached for the results' own encoder is read back
        without building the encoder.
    model : RoleClassifier, optional
        A trained role model (:func:`framing.roles.training.load_role_model`); default zero-shot.
    cache : Store or MemoryCache, optional
        Embedding cache.

    Returns
    -------
    DataFrame
        One row per mention, the columns of ``framing roles``.
    """
    from framing.roles.scoring import score_roles

    if not results.codebook.roles:
        raise ValueError(f"codebook {results.codebook.id!r} has no roles section (try the built-in 'entity-roles')")
    enc = encoder_for(results, encoder) if encoder is not None or getattr(results, "encoder", None) is not None else None
    encoder_id = str(enc.model_id) if enc is not None else str(results.encoder_id)
    key = ("roles", encoder_id, model_key(model))
    if key in results._cache:
        return results._cache[key]
    folder = results.folder if isinstance(results._sources.get("scores"), (str, Path)) else None
    state = _state(results, encoder_id, model)
    if folder is not None and (folder / ROLES_FILE).is_file() and (folder / ROLES_STATE).is_file():
        try:
            saved = json.loads((folder / ROLES_STATE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            saved = None
        if saved == state:
            rows = pd.read_parquet(folder / ROLES_FILE)
            results._cache[key] = rows
            return rows
    enc = enc if enc is not None else encoder_for(results)
    rows = score_roles(results, results.codebook, encoder=enc, cache=cache, model=model)
    if folder is not None:
        try:
            rows.to_parquet(folder / ROLES_FILE, index=False)
            (folder / ROLES_STATE).write_text(json.dumps(state), encoding="utf-8")
        except OSError as exc:  # a read-only folder: keep it in memory only
            log.warning("roles not cached in %s (%s)", folder, exc)
    results._cache[key] = rows
    return rows


def roles_of_articles(results, article_ids) -> pd.DataFrame:
    """The roles-table rows of some articles: taken from the whole table when it is already
    computed (in memory or in the results folder), else scored for these articles alone —
    the same rows, since a mention's role depends only on its own sentence (``event_id`` is
    left empty then). Cached per set of articles."""
    from framing.roles.scoring import score_roles

    ids = [str(a) for a in article_ids]
    whole = next((v for k, v in results._cache.items() if isinstance(k, tuple) and k[:1] == ("roles",)), None)
    folder = results.folder if isinstance(results._sources.get("scores"), (str, Path)) else None
    if whole is None and folder is not None and (folder / ROLES_FILE).is_file():
        whole = role_table(results)  # reads the folder's table when it is still valid
    if whole is not None:
        return whole[whole["article_id"].astype(str).isin(ids)].reset_index(drop=True)
    key = ("roles_of", tuple(sorted(ids)))
    if key not in results._cache:
        articles = []
        for a in ids:
            try:
                articles.append(results.article(a))
            except KeyError:
                continue  # not in these results: no rows
        results._cache[key] = score_roles(articles, results.codebook, encoder=encoder_for(results))
    return results._cache[key]


def role_comparison(rows: pd.DataFrame, *, by: str = "outlet", level: str = "actor", outlets=None, actors=None,
                    n_boot: int = 1000, n_perm: int = 2000, random_state=0, freq: str = "M") -> dict[str, pd.DataFrame]:
    """``{"role_shares": ..., "role_differences": ...}`` of a roles table (of some outlets only),
    by outlet, ``event``, ``period`` (of ``freq``) or another column.

    See :func:`framing.roles.compare.role_shares` and :func:`~framing.roles.compare.role_differences`.
    """
    from framing.roles.compare import role_differences, role_shares

    if outlets is not None:
        rows = rows[rows["outlet"].astype(str).isin(list(map(str, outlets)))]
    shares = role_shares(rows, by=by, level=level, actors=actors, n_boot=n_boot, random_state=random_state, freq=freq)
    diffs = role_differences(rows, by=by, level=level, actors=actors, n_perm=n_perm, random_state=random_state,
                             freq=freq)
    return {"role_shares": shares, "role_differences": diffs}
