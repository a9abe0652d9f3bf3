"""FrameClassifier: fit / predict / save / load round trip in a safe format (no pickle)."""

import json

import numpy as np
import pytest

from framing.codebook import Codebook
from framing.validate.supervised import FrameClassifier, cross_validate, load_model

CB = Codebook.from_dict({
    "id": "tiny", "name": "Tiny", "description": "",
    "frames": [
        {"id": "economic", "label": "Economic", "description": "", "prototypes": ["Costs, prices and jobs."],
         "lexicon": {"cost": 1, "tax": 1, "jobs": 1}},
        {"id": "conflict", "label": "Conflict", "description": "", "prototypes": ["The rivals clashed angrily."],
         "lexicon": {"clash": 1, "attack": 1}},
    ],
})
ECON = ["The tax on fuel raises the cost of living.", "Jobs and wages fell as prices rose.",
        "The budget cut costs and taxes.", "Factories closed and jobs were lost to rising costs.",
        "Prices of food and fuel went up again, a tax rise followed.", "The market lost money and wages fell."]
CONF = ["The rival parties clashed in parliament.", "Protesters attacked the police line.",
        "The two leaders traded insults and threats.", "Fighting broke out between the rival groups.",
        "The opposition accused the minister of lying.", "An attack on the rival camp left them angry."]


def _data():
    X = ECON + CONF + [ECON[0] + " " + CONF[0], ECON[1] + " " + CONF[1]]
    y = [["economic"]] * 6 + [["conflict"]] * 6 + [["economic", "conflict"]] * 2
    return X, y


def test_multilabel_fit_predict_save_load(tmp_path, hashing_encoder):
    X, y = _data()
    clf = FrameClassifier(encoder=hashing_encoder, codebook=CB, inner_cv=3, random_state=0).fit(X, y)
    assert clf.labels_ == ["conflict", "economic"]
    p = clf.predict_proba(["Taxes and the cost of jobs.", "The rivals clashed and attacked."])
    assert p.shape == (2, 2) and ((0 <= p) & (p <= 1)).all()
    assert p[0, 1] > p[0, 0] and p[1, 0] > p[1, 1]
    out = clf.save(tmp_path / "m")
    files = sorted(f.name for f in out.iterdir())
    assert files == ["config.json", "meta.json", "weights.safetensors"]
    for f in out.iterdir():  # safe format: no pickle anywhere
        assert not f.read_bytes().startswith(b"\x80")
    meta = json.loads((out / "meta.json").read_text())
    assert meta["labels"] == ["conflict", "economic"] and meta["codebook_id"] == "tiny"
    assert meta["encoder_id"] == "test-hashing-64" and meta["versions"]["scikit-learn"]
    again = load_model(out, encoder=hashing_encoder)
    texts = X + ["Nothing about anything here."]
    assert np.allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)
    assert (again.predict(texts) == clf.predict(texts)).all()
    assert again.predict_labels([CONF[0]]) == clf.predict_labels([CONF[0]])
    with pytest.raises(ValueError, match="not a framing model"):
        load_model(tmp_path)


def test_single_label_and_errors(hashing_encoder):
    X = ECON + CONF
    y = ["economic"] * 6 + ["conflict"] * 6
    clf = FrameClassifier(encoder=hashing_encoder, multi_label=False, tfidf=False, inner_cv=3).fit(X, y)
    p = clf.predict_proba(X)
    assert p.shape == (12, 2) and np.allclose(p.sum(axis=1), 1)
    assert (clf.predict(X) == np.array(y)).mean() >= 0.9
    with pytest.raises(ValueError, match="not in labels"):
        FrameClassifier(encoder=hashing_encoder, labels=["economic"], multi_label=False).fit(X, y)
    with pytest.raises(ValueError, match="units but y has"):
        FrameClassifier(encoder=hashing_encoder, multi_label=False).fit(X, y[:-1])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FrameClassifier(encoder=hashing_encoder).predict_proba(X)


def test_cross_validate_on_real_frac_slice(eval_dir, encoder):
    """Acceptance: the real model on 150 FrAC sentences of 3 frames beats chance clearly."""
    rows = [json.loads(line) for line in (eval_dir / "frac_sentences" / "sentences.jsonl").open()]
    keep = ["Economic", "Health_and_safety", "Cultural_identity"]
    rows = [r for r in rows if r["labels"][0] in keep][:150]
    X, y = [r["text"] for r in rows], [r["labels"][0] for r in rows]
    res = cross_validate(lambda: FrameClassifier(encoder=encoder, multi_label=False, C=0.3, inner_cv=3),
                         X, y, n_splits=3, n_boot=200, multi_label=False)
    assert res["macro"] > 0.6  # chance is ~0.33
    assert res["macro_lo"] <= res["macro"] <= res["macro_hi"]
    assert len(res["per_fold"]) == 3


# Written for this test (issue 13): the two lexicon matchers disagreed on it.
PROXY_SENTENCE = "Pakistan's proxies fought proxy wars; the ISI and ISIS."
PROXY_LEXICON = {"proxy": 1.0, "proxy war": 2.0, "isi": 1.0}


def test_supervised_lexicon_features_are_the_zero_shot_lexicon_rates():
    from framing.scoring import LexiconScorer
    from framing.validate.features import lexicon_rates

    rates, matches = LexiconScorer({"f": PROXY_LEXICON}).fit().scan([PROXY_SENTENCE])
    # 10 tokens (Pakistan, s, proxies, fought, proxy, wars, the, ISI, and, ISIS):
    # "proxies" counts for "proxy" (1), "proxy wars" for "proxy war" only (2, not also 1 for
    # "proxy"), "ISI" for "isi" (1), and "ISIS" for nothing: 4 per 10 tokens
    assert matches["text"].tolist() == ["proxies", "proxy wars", "ISI"]
    assert matches["term"].tolist() == ["proxy", "proxy war", "isi"]
    assert rates.tolist() == [[400.0]]
    # the classifiers' lexicon features are the same rates, log1p-scaled
    features = lexicon_rates([PROXY_SENTENCE], [PROXY_LEXICON])
    assert features.shape == (1, 1) and features[0, 0] == pytest.approx(np.log1p(400.0))


def test_supervised_prototype_features_are_the_prototype_scorer(hashing_encoder):
    from framing.embed import embed_documents
    from framing.scoring import PrototypeScorer
    from framing.segment import segment_texts
    from framing.validate.features import prototype_similarity

    docs = segment_texts(ECON[:3] + [CONF[0] + " " + CONF[1] + " " + CONF[5]])
    X = embed_documents(docs, hashing_encoder)
    protos = hashing_encoder.encode(["Costs, prices and jobs.", "Taxes rose.", "The rivals clashed angrily."])
    frame_of = np.array([0, 0, 1])
    got = prototype_similarity(X, protos, frame_of, n_frames=2, top_k=2)
    scorer = PrototypeScorer({"economic": protos[:2], "conflict": protos[2:]}, top_k=2, calibration="none").fit()
    sims = X.vectors @ protos.T  # by hand: best prototype of each frame per sentence
    per_frame = np.stack([sims[:, :2].max(axis=1), sims[:, 2]], axis=1)
    last = X.article_index == 3
    assert got.shape == (4, 4)
    np.testing.assert_allclose(got[:, 2:], scorer.raw_scores(X), atol=1e-6)  # top-k mean = the scorer's raw score
    np.testing.assert_allclose(got[3, :2], per_frame[last].max(axis=0), atol=1e-6)
    np.testing.assert_allclose(got[3, 2:], np.sort(per_frame[last], axis=0)[-2:].mean(axis=0), atol=1e-6)
