"""Every export format writes what it was given, and a manifest that describes it."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from framing.export import FORMATS, export_tables, file_manifest, read_tables, sha256_file


@pytest.fixture
def tables():
    scores = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "outlet": ["Express Tribune", "Arab News", "First Post"],
            "published": pd.to_datetime(["2025-01-02", None, "2025-01-04"]),
            "frame:state_under_siege": [0.125, 0.5, 0.875],
            "axis:siege_vs_proxy": [-0.25, 0.0, 0.75],
            "off_topic": [False, True, False],
        }
    )
    means = pd.DataFrame(
        {"outlet": ["A", "B"], "measure": ["frame:x", "frame:x"], "mean": [0.1, 0.2], "n": [3, 4],
         "outlets": [["A"], ["A", "B"]]}
    )
    return {"scores": scores, "means": means}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "json"])
def test_round_trip_single_file_and_folder(tmp_path, tables, fmt):
    out = export_tables(tables, tmp_path / f"result{FORMATS[fmt]}", manifest={"codebook": {"id": "cb", "sha256": "ff"}})
    assert out[-1].name == "manifest.json" and all(p.exists() for p in out)
    back = read_tables(out[0]) if fmt in ("xlsx", "json") else {
        "scores": read_tables(out[0])["result_scores"], "means": read_tables(out[1])["result_means"]}
    _check(back, tables)
    folder = export_tables(tables, tmp_path / "folder", format=fmt)
    assert sorted(p.name for p in folder) == sorted([f"scores{FORMATS[fmt]}", f"means{FORMATS[fmt]}", "manifest.json"])
    _check(read_tables(tmp_path / "folder"), tables)


def _check(back, tables):
    assert set(back) == {"scores", "means"}
    got, want = back["scores"], tables["scores"]
    assert list(got.columns) == list(want.columns)
    assert got["article_id"].tolist() == want["article_id"].tolist()
    np.testing.assert_allclose(got["frame:state_under_siege"].astype(float), want["frame:state_under_siege"])
    np.testing.assert_allclose(got["axis:siege_vs_proxy"].astype(float), want["axis:siege_vs_proxy"])
    assert got["off_topic"].astype(str).str.lower().tolist() == ["false", "true", "false"]
    dates = pd.to_datetime(got["published"].replace("", None))
    assert dates.iloc[0] == pd.Timestamp("2025-01-02") and pd.isna(dates.iloc[1])
    assert back["means"]["outlets"].tolist() == ["A", "A; B"]  # lists are joined, not repr'd
    assert back["means"]["n"].astype(int).tolist() == [3, 4]


def test_markdown_and_latex_hold_every_table(tmp_path, tables):
    md = export_tables(tables, tmp_path / "t.md")[0].read_text()
    assert "## scores" in md and "## means" in md
    assert all(f"\n| a{i} " in md for i in (1, 2, 3))  # one markdown row per article
    assert "0.875" in md and "2025-01-04" in md and "Express Tribune" in md
    tex = export_tables(tables, tmp_path / "t.tex", manifest={})[0].read_text()
    assert tex.count(r"\begin{tabular}") == 2
    assert r"frame:state\_under\_siege" in tex and "0.875" in tex  # escaped underscores
    with pytest.raises(ValueError, match="not supported"):
        read_tables(tmp_path / "t.md")


def test_manifest_records_caller_provenance_outputs_and_time(tmp_path, tables):
    src = tmp_path / "in.txt"
    src.write_text("hello", encoding="utf-8")
    given = {"model_id": "all-MiniLM-L6-v2", "inputs": file_manifest([src, tmp_path / "absent.txt"]),
             "parameters": {"n_boot": 1000, "when": dt.date(2025, 1, 1)}}
    paths = export_tables(tables, tmp_path / "x.xlsx", manifest=given)
    record = json.loads(paths[-1].read_text())
    assert record["model_id"] == "all-MiniLM-L6-v2"
    assert record["inputs"][0]["sha256"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert record["inputs"][1] == {"path": str(tmp_path / "absent.txt"), "missing": True}
    assert record["parameters"]["when"] == "2025-01-01"
    assert record["framing_version"] and "pandas" in record["libraries"]
    assert dt.datetime.fromisoformat(record["created"]).tzinfo is not None
    assert record["tables"]["scores"]["rows"] == 3
    assert record["outputs"][0]["sha256"] == sha256_file(paths[0])
    assert "created" not in given  # the caller's dict is not modified


def test_excel_sheet_names_and_errors(tmp_path):
    long = {"a" * 40: pd.DataFrame({"x": [1]}), "b/c": pd.DataFrame({"x": [2]})}
    sheets = read_tables(export_tables(long, tmp_path / "s.xlsx")[0])
    assert sorted(sheets) == sorted(["a" * 31, "b_c"])
    with pytest.raises(ValueError, match="unknown export format"):
        export_tables(long, tmp_path / "s.docx")
    with pytest.raises(ValueError, match="DataFrame"):
        export_tables({"x": [1, 2]}, tmp_path / "s.csv")
    with pytest.raises(ValueError, match="no tables"):
        export_tables({}, tmp_path / "s.csv")
