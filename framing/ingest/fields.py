"""Field names, value coercion, dates and article ids shared by every parser.

A parser turns one input record into a plain ``dict`` keyed by the *canonical*
field names below (``id, text, title, outlet, published, url, section, author``);
:func:`resolve_columns` finds which input column feeds which field, using the
usual names (``text``/``body``/``content``, ``title``/``headline``, ...) and an
explicit ``mapping`` that wins over them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from typing import Any, Iterable, Mapping

CANONICAL_FIELDS = ("id", "text", "title", "outlet", "published", "url", "section", "author")

#: Usual input column names per canonical field, in order of preference (case-insensitive).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "docid", "uuid", "guid"),
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "maintext",
             "content_original", "article_text", "story"),
    "title": ("title", "headline", "heading"),
    "outlet": ("outlet", "source", "media_name", "media", "publisher", "site_name", "sitename",
               "source_name", "newspaper", "domain"),
    "published": ("published", "date", "publish_date", "published_at", "publication_date",
                  "pubdate", "pub_date", "datetime", "timestamp", "created_at"),
    "url": ("url", "link", "permalink", "canonical_url"),
    "section": ("section", "category", "desk"),
    "author": ("author", "authors", "byline", "writer"),
}

# Article field name -> canonical name, so mapping={"published": "when"} and
# mapping={"date": "when"} both work.
_FIELD_SYNONYMS = {"date": "published", "article_id": "id", "body": "text", "headline": "title",
                   "source": "outlet"}


def normalise_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Check a user mapping ``{field: column}`` and return it with canonical field names.

    Raises
    ------
    ValueError
        If a key is not a known field (the message lists the known ones).
    """
    out: dict[str, str] = {}
    for key, column in (mapping or {}).items():
        field = _FIELD_SYNONYMS.get(str(key).strip().lower(), str(key).strip().lower())
        if field not in CANONICAL_FIELDS:
            raise ValueError(
                f"mapping: unknown field {key!r}; expected one of {', '.join(CANONICAL_FIELDS)}"
            )
        if not isinstance(column, str) or not column.strip():
            raise ValueError(f"mapping: column for field {key!r} must be a non-empty string, got {column!r}")
        out[field] = column.strip()
    return out


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which input column feeds each canonical field.

    Parameters
    ----------
    columns : iterable of str
        The input's column (or JSON key) names.
    mapping : dict, optional
        Explicit ``{field: column}``, already normalised; it wins over the usual names.
        A mapped column that is absent is ignored here (the caller reports it).

    Returns
    -------
    dict
        ``{canonical_field: column}`` for the fields found.
    """
    columns = [str(c) for c in columns]
    lower = {}
    for c in columns:
        lower.setdefault(c.strip().lower(), c)
    found: dict[str, str] = {}
    used: set[str] = set()
    for field, column in (mapping or {}).items():
        if column in columns:
            found[field] = column
            used.add(column)
        elif column.strip().lower() in lower:
            found[field] = lower[column.strip().lower()]
            used.add(found[field])
    for field, aliases in FIELD_ALIASES.items():
        if field in found:
            continue
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                found[field] = col
                used.add(col)
                break
    return found


_UNSAFE_CHARS = re.compile("[\x00\ud800-\udfff]")


def clean_str(text: str) -> str:
    """``text`` without NUL characters, lone surrogates (``\\ud800``, which no file can encode)
    replaced by U+FFFD."""
    if _UNSAFE_CHARS.search(text) is None:
        return text
    return re.sub("[\ud800-\udfff]", "\ufffd", text.replace("\x00", ""))


def as_text(value: Any) -> str:
    """A field value as a clean string ('' for missing values; bytes decoded as UTF-8;
    NUL characters removed and lone surrogates replaced, see :func:`clean_str`)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return clean_str(value).strip()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return clean_str(bytes(value).decode("utf-8", errors="replace")).strip()
    if isinstance(value, dict):
        for key in ("name", "title", "text", "value"):
            if key in value:
                return as_text(value[key])
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(s for s in (as_text(v) for v in value) if s)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:  # pandas NA / NaT
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    try:
        return clean_str(str(value)).strip()
    except ValueError:  # an int of more than 4,300 digits
        return f"<{type(value).__name__} too long to show>"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)")
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")


def date_order_evidence(value: Any) -> str | None:
    """``"dmy"`` or ``"mdy"`` when a ``NN/NN/YYYY`` date can only be read one way, else None."""
    if not isinstance(value, str):
        return None
    m = _DMY.match(value.strip())
    if not m:
        return None
    first, second = int(m[1]), int(m[2])
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def parse_date(value: Any, dayfirst: bool = True) -> tuple[dt.date | None, bool]:
    """Parse a publication date.

    Returns
    -------
    (date or None, ok)
        ``ok`` is False when a non-empty value could not be understood (the caller keeps
        the article with an empty date and reports it). Day-first is assumed for
        ``DD-MM-YYYY`` / ``DD/MM/YYYY`` (the aggregator format) unless ``dayfirst`` is
        False or the day cannot be first; ISO dates, datetimes, ``YYYYMMDD``, Unix timestamps (seconds or
        milliseconds) and English month names are understood too.

    Examples
    --------
    >>> [parse_date(v)[0].isoformat() for v in ("11-06-2025", "2025-06-11T08:00:00Z", 20250611, "June 11, 2025")]
    ['2025-06-11', '2025-06-11', '2025-06-11', '2025-06-11']
    >>> parse_date("sometime in spring")
    (None, False)
    """
    if value is None:
        return None, True
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    try:
        import pandas as pd

        if isinstance(value, pd.Timestamp):
            return (None, True) if pd.isna(value) else (value.date(), True)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None, True
        if isinstance(value, int) and not -10**13 < value < 10**13:  # beyond any timestamp (ms): no date
            return None, False
        if float(value).is_integer() and 18000101 <= value <= 22001231:  # YYYYMMDD
            v = int(value)
            try:
                return dt.date(v // 10000, v // 100 % 100, v % 100), True
            except ValueError:
                return None, False
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000.0
        if 1e8 < seconds < 5e9:
            return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date(), True
        return None, False
    text = as_text(value)
    if not text:
        return None, True
    if len(text) > 100:  # no date is written in more than 100 characters
        return None, False
    try:
        m = _ISO.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), True
        m = _DMY.match(text)
        if m:
            day, month = (int(m[1]), int(m[2])) if dayfirst else (int(m[2]), int(m[1]))
            if month > 12 and day <= 12:  # only the other order makes sense
                day, month = month, day
            return dt.date(int(m[3]), month, day), True
        m = _YMD_SLASH.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), True
    except ValueError:
        return None, False
    if text.isdigit():
        return parse_date(int(text), dayfirst)
    if not re.search(r"\d", text):
        return None, False
    try:
        from dateutil import parser as dateutil_parser

        parsed = dateutil_parser.parse(text, dayfirst=dayfirst, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None, False
    if not 1800 <= parsed.year <= 2200:
        return None, False
    return parsed.date(), True


def make_article_id(outlet: str, title: str, published: dt.date | None, text: str) -> str:
    """Stable id for an article without one: ``a-`` + 16 hex digits of sha1(outlet, title, date, text)."""
    key = "\x1f".join([outlet, title, published.isoformat() if published else "", text])
    return "a-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
