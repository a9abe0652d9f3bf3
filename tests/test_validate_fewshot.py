"""Few-shot (SetFit-style) fine-tuning: a few steps on a tiny set, save/load round trip."""

import json

import numpy as np
import pytest

from framing.validate.fewshot import FewShotClassifier, make_pairs

ECON = ["The tax on fuel raises the cost of living.", "Jobs and wages fell as prices rose.",
        "The budget cut costs and taxes.", "Factories closed and jobs were lost to rising costs.",
        "Food and fuel prices went up again.", "The stock market lost money and wages fell."]
HEALTH = ["Hospitals are full of patients with the flu.", "The vaccine protects children from measles.",
          "Doctors warned about the risk of heart disease.", "Nurses treated the injured in the clinic.",
          "Smoking causes cancer and lung disease.", "The outbreak infected hundreds of people."]


def test_make_pairs_targets():
    rng = np.random.default_rng(0)
    sets = [frozenset({"a"}), frozenset({"a", "b"}), frozenset({"b"}), frozenset()]
    pairs = make_pairs(sets, 200, rng)
    assert len(pairs) == 200
    for i, j, t in pairs:
        union = sets[i] | sets[j]
        assert t == (len(sets[i] & sets[j]) / len(union) if union else 1.0)
    assert any(t == 1.0 for *_, t in pairs) and any(t == 0.0 for *_, t in pairs)


@pytest.mark.slow
def test_fewshot_fit_save_load(tmp_path):
    X = ECON + HEALTH
    y = ["economic"] * 6 + ["health"] * 6
    clf = FewShotClassifier(multi_label=False, batch_size=4, max_steps=4, head_params={"inner_cv": 3},
                            tfidf=False, random_state=0)
    clf.fit(X, y)
    info = clf.encoder_.training_
    assert info["steps"] == 4 and info["loss"] == "CosineSimilarityLoss"
    assert clf.encoder_.model_id.startswith("st-finetuned:")
    p = clf.predict_proba(["Unemployment and inflation hurt workers.", "The patients recovered in hospital."])
    assert p.shape == (2, 2)
    assert p[0].argmax() == clf.labels_.index("economic") and p[1].argmax() == clf.labels_.index("health")
    out = clf.save(tmp_path / "fs")
    assert (out / "encoder" / "model.safetensors").exists()
    assert not list(out.rglob("*.bin")) and not list(out.rglob("*.pkl"))
    meta = json.loads((out / "meta.json").read_text())
    assert meta["mode"] == "fewshot" and meta["fine_tuning"]["steps"] == 4
    from framing.validate.supervised import load_model

    again = load_model(out)
    from framing.encoders import SentenceTransformerEncoder

    # the fine-tuned encoder is the ordinary transformer encoder on the saved folder
    assert isinstance(again.encoder, SentenceTransformerEncoder) and again.encoder.path_ == out / "encoder"
    assert again.encoder_id_ == again.encoder.model_id == clf.encoder_.model_id
    assert np.allclose(again.predict_proba(X[:3]), clf.predict_proba(X[:3]), atol=1e-4)


def test_base_model_names_resolve_or_fail_clearly(tmp_path):
    from framing.encoders import default_model_dir
    from framing.validate.fewshot import _base_model_dir

    assert _base_model_dir(None) == _base_model_dir("minilm") == default_model_dir()
    assert _base_model_dir(str(default_model_dir())) == default_model_dir()
    with pytest.raises(ValueError, match="expected 'minilm', 'mpnet' or a sentence-transformers folder"):
        _base_model_dir(tmp_path)
