"""The result of an engine run: merged Parquet tables on disk, read on demand."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


class EngineResult:
    """Scores, evidence, components, document vectors and events of a corpus, as files.

    Tables are read from ``out_dir`` only when asked for (``scores``, ``evidence``,
    ``components``, ``events``, or in batches with :meth:`iter_table`), so a run over
    100k articles need not hold them in memory.

    Attributes
    ----------
    out_dir : Path
    paths : dict of str to Path
        ``scores``, ``evidence``, ``components``, ``articles`` (Parquet),
        ``doc_vectors`` (``.npy``), ``events`` (Parquet, when computed).
    codebook : Codebook
    settings : ScoringSettings
    calibration : Calibration
    encoder_id : str
    engine : dict
        ``name`` ("local" or "dask"), ``n_workers``, ``scheduler``, ``partition_size``.
    n_articles, n_sentences : int
    seconds : dict of str to float
        Wall time of each stage (``calibrate``, ``score``, ``merge``, ``events``), and the
        summed in-partition times (``partition_embed``, ``partition_score``).
    """

    def __init__(self, *, out_dir: Path, paths: dict, codebook, settings, calibration, encoder_id: str,
                 engine: dict, n_articles: int, n_sentences: int, seconds: dict, inputs: list[str] | None = None,
                 temporary: bool = False):
        self.out_dir = Path(out_dir)
        self.paths = dict(paths)
        self.codebook = codebook
        self.settings = settings
        self.calibration = calibration
        self.encoder_id = encoder_id
        self.engine = dict(engine)
        self.n_articles = int(n_articles)
        self.n_sentences = int(n_sentences)
        self.seconds = dict(seconds)
        self.inputs = list(inputs or [])
        self.temporary = temporary
        if temporary:  # a folder the caller did not ask for: removed with the result
            import weakref

            weakref.finalize(self, shutil.rmtree, str(self.out_dir), True)
        self.created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")

    #: The file that makes a folder re-openable with :meth:`open` (written by :meth:`save`).
    STATE_FILE = "result.json"

    def save(self) -> Path:
        """Write ``result.json`` (settings, calibration, encoder, engine, tables, provenance) and
        ``codebook.yaml`` into ``out_dir``, so :meth:`open` — and ``framing app --results`` —
        can re-open the folder later without re-scoring."""
        state = {
            "format": "framing-result/1",
            "paths": {k: Path(v).name for k, v in self.paths.items()},
            "settings": self.settings.to_dict(),
            "calibration": self.calibration.to_dict(),
            "encoder_id": self.encoder_id,
            "engine": self.engine,
            "n_articles": self.n_articles,
            "n_sentences": self.n_sentences,
            "seconds": self.seconds,
            "inputs": self.inputs,
            "created": self.created,
            "manifest": self.manifest(),
        }
        (self.out_dir / "codebook.yaml").write_text(self.codebook.to_yaml(), encoding="utf-8")
        target = self.out_dir / self.STATE_FILE
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(state, indent=2, default=str), encoding="utf-8")
        tmp.replace(target)
        return target

    @classmethod
    def open(cls, folder: str | Path) -> "EngineResult":
        """Re-open a results folder written by a run with ``out_dir`` (see :meth:`save`).

        Raises
        ------
        ValueError
            When the folder has no ``result.json`` (not a results folder) or a table it
            lists is missing.
        """
        from framing.codebook import Codebook
        from framing.scoring import ScoringSettings
        from framing.scoring.pipeline import Calibration

        folder = Path(folder)
        state_path = folder / cls.STATE_FILE
        if not state_path.is_file():
            raise ValueError(f"{folder}: not a framing results folder (no {cls.STATE_FILE}; write one with "
                             "`framing analyse PATH... --results DIR`)")
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{state_path}: not valid JSON ({exc})") from None
        paths = {k: folder / v for k, v in state.get("paths", {}).items()}
        missing = [str(p) for p in paths.values() if not p.exists()]
        if missing:
            raise ValueError(f"{folder}: tables listed in {cls.STATE_FILE} are missing: {', '.join(missing)}")
        codebook = Codebook.from_yaml((folder / "codebook.yaml").read_text(encoding="utf-8"),
                                      source=str(folder / "codebook.yaml"))
        result = cls(out_dir=folder, paths=paths, codebook=codebook,
                     settings=ScoringSettings.from_dict(state["settings"]),
                     calibration=Calibration.from_dict(state["calibration"]), encoder_id=state["encoder_id"],
                     engine=state.get("engine", {}), n_articles=state.get("n_articles", 0),
                     n_sentences=state.get("n_sentences", 0), seconds=state.get("seconds", {}),
                     inputs=state.get("inputs", []))
        result.created = state.get("created", result.created)
        return result

    def __repr__(self) -> str:
        return (f"EngineResult({self.n_articles} articles, engine={self.engine.get('name')!r}, "
                f"encoder={self.encoder_id!r}, out_dir='{self.out_dir}')")

    # ------------------------------------------------------------------ tables
    def _read(self, name: str, columns=None) -> pd.DataFrame:
        path = self.paths.get(name)
        if path is None:
            raise ValueError(f"table {name!r} was not produced by this run (have {sorted(self.paths)})")
        return pd.read_parquet(path, columns=columns)

    @property
    def scores(self) -> pd.DataFrame:
        """One row per article in input order (the columns of ``Analysis.scores``);
        ``event_id`` and ``event_label`` filled when events were computed
        (:meth:`cluster_events`), else empty."""
        scores = self._read("scores")
        if "events" in self.paths:
            events = pd.read_parquet(self.paths["events"], columns=["article_id", "event_id", "event_label"])
            events = events.set_index("article_id").reindex(scores["article_id"])
            event_id, event_label = events["event_id"].to_numpy(), events["event_label"].to_numpy()
        else:
            event_id = event_label = pd.Series([None] * len(scores), dtype=object).to_numpy()
        scores["event_id"] = event_id
        if "event_label" in scores.columns:
            scores["event_label"] = event_label
        else:
            scores.insert(scores.columns.get_loc("event_id") + 1, "event_label", event_label)
        return scores

    @property
    def evidence(self) -> pd.DataFrame:
        return self._read("evidence")

    @property
    def components(self) -> pd.DataFrame:
        return self._read("components")

    @property
    def events(self) -> pd.DataFrame:
        return self._read("events")

    @property
    def doc_vectors(self) -> np.ndarray:
        """ndarray of shape (n_articles, dim), memory-mapped from ``doc_vectors.npy``."""
        return np.load(self.paths["doc_vectors"], mmap_mode="r")

    def long_table(self) -> pd.DataFrame:
        """Components and evidence in one long table (as ``Analysis.long_table``)."""
        comp = self.components.assign(kind="component", pole="", rank=0, sentence_index=-1, start=-1, end=-1,
                                      text="")
        comp = comp.rename(columns={"component": "name"})
        evidence = self.evidence
        ev = evidence.assign(name=evidence["kind"])
        cols = ["article_id", "target", "kind", "name", "pole", "rank", "sentence_index", "start", "end", "text",
                "value"]
        return pd.concat([comp[cols], ev[cols]], ignore_index=True)

    def iter_table(self, name: str, batch_size: int = 65536) -> Iterator[pd.DataFrame]:
        """Stream a table in batches of rows (bounded memory)."""
        import pyarrow.parquet as pq

        path = self.paths.get(name)
        if path is None:
            raise ValueError(f"table {name!r} was not produced by this run (have {sorted(self.paths)})")
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
            yield batch.to_pandas()

    def cluster_events(self, **params) -> pd.DataFrame:
        """Run :func:`framing.events.cluster_events` on the stored articles and document
        vectors, write ``events.parquet`` and return the table."""
        from framing.events import cluster_events

        import pyarrow.parquet as pq

        frame = self._read("articles", columns=["article_id", "outlet", "published", "title"])

        def texts():  # streamed from the Parquet file, never all in memory
            for batch in pq.ParquetFile(self.paths["articles"]).iter_batches(batch_size=2048, columns=["text"]):
                yield from batch.column(0).to_pylist()

        params.setdefault("random_state", self.settings.random_state)
        events = cluster_events(frame, np.asarray(self.doc_vectors), codebook=self.codebook, texts=texts(), **params)
        target = self.out_dir / "events.parquet"
        events.to_parquet(target, index=False)
        self.paths["events"] = target
        if (self.out_dir / self.STATE_FILE).exists():
            self.save()
        return events

    # ------------------------------------------------------------------ provenance / export
    def manifest(self) -> dict:
        """Provenance: versions, encoder id, codebook hash, settings, calibration, engine, inputs."""
        from framing import __version__

        try:
            from framing.export import file_manifest

            inputs = file_manifest([p for p in self.inputs if Path(p).exists()])
        except ImportError:  # pragma: no cover
            inputs = [{"path": p} for p in self.inputs]
        return {
            "framing_version": __version__,
            "encoder": self.encoder_id,
            "encoder_id": self.encoder_id,
            "codebook": {"id": self.codebook.id, "sha256": self.codebook.sha256,
                         "version": getattr(self.codebook, "version", None),
                         "source": getattr(self.codebook, "source", None)},
            "settings": self.settings.to_dict(),
            "calibration": self.calibration.to_dict(),
            "engine": self.engine,
            "inputs": inputs,
            "n_articles": self.n_articles,
            "n_sentences": self.n_sentences,
            "created": self.created,
        }

    def export(self, path: str | Path, format: str | None = None, *, long: bool = False) -> list[Path]:
        """Write scores, evidence and events (and components with ``long=True``) + ``manifest.json``.

        Parquet or CSV into a folder is streamed by DuckDB (the scores joined with their
        events on the way; memory bounded by DuckDB's limit, whatever the corpus size);
        other formats go through :func:`framing.export.export_tables` and load the tables.
        """
        from framing.export import export_tables

        names = ["scores", "evidence"] + (["events"] if "events" in self.paths else []) + \
                (["components"] if long else [])
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".") or "csv").lower()
        if fmt in ("parquet", "csv") and not path.suffix:
            return self._export_streamed(path, names, fmt)
        tables = {name: (self.scores if name == "scores" else self._read(name)) for name in names}
        return export_tables(tables, path, format=format, manifest=self.manifest())

    def _export_streamed(self, folder: Path, names: list[str], fmt: str) -> list[Path]:
        import duckdb

        from framing.store import _memory_limit

        def src(name: str) -> str:
            return parquet_sql(self.paths[name])

        folder.mkdir(parents=True, exist_ok=True)
        options = "(FORMAT PARQUET, COMPRESSION ZSTD)" if fmt == "parquet" else "(FORMAT CSV, HEADER)"
        written, rows = [], {}
        con = duckdb.connect(config={"memory_limit": _memory_limit(), "preserve_insertion_order": True})
        try:
            for name in names:
                query = f"SELECT * FROM {src(name)}"
                if name == "scores" and "events" in self.paths:
                    query = scores_with_events_sql(con, self.paths["scores"], self.paths["events"])
                target = folder / f"{name}.{fmt}"
                con.execute(f"COPY ({query}) TO '{str(target).replace(chr(39), chr(39) * 2)}' {options}")
                rows[name] = con.execute(f"SELECT count(*) FROM {src(name)}").fetchone()[0]
                written.append(target)
        finally:
            con.close()
        manifest = self.manifest()
        manifest["outputs"] = [p.name for p in written]
        manifest["rows"] = rows
        manifest["format"] = fmt
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        return written + [folder / "manifest.json"]

    def cleanup(self) -> None:
        """Delete ``out_dir`` (when the run made it in a temporary folder)."""
        shutil.rmtree(self.out_dir, ignore_errors=True)


def parquet_sql(path) -> str:
    """``read_parquet('PATH')`` for DuckDB, the path quoted."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def scores_with_events_sql(con, scores_path, events_path, *, row_column: str | None = None) -> str:
    """SQL for the score table with ``event_id``/``event_label`` from the events table, in
    input order and in the column order of :attr:`EngineResult.scores` (plus the 0-based
    input row as ``row_column`` when given). ``con`` is a DuckDB connection (to read the
    score table's columns)."""
    scores = parquet_sql(scores_path)
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scores}").fetchall()]
    select = ", ".join(_event_columns(cols) + ([f"s._row AS {row_column}"] if row_column else []))
    return (f"SELECT {select} FROM (SELECT *, row_number() OVER () - 1 AS _row FROM {scores}) s LEFT JOIN "
            f"(SELECT DISTINCT ON (article_id) article_id, event_id, event_label FROM "
            f"{parquet_sql(events_path)}) e USING (article_id) ORDER BY s._row")


def _event_columns(cols: list[str]) -> list[str]:
    """SQL select list of the scores (alias ``s``) with ``event_id``/``event_label`` from the
    events (alias ``e``), in the column order of :attr:`EngineResult.scores`."""
    out = []
    for c in cols:
        if c == "event_id":
            out += ["e.event_id"] + ([] if "event_label" in cols else ["e.event_label"])
        elif c == "event_label":
            out.append("e.event_label")
        else:
            out.append('s."' + c.replace('"', '""') + '"')
    if "event_id" not in cols:
        out += ["e.event_id", "e.event_label"]
    return out
