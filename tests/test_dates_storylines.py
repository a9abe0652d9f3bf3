"""Dates from article text (datelines, explicit dates, weekdays) and storylines above events."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from framing.dates import date_from_text
from framing.events import cluster_events
from framing.storylines import storylines


@pytest.mark.parametrize("text, reference, expected", [
    ("ISLAMABAD, March 3 (Reuters) - The talks resumed.", dt.date(2024, 2, 1), (dt.date(2024, 3, 3), "dateline")),
    ("ISLAMABAD, Jan 2 (Reuters) - The talks resumed.", dt.date(2023, 12, 20), (dt.date(2024, 1, 2), "dateline")),
    ("KARACHI, 14 August 2019: Flags went up.", None, (dt.date(2019, 8, 14), "dateline")),
    ("By A. Writer\nNEW DELHI, Sept. 12, 2011 (AP) — Rain fell.", None, (dt.date(2011, 9, 12), "dateline")),
    # a yearless dateline takes the year of a full date in the text when there is no reference
    ("QUETTA, May 2 (AFP) - Police said the blast of May 1, 2022 was claimed.", None,
     (dt.date(2022, 5, 2), "dateline")),
    ("QUETTA, May 2 (AFP) - No year anywhere.", None, (None, "none")),
    ("Officials met on 5 June 2021 and again on June 9, 2021 to sign.", None, (dt.date(2021, 6, 9), "text")),
    ("The filing (2020-02-29) was late.", None, (dt.date(2020, 2, 29), "text")),
    # "on Thursday" after a dateline: the Thursday on or before it (2024-03-03 is a Sunday)
    ("LAHORE, March 3, 2024 (Reuters) - Gunmen attacked a checkpoint on Thursday, police said.", None,
     (dt.date(2024, 2, 29), "dateline")),
    ("Nothing datable, not even Thursday.", dt.date(2024, 1, 1), (None, "none")),
    ("February 30, 2024 is no date.", None, (None, "none")),
])
def test_date_from_text(text, reference, expected):
    assert date_from_text(text, reference) == expected


def test_weekday_can_be_turned_off():
    text = "LAHORE, March 3, 2024 (Reuters) - Gunmen attacked a checkpoint on Thursday."
    assert date_from_text(text, weekday=False) == (dt.date(2024, 3, 3), "dateline")


_STORIES = {
    "strike": "Dock workers walked out at the port of Karachi, halting container traffic. Union leader "
              "Rafiq Baloch said the strike over wages would go on.",
    "quake": "An earthquake of magnitude 6.1 struck northern Chile, damaging roads and homes. Rescuers "
             "searched collapsed buildings in Antofagasta.",
}


def _undated_corpus(tmp_path):
    """Two outlets, the same two stories told twice, a month apart, without a date field:
    only the datelines say when."""
    rows = []
    for outlet, agency in (("Wire One", "Reuters"), ("Wire Two", "AP")):
        for kind, story in _STORIES.items():
            for month in ("March 3", "April 7"):
                rows.append({"id": f"{outlet[-3:]}-{kind}-{month[:3]}", "outlet": outlet,
                             "text": f"KARACHI, {month}, 2024 ({agency}) - {story}"})
    path = tmp_path / "undated.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_undated_corpus_gets_event_dates_from_datelines(tmp_path, hashing_encoder):
    import framing
    from framing.embed import article_vectors

    corpus = framing.load(_undated_corpus(tmp_path))
    frame = corpus.to_frame()
    assert frame["published"].isna().all()
    vectors = article_vectors(corpus.articles, hashing_encoder, None)
    events = cluster_events(frame, vectors, distance_threshold=0.6)
    assert (events["date_source"] == "dateline").all()
    got = dict(zip(events["article_id"], events["article_date"].dt.date))
    assert got["One-strike-Mar"] == dt.date(2024, 3, 3) and got["Two-quake-Apr"] == dt.date(2024, 4, 7)
    # the date window keeps March and April apart: each event is one story in one month, both wires
    for _, group in events.groupby("event_id"):
        assert group["article_date"].nunique() == 1 and group["event_size"].iloc[0] == 2
        assert group["event_start"].iloc[0] == group["article_date"].iloc[0]
    assert events["event_id"].nunique() == 4
    without = cluster_events(frame, vectors, distance_threshold=0.6, dates_from_text=False)
    assert (without["date_source"] == "none").all() and without["article_date"].isna().all()
    assert without["event_id"].nunique() == 2  # without the dates, March and April merge
    # the same story in March and April is one storyline; the two stories are two
    lines = events.drop_duplicates("event_id").groupby("storyline_id")["event_id"].count()
    assert len(lines) == 2 and (lines == 2).all()
    assert events.groupby("storyline_id")["article_id"].apply(
        lambda ids: len({i.split("-")[1] for i in ids})).eq(1).all()


def test_given_dates_win_and_are_marked():
    frame = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                          "published": pd.to_datetime(["2024-05-01", None]), "title": ["", ""],
                          "text": ["DHAKA, June 1, 2024 (AP) - Floods.", "DHAKA, June 1, 2024 (AP) - Floods."]})
    events = cluster_events(frame, np.eye(2, dtype=np.float32), date_window_days=None)
    assert events["date_source"].tolist() == ["given", "dateline"]
    assert events["article_date"].dt.date.tolist() == [dt.date(2024, 5, 1), dt.date(2024, 6, 1)]


def test_storylines_hand_built():
    events = pd.DataFrame({"event_id": ["e1", "e1", "e2", "e3", "e4"],
                           "event_label": ["talks a", "talks a", "talks b", "flood", "vote"]})
    vectors = np.array([[1, 0, 0], [1, 0.1, 0], [0.9, 0.3, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    from collections import Counter
    actors = [Counter({"Kim": 1}), Counter({"Kim": 1}), Counter({"Kim": 1}), Counter(), Counter({"Kim": 1})]
    out = storylines(events, vectors, actors).set_index("event_id")
    assert out.loc["e1", "storyline_id"] == out.loc["e2", "storyline_id"]
    assert out.loc["e1", "storyline_label"] == "talks a" and out.loc["e1", "storyline_events"] == 2
    assert out.loc["e3", "storyline_id"] != out.loc["e1", "storyline_id"]
    # sharing an actor alone (orthogonal centroids) does not make a storyline: 0.7 * 1 + 0 > 0.6
    assert out.loc["e4", "storyline_id"] != out.loc["e1", "storyline_id"]
    graph = storylines(events, vectors, actors, max_exact=1).set_index("event_id")  # the neighbour-graph path
    assert graph.loc["e1", "storyline_id"] == graph.loc["e2", "storyline_id"] != graph.loc["e3", "storyline_id"]
    with pytest.raises(ValueError, match="actor_weight"):
        storylines(events, vectors, actor_weight=2)


def test_storyline_in_scores_and_compare_by_storyline(tmp_path, hashing_encoder):
    import framing

    result = framing.analyse(_undated_corpus(tmp_path), encoder=hashing_encoder)
    cols = result.columns
    assert cols.index("storyline_id") == cols.index("event_label") + 1 and "date_source" in cols
    scores = result.scores
    assert scores["storyline_id"].str.startswith("s-").all()
    assert (scores["date_source"] == "dateline").all()
    cmp = framing.compare.compare(scores, by="storyline", drop_off_topic=False, n_boot=20, n_perm=20)
    assert set(cmp.means["group"]) == set(scores["storyline_id"])


def test_undated_articles_get_the_text_date_in_the_scores(tmp_path, hashing_encoder):
    """The dates found in the text reach ``published`` of the score table (so charts over time
    count those articles), with ``date_source`` saying where they came from."""
    import framing

    corpus = framing.load(_undated_corpus(tmp_path))
    assert corpus.to_frame()["published"].isna().all()
    result = framing.analyse(corpus, encoder=hashing_encoder)
    scores = result.scores
    assert scores["published"].notna().all() and (scores["date_source"] == "dateline").all()
    by_id = dict(zip(scores["article_id"], scores["published"].dt.date))
    assert by_id["One-strike-Mar"] == dt.date(2024, 3, 3) and by_id["Two-quake-Apr"] == dt.date(2024, 4, 7)
    assert result.articles_per_period("month")["n"].sum() == len(scores)
