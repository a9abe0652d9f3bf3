"""Finding input files, reading their bytes safely and telling their format by content.

The format is chosen from the file's *content* first (magic bytes, JSON objects,
HTML tags, the aggregator block layout) and its extension second, so a seed page
saved as ``page.dat`` or a JSONL dump called ``export.txt`` still parse right.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from framing.ingest.errors import IngestError

#: Extensions picked up when walking a folder.
FOLDER_EXTENSIONS = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json",
                     ".csv", ".tsv", ".parquet", ".pq", ".xlsx", ".xlsm"}
_DOC_NAMES = re.compile(r"^(readme|license|licence|changelog|notice|copying)(\.[a-z0-9]+)?$", re.IGNORECASE)

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class InputFile:
    """One file to read; ``folder_outlet`` is the parent folder's name when found by a folder walk."""

    path: Path
    folder_outlet: str = ""

    @property
    def name(self) -> str:
        return str(self.path)


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """Files to read for the given paths, folders walked recursively in sorted order.

    Returns
    -------
    files : list of InputFile
    passed_over : list of (path, reason)
        Files inside folders that were not read (unsupported extension, hidden,
        README/LICENSE files); the caller reports them.

    Raises
    ------
    IngestError
        For a path that does not exist.
    """
    files: list[InputFile] = []
    passed_over: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.suffix.lower() not in FOLDER_EXTENSIONS:
                    passed_over.append((str(child), f"not read: unsupported file type {child.suffix or '(none)'!r}"))
                    continue
                if _DOC_NAMES.match(child.name):
                    passed_over.append((str(child), "not read: documentation file (pass it explicitly to read it)"))
                    continue
                files.append(InputFile(child, folder_outlet=child.parent.name))
        elif path.is_file():
            files.append(InputFile(path))
        elif path.exists():
            raise IngestError(f"{path}: not a regular file or folder")
        else:
            raise IngestError(f"{path}: no such file or folder")
    return files, passed_over


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from None


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` for UTF-16 text without a byte-order mark, else None.

    Told by the zero bytes of Latin-script text: most odd (LE) or even (BE) bytes are NUL and
    almost none of the others, and the sample decodes.
    """
    sample = head[:4096]
    if len(sample) < 4 or bom_encoding(sample):
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    for encoding, zeros, other in (("utf-16-le", zeros_odd, zeros_even), ("utf-16-be", zeros_even, zeros_odd)):
        if zeros >= 0.3 and other <= 0.02:
            try:
                sample.decode(encoding)
            except UnicodeDecodeError as exc:
                if exc.start < len(sample) - 4:  # a surrogate pair cut by the sample boundary is fine
                    continue
            return encoding
    return None


#: Share of NUL bytes above which a file counts as binary (below it, NULs count as control bytes,
#: of which 5 % make a file binary): one stray NUL in one record leaves a file readable.
_MAX_NUL_SHARE = 0.1
#: A file is binary by its control bytes only when it has more than this many: in a tiny file
#: (a one-row CSV) two stray control characters in one field are already 5 %.
_MIN_CONTROL_BYTES = 16


def looks_binary(head: bytes) -> bool:
    """True for bytes that are not text (many NULs or control bytes).

    UTF-16/32 text (with or without a byte-order mark) is text; so is UTF-8 text with a
    few stray NUL bytes in one record (they are removed from the fields later).
    """
    if not head or bom_encoding(head) in ("utf-16", "utf-32") or utf16_without_bom(head):
        return False
    sample = head[:4096]
    if sample.count(0) > _MAX_NUL_SHARE * len(sample):
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(0.05 * len(sample), _MIN_CONTROL_BYTES)


def guess_encoding(head: bytes) -> str:
    """Encoding of a text sample: BOM, else UTF-8 when it decodes, else charset-normalizer's guess (cp1252 fallback)."""
    bom = bom_encoding(head) or utf16_without_bom(head)
    if bom:
        return bom
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # a multi-byte character cut by the sample boundary
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
        if best is not None and best.encoding and best.encoding.replace("_", "-") not in ("utf-8",):
            guess = best.encoding.lower().replace("-", "_")
            # Short Western samples are often guessed as a neighbouring code page (cp1250, latin_2...);
            # cp1252 is far more common for news text, so prefer it when it decodes cleanly.
            if guess.startswith(("cp125", "iso8859", "latin", "mac_", "windows_125")) and guess not in (
                    "cp1251", "cp1253", "cp1255", "cp1256", "windows_1251", "iso8859_5", "iso8859_7",
                    "iso8859_6", "iso8859_8"):
                try:
                    head.decode("cp1252")
                    return "cp1252"
                except UnicodeDecodeError:
                    pass
            return best.encoding
    except Exception:  # pragma: no cover - charset-normalizer is an optimisation only
        pass
    return "cp1252"


def decode_bytes(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode a whole (small) file: ``(text, warning or None)``.

    UTF-8 (with or without BOM) and BOM-marked UTF-16/32 decode silently; anything
    else is decoded with a detected legacy encoding (or cp1252, then latin-1) and a
    warning saying so.
    """
    bom = bom_encoding(data)
    if bom:
        return data.decode(bom, errors="replace"), None
    utf16 = utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), f"{name}: UTF-16 without a byte-order mark; decoded as {utf16}"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        position = exc.start
    encoding = guess_encoding(data[: 1 << 20])
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "latin-1"
        text = data.decode(encoding)
    return text, (f"{name}: not valid UTF-8 (first bad byte at offset {position}); decoded as {encoding}")


_AGG_BLOCK = re.compile(r"^[^\n]{1,120}\n[ \t]*\d{1,2}-\d{1,2}-\d{4}[ \t]*\n[ \t]*- [^\n]+\n", re.MULTILINE)
_HTML = re.compile(r"<(?:!doctype html|html|head|body|article|p|div|title)\b", re.IGNORECASE)


def sniff_format(path: Path, head: bytes) -> str:
    """The parser to use: ``parquet, xlsx, jsonl, json, html, aggregator, csv, text``.

    Raises
    ------
    IngestError
        For an empty file or one that is binary and not Parquet/XLSX.
    """
    suffix = path.suffix.lower()
    if not head:
        raise IngestError(f"{path}: empty file")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm") or b"xl/" in head or b"[Content_Types].xml" in head:
            return "xlsx"
        raise IngestError(f"{path}: a ZIP archive, not a readable article file (unzip it first)")
    if looks_binary(head):
        kind = "an old Excel .xls file (save it as .xlsx)" if head.startswith(b"\xd0\xcf\x11\xe0") else "a binary file"
        raise IngestError(f"{path}: {kind}, not text; cannot read articles from it")
    enc = guess_encoding(head)
    sample = head.decode(enc, errors="replace").lstrip("\ufeff")
    if not sample.strip():
        raise IngestError(f"{path}: empty file (only whitespace)")
    stripped = sample.lstrip()
    if stripped.startswith("{"):
        if suffix == ".json" and not _first_line_is_object(stripped):
            return "json"
        return "jsonl"
    if stripped.startswith("[") and (suffix == ".json" or stripped[1:].lstrip()[:1] in ("{", "]")):
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".html", ".htm", ".xhtml") or (stripped.startswith("<") and _HTML.search(sample[:4096])):
        return "html"
    normalised = sample.replace("\r\n", "\n").replace("\r", "\n")
    if _AGG_BLOCK.search(normalised):
        return "aggregator"
    if suffix in (".parquet", ".pq"):
        raise IngestError(f"{path}: has a Parquet extension but is not a Parquet file")
    if suffix in (".xlsx", ".xlsm"):
        raise IngestError(f"{path}: has an Excel extension but is not an .xlsx file")
    if suffix in (".csv", ".tsv") or _looks_like_csv_header(normalised.split("\n", 1)[0]):
        return "csv"
    return "text"


def _looks_like_csv_header(line: str) -> bool:
    """A delimited first line that names a text column (e.g. ``id,title,text``)."""
    from framing.ingest.fields import resolve_columns

    for delimiter in (",", "\t", ";", "|"):
        cells = [c.strip().strip('"') for c in line.split(delimiter)]
        if len(cells) < 2 or not all(0 < len(c) <= 40 for c in cells):
            continue
        found = resolve_columns(cells)
        identifiers = all(re.fullmatch(r"[A-Za-z_][\w.\-]*", c) for c in cells)
        if "text" in found and (identifiers or len(found) >= 3):
            return True
    return False


def _first_line_is_object(sample: str) -> bool:
    """Whether the sample looks like JSON lines: a complete object on the first line and more lines after it."""
    import json

    first, _, rest = sample.partition("\n")
    if not rest.strip():
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


#: Longest line read from a JSON-lines file (longer ones are skipped unread and reported).
MAX_LINE_BYTES = 256 * 1024 * 1024


def iter_lines(path: Path, max_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None, int]]:
    """Stream a file's lines as bytes: ``(line_number, line, bytes_so_far)`` (bounded memory).

    A line longer than ``max_bytes`` is passed over without keeping it: ``line`` is then None.
    """
    done = 0
    number = 0
    with open(path, "rb") as fh:
        while True:
            line = fh.readline(max_bytes + 1)
            if not line:
                return
            number += 1
            done += len(line)
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while True:  # the rest of the over-long line, read in blocks and dropped
                    block = fh.readline(1 << 20)
                    done += len(block)
                    if not block or block.endswith(b"\n"):
                        break
                line = None
            yield number, line, done
