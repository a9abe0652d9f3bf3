"""Run scoring over a corpus in partitions: in this process (``run_local``) or on a Dask
cluster (``run_dask``), with the same rows.

Both engines do the same two passes::

    pass 1  calibration = fit on the codebook (default) or, for the corpus modes,
            on statistics streamed from every partition (raw frame scores, axis sums)
    pass 2  for each partition: segment -> embed -> score_batch -> Parquet part
    merge   parts concatenated in input order -> scores/evidence/components.parquet,
            doc_vectors.npy   (then, optionally, events)

Memory stays bounded by the partition size (and, for the Dask client, by the number
of partitions in flight): neither all texts nor all sentence vectors are held at once
when the input is a :class:`~framing.store.Store`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from framing.encoders import resolve_encoder
from framing.engines._partition import calibration_stats, score_partition
from framing.engines._parts import MemoryParts, PartStore
from framing.engines.result import EngineResult

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
DEFAULT_PARTITION_SIZE = 256


# ---------------------------------------------------------------------- inputs
class _Source:
    """Re-iterable partitions of articles from a Corpus, a list of articles, a Store or paths."""

    def __init__(self, source, partition_size: int):
        from framing.corpus import Corpus

        self.partition_size = int(partition_size)
        if self.partition_size < 1:
            raise ValueError(f"partition_size={partition_size!r}: expected a positive integer")
        self.inputs: list[str] = []
        self.store = None
        self.articles = None
        if hasattr(source, "iter_corpus") and hasattr(source, "article_count"):
            self.store = source
            self.n = int(source.article_count())
            return
        if source is None or isinstance(source, (str, os.PathLike)) or (
                isinstance(source, Sequence) and source and all(isinstance(p, (str, os.PathLike)) for p in source)):
            from framing.ingest import load

            paths = None if source is None else ([source] if isinstance(source, (str, os.PathLike)) else list(source))
            corpus = load(paths)
            self.inputs = [str(p) for p in (paths or [])] or list(corpus.report.files_read)
            source = corpus
        if isinstance(source, Corpus):
            self.articles = list(source.articles)
        elif isinstance(source, Sequence) and all(hasattr(a, "article_id") and hasattr(a, "text") for a in source):
            self.articles = list(source)
        else:
            raise ValueError(f"source: expected a Corpus, a list of Article, a Store or file path(s), "
                             f"got {type(source).__name__}")
        self.n = len(self.articles)

    def languages(self) -> set[str]:
        """The normalised values of the articles' ``language`` column (what scoring reads)."""
        from framing.language import normalise_language

        if self.store is not None:
            values = self.store.language_counts()
        else:
            values = [(getattr(a, "extra", None) or {}).get("language") for a in self.articles or []]
        return {code for code in (normalise_language(v) for v in values) if code}

    def __iter__(self) -> Iterator[list]:
        if self.store is not None:
            for corpus in self.store.iter_corpus(self.partition_size):
                yield list(corpus.articles)
        else:
            for i in range(0, self.n, self.partition_size):
                yield self.articles[i:i + self.partition_size]

    @property
    def n_partitions(self) -> int:
        return -(-self.n // self.partition_size)


def _choose_encoder(src: _Source, encoder):
    """The automatic encoder choice (:func:`framing.language.choose_encoder`) for a source: the
    languages of its articles (from the store's ``language`` column for a Store), logged."""
    from framing.language import choose_encoder, language_counts

    if encoder is not None and not isinstance(encoder, (str, os.PathLike)):
        return encoder, ""
    counts = src.store.language_counts() if src.store is not None else language_counts(src.articles or [])
    encoder, note = choose_encoder(encoder, counts)
    if note:  # an English-only encoder on a mixed corpus is a warning; the automatic choice a note
        (log.warning if note.startswith("warning:") else log.info)("%s", note)
    return encoder, note


# ---------------------------------------------------------------------- executors
class _LocalExecutor:
    name = "local"
    n_workers = 1
    scheduler = None

    def __init__(self, cache=None):
        self.cache = cache

    def map(self, fn, tasks: Iterable[tuple]) -> Iterator:
        for args in tasks:
            yield fn(*args, cache=self.cache)

    def close(self):
        pass


class _DaskExecutor:
    name = "dask"

    def __init__(self, scheduler=None, n_workers: int | None = None, max_in_flight: int | None = None):
        from distributed import Client, LocalCluster

        self._cluster = None
        self._quiet = _QuietLogs("distributed", "distributed.nanny", "distributed.scheduler",
                                 "distributed.core", "distributed.worker", "distributed.http.proxy")
        if scheduler is None:
            from framing.encoders import default_threads

            n = int(n_workers) if n_workers else default_threads()
            if n < 1:
                raise ValueError(f"n_workers={n_workers!r}: expected a positive integer")
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=":0", silence_logs=logging.WARNING)
            self.client = Client(self._cluster)
            self.scheduler = None
        elif hasattr(scheduler, "submit"):
            self.client = scheduler  # an existing distributed.Client
            self.scheduler = getattr(getattr(scheduler, "scheduler", None), "address", None)
        else:
            self.client = Client(str(scheduler))
            self.scheduler = str(scheduler)
        info = self.client.scheduler_info()
        self.n_workers = len(info.get("workers", {}))
        if self.n_workers == 0:
            self.client.wait_for_workers(1, timeout=120)
            self.n_workers = len(self.client.scheduler_info().get("workers", {}))
        threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        self.max_in_flight = int(max_in_flight) if max_in_flight else max(2, 2 * threads)

    def map(self, fn, tasks: Iterable[tuple]) -> Iterator:
        """Submit tasks with at most ``max_in_flight`` pending; yield results as they complete."""
        from distributed import as_completed

        it = iter(tasks)
        pending = as_completed()
        for args in it:
            pending.add(self.client.submit(fn, *args, pure=False))
            if pending.count() >= self.max_in_flight:
                break
        for future in pending:
            result = future.result()
            future.release()
            yield result
            for args in it:  # refill: one new task per collected one
                pending.add(self.client.submit(fn, *args, pure=False))
                break

    def close(self):
        if self._cluster is not None:
            self.client.close()
            self._cluster.close()
        self._quiet.restore()


class _QuietLogs:
    """Raise the named loggers to WARNING (a LocalCluster's INFO chatter) until ``restore``."""

    def __init__(self, *names: str):
        self._levels = {}
        for name in names:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            if logger.getEffectiveLevel() < logging.WARNING:
                logger.setLevel(logging.WARNING)

    def restore(self) -> None:
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)


# ---------------------------------------------------------------------- calibration
def corpus_calibration(stats: Sequence, codebook, settings, encoder, cache=None, languages=None):
    """Combine first-pass :class:`~framing.engines._partition.CalibrationStats` into the
    :class:`~framing.scoring.Calibration` that ``fit_calibration`` fits on the whole corpus.

    Frame anchors are the ``corpus_quantiles`` of all raw article scores; the axis
    baseline is the mean position of all sentences (sum over partitions / count).
    Per-language frame anchors (for ``languages``, as in ``fit_calibration``) are kept with
    reference frame anchors only.
    """
    from framing.scoring import Calibration, fit_calibration

    s = settings
    base = fit_calibration(None, codebook, s.replace(
        calibration="reference" if s.calibration == "corpus" else s.calibration,
        axis_baseline="reference" if s.axis_baseline == "corpus" else s.axis_baseline), encoder, cache,
        languages=languages if s.calibration == "reference" else ())
    n_articles = sum(len(st.raw) for st in stats)
    n_sentences = sum(st.n_sentences for st in stats)
    anchors = dict(base.frame_anchors)
    if s.calibration == "corpus":
        if n_articles == 0:
            raise ValueError("calibration='corpus' needs at least one article")
        raw = np.vstack([st.raw for st in stats])
        q_lo, q_hi = s.corpus_quantiles
        lo = np.nanquantile(raw, q_lo, axis=0)
        hi = np.nanquantile(raw, q_hi, axis=0)
        anchors = {f: (float(lo[j]), float(hi[j])) for j, f in enumerate(codebook.frame_ids)}
    baseline = dict(base.axis_baseline)
    if s.axis_baseline == "corpus":
        if n_sentences == 0:
            raise ValueError("axis_baseline='corpus' needs at least one sentence")
        baseline = {a: float(sum(st.position_sum[a] for st in stats) / n_sentences) for a in codebook.axis_ids}
    return Calibration(codebook_id=codebook.id, codebook_sha256=codebook.sha256, encoder_id=encoder.model_id,
                       settings_sha256=s.sha256, calibration=s.calibration, axis_baseline_mode=s.axis_baseline,
                       frame_anchors=anchors, axis_baseline=baseline, axis_scale=dict(base.axis_scale), axis_scale_b=dict(base.axis_scale_b),
                       n_articles=n_articles,
                       # per-language anchors are derived from the reference ones; corpus anchors have none
                       **({"language_anchors": dict(base.language_anchors),
                           "language_alignment": dict(base.language_alignment),
                           "language_slope": dict(base.language_slope)} if s.calibration == "reference" else {}))


# ---------------------------------------------------------------------- driver
def _run(source, codebook, settings, encoder, executor, *, partition_size, out_dir, events, progress,
         cache=None, calibration=None, memory: bool = False, corpus=None):
    """The one run loop: calibrate, score partition by partition, merge, cluster events.

    ``memory=True`` keeps the tables as frames and returns an
    :class:`~framing.analysis.Analysis` (what :func:`framing.analyse` does); otherwise
    they go to Parquet in ``out_dir`` (a temporary folder when ``None``) and an
    :class:`EngineResult` comes back.
    """
    from framing.codebook import Codebook
    from framing.scoring import ScoringSettings, fit_calibration

    report = progress or (lambda stage, done, total: None)
    settings = settings or ScoringSettings()
    codebook = Codebook.load(codebook)
    src = _Source(source, partition_size)
    encoder, encoder_note = _choose_encoder(src, encoder)
    local_encoder = resolve_encoder(encoder)  # sent to the workers as it is (settings only, no weights)
    if hasattr(local_encoder, "guided"):  # the cascade chooses its sentences by the codebook's frames
        local_encoder = local_encoder.guided(codebook, top_k=settings.top_k)
    if src.n == 0 and not memory:
        raise ValueError("no articles to score (the source is empty)")
    temporary = out_dir is None and not memory
    if memory:
        out, parts = None, MemoryParts()
    else:
        out = Path(tempfile.mkdtemp(prefix="framing-run-")) if temporary else Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        parts = PartStore(out)
    seconds: dict[str, float] = {}
    total = src.n_partitions

    # pass 1: calibration
    t = time.perf_counter()
    spilled = False
    if calibration is not None:
        calibration.check(codebook, local_encoder.model_id, settings)
        report("calibrate", 1, 1)
    elif settings.calibration == "corpus" or settings.axis_baseline == "corpus":
        stats = []
        tasks = ((i, arts, codebook, settings, local_encoder) for i, arts in enumerate(src))
        for st in executor.map(calibration_stats, tasks):
            parts.save_vectors(st.index, st.vectors)
            st.vectors = None
            stats.append(st)
            report("calibrate", len(stats), total)
        stats.sort(key=lambda st: st.index)
        calibration = corpus_calibration(stats, codebook, settings, local_encoder, cache, languages=src.languages())
        spilled = True
    else:
        # per-language anchors for the languages of this corpus only (English ones need none)
        calibration = fit_calibration(None, codebook, settings, local_encoder, cache, languages=src.languages())
        report("calibrate", 1, 1)
    seconds["calibrate"] = time.perf_counter() - t

    # pass 2: score partitions
    t = time.perf_counter()
    n_sentences = n_exact = 0
    part_seconds: dict[str, float] = {}

    def tasks():
        for i, arts in enumerate(src):
            parts.write_articles(i, arts)
            yield (i, arts, codebook, settings, calibration, local_encoder,
                   parts.load_vectors(i) if spilled else None)

    done = 0
    report("score", 0, total)
    for result in executor.map(score_partition, tasks()):
        parts.write_result(result)
        n_sentences += result.n_sentences
        n_exact += result.n_exact
        for k, v in result.seconds.items():
            part_seconds[f"partition_{k}"] = part_seconds.get(f"partition_{k}", 0.0) + v
        done += 1
        report("score", done, total)
    seconds["score"] = time.perf_counter() - t
    seconds.update(part_seconds)

    t = time.perf_counter()
    common = dict(codebook=codebook, settings=settings, calibration=calibration, encoder_id=local_encoder.model_id,
                  engine={"name": executor.name, "n_workers": executor.n_workers, "scheduler": executor.scheduler,
                          "partition_size": src.partition_size, **({"encoder_note": encoder_note} if encoder_note else {}),
                          **({"cascade": {**local_encoder.describe(), "n_sentences": n_sentences, "n_exact": n_exact}}
                             if hasattr(local_encoder, "describe") else {})},
                  n_sentences=n_sentences, seconds=seconds, inputs=src.inputs)
    if memory:
        from framing.results.memory import Analysis

        tables, doc_vectors = parts.merge() if src.n else _empty_tables(codebook)
        seconds["merge"] = time.perf_counter() - t
        result = Analysis(tables, corpus=corpus, doc_vectors=doc_vectors, encoder=local_encoder, **common)
    else:
        paths = parts.merge()
        seconds["merge"] = time.perf_counter() - t
        result = EngineResult(out_dir=out, paths=paths, temporary=temporary, **common)
    if events and src.n:
        t = time.perf_counter()
        report("events", 0, 1)
        result.cluster_events()
        result.seconds["events"] = time.perf_counter() - t
        report("events", 1, 1)
    if not temporary and not memory:
        result.save()
    return result


def _empty_tables(codebook) -> tuple[dict, np.ndarray]:
    """The tables of a run over no article (columns only)."""
    import pandas as pd

    from framing.scoring import COMPONENT_COLUMNS, EVIDENCE_COLUMNS

    cols = ["article_id", "outlet", "published", "title", "event_id", "relevance"]
    cols += [f"frame:{f}" for f in codebook.frame_ids]
    for a in codebook.axis_ids:
        cols += [f"axis:{a}", f"axis:{a}:lo", f"axis:{a}:hi", f"axis:{a}:intensity", f"axis:{a}:relevance",
                 f"axis:{a}:leaning", f"axis:{a}:leaning_p"]
    from framing.engines._parts import ARTICLE_META_COLUMNS

    tables = {"scores": pd.DataFrame({c: pd.Series(dtype=object) for c in cols + ["off_topic"]}),
              "evidence": pd.DataFrame(columns=EVIDENCE_COLUMNS),
              "components": pd.DataFrame(columns=COMPONENT_COLUMNS),
              "sentences": pd.DataFrame(columns=["article_id", "sentence_index", "start", "end"]),
              "articles": pd.DataFrame({c: pd.Series(dtype=object) for c in ARTICLE_META_COLUMNS})}
    return tables, np.zeros((0, 0), dtype=np.float32)


def run_local(source, codebook="south-asia-security", settings=None, encoder=None, *, store=None,
              partition_size: int = DEFAULT_PARTITION_SIZE, out_dir=None, events: bool = False,
              calibration=None, progress: Progress | None = None) -> EngineResult:
    """Score a corpus partition by partition in this process, writing Parquet as it goes.

    Parameters
    ----------
    source : Corpus, list of Article, Store, or file path(s)
        A :class:`~framing.store.Store` is streamed with ``iter_corpus`` (bounded memory);
        paths are read with :func:`framing.ingest.load`.
    codebook : str, Path or Codebook, default "south-asia-security"
    settings : ScoringSettings, optional
    encoder : None, str or Encoder
        A name or directory for :func:`framing.encoders.get_encoder`, or an encoder object.
    store : Store, optional
        Embedding cache (an optimisation; results are the same without it).
    partition_size : int, default 256
        Articles per partition.
    out_dir : str or Path, optional
        Where the tables go (default: a new temporary folder; ``EngineResult.cleanup``).
    events : bool, default False
        Also cluster events (:meth:`EngineResult.cluster_events`).
    calibration : Calibration, optional
        A calibration fitted beforehand (e.g. on a reference corpus, as in
        ``framing.analyse(calibration=...)``); skips pass 1.
    progress : callable(stage, done, total), optional
        Stages ``"calibrate"``, ``"score"``, ``"events"``.

    Returns
    -------
    EngineResult
    """
    return _run(source, codebook, settings, encoder, _LocalExecutor(cache=store), partition_size=partition_size,
                out_dir=out_dir, events=events, progress=progress, cache=store, calibration=calibration)


def run_dask(source, codebook="south-asia-security", settings=None, encoder=None, *, scheduler=None,
             n_workers: int | None = None, partition_size: int = DEFAULT_PARTITION_SIZE, out_dir=None,
             events: bool = False, max_in_flight: int | None = None, calibration=None,
             progress: Progress | None = None) -> EngineResult:
    """Score a corpus on a Dask cluster; the rows equal :func:`run_local`'s.

    Partitions are submitted as tasks (at most ``max_in_flight`` at once, so the client's
    memory stays bounded); the encoder object travels with each task without its weights
    and each worker process loads the model once (a per-process model cache), then returns its
    partition's tables as Parquet bytes, which the client writes to ``out_dir`` and
    merges in input order. Workers need ``framing`` and the model packages installed,
    but no shared file system and no embedding cache.

    Parameters
    ----------
    source, codebook, settings, encoder, partition_size, out_dir, events, calibration, progress
        As in :func:`run_local`.
    scheduler : str or distributed.Client, optional
        Address of a running scheduler (``tcp://host:8786``) or a Client. Default: a
        ``LocalCluster`` with one single-threaded worker process per core.
    n_workers : int, optional
        Workers of the default LocalCluster (default: the cores this process may use).
    max_in_flight : int, optional
        Partitions submitted but not yet collected (default: twice the workers' threads).

    Returns
    -------
    EngineResult
    """
    executor = _DaskExecutor(scheduler, n_workers=n_workers, max_in_flight=max_in_flight)
    try:
        return _run(source, codebook, settings, encoder, executor, partition_size=partition_size,
                    out_dir=out_dir, events=events, progress=progress, calibration=calibration)
    finally:
        executor.close()


def analyse_dask(paths, *, codebook="south-asia-security", encoder=None, store=None, settings=None,
                 progress: Progress | None = None, scheduler=None, n_workers: int | None = None,
                 partition_size: int = DEFAULT_PARTITION_SIZE, out_dir=None) -> EngineResult:
    """``framing analyse --engine dask``: read ``paths`` (``None``: the demo corpus), score
    on Dask (:func:`run_dask`) and cluster events, like :func:`framing.analyse`.

    ``store`` receives the ingested articles (as in ``analyse``); Dask workers do not use
    its embedding cache (a DuckDB file has one writer), so it is not needed.
    """
    from framing.ingest import load

    inputs = None if paths is None else ([paths] if isinstance(paths, (str, os.PathLike)) else list(paths))
    corpus = load(inputs, store=store)
    result = run_dask(corpus, codebook, settings, encoder, scheduler=scheduler, n_workers=n_workers,
                      partition_size=partition_size, out_dir=out_dir, progress=progress)
    result.inputs = [str(p) for p in (inputs or [])] or list(corpus.report.files_read)
    try:
        t = time.perf_counter()
        result.cluster_events()
        result.seconds["events"] = time.perf_counter() - t
    except ImportError as exc:  # events module absent in this build
        log.warning("events unavailable (%s); event_id left empty", exc)
    return result
