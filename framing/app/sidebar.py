"""The sidebar every page shows: corpus, codebook, scoring status, encoder."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from framing.app.choices import DEFAULT_ENCODER, ENCODER_KEY, ENCODERS, codebook_is_draft, corpus_source, current_codebook, encoder_name
from framing.app.highlight import code, md
from framing.app.jobs import current_results, is_scored, scoring_job
from framing.app.resources import current_corpus, results_folder, store_warning


def sidebar() -> None:
    """The sidebar summary every page shows: corpus, codebook, scoring status."""
    with st.sidebar:
        if results_folder() is not None:
            _folder_sidebar()
            return
        src = corpus_source()
        corpus = current_corpus()
        st.markdown("**Corpus**")
        if corpus is None:
            st.caption(f"{md(src['label'])} — could not be read")
        else:
            n_outlets = len({a.outlet for a in corpus.articles})
            st.caption(f"{md(src['label'])}  \n{len(corpus):,} articles · {n_outlets} outlets")
        cb = current_codebook()
        st.markdown("**Codebook**")
        st.caption(f"{md(cb.name)} ({code(cb.id)}){' — edited' if codebook_is_draft() else ''}  \n"
                   f"{len(cb.frames)} frames · {len(cb.axes)} axes")
        st.markdown("**Scores**")
        job = scoring_job()
        running = job is not None and not job.finished
        first_look = job is not None and job.first_look is not None and not is_scored()
        st.caption("first look (static encoder) · refining in the background…" if first_look and running
                   else "scored" if is_scored() else "scoring in the background…" if running else "not scored yet")
        choose_default_encoder()
        current = encoder_name()
        options = list(ENCODERS) + ([current] if current not in ENCODERS else [])
        st.selectbox("Sentence encoder", options, format_func=lambda n: ENCODERS.get(n, n), key=ENCODER_KEY,
                     help="Scores are cached per encoder; the static model embeds ~50× faster with a "
                          "small loss in accuracy; the multilingual one (e5) scores every language in one space.")
        if st.session_state.get("encoder_note") and current != DEFAULT_ENCODER:
            st.caption(md(st.session_state["encoder_note"]))
        warning = store_warning()
        if warning:
            st.warning(warning)


def choose_default_encoder() -> None:
    """Set the session's encoder once, before a page runs: the multilingual one when the corpus is
    not all English and neither the user (a saved choice) nor ``FRAMING_APP_ENCODER`` chose one
    (:func:`framing.language.choose_encoder`); else the default."""
    if ENCODER_KEY in st.session_state:
        return
    current = encoder_name()
    corpus = current_corpus() if results_folder() is None else None
    if corpus is not None and current == DEFAULT_ENCODER and not os.environ.get("FRAMING_APP_ENCODER"):
        from framing.language import choose_encoder, language_counts

        chosen, note = choose_encoder(None, language_counts(corpus.articles))
        if chosen is not None:
            st.session_state["encoder_note"] = note
            current = chosen
    st.session_state[ENCODER_KEY] = current


def _folder_sidebar() -> None:
    results = current_results()
    st.markdown("**Results folder**")
    if results is None:
        st.caption(f"{md(results_folder())} — could not be opened")
        return
    info = results.summary()
    st.caption(f"{md(Path(info['folder']).name)}  \n{info['articles']:,} articles · {info['outlets']} outlets  \n"
               f"{info['events']:,} events ({info['multi_outlet_events']:,} across outlets)")
    cb = results.codebook
    st.markdown("**Codebook**")
    st.caption(f"{md(cb.name)} ({code(cb.id)})  \n{len(cb.frames)} frames · {len(cb.axes)} axes")
    st.markdown("**Scores**")
    st.caption(f"scored with {code(info['encoder'][:48])} · {md(info['engine'] or '?')} engine")
