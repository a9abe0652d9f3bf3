"""Engines that run the same scoring over partitions of a corpus: in this process
(:func:`run_local`) or on a Dask cluster (:func:`run_dask`). See ``docs/scale.md``."""

from framing.engines.result import EngineResult
from framing.engines.run import DEFAULT_PARTITION_SIZE, analyse_dask, corpus_calibration, run_dask, run_local

ENGINES = ("local", "dask")

__all__ = ["DEFAULT_PARTITION_SIZE", "ENGINES", "EngineResult", "analyse_dask", "corpus_calibration", "run_dask", "run_local"]
