"""Frame classification accuracy on the real labelled sets, 5-fold CV (seeded).

    .venv/bin/python bench/bench_validation.py [--sets frac,climate,climate-roles]
        [--methods baseline,zeroshot,supervised[,fewshot]] [--encoder minilm|mpnet|minilm+mpnet|<model dir>]

Sets (read from ../shared/eval, never copied):
* frac_sentences: 523 sentences, one of 10 merged Media-Frames labels (single-label);
* narrative_frames_climate: 428 articles, subset of 5 generic frames (multi-label);
* climate-roles: the same 428 long articles (median 3,900 characters) with 17 labels: the 5
  frames plus every "role:stakeholder group" (e.g. villain:INDUSTRY_EMISSIONS, from the coded
  hero/villain/victim mentions) that 5-55 % of the articles carry - a long, multi-label set
  with rare labels, built by that fixed rule.

Methods:
(a) baseline   one-vs-rest logistic regression (sklearn defaults, threshold 0.5; argmax for
               single-label) on the mean of the first 40 all-MiniLM-L6-v2 sentence vectors;
(b) zeroshot   codebook prototypes, no training: built-in `policy-frames` / `generic-frames`,
               frame score = mean of the top-3 sentence similarities to the frame's prototypes
               (max over prototypes); single-label: argmax; multi-label: frames whose score is
               above the frame's corpus mean by 0.5 sd (no labels used);
    zeroshot also prints the per-frame ROC AUC on FrAC of every built-in policy frame FrAC
               covers (the analysis frame score and its prototype component, through the
               scoring pipeline), each frame against its merged FrAC label;
(c) supervised framing.validate.FrameClassifier (mean+max pooled embeddings, prototype and
               lexicon features, TF-IDF view; chunk views; inner-CV view, calibration and
               shrunk thresholds);
(d) fewshot    framing.validate.FewShotClassifier (1 epoch contrastive fine-tuning of MiniLM,
               then the same head).
Micro/macro-F1 on pooled out-of-fold predictions with 95% bootstrap intervals (1,000 resamples);
baseline and supervised rows also print per-frame F1 with support.
Sentence embeddings are cached in bench/_out/validation_embeddings.duckdb (re-runs are cheap).

--encoder (a framing.encoders.get_encoder name; default all-MiniLM-L6-v2) replaces the frozen
encoder of baseline, zeroshot and supervised; "a+b" concatenates two encoders' vectors (each cached
under its own model id). Rows of a non-default encoder are stored as "<method>@<encoder>".
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval"))
OUT = REPO / "bench" / "_out"
DEFAULT_ENCODER_NAME = "minilm"
DEFAULT_NAMES = ("", "minilm", "sentence-transformers")
BASELINE_SENTENCES = 40  # the plain baseline reads the first 40 sentences of an article
ROLE_SHARE = (0.05, 0.55)  # climate-roles: role:group labels carried by 5-55 % of the articles
# FrAC's merged scheme has no class for these Media-Frames frames (MFC 2, 10, 14)
NOT_IN_FRAC = ("capacity_and_resources", "quality_of_life", "external_regulation_and_reputation")

# codebook frame id -> dataset label (explicit; frames mapped to None are not used)
POLICY_TO_FRAC = {
    "economic": "Economic",
    "capacity_and_resources": "Other",            # MFC 2: not in FrAC's merged 10-way set
    "morality": "Morality",
    "fairness_and_equality": "Fairness_and_equality",
    "legality_constitutionality_jurisprudence": "Legality_and_crime (MFC 5+7)",
    "crime_and_punishment": "Legality_and_crime (MFC 5+7)",
    "policy_prescription_and_evaluation": "Political_and_policies (MFC 6+13)",
    "political": "Political_and_policies (MFC 6+13)",
    "security_and_defense": "Security_and_defense",
    "health_and_safety": "Health_and_safety",
    "quality_of_life": "Other",                   # MFC 10: not in FrAC's merged set
    "cultural_identity": "Cultural_identity",
    "public_opinion": "Public_opinion",
    "external_regulation_and_reputation": "Other",  # MFC 14: not in FrAC's merged set
    "other": "Other",
}
GENERIC_TO_CLIMATE = {
    "conflict": "Conflict",
    "human_interest": "Human_interest",
    "economic_consequences": "Economic",
    "morality": "Moral",
    "responsibility": "Resolution",  # Frermann et al. 2023 recast 'attribution of responsibility' as Resolution
}


def load_sets():
    frac_path = EVAL / "frac_sentences" / "sentences.jsonl"
    climate_path = EVAL / "narrative_frames_climate" / "articles.jsonl"
    if not frac_path.exists() or not climate_path.exists():
        sys.exit(f"real evaluation data not found under {EVAL} (set FRAMING_EVAL_DIR); nothing to measure")
    frac = [json.loads(line) for line in frac_path.open(encoding="utf-8")]
    climate = [json.loads(line) for line in climate_path.open(encoding="utf-8")]

    def labels_of(r):
        v = r["labels"]
        return list(ast.literal_eval(v)) if isinstance(v, str) else list(v)

    roles = [sorted({f"{e['role']}:{e['group']}" for e in r.get("entity_roles") or []}) for r in climate]
    share = {lab: sum(lab in s for s in roles) / len(climate) for lab in {v for s in roles for v in s}}
    kept = {lab for lab, v in share.items() if ROLE_SHARE[0] <= v <= ROLE_SHARE[1]}
    return {
        "frac": {"X": [r["text"] for r in frac], "y": [labels_of(r)[0] for r in frac], "multi": False,
                 "codebook": "policy-frames", "mapping": POLICY_TO_FRAC, "outlet": None},
        "climate": {"X": [r["text"] for r in climate], "y": [labels_of(r) for r in climate], "multi": True,
                    "codebook": "generic-frames", "mapping": GENERIC_TO_CLIMATE},
        "climate-roles": {"X": [r["text"] for r in climate],
                          "y": [labels_of(r) + [v for v in s if v in kept] for r, s in zip(climate, roles)],
                          "multi": True, "codebook": "generic-frames", "mapping": None},
    }


class MemoEncoder:
    """The encoder behind an in-process memo over the DuckDB cache (folds re-use vectors for free)."""

    def __init__(self, encoder, store):
        self.encoder, self.store = encoder, store
        self.model_id = encoder.model_id
        self.memo: dict[str, np.ndarray] = {}

    @property
    def dim(self):
        return getattr(self.encoder, "dim", None)  # loads the model only when asked

    def encode(self, sentences, show_progress=False):
        from framing.embed import embed_sentences

        missing = list(dict.fromkeys(t for t in sentences if t not in self.memo))
        if missing:
            self.memo.update(zip(missing, embed_sentences(missing, self.encoder, self.store)))
        if not sentences:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        return np.vstack([self.memo[t] for t in sentences])


class PlainBaseline:
    """OvR logistic regression on the mean of the first 40 sentence vectors (sklearn defaults)."""

    def __init__(self, encoder, store, multi):
        self.encoder, self.store, self.multi_label = encoder, store, multi

    def _x(self, X):
        from framing.embed import embed_documents, pool
        from framing.segment import segment_texts

        docs = [d[:BASELINE_SENTENCES] for d in segment_texts(X)]
        E = embed_documents(docs, self.encoder)
        return pool(E.vectors, E.article_index, len(docs), "mean")

    def fit(self, X, y):
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        if self.multi_label:
            self.mlb_ = MultiLabelBinarizer().fit(y)
            self.labels_ = list(self.mlb_.classes_)
            Y = self.mlb_.transform(y)
        else:
            self.labels_ = sorted(set(y))
            Y = np.array([self.labels_.index(v) for v in y])
        self.clf_ = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(self._x(X), Y)
        return self

    def predict(self, X):
        p = self.clf_.predict_proba(self._x(X))
        if self.multi_label:
            return (p >= 0.5).astype(int)
        return np.array(self.labels_, dtype=object)[p.argmax(axis=1)]


def zero_shot(data, encoder, store, n_boot):
    """Prototype similarity from the built-in codebook, no labels used."""
    from framing.codebook import Codebook
    from framing.embed import embed_documents, embed_sentences
    from framing.segment import segment_texts
    from framing.validate import features as F
    from framing.validate.agreement import bootstrap_f1

    t0 = time.perf_counter()
    cb = Codebook.load(data["codebook"])
    mapping = data["mapping"]
    frames = [f for f in cb.frames if mapping.get(f.id)]
    missing = [k for k in mapping if k not in cb.frame_ids]
    if missing:
        logging.warning("codebook %s lacks frames %s of the mapping", cb.id, missing)
    protos = [(j, p) for j, f in enumerate(frames) for p in f.prototypes]
    pv = embed_sentences([p for _, p in protos], encoder, store)
    docs = segment_texts(data["X"])
    sims = F.prototype_similarity(embed_documents(docs, encoder), pv, np.array([j for j, _ in protos]), len(frames),
                                  top_k=3)
    score = sims[:, len(frames):]  # top-3 mean
    targets = sorted(set(mapping[f.id] for f in frames))
    # merge codebook frames that map to the same dataset label by max
    S = np.stack([score[:, [j for j, f in enumerate(frames) if mapping[f.id] == t]].max(axis=1) for t in targets], 1)
    if data["multi"]:
        labels = sorted({v for s in data["y"] for v in s})
        z = (S - S.mean(axis=0)) / (S.std(axis=0) + 1e-9)
        pred_t = (z > 0.5).astype(int)
        pred = np.zeros((len(docs), len(labels)), dtype=int)
        for j, t in enumerate(targets):
            pred[:, labels.index(t)] = pred_t[:, j]
        gold = np.array([[int(lab in s) for lab in labels] for s in data["y"]])
    else:
        labels = sorted(set(data["y"]))
        pred = np.eye(len(labels), dtype=int)[[labels.index(targets[k]) for k in S.argmax(axis=1)]]
        gold = np.eye(len(labels), dtype=int)[[labels.index(v) for v in data["y"]]]
    res = bootstrap_f1(gold, pred, n_boot=n_boot, random_state=0)
    res["seconds"] = time.perf_counter() - t0
    return res


def zero_shot_auc(data, encoder, store):
    """Per-frame ROC AUC of the zero-shot analysis scores, each codebook frame against its
    dataset label (single-label sets: one-vs-rest). Returns {frame id: {label, n_pos,
    auc, auc_prototype}} for the frames the set covers (and those it does not, flagged)."""
    from framing.codebook import Codebook
    from framing.corpus import Article
    from framing.scoring.pipeline import fit_calibration, score_batch
    from framing.validate.agreement import _auc

    cb = Codebook.load(data["codebook"])
    arts = [Article(article_id=f"u{i}", outlet="", published=None, title="", text=t) for i, t in enumerate(data["X"])]
    scores, _, comp = score_batch(arts, cb, None, fit_calibration(None, cb, None, encoder, store), encoder, store)
    proto = comp[comp["component"] == "embedding"].pivot(index="article_id", columns="target", values="value")
    proto = proto.reindex([a.article_id for a in arts])
    out = {}
    for f in cb.frames:
        label = data["mapping"].get(f.id)
        if not label:
            continue
        y = np.array([int(v == label) for v in data["y"]])
        out[f.id] = {"label": label, "n_pos": int(y.sum()), "covered": f.id not in NOT_IN_FRAC,
                     "auc": _auc(y, scores[f"frame:{f.id}"].to_numpy()), "auc_prototype": _auc(y, proto[f.id].to_numpy())}
    merged = {}  # a dataset label two covered frames map to: the larger of their scores
    for label in sorted({v["label"] for v in out.values() if v["covered"]}):
        ids = [fid for fid, v in out.items() if v["label"] == label and v["covered"]]
        if len(ids) > 1:
            y = np.array([int(v == label) for v in data["y"]])
            merged[label] = _auc(y, scores[[f"frame:{fid}" for fid in ids]].max(axis=1).to_numpy())
    return out, merged


def per_frame(res) -> dict:
    """Per-frame F1 with support of pooled out-of-fold decisions."""
    from framing.validate.agreement import per_frame_metrics

    table = per_frame_metrics(res["y_true"], res["y_pred"], labels=res["labels"], n_boot=0)
    return {str(r.frame): {"support": int(r.support), "f1": float(r.f1)} for r in table.itertuples()
            if not str(r.frame).startswith("(")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="frac,climate,climate-roles")
    parser.add_argument("--methods", default="baseline,zeroshot,supervised",
                        help="baseline, zeroshot, supervised, supervised-emb, fewshot, fewshot-fast")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=OUT / "bench_validation.json")
    parser.add_argument("--encoder", default=DEFAULT_ENCODER_NAME,
                        help="frozen encoder: minilm (default), mpnet, a local model directory, or names joined by '+'")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("framing.validate").setLevel(logging.INFO)

    from framing.encoders import ConcatEncoder, get_encoder, set_torch_threads
    from framing.store import Store
    from framing.validate.fewshot import FewShotClassifier
    from framing.validate.supervised import FrameClassifier, cross_validate

    sets = load_sets()
    OUT.mkdir(parents=True, exist_ok=True)
    store = Store(OUT / "validation_embeddings.duckdb")
    set_torch_threads()  # FRAMING_NUM_THREADS when set
    names = [n.strip() for n in args.encoder.split("+")]
    parts = [MemoEncoder(get_encoder(None if n in DEFAULT_NAMES else n), store) for n in names]
    encoder = parts[0] if len(parts) == 1 else ConcatEncoder(parts)  # each part cached under its own id
    suffix = "" if args.encoder in DEFAULT_NAMES else f"@{args.encoder}"
    results = json.loads(args.json.read_text()) if args.json.exists() else {}
    for name in args.sets.split(","):
        data = sets[name]
        multi = data["multi"]
        for method in args.methods.split(","):
            if suffix and method.startswith("fewshot"):
                sys.exit(f"{method} fine-tunes its own MiniLM: --encoder does not apply to it")
            t0 = time.perf_counter()
            if method == "zeroshot" and data["mapping"] is None:
                print(f"{name:8s} {method + suffix:15s} no built-in codebook covers these labels", flush=True)
                continue
            if method == "zeroshot":
                res = zero_shot(data, encoder, store, args.n_boot)
                if not multi:
                    res["auc"], res["auc_merged"] = zero_shot_auc(data, encoder, store)
            else:
                if method == "baseline":
                    make = lambda: PlainBaseline(encoder, store, multi)  # noqa: E731
                elif method == "supervised":
                    make = lambda: FrameClassifier(encoder=encoder, codebook=data["codebook"],  # noqa: E731
                                                   multi_label=multi, random_state=0)
                elif method == "supervised-emb":
                    make = lambda: FrameClassifier(encoder=encoder, codebook=None, tfidf=False,  # noqa: E731
                                                   multi_label=multi, random_state=0)
                elif method == "fewshot-fast":  # one pair per unit, head without the TF-IDF view, C = 1
                    make = lambda: FewShotClassifier(codebook=data["codebook"], multi_label=multi,  # noqa: E731
                                                     n_pairs=len(data["X"]) * 4 // 5, tfidf=False,
                                                     head_params={"C": 1.0}, store=store, random_state=0)
                elif method == "fewshot":
                    make = lambda: FewShotClassifier(codebook=data["codebook"], multi_label=multi,  # noqa: E731
                                                     store=store, random_state=0)
                else:
                    sys.exit(f"unknown method {method!r}")
                res = cross_validate(make, data["X"], data["y"], n_splits=args.folds, random_state=0,
                                     n_boot=args.n_boot, multi_label=multi)
            res["seconds"] = time.perf_counter() - t0
            row = {k: float(res[k]) for k in ("micro", "micro_lo", "micro_hi", "macro", "macro_lo", "macro_hi",
                                              "seconds")}
            results.setdefault(name, {})[method + suffix] = row
            print(f"{name:8s} {method + suffix:15s} micro-F1 {row['micro']:.3f}"
                  f" [{row['micro_lo']:.3f}, {row['micro_hi']:.3f}]"
                  f"  macro-F1 {row['macro']:.3f} [{row['macro_lo']:.3f}, {row['macro_hi']:.3f}]"
                  f"  {row['seconds']:.0f} s", flush=True)
            if "y_true" in res:
                row["per_frame"] = per_frame(res)
                print("    per-frame F1 (support): " + ", ".join(
                    f"{lab} {v['f1']:.2f} ({v['support']})" for lab, v in row["per_frame"].items()), flush=True)
            if "auc" in res:
                row["auc"] = res["auc"]
                for fid, v in res["auc"].items():
                    note = "" if v["covered"] else "  (not a FrAC class: scored against Other)"
                    print(f"    AUC {fid:42s} vs {v['label']:34s} {v['auc']:.3f} (prototypes {v['auc_prototype']:.3f},"
                          f" {v['n_pos']} positives){note}", flush=True)
                row["auc_merged"] = res["auc_merged"]
                for label, v in res["auc_merged"].items():
                    print(f"    AUC max of the frames merged into {label}: {v:.3f}", flush=True)
            args.json.write_text(json.dumps(results, indent=2))
    store.close()
    print(f"\nresults: {args.json}")


if __name__ == "__main__":
    main()
