"""``framing train-roles``: coded mentions (hero/villain/victim labels mapped to role ids), a
RoleClassifier with 5-fold CV figures, saved as safetensors + JSON and loaded back with the same
probabilities, and ``framing roles --model DIR``."""

from __future__ import annotations

import csv
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.codebook import Codebook
from framing.corpus import Article, Corpus

# Invented towns and actors; each sentence casts its actor in one role.
SENTENCES = {
    "hero": [
        "The Varn rescue brigade pulled twelve children from the flooded school.",
        "Doctor Amel Rusk treated the wounded through the night without rest.",
        "The Orsk volunteers rebuilt the bridge and brought food to the stranded villages.",
        "Captain Lera Voss defended the hospital and led the patients to safety.",
        "The Talwin council protected the refugees and gave them shelter.",
        "Mayor Ivo Brandt negotiated the ceasefire that saved the harbour.",
    ],
    "villain": [
        "The Keth militia shelled the market and burned the granaries.",
        "General Odo Marr ordered the massacre of the prisoners.",
        "The Drask cartel bribed the judges and smuggled weapons to the gangs.",
        "Commander Rael Tusk bombed the villages and looted the homes.",
        "The Morva syndicate poisoned the river to drive the farmers out.",
        "Warlord Ceth Annor kidnapped the reporters and tortured them.",
    ],
    "victim": [
        "The Pell farmers lost their homes when the dam burst.",
        "The Ostra families were driven from their land and left without food.",
        "Teacher Mina Solt was wounded in the attack on the school.",
        "The Varro fishermen were killed when the boat was shelled.",
        "The Lisk refugees starved in the camp after the aid was blocked.",
        "Nurse Tova Hale was abducted and held for months.",
    ],
}
ACTORS = {
    "The Varn rescue brigade": "hero", "Doctor Amel Rusk": "hero", "The Orsk volunteers": "hero",
    "Captain Lera Voss": "hero", "The Talwin council": "hero", "Mayor Ivo Brandt": "hero",
    "The Keth militia": "villain", "General Odo Marr": "villain", "The Drask cartel": "villain",
    "Commander Rael Tusk": "villain", "The Morva syndicate": "villain", "Warlord Ceth Annor": "villain",
    "The Pell farmers": "victim", "The Ostra families": "victim", "Teacher Mina Solt": "victim",
    "The Varro fishermen": "victim", "The Lisk refugees": "victim", "Nurse Tova Hale": "victim",
}


def _coded(tmp_path):
    """Three articles (one per outlet) mixing the roles, and the coded mentions CSV."""
    articles, rows = [], []
    for k in range(3):
        sentences = [SENTENCES[label][i] for i in range(k * 2, k * 2 + 2) for label in ("hero", "villain", "victim")]
        text = " ".join(sentences)
        aid = f"c{k}"
        articles.append({"id": aid, "outlet": f"Outlet {k}", "date": "2025-02-0%d" % (k + 1), "title": f"T{k}",
                         "text": text})
        for actor, label in ACTORS.items():
            at = text.find(actor)
            if at >= 0:
                rows.append([aid, at, at + len(actor), actor, label])
    corpus = tmp_path / "articles.jsonl"
    pd.DataFrame(articles).to_json(corpus, orient="records", lines=True)
    labels = tmp_path / "coded.csv"
    with labels.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["article_id", "start", "end", "mention", "role"])
        w.writerows(rows)
    return corpus, labels, articles


def test_read_coded_mentions_maps_labels_and_names_bad_rows(tmp_path):
    from framing.roles.training import read_coded_mentions

    _, labels, _ = _coded(tmp_path)
    book = Codebook.load("entity-roles")
    coded = read_coded_mentions(labels, book)
    assert len(coded) == 18
    assert set(coded["role"]) == {"protagonist", "antagonist", "innocent"}
    assert coded.loc[coded["label"] == "villain", "role"].eq("antagonist").all()
    bad = tmp_path / "bad.csv"
    bad.write_text("article_id,start,end,role\nc0,0,3,hero\nc0,4,9,sidekick\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 2.*'sidekick'"):
        read_coded_mentions(bad, book)
    nolabel = tmp_path / "nolabel.csv"
    nolabel.write_text("article_id,start,end\nc0,0,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'role' column"):
        read_coded_mentions(nolabel, book)


def test_fit_save_load_gives_the_same_probabilities(tmp_path, hashing_encoder):
    from framing.roles.training import (coded_features, load_role_model, read_coded_mentions, save_role_model,
                                        train_role_model)

    _, labels, articles = _coded(tmp_path)
    book = Codebook.load("entity-roles")
    corpus = Corpus([Article(a["id"], a["outlet"], None, a["title"], a["text"]) for a in articles])
    coded = read_coded_mentions(labels, book)
    model, report = train_role_model(corpus, book, coded, hashing_encoder, C=0.1)
    assert report["n_used"] == 18 and report["cv"]["n_splits"] == 5
    assert set(report["cv"]["per_role"]) == {"protagonist", "antagonist", "innocent"}
    lo, hi = report["cv"]["macro_f1_ci"]
    assert 0 <= lo <= report["cv"]["macro_f1"] <= hi <= 1
    path = save_role_model(model, tmp_path / "model")
    assert {p.name for p in path.iterdir()} == {"weights.safetensors", "config.json", "meta.json"}
    meta = json.loads((path / "meta.json").read_text())
    assert meta["versions"]["scikit-learn"] and meta["encoder_id"] == hashing_encoder.model_id
    assert meta["cv"]["macro_f1"] == report["cv"]["macro_f1"]
    loaded = load_role_model(path)
    features, _, _ = coded_features(corpus, book, coded, hashing_encoder)
    X = features.matrix()[features.ok]
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), rtol=0, atol=1e-12)
    assert list(loaded.classes_) == list(model.classes_)
    assert (loaded.predict(X) == model.predict(X)).all()
    # fitted on these mentions, the model reproduces most of their roles
    assert (model.predict(X) == coded["role"].to_numpy()[features.ok]).mean() > 0.8


def test_load_refuses_pickles_and_other_folders(tmp_path, hashing_encoder):
    from framing.roles.training import load_role_model

    with pytest.raises(ValueError, match="not a role model directory"):
        load_role_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"format": "framing.FrameClassifier"}))
    with pytest.raises(ValueError, match="not a role model"):
        load_role_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"format": "framing.RoleClassifier", "classes": ["a", "b"],
                                                      "n_features_in": 2, "params": {}, "C_": 1.0}))
    (tmp_path / "weights.safetensors").write_bytes(pickle.dumps({"mean": [0, 0]}))
    with pytest.raises(ValueError, match="never unpickles"):
        load_role_model(tmp_path)


def test_cli_train_roles_then_roles_with_the_model(tmp_path):
    corpus, labels, articles = _coded(tmp_path)
    out = tmp_path / "role-model"
    result = CliRunner().invoke(app, ["train-roles", str(labels), "--codebook", "entity-roles", "--corpus",
                                      str(corpus), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "5-fold CV on 18 mention(s): macro-F1" in result.output and "95% CI" in result.output
    for role in ("protagonist", "antagonist", "innocent"):
        assert f"F1 {role}:" in result.output
    assert (out / "weights.safetensors").is_file()
    table = tmp_path / "roles.csv"
    scored = CliRunner().invoke(app, ["roles", str(corpus), "--codebook", "entity-roles", "--mentions", str(labels),
                                      "--model", str(out), "--out", str(table), "--no-cache"])
    assert scored.exit_code == 0, scored.output
    rows = pd.read_csv(table)
    coded = pd.read_csv(labels)
    assert len(rows) == len(coded) and rows["start"].tolist() == coded["start"].tolist()
    mapped = coded["role"].map({"hero": "protagonist", "villain": "antagonist", "victim": "innocent"})
    assert (rows["role"] == mapped).mean() > 0.8  # a model fitted on these mentions
    assert (rows["role:none"] == 0).all()  # no 'none' in the training codes
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["model"]["kind"] == "framing.RoleClassifier"
    wrong = CliRunner().invoke(app, ["roles", str(corpus), "--codebook", "entity-roles", "--model", str(tmp_path)])
    assert wrong.exit_code == 1 and "not a role model directory" in wrong.output
