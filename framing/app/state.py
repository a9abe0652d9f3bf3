"""What every page reads: the corpus, codebook, store, encoder and analysis.

Session state holds UI choices only (which corpus source, which codebook draft,
which encoder, which event). Results are cached on their inputs:

* the encoder and the DuckDB store are resources (``st.cache_resource``): one per
  process;
* the loaded corpus and the analysis are cached on the *inputs* (file paths plus
  their sizes/mtimes; corpus fingerprint + codebook sha256 + encoder id). They are
  large read-only objects (a 3,400-article corpus pickles to ~23 MB and takes
  ~70 ms to unpickle), so they are kept with ``st.cache_resource`` — shared without
  a copy — rather than ``st.cache_data``, which would unpickle them on every page
  switch. Pages must treat them as read-only;
* small derived tables (event list, comparison tables) use ``st.cache_data``.

Long work (ingest, embedding) reports through ``st.progress`` from the ``progress``
callbacks of :func:`framing.load` and :func:`framing.analyse`. The progress bar is
created *inside* the cached function and emptied at its end, so a cache hit replays
nothing visible.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import streamlit as st

import framing
from framing.codebook import Codebook, CodebookError, builtin_ids
from framing.corpus import Corpus
from framing.app.highlight import code, md
from framing.paths import default_db_path, demo_corpus_path
from framing.results import TOP_OUTLETS as _TOP_OUTLETS

log = logging.getLogger(__name__)

# Session-state keys (UI choices only).
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
#: Corpora up to this many articles are scored as soon as a page needs scores;
#: bigger ones wait for a click (scoring 3,000 articles takes minutes on a CPU).
AUTO_SCORE_LIMIT = int(os.environ.get("FRAMING_APP_AUTO_SCORE", "300"))
#: Above this many articles the app suggests scoring outside it into a results folder.
LARGE_CORPUS = 20_000


# ----------------------------------------------------------------- choices
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


# ----------------------------------------------------------------- resources
@st.cache_resource(show_spinner="Loading the sentence encoder…")
def _encoder(name: str):
    return framing.get_encoder(None if name == DEFAULT_ENCODER else name)


def current_encoder():
    """The sentence encoder (loaded once per process)."""
    return _encoder(encoder_name())


def store_path() -> str:
    return os.environ.get("FRAMING_DB") or str(default_db_path())


@st.cache_resource(show_spinner=False)
def _store(path: str) -> tuple[Any, str]:
    try:
        return framing.Store(path), ""
    except (ValueError, OSError) as exc:  # e.g. the file is locked by a running `framing analyse`
        log.warning("store %s unavailable (%s); using an in-memory store", path, exc)
        return framing.Store(":memory:"), f"The store {path} could not be opened ({exc}); using a temporary in-memory store."


def current_store():
    """The DuckDB store holding the embedding cache (one per process)."""
    return _store(store_path())[0]


def store_warning() -> str:
    return _store(store_path())[1]


@st.cache_resource(show_spinner=False)
def _work_lock() -> threading.Lock:
    # One DuckDB connection is shared by all sessions: serialise the work that uses it.
    return threading.Lock()


# ----------------------------------------------------------------- corpus
def _files_fingerprint(paths: tuple[str, ...]) -> str:
    """Hash of names, sizes and mtimes of every file under ``paths`` (cheap: no reading)."""
    h = hashlib.sha256()
    for p in paths:
        path = Path(p)
        files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
        for f in files:
            try:
                stat = f.stat()
                h.update(f"{f}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            except OSError:
                h.update(f"{f}\0missing\n".encode())
    return h.hexdigest()


def _progress_callback(bar, what: str) -> Callable[..., None]:
    """A ``progress`` callable for load/analyse that drives an ``st.progress`` bar.

    Accepts ``(done, total)`` or ``(stage, done, total)``.
    """
    clock = {"stage": None, "started": time.monotonic()}

    def progress(*args) -> None:
        stage = what
        if len(args) == 3:
            stage, done, total = args
        elif len(args) == 2:
            done, total = args
        else:
            return
        if stage != clock["stage"]:  # the time-left estimate is per stage
            clock.update(stage=stage, started=time.monotonic())
        total = max(int(total or 0), 0)
        done = min(max(int(done or 0), 0), total) if total else 0
        frac = done / total if total else 0.0
        text = f"{str(stage).replace('_', ' ').capitalize()}: {done:,} / {total:,}"
        elapsed = time.monotonic() - clock["started"]
        if 0 < frac < 1 and elapsed > 3:
            text += f" — about {elapsed * (1 - frac) / frac / 60:.1f} min left"
        bar.progress(frac, text=text)

    return progress


class _Results:
    """An LRU of computed results keyed on their inputs, shared by all sessions.

    Computation happens outside any ``st.cache_*`` function so that its progress
    bar is an ordinary element (a cached function would replay it on every hit).
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._items: dict = {}
        self._lock = threading.Lock()
        self._key_locks: dict = {}

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items[key] = self._items.pop(key)  # most recently used last
                return self._items[key]
        return None

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.max_entries:
                self._items.pop(next(iter(self._items)))

    def get_or_compute(self, key, compute: Callable[[], Any]):
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # a second session asking for the same key waits for the first
            found = self.get(key)
            if found is not None:
                return found
            value = compute()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.max_entries:
                    self._items.pop(next(iter(self._items)))
                self._key_locks.pop(key, None)
            return value


@st.cache_resource(show_spinner=False)
def _corpora() -> _Results:
    return _Results(max_entries=4)


@st.cache_resource(show_spinner=False)
def _analyses() -> _Results:
    return _Results(max_entries=4)


def _read(paths: tuple[str, ...]) -> tuple[Corpus | None, str, Exception | None]:
    """Load the paths; an unreadable input is returned (and so cached) as its error."""
    bar = st.progress(0.0, text=f"Reading {len(paths)} path(s)…")
    try:
        corpus = framing.load(list(paths), progress=_progress_callback(bar, "reading"))
    except (ValueError, OSError) as exc:
        return None, "", exc
    finally:
        bar.empty()
    h = hashlib.sha256()
    for a in corpus.articles:
        h.update(f"{a.article_id}\0{a.outlet}\0{a.published}\0{a.title}\0".encode())
        h.update(hashlib.sha256(a.text.encode()).digest())
    return corpus, h.hexdigest(), None


def load_paths(paths: list[str]) -> tuple[Corpus, str]:
    """Load files/folders (cached on their names, sizes and mtimes); returns (corpus, fingerprint).

    Raises the ingest error (``ValueError``/``OSError``) for unreadable input.
    """
    key = tuple(str(p) for p in paths)
    missing = [p for p in key if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"not found: {', '.join(missing)}")
    corpus, fingerprint, error = _corpora().get_or_compute((key, _files_fingerprint(key)), lambda: _read(key))
    if error is not None:
        raise error
    return corpus, fingerprint


def corpus_error() -> str:
    """The error of the last attempt to load the current corpus ('' when it loaded)."""
    try:
        load_paths(corpus_source()["paths"])
    except (ValueError, OSError) as exc:
        return str(exc)
    return ""


def current_corpus() -> Corpus | None:
    """The corpus of the current source, or ``None`` when it cannot be read (see ``corpus_error``)."""
    try:
        return load_paths(corpus_source()["paths"])[0]
    except (ValueError, OSError) as exc:
        log.warning("corpus could not be loaded: %s", exc)
        return None


def corpus_fingerprint() -> str | None:
    try:
        return load_paths(corpus_source()["paths"])[1]
    except (ValueError, OSError):
        return None


# ----------------------------------------------------------------- codebook
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


# ----------------------------------------------------------------- analysis
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
            bar.progress(1.0, text="Grouping articles into events…")
            result.scores  # clusters events now, once, not on the first page that needs them
            return result
    finally:
        bar.empty()


class _Job:
    """Scoring of a big corpus in a background thread, so the user can keep browsing.

    The thread makes no Streamlit calls: it records progress here, and the page polls it.
    """

    def __init__(self, n_articles: int):
        self.n_articles = n_articles
        self.stage, self.done, self.total = "starting", 0, 0
        self.started = self.stage_started = time.monotonic()
        self.error: str = ""
        self.finished = False

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
        return f"Scoring {self.n_articles:,} articles · {text} · {(time.monotonic() - self.started) / 60:.1f} min so far"


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
    job = jobs[key] = _Job(len(corpus))

    def run() -> None:
        try:
            with lock:
                result = framing.analyse(corpus, codebook, encoder=encoder, store=store, progress=job.update)
                job.update("grouping into events", 0, 1)
                result.scores  # clusters events once, in the background
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
    if job.finished:
        st.rerun(scope="app")
    frac = job.done / job.total if job.total else 0.0
    st.progress(min(max(frac, 0.0), 1.0), text=job.text())
    st.caption("Scoring runs in the background: you can open other pages meanwhile. Embedded sentences "
               "are stored as they are done, so an interrupted run resumes where it stopped.")


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
    if start is None:
        start = key in _analyses() or len(corpus) <= AUTO_SCORE_LIMIT
    if not start:
        return None
    codebook = current_codebook()
    return _analyses().get_or_compute(key, lambda: _analyse(corpus, codebook, key[2]))


def analysis_or_prompt():
    """For pages that need scores: the analysis, or an explanation/button and ``None``."""
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


# ----------------------------------------------------------------- results folder (large corpora)
#: Set by ``framing app --results DIR``: the app reads a scored results folder with DuckDB
#: (:class:`framing.results.ResultsDB`) instead of scoring a corpus in memory.
RESULTS_ENV = "FRAMING_APP_RESULTS"


def results_folder() -> str | None:
    """The results folder the app was opened on (``FRAMING_APP_RESULTS``), or ``None``."""
    folder = os.environ.get(RESULTS_ENV, "").strip()
    return folder or None


@st.cache_resource(show_spinner="Opening the results folder…")
def _results_db(folder: str, stamp: float):
    from framing.results import ResultsDB

    try:
        return ResultsDB(folder), ""
    except (ValueError, OSError) as exc:
        return None, str(exc)


def _results_stamp(folder: str) -> float:
    path = Path(folder) / "result.json"
    return path.stat().st_mtime if path.exists() else 0.0


def results_db():
    """The :class:`~framing.results.ResultsDB` of the results folder (one per process), or
    ``None`` when the app runs on a corpus, or the folder cannot be opened (see
    :func:`results_error`)."""
    folder = results_folder()
    if folder is None:
        return None
    return _results_db(folder, _results_stamp(folder))[0]


@st.cache_resource(show_spinner=False)
def _results_corpus(folder: str, stamp: float):
    from framing.results import ResultsCorpus

    return ResultsCorpus(_results_db(folder, stamp)[0])


def results_corpus():
    """The results folder's articles for Annotate/Validation (:class:`framing.results.ResultsCorpus`)."""
    folder = results_folder()
    return None if folder is None or results_db() is None else _results_corpus(folder, _results_stamp(folder))


@st.cache_resource(show_spinner=False)
def _results_annotations(folder: str):
    from framing.store import Store

    return Store(Path(folder) / "annotations.duckdb")


def results_annotations():
    """The store that keeps coders' answers for a results folder: ``DIR/annotations.duckdb``."""
    return _results_annotations(results_folder())


def results_error() -> str:
    folder = results_folder()
    return "" if folder is None else _results_db(folder, _results_stamp(folder))[1]


def results_db_or_error():
    """For pages in results mode: the ResultsDB, or ``None`` after showing why it cannot be opened."""
    db = results_db()
    if db is None:
        st.error(f"The results folder could not be opened: {md(results_error())}")
    return db


def _results_key() -> str:
    folder = results_folder() or ""
    return f"{folder}|{_results_stamp(folder)}" if folder else ""


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(key: str, method: str, args: tuple, kwargs: tuple):
    return getattr(results_db(), method)(*args, **dict(kwargs))


def results_query(method: str, *args, **kwargs):
    """``ResultsDB.<method>(*args, **kwargs)``, cached per results folder and arguments
    (every page view after the first one of a query is served from the cache)."""
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _cached_query(_results_key(), method, args, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner="Comparing outlets (bootstrap intervals, permutation tests, distinctive terms); "
                            "done once per results folder and set of outlets…", max_entries=16)
def _results_comparison(key: str, outlets: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    return results_db().comparison(list(outlets))


def results_comparison(outlets) -> dict[str, pd.DataFrame]:
    """Comparison tables of the results folder for these outlets (cached in memory and on disk)."""
    return _results_comparison(_results_key(), tuple(sorted(map(str, outlets))))


# ----------------------------------------------------------------- derived tables
def _key_str(key: tuple | None) -> str:
    return "|".join(key) if key else ""


#: Outlets compared by default (all of them when there are no more than this).
TOP_OUTLETS = _TOP_OUTLETS
TOP_OUTLETS_KEY = "compare_top_n"


def outlet_counts(analysis) -> pd.Series:
    """Articles per outlet, most first (ties by name)."""
    counts = analysis.scores["outlet"].astype(str).value_counts()
    return counts.sort_index().sort_values(ascending=False, kind="stable")


def compared_outlets(analysis=None, counts: pd.Series | None = None) -> list[str]:
    """The outlets the Outlets and Export pages compare: the ``compare_top_n`` with most articles
    (``counts``: articles per outlet, most first; default ``outlet_counts(analysis)``)."""
    counts = outlet_counts(analysis) if counts is None else counts
    n = st.session_state.get(TOP_OUTLETS_KEY) or min(TOP_OUTLETS, len(counts))
    return counts.index[: max(1, int(n))].tolist()


def time_freq(published: pd.Series) -> str:
    """Weekly prevalence for corpora spanning up to a year, monthly beyond."""
    dates = pd.to_datetime(published, errors="coerce").dropna()
    if dates.empty:
        return "W"
    return "W" if (dates.max() - dates.min()).days <= 366 else "M"


@st.cache_data(show_spinner="Comparing outlets (bootstrap intervals, permutation tests)…", max_entries=16)
def _comparison_tables(key: str, by: str, outlets: tuple[str, ...], _analysis) -> dict[str, pd.DataFrame]:
    freq = time_freq(_analysis.scores["published"])
    if len(outlets) == _analysis.scores["outlet"].nunique():
        return dict(_analysis.compare(by=by, time_freq=freq).tables)
    from framing.compare import compare

    scores = _analysis.scores[_analysis.scores["outlet"].astype(str).isin(outlets)]
    texts = {aid: _analysis.corpus[aid].text for aid in scores["article_id"]}
    return dict(compare(scores, by=by, texts=texts, time_freq=freq).tables)


def comparison_tables(analysis, by: str = "outlet") -> dict[str, pd.DataFrame]:
    """``Comparison.tables`` for the compared outlets, cached on the analysis inputs."""
    return _comparison_tables(_key_str(analysis_key()), by, tuple(compared_outlets(analysis)), analysis)


@st.cache_data(show_spinner=False, max_entries=16)
def _event_list(key: str, _analysis) -> pd.DataFrame:
    events = _analysis.events
    cols = [c for c in ("event_id", "event_label", "event_size", "event_outlets", "event_start", "event_end")
            if c in events.columns]
    table = events[cols].drop_duplicates("event_id").reset_index(drop=True)
    scores = _analysis.scores
    first = scores.drop_duplicates("event_id").set_index("event_id")["title"]
    table["headline"] = table["event_id"].map(first).fillna("")
    per_event = scores.groupby("event_id")["outlet"]
    table["n_outlets"] = table["event_id"].map(per_event.nunique()).fillna(0).astype(int)
    table["outlets"] = table["event_id"].map(per_event.agg(lambda s: ", ".join(sorted(set(map(str, s)))))).fillna("")
    table["titles"] = table["event_id"].map(scores.groupby("event_id")["title"].agg(
        lambda s: " | ".join(map(str, s)))).fillna("")
    sort = [c for c in ("n_outlets", "event_size") if c in table.columns]
    return table.sort_values(sort, ascending=False, kind="stable").reset_index(drop=True) if sort else table


def event_list(analysis) -> pd.DataFrame:
    """One row per event (from ``analysis.events``), most outlets first; cached."""
    return _event_list(_key_str(analysis_key()), analysis)


# ----------------------------------------------------------------- sidebar
def sidebar() -> None:
    """The sidebar summary every page shows: corpus, codebook, scoring status."""
    with st.sidebar:
        if results_folder() is not None:
            _results_sidebar()
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
        st.caption(f"{md(cb.name)} (`{cb.id}`){' — edited' if codebook_is_draft() else ''}  \n"
                   f"{len(cb.frames)} frames · {len(cb.axes)} axes")
        st.markdown("**Scores**")
        job = scoring_job()
        running = job is not None and not job.finished
        st.caption("scored" if is_scored() else "scoring in the background…" if running else "not scored yet")
        current = encoder_name()
        options = list(ENCODERS) + ([current] if current not in ENCODERS else [])
        if ENCODER_KEY not in st.session_state:
            st.session_state[ENCODER_KEY] = current
        st.selectbox("Sentence encoder", options, format_func=lambda n: ENCODERS.get(n, n), key=ENCODER_KEY,
                     help="Scores are cached per encoder; the static model embeds ~50× faster with a "
                          "small loss in accuracy.")
        warning = store_warning()
        if warning:
            st.warning(warning)


def _results_sidebar() -> None:
    db = results_db()
    st.markdown("**Results folder**")
    if db is None:
        st.caption(f"{md(results_folder())} — could not be opened")
        return
    info = results_query("summary")
    st.caption(f"{md(Path(info['folder']).name)}  \n{info['articles']:,} articles · {info['outlets']} outlets  \n"
               f"{info['events']:,} events ({info['multi_outlet_events']:,} across outlets)")
    st.markdown("**Codebook**")
    st.caption(f"{md(db.codebook.name)} (`{db.codebook.id}`)  \n{len(db.codebook.frames)} frames · "
               f"{len(db.codebook.axes)} axes")
    st.markdown("**Scores**")
    st.caption(f"scored with {code(info['encoder'][:48])} · {info['engine'].get('name', '?')} engine")


def follow_goto(pages: list) -> None:
    """Switch to the page a button asked for with :func:`goto` (called by ``app.py``)."""
    wanted = st.session_state.pop(GOTO_KEY, None)
    if wanted:
        for page in pages:
            if page.url_path == wanted:
                st.switch_page(page)
        log.warning("no page with url_path %r", wanted)
