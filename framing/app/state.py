"""What the pages import: one namespace over the app's state, split by job.

* :mod:`framing.app.choices` — the browser's choices (corpus source, codebooks and their
  drafts, encoder, kept widget values, page switches), saved so that they survive a reload
  (:mod:`framing.app.persist`);
* :mod:`framing.app.resources` — what the process shares (encoder, store, loaded corpora,
  an opened results folder);
* :mod:`framing.app.jobs` — scoring, in the page or in the background, and the
  :class:`~framing.results.Results` every page reads (:func:`results_or_prompt`);
* :mod:`framing.app.sidebar` — the sidebar.

Pages read scores, events, evidence and comparisons only through the ``Results``
interface, whether the app runs on a corpus or on a results folder.
"""

from __future__ import annotations

from framing.app.choices import (
    CODEBOOK_DRAFTS_KEY,
    CODEBOOK_ID_KEY,
    CORPUS_NOTICE_KEY,
    DEFAULT_CODEBOOK,
    DEFAULT_ENCODER,
    ENCODER_KEY,
    ENCODERS,
    SOURCE_KEY,
    TOP_OUTLETS,
    TOP_OUTLETS_KEY,
    codebook_choices,
    codebook_drafts,
    codebook_id,
    codebook_is_draft,
    compared_outlets,
    corpus_source,
    current_codebook,
    default_source,
    demo_source,
    discard_draft,
    encoder_name,
    follow_goto,
    goto,
    keep_widget,
    remember_session,
    restore_session,
    restore_widget,
    select_codebook,
    set_codebook,
    set_corpus_source,
)
from framing.app.jobs import (
    LARGE_CORPUS,
    active_codebook,
    current_articles,
    analysis_key,
    current_analysis,
    current_results,
    is_scored,
    results_or_prompt,
    scoring_job,
    start_scoring,
)
from framing.app.resources import (
    RESULTS_ENV,
    annotations_store,
    corpus_error,
    corpus_fingerprint,
    current_corpus,
    current_encoder,
    current_store,
    load_paths,
    results_folder,
    store_path,
    store_warning,
)
from framing.app.sidebar import choose_default_encoder, sidebar

__all__ = [
    "active_codebook", "current_articles", "CODEBOOK_DRAFTS_KEY", "CODEBOOK_ID_KEY", "CORPUS_NOTICE_KEY", "DEFAULT_CODEBOOK", "DEFAULT_ENCODER", "ENCODERS",
    "ENCODER_KEY", "LARGE_CORPUS", "RESULTS_ENV", "SOURCE_KEY", "TOP_OUTLETS", "TOP_OUTLETS_KEY", "analysis_key",
    "annotations_store", "codebook_choices", "codebook_drafts", "codebook_id", "codebook_is_draft", "compared_outlets", "corpus_error", "corpus_fingerprint",
    "corpus_source", "current_analysis", "current_codebook", "current_corpus", "current_encoder", "current_results",
    "current_store", "default_source", "demo_source", "discard_draft", "encoder_name", "follow_goto", "goto", "is_scored", "keep_widget",
    "load_paths", "results_folder", "remember_session", "restore_session",
    "restore_widget", "results_or_prompt", "scoring_job", "select_codebook", "set_codebook", "set_corpus_source",
    "choose_default_encoder", "sidebar", "start_scoring", "store_path", "store_warning",
]
