"""Event-matched differences and the agenda table, against hand-computed values and a
constructed corpus where agenda and framing are known to differ."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.compare import compare
from framing.matched import agenda, matched_differences
from framing.stats import benjamini_hochberg, sign_flip_test


def test_sign_flip_test_hand_computed():
    # d = (0.3, 0.1, 0.2): mean 0.2; of the 8 sign patterns only (+,+,+) and (-,-,-) reach |0.2|
    mean, p = sign_flip_test([0.3, 0.1, 0.2])
    assert mean == pytest.approx(0.2) and p == pytest.approx(2 / 8)
    # a column with a missing value is tested on the others; an empty column is NaN
    means, ps = sign_flip_test(np.array([[1.0, np.nan, np.nan], [-1.0, 2.0, np.nan]]))
    assert means[0] == 0 and ps[0] == 1.0 and means[1] == 2.0 and ps[1] == 1.0 and np.isnan(ps[2])
    # Monte Carlo beyond 2^n > n_perm: never zero, (1 + hits) / (n_perm + 1)
    _, p = sign_flip_test(np.ones(30), n_perm=99)
    assert p == pytest.approx(1 / 100)
    with pytest.raises(ValueError, match="n_perm"):
        sign_flip_test([1.0], n_perm=0)


def _hand_frame():
    # e1: X (0.5, 0.7) vs Y 0.3 -> d = 0.3; e2: X 0.4 vs Y 0.3 -> 0.1; e3: 0.6 vs 0.4 -> 0.2;
    # e4 only X, e5 only Y (not shared); Z covers e1 only
    return pd.DataFrame({
        "article_id": [f"a{i}" for i in range(10)],
        "outlet": ["X", "X", "Y", "X", "Y", "X", "Y", "X", "Y", "Z"],
        "event_id": ["e1", "e1", "e1", "e2", "e2", "e3", "e3", "e4", "e5", "e1"],
        "frame:f": [0.5, 0.7, 0.3, 0.4, 0.3, 0.6, 0.4, 0.9, 0.0, 0.1],
        "frame:g": [0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.5, 0.5, np.nan],
    })


def test_matched_differences_hand_computed():
    table = matched_differences(_hand_frame(), ["frame:f", "frame:g"], n_boot=500, n_perm=2000)
    xy = table[(table["group_a"] == "X") & (table["group_b"] == "Y")].set_index("measure")
    f = xy.loc["frame:f"]
    assert f["n_events"] == 3 and f["n_a"] == 4 and f["n_b"] == 3
    assert f["difference"] == pytest.approx(0.2)  # mean of 0.3, 0.1, 0.2: events weighted once
    assert f["mean_a"] == pytest.approx((0.6 + 0.4 + 0.6) / 3) and f["mean_b"] == pytest.approx(1 / 3)
    assert f["p_value"] == pytest.approx(0.25)
    assert 0.1 - 1e-12 <= f["ci_low"] <= 0.2 <= f["ci_high"] <= 0.3 + 1e-12
    g = xy.loc["frame:g"]
    assert g["difference"] == pytest.approx(0.0) and g["p_value"] == pytest.approx(1.0)
    xz = table[(table["group_a"] == "X") & (table["group_b"] == "Z")].set_index("measure")
    assert xz.loc["frame:f", "n_events"] == 1 and xz.loc["frame:f", "difference"] == pytest.approx(0.5)
    assert xz.loc["frame:f", "ci_low"] == xz.loc["frame:f", "ci_high"] == pytest.approx(0.5)  # one event
    assert xz.loc["frame:g", "n_events"] == 0 and np.isnan(xz.loc["frame:g", "difference"])  # Z's g is missing
    np.testing.assert_allclose(table["q_value"], benjamini_hochberg(table["p_value"].to_numpy()))


def test_agenda_hand_computed():
    table = agenda(_hand_frame()).set_index(["group", "other"])
    # X: 5 articles in e1, e2, e3, e4; Y covers e1-e3 (+e5), so X's e4 article is not covered
    assert table.loc[("X", "Y"), "articles"] == 5 and table.loc[("X", "Y"), "articles_not_covered"] == 1
    assert table.loc[("X", "Y"), "share_not_covered"] == pytest.approx(0.2)
    assert table.loc[("X", "Z"), "articles_not_covered"] == 3 and table.loc[("X", "Z"), "events_not_covered"] == 3
    assert table.loc[("Z", "X"), "share_not_covered"] == 0.0
    assert table.loc[("Y", "X"), "events"] == 4 and table.loc[("Y", "X"), "events_not_covered"] == 1


def _agenda_corpus(seed=0):
    """Outlet "Siege Daily" covers 20 attacks and 4 summits, "Calm Times" and "Third Post" 4 attacks
    and 20 summits; attacks read as siege (0.8), summits not (0.2), and within every event
    each outlet tells it the same way (noise only)."""
    rng = np.random.default_rng(seed)
    rows = []
    plan = {"Siege Daily": (range(20), range(4)), "Calm Times": (range(4), range(20)),
            "Third Post": (range(16, 20), range(16, 20))}
    for outlet, (attacks, summits) in plan.items():
        for kind, events, level in (("attack", attacks, 0.8), ("summit", summits, 0.2)):
            for e in events:
                for _ in range(2):
                    rows.append((outlet, f"{kind}-{e}", level + rng.normal(0, 0.05)))
    frame = pd.DataFrame(rows, columns=["outlet", "event_id", "frame:siege"])
    frame.insert(0, "article_id", [f"a{i}" for i in range(len(frame))])
    frame["published"] = pd.Timestamp("2024-01-01")
    return frame


def test_agenda_effect_unmatched_significant_matched_not():
    cmp = compare(_agenda_corpus(), matched=True, n_boot=500, n_perm=2000)
    un = cmp.differences.set_index(["outlet_a", "outlet_b"]).loc[("Calm Times", "Siege Daily")]
    assert un["difference"] == pytest.approx(-0.4, abs=0.03) and un["p_value"] < 0.001 and un["q_value"] < 0.01
    m = cmp.matched_differences.set_index(["outlet_a", "outlet_b"]).loc[("Calm Times", "Siege Daily")]
    assert m["n_events"] == 8  # the 4 attacks and 4 summits both cover
    assert abs(m["difference"]) < 0.05 and m["p_value"] > 0.05 and m["q_value"] > 0.05
    assert m["ci_low"] < 0 < m["ci_high"]
    assert m["unmatched_difference"] == pytest.approx(un["difference"])
    assert m["unmatched_q_value"] == pytest.approx(un["q_value"])
    ag = cmp.agenda.set_index(["outlet", "other_outlet"])
    assert ag.loc[("Siege Daily", "Calm Times"), "share_not_covered"] == pytest.approx(16 / 24)
    assert ag.loc[("Third Post", "Siege Daily"), "share_not_covered"] == pytest.approx(8 / 16)  # its 4 summits 16-19
    assert cmp.params["matched"] and cmp.params["event_column"] == "event_id"


def test_matched_on_another_event_column_and_group():
    frame = _agenda_corpus()
    frame["gold"] = frame["event_id"].str.replace("summit", "meeting")
    frame["bloc"] = frame["outlet"].map({"Siege Daily": "north", "Calm Times": "south", "Third Post": "south"})
    cmp = compare(frame, by="bloc", matched=True, event_column="gold", n_boot=100, n_perm=500)
    table = cmp.matched_differences
    assert list(table[["group_a", "group_b"]].drop_duplicates().itertuples(index=False, name=None)) == \
        [("north", "south")]
    assert set(cmp.agenda.columns) >= {"group", "other"}
    with pytest.raises(ValueError, match="event column 'nope'"):
        compare(frame, matched=True, event_column="nope")


def test_basil_gold_clusters_give_100_shared_events(eval_dir, hashing_encoder):
    """Real BASIL (100 events x 3 outlets): over the gold clusters every pair shares 100 events."""
    import framing

    result = framing.analyse(eval_dir / "basil_triplets" / "articles.jsonl", encoder=hashing_encoder)
    scores = result.scores
    assert "cluster_id" in scores.columns and scores["cluster_id"].nunique() == 100
    cmp = result.compare(matched=True, event_column="cluster_id", drop_off_topic=False, n_boot=200, n_perm=500)
    pairs = cmp.matched_differences.drop_duplicates(["outlet_a", "outlet_b"])
    assert len(pairs) == 3 and (pairs["n_events"] == 100).all()
    assert (cmp.agenda["articles_not_covered"] == 0).all()
