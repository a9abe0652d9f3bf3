"""Results folders: written by the streaming engine, re-opened, queried with DuckDB, shown by the app.

Real scores of the real seed with the real model; the app is driven with AppTest in
results mode (``FRAMING_APP_RESULTS``, what ``framing app --results DIR`` sets).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app as cli
from framing.engines import EngineResult, run_local
from framing.results import EVENT_COLUMNS, Results

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, seed_path, encoder) -> Path:
    out = tmp_path_factory.mktemp("results") / "seed-results"
    run_local(str(seed_path), encoder=encoder, out_dir=out, events=True)
    return out


@pytest.fixture(scope="module")
def db(folder):
    db = Results.open(folder)
    yield db
    db.close()


def test_open_gives_back_the_same_result(folder, seed_path, encoder):
    opened = EngineResult.open(folder)
    again = run_local(str(seed_path), encoder=encoder, events=True)  # a temporary folder
    pd.testing.assert_frame_equal(opened.scores, again.scores, check_exact=False, atol=1e-9)
    assert opened.codebook.sha256 == again.codebook.sha256
    assert opened.encoder_id == encoder.model_id
    assert opened.calibration.to_dict() == again.calibration.to_dict()
    state = json.loads((folder / "result.json").read_text())
    assert state["manifest"]["codebook"]["id"] == "south-asia-security"
    assert set(state["paths"]) >= {"scores", "evidence", "articles", "events", "doc_vectors"}


def test_open_rejects_what_is_not_a_results_folder(tmp_path, folder):
    with pytest.raises(ValueError, match=r"not a framing results folder.*--results DIR"):
        EngineResult.open(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "evidence.parquet").unlink()
    with pytest.raises(ValueError, match=r"missing: .*evidence\.parquet"):
        EngineResult.open(broken)
    (broken / "result.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"result\.json: not valid JSON"):
        Results.open(broken)


def test_queries_match_the_in_memory_tables(db, folder):
    result = EngineResult.open(folder)
    scores = result.scores
    assert db.n_articles == len(scores) == 5
    counts = db.outlet_counts()
    assert counts.to_dict() == scores["outlet"].value_counts().to_dict()
    assert list(counts) == sorted(counts, reverse=True)
    # every event, page by page, exactly once
    total, first = db.events_page(singles=True, page=1, page_size=2)
    assert total == scores["event_id"].nunique() == db.n_events
    pages = [db.events_page(singles=True, page=p, page_size=2)[1] for p in range(1, 4)]
    ids = pd.concat(pages)["event_id"].tolist()
    assert sorted(ids) == sorted(scores["event_id"].unique()) and len(ids) == len(set(ids))
    assert list(first.columns) == EVENT_COLUMNS
    assert (pd.concat(pages)["n_outlets"].diff().dropna() <= 0).all()  # most outlets first
    # multi-outlet events only by default; search by outlet name and by headline word
    multi = scores.groupby("event_id")["outlet"].nunique()
    assert db.events_page()[0] == int((multi >= 2).sum())
    assert db.events_page("ARAB NEWS", singles=True)[0] == scores[scores["outlet"] == "Arab News"]["event_id"].nunique()
    assert db.events_page("no such words anywhere", singles=True)[0] == 0
    word = scores["title"].iloc[0].split()[-1]
    hit = db.events_page(word, singles=True)[1]
    assert scores["event_id"].iloc[0] in hit["event_id"].tolist()
    # one event: its rows, evidence and texts
    event_id = first["event_id"].iloc[0]
    rows = db.event_articles(event_id)
    expected = scores[scores["event_id"] == event_id].reset_index(drop=True)
    assert rows["article_id"].tolist() == expected["article_id"].tolist()
    frame_cols = [c for c in expected.columns if c.startswith("frame:")]
    np.testing.assert_allclose(rows[frame_cols].to_numpy(float), expected[frame_cols].to_numpy(float))
    ev = db.evidence_for(rows["article_id"])
    assert len(ev) > 0 and set(ev["article_id"]) <= set(rows["article_id"])
    full = result.evidence
    assert len(ev) == int(full["article_id"].isin(rows["article_id"]).sum())
    texts = db.texts(rows["article_id"])
    articles = pd.read_parquet(folder / "articles.parquet").set_index("article_id")["text"]
    assert texts == {a: articles[a] for a in rows["article_id"]}


def test_axis_sample_and_comparison_are_cached(db, folder):
    axis = db.codebook.axis_ids[0]
    sample = db.axis_sample(axis, db.outlet_counts().index, per_outlet=1)
    assert sample["outlet"].value_counts().max() == 1 and sample["outlet"].nunique() == 3
    with pytest.raises(ValueError, match="no column 'axis:nope'"):
        db.axis_sample("nope", ["Arab News"])
    tables = db.comparison()
    assert {"means", "differences", "distinctive_terms", "prevalence", "coverage"} <= set(tables)
    cached = list((folder / "comparison").glob("*/tables.json"))
    assert len(cached) == 1
    again = db.comparison()
    pd.testing.assert_frame_equal(again["means"], tables["means"])
    assert set(tables["means"]["outlet"].astype(str)) == set(db.outlet_counts().index)
    two = db.comparison(["Express Tribune", "Arab News"])
    assert set(two["means"]["outlet"].astype(str)) == {"Express Tribune", "Arab News"}


def test_cli_writes_and_the_app_command_checks_a_results_folder(tmp_path, seed_path):
    out = tmp_path / "res"
    result = runner.invoke(cli, ["analyse", str(seed_path), "--results", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert f"open it with: framing app --results {out}" in result.output
    assert "Ingest report" in result.output and (out / "corpus.duckdb").exists()
    assert json.loads((out / "result.json").read_text())["inputs"] == [str(seed_path)]
    assert list((out / "comparison").glob("*/tables.json")), "the outlet comparison is precomputed"
    assert Results.open(out).n_articles == 5
    bad = runner.invoke(cli, ["analyse", str(seed_path), "--results", str(out), "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 1 and "does not combine" in bad.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    bad = runner.invoke(cli, ["analyse", str(seed_path), "--results", str(tmp_path / "full")])
    assert bad.exit_code == 1 and "not a framing results folder" in bad.output
    bad = runner.invoke(cli, ["app", "--results", str(tmp_path / "full")])
    assert bad.exit_code != 0 and "no result.json" in bad.output


# ---------------------------------------------------------------- the app in results mode
def _app(monkeypatch, folder, page=None, **session):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FRAMING_APP_RESULTS", str(folder))
    monkeypatch.delenv("FRAMING_APP_PATHS", raising=False)
    at = AppTest.from_file(str(REPO / "framing/app/main.py"), default_timeout=120)
    for key, value in session.items():
        at.session_state[key] = value
    if page is not None:
        at.session_state["_goto_page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _outlets_shown(at) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m.value) for m in at.markdown if 'class="outlet-name"' in m.value]


@pytest.mark.slow
def test_app_pages_on_a_results_folder(monkeypatch, folder, db):
    at = _app(monkeypatch, folder)
    assert at.title[0].value == "Events"
    multi = db.events_page()[1]
    assert len(at.selectbox(key="event_id").options) == len(multi)
    shown = _outlets_shown(at)
    assert len(shown) >= 2 and set(shown) <= set(db.outlet_counts().index)
    assert any("Shaded: evidence sentences" in m.value for m in at.markdown)
    assert any("results folder" in c.value for c in at.caption)
    # search: nothing matches, then the singles switch reaches every event
    at.text_input(key="event_search").input("no such words anywhere").run()
    assert any("No event matches" in i.value for i in at.info)
    at.text_input(key="event_search").input("").run()
    at.toggle(key="event_singles").set_value(True).run()
    assert len(at.selectbox(key="event_id").options) == db.n_events
    # pick articles by search
    at.segmented_control(key="events_mode").set_value("Pick articles").run()
    assert len(_outlets_shown(at)) >= 2                      # one article per outlet to start with
    at.multiselect(key="picked_articles").set_value([]).run()
    at.text_input(key="article_search").input("arab news").run()
    options = at.multiselect(key="picked_articles").options
    assert len(options) == 1
    at.multiselect(key="picked_articles").select(at.multiselect(key="picked_articles").options[0]).run()
    assert _outlets_shown(at) == ["Arab News"]

    at = _app(monkeypatch, folder, "outlets")
    assert at.title[0].value == "Outlets"
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any('"point"' in s for s in specs) and any('"circle"' in s for s in specs)   # forest plot, strip

    at = _app(monkeypatch, folder, "corpus")
    assert [m.label for m in at.metric][:2] == ["articles", "outlets"]
    assert at.metric[0].value == "5"

    at = _app(monkeypatch, folder, "export")
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download all") for label in labels)
    assert any(label.startswith("means.csv") for label in labels)
    files = at.dataframe[0].value["file"].tolist()
    assert "scores.parquet" in files and "result.json" in files

    at = _app(monkeypatch, folder, "codebook")
    assert any("read-only" in c.value for c in at.caption)


@pytest.mark.slow
def test_coding_and_validation_on_a_results_folder(monkeypatch, folder, db):
    # two coders code the first sampled article; answers go to DIR/annotations.duckdb
    for coder in ("ann", "bob"):
        at = _app(monkeypatch, folder, "annotate")
        assert at.header[0].value == "Annotate"
        at.text_input(key="annotate:coder").input(coder).run()
        assert not at.exception, [e.value for e in at.exception]
        boxes = [c for c in at.checkbox if c.key.endswith(":state_under_siege")]
        assert len(boxes) == 1
        at.checkbox(key=boxes[0].key).check().run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("1 of " in p.proto.text and coder in p.proto.text for p in at.get("progress"))
    assert (folder / "annotations.duckdb").exists()
    at = _app(monkeypatch, folder, "validation")
    assert at.header[0].value == "Validation"
    assert any("1 articles, 2 coder(s)" in m.value for m in at.markdown)
    assert at.selectbox(key="validation:model").options[0].startswith("Zero-shot")
    tables = [f.value for f in at.dataframe]
    assert any("alpha" in t.columns for t in tables)
    assert any({"coder", "alpha"} <= set(t.columns) for t in tables), "model vs each coder"


@pytest.mark.slow
def test_app_explains_a_broken_results_folder(monkeypatch, tmp_path):
    (tmp_path / "result.json").write_text("{not json")
    at = _app(monkeypatch, tmp_path)
    assert any("could not be opened" in e.value and "not valid JSON" in e.value for e in at.error)


def test_odd_folder_names_and_search_text_are_data(tmp_path, folder):
    odd = tmp_path / "it's 100% results; DROP TABLE scores"
    shutil.copytree(folder, odd)
    db = Results.open(odd)
    try:
        assert db.n_articles == 5
        # search text is a parameter, never SQL: quotes and wildcards match literally (here: nothing)
        assert db.events_page("' OR 1=1 --", singles=True)[0] == 0
        assert db.events_page("%", singles=True)[0] == 0
        assert db.search_articles("%").empty and len(db.search_articles("")) == 5
        written = EngineResult.open(odd).export(tmp_path / "out's", format="parquet")
        assert (tmp_path / "out's" / "scores.parquet") in written
    finally:
        db.close()
