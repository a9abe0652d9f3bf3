"""Scoring: the :class:`~framing.results.Results` every page reads — a results folder opened
with ``framing app --results DIR``, or the analysis of the current corpus, codebook and
encoder (scored here, or in a background thread for big corpora).

A big corpus is scored progressively: a *first look* with the static encoder (seconds; events
not grouped yet) that the pages show at once, then the chosen encoder's analysis in the same
thread ("refining … n / N"). The refined results replace the first look only when the user
asks (a button in the banner), so nothing on the page changes under the reader."""

from __future__ import annotations

import logging
import os
import threading
import time

import streamlit as st

import framing
from framing.app.choices import current_codebook, encoder_name, goto
from framing.app.highlight import code, md
from framing.app.resources import (
    _analyses,
    _encoder,
    _progress_callback,
    _work_lock,
    corpus_error,
    corpus_fingerprint,
    current_corpus,
    current_store,
    open_results_folder,
    results_folder,
    store_path,
)
from framing.codebook import Codebook
from framing.corpus import Corpus

log = logging.getLogger(__name__)

#: Corpora up to this many articles are scored as soon as a page needs scores;
#: bigger ones wait for a click (scoring 3,000 articles takes minutes on a CPU).
AUTO_SCORE_LIMIT = int(os.environ.get("FRAMING_APP_AUTO_SCORE", "300"))


#: Above this many articles the app suggests scoring outside it into a results folder.
LARGE_CORPUS = 20_000

#: The encoder of the first look at a big corpus.
FIRST_LOOK_ENCODER = "static"

#: Seconds the background job waits between the first look and refining (``FRAMING_APP_REFINE_PAUSE``;
#: 0 by default; demonstrations and the browser test use it to show the first look for a while).
REFINE_PAUSE = float(os.environ.get("FRAMING_APP_REFINE_PAUSE", "0") or 0)


def analysis_key() -> tuple[str, str, str] | None:
    """(corpus fingerprint, codebook sha256, encoder name): what an analysis depends on."""
    fingerprint = corpus_fingerprint()
    if fingerprint is None:
        return None
    return fingerprint, current_codebook().sha256, encoder_name()


def _analyse(corpus: Corpus, codebook: Codebook, encoder: str):
    bar = st.progress(0.0, text=f"Scoring {len(corpus):,} articles…")
    try:
        with _work_lock():
            enc = _encoder(encoder)
            result = framing.analyse(
                corpus, codebook, encoder=enc, store=current_store(),
                progress=_progress_callback(bar, "scoring"),
            )
            return result
    finally:
        bar.empty()


class _Job:
    """Scoring of a big corpus in a background thread, so the user can keep browsing.

    The thread makes no Streamlit calls: it records progress here, and the page polls it.
    """

    def __init__(self, n_articles: int, encoder_label: str = "", progressive: bool = False):
        self.n_articles = n_articles
        self.encoder_label = encoder_label
        self.progressive = progressive
        self.stage, self.done, self.total = "starting", 0, 0
        self.started = self.stage_started = time.monotonic()
        self.error: str = ""
        self.finished = False
        #: the static-encoder analysis shown while the chosen encoder refines it
        self.first_look = None
        self.refining = False

    def update(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.stage, self.stage_started = stage, time.monotonic()
        self.done, self.total = int(done or 0), int(total or 0)

    def text(self) -> str:
        frac = self.done / self.total if self.total else 0.0
        text = f"{str(self.stage).replace('_', ' ').capitalize()}: {self.done:,} / {self.total:,}"
        elapsed = time.monotonic() - self.stage_started
        if 0 < frac < 1 and elapsed > 3:
            text += f" — about {elapsed * (1 - frac) / frac / 60:.1f} min left"
        what = f"Refining with {self.encoder_label}" if self.refining else \
            ("First look with the static encoder" if self.progressive else "Scoring")
        return f"{what} · {self.n_articles:,} articles · {text} · {(time.monotonic() - self.started) / 60:.1f} min so far"


@st.cache_resource(show_spinner=False)
def _jobs() -> dict:
    return {}


def start_scoring() -> None:
    """Score the current corpus in a background thread (no-op if it is scored or running)."""
    key = analysis_key()
    corpus = current_corpus()
    if key is None or corpus is None or key in _analyses():
        return
    jobs, results = _jobs(), _analyses()
    job = jobs.get(key)
    if job is not None and not job.finished:
        return
    codebook, store, lock = current_codebook(), current_store(), _work_lock()
    encoder = _encoder(key[2])  # loaded here (with a spinner), not in the thread
    progressive = key[2] != FIRST_LOOK_ENCODER
    first = _encoder(FIRST_LOOK_ENCODER) if progressive else None
    from framing.app.choices import ENCODERS

    job = jobs[key] = _Job(len(corpus), ENCODERS.get(key[2], key[2]).split(" (")[0], progressive)

    def run() -> None:
        try:
            if first is not None:
                with lock:
                    job.first_look = framing.analyse(corpus, codebook, encoder=first, store=store,
                                                     progress=job.update, events=False)
                time.sleep(REFINE_PAUSE)
                job.refining = True
                job.update("starting", 0, 0)
            with lock:
                result = framing.analyse(corpus, codebook, encoder=encoder, store=store, progress=job.update)
            results.put(key, result)
        except Exception as exc:  # shown on the page; the thread must not die silently
            log.exception("background scoring failed")
            job.error = f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = True

    threading.Thread(target=run, name="framing-scoring", daemon=True).start()


def scoring_job():
    """The background scoring job of the current inputs, if one was started."""
    key = analysis_key()
    return None if key is None else _jobs().get(key)


@st.fragment(run_every=2)
def _job_progress() -> None:
    job = scoring_job()
    if job is None:
        return
    if job.finished or job.first_look is not None:
        st.rerun(scope="app")
    frac = job.done / job.total if job.total else 0.0
    st.progress(min(max(frac, 0.0), 1.0), text=job.text())
    st.caption("Scoring runs in the background: you can open other pages meanwhile. Embedded sentences "
               "are stored as they are done, so an interrupted run resumes where it stopped.")


#: session key: analysis keys whose first look the user is reading (refined results wait for a click)
_READING_FIRST_LOOK = "reading_first_look"


def _first_look(key):
    """The first look to show for ``key``, or ``None`` (no job, or the user took the refined results)."""
    job = _jobs().get(key)
    if job is None or job.first_look is None:
        return None
    reading = st.session_state.setdefault(_READING_FIRST_LOOK, [])
    refined = key in _analyses()
    if refined and list(key) not in reading:
        return None  # refined before this session looked: nothing to keep steady
    if list(key) not in reading:
        reading.append(list(key))
    return job.first_look


def _take_refined(key) -> None:
    reading = st.session_state.get(_READING_FIRST_LOOK, [])
    if list(key) in reading:
        reading.remove(list(key))


@st.fragment(run_every=2)
def refining_banner() -> None:
    """The state of a progressive analysis above a page that shows its first look: refining
    (with progress), then a button that swaps in the refined results."""
    key = analysis_key()
    job = None if key is None else _jobs().get(key)
    if job is None or job.first_look is None or list(key) not in st.session_state.get(_READING_FIRST_LOOK, []):
        return
    with st.container(border=True):
        st.markdown("**First look** — scores from the static encoder (fast, less accurate); events are grouped "
                    "with the refined results.")
        if job.error:
            st.error(f"Refining failed: {md(job.error)}")
        elif key in _analyses():
            st.success(f"Refined results with {md(job.encoder_label)} are ready.")
            if st.button("Show the refined results", type="primary", key="take_refined"):
                _take_refined(key)
                st.rerun(scope="app")
        else:
            frac = job.done / job.total if job.total and job.refining else 0.0
            st.progress(min(max(frac, 0.0), 1.0), text=job.text())
            st.caption("The page stays as it is until you choose to show the refined results.")


def is_scored() -> bool:
    key = analysis_key()
    return key is not None and key in _analyses()


def current_analysis(start: bool | None = None):
    """The analysis of the current corpus with the current codebook and encoder.

    Parameters
    ----------
    start : bool, optional
        Run the analysis (here, with a progress bar) if it is not cached yet. Default:
        yes for corpora of up to ``AUTO_SCORE_LIMIT`` articles; bigger ones return
        ``None`` until :func:`start_scoring` has finished in the background.

    Returns
    -------
    framing.Analysis or None
    """
    corpus = current_corpus()
    key = analysis_key()
    if corpus is None or key is None or len(corpus) == 0:
        return None
    first_look = _first_look(key)
    if first_look is not None:
        return first_look
    if start is None:
        start = key in _analyses() or len(corpus) <= AUTO_SCORE_LIMIT
    if not start:
        return None
    codebook = current_codebook()
    return _analyses().get_or_compute(key, lambda: _analyse(corpus, codebook, key[2]))


def current_results(start: bool | None = None):
    """The :class:`~framing.results.Results` the pages read: the results folder the app was
    opened on, else :func:`current_analysis` (``None`` when not scored)."""
    if results_folder() is not None:
        return open_results_folder()[0]
    return current_analysis(start)


def results_or_prompt():
    """For pages that need scores: the :class:`~framing.results.Results`, or an explanation
    (and a button) and ``None``."""
    if results_folder() is not None:
        results, error = open_results_folder()
        if results is None:
            st.error(f"The results folder could not be opened: {md(error)}")
        return results
    corpus = current_corpus()
    if corpus is None:
        st.error(f"The corpus could not be read: {md(corpus_error())}")
        if st.button("Choose another corpus", key="goto_corpus_err"):
            goto("corpus")
        return None
    if len(corpus) == 0:
        st.info("The corpus has no articles. Pick or upload another on the **Corpus** page.")
        if st.button("Go to the Corpus page", key="goto_corpus_empty"):
            goto("corpus")
        return None
    analysis = current_analysis()
    if analysis is not None:
        refining_banner()
        return analysis
    job = scoring_job()
    if job is not None and not job.finished:
        _job_progress()
        return None
    if job is not None and job.error:
        st.error(f"Scoring failed: {md(job.error)}")
    st.info(
        f"The corpus has {len(corpus):,} articles and is not scored yet with codebook "
        f"`{current_codebook().id}`. Scoring embeds every sentence once (cached in the store "
        f"{code(store_path())}), which takes a few minutes per thousand articles on a CPU."
    )
    if len(corpus) > LARGE_CORPUS:
        st.warning(f"{len(corpus):,} articles is a large corpus for scoring inside the app (the analysis is held "
                   "in memory). Scoring it outside the app streams it and keeps memory bounded: "
                   "`framing analyse PATH... --results DIR`, then `framing app --results DIR`.")
    if st.button(f"Score {len(corpus):,} articles", type="primary", key="score_now"):
        start_scoring()
        st.rerun()
    return None



def active_codebook():
    """The codebook the pages show: the results folder's, else the session's choice (or draft)."""
    if results_folder() is not None:
        results = open_results_folder()[0]
        if results is not None:
            return results.codebook
    return current_codebook()


def current_articles():
    """The articles to code and validate: the corpus, or a results folder's articles
    (:class:`~framing.results.ArticleView`); ``None`` after showing why they cannot be read."""
    if results_folder() is not None:
        results, error = open_results_folder()
        if results is None:
            st.error(f"The results folder could not be opened: {md(error)}")
            return None
        from framing.results import ArticleView

        return ArticleView(results)
    corpus = current_corpus()
    if corpus is None:
        st.error(f"The corpus could not be read: {md(corpus_error())}")
    return corpus
