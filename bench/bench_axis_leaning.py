"""Benchmark: the calibrated siege ↔ proxy axis on AllSides articles coded by two coders.

72 AllSides articles about Pakistan (``../shared/eval/allsides_baly_security/south_asia_mentions.jsonl``,
the ones with at least three mentions of Pakistan and under 12,000 characters, in sha256 order of
their id) were coded siege / proxy / neutral by two coders working independently with the guide
in ``docs/validation.md`` — the codes (ids and labels only, no text) are
``bench/data/allsides_siege_proxy_codes.csv``. Nothing in the codebook or the method was tuned on
them. This script scores the articles with ``south-asia-security`` twice in one run — the
calibrated axis (default settings) and the plain FrameAxis axis of 7ce7ced (no neutral sentences,
zone, gate or balanced scale) — and prints, with bootstrap 95% intervals over articles:

* Krippendorff's α between the two coders (nominal);
* on the articles both coders agree on: the leaning label's accuracy and macro-F1 (the plain
  axis gets the same ±0.2 band), the majority class ("neutral") as the floor; AUC of siege
  above proxy by position; AUC of leaning (siege or proxy) above neutral by |position|;
  median position per class.

Usage::

    .venv/bin/python bench/bench_axis_leaning.py
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval"))
CODES = REPO / "bench" / "data" / "allsides_siege_proxy_codes.csv"
AXIS = "axis:siege_vs_proxy"
POLE = {"siege": "state_under_siege", "proxy": "state_proxy", "neutral": "neutral"}
N_BOOT = 2000


def _ci(values_fn, n: int, rng) -> tuple[float, float]:
    boots = []
    for _ in range(N_BOOT):
        idx = rng.integers(0, n, n)
        value = values_fn(idx)
        if np.isfinite(value):
            boots.append(value)
    return tuple(np.quantile(boots, [0.025, 0.975])) if boots else (float("nan"), float("nan"))


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    from scipy.stats import mannwhitneyu

    return float(mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))


def _macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(POLE.values()), average="macro", zero_division=0))


def main() -> None:
    source = EVAL / "allsides_baly_security" / "south_asia_mentions.jsonl"
    if not source.exists():
        sys.exit(f"{source} not found: this benchmark needs ../shared/eval")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datetime as dt

    import framing
    from framing.codebook import Codebook
    from framing.corpus import Article, Corpus
    from framing.scoring import ScoringSettings
    from framing.validate.agreement import krippendorff_alpha

    codes = list(csv.DictReader(CODES.open(encoding="utf-8")))
    wanted = {c["article_id"] for c in codes}
    rows = {}
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            if r["id"] in wanted:
                rows[r["id"]] = r
    def date(text):
        return dt.date.fromisoformat(text) if text else None

    corpus = Corpus([Article(i, rows[i]["outlet"], date(rows[i]["date"]), rows[i]["title"], rows[i]["text"])
                     for i in (c["article_id"] for c in codes)])
    a = [c["coder_a"] for c in codes]
    b = [c["coder_b"] for c in codes]
    labels = sorted(set(a) | set(b))
    alpha = krippendorff_alpha(np.array([[labels.index(x) for x in a], [labels.index(x) for x in b]]), "nominal")
    agreed = np.array([x == y for x, y in zip(a, b)])
    gold = np.array([POLE[x] for x in a], dtype=object)[agreed]
    print(f"{len(codes)} articles coded by two coders; Krippendorff's alpha (nominal) = {alpha:.3f}; "
          f"they agree on {agreed.sum()} ({', '.join(f'{k} {int((gold == POLE[k]).sum())}' for k in POLE)})")

    encoder = framing.get_encoder()
    codebook = Codebook.load("south-asia-security")
    plain = codebook.to_dict()
    for axis in plain["axes"]:
        axis.pop("neutral", None)
    runs = {
        "calibrated axis (default)": (codebook, ScoringSettings()),
        "plain FrameAxis axis (7ce7ced)": (Codebook.from_dict(plain, source="(plain axis)"),
                                           ScoringSettings(axis_dead_zone=0.0, axis_gate=None, axis_balanced=False)),
    }
    rng = np.random.default_rng(0)
    majority = np.array(["neutral"] * len(gold), dtype=object)
    print(f"\nmajority class (neutral): accuracy {np.mean(majority == gold):.3f}, "
          f"macro-F1 {_macro_f1(gold, majority):.3f}")
    for name, (cb, settings) in runs.items():
        t = time.perf_counter()
        scores = framing.analyse(corpus, cb, encoder=encoder, settings=settings, events=False).scores
        seconds = time.perf_counter() - t
        pos = scores[AXIS].to_numpy(dtype=float)[agreed]
        if f"{AXIS}:leaning" in scores:
            pred = scores[f"{AXIS}:leaning"].to_numpy(dtype=object)[agreed]
        else:
            pred = np.where(pos > 0.2, "state_under_siege", np.where(pos < -0.2, "state_proxy", "neutral"))
        n = len(gold)
        acc = float(np.mean(pred == gold))
        acc_ci = _ci(lambda i: np.mean(pred[i] == gold[i]), n, rng)
        f1 = _macro_f1(gold, pred)
        f1_ci = _ci(lambda i: _macro_f1(gold[i], pred[i]), n, rng)
        sp = _auc(pos[gold == "state_under_siege"], pos[gold == "state_proxy"])
        sp_ci = _ci(lambda i: _auc(pos[i][gold[i] == "state_under_siege"], pos[i][gold[i] == "state_proxy"]), n, rng)
        leaning = gold != "neutral"
        ln = _auc(np.abs(pos[leaning]), np.abs(pos[~leaning]))
        ln_ci = _ci(lambda i: _auc(np.abs(pos[i][leaning[i]]), np.abs(pos[i][~leaning[i]])), n, rng)
        medians = ", ".join(f"{k} {np.median(pos[gold == v]):+.2f}" for k, v in POLE.items() if (gold == v).any())
        print(f"\n{name}  ({seconds:.0f} s)")
        print(f"  leaning accuracy {acc:.3f} [{acc_ci[0]:.3f}, {acc_ci[1]:.3f}]   macro-F1 {f1:.3f} "
              f"[{f1_ci[0]:.3f}, {f1_ci[1]:.3f}]")
        print(f"  AUC siege > proxy by position {sp:.3f} [{sp_ci[0]:.3f}, {sp_ci[1]:.3f}]   "
              f"AUC leaning > neutral by |position| {ln:.3f} [{ln_ci[0]:.3f}, {ln_ci[1]:.3f}]")
        print(f"  median position: {medians}")
        confusion = {(g, p): int(((gold == g) & (pred == p)).sum()) for g in POLE.values() for p in POLE.values()}
        print("  confusion (gold -> predicted): " + "; ".join(
            f"{g.split('_')[-1]}->{p.split('_')[-1]} {c}" for (g, p), c in confusion.items() if c))


if __name__ == "__main__":
    main()
