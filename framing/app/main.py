"""The framing app: the same events side by side across outlets.

Run with ``framing app [PATH...]`` (or ``streamlit run framing/app/main.py``). A thin layer over
the public API: every page is a ``render()`` function in ``framing.app.views``. When the server
has a token (``FRAMING_APP_TOKEN``), :func:`framing.app.auth.gate` asks for it before any page runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import time

import streamlit as st

from framing.app import auth, state
from framing.app.views import actors, codebook, corpus, events, export, outlets
from framing.paths import app_icon_path

st.set_page_config(page_title="framing — outlets side by side", page_icon=str(app_icon_path()), layout="wide")
if not auth.gate():
    st.stop()


def _optional(module: str, title: str, url_path: str, icon: str) -> list:
    """A page owned by another module, included only when that module exists."""
    name = f"framing.app.views.{module}"
    if importlib.util.find_spec(name) is None:
        return []
    return [st.Page(importlib.import_module(name).render, title=title, url_path=url_path, icon=icon)]


PAGES = {
    "Compare": [
        st.Page(events.render, title="Events", url_path="events", icon=":material/view_column:", default=True),
        st.Page(outlets.render, title="Outlets", url_path="outlets", icon=":material/grid_on:"),
        st.Page(actors.render, title="Actors", url_path="actors", icon=":material/groups:"),
    ],
    "Set up": [
        st.Page(corpus.render, title="Corpus", url_path="corpus", icon=":material/folder_open:"),
        st.Page(codebook.render, title="Codebook", url_path="codebook", icon=":material/menu_book:"),
        st.Page(export.render, title="Export", url_path="export", icon=":material/download:"),
    ],
}
validate = _optional("annotate", "Annotate", "annotate", ":material/edit_note:") + _optional(
    "validation", "Validation", "validation", ":material/fact_check:")
if validate:
    PAGES["Validate"] = validate

logging.basicConfig(level=os.environ.get("FRAMING_LOG_LEVEL", "WARNING"))
log = logging.getLogger("framing.app")

page = st.navigation(PAGES)
state.restore_session()  # this browser's corpus, codebook drafts and choices (survive a reload)
state.follow_goto([p for group in PAGES.values() for p in group])
state.choose_default_encoder()  # before the page scores anything: multilingual for a mixed corpus
started = time.perf_counter()
page.run()
state.sidebar()
state.remember_session()
log.info("page %s rendered in %.3f s", page.title, time.perf_counter() - started)
