"""What the user chose in this session: the corpus source, the codebook (built-in or an edited
draft), the encoder, page switches. UI choices only — results live in :mod:`framing.app.jobs`."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from framing.codebook import Codebook, CodebookError, builtin_ids
from framing.paths import demo_corpus_path
from framing.results import TOP_OUTLETS as _TOP_OUTLETS

log = logging.getLogger(__name__)

SOURCE_KEY = "corpus_source"


CODEBOOK_ID_KEY = "codebook_id"


CODEBOOK_DRAFT_KEY = "codebook_draft"


ENCODER_KEY = "encoder_name"


GOTO_KEY = "_goto_page"


DEFAULT_CODEBOOK = "south-asia-security"


DEFAULT_ENCODER = "sentence-transformers"


#: Encoders offered in the sidebar (``framing.get_encoder`` names).
ENCODERS = {
    "sentence-transformers": "all-MiniLM-L6-v2 (default, best)",
    "onnx": "all-MiniLM-L6-v2, int8 ONNX",
    "static": "static model2vec (fast, for big corpora)",
}


def default_source() -> dict:
    """The corpus to open: ``FRAMING_APP_PATHS`` (set by ``framing app PATH...``) or the demo."""
    env = os.environ.get("FRAMING_APP_PATHS", "")
    paths = [p for p in env.split(os.pathsep) if p.strip()]
    if paths:
        label = ", ".join(Path(p).name for p in paths)
        return {"kind": "paths", "paths": paths, "label": label}
    return demo_source()


def demo_source() -> dict:
    return {"kind": "demo", "paths": [str(demo_corpus_path())], "label": "Bundled demo corpus (ISKP, 5 articles)"}


def corpus_source() -> dict:
    """The current corpus source: ``{"kind": demo|paths|upload, "paths": [...], "label": str}``."""
    if SOURCE_KEY not in st.session_state:
        st.session_state[SOURCE_KEY] = default_source()
    return st.session_state[SOURCE_KEY]


def set_corpus_source(kind: str, paths: list[str], label: str) -> None:
    """Switch the corpus; per-corpus choices (selected event, ...) are forgotten."""
    if kind not in ("demo", "paths", "upload"):
        raise ValueError(f"corpus source kind must be demo, paths or upload, got {kind!r}")
    st.session_state[SOURCE_KEY] = {"kind": kind, "paths": [str(p) for p in paths], "label": label}
    for key in ("event_id", "event_page", "event_search"):
        st.session_state.pop(key, None)


def encoder_name() -> str:
    return st.session_state.get(ENCODER_KEY) or os.environ.get("FRAMING_APP_ENCODER") or DEFAULT_ENCODER


def goto(url_path: str) -> None:
    """Ask ``app.py`` to switch to the page with this ``url_path`` on the next run."""
    st.session_state[GOTO_KEY] = url_path
    st.rerun()


def follow_goto(pages: list) -> None:
    """Switch to the page a button asked for with :func:`goto` (called by ``app.py``)."""
    wanted = st.session_state.pop(GOTO_KEY, None)
    if wanted:
        for page in pages:
            if page.url_path == wanted:
                st.switch_page(page)
        log.warning("no page with url_path %r", wanted)


@st.cache_data(show_spinner=False, max_entries=32)
def _codebook_from_yaml(text: str) -> Codebook:
    return Codebook.from_yaml(text, source="(app draft)")


@st.cache_data(show_spinner=False)
def _builtin(codebook_id: str) -> Codebook:
    return Codebook.load(codebook_id)


def codebook_id() -> str:
    ids = builtin_ids()
    chosen = st.session_state.get(CODEBOOK_ID_KEY)
    if chosen in ids:
        return chosen
    return DEFAULT_CODEBOOK if DEFAULT_CODEBOOK in ids or not ids else ids[0]


def current_codebook() -> Codebook:
    """The codebook in use: the user's edited draft if any, else the chosen built-in."""
    draft = st.session_state.get(CODEBOOK_DRAFT_KEY)
    if draft:
        try:
            return _codebook_from_yaml(draft)
        except CodebookError as exc:  # drafts are validated before they are stored
            log.warning("discarding invalid codebook draft: %s", exc)
            st.session_state.pop(CODEBOOK_DRAFT_KEY, None)
    return _builtin(codebook_id())


def set_codebook(codebook: Codebook | None, builtin: str | None = None) -> None:
    """Use an edited codebook (stored as a validated YAML draft), or go back to a built-in."""
    if builtin is not None:
        st.session_state[CODEBOOK_ID_KEY] = builtin
    if codebook is None:
        st.session_state.pop(CODEBOOK_DRAFT_KEY, None)
    else:
        text = codebook.to_yaml()
        Codebook.from_yaml(text)  # raises CodebookError for an invalid draft
        st.session_state[CODEBOOK_DRAFT_KEY] = text


def codebook_is_draft() -> bool:
    return bool(st.session_state.get(CODEBOOK_DRAFT_KEY))


#: Outlets compared by default (all of them when there are no more than this).
TOP_OUTLETS = _TOP_OUTLETS


TOP_OUTLETS_KEY = "compare_top_n"



def compared_outlets(counts) -> list[str]:
    """The outlets the Outlets and Export pages compare: the ``compare_top_n`` with most
    articles (``counts``: articles per outlet, most first, as ``Results.outlet_counts()``)."""
    n = st.session_state.get(TOP_OUTLETS_KEY) or min(TOP_OUTLETS, len(counts))
    return list(counts.index[: max(1, int(n))])
