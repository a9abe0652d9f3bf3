"""``framing roles``: a table of mentions; with --mentions exactly one row per given mention,
in order, unscorable ones kept with their reason and reported (exit code 3)."""

from __future__ import annotations

import csv

import pandas as pd
from typer.testing import CliRunner

from framing.cli import app

TEXT = ("[Kestria] The BLA attacked a convoy near Quetta. Islamabad condemned the attack and "
        "vowed to protect the highway.")


def _corpus(tmp_path):
    path = tmp_path / "articles.jsonl"
    pd.DataFrame([{"id": "k1", "outlet": "Test Times", "date": "2025-01-02", "title": "Convoy attacked",
                   "text": TEXT}]).to_json(path, orient="records", lines=True)
    return path


def test_roles_with_given_mentions_one_row_each(tmp_path):
    corpus = _corpus(tmp_path)
    mentions = tmp_path / "mentions.csv"
    with mentions.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["article_id", "start", "end", "mention"])
        w.writerow(["k1", TEXT.index("Islamabad"), TEXT.index("Islamabad") + 9, "Islamabad"])
        w.writerow(["nope", 0, 3, ""])
        w.writerow(["k1", TEXT.index("BLA") + 1, TEXT.index("BLA") + 4, "BLA"])   # off by one: re-anchored
        w.writerow(["k1", 5000, 5003, ""])
    out = tmp_path / "roles.csv"
    result = CliRunner().invoke(app, ["roles", str(corpus), "--mentions", str(mentions), "--out", str(out),
                                      "--no-cache"])
    assert result.exit_code == 3, result.output
    assert "2 of 4 given mention(s) not scored" in result.output
    rows = pd.read_csv(out, keep_default_na=False)
    assert len(rows) == 4 and rows["article_id"].tolist() == ["k1", "nope", "k1", "k1"]
    for col in ("article_id", "outlet", "published", "event_id", "actor", "mention", "start", "end", "role",
                "role:protagonist", "role:antagonist", "role:innocent", "fine_role", "fine_role:guardian",
                "sentence", "reason"):
        assert col in rows.columns, col
    assert rows.loc[0, "actor"] == "Pakistan" and rows.loc[0, "role"] in ("protagonist", "antagonist", "innocent")
    assert rows.loc[1, "reason"] == "article not found" and rows.loc[1, "role"] == ""
    assert rows.loc[2, "actor"] == "Balochistan Liberation Army" and "re-anchored" in rows.loc[2, "note"]
    assert rows.loc[2, "role"] == "antagonist"
    assert "outside the text" in rows.loc[3, "reason"] and rows.loc[3, "role"] == ""


def test_roles_table_escapes_markup(tmp_path):
    result = CliRunner().invoke(app, ["roles", str(_corpus(tmp_path)), "--no-cache", "--no-ner"])
    assert result.exit_code == 0, result.output
    assert "[Kestria]" in result.output
    assert "Islamabad" in result.output


def test_roles_refuses_a_codebook_without_roles(tmp_path):
    result = CliRunner().invoke(app, ["roles", str(_corpus(tmp_path)), "--codebook", "generic-frames"])
    assert result.exit_code == 1 and "no roles" in result.output
