"""The result of an engine run written to a folder: a :class:`~framing.results.Results`
over its Parquet tables, plus what only a folder has (paths, streaming, clean-up)."""

from __future__ import annotations

import logging
import shutil
import weakref
from pathlib import Path
from typing import Iterator

import pandas as pd

from framing.results import Results

log = logging.getLogger(__name__)


class EngineResult(Results):
    """Scores, evidence, components, document vectors and events of a corpus, as files.

    Tables stay in ``out_dir`` and are queried with DuckDB (see :class:`Results`), so a
    run over 100k articles need not hold them in memory.

    Parameters
    ----------
    out_dir : Path
    paths : dict of str to Path
        ``scores``, ``evidence``, ``components``, ``articles``, ``sentences`` (Parquet),
        ``doc_vectors`` (``.npy``), ``events`` (Parquet, when computed).
    temporary : bool, default False
        The folder was made for this run only: removed with the object.
    **kw
        As for :class:`Results` (codebook, settings, calibration, encoder_id, engine,
        n_sentences, seconds, inputs).
    """

    def __init__(self, *, out_dir: Path, paths: dict, temporary: bool = False, n_articles: int | None = None, **kw):
        self.out_dir = Path(out_dir)
        self.temporary = temporary
        tables = {k: Path(v) for k, v in paths.items() if k != "doc_vectors"}
        super().__init__(tables, doc_vectors=paths.get("doc_vectors"), folder=self.out_dir, **kw)
        if temporary:  # a folder the caller did not ask for: removed with the result
            weakref.finalize(self, shutil.rmtree, str(self.out_dir), True)

    @property
    def paths(self) -> dict[str, Path]:
        """Table name -> file (``doc_vectors`` included)."""
        out = {k: Path(v) for k, v in self._sources.items()}
        if self._doc_vectors is not None:
            out["doc_vectors"] = Path(self._doc_vectors)
        return out

    @classmethod
    def open(cls, folder: str | Path, **kw) -> "EngineResult":
        opened = Results.open(folder, **kw)
        paths = {k: Path(v) for k, v in opened._sources.items()}
        if opened._doc_vectors is not None:
            paths["doc_vectors"] = Path(opened._doc_vectors)
        result = cls(out_dir=Path(folder), paths=paths, codebook=opened.codebook, settings=opened.settings,
                     calibration=opened.calibration, encoder_id=opened.encoder_id, engine=opened.engine,
                     n_sentences=opened._n_sentences, inputs=opened.inputs, seconds=opened.seconds)
        result.created = opened.created
        return result

    def save(self, folder: str | Path | None = None) -> Path:
        return super().save(folder if folder is not None else self.out_dir)

    def cluster_events(self, **params) -> pd.DataFrame:
        events = super().cluster_events(**params)
        if (self.out_dir / self.STATE_FILE).exists():
            self.save()
        return events

    def iter_table(self, name: str, batch_size: int = 65536) -> Iterator[pd.DataFrame]:
        """Stream a table in batches of rows (bounded memory)."""
        import pyarrow.parquet as pq

        path = self.paths.get(name)
        if path is None:
            raise ValueError(f"table {name!r} was not produced by this run (have {sorted(self.paths)})")
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
            yield batch.to_pandas()

    def cleanup(self) -> None:
        """Delete ``out_dir`` (when the run made it in a temporary folder)."""
        self.close()
        shutil.rmtree(self.out_dir, ignore_errors=True)
