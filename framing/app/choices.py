"""What the user chose in this browser: the corpus source, the codebooks (built-in or opened,
each with its edited draft), the encoder, widget values worth keeping, page switches. UI
choices only — results live in :mod:`framing.app.jobs`. They survive a reload
(:func:`restore_session`, :func:`remember_session`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from framing.app import files, persist
from framing.codebook import Codebook, CodebookError, builtin_ids
from framing.paths import demo_corpus_path
from framing.results import TOP_OUTLETS as _TOP_OUTLETS

log = logging.getLogger(__name__)

SOURCE_KEY = "corpus_source"


CODEBOOK_ID_KEY = "codebook_id"


CODEBOOK_DRAFTS_KEY = "codebook_drafts"


#: Values of widgets that Streamlit drops (page switches, forms): ``{"key@slot": value}``.
KEPT_KEY = "kept_widgets"


_KEPT_SLOTS_KEY = "_kept_widget_slots"


CORPUS_NOTICE_KEY = "corpus_notice"


_RESTORED_KEY = "_session_restored"


#: The corpus the app was started on when the choices were saved (``framing app PATH...``).
STARTED_ON_KEY = "started_on"


SOURCE_KINDS = ("demo", "paths", "upload")


ENCODER_KEY = "encoder_name"


GOTO_KEY = "_goto_page"


DEFAULT_CODEBOOK = "south-asia-security"


DEFAULT_ENCODER = "sentence-transformers"


#: Encoders offered in the sidebar (``framing.get_encoder`` names).
ENCODERS = {
    "sentence-transformers": "all-MiniLM-L6-v2 (default, best)",
    "onnx": "all-MiniLM-L6-v2, int8 ONNX",
    "static": "static model2vec (fast, for big corpora)",
    "cascade": "cascade: static everywhere, MiniLM where it counts",
    "multilingual": "multilingual-e5-small (Urdu, Hindi, Russian, … in one space)",
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
    """Switch the corpus; per-corpus choices (selected event, ...) are forgotten, and the
    folder of a replaced upload is removed."""
    if kind not in SOURCE_KINDS:
        raise ValueError(f"corpus source kind must be demo, paths or upload, got {kind!r}")
    old = st.session_state.get(SOURCE_KEY)
    new = {"kind": kind, "paths": [str(p) for p in paths], "label": label}
    st.session_state[SOURCE_KEY] = new
    if isinstance(old, dict) and old.get("kind") == "upload" and old.get("paths") != new["paths"]:
        files.remove_upload(old["paths"])  # replaced: the uploaded files are not needed any more
    for key in ("event_id", "event_page", "event_search", "picked_articles"):
        st.session_state.pop(key, None)
    remember_session()


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
            # the default page's url_path is "" (the root URL); it was declared with a name too
            if wanted in (page.url_path, getattr(page, "_url_path", None)):
                st.switch_page(page)
        log.warning("no page with url_path %r", wanted)


@st.cache_data(show_spinner=False, max_entries=32)
def _codebook_from_yaml(text: str) -> Codebook:
    return Codebook.from_yaml(text, source="(app draft)")


@st.cache_data(show_spinner=False)
def _builtin(codebook_id: str) -> Codebook:
    return Codebook.load(codebook_id)


def codebook_drafts() -> dict[str, str]:
    """The session's edited codebooks: codebook id -> validated YAML (kept when switching)."""
    drafts = st.session_state.get(CODEBOOK_DRAFTS_KEY)
    if not isinstance(drafts, dict):
        drafts = st.session_state[CODEBOOK_DRAFTS_KEY] = {}
    return drafts


def codebook_choices() -> list[str]:
    """The codebooks to choose from: the built-ins, then opened (uploaded) ones with a draft."""
    ids = builtin_ids()
    return ids + sorted(k for k in codebook_drafts() if k not in ids)


def codebook_id() -> str:
    """The id of the codebook in use (a built-in, or an opened codebook's draft)."""
    ids = builtin_ids()
    chosen = st.session_state.get(CODEBOOK_ID_KEY)
    if chosen in ids or chosen in codebook_drafts():
        return chosen
    return DEFAULT_CODEBOOK if DEFAULT_CODEBOOK in ids or not ids else ids[0]


def current_codebook() -> Codebook:
    """The codebook in use: its edited draft if any, else the built-in."""
    cid = codebook_id()
    draft = codebook_drafts().get(cid)
    if draft:
        try:
            return _codebook_from_yaml(draft)
        except CodebookError as exc:  # drafts are validated before they are stored
            log.warning("discarding invalid codebook draft %s: %s", cid, exc)
            codebook_drafts().pop(cid, None)
            return current_codebook()
    return _builtin(cid)


def select_codebook(codebook_id: str) -> None:
    """Switch to a built-in or an opened codebook; every draft is kept."""
    if codebook_id not in builtin_ids() and codebook_id not in codebook_drafts():
        raise ValueError(f"codebook {codebook_id!r}: not a built-in ({', '.join(builtin_ids())}) "
                         "and not an opened codebook")
    st.session_state[CODEBOOK_ID_KEY] = codebook_id
    remember_session()


def set_codebook(codebook: Codebook, slot: str | None = None) -> str:
    """Keep ``codebook`` as the draft of ``slot`` (default: the codebook in use) and use it.

    Opening a codebook from a file passes ``slot=codebook.id``. A draft identical to its
    built-in is no draft. Returns the slot. Raises :class:`CodebookError` for an invalid codebook.
    """
    slot = slot or codebook_id()
    text = codebook.to_yaml()
    Codebook.from_yaml(text)  # raises CodebookError for an invalid draft
    drafts = codebook_drafts()
    if slot in builtin_ids() and codebook.sha256 == _builtin(slot).sha256:
        drafts.pop(slot, None)
    else:
        drafts[slot] = text
    st.session_state[CODEBOOK_ID_KEY] = slot
    remember_session()
    return slot


def discard_draft(slot: str | None = None) -> None:
    """Drop the draft of ``slot`` (default: the codebook in use); an opened codebook goes with it."""
    slot = slot or codebook_id()
    codebook_drafts().pop(slot, None)
    if slot not in builtin_ids() and st.session_state.get(CODEBOOK_ID_KEY) == slot:
        st.session_state.pop(CODEBOOK_ID_KEY, None)
    remember_session()


def codebook_is_draft(slot: str | None = None) -> bool:
    return bool(codebook_drafts().get(slot or codebook_id()))


def restore_widget(key: str, options: list, default, slot: str = "") -> None:
    """Before drawing widget ``key``: give it back the value it had (for this ``slot``, e.g. a
    codebook id) when Streamlit dropped it — on a page switch, a reload, or a form submit.

    The widget must then be drawn without ``index``/``default`` (the value comes from the
    session state). ``default`` is a single option, or a list of options for a multiselect.
    """
    kept = st.session_state.setdefault(KEPT_KEY, {})
    slots = st.session_state.setdefault(_KEPT_SLOTS_KEY, {})
    multi = isinstance(default, list)

    def valid(value):
        if multi:
            return isinstance(value, list) and all(v in options for v in value)
        return value in options

    if key in st.session_state and (slots.get(key) != slot or not valid(st.session_state[key])):
        del st.session_state[key]  # drawn for another codebook, or its option is gone
    if key not in st.session_state:
        value = kept.get(f"{key}@{slot}")
        st.session_state[key] = value if valid(value) else default
    slots[key] = slot


def keep_widget(key: str, slot: str = "") -> None:
    """After drawing widget ``key``: copy its value to a key Streamlit does not drop."""
    if key in st.session_state:
        value = st.session_state[key]
        st.session_state.setdefault(KEPT_KEY, {})[f"{key}@{slot}"] = list(value) if isinstance(
            value, (list, tuple)) else value


#: What survives a reload (per browser, on the server: :mod:`framing.app.persist`).
PERSISTED = (SOURCE_KEY, CODEBOOK_ID_KEY, CODEBOOK_DRAFTS_KEY, ENCODER_KEY, KEPT_KEY, STARTED_ON_KEY)


def restore_session() -> None:
    """Once per browser session (``main.py``, before the page): the saved corpus source,
    codebook drafts and choices of this browser; old uploads and saved states are pruned."""
    persist.browser_id()  # every run: puts ?s= back into the address after a page switch
    if st.session_state.get(_RESTORED_KEY):
        return
    st.session_state[_RESTORED_KEY] = True
    restored = persist.restore(PERSISTED)
    started_on = default_source()
    if restored.get(STARTED_ON_KEY, started_on) != started_on:  # restarted on other paths: open those
        st.session_state.pop(SOURCE_KEY, None)
        restored.pop(SOURCE_KEY, None)
    st.session_state[STARTED_ON_KEY] = started_on
    src = restored.get(SOURCE_KEY)
    if src is not None:
        ok = (isinstance(src, dict) and src.get("kind") in SOURCE_KINDS and isinstance(src.get("paths"), list)
              and all(isinstance(p, str) for p in src["paths"]) and isinstance(src.get("label"), str))
        if ok and src["kind"] == "upload" and not all(Path(p).exists() for p in src["paths"]):
            st.session_state[CORPUS_NOTICE_KEY] = (f"The uploaded corpus {src['label']} was removed from the "
                                                   "server (uploads are kept for a while only); showing the "
                                                   "default corpus.")
            ok = False
        if not ok:
            log.warning("saved corpus source %r dropped", src)
            st.session_state.pop(SOURCE_KEY, None)
    for key, kind in ((CODEBOOK_DRAFTS_KEY, dict), (KEPT_KEY, dict), (CODEBOOK_ID_KEY, str), (ENCODER_KEY, str)):
        if key in restored and not isinstance(restored[key], kind):
            st.session_state.pop(key, None)
    drafts = st.session_state.get(CODEBOOK_DRAFTS_KEY)
    if isinstance(drafts, dict):
        for k, v in list(drafts.items()):
            if not isinstance(k, str) or not isinstance(v, str):
                drafts.pop(k)
    src = st.session_state.get(SOURCE_KEY)
    keep = ()
    if isinstance(src, dict) and src.get("kind") == "upload":
        files.touch(src["paths"])
        folder = files.upload_folder(src["paths"])
        keep = (folder,) if folder is not None else ()
    try:
        files.prune_uploads(keep=keep)
        persist.prune()
    except OSError as exc:
        log.warning("could not prune old uploads: %s", exc)


def remember_session() -> None:
    """Save this browser's corpus source, drafts and choices if they changed."""
    persist.remember(PERSISTED)


#: Outlets compared by default (all of them when there are no more than this).
TOP_OUTLETS = _TOP_OUTLETS


TOP_OUTLETS_KEY = "compare_top_n"



def compared_outlets(counts) -> list[str]:
    """The outlets the Outlets and Export pages compare: the ``compare_top_n`` with most
    articles (``counts``: articles per outlet, most first, as ``Results.outlet_counts()``)."""
    n = st.session_state.get(TOP_OUTLETS_KEY) or min(TOP_OUTLETS, len(counts))
    return list(counts.index[: max(1, int(n))])
