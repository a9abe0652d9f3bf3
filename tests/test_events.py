"""Event clustering: actors, stable ids, date window, both code paths, and real BASIL events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

from framing.codebook import Entity
from framing.embed import document_vectors, embed_sentences
from framing.events import EVENT_COLUMNS, EventClusterer, cluster_events, event_id, extract_actors
from framing.segment import split_spans

# Three made-up events, each told by two outlets, plus one unrelated story.
STORIES = [
    ("q1", "Daily A", "2024-03-01", "Earthquake shakes Nepal",
     "A strong earthquake shook Nepal on Friday. Rescue teams searched collapsed buildings in Kathmandu. "
     "Prime Minister Pushpa Kamal Dahal visited the quake zone."),
    ("q2", "Herald B", "2024-03-02", "Kathmandu quake toll rises",
     "The earthquake death toll in Nepal rose as rescue teams dug through collapsed buildings in Kathmandu. "
     "Pushpa Kamal Dahal promised aid to the quake victims."),
    ("b1", "Daily A", "2024-03-01", "Senate passes budget bill",
     "The Senate passed the budget bill late on Thursday after a long debate over spending cuts. "
     "Senator Maria Lopez voted against the budget bill."),
    ("b2", "Herald B", "2024-03-01", "Budget bill clears Senate",
     "Senators approved the budget bill after debate over spending cuts. Maria Lopez criticised the spending cuts "
     "in the budget bill."),
    ("f1", "Daily A", "2024-03-03", "River floods farmland",
     "Heavy rain made the river burst its banks and flood farmland near the delta. Farmers lost crops to the flood "
     "water."),
    ("f2", "Herald B", "2024-03-04", "Floods ruin delta crops",
     "Farmers in the delta lost crops after the river flood covered farmland. Heavy rain is expected to continue "
     "near the river."),
    ("z1", "Herald B", "2024-03-02", "Museum opens new wing",
     "The city museum opened a new wing for modern sculpture and painting."),
]
GOLD = ["q", "q", "b", "b", "f", "f", "z"]


def _frame(rows=STORIES) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "outlet", "published", "title", "text"]).assign(
        published=lambda d: pd.to_datetime(d["published"]))


def _vectors(frame: pd.DataFrame, encoder) -> np.ndarray:
    texts, rows = [], []
    for i, text in enumerate(frame["text"]):
        for s, e in split_spans(text):
            texts.append(text[s:e])
            rows.append(i)
    return document_vectors(embed_sentences(texts, encoder), np.array(rows), len(frame))


def test_extract_actors_gazetteer_names_and_folding():
    gazetteer = [Entity(name="Pakistan", aliases=["Islamabad"]), Entity(name="ISI", aliases=["Inter-Services Intelligence"])]

    class Book:
        entities = gazetteer

    text = ("Officials in Islamabad said the ISI had warned of attacks. Speaking on Monday, Interior Minister "
            "Mohsin Naqvi blamed militants. Naqvi said Pakistan would respond. Officials disagreed.")
    actors = extract_actors(text, "Naqvi warns of attacks", gazetteer=Book())
    assert actors["Pakistan"] == 2  # name + alias, mapped to the canonical name
    assert actors["ISI"] == 1  # gazetteer entries are kept even when named once
    assert actors["Mohsin Naqvi"] == 3  # "Interior Minister" stripped, "Naqvi" folded in
    assert "Speaking" not in actors and "Officials" not in actors and "Monday" not in actors
    # A Title-Case headline is not read as one long name
    headline = extract_actors("Maria Lopez voted no. Lopez spoke.", "Senate Passes The Budget Bill Quickly")
    assert list(headline) == ["Maria Lopez"]


def test_cluster_events_groups_same_story_across_outlets(hashing_encoder):
    frame = _frame()
    events = cluster_events(frame, _vectors(frame, hashing_encoder), distance_threshold=0.75)
    assert list(events.columns) == EVENT_COLUMNS
    assert events["article_id"].tolist() == frame["article_id"].tolist()
    assert adjusted_rand_score(GOLD, events["event_id"]) == pytest.approx(1.0)
    by_id = events.set_index("article_id")
    assert by_id.loc["q1", "event_outlets"] == "Daily A; Herald B"
    assert by_id.loc["q1", "event_size"] == 2
    assert by_id.loc["q1", "event_start"] == pd.Timestamp("2024-03-01")
    assert by_id.loc["q1", "event_end"] == pd.Timestamp("2024-03-02")
    assert by_id.loc["z1", "event_size"] == 1  # a singleton is reported, not dropped
    assert by_id.loc["q1", "event_id"] == event_id(["q2", "q1"]) and by_id.loc["q1", "event_id"].startswith("e-")
    label = by_id.loc["b1", "event_label"].lower()
    assert "budget" in label and "Maria Lopez" in by_id.loc["b1", "event_label"]


def test_event_ids_do_not_depend_on_row_order(hashing_encoder):
    frame = _frame()
    vectors = _vectors(frame, hashing_encoder)
    order = np.random.default_rng(1).permutation(len(frame))
    a = cluster_events(frame, vectors, distance_threshold=0.75).set_index("article_id")["event_id"]
    b = cluster_events(frame.iloc[order].reset_index(drop=True), vectors[order],
                       distance_threshold=0.75).set_index("article_id")["event_id"]
    assert a.sort_index().tolist() == b.sort_index().tolist()


def test_date_window_separates_and_missing_dates_do_not(hashing_encoder):
    frame = _frame(STORIES[:2])
    vectors = _vectors(frame, hashing_encoder)
    together = cluster_events(frame, vectors, distance_threshold=0.75)
    assert together["event_size"].tolist() == [2, 2]
    frame.loc[1, "published"] = pd.Timestamp("2024-05-01")
    apart = cluster_events(frame, vectors, distance_threshold=0.75, date_window_days=7)
    assert apart["event_size"].tolist() == [1, 1]
    assert cluster_events(frame, vectors, distance_threshold=0.75, date_window_days=None)["event_size"].tolist() == [2, 2]
    frame.loc[1, "published"] = pd.NaT
    undated = cluster_events(frame, vectors, distance_threshold=0.75)
    assert undated["event_size"].tolist() == [2, 2]
    assert undated["event_start"].tolist() == [pd.Timestamp("2024-03-01")] * 2


def test_neighbour_graph_path_matches_exact_path(hashing_encoder):
    rows = []
    for copy in range(6):  # 42 articles: the seven stories six times, a day apart per copy
        for aid, outlet, day, title, text in STORIES:
            date = str((pd.Timestamp(day) + pd.Timedelta(days=30 * copy)).date())
            rows.append((f"{aid}-{copy}", outlet, date, title, text + f" Copy {copy}."))
    frame = _frame(rows)
    vectors = _vectors(frame, hashing_encoder)
    params = {"distance_threshold": 0.75, "embedding_weight": 0.4, "text_weight": 0.4, "actor_weight": 0.2}
    exact = EventClusterer(**params).fit(frame, vectors)
    graph = EventClusterer(**params, max_exact=0, n_neighbors=5).fit(frame, vectors)
    assert adjusted_rand_score(exact.labels_, graph.labels_) == pytest.approx(1.0)
    assert exact.events_["event_id"].tolist() == graph.events_["event_id"].tolist()
    assert exact.labels_.max() + 1 == 4 * 6  # 3 paired stories + 1 singleton per month


def test_streamed_texts_give_the_same_events(hashing_encoder):
    """``texts=`` (read once, e.g. streamed from Parquet) replaces the frame's text column."""
    frame = _frame()
    vectors = _vectors(frame, hashing_encoder)
    whole = cluster_events(frame, vectors, distance_threshold=0.75)
    streamed = cluster_events(frame.drop(columns="text"), vectors, distance_threshold=0.75,
                              texts=(t for t in frame["text"]))
    pd.testing.assert_frame_equal(whole, streamed)
    with pytest.raises(ValueError, match="6 texts for 7 articles"):
        cluster_events(frame.drop(columns="text"), vectors, texts=iter(frame["text"].tolist()[:6]))


def test_estimator_contract_and_input_errors(hashing_encoder):
    model = EventClusterer(distance_threshold=0.5, date_window_days=3)
    assert clone(model).get_params()["date_window_days"] == 3
    frame = _frame()
    with pytest.raises(ValueError, match="shape"):
        model.fit(frame, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="unique"):
        model.fit(pd.concat([frame, frame.head(1)]), np.zeros((8, 4)))
    with pytest.raises(ValueError, match="weights"):
        EventClusterer(embedding_weight=0, text_weight=0, actor_weight=0).fit(frame, np.ones((7, 4)))
    labels = EventClusterer(distance_threshold=0.75).fit_predict(frame, _vectors(frame, hashing_encoder))
    assert labels.shape == (7,) and labels.min() == 0


@pytest.mark.slow
def test_basil_real_events_one_year(eval_dir, encoder):
    """Ten real events x three outlets from one year: ARI >= 0.8 with the real encoder."""
    raw = pd.read_json(eval_dir / "basil_triplets" / "articles.jsonl", lines=True)
    raw = raw[pd.to_datetime(raw["date"]).dt.year == 2016].reset_index(drop=True)
    assert len(raw) == 30 and raw["cluster_id"].nunique() == 10
    frame = pd.DataFrame({"article_id": raw["id"].astype(str), "outlet": raw["outlet"],
                          "published": pd.to_datetime(raw["date"]), "title": raw["title"], "text": raw["text"]})
    # the first 12 sentences of each article keep the test fast
    texts, rows = [], []
    for i, text in enumerate(frame["text"]):
        for s, e in split_spans(text)[:12]:
            texts.append(text[s:e])
            rows.append(i)
    vectors = document_vectors(embed_sentences(texts, encoder), np.array(rows), len(frame))
    events = cluster_events(frame, vectors)
    ari = adjusted_rand_score(raw["cluster_id"].astype(str), events["event_id"])
    assert ari >= 0.8, ari
    three = events[events["event_size"] == 3]
    assert (three["event_outlets"].str.count(";") == 2).all()  # a full triplet spans the three outlets


@pytest.mark.slow
def test_cli_events_on_seed(tmp_path, encoder):
    from typer.testing import CliRunner

    from framing.cli import app

    out = tmp_path / "events.csv"
    result = CliRunner().invoke(app, ["events", "--out", str(out), "--db", str(tmp_path / "db.duckdb")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 5 and set(EVENT_COLUMNS) <= set(table.columns)
    assert table["event_id"].str.match(r"^e-[0-9a-f]{8}$").all()
    assert (tmp_path / "manifest.json").exists()
    bad = CliRunner().invoke(app, ["events", str(tmp_path / "missing.txt")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
