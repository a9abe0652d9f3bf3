"""The calibrated axis: a meaning for zero (neutral zone, gate), pole-balanced scale, leaning."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framing.scoring.axis import AxisScorer
from framing.scoring.base import EmbeddedSentences

TEXTS = Path(__file__).parent / "data" / "axis_leaning_texts.jsonl"


def _unit(*rows):
    m = np.asarray(rows, dtype=np.float64)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


# 3-d toy space: x = pole A, y = pole B, z = neutral topic
A = _unit([1.0, 0.0, 0.2], [0.9, 0.1, 0.3])
B = _unit([0.0, 1.0, 0.2], [0.1, 0.8, 0.3], [0.0, 0.9, 0.1])
NEUTRAL = _unit([0.05, 0.0, 1.0], [0.0, 0.05, 1.0], [0.1, 0.1, 1.0], [0.0, 0.0, 1.0])


def _docs(*docs):
    vectors = np.vstack([np.asarray(d) for d in docs])
    index = np.concatenate([[i] * len(d) for i, d in enumerate(docs)])
    return EmbeddedSentences(vectors.astype(np.float32), index, [f"d{i}" for i in range(len(docs))])


def _scorer(**kw):
    base = dict(neutral=NEUTRAL, dead_zone=1.0, gate=0.03, balanced=True, n_boot=200)
    base.update(kw)
    return AxisScorer(A, B, **base).fit()


def test_prototypical_texts_of_both_poles_lie_equally_far_from_zero():
    scorer = _scorer()
    r = scorer.score(_docs(A, B))
    assert r.bias[0] > 0.5 and r.bias[1] < -0.5
    assert abs(r.bias[0] + r.bias[1]) < 1e-6                # balanced: +x and -x (float32 vectors)
    unbalanced = _scorer(balanced=False).score(_docs(A, B))
    assert abs(unbalanced.bias[0] + unbalanced.bias[1]) > 0.01  # the poles are not symmetric here


def test_neutral_sentences_contribute_nothing_and_a_neutral_text_sits_at_zero():
    scorer = _scorer()
    r = scorer.score(_docs(NEUTRAL, np.vstack([NEUTRAL, A[:1]])))
    assert r.bias[0] == pytest.approx(0.0, abs=1e-6)
    assert r.gate[:len(NEUTRAL)].max() < 0.05                # gated out: nearer a neutral sentence
    assert r.bias[1] > 0.3                                   # one clear pole-A sentence still counts
    labels, p = r.leaning()
    assert labels[0] == "neutral" and p[0] == pytest.approx(1.0)
    assert labels[1] == "a" and 0.0 < p[1] <= 1.0


def test_the_legacy_axis_is_the_frameaxis_score():
    legacy = AxisScorer(A, B, reference=NEUTRAL, n_boot=0).fit()
    doc = _unit([0.6, 0.3, 0.5], [0.2, 0.7, 0.4])
    r = legacy.score(_docs(doc))
    axis = A.mean(0) - B.mean(0)
    axis /= np.linalg.norm(axis)
    position = doc @ axis
    relevance = (doc @ np.vstack([A, B]).T).max(1)
    w = np.exp((relevance - relevance.max()) / 0.1)
    w /= w.sum()
    scale = ((A @ axis).mean() - (B @ axis).mean()) / 2
    expected = np.tanh((w * (position - (NEUTRAL @ axis).mean())).sum() / scale)
    assert r.bias[0] == pytest.approx(expected, abs=1e-6)   # float32 sentence vectors
    assert legacy.scale_ == legacy.scale_b_


def test_bad_calibration_settings_are_refused():
    from framing.scoring import ScoringSettings

    with pytest.raises(ValueError, match="axis_gate"):
        ScoringSettings(axis_gate=0)
    with pytest.raises(ValueError, match="axis_dead_zone"):
        ScoringSettings(axis_dead_zone=-1)
    with pytest.raises(ValueError, match="gate needs neutral"):
        AxisScorer(A, B, gate=0.03, baseline="zero").fit()


@pytest.mark.slow
def test_leaning_on_texts_written_for_the_test(encoder):
    """Twelve short reports written for this test (four per class): the leaning label gets at
    least ten right, and the neutral ones sit nearer zero than the leaning ones."""
    import framing
    from framing.corpus import Article, Corpus

    rows = [json.loads(line) for line in TEXTS.read_text(encoding="utf-8").splitlines()]
    corpus = Corpus([Article(r["id"], "test", None, r["lean"], r["text"]) for r in rows])
    scores = framing.analyse(corpus, "south-asia-security", encoder=encoder, events=False).scores
    want = {"siege": "state_under_siege", "proxy": "state_proxy", "neutral": "neutral"}
    got = scores["axis:siege_vs_proxy:leaning"].tolist()
    right = sum(want[r["lean"]] == g for r, g in zip(rows, got))
    assert right >= 10, list(zip([r["id"] for r in rows], got))
    position = dict(zip(scores["article_id"], scores["axis:siege_vs_proxy"]))
    neutral = [abs(position[r["id"]]) for r in rows if r["lean"] == "neutral"]
    leaning = [abs(position[r["id"]]) for r in rows if r["lean"] != "neutral"]
    assert np.mean(neutral) < 0.5 * np.mean(leaning)
    assert np.mean([position[r["id"]] for r in rows if r["lean"] == "siege"]) > 0.3
    assert np.mean([position[r["id"]] for r in rows if r["lean"] == "proxy"]) < -0.3
