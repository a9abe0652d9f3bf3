"""User metadata: the input columns that are not a core article field, kept and typed.

At ingest every input column that does not feed ``id, text, title, outlet, published,
url, section, author`` is kept in :attr:`framing.corpus.Article.extra` (a bias rating, a
country, a gold cluster id...), so results can be grouped by it (``compare(by=COLUMN)``)
and joined back. Values are kept as plain JSON values (numbers, booleans, text; lists and
objects as JSON text) within size limits; a column is typed when a table is built
(:func:`extra_frame`): all numbers -> a number column, all ISO dates -> a date column,
else text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Iterable, Mapping

import pandas as pd

__all__ = ["MAX_EXTRA_COLUMNS", "MAX_EXTRA_CHARS", "RESERVED_COLUMNS", "extra_columns", "extra_frame",
           "extra_name", "extra_value"]

#: Most user columns kept per input file (the first ones, in column order; the rest are reported).
MAX_EXTRA_COLUMNS = 50
#: Longest user value kept (characters); longer ones are cut, with a warning.
MAX_EXTRA_CHARS = 10_000
#: Longest user column name kept.
MAX_NAME_CHARS = 100
#: Score-table columns a user column may not shadow; such a column is kept as ``<name>_input``.
RESERVED_COLUMNS = frozenset({
    "article_id", "outlet", "published", "title", "text", "url", "section", "author", "source",
    "event_id", "event_label", "storyline_id", "storyline_label", "date_source", "event_date", "relevance",
    "off_topic", "rowno", "ingested_at", "event_size", "event_outlets", "event_start", "event_end",
})

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` without NUL characters, lone surrogates replaced by U+FFFD (as
    :func:`framing.ingest.fields.clean_str`; not imported, so the corpus does not import ingest)."""
    if _UNSAFE.search(text) is None:
        return text
    return re.sub("[\ud800-\udfff]", "\ufffd", text.replace("\x00", ""))


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def extra_name(column: Any) -> str:
    """The name a user column is kept under ('' = not kept): cleaned, at most 100 characters,
    ``<name>_input`` when it would shadow a score-table column (``event_id``, ``frame:...``)."""
    name = _clean(str(column)).strip()[:MAX_NAME_CHARS]
    if not name:
        return ""
    if name.lower() in RESERVED_COLUMNS or name.lower().startswith(("frame:", "axis:")):
        return f"{name}_input"
    return name


def extra_value(value: Any, max_chars: int = MAX_EXTRA_CHARS) -> tuple[Any, bool]:
    """A user value as kept: ``(value, truncated)``.

    Missing values (None, NaN, '') give ``None``; booleans, integers and finite floats stay
    as they are; dates become ISO text; lists and objects become JSON text; text is cleaned
    and cut to ``max_chars``.

    >>> extra_value(3), extra_value(" left "), extra_value(["a", 1]), extra_value(float("nan"))
    ((3, False), ('left', False), ('["a", 1]', False), (None, False))
    """
    if value is None:
        return None, False
    if isinstance(value, bool):
        return value, False
    if isinstance(value, int):
        return (value, False) if -(2**63) <= value < 2**63 else _cut(str(value), max_chars)
    if isinstance(value, float):
        return (None, False) if math.isnan(value) else ((value, False) if math.isfinite(value) else (str(value), False))
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        if pd.isna(value):
            return None, False
        if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat(), False  # a date read back as a midnight timestamp
        return value.isoformat(), False
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (list, tuple, dict)):
        try:
            value = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError, RecursionError):
            value = str(value)
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return None, False
        except (TypeError, ValueError):
            pass
        if hasattr(value, "item"):  # numpy scalars
            return extra_value(value.item(), max_chars)
        value = str(value)
    text = _clean(value).strip()
    return (None, False) if not text else _cut(text, max_chars)


def _cut(text: str, max_chars: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= max_chars else (text[:max_chars], True)


def extra_columns(extras: Iterable[Mapping[str, Any]]) -> list[str]:
    """The user columns of some articles' ``extra`` mappings, in first-seen order."""
    seen: dict[str, None] = {}
    for extra in extras:
        for key in extra:
            seen.setdefault(key, None)
    return list(seen)


def _typed(values: list) -> pd.Series:
    present = [v for v in values if v is not None]
    if not present:
        return pd.Series(values, dtype=object)
    if all(isinstance(v, bool) for v in present):
        return pd.Series([None if v is None else v for v in values], dtype="boolean")
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        if all(isinstance(v, int) for v in present):
            return pd.Series(values, dtype="Int64")
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype=float)
    if all(isinstance(v, str) for v in present):
        if all(_NUMBER.match(v) for v in present):
            numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
            if all("." not in v and "e" not in v.lower() for v in present):
                return numbers.astype("Int64")
            return numbers.astype(float)
        if all(_ISO_DATE.match(v) for v in present):
            dates = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", utc=True, format="ISO8601")
            if dates.notna().sum() == len(present):
                return dates.dt.tz_localize(None)
    return pd.Series([None if v is None else (v if isinstance(v, str) else json.dumps(v)) for v in values],
                     dtype=object)


def extra_frame(extras: list[Mapping[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """One typed column per user column, one row per ``extra`` mapping.

    A column whose values are all numbers (or number strings, as CSV gives them) is numeric
    (``Int64`` when all are whole), all booleans -> ``boolean``, all ISO dates
    (``YYYY-MM-DD`` with an optional time) -> ``datetime64``; anything else is text.

    Parameters
    ----------
    extras : list of mapping
        ``Article.extra`` of each article.
    columns : list of str, optional
        The columns wanted (default: all seen, in first-seen order).

    Returns
    -------
    DataFrame of shape (len(extras), n_columns)

    >>> extra_frame([{"bias": "left", "n": "3"}, {"n": "4"}]).dtypes.astype(str).tolist()
    ['object', 'Int64']
    """
    columns = extra_columns(extras) if columns is None else list(columns)
    return pd.DataFrame({c: _typed([e.get(c) for e in extras]) for c in columns}, index=range(len(extras)))
