"""The seed's scores against those recorded at 7ce7ced, and the calibrated axis on the seed.

``tests/data/seed_scores_7ce7ced.csv`` holds every ``frame:*`` and ``axis:*`` column of
``framing.analyse(framing.load())`` as of commit 7ce7ced (17 significant digits). A
refactor of the segment -> embed -> score path must not move them (<= 1e-9): the frame
scores with the default settings, the axis scores with the axis calibration switched off
(no neutral zone, gate or pole-balanced scale) and without the axis's neutral sentences —
the FrameAxis score of 7ce7ced.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).parent / "data" / "seed_scores_7ce7ced.csv"
TOL = 1e-9
AXIS = "axis:siege_vs_proxy"


def _compare(scores: pd.DataFrame, reference: pd.DataFrame, columns: list[str]) -> None:
    assert sorted(scores["article_id"]) == sorted(reference["article_id"])
    got = scores.set_index("article_id").loc[reference["article_id"], columns].to_numpy(dtype=float)
    want = reference.set_index("article_id")[columns].to_numpy(dtype=float)
    diff = np.abs(got - want)
    assert diff.max() <= TOL, dict(zip(columns, diff.max(axis=0)))


@pytest.fixture(scope="module")
def seed_scores(encoder):
    import framing

    return framing.analyse(framing.load(), encoder=encoder).scores


@pytest.mark.slow
def test_seed_frame_scores_match_reference(seed_scores):
    reference = pd.read_csv(REFERENCE, dtype={"article_id": str})
    frames = [c for c in reference.columns if c.startswith("frame:")]
    assert frames and set(frames) <= set(seed_scores.columns)
    _compare(seed_scores, reference, frames)


@pytest.mark.slow
def test_seed_axis_scores_match_reference_without_the_calibration(encoder):
    import framing
    from framing.codebook import Codebook
    from framing.scoring import ScoringSettings

    data = Codebook.load("south-asia-security").to_dict()
    for axis in data["axes"]:
        axis.pop("neutral", None)
    codebook = Codebook.from_dict(data, source="(7ce7ced axis)")
    legacy = ScoringSettings(axis_dead_zone=0.0, axis_gate=None, axis_balanced=False)
    scores = framing.analyse(framing.load(), codebook, encoder=encoder, settings=legacy, events=False).scores
    reference = pd.read_csv(REFERENCE, dtype={"article_id": str})
    axes = [c for c in reference.columns if c.startswith("axis:")]
    _compare(scores, reference, axes)


@pytest.mark.slow
def test_the_calibrated_axis_puts_a_statistics_report_near_zero(seed_scores):
    """Issue 19: the casualty-statistics report (Arab News) is nearer 0 than both siege-leaning
    Express Tribune pieces and neutral or low-confidence; the First Post piece clearly negative."""
    rows = seed_scores.to_dict("records")

    def article(start: str) -> dict:
        return next(r for r in rows if r["title"].startswith(start))

    stats, oped = article("Pakistan ranks seventh"), article("India, ISKP and BLA")
    diplomacy, proxy = article("Diplomacy in overdrive"), article("Pakistan's proxy war")
    assert abs(stats[AXIS]) < min(oped[AXIS], diplomacy[AXIS])
    assert oped[f"{AXIS}:leaning"] == diplomacy[f"{AXIS}:leaning"] == "state_under_siege"
    assert stats[f"{AXIS}:leaning"] == "neutral" or stats[f"{AXIS}:leaning_p"] < 0.7
    assert proxy[AXIS] < -0.2 and proxy[f"{AXIS}:hi"] < 0
    assert proxy[f"{AXIS}:leaning"] == "state_proxy" and proxy[f"{AXIS}:leaning_p"] >= 0.9
