"""Every input format parses with the usual field names, an explicit mapping, or by content."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from framing.ingest import IngestError, load

TEXT_A = ("Officials in Quetta said on Monday that a convoy was attacked near the border. "
          "Two soldiers were wounded and the road was closed for several hours.")
TEXT_B = ("The finance ministry announced a new budget framework for the coming year. "
          "Spending on schools and hospitals will rise while subsidies are cut.")
TEXT_C = ("Flooding in the northern valleys displaced thousands of families this week. "
          "Relief agencies warned that more rain was expected before the weekend.")


def _rows():
    return [
        {"id": "n1", "title": "Convoy attacked", "text": TEXT_A, "outlet": "Dawn", "date": "2025-05-02",
         "url": "https://example.org/1"},
        {"id": "n2", "title": "Budget framework", "text": TEXT_B, "outlet": "Geo", "date": "03/05/2025",
         "url": "https://example.org/2"},
        {"id": "n3", "title": "Floods", "text": TEXT_C, "outlet": "Dawn", "date": "2025-05-04T08:30:00Z",
         "url": "https://example.org/3"},
    ]


def _check_three(corpus):
    assert corpus.ids == ["n1", "n2", "n3"]
    assert [a.outlet for a in corpus] == ["Dawn", "Geo", "Dawn"]
    assert [a.published for a in corpus] == [dt.date(2025, 5, 2), dt.date(2025, 5, 3), dt.date(2025, 5, 4)]
    assert corpus["n1"].text == TEXT_A and corpus["n2"].title == "Budget framework"
    assert corpus["n3"].url == "https://example.org/3"
    assert corpus.report.records_read == 3 and corpus.report.kept == 3
    assert corpus.report.skipped == [] and corpus.report.merged == []


def test_jsonl(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n", encoding="utf-8")
    corpus = load(path)
    _check_three(corpus)
    assert corpus["n2"].source == f"{path}:line 2"


def test_json_array(tmp_path):
    path = tmp_path / "dump.json"
    path.write_text(json.dumps({"articles": _rows()}), encoding="utf-8")
    _check_three(load(path))


def test_csv_with_alternative_names(tmp_path):
    frame = pd.DataFrame(_rows()).rename(columns={"text": "body", "title": "headline", "outlet": "media_name",
                                                  "date": "publish_date"})
    path = tmp_path / "dump.csv"
    frame.to_csv(path, index=False)
    corpus = load(path)
    _check_three(corpus)
    assert corpus["n1"].source.endswith("dump.csv:row 2")


def test_tsv_and_semicolon_csv(tmp_path):
    frame = pd.DataFrame(_rows())
    tsv = tmp_path / "dump.tsv"
    frame.to_csv(tsv, index=False, sep="\t")
    _check_three(load(tsv))
    semi = tmp_path / "dump_semicolon.csv"
    frame.to_csv(semi, index=False, sep=";")
    _check_three(load(semi))


def test_parquet(tmp_path):
    frame = pd.DataFrame(_rows()).rename(columns={"text": "content", "outlet": "source", "date": "published"})
    frame["published"] = pd.to_datetime(["2025-05-02 00:00", "2025-05-03 12:00", "2025-05-04 08:30"])
    path = tmp_path / "dump.parquet"
    frame.to_parquet(path, index=False)
    _check_three(load(path))


def test_xlsx(tmp_path):
    frame = pd.DataFrame(_rows())
    path = tmp_path / "dump.xlsx"
    frame.to_excel(path, index=False)
    _check_three(load(path))


def test_explicit_mapping(tmp_path):
    frame = pd.DataFrame(_rows()).rename(columns={"text": "txt_main", "outlet": "paper", "id": "ref",
                                                  "date": "when"})
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(IngestError) as err:
        load(path)
    assert "odd.csv" in str(err.value) and "txt_main" in str(err.value) and "paper" in str(err.value)
    corpus = load(path, mapping={"text": "txt_main", "outlet": "paper", "id": "ref", "date": "when"})
    _check_three(corpus)
    with pytest.raises(ValueError, match="unknown field"):
        load(path, mapping={"body_text": "txt_main"})


def test_mapping_wins_over_usual_names(tmp_path):
    path = tmp_path / "two_texts.jsonl"
    rows = [{"id": "x", "text": "short teaser", "full": TEXT_A}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert load(path, mapping={"text": "full"})["x"].text == TEXT_A


def test_html_page(tmp_path):
    html = f"""<!DOCTYPE html><html><head><title>Convoy attacked near border | Dawn</title>
    <meta property="og:site_name" content="Dawn"><meta property="og:title" content="Convoy attacked near border">
    <meta property="article:published_time" content="2025-05-02T10:00:00+05:00"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Convoy attacked near border</h1><p>{TEXT_A}</p><p>{TEXT_B}</p></article>
    <footer>Copyright Dawn. All rights reserved. Share Tweet Email</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    corpus = load(path)
    assert len(corpus) == 1
    article = corpus.articles[0]
    assert article.title == "Convoy attacked near border"
    assert article.outlet == "Dawn"
    assert article.published == dt.date(2025, 5, 2)
    assert "convoy was attacked near the border" in article.text and "subsidies are cut" in article.text
    assert "Home" not in article.text and "All rights reserved" not in article.text


def test_folder_of_txt_and_html_recursively(tmp_path):
    (tmp_path / "dawn" / "2025").mkdir(parents=True)
    (tmp_path / "geo").mkdir()
    (tmp_path / "dawn" / "2025" / "a.txt").write_text(f"Convoy attacked\n\n{TEXT_A}\n", encoding="utf-8")
    (tmp_path / "geo" / "b.txt").write_text(f"Budget framework\n{TEXT_B}\n", encoding="utf-8")
    (tmp_path / "geo" / "c.html").write_text(
        f"<html><head><title>Floods</title></head><body><article><p>{TEXT_C}</p></article></body></html>",
        encoding="utf-8")
    (tmp_path / "geo" / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (tmp_path / "README.txt").write_text("About this folder", encoding="utf-8")
    corpus = load(tmp_path)
    by_title = {a.title: a for a in corpus}
    assert set(by_title) == {"Convoy attacked", "Budget framework", "Floods"}
    assert by_title["Convoy attacked"].outlet == "2025"  # the file's own folder
    assert by_title["Budget framework"].outlet == "geo" and by_title["Budget framework"].text == TEXT_B
    assert by_title["Floods"].text == TEXT_C
    warnings = " ".join(corpus.report.warnings)
    assert "notes.docx" in warnings and "README.txt" in warnings
    assert len(corpus.report.files_read) == 3


def test_single_text_file_without_title_line(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(TEXT_A, encoding="utf-8")
    article = load(path).articles[0]
    assert article.title == "" and article.text == TEXT_A and article.outlet == ""


def test_jsonl_detected_by_content_and_aggregator_by_layout(tmp_path, seed_path):
    path = tmp_path / "export.txt"  # JSONL under a .txt name
    path.write_text("\n".join(json.dumps(r) for r in _rows()), encoding="utf-8")
    _check_three(load(path))
    listing = tmp_path / "listing.html.txt"
    listing.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(load(listing)) == 5


def test_stable_ids_without_input_ids(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "id"} for r in _rows()]
    path = tmp_path / "noid.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    first, second = load(path), load(path)
    assert first.ids == second.ids
    assert all(i.startswith("a-") and len(i) == 18 for i in first.ids)
    assert len(set(first.ids)) == 3
    # the id depends on the content: change the outlet, the id changes
    rows[0]["outlet"] = "Express Tribune"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert load(path).ids[0] != first.ids[0] and load(path).ids[1:] == first.ids[1:]


def test_numeric_ids_and_odd_values(tmp_path):
    path = tmp_path / "odd_values.jsonl"
    rows = [{"id": 17, "text": TEXT_A, "source": {"id": "dawn", "name": "Dawn"}, "authors": ["A. Khan", "B. Ali"],
             "published": 1746144000}]
    path.write_text(json.dumps(rows[0]), encoding="utf-8")
    article = load(path)["17"]
    assert article.outlet == "Dawn" and article.author == "A. Khan, B. Ali"
    assert article.published == dt.date(2025, 5, 2)


def test_several_files_and_progress(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.csv"
    a.write_text(json.dumps(_rows()[0]), encoding="utf-8")
    pd.DataFrame(_rows()[1:]).to_csv(b, index=False)
    calls = []
    corpus = load([a, b], progress=lambda done, total: calls.append((done, total)))
    _check_three(corpus)
    total = a.stat().st_size + b.stat().st_size
    assert calls and calls[-1] == (total, total)
    assert all(d <= t for d, t in calls)


def test_html_in_declared_legacy_charset(tmp_path):
    html = ('<html><head><meta charset="windows-1252"><title>Caf\u00e9 talks</title></head><body><article>'
            f'<p>Caf\u00e9 owners met the minister \u2013 again. {TEXT_A}</p></article></body></html>')
    path = tmp_path / "legacy.html"
    path.write_bytes(html.encode("cp1252"))
    corpus = load(path)
    assert corpus.articles[0].text.startswith("Caf\u00e9 owners met the minister \u2013 again.")
    assert not corpus.report.warnings  # the page said which charset it uses


@pytest.mark.parametrize("value, expected", [
    ("11-06-2025", "2025-06-11"), ("2025-06-11", "2025-06-11"), ("2025/06/11", "2025-06-11"),
    ("06/13/2025", "2025-06-13"), (20250611, "2025-06-11"), ("20250611", "2025-06-11"),
    (1749600000, "2025-06-11"), (1749600000000, "2025-06-11"), ("Wed, 11 Jun 2025 08:00:00 GMT", "2025-06-11"),
    ("June 11, 2025", "2025-06-11"), (dt.datetime(2025, 6, 11, 23, 0), "2025-06-11"),
])
def test_parse_date_values(value, expected):
    from framing.ingest import parse_date

    date, ok = parse_date(value)
    assert ok and date.isoformat() == expected


@pytest.mark.parametrize("value", ["sometime", "31-02-2025", "99/99/9999", "2 hours ago", 12])
def test_parse_date_failures(value):
    from framing.ingest import parse_date

    assert parse_date(value) == (None, False)


def test_csv_detected_by_header_without_extension(tmp_path):
    path = tmp_path / "export_2025"
    pd.DataFrame(_rows()).to_csv(path, index=False)
    _check_three(load(path))
    prose = tmp_path / "note.txt"
    prose.write_text("Text, as they say, is king\nThe body of a plain note.", encoding="utf-8")
    assert load(prose).articles[0].title == "Text, as they say, is king"


def test_month_first_dates_detected_per_file(tmp_path):
    us = tmp_path / "us.csv"
    pd.DataFrame([{"id": "1", "text": TEXT_A, "date": "05/02/2025"},  # ambiguous, read like the rest of the file
                  {"id": "2", "text": TEXT_B, "date": "05/13/2025"},  # only month-first makes sense
                  {"id": "3", "text": TEXT_C, "date": "06/01/2025"}]).to_csv(us, index=False)
    corpus = load(us)
    assert [a.published.isoformat() for a in corpus] == ["2025-05-02", "2025-05-13", "2025-06-01"]
    assert any("month-first" in w and "row 3" in w for w in corpus.report.warnings)
    eu = tmp_path / "eu.csv"
    pd.DataFrame([{"id": "1", "text": TEXT_A, "date": "05/02/2025"},
                  {"id": "2", "text": TEXT_B, "date": "13/05/2025"}]).to_csv(eu, index=False)
    assert [a.published.isoformat() for a in load(eu)] == ["2025-02-05", "2025-05-13"]
