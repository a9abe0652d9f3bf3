"""``analyse``: score a corpus on a codebook, with evidence, events and comparisons.

One entry point composes the swappable steps (encoder, scorers, event clusterer) and runs
the engines' run loop (:mod:`framing.engines.run`) with an in-memory sink::

    corpus --partitions--> segment -> embed (cached) -> score_batch --> scores, evidence, components
           --cluster_events--> events      -> Analysis (a Results): compare / export / app
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

from framing.codebook import Codebook
from framing.corpus import Corpus
from framing.encoders import resolve_encoder
from framing.results.memory import Analysis
from framing.scoring import Calibration, MemoryCache, ScoringSettings

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def _resolve_store(store):
    """(store object or None, whether we opened it)."""
    if store is None:
        return None, False
    if isinstance(store, (str, Path)):
        from framing.store import Store

        return Store(store), True
    if not hasattr(store, "get_embeddings"):
        raise ValueError(f"store {store!r}: expected a Store, a path to a DuckDB file, or None")
    return store, False


def _resolve_corpus(corpus, store, progress) -> tuple[Corpus, list[str]]:
    if isinstance(corpus, Corpus):
        return corpus, [f for f in corpus.report.files_read]
    if corpus is None or isinstance(corpus, (str, Path)) or (
            isinstance(corpus, Sequence) and all(isinstance(p, (str, Path)) for p in corpus)):
        from framing.ingest import load

        paths = None if corpus is None else ([corpus] if isinstance(corpus, (str, Path)) else list(corpus))
        loaded = load(paths, store=store)
        return loaded, [str(p) for p in (paths or [])] or list(loaded.report.files_read)
    raise ValueError(f"corpus: expected a Corpus or file/folder path(s), got {type(corpus).__name__}")


def analyse(corpus, codebook: str | Path | Codebook = "south-asia-security", *, encoder=None, store=None,
            settings: ScoringSettings | None = None, progress: Progress | None = None,
            calibration: Calibration | None = None, events: bool = True) -> "Analysis":
    """Score every article of a corpus on every frame and axis of a codebook, and group the
    articles into events.

    The same run loop as the engines (:func:`framing.engines.run_local`), with the tables
    kept in memory.

    Parameters
    ----------
    corpus : Corpus, or str / Path / list of them
        Paths are read with :func:`framing.ingest.load` (``None``: the demo corpus).
    codebook : str, Path or Codebook, default "south-asia-security"
        A built-in id, a YAML file, or a Codebook.
    encoder : None, str or Encoder
        ``None``: the default model, or ``"multilingual"`` when the corpus is not all English
        (:func:`framing.language.choose_encoder`; the manifest's ``engine.encoder_note`` says so); a name or model directory for
        :func:`framing.encoders.get_encoder`; or any object with ``model_id`` and
        ``encode(list[str])``.
    store : Store, str, Path or None
        Embedding cache (a DuckDB file). Re-scoring, or scoring with a second
        codebook, then embeds nothing again. ``None``: no persistent cache.
    settings : ScoringSettings, optional
    progress : callable(stage, done, total), optional
        Stages ``"calibrate"``, ``"score"`` (partitions done / all), ``"events"``.
    calibration : Calibration, optional
        A calibration fitted elsewhere, e.g. ``fit_calibration(reference_articles,
        codebook, ScoringSettings(calibration="corpus"), encoder)`` on a large reference
        corpus, so a small corpus is scored against that background. Default: fitted
        here (with the default settings it depends on the codebook only).
    events : bool, default True
        Cluster the articles into events (:func:`framing.events.cluster_events`).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import framing
    >>> result = framing.analyse(framing.load())                    # doctest: +SKIP
    >>> result.scores[["outlet", "axis:siege_vs_proxy"]]              # doctest: +SKIP
    """
    from framing.engines.run import _LocalExecutor, _run

    settings = settings or ScoringSettings()
    store_obj, opened = _resolve_store(store)
    try:
        corpus, inputs = _resolve_corpus(corpus, store_obj, progress)
        cache = MemoryCache(store_obj)
        result = _run(corpus, codebook, settings, encoder, _LocalExecutor(cache=cache),
                      partition_size=settings.batch_size, out_dir=None, events=events, progress=progress,
                      cache=cache, calibration=calibration, memory=True, corpus=corpus)
        cache.clear()
    finally:
        if opened and store_obj is not None:
            store_obj.close()
    result.inputs = inputs
    result.encoder = result.encoder or resolve_encoder(encoder)  # for result.roles
    return result


__all__ = ["Analysis", "analyse"]
