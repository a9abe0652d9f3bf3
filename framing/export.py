"""Export tables (CSV, XLSX, Parquet, JSON, Markdown, LaTeX) with a manifest beside them.

``export_tables({"scores": df, ...}, "out/results.xlsx")`` writes the tables and a
``manifest.json`` in the same folder: the package version, the caller's provenance
(model id, codebook id and hash, parameters, input files with sha256), the time, and
each written file with its rows and sha256 -- so a table in a paper can be traced to
the run that made it.

Where the tables go:

* ``path`` is a folder (an existing directory, or a name without a suffix): one file
  per table, ``<folder>/<table>.<ext>``, in ``format`` (default csv);
* ``path`` is a file: xlsx puts one sheet per table, json one object of
  ``{table: [records]}``, md / tex one document with a section per table; csv and
  parquet write ``path`` itself for a single table, else ``<stem>_<table>.<ext>``.

Exports cannot attack the person who opens them: in CSV and XLSX, a text cell (or
column name) that starts with ``= + - @`` or a tab or carriage return -- which a
spreadsheet would run as a formula -- is prefixed with a single quote ``'`` (the OWASP
rule for CSV injection); numbers, and text that is just a number such as ``-0.5``,
stay as they are. ``neutralise_formulas=False`` keeps the raw text; XLSX cells are then
still written as text, never as formulas. The manifest's ``"cells"`` says which
(``"neutralised"`` or ``"raw"``). :func:`neutralise_sql` does the same inside a DuckDB
query (for exports streamed with ``COPY``). A LaTeX export with non-Latin text starts
with a comment (and logs a warning) that it needs xelatex or lualatex.

:func:`read_tables` reads csv / xlsx / parquet / json exports back into DataFrames.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
import re
import unicodedata
from importlib import metadata
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

__all__ = ["FORMATS", "export_tables", "file_manifest", "neutralise_formula", "neutralise_sql",
           "neutralised_query", "read_tables", "sha256_file"]

FORMATS = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "json": ".json", "md": ".md", "tex": ".tex"}
_ALIASES = {"excel": "xlsx", "xls": "xlsx", "pq": "parquet", "markdown": "md", "latex": "tex", "jsonl": "json"}
_SINGLE_FILE = {"xlsx", "json", "md", "tex"}
#: Formats opened by spreadsheets, where a leading ``=`` runs a formula.
_SPREADSHEET = {"csv", "xlsx"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?$")
_XELATEX_NOTE = ("% This file holds non-Latin text: compile it with xelatex or lualatex (with fontspec and a font\n"
                 "% that covers the script), not pdflatex.\n")
_EXCEL_MAX_ROWS = 1_048_575
_LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "sentence-transformers", "torch", "duckdb")


def _normalise_format(fmt: str) -> str:
    key = str(fmt).lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return key


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def file_manifest(paths: Iterable[str | Path]) -> list[dict]:
    """Describe input files for a manifest: path, size and sha256 (folders are walked).

    Parameters
    ----------
    paths : iterable of str or Path
        Files or folders; a folder contributes every file below it, sorted.

    Returns
    -------
    list of dict with keys ``path``, ``bytes``, ``sha256``; a path that does not exist
    gets ``{"path": ..., "missing": True}`` rather than an error.
    """
    out: list[dict] = []
    for raw in paths:
        p = Path(raw)
        files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
        for f in files:
            if not f.is_file():
                out.append({"path": str(f), "missing": True})
                continue
            out.append({"path": str(f), "bytes": f.stat().st_size, "sha256": sha256_file(f)})
    return out


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


# ---------------------------------------------------------------------- cleaning
def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy that every writer accepts: list cells joined, tz dropped, plain column names."""
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif series.dtype == object:
            if series.map(lambda v: isinstance(v, (list, tuple, set, np.ndarray))).any():
                out[col] = series.map(
                    lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple, set, np.ndarray)) else v
                )
    return out


def neutralise_formula(value):
    """``value`` made safe for a spreadsheet cell: text starting with ``= + - @``, tab or CR gets a
    leading ``'`` unless it is just a number (``-0.5``); anything that is not text is returned unchanged.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("-0.5"), neutralise_formula(-3)
    ("'=1+1", '-0.5', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and column name through :func:`neutralise_formula` (numbers untouched)."""
    out = frame.copy()
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if _is_text(series) or isinstance(series.dtype, pd.CategoricalDtype):
            out.isetitem(i, series.astype(object).map(neutralise_formula))
    return out


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def neutralise_sql(column_sql: str) -> str:
    """DuckDB SQL of :func:`neutralise_formula` for a text column (for ``COPY ... TO 'x.csv'``).

    Parameters
    ----------
    column_sql : str
        A VARCHAR expression, e.g. ``'"title"'`` (already quoted by the caller).

    Returns
    -------
    str
        A ``CASE`` expression of the same value, prefixed with ``'`` when it starts like a formula.

    Examples
    --------
    >>> import duckdb
    >>> duckdb.sql("SELECT " + neutralise_sql("'=1+1'") + " AS v").fetchall()[0][0]
    "'=1+1"
    """
    starts = "^[=+\\-@\t\r]"
    number = _PLAIN_NUMBER.pattern.replace("'", "''")
    quote = "''''"
    return (f"CASE WHEN regexp_matches({column_sql}, '{starts}') AND NOT regexp_matches({column_sql}, "
            f"'{number}') THEN {quote} || {column_sql} ELSE {column_sql} END")


def neutralised_query(con, query: str) -> str:
    """``query`` wrapped so that each of its VARCHAR columns (and column names) goes through
    :func:`neutralise_sql`; ``con`` is a DuckDB connection used to read the query's columns."""
    columns = con.execute(f"DESCRIBE {query}").fetchall()
    select = []
    for name, kind, *_ in columns:
        quoted = '"' + str(name).replace('"', '""') + '"'
        alias = '"' + str(neutralise_formula(str(name))).replace('"', '""') + '"'
        expr = neutralise_sql(quoted) if str(kind).upper() == "VARCHAR" else quoted
        select.append(f"{expr} AS {alias}")
    return f"SELECT {', '.join(select)} FROM ({query})"


def _non_latin(frames: Iterable[pd.DataFrame]) -> bool:
    """Whether any text cell or column name holds a letter outside the Latin script."""
    for frame in frames:
        texts = [str(c) for c in frame.columns]
        for col in range(frame.shape[1]):
            series = frame.iloc[:, col]
            if _is_text(series):
                texts.extend(v for v in series.tolist() if isinstance(v, str))
        for text in texts:
            if not text.isascii() and any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")
                                          for ch in text):
                return True
    return False


def _for_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO strings (for md / tex / xlsx readability)."""
    out = _flat(frame)
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").where(s.notna(), "")
            if (s.dropna().dt.normalize() != s.dropna()).any():
                out[col] = s.dt.strftime("%Y-%m-%d %H:%M:%S").where(s.notna(), "")
    return out


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    candidate, i = base, 1
    while candidate.lower() in used:
        suffix = f"_{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _latex(frame: pd.DataFrame, name: str) -> str:
    body = _for_text(frame).to_latex(index=False, escape=True, float_format="%.4g", longtable=len(frame) > 40,
                                     caption=name.replace("_", " "), label=f"tab:{name}")
    return body


# ---------------------------------------------------------------------- writers
def _write_one(frame: pd.DataFrame, target: Path, fmt: str, name: str, neutralise: bool) -> None:
    if fmt == "csv":
        flat = _flat(frame)
        # CRLF line ends (RFC 4180): Python's csv module quotes only the line terminator's characters,
        # so with "\n" a cell holding a bare "\r" would be written unquoted and split its row.
        (_neutralise(flat) if neutralise else flat).to_csv(target, index=False, lineterminator="\r\n")
    elif fmt == "parquet":
        _flat(frame).to_parquet(target, index=False)
    elif fmt == "json":
        _write_json({name: frame}, target)
    elif fmt == "xlsx":
        _write_xlsx({name: frame}, target, neutralise)
    elif fmt == "md":
        target.write_text(_markdown({name: frame}), encoding="utf-8")
    elif fmt == "tex":
        _write_latex({name: frame}, target)


def _write_json(tables: Mapping[str, pd.DataFrame], target: Path) -> None:
    payload = {
        name: json.loads(_flat(frame).to_json(orient="records", date_format="iso", force_ascii=False))
        for name, frame in tables.items()
    }
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _write_xlsx(tables: Mapping[str, pd.DataFrame], target: Path, neutralise: bool) -> None:
    used: set[str] = set()
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in tables.items():
            if len(frame) > _EXCEL_MAX_ROWS:
                raise ValueError(
                    f"table {name!r} has {len(frame)} rows, more than an Excel sheet holds "
                    f"({_EXCEL_MAX_ROWS}); export it as csv or parquet"
                )
            sheet = _sheet_name(name, used)
            text = _xlsx_text(_for_text(frame))
            (_neutralise(text) if neutralise else text).to_excel(writer, sheet_name=sheet, index=False)
            _no_formulas(writer.sheets[sheet])


def _xlsx_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters that XLSX cannot hold (NUL, ESC, ...) replaced by U+FFFD, so they cannot abort the export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    out = frame.copy()
    out.columns = [clean(str(c)) for c in out.columns]
    for i in range(out.shape[1]):
        if _is_text(out.iloc[:, i]):
            out.isetitem(i, out.iloc[:, i].astype(object).map(clean))
    return out


def _no_formulas(sheet) -> None:
    """openpyxl stores any text starting with ``=`` as a formula: make every such cell plain text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _write_latex(tables: Mapping[str, pd.DataFrame], target: Path) -> None:
    body = "\n\n".join(_latex(f, n) for n, f in tables.items())
    if _non_latin(tables.values()):
        log.warning("%s holds non-Latin text: compile it with xelatex or lualatex, not pdflatex", target)
        body = _XELATEX_NOTE + body
    target.write_text(body, encoding="utf-8")


def _markdown(tables: Mapping[str, pd.DataFrame]) -> str:
    parts = []
    for name, frame in tables.items():
        table = _for_text(frame).to_markdown(index=False, floatfmt=".4g") if len(frame.columns) else "(empty)"
        parts.append(f"## {name}\n\n{table}\n")
    return "\n".join(parts)


def export_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    format: str | None = None,
    manifest: dict | None = None,
    neutralise_formulas: bool = True,
) -> list[Path]:
    """Write tables to ``path`` in one format, with ``manifest.json`` beside them.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name -> table (names become file stems, sheet names or section titles).
    path : str or Path
        A folder (existing directory or a name without a suffix) or a file.
    format : {"csv", "xlsx", "parquet", "json", "md", "tex"}, optional
        Default: from the file suffix; csv for a folder.
    manifest : dict, optional
        Provenance from the caller (model id, codebook id and sha256, settings, input
        files from :func:`file_manifest`, ...). ``framing_version``, ``created``,
        ``libraries``, ``cells`` and ``outputs`` are added.
    neutralise_formulas : bool, default True
        In CSV and XLSX, prefix text cells that a spreadsheet would run as a formula
        (starting with ``= + - @``, tab or carriage return) with ``'``. ``False`` keeps the
        raw text (XLSX cells are still written as text, never as formulas). The manifest's
        ``"cells"`` is ``"neutralised"`` or ``"raw"`` (Parquet, JSON, Markdown and LaTeX are
        always raw: they are not opened as spreadsheets).

    Returns
    -------
    list of Path
        The files written, ``manifest.json`` last.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> folder = tempfile.mkdtemp()
    >>> paths = export_tables({"means": pd.DataFrame({"a": [1]})}, folder + "/t.md")
    >>> [p.name for p in paths]
    ['t.md', 'manifest.json']
    """
    if not tables:
        raise ValueError("export_tables: no tables to write")
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"table {name!r} is a {type(frame).__name__}, expected a pandas DataFrame")
    path = Path(path)
    as_folder = path.is_dir() or path.suffix == ""
    if format is None:
        fmt = "csv" if as_folder else _normalise_format(path.suffix)
    else:
        fmt = _normalise_format(format)
    written: list[tuple[Path, str | None]] = []
    if as_folder:
        path.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            target = path / f"{_safe_stem(name)}{FORMATS[fmt]}"
            _write_one(frame, target, fmt, name, neutralise_formulas)
            written.append((target, name))
        folder = path
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = path.parent
        if fmt in _SINGLE_FILE:
            if fmt == "xlsx":
                _write_xlsx(tables, path, neutralise_formulas)
            elif fmt == "json":
                _write_json(tables, path)
            elif fmt == "md":
                path.write_text(_markdown(tables), encoding="utf-8")
            else:
                _write_latex(tables, path)
            written.append((path, None))
        elif len(tables) == 1:
            name, frame = next(iter(tables.items()))
            _write_one(frame, path, fmt, name, neutralise_formulas)
            written.append((path, name))
        else:
            for name, frame in tables.items():
                target = path.with_name(f"{path.stem}_{_safe_stem(name)}{path.suffix or FORMATS[fmt]}")
                _write_one(frame, target, fmt, name, neutralise_formulas)
                written.append((target, name))
    manifest_path = folder / "manifest.json"
    record = _manifest_record(tables, written, fmt, manifest)
    record["cells"] = "neutralised" if neutralise_formulas and fmt in _SPREADSHEET else "raw"
    manifest_path.write_text(json.dumps(record, indent=2, ensure_ascii=False, default=_json_default), encoding="utf-8")
    log.info("exported %d table(s) as %s to %s", len(tables), fmt, folder)
    return [p for p, _ in written] + [manifest_path]


def _safe_stem(name: str) -> str:
    stem = re.sub(r"[^\w\-.]+", "_", str(name)).strip("._")
    return stem or "table"


def _framing_version() -> str:
    try:
        from framing import __version__

        return __version__
    except ImportError:  # a stale editable install can expose framing as a namespace package
        return metadata.version("framing")


def _manifest_record(tables, written, fmt, manifest) -> dict:
    record = dict(manifest or {})
    record.setdefault("framing_version", _framing_version())
    record["created"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    record.setdefault("libraries", _library_versions())
    record["format"] = fmt
    record["tables"] = {
        name: {"rows": int(len(frame)), "columns": [str(c) for c in frame.columns]} for name, frame in tables.items()
    }
    record["outputs"] = [
        {"file": p.name, "table": name, "bytes": p.stat().st_size, "sha256": sha256_file(p)} for p, name in written
    ]
    return record


# ---------------------------------------------------------------------- reading back
def read_tables(path: str | Path, *, format: str | None = None) -> dict[str, pd.DataFrame]:
    """Read an export back (csv, xlsx, parquet, json; a folder of them too).

    Parameters
    ----------
    path : str or Path
        A file written by :func:`export_tables`, or the folder it wrote.
    format : str, optional
        Default: from the suffix (a folder: every csv / parquet / xlsx / json file in it).

    Returns
    -------
    dict of str to DataFrame, keyed by table name (file stem or sheet name).
    """
    path = Path(path)
    if path.is_dir():
        out: dict[str, pd.DataFrame] = {}
        for f in sorted(path.iterdir()):
            if f.name == "manifest.json" or f.suffix not in (".csv", ".parquet", ".xlsx", ".json"):
                continue
            part = read_tables(f)
            out.update({f.stem: next(iter(part.values()))} if len(part) == 1 else part)
        return out
    fmt = _normalise_format(format or path.suffix)
    if fmt == "csv":
        return {path.stem: pd.read_csv(path)}
    if fmt == "parquet":
        return {path.stem: pd.read_parquet(path)}
    if fmt == "xlsx":
        return dict(pd.read_excel(path, sheet_name=None))
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: pd.DataFrame.from_records(rows) for name, rows in data.items()}
    raise ValueError(f"{path}: reading {fmt} back is not supported (csv, xlsx, parquet, json are)")
