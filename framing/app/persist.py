"""What survives a browser reload: one JSON file of choices per browser, on the server.

A browser is known by a random id in the page's query string (``?s=…``), created on its first
visit and put back into the address after every page switch (Streamlit clears query
parameters when the page changes). The values live in ``<data dir>/app-state/<id>.json``;
files untouched for :data:`framing.app.files.MAX_AGE_DAYS` days are removed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

import streamlit as st

from framing.app.files import MAX_AGE_DAYS
from framing.paths import app_state_dir

log = logging.getLogger(__name__)

#: The query parameter holding the browser's id.
PARAM = "s"

_ID_KEY = "_browser_id"
_SAVED_KEY = "_persisted_json"
_VALID_ID = re.compile(r"[0-9a-f]{16,64}")

#: A state file bigger than this is ignored (drafts are codebooks of at most 2 MB each).
MAX_STATE_BYTES = 16 * 1024 * 1024


def valid_id(value) -> bool:
    return isinstance(value, str) and _VALID_ID.fullmatch(value) is not None


def browser_id() -> str:
    """This browser's id: from ``?s=`` when valid, else a new one; kept in the address."""
    sid = st.session_state.get(_ID_KEY)
    if sid is None:
        given = st.query_params.get(PARAM, "")
        sid = given if valid_id(given) else secrets.token_hex(12)
        st.session_state[_ID_KEY] = sid
    if st.query_params.get(PARAM) != sid:
        st.query_params[PARAM] = sid
    return sid


def state_file(sid: str, folder: Path | None = None) -> Path:
    if not valid_id(sid):
        raise ValueError(f"browser id {sid!r}: expected 16 to 64 lower-case hex digits")
    return (folder or app_state_dir()) / f"{sid}.json"


def load(sid: str, folder: Path | None = None) -> dict:
    """The values saved for this browser (``{}`` when none or unreadable)."""
    path = state_file(sid, folder)
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            log.warning("app state %s is over %d bytes; ignored", path, MAX_STATE_BYTES)
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("app state %s unreadable (%s); starting afresh", path, exc)
        return {}
    values = data.get("values") if isinstance(data, dict) else None
    return values if isinstance(values, dict) else {}


def save(sid: str, values: dict, folder: Path | None = None) -> Path:
    """Write the values for this browser atomically (``{"id", "updated", "values"}``)."""
    path = state_file(sid, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = json.dumps({"id": sid, "updated": time.time(), "values": values}, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(blob)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def prune(max_age_days: float = MAX_AGE_DAYS, folder: Path | None = None) -> list[Path]:
    """Remove state files not written for more than ``max_age_days``."""
    folder = folder or app_state_dir()
    if not folder.is_dir():
        return []
    cutoff = time.time() - max_age_days * 86400
    removed = []
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError as exc:
            log.warning("could not prune app state %s: %s", path, exc)
    return removed


def restore(keys: tuple[str, ...]) -> dict:
    """Once per session: put this browser's saved values of ``keys`` into the session state
    (keys already set are left alone). Returns what was restored."""
    sid = browser_id()
    if st.session_state.get(_SAVED_KEY) is not None:
        return {}
    values = load(sid)
    restored = {k: values[k] for k in keys if k in values and k not in st.session_state}
    for key, value in restored.items():
        st.session_state[key] = value
    st.session_state[_SAVED_KEY] = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return restored


def remember(keys: tuple[str, ...]) -> bool:
    """Save the session's values of ``keys`` for this browser if they changed; True if written."""
    sid = browser_id()
    values = {k: st.session_state[k] for k in keys if k in st.session_state}
    try:
        blob = json.dumps(values, sort_keys=True, ensure_ascii=False)
    except TypeError as exc:  # a value that is not JSON: a bug in what is persisted
        log.warning("app state not saved: %s", exc)
        return False
    if blob == st.session_state.get(_SAVED_KEY):
        return False
    try:
        save(sid, values)
    except OSError as exc:
        log.warning("app state not saved (%s); choices will not survive a reload", exc)
        return False
    st.session_state[_SAVED_KEY] = blob
    return True
