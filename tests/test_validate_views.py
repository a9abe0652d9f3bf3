"""Chunk views, shrunk thresholds and the one-SE view choice of the frame classifier."""

import json

import numpy as np
import pytest

from framing.validate import views as V
from framing.validate.supervised import FrameClassifier, load_model


def test_chunk_vectors_groups_runs_of_sentences_per_document():
    vectors = np.eye(8, dtype=np.float32)[:7]  # 7 sentences: 5 in doc 0, 0 in doc 1, 2 in doc 2
    index = np.array([0, 0, 0, 0, 0, 2, 2])
    chunks, doc = V.chunk_vectors(vectors, index, 3, size=2)
    assert doc.tolist() == [0, 0, 0, 1, 2]
    expected0 = np.zeros(8)
    expected0[[0, 1]] = 1 / np.sqrt(2)
    assert np.allclose(chunks[0], expected0)
    assert np.allclose(chunks[2], np.eye(8)[4])  # the last, shorter chunk of doc 0
    assert np.allclose(chunks[3], 0)  # a document without sentences: one zero chunk
    with pytest.raises(ValueError, match="at least 1 sentence"):
        V.chunk_vectors(vectors, index, 3, size=0)


def test_pool_chunks_max_and_noisy_or_by_hand():
    p = np.array([[0.2, 0.9], [0.5, 0.1], [0.3, 0.3]])
    doc = np.array([0, 0, 1])
    assert np.allclose(V.pool_chunks(p, doc, 2, "max"), [[0.5, 0.9], [0.3, 0.3]])
    assert np.allclose(V.pool_chunks(p, doc, 2, "noisy_or"), [[1 - 0.8 * 0.5, 1 - 0.1 * 0.9], [0.3, 0.3]])
    with pytest.raises(ValueError, match="chunk pooling"):
        V.pool_chunks(p, doc, 2, "mean")


def test_shrink_threshold_follows_the_number_of_positives():
    assert V.shrink_threshold(0.8, 0.1, 5, 0.0) == 0.8
    few, many = V.shrink_threshold(0.8, 0.1, 2, 10.0), V.shrink_threshold(0.8, 0.1, 500, 10.0)
    assert 0.1 < few < many < 0.8
    assert abs(many - 0.8) < 0.02 and abs(few - 0.1) < 0.15


def test_choose_view_keeps_the_simpler_view_unless_clearly_better():
    noisy = {"mean": np.array([0.60, 0.64, 0.58]), "chunk_max": np.array([0.63, 0.62, 0.59])}
    assert V.choose_view(noisy) == "mean"
    clear = {"mean": np.array([0.50, 0.52, 0.51]), "chunk_max": np.array([0.60, 0.63, 0.62])}
    assert V.choose_view(clear) == "chunk_max"
    assert V.check_views(["chunk_max", "mean"]) == ("mean", "chunk_max")
    with pytest.raises(ValueError, match="views must be"):
        V.check_views(["median"])


FILLER = ["The weather stayed grey and wet all week.", "The home side won the match in extra time.",
          "A new bakery opened on the corner of the square.", "The band played its old songs to a full hall.",
          "Snow closed the mountain pass for a day.", "The museum hung a new exhibition of prints.",
          "Runners crowded the park for the charity race.", "The ferry left late because of fog."]
ECON = ["Taxes and prices rose and jobs were cut to save costs.", "The budget deficit grew as tax revenue fell.",
        "Wages fell while the cost of fuel and food climbed."]


def _long_articles(n=36):
    texts, labels = [], []
    for i in range(n):
        body = [FILLER[(i + k) % len(FILLER)] for k in range(10)]
        lab = []
        if i % 3 == 0:  # the frame sits in one sentence of eleven
            body.insert(i % 10, ECON[(i // 3) % len(ECON)])
            lab = ["economic"]
        texts.append(" ".join(body))
        labels.append(lab + ["other"])
    return texts, labels


def test_chunk_view_fits_saves_and_loads(tmp_path, hashing_encoder):
    X, y = _long_articles()
    clf = FrameClassifier(encoder=hashing_encoder, views=("chunk_max",), tfidf=False, inner_cv=3,
                          chunk_sentences=3, chunk_C=10.0, labels=["economic", "other"]).fit(X, y)
    assert clf.view_ == "chunk_max" and clf.chunk_coef_.shape == (2, clf.n_embedding_features_ // 2)
    new_pos = " ".join(FILLER[:6] + [ECON[1]] + FILLER[6:])
    p = clf.predict_proba([new_pos, " ".join(FILLER)])
    assert p[0, 0] > p[1, 0]
    out = clf.save(tmp_path / "m")
    assert json.loads((out / "config.json").read_text())["view_"] == "chunk_max"
    again = load_model(out, encoder=hashing_encoder)
    assert again.view_ == "chunk_max"
    assert np.allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    assert (again.predict(X) == clf.predict(X)).all()


def test_model_saved_before_views_loads_as_the_mean_view(tmp_path, hashing_encoder):
    X, y = _long_articles(24)
    clf = FrameClassifier(encoder=hashing_encoder, views=("mean",), tfidf=False, inner_cv=3).fit(X, y)
    out = clf.save(tmp_path / "old")
    cfg = json.loads((out / "config.json").read_text())
    for key in ("views", "chunk_sentences", "chunk_C", "threshold_prior"):
        cfg["params"].pop(key)
    cfg.pop("view_")
    (out / "config.json").write_text(json.dumps(cfg))
    again = load_model(out, encoder=hashing_encoder)
    assert again.view_ == "mean"
    assert np.allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_thresholds_shrink_towards_the_base_rate(hashing_encoder):
    X, y = _long_articles()
    kw = dict(encoder=hashing_encoder, views=("mean",), tfidf=False, inner_cv=3, labels=["economic", "other"])
    free = FrameClassifier(threshold_prior=0.0, **kw).fit(X, y)
    shrunk = FrameClassifier(threshold_prior=1e6, **kw).fit(X, y)
    assert abs(shrunk.thresholds_[0] - 1 / 3) < 1e-3  # economic: 12 of 36 articles
    assert abs(free.thresholds_[0] - shrunk.thresholds_[0]) > 1e-3
