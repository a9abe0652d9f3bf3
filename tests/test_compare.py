"""Comparison tables are correct by construction: pandas / hand / scipy values agree."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing.compare import compare, measure_columns, tokenise
from framing.stats import benjamini_hochberg, log_odds_dirichlet, permutation_test


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    n = 36
    outlets = np.array(["Alpha", "Beta", "Gamma"])[np.arange(n) % 3]
    shift = {"Alpha": 0.0, "Beta": 0.3, "Gamma": 0.1}
    frame = pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)],
        "outlet": outlets,
        "published": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) // 3 * 4, unit="D"),
        "title": "",
        "event_id": [f"e-{i // 6}" for i in range(n)],
        "relevance": 0.5,
        "frame:siege": np.clip(rng.normal(0.4, 0.1, n) + [shift[o] for o in outlets], 0, 1),
        "frame:proxy": rng.uniform(0, 1, n),
        "axis:siege_vs_proxy": rng.uniform(-1, 1, n),
        "axis:siege_vs_proxy:lo": -1.0,
        "axis:siege_vs_proxy:hi": 1.0,
        "axis:siege_vs_proxy:intensity": 0.2,
        "axis:siege_vs_proxy:relevance": 0.9,
        "off_topic": False,
    })
    frame.loc[5, "frame:proxy"] = np.nan
    frame.loc[35, "off_topic"] = True
    return frame


MEASURES = ["frame:siege", "frame:proxy", "axis:siege_vs_proxy"]


def test_measure_columns_skip_helpers(scores):
    assert measure_columns(scores) == MEASURES


def test_means_equal_pandas_groupby_and_ci_brackets_mean(scores):
    cmp = compare(scores, n_boot=400, n_perm=200)
    kept = scores[~scores["off_topic"]]
    expected = kept.groupby("outlet")[MEASURES].mean()
    counts = kept.groupby("outlet")[MEASURES].count()
    means = cmp.means.set_index(["outlet", "measure"])
    assert set(cmp.means["event_id"]) == {"all"}
    assert len(means) == 3 * len(MEASURES)
    for outlet in expected.index:
        for m in MEASURES:
            row = means.loc[(outlet, m)]
            assert row["mean"] == pytest.approx(expected.loc[outlet, m])
            assert row["n"] == counts.loc[outlet, m]
            assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert means.loc[("Gamma", "frame:siege"), "n"] == 11  # the off-topic article is left out
    cov = cmp.tables["coverage"].set_index("outlet")
    assert cov.loc["Gamma", "articles"] == 11 and cov.loc["Gamma", "off_topic_excluded"] == 1
    assert cov.loc["Alpha", "events"] == 6


def test_differences_match_permutation_test_and_bh(scores):
    cmp = compare(scores, n_boot=50, n_perm=300, random_state=3)
    diffs = cmp.differences
    assert len(diffs) == 3 * len(MEASURES)  # three outlet pairs
    kept = scores[~scores["off_topic"]]
    row = diffs[(diffs["outlet_a"] == "Alpha") & (diffs["outlet_b"] == "Beta") & (diffs["measure"] == "frame:siege")].iloc[0]
    a = kept.loc[kept["outlet"] == "Alpha", "frame:siege"]
    b = kept.loc[kept["outlet"] == "Beta", "frame:siege"]
    assert row["difference"] == pytest.approx(a.mean() - b.mean())
    assert row["mean_a"] - row["mean_b"] == pytest.approx(row["difference"])
    assert (row["n_a"], row["n_b"]) == (12, 12)
    _, p = permutation_test(a.to_numpy(), b.to_numpy(), n_perm=300, random_state=99)
    assert row["p_value"] == pytest.approx(p, abs=0.08)  # two Monte Carlo runs of the same test
    assert row["p_value"] < 0.01  # a 0.3 shift with sd 0.1 is found
    np.testing.assert_allclose(diffs["q_value"], benjamini_hochberg(diffs["p_value"]))
    assert (diffs["q_value"] >= diffs["p_value"] - 1e-12).all()


def test_by_event_adds_within_event_rows(scores):
    scores = scores.copy()
    scores.loc[scores["event_id"] == "e-5", "outlet"] = "Alpha"  # an event told by one outlet only
    cmp = compare(scores, by="event", n_boot=50, n_perm=50)
    within = cmp.means[cmp.means["event_id"] != "all"]
    kept = scores[~scores["off_topic"]]
    expected = kept.groupby(["event_id", "outlet"])["frame:siege"].agg(["mean", "count"])
    got = within[within["measure"] == "frame:siege"].set_index(["event_id", "outlet"])
    assert len(got) == len(expected)
    np.testing.assert_allclose(got.loc[expected.index, "mean"], expected["mean"])
    assert got.loc[expected.index, "n"].tolist() == expected["count"].tolist()
    ev = cmp.differences[cmp.differences["event_id"] != "all"]
    assert "e-5" not in set(ev["event_id"])  # no pair to compare
    assert set(ev["event_id"]) == {f"e-{i}" for i in range(5)}
    # exact test within an event: 2 vs 2 articles -> C(4, 2) = 6 splits
    one = ev[(ev["event_id"] == "e-0") & (ev["outlet_a"] == "Alpha") & (ev["outlet_b"] == "Beta")
             & (ev["measure"] == "frame:siege")].iloc[0]
    sub = kept[kept["event_id"] == "e-0"]
    _, exact = permutation_test(sub.loc[sub["outlet"] == "Alpha", "frame:siege"].to_numpy(),
                                sub.loc[sub["outlet"] == "Beta", "frame:siege"].to_numpy())
    assert one["p_value"] == pytest.approx(exact) and one["p_value"] * 6 == pytest.approx(round(exact * 6))


def test_distinctive_terms_hand_checked():
    scores = pd.DataFrame({"article_id": ["x1", "x2", "y1", "y2"], "outlet": ["X", "X", "Y", "Y"],
                           "published": pd.NaT, "frame:f": [0.1, 0.2, 0.3, 0.4]})
    texts = {
        "x1": "Militants attacked the army post. Hybrid warfare, officials said.",
        "x2": "The army blamed hybrid warfare and foreign militants.",
        "y1": "Rights groups said the state used militants as proxies.",
        "y2": "Enforced disappearances rose, rights groups said, as the state used proxies.",
    }
    default = compare(scores, texts=texts, n_boot=20, n_perm=20, min_term_count=2).distinctive_terms
    assert "said" not in set(default["term"])  # boilerplate left out by default
    terms = compare(scores, texts=texts, n_boot=20, n_perm=20, min_term_count=2, exclude_terms=()).distinctive_terms
    assert "said" in set(terms["term"])
    top_x = terms[terms["outlet"] == "X"].sort_values("rank")
    top_y = terms[terms["outlet"] == "Y"].sort_values("rank")
    assert {"army", "hybrid", "warfare"} <= set(top_x["term"])
    assert {"rights", "proxies", "state"} <= set(top_y["term"])
    assert not {"attacked", "post", "rose"} & set(terms["term"])  # seen once: below min_term_count
    ranks = top_x.set_index("term")["rank"]
    assert ranks["army"] < ranks["militants"]  # 2 vs 0 beats 2 vs 1
    # recompute one z-score by hand from token counts
    counts = {o: Counter(t for a in ids for t in tokenise(texts[a])) for o, ids in (("X", ["x1", "x2"]), ("Y", ["y1", "y2"]))}
    vocab = sorted(set(counts["X"]) | set(counts["Y"]))
    ya = np.array([counts["X"][w] for w in vocab], float)
    yb = np.array([counts["Y"][w] for w in vocab], float)
    _, z = log_odds_dirichlet(ya, yb, ya + yb + 0.01)
    army = top_x.set_index("term").loc["army"]
    assert army["z"] == pytest.approx(z[vocab.index("army")])
    assert army["count"] == 2 and army["count_other"] == 0
    assert (terms["z"] > 0).all()
    assert compare(scores, n_boot=10, n_perm=10).distinctive_terms.empty  # no texts, no terms


def test_prevalence_by_week_and_month(scores):
    cmp = compare(scores, time_freq="week", n_boot=20, n_perm=20)
    prev = cmp.prevalence
    kept = scores[~scores["off_topic"]].copy()
    kept["week"] = kept["published"].dt.to_period("W").dt.start_time
    expected = kept.groupby(["outlet", "week"])["frame:siege"].mean()
    got = prev[prev["measure"] == "frame:siege"].set_index(["outlet", "period"])["mean"]
    np.testing.assert_allclose(got.loc[expected.index], expected)
    # share_top: fraction of articles whose strongest frame is this frame
    top_siege = (kept["frame:siege"] > kept["frame:proxy"].fillna(-1)).groupby([kept["outlet"], kept["week"]]).mean()
    shares = prev[prev["measure"] == "frame:siege"].set_index(["outlet", "period"])["share_top"]
    np.testing.assert_allclose(shares.loc[top_siege.index], top_siege)
    assert prev.loc[prev["measure"] == "axis:siege_vs_proxy", "share_top"].isna().all()
    months = compare(scores, time_freq="M", n_boot=20, n_perm=20).prevalence
    assert months["period"].dt.day.eq(1).all() and months["n"].sum() == 35 * len(MEASURES)


def test_errors(scores):
    with pytest.raises(ValueError, match="by='frame': no such column"):
        compare(scores, by="frame")
    with pytest.raises(ValueError, match="by must be"):
        compare(scores, by="")
    with pytest.raises(ValueError, match="time_freq"):
        compare(scores, time_freq="fortnight")
    with pytest.raises(ValueError, match="event_id"):
        compare(scores.drop(columns="event_id"), by="event")
    with pytest.raises(ValueError, match="frame:"):
        compare(scores[["article_id", "outlet"]])


def test_comparison_export_round_trip(scores, tmp_path):
    import json

    from framing.export import read_tables

    cmp = compare(scores, by="event", n_boot=20, n_perm=20)
    paths = cmp.export(tmp_path / "cmp.xlsx", manifest={"codebook": {"id": "x"}})
    back = read_tables(paths[0])
    assert set(back) == set(cmp.tables)
    assert len(back["means"]) == len(cmp.means)
    np.testing.assert_allclose(back["differences"]["q_value"], cmp.differences["q_value"])
    record = json.loads(paths[-1].read_text())
    assert record["comparison"]["by"] == "event" and record["codebook"]["id"] == "x"


@pytest.mark.slow
def test_compare_on_seed_analysis(seed_path, encoder):
    import framing

    analysis = framing.analyse(framing.load([seed_path]), encoder=encoder)
    cmp = analysis.compare(by="event", n_boot=200, n_perm=200)
    scores = analysis.scores
    kept = scores[~scores["off_topic"].astype(bool)] if "off_topic" in scores else scores
    measures = measure_columns(scores)
    assert measures and any(m.startswith("axis:") for m in measures)
    overall = cmp.means[cmp.means["event_id"] == "all"].set_index(["outlet", "measure"])
    expected = kept.groupby("outlet")[measures].mean()
    for outlet in expected.index:
        for m in measures:
            if not math.isnan(expected.loc[outlet, m]):
                row = overall.loc[(outlet, m)]
                assert row["mean"] == pytest.approx(expected.loc[outlet, m])
                assert row["ci_low"] - 1e-12 <= row["mean"] <= row["ci_high"] + 1e-12
    assert overall["n"].groupby(level=0).max().sum() == len(kept)
    n_outlets = kept["outlet"].nunique()
    assert len(cmp.differences[cmp.differences["event_id"] == "all"]) == math.comb(n_outlets, 2) * len(measures)


def test_compare_on_basil_subset(eval_dir, hashing_encoder):
    """Real BASIL texts and gold events (scores from the small test encoder): tables add up."""
    import framing
    from framing.corpus import Article, Corpus

    raw = pd.read_json(eval_dir / "basil_triplets" / "articles.jsonl", lines=True)
    raw = raw[pd.to_datetime(raw["date"]).dt.year == 2012].reset_index(drop=True)
    corpus = Corpus(Article(str(r.id), r.outlet, pd.Timestamp(r.date).date(), r.title, r.text) for r in raw.itertuples())
    analysis = framing.analyse(corpus, encoder=hashing_encoder)
    scores = analysis.scores.copy()
    scores["event_id"] = raw["cluster_id"].astype(str).to_numpy()  # gold events
    texts = {a.article_id: a.text for a in corpus}
    cmp = compare(scores, by="event", texts=texts, n_boot=100, n_perm=100, time_freq="M")
    measures = measure_columns(scores)
    kept = scores[~scores["off_topic"].astype(bool)]
    within = cmp.means[cmp.means["event_id"] != "all"]
    assert len(within) == kept.groupby(["event_id", "outlet"]).ngroups * len(measures)
    assert within["n"].max() == 1  # one article per outlet and event
    assert (within["ci_low"] == within["mean"]).all() & (within["ci_high"] == within["mean"]).all()
    ev_diff = cmp.differences[cmp.differences["event_id"] != "all"]
    assert (ev_diff["p_value"] == 1.0).all()  # 1 vs 1: both splits are as extreme
    terms = cmp.distinctive_terms[cmp.distinctive_terms["event_id"] == "all"]
    assert set(terms["outlet"]) == set(kept["outlet"])
    for outlet, group in terms.groupby("outlet"):
        own = Counter(t for a in kept.loc[kept["outlet"] == outlet, "article_id"] for t in tokenise(texts[a]))
        for term, count in zip(group["term"], group["count"]):
            assert own[term] == count


@pytest.mark.slow
def test_cli_compare_writes_every_table(tmp_path, encoder):
    from typer.testing import CliRunner

    from framing.cli import app
    from framing.export import read_tables

    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", "--by", "event", "--out", str(out), "--format", "parquet",
                                      "--n-boot", "50", "--n-perm", "50", "--db", str(tmp_path / "db.duckdb")])
    assert result.exit_code == 0, result.output
    tables = read_tables(out)
    assert {"means", "differences", "distinctive_terms", "prevalence", "coverage"} <= set(tables)
    assert tables["coverage"]["articles"].sum() + tables["coverage"]["off_topic_excluded"].sum() == 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["codebook"]["id"] == "south-asia-security" and manifest["comparison"]["by"] == "event"
    bad = CliRunner().invoke(app, ["compare", "--by", "frame"])
    assert bad.exit_code == 1 and "no such column" in bad.output and "outlet, event, month" in bad.output
