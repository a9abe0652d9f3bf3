"""Actor-role validation on the Narrative Frames climate corpus (hero / villain / victim mentions).

The corpus codes 1,944 entity mentions with a role but no offsets. Each coded entity string is
located in its article (case-insensitive, word boundaries; the k-th coding of the same string
in an article takes its k-th occurrence), and the located ones are scored:

* majority class;
* zero-shot ``framing.roles`` (entity-roles codebook; the most likely main role, "none" left
  out, since every coded mention has a role);
* plain baseline: logistic regression on the MiniLM embedding of the mention's (unmasked)
  sentence, 5-fold CV grouped by article;
* supervised ``RoleClassifier``: masked- and plain-sentence embeddings + role-prototype similarities +
  cue features, the same folds.

Accuracy and macro-F1 with 95% percentile bootstrap intervals over mentions (1,000 resamples).

    PYTHONPATH=. python bench/bench_roles.py [--eval-dir ../shared/eval] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def locate(articles: list[dict]) -> tuple[pd.DataFrame, int]:
    """Coded mentions with offsets: ``article_id, start, end, mention, role``; and the number coded."""
    rows, coded = [], 0
    for art in articles:
        text = art["text"] or ""
        used: dict[str, int] = {}
        for er in art.get("entity_roles") or []:
            coded += 1
            entity = " ".join(str(er.get("entity", "")).split())
            if not entity:
                continue
            hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", text, re.IGNORECASE)]
            k = used.get(entity.lower(), 0)
            if not hits:
                continue
            start = hits[min(k, len(hits) - 1)]
            used[entity.lower()] = k + 1
            rows.append({"article_id": str(art["id"]), "start": start, "end": start + len(entity),
                         "mention": text[start:start + len(entity)], "label": er["role"]})
    return pd.DataFrame(rows), coded


def _metrics(y, pred, labels, n_boot=1000, seed=0) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    y, pred = np.asarray(y), np.asarray(pred)
    rng = np.random.default_rng(seed)
    acc = accuracy_score(y, pred)
    f1 = f1_score(y, pred, labels=labels, average="macro", zero_division=0)
    boots = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        boots.append((accuracy_score(y[i], pred[i]),
                      f1_score(y[i], pred[i], labels=labels, average="macro", zero_division=0)))
    b = np.array(boots)
    lo, hi = np.quantile(b, [0.025, 0.975], axis=0)
    return {"accuracy": acc, "accuracy_ci": [lo[0], hi[0]], "macro_f1": f1, "macro_f1_ci": [lo[1], hi[1]],
            "n": int(len(y))}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.codebook import Codebook
    from framing.embed import MemoryCache, embed_sentences
    from framing.encoders import get_encoder
    from framing.roles.mentions import anchor_mentions
    from framing.roles.scoring import RoleClassifier, RoleScorer, role_features

    t0 = time.perf_counter()
    path = args.eval_dir / "narrative_frames_climate" / "articles.jsonl"
    with path.open(encoding="utf-8") as fh:
        raw = [json.loads(line) for line in fh if line.strip()]
    given, coded = locate(raw)
    book = Codebook.load("entity-roles")
    given["role_true"] = [book.role_for_label(x) for x in given["label"]]
    texts = {str(a["id"]): a["text"] or "" for a in raw}
    encoder = get_encoder()
    cache = MemoryCache()
    mentions = anchor_mentions(given[["article_id", "start", "end", "mention"]], texts, book)
    features = role_features(mentions, texts, book, encoder, cache)
    ok = features.ok
    y = given["role_true"].to_numpy()[ok]
    groups = given["article_id"].to_numpy()[ok]
    labels = book.role_ids
    t_feat = time.perf_counter() - t0

    out = {"coded": coded, "located": int(len(given)), "scored": int(ok.sum()),
           "class_counts": pd.Series(y).value_counts().to_dict()}
    majority = pd.Series(y).value_counts().idxmax()
    out["majority"] = _metrics(y, np.full(len(y), majority), labels)
    proba = RoleScorer().fit().predict_proba(features)[ok][:, 1:]   # none left out
    out["zero_shot"] = _metrics(y, np.array(labels)[proba.argmax(axis=1)], labels)

    sentence_vectors = embed_sentences([features.sentences[i] for i in np.flatnonzero(ok)], encoder, cache)
    assert np.allclose(sentence_vectors, features.context[ok], atol=1e-5)
    X_sup = features.matrix()[ok]
    cv = StratifiedGroupKFold(n_splits=args.folds, shuffle=True, random_state=0)
    pred_plain = np.empty(len(y), dtype=object)
    pred_sup = np.empty(len(y), dtype=object)
    for train, test in cv.split(sentence_vectors, y, groups):
        plain = LogisticRegression(max_iter=2000, class_weight="balanced").fit(sentence_vectors[train], y[train])
        pred_plain[test] = plain.predict(sentence_vectors[test])
        sup = RoleClassifier().fit(X_sup[train], y[train])
        pred_sup[test] = sup.predict(X_sup[test])
    out["plain_baseline"] = _metrics(y, pred_plain.astype(str), labels)
    out["supervised"] = _metrics(y, pred_sup.astype(str), labels)
    out["seconds"] = {"features": round(t_feat, 1), "total": round(time.perf_counter() - t0, 1)}
    out["encoder"] = encoder.model_id

    print(f"coded {coded}, located {len(given)} ({len(given) / coded:.1%}), scored {int(ok.sum())}; "
          f"classes {out['class_counts']}")
    print("| method | accuracy [95% CI] | macro-F1 [95% CI] |\n|---|---|---|")
    for key in ("majority", "zero_shot", "plain_baseline", "supervised"):
        m = out[key]
        print(f"| {key} | {m['accuracy']:.3f} [{m['accuracy_ci'][0]:.3f}, {m['accuracy_ci'][1]:.3f}] | "
              f"{m['macro_f1']:.3f} [{m['macro_f1_ci'][0]:.3f}, {m['macro_f1_ci'][1]:.3f}] |")
    print(f"time: {out['seconds']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=float), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
