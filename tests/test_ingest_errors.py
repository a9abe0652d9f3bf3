"""Bad input: clear errors naming the file, or skipped records listed in the report - never lost silently."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framing.ingest import IngestError, load

TEXT = ("Officials in Quetta said on Monday that a convoy was attacked near the border. "
        "Two soldiers were wounded and the road was closed for several hours.")
OTHER = ("The finance ministry announced a new budget framework for the coming year. "
         "Spending on schools and hospitals will rise while subsidies are cut.")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.jsonl: empty file"):
        load(path)
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    with pytest.raises(IngestError, match=r"blank\.txt: empty file"):
        load(blank)


def test_binary_file(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(IngestError, match=r"image\.csv: a binary file"):
        load(path)
    zipped = tmp_path / "archive.zip"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(IngestError, match=r"archive\.zip: a ZIP archive"):
        load(zipped)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(IngestError, match=r"nope\.jsonl: no such file"):
        load(tmp_path / "nope.jsonl")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(IngestError, match="no readable files"):
        load(tmp_path / "empty_dir")


def test_wrong_encoding_text_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    text = "Café owners in Peshawar – naïve hopes\n" + TEXT.replace("Monday", "Monday’s meeting") + " Prices rose 5 ¢."
    path.write_bytes(text.encode("cp1252"))
    corpus = load(path)
    article = corpus.articles[0]
    assert article.title == "Café owners in Peshawar – naïve hopes"
    assert "Monday’s meeting" in article.text
    assert any("legacy.txt" in w and "not valid UTF-8" in w and "decoded as" in w for w in corpus.report.warnings)


def test_wrong_encoding_csv_and_jsonl(tmp_path):
    csv_path = tmp_path / "latin.csv"
    pd.DataFrame([{"id": "1", "text": "Société Générale said déjà vu. " + TEXT}]).to_csv(
        csv_path, index=False, encoding="latin-1")
    corpus = load(csv_path)
    assert corpus["1"].text.startswith("Société Générale said déjà vu.")
    assert any("latin.csv" in w and "decoded as" in w for w in corpus.report.warnings)
    jsonl = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "u", "text": TEXT}, ensure_ascii=False).encode("utf-8")
    bad = json.dumps({"id": "c", "text": "Le café était fermé. " + OTHER}, ensure_ascii=False).encode("cp1252")
    jsonl.write_bytes(good + b"\n" + bad + b"\n")
    corpus = load(jsonl)
    assert corpus["c"].text.startswith("Le café était fermé.")
    assert any("mixed.jsonl" in w and "1 line(s) not valid UTF-8" in w for w in corpus.report.warnings)


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "utf16.jsonl"
    path.write_bytes(json.dumps({"id": "w", "text": "Ünïcode text. " + TEXT}, ensure_ascii=False).encode("utf-16"))
    assert load(path)["w"].text.startswith("Ünïcode text.")


def test_malformed_jsonl_line_is_skipped_rest_kept(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": "1", "text": TEXT}), '{"id": "2", "text": "unterminated', "",
             json.dumps(["not", "an", "object"]), json.dumps({"id": "3", "text": OTHER})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load(path)
    assert corpus.ids == ["1", "3"]
    skipped = {(s.location, s.reason.split(" (")[0]) for s in corpus.report.skipped}
    assert skipped == {("line 2", "malformed JSON"), ("line 4", "not a JSON object")}
    assert all(s.file == str(path) for s in corpus.report.skipped)
    assert corpus.report.kept == 2 and len(corpus.report.skipped) == 2
    assert corpus.report.records_read == 4  # every non-blank line is a record read


def test_csv_without_text_column_lists_columns(tmp_path):
    path = tmp_path / "meta.csv"
    pd.DataFrame([{"id": 1, "name": "x", "when": "2025-01-01"}]).to_csv(path, index=False)
    with pytest.raises(IngestError) as err:
        load(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert "no recognisable text column" in message and "id, name, when" in message and "--map" in message


def test_xlsx_and_parquet_without_text_column(tmp_path):
    frame = pd.DataFrame([{"ident": 1, "headline": "x"}])
    frame.to_excel(tmp_path / "m.xlsx", index=False)
    frame.to_parquet(tmp_path / "m.parquet", index=False)
    for name in ("m.xlsx", "m.parquet"):
        with pytest.raises(IngestError, match="ident, headline"):
            load(tmp_path / name)


def test_fake_parquet_and_xlsx(tmp_path):
    (tmp_path / "fake.parquet").write_text("id,text\n1,hello\n")
    with pytest.raises(IngestError, match=r"fake\.parquet: has a Parquet extension"):
        load(tmp_path / "fake.parquet")


def test_records_without_text_are_skipped_and_reported(tmp_path):
    path = tmp_path / "dump.csv"
    pd.DataFrame([{"id": "1", "text": TEXT}, {"id": "2", "text": ""}, {"id": "3", "text": "   "},
                  {"id": "4", "text": "Advertisement"}, {"id": "5", "text": OTHER}]).to_csv(path, index=False)
    corpus = load(path)
    assert corpus.ids == ["1", "5"]
    report = corpus.report
    assert report.records_read == 5 and report.kept == 2
    assert [(s.location, s.reason) for s in report.skipped] == [
        ("row 3", "no text"), ("row 4", "no text"), ("row 5", "no text left after boilerplate removal")]
    jsonl = tmp_path / "notext.jsonl"
    jsonl.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n" + json.dumps({"id": "b", "title": "t"}) + "\n")
    corpus = load(jsonl)
    assert [(s.location, s.reason) for s in corpus.report.skipped] == [("line 2", "no text field")]


def test_csv_row_with_too_many_fields(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text(f'id,text\n1,"{TEXT}"\n2,"{OTHER}",extra,fields\n3,Short but real text here.\n')
    corpus = load(path)
    assert corpus.ids == ["1", "3"]
    assert corpus.report.skipped[0].location == "row 3" and "4 fields" in corpus.report.skipped[0].reason


def test_unparseable_date_kept_with_empty_date_and_warning(tmp_path):
    path = tmp_path / "dates.jsonl"
    rows = [{"id": "1", "text": TEXT, "date": "sometime last spring"}, {"id": "2", "text": OTHER, "date": "31-02-2025"},
            {"id": "3", "text": "Floods displaced thousands of families in the north.", "date": "2025-02-28"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    corpus = load(path)
    assert len(corpus) == 3
    assert corpus["1"].published is None and corpus["2"].published is None
    assert corpus["3"].published.isoformat() == "2025-02-28"
    warning = [w for w in corpus.report.warnings if "date" in w]
    assert len(warning) == 1 and "2 date(s) could not be parsed" in warning[0] and "line 1" in warning[0]


def test_id_collision_with_different_text_is_kept_under_new_id(tmp_path):
    path = tmp_path / "ids.jsonl"
    rows = [{"id": "7", "text": TEXT}, {"id": "7", "text": OTHER}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    corpus = load(path)
    assert corpus.ids == ["7", "7~2"]
    assert any("id '7' already used" in w for w in corpus.report.warnings)


def test_same_file_twice_is_read_once(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "1", "text": TEXT}), encoding="utf-8")
    copy = tmp_path / "b.jsonl"
    copy.write_bytes(path.read_bytes())
    corpus = load([path, copy])
    assert len(corpus) == 1 and corpus.report.records_read == 1
    assert any("b.jsonl: same content as" in w for w in corpus.report.warnings)


def test_bad_boilerplate_pattern():
    with pytest.raises(ValueError, match="invalid boilerplate pattern"):
        load(boilerplate=["(unclosed"])


def test_jsonl_without_text_field_lists_keys(tmp_path):
    path = tmp_path / "meta.jsonl"
    path.write_text("\n".join(json.dumps({"ref": i, "name": "x"}) for i in range(3)), encoding="utf-8")
    with pytest.raises(IngestError, match=r"meta\.jsonl: no recognisable text column; keys found: ref, name"):
        load(path)
    # a first record without text does not condemn the file
    mixed = tmp_path / "mixed_keys.jsonl"
    mixed.write_text(json.dumps({"ref": 0}) + "\n" + json.dumps({"id": "1", "text": TEXT}), encoding="utf-8")
    corpus = load(mixed)
    assert corpus.ids == ["1"] and corpus.report.skipped[0].location == "line 1"
