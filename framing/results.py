"""Query a results folder with DuckDB: what the app reads for a corpus too big to hold in memory.

A results folder is what ``framing analyse PATH... --results DIR`` (or ``run_local`` /
``run_dask`` with ``out_dir``) writes: ``scores``, ``evidence``, ``articles`` and
``events`` as Parquet, ``codebook.yaml`` and ``result.json``. :class:`ResultsDB` opens it
with an in-memory DuckDB connection and answers the questions the app's pages ask —
one page of the event list, the articles of one event, their evidence and texts,
articles per outlet, a sample of axis positions — with SQL over the Parquet files, so
a page never loads the whole corpus into pandas. Only the per-article score table and
the event list (a few numbers and a title per row) are materialised in DuckDB;
evidence and article texts stay in their Parquet files and are read by article id.

The outlet comparison (bootstrap intervals, permutation tests, distinctive terms) needs
every score once: :meth:`ResultsDB.comparison` computes it with
:func:`framing.compare.compare` and caches its tables as Parquet under
``DIR/comparison/``, so it is paid once per folder, not per page view.

Example
-------
>>> db = ResultsDB("results/")                              # doctest: +SKIP
>>> total, page = db.events_page("balochistan", page=1)      # doctest: +SKIP
>>> rows = db.event_articles(page["event_id"][0])            # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path

import duckdb
import pandas as pd

from framing.engines.result import EngineResult, parquet_sql, scores_with_events_sql

log = logging.getLogger(__name__)

#: Outlets compared by default (the ones with most articles): the app's Outlets page and
#: ``framing analyse --results`` use it.
TOP_OUTLETS = 20
#: Columns of the event list (one row per event).
EVENT_COLUMNS = ["event_id", "event_label", "headline", "event_size", "n_outlets", "outlets", "event_start",
                 "event_end"]


class ResultsDB:
    """Read-only queries over a results folder (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        A folder written with ``out_dir`` (has ``result.json``).
    memory_limit : str, default "512MB"
        DuckDB's buffer-pool limit for this connection.

    Attributes
    ----------
    result : EngineResult
    codebook : Codebook
    n_articles, n_events, n_multi_outlet_events : int

    Raises
    ------
    ValueError
        When the folder is not a results folder, or has no events table.
    """

    def __init__(self, folder: str | Path, *, memory_limit: str = "512MB"):
        self.folder = Path(folder)
        self.result = EngineResult.open(self.folder)
        self.codebook = self.result.codebook
        paths = self.result.paths
        for name in ("scores", "evidence", "articles", "events"):
            if name not in paths:
                raise ValueError(f"{self.folder}: results folder has no {name} table"
                                 + (" (run it with events: `framing analyse ... --results DIR`)"
                                    if name == "events" else ""))
        self._lock = threading.Lock()  # one DuckDB connection, shared by the app's sessions
        self.con = duckdb.connect(config={"memory_limit": memory_limit})
        self.con.execute("CREATE TABLE scores AS "
                         + scores_with_events_sql(self.con, paths["scores"], paths["events"], row_column="rowno"))
        self.con.execute(f"CREATE VIEW evidence AS SELECT * FROM {parquet_sql(paths['evidence'])}")
        self.con.execute(f"CREATE VIEW articles AS SELECT * FROM {parquet_sql(paths['articles'])}")
        self.con.execute("""
            CREATE TABLE event_list AS
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
            FROM scores WHERE event_id IS NOT NULL GROUP BY event_id""")
        self.columns = [r[0] for r in self.con.execute("DESCRIBE scores").fetchall()
                        if r[0] not in ("event_id", "event_label", "rowno")]
        self.n_articles = self._scalar("SELECT count(*) FROM scores")
        self.n_events = self._scalar("SELECT count(*) FROM event_list")
        self.n_multi_outlet_events = self._scalar("SELECT count(*) FROM event_list WHERE n_outlets >= 2")

    def __repr__(self) -> str:
        return f"ResultsDB('{self.folder}', {self.n_articles} articles, {self.n_events} events)"

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------------ helpers
    def _query(self, sql: str, params=None) -> pd.DataFrame:
        with self._lock:
            return self.con.execute(sql, params or []).df()

    def _scalar(self, sql: str, params=None):
        with self._lock:
            return self.con.execute(sql, params or []).fetchone()[0]

    # ------------------------------------------------------------------ overview
    def summary(self) -> dict:
        """Articles, outlets, events, date range, encoder, codebook and engine of the folder."""
        row = self._query("SELECT count(*) AS n, count(DISTINCT outlet) AS outlets, min(published) AS first, "
                          "max(published) AS last, sum(CASE WHEN off_topic THEN 1 ELSE 0 END) AS off_topic "
                          "FROM scores" if "off_topic" in self.columns else
                          "SELECT count(*) AS n, count(DISTINCT outlet) AS outlets, min(published) AS first, "
                          "max(published) AS last, 0 AS off_topic FROM scores").iloc[0]
        return {"articles": int(row["n"]), "outlets": int(row["outlets"]), "first": row["first"], "last": row["last"],
                "off_topic": int(row["off_topic"] or 0), "events": self.n_events,
                "multi_outlet_events": self.n_multi_outlet_events, "sentences": self.result.n_sentences,
                "encoder": self.result.encoder_id, "codebook": self.codebook.id, "engine": self.result.engine,
                "created": self.result.created, "folder": str(self.folder)}

    def outlet_counts(self) -> pd.Series:
        """Articles per outlet, most first (ties by name)."""
        df = self._query("SELECT CAST(outlet AS VARCHAR) AS outlet, count(*) AS n FROM scores "
                         "GROUP BY 1 ORDER BY n DESC, outlet")
        return pd.Series(df["n"].to_numpy(), index=df["outlet"].to_numpy(), name="articles")

    def articles_per_period(self, freq: str = "month") -> pd.DataFrame:
        """``period, outlet, n``: dated articles per period (``day``, ``week`` or ``month``) and outlet."""
        if freq not in ("day", "week", "month"):
            raise ValueError(f"freq must be day, week or month, got {freq!r}")
        return self._query(f"SELECT date_trunc('{freq}', published) AS period, CAST(outlet AS VARCHAR) AS outlet, "
                           "count(*) AS n FROM scores WHERE published IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")

    # ------------------------------------------------------------------ events
    def events_page(self, query: str = "", *, singles: bool = False, page: int = 1,
                    page_size: int = 20) -> tuple[int, pd.DataFrame]:
        """One page of the event list, most outlets first.

        Parameters
        ----------
        query : str
            Case-insensitive substring of the event label, any headline or any outlet.
        singles : bool, default False
            Include events covered by one outlet only.
        page : int, default 1
            1-based page number.
        page_size : int, default 20

        Returns
        -------
        (int, DataFrame)
            The number of matching events, and the page (columns ``EVENT_COLUMNS``).
        """
        where, params = ["TRUE"], []
        if not singles:
            where.append("n_outlets >= 2")
        if query.strip():
            where.append("contains(haystack, ?)")
            params.append(query.strip().lower())
        cond = " AND ".join(where)
        total = int(self._scalar(f"SELECT count(*) FROM event_list WHERE {cond}", params))
        offset = max(0, (int(page) - 1) * int(page_size))
        rows = self._query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM event_list WHERE {cond} "
                           "ORDER BY n_outlets DESC, event_size DESC, first_row LIMIT ? OFFSET ?",
                           params + [int(page_size), offset])
        return total, rows

    def event_info(self, event_id) -> dict | None:
        df = self._query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM event_list WHERE event_id = ?", [event_id])
        return None if df.empty else df.iloc[0].to_dict()

    def event_articles(self, event_id) -> pd.DataFrame:
        """The score rows (``Analysis.scores`` columns) of the articles of one event, in input order."""
        return self._query("SELECT * EXCLUDE (rowno) FROM scores WHERE event_id = ? ORDER BY rowno", [event_id])

    def articles(self, article_ids) -> pd.DataFrame:
        """Score rows of the given articles, in input order."""
        ids = [str(a) for a in article_ids]
        if not ids:
            return self._query("SELECT * EXCLUDE (rowno) FROM scores LIMIT 0")
        return self._query("SELECT * EXCLUDE (rowno) FROM scores WHERE article_id IN (SELECT unnest(?)) "
                           "ORDER BY rowno", [ids])

    def search_articles(self, query: str = "", limit: int = 200) -> pd.DataFrame:
        """``article_id, outlet, published, title`` of articles whose title or outlet contains ``query``."""
        cond, params = "TRUE", []
        if query.strip():
            cond = "contains(lower(coalesce(title, '') || ' ' || CAST(outlet AS VARCHAR)), ?)"
            params.append(query.strip().lower())
        return self._query(f"SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, published, title FROM scores "
                           f"WHERE {cond} ORDER BY rowno LIMIT ?", params + [int(limit)])

    def evidence(self, article_ids) -> pd.DataFrame:
        """Evidence rows (sentences and terms behind every score) of the given articles."""
        ids = [str(a) for a in article_ids]
        return self._query("SELECT * FROM evidence WHERE article_id IN (SELECT unnest(?))", [ids])

    def texts(self, article_ids) -> dict[str, str]:
        """article_id -> full text, for the given articles."""
        ids = [str(a) for a in article_ids]
        df = self._query("SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest(?))", [ids])
        return dict(zip(df["article_id"], df["text"]))

    # ------------------------------------------------------------------ outlets
    def axis_sample(self, axis_id: str, outlets, per_outlet: int = 300) -> pd.DataFrame:
        """A seeded sample of up to ``per_outlet`` articles per outlet with their axis position
        (``article_id, outlet, title, published, axis:<id>``), for strip plots."""
        col = f"axis:{axis_id}"
        if col not in self.columns:
            raise ValueError(f"no column {col!r} in the scores (axes: {self.codebook.axis_ids})")
        return self._query(
            f'SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, title, published, "{col}" FROM scores '
            f'WHERE CAST(outlet AS VARCHAR) IN (SELECT unnest(?)) AND "{col}" IS NOT NULL '
            "QUALIFY row_number() OVER (PARTITION BY outlet ORDER BY hash(article_id)) <= ?",
            [list(map(str, outlets)), int(per_outlet)])

    def time_freq(self) -> str:
        """``"W"`` when the dated articles span up to a year, else ``"M"`` (as the app's pages)."""
        span = self._scalar("SELECT date_diff('day', min(published), max(published)) FROM scores")
        return "W" if span is None or span <= 366 else "M"

    def comparison(self, outlets=None, *, by: str = "outlet", progress=None) -> dict[str, pd.DataFrame]:
        """:func:`framing.compare.compare` tables for the given outlets (default: all),
        computed once and cached as Parquet under ``DIR/comparison/<key>/``.

        The cache key covers the outlets, ``by`` and the scores file (size and mtime), so a
        re-scored folder is compared afresh.
        """
        from framing.compare import compare

        outlets = sorted(map(str, outlets)) if outlets is not None else list(self.outlet_counts().index)
        stat = Path(self.result.paths["scores"]).stat()
        key = hashlib.sha256(json.dumps([outlets, by, stat.st_size, stat.st_mtime_ns]).encode()).hexdigest()[:16]
        folder = self.folder / "comparison" / key
        done = folder / "tables.json"
        if done.exists():
            names = json.loads(done.read_text())["tables"]
            return {name: pd.read_parquet(folder / f"{name}.parquet") for name in names}
        scores = self._query("SELECT * EXCLUDE (rowno) FROM scores WHERE CAST(outlet AS VARCHAR) IN "
                             "(SELECT unnest(?)) ORDER BY rowno", [outlets])
        texts = self.texts(scores["article_id"])
        tables = dict(compare(scores, by=by, texts=texts, time_freq=self.time_freq()).tables)
        del texts
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            table.to_parquet(folder / f"{name}.parquet", index=False)
        done.write_text(json.dumps({"tables": list(tables), "outlets": outlets, "by": by}))
        return tables


class ResultsCorpus:
    """The articles of a results folder as the Annotate and Validation pages read a corpus:
    its length, a small frame of ids and outlets (for drawing samples), and articles fetched
    one by one by id — never every text at once.

    Parameters
    ----------
    db : ResultsDB
    """

    def __init__(self, db: ResultsDB):
        self.db = db
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return self.db.n_articles

    def to_frame(self) -> pd.DataFrame:
        """``article_id, outlet, published, title`` of every article, in input order."""
        if self._frame is None:
            self._frame = self.db._query("SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, published, title "
                                         "FROM scores ORDER BY rowno")
        return self._frame

    def __getitem__(self, article_id: str):
        from framing.corpus import Article

        rows = self.db._query("SELECT a.* FROM articles a WHERE a.article_id = ?", [str(article_id)])
        if rows.empty:
            raise KeyError(f"no article {article_id!r} in the results folder {self.db.folder}")
        row = rows.iloc[0].to_dict()
        published = row.get("published")
        published = None if published is None or pd.isna(published) else pd.Timestamp(published).date()
        return Article(article_id=str(row["article_id"]), outlet=str(row.get("outlet") or ""), published=published,
                       title=str(row.get("title") or ""), text=str(row.get("text") or ""),
                       url=str(row.get("url") or ""))

    def texts(self, article_ids) -> dict[str, str]:
        """article_id -> text for these articles (those in the folder)."""
        return self.db.texts(article_ids)

    def scores_for(self, article_ids) -> pd.DataFrame:
        """Score rows of these articles (what the Validation page compares with the coders)."""
        return self.db.articles(article_ids)
