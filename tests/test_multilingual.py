"""Multilingual corpora: language per article, Urdu/Hindi segmentation, per-language lexicons,
the automatic multilingual encoder, cross-lingual events and scores, and transfer of a classifier
trained on English. The paired texts (tests/data/paired_multilingual.jsonl: eight invented reports,
each written for this test in English, Urdu and Hindi) are the acceptance data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framing.codebook import Codebook, CodebookError
from framing.language import choose_encoder, detect_language, normalise_language
from framing.segment import split_spans

PAIRED = Path(__file__).parent / "data" / "paired_multilingual.jsonl"
SIEGE_OR_PROXY = {"state_under_siege": 1, "state_proxy": -1}


def _rows():
    return [json.loads(line) for line in PAIRED.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------ language
@pytest.mark.parametrize("text, code", [
    ("Militants attacked a police post in Quetta on Monday night, killing six officers.", "en"),
    ("پیر کی رات کوئٹہ میں عسکریت پسندوں نے ایک چوکی پر حملہ کیا۔", "ur"),
    ("सोमवार रात क्वेटा में आतंकवादियों ने एक चौकी पर हमला किया।", "hi"),
    ("В понедельник вечером боевики напали на полицейский пост в Кветте.", "ru"),
    ("شبه‌نظامیان دوشنبه شب به یک پاسگاه پلیس در کویته حمله کردند.", "fa"),
])
def test_detect_language(text, code):
    got, confidence = detect_language(text)
    assert got == code
    assert 0.5 < confidence <= 1.0


def test_detect_language_without_letters_and_given_names():
    assert detect_language("2026-03-04 12:00") == ("und", 0.0)
    assert [normalise_language(v) for v in ("Urdu", "hin", "en-GB", "FA", None, "")] == ["ur", "hi", "en", "fa", "", ""]


def test_ingest_keeps_a_given_language_and_detects_the_rest(tmp_path):
    import framing

    path = tmp_path / "mixed.jsonl"
    rows = _rows()[:3]
    rows[0]["language"] = "English"  # given: normalised, confidence 1
    del rows[1]["language"]          # detected
    rows[2]["language"] = "Hindi"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    corpus = framing.load([path])
    got = {a.article_id: (a.extra["language"], a.extra["language_confidence"]) for a in corpus}
    assert got["p1-en"] == ("en", 1.0) and got["p1-hi"] == ("hi", 1.0)
    assert got["p1-ur"][0] == "ur" and got["p1-ur"][1] > 0.9
    assert set(corpus.to_frame()["language"]) == {"en", "ur", "hi"}


def test_choose_encoder():
    assert choose_encoder(None, {"en": 4}) == (None, "")
    chosen, note = choose_encoder(None, {"en": 4, "ur": 2, "hi": 1})
    assert chosen == "multilingual" and "ur 2" in note and "not all English" in note
    kept, warning = choose_encoder("minilm", {"en": 4, "ur": 2})
    assert kept == "minilm" and warning.startswith("warning:")
    assert choose_encoder("multilingual", {"ur": 3}) == ("multilingual", "")


# ------------------------------------------------------------------ segmentation
@pytest.mark.parametrize("text, expected", [
    ("حملہ ہوا۔حکام نے کہا کہ تحقیقات جاری ہیں؟ جی ہاں۔", ["حملہ ہوا۔", "حکام نے کہا کہ تحقیقات جاری ہیں؟", "جی ہاں۔"]),
    ("हमला हुआ। अधिकारियों ने कहा।जांच जारी है॥ ठीक", ["हमला हुआ।", "अधिकारियों ने कहा।", "जांच जारी है॥", "ठीक"]),
    ("Кремль заявил. Переговоры идут! Дальше", ["Кремль заявил.", "Переговоры идут!", "Дальше"]),
    ("تهران گفت. اسلام‌آباد پاسخ داد؟ بله", ["تهران گفت.", "اسلام‌آباد پاسخ داد؟", "بله"]),
    ("Dawn reported: پاکستان نے کہا۔ The army agreed.", ["Dawn reported: پاکستان نے کہا۔", "The army agreed."]),
])
def test_segmentation_of_other_scripts_keeps_exact_spans(text, expected):
    spans = split_spans(text)
    assert [text[s:e] for s, e in spans] == expected


# ------------------------------------------------------------------ codebook lexicons
def test_per_language_lexicon_and_flat_lexicon():
    book = Codebook.from_dict({"id": "t", "name": "t", "frames": [
        {"id": "a", "prototypes": ["x"], "lexicon": {"en": {"proxy war": 2}, "ur": ["پراکسی"]}},
        {"id": "b", "prototypes": ["y"], "lexicon": {"dialogue": 1.5}}]})
    a, b = book.frames
    assert a.lexicon == {"proxy war": 2.0, "پراکسی": 1.0} and set(a.lexicons) == {"en", "ur"}
    assert b.lexicon == {"dialogue": 1.5} and b.lexicons == {}
    again = Codebook.from_yaml(book.to_yaml())
    assert again.frames[0].lexicons == a.lexicons and again.sha256 == book.sha256
    with pytest.raises(CodebookError, match=r"frame 'a'.lexicon.ur"):
        Codebook.from_dict({"id": "t", "name": "t", "frames": [
            {"id": "a", "prototypes": ["x"], "lexicon": {"en": ["war"], "ur": {"جنگ": 20}}}]})


def test_builtin_codebook_matches_urdu_and_hindi_terms_and_aliases():
    from framing.codebook import compile_gazetteer
    from framing.scoring.lexicon import LexiconScorer

    book = Codebook.load("south-asia-security")
    siege = book.frame("state_under_siege")
    assert {"en", "ur", "hi"} <= set(siege.lexicons)
    scorer = LexiconScorer({f.id: f.lexicon for f in book.frames}).fit()
    urdu = "حکام نے بھارتی حمایت یافتہ دہشت گردوں کو ذمہ دار ٹھہرایا۔"
    hindi = "सेना पर जबरन गायब करने के आरोप हैं।"
    _, matches = scorer.scan([urdu, hindi])
    got = {(m.doc, m.frame, m.text) for m in matches.itertuples()}
    assert (0, "state_under_siege", "بھارتی حمایت یافتہ") in got
    assert (1, "state_proxy", "जबरन गायब") in got
    for m in matches.itertuples():  # evidence spans are exact
        assert [urdu, hindi][m.doc][m.start:m.end] == m.text
    names = {}
    for pattern, table in compile_gazetteer(book):
        for text in ("کوئٹہ میں پاک فوج", "क्वेटा में पाकिस्तानी सेना"):
            for hit in pattern.finditer(text):
                names.setdefault(text, set()).add(table.get(hit.group(0), table.get(hit.group(0).lower())))
    assert {"Balochistan", "Pakistan Army"} <= names["کوئٹہ میں پاک فوج"]
    assert {"Balochistan", "Pakistan Army"} <= names["क्वेटा में पाकिस्तानी सेना"]


# ------------------------------------------------------------------ acceptance, real multilingual encoder
@pytest.fixture(scope="module")
def paired_analysis():
    import framing

    return framing.analyse(framing.load([PAIRED]))


def test_mixed_corpus_gets_the_multilingual_encoder_and_a_language_column(paired_analysis):
    result = paired_analysis
    assert result.encoder_id.startswith("multilingual-e5-small")
    assert "not all English" in result.engine["encoder_note"]
    scores = result.scores
    assert scores.set_index("article_id")["language"].to_dict() == {r["id"]: r["language"] for r in _rows()}


def test_the_same_report_in_three_languages_is_one_event(paired_analysis):
    scores = paired_analysis.scores.assign(pair=lambda d: d["article_id"].str.split("-").str[0])
    per_pair = scores.groupby("pair")["event_id"].nunique()
    assert (per_pair == 1).all(), per_pair.to_dict()
    assert scores.groupby("event_id")["pair"].nunique().max() == 1  # and distinct reports stay apart
    assert scores["event_id"].nunique() == 8


def test_axis_positions_agree_in_sign_across_languages(paired_analysis):
    rows = {r["id"]: r for r in _rows()}
    axis = paired_analysis.scores.set_index("article_id")["axis:siege_vs_proxy"]
    by_language = {"en": [], "ur": [], "hi": []}
    for article_id, value in axis.items():
        expected = SIEGE_OR_PROXY.get(rows[article_id]["label"])
        if expected is None:
            continue
        assert expected * value > -0.1, (article_id, value)  # never clearly on the other pole
        by_language[rows[article_id]["language"]].append(expected * value)
    for language, values in by_language.items():
        assert np.mean(values) > 0.25, (language, values)
    pairs = {}
    for article_id, value in axis.items():
        pairs.setdefault(rows[article_id]["pair"], []).append(value)
    strong = [v for v in pairs.values() if min(abs(x) for x in v) > 0.15]
    assert len(strong) >= 4 and all(len({np.sign(x) for x in v}) == 1 for v in strong)


def test_classifier_trained_on_english_keeps_70_percent_of_its_f1():
    from framing.validate import crosslingual_transfer

    rows = _rows()
    table = crosslingual_transfer([r["title"] + ". " + r["text"] for r in rows], [r["label"] for r in rows],
                                  [r["language"] for r in rows], [r["pair"] for r in rows], encoder="multilingual")
    by = table.set_index("language")
    assert by.loc["en", "macro_f1"] >= 0.8
    assert by.loc["ur", "ratio_to_source"] >= 0.7 and by.loc["hi", "ratio_to_source"] >= 0.7, table.to_dict()


def test_cli_analyse_says_why_it_chose_the_multilingual_encoder(tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from framing.cli import app

    corpus = tmp_path / "p1.jsonl"
    corpus.write_text("\n".join(json.dumps({k: v for k, v in r.items() if k != "language"}, ensure_ascii=False)
                                for r in _rows()[:3]), encoding="utf-8")
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(app, ["analyse", str(corpus), "--out", str(out), "--no-cache", "-q"])
    assert res.exit_code == 0, res.output
    assert "using the 'multilingual' encoder" in res.output
    scores = pd.read_csv(out)
    assert list(scores["language"]) == ["en", "ur", "hi"] and scores["event_id"].nunique() == 1


def test_cli_compare_by_language_with_a_language_filter(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    corpus = tmp_path / "p12.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _rows() if r["pair"] in ("p1", "p2")),
                      encoding="utf-8")
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", str(corpus), "--by", "language", "-l", "ur", "-l", "English",
                                   "--no-cache", "--n-boot", "50", "--n-perm", "50", "--out", str(out), "-f", "csv"])
    # (Urdu articles are on topic: their frame scores are calibrated on Urdu background sentences)
    assert res.exit_code == 0, res.output
    import pandas as pd

    means = pd.read_csv(out / "means.csv")
    assert set(means["group"]) == {"en", "ur"}  # grouped by language; Hindi left out by the filter
    res = CliRunner().invoke(app, ["compare", str(corpus), "-l", "ps", "--no-cache"])
    assert res.exit_code == 1 and "no article in language(s) ps" in res.output and "hi (2)" in res.output


def test_a_stored_corpus_knows_its_languages_and_gets_the_multilingual_encoder():
    from framing.engines.run import _choose_encoder, _Source
    from framing.ingest import ingest
    from framing.store import Store

    with Store(":memory:") as store:
        ingest([PAIRED], store)
        assert store.language_counts() == {"en": 8, "ur": 8, "hi": 8}
        chosen, note = _choose_encoder(_Source(store, 10), None)
        assert chosen == "multilingual" and "hi 8" in note
        assert _choose_encoder(_Source(store, 10), "static")[1].startswith("warning:")
