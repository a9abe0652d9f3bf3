"""What one partition of articles turns into, wherever it runs (this process or a Dask worker).

A *partition* is a list of :class:`~framing.corpus.Article`. Scoring one is a pure function
of (articles, codebook, settings, calibration, encoder): segment, embed, ``score_batch``,
document vectors. The encoder travels as the encoder object itself: a pickled encoder
carries its settings but no weights, and loads them on first use from a per-process
cache, so every worker loads the model once.
"""

from __future__ import annotations

import io
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from framing.corpus import Article
from framing.embed import document_vectors, embed_articles

log = logging.getLogger(__name__)

TABLES = ("scores", "evidence", "components")


def worker_threads() -> int | None:
    """Threads of the Dask worker this runs on (``None`` outside a worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    state = getattr(worker, "state", worker)
    return int(getattr(state, "nthreads", 1) or 1)


def on_worker(encoder):
    """The encoder, with its thread count following the Dask worker's ``nthreads`` when this
    runs on one (``FRAMING_NUM_THREADS``, read when the weights load, and torch's intra-op
    threads), so one worker process per core does not oversubscribe the CPU."""
    threads = worker_threads()
    if threads is not None:
        from framing.encoders import SentenceTransformerEncoder, set_torch_threads

        os.environ["FRAMING_NUM_THREADS"] = str(threads)
        if isinstance(encoder, SentenceTransformerEncoder):
            set_torch_threads(threads)
    return encoder


def embed_partition(articles: Sequence[Article], encoder, settings, cache=None):
    """Segment and embed: (sentences DataFrame, EmbeddedSentences)."""
    return embed_articles(articles, encoder, cache, batch_size=settings.embed_batch_size)


@dataclass
class PartitionResult:
    """Scored partition: three tables as Parquet bytes, document vectors, counters."""

    index: int
    n_articles: int
    n_sentences: int
    tables: dict[str, bytes]
    doc_vectors: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)
    host: str = ""
    n_exact: int = 0


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf, compression="zstd")
    return buf.getvalue()


def score_partition(index: int, articles: Sequence[Article], codebook, settings, calibration, encoder,
                    vectors: np.ndarray | None = None, cache=None) -> PartitionResult:
    """Score one partition; a pure function of its arguments.

    Parameters
    ----------
    index : int
        Position of the partition in the input (results are merged in this order).
    articles : sequence of Article
    codebook : Codebook
    settings : ScoringSettings
    calibration : Calibration
    encoder : Encoder
        An encoder object (see :func:`on_worker`).
    vectors : ndarray of shape (n_sentences, dim), optional
        Sentence vectors of this partition from the calibration pass (skips encoding).
    cache : Store or MemoryCache, optional
        Embedding cache (local engine only; never needed for correctness).

    Returns
    -------
    PartitionResult
    """
    from framing.scoring import EmbeddedSentences, encode_codebook, score_batch, segment

    import socket

    t0 = time.perf_counter()
    encoder = on_worker(encoder)
    articles = list(articles)
    if vectors is not None:
        sentences = segment(articles)
        if len(sentences) != len(vectors):
            raise ValueError(f"partition {index}: {len(vectors)} spilled vectors for {len(sentences)} sentences")
        X = EmbeddedSentences(np.asarray(vectors, dtype=np.float32), sentences["article_row"].to_numpy(),
                              [a.article_id for a in articles])
    else:
        sentences, X = embed_partition(articles, encoder, settings, cache)
    t1 = time.perf_counter()
    cb_vectors = encode_codebook(codebook, encoder, cache, generic_background=settings.generic_background,
                                 batch_size=settings.embed_batch_size)
    scores, evidence, components = score_batch(articles, codebook, settings, calibration, encoder, cache,
                                               sentences=sentences, X=X, vectors=cb_vectors)
    docs = document_vectors(X.vectors, X.article_index, len(articles)) if X.n_sentences else np.zeros(
        (len(articles), X.vectors.shape[1] if X.vectors.ndim == 2 else 0), dtype=np.float32)
    t2 = time.perf_counter()
    tables = {"scores": to_parquet_bytes(scores), "evidence": to_parquet_bytes(evidence),
              "components": to_parquet_bytes(components),
              "sentences": to_parquet_bytes(sentences[["article_id", "sentence_index", "start", "end"]])}
    t3 = time.perf_counter()
    return PartitionResult(index=index, n_articles=len(articles), n_sentences=int(X.n_sentences), tables=tables,
                           doc_vectors=docs, seconds={"embed": t1 - t0, "score": t2 - t1, "serialise": t3 - t2},
                           host=socket.gethostname(),
                           n_exact=int(X.n_sentences if X.exact is None else X.exact.sum()))


@dataclass
class CalibrationStats:
    """First-pass statistics of one partition for the corpus calibration modes.

    ``raw``: raw prototype scores, ndarray of shape (n_articles, n_frames);
    ``position_sum``: axis id -> sum of sentence positions; ``n_sentences``;
    ``vectors``: the partition's sentence vectors (spilled so pass 2 does not encode again).
    """

    index: int
    raw: np.ndarray
    position_sum: dict[str, float]
    n_sentences: int
    vectors: np.ndarray


def calibration_stats(index: int, articles: Sequence[Article], codebook, settings, encoder,
                      cache=None) -> CalibrationStats:
    """Pass 1 for ``calibration="corpus"`` / ``axis_baseline="corpus"`` on one partition."""
    from framing.scoring import AxisScorer, PrototypeScorer, encode_codebook

    encoder = on_worker(encoder)
    _, X = embed_partition(list(articles), encoder, settings, cache)
    vec = encode_codebook(codebook, encoder, cache, generic_background=settings.generic_background,
                          batch_size=settings.embed_batch_size)
    proto = PrototypeScorer(vec.prototypes, vec.counter_examples, top_k=settings.top_k,
                            counter_weight=settings.counter_weight, calibration="none").fit()
    raw = proto.raw_scores(X) if X.n_articles else np.zeros((0, len(vec.prototypes)))
    sums = {}
    for axis in codebook.axes:
        scorer = AxisScorer(vec.prototypes[axis.pole_a], vec.prototypes[axis.pole_b], baseline="zero",
                            n_boot=0).fit()
        sums[axis.id] = float((X.vectors.astype(np.float64) @ scorer.axis_).sum()) if X.n_sentences else 0.0
    return CalibrationStats(index=index, raw=np.asarray(raw, dtype=np.float64), position_sum=sums,
                            n_sentences=int(X.n_sentences), vectors=X.vectors)
