"""Encoders: the int8 ONNX model agrees with torch, the static model is sane, and the
embedding cache keeps vectors of different encoders apart."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing.embed import embed_sentences
from framing.encoders import (
    ONNX_MODEL_ID,
    OnnxEncoder,
    StaticEncoder,
    default_threads,
    distil_static_model,
    get_encoder,
    is_model2vec_dir,
)
from framing.store import Store

# Written for this test (not from any corpus): short, long, numeric, non-ASCII, empty-ish.
OWN_SENTENCES = [
    "The provincial government announced a new security plan after the attack on the market.",
    "Officials blamed a foreign intelligence agency for funding the militants.",
    "Human rights groups said hundreds of activists had disappeared without trial.",
    "Prices of wheat flour rose by 12 percent in March, the statistics bureau said.",
    "The minister urged citizens to stay resilient in the face of terrorism.",
    "Critics accuse the army of using militant groups as proxies against separatists.",
    "Rain is expected across the north on Thursday.",
    "Kabul, Islamabad and Tehran held talks on border trade.",
    "¿Dónde está la estación? Ça va très bien — naïve café.",
    "ok",
    " ".join(["The long sentence keeps going with clauses about border security and trade"] * 40),
]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


@pytest.fixture(scope="module")
def onnx_encoder():
    return get_encoder("onnx")


@pytest.fixture(scope="module")
def static_encoder():
    # Distilled once per machine into the per-user cache (~25 s on an idle 2-core machine).
    return get_encoder("static")


def test_onnx_matches_torch_on_own_sentences(encoder, onnx_encoder):
    a = onnx_encoder.encode(OWN_SENTENCES)
    b = encoder.encode(OWN_SENTENCES)
    assert a.shape == b.shape == (len(OWN_SENTENCES), 384)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cos = _cosines(a, b)
    assert cos.mean() >= 0.999, cos
    assert cos.min() >= 0.995, cos


def test_onnx_matches_torch_on_real_sentences(encoder, onnx_encoder, eval_dir):
    path = eval_dir / "frac_sentences" / "sentences.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()][:100]
    assert len(texts) == 100
    cos = _cosines(onnx_encoder.encode(texts), encoder.encode(texts))
    assert cos.mean() >= 0.999, cos.mean()


def test_onnx_order_and_batching_do_not_change_vectors(onnx_encoder):
    one_by_one = np.vstack([onnx_encoder.encode([s]) for s in OWN_SENTENCES[:5]])
    batched = onnx_encoder.encode(OWN_SENTENCES[:5])
    np.testing.assert_allclose(one_by_one, batched, atol=1e-5)
    reversed_ = onnx_encoder.encode(OWN_SENTENCES[:5][::-1])[::-1]
    np.testing.assert_allclose(reversed_, batched, atol=1e-5)
    assert onnx_encoder.encode([]).shape == (0, 384)


def test_onnx_settings(onnx_encoder):
    assert onnx_encoder.model_id == ONNX_MODEL_ID
    assert onnx_encoder.max_length_ == 256  # the sentence-transformers config of the default model
    assert onnx_encoder.threads_ == default_threads()
    one = OnnxEncoder(threads=1, batch_size=4)
    np.testing.assert_allclose(one.encode(OWN_SENTENCES[:6]), onnx_encoder.encode(OWN_SENTENCES[:6]), atol=1e-5)
    assert one.threads_ == 1
    # constructors only store settings: bad ones fail on first use
    bad_batch, missing = OnnxEncoder(batch_size=0), OnnxEncoder(model_path="/nonexistent/model.onnx")
    with pytest.raises(ValueError, match="batch_size"):
        bad_batch.encode(["x"])
    with pytest.raises(ValueError, match="not found"):
        missing.encode(["x"])


def test_default_threads_env(monkeypatch):
    monkeypatch.setenv("FRAMING_NUM_THREADS", "1")
    assert default_threads() == 1
    monkeypatch.setenv("FRAMING_NUM_THREADS", "zero")
    with pytest.raises(ValueError, match="zero"):
        default_threads()
    monkeypatch.delenv("FRAMING_NUM_THREADS")
    assert 1 <= default_threads() <= (__import__("os").cpu_count() or 1)


def test_static_encoder_shape_norm_determinism(static_encoder):
    v = static_encoder.encode(OWN_SENTENCES)
    assert v.shape == (len(OWN_SENTENCES), 256)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(v, static_encoder.encode(OWN_SENTENCES))
    np.testing.assert_array_equal(v[2:4], static_encoder.encode(OWN_SENTENCES[2:4]))
    # it still carries meaning: the two "foreign sponsor / proxies" sentences are closer
    # to each other than to the weather forecast
    assert v[1] @ v[5] > v[1] @ v[6]
    assert static_encoder.model_id.startswith("model2vec:")
    assert static_encoder.encode([]).shape == (0, 256)


def test_static_model_is_cached_and_loadable_by_dir(static_encoder):
    path = distil_static_model()  # second call: the cached folder, no new distillation
    assert path == static_encoder.path_
    assert is_model2vec_dir(path)
    again = get_encoder(str(path))
    assert isinstance(again, StaticEncoder)
    assert again.model_id == static_encoder.model_id
    np.testing.assert_array_equal(again.encode(OWN_SENTENCES[:3]), static_encoder.encode(OWN_SENTENCES[:3]))


def test_get_encoder_rejects_unknown_names():
    with pytest.raises(ValueError, match="no-such-encoder"):
        get_encoder("no-such-encoder")
    not_static = StaticEncoder(model_dir="/")  # stores the setting; the check comes on first use
    with pytest.raises(ValueError, match="model2vec"):
        not_static.encode(["x"])


def test_cache_keys_keep_encoders_apart(encoder, onnx_encoder, static_encoder, hashing_encoder):
    ids = {encoder.model_id, onnx_encoder.model_id, static_encoder.model_id, hashing_encoder.model_id}
    assert len(ids) == 4
    texts = OWN_SENTENCES[:6]
    with Store(":memory:") as store:
        a = embed_sentences(texts, onnx_encoder, store)
        b = embed_sentences(texts, static_encoder, store)
        c = embed_sentences(texts, hashing_encoder, store)
        # read back from the cache: each encoder gets its own vectors, never another's
        np.testing.assert_allclose(embed_sentences(texts, onnx_encoder, store), a, atol=1e-6)
        np.testing.assert_allclose(embed_sentences(texts, static_encoder, store), b, atol=1e-6)
        calls = hashing_encoder.calls
        np.testing.assert_allclose(embed_sentences(texts, hashing_encoder, store), c, atol=1e-6)
        assert hashing_encoder.calls == calls
        # counts last: Store.embedding_count leaves a DuckDB result open (see report)
        assert store.embedding_count(onnx_encoder.model_id) == 6
        assert store.embedding_count(static_encoder.model_id) == 6
        assert store.embedding_count(hashing_encoder.model_id) == 6
        assert store.embedding_count() == 18
        assert a.shape[1] == 384 and b.shape[1] == 256


def test_onnx_gives_torch_axis_signs_and_frame_rankings_on_seed(encoder, onnx_encoder, seed_path):
    from framing.analysis import analyse
    from framing.ingest import load

    corpus = load([seed_path])
    torch_scores = analyse(corpus, encoder=encoder).scores
    onnx_scores = analyse(corpus, encoder=onnx_encoder).scores
    assert onnx_scores["article_id"].tolist() == torch_scores["article_id"].tolist()
    frames = [c for c in torch_scores.columns if c.startswith("frame:")]
    axes = [c for c in torch_scores.columns if c.startswith("axis:") and c.count(":") == 1]
    assert frames and axes
    for col in axes:
        np.testing.assert_array_equal(np.sign(onnx_scores[col]), np.sign(torch_scores[col]))
        assert np.abs(onnx_scores[col] - torch_scores[col]).max() < 0.05
    for i in range(len(torch_scores)):
        t = torch_scores.loc[i, frames].to_numpy(dtype=float)
        o = onnx_scores.loc[i, frames].to_numpy(dtype=float)
        # same order for every pair of frames that torch does not score as a tie (gap > 0.005)
        gap = t[:, None] - t[None, :]
        clear = np.abs(gap) > 0.005
        assert clear.sum() >= len(frames) * (len(frames) - 1) // 2, "too many ties to test the ranking"
        assert (np.sign(gap)[clear] == np.sign(o[:, None] - o[None, :])[clear]).all(), (i, t, o)


def test_encoders_load_on_first_use_and_pickle_without_weights(onnx_encoder):
    """Constructors store settings only; a pickle carries no weights; a copy shares the loaded model."""
    import pickle

    from framing.encoders import SentenceTransformerEncoder, default_model_dir
    from framing.encoders.base import weights_digest

    fresh = SentenceTransformerEncoder(default_model_dir(), batch_size=8)
    assert fresh._model is None and OnnxEncoder()._session is None and StaticEncoder()._path is None
    assert fresh.model_id == f"st:model-{weights_digest(default_model_dir())}"  # needs no loaded model
    assert fresh._model is None
    vectors = fresh.encode(OWN_SENTENCES[:3])
    for enc, dim in ((fresh, 384), (onnx_encoder, 384)):
        blob = pickle.dumps(enc)
        assert len(blob) < 10_000  # settings, not weights (the models are 22-90 MB)
        copy = pickle.loads(blob)
        assert copy.model_id == enc.model_id and copy.dim == dim
        np.testing.assert_allclose(copy.encode(OWN_SENTENCES[:3]), enc.encode(OWN_SENTENCES[:3]), atol=1e-6)
    copy = pickle.loads(pickle.dumps(fresh))
    assert copy.model is fresh.model  # one model per folder and process, however many objects
    np.testing.assert_array_equal(copy.encode(OWN_SENTENCES[:3]), vectors)
