"""The seed's frame and axis scores with the default encoder equal those recorded at 7ce7ced.

``tests/data/seed_scores_7ce7ced.csv`` holds every ``frame:*`` and ``axis:*`` column of
``framing.analyse(framing.load())`` as of commit 7ce7ced (17 significant digits); a
refactor of the segment -> embed -> score path must not move them (<= 1e-9).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).parent / "data" / "seed_scores_7ce7ced.csv"
TOL = 1e-9


@pytest.mark.slow
def test_seed_frame_and_axis_scores_match_reference():
    import framing

    reference = pd.read_csv(REFERENCE, dtype={"article_id": str})
    scores = framing.analyse(framing.load()).scores
    columns = [c for c in scores.columns if c.startswith(("frame:", "axis:"))]
    assert sorted(columns) == sorted(c for c in reference.columns if c != "article_id")
    assert sorted(scores["article_id"]) == sorted(reference["article_id"])
    got = scores.set_index("article_id").loc[reference["article_id"], columns].to_numpy(dtype=float)
    want = reference.set_index("article_id")[columns].to_numpy(dtype=float)
    diff = np.abs(got - want)
    assert diff.max() <= TOL, dict(zip(columns, diff.max(axis=0)))
