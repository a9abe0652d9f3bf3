"""The one results interface: scores, evidence, texts, events and comparisons of a run.

A :class:`Results` is backed by DuckDB over either in-memory frames (what
:func:`framing.analyse` returns) or the Parquet tables of a results folder (what
``framing analyse ... --results DIR`` and the engines write). Every consumer — the
notebook API, the CLI, the app's pages — asks it the same questions, and the answers
come from the same SQL whatever the backing, so a page never loads a 100k-article corpus
into pandas and a five-article analysis needs no folder.

Tables (``Results.tables``):

* ``scores`` — one row per article (``frame:<id>``, ``axis:<id>`` with ``:lo``/``:hi``…);
* ``evidence`` — the sentences (character spans) and lexicon terms behind every score;
* ``components`` — lexicon and embedding parts of every score;
* ``articles`` — ``article_id, outlet, published, title, text, url``;
* ``events`` — one row per article with its ``event_id`` (when clustered);
* ``sentences`` — ``article_id, sentence_index, start, end`` (spans into the text).

Example
-------
>>> import framing
>>> results = framing.analyse(framing.load())             # doctest: +SKIP
>>> total, page = results.events_page("balochistan")      # doctest: +SKIP
>>> results.event_articles(page["event_id"][0])           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from framing.results.sql import EVENT_COLUMNS, EVENT_LIST_SQL, quote_ident, register, scores_sql
from framing.results.storage import TABLES, FolderIO

log = logging.getLogger(__name__)

#: Outlets compared by default (the ones with most articles) on big corpora.
TOP_OUTLETS = 20
LONG_COLUMNS = ["article_id", "target", "kind", "name", "pole", "rank", "sentence_index", "start", "end", "text",
                "value"]


class Results(FolderIO):
    """Scores, evidence, events and comparisons of one run, queried with DuckDB.

    Parameters
    ----------
    tables : mapping of str to DataFrame or Path
        ``scores`` (required) and any of ``evidence``, ``components``, ``articles``,
        ``events``, ``sentences``: frames in memory or Parquet files.
    codebook : Codebook
    settings : ScoringSettings
    calibration : Calibration
    encoder_id : str
    doc_vectors : ndarray of shape (n_articles, dim) or Path to a ``.npy``, optional
    engine : dict, optional
        ``name``, ``n_workers``, ``scheduler``, ``partition_size`` of the run.
    n_sentences : int, optional
    inputs : list of str, optional
        Input files (hashed into the manifest).
    seconds : dict, optional
        Wall time of each stage.
    folder : Path, optional
        The results folder the tables live in (comparisons are cached there).
    memory_limit : str, default "512MB"
        DuckDB's buffer-pool limit.
    encoder : Encoder, optional
        The encoder of the run, for :attr:`roles` (default: :func:`framing.encoders.get_encoder`
        on ``encoder_id`` when it names a built-in model).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame | Path], *, codebook, settings, calibration,
                 encoder_id: str, doc_vectors=None, engine: dict | None = None, n_sentences: int | None = None,
                 inputs: list[str] | None = None, seconds: dict | None = None, folder: Path | None = None,
                 memory_limit: str = "512MB", encoder=None):
        if "scores" not in tables:
            raise ValueError(f"a Results needs a scores table (got {sorted(tables)})")
        self.codebook = codebook
        self.settings = settings
        self.calibration = calibration
        self.encoder_id = encoder_id
        self.encoder = encoder
        self.engine = dict(engine or {"name": "local"})
        self.inputs = list(inputs or [])
        self.seconds = dict(seconds or {})
        self.folder = Path(folder) if folder is not None else None
        self.created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self._doc_vectors = doc_vectors
        self._memory_limit = memory_limit
        self._sources: dict[str, pd.DataFrame | Path] = {}
        self._lock = threading.RLock()  # one connection, shared by the app's sessions
        self._con = None
        self._built = False
        self._cache: dict = {}
        for name, source in tables.items():
            self._sources[name] = source
        self._n_sentences = n_sentences

    # ------------------------------------------------------------------ plumbing
    def __repr__(self) -> str:
        where = f", folder='{self.folder}'" if self.folder is not None else ""
        return (f"{type(self).__name__}({self.n_articles} articles, codebook={self.codebook.id!r}, "
                f"encoder={self.encoder_id!r}{where})")

    @property
    def tables(self) -> list[str]:
        """Names of the tables this run has."""
        return [t for t in TABLES if t in self._sources]

    def has(self, table: str) -> bool:
        return table in self._sources

    def set_table(self, name: str, source: pd.DataFrame | Path) -> None:
        """Add or replace a table (e.g. ``events`` after clustering); derived tables are rebuilt."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {TABLES}")
        with self._lock:
            self._sources[name] = source
            self._built = False
            self._cache.clear()

    def _connection(self):
        import duckdb

        with self._lock:
            if self._con is None:
                self._con = duckdb.connect(config={"memory_limit": self._memory_limit})
            if not self._built:
                con = self._con
                for name, source in self._sources.items():
                    register(con, name, source)
                con.execute("DROP TABLE IF EXISTS scored")
                con.execute("CREATE TABLE scored AS " + scores_sql(
                    con, has_events=self.has("events"), has_articles=self.has("articles"), row_column="rowno"))
                con.execute("DROP TABLE IF EXISTS event_list")
                con.execute("CREATE TABLE event_list AS " + EVENT_LIST_SQL)
                self._columns = [r[0] for r in con.execute("DESCRIBE scored").fetchall() if r[0] != "rowno"]
                self._built = True
            return self._con

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """Run SQL over the tables (views ``scores``, ``evidence``, …; ``scored`` = the score
        table with events and URLs, ``event_list`` = one row per event)."""
        with self._lock:
            return self._connection().execute(sql, params or []).df()

    def _scalar(self, sql: str, params=None):
        with self._lock:
            return self._connection().execute(sql, params or []).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con, self._built = None, False

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_con"], state["_built"], state["_lock"] = None, False, None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ tables
    @property
    def columns(self) -> list[str]:
        """Columns of :attr:`scores`."""
        self._connection()
        return list(self._columns)

    @property
    def scores(self) -> pd.DataFrame:
        """One row per article in input order: ``article_id, outlet, published, title, url,
        event_id, event_label``, frame scores in [0, 1], axis positions in [-1, 1] with
        ``:lo``/``:hi``/``:intensity``/``:relevance``, ``relevance``, ``off_topic``."""
        return self.query("SELECT * EXCLUDE (rowno) FROM scored ORDER BY rowno")

    def _table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        if name not in self._sources:
            raise ValueError(f"table {name!r} was not produced by this run (have {self.tables})")
        source = self._sources[name]
        if isinstance(source, pd.DataFrame):
            return source if columns is None else source[columns]
        return pd.read_parquet(source, columns=columns)

    @property
    def evidence(self) -> pd.DataFrame:
        """``article_id, target, pole, kind, rank, sentence_index, start, end, text, value``:
        the sentences (``kind="sentence"``) and lexicon terms (``kind="term"``) behind every
        score; ``start``/``end`` are character offsets into the article text."""
        return self._table("evidence")

    @property
    def components(self) -> pd.DataFrame:
        """``article_id, target, component, value``: the parts of every score."""
        return self._table("components")

    @property
    def events(self) -> pd.DataFrame:
        """One row per article: ``article_id, event_id, event_label, event_size, …``."""
        return self._table("events")

    @property
    def doc_vectors(self) -> np.ndarray:
        """ndarray of shape (n_articles, dim): the pooled document vectors of the run."""
        v = self._doc_vectors
        if v is None:
            raise ValueError("this run kept no document vectors")
        return np.load(v, mmap_mode="r") if isinstance(v, (str, Path)) else v

    @property
    def n_articles(self) -> int:
        return int(self._scalar("SELECT count(*) FROM scores"))

    @property
    def n_sentences(self) -> int:
        if self._n_sentences is None:
            self._n_sentences = int(self._scalar("SELECT count(*) FROM sentences")) if self.has("sentences") else 0
        return self._n_sentences

    @property
    def n_events(self) -> int:
        return int(self._scalar("SELECT count(*) FROM event_list"))

    @property
    def n_multi_outlet_events(self) -> int:
        return int(self._scalar("SELECT count(*) FROM event_list WHERE n_outlets >= 2"))

    def frame_scores(self) -> pd.DataFrame:
        """``article_id`` and the ``frame:`` columns, indexed by article."""
        cols = ["article_id"] + [c for c in self.columns if c.startswith("frame:")]
        return self.query(f"SELECT {', '.join(map(quote_ident, cols))} FROM scored ORDER BY rowno"
                          ).set_index("article_id")

    def long_table(self) -> pd.DataFrame:
        """Components and evidence in one long table (``--long`` in the CLI)."""
        comp = self.components.assign(kind="component", pole="", rank=0, sentence_index=-1, start=-1, end=-1,
                                      text="").rename(columns={"component": "name"})
        evidence = self.evidence
        ev = evidence.assign(name=evidence["kind"])
        return pd.concat([comp[LONG_COLUMNS], ev[LONG_COLUMNS]], ignore_index=True)

    # ------------------------------------------------------------------ articles
    def score_rows(self, article_ids) -> pd.DataFrame:
        """Score rows of the given articles, in input order."""
        ids = [str(a) for a in article_ids]
        return self.query("SELECT * EXCLUDE (rowno) FROM scored WHERE article_id IN (SELECT unnest(?)) "
                          "ORDER BY rowno", [ids])

    def evidence_for(self, article_ids, targets=None) -> pd.DataFrame:
        """Evidence rows of the given articles (optionally of some targets only)."""
        if not self.has("evidence"):
            return pd.DataFrame(columns=["article_id", "target", "pole", "kind", "rank", "sentence_index", "start",
                                         "end", "text", "value"])
        sql, params = "SELECT * FROM evidence WHERE article_id IN (SELECT unnest(?))", [[str(a) for a in article_ids]]
        if targets is not None:
            sql += " AND target IN (SELECT unnest(?))"
            params.append([str(t) for t in targets])
        return self.query(sql, params)

    def texts(self, article_ids) -> dict[str, str]:
        """article_id -> full text, for the given articles."""
        if not self.has("articles"):
            return {}
        df = self.query("SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest(?))",
                        [[str(a) for a in article_ids]])
        return dict(zip(df["article_id"], df["text"]))

    def article(self, article_id):
        """The :class:`~framing.corpus.Article` with this id (``KeyError`` when absent)."""
        from framing.corpus import Article

        rows = self.query("SELECT * FROM articles WHERE article_id = ?", [str(article_id)]) \
            if self.has("articles") else pd.DataFrame()
        if rows.empty:
            raise KeyError(f"no article {article_id!r} in these results")
        row = rows.iloc[0].to_dict()

        def text(key):
            value = row.get(key)
            return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

        published = row.get("published")
        published = None if published is None or pd.isna(published) else pd.Timestamp(published).date()
        return Article(article_id=str(row["article_id"]), outlet=text("outlet"), published=published,
                       title=text("title"), text=text("text"), url=text("url"), section=text("section"),
                       author=text("author"), source=text("source"))

    def article_list(self) -> pd.DataFrame:
        """``article_id, outlet, published, title`` of every article, in input order."""
        return self.query("SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, published, title FROM scored "
                          "ORDER BY rowno")

    def search_articles(self, query: str = "", limit: int = 200) -> pd.DataFrame:
        """``article_id, outlet, published, title`` of articles whose title or outlet contains ``query``."""
        cond, params = "TRUE", []
        if query.strip():
            cond = "contains(lower(coalesce(title, '') || ' ' || CAST(outlet AS VARCHAR)), ?)"
            params.append(query.strip().lower())
        return self.query(f"SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, published, title FROM scored "
                          f"WHERE {cond} ORDER BY rowno LIMIT ?", params + [int(limit)])

    # ------------------------------------------------------------------ overview
    def summary(self) -> dict:
        """Articles, outlets, events, date range, encoder, codebook and engine of the run."""
        off = "sum(CASE WHEN off_topic THEN 1 ELSE 0 END)" if "off_topic" in self.columns else "0"
        row = self.query("SELECT count(*) AS n, count(DISTINCT outlet) AS outlets, min(published) AS first, "
                         f"max(published) AS last, {off} AS off_topic FROM scored").iloc[0]
        return {"articles": int(row["n"]), "outlets": int(row["outlets"]), "first": row["first"], "last": row["last"],
                "off_topic": int(row["off_topic"] or 0), "events": self.n_events,
                "multi_outlet_events": self.n_multi_outlet_events, "sentences": self.n_sentences,
                "encoder": self.encoder_id, "codebook": self.codebook.id, "engine": self.engine.get("name"),
                "created": self.created, "folder": str(self.folder) if self.folder is not None else None}

    def outlet_counts(self) -> pd.Series:
        """Articles per outlet, most first (ties by name)."""
        df = self.query("SELECT CAST(outlet AS VARCHAR) AS outlet, count(*) AS n FROM scored "
                        "GROUP BY 1 ORDER BY n DESC, outlet")
        return pd.Series(df["n"].to_numpy(), index=df["outlet"].to_numpy(), name="articles")

    def articles_per_period(self, freq: str = "month") -> pd.DataFrame:
        """``period, outlet, n``: dated articles per period (``day``, ``week`` or ``month``) and outlet."""
        if freq not in ("day", "week", "month"):
            raise ValueError(f"freq must be day, week or month, got {freq!r}")
        return self.query(f"SELECT date_trunc('{freq}', published) AS period, CAST(outlet AS VARCHAR) AS outlet, "
                          "count(*) AS n FROM scored WHERE published IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")

    def time_freq(self) -> str:
        """``"W"`` when the dated articles span up to a year, else ``"M"``."""
        span = self._scalar("SELECT date_diff('day', min(published), max(published)) FROM scored")
        return "W" if span is None or span <= 366 else "M"

    def axis_sample(self, axis_id: str, outlets=None, per_outlet: int = 300) -> pd.DataFrame:
        """A seeded sample of up to ``per_outlet`` articles per outlet with their axis position
        (``article_id, outlet, title, published, axis:<id>``), for strip plots."""
        col = f"axis:{axis_id}"
        if col not in self.columns:
            raise ValueError(f"no column {col!r} in the scores (axes: {self.codebook.axis_ids})")
        outlets = list(self.outlet_counts().index) if outlets is None else list(map(str, outlets))
        return self.query(
            f"SELECT article_id, CAST(outlet AS VARCHAR) AS outlet, title, published, {quote_ident(col)} FROM scored "
            f"WHERE CAST(outlet AS VARCHAR) IN (SELECT unnest(?)) AND {quote_ident(col)} IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY outlet ORDER BY hash(article_id)) <= ? ORDER BY rowno",
            [outlets, int(per_outlet)])

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
        rows = self.query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM event_list WHERE {cond} "
                          "ORDER BY n_outlets DESC, event_size DESC, first_row LIMIT ? OFFSET ?",
                          params + [int(page_size), offset])
        return total, rows

    def event_info(self, event_id) -> dict | None:
        """The event-list row of one event (``EVENT_COLUMNS``), or ``None``."""
        df = self.query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM event_list WHERE event_id = ?", [event_id])
        return None if df.empty else df.iloc[0].to_dict()

    def event_articles(self, event_id) -> pd.DataFrame:
        """The score rows of the articles of one event, in input order."""
        return self.query("SELECT * EXCLUDE (rowno) FROM scored WHERE event_id = ? ORDER BY rowno", [event_id])

    def cluster_events(self, **params) -> pd.DataFrame:
        """Cluster the articles into events (:func:`framing.events.cluster_events`) from the
        stored articles and document vectors; the texts are streamed, never all in memory.
        The embedding distances are scaled for the run's encoder
        (:func:`framing.encoders.spread.event_distance_scale`) unless ``embedding_scale`` is given."""
        from framing.encoders.spread import event_distance_scale
        from framing.events import cluster_events

        columns = set(self.query("DESCRIBE articles")["column_name"])
        # the language lets the clusterer compare articles in two languages on embeddings alone
        frame = self.query("SELECT article_id, outlet, published, title"
                           + (", language" if "language" in columns else "") + " FROM articles")

        def texts():
            offset = 0
            while True:
                batch = self.query("SELECT text FROM (SELECT text, row_number() OVER () AS r FROM articles) "
                                   "WHERE r > ? AND r <= ? ORDER BY r", [offset, offset + 2048])
                if batch.empty:
                    return
                yield from batch["text"].tolist()
                offset += 2048

        params.setdefault("random_state", self.settings.random_state)
        params.setdefault("embedding_scale", event_distance_scale(self.encoder_id))
        events = cluster_events(frame, np.asarray(self.doc_vectors), codebook=self.codebook, texts=texts(), **params)
        self._store_events(events)
        return events

    def _store_events(self, events: pd.DataFrame) -> None:
        if self.folder is not None and not isinstance(self._sources.get("scores"), pd.DataFrame):
            target = self.folder / "events.parquet"
            events.to_parquet(target, index=False)
            self.set_table("events", target)
        else:
            self.set_table("events", events)

    # ------------------------------------------------------------------ comparison
    def compare(self, by: str = "outlet", *, target: str = "frames", outlets=None, **kw):
        """Compare outlets (or events) side by side.

        Parameters
        ----------
        by : str, default "outlet"
        target : {"frames", "roles"}, default "frames"
            ``frames``: :func:`framing.compare.compare` over these scores and texts (keyword
            arguments passed on, e.g. ``matched=True``, ``event_column="cluster_id"``), with this
            run's manifest as provenance (a ``Comparison``). ``roles``: the role shares and
            outlet differences of :attr:`roles` (:func:`framing.roles.results.role_comparison`),
            a dict ``{"role_shares": DataFrame, "role_differences": DataFrame}``; ``kw`` may
            hold ``level`` (``actor`` or ``part_of``), ``actors``, ``encoder``, ``model``.
        outlets : list of str, optional
        """
        if target == "roles":
            return self.role_comparison(by=by, outlets=outlets, **kw)
        if target != "frames":
            raise ValueError(f"target must be 'frames' or 'roles', got {target!r}")
        from framing.compare import compare

        scores = self.scores if outlets is None else self.query(
            "SELECT * EXCLUDE (rowno) FROM scored WHERE CAST(outlet AS VARCHAR) IN (SELECT unnest(?)) "
            "ORDER BY rowno", [sorted(map(str, outlets))])
        kw.setdefault("time_freq", self.time_freq())
        comparison = compare(scores, by=by, texts=self.texts(scores["article_id"]), **kw)
        comparison.provenance = self.manifest()
        return comparison

    def comparison(self, outlets=None, *, by: str = "outlet", matched: bool = False) -> dict[str, pd.DataFrame]:
        """:meth:`compare` tables for the given outlets (default: all), computed once per
        (outlets, by, matched) — and, for a results folder, cached as Parquet under
        ``DIR/comparison/<key>/`` so it is paid once per folder, not per page view.
        ``matched=True`` adds ``matched_differences`` and ``agenda`` (needs events)."""
        outlets = sorted(map(str, outlets)) if outlets is not None else sorted(self.outlet_counts().index)
        matched = bool(matched) and self.has("events")
        key = (tuple(outlets), by, matched)
        if key in self._cache:
            return self._cache[key]
        folder = None
        scores_source = self._sources["scores"]
        if self.folder is not None and isinstance(scores_source, (str, Path)):
            stat = Path(scores_source).stat()
            ident = [outlets, by, stat.st_size, stat.st_mtime_ns, self.has("events")] + (["matched"] if matched else [])
            digest = hashlib.sha256(json.dumps(ident).encode()).hexdigest()[:16]
            folder = self.folder / "comparison" / digest
            done = folder / "tables.json"
            if done.exists():
                names = json.loads(done.read_text())["tables"]
                tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in names}
                self._cache[key] = tables
                return tables
        tables = dict(self.compare(by=by, outlets=outlets, matched=matched).tables)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for name, table in tables.items():
                table.to_parquet(folder / f"{name}.parquet", index=False)
            (folder / "tables.json").write_text(json.dumps({"tables": list(tables), "outlets": outlets, "by": by}))
        self._cache[key] = tables
        return tables

    # ------------------------------------------------------------------ roles
    @property
    def roles(self) -> pd.DataFrame:
        """One row per actor mention (the columns of ``framing roles``): who each article
        casts as protagonist, antagonist or innocent, with the results' codebook and encoder.

        Computed on first use (spaCy + the encoder), then kept in memory and, for a results
        folder, in ``DIR/roles.parquet``. :meth:`role_table` takes another encoder or a
        trained role model.
        """
        return self.role_table()

    def role_table(self, encoder=None, *, model=None, cache=None) -> pd.DataFrame:
        """:attr:`roles` with an explicit encoder, trained role model or embedding cache
        (see :func:`framing.roles.results.role_table`)."""
        from framing.roles.results import role_table

        with self._lock:
            return role_table(self, encoder, model=model, cache=cache)

    def roles_for(self, article_ids) -> pd.DataFrame:
        """:attr:`roles` rows of these articles only, without scoring the whole corpus
        (see :func:`framing.roles.results.roles_of_articles`)."""
        from framing.roles.results import roles_of_articles

        with self._lock:
            return roles_of_articles(self, article_ids)

    def role_comparison(self, *, by: str = "outlet", outlets=None, level: str = "actor", actors=None,
                        encoder=None, model=None, **kw) -> dict[str, pd.DataFrame]:
        """``{"role_shares", "role_differences"}`` of :attr:`roles` by outlet (or event, …),
        computed once per (outlets, by, level, actors) and kept in memory."""
        from framing.roles.results import model_key, role_comparison

        outlets = sorted(map(str, outlets)) if outlets is not None else None
        key = ("role_comparison", tuple(outlets or ()), by, level, tuple(actors or ()), str(encoder),
               model_key(model), tuple(sorted(kw.items())))
        if key not in self._cache:
            rows = self.role_table(encoder, model=model)
            self._cache[key] = role_comparison(rows, by=by, level=level, outlets=outlets, actors=actors, **kw)
        return self._cache[key]


class ArticleView:
    """The articles of a :class:`Results` read the way a :class:`~framing.corpus.Corpus` is
    (``len``, ``to_frame``, ``[article_id]``, ``texts``) — one article at a time, never every
    text at once — for the coding and validation pages on a results folder.

    Parameters
    ----------
    results : Results
    """

    def __init__(self, results: Results):
        self.results = results
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return self.results.n_articles

    def to_frame(self) -> pd.DataFrame:
        """``article_id, outlet, published, title`` of every article, in input order."""
        if self._frame is None:
            self._frame = self.results.article_list()
        return self._frame

    def __getitem__(self, article_id: str):
        return self.results.article(article_id)

    def texts(self, article_ids) -> dict[str, str]:
        return self.results.texts(article_ids)
