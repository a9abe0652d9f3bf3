"""The Outlets page's charts: forest plot (n = 1 flag, on-topic labels), matched chart, time
chart limits and the axis strip's orientation (pole B left, pole A right)."""

from __future__ import annotations

import pandas as pd
import pytest

from framing import plots
from framing.codebook import Codebook
from framing.app.views.outlets import coverage_notes


@pytest.fixture(scope="module")
def cb():
    return Codebook.load("policy-frames")


def _means(cb):
    rows = []
    for outlet, n in (("Fox News", 12), ("Solo Post", 1)):
        for f in cb.frame_ids:
            rows.append(("all", outlet, f"frame:{f}", 0.4, 0.3 if n > 1 else 0.4, 0.5 if n > 1 else 0.4, n))
    return pd.DataFrame(rows, columns=["event_id", "outlet", "measure", "mean", "ci_low", "ci_high", "n"])


def _rows(spec):
    return [r for d in spec.get("datasets", {}).values() for r in d]


def test_forest_flags_single_articles_and_labels_coverage(cb):
    coverage = pd.DataFrame({"outlet": ["Fox News", "Solo Post"], "articles": [12, 1], "off_topic_excluded": [3, 0]})
    spec = plots.forest_chart(_means(cb), cb, frames=cb.frame_ids[:4], coverage=coverage).to_dict()
    rows = _rows(spec)
    assert {r["frame"] for r in rows} == set(cb.frame_ids[:4])  # only the picked frames
    solo = [r for r in rows if r["outlet"] == "Solo Post"]
    assert solo and all(r["note"] == "n = 1" and r["single"] for r in solo)
    assert {r["outlet_label"] for r in rows} == {"Fox News · 12 of 15 on-topic", "Solo Post · 1 articles"}
    assert spec["columns"] == 3 and spec["facet"]["field"] == "frame_label"
    assert coverage_notes(coverage) == ["**Fox News**: 12 of 15 articles on-topic",
                                        "**Solo Post**: all 1 articles on-topic"]
    assert coverage_notes(coverage.assign(outlet=["*x*", "y"]))[0].startswith("**\\*x\\***")  # escaped


def test_spread_order_puts_differing_frames_first(cb):
    means = _means(cb)
    means.loc[(means["outlet"] == "Solo Post") & (means["measure"] == f"frame:{cb.frame_ids[5]}"), "mean"] = 0.9
    assert plots.spread_order(means, cb)[0] == cb.frame_ids[5]


def test_prevalence_at_most_eight_lines_with_years(cb):
    periods = pd.date_range("2010-01-01", periods=30, freq="MS")
    prev = pd.DataFrame([("X", p, f"frame:{f}", 0.5, 0.1, 3) for p in periods for f in cb.frame_ids],
                        columns=["outlet", "period", "measure", "mean", "share_top", "n"])
    spec = plots.prevalence_lines(prev, cb, frames=cb.frame_ids[:3]).to_dict()
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert spec["encoding"]["color"]["scale"]["range"] == plots.DISTINCT_COLOURS[:3]
    assert len(spec["encoding"]["color"]["scale"]["domain"]) == 3
    with pytest.raises(ValueError, match="at most 8"):
        plots.prevalence_lines(prev, cb, frames=cb.frame_ids[:9])
    assert len(set(plots.DISTINCT_COLOURS)) == plots.MAX_LINES == 8


def test_matched_chart_shows_both_differences(cb):
    matched = pd.DataFrame({"outlet_a": ["A"], "outlet_b": ["B"], "measure": ["frame:economic"], "n_events": [100],
                            "difference": [0.01], "ci_low": [-0.02], "ci_high": [0.04], "p_value": [0.5],
                            "q_value": [0.6], "unmatched_difference": [0.2]})
    rows = _rows(plots.matched_chart(matched, cb, "frame:economic").to_dict())
    values = {r["kind"]: r["value"] for r in rows if "kind" in r}
    assert values == {"matched: same events": 0.01, "unmatched: all articles": 0.2}
    assert any("100 shared events" in r["pair"] for r in rows if "pair" in r)


def test_strip_reads_pole_b_left_pole_a_right():
    book = Codebook.load("south-asia-security")
    axis = book.axes[0]
    scores = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "title": ["", ""],
                           f"axis:{axis.id}": [0.5, -0.5]})
    spec = plots.strip_chart(scores, book, axis.id).to_dict()
    rows = _rows(spec)
    ends = {r["position"]: r["pole"] for r in rows if "pole" in r}
    assert ends == {-1.0: f"← {book.frame(axis.pole_b).label}", 1.0: f"{book.frame(axis.pole_a).label} →"}
    scales = [l["encoding"]["x"].get("scale", {}).get("domain") for l in spec["layer"] if "encoding" in l]
    assert [-1, 1] in scales and [1, -1] not in scales
