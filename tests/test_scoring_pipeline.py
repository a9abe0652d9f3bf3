"""fit_calibration / score_batch with the small deterministic encoder and a test codebook."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from framing.codebook import Codebook
from framing.corpus import Article
from framing.scoring import (
    EVIDENCE_COLUMNS,
    Calibration,
    ScoringSettings,
    fit_calibration,
    score_batch,
)

CODEBOOK_YAML = """
id: test-security
name: Test security codebook
description: A tiny codebook for unit tests.
frames:
  - id: siege
    label: Siege
    description: The state is the victim of foreign-backed militants.
    prototypes:
      - Foreign agents fund militants who attack the nation.
      - The nation is the victim of terrorism backed by a hostile neighbour.
      - Soldiers sacrificed their lives defending the nation against foreign terrorists.
    lexicon: {hostile neighbour: 2, sacrifice: 1, foreign-backed: 2}
  - id: proxy
    label: Proxy
    description: The state uses militants as proxies.
    prototypes:
      - The state uses militant proxies against its own dissidents.
      - Security agencies sponsor armed groups to crush protests.
      - The army shelters militant proxies and denies it.
    counter_examples:
      - Foreign agents fund militants who attack the state.
    lexicon: {proxies: 2, crackdown: 1}
axes:
  - id: siege_vs_proxy
    label: Siege vs proxy
    pole_a: siege
    pole_b: proxy
reference:
  - The meeting took place on Tuesday in the capital.
  - Officials will release the figures next week.
"""


@pytest.fixture
def codebook():
    return Codebook.from_yaml(CODEBOOK_YAML)


def _article(i, text, outlet="Outlet A"):
    return Article(article_id=f"a{i}", outlet=outlet, published=dt.date(2025, 5, i + 1), title=f"Title {i}",
                   text=text)


@pytest.fixture
def articles():
    return [
        _article(0, "Foreign agents fund militants who attack the nation. The hostile neighbour denies it. "
                    "Soldiers sacrificed their lives against foreign-backed terrorists."),
        _article(1, "The state uses militant proxies against dissidents. Security agencies sponsor armed groups. "
                    "The crackdown on protests continued.", outlet="Outlet B"),
        _article(2, "The recipe needs flour, butter and sugar. Bake the cake for forty minutes."),
        _article(3, ""),
    ]


def test_score_batch_tables(articles, codebook, hashing_encoder):
    settings = ScoringSettings(n_boot=200)
    cal = fit_calibration(None, codebook, settings, hashing_encoder)
    scores, evidence, components = score_batch(articles, codebook, settings, cal, hashing_encoder)
    assert list(scores.columns) == [
        "article_id", "outlet", "published", "title", "event_id", "relevance", "frame:siege", "frame:proxy",
        "axis:siege_vs_proxy", "axis:siege_vs_proxy:lo", "axis:siege_vs_proxy:hi",
        "axis:siege_vs_proxy:intensity", "axis:siege_vs_proxy:relevance", "axis:siege_vs_proxy:leaning",
        "axis:siege_vs_proxy:leaning_p", "off_topic"]
    assert scores["article_id"].tolist() == ["a0", "a1", "a2", "a3"]
    assert set(scores["axis:siege_vs_proxy:leaning"]) <= {"siege", "proxy", "neutral"}
    p = scores["axis:siege_vs_proxy:leaning_p"]
    assert p.dropna().between(0, 1).all()
    assert (p.isna() == scores["axis:siege_vs_proxy"].isna()).all()   # no probability without sentences
    frames = scores[["frame:siege", "frame:proxy"]].to_numpy()
    assert np.all((frames >= 0) & (frames <= 1))
    axis = scores["axis:siege_vs_proxy"].to_numpy()
    assert axis[0] > 0 > axis[1]
    assert scores["frame:siege"][0] > scores["frame:proxy"][0]
    assert scores["frame:proxy"][1] > scores["frame:siege"][1]
    # the cake recipe and the empty article are about none of the frames
    assert scores["off_topic"].tolist() == [False, False, True, True]
    assert scores["relevance"][2] < 0.3 and scores["relevance"][3] == 0.0
    assert np.isnan(axis[3])
    assert list(evidence.columns) == EVIDENCE_COLUMNS
    assert set(components["component"]) >= {"lexicon_rate", "lexicon", "embedding_raw", "embedding", "combined",
                                             "bias", "intensity", "relevance"}
    assert len(components) == 4 * (2 * 5 + 8)


def test_evidence_spans_point_into_the_text(articles, codebook, hashing_encoder):
    cal = fit_calibration(None, codebook, ScoringSettings(), hashing_encoder)
    _, evidence, _ = score_batch(articles, codebook, None, cal, hashing_encoder)
    texts = {a.article_id: a.text for a in articles}
    for row in evidence.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
    terms = evidence[(evidence.kind == "term") & (evidence.article_id == "a0")]
    assert set(terms["text"].str.lower()) == {"hostile neighbour", "sacrificed", "foreign-backed"}
    assert terms.set_index("text")["sentence_index"].to_dict() == {"hostile neighbour": 1, "sacrificed": 2,
                                                                   "foreign-backed": 2}
    pole_a = evidence[(evidence.target == "siege_vs_proxy") & (evidence.pole == "a")]
    pole_b = evidence[(evidence.target == "siege_vs_proxy") & (evidence.pole == "b")]
    assert (pole_a["value"] > 0).all() and (pole_b["value"] < 0).all()
    assert pole_a[pole_a.article_id == "a0"]["sentence_index"].iloc[0] in (0, 2)


def test_scores_are_deterministic_and_independent_of_batching(articles, codebook, hashing_encoder):
    settings = ScoringSettings(n_boot=300, random_state=3)
    cal = fit_calibration(None, codebook, settings, hashing_encoder)
    whole = score_batch(articles, codebook, settings, cal, hashing_encoder)
    again = score_batch(articles, codebook, settings, cal, hashing_encoder)
    first = score_batch(articles[:2], codebook, settings, cal, hashing_encoder)
    rest = score_batch(articles[2:], codebook, settings, cal, hashing_encoder)
    for i in range(3):
        pd.testing.assert_frame_equal(whole[i], again[i])
        joined = pd.concat([first[i], rest[i]], ignore_index=True)
        if i == 1:
            joined = joined.sort_values(["article_id"], kind="stable").reset_index(drop=True)
            pd.testing.assert_frame_equal(whole[i].sort_values(["article_id"], kind="stable").reset_index(drop=True),
                                          joined)
        else:
            pd.testing.assert_frame_equal(whole[i], joined)


def test_calibration_is_serialisable_and_checked(codebook, hashing_encoder, articles):
    settings = ScoringSettings()
    cal = fit_calibration(None, codebook, settings, hashing_encoder)
    back = Calibration.from_dict(json.loads(cal.to_json()))
    assert back == cal
    assert set(cal.frame_anchors) == {"siege", "proxy"} and set(cal.axis_baseline) == {"siege_vs_proxy"}
    other = Codebook.from_yaml(CODEBOOK_YAML.replace("Test security codebook", "Renamed"))
    with pytest.raises(ValueError, match="codebook"):
        score_batch(articles, other, settings, cal, hashing_encoder)
    with pytest.raises(ValueError, match="settings"):
        score_batch(articles, codebook, ScoringSettings(top_k=1), cal, hashing_encoder)


def test_corpus_modes_need_and_use_the_corpus(articles, codebook, hashing_encoder):
    settings = ScoringSettings(calibration="corpus", axis_baseline="corpus")
    with pytest.raises(ValueError, match="articles"):
        fit_calibration(None, codebook, settings, hashing_encoder)
    cal = fit_calibration(articles, codebook, settings, hashing_encoder)
    assert cal.n_articles == 4
    scores, _, _ = score_batch(articles, codebook, settings, cal, hashing_encoder)
    assert scores["frame:siege"].between(0, 1).all()
