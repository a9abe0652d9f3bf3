"""Sentence vectors for scoring: segmentation, an in-memory cache layer, codebook vectors."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from framing.codebook import Codebook
from framing.corpus import Article
from framing.embedding import embed_sentences
from framing.scoring.background import GENERIC_SENTENCES
from framing.segment import split_spans

log = logging.getLogger(__name__)

SENTENCE_COLUMNS = ["article_id", "sentence_index", "start", "end", "text"]


def segment(articles: Sequence[Article]) -> pd.DataFrame:
    """Sentences of the articles, in article order.

    Returns
    -------
    DataFrame with columns ``article_id, sentence_index, start, end, text`` and an
    ``article_row`` column (position of the article in ``articles``).
    """
    ids, rows, idx, starts, ends, texts = [], [], [], [], [], []
    for row, article in enumerate(articles):
        text = article.text or ""
        for i, (s, e) in enumerate(split_spans(text)):
            ids.append(article.article_id)
            rows.append(row)
            idx.append(i)
            starts.append(s)
            ends.append(e)
            texts.append(text[s:e])
    return pd.DataFrame({
        "article_id": pd.Series(ids, dtype=object),
        "sentence_index": np.asarray(idx, dtype=np.int64),
        "start": np.asarray(starts, dtype=np.int64),
        "end": np.asarray(ends, dtype=np.int64),
        "text": pd.Series(texts, dtype=object),
        "article_row": np.asarray(rows, dtype=np.int64),
    })


class MemoryCache:
    """An embedding cache in memory, optionally in front of a ``Store``.

    Has the two methods ``embed_sentences`` uses (``get_embeddings``,
    ``put_embeddings``), so within one ``analyse`` call every distinct sentence is
    encoded at most once even without a store; with a store, vectors are also read
    from and written to it.
    """

    def __init__(self, store=None):
        self.store = store
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def get_embeddings(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found = {h: self._vectors[(model_id, h)] for h in hashes if (model_id, h) in self._vectors}
        if self.store is not None:
            rest = [h for h in dict.fromkeys(hashes) if h not in found]
            if rest:
                fetched = self.store.get_embeddings(model_id, rest)
                for h, v in fetched.items():
                    self._vectors[(model_id, h)] = v
                found.update(fetched)
        return found

    def clear(self) -> None:
        """Forget the in-memory vectors (the store, if any, keeps its own)."""
        self._vectors.clear()

    def put_embeddings(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        for h, v in zip(hashes, vectors):
            self._vectors[(model_id, h)] = np.asarray(v, dtype=np.float32)
        if self.store is not None and not getattr(self.store, "read_only", False):
            self.store.put_embeddings(model_id, hashes, vectors)


@dataclass
class CodebookVectors:
    """Encoded sentences of a codebook.

    ``prototypes`` / ``counter_examples``: frame id -> ndarray of shape (n, dim);
    ``reference``: the codebook's neutral sentences, or the generic ones when it has
    none (axis baseline); ``background``: reference + generic sentences (frame
    calibration).
    """

    prototypes: dict[str, np.ndarray]
    counter_examples: dict[str, np.ndarray]
    reference: np.ndarray
    background: np.ndarray


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
