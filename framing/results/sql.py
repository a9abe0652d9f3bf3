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


#: Article columns that are not user metadata (the rest of ``articles`` is, and joins the scores).
_ARTICLE_CORE = ("article_id", "outlet", "published", "title", "text", "url", "section", "author", "source")
#: Per-article columns of ``events`` that join the scores after ``event_id``/``event_label``.
EVENT_SCORE_COLUMNS = ("storyline_id", "date_source")


def metadata_columns(con, *, has_articles: bool) -> list[str]:
    """The user's own columns of the ``articles`` view (what is not a core article field)."""
    if not has_articles:
        return []
    return [c for c in columns(con, "articles") if c not in _ARTICLE_CORE and c != "ingested_at"]


def scores_sql(con, *, has_events: bool, has_articles: bool, row_column: str | None = None) -> str:
    """The score table as users see it: the ``scores`` view in input order, with ``url``
    from ``articles``, ``event_id``, ``event_label``, ``storyline_id`` and ``date_source`` from
    ``events`` (empty without them; ``published`` of an undated article is the date the events
    found in its text, ``date_source`` says so), the user's own input columns
    from ``articles`` at the end, plus the 0-based input row as ``row_column`` when given."""
    cols = columns(con, "scores")
    art_cols = columns(con, "articles") if has_articles else []
    ev_cols = columns(con, "events") if has_events else []
    ev_extra = [c for c in EVENT_SCORE_COLUMNS if c in ev_cols and c not in cols]
    select = []

    def event_part():
        out = ["e.event_id"] if has_events else ["CAST(NULL AS VARCHAR) AS event_id"]
        if "event_label" not in cols:
            out.append("e.event_label" if has_events else "CAST(NULL AS VARCHAR) AS event_label")
        # always there (empty without events), so a run with and one without events share a schema
        return out + ["e." + quote_ident(c) if c in ev_extra else f"CAST(NULL AS VARCHAR) AS {quote_ident(c)}"
                      for c in EVENT_SCORE_COLUMNS if c not in cols]

    dated = has_events and "article_date" in ev_cols and "published" in cols
    for c in cols:
        if c == "published" and dated:  # an article without a date gets the one found in its text
            select.append("coalesce(s.published, CAST(e.article_date AS TIMESTAMP)) AS published")
        elif c == "event_id":
            select += event_part()
        elif c == "event_label":
            select.append("e.event_label" if has_events else "CAST(NULL AS VARCHAR) AS event_label")
        else:
            select.append("s." + quote_ident(c))
        if c == "title" and "url" not in cols:
            select.append("a.url" if "url" in art_cols else "CAST(NULL AS VARCHAR) AS url")
    if "event_id" not in cols:
        select += event_part()
    taken = set(cols) | {"url", "event_id", "event_label", *EVENT_SCORE_COLUMNS}
    meta = [c for c in metadata_columns(con, has_articles=has_articles) if c not in taken]
    select += ["a." + quote_ident(c) for c in meta]
    if row_column:
        select.append(f"s._row AS {quote_ident(row_column)}")
    joins = ""
    if has_events:
        picked = ", ".join(["article_id", "event_id", "event_label"] + [quote_ident(c) for c in ev_extra]
                           + (["article_date"] if dated else []))
        joins += (f" LEFT JOIN (SELECT DISTINCT ON (article_id) {picked} FROM events) e "
                  "USING (article_id)")
    art_pick = (["url"] if "url" in art_cols and "url" not in cols else []) + meta
    if has_articles and art_pick:
        joins += (" LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, "
                  f"{', '.join(map(quote_ident, art_pick))} FROM articles) a USING (article_id)")
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
