"""Residual frames ("none of the other frames", the Media Frames Codebook's Other): the codebook
field and how the scoring pipeline uses it (small deterministic encoder)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import yaml

from framing.codebook import Codebook, CodebookError
from framing.corpus import Article
from framing.scoring import ScoringSettings, fit_calibration, score_batch

CODEBOOK = {
    "id": "mini-residual",
    "name": "Mini with a residual frame",
    "frames": [
        {"id": "fruit", "description": "Fruit.", "lexicon": {"apple": 2, "pear": 2},
         "prototypes": ["Apples and pears grow in the orchard.", "She picked a ripe apple and a pear."]},
        {"id": "boats", "description": "Boats.", "lexicon": {"sail": 2, "harbour": 2},
         "prototypes": ["The boats sail out of the harbour at dawn.", "A sail boat left the harbour."]},
        {"id": "other", "description": "None of the above.", "residual": True, "lexicon": {"weather": 1},
         "prototypes": ["The weather was mild all week.", "Nobody knows what happens next."]},
    ],
    "reference": ["The meeting took place on Tuesday.", "Figures will be released next week."],
}


def _codebook(**changes) -> Codebook:
    data = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    data["frames"][2].update(changes)
    return Codebook.from_dict(data)


def _articles():
    texts = ["Apples and pears grow in the orchard. She picked a ripe apple and a pear from the tree.",
             "The weather was mild. Nobody knows what happens next, he said on Tuesday.",
             ""]
    return [Article(article_id=f"a{i}", outlet="O", published=dt.date(2025, 1, 1), title="", text=t)
            for i, t in enumerate(texts)]


def _scores(codebook, encoder, **settings):
    s = ScoringSettings(n_boot=0, **settings)
    return score_batch(_articles(), codebook, s, fit_calibration(None, codebook, s, encoder), encoder)


# ---------------------------------------------------------------------- codebook field
def test_residual_field_loads_and_round_trips():
    cb = _codebook()
    assert [f.residual for f in cb.frames] == [False, False, True]
    assert Codebook.from_yaml(cb.to_yaml()) == cb
    assert "residual" not in cb.to_dict()["frames"][0] and cb.to_dict()["frames"][2]["residual"] is True


def test_residual_absent_keeps_the_hash():
    with_false = _codebook(residual=False)
    data = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    del data["frames"][2]["residual"]
    assert with_false.sha256 == Codebook.from_dict(data).sha256 != _codebook().sha256


@pytest.mark.parametrize("value", ["yes", 1, ["true"]])
def test_residual_must_be_a_boolean(value):
    with pytest.raises(CodebookError, match=r"frame 'other'\.residual.*true or false"):
        _codebook(residual=value)


def test_not_every_frame_may_be_residual():
    data = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    for f in data["frames"]:
        f["residual"] = True
    with pytest.raises(CodebookError, match="every frame is residual"):
        Codebook.from_dict(data)


def test_policy_frames_other_is_its_only_residual_frame():
    cb = Codebook.load("policy-frames")
    assert [f.id for f in cb.frames if f.residual] == ["other"]


# ---------------------------------------------------------------------- scoring
def test_residual_score_blends_own_score_and_complement(hashing_encoder):
    cb = _codebook()
    scores, _, comp = _scores(cb, hashing_encoder)
    own, _, _ = _scores(cb, hashing_encoder, residual_weight=1.0)
    wide = comp.pivot(index="article_id", columns=["target", "component"], values="value")
    strongest = scores[["frame:fruit", "frame:boats"]].max(axis=1).to_numpy()
    complement = wide[("other", "complement")].to_numpy()
    np.testing.assert_allclose(complement[:2], 1.0 - strongest[:2])
    assert complement[2] == 0.0  # no text: no evidence for "none of the others" either
    np.testing.assert_allclose(scores["frame:other"], 0.5 * own["frame:other"] + 0.5 * complement)
    # the other frames' scores do not change, and only the residual frame has a complement
    np.testing.assert_allclose(scores[["frame:fruit", "frame:boats"]], own[["frame:fruit", "frame:boats"]])
    assert set(comp.loc[comp["component"] == "complement", "target"]) == {"other"}
    # an article full of one frame is less 'other' than one that carries neither frame
    assert scores["frame:other"][0] < scores["frame:other"][1]
    assert complement[1] > complement[0]


def test_residual_weight_is_checked():
    with pytest.raises(ValueError, match="residual_weight"):
        ScoringSettings(residual_weight=1.5)
