"""Benchmark: the cascade encoder against the transformer and the static model, one process.

On the AllSides security articles (``../shared/eval/allsides_baly_security``, both files, 3,427
articles after ingest) with the bundled ``south-asia-security`` codebook, side by side:

1. **bare encode**: all-MiniLM-L6-v2 ``encode`` of every distinct sentence (batches of 512, no
   cache): the floor of any transformer pipeline;
2. **full transformer pipeline**: ``framing.analyse(..., encoder="minilm")`` given the vectors of
   (1) in its cache, so its time is (1) + this run (scoring, evidence, document vectors);
3. **cascade**: ``framing.analyse(..., encoder="cascade")`` from an empty cache (static model on
   every sentence, transformer on the chosen ones);
4. **static pipeline**: ``framing.analyse(..., encoder="static")`` from an empty cache;
5. **first look**: the same without events (what the app shows first for a big corpus).

Every analysis but the first look groups events (``events=True``, the default).

Reported: wall and CPU seconds (``time.process_time``, all threads), the share of distinct
sentences the transformer embedded, and each pipeline against (2): Pearson of every frame score
and of the axis position over articles, the largest absolute difference, top-frame agreement,
and how often the full pipeline's top-3 sentences of a frame were among the sentences the cascade
embedded with the transformer. On labelled data, with the same encoders: BASIL event ARI against
its gold events (``analyse(..., events=True)``: library defaults) and the climate set's supervised
micro-/macro-F1 (``FrameClassifier``, 5-fold CV, same folds for every encoder).

The CPU is shared with other work when it runs: compare figures within one run.

Run from the repository root::

    .venv/bin/python bench/bench_cascade.py [--limit N] [--skip-labelled] [--store PATH]

``--store`` keeps every vector in a DuckDB file (for iterating on quality: timings are then
meaningless and marked so).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval"))
OUT = REPO / "bench" / "_out"
CODEBOOK = "south-asia-security"


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def allsides(limit: int):
    from framing.ingest import load

    folder = EVAL / "allsides_baly_security"
    corpus = load([folder / "security_pseudo_clustered.jsonl", folder / "south_asia_mentions.jsonl"])
    return corpus.subset(corpus.ids[:limit]) if limit else corpus


def agreement(full, other, codebook) -> dict:
    """Per-article agreement of ``other``'s scores with ``full``'s."""
    a = full.scores.set_index("article_id")
    b = other.scores.set_index("article_id").loc[a.index]
    frames = [f"frame:{f.id}" for f in codebook.frames]
    out: dict = {"frames": {}}
    for col in frames:
        out["frames"][col[6:]] = float(np.corrcoef(a[col], b[col])[0, 1])
    diffs = np.abs(a[frames].to_numpy() - b[frames].to_numpy())
    out["frame_pearson_min"] = min(out["frames"].values())
    out["frame_pearson_mean"] = float(np.mean(list(out["frames"].values())))
    out["frame_max_abs_diff"] = float(diffs.max())
    out["frame_mean_abs_diff"] = float(diffs.mean())
    out["top_frame_agreement"] = float(np.mean(a[frames].to_numpy().argmax(1) == b[frames].to_numpy().argmax(1)))
    for axis in codebook.axes:
        col = f"axis:{axis.id}"
        out[f"{col} pearson"] = float(np.corrcoef(a[col], b[col])[0, 1])
        out[f"{col} max_abs_diff"] = float(np.abs(a[col] - b[col]).max())
        out[f"{col} leaning_agreement"] = float(np.mean(a[f"{col}:leaning"].to_numpy() == b[f"{col}:leaning"].to_numpy()))
    return out


def candidate_recall(full, corpus, encoder, cache) -> float:
    """Share of the full pipeline's top-3 evidence sentences (per article and frame) that the
    cascade embedded with the transformer."""
    from framing.segment import segment

    arts = list(corpus.articles)
    sentences = segment(arts)
    _, info = encoder.embed_grouped(sentences["text"].tolist(), sentences["article_row"].to_numpy(), cache)
    exact = set(zip(sentences["article_id"][info.exact], sentences["sentence_index"][info.exact]))
    ev = full.evidence
    ev = ev[(ev["kind"] == "sentence") & (ev["pole"] == "")]
    hits = [(a, int(i)) in exact for a, i in zip(ev["article_id"], ev["sentence_index"])]
    return float(np.mean(hits)) if hits else float("nan")


def basil_ari(encoders: dict, cache_for) -> dict:
    from sklearn.metrics import adjusted_rand_score

    import framing
    from framing.corpus import Article, Corpus

    rows = [json.loads(line) for line in open(EVAL / "basil_triplets" / "articles.jsonl", encoding="utf-8")]
    arts = [Article(str(r.get("id", i)), r.get("outlet") or "", r.get("date"), r.get("title") or "",
                    r.get("text") or "") for i, r in enumerate(rows)]
    gold = {a.article_id: r["cluster_id"] for a, r in zip(arts, rows)}
    out = {}
    for name, enc in encoders.items():
        with Timer() as t:
            res = framing.analyse(Corpus(arts), CODEBOOK, encoder=enc, store=cache_for(name), events=True)
        ev = res.scores.set_index("article_id")["event_id"]
        out[name] = {"ari": float(adjusted_rand_score([gold[i] for i in ev.index], ev.to_numpy())),
                     "seconds": round(t.wall, 1)}
        print(f"  BASIL {name:8s} event ARI {out[name]['ari']:.3f}  ({t.wall:.0f} s)", flush=True)
    return out


def climate_f1(encoders: dict, cache_for) -> dict:
    import ast

    from framing.validate.supervised import FrameClassifier, cross_validate

    rows = [json.loads(line) for line in open(EVAL / "narrative_frames_climate" / "articles.jsonl", encoding="utf-8")]
    X = [r["text"] for r in rows]
    y = [list(ast.literal_eval(r["labels"])) if isinstance(r["labels"], str) else list(r["labels"]) for r in rows]
    out = {}
    for name, enc in encoders.items():
        with Timer() as t:
            res = cross_validate(lambda: FrameClassifier(encoder=enc, codebook="generic-frames", multi_label=True,  # noqa: B023
                                                         store=cache_for(name), random_state=0),
                                 X, y, n_splits=5, random_state=0, n_boot=200, multi_label=True)
        out[name] = {k: float(res[k]) for k in ("micro", "micro_lo", "micro_hi", "macro", "macro_lo", "macro_hi")}
        out[name]["seconds"] = round(t.wall, 1)
        print(f"  climate {name:8s} micro-F1 {res['micro']:.3f} [{res['micro_lo']:.3f}, {res['micro_hi']:.3f}]  "
              f"macro-F1 {res['macro']:.3f}  ({t.wall:.0f} s)", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N AllSides articles only (0: all)")
    ap.add_argument("--skip-labelled", action="store_true", help="skip BASIL and climate")
    ap.add_argument("--first-look-only", action="store_true", help="time only the app's first look on AllSides")
    ap.add_argument("--store", type=Path, help="DuckDB file for every vector (timings then meaningless)")
    ap.add_argument("--fraction", type=float, default=None, help="cascade fraction (default: the encoder's)")
    ap.add_argument("--json", type=Path, default=OUT / "bench_cascade.json")
    args = ap.parse_args(argv)
    if not (EVAL / "allsides_baly_security").is_dir():
        sys.exit(f"evaluation data not found under {EVAL} (set FRAMING_EVAL_DIR); nothing to measure")

    import framing
    from framing.codebook import Codebook
    from framing.embed import MemoryCache, embed_sentences
    from framing.encoders import CascadeEncoder, get_encoder, set_torch_threads
    from framing.segment import segment
    from framing.store import Store

    set_torch_threads()
    OUT.mkdir(parents=True, exist_ok=True)
    store = Store(args.store) if args.store else None
    warm = store is not None

    def cache_for(name):  # one cold cache per pipeline, or the shared store when iterating
        return MemoryCache(store) if warm else MemoryCache()

    codebook = Codebook.load(CODEBOOK)
    cascade = CascadeEncoder() if args.fraction is None else CascadeEncoder(fraction=args.fraction)
    encoders = {"full": "minilm", "cascade": cascade, "static": "static"}
    result: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "warm_store": warm,
                    "load_average_start": os.getloadavg()[0], "cascade": cascade.describe()}
    get_encoder("minilm").encode(["warm up the transformer"])
    get_encoder("static").encode(["warm up the static model"])

    if args.first_look_only:
        corpus = allsides(args.limit)
        with Timer() as t:
            framing.analyse(corpus, codebook, encoder="static", store=MemoryCache(), events=False)
        print(f"first look on {len(corpus)} articles (static, no events, cold cache): {t.wall:.1f} s wall, "
              f"{t.cpu:.1f} s CPU", flush=True)
        return 0
    corpus = allsides(args.limit)
    sentences = segment(list(corpus.articles))
    distinct = list(dict.fromkeys(sentences["text"]))
    print(f"AllSides: {len(corpus)} articles, {len(sentences)} sentences, {len(distinct)} distinct", flush=True)
    result.update(articles=len(corpus), sentences=len(sentences), distinct_sentences=len(distinct))

    full_cache = cache_for("full")
    with Timer() as bare:
        embed_sentences(distinct, get_encoder("minilm"), full_cache)
    print(f"  bare encode        {bare.wall:8.1f} s wall {bare.cpu:8.1f} s CPU", flush=True)
    runs, times = {}, {"bare": bare}
    for name in ("full", "cascade", "static"):
        cache = full_cache if name == "full" else cache_for(name)
        with Timer() as t:
            runs[name] = framing.analyse(corpus, codebook, encoder=encoders[name], store=cache)
        times[name] = t
        runs[name + "_cache"] = cache
        print(f"  {name:18s} {t.wall:8.1f} s wall {t.cpu:8.1f} s CPU", flush=True)
    with Timer() as t:  # the app's first look at a big corpus: static encoder, no events
        framing.analyse(corpus, codebook, encoder="static", store=cache_for("first"), events=False)
    times["first_look"] = t
    print(f"  first look (static, no events) {t.wall:8.1f} s wall {t.cpu:8.1f} s CPU", flush=True)
    full_wall, full_cpu = bare.wall + times["full"].wall, bare.cpu + times["full"].cpu
    manifest = runs["cascade"].manifest()["engine"]["cascade"]
    guided = cascade.guided(codebook)
    recall = candidate_recall(runs["full"], corpus, guided, runs["cascade_cache"])
    result["timing"] = {
        "bare_encode": {"wall": bare.wall, "cpu": bare.cpu},
        "full_pipeline": {"wall": full_wall, "cpu": full_cpu, "scoring_only_wall": times["full"].wall},
        "cascade": {"wall": times["cascade"].wall, "cpu": times["cascade"].cpu,
                    "over_bare_wall": times["cascade"].wall / bare.wall,
                    "over_bare_cpu": times["cascade"].cpu / bare.cpu},
        "static": {"wall": times["static"].wall, "cpu": times["static"].cpu,
                   "over_bare_wall": times["static"].wall / bare.wall},
        "first_look": {"wall": times["first_look"].wall, "cpu": times["first_look"].cpu},
    }
    result["cascade_sentences"] = {"exact": manifest["n_exact"], "all": manifest["n_sentences"],
                                   "share": manifest["n_exact"] / max(manifest["n_sentences"], 1),
                                   "top3_evidence_in_exact": recall}
    result["agreement"] = {name: agreement(runs["full"], runs[name], codebook) for name in ("cascade", "static")}
    print(f"  cascade / bare encode: {times['cascade'].wall / bare.wall:.2f}x wall, "
          f"{times['cascade'].cpu / bare.cpu:.2f}x CPU; transformer on {manifest['n_exact']:,} of "
          f"{manifest['n_sentences']:,} sentences ({result['cascade_sentences']['share']:.1%}); "
          f"full top-3 evidence inside the cascade's exact set: {recall:.1%}", flush=True)
    for name in ("cascade", "static"):
        ag = result["agreement"][name]
        axis = ", ".join(f"{k} {v:.3f}" for k, v in ag.items() if k.startswith("axis:"))
        print(f"  {name:8s} vs full: frame Pearson min {ag['frame_pearson_min']:.3f} mean "
              f"{ag['frame_pearson_mean']:.3f}, max |diff| {ag['frame_max_abs_diff']:.3f}, top frame "
              f"{ag['top_frame_agreement']:.1%}; {axis}", flush=True)

    if not args.skip_labelled:
        labelled = {"full": "minilm", "cascade": cascade, "static": "static"}
        result["basil"] = basil_ari(labelled, cache_for)
        result["climate"] = climate_f1(labelled, cache_for)
    result["load_average_end"] = os.getloadavg()[0]
    args.json.write_text(json.dumps(result, indent=2))
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
