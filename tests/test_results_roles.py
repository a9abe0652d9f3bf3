"""Roles on the one Results interface: ``results.roles`` computed once and cached (in memory,
and as ``DIR/roles.parquet`` for a results folder), ``compare(target="roles")``, and the
roles tables in exports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import framing
from framing.corpus import Article, Corpus
from framing.results import Results

ROLE_COLS = ["role:none", "role:protagonist", "role:antagonist", "role:innocent"]


@pytest.fixture(scope="module")
def demo(encoder):
    return framing.analyse(framing.load(), "south-asia-security", encoder=encoder)


@pytest.fixture(scope="module")
def folder(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("roles") / "demo-results"
    demo.save(out)
    return out


def test_roles_in_memory_match_score_roles_and_are_computed_once(demo, encoder, monkeypatch):
    from framing.roles import score_roles

    rows = demo.roles
    again = score_roles(demo.corpus, "south-asia-security", encoder=encoder)
    pd.testing.assert_frame_equal(rows.drop(columns=["event_id"]), again.drop(columns=["event_id"]))
    assert {"article_id", "outlet", "actor", "mention", "start", "end", "role", "fine_role", "sentence"} <= set(rows)
    assert set(ROLE_COLS) <= set(rows)
    # the second read is the cached table: scoring is not run again
    monkeypatch.setattr("framing.roles.scoring.score_roles", lambda *a, **k: pytest.fail("recomputed"))
    assert demo.roles is rows


def test_roles_of_a_results_folder_are_cached_in_the_folder(folder, demo, monkeypatch):
    first = Results.open(folder)
    rows = first.roles
    assert (folder / "roles.parquet").is_file()
    pd.testing.assert_frame_equal(rows[["article_id", "actor", "start", "end", "role"]],
                                  demo.roles[["article_id", "actor", "start", "end", "role"]])
    first.close()
    monkeypatch.setattr("framing.roles.scoring.score_roles", lambda *a, **k: pytest.fail("recomputed"))
    reopened = Results.open(folder)
    cached = reopened.roles
    pd.testing.assert_frame_equal(cached[ROLE_COLS], rows[ROLE_COLS])
    reopened.close()


def test_compare_roles_gives_shares_and_differences_per_outlet(demo):
    tables = demo.compare(by="outlet", target="roles", level="part_of")
    assert set(tables) == {"role_shares", "role_differences"}
    shares = tables["role_shares"]
    pk = shares[shares["actor"] == "Pakistan"]
    outlets = set(demo.scores["outlet"])
    assert set(pk["group"]) == outlets and len(outlets) == 3
    by_outlet = pk.pivot_table(index="group", columns="role", values="share")
    assert (by_outlet.sum(axis=1) - 1).abs().max() < 1e-9  # shares of one actor and outlet add up to 1
    et = by_outlet.loc["Express Tribune"]
    fp = by_outlet.loc["First Post"]
    assert et["innocent"] > et["antagonist"], et
    assert fp["antagonist"] > fp["innocent"], fp
    assert (pk["ci_low"] <= pk["share"] + 1e-12).all() and (pk["share"] <= pk["ci_high"] + 1e-12).all()
    diffs = tables["role_differences"]
    assert {"p_value", "q_value"} <= set(diffs) and (diffs["actor"] == "Pakistan").any()
    assert demo.compare(by="outlet", target="roles", level="part_of") is tables  # cached
    with pytest.raises(ValueError, match="'bogus'"):
        demo.compare(target="bogus")


def test_role_shares_by_event_and_by_period(demo):
    rows = demo.roles
    by_event = demo.compare(by="event", target="roles")["role_shares"]
    scored = rows[rows["role"].notna()]
    assert set(by_event["group"]) == set(scored["event_id"].astype(str))
    per_event = by_event.groupby(["actor", "group"])["share"].sum()
    assert ((per_event - 1).abs() < 1e-9).all()
    by_month = demo.compare(by="period", target="roles", freq="M")["role_shares"]
    months = pd.to_datetime(scored["published"]).dt.to_period("M").astype(str)
    assert set(by_month["group"]) == set(months)
    n = by_month[by_month["role"] == "none"].groupby("group")["n"].sum()
    assert n.sum() == len(scored)  # every scored mention is counted once, in its month
    with pytest.raises(ValueError, match="nor event or period"):
        demo.compare(by="bogus", target="roles")


def test_export_includes_the_roles_tables_only_when_asked_or_small(demo, tmp_path):
    written = {p.name for p in demo.export(tmp_path / "with", format="csv")}
    assert {"roles.csv", "role_shares.csv", "role_differences.csv", "role_shares_by_event.csv",
            "role_shares_by_period.csv"} <= written  # small corpus with roles: default
    roles = pd.read_csv(tmp_path / "with" / "roles.csv")
    assert len(roles) == len(demo.roles)
    without = {p.name for p in demo.export(tmp_path / "without", format="csv", roles=False)}
    assert "roles.csv" not in without and "role_shares.csv" not in without


def test_roles_need_a_codebook_with_roles_and_a_known_encoder(hashing_encoder, tmp_path):
    corpus = Corpus([Article("a1", "Wire", dt.date(2025, 1, 1), "t", "Militants attacked a post. Officials met.")])
    plain = framing.analyse(corpus, "generic-frames", encoder=hashing_encoder)
    with pytest.raises(ValueError, match="no roles"):
        _ = plain.roles
    with pytest.raises(ValueError, match="no roles"):
        plain.export(tmp_path / "x", format="csv", roles=True)
    assert "roles.csv" not in {p.name for p in plain.export(tmp_path / "y", format="csv")}
    # a folder scored with an encoder this process cannot rebuild: ask for one, naming it
    roles_run = framing.analyse(corpus, "south-asia-security", encoder=hashing_encoder)
    roles_run.save(tmp_path / "run")
    opened = Results.open(tmp_path / "run")
    with pytest.raises(ValueError, match="test-hashing-64"):
        _ = opened.roles
    assert len(opened.role_table(hashing_encoder)) == len(roles_run.roles)
    assert "roles.csv" in {p.name for p in opened.export(tmp_path / "z", format="csv")}
    opened.close()
