"""SQL pieces shared by every :class:`~framing.results.Results`: table sources and the one
join of scores with events and article metadata."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Columns of the event list (one row per event).
EVENT_COLUMNS = ["event_id", "event_label", "headline", "event_size", "n_outlets", "outlets", "event_start",
                 "event_end"]


def quote_ident(name: str) -> str:
    """A DuckDB identifier, double-quoted (``axis:siege_vs_proxy`` -> ``"axis:siege_vs_proxy"``)."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A DuckDB string literal, single-quoted."""
    return "'" + str(text).replace("'", "''") + "'"


def parquet_sql(path) -> str:
    """``read_parquet('PATH')`` for DuckDB, the path quoted."""
    return f"read_parquet({quote_literal(path)})"


def register(con, name: str, source) -> None:
    """Make ``source`` (a DataFrame or a Parquet file) the view ``name`` of connection ``con``."""
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
    if isinstance(source, pd.DataFrame):
        con.register(f"_frame_{name}", source)
        con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT * FROM {quote_ident('_frame_' + name)}")
    elif isinstance(source, (str, Path)):
        con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT * FROM {parquet_sql(source)}")
    else:
        raise ValueError(f"table {name!r}: expected a DataFrame or a Parquet path, got {type(source).__name__}")


def columns(con, relation: str) -> list[str]:
    """Column names of a view, table or ``read_parquet(...)`` expression."""
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def scores_sql(con, *, has_events: bool, has_articles: bool, row_column: str | None = None) -> str:
    """The score table as users see it: the ``scores`` view in input order, with ``url``
    from ``articles`` and ``event_id``/``event_label`` from ``events`` (empty without them),
    plus the 0-based input row as ``row_column`` when given."""
    cols = columns(con, "scores")
    art_cols = columns(con, "articles") if has_articles else []
    select = []
    for c in cols:
        if c == "event_id":
            select += (["e.event_id"] if has_events else ["CAST(NULL AS VARCHAR) AS event_id"])
            if "event_label" not in cols:
                select.append("e.event_label" if has_events else "CAST(NULL AS VARCHAR) AS event_label")
        elif c == "event_label":
            select.append("e.event_label" if has_events else "CAST(NULL AS VARCHAR) AS event_label")
        else:
            select.append("s." + quote_ident(c))
        if c == "title" and "url" not in cols:
            select.append("a.url" if "url" in art_cols else "CAST(NULL AS VARCHAR) AS url")
    if "event_id" not in cols:
        select += (["e.event_id", "e.event_label"] if has_events else
                   ["CAST(NULL AS VARCHAR) AS event_id", "CAST(NULL AS VARCHAR) AS event_label"])
    if row_column:
        select.append(f"s._row AS {quote_ident(row_column)}")
    joins = ""
    if has_events:
        joins += (" LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, event_id, event_label FROM events) e "
                  "USING (article_id)")
    if has_articles and "url" in art_cols and "url" not in cols:
        joins += " LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, url FROM articles) a USING (article_id)"
    return (f"SELECT {', '.join(select)} FROM (SELECT *, row_number() OVER () - 1 AS _row FROM scores) s"
            f"{joins} ORDER BY s._row")


EVENT_LIST_SQL = """
    SELECT event_id,
           any_value(event_label) AS event_label,
           arg_min(title, rowno) AS headline,
           count(*) AS event_size,
           count(DISTINCT outlet) AS n_outlets,
           string_agg(DISTINCT CAST(outlet AS VARCHAR), ', ' ORDER BY CAST(outlet AS VARCHAR)) AS outlets,
           min(published) AS event_start,
           max(published) AS event_end,
           lower(coalesce(any_value(event_label), '') || ' ' || string_agg(coalesce(title, ''), ' | ')
                 || ' ' || string_agg(DISTINCT CAST(outlet AS VARCHAR), ' ')) AS haystack,
           min(rowno) AS first_row
    FROM scored WHERE event_id IS NOT NULL GROUP BY event_id"""
