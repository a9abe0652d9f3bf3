"""Validation: human codes, agreement statistics, supervised and few-shot frame classifiers.

Modules: ``labels`` (import, annotation store, sampling), ``agreement`` (Krippendorff's
alpha, per-frame metrics with bootstrap intervals), ``supervised`` (``FrameClassifier``,
``load_model``, ``cross_validate``), ``views`` (chunk views of long articles, shrunk
thresholds, the one-SE view choice), ``fewshot`` (``FewShotClassifier``), ``crosslingual``
(``crosslingual_transfer``: trained on English, tested in other languages). Imports are
lazy: nothing heavy loads until a submodule is used.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "read_labels": "framing.validate.labels",
    "Labels": "framing.validate.labels",
    "AnnotationStore": "framing.validate.labels",
    "sample_articles": "framing.validate.labels",
    "krippendorff_alpha": "framing.validate.agreement",
    "agreement_table": "framing.validate.agreement",
    "model_coder_agreement": "framing.validate.agreement",
    "per_frame_metrics": "framing.validate.agreement",
    "FrameClassifier": "framing.validate.supervised",
    "load_model": "framing.validate.supervised",
    "cross_validate": "framing.validate.supervised",
    "FewShotClassifier": "framing.validate.fewshot",
    "crosslingual_transfer": "framing.validate.crosslingual",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing.validate' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
