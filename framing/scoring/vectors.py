"""Codebook vectors for scoring (the sentence segmenter and the in-memory cache layer live in
:mod:`framing.segment` and :mod:`framing.embed` and are re-exported here)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from framing.codebook import Codebook
from framing.embed import MemoryCache, embed_sentences
from framing.scoring.background import GENERIC_SENTENCES
from framing.segment import SENTENCE_COLUMNS, segment

log = logging.getLogger(__name__)

__all__ = ["CodebookVectors", "MemoryCache", "SENTENCE_COLUMNS", "clear_codebook_memo", "encode_codebook", "segment"]


@dataclass
class CodebookVectors:
    """Encoded sentences of a codebook.

    ``prototypes`` / ``counter_examples``: frame id -> ndarray of shape (n, dim);
    ``reference``: the codebook's neutral sentences, or the generic ones when it has
    none; ``background``: reference + generic sentences (frame calibration);
    ``neutral``: axis id -> the axis's own neutral sentences (empty when it has none:
    the axis then uses ``reference``).
    """

    prototypes: dict[str, np.ndarray]
    counter_examples: dict[str, np.ndarray]
    reference: np.ndarray
    background: np.ndarray
    neutral: dict[str, np.ndarray] = field(default_factory=dict)


_MEMO: "OrderedDict[tuple, CodebookVectors]" = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 8


def encode_codebook(codebook: Codebook, encoder, store=None, *, generic_background: bool = True,
                    batch_size: int = 512, progress: Callable[[int, int], None] | None = None) -> CodebookVectors:
    """Encode a codebook's prototypes, counter-examples and reference sentences once.

    Results are memoised per process by (encoder model id, codebook sha256,
    ``generic_background``), so scoring many batches encodes the codebook once.
    """
    key = (encoder.model_id, codebook.sha256, bool(generic_background))
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    texts: list[str] = []
    for frame in codebook.frames:
        texts.extend(frame.prototypes)
        texts.extend(frame.counter_examples)
    texts.extend(codebook.reference)
    for axis in codebook.axes:
        texts.extend(axis.neutral)
    generic = list(GENERIC_SENTENCES) if (generic_background or not codebook.reference) else []
    texts.extend(generic)
    unique = list(dict.fromkeys(texts))
    vecs = embed_sentences(unique, encoder, store, batch_size=batch_size, progress=progress)
    lookup = dict(zip(unique, vecs))

    def mat(sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, vecs.shape[1]), dtype=np.float32)
        return np.vstack([lookup[t] for t in sentences])

    reference = mat(codebook.reference) if codebook.reference else mat(generic)
    background_texts = list(dict.fromkeys(list(codebook.reference) + (list(GENERIC_SENTENCES)
                                                                       if generic_background else [])))
    out = CodebookVectors(
        prototypes={f.id: mat(f.prototypes) for f in codebook.frames},
        counter_examples={f.id: mat(f.counter_examples) for f in codebook.frames if f.counter_examples},
        reference=reference,
        background=mat(background_texts) if background_texts else reference,
        neutral={a.id: mat(a.neutral) for a in codebook.axes if a.neutral},
    )
    with _MEMO_LOCK:
        _MEMO[key] = out
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return out


def clear_codebook_memo() -> None:
    """Forget the per-process codebook vectors (as a fresh process would)."""
    with _MEMO_LOCK:
        _MEMO.clear()
