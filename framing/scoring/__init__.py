"""Frame scoring: lexicon, prototype-embedding and FrameAxis-style axis scorers.

Small scikit-learn-style transformers composed by :class:`CodebookScorer`; the
distributable entry points are :func:`fit_calibration` (first pass, returns a small
serialisable :class:`Calibration`) and :func:`score_batch` (pure function of a batch).
"""

from framing.scoring.axis import AxisResult, AxisScorer
from framing.scoring.base import EmbeddedSentences, top_k_mean
from framing.scoring.lexicon import LexiconScorer, term_pattern
from framing.scoring.pipeline import (
    COMPONENT_COLUMNS,
    EVIDENCE_COLUMNS,
    Calibration,
    CodebookScorer,
    fit_calibration,
    score_batch,
)
from framing.scoring.prototype import PrototypeScorer, calibrate
from framing.scoring.settings import ScoringSettings
from framing.scoring.vectors import CodebookVectors, MemoryCache, encode_codebook, segment

__all__ = [
    "AxisResult", "AxisScorer", "Calibration", "CodebookScorer", "CodebookVectors", "COMPONENT_COLUMNS",
    "EVIDENCE_COLUMNS", "EmbeddedSentences", "LexiconScorer", "MemoryCache", "PrototypeScorer",
    "ScoringSettings", "calibrate", "encode_codebook", "fit_calibration", "score_batch", "segment",
    "term_pattern", "top_k_mean",
]
