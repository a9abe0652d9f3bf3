"""Actor roles: mentions with spans, given mentions kept row for row, dependency cues, and the
seed acceptance (Pakistan cast as victim by the Express Tribune op-ed, as villain by First Post)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from framing.codebook import Codebook
from framing.corpus import Article, Corpus
from framing.roles.mentions import anchor_mentions, find_mentions, read_mentions

ROLE_COLS = ["role:none", "role:protagonist", "role:antagonist", "role:innocent"]


@pytest.fixture(scope="module")
def book():
    return Codebook.load("south-asia-security")


def _article(aid, text, outlet="Daily Test"):
    return Article(article_id=aid, outlet=outlet, published=dt.date(2025, 1, 2), title="t", text=text)


TEXT_A = ("Gunmen from the BLA ambushed a bus near Quetta on Monday. Islamabad condemned the attack. "
          "The raw data was released later, and RAW denied any role.")


# ---------------------------------------------------------------------- mentions
def test_gazetteer_mentions_have_exact_spans_and_case_rules(book):
    found = find_mentions([_article("a", TEXT_A)], book, ner=False)
    spans = [(r.actor, TEXT_A[r.start:r.end]) for r in found.itertuples()]
    assert ("Balochistan Liberation Army", "BLA") in spans
    assert ("Pakistan", "Islamabad") in spans
    assert ("RAW", "RAW") in spans
    assert all(m != "raw" for _, m in spans), "acronyms match in their own case only"
    row = found[found["mention"] == "Islamabad"].iloc[0]
    assert row["part_of"] == "Pakistan"
    assert TEXT_A[row["sentence_start"]:row["sentence_end"]] == "Islamabad condemned the attack."
    isi = find_mentions([_article("b", "The ISI was blamed.")], book, ner=False)
    assert isi.iloc[0]["actor"] == "ISI" and isi.iloc[0]["part_of"] == "Pakistan"


def test_named_entities_join_the_gazetteer(book):
    text = "Maria Lopez, a nurse from Valencia, treated the wounded for two days."
    found = find_mentions([_article("a", text)], book, ner=True)
    ner = found[found["source"] == "ner"]
    assert "Maria Lopez" in set(ner["actor"])
    for r in ner.itertuples():
        assert text[r.start:r.end] == r.mention


def test_given_mentions_keep_one_row_each_in_order_with_reasons(book, tmp_path):
    texts = {"a": TEXT_A}
    shifted = TEXT_A.index("Islamabad") + 3
    given = pd.DataFrame({
        "article_id": ["a", "zzz", "a", "a", "a"],
        "start": [TEXT_A.index("RAW "), 0, 5000, shifted, "x"],
        "end": [TEXT_A.index("RAW ") + 3, 3, 5004, shifted + 9, 4],
        "mention": ["RAW", "BLA", "", "Islamabad", ""],
    })
    out = anchor_mentions(given, texts, book)
    assert len(out) == 5 and out["article_id"].tolist() == ["a", "zzz", "a", "a", "a"]
    assert out.loc[0, "reason"] == "" and out.loc[0, "actor"] == "RAW" and out.loc[0, "part_of"] == "India"
    assert out.loc[1, "reason"] == "article not found"
    assert "outside the text" in out.loc[2, "reason"]
    assert out.loc[3, "reason"] == "" and "re-anchored" in out.loc[3, "note"]
    assert TEXT_A[out.loc[3, "start"]:out.loc[3, "end"]] == "Islamabad"
    assert "not integers" in out.loc[4, "reason"]
    # the same as a CSV and as JSONL
    csv = tmp_path / "m.csv"
    given.to_csv(csv, index=False)
    jsonl = tmp_path / "m.jsonl"
    given.astype(str).to_json(jsonl, orient="records", lines=True)
    for path in (csv, jsonl):
        again = anchor_mentions(read_mentions(path), texts, book)
        assert again["reason"].astype(bool).tolist() == [False, True, True, False, True]


def test_read_mentions_names_missing_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("article_id,begin,end\na,1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="start"):
        read_mentions(path)
    with pytest.raises(ValueError, match="suffix|.txt"):
        read_mentions(tmp_path / "m.txt")


# ---------------------------------------------------------------------- cues
@pytest.mark.parametrize("sentence, mention, kind, lemma", [
    ("The army shelled the villages.", "army", "subject_of", "shell"),
    ("The villages were shelled by the army.", "army", "subject_of", "shell"),
    ("The militants shelled Ramnagar at dawn.", "Ramnagar", "object_of", "shell"),
    ("Officials accused Kestria of arming the rebels.", "Kestria", "object_of", "accuse"),
    ("Kestria's soldiers were killed in the ambush.", "Kestria", "object_of", "kill"),
    ("Kestria's crackdown on protesters drew criticism.", "Kestria", "possessor_of", "crackdown"),
    ("Volunteers from Kestria rescued the miners.", "Kestria", "locative", "from"),
])
def test_dependency_relations(sentence, mention, kind, lemma):
    from framing.roles.cues import relations
    from framing.roles.nlp import load_nlp

    doc = load_nlp()(sentence)
    s = sentence.index(mention)
    rels = relations(doc, s, s + len(mention))
    if kind == "locative":  # "from" is a source, not a place: it must NOT count as locative
        assert not any(k == "locative" for k, _, _ in rels), rels
    else:
        assert (kind, lemma) in {(k, m) for k, m, _ in rels}, rels


def test_mask_sentence_masks_every_span():
    from framing.roles.scoring import mask_sentence

    assert mask_sentence("Ab and Ab's men", [(0, 2), (7, 9)]) == "X and X's men"


# ---------------------------------------------------------------------- scoring
def test_roles_of_written_sentences_follow_the_cues(encoder):
    from framing.roles import score_roles

    text = ("Kestrian troops shelled the border villages of Ramnagar overnight. "
            "In Ramnagar, families buried their dead as the shelling went on. "
            "Doctors from Valoria rescued dozens of wounded children and protected the hospital.")
    cb = Codebook.from_dict({**Codebook.load("entity-roles").to_dict(), "entities": [
        {"name": "Kestria", "aliases": ["Kestrian troops"]}, {"name": "Ramnagar"},
        {"name": "Valoria", "aliases": ["Doctors from Valoria"]}]})
    rows = score_roles(Corpus([_article("k", text)]), cb, encoder=encoder, ner=False)
    role = dict(zip(rows["mention"], rows["role"]))
    assert role["Kestrian troops"] == "antagonist"
    assert role["Doctors from Valoria"] == "protagonist"
    assert rows[ROLE_COLS].sum(axis=1).round(6).eq(1).all()
    assert rows["fine_role:guardian"].notna().all()


def test_score_roles_with_given_mentions_one_row_each(encoder, book):
    from framing.roles import score_roles

    corpus = Corpus([_article("a", TEXT_A)])
    given = pd.DataFrame({"article_id": ["a", "missing", "a"], "start": [TEXT_A.index("BLA"), 0, 9999],
                          "end": [TEXT_A.index("BLA") + 3, 1, 10002]})
    rows = score_roles(corpus, book, encoder=encoder, mentions=given)
    assert len(rows) == 3
    assert rows.loc[0, "role"] in ("antagonist", "innocent", "protagonist", "none")
    assert rows.loc[0, "role"] == "antagonist"
    assert rows.loc[1, "reason"] and rows.loc[2, "reason"]
    assert rows.loc[[1, 2], "role"].isna().all() and rows.loc[[1, 2], ROLE_COLS].isna().all().all()


def test_seed_pakistan_victim_in_express_tribune_villain_in_first_post(encoder, book):
    import framing
    from framing.roles import score_roles
    from framing.roles.compare import role_evidence

    corpus = framing.load()
    rows = score_roles(corpus, book, encoder=encoder)
    pk = rows[rows["part_of"] == "Pakistan"]
    titles = {a.article_id: a.title for a in corpus.articles}
    et = next(a for a, t in titles.items() if t.startswith("India, ISKP and BLA"))
    fp = next(a for a, t in titles.items() if t.startswith("Pakistan's proxy war against Baloch"))
    et_rows, fp_rows = pk[pk["article_id"] == et], pk[pk["article_id"] == fp]
    assert len(et_rows) >= 5 and len(fp_rows) >= 4
    et_mean = et_rows[ROLE_COLS].mean()
    fp_mean = fp_rows[ROLE_COLS].mean()
    assert et_mean.idxmax() == "role:innocent", et_mean
    assert fp_mean.idxmax() == "role:antagonist", fp_mean
    assert et_rows["role"].value_counts().idxmax() == "innocent"
    assert fp_rows["role"].value_counts().idxmax() == "antagonist"
    # the sentences that say so
    ev = role_evidence(rows, actor="Pakistan", level="part_of", per_role=3)
    et_victim = ev[(ev["article_id"] == et) & (ev["role"] == "innocent")]["sentence"].tolist()
    fp_villain = ev[(ev["article_id"] == fp) & (ev["role"] == "antagonist")]["sentence"].tolist()
    assert any("undermin" in s or "destabilis" in s for s in et_victim), et_victim
    assert len(fp_villain) >= 2 and all("Pakistan" in s or "Islamabad" in s or "ISPR" in s for s in fp_villain)
    assert all(r.mention in r.sentence for r in rows.dropna(subset=["sentence"]).itertuples())


def test_roles_codebook_is_required(encoder):
    from framing.roles import score_roles

    with pytest.raises(ValueError, match="no roles"):
        score_roles(Corpus([_article("a", "x")]), "generic-frames", encoder=encoder)


def test_role_features_nan_for_unscorable(encoder, book):
    from framing.roles.scoring import role_features

    m = anchor_mentions(pd.DataFrame({"article_id": ["a"], "start": [0], "end": [3]}), {}, book)
    f = role_features(m, {}, book, encoder)
    assert not f.ok.any() and np.isnan(f.similarity).all()


def test_role_classifier_is_an_estimator():
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    from framing.roles.scoring import RoleClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = np.where(X[:, 0] > 0.5, "antagonist", np.where(X[:, 0] < -0.5, "innocent", "protagonist"))
    model = RoleClassifier(C=1.0)
    assert clone(model).get_params()["C"] == 1.0
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert model.fit(X, y) is model
    assert (model.predict(X) == y).mean() > 0.8
    assert RoleClassifier().fit(X, y).predict_proba(X).shape == (60, 3)
    with pytest.raises(ValueError, match="-1"):
        RoleClassifier(C=-1).fit(X, y)


def test_role_shares_and_differences_on_a_hand_table():
    from framing.roles.compare import role_differences, role_shares

    rows = pd.DataFrame({
        "actor": ["A"] * 8, "part_of": ["A"] * 8, "outlet": ["o1"] * 4 + ["o2"] * 4,
        "role": ["innocent"] * 4 + ["antagonist"] * 3 + ["innocent"],
        "role:none": 0.0, "role:protagonist": 0.0,
        "role:antagonist": [0.1] * 4 + [0.8] * 3 + [0.2], "role:innocent": [0.9] * 4 + [0.2] * 3 + [0.8],
    })
    shares = role_shares(rows, n_boot=200)
    o1 = shares[(shares["group"] == "o1") & (shares["role"] == "innocent")].iloc[0]
    o2 = shares[(shares["group"] == "o2") & (shares["role"] == "antagonist")].iloc[0]
    assert o1["share"] == 1.0 and o1["ci_low"] == 1.0 and o1["n"] == 4
    assert o2["share"] == 0.75 and o2["ci_low"] <= 0.75 <= o2["ci_high"]
    diffs = role_differences(rows, n_perm=200)
    d = diffs[diffs["role"] == "antagonist"].iloc[0]
    assert d["difference"] == pytest.approx(-0.75) and 0 < d["p_value"] <= 1 and d["q_value"] >= d["p_value"]
    # exact: 70 splits, C(8,4); |diff| >= 0.75 in 2*C(4,3)*... splits: p is small but not zero
    assert d["p_value"] < 0.2


def test_pronouns_and_short_names_attach_only_where_one_actor_fits():
    book = Codebook.load("south-asia-security")
    text = ("Pakistan said its forces repelled the raid. It blamed India for the violence. "
            "Imran Khan spoke later. Khan said he would not resign. "
            "India and Afghanistan met on Monday. It was cold in the capital.")
    found = find_mentions([Article("r1", "Outlet", None, "t", text)], book)
    rows = {(r.mention, r.start): r for r in found.itertuples()}
    its = rows[("its", text.index("its"))]
    assert (its.actor, its.source) == ("Pakistan", "coref") and "Pakistan" in its.note
    assert rows[("It", text.index("It blamed"))].actor == "Pakistan"
    khan = rows[("Khan", text.index("Khan said"))]
    assert khan.actor == "Imran Khan" and "short name" in khan.note
    assert rows[("he", text.index("he would"))].actor == "Imran Khan"
    # two states in the window: "It" is left alone
    assert ("It", text.index("It was")) not in rows
    plain = find_mentions([Article("r1", "Outlet", None, "t", text)], book, coref=False)
    assert "coref" not in set(plain["source"])
