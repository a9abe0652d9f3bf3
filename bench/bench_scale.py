"""Benchmark: scaling curve (time and peak memory of every stage) and local vs Dask engines.

Scaling curve (``--sizes``, default 1000 10000 100000): corpora built by RESAMPLING real
text — each synthetic article is a random draw of real sentences (its length drawn from
the real articles' sentence counts) from the pool of distinct sentences of
``../shared/eval/`` (AllSides security, BASIL, climate), with a real outlet name and a
random 2024 date. Nothing is written into the repository. Each size runs in a fresh
process, stage by stage:

    build   write the JSONL file
    ingest  ``framing.ingest.ingest`` into a DuckDB store
    score   ``framing.engines.run_local`` streaming the store (partitions of 512)
    events  ``EngineResult.cluster_events`` (candidate path above 4,000 articles)
    export  Parquet export of scores and evidence

Each stage runs in a fresh process that re-opens what the earlier stage wrote (the
store, the results folder), so a stage's peak memory is its own.

The large sizes use the ``static`` encoder (a transformer needs hours for 100k
articles on 2 cores); the transformer (torch) runs the same stages at ``--transformer-size``
articles. Peak memory is the highest resident set size (RSS, sampled every 50 ms) of the
process during the stage, reported above the RSS once the encoder is loaded.

Engines (``--engines``): the 3,428 AllSides security articles scored with the local engine
and with Dask (a LocalCluster of 1 and of 2 single-threaded worker processes), static
encoder; rows compared (ids, and the largest absolute difference of any number).

The two cores are shared with other work while this runs: times are upper bounds.

Run from the repository root::

    .venv/bin/python bench/bench_scale.py [--sizes 1000 10000 100000] [--engines] [--transformer-size 100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval"))
OUT = REPO / "bench" / "_out"
SOURCES = [("allsides_baly_security", "security_pseudo_clustered.jsonl"),
           ("allsides_baly_security", "south_asia_mentions.jsonl"),
           ("basil_triplets", "articles.jsonl"), ("narrative_frames_climate", "articles.jsonl")]


class PeakRSS:
    """Highest RSS (bytes) of this process and its children while the block runs."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a child that just exited
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._stop = threading.Event()
        self.start = self.peak = self._rss()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())


def _real_records():
    for folder, name in SOURCES:
        path = EVAL / folder / name
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def sentence_pool():
    from framing.segment import split_spans

    pool: dict[str, None] = {}
    lengths, outlets = [], []
    for r in _real_records():
        text = r.get("text") or ""
        spans = split_spans(text)
        lengths.append(len(spans))
        outlets.append(r.get("outlet") or r.get("source") or "unknown")
        for s, e in spans:
            sentence = " ".join(text[s:e].split())
            if len(sentence.split()) >= 4:
                pool[sentence] = None
    return list(pool), np.array([n for n in lengths if n > 0]), sorted(set(outlets))


def build_corpus(n: int, path: Path, seed: int = 0) -> dict:
    pool, lengths, outlets = sentence_pool()
    rng = np.random.default_rng(seed)
    n_sent = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = int(min(60, rng.choice(lengths)))
            idx = rng.integers(0, len(pool), size=k)
            text = " ".join(pool[j] for j in idx)
            n_sent += k
            day = int(rng.integers(0, 366))
            fh.write(json.dumps({
                "id": f"synthetic-{i:07d}", "outlet": outlets[int(rng.integers(0, len(outlets)))],
                "date": str(np.datetime64("2024-01-01") + np.timedelta64(day, "D")),
                "title": pool[int(idx[0])][:90], "text": text}) + "\n")
    return {"pool_sentences": len(pool), "drawn_sentences": n_sent, "outlets": len(outlets)}


def embed_only(store, encoder: str, partition_size: int = 512):
    """Stream the store: segment, embed and average per article (no scoring); returns
    (document vectors, n_sentences)."""
    from framing.embed import document_vectors, embed_articles
    from framing.encoders import get_encoder
    from framing.scoring import ScoringSettings

    enc, settings = get_encoder(encoder), ScoringSettings()
    blocks, n_sentences = [], 0
    for corpus in store.iter_corpus(partition_size):
        _, X = embed_articles(corpus.articles, enc, batch_size=settings.embed_batch_size)
        blocks.append(document_vectors(X.vectors, X.article_index, X.n_articles))
        n_sentences += X.n_sentences
    return np.vstack(blocks), n_sentences


def one_size(n: int, encoder: str, work: Path, stages: list[str]) -> dict:
    """The given stages for one corpus size, in this process, reading what earlier stages
    (earlier processes) left in ``work``; ``result.json`` is updated after each stage."""
    import psutil

    from framing.encoders import get_encoder
    from framing.engines import EngineResult, run_local
    from framing.ingest import ingest
    from framing.store import Store

    state = work / "result.json"
    out: dict = json.loads(state.read_text()) if state.exists() else {"articles": n, "encoder": encoder, "stages": {}}
    proc = psutil.Process()
    base0 = proc.memory_info().rss
    enc = get_encoder(encoder)
    enc.encode(["warm up the encoder"])
    base = proc.memory_info().rss
    out["rss_before_model_mib"] = round(base0 / 2**20, 1)
    out["rss_with_model_mib"] = round(base / 2**20, 1)
    out["model_id"] = enc.model_id

    def record(name, m, **extra):
        out["stages"][name] = {"seconds": round(m.seconds, 2), "peak_above_model_mib": round((m.peak - base) / 2**20, 1),
                               "rss_at_start_above_model_mib": round((m.start - base) / 2**20, 1), **extra}
        print(f"    {n:>7} {name:7s} {m.seconds:9.1f} s   peak RSS above model {(m.peak - base) / 2**20:8.1f} MiB "
              + " ".join(f"{k}={v}" for k, v in extra.items()), flush=True)
        state.write_text(json.dumps(out))

    path = work / f"corpus-{n}.jsonl"
    run_dir = work / f"run-{n}"
    if "build" in stages:
        with PeakRSS() as m:
            info = build_corpus(n, path)
        record("build", m, **info)
    if "ingest" in stages:
        with PeakRSS() as m, Store(work / f"store-{n}.duckdb") as store:
            report = ingest([path], store)
        record("ingest", m, kept=report.kept)
    if "score" in stages:
        with Store(work / f"store-{n}.duckdb", read_only=True) as store, PeakRSS() as m:
            result = run_local(store, encoder=encoder, partition_size=512, out_dir=run_dir)
        out["n_sentences"] = result.n_sentences
        record("score", m, sentences=result.n_sentences,
               **{k: round(v, 1) for k, v in result.seconds.items() if k.startswith("partition_")})
    if "embed" in stages:
        with Store(work / f"store-{n}.duckdb", read_only=True) as store, PeakRSS() as m:
            docs, n_sentences = embed_only(store, encoder)
        np.save(work / f"embed-{n}.npy", docs)
        out["n_sentences"] = n_sentences
        record("embed", m, sentences=n_sentences)
    if "events" in stages:
        if (run_dir / EngineResult.STATE_FILE).exists():
            with PeakRSS() as m:
                events = EngineResult.open(run_dir).cluster_events()
        else:
            from framing.events import cluster_events

            docs = np.load(work / f"embed-{n}.npy")
            with Store(work / f"store-{n}.duckdb", read_only=True) as store, PeakRSS() as m:
                frame = store.articles_frame()[["article_id", "outlet", "published", "title", "text"]]
                events = cluster_events(frame, docs)
        record("events", m, events=int(events["event_id"].nunique()))
    if "export" in stages and (run_dir / EngineResult.STATE_FILE).exists():
        with PeakRSS() as m:
            EngineResult.open(run_dir).export(work / f"export-{n}", format="parquet")
        record("export", m)
    return out


def engines(work: Path, limit: int = 0) -> dict:
    """Local vs Dask (1 and 2 workers) on the 3,428 AllSides articles, static encoder."""
    from framing.engines import run_dask, run_local
    from framing.ingest import load

    folder = EVAL / "allsides_baly_security"
    corpus = load([folder / "security_pseudo_clustered.jsonl", folder / "south_asia_mentions.jsonl"])
    if limit:
        corpus = corpus.subset(corpus.ids[:limit])
    print(f"  engines on {len(corpus)} AllSides articles (static encoder, partitions of 128)", flush=True)
    res: dict = {"articles": len(corpus)}
    runs = {}
    for name, fn in [("local", lambda: run_local(corpus, encoder="static", partition_size=128)),
                     ("dask-1", lambda: run_dask(corpus, encoder="static", n_workers=1, partition_size=128)),
                     ("dask-2", lambda: run_dask(corpus, encoder="static", n_workers=2, partition_size=128))]:
        with PeakRSS() as m:
            runs[name] = fn()
        res[name] = {"seconds": round(m.seconds, 1), "peak_rss_mib": round(m.peak / 2**20, 1),
                     "score_seconds": round(runs[name].seconds["score"], 1)}
        print(f"    {name:7s} {m.seconds:8.1f} s  (score pass {runs[name].seconds['score']:.1f} s)  "
              f"peak RSS incl. workers {m.peak / 2**20:.0f} MiB", flush=True)
    local = runs["local"]
    ls, le = local.scores, local.evidence
    for name in ("dask-1", "dask-2"):
        s, e = runs[name].scores, runs[name].evidence
        num = [c for c in ls.columns if ls[c].dtype.kind == "f"]
        same_ids = s["article_id"].tolist() == ls["article_id"].tolist()
        diff = float(np.nanmax(np.abs(s[num].to_numpy() - ls[num].to_numpy())))
        ediff = float(np.nanmax(np.abs(e["value"].to_numpy() - le["value"].to_numpy()))) if len(e) == len(le) else None
        res[name].update({"same_ids": same_ids, "max_abs_diff_scores": diff, "evidence_rows_equal": len(e) == len(le),
                          "max_abs_diff_evidence": ediff,
                          "speedup_vs_local": round(res["local"]["seconds"] / res[name]["seconds"], 2)})
        print(f"    {name}: same ids {same_ids}, max |diff| scores {diff:.2e}, evidence rows equal "
              f"{len(e) == len(le)}, speed-up vs local {res[name]['speedup_vs_local']}x", flush=True)
    # the pipeline against a bare encode of the same distinct sentences
    from framing.encoders import get_encoder
    from framing.segment import split_spans

    sentences = list(dict.fromkeys(a.text[s:e] for a in corpus.articles for s, e in split_spans(a.text or "")))
    enc = get_encoder("static")
    t0 = time.perf_counter()
    for i in range(0, len(sentences), 512):
        enc.encode(sentences[i:i + 512])
    bare = time.perf_counter() - t0
    res["bare_encode_static_seconds"] = round(bare, 1)
    res["distinct_sentences"] = len(sentences)
    res["pipeline_over_bare_encode_static"] = round(local.seconds["score"] / bare, 1)
    res["local_stage_seconds"] = {k: round(v, 1) for k, v in local.seconds.items()}
    print(f"    bare static encode of {len(sentences)} distinct sentences {bare:.1f} s; local score pass "
          f"{local.seconds['score']:.1f} s = {res['pipeline_over_bare_encode_static']}x "
          f"(in-partition: {', '.join(f'{k} {v:.0f} s' for k, v in local.seconds.items() if k.startswith('partition'))})",
          flush=True)
    for r in runs.values():
        r.cleanup()
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    ap.add_argument("--transformer-size", type=int, default=100,
                    help="articles for the transformer curve point (0: skip)")
    ap.add_argument("--engines", action="store_true", help="also local vs Dask on the 3,428 AllSides articles")
    ap.add_argument("--embed-only-sizes", type=int, nargs="*", default=[],
                    help="sizes run with ingest, embed and events only (no scoring)")
    ap.add_argument("--engine-articles", type=int, default=0,
                    help="first N AllSides articles for --engines (default: all 3,428)")
    ap.add_argument("--json", default="bench_scale.json", help="file name of the results under bench/_out")
    ap.add_argument("--stages", default="score,events,export", help=argparse.SUPPRESS)
    ap.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--encoder", default="static", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--keep", help="keep each size's work folder (corpus, store, results folder run-N/) under "
                                   "this folder, e.g. for bench_app_large.py")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"real evaluation data not found at {EVAL}; set FRAMING_EVAL_DIR", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    if args.one_size:
        work = Path(args.work)
        one_size(args.one_size, args.encoder, work, args.stages.split(","))
        return 0

    print(f"cores={os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (CPU shared with other work); corpora "
          "are RESAMPLED from real sentences of ../shared/eval (see the docstring)", flush=True)
    results: dict = {"curve": [], "load_average_start": os.getloadavg()[0]}
    full = "score,events,export"
    plan = [(n, "static", full) for n in args.sizes] + \
           ([(args.transformer_size, "sentence-transformers", full)] if args.transformer_size else []) + \
           [(n, "static", "embed,events") for n in args.embed_only_sizes]
    for n, encoder, stages in plan:
        print(f"  {n} articles, encoder {encoder}, stages build,ingest,{stages}", flush=True)
        keep = Path(args.keep) / f"scale-{n}-{encoder}" if args.keep else None
        with tempfile.TemporaryDirectory(prefix=f"framing-scale-{n}-") as tmp:
            work = keep or Path(tmp)
            if keep:
                shutil.rmtree(keep, ignore_errors=True)
                keep.mkdir(parents=True)
            # every stage in a fresh process: its peak is its own, not what earlier stages left
            for stage in ["build", "ingest"] + stages.split(","):
                proc = subprocess.run([sys.executable, __file__, "--one-size", str(n), "--encoder", encoder,
                                       "--stages", stage, "--work", str(work)], cwd=REPO)
                if proc.returncode != 0:
                    print(f"  size {n} stage {stage} failed (exit {proc.returncode})", flush=True)
                    break
            done = work / "result.json"
            entry = json.loads(done.read_text()) if done.exists() else {"articles": n, "encoder": encoder}
            if proc.returncode != 0:
                entry["failed"] = f"{stage}: exit {proc.returncode}"
            results["curve"].append(entry)
        (OUT / args.json).write_text(json.dumps(results, indent=2))
    if args.engines:
        with tempfile.TemporaryDirectory(prefix="framing-engines-") as tmp:
            results["engines"] = engines(Path(tmp), args.engine_articles)
    results["load_average_end"] = os.getloadavg()[0]
    (OUT / args.json).write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
