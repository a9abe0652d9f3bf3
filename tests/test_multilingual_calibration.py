"""Per-language calibration of frame scores (framing.scoring.languages): frame anchors per
language from neutral background sentences translated into it, applied to articles by their
``language`` column.

Unit tests use small deterministic encoders; the acceptance tests use the real multilingual
encoder on the paired reports of tests/data/paired_multilingual.jsonl (the same report in
English, Urdu and Hindi, written for the tests)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.codebook import Codebook
from framing.corpus import Article
from framing.scoring import Calibration, ScoringSettings, fit_calibration, score_batch
from framing.scoring import languages as langcal
from framing.scoring.background import GENERIC_SENTENCES
from framing.scoring.prototype import calibrate

PAIRED = Path(__file__).parent / "data" / "paired_multilingual.jsonl"
SIEGE_OR_PROXY = {"state_under_siege": 1, "state_proxy": -1}

BOOK = Codebook.from_dict({"id": "tiny", "name": "tiny", "frames": [
    {"id": "attack", "prototypes": ["militants attacked the police post", "a bomb attack killed soldiers"]},
    {"id": "talks", "prototypes": ["the ministers held peace talks", "diplomats agreed to resume dialogue"]},
]})


def _bag(text: str, dim: int) -> np.ndarray:
    out = np.zeros(dim, dtype=np.float64)
    for word in re.findall(r"[a-z]+", text.lower()):
        h = int(hashlib.md5(word.encode()).hexdigest(), 16)
        out[h % dim] += 1.0 if (h >> 8) % 2 else -1.0
    return out


class TranslatingEncoder:
    """A tiny 'multilingual' encoder: a text in ``translations`` (text -> (English original,
    language)) gets ``shrink`` times its original's bag-of-words vector plus a component on a
    dimension of its own language, so every cosine to an English text is ``shrink`` times the
    original's; any other text is an English bag of words."""

    model_id = "test-translating"
    dim = 40
    languages = ("ur", "hi", "ru", "fa", "ps")

    def __init__(self, translations: dict[str, tuple[str, str]], shrink: float = 0.8):
        self.translations = translations
        self.shrink = shrink

    def encode(self, sentences, show_progress=False):
        out = np.zeros((len(sentences), self.dim + len(self.languages)), dtype=np.float64)
        for i, text in enumerate(sentences):
            if text in self.translations:
                original, lang = self.translations[text]
                v = _bag(original, self.dim)
                v = v / (np.linalg.norm(v) or 1.0)
                out[i, :self.dim] = self.shrink * v
                out[i, self.dim + self.languages.index(lang)] = np.sqrt(1 - self.shrink ** 2)
            else:
                out[i, :self.dim] = _bag(text, self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return (out / norms).astype(np.float32)


def _background_translations() -> dict[str, tuple[str, str]]:
    return {t: (GENERIC_SENTENCES[i], lang) for lang in langcal.BACKGROUND_LANGUAGES
            for i, t in enumerate(langcal.background_sentences(lang))}


@pytest.fixture(autouse=True)
def _fresh_memo():
    langcal.clear_language_memo()
    yield
    langcal.clear_language_memo()


# ------------------------------------------------------------------ bundled sentences
@pytest.mark.parametrize("lang", langcal.BACKGROUND_LANGUAGES)
def test_background_sentences_are_one_translation_per_english_sentence(lang):
    from framing.language import detect_language

    sentences = langcal.background_sentences(lang)
    assert len(sentences) == len(GENERIC_SENTENCES) >= 30
    assert len(set(sentences)) == len(sentences)
    detected = [detect_language(s)[0] for s in sentences]
    assert np.mean([d == lang for d in detected]) >= 0.9, list(zip(sentences, detected))


def test_background_reader_refuses_unknown_languages_and_oversized_files(monkeypatch):
    from framing.safeio import UnsafeInputError

    with pytest.raises(ValueError, match="no background sentences for language 'xx'"):
        langcal.background_sentences("xx")
    langcal.background_sentences.cache_clear()
    monkeypatch.setattr(langcal, "BACKGROUND_MAX_BYTES", 100)
    try:
        with pytest.raises(UnsafeInputError, match="larger than the limit"):
            langcal.background_sentences("ur")
    finally:
        langcal.background_sentences.cache_clear()


# ------------------------------------------------------------------ anchors
def test_anchors_are_the_english_ones_through_a_linear_fit_and_need_alignment():
    rng = np.random.default_rng(0)
    en = rng.normal(size=(12, 6))
    en /= np.linalg.norm(en, axis=1, keepdims=True)
    aligned = 0.7 * en + 0.05 * rng.normal(size=en.shape) + 0.02  # each row near its own original
    shuffled = en[::-1].copy()                                     # each row near another sentence
    vectors = {"en": en, "ur": aligned, "hi": shuffled}

    def similarity(v):  # a stand-in for PrototypeScorer.sentence_similarity: two 'frames'
        return v[:, :2] - 0.1 * v[:, 2:3]

    lo, hi = np.array([0.2, 0.3]), np.array([0.6, 0.5])
    anchors, alignment, slope = langcal.language_anchors(similarity, vectors, lo, hi, ["a", "b"])
    assert alignment == {"ur": 1.0, "hi": 0.0}
    assert set(anchors) == {"ur"}                                  # hi is not aligned: English anchors
    s_en, s_ur = similarity(en.astype(np.float32)), similarity(aligned.astype(np.float32))
    x, y = s_en - s_en.mean(0), s_ur - s_ur.mean(0)
    b = (x * y).sum() / (x * x).sum()                              # one slope, pooled over frames
    assert slope["ur"] == pytest.approx(b, abs=1e-4) and 0.5 < b < 0.9
    for j, f in enumerate("ab"):
        expected = s_ur.mean(0)[j] + b * (np.array([lo[j], hi[j]]) - s_en.mean(0)[j])
        assert anchors["ur"][f] == pytest.approx(tuple(expected))
    with pytest.raises(ValueError, match="one translation per English sentence"):
        langcal.language_anchors(similarity, {"en": en, "ur": en[:5]}, lo, hi, ["a", "b"])
    with pytest.raises(ValueError, match="must include 'en'"):
        langcal.language_anchors(similarity, {"ur": en}, lo, hi, ["a", "b"])
    flipped = en.copy()
    flipped[:, 5] *= -1  # a 'language' whose similarities run the other way: a negative slope is refused
    sign = {True: 1.0, False: -1.0}
    negative = langcal.language_anchors(lambda v: v[:, :2] * sign[bool(np.isclose(v[0, 5], en[0, 5]))],
                                        {"en": en, "fa": flipped}, lo, hi, ["a", "b"])
    assert negative[0] == {} and negative[2]["fa"] < 0


def test_fit_calibration_with_a_fake_multilingual_encoder():
    enc = TranslatingEncoder(_background_translations(), shrink=0.8)
    cal = fit_calibration(None, BOOK, ScoringSettings(), enc)
    assert set(cal.language_anchors) == set(langcal.BACKGROUND_LANGUAGES)
    assert all(a == 1.0 for a in cal.language_alignment.values())
    # every cosine of a translation is 0.8 x its original's: slope 0.8 and anchors 0.8 x the English ones
    assert all(b == pytest.approx(0.8, abs=1e-4) for b in cal.language_slope.values())
    for lang, table in cal.language_anchors.items():
        for f, (lo, hi) in table.items():
            assert (lo, hi) == pytest.approx(tuple(0.8 * np.array(cal.frame_anchors[f])), abs=1e-5), (lang, f)
    en_only = fit_calibration(None, BOOK, ScoringSettings(), enc, languages=())
    assert en_only.language_anchors == {} and en_only.frame_anchors == cal.frame_anchors
    # only the languages asked for; a language without bundled sentences is ignored
    some = fit_calibration(None, BOOK, ScoringSettings(), enc, languages=["Urdu", "en", "de"])
    assert set(some.language_anchors) == {"ur"} and some.language_anchors["ur"] == cal.language_anchors["ur"]
    off = fit_calibration(None, BOOK, ScoringSettings(language_calibration=False), enc)
    assert off.language_anchors == {} and off.frame_anchors == cal.frame_anchors
    assert fit_calibration(None, BOOK, ScoringSettings(calibration="none"), enc).language_anchors == {}


def test_an_english_only_encoder_gets_no_anchors_of_other_languages(hashing_encoder):
    cal = fit_calibration(None, BOOK, ScoringSettings(), hashing_encoder)
    assert cal.language_anchors == {}
    assert max(cal.language_alignment.values()) < langcal.MIN_ALIGNMENT


_URDU_WORDS = ("ایک", "دو", "تین")


def _articles(enc: TranslatingEncoder) -> list[Article]:
    """Two English articles, an 'Urdu' translation of each (placeholder sentences that the
    encoder maps to the English ones) and an English article without a language column."""
    english = ["Militants attacked the police post at night. Six soldiers were killed.",
               "The ministers held peace talks in the capital. They agreed to resume dialogue."]
    out = []
    for i, text in enumerate(english):
        out.append(Article(f"a{i}-en", "X", None, "", text, extra={"language": "en"}))
        sentences = re.findall(r"[^.]+\.", text)
        placeholders = [f"خبر {_URDU_WORDS[i]} جملہ {_URDU_WORDS[j]} ہے۔" for j in range(len(sentences))]
        urdu = " ".join(placeholders)
        for placeholder, s in zip(placeholders, sentences):
            enc.translations[placeholder] = (s.strip(), "ur")
        out.append(Article(f"a{i}-ur", "Y", None, "", urdu, extra={"language": "Urdu"}))
    out.append(Article("a9", "Z", None, "", english[0]))  # no language column: English anchors
    return out


def test_urdu_articles_are_calibrated_with_shifted_anchors_and_english_is_unchanged():
    enc = TranslatingEncoder(_background_translations(), shrink=0.6)
    articles = _articles(enc)
    s, plain = ScoringSettings(), ScoringSettings(language_calibration=False)
    cal = fit_calibration(None, BOOK, s, enc)
    scores, _, comp = score_batch(articles, BOOK, s, cal, enc)
    before, _, _ = score_batch(articles, BOOK, plain, fit_calibration(None, BOOK, plain, enc), enc)
    scores, before = scores.set_index("article_id"), before.set_index("article_id")
    english = ["a0-en", "a1-en", "a9"]
    pd.testing.assert_frame_equal(scores.loc[english], before.loc[english])
    raw = comp[comp["component"] == "embedding_raw"].pivot(index="article_id", columns="target", values="value")
    frames = ["attack", "talks"]
    lo = np.array([cal.language_anchors["ur"][f][0] for f in frames])
    hi = np.array([cal.language_anchors["ur"][f][1] for f in frames])
    for art in ("a0-ur", "a1-ur"):
        r = raw.loc[art, frames].to_numpy()
        emb = comp[(comp["article_id"] == art) & (comp["component"] == "embedding")].set_index("target")["value"]
        np.testing.assert_allclose(emb[frames], calibrate(r[None], lo, hi, 6.0)[0])
    # a translation scores at least as near its original as without its own anchors, on its own frame;
    # the attack report falls from on-frame in English to off-frame in 'Urdu' without them
    for i, frame in ((0, "frame:attack"), (1, "frame:talks")):
        en, ur, ur_before = scores.loc[f"a{i}-en", frame], scores.loc[f"a{i}-ur", frame], before.loc[f"a{i}-ur", frame]
        assert abs(en - ur) <= abs(en - ur_before), (frame, en, ur, ur_before)
    assert before.loc["a0-ur", "frame:attack"] < 0.1 < 0.9 < scores.loc["a0-ur", "frame:attack"]
    assert before.loc["a0-ur", "off_topic"] and not scores.loc["a0-ur", "off_topic"]


def test_a_calibration_with_language_anchors_round_trips_and_an_old_one_loads():
    enc = TranslatingEncoder(_background_translations())
    cal = fit_calibration(None, BOOK, ScoringSettings(), enc)
    again = Calibration.from_dict(json.loads(cal.to_json()))
    assert again == cal
    old = cal.to_dict()
    del old["language_anchors"], old["language_alignment"], old["language_slope"]
    legacy = Calibration.from_dict(old)
    assert legacy.language_anchors == {} and legacy.language_alignment == {}
    legacy.check(BOOK, enc.model_id, ScoringSettings())  # the default settings still match it
    articles = _articles(enc)
    scores, _, _ = score_batch(articles, BOOK, ScoringSettings(), legacy, enc)
    plain = ScoringSettings(language_calibration=False)
    before, _, _ = score_batch(articles, BOOK, plain, fit_calibration(None, BOOK, plain, enc), enc)
    pd.testing.assert_frame_equal(scores, before)  # no language anchors stored: the English ones for all


def test_the_setting_is_hashed_only_when_it_changes_scores():
    default = ScoringSettings()
    assert "language_calibration" in default.to_dict()
    assert ScoringSettings(language_calibration=False).sha256 != default.sha256
    data = default.to_dict()
    del data["language_calibration"]  # settings written before the setting existed
    assert ScoringSettings.from_dict(data).sha256 == default.sha256
    with pytest.raises(ValueError, match="language_calibration"):
        ScoringSettings(language_calibration="yes")


def test_the_engine_asks_for_the_languages_of_the_language_column():
    from framing.engines.run import _Source
    from framing.ingest import ingest
    from framing.store import Store

    articles = [Article("a", "X", None, "", "text", extra={"language": "Urdu"}),
                Article("b", "X", None, "", "text", extra={"language": "en"}), Article("c", "X", None, "", "text")]
    assert _Source(articles, 10).languages() == {"ur", "en"}
    with Store(":memory:") as store:
        ingest([PAIRED], store)
        assert _Source(store, 10).languages() == {"en", "ur", "hi"}


def test_docstring_examples_run():
    import doctest

    assert doctest.testmod(langcal).failed == 0


# ------------------------------------------------------------------ acceptance, real multilingual encoder
def _rows():
    return {r["id"]: r for r in (json.loads(line) for line in PAIRED.read_text(encoding="utf-8").splitlines()
                                 if line.strip())}


@pytest.fixture(scope="module")
def paired_runs():
    """The paired corpus scored with the multilingual encoder, with and without per-language
    calibration, and its English articles alone (one encoder and one embedding cache)."""
    import framing
    from framing.encoders import get_encoder
    from framing.store import Store

    encoder = get_encoder("multilingual")
    corpus = framing.load([PAIRED])
    english = corpus.subset([a.article_id for a in corpus if a.extra["language"] == "en"])
    with Store(":memory:") as store:
        runs = {
            "after": framing.analyse(corpus, encoder=encoder, store=store, events=False),
            "before": framing.analyse(corpus, encoder=encoder, store=store, events=False,
                                      settings=ScoringSettings(language_calibration=False)),
            "english": framing.analyse(english, encoder=encoder, store=store, events=False),
        }
    return runs


def _own_frame(result) -> pd.DataFrame:
    return _own(result, _rows())


@pytest.mark.slow
def test_urdu_and_hindi_are_on_topic_and_score_like_english(paired_runs):
    cal = paired_runs["after"].calibration
    assert set(cal.language_anchors) == {"ur", "hi"}  # the languages of this corpus
    assert min(cal.language_alignment.values()) >= langcal.MIN_ALIGNMENT
    assert all(0.5 < cal.language_slope[lang] < 0.9 for lang in ("ur", "hi")), cal.language_slope
    own = _own_frame(paired_runs["after"])
    before = _own_frame(paired_runs["before"])
    assert before.groupby("language")["off_topic"].sum().to_dict() == {"en": 0, "hi": 8, "ur": 8}
    # after: 0 of 16 Urdu and Hindi articles off topic but one, p6-hi (relevance 0.23; its English
    # version's is 0.50, its title drops the "army-backed" of the English one)
    flagged = own[own["off_topic"]]
    assert len(flagged) <= 1 and set(flagged["language"]) <= {"hi"}, flagged
    wide = own.pivot(index="pair", columns="language", values="score")
    gaps = (wide[["ur", "hi"]].sub(wide["en"], axis=0)).abs()
    assert (gaps <= 0.25).all().all(), wide.round(3).to_dict()
    wide_before = before.pivot(index="pair", columns="language", values="score")
    gaps_before = (wide_before[["ur", "hi"]].sub(wide_before["en"], axis=0)).abs()
    assert gaps.mean().max() < 0.15 < 0.35 < gaps_before.mean().min()


@pytest.mark.slow
def test_axis_signs_agree_across_languages(paired_runs):
    rows = _rows()
    axis = paired_runs["after"].scores.set_index("article_id")["axis:siege_vs_proxy"]
    for article_id, value in axis.items():
        expected = SIEGE_OR_PROXY.get(rows[article_id]["label"])
        if expected is not None:
            assert expected * value > -0.1, (article_id, value)
    pairs: dict[str, list[float]] = {}
    for article_id, value in axis.items():
        pairs.setdefault(rows[article_id]["pair"], []).append(value)
    strong = [v for v in pairs.values() if min(abs(x) for x in v) > 0.15]
    assert len(strong) >= 4 and all(len({np.sign(x) for x in v}) == 1 for v in strong)


@pytest.mark.slow
def test_english_scores_are_identical_with_and_without_language_calibration(paired_runs):
    def english(result):
        scores = result.scores
        return scores[scores["language"] == "en"].set_index("article_id").sort_index()

    after, before, alone = (english(paired_runs[k]) for k in ("after", "before", "english"))
    pd.testing.assert_frame_equal(after, before)
    # and the same frame scores as the English articles scored alone (axis columns can differ in the
    # last float32 digits with the batch's shape, with or without this change)
    frames = [c for c in alone.columns if c.startswith("frame:")] + ["relevance", "off_topic"]
    pd.testing.assert_frame_equal(after[frames], alone[frames])
    assert paired_runs["english"].calibration.language_anchors == {}
    comp = paired_runs["after"].components
    comp_before = paired_runs["before"].components
    ids = set(after.index)
    pd.testing.assert_frame_equal(comp[comp["article_id"].isin(ids)].reset_index(drop=True),
                                  comp_before[comp_before["article_id"].isin(ids)].reset_index(drop=True))


@pytest.mark.slow
def test_the_english_only_default_encoder_keeps_the_english_anchors(encoder):
    cal = fit_calibration(None, BOOK, ScoringSettings(), encoder)  # all five bundled languages
    assert cal.language_anchors == {}, cal.language_alignment
    assert max(cal.language_alignment.values()) < langcal.MIN_ALIGNMENT


MORE = Path(__file__).parent / "data" / "paired_multilingual_more.jsonl"


@pytest.fixture(scope="module")
def more_runs(tmp_path_factory):
    """Four reports in English, Russian, Persian and Pashto (tests/data/paired_multilingual_more.jsonl
    and their English versions), with and without per-language calibration."""
    import framing
    from framing.encoders import get_encoder
    from framing.store import Store

    more = [json.loads(line) for line in MORE.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = {r["pair"] for r in more}
    english = [r for r in _rows().values() if r["language"] == "en" and r["pair"] in pairs]
    path = tmp_path_factory.mktemp("more") / "more.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in english + more), encoding="utf-8")
    encoder = get_encoder("multilingual")
    corpus = framing.load([path])
    with Store(":memory:") as store:
        runs = {"rows": {r["id"]: r for r in english + more},
                "after": framing.analyse(corpus, encoder=encoder, store=store, events=False),
                "before": framing.analyse(corpus, encoder=encoder, store=store, events=False,
                                          settings=ScoringSettings(language_calibration=False))}
    return runs


def _own(result, rows) -> pd.DataFrame:
    scores = result.scores.set_index("article_id")
    return pd.DataFrame({"pair": [rows[a]["pair"] for a in scores.index],
                         "language": [rows[a]["language"] for a in scores.index],
                         "score": [scores.loc[a, f"frame:{rows[a]['label']}"] for a in scores.index],
                         "off_topic": scores["off_topic"].to_numpy()}, index=scores.index)


@pytest.mark.slow
def test_russian_persian_and_pashto_are_on_topic(more_runs):
    """Held out: the calibration rule was chosen on the Urdu and Hindi texts; these were scored after."""
    rows = more_runs["rows"]
    assert set(more_runs["after"].calibration.language_anchors) == {"ru", "fa", "ps"}
    own, before = _own(more_runs["after"], rows), _own(more_runs["before"], rows)
    assert before["off_topic"].sum() >= 10 and not own["off_topic"].any(), own
    wide, wide_before = (o.pivot(index="pair", columns="language", values="score") for o in (own, before))
    gaps = wide[["ru", "fa", "ps"]].sub(wide["en"], axis=0).abs()
    gaps_before = wide_before[["ru", "fa", "ps"]].sub(wide_before["en"], axis=0).abs()
    assert (gaps[["ru", "fa"]] <= 0.25).all().all(), wide.round(3).to_dict()
    # Pashto (slope 0.49, the flattest) stays further off: p1 0.43 against 0.84 in English
    assert (gaps.mean() < gaps_before.mean()).all() and gaps["ps"].mean() < 0.3
