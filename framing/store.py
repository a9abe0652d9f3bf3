"""The embedded store: one DuckDB file holds the articles and the embedding cache.

Re-ingesting the same articles adds nothing (``article_id`` is the key). The
embedding cache is keyed by ``(model_id, sha256(sentence))`` so vectors of different
encoders never mix. Sentences are not stored: scoring segments the article text itself
(:func:`framing.segment.segment`, cheap next to embedding), so spans always come from the
current segmenter; a ``sentences`` table left by an earlier version is ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from framing.corpus import ARTICLE_COLUMNS, Corpus
from framing.paths import default_db_path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,
    outlet VARCHAR, published DATE, title VARCHAR, text VARCHAR,
    url VARCHAR, section VARCHAR, author VARCHAR, source VARCHAR,
    ingested_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS embeddings (
    model_id VARCHAR, sha256 VARCHAR, vector BLOB
);
CREATE TABLE IF NOT EXISTS article_meta (
    article_id VARCHAR, meta VARCHAR
);
"""
# ``article_meta`` holds each article's user columns (``Article.extra``) as one JSON object;
# a side table, so stores written before it existed stay readable (read-only ones lack it and
# read as articles without metadata).
# The embedding cache carries no PRIMARY KEY on purpose: DuckDB keeps ART indexes in
# memory, and at 100,000 articles (3 million sentences) the indexes of the cache and of
# the sentences table earlier versions kept held over 1 GiB. Uniqueness is kept by the
# writer instead: vectors are written only for hashes not yet cached (an anti-join).
# Stores created by earlier versions keep their keys and work the same.

#: Measured on 100,000 resampled articles (docs/benchmarks.md, *Scale*): ingest peaked at
#: 1,255 MiB above the model with a 1 GB limit and 541 MiB with 256 MB, at the same speed
#: (245 vs 250 s); DuckDB spills larger joins and sorts to ``<store>.tmp``.
DEFAULT_MEMORY_LIMIT = "256MB"


def _memory_limit() -> str:
    """DuckDB's buffer-pool limit: ``FRAMING_DUCKDB_MEMORY`` or 256 MB (DuckDB's own default
    is 80 % of RAM, which lets cached pages of a big store crowd the process)."""
    return os.environ.get("FRAMING_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)


class StoreLockedError(ValueError):
    """The store file is held by another process (DuckDB allows one writer per file)."""


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _cause(exc: BaseException) -> str:
    """The useful part of a DuckDB error (the OS message, e.g. "No space left on device")."""
    text = " ".join(str(exc).split())
    return text[:300]


def _dedup_table(scheme: str, entries: Sequence[tuple[str, bytes, bytes | None]]) -> pa.Table:
    return pa.table(
        {
            "scheme": pa.array([scheme] * len(entries), pa.string()),
            "article_id": pa.array([e[0] for e in entries], pa.string()),
            "text_key": pa.array([e[1] for e in entries], pa.binary()),
            "signature": pa.array([e[2] for e in entries], pa.binary()),
        }
    )


def open_store(path: str | Path | None = None, *, write: bool = True) -> tuple["Store | None", str]:
    """Open a store for a command that can live without writing to it (an embedding cache).

    Tries read-write (``write=True``), then read-only (works while other processes only read
    it), and gives up politely when another process holds it for writing.

    Returns
    -------
    (store or None, note)
        ``note`` is "" when the store opened as asked, else a sentence for the user (read-only:
        new vectors are not cached; None: run without the store).
    """
    target = Path(path) if path is not None else default_db_path()
    if write:
        try:
            return Store(target), ""
        except StoreLockedError:
            pass
    if not target.exists():
        return (Store(target), "") if write else (None, f"{target}: no such store; running without it")
    try:
        store = Store(target, read_only=True)
    except StoreLockedError as exc:
        return None, f"{exc}; running without the store (embeddings are not cached)"
    return store, ("" if not write else f"{target}: the store is open in another process; opened read-only "
                   "(new embeddings are not cached; close the other process (the app?) or use --db PATH)")


def sentence_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """A DuckDB file with the corpus and the embedding cache.

    Parameters
    ----------
    path : str or Path, optional
        The database file. Default: the per-user store (``FRAMING_DB`` overrides),
        ``":memory:"`` for a throw-away store.
    read_only : bool, default False
    """

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = str(path) if path is not None else str(default_db_path())
        self.read_only = read_only
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only, config={"memory_limit": _memory_limit()})
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                raise StoreLockedError(
                    f"{self.path}: the store is open in another process (the app?): close it or use --db PATH "
                    f"for another store ({_cause(exc)})"
                ) from None
            raise ValueError(f"{self.path}: cannot open the DuckDB store ({exc})") from None
        if not read_only:
            self.con.execute(_SCHEMA)

    # ------------------------------------------------------------ lifecycle
    def _finish_pending(self) -> None:
        """Finish a caller's half-read result: DuckDB refuses ``register`` beside one."""
        self.con.execute("SELECT 1").fetchall()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ articles
    def add_corpus(self, corpus: Corpus | Iterable, batch_size: int = 2000,
                   dedup: tuple[str, Sequence[tuple[str, bytes, bytes | None]]] | None = None) -> int:
        """Store articles; returns how many were new.

        ``dedup = (scheme, entries)`` also stores the duplicate-index rows of these articles
        (see :meth:`put_dedup_entries`) in the same transaction as the articles, so a kill
        never leaves a stored article out of the index.

        Raises
        ------
        ValueError
            The store is read-only, or writing failed (the message names the store and the
            cause, e.g. "No space left on device"); nothing of the failed batch is stored.
        """
        self._check_writable("add articles")
        articles = list(corpus)
        scheme, entries = dedup if dedup is not None else ("", [])
        if not articles:
            if entries:
                self.put_dedup_entries(scheme, entries)
            return 0
        if entries:
            self._ensure_dedup_table()
        by_id: dict[str, list] = {}
        for entry in entries:
            by_id.setdefault(entry[0], []).append(entry)
        before = self.article_count()
        now = dt.datetime.now()
        for i in range(0, len(articles), batch_size):
            chunk = articles[i:i + batch_size]
            ids = [a.article_id for a in chunk]
            chunk_entries = [e for aid in dict.fromkeys(ids) for e in by_id.pop(aid, [])]
            if i + batch_size >= len(articles):  # entries of ids not in the corpus go with the last chunk
                chunk_entries += [e for rest in by_id.values() for e in rest]
            existing = set(
                self.con.execute(
                    "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [ids]
                ).fetchnumpy()["article_id"].tolist()
            )
            new = []
            for a in chunk:  # the first of repeated ids wins, as the article key would have it
                if a.article_id not in existing:
                    existing.add(a.article_id)
                    new.append(a)
            if not new and not chunk_entries:
                continue
            art = pd.DataFrame([a.to_dict() for a in new], columns=ARTICLE_COLUMNS)
            art["published"] = pd.to_datetime(art["published"], errors="coerce")
            art["ingested_at"] = now
            self._finish_pending()
            self.con.register("_new_articles", art)
            meta = pd.DataFrame({"article_id": [a.article_id for a in new if a.extra],
                                 "meta": [json.dumps(dict(a.extra), ensure_ascii=False, default=str)
                                          for a in new if a.extra]}, dtype=object)
            if len(meta):
                self.con.register("_new_meta", meta)
            if chunk_entries:
                self.con.register("_new_dedup", _dedup_table(scheme, chunk_entries))
            self.con.begin()
            try:
                self.con.execute(
                    "INSERT INTO articles SELECT article_id, outlet, published, title, text, url, section, author, "
                    "source, ingested_at FROM _new_articles"
                )
                if len(meta):
                    self.con.execute("INSERT INTO article_meta SELECT article_id, meta FROM _new_meta")
                if chunk_entries:
                    self.con.execute("INSERT INTO dedup_index SELECT * FROM _new_dedup ON CONFLICT DO NOTHING")
                self.con.commit()
            except BaseException as exc:
                self._rollback_quietly()
                if isinstance(exc, duckdb.Error):
                    raise ValueError(f"{self.path}: writing {len(new)} article(s) to the store failed "
                                     f"({_cause(exc)}); none of them was stored") from exc
                raise
            finally:
                self.con.unregister("_new_articles")
                if len(meta):
                    self.con.unregister("_new_meta")
                if chunk_entries:
                    self.con.unregister("_new_dedup")
        return self.article_count() - before

    def _rollback_quietly(self) -> None:
        """Roll back if a transaction is still open: a failed commit (a full disk) has already
        ended it, and the rollback error ("no transaction is active") must not hide the cause."""
        try:
            self.con.rollback()
        except duckdb.Error:
            pass

    def _check_writable(self, what: str) -> None:
        if self.read_only:
            raise ValueError(f"{self.path}: the store is open read-only; cannot {what}")

    def article_count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM articles").fetchall()[0][0])

    def articles_frame(self, article_ids: Sequence[str] | None = None, *, metadata: bool = True) -> pd.DataFrame:
        """The stored articles (``ARTICLE_COLUMNS``, then the user's own columns, typed, unless
        ``metadata=False``), in ingest order or in the order of ``article_ids``."""
        cols = ", ".join(ARTICLE_COLUMNS)
        if article_ids is None:
            frame = self.con.execute(f"SELECT {cols} FROM articles ORDER BY ingested_at, rowid").df()
        else:
            frame = self.con.execute(
                f"SELECT {cols} FROM articles WHERE article_id IN (SELECT unnest(?))", [list(article_ids)]
            ).df()
            order = {aid: i for i, aid in enumerate(article_ids)}
            frame = frame.sort_values("article_id", key=lambda s: s.map(order)).reset_index(drop=True)
        for col in ARTICLE_COLUMNS:
            if col != "published":
                frame[col] = frame[col].fillna("").astype(str)
        if metadata:
            extras = self._metadata(frame["article_id"].tolist())
            if any(extras):
                from framing.metadata import extra_frame

                extra = extra_frame(extras)
                frame = pd.concat([frame, extra.drop(columns=[c for c in extra.columns if c in frame.columns])],
                                  axis=1)
        return frame

    def language_counts(self) -> dict[str, int]:
        """Stored articles per ``language`` column value (set at ingest, :mod:`framing.language`);
        articles without one count under ``""``."""
        try:
            rows = self.con.execute(
                "SELECT coalesce(json_extract_string(m.meta, '$.language'), '') AS lang, count(*) FROM articles a "
                "LEFT JOIN article_meta m USING (article_id) GROUP BY lang").fetchall()
        except duckdb.CatalogException:  # a read-only store written before the table existed
            return {"": self.article_count()}
        return {str(k): int(v) for k, v in rows}

    def _metadata(self, article_ids: list[str]) -> list[dict]:
        """The stored user columns (``Article.extra``) of these articles, in their order."""
        try:
            rows = self.con.execute("SELECT article_id, meta FROM article_meta WHERE article_id IN "
                                    "(SELECT unnest(?))", [article_ids]).fetchall()
        except duckdb.CatalogException:  # a read-only store written before the table existed
            return [{} for _ in article_ids]
        by_id = {}
        for aid, meta in rows:
            try:
                by_id.setdefault(aid, json.loads(meta))
            except (TypeError, ValueError):
                continue
        return [by_id.get(a, {}) for a in article_ids]

    def corpus(self, article_ids: Sequence[str] | None = None) -> Corpus:
        return Corpus.from_frame(self.articles_frame(article_ids))

    def iter_corpus(self, batch_size: int = 1000) -> Iterator[Corpus]:
        """Stream the stored corpus in batches (bounded memory)."""
        ids = self.con.execute("SELECT article_id FROM articles ORDER BY ingested_at, rowid").fetchnumpy()
        ids = ids["article_id"].tolist()
        for i in range(0, len(ids), batch_size):
            yield self.corpus(ids[i:i + batch_size])

    # ------------------------------------------------------------ ingested files
    # (added for ingest: which files went into the store, by content sha256)
    def _ensure_files_table(self) -> None:
        if not getattr(self, "_files_table_ready", False):
            if not self.read_only:
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS ingested_files (sha256 VARCHAR PRIMARY KEY, path VARCHAR, "
                    "size_bytes BIGINT, ingested_at TIMESTAMP)"
                )
            self._files_table_ready = True

    def file_ingested(self, sha256: str) -> bool:
        """Whether a file with this content hash was ingested into the store before."""
        self._ensure_files_table()
        try:
            rows = self.con.execute("SELECT 1 FROM ingested_files WHERE sha256 = ?", [sha256]).fetchall()
        except duckdb.CatalogException:  # read-only store written before this table existed
            return False
        return bool(rows)

    def record_file(self, path: str | Path, sha256: str) -> None:
        """Remember that the file ``path`` (content hash ``sha256``) was ingested."""
        self._ensure_files_table()
        path = Path(path)
        size = path.stat().st_size if path.exists() else None
        self.con.execute(
            "INSERT INTO ingested_files VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [sha256, str(path.resolve()) if path.exists() else str(path), size, dt.datetime.now()],
        )

    def ingested_files(self) -> pd.DataFrame:
        """The files ingested so far: sha256, path, size_bytes, ingested_at."""
        self._ensure_files_table()
        try:
            return self.con.execute(
                "SELECT sha256, path, size_bytes, ingested_at FROM ingested_files ORDER BY ingested_at"
            ).df()
        except duckdb.CatalogException:
            return pd.DataFrame(columns=["sha256", "path", "size_bytes", "ingested_at"])

    # ------------------------------------------------------------ duplicate index
    # (added for ingest: text keys and MinHash signatures of kept articles, so a later
    # ingest into the same store also merges copies of stories stored before)
    def _ensure_dedup_table(self) -> None:
        if not getattr(self, "_dedup_table_ready", False):
            if not self.read_only:
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS dedup_index (scheme VARCHAR, article_id VARCHAR, "
                    "text_key BLOB, signature BLOB, PRIMARY KEY (scheme, article_id))"
                )
            self._dedup_table_ready = True

    def put_dedup_entries(self, scheme: str, entries: Sequence[tuple[str, bytes, bytes | None]]) -> None:
        """Store ``(article_id, text_key, signature bytes or None)`` rows under a signature scheme."""
        if not entries:
            return
        self._check_writable("write the duplicate index")
        self._ensure_dedup_table()
        self._finish_pending()
        self.con.register("_new_dedup", _dedup_table(scheme, entries))
        try:
            self.con.execute("INSERT INTO dedup_index SELECT * FROM _new_dedup ON CONFLICT DO NOTHING")
        finally:
            self.con.unregister("_new_dedup")

    def iter_dedup_entries(self, scheme: str, batch_size: int = 10000) -> Iterator[tuple[str, bytes, bytes | None]]:
        """The stored ``(article_id, text_key, signature)`` rows of a scheme, for articles still stored."""
        self._ensure_dedup_table()
        cursor = self.con.cursor()  # its own handle, so the caller may use the store meanwhile
        try:
            try:
                cursor.execute(
                    "SELECT d.article_id, d.text_key, d.signature FROM dedup_index d "
                    "JOIN articles a USING (article_id) WHERE d.scheme = ? ORDER BY a.ingested_at, d.article_id",
                    [scheme],
                )
            except duckdb.CatalogException:
                return
            while True:
                rows = cursor.fetchmany(batch_size)
                if not rows:
                    return
                yield from rows
        finally:
            cursor.close()

    # ------------------------------------------------------------ embedding cache
    def get_embeddings(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for the given sentence hashes (missing ones are absent)."""
        if not hashes:
            return {}
        wanted = pa.table({"sha256": pa.array(list(dict.fromkeys(hashes)), pa.string())})
        self._finish_pending()
        self.con.register("_wanted", wanted)
        try:
            rows = self.con.execute(
                "SELECT e.sha256, e.vector FROM embeddings e JOIN _wanted w USING (sha256) WHERE e.model_id = ?",
                [model_id],
            ).fetchall()
        finally:
            self.con.unregister("_wanted")
        return {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}

    def put_embeddings(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Cache vectors; on a read-only store (opened beside another process) nothing is cached."""
        if len(hashes) == 0:
            return
        if self.read_only:
            log.info("%s is read-only: %d new vector(s) not cached", self.path, len(hashes))
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        table = pa.table(
            {
                "model_id": pa.array([model_id] * len(hashes), pa.string()),
                "sha256": pa.array(list(hashes), pa.string()),
                "vector": pa.array([row.tobytes() for row in vectors], pa.binary()),
            }
        )
        self._finish_pending()
        self.con.register("_new_vectors", table)
        try:
            self.con.execute(
                "INSERT INTO embeddings SELECT n.* FROM (SELECT DISTINCT ON (sha256) * FROM _new_vectors) n "
                "ANTI JOIN (SELECT sha256 FROM embeddings WHERE model_id = ?) e USING (sha256)",
                [model_id],
            )
        finally:
            self.con.unregister("_new_vectors")

    def embedding_count(self, model_id: str | None = None) -> int:
        if model_id is None:
            return int(self.con.execute("SELECT count(*) FROM embeddings").fetchall()[0][0])
        return int(self.con.execute("SELECT count(*) FROM embeddings WHERE model_id = ?", [model_id]).fetchall()[0][0])

