"""Record-per-row formats: JSONL (and JSON arrays), CSV/TSV, Parquet, XLSX.

JSONL, CSV and Parquet are streamed (line by line, in pandas chunks, in Arrow
record batches), so files of hundreds of MB are read in bounded memory. Column
names are matched to article fields by :func:`framing.ingest.fields.resolve_columns`.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import deque
from itertools import repeat
from typing import Any, Iterable, Iterator

from framing.ingest.base import FileContext, RawRecord
from framing.ingest.errors import IngestError
from framing.ingest.fields import resolve_columns
from framing.ingest.sources import MAX_LINE_BYTES, bom_encoding, guess_encoding, iter_lines, read_head, utf16_without_bom
from framing.safeio import JSON_MAX_DEPTH, UnsafeInputError, loads_json

PARQUET_BATCH_ROWS = 2000
#: A JSON-lines file whose first this-many objects all lack a text field cannot be read.
_NO_TEXT_LIMIT = 100


def _no_text_error(ctx: FileContext, columns: Iterable[str], what: str = "columns") -> IngestError:
    cols = ", ".join(str(c) for c in columns) or "(none)"
    mapped = ctx.mapping.get("text")
    hint = (f"the mapped text column {mapped!r} is not among them" if mapped
            else "name the text column with mapping={'text': '<column>'} (CLI: --map text=<column>)")
    return IngestError(f"{ctx.name}: no recognisable text column; {what} found: {cols}; {hint}")


def _check_mapping(ctx: FileContext, columns: list[str], found: dict[str, str]) -> None:
    for field, column in ctx.mapping.items():
        if found.get(field) != column and column not in columns:
            ctx.warn(f"mapped column {column!r} (for {field}) not found; columns: {', '.join(columns)}")


def _record(found: dict[str, str], row: dict[str, Any]) -> dict[str, Any]:
    return {field: row.get(column) for field, column in found.items()}


def _extra_keys(ctx: FileContext, columns: Iterable[str], found: dict[str, str]) -> list[str]:
    """The input columns kept as user metadata: those feeding no core field, at most
    :data:`~framing.metadata.MAX_EXTRA_COLUMNS` per file (the rest reported once)."""
    from framing.metadata import MAX_EXTRA_COLUMNS

    used = set(found.values())
    keys = [c for c in columns if c not in used and str(c).strip()]
    seen = ctx.extra_seen
    new = [c for c in keys if c not in seen]
    for c in new:
        if len(ctx.extra_kept) < MAX_EXTRA_COLUMNS:
            ctx.extra_kept.add(c)
        elif c not in ctx.extra_dropped:
            ctx.extra_dropped.add(c)
            if len(ctx.extra_dropped) == 1:
                ctx.warn(f"more than {MAX_EXTRA_COLUMNS} extra columns; {str(c)[:60]!r} and any later ones "
                         "are not kept")
        seen.add(c)
    return [c for c in keys if c in ctx.extra_kept]


def _extra(keys: list[str], row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in keys}


# ---------------------------------------------------------------- JSON lines
def parse_jsonl(ctx: FileContext) -> Iterator[RawRecord]:
    """Stream a JSON-lines file; a malformed line is skipped and reported, the rest kept."""
    path = ctx.file.path
    head = read_head(path)
    enc = bom_encoding(head) or utf16_without_bom(head)
    if enc in ("utf-16", "utf-32", "utf-16-le", "utf-16-be"):
        if enc not in ("utf-16", "utf-32"):
            ctx.warn(f"UTF-16 without a byte-order mark; decoded as {enc}")
        lines = _text_lines(path, enc)
    else:
        lines = iter_lines(path)
    resolved: dict[tuple, dict[str, str]] = {}
    extra_keys: dict[tuple, list[str]] = {}
    fallback: str | None = None
    bad_encoding_lines = 0
    checked = False
    has_text = False
    objects_without_text = 0
    keys_without_text: dict[str, None] = {}
    for number, raw, done in lines:
        ctx.bytes_done = done
        if raw is None:
            ctx.skip(f"line {number}", f"line longer than {MAX_LINE_BYTES // 2**20} MiB; not read")
            continue
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                if fallback is None:
                    fallback = guess_encoding(raw)
                line = raw.decode(fallback, errors="replace")
                bad_encoding_lines += 1
        else:
            line = raw
        if not line.strip():
            continue
        try:
            obj = loads_json(line, max_depth=JSON_MAX_DEPTH, strict=False)
        except json.JSONDecodeError as exc:
            ctx.skip(f"line {number}", f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except UnsafeInputError as exc:
            ctx.skip(f"line {number}", str(exc))
            continue
        if not isinstance(obj, dict):
            ctx.skip(f"line {number}", f"not a JSON object (got {type(obj).__name__})")
            continue
        key = tuple(obj.keys())
        found = resolved.get(key)
        if found is None:
            found = resolved[key] = resolve_columns(key, ctx.mapping)
            extra_keys[key] = _extra_keys(ctx, key, found)
            if not checked:
                checked = True
                _check_mapping(ctx, list(key), found)
        if "text" in found:
            has_text = True
        else:
            keys_without_text.update(dict.fromkeys(key))
            objects_without_text += 1
            if not has_text and objects_without_text >= _NO_TEXT_LIMIT:
                raise _no_text_error(ctx, keys_without_text, what="keys")
        yield RawRecord(f"line {number}", _record(found, obj), _extra(extra_keys[key], obj))
    if not has_text and objects_without_text:
        raise _no_text_error(ctx, keys_without_text, what="keys")
    if bad_encoding_lines:
        ctx.warn(f"{bad_encoding_lines} line(s) not valid UTF-8; decoded as {fallback}")


def _text_lines(path, encoding) -> Iterator[tuple[int, str, int]]:
    done = 0
    with open(path, encoding=encoding, errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            done += len(line.encode("utf-8"))
            yield number, line, done


def parse_json_array(ctx: FileContext, text: str) -> Iterator[RawRecord]:
    """A JSON file holding a list of article objects (or ``{"articles": [...]}``); read whole."""
    try:
        data = loads_json(text, max_depth=JSON_MAX_DEPTH + 2)  # the list (and an object around it)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{ctx.name}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except UnsafeInputError as exc:
        raise IngestError(f"{ctx.name}: {exc}; split it into JSON lines to keep the other records") from None
    if isinstance(data, dict) and "text" in resolve_columns(data.keys(), ctx.mapping):
        data = [data]  # a single article object
    elif isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise IngestError(f"{ctx.name}: a JSON object, expected a list of articles (or one list inside it)")
        data = lists[0]
    if not isinstance(data, list):
        raise IngestError(f"{ctx.name}: expected a JSON list of article objects, got {type(data).__name__}")
    checked = False
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            ctx.skip(f"item {i}", f"not a JSON object (got {type(obj).__name__})")
            continue
        found = resolve_columns(obj.keys(), ctx.mapping)
        if not checked:
            checked = True
            if "text" not in found:
                raise _no_text_error(ctx, obj.keys(), what="keys")
        yield RawRecord(f"item {i}", _record(found, obj), _extra(_extra_keys(ctx, obj.keys(), found), obj))


# ---------------------------------------------------------------- CSV / TSV
class _Lines:
    """The file's lines for ``csv.reader``, remembering the raw lines (and their numbers) of the
    current row, and able to take lines back (to re-read what an unclosed quote swallowed)."""

    def __init__(self, fh):
        self._fh = fh
        self._number = 0
        self.pending: deque[tuple[int, str]] = deque()
        self.raw: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            self._number += 1
            item = (self._number, next(self._fh))
        self.raw.append(item)
        return item[1]

    def take_row(self) -> list[tuple[int, str]]:
        raw, self.raw = self.raw, []
        return raw


def parse_csv(ctx: FileContext) -> Iterator[RawRecord]:
    """Stream a CSV/TSV file row by row (delimiter sniffed, encoding detected).

    A row with more fields than the header is skipped and reported; missing
    trailing fields are read as empty. An unclosed quote (a row whose quoted field
    runs over the following lines and leaves the row with the wrong number of fields)
    is reported, and the lines it swallowed are read again as rows of their own.
    """
    path = ctx.file.path
    head = read_head(path)
    encoding = guess_encoding(head)
    if encoding not in ("utf-8", "utf-8-sig"):
        ctx.warn(f"not valid UTF-8; decoded as {encoding}")
    sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        first_line = sample.split("\n", 1)[0]
        try:
            delimiter = csv.Sniffer().sniff(first_line + "\n", delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    size = max(path.stat().st_size, 1)
    replaced_rows = 0
    short_rows = 0
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader, None)
            lines.take_row()
            if header is None:
                raise IngestError(f"{ctx.name}: empty CSV (no header row)")
            columns = [c.strip().lstrip("\ufeff") for c in header]
            found = resolve_columns(columns, ctx.mapping)
            if "text" not in found:
                raise _no_text_error(ctx, [c for c in columns if c])
            _check_mapping(ctx, columns, found)
            index = {field: columns.index(col) for field, col in found.items()}
            kept = set(_extra_keys(ctx, columns, found))
            extra_index = {col: i for i, col in enumerate(columns) if col in kept}
            width = len(columns)
            row_number = 1
            for row in reader:
                row_number += 1
                raw = lines.take_row()
                if len(raw) > 1 and len(row) != width and any("\n" in v or "\r" in v for v in row):
                    first, last = raw[0][0], raw[-1][0]
                    ctx.skip(f"row {row_number}", f"unclosed quote at line {first}; lines {first + 1}..{last} "
                             "it swallowed are read again as rows")
                    lines.pending.extendleft(reversed(raw[1:]))
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) > width:
                    ctx.skip(f"row {row_number}", f"{len(row)} fields but the header has {width} (unquoted delimiter?)")
                    continue
                if len(row) < width:
                    short_rows += 1
                values = {field: (row[i] if i < len(row) else "") for field, i in index.items()}
                if encoding.startswith("utf-8") and any("\ufffd" in v for v in values.values()):
                    replaced_rows += 1
                if row_number % 1000 == 0:
                    ctx.bytes_done = min(size, _tell(fh, size))
                extra = {col: row[i] for col, i in extra_index.items() if i < len(row)}
                yield RawRecord(f"row {row_number}", values, extra)
        except csv.Error as exc:
            raise IngestError(f"{ctx.name}: cannot parse as CSV near row {reader.line_num} ({exc}); "
                              "the rows before it were read") from None
    ctx.bytes_done = size
    if short_rows:
        ctx.warn(f"{short_rows} row(s) had fewer fields than the header; missing fields read as empty")
    if replaced_rows:
        ctx.warn(f"{replaced_rows} row(s) contained bytes that are not valid UTF-8 (replaced by U+FFFD)")


def _tell(fh, size: int) -> int:
    try:
        return int(fh.buffer.tell())
    except (OSError, AttributeError, ValueError):
        return size


# ---------------------------------------------------------------- Parquet
def parse_parquet(ctx: FileContext) -> Iterator[RawRecord]:
    """Stream a Parquet file in Arrow record batches, reading only the needed columns."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(ctx.file.path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise IngestError(f"{ctx.name}: cannot read as Parquet ({exc})") from None
    columns = list(pf.schema_arrow.names)
    found = resolve_columns(columns, ctx.mapping)
    if "text" not in found:
        raise _no_text_error(ctx, columns)
    _check_mapping(ctx, columns, found)
    size = max(ctx.file.path.stat().st_size, 1)
    n_rows = max(pf.metadata.num_rows, 1)
    row_number = 0
    extra = _extra_keys(ctx, columns, found)
    try:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS,
                                     columns=list(dict.fromkeys(list(found.values()) + extra))):
            data = batch.to_pydict()
            cols = [data[c] for c in found.values()]
            extra_cols = [data[c] for c in extra]
            for values, extra_values in zip(zip(*cols), zip(*extra_cols) if extra else repeat(())):
                row_number += 1
                yield RawRecord(f"row {row_number}", dict(zip(found.keys(), values)), dict(zip(extra, extra_values)))
            ctx.bytes_done = int(size * row_number / n_rows)
    except OSError as exc:
        raise IngestError(f"{ctx.name}: Parquet read failed at row {row_number + 1} ({exc})") from None


# ---------------------------------------------------------------- XLSX
def parse_xlsx(ctx: FileContext) -> Iterator[RawRecord]:
    """Read the first worksheet of an .xlsx workbook row by row (openpyxl read-only mode)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(ctx.file.path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise IngestError(f"{ctx.name}: cannot read as an Excel workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        if len(wb.worksheets) > 1:
            ctx.warn(f"{len(wb.worksheets)} worksheets; reading only the first ({ws.title!r})")
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise IngestError(f"{ctx.name}: empty worksheet {ws.title!r}")
        columns = ["" if c is None else str(c) for c in header]
        found = resolve_columns(columns, ctx.mapping)
        if "text" not in found:
            raise _no_text_error(ctx, [c for c in columns if c])
        _check_mapping(ctx, columns, found)
        index = {field: columns.index(col) for field, col in found.items()}
        kept = set(_extra_keys(ctx, columns, found))
        extra_index = {col: i for i, col in enumerate(columns) if col in kept}
        formulas, formula_wb = _formula_cells(ctx, index["text"])
        try:
            for number, values in enumerate(rows, start=2):
                formula = next(formulas, None) if formulas is not None else None
                text = values[index["text"]] if values is not None and index["text"] < len(values) else None
                if text is None and isinstance(formula, str) and formula.startswith("="):
                    ctx.skip(f"row {number}", f"the text cell holds a formula without a stored value ({formula[:60]!r}); "
                             "open and save the workbook in Excel (or export it as CSV) so the values are stored")
                    continue
                if values is None or all(v is None for v in values):
                    continue
                yield RawRecord(
                    f"row {number}",
                    {field: (values[i] if i < len(values) else None) for field, i in index.items()},
                    {col: values[i] for col, i in extra_index.items() if i < len(values)},
                )
        finally:
            if formula_wb is not None:
                formula_wb.close()
    finally:
        wb.close()


def _formula_cells(ctx: FileContext, column: int):
    """The text column's cells as written (formulas as ``=...``), row by row from row 2, to tell a
    formula without a stored value from an empty cell; ``(None, None)`` if the workbook cannot say."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(ctx.file.path, read_only=True, data_only=False)
        rows = wb.worksheets[0].iter_rows(min_row=2, min_col=column + 1, max_col=column + 1, values_only=True)
        return (row[0] if row else None for row in rows), wb
    except Exception:  # noqa: BLE001 - only a better skip reason is lost
        return None, None

