"""Benchmark: the three encoders side by side — speed, agreement with torch, quality.

* Speed: sentences/s of torch (sentence-transformers, the default), int8 ONNX
  (onnxruntime) and static (model2vec distilled from the default model) on the same
  5,000 real sentences: the first 5,000 distinct sentences (>= 4 words) of the AllSides
  security articles in ``../shared/eval/allsides_baly_security/`` in file order. Each
  encoder embeds them once, without any cache, after a warm-up call.
* Threads: each encoder with 1 and 2 intra-op threads on the first 1,000 of them (the
  defaults use every core this process may run on: ``framing.encoders.default_threads``).
* Agreement with torch: cosine of the ONNX vectors to the torch vectors; for static
  (another space, 256 dims) the Spearman correlation of the pairwise similarities of
  1,000 sentences with torch's (499,500 pairs).
* Quality: frame macro-F1 on ``frac_sentences`` (523 sentences, 10 classes;
  stratified 5-fold logistic regression on the sentence vectors, the same protocol and
  folds for every encoder) and event ARI on BASIL (300 articles, 100 gold events) with
  ``framing.events.cluster_events`` on the mean sentence vectors per article: with the
  library defaults (embeddings + tf-idf + actors + date window) and with the embedding
  distance alone at the best threshold of a grid (an oracle choice, the same grid for
  every encoder; it isolates the encoder).

The CPU is shared with other work while this runs: figures are lower bounds on speed.

Run from the repository root::

    .venv/bin/python bench/bench_encoders.py [--n 5000] [--skip-quality]
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


def real_sentences(n: int) -> list[str]:
    from framing.segment import split_spans

    seen: dict[str, None] = {}
    for name in ("security_pseudo_clustered.jsonl", "south_asia_mentions.jsonl"):
        with open(EVAL / "allsides_baly_security" / name, encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                for s, e in split_spans(text):
                    sentence = " ".join(text[s:e].split())
                    if len(sentence.split()) >= 4 and sentence not in seen:
                        seen[sentence] = None
                        if len(seen) >= n:
                            return list(seen)
    return list(seen)


def encoders(threads: int | None = None) -> dict:
    from framing.encoders import OnnxEncoder, SentenceTransformerEncoder, StaticEncoder, set_torch_threads

    if threads is not None:
        os.environ["FRAMING_NUM_THREADS"] = str(threads)
    set_torch_threads(threads)
    return {"torch": SentenceTransformerEncoder, "onnx": OnnxEncoder, "static": StaticEncoder}


def timed_encode(encoder, sentences: list[str]) -> tuple[np.ndarray, float]:
    encoder.encode(sentences[:16])  # warm-up
    t0 = time.perf_counter()
    vectors = encoder.encode(sentences)
    return vectors, time.perf_counter() - t0


def spearman_of_pairs(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    iu = np.triu_indices(len(a), k=1)
    return float(spearmanr((a @ a.T)[iu], (b @ b.T)[iu]).statistic)


def frame_f1(vectors: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = []
    for train, test in folds.split(vectors, labels):
        clf = LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")
        clf.fit(vectors[train], labels[train])
        scores.append(f1_score(labels[test], clf.predict(vectors[test]), average="macro"))
    return float(np.mean(scores)), float(np.std(scores))


def basil_frame():
    import pandas as pd

    rows = [json.loads(line) for line in open(EVAL / "basil_triplets" / "articles.jsonl", encoding="utf-8")]
    frame = pd.DataFrame({
        "article_id": [str(r.get("id", i)) for i, r in enumerate(rows)],
        "outlet": [r.get("outlet") or "" for r in rows],
        "published": pd.to_datetime([r.get("date") for r in rows], errors="coerce"),
        "title": [r.get("title") or "" for r in rows],
        "text": [r.get("text") or "" for r in rows],
    })
    return frame, np.array([r["cluster_id"] for r in rows])


def basil_doc_vectors(frame, encoder, store) -> np.ndarray:
    from framing.corpus import Article
    from framing.embed import article_vectors

    articles = [Article(r.article_id, r.outlet, None, r.title, r.text) for r in frame.itertuples()]
    return article_vectors(articles, encoder, store)


def event_ari(frame, gold, doc_vectors) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from framing.events import cluster_events

    default = cluster_events(frame, doc_vectors)
    out = {"ari_default": float(adjusted_rand_score(gold, default["event_id"]))}
    best = (-1.0, None)
    for t in np.arange(0.025, 0.61, 0.025):
        ev = cluster_events(frame, doc_vectors, distance_threshold=float(t), date_window_days=None,
                            embedding_weight=1.0, text_weight=0.0, actor_weight=0.0)
        ari = float(adjusted_rand_score(gold, ev["event_id"]))
        if ari > best[0]:
            best = (ari, round(float(t), 2))
    out["ari_embedding_only_best"], out["best_threshold"] = best
    return out


def speed_and_threads(args, sentences, classes, results) -> None:
    """Speed of each encoder (default threads), agreement with torch, 1 vs 2 threads."""
    vectors, speed = {}, {}
    for name, cls in classes.items():
        t0 = time.perf_counter()
        enc = cls()
        load = time.perf_counter() - t0
        vectors[name], secs = timed_encode(enc, sentences)
        speed[name] = {"model_id": enc.model_id, "dim": int(vectors[name].shape[1]), "load_s": round(load, 2),
                       "seconds": round(secs, 2), "sentences_per_s": round(len(sentences) / secs, 1)}
        print(f"  {name:7s} {speed[name]['sentences_per_s']:9.1f} sentences/s  ({secs:6.1f} s, load {load:4.1f} s, "
              f"{speed[name]['dim']} dims, {enc.model_id})")
    results["speed"] = speed
    cos = (vectors["onnx"] * vectors["torch"]).sum(axis=1)
    m = min(1000, len(sentences))
    results["agreement"] = {
        "onnx_cosine_mean": float(cos.mean()), "onnx_cosine_min": float(cos.min()),
        "onnx_cosine_p01": float(np.quantile(cos, 0.01)),
        "onnx_pairwise_spearman": spearman_of_pairs(vectors["onnx"][:m], vectors["torch"][:m]),
        "static_pairwise_spearman": spearman_of_pairs(vectors["static"][:m], vectors["torch"][:m]),
    }
    a = results["agreement"]
    print(f"  agreement with torch: ONNX cosine mean {a['onnx_cosine_mean']:.5f} (min {a['onnx_cosine_min']:.4f}); "
          f"pairwise-similarity Spearman ONNX {a['onnx_pairwise_spearman']:.4f}, static "
          f"{a['static_pairwise_spearman']:.4f} ({m} sentences)")

    # --- thread sweep
    sweep = sentences[:args.sweep]
    results["threads"] = {}
    for threads in (1, 2):
        row = {}
        for name, cls in encoders(threads).items():
            enc = cls()
            _, secs = timed_encode(enc, sweep)
            row[name] = round(len(sweep) / secs, 1)
        results["threads"][threads] = row
        print(f"  {threads} thread(s): " + ", ".join(f"{k} {v:.1f}/s" for k, v in row.items()))
    os.environ.pop("FRAMING_NUM_THREADS", None)
    encoders(None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="real sentences for the speed test")
    ap.add_argument("--sweep", type=int, default=1000, help="sentences for the thread sweep")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-speed", action="store_true", help="quality only (keeps the speed figures of the last run)")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"real evaluation data not found at {EVAL}; set FRAMING_EVAL_DIR", file=sys.stderr)
        return 2
    from framing.encoders import default_threads

    results: dict = {"cores": os.cpu_count(), "default_threads": default_threads(),
                     "load_average_start": os.getloadavg()[0]}
    sentences = real_sentences(args.n)
    print(f"{len(sentences)} distinct real sentences from allsides_baly_security (file order); "
          f"cores={os.cpu_count()}, default threads={default_threads()}, load average {os.getloadavg()[0]:.1f} "
          f"(CPU shared with other work)")

    classes = encoders()
    previous = OUT / "bench_encoders.json"
    if args.skip_speed and previous.exists():
        results.update({k: v for k, v in json.loads(previous.read_text()).items()
                        if k in ("speed", "agreement", "threads")})
    if not args.skip_speed:
        speed_and_threads(args, sentences, classes, results)

    if not args.skip_quality:
        from framing.store import Store

        quality: dict = {}
        frac = [json.loads(line) for line in open(EVAL / "frac_sentences" / "sentences.jsonl", encoding="utf-8")]
        texts = [r["text"] for r in frac]
        labels = np.array([r["label_code"] for r in frac])
        frame, gold = basil_frame()
        cache = Path(os.environ.get("FRAMING_BENCH_CACHE", "/tmp/framing-bench-encoders.duckdb"))
        with Store(cache) as store:
            for name, cls in classes.items():
                enc = cls()
                f1, sd = frame_f1(enc.encode(texts), labels)
                quality[name] = {"frac_macro_f1": round(f1, 4), "frac_macro_f1_sd": round(sd, 4)}
                if name != "onnx":
                    quality[name].update(event_ari(frame, gold, basil_doc_vectors(frame, enc, store)))
                print(f"  {name:7s} frac_sentences macro-F1 {f1:.3f} ± {sd:.3f}" + (
                    f"; BASIL ARI default {quality[name]['ari_default']:.3f}, embedding-only best "
                    f"{quality[name]['ari_embedding_only_best']:.3f} (threshold {quality[name]['best_threshold']})"
                    if "ari_default" in quality[name] else ""))
        results["quality"] = quality
    results["load_average_end"] = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_encoders.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / 'bench_encoders.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
