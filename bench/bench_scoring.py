"""Benchmark: scoring pipeline vs a bare ``model.encode``, cold vs warm embedding cache.

Scores the AllSides security articles of ``../shared/eval/allsides_baly_security/``
with the default encoder and the ``south-asia-security`` codebook, and prints side
by side, in one run:

* sentences/s of the full ``analyse`` pipeline on a cold cache (fresh DuckDB store);
* sentences/s of a bare ``model.encode`` of the same distinct sentences;
* the warm-cache re-score time (new store connection, codebook memo cleared, as in a
  new process);
* event clustering (``Analysis.events``), timed apart: it is not part of scoring;
* time per pipeline stage and peak memory (max RSS).

Usage (from the repo root)::

    .venv/bin/python bench/bench_scoring.py            # all 3,428 articles
    .venv/bin/python bench/bench_scoring.py --limit 300
    .venv/bin/python bench/bench_scoring.py --fast-encoder   # pipeline overhead + warm re-score, full scale
    .venv/bin/python bench/bench_scoring.py --encoder onnx   # the int8 ONNX model (or static)
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval")) / "allsides_baly_security"


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StageClock:
    """Progress callback that records wall time per analyse stage."""

    def __init__(self):
        self.stage, self.t, self.times = None, time.perf_counter(), {}

    def __call__(self, stage, done, total):
        now = time.perf_counter()
        if stage != self.stage:
            if self.stage is not None:
                self.times[self.stage] = self.times.get(self.stage, 0.0) + now - self.t
            self.stage, self.t = stage, now

    def finish(self):
        self("_end", 0, 0)
        return self.times


class HashEncoder:
    """Deterministic bag-of-words hashing encoder (384 dims): no model, near-zero encode cost."""

    model_id = "bench-hash-384"
    dim = 384

    def encode(self, sentences):
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, text in enumerate(sentences):
            for word in re.findall(r"[a-z]+", text.lower()):
                h = zlib.crc32(word.encode())
                out[i, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--codebook", default="south-asia-security")
    parser.add_argument("--encoder", default=None,
                        help="sentence-transformers (default), onnx, static or a model directory; the bare "
                             "encode is then that encoder's own encode() of the same sentences")
    parser.add_argument("--fast-encoder", action="store_true",
                        help="use a deterministic hashing encoder instead of the model: measures the pipeline's own "
                             "overhead (segmentation, cache, scoring) and the warm re-score at full scale in minutes")
    args = parser.parse_args()
    files = sorted(EVAL.glob("*.jsonl"))
    if not files:
        sys.exit(f"evaluation data not found: {EVAL} (set FRAMING_EVAL_DIR); nothing to benchmark")

    from framing.analysis import analyse
    from framing.codebook import Codebook
    from framing.corpus import Corpus
    from framing.encoders import get_encoder
    from framing.ingest import load
    from framing.scoring.background import GENERIC_SENTENCES
    from framing.scoring.vectors import clear_codebook_memo, segment
    from framing.store import Store

    t = time.perf_counter()
    corpus = load(files)
    t_ingest = time.perf_counter() - t
    if args.limit:
        corpus = Corpus(corpus.articles[: args.limit], corpus.report)
    codebook = Codebook.load(args.codebook)
    encoder = HashEncoder() if args.fast_encoder else get_encoder(args.encoder)
    encoder.encode(["warm-up sentence one.", "A second warm-up sentence."])
    rss_model = rss_mb()

    sentences = segment(corpus.articles)
    cb_texts = set(codebook.reference) | set(GENERIC_SENTENCES)
    for f in codebook.frames:
        cb_texts |= set(f.prototypes) | set(f.counter_examples)
    unique = list(dict.fromkeys(sentences["text"].tolist() + sorted(cb_texts)))
    n_sent, n_unique = len(sentences), len(unique)
    print(f"corpus: {len(corpus)} articles, {n_sent} sentences, {n_unique} distinct sentences to encode "
          f"(incl. {len(cb_texts)} codebook/background sentences); ingest {t_ingest:.1f} s", flush=True)
    print(f"torch threads: {__import__('torch').get_num_threads()}, cpu count: {os.cpu_count()}, "
          f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        # ---- cold pipeline
        clear_codebook_memo()
        clock = StageClock()
        t, c = time.perf_counter(), time.process_time()
        with Store(db) as store:
            cold = analyse(corpus, codebook, encoder=encoder, store=store, progress=clock)
        t_cold, c_cold = time.perf_counter() - t, time.process_time() - c
        stages = clock.finish()
        t = time.perf_counter()
        _ = cold.events  # event clustering (framing.events), timed apart from scoring
        t_events = time.perf_counter() - t
        rss_cold = rss_mb()
        print(f"cold pipeline: {t_cold:.1f} s", flush=True)

        # ---- bare encode of the same distinct sentences
        t, c = time.perf_counter(), time.process_time()
        if args.fast_encoder or not hasattr(encoder, "model") or args.encoder not in (None, "sentence-transformers"):
            encoder.encode(unique)
        else:
            encoder.model.encode(unique, batch_size=encoder.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        t_bare, c_bare = time.perf_counter() - t, time.process_time() - c
        print(f"bare encode: {t_bare:.1f} s", flush=True)

        # ---- warm re-score (new connection, memo cleared: as a new process would)
        clear_codebook_memo()
        t, c = time.perf_counter(), time.process_time()
        with Store(db) as store:
            warm = analyse(corpus, codebook, encoder=encoder, store=store)
        t_warm, c_warm = time.perf_counter() - t, time.process_time() - c
        identical = all(getattr(cold, n).equals(getattr(warm, n))
                        for n in ("_scores", "evidence", "components", "sentences"))
        db_mb = db.stat().st_size / 2**20

    ratio = t_cold / t_bare
    speedup = t_cold / t_warm
    rows = [
        ("encoder", encoder.model_id),
        ("articles", f"{len(corpus)}"),
        ("sentences (distinct encoded)", f"{n_sent} ({n_unique})"),
        ("bare model.encode", f"{t_bare:8.1f} s   {n_unique / t_bare:7.1f} sentences/s   "
                              f"({c_bare:.0f} CPU-s)"),
        ("pipeline, cold cache", f"{t_cold:8.1f} s   {n_unique / t_cold:7.1f} sentences/s   "
                                 f"= {ratio:.2f}x bare (aim <= 1.25x)   ({c_cold:.0f} CPU-s = "
                                 f"{c_cold / c_bare:.2f}x bare)"),
        ("  of which stages", ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())),
        ("event clustering (apart)", f"{t_events:.1f} s"),
        ("pipeline, warm cache", f"{t_warm:8.1f} s   = {speedup:.0f}x faster than cold (aim >= 50x)   "
                                 f"({c_warm:.1f} CPU-s = {c_cold / c_warm:.0f}x less than cold)"),
        ("warm tables identical", str(identical)),
        ("RSS after model load", f"{rss_model:.0f} MB"),
        ("RSS after cold run", f"{rss_cold:.0f} MB"),
        ("peak RSS (max)", f"{peak_mb():.0f} MB"),
        ("DuckDB cache file", f"{db_mb:.0f} MB"),
        ("load average at end", f"{os.getloadavg()[0]:.1f}"),
        ("off-topic articles", f"{int(cold.scores['off_topic'].sum())} of {len(corpus)}"),
        ("relevance quartiles", " / ".join(f"{q:.2f}" for q in cold.scores["relevance"].quantile([.25, .5, .75]))),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
