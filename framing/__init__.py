"""framing: how different outlets tell the same events.

Score news articles on competing frames with traceable evidence, group articles
into events across outlets, and compare outlets side by side.

The public API (imports are lazy so ``import framing`` stays light):

- ``load(paths) -> Corpus``
- ``analyse(corpus, codebook) -> Analysis``
- ``Codebook.load(id_or_path)``
- ``plots``: Altair figures of results (``framing.plots.outlet_frames(results)``)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load": "framing.ingest",
    "ingest": "framing.ingest",
    "Corpus": "framing.corpus",
    "Article": "framing.corpus",
    "Sentence": "framing.corpus",
    "IngestReport": "framing.corpus",
    "Codebook": "framing.codebook",
    "CodebookError": "framing.codebook",
    "Store": "framing.store",
    "get_encoder": "framing.encoders",
    "analyse": "framing.analysis",
    "Analysis": "framing.analysis",
    "ScoringSettings": "framing.scoring",
    "cluster_events": "framing.events",
    "EventClusterer": "framing.events",
    "compare": "framing.compare",
    "Comparison": "framing.compare",
    "export_tables": "framing.export",
    "run_local": "framing.engines",
    "run_dask": "framing.engines",
    "read_labels": "framing.validate.labels",
    "krippendorff_alpha": "framing.validate.agreement",
    "FrameClassifier": "framing.validate.supervised",
    "FewShotClassifier": "framing.validate.fewshot",
    "plots": "framing.plots",  # a module: Altair figures (altair imported only when used)
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    value = importlib.import_module(module)
    if module != f"{__name__}.{name}":  # a submodule is exported as itself
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
