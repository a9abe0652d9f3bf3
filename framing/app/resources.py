"""Resources shared by every session of the app process: the encoder, the DuckDB store, the
loaded corpora (cached on their files) and an opened results folder."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

import streamlit as st

import framing
from framing.app.choices import DEFAULT_ENCODER, corpus_source, encoder_name
from framing.corpus import Corpus
from framing.paths import default_db_path

log = logging.getLogger(__name__)

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


class _LRU:
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
def _corpora() -> _LRU:
    return _LRU(max_entries=4)


@st.cache_resource(show_spinner=False)
def _analyses() -> _LRU:
    return _LRU(max_entries=4)


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


#: Set by ``framing app --results DIR``: the app reads a scored results folder
#: (:meth:`framing.results.Results.open`) instead of scoring a corpus in memory.
RESULTS_ENV = "FRAMING_APP_RESULTS"


def results_folder() -> str | None:
    """The results folder the app was opened on (``FRAMING_APP_RESULTS``), or ``None``."""
    folder = os.environ.get(RESULTS_ENV, "").strip()
    return folder or None


@st.cache_resource(show_spinner="Opening the results folder…")
def _open_folder(folder: str, stamp: float):
    from framing.engines import EngineResult

    try:
        return EngineResult.open(folder), ""
    except (ValueError, OSError) as exc:
        return None, str(exc)


def _results_stamp(folder: str) -> float:
    path = Path(folder) / "result.json"
    return path.stat().st_mtime if path.exists() else 0.0


def open_results_folder():
    """(the results of ``FRAMING_APP_RESULTS``, '') — one per process — or (None, why not)."""
    folder = results_folder()
    return _open_folder(folder, _results_stamp(folder))


@st.cache_resource(show_spinner=False)
def _folder_annotations(folder: str):
    return framing.Store(Path(folder) / "annotations.duckdb")


def annotations_store():
    """Where coders' answers are kept: ``DIR/annotations.duckdb`` for a results folder, else the store."""
    folder = results_folder()
    return current_store() if folder is None else _folder_annotations(folder)
