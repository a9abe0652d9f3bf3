"""Parquet partitions on disk and their merge, in input order, with bounded memory."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

ARTICLE_META_COLUMNS = ["article_id", "outlet", "published", "title", "text", "url", "section", "author", "source"]
#: Tables a partition produces (Parquet bytes in :class:`~framing.engines._partition.PartitionResult`).
PARTITION_TABLES = ("scores", "evidence", "components", "sentences")


def articles_frame(articles) -> pd.DataFrame:
    """Article metadata and text of a partition (for events, the app and exports): the
    ``ARTICLE_META_COLUMNS``, then the user's own columns (``Article.extra``, typed by
    :func:`framing.metadata.extra_frame`)."""
    from framing.metadata import extra_frame

    articles = list(articles)
    frame = pd.DataFrame({c: pd.Series([getattr(a, c) for a in articles], dtype=object)
                          for c in ARTICLE_META_COLUMNS})
    frame["published"] = pd.to_datetime(frame["published"], errors="coerce")
    extra = extra_frame([getattr(a, "extra", None) or {} for a in articles])
    extra = extra.drop(columns=[c for c in extra.columns if c in frame.columns])
    return pd.concat([frame, extra], axis=1) if len(extra.columns) else frame


def _unified_schema(schemas):
    """One schema for the parts of a table; a column typed differently in different parts
    (user metadata: numbers in one partition, text in another) becomes text."""
    import pyarrow as pa

    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    types: dict[str, set] = {}
    for schema in schemas:
        for f in schema:
            if not pa.types.is_null(f.type):
                types.setdefault(f.name, set()).add(f.type)
    fields, seen = [], set()
    for schema in schemas:
        for f in schema:
            if f.name in seen:
                continue
            seen.add(f.name)
            kinds = types.get(f.name, {f.type})
            fields.append(pa.field(f.name, kinds.pop() if len(kinds) == 1 else pa.string()))
    return pa.schema(fields)


def _conform(table, schema):
    """``table`` with ``schema``'s columns in order (missing ones null), cast to its types."""
    import pyarrow as pa

    columns = []
    for f in schema:
        if f.name in table.column_names:
            col = table.column(f.name)
            columns.append(col if col.type == f.type else col.cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate partition frames; a column whose dtype differs between them becomes text."""
    if len(frames) == 1:
        return frames[0]
    kinds: dict[str, set] = {}
    for f in frames:
        for c in f.columns:
            if f[c].notna().any():
                kinds.setdefault(c, set()).add(str(f[c].dtype))
    mixed = [c for c, k in kinds.items() if len(k) > 1 and c not in ARTICLE_META_COLUMNS]
    if mixed:
        frames = [f.assign(**{c: f[c].astype(object).where(f[c].notna(), None).map(
            lambda v: v if v is None else str(v)) for c in mixed if c in f.columns}) for f in frames]
    return pd.concat(frames, ignore_index=True)


class PartStore:
    """A folder of partition files (``parts/<table>-<index>.parquet``) merged into
    ``<table>.parquet`` and ``doc_vectors.npy``.

    Parameters
    ----------
    out_dir : Path
        Where the merged tables go; parts live in ``out_dir / "parts"`` until merged.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.parts = self.out_dir / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self.indices: set[int] = set()
        self.dim: int | None = None

    def part(self, table: str, index: int, suffix: str = "parquet") -> Path:
        return self.parts / f"{table}-{index:07d}.{suffix}"

    def write_result(self, result) -> None:
        """Write a :class:`~framing.engines._partition.PartitionResult`."""
        for name, blob in result.tables.items():
            self.part(name, result.index).write_bytes(blob)
        np.save(self.part("docvec", result.index, "npy"), np.asarray(result.doc_vectors, dtype=np.float32))
        if result.doc_vectors.ndim == 2 and result.doc_vectors.shape[0]:
            self.dim = int(result.doc_vectors.shape[1])
        self.indices.add(result.index)

    def write_articles(self, index: int, articles) -> None:
        """Article metadata and text of a partition (for events and exports)."""
        articles_frame(articles).to_parquet(self.part("articles", index), index=False)

    def save_vectors(self, index: int, vectors: np.ndarray) -> None:
        np.save(self.part("vectors", index, "npy"), np.asarray(vectors, dtype=np.float32))

    def load_vectors(self, index: int) -> np.ndarray:
        return np.load(self.part("vectors", index, "npy"))

    # ------------------------------------------------------------------ merge
    def merge(self, tables=PARTITION_TABLES + ("articles",), keep_parts: bool = False) -> dict:
        """Concatenate the parts of each table in index order; returns name -> Path."""
        import pyarrow.parquet as pq

        order = sorted(self.indices)
        if order != list(range(len(order))):
            raise ValueError(f"partitions missing before merge: have {len(order)}, highest index "
                             f"{order[-1] if order else None}")
        out: dict[str, Path] = {}
        for table in tables:
            files = [self.part(table, i) for i in order if self.part(table, i).exists()]
            if not files:
                continue
            schemas = [pq.read_schema(f).remove_metadata() for f in files]
            schema = _unified_schema(schemas)
            target = self.out_dir / f"{table}.parquet"
            with pq.ParquetWriter(target, schema, compression="zstd") as writer:
                for f in files:
                    t = pq.read_table(f)
                    if t.num_rows == 0:
                        continue
                    writer.write_table(_conform(t.replace_schema_metadata(None), schema))
            out[table] = target
        # document vectors: one (n_articles, dim) .npy written block by block
        blocks = [self.part("docvec", i, "npy") for i in order]
        n = sum(np.load(b, mmap_mode="r").shape[0] for b in blocks)
        dim = self.dim or 0
        target = self.out_dir / "doc_vectors.npy"
        mm = np.lib.format.open_memmap(target, mode="w+", dtype=np.float32, shape=(n, dim))
        row = 0
        for b in blocks:
            block = np.load(b)
            if block.shape[0]:
                mm[row:row + block.shape[0], :block.shape[1]] = block
            row += block.shape[0]
        mm.flush()
        del mm
        out["doc_vectors"] = target
        if not keep_parts:
            shutil.rmtree(self.parts, ignore_errors=True)
        return out


class MemoryParts:
    """The in-memory sink of a run (what :func:`framing.analyse` uses): partitions kept as
    frames and merged in input order, with the interface of :class:`PartStore`."""

    def __init__(self):
        self.results: dict[int, object] = {}
        self.articles: dict[int, pd.DataFrame] = {}
        self.vectors: dict[int, np.ndarray] = {}

    def write_result(self, result) -> None:
        self.results[result.index] = result

    def write_articles(self, index: int, articles) -> None:
        self.articles[index] = articles_frame(articles)

    def save_vectors(self, index: int, vectors: np.ndarray) -> None:
        self.vectors[index] = np.asarray(vectors, dtype=np.float32)

    def load_vectors(self, index: int) -> np.ndarray:
        return self.vectors.pop(index)

    def merge(self) -> tuple[dict[str, pd.DataFrame], np.ndarray]:
        """(table name -> frame, document vectors of shape (n_articles, dim)), in input order."""
        import io

        order = sorted(self.results)
        if order != list(range(len(order))):
            raise ValueError(f"partitions missing before merge: have {len(order)}")
        tables: dict[str, pd.DataFrame] = {}
        for name in PARTITION_TABLES:
            frames = [pd.read_parquet(io.BytesIO(self.results[i].tables[name])) for i in order
                      if name in self.results[i].tables]
            frames = [f for f in frames if len(f)] or frames[:1]
            if frames:
                tables[name] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        tables["articles"] = _concat_frames([self.articles[i] for i in order])
        blocks = [np.asarray(self.results[i].doc_vectors, dtype=np.float32) for i in order]
        dim = max((b.shape[1] for b in blocks if b.ndim == 2), default=0)
        vectors = np.zeros((sum(b.shape[0] for b in blocks), dim), dtype=np.float32)
        row = 0
        for b in blocks:
            if b.shape[0] and b.ndim == 2:
                vectors[row:row + b.shape[0], :b.shape[1]] = b
            row += b.shape[0]
        return tables, vectors
