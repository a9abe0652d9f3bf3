"""User metadata: input columns outside the core fields are kept, typed, stored and exported,
and ``compare(by=COLUMN)`` groups by them."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

import framing
from framing.compare import compare
from framing.metadata import MAX_EXTRA_CHARS, MAX_EXTRA_COLUMNS, extra_frame, extra_value
from framing.store import Store

_TEXTS = {
    "left": "The council approved a climate plan with new bus lanes and solar roofs for schools.",
    "right": "Taxpayers face higher bills as the council pushes an expensive climate scheme on drivers.",
    "centre": "The council debated a climate plan; supporters cited cleaner air, critics the cost.",
}


def _jsonl(path, n=12):
    rows = []
    for i in range(n):
        bias = ("left", "right", "centre")[i % 3]
        rows.append({"id": f"r{i}", "outlet": f"Outlet {i % 4}", "date": f"2024-03-{i + 1:02d}",
                     "text": f"{_TEXTS[bias]} Item {i} of the series on the city budget.",
                     "mbfc_bias": bias, "score": i, "rating": i / 2, "checked_on": f"2024-04-{i + 1:02d}",
                     "tags": ["climate", bias], "event_id": f"gold-{i // 3}", "flag": i % 2 == 0})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_extra_value_and_typing():
    assert extra_value(True) == (True, False)
    assert extra_value({"a": [1]}) == ('{"a": [1]}', False)
    assert extra_value("x" * (MAX_EXTRA_CHARS + 5)) == ("x" * MAX_EXTRA_CHARS, True)
    assert extra_value("  ") == (None, False)
    frame = extra_frame([{"n": "1", "x": "1.5", "d": "2024-01-02", "t": "a", "b": True},
                         {"n": "2", "x": "2", "d": "2024-01-03", "t": 3, "b": False}, {}])
    assert str(frame["n"].dtype) == "Int64" and frame["n"].tolist()[:2] == [1, 2] and pd.isna(frame["n"][2])
    assert frame["x"].dtype == float and frame["x"].tolist()[:2] == [1.5, 2.0]
    assert str(frame["d"].dtype).startswith("datetime64") and frame["d"][1] == pd.Timestamp("2024-01-03")
    assert frame["t"].tolist()[:2] == ["a", "3"]  # mixed -> text
    assert str(frame["b"].dtype) == "boolean"
    ambiguous = extra_frame([{"d": "03/04/2024"}, {"d": "2024-01-03"}])
    assert ambiguous["d"].dtype == object  # not all ISO: kept as text


def test_jsonl_columns_kept_typed_and_renamed(tmp_path):
    corpus = framing.load(_jsonl(tmp_path / "a.jsonl"))
    first = corpus.articles[0]
    assert first.extra["mbfc_bias"] == "left" and first.extra["score"] == 0 and first.extra["tags"] == \
        '["climate", "left"]'
    assert "event_id" not in first.extra and first.extra["event_id_input"] == "gold-0"  # no shadowing
    assert "date" not in first.extra  # the date fed `published`
    frame = corpus.to_frame()
    assert list(frame.columns[:9]) == ["article_id", "outlet", "published", "title", "text", "url", "section",
                                       "author", "source"]
    assert str(frame["score"].dtype) == "Int64" and frame["rating"].dtype == float
    assert str(frame["checked_on"].dtype).startswith("datetime64")
    assert frame["mbfc_bias"].tolist()[:3] == ["left", "right", "centre"]


def test_csv_and_parquet_columns_kept(tmp_path):
    csv = tmp_path / "a.csv"
    pd.DataFrame({"text": ["One article about the port strike.", "Another about the port strike talks."],
                  "outlet": ["A", "B"], "country_of_outlet": ["PK", "IN"], "reach": ["1200", "800"]}).to_csv(
        csv, index=False)
    frame = framing.load(csv).to_frame()
    assert frame["country_of_outlet"].tolist() == ["PK", "IN"]
    assert frame["reach"].tolist() == [1200, 800] and str(frame["reach"].dtype) == "Int64"
    pq = tmp_path / "a.parquet"
    pd.DataFrame({"text": ["One article about floods.", "Another about the flood relief."], "outlet": ["A", "B"],
                  "weight": [0.5, 1.5]}).to_parquet(pq)
    assert framing.load(pq).to_frame()["weight"].tolist() == [0.5, 1.5]


def test_caps_on_columns_and_values(tmp_path):
    row = {"text": "A short article about the harbour.", "outlet": "A"}
    row.update({f"c{i:02d}": i for i in range(MAX_EXTRA_COLUMNS + 10)})
    row["c00"] = "y" * (MAX_EXTRA_CHARS + 100)
    path = tmp_path / "wide.jsonl"
    path.write_text(json.dumps(row) + "\n")
    corpus = framing.load(path)
    from framing.language import LANGUAGE_COLUMNS

    extra = {k: v for k, v in corpus.articles[0].extra.items() if k not in LANGUAGE_COLUMNS}  # added at ingest
    assert len(extra) == MAX_EXTRA_COLUMNS and "c49" in extra and "c50" not in extra
    assert len(extra["c00"]) == MAX_EXTRA_CHARS
    warnings = " ".join(corpus.report.warnings)
    assert f"more than {MAX_EXTRA_COLUMNS} extra columns" in warnings and "'c50'" in warnings
    assert "cut to 10,000 characters" in warnings


def test_store_round_trip_and_old_store_readable(tmp_path):
    corpus = framing.load(_jsonl(tmp_path / "a.jsonl"))
    with Store(tmp_path / "s.duckdb") as store:
        assert store.add_corpus(corpus) == len(corpus)
        back = store.corpus()
        frame = store.articles_frame()
    assert back.articles[4].extra == corpus.articles[4].extra
    assert str(frame["score"].dtype) == "Int64" and frame["mbfc_bias"].iloc[1] == "right"
    # a store written before the metadata table existed still opens read-only
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, outlet VARCHAR, published DATE, "
                "title VARCHAR, text VARCHAR, url VARCHAR, section VARCHAR, author VARCHAR, source VARCHAR, "
                "ingested_at TIMESTAMP)")
    con.execute("CREATE TABLE embeddings (model_id VARCHAR, sha256 VARCHAR, vector BLOB)")
    con.execute("INSERT INTO articles VALUES ('x', 'A', NULL, 't', 'Some text here.', '', '', '', '', now())")
    con.close()
    with Store(old, read_only=True) as store:
        got = store.corpus()
    assert got.articles[0].text == "Some text here." and got.articles[0].extra == {}


def test_metadata_in_scores_exports_and_compare_by_column(tmp_path, hashing_encoder):
    path = _jsonl(tmp_path / "a.jsonl")
    result = framing.analyse(path, encoder=hashing_encoder)
    scores = result.scores
    core_end = list(scores.columns).index("off_topic")
    tail = list(scores.columns)[core_end + 1:]
    assert tail[:3] == ["mbfc_bias", "score", "rating"] and "event_id_input" in tail
    assert scores["mbfc_bias"].tolist()[:3] == ["left", "right", "centre"]
    written = result.export(tmp_path / "out", format="csv")
    exported = pd.read_csv(next(p for p in written if p.name == "scores.csv"))
    assert exported["mbfc_bias"].tolist()[:3] == ["left", "right", "centre"]
    assert exported["score"].tolist() == list(range(12))
    cmp = result.compare(by="mbfc_bias", n_boot=50, n_perm=50, drop_off_topic=False)
    assert cmp.group_column == "group" and set(cmp.means["group"]) == {"left", "right", "centre"}
    kept = scores
    measure = "frame:state_under_siege"
    expected = kept.groupby("mbfc_bias")[measure].mean()
    got = cmp.means[cmp.means["measure"] == measure].set_index("group")["mean"]
    assert got.to_dict() == pytest.approx(expected.to_dict())
    assert {"group_a", "group_b"} <= set(cmp.differences.columns)
    by_flag = compare(scores, by="flag", n_boot=20, n_perm=20)
    assert set(by_flag.means["group"]) == {"True", "False"}
    months = compare(scores, by="month", n_boot=20, n_perm=20)
    assert set(months.means["group"]) == {"2024-03"}


def test_cli_compare_by_column(tmp_path, monkeypatch, hashing_encoder):
    from typer.testing import CliRunner

    from framing.cli import app

    monkeypatch.setattr("framing.analysis.resolve_encoder", lambda name=None: hashing_encoder)
    path = _jsonl(tmp_path / "a.jsonl")
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", str(path), "--by", "mbfc_bias", "--no-cache", "--n-boot", "30",
                                   "--n-perm", "30", "--out", str(out), "--format", "csv"])
    assert res.exit_code == 0, res.output
    coverage = pd.read_csv(out / "coverage.csv")
    assert set(coverage["group"]) == {"left", "right", "centre"}
    assert coverage["articles"].sum() + coverage["off_topic_excluded"].sum() == 12
    res = CliRunner().invoke(app, ["compare", str(path), "--by", "nonesuch", "--no-cache"])
    assert res.exit_code == 1 and "no such column" in res.output
