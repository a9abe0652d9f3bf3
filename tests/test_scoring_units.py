"""Unit tests of the scorers on hand-computed cases (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing.scoring import (
    AxisScorer,
    EmbeddedSentences,
    LexiconScorer,
    PrototypeScorer,
    ScoringSettings,
    calibrate,
    top_k_mean,
)


# ---------------------------------------------------------------------- lexicon
def test_lexicon_rate_per_thousand_tokens():
    # 10 tokens; "proxy war" (2.0) once and "militant" (1.0) once -> 3.0 / 10 * 1000
    text = "The militant group fought a proxy war in the hills"
    scorer = LexiconScorer({"f": {"proxy war": 2.0, "militant": 1.0}}).fit()
    assert scorer.transform([text])[0, 0] == pytest.approx(300.0)
    assert scorer.transform([""])[0, 0] == 0.0


@pytest.mark.parametrize("term, text, hits", [
    ("proxy", "Proxies and a proxy's proxy.", 3),
    ("attack", "attacks, attacked, attacking and an attack", 4),
    ("displace", "They were displaced; displacing people", 2),
    ("sacrifice", "Sacrifices were made", 1),
    ("war", "a warning and a warlord, not a war", 1),          # word boundaries
    ("isi", "ISIS claimed it; the ISI denied it", 1),          # acronyms are not pluralised
    ("proxy war", "a proxy-war and proxy  wars", 2),            # hyphen/space, inflected last word
    ("cross-border terrorism", "cross border terrorism", 1),
])
def test_lexicon_inflections_and_boundaries(term, text, hits):
    rates, matches = LexiconScorer({"f": {term: 1.0}}).fit().scan([text])
    assert len(matches) == hits


def test_lexicon_spans_point_into_text_and_longest_term_wins():
    text = "Officials blamed hybrid warfare. Hybrid war again, and warfare."
    scorer = LexiconScorer({"siege": {"hybrid warfare": 3.0, "warfare": 1.0}, "other": {"hybrid war": 2.0}}).fit()
    rates, m = scorer.scan([text])
    for row in m.itertuples():
        assert text[row.start:row.end] == row.text
    siege = m[m.frame == "siege"]
    assert list(siege.term) == ["hybrid warfare", "warfare"]        # "hybrid warfare" not split
    assert list(m[m.frame == "other"].text) == ["Hybrid war"]        # "war" does not match inside "warfare"
    n_tokens = 9
    assert rates[0].tolist() == pytest.approx([4.0 / n_tokens * 1000, 2.0 / n_tokens * 1000])


def test_lexicon_keeps_at_most_max_matches_but_counts_all():
    scorer = LexiconScorer({"f": {"x": 1.0}}, max_matches=2).fit()
    rates, m = scorer.scan(["x x x x"])
    assert len(m) == 2 and rates[0, 0] == pytest.approx(1000.0)


def test_lexicon_not_fitted_and_clone():
    scorer = LexiconScorer({"f": {"a": 1.0}})
    with pytest.raises(NotFittedError):
        scorer.transform(["a"])
    assert clone(scorer).get_params()["lexicons"] == {"f": {"a": 1.0}}


# ---------------------------------------------------------------------- prototypes
def _X(rows, index, ids):
    return EmbeddedSentences(np.asarray(rows, dtype=np.float32), np.asarray(index), ids)


def test_top_k_mean_hand_computed():
    X = _X([[0.1], [0.9], [0.5], [0.3]], [0, 0, 0, 1], ["a", "b"])
    padded = X.padded(np.array([[0.1], [0.9], [0.5], [0.3]]))
    assert top_k_mean(padded, 2)[:, 0].tolist() == pytest.approx([0.7, 0.3])   # b has one sentence
    assert top_k_mean(padded, 3)[:, 0].tolist() == pytest.approx([0.5, 0.3])


def test_prototype_similarity_and_top_k():
    protos = {"a": np.array([[1.0, 0.0], [0.0, 1.0]]), "b": np.array([[-1.0, 0.0]])}
    X = _X([[1, 0], [0.6, 0.8], [0.8, -0.6]], [0, 0, 0], ["d"])
    scorer = PrototypeScorer(protos, top_k=2, calibration="none").fit()
    sims = scorer.sentence_similarity(X.vectors)
    assert sims[:, 0].tolist() == pytest.approx([1.0, 0.8, 0.8])       # max over a's two prototypes
    assert sims[:, 1].tolist() == pytest.approx([-1.0, -0.6, -0.8])
    assert scorer.raw_scores(X)[0].tolist() == pytest.approx([0.9, -0.7])
    assert scorer.transform(X)[0].tolist() == pytest.approx([0.9, 0.0])  # "none": clipped to [0, 1]


def test_counter_examples_penalise_closer_sentences():
    protos = {"a": np.array([[1.0, 0.0]])}
    counter = {"a": np.array([[0.6, 0.8]])}
    scorer = PrototypeScorer(protos, counter, counter_weight=1.0, calibration="none").fit()
    sims = scorer.sentence_similarity(np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32))
    # first sentence: proto 0.6, counter 1.0 -> 0.6 - (1.0 - 0.6); second: not closer to the counter-example
    assert sims[:, 0].tolist() == pytest.approx([0.2, 1.0])


def test_reference_calibration_anchors():
    protos = {"a": np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]])}
    background = np.array([[0.0, 1.0], [-1.0, 0.0], [0.28, 0.96]])
    scorer = PrototypeScorer(protos, background=background, background_quantile=1.0, prototype_quantile=0.5).fit()
    # lo = max background similarity = max(0, 0, 0.28, 0.6, 0.8...) over prototypes -> 0.28*0.6+0.96*0.8 = 0.936
    assert scorer.lo_[0] == pytest.approx(0.936, abs=1e-6)
    # leave-one-out similarities: 0.96, 0.96, 0.96 -> median 0.96; hi is kept >= lo + 0.05
    assert scorer.hi_[0] == pytest.approx(0.986, abs=1e-6)
    at_lo = calibrate(scorer.lo_[None, :], scorer.lo_, scorer.hi_, 6.0)[0, 0]
    assert at_lo == pytest.approx(1 / (1 + np.exp(3)))


def test_corpus_calibration_uses_article_quantiles():
    protos = {"a": np.array([[1.0, 0.0]])}
    rows = [[1, 0], [0.8, 0.6], [0.6, 0.8], [0, 1]]
    X = _X(rows, [0, 1, 2, 3], ["p", "q", "r", "s"])
    scorer = PrototypeScorer(protos, top_k=1, calibration="corpus", corpus_quantiles=(0.0, 1.0)).fit(X)
    assert (scorer.lo_[0], scorer.hi_[0]) == pytest.approx((0.0, 1.0))
    scores = scorer.transform(X)[:, 0]
    assert scores[0] == pytest.approx(1 / (1 + np.exp(-3))) and np.all(np.diff(scores) < 0)


def test_prototype_scorer_requires_fit_and_background():
    scorer = PrototypeScorer({"a": np.eye(2)})
    with pytest.raises(NotFittedError):
        scorer.transform(_X([[1, 0]], [0], ["d"]))
    with pytest.raises(ValueError, match="background"):
        scorer.fit()
    with pytest.raises(ValueError, match="corpus"):
        PrototypeScorer({"a": np.eye(2)}, calibration="corpus").fit()


# ---------------------------------------------------------------------- axis
def test_axis_vector_positions_and_uniform_bias():
    A = np.array([[1.0, 0.0, 0.0]])
    B = np.array([[0.0, 1.0, 0.0]])
    s2 = np.sqrt(0.5)
    scorer = AxisScorer(A, B, baseline="zero", weighting="uniform", n_boot=0).fit()
    assert scorer.axis_ == pytest.approx([s2, -s2, 0.0])
    assert scorer.scale_ == pytest.approx(s2)                    # (s2 - (-s2)) / 2
    X = _X([[1, 0, 0], [0.6, 0.8, 0], [0, 0, 1]], [0, 0, 0], ["d"])
    r = scorer.score(X)
    assert r.position == pytest.approx([s2, -0.2 * s2, 0.0])
    bias_raw = (s2 - 0.2 * s2 + 0.0) / 3
    assert r.bias_raw[0] == pytest.approx(bias_raw)
    assert r.intensity_raw[0] == pytest.approx((0.5 + 0.02) / 3)
    assert r.bias[0] == pytest.approx(np.tanh(bias_raw / s2))
    assert r.lo[0] == r.bias[0] == r.hi[0]                         # n_boot=0: no interval


def test_axis_reference_baseline_and_scale_setting():
    A, B = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    ref = np.array([[0.6, 0.8], [0.8, 0.6]])
    scorer = AxisScorer(A, B, baseline="reference", reference=ref, scale=0.5).fit()
    assert scorer.baseline_ == pytest.approx(0.0)                 # (-0.2 + 0.2)/2 * sqrt(2) = 0
    scorer = AxisScorer(A, B, baseline="reference", reference=ref[:1], scale=0.5).fit()
    assert scorer.baseline_ == pytest.approx(-0.2 * np.sqrt(0.5))
    assert scorer.scale_ == 0.5
    X = _X([[0.6, 0.8], [1, 0]], [0, 1], ["a", "b"])
    corpus = AxisScorer(A, B, baseline="corpus").fit(X)
    assert corpus.baseline_ == pytest.approx(np.mean([-0.2, 1.0]) * np.sqrt(0.5))


def test_axis_relevance_weighting_ignores_off_topic_sentences():
    # poles along x and y; an off-topic sentence (mostly z) sits far towards pole B
    A, B = np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]])
    off = np.array([0.0, 0.3, 0.954])
    X = _X([[0.9, 0.1, 0.42], [0.95, 0.05, 0.31], off / np.linalg.norm(off)], [0, 0, 0], ["d"])
    uniform = AxisScorer(A, B, baseline="zero", weighting="uniform", n_boot=0).fit().score(X)
    soft = AxisScorer(A, B, baseline="zero", weighting="softmax", temperature=0.05, n_boot=0).fit().score(X)
    top = AxisScorer(A, B, baseline="zero", weighting="top", top_fraction=0.5, min_top=2, n_boot=0).fit().score(X)
    assert soft.weight[2] < 0.01 and top.weight.tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert soft.bias_raw[0] > uniform.bias_raw[0]
    assert soft.weight.sum() == pytest.approx(1.0)


def test_axis_bootstrap_is_deterministic_and_batch_independent():
    rng = np.random.default_rng(1)
    V = rng.normal(size=(30, 8))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    A, B = V[:3], V[3:6]
    X = _X(V[6:], [0] * 12 + [1] * 12, ["first", "second"])
    make = lambda seed: AxisScorer(A, B, baseline="zero", n_boot=500, random_state=seed).fit()  # noqa: E731
    r1, r2, r3 = make(0).score(X), make(0).score(X), make(7).score(X)
    assert np.array_equal(r1.lo, r2.lo) and np.array_equal(r1.hi, r2.hi)
    assert not np.array_equal(r1.lo, r3.lo)
    assert np.all(r1.lo <= r1.bias + 1e-12) and np.all(r1.bias <= r1.hi + 1e-12)
    alone = make(0).score(_X(V[18:], [0] * 12, ["second"]))   # same article scored in another batch
    assert alone.lo[0] == r1.lo[1] and alone.hi[0] == r1.hi[1]


def test_axis_not_fitted_and_bad_params():
    scorer = AxisScorer(np.eye(2)[:1], np.eye(2)[1:])
    with pytest.raises(NotFittedError):
        scorer.score(_X([[1, 0]], [0], ["d"]))
    with pytest.raises(ValueError, match="reference"):
        scorer.fit()
    with pytest.raises(ValueError, match="no direction"):
        AxisScorer(np.eye(2)[:1], np.eye(2)[:1], baseline="zero").fit()


# ---------------------------------------------------------------------- settings
def test_settings_validate_and_round_trip():
    s = ScoringSettings(top_k=5)
    assert ScoringSettings.from_dict(s.to_dict()) == s
    assert s.sha256 != ScoringSettings().sha256
    assert s.replace(batch_size=3).sha256 == s.sha256               # batch sizes do not change scores
    with pytest.raises(ValueError, match="top_k=0"):
        ScoringSettings(top_k=0)
    with pytest.raises(ValueError, match="calibration"):
        ScoringSettings(calibration="magic")
    with pytest.raises(ValueError, match="unknown"):
        ScoringSettings.from_dict({"topk": 3})


def test_docstring_examples_run():
    import doctest

    from framing.scoring import axis, base, lexicon, prototype

    for module in (axis, base, lexicon, prototype):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
