"""Several encoders' vectors side by side."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from framing.encoders.base import Encoder, LazyEncoder, normalise


class ConcatEncoder(LazyEncoder):
    """Several encoders' vectors side by side: each L2-normalised, concatenated, renormalised
    (so each encoder weighs the same in a cosine).

    Parameters
    ----------
    encoders : sequence of Encoder
        Two or more. ``get_encoder("minilm+mpnet")`` builds one from names. Nothing is
        loaded until the first ``encode`` (or ``dim``).

    Attributes
    ----------
    model_id : str
        ``"concat(<id>+<id>...)"``; part of the embedding-cache key.
    dim : int or None
        Sum of the parts' dimensions (None when one is unknown).
    """

    def __init__(self, encoders: Sequence[Encoder]):
        self.encoders = encoders

    def _parts(self) -> list:
        parts = list(self.encoders)
        if len(parts) < 2:
            raise ValueError(f"ConcatEncoder needs two or more encoders, got {len(parts)}")
        return parts

    @property
    def model_id(self) -> str:
        return "concat(" + "+".join(e.model_id for e in self._parts()) + ")"

    @property
    def dim(self) -> int | None:
        dims = [getattr(e, "dim", None) for e in self._parts()]
        return None if None in dims else int(sum(dims))

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed sentences: ndarray of shape (len(sentences), dim), float32, rows L2-normalised."""
        parts = self._parts()
        sentences = list(sentences)
        if not sentences:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        return normalise(np.hstack([normalise(e.encode(sentences)) for e in parts]))
