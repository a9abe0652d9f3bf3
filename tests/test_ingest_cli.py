"""``framing ingest`` / ``framing articles``: reports, formats, and clear one-line errors."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


def test_ingest_prints_report_and_reingest_adds_nothing(tmp_path, seed_path):
    db = tmp_path / "cli.duckdb"
    result = runner.invoke(app, ["ingest", str(seed_path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "records read" in result.output and "kept" in result.output
    again = runner.invoke(app, ["ingest", str(seed_path), "--db", str(db), "--json"])
    assert again.exit_code == 0
    report = json.loads(again.output)
    assert report["kept"] == 5 and report["already_stored"] == 5 and report["records_read"] == 5


def test_articles_formats(tmp_path, seed_path):
    db = tmp_path / "cli.duckdb"
    assert runner.invoke(app, ["ingest", str(seed_path), "--db", str(db), "-q"]).exit_code == 0
    table = runner.invoke(app, ["articles", "--db", str(db)])
    assert table.exit_code == 0 and "5 article(s)" in table.output and "Arab News" in table.output
    as_csv = runner.invoke(app, ["articles", "--db", str(db), "--format", "csv", "--limit", "2"])
    assert as_csv.exit_code == 0
    lines = as_csv.output.splitlines()
    assert lines[0].startswith("article_id,outlet,published,title,text")
    rows = [json.loads(line) for line in runner.invoke(app, ["articles", "--db", str(db), "-f", "jsonl"]).output.splitlines()]
    assert len(rows) == 5 and {r["published"] for r in rows} >= {"2025-06-11", "2025-05-02"}
    bad = runner.invoke(app, ["articles", "--db", str(db), "--format", "xml"])
    assert bad.exit_code == 1 and "expected table, csv or jsonl" in bad.output
    missing = runner.invoke(app, ["articles", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "no such store" in missing.output


def test_skipped_records_finish_with_skips_and_are_listed(tmp_path):
    from framing.cli._options import EXIT_SKIPPED

    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "A convoy was attacked near the border on Monday."}) + "\n{broken\n")
    result = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "d.duckdb"), "-q"])
    assert result.exit_code == EXIT_SKIPPED == 3
    assert "Skipped records" in result.output and "line 2" in result.output and "malformed JSON" in result.output
    assert "finished with skips" in result.output
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"id": "2", "text": "Talks on the budget resumed on Tuesday."}) + "\n")
    assert runner.invoke(app, ["ingest", str(clean), "--db", str(tmp_path / "d.duckdb"), "-q"]).exit_code == 0


def test_unreadable_input_exits_one_with_clear_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(empty), "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 1
    assert "empty.csv: empty file" in result.output and "Traceback" not in result.output
    nocol = tmp_path / "nocol.csv"
    pd.DataFrame([{"ref": 1, "words": 2}]).to_csv(nocol, index=False)
    result = runner.invoke(app, ["ingest", str(nocol), "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 1 and "ref, words" in result.output
    bad_map = runner.invoke(app, ["ingest", str(nocol), "--db", str(tmp_path / "d.duckdb"), "--map", "words"])
    assert bad_map.exit_code == 1 and "FIELD=COLUMN" in bad_map.output


def test_map_and_boilerplate_options(tmp_path):
    path = tmp_path / "odd.csv"
    pd.DataFrame([{"ref": "z1", "words": "The talks resumed in Doha on Sunday. PROMO: win a trip to Doha!"}]).to_csv(
        path, index=False)
    patterns = tmp_path / "extra.txt"
    patterns.write_text("# site promos\nPROMO:[^\\n]*\n", encoding="utf-8")
    db = tmp_path / "d.duckdb"
    result = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--map", "text=words", "--map", "id=ref",
                                 "--boilerplate", str(patterns), "-q"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in runner.invoke(app, ["articles", "--db", str(db), "-f", "jsonl"]).output.splitlines()]
    assert rows == [dict(rows[0], article_id="z1", text="The talks resumed in Doha on Sunday.")]


def test_help_texts():
    for command in ("ingest", "articles"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
    text = runner.invoke(app, ["ingest", "--help"]).output
    assert "--map" in text and "--boilerplate" in text and "--db" in text
