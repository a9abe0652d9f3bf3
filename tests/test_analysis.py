"""analyse() and Analysis: contract, embedding cache, determinism, and the seed acceptance test."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from framing.analysis import Analysis, analyse
from framing.codebook import Codebook
from framing.corpus import Article, Corpus
from framing.ingest import load
from framing.scoring import ScoringSettings
from framing.scoring.background import GENERIC_SENTENCES
from framing.scoring.vectors import clear_codebook_memo
from framing.segment import split_spans
from framing.store import Store

from test_scoring_pipeline import CODEBOOK_YAML

SHARED = "Foreign agents fund militants who attack the nation."


@pytest.fixture
def corpus():
    texts = [
        f"{SHARED} The hostile neighbour denies it. Soldiers sacrificed their lives.",
        "The state uses militant proxies against dissidents. Security agencies sponsor armed groups.",
        f"{SHARED} The recipe needs flour and sugar.",
    ]
    return Corpus([Article(f"x{i}", ["A", "B", "A"][i], dt.date(2025, 1, 1 + i), f"T{i}", t)
                   for i, t in enumerate(texts)])


@pytest.fixture
def codebook():
    return Codebook.from_yaml(CODEBOOK_YAML)


def _codebook_texts(cb: Codebook) -> set[str]:
    out = set(cb.reference) | set(GENERIC_SENTENCES)
    for f in cb.frames:
        out |= set(f.prototypes) | set(f.counter_examples)
    return out


def _corpus_texts(corpus: Corpus) -> set[str]:
    return {a.text[s:e] for a in corpus for s, e in split_spans(a.text)}


def test_analysis_tables_follow_the_contract(corpus, codebook, hashing_encoder):
    stages = []
    result = analyse(corpus, codebook, encoder=hashing_encoder, progress=lambda *a: stages.append(a))
    assert isinstance(result, Analysis) and result.encoder_id == hashing_encoder.model_id
    s = result.scores
    assert s["article_id"].tolist() == corpus.ids
    assert s.columns[:10].tolist() == ["article_id", "outlet", "published", "title", "url", "event_id",
                                       "event_label", "storyline_id", "date_source", "relevance"]
    assert s["url"].tolist() == [a.url for a in corpus]
    assert s["event_id"].notna().all()                          # filled from framing.events
    assert s["event_label"].str.len().gt(0).all()
    assert s.filter(like="frame:").stack().between(0, 1).all()
    assert s["axis:siege_vs_proxy"].between(-1, 1).all()
    assert s["off_topic"].dtype == bool
    assert result.sentences.columns.tolist() == ["article_id", "sentence_index", "start", "end", "text"]
    assert len(result.sentences) == 7
    assert result.doc_vectors.shape == (3, hashing_encoder.dim)
    assert np.allclose(np.linalg.norm(result.doc_vectors, axis=1), 1.0, atol=1e-5)
    assert {st for st, _, _ in stages} >= {"calibrate", "score", "events"}
    score_stages = [st for st in stages if st[0] == "score"]
    assert score_stages[-1][1] == score_stages[-1][2] == 1      # partitions done / all
    m = result.manifest()
    assert m["codebook"]["sha256"] == codebook.sha256 and m["encoder"] == hashing_encoder.model_id
    assert m["settings"] == ScoringSettings().to_dict() and m["n_articles"] == 3
    long = result.long_table()
    assert set(long["kind"]) >= {"component", "sentence", "term"}


def test_each_sentence_is_embedded_once_without_a_store(corpus, codebook, hashing_encoder):
    clear_codebook_memo()
    analyse(corpus, codebook, encoder=hashing_encoder)
    expected = _corpus_texts(corpus) | _codebook_texts(codebook)
    assert hashing_encoder.sentences_encoded == len(expected)      # SHARED appears twice, encoded once


def test_store_cache_rescoring_and_second_codebook_embed_nothing_again(corpus, codebook, hashing_encoder,
                                                                        tmp_path):
    clear_codebook_memo()
    path = tmp_path / "cache.duckdb"
    with Store(path) as store:
        first = analyse(corpus, codebook, encoder=hashing_encoder, store=store)
    encoded = hashing_encoder.sentences_encoded
    assert encoded == len(_corpus_texts(corpus) | _codebook_texts(codebook))

    clear_codebook_memo()                                          # as in a new process
    with Store(path) as store:
        again = analyse(corpus, codebook, encoder=hashing_encoder, store=store)
    assert hashing_encoder.sentences_encoded == encoded
    pd.testing.assert_frame_equal(first.scores, again.scores)

    second = Codebook.from_yaml(CODEBOOK_YAML.replace("id: test-security", "id: second")
                                .replace("Soldiers sacrificed", "Troops gave"))
    new_texts = _codebook_texts(second) - _codebook_texts(codebook) - _corpus_texts(corpus)
    assert len(new_texts) == 1
    analyse(corpus, second, encoder=hashing_encoder, store=str(path))      # a path works too
    assert hashing_encoder.sentences_encoded == encoded + len(new_texts)   # no corpus sentence again


def test_analyse_is_deterministic(corpus, codebook, hashing_encoder):
    a = analyse(corpus, codebook, encoder=hashing_encoder)
    b = analyse(corpus, codebook, encoder=hashing_encoder)
    for name in ("scores", "evidence", "components", "sentences"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_export_and_bad_arguments(corpus, codebook, hashing_encoder, tmp_path):
    result = analyse(corpus, codebook, encoder=hashing_encoder)
    written = result.export(tmp_path / "out")
    comparison = [f"{t}.csv" for t in ("coverage", "differences", "distinctive_terms", "means", "prevalence")]
    assert sorted(p.name for p in written) == sorted(["events.csv", "evidence.csv", "manifest.json", "scores.csv"]
                                                     + comparison)
    back = pd.read_csv(tmp_path / "out" / "scores.csv")
    assert back["article_id"].tolist() == corpus.ids
    with pytest.raises(ValueError, match="encoder"):
        analyse(corpus, codebook, encoder=object())
    with pytest.raises(ValueError, match="corpus"):
        analyse(42, codebook, encoder=hashing_encoder)
    with pytest.raises(ValueError, match="unknown codebook"):
        analyse(corpus, "no-such-codebook", encoder=hashing_encoder)


def test_compare_runs_on_the_scores(corpus, codebook, hashing_encoder):
    pytest.importorskip("framing.compare")
    result = analyse(corpus, codebook, encoder=hashing_encoder)
    comparison = result.compare(by="outlet", n_boot=50, n_perm=50)
    assert "means" in comparison.tables


# ---------------------------------------------------------------------- acceptance (real model, seed)
@pytest.fixture(scope="module")
def seed_result(encoder, seed_path):
    return analyse(load([seed_path]), "south-asia-security", encoder=encoder)


def _row(result, title_start):
    scores = result.scores
    match = scores[scores["title"].str.startswith(title_start)]
    assert len(match) == 1, title_start
    return match.iloc[0]


def _top(result, article_id, pole, k=1):
    ev = result.evidence
    ev = ev[(ev.article_id == article_id) & (ev.target == "siege_vs_proxy") & (ev.pole == pole)]
    return ev.sort_values("rank")["text"].str.lower().tolist()[:k]


@pytest.mark.slow
def test_seed_siege_vs_proxy_axis(seed_result):
    oped = _row(seed_result, "India, ISKP and BLA")
    diplomacy = _row(seed_result, "Diplomacy in overdrive")
    firstpost = _row(seed_result, "Pakistan's proxy war against Baloch")
    dagestan = _row(seed_result, "Three police officers killed")
    axis = "axis:siege_vs_proxy"
    assert oped[axis] > 0 and diplomacy[axis] > 0
    assert firstpost[axis] < 0
    relevance = seed_result.scores.set_index("article_id")[f"{axis}:relevance"]
    assert relevance.idxmin() == dagestan["article_id"]
    for row in (oped, diplomacy, firstpost):
        assert row[f"{axis}:lo"] <= row[axis] <= row[f"{axis}:hi"]


@pytest.mark.slow
def test_seed_axis_evidence_is_what_a_reader_would_pick(seed_result):
    oped = _row(seed_result, "India, ISKP and BLA")
    firstpost = _row(seed_result, "Pakistan's proxy war against Baloch")
    siege_top = _top(seed_result, oped["article_id"], "a")[0]
    assert any(w in siege_top for w in ("hybrid", "raw", "foreign", "external", "india", "backing"))
    proxy_top3 = _top(seed_result, firstpost["article_id"], "b", k=3)
    assert any(w in proxy_top3[0] for w in ("proxy", "proxies", "iskp", "baloch", "extremist"))
    assert all(any(w in s for w in ("proxy", "proxies", "iskp", "baloch", "extremist", "state")) for s in proxy_top3)
    # the siege evidence of the First Post piece must not outweigh its proxy evidence
    ev = seed_result.evidence
    fp = ev[(ev.article_id == firstpost["article_id"]) & (ev.target == "siege_vs_proxy")]
    assert fp.loc[fp.pole == "b", "value"].abs().sum() > fp.loc[fp.pole == "a", "value"].abs().sum()


@pytest.mark.slow
def test_seed_frames_are_sensible(seed_result):
    frames = [c for c in seed_result.scores.columns if c.startswith("frame:")]

    def top_frame(title):
        return _row(seed_result, title)[frames].astype(float).idxmax()

    assert top_frame("Pakistan ranks seventh in civilian harm") == "frame:civilian_harm"
    assert top_frame("Diplomacy in overdrive") == "frame:diplomacy_deescalation"
    oped = _row(seed_result, "India, ISKP and BLA")
    assert oped["frame:state_under_siege"] > oped["frame:state_proxy"]
    assert not seed_result.scores["off_topic"].any()


def test_reference_corpus_calibration(corpus, codebook, hashing_encoder):
    from framing.scoring import fit_calibration

    settings = ScoringSettings(calibration="corpus", axis_baseline="corpus")
    reference = fit_calibration(corpus.articles, codebook, settings, hashing_encoder)
    small = corpus.subset(["x0"])
    result = analyse(small, codebook, encoder=hashing_encoder, settings=settings, calibration=reference)
    full = analyse(corpus, codebook, encoder=hashing_encoder, settings=settings)
    # scored against the reference background, x0 gets the same numbers as inside the full corpus
    pd.testing.assert_frame_equal(result.scores.drop(columns="event_id"),
                                  full.scores.drop(columns="event_id").iloc[[0]].reset_index(drop=True))
    assert result.manifest()["calibration"]["n_articles"] == 3
